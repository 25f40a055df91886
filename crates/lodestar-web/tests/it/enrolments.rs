//! Enrolment in programmes: while it is open, as mentee, mentor or both, with the form's
//! answers checked and every bad one named; approval by the programme's admins where it
//! is asked for, and the person told; invitation links; withdrawal; one live enrolment per
//! person, even when two requests race; the form frozen once anyone has enrolled.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::meetings::date_in_days;
use crate::support::{TestApp, api_tests};

/// A programme enrolling today, with a matching choice, a multiple choice and a required
/// scale on its form.
fn open(name: &str) -> Value {
    json!({
        "name": name,
        "enrolment_opens": date_in_days(-1),
        "enrolment_closes": date_in_days(10),
        "starts_on": date_in_days(20),
        "ends_on": date_in_days(200),
        "matching": "cohort",
        "questions": [
            {"kind": "single_choice", "text": "Where do you like to meet?", "options": ["Online", "In person"],
             "match_rule": "same"},
            {"kind": "multiple_choice", "text": "Which industries?", "options": ["Finance", "Retail", "Energy"],
             "match_rule": "covers"},
            {"kind": "scale", "text": "How confident are you?", "required": true}
        ]
    })
}

async fn create(app: &TestApp, token: &str, body: Value) -> String {
    let made = app.post_json("/api/v1/programmes", body, Some(token)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()["id"].as_str().unwrap().to_owned()
}

async fn enrol(app: &TestApp, programme: &str, token: &str, body: Value) -> Value {
    let path = format!("/api/v1/programmes/{programme}/enrolments");
    let made = app.post_json(&path, body, Some(token)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()
}

async fn listed(app: &TestApp, programme: &str, token: &str, query: &str) -> Value {
    let list = app
        .get(
            &format!("/api/v1/programmes/{programme}/enrolments{query}"),
            Some(token),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    list.json()
}

api_tests! {
    async fn a_member_enrols_with_answers_withdraws_and_may_enrol_again(app) {
        let (admin, member) = app.admin_and_member().await;
        let programme = create(app, &admin, open("Team leads")).await;
        let made = enrol(app, &programme, &member, json!({"role": "both",
            "answers": {"0": "online", "1": ["energy", "Finance"], "2": 4}})).await;
        assert_eq!(made["state"], "approved", "no approval asked for");
        assert_eq!(made["role"], "both");
        assert_eq!(made["person"]["name"], "Bob Member");
        assert_eq!(made["answers"], json!({"0": "Online", "1": ["Finance", "Energy"], "2": 4}),
            "kept as the form reads them");
        let path = format!("/api/v1/programmes/{programme}");
        let seen = app.get(&path, Some(&member)).await.json();
        assert_eq!(seen["your_enrolment"]["id"], made["id"]);
        assert_eq!(seen["invitation_link"], Value::Null, "the link is for its admins");

        let again = format!("{path}/enrolments");
        app.post_json(&again, json!({"role": "mentee", "answers": {"2": 3}}), Some(&member)).await
            .error(StatusCode::CONFLICT, "already_enrolled");

        let one = format!("/api/v1/enrolments/{}", made["id"].as_str().unwrap());
        assert_eq!(app.get(&one, Some(&member)).await.json()["state"], "approved");
        assert_eq!(app.delete(&one, Some(&member)).await.status, StatusCode::NO_CONTENT);
        app.delete(&one, Some(&member)).await.error(StatusCode::NOT_FOUND, "not_found");
        assert_eq!(app.get(&path, Some(&member)).await.json()["your_enrolment"]["state"], "withdrawn");
        let back = enrol(app, &programme, &member, json!({"role": "mentee", "answers": {"2": 2}})).await;
        assert_eq!(back["state"], "approved");
        assert_ne!(back["id"], made["id"]);
    }

    async fn every_bad_answer_is_named_at_once_and_nothing_is_written(app) {
        let (admin, member) = app.admin_and_member().await;
        let programme = create(app, &admin, open("Team leads")).await;
        let path = format!("/api/v1/programmes/{programme}/enrolments");
        let bad = json!({"role": "sponsor", "answers": {"0": "By post", "1": "Finance", "7": "?"}});
        app.post_json(&path, bad, Some(&member)).await.field_errors(
            StatusCode::UNPROCESSABLE_ENTITY, "validation_failed",
            &["role", "answers.0", "answers.1", "answers.2", "answers.7"]);
        let scale = json!({"role": "mentee", "answers": {"2": 9}});
        let error = app.post_json(&path, scale, Some(&member)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["answers.2"]);
        assert_eq!(error["fields"]["answers.2"], "must be a whole number from 1 to 5");
        assert_eq!(listed(app, &programme, &admin, "").await["total"], 0);
        app.post_json("/api/v1/programmes/nope/enrolments", json!({"role": "mentee"}), Some(&member)).await
            .error(StatusCode::NOT_FOUND, "not_found");
    }

    async fn where_approval_is_asked_the_programme_admins_decide_and_the_person_is_told(app) {
        let (admin, runner) = app.admin_and_member().await;
        let runner_id = app.id_of(&runner).await;
        let mentee = app.register_and_login("Cy Mentee", "cy@example.org").await;
        let other = app.register_and_login("Di Other", "di@example.org").await;
        let mut body = open("Approved only");
        body["needs_approval"] = json!(true);
        body["admins"] = json!([runner_id]);
        let programme = create(app, &admin, body).await;

        let made = enrol(app, &programme, &mentee, json!({"role": "mentee", "answers": {"2": 2}})).await;
        assert_eq!(made["state"], "pending");
        let inbox = app.get("/api/v1/me/notifications", Some(&runner)).await.text();
        assert!(inbox.contains("Cy Mentee enrolled in Approved only and waits for approval"), "{inbox}");

        let one = format!("/api/v1/enrolments/{}", made["id"].as_str().unwrap());
        app.get(&one, Some(&other)).await.error(StatusCode::NOT_FOUND, "not_found");
        app.post_json(&format!("{one}/approve"), json!({}), Some(&mentee)).await
            .error(StatusCode::FORBIDDEN, "forbidden");
        let done = app.post_json(&format!("{one}/approve"), json!({}), Some(&runner)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        assert_eq!(done.json()["state"], "approved");
        app.post_json(&format!("{one}/decline"), json!({}), Some(&admin)).await
            .error(StatusCode::CONFLICT, "not_pending");
        let inbox = app.get("/api/v1/me/notifications", Some(&mentee)).await.text();
        assert!(inbox.contains("You are in: Approved only"), "{inbox}");

        let declined = enrol(app, &programme, &other, json!({"role": "mentor", "answers": {"2": 5}})).await;
        let path = format!("/api/v1/enrolments/{}/decline", declined["id"].as_str().unwrap());
        assert_eq!(app.post_json(&path, json!({}), Some(&admin)).await.json()["state"], "declined");
        app.post_json(&format!("/api/v1/programmes/{programme}/enrolments"),
            json!({"role": "mentor", "answers": {"2": 5}}), Some(&other)).await
            .error(StatusCode::CONFLICT, "enrolment_declined");
        let inbox = app.get("/api/v1/me/notifications", Some(&other)).await.text();
        assert!(inbox.contains("Your enrolment in Approved only is declined"), "{inbox}");

        // An admin removes an approved enrolment.
        assert_eq!(app.delete(&one, Some(&runner)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get(&one, Some(&mentee)).await.json()["state"], "withdrawn");
    }

    async fn an_invitation_only_programme_takes_only_its_link_s_latest_secret(app) {
        let (admin, member) = app.admin_and_member().await;
        let late = app.register_and_login("Cy Late", "cy@example.org").await;
        let mut body = open("By invitation");
        body["invitation_only"] = json!(true);
        let programme = create(app, &admin, body).await;
        let path = format!("/api/v1/programmes/{programme}/enrolments");
        let answers = json!({"2": 3});
        for invitation in [Value::Null, json!("guess")] {
            app.post_json(&path, json!({"role": "mentee", "answers": answers, "invitation": invitation}), Some(&member)).await
                .error(StatusCode::CONFLICT, "invitation_required");
        }
        let link = app.get(&format!("/api/v1/programmes/{programme}"), Some(&admin)).await.json()["invitation_link"]
            .as_str().expect("admins see the link").to_owned();
        assert!(link.starts_with(&format!("http://localhost:8080/programmes/{programme}?invitation=")), "{link}");
        let secret = link.rsplit('=').next().unwrap().to_owned();
        enrol(app, &programme, &member, json!({"role": "mentee", "answers": answers, "invitation": secret})).await;

        let fresh = app.post_json(&format!("/api/v1/programmes/{programme}/invitation"), json!({}), Some(&admin)).await;
        assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.text());
        let fresh = fresh.json()["invitation_link"].as_str().unwrap().to_owned();
        assert_ne!(fresh, link);
        app.post_json(&path, json!({"role": "mentee", "answers": answers, "invitation": secret}), Some(&late)).await
            .error(StatusCode::CONFLICT, "invitation_required");
        let secret = fresh.rsplit('=').next().unwrap();
        enrol(app, &programme, &late, json!({"role": "mentee", "answers": answers, "invitation": secret})).await;
        app.post_json(&format!("/api/v1/programmes/{programme}/invitation"), json!({}), Some(&member)).await
            .error(StatusCode::FORBIDDEN, "forbidden");
    }

    async fn enrolment_is_closed_before_it_opens_and_after_it_closes(app) {
        let (admin, member) = app.admin_and_member().await;
        let mut soon = open("Soon");
        soon["enrolment_opens"] = json!(date_in_days(3));
        let soon = create(app, &admin, soon).await;
        let error = app.post_json(&format!("/api/v1/programmes/{soon}/enrolments"),
            json!({"role": "mentee", "answers": {"2": 3}}), Some(&member)).await
            .error(StatusCode::CONFLICT, "enrolment_closed");
        assert_eq!(error["message"], format!("enrolment opens on {}", date_in_days(3)));
        let mut past = open("Past");
        past["enrolment_opens"] = json!(date_in_days(-30));
        past["enrolment_closes"] = json!(date_in_days(-2));
        let past = create(app, &admin, past).await;
        app.post_json(&format!("/api/v1/programmes/{past}/enrolments"),
            json!({"role": "mentee", "answers": {"2": 3}}), Some(&member)).await
            .error(StatusCode::CONFLICT, "enrolment_closed");
    }

    async fn the_form_is_frozen_once_anyone_has_enrolled(app) {
        let (admin, member) = app.admin_and_member().await;
        let programme = create(app, &admin, open("Frozen")).await;
        let path = format!("/api/v1/programmes/{programme}");
        let mut edited = open("Frozen, renamed");
        edited["questions"][0]["options"] = json!(["Online", "In person", "Either"]);
        assert_eq!(app.put_json(&path, edited.clone(), Some(&admin)).await.status, StatusCode::OK,
            "nobody enrolled yet");
        enrol(app, &programme, &member, json!({"role": "mentee", "answers": {"2": 3}})).await;
        let mut changed = edited.clone();
        changed["questions"][2]["required"] = json!(false);
        app.put_json(&path, changed, Some(&admin)).await.error(StatusCode::CONFLICT, "questions_frozen");
        edited["name"] = json!("Frozen, still");
        let done = app.put_json(&path, edited, Some(&admin)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        assert_eq!(done.json()["name"], "Frozen, still");
    }

    async fn admins_list_enrolments_filtered_and_counted(app) {
        let (admin, member) = app.admin_and_member().await;
        let programme = create(app, &admin, open("Counted")).await;
        for (i, role) in ["mentee", "mentee", "mentor", "both"].iter().enumerate() {
            let token = app.register_and_login(&format!("Person {i}"), &format!("p{i}@example.org")).await;
            enrol(app, &programme, &token, json!({"role": role, "answers": {"2": 3}})).await;
        }
        let all = listed(app, &programme, &admin, "").await;
        assert_eq!(all["total"], 4);
        assert_eq!(all["approved"], json!({"mentee": 2, "mentor": 1, "both": 1}));
        assert_eq!(all["pending"], json!({"mentee": 0, "mentor": 0, "both": 0}));
        assert_eq!(all["enrolments"][0]["person"]["name"], "Person 0", "oldest first");
        let mentees = listed(app, &programme, &admin, "?role=mentee&state=approved&per_page=1&page=2").await;
        assert_eq!((mentees["total"].clone(), mentees["enrolments"][0]["person"]["name"].clone()),
            (json!(2), json!("Person 1")));
        app.get(&format!("/api/v1/programmes/{programme}/enrolments?role=x&state=y&per_page=0"), Some(&admin)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["role", "state", "per_page"]);
        app.get(&format!("/api/v1/programmes/{programme}/enrolments"), Some(&member)).await
            .error(StatusCode::FORBIDDEN, "forbidden");
    }

    async fn two_racing_enrolments_of_one_person_make_one(app) {
        let (admin, member) = app.admin_and_member().await;
        let programme = create(app, &admin, open("Raced")).await;
        let path = format!("/api/v1/programmes/{programme}/enrolments");
        let body = json!({"role": "mentee", "answers": {"2": 3}});
        let (a, b) = tokio::join!(
            app.post_json(&path, body.clone(), Some(&member)),
            app.post_json(&path, body.clone(), Some(&member)),
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 409], "{} / {}", a.text(), b.text());
        assert_eq!(listed(app, &programme, &admin, "").await["total"], 1);
    }
}
