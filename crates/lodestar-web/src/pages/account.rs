//! Landing, registering, logging in and out, and the account page: changing a password,
//! downloading everything Lodestar holds about you, and deleting your account.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lodestar_app::account_deletion::AccountDeletion;
use lodestar_app::accounts::{Credentials, PasswordChange, Registration};
use lodestar_app::oidc::LinkedView;
use lodestar_app::secrets::random_secret;
use lodestar_app::{AppError, Viewer};
use lodestar_domain::FieldErrors;
use lodestar_store::sessions::{ADDRESS_KEY, PERSON_KEY, USER_AGENT_KEY};
use serde::Deserialize;
use tower_sessions::Session;

use super::{Chrome, FormData, done, error_page, render, render_status, safe_next};
use crate::AppState;
use crate::auth::{ClientAddress, MaybeViewer, PageViewer, SEEN_KEY};

#[derive(Template)]
#[template(path = "landing.html")]
struct Landing {
    chrome: Chrome,
    /// Said once to someone who just deleted their account (they have no session left to
    /// carry a notice).
    farewell: bool,
}

#[derive(Deserialize)]
pub struct LandingQuery {
    account: Option<String>,
}

pub async fn landing(
    State(_): State<AppState>,
    session: Session,
    MaybeViewer(viewer): MaybeViewer,
    Query(query): Query<LandingQuery>,
) -> Response {
    let farewell = viewer.is_none() && query.account.as_deref() == Some("deleted");
    // Visitors who are not signed in see no form here, so no session is started for them.
    let chrome = match viewer {
        Some(viewer) => match Chrome::new(&session, Some(viewer), "home", "Lodestar").await {
            Ok(c) => c,
            Err(r) => return r,
        },
        None => Chrome::without_forms("home", "Lodestar"),
    };
    render(&Landing { chrome, farewell })
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    chrome: Chrome,
    name: String,
    email: String,
    errors: FieldErrors,
    sso: Option<SsoButton>,
}

/// The "Sign in with …" button of the log-in and registration pages, where the operator
/// configured an OpenID provider.
pub(super) struct SsoButton {
    pub label: String,
    pub href: String,
}

/// The button for `next`; on the registration page (`signing_up`) only where the provider
/// may make accounts.
fn sso_button(state: &AppState, next: &str, signing_up: bool) -> Option<SsoButton> {
    let oidc = state.app.oidc()?;
    if signing_up && !oidc.create_accounts() {
        return None;
    }
    let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
    Some(SsoButton {
        label: format!("Sign in with {}", oidc.name()),
        href: format!("/auth/oidc/start?{query}"),
    })
}

pub async fn register_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeViewer(viewer): MaybeViewer,
) -> Response {
    if viewer.is_some() {
        return Redirect::to("/dashboard").into_response();
    }
    register_page(&state, &headers, StatusCode::OK, RegisterInput::default()).await
}

#[derive(Default)]
struct RegisterInput {
    name: String,
    email: String,
    errors: FieldErrors,
}

/// The registration form for a visitor, with a signed form token and its cookie.
async fn register_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    input: RegisterInput,
) -> Response {
    super::visitor_form(
        state,
        headers,
        status,
        "register",
        "Create your account",
        |chrome| RegisterPage {
            chrome,
            name: input.name,
            email: input.email,
            errors: input.errors,
            sso: sso_button(state, "/profile", true),
        },
    )
    .await
}

/// Who is signing in, and from where: written on the session so its owner can recognise it.
pub(super) struct SignIn<'a> {
    pub person: lodestar_domain::PersonId,
    pub address: &'a str,
    pub user_agent: &'a str,
}

