//! The mentorship pages: my mentorships grouped by state, one mentorship (agreement with its
//! edit form, contact details while open, state changes as small forms, the timeline), and
//! the admins' list of stalled mentorships.

use askama::Template;
use axum::Form;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::mentorships::{
    AgreementUpdate, CancelInput, CompleteInput, MentorshipFilter, MentorshipSummary,
    MentorshipView, PauseInput, StalledList,
};
use lodestar_app::{AppError, Viewer};
use lodestar_domain::mentoring::{Cadence, MentorshipKind, MentorshipState};
use lodestar_domain::{FieldErrors, FocusArea, MentorshipId};
use tower_sessions::Session;

use super::{
    Chrome, FormData, OrPage, PageId, done, error_page, field_errors, render, render_status,
};
use crate::AppState;
use crate::auth::PageViewer;

/// One state's mentorships on the list page.
struct Group {
    heading: &'static str,
    mentorships: Vec<MentorshipSummary>,
}

#[derive(Template)]
#[template(path = "mentorships.html")]
struct ListPage {
    chrome: Chrome,
    groups: Vec<Group>,
}

impl ListPage {
    fn is_empty(&self) -> bool {
        self.groups.iter().all(|g| g.mentorships.is_empty())
    }
}

pub async fn list(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let result = async {
        let all = state
            .app
            .my_mentorships(&viewer, &MentorshipFilter::default())
            .await
            .or_page()?
            .mentorships;
        let groups = [
            (MentorshipState::Active, "Active"),
            (MentorshipState::Paused, "Paused"),
            (MentorshipState::Completed, "Completed"),
            (MentorshipState::Cancelled, "Cancelled"),
        ]
        .into_iter()
        .map(|(s, heading)| Group {
            heading,
            mentorships: all.iter().filter(|m| m.state == s).cloned().collect(),
        })
        .collect();
        let chrome = Chrome::new(&session, Some(viewer), "mentorships", "My mentorships").await?;
        Ok::<_, Response>(render(&ListPage { chrome, groups }))
    };
    result.await.unwrap_or_else(|r| r)
}

/// What the forms on a mentorship's page show: the agreement as it is, or as submitted
/// when a form came back with errors.
#[derive(Default)]
struct Draft {
    goals: String,
    focus_areas: Vec<String>,
    cadence: String,
    expected_end_on: String,
    contact: String,
    resume_on: String,
    pause_reason: String,
    reflection: String,
    rating: String,
    cancel_reason: String,
}

impl Draft {
    fn of(m: &MentorshipView) -> Self {
        Self {
            goals: m.agreement.goals.clone(),
            focus_areas: m
                .agreement
                .focus_areas
                .iter()
                .map(|f| f.key.clone())
                .collect(),
            cadence: m.agreement.cadence.as_str().to_owned(),
            expected_end_on: m.agreement.expected_end_on.clone().unwrap_or_default(),
            contact: m
                .members
                .iter()
                .find(|x| x.you)
                .and_then(|x| x.contact.as_ref())
                .map(|c| c.details.clone())
                .unwrap_or_default(),
            ..Self::default()
        }
    }
}

#[derive(Template)]
#[template(path = "mentorship.html")]
pub(super) struct DetailPage {
    chrome: Chrome,
    m: MentorshipView,
    draft: Draft,
    /// The form that came back, and its field messages.
    failed: &'static str,
    errors: FieldErrors,
    /// A refusal to show above the forms (an invalid move).
    pub(super) problem: Option<String>,
    focus_choices: Vec<(&'static str, &'static str)>,
    cadences: Vec<(&'static str, &'static str)>,
    /// Sessions to come (soonest first) and the latest past ones.
    upcoming: Vec<lodestar_app::meetings::SessionView>,
    recent: Vec<lodestar_app::meetings::SessionView>,
    open_items: Vec<lodestar_app::action_items::ActionItemView>,
    /// The mentorship's conversation, with its unread count.
    thread: Option<lodestar_app::conversations::ThreadView>,
    /// The mentor's free slots, while the mentorship is active.
    pub(super) book: Option<super::booking::BookSection>,
    /// The goals its members put on its board.
    board: lodestar_app::growth::goals::GoalBoard,
    /// More than one mentee: a group circle.
    circle: bool,
}

impl DetailPage {
    fn is_flash(&self) -> bool {
        self.m.kind == MentorshipKind::Flash
    }

