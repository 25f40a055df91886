//! Webhook endpoints and their deliveries.
//!
//! An event's deliveries are written by [`enqueue`] in the event's own transaction, one row
//! per active endpoint subscribed to it, so an event and its webhooks commit (or roll back)
//! together. A sender then works them exactly as the e-mail sender works the outbox
//! ([`crate::outbox`]): [`claim`] takes due rows for a lease (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL), and each is marked [`mark_delivered`] or [`mark_failed`] with the outbox's
//! backoff, attempts and giving up ([`outbox::backoff_ms`], [`outbox::MAX_ATTEMPTS`],
//! [`outbox::GAVE_UP`]). [`retry_now`] makes a failed or given-up delivery due again.

use lodestar_domain::{PersonId, WebhookDeliveryId, WebhookId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::error::Result;
use crate::outbox::{self, GAVE_UP, MAX_ATTEMPTS, Retry};
use crate::sql::Sql;
use crate::{Backend, Db, StoreError};

/// A registered endpoint. Its secret is read only by [`secrets_of`], for the sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    pub id: WebhookId,
    pub url: String,
    pub description: String,
    /// Event wire names, as stored.
    pub events: Vec<String>,
    pub active: bool,
    pub created_by: Option<PersonId>,
    pub created_at: i64,
}

/// What an admin registers.
#[derive(Clone, Debug)]
pub struct NewWebhook<'a> {
    pub id: WebhookId,
    pub url: &'a str,
    pub description: &'a str,
    pub events: &'a [&'a str],
    pub secret: &'a str,
    pub created_by: PersonId,
    pub created_at: i64,
}

const COLUMNS: &str = "id, url, description, events, active, created_by, created_at";

fn webhook(row: &AnyRow) -> Result<Webhook> {
    let id: String = row.try_get("id")?;
    let events: String = row.try_get("events")?;
    let created_by: Option<String> = row.try_get("created_by")?;
    Ok(Webhook {
        id: parse_id(&id)?,
        url: row.try_get("url")?,
        description: row.try_get("description")?,
        events: serde_json::from_str(&events)
            .map_err(|e| StoreError::Corrupt(format!("webhook {id}'s events: {e}")))?,
        active: row.try_get::<i64, _>("active")? != 0,
        created_by: created_by.map(|p| parse_id(&p)).transpose()?,
        created_at: row.try_get("created_at")?,
    })
}

fn parse_id<T: std::str::FromStr>(raw: &str) -> Result<T> {
    raw.parse()
        .map_err(|_| StoreError::Corrupt(format!("not an id: {raw}")))
}