/// The browser's user agent, for the sessions list.
pub(super) fn user_agent(headers: &HeaderMap) -> &str {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Starts a signed-in session: a fresh session id (no fixation), the person's id, a new
/// CSRF token (none from before sign-in stays valid), and where it was started.
pub(super) async fn sign_in(session: &Session, who: SignIn<'_>) -> Result<(), Response> {
    let internal =
        |e: tower_sessions::session::Error| error_page(&AppError::Internal(e.to_string()));
    if session.id().is_some() {
        session.cycle_id().await.map_err(internal)?;
        session.clear().await;
    }
    let now = lodestar_store::now_ms();
    session
        .insert(PERSON_KEY, who.person.to_string())
        .await
        .map_err(internal)?;
    session
        .insert(crate::csrf::SESSION_KEY, random_secret())
        .await
        .map_err(internal)?;
    session.insert(SEEN_KEY, now).await.map_err(internal)?;
    session
        .insert(USER_AGENT_KEY, who.user_agent)
        .await
        .map_err(internal)?;
    session
        .insert(ADDRESS_KEY, who.address)
        .await
        .map_err(internal)?;
    Ok(())
}

pub async fn register(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    ClientAddress(address): ClientAddress,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let input = registration_of(FormData(form));
    match state.app.register(&input, &address).await {
        Ok(account) => {
            let welcome = "Welcome to Lodestar! Tell people about yourself so the right mentors and mentees can find you.";
            welcome_in(
                &session, &headers, &address, account.id, welcome, "/profile",
            )
            .await
        }
        Err(err) => match registration_errors(err) {
            Ok(errors) => {
                let input = RegisterInput {
                    name: input.name,
                    email: input.email,
                    errors,
                };
                register_page(&state, &headers, StatusCode::UNPROCESSABLE_ENTITY, input).await
            }
            Err(r) => r,
        },
    }
}

/// What a registration form (sign-up or first-admin setup) asks for.
pub(super) fn registration_of(form: FormData) -> Registration {
    Registration {
        name: form.text("name"),
        email: form.text("email"),
        password: form.text("password"),
    }
}

/// Signs a just-made account in from this browser, greets it, and goes on to `then`.
pub(super) async fn welcome_in(
    session: &Session,
    headers: &HeaderMap,
    address: &str,
    person: lodestar_domain::PersonId,
    welcome: &str,
    then: &str,
) -> Response {
    let who = SignIn {
        person,
        address,
        user_agent: user_agent(headers),
    };
    if let Err(r) = sign_in(session, who).await {
        return r;
    }
    done(session, welcome, then).await
}

/// The field errors of a refused registration, or the error page for anything else.
pub(super) fn registration_errors(err: AppError) -> Result<FieldErrors, Response> {
    super::field_errors(err).map_err(|other| error_page(&other))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    email: String,
    next: String,
    error: Option<String>,
    sso: Option<SsoButton>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeViewer(viewer): MaybeViewer,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if viewer.is_some() {
        return Redirect::to(&next).into_response();
    }
    login_page(&state, &headers, StatusCode::OK, String::new(), next, None).await
}

/// The log-in form for a visitor, with a signed form token and its cookie.
async fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    email: String,
    next: String,
    error: Option<String>,
) -> Response {
    let sso = sso_button(state, &next, false);
    super::visitor_form(state, headers, status, "login", "Log in", |chrome| {
        LoginPage {
            chrome,
            email,
            next,
            error,
            sso,
        }
    })
    .await
}

pub async fn login(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    ClientAddress(address): ClientAddress,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let next = safe_next(form.get("next"));
    let credentials = Credentials {
        email: form.text("email"),
        password: form.text("password"),
    };
    match state.app.log_in(&credentials, &address).await {
        Ok(account) => {
            let who = SignIn {
                person: account.id,
                address: &address,
                user_agent: user_agent(&headers),
            };
            match sign_in(&session, who).await {
                Ok(()) => Redirect::to(&next).into_response(),
                Err(r) => r,
            }
        }
        Err(err @ (AppError::Unauthenticated(_) | AppError::RateLimited { .. })) => {
            let status = if matches!(err, AppError::RateLimited { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let retry_after = match err {
                AppError::RateLimited { retry_after_secs } => Some(retry_after_secs),
                _ => None,
            };
            let message = match retry_after {
                Some(secs) => format!(
                    "Too many failed attempts. For your safety, please wait {} before trying again.",
                    wait_in_words(secs)
                ),
                None => "That email and password do not match an account.".to_owned(),
            };
            let mut page = login_page(
                &state,
                &headers,
                status,
                credentials.email,
                next,
                Some(message),
            )
            .await;
            if let Some(value) =
                retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok())
            {
                page.headers_mut().insert(header::RETRY_AFTER, value);
            }
            page
        }
        Err(AppError::Suspended) => {
            let message =
                "This account is suspended. Ask your programme's admins to lift the suspension.";
            login_page(
                &state,
                &headers,
                StatusCode::FORBIDDEN,
                credentials.email,
                next,
                Some(message.to_owned()),
            )
            .await
        }
        Err(other) => error_page(&other),
    }
}

/// "3 seconds", "2 minutes": how long a person is asked to wait.
fn wait_in_words(secs: u64) -> String {
    match secs {
        0..=1 => "a second".to_owned(),
        2..=90 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

pub async fn logout(session: Session) -> Response {
    let _ = session.flush().await;
    Redirect::to("/").into_response()
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    errors: FieldErrors,
    /// The delete form's field messages, and a refusal that is no field's (`last_admin`).
    delete_errors: FieldErrors,
    delete_problem: Option<String>,
    /// The viewer's sign-ins through OpenID providers.
    linked: Vec<LinkedView>,
    /// False for an account made by a provider's sign-in, until a password is set.
    has_password: bool,
    /// Whether such an account may set its first password now (a recent sign-in here).
    may_set_first: bool,
    /// Minutes after signing in that it may.
    window_minutes: i64,
}

/// The account page, with the password form's and the delete form's errors.
async fn password_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    status: StatusCode,
    errors: FieldErrors,
    delete_errors: FieldErrors,
    delete_problem: Option<String>,
) -> Response {
    let linked = linked_sign_ins(state, &viewer).await;
    let has_password = match state.app.account(&viewer).await {
        Ok(account) => account.has_password,
        Err(e) => return error_page(&e),
    };
    let current = session.id().map(|id| id.to_string());
    let may_set_first = !has_password
        && state
            .app
            .signed_in_lately(&viewer, current.as_deref())
            .await
            .unwrap_or(false);
    let title = if has_password {
        "Change password"
    } else {
        "Set a password"
    };
    match Chrome::new(session, Some(viewer), "account", title).await {
        Ok(chrome) => render_status(
            status,
            &PasswordPage {
                chrome,
                errors,
                delete_errors,
                delete_problem,
                linked,
                has_password,
                may_set_first,
                window_minutes: lodestar_app::accounts::FIRST_PASSWORD_WINDOW_MS / 60_000,
            },
        ),
        Err(r) => r,
    }
}

/// The viewer's sign-ins through OpenID providers, for the account page; none if they
/// cannot be read, since the page itself can still be shown.
async fn linked_sign_ins(state: &AppState, viewer: &Viewer) -> Vec<LinkedView> {
    state.app.oidc_identities(viewer).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot read the linked sign-ins");
        Vec::new()
    })
}

