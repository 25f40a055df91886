//! The e-mail outbox: messages queued in the transaction of the event they tell of
//! ([`crate::notifications::push`]) and delivered later by a sender.
//!
//! A sender [`claim`]s a batch of due messages for a lease (`claimed_until`), delivers them,
//! and marks each [`mark_sent`] or [`mark_failed`]. A claim is one statement that only one
//! process can win for a row, so several senders never send a message twice; a sender that
//! dies mid-batch leaves its claims to run out, and the messages are picked up again. All
//! state is in the table, so delivery survives restarts.
//!
//! A failed message is tried again after an exponential backoff ([`backoff_ms`]): 30 s,
//! 1 min, 2 min, … capped at one hour. After [`MAX_ATTEMPTS`] failures it is given up: it
//! stays in the table unsent, with its last error, and `next_attempt_at` at
//! [`GAVE_UP`], so it is never claimed again but is counted (and can be retried by setting
//! `next_attempt_at` back to a time in the past).

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::Result;
use crate::sql::Sql;
use crate::{Backend, Db};

/// Failures after which a message is given up (about 8 hours of trying, with the backoff).
pub const MAX_ATTEMPTS: i64 = 12;
/// `next_attempt_at` of a message that is given up: never due.
pub const GAVE_UP: i64 = i64::MAX;
/// The first retry's delay; each further failure doubles it.
pub const FIRST_BACKOFF_MS: i64 = 30_000;
/// The longest delay between two attempts.
pub const MAX_BACKOFF_MS: i64 = 60 * 60 * 1000;

/// One message to deliver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub id: String,
    pub recipient: String,
    pub recipient_name: String,
    pub subject: String,
    pub body: String,
    /// An iCalendar object, sent as a `text/calendar` part and an `invite.ics` attachment.
    pub calendar: Option<String>,
    /// The object's METHOD (`REQUEST`, `CANCEL`).
    pub calendar_method: Option<String>,
    pub created_at: i64,
    /// Failed attempts so far.
    pub attempts: i64,
}

fn outgoing(row: &AnyRow) -> Result<Outgoing> {
    Ok(Outgoing {
        id: row.try_get("id")?,
        recipient: row.try_get("recipient")?,
        recipient_name: row.try_get("recipient_name")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        calendar: row.try_get("calendar")?,
        calendar_method: row.try_get("calendar_method")?,
        created_at: row.try_get("created_at")?,
        attempts: row.try_get("attempts")?,
    })
}

/// Claims up to `limit` messages due at `now` for `lease_ms`: until then no other sender
/// takes them. Oldest due first.
pub async fn claim(db: &Db, now: i64, lease_ms: i64, limit: i64) -> Result<Vec<Outgoing>> {
    // The one query each backend writes its own way. PostgreSQL: senders in several
    // processes run this at once; SKIP LOCKED lets each take rows the others have not
    // locked instead of waiting on them, and a row another claim committed meanwhile is
    // re-checked against the WHERE (it is claimed now, so it drops out). SQLite has one
    // writer at a time, so the plain statement cannot hand a row to two senders.
    let sql = match db.backend() {
        Backend::Postgres => {
            "UPDATE outbox SET claimed_until = $1 WHERE id IN (SELECT id FROM outbox \
             WHERE sent_at IS NULL AND next_attempt_at <= $2 \
             AND (claimed_until IS NULL OR claimed_until < $2) \
             ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) \
             RETURNING id, recipient, recipient_name, subject, body, calendar, calendar_method, \
             created_at, attempts"
        }
        Backend::Sqlite => {
            "UPDATE outbox SET claimed_until = $1 WHERE id IN (SELECT id FROM outbox \
             WHERE sent_at IS NULL AND next_attempt_at <= $2 \
             AND (claimed_until IS NULL OR claimed_until < $2) \
             ORDER BY next_attempt_at LIMIT $3) \
             RETURNING id, recipient, recipient_name, subject, body, calendar, calendar_method, \
             created_at, attempts"
        }
    };
    let rows = sqlx::query(sql)
        .bind(now.saturating_add(lease_ms))
        .bind(now)
        .bind(limit)
        .fetch_all(db.writer())
        .await?;
    let mut claimed = rows.iter().map(outgoing).collect::<Result<Vec<_>>>()?;
    claimed.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(claimed)
}

/// Marks the messages `ids` sent at `now`. Returns how many were still unsent.
pub async fn mark_sent(db: &Db, ids: &[String], now: i64) -> Result<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let mut sql = Sql::new("UPDATE outbox SET sent_at = ");
    sql.bind(now)
        .push(", claimed_until = NULL WHERE sent_at IS NULL AND id IN (")
        .bind_list(ids.iter().map(String::as_str))
        .push(")");
    Ok(sql.query().execute(db.writer()).await?.rows_affected())
}

