//! Accounts: creation, look-up, the setup link's first admin, and log-in failure counting.

use lodestar_domain::{Email, PersonId};
use lodestar_store::StoreError;
use lodestar_store::persons::{self, NewAccount};
use lodestar_store::{installation, now_ms};

use crate::support::{account, backend_tests, new_account};

backend_tests! {
    async fn an_account_can_be_found_by_email_and_by_id(db) {
        let created = account(db, "Ada Lovelace", "Ada@Example.org").await;
        assert_eq!(created.email, "ada@example.org", "emails are stored lower-cased");

        let by_email = persons::find_by_email(db, &Email::parse("ADA@example.org").unwrap())
            .await
            .unwrap()
            .expect("found by email");
        assert_eq!(by_email.id, created.id);
        assert_eq!(by_email.name, "Ada Lovelace");
        assert_eq!(by_email.password_hash, "not-a-real-hash");
        assert_eq!(by_email.created_at, created.created_at);

        let by_id = persons::find_by_id(db, created.id).await.unwrap().expect("found by id");
        assert_eq!(by_id.email, "ada@example.org");

        let nobody = Email::parse("nobody@example.org").unwrap();
        assert!(persons::find_by_email(db, &nobody).await.unwrap().is_none());
        assert!(persons::find_by_id(db, PersonId::new()).await.unwrap().is_none());
        assert_eq!(persons::count(db).await.unwrap(), 1);
    }

    async fn a_second_account_with_the_same_email_is_a_conflict(db) {
        account(db, "Ada", "ada@example.org").await;
        let again =
            persons::create_account(db, &new_account("Another Ada", "ADA@example.org")).await;
        assert!(
            matches!(again, Err(StoreError::Conflict { what: "email" })),
            "got {again:?}"
        );
        assert_eq!(persons::count(db).await.unwrap(), 1, "nothing half-created");
    }

    async fn creating_accounts_never_makes_an_admin_not_even_the_first(db) {
        let first = account(db, "First", "first@example.org").await;
        let second = account(db, "Second", "second@example.org").await;
        assert!(!first.is_admin);
        assert!(!second.is_admin);
        assert!(!persons::find_by_id(db, first.id).await.unwrap().unwrap().is_admin);
        assert!(!installation::has_admin(db).await.unwrap());
    }

    async fn the_setup_token_creates_one_admin_and_is_burned(db) {
        installation::replace_setup_token(db, "hash-1", now_ms() + 60_000).await.unwrap();
        installation::replace_setup_token(db, "hash-2", now_ms() + 60_000).await.unwrap();
        assert!(!installation::setup_token_is_live(db, "hash-1").await.unwrap(), "a new token replaces the old one");
        let old = installation::claim_setup_token(db, "hash-1", &new_account("Old", "old@example.org"), &Default::default()).await;
        assert!(matches!(old, Err(StoreError::NotFound)), "got {old:?}");

        let admin = installation::claim_setup_token(db, "hash-2", &new_account("Root", "root@example.org"), &Default::default())
            .await
            .unwrap();
        assert!(admin.is_admin);
        assert!(persons::find_by_id(db, admin.id).await.unwrap().unwrap().is_admin);
        assert!(!installation::setup_token_is_live(db, "hash-2").await.unwrap());
        let again = installation::claim_setup_token(db, "hash-2", &new_account("Again", "again@example.org"), &Default::default()).await;
        assert!(matches!(again, Err(StoreError::NotFound)), "used once: {again:?}");
        assert_eq!(persons::count(db).await.unwrap(), 1, "refused claims create nobody");
    }

    async fn an_expired_setup_token_or_one_issued_after_an_admin_exists_claims_nothing(db) {
        installation::replace_setup_token(db, "expired", now_ms() - 1).await.unwrap();
        let late = installation::claim_setup_token(db, "expired", &new_account("Late", "late@example.org"), &Default::default()).await;
        assert!(matches!(late, Err(StoreError::NotFound)), "got {late:?}");
        assert_eq!(installation::prune_setup_tokens(db).await.unwrap(), 1);

        persons::create_account(db, &NewAccount { admin: true, ..new_account("Root", "root@example.org") })
            .await
            .unwrap();
        installation::replace_setup_token(db, "stale", now_ms() + 60_000).await.unwrap();
        let second = installation::claim_setup_token(db, "stale", &new_account("Mallory", "m@example.org"), &Default::default()).await;
        assert!(matches!(second, Err(StoreError::NotFound)), "got {second:?}");
    }

    async fn many_simultaneous_setup_claims_make_exactly_one_admin(db) {
        installation::replace_setup_token(db, "the-link", now_ms() + 60_000).await.unwrap();
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..8 {
            let db = db.clone();
            tasks.spawn(async move {
                installation::claim_setup_token(&db, "the-link", &new_account("Racer", &format!("racer{i}@example.org")), &Default::default())
                    .await
            });
        }
        let (mut admins, mut refused) = (0, 0);
        while let Some(done) = tasks.join_next().await {
            match done.expect("task ran") {
                Ok(account) => admins += usize::from(account.is_admin),
                Err(StoreError::NotFound) => refused += 1,
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!((admins, refused), (1, 7));
        assert_eq!(persons::count(db).await.unwrap(), 1);
    }

    async fn an_explicit_admin_is_an_admin_even_when_not_first(db) {
        account(db, "First", "first@example.org").await;
        let admin = persons::create_account(
            db,
            &NewAccount { admin: true, ..new_account("Root", "root@example.org") },
        )
        .await
        .unwrap();
        assert!(admin.is_admin);
        assert!(persons::find_by_id(db, admin.id).await.unwrap().unwrap().is_admin);
    }

    async fn password_and_admin_flag_can_be_changed_and_unknown_ids_are_not_found(db) {
        let first = account(db, "First", "first@example.org").await;
        persons::set_password_hash(db, first.id, "new-hash").await.unwrap();
        persons::set_admin(&mut *crate::support::writer(db).await, first.id, false).await.unwrap();
        let stored = persons::find_by_id(db, first.id).await.unwrap().unwrap();
        assert_eq!(stored.password_hash, "new-hash");
        assert!(!stored.is_admin);

        let missing = PersonId::new();
        assert!(matches!(
            persons::set_password_hash(db, missing, "x").await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(persons::set_admin(&mut *crate::support::writer(db).await, missing, true).await, Err(StoreError::NotFound)));
    }
}
