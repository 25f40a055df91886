//! Webhook deliveries: queued in the event's transaction for the active endpoints that
//! subscribe to it only, gone with a rolled-back event, claimed by one sender at a time,
//! backed off as the outbox is, and made due again on request.

use lodestar_domain::WebhookId;
use lodestar_store::outbox::{self, MAX_ATTEMPTS, Retry};
use lodestar_store::webhooks::{self, NewWebhook};
use lodestar_store::{Db, now_ms};

use crate::support::{account, backend_tests, writer};

async fn endpoint(db: &Db, events: &[&str]) -> WebhookId {
    let admin = account(
        db,
        "Ada Admin",
        &format!("ada-{}@example.org", uuid::Uuid::new_v4()),
    )
    .await
    .id;
    let id = WebhookId::new();
    webhooks::create(
        &mut *writer(db).await,
        &NewWebhook {
            id,
            url: "https://hooks.example.org/x",
            description: "",
            events,
            secret: "whsec_test",
            created_by: admin,
            created_at: now_ms(),
        },
    )
    .await
    .unwrap();
    id
}

async fn queue(db: &Db, event: &str) -> usize {
    let mut tx = db.begin().await.unwrap();
    let queued = webhooks::enqueue(&mut tx, event, now_ms(), |id| {
        format!("{{\"id\":\"{id}\"}}")
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    queued.len()
}

backend_tests! {
    async fn an_event_is_queued_for_the_active_endpoints_subscribed_to_it_only(db) {
        let goals = endpoint(db, &["goal.achieved", "session.held"]).await;
        let sessions = endpoint(db, &["session.held"]).await;
        let paused = endpoint(db, &["goal.achieved"]).await;
        sqlx::query("UPDATE webhooks SET active = 0 WHERE id = $1")
            .bind(paused.to_string())
            .execute(db.writer())
            .await
            .unwrap();
        assert_eq!(queue(db, "goal.achieved").await, 1);
        assert_eq!(queue(db, "request.accepted").await, 0);
        assert_eq!(queue(db, "session.held").await, 2);
        let mine = webhooks::deliveries(db, goals, 10, 0).await.unwrap();
        let events: Vec<&str> = mine.iter().map(|d| d.event.as_str()).collect();
        assert_eq!(events, ["session.held", "goal.achieved"], "the newest first");
        assert_eq!(mine[1].payload, format!("{{\"id\":\"{}\"}}", mine[1].id));
        assert_eq!(webhooks::deliveries(db, sessions, 10, 0).await.unwrap().len(), 1);
        assert!(webhooks::deliveries(db, paused, 10, 0).await.unwrap().is_empty());
        // Deleting an endpoint takes its deliveries with it.
        assert_eq!(webhooks::delete(&mut *writer(db).await, goals).await.unwrap().map(|w| w.id), Some(goals));
        assert!(webhooks::deliveries(db, goals, 10, 0).await.unwrap().is_empty());
        assert!(webhooks::delete(&mut *writer(db).await, goals).await.unwrap().is_none());
    }

    async fn an_event_rolled_back_leaves_no_delivery(db) {
        let id = endpoint(db, &["goal.achieved"]).await;
        let mut tx = db.begin().await.unwrap();
        let queued = webhooks::enqueue(&mut tx, "goal.achieved", now_ms(), |_| "{}".into()).await.unwrap();
        assert_eq!(queued.len(), 1);
        tx.rollback().await.unwrap();
        assert!(webhooks::deliveries(db, id, 10, 0).await.unwrap().is_empty());
        assert!(webhooks::claim(db, now_ms() + 1_000, 60_000, 10).await.unwrap().is_empty());
    }

    async fn a_delivery_is_claimed_by_one_sender_at_a_time(db) {
        endpoint(db, &["goal.achieved"]).await;
        for _ in 0..20 {
            queue(db, "goal.achieved").await;
        }
        let now = now_ms() + 1_000;
        // Two senders at once: between them every delivery, none twice.
        let (a, b) = tokio::join!(
            webhooks::claim(db, now, 60_000, 15),
            webhooks::claim(db, now, 60_000, 15)
        );
        let mut ids: Vec<_> = a.unwrap().into_iter().chain(b.unwrap()).map(|d| d.id).collect();
        assert_eq!(ids.len(), 20);
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 20, "no delivery handed out twice");
        assert!(webhooks::claim(db, now + 59_000, 60_000, 50).await.unwrap().is_empty());
        // The senders died: after the lease another takes them.
        let again = webhooks::claim(db, now + 61_000, 60_000, 50).await.unwrap();
        assert_eq!(again.len(), 20);
        assert!(webhooks::mark_delivered(db, again[0].id, 204, now + 62_000).await.unwrap());
        assert!(!webhooks::mark_delivered(db, again[0].id, 204, now + 63_000).await.unwrap());
        let left = webhooks::claim(db, now + 200_000, 60_000, 50).await.unwrap();
        assert_eq!(left.len(), 19, "a delivered one is never claimed again");
    }

    async fn a_failing_delivery_backs_off_as_the_outbox_does_gives_up_and_can_be_retried(db) {
        endpoint(db, &["goal.achieved"]).await;
        queue(db, "goal.achieved").await;
        let mut now = now_ms() + 1_000;
        for attempt in 1..=MAX_ATTEMPTS {
            let batch = webhooks::claim(db, now, 60_000, 10).await.unwrap();
            assert_eq!(batch.len(), 1, "attempt {attempt} is due");
            match webhooks::mark_failed(db, &batch[0], now, Some(500), "HTTP 500").await.unwrap() {
                Retry::At(at) => {
                    assert!(attempt < MAX_ATTEMPTS);
                    assert_eq!(at - now, outbox::backoff_ms(attempt));
                    assert!(webhooks::claim(db, at - 1, 60_000, 10).await.unwrap().is_empty());
                    now = at;
                }
                Retry::GaveUp => assert_eq!(attempt, MAX_ATTEMPTS),
            }
        }
        assert!(webhooks::claim(db, i64::MAX - 1, 60_000, 10).await.unwrap().is_empty(), "given up");
        assert_eq!(webhooks::next_due(db).await.unwrap(), None);
        let id = webhooks::list(db).await.unwrap()[0].id;
        let given_up = webhooks::deliveries(db, id, 10, 0).await.unwrap().remove(0);
        assert_eq!((given_up.attempts, given_up.last_status, given_up.next_attempt_at), (MAX_ATTEMPTS, Some(500), outbox::GAVE_UP));
        assert_eq!(webhooks::retry_now(&mut *writer(db).await, given_up.id, now).await.unwrap(), Some(true));
        assert_eq!(webhooks::claim(db, now, 60_000, 10).await.unwrap().len(), 1);
        assert!(webhooks::mark_delivered(db, given_up.id, 200, now).await.unwrap());
        assert_eq!(webhooks::retry_now(&mut *writer(db).await, given_up.id, now).await.unwrap(), Some(false));
        assert_eq!(webhooks::retry_now(&mut *writer(db).await, lodestar_domain::WebhookDeliveryId::new(), now).await.unwrap(), None);
    }
}
