//! The free-time settings page (weekly windows as rows of day, from and to; exceptions;
//! notice, buffer and lengths; the busy calendar's address, how its fetches go and
//! "Refresh now") and booking from a mentorship's page: its "Book a session" section lists
//! the mentor's next free slots by day in the viewer's zone, one button a slot. Both work
//! without JavaScript: the grids have spare empty rows, and "Add rows" sends the form
//! back with more.

mod form;
mod sections;
#[cfg(test)]
mod tests;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::booking::SlotView;
use lodestar_app::busy_calendar::BusyCalendarStatus;
use lodestar_app::{AppError, Viewer};
use lodestar_domain::FieldErrors;
use tower_sessions::Session;

use super::{Chrome, FormData, done, error_page, render_status};
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
    saved: Saved,
    time_zones: Vec<&'static str>,
    days: [(&'static str, &'static str); 7],
}

/// What is saved already: whether the availability is published, and how the busy
/// calendar's fetches go (what `GET /api/v1/me/busy-calendar` says).
struct Saved {
    published: bool,
    calendar: BusyCalendarStatus,
}

impl Saved {
    async fn of(state: &AppState, viewer: &Viewer) -> Result<Self, AppError> {
        Ok(Self {
            published: state.app.my_availability(viewer).await?.published,
            calendar: state.app.busy_calendar_status(viewer).await?,
        })
    }
}

impl SettingsPage {
    /// One of the calendar's times in words, in the zone of the form's times.
    fn when(&self, at: &Option<String>) -> Option<String> {
        lodestar_app::busy_calendar::in_words(at.as_deref()?, &self.form.time_zone)
    }

    /// The calendar's last fetch in a few words.
    fn calendar_state(&self) -> &'static str {
        match self.saved.calendar.status {
            "pending" => "Not read yet: it is fetched within a minute or so.",
            "ok" => "Read.",
            "not_modified" => "Read; unchanged since the time before.",
            "error" => "Could not be read; the busy times read before still count.",
            _ => "",
        }
    }

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
    saved: Saved,
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
        saved,
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
    let (view, calendar) = match (
        state.app.my_availability(&viewer).await,
        state.app.busy_calendar_status(&viewer).await,
    ) {
        (Ok(v), Ok(c)) => (v, c),
        (Err(e), _) | (_, Err(e)) => return error_page(&e),
    };
    let form = AvailabilityForm::of(&view).padded(SPARE_ROWS);
    let saved = Saved {
        published: view.published,
        calendar,
    };
    let (errors, status) = (FieldErrors::new(), StatusCode::OK);
    settings_page(&session, viewer, form, errors, saved, status).await
}

/// "Refresh now" beside the calendar's address: fetches it as
/// `POST /api/v1/me/busy-calendar/refresh` does (at most once a minute) and says how it
/// went above the form.
pub async fn refresh_calendar(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let said = match state.app.refresh_busy_calendar(&viewer).await {
        Ok(s) if s.status == "error" => format!(
            "Your calendar could not be read: {}",
            s.last_error.unwrap_or_default()
        ),
        Ok(s) => format!(
            "Your calendar was read: {} busy times ahead.",
            s.busy_intervals
        ),
        Err(AppError::RateLimited { retry_after_secs }) => format!(
            "Your calendar was read less than a minute ago; try again in {retry_after_secs} seconds."
        ),
        Err(AppError::NotFound(_)) => "Save the address of your calendar first.".to_owned(),
        Err(e) => return error_page(&e),
    };
    done(&session, &said, "/account/availability").await
}

/// A time taken by another session, said beside a form's time field: the message, and the
/// first free times now in the viewer's zone.
pub fn taken_beside_field(message: &str, slots: &[SlotView]) -> String {
    if slots.is_empty() {
        let clash = message.split(" — ").next().unwrap_or(message);
        return format!("{clash}; choose another time.");
    }
    let times: Vec<String> = slots
        .iter()
        .take(6)
        .map(|s| format!("{} {}", s.day(), s.time()))
        .collect();
    format!("{message}: {}.", times.join(", "))
}

pub async fn save_settings(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let data = FormData(form);
    let form = AvailabilityForm::read(&data);
    let saved = match Saved::of(&state, &viewer).await {
        Ok(saved) => saved,
        Err(e) => return error_page(&e),
    };
    if data.checked("add_rows") {
        let form = form.padded(SPARE_ROWS * 2);
        let (errors, status) = (FieldErrors::new(), StatusCode::OK);
        return settings_page(&session, viewer, form, errors, saved, status).await;
    }
    let (input, rows) = match form.input() {
        Ok(ok) => ok,
        Err(errors) => {
            let form = form.padded(SPARE_ROWS);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return settings_page(&session, viewer, form, errors, saved, status).await;
        }
    };
    match state.app.set_availability(&viewer, &input).await {
        Ok(_) => {
            done(
                &session,
                "Your free time is saved. Your mentees can book it now.",
                "/account/availability",
            )
            .await
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
            settings_page(&session, viewer, form, errors, saved, status).await
        }
        Err(e) => error_page(&e),
    }
}
