//! The role catalogue and a person's career path: roles, the gap, close roles, plan steps.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use lodestar_app::career::catalogue::{NewRoleInput, RoleEdit, RolePage, RoleQuery, RoleView};
use lodestar_app::career::steps::{NewStepInput, StepEdit, StepGoalInput, StepView};
use lodestar_app::career::{CareerInput, CareerView, CloseRole, GapView};
use lodestar_app::growth::goals::GoalView;

use super::extract::{ApiJson, ApiQuery, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// `X-Total-Count` and an RFC 8288 `Link` header (`first`, `prev`, `next`, `last`) for a
/// page of roles, whose body is a plain array.
fn page_headers(page: &RolePage, query: &RoleQuery) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("x-total-count", HeaderValue::from(page.total));
    let q = query.q.as_deref().unwrap_or_default();
    let link = |n: i64, rel: &str| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !q.is_empty() {
            pairs.push(("q", q.to_owned()));
        }
        if query.include_retired {
            pairs.push(("include_retired", "true".into()));
        }
        pairs.push(("page", n.to_string()));
        pairs.push(("per_page", page.per_page.to_string()));
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("</api/v1/roles?{query}>; rel=\"{rel}\"")
    };
    let last = page.pages().max(1);
    let mut links = vec![link(1, "first")];
    if page.page > 1 {
        links.push(link((page.page - 1).min(last), "prev"));
    }
    if page.page < last {
        links.push(link(page.page + 1, "next"));
    }
    links.push(link(last, "last"));
    if let Ok(value) = HeaderValue::from_str(&links.join(", ")) {
        headers.insert(header::LINK, value);
    }
    headers
}

