//! The conversation pages: "Messages" (your threads with unread badges, and the seen
//! setting), one thread (opening it marks it read), and the forms to write (a plain post and
//! a redirect without JavaScript; with htmx the new message is appended and the form comes
//! back empty), edit, delete and report a message. Request and mentorship pages link here.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use lodestar_app::conversations::{
    MessageEdit, MessageQuery, MessageView, MessagingSettings, NewMessageInput, ReportInput,
    ThreadList, ThreadView,
};
use lodestar_app::{AppError, Viewer};
use lodestar_domain::{MessageId, ThreadId};
use serde::Deserialize;
use tower_sessions::Session;

use super::live::UnreadMessagesBadge;
use super::{
    Chrome, FormData, OrPage, PageId, done, error_page, field_errors, notify, render, render_status,
};
use crate::AppState;
use crate::auth::PageViewer;

#[derive(Template)]
#[template(path = "messages.html")]
struct MessagesPage {
    chrome: Chrome,
    list: ThreadList,
    settings: MessagingSettings,
}

pub async fn inbox(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let result = async {
        let list = state.app.my_threads(&viewer).await.or_page()?;
        let settings = state.app.messaging_settings(&viewer).await.or_page()?;
        let chrome = Chrome::new(&session, Some(viewer), "messages", "Messages").await?;
        Ok::<_, Response>(render(&MessagesPage {
            chrome,
            list,
            settings,
        }))
    };
    result.await.unwrap_or_else(|r| r)
}

pub async fn save_settings(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let settings = MessagingSettings {
        show_seen: FormData(form).checked("show_seen"),
    };
    match state.app.set_messaging_settings(&viewer, &settings).await {
        Ok(_) => done(&session, "Your messaging settings are saved.", "/messages").await,
        Err(e) => error_page(&e),
    }
}

/// One message as a list item, for the thread page and htmx swaps.
#[derive(Template)]
#[template(path = "_message.html")]
struct MessageItem {
    m: MessageView,
    csrf: String,
    is_new: bool,
    /// Brought by the live stream to an open thread page, which has then read it.
    arrived: bool,
}

/// A message as its thread page shows it, for the live stream (`/live`).
pub(super) fn message_item(m: MessageView, csrf: String) -> impl Template {
    MessageItem {
        m,
        csrf,
        is_new: false,
        arrived: true,
    }
}

/// The compose form, swapped in out of band after an htmx post: empty after a message
/// was added (no script needed to clear it), or with what was typed and why it was refused.
#[derive(Template)]
#[template(path = "_message_added.html")]
struct MessageAdded {
    added: Option<MessageItem>,
    thread_id: ThreadId,
    csrf: String,
    draft: String,
    form_error: Option<String>,
    form_oob: bool,
}

#[derive(Template)]
#[template(path = "thread.html")]
struct ThreadPage {
    chrome: Chrome,
    t: ThreadView,
    /// Oldest first, as read.
    messages: Vec<MessageView>,
    /// The messages that were unread when the page was opened.
    new_ids: Vec<MessageId>,
    older: Option<MessageId>,
    /// Showing an older page, not the newest.
    paged: bool,
    csrf: String,
    thread_id: ThreadId,
    draft: String,
    form_error: Option<String>,
    form_oob: bool,
}

impl ThreadPage {
    fn is_new(&self, id: &MessageId) -> bool {
        self.new_ids.contains(id)
    }
}

#[derive(Deserialize)]
pub struct ThreadQuery {
    before: Option<String>,
}

/// The compose form as it comes back: what was typed and why it was refused.
#[derive(Default)]
struct Compose {
    draft: String,
    error: Option<String>,
}

async fn thread_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    id: ThreadId,
    before: Option<String>,
    compose: Compose,
    status: StatusCode,
) -> Response {
    let result = async {
        let paged = before.is_some();
        let query = MessageQuery {
            before,
            limit: None,
        };
        let page = state
            .app
            .thread_messages(&viewer, id, &query)
            .await
            .or_page()?;
        // What was unread when it was opened: the newest of the others' messages.
        let new_ids = if paged {
            Vec::new()
        } else {
            page.messages
                .iter()
                .filter(|m| !m.mine && !m.deleted)
                .take(usize::try_from(page.thread.unread).unwrap_or_default())
                .map(|m| m.id)
                .collect()
        };
        if !paged && page.thread.unread > 0 {
            state.app.mark_thread_read(&viewer, id).await.or_page()?;
        }
        let title = format!("Conversation with {}", page.thread.with_names());
        let chrome = Chrome::new(session, Some(viewer), "messages", title).await?;
        let mut messages = page.messages;
        messages.reverse();
        Ok::<_, Response>(render_status(
            status,
            &ThreadPage {
                csrf: chrome.csrf.clone(),
                chrome,
                thread_id: page.thread.id,
                t: page.thread,
                messages,
                new_ids,
                older: page.next_before,
                paged,
                draft: compose.draft,
                form_error: compose.error,
                form_oob: false,
            },
        ))
    };
    result.await.unwrap_or_else(|r| r)
}

