//! Conversations between the parties of a request or a mentorship: their threads with
//! unread counts, pages of messages, writing (Markdown rendered safely, see [`render`]),
//! the author's edit within 15 minutes and delete (a tombstone stays), read marks and the
//! seen setting, and reporting a message to the admins.
//!
//! Who may do what: only a thread's parties ever read or write it. To anyone else, admins
//! included, a thread and its messages do not exist (404); an admin sees a message only
//! when a party reports it, and then only that message ([`crate::moderation`]). A thread
//! takes new messages while [`lodestar_domain::conversation::writable`] says so (409
//! `thread_closed` otherwise); it stays readable.
//!
//! Live delivery: [`App::post_message`] raises a [`LiveSignal::Message`] for every party
//! with its transaction, and a stream that reconnects catches up with
//! [`App::messages_after`] (see [`crate::live`]).

mod email;
pub mod render;
mod views;

use lodestar_domain::conversation::{
    Closed, MAX_REPORT_COMMENT, MessageBody, ReportReason, writable,
};
use lodestar_domain::text::multi_line;
use lodestar_domain::{FieldErrors, MessageId, PersonId, ReportId, ThreadId};
use lodestar_store::messages::{self, MessageRecord, NewMessage};
use lodestar_store::moderation::{self, NewReport};
use lodestar_store::threads::{self, ThreadRecord};
use lodestar_store::{Conn, now_ms};
use serde::Deserialize;
use utoipa::ToSchema;

pub use email::EMAIL_BATCH;
pub use render::RENDER_VERSION;
pub use views::{
    MessagePage, MessagePreview, MessageQuery, MessageView, MessagingSettings, NewMessageInput,
    ReadState, ReportInput, ReportReceipt, ThreadAbout, ThreadList, ThreadView,
};
use views::{facts_of, message_view, thread_view};

use crate::live::{self, Cursor, LiveSignal};
use crate::{App, AppError, Viewer};

/// Messages per page unless asked otherwise, and at most.
pub const PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 100;
/// The most threads one list answers with.
pub const MAX_THREADS: i64 = 500;

/// An edit of a message's text.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageEdit {
    /// 1–4,000 characters of Markdown.
    #[schema(max_length = 4000)]
    pub body: String,
}

fn conflict(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::Conflict {
        code,
        field: None,
        message: message.into(),
    }
}

fn closed(reason: Closed) -> AppError {
    conflict(
        "thread_closed",
        format!("this conversation takes no new messages: {reason}"),
    )
}

fn parse_body(raw: &str) -> Result<MessageBody, AppError> {
    MessageBody::parse(raw).map_err(|e| AppError::invalid("body", e.to_string()))
}

impl App {
    /// The thread as `viewer` may know it, read on `conn`; not found for anyone who is not
    /// one of its parties.
    async fn party_of(
        &self,
        conn: &mut Conn,
        viewer: &Viewer,
        thread: ThreadId,
    ) -> Result<ThreadRecord, AppError> {
        threads::for_member(conn, thread, viewer.id)
            .await?
            .ok_or(AppError::NotFound("thread"))
    }

    /// Whether a thread takes messages now.
    fn closed_now(&self, thread: &ThreadRecord, now: i64) -> Option<Closed> {
        writable(
            &facts_of(thread),
            now,
            self.policy.mentoring.thread_grace_ms,
        )
        .err()
    }

    /// The viewer's threads, newest activity first, each with its unread count, the other
    /// parties, what it belongs to, whether it takes messages, and its newest message.
    pub async fn my_threads(&self, viewer: &Viewer) -> Result<ThreadList, AppError> {
        let records = threads::list_for(&self.db, viewer.id, MAX_THREADS).await?;
        let ids: Vec<ThreadId> = records.iter().map(|t| t.id).collect();
        let members = threads::members_of(&self.db, &ids).await?;
        let latest = messages::latest_of(&self.db, &ids).await?;
        let now = now_ms();
        let threads = records
            .iter()
            .map(|t| {
                let last = latest.iter().find(|m| m.thread == t.id);
                thread_view(viewer.id, t, &members, self.closed_now(t, now), last)
            })
            .collect();
        Ok(ThreadList {
            threads,
            total_unread: threads::unread_total(&self.db, viewer.id).await?,
        })
    }

