//! Connections through the API: requests and their answers in every order, mentorships
//! that connect, who sees whose connections, and the rules that hold when requests race.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::meetings::browser_of;
use crate::support::{TestApp, api_tests};

/// A listed person: (token, id).
async fn person(app: &TestApp, name: &str) -> (String, String) {
    let token = app.person_with_profile(name, json!({"listed": true})).await;
    let id = app.id_of(&token).await;
    (token, id)
}

async fn ask(app: &TestApp, token: &str, person_id: &str) -> crate::support::TestResponse {
    app.post_json(
        "/api/v1/connections",
        json!({"person_id": person_id}),
        Some(token),
    )
    .await
}

async fn mine(app: &TestApp, token: &str) -> Value {
    let listed = app.get("/api/v1/connections", Some(token)).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
    listed.json()
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["person"]["name"].as_str().unwrap())
        .collect()
}

api_tests! {
    async fn a_request_is_accepted_listed_on_both_sides_and_removed_by_either(app) {
        let (ana, ana_id) = person(app, "Ana").await;
        let (ben, ben_id) = person(app, "Ben").await;
        let asked = ask(app, &ana, &ben_id).await;
        assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text());
        let request = asked.json();
        assert_eq!(request["state"], "pending");
        assert_eq!(request["source"], "request");
        assert_eq!(request["person"]["name"], "Ben");
        assert_eq!(request["requested_by_you"], true);
        let id = request["id"].as_str().unwrap().to_owned();

        assert_eq!(names(&mine(app, &ana).await["outgoing"]), ["Ben"]);
        let bens = mine(app, &ben).await;
        assert_eq!(names(&bens["incoming"]), ["Ana"]);
        assert_eq!(bens["incoming"][0]["requested_by_you"], false);
        assert!(bens["connections"].as_array().unwrap().is_empty());

        // Only Ben answers: Ana's own request is not hers to accept.
        let own = app.post_json(&format!("/api/v1/connections/{id}/accept"), json!({}), Some(&ana)).await;
        assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.text());
        let accepted = app.post_json(&format!("/api/v1/connections/{id}/accept"), json!({}), Some(&ben)).await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
        assert_eq!(accepted.json()["state"], "accepted");
        assert!(accepted.json()["accepted_at"].as_i64().is_some());
        let again = app.post_json(&format!("/api/v1/connections/{id}/accept"), json!({}), Some(&ben)).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(again.json()["error"]["code"], "not_pending", "{}", again.text());
        assert_eq!(names(&mine(app, &ana).await["connections"]), ["Ben"]);
        assert_eq!(names(&mine(app, &ben).await["connections"]), ["Ana"]);

        // Asking again once connected is a conflict; removing is either side's.
        let twice = ask(app, &ben, &ana_id).await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        assert_eq!(twice.json()["error"]["code"], "already_connected");
        let (cara, _) = person(app, "Cara").await;
        let theirs = app.delete(&format!("/api/v1/connections/{id}"), Some(&cara)).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "a stranger cannot remove it");
        let removed = app.delete(&format!("/api/v1/connections/{id}"), Some(&ben)).await;
        assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text());
        assert!(mine(app, &ana).await["connections"].as_array().unwrap().is_empty());
        let gone = app.delete(&format!("/api/v1/connections/{id}"), Some(&ana)).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
    }

    async fn asking_back_accepts_and_declining_or_withdrawing_removes_the_request(app) {
        let (ana, ana_id) = person(app, "Ana").await;
        let (ben, ben_id) = person(app, "Ben").await;
        assert_eq!(ask(app, &ana, &ben_id).await.status, StatusCode::CREATED);
        let twice = ask(app, &ana, &ben_id).await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        assert_eq!(twice.json()["error"]["code"], "already_requested");
        // Ben asks back: that is accepting.
        let back = ask(app, &ben, &ana_id).await;
        assert_eq!(back.status, StatusCode::CREATED, "{}", back.text());
        assert_eq!(back.json()["state"], "accepted");
        assert_eq!(mine(app, &ana).await["connections"].as_array().unwrap().len(), 1);

        // Declining (the asked) and withdrawing (the asker) both remove the request.
        let (cara, cara_id) = person(app, "Cara").await;
        let id = ask(app, &ana, &cara_id).await.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(app.delete(&format!("/api/v1/connections/{id}"), Some(&cara)).await.status, StatusCode::NO_CONTENT);
        assert!(mine(app, &ana).await["outgoing"].as_array().unwrap().is_empty());
        let id = ask(app, &ana, &cara_id).await.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(app.delete(&format!("/api/v1/connections/{id}"), Some(&ana)).await.status, StatusCode::NO_CONTENT);
        assert!(mine(app, &cara).await["incoming"].as_array().unwrap().is_empty());
    }

    async fn bad_requests_name_the_field_and_change_nothing(app) {
        let (ana, ana_id) = person(app, "Ana").await;
        let bad = ask(app, &ana, "not-an-id").await;
        bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["person_id"]);
        let me = ask(app, &ana, &ana_id).await;
        me.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["person_id"]);
        let nobody = ask(app, &ana, &lodestar_domain::PersonId::new().to_string()).await;
        assert_eq!(nobody.status, StatusCode::NOT_FOUND);
        // Someone not listed in the directory cannot be asked; nor someone who blocked you.
        let hidden = app.person_with_profile("Hal", json!({"listed": false})).await;
        let hidden_id = app.id_of(&hidden).await;
        assert_eq!(ask(app, &ana, &hidden_id).await.status, StatusCode::NOT_FOUND);
        let (ben, ben_id) = person(app, "Ben").await;
        assert_eq!(app.put(&format!("/api/v1/me/blocks/{ana_id}"), Some(&ben)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(ask(app, &ana, &ben_id).await.status, StatusCode::NOT_FOUND);
        let unknown = app.post_json("/api/v1/connections", json!({"person_id": ben_id, "note": "hi"}), Some(&ana)).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused");
        let all = mine(app, &ana).await;
        for list in ["connections", "incoming", "outgoing"] {
            assert!(all[list].as_array().unwrap().is_empty(), "{all}");
        }
        let malformed = app.post_json("/api/v1/connections/not-an-id/accept", json!({}), Some(&ana)).await;
        assert_eq!(malformed.status, StatusCode::NOT_FOUND);
    }

    async fn a_mentorship_connects_mentor_and_mentee_until_either_removes_it(app) {
        let (mentor, mentor_id) = person(app, "Mona").await;
        let (mentee, mentee_id) = person(app, "Milo").await;
        // A request waiting between them becomes the connection.
        assert_eq!(ask(app, &mentee, &mentor_id).await.status, StatusCode::CREATED);
        app.mentorship_between(&mentor_id, &mentee_id).await;
        let theirs = mine(app, &mentee).await;
        assert_eq!(names(&theirs["connections"]), ["Mona"]);
        assert!(theirs["outgoing"].as_array().unwrap().is_empty());
        let (other, other_id) = person(app, "Omar").await;
        app.mentorship_between(&other_id, &mentee_id).await;
        let connection = mine(app, &other).await["connections"][0].clone();
        assert_eq!(connection["source"], "mentorship");
        assert_eq!(connection["person"]["name"], "Milo");
        let id = connection["id"].as_str().unwrap();
        assert_eq!(app.delete(&format!("/api/v1/connections/{id}"), Some(&mentee)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(names(&mine(app, &mentee).await["connections"]), ["Mona"]);
        let _ = mentor;
    }

    async fn others_see_only_the_connections_they_share_and_none_if_hidden(app) {
        let (ana, ana_id) = person(app, "Ana").await;
        let (ben, ben_id) = person(app, "Ben").await;
        let (cara, cara_id) = person(app, "Cara").await;
        let (dan, dan_id) = person(app, "Dan").await;
        // Ana knows Ben, Cara and Dan; Ben knows Cara.
        for (token, other) in [(&ben, &ana_id), (&cara, &ana_id), (&dan, &ana_id), (&cara, &ben_id)] {
            assert_eq!(ask(app, token, other).await.status, StatusCode::CREATED);
        }
        for (token, from) in [(&ana, &ben_id), (&ana, &cara_id), (&ana, &dan_id), (&ben, &cara_id)] {
            let id = mine(app, token).await["incoming"].as_array().unwrap().iter()
                .find(|c| c["person"]["id"] == from.as_str()).unwrap()["id"].as_str().unwrap().to_owned();
            let done = app.post_json(&format!("/api/v1/connections/{id}/accept"), json!({}), Some(token)).await;
            assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        }
        // Ben looking at Ana sees only Cara, whom both know; Ana herself sees all three.
        let seen = app.get(&format!("/api/v1/people/{ana_id}/connections"), Some(&ben)).await.json();
        assert_eq!(seen["hidden"], false);
        let shared: Vec<&str> = seen["shared"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(shared, ["Cara"]);
        assert_eq!(seen["yours"]["state"], "accepted");
        let own = app.get(&format!("/api/v1/people/{ana_id}/connections"), Some(&ana)).await.json();
        let all: Vec<&str> = own["shared"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(all, ["Ben", "Cara", "Dan"]);
        // An admin sees no more than anyone else.
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        let by_admin = app.get(&format!("/api/v1/people/{ana_id}/connections"), Some(&admin)).await.json();
        assert!(by_admin["shared"].as_array().unwrap().is_empty(), "{by_admin}");
        // Ana hides her connections: Ben sees none, she still sees hers.
        let set = app.put_json("/api/v1/me/network", json!({"hide_connections": true}), Some(&ana)).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text());
        assert_eq!(app.get("/api/v1/me/network", Some(&ana)).await.json()["hide_connections"], true);
        let hidden = app.get(&format!("/api/v1/people/{ana_id}/connections"), Some(&ben)).await.json();
        assert_eq!(hidden["hidden"], true);
        assert!(hidden["shared"].as_array().unwrap().is_empty());
        assert_eq!(mine(app, &ana).await["connections"].as_array().unwrap().len(), 3);
        let bad = app.put_json("/api/v1/me/network", json!({"hide_connections": "yes"}), Some(&ana)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let _ = dan;
    }

    async fn racing_requests_and_accepts_make_one_connection(app) {
        let (ana, ana_id) = person(app, "Ana").await;
        let (ben, ben_id) = person(app, "Ben").await;
        // Both ask at once: one request is made, and the other accepts it.
        let (a, b) = tokio::join!(ask(app, &ana, &ben_id), ask(app, &ben, &ana_id));
        assert_eq!((a.status, b.status), (StatusCode::CREATED, StatusCode::CREATED), "{} {}", a.text(), b.text());
        let theirs = mine(app, &ana).await;
        assert_eq!(theirs["connections"].as_array().unwrap().len(), 1, "{theirs}");
        assert!(theirs["outgoing"].as_array().unwrap().is_empty() && theirs["incoming"].as_array().unwrap().is_empty());
        // Two accepts of one request at once: one accepts, the other is told it is answered.
        let (cara, cara_id) = person(app, "Cara").await;
        let id = ask(app, &cara, &ana_id).await.json()["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/connections/{id}/accept");
        let (x, y) = tokio::join!(app.post_json(&path, json!({}), Some(&ana)), app.post_json(&path, json!({}), Some(&ana)));
        let mut statuses = [x.status, y.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
        let _ = cara_id;
    }

    async fn the_pages_connect_accept_show_shared_connections_and_hide_them_without_javascript(app) {
        let (_, ana_id) = person(app, "Ana").await;
        let (ben_token, ben_id) = person(app, "Ben").await;
        let (cara_token, cara_id) = person(app, "Cara").await;
        // Ben and Cara are connected already.
        let id = ask(app, &ben_token, &cara_id).await.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(app.post_json(&format!("/api/v1/connections/{id}/accept"), json!({}), Some(&cara_token)).await.status, StatusCode::OK);

        let (mut ana, csrf) = browser_of(app, "ana@example.org").await;
        let page = ana.get(&format!("/people/{ben_id}")).await.text();
        assert!(page.contains("Connect with Ben"), "{page}");
        let asked = ana.post(&format!("/people/{ben_id}/connect"), &[("_csrf", &csrf)]).await;
        assert!(asked.status.is_redirection(), "{}", asked.text());
        assert_eq!(asked.header("location"), Some(format!("/people/{ben_id}").as_str()));
        assert!(ana.get(&format!("/people/{ben_id}")).await.text().contains("You have asked Ben to connect"));

        let (mut ben, ben_csrf) = browser_of(app, "ben@example.org").await;
        let network = ben.get("/network").await.text();
        assert!(network.contains("Waiting for your answer") && network.contains("Ana"), "{network}");
        let request = mine(app, &ben_token).await["incoming"][0]["id"].as_str().unwrap().to_owned();
        let accepted = ben.post(&format!("/connections/{request}/accept"), &[("_csrf", &ben_csrf)]).await;
        assert!(accepted.status.is_redirection(), "{}", accepted.text());
        let network = ben.get("/network").await.text();
        assert!(network.contains("Your connections (2)"), "{network}");

        // Cara sees on Ana's page that they both know Ben; not once Ana hides her connections.
        let (mut cara, cara_csrf) = browser_of(app, "cara@example.org").await;
        let page = cara.get(&format!("/people/{ana_id}")).await.text();
        assert!(page.contains("You both know") && page.contains(">Ben</a>"), "{page}");
        let (mut ana_again, ana_csrf) = browser_of(app, "ana@example.org").await;
        let hidden = ana_again.post("/network/settings", &[("_csrf", &ana_csrf), ("hide_connections", "on")]).await;
        assert!(hidden.status.is_redirection(), "{}", hidden.text());
        let page = cara.get(&format!("/people/{ana_id}")).await.text();
        assert!(page.contains("keeps their connections private") && !page.contains("You both know"), "{page}");
        // A connection of someone else's is not found; a bad id neither.
        let theirs = cara.post(&format!("/connections/{request}/remove"), &[("_csrf", &cara_csrf)]).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND);
        let bad = cara.post("/connections/not-an-id/accept", &[("_csrf", &cara_csrf)]).await;
        assert_eq!(bad.status, StatusCode::NOT_FOUND);
        let _ = cara_id;
    }
}
