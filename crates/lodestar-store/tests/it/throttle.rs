//! Rate-limit counters: one upsert per attempt, windows that restart, pruning.

use lodestar_store::now_ms;
use lodestar_store::throttle::{self, Hit, Window};

use crate::support::backend_tests;

const MINUTE: i64 = 60_000;

backend_tests! {
    async fn each_attempt_returns_the_count_with_it_and_when_the_one_before_was_made(db) {
        let now = now_ms();
        let fixed = Window::Fixed { ms: 15 * MINUTE };
        let first = throttle::hit(db, "login:a", now, fixed).await.unwrap();
        assert_eq!(first, Hit { hits: 1, window_start: now, previous_at: None });
        let second = throttle::hit(db, "login:a", now + 10, fixed).await.unwrap();
        assert_eq!(second, Hit { hits: 2, window_start: now, previous_at: Some(now) });
        let third = throttle::hit(db, "login:a", now + 20, fixed).await.unwrap();
        assert_eq!(third, Hit { hits: 3, window_start: now, previous_at: Some(now + 10) });
        assert_eq!(throttle::hit(db, "login:b", now, fixed).await.unwrap().hits, 1);
        assert_eq!(throttle::hits(db, "login:a").await.unwrap(), 3);
        assert_eq!(throttle::hits(db, "never-seen").await.unwrap(), 0);
    }

    async fn a_fixed_window_restarts_after_its_length_however_busy(db) {
        let start = now_ms() - 20 * MINUTE;
        let fixed = Window::Fixed { ms: 15 * MINUTE };
        for minute in 0..15 {
            throttle::hit(db, "register:x", start + minute * MINUTE, fixed).await.unwrap();
        }
        assert_eq!(throttle::hits(db, "register:x").await.unwrap(), 15);
        let later = start + 15 * MINUTE + 1;
        let restarted = throttle::hit(db, "register:x", later, fixed).await.unwrap();
        assert_eq!(restarted, Hit { hits: 1, window_start: later, previous_at: None });
    }

    async fn a_quiet_window_restarts_only_after_a_pause(db) {
        let start = now_ms() - 3 * 60 * MINUTE;
        let quiet = Window::Quiet { ms: 60 * MINUTE };
        // An attempt every 50 minutes for two and a half hours keeps the count going.
        for step in 0..4 {
            throttle::hit(db, "login:pair", start + step * 50 * MINUTE, quiet).await.unwrap();
        }
        assert_eq!(throttle::hits(db, "login:pair").await.unwrap(), 4);
        let after_pause = start + 3 * 50 * MINUTE + 61 * MINUTE;
        let restarted = throttle::hit(db, "login:pair", after_pause, quiet).await.unwrap();
        assert_eq!(restarted.hits, 1);
        assert_eq!(restarted.previous_at, None);
    }

    async fn a_parallel_burst_is_counted_once_per_attempt_with_no_count_repeated(db) {
        const N: i64 = 40;
        let now = now_ms();
        let mut tasks = Vec::new();
        for _ in 0..N {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                throttle::hit(&db, "login:burst", now, Window::Quiet { ms: 60 * MINUTE })
                    .await
                    .unwrap()
                    .hits
            }));
        }
        let mut seen = Vec::new();
        for task in tasks {
            seen.push(task.await.unwrap());
        }
        seen.sort_unstable();
        assert_eq!(seen, (1..=N).collect::<Vec<_>>(), "every attempt saw its own count");
        assert_eq!(throttle::hits(db, "login:burst").await.unwrap(), N);
    }

    async fn forgiving_takes_one_attempt_back_and_clearing_all_of_them(db) {
        let now = now_ms();
        let fixed = Window::Fixed { ms: MINUTE };
        for _ in 0..3 {
            throttle::hit(db, "a", now, fixed).await.unwrap();
            throttle::hit(db, "b", now, fixed).await.unwrap();
        }
        throttle::forgive(db, "a").await.unwrap();
        assert_eq!(throttle::hits(db, "a").await.unwrap(), 2);
        throttle::clear(db, "a").await.unwrap();
        assert_eq!(throttle::hits(db, "a").await.unwrap(), 0);
        throttle::forgive(db, "a").await.unwrap();
        assert_eq!(throttle::hits(db, "a").await.unwrap(), 0, "never below zero");
        assert_eq!(throttle::hits(db, "b").await.unwrap(), 3, "other scopes keep their count");
    }

    async fn pruning_removes_only_counters_last_used_before_the_cutoff(db) {
        let now = now_ms();
        let fixed = Window::Fixed { ms: MINUTE };
        throttle::hit(db, "old", now - 25 * 60 * MINUTE, fixed).await.unwrap();
        throttle::hit(db, "recent", now - MINUTE, fixed).await.unwrap();
        assert_eq!(throttle::prune(db, now - 24 * 60 * MINUTE).await.unwrap(), 1);
        assert_eq!(throttle::hits(db, "old").await.unwrap(), 0);
        assert_eq!(throttle::hits(db, "recent").await.unwrap(), 1);
    }
}
