//! API tokens: stored by hash, found only while live, revoked by their owner.

use lodestar_domain::{PersonId, TokenId};
use lodestar_store::tokens::{self, NewToken, TokenKind};
use lodestar_store::{StoreError, now_ms};

use crate::support::{account, backend_tests};

fn new_token(person: PersonId, kind: TokenKind, hash: &str, expires_at: Option<i64>) -> NewToken {
    NewToken {
        id: TokenId::new(),
        person,
        kind,
        name: format!("token {hash}"),
        hash: hash.into(),
        prefix: "lds_abcdef".into(),
        expires_at,
    }
}

backend_tests! {
    async fn a_live_token_is_found_by_its_hash(db) {
        let ada = account(db, "Ada", "ada@example.org").await;
        let inserted = tokens::insert(db, &new_token(ada.id, TokenKind::Personal, "h1", None)).await.unwrap();
        assert!(inserted.personal);
        let found = tokens::find_live_by_hash(db, "h1").await.unwrap().expect("live");
        assert_eq!(found.id, inserted.id);
        assert_eq!(found.person, ada.id);
        assert_eq!(found.name, "token h1");
        assert_eq!(found.prefix, "lds_abcdef");
        assert_eq!(found.created_at, inserted.created_at);
        assert_eq!(found.last_used_at, None);
        assert!(tokens::find_live_by_hash(db, "other").await.unwrap().is_none());

        let with_account = tokens::find_live_with_account(db, "h1").await.unwrap().expect("live");
        assert_eq!((with_account.id, with_account.last_used_at), (inserted.id, None));
        assert_eq!((with_account.account.id, with_account.account.email.as_str()), (ada.id, "ada@example.org"));
        assert!(tokens::find_live_with_account(db, "other").await.unwrap().is_none());

        tokens::touch(db, found.id).await.unwrap();
        let touched = tokens::find_live_by_hash(db, "h1").await.unwrap().unwrap();
        assert!(touched.last_used_at.is_some());
        assert!(tokens::find_live_with_account(db, "h1").await.unwrap().unwrap().last_used_at.is_some());
    }

    async fn a_hash_can_only_be_stored_once(db) {
        let ada = account(db, "Ada", "ada@example.org").await;
        tokens::insert(db, &new_token(ada.id, TokenKind::Personal, "same", None)).await.unwrap();
        let again = tokens::insert(db, &new_token(ada.id, TokenKind::Login, "same", None)).await;
        assert!(matches!(again, Err(StoreError::Conflict { what: "token" })), "got {again:?}");
    }

    async fn a_revoked_token_is_no_longer_live_and_only_its_owner_can_revoke_it(db) {
        let ada = account(db, "Ada", "ada@example.org").await;
        let bob = account(db, "Bob", "bob@example.org").await;
        let token = tokens::insert(db, &new_token(ada.id, TokenKind::Personal, "h1", None)).await.unwrap();

        let by_bob = tokens::revoke(db, bob.id, token.id).await;
        assert!(matches!(by_bob, Err(StoreError::NotFound)), "got {by_bob:?}");
        assert!(tokens::find_live_by_hash(db, "h1").await.unwrap().is_some());

        tokens::revoke(db, ada.id, token.id).await.unwrap();
        assert!(tokens::find_live_by_hash(db, "h1").await.unwrap().is_none());
        assert!(tokens::find_live_with_account(db, "h1").await.unwrap().is_none());
        let listed = tokens::list_personal(db, ada.id).await.unwrap();
        let revoked_at = listed[0].revoked_at.expect("revoked");
        tokens::revoke(db, ada.id, token.id).await.expect("revoking twice is fine");
        let listed = tokens::list_personal(db, ada.id).await.unwrap();
        assert_eq!(listed[0].revoked_at, Some(revoked_at), "the first revocation time stays");
        assert!(matches!(tokens::revoke(db, ada.id, TokenId::new()).await, Err(StoreError::NotFound)));
    }

    async fn an_expired_token_is_not_live(db) {
        let ada = account(db, "Ada", "ada@example.org").await;
        tokens::insert(db, &new_token(ada.id, TokenKind::Login, "old", Some(now_ms() - 1))).await.unwrap();
        tokens::insert(db, &new_token(ada.id, TokenKind::Login, "new", Some(now_ms() + 60_000))).await.unwrap();
        assert!(tokens::find_live_by_hash(db, "old").await.unwrap().is_none());
        assert!(tokens::find_live_with_account(db, "old").await.unwrap().is_none());
        let live = tokens::find_live_by_hash(db, "new").await.unwrap().expect("not yet expired");
        assert!(!live.personal);
    }

    async fn personal_tokens_are_listed_newest_first_without_login_tokens(db) {
        let ada = account(db, "Ada", "ada@example.org").await;
        let bob = account(db, "Bob", "bob@example.org").await;
        let first = tokens::insert(db, &new_token(ada.id, TokenKind::Personal, "a1", None)).await.unwrap();
        let second = tokens::insert(db, &new_token(ada.id, TokenKind::Personal, "a2", None)).await.unwrap();
        tokens::insert(db, &new_token(ada.id, TokenKind::Login, "a3", Some(now_ms() + 60_000))).await.unwrap();
        tokens::insert(db, &new_token(bob.id, TokenKind::Personal, "b1", None)).await.unwrap();
        let listed: Vec<TokenId> = tokens::list_personal(db, ada.id).await.unwrap().iter().map(|t| t.id).collect();
        assert_eq!(listed, [second.id, first.id]);
    }

    async fn revoking_login_tokens_leaves_personal_tokens(db) {
        let ada = account(db, "Ada", "ada@example.org").await;
        let bob = account(db, "Bob", "bob@example.org").await;
        let later = Some(now_ms() + 60_000);
        tokens::insert(db, &new_token(ada.id, TokenKind::Login, "l1", later)).await.unwrap();
        tokens::insert(db, &new_token(ada.id, TokenKind::Login, "l2", later)).await.unwrap();
        tokens::insert(db, &new_token(ada.id, TokenKind::Personal, "p1", None)).await.unwrap();
        tokens::insert(db, &new_token(bob.id, TokenKind::Login, "b1", later)).await.unwrap();
        assert_eq!(tokens::revoke_login_tokens(db, ada.id).await.unwrap(), 2);
        assert!(tokens::find_live_by_hash(db, "l1").await.unwrap().is_none());
        assert!(tokens::find_live_by_hash(db, "l2").await.unwrap().is_none());
        assert!(tokens::find_live_by_hash(db, "p1").await.unwrap().is_some());
        assert!(tokens::find_live_by_hash(db, "b1").await.unwrap().is_some(), "Bob's stay");
    }
}