pub async fn password_form(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let none = FieldErrors::new;
    password_page(
        &state,
        &session,
        viewer,
        StatusCode::OK,
        none(),
        none(),
        None,
    )
    .await
}

/// Everything Lodestar holds about the viewer, downloaded under the browser's session.
pub async fn export_json(
    State(state): State<AppState>,
    PageViewer(viewer): PageViewer,
) -> Response {
    match state.app.personal_export(&viewer).await {
        Ok(export) => crate::api::personal_download(&export).unwrap_or_else(|e| error_page(&e)),
        Err(e) => error_page(&e),
    }
}

/// Deletes the viewer's account: the browser is signed out and lands on the front page,
/// which says so. A wrong password shows beside its field, and nothing is deleted.
pub async fn delete_account(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let input = AccountDeletion {
        password: FormData(form).text("password"),
    };
    let (status, delete_errors, delete_problem) =
        match state.app.delete_account(&viewer, &input).await {
            Ok(()) => {
                // The session's row went with the account; this forgets the cookie too.
                let _ = session.flush().await;
                return Redirect::to("/?account=deleted").into_response();
            }
            Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
            Err(AppError::Conflict { message, .. }) => {
                (StatusCode::CONFLICT, FieldErrors::new(), Some(message))
            }
            Err(other) => return error_page(&other),
        };
    password_page(
        &state,
        &session,
        viewer,
        status,
        FieldErrors::new(),
        delete_errors,
        delete_problem,
    )
    .await
}

pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let mut errors = FieldErrors::new();
    if form.get("new_password") != form.get("confirm_password") {
        errors.add("confirm_password", "does not match the new password");
    }
    let change = PasswordChange {
        current_password: form.text("current_password"),
        new_password: form.text("new_password"),
        keep_api_tokens: form.checked("keep_api_tokens"),
    };
    let current_session = session.id().map(|id| id.to_string());
    let outcome = if errors.is_empty() {
        state
            .app
            .change_password(&viewer, &change, current_session.as_deref())
            .await
    } else {
        Err(AppError::Invalid(errors))
    };
    match outcome {
        Ok(()) => {
            let tokens = if change.keep_api_tokens {
                "Log-in tokens were revoked; your personal API tokens still work."
            } else {
                "Your API tokens were revoked."
            };
            done(&session, &format!("Your password was changed. Other browsers you were signed in on have been signed out. {tokens}"), "/dashboard").await
        }
        Err(AppError::Invalid(errors)) => page_with_errors(&state, &session, viewer, errors).await,
        Err(AppError::Conflict { message, .. }) => {
            let mut errors = FieldErrors::new();
            errors.add("new_password", message);
            page_with_errors(&state, &session, viewer, errors).await
        }
        Err(other) => error_page(&other),
    }
}

async fn page_with_errors(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    errors: FieldErrors,
) -> Response {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    password_page(
        state,
        session,
        viewer,
        status,
        errors,
        FieldErrors::new(),
        None,
    )
    .await
}
