//! A fresh, migrated database per test on either backend, the macro that runs one test
//! body on both, and small builders for the people and skills the tests need.

use lodestar_domain::{
    Email, PersonId, ProfileData, SkillClaim, SkillId, SkillKind, SkillLevel, Slug,
};
use lodestar_store::Db;
use lodestar_store::persons::{self, Account, NewAccount};
use lodestar_store::profiles::{self, BulkPerson, Derived};
use lodestar_store::skills::{self, NewSkill};

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

pub use lodestar_store::testing::ScratchDb as TestDb;

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

/// The writer's connection, for a store function that writes in its caller's transaction:
/// here each statement commits on its own.
pub async fn writer(db: &Db) -> sqlx::pool::PoolConnection<sqlx::Any> {
    db.writer().acquire().await.unwrap()
}

/// Merges two skills in a transaction of their own, as the catalogue's admin action does.
pub async fn merge(
    db: &Db,
    from: SkillId,
    into: SkillId,
) -> Result<u64, lodestar_store::StoreError> {
    let mut tx = db.begin().await?;
    let moved = skills::merge(&mut tx, from, into).await?;
    tx.commit().await?;
    Ok(moved)
}
