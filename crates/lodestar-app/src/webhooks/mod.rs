//! Signed webhooks: instance admins register endpoints for some of the events
//! ([`WebhookEvent`]), each with a secret shown once; the services queue an event's
//! deliveries in its own transaction ([`App::queue_webhook`]); the sender ([`sender`])
//! posts them signed, retrying with the outbox's backoff; admins read every delivery and
//! retry a failed one now.

pub mod sender;

use base64::Engine;
use lodestar_domain::webhook::{self, WebhookEvent};
use lodestar_domain::{FieldErrors, WebhookDeliveryId, WebhookId};
use lodestar_store::outbox::GAVE_UP;
use lodestar_store::webhooks::{self as store, Delivery, NewWebhook, Webhook};
use lodestar_store::{Conn, now_ms};
use rand::RngExt;
use reqwest::Url;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::{self, Audit, AuditAction};
use crate::busy_calendar::fetch;
use crate::meetings::rfc3339;
use crate::{App, AppError, Viewer};

pub use sender::{SIGNATURE_HEADER, Settings, sign};

/// The longest description of an endpoint.
pub const MAX_DESCRIPTION: usize = 200;
/// Deliveries listed per page.
pub const PAGE_SIZE: i64 = 50;
/// What begins every secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// An endpoint as admins see it: never its secret.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: String,
    pub url: String,
    pub description: String,
    /// The events it is sent, by wire name (`request.accepted`, …).
    pub events: Vec<String>,
    pub active: bool,
    /// Epoch milliseconds.
    pub created_at: i64,
}

impl From<Webhook> for WebhookView {
    fn from(w: Webhook) -> Self {
        Self {
            id: w.id.to_string(),
            url: w.url,
            description: w.description,
            events: w.events,
            active: w.active,
            created_at: w.created_at,
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub webhooks: Vec<WebhookView>,
    /// Every event an endpoint can subscribe to, by wire name.
    pub events: Vec<String>,
}

/// An endpoint with its signing secret, which is shown this once: when it is added, and
/// when it is given a new one.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    pub webhook: WebhookView,
    /// `whsec_…`: the HMAC-SHA256 key, used exactly as written. Not shown again.
    pub secret: String,
}

/// A change to an endpoint.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct WebhookChange {
    /// `false` pauses it: no new deliveries, and the waiting ones wait; `true` resumes it.
    pub active: Option<bool>,
}

/// A new endpoint: where, what for, and which events.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct WebhookInput {
    /// An `http://` or `https://` address, at most 2,000 characters.
    pub url: String,
    #[serde(default)]
    pub description: String,
    /// Event wire names; at least one.
    #[serde(default)]
    pub events: Vec<String>,
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Not tried yet.
    Pending,
    /// Failed, and tried again at `next_attempt_at`.
    Retrying,
    /// Failed too often; tried again only when an admin asks.
    GivenUp,
    Delivered,
}

impl DeliveryState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Retrying => "retrying",
            Self::GivenUp => "given up",
            Self::Delivered => "delivered",
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: String,
    pub webhook_id: String,
    pub event: String,
    pub state: DeliveryState,
    /// When the event happened (epoch ms).
    pub created_at: i64,
    /// Failed attempts so far.
    pub attempts: i64,
    /// The last answer's HTTP status; none when no answer came.
    pub last_status: Option<i64>,
    pub last_error: String,
    pub last_attempt_at: Option<i64>,
    pub delivered_at: Option<i64>,
    /// When it is tried next; none once delivered or given up.
    pub next_attempt_at: Option<i64>,
    /// The body as it is sent.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        let state = if d.delivered_at.is_some() {
            DeliveryState::Delivered
        } else if d.next_attempt_at == GAVE_UP {
            DeliveryState::GivenUp
        } else if d.attempts > 0 {
            DeliveryState::Retrying
        } else {
            DeliveryState::Pending
        };
        Self {
            id: d.id.to_string(),
            webhook_id: d.webhook.to_string(),
            event: d.event,
            state,
            created_at: d.created_at,
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            last_attempt_at: d.last_attempt_at,
            delivered_at: d.delivered_at,
            next_attempt_at: (state == DeliveryState::Pending || state == DeliveryState::Retrying)
                .then_some(d.next_attempt_at),
            payload: serde_json::from_str(&d.payload).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// A page of an endpoint's deliveries, the newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    pub webhook: WebhookView,
    pub deliveries: Vec<DeliveryView>,
    /// This page, from 1.
    pub page: i64,
    /// The next (older) page, if there is one.
    pub next_page: Option<i64>,
}

