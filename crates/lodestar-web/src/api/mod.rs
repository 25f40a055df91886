//! The JSON API under `/api/v1`, and its OpenAPI document and reference page.

mod accounts;
mod docs;
mod extract;
mod people;
mod skills;

use axum::Router;
use axum::routing::{delete, get, post, put};

use crate::AppState;
pub use docs::{ApiDoc, docs_routes};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/register", post(accounts::register))
        .route("/auth/login", post(accounts::login))
        .route("/auth/logout", post(accounts::logout))
        .route("/me", get(accounts::me))
        .route(
            "/me/profile",
            get(people::my_profile).patch(people::update_my_profile),
        )
        .route("/me/recommendations", get(people::recommendations))
        .route("/me/blocks", get(people::blocked))
        .route(
            "/me/blocks/{id}",
            put(people::block).delete(people::unblock),
        )
        .route("/me/password", post(accounts::change_password))
        .route(
            "/me/tokens",
            get(accounts::list_tokens).post(accounts::create_token),
        )
        .route("/me/tokens/{id}", delete(accounts::revoke_token))
        .route("/me/sessions", get(accounts::list_sessions))
        .route(
            "/me/sessions/revoke-all",
            post(accounts::sign_out_everywhere),
        )
        .route("/me/sessions/{id}", delete(accounts::end_session))
        .route("/people", get(people::directory))
        .route("/people/{id}", get(people::person))
        .route("/skills", get(skills::list).post(skills::create))
        .route("/skills/{skill}", get(skills::show).patch(skills::update))
        .route("/skills/{skill}/merge", post(skills::merge))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> axum::response::Response {
    let mut response = crate::ApiError::bad_request(
        "method_not_allowed",
        "this endpoint does not accept that method",
    );
    *response.status_mut() = axum::http::StatusCode::METHOD_NOT_ALLOWED;
    response
}

async fn not_found() -> crate::ApiError {
    crate::ApiError(lodestar_app::AppError::NotFound("API endpoint"))
}