pub async fn thread(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ThreadId>,
    Query(query): Query<ThreadQuery>,
) -> Response {
    let before = query.before.filter(|b| !b.trim().is_empty());
    thread_page(
        &state,
        &session,
        viewer,
        id,
        before,
        Compose::default(),
        StatusCode::OK,
    )
    .await
}

/// Marks a thread read: an open thread page asks when a message arrives live. With htmx
/// the answer is the navigation's unread-messages count; without, the thread.
pub async fn read(
    State(state): State<AppState>,
    PageViewer(viewer): PageViewer,
    headers: HeaderMap,
    PageId(id): PageId<ThreadId>,
) -> Response {
    match state.app.mark_thread_read(&viewer, id).await {
        Ok(read) if headers.contains_key("hx-request") => render(&UnreadMessagesBadge {
            unread: read.total_unread,
        }),
        Ok(_) => Redirect::to(&format!("/threads/{id}")).into_response(),
        Err(e) => error_page(&e),
    }
}

/// The message a form refused, in words for the form.
fn refusal(err: AppError) -> Result<String, AppError> {
    match err {
        AppError::Conflict { message, .. } => Ok(message),
        other => field_errors(other).map(|errors| {
            errors
                .iter()
                .map(|(_, m)| format!("The message {m}."))
                .collect::<Vec<_>>()
                .join(" ")
        }),
    }
}

/// Writes a message. With htmx the new message comes back alone to be appended, with the
/// form again, empty, out of band; without JavaScript the page reloads at the message.
pub async fn post(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    headers: HeaderMap,
    PageId(id): PageId<ThreadId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = NewMessageInput {
        body: form.text("body"),
    };
    let htmx = headers.contains_key("hx-request");
    let csrf = form.text("_csrf");
    match state.app.post_message(&viewer, id, &input).await {
        Ok(m) if htmx => render_status(
            StatusCode::CREATED,
            &MessageAdded {
                added: Some(MessageItem {
                    m,
                    csrf: csrf.clone(),
                    is_new: false,
                    arrived: false,
                }),
                thread_id: id,
                csrf,
                draft: String::new(),
                form_error: None,
                form_oob: true,
            },
        ),
        Ok(m) => Redirect::to(&format!("/threads/{id}#message-{}", m.id)).into_response(),
        Err(e) => match refusal(e) {
            // htmx swaps only successful answers: the form comes back with the problem.
            Ok(problem) if htmx => render(&MessageAdded {
                added: None,
                thread_id: id,
                csrf,
                draft: input.body,
                form_error: Some(problem),
                form_oob: true,
            }),
            Ok(problem) => {
                thread_page(
                    &state,
                    &session,
                    viewer,
                    id,
                    None,
                    Compose {
                        draft: input.body,
                        error: Some(problem),
                    },
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            Err(other) => error_page(&other),
        },
    }
}

/// Edits a message (its own form on the thread page), then back to the thread.
pub async fn edit(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MessageId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let input = MessageEdit {
        body: FormData(form).text("body"),
    };
    let result = state.app.edit_message(&viewer, id, &input).await;
    back_to_thread(
        &state,
        &session,
        &viewer,
        id,
        result,
        "Your message is edited.",
    )
    .await
}

/// Deletes a message. With htmx the tombstone replaces it in place.
pub async fn delete(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    headers: HeaderMap,
    PageId(id): PageId<MessageId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    match state.app.delete_message(&viewer, id).await {
        Ok(m) if headers.contains_key("hx-request") => render(&MessageItem {
            m,
            csrf: FormData(form).text("_csrf"),
            is_new: false,
            arrived: false,
        }),
        result => {
            back_to_thread(
                &state,
                &session,
                &viewer,
                id,
                result,
                "Your message is deleted.",
            )
            .await
        }
    }
}

/// Reports a message to the admins, then back to the thread.
pub async fn report(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MessageId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = ReportInput {
        reason: form.text("reason"),
        comment: form.text("comment"),
    };
    let result = state
        .app
        .report_message(&viewer, id, &input)
        .await
        .map(|(_, created)| created);
    let done = match &result {
        Ok(false) => "You had reported this message already; the admins have it.",
        _ => {
            "Thank you. The admins can now read this message, and nothing else of your conversation."
        }
    };
    back_to_thread(&state, &session, &viewer, id, result, done).await
}

/// After a form about a message: to its thread, with `done` or the reason it was refused.
async fn back_to_thread<T>(
    state: &AppState,
    session: &Session,
    viewer: &Viewer,
    id: MessageId,
    result: Result<T, AppError>,
    done: &str,
) -> Response {
    match result {
        Ok(_) => notify(session, done).await,
        Err(e) => match refusal(e) {
            Ok(problem) => notify(session, &format!("That was not done: {problem}")).await,
            Err(other) => return error_page(&other),
        },
    }
    match state.app.message(viewer, id).await {
        Ok(m) => Redirect::to(&format!("/threads/{}#message-{id}", m.thread_id)).into_response(),
        Err(e) => error_page(&e),
    }
}
