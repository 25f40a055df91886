//! "Who can introduce me": paths through the network to the people a query matches, ranked
//! by strength, with the privacy rules that decide who may be a step on a path or its end.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::introductions::person;
use crate::support::{TestApp, api_tests};

/// `a` asks `b` to connect and `b` accepts.
async fn connect(app: &TestApp, a: &str, b: &str, b_id: &str) {
    let asked = app
        .post_json("/api/v1/connections", json!({"person_id": b_id}), Some(a))
        .await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text());
    let id = asked.json()["id"].as_str().unwrap().to_owned();
    let accepted = app
        .post_json(
            &format!("/api/v1/connections/{id}/accept"),
            json!({}),
            Some(b),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
}

async fn paths(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let found = app
        .get(&format!("/api/v1/me/paths?{query}"), Some(token))
        .await;
    assert_eq!(found.status, StatusCode::OK, "{query}: {}", found.text());
    found.json()["paths"].as_array().unwrap().clone()
}

/// Each path as "via → via → target".
fn chains(paths: &[Value]) -> Vec<String> {
    paths
        .iter()
        .map(|p| {
            p["via"]
                .as_array()
                .unwrap()
                .iter()
                .chain(std::iter::once(&p["target"]))
                .map(|person| person["name"].as_str().unwrap())
                .collect::<Vec<_>>()
                .join(" → ")
        })
        .collect()
}

/// Me — Ana (connection) — Ben (mentorship) — Cleo (connection), and me — Dan — Cleo: Cleo
/// works in Energy at Halden & Voss Bank and mentors Negotiation at level 4.
struct Network {
    me: String,
    ana: (String, String),
    ben: (String, String),
    cleo: (String, String),
    dan: (String, String),
}

async fn network(app: &TestApp) -> Network {
    let me = person(app, "Mia", json!({"industry": "Retail"})).await;
    let ana = person(app, "Ana", json!({"industry": "Retail"})).await;
    let ben = person(
        app,
        "Ben",
        json!({"industry": "Energy", "role_title": "Engineering Manager"}),
    )
    .await;
    let cleo = person(app, "Cleo", json!({
        "industry": "Energy", "organisation": "Halden & Voss Bank", "role_title": "Head of Trading",
        "hidden_fields": [], "is_mentor": true, "mentor_capacity": 2,
        "mentor_skills": [{"skill": "negotiation", "level": 4}]
    })).await;
    let dan = person(app, "Dan", json!({"industry": "Retail"})).await;
    connect(app, &me.0, &ana.0, &ana.1).await;
    app.mentorship_between(&ben.1, &ana.1).await;
    connect(app, &ben.0, &cleo.0, &cleo.1).await;
    connect(app, &me.0, &dan.0, &dan.1).await;
    connect(app, &dan.0, &cleo.0, &cleo.1).await;
    Network {
        me: me.0,
        ana,
        ben,
        cleo,
        dan,
    }
}

