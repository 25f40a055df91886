//! Telling people what happened: the in-app inbox and, by the person's preference, an
//! e-mail queued in the outbox. [`push`] runs inside the transaction of the event it tells
//! of, so the event and its notice are written together or not at all.

use lodestar_domain::mentoring::NotificationKind;
use lodestar_domain::{NotificationId, PersonId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::error::Result;
use crate::persons::parse_id;
use crate::sql::Sql;
use crate::{Db, now_ms};

/// One notice to one person.
#[derive(Clone, Debug)]
pub struct Notice {
    pub person: PersonId,
    pub kind: NotificationKind,
    /// One line, for the inbox and the e-mail's subject.
    pub title: String,
    /// A few sentences, for the inbox and the e-mail's text.
    pub body: String,
    /// The page it concerns, as a path (`/mentorships/…`).
    pub link: String,
    /// An invitation or cancellation to attach to the e-mail.
    pub calendar: Option<CalendarPart>,
}

/// An iCalendar object sent as the e-mail's `text/calendar` part.
#[derive(Clone, Debug)]
pub struct CalendarPart {
    /// `REQUEST` or `CANCEL`, as in the object's METHOD.
    pub method: &'static str,
    pub ics: String,
}

/// The inbox entry [`push`] made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pushed {
    pub id: NotificationId,
    pub created_at: i64,
}

/// Records `notice` in the person's inbox and, unless they turned e-mail off for its kind,
/// queues an e-mail to their address, in the caller's transaction. `base_url` makes the
/// e-mail's link absolute.
pub async fn push(conn: &mut AnyConnection, notice: &Notice, base_url: &str) -> Result<Pushed> {
    let now = now_ms();
    let id = NotificationId::new();
    sqlx::query(
        "INSERT INTO notifications (id, person_id, kind, title, body, link, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.to_string())
    .bind(notice.person.to_string())
    .bind(notice.kind.as_str())
    .bind(&notice.title)
    .bind(&notice.body)
    .bind(&notice.link)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    queue_email(conn, notice, base_url, now).await?;
    Ok(Pushed {
        id,
        created_at: now,
    })
}

/// Queues the e-mail for `notice` alone, without an inbox entry, unless its person turned
/// e-mail off for its kind, in the caller's transaction. `true` if an e-mail was queued.
pub async fn queue_email(
    conn: &mut AnyConnection,
    notice: &Notice,
    base_url: &str,
    now: i64,
) -> Result<bool> {
    let text = if notice.link.is_empty() {
        format!("{}\n", notice.body)
    } else {
        format!(
            "{}\n\n{}{}\n",
            notice.body,
            base_url.trim_end_matches('/'),
            notice.link
        )
    };
    // One statement: the address is read and the preference applied where the row is made.
    let done = sqlx::query(
        "INSERT INTO outbox (id, person_id, recipient, recipient_name, subject, body, calendar, \
         calendar_method, created_at, next_attempt_at) \
         SELECT $1, p.id, p.email, p.name, $2, $3, $4, $5, $6, $6 FROM persons p \
         WHERE p.id = $7 AND NOT EXISTS (SELECT 1 FROM notification_preferences n \
         WHERE n.person_id = p.id AND n.kind = $8 AND n.email = 0)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&notice.title)
    .bind(text)
    .bind(notice.calendar.as_ref().map(|c| c.ics.clone()))
    .bind(notice.calendar.as_ref().map(|c| c.method))
    .bind(now)
    .bind(notice.person.to_string())
    .bind(notice.kind.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One entry of a person's inbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub id: NotificationId,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

fn notification(row: &AnyRow) -> Result<Notification> {
    Ok(Notification {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        kind: row.try_get("kind")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        link: row.try_get("link")?,
        created_at: row.try_get("created_at")?,
        read_at: row.try_get("read_at")?,
    })
}

/// A page of `person`'s notifications, newest first; only unread ones if `unread_only`.
pub async fn list(
    db: &Db,
    person: PersonId,
    unread_only: bool,
    limit: i64,
    offset: i64,
) -> Result<Vec<Notification>> {
    let sql = if unread_only {
        "SELECT id, kind, title, body, link, created_at, read_at FROM notifications \
         WHERE person_id = $1 AND read_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
    } else {
        "SELECT id, kind, title, body, link, created_at, read_at FROM notifications \
         WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
    };
    let rows = sqlx::query(sql)
        .bind(person.to_string())
        .bind(limit)
        .bind(offset)
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(notification).collect()
}

/// `person`'s notifications that come after `(created_at, id)` in the order
/// `(created_at, id)`, oldest first, at most `limit`: what a live stream missed since its
/// cursor (one range of the `notifications_by_person` index).
pub async fn after(
    db: &Db,
    person: PersonId,
    (created_at, id): (i64, &str),
    limit: i64,
) -> Result<Vec<Notification>> {
    let rows = sqlx::query(
        "SELECT id, kind, title, body, link, created_at, read_at FROM notifications \
         WHERE person_id = $1 AND created_at >= $2 AND (created_at > $2 OR id > $3) \
         ORDER BY created_at, id LIMIT $4",
    )
    .bind(person.to_string())
    .bind(created_at)
    .bind(id.to_owned())
    .bind(limit)
    .fetch_all(db.reader())
    .await?;
    rows.iter().map(notification).collect()
}

/// One of `person`'s notifications; `None` if it is not theirs.
pub async fn get(db: &Db, person: PersonId, id: NotificationId) -> Result<Option<Notification>> {
    let row = sqlx::query(
        "SELECT id, kind, title, body, link, created_at, read_at FROM notifications \
         WHERE id = $1 AND person_id = $2",
    )
    .bind(id.to_string())
    .bind(person.to_string())
    .fetch_optional(db.reader())
    .await?;
    row.as_ref().map(notification).transpose()
}

/// How many of `person`'s notifications are unread: one lookup in the
/// `notifications_unread` index, cheap enough for every page's navigation.
pub async fn unread_count(db: &Db, person: PersonId) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM notifications WHERE person_id = $1 AND read_at IS NULL",
    )
    .bind(person.to_string())
    .fetch_one(db.reader())
    .await?;
    Ok(row.try_get("n")?)
}

/// The navigation's two badges in one round trip: `person`'s unread notifications (as
/// [`unread_count`]) and unread messages (as [`crate::threads::unread_total`]), in that
/// order. Every page shows both.
pub async fn unread_badges(db: &Db, person: PersonId) -> Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM notifications WHERE person_id = $1 AND read_at IS NULL) \
             AS notifications, \
         (SELECT COUNT(*) FROM thread_members me \
             JOIN messages m ON m.thread_id = me.thread_id AND m.id > me.last_read_id \
             WHERE me.person_id = $1 AND m.author_id <> $1 AND m.deleted_at IS NULL) AS messages",
    )
    .bind(person.to_string())
    .fetch_one(db.reader())
    .await?;
    Ok((row.try_get("notifications")?, row.try_get("messages")?))
}

