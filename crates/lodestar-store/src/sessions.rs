//! Browser sessions stored in the database, so that several `serve` processes share them.
//!
//! Only signed-in people have sessions. A row is inserted once, by [`SessionStore::create`]
//! (at sign-in, under a fresh id), and afterwards only updated: a request that loaded a
//! session before it was ended (log-out, password change, "sign out everywhere") cannot
//! bring it back by saving. Besides the idle expiry that each save pushes forward, a session
//! ends a fixed time after it began, however busy it is.

use std::collections::HashMap;

use async_trait::async_trait;
use lodestar_domain::PersonId;
use sqlx::Row;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::error::Result;
use crate::{Db, now_ms};

/// The session key under which the signed-in person's id is kept.
pub const PERSON_KEY: &str = "person_id";
/// The browser's `User-Agent` at sign-in, copied into the `user_agent` column.
pub const USER_AGENT_KEY: &str = "user_agent";
/// The client's address when the session was last seen, copied into the `address` column.
pub const ADDRESS_KEY: &str = "address";

/// How long a session lasts from sign-in, however active, unless configured otherwise.
pub const DEFAULT_ABSOLUTE_LIFETIME_MS: i64 = 30 * 24 * 60 * 60 * 1000;

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
    absolute_lifetime_ms: i64,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            absolute_lifetime_ms: DEFAULT_ABSOLUTE_LIFETIME_MS,
        }
    }

    /// Sessions end this long after they began, however active they are.
    pub fn with_absolute_lifetime_ms(mut self, ms: i64) -> Self {
        self.absolute_lifetime_ms = ms.max(1);
        self
    }

    /// Removes sessions that have expired.
    pub async fn delete_expired(&self) -> Result<u64> {
        delete_expired(&self.db).await
    }
}

/// Removes sessions that have expired (idle too long or past their absolute lifetime).
pub async fn delete_expired(db: &Db) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now_ms())
        .execute(db.writer())
        .await?
        .rows_affected())
}

/// When `person` signed in on their session `id` (its row is made at sign-in), if it is
/// theirs and live.
pub async fn signed_in_at(db: &Db, person: PersonId, id: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT created_at FROM sessions WHERE id = $1 AND person_id = $2 AND expires_at > $3",
    )
    .bind(id)
    .bind(person.to_string())
    .bind(now_ms())
    .fetch_optional(db.reader())
    .await?)
}

/// Ends every session of `person` except `keep` (the one that made the change).
pub async fn end_other_sessions(db: &Db, person: PersonId, keep: Option<&str>) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE person_id = $1 AND id <> $2")
            .bind(person.to_string())
            .bind(keep.unwrap_or_default().to_owned())
            .execute(db.writer())
            .await?
            .rows_affected(),
    )
}

/// Ends one of `person`'s sessions, named by its public id. `false` when `person` has no
/// live session with that id.
pub async fn end_session(db: &Db, person: PersonId, public_id: &str) -> Result<bool> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE person_id = $1 AND public_id = $2")
            .bind(person.to_string())
            .bind(public_id.to_owned())
            .execute(db.writer())
            .await?
            .rows_affected()
            > 0,
    )
}

/// A live session as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    pub public_id: String,
    /// The session's secret id, only to tell which one is the caller's own.
    pub id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user_agent: String,
    pub address: String,
}

/// `person`'s live sessions, most recently used first.
pub async fn list_for_person(db: &Db, person: PersonId) -> Result<Vec<SessionInfo>> {
    let rows = sqlx::query(
        "SELECT id, public_id, created_at, last_seen_at, expires_at, user_agent, address \
         FROM sessions WHERE person_id = $1 AND expires_at > $2 \
         ORDER BY last_seen_at DESC, created_at DESC, public_id",
    )
    .bind(person.to_string())
    .bind(now_ms())
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| -> Result<SessionInfo> {
            Ok(SessionInfo {
                id: row.try_get("id")?,
                public_id: row.try_get("public_id")?,
                created_at: row.try_get("created_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
                expires_at: row.try_get("expires_at")?,
                user_agent: row.try_get("user_agent")?,
                address: row.try_get("address")?,
            })
        })
        .collect()
}

/// Counts session rows, live or not (for benchmarks and tests).
pub async fn count(db: &Db) -> Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM sessions")
        .fetch_one(db.reader())
        .await?
        .try_get("n")?)
}

fn backend(err: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn expiry_ms(record: &Record) -> i64 {
    i64::try_from(record.expiry_date.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn text_of(record: &Record, key: &str) -> Option<String> {
    record
        .data
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// At most this many characters of a user agent or address are kept in their columns.
const MAX_COLUMN_CHARS: usize = 300;

fn column_text(record: &Record, key: &str) -> String {
    text_of(record, key)
        .unwrap_or_default()
        .chars()
        .take(MAX_COLUMN_CHARS)
        .collect()
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let now = now_ms();
        let expires_at = expiry_ms(record).min(now.saturating_add(self.absolute_lifetime_ms));
        loop {
            let inserted = sqlx::query(
                "INSERT INTO sessions (id, public_id, person_id, data, expires_at, created_at, last_seen_at, user_agent, address) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
            )
            .bind(record.id.to_string())
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(text_of(record, PERSON_KEY))
            .bind(data.clone())
            .bind(expires_at)
            .bind(now)
            .bind(column_text(record, USER_AGENT_KEY))
            .bind(column_text(record, ADDRESS_KEY))
            .execute(self.db.writer())
            .await
            .map_err(backend)?
            .rows_affected();
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Updates an existing session and never inserts one: a session deleted while a request
    /// held it stays deleted. The idle expiry is capped by the absolute lifetime.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let updated = sqlx::query(
            "UPDATE sessions SET person_id = $2, data = $3, last_seen_at = $5, \
             address = CASE WHEN $6 = '' THEN address ELSE $6 END, \
             expires_at = CASE WHEN $4 < created_at + $7 THEN $4 ELSE created_at + $7 END \
             WHERE id = $1",
        )
        .bind(record.id.to_string())
        .bind(text_of(record, PERSON_KEY))
        .bind(data)
        .bind(expiry_ms(record))
        .bind(now_ms())
        .bind(column_text(record, ADDRESS_KEY))
        .bind(self.absolute_lifetime_ms)
        .execute(self.db.writer())
        .await
        .map_err(backend)?
        .rows_affected();
        if updated == 0 {
            tracing::debug!("a session ended while a request held it; not saved");
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row =
            sqlx::query("SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2")
                .bind(id.to_string())
                .bind(now_ms())
                .fetch_optional(self.db.reader())
                .await
                .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let data: String = row.try_get("data").map_err(backend)?;
        let expires_at: i64 = row.try_get("expires_at").map_err(backend)?;
        let data: HashMap<String, serde_json::Value> =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date =
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(expires_at) * 1_000_000)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(self.db.writer())
            .await
            .map_err(backend)?;
        Ok(())
    }
}
