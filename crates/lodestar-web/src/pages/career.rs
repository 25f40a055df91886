//! Career pages: a person's path (current and target roles, the skills gap, their plan,
//! roles close to theirs), the role catalogue, and the admins' role pages.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::career::catalogue::{
    CatalogueSource, NewRoleInput, RoleEdit, RolePage, RoleQuery, RoleSkillInput, RoleView,
    catalogue_source,
};
use lodestar_app::career::steps::{NewStepInput, StepEdit, StepGoalInput, StepView};
use lodestar_app::career::{CareerInput, CareerView, CloseRole, GapView};
use lodestar_app::{AppError, Viewer};
use lodestar_domain::FieldErrors;
use lodestar_domain::career::StepKind;
use lodestar_domain::ids::{CareerStepId, RoleId};
use tower_sessions::Session;

use super::{
    Chrome, FormData, OrPage, PageId, PathRecord, done, error_page, render_made, render_status,
};
use crate::AppState;
use crate::auth::{PageAdmin, PageViewer};

impl PathRecord for RoleId {
    const WHAT: &'static str = "role";
}

impl PathRecord for CareerStepId {
    const WHAT: &'static str = "step";
}

/// The `/career` form's values as typed, so a refused form comes back as it was.
#[derive(Default)]
struct PathDraft {
    current: String,
    targets: Vec<String>,
}

#[derive(Default)]
struct StepDraft {
    kind: String,
    title: String,
    skill: String,
    due_date: String,
}

#[derive(Template)]
#[template(path = "career.html")]
struct CareerPage {
    chrome: Chrome,
    career: CareerView,
    choices: Vec<RoleView>,
    path: PathDraft,
    path_errors: FieldErrors,
    gap: GapView,
    steps: Vec<StepView>,
    step: StepDraft,
    step_errors: FieldErrors,
    kinds: [StepKind; 5],
    close: Vec<CloseRole>,
    source: CatalogueSource,
}

impl CareerPage {
    fn selected(&self, field: usize, id: &RoleId) -> bool {
        let id = id.to_string();
        if field == 0 {
            self.path.current == id
        } else {
            self.path.targets.get(field - 1).is_some_and(|t| *t == id)
        }
    }

    /// The error of target field `i` (0-based), if any.
    fn target_error(&self, i: &usize) -> Option<&str> {
        self.path_errors
            .get(&format!("target_roles[{i}]"))
            .or_else(|| self.path_errors.get("target_roles").filter(|_| *i == 0))
    }
}

async fn career_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    path: Option<PathDraft>,
    path_errors: FieldErrors,
    step: StepDraft,
    step_errors: FieldErrors,
) -> Result<CareerPage, Response> {
    let app = &state.app;
    let career = app.my_career(&viewer).await.or_page()?;
    let path = path.unwrap_or_else(|| PathDraft {
        current: career
            .current_role
            .as_ref()
            .map(|r| r.id.to_string())
            .unwrap_or_default(),
        targets: career
            .target_roles
            .iter()
            .map(|r| r.id.to_string())
            .collect(),
    });
    let choices = app.role_choices().await.or_page()?;
    let gap = app.career_gap(&viewer).await.or_page()?;
    let steps = app.career_steps(&viewer).await.or_page()?;
    let close = app.close_roles(&viewer).await.or_page()?;
    let chrome = Chrome::new(session, Some(viewer), "career", "Career path").await?;
    Ok(CareerPage {
        chrome,
        career,
        choices,
        path,
        path_errors,
        gap,
        steps,
        step,
        step_errors,
        kinds: StepKind::ALL,
        close,
        source: catalogue_source(),
    })
}

pub async fn career(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let page = career_page(
        &state,
        &session,
        viewer,
        None,
        FieldErrors::new(),
        StepDraft::default(),
        FieldErrors::new(),
    )
    .await;
    render_made(StatusCode::OK, page)
}

