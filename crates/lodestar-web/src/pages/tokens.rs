//! Personal API tokens: create (shown once), list, revoke.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::AppError;
use lodestar_app::tokens::{CreatedToken, NewTokenInput, TokenView};
use lodestar_domain::FieldErrors;
use tower_sessions::Session;

use super::{Chrome, FormData, OrPage, done, error_page, render_status};
use crate::AppState;
use crate::auth::PageViewer;

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    chrome: Chrome,
    tokens: Vec<TokenView>,
    created: Option<CreatedToken>,
    name: String,
    errors: FieldErrors,
}

async fn page(
    state: &AppState,
    session: &Session,
    viewer: lodestar_app::Viewer,
    created: Option<CreatedToken>,
    name: String,
    errors: FieldErrors,
) -> Result<TokensPage, Response> {
    let tokens = state.app.list_tokens(&viewer).await.or_page()?;
    let chrome = Chrome::new(session, Some(viewer), "tokens", "API tokens").await?;
    Ok(TokensPage {
        chrome,
        tokens,
        created,
        name,
        errors,
    })
}

pub async fn list(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    match page(
        &state,
        &session,
        viewer,
        None,
        String::new(),
        FieldErrors::new(),
    )
    .await
    {
        Ok(p) => render_status(StatusCode::OK, &p),
        Err(r) => r,
    }
}

pub async fn create(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let name = FormData(form).text("name");
    let (created, errors, status) = match state
        .app
        .create_token(&viewer, &NewTokenInput { name: name.clone() })
        .await
    {
        Ok(created) => (Some(created), FieldErrors::new(), StatusCode::CREATED),
        Err(AppError::Invalid(errors)) => (None, errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(other) => return error_page(&other),
    };
    let name = if created.is_some() {
        String::new()
    } else {
        name
    };
    match page(&state, &session, viewer, created, name, errors).await {
        Ok(p) => render_status(status, &p),
        Err(r) => r,
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse() else {
        return error_page(&AppError::NotFound("token"));
    };
    match state.app.revoke_token(&viewer, id).await {
        Ok(()) => {
            done(
                &session,
                "The token was revoked. Programs using it can no longer reach the API.",
                "/tokens",
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}
