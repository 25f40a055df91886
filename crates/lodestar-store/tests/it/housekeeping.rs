//! What the periodic housekeeping deletes, and the lease that lets one process at a time
//! run a task.

use lodestar_domain::TokenId;
use lodestar_store::installation;
use lodestar_store::now_ms;
use lodestar_store::tokens::{self, NewToken, TokenKind};
use sqlx::Row;

use crate::support::{account, backend_tests};

async fn token(
    db: &lodestar_store::Db,
    person: lodestar_domain::PersonId,
    name: &str,
    expires_at: Option<i64>,
) -> TokenId {
    let id = TokenId::new();
    tokens::insert(
        db,
        &NewToken {
            id,
            person,
            kind: if expires_at.is_some() {
                TokenKind::Login
            } else {
                TokenKind::Personal
            },
            name: name.into(),
            hash: format!("hash-{name}"),
            prefix: "lds_x".into(),
            expires_at,
        },
    )
    .await
    .unwrap();
    id
}

async fn token_names(db: &lodestar_store::Db) -> Vec<String> {
    let mut names: Vec<String> = sqlx::query("SELECT name FROM api_tokens")
        .fetch_all(db.reader())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("name").unwrap())
        .collect();
    names.sort();
    names
}

backend_tests! {
    async fn tokens_expired_or_revoked_before_the_cutoff_are_deleted_and_the_rest_kept(db) {
        let ada = account(db, "Ada", "ada@example.org").await;
        let now = now_ms();
        token(db, ada.id, "expired-long-ago", Some(now - 10_000)).await;
        token(db, ada.id, "expired-lately", Some(now - 10)).await;
        token(db, ada.id, "live-login", Some(now + 10_000)).await;
        token(db, ada.id, "personal", None).await;
        let revoked = token(db, ada.id, "revoked-long-ago", None).await;
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
            .bind(now - 10_000)
            .bind(revoked.to_string())
            .execute(db.writer())
            .await
            .unwrap();
        let revoked_lately = token(db, ada.id, "revoked-lately", None).await;
        tokens::revoke(db, ada.id, revoked_lately).await.unwrap();

        assert_eq!(tokens::prune(db, now - 1_000).await.unwrap(), 2);
        assert_eq!(token_names(db).await, ["expired-lately", "live-login", "personal", "revoked-lately"]);
        assert_eq!(tokens::prune(db, now - 1_000).await.unwrap(), 0, "idempotent");
    }

    async fn a_lease_is_held_by_one_holder_until_it_runs_out(db) {
        assert!(installation::take_lease(db, "analyze", "process-a", 60_000).await.unwrap());
        assert!(!installation::take_lease(db, "analyze", "process-b", 60_000).await.unwrap());
        assert!(!installation::take_lease(db, "analyze", "process-a", 60_000).await.unwrap(), "not again before it runs out");
        assert!(installation::take_lease(db, "other-task", "process-b", 60_000).await.unwrap(), "leases are per task");

        assert!(installation::take_lease(db, "short", "process-a", 1).await.unwrap());
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        assert!(installation::take_lease(db, "short", "process-b", 60_000).await.unwrap(), "a lapsed lease is free");
    }

    async fn the_installation_secret_is_made_once_and_shared(db) {
        let first = installation::secret(db, "form_key", "made-by-a").await.unwrap();
        let second = installation::secret(db, "form_key", "made-by-b").await.unwrap();
        assert_eq!(first, "made-by-a");
        assert_eq!(second, "made-by-a", "the second process reads the first one's secret");
    }
}