pub async fn create(conn: &mut AnyConnection, new: &NewWebhook<'_>) -> Result<Webhook> {
    let events = serde_json::to_string(new.events)
        .map_err(|e| StoreError::Corrupt(format!("events: {e}")))?;
    let sql = format!(
        "INSERT INTO webhooks (id, url, description, events, secret, active, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7) RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(new.id.to_string())
        .bind(new.url.to_owned())
        .bind(new.description.to_owned())
        .bind(events)
        .bind(new.secret.to_owned())
        .bind(new.created_by.to_string())
        .bind(new.created_at)
        .fetch_one(&mut *conn)
        .await?;
    webhook(&row)
}

/// Every endpoint, the newest first.
pub async fn list(db: &Db) -> Result<Vec<Webhook>> {
    let sql = format!("SELECT {COLUMNS} FROM webhooks ORDER BY created_at DESC, id DESC");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(webhook).collect()
}

pub async fn get(db: &Db, id: WebhookId) -> Result<Option<Webhook>> {
    let sql = format!("SELECT {COLUMNS} FROM webhooks WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(db.reader())
        .await?;
    row.as_ref().map(webhook).transpose()
}

/// Deletes an endpoint with its deliveries: the endpoint, or `None` if there was none.
pub async fn delete(conn: &mut AnyConnection, id: WebhookId) -> Result<Option<Webhook>> {
    let sql = format!("DELETE FROM webhooks WHERE id = $1 RETURNING {COLUMNS}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(webhook)
        .transpose()
}

/// Sets whether an endpoint is sent its events, in the caller's transaction: the endpoint
/// and whether this changed it — by one conditional update, so of two racing changes to
/// the same state one changes it — or `None` if there is none. A paused endpoint is given
/// no new deliveries, and its waiting ones are not claimed until it is resumed.
pub async fn set_active(
    conn: &mut AnyConnection,
    id: WebhookId,
    active: bool,
) -> Result<Option<(Webhook, bool)>> {
    let update = format!(
        "UPDATE webhooks SET active = $1 WHERE id = $2 AND active <> $1 RETURNING {COLUMNS}"
    );
    let changed = sqlx::query(sqlx::AssertSqlSafe(update))
        .bind(i64::from(active))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(row) = changed {
        return Ok(Some((webhook(&row)?, true)));
    }
    let read = format!("SELECT {COLUMNS} FROM webhooks WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(read))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(|row| Ok((webhook(row)?, false)))
        .transpose()
}

/// Replaces an endpoint's signing secret, in the caller's transaction: the endpoint, or
/// `None` if there is none. Deliveries still waiting are signed with the new one, since the
/// sender reads the secret when it sends.
pub async fn set_secret(
    conn: &mut AnyConnection,
    id: WebhookId,
    secret: &str,
) -> Result<Option<Webhook>> {
    let sql = format!("UPDATE webhooks SET secret = $1 WHERE id = $2 RETURNING {COLUMNS}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(secret.to_owned())
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(webhook)
        .transpose()
}

/// The signing secrets of `ids`, for the sender.
pub async fn secrets_of(db: &Db, ids: &[WebhookId]) -> Result<Vec<(WebhookId, String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id, url, secret FROM webhooks WHERE id IN (");
    sql.bind_list(ids.iter().map(ToString::to_string)).push(")");
    let rows = sql.query().fetch_all(db.reader()).await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            Ok((parse_id(&id)?, row.try_get("url")?, row.try_get("secret")?))
        })
        .collect()
}

/// Queues `event` for every active endpoint subscribed to it, in the caller's transaction:
/// `payload` makes each delivery's body from its id. Returns the deliveries' ids.
pub async fn enqueue(
    conn: &mut AnyConnection,
    event: &str,
    now: i64,
    payload: impl Fn(WebhookDeliveryId) -> String,
) -> Result<Vec<WebhookDeliveryId>> {
    let rows = sqlx::query("SELECT id, events FROM webhooks WHERE active = 1 ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    let mut queued = Vec::new();
    for row in rows {
        let webhook: String = row.try_get("id")?;
        let events: String = row.try_get("events")?;
        let events: Vec<String> = serde_json::from_str(&events)
            .map_err(|e| StoreError::Corrupt(format!("webhook {webhook}'s events: {e}")))?;
        if !events.iter().any(|e| e == event) {
            continue;
        }
        let id = WebhookDeliveryId::new();
        sqlx::query(
            "INSERT INTO webhook_deliveries (id, webhook_id, event, payload, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(id.to_string())
        .bind(webhook)
        .bind(event.to_owned())
        .bind(payload(id))
        .bind(now)
        .execute(&mut *conn)
        .await?;
        queued.push(id);
    }
    Ok(queued)
}

/// One delivery to make (or made), with where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub id: WebhookDeliveryId,
    pub webhook: WebhookId,
    pub event: String,
    pub payload: String,
    pub created_at: i64,
    /// Failed attempts so far.
    pub attempts: i64,
    /// [`GAVE_UP`] once given up.
    pub next_attempt_at: i64,
    pub delivered_at: Option<i64>,
    pub last_status: Option<i64>,
    pub last_error: String,
    pub last_attempt_at: Option<i64>,
}

const DELIVERY_COLUMNS: &str = "id, webhook_id, event, payload, created_at, attempts, \
     next_attempt_at, delivered_at, last_status, last_error, last_attempt_at";

fn delivery(row: &AnyRow) -> Result<Delivery> {
    let id: String = row.try_get("id")?;
    let webhook: String = row.try_get("webhook_id")?;
    Ok(Delivery {
        id: parse_id(&id)?,
        webhook: parse_id(&webhook)?,
        event: row.try_get("event")?,
        payload: row.try_get("payload")?,
        created_at: row.try_get("created_at")?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        delivered_at: row.try_get("delivered_at")?,
        last_status: row.try_get("last_status")?,
        last_error: row.try_get("last_error")?,
        last_attempt_at: row.try_get("last_attempt_at")?,
    })
}

/// Claims up to `limit` deliveries due at `now`, of active endpoints, for `lease_ms`:
/// until then no other sender takes them. Oldest first.
pub async fn claim(db: &Db, now: i64, lease_ms: i64, limit: i64) -> Result<Vec<Delivery>> {
    // As the outbox's claim: SKIP LOCKED lets PostgreSQL senders in several processes take
    // different rows; SQLite's one writer cannot hand a row to two.
    let sql = match db.backend() {
        Backend::Postgres => {
            "UPDATE webhook_deliveries SET claimed_until = $1 WHERE id IN (SELECT d.id \
             FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.delivered_at IS NULL AND d.next_attempt_at <= $2 AND w.active = 1 \
             AND (d.claimed_until IS NULL OR d.claimed_until < $2) \
             ORDER BY d.next_attempt_at LIMIT $3 FOR UPDATE OF d SKIP LOCKED) \
             RETURNING id, webhook_id, event, payload, created_at, attempts, \
             next_attempt_at, delivered_at, last_status, last_error, last_attempt_at"
        }
        Backend::Sqlite => {
            "UPDATE webhook_deliveries SET claimed_until = $1 WHERE id IN (SELECT d.id \
             FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.delivered_at IS NULL AND d.next_attempt_at <= $2 AND w.active = 1 \
             AND (d.claimed_until IS NULL OR d.claimed_until < $2) \
             ORDER BY d.next_attempt_at LIMIT $3) \
             RETURNING id, webhook_id, event, payload, created_at, attempts, \
             next_attempt_at, delivered_at, last_status, last_error, last_attempt_at"
        }
    };
    let rows = sqlx::query(sql)
        .bind(now.saturating_add(lease_ms))
        .bind(now)
        .bind(limit)
        .fetch_all(db.writer())
        .await?;
    let mut claimed = rows.iter().map(delivery).collect::<Result<Vec<_>>>()?;
    claimed.sort_by_key(|a| (a.created_at, a.id));
    Ok(claimed)
}

/// Marks a delivery delivered at `now` with the answer's `status`. `false` if it was
/// delivered already.
pub async fn mark_delivered(db: &Db, id: WebhookDeliveryId, status: i64, now: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE webhook_deliveries SET delivered_at = $1, last_attempt_at = $1, last_status = $2, \
         last_error = '', claimed_until = NULL WHERE id = $3 AND delivered_at IS NULL",
    )
    .bind(now)
    .bind(status)
    .bind(id.to_string())
    .execute(db.writer())
    .await?
    .rows_affected()
        > 0)
}

/// Records that delivering `delivery` failed at `now` — with the answer's `status`, or
/// none — and schedules its next attempt with the outbox's backoff, or gives it up.
pub async fn mark_failed(
    db: &Db,
    delivery: &Delivery,
    now: i64,
    status: Option<i64>,
    error: &str,
) -> Result<Retry> {
    let attempts = delivery.attempts + 1;
    let retry = if attempts >= MAX_ATTEMPTS {
        Retry::GaveUp
    } else {
        Retry::At(now.saturating_add(outbox::backoff_ms(attempts)))
    };
    let next = match retry {
        Retry::At(at) => at,
        Retry::GaveUp => GAVE_UP,
    };
    let error: String = error.chars().take(2000).collect();
    sqlx::query(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = $1, last_status = $2, \
         last_attempt_at = $3, next_attempt_at = $4, claimed_until = NULL \
         WHERE id = $5 AND delivered_at IS NULL",
    )
    .bind(error)
    .bind(status)
    .bind(now)
    .bind(next)
    .bind(delivery.id.to_string())
    .execute(db.writer())
    .await?;
    Ok(retry)
}

/// Makes an undelivered delivery due at `now` (a given-up one too), keeping its attempts.
/// `None` if there is no such delivery; `Some(false)` if it was delivered already.
pub async fn retry_now(
    conn: &mut AnyConnection,
    id: WebhookDeliveryId,
    now: i64,
) -> Result<Option<bool>> {
    let moved = sqlx::query(
        "UPDATE webhook_deliveries SET next_attempt_at = $1, claimed_until = NULL \
         WHERE id = $2 AND delivered_at IS NULL",
    )
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if moved > 0 {
        return Ok(Some(true));
    }
    let found = sqlx::query("SELECT 1 AS found FROM webhook_deliveries WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.map(|_| false))
}

pub async fn delivery_by_id(db: &Db, id: WebhookDeliveryId) -> Result<Option<Delivery>> {
    let sql = format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(db.reader())
        .await?;
    row.as_ref().map(delivery).transpose()
}

/// An endpoint's deliveries, the newest first, `limit` from `offset`.
pub async fn deliveries(
    db: &Db,
    webhook: WebhookId,
    limit: i64,
    offset: i64,
) -> Result<Vec<Delivery>> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(webhook.to_string())
        .bind(limit)
        .bind(offset)
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(delivery).collect()
}

/// When the next undelivered delivery is due (or its claim runs out), if any waits.
pub async fn next_due(db: &Db) -> Result<Option<i64>> {
    let row = sqlx::query(
        "SELECT MIN(CASE WHEN claimed_until IS NOT NULL AND claimed_until > next_attempt_at \
         THEN claimed_until ELSE next_attempt_at END) AS due \
         FROM webhook_deliveries WHERE delivered_at IS NULL AND next_attempt_at < $1",
    )
    .bind(GAVE_UP)
    .fetch_one(db.reader())
    .await?;
    Ok(row.try_get("due")?)
}
