//! The audit log of admin actions: each kind of admin action leaves exactly one record
//! with its actor, action and target; a refused one leaves none; a person acting on their
//! own enrolment is not an admin; no secret reaches a record; and the log is read by
//! instance admins only, newest first, by pages and filters.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::meetings::date_in_days;
use crate::support::{PASSWORD, TestApp, api_tests};

async fn log(app: &TestApp, token: &str, query: &str) -> Value {
    let got = app
        .get(&format!("/api/v1/admin/audit{query}"), Some(token))
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    got.json()
}

fn entries(page: &Value) -> &Vec<Value> {
    page["entries"].as_array().expect("entries")
}

/// The one record of `action`, checked for its actor and target.
async fn one(app: &TestApp, admin: &str, action: &str, actor: &str, target: (&str, &str)) -> Value {
    let page = log(app, admin, &format!("?action={action}")).await;
    assert_eq!(entries(&page).len(), 1, "one {action}: {page}");
    let record = entries(&page)[0].clone();
    assert_eq!(record["actor"]["id"], actor, "{record}");
    assert_eq!(record["action"], action);
    assert_eq!(
        (record["target_kind"].as_str(), record["target_id"].as_str()),
        (Some(target.0), Some(target.1)),
        "{record}"
    );
    assert!(!record["summary"].as_str().unwrap().is_empty());
    record
}

async fn count(app: &TestApp, admin: &str) -> usize {
    entries(&log(app, admin, "?limit=200").await).len()
}

fn programme_body(name: &str, needs_approval: bool, admins: &[&str]) -> Value {
    json!({
        "name": name,
        "enrolment_opens": date_in_days(-1),
        "enrolment_closes": date_in_days(10),
        "starts_on": date_in_days(20),
        "ends_on": date_in_days(200),
        "matching": "cohort",
        "needs_approval": needs_approval,
        "admins": admins,
        "questions": [{"kind": "scale", "text": "How confident are you?", "required": true}]
    })
}

