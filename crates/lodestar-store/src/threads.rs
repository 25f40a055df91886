//! Conversation threads and their members: making a request's thread (and continuing it
//! when the request becomes a mentorship), what a member may know of a thread, a member's
//! list of threads with unread counts, read marks, and the e-mail clock's bookkeeping.
//!
//! Threads are made by the store functions that make what they belong to
//! ([`crate::requests::insert`], [`crate::mentorships::insert`], the bulk loader), in the
//! same transaction, so no request or mentorship is ever without one.
//!
//! Unread messages are those after a member's `last_read_id` that others wrote and did not
//! delete: message ids are UUIDv7 text, so "after" is a text comparison on the
//! `messages_by_thread` index, and counting them is a short range scan per thread.

use lodestar_domain::mentoring::{MentorshipState, RequestState};
use lodestar_domain::{MentorshipId, PersonId, RequestId, ThreadId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::Db;
use crate::error::Result;
use crate::persons::parse_id;
use crate::sql::Sql;

/// Inserts a thread with its members, in the caller's transaction.
pub async fn insert(
    conn: &mut AnyConnection,
    id: ThreadId,
    request: Option<RequestId>,
    mentorship: Option<MentorshipId>,
    members: &[PersonId],
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO threads (id, request_id, mentorship_id, created_at, last_activity_at) \
         VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(id.to_string())
    .bind(request.map(|r| r.to_string()))
    .bind(mentorship.map(|m| m.to_string()))
    .bind(at)
    .execute(&mut *conn)
    .await?;
    add_members(conn, id, members, at).await
}

/// Adds people to a thread; those already in it stay as they are.
pub async fn add_members(
    conn: &mut AnyConnection,
    thread: ThreadId,
    members: &[PersonId],
    at: i64,
) -> Result<()> {
    for person in members {
        sqlx::query(
            "INSERT INTO thread_members (thread_id, person_id, joined_at) VALUES ($1, $2, $3) \
             ON CONFLICT (thread_id, person_id) DO NOTHING",
        )
        .bind(thread.to_string())
        .bind(person.to_string())
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The thread of a new mentorship, in the caller's transaction: the thread of the request
/// it came from, now linked to the mentorship too (its members added, should the
/// mentorship have more), or a new one when it came from no request (or that request has
/// no thread).
pub async fn continue_for_mentorship(
    conn: &mut AnyConnection,
    request: Option<RequestId>,
    mentorship: MentorshipId,
    members: &[PersonId],
    at: i64,
) -> Result<ThreadId> {
    if let Some(request) = request {
        let row = sqlx::query(
            "UPDATE threads SET mentorship_id = $1 WHERE request_id = $2 AND mentorship_id IS NULL \
             RETURNING id",
        )
        .bind(mentorship.to_string())
        .bind(request.to_string())
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(row) = row {
            let id: ThreadId = parse_id(&row.try_get::<String, _>("id")?)?;
            add_members(conn, id, members, at).await?;
            return Ok(id);
        }
    }
    let id = ThreadId::new();
    insert(conn, id, None, Some(mentorship), members, at).await?;
    Ok(id)
}

/// A thread as one of its members may know it: what it belongs to, where that stands, and
/// whether a block stands between the member and another party.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadRecord {
    pub id: ThreadId,
    pub request: Option<RequestId>,
    pub mentorship: Option<MentorshipId>,
    pub created_at: i64,
    pub last_activity_at: i64,
    /// An admin closed it.
    pub closed_at: Option<i64>,
    pub request_state: Option<RequestState>,
    pub mentorship_state: Option<MentorshipState>,
    pub mentorship_ended_at: Option<i64>,
    /// The member blocked another party, or was blocked by one.
    pub blocked: bool,
    /// No other party is left: their accounts were deleted.
    pub alone: bool,
    /// The newest message the member has read ('' for none).
    pub last_read_id: String,
    /// Messages others wrote after that, not deleted.
    pub unread: i64,
}

/// The columns of [`ThreadRecord`] for the member `me` (the `thread_members` row) of
/// thread `t`. The blocks are looked up both ways, each on its own index.
const RECORD_COLUMNS: &str = "t.id, t.request_id, t.mentorship_id, t.created_at, \
    t.last_activity_at, t.closed_at, r.state AS request_state, m.state AS mentorship_state, \
    m.ended_at AS mentorship_ended_at, me.last_read_id, \
    CAST(CASE WHEN EXISTS (SELECT 1 FROM thread_members o JOIN blocks b \
      ON b.person_id = me.person_id AND b.blocked_id = o.person_id \
      WHERE o.thread_id = t.id AND o.person_id <> me.person_id) \
    OR EXISTS (SELECT 1 FROM thread_members o JOIN blocks b \
      ON b.blocked_id = me.person_id AND b.person_id = o.person_id \
      WHERE o.thread_id = t.id AND o.person_id <> me.person_id) THEN 1 ELSE 0 END AS BIGINT) AS blocked, \
    CAST(CASE WHEN EXISTS (SELECT 1 FROM thread_members o \
      WHERE o.thread_id = t.id AND o.person_id <> me.person_id) THEN 0 ELSE 1 END AS BIGINT) AS alone, \
    (SELECT COUNT(*) FROM messages x WHERE x.thread_id = t.id AND x.id > me.last_read_id \
      AND x.author_id <> me.person_id AND x.deleted_at IS NULL) AS unread";

const RECORD_FROM: &str = "FROM thread_members me JOIN threads t ON t.id = me.thread_id \
    LEFT JOIN mentorship_requests r ON r.id = t.request_id \
    LEFT JOIN mentorships m ON m.id = t.mentorship_id";

fn record_from_row(row: &AnyRow) -> Result<ThreadRecord> {
    let opt = |name: &str| -> Result<Option<String>> { Ok(row.try_get(name)?) };
    Ok(ThreadRecord {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        request: opt("request_id")?.as_deref().map(parse_id).transpose()?,
        mentorship: opt("mentorship_id")?.as_deref().map(parse_id).transpose()?,
        created_at: row.try_get("created_at")?,
        last_activity_at: row.try_get("last_activity_at")?,
        closed_at: row.try_get("closed_at")?,
        request_state: opt("request_state")?.as_deref().map(parse_id).transpose()?,
        mentorship_state: opt("mentorship_state")?
            .as_deref()
            .map(parse_id)
            .transpose()?,
        mentorship_ended_at: row.try_get("mentorship_ended_at")?,
        blocked: row.try_get::<i64, _>("blocked")? != 0,
        alone: row.try_get::<i64, _>("alone")? != 0,
        last_read_id: row.try_get("last_read_id")?,
        unread: row.try_get("unread")?,
    })
}

/// The thread as `person` may know it, or `None` when they are not one of its members (or
/// it does not exist): the question every read and write of a thread asks first.
pub async fn for_member(
    conn: &mut AnyConnection,
    thread: ThreadId,
    person: PersonId,
) -> Result<Option<ThreadRecord>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RECORD_COLUMNS} {RECORD_FROM} WHERE me.thread_id = $1 AND me.person_id = $2"
    )))
    .bind(thread.to_string())
    .bind(person.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(record_from_row)
    .transpose()
}

