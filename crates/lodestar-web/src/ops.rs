//! Operations: `/healthz`, `/metrics`, and the layers around every request (request ids,
//! structured request logs, metrics, panics turned into 500s, and the limits that keep
//! one client from exhausting the server: body size, time, requests at once).

use std::any::Any;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use serde::Serialize;
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::ToSchema;

use crate::error::ErrorBody;
use crate::routes::Routes;
use crate::{AppState, RequestLimits, WebConfig};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The process-wide Prometheus recorder (installed once, shared by every router).
pub fn metrics_handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ])
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        // Fails only if another recorder is installed; then that one collects.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// `/healthz`, and `/metrics` unless it is served on a separate address.
pub fn registry(config: &WebConfig) -> Routes<AppState> {
    let routes = Routes::new().get("/healthz", healthz);
    if config.metrics.separate {
        routes
    } else {
        routes.merge(metrics_registry(config))
    }
}

pub fn routes(config: &WebConfig) -> Router<AppState> {
    registry(config).into_router()
}

/// `/metrics` alone, behind its token when there is one.
pub fn metrics_route<S: Clone + Send + Sync + 'static>(config: &WebConfig) -> Router<S> {
    metrics_registry(config).into_router()
}

fn metrics_registry<S: Clone + Send + Sync + 'static>(config: &WebConfig) -> Routes<S> {
    let token = config.metrics.token.clone().map(Arc::<str>::from);
    Routes::new().get("/metrics", move |headers: axum::http::HeaderMap| {
        let token = token.clone();
        async move {
            match token {
                Some(token) if !bearer_matches(&headers, &token) => refusal(
                    "/metrics",
                    StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    "send the metrics token as Authorization: Bearer <token>",
                    None,
                ),
                _ => prometheus().await,
            }
        }
    })
}

/// Compares the presented bearer token with the expected one in time independent of where
/// they first differ.
fn bearer_matches(headers: &axum::http::HeaderMap, expected: &str) -> bool {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    let (a, b) = (presented.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    #[schema(example = "sqlite")]
    pub database: &'static str,
    pub version: &'static str,
}

/// Health check: 200 when the database answers, 503 when it does not.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Response {
    let database = state.app.db.backend().name();
    let version = env!("CARGO_PKG_VERSION");
    match tokio::time::timeout(Duration::from_secs(2), state.app.db.ping()).await {
        Ok(Ok(())) => axum::Json(Health {
            status: "ok",
            database,
            version,
        })
        .into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(Health {
                status: "unavailable",
                database,
                version,
            }),
        )
            .into_response(),
    }
}

/// Prometheus metrics in the text exposition format. When the server is started with
/// `--metrics-token`, the token is required as `Authorization: Bearer <token>`; with
/// `--metrics-bind`, this is served on that address only.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain"),
        (status = 401, description = "A metrics token is set and was not sent (`unauthenticated`)", body = ErrorBody)))]
pub async fn prometheus() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        metrics_handle().render(),
    )
        .into_response()
}

