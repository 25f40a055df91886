//! Sessions pages: a mentorship's sessions with the scheduling form and its action items,
//! one session (reschedule, cancel, outcome, notes, action items, its `.ics`), the
//! calendar feed's address on the account pages, and the feed itself.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lodestar_app::action_items::{
    ActionItemEdit, ActionItemView, NewActionItemInput, NewNote, NoteView,
};
use lodestar_app::calendar::CalendarFeed;
use lodestar_app::meetings::{
    CancelSession, MentorshipMeetings, SessionFields, SessionMember, SessionView, Start,
};
use lodestar_app::{AppError, Viewer};
use lodestar_domain::mentoring::{MeetingState, MentorshipState};
use lodestar_domain::{FieldErrors, MeetingId, MentorshipId, PersonId};
use tower_sessions::Session;

use super::{
    Chrome, FormData, OrPage, PageId, done, error_page, field_errors, render, render_status,
};
use crate::AppState;
use crate::auth::PageViewer;

/// The schedule or reschedule form's values, as typed.
pub struct SessionForm {
    pub date: String,
    pub time: String,
    pub duration: String,
    pub location: String,
    pub agenda: String,
}

impl SessionForm {
    fn read(form: &FormData) -> Self {
        Self {
            date: form.text("date"),
            time: form.text("time"),
            duration: form.text("duration_minutes"),
            location: form.text("location"),
            agenda: form.text("agenda"),
        }
    }

    fn fields(&self) -> SessionFields {
        SessionFields {
            start: Some(Start::Local {
                date: self.date.clone(),
                time: self.time.clone(),
            }),
            duration_minutes: Some(self.duration.trim().parse().unwrap_or(0)),
            location: Some(self.location.clone()),
            agenda: Some(self.agenda.clone()),
        }
    }

    /// The form filled with a session as it is, in the viewer's zone.
    fn of(s: &SessionView) -> Self {
        let (date, rest) = s.local_starts_at.split_once('T').unwrap_or_default();
        Self {
            date: date.to_owned(),
            time: rest.chars().take(5).collect(),
            duration: s.duration_minutes.to_string(),
            location: s.location.clone(),
            agenda: s.agenda.clone(),
        }
    }

    fn blank() -> Self {
        Self {
            date: String::new(),
            time: String::new(),
            duration: "45".into(),
            location: String::new(),
            agenda: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "mentorship_sessions.html")]
struct MentorshipSessionsPage {
    chrome: Chrome,
    m: MentorshipMeetings,
    /// Scheduled and still to come, soonest first.
    upcoming: Vec<SessionView>,
    /// Started, held, missed or cancelled, latest first.
    past: Vec<SessionView>,
    form: SessionForm,
    errors: FieldErrors,
    open_items: Vec<ActionItemView>,
    // What the action items section reads.
    items: Vec<ActionItemView>,
    items_open: bool,
    back_session: Option<MeetingId>,
    mentorship_id: MentorshipId,
    members: Vec<SessionMember>,
    me: PersonId,
}

impl MentorshipSessionsPage {
    fn tz_hint(&self) -> String {
        format!("In your time zone, {}.", self.m.time_zone)
    }
    fn can_schedule(&self) -> bool {
        self.m.mentorship_state == MentorshipState::Active
    }
}

async fn mentorship_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    id: MentorshipId,
    form: SessionForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let result = async {
        let m = state.app.mentorship_meetings(&viewer, id).await.or_page()?;
        let now = now_ms();
        let (mut upcoming, past): (Vec<_>, Vec<_>) = m
            .sessions
            .iter()
            .cloned()
            .partition(|s| s.state == MeetingState::Scheduled && s.starts_at_ms >= now);
        upcoming.reverse();
        let open_items = m.action_items.iter().filter(|a| !a.done).cloned().collect();
        let me = viewer.id;
        let chrome = Chrome::new(session, Some(viewer), "mentorships", "Sessions").await?;
        Ok::<_, Response>(render_status(
            status,
            &MentorshipSessionsPage {
                chrome,
                upcoming,
                past,
                form,
                errors,
                open_items,
                items: m.action_items.clone(),
                items_open: m.mentorship_state.is_open(),
                back_session: None,
                mentorship_id: m.mentorship_id,
                members: m.members.clone(),
                me,
                m,
            },
        ))
    };
    result.await.unwrap_or_else(|r| r)
}

