//! Opportunities and insights: posting with every field checked, who sees what through
//! every list, search, share and "For you", editing, closing, pinning and removal, marks
//! and outcomes, and the ranking's reasons.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::introductions::{connect, person};
use crate::support::{TestApp, api_tests};

fn in_days(days: i64) -> String {
    crate::meetings::date_in_days(days)
}

async fn post(app: &TestApp, token: &str, body: Value) -> String {
    let made = app
        .post_json("/api/v1/opportunities", body, Some(token))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()["id"].as_str().unwrap().to_owned()
}

fn opening(title: &str, visibility: &str) -> Value {
    json!({
        "kind": "stretch_project", "title": title, "description": "Lead the Q3 supplier talks.",
        "skills": [{"skill": "negotiation", "level": 3}], "industry": "Energy", "location": "Leeds",
        "remote": false, "closes_on": in_days(30), "visibility": visibility,
    })
}

fn titles(list: &Value, key: &str) -> Vec<String> {
    let mut found: Vec<String> = list[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["title"].as_str().unwrap().to_owned())
        .collect();
    found.sort();
    found
}

api_tests! {
    async fn a_post_is_checked_field_by_field_and_nothing_bad_is_written(app) {
        let (ana, _) = person(app, "Ana", json!({})).await;
        let made = app.post_json("/api/v1/opportunities", opening("Supplier talks", "everyone"), Some(&ana)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let made = made.json();
        assert_eq!(made["kind"], "stretch_project");
        assert_eq!(made["skills"][0]["name"], "Negotiation");
        assert_eq!(made["skills"][0]["level"], 3);
        assert_eq!(made["yours"], true);
        assert_eq!(made["state"], "open");
        // An insight needs no closing date.
        let insight = app.post_json("/api/v1/opportunities", json!({
            "kind": "insight", "title": "Grid batteries are getting cheap", "description": "What it means for us.",
            "visibility": "everyone"
        }), Some(&ana)).await;
        assert_eq!(insight.status, StatusCode::CREATED, "{}", insight.text());
        assert_eq!(insight.json()["closes_on"], Value::Null);

        let bad = app.post_json("/api/v1/opportunities", json!({
            "kind": "party", "title": "", "description": " ", "visibility": "friends",
            "closes_on": "2020-01-01", "industry": "x".repeat(101),
            "skills": [{"skill": "no-such-skill", "level": 3}, {"skill": "negotiation", "level": 9}]
        }), Some(&ana)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text());
        let fields = bad.json()["error"]["fields"].clone();
        for field in ["kind", "title", "description", "visibility", "closes_on", "industry", "skills[0].skill", "skills[1].level"] {
            assert!(fields[field].is_string(), "{field}: {fields}");
        }
        let missing_date = app.post_json("/api/v1/opportunities", json!({
            "kind": "job", "title": "Analyst", "description": "Join us.", "visibility": "everyone"
        }), Some(&ana)).await;
        assert!(missing_date.json()["error"]["fields"]["closes_on"].is_string());
        let twice = app.post_json("/api/v1/opportunities", json!({
            "kind": "job", "title": "Analyst", "description": "Join us.", "visibility": "everyone", "closes_on": in_days(3),
            "skills": [{"skill": "negotiation", "level": 2}, {"skill": "Negotiation", "level": 3}]
        }), Some(&ana)).await;
        assert!(twice.json()["error"]["fields"]["skills[1].skill"].is_string(), "{}", twice.text());
        let extra = app.post_json("/api/v1/opportunities", json!({"kind": "job", "title": "A", "description": "B", "visibility": "everyone", "closes_on": in_days(3), "salary": 1}), Some(&ana)).await;
        assert_eq!(extra.status, StatusCode::UNPROCESSABLE_ENTITY);
        let mine = app.get("/api/v1/opportunities?author=me", Some(&ana)).await.json();
        assert_eq!(mine["total"], 2, "only the two good posts were written: {mine}");
    }

    async fn posts_for_connections_or_mentees_never_reach_anyone_else(app) {
        let ana = person(app, "Ana", json!({"is_mentor": true, "mentor_capacity": 3, "mentor_skills": [{"skill": "negotiation", "level": 5}]})).await;
        let ben = person(app, "Ben", json!({"industry": "Energy", "growth_skills": [{"skill": "negotiation", "level": 1}]})).await;
        let milo = person(app, "Milo", json!({"industry": "Energy", "growth_skills": [{"skill": "negotiation", "level": 1}]})).await;
        let sam = person(app, "Sam", json!({"industry": "Energy", "growth_skills": [{"skill": "negotiation", "level": 1}]})).await;
        let carl = person(app, "Carl", json!({"industry": "Energy"})).await;
        let admin = app.admin_and_login("Root", "root@example.org").await;
        connect(app, &ana, &ben).await;
        connect(app, &ben, &carl).await;
        app.mentorship_between(&ana.1, &milo.1).await;
        // Milo is Ana's mentee and, through the mentorship, her connection.
        let everyone = post(app, &ana.0, opening("For everyone", "everyone")).await;
        let connections = post(app, &ana.0, opening("For connections", "connections")).await;
        let mentees = post(app, &ana.0, opening("For mentees", "mentees")).await;

        let sees = |list: &Value, key: &str| titles(list, key);
        for (token, expected) in [
            (&ben.0, vec!["For connections", "For everyone"]),
            (&milo.0, vec!["For connections", "For everyone", "For mentees"]),
            (&sam.0, vec!["For everyone"]),
            (&carl.0, vec!["For everyone"]),
            (&admin, vec!["For everyone"]),
        ] {
            // The list, a search, a skill filter, and "For you".
            for query in ["", "?q=supplier", "?skill=negotiation", "?industry=energy&kind=stretch_project"] {
                let list = app.get(&format!("/api/v1/opportunities{query}"), Some(token)).await;
                assert_eq!(list.status, StatusCode::OK, "{}", list.text());
                assert_eq!(sees(&list.json(), "opportunities"), expected, "{query}");
            }
            let for_you = app.get("/api/v1/me/opportunities", Some(token)).await.json();
            if token != &admin {
                assert_eq!(sees(&for_you, "opportunities"), expected, "For you: {for_you}");
            }
            for (id, title) in [(&everyone, "For everyone"), (&connections, "For connections"), (&mentees, "For mentees")] {
                let one = app.get(&format!("/api/v1/opportunities/{id}"), Some(token)).await;
                let want = if expected.contains(&title) { StatusCode::OK } else { StatusCode::NOT_FOUND };
                assert_eq!(one.status, want, "{title}");
            }
        }
        // Ben cannot pass a post for Ana's connections on to his own connection Carl.
        let passed = app.post_json(&format!("/api/v1/opportunities/{connections}/share"), json!({"person_id": carl.1, "note": "Look"}), Some(&ben.0)).await;
        assert_eq!(passed.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", passed.text());
        assert!(passed.json()["error"]["fields"]["person_id"].is_string());
        assert!(!app.get("/api/v1/me/notifications", Some(&carl.0)).await.text().contains("opportunity_shared"));
        // A post for everyone he can share with Carl, once.
        let shared = app.post_json(&format!("/api/v1/opportunities/{everyone}/share"), json!({"person_id": carl.1, "note": "You would enjoy this"}), Some(&ben.0)).await;
        assert_eq!(shared.status, StatusCode::OK, "{}", shared.text());
        let again = app.post_json(&format!("/api/v1/opportunities/{everyone}/share"), json!({"person_id": carl.1}), Some(&ben.0)).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        let carls = app.get("/api/v1/me/opportunities", Some(&carl.0)).await.json();
        assert_eq!(carls["opportunities"][0]["title"], "For everyone");
        assert!(carls["opportunities"][0]["reasons"].to_string().contains("shared by Ben"), "{carls}");
        let seen = app.get(&format!("/api/v1/opportunities/{everyone}"), Some(&carl.0)).await.json();
        assert_eq!(seen["shared_with_you"][0]["note"], "You would enjoy this");
        // Sharing with someone who is not a connection is refused too.
        let stranger = app.post_json(&format!("/api/v1/opportunities/{everyone}/share"), json!({"person_id": sam.1}), Some(&ben.0)).await;
        assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);

        // When the mentorship ends and the connection goes, Milo sees only the public post.
        sqlx::query("UPDATE mentorships SET state = 'completed', ended_at = 1")
            .execute(app.app.db.writer())
            .await
            .unwrap();
        let link = app.get("/api/v1/connections", Some(&milo.0)).await.json()["connections"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(app.delete(&format!("/api/v1/connections/{link}"), Some(&milo.0)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(sees(&app.get("/api/v1/opportunities", Some(&milo.0)).await.json(), "opportunities"), ["For everyone"]);
        assert_eq!(sees(&app.get("/api/v1/me/opportunities", Some(&milo.0)).await.json(), "opportunities"), ["For everyone"]);
    }

    async fn authors_edit_and_close_admins_pin_and_remove(app) {
        let ana = person(app, "Ana", json!({})).await;
        let ben = person(app, "Ben", json!({"industry": "Energy"})).await;
        let admin = app.admin_and_login("Root", "root@example.org").await;
        let id = post(app, &ana.0, opening("Supplier talks", "everyone")).await;
        let path = format!("/api/v1/opportunities/{id}");
        let mut edit = opening("Supplier talks, phase two", "everyone");
        edit["remote"] = json!(true);
        let edited = app.raw(Method::PUT, &path, "application/json", edit.to_string(), Some(&ana.0)).await;
        assert_eq!(edited.status, StatusCode::OK, "{}", edited.text());
        assert_eq!(edited.json()["title"], "Supplier talks, phase two");
        let theirs = app.raw(Method::PUT, &path, "application/json", edit.to_string(), Some(&ben.0)).await;
        assert_eq!(theirs.status, StatusCode::FORBIDDEN);
        // Pinning is for admins.
        assert_eq!(app.put_json(&format!("{path}/pin"), json!({"pinned": true}), Some(&ben.0)).await.status, StatusCode::FORBIDDEN);
        let pinned = app.put_json(&format!("{path}/pin"), json!({"pinned": true}), Some(&admin)).await;
        assert_eq!(pinned.json()["pinned"], true, "{}", pinned.text());
        let bens = app.get("/api/v1/me/opportunities", Some(&ben.0)).await.json();
        assert!(bens["opportunities"][0]["reasons"].to_string().contains("pinned for everyone"), "{bens}");
        // Closing takes it out of every list but the author's own.
        assert_eq!(app.post_json(&format!("{path}/close"), json!({}), Some(&ben.0)).await.status, StatusCode::FORBIDDEN);
        let closed = app.post_json(&format!("{path}/close"), json!({}), Some(&ana.0)).await;
        assert_eq!(closed.json()["state"], "closed");
        assert_eq!(app.post_json(&format!("{path}/close"), json!({}), Some(&ana.0)).await.status, StatusCode::CONFLICT);
        assert_eq!(app.get("/api/v1/opportunities", Some(&ben.0)).await.json()["total"], 0);
        assert!(app.get("/api/v1/me/opportunities", Some(&ben.0)).await.json()["opportunities"].as_array().unwrap().is_empty());
        assert_eq!(app.get("/api/v1/opportunities?author=me", Some(&ana.0)).await.json()["total"], 1);
        // An admin removes another post.
        let other = post(app, &ana.0, opening("Another", "everyone")).await;
        assert_eq!(app.delete(&format!("/api/v1/opportunities/{other}"), Some(&ben.0)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.delete(&format!("/api/v1/opportunities/{other}"), Some(&admin)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get(&format!("/api/v1/opportunities/{other}"), Some(&ben.0)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/api/v1/opportunities/{other}"), Some(&ana.0)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/api/v1/opportunities/{other}"), Some(&admin)).await.status, StatusCode::NOT_FOUND,
            "removed is gone, for admins too");
        assert_eq!(app.delete(&format!("/api/v1/opportunities/{other}"), Some(&admin)).await.status, StatusCode::NOT_FOUND);
        // An expired post drops out.
        let expiring = post(app, &ana.0, opening("Expiring", "everyone")).await;
        sqlx::query("UPDATE opportunities SET closes_on = '2020-01-01' WHERE id = $1").bind(&expiring).execute(app.app.db.writer()).await.unwrap();
        assert_eq!(app.get("/api/v1/opportunities", Some(&ben.0)).await.json()["total"], 0);
        assert!(app.get("/api/v1/me/opportunities", Some(&ben.0)).await.json()["opportunities"].as_array().unwrap().is_empty());
    }

    async fn marks_and_a_won_opportunity_become_a_career_outcome_once(app) {
        let ana = person(app, "Ana", json!({"is_mentor": true, "mentor_capacity": 2, "mentor_skills": [{"skill": "negotiation", "level": 5}]})).await;
        let milo = person(app, "Milo", json!({})).await;
        app.mentorship_between(&ana.1, &milo.1).await;
        let id = post(app, &ana.0, opening("Supplier talks", "mentees")).await;
        let shared = app.post_json(&format!("/api/v1/opportunities/{id}/share"), json!({"person_id": milo.1, "note": "This is your chance"}), Some(&ana.0)).await;
        assert_eq!(shared.status, StatusCode::OK, "{}", shared.text());
        let path = format!("/api/v1/opportunities/{id}/status");
        let saved = app.put_json(&path, json!({"status": "saved"}), Some(&milo.0)).await;
        assert_eq!(saved.json()["your_status"], "saved", "{}", saved.text());
        let early = app.put_json(&path, json!({"status": "interested", "outcome": "got_it"}), Some(&milo.0)).await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(early.json()["error"]["fields"]["outcome"].is_string());
        let bad = app.put_json(&path, json!({"status": "maybe"}), Some(&milo.0)).await;
        assert!(bad.json()["error"]["fields"]["status"].is_string());
        for _ in 0..2 {
            let won = app.put_json(&path, json!({"status": "applied", "outcome": "got_it"}), Some(&milo.0)).await;
            assert_eq!(won.status, StatusCode::OK, "{}", won.text());
            assert_eq!(won.json()["your_outcome"], "got_it");
        }
        let outcomes = app.get("/api/v1/me/outcomes", Some(&milo.0)).await.json();
        let list = outcomes.as_array().or_else(|| outcomes["outcomes"].as_array()).unwrap().clone();
        assert_eq!(list.len(), 1, "{outcomes}");
        assert_eq!(list[0]["kind"], "stretch_assignment");
        assert_eq!(list[0]["title"], "Supplier talks");
        assert!(list[0]["mentorship_id"].is_string(), "credited to the mentorship with the mentor who shared it: {outcomes}");
        // The author sees how many marked it, not who.
        let seen = app.get(&format!("/api/v1/opportunities/{id}"), Some(&ana.0)).await.json();
        assert_eq!(seen["marks"]["applied"], 1);
        assert!(!seen.to_string().contains(&milo.1));
        // "Not for me" drops it from For you.
        let (other, _) = person(app, "Otto", json!({"industry": "Energy"})).await;
        let public = post(app, &ana.0, opening("Public talks", "everyone")).await;
        assert_eq!(titles(&app.get("/api/v1/me/opportunities", Some(&other)).await.json(), "opportunities"), ["Public talks"]);
        app.put_json(&format!("/api/v1/opportunities/{public}/status"), json!({"status": "not_for_me"}), Some(&other)).await;
        assert!(app.get("/api/v1/me/opportunities", Some(&other)).await.json()["opportunities"].as_array().unwrap().is_empty());
        // Nor does anything by someone they blocked.
        let (bea, bea_id) = person(app, "Bea", json!({})).await;
        post(app, &bea, opening("Energy talks", "everyone")).await;
        assert_eq!(titles(&app.get("/api/v1/me/opportunities", Some(&other)).await.json(), "opportunities"), ["Energy talks"]);
        let blocked = app.put_json(&format!("/api/v1/me/blocks/{bea_id}"), json!({}), Some(&other)).await;
        assert!(blocked.status.is_success(), "{}", blocked.text());
        assert!(app.get("/api/v1/me/opportunities", Some(&other)).await.json()["opportunities"].as_array().unwrap().is_empty());
    }

    async fn for_you_ranks_by_gap_goal_wanted_skill_industry_and_mentor_shares_with_reasons(app) {
        let admin = app.admin_and_login("Root", "root@example.org").await;
        let made = app.post_json("/api/v1/roles", json!({"title": "Deal Lead", "skills": [
            {"skill": "negotiation", "level": 4}, {"skill": "public-speaking", "level": 2}
        ]}), Some(&admin)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let role = made.json()["id"].as_str().unwrap().to_owned();
        let ana = person(app, "Ana", json!({"is_mentor": true, "mentor_capacity": 2, "mentor_skills": [{"skill": "negotiation", "level": 5}]})).await;
        let mia = person(app, "Mia", json!({"industry": "Retail", "location": "York",
            "growth_skills": [{"skill": "python", "level": 1}]})).await;
        app.mentorship_between(&ana.1, &mia.1).await;
        let set = app.raw(Method::PUT, "/api/v1/me/career", "application/json",
            json!({"current_role": null, "target_roles": [role]}).to_string(), Some(&mia.0)).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text());
        let with = |title: &str, skill: &str, industry: &str, location: &str| json!({
            "kind": "course", "title": title, "description": "Learn.", "skills": [{"skill": skill, "level": 2}],
            "industry": industry, "location": location, "closes_on": in_days(10), "visibility": "everyone"
        });
        post(app, &ana.0, with("Negotiation masterclass", "negotiation", "", "")).await;
        post(app, &ana.0, with("Speaking club", "public-speaking", "", "")).await;
        post(app, &ana.0, with("Python basics", "python", "", "")).await;
        post(app, &ana.0, with("Retail meetup", "rust", "Retail", "York")).await;
        post(app, &ana.0, with("Unrelated", "rust", "Energy", "Leeds")).await;
        let shared = post(app, &ana.0, with("Shared by mentor", "rust", "", "")).await;
        app.post_json(&format!("/api/v1/opportunities/{shared}/share"), json!({"person_id": mia.1}), Some(&ana.0)).await;

        let list = app.get("/api/v1/me/opportunities", Some(&mia.0)).await.json();
        let order: Vec<&str> = list["opportunities"].as_array().unwrap().iter().map(|o| o["title"].as_str().unwrap()).collect();
        // Equal fits (25 each), newest first.
        assert_eq!(order, ["Shared by mentor", "Negotiation masterclass", "Speaking club", "Retail meetup", "Python basics"], "{list}");
        let reasons = |i: usize| list["opportunities"][i]["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()).collect::<Vec<_>>();
        assert_eq!(reasons(0), ["shared by your mentor Ana"]);
        assert_eq!(reasons(1), ["grows Negotiation, the largest gap for your target role Deal Lead"]);
        assert_eq!(reasons(2), ["grows Public speaking, a gap for your target role Deal Lead"]);
        assert_eq!(reasons(3), ["in your industry, Retail", "in York, where you are"]);
        assert_eq!(reasons(4), ["grows Python, which you want to grow"]);
    }

    async fn the_pages_post_list_mark_and_share_without_javascript(app) {
        let ana = person(app, "Ana", json!({"industry": "Energy"})).await;
        let ben = person(app, "Ben", json!({"industry": "Energy"})).await;
        connect(app, &ana, &ben).await;
        let (mut a, a_csrf) = crate::meetings::browser_of(app, "ana@example.org").await;
        assert_eq!(a.get("/opportunities/new").await.status, StatusCode::OK);
        let refused = a.post("/opportunities/new", &[("_csrf", &a_csrf), ("kind", "job"), ("title", "Grid analyst"), ("description", ""), ("visibility", "everyone"), ("skills", "negotiation:9")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = refused.text();
        assert!(text.contains("Grid analyst") && text.contains("skills[0].level") && text.contains("closes_on"), "{text}");
        let day = in_days(20);
        let posted = a.post("/opportunities/new", &[("_csrf", &a_csrf), ("kind", "job"), ("title", "Grid analyst"), ("description", "Model the grid."), ("industry", "Energy"), ("closes_on", &day), ("visibility", "connections"), ("skills", "negotiation:2")]).await;
        let to = posted.header("location").unwrap_or_default().to_owned();
        assert!(to.starts_with("/opportunities/"), "{}", posted.text());
        let page = a.get(&to).await.text();
        assert!(page.contains("Grid analyst") && page.contains("Your post") && page.contains("Share it"), "{page}");
        let shared = a.post(&format!("{to}/share"), &[("_csrf", &a_csrf), ("person_id", &ben.1), ("note", "Made for you")]).await;
        assert!(shared.status.is_redirection(), "{}", shared.text());

        let (mut b, b_csrf) = crate::meetings::browser_of(app, "ben@example.org").await;
        let list = b.get("/opportunities").await.text();
        assert!(list.contains("Grid analyst") && list.contains("shared by Ana") && list.contains("in your industry, Energy"), "{list}");
        let marked = b.post(&format!("{to}/status"), &[("_csrf", &b_csrf), ("status", "applied")]).await;
        assert!(marked.status.is_redirection());
        let page = b.get(&to).await.text();
        assert!(page.contains("How did it go?") && page.contains("Made for you"), "{page}");
        let won = b.post(&format!("{to}/status"), &[("_csrf", &b_csrf), ("status", "applied"), ("outcome", "got_it")]).await;
        assert!(won.status.is_redirection());
        assert!(b.get("/outcomes").await.text().contains("Grid analyst"));
        // Only its author edits it.
        assert_eq!(b.get(&format!("{to}/edit")).await.status, StatusCode::FORBIDDEN);
        assert_eq!(a.get(&format!("{to}/edit")).await.status, StatusCode::OK);
    }

    async fn the_weekly_digest_is_off_by_default_and_keeps_to_what_each_may_see(app) {
        let ana = person(app, "Ana", json!({})).await;
        let ben = person(app, "Ben", json!({"industry": "Energy"})).await;
        let sam = person(app, "Sam", json!({"industry": "Energy"})).await;
        let (off, _) = person(app, "Olga", json!({"industry": "Energy"})).await;
        connect(app, &ana, &ben).await;
        assert_eq!(app.get("/api/v1/me/opportunities/digest", Some(&off)).await.json()["weekly"], false);
        for token in [&ben.0, &sam.0] {
            let on = app.put_json("/api/v1/me/opportunities/digest", json!({"weekly": true}), Some(token)).await;
            assert_eq!(on.json()["weekly"], true, "{}", on.text());
        }
        let bad = app.put_json("/api/v1/me/opportunities/digest", json!({"weekly": "yes"}), Some(&sam.0)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        post(app, &ana.0, opening("Public talks", "everyone")).await;
        post(app, &ana.0, opening("Private talks", "connections")).await;

        let now = lodestar_store::now_ms();
        assert_eq!(app.app.send_digests(now).await.unwrap(), 2);
        let digests: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT recipient, subject, body FROM outbox WHERE subject LIKE '%for you' ORDER BY recipient",
        )
        .fetch_all(app.app.db.reader())
        .await
        .unwrap();
        assert_eq!(digests.len(), 2, "{digests:?}");
        let (to, subject, body) = &digests[0];
        assert_eq!(to, "ben@example.org");
        assert_eq!(subject, "2 new opportunities for you");
        assert!(body.contains("Public talks") && body.contains("Private talks") && body.contains("in your industry, Energy"), "{body}");
        let (to, subject, body) = &digests[1];
        assert_eq!(to, "sam@example.org");
        assert_eq!(subject, "1 new opportunity for you");
        assert!(body.contains("Public talks") && !body.contains("Private talks"), "a post for connections never reaches anyone else: {body}");
        // Nothing twice, and nothing for whoever left it off.
        assert_eq!(app.app.send_digests(now + 1000).await.unwrap(), 0);
        // A week later there is nothing new: no e-mail, and the week starts again.
        assert_eq!(app.app.send_digests(now + 8 * 24 * 3600 * 1000).await.unwrap(), 0);
        let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE subject LIKE '%for you'")
            .fetch_one(app.app.db.reader())
            .await
            .unwrap();
        assert_eq!(all, 2);
    }
}
