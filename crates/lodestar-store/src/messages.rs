//! Messages in threads: writing one (with the thread's activity and the others' e-mail
//! checks, in one transaction), pages of a thread newest first by id cursor, everything
//! after a cursor across a person's threads (for a live stream to catch up), and the
//! author's edit and delete. A deleted message stays as a tombstone: its row, with its
//! body and HTML emptied.

use lodestar_domain::{MessageId, PersonId, ThreadId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::Db;
use crate::error::Result;
use crate::persons::parse_id;

/// A message to insert.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub id: MessageId,
    pub thread: ThreadId,
    pub author: PersonId,
    /// The Markdown source.
    pub body: String,
    /// What the renderer made of it.
    pub html: String,
    pub render_version: i64,
    pub created_at: i64,
}

/// A message as stored, with its author's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRecord {
    pub id: MessageId,
    pub thread: ThreadId,
    pub author: PersonId,
    pub author_name: String,
    /// Empty once deleted.
    pub body: String,
    /// Empty once deleted.
    pub html: String,
    pub render_version: i64,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted_at: Option<i64>,
}

const COLUMNS: &str = "m.id, m.thread_id, m.author_id, p.name AS author_name, m.body, m.html, \
    m.render_version, m.created_at, m.edited_at, m.deleted_at";

fn message_from_row(row: &AnyRow) -> Result<MessageRecord> {
    Ok(MessageRecord {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        thread: parse_id(&row.try_get::<String, _>("thread_id")?)?,
        author: parse_id(&row.try_get::<String, _>("author_id")?)?,
        author_name: row.try_get("author_name")?,
        body: row.try_get("body")?,
        html: row.try_get("html")?,
        render_version: row.try_get("render_version")?,
        created_at: row.try_get("created_at")?,
        edited_at: row.try_get("edited_at")?,
        deleted_at: row.try_get("deleted_at")?,
    })
}

/// Writes a message in the caller's transaction: the row, the thread's activity, and, for
/// each other member with no e-mail check pending, a check at `email_check_at` (when the
/// e-mail clock will see whether they read it); the author has read the thread up to it.
pub async fn insert(conn: &mut AnyConnection, new: &NewMessage, email_check_at: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO messages (id, thread_id, author_id, body, html, render_version, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new.id.to_string())
    .bind(new.thread.to_string())
    .bind(new.author.to_string())
    .bind(&new.body)
    .bind(&new.html)
    .bind(new.render_version)
    .bind(new.created_at)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE threads SET last_activity_at = $2 WHERE id = $1 AND last_activity_at < $2")
        .bind(new.thread.to_string())
        .bind(new.created_at)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE thread_members SET email_due_at = $3 \
         WHERE thread_id = $1 AND person_id <> $2 AND email_due_at IS NULL",
    )
    .bind(new.thread.to_string())
    .bind(new.author.to_string())
    .bind(email_check_at)
    .execute(&mut *conn)
    .await?;
    // Writing in a thread is reading it: the author's mark moves to their own message, and
    // nothing before it is left to e-mail them about.
    sqlx::query(
        "UPDATE thread_members SET last_read_at = $3, email_due_at = NULL, \
         last_read_id = CASE WHEN last_read_id < $4 THEN $4 ELSE last_read_id END \
         WHERE thread_id = $1 AND person_id = $2",
    )
    .bind(new.thread.to_string())
    .bind(new.author.to_string())
    .bind(new.created_at)
    .bind(new.id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One message, or `None`. Whether the reader may see it is the caller's to decide (is
/// the reader a member of its thread?).
pub async fn get(conn: &mut AnyConnection, id: MessageId) -> Result<Option<MessageRecord>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM messages m JOIN persons p ON p.id = m.author_id WHERE m.id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(message_from_row)
    .transpose()
}

