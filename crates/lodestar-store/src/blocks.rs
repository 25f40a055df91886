//! Blocks: a person keeps someone from ever being suggested to them or matched with them,
//! in either direction. A block concerns only those two, so it does not move the directory
//! generation (migration 7): recommendations read the viewer's blocks on each request
//! ([`involving`]), and bulk matching reads them all ([`all`]).

use lodestar_domain::PersonId;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::{Db, now_ms};

/// `person` blocks `blocked` (callers check that both exist and differ; the database
/// refuses otherwise), and any connection or request between them ends with it, and an open
/// introduction of the two closes as "not now", in one transaction. Blocking twice is not an error.
pub async fn block(db: &Db, person: PersonId, blocked: PersonId) -> Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO blocks (person_id, blocked_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id, blocked_id) DO NOTHING",
    )
    .bind(person.to_string())
    .bind(blocked.to_string())
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM connections WHERE (low_id = $1 AND high_id = $2) OR (low_id = $2 AND high_id = $1)",
    )
    .bind(person.to_string())
    .bind(blocked.to_string())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE introductions SET state = 'not_now', closed_at = $3 WHERE state = 'open' \
         AND ((a_id = $1 AND b_id = $2) OR (a_id = $2 AND b_id = $1))",
    )
    .bind(person.to_string())
    .bind(blocked.to_string())
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `person` lifts their block of `blocked`; [`StoreError::NotFound`] if there was none.
pub async fn unblock(db: &Db, person: PersonId, blocked: PersonId) -> Result<()> {
    let done = sqlx::query("DELETE FROM blocks WHERE person_id = $1 AND blocked_id = $2")
        .bind(person.to_string())
        .bind(blocked.to_string())
        .execute(db.writer())
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The people `person` has blocked, most recent first.
pub async fn blocked_by(db: &Db, person: PersonId) -> Result<Vec<PersonId>> {
    sqlx::query(
        "SELECT blocked_id FROM blocks WHERE person_id = $1 ORDER BY created_at DESC, blocked_id",
    )
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| parse_id(&row.try_get::<String, _>("blocked_id")?))
    .collect()
}

/// Every block, as `(who blocked, whom)`.
pub async fn all(db: &Db) -> Result<Vec<(PersonId, PersonId)>> {
    sqlx::query("SELECT person_id, blocked_id FROM blocks ORDER BY person_id, blocked_id")
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| {
            Ok((
                parse_id(&row.try_get::<String, _>("person_id")?)?,
                parse_id(&row.try_get::<String, _>("blocked_id")?)?,
            ))
        })
        .collect()
}

/// The people `person` has blocked or is blocked by: those kept from them either way.
pub async fn involving(db: &Db, person: PersonId) -> Result<Vec<PersonId>> {
    sqlx::query(
        "SELECT blocked_id AS other FROM blocks WHERE person_id = $1 \
         UNION SELECT person_id AS other FROM blocks WHERE blocked_id = $1",
    )
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| parse_id(&row.try_get::<String, _>("other")?))
    .collect()
}
