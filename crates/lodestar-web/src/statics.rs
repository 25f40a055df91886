//! Static assets compiled into the binary: the stylesheet, the pinned htmx and its pinned
//! server-sent events extension (htmx-ext-sse, from the npm registry's tarball), and the
//! live pages' own few lines of script.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;

use crate::AppState;
use crate::routes::Routes;

const APP_CSS: &str = include_str!("../static/app.css");
const HTMX: &str = include_str!("../static/htmx-2.0.11.min.js");
const HTMX_SSE: &str = include_str!("../static/htmx-ext-sse-2.2.4.min.js");
const LIVE_JS: &str = include_str!("../static/live.js");

/// Versioned paths, so assets can be cached for a year.
pub const CSS_PATH: &str = concat!("/static/app-", env!("CARGO_PKG_VERSION"), ".css");
pub const HTMX_PATH: &str = "/static/htmx-2.0.11.min.js";
pub const HTMX_SSE_PATH: &str = "/static/htmx-ext-sse-2.2.4.min.js";
pub const LIVE_JS_PATH: &str = concat!("/static/live-", env!("CARGO_PKG_VERSION"), ".js");

pub fn registry() -> Routes<AppState> {
    Routes::new()
        .get(CSS_PATH, || async {
            asset("text/css; charset=utf-8", APP_CSS)
        })
        .get(HTMX_PATH, || async {
            asset("text/javascript; charset=utf-8", HTMX)
        })
        .get(HTMX_SSE_PATH, || async {
            asset("text/javascript; charset=utf-8", HTMX_SSE)
        })
        .get(LIVE_JS_PATH, || async {
            asset("text/javascript; charset=utf-8", LIVE_JS)
        })
}

pub fn routes() -> Router<AppState> {
    registry().into_router()
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
}