/// Marks `person`'s unread notifications read at `now`, in the caller's transaction: all of
/// them, or those of `ids` (ids that are not theirs are left alone). Returns how many
/// changed.
pub async fn mark_read(
    conn: &mut AnyConnection,
    person: PersonId,
    ids: Option<&[NotificationId]>,
    now: i64,
) -> Result<u64> {
    let mut sql = Sql::new("UPDATE notifications SET read_at = ");
    sql.bind(now)
        .push(" WHERE person_id = ")
        .bind(person.to_string())
        .push(" AND read_at IS NULL");
    if let Some(ids) = ids {
        if ids.is_empty() {
            return Ok(0);
        }
        sql.push(" AND id IN (")
            .bind_list(ids.iter().map(ToString::to_string))
            .push(")");
    }
    Ok(sql.query().execute(&mut *conn).await?.rows_affected())
}

/// Whether `person` gets e-mail for each kind of notice, every kind listed (no row: on).
pub async fn email_preferences(db: &Db, person: PersonId) -> Result<Vec<(NotificationKind, bool)>> {
    let rows = sqlx::query("SELECT kind, email FROM notification_preferences WHERE person_id = $1")
        .bind(person.to_string())
        .fetch_all(db.reader())
        .await?;
    let mut off = Vec::new();
    for row in &rows {
        let kind: String = row.try_get("kind")?;
        let email: i64 = row.try_get("email")?;
        if email == 0 {
            off.push(kind);
        }
    }
    Ok(NotificationKind::ALL
        .iter()
        .map(|kind| (*kind, !off.iter().any(|k| k == kind.as_str())))
        .collect())
}

/// Sets whether `person` gets e-mail for the given kinds; kinds not given keep theirs.
pub async fn set_email_preferences(
    db: &Db,
    person: PersonId,
    choices: &[(NotificationKind, bool)],
) -> Result<()> {
    let mut tx = db.begin().await?;
    for (kind, email) in choices {
        sqlx::query(
            "INSERT INTO notification_preferences (person_id, kind, email) VALUES ($1, $2, $3) \
             ON CONFLICT (person_id, kind) DO UPDATE SET email = excluded.email",
        )
        .bind(person.to_string())
        .bind(kind.as_str())
        .bind(i64::from(*email))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
