//! The inbox page and the e-mail preferences page.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use lodestar_app::inbox::{InboxPage, InboxQuery, MarkRead, Preference, PreferenceChoices};
use lodestar_domain::mentoring::NotificationKind;
use tower_sessions::Session;

use super::{Chrome, FormData, OrPage, done, error_page, render};
use crate::AppState;
use crate::auth::PageViewer;

#[derive(Template)]
#[template(path = "notifications.html")]
struct InboxTemplate {
    chrome: Chrome,
    inbox: InboxPage,
    unread_only: bool,
}

pub async fn inbox(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Query(query): Query<InboxQuery>,
) -> Response {
    let result = async {
        let inbox = state.app.notifications(&viewer, &query).await.or_page()?;
        let chrome = Chrome::new(&session, Some(viewer), "notifications", "Notifications").await?;
        Ok::<_, Response>(render(&InboxTemplate {
            chrome,
            inbox,
            unread_only: query.unread,
        }))
    };
    result.await.unwrap_or_else(|r| r)
}

pub async fn mark_all_read(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let all = MarkRead {
        ids: None,
        all: true,
    };
    match state.app.mark_notifications_read(&viewer, &all).await {
        Ok(_) => {
            done(
                &session,
                "Every notification is marked read.",
                "/notifications",
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

/// Opening a notification marks it read and goes to its page. A form's POST, so that
/// following a link (or a browser prefetching one) never changes anything.
pub async fn open(
    State(state): State<AppState>,
    PageViewer(viewer): PageViewer,
    Path(id): Path<String>,
) -> Response {
    match state.app.open_notification(&viewer, &id).await {
        Ok(link) => Redirect::to(&link).into_response(),
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "notification_preferences.html")]
struct PreferencesTemplate {
    chrome: Chrome,
    kinds: Vec<Preference>,
}

pub async fn preferences(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let result = async {
        let preferences = state
            .app
            .notification_preferences(&viewer)
            .await
            .or_page()?;
        let chrome = Chrome::new(
            &session,
            Some(viewer),
            "notification-preferences",
            "E-mail notifications",
        )
        .await?;
        Ok::<_, Response>(render(&PreferencesTemplate {
            chrome,
            kinds: preferences.kinds,
        }))
    };
    result.await.unwrap_or_else(|r| r)
}

/// Saves the checkboxes: a kind whose box is not ticked (and so not sent) is turned off.
pub async fn save_preferences(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let ticked = form.all("email");
    let email: BTreeMap<String, bool> = NotificationKind::ALL
        .iter()
        .map(|kind| (kind.as_str().to_owned(), ticked.contains(&kind.as_str())))
        .collect();
    match state
        .app
        .set_notification_preferences(&viewer, &PreferenceChoices { email })
        .await
    {
        Ok(_) => {
            done(
                &session,
                "Your e-mail preferences are saved.",
                "/account/notifications",
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}
