//! Browser sessions stored through tower-sessions' `SessionStore` interface.

use std::collections::HashMap;

use lodestar_store::sessions::{
    self, ADDRESS_KEY, DbSessionStore, PERSON_KEY, USER_AGENT_KEY, end_other_sessions,
};
use time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::SessionStore;

use crate::support::{account, backend_tests};

fn record(person: Option<&str>, lifetime: Duration) -> Record {
    let mut data = HashMap::new();
    data.insert("csrf".to_owned(), serde_json::json!("token-123"));
    if let Some(person) = person {
        data.insert(PERSON_KEY.to_owned(), serde_json::json!(person));
    }
    Record {
        id: Id::default(),
        data,
        // Whole milliseconds: the store keeps epoch milliseconds.
        expiry_date: OffsetDateTime::from_unix_timestamp(
            (OffsetDateTime::now_utc() + lifetime).unix_timestamp(),
        )
        .unwrap(),
    }
}

backend_tests! {
    async fn a_session_is_created_loaded_saved_and_deleted(db) {
        let store = DbSessionStore::new(db.clone());
        let mut created = record(None, Duration::hours(1));
        store.create(&mut created).await.unwrap();
        let loaded = store.load(&created.id).await.unwrap().expect("created");
        assert_eq!(loaded, created);

        let mut changed = loaded.clone();
        changed.data.insert(PERSON_KEY.to_owned(), serde_json::json!("someone"));
        changed.expiry_date = created.expiry_date + Duration::hours(1);
        store.save(&changed).await.unwrap();
        assert_eq!(store.load(&created.id).await.unwrap(), Some(changed.clone()));

        store.delete(&created.id).await.unwrap();
        assert_eq!(store.load(&created.id).await.unwrap(), None);
        store.delete(&created.id).await.expect("deleting twice is fine");
        assert_eq!(store.load(&Id::default()).await.unwrap(), None);
    }

    async fn saving_never_inserts_so_an_unknown_id_stays_unknown(db) {
        let store = DbSessionStore::new(db.clone());
        let fresh = record(Some("someone"), Duration::hours(1));
        store.save(&fresh).await.unwrap();
        assert_eq!(store.load(&fresh.id).await.unwrap(), None);
        assert_eq!(sessions::count(db).await.unwrap(), 0);
    }

    async fn a_session_deleted_while_a_request_held_it_does_not_come_back_when_saved(db) {
        let ada = account(db, "Ada", "ada@example.org").await;
        let store = DbSessionStore::new(db.clone());
        let mut signed_in = record(Some(&ada.id.to_string()), Duration::hours(1));
        store.create(&mut signed_in).await.unwrap();

        // A request loads the session; meanwhile a password change ends it; then the request
        // finishes and saves what it changed.
        let mut held = store.load(&signed_in.id).await.unwrap().expect("loaded");
        assert_eq!(end_other_sessions(db, ada.id, None).await.unwrap(), 1);
        held.data.insert("notice".to_owned(), serde_json::json!("saved late"));
        store.save(&held).await.unwrap();

        assert_eq!(store.load(&signed_in.id).await.unwrap(), None, "the ended session stays ended");
        assert_eq!(sessions::count(db).await.unwrap(), 0);
    }

    async fn a_busy_session_still_ends_at_its_absolute_lifetime(db) {
        let store = DbSessionStore::new(db.clone()).with_absolute_lifetime_ms(60 * 60 * 1000);
        let mut busy = record(Some("someone"), Duration::minutes(30));
        store.create(&mut busy).await.unwrap();
        let started = lodestar_store::now_ms();

        // Each save pushes the idle expiry a day ahead, but never past an hour from sign-in.
        let mut later = busy.clone();
        later.expiry_date = OffsetDateTime::now_utc() + Duration::days(1);
        store.save(&later).await.unwrap();
        let loaded = store.load(&busy.id).await.unwrap().expect("still live");
        let expires_ms = i64::try_from(loaded.expiry_date.unix_timestamp_nanos() / 1_000_000).unwrap();
        assert!(expires_ms <= started + 60 * 60 * 1000 + 1_000, "capped: {}", expires_ms - started);
        assert!(expires_ms >= started + 60 * 60 * 1000 - 5_000, "not shorter than the cap");

        // A session created with a longer idle expiry than the cap is capped too.
        let mut long = record(None, Duration::days(2));
        store.create(&mut long).await.unwrap();
        let loaded = store.load(&long.id).await.unwrap().expect("live");
        assert!(loaded.expiry_date < OffsetDateTime::now_utc() + Duration::minutes(61));

        let ended = DbSessionStore::new(db.clone()).with_absolute_lifetime_ms(1);
        let mut short = record(None, Duration::days(2));
        ended.create(&mut short).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        assert_eq!(ended.load(&short.id).await.unwrap(), None, "past its absolute lifetime");
    }

    async fn a_persons_sessions_are_listed_with_device_and_address_and_can_be_ended_one_by_one(db) {
        let ada = account(db, "Ada", "ada@example.org").await;
        let bob = account(db, "Bob", "bob@example.org").await;
        let store = DbSessionStore::new(db.clone());
        let mut laptop = record(Some(&ada.id.to_string()), Duration::hours(1));
        laptop.data.insert(USER_AGENT_KEY.to_owned(), serde_json::json!("Firefox/128.0 (X11; Linux)"));
        laptop.data.insert(ADDRESS_KEY.to_owned(), serde_json::json!("192.0.2.1"));
        store.create(&mut laptop).await.unwrap();
        let mut phone = record(Some(&ada.id.to_string()), Duration::hours(1));
        phone.data.insert(ADDRESS_KEY.to_owned(), serde_json::json!("198.51.100.7"));
        store.create(&mut phone).await.unwrap();
        let mut bobs = record(Some(&bob.id.to_string()), Duration::hours(1));
        store.create(&mut bobs).await.unwrap();

        // The laptop is used again from another address: last seen and address follow.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        laptop.data.insert(ADDRESS_KEY.to_owned(), serde_json::json!("192.0.2.99"));
        store.save(&laptop).await.unwrap();

        let listed = sessions::list_for_person(db, ada.id).await.unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].id, laptop.id.to_string(), "most recently seen first");
        assert_eq!(listed[0].user_agent, "Firefox/128.0 (X11; Linux)");
        assert_eq!(listed[0].address, "192.0.2.99");
        assert!(listed[0].last_seen_at > listed[0].created_at);
        assert_eq!(listed[1].address, "198.51.100.7");
        assert_ne!(listed[0].public_id, listed[0].id, "the public id is not the cookie's secret");

        assert!(!sessions::end_session(db, bob.id, &listed[0].public_id).await.unwrap(), "not Bob's");
        assert!(sessions::end_session(db, ada.id, &listed[0].public_id).await.unwrap());
        assert_eq!(store.load(&laptop.id).await.unwrap(), None);
        assert!(store.load(&phone.id).await.unwrap().is_some());
        assert!(store.load(&bobs.id).await.unwrap().is_some());
    }

    async fn creating_with_a_taken_id_picks_another(db) {
        let store = DbSessionStore::new(db.clone());
        let mut first = record(None, Duration::hours(1));
        store.create(&mut first).await.unwrap();
        let mut second = record(Some("someone"), Duration::hours(1));
        second.id = first.id;
        store.create(&mut second).await.unwrap();
        assert_ne!(second.id, first.id);
        assert_eq!(store.load(&first.id).await.unwrap(), Some(first));
        assert_eq!(store.load(&second.id).await.unwrap(), Some(second));
    }

    async fn an_expired_session_does_not_load_and_is_cleaned_up(db) {
        let store = DbSessionStore::new(db.clone());
        let mut expired = record(None, Duration::seconds(-5));
        store.create(&mut expired).await.unwrap();
        let mut live = record(None, Duration::hours(1));
        store.create(&mut live).await.unwrap();
        assert_eq!(store.load(&expired.id).await.unwrap(), None);
        assert_eq!(store.delete_expired().await.unwrap(), 1);
        assert!(store.load(&live.id).await.unwrap().is_some());
    }

    async fn ending_other_sessions_keeps_the_current_one_and_other_peoples(db) {
        let ada = account(db, "Ada", "ada@example.org").await;
        let bob = account(db, "Bob", "bob@example.org").await;
        let store = DbSessionStore::new(db.clone());
        let (ada_id, bob_id) = (ada.id.to_string(), bob.id.to_string());
        let mut ada_here = record(Some(&ada_id), Duration::hours(1));
        let mut ada_phone = record(Some(&ada_id), Duration::hours(1));
        let mut ada_laptop = record(Some(&ada_id), Duration::hours(1));
        let mut bobs = record(Some(&bob_id), Duration::hours(1));
        let mut anonymous = record(None, Duration::hours(1));
        for r in [&mut ada_here, &mut ada_phone, &mut ada_laptop, &mut bobs, &mut anonymous] {
            store.create(r).await.unwrap();
        }

        let here = ada_here.id.to_string();
        assert_eq!(end_other_sessions(db, ada.id, Some(&here)).await.unwrap(), 2);
        assert!(store.load(&ada_here.id).await.unwrap().is_some());
        assert!(store.load(&ada_phone.id).await.unwrap().is_none());
        assert!(store.load(&ada_laptop.id).await.unwrap().is_none());
        assert!(store.load(&bobs.id).await.unwrap().is_some());
        assert!(store.load(&anonymous.id).await.unwrap().is_some());

        // From the API there is no current session: every session ends.
        assert_eq!(end_other_sessions(db, ada.id, None).await.unwrap(), 1);
        assert!(store.load(&ada_here.id).await.unwrap().is_none());
    }

    async fn signing_in_on_an_existing_session_records_who_it_belongs_to(db) {
        let ada = account(db, "Ada", "ada@example.org").await;
        let store = DbSessionStore::new(db.clone());
        let mut anonymous = record(None, Duration::hours(1));
        store.create(&mut anonymous).await.unwrap();
        let mut signed_in = anonymous.clone();
        signed_in.data.insert(PERSON_KEY.to_owned(), serde_json::json!(ada.id.to_string()));
        store.save(&signed_in).await.unwrap();
        assert_eq!(end_other_sessions(db, ada.id, None).await.unwrap(), 1);
    }
}
