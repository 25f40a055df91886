//! The OpenAPI 3 document (`/api/openapi.json`) and a readable reference page built from
//! it (`/api/docs`).

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lodestar API",
        description = "The JSON API of Lodestar, a self-hosted mentorship platform. Authenticate with \
            `Authorization: Bearer <token>`, using a personal token from the API tokens page or one from \
            `POST /api/v1/auth/login`. Errors always have the shape \
            `{\"error\": {\"code\": \"…\", \"message\": \"…\", \"fields\": {\"field\": \"message\"}}}`."
    ),
    paths(
        super::accounts::register,
        super::accounts::login,
        super::accounts::logout,
        super::accounts::me,
        super::accounts::change_password,
        super::accounts::list_tokens,
        super::accounts::create_token,
        super::accounts::revoke_token,
        super::accounts::list_sessions,
        super::accounts::end_session,
        super::accounts::sign_out_everywhere,
        super::people::my_profile,
        super::people::update_my_profile,
        super::people::directory,
        super::people::recommendations,
        super::people::blocked,
        super::people::block,
        super::people::unblock,
        super::people::person,
        super::skills::list,
        super::skills::show,
        super::skills::create,
        super::skills::update,
        super::skills::merge,
        crate::ops::healthz,
        crate::ops::prometheus,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Registering, logging in, your account"),
        (name = "tokens", description = "Personal API tokens"),
        (name = "people", description = "Profiles and the people directory"),
        (name = "skills", description = "The skills catalogue"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn docs_routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/docs", get(crate::pages::api_reference))
}

/// The document never changes while the process runs: build it once.
async fn openapi_json() -> Response {
    static JSON: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    match JSON.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .map_err(|e| e.to_string())
    }) {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json.clone()).into_response(),
        Err(e) => crate::ApiError(lodestar_app::AppError::Internal(e.clone())).into_response(),
    }
}
