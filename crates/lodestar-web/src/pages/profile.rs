//! Editing your own profile, with every field's error beside the field.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::AppError;
use lodestar_app::catalogue::SkillView;
use lodestar_app::people::{ProfileUpdate, ProfileView, SkillInput};
use lodestar_domain::{FieldErrors, FocusArea, ProfileField};
use tower_sessions::Session;

use super::{Chrome, FormData, OrPage, done, error_page, render_status};
use crate::AppState;
use crate::auth::PageViewer;

/// Empty skill rows offered below the filled ones.
const SPARE_ROWS: usize = 3;

/// One row of a skill list in the form.
pub struct SkillRow {
    pub skill: String,
    pub level: i64,
    pub error: Option<String>,
}

/// The form's values: from the stored profile, or as submitted when re-shown with errors.
pub struct ProfileForm {
    pub name: String,
    pub headline: String,
    pub bio: String,
    pub role_title: String,
    pub organisation: String,
    pub department: String,
    pub industry: String,
    pub years_experience: String,
    pub location: String,
    pub time_zone: String,
    pub languages: String,
    pub is_mentor: bool,
    pub wants_mentor: bool,
    pub mentor_capacity: String,
    pub availability_hours: String,
    pub mentor_skills: Vec<SkillRow>,
    pub growth_skills: Vec<SkillRow>,
    pub focus_areas: Vec<String>,
    pub hidden_fields: Vec<String>,
    pub listed: bool,
}

impl ProfileForm {
    fn from_profile(p: &ProfileView) -> Self {
        let rows = |skills: &[lodestar_app::people::ProfileSkillView]| {
            let mut rows: Vec<SkillRow> = skills
                .iter()
                .map(|s| SkillRow {
                    skill: s.name.clone(),
                    level: s.level,
                    error: None,
                })
                .collect();
            rows.extend((0..SPARE_ROWS).map(|_| SkillRow {
                skill: String::new(),
                level: 3,
                error: None,
            }));
            rows
        };
        Self {
            name: p.name.clone(),
            headline: p.headline.clone(),
            bio: p.bio.clone().unwrap_or_default(),
            role_title: p.role_title.clone(),
            organisation: p.organisation.clone().unwrap_or_default(),
            department: p.department.clone().unwrap_or_default(),
            industry: p.industry.clone(),
            years_experience: p
                .years_experience
                .map(|y| y.to_string())
                .unwrap_or_default(),
            location: p.location.clone().unwrap_or_default(),
            time_zone: p.time_zone.clone().unwrap_or_default(),
            languages: p
                .languages
                .iter()
                .map(|l| l.code.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            is_mentor: p.is_mentor,
            wants_mentor: p.wants_mentor,
            mentor_capacity: p.mentor_capacity.to_string(),
            availability_hours: p.availability_hours.to_string(),
            mentor_skills: rows(&p.mentor_skills),
            growth_skills: rows(&p.growth_skills),
            focus_areas: p.focus_areas.iter().map(|f| f.key.clone()).collect(),
            hidden_fields: p.hidden_fields.clone().unwrap_or_default(),
            listed: p.listed.unwrap_or(true),
        }
    }

    fn from_submission(form: &FormData) -> Self {
        let rows = |prefix: &str| {
            let skills = form.all(&format!("{prefix}_skill"));
            let levels = form.all(&format!("{prefix}_level"));
            skills
                .iter()
                .enumerate()
                .map(|(i, s)| SkillRow {
                    skill: s.trim().to_owned(),
                    level: levels.get(i).and_then(|l| l.parse().ok()).unwrap_or(3),
                    error: None,
                })
                .collect::<Vec<_>>()
        };
        Self {
            name: form.text("name"),
            headline: form.text("headline"),
            bio: form.text("bio"),
            role_title: form.text("role_title"),
            organisation: form.text("organisation"),
            department: form.text("department"),
            industry: form.text("industry"),
            years_experience: form.text("years_experience"),
            location: form.text("location"),
            time_zone: form.text("time_zone"),
            languages: form.text("languages"),
            is_mentor: form.checked("is_mentor"),
            wants_mentor: form.checked("wants_mentor"),
            mentor_capacity: form.text("mentor_capacity"),
            availability_hours: form.text("availability_hours"),
            mentor_skills: rows("mentor"),
            growth_skills: rows("growth"),
            focus_areas: form
                .all("focus_areas")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            hidden_fields: form
                .all("hidden_fields")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            listed: form.checked("listed"),
        }
    }

    pub fn has_focus(&self, key: &str) -> bool {
        self.focus_areas.iter().any(|f| f == key)
    }

    pub fn hides(&self, key: &str) -> bool {
        self.hidden_fields.iter().any(|f| f == key)
    }
}

fn whole_number(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.add(field, "must be a whole number");
            None
        }
    }
}