/// What became of a failed message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// It will be tried again at this time.
    At(i64),
    /// It failed [`MAX_ATTEMPTS`] times and will not be tried again.
    GaveUp,
}

/// The delay before the next attempt of a message that has failed `attempts` times
/// (counting the failure just recorded): 30 s · 2^(attempts − 1), at most an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let doublings = u32::try_from((attempts - 1).clamp(0, 20)).unwrap_or(20);
    FIRST_BACKOFF_MS
        .saturating_mul(1_i64 << doublings)
        .min(MAX_BACKOFF_MS)
}

/// Records that delivering `message` failed at `now` with `error`, and schedules its next
/// attempt (or gives it up).
pub async fn mark_failed(db: &Db, message: &Outgoing, now: i64, error: &str) -> Result<Retry> {
    let attempts = message.attempts + 1;
    let retry = if attempts >= MAX_ATTEMPTS {
        Retry::GaveUp
    } else {
        Retry::At(now.saturating_add(backoff_ms(attempts)))
    };
    let next = match retry {
        Retry::At(at) => at,
        Retry::GaveUp => GAVE_UP,
    };
    let error: String = error.chars().take(2000).collect();
    sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, \
         claimed_until = NULL WHERE id = $3 AND sent_at IS NULL",
    )
    .bind(error)
    .bind(next)
    .bind(message.id.clone())
    .execute(db.writer())
    .await?;
    Ok(retry)
}

/// The outbox at a glance, for metrics and the operator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Waiting to be sent (due or retrying later), given-up ones excepted.
    pub queued: i64,
    /// Of those, the ones that have failed at least once.
    pub retrying: i64,
    /// Given up after [`MAX_ATTEMPTS`] failures.
    pub given_up: i64,
    pub sent: i64,
}

pub async fn counts(db: &Db) -> Result<Counts> {
    let row = sqlx::query(
        "SELECT \
         COALESCE(SUM(CASE WHEN sent_at IS NULL AND next_attempt_at < $1 THEN 1 ELSE 0 END), 0) AS queued, \
         COALESCE(SUM(CASE WHEN sent_at IS NULL AND next_attempt_at < $1 AND attempts > 0 THEN 1 ELSE 0 END), 0) AS retrying, \
         COALESCE(SUM(CASE WHEN sent_at IS NULL AND next_attempt_at = $1 THEN 1 ELSE 0 END), 0) AS given_up, \
         COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS sent \
         FROM outbox",
    )
    .bind(GAVE_UP)
    .fetch_one(db.reader())
    .await?;
    Ok(Counts {
        queued: row.try_get("queued")?,
        retrying: row.try_get("retrying")?,
        given_up: row.try_get("given_up")?,
        sent: row.try_get("sent")?,
    })
}

/// When the next unsent message is due (or its claim runs out), if any is waiting; a
/// sender sleeps until then (or less).
pub async fn next_due(db: &Db) -> Result<Option<i64>> {
    let row = sqlx::query(
        "SELECT MIN(CASE WHEN claimed_until IS NOT NULL AND claimed_until > next_attempt_at \
         THEN claimed_until ELSE next_attempt_at END) AS due \
         FROM outbox WHERE sent_at IS NULL AND next_attempt_at < $1",
    )
    .bind(GAVE_UP)
    .fetch_one(db.reader())
    .await?;
    Ok(row.try_get("due")?)
}

/// Where one message stands, for tests and the operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub message: Outgoing,
    pub sent_at: Option<i64>,
    pub next_attempt_at: i64,
    pub last_error: String,
}

pub async fn status(db: &Db, id: &str) -> Result<Option<Status>> {
    let row = sqlx::query(
        "SELECT id, recipient, recipient_name, subject, body, calendar, calendar_method, \
         created_at, attempts, sent_at, next_attempt_at, last_error FROM outbox WHERE id = $1",
    )
    .bind(id.to_owned())
    .fetch_optional(db.reader())
    .await?;
    row.map(|row| {
        Ok(Status {
            message: outgoing(&row)?,
            sent_at: row.try_get("sent_at")?,
            next_attempt_at: row.try_get("next_attempt_at")?,
            last_error: row.try_get("last_error")?,
        })
    })
    .transpose()
}

/// Every message's id, oldest first, for tests.
pub async fn ids(db: &Db) -> Result<Vec<String>> {
    let rows = sqlx::query("SELECT id FROM outbox ORDER BY created_at, id")
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(|row| Ok(row.try_get("id")?)).collect()
}

/// Drops every message not sent yet, and says how many: for a generated demo, whose people
/// are made up, before anything sends.
pub async fn discard_unsent(db: &Db) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM outbox WHERE sent_at IS NULL")
        .execute(db.writer())
        .await?
        .rows_affected())
}
