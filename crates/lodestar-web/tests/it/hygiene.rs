//! Input hygiene: NUL, control and bidirectional characters in the text an endpoint takes
//! are field errors (422 naming the field) that change nothing, and no string input reaches
//! the database as a server error. PostgreSQL refuses NUL in text, so the PostgreSQL
//! variants are the ones that would answer 500 without the checks.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp, api_tests};

const NUL: &str = "Ada\u{0}Lovelace";
const ESCAPE: &str = "Ada\u{1b}[2J";
/// U+202E RIGHT-TO-LEFT OVERRIDE: the rest of the name is shown reversed, "Ada Lovelace".
const OVERRIDE: &str = "Ada \u{202e}ecalevoL";

const CONTROL: &str = "must not contain control characters";
const BIDI: &str = "must not contain bidirectional control characters (such as U+202E)";

/// Sends `body` as a profile edit and checks it is refused with `field` alone named.
async fn refused_edit(app: &TestApp, token: &str, body: Value, field: &str) -> Value {
    let response = app
        .patch_json("/api/v1/me/profile", body.clone(), Some(token))
        .await;
    let error = response.field_errors(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        &[field],
    );
    error["fields"][field].clone()
}

/// Five level descriptions with `bad` third.
fn levels(bad: &str) -> Vec<&str> {
    let mut levels = vec!["Knows of it"; 5];
    levels[2] = bad;
    levels
}

async fn json_of(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get(path, Some(token)).await;
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{path}: {}",
        response.text()
    );
    response.json()
}

