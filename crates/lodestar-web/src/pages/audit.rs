//! Instance admins: the audit log, newest first, filtered by action and actor, paged by
//! "Older".

use std::fmt::Write;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::AppError;
use lodestar_app::audit::{AuditAction, AuditPage, AuditQuery};
use lodestar_domain::FieldErrors;
use tower_sessions::Session;

use super::{Chrome, OrPage, render_status};
use crate::AppState;
use crate::auth::PageViewer;

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditLogPage {
    chrome: Chrome,
    log: AuditPage,
    query: AuditQuery,
    actions: Vec<&'static str>,
    errors: FieldErrors,
}

impl AuditLogPage {
    /// The link to the next, older page, keeping the filters (shown only when they were
    /// read, so they are an action's name and an id: nothing to escape in a URL).
    fn older_link(&self) -> Option<String> {
        let before = self.log.older?;
        let mut link = format!("/admin/audit?before={before}");
        for (name, value) in [("action", &self.query.action), ("actor", &self.query.actor)] {
            if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                let _ = write!(link, "&{name}={value}");
            }
        }
        Some(link)
    }

    fn selected(&self, action: &str) -> bool {
        self.query.action.as_deref().map(str::trim) == Some(action)
    }
}

pub async fn audit_log(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Query(query): Query<AuditQuery>,
) -> Response {
    let query = query.without_blanks();
    let page = async {
        let (status, log, errors) = match state.app.audit_log(&viewer, &query).await {
            Ok(log) => (StatusCode::OK, log, FieldErrors::new()),
            Err(AppError::Invalid(errors)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                AuditPage {
                    entries: Vec::new(),
                    older: None,
                },
                errors,
            ),
            Err(other) => return Err(other).or_page(),
        };
        let chrome = Chrome::new(&session, Some(viewer), "admin", "Audit log").await?;
        Ok::<_, Response>(render_status(
            status,
            &AuditLogPage {
                chrome,
                log,
                query,
                actions: AuditAction::ALL.iter().map(|a| a.as_str()).collect(),
                errors,
            },
        ))
    };
    page.await.unwrap_or_else(|r| r)
}
