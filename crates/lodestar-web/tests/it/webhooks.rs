//! Signed webhooks end to end: an admin registers an endpoint served by an independent
//! receiver in its own process (`tests/tools/webhook_receiver.py`, which checks each
//! signature with Python's own `hmac`); real events made through the API reach it signed,
//! with the right payloads and nothing private; a server error is recorded and retried; a
//! wrong secret fails verification; deliveries are the admins' to read and retry.

use axum::http::StatusCode;
use lodestar_app::Policy;
use lodestar_store::now_ms;
use serde_json::{Value, json};

use crate::match_runs::{cohort, programme, settled};
use crate::meetings::date_in_days;
use crate::pages::{Browser, csrf_of};
use crate::requests::{mentee, mentor, send};
use crate::support::{PASSWORD, PythonTool, TestApp, api_tests};

/// The webhook receiver: `tests/tools/webhook_receiver.py`, which checks each signature.
struct Receiver(PythonTool);

impl Receiver {
    fn start() -> Self {
        Self(PythonTool::start("webhook_receiver.py"))
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks/lodestar", self.0.port)
    }

    /// The secret the receiver verifies with from now on.
    fn verify_with(&self, secret: &str) {
        std::fs::write(self.0.folder.join("secret"), secret).unwrap();
    }

    /// Answers 500 to the first `n` requests it has ever had.
    fn fail_first(&self, n: usize) {
        std::fs::write(self.0.folder.join("fail_first"), n.to_string()).unwrap();
    }

