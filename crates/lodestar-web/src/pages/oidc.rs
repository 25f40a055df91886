//! Sign-in through an OpenID provider, where the operator configured one (the routes answer
//! "not found" otherwise). `/auth/oidc/start` sends the browser to the provider with the
//! pending sign-in sealed in a short-lived cookie (visitors write no session rows);
//! `/auth/oidc/callback` finishes it and signs the person in as a password log-in does.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lodestar_app::oidc::{Answer, PENDING_TTL_MS, Refused};
use serde::Deserialize;
use tower_sessions::Session;
use tower_sessions::cookie::{Cookie, SameSite};

use super::account::{SignIn, sign_in, user_agent};
use super::{Chrome, done, error_page, render_status, safe_next};
use crate::AppState;
use crate::auth::{ClientAddress, MaybeViewer};

/// The cookie holding the pending sign-in, over plain HTTP and over https. SameSite=Lax, not
/// Strict: the provider sends the browser back by a top-level navigation from its own site,
/// which carries Lax cookies and not Strict ones.
pub const PENDING_COOKIE: &str = "lodestar_oidc";
pub const SECURE_PENDING_COOKIE: &str = "__Host-lodestar_oidc";

/// A `next` longer than this goes to the dashboard instead (it rides in the cookie).
const MAX_NEXT: usize = 1024;

fn cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies {
        SECURE_PENDING_COOKIE
    } else {
        PENDING_COOKIE
    }
}

fn pending_cookie(state: &AppState, value: String, max_age_ms: i64) -> Option<HeaderValue> {
    let cookie = Cookie::build((cookie_name(state), value))
        .path("/")
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::milliseconds(max_age_ms))
        .build();
    HeaderValue::from_str(&cookie.to_string()).ok()
}

fn pending_of(state: &AppState, headers: &HeaderMap) -> Option<String> {
    crate::csrf::cookie_value(headers, cookie_name(state))
}

#[derive(Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

/// Sends the browser to the provider. Someone signed in already goes on to `next`.
pub async fn start(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    Query(query): Query<StartQuery>,
) -> Response {
    if state.app.oidc().is_none() {
        return super::not_found().await;
    }
    let next = safe_next(query.next.as_deref().filter(|n| n.len() <= MAX_NEXT));
    if viewer.is_some() {
        return Redirect::to(&next).into_response();
    }
    match state.app.oidc_begin(next).await {
        Ok(begun) => {
            let mut response = Redirect::to(&begun.provider_url).into_response();
            if let Some(cookie) = pending_cookie(&state, begun.sealed, PENDING_TTL_MS) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(refused) => refused_page(&state, &refused),
    }
}

/// Where the provider sends the browser back: signs the person in (a new session id, as a
/// password log-in makes) or says why not. The pending sign-in is used up either way.
pub async fn callback(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    ClientAddress(address): ClientAddress,
    Query(answer): Query<Answer>,
) -> Response {
    if state.app.oidc().is_none() {
        return super::not_found().await;
    }
    let sealed = pending_of(&state, &headers);
    let mut response = match state.app.oidc_finish(sealed.as_deref(), &answer).await {
        Ok(signed_in) => {
            let who = SignIn {
                person: signed_in.account.id,
                address: &address,
                user_agent: user_agent(&headers),
            };
            match sign_in(&session, who).await {
                Ok(()) if signed_in.created => {
                    let welcome = "Welcome to Lodestar! Tell people about yourself so the right mentors and mentees can find you.";
                    done(&session, welcome, "/profile").await
                }
                Ok(()) => Redirect::to(&signed_in.next).into_response(),
                Err(r) => r,
            }
        }
        Err(refused) => refused_page(&state, &refused),
    };
    if sealed.is_some()
        && let Some(cookie) = pending_cookie(&state, String::new(), 0)
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

#[derive(Template)]
#[template(path = "oidc_refused.html")]
struct RefusedPage {
    chrome: Chrome,
    heading: String,
    message: String,
}

/// The page that says why nobody was signed in.
fn refused_page(state: &AppState, refused: &Refused) -> Response {
    let provider = state
        .app
        .oidc()
        .map_or("The provider", |oidc| oidc.name())
        .to_owned();
    let (status, heading, message) = match refused {
        Refused::NotConfigured => {
            return error_page(&lodestar_app::AppError::NotFound("page"));
        }
        Refused::Internal(e) => return error_page(e),
        Refused::Provider { error, .. } if error == "access_denied" => (
            StatusCode::FORBIDDEN,
            "Sign-in cancelled".to_owned(),
            format!("{provider} did not sign you in to Lodestar, so nobody was signed in. You can try again, or log in with your password."),
        ),
        Refused::Provider { error, description } => (
            StatusCode::BAD_REQUEST,
            "Sign-in failed".to_owned(),
            match description {
                Some(d) => format!("{provider} could not sign you in ({error}: {d}). Try again; if it keeps happening, ask your administrator."),
                None => format!("{provider} could not sign you in ({error}). Try again; if it keeps happening, ask your administrator."),
            },
        ),
        Refused::Stale => (
            StatusCode::BAD_REQUEST,
            "This sign-in has expired".to_owned(),
            "It took too long, or it was begun in another browser or tab that has finished. Nobody was signed in: start again from the log-in page.".to_owned(),
        ),
        Refused::Unverifiable(_) => (
            StatusCode::BAD_GATEWAY,
            "Sign-in could not be checked".to_owned(),
            format!("{provider} answered, but its answer could not be verified, so nobody was signed in. Try again; if it keeps happening, ask your administrator."),
        ),
        Refused::NoEmail => (
            StatusCode::FORBIDDEN,
            "No e-mail address".to_owned(),
            format!("{provider} did not share your e-mail address, which Lodestar needs to find your account. Ask your administrator."),
        ),
        Refused::UnverifiedEmail(email) => (
            StatusCode::FORBIDDEN,
            "E-mail address not verified".to_owned(),
            format!("{provider} has not verified the e-mail address {email}, so it cannot sign you in to an account. Verify it with {provider} first, or log in with your password."),
        ),
        Refused::NoAccount(email) => (
            StatusCode::FORBIDDEN,
            "No account for this e-mail".to_owned(),
            format!("There is no Lodestar account for {email}; ask your administrator."),
        ),
        Refused::Suspended => (
            StatusCode::FORBIDDEN,
            "Account suspended".to_owned(),
            "This account is suspended. Ask your programme's admins to lift the suspension.".to_owned(),
        ),
    };
    let chrome = Chrome::without_forms("login", heading.clone());
    render_status(
        status,
        &RefusedPage {
            chrome,
            heading,
            message,
        },
    )
}
