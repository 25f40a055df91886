//! Protection against cross-site request forgery for the HTML pages: every state-changing
//! request must carry a token, in the `_csrf` form field or the `X-CSRF-Token` header (htmx
//! sends the header). SameSite=Lax session cookies are a second line of defence.
//!
//! Two kinds of token:
//! - a signed-in session keeps a random token, made anew at every sign-in;
//! - forms shown to visitors (log in, register, setup) carry a signed, stateless token
//!   bound to a random value in a short-lived SameSite=Strict, HttpOnly cookie, so that
//!   visitors cost no session row and another site can neither replay a token nor log a
//!   visitor into its own account.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lodestar_app::AppError;
use lodestar_app::sessions::{FORM_TOKEN_TTL_MS, FormSigner};
use tower_sessions::Session;
use tower_sessions::cookie::{Cookie, SameSite};

use crate::AppState;

pub const SESSION_KEY: &str = "csrf";
pub const FORM_FIELD: &str = "_csrf";
const HEADER: &str = "x-csrf-token";
const MAX_FORM_BYTES: usize = 1 << 20;
/// The largest file a page takes (with room for the form around it).
pub const MAX_UPLOAD_BYTES: usize =
    lodestar_app::programmes::participants::MAX_IMPORT_BYTES + (1 << 20);

/// The cookie holding a visitor's form nonce, over plain HTTP and over https.
pub const FORM_COOKIE: &str = "lodestar_form";
pub const SECURE_FORM_COOKIE: &str = "__Host-lodestar_form";

/// The signed-in session's CSRF token. Sessions made before tokens were set at sign-in
/// get one now.
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

/// A visitor's form token and the cookie that goes with it.
pub struct AnonymousForm {
    pub token: String,
    cookie: Option<HeaderValue>,
}

impl AnonymousForm {
    /// Adds the nonce cookie to the page that carries the form.
    pub fn attach(self, mut response: Response) -> Response {
        if let Some(cookie) = self.cookie {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        response
    }
}

/// The value of the cookie `name` the request carries, if any.
pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

fn form_cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies {
        SECURE_FORM_COOKIE
    } else {
        FORM_COOKIE
    }
}

async fn signer(state: &AppState) -> Result<&FormSigner, AppError> {
    state
        .forms
        .get_or_try_init(|| state.app.form_signer())
        .await
}

/// The visitor's form nonce, if their browser sent one that could be ours.
fn nonce_of(state: &AppState, headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, form_cookie_name(state)).filter(|v| {
        v.len() == 43
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// A token for a form shown to a visitor, reusing their nonce cookie (so that several open
/// tabs keep working) or making one.
pub async fn anonymous_form(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<AnonymousForm, AppError> {
    let nonce = nonce_of(state, headers).unwrap_or_else(lodestar_app::secrets::random_secret);
    let token = signer(state).await?.issue(&nonce, lodestar_store::now_ms());
    let cookie = Cookie::build((form_cookie_name(state), nonce))
        .path("/")
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::milliseconds(FORM_TOKEN_TTL_MS))
        .build();
    Ok(AnonymousForm {
        token,
        cookie: HeaderValue::from_str(&cookie.to_string()).ok(),
    })
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// What a request must show to pass.
enum Expected {
    /// The signed-in session's token.
    Session(String),
    /// A signed token for the visitor's nonce.
    Visitor(FormSigner, String),
}

impl Expected {
    fn accepts(&self, sent: &str) -> bool {
        match self {
            Self::Session(token) => same(sent, token),
            Self::Visitor(signer, nonce) => signer.verify(sent, nonce, lodestar_store::now_ms()),
        }
    }
}

/// Middleware: lets safe methods through; checks the token on every other request. A
/// signed-in session only accepts its own token; a visitor only a signed token bound to
/// their nonce cookie.
pub async fn verify(State(state): State<AppState>, request: Request, next: Next) -> Response {
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
        Ok(Some(token)) => Expected::Session(token),
        Ok(None) => {
            let Some(nonce) = nonce_of(&state, request.headers()) else {
                return forbidden();
            };
            match signer(&state).await {
                Ok(signer) => Expected::Visitor(signer.clone(), nonce),
                Err(e) => return crate::pages::error_page(&e),
            }
        }
        Err(_) => return forbidden(),
    };
    if let Some(sent) = request.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return if expected.accepts(sent) {
            next.run(request).await
        } else {
            forbidden()
        };
    }
    let multipart = is_multipart(request.headers());
    // A large file (a programme's participants) is taken from signed-in sessions only, so
    // that nobody can make the server hold a large body without an account.
    let limit = match (&expected, multipart) {
        (Expected::Session(_), true) => MAX_UPLOAD_BYTES,
        _ => MAX_FORM_BYTES,
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, limit).await else {
        return forbidden();
    };
    let sent = if multipart {
        multipart_field(&parts.headers, &bytes, FORM_FIELD).await
    } else {
        form_urlencoded_field(&bytes, FORM_FIELD)
    };
    if sent.as_deref().is_some_and(|sent| expected.accepts(sent)) {
        next.run(Request::from_parts(parts, Body::from(bytes)))
            .await
    } else {
        forbidden()
    }
}

fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("multipart/form-data"))
}

/// The text of the first field called `name` in a `multipart/form-data` body.
async fn multipart_field(
    headers: &HeaderMap,
    body: &axum::body::Bytes,
    name: &str,
) -> Option<String> {
    use axum::extract::{FromRequest, Multipart};
    let mut request = Request::new(Body::from(body.clone()));
    *request.headers_mut() = headers.clone();
    let mut form = Multipart::from_request(request, &()).await.ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
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
