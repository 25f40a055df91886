//! Booking from a page: the "Book a session" section of a mentorship's page (a button a
//! slot) and the "One-off conversation" section of a mentor's page (one form: a time and
//! the topic), and the posts they send.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::booking::{BookingInput, SlotList, SlotParams};
use lodestar_app::{AppError, Viewer};
use lodestar_domain::MentorshipId;
use tower_sessions::Session;

use crate::AppState;
use crate::auth::PageViewer;
use crate::pages::{FormData, PageId, done, error_page, field_errors, render_status};

/// Days of slots shown on a page.
const SHOWN_DAYS: usize = 7;

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
    PageId(id): PageId<MentorshipId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let duration = form.text("duration_minutes").trim().parse::<i64>().ok();
    let input = BookingInput {
        starts_at: form.text("starts_at"),
        duration_minutes: duration.unwrap_or(0),
        agenda: form.text("agenda"),
    };
    let (status, taken, problem, slots) = match state.app.book_session(&viewer, id, &input).await {
        Ok(s) => {
            return done(
                &session,
                &format!(
                    "Booked: {}. The others have been sent an invitation.",
                    s.when
                ),
                &format!("/sessions/{}", s.id),
            )
            .await;
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
    let page =
        crate::pages::mentorships::page_after_booking(&state, &session, viewer, id, duration).await;
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
    let (status, taken, problem, slots) =
        match state.app.book_one_off(&viewer, id, &input).await {
            Ok(s) => {
                return done(&session, &format!(
                    "Booked a one-off conversation: {}. The mentor has been sent an invitation.",
                    s.when
                ), &format!("/mentorships/{}", s.mentorship_id)).await;
            }
            Err(AppError::SlotTaken { slots, .. }) => {
                (StatusCode::CONFLICT, true, None, Some(slots))
            }
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
    let mut page =
        match crate::pages::people::person_page(&state, &session, viewer, id, duration).await {
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
