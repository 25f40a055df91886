//! Conversations: the text of a message, how long its author may edit it, why a message is
//! reported and what an admin does about it, and when a thread takes new messages.
//!
//! A thread belongs to a request and, once the request is accepted, to the mentorship it
//! started too (the same thread goes on); a mentorship that came from no request has its
//! own. Whether it takes new messages is [`writable`]: a pure function of what the store
//! reads, so the rule is written once and tested here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::mentoring::{MentorshipState, RequestState, UnknownValue, text_enum};
use crate::text::{TextError, multi_line};

/// The longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 4000;
/// The longest comment a report may carry.
pub const MAX_REPORT_COMMENT: usize = 1000;
/// The longest note an admin may add to an action.
pub const MAX_MODERATION_NOTE: usize = 1000;
/// How long after writing a message its author may still edit it.
pub const EDIT_WINDOW_MS: i64 = 15 * 60 * 1000;

/// The text of a message as its author typed it: Markdown source, at most
/// [`MAX_MESSAGE_CHARS`] characters, not empty once trimmed, with line breaks and tabs as
/// its only control characters (see [`crate::text::multi_line`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageBody(String);

/// Why a message's text was refused. The messages read after the field's name.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum MessageError {
    #[error("must not be empty: write something first")]
    Empty,
    #[error(transparent)]
    Text(#[from] TextError),
}

impl MessageBody {
    pub fn parse(raw: &str) -> Result<Self, MessageError> {
        let text = multi_line(raw, MAX_MESSAGE_CHARS)?;
        if text.is_empty() {
            return Err(MessageError::Empty);
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Whether a message written at `created_at` may still be edited at `now`.
pub fn within_edit_window(created_at: i64, now: i64) -> bool {
    now.saturating_sub(created_at) <= EDIT_WINDOW_MS
}

text_enum!(
    /// Why a party reports a message to the admins.
    ReportReason {
        Spam => "spam",
        Harassment => "harassment",
        Inappropriate => "inappropriate",
        Other => "other",
    }
);

impl ReportReason {
    pub fn label(self) -> &'static str {
        match self {
            Self::Spam => "Spam or advertising",
            Self::Harassment => "Harassment or bullying",
            Self::Inappropriate => "Inappropriate or offensive",
            Self::Other => "Something else",
        }
    }
}

text_enum!(
    /// What an admin does: about a report (warn its author, suspend the author's account,
    /// close the thread, or dismiss it), or, on its own, lift a suspension.
    ModerationAction {
        Warn => "warn",
        Suspend => "suspend",
        CloseThread => "close_thread",
        Dismiss => "dismiss",
        Reinstate => "reinstate",
    }
);

impl ModerationAction {
    /// The actions an admin takes on a report (lifting a suspension is not one).
    pub const ON_REPORTS: &'static [ModerationAction] =
        &[Self::Warn, Self::Suspend, Self::CloseThread, Self::Dismiss];

    /// Parses an action taken on a report.
    pub fn parse_on_report(raw: &str) -> Result<Self, UnknownValue> {
        match raw.trim().parse::<Self>() {
            Ok(Self::Reinstate) | Err(_) => Err(UnknownValue {
                expected: "warn close_thread suspend dismiss",
            }),
            Ok(action) => Ok(action),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Warn => "Warned the author",
            Self::Suspend => "Suspended the author's account",
            Self::CloseThread => "Closed the conversation",
            Self::Dismiss => "Dismissed the report",
            Self::Reinstate => "Lifted the suspension",
        }
    }
}

/// What the store knows about a thread when someone wants to write in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ThreadFacts {
    /// An admin closed it (acting on a report).
    pub closed_by_admin: bool,
    /// One of its parties blocked another.
    pub blocked: bool,
    /// Nobody else is left in it: the other parties deleted their accounts.
    pub alone: bool,
    /// The state of the request it began with, if it began with one.
    pub request: Option<RequestState>,
    /// The state of the mentorship it belongs to, and when that ended, if it belongs to one.
    pub mentorship: Option<(MentorshipState, Option<i64>)>,
}

/// Why a thread takes no new messages. It stays readable whatever the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closed {
    ByAdmin,
    Blocked,
    /// The request was declined, withdrawn or expired (and started no mentorship).
    RequestEnded(RequestState),
    /// The mentorship ended, and its grace period ran out at `at`.
    MentorshipEnded {
        at: i64,
    },
    /// The other parties deleted their accounts: nobody is left to read a message.
    OthersDeleted,
}

impl Closed {
    /// A stable key for the API.
    pub fn key(self) -> &'static str {
        match self {
            Self::ByAdmin => "closed_by_admin",
            Self::Blocked => "blocked",
            Self::RequestEnded(_) => "request_ended",
            Self::MentorshipEnded { .. } => "mentorship_ended",
            Self::OthersDeleted => "account_deleted",
        }
    }
}

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ByAdmin => f.write_str("an admin closed this conversation"),
            Self::Blocked => f.write_str("one of you blocked the other"),
            Self::RequestEnded(state) => write!(
                f,
                "the request was {}, so the conversation is closed",
                state.as_str()
            ),
            Self::MentorshipEnded { .. } => {
                f.write_str("the mentorship ended, and its conversation closed a while after")
            }
            Self::OthersDeleted => f.write_str("the other party deleted their account"),
        }
    }
}