/// The role catalogue: roles whose title contains `q`, by title, a page at a time. The
/// body is an array; `X-Total-Count` says how many roles match and `Link` points to the
/// first, previous, next and last pages. Shipped roles (`source: "esco"`) are derived from
/// ESCO: "This service uses the ESCO classification of the European Commission."
#[utoipa::path(get, path = "/api/v1/roles", tag = "career", params(RoleQuery),
    responses(
        (status = 200, body = [RoleView], headers(
            ("x-total-count" = i64, description = "Roles matching in all"),
            ("link" = String, description = "first, prev, next and last pages"),
        )),
        (status = 422, body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<RoleQuery>,
) -> ApiResult<impl IntoResponse> {
    let page = state.app.roles(&query).await?;
    let headers = page_headers(&page, &query);
    Ok((headers, Json(page.roles)))
}

/// One role with the skills it needs.
#[utoipa::path(get, path = "/api/v1/roles/{id}", tag = "career",
    params(("id" = String, Path, description = "Role id")),
    responses((status = 200, body = RoleView), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<RoleView>> {
    Ok(Json(state.app.role(path_id(&id, "role")?).await?))
}

/// Add a role of the organisation's (admins): a title of 1–200 characters and 1–30
/// skills from the catalogue, each once, at a level 1–5. It is marked
/// `source: "organisation"`.
#[utoipa::path(post, path = "/api/v1/roles", tag = "career", security(("bearer" = [])),
    request_body = NewRoleInput,
    responses(
        (status = 201, body = RoleView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`), e.g. `skills[1].skill`", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<NewRoleInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.add_role(&viewer, &input).await?),
    ))
}

/// Edit a role (admins), shipped or the organisation's: title, description, the whole
/// skill list, or retire it (`retired: true`; paths that name it keep it).
#[utoipa::path(patch, path = "/api/v1/roles/{id}", tag = "career", security(("bearer" = [])),
    params(("id" = String, Path, description = "Role id")),
    request_body = RoleEdit,
    responses(
        (status = 200, body = RoleView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(edit): ApiJson<RoleEdit>,
) -> ApiResult<Json<RoleView>> {
    Ok(Json(
        state
            .app
            .update_role(&viewer, path_id(&id, "role")?, &edit)
            .await?,
    ))
}

/// Your career path: your current role and the roles you aim for.
#[utoipa::path(get, path = "/api/v1/me/career", tag = "career", security(("bearer" = [])),
    responses((status = 200, body = CareerView), (status = 401, body = ErrorBody)))]
pub async fn mine(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<CareerView>> {
    Ok(Json(state.app.my_career(&viewer).await?))
}

/// Set your current role (or `null`) and up to 5 target roles, by id. An unknown or
/// retired role, a target named twice or that is your current role is a field error
/// (`current_role`, `target_roles[1]`), and nothing changes.
#[utoipa::path(put, path = "/api/v1/me/career", tag = "career", security(("bearer" = [])),
    request_body = CareerInput,
    responses(
        (status = 200, body = CareerView),
        (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn set(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<CareerInput>,
) -> ApiResult<Json<CareerView>> {
    Ok(Json(state.app.set_career(&viewer, &input).await?))
}

/// Your skills gap: every skill your target roles need above your level (the highest need
/// where several roles need it, and which role), largest gap first, with the current
/// mentors who mentor on it at that level (`mentor_can_help`, `mentor_names`) and how many
/// mentors in the directory do.
#[utoipa::path(get, path = "/api/v1/me/career/gap", tag = "career", security(("bearer" = [])),
    responses((status = 200, body = GapView), (status = 401, body = ErrorBody)))]
pub async fn gap(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<GapView>> {
    Ok(Json(state.app.career_gap(&viewer).await?))
}

/// Roles close to yours: up to 10 roles ranked by how many of their skills you have at
/// their level or above, then by that share of the role; your current role left out.
#[utoipa::path(get, path = "/api/v1/me/career/close-roles", tag = "career", security(("bearer" = [])),
    responses((status = 200, body = [CloseRole]), (status = 401, body = ErrorBody)))]
pub async fn close_roles(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<Vec<CloseRole>>> {
    Ok(Json(state.app.close_roles(&viewer).await?))
}

/// Your plan's steps, by date.
#[utoipa::path(get, path = "/api/v1/me/career/steps", tag = "career", security(("bearer" = [])),
    responses((status = 200, body = [StepView]), (status = 401, body = ErrorBody)))]
pub async fn steps(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<Vec<StepView>>> {
    Ok(Json(state.app.career_steps(&viewer).await?))
}

/// Add a step to your plan: a kind (`learn`, `practise`, `stretch_project`,
/// `introduction`, `opportunity`), a title, a date and optionally the skill it grows.
#[utoipa::path(post, path = "/api/v1/me/career/steps", tag = "career", security(("bearer" = [])),
    request_body = NewStepInput,
    responses(
        (status = 201, body = StepView),
        (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn add_step(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<NewStepInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.add_career_step(&viewer, &input).await?),
    ))
}

/// Make a step of yours a goal (once): on the step's skill, titled as the step and due on
/// its date unless you say otherwise; the step keeps the goal's id.
#[utoipa::path(post, path = "/api/v1/me/career/steps/{id}/goal", tag = "career", security(("bearer" = [])),
    params(("id" = String, Path, description = "Step id")),
    request_body = StepGoalInput,
    responses(
        (status = 201, body = GoalView),
        (status = 404, description = "No such step of yours", body = ErrorBody),
        (status = 409, description = "The step is a goal already (`already_done`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`), as for a new goal", body = ErrorBody),
    ))]
pub async fn step_to_goal(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<StepGoalInput>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "step")?;
    let goal = state.app.step_to_goal(&viewer, id, &input).await?;
    Ok((StatusCode::CREATED, Json(goal)))
}

/// Change a step of yours: tick it done, move its date, link the goal it became.
#[utoipa::path(patch, path = "/api/v1/me/career/steps/{id}", tag = "career", security(("bearer" = [])),
    params(("id" = String, Path, description = "Step id")),
    request_body = StepEdit,
    responses(
        (status = 200, body = StepView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn edit_step(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(edit): ApiJson<StepEdit>,
) -> ApiResult<Json<StepView>> {
    Ok(Json(
        state
            .app
            .edit_career_step(&viewer, path_id(&id, "step")?, &edit)
            .await?,
    ))
}

/// Delete a step of yours.
#[utoipa::path(delete, path = "/api/v1/me/career/steps/{id}", tag = "career", security(("bearer" = [])),
    params(("id" = String, Path, description = "Step id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn delete_step(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .app
        .delete_career_step(&viewer, path_id(&id, "step")?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