/// The edit the form asks for, with the rows each skill entry came from (to put skill
/// errors back beside the right row) and any errors found in the form itself.
fn update_from(form: &ProfileForm) -> (ProfileUpdate, Vec<usize>, Vec<usize>, FieldErrors) {
    let mut errors = FieldErrors::new();
    let pick = |rows: &[SkillRow]| {
        let used: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.skill.is_empty())
            .map(|(i, _)| i)
            .collect();
        let inputs = used
            .iter()
            .map(|&i| SkillInput {
                skill: rows[i].skill.clone(),
                level: rows[i].level,
            })
            .collect();
        (inputs, used)
    };
    let (mentor_inputs, mentor_rows) = pick(&form.mentor_skills);
    let (growth_inputs, growth_rows) = pick(&form.growth_skills);
    let update = ProfileUpdate {
        name: Some(form.name.clone()),
        headline: Some(form.headline.clone()),
        bio: Some(form.bio.clone()),
        role_title: Some(form.role_title.clone()),
        organisation: Some(form.organisation.clone()),
        department: Some(form.department.clone()),
        industry: Some(form.industry.clone()),
        years_experience: Some(whole_number(
            &mut errors,
            "years_experience",
            &form.years_experience,
        )),
        location: Some(form.location.clone()),
        time_zone: Some(if form.time_zone.trim().is_empty() {
            "UTC".into()
        } else {
            form.time_zone.clone()
        }),
        languages: Some(
            form.languages
                .split(',')
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect(),
        ),
        is_mentor: Some(form.is_mentor),
        wants_mentor: Some(form.wants_mentor),
        mentor_capacity: Some(
            whole_number(&mut errors, "mentor_capacity", &form.mentor_capacity).unwrap_or(0),
        ),
        availability_hours: Some(
            whole_number(&mut errors, "availability_hours", &form.availability_hours).unwrap_or(0),
        ),
        mentor_skills: Some(mentor_inputs),
        growth_skills: Some(growth_inputs),
        focus_areas: Some(form.focus_areas.clone()),
        hidden_fields: Some(form.hidden_fields.clone()),
        listed: Some(form.listed),
    };
    (update, mentor_rows, growth_rows, errors)
}

#[derive(Template)]
#[template(path = "profile_edit.html")]
struct EditPage {
    chrome: Chrome,
    form: ProfileForm,
    errors: FieldErrors,
    skills: Vec<SkillView>,
    focus_areas: Vec<(&'static str, &'static str)>,
    hideable: Vec<(&'static str, &'static str)>,
    time_zones: Vec<&'static str>,
}

impl EditPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    /// The summary at the top: each problem named by its field's label, linking to the field.
    fn summary(&self) -> Vec<(&'static str, &'static str, &str)> {
        self.errors
            .iter()
            .map(|(field, message)| {
                let (anchor, label) = summary_target(field);
                (anchor, label, message)
            })
            .collect()
    }

    /// The first problem with the languages list, whichever entry it is about.
    fn language_error(&self) -> Option<&str> {
        self.errors
            .iter()
            .find(|(field, _)| field.starts_with("languages"))
            .map(|(_, message)| message)
    }
}

