//! Admins: webhook endpoints, their secrets (shown once), their deliveries, and retrying
//! a delivery now.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lodestar_app::webhooks::{
    CreatedWebhook, DeliveryList, DeliveryView, WebhookChange, WebhookInput, WebhookList,
    WebhookView,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::{ApiJson, ApiQuery, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Admins: every webhook endpoint, the newest first, and the events one can subscribe to.
/// Secrets are never listed.
#[utoipa::path(get, path = "/api/v1/admin/webhooks", tag = "webhooks", security(("bearer" = [])),
    responses(
        (status = 200, body = WebhookList),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<WebhookList>> {
    Ok(Json(state.app.webhooks(&viewer).await?))
}

/// Admins: register an endpoint for some events. The answer holds its signing secret
/// (`whsec_…`), which is never shown again: each delivery carries
/// `Lodestar-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
#[utoipa::path(post, path = "/api/v1/admin/webhooks", tag = "webhooks", security(("bearer" = [])),
    request_body = WebhookInput,
    responses(
        (status = 201, body = CreatedWebhook),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 422, description = "A bad `url`, `description` or `events`, each named (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<WebhookInput>,
) -> ApiResult<impl IntoResponse> {
    let made = state.app.create_webhook(&viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// Admins: one endpoint (without its secret).
#[utoipa::path(get, path = "/api/v1/admin/webhooks/{id}", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, body = WebhookView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such webhook (`not_found`)", body = ErrorBody),
    ))]
pub async fn show(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<WebhookView>> {
    let id = path_id(&id, "webhook")?;
    Ok(Json(state.app.webhook(&viewer, id).await?))
}

/// Admins: pause an endpoint (`{"active": false}`): it is given no new deliveries and its
/// waiting ones wait; `{"active": true}` resumes it, and they are sent.
#[utoipa::path(patch, path = "/api/v1/admin/webhooks/{id}", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")),
    request_body = WebhookChange,
    responses(
        (status = 200, body = WebhookView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such webhook (`not_found`)", body = ErrorBody),
        (status = 422, description = "No `active` given (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<WebhookChange>,
) -> ApiResult<Json<WebhookView>> {
    let id = path_id(&id, "webhook")?;
    Ok(Json(state.app.update_webhook(&viewer, id, &change).await?))
}

/// Admins: give an endpoint a new signing secret (`whsec_…`), shown this once. The old one
/// signs nothing from now on, deliveries still waiting included.
#[utoipa::path(post, path = "/api/v1/admin/webhooks/{id}/secret", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, body = CreatedWebhook),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such webhook (`not_found`)", body = ErrorBody),
    ))]
pub async fn roll_secret(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<CreatedWebhook>> {
    let id = path_id(&id, "webhook")?;
    Ok(Json(state.app.roll_webhook_secret(&viewer, id).await?))
}

/// Admins: remove an endpoint with its deliveries; nothing more is sent to it.
#[utoipa::path(delete, path = "/api/v1/admin/webhooks/{id}", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such webhook (`not_found`)", body = ErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id, "webhook")?;
    state.app.delete_webhook(&viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The page, from 1 (50 deliveries a page, the newest first).
    pub page: Option<i64>,
}

/// Admins: an endpoint's deliveries, the newest first: the event, its body, attempts, the
/// last HTTP status and error, and when it went through or is tried next.
#[utoipa::path(get, path = "/api/v1/admin/webhooks/{id}/deliveries", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id"), PageQuery),
    responses(
        (status = 200, body = DeliveryList),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such webhook (`not_found`)", body = ErrorBody),
    ))]
pub async fn deliveries(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<DeliveryList>> {
    let id = path_id(&id, "webhook")?;
    Ok(Json(
        state
            .app
            .webhook_deliveries(&viewer, id, query.page)
            .await?,
    ))
}

/// Admins: try a delivery that has not gone through again now, a given-up one too.
#[utoipa::path(post, path = "/api/v1/admin/webhooks/deliveries/{id}/retry", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Delivery id")),
    responses(
        (status = 200, body = DeliveryView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such delivery (`not_found`)", body = ErrorBody),
        (status = 409, description = "It went through already (`already_delivered`)", body = ErrorBody),
    ))]
pub async fn retry(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<DeliveryView>> {
    let id = path_id(&id, "delivery")?;
    Ok(Json(state.app.retry_webhook_delivery(&viewer, id).await?))
}
