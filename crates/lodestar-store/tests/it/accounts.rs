//! Accounts: creation, look-up, the first-admin rule, and log-in failure counting.

use lodestar_domain::{Email, PersonId};
use lodestar_store::StoreError;
use lodestar_store::persons::{self, NewAccount};

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

    async fn the_first_account_claims_admin_and_the_second_does_not(db) {
        let first = account(db, "First", "first@example.org").await;
        let second = account(db, "Second", "second@example.org").await;
        assert!(first.is_admin);
        assert!(!second.is_admin);
        let stored = persons::find_by_id(db, first.id).await.unwrap().unwrap();
        assert!(stored.is_admin, "the claim is stored, not only returned");
        let stored = persons::find_by_id(db, second.id).await.unwrap().unwrap();
        assert!(!stored.is_admin);
    }

    async fn two_simultaneous_first_registrations_make_exactly_one_admin(db) {
        let (ann, bob) = (new_account("Ann", "ann@example.org"), new_account("Bob", "bob@example.org"));
        let (a, b) = tokio::join!(
            persons::create_account(db, &ann),
            persons::create_account(db, &bob),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(a.is_admin ^ b.is_admin, "exactly one admin: {} {}", a.is_admin, b.is_admin);
        let a_stored = persons::find_by_id(db, a.id).await.unwrap().unwrap();
        let b_stored = persons::find_by_id(db, b.id).await.unwrap().unwrap();
        assert_eq!(a_stored.is_admin, a.is_admin);
        assert_eq!(b_stored.is_admin, b.is_admin);
    }

    async fn many_simultaneous_first_registrations_on_separate_tasks_make_one_admin(db) {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..8 {
            let db = db.clone();
            tasks.spawn(async move {
                persons::create_account(&db, &new_account("Racer", &format!("racer{i}@example.org")))
                    .await
            });
        }
        let mut admins = 0;
        while let Some(done) = tasks.join_next().await {
            admins += usize::from(done.expect("task ran").expect("account created").is_admin);
        }
        assert_eq!(admins, 1);
        assert_eq!(persons::count(db).await.unwrap(), 8);
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
        persons::set_admin(db, first.id, false).await.unwrap();
        let stored = persons::find_by_id(db, first.id).await.unwrap().unwrap();
        assert_eq!(stored.password_hash, "new-hash");
        assert!(!stored.is_admin);

        let missing = PersonId::new();
        assert!(matches!(
            persons::set_password_hash(db, missing, "x").await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(persons::set_admin(db, missing, true).await, Err(StoreError::NotFound)));
    }
}
