//! The one place application errors become HTTP responses: a status, a stable
//! machine-readable code, a human message and per-field messages.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lodestar_app::AppError;
use serde::Serialize;
use utoipa::ToSchema;

/// The error body every API error has.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable and machine-readable: `validation_failed`, `email_taken`, `not_found`,
    /// `unauthenticated`, `forbidden`, `account_suspended`, `thread_closed`, `rate_limited`,
    /// `busy`, `overloaded`, `timeout`, `payload_too_large`, `invalid_json`, `internal`,
    /// `slot_taken`, …
    #[schema(example = "validation_failed")]
    pub code: String,
    #[schema(example = "some fields are not valid")]
    pub message: String,
    /// Messages per field, for validation errors.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// With `slot_taken`: the free slots now, for the same session length.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slots: Option<Vec<lodestar_app::booking::SlotView>>,
}

/// An error on its way to becoming a response.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        Self(err)
    }
}

impl ApiError {
    pub fn bad_request(code: &str, message: impl Into<String>) -> Response {
        body(
            StatusCode::BAD_REQUEST,
            code,
            message.into(),
            BTreeMap::new(),
        )
    }
}

fn body(
    status: StatusCode,
    code: &str,
    message: String,
    fields: BTreeMap<String, String>,
) -> Response {
    detail(
        status,
        ErrorDetail {
            code: code.to_owned(),
            message,
            fields,
            slots: None,
        },
    )
}

fn detail(status: StatusCode, error: ErrorDetail) -> Response {
    let mut response = (status, Json(ErrorBody { error })).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Status and code for an application error.
pub fn status_and_code(err: &AppError) -> (StatusCode, &'static str) {
    match err {
        AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
        AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        AppError::Conflict { code, .. } => (StatusCode::CONFLICT, code),
        AppError::SlotTaken { .. } => (StatusCode::CONFLICT, "slot_taken"),
        AppError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
        AppError::Suspended => (StatusCode::FORBIDDEN, "account_suspended"),
        AppError::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "unauthenticated"),
        AppError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        AppError::Busy { .. } => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
        AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

/// The message a person may read: internal details are logged, never shown.
pub fn public_message(err: &AppError) -> String {
    match err {
        AppError::Internal(detail) => {
            tracing::error!(%detail, "internal error");
            "something went wrong on our side; it has been logged".into()
        }
        other => other.to_string(),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = status_and_code(&self.0);
        let message = public_message(&self.0);
        let fields = match &self.0 {
            AppError::Invalid(errors) => errors.clone().into_map(),
            AppError::Conflict {
                field: Some(field),
                message,
                ..
            } => BTreeMap::from([((*field).to_owned(), message.clone())]),
            _ => BTreeMap::new(),
        };
        let mut response = match &self.0 {
            AppError::SlotTaken { slots, .. } => detail(
                status,
                ErrorDetail {
                    code: code.to_owned(),
                    message,
                    fields,
                    slots: Some(slots.clone()),
                },
            ),
            _ => body(status, code, message, fields),
        };
        set_retry_after(&self.0, &mut response);
        if let AppError::Unauthenticated(_) = &self.0 {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"lodestar\""),
            );
        }
        response
    }
}

/// `Retry-After` for the errors that say when to come back.
pub fn set_retry_after(err: &AppError, response: &mut Response) {
    if let AppError::RateLimited { retry_after_secs } | AppError::Busy { retry_after_secs } = err
        && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
