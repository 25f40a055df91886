//! The free-time settings page (weekly windows as rows of day, from and to; exceptions;
//! notice, buffer and lengths) and booking from a mentorship's page: its "Book a session"
//! section lists the mentor's next free slots by day in the viewer's zone, one button a
//! slot. Both work without JavaScript: the grids have spare empty rows, and "Add rows"
//! sends the form back with more.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lodestar_app::booking::{
    AvailabilityInput, AvailabilityView, BookingInput, ExceptionInput, SlotList, SlotParams,
    WindowInput,
};
use lodestar_app::{AppError, Viewer};
use lodestar_domain::{FieldErrors, MentorshipId};
use tower_sessions::Session;

use super::{Chrome, FormData, error_page, field_errors, notify, render_status};
use crate::AppState;
use crate::auth::PageViewer;

/// Empty rows a grid always has below its filled ones, and how many "Add rows" adds.
const SPARE_ROWS: usize = 3;
/// The most rows a submitted grid is read from.
const MAX_ROWS: usize = 100;
/// Session lengths offered as ticks (any other one stored is shown too).
const COMMON_LENGTHS: [i64; 7] = [15, 20, 30, 45, 60, 90, 120];
/// Days of slots shown on a mentorship's page.
const SHOWN_DAYS: usize = 7;

/// One row of the weekly grid, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WindowRow {
    pub day: String,
    pub from: String,
    pub to: String,
    pub one_off: bool,
}

/// One row of the exceptions grid, as typed: a day off (`date`), a time off (`date` to
/// `until`), or extra time (`date`, `from`, `to`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExceptionRow {
    pub kind: String,
    pub date: String,
    pub until: String,
    pub from: String,
    pub to: String,
    pub one_off: bool,
}

/// The settings form's values, as shown or as submitted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AvailabilityForm {
    pub time_zone: String,
    pub weekly: Vec<WindowRow>,
    pub exceptions: Vec<ExceptionRow>,
    pub min_notice_hours: String,
    pub buffer_minutes: String,
    pub durations: Vec<String>,
    pub busy_calendar_url: String,
    pub one_off_monthly_limit: String,
}

impl WindowRow {
    fn is_empty(&self) -> bool {
        self.day.trim().is_empty() && self.from.trim().is_empty() && self.to.trim().is_empty()
    }
}

