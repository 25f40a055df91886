//! The "Network" page (your connections, requests waiting for your answer, your own
//! requests, and whether you hide your connections), and the connection forms a person's
//! page offers. Every form posts to the services the API calls, and works without
//! JavaScript.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::network::{ConnectionRequest, ConnectionsView, NetworkSettings};
use lodestar_domain::{ConnectionId, PersonId};
use tower_sessions::Session;

use super::{Chrome, FormData, PageId, PathRecord, done, error_page, render_made};
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
