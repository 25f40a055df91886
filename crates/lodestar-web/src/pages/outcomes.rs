//! The "Outcomes" page (your career outcomes, a form for a new one, and each one's edit
//! and delete forms) and the "Export" page with the downloads of your growth record, which
//! the browser fetches under its session. Every form posts to the services the API calls,
//! and works without JavaScript.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::growth::export::ExportPart;
use lodestar_app::growth::outcomes::{NewOutcome, OutcomeChoices, OutcomeEdit, OutcomeView};
use lodestar_app::{AppError, Viewer};
use lodestar_domain::growth::OutcomeKind;
use lodestar_domain::{FieldErrors, OutcomeId};
use tower_sessions::Session;

use super::{
    Chrome, FormData, OrPage, PageId, PathRecord, done, error_page, field_errors, render_made,
};
use crate::AppState;
use crate::auth::PageViewer;

impl PathRecord for OutcomeId {
    const WHAT: &'static str = "outcome";
}

/// What an outcome's form holds, as typed.
#[derive(Clone, Debug, Default)]
struct OutcomeDraft {
    kind: String,
    date: String,
    title: String,
    note: String,
    mentorship_id: String,
    goal_id: String,
    share: bool,
}

impl OutcomeDraft {
    fn fresh() -> Self {
        Self {
            kind: OutcomeKind::Promotion.as_str().to_owned(),
            share: true,
            ..Self::default()
        }
    }

    fn of(o: &OutcomeView) -> Self {
        Self {
            kind: o.kind.as_str().to_owned(),
            date: o.date.clone(),
            title: o.title.clone(),
            note: o.note.clone(),
            mentorship_id: o.mentorship_id.map(|m| m.to_string()).unwrap_or_default(),
            goal_id: o.goal_id.map(|g| g.to_string()).unwrap_or_default(),
            share: o.share_with_mentors,
        }
    }

    fn from_form(form: &FormData) -> Self {
        Self {
            kind: form.text("kind"),
            date: form.text("date"),
            title: form.text("title"),
            note: form.text("note"),
            mentorship_id: form.text("mentorship_id"),
            goal_id: form.text("goal_id"),
            share: form.checked("share"),
        }
    }

    fn input(&self) -> NewOutcome {
        NewOutcome {
            kind: self.kind.clone(),
            date: self.date.clone(),
            title: self.title.clone(),
            note: self.note.clone(),
            mentorship_id: Some(self.mentorship_id.clone()),
            goal_id: Some(self.goal_id.clone()),
            share_with_mentors: Some(self.share),
        }
    }

    /// The whole form as an edit: every field is on it.
    fn edit(&self) -> OutcomeEdit {
        OutcomeEdit {
            kind: Some(self.kind.clone()),
            date: Some(self.date.clone()),
            title: Some(self.title.clone()),
            note: Some(self.note.clone()),
            mentorship_id: Some(self.mentorship_id.clone()),
            goal_id: Some(self.goal_id.clone()),
            share_with_mentors: Some(self.share),
        }
    }
}

/// Which form the field messages belong to: the new outcome's, or an outcome's edit form.
const NEW_FORM: &str = "new";

#[derive(Template)]
#[template(path = "outcomes.html")]
struct OutcomesPage {
    chrome: Chrome,
    outcomes: Vec<OutcomeView>,
    choices: OutcomeChoices,
    kinds: &'static [OutcomeKind],
    /// The form that was sent and refused (`new` or an outcome's id), else empty.
    refused: String,
    draft: OutcomeDraft,
    errors: FieldErrors,
}

impl OutcomesPage {
    /// The draft a form shows: as sent if it was refused, else the outcome as it is (or a
    /// fresh one for the new form).
    fn draft_for(&self, key: &str, outcome: Option<&OutcomeView>) -> OutcomeDraft {
        if self.refused == key {
            return self.draft.clone();
        }
        outcome.map_or_else(OutcomeDraft::fresh, OutcomeDraft::of)
    }

    /// A field's message on the form `key`.
    fn error(&self, key: &str, field: &str) -> Option<&str> {
        (self.refused == key)
            .then(|| self.errors.get(field))
            .flatten()
    }

