//! What the installation keeps for itself: secrets shared by every server process, the
//! one-time setup link that creates the first admin, and the leases that let one process
//! at a time run a periodic task.

use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::persons::{Account, NewAccount, insert_account};
use crate::{Db, now_ms};

/// The installation's secret called `name`, made from `fresh` the first time it is asked
/// for. Every process gets the same one: the first insert wins and everyone reads it back.
pub async fn secret(db: &Db, name: &str, fresh: &str) -> Result<String> {
    sqlx::query(
        "INSERT INTO installation_secrets (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name.to_owned())
    .bind(fresh.to_owned())
    .bind(now_ms())
    .execute(db.writer())
    .await?;
    Ok(
        sqlx::query("SELECT secret FROM installation_secrets WHERE name = $1")
            .bind(name.to_owned())
            .fetch_one(db.writer())
            .await?
            .try_get("secret")?,
    )
}

/// Whether any account is an admin.
pub async fn has_admin(db: &Db) -> Result<bool> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM persons WHERE is_admin = 1")
        .fetch_one(db.reader())
        .await?
        .try_get("n")?;
    Ok(n > 0)
}

/// Makes `token_hash` the one live setup token, replacing any earlier one.
pub async fn replace_setup_token(db: &Db, token_hash: &str, expires_at: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO setup_tokens (id, token_hash, created_at, expires_at) VALUES (1, $1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at, expires_at = excluded.expires_at",
    )
    .bind(token_hash.to_owned())
    .bind(now_ms())
    .bind(expires_at)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// Whether `token_hash` is the live setup token (to show its form; claiming checks again).
pub async fn setup_token_is_live(db: &Db, token_hash: &str) -> Result<bool> {
    Ok(
        sqlx::query("SELECT 1 AS one FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash.to_owned())
            .bind(now_ms())
            .fetch_optional(db.reader())
            .await?
            .is_some(),
    )
}

/// Creates the first admin with the setup token, in one transaction that burns the token:
/// of two racing claims, the one whose delete finds the row wins and the other rolls back.
/// `NotFound` when the token is unknown, used or expired, or an admin exists already.
/// `audit` is the record of the setup, written in the same transaction.
pub async fn claim_setup_token(
    db: &Db,
    token_hash: &str,
    new: &NewAccount,
    audit: &crate::audit::NewEntry,
) -> Result<Account> {
    let mut tx = db.writer().begin().await?;
    let burned = sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash.to_owned())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let admins: i64 = sqlx::query("SELECT COUNT(*) AS n FROM persons WHERE is_admin = 1")
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    if burned != 1 || admins > 0 {
        tx.rollback().await?;
        return Err(StoreError::NotFound);
    }
    let account = insert_account(
        &mut tx,
        &NewAccount {
            admin: true,
            ..new.clone()
        },
    )
    .await?;
    crate::audit::record(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(account)
}

/// Deletes setup tokens that have expired.
pub async fn prune_setup_tokens(db: &Db) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM setup_tokens WHERE expires_at < $1")
            .bind(now_ms())
            .execute(db.writer())
            .await?
            .rows_affected(),
    )
}

/// Takes the lease on `task` for `holder` until `ms` from now, if no live lease is held
/// (by anyone: a lease is also how often the task runs). `true` when `holder` got it.
pub async fn take_lease(db: &Db, task: &str, holder: &str, ms: i64) -> Result<bool> {
    let now = now_ms();
    Ok(sqlx::query(
        "INSERT INTO housekeeping_leases (task, holder, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (task) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
         WHERE housekeeping_leases.expires_at <= $4",
    )
    .bind(task.to_owned())
    .bind(holder.to_owned())
    .bind(now.saturating_add(ms))
    .bind(now)
    .execute(db.writer())
    .await?
    .rows_affected()
        == 1)
}