pub async fn set_path(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let draft = PathDraft {
        current: form.text("current_role"),
        targets: form
            .all("target_role")
            .into_iter()
            .map(str::to_owned)
            .collect(),
    };
    let input = CareerInput {
        current_role: Some(draft.current.clone()).filter(|c| !c.is_empty()),
        target_roles: draft
            .targets
            .iter()
            .filter(|t| !t.is_empty())
            .cloned()
            .collect(),
    };
    match state.app.set_career(&viewer, &input).await {
        Ok(_) => done(&session, "Your career path is saved.", "/career").await,
        Err(err) => match super::field_errors(err) {
            Ok(errors) => {
                // Field names count the targets chosen; the form's fields count all three.
                let mut shown = FieldErrors::new();
                let chosen: Vec<usize> = (0..draft.targets.len())
                    .filter(|i| !draft.targets[*i].is_empty())
                    .collect();
                for (field, message) in errors.iter() {
                    let field = match field
                        .strip_prefix("target_roles[")
                        .and_then(|rest| rest.strip_suffix(']'))
                        .and_then(|n| n.parse::<usize>().ok())
                        .and_then(|n| chosen.get(n))
                    {
                        Some(i) => format!("target_roles[{i}]"),
                        None => field.to_owned(),
                    };
                    shown.add(field, message);
                }
                let page = career_page(
                    &state,
                    &session,
                    viewer,
                    Some(draft),
                    shown,
                    StepDraft::default(),
                    FieldErrors::new(),
                )
                .await;
                render_made(StatusCode::UNPROCESSABLE_ENTITY, page)
            }
            Err(other) => error_page(&other),
        },
    }
}

pub async fn add_step(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let draft = StepDraft {
        kind: form.text("kind"),
        title: form.text("title"),
        skill: form.text("skill"),
        due_date: form.text("due_date"),
    };
    let input = NewStepInput {
        kind: draft.kind.clone(),
        title: draft.title.clone(),
        skill: Some(draft.skill.clone()),
        due_date: draft.due_date.clone(),
        done: false,
    };
    match state.app.add_career_step(&viewer, &input).await {
        Ok(step) => {
            done(
                &session,
                &format!("“{}” is in your plan.", step.title),
                "/career#plan",
            )
            .await
        }
        Err(err) => match super::field_errors(err) {
            Ok(errors) => {
                let page = career_page(
                    &state,
                    &session,
                    viewer,
                    None,
                    FieldErrors::new(),
                    draft,
                    errors,
                )
                .await;
                render_made(StatusCode::UNPROCESSABLE_ENTITY, page)
            }
            Err(other) => error_page(&other),
        },
    }
}

/// Ticks a step done or not (the form's `done` checkbox).
pub async fn edit_step(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<CareerStepId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let edit = StepEdit {
        done: Some(form.checked("done")),
        ..StepEdit::default()
    };
    match state.app.edit_career_step(&viewer, id, &edit).await {
        Ok(step) => {
            let message = if step.done {
                format!("“{}” is done.", step.title)
            } else {
                format!("“{}” is open again.", step.title)
            };
            done(&session, &message, "/career#plan").await
        }
        Err(e) => error_page(&e),
    }
}

pub async fn step_to_goal(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<CareerStepId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = StepGoalInput {
        title: None,
        measure: form.text("measure"),
        target_date: None,
        shared_with: Vec::new(),
    };
    match state.app.step_to_goal(&viewer, id, &input).await {
        Ok(goal) => {
            let message = "The step is a goal now: add milestones, and share it if you like.";
            done(&session, message, &format!("/goals/{}", goal.id)).await
        }
        Err(e) => error_page(&e),
    }
}

pub async fn delete_step(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<CareerStepId>,
) -> Response {
    match state.app.delete_career_step(&viewer, id).await {
        Ok(()) => done(&session, "The step was deleted.", "/career#plan").await,
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "roles.html")]
struct RolesPage {
    chrome: Chrome,
    q: String,
    page: RolePage,
    source: CatalogueSource,
}