    fn kind_label(&self, kind: &OutcomeKind) -> &'static str {
        kind.label()
    }

    fn mentorship_of(&self, o: &OutcomeView) -> Option<&str> {
        let id = o.mentorship_id?.to_string();
        self.choices.mentorship_label(&id)
    }

    fn goal_of(&self, o: &OutcomeView) -> Option<&str> {
        let id = o.goal_id?.to_string();
        self.choices.goal_label(&id)
    }

    fn id_of(&self, o: &OutcomeView) -> String {
        o.id.to_string()
    }
}

async fn outcomes_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    refused: String,
    draft: OutcomeDraft,
    errors: FieldErrors,
) -> Result<OutcomesPage, Response> {
    let outcomes = state.app.outcomes_of(&viewer, viewer.id).await.or_page()?;
    let choices = state.app.outcome_choices(&viewer).await.or_page()?;
    let chrome = Chrome::new(session, Some(viewer), "outcomes", "Outcomes").await?;
    Ok(OutcomesPage {
        chrome,
        outcomes,
        choices,
        kinds: OutcomeKind::ALL,
        refused,
        draft,
        errors,
    })
}

pub async fn outcomes(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    render_made(
        StatusCode::OK,
        outcomes_page(
            &state,
            &session,
            viewer,
            String::new(),
            OutcomeDraft::fresh(),
            FieldErrors::new(),
        )
        .await,
    )
}

/// Ends an outcome's form: back to the list with `message`, or the page again with the
/// field messages beside the form that was sent.
async fn after_form<T>(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    (key, draft): (String, OutcomeDraft),
    result: Result<T, AppError>,
    message: &str,
) -> Response {
    match result {
        Ok(_) => done(session, message, "/outcomes").await,
        Err(e) => match field_errors(e) {
            Ok(errors) => render_made(
                StatusCode::UNPROCESSABLE_ENTITY,
                outcomes_page(state, session, viewer, key, draft, errors).await,
            ),
            Err(other) => error_page(&other),
        },
    }
}

pub async fn create(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let draft = OutcomeDraft::from_form(&FormData(form));
    let result = state.app.record_outcome(&viewer, &draft.input()).await;
    let sent = (NEW_FORM.to_owned(), draft);
    after_form(
        &state,
        &session,
        viewer,
        sent,
        result,
        "Your outcome is recorded.",
    )
    .await
}

pub async fn edit(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<OutcomeId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let draft = OutcomeDraft::from_form(&FormData(form));
    let result = state.app.edit_outcome(&viewer, id, &draft.edit()).await;
    let sent = (id.to_string(), draft);
    after_form(
        &state,
        &session,
        viewer,
        sent,
        result,
        "The outcome is saved.",
    )
    .await
}

pub async fn delete(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<OutcomeId>,
) -> Response {
    match state.app.delete_outcome(&viewer, id).await {
        Ok(()) => done(&session, "The outcome is deleted.", "/outcomes").await,
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "growth_export.html")]
struct ExportPage {
    chrome: Chrome,
    parts: &'static [ExportPart],
}

pub async fn export_page(session: Session, PageViewer(viewer): PageViewer) -> Response {
    let page = async {
        let chrome = Chrome::new(
            &session,
            Some(viewer),
            "export",
            "Export your growth record",
        )
        .await?;
        Ok(ExportPage {
            chrome,
            parts: &ExportPart::ALL,
        })
    };
    render_made(StatusCode::OK, page.await)
}

/// The whole record as JSON, downloaded under the browser's session.
pub async fn export_json(
    State(state): State<AppState>,
    PageViewer(viewer): PageViewer,
) -> Response {
    match state.app.growth_export(&viewer).await {
        Ok(export) => crate::api::json_download(&export).unwrap_or_else(|e| error_page(&e)),
        Err(e) => error_page(&e),
    }
}

/// One part as CSV (`goals.csv`), downloaded under the browser's session.
pub async fn export_csv(
    State(state): State<AppState>,
    PageViewer(viewer): PageViewer,
    Path(file): Path<String>,
) -> Response {
    match state.app.growth_export_csv(&viewer, &file).await {
        Ok((name, body)) => crate::api::download(crate::api::CSV, &name, body),
        Err(e) => error_page(&e),
    }
}
