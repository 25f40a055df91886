//! Admin: reported messages, with the one message each report shares and the forms to act
//! on it (warn, suspend, close the conversation, dismiss), every action listed on its
//! report; and suspended accounts, each with the form to lift the suspension.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use lodestar_app::AppError;
use lodestar_app::moderation::{ActionInput, ReportList, SuspendedList};
use lodestar_domain::PersonId;
use tower_sessions::Session;

use super::{Chrome, FormData, OrPage, done, error_page, field_errors, notify, render};
use crate::AppState;
use crate::auth::PageAdmin;

#[derive(Template)]
#[template(path = "admin_reports.html")]
struct ReportsPage {
    chrome: Chrome,
    list: ReportList,
    suspended: SuspendedList,
}

pub async fn reports(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
) -> Response {
    let result = async {
        let list = state.app.reports(&viewer).await.or_page()?;
        let suspended = state.app.suspended_accounts(&viewer).await.or_page()?;
        let chrome = Chrome::new(&session, Some(viewer), "admin", "Reported messages").await?;
        Ok::<_, Response>(render(&ReportsPage {
            chrome,
            list,
            suspended,
        }))
    };
    result.await.unwrap_or_else(|r| r)
}

pub async fn act(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let Ok(id) = id.parse() else {
        return error_page(&AppError::NotFound("report"));
    };
    let form = FormData(form);
    let input = ActionInput {
        action: form.text("action"),
        note: form.text("note"),
    };
    match state.app.act_on_report(&viewer, id, &input).await {
        Ok(report) => {
            let done = report.actions.last().map_or("Done", |a| a.label.as_str());
            notify(
                &session,
                &format!("{done}. The action is recorded on the report."),
            )
            .await;
        }
        Err(e) => match field_errors(e) {
            Ok(errors) => {
                let message = errors
                    .iter()
                    .map(|(f, m)| format!("{f} {m}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                notify(&session, &format!("Nothing was done: {message}.")).await;
            }
            Err(AppError::Conflict { message, .. }) => {
                notify(&session, &format!("Nothing was done: {message}.")).await;
            }
            Err(other) => return error_page(&other),
        },
    }
    Redirect::to(&format!("/admin/reports#report-{id}")).into_response()
}

pub async fn lift(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<PersonId>() else {
        return error_page(&AppError::NotFound("suspension"));
    };
    match state.app.lift_suspension(&viewer, id).await {
        Ok(()) => {
            done(
                &session,
                "The suspension is lifted: they can log in again.",
                "/admin/reports#suspended-heading",
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}
