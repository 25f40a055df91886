//! Lodestar's domain: the types and rules every other crate relies on.
//!
//! Everything here is pure: no I/O, no async, no database or HTTP types. Input from the
//! outside world is parsed into these types ("parse, don't validate"), so a value of type
//! [`Email`] or [`SkillLevel`] is valid by construction.

pub mod account;
pub mod availability;
pub mod career;
pub mod conversation;
pub mod feedback;
pub mod growth;
pub mod ids;
pub mod language;
pub mod mentoring;
pub mod network;
pub mod opportunity;
pub mod profile;
pub mod programme;
pub mod skill;
pub mod slots;
pub mod text;
pub mod validation;
pub mod webhook;

pub use account::{Email, Password, PersonName};
pub use ids::{
    ActionItemId, AssessmentId, AuditEntryId, CheckInId, ConnectionId, EnrolmentId, FeedbackId,
    FeedbackRequestId, GoalCommentId, GoalId, IntroductionAskId, IntroductionId, MatchRunId,
    MeetingId, MentorshipId, MessageId, MilestoneId, NoteId, NotificationId, ObstacleId,
    OpportunityId, OutcomeId, PersonId, ProgrammeId, ReportId, RequestId, SkillId, ThreadId,
    TokenId, WebhookDeliveryId, WebhookId,
};
pub use profile::{FocusArea, ProfileChanges, ProfileData, ProfileField, SkillClaim};
pub use skill::{SkillKind, SkillLevel, Slug};
pub use text::TextError;
pub use validation::FieldErrors;
