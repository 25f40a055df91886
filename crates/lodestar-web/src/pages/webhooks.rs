//! Admin: webhook endpoints (add one — its secret shown once —, delete), and one
//! endpoint's deliveries with a Retry button for those that have not gone through.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lodestar_app::AppError;
use lodestar_app::webhooks::{CreatedWebhook, DeliveryList, WebhookInput, WebhookList};
use lodestar_domain::webhook::WebhookEvent;
use lodestar_domain::{FieldErrors, WebhookDeliveryId, WebhookId};
use serde::Deserialize;
use tower_sessions::Session;

use super::{Chrome, FormData, OrPage, PageId, done, error_page, field_errors, notify};
use crate::AppState;
use crate::auth::PageAdmin;

/// An event as the form offers it.
pub struct EventChoice {
    pub name: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "admin_webhooks.html")]
struct WebhooksPage {
    chrome: Chrome,
    list: WebhookList,
    new: WebhookInput,
    choices: Vec<EventChoice>,
    errors: FieldErrors,
    created: Option<CreatedWebhook>,
}

async fn webhooks_page(
    state: &AppState,
    session: &Session,
    viewer: lodestar_app::Viewer,
    new: WebhookInput,
    errors: FieldErrors,
    created: Option<CreatedWebhook>,
) -> Result<WebhooksPage, Response> {
    let list = state.app.webhooks(&viewer).await.or_page()?;
    let choices = WebhookEvent::ALL
        .iter()
        .map(|e| EventChoice {
            name: e.as_str(),
            label: e.label(),
            checked: new.events.iter().any(|n| n == e.as_str()),
        })
        .collect();
    let chrome = Chrome::new(session, Some(viewer), "admin", "Webhooks").await?;
    Ok(WebhooksPage {
        chrome,
        list,
        new,
        choices,
        errors,
        created,
    })
}

pub async fn list(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
) -> Response {
    let page = webhooks_page(
        &state,
        &session,
        viewer,
        WebhookInput::default(),
        FieldErrors::new(),
        None,
    )
    .await;
    super::render_made(StatusCode::OK, page)
}

/// Adds an endpoint and answers with the list and, this once, its secret.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = WebhookInput {
        url: form.text("url"),
        description: form.text("description"),
        events: form.all("events").into_iter().map(str::to_owned).collect(),
    };
    match state.app.create_webhook(&viewer, &input).await {
        Ok(created) => {
            let page = webhooks_page(
                &state,
                &session,
                viewer,
                WebhookInput::default(),
                FieldErrors::new(),
                Some(created),
            )
            .await;
            super::render_made(StatusCode::CREATED, page)
        }
        Err(err) => match field_errors(err) {
            Ok(errors) => {
                let page = webhooks_page(&state, &session, viewer, input, errors, None).await;
                super::render_made(StatusCode::UNPROCESSABLE_ENTITY, page)
            }
            Err(other) => error_page(&other),
        },
    }
}

pub async fn delete(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    PageId(id): PageId<WebhookId>,
) -> Response {
    match state.app.delete_webhook(&viewer, id).await {
        Ok(()) => done(&session, "The webhook is deleted.", "/admin/webhooks").await,
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "admin_webhook.html")]
struct WebhookPage {
    chrome: Chrome,
    list: DeliveryList,
    /// A new signing secret, shown this once.
    secret: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

async fn webhook_page(
    state: &AppState,
    session: &Session,
    viewer: lodestar_app::Viewer,
    id: WebhookId,
    page: Option<i64>,
    secret: Option<String>,
) -> Result<WebhookPage, Response> {
    let list = state
        .app
        .webhook_deliveries(&viewer, id, page)
        .await
        .or_page()?;
    let chrome = Chrome::new(session, Some(viewer), "admin", "Webhook deliveries").await?;
    Ok(WebhookPage {
        chrome,
        list,
        secret,
    })
}

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    PageId(id): PageId<WebhookId>,
    Query(query): Query<PageQuery>,
) -> Response {
    let page = webhook_page(&state, &session, viewer, id, query.page, None).await;
    super::render_made(StatusCode::OK, page)
}

/// Pauses (`active=0`) or resumes (`active=1`) an endpoint.
pub async fn set_active(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    PageId(id): PageId<WebhookId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let active = FormData(form).text("active") == "1";
    let change = lodestar_app::webhooks::WebhookChange {
        active: Some(active),
    };
    match state.app.update_webhook(&viewer, id, &change).await {
        Ok(_) => {
            let said = if active {
                "The webhook is resumed: its waiting deliveries are sent, and new events too."
            } else {
                "The webhook is paused: nothing is sent to it, and new events are not kept for it, until you resume it."
            };
            done(&session, said, &format!("/admin/webhooks/{id}")).await
        }
        Err(e) => error_page(&e),
    }
}

/// Gives an endpoint a new signing secret, and shows it this once.
pub async fn roll_secret(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    PageId(id): PageId<WebhookId>,
) -> Response {
    match state.app.roll_webhook_secret(&viewer, id).await {
        Ok(rolled) => {
            let page = webhook_page(&state, &session, viewer, id, None, Some(rolled.secret)).await;
            super::render_made(StatusCode::OK, page)
        }
        Err(e) => error_page(&e),
    }
}

pub async fn retry(
    State(state): State<AppState>,
    session: Session,
    PageAdmin(viewer): PageAdmin,
    PageId(id): PageId<WebhookDeliveryId>,
) -> Response {
    match state.app.retry_webhook_delivery(&viewer, id).await {
        Ok(delivery) => {
            done(
                &session,
                "The delivery will be tried again in a moment.",
                &format!("/admin/webhooks/{}#delivery-{id}", delivery.webhook_id),
            )
            .await
        }
        Err(AppError::Conflict { message, .. }) => {
            notify(&session, &format!("Nothing was done: {message}.")).await;
            Redirect::to("/admin/webhooks").into_response()
        }
        Err(e) => error_page(&e),
    }
}