/// `person`'s threads, newest activity first, at most `limit`.
pub async fn list_for(db: &Db, person: PersonId, limit: i64) -> Result<Vec<ThreadRecord>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RECORD_COLUMNS} {RECORD_FROM} WHERE me.person_id = $1 \
         ORDER BY t.last_activity_at DESC, t.id DESC LIMIT $2"
    )))
    .bind(person.to_string())
    .bind(limit)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(record_from_row)
    .collect()
}

/// The thread of a request or of a mentorship, if it has one.
pub async fn of(
    db: &Db,
    request: Option<RequestId>,
    mentorship: Option<MentorshipId>,
) -> Result<Option<ThreadId>> {
    let row = match (request, mentorship) {
        (_, Some(m)) => {
            sqlx::query("SELECT id FROM threads WHERE mentorship_id = $1")
                .bind(m.to_string())
                .fetch_optional(db.reader())
                .await?
        }
        (Some(r), None) => {
            sqlx::query("SELECT id FROM threads WHERE request_id = $1")
                .bind(r.to_string())
                .fetch_optional(db.reader())
                .await?
        }
        (None, None) => None,
    };
    row.map(|row| parse_id(&row.try_get::<String, _>("id")?))
        .transpose()
}

/// A member of a thread, with what the others may know of their reading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub thread: ThreadId,
    pub person: PersonId,
    pub name: String,
    pub last_read_id: String,
    /// They let the others see what they have read.
    pub show_seen: bool,
}

