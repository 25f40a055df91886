//! The outbox: a claim keeps other senders off a message for its lease, a failure backs off
//! exponentially, and a message is given up after the last attempt, kept and counted.

use lodestar_domain::mentoring::NotificationKind;
use lodestar_store::notifications::{self, Notice};
use lodestar_store::outbox::{self, GAVE_UP, MAX_ATTEMPTS, Retry};

use crate::support::{account, backend_tests};

async fn queue_one(db: &lodestar_store::Db) -> String {
    let person = account(db, "Ana Example", "ana@example.org").await;
    let notice = Notice {
        person: person.id,
        kind: NotificationKind::RequestReceived,
        title: "Bo asks you to mentor them".into(),
        body: "Read the request".into(),
        link: "/requests".into(),
        calendar: None,
    };
    let mut tx = db.begin().await.unwrap();
    notifications::push(&mut tx, &notice, "").await.unwrap();
    tx.commit().await.unwrap();
    outbox::ids(db).await.unwrap().remove(0)
}

#[test]
fn the_backoff_doubles_from_30_seconds_up_to_an_hour() {
    let delays: Vec<i64> = (1..=9).map(outbox::backoff_ms).collect();
    assert_eq!(
        delays,
        [
            30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000
        ]
    );
}

backend_tests! {
    async fn a_claimed_message_is_left_to_its_sender_until_the_lease_runs_out(db) {
        let id = queue_one(db).await;
        let now = lodestar_store::now_ms() + 1_000;
        let claimed = outbox::claim(db, now, 60_000, 10).await.unwrap();
        assert_eq!(claimed.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), [id.as_str()]);
        assert!(outbox::claim(db, now + 59_000, 60_000, 10).await.unwrap().is_empty());
        // The sender died: after the lease another takes it.
        let again = outbox::claim(db, now + 61_000, 60_000, 10).await.unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(outbox::mark_sent(db, std::slice::from_ref(&id), now + 62_000).await.unwrap(), 1);
        assert_eq!(outbox::mark_sent(db, std::slice::from_ref(&id), now + 63_000).await.unwrap(), 0);
        assert!(outbox::claim(db, now + 10_000_000, 60_000, 10).await.unwrap().is_empty());
        let counts = outbox::counts(db).await.unwrap();
        assert_eq!((counts.queued, counts.sent), (0, 1));
    }

    async fn a_message_that_keeps_failing_backs_off_and_is_given_up_after_the_last_attempt(db) {
        let id = queue_one(db).await;
        let mut now = lodestar_store::now_ms() + 1_000;
        for attempt in 1..=MAX_ATTEMPTS {
            let batch = outbox::claim(db, now, 60_000, 10).await.unwrap();
            assert_eq!(batch.len(), 1, "attempt {attempt} is due");
            let retry = outbox::mark_failed(db, &batch[0], now, "421 try later").await.unwrap();
            if attempt < MAX_ATTEMPTS {
                assert_eq!(retry, Retry::At(now + outbox::backoff_ms(attempt)));
                assert!(outbox::claim(db, now + outbox::backoff_ms(attempt) - 1, 60_000, 10).await.unwrap().is_empty());
                now += outbox::backoff_ms(attempt);
            } else {
                assert_eq!(retry, Retry::GaveUp);
            }
        }
        let status = outbox::status(db, &id).await.unwrap().unwrap();
        assert_eq!((status.message.attempts, status.next_attempt_at, status.sent_at), (MAX_ATTEMPTS, GAVE_UP, None));
        assert_eq!(status.last_error, "421 try later");
        assert!(outbox::claim(db, i64::MAX - 1, 60_000, 10).await.unwrap().is_empty(), "never due again");
        let counts = outbox::counts(db).await.unwrap();
        assert_eq!((counts.queued, counts.given_up, counts.sent), (0, 1, 0));
        assert_eq!(outbox::next_due(db).await.unwrap(), None);
    }
}
