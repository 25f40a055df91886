//! The life of a mentorship: requests and their states, mentorships and theirs, meetings,
//! cadences, and the kinds of event people are told about. Each state machine says which
//! moves it allows; the services refuse every other one.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Spells an enum as the snake_case text the database and the API use, and reads it back.
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    _ => Err(UnknownValue {
                        expected: concat!($($text, " "),+).trim_end(),
                    }),
                }
            }
        }
    };
}

pub(crate) use text_enum;

/// A text that is not one of an enum's values.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("must be one of: {}", expected.replace(' ', ", "))]
pub struct UnknownValue {
    pub(crate) expected: &'static str,
}

text_enum!(
    /// How often the two mean to meet.
    Cadence {
        Weekly => "weekly",
        Fortnightly => "fortnightly",
        Monthly => "monthly",
    }
);

impl Cadence {
    pub fn label(self) -> &'static str {
        match self {
            Self::Weekly => "Weekly",
            Self::Fortnightly => "Every two weeks",
            Self::Monthly => "Monthly",
        }
    }

    /// Days between meetings at this cadence.
    pub fn days(self) -> i64 {
        match self {
            Self::Weekly => 7,
            Self::Fortnightly => 14,
            Self::Monthly => 30,
        }
    }
}

text_enum!(
    /// Who sent a request: a mentee asking, or a mentor offering.
    Initiator {
        Mentee => "mentee",
        Mentor => "mentor",
    }
);

text_enum!(
    /// Where a request stands. Only `pending` is open.
    RequestState {
        Pending => "pending",
        Accepted => "accepted",
        Declined => "declined",
        Withdrawn => "withdrawn",
        Expired => "expired",
    }
);

impl RequestState {
    pub fn is_open(self) -> bool {
        self == Self::Pending
    }

    /// Every move leaves `pending`, and none comes back.
    pub fn can_become(self, next: Self) -> bool {
        self == Self::Pending && next != Self::Pending
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Waiting for an answer",
            Self::Accepted => "Accepted",
            Self::Declined => "Declined",
            Self::Withdrawn => "Withdrawn",
            Self::Expired => "Expired",
        }
    }
}

text_enum!(
    /// A programme admin's review of a request made in an admin-assisted programme:
    /// waiting (the mentor does not see it yet), approved (sent on to the mentor) or
    /// rejected (declined with the admin's reason).
    Review {
        Waiting => "waiting",
        Approved => "approved",
        Rejected => "rejected",
    }
);

impl Review {
    pub fn label(self) -> &'static str {
        match self {
            Self::Waiting => "Waiting for a programme admin's approval",
            Self::Approved => "Approved by a programme admin",
            Self::Rejected => "Not approved by a programme admin",
        }
    }
}

text_enum!(
    /// Where a mentorship stands. Active and paused ones hold a place of the mentor's
    /// capacity and show each party the other's contact details.
    MentorshipState {
        Active => "active",
        Paused => "paused",
        Completed => "completed",
        Cancelled => "cancelled",
    }
);

impl MentorshipState {
    /// Active or paused: still running, holding a place, contact details shown.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Active | Self::Paused)
    }

    /// The moves a mentorship may make: pause and resume between the open states, and
    /// from either to an end. Ended mentorships stay ended.
    pub fn can_become(self, next: Self) -> bool {
        use MentorshipState::*;
        matches!(
            (self, next),
            (Active, Paused) | (Paused, Active) | (Active | Paused, Completed | Cancelled)
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Paused => "Paused",
            Self::Completed => "Completed",
            Self::Cancelled => "Cancelled",
        }
    }
}

text_enum!(
    /// What a mentorship is for: an ongoing one holds a place of the mentor's capacity; a
    /// flash one is a single one-off conversation, counted against the mentor's monthly
    /// limit instead, and ends after its session.
    MentorshipKind {
        Ongoing => "ongoing",
        Flash => "flash",
    }
);

text_enum!(
    /// A person's part in a mentorship.
    MemberRole {
        Mentor => "mentor",
        Mentee => "mentee",
    }
);

text_enum!(
    /// Where a meeting stands: scheduled, then held, missed (no-show) or cancelled.
    MeetingState {
        Scheduled => "scheduled",
        Held => "held",
        NoShow => "no_show",
        Cancelled => "cancelled",
    }
);

impl MeetingState {
    /// A scheduled meeting can be held, missed or cancelled; an outcome can be corrected
    /// (held ↔ no-show); a cancelled meeting stays cancelled.
    pub fn can_become(self, next: Self) -> bool {
        use MeetingState::*;
        matches!(
            (self, next),
            (Scheduled, Held | NoShow | Cancelled) | (Held, NoShow) | (NoShow, Held)
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Scheduled => "Scheduled",
            Self::Held => "Held",
            Self::NoShow => "Missed",
            Self::Cancelled => "Cancelled",
        }
    }
}