pub async fn mentorship_sessions(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MentorshipId>,
) -> Response {
    mentorship_page(
        &state,
        &session,
        viewer,
        id,
        SessionForm::blank(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn schedule(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MentorshipId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = SessionForm::read(&FormData(form));
    match state
        .app
        .schedule_meeting(&viewer, id, &form.fields())
        .await
    {
        Ok(s) => {
            done(
                &session,
                "The session is scheduled; the others have been sent an invitation.",
                &format!("/sessions/{}", s.id),
            )
            .await
        }
        // Over another session: said beside the time, with the free ones now.
        Err(AppError::SlotTaken { message, slots }) => {
            let said = super::booking::taken_beside_field(&message, &slots);
            let errors = FieldErrors::single("time", said);
            let status = StatusCode::CONFLICT;
            mentorship_page(&state, &session, viewer, id, form, errors, status).await
        }
        Err(e) => match field_errors(e) {
            Ok(errors) => {
                mentorship_page(
                    &state,
                    &session,
                    viewer,
                    id,
                    form,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            Err(other) => error_page(&other),
        },
    }
}

#[derive(Template)]
#[template(path = "session.html")]
struct SessionPage {
    chrome: Chrome,
    s: SessionView,
    notes: Vec<NoteView>,
    form: SessionForm,
    errors: FieldErrors,
    now_ms: i64,
    // What the action items section reads.
    items: Vec<ActionItemView>,
    items_open: bool,
    back_session: Option<MeetingId>,
    mentorship_id: MentorshipId,
    members: Vec<SessionMember>,
    me: PersonId,
    /// The reader's time zone, for the notes' times.
    tz: String,
}

impl SessionPage {
    fn tz_hint(&self) -> String {
        format!("In your time zone, {}.", self.s.local_time_zone)
    }
    fn is_scheduled(&self) -> bool {
        self.s.state == MeetingState::Scheduled
    }
    fn can_edit(&self) -> bool {
        self.is_scheduled() && self.s.mentorship_state == MentorshipState::Active
    }
    fn can_mark(&self) -> bool {
        self.s.starts_at_ms <= self.now_ms && self.s.state != MeetingState::Cancelled
    }
}

async fn session_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    id: MeetingId,
    form: Option<SessionForm>,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let result = async {
        let s = state.app.meeting(&viewer, id).await.or_page()?;
        let notes = state.app.notes(&viewer, id).await.or_page()?;
        let items = state
            .app
            .action_items(&viewer, s.mentorship_id)
            .await
            .or_page()?;
        let form = form.unwrap_or_else(|| SessionForm::of(&s));
        let me = viewer.id;
        let chrome = Chrome::new(session, Some(viewer), "mentorships", "Session").await?;
        Ok::<_, Response>(render_status(
            status,
            &SessionPage {
                chrome,
                notes,
                items,
                form,
                errors,
                now_ms: now_ms(),
                items_open: s.mentorship_state.is_open(),
                back_session: Some(s.id),
                mentorship_id: s.mentorship_id,
                members: s.members.clone(),
                me,
                tz: s.local_time_zone.clone(),
                s,
            },
        ))
    };
    result.await.unwrap_or_else(|r| r)
}

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MeetingId>,
) -> Response {
    session_page(
        &state,
        &session,
        viewer,
        id,
        None,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn edit(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MeetingId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = SessionForm::read(&FormData(form));
    match state.app.edit_meeting(&viewer, id, &form.fields()).await {
        Ok(_) => {
            done(
                &session,
                "The session is updated.",
                &format!("/sessions/{id}"),
            )
            .await
        }
        // A time taken by another session: said beside the time, with the free ones now.
        Err(AppError::SlotTaken { message, slots }) => {
            let said = super::booking::taken_beside_field(&message, &slots);
            let errors = FieldErrors::single("time", said);
            let status = StatusCode::CONFLICT;
            session_page(&state, &session, viewer, id, Some(form), errors, status).await
        }
        Err(e) => match field_errors(e) {
            Ok(errors) => {
                session_page(
                    &state,
                    &session,
                    viewer,
                    id,
                    Some(form),
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            Err(other) => error_page(&other),
        },
    }
}

pub async fn cancel(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MeetingId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let input = CancelSession {
        reason: FormData(form).text("reason"),
    };
    match state.app.cancel_meeting(&viewer, id, &input).await {
        Ok(_) => {
            done(
                &session,
                "The session is cancelled; the others have been told.",
                &format!("/sessions/{id}"),
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

pub async fn outcome(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MeetingId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let held = FormData(form).text("held") == "true";
    match state.app.record_meeting_outcome(&viewer, id, held).await {
        Ok(_) => {
            done(
                &session,
                if held {
                    "Marked as held."
                } else {
                    "Marked as missed."
                },
                &format!("/sessions/{id}"),
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "_note_added.html")]
struct NoteFragment {
    note: NoteView,
    /// The reader's time zone, for the note's time.
    tz: String,
    /// The form again, empty, swapped in out of band: no script is needed to clear it,
    /// so a second click cannot post the same note twice.
    note_session: String,
    note_csrf: String,
    note_error: Option<&'static str>,
    note_oob: bool,
}

/// Adds a note. With htmx the new note comes back alone and is appended in place;
/// without JavaScript the page reloads at the notes.
pub async fn add_note(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    headers: HeaderMap,
    PageId(id): PageId<MeetingId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = NewNote {
        body: form.text("body"),
        private: form.checked("private"),
    };
    match state.app.add_note(&viewer, id, &input).await {
        Ok(note) if headers.contains_key("hx-request") => {
            let tz = state
                .app
                .meeting(&viewer, id)
                .await
                .map(|s| s.local_time_zone)
                .unwrap_or_default();
            let fragment = NoteFragment {
                note,
                tz,
                note_session: id.to_string(),
                note_csrf: form.text("_csrf"),
                note_error: None,
                note_oob: true,
            };
            render_status(StatusCode::CREATED, &fragment)
        }
        Ok(_) => Redirect::to(&format!("/sessions/{id}#notes")).into_response(),
        Err(e) => match field_errors(e) {
            Ok(errors) if headers.contains_key("hx-request") => (
                StatusCode::UNPROCESSABLE_ENTITY,
                errors
                    .get("body")
                    .unwrap_or("the note could not be added")
                    .to_owned(),
            )
                .into_response(),
            Ok(errors) => {
                session_page(
                    &state,
                    &session,
                    viewer,
                    id,
                    None,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            Err(other) => error_page(&other),
        },
    }
}

pub async fn invite(
    State(state): State<AppState>,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MeetingId>,
) -> Response {
    match state.app.meeting_invite(&viewer, id).await {
        Ok(ics) => ics_response(
            ics,
            "attachment; filename=\"session.ics\"",
            "private, no-store",
        ),
        Err(e) => error_page(&e),
    }
}

fn ics_response(ics: String, disposition: &'static str, cache: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, crate::api::CALENDAR),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, cache),
        ],
        ics,
    )
        .into_response()
}

/// Where a form about an action item sends the browser back to: the session it was
/// added on, or the mentorship's sessions page.
fn back_to(form: &FormData, mentorship: MentorshipId) -> String {
    match form
        .get("session")
        .and_then(|s| s.parse::<MeetingId>().ok())
    {
        Some(s) => format!("/sessions/{s}#action-items"),
        None => format!("/mentorships/{mentorship}/sessions#action-items"),
    }
}

pub async fn add_action_item(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MentorshipId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = NewActionItemInput {
        title: form.text("title"),
        owner_id: form.get("owner_id").and_then(|o| o.parse().ok()),
        due_date: form.get("due_date").map(str::to_owned),
        session_id: form.get("session").and_then(|s| s.parse().ok()),
    };
    match state.app.add_action_item(&viewer, id, &input).await {
        Ok(_) => Redirect::to(&back_to(&form, id)).into_response(),
        Err(e) => match field_errors(e) {
            Ok(errors) => {
                let message = errors.iter().map(|(_, m)| m).collect::<Vec<_>>().join("; ");
                done(
                    &session,
                    &format!("The action item was not added: {message}"),
                    &back_to(&form, id),
                )
                .await
            }
            Err(other) => error_page(&other),
        },
    }
}

/// Ticks an action item done or not (the checkbox's form).
pub async fn edit_action_item(
    State(state): State<AppState>,
    PageViewer(viewer): PageViewer,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let Ok(id) = id.parse() else {
        return error_page(&AppError::NotFound("action item"));
    };
    let form = FormData(form);
    let edit = ActionItemEdit {
        done: Some(form.checked("done")),
        ..Default::default()
    };
    match state.app.edit_action_item(&viewer, id, &edit).await {
        Ok(item) => Redirect::to(&back_to(&form, item.mentorship_id)).into_response(),
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "calendar_feed.html")]
struct CalendarPage {
    chrome: Chrome,
    feed: CalendarFeed,
}

pub async fn calendar_page(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let result = async {
        let feed = state.app.calendar_feed_url(&viewer).await.or_page()?;
        let chrome = Chrome::new(&session, Some(viewer), "calendar", "Calendar feed").await?;
        Ok::<_, Response>(render(&CalendarPage { chrome, feed }))
    };
    result.await.unwrap_or_else(|r| r)
}

pub async fn reset_calendar(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    match state.app.reset_calendar_feed(&viewer).await {
        Ok(_) => {
            done(
                &session,
                "Your calendar feed has a new address; the old one no longer works.",
                "/account/calendar",
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

/// The subscribable feed. No session: the secret in the address is the credential, and
/// an unknown one is simply not found.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return super::not_found().await;
    };
    match state.app.calendar_feed(token, now_ms()).await {
        Ok(ics) => ics_response(
            ics,
            "inline; filename=\"lodestar.ics\"",
            "private, max-age=300",
        ),
        Err(AppError::NotFound(_)) => super::not_found().await,
        Err(e) => error_page(&e),
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