impl ExceptionRow {
    fn is_empty(&self) -> bool {
        [&self.kind, &self.date, &self.until, &self.from, &self.to]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

fn some(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

impl AvailabilityForm {
    pub fn of(v: &AvailabilityView) -> Self {
        Self {
            time_zone: v.time_zone.clone(),
            weekly: v
                .weekly
                .iter()
                .map(|w| WindowRow {
                    day: w.day.clone(),
                    from: w.from.clone(),
                    to: w.to.clone(),
                    one_off: w.one_off,
                })
                .collect(),
            exceptions: v
                .exceptions
                .iter()
                .map(|e| ExceptionRow {
                    kind: e.kind.clone(),
                    date: e.date.clone().or(e.from_date.clone()).unwrap_or_default(),
                    until: e.to_date.clone().unwrap_or_default(),
                    from: e.from.clone().unwrap_or_default(),
                    to: e.to.clone().unwrap_or_default(),
                    one_off: e.one_off,
                })
                .collect(),
            min_notice_hours: v.min_notice_hours.to_string(),
            buffer_minutes: v.buffer_minutes.to_string(),
            durations: v.durations.iter().map(ToString::to_string).collect(),
            busy_calendar_url: v.busy_calendar_url.clone().unwrap_or_default(),
            one_off_monthly_limit: v.one_off_monthly_limit.to_string(),
        }
    }

    /// Reads the submitted form: rows `weekly[i].day`, `exceptions[i].kind`, … and ticks.
    pub fn read(form: &FormData) -> Self {
        let at = |grid: &str, i: usize, field: &str| form.text(&format!("{grid}[{i}].{field}"));
        let ticked = |grid: &str, i: usize| form.checked(&format!("{grid}[{i}].one_off"));
        let rows = |grid: &str| {
            (0..MAX_ROWS)
                .take_while(|i| {
                    form.0
                        .iter()
                        .any(|(k, _)| k.starts_with(&format!("{grid}[{i}].")))
                })
                .collect::<Vec<usize>>()
        };
        Self {
            time_zone: form.text("time_zone"),
            weekly: rows("weekly")
                .into_iter()
                .map(|i| WindowRow {
                    day: at("weekly", i, "day"),
                    from: at("weekly", i, "from"),
                    to: at("weekly", i, "to"),
                    one_off: ticked("weekly", i),
                })
                .collect(),
            exceptions: rows("exceptions")
                .into_iter()
                .map(|i| ExceptionRow {
                    kind: at("exceptions", i, "kind"),
                    date: at("exceptions", i, "date"),
                    until: at("exceptions", i, "until"),
                    from: at("exceptions", i, "from"),
                    to: at("exceptions", i, "to"),
                    one_off: ticked("exceptions", i),
                })
                .collect(),
            min_notice_hours: form.text("min_notice_hours"),
            buffer_minutes: form.text("buffer_minutes"),
            durations: form
                .all("durations")
                .iter()
                .map(|d| (*d).to_owned())
                .collect(),
            busy_calendar_url: form.text("busy_calendar_url"),
            one_off_monthly_limit: form.text("one_off_monthly_limit"),
        }
    }

    /// With `extra` empty rows below the filled ones of each grid.
    pub fn padded(mut self, extra: usize) -> Self {
        self.weekly.retain(|r| !r.is_empty());
        self.exceptions.retain(|r| !r.is_empty());
        let weekly = self.weekly.len() + extra;
        let exceptions = self.exceptions.len() + extra;
        self.weekly.resize(weekly, WindowRow::default());
        self.exceptions.resize(exceptions, ExceptionRow::default());
        self
    }

    /// The service's input, skipping empty rows, and where each input row came from; or
    /// the fields that are not numbers.
    pub fn input(&self) -> Result<(AvailabilityInput, RowMap), FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut number = |field: &str, raw: &str| match raw.trim() {
            "" => 0,
            raw => raw.parse::<i64>().unwrap_or_else(|_| {
                errors.add(field, "must be a whole number");
                0
            }),
        };
        let min_notice_hours = number("min_notice_hours", &self.min_notice_hours);
        let buffer_minutes = number("buffer_minutes", &self.buffer_minutes);
        let one_off_monthly_limit = number("one_off_monthly_limit", &self.one_off_monthly_limit);
        let durations = self
            .durations
            .iter()
            .filter_map(|d| {
                d.trim().parse::<i64>().ok().or_else(|| {
                    errors.add("durations", "choose lengths from the list");
                    None
                })
            })
            .collect();
        errors.into_result()?;
        let mut map = RowMap::default();
        let weekly = self
            .weekly
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .map(|(i, r)| {
                map.weekly.push(i);
                WindowInput {
                    day: r.day.trim().to_owned(),
                    from: r.from.trim().to_owned(),
                    to: r.to.trim().to_owned(),
                    one_off: r.one_off,
                }
            })
            .collect();
        let exceptions = self
            .exceptions
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .map(|(i, r)| {
                map.exceptions.push(i);
                let range = r.kind.trim() == "off" && !r.until.trim().is_empty();
                ExceptionInput {
                    kind: r.kind.trim().to_owned(),
                    date: if range { None } else { some(&r.date) },
                    from_date: if range { some(&r.date) } else { None },
                    to_date: if range { some(&r.until) } else { None },
                    from: some(&r.from),
                    to: some(&r.to),
                    one_off: r.one_off,
                }
            })
            .collect();
        let input = AvailabilityInput {
            time_zone: self.time_zone.trim().to_owned(),
            weekly,
            exceptions,
            min_notice_hours,
            buffer_minutes,
            durations,
            busy_calendar_url: some(&self.busy_calendar_url),
            one_off_monthly_limit,
        };
        Ok((input, map))
    }

    /// The lengths shown as ticks: the common ones and any other one chosen.
    pub fn lengths(&self) -> Vec<(i64, bool)> {
        let chosen: Vec<i64> = self
            .durations
            .iter()
            .filter_map(|d| d.parse().ok())
            .collect();
        let mut all: Vec<i64> = COMMON_LENGTHS.iter().chain(&chosen).copied().collect();
        all.sort_unstable();
        all.dedup();
        all.into_iter().map(|d| (d, chosen.contains(&d))).collect()
    }
}

/// Which form row each row of the service's input came from (empty rows are skipped).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowMap {
    weekly: Vec<usize>,
    exceptions: Vec<usize>,
}

impl RowMap {
    /// The service's field errors, renamed to the form's rows and fields:
    /// `weekly[1].from` of the input is `weekly[3].from` of the form if rows 1 and 2 were
    /// empty; an exception's `from_date` is its row's `date`, `to_date` its `until`.
    pub fn rename(&self, errors: &FieldErrors) -> FieldErrors {
        let mut out = FieldErrors::new();
        for (key, message) in errors.iter() {
            out.add(self.rename_key(key), message);
        }
        out
    }