fn require_admin(viewer: &Viewer) -> Result<(), AppError> {
    if viewer.is_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A new secret: 32 random bytes, base64url, after [`SECRET_PREFIX`].
fn new_secret() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Checks an endpoint's address as the sender will use it: the domain's rules, a URL
/// that parses, no user name or password (they would be stored and shown), and not an
/// address literal the fetch guard refuses.
pub fn parse_url(raw: &str, allow_private: bool) -> Result<String, String> {
    let checked = webhook::check_url(raw)?;
    let url = Url::parse(&checked)
        .map_err(|_| "must be a web address such as https://hooks.example.org/lodestar")?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain a user name or password".into());
    }
    fetch::check_url(&url, allow_private).map_err(|e| format!("cannot be used: {e}"))?;
    let url = url.to_string();
    if url.chars().count() > webhook::MAX_URL_CHARS {
        return Err(format!(
            "must be at most {} characters",
            webhook::MAX_URL_CHARS
        ));
    }
    Ok(url)
}

impl App {
    /// Admins: every endpoint, the newest first.
    pub async fn webhooks(&self, viewer: &Viewer) -> Result<WebhookList, AppError> {
        require_admin(viewer)?;
        Ok(WebhookList {
            webhooks: store::list(&self.db)
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
            events: WebhookEvent::ALL
                .iter()
                .map(|e| e.as_str().to_owned())
                .collect(),
        })
    }

    /// Admins: one endpoint.
    pub async fn webhook(&self, viewer: &Viewer, id: WebhookId) -> Result<WebhookView, AppError> {
        require_admin(viewer)?;
        store::get(&self.db, id)
            .await?
            .map(Into::into)
            .ok_or(AppError::NotFound("webhook"))
    }

    /// Admins: registers an endpoint, every bad field reported at once. The answer holds
    /// the secret, which is never shown again.
    pub async fn create_webhook(
        &self,
        viewer: &Viewer,
        input: &WebhookInput,
    ) -> Result<CreatedWebhook, AppError> {
        require_admin(viewer)?;
        let mut errors = FieldErrors::new();
        let url = errors.check(
            "url",
            parse_url(&input.url, self.policy.webhooks.allow_private),
        );
        let description = errors.check(
            "description",
            lodestar_domain::text::one_line(&input.description, MAX_DESCRIPTION),
        );
        let events = errors.check("events", webhook::parse_events(&input.events));
        errors.into_result()?;
        let (Some(url), Some(description), Some(events)) = (url, description, events) else {
            return Err(AppError::Internal("checked fields missing".into()));
        };
        let names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
        let secret = new_secret();
        let mut tx = self.db.begin().await?;
        let made = store::create(
            &mut tx,
            &NewWebhook {
                id: WebhookId::new(),
                url: &url,
                description: &description,
                events: &names,
                secret: &secret,
                created_by: viewer.id,
                created_at: now_ms(),
            },
        )
        .await?;
        let summary = format!("Added the webhook {}", made.url);
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::WebhookAdd, "webhook", made.id, summary).detail(
                serde_json::json!({
                    "url": made.url,
                    "description": made.description,
                    "events": names,
                }),
            ),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        tracing::info!(webhook = %made.id, url = %made.url, "webhook registered");
        Ok(CreatedWebhook {
            webhook: made.into(),
            secret,
        })
    }

    /// Admins: pauses an endpoint (`active: false`) — no new deliveries, and the waiting
    /// ones wait — or resumes it. Setting what is already so changes nothing and records
    /// nothing.
    pub async fn update_webhook(
        &self,
        viewer: &Viewer,
        id: WebhookId,
        change: &WebhookChange,
    ) -> Result<WebhookView, AppError> {
        require_admin(viewer)?;
        let Some(active) = change.active else {
            return Err(AppError::invalid(
                "active",
                "say whether the endpoint is sent its events: true or false",
            ));
        };
        let mut tx = self.db.begin().await?;
        let (now, changed) = store::set_active(&mut tx, id, active)
            .await?
            .ok_or(AppError::NotFound("webhook"))?;
        if changed {
            let (action, verb) = if active {
                (AuditAction::WebhookResume, "Resumed")
            } else {
                (AuditAction::WebhookPause, "Paused")
            };
            let summary = format!("{verb} the webhook {}", now.url);
            audit::record(
                &mut tx,
                viewer,
                Audit::new(action, "webhook", id, summary)
                    .detail(serde_json::json!({ "url": now.url })),
            )
            .await?;
        }
        lodestar_store::commit(tx).await?;
        tracing::info!(webhook = %id, active, "webhook updated");
        Ok(now.into())
    }

    /// Admins: gives an endpoint a new signing secret, shown this once; the old one stops
    /// signing at once, deliveries still waiting included.
    pub async fn roll_webhook_secret(
        &self,
        viewer: &Viewer,
        id: WebhookId,
    ) -> Result<CreatedWebhook, AppError> {
        require_admin(viewer)?;
        let secret = new_secret();
        let mut tx = self.db.begin().await?;
        let rolled = store::set_secret(&mut tx, id, &secret)
            .await?
            .ok_or(AppError::NotFound("webhook"))?;
        let summary = format!("Gave the webhook {} a new signing secret", rolled.url);
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::WebhookRollSecret, "webhook", id, summary)
                .detail(serde_json::json!({ "url": rolled.url })),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        tracing::info!(webhook = %id, "webhook secret rolled");
        Ok(CreatedWebhook {
            webhook: rolled.into(),
            secret,
        })
    }

    /// Admins: removes an endpoint and its deliveries.
    pub async fn delete_webhook(&self, viewer: &Viewer, id: WebhookId) -> Result<(), AppError> {
        require_admin(viewer)?;
        let mut tx = self.db.begin().await?;
        let gone = store::delete(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound("webhook"))?;
        let summary = format!("Removed the webhook {}", gone.url);
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::WebhookRemove, "webhook", id, summary)
                .detail(serde_json::json!({ "url": gone.url })),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        tracing::info!(webhook = %id, "webhook deleted");
        Ok(())
    }

    /// Admins: an endpoint's deliveries, the newest first, `page` from 1.
    pub async fn webhook_deliveries(
        &self,
        viewer: &Viewer,
        id: WebhookId,
        page: Option<i64>,
    ) -> Result<DeliveryList, AppError> {
        let webhook = self.webhook(viewer, id).await?;
        let page = page.unwrap_or(1).max(1);
        let offset = (page - 1).saturating_mul(PAGE_SIZE);
        let mut found = store::deliveries(&self.db, id, PAGE_SIZE + 1, offset).await?;
        let more = found.len() as i64 > PAGE_SIZE;
        found.truncate(usize::try_from(PAGE_SIZE).unwrap_or(50));
        Ok(DeliveryList {
            webhook,
            deliveries: found.into_iter().map(Into::into).collect(),
            page,
            next_page: more.then_some(page + 1),
        })
    }

    /// Admins: makes a delivery that has not gone through due now, a given-up one too.
    /// A delivered one is 409 `already_delivered`.
    pub async fn retry_webhook_delivery(
        &self,
        viewer: &Viewer,
        id: WebhookDeliveryId,
    ) -> Result<DeliveryView, AppError> {
        require_admin(viewer)?;
        let mut tx = self.db.begin().await?;
        match store::retry_now(&mut tx, id, now_ms()).await? {
            None => Err(AppError::NotFound("delivery")),
            Some(false) => Err(AppError::Conflict {
                code: "already_delivered",
                field: None,
                message: "this delivery went through already".into(),
            }),
            Some(true) => {
                let retry = Audit::new(
                    AuditAction::WebhookRetry,
                    "webhook_delivery",
                    id,
                    "Sent a webhook delivery again",
                );
                audit::record(&mut tx, viewer, retry).await?;
                lodestar_store::commit(tx).await?;
                store::delivery_by_id(&self.db, id)
                    .await?
                    .map(Into::into)
                    .ok_or(AppError::NotFound("delivery"))
            }
        }
    }

    /// The webhook an endpoint registered for `event` is sent: queued in the caller's
    /// transaction, so it goes out if and only if the event commits. `data` names ids and
    /// the least facts a receiver needs; never private content.
    pub(crate) async fn queue_webhook(
        &self,
        conn: &mut Conn,
        event: WebhookEvent,
        data: serde_json::Value,
    ) -> Result<(), AppError> {
        let now = now_ms();
        let occurred_at = rfc3339(now);
        store::enqueue(conn, event.as_str(), now, |id| {
            serde_json::json!({
                "id": id.to_string(),
                "event": event.as_str(),
                "occurred_at": occurred_at,
                "data": data,
            })
            .to_string()
        })
        .await?;
        Ok(())
    }
}

