//! The free-time settings page (weekly windows as rows of day, from and to; exceptions;
//! notice, buffer and lengths) and booking from a mentorship's page: its "Book a session"
//! section lists the mentor's next free slots by day in the viewer's zone, one button a
//! slot. Both work without JavaScript: the grids have spare empty rows, and "Add rows"
//! sends the form back with more.

mod form;
mod sections;
#[cfg(test)]
mod tests;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lodestar_app::{AppError, Viewer};
use lodestar_domain::FieldErrors;
use tower_sessions::Session;

use super::{Chrome, FormData, error_page, notify, render_status};
use crate::AppState;
use crate::auth::PageViewer;
use form::{AvailabilityForm, ExceptionRow, WindowRow};
pub use sections::{
    BookSection, OneOffSection, book, book_one_off, book_section, duration_in, one_off_section,
};

/// Empty rows a grid always has below its filled ones, and how many "Add rows" adds.
const SPARE_ROWS: usize = 3;

#[derive(Template)]
#[template(path = "availability.html")]
struct SettingsPage {
    chrome: Chrome,
    form: AvailabilityForm,
    errors: FieldErrors,
    published: bool,
    time_zones: Vec<&'static str>,
    days: [(&'static str, &'static str); 7],
}

impl SettingsPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn row_error(&self, grid: &str, i: &usize, field: &str) -> Option<&str> {
        self.errors.get(&format!("{grid}[{i}].{field}"))
    }

    fn row_has_error(&self, grid: &str, i: &usize) -> bool {
        let prefix = format!("{grid}[{i}].");
        self.errors.iter().any(|(k, _)| k.starts_with(&prefix))
    }
}

const DAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

async fn settings_page(
    session: &Session,
    viewer: Viewer,
    form: AvailabilityForm,
    errors: FieldErrors,
    published: bool,
    status: StatusCode,
) -> Response {
    let chrome = match Chrome::new(
        session,
        Some(viewer),
        "availability",
        "Free time for sessions",
    )
    .await
    {
        Ok(c) => c,
        Err(r) => return r,
    };
    let page = SettingsPage {
        chrome,
        form,
        errors,
        published,
        time_zones: lodestar_domain::profile::time_zone_names(),
        days: DAYS,
    };
    render_status(status, &page)
}

pub async fn settings(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    match state.app.my_availability(&viewer).await {
        Ok(v) => {
            let form = AvailabilityForm::of(&v).padded(SPARE_ROWS);
            settings_page(
                &session,
                viewer,
                form,
                FieldErrors::new(),
                v.published,
                StatusCode::OK,
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

pub async fn save_settings(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let data = FormData(form);
    let form = AvailabilityForm::read(&data);
    let published = state
        .app
        .my_availability(&viewer)
        .await
        .is_ok_and(|v| v.published);
    if data.checked("add_rows") {
        let form = form.padded(SPARE_ROWS * 2);
        return settings_page(
            &session,
            viewer,
            form,
            FieldErrors::new(),
            published,
            StatusCode::OK,
        )
        .await;
    }
    let (input, rows) = match form.input() {
        Ok(ok) => ok,
        Err(errors) => {
            let form = form.padded(SPARE_ROWS);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return settings_page(&session, viewer, form, errors, published, status).await;
        }
    };
    match state.app.set_availability(&viewer, &input).await {
        Ok(_) => {
            notify(
                &session,
                "Your free time is saved. Your mentees can book it now.",
            )
            .await;
            Redirect::to("/account/availability").into_response()
        }
        Err(AppError::Invalid(errors)) => {
            // Rows keep their places, empty ones included, so each message stays beside
            // the row it is about; spare rows are added below.
            let errors = rows.rename(&errors);
            let mut form = form;
            let spare = |n: usize| n + SPARE_ROWS;
            let (w, e) = (spare(form.weekly.len()), spare(form.exceptions.len()));
            form.weekly.resize(w.max(SPARE_ROWS), WindowRow::default());
            form.exceptions
                .resize(e.max(SPARE_ROWS), ExceptionRow::default());
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            settings_page(&session, viewer, form, errors, published, status).await
        }
        Err(e) => error_page(&e),
    }
}