pub async fn roles(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Query(query): Query<RoleQuery>,
) -> Response {
    let result = async {
        let page = state.app.roles(&query).await.or_page()?;
        let chrome = Chrome::new(&session, Some(viewer), "roles", "Roles").await?;
        Ok::<_, Response>(render_status(
            StatusCode::OK,
            &RolesPage {
                chrome,
                q: query.q.clone().unwrap_or_default(),
                page,
                source: catalogue_source(),
            },
        ))
    };
    result.await.unwrap_or_else(|r| r)
}

/// A role's skills as the admin form's text: one `slug level` a line.
fn skills_text(role: &RoleView) -> String {
    role.skills
        .iter()
        .map(|s| format!("{} {}", s.skill, s.level))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The admin form's skill lines (`slug level`, `slug: level` or `slug, level`); a line
/// without a level gets level 0, which the service reports as that line's error.
fn parse_skill_lines(text: &str) -> Vec<RoleSkillInput> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let cleaned = line.replace([':', ',', '\t'], " ");
            let mut parts = cleaned.split_whitespace().collect::<Vec<_>>();
            let level = match parts.last().map(|p| p.parse::<i64>()) {
                Some(Ok(level)) if parts.len() > 1 => {
                    parts.pop();
                    level
                }
                _ => 0,
            };
            RoleSkillInput {
                skill: parts.join(" "),
                level,
            }
        })
        .collect()
}

/// The service's `skills[i].…` messages as the form shows them, by line.
fn skill_messages(errors: &FieldErrors, lines: &[RoleSkillInput]) -> Vec<String> {
    errors
        .iter()
        .filter_map(|(field, message)| {
            if field == "skills" {
                return Some(format!("Skills {message}."));
            }
            let rest = field.strip_prefix("skills[")?;
            let (n, what) = rest.split_once("].")?;
            let n: usize = n.parse().ok()?;
            let named = lines.get(n).map(|l| l.skill.as_str()).unwrap_or_default();
            Some(format!("Line {} ({named}): the {what} {message}.", n + 1))
        })
        .collect()
}

#[derive(Default)]
struct RoleDraft {
    title: String,
    description: String,
    skills: String,
    retired: bool,
}

#[derive(Template)]
#[template(path = "admin_roles.html")]
struct AdminRolesPage {
    chrome: Chrome,
    roles: Vec<RoleView>,
    draft: RoleDraft,
    errors: FieldErrors,
    skill_errors: Vec<String>,
}

async fn admin_roles_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    draft: RoleDraft,
    errors: FieldErrors,
    skill_errors: Vec<String>,
) -> Result<AdminRolesPage, Response> {
    let query = RoleQuery {
        per_page: Some("100".into()),
        include_retired: true,
        ..RoleQuery::default()
    };
    let mut roles = Vec::new();
    for page in 1.. {
        let found = state
            .app
            .roles(&RoleQuery {
                page: Some(page.to_string()),
                ..query.clone()
            })
            .await
            .or_page()?;
        let last = found.page >= found.pages();
        roles.extend(found.roles);
        if last {
            break;
        }
    }
    let chrome = Chrome::new(session, Some(viewer), "admin", "Role catalogue").await?;
    Ok(AdminRolesPage {
        chrome,
        roles,
        draft,
        errors,
        skill_errors,
    })
}

pub async fn admin_roles(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
) -> Response {
    render_made(
        StatusCode::OK,
        admin_roles_page(
            &state,
            &session,
            viewer,
            RoleDraft::default(),
            FieldErrors::new(),
            Vec::new(),
        )
        .await,
    )
}

