//! Static assets compiled into the binary: the stylesheet and the pinned htmx.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;

const APP_CSS: &str = include_str!("../static/app.css");
const HTMX: &str = include_str!("../static/htmx-2.0.11.min.js");

/// Versioned paths, so assets can be cached for a year.
pub const CSS_PATH: &str = concat!("/static/app-", env!("CARGO_PKG_VERSION"), ".css");
pub const HTMX_PATH: &str = "/static/htmx-2.0.11.min.js";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            CSS_PATH,
            get(|| async { asset("text/css; charset=utf-8", APP_CSS) }),
        )
        .route(
            HTMX_PATH,
            get(|| async { asset("text/javascript; charset=utf-8", HTMX) }),
        )
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