/// Counts requests and records their latency by route, method and status.
async fn record_metrics(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = method_label(request.method());
    let response = next.run(request).await;
    let labels = [
        ("method", method.to_owned()),
        ("route", route),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("lodestar_http_requests_total", &labels).increment(1);
    metrics::histogram!("lodestar_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The method as a metrics label: the standard ones by name, any other as `other`, so that a
/// client cannot make up methods to grow the number of series without bound.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// A refusal by one of the outer layers: the API's error shape under `/api/` (and for
/// operations), the error page elsewhere.
fn refusal(
    path: &str,
    status: StatusCode,
    code: &str,
    message: &str,
    retry_after_secs: Option<u64>,
) -> Response {
    let mut response = if path.starts_with("/api/") || path == "/metrics" || path == "/healthz" {
        let mut response = crate::ApiError::bad_request(code, message);
        *response.status_mut() = status;
        response
    } else {
        let heading = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "Too much at once",
            StatusCode::UNAUTHORIZED => "Not signed in",
            _ => "Busy right now",
        };
        crate::pages::error_page_with(status, heading, message)
    };
    if let Some(secs) = retry_after_secs
        && let Ok(value) = HeaderValue::from_str(&secs.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Answers 503 `overloaded` at once when `max_concurrent_requests` are already being
/// served, instead of queuing without bound. `/healthz` is never turned away, so that a
/// busy server is not taken for a dead one.
async fn shed_load(State(limit): State<Arc<Semaphore>>, request: Request, next: Next) -> Response {
    if request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    match limit.try_acquire() {
        Ok(_permit) => next.run(request).await,
        Err(_) => refusal(
            request.uri().path(),
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "the server is handling as many requests as it can; try again shortly",
            Some(1),
        ),
    }
}

/// Ends a request that takes longer than `timeout` (reading a slow body included) with 503
/// `timeout`.
async fn limit_time(
    State((timeout, upload_timeout)): State<(Duration, Duration)>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let timeout = if is_upload(&path) {
        upload_timeout
    } else {
        timeout
    };
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout_secs = timeout.as_secs_f64(), "request timed out");
            refusal(
                &path,
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "the request took too long and was stopped; try again",
                Some(1),
            )
        }
    }
}

/// Reads the body up front, refusing one over `limit` bytes with 413 `payload_too_large`
/// (at once when `Content-Length` says so), so that no handler ever buffers more. A
/// participants file is left to its route to read, within the upload limit.
/// Whether a path takes a file (a programme's participants): a larger body and longer time.
fn is_upload(path: &str) -> bool {
    path.ends_with("/participants/import")
        && (path.starts_with("/api/v1/programmes/") || path.starts_with("/programmes/"))
}

async fn limit_body(
    State((limit, upload_limit)): State<(usize, usize)>,
    request: Request,
    next: Next,
) -> Response {
    let limit = if is_upload(request.uri().path()) {
        upload_limit
    } else {
        limit
    };
    let too_large = |path: &str| {
        refusal(
            path,
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            &format!("the request body is larger than {limit} bytes"),
            None,
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(request.uri().path());
    }
    // Most requests (GETs) have no body: nothing to read or to copy.
    if declared == Some(0) || axum::body::HttpBody::is_end_stream(request.body()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    if is_upload(parts.uri.path()) {
        // A file is read by its route, after the caller is known (a bearer token checked,
        // or a signed-in session's form token), so nobody unknown makes the server hold
        // one; the limit still holds as it is read.
        return next
            .run(Request::from_parts(
                parts,
                Body::new(Limited::new(body, limit)),
            ))
            .await;
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => {
            next.run(Request::from_parts(parts, Body::from(collected.to_bytes())))
                .await
        }
        Err(e) if e.is::<LengthLimitError>() => too_large(parts.uri.path()),
        Err(_) => refusal(
            parts.uri.path(),
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "the request body could not be read",
            None,
        ),
    }
}

/// A panic becomes a 500 in the error shape, logged inside the request's span (so with its
/// request id); its message is never shown.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    crate::ApiError(lodestar_app::AppError::Internal(format!("panic: {detail}"))).into_response()
}

/// Documents the answers the outer layers may give to any operation: 413 for a body over the
/// limit, 503 when the server is at its limit of requests at once or a request took too long.
pub struct LimitResponses;

impl utoipa::Modify for LimitResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::header::Header;
        use utoipa::openapi::schema::{ObjectBuilder, Ref, Type};
        use utoipa::openapi::{ContentBuilder, ResponseBuilder};
        let error = |description: &str, retry: bool| {
            let mut response = ResponseBuilder::new().description(description).content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            );
            if retry {
                let mut header = Header::new(ObjectBuilder::new().schema_type(Type::Integer));
                header.description = Some("Seconds to wait".into());
                response = response.header("Retry-After", header);
            }
            response.build()
        };
        for (path, operation) in crate::api::operations_mut(openapi) {
            let responses = &mut operation.responses.responses;
            if operation.request_body.is_some() {
                responses.entry("413".into()).or_insert_with(|| {
                    error(
                        "The body is over the size limit, 64 KiB by default (`payload_too_large`)",
                        false,
                    )
                    .into()
                });
            }
            if path != "/healthz" {
                responses.entry("503".into()).or_insert_with(|| {
                        error("The server is at its limit of requests at once (`overloaded`), the request took too long (`timeout`), or, where documented, too many passwords are being checked (`busy`); see Retry-After", true).into()
                    });
            }
        }
    }
}

/// Wraps the router in request ids (taken from `X-Request-Id` or made), a log span per
/// request carrying the id, metrics, panics turned into 500 responses, and the request
/// limits. Every refusal is counted and logged like any other answer.
pub fn wrap(router: Router, limits: &RequestLimits) -> Router {
    metrics_handle();
    let in_flight = Arc::new(Semaphore::new(limits.max_concurrent_requests.max(1)));
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|request: &Request| {
                        let id = request
                            .extensions()
                            .get::<RequestId>()
                            .and_then(|id| id.header_value().to_str().ok())
                            .unwrap_or_default()
                            .to_owned();
                        tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
                    })
                    .on_response(
                        tower_http::trace::DefaultOnResponse::new()
                            .level(tracing::Level::INFO)
                            .latency_unit(tower_http::LatencyUnit::Micros),
                    ),
            )
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                     frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
                ),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            ))
            .layer(CatchPanicLayer::custom(panic_response))
            .layer(axum::middleware::from_fn(record_metrics))
            .layer(axum::middleware::from_fn_with_state(in_flight, shed_load))
            .layer(axum::middleware::from_fn_with_state(
                (limits.request_timeout, limits.upload_timeout),
                limit_time,
            ))
            .layer(axum::middleware::from_fn_with_state(
                (limits.max_body_bytes, limits.max_upload_bytes),
                limit_body,
            )),
    )
}