/// The members of the threads in `threads`, by thread and then name: one query.
pub async fn members_of(db: &Db, threads: &[ThreadId]) -> Result<Vec<Member>> {
    if threads.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT tm.thread_id, tm.person_id, p.name, tm.last_read_id, p.show_seen \
         FROM thread_members tm JOIN persons p ON p.id = tm.person_id WHERE tm.thread_id IN (",
    );
    sql.bind_list(threads.iter().map(ToString::to_string))
        .push(") ORDER BY tm.thread_id, p.name_key, tm.person_id");
    sql.query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| {
            Ok(Member {
                thread: parse_id(&row.try_get::<String, _>("thread_id")?)?,
                person: parse_id(&row.try_get::<String, _>("person_id")?)?,
                name: row.try_get("name")?,
                last_read_id: row.try_get("last_read_id")?,
                show_seen: row.try_get::<i64, _>("show_seen")? != 0,
            })
        })
        .collect()
}

/// Marks everything in the thread read for `person` at `now`: their read mark moves to the
/// newest message (never back). `false` if they are not a member.
pub async fn mark_read(db: &Db, thread: ThreadId, person: PersonId, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE thread_members SET last_read_at = $3, last_read_id = COALESCE(\
         (SELECT MAX(m.id) FROM messages m WHERE m.thread_id = $1 \
          AND m.id > thread_members.last_read_id), last_read_id) \
         WHERE thread_id = $1 AND person_id = $2",
    )
    .bind(thread.to_string())
    .bind(person.to_string())
    .bind(now)
    .execute(db.writer())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many messages in all of `person`'s threads they have not read: one query, a short
/// range scan of `messages_by_thread` per thread. Cheap enough for every page's navigation.
pub async fn unread_total(db: &Db, person: PersonId) -> Result<i64> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM thread_members me \
         JOIN messages m ON m.thread_id = me.thread_id AND m.id > me.last_read_id \
         WHERE me.person_id = $1 AND m.author_id <> $1 AND m.deleted_at IS NULL",
    )
    .bind(person.to_string())
    .fetch_one(db.reader())
    .await?
    .try_get("n")?)
}

/// An admin closes a thread to new messages; `false` if it was closed already.
pub async fn close(
    conn: &mut AnyConnection,
    thread: ThreadId,
    admin: PersonId,
    at: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE threads SET closed_at = $2, closed_by = $3 WHERE id = $1 AND closed_at IS NULL",
    )
    .bind(thread.to_string())
    .bind(at)
    .bind(admin.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether a person lets others see what they have read (on unless they turned it off).
pub async fn show_seen(db: &Db, person: PersonId) -> Result<bool> {
    Ok(sqlx::query("SELECT show_seen FROM persons WHERE id = $1")
        .bind(person.to_string())
        .fetch_optional(db.reader())
        .await?
        .map(|row| row.try_get::<i64, _>("show_seen"))
        .transpose()?
        .is_none_or(|v| v != 0))
}

pub async fn set_show_seen(db: &Db, person: PersonId, on: bool) -> Result<()> {
    sqlx::query("UPDATE persons SET show_seen = $1 WHERE id = $2")
        .bind(i64::from(on))
        .bind(person.to_string())
        .execute(db.writer())
        .await?;
    Ok(())
}

// ---- the e-mail clock's bookkeeping

/// A member the e-mail clock should look at: someone wrote to them, and the time to see
/// whether they read it has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmailDue {
    pub thread: ThreadId,
    pub person: PersonId,
    /// The value of `email_due_at` as read: every change below is conditional on it, so of
    /// several processes looking at the same member, one acts.
    pub due_at: i64,
}

