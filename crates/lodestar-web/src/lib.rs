//! Lodestar's HTTP surface: the JSON API under `/api/v1`, its OpenAPI document, the
//! server-rendered HTML pages, static assets, health and metrics.
//!
//! Handlers extract input, find out who is asking, call one service on [`lodestar_app::App`]
//! and map the result. They hold no SQL and no business rules.

// Handlers return `Result<_, Response>` so an early return can be any page; the size of a
// response is not worth boxing.
#![allow(clippy::result_large_err)]

pub mod api;
mod auth;
mod csrf;
mod error;
mod ops;
pub mod pages;
mod routes;
pub mod serve;
mod statics;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use axum::Router;
use lodestar_app::App;
use lodestar_store::sessions::DbSessionStore;
use time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use error::ApiError;
pub use routes::{Route, Routes};

/// Web settings, from the command line and environment.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when the public URL is https).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// How many reverse proxies of one's own stand in front, each appending to
    /// `X-Forwarded-For` (with `trust_proxy`; 0 counts as 1).
    pub trusted_proxies: usize,
    /// Limits on every request.
    pub limits: RequestLimits,
    /// Who may read `/metrics`, and where.
    pub metrics: MetricsAccess,
}

/// Limits on every request, so that no client can hold the server's memory or time.
#[derive(Clone, Debug)]
pub struct RequestLimits {
    /// The largest request body accepted (413 `payload_too_large` beyond).
    pub max_body_bytes: usize,
    /// The longest a request may take, reading its body included (503 `timeout`).
    pub request_timeout: StdDuration,
    /// Requests served at once; more are answered 503 `overloaded` at once (`/healthz`
    /// excepted).
    pub max_concurrent_requests: usize,
}

impl Default for RequestLimits {
    fn default() -> Self {
        Self {
            max_body_bytes: 64 * 1024,
            request_timeout: StdDuration::from_secs(30),
            max_concurrent_requests: 512,
        }
    }
}

/// Where `/metrics` is served and whether it needs a token.
#[derive(Clone, Debug, Default)]
pub struct MetricsAccess {
    /// Served by [`metrics_router`] on an address of its own, not by [`router`].
    pub separate: bool,
    /// Required as `Authorization: Bearer <token>` when set.
    pub token: Option<String>,
}

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "lodestar_session";

/// The whole router: API, pages, static files, health and metrics, with request ids,
/// tracing and metrics around every request.
pub fn router(app: App, config: WebConfig) -> Router {
    let sessions = SessionManagerLayer::new(DbSessionStore::new(app.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_secure(config.secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(Duration::days(14)));
    let limits = config.limits.clone();
    let ops_routes = ops::routes(&config);
    let state = AppState {
        app,
        config: Arc::new(config),
    };
    let pages = pages::routes()
        .layer(axum::middleware::from_fn(csrf::verify))
        .layer(sessions);
    let router = Router::new()
        .merge(pages)
        .nest("/api/v1", api::routes())
        .merge(api::docs_routes())
        .merge(ops_routes)
        .merge(statics::routes())
        .fallback(pages::not_found)
        .with_state(state);
    ops::wrap(router, &limits)
}

/// `/metrics` alone, for its own address (`--metrics-bind`), with the same request ids,
/// logs and limits as the main router.
pub fn metrics_router(config: &WebConfig) -> Router {
    ops::wrap(ops::metrics_route(config), &config.limits)
}

/// Every route [`router`] serves, as `(method, path template)`: pages, the API under
/// `/api/v1`, its documents, operations and static files. Whatever `router` merges must be
/// listed here; the authorization matrix test walks this list.
pub fn route_list() -> Vec<Route> {
    let mut list = pages::registry().list().to_vec();
    list.extend(api::registry().list_under("/api/v1"));
    list.extend(api::docs_registry().list().iter().cloned());
    list.extend(ops::registry(&WebConfig::default()).list().iter().cloned());
    list.extend(statics::registry().list().iter().cloned());
    list
}
