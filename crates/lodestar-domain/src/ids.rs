//! Typed identifiers. All are UUIDs made in Rust (v7, so they sort by creation time).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new, time-ordered identifier.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A webhook endpoint an admin registered.
    WebhookId
);
id_type!(
    /// One event's delivery to one webhook endpoint.
    WebhookDeliveryId
);
id_type!(
    /// A person: an account that may be a mentor, a mentee, or both.
    PersonId
);
id_type!(
    /// A skill in the catalogue.
    SkillId
);
id_type!(
    /// A role of the role catalogue (shipped or the organisation's own).
    RoleId
);
id_type!(
    /// A step of a person's career plan.
    CareerStepId
);
id_type!(
    /// A personal API token.
    TokenId
);
id_type!(
    /// A mentorship request: a mentee asking a mentor, or a mentor offering.
    RequestId
);
id_type!(
    /// A mentorship: mentors and mentees working together.
    MentorshipId
);
id_type!(
    /// A meeting of a mentorship (a "session" on the pages).
    MeetingId
);
id_type!(
    /// A note on a meeting.
    NoteId
);
id_type!(
    /// An action item of a mentorship.
    ActionItemId
);
id_type!(
    /// An entry of a person's inbox.
    NotificationId
);
id_type!(
    /// A conversation: a request's, continued by the mentorship it started.
    ThreadId
);
id_type!(
    /// A message in a thread. Being UUIDv7, ids sort in the order messages were written,
    /// so an id is also a cursor.
    MessageId
);
id_type!(
    /// A party's report of a message to the admins.
    ReportId
);
id_type!(
    /// A person's goal.
    GoalId
);
id_type!(
    /// A milestone of a goal.
    MilestoneId
);
id_type!(
    /// An obstacle on the way to a goal, with the plan to overcome it.
    ObstacleId
);
id_type!(
    /// A comment on a goal, by its owner or a mentor it is shared with.
    GoalCommentId
);
id_type!(
    /// A confidence check-in.
    CheckInId
);
id_type!(
    /// A skill assessment: a person's own, or their mentor's.
    AssessmentId
);
id_type!(
    /// Structured feedback from one side of a mentorship to the other.
    FeedbackId
);
id_type!(
    /// A request for feedback on a skill.
    FeedbackRequestId
);
id_type!(
    /// A career outcome a person records: a promotion, a new role, a certification.
    OutcomeId
);
id_type!(
    /// A connection between two people, or a request for one.
    ConnectionId
);
id_type!(
    /// An introduction of two people by someone connected with both.
    IntroductionId
);
id_type!(
    /// A request to a connection for an introduction.
    IntroductionAskId
);
id_type!(
    /// An opportunity or insight someone posted.
    OpportunityId
);
id_type!(
    /// A programme: a cohort with dates, rules and its own enrolment form.
    ProgrammeId
);
id_type!(
    /// A person's enrolment in a programme.
    EnrolmentId
);
id_type!(
    /// A cohort match run of a programme.
    MatchRunId
);
id_type!(
    /// A record of the audit log: one admin action.
    AuditEntryId
);
