//! A person's career outcomes: promotions, new roles and jobs, certifications, stretch
//! assignments, talks given, each on the day it happened, optionally credited to a
//! mentorship and tied to a goal. Who may read one is the service's question; this module
//! only stores. Every read and write names the owner, so an id of someone else's outcome
//! finds nothing.

use lodestar_domain::growth::OutcomeKind;
use lodestar_domain::{GoalId, MentorshipId, OutcomeId, PersonId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::{Conn, Db};

/// What an outcome holds that its owner writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeFields {
    pub kind: OutcomeKind,
    /// `YYYY-MM-DD`.
    pub happened_on: String,
    pub title: String,
    pub note: String,
    pub mentorship: Option<MentorshipId>,
    pub goal: Option<GoalId>,
    pub share_with_mentors: bool,
}

/// An outcome as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub id: OutcomeId,
    pub person: PersonId,
    pub fields: OutcomeFields,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The one column list of the table, for every read.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT id, person_id, kind, happened_on, title, note, mentorship_id, goal_id, \
             share_with_mentors, created_at, updated_at FROM outcomes ",
            $rest
        )
    };
}

fn optional_id<T: std::str::FromStr>(row: &AnyRow, column: &str) -> Result<Option<T>> {
    row.try_get::<Option<String>, _>(column)?
        .map(|s| parse_id(&s))
        .transpose()
}

fn from_row(row: &AnyRow) -> Result<Outcome> {
    let kind: String = row.try_get("kind")?;
    Ok(Outcome {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        person: parse_id(&row.try_get::<String, _>("person_id")?)?,
        fields: OutcomeFields {
            kind: kind
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("outcome kind {kind}")))?,
            happened_on: row.try_get("happened_on")?,
            title: row.try_get("title")?,
            note: row.try_get("note")?,
            mentorship: optional_id(row, "mentorship_id")?,
            goal: optional_id(row, "goal_id")?,
            share_with_mentors: row.try_get::<i64, _>("share_with_mentors")? != 0,
        },
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub async fn insert(
    conn: &mut Conn,
    id: OutcomeId,
    person: PersonId,
    fields: &OutcomeFields,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO outcomes (id, person_id, kind, happened_on, title, note, mentorship_id, \
         goal_id, share_with_mentors, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(id.to_string())
    .bind(person.to_string())
    .bind(fields.kind.as_str())
    .bind(fields.happened_on.clone())
    .bind(fields.title.clone())
    .bind(fields.note.clone())
    .bind(fields.mentorship.map(|m| m.to_string()))
    .bind(fields.goal.map(|g| g.to_string()))
    .bind(i64::from(fields.share_with_mentors))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Writes an outcome's fields; false if `person` has no such outcome.
pub async fn update(
    conn: &mut Conn,
    id: OutcomeId,
    person: PersonId,
    fields: &OutcomeFields,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE outcomes SET kind = $1, happened_on = $2, title = $3, note = $4, \
         mentorship_id = $5, goal_id = $6, share_with_mentors = $7, updated_at = $8 \
         WHERE id = $9 AND person_id = $10",
    )
    .bind(fields.kind.as_str())
    .bind(fields.happened_on.clone())
    .bind(fields.title.clone())
    .bind(fields.note.clone())
    .bind(fields.mentorship.map(|m| m.to_string()))
    .bind(fields.goal.map(|g| g.to_string()))
    .bind(i64::from(fields.share_with_mentors))
    .bind(now)
    .bind(id.to_string())
    .bind(person.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Deletes an outcome; false if `person` has no such outcome.
pub async fn delete(conn: &mut Conn, id: OutcomeId, person: PersonId) -> Result<bool> {
    let done = sqlx::query("DELETE FROM outcomes WHERE id = $1 AND person_id = $2")
        .bind(id.to_string())
        .bind(person.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// An outcome of `person`'s.
pub async fn get(db: &Db, id: OutcomeId, person: PersonId) -> Result<Option<Outcome>> {
    sqlx::query(select!("WHERE id = $1 AND person_id = $2"))
        .bind(id.to_string())
        .bind(person.to_string())
        .fetch_optional(db.reader())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// `person`'s outcomes, newest first, read on the `(person_id, happened_on, id)` index.
/// With `shared_only`, only those shared with their mentors.
pub async fn list(db: &Db, person: PersonId, shared_only: bool) -> Result<Vec<Outcome>> {
    let sql = if shared_only {
        select!(
            "WHERE person_id = $1 AND share_with_mentors = 1 \
             ORDER BY happened_on DESC, id DESC"
        )
    } else {
        select!("WHERE person_id = $1 ORDER BY happened_on DESC, id DESC")
    };
    sqlx::query(sql)
        .bind(person.to_string())
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(from_row)
        .collect()
}
