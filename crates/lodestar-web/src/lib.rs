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
pub mod charts;
mod csrf;
mod error;
mod ops;
pub mod pages;
mod routes;
pub mod serve;
mod sse;
mod statics;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use axum::Router;
use axum::http::{HeaderValue, header};
use lodestar_app::App;
use lodestar_store::sessions::DbSessionStore;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use error::ApiError;
pub use routes::{Route, Routes};

/// Web settings, from the command line and environment.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// The public URL is https: cookies are `Secure` with the `__Host-` prefix, and every
    /// response carries HSTS.
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
    /// How long browser sessions last.
    pub sessions: SessionLifetimes,
}

/// Limits on every request, so that no client can hold the server's memory or time.
#[derive(Clone, Debug)]
pub struct RequestLimits {
    /// The largest request body accepted (413 `payload_too_large` beyond).
    pub max_body_bytes: usize,
    /// The longest a request may take, reading its body included (503 `timeout`).
    pub request_timeout: StdDuration,
    /// The largest file a programme's participant import takes, and how long sending and
    /// importing it may take (it is written whole or not at all).
    pub max_upload_bytes: usize,
    pub upload_timeout: StdDuration,
    /// Requests served at once; more are answered 503 `overloaded` at once (`/healthz`
    /// excepted).
    pub max_concurrent_requests: usize,
    /// How long a live event stream stays open (give or take a fifth, so streams do not
    /// end together) before the server ends it and the client reconnects with
    /// `Last-Event-ID`, missing nothing. Reconnecting checks the session or token again,
    /// so a revoked one stops hearing within this time. Streams are exempt from
    /// `request_timeout` and do not count as requests at once.
    pub stream_lifetime: StdDuration,
}

impl Default for RequestLimits {
    fn default() -> Self {
        Self {
            max_body_bytes: 64 * 1024,
            request_timeout: StdDuration::from_secs(30),
            max_upload_bytes: crate::csrf::MAX_UPLOAD_BYTES,
            upload_timeout: StdDuration::from_secs(5 * 60),
            max_concurrent_requests: 512,
            stream_lifetime: StdDuration::from_secs(5 * 60),
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

/// How long a browser session lasts: `idle` after it was last used, and at most
/// `absolute` after sign-in however busy it is.
#[derive(Clone, Copy, Debug)]
pub struct SessionLifetimes {
    pub idle: std::time::Duration,
    pub absolute: std::time::Duration,
}

impl Default for SessionLifetimes {
    fn default() -> Self {
        const DAY: u64 = 24 * 60 * 60;
        Self {
            idle: std::time::Duration::from_secs(14 * DAY),
            absolute: std::time::Duration::from_secs(30 * DAY),
        }
    }
}

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
    /// The key for anonymous forms' CSRF tokens, read from the database on first use.
    forms: Arc<tokio::sync::OnceCell<lodestar_app::sessions::FormSigner>>,
}

/// The session cookie's name over plain HTTP.
pub const SESSION_COOKIE: &str = "lodestar_session";
/// The session cookie's name over https: the `__Host-` prefix makes browsers refuse it
/// unless it is `Secure`, for the whole site (`Path=/`) and set by this host alone (no
/// `Domain`), so a neighbouring subdomain cannot plant or shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-lodestar_session";

/// `Strict-Transport-Security` over https: browsers use only https here for a year.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The whole router: API, pages, static files, health and metrics, with request ids,
/// tracing and metrics around every request.
pub fn router(app: App, config: WebConfig) -> Router {
    let lifetimes = config.sessions;
    let store = DbSessionStore::new(app.db.clone()).with_absolute_lifetime_ms(
        i64::try_from(lifetimes.absolute.as_millis()).unwrap_or(i64::MAX),
    );
    let idle = time::Duration::try_from(lifetimes.idle).unwrap_or(time::Duration::days(14));
    let sessions = SessionManagerLayer::new(store)
        .with_name(if config.secure_cookies {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        })
        .with_secure(config.secure_cookies)
        .with_http_only(true)
        .with_path("/")
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(idle));
    let limits = config.limits.clone();
    let ops_routes = ops::routes(&config);
    let secure = config.secure_cookies;
    let state = AppState {
        app,
        config: Arc::new(config),
        forms: Arc::default(),
    };
    // Pages are personal or carry a form's token: no cache, shared or private, keeps them.
    let pages = pages::routes()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::verify,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::frame_scope,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(sessions);
    let router = Router::new()
        .merge(pages)
        .nest(
            "/api/v1",
            // API answers are one person's data: no cache keeps them.
            api::routes().layer(SetResponseHeaderLayer::if_not_present(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            )),
        )
        .merge(api::docs_routes())
        .merge(ops_routes)
        .merge(statics::routes())
        .fallback(pages::not_found)
        .with_state(state);
    let router = if secure {
        router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        ))
    } else {
        router
    };
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
