//! Asking someone to mentor you, or offering to mentor them: one form, from their page,
//! with every field's error beside the field.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::requests::{NewRequestInput, RequestDraft};
use lodestar_app::{AppError, Viewer};
use lodestar_domain::mentoring::Cadence;
use lodestar_domain::{FieldErrors, FocusArea, PersonId};
use serde::Deserialize;
use tower_sessions::Session;

use super::{Chrome, FormData, done, error_page, error_page_with, render_status};
use crate::AppState;
use crate::auth::PageViewer;
use crate::error::public_message;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// What the form holds: a fresh start, or what was sent when it is shown again.
pub struct AskForm {
    pub message: String,
    pub skills: Vec<String>,
    pub focus_areas: Vec<String>,
    pub cadence: String,
    pub duration_weeks: String,
}

impl AskForm {
    fn fresh(draft: &RequestDraft) -> Self {
        Self {
            message: String::new(),
            skills: Vec::new(),
            focus_areas: draft.mentee_focus.clone(),
            cadence: Cadence::Fortnightly.as_str().to_owned(),
            duration_weeks: "12".to_owned(),
        }
    }

    fn submitted(form: &FormData) -> Self {
        let all = |name| form.all(name).into_iter().map(str::to_owned).collect();
        Self {
            message: form.text("message"),
            skills: all("skills"),
            focus_areas: all("focus_areas"),
            cadence: form.text("cadence"),
            duration_weeks: form.text("duration_weeks"),
        }
    }

    pub fn has_skill(&self, slug: &str) -> bool {
        self.skills.iter().any(|s| s == slug)
    }

    pub fn has_focus(&self, key: &str) -> bool {
        self.focus_areas.iter().any(|f| f == key)
    }

    pub fn is_cadence(&self, key: &str) -> bool {
        self.cadence == key
    }

    /// The request the form asks for, and what is wrong with the form itself.
    fn input(
        &self,
        target: PersonId,
        offer: bool,
        programme: Option<String>,
    ) -> (NewRequestInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let duration_weeks = match self.duration_weeks.trim() {
            "" => None,
            raw => raw.parse().map(Some).unwrap_or_else(|_| {
                errors.add("duration_weeks", "must be a whole number of weeks");
                None
            }),
        };
        let target = Some(target.to_string());
        let input = NewRequestInput {
            mentor_id: if offer { None } else { target.clone() },
            mentee_id: if offer { target } else { None },
            message: self.message.clone(),
            skills: self.skills.clone(),
            focus_areas: self.focus_areas.clone(),
            cadence: Some(self.cadence.clone()).filter(|c| !c.trim().is_empty()),
            duration_weeks,
            programme_id: programme,
        };
        (input, errors)
    }
}

#[derive(Template)]
#[template(path = "request_form.html")]
struct AskPage {
    chrome: Chrome,
    draft: RequestDraft,
    form: AskForm,
    errors: FieldErrors,
    problem: Option<String>,
    focus_areas: Vec<(&'static str, &'static str)>,
    cadences: Vec<(&'static str, &'static str)>,
    ttl_days: i64,
}

impl AskPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn first_error(&self, prefix: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(field, _)| field.starts_with(prefix))
            .map(|(_, message)| message)
    }

    fn skill_error(&self) -> Option<&str> {
        self.first_error("skills")
    }

    fn focus_error(&self) -> Option<&str> {
        self.first_error("focus_areas")
    }

    /// A problem with whom it is sent to (yourself, someone who does not mentor).
    fn target_error(&self) -> Option<&str> {
        self.error("mentor_id").or_else(|| self.error("mentee_id"))
    }
}

#[derive(Debug, Deserialize)]
pub struct AskQuery {
    /// `1`: a mentor offers to mentor this person.
    offer: Option<String>,
    /// The message to start from (as after a one-off conversation).
    message: Option<String>,
    /// Asks inside this programme.
    programme: Option<String>,
}