api_tests! {
    async fn catalogue_changes_leave_one_record_each_and_refused_ones_none(app) {
        let (admin, member) = app.admin_and_member().await;
        let ada = app.id_of(&admin).await;
        let skill = json!({"name": "Rust async", "kind": "technical", "category": "Software engineering"});
        assert_eq!(app.post_json("/api/v1/skills", skill.clone(), Some(&member)).await.status, StatusCode::FORBIDDEN);
        let bad = app.post_json("/api/v1/skills", json!({"name": "", "kind": "woodwork", "category": ""}), Some(&admin)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(count(app, &admin).await, 1, "refused actions leave no record: only the admin's own creation");

        let made = app.post_json("/api/v1/skills", skill, Some(&admin)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let (id, slug) = (made.json()["id"].as_str().unwrap().to_owned(), made.json()["slug"].as_str().unwrap().to_owned());
        let added = one(app, &admin, "skill.add", &ada, ("skill", &id)).await;
        assert_eq!(added["actor"]["name"], "Ada Admin");
        assert_eq!(added["detail"]["name"], "Rust async");

        let path = format!("/api/v1/skills/{slug}");
        let renamed = app.patch_json(&path, json!({"name": "Async Rust"}), Some(&admin)).await;
        assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text());
        let edited = one(app, &admin, "skill.edit", &ada, ("skill", &id)).await;
        assert_eq!(edited["detail"], json!({"name": {"from": "Rust async", "to": "Async Rust"}}));
        assert_eq!(app.patch_json(&path, json!({"retired": true}), Some(&admin)).await.status, StatusCode::OK);
        one(app, &admin, "skill.retire", &ada, ("skill", &id)).await;
        assert_eq!(app.patch_json(&path, json!({"retired": false}), Some(&admin)).await.status, StatusCode::OK);
        one(app, &admin, "skill.restore", &ada, ("skill", &id)).await;
        one(app, &admin, "skill.edit", &ada, ("skill", &id)).await;

        let merge = format!("{path}/merge");
        let itself = app.post_json(&merge, json!({"into": slug}), Some(&admin)).await;
        assert_eq!(itself.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.post_json(&merge, json!({"into": "rust"}), Some(&member)).await.status, StatusCode::FORBIDDEN);
        let merged = app.post_json(&merge, json!({"into": "rust"}), Some(&admin)).await;
        assert_eq!(merged.status, StatusCode::OK, "{}", merged.text());
        let record = one(app, &admin, "skill.merge", &ada, ("skill", &id)).await;
        assert_eq!(record["detail"]["into"], "rust");

        let role = app.post_json("/api/v1/roles", json!({"title": "Platform lead", "skills": [{"skill": "rust", "level": 3}]}), Some(&admin)).await;
        assert_eq!(role.status, StatusCode::CREATED, "{}", role.text());
        let role = role.json()["id"].as_str().unwrap().to_owned();
        one(app, &admin, "role.add", &ada, ("role", &role)).await;
        let role_path = format!("/api/v1/roles/{role}");
        assert_eq!(app.patch_json(&role_path, json!({"title": "Platform manager"}), Some(&member)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.patch_json(&role_path, json!({"title": "Platform manager"}), Some(&admin)).await.status, StatusCode::OK);
        let edited = one(app, &admin, "role.edit", &ada, ("role", &role)).await;
        assert_eq!(edited["detail"]["title"], json!({"from": "Platform lead", "to": "Platform manager"}));
        assert_eq!(count(app, &admin).await, 8);
    }

    async fn moderation_and_opportunity_actions_are_recorded(app) {
        let (admin, member) = app.admin_and_member().await;
        let ada = app.id_of(&admin).await;
        let rex = app.register_and_login("Rex Rude", "rex@example.org").await;
        let (rex_id, bob_id) = (app.id_of(&rex).await, app.id_of(&member).await);
        let mentorship = app.mentorship_between(&rex_id, &bob_id).await;
        let thread = app.get(&format!("/api/v1/mentorships/{mentorship}"), Some(&member)).await.json()["thread_id"]
            .as_str().unwrap().to_owned();
        let mut reports = Vec::new();
        for text in ["You are hopeless", "Still hopeless"] {
            let message = app.post_json(&format!("/api/v1/threads/{thread}/messages"), json!({"body": text}), Some(&rex)).await;
            assert_eq!(message.status, StatusCode::CREATED, "{}", message.text());
            let message = message.json()["id"].as_str().unwrap().to_owned();
            let report = app.post_json(&format!("/api/v1/messages/{message}/report"),
                json!({"reason": "harassment", "comment": "Again"}), Some(&member)).await;
            assert_eq!(report.status, StatusCode::CREATED, "{}", report.text());
            reports.push(report.json()["id"].as_str().unwrap().to_owned());
        }
        let by: &str = &admin;
        let act = |report: &str, action: &str| {
            let path = format!("/api/v1/admin/reports/{report}/actions");
            let body = json!({"action": action, "note": "Keep it civil"});
            async move { app.post_json(&path, body, Some(by)).await }
        };
        assert_eq!(act(&reports[0], "shout").await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(act(&reports[0], "warn").await.status, StatusCode::CREATED);
        let warned = one(app, &admin, "report.warn", &ada, ("report", &reports[0])).await;
        assert_eq!(warned["detail"]["author"], rex_id.as_str());
        assert!(!warned.to_string().contains("hopeless"), "nothing of the conversation: {warned}");
        assert_eq!(act(&reports[1], "dismiss").await.status, StatusCode::CREATED);
        one(app, &admin, "report.dismiss", &ada, ("report", &reports[1])).await;
        assert_eq!(act(&reports[0], "close_thread").await.status, StatusCode::CREATED);
        one(app, &admin, "report.close_thread", &ada, ("report", &reports[0])).await;
        assert_eq!(act(&reports[0], "suspend").await.status, StatusCode::CREATED);
        one(app, &admin, "report.suspend", &ada, ("report", &reports[0])).await;
        let lift = format!("/api/v1/admin/suspensions/{rex_id}");
        assert_eq!(app.delete(&lift, Some(&member)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.delete(&lift, Some(&admin)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.delete(&lift, Some(&admin)).await.status, StatusCode::NOT_FOUND, "not suspended any more");
        let lifted = one(app, &admin, "suspension.lift", &ada, ("person", &rex_id)).await;
        assert!(lifted["summary"].as_str().unwrap().contains("Rex Rude"), "{lifted}");

        let post = |title: &str| json!({"kind": "stretch_project", "title": title, "description": "Lead the Q3 supplier talks.",
            "skills": [{"skill": "negotiation", "level": 3}], "industry": "Energy", "location": "Leeds",
            "remote": false, "closes_on": date_in_days(30), "visibility": "everyone"});
        let made = app.post_json("/api/v1/opportunities", post("Supplier talks"), Some(&member)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let opportunity = made.json()["id"].as_str().unwrap().to_owned();
        let pin = format!("/api/v1/opportunities/{opportunity}/pin");
        assert_eq!(app.put_json(&pin, json!({"pinned": true}), Some(&member)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.put_json(&pin, json!({"pinned": true}), Some(&admin)).await.status, StatusCode::OK);
        one(app, &admin, "opportunity.pin", &ada, ("opportunity", &opportunity)).await;
        assert_eq!(app.put_json(&pin, json!({"pinned": false}), Some(&admin)).await.status, StatusCode::OK);
        one(app, &admin, "opportunity.unpin", &ada, ("opportunity", &opportunity)).await;
        let remove = format!("/api/v1/opportunities/{opportunity}");
        assert_eq!(app.delete(&remove, Some(&member)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.delete(&remove, Some(&admin)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.delete(&remove, Some(&admin)).await.status, StatusCode::NOT_FOUND);
        one(app, &admin, "opportunity.remove", &ada, ("opportunity", &opportunity)).await;
        // The author's own close is not an admin action.
        let own = app.post_json("/api/v1/opportunities", post("Mentoring circle"), Some(&admin)).await.json()["id"]
            .as_str().unwrap().to_owned();
        assert_eq!(app.post_json(&format!("/api/v1/opportunities/{own}/close"), json!({}), Some(&admin)).await.status, StatusCode::OK);
        assert_eq!(count(app, &admin).await, 9);
    }

    async fn programme_enrolment_and_import_actions_are_recorded_without_secrets(app) {
        let (admin, member) = app.admin_and_member().await;
        let ada = app.id_of(&admin).await;
        let cleo = app.register_and_login("Cleo Coordinator", "cleo@example.org").await;
        let cleo_id = app.id_of(&cleo).await;
        assert_eq!(app.post_json("/api/v1/programmes", programme_body("Spring", true, &[]), Some(&member)).await.status, StatusCode::FORBIDDEN);
        let made = app.post_json("/api/v1/programmes", programme_body("Spring", true, &[]), Some(&admin)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let programme = made.json()["id"].as_str().unwrap().to_owned();
        let created = one(app, &admin, "programme.create", &ada, ("programme", &programme)).await;
        assert_eq!(created["detail"]["name"], "Spring");
        assert!(created["detail"].get("invitation_code").is_none());

        let path = format!("/api/v1/programmes/{programme}");
        let renamed = app.put_json(&path, programme_body("Spring cohort", true, &[]), Some(&admin)).await;
        assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text());
        let edited = one(app, &admin, "programme.edit", &ada, ("programme", &programme)).await;
        assert_eq!(edited["detail"], json!({"name": {"from": "Spring", "to": "Spring cohort"}}));
        let mut bad = programme_body("", true, &[]);
        bad["ends_on"] = json!("someday");
        let bad = app.put_json(&path, bad, Some(&admin)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text());
        let admins = app.put_json(&path, programme_body("Spring cohort", true, &[&cleo_id]), Some(&admin)).await;
        assert_eq!(admins.status, StatusCode::OK, "{}", admins.text());
        let changed = one(app, &admin, "programme.admins", &ada, ("programme", &programme)).await;
        assert_eq!(changed["detail"], json!({"added": [cleo_id], "removed": []}));
        one(app, &admin, "programme.edit", &ada, ("programme", &programme)).await;

        // The programme's own admin makes a new invitation link: recorded, never its secret.
        let link = app.post_json(&format!("{path}/invitation"), json!({}), Some(&cleo)).await;
        assert_eq!(link.status, StatusCode::OK, "{}", link.text());
        let secret = link.json()["invitation_link"].as_str().unwrap().rsplit('=').next().unwrap().to_owned();
        assert!(secret.len() > 10, "{}", link.text());
        let record = one(app, &admin, "programme.invitation_link", &cleo_id, ("programme", &programme)).await;
        assert!(!record.to_string().contains(&secret), "no secret in {record}");

        // Enrolments: approved, declined, removed by an admin; withdrawn by its person.
        let enrol = |token: String| {
            let path = format!("/api/v1/programmes/{programme}/enrolments");
            async move {
                let made = app.post_json(&path, json!({"role": "mentee", "answers": {"0": 3}}), Some(&token)).await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
        };
        let dan = app.register_and_login("Dan Doe", "dan@example.org").await;
        let eve = app.register_and_login("Eve Early", "eve@example.org").await;
        let (bob_enrolment, dan_enrolment, eve_enrolment) = (enrol(member.clone()).await, enrol(dan.clone()).await, enrol(eve.clone()).await);
        let decide = |id: &str, how: &str, token: &str| {
            let path = format!("/api/v1/enrolments/{id}/{how}");
            let token = token.to_owned();
            async move { app.post_json(&path, json!({}), Some(&token)).await.status }
        };
        assert_eq!(decide(&bob_enrolment, "approve", &dan).await, StatusCode::NOT_FOUND);
        assert_eq!(decide(&bob_enrolment, "approve", &cleo).await, StatusCode::OK);
        one(app, &admin, "enrolment.approve", &cleo_id, ("enrolment", &bob_enrolment)).await;
        assert_eq!(decide(&bob_enrolment, "decline", &cleo).await, StatusCode::CONFLICT, "decided already");
        assert_eq!(decide(&dan_enrolment, "decline", &admin).await, StatusCode::OK);
        one(app, &admin, "enrolment.decline", &ada, ("enrolment", &dan_enrolment)).await;
        assert_eq!(app.delete(&format!("/api/v1/enrolments/{bob_enrolment}"), Some(&admin)).await.status, StatusCode::NO_CONTENT);
        one(app, &admin, "enrolment.remove", &ada, ("enrolment", &bob_enrolment)).await;
        assert_eq!(app.delete(&format!("/api/v1/enrolments/{eve_enrolment}"), Some(&eve)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(entries(&log(app, &admin, "?action=enrolment.remove").await).len(), 1, "withdrawing one's own is not an admin action");

        // A participants file: the dry run is not recorded, the import is, with its counts.
        let file = "name,email,role,How confident are you?\nZed Zimmer,zed@example.org,mentee,3\nEve Early,eve@example.org,mentor,4\n";
        let import = |dry_run: bool| {
            let path = format!("{path}/participants/import?dry_run={dry_run}");
            let token = cleo.clone();
            async move { app.raw(Method::POST, &path, "text/csv", file.to_owned(), Some(&token)).await }
        };
        let checked = import(true).await;
        assert_eq!(checked.status, StatusCode::OK, "{}", checked.text());
        assert!(entries(&log(app, &admin, "?action=participants.import").await).is_empty(), "a dry run is not recorded");
        let done = import(false).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        let imported = one(app, &admin, "participants.import", &cleo_id, ("programme", &programme)).await;
        assert_eq!(imported["detail"], json!({"rows": 2, "created": 2, "updated": 0, "unchanged": 0, "invited": 1}));
        let invitation: String = sqlx::query_scalar("SELECT body FROM outbox WHERE recipient = 'zed@example.org'")
            .fetch_one(app.app.db.reader()).await.unwrap();
        let token = invitation.split("/invitations/").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
        assert!(!log(app, &admin, "?limit=200").await.to_string().contains(&token), "no invitation secret in the log");

        assert_eq!(app.delete(&path, Some(&cleo)).await.status, StatusCode::FORBIDDEN, "programme admins do not archive");
        assert_eq!(app.delete(&path, Some(&admin)).await.status, StatusCode::NO_CONTENT);
        one(app, &admin, "programme.archive", &ada, ("programme", &programme)).await;
        assert_eq!(app.delete(&path, Some(&admin)).await.status, StatusCode::CONFLICT);
        assert_eq!(count(app, &admin).await, 10);
    }

    async fn match_runs_started_edited_and_published_are_recorded(app) {
        let (admin, _member) = app.admin_and_member().await;
        let ada = app.id_of(&admin).await;
        let programme = crate::match_runs::programme(app, &admin).await;
        let [_, (_, ben), _, _, (_, eli)] = crate::match_runs::cohort(app, &programme).await;
        let start = format!("/api/v1/programmes/{programme}/match-runs");
        let bad = app.post_json(&start, json!({"objective": "luck"}), Some(&admin)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let started = app.post_json(&start, json!({"objective": "max_total", "min_score": 0}), Some(&admin)).await;
        assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.text());
        let run = started.json()["id"].as_str().unwrap().to_owned();
        one(app, &admin, "match_run.start", &ada, ("match_run", &run)).await;
        crate::match_runs::settled(app, &run, &admin).await;

        let path = format!("/api/v1/match-runs/{run}");
        let nothing = app.patch_json(&path, json!({"lock": []}), Some(&admin)).await;
        assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
        let edited = app.patch_json(&path, json!({"lock": [[eli, ben]]}), Some(&admin)).await;
        assert_eq!(edited.status, StatusCode::ACCEPTED, "{}", edited.text());
        let record = one(app, &admin, "match_run.edit", &ada, ("match_run", &run)).await;
        assert_eq!(record["detail"]["changes"], json!([{"action": "lock", "mentee": eli, "mentor": ben}]));
        crate::match_runs::settled(app, &run, &admin).await;

        let published = app.post_json(&format!("{path}/publish"), json!({}), Some(&admin)).await;
        assert_eq!(published.status, StatusCode::OK, "{}", published.text());
        let made = published.json()["mentorships_created"].clone();
        let record = one(app, &admin, "match_run.publish", &ada, ("match_run", &run)).await;
        assert_eq!(record["detail"]["mentorships_created"], made);
        assert!(made.as_i64().unwrap() > 0);
        let again = app.post_json(&format!("{path}/publish"), json!({}), Some(&admin)).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(count(app, &admin).await, 5, "publishing again makes nothing and records nothing");
    }

    async fn the_first_admin_from_the_setup_link_is_recorded_without_the_link_or_password(app) {
        let token = app.app.issue_setup_token(60_000).await.unwrap().expect("no admin yet");
        let registration = lodestar_app::accounts::Registration {
            name: "Root Admin".into(),
            email: "root@example.org".into(),
            password: PASSWORD.into(),
        };
        let made = app.app.claim_setup(&token, &registration).await.unwrap();
        assert!(app.app.claim_setup(&token, &registration).await.is_err(), "once");
        let login = app.login("root@example.org", PASSWORD).await.json()["token"].as_str().unwrap().to_owned();
        let page = log(app, &login, "").await;
        assert_eq!(entries(&page).len(), 1, "{page}");
        let record = &entries(&page)[0];
        assert_eq!((record["action"].as_str(), record["actor"]["id"].as_str(), record["target_id"].as_str()),
            (Some("admin.setup"), Some(made.id.to_string().as_str()), Some(made.id.to_string().as_str())));
        let text = page.to_string();
        assert!(!text.contains(&token) && !text.contains(PASSWORD) && !text.contains("argon2"), "{text}");

        // The command line's grant and revoke name no actor.
        app.register("Gil Granted", "gil@example.org").await;
        app.app.set_admin_by_email("gil@example.org", true).await.unwrap();
        app.app.set_admin_by_email("gil@example.org", false).await.unwrap();
        let granted = entries(&log(app, &login, "?action=admin.grant").await)[0].clone();
        assert_eq!((granted["actor"]["id"].clone(), granted["actor"]["name"].as_str()), (Value::Null, Some("command line")));
        assert_eq!(entries(&log(app, &login, "?action=admin.revoke").await).len(), 1);
    }

    async fn the_log_is_for_instance_admins_only_newest_first_by_pages_and_filters(app) {
        let (admin, member) = app.admin_and_member().await;
        let (ada, bob) = (app.id_of(&admin).await, app.id_of(&member).await);
        let other = app.admin_and_login("Otto Other", "otto@example.org").await;
        let otto = app.id_of(&other).await;
        // Bob runs a programme: he still may not read the log.
        let made = app.post_json("/api/v1/programmes", programme_body("Autumn", false, &[&bob]), Some(&admin)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        for (i, token) in [&admin, &other, &admin, &other, &admin].into_iter().enumerate() {
            let body = json!({"name": format!("Skill {i}"), "kind": "technical", "category": "Testing"});
            assert_eq!(app.post_json("/api/v1/skills", body, Some(token)).await.status, StatusCode::CREATED);
        }
        app.get("/api/v1/admin/audit", Some(&member)).await.error(StatusCode::FORBIDDEN, "forbidden");
        app.get("/api/v1/admin/audit", None).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");

        let all = log(app, &admin, "").await;
        let summaries: Vec<&str> = entries(&all).iter().map(|e| e["summary"].as_str().unwrap()).collect();
        assert_eq!(summaries, ["Added the skill Skill 4", "Added the skill Skill 3", "Added the skill Skill 2",
            "Added the skill Skill 1", "Added the skill Skill 0", "Created the programme Autumn",
            "Created the admin account of Otto Other", "Created the admin account of Ada Admin"]);
        assert!(all["older"].is_null());

        let first = log(app, &admin, "?limit=4").await;
        assert_eq!(entries(&first).len(), 4);
        let older = first["older"].as_str().expect("an older page").to_owned();
        assert_eq!(older, entries(&first)[3]["id"].as_str().unwrap());
        let second = log(app, &admin, &format!("?limit=4&before={older}")).await;
        assert_eq!(entries(&second).iter().map(|e| e["summary"].as_str().unwrap()).collect::<Vec<_>>(),
            ["Added the skill Skill 0", "Created the programme Autumn", "Created the admin account of Otto Other",
                "Created the admin account of Ada Admin"]);
        assert!(second["older"].is_null());

        let by_otto = log(app, &admin, &format!("?actor={otto}")).await;
        assert_eq!(entries(&by_otto).len(), 2);
        assert!(entries(&by_otto).iter().all(|e| e["actor"]["id"] == otto.as_str()));
        let made_on_the_command_line = log(app, &admin, "?action=admin.create").await;
        assert_eq!(entries(&made_on_the_command_line).len(), 2);
        assert!(entries(&made_on_the_command_line).iter().all(|e| e["actor"] == json!({"id": null, "name": "command line"})));
        assert!(!made_on_the_command_line.to_string().contains(PASSWORD));
        let creations = log(app, &admin, &format!("?action=programme.create&actor={ada}")).await;
        assert_eq!(entries(&creations).len(), 1);
        assert!(entries(&log(app, &admin, &format!("?actor={bob}")).await).is_empty());

        app.get("/api/v1/admin/audit?limit=0&before=nope&actor=someone&action=skill.eat", Some(&admin)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["limit", "before", "actor", "action"]);
        app.get("/api/v1/admin/audit?limit=201", Some(&admin)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["limit"]);
        // An empty parameter is an error in the API, not a parameter left out.
        app.get("/api/v1/admin/audit?before=&limit=&actor=%20&action=", Some(&admin)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["before", "limit", "actor", "action"]);

        // The page: the same records, filters and paging, for instance admins only.
        let mut browser = crate::pages::Browser::new(app);
        browser.log_in("ada@example.org", PASSWORD).await;
        let page = browser.get("/admin/audit?action=skill.add").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("Added the skill Skill 4") && !html.contains("Created the programme"), "{html}");
        assert!(html.contains(&format!("href=\"/people/{otto}\"")), "the actor links to their profile");
        let paged = browser.get("/admin/audit?limit=4").await.text();
        assert!(paged.contains(&format!("/admin/audit?before={older}")), "{paged}");
        // The filter form sends its empty fields; the page leaves them out.
        assert_eq!(browser.get("/admin/audit?action=&actor=").await.status, StatusCode::OK);
        assert_eq!(browser.get("/admin/audit?action=skill.eat").await.status, StatusCode::UNPROCESSABLE_ENTITY);
        let mut bobs = crate::pages::Browser::new(app);
        bobs.log_in("bob@example.org", PASSWORD).await;
        assert_eq!(bobs.get("/admin/audit").await.status, StatusCode::FORBIDDEN);
        assert!(browser.get("/admin/skills").await.text().contains("href=\"/admin/audit\""));
    }
}