pub async fn add_role(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let draft = RoleDraft {
        title: form.text("title"),
        description: form.text("description"),
        skills: form.text("skills"),
        retired: false,
    };
    let lines = parse_skill_lines(&draft.skills);
    let input = NewRoleInput {
        title: draft.title.clone(),
        description: draft.description.clone(),
        skills: lines.clone(),
    };
    match state.app.add_role(&viewer, &input).await {
        Ok(role) => {
            done(
                &session,
                &format!("{} was added to the role catalogue.", role.title),
                "/admin/roles",
            )
            .await
        }
        Err(err) => match super::field_errors(err) {
            Ok(errors) => {
                let skill_errors = skill_messages(&errors, &lines);
                render_made(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    admin_roles_page(&state, &session, viewer, draft, errors, skill_errors).await,
                )
            }
            Err(other) => error_page(&other),
        },
    }
}

#[derive(Template)]
#[template(path = "admin_role.html")]
struct AdminRolePage {
    chrome: Chrome,
    role: RoleView,
    draft: RoleDraft,
    errors: FieldErrors,
    skill_errors: Vec<String>,
}

pub async fn admin_role(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    PageId(id): PageId<RoleId>,
) -> Response {
    let result = async {
        let role = state.app.role(id).await.or_page()?;
        let draft = RoleDraft {
            title: role.title.clone(),
            description: role.description.clone(),
            skills: skills_text(&role),
            retired: role.retired,
        };
        let chrome = Chrome::new(&session, Some(viewer), "admin", role.title.clone()).await?;
        Ok::<_, Response>(render_status(
            StatusCode::OK,
            &AdminRolePage {
                chrome,
                role,
                draft,
                errors: FieldErrors::new(),
                skill_errors: Vec::new(),
            },
        ))
    };
    result.await.unwrap_or_else(|r| r)
}

/// Saves the admin's edit. Only the fields the form sent change; the retired box counts
/// when the whole form was sent (it has a title).
pub async fn update_role(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    PageId(id): PageId<RoleId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let lines = form.get("skills").map(parse_skill_lines);
    let edit = RoleEdit {
        title: form.get("title").map(str::to_owned),
        description: form.get("description").map(str::to_owned),
        skills: lines.clone(),
        retired: form.get("title").map(|_| form.checked("retired")),
    };
    match state.app.update_role(&viewer, id, &edit).await {
        Ok(role) => {
            done(
                &session,
                &format!("{} is saved.", role.title),
                "/admin/roles",
            )
            .await
        }
        Err(err) => match super::field_errors(err) {
            Ok(errors) => {
                let result = async {
                    let role = state.app.role(id).await.or_page()?;
                    let draft = RoleDraft {
                        title: form.text("title"),
                        description: form.text("description"),
                        skills: form.text("skills"),
                        retired: form.checked("retired"),
                    };
                    let skill_errors = skill_messages(&errors, &lines.unwrap_or_default());
                    let chrome =
                        Chrome::new(&session, Some(viewer), "admin", role.title.clone()).await?;
                    Ok::<_, Response>(render_status(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        &AdminRolePage {
                            chrome,
                            role,
                            draft,
                            errors,
                            skill_errors,
                        },
                    ))
                };
                result.await.unwrap_or_else(|r| r)
            }
            Err(AppError::NotFound(what)) => error_page(&AppError::NotFound(what)),
            Err(other) => error_page(&other),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skill_lines_take_a_slug_and_a_level_in_several_spellings() {
        let lines = parse_skill_lines("rust 4\n\n sql: 3\npublic-speaking, 2\nstatistics\n");
        let got: Vec<(&str, i64)> = lines.iter().map(|l| (l.skill.as_str(), l.level)).collect();
        assert_eq!(
            got,
            [
                ("rust", 4),
                ("sql", 3),
                ("public-speaking", 2),
                ("statistics", 0)
            ]
        );
    }

    #[test]
    fn skill_errors_are_shown_by_line() {
        let lines = parse_skill_lines("rust 4\nnope 2");
        let errors = FieldErrors::single("skills[1].skill", "is not a skill in the catalogue");
        assert_eq!(
            skill_messages(&errors, &lines),
            ["Line 2 (nope): the skill is not a skill in the catalogue."]
        );
    }
}
