//! Registering, logging in and out, the signed-in account, password and API tokens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use lodestar_app::account_deletion::AccountDeletion;
use lodestar_app::accounts::{
    AccountView, Credentials, InvitationAcceptance, PasswordChange, Registration,
};
use lodestar_app::people::ProfileView;
use lodestar_app::sessions::SessionView;
use lodestar_app::tokens::{CreatedToken, NewTokenInput, TokenView};
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::{ApiJson, path_id};
use crate::AppState;
use crate::auth::{ApiViewer, ClientAddress};
use crate::error::{ApiResult, ErrorBody};

/// Create an account. Registering never makes an admin: the first admin is created through
/// the one-time setup link `lodestar serve` prints, or with `lodestar admin create`.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts", request_body = Registration,
    responses(
        (status = 201, description = "Account created", body = AccountView),
        (status = 409, description = "Email already registered (`email_taken`)", body = ErrorBody),
        (status = 422, description = "Invalid name, email or password (`validation_failed`)", body = ErrorBody),
        (status = 429, description = "Too many registrations from this address (`rate_limited`); see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Too many passwords being hashed at once (`busy`); see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn register(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(input): ApiJson<Registration>,
) -> ApiResult<impl IntoResponse> {
    let account = state.app.register(&input, &address).await?;
    Ok((StatusCode::CREATED, Json(AccountView::from(&account))))
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Epoch milliseconds.
    pub expires_at: Option<i64>,
    pub account: AccountView,
}

/// Log in with email and password and receive an API token (valid for 30 days).
/// Wrong passwords and unknown emails get the same answer. After five failures for an
/// account from one address, each further try from there must wait longer (1 s, 2 s, 4 s, …
/// up to 15 minutes) and is refused with 429 until then; one address may also try only so
/// often overall.
/// The answer carries a secret: `Cache-Control: no-store`.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts", request_body = Credentials,
    responses(
        (status = 200, body = LoginResponse, headers(("Cache-Control" = String, description = "`no-store`"))),
        (status = 401, description = "Email or password is incorrect (`unauthenticated`)", body = ErrorBody),
        (status = 429, description = "Too many failed attempts (`rate_limited`); see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Too many passwords being checked at once (`busy`); see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(input): ApiJson<Credentials>,
) -> ApiResult<impl IntoResponse> {
    let account = state.app.log_in(&input, &address).await?;
    signed_in(&state, &account).await
}

/// A new log-in token for `account`, as log-in and an invitation answer with it.
async fn signed_in(
    state: &AppState,
    account: &lodestar_store::persons::Account,
) -> ApiResult<impl IntoResponse + use<>> {
    let created = state.app.login_token(account.id).await?;
    Ok((
        NO_STORE,
        Json(LoginResponse {
            token: created.token_secret,
            expires_at: created.token.expires_at,
            account: AccountView::from(account),
        }),
    ))
}

/// Take up the invitation an import e-mailed: set the account's first password and receive
/// an API token, as a log-in does. The link's secret works once, until it expires (30 days).
/// The answer carries a secret: `Cache-Control: no-store`.
#[utoipa::path(post, path = "/api/v1/auth/invitation", tag = "accounts",
    request_body = InvitationAcceptance,
    responses(
        (status = 200, body = LoginResponse, headers(("Cache-Control" = String, description = "`no-store`"))),
        (status = 404, description = "The invitation is unknown, used or expired (`not_found`)", body = ErrorBody),
        (status = 422, description = "The password is not good enough (`validation_failed`)", body = ErrorBody),
        (status = 503, description = "Too many passwords being hashed at once (`busy`); see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<InvitationAcceptance>,
) -> ApiResult<impl IntoResponse> {
    let account = state.app.accept_invitation(&input).await?;
    signed_in(&state, &account).await
}

/// Responses that carry a secret must not be kept by any cache.
const NO_STORE: [(header::HeaderName, &str); 1] = [(header::CACHE_CONTROL, "no-store")];

/// Revoke the token this request was made with.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    headers: axum::http::HeaderMap,
) -> ApiResult<StatusCode> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_whitespace().nth(1))
        .unwrap_or_default();
    state.app.revoke_token_secret(&viewer, token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in person: account and whole profile, hidden fields included.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = ProfileView), (status = 401, body = ErrorBody)))]
pub async fn me(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<ProfileView>> {
    Ok(Json(state.app.my_profile(&viewer).await?))
}

/// Change your password. Every browser session ends and every API token is revoked, the
/// one this request was made with included, unless `keep_api_tokens` is true: then
/// personal tokens stay (log-in tokens are revoked all the same).
#[utoipa::path(post, path = "/api/v1/me/password", tag = "accounts", security(("bearer" = [])),
    request_body = PasswordChange,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 503, description = "Too many passwords being hashed at once (`busy`); see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn change_password(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    state.app.change_password(&viewer, &input, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete your account, for good, with your password to show it is you. What is yours goes
/// with it: your profile, skills, goals, check-ins, notes, messages, requests, enrolments,
/// connections, tokens and sessions (every session and token ends at once). A mentorship
/// you share keeps the other side's: it stays theirs with its sessions and their own
/// goals, notes and check-ins, and shows you as "Deleted account"; one that is still
/// active or paused is cancelled and they are told. Export your data first
/// (`GET /api/v1/me/export`) if you want to keep it. The installation's last admin cannot
/// delete their account.
#[utoipa::path(delete, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    request_body = AccountDeletion,
    responses(
        (status = 204, description = "Deleted; every session and token of yours has ended"),
        (status = 401, body = ErrorBody),
        (status = 409, description = "You are the installation's only admin (`last_admin`): make someone else an admin first", body = ErrorBody),
        (status = 422, description = "A wrong or missing password (`validation_failed`, field `password`); nothing is deleted", body = ErrorBody),
        (status = 503, description = "Too many passwords being checked at once (`busy`); see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn delete_me(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<AccountDeletion>,
) -> ApiResult<StatusCode> {
    state.app.delete_account(&viewer, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Your personal API tokens, newest first (secrets are never shown again).
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "tokens", security(("bearer" = [])),
    responses((status = 200, body = [TokenView]), (status = 401, body = ErrorBody)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<Vec<TokenView>>> {
    Ok(Json(state.app.list_tokens(&viewer).await?))
}

/// Create a personal API token. The secret is in this response only
/// (`Cache-Control: no-store`).
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "tokens", security(("bearer" = [])),
    request_body = NewTokenInput,
    responses((status = 201, body = CreatedToken, headers(("Cache-Control" = String, description = "`no-store`"))), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<NewTokenInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        NO_STORE,
        Json(state.app.create_token(&viewer, &input).await?),
    ))
}

/// Revoke one of your tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "tokens", security(("bearer" = [])),
    params(("id" = String, Path, description = "Token id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .app
        .revoke_token(&viewer, path_id(&id, "token")?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Your signed-in browser sessions, most recently used first.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = [SessionView]), (status = 401, body = ErrorBody)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<Vec<SessionView>>> {
    Ok(Json(state.app.list_sessions(&viewer, None).await?))
}

/// Sign out one of your browser sessions.
#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id, from `GET /api/v1/me/sessions`")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn end_session(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.app.end_session(&viewer, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sign out everywhere: every browser session ends and every log-in token is revoked, the
/// one this request was made with included. Personal API tokens stay.
#[utoipa::path(post, path = "/api/v1/me/sessions/revoke-all", tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<StatusCode> {
    state.app.sign_out_everywhere(&viewer).await?;
    Ok(StatusCode::NO_CONTENT)
}
