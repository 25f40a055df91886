//! Reports and what admins do about them: a report shares one message with the admins
//! and nothing else of its thread; warnings, suspensions, closed threads and dismissals
//! are recorded on the report; a suspended account cannot log in, its sessions and tokens
//! end, and an admin can lift the suspension.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;

use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, TestApp, api_tests};

/// Two people in a mentorship, the thread, and an admin.
struct Scene {
    rude: String,
    rude_id: String,
    polite: String,
    thread: String,
    admin: String,
}

async fn scene(app: &TestApp) -> Scene {
    let rude = app.register_and_login("Rex Rude", "rex@example.org").await;
    let polite = app
        .register_and_login("Pia Polite", "pia@example.org")
        .await;
    let (rude_id, polite_id) = (app.id_of(&rude).await, app.id_of(&polite).await);
    let mentorship = app.mentorship_between(&rude_id, &polite_id).await;
    let thread = app
        .get(&format!("/api/v1/mentorships/{mentorship}"), Some(&polite))
        .await
        .json()["thread_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
    Scene {
        rude,
        rude_id,
        polite,
        thread,
        admin,
    }
}

async fn write(app: &TestApp, s: &Scene, token: &str, body: &str) -> String {
    let made = app
        .post_json(
            &format!("/api/v1/threads/{}/messages", s.thread),
            json!({"body": body}),
            Some(token),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()["id"].as_str().unwrap().to_owned()
}

async fn report(app: &TestApp, s: &Scene, message: &str) -> Value {
    let body = json!({"reason": "harassment", "comment": "Third time this week"});
    let made = app
        .post_json(
            &format!("/api/v1/messages/{message}/report"),
            body,
            Some(&s.polite),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()
}

async fn act(app: &TestApp, s: &Scene, report: &str, action: &str, note: &str) -> Value {
    let path = format!("/api/v1/admin/reports/{report}/actions");
    let done = app
        .post_json(
            &path,
            json!({"action": action, "note": note}),
            Some(&s.admin),
        )
        .await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.text());
    done.json()
}

api_tests! {
    async fn a_report_shares_only_the_reported_message_and_every_action_on_it_is_recorded(app) {
        let s = scene(app).await;
        write(app, &s, &s.polite, "A private worry about my manager").await;
        let insult = write(app, &s, &s.rude, "You will never *amount* to anything").await;
        write(app, &s, &s.rude, "Another private thing").await;
        // Nothing is shared before a report.
        let none = app.get("/api/v1/admin/reports", Some(&s.admin)).await;
        assert_eq!(none.status, StatusCode::OK, "{}", none.text());
        assert_eq!(none.json()["reports"], json!([]));

        let made = report(app, &s, &insult).await;
        assert_eq!(made["reason"], "harassment");
        let again = app.post_json(&format!("/api/v1/messages/{insult}/report"), json!({"reason": "spam"}), Some(&s.polite)).await;
        assert_eq!(again.status, StatusCode::OK, "reporting again is idempotent: {}", again.text());
        assert_eq!(again.json()["id"], made["id"]);
        assert_eq!(again.json()["reason"], "harassment", "the first report stands");
        app.post_json(&format!("/api/v1/messages/{insult}/report"), json!({"reason": "spam"}), Some(&s.rude)).await
            .error(StatusCode::CONFLICT, "own_message");
        app.post_json(&format!("/api/v1/messages/{insult}/report"), json!({"reason": "rude"}), Some(&s.polite)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["reason"]);

        for token in [&s.rude, &s.polite] {
            app.get("/api/v1/admin/reports", Some(token)).await.error(StatusCode::FORBIDDEN, "forbidden");
        }
        let listed = app.get("/api/v1/admin/reports", Some(&s.admin)).await;
        let text = listed.text();
        assert!(!text.contains("private worry") && !text.contains("Another private thing"), "only the reported message: {text}");
        let list = listed.json();
        assert_eq!(list["open"], 1);
        let r = &list["reports"][0];
        assert_eq!(r["status"], "open");
        assert_eq!(r["message"]["body"], "You will never *amount* to anything");
        assert_eq!(r["message"]["html"], "<p>You will never <em>amount</em> to anything</p>\n");
        assert_eq!(r["author"]["name"], "Rex Rude");
        assert_eq!(r["reporter"]["name"], "Pia Polite");
        assert_eq!(r["comment"], "Third time this week");
        let mut parties: Vec<&str> = r["thread"]["parties"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
        parties.sort_unstable();
        assert_eq!(parties, ["Pia Polite", "Rex Rude"]);
        // Still, the thread itself stays closed to the admin.
        app.get(&format!("/api/v1/threads/{}/messages", s.thread), Some(&s.admin)).await.error(StatusCode::NOT_FOUND, "not_found");

        let id = made["id"].as_str().unwrap();
        let warned = act(app, &s, id, "warn", "Be kind.").await;
        assert_eq!(warned["status"], "resolved");
        let notices = app.get("/api/v1/me/notifications", Some(&s.rude)).await.json();
        assert_eq!(notices["notifications"][0]["kind"], "moderation_warning");
        assert!(notices["notifications"][0]["body"].as_str().unwrap().contains("Be kind."), "{notices}");
        let dismissed = act(app, &s, id, "dismiss", "").await;
        let actions: Vec<&str> = dismissed["actions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["warn", "dismiss"]);
        assert_eq!(dismissed["actions"][0]["admin_name"], "Ada Admin");
        assert_eq!(dismissed["actions"][0]["note"], "Be kind.");
        app.post_json(&format!("/api/v1/admin/reports/{id}/actions"), json!({"action": "ban"}), Some(&s.admin)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["action"]);
        app.post_json(&format!("/api/v1/admin/reports/{id}/actions"), json!({"action": "warn"}), Some(&s.polite)).await
            .error(StatusCode::FORBIDDEN, "forbidden");

        // The author deleting the message does not take back what was reported.
        app.delete(&format!("/api/v1/messages/{insult}"), Some(&s.rude)).await;
        let after = app.get("/api/v1/admin/reports", Some(&s.admin)).await.json();
        assert_eq!(after["reports"][0]["message"]["deleted"], true);
        assert_eq!(after["reports"][0]["message"]["body"], "You will never *amount* to anything");

        // The admins' page shows the same, with the actions.
        let mut browser = Browser::new(app);
        let login = browser.get("/login").await;
        let csrf = csrf_of(&login.text());
        browser.post("/login", &[("_csrf", &csrf), ("email", "ada@example.org"), ("password", PASSWORD), ("next", "/dashboard")]).await;
        let page = browser.get("/admin/reports").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("You will never <em>amount</em> to anything"), "{html}");
        assert!(html.contains("Warned the author") && html.contains("Dismissed the report"), "{html}");
        assert!(!html.contains("private worry"));
    }

    async fn a_suspended_account_cannot_log_in_its_sessions_and_tokens_end_and_an_admin_can_lift_it(app) {
        let s = scene(app).await;
        let insult = write(app, &s, &s.rude, "Rude words").await;
        let made = report(app, &s, &insult).await;
        // The rude person is signed in in a browser too.
        let mut browser = Browser::new(app);
        let login = browser.get("/login").await;
        let csrf = csrf_of(&login.text());
        browser.post("/login", &[("_csrf", &csrf), ("email", "rex@example.org"), ("password", PASSWORD), ("next", "/dashboard")]).await;
        assert_eq!(browser.get("/dashboard").await.status, StatusCode::OK);

        let suspended = act(app, &s, made["id"].as_str().unwrap(), "suspend", "Repeated harassment").await;
        assert_eq!(suspended["author"]["suspended"], true);
        app.get("/api/v1/me", Some(&s.rude)).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        let dashboard = browser.get("/dashboard").await;
        assert!(dashboard.status.is_redirection(), "the browser session ended");
        let sessions: i64 = sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE person_id = $1")
            .bind(&s.rude_id).fetch_one(app.app.db.reader()).await.unwrap().get("n");
        assert_eq!(sessions, 0);
        let refused = app.login("rex@example.org", PASSWORD).await;
        let error = refused.error(StatusCode::FORBIDDEN, "account_suspended");
        assert!(error["message"].as_str().unwrap().contains("suspended"), "{error}");
        // A wrong password is told only that it is wrong.
        app.login("rex@example.org", "not-the-password-at-all").await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        let login = browser.get("/login").await;
        let csrf = csrf_of(&login.text());
        let page = browser.post("/login", &[("_csrf", &csrf), ("email", "rex@example.org"), ("password", PASSWORD), ("next", "/dashboard")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(page.text().contains("This account is suspended"), "{}", page.text());

        let list = app.get("/api/v1/admin/suspensions", Some(&s.admin)).await.json();
        assert_eq!(list["accounts"][0]["name"], "Rex Rude");
        app.delete(&format!("/api/v1/admin/suspensions/{}", s.rude_id), Some(&s.polite)).await
            .error(StatusCode::FORBIDDEN, "forbidden");
        let lifted = app.delete(&format!("/api/v1/admin/suspensions/{}", s.rude_id), Some(&s.admin)).await;
        assert_eq!(lifted.status, StatusCode::NO_CONTENT, "{}", lifted.text());
        app.delete(&format!("/api/v1/admin/suspensions/{}", s.rude_id), Some(&s.admin)).await
            .error(StatusCode::NOT_FOUND, "not_found");
        assert_eq!(app.login("rex@example.org", PASSWORD).await.status, StatusCode::OK);
        let recorded: Vec<String> = sqlx::query("SELECT action FROM moderation_actions WHERE person_id = $1 ORDER BY created_at, id")
            .bind(&s.rude_id)
            .fetch_all(app.app.db.reader())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("action"))
            .collect();
        assert_eq!(recorded, ["suspend", "reinstate"]);

        // An admin cannot suspend themselves through a report of their own message.
        let admin_id = app.id_of(&s.admin).await;
        let m = app.mentorship_between(&admin_id, &s.rude_id).await;
        let rex = app.login("rex@example.org", PASSWORD).await.json()["token"].as_str().unwrap().to_owned();
        let thread = app.get(&format!("/api/v1/mentorships/{m}"), Some(&rex)).await.json()["thread_id"].as_str().unwrap().to_owned();
        let mine = app.post_json(&format!("/api/v1/threads/{thread}/messages"), json!({"body": "admin here"}), Some(&s.admin)).await.json();
        let r = app.post_json(&format!("/api/v1/messages/{}/report", mine["id"].as_str().unwrap()), json!({"reason": "other"}), Some(&rex)).await.json();
        app.post_json(&format!("/api/v1/admin/reports/{}/actions", r["id"].as_str().unwrap()), json!({"action": "suspend"}), Some(&s.admin)).await
            .error(StatusCode::CONFLICT, "cannot_suspend_yourself");
    }
}
