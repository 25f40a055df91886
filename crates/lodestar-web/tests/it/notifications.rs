//! The inbox and e-mail preferences: each person sees and changes only their own; the
//! navigation shows the unread count.

use axum::http::{Method, StatusCode};
use lodestar_domain::mentoring::NotificationKind;
use lodestar_store::notifications::{self, Notice};
use serde_json::{Value, json};

use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, TestApp, api_tests};

async fn me(app: &TestApp, token: &str) -> String {
    app.get("/api/v1/me", Some(token)).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn push(app: &TestApp, person: &str, kind: NotificationKind, title: &str) {
    let notice = Notice {
        person: person.parse().unwrap(),
        kind,
        title: title.into(),
        body: format!("About {title}"),
        link: "/dashboard".into(),
        calendar: None,
    };
    let mut tx = app.app.db.begin().await.unwrap();
    notifications::push(&mut tx, &notice, "https://lodestar.example")
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn titles(page: &Value) -> Vec<&str> {
    page["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap())
        .collect()
}

api_tests! {
    async fn the_inbox_lists_your_own_notifications_newest_first_in_pages(app) {
        let ana = app.register_and_login("Ana", "ana@example.org").await;
        let bo = app.register_and_login("Bo", "bo@example.org").await;
        let ana_id = me(app, &ana).await;
        for n in 1..=3 {
            push(app, &ana_id, NotificationKind::SessionScheduled, &format!("Session {n}")).await;
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        let page = app.get("/api/v1/me/notifications?per_page=2", Some(&ana)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let page = page.json();
        assert_eq!(titles(&page), ["Session 3", "Session 2"]);
        assert_eq!(page["unread"], 3);
        assert_eq!(page["has_more"], true);
        let next = app.get("/api/v1/me/notifications?per_page=2&page=2", Some(&ana)).await.json();
        assert_eq!(titles(&next), ["Session 1"]);
        assert_eq!(next["has_more"], false);

        let others = app.get("/api/v1/me/notifications", Some(&bo)).await.json();
        assert_eq!(titles(&others), Vec::<&str>::new(), "Bo sees none of Ana's");
        let bad = app.get("/api/v1/me/notifications?per_page=0&page=0", Some(&ana)).await;
        bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["page", "per_page"]);
    }

    async fn marking_read_touches_only_your_own_notifications(app) {
        let ana = app.register_and_login("Ana", "ana@example.org").await;
        let bo = app.register_and_login("Bo", "bo@example.org").await;
        let ana_id = me(app, &ana).await;
        let bo_id = me(app, &bo).await;
        push(app, &ana_id, NotificationKind::RequestReceived, "First").await;
        push(app, &ana_id, NotificationKind::RequestReceived, "Second").await;
        push(app, &bo_id, NotificationKind::RequestReceived, "Bo's").await;
        let inbox = app.get("/api/v1/me/notifications", Some(&ana)).await.json();
        let first = inbox["notifications"].as_array().unwrap().iter()
            .find(|n| n["title"] == "First").unwrap()["id"].clone();
        let bos = app.get("/api/v1/me/notifications", Some(&bo)).await.json();
        let bos_id = bos["notifications"][0]["id"].clone();

        // Bo names Ana's notification: nothing changes.
        let done = app.post_json("/api/v1/me/notifications/read", json!({"ids": [first]}), Some(&bo)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        assert_eq!(done.json(), json!({"marked": 0, "unread": 1}));

        let done = app.post_json("/api/v1/me/notifications/read", json!({"ids": [first, bos_id]}), Some(&ana)).await;
        assert_eq!(done.json(), json!({"marked": 1, "unread": 1}));
        let unread = app.get("/api/v1/me/notifications?unread=true", Some(&ana)).await.json();
        assert_eq!(titles(&unread), ["Second"]);

        let done = app.post_json("/api/v1/me/notifications/read", json!({"all": true}), Some(&ana)).await;
        assert_eq!(done.json(), json!({"marked": 1, "unread": 0}));
        let bos = app.get("/api/v1/me/notifications?unread=true", Some(&bo)).await.json();
        assert_eq!(bos["unread"], 1, "Bo's stays unread");

        for body in [json!({}), json!({"all": true, "ids": []}), json!({"ids": ["nope"]})] {
            let refused = app.post_json("/api/v1/me/notifications/read", body, Some(&ana)).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text());
        }
    }

    async fn e_mail_can_be_turned_off_per_kind_and_unknown_kinds_are_refused(app) {
        let ana = app.register_and_login("Ana", "ana@example.org").await;
        let ana_id = me(app, &ana).await;
        let prefs = app.get("/api/v1/me/notification-preferences", Some(&ana)).await.json();
        assert_eq!(prefs["email"]["session_reminder"], true, "on until turned off");
        assert_eq!(prefs["kinds"].as_array().unwrap().len(), NotificationKind::ALL.len());

        let refused = app
            .raw(Method::PUT, "/api/v1/me/notification-preferences", "application/json",
                json!({"email": {"session_reminder": false, "birthday": false}}).to_string(), Some(&ana))
            .await;
        refused.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["email.birthday"]);
        let prefs = app.get("/api/v1/me/notification-preferences", Some(&ana)).await.json();
        assert_eq!(prefs["email"]["session_reminder"], true, "nothing written");

        let saved = app
            .raw(Method::PUT, "/api/v1/me/notification-preferences", "application/json",
                json!({"email": {"session_reminder": false}}).to_string(), Some(&ana))
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
        assert_eq!(saved.json()["email"]["session_reminder"], false);
        assert_eq!(saved.json()["email"]["session_scheduled"], true);

        push(app, &ana_id, NotificationKind::SessionReminder, "Tomorrow").await;
        push(app, &ana_id, NotificationKind::SessionScheduled, "Scheduled").await;
        let queued = lodestar_store::outbox::ids(&app.app.db).await.unwrap();
        assert_eq!(queued.len(), 1, "the reminder reaches the inbox only");
        let inbox = app.get("/api/v1/me/notifications", Some(&ana)).await.json();
        assert_eq!(inbox["unread"], 2);
    }

    async fn the_navigation_shows_the_unread_count_and_opening_one_marks_it_read(app) {
        let ana = app.register_and_login("Ana", "ana@example.org").await;
        let ana_id = me(app, &ana).await;
        push(app, &ana_id, NotificationKind::MentorshipStalled, "Quiet lately").await;
        push(app, &ana_id, NotificationKind::MentorshipPaused, "Paused").await;
        let mut browser = Browser::new(app);
        browser.log_in("ana@example.org", PASSWORD).await;
        let dashboard = browser.get("/dashboard").await.text();
        assert!(dashboard.contains(r#"Notifications<span id="unread-notifications" sse-swap="notifications" aria-live="polite"> <span class="count">2<span class="visually-hidden"> unread</span>"#), "{dashboard}");

        let inbox = browser.get("/notifications").await;
        assert_eq!(inbox.status, StatusCode::OK);
        let html = inbox.text();
        assert!(html.contains("Quiet lately") && html.contains("2 unread."), "{html}");
        let csrf = csrf_of(&html);
        let id = app.get("/api/v1/me/notifications", Some(&ana)).await.json()["notifications"][0]["id"]
            .as_str().unwrap().to_owned();
        let opened = browser.post(&format!("/notifications/{id}/open"), &[("_csrf", &csrf)]).await;
        assert_eq!(opened.header("location"), Some("/dashboard"));
        let dashboard = browser.get("/dashboard").await.text();
        assert!(dashboard.contains(r#"<span class="count">1<"#), "{dashboard}");

        let done = browser.post("/notifications/read", &[("_csrf", &csrf)]).await;
        assert_eq!(done.header("location"), Some("/notifications"));
        let inbox = browser.get("/notifications").await.text();
        assert!(inbox.contains("Nothing unread.") && !inbox.contains(r#"class="count""#), "{inbox}");
    }

    async fn the_preferences_page_turns_off_what_is_not_ticked(app) {
        app.register_and_login("Ana", "ana@example.org").await;
        let mut browser = Browser::new(app);
        browser.log_in("ana@example.org", PASSWORD).await;
        let page = browser.get("/account/notifications").await.text();
        assert!(page.contains(NotificationKind::SessionReminder.label()), "{page}");
        let csrf = csrf_of(&page);
        let saved = browser
            .post("/account/notifications", &[("_csrf", &csrf), ("email", "request_received")])
            .await;
        assert_eq!(saved.header("location"), Some("/account/notifications"));
        let page = browser.get("/account/notifications").await.text();
        assert!(page.contains(r#"value="request_received" checked"#), "{page}");
        assert!(!page.contains(r#"value="session_reminder" checked"#), "{page}");
    }
}
