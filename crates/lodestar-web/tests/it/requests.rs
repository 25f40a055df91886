//! Mentorship requests through the API: every move out of `pending` and every one that is
//! refused, each rule of sending with its error code, expiry with its reminder and the
//! silent-mentor switch, and the race of a thousand accepts on one mentor.

use std::sync::Arc;

use axum::http::StatusCode;
use lodestar_domain::{PersonId, RequestId};
use serde_json::{Value, json};
use sqlx::Row;

use crate::support::{TestApp, api_tests};

/// A signed-in person: their token and id.
pub struct Who {
    pub token: String,
    pub id: String,
}

pub async fn mentor(app: &TestApp, name: &str, capacity: i64) -> Who {
    let profile = json!({
        "is_mentor": true,
        "mentor_capacity": capacity,
        "mentor_skills": [{"skill": "rust", "level": 5}, {"skill": "public-speaking", "level": 4}],
    });
    who(app, name, profile).await
}

pub async fn mentee(app: &TestApp, name: &str) -> Who {
    let profile = json!({
        "wants_mentor": true,
        "growth_skills": [{"skill": "rust", "level": 2}, {"skill": "public-speaking", "level": 1}],
        "focus_areas": ["confidence", "career_path"],
    });
    who(app, name, profile).await
}

async fn who(app: &TestApp, name: &str, profile: Value) -> Who {
    let token = app.person_with_profile(name, profile).await;
    let me = app.get("/api/v1/me/profile", Some(&token)).await;
    let id = me.json()["id"].as_str().unwrap().to_owned();
    Who { token, id }
}

/// A valid request from a mentee to `mentor_id`.
fn asking(mentor_id: &str) -> Value {
    json!({
        "mentor_id": mentor_id,
        "message": "I would love your help speaking at conferences.",
        "skills": ["public-speaking"],
        "focus_areas": ["confidence"],
        "cadence": "fortnightly",
        "duration_weeks": 12,
    })
}

pub async fn send(app: &TestApp, from: &Who, to: &Who) -> Value {
    let sent = app
        .post_json("/api/v1/requests", asking(&to.id), Some(&from.token))
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
    sent.json()
}

fn path(request: &Value, action: &str) -> String {
    let id = request["id"].as_str().unwrap();
    if action.is_empty() {
        format!("/api/v1/requests/{id}")
    } else {
        format!("/api/v1/requests/{id}/{action}")
    }
}

async fn act(
    app: &TestApp,
    request: &Value,
    action: &str,
    who: &Who,
) -> crate::support::TestResponse {
    app.post_json(&path(request, action), json!({}), Some(&who.token))
        .await
}

/// `(kind, title, body, link)` of a person's notifications, oldest first.
pub async fn notices(app: &TestApp, person: &str) -> Vec<(String, String, String, String)> {
    sqlx::query(
        "SELECT kind, title, body, link FROM notifications WHERE person_id = $1 \
         ORDER BY created_at, id",
    )
    .bind(person)
    .fetch_all(app.app.db.reader())
    .await
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.try_get("kind").unwrap(),
            r.try_get("title").unwrap(),
            r.try_get("body").unwrap(),
            r.try_get("link").unwrap(),
        )
    })
    .collect()
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query(sql)
        .fetch_one(app.app.db.reader())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

fn is_rfc3339(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok())
}

