//! Live updates: what happened, told to the people it concerns while they have a page or an
//! API stream open.
//!
//! Three parts:
//! - A [`LiveSignal`] says, in ids only, what happened and to whom. A service raises it with
//!   [`publish`] inside the transaction of the change, so it is heard after the commit and
//!   never for a rollback (PostgreSQL `NOTIFY`, heard by every process; on SQLite, in
//!   process after the commit; see `lodestar_store::signals`).
//! - [`Live`], the bus of one process: one listener for the database's signals, fanned out
//!   to the subscriptions of the people each signal names. A subscriber that does not keep
//!   up is dropped (its stream ends, and the client catches up when it reconnects).
//! - [`Feed`], one open stream: it reads what a signal names and sends it as a
//!   [`LiveUpdate`], an entry (a notification, a message) with its [`Cursor`]; opened with
//!   the cursor a client last saw, it first sends the entries missed since. A change of
//!   state (how many notifications are unread) has no cursor and is sent as it is now.
//!
//! Adding a kind: a variant of [`LiveSignal`] (and its arms in `recipients` and `cursor`),
//! one of [`LiveUpdate`], and the arms in `Feed` that read it and catch up on it.

mod bus;
mod feed;

use std::fmt;
use std::str::FromStr;

use lodestar_domain::{NotificationId, PersonId};
use lodestar_store::Tx;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use bus::{Delivery, Live, MAX_STREAMS_PER_PERSON, Subscription};
pub use feed::{CATCH_UP_LIMIT, Feed, FeedItem, LiveUpdate};

use crate::AppError;

/// What happened, to whom, in ids only (a stream reads what it shows). Travels between
/// processes as JSON, so it stays small.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveSignal {
    /// A new entry in `person`'s inbox, made at `at` (epoch ms).
    Notification {
        person: PersonId,
        id: NotificationId,
        at: i64,
    },
    /// `person` read some of their notifications (on another page, or through the API).
    InboxRead { person: PersonId },
    /// A new message in a thread, made at `at`, for the people who receive it.
    Message {
        thread: Uuid,
        message: Uuid,
        at: i64,
        recipients: Vec<PersonId>,
    },
}

impl LiveSignal {
    /// The people whose streams it goes to.
    pub fn recipients(&self) -> &[PersonId] {
        match self {
            Self::Notification { person, .. } | Self::InboxRead { person } => {
                std::slice::from_ref(person)
            }
            Self::Message { recipients, .. } => recipients,
        }
    }

    /// Where what it names sits in its recipients' streams; `None` for a change of state
    /// that is not an entry of the stream (it is sent as it is now, without an id).
    pub fn cursor(&self) -> Option<Cursor> {
        match self {
            Self::Notification { id, at, .. } => Some(Cursor::new(*at, id.0)),
            Self::Message { message, at, .. } => Some(Cursor::new(*at, *message)),
            Self::InboxRead { .. } => None,
        }
    }

    /// Its kind, as a metrics label.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Notification { .. } => "notification",
            Self::InboxRead { .. } => "inbox_read",
            Self::Message { .. } => "message",
        }
    }
}

/// Raises `signal` with the transaction `tx`: heard by every process once `tx` commits.
pub async fn publish(tx: &mut Tx, signal: &LiveSignal) -> Result<(), AppError> {
    let text = serde_json::to_string(signal).map_err(|e| AppError::Internal(e.to_string()))?;
    tx.signal(&text).await?;
    Ok(())
}

/// A position in a person's stream: `<epoch ms>-<uuid>`, the creation time and id of the
/// last thing sent, compared as `(at, id)`. Notifications and messages both have both (ids
/// are UUIDv7), so one cursor covers every kind. The `id:` of each event; a client that
/// reconnects sends it back as `Last-Event-ID`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cursor {
    pub at: i64,
    pub id: Uuid,
}

impl Cursor {
    pub fn new(at: i64, id: Uuid) -> Self {
        Self { at, id }
    }

    /// Now: what comes after it is whatever is made from now on.
    pub fn now() -> Self {
        Self::new(lodestar_store::now_ms(), Uuid::nil())
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.at, self.id)
    }
}

impl FromStr for Cursor {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const FORMAT: &str = "must be <epoch milliseconds>-<uuid>, as an event's id";
        let (at, id) = s.trim().split_once('-').ok_or(FORMAT)?;
        let at: i64 = at.parse().map_err(|_| FORMAT)?;
        let id = Uuid::parse_str(id).map_err(|_| FORMAT)?;
        if at < 0 {
            return Err(FORMAT);
        }
        Ok(Self::new(at, id))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_what_it_writes_and_refuses_anything_else() {
        let cursor = Cursor::new(1_733_000_000_123, Uuid::now_v7());
        assert_eq!(cursor.to_string().parse::<Cursor>(), Ok(cursor));
        for bad in [
            "",
            "12",
            "-1-0190",
            "abc-0190",
            "12-not-a-uuid",
            "-5-00000000-0000-0000-0000-000000000000",
        ] {
            assert!(bad.parse::<Cursor>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cursors_order_by_time_then_id() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(Cursor::new(1, b) < Cursor::new(2, a));
        assert!(Cursor::new(2, a) < Cursor::new(2, b));
        assert!(Cursor::new(2, Uuid::nil()) < Cursor::new(2, a));
    }

    #[test]
    fn a_signal_travels_as_small_json_and_names_its_recipients() {
        let (ana, bo) = (PersonId::new(), PersonId::new());
        let message = LiveSignal::Message {
            thread: Uuid::now_v7(),
            message: Uuid::now_v7(),
            at: 5,
            recipients: vec![ana, bo],
        };
        let text = serde_json::to_string(&message).unwrap();
        assert!(text.starts_with(r#"{"kind":"message","#), "{text}");
        assert!(text.len() < 300, "{text}");
        assert_eq!(serde_json::from_str::<LiveSignal>(&text).unwrap(), message);
        assert_eq!(message.recipients(), [ana, bo]);
        let id = NotificationId::new();
        let notification = LiveSignal::Notification {
            person: ana,
            id,
            at: 7,
        };
        assert_eq!(notification.recipients(), [ana]);
        assert_eq!(notification.cursor(), Some(Cursor::new(7, id.0)));
        assert_eq!(LiveSignal::InboxRead { person: bo }.recipients(), [bo]);
    }
}
