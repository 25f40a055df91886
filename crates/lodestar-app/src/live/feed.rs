//! One open stream: what its person's subscription delivers, read from the database and
//! sent as [`LiveUpdate`]s with cursors, after what they missed since the cursor they came
//! back with.

use std::collections::{HashSet, VecDeque};

use lodestar_domain::MessageId;
use lodestar_store::notifications;
use serde::Serialize;
use uuid::Uuid;

use super::bus::{Delivery, Subscription};
use super::{Cursor, LiveSignal};
use crate::conversations::MessageView;
use crate::inbox::NotificationView;
use crate::{App, AppError, Viewer};

/// Missed updates one catch-up sends at most. A client that missed more gets
/// [`LiveUpdate::Resync`] instead, and reloads what it shows.
pub const CATCH_UP_LIMIT: usize = 100;
/// Ids of updates sent lately, so a signal for something a catch-up already sent (both
/// were under way at once) is not sent twice.
const REMEMBERED: usize = 256;

/// What a stream sends: JSON in each event's `data`, its `kind` also the event's name.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveUpdate {
    /// A new notification in your inbox, and how many are unread now.
    Notification {
        notification: NotificationView,
        unread: i64,
    },
    /// How many of your notifications are unread, after you read some elsewhere. Its event
    /// has no id: it is a state, not an entry to catch up on.
    Unread { unread: i64 },
    /// A new message in one of your threads, as you see it (its `thread_id`, `created_at`,
    /// `html`, …), and how many messages are unread in all your threads now.
    Message {
        message: MessageView,
        unread_messages: i64,
    },
    /// You missed more than a stream replays: fetch your notifications and threads afresh.
    /// Its id moves your cursor to now.
    Resync,
}

impl LiveUpdate {
    /// The event's name: its kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Notification { .. } => "notification",
            Self::Unread { .. } => "unread",
            Self::Message { .. } => "message",
            Self::Resync => "resync",
        }
    }
}

/// One update and, for an entry, where it sits in the stream (its event's `id`).
#[derive(Clone, Debug)]
pub struct FeedItem {
    pub cursor: Option<Cursor>,
    pub update: LiveUpdate,
}

/// One open stream of one person.
pub struct Feed {
    app: App,
    viewer: Viewer,
    subscription: Subscription,
    /// The latest cursor sent (or where the stream started): a catch-up looks after it.
    position: Cursor,
    queue: VecDeque<FeedItem>,
    sent: Remembered,
}

impl App {
    /// Opens the viewer's live stream. With `after` (a cursor it was sent before, as in
    /// `Last-Event-ID`), the stream first sends what came after it; otherwise it starts
    /// from now.
    pub async fn open_feed(&self, viewer: &Viewer, after: Option<&str>) -> Result<Feed, AppError> {
        let after = after
            .filter(|a| !a.trim().is_empty())
            .map(str::parse::<Cursor>)
            .transpose()
            .map_err(|message| AppError::invalid("last_event_id", message))?;
        // Subscribed before reading what was missed, so nothing falls between the two.
        let subscription = self.live().subscribe(viewer.id)?;
        let mut feed = Feed {
            app: self.clone(),
            viewer: viewer.clone(),
            subscription,
            position: after.unwrap_or_else(Cursor::now),
            queue: VecDeque::new(),
            sent: Remembered::default(),
        };
        if after.is_some() {
            let missed = feed.catch_up().await?;
            feed.queue.extend(missed);
        }
        Ok(feed)
    }
}

