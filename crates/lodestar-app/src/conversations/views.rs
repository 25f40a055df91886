//! What the API returns and the pages show of threads and messages, and the one function
//! that decides what of a message its reader sees (never a deleted message's text; "seen"
//! only when everyone in the thread shows it).

use lodestar_domain::conversation::{Closed, EDIT_WINDOW_MS, ThreadFacts, within_edit_window};
use lodestar_domain::{MentorshipId, MessageId, PersonId, ReportId, RequestId, ThreadId};
use lodestar_store::messages::MessageRecord;
use lodestar_store::threads::{Member, ThreadRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::render::{EXCERPT_CHARS, RENDER_VERSION, excerpt, render};
use crate::requests::PersonRef;

/// What a thread belongs to.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ThreadAbout {
    /// `mentorship` once a mentorship has it (an accepted request's thread goes on as the
    /// mentorship's), otherwise `request`.
    #[schema(example = "mentorship")]
    pub kind: String,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub request_id: Option<RequestId>,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub mentorship_id: Option<MentorshipId>,
    /// The state of the mentorship (or, for a request's thread, of the request).
    #[schema(example = "active")]
    pub state: String,
}

/// The newest message of a thread, for lists.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MessagePreview {
    pub author_name: String,
    /// Its text without markup, on one line, cut short; empty when it was deleted.
    pub excerpt: String,
    pub deleted: bool,
    /// Epoch milliseconds.
    pub created_at: i64,
}

/// A thread as one of its parties sees it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ThreadView {
    #[schema(value_type = String, format = Uuid)]
    pub id: ThreadId,
    pub about: ThreadAbout,
    /// The other parties; empty when they deleted their accounts.
    pub with: Vec<PersonRef>,
    /// Messages the others wrote that you have not read.
    pub unread: i64,
    /// Epoch milliseconds of the last message (or of the start).
    pub last_activity_at: i64,
    pub created_at: i64,
    /// Whether it takes new messages.
    pub open: bool,
    /// Why it does not: `closed_by_admin`, `blocked`, `request_ended`, `mentorship_ended`
    /// or `account_deleted` (the other parties deleted their accounts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_reason: Option<String>,
    /// The same, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_message: Option<MessagePreview>,
}

impl ThreadView {
    /// The other parties' names ("Mina Mentor"), or "Deleted account" when none is left.
    pub fn with_names(&self) -> String {
        if self.with.is_empty() {
            return crate::account_deletion::DELETED_ACCOUNT.to_owned();
        }
        crate::mentorships::join_names(self.with.iter().map(|p| p.name.as_str()))
    }

    /// What it is about, in words.
    pub fn about_label(&self) -> String {
        match (self.about.kind.as_str(), self.about.state.as_str()) {
            ("mentorship", state) => format!("Mentorship ({state})"),
            (_, "pending") => "Request, waiting for an answer".to_owned(),
            (_, state) => format!("Request ({state})"),
        }
    }

    /// The page of what it belongs to.
    pub fn about_link(&self) -> String {
        match (self.about.mentorship_id, self.about.request_id) {
            (Some(m), _) => format!("/mentorships/{m}"),
            _ => "/requests".to_owned(),
        }
    }
}

/// Your threads, newest activity first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ThreadList {
    pub threads: Vec<ThreadView>,
    /// Unread messages in all your threads.
    pub total_unread: i64,
}

/// A message as one of its thread's parties sees it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MessageView {
    #[schema(value_type = String, format = Uuid)]
    pub id: MessageId,
    #[schema(value_type = String, format = Uuid)]
    pub thread_id: ThreadId,
    pub author: PersonRef,
    /// You wrote it.
    pub mine: bool,
    /// The Markdown source; empty once deleted.
    pub body: String,
    /// The source rendered to safe HTML (emphasis, lists, links, code); empty once deleted.
    pub html: String,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub edited_at: Option<i64>,
    /// Deleted by its author: a tombstone, with no text.
    pub deleted: bool,
    /// On your own messages, whether the others have read it; present only when everyone
    /// in the thread shows what they have read (the seen setting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen: Option<bool>,
    /// You may edit it now (yours, not deleted, written in the last 15 minutes, in a thread
    /// that takes messages).
    pub can_edit: bool,
    /// Until when it can be edited (epoch milliseconds), on your own messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub editable_until: Option<i64>,
    /// You may delete it (yours, not deleted).
    pub can_delete: bool,
    /// You may report it to the admins (someone else's, not deleted).
    pub can_report: bool,
}

/// A page of a thread's messages.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MessagePage {
    pub thread: ThreadView,
    /// Newest first.
    pub messages: Vec<MessageView>,
    /// When there are older messages: pass it as `before` for the next page.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub next_before: Option<MessageId>,
}

