//! Generation counters: how caches outside the database learn that what they hold is stale.
//!
//! Triggers (migration 3) bump a view's counter in the same transaction as any write to
//! what the view shows, so a reader that sees generation `g` sees every write made before
//! `g` was reached. A cache that reads the generation *before* computing a result and stores
//! the result under it is therefore never older than the database, across any number of
//! server processes sharing one database.

use sqlx::Row;

use crate::Db;
use crate::error::Result;

/// The people directory: persons, their skills and languages, and the skills catalogue.
pub async fn directory(db: &Db) -> Result<i64> {
    value(db, "directory").await
}

/// The network: who is connected with whom, and who hides their connections, is listed or
/// is suspended (migrations 18 and 19).
pub async fn network(db: &Db) -> Result<i64> {
    value(db, "network").await
}

async fn value(db: &Db, name: &str) -> Result<i64> {
    let row = sqlx::query("SELECT value FROM generations WHERE name = $1")
        .bind(name)
        .fetch_one(db.reader())
        .await?;
    Ok(row.try_get("value")?)
}

/// Opportunities and the skills they name (migrations 21 and 22).
pub async fn opportunities(db: &Db) -> Result<i64> {
    value(db, "opportunities").await
}

/// What programmes' reports count: programmes, enrolments, mentorships and their members,
/// sessions, requests, goals, check-ins, assessments, wanted skills, outcomes and skills'
/// names (migration 31).
pub async fn reports(db: &Db) -> Result<i64> {
    value(db, "reports").await
}