impl Feed {
    /// The next update; `None` when the stream should end: the subscription was dropped
    /// for not keeping up, the bus closed, or the database failed (the client reconnects
    /// with its cursor and misses nothing).
    pub async fn next(&mut self) -> Option<FeedItem> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                if let Some(cursor) = item.cursor {
                    self.position = self.position.max(cursor);
                    self.sent.insert(cursor.id);
                }
                return Some(item);
            }
            let read = match self.subscription.recv().await? {
                Delivery::Signal(signal) => self.read(&signal).await,
                Delivery::CatchUp => self.catch_up().await,
            };
            match read {
                Ok(items) => self.queue.extend(items),
                Err(e) => {
                    tracing::warn!(error = %e, "a live stream could not read its update; ending it");
                    return None;
                }
            }
        }
    }

    /// What a signal names, as this viewer sees it.
    async fn read(&self, signal: &LiveSignal) -> Result<Vec<FeedItem>, AppError> {
        let cursor = signal.cursor();
        if cursor.is_some_and(|cursor| self.sent.contains(cursor.id)) {
            return Ok(Vec::new());
        }
        let update = match signal {
            LiveSignal::Notification { id, .. } => {
                let Some(row) = notifications::get(&self.app.db, self.viewer.id, *id).await? else {
                    return Ok(Vec::new());
                };
                let cursor = Some(Cursor::new(row.created_at, row.id.0));
                return Ok(vec![FeedItem {
                    cursor,
                    update: LiveUpdate::Notification {
                        notification: row.into(),
                        unread: self.app.unread_notifications(&self.viewer).await?,
                    },
                }]);
            }
            LiveSignal::InboxRead { .. } => LiveUpdate::Unread {
                unread: self.app.unread_notifications(&self.viewer).await?,
            },
            LiveSignal::Message { message, .. } => {
                // Read as a party sees it: anyone else (a stale signal) gets nothing.
                let message = match self.app.message(&self.viewer, MessageId(*message)).await {
                    Ok(message) => message,
                    Err(AppError::NotFound(_)) => return Ok(Vec::new()),
                    Err(e) => return Err(e),
                };
                LiveUpdate::Message {
                    message,
                    unread_messages: self.app.unread_messages(&self.viewer).await?,
                }
            }
        };
        Ok(vec![FeedItem { cursor, update }])
    }

    /// Everything after the stream's position, oldest first; or, past the limit, a resync.
    async fn catch_up(&self) -> Result<Vec<FeedItem>, AppError> {
        let limit = i64::try_from(CATCH_UP_LIMIT + 1).unwrap_or(i64::MAX);
        let after = (self.position.at, self.position.id.to_string());
        let rows = notifications::after(
            &self.app.db,
            self.viewer.id,
            (after.0, after.1.as_str()),
            limit,
        )
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        if !rows.is_empty() {
            let unread = self.app.unread_notifications(&self.viewer).await?;
            items.extend(rows.into_iter().map(|row| FeedItem {
                cursor: Some(Cursor::new(row.created_at, row.id.0)),
                update: LiveUpdate::Notification {
                    notification: row.into(),
                    unread,
                },
            }));
        }
        let messages = self
            .app
            .messages_after(&self.viewer, self.position, limit)
            .await?;
        if !messages.is_empty() {
            let unread_messages = self.app.unread_messages(&self.viewer).await?;
            items.extend(messages.into_iter().map(|message| FeedItem {
                cursor: Some(Cursor::new(message.created_at, message.id.0)),
                update: LiveUpdate::Message {
                    message,
                    unread_messages,
                },
            }));
        }
        items.sort_by_key(|item| item.cursor);
        if items.len() > CATCH_UP_LIMIT {
            return Ok(vec![FeedItem {
                cursor: Some(Cursor::now()),
                update: LiveUpdate::Resync,
            }]);
        }
        Ok(items)
    }
}

/// The last [`REMEMBERED`] ids sent.
#[derive(Default)]
struct Remembered {
    order: VecDeque<Uuid>,
    set: HashSet<Uuid>,
}

impl Remembered {
    fn insert(&mut self, id: Uuid) {
        if self.set.insert(id) {
            self.order.push_back(id);
            if self.order.len() > REMEMBERED
                && let Some(old) = self.order.pop_front()
            {
                self.set.remove(&old);
            }
        }
    }

    fn contains(&self, id: Uuid) -> bool {
        self.set.contains(&id)
    }
}
