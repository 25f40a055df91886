//! Server-sent events: a live feed as a `text/event-stream` response, for the API
//! (`/api/v1/me/events`, JSON) and the pages (`/live`, HTML fragments for htmx).
//!
//! A stream outlives the request layers: they see the handler return the response's head,
//! so neither the request timeout nor the limit of requests at once holds a stream (only
//! the connection cap of `serve` does). It ends when its feed ends (the client was too
//! slow, or the server is shutting down: `Live::close`) or after its lifetime, and the
//! client reconnects with `Last-Event-ID`, its credentials checked again.

use std::convert::Infallible;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use lodestar_app::live::{Feed, FeedItem};

/// A comment this often keeps proxies and browsers from taking a quiet stream for dead,
/// and finds out when a client has gone.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The header a reconnecting client sends with the `id` of the last event it received.
pub const LAST_EVENT_ID: &str = "last-event-id";

/// The `Last-Event-ID` a client sent, if any.
pub fn last_event_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(LAST_EVENT_ID).and_then(|v| v.to_str().ok())
}

/// `feed` as an event stream, each item made an event by `render` (`None` skips it), ended
/// after about `lifetime` (see `RequestLimits::stream_lifetime`).
pub fn respond<F, I>(feed: Feed, render: F, lifetime: Duration) -> Response
where
    F: Fn(FeedItem) -> I + Send + Sync + 'static,
    I: IntoIterator<Item = Event>,
{
    let random = uuid::Uuid::new_v4().as_u128();
    // The first event tells the browser how long to wait before reconnecting: 1–5 s,
    // spread so that the streams of a restarted server do not all come back at once.
    let retry = Event::default().retry(Duration::from_millis(1000 + (random % 4000) as u64));
    // 80–120 % of the lifetime, for the same reason.
    let lifetime = lifetime.mul_f64(0.8 + ((random >> 64) % 401) as f64 / 1000.0);
    let updates = futures_util::stream::unfold((feed, render), |(mut feed, render)| async move {
        loop {
            let item = feed.next().await?;
            // One update may be several events (a message, and the unread badge it changes).
            let events: Vec<_> = render(item).into_iter().map(Ok::<_, Infallible>).collect();
            if !events.is_empty() {
                return Some((futures_util::stream::iter(events), (feed, render)));
            }
        }
    })
    .flatten();
    let stream = futures_util::stream::once(async move { Ok(retry) })
        .chain(updates)
        .take_until(tokio::time::sleep(lifetime));
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response();
    let headers = response.headers_mut();
    // One person's updates: no cache keeps them (axum says no-cache, which allows storing).
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Reverse proxies such as nginx would otherwise buffer the stream.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// Text as an event's data. Newlines become `data:` lines that the browser joins again; a
/// carriage return would too, so `\r\n` would come back as two line breaks: dropped.
pub fn data_text(text: &str) -> String {
    text.replace('\r', "")
}
