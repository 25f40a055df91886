//! Counters for rate limits: how many attempts a scope (say, log-ins for one account from
//! one address) has made, and when.
//!
//! An attempt is counted with one upsert that returns the new count, before the work it
//! guards is done. Requests racing each other therefore each see a different count, and a
//! parallel burst cannot slip past a limit that a read followed by a write would let
//! through. The decisions (how many, how long) are the application's.

use sqlx::Row;

use crate::Db;
use crate::error::Result;

/// When a scope's count starts again from one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// A fixed window: `ms` after the first attempt counted, the count restarts.
    Fixed { ms: i64 },
    /// The count restarts only after `ms` without any attempt, however long it has run.
    Quiet { ms: i64 },
}

/// A scope's count after an attempt was added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Attempts in the current window, this one included.
    pub hits: i64,
    /// When the current window began (epoch milliseconds).
    pub window_start: i64,
    /// When the attempt before this one was made, if it is in the same window.
    pub previous_at: Option<i64>,
}

/// Counts an attempt for `scope` at `now` and returns the new count.
pub async fn hit(db: &Db, scope: &str, now: i64, window: Window) -> Result<Hit> {
    // A window restarts when it began before `fixed_cutoff` or was last used before
    // `quiet_cutoff`; the rule not in use gets a cutoff nothing is older than.
    let (fixed_cutoff, quiet_cutoff) = match window {
        Window::Fixed { ms } => (now - ms, i64::MIN),
        Window::Quiet { ms } => (i64::MIN, now - ms),
    };
    let row = sqlx::query(
        "INSERT INTO throttle (scope, hits, window_start, previous_at, last_at) \
         VALUES ($1, 1, $2, 0, $2) \
         ON CONFLICT (scope) DO UPDATE SET \
           hits = CASE WHEN throttle.window_start < $3 OR throttle.last_at < $4 \
                  THEN 1 ELSE throttle.hits + 1 END, \
           window_start = CASE WHEN throttle.window_start < $3 OR throttle.last_at < $4 \
                  THEN $2 ELSE throttle.window_start END, \
           previous_at = CASE WHEN throttle.window_start < $3 OR throttle.last_at < $4 \
                  THEN 0 ELSE throttle.last_at END, \
           last_at = $2 \
         RETURNING hits, window_start, previous_at",
    )
    .bind(scope.to_owned())
    .bind(now)
    .bind(fixed_cutoff)
    .bind(quiet_cutoff)
    .fetch_one(db.writer())
    .await?;
    let hits: i64 = row.try_get("hits")?;
    let previous_at: i64 = row.try_get("previous_at")?;
    Ok(Hit {
        hits,
        window_start: row.try_get("window_start")?,
        previous_at: (hits > 1).then_some(previous_at),
    })
}

/// Takes one attempt back (it turned out not to count: a right password, invalid input).
pub async fn forgive(db: &Db, scope: &str) -> Result<()> {
    sqlx::query("UPDATE throttle SET hits = hits - 1 WHERE scope = $1 AND hits > 0")
        .bind(scope.to_owned())
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Forgets a scope's attempts altogether.
pub async fn clear(db: &Db, scope: &str) -> Result<()> {
    sqlx::query("DELETE FROM throttle WHERE scope = $1")
        .bind(scope.to_owned())
        .execute(db.writer())
        .await?;
    Ok(())
}

/// The attempts counted for `scope` in its current window (0 for a scope never seen).
pub async fn hits(db: &Db, scope: &str) -> Result<i64> {
    Ok(sqlx::query("SELECT hits FROM throttle WHERE scope = $1")
        .bind(scope.to_owned())
        .fetch_optional(db.reader())
        .await?
        .map(|row| row.try_get::<i64, _>("hits"))
        .transpose()?
        .unwrap_or(0))
}

/// Deletes the counters last used before `before` (epoch milliseconds); returns how many.
/// Pass a time older than the longest window in use, so that no live count is lost.
pub async fn prune(db: &Db, before: i64) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM throttle WHERE last_at < $1")
        .bind(before)
        .execute(db.writer())
        .await?
        .rows_affected())
}