    /// Every request it had, oldest first.
    fn received(&self) -> Vec<Value> {
        match std::fs::read_to_string(self.0.folder.join("received.jsonl")) {
            Ok(text) => text
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// The same database served by a process whose operator allows private addresses
/// (`--webhook-allow-private`), as the receiver is on 127.0.0.1.
fn allowing_private(app: &TestApp) -> TestApp {
    let mut policy = Policy::default();
    policy.webhooks.allow_private = true;
    app.with_policy(policy)
}

/// Registers an endpoint for `events`; its id and secret.
async fn register(app: &TestApp, admin: &str, url: &str, events: &[&str]) -> (String, String) {
    let made = app
        .post_json(
            "/api/v1/admin/webhooks",
            json!({"url": url, "description": "CRM sync", "events": events}),
            Some(admin),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let made = made.json();
    let secret = made["secret"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("whsec_") && secret.len() > 40,
        "{secret}"
    );
    (made["webhook"]["id"].as_str().unwrap().to_owned(), secret)
}

const ALL: [&str; 6] = [
    "request.accepted",
    "mentorship.started",
    "mentorship.completed",
    "session.held",
    "goal.achieved",
    "programme.match_published",
];

/// Sends every delivery due at `at`, until none is left due then.
async fn send_due(app: &TestApp, at: i64) -> (usize, usize) {
    let (mut delivered, mut failed) = (0, 0);
    loop {
        let report = app.app.deliver_webhooks(at).await.unwrap();
        if report.claimed == 0 {
            return (delivered, failed);
        }
        delivered += report.delivered;
        failed += report.failed + report.gave_up;
    }
}

async fn deliveries(app: &TestApp, admin: &str, webhook: &str) -> Vec<Value> {
    let list = app
        .get(
            &format!("/api/v1/admin/webhooks/{webhook}/deliveries"),
            Some(admin),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    list.json()["deliveries"].as_array().unwrap().clone()
}

/// A new goal of the person behind `token`; its id.
async fn new_goal(app: &TestApp, token: &str, body: Value) -> String {
    let made = app.post_json("/api/v1/me/goals", body, Some(token)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()["id"].as_str().unwrap().to_owned()
}

async fn achieve_goal(app: &TestApp, token: &str, goal: &str) {
    let path = format!("/api/v1/me/goals/{goal}");
    let achieved = app
        .patch_json(&path, json!({"status": "achieved"}), Some(token))
        .await;
    assert_eq!(achieved.status, StatusCode::OK, "{}", achieved.text());
}

fn of<'a>(received: &'a [Value], event: &str) -> Vec<&'a Value> {
    received
        .iter()
        .filter(|r| r["event"] == event && r["status"] == 200)
        .collect()
}

api_tests! {
    async fn real_events_reach_an_independent_verifier_signed_and_a_failure_is_retried(app) {
        let receiver = Receiver::start();
        receiver.fail_first(1);
        let hooks = allowing_private(app);
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        let (webhook, secret) = register(&hooks, &admin, &receiver.url(), &ALL).await;
        receiver.verify_with(&secret);

        // A request accepted: the request, and the mentorship it starts.
        let (mina, teo) = (mentor(app, "Mina", 3).await, mentee(app, "Teo").await);
        let request = send(app, &teo, &mina).await;
        let request_id = request["id"].as_str().unwrap().to_owned();
        let accepted = app.post_json(&format!("/api/v1/requests/{request_id}/accept"), json!({}), Some(&mina.token)).await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
        let mentorship = accepted.json()["mentorship_id"].as_str().unwrap().to_owned();
        // A session held (it began an hour ago).
        let starts = lodestar_app::meetings::rfc3339_in_hours(-1);
        let session = app.post_json(&format!("/api/v1/mentorships/{mentorship}/sessions"), json!({"starts_at": starts, "duration_minutes": 30}), Some(&mina.token)).await;
        assert_eq!(session.status, StatusCode::CREATED, "{}", session.text());
        let session = session.json()["id"].as_str().unwrap().to_owned();
        let held = app.post_json(&format!("/api/v1/sessions/{session}/outcome"), json!({"held": true}), Some(&mina.token)).await;
        assert_eq!(held.status, StatusCode::OK, "{}", held.text());
        // A goal achieved: private, so its title goes nowhere.
        let goal = new_goal(app, &teo.token, json!({"title": "Become a staff engineer quietly", "measure": "Promoted", "target_date": date_in_days(90)})).await;
        achieve_goal(app, &teo.token, &goal).await;
        // The mentorship completed, with a private reflection.
        let done = app.post_json(&format!("/api/v1/mentorships/{mentorship}/complete"), json!({"reflection": "Private thoughts on Teo", "rating": 5}), Some(&mina.token)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        // A programme's match run published.
        let programme = programme(app, &admin).await;
        cohort(app, &programme).await;
        let started = app.post_json(&format!("/api/v1/programmes/{programme}/match-runs"), json!({}), Some(&admin)).await;
        assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.text());
        let run = started.json()["id"].as_str().unwrap().to_owned();
        settled(app, &run, &admin).await;
        let published = app.post_json(&format!("/api/v1/match-runs/{run}/publish"), json!({}), Some(&admin)).await;
        assert_eq!(published.status, StatusCode::OK, "{}", published.text());
        let created = published.json()["mentorships_created"].as_i64().unwrap();
        assert!(created >= 1, "{created}");

        // Everything is queued; nothing was sent in any request.
        assert!(receiver.received().is_empty());
        let queued = deliveries(app, &admin, &webhook).await;
        assert_eq!(queued.len(), 6 + usize::try_from(created).unwrap());

        // The first post is answered 500: recorded with its status, and retried later.
        let now = now_ms();
        let (delivered, failed) = send_due(&hooks, now).await;
        assert_eq!((delivered + failed, failed), (queued.len(), 1));
        let failing: Vec<Value> = deliveries(app, &admin, &webhook).await.into_iter().filter(|d| d["state"] == "retrying").collect();
        assert_eq!(failing.len(), 1, "{failing:?}");
        assert_eq!((failing[0]["attempts"].clone(), failing[0]["last_status"].clone()), (json!(1), json!(500)));
        assert!(failing[0]["last_error"].as_str().unwrap().contains("500"), "{}", failing[0]);
        let retry_at = failing[0]["next_attempt_at"].as_i64().unwrap();
        assert!(retry_at >= now + 29_000 && retry_at <= now + 31_000 + 60_000, "30 s of backoff: {retry_at} from {now}");
        assert_eq!(send_due(&hooks, now + 1_000).await, (0, 0), "not due again before its backoff");
        assert_eq!(send_due(&hooks, retry_at).await, (1, 0));
        let retried = deliveries(app, &admin, &webhook).await.into_iter().find(|d| d["id"] == failing[0]["id"]).unwrap();
        assert_eq!((retried["state"].clone(), retried["attempts"].clone(), retried["last_status"].clone()), (json!("delivered"), json!(1), json!(200)));

        // The verifier saw every event, each signature valid by its own check.
        let received = receiver.received();
        assert_eq!(received.len(), queued.len() + 1, "one more: the retry");
        assert_eq!(received[0]["status"], 500);
        assert_eq!(received.iter().filter(|r| r["delivery"] == received[0]["delivery"]).count(), 2, "the failed one came again");
        for r in &received {
            assert_eq!(r["valid"], true, "{r}");
            assert_eq!(r["content_type"], "application/json");
            assert_eq!(r["body"]["event"], r["event"], "{r}");
            assert_eq!(r["body"]["id"], r["delivery"], "{r}");
            let at = r["body"]["occurred_at"].as_str().unwrap();
            assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
            let text = r["body"].to_string();
            for private in ["Become a staff engineer", "Private thoughts", "conferences"] {
                assert!(!text.contains(private), "{private} in {text}");
            }
        }
        let accepted = of(&received, "request.accepted");
        assert_eq!(accepted.len(), 1);
        assert_eq!(accepted[0]["body"]["data"], json!({"request_id": request_id, "mentorship_id": mentorship, "mentor_id": mina.id, "mentee_id": teo.id}));
        let started = of(&received, "mentorship.started");
        assert_eq!(started.len(), 1 + usize::try_from(created).unwrap());
        let ours = started.iter().find(|r| r["body"]["data"]["mentorship_id"] == mentorship.as_str()).unwrap();
        assert_eq!(ours["body"]["data"]["request_id"], request_id.as_str());
        assert_eq!(ours["body"]["data"]["members"], json!([{"person_id": mina.id, "role": "mentor"}, {"person_id": teo.id, "role": "mentee"}]));
        assert_eq!(started.iter().filter(|r| r["body"]["data"]["programme_id"] == programme.as_str()).count(), usize::try_from(created).unwrap());
        let held = of(&received, "session.held");
        assert_eq!((held.len(), held[0]["body"]["data"]["session_id"].clone(), held[0]["body"]["data"]["mentorship_id"].clone()), (1, json!(session), json!(mentorship)));
        let achieved = of(&received, "goal.achieved");
        assert_eq!(achieved.len(), 1);
        assert_eq!(achieved[0]["body"]["data"], json!({"goal_id": goal, "owner_id": teo.id}));
        let completed = of(&received, "mentorship.completed");
        assert_eq!(completed.len(), 1);
        assert_eq!(completed[0]["body"]["data"], json!({"mentorship_id": mentorship, "completed_by": mina.id}));
        let matched = of(&received, "programme.match_published");
        assert_eq!(matched.len(), 1);
        assert_eq!(matched[0]["body"]["data"], json!({"programme_id": programme, "run_id": run, "mentorships_created": created}));

        // A receiver holding the wrong secret refuses the signature (the check can fail),
        // and the endpoint's 401 is recorded and retried until an admin fixes it.
        receiver.verify_with("whsec_not-the-secret");
        let other = new_goal(app, &teo.token, json!({"title": "Second", "measure": "Done", "target_date": date_in_days(30)})).await;
        achieve_goal(app, &teo.token, &other).await;
        assert_eq!(send_due(&hooks, now_ms()).await, (0, 1));
        let refused = receiver.received().pop().unwrap();
        assert_eq!((refused["valid"].clone(), refused["why"].clone(), refused["status"].clone()), (json!(false), json!("digest does not match"), json!(401)));
        let failed = deliveries(app, &admin, &webhook).await.remove(0);
        assert_eq!((failed["state"].clone(), failed["last_status"].clone()), (json!("retrying"), json!(401)));
        // Retried now by the admin, it goes through once the receiver has the right secret.
        receiver.verify_with(&secret);
        let id = failed["id"].as_str().unwrap();
        let retried = app.post_json(&format!("/api/v1/admin/webhooks/deliveries/{id}/retry"), json!({}), Some(&admin)).await;
        assert_eq!(retried.status, StatusCode::OK, "{}", retried.text());
        assert!(retried.json()["next_attempt_at"].as_i64().unwrap() <= now_ms());
        assert_eq!(send_due(&hooks, now_ms()).await, (1, 0));
        assert_eq!(receiver.received().pop().unwrap()["valid"], true);
        app.post_json(&format!("/api/v1/admin/webhooks/deliveries/{id}/retry"), json!({}), Some(&admin)).await
            .error(StatusCode::CONFLICT, "already_delivered");
        // The retry that went through is in the audit log; the refused one is not.
        let log = app.get("/api/v1/admin/audit?action=webhook.retry", Some(&admin)).await.json();
        let records = log["entries"].as_array().unwrap();
        assert_eq!(records.len(), 1, "{log}");
        assert_eq!((&records[0]["target_kind"], &records[0]["target_id"]), (&json!("webhook_delivery"), &json!(id)));
    }

    async fn a_paused_endpoint_is_sent_nothing_and_a_new_secret_signs_what_waits(app) {
        let receiver = Receiver::start();
        let hooks = allowing_private(app);
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        let (webhook, secret) = register(&hooks, &admin, &receiver.url(), &["goal.achieved"]).await;
        receiver.verify_with(&secret);
        let teo = mentee(app, "Teo").await;
        let goal = |title: &str| json!({"title": title, "measure": "Done", "target_date": date_in_days(30)});
        let path = format!("/api/v1/admin/webhooks/{webhook}");

        // A goal achieved while it is active is queued; paused, the endpoint is sent nothing,
        // and a goal achieved meanwhile is not kept for it.
        let first = new_goal(app, &teo.token, goal("First")).await;
        achieve_goal(app, &teo.token, &first).await;
        app.patch_json(&path, json!({}), Some(&admin)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["active"]);
        // Two pauses at once: both answer the endpoint paused, and one records it.
        let (paused, twice) = tokio::join!(
            app.patch_json(&path, json!({"active": false}), Some(&admin)),
            app.patch_json(&path, json!({"active": false}), Some(&admin))
        );
        assert_eq!((paused.status, twice.status), (StatusCode::OK, StatusCode::OK), "{} / {}", paused.text(), twice.text());
        assert_eq!((paused.json()["active"].clone(), twice.json()["active"].clone()), (json!(false), json!(false)));
        assert_eq!(send_due(&hooks, now_ms()).await, (0, 0), "a paused endpoint's deliveries wait");
        let second = new_goal(app, &teo.token, goal("Second")).await;
        achieve_goal(app, &teo.token, &second).await;
        assert_eq!(deliveries(app, &admin, &webhook).await.len(), 1, "nothing is queued for a paused endpoint");
        assert!(receiver.received().is_empty());
        // Pausing again changes nothing and records nothing more.
        assert_eq!(app.patch_json(&path, json!({"active": false}), Some(&admin)).await.status, StatusCode::OK);

        // Resumed: what waited is sent, signed with its secret.
        let resumed = app.patch_json(&path, json!({"active": true}), Some(&admin)).await;
        assert_eq!(resumed.json()["active"], true, "{}", resumed.text());
        assert_eq!(send_due(&hooks, now_ms()).await, (1, 0));
        assert_eq!(receiver.received().pop().unwrap()["valid"], true);

        // A new secret signs from now on: the receiver still holding the old one refuses the
        // next delivery, and takes it once it has the new one.
        let rolled = app.post_json(&format!("{path}/secret"), json!({}), Some(&admin)).await;
        assert_eq!(rolled.status, StatusCode::OK, "{}", rolled.text());
        let new_secret = rolled.json()["secret"].as_str().unwrap().to_owned();
        assert!(new_secret.starts_with("whsec_") && new_secret != secret, "{new_secret}");
        assert!(!app.get(&path, Some(&admin)).await.text().contains(&new_secret), "a secret is shown once");
        let third = new_goal(app, &teo.token, goal("Third")).await;
        achieve_goal(app, &teo.token, &third).await;
        assert_eq!(send_due(&hooks, now_ms()).await, (0, 1));
        assert_eq!(receiver.received().pop().unwrap()["why"], "digest does not match");
        receiver.verify_with(&new_secret);
        let waiting = deliveries(app, &admin, &webhook).await.remove(0);
        let id = waiting["id"].as_str().unwrap();
        app.post_json(&format!("/api/v1/admin/webhooks/deliveries/{id}/retry"), json!({}), Some(&admin)).await;
        assert_eq!(send_due(&hooks, now_ms()).await, (1, 0));
        assert_eq!(receiver.received().pop().unwrap()["valid"], true);

        // Each change is in the audit log once; a member may do none of it.
        for (action, n) in [("webhook.pause", 1), ("webhook.resume", 1), ("webhook.roll_secret", 1)] {
            let log = app.get(&format!("/api/v1/admin/audit?action={action}"), Some(&admin)).await.json();
            assert_eq!(log["entries"].as_array().unwrap().len(), n, "{action}: {log}");
        }
        app.patch_json(&path, json!({"active": false}), Some(&teo.token)).await.error(StatusCode::FORBIDDEN, "forbidden");
        app.post_json(&format!("{path}/secret"), json!({}), Some(&teo.token)).await.error(StatusCode::FORBIDDEN, "forbidden");
        app.patch_json("/api/v1/admin/webhooks/01a24f53-9c09-7316-813e-0b9044fa82ea", json!({"active": false}), Some(&admin)).await
            .error(StatusCode::NOT_FOUND, "not_found");

        // The page pauses and resumes it, and shows a new secret once.
        let mut ada = Browser::new(app);
        ada.log_in("ada@example.org", PASSWORD).await;
        let page = ada.get(&format!("/admin/webhooks/{webhook}")).await.text();
        assert!(page.contains("Pause it") && page.contains("Give it a new signing secret"), "{page}");
        let csrf = csrf_of(&page);
        let paused = ada.post(&format!("/admin/webhooks/{webhook}/active"), &[("_csrf", csrf.as_str()), ("active", "0")]).await;
        assert!(paused.status.is_redirection(), "{}", paused.text());
        let page = ada.get(&format!("/admin/webhooks/{webhook}")).await.text();
        assert!(page.contains("Paused") && page.contains("Resume it"), "{page}");
        let shown = ada.post(&format!("/admin/webhooks/{webhook}/secret"), &[("_csrf", csrf.as_str())]).await;
        assert_eq!(shown.status, StatusCode::OK);
        let html = shown.text();
        let start = html.find("whsec_").expect("the new secret is shown");
        let shown_secret: String = html[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
        assert_ne!(shown_secret, new_secret);
        assert!(!ada.get(&format!("/admin/webhooks/{webhook}")).await.text().contains(&shown_secret));
    }

    async fn an_endpoint_is_checked_field_by_field_and_its_secret_is_shown_once(app) {
        let (admin, member) = app.admin_and_member().await;
        let bad = app.post_json("/api/v1/admin/webhooks", json!({"url": "ftp://files.example.org/x", "events": ["request.accepted", "nope"]}), Some(&admin)).await;
        let errors = bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["events", "url"]);
        assert!(errors["fields"]["events"].as_str().unwrap().contains("nope"), "{errors}");
        let empty = app.post_json("/api/v1/admin/webhooks", json!({"url": "https://hooks.example.org/x", "events": []}), Some(&admin)).await;
        empty.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["events"]);
        let long = format!("https://hooks.example.org/{}", "a".repeat(2_000));
        let too_long = app.post_json("/api/v1/admin/webhooks", json!({"url": long, "events": ["goal.achieved"]}), Some(&admin)).await;
        too_long.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["url"]);
        // Loopback is refused unless the operator allows private addresses.
        let local = app.post_json("/api/v1/admin/webhooks", json!({"url": "http://127.0.0.1:9/x", "events": ["goal.achieved"]}), Some(&admin)).await;
        let errors = local.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["url"]);
        assert!(errors["fields"]["url"].as_str().unwrap().contains("private"), "{errors}");
        app.post_json("/api/v1/admin/webhooks", json!({"url": "https://hooks.example.org/x", "events": ["goal.achieved"]}), Some(&member)).await
            .error(StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(app.get("/api/v1/admin/webhooks", Some(&admin)).await.json()["webhooks"], json!([]));

        let (id, secret) = register(app, &admin, "https://hooks.example.org/crm", &["goal.achieved", "request.accepted"]).await;
        let list = app.get("/api/v1/admin/webhooks", Some(&admin)).await.text();
        let one = app.get(&format!("/api/v1/admin/webhooks/{id}"), Some(&admin)).await;
        assert_eq!(one.json()["events"], json!(["request.accepted", "goal.achieved"]));
        assert!(!list.contains(&secret) && !one.text().contains(&secret), "the secret is never shown again");
        assert_eq!(app.delete(&format!("/api/v1/admin/webhooks/{id}"), Some(&admin)).await.status, StatusCode::NO_CONTENT);
        app.get(&format!("/api/v1/admin/webhooks/{id}"), Some(&admin)).await.error(StatusCode::NOT_FOUND, "not_found");
        app.delete(&format!("/api/v1/admin/webhooks/{id}"), Some(&admin)).await.error(StatusCode::NOT_FOUND, "not_found");

        // Adding and removing are admin actions in the audit log, once each, without the
        // secret; refused ones left nothing.
        let log = app.get("/api/v1/admin/audit?limit=200", Some(&admin)).await.json();
        let ada = app.id_of(&admin).await;
        for action in ["webhook.add", "webhook.remove"] {
            let records: Vec<&Value> = log["entries"].as_array().unwrap().iter().filter(|e| e["action"] == action).collect();
            assert_eq!(records.len(), 1, "one {action}: {log}");
            assert_eq!((&records[0]["actor"]["id"], &records[0]["target_kind"], &records[0]["target_id"]),
                (&json!(ada), &json!("webhook"), &json!(id)), "{action}");
            assert_eq!(records[0]["detail"]["url"], "https://hooks.example.org/crm");
        }
        assert!(!log.to_string().contains(&secret), "no secret in the log");
    }

    async fn the_admin_pages_add_an_endpoint_show_its_secret_once_and_list_its_deliveries(app) {
        app.admin_and_login("Ada Admin", "ada@example.org").await;
        let mut browser = Browser::new(app);
        browser.log_in("ada@example.org", PASSWORD).await;
        let page = browser.get("/admin/webhooks").await.text();
        assert!(page.contains("No webhook is registered"));
        let csrf = csrf_of(&page);
        let bad = browser.post("/admin/webhooks", &[("_csrf", &csrf), ("url", "mailto:ada@example.org")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let bad = bad.text();
        assert!(bad.contains("must begin with http:// or https://") && bad.contains("choose at least one event"), "{bad}");
        let made = browser.post("/admin/webhooks", &[("_csrf", &csrf), ("url", "https://hooks.example.org/crm"), ("events", "goal.achieved"), ("events", "session.held")]).await;
        assert_eq!(made.status, StatusCode::CREATED);
        let made = made.text();
        let secret = made.split("<code class=\"secret\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
        assert!(secret.starts_with("whsec_"), "{secret}");
        let again = browser.get("/admin/webhooks").await.text();
        assert!(again.contains("https://hooks.example.org/crm") && !again.contains(&secret));

        // A delivery to it, failed: listed with its status and a Retry button.
        let id = lodestar_store::webhooks::list(&app.app.db).await.unwrap()[0].id;
        let mut tx = app.app.db.begin().await.unwrap();
        let queued = lodestar_store::webhooks::enqueue(&mut tx, "goal.achieved", now_ms(), |d| json!({"id": d.to_string()}).to_string()).await.unwrap();
        tx.commit().await.unwrap();
        let delivery = lodestar_store::webhooks::delivery_by_id(&app.app.db, queued[0]).await.unwrap().unwrap();
        lodestar_store::webhooks::mark_failed(&app.app.db, &delivery, now_ms(), Some(503), "the endpoint answered HTTP 503").await.unwrap();
        let page = browser.get(&format!("/admin/webhooks/{id}")).await.text();
        assert!(page.contains("goal.achieved") && page.contains("503") && page.contains("the endpoint answered HTTP 503"), "{page}");
        let retry = format!("/admin/webhooks/deliveries/{}/retry", queued[0]);
        assert!(page.contains(&retry));
        let retried = browser.post(&retry, &[("_csrf", &csrf_of(&page))]).await;
        assert_eq!(retried.header("location"), Some(format!("/admin/webhooks/{id}#delivery-{}", queued[0]).as_str()));
        let deleted = browser.post(&format!("/admin/webhooks/{id}/delete"), &[("_csrf", &csrf_of(&page))]).await;
        assert_eq!(deleted.header("location"), Some("/admin/webhooks"));
        assert!(lodestar_store::webhooks::list(&app.app.db).await.unwrap().is_empty());
    }
}