    /// A page of a thread's messages, newest first, for its parties only.
    pub async fn thread_messages(
        &self,
        viewer: &Viewer,
        thread: ThreadId,
        query: &MessageQuery,
    ) -> Result<MessagePage, AppError> {
        let mut errors = FieldErrors::new();
        let limit = query.limit.unwrap_or(PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            errors.add("limit", format!("must be from 1 to {MAX_PAGE}"));
        }
        let before = match query.before.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => errors.check(
                "before",
                raw.parse::<MessageId>().map_err(|_| "is not a message id"),
            ),
        };
        let mut conn = self
            .db
            .reader()
            .acquire()
            .await
            .map_err(lodestar_store::StoreError::from)?;
        let record = self.party_of(&mut conn, viewer, thread).await?;
        drop(conn);
        errors.into_result()?;
        // One more than asked tells whether there is an older page.
        let mut rows = messages::page(&self.db, thread, before, limit + 1).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or_default());
        let members = threads::members_of(&self.db, &[thread]).await?;
        let now = now_ms();
        let closed = self.closed_now(&record, now);
        let next_before = more.then(|| rows.last().map(|m| m.id)).flatten();
        let latest = rows.first().cloned();
        let messages = rows
            .into_iter()
            .map(|m| message_view(viewer.id, m, &members, closed.is_none(), now))
            .collect();
        Ok(MessagePage {
            thread: thread_view(viewer.id, &record, &members, closed, latest.as_ref()),
            messages,
            next_before,
        })
    }

    /// Writes a message in a thread that takes them. Its parties' open streams show it at
    /// once; the e-mail clock ([`App::email_unread_messages`]) nudges whoever has not read it within
    /// the policy's delay.
    pub async fn post_message(
        &self,
        viewer: &Viewer,
        thread: ThreadId,
        input: &NewMessageInput,
    ) -> Result<MessageView, AppError> {
        let mut tx = self.db.begin().await?;
        let record = self.party_of(&mut tx, viewer, thread).await?;
        let body = parse_body(&input.body)?;
        let now = now_ms();
        if let Some(reason) = self.closed_now(&record, now) {
            return Err(closed(reason));
        }
        let new = NewMessage {
            id: MessageId::new(),
            thread,
            author: viewer.id,
            html: render::render(body.as_str()),
            body: body.into_inner(),
            render_version: RENDER_VERSION,
            created_at: now,
        };
        let check_at = now.saturating_add(self.policy.mentoring.message_email_after_ms);
        messages::insert(&mut tx, &new, check_at).await?;
        let written = messages::get(&mut tx, new.id)
            .await?
            .ok_or(AppError::Internal(
                "the message just written is gone".into(),
            ))?;
        // Every party hears of it, the author too (their other tabs show it).
        let recipients = threads::members_of(&self.db, &[thread])
            .await?
            .into_iter()
            .map(|m| m.person)
            .collect();
        let signal = LiveSignal::Message {
            thread: thread.0,
            message: new.id.0,
            at: now,
            recipients,
        };
        live::publish(&mut tx, &signal).await?;
        lodestar_store::commit(tx).await?;
        tracing::info!(thread = %thread, message = %new.id, "message written");
        self.one_message(viewer, written, true, now).await
    }

    async fn one_message(
        &self,
        viewer: &Viewer,
        m: MessageRecord,
        open: bool,
        now: i64,
    ) -> Result<MessageView, AppError> {
        let members = threads::members_of(&self.db, &[m.thread]).await?;
        Ok(message_view(viewer.id, m, &members, open, now))
    }

    /// One message, for its thread's parties.
    pub async fn message(&self, viewer: &Viewer, id: MessageId) -> Result<MessageView, AppError> {
        let mut conn = self
            .db
            .reader()
            .acquire()
            .await
            .map_err(lodestar_store::StoreError::from)?;
        let m = messages::get(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound("message"))?;
        let record = threads::for_member(&mut conn, m.thread, viewer.id)
            .await?
            .ok_or(AppError::NotFound("message"))?;
        drop(conn);
        let now = now_ms();
        let open = self.closed_now(&record, now).is_none();
        self.one_message(viewer, m, open, now).await
    }

    /// The message and its thread, for a party; not found for anyone else.
    async fn message_for_party(
        &self,
        conn: &mut Conn,
        viewer: &Viewer,
        id: MessageId,
    ) -> Result<(MessageRecord, ThreadRecord), AppError> {
        let m = messages::get(conn, id)
            .await?
            .ok_or(AppError::NotFound("message"))?;
        let record = threads::for_member(conn, m.thread, viewer.id)
            .await?
            .ok_or(AppError::NotFound("message"))?;
        Ok((m, record))
    }

    /// The author edits their message within 15 minutes of writing it (409
    /// `edit_window_passed` after), while the thread takes messages.
    pub async fn edit_message(
        &self,
        viewer: &Viewer,
        id: MessageId,
        input: &MessageEdit,
    ) -> Result<MessageView, AppError> {
        let mut tx = self.db.begin().await?;
        let (m, record) = self.message_for_party(&mut tx, viewer, id).await?;
        if m.author != viewer.id {
            return Err(AppError::Forbidden);
        }
        let body = parse_body(&input.body)?;
        let now = now_ms();
        if m.deleted_at.is_some() {
            return Err(deleted());
        }
        if !lodestar_domain::conversation::within_edit_window(m.created_at, now) {
            return Err(edit_window_passed());
        }
        if let Some(reason) = self.closed_now(&record, now) {
            return Err(closed(reason));
        }
        let html = render::render(body.as_str());
        let since = now.saturating_sub(lodestar_domain::conversation::EDIT_WINDOW_MS);
        if !messages::edit(
            &mut tx,
            id,
            viewer.id,
            body.as_str(),
            &html,
            RENDER_VERSION,
            now,
            since,
        )
        .await?
        {
            return Err(edit_window_passed());
        }
        let edited = messages::get(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound("message"))?;
        lodestar_store::commit(tx).await?;
        self.one_message(viewer, edited, true, now).await
    }

    /// The author deletes their message: a tombstone stays in the thread, its text goes
    /// from every view and answer. Deleting a deleted message changes nothing.
    pub async fn delete_message(
        &self,
        viewer: &Viewer,
        id: MessageId,
    ) -> Result<MessageView, AppError> {
        let mut tx = self.db.begin().await?;
        let (m, record) = self.message_for_party(&mut tx, viewer, id).await?;
        if m.author != viewer.id {
            return Err(AppError::Forbidden);
        }
        let now = now_ms();
        if messages::delete(&mut tx, id, viewer.id, now).await? {
            tracing::info!(message = %id, "message deleted");
        }
        let tombstone = messages::get(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound("message"))?;
        lodestar_store::commit(tx).await?;
        let open = self.closed_now(&record, now).is_none();
        self.one_message(viewer, tombstone, open, now).await
    }

    /// Marks everything in a thread read for the viewer.
    pub async fn mark_thread_read(
        &self,
        viewer: &Viewer,
        thread: ThreadId,
    ) -> Result<ReadState, AppError> {
        if !threads::mark_read(&self.db, thread, viewer.id, now_ms()).await? {
            return Err(AppError::NotFound("thread"));
        }
        Ok(ReadState {
            thread_id: thread,
            unread: 0,
            total_unread: threads::unread_total(&self.db, viewer.id).await?,
        })
    }

    /// Unread messages in all the viewer's threads, for the navigation: one indexed count.
    pub async fn unread_messages(&self, viewer: &Viewer) -> Result<i64, AppError> {
        Ok(threads::unread_total(&self.db, viewer.id).await?)
    }

    /// The messages in the viewer's threads written after `after` (all, without it), oldest
    /// first, at most `limit` (1–500): what a live stream missed while disconnected.
    pub async fn messages_since(
        &self,
        viewer: &Viewer,
        after: Option<MessageId>,
        limit: i64,
    ) -> Result<Vec<MessageView>, AppError> {
        let rows =
            messages::messages_since(&self.db, viewer.id, after, limit.clamp(1, 500)).await?;
        self.views_of(viewer, rows).await
    }

    async fn views_of(
        &self,
        viewer: &Viewer,
        rows: Vec<MessageRecord>,
    ) -> Result<Vec<MessageView>, AppError> {
        let mut ids: Vec<ThreadId> = rows.iter().map(|m| m.thread).collect();
        ids.sort_unstable();
        ids.dedup();
        let members = threads::members_of(&self.db, &ids).await?;
        let now = now_ms();
        // Whether each thread takes messages only sets `can_edit`; a stream's client asks
        // again before editing, so the thread's rule is not read here for every one.
        Ok(rows
            .into_iter()
            .map(|m| message_view(viewer.id, m, &members, true, now))
            .collect())
    }

    /// The messages in the viewer's threads after a live stream's cursor, oldest first (by
    /// creation time, then id), at most `limit` (1–500).
    pub async fn messages_after(
        &self,
        viewer: &Viewer,
        after: Cursor,
        limit: i64,
    ) -> Result<Vec<MessageView>, AppError> {
        let id = after.id.to_string();
        let rows = messages::messages_after(
            &self.db,
            viewer.id,
            (after.at, id.as_str()),
            limit.clamp(1, 500),
        )
        .await?;
        self.views_of(viewer, rows).await
    }

    pub async fn messaging_settings(&self, viewer: &Viewer) -> Result<MessagingSettings, AppError> {
        Ok(MessagingSettings {
            show_seen: threads::show_seen(&self.db, viewer.id).await?,
        })
    }

    pub async fn set_messaging_settings(
        &self,
        viewer: &Viewer,
        settings: &MessagingSettings,
    ) -> Result<MessagingSettings, AppError> {
        threads::set_show_seen(&self.db, viewer.id, settings.show_seen).await?;
        self.messaging_settings(viewer).await
    }

    /// A party reports someone else's message to the admins, who from then on can read
    /// that message (as it was when reported), and nothing else of the thread. Reporting
    /// the same message again changes nothing and returns the first report (`false`).
    pub async fn report_message(
        &self,
        viewer: &Viewer,
        id: MessageId,
        input: &ReportInput,
    ) -> Result<(ReportReceipt, bool), AppError> {
        let mut errors = FieldErrors::new();
        let reason = errors.check("reason", input.reason.trim().parse::<ReportReason>());
        let comment = errors.check("comment", multi_line(&input.comment, MAX_REPORT_COMMENT));
        let mut tx = self.db.begin().await?;
        let (m, _) = self.message_for_party(&mut tx, viewer, id).await?;
        errors.into_result()?;
        let (Some(reason), Some(comment)) = (reason, comment) else {
            return Err(AppError::Internal("a checked field is missing".into()));
        };
        if m.author == viewer.id {
            return Err(conflict(
                "own_message",
                "this is your own message: delete it instead",
            ));
        }
        if let Some(existing) = moderation::report_by(&mut tx, id, viewer.id).await? {
            return Ok((receipt(&existing.id, &existing), false));
        }
        if m.deleted_at.is_some() {
            return Err(deleted());
        }
        let new = NewReport {
            id: ReportId::new(),
            message: id,
            thread: m.thread,
            reporter: viewer.id,
            author: m.author,
            reason,
            comment,
            body: m.body.clone(),
            at: now_ms(),
        };
        let created = moderation::insert_report(&mut tx, &new).await?;
        let report = moderation::report_by(&mut tx, id, viewer.id)
            .await?
            .ok_or(AppError::Internal("the report just made is gone".into()))?;
        lodestar_store::commit(tx).await?;
        if created {
            tracing::info!(report = %report.id, message = %id, "message reported");
        }
        Ok((receipt(&report.id, &report), created))
    }

    /// The thread of a request or mentorship the viewer is a party to, if it has one.
    pub async fn thread_of(
        &self,
        viewer: &Viewer,
        request: Option<lodestar_domain::RequestId>,
        mentorship: Option<lodestar_domain::MentorshipId>,
    ) -> Result<Option<ThreadView>, AppError> {
        let Some(id) = threads::of(&self.db, request, mentorship).await? else {
            return Ok(None);
        };
        let mut conn = self
            .db
            .reader()
            .acquire()
            .await
            .map_err(lodestar_store::StoreError::from)?;
        let Some(record) = threads::for_member(&mut conn, id, viewer.id).await? else {
            return Ok(None);
        };
        drop(conn);
        let members = threads::members_of(&self.db, &[id]).await?;
        let closed = self.closed_now(&record, now_ms());
        Ok(Some(thread_view(
            viewer.id, &record, &members, closed, None,
        )))
    }

    /// The people in a thread, for whoever delivers its messages live. Not a party's view:
    /// call it only for a thread whose message a party has just written.
    pub async fn thread_party_ids(&self, thread: ThreadId) -> Result<Vec<PersonId>, AppError> {
        Ok(threads::members_of(&self.db, &[thread])
            .await?
            .into_iter()
            .map(|m| m.person)
            .collect())
    }
}

fn receipt(id: &ReportId, r: &moderation::ReportRecord) -> ReportReceipt {
    ReportReceipt {
        id: *id,
        message_id: r.message,
        reason: r.reason.as_str().to_owned(),
        comment: r.comment.clone(),
        created_at: r.created_at,
    }
}

fn deleted() -> AppError {
    conflict("message_deleted", "this message was deleted")
}

fn edit_window_passed() -> AppError {
    conflict(
        "edit_window_passed",
        "a message can be edited only in the first 15 minutes after it was written",
    )
}
