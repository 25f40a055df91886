//! Busy calendars: setting and removing one, claiming due ones so that one fetcher at a time
//! has each, and the outcomes of a fetch (a new set, not modified, a failure) with the
//! intervals they leave.

use lodestar_store::busy_times::{self, ClaimNow, FetchStatus, Fetched};

use crate::support::{account, backend_tests};

const URL: &str = "https://calendar.example.org/ana.ics";
const MIN: i64 = 60_000;

async fn set(
    db: &lodestar_store::Db,
    person: lodestar_domain::PersonId,
    url: Option<&str>,
    now: i64,
) {
    let mut tx = db.begin().await.unwrap();
    busy_times::set_calendar(&mut tx, person, url, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn replace(
    db: &lodestar_store::Db,
    person: lodestar_domain::PersonId,
    url: &str,
    intervals: &[(i64, i64)],
    at: i64,
) -> bool {
    let mut tx = db.begin().await.unwrap();
    let fetched = Fetched {
        fetched_at: at,
        next_fetch_at: at + 15 * MIN,
        etag: Some("\"v1\"".into()),
        last_modified: None,
        truncated: false,
    };
    let written = busy_times::replace_busy(&mut tx, person, url, intervals, &fetched)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    written
}

backend_tests! {
    async fn a_new_calendar_is_due_at_once_and_claimed_by_one_fetcher_for_its_lease(db) {
        let ana = account(db, "Ana Example", "ana@example.org").await;
        let now = 1_000_000;
        set(db, ana.id, Some(URL), now).await;
        let status = busy_times::calendar_of(db, ana.id).await.unwrap().unwrap();
        assert_eq!((status.url.as_str(), status.last_status, status.next_fetch_at), (URL, FetchStatus::Pending, now));
        let claimed = busy_times::claim_due(db, now, 5 * MIN, 10).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!((claimed[0].person, claimed[0].url.as_str(), claimed[0].time_zone.as_str()), (ana.id, URL, "UTC"));
        assert!(busy_times::claim_due(db, now + MIN, 5 * MIN, 10).await.unwrap().is_empty(), "leased");
        // The fetcher died: the calendar is due again after the lease.
        assert_eq!(busy_times::claim_due(db, now + 5 * MIN, 5 * MIN, 10).await.unwrap().len(), 1);
    }

    async fn between_returns_the_intervals_overlapping_the_range_in_order(db) {
        let ana = account(db, "Ana Example", "ana@example.org").await;
        let bo = account(db, "Bo Example", "bo@example.org").await;
        set(db, ana.id, Some(URL), 0).await;
        set(db, bo.id, Some("https://example.org/bo.ics"), 0).await;
        assert!(replace(db, ana.id, URL, &[(100, 200), (300, 400), (500, 600)], 10).await);
        assert!(replace(db, bo.id, "https://example.org/bo.ics", &[(0, 1000)], 10).await);
        assert_eq!(busy_times::between(db, ana.id, 150, 550).await.unwrap(), [(100, 200), (300, 400), (500, 600)]);
        assert_eq!(busy_times::between(db, ana.id, 200, 300).await.unwrap(), [], "touching is not overlapping");
        assert_eq!(busy_times::between(db, ana.id, 350, 360).await.unwrap(), [(300, 400)]);
        let status = busy_times::calendar_of(db, ana.id).await.unwrap().unwrap();
        assert_eq!((status.last_status, status.event_count, status.etag.as_deref()), (FetchStatus::Ok, 3, Some("\"v1\"")));
    }

    async fn a_new_set_replaces_the_old_and_a_failure_or_not_modified_keeps_it(db) {
        let ana = account(db, "Ana Example", "ana@example.org").await;
        set(db, ana.id, Some(URL), 0).await;
        let many: Vec<(i64, i64)> = (0..1000).map(|i| (i * 10, i * 10 + 5)).collect();
        assert!(replace(db, ana.id, URL, &many, 10).await);
        assert_eq!(busy_times::between(db, ana.id, 0, 100_000).await.unwrap().len(), 1000);
        assert!(replace(db, ana.id, URL, &[(7, 9)], 20).await);
        assert_eq!(busy_times::between(db, ana.id, 0, 100_000).await.unwrap(), [(7, 9)]);
        assert!(busy_times::record_failure(db, ana.id, URL, 30, "HTTP 500", 30 + 15 * MIN).await.unwrap());
        let status = busy_times::calendar_of(db, ana.id).await.unwrap().unwrap();
        assert_eq!((status.last_status, status.last_error.as_str(), status.failures), (FetchStatus::Error, "HTTP 500", 1));
        assert_eq!((status.last_fetched_at, status.last_success_at), (Some(30), Some(20)));
        assert_eq!(busy_times::between(db, ana.id, 0, 100_000).await.unwrap(), [(7, 9)]);
        assert!(busy_times::record_not_modified(db, ana.id, URL, 40, 40 + 15 * MIN).await.unwrap());
        let status = busy_times::calendar_of(db, ana.id).await.unwrap().unwrap();
        assert_eq!((status.last_status, status.last_error.as_str(), status.failures), (FetchStatus::NotModified, "", 0));
        assert_eq!(busy_times::between(db, ana.id, 0, 100_000).await.unwrap(), [(7, 9)]);
    }

    async fn a_fetch_that_ends_after_the_url_changed_writes_nothing(db) {
        let ana = account(db, "Ana Example", "ana@example.org").await;
        set(db, ana.id, Some(URL), 0).await;
        assert!(replace(db, ana.id, URL, &[(1, 2)], 10).await);
        set(db, ana.id, Some("https://example.org/new.ics"), 20).await;
        assert_eq!(busy_times::between(db, ana.id, 0, 100).await.unwrap(), [], "the old URL's times are gone");
        let status = busy_times::calendar_of(db, ana.id).await.unwrap().unwrap();
        assert_eq!((status.last_status, status.etag, status.event_count), (FetchStatus::Pending, None, 0));
        assert!(!replace(db, ana.id, URL, &[(5, 6)], 30).await);
        assert!(!busy_times::record_failure(db, ana.id, URL, 30, "late", 40).await.unwrap());
        assert_eq!(busy_times::between(db, ana.id, 0, 100).await.unwrap(), []);
        // Setting the same URL again keeps its times and only makes it due now.
        assert!(replace(db, ana.id, "https://example.org/new.ics", &[(5, 6)], 40).await);
        set(db, ana.id, Some("https://example.org/new.ics"), 50).await;
        assert_eq!(busy_times::between(db, ana.id, 0, 100).await.unwrap(), [(5, 6)]);
        assert_eq!(busy_times::calendar_of(db, ana.id).await.unwrap().unwrap().next_fetch_at, 50);
        // Removing it removes everything.
        set(db, ana.id, None, 60).await;
        assert!(busy_times::calendar_of(db, ana.id).await.unwrap().is_none());
        assert_eq!(busy_times::between(db, ana.id, 0, 100).await.unwrap(), []);
    }

    async fn fetching_now_is_refused_within_the_minimum_gap(db) {
        let ana = account(db, "Ana Example", "ana@example.org").await;
        assert_eq!(busy_times::claim_now(db, ana.id, 0, MIN, MIN).await.unwrap(), ClaimNow::None);
        set(db, ana.id, Some(URL), 0).await;
        let ClaimNow::Claimed(due) = busy_times::claim_now(db, ana.id, 1_000, MIN, MIN).await.unwrap() else {
            panic!("never fetched: claimed");
        };
        assert_eq!(due.url, URL);
        assert!(replace(db, ana.id, URL, &[(1, 2)], 2_000).await);
        assert_eq!(
            busy_times::claim_now(db, ana.id, 30_000, MIN, MIN).await.unwrap(),
            ClaimNow::TooSoon { retry_at: 62_000 }
        );
        assert!(matches!(busy_times::claim_now(db, ana.id, 62_000, MIN, MIN).await.unwrap(), ClaimNow::Claimed(_)));
    }

    async fn concurrent_claims_share_the_due_calendars_without_overlap(db) {
        let mut people = Vec::new();
        for i in 0..20 {
            let person = account(db, &format!("Person {i}"), &format!("p{i}@example.org")).await;
            set(db, person.id, Some(&format!("https://example.org/{i}.ics")), 0).await;
            people.push(person.id);
        }
        let claims = (0..4).map(|_| {
            let db = db.clone();
            tokio::spawn(async move { busy_times::claim_due(&db, 10, MIN, 7).await.unwrap() })
        });
        let mut claimed = Vec::new();
        for claim in claims {
            claimed.extend(claim.await.unwrap().into_iter().map(|d| d.person));
        }
        claimed.sort();
        let before = claimed.len();
        claimed.dedup();
        assert_eq!(before, claimed.len(), "no calendar claimed twice");
        assert_eq!(claimed.len(), 20);
    }
}
