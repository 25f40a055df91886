//! The "Network" page (your connections, requests waiting for your answer, your own
//! requests, and whether you hide your connections), and the connection forms a person's
//! page offers. Every form posts to the services the API calls, and works without
//! JavaScript.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::catalogue::SkillView;
use lodestar_app::network::introductions::{AskInput, IntroductionInput, IntroductionsView};
use lodestar_app::network::paths::{PathQuery, PathsView};
use lodestar_app::network::{ConnectedPerson, ConnectionRequest, ConnectionsView, NetworkSettings};
use lodestar_app::{AppError, Viewer};
use lodestar_domain::network::{AskState, IntroductionState};
use lodestar_domain::{ConnectionId, FieldErrors, IntroductionAskId, IntroductionId, PersonId};
use tower_sessions::Session;

use super::{Chrome, FormData, OrPage, PageId, PathRecord, done, error_page, render_made};
use crate::AppState;
use crate::auth::PageViewer;

impl PathRecord for ConnectionId {
    const WHAT: &'static str = "connection";
}

#[derive(Template)]
#[template(path = "network.html")]
struct NetworkPage {
    chrome: Chrome,
    n: ConnectionsView,
}

pub async fn network(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let page = async {
        let n = state
            .app
            .my_connections(&viewer)
            .await
            .map_err(|e| error_page(&e))?;
        let chrome = Chrome::new(&session, Some(viewer), "network", "Network").await?;
        Ok(NetworkPage { chrome, n })
    };
    render_made(StatusCode::OK, page.await)
}

