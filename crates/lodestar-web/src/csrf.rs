//! Protection against cross-site request forgery for the HTML pages: every state-changing
//! request must carry the session's token, in the `_csrf` form field or the `X-CSRF-Token`
//! header (htmx sends the header). SameSite=Lax cookies are a second line of defence.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use lodestar_app::AppError;

const SESSION_KEY: &str = "csrf";
pub const FORM_FIELD: &str = "_csrf";
const HEADER: &str = "x-csrf-token";
const MAX_FORM_BYTES: usize = 1 << 20;

/// The session's CSRF token, made on first use.
pub async fn token(session: &Session) -> Result<String, AppError> {
    let internal = |e: tower_sessions::session::Error| AppError::Internal(e.to_string());
    if let Some(token) = session.get::<String>(SESSION_KEY).await.map_err(internal)? {
        return Ok(token);
    }
    let token = lodestar_app::secrets::random_secret();
    session
        .insert(SESSION_KEY, &token)
        .await
        .map_err(internal)?;
    Ok(token)
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Middleware: lets safe methods through; checks the token on every other request.
pub async fn verify(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return forbidden();
    };
    let expected = match session.get::<String>(SESSION_KEY).await {
        Ok(Some(token)) => token,
        _ => return forbidden(),
    };
    if let Some(sent) = request.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return if same(sent, &expected) {
            next.run(request).await
        } else {
            forbidden()
        };
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return forbidden();
    };
    let sent = form_urlencoded_field(&bytes, FORM_FIELD);
    if sent.as_deref().is_some_and(|sent| same(sent, &expected)) {
        next.run(Request::from_parts(parts, Body::from(bytes)))
            .await
    } else {
        forbidden()
    }
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

fn forbidden() -> Response {
    crate::pages::error_page_with(
        axum::http::StatusCode::FORBIDDEN,
        "This form has expired",
        "For your safety, forms only work for a while and only from this site. Go back, reload the page and try again.",
    )
    .into_response()
}