/// `mentorship.started`'s data: the mentorship, who is in it in which role, and where it
/// came from (a request, a programme, a one-off conversation).
pub(crate) fn mentorship_started(
    new: &lodestar_store::mentorships::NewMentorship,
    kind: lodestar_domain::mentoring::MentorshipKind,
) -> serde_json::Value {
    let members: Vec<serde_json::Value> = new
        .members
        .iter()
        .map(|(person, role)| serde_json::json!({"person_id": person, "role": role.as_str()}))
        .collect();
    serde_json::json!({
        "mentorship_id": new.id,
        "kind": kind.as_str(),
        "request_id": new.request,
        "programme_id": new.programme,
        "members": members,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_address_is_a_web_address_without_credentials_or_a_private_literal() {
        assert_eq!(
            parse_url("https://hooks.example.org/x", false).as_deref(),
            Ok("https://hooks.example.org/x")
        );
        assert!(parse_url("https://user:pw@hooks.example.org/x", false).is_err());
        assert!(parse_url("http://127.0.0.1:8080/x", false).is_err_and(|e| e.contains("private")));
        assert!(parse_url("http://127.0.0.1:8080/x", true).is_ok());
        assert!(parse_url("http://[::1]/x", false).is_err());
        assert!(parse_url("javascript:alert(1)", true).is_err());
    }

    #[test]
    fn a_secret_is_32_random_bytes_after_its_prefix() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        let raw = a.strip_prefix(SECRET_PREFIX).unwrap_or_default();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw)
            .unwrap_or_default();
        assert_eq!(bytes.len(), 32);
    }
}
