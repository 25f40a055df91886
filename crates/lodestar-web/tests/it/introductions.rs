//! Introductions, double opt-in: every order of answers, what each person sees (a decline
//! reads "not now"), the rules on who may introduce and answer, races, and requests for an
//! introduction with the connection's suggestions.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::meetings::browser_of;
use crate::support::{TestApp, api_tests};

/// A listed person with `profile`: (token, id).
pub(crate) async fn person(app: &TestApp, name: &str, profile: Value) -> (String, String) {
    let mut profile = profile;
    profile["listed"] = json!(true);
    let token = app.person_with_profile(name, profile).await;
    let id = app.id_of(&token).await;
    (token, id)
}

/// `a` asks `b` to connect and `b` accepts.
pub(crate) async fn connect(app: &TestApp, a: &(String, String), b: &(String, String)) {
    let asked = app
        .post_json("/api/v1/connections", json!({"person_id": b.1}), Some(&a.0))
        .await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text());
    let id = asked.json()["id"].as_str().unwrap().to_owned();
    let accepted = app
        .post_json(
            &format!("/api/v1/connections/{id}/accept"),
            json!({}),
            Some(&b.0),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
}

/// Ivy, connected with Ada and Bo (who do not know each other).
async fn trio(app: &TestApp) -> [(String, String); 3] {
    trio_named(app, "").await
}

/// [`trio`], with `suffix` after each name (names make the email addresses).
async fn trio_named(app: &TestApp, suffix: &str) -> [(String, String); 3] {
    let ivy = person(app, &format!("Ivy{suffix}"), json!({})).await;
    let ada = person(app, &format!("Ada{suffix}"), json!({})).await;
    let bo = person(app, &format!("Bo{suffix}"), json!({})).await;
    connect(app, &ivy, &ada).await;
    connect(app, &bo, &ivy).await;
    [ivy, ada, bo]
}

async fn introduce(app: &TestApp, by: &str, a: &str, b: &str) -> String {
    let made = app
        .post_json(
            "/api/v1/introductions",
            json!({"a": a, "b": b, "note": "You both care about logistics."}),
            Some(by),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let made = made.json();
    assert_eq!(made["made_by_you"], true);
    assert_eq!(made["status"], "open");
    made["id"].as_str().unwrap().to_owned()
}

async fn answer(app: &TestApp, token: &str, id: &str, how: &str) -> crate::support::TestResponse {
    app.post_json(
        &format!("/api/v1/introductions/{id}/{how}"),
        json!({}),
        Some(token),
    )
    .await
}

async fn seen(app: &TestApp, token: &str, id: &str) -> Value {
    let one = app
        .get(&format!("/api/v1/introductions/{id}"), Some(token))
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text());
    one.json()
}

