//! The pages' live stream, `/live`: the signed-in person's updates as HTML fragments for
//! htmx's SSE extension. `base.html` connects every signed-in page to it (`hx-ext="sse"`
//! and `sse-connect` on `<body>`), and an element anywhere in the page subscribes to one
//! kind of event with `sse-swap="<event name>"`; the event's data, a fragment rendered here,
//! is swapped in as `hx-swap` says (innerHTML by default). Without JavaScript nothing
//! connects and the pages are as complete as ever.
//!
//! Event names: `notifications` (the navigation's unread badge, on every page, after a new
//! notification or after some were read elsewhere),
//! `message-<thread id>` (a new message of that thread, for its page), `resync` (too much
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

/// A new message of a thread, for that thread's page.
#[derive(Template)]
#[template(path = "_live_message.html")]
struct LiveMessage<'a> {
    thread_id: &'a str,
    message_id: &'a str,
}

pub async fn live(
    State(state): State<AppState>,
    PageViewer(viewer): PageViewer,
    Query(query): Query<LiveQuery>,
    headers: HeaderMap,
) -> Response {
    // A cursor the browser mangled starts the stream from now rather than failing it.
    let after = last_event_id(&headers)
        .or(query.since.as_deref())
        .filter(|after| after.parse::<Cursor>().is_ok());
    match state.app.open_feed(&viewer, after).await {
        Ok(feed) => respond(feed, fragment, state.config.limits.stream_lifetime),
        Err(e) => error_page(&e),
    }
}

/// An update as the event a page listens for, its data the fragment to swap in.
fn fragment(item: FeedItem) -> Option<Event> {
    let (name, html) = match &item.update {
        LiveUpdate::Notification { unread, .. } | LiveUpdate::Unread { unread } => (
            "notifications".to_owned(),
            UnreadBadge { unread: *unread }.render(),
        ),
        LiveUpdate::Message {
            thread_id,
            message_id,
        } => (
            format!("message-{thread_id}"),
            LiveMessage {
                thread_id,
                message_id,
            }
            .render(),
        ),
        LiveUpdate::Resync => ("resync".to_owned(), Ok("resync".to_owned())),
    };
    let html = html
        .inspect_err(|e| tracing::error!(error = %e, "a live fragment failed to render"))
        .ok()?;
    let event = Event::default().event(name).data(data_text(&html));
    Some(match item.cursor {
        Some(cursor) => event.id(cursor.to_string()),
        None => event,
    })
}
