//! Requests inside a programme whose mentees ask its mentors. Self-service: an approved
//! mentee asks one of its approved mentors, under its department rule and its own capacity
//! for mentors, and the mentorship belongs to the programme. Admin-assisted: the request
//! waits for one of those who run the programme, and the mentor sees nothing of it (not in
//! a list, not by id, not in a thread) until it is approved; one not approved is declined
//! with the admin's reason. The pages: the programme lists its mentors to ask, and its
//! admins approve from their own list.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::meetings::date_in_days;
use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, TestApp, api_tests};

/// A programme enrolling and running now, open to everyone without approval.
async fn programme(app: &TestApp, admin: &str, matching: &str, extra: Value) -> String {
    let mut body = json!({
        "name": format!("{matching} programme"),
        "enrolment_opens": date_in_days(-1),
        "enrolment_closes": date_in_days(20),
        "starts_on": date_in_days(0),
        "ends_on": date_in_days(200),
        "matching": matching,
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let made = app.post_json("/api/v1/programmes", body, Some(admin)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()["id"].as_str().unwrap().to_owned()
}

async fn enrol(app: &TestApp, programme: &str, token: &str, role: &str) {
    let path = format!("/api/v1/programmes/{programme}/enrolments");
    let made = app
        .post_json(&path, json!({"role": role}), Some(token))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    assert_eq!(made.json()["state"], "approved");
}

/// A member with a department, logged in: `(token, id)`.
async fn member(app: &TestApp, name: &str, department: &str) -> (String, String) {
    let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
    let token = app.register_and_login(name, &email).await;
    let profile = json!({"organisation": "Acme", "department": department, "listed": true});
    let edited = app
        .patch_json("/api/v1/me/profile", profile, Some(&token))
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text());
    let id = app.id_of(&token).await;
    (token, id)
}

fn ask(mentor: &str, programme: &str) -> Value {
    json!({
        "mentor_id": mentor, "programme_id": programme, "message": "Would you mentor me?",
        "cadence": "fortnightly", "duration_weeks": 12,
    })
}

async fn send(app: &TestApp, token: &str, body: Value) -> crate::support::TestResponse {
    app.post_json("/api/v1/requests", body, Some(token)).await
}

async fn programme_of(app: &TestApp, mentorship: &str) -> Option<String> {
    sqlx::query_scalar("SELECT programme_id FROM mentorships WHERE id = $1")
        .bind(mentorship)
        .fetch_one(app.app.db.reader())
        .await
        .unwrap()
}

api_tests! {
    async fn in_a_self_service_programme_its_mentees_ask_its_mentors_within_its_rules(app) {
        let admin = app.admin_and_login("Ida Admin", "ida@example.org").await;
        let p = programme(app, &admin, "self_service", json!({"mentor_capacity": 1, "different_department": true})).await;
        let (ann, _) = member(app, "Ann Mentee", "Sales").await;
        let (bea, _) = member(app, "Bea Mentee", "Finance").await;
        let (max, max_id) = member(app, "Max Mentor", "Engineering").await;
        let (nia, nia_id) = member(app, "Nia Mentor", "Sales").await;
        let (_, out_id) = member(app, "Otto Outside", "Legal").await;
        let (stranger, _) = member(app, "Sam Stranger", "Legal").await;
        enrol(app, &p, &ann, "mentee").await;
        enrol(app, &p, &bea, "mentee").await;
        enrol(app, &p, &max, "mentor").await;
        enrol(app, &p, &nia, "both").await;

        // Its mentees see its mentors and their places; someone not in it does not.
        let mentors = app.get(&format!("/api/v1/programmes/{p}/mentors"), Some(&ann)).await;
        assert_eq!(mentors.status, StatusCode::OK, "{}", mentors.text());
        let listed: Vec<(String, i64)> = mentors.json().as_array().unwrap().iter()
            .map(|m| (m["name"].as_str().unwrap().to_owned(), m["free_places"].as_i64().unwrap())).collect();
        assert_eq!(listed, vec![("Max Mentor".to_owned(), 1), ("Nia Mentor".to_owned(), 1)]);
        assert_eq!(app.get(&format!("/api/v1/programmes/{p}/mentors"), Some(&stranger)).await.status, StatusCode::FORBIDDEN);

        // Who may not be asked, or may not ask, in it: every case a field error, nothing sent.
        send(app, &ann, ask(&out_id, &p)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["mentor_id"]);
        send(app, &ann, ask(&nia_id, &p)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["mentor_id"]);
        send(app, &stranger, ask(&max_id, &p)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["programme_id"]);
        send(app, &ann, ask(&max_id, "not-a-programme")).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["programme_id"]);
        let offer = json!({"mentee_id": max_id, "programme_id": p, "cadence": "monthly", "duration_weeks": 4});
        send(app, &nia, offer).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["programme_id"]);
        let cohort = programme(app, &admin, "cohort", json!({})).await;
        enrol(app, &cohort, &ann, "mentee").await;
        enrol(app, &cohort, &max, "mentor").await;
        send(app, &ann, ask(&max_id, &cohort)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["programme_id"]);
        let none = app.get("/api/v1/requests?direction=incoming", Some(&max)).await.json();
        assert_eq!(none, json!([]), "nothing was sent");

        // Ann asks Max (who does not say on his profile that he mentors: the programme's
        // enrolment is enough); he accepts, and the mentorship is the programme's.
        let sent = send(app, &ann, ask(&max_id, &p)).await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
        let sent = sent.json();
        assert_eq!(sent["programme"]["id"], p.as_str());
        assert_eq!(sent["programme"]["reviewed"], false);
        assert_eq!(sent["review"], Value::Null);
        let id = sent["id"].as_str().unwrap();
        let accepted = app.post_json(&format!("/api/v1/requests/{id}/accept"), json!({}), Some(&max)).await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
        let mentorship = accepted.json()["mentorship_id"].as_str().unwrap().to_owned();
        assert_eq!(programme_of(app, &mentorship).await.as_deref(), Some(p.as_str()));

        // Ann sees Max as her mentor in it.
        let hers = app.get(&format!("/api/v1/programmes/{p}/mentors"), Some(&ann)).await.json();
        assert_eq!((hers[0]["name"].as_str(), hers[0]["yours"].as_bool(), hers[1]["yours"].as_bool()), (Some("Max Mentor"), Some(true), Some(false)), "{hers}");

        // The programme gives each mentor one place: Max has none left for Bea in it.
        let full = app.get(&format!("/api/v1/programmes/{p}/mentors"), Some(&bea)).await.json();
        assert_eq!(full[0]["free_places"], 0);
        send(app, &bea, ask(&max_id, &p)).await.error(StatusCode::CONFLICT, "mentor_at_capacity");
        // Ann has her mentor in it: she cannot ask a second one there.
        let (zoe, zoe_id) = member(app, "Zoe Mentor", "Operations").await;
        enrol(app, &p, &zoe, "mentor").await;
        send(app, &ann, ask(&zoe_id, &p)).await.error(StatusCode::CONFLICT, "mentor_in_programme");
        // A request Bea sent before she withdrew from the programme cannot be accepted after.
        let sent = send(app, &bea, ask(&zoe_id, &p)).await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
        let id = sent.json()["id"].as_str().unwrap().to_owned();
        let mine = app.get(&format!("/api/v1/programmes/{p}"), Some(&bea)).await.json();
        let enrolment = mine["your_enrolment"]["id"].as_str().unwrap().to_owned();
        assert_eq!(app.delete(&format!("/api/v1/enrolments/{enrolment}"), Some(&bea)).await.status, StatusCode::NO_CONTENT);
        app.post_json(&format!("/api/v1/requests/{id}/accept"), json!({}), Some(&zoe)).await
            .error(StatusCode::CONFLICT, "not_enrolled");
    }

    async fn mentors_accepting_one_mentee_at_once_give_her_one_mentor_in_the_programme(app) {
        let admin = app.admin_and_login("Ida Admin", "ida@example.org").await;
        let p = programme(app, &admin, "self_service", json!({})).await;
        let (ann, ann_id) = member(app, "Ann Mentee", "Sales").await;
        enrol(app, &p, &ann, "mentee").await;
        // Three mentors she asked (as many as she may), each accepting at once, from a
        // process of their own.
        let mut accepts = Vec::new();
        for k in 0..3 {
            let (mentor, mentor_id) = member(app, &format!("Mentor {k}"), "Engineering").await;
            enrol(app, &p, &mentor, "mentor").await;
            let sent = send(app, &ann, ask(&mentor_id, &p)).await;
            assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
            let path = format!("/api/v1/requests/{}/accept", sent.json()["id"].as_str().unwrap());
            accepts.push((app.other_process(), path, mentor));
        }
        let answers = futures_util::future::join_all(
            accepts.iter().map(|(process, path, token)| process.post_json(path, json!({}), Some(token))),
        )
        .await;
        let accepted = answers.iter().filter(|a| a.status == StatusCode::OK).count();
        assert_eq!(accepted, 1, "{:?}", answers.iter().map(|a| a.text()).collect::<Vec<_>>());
        for refused in answers.iter().filter(|a| a.status != StatusCode::OK) {
            refused.error(StatusCode::CONFLICT, "mentor_in_programme");
        }
        let mentors: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM mentorships m JOIN mentorship_members me ON me.mentorship_id = m.id \
             WHERE m.programme_id = $1 AND me.person_id = $2 AND me.role = 'mentee'",
        )
        .bind(&p)
        .bind(&ann_id)
        .fetch_one(app.app.db.reader())
        .await
        .unwrap();
        assert_eq!(mentors, 1);
    }

    async fn in_an_admin_assisted_programme_the_mentor_sees_a_request_only_once_approved(app) {
        let admin = app.admin_and_login("Ida Admin", "ida@example.org").await;
        let (runner, runner_id) = member(app, "Rita Runner", "People").await;
        let p = programme(app, &admin, "admin_assisted", json!({"admins": [runner_id]})).await;
        let (ann, ann_id) = member(app, "Ann Mentee", "Sales").await;
        let (bea, _) = member(app, "Bea Mentee", "Finance").await;
        let (max, max_id) = member(app, "Max Mentor", "Engineering").await;
        let (kim, kim_id) = member(app, "Kim Mentor", "Design").await;
        for (token, role) in [(&ann, "mentee"), (&bea, "mentee"), (&max, "mentor"), (&kim, "mentor")] {
            enrol(app, &p, token, role).await;
        }

        let sent = send(app, &ann, ask(&max_id, &p)).await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
        let sent = sent.json();
        assert_eq!(sent["review"], "waiting");
        assert_eq!(sent["programme"]["reviewed"], true);
        let id = sent["id"].as_str().unwrap().to_owned();
        let thread = sent["thread_id"].as_str().unwrap().to_owned();

        // The mentor sees nothing of it: not listed, not by id, no thread, no notice; he
        // cannot answer it, nor approve it.
        assert_eq!(app.get("/api/v1/requests", Some(&max)).await.json(), json!([]));
        assert_eq!(app.get(&format!("/api/v1/requests/{id}"), Some(&max)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/api/v1/threads/{thread}/messages"), Some(&max)).await.status, StatusCode::NOT_FOUND);
        assert!(!app.get("/api/v1/me/notifications", Some(&max)).await.text().contains("Ann Mentee"));
        for action in ["accept", "decline", "approve"] {
            let tried = app.post_json(&format!("/api/v1/requests/{id}/{action}"), json!({}), Some(&max)).await;
            assert_eq!(tried.status, StatusCode::NOT_FOUND, "{action}: {}", tried.text());
        }
        // The mentee sees it waiting, and may not approve it herself.
        assert_eq!(app.get(&format!("/api/v1/requests/{id}"), Some(&ann)).await.json()["review"], "waiting");
        assert_eq!(app.post_json(&format!("/api/v1/requests/{id}/approve"), json!({}), Some(&ann)).await.status, StatusCode::NOT_FOUND);

        // Those who run the programme are told and see it in their list; nobody else may list.
        let inbox = app.get("/api/v1/me/notifications", Some(&runner)).await.text();
        assert!(inbox.contains("Ann Mentee asks Max Mentor for mentoring"), "{inbox}");
        let waiting = app.get(&format!("/api/v1/programmes/{p}/requests"), Some(&runner)).await;
        assert_eq!(waiting.status, StatusCode::OK, "{}", waiting.text());
        let waiting = waiting.json();
        assert_eq!(waiting.as_array().unwrap().len(), 1);
        assert_eq!(waiting[0]["direction"], "review");
        assert_eq!(app.get(&format!("/api/v1/programmes/{p}/requests"), Some(&ann)).await.status, StatusCode::FORBIDDEN);

        // Approved: the mentor sees it, is told, joins the conversation, and accepts.
        let approved = app.post_json(&format!("/api/v1/requests/{id}/approve"), json!({}), Some(&runner)).await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
        assert_eq!(approved.json()["review"], "approved");
        app.post_json(&format!("/api/v1/requests/{id}/approve"), json!({}), Some(&runner)).await
            .error(StatusCode::CONFLICT, "request_reviewed");
        let incoming = app.get("/api/v1/requests?direction=incoming", Some(&max)).await.json();
        assert_eq!(incoming.as_array().unwrap().len(), 1, "{incoming}");
        assert!(app.get("/api/v1/me/notifications", Some(&max)).await.text().contains("Ann Mentee asks you to mentor them"));
        assert_eq!(app.get(&format!("/api/v1/threads/{thread}/messages"), Some(&max)).await.status, StatusCode::OK);
        assert_eq!(app.get(&format!("/api/v1/programmes/{p}/requests"), Some(&runner)).await.json(), json!([]));
        let accepted = app.post_json(&format!("/api/v1/requests/{id}/accept"), json!({}), Some(&max)).await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
        let mentorship = accepted.json()["mentorship_id"].as_str().unwrap().to_owned();
        assert_eq!(programme_of(app, &mentorship).await.as_deref(), Some(p.as_str()));

        // Not approved: declined with the admin's reason, which the mentee is told; the
        // mentor never sees it. A reason too long changes nothing.
        let sent = send(app, &bea, ask(&kim_id, &p)).await.json();
        let id = sent["id"].as_str().unwrap().to_owned();
        app.post_json(&format!("/api/v1/requests/{id}/reject"), json!({"reason": "x".repeat(501)}), Some(&runner)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["reason"]);
        let rejected = app.post_json(&format!("/api/v1/requests/{id}/reject"), json!({"reason": "Kim is full; try Max."}), Some(&admin)).await;
        assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.text());
        let rejected = rejected.json();
        assert_eq!((rejected["state"].as_str(), rejected["review"].as_str()), (Some("declined"), Some("rejected")));
        assert_eq!(app.get(&format!("/api/v1/requests/{id}"), Some(&bea)).await.json()["decline_reason"], "Kim is full; try Max.");
        assert!(app.get("/api/v1/me/notifications", Some(&bea)).await.text().contains("Kim is full; try Max."));
        assert_eq!(app.get(&format!("/api/v1/requests/{id}"), Some(&kim)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/requests", Some(&kim)).await.json(), json!([]));
        app.post_json(&format!("/api/v1/requests/{id}/reject"), json!({}), Some(&runner)).await
            .error(StatusCode::CONFLICT, "request_not_pending");

        // Both decisions are in the audit log, by whom.
        let log = app.get("/api/v1/admin/audit?limit=200", Some(&admin)).await.json();
        let actions: Vec<(&str, &str)> = log["entries"].as_array().unwrap().iter()
            .filter(|e| e["action"].as_str().unwrap().starts_with("request."))
            .map(|e| (e["action"].as_str().unwrap(), e["actor"]["id"].as_str().unwrap())).collect();
        let admin_id = app.id_of(&admin).await;
        assert_eq!(actions, vec![("request.reject", admin_id.as_str()), ("request.approve", runner_id.as_str())]);
        assert!(!log.to_string().contains("Would you mentor me?"), "no message in the log");
        let _ = ann_id;
    }

    async fn the_pages_list_a_programme_s_mentors_to_ask_and_its_requests_to_approve(app) {
        let admin = app.admin_and_login("Ida Admin", "ida@example.org").await;
        let (runner, runner_id) = member(app, "Rita Runner", "People").await;
        let p = programme(app, &admin, "admin_assisted", json!({"admins": [runner_id]})).await;
        let (ann, _) = member(app, "Ann Mentee", "Sales").await;
        let (max, max_id) = member(app, "Max Mentor", "Engineering").await;
        enrol(app, &p, &ann, "mentee").await;
        enrol(app, &p, &max, "mentor").await;

        let mut mentee = Browser::new(app);
        mentee.log_in("ann.mentee@example.org", PASSWORD).await;
        let page = mentee.get(&format!("/programmes/{p}")).await.text();
        assert!(page.contains("Ask one of its mentors"), "{page}");
        let link = format!("/people/{max_id}/ask?programme={p}");
        assert!(page.contains(&link), "{page}");
        let form = mentee.get(&link).await.text();
        assert!(form.contains("approves it before Max Mentor sees it"), "{form}");
        assert!(form.contains(&format!("name=\"programme\" value=\"{p}\"")), "{form}");
        let csrf = csrf_of(&form);
        let sent = mentee.post(&format!("/people/{max_id}/ask"), &[
            ("_csrf", csrf.as_str()), ("programme", p.as_str()), ("message", "Hello from the page"), ("cadence", "monthly"), ("duration_weeks", "8"),
        ]).await;
        assert!(sent.status.is_redirection(), "{}", sent.text());
        let page = mentee.get(&format!("/programmes/{p}")).await.text();
        assert!(page.contains("You asked") && !page.contains(&link), "{page}");
        let mine = mentee.get("/requests").await.text();
        assert!(mine.contains("Waiting for approval"), "{mine}");

        let mut admin_page = Browser::new(app);
        admin_page.log_in("rita.runner@example.org", PASSWORD).await;
        let programme_page = admin_page.get(&format!("/programmes/{p}")).await.text();
        assert!(programme_page.contains("Requests to approve (1)"), "{programme_page}");
        let list = admin_page.get(&format!("/programmes/{p}/requests")).await.text();
        assert!(list.contains("Hello from the page"), "{list}");
        let id = app.get(&format!("/api/v1/programmes/{p}/requests"), Some(&runner)).await.json()[0]["id"]
            .as_str().unwrap().to_owned();
        let csrf = csrf_of(&list);
        let approved = admin_page.post(&format!("/requests/{id}/approve"), &[("_csrf", csrf.as_str())]).await;
        assert_eq!(approved.header("location"), Some(format!("/programmes/{p}/requests").as_str()));
        assert!(app.get("/api/v1/requests?direction=incoming", Some(&max)).await.text().contains("Hello from the page"));
        assert!(admin_page.get(&format!("/programmes/{p}/requests")).await.text().contains("No request is waiting"));
    }
}
