//! A programme's cohort match runs (migration 25): each solves in the background, becomes
//! a draft its admins review and re-solve, and is published once. Every move between
//! states is a conditional update from the state it leaves, so two racing publishes make
//! one, and one run at a time solves for a programme (a partial unique index).

use lodestar_domain::programme::MatchRunState;
use lodestar_domain::{MatchRunId, PersonId, ProgrammeId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::{Conn, Db};

/// A match run as stored: its edits and its draft are JSON the service reads.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchRun {
    pub id: MatchRunId,
    pub programme_id: ProgrammeId,
    pub state: MatchRunState,
    /// `max_total`, `max_participation` or `max_min`.
    pub objective: String,
    pub min_score: u8,
    /// What it is doing, in words, while it runs.
    pub stage: String,
    pub edits: String,
    pub result: Option<String>,
    pub error: Option<String>,
    pub created_by: Option<PersonId>,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
    pub mentorships_created: Option<i64>,
}

const COLUMNS: &str = "id, programme_id, state, objective, min_score, stage, edits, result, \
     error, created_by, created_at, updated_at, published_at, mentorships_created";

/// The same, without the draft: for lists.
const SUMMARY: &str = "id, programme_id, state, objective, min_score, stage, edits, \
     NULL AS result, error, created_by, created_at, updated_at, published_at, \
     mentorships_created";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("match run {what}"))
}

fn from_row(row: &AnyRow) -> Result<MatchRun> {
    Ok(MatchRun {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        programme_id: parse_id(&row.try_get::<String, _>("programme_id")?)?,
        state: row
            .try_get::<String, _>("state")?
            .parse()
            .map_err(|_| corrupt("state"))?,
        objective: row.try_get("objective")?,
        min_score: u8::try_from(row.try_get::<i64, _>("min_score")?)
            .map_err(|_| corrupt("min_score"))?,
        stage: row.try_get("stage")?,
        edits: row.try_get("edits")?,
        result: row.try_get("result")?,
        error: row.try_get("error")?,
        created_by: row
            .try_get::<Option<String>, _>("created_by")?
            .map(|id| parse_id(&id))
            .transpose()?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        published_at: row.try_get("published_at")?,
        mentorships_created: row.try_get("mentorships_created")?,
    })
}

/// Writes a new run. A second run solving for the programme is a
/// `Conflict { what: "match_run" }`.
pub async fn insert(conn: &mut Conn, run: &MatchRun) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO match_runs ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14)"
    )))
    .bind(run.id.to_string())
    .bind(run.programme_id.to_string())
    .bind(run.state.as_str())
    .bind(run.objective.clone())
    .bind(i64::from(run.min_score))
    .bind(run.stage.clone())
    .bind(run.edits.clone())
    .bind(run.result.clone())
    .bind(run.error.clone())
    .bind(run.created_by.map(|id| id.to_string()))
    .bind(run.created_at)
    .bind(run.updated_at)
    .bind(run.published_at)
    .bind(run.mentorships_created)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One run, with its draft.
pub async fn get(db: &Db, id: MatchRunId) -> Result<Option<MatchRun>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM match_runs WHERE id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(db.reader())
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// A programme's runs, newest first, without their drafts.
pub async fn list_for(db: &Db, programme: ProgrammeId) -> Result<Vec<MatchRun>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY} FROM match_runs WHERE programme_id = $1 \
         ORDER BY created_at DESC, id DESC"
    )))
    .bind(programme.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Says what a running run is doing.
pub async fn set_stage(db: &Db, id: MatchRunId, stage: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE match_runs SET stage = $1, updated_at = $2 WHERE id = $3 AND state = 'running'",
    )
    .bind(stage)
    .bind(now)
    .bind(id.to_string())
    .execute(db.writer())
    .await?;
    Ok(())
}

/// A running run becomes a draft with its result and edits. `false` if it was not
/// running.
pub async fn finish(db: &Db, id: MatchRunId, result: &str, edits: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE match_runs SET state = 'draft', stage = '', result = $1, edits = $2, \
         error = NULL, updated_at = $3 WHERE id = $4 AND state = 'running'",
    )
    .bind(result)
    .bind(edits)
    .bind(now)
    .bind(id.to_string())
    .execute(db.writer())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A running run failed; what went wrong, in words.
pub async fn fail(db: &Db, id: MatchRunId, error: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE match_runs SET state = 'failed', stage = '', error = $1, updated_at = $2 \
         WHERE id = $3 AND state = 'running'",
    )
    .bind(error)
    .bind(now)
    .bind(id.to_string())
    .execute(db.writer())
    .await?;
    Ok(())
}

/// A draft solves again with these edits. `false` if it was not a draft; a
/// `Conflict { what: "match_run" }` if another run of the programme is solving.
pub async fn resolve(conn: &mut Conn, id: MatchRunId, edits: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE match_runs SET state = 'running', stage = 'Solving again around your changes', \
         edits = $1, updated_at = $2 WHERE id = $3 AND state = 'draft'",
    )
    .bind(edits)
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A draft is published, in the caller's transaction, with how many mentorships that
/// made. `false` if it was not a draft: published already, or never finished.
pub async fn publish(conn: &mut Conn, id: MatchRunId, created: i64, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE match_runs SET state = 'published', published_at = $1, updated_at = $1, \
         mentorships_created = $2 WHERE id = $3 AND state = 'draft'",
    )
    .bind(now)
    .bind(created)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records how many mentorships publishing made, in the caller's transaction.
pub async fn set_created(conn: &mut Conn, id: MatchRunId, created: i64) -> Result<()> {
    sqlx::query("UPDATE match_runs SET mentorships_created = $1 WHERE id = $2")
        .bind(created)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Runs left running by a process that stopped (nothing said what they were doing for
/// `stale_ms`) fail, so that the programme can be matched again.
pub async fn fail_abandoned(db: &Db, now: i64, stale_ms: i64) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE match_runs SET state = 'failed', stage = '', \
         error = 'the server stopped while it was solving; start it again', updated_at = $1 \
         WHERE state = 'running' AND updated_at < $2",
    )
    .bind(now)
    .bind(now - stale_ms)
    .execute(db.writer())
    .await?;
    Ok(done.rows_affected())
}