/// Hides the viewer's connections from others, or shows them again.
pub async fn settings(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let hide = FormData(form).checked("hide_connections");
    let settings = NetworkSettings {
        hide_connections: hide,
    };
    match state.app.set_network_settings(&viewer, &settings).await {
        Ok(_) if hide => {
            done(
                &session,
                "Your connections are hidden from others.",
                "/network",
            )
            .await
        }
        Ok(_) => {
            done(
                &session,
                "Others see the connections they share with you.",
                "/network",
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

/// Asks the person whose page this is to connect (or accepts their request).
pub async fn connect(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(person): PageId<PersonId>,
) -> Response {
    let input = ConnectionRequest {
        person_id: person.to_string(),
    };
    let back = format!("/people/{person}");
    match state.app.request_connection(&viewer, &input).await {
        Ok(c) if c.state == lodestar_domain::network::ConnectionState::Accepted => {
            done(
                &session,
                &format!("You are connected with {}.", c.person.name),
                &back,
            )
            .await
        }
        Ok(c) => {
            done(
                &session,
                &format!("{} is asked to connect.", c.person.name),
                &back,
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

/// Accepts a request to connect.
pub async fn accept(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ConnectionId>,
) -> Response {
    match state.app.accept_connection(&viewer, id).await {
        Ok(c) => {
            done(
                &session,
                &format!("You are connected with {}.", c.person.name),
                "/network",
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

/// Removes a connection, declines a request or withdraws one; back to where it was done.
pub async fn remove(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ConnectionId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    // Only a person's page of ours to go back to, nothing else.
    let back = form
        .get("back")
        .and_then(|b| b.strip_prefix("/people/"))
        .and_then(|id| id.parse::<PersonId>().ok())
        .map_or_else(|| "/network".to_owned(), |id| format!("/people/{id}"));
    match state.app.remove_connection(&viewer, id).await {
        Ok(()) => {
            done(
                &session,
                "Done: there is no connection between you now.",
                &back,
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

impl PathRecord for IntroductionId {
    const WHAT: &'static str = "introduction";
}

impl PathRecord for IntroductionAskId {
    const WHAT: &'static str = "request";
}

#[derive(Template)]
#[template(path = "network_find.html")]
struct FindPage {
    chrome: Chrome,
    query: PathQuery,
    found: Option<PathsView>,
    errors: FieldErrors,
    skills: Vec<SkillView>,
    industries: Vec<String>,
}

impl FindPage {
    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or_default()
    }
}

/// "Who can introduce me": the search form and the paths it finds, each with a button to
/// ask the first person on it for an introduction to the next.
pub async fn find(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Query(query): Query<PathQuery>,
) -> Response {
    let page = async {
        let asked = [
            &query.skill,
            &query.organisation,
            &query.industry,
            &query.role,
        ]
        .iter()
        .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()));
        let (found, errors) = if asked || query.min_level.is_some() {
            match state.app.paths(&viewer, &query).await {
                Ok(found) => (Some(found), FieldErrors::new()),
                Err(AppError::Invalid(errors)) => (None, errors),
                Err(e) => return Err(error_page(&e)),
            }
        } else {
            (None, FieldErrors::new())
        };
        let skills = state.app.skills(false).await.or_page()?;
        let industries = state.app.industries().await.or_page()?;
        let chrome = Chrome::new(&session, Some(viewer), "network", "Who can introduce me").await?;
        Ok(FindPage {
            chrome,
            query,
            found,
            errors,
            skills,
            industries,
        })
    };
    let page = page.await;
    let status = match &page {
        Ok(p) if !p.errors.is_empty() => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    render_made(status, page)
}

#[derive(Template)]
#[template(path = "introductions.html")]
struct IntroductionsPage {
    chrome: Chrome,
    i: IntroductionsView,
    connections: Vec<ConnectedPerson>,
    /// The introduce form's values and problems, after a refused attempt.
    form: IntroduceForm,
    errors: FieldErrors,
}

#[derive(Default)]
struct IntroduceForm {
    a: String,
    b: String,
    note: String,
}

async fn introductions_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    form: IntroduceForm,
    errors: FieldErrors,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = async {
        let (i, mine) = tokio::try_join!(
            state.app.introductions(&viewer),
            state.app.my_connections(&viewer)
        )
        .map_err(|e| error_page(&e))?;
        let chrome = Chrome::new(session, Some(viewer), "network", "Introductions").await?;
        Ok(IntroductionsPage {
            chrome,
            i,
            connections: mine.connections.into_iter().map(|c| c.person).collect(),
            form,
            errors,
        })
    };
    render_made(status, page.await)
}

/// Introductions of you, those you made, requests for introductions, and a form to
/// introduce two of your connections.
pub async fn introductions(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    introductions_page(
        &state,
        &session,
        viewer,
        IntroduceForm::default(),
        FieldErrors::new(),
    )
    .await
}

/// Introduces two of the viewer's connections (answering a request, if it came with one).
pub async fn introduce(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = IntroductionInput {
        a: form.text("a"),
        b: form.text("b"),
        note: form.text("note"),
        ask_id: form.get("ask_id").map(str::to_owned),
    };
    match state.app.introduce(&viewer, &input).await {
        Ok(made) => {
            let names: Vec<&str> = made.people.iter().map(|p| p.name.as_str()).collect();
            done(
                &session,
                &format!(
                    "You introduced {}. Each of them is asked privately.",
                    names.join(" and ")
                ),
                "/network/introductions",
            )
            .await
        }
        Err(AppError::Invalid(errors)) => {
            let form = IntroduceForm {
                a: input.a,
                b: input.b,
                note: input.note,
            };
            introductions_page(&state, &session, viewer, form, errors).await
        }
        Err(e) => error_page(&e),
    }
}

/// Accepts an introduction of the viewer.
pub async fn accept_introduction(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<IntroductionId>,
) -> Response {
    answer_introduction(state, session, viewer, id, true).await
}

/// Declines an introduction of the viewer.
pub async fn decline_introduction(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<IntroductionId>,
) -> Response {
    answer_introduction(state, session, viewer, id, false).await
}

async fn answer_introduction(
    state: AppState,
    session: Session,
    viewer: Viewer,
    id: IntroductionId,
    accept: bool,
) -> Response {
    match state.app.answer_introduction(&viewer, id, accept).await {
        Ok(i) => {
            let other = i.people.first().map_or("them", |p| p.name.as_str());
            let message = match (accept, i.status) {
                (true, IntroductionState::Connected) => {
                    format!("You and {other} are connected now.")
                }
                (true, _) => format!("Accepted. You will be connected when {other} accepts too."),
                (false, _) => "Declined. Nobody is told; they see \"not now\".".to_owned(),
            };
            done(&session, &message, "/network/introductions").await
        }
        Err(e) => error_page(&e),
    }
}

/// Asks a connection for an introduction: to someone on a path (`target_id`), or to
/// someone matching the find form's query.
pub async fn ask(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let optional = |name: &str| {
        form.get(name)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned)
    };
    let input = AskInput {
        person_id: form.text("person_id"),
        target_id: optional("target_id"),
        skill: optional("skill"),
        min_level: optional("min_level").and_then(|l| l.trim().parse().ok()),
        mentors: form.get("mentors").map(|m| m == "true"),
        organisation: optional("organisation"),
        industry: optional("industry"),
        role: optional("role"),
        note: optional("note"),
    };
    match state.app.ask_introduction(&viewer, &input).await {
        Ok(asked) => {
            done(
                &session,
                &format!(
                    "{} is asked to introduce you to {}.",
                    asked.connector.name, asked.looking_for
                ),
                "/network/introductions",
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

/// The connection asked answers "not now".
pub async fn decline_ask(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<IntroductionAskId>,
) -> Response {
    close_ask(state, session, viewer, id, AskState::NotNow).await
}

/// The asker withdraws their request.
pub async fn withdraw_ask(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<IntroductionAskId>,
) -> Response {
    close_ask(state, session, viewer, id, AskState::Withdrawn).await
}

async fn close_ask(
    state: AppState,
    session: Session,
    viewer: Viewer,
    id: IntroductionAskId,
    to: AskState,
) -> Response {
    match state.app.close_ask(&viewer, id, to).await {
        Ok(a) if to == AskState::Withdrawn => {
            done(
                &session,
                &format!("Your request to {} is withdrawn.", a.connector.name),
                "/network/introductions",
            )
            .await
        }
        Ok(a) => {
            done(
                &session,
                &format!("{} sees \"not now\".", a.asker.name),
                "/network/introductions",
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}
