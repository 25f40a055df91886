//! Your live updates as server-sent events.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::response::sse::Event;
use lodestar_app::live::{FeedItem, LiveUpdate};

use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};
use crate::sse::{last_event_id, respond};

/// Your new notifications and messages as they happen, as a `text/event-stream`. Each event
/// is named by its `kind` (`notification`, `unread`, `message`, `resync`) and carries a
/// JSON `data` (the schema below); each new entry (all but `unread`) also has an `id`, a
/// cursor `<epoch ms>-<uuid>`. Reconnect with the last id
/// you received as `Last-Event-ID` (browsers do this themselves) and the stream first sends
/// what you missed since, oldest first; past 100 of them it sends one `resync` instead,
/// after which you reload your lists. A comment line every 15 s keeps the connection open.
/// The stream ends after about five minutes, when the server restarts, or when your
/// connection falls too far behind: reconnect with `Last-Event-ID` (your token is checked
/// again then).
#[utoipa::path(get, path = "/api/v1/me/events", tag = "live", security(("bearer" = [])),
    params(("Last-Event-ID" = Option<String>, Header,
        description = "The `id` of the last event received, to be sent what came after it")),
    responses(
        (status = 200, description = "The stream; each event's `data` is one of these", content_type = "text/event-stream", body = LiveUpdate),
        (status = 401, body = ErrorBody),
        (status = 409, description = "You have 16 streams open already (`too_many_streams`)", body = ErrorBody),
        (status = 422, description = "A malformed `Last-Event-ID`, as the field `last_event_id` (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn events(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let feed = state
        .app
        .open_feed(&viewer, last_event_id(&headers))
        .await?;
    Ok(respond(feed, event, state.config.limits.stream_lifetime))
}

/// An update as an event: named by its kind, its JSON as data, its cursor as id.
fn event(item: FeedItem) -> Option<Event> {
    let mut event = Event::default().event(item.update.kind());
    if let Some(cursor) = item.cursor {
        event = event.id(cursor.to_string());
    }
    event
        .json_data(&item.update)
        .inspect_err(|e| tracing::error!(error = %e, "cannot write a live update"))
        .ok()
}