    /// The ask page that turns a one-off conversation into a request: the mentee asks
    /// the mentor, the mentor offers to mentor the mentee, the message prefilled.
    fn follow_up_link(&self) -> Option<String> {
        let message = self.m.follow_up_message.as_ref()?;
        // Nobody to ask when the other side's account was deleted.
        let other = self.m.members.iter().find(|x| !x.you)?.id?;
        let offer = if self.m.my_role == lodestar_domain::mentoring::MemberRole::Mentor {
            "offer=1&"
        } else {
            ""
        };
        let query = serde_urlencoded::to_string([("message", message.as_str())]).ok()?;
        Some(format!("/people/{other}/ask?{offer}{query}"))
    }

    fn error(&self, form: &str, field: &str) -> Option<&str> {
        (self.failed == form)
            .then(|| self.errors.get(field))
            .flatten()
    }

    fn has_focus(&self, key: &str) -> bool {
        self.draft.focus_areas.iter().any(|f| f == key)
    }

    fn my_email_hidden(&self) -> bool {
        self.m
            .members
            .iter()
            .find(|x| x.you)
            .and_then(|x| x.contact.as_ref())
            .is_some_and(|c| c.email.is_none())
    }
}

async fn detail_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    id: MentorshipId,
    submitted: Option<(&'static str, Draft, FieldErrors, Option<String>)>,
) -> Result<DetailPage, Response> {
    detail_page_for(state, session, viewer, id, submitted, None).await
}

/// The page as a booking from it comes back to, slots for `duration`.
pub(super) async fn page_after_booking(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    id: MentorshipId,
    duration: Option<i64>,
) -> Result<DetailPage, Response> {
    detail_page_for(state, session, viewer, id, None, duration).await
}

/// [`detail_page`] with the booking section's slots for a session length.
async fn detail_page_for(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    id: MentorshipId,
    submitted: Option<(&'static str, Draft, FieldErrors, Option<String>)>,
    duration: Option<i64>,
) -> Result<DetailPage, Response> {
    let m = state.app.mentorship(&viewer, id).await.or_page()?;
    let meetings = state.app.mentorship_meetings(&viewer, id).await.or_page()?;
    let (mut upcoming, recent): (Vec<_>, Vec<_>) = meetings
        .sessions
        .into_iter()
        .partition(|s| s.state == lodestar_domain::mentoring::MeetingState::Scheduled);
    upcoming.reverse();
    let recent = recent.into_iter().take(3).collect();
    let open_items = meetings
        .action_items
        .into_iter()
        .filter(|a| !a.done)
        .collect();
    let thread = state
        .app
        .thread_of(&viewer, None, Some(id))
        .await
        .or_page()?;
    // A one-off conversation has its one session; only an ongoing mentorship books more.
    let book = if m.state == MentorshipState::Active && m.kind == MentorshipKind::Ongoing {
        super::booking::book_section(state, &viewer, id, duration).await
    } else {
        None
    };
    let board = state.app.goal_board(&viewer, id).await.or_page()?;
    // More than two people: several mentees, or two mentors.
    let circle = m.members.len() > 2;
    let title = format!(
        "{} with {}",
        if circle { "Circle" } else { "Mentorship" },
        m.others()
    );
    let chrome = Chrome::new(session, Some(viewer), "mentorships", title).await?;
    let (failed, draft, errors, problem) =
        submitted.unwrap_or_else(|| ("", Draft::of(&m), FieldErrors::new(), None));
    Ok(DetailPage {
        chrome,
        draft,
        failed,
        errors,
        problem,
        focus_choices: FocusArea::ALL
            .iter()
            .map(|f| (f.as_str(), f.label()))
            .collect(),
        cadences: Cadence::ALL
            .iter()
            .map(|c| (c.as_str(), c.label()))
            .collect(),
        m,
        upcoming,
        recent,
        open_items,
        thread,
        book,
        board,
        circle,
    })
}

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MentorshipId>,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let duration = super::booking::duration_in(query.as_deref());
        let page = detail_page_for(&state, &session, viewer, id, None, duration).await?;
        Ok::<_, Response>(render(&page))
    };
    result.await.unwrap_or_else(|r| r)
}

/// A state or agreement form of the mentorship page.
#[derive(Clone, Copy)]
enum Action {
    Agreement,
    Pause,
    Resume,
    Complete,
    Cancel,
}

impl Action {
    fn form(self) -> &'static str {
        match self {
            Self::Agreement => "agreement",
            Self::Pause => "pause",
            Self::Resume => "resume",
            Self::Complete => "complete",
            Self::Cancel => "cancel",
        }
    }

    fn done(self) -> &'static str {
        match self {
            Self::Agreement => "The agreement was saved.",
            Self::Pause => "The mentorship is paused. It resumes by itself on the day you chose.",
            Self::Resume => "The mentorship is active again.",
            Self::Complete => "Saved. Thank you for closing the mentorship with a reflection.",
            Self::Cancel => "The mentorship was cancelled.",
        }
    }
}

