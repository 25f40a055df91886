//! The audit log: records written in the caller's transaction (gone with a rollback), read
//! newest first by an id cursor and filtered by actor, action and target; and append-only,
//! as the database itself refuses to change or delete a record.

use lodestar_domain::PersonId;
use lodestar_store::audit::{self, Filter, NewEntry};

use crate::support::{account, backend_tests};

fn entry(actor: Option<PersonId>, action: &str, target: &str) -> NewEntry {
    NewEntry {
        actor,
        actor_name: "Ada Admin".into(),
        action: action.into(),
        target_kind: "skill".into(),
        target_id: target.into(),
        summary: format!("{action} on {target}"),
        detail: "{\"name\":{\"from\":\"A\",\"to\":\"B\"}}".into(),
    }
}

async fn recorded(db: &lodestar_store::Db, entries: &[NewEntry]) {
    for e in entries {
        let mut tx = db.begin().await.unwrap();
        audit::record(&mut tx, e).await.unwrap();
        tx.commit().await.unwrap();
    }
}

backend_tests! {
    async fn records_are_read_newest_first_by_cursor_and_filtered(db) {
        let ada = account(db, "Ada Admin", "ada@example.org").await;
        let bo = PersonId::new();
        recorded(db, &[
            entry(Some(ada.id), "skill.add", "one"),
            entry(Some(bo), "skill.edit", "one"),
            entry(Some(ada.id), "skill.edit", "two"),
            entry(None, "admin.grant", "three"),
            entry(Some(ada.id), "skill.merge", "two"),
        ]).await;

        let all = audit::page(db, &Filter::default(), 10).await.unwrap();
        let actions: Vec<&str> = all.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["skill.merge", "admin.grant", "skill.edit", "skill.edit", "skill.add"]);
        assert!(all[0].at >= all[4].at);
        assert_eq!(all[0].detail, "{\"name\":{\"from\":\"A\",\"to\":\"B\"}}");
        assert!(all[0].actor_exists, "Ada has an account");
        assert!(!all[3].actor_exists, "nobody has Bo's id");
        assert_eq!((all[1].actor, all[1].actor_exists), (None, false));

        let first = audit::page(db, &Filter::default(), 2).await.unwrap();
        let rest = audit::page(db, &Filter { before: Some(first[1].id), ..Filter::default() }, 10).await.unwrap();
        let paged: Vec<_> = first.iter().chain(&rest).map(|e| e.id).collect();
        assert_eq!(paged, all.iter().map(|e| e.id).collect::<Vec<_>>());

        let by_ada = audit::page(db, &Filter { actor: Some(ada.id), ..Filter::default() }, 10).await.unwrap();
        assert_eq!(by_ada.len(), 3);
        let edits = audit::page(db, &Filter { action: Some("skill.edit".into()), ..Filter::default() }, 10).await.unwrap();
        assert_eq!(edits.iter().map(|e| e.target_id.as_str()).collect::<Vec<_>>(), ["two", "one"]);
        let on_two = audit::page(db, &Filter { target: Some(("skill".into(), "two".into())), ..Filter::default() }, 10).await.unwrap();
        assert_eq!(on_two.len(), 2);
    }

    async fn a_record_rolled_back_with_its_action_is_not_kept(db) {
        let mut tx = db.begin().await.unwrap();
        audit::record(&mut tx, &entry(None, "skill.add", "gone")).await.unwrap();
        tx.rollback().await.unwrap();
        let mut tx = db.begin().await.unwrap();
        audit::record(&mut tx, &entry(None, "skill.add", "dropped")).await.unwrap();
        drop(tx);
        assert!(audit::page(db, &Filter::default(), 10).await.unwrap().is_empty());
    }

    async fn the_database_refuses_to_change_or_delete_a_record(db) {
        let ada = account(db, "Ada Admin", "ada@example.org").await;
        recorded(db, &[entry(Some(ada.id), "skill.add", "kept")]).await;
        let update = sqlx::query("UPDATE audit_log SET summary = 'nothing happened'")
            .execute(db.writer())
            .await;
        assert!(update.is_err(), "an update is refused");
        let delete = sqlx::query("DELETE FROM audit_log").execute(db.writer()).await;
        assert!(delete.is_err(), "a delete is refused");
        if db.backend() == lodestar_store::Backend::Postgres {
            let truncate = sqlx::query("TRUNCATE audit_log").execute(db.writer()).await;
            assert!(truncate.is_err(), "a truncate is refused");
        }
        // Deleting the actor's account keeps the record, by its name then.
        let mut tx = db.begin().await.unwrap();
        lodestar_store::erasure::delete_account(&mut tx, ada.id).await.unwrap();
        tx.commit().await.unwrap();
        let kept = audit::page(db, &Filter::default(), 10).await.unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!((kept[0].summary.as_str(), kept[0].actor, kept[0].actor_exists), ("skill.add on kept", Some(ada.id), false));
        assert_eq!(kept[0].actor_name, "Ada Admin");
    }
}