fn connection_names(mine: &Value) -> Vec<String> {
    mine["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["person"]["name"].as_str().unwrap().to_owned())
        .collect()
}

api_tests! {
    async fn two_accepts_in_either_order_connect_them_and_show_contact_details(app) {
        for (first_ada, suffix) in [(true, ""), (false, "x")] {
            let [ivy, ada, bo] = trio_named(app, suffix).await;
            let id = introduce(app, &ivy.0, &ada.1, &bo.1).await;
            let (first, second) = if first_ada { (&ada, &bo) } else { (&bo, &ada) };
            let one = answer(app, &first.0, &id, "accept").await;
            assert_eq!(one.status, StatusCode::OK, "{}", one.text());
            let one = one.json();
            assert_eq!(one["status"], "open");
            assert_eq!(one["your_answer"], "accepted");
            assert_eq!(one["contact"], Value::Null, "no contact details before both accept");
            // The other side and the introducer see only that it is open.
            let theirs = seen(app, &second.0, &id).await;
            assert_eq!((theirs["status"].as_str(), theirs["your_answer"].as_str()), (Some("open"), Some("waiting")));
            assert_eq!(seen(app, &ivy.0, &id).await["your_answer"], Value::Null);
            let two = answer(app, &second.0, &id, "accept").await.json();
            assert_eq!(two["status"], "connected");
            let email = |name: &str| format!("{}{suffix}@example.org", name.to_lowercase());
            let other = if first_ada { "Ada" } else { "Bo" };
            assert_eq!(two["contact"], email(other).as_str());
            assert_eq!(seen(app, &first.0, &id).await["contact"], email(if first_ada { "Bo" } else { "Ada" }).as_str());
            assert_eq!(seen(app, &ivy.0, &id).await["status"], "connected");
            assert_eq!(seen(app, &ivy.0, &id).await["contact"], Value::Null, "the introducer gets no contact details");
            // They are connected, through the introduction.
            let adas = app.get("/api/v1/connections", Some(&ada.0)).await.json();
            let bo_name = format!("Bo{suffix}");
            assert!(connection_names(&adas).contains(&bo_name), "{adas}");
            let link = adas["connections"].as_array().unwrap().iter().find(|c| c["person"]["name"] == bo_name.as_str()).unwrap();
            assert_eq!(link["source"], "introduction");
            // Answering again, or introducing them again, is a conflict.
            let again = answer(app, &second.0, &id, "decline").await;
            assert_eq!(again.status, StatusCode::CONFLICT);
            let twice = app.post_json("/api/v1/introductions", json!({"a": ada.1, "b": bo.1, "note": "Again"}), Some(&ivy.0)).await;
            assert_eq!(twice.status, StatusCode::CONFLICT);
            assert_eq!(twice.json()["error"]["code"], "already_connected");
            // Mentions in the inbox: introduced, then connected.
            let inbox = app.get("/api/v1/me/notifications", Some(&ada.0)).await.json().to_string();
            assert!(inbox.contains("introduction_made") && inbox.contains("introduction_connected"), "{inbox}");
            let introducers = app.get("/api/v1/me/notifications", Some(&ivy.0)).await.json().to_string();
            assert!(introducers.contains("through your introduction"), "{introducers}");
        }
    }

    async fn a_decline_in_any_order_reads_not_now_to_everyone_else(app) {
        let [ivy, ada, bo] = trio(app).await;
        // Ada declines first: Bo can no longer answer, and sees "not now".
        let id = introduce(app, &ivy.0, &ada.1, &bo.1).await;
        let declined = answer(app, &ada.0, &id, "decline").await.json();
        assert_eq!((declined["status"].as_str(), declined["your_answer"].as_str()), (Some("not_now"), Some("declined")));
        let bos = seen(app, &bo.0, &id).await;
        assert_eq!((bos["status"].as_str(), bos["your_answer"].as_str()), (Some("not_now"), Some("waiting")));
        let late = answer(app, &bo.0, &id, "accept").await;
        assert_eq!(late.status, StatusCode::CONFLICT);
        assert_eq!(late.json()["error"]["code"], "not_open");
        let ivys = seen(app, &ivy.0, &id).await;
        assert_eq!(ivys["status"], "not_now");
        assert!(!ivys.to_string().contains("declined"), "the introducer never sees a decline: {ivys}");
        // A closed introduction does not stand in the way of a new one; now Bo accepts
        // first and Ada declines second.
        let id = introduce(app, &ivy.0, &bo.1, &ada.1).await;
        assert_eq!(answer(app, &bo.0, &id, "accept").await.json()["status"], "open");
        assert_eq!(answer(app, &ada.0, &id, "decline").await.json()["status"], "not_now");
        let bos = seen(app, &bo.0, &id).await;
        assert_eq!((bos["status"].as_str(), bos["your_answer"].as_str()), (Some("not_now"), Some("accepted")));
        assert!(!seen(app, &ivy.0, &id).await.to_string().contains("declined"));
        assert!(!connection_names(&app.get("/api/v1/connections", Some(&ada.0)).await.json()).contains(&"Bo".to_owned()));
        // Nobody is told of a decline.
        let inbox = app.get("/api/v1/me/notifications", Some(&ivy.0)).await.json().to_string();
        assert!(!inbox.contains("introduction_connected"), "{inbox}");
    }

    async fn only_connections_are_introduced_and_only_the_two_answer(app) {
        let [ivy, ada, bo] = trio(app).await;
        let stranger = person(app, "Sam", json!({})).await;
        for (body, field) in [
            (json!({"a": ada.1, "b": stranger.1, "note": "Hi"}), "b"),
            (json!({"a": "nobody", "b": bo.1, "note": "Hi"}), "a"),
            (json!({"a": ada.1, "b": ada.1, "note": "Hi"}), "b"),
            (json!({"a": ada.1, "b": bo.1, "note": "  "}), "note"),
            (json!({"a": ada.1, "b": bo.1, "note": "x".repeat(2001)}), "note"),
            (json!({"a": ada.1, "b": bo.1, "note": "Hi", "ask_id": ada.1}), "ask_id"),
        ] {
            let refused = app.post_json("/api/v1/introductions", body.clone(), Some(&ivy.0)).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", refused.text());
            assert!(refused.json()["error"]["fields"][field].is_string(), "{body}: {}", refused.text());
        }
        let extra = app.post_json("/api/v1/introductions", json!({"a": ada.1, "b": bo.1, "note": "Hi", "why": 1}), Some(&ivy.0)).await;
        assert_eq!(extra.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(app.get("/api/v1/introductions", Some(&ivy.0)).await.json()["made"].as_array().unwrap().is_empty(), "nothing was made");

        let id = introduce(app, &ivy.0, &ada.1, &bo.1).await;
        let twice = app.post_json("/api/v1/introductions", json!({"a": bo.1, "b": ada.1, "note": "Again"}), Some(&ivy.0)).await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        assert_eq!(twice.json()["error"]["code"], "already_introduced");
        assert_eq!(answer(app, &ivy.0, &id, "accept").await.status, StatusCode::FORBIDDEN);
        assert_eq!(answer(app, &stranger.0, &id, "accept").await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/api/v1/introductions/{id}"), Some(&stranger.0)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(answer(app, &ada.0, "not-an-id", "accept").await.status, StatusCode::NOT_FOUND);
        assert_eq!(answer(app, &ada.0, &id, "accept").await.status, StatusCode::OK);
        let again = answer(app, &ada.0, &id, "accept").await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(again.json()["error"]["code"], "already_answered");

        // A block between the two closes an introduction as "not now", quietly.
        let id = {
            let cy = person(app, "Cy", json!({})).await;
            connect(app, &ivy, &cy).await;
            let blocked = app.put(&format!("/api/v1/me/blocks/{}", cy.1), Some(&bo.0)).await;
            assert!(blocked.status.is_success());
            introduce_closed(app, &ivy.0, &bo.1, &cy.1).await
        };
        assert_eq!(seen(app, &ivy.0, &id).await["status"], "not_now");
        let bos = app.get("/api/v1/me/notifications", Some(&bo.0)).await.json().to_string();
        assert!(!bos.contains(&id), "nobody is told of an introduction a block closes: {bos}");
    }

    async fn racing_accepts_connect_the_two_once(app) {
        let [ivy, ada, bo] = trio(app).await;
        let id = introduce(app, &ivy.0, &ada.1, &bo.1).await;
        let (x, y) = tokio::join!(answer(app, &ada.0, &id, "accept"), answer(app, &bo.0, &id, "accept"));
        assert_eq!((x.status, y.status), (StatusCode::OK, StatusCode::OK));
        assert_eq!(seen(app, &ivy.0, &id).await["status"], "connected");
        let pairs: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM connections WHERE state = 'accepted' AND source = 'introduction'",
        )
        .fetch_one(app.app.db.reader())
        .await
        .unwrap();
        assert_eq!(pairs, 1);
        // A strengthened link: a path over it counts the introduction.
        let energy = app.patch_json("/api/v1/me/profile", json!({"industry": "Energy"}), Some(&bo.0)).await;
        assert_eq!(energy.status, StatusCode::OK);
        let found = app.get("/api/v1/me/paths?industry=energy", Some(&ada.0)).await.json();
        assert!((found["paths"][0]["strength"].as_f64().unwrap() - 0.6).abs() < 1e-6, "{found}");
    }

    async fn a_request_for_an_introduction_gets_suggestions_and_an_answer(app) {
        let mia = person(app, "Mia", json!({})).await;
        let ivy = person(app, "Ivy", json!({})).await;
        let neg = json!({"is_mentor": true, "mentor_capacity": 2, "mentor_skills": [{"skill": "negotiation", "level": 4}]});
        let nora = person(app, "Nora", neg.clone()).await;
        let nick = person(app, "Nick", json!({"is_mentor": true, "mentor_capacity": 2, "mentor_skills": [{"skill": "negotiation", "level": 2}]})).await;
        let other = person(app, "Otto", json!({})).await;
        connect(app, &mia, &ivy).await;
        for p in [&nora, &nick, &other] {
            connect(app, &ivy, p).await;
        }
        // Mia asks Ivy for someone who mentors Negotiation.
        let asked = app.post_json("/api/v1/introductions/ask", json!({
            "person_id": ivy.1, "skill": "Negotiation", "mentors": true, "note": "I have a salary talk coming up."
        }), Some(&mia.0)).await;
        assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text());
        let asked = asked.json();
        assert_eq!(asked["looking_for"], "someone who mentors Negotiation");
        assert_eq!(asked["suggestions"], json!([]), "the asker is not shown the connection's people");
        let ask_id = asked["id"].as_str().unwrap().to_owned();
        // Ivy sees the request with her matching connections, highest level first.
        let ivys = app.get("/api/v1/introductions", Some(&ivy.0)).await.json();
        let to_ivy = &ivys["asks_to_you"][0];
        assert_eq!(to_ivy["asker"]["name"], "Mia");
        let names: Vec<&str> = to_ivy["suggestions"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Nora", "Nick"]);
        let inbox = app.get("/api/v1/me/notifications", Some(&ivy.0)).await.json().to_string();
        assert!(inbox.contains("introduction_asked"), "{inbox}");
        // She introduces Mia to Nora for it: the request is answered.
        let made = app.post_json("/api/v1/introductions", json!({
            "a": mia.1, "b": nora.1, "note": "Nora negotiates for a living.", "ask_id": ask_id
        }), Some(&ivy.0)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let mias = app.get("/api/v1/introductions", Some(&mia.0)).await.json();
        assert_eq!(mias["your_asks"][0]["state"], "introduced");
        assert_eq!(mias["for_you"][0]["people"][0]["name"], "Nora");
        // An answered request cannot be answered again.
        let again = app.post_json(&format!("/api/v1/introductions/asks/{ask_id}/decline"), json!({}), Some(&ivy.0)).await;
        assert_eq!(again.status, StatusCode::CONFLICT);

        // A request for someone on a path: Otto, whom Ivy knows. Ivy answers "not now".
        let path = app.post_json("/api/v1/introductions/ask", json!({"person_id": ivy.1, "target_id": other.1}), Some(&mia.0)).await;
        assert_eq!(path.status, StatusCode::CREATED, "{}", path.text());
        assert_eq!(path.json()["looking_for"], "Otto");
        let path_id = path.json()["id"].as_str().unwrap().to_owned();
        let suggested = app.get("/api/v1/introductions", Some(&ivy.0)).await.json();
        let open = suggested["asks_to_you"].as_array().unwrap().iter().find(|a| a["id"] == path_id.as_str()).unwrap().clone();
        assert_eq!(open["suggestions"][0]["name"], "Otto");
        assert_eq!(app.post_json(&format!("/api/v1/introductions/asks/{path_id}/withdraw"), json!({}), Some(&ivy.0)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.post_json(&format!("/api/v1/introductions/asks/{path_id}/decline"), json!({}), Some(&mia.0)).await.status, StatusCode::FORBIDDEN);
        let not_now = app.post_json(&format!("/api/v1/introductions/asks/{path_id}/decline"), json!({}), Some(&ivy.0)).await;
        assert_eq!(not_now.status, StatusCode::OK);
        assert_eq!(not_now.json()["state"], "not_now");
        // Withdrawing one's own open request.
        let third = app.post_json("/api/v1/introductions/ask", json!({"person_id": ivy.1, "industry": "Energy"}), Some(&mia.0)).await.json();
        let third_id = third["id"].as_str().unwrap();
        let withdrawn = app.post_json(&format!("/api/v1/introductions/asks/{third_id}/withdraw"), json!({}), Some(&mia.0)).await;
        assert_eq!(withdrawn.json()["state"], "withdrawn");

        // Bad requests name the field.
        for (body, field) in [
            (json!({"person_id": nora.1, "industry": "Energy"}), "person_id"),
            (json!({"person_id": ivy.1}), "skill"),
            (json!({"person_id": ivy.1, "skill": "no-such-skill"}), "skill"),
            (json!({"person_id": ivy.1, "skill": "negotiation", "min_level": 7}), "min_level"),
            (json!({"person_id": ivy.1, "target_id": mia.1}), "target_id"),
            (json!({"person_id": ivy.1, "target_id": nora.1, "note": "x".repeat(2001)}), "note"),
        ] {
            let refused = app.post_json("/api/v1/introductions/ask", body.clone(), Some(&mia.0)).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", refused.text());
            assert!(refused.json()["error"]["fields"][field].is_string(), "{body}: {}", refused.text());
        }
        // Someone Ivy does not know, or someone she knows while hiding her connections.
        let unknown = person(app, "Uma", json!({})).await;
        let refused = app.post_json("/api/v1/introductions/ask", json!({"person_id": ivy.1, "target_id": unknown.1}), Some(&mia.0)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        app.put_json("/api/v1/me/network", json!({"hide_connections": true}), Some(&ivy.0)).await;
        let hidden = app.post_json("/api/v1/introductions/ask", json!({"person_id": ivy.1, "target_id": other.1}), Some(&mia.0)).await;
        assert_eq!(hidden.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(hidden.json()["error"]["fields"]["target_id"], refused.json()["error"]["fields"]["target_id"]);
    }

    async fn the_pages_find_a_path_ask_introduce_and_accept_without_javascript(app) {
        let mia = person(app, "Mia", json!({})).await;
        let ivy = person(app, "Ivy", json!({})).await;
        let nora = person(app, "Nora", json!({"industry": "Energy", "role_title": "Trader"})).await;
        connect(app, &mia, &ivy).await;
        connect(app, &ivy, &nora).await;

        let (mut m, m_csrf) = browser_of(app, "mia@example.org").await;
        let empty = m.get("/network/find").await;
        assert_eq!(empty.status, StatusCode::OK);
        assert!(empty.text().contains("Find a way in"));
        let bad = m.get("/network/find?skill=no-such-skill").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains("no skill called"), "{}", bad.text());
        let found = m.get("/network/find?industry=Energy").await.text();
        assert!(found.contains("1 way in") && found.contains("Ask Ivy to introduce you to Nora"), "{found}");
        let asked = m.post("/network/ask", &[("_csrf", &m_csrf), ("person_id", &ivy.1), ("target_id", &nora.1), ("note", "Keen to learn trading.")]).await;
        assert_eq!(asked.header("location"), Some("/network/introductions"), "{}", asked.text());
        assert!(m.get("/network/introductions").await.text().contains("You asked"));

        let (mut i, i_csrf) = browser_of(app, "ivy@example.org").await;
        let page = i.get("/network/introductions").await.text();
        assert!(page.contains("Asked of you") && page.contains("Introduce Mia to Nora") && page.contains("Keen to learn trading."), "{page}");
        let ask_id = app.get("/api/v1/introductions", Some(&ivy.0)).await.json()["asks_to_you"][0]["id"].as_str().unwrap().to_owned();
        // A refused introduction shows the problem beside the form and keeps the note.
        let refused = i.post("/network/introductions", &[("_csrf", &i_csrf), ("a", &mia.1), ("b", &mia.1), ("note", "Kept note")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = refused.text();
        assert!(text.contains("introduce two different people") && text.contains("Kept note"), "{text}");
        let made = i.post("/network/introductions", &[("_csrf", &i_csrf), ("a", &mia.1), ("b", &nora.1), ("note", "Nora trades power."), ("ask_id", &ask_id)]).await;
        assert_eq!(made.header("location"), Some("/network/introductions"), "{}", made.text());

        let id = app.get("/api/v1/introductions", Some(&mia.0)).await.json()["for_you"][0]["id"].as_str().unwrap().to_owned();
        let page = m.get("/network/introductions").await.text();
        assert!(page.contains("Ivy</a> introduces you to") && page.contains("Nora trades power."), "{page}");
        let accepted = m.post(&format!("/introductions/{id}/accept"), &[("_csrf", &m_csrf)]).await;
        assert!(accepted.status.is_redirection());
        let (mut n, n_csrf) = browser_of(app, "nora@example.org").await;
        let accepted = n.post(&format!("/introductions/{id}/accept"), &[("_csrf", &n_csrf)]).await;
        assert!(accepted.status.is_redirection());
        let page = m.get("/network/introductions").await.text();
        assert!(page.contains("Connected") && page.contains("nora@example.org"), "{page}");
        assert!(m.get("/network").await.text().contains("Through an introduction"));
        // Someone else's introduction is not found.
        let theirs = i.post(&format!("/introductions/{id}/decline"), &[("_csrf", &i_csrf)]).await;
        assert_eq!(theirs.status, StatusCode::FORBIDDEN);
    }

    async fn requests_to_connect_and_their_acceptance_are_notified(app) {
        let ana = person(app, "Ana", json!({})).await;
        let ben = person(app, "Ben", json!({})).await;
        connect(app, &ana, &ben).await;
        let bens = app.get("/api/v1/me/notifications", Some(&ben.0)).await.json().to_string();
        assert!(bens.contains("connection_requested") && bens.contains("Ana asks to connect with you"), "{bens}");
        let anas = app.get("/api/v1/me/notifications", Some(&ana.0)).await.json().to_string();
        assert!(anas.contains("connection_accepted") && anas.contains("Ben accepted your request to connect"), "{anas}");
    }
}

/// An introduction that is closed from the start (a block between the two).
async fn introduce_closed(app: &TestApp, by: &str, a: &str, b: &str) -> String {
    let made = app
        .post_json(
            "/api/v1/introductions",
            json!({"a": a, "b": b, "note": "Meet."}),
            Some(by),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    assert_eq!(made.json()["status"], "not_now");
    made.json()["id"].as_str().unwrap().to_owned()
}