/// The form's values as the draft it shows again if it comes back.
fn draft_of(form: &FormData) -> Draft {
    Draft {
        goals: form.text("goals"),
        focus_areas: form
            .all("focus_areas")
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        cadence: form.text("cadence"),
        expected_end_on: form.text("expected_end_on"),
        contact: form.text("contact"),
        resume_on: form.text("resume_on"),
        pause_reason: form.text("reason"),
        reflection: form.text("reflection"),
        rating: form.text("rating"),
        cancel_reason: form.text("reason"),
    }
}

async fn act(
    state: &AppState,
    viewer: &Viewer,
    id: MentorshipId,
    action: Action,
    draft: &Draft,
) -> Result<MentorshipView, AppError> {
    let app = &state.app;
    match action {
        Action::Agreement => {
            let update = AgreementUpdate {
                goals: Some(draft.goals.clone()),
                focus_areas: Some(draft.focus_areas.clone()),
                cadence: Some(draft.cadence.clone()),
                expected_end_on: Some(Some(draft.expected_end_on.clone())),
                contact: Some(draft.contact.clone()),
            };
            app.update_agreement(viewer, id, &update).await
        }
        Action::Pause => {
            let input = PauseInput {
                resume_on: draft.resume_on.clone(),
                reason: Some(draft.pause_reason.clone()),
            };
            app.pause_mentorship(viewer, id, &input).await
        }
        Action::Resume => app.resume_mentorship(viewer, id).await,
        Action::Complete => {
            let rating = match draft.rating.trim() {
                "" => None,
                raw => Some(raw.parse().map_err(|_| {
                    AppError::invalid("rating", "choose a rating from 1 to 5, or none")
                })?),
            };
            let input = CompleteInput {
                reflection: Some(draft.reflection.clone()),
                rating,
            };
            app.complete_mentorship(viewer, id, &input).await
        }
        Action::Cancel => {
            let input = CancelInput {
                reason: draft.cancel_reason.clone(),
            };
            app.cancel_mentorship(viewer, id, &input).await
        }
    }
}

/// Submits one of the page's forms: back to the page with a message when it worked, or
/// the page again with the form's field messages (422) or the refusal (409).
async fn submit(
    state: AppState,
    session: Session,
    viewer: Viewer,
    id: MentorshipId,
    action: Action,
    form: Vec<(String, String)>,
) -> Response {
    let draft = draft_of(&FormData(form));
    let (status, errors, problem) = match act(&state, &viewer, id, action, &draft).await {
        Ok(_) => {
            return done(&session, action.done(), &format!("/mentorships/{id}")).await;
        }
        Err(AppError::Conflict {
            field: None,
            message,
            ..
        }) => (StatusCode::CONFLICT, FieldErrors::new(), Some(message)),
        Err(err) => match field_errors(err) {
            Ok(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
            Err(other) => return error_page(&other),
        },
    };
    let submitted = Some((action.form(), draft, errors, problem));
    match detail_page(&state, &session, viewer, id, submitted).await {
        Ok(page) => render_status(status, &page),
        Err(r) => r,
    }
}

type FormBody = Form<Vec<(String, String)>>;

pub async fn agreement(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MentorshipId>,
    Form(form): FormBody,
) -> Response {
    submit(state, session, viewer, id, Action::Agreement, form).await
}

pub async fn pause(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MentorshipId>,
    Form(form): FormBody,
) -> Response {
    submit(state, session, viewer, id, Action::Pause, form).await
}

pub async fn resume(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MentorshipId>,
    Form(form): FormBody,
) -> Response {
    submit(state, session, viewer, id, Action::Resume, form).await
}

pub async fn complete(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MentorshipId>,
    Form(form): FormBody,
) -> Response {
    submit(state, session, viewer, id, Action::Complete, form).await
}

pub async fn cancel(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MentorshipId>,
    Form(form): FormBody,
) -> Response {
    submit(state, session, viewer, id, Action::Cancel, form).await
}

#[derive(Template)]
#[template(path = "admin_stalled.html")]
struct StalledPage {
    chrome: Chrome,
    list: StalledList,
}

pub async fn stalled(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let result = async {
        let list = state.app.stalled_mentorships(&viewer).await.or_page()?;
        let chrome = Chrome::new(&session, Some(viewer), "admin", "Stalled mentorships").await?;
        Ok::<_, Response>(render(&StalledPage { chrome, list }))
    };
    result.await.unwrap_or_else(|r| r)
}