/// The draft, or the page that says why there can be none (yourself, someone who does not
/// mentor, someone not looking for a mentor; a person one may not see is not found).
async fn draft(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    offer: bool,
    programme: Option<&str>,
) -> Result<RequestDraft, Response> {
    let id = id
        .parse()
        .map_err(|_| error_page(&AppError::NotFound("person")))?;
    let programme = programme.filter(|p| !p.trim().is_empty());
    match state.app.request_draft(viewer, id, offer, programme).await {
        Ok(draft) => Ok(draft),
        Err(AppError::Invalid(errors)) => {
            let reason = errors.iter().next().map(|(_, m)| m.to_owned());
            let mut text = reason.unwrap_or_default();
            if let Some(first) = text.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            let heading = if offer {
                "You cannot offer to mentor them"
            } else {
                "You cannot ask them"
            };
            Err(error_page_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                heading,
                &format!("{text}."),
            ))
        }
        Err(other) => Err(error_page(&other)),
    }
}

#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    status: StatusCode,
    draft: RequestDraft,
    form: AskForm,
    errors: FieldErrors,
    problem: Option<String>,
) -> Response {
    let title = if draft.offer {
        format!("Offer to mentor {}", draft.target.name)
    } else {
        format!("Ask {} for mentoring", draft.target.name)
    };
    let chrome = match Chrome::new(session, Some(viewer), "people", title).await {
        Ok(chrome) => chrome,
        Err(r) => return r,
    };
    render_status(
        status,
        &AskPage {
            chrome,
            draft,
            form,
            errors,
            problem,
            focus_areas: FocusArea::ALL
                .iter()
                .map(|f| (f.as_str(), f.label()))
                .collect(),
            cadences: Cadence::ALL
                .iter()
                .map(|c| (c.as_str(), c.label()))
                .collect(),
            ttl_days: state.app.policy.mentoring.request_ttl_ms / DAY_MS,
        },
    )
}

pub async fn ask_form(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Path(id): Path<String>,
    Query(query): Query<AskQuery>,
) -> Response {
    let offer = matches!(query.offer.as_deref(), Some("1" | "true"));
    let draft = match draft(&state, &viewer, &id, offer, query.programme.as_deref()).await {
        Ok(draft) => draft,
        Err(r) => return r,
    };
    let mut form = AskForm::fresh(&draft);
    if let Some(message) = query.message {
        form.message = message;
    }
    show(
        &state,
        &session,
        viewer,
        StatusCode::OK,
        draft,
        form,
        FieldErrors::new(),
        None,
    )
    .await
}

pub async fn ask(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Path(id): Path<String>,
    Form(raw): Form<Vec<(String, String)>>,
) -> Response {
    let data = FormData(raw);
    let offer = data.checked("offer");
    let programme = Some(data.text("programme")).filter(|p| !p.trim().is_empty());
    let draft = match draft(&state, &viewer, &id, offer, programme.as_deref()).await {
        Ok(draft) => draft,
        Err(r) => return r,
    };
    let form = AskForm::submitted(&data);
    let (input, form_errors) = form.input(draft.target.id, offer, programme);
    let sent = if form_errors.is_empty() {
        state.app.send_request(&viewer, input).await
    } else {
        Err(AppError::Invalid(form_errors))
    };
    match sent {
        Ok(request) => {
            let message = if request.is_waiting() {
                format!(
                    "Your request is with the programme's admins. {} sees it once one of them approves it.",
                    request.other().name
                )
            } else {
                format!(
                    "Your {} is on its way to {}. You will hear when they answer.",
                    if offer { "offer" } else { "request" },
                    request.other().name
                )
            };
            done(&session, &message, "/requests").await
        }
        Err(AppError::Invalid(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            show(&state, &session, viewer, status, draft, form, errors, None).await
        }
        Err(e @ AppError::Conflict { .. }) => {
            let problem = Some(public_message(&e));
            let (status, _) = crate::error::status_and_code(&e);
            let errors = FieldErrors::new();
            show(
                &state, &session, viewer, status, draft, form, errors, problem,
            )
            .await
        }
        Err(other) => error_page(&other),
    }
}
