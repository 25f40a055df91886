//! The pages' live stream, `/live`: the signed-in person's updates as HTML fragments for
//! htmx's SSE extension. `base.html` connects every signed-in page to it (`hx-ext="sse"`
//! and `sse-connect` on `<body>`), and an element anywhere in the page subscribes to one
//! kind of event with `sse-swap="<event name>"`; the event's data, a fragment rendered here,
//! is swapped in as `hx-swap` says (innerHTML by default). Without JavaScript nothing
//! connects and the pages are as complete as ever.
//!
//! Event names: `notifications` (the navigation's unread badge, on every page, after a new
//! notification or after some were read elsewhere), `messages` (the navigation's
//! unread-messages badge, after a new message), `message-<thread id>` (a new message of
//! that thread for its page: the page's own message fragment, rendered for the viewer), `resync` (too much
//! was missed to replay: reload what the page shows). Each event's `id` is its cursor, so
//! the browser's reconnect (`Last-Event-ID`) first gets what the page missed; a page's
//! first connect starts at the `since` cursor of the moment the page was rendered, so
//! nothing made between the render and the connect is lost.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::response::sse::Event;
use lodestar_app::live::{Cursor, FeedItem, LiveUpdate};
use serde::Deserialize;

use tower_sessions::Session;

use super::conversations::message_item;
use super::error_page;
use crate::AppState;
use crate::auth::PageViewer;
use crate::sse::{data_text, last_event_id, respond};

/// The stream's address for a page rendered now.
pub fn stream_path() -> String {
    format!("/live?since={}", Cursor::now())
}

#[derive(Deserialize)]
pub struct LiveQuery {
    /// The cursor of when the page was rendered.
    since: Option<String>,
}

/// The navigation's unread count (the inside of its `sse-swap="notifications"` element).
#[derive(Template)]
#[template(path = "_unread_badge.html")]
struct UnreadBadge {
    unread: i64,
}

/// The navigation's unread-messages count (the inside of its `sse-swap="messages"` element).
#[derive(Template)]
#[template(path = "_unread_badge.html")]
pub(super) struct UnreadMessagesBadge {
    pub(super) unread: i64,
}

pub async fn live(
    State(state): State<AppState>,
    PageViewer(viewer): PageViewer,
    session: Session,
    Query(query): Query<LiveQuery>,
    headers: HeaderMap,
) -> Response {
    // A message's fragment carries the same forms as the page's (edit, delete, report).
    let csrf = match crate::csrf::token(&session).await {
        Ok(csrf) => csrf,
        Err(e) => return error_page(&e),
    };
    // A cursor the browser mangled starts the stream from now rather than failing it.
    let after = last_event_id(&headers)
        .or(query.since.as_deref())
        .filter(|after| after.parse::<Cursor>().is_ok());
    match state.app.open_feed(&viewer, after).await {
        Ok(feed) => respond(
            feed,
            move |item| fragments(item, &csrf),
            state.config.limits.stream_lifetime,
        ),
        Err(e) => error_page(&e),
    }
}

/// An update as the events a page listens for, their data the fragments to swap in.
fn fragments(item: FeedItem, csrf: &str) -> Vec<Event> {
    let mut events = Vec::with_capacity(2);
    let (name, html) = match item.update {
        LiveUpdate::Notification { unread, .. } | LiveUpdate::Unread { unread } => {
            ("notifications".to_owned(), UnreadBadge { unread }.render())
        }
        LiveUpdate::Message {
            message,
            unread_messages,
        } => {
            events.extend(render(
                "messages",
                UnreadMessagesBadge {
                    unread: unread_messages,
                }
                .render(),
            ));
            (
                format!("message-{}", message.thread_id),
                message_item(message, csrf.to_owned()).render(),
            )
        }
        LiveUpdate::Resync => ("resync".to_owned(), Ok("resync".to_owned())),
    };
    // The entry first, with its cursor; a badge after it is a state, without one.
    if let Some(event) = render(&name, html) {
        events.insert(
            0,
            match item.cursor {
                Some(cursor) => event.id(cursor.to_string()),
                None => event,
            },
        );
    }
    events
}

fn render(name: &str, html: askama::Result<String>) -> Option<Event> {
    let html = html
        .inspect_err(|e| tracing::error!(error = %e, "a live fragment failed to render"))
        .ok()?;
    Some(Event::default().event(name).data(data_text(&html)))
}
