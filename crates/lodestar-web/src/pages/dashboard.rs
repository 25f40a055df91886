//! The dashboard: what to do next, from the app's `dashboard` service.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use lodestar_app::dashboard::Dashboard;
use tower_sessions::Session;

use super::{Chrome, OrPage, render};
use crate::AppState;
use crate::auth::PageViewer;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    d: Dashboard,
}

pub async fn dashboard(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let result = async {
        let d = state.app.dashboard(&viewer).await.or_page()?;
        let chrome = Chrome::new(&session, Some(viewer), "dashboard", "Dashboard").await?;
        Ok::<_, Response>(render(&DashboardPage { chrome, d }))
    };
    result.await.unwrap_or_else(|r| r)
}
