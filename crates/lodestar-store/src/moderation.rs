//! Reports of messages and what admins do about them: a party's report (once per message
//! and reporter), the reports as admins see them (the reported message and who is in its
//! thread, nothing else of the thread), every action recorded, and account suspension
//! (which ends the account's browser sessions and revokes its tokens in the same
//! transaction).

use lodestar_domain::conversation::{ModerationAction, ReportReason};
use lodestar_domain::{MessageId, PersonId, ReportId, ThreadId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::Db;
use crate::error::Result;
use crate::persons::parse_id;
use crate::sql::Sql;

/// A report to insert.
#[derive(Clone, Debug)]
pub struct NewReport {
    pub id: ReportId,
    pub message: MessageId,
    pub thread: ThreadId,
    pub reporter: PersonId,
    pub author: PersonId,
    pub reason: ReportReason,
    pub comment: String,
    /// The message as the reporter saw it.
    pub body: String,
    pub at: i64,
}

/// Inserts a report in the caller's transaction. `false` if the reporter had reported the
/// message already (and then nothing changes).
pub async fn insert_report(conn: &mut AnyConnection, new: &NewReport) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO message_reports (id, message_id, thread_id, reporter_id, author_id, reason, \
         comment, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (message_id, reporter_id) DO NOTHING",
    )
    .bind(new.id.to_string())
    .bind(new.message.to_string())
    .bind(new.thread.to_string())
    .bind(new.reporter.to_string())
    .bind(new.author.to_string())
    .bind(new.reason.as_str())
    .bind(&new.comment)
    .bind(&new.body)
    .bind(new.at)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A report as admins see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportRecord {
    pub id: ReportId,
    pub message: MessageId,
    pub thread: ThreadId,
    pub reporter: PersonId,
    pub reporter_name: String,
    pub author: PersonId,
    pub author_name: String,
    pub author_suspended_at: Option<i64>,
    pub reason: ReportReason,
    pub comment: String,
    /// The message as it was reported.
    pub body: String,
    pub message_created_at: i64,
    pub message_edited_at: Option<i64>,
    pub message_deleted_at: Option<i64>,
    pub thread_closed_at: Option<i64>,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
}

const REPORT_SELECT: &str = "SELECT r.id, r.message_id, r.thread_id, r.reporter_id, \
    rp.name AS reporter_name, r.author_id, au.name AS author_name, \
    au.suspended_at AS author_suspended_at, r.reason, r.comment, r.body, \
    m.created_at AS message_created_at, m.edited_at AS message_edited_at, \
    m.deleted_at AS message_deleted_at, t.closed_at AS thread_closed_at, r.created_at, \
    r.resolved_at FROM message_reports r JOIN persons rp ON rp.id = r.reporter_id \
    JOIN persons au ON au.id = r.author_id JOIN messages m ON m.id = r.message_id \
    JOIN threads t ON t.id = r.thread_id";

fn report_from_row(row: &AnyRow) -> Result<ReportRecord> {
    Ok(ReportRecord {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        message: parse_id(&row.try_get::<String, _>("message_id")?)?,
        thread: parse_id(&row.try_get::<String, _>("thread_id")?)?,
        reporter: parse_id(&row.try_get::<String, _>("reporter_id")?)?,
        reporter_name: row.try_get("reporter_name")?,
        author: parse_id(&row.try_get::<String, _>("author_id")?)?,
        author_name: row.try_get("author_name")?,
        author_suspended_at: row.try_get("author_suspended_at")?,
        reason: parse_id(&row.try_get::<String, _>("reason")?)?,
        comment: row.try_get("comment")?,
        body: row.try_get("body")?,
        message_created_at: row.try_get("message_created_at")?,
        message_edited_at: row.try_get("message_edited_at")?,
        message_deleted_at: row.try_get("message_deleted_at")?,
        thread_closed_at: row.try_get("thread_closed_at")?,
        created_at: row.try_get("created_at")?,
        resolved_at: row.try_get("resolved_at")?,
    })
}

/// One report, read in the caller's transaction.
pub async fn report(conn: &mut AnyConnection, id: ReportId) -> Result<Option<ReportRecord>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{REPORT_SELECT} WHERE r.id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(report_from_row)
    .transpose()
}

/// The report `reporter` made of `message`, if any.
pub async fn report_by(
    conn: &mut AnyConnection,
    message: MessageId,
    reporter: PersonId,
) -> Result<Option<ReportRecord>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{REPORT_SELECT} WHERE r.message_id = $1 AND r.reporter_id = $2"
    )))
    .bind(message.to_string())
    .bind(reporter.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(report_from_row)
    .transpose()
}