/// Members whose e-mail check is due at `now`, the most overdue first, at most `limit`
/// (on the partial index `thread_members_email_due`).
pub async fn email_due(db: &Db, now: i64, limit: i64) -> Result<Vec<EmailDue>> {
    sqlx::query(
        "SELECT thread_id, person_id, email_due_at FROM thread_members \
         WHERE email_due_at IS NOT NULL AND email_due_at <= $1 \
         ORDER BY email_due_at, thread_id, person_id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(EmailDue {
            thread: parse_id(&row.try_get::<String, _>("thread_id")?)?,
            person: parse_id(&row.try_get::<String, _>("person_id")?)?,
            due_at: row.try_get("email_due_at")?,
        })
    })
    .collect()
}

/// What a member has not read and has not been e-mailed about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pending {
    /// When the oldest such message was written; `None` if there is none.
    pub oldest_at: Option<i64>,
    pub count: i64,
    /// Who wrote them, in the order they first wrote.
    pub authors: Vec<String>,
    pub last_emailed_at: Option<i64>,
    /// The member's account is suspended: they are not e-mailed.
    pub suspended: bool,
}

/// The messages `person` has not read in `thread` that others wrote (and did not delete)
/// since `person` was last e-mailed about it.
pub async fn pending(
    conn: &mut AnyConnection,
    thread: ThreadId,
    person: PersonId,
) -> Result<Pending> {
    let Some(me) = sqlx::query(
        "SELECT tm.last_emailed_at, p.suspended_at FROM thread_members tm \
         JOIN persons p ON p.id = tm.person_id WHERE tm.thread_id = $1 AND tm.person_id = $2",
    )
    .bind(thread.to_string())
    .bind(person.to_string())
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(Pending::default());
    };
    let last_emailed_at: Option<i64> = me.try_get("last_emailed_at")?;
    let suspended = me.try_get::<Option<i64>, _>("suspended_at")?.is_some();
    let rows = sqlx::query(
        "SELECT m.created_at, p.name FROM thread_members me \
         JOIN messages m ON m.thread_id = me.thread_id AND m.id > me.last_read_id \
         JOIN persons p ON p.id = m.author_id \
         WHERE me.thread_id = $1 AND me.person_id = $2 AND m.author_id <> $2 \
         AND m.deleted_at IS NULL AND m.created_at > $3 ORDER BY m.id",
    )
    .bind(thread.to_string())
    .bind(person.to_string())
    .bind(last_emailed_at.unwrap_or(i64::MIN))
    .fetch_all(&mut *conn)
    .await?;
    let mut pending = Pending {
        last_emailed_at,
        suspended,
        ..Pending::default()
    };
    for row in &rows {
        let at: i64 = row.try_get("created_at")?;
        let name: String = row.try_get("name")?;
        pending.oldest_at = Some(pending.oldest_at.map_or(at, |o| o.min(at)));
        pending.count += 1;
        if !pending.authors.contains(&name) {
            pending.authors.push(name);
        }
    }
    Ok(pending)
}

/// Moves a member's e-mail check to `next` (or clears it), if no other process has moved
/// it since it was read as `seen`. `true` if this call moved it.
pub async fn reschedule_email(
    conn: &mut AnyConnection,
    due: &EmailDue,
    next: Option<i64>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE thread_members SET email_due_at = $3 \
         WHERE thread_id = $1 AND person_id = $2 AND email_due_at = $4",
    )
    .bind(due.thread.to_string())
    .bind(due.person.to_string())
    .bind(next)
    .bind(due.due_at)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Claims the right to e-mail a member about a thread at `now`: if no other process has
/// moved the member's check since it was read, and they were not e-mailed about the thread
/// in the last `min_gap_ms`, records the e-mail and clears the check. `true` if this call
/// claimed it; the caller queues the e-mail in the same transaction.
pub async fn claim_email(
    conn: &mut AnyConnection,
    due: &EmailDue,
    now: i64,
    min_gap_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE thread_members SET last_emailed_at = $3, email_due_at = NULL \
         WHERE thread_id = $1 AND person_id = $2 AND email_due_at = $4 \
         AND (last_emailed_at IS NULL OR last_emailed_at <= $5)",
    )
    .bind(due.thread.to_string())
    .bind(due.person.to_string())
    .bind(now)
    .bind(due.due_at)
    .bind(now.saturating_sub(min_gap_ms))
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
