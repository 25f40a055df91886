//! Scratch databases for tests (behind the `testing` feature): a fresh, migrated database
//! per test on SQLite, and on PostgreSQL when `LODESTAR_TEST_DATABASE_URL` names a server.

use std::path::PathBuf;

use crate::{Db, DbConfig};

/// The PostgreSQL server tests use; unset means the PostgreSQL variants are skipped, except
/// under `CI`, where they fail.
pub const DATABASE_URL_VAR: &str = "LODESTAR_TEST_DATABASE_URL";

/// The PostgreSQL server's URL, or `None` (after saying so) when it is not set. Under `CI`
/// a missing URL panics instead: a PostgreSQL variant that passes without running would
/// let CI go green on one backend only.
pub fn postgres_url() -> Option<String> {
    let url = std::env::var(DATABASE_URL_VAR)
        .ok()
        .filter(|v| !v.trim().is_empty());
    if url.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{DATABASE_URL_VAR} is not set, and under CI every PostgreSQL variant must run"
        );
        eprintln!("skipped: set {DATABASE_URL_VAR} to run the PostgreSQL variant");
    }
    url
}

enum Place {
    SqliteFile(PathBuf),
    PostgresSchema { base_url: String, schema: String },
}

/// A migrated database nobody else uses. [`ScratchDb::finish`] removes it when a test
/// passes; a failing test leaves it behind to look at.
pub struct ScratchDb {
    pub db: Db,
    /// The URL `db` was opened with, for another process (a `lodestar serve`) to open it.
    pub url: String,
    place: Place,
}

fn unique_name() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Tests run in parallel against one server: keep each pool small.
fn small(url: &str) -> DbConfig {
    DbConfig {
        max_connections: 4,
        ..DbConfig::new(url)
    }
}

impl ScratchDb {
    /// A new SQLite file under the temp folder. (`sqlite::memory:` would give every pooled
    /// connection its own empty database.)
    pub async fn sqlite() -> Self {
        Self::sqlite_migrated_to(None).await
    }

    /// A new SQLite file migrated up to `version` only (see [`Db::migrate_to`]).
    pub async fn sqlite_at(version: i64) -> Self {
        Self::sqlite_migrated_to(Some(version)).await
    }

    async fn sqlite_migrated_to(version: Option<i64>) -> Self {
        let path = std::env::temp_dir()
            .join("lodestar-tests")
            .join(format!("{}.db", unique_name()));
        let url = format!("sqlite://{}", path.display());
        let db = Db::connect(&small(&url)).await.expect("open a SQLite file");
        match version {
            Some(v) => db.migrate_to(v).await,
            None => db.migrate().await,
        }
        .expect("migrate SQLite");
        Self {
            db,
            url,
            place: Place::SqliteFile(path),
        }
    }

    /// A new schema on the PostgreSQL server named by `LODESTAR_TEST_DATABASE_URL`, with
    /// every connection's `search_path` set to it; `None` (after saying so) when unset,
    /// and a panic when unset under `CI` (see [`postgres_url`]).
    pub async fn postgres() -> Option<Self> {
        Self::postgres_migrated_to(None).await
    }

    /// A new PostgreSQL schema migrated up to `version` only (see [`Db::migrate_to`]).
    pub async fn postgres_at(version: i64) -> Option<Self> {
        Self::postgres_migrated_to(Some(version)).await
    }

    async fn postgres_migrated_to(version: Option<i64>) -> Option<Self> {
        let base_url = postgres_url()?;
        let schema = format!("t_{}", unique_name());
        run_on_server(&base_url, format!("CREATE SCHEMA {schema}")).await;
        let separator = if base_url.contains('?') { '&' } else { '?' };
        // sqlx passes `options` to the server as start-up options: `-c search_path=…`.
        // Test data need not survive a crash: skip the wait for each commit's flush.
        let url = format!(
            "{base_url}{separator}options=-c%20search_path%3D{schema}%20-c%20synchronous_commit%3Doff"
        );
        let db = Db::connect(&small(&url))
            .await
            .expect("connect with the test schema");
        match version {
            Some(v) => db.migrate_to(v).await,
            None => db.migrate().await,
        }
        .expect("migrate PostgreSQL");
        Some(Self {
            db,
            url,
            place: Place::PostgresSchema { base_url, schema },
        })
    }

    /// The schema this test's tables live in (PostgreSQL only).
    pub fn schema(&self) -> Option<&str> {
        match &self.place {
            Place::PostgresSchema { schema, .. } => Some(schema),
            Place::SqliteFile(_) => None,
        }
    }

    /// Closes the pools and removes the database.
    pub async fn finish(self) {
        self.db.close().await;
        match self.place {
            Place::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Place::PostgresSchema { base_url, schema } => {
                run_on_server(&base_url, format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).await;
            }
        }
    }
}

async fn run_on_server(base_url: &str, statement: String) {
    let admin = Db::connect(&small(base_url))
        .await
        .expect("connect to the PostgreSQL test server");
    sqlx::query(sqlx::AssertSqlSafe(statement.clone()))
        .execute(admin.writer())
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
    admin.close().await;
}

/// `n` new people who want a mentor, each with a pending request to `mentor`, written
/// straight to the store (for race tests: a thousand registrations would hash a thousand
/// passwords). Emails are `{prefix}{i}@example.org`.
#[allow(clippy::unwrap_used)]
pub async fn pending_requests(
    db: &Db,
    mentor: lodestar_domain::PersonId,
    n: usize,
    prefix: &str,
) -> Vec<lodestar_domain::RequestId> {
    use lodestar_domain::mentoring::{Cadence, Initiator};
    use lodestar_domain::{PersonId, ProfileData, RequestId};

    use crate::profiles::{self, BulkPerson, Derived};
    use crate::requests::{self, NewRequest};

    let people: Vec<BulkPerson> = (0..n)
        .map(|i| BulkPerson {
            id: PersonId::new(),
            name: format!("Mentee {i}"),
            email: format!("{prefix}{i}@example.org"),
            password_hash: "not-a-real-hash".into(),
            profile: ProfileData {
                wants_mentor: true,
                ..ProfileData::default()
            },
            derived: Derived::default(),
        })
        .collect();
    profiles::insert_bulk(db, &people).await.unwrap();
    let now = crate::now_ms();
    let mut tx = db.begin().await.unwrap();
    let mut ids = Vec::with_capacity(n);
    for person in &people {
        let id = RequestId::new();
        let request = NewRequest {
            id,
            mentor,
            mentee: person.id,
            initiator: Initiator::Mentee,
            message: String::new(),
            skills: Vec::new(),
            focus_areas: Vec::new(),
            cadence: Cadence::Monthly,
            duration_weeks: 10,
            created_at: now,
            expires_at: now + 86_400_000,
            programme: None,
            reviewed: false,
        };
        requests::insert(&mut tx, &request).await.unwrap();
        ids.push(id);
    }
    crate::commit(tx).await.unwrap();
    ids
}