api_tests! {
    async fn paths_are_ranked_by_strength_then_length_and_name_every_step(app) {
        let n = network(app).await;
        let found = paths(app, &n.me, "industry=energy").await;
        // The best path to each: Ana → Ben is 0.5 × 0.9 = 0.45; to Cleo, Dan → Cleo
        // (0.5 × 0.5 = 0.25) beats Ana → Ben → Cleo (0.5 × 0.9 × 0.5 = 0.225).
        assert_eq!(chains(&found), ["Ana → Ben", "Dan → Cleo"]);
        assert!((found[0]["strength"].as_f64().unwrap() - 0.45).abs() < 1e-6, "{found:?}");
        assert!((found[1]["strength"].as_f64().unwrap() - 0.25).abs() < 1e-6, "{found:?}");
        assert_eq!(found[0]["hops"], 2);
        assert_eq!(found[0]["via"][0]["id"], n.ana.1.as_str());
        assert_eq!(found[1]["target"]["organisation"], "Halden & Voss Bank");
        assert_eq!(found[1]["target"]["role_title"], "Head of Trading");

        // Every criterion given must hold; a skill's level is the target's, and a direct
        // connection is a path of one link.
        let negotiators = paths(app, &n.me, "skill=Negotiation&min_level=4&mentors=true").await;
        assert_eq!(chains(&negotiators), ["Dan → Cleo"]);
        assert_eq!(negotiators[0]["skill_level"], 4);
        assert!(paths(app, &n.me, "skill=negotiation&min_level=5").await.is_empty());
        assert_eq!(chains(&paths(app, &n.me, "organisation=HALDEN+%26+VOSS+BANK").await), ["Dan → Cleo"]);
        assert_eq!(chains(&paths(app, &n.me, "role=engineering&industry=Energy").await), ["Ana → Ben"]);
        assert_eq!(chains(&paths(app, &n.me, "industry=Retail").await), ["Ana", "Dan"]);
        assert_eq!(chains(&paths(app, &n.me, "industry=Retail&limit=1").await), ["Ana"]);
        // The person asking is never a path's end.
        assert!(paths(app, &n.cleo.0, "organisation=Halden+%26+Voss+Bank").await.is_empty());
    }

    async fn nobody_is_shown_through_someone_who_hides_is_unlisted_suspended_or_blocked(app) {
        let n = network(app).await;
        // Dan hides his connections: no path goes through him, at once.
        let hidden = app.put_json("/api/v1/me/network", json!({"hide_connections": true}), Some(&n.dan.0)).await;
        assert_eq!(hidden.status, StatusCode::OK);
        let found = paths(app, &n.me, "industry=energy").await;
        assert_eq!(chains(&found), ["Ana → Ben", "Ana → Ben → Cleo"]);
        assert_eq!(found[1]["hops"], 3);
        // He is still a path's end himself (he is Mia's connection).
        assert_eq!(chains(&paths(app, &n.me, "industry=retail").await), ["Ana", "Dan"]);

        // A hidden organisation is not matched.
        let private = app.patch_json("/api/v1/me/profile", json!({"hidden_fields": ["organisation"]}), Some(&n.cleo.0)).await;
        assert_eq!(private.status, StatusCode::OK);
        assert!(paths(app, &n.me, "organisation=Halden+%26+Voss+Bank").await.is_empty());
        let found = paths(app, &n.me, "industry=energy").await;
        assert_eq!(found[1]["target"]["organisation"], Value::Null);

        // Ben leaves the directory: he is neither an end nor a step.
        let unlisted = app.patch_json("/api/v1/me/profile", json!({"listed": false}), Some(&n.ben.0)).await;
        assert_eq!(unlisted.status, StatusCode::OK);
        assert!(paths(app, &n.me, "industry=energy").await.is_empty());
        let back = app.patch_json("/api/v1/me/profile", json!({"listed": true}), Some(&n.ben.0)).await;
        assert_eq!(back.status, StatusCode::OK);
        assert_eq!(chains(&paths(app, &n.me, "industry=energy").await), ["Ana → Ben", "Ana → Ben → Cleo"]);

        // Cleo blocks Mia: Cleo is not found, and Mia finds no path through her either.
        let blocked = app.put(&format!("/api/v1/me/blocks/{}", app.id_of(&n.me).await), Some(&n.cleo.0)).await;
        assert!(blocked.status.is_success(), "{}", blocked.text());
        assert_eq!(chains(&paths(app, &n.me, "industry=energy").await), ["Ana → Ben"]);

        // Ana is suspended: nothing goes through her.
        sqlx::query("UPDATE persons SET suspended_at = 1 WHERE id = $1")
            .bind(&n.ana.1)
            .execute(app.app.db.writer())
            .await
            .unwrap();
        assert!(paths(app, &n.me, "industry=energy").await.is_empty());
    }

    async fn blocking_ends_the_connection(app) {
        let n = network(app).await;
        let blocked = app.put(&format!("/api/v1/me/blocks/{}", n.dan.1), Some(&n.me)).await;
        assert!(blocked.status.is_success(), "{}", blocked.text());
        let mine = app.get("/api/v1/connections", Some(&n.me)).await.json();
        let names: Vec<&str> = mine["connections"].as_array().unwrap().iter().map(|c| c["person"]["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Ana"]);
    }

    async fn a_bad_query_names_the_field(app) {
        let n = network(app).await;
        for (query, field) in [
            ("", "skill"),
            ("min_level=3", "min_level"),
            ("skill=negotiation&min_level=9", "min_level"),
            ("skill=no-such-skill", "skill"),
            ("skill=negotiation&mentors=maybe", "mentors"),
            ("industry=energy&limit=0", "limit"),
            ("industry=energy&limit=51", "limit"),
            ("industry=%E2%80%AEenergy", "industry"),
        ] {
            let refused = app.get(&format!("/api/v1/me/paths?{query}"), Some(&n.me)).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {}", refused.text());
            assert!(refused.json()["error"]["fields"][field].is_string(), "{query}: {}", refused.text());
        }
        let long = format!("/api/v1/me/paths?role={}", "a".repeat(101));
        assert_eq!(app.get(&long, Some(&n.me)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.get("/api/v1/me/paths?industry=energy", None).await.status, StatusCode::UNAUTHORIZED);
    }
}