/// Reports for admins: open ones first (oldest first, the longest waiting at the top),
/// then resolved ones, newest first; at most `limit`.
pub async fn reports(db: &Db, limit: i64) -> Result<Vec<ReportRecord>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{REPORT_SELECT} ORDER BY CASE WHEN r.resolved_at IS NULL THEN 0 ELSE 1 END, \
         CASE WHEN r.resolved_at IS NULL THEN r.created_at ELSE -r.created_at END, r.id LIMIT $1"
    )))
    .bind(limit)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(report_from_row)
    .collect()
}

/// The names of the parties of each thread in `threads`, as `(thread, name)` pairs.
pub async fn party_names(db: &Db, threads: &[ThreadId]) -> Result<Vec<(ThreadId, String)>> {
    if threads.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT tm.thread_id, p.name FROM thread_members tm JOIN persons p ON p.id = tm.person_id \
         WHERE tm.thread_id IN (",
    );
    sql.bind_list(threads.iter().map(ToString::to_string))
        .push(") ORDER BY tm.thread_id, p.name_key");
    sql.query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| {
            Ok((
                parse_id(&row.try_get::<String, _>("thread_id")?)?,
                row.try_get("name")?,
            ))
        })
        .collect()
}

/// An admin's action to record.
#[derive(Clone, Debug)]
pub struct NewAction {
    pub report: Option<ReportId>,
    /// Whom it concerns (the reported message's author, or the person reinstated).
    pub person: Option<PersonId>,
    pub admin: PersonId,
    pub action: ModerationAction,
    pub note: String,
    pub at: i64,
}

/// Records an action, in the caller's transaction; an action on a report resolves it if
/// it was open.
pub async fn record_action(conn: &mut AnyConnection, new: &NewAction) -> Result<()> {
    sqlx::query(
        "INSERT INTO moderation_actions (id, report_id, person_id, admin_id, action, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(new.report.map(|r| r.to_string()))
    .bind(new.person.map(|p| p.to_string()))
    .bind(new.admin.to_string())
    .bind(new.action.as_str())
    .bind(&new.note)
    .bind(new.at)
    .execute(&mut *conn)
    .await?;
    if let Some(report) = new.report {
        sqlx::query(
            "UPDATE message_reports SET resolved_at = $2 WHERE id = $1 AND resolved_at IS NULL",
        )
        .bind(report.to_string())
        .bind(new.at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// An action as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionRecord {
    pub report: Option<ReportId>,
    pub person: Option<PersonId>,
    pub admin_name: Option<String>,
    pub action: ModerationAction,
    pub note: String,
    pub at: i64,
}

/// The actions on the reports in `reports`, oldest first: one query.
pub async fn actions_on(db: &Db, reports: &[ReportId]) -> Result<Vec<ActionRecord>> {
    if reports.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT a.report_id, a.person_id, p.name AS admin_name, a.action, a.note, a.created_at \
         FROM moderation_actions a LEFT JOIN persons p ON p.id = a.admin_id WHERE a.report_id IN (",
    );
    sql.bind_list(reports.iter().map(ToString::to_string))
        .push(") ORDER BY a.created_at, a.id");
    sql.query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| {
            let report: Option<String> = row.try_get("report_id")?;
            let person: Option<String> = row.try_get("person_id")?;
            Ok(ActionRecord {
                report: report.as_deref().map(parse_id).transpose()?,
                person: person.as_deref().map(parse_id).transpose()?,
                admin_name: row.try_get("admin_name")?,
                action: parse_id(&row.try_get::<String, _>("action")?)?,
                note: row.try_get("note")?,
                at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// Suspends `person` at `at`, in the caller's transaction: the account is marked, every
/// browser session of theirs ends and every API token is revoked, so nothing they held
/// still works. `false` if they were suspended already (nothing else changes then).
pub async fn suspend(conn: &mut AnyConnection, person: PersonId, at: i64) -> Result<bool> {
    let done =
        sqlx::query("UPDATE persons SET suspended_at = $2 WHERE id = $1 AND suspended_at IS NULL")
            .bind(person.to_string())
            .bind(at)
            .execute(&mut *conn)
            .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM sessions WHERE person_id = $1")
        .bind(person.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE api_tokens SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL",
    )
    .bind(person.to_string())
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// Lifts `person`'s suspension; `false` if they were not suspended.
pub async fn reinstate(conn: &mut AnyConnection, person: PersonId) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE persons SET suspended_at = NULL WHERE id = $1 AND suspended_at IS NOT NULL",
    )
    .bind(person.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A suspended account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suspended {
    pub person: PersonId,
    pub name: String,
    pub suspended_at: i64,
}

/// Every suspended account, the most recent first.
pub async fn suspended(db: &Db) -> Result<Vec<Suspended>> {
    sqlx::query(
        "SELECT id, name, suspended_at FROM persons WHERE suspended_at IS NOT NULL \
         ORDER BY suspended_at DESC, id",
    )
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(Suspended {
            person: parse_id(&row.try_get::<String, _>("id")?)?,
            name: row.try_get("name")?,
            suspended_at: row.try_get("suspended_at")?,
        })
    })
    .collect()
}
