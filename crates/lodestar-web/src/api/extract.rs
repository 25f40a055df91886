//! Extractors whose rejections use the API's error shape.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::ApiError;

/// A JSON object as the body. Malformed JSON is a 400 `invalid_json`; JSON of the wrong
/// shape (not an object, a missing or unknown field, a wrong type) is a 422 `invalid_body`
/// naming the problem.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::JsonRejection;
        // Every body is a JSON object: serde would read a struct from a positional array
        // too, which no client should rely on (and which slips past unknown-field checks).
        match axum::Json::<serde_json::Value>::from_request(request, state).await {
            Ok(axum::Json(value)) if value.is_object() => {
                serde_json::from_value(value).map(Self).map_err(|e| {
                    error(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid_body",
                        e.to_string(),
                    )
                })
            }
            Ok(axum::Json(_)) => Err(error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "the body must be a JSON object".into(),
            )),
            Err(JsonRejection::JsonDataError(e)) => Err(error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                e.body_text().replace(
                    "Failed to deserialize the JSON body into the target type: ",
                    "",
                ),
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json".into(),
            )),
            Err(other) => Err(error(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                other.body_text(),
            )),
        }
    }
}

/// A CSV file as the body, sent as `text/csv`; anything else is a 415
/// `unsupported_media_type`, and a body over the route's limit a 413 `payload_too_large`.
pub struct ApiCsv(pub Vec<u8>);

impl<S: Send + Sync> FromRequest<S> for ApiCsv {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_csv = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("text/csv"));
        if !is_csv {
            return Err(error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the file with Content-Type: text/csv".into(),
            ));
        }
        match axum::body::Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(Self(bytes.to_vec())),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the file is too large".into(),
            )),
            Err(rejection) => Err(error(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                rejection.body_text(),
            )),
        }
    }
}

/// A query string.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|e| error(StatusCode::BAD_REQUEST, "invalid_query", e.body_text()))
    }
}

fn error(status: StatusCode, code: &str, message: String) -> Response {
    let mut response = ApiError::bad_request(code, message);
    *response.status_mut() = status;
    response.into_response()
}

/// Parses an id from the path; anything that is not one is simply not found.
pub fn path_id<T: std::str::FromStr>(raw: &str, what: &'static str) -> Result<T, ApiError> {
    raw.parse()
        .map_err(|_| ApiError(lodestar_app::AppError::NotFound(what)))
}

/// A JSON object body that may be left out: no body at all (no `Content-Type`, nothing
/// sent) is `None`; anything sent is read as [`ApiJson`] reads it.
pub struct OptionalJson<T>(pub Option<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for OptionalJson<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = request.headers();
        let empty_length = headers
            .get(axum::http::header::CONTENT_LENGTH)
            .is_none_or(|v| v.as_bytes() == b"0");
        if headers.get(axum::http::header::CONTENT_TYPE).is_none() && empty_length {
            return Ok(Self(None));
        }
        ApiJson::<T>::from_request(request, state)
            .await
            .map(|ApiJson(value)| Self(Some(value)))
    }
}
