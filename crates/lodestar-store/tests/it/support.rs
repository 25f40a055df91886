//! A fresh, migrated database per test on either backend, the macro that runs one test
//! body on both, and small builders for the people and skills the tests need.

use std::path::PathBuf;

use lodestar_domain::{
    Email, PersonId, ProfileData, SkillClaim, SkillId, SkillKind, SkillLevel, Slug,
};
use lodestar_store::persons::{self, Account, NewAccount};
use lodestar_store::profiles::{self, BulkPerson, Derived};
use lodestar_store::skills::{self, NewSkill};
use lodestar_store::{Db, DbConfig};

/// The PostgreSQL server the `postgres` variants use; unset means they are skipped.
pub const DATABASE_URL_VAR: &str = "LODESTAR_TEST_DATABASE_URL";

/// Writes `test_name::sqlite` and `test_name::postgres` for each body, so that test names
/// read as sentences and every rule is checked on both backends.
macro_rules! backend_tests {
    ($(
        $(#[$meta:meta])*
        async fn $name:ident($db:ident) $body:block
    )*) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($db: &lodestar_store::Db) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let test_db = $crate::support::TestDb::sqlite().await;
                body(&test_db.db).await;
                test_db.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(test_db) = $crate::support::TestDb::postgres().await else {
                    return;
                };
                body(&test_db.db).await;
                test_db.finish().await;
            }
        }
    )*};
}
pub(crate) use backend_tests;

enum Scratch {
    SqliteFile(PathBuf),
    PostgresSchema { base_url: String, schema: String },
}

/// A migrated database nobody else uses, removed by [`TestDb::finish`] when a test passes
/// (a failing test leaves it behind to look at).
pub struct TestDb {
    pub db: Db,
    scratch: Scratch,
}

fn unique_name() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl TestDb {
    /// A new SQLite file under the temp folder. (`sqlite::memory:` would give every pooled
    /// connection its own empty database.)
    pub async fn sqlite() -> Self {
        let path = std::env::temp_dir()
            .join("lodestar-tests")
            .join(format!("{}.db", unique_name()));
        let db = Db::connect(&DbConfig::new(format!("sqlite://{}", path.display())))
            .await
            .expect("open a SQLite file");
        db.migrate().await.expect("migrate SQLite");
        Self {
            db,
            scratch: Scratch::SqliteFile(path),
        }
    }

    /// A new schema on the PostgreSQL server named by `LODESTAR_TEST_DATABASE_URL`, with
    /// every connection's `search_path` set to it; `None` (after saying so) when unset.
    pub async fn postgres() -> Option<Self> {
        let Some(base_url) = std::env::var(DATABASE_URL_VAR)
            .ok()
            .filter(|v| !v.trim().is_empty())
        else {
            eprintln!("skipped: set {DATABASE_URL_VAR} to run the PostgreSQL variant");
            return None;
        };
        let schema = format!("t_{}", unique_name());
        let admin = Db::connect(&small(&base_url))
            .await
            .expect("connect to the PostgreSQL test server");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(admin.writer())
            .await
            .expect("create a schema for the test");
        admin.close().await;
        let separator = if base_url.contains('?') { '&' } else { '?' };
        // sqlx passes `options` to the server as start-up options: `-c search_path=…`.
        // Test data need not survive a crash: skip the wait for each commit's flush.
        let url = format!(
            "{base_url}{separator}options=-c%20search_path%3D{schema}%20-c%20synchronous_commit%3Doff"
        );
        let db = Db::connect(&small(&url))
            .await
            .expect("connect with the test schema");
        db.migrate().await.expect("migrate PostgreSQL");
        Some(Self {
            db,
            scratch: Scratch::PostgresSchema { base_url, schema },
        })
    }

    /// The schema this test's tables live in (PostgreSQL only).
    pub fn schema(&self) -> Option<&str> {
        match &self.scratch {
            Scratch::PostgresSchema { schema, .. } => Some(schema),
            Scratch::SqliteFile(_) => None,
        }
    }

    /// Closes the pools and removes the database.
    pub async fn finish(self) {
        self.db.close().await;
        match self.scratch {
            Scratch::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Scratch::PostgresSchema { base_url, schema } => {
                let admin = Db::connect(&small(&base_url))
                    .await
                    .expect("connect to drop the test schema");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP SCHEMA IF EXISTS {schema} CASCADE"
                )))
                .execute(admin.writer())
                .await
                .expect("drop the test schema");
                admin.close().await;
            }
        }
    }
}

