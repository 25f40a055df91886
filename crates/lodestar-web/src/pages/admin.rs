//! Admin: the skills catalogue (add, rename, merge, retire).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::AppError;
use lodestar_app::catalogue::{MergeInput, NewSkillInput, SkillUpdate, SkillView};
use lodestar_domain::FieldErrors;
use tower_sessions::Session;

use super::{Chrome, FormData, OrPage, done, error_page, render_status};
use crate::AppState;
use crate::auth::PageAdmin;

pub struct SkillRow {
    pub skill: SkillView,
    pub uses: i64,
}

#[derive(Template)]
#[template(path = "admin_skills.html")]
struct SkillsPage {
    chrome: Chrome,
    rows: Vec<SkillRow>,
    new: NewSkillInput,
    errors: FieldErrors,
}

async fn skills_page(
    state: &AppState,
    session: &Session,
    viewer: lodestar_app::Viewer,
    new: NewSkillInput,
    errors: FieldErrors,
) -> Result<SkillsPage, Response> {
    let usage = state.app.skill_usage(&viewer).await.or_page()?;
    let rows = state
        .app
        .skills(true)
        .await
        .or_page()?
        .into_iter()
        .map(|skill| {
            let uses = usage
                .iter()
                .find(|(id, _)| *id == skill.id)
                .map_or(0, |(_, n)| *n);
            SkillRow { skill, uses }
        })
        .collect();
    let chrome = Chrome::new(session, Some(viewer), "admin", "Skills catalogue").await?;
    Ok(SkillsPage {
        chrome,
        rows,
        new,
        errors,
    })
}

pub async fn skills(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
) -> Response {
    match skills_page(
        &state,
        &session,
        viewer,
        NewSkillInput {
            kind: "technical".into(),
            ..Default::default()
        },
        FieldErrors::new(),
    )
    .await
    {
        Ok(page) => render_status(StatusCode::OK, &page),
        Err(r) => r,
    }
}

pub async fn add_skill(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = NewSkillInput {
        name: form.text("name"),
        slug: form.get("slug").map(str::to_owned),
        kind: form.text("kind"),
        category: form.text("category"),
        description: form.text("description"),
        levels: form.all("levels").into_iter().map(str::to_owned).collect(),
    };
    match state.app.add_skill(&viewer, &input).await {
        Ok(skill) => {
            done(
                &session,
                &format!("{} was added to the catalogue.", skill.name),
                "/admin/skills",
            )
            .await
        }
        Err(err) => match super::field_errors(err) {
            Ok(errors) => match skills_page(&state, &session, viewer, input, errors).await {
                Ok(page) => render_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
                Err(r) => r,
            },
            Err(other) => error_page(&other),
        },
    }
}

#[derive(Template)]
#[template(path = "admin_skill.html")]
struct SkillPage {
    chrome: Chrome,
    skill: SkillView,
    uses: i64,
    name: String,
    category: String,
    description: String,
    into: String,
    errors: FieldErrors,
    others: Vec<SkillView>,
}

struct Draft {
    name: Option<String>,
    category: Option<String>,
    description: Option<String>,
    into: String,
}

async fn skill_page(
    state: &AppState,
    session: &Session,
    viewer: lodestar_app::Viewer,
    reference: &str,
    draft: Draft,
    errors: FieldErrors,
) -> Result<SkillPage, Response> {
    let all = state.app.skills(true).await.or_page()?;
    let skill = all
        .iter()
        .find(|s| s.slug == reference || s.id.to_string() == reference)
        .cloned()
        .ok_or_else(|| error_page(&AppError::NotFound("skill")))?;
    let uses = state
        .app
        .skill_usage(&viewer)
        .await
        .or_page()?
        .iter()
        .find(|(id, _)| *id == skill.id)
        .map_or(0, |(_, n)| *n);
    let others = all
        .into_iter()
        .filter(|s| s.id != skill.id && !s.retired)
        .collect();
    let chrome = Chrome::new(session, Some(viewer), "admin", skill.name.clone()).await?;
    Ok(SkillPage {
        chrome,
        name: draft.name.unwrap_or_else(|| skill.name.clone()),
        category: draft.category.unwrap_or_else(|| skill.category.clone()),
        description: draft
            .description
            .unwrap_or_else(|| skill.description.clone()),
        into: draft.into,
        skill,
        uses,
        errors,
        others,
    })
}

pub async fn skill(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    Path(reference): Path<String>,
) -> Response {
    let draft = Draft {
        name: None,
        category: None,
        description: None,
        into: String::new(),
    };
    match skill_page(
        &state,
        &session,
        viewer,
        &reference,
        draft,
        FieldErrors::new(),
    )
    .await
    {
        Ok(page) => render_status(StatusCode::OK, &page),
        Err(r) => r,
    }
}

pub async fn update_skill(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    Path(reference): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let update = SkillUpdate {
        name: form.get("name").map(str::to_owned),
        category: form.get("category").map(str::to_owned),
        description: form.get("description").map(str::to_owned),
        retired: form.get("retired").map(|v| v == "true"),
    };
    match state.app.update_skill(&viewer, &reference, &update).await {
        Ok(skill) => {
            let what = match update.retired {
                Some(true) => "retired; profiles that list it keep it",
                Some(false) => "back in the catalogue",
                None => "saved",
            };
            done(
                &session,
                &format!("{} is {what}.", skill.name),
                &format!("/admin/skills/{}", skill.slug),
            )
            .await
        }
        Err(err) => match super::field_errors(err) {
            Ok(errors) => {
                let draft = Draft {
                    name: update.name,
                    category: update.category,
                    description: update.description,
                    into: String::new(),
                };
                match skill_page(&state, &session, viewer, &reference, draft, errors).await {
                    Ok(page) => render_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
                    Err(r) => r,
                }
            }
            Err(other) => error_page(&other),
        },
    }
}

pub async fn merge_skill(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    Path(reference): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let into = FormData(form).text("into");
    match state
        .app
        .merge_skill(&viewer, &reference, &MergeInput { into: into.clone() })
        .await
    {
        Ok(target) => {
            done(
                &session,
                &format!(
                    "Merged into {}. Every profile that listed it now lists {}.",
                    target.name, target.name
                ),
                &format!("/admin/skills/{}", target.slug),
            )
            .await
        }
        Err(err) => match super::field_errors(err) {
            Ok(errors) => {
                let draft = Draft {
                    name: None,
                    category: None,
                    description: None,
                    into,
                };
                match skill_page(&state, &session, viewer, &reference, draft, errors).await {
                    Ok(page) => render_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
                    Err(r) => r,
                }
            }
            Err(other) => error_page(&other),
        },
    }
}
