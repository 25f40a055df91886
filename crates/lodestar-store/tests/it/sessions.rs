//! Browser sessions stored through tower-sessions' `SessionStore` interface.

use std::collections::HashMap;

use lodestar_store::sessions::{DbSessionStore, PERSON_KEY, end_other_sessions};
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

    async fn saving_a_new_id_inserts_it(db) {
        let store = DbSessionStore::new(db.clone());
        let fresh = record(Some("someone"), Duration::hours(1));
        store.save(&fresh).await.unwrap();
        assert_eq!(store.load(&fresh.id).await.unwrap(), Some(fresh));
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