text_enum!(
    /// What a notification tells of. Each kind can be e-mailed or not, per person; the
    /// in-app inbox always gets it.
    NotificationKind {
        RequestReceived => "request_received",
        RequestAccepted => "request_accepted",
        RequestDeclined => "request_declined",
        RequestExpiring => "request_expiring",
        RequestExpired => "request_expired",
        RequestsPaused => "requests_paused",
        SessionScheduled => "session_scheduled",
        SessionRescheduled => "session_rescheduled",
        SessionCancelled => "session_cancelled",
        SessionReminder => "session_reminder",
        ActionItemDue => "action_item_due",
        MentorshipPaused => "mentorship_paused",
        MentorshipResumed => "mentorship_resumed",
        MentorshipCompleted => "mentorship_completed",
        MentorshipCancelled => "mentorship_cancelled",
        MentorshipStalled => "mentorship_stalled",
        MessageReceived => "message_received",
        ModerationWarning => "moderation_warning",
        SessionBooked => "session_booked",
        GoalComment => "goal_comment",
        MilestoneSuggested => "milestone_suggested",
        GoalDue => "goal_due",
        MilestoneOverdue => "milestone_overdue",
        CheckInReminder => "check_in_reminder",
        ConfidenceDrop => "confidence_drop",
        FeedbackReceived => "feedback_received",
        FeedbackRequested => "feedback_requested",
        ConnectionRequested => "connection_requested",
        ConnectionAccepted => "connection_accepted",
        IntroductionMade => "introduction_made",
        IntroductionConnected => "introduction_connected",
        IntroductionAsked => "introduction_asked",
        OpportunityShared => "opportunity_shared",
        EnrolmentWaiting => "enrolment_waiting",
        EnrolmentDecided => "enrolment_decided",
        ProgrammeMatched => "programme_matched",
        RequestWaiting => "request_waiting",
    }
);

impl NotificationKind {
    /// How the preferences page names the kind.
    pub fn label(self) -> &'static str {
        match self {
            Self::RequestReceived => "Someone asks you to mentor them, or offers to mentor you",
            Self::RequestAccepted => "Your request is accepted",
            Self::RequestDeclined => "Your request is declined",
            Self::RequestExpiring => "A request to you is about to expire",
            Self::RequestExpired => "A request expires unanswered",
            Self::RequestsPaused => "Your requests are paused after going unanswered",
            Self::SessionScheduled => "A session is scheduled",
            Self::SessionRescheduled => "A session is moved",
            Self::SessionCancelled => "A session is cancelled",
            Self::SessionReminder => "A session is tomorrow",
            Self::ActionItemDue => "An action item of yours is due",
            Self::MentorshipPaused => "A mentorship is paused",
            Self::MentorshipResumed => "A mentorship resumes",
            Self::MentorshipCompleted => "A mentorship is completed",
            Self::MentorshipCancelled => "A mentorship is cancelled",
            Self::MentorshipStalled => "A mentorship has stalled",
            Self::MessageReceived => {
                "Someone writes to you and you have not read it within 10 minutes (at most hourly per conversation)"
            }
            Self::ModerationWarning => "An admin warns you about a message you wrote",
            Self::SessionBooked => "Someone books a session in your free time",
            Self::GoalComment => "Someone comments on a goal of yours, or one shared with you",
            Self::MilestoneSuggested => "Your mentor suggests a milestone for a goal of yours",
            Self::GoalDue => "A goal of yours reaches its target date",
            Self::MilestoneOverdue => "A milestone of yours is overdue",
            Self::CheckInReminder => "It is time for your confidence check-in",
            Self::ConfidenceDrop => {
                "A check-in shows a marked drop in confidence (yours, or a mentee's who shares them)"
            }
            Self::FeedbackReceived => "Someone gives you feedback",
            Self::FeedbackRequested => "Someone asks for your feedback on a skill",
            Self::ConnectionRequested => "Someone asks to connect with you",
            Self::ConnectionAccepted => "Someone accepts your request to connect",
            Self::IntroductionMade => "A connection introduces you to someone",
            Self::IntroductionConnected => {
                "An introduction you made or were part of connects two people"
            }
            Self::IntroductionAsked => "A connection asks you for an introduction",
            Self::OpportunityShared => "Someone shares an opportunity with you",
            Self::EnrolmentWaiting => {
                "Someone enrols in a programme you run and waits for your approval"
            }
            Self::EnrolmentDecided => "Your enrolment in a programme is approved or declined",
            Self::ProgrammeMatched => "A programme matches you with your mentor or mentee",
            Self::RequestWaiting => "A request in a programme you run waits for your approval",
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_state_machine_reads_back_what_it_writes() {
        for state in RequestState::ALL {
            assert_eq!(state.as_str().parse::<RequestState>(), Ok(*state));
        }
        for state in MentorshipState::ALL {
            assert_eq!(state.as_str().parse::<MentorshipState>(), Ok(*state));
        }
        for kind in NotificationKind::ALL {
            assert_eq!(kind.as_str().parse::<NotificationKind>(), Ok(*kind));
        }
        let err = "daily".parse::<Cadence>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "must be one of: weekly, fortnightly, monthly"
        );
    }

    #[test]
    fn a_request_leaves_pending_once() {
        use RequestState::*;
        assert!(Pending.can_become(Accepted));
        assert!(Pending.can_become(Expired));
        assert!(!Pending.can_become(Pending));
        for from in [Accepted, Declined, Withdrawn, Expired] {
            for to in RequestState::ALL {
                assert!(!from.can_become(*to), "{from} → {to}");
            }
        }
    }

    #[test]
    fn an_ended_mentorship_stays_ended() {
        use MentorshipState::*;
        assert!(Active.can_become(Paused));
        assert!(Paused.can_become(Active));
        assert!(Paused.can_become(Cancelled));
        assert!(!Active.can_become(Active));
        for from in [Completed, Cancelled] {
            for to in MentorshipState::ALL {
                assert!(!from.can_become(*to), "{from} → {to}");
            }
        }
    }

    #[test]
    fn a_cancelled_meeting_stays_cancelled() {
        use MeetingState::*;
        assert!(Scheduled.can_become(Held));
        assert!(Held.can_become(NoShow));
        assert!(!Held.can_become(Scheduled));
        for to in MeetingState::ALL {
            assert!(!Cancelled.can_become(*to));
        }
    }
}