api_tests! {
    async fn registration_refuses_control_and_bidirectional_characters(app) {
        for (name, email, field, message) in [
            (NUL, "ada@example.org", "name", CONTROL),
            (ESCAPE, "ada@example.org", "name", CONTROL),
            ("Ada\tLovelace", "ada@example.org", "name", CONTROL),
            (OVERRIDE, "ada@example.org", "name", BIDI),
            ("Ada\u{2066}", "ada@example.org", "name", BIDI),
            ("Ada", "ada\u{0}@example.org", "email", CONTROL),
            ("Ada", "ada@example\u{0}.org", "email", CONTROL),
            ("Ada", "ada\u{202e}@example.org", "email", BIDI),
        ] {
            let response = app
                .post_json(
                    "/api/v1/auth/register",
                    json!({"name": name, "email": email, "password": PASSWORD}),
                    None,
                )
                .await;
            let error = response.field_errors(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                &[field],
            );
            assert_eq!(error["fields"][field], message, "{name:?} {email:?}");
        }
        // Nothing was created: the address is still free.
        let registered = app.register("Ada Lovelace", "ada@example.org").await;
        assert_eq!(registered.status, StatusCode::CREATED, "{}", registered.text());
    }

    async fn profile_edits_refuse_control_characters_in_every_text_field_and_change_nothing(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let before = json_of(app, "/api/v1/me/profile", &token).await;

        let one_line = [
            "name",
            "headline",
            "role_title",
            "organisation",
            "department",
            "industry",
            "location",
        ];
        for field in one_line {
            for (bad, message) in [(NUL, CONTROL), (ESCAPE, CONTROL), (OVERRIDE, BIDI)] {
                let got = refused_edit(app, &token, json!({ field: bad }), field).await;
                assert_eq!(got, message, "{field} = {bad:?}");
            }
            let got = refused_edit(app, &token, json!({ field: "two\nlines" }), field).await;
            assert_eq!(got, "must be a single line", "{field}");
        }
        for bad in [NUL, ESCAPE, "bell\u{7}"] {
            let got = refused_edit(app, &token, json!({ "bio": bad }), "bio").await;
            assert_eq!(got, CONTROL, "bio = {bad:?}");
        }
        refused_edit(app, &token, json!({"time_zone": "Europe/\u{0}Lisbon"}), "time_zone").await;
        for (list, good) in [
            ("languages", "en"),
            ("focus_areas", "networking"),
            ("hidden_fields", "email"),
        ] {
            let field = format!("{list}[1]");
            let got = refused_edit(app, &token, json!({ list: [good, NUL] }), &field).await;
            // The bad value is quoted with escapes, never sent back raw.
            assert!(got.as_str().is_some_and(|m| m.starts_with(r#""Ada\0Lovelace""#)), "{got}");
        }
        for list in ["mentor_skills", "growth_skills"] {
            let field = format!("{list}[0].skill");
            let got = refused_edit(
                app,
                &token,
                json!({ list: [{"skill": "rust\u{0}", "level": 3}] }),
                &field,
            )
            .await;
            assert_eq!(got, CONTROL);
        }
        // One bad field among good ones: the whole edit is refused.
        refused_edit(
            app,
            &token,
            json!({"headline": "Engineer", "location": "Lisbon", "bio": NUL}),
            "bio",
        )
        .await;

        let after = json_of(app, "/api/v1/me/profile", &token).await;
        assert_eq!(after, before, "a refused edit changed the profile");
    }

    async fn a_bio_keeps_its_line_breaks_and_tabs(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let response = app
            .patch_json(
                "/api/v1/me/profile",
                json!({"bio": "First.\r\n\r\n\tSecond.", "headline": " Engineer "}),
                Some(&token),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        let profile = response.json();
        assert_eq!(profile["bio"], "First.\n\n\tSecond.");
        assert_eq!(profile["headline"], "Engineer");
    }

    async fn a_skill_list_over_the_cap_is_refused_before_any_entry_is_looked_up(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let before = json_of(app, "/api/v1/me/profile", &token).await;
        // Entries that would each be an error of their own if they were looked up (as many
        // as fit in the body limit).
        let entries: Vec<Value> = (0..1_000)
            .map(|i| json!({"skill": format!("no-such-skill-{i}"), "level": 3}))
            .collect();
        let got = refused_edit(app, &token, json!({"growth_skills": entries}), "growth_skills").await;
        assert_eq!(got, "list at most 30 skills");
        assert_eq!(json_of(app, "/api/v1/me/profile", &token).await, before);
    }

    async fn a_skill_list_is_resolved_by_slug_id_and_name_in_any_case(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let skills = json_of(app, "/api/v1/skills", &token).await;
        let skills = skills.as_array().expect("a list");
        let (a, b, c) = (&skills[0], &skills[1], &skills[2]);
        let response = app
            .patch_json(
                "/api/v1/me/profile",
                json!({"growth_skills": [
                    {"skill": a["slug"], "level": 2},
                    {"skill": b["id"], "level": 3},
                    {"skill": c["name"].as_str().unwrap().to_uppercase(), "level": 4},
                    {"skill": "no-such-skill", "level": 1},
                ]}),
                Some(&token),
            )
            .await;
        let error = response.field_errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            &["growth_skills[3].skill"],
        );
        assert_eq!(
            error["fields"]["growth_skills[3].skill"],
            r#"no skill called "no-such-skill" in the catalogue"#
        );
        let response = app
            .patch_json(
                "/api/v1/me/profile",
                json!({"growth_skills": [
                    {"skill": a["slug"], "level": 2},
                    {"skill": b["id"], "level": 3},
                    {"skill": c["name"].as_str().unwrap().to_uppercase(), "level": 4},
                ]}),
                Some(&token),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        let profile = response.json();
        let got: Vec<&Value> = profile["growth_skills"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|s| &s["id"])
            .collect();
        assert_eq!(got, [&a["id"], &b["id"], &c["id"]]);
    }

    async fn token_names_refuse_control_characters(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let before = json_of(app, "/api/v1/me/tokens", &token).await;
        for (bad, message) in [(NUL, CONTROL), (ESCAPE, CONTROL), (OVERRIDE, BIDI)] {
            let response = app
                .post_json("/api/v1/me/tokens", json!({"name": bad}), Some(&token))
                .await;
            let error = response.field_errors(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                &["name"],
            );
            assert_eq!(error["fields"]["name"], message);
        }
        assert_eq!(json_of(app, "/api/v1/me/tokens", &token).await, before);
    }

    async fn catalogue_edits_refuse_control_characters_and_change_nothing(app) {
        let (admin, _) = app.admin_and_member().await;
        let before = json_of(app, "/api/v1/skills?include_retired=true", &admin).await;
        let good = json!({"name": "Fortran", "kind": "technical", "category": "Languages"});
        for (change, field, message) in [
            (json!({"name": NUL}), "name", CONTROL),
            (json!({"name": OVERRIDE}), "name", BIDI),
            (json!({"category": ESCAPE}), "category", CONTROL),
            (json!({"description": NUL}), "description", CONTROL),
            (json!({"levels": levels(NUL)}), "levels[2]", CONTROL),
            (json!({"levels": levels("two\nlines")}), "levels[2]", "must be a single line"),
            (json!({"slug": "fortran\u{0}"}), "slug", "must be 1–60 lower-case letters, digits or single hyphens"),
            (json!({"kind": "soft\u{0}"}), "kind", "must be \"technical\" or \"soft\""),
        ] {
            let mut body = good.clone();
            for (k, v) in change.as_object().expect("an object") {
                body[k] = v.clone();
            }
            let response = app.post_json("/api/v1/skills", body, Some(&admin)).await;
            let error = response.field_errors(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                &[field],
            );
            assert_eq!(error["fields"][field], message, "{change}");
        }

        let slug = before[0]["slug"].as_str().expect("a slug").to_owned();
        for (change, field) in [
            (json!({"name": NUL}), "name"),
            (json!({"category": ESCAPE}), "category"),
            (json!({"description": "a\u{0}b"}), "description"),
        ] {
            let response = app
                .patch_json(&format!("/api/v1/skills/{slug}"), change.clone(), Some(&admin))
                .await;
            response.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &[field]);
        }
        let response = app
            .post_json(
                &format!("/api/v1/skills/{slug}/merge"),
                json!({"into": "rust\u{0}"}),
                Some(&admin),
            )
            .await;
        let error =
            response.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["into"]);
        assert_eq!(error["fields"]["into"], r#"no skill called "rust\0""#);

        let after = json_of(app, "/api/v1/skills?include_retired=true", &admin).await;
        assert_eq!(after, before, "a refused edit changed the catalogue");
    }

    async fn ids_and_skill_references_in_paths_with_control_characters_are_not_found(app) {
        let (admin, _) = app.admin_and_member().await;
        for path in [
            "/api/v1/people/%00",
            "/api/v1/skills/%00",
            "/api/v1/skills/rust%00",
            "/api/v1/skills/%1B%5B2J",
        ] {
            app.get(path, Some(&admin)).await.error(StatusCode::NOT_FOUND, "not_found");
        }
        app.put("/api/v1/me/blocks/%00", Some(&admin))
            .await
            .error(StatusCode::NOT_FOUND, "not_found");
        app.delete("/api/v1/me/blocks/%00", Some(&admin))
            .await
            .error(StatusCode::NOT_FOUND, "not_found");
        app.delete("/api/v1/me/tokens/%00", Some(&admin))
            .await
            .error(StatusCode::NOT_FOUND, "not_found");
        app.patch_json("/api/v1/skills/rust%00", json!({"name": "Rust"}), Some(&admin))
            .await
            .error(StatusCode::NOT_FOUND, "not_found");
        app.post_json("/api/v1/skills/rust%00/merge", json!({"into": "go"}), Some(&admin))
            .await
            .error(StatusCode::NOT_FOUND, "not_found");
    }

    async fn directory_filters_refuse_control_characters_and_long_values(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        for field in ["q", "role", "skill", "min_level", "industry", "language", "tz", "tz_hours",
            "min_availability", "page", "per_page"]
        {
            for (bad, message) in [("a%00b", CONTROL), ("a%1Bb", CONTROL), ("a%E2%80%AEb", BIDI)] {
                let response = app.get(&format!("/api/v1/people?{field}={bad}"), Some(&token)).await;
                let error = response.field_errors(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    &[field],
                );
                assert_eq!(error["fields"][field], message, "{field}={bad}");
            }
        }
        for (field, max) in [("q", 200), ("skill", 100), ("industry", 100), ("language", 40), ("tz", 64), ("page", 20)] {
            let long = "a".repeat(max + 1);
            let response = app.get(&format!("/api/v1/people?{field}={long}"), Some(&token)).await;
            let error = response.field_errors(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                &[field],
            );
            assert_eq!(error["fields"][field], format!("must be at most {max} characters"));
        }
        // The document says so.
        let doc = app.get("/api/openapi.json", None).await.json();
        let params = doc["paths"]["/api/v1/people"]["get"]["parameters"]
            .as_array()
            .expect("parameters");
        for (field, max) in [("q", 200), ("skill", 100), ("industry", 100), ("language", 40), ("tz", 64)] {
            let param = params.iter().find(|p| p["name"] == field).expect("documented");
            assert_eq!(param["schema"]["maxLength"], max, "{param}");
        }
        // At the limit, a filter is an ordinary search.
        let q = "a".repeat(200);
        let response = app.get(&format!("/api/v1/people?q={q}"), Some(&token)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        assert_eq!(response.json()["total"], 0);
    }

    async fn the_recommendations_limit_with_a_nul_is_a_client_error(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let response = app.get("/api/v1/me/recommendations?limit=1%00", Some(&token)).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.text());
    }

    async fn logging_in_with_a_nul_in_the_email_is_a_client_error(app) {
        app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let response = app
            .post_json(
                "/api/v1/auth/login",
                json!({"email": "ada\u{0}@example.org", "password": PASSWORD}),
                None,
            )
            .await;
        assert!(
            response.status.is_client_error(),
            "{} {}",
            response.status,
            response.text()
        );
    }

    async fn a_body_written_as_an_array_is_refused_and_creates_nothing(app) {
        let response = app
            .post_json(
                "/api/v1/auth/register",
                json!(["Arr Ay", "arr@example.org", PASSWORD]),
                None,
            )
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.text());
        assert_eq!(response.json()["error"]["code"], "invalid_body");
        let login = app.login("arr@example.org", PASSWORD).await;
        assert_eq!(login.status, StatusCode::UNAUTHORIZED, "{}", login.text());
    }
}