/// Tests run in parallel against one server: keep each pool small.
fn small(url: &str) -> DbConfig {
    DbConfig {
        max_connections: 4,
        ..DbConfig::new(url)
    }
}

pub async fn account(db: &Db, name: &str, email: &str) -> Account {
    persons::create_account(db, &new_account(name, email))
        .await
        .expect("create an account")
}

pub fn new_account(name: &str, email: &str) -> NewAccount {
    NewAccount {
        id: PersonId::new(),
        name: name.into(),
        email: Email::parse(email).expect("valid email"),
        password_hash: "not-a-real-hash".into(),
        admin: false,
    }
}

/// A few catalogue entries, by slug.
pub struct Skills {
    pub rust: SkillId,
    pub python: SkillId,
    pub kubernetes: SkillId,
    pub speaking: SkillId,
}

pub fn new_skill(slug: &str, name: &str, kind: SkillKind) -> NewSkill {
    NewSkill {
        id: SkillId::new(),
        slug: Slug::parse(slug).expect("valid slug"),
        name: name.into(),
        kind,
        category: "Engineering".into(),
        description: format!("{name}, for tests"),
        levels: Vec::new(),
    }
}

pub async fn seed_skills(db: &Db) -> Skills {
    let all = [
        new_skill("rust", "Rust", SkillKind::Technical),
        new_skill("python", "Python", SkillKind::Technical),
        new_skill("kubernetes", "Kubernetes", SkillKind::Technical),
        new_skill("public-speaking", "Public speaking", SkillKind::Soft),
    ];
    let added = skills::insert_many(db, &all).await.expect("insert skills");
    assert_eq!(added, 4);
    Skills {
        rust: all[0].id,
        python: all[1].id,
        kubernetes: all[2].id,
        speaking: all[3].id,
    }
}

pub fn claim(skill: SkillId, level: i64) -> SkillClaim {
    SkillClaim {
        skill,
        level: SkillLevel::new(level).expect("level 1-5"),
    }
}

/// A person to bulk-insert: listed, speaking English, in UTC, with no skills.
pub fn person(name: &str) -> BulkPerson {
    BulkPerson {
        id: PersonId::new(),
        name: name.into(),
        email: format!("{}@example.org", name.to_lowercase().replace(' ', ".")),
        password_hash: "not-a-real-hash".into(),
        profile: ProfileData::default(),
        derived: Derived {
            utc_offset_minutes: 0,
            search_text: name.to_lowercase(),
        },
    }
}

pub async fn insert_people(db: &Db, people: &[BulkPerson]) {
    profiles::insert_bulk(db, people)
        .await
        .expect("insert people");
}

mod harness {
    use super::TestDb;

    /// The harness must really put each test's tables in its own schema, or the
    /// PostgreSQL tests would share (and clobber) data.
    #[tokio::test]
    async fn each_postgres_test_gets_its_own_schema_with_every_table_in_it() {
        let Some(test_db) = TestDb::postgres().await else {
            return;
        };
        let schema = test_db.schema().expect("a schema").to_owned();
        let (current,): (String,) = sqlx::query_as("SELECT current_schema()::text")
            .fetch_one(test_db.db.reader())
            .await
            .unwrap();
        assert_eq!(current, schema);
        let (tables,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $1 \
             AND table_name IN ('persons', 'skills', 'sessions', 'api_tokens', '_sqlx_migrations')",
        )
        .bind(schema.clone())
        .fetch_one(test_db.db.reader())
        .await
        .unwrap();
        assert_eq!(tables, 5, "tables land in {schema}");
        let (public,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'persons'",
        )
        .fetch_one(test_db.db.reader())
        .await
        .unwrap();
        assert_eq!(public, 0, "nothing lands in public");
        test_db.finish().await;
    }
}
