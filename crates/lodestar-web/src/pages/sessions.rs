//! The signed-in browsers of an account (list, end one, sign out everywhere), the
//! one-time setup page that creates the first admin, and the invitation page where
//! someone an import enrolled sets their first password.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use lodestar_app::AppError;
use lodestar_app::accounts::InvitationAcceptance;
use lodestar_app::sessions::SessionView;
use lodestar_domain::FieldErrors;
use lodestar_store::invitations::LiveInvitation;
use tower_sessions::Session;

use super::account::{registration_errors, registration_of, welcome_in};
use super::{Chrome, FormData, OrPage, done, error_page, error_page_with, render};
use crate::AppState;
use crate::auth::{ClientAddress, MaybeViewer, PageViewer};

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    chrome: Chrome,
    sessions: Vec<SessionView>,
}

pub async fn sessions(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let current = session.id().map(|id| id.to_string());
    let result = async {
        let sessions = state
            .app
            .list_sessions(&viewer, current.as_deref())
            .await
            .or_page()?;
        let chrome = Chrome::new(&session, Some(viewer), "sessions", "Signed-in browsers").await?;
        Ok::<_, Response>(render(&SessionsPage { chrome, sessions }))
    };
    result.await.unwrap_or_else(|r| r)
}

pub async fn end_session(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Path(id): Path<String>,
) -> Response {
    match state.app.end_session(&viewer, &id).await {
        Ok(()) => {
            done(
                &session,
                "That browser has been signed out.",
                "/account/sessions",
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    match state.app.sign_out_everywhere(&viewer).await {
        Ok(()) => {
            let _ = session.flush().await;
            Redirect::to("/login").into_response()
        }
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    chrome: Chrome,
    token: String,
    name: String,
    email: String,
    errors: FieldErrors,
}

fn used_link() -> Response {
    error_page_with(
        StatusCode::NOT_FOUND,
        "This setup link has expired or was used",
        "A setup link works once, for a day, and only until the first admin exists. Restart lodestar serve for a new one while there is no admin, or run lodestar admin create.",
    )
}

async fn setup_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    page: SetupPage,
) -> Response {
    super::visitor_form(
        state,
        headers,
        status,
        "setup",
        "Set up Lodestar",
        |chrome| SetupPage { chrome, ..page },
    )
    .await
}

pub async fn setup_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeViewer(_): MaybeViewer,
    Path(token): Path<String>,
) -> Response {
    match state.app.setup_token_is_live(&token).await {
        Ok(true) => {}
        Ok(false) => return used_link(),
        Err(e) => return error_page(&e),
    }
    let page = SetupPage {
        chrome: Chrome::without_forms("setup", "Set up Lodestar"),
        token,
        name: String::new(),
        email: String::new(),
        errors: FieldErrors::new(),
    };
    setup_page(&state, &headers, StatusCode::OK, page).await
}

pub async fn setup(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    ClientAddress(address): ClientAddress,
    Path(token): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let input = registration_of(FormData(form));
    match state.app.claim_setup(&token, &input).await {
        Ok(account) => {
            let welcome = "Welcome! You are this installation's admin: you can manage the skills catalogue and make other people admins with the command lodestar admin grant.";
            welcome_in(
                &session,
                &headers,
                &address,
                account.id,
                welcome,
                "/dashboard",
            )
            .await
        }
        Err(AppError::NotFound(_)) => used_link(),
        Err(err) => match registration_errors(err) {
            Ok(errors) => {
                let page = SetupPage {
                    chrome: Chrome::without_forms("setup", "Set up Lodestar"),
                    token,
                    name: input.name,
                    email: input.email,
                    errors,
                };
                setup_page(&state, &headers, StatusCode::UNPROCESSABLE_ENTITY, page).await
            }
            Err(r) => r,
        },
    }
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    chrome: Chrome,
    token: String,
    invitation: LiveInvitation,
    errors: FieldErrors,
}

fn used_invitation() -> Response {
    error_page_with(
        StatusCode::NOT_FOUND,
        "This invitation has expired or was used",
        "An invitation works once, for 30 days. If you set your password already, sign in; otherwise ask the programme's admins to invite you again.",
    )
}

async fn invitation_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    token: String,
    errors: FieldErrors,
) -> Response {
    let invitation = match state.app.invitation(&token).await {
        Ok(invitation) => invitation,
        Err(AppError::NotFound(_)) => return used_invitation(),
        Err(e) => return error_page(&e),
    };
    super::visitor_form(
        state,
        headers,
        status,
        "invitation",
        "Welcome to Lodestar",
        |chrome| InvitationPage {
            chrome,
            token,
            invitation,
            errors,
        },
    )
    .await
}

/// The page an invitation e-mail links to: set a password for the account an import made.
pub async fn invitation_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeViewer(_): MaybeViewer,
    Path(token): Path<String>,
) -> Response {
    invitation_page(&state, &headers, StatusCode::OK, token, FieldErrors::new()).await
}

/// Sets the first password, signs the person in and takes them to the programme they were
/// invited to.
pub async fn accept_invitation(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    ClientAddress(address): ClientAddress,
    Path(token): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = InvitationAcceptance {
        token: token.clone(),
        password: form.text("password"),
    };
    let invitation = match state.app.invitation(&token).await {
        Ok(invitation) => invitation,
        Err(AppError::NotFound(_)) => return used_invitation(),
        Err(e) => return error_page(&e),
    };
    match state.app.accept_invitation(&input).await {
        Ok(account) => {
            let then = invitation
                .programme
                .map_or_else(|| "/profile".to_owned(), |p| format!("/programmes/{p}"));
            let welcome = "Welcome to Lodestar! Your password is set. Fill in your profile so that the matching knows what you bring and what you look for.";
            welcome_in(&session, &headers, &address, account.id, welcome, &then).await
        }
        Err(AppError::NotFound(_)) => used_invitation(),
        Err(err) => match registration_errors(err) {
            Ok(errors) => {
                invitation_page(
                    &state,
                    &headers,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    token,
                    errors,
                )
                .await
            }
            Err(r) => r,
        },
    }
}