/// Which messages of a thread: the newest, or those before a message.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessageQuery {
    /// A message id: only messages written before it (the previous page's `next_before`).
    #[param(format = Uuid)]
    pub before: Option<String>,
    /// 1–100; 50 if not given.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// A new message.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessageInput {
    /// 1–4,000 characters of Markdown: *emphasis*, lists, [links](https://…), `code`.
    #[schema(max_length = 4000, example = "Could we meet on *Tuesday*?")]
    pub body: String,
}

/// Read state after marking a thread read.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReadState {
    #[schema(value_type = String, format = Uuid)]
    pub thread_id: ThreadId,
    /// Unread in this thread (0).
    pub unread: i64,
    /// Unread in all your threads.
    pub total_unread: i64,
}

/// Your messaging settings.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessagingSettings {
    /// Let the others in a thread see that you have read their messages. "Seen" is shown
    /// only when everyone in the thread has it on, so turning it off also hides it from you.
    pub show_seen: bool,
}

/// A report you made.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportReceipt {
    #[schema(value_type = String, format = Uuid)]
    pub id: ReportId,
    #[schema(value_type = String, format = Uuid)]
    pub message_id: MessageId,
    #[schema(example = "harassment")]
    pub reason: String,
    pub comment: String,
    /// Epoch milliseconds.
    pub created_at: i64,
}

/// A report of a message to the admins.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    /// spam, harassment, inappropriate or other.
    #[schema(example = "harassment")]
    pub reason: String,
    /// Anything the admins should know (optional, up to 1,000 characters).
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub comment: String,
}

/// The facts of a thread for the writing rule.
pub(crate) fn facts_of(t: &ThreadRecord) -> ThreadFacts {
    ThreadFacts {
        closed_by_admin: t.closed_at.is_some(),
        blocked: t.blocked,
        alone: t.alone,
        request: t.request_state,
        mentorship: t.mentorship_state.map(|s| (s, t.mentorship_ended_at)),
    }
}

/// A thread as `viewer` sees it, given whether it takes messages now.
pub(crate) fn thread_view(
    viewer: PersonId,
    t: &ThreadRecord,
    members: &[Member],
    closed: Option<Closed>,
    last: Option<&MessageRecord>,
) -> ThreadView {
    let (kind, state) = match (t.mentorship_state, t.request_state) {
        (Some(m), _) => ("mentorship", m.as_str()),
        (None, Some(r)) => ("request", r.as_str()),
        (None, None) => ("request", "withdrawn"),
    };
    ThreadView {
        id: t.id,
        about: ThreadAbout {
            kind: kind.to_owned(),
            request_id: t.request,
            mentorship_id: t.mentorship,
            state: state.to_owned(),
        },
        with: members
            .iter()
            .filter(|m| m.thread == t.id && m.person != viewer)
            .map(|m| PersonRef {
                id: m.person,
                name: m.name.clone(),
            })
            .collect(),
        unread: t.unread,
        last_activity_at: t.last_activity_at,
        created_at: t.created_at,
        open: closed.is_none(),
        closed_reason: closed.map(|c| c.key().to_owned()),
        closed_message: closed.map(|c| c.to_string()),
        last_message: last.map(|m| MessagePreview {
            author_name: m.author_name.clone(),
            excerpt: if m.deleted_at.is_some() {
                String::new()
            } else {
                excerpt(&m.body, EXCERPT_CHARS)
            },
            deleted: m.deleted_at.is_some(),
            created_at: m.created_at,
        }),
    }
}

/// A message as `viewer` sees it. `members` are the thread's; `open` whether the thread
/// takes messages now. A deleted message's text never leaves here.
pub(crate) fn message_view(
    viewer: PersonId,
    m: MessageRecord,
    members: &[Member],
    open: bool,
    now: i64,
) -> MessageView {
    let mine = m.author == viewer;
    let deleted = m.deleted_at.is_some();
    let id_text = m.id.to_string();
    let in_thread = || members.iter().filter(|x| x.thread == m.thread);
    let everyone_shows = in_thread().all(|x| x.show_seen);
    let seen = (mine && everyone_shows && !deleted).then(|| {
        in_thread()
            .filter(|x| x.person != viewer)
            .all(|x| x.last_read_id >= id_text)
    });
    let (body, html) = if deleted {
        (String::new(), String::new())
    } else if m.render_version < RENDER_VERSION {
        let html = render(&m.body);
        (m.body, html)
    } else {
        (m.body, m.html)
    };
    let editable = mine && !deleted && open && within_edit_window(m.created_at, now);
    MessageView {
        id: m.id,
        thread_id: m.thread,
        author: PersonRef {
            id: m.author,
            name: m.author_name,
        },
        mine,
        body,
        html,
        created_at: m.created_at,
        edited_at: m.edited_at,
        deleted,
        seen,
        can_edit: editable,
        editable_until: (mine && !deleted).then_some(m.created_at.saturating_add(EDIT_WINDOW_MS)),
        can_delete: mine && !deleted,
        can_report: !mine && !deleted,
    }
}