    fn rename_key(&self, key: &str) -> String {
        for (grid, rows) in [("weekly", &self.weekly), ("exceptions", &self.exceptions)] {
            let Some(rest) = key.strip_prefix(grid).and_then(|r| r.strip_prefix('[')) else {
                continue;
            };
            let Some((index, field)) = rest.split_once("].") else {
                continue;
            };
            let Some(row) = index.parse::<usize>().ok().and_then(|i| rows.get(i)) else {
                continue;
            };
            let field = match field {
                "from_date" => "date",
                "to_date" => "until",
                other => other,
            };
            return format!("{grid}[{row}].{field}");
        }
        match key.split_once('[') {
            Some(("durations", _)) => "durations".to_owned(),
            _ => key.to_owned(),
        }
    }
}

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

/// `?duration=60` from a length choice; anything else is ignored.
pub fn duration_in(query: Option<&str>) -> Option<i64> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or(""))
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "duration")
        .and_then(|(_, v)| v.parse().ok())
}

/// The "Book a session" section of a mentorship's page.
pub struct BookSection {
    pub list: SlotList,
    /// Someone else booked the time just asked for.
    pub taken: bool,
    /// A refusal to show above the slots.
    pub problem: Option<String>,
}

impl BookSection {
    pub fn days(&self) -> Vec<lodestar_app::booking::SlotDay<'_>> {
        self.list.by_day(SHOWN_DAYS)
    }

    pub fn more(&self) -> bool {
        self.list.more_than(SHOWN_DAYS)
    }
}

/// The section for `viewer` on an active mentorship's page; `None` where there is
/// nothing to book (a paused or ended mentorship).
pub async fn book_section(
    state: &AppState,
    viewer: &Viewer,
    id: MentorshipId,
    duration: Option<i64>,
) -> Option<BookSection> {
    let params = SlotParams {
        duration,
        ..SlotParams::default()
    };
    let list = match state.app.mentorship_slots(viewer, id, &params).await {
        Ok(list) => list,
        // A length no longer offered: the default one instead.
        Err(AppError::Invalid(_)) if duration.is_some() => state
            .app
            .mentorship_slots(viewer, id, &SlotParams::default())
            .await
            .ok()?,
        Err(_) => return None,
    };
    Some(BookSection {
        list,
        taken: false,
        problem: None,
    })
}

/// Books a slot from the mentorship's page: to the session when it worked, or back to
/// the page with the free times now (409) or what was wrong (422).
pub async fn book(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let Ok(id) = id.parse::<MentorshipId>() else {
        return error_page(&AppError::NotFound("mentorship"));
    };
    let form = FormData(form);
    let duration = form.text("duration_minutes").trim().parse::<i64>().ok();
    let input = BookingInput {
        starts_at: form.text("starts_at"),
        duration_minutes: duration.unwrap_or(0),
        agenda: form.text("agenda"),
    };
    let (status, taken, problem, slots) = match state.app.book_session(&viewer, id, &input).await {
        Ok(s) => {
            notify(
                &session,
                &format!(
                    "Booked: {}. The others have been sent an invitation.",
                    s.when
                ),
            )
            .await;
            return Redirect::to(&format!("/sessions/{}", s.id)).into_response();
        }
        Err(AppError::SlotTaken { slots, .. }) => (StatusCode::CONFLICT, true, None, Some(slots)),
        Err(e) => match field_errors(e) {
            Ok(errors) => {
                let text: Vec<&str> = errors.iter().map(|(_, m)| m).collect();
                let problem = format!("That time could not be booked: {}.", text.join("; "));
                (StatusCode::UNPROCESSABLE_ENTITY, false, Some(problem), None)
            }
            Err(AppError::Conflict { message, .. }) => {
                (StatusCode::CONFLICT, false, Some(message), None)
            }
            Err(other) => return error_page(&other),
        },
    };
    let page = super::mentorships::page_after_booking(&state, &session, viewer, id, duration).await;
    let mut page = match page {
        Ok(page) => page,
        Err(r) => return r,
    };
    match (&mut page.book, slots) {
        (Some(book), Some(slots)) => book.list.slots = slots,
        (None, _) => {
            // Not bookable any more (paused meanwhile): the page says why at the top.
            page.problem = problem.clone();
        }
        _ => {}
    }
    if let Some(book) = &mut page.book {
        book.taken = taken;
        book.problem = problem;
    }
    render_status(status, &page)
}

