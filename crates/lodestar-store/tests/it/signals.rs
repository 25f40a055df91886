//! Signals: heard after their transaction commits and never after a rollback, by every
//! process on the database (PostgreSQL `LISTEN`/`NOTIFY`) and by nobody on another schema;
//! a listener whose connection dies comes back and says it may have missed some.

use std::time::Duration;

use lodestar_store::signals::{Heard, Listener};
use lodestar_store::{Db, DbConfig};

use crate::support::{TestDb, backend_tests};

const WAIT: Duration = Duration::from_secs(10);

async fn next(listener: &mut Listener) -> Heard {
    tokio::time::timeout(WAIT, listener.next())
        .await
        .expect("heard something in time")
}

/// Whether the listener hears anything at all within a short while.
async fn silent(listener: &mut Listener) -> bool {
    tokio::time::timeout(Duration::from_millis(300), listener.next())
        .await
        .is_err()
}

async fn raise(db: &Db, signal: &str, commit: bool) {
    let mut tx = db.begin().await.unwrap();
    tx.signal(signal).await.unwrap();
    if commit {
        tx.commit().await.unwrap();
    } else {
        tx.rollback().await.unwrap();
    }
}

backend_tests! {
    async fn a_signal_is_heard_once_its_transaction_commits_and_never_after_a_rollback(db) {
        let mut listener = db.listen();
        assert_eq!(next(&mut listener).await, Heard::Gap, "a new listener may have missed anything");
        raise(db, "rolled back", false).await;
        let mut tx = db.begin().await.unwrap();
        tx.signal("committed").await.unwrap();
        assert!(silent(&mut listener).await, "nothing before the commit");
        tx.commit().await.unwrap();
        assert_eq!(next(&mut listener).await, Heard::Signal("committed".into()));
        // Dropped without commit: rolled back, and silent.
        let mut tx = db.begin().await.unwrap();
        tx.signal("dropped").await.unwrap();
        drop(tx);
        assert!(silent(&mut listener).await);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_process_on_the_database_hears_a_signal_and_another_schema_does_not() {
    let Some(first) = TestDb::postgres().await else {
        return;
    };
    let Some(elsewhere) = TestDb::postgres().await else {
        return;
    };
    let second = Db::connect(&DbConfig::new(first.url.clone()))
        .await
        .unwrap();
    let mut here = second.listen();
    let mut there = elsewhere.db.listen();
    assert_eq!(next(&mut here).await, Heard::Gap);
    assert_eq!(next(&mut there).await, Heard::Gap);
    raise(&first.db, "for this schema", true).await;
    assert_eq!(
        next(&mut here).await,
        Heard::Signal("for this schema".into())
    );
    assert!(silent(&mut there).await);
    second.close().await;
    elsewhere.finish().await;
    first.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_whose_connection_is_killed_reconnects_and_says_it_may_have_missed_some() {
    let Some(test_db) = TestDb::postgres().await else {
        return;
    };
    let mut listener = test_db.db.listen();
    assert_eq!(next(&mut listener).await, Heard::Gap);
    let channel = format!("lodestar_live_{}", test_db.schema().unwrap());
    let killed: i64 = sqlx::query_scalar(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND query = $1",
    )
    .bind(format!("LISTEN \"{channel}\""))
    .fetch_one(test_db.db.writer())
    .await
    .unwrap();
    assert_eq!(killed, 1, "the listener's own connection");
    raise(&test_db.db, "while it was away", true).await;
    assert_eq!(
        next(&mut listener).await,
        Heard::Gap,
        "back, and it says so"
    );
    raise(&test_db.db, "after", true).await;
    assert_eq!(next(&mut listener).await, Heard::Signal("after".into()));
    drop(listener);
    test_db.finish().await;
}