api_tests! {
    async fn a_mentee_asks_and_the_mentor_accepts_which_starts_the_mentorship(app) {
        let mina = mentor(app, "Mina", 2).await;
        let ted = mentee(app, "Ted").await;
        let sent = send(app, &ted, &mina).await;
        assert_eq!(sent["state"], "pending");
        assert_eq!(sent["initiator"], "mentee");
        assert_eq!(sent["direction"], "outgoing");
        assert_eq!(sent["mentor"], json!({"id": mina.id, "name": "Mina"}));
        assert_eq!(sent["mentee"], json!({"id": ted.id, "name": "Ted"}));
        assert_eq!(sent["skills"], json!([{"slug": "public-speaking", "name": "Public speaking"}]));
        assert_eq!(sent["focus_areas"], json!(["confidence"]));
        assert_eq!(sent["cadence"], "fortnightly");
        assert_eq!(sent["duration_weeks"], 12);
        assert_eq!(sent["decline_reason"], Value::Null);
        assert_eq!(sent["mentorship_id"], Value::Null);
        assert!(is_rfc3339(&sent["created_at"]) && is_rfc3339(&sent["expires_at"]), "{sent}");
        let created = chrono::DateTime::parse_from_rfc3339(sent["created_at"].as_str().unwrap()).unwrap();
        let expires = chrono::DateTime::parse_from_rfc3339(sent["expires_at"].as_str().unwrap()).unwrap();
        assert_eq!((expires - created).num_days(), 14, "expires after the default 14 days");

        // The mentor sees it as theirs to answer, and is told.
        let incoming = app.get("/api/v1/requests?direction=incoming&state=pending", Some(&mina.token)).await;
        assert_eq!(incoming.status, StatusCode::OK, "{}", incoming.text());
        let incoming = incoming.json();
        assert_eq!(incoming.as_array().unwrap().len(), 1);
        assert_eq!(incoming[0]["direction"], "incoming");
        let outgoing = app.get("/api/v1/requests?direction=outgoing", Some(&mina.token)).await.json();
        assert_eq!(outgoing, json!([]));
        let told = notices(app, &mina.id).await;
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].0, "request_received");
        assert_eq!(told[0].1, "Ted asks you to mentor them");
        assert!(told[0].2.contains("conferences"), "{:?}", told[0]);

        let accepted = act(app, &sent, "accept", &mina).await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
        let accepted = accepted.json();
        let mentorship = accepted["mentorship_id"].as_str().unwrap().to_owned();
        assert_eq!(accepted["request"]["state"], "accepted");
        assert_eq!(accepted["request"]["mentorship_id"], mentorship.as_str());
        assert!(is_rfc3339(&accepted["request"]["decided_at"]));

        let seen = app.get(&path(&sent, ""), Some(&ted.token)).await.json();
        assert_eq!(seen["state"], "accepted");
        assert_eq!(seen["mentorship_id"], mentorship.as_str());
        let members = sqlx::query("SELECT person_id, role FROM mentorship_members WHERE mentorship_id = $1 ORDER BY role")
            .bind(&mentorship)
            .fetch_all(app.app.db.reader())
            .await
            .unwrap();
        let members: Vec<(String, String)> = members
            .iter()
            .map(|r| (r.try_get("person_id").unwrap(), r.try_get("role").unwrap()))
            .collect();
        assert_eq!(members, vec![(ted.id.clone(), "mentee".into()), (mina.id.clone(), "mentor".into())]);
        let told = notices(app, &ted.id).await;
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].0, "request_accepted");
        assert_eq!(told[0].3, format!("/mentorships/{mentorship}"));
    }

    async fn only_the_two_parties_ever_see_or_move_a_request(app) {
        let mina = mentor(app, "Mina", 2).await;
        let ted = mentee(app, "Ted").await;
        let sam = mentee(app, "Sam").await;
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        let admin = Who { token: admin, id: String::new() };
        let sent = send(app, &ted, &mina).await;
        for outsider in [&sam, &admin] {
            app.get(&path(&sent, ""), Some(&outsider.token)).await.error(StatusCode::NOT_FOUND, "not_found");
            for action in ["accept", "decline", "withdraw"] {
                act(app, &sent, action, outsider).await.error(StatusCode::NOT_FOUND, "not_found");
            }
            let listed = app.get("/api/v1/requests", Some(&outsider.token)).await.json();
            assert_eq!(listed, json!([]));
        }
        app.get("/api/v1/requests/not-an-id", Some(&ted.token)).await.error(StatusCode::NOT_FOUND, "not_found");
        let seen = app.get(&path(&sent, ""), Some(&ted.token)).await.json();
        assert_eq!(seen["state"], "pending", "nothing moved it");
    }

    async fn a_mentee_cannot_accept_their_own_request_and_only_the_sender_withdraws(app) {
        let mina = mentor(app, "Mina", 2).await;
        let ted = mentee(app, "Ted").await;
        let sent = send(app, &ted, &mina).await;
        act(app, &sent, "accept", &ted).await.error(StatusCode::FORBIDDEN, "forbidden");
        act(app, &sent, "decline", &ted).await.error(StatusCode::FORBIDDEN, "forbidden");
        act(app, &sent, "withdraw", &mina).await.error(StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM mentorships").await, 0);

        let withdrawn = act(app, &sent, "withdraw", &ted).await;
        assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.text());
        assert_eq!(withdrawn.json()["state"], "withdrawn");
        // Once withdrawn, the pair may start again.
        send(app, &ted, &mina).await;
    }

    async fn a_decided_request_cannot_move_again(app) {
        let mina = mentor(app, "Mina", 5).await;
        for (n, first, by_mentor) in [(0, "accept", true), (1, "decline", true), (2, "withdraw", false)] {
            let ted = mentee(app, &format!("Ted{n}")).await;
            let sent = send(app, &ted, &mina).await;
            let done = act(app, &sent, first, if by_mentor { &mina } else { &ted }).await;
            assert_eq!(done.status, StatusCode::OK, "{}", done.text());
            for (action, who) in [("accept", &mina), ("decline", &mina), ("withdraw", &ted)] {
                let again = act(app, &sent, action, who).await;
                let error = again.error(StatusCode::CONFLICT, "request_not_pending");
                assert!(error["message"].as_str().unwrap().contains("no longer waiting"), "{error}");
            }
        }
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM mentorships").await, 1);
    }

    async fn a_decline_tells_the_mentee_kindly_with_the_reason(app) {
        let ana = mentor(app, "Ana", 2).await;
        let ted = mentee(app, "Ted").await;
        let sent = send(app, &ted, &ana).await;
        let declined = app
            .post_json(&path(&sent, "decline"), json!({"reason": "I'm at capacity until March."}), Some(&ana.token))
            .await;
        assert_eq!(declined.status, StatusCode::OK, "{}", declined.text());
        let declined = declined.json();
        assert_eq!(declined["state"], "declined");
        assert_eq!(declined["decline_reason"], "I'm at capacity until March.");
        let told = notices(app, &ted.id).await;
        assert_eq!(told.len(), 1);
        let (kind, title, body, link) = &told[0];
        assert_eq!(kind, "request_declined");
        assert_eq!(title, "Ana can't take this on right now");
        assert!(body.contains("“I'm at capacity until March.”"), "{body}");
        assert_eq!(link, "/recommendations");

        // The body may be left out altogether; a reason must be text of a sensible length.
        let again = send(app, &ted, &ana).await;
        let long = app
            .post_json(&path(&again, "decline"), json!({"reason": "x".repeat(501)}), Some(&ana.token))
            .await;
        long.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["reason"]);
        let bare = app
            .raw(axum::http::Method::POST, &path(&again, "decline"), "application/json", "", Some(&ana.token))
            .await;
        assert_eq!(bare.status, StatusCode::BAD_REQUEST, "an empty JSON body is not JSON");
        let request = TestApp::request(axum::http::Method::POST, &path(&again, "decline"), Some(&ana.token))
            .body(axum::body::Body::empty())
            .unwrap();
        let no_body = app.send(request).await;
        assert_eq!(no_body.status, StatusCode::OK, "{}", no_body.text());
        assert_eq!(no_body.json()["decline_reason"], Value::Null);
    }

    async fn every_rule_of_sending_refuses_with_its_own_answer_and_writes_nothing(app) {
        let mina = mentor(app, "Mina", 1).await;
        let ted = mentee(app, "Ted").await;
        let plain = mentee(app, "Pat").await;
        let requests = || count(app, "SELECT COUNT(*) AS n FROM mentorship_requests");
        let post = |body: Value, who: &Who| {
            let token = who.token.clone();
            async move { app.post_json("/api/v1/requests", body, Some(&token)).await }
        };

        // Fields: every bad one at once.
        let bad = json!({
            "mentor_id": mina.id,
            "message": "x".repeat(2001),
            "skills": ["public-speaking", "kubernetes"],
            "focus_areas": ["confidence", "fame"],
            "cadence": "daily",
            "duration_weeks": 105,
        });
        post(bad, &ted).await.field_errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            &["cadence", "duration_weeks", "focus_areas[1]", "message", "skills[1]"],
        );
        let mut zero = asking(&mina.id);
        zero["duration_weeks"] = json!(0);
        post(zero, &ted).await.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["duration_weeks"]);
        let missing = json!({"mentor_id": mina.id});
        post(missing, &ted).await.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["cadence", "duration_weeks"]);
        // Not to yourself, not to someone who does not mentor.
        post(asking(&ted.id), &ted).await.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["mentor_id"]);
        let not_a_mentor = post(asking(&plain.id), &ted).await;
        let error = not_a_mentor.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["mentor_id"]);
        assert_eq!(error["fields"]["mentor_id"], "Pat does not mentor");
        // Nobody by that id, and a block either way: not found, so a block is not revealed.
        post(asking(&PersonId::new().to_string()), &ted).await.error(StatusCode::NOT_FOUND, "not_found");
        let both = json!({"mentor_id": mina.id, "mentee_id": ted.id, "cadence": "weekly", "duration_weeks": 4});
        post(both, &ted).await.error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(requests().await, 0);

        let blocker = mentor(app, "Bo", 3).await;
        let put = app.put(&format!("/api/v1/me/blocks/{}", ted.id), Some(&blocker.token)).await;
        assert_eq!(put.status, StatusCode::NO_CONTENT);
        post(asking(&blocker.id), &ted).await.error(StatusCode::NOT_FOUND, "not_found");
        let blocked = mentor(app, "Cy", 3).await;
        let put = app.put(&format!("/api/v1/me/blocks/{}", blocked.id), Some(&ted.token)).await;
        assert_eq!(put.status, StatusCode::NO_CONTENT);
        post(asking(&blocked.id), &ted).await.error(StatusCode::NOT_FOUND, "not_found");
        assert_eq!(requests().await, 0);

        // One open request per pair, whoever sent it.
        send(app, &ted, &mina).await;
        post(asking(&mina.id), &ted).await.error(StatusCode::CONFLICT, "request_exists");
        let offer = json!({"mentee_id": ted.id, "cadence": "weekly", "duration_weeks": 8});
        post(offer, &mina).await.error(StatusCode::CONFLICT, "request_exists");
        assert_eq!(requests().await, 1);

        // At most three open requests per mentee.
        let others = [mentor(app, "Dee", 2).await, mentor(app, "Eve", 2).await, mentor(app, "Fay", 2).await];
        send(app, &ted, &others[0]).await;
        send(app, &ted, &others[1]).await;
        let fourth = post(asking(&others[2].id), &ted).await;
        fourth.error(StatusCode::CONFLICT, "too_many_open_requests");
        assert_eq!(requests().await, 3);

        // A mentor with no free place: refused at sending and at accepting.
        let sent = app.get("/api/v1/requests?direction=incoming", Some(&mina.token)).await.json();
        let accepted = act(app, &sent[0], "accept", &mina).await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
        let full = post(asking(&mina.id), &plain).await;
        let error = full.error(StatusCode::CONFLICT, "mentor_at_capacity");
        assert_eq!(error["message"], "Mina has no free place for another mentee right now");
        // Already mentoring each other: no second request.
        post(asking(&mina.id), &ted).await.error(StatusCode::CONFLICT, "mentorship_exists");

        // A mentor not taking requests.
        let off = app
            .raw(axum::http::Method::PUT, "/api/v1/me/accepting-requests", "application/json", r#"{"accepting": false}"#, Some(&others[2].token))
            .await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.text());
        assert_eq!(off.json(), json!({"accepting": false, "expired_in_a_row": 0, "paused_reason": null}));
        post(asking(&others[2].id), &plain).await.error(StatusCode::CONFLICT, "mentor_not_accepting");
        assert_eq!(requests().await, 3);
    }

    async fn a_mentor_offers_to_mentor_someone_who_wants_a_mentor_and_they_accept(app) {
        let mina = mentor(app, "Mina", 2).await;
        let ted = mentee(app, "Ted").await;
        let pat = mentor(app, "Pat", 2).await;
        let offer = |to: &Who| json!({
            "mentee_id": to.id,
            "message": "I'd be glad to help.",
            "skills": ["rust"],
            "cadence": "weekly",
            "duration_weeks": 6,
        });
        // Only to someone who wants a mentor, only by someone who mentors, and the skills
        // come from the mentee's list.
        let refused = app.post_json("/api/v1/requests", offer(&pat), Some(&mina.token)).await;
        let error = refused.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["mentee_id"]);
        assert_eq!(error["fields"]["mentee_id"], "Pat is not looking for a mentor");
        let not_mentor = app.post_json("/api/v1/requests", offer(&mina), Some(&ted.token)).await;
        not_mentor.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["mentee_id"]);
        let mut wrong_skill = offer(&ted);
        wrong_skill["skills"] = json!(["kubernetes"]);
        let refused = app.post_json("/api/v1/requests", wrong_skill, Some(&mina.token)).await;
        let error = refused.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["skills[0]"]);
        assert!(error["fields"]["skills[0]"].as_str().unwrap().contains("Ted wants to grow"), "{error}");

        let sent = app.post_json("/api/v1/requests", offer(&ted), Some(&mina.token)).await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
        let sent = sent.json();
        assert_eq!(sent["initiator"], "mentor");
        assert_eq!(sent["direction"], "outgoing");
        assert_eq!(sent["skills"], json!([{"slug": "rust", "name": "Rust"}]));
        let told = notices(app, &ted.id).await;
        assert_eq!(told[0].1, "Mina offers to mentor you");
        // The mentor who offered cannot accept it; the mentee can.
        act(app, &sent, "accept", &mina).await.error(StatusCode::FORBIDDEN, "forbidden");
        let accepted = act(app, &sent, "accept", &ted).await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
        let told = notices(app, &mina.id).await;
        assert_eq!(told.last().unwrap().1, "Ted accepted your offer to mentor them");
    }

    async fn unanswered_requests_are_reminded_then_expire_and_a_silent_mentor_stops_taking_them(app) {
        let mina = mentor(app, "Mina", 5).await;
        let mentees = [mentee(app, "Ann").await, mentee(app, "Ben").await, mentee(app, "Cat").await];
        for m in &mentees {
            send(app, m, &mina).await;
        }
        let policy = &app.app.policy.mentoring;
        let now = lodestar_store::now_ms();
        let (ttl, window) = (policy.request_ttl_ms, policy.expiry_reminder_ms);

        // Too early for a reminder; then each is reminded once, however often it runs.
        assert_eq!(app.app.remind_expiring_requests(now).await.unwrap(), 0);
        let soon = now + ttl - window + 60_000;
        assert_eq!(app.app.remind_expiring_requests(soon).await.unwrap(), 3);
        assert_eq!(app.app.remind_expiring_requests(soon).await.unwrap(), 0);
        assert_eq!(app.app.expire_requests(soon).await.unwrap(), 0, "not due yet");
        let told = notices(app, &mina.id).await;
        let reminders: Vec<_> = told.iter().filter(|n| n.0 == "request_expiring").collect();
        assert_eq!(reminders.len(), 3);
        assert!(reminders[0].1.contains("expires on"), "{:?}", reminders[0]);

        // Past the deadline: each expires once, the mentee hears, and after three in a row
        // the mentor stops taking requests and is told once.
        let later = now + ttl + 60_000;
        assert_eq!(app.app.expire_requests(later).await.unwrap(), 3);
        assert_eq!(app.app.expire_requests(later).await.unwrap(), 0);
        let listed = app.get("/api/v1/requests?state=expired", Some(&mentees[0].token)).await.json();
        assert_eq!(listed.as_array().unwrap().len(), 1);
        let told = notices(app, &mentees[0].id).await;
        assert_eq!(told.last().unwrap().0, "request_expired");
        assert_eq!(told.last().unwrap().1, "Your request to Mina expired");
        assert_eq!(told.last().unwrap().3, "/recommendations");
        let standing = app.get("/api/v1/me/accepting-requests", Some(&mina.token)).await.json();
        assert_eq!(standing["accepting"], false);
        assert_eq!(standing["expired_in_a_row"], 3);
        assert_eq!(standing["paused_reason"], "3 requests in a row expired unanswered");
        let paused: Vec<_> = notices(app, &mina.id).await.into_iter().filter(|n| n.0 == "requests_paused").collect();
        assert_eq!(paused.len(), 1);
        let again = app.post_json("/api/v1/requests", asking(&mina.id), Some(&mentees[0].token)).await;
        again.error(StatusCode::CONFLICT, "mentor_not_accepting");

        // The mentor turns requests back on: the count starts again.
        let on = app
            .raw(axum::http::Method::PUT, "/api/v1/me/accepting-requests", "application/json", r#"{"accepting": true}"#, Some(&mina.token))
            .await;
        assert_eq!(on.json(), json!({"accepting": true, "expired_in_a_row": 0, "paused_reason": null}));
        let sent = send(app, &mentees[0], &mina).await;
        // An answer ends a run of unanswered requests, too.
        send(app, &mentees[1], &mina).await;
        let much_later = later + ttl + 60_000;
        let decline = act(app, &sent, "decline", &mina).await;
        assert_eq!(decline.status, StatusCode::OK);
        assert_eq!(app.app.expire_requests(much_later).await.unwrap(), 1);
        let standing = app.get("/api/v1/me/accepting-requests", Some(&mina.token)).await.json();
        assert_eq!((standing["accepting"].clone(), standing["expired_in_a_row"].clone()), (json!(true), json!(1)));
    }

    async fn recommendations_leave_out_mentors_already_asked_and_mentors_not_taking_requests(app) {
        let mina = mentor(app, "Mina", 2).await;
        let nia = mentor(app, "Nia", 2).await;
        let ted = mentee(app, "Ted").await;
        let names = || async {
            let found = app.get("/api/v1/me/recommendations", Some(&ted.token)).await;
            assert_eq!(found.status, StatusCode::OK, "{}", found.text());
            let mut names: Vec<String> = found.json()["mentors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["name"].as_str().unwrap().to_owned())
                .collect();
            names.sort();
            names
        };
        assert_eq!(names().await, ["Mina", "Nia"]);
        // Asked (whatever the answer), Mina is not suggested again: after a decline or an
        // expiry, the next recommendations are new names.
        let sent = send(app, &ted, &mina).await;
        assert_eq!(names().await, ["Nia"]);
        act(app, &sent, "decline", &mina).await;
        assert_eq!(names().await, ["Nia"]);
        let off = app
            .raw(axum::http::Method::PUT, "/api/v1/me/accepting-requests", "application/json", r#"{"accepting": false}"#, Some(&nia.token))
            .await;
        assert_eq!(off.status, StatusCode::OK);
        assert_eq!(names().await, Vec::<String>::new());
    }

    async fn a_recommended_mentor_shows_the_places_left_after_an_acceptance(app) {
        let mina = mentor(app, "Mina", 2).await;
        let ted = mentee(app, "Ted").await;
        let ann = mentee(app, "Ann").await;
        let places = || async {
            let found = app.get("/api/v1/me/recommendations", Some(&ann.token)).await;
            assert_eq!(found.status, StatusCode::OK, "{}", found.text());
            found.json()["mentors"][0]["free_places"].as_i64().unwrap()
        };
        assert_eq!(places().await, 2);
        let sent = send(app, &ted, &mina).await;
        assert_eq!(places().await, 2, "a request holds no place");
        assert_eq!(act(app, &sent, "accept", &mina).await.status, StatusCode::OK);
        assert_eq!(places().await, 1, "a running mentorship holds one");
        // The bulk matching sees the same: one place left.
        let cohort = app.app.cohort(&Default::default(), Default::default(), 0.0).await.unwrap();
        assert_eq!(cohort.cohort.free_places, vec![1]);
    }

    async fn bad_filters_of_the_list_are_field_errors(app) {
        let ted = mentee(app, "Ted").await;
        app.get("/api/v1/requests?direction=sideways&state=lost", Some(&ted.token))
            .await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["direction", "state"]);
    }

    async fn a_thousand_accepts_racing_on_one_mentor_never_exceed_their_capacity(app) {
        let mina = mentor(app, "Mina", 3).await;
        let mentor_id: PersonId = mina.id.parse().unwrap();
        let ids = pending_requests(app, mentor_id, 1000).await;

        // A process on the same database with a pool wide enough for transactions to
        // overlap, shared by the tasks, that serves them all at once (by default it sheds
        // load beyond 512 requests in flight).
        let mut config = lodestar_web::WebConfig::default();
        config.limits.max_concurrent_requests = 2000;
        let server = Arc::new(app.other_process_with(24, config).await);
        let tasks: Vec<_> = ids
            .into_iter()
            .map(|id| {
                let (server, token) = (server.clone(), mina.token.clone());
                tokio::spawn(async move {
                    // A loaded machine can keep every connection busy past the pool's wait:
                    // the answer is then 503 `busy`, and the client tries again, as told. An
                    // earlier try may have been accepted before the 503 was made.
                    let path = format!("/api/v1/requests/{id}/accept");
                    let mut retried = false;
                    loop {
                        let answer = server.post_json(&path, json!({}), Some(&token)).await;
                        if answer.status == StatusCode::OK {
                            return (answer.status, String::new());
                        }
                        let code = answer.json()["error"]["code"].as_str().unwrap_or_default().to_owned();
                        match (answer.status, code.as_str()) {
                            (StatusCode::SERVICE_UNAVAILABLE, "busy") => {
                                retried = true;
                                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                            }
                            (StatusCode::CONFLICT, "request_not_pending") if retried => {
                                return (StatusCode::OK, String::new());
                            }
                            _ => return (answer.status, code),
                        }
                    }
                })
            })
            .collect();
        let mut accepted = 0;
        let mut full = 0;
        for task in tasks {
            match task.await.unwrap() {
                (StatusCode::OK, _) => accepted += 1,
                (StatusCode::CONFLICT, code) if code == "mentor_at_capacity" => full += 1,
                other => panic!("unexpected answer {other:?}"),
            }
        }
        assert_eq!((accepted, full), (3, 997));
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM mentorships").await, 3);
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM mentorship_requests WHERE state = 'accepted'").await, 3);
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM mentorship_requests WHERE state = 'pending'").await, 997);
    }
}

/// `n` mentees, each with a pending request to `mentor`.
pub async fn pending_requests(app: &TestApp, mentor: PersonId, n: usize) -> Vec<RequestId> {
    lodestar_store::testing::pending_requests(&app.app.db, mentor, n, "racer").await
}