#[cfg(test)]
mod tests;

/// The "One-off conversation" section of a mentor's page: their one-off free times as
/// choices of one form, with the topic.
pub struct OneOffSection {
    pub list: SlotList,
    pub taken: bool,
    pub problem: Option<String>,
    /// The topic as typed, and its message if it was refused.
    pub topic: String,
    pub topic_error: Option<String>,
    /// The start chosen when the form came back.
    pub chosen: String,
}

impl OneOffSection {
    pub fn days(&self) -> Vec<lodestar_app::booking::SlotDay<'_>> {
        self.list.by_day(SHOWN_DAYS)
    }

    pub fn is_chosen(&self, starts_at: &str) -> bool {
        self.chosen == starts_at
    }
}

/// The section for `viewer` on a mentor's page, if the mentor offers one-off
/// conversations.
pub async fn one_off_section(
    state: &AppState,
    viewer: &Viewer,
    mentor: lodestar_domain::PersonId,
    duration: Option<i64>,
) -> Option<OneOffSection> {
    let params = SlotParams {
        duration,
        ..SlotParams::default()
    };
    let list = match state.app.one_off_slots(viewer, mentor, &params).await {
        Ok(list) => list,
        Err(AppError::Invalid(_)) if duration.is_some() => state
            .app
            .one_off_slots(viewer, mentor, &SlotParams::default())
            .await
            .ok()?,
        Err(_) => return None,
    };
    list.published.then_some(OneOffSection {
        list,
        taken: false,
        problem: None,
        topic: String::new(),
        topic_error: None,
        chosen: String::new(),
    })
}

/// Books a one-off conversation from a mentor's page: to the new session when it worked,
/// or back to the page with the free times now (409), the limit or an existing
/// mentorship (409), or what was wrong (422).
pub async fn book_one_off(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let Ok(id) = id.parse::<lodestar_domain::PersonId>() else {
        return error_page(&AppError::NotFound("mentor"));
    };
    let form = FormData(form);
    let duration = form.text("duration_minutes").trim().parse::<i64>().ok();
    let input = lodestar_app::booking::OneOffInput {
        starts_at: form.text("starts_at"),
        duration_minutes: duration.unwrap_or(0),
        topic: form.text("topic"),
    };
    let mut topic_error = None;
    let (status, taken, problem, slots) = match state.app.book_one_off(&viewer, id, &input).await {
        Ok(s) => {
            notify(
                &session,
                &format!(
                    "Booked a one-off conversation: {}. The mentor has been sent an invitation.",
                    s.when
                ),
            )
            .await;
            return Redirect::to(&format!("/mentorships/{}", s.mentorship_id)).into_response();
        }
        Err(AppError::SlotTaken { slots, .. }) => (StatusCode::CONFLICT, true, None, Some(slots)),
        Err(AppError::Conflict { message, .. }) => {
            (StatusCode::CONFLICT, false, Some(message), None)
        }
        Err(AppError::Invalid(errors)) => {
            topic_error = errors.get("topic").map(str::to_owned);
            let others: Vec<&str> = errors
                .iter()
                .filter(|(k, _)| *k != "topic")
                .map(|(_, m)| m)
                .collect();
            let problem = (!others.is_empty())
                .then(|| format!("That time could not be booked: {}.", others.join("; ")));
            (StatusCode::UNPROCESSABLE_ENTITY, false, problem, None)
        }
        Err(other) => return error_page(&other),
    };
    let mut page = match super::people::person_page(&state, &session, viewer, id, duration).await {
        Ok(page) => page,
        Err(r) => return r,
    };
    if let Some(section) = &mut page.one_off {
        if let Some(slots) = slots {
            section.list.slots = slots;
        }
        section.taken = taken;
        section.problem = problem;
        section.topic = input.topic;
        section.topic_error = topic_error;
        section.chosen = if taken {
            String::new()
        } else {
            input.starts_at
        };
    }
    render_status(status, &page)
}