/// Whether a thread takes new messages at `now`, with `grace_ms` after a mentorship ends.
///
/// - An admin's close and a block close it, whatever else holds; so does nobody else
///   being left in it (the other parties deleted their accounts).
/// - A thread that belongs to a mentorship is open while the mentorship is active or
///   paused, and for `grace_ms` after it ends (to say thank you, to share a last link).
/// - A request's thread is open while the request waits for an answer: the mentor can ask
///   a question before answering. If the request is accepted the same thread goes on as the
///   mentorship's; declined, withdrawn or expired, it closes and stays readable.
pub fn writable(facts: &ThreadFacts, now: i64, grace_ms: i64) -> Result<(), Closed> {
    if facts.closed_by_admin {
        return Err(Closed::ByAdmin);
    }
    if facts.blocked {
        return Err(Closed::Blocked);
    }
    if facts.alone {
        return Err(Closed::OthersDeleted);
    }
    match (facts.mentorship, facts.request) {
        (Some((state, _)), _) if state.is_open() => Ok(()),
        (Some((_, ended_at)), _) => {
            let at = ended_at.unwrap_or(0).saturating_add(grace_ms);
            if now < at {
                Ok(())
            } else {
                Err(Closed::MentorshipEnded { at })
            }
        }
        (None, Some(RequestState::Pending)) => Ok(()),
        (None, Some(state)) => Err(Closed::RequestEnded(state)),
        // Neither is there any more (deleted with a person): nothing to talk about.
        (None, None) => Err(Closed::RequestEnded(RequestState::Withdrawn)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const GRACE: i64 = 14 * 24 * 60 * 60 * 1000;

    #[test]
    fn a_message_is_trimmed_not_empty_and_bounded() {
        assert_eq!(
            MessageBody::parse("  *Hello*\r\nthere ").unwrap().as_str(),
            "*Hello*\nthere"
        );
        assert_eq!(MessageBody::parse(" \n\t "), Err(MessageError::Empty));
        let long = "x".repeat(MAX_MESSAGE_CHARS + 1);
        assert_eq!(
            MessageBody::parse(&long),
            Err(MessageError::Text(TextError::TooLong(MAX_MESSAGE_CHARS)))
        );
        assert!(MessageBody::parse(&"é".repeat(MAX_MESSAGE_CHARS)).is_ok());
        assert_eq!(
            MessageBody::parse("a\0b"),
            Err(MessageError::Text(TextError::Control))
        );
        assert_eq!(
            MessageError::Empty.to_string(),
            "must not be empty: write something first"
        );
    }

    #[test]
    fn the_edit_window_is_fifteen_minutes() {
        assert!(within_edit_window(1_000, 1_000 + EDIT_WINDOW_MS));
        assert!(!within_edit_window(1_000, 1_001 + EDIT_WINDOW_MS));
    }

    #[test]
    fn reasons_and_actions_read_back_and_reinstating_is_no_report_action() {
        for r in ReportReason::ALL {
            assert_eq!(r.as_str().parse::<ReportReason>(), Ok(*r));
        }
        for a in ModerationAction::ON_REPORTS {
            assert_eq!(ModerationAction::parse_on_report(a.as_str()), Ok(*a));
        }
        assert!(ModerationAction::parse_on_report("reinstate").is_err());
        assert!(ModerationAction::parse_on_report("ban").is_err());
    }

    #[test]
    fn a_pending_request_takes_messages_and_an_ended_one_does_not() {
        let pending = ThreadFacts {
            request: Some(RequestState::Pending),
            ..Default::default()
        };
        assert_eq!(writable(&pending, 0, GRACE), Ok(()));
        for state in [
            RequestState::Declined,
            RequestState::Withdrawn,
            RequestState::Expired,
        ] {
            let ended = ThreadFacts {
                request: Some(state),
                ..Default::default()
            };
            assert_eq!(writable(&ended, 0, GRACE), Err(Closed::RequestEnded(state)));
        }
    }

    #[test]
    fn an_accepted_request_goes_on_as_the_mentorship_until_its_grace_runs_out() {
        let active = ThreadFacts {
            request: Some(RequestState::Accepted),
            mentorship: Some((MentorshipState::Active, None)),
            ..Default::default()
        };
        assert_eq!(writable(&active, 0, GRACE), Ok(()));
        let paused = ThreadFacts {
            mentorship: Some((MentorshipState::Paused, None)),
            ..active
        };
        assert_eq!(writable(&paused, 0, GRACE), Ok(()));
        let ended = ThreadFacts {
            mentorship: Some((MentorshipState::Completed, Some(1_000))),
            ..active
        };
        assert_eq!(writable(&ended, 1_000 + GRACE - 1, GRACE), Ok(()));
        assert_eq!(
            writable(&ended, 1_000 + GRACE, GRACE),
            Err(Closed::MentorshipEnded { at: 1_000 + GRACE })
        );
    }

    #[test]
    fn an_admins_close_and_a_block_win_over_everything() {
        let open = ThreadFacts {
            mentorship: Some((MentorshipState::Active, None)),
            ..Default::default()
        };
        let blocked = ThreadFacts {
            blocked: true,
            ..open
        };
        assert_eq!(writable(&blocked, 0, GRACE), Err(Closed::Blocked));
        let closed = ThreadFacts {
            closed_by_admin: true,
            ..blocked
        };
        assert_eq!(writable(&closed, 0, GRACE), Err(Closed::ByAdmin));
    }

    #[test]
    fn a_thread_whose_other_parties_deleted_their_accounts_takes_no_messages() {
        let alone = ThreadFacts {
            alone: true,
            mentorship: Some((MentorshipState::Active, None)),
            ..Default::default()
        };
        assert_eq!(writable(&alone, 0, GRACE), Err(Closed::OthersDeleted));
        assert_eq!(Closed::OthersDeleted.key(), "account_deleted");
    }
}
