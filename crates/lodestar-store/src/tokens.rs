//! Personal API tokens and log-in tokens. The store only ever sees a token's hash.

use lodestar_domain::{PersonId, TokenId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::persons::{Account, account_from_row, parse_id};
use crate::{Db, now_ms};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Made by the person on the tokens page or API; lasts until revoked.
    Personal,
    /// Issued by `POST /api/v1/auth/login`; expires.
    Login,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Personal => "personal",
            Self::Login => "login",
        }
    }
}

#[derive(Clone, Debug)]
pub struct NewToken {
    pub id: TokenId,
    pub person: PersonId,
    pub kind: TokenKind,
    pub name: String,
    pub hash: String,
    /// The first characters of the secret, to help people tell their tokens apart.
    pub prefix: String,
    pub expires_at: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct TokenRecord {
    pub id: TokenId,
    pub person: PersonId,
    pub personal: bool,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

fn token_from_row(row: &AnyRow) -> Result<TokenRecord> {
    Ok(TokenRecord {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        person: parse_id(&row.try_get::<String, _>("person_id")?)?,
        personal: row.try_get::<String, _>("kind")? == "personal",
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        last_used_at: row.try_get("last_used_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

pub async fn insert(db: &Db, token: &NewToken) -> Result<TokenRecord> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO api_tokens (id, person_id, kind, name, token_hash, prefix, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(token.id.to_string())
    .bind(token.person.to_string())
    .bind(token.kind.as_str())
    .bind(token.name.clone())
    .bind(token.hash.clone())
    .bind(token.prefix.clone())
    .bind(now)
    .bind(token.expires_at)
    .execute(db.writer())
    .await?;
    Ok(TokenRecord {
        id: token.id,
        person: token.person,
        personal: token.kind == TokenKind::Personal,
        name: token.name.clone(),
        prefix: token.prefix.clone(),
        created_at: now,
        expires_at: token.expires_at,
        last_used_at: None,
        revoked_at: None,
    })
}

/// The live (not revoked, not expired) token with this hash.
pub async fn find_live_by_hash(db: &Db, hash: &str) -> Result<Option<TokenRecord>> {
    sqlx::query(
        "SELECT id, person_id, kind, name, prefix, created_at, expires_at, last_used_at, revoked_at \
         FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
    )
    .bind(hash.to_owned())
    .bind(now_ms())
    .fetch_optional(db.reader())
    .await?
    .as_ref()
    .map(token_from_row)
    .transpose()
}

/// A live token with its person's account: what every API request's token check reads.
#[derive(Clone, Debug)]
pub struct LiveToken {
    pub id: TokenId,
    pub last_used_at: Option<i64>,
    pub account: Account,
}

/// [`find_live_by_hash`] and the token's person in one read: every API request asks
/// both, and each read is a round trip (to PostgreSQL, or to SQLite's connection thread).
pub async fn find_live_with_account(db: &Db, hash: &str) -> Result<Option<LiveToken>> {
    let row = sqlx::query(
        "SELECT t.id AS token_id, t.last_used_at, p.id, p.name, p.email, p.password_hash, \
         p.is_admin, p.created_at, p.suspended_at \
         FROM api_tokens t JOIN persons p ON p.id = t.person_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)",
    )
    .bind(hash.to_owned())
    .bind(now_ms())
    .fetch_optional(db.reader())
    .await?;
    row.map(|row| {
        Ok(LiveToken {
            id: parse_id(&row.try_get::<String, _>("token_id")?)?,
            last_used_at: row.try_get("last_used_at")?,
            account: account_from_row(&row)?,
        })
    })
    .transpose()
}

/// Notes that a token was used. Callers throttle this so that reads stay reads.
pub async fn touch(db: &Db, id: TokenId) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(id.to_string())
        .execute(db.writer())
        .await?;
    Ok(())
}

/// A person's personal tokens, newest first, revoked ones included.
pub async fn list_personal(db: &Db, person: PersonId) -> Result<Vec<TokenRecord>> {
    sqlx::query(
        "SELECT id, person_id, kind, name, prefix, created_at, expires_at, last_used_at, revoked_at \
         FROM api_tokens WHERE person_id = $1 AND kind = 'personal' ORDER BY created_at DESC, id DESC",
    )
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(token_from_row)
    .collect()
}

/// Revokes one of `person`'s tokens. Revoking an already revoked token is not an error.
pub async fn revoke(db: &Db, person: PersonId, id: TokenId) -> Result<()> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND person_id = $3",
    )
    .bind(now_ms())
    .bind(id.to_string())
    .bind(person.to_string())
    .execute(db.writer())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Revokes every log-in token of `person` (after a password change).
pub async fn revoke_login_tokens(db: &Db, person: PersonId) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE person_id = $2 AND kind = 'login' AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(person.to_string())
    .execute(db.writer())
    .await?
    .rows_affected())
}

/// Revokes every token of `person`: log-in tokens always, personal ones too unless
/// `keep_personal` (after a password change or "sign out everywhere").
pub async fn revoke_all(db: &Db, person: PersonId, keep_personal: bool) -> Result<u64> {
    let query = if keep_personal {
        "UPDATE api_tokens SET revoked_at = $1 WHERE person_id = $2 AND kind = 'login' AND revoked_at IS NULL"
    } else {
        "UPDATE api_tokens SET revoked_at = $1 WHERE person_id = $2 AND revoked_at IS NULL"
    };
    Ok(sqlx::query(query)
        .bind(now_ms())
        .bind(person.to_string())
        .execute(db.writer())
        .await?
        .rows_affected())
}

/// Deletes tokens that expired or were revoked before `before` (epoch milliseconds). Until
/// then they stay listed, so that people can see what ended and when.
pub async fn prune(db: &Db, before: i64) -> Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM api_tokens WHERE (expires_at IS NOT NULL AND expires_at < $1) OR (revoked_at IS NOT NULL AND revoked_at < $1)",
    )
    .bind(before)
    .execute(db.writer())
    .await?
    .rows_affected())
}