/// Where the error summary points for an error key, and the label to show: people read
/// "Time zone", not `time_zone`. Keys for list entries (`mentor_skills[1].level`) go to
/// their list.
fn summary_target(field: &str) -> (&'static str, &'static str) {
    let base = field.split(['[', '.']).next().unwrap_or(field);
    match base {
        "name" => ("name", "Name"),
        "headline" => ("headline", "Headline"),
        "bio" => ("bio", "Bio"),
        "role_title" => ("role_title", "Current role"),
        "years_experience" => ("years_experience", "Years of experience"),
        "organisation" => ("organisation", "Organisation"),
        "department" => ("department", "Department"),
        "industry" => ("industry", "Industry"),
        "location" => ("location", "Location"),
        "time_zone" => ("time_zone", "Time zone"),
        "languages" => ("languages", "Languages you speak"),
        "mentor_capacity" => ("mentor_capacity", "Mentees at once"),
        "availability_hours" => ("availability_hours", "Hours a month"),
        "is_mentor" | "wants_mentor" => ("roles", "Mentoring"),
        "mentor_skills" => ("skills", "Skills I can mentor on"),
        "growth_skills" => ("skills", "Skills I want to grow"),
        "focus_areas" => ("focus", "What I want from mentoring"),
        _ => ("main", "Profile"),
    }
}

async fn edit_page(
    state: &AppState,
    session: &Session,
    viewer: lodestar_app::Viewer,
    form: ProfileForm,
    errors: FieldErrors,
) -> Result<EditPage, Response> {
    let skills = state.app.skills(false).await.or_page()?;
    let chrome = Chrome::new(session, Some(viewer), "profile", "My profile").await?;
    Ok(EditPage {
        chrome,
        form,
        errors,
        skills,
        focus_areas: FocusArea::ALL
            .iter()
            .map(|f| (f.as_str(), f.label()))
            .collect(),
        hideable: ProfileField::ALL
            .iter()
            .map(|f| (f.as_str(), f.label()))
            .collect(),
        time_zones: chrono_tz_names(),
    })
}

fn chrono_tz_names() -> Vec<&'static str> {
    lodestar_domain::profile::time_zone_names()
}

pub async fn edit_form(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let result = async {
        let me = state.app.my_profile(&viewer).await.or_page()?;
        let page = edit_page(
            &state,
            &session,
            viewer,
            ProfileForm::from_profile(&me),
            FieldErrors::new(),
        )
        .await?;
        Ok::<_, Response>(render_status(StatusCode::OK, &page))
    };
    result.await.unwrap_or_else(|r| r)
}

pub async fn save(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(raw): Form<Vec<(String, String)>>,
) -> Response {
    let mut form = ProfileForm::from_submission(&FormData(raw));
    let (update, mentor_rows, growth_rows, form_errors) = update_from(&form);
    let outcome = if form_errors.is_empty() {
        state.app.update_profile(&viewer, update).await.map(|_| ())
    } else {
        Err(AppError::Invalid(form_errors))
    };
    match outcome {
        Ok(()) => done(&session, "Your profile was saved.", "/profile").await,
        Err(AppError::Invalid(errors)) => {
            place_skill_errors(
                &mut form.mentor_skills,
                "mentor_skills",
                &mentor_rows,
                &errors,
            );
            place_skill_errors(
                &mut form.growth_skills,
                "growth_skills",
                &growth_rows,
                &errors,
            );
            form.mentor_skills.push(SkillRow {
                skill: String::new(),
                level: 3,
                error: None,
            });
            form.growth_skills.push(SkillRow {
                skill: String::new(),
                level: 3,
                error: None,
            });
            match edit_page(&state, &session, viewer, form, errors).await {
                Ok(page) => render_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
                Err(r) => r,
            }
        }
        Err(other) => error_page(&other),
    }
}

/// Puts `mentor_skills[2].level`-style errors on the form row the entry came from.
fn place_skill_errors(rows: &mut [SkillRow], field: &str, used: &[usize], errors: &FieldErrors) {
    for (entry, &row) in used.iter().enumerate() {
        let message = errors
            .get(&format!("{field}[{entry}].skill"))
            .or_else(|| errors.get(&format!("{field}[{entry}].level")));
        if let (Some(message), Some(target)) = (message, rows.get_mut(row)) {
            target.error = Some(message.to_owned());
        }
    }
}
