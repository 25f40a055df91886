//! The requests page: requests sent to you and by you, answered or withdrawn in place
//! (a form post and a redirect without JavaScript; with htmx, the row is swapped), and the
//! switch that turns requests to you on or off.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use lodestar_app::requests::{RequestView, StandingView};
use lodestar_app::{AppError, Viewer};
use lodestar_domain::RequestId;
use tower_sessions::Session;

use super::{Chrome, FormData, OrPage, done, error_page, render_status};
use crate::AppState;
use crate::auth::PageViewer;
use crate::error::{public_message, status_and_code};

#[derive(Template)]
#[template(path = "requests.html")]
struct RequestsPage {
    chrome: Chrome,
    incoming: Vec<RequestView>,
    outgoing: Vec<RequestView>,
    standing: StandingView,
    /// Mentors, and anyone whose requests are off, see the switch.
    show_standing: bool,
    problem: Option<String>,
}

impl RequestsPage {
    /// Rows on the whole page carry no problem of their own.
    fn no_row_problem(&self) -> Option<String> {
        None
    }
}

/// One request's row, as htmx swaps it in after an answer.
#[derive(Template)]
#[template(path = "_request_row.html")]
struct RequestRow {
    r: RequestView,
    csrf: String,
    row_problem: Option<String>,
}

async fn page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    status: StatusCode,
    problem: Option<String>,
) -> Response {
    let result = async {
        let app = &state.app;
        let all = app.requests(&viewer, None, None).await.or_page()?;
        let (incoming, outgoing) = all.into_iter().partition(RequestView::is_incoming);
        let standing = app.accepting_requests(&viewer).await.or_page()?;
        let is_mentor = app.my_profile(&viewer).await.or_page()?.is_mentor;
        let chrome = Chrome::new(session, Some(viewer), "requests", "Requests").await?;
        Ok::<_, Response>(render_status(
            status,
            &RequestsPage {
                chrome,
                incoming,
                outgoing,
                show_standing: is_mentor || !standing.accepting,
                standing,
                problem,
            },
        ))
    };
    result.await.unwrap_or_else(|r| r)
}

pub async fn list(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    page(&state, &session, viewer, StatusCode::OK, None).await
}

enum Answer {
    Accept,
    Decline(String),
    Withdraw,
}

/// Answers or withdraws a request, then shows the page again (or, for htmx, the row).
async fn act(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    headers: &HeaderMap,
    id: &str,
    answer: Answer,
) -> Response {
    let Ok(id) = id.parse::<RequestId>() else {
        return error_page(&AppError::NotFound("request"));
    };
    let app = &state.app;
    let result = match &answer {
        Answer::Accept => app.accept_request(&viewer, id).await.map(|a| {
            let other = a.request.other().name.clone();
            (
                a.request,
                format!("You accepted. Your mentorship with {other} has begun."),
            )
        }),
        Answer::Decline(reason) => {
            let reason = Some(reason.as_str()).filter(|r| !r.trim().is_empty());
            app.decline_request(&viewer, id, reason).await.map(|r| {
                let message = format!("You declined. {} has been told, kindly.", r.other().name);
                (r, message)
            })
        }
        Answer::Withdraw => app
            .withdraw_request(&viewer, id)
            .await
            .map(|r| (r, "Withdrawn.".to_owned())),
    };
    let htmx = headers.get("hx-request").is_some();
    match (result, htmx) {
        (Ok((view, _)), true) => row(session, view, None).await,
        (Ok((_, message)), false) => done(session, &message, "/requests").await,
        (Err(e @ AppError::NotFound(_)), _) => error_page(&e),
        (Err(e), true) => {
            // The row as it stands now, with why the answer was refused.
            match app.request(&viewer, id).await {
                Ok(view) => row(session, view, Some(public_message(&e))).await,
                Err(other) => error_page(&other),
            }
        }
        (Err(e), false) => {
            let (status, _) = status_and_code(&e);
            page(state, session, viewer, status, Some(public_message(&e))).await
        }
    }
}

async fn row(session: &Session, r: RequestView, row_problem: Option<String>) -> Response {
    match crate::csrf::token(session).await {
        Ok(csrf) => render_status(
            StatusCode::OK,
            &RequestRow {
                r,
                csrf,
                row_problem,
            },
        ),
        Err(e) => error_page(&e),
    }
}

pub async fn accept(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    act(&state, &session, viewer, &headers, &id, Answer::Accept).await
}

pub async fn decline(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let reason = FormData(form).text("reason");
    act(
        &state,
        &session,
        viewer,
        &headers,
        &id,
        Answer::Decline(reason),
    )
    .await
}

pub async fn withdraw(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    act(&state, &session, viewer, &headers, &id, Answer::Withdraw).await
}

/// Turns requests to the viewer on or off (`accepting=true|false`).
pub async fn set_accepting(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let accepting = FormData(form).get("accepting") == Some("true");
    match state.app.set_accepting_requests(&viewer, accepting).await {
        Ok(_) => {
            done(
                &session,
                if accepting {
                    "You are taking mentoring requests again."
                } else {
                    "You are no longer taking mentoring requests."
                },
                "/requests",
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}
