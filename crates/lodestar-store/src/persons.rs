//! Accounts: creation, look-up, passwords and the admin flag.

use lodestar_domain::{Email, PersonId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::{Db, now_ms};

/// What is needed to create an account.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub id: PersonId,
    pub name: String,
    pub email: Email,
    pub password_hash: String,
    /// Make the account an admin (the CLI's `admin create`, the demo, the setup link).
    pub admin: bool,
}

/// An account as stored.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub created_at: i64,
    /// When an admin suspended the account; it cannot log in while this is set.
    pub suspended_at: Option<i64>,
}

pub(crate) fn parse_id<T: std::str::FromStr>(raw: &str) -> Result<T> {
    raw.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad id {raw:?}")))
}

pub(crate) fn account_from_row(row: &AnyRow) -> Result<Account> {
    Ok(Account {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
        created_at: row.try_get("created_at")?,
        suspended_at: row.try_get("suspended_at")?,
    })
}

/// Creates an account with a default profile; an admin only when `new.admin` says so (the
/// command line, the demo, the one-time setup link). Registering never makes an admin, so
/// an instance reachable before its operator arrives cannot be claimed by whoever comes
/// first. Fails with `Conflict { what: "email" }` for a taken email.
pub async fn create_account(db: &Db, new: &NewAccount) -> Result<Account> {
    let mut tx = db.writer().begin().await?;
    let account = insert_account(&mut tx, new).await?;
    tx.commit().await?;
    Ok(account)
}

/// Creates an account as [`create_account`] does, with `audit`, the record of the admin
/// action that made it, in the same transaction.
pub async fn create_account_recorded(
    db: &Db,
    new: &NewAccount,
    audit: &crate::audit::NewEntry,
) -> Result<Account> {
    let mut tx = db.writer().begin().await?;
    let account = insert_account(&mut tx, new).await?;
    crate::audit::record(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(account)
}

/// Inserts an account inside a transaction (shared with the setup link's claim).
pub(crate) async fn insert_account(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    new: &NewAccount,
) -> Result<Account> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO persons (id, email, name, name_key, password_hash, is_admin, search_text, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(new.id.to_string())
    .bind(new.email.as_str().to_owned())
    .bind(new.name.clone())
    .bind(new.name.to_lowercase())
    .bind(new.password_hash.clone())
    .bind(i64::from(new.admin))
    .bind(new.name.to_lowercase())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query("INSERT INTO person_languages (person_id, language) VALUES ($1, 'en')")
        .bind(new.id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(Account {
        id: new.id,
        name: new.name.clone(),
        email: new.email.as_str().to_owned(),
        password_hash: new.password_hash.clone(),
        is_admin: new.admin,
        created_at: now,
        suspended_at: None,
    })
}

pub async fn find_by_email(db: &Db, email: &Email) -> Result<Option<Account>> {
    sqlx::query(
        "SELECT id, name, email, password_hash, is_admin, created_at, suspended_at FROM persons WHERE email = $1",
    )
    .bind(email.as_str().to_owned())
    .fetch_optional(db.reader())
    .await?
    .as_ref()
    .map(account_from_row)
    .transpose()
}

pub async fn find_by_id(db: &Db, id: PersonId) -> Result<Option<Account>> {
    sqlx::query(
        "SELECT id, name, email, password_hash, is_admin, created_at, suspended_at FROM persons WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(db.reader())
    .await?
    .as_ref()
    .map(account_from_row)
    .transpose()
}

/// A person's name and time zone (an IANA name, `UTC` by default): what a page about them
/// needs of them, in one read by the primary key.
pub async fn name_and_time_zone(db: &Db, id: PersonId) -> Result<Option<(String, String)>> {
    sqlx::query("SELECT name, time_zone FROM persons WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(db.reader())
        .await?
        .map(|row| Ok((row.try_get("name")?, row.try_get("time_zone")?)))
        .transpose()
}

pub async fn set_password_hash(db: &Db, id: PersonId, hash: &str) -> Result<()> {
    let done = sqlx::query("UPDATE persons SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash.to_owned())
        .bind(now_ms())
        .bind(id.to_string())
        .execute(db.writer())
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Gives or takes away admin rights, in the caller's transaction.
pub async fn set_admin(conn: &mut crate::Conn, id: PersonId, admin: bool) -> Result<()> {
    let done = sqlx::query("UPDATE persons SET is_admin = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(admin))
        .bind(now_ms())
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn count(db: &Db) -> Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM persons")
        .fetch_one(db.reader())
        .await?
        .try_get("n")?)
}

/// A person's name, headline and email address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brief {
    pub name: String,
    pub headline: String,
    pub email: String,
}

/// The [`Brief`]s of `ids` that exist, by id.
pub async fn briefs(
    db: &Db,
    ids: &[PersonId],
) -> Result<std::collections::HashMap<PersonId, Brief>> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, name, headline, email FROM persons WHERE id IN ({})",
        placeholders.join(", ")
    )));
    for id in ids {
        query = query.bind(id.to_string());
    }
    query
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| {
            Ok((
                parse_id(&row.try_get::<String, _>("id")?)?,
                Brief {
                    name: row.try_get("name")?,
                    headline: row.try_get("headline")?,
                    email: row.try_get("email")?,
                },
            ))
        })
        .collect()
}