/// A page of a thread's messages, newest first: at most `limit` written before the
/// message `before` (or the newest, without it). The next page starts before the last one
/// of this page.
pub async fn page(
    db: &Db,
    thread: ThreadId,
    before: Option<MessageId>,
    limit: i64,
) -> Result<Vec<MessageRecord>> {
    let rows = match before {
        Some(before) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM messages m JOIN persons p ON p.id = m.author_id \
                 WHERE m.thread_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3"
            )))
            .bind(thread.to_string())
            .bind(before.to_string())
            .bind(limit)
            .fetch_all(db.reader())
            .await?
        }
        None => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM messages m JOIN persons p ON p.id = m.author_id \
                 WHERE m.thread_id = $1 ORDER BY m.id DESC LIMIT $2"
            )))
            .bind(thread.to_string())
            .bind(limit)
            .fetch_all(db.reader())
            .await?
        }
    };
    rows.iter().map(message_from_row).collect()
}

/// The messages in all of `person`'s threads written after the message `after` (all of
/// them without it), oldest first, at most `limit`: what a live stream that lost its
/// connection missed. Edits and deletions of older messages are not in it.
pub async fn messages_since(
    db: &Db,
    person: PersonId,
    after: Option<MessageId>,
    limit: i64,
) -> Result<Vec<MessageRecord>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM thread_members me \
         JOIN messages m ON m.thread_id = me.thread_id AND m.id > $2 \
         JOIN persons p ON p.id = m.author_id \
         WHERE me.person_id = $1 ORDER BY m.id LIMIT $3"
    )))
    .bind(person.to_string())
    .bind(after.map(|a| a.to_string()).unwrap_or_default())
    .bind(limit)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(message_from_row)
    .collect()
}

/// The messages in `person`'s threads written after `after` (`(created_at, id)`, as a
/// live stream's cursor compares them), oldest first, at most `limit`.
pub async fn messages_after(
    db: &Db,
    person: PersonId,
    after: (i64, &str),
    limit: i64,
) -> Result<Vec<MessageRecord>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM thread_members me \
         JOIN messages m ON m.thread_id = me.thread_id \
         AND (m.created_at > $2 OR (m.created_at = $2 AND m.id > $3)) \
         JOIN persons p ON p.id = m.author_id \
         WHERE me.person_id = $1 ORDER BY m.created_at, m.id LIMIT $4"
    )))
    .bind(person.to_string())
    .bind(after.0)
    .bind(after.1)
    .bind(limit)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(message_from_row)
    .collect()
}

/// The author's edit, in the caller's transaction: only their own message, not deleted,
/// written at or after `written_since` (the edit window's start). `false` when any of that
/// does not hold, and nothing changes.
#[allow(clippy::too_many_arguments)]
pub async fn edit(
    conn: &mut AnyConnection,
    id: MessageId,
    author: PersonId,
    body: &str,
    html: &str,
    render_version: i64,
    now: i64,
    written_since: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE messages SET body = $3, html = $4, render_version = $5, edited_at = $6 \
         WHERE id = $1 AND author_id = $2 AND deleted_at IS NULL AND created_at >= $7",
    )
    .bind(id.to_string())
    .bind(author.to_string())
    .bind(body)
    .bind(html)
    .bind(render_version)
    .bind(now)
    .bind(written_since)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The author deletes their message: the row stays as a tombstone, the text goes. `false`
/// if it is not theirs or is deleted already.
pub async fn delete(
    conn: &mut AnyConnection,
    id: MessageId,
    author: PersonId,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE messages SET body = '', html = '', deleted_at = $3 \
         WHERE id = $1 AND author_id = $2 AND deleted_at IS NULL",
    )
    .bind(id.to_string())
    .bind(author.to_string())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The newest message of each of `threads`, for a list's previews: one query.
pub async fn latest_of(db: &Db, threads: &[ThreadId]) -> Result<Vec<MessageRecord>> {
    if threads.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::sql::Sql::new(&format!(
        "SELECT {COLUMNS} FROM messages m JOIN persons p ON p.id = m.author_id \
         WHERE m.id IN (SELECT (SELECT x.id FROM messages x WHERE x.thread_id = t.id \
         ORDER BY x.id DESC LIMIT 1) FROM threads t WHERE t.id IN ("
    ));
    sql.bind_list(threads.iter().map(ToString::to_string))
        .push("))");
    sql.query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(message_from_row)
        .collect()
}
