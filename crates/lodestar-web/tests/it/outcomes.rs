//! Career outcomes through the API and the pages (fields, links, what a mentor sees), and
//! the export of the whole growth record: the JSON document holds the owner's record and
//! nothing of anyone else's, and each CSV table reads back in an independent parser
//! (Python's `csv` module) cell for cell, with formula-looking text defused.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::meetings::{Pair, browser_of, date_in_days, pair};
use crate::support::{TestApp, api_tests};

async fn record(app: &TestApp, token: &str, body: Value) -> Value {
    let made = app
        .post_json("/api/v1/me/outcomes", body, Some(token))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()
}

async fn outcomes(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    let listed = app.get(path, Some(token)).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
    listed.json().as_array().unwrap().clone()
}

fn titles(list: &[Value]) -> Vec<&str> {
    list.iter().map(|o| o["title"].as_str().unwrap()).collect()
}

async fn new_goal(app: &TestApp, token: &str, body: Value) -> Value {
    let made = app.post_json("/api/v1/me/goals", body, Some(token)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()
}

/// Ends the pair's mentorship `days_ago` days ago.
async fn end_mentorship(app: &TestApp, p: &Pair, days_ago: i64) {
    let ended = lodestar_store::now_ms() - days_ago * 24 * 60 * 60 * 1000;
    sqlx::query("UPDATE mentorships SET state = 'completed', ended_at = $1 WHERE id = $2")
        .bind(ended)
        .bind(&p.mentorship)
        .execute(app.app.db.writer())
        .await
        .unwrap();
}

/// The rows Python's `csv` module reads in `text` (RFC 4180 as spreadsheets write it).
pub(crate) fn parse_csv(text: &str) -> Vec<Vec<String>> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let python = std::env::var("LODESTAR_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = "import csv, io, json, sys\n\
        rows = list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', newline=''), strict=True))\n\
        json.dump(rows, sys.stdout)";
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("a Python to read the CSV (LODESTAR_TEST_PYTHON or python3)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "csv refused:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A CSV part of the export, downloaded through the API and parsed by Python.
pub(crate) async fn csv_part(app: &TestApp, token: &str, part: &str) -> Vec<Vec<String>> {
    let got = app
        .get(&format!("/api/v1/me/growth/export/{part}.csv"), Some(token))
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert_eq!(
        got.header("content-type"),
        Some("text/csv; charset=utf-8; header=present")
    );
    let disposition = got.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"lodestar-growth-{part}-")),
        "{disposition}"
    );
    assert!(got.text().ends_with("\r\n"), "RFC 4180 lines end with CRLF");
    parse_csv(&got.text())
}

/// The column `name` of a table's rows (the first row is the header).
fn column<'a>(table: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let at = table[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", table[0]));
    table[1..].iter().map(|row| row[at].as_str()).collect()
}

api_tests! {
    async fn an_outcome_is_recorded_listed_edited_and_deleted_by_its_owner(app) {
        let p = pair(app).await;
        let goal = new_goal(app, &p.mentee, json!({"title": "Get promoted", "measure": "The letter", "target_date": date_in_days(60)})).await;
        let promoted = record(app, &p.mentee, json!({
            "kind": "promotion",
            "date": date_in_days(-20),
            "title": "  Promoted to Senior Engineer ",
            "note": "After the migration.\nTwo years in the making.",
            "mentorship_id": p.mentorship,
            "goal_id": goal["id"],
        })).await;
        assert!(promoted["id"].as_str().is_some());
        assert_eq!(promoted["kind"], "promotion");
        assert_eq!(promoted["title"], "Promoted to Senior Engineer");
        assert_eq!(promoted["date"].as_str(), Some(date_in_days(-20).as_str()));
        assert_eq!(promoted["mentorship_id"].as_str(), Some(p.mentorship.as_str()));
        assert_eq!(promoted["goal_id"], goal["id"]);
        assert_eq!(promoted["share_with_mentors"], true, "shared unless said otherwise");
        record(app, &p.mentee, json!({"kind": "talk_given", "date": date_in_days(-400), "title": "Spoke at RustConf"})).await;
        record(app, &p.mentee, json!({"kind": "certification", "date": date_in_days(-3), "title": "AWS Solutions Architect", "share_with_mentors": false})).await;
        let mine = outcomes(app, "/api/v1/me/outcomes", &p.mentee).await;
        assert_eq!(titles(&mine), vec!["AWS Solutions Architect", "Promoted to Senior Engineer", "Spoke at RustConf"], "newest first");
        assert_eq!(outcomes(app, &format!("/api/v1/people/{}/outcomes", p.mentee_id), &p.mentee).await, mine);

        let path = format!("/api/v1/me/outcomes/{}", promoted["id"].as_str().unwrap());
        let edited = app.patch_json(&path, json!({"kind": "new_role", "title": "Staff Engineer", "goal_id": "", "share_with_mentors": false}), Some(&p.mentee)).await;
        assert_eq!(edited.status, StatusCode::OK, "{}", edited.text());
        let edited = edited.json();
        assert_eq!((edited["kind"].as_str(), edited["title"].as_str()), (Some("new_role"), Some("Staff Engineer")));
        assert_eq!(edited["goal_id"], Value::Null, "an empty goal_id unlinks it");
        assert_eq!(edited["mentorship_id"].as_str(), Some(p.mentorship.as_str()), "what is not sent stays");
        assert_eq!(edited["note"], "After the migration.\nTwo years in the making.");
        assert_eq!(edited["share_with_mentors"], false);

        // Deleting the goal leaves the outcome, unlinked.
        let linked = record(app, &p.mentee, json!({"kind": "stretch_assignment", "date": date_in_days(-1), "title": "Led the incident review", "goal_id": goal["id"]})).await;
        let gone = app.delete(&format!("/api/v1/me/goals/{}", goal["id"].as_str().unwrap()), Some(&p.mentee)).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT);
        let still = outcomes(app, "/api/v1/me/outcomes", &p.mentee).await;
        let kept = still.iter().find(|o| o["id"] == linked["id"]).expect("the outcome stays");
        assert_eq!(kept["goal_id"], Value::Null);

        assert_eq!(app.delete(&path, Some(&p.mentee)).await.status, StatusCode::NO_CONTENT);
        app.delete(&path, Some(&p.mentee)).await.error(StatusCode::NOT_FOUND, "not_found");
        app.patch_json(&path, json!({"title": "Back"}), Some(&p.mentee)).await.error(StatusCode::NOT_FOUND, "not_found");
        assert_eq!(outcomes(app, "/api/v1/me/outcomes", &p.mentee).await.len(), 3);
    }

    async fn bad_outcome_input_names_every_field_at_once_and_changes_nothing(app) {
        let p = pair(app).await;
        let other = app.register_and_login("Oda Other", "oda@example.org").await;
        let others_goal = new_goal(app, &other, json!({"title": "Oda's goal", "measure": "m", "target_date": date_in_days(30)})).await;
        let refused = app.post_json("/api/v1/me/outcomes", json!({
            "kind": "knighthood",
            "date": date_in_days(2),
            "title": "",
            "note": "bad\u{0}byte",
            "mentorship_id": "not-an-id",
            "goal_id": others_goal["id"],
        }), Some(&p.mentee)).await;
        let error = refused.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["date", "goal_id", "kind", "mentorship_id", "note", "title"]);
        assert_eq!(error["fields"]["date"], "must not be in the future");
        assert!(error["fields"]["kind"].as_str().unwrap().contains("promotion, new_role, new_job"), "{error}");

        // Someone else's mentorship, a mentorship in which you mentor, a date long gone.
        let foreign = app.post_json("/api/v1/me/outcomes", json!({"kind": "promotion", "date": date_in_days(-1), "title": "x", "mentorship_id": p.mentorship}), Some(&other)).await;
        foreign.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["mentorship_id"]);
        let as_mentor = app.post_json("/api/v1/me/outcomes", json!({"kind": "promotion", "date": date_in_days(-1), "title": "x", "mentorship_id": p.mentorship}), Some(&p.mentor)).await;
        as_mentor.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["mentorship_id"]);
        let ancient = app.post_json("/api/v1/me/outcomes", json!({"kind": "other", "date": "1901-05-01", "title": "x"}), Some(&p.mentee)).await;
        ancient.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["date"]);
        let malformed = app.post_json("/api/v1/me/outcomes", json!({"kind": "other", "date": "01/05/2025", "title": "x"}), Some(&p.mentee)).await;
        malformed.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["date"]);
        for token in [&p.mentee, &p.mentor, &other] {
            assert!(outcomes(app, "/api/v1/me/outcomes", token).await.is_empty());
        }

        // A bad edit changes nothing, not even its good fields.
        let made = record(app, &p.mentee, json!({"kind": "new_job", "date": date_in_days(-10), "title": "Joined Initech"})).await;
        let path = format!("/api/v1/me/outcomes/{}", made["id"].as_str().unwrap());
        let refused = app.patch_json(&path, json!({"title": "Joined Globex", "date": date_in_days(5), "mentorship_id": p.mentorship}), Some(&p.mentor)).await;
        refused.error(StatusCode::NOT_FOUND, "not_found");
        let refused = app.patch_json(&path, json!({"title": "Joined Globex", "date": date_in_days(5)}), Some(&p.mentee)).await;
        refused.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["date"]);
        let unknown = app.patch_json(&path, json!({"colour": "red"}), Some(&p.mentee)).await;
        unknown.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
        assert_eq!(outcomes(app, "/api/v1/me/outcomes", &p.mentee).await, vec![made]);
    }

    async fn a_mentor_reads_the_shared_outcomes_and_strangers_and_admins_none(app) {
        let p = pair(app).await;
        let stranger = app.register_and_login("Sam Stranger", "sam@example.org").await;
        let (admin, _) = app.admin_and_member().await;
        let second = app.register_and_login("Mo Second", "mo@example.org").await;
        let second_id = app.id_of(&second).await;
        let other_mentorship = app.mentorship(&second_id, &p.mentee_id).await;
        let goal = new_goal(app, &p.mentee, json!({"title": "Private goal", "measure": "m", "target_date": date_in_days(30)})).await;
        record(app, &p.mentee, json!({"kind": "promotion", "date": date_in_days(-5), "title": "Promoted", "mentorship_id": p.mentorship, "goal_id": goal["id"]})).await;
        record(app, &p.mentee, json!({"kind": "talk_given", "date": date_in_days(-9), "title": "Meetup talk", "mentorship_id": other_mentorship})).await;
        let private = record(app, &p.mentee, json!({"kind": "new_job", "date": date_in_days(-2), "title": "Interviewing elsewhere", "share_with_mentors": false})).await;

        let path = format!("/api/v1/people/{}/outcomes", p.mentee_id);
        let seen = outcomes(app, &path, &p.mentor).await;
        assert_eq!(titles(&seen), vec!["Promoted", "Meetup talk"], "the shared ones only");
        assert_eq!(seen[0]["mentorship_id"].as_str(), Some(p.mentorship.as_str()), "their own mentorship");
        assert_eq!(seen[0]["goal_id"], Value::Null, "the goal may be private");
        assert_eq!(seen[1]["mentorship_id"], Value::Null, "another mentor's mentorship is not theirs to see");
        assert_eq!(titles(&outcomes(app, &path, &second).await), vec!["Promoted", "Meetup talk"]);
        for token in [&stranger, &admin] {
            app.get(&path, Some(token)).await.error(StatusCode::NOT_FOUND, "not_found");
            let progress = app.get(&format!("/api/v1/people/{}/progress", p.mentee_id), Some(token)).await;
            assert_eq!(progress.status, StatusCode::NOT_FOUND);
        }
        // Nobody but the owner edits or deletes one, and to them it does not exist.
        let own = format!("/api/v1/me/outcomes/{}", private["id"].as_str().unwrap());
        for token in [&p.mentor, &stranger, &admin] {
            app.patch_json(&own, json!({"title": "Mine"}), Some(token)).await.error(StatusCode::NOT_FOUND, "not_found");
            app.delete(&own, Some(token)).await.error(StatusCode::NOT_FOUND, "not_found");
        }
        // The progress answer carries what the reader may see.
        let progress = app.get(&format!("/api/v1/people/{}/progress", p.mentee_id), Some(&p.mentor)).await.json();
        assert_eq!(titles(progress["outcomes"].as_array().unwrap()), vec!["Promoted", "Meetup talk"]);
        let own_progress = app.get(&format!("/api/v1/people/{}/progress", p.mentee_id), Some(&p.mentee)).await.json();
        assert_eq!(own_progress["outcomes"].as_array().unwrap().len(), 3);

        // Long after the mentorship ended, the mentor reads nothing.
        end_mentorship(app, &p, 400).await;
        app.get(&path, Some(&p.mentor)).await.error(StatusCode::NOT_FOUND, "not_found");
    }

    async fn the_json_export_holds_the_owners_whole_record_and_nothing_of_anyone_elses(app) {
        let p = pair(app).await;
        // Ana, the mentor, keeps a record of her own, which must not leak into Ted's.
        new_goal(app, &p.mentor, json!({"title": "Ana's own goal", "measure": "m", "target_date": date_in_days(30)})).await;
        record(app, &p.mentor, json!({"kind": "certification", "date": date_in_days(-4), "title": "Ana's certificate"})).await;
        let ana_check_in = app.post_json("/api/v1/me/check-ins", json!({"confidence": 9, "went_well": "Ana's week"}), Some(&p.mentor)).await;
        assert_eq!(ana_check_in.status, StatusCode::CREATED);

        let goal = new_goal(app, &p.mentee, json!({
            "title": "Lead the migration",
            "why": "To lead",
            "measure": "Every service moved",
            "target_date": date_in_days(90),
            "skills": ["leadership"],
            "shared_with": [p.mentor_id],
            "milestones": [{"title": "Write the plan", "due_date": date_in_days(10)}],
            "obstacles": [{"obstacle": "Little time", "plan": "Fridays"}],
        })).await;
        let goal_id = goal["id"].as_str().unwrap();
        let commented = app.post_json(&format!("/api/v1/me/goals/{goal_id}/comments"), json!({"body": "Start small"}), Some(&p.mentor)).await;
        assert_eq!(commented.status, StatusCode::CREATED);
        let check_in = app.post_json("/api/v1/me/check-ins", json!({"confidence": 6, "areas": [{"area": "Saying no", "confidence": 4}], "hard": "Deadlines", "share_with_mentors": true}), Some(&p.mentee)).await;
        assert_eq!(check_in.status, StatusCode::CREATED);
        let planned = app.put_json("/api/v1/me/check-in-plan", json!({"cadence": "weekly"}), Some(&p.mentee)).await;
        assert_eq!(planned.status, StatusCode::OK);
        let role = app.get("/api/v1/roles?q=data+analyst", None).await.json()[0]["id"].as_str().unwrap().to_owned();
        let career = app.put_json("/api/v1/me/career", json!({"current_role": null, "target_roles": [role]}), Some(&p.mentee)).await;
        assert_eq!(career.status, StatusCode::OK, "{}", career.text());
        let step = app.post_json("/api/v1/me/career/steps", json!({"kind": "learn", "title": "SQL course", "due_date": date_in_days(40)}), Some(&p.mentee)).await;
        assert_eq!(step.status, StatusCode::CREATED);
        record(app, &p.mentee, json!({"kind": "promotion", "date": date_in_days(-7), "title": "Promoted to Senior", "mentorship_id": p.mentorship})).await;

        let got = app.get("/api/v1/me/growth/export", Some(&p.mentee)).await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text());
        assert!(got.header("content-type").is_some_and(|t| t.starts_with("application/json")));
        assert_eq!(got.header("cache-control"), Some("private, no-store"));
        let doc = got.json();
        let day = doc["exported_on"].as_str().unwrap();
        assert!([date_in_days(0), date_in_days(1)].contains(&day.to_owned()), "Ted lives in Tokyo: {day}");
        assert_eq!(got.header("content-disposition"), Some(format!("attachment; filename=\"lodestar-growth-{day}.json\"").as_str()));
        assert_eq!(doc["format"], "lodestar-growth-record");
        assert!(doc["exported_at"].as_i64().unwrap() > 0);
        assert_eq!(doc["person"], json!({"id": p.mentee_id, "name": "Ted Mentee"}));
        let goals = doc["goals"].as_array().unwrap();
        assert_eq!(goals.len(), 1);
        assert_eq!(goals[0]["milestones"][0]["title"], "Write the plan");
        assert_eq!(goals[0]["obstacles"][0], json!({"obstacle": "Little time", "plan": "Fridays"}));
        assert_eq!(goals[0]["skills"][0]["slug"], "leadership");
        assert_eq!(goals[0]["comments"][0]["body"], "Start small");
        assert_eq!(goals[0]["shared_with"][0]["name"], "Ana Mentor");
        let check_ins = doc["check_ins"].as_array().unwrap();
        assert_eq!(check_ins.len(), 1);
        assert_eq!(check_ins[0]["areas"], json!([{"area": "Saying no", "confidence": 4}]));
        assert_eq!(check_ins[0]["hard"], "Deadlines");
        assert_eq!(doc["check_in_plan"]["cadence"], "weekly");
        assert_eq!(doc["career"]["target_roles"][0]["id"].as_str(), Some(role.as_str()));
        assert_eq!(doc["career"]["steps"][0]["title"], "SQL course");
        assert_eq!(titles(doc["outcomes"].as_array().unwrap()), vec!["Promoted to Senior"]);
        let text = got.text();
        for theirs in ["Ana's own goal", "Ana's certificate", "Ana's week"] {
            assert!(!text.contains(theirs), "{theirs} is in Ted's export");
        }

        // Someone with no record gets an empty one of their own; the route is under /me.
        let stranger = app.register_and_login("Sam Stranger", "sam@example.org").await;
        let empty = app.get("/api/v1/me/growth/export", Some(&stranger)).await.json();
        assert_eq!(empty["person"]["name"], "Sam Stranger");
        for section in ["goals", "check_ins", "outcomes"] {
            assert_eq!(empty[section], json!([]), "{section}");
        }
        assert_eq!(empty["career"]["steps"], json!([]));
        assert_eq!(app.get("/api/v1/me/growth/export", None).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn each_csv_table_reads_back_in_an_independent_parser_with_formulas_defused(app) {
        let p = pair(app).await;
        let awkward = "Talk: \"Rust, safely\"\nat the meetup";
        let formula = "=HYPERLINK(\"http://evil.example\",\"x\")";
        let goal = new_goal(app, &p.mentee, json!({
            "title": "Speak, write, \"ship\"",
            "measure": "+1 from the team",
            "target_date": date_in_days(90),
            "skills": ["leadership", "public-speaking"],
            "milestones": [{"title": "Draft", "due_date": date_in_days(10)}, {"title": "@mention the lead"}],
        })).await;
        record(app, &p.mentee, json!({"kind": "talk_given", "date": date_in_days(-30), "title": awkward.replace('\n', " "), "note": awkward, "goal_id": goal["id"]})).await;
        record(app, &p.mentee, json!({"kind": "other", "date": date_in_days(-2), "title": formula, "note": "-5 points"})).await;
        for (confidence, went_well) in [(5, "=1+1"), (8, "Fine, thanks")] {
            let made = app.post_json("/api/v1/me/check-ins", json!({"confidence": confidence, "went_well": went_well, "areas": [{"area": "Saying no", "confidence": 3}, {"area": "Speaking up", "confidence": 7}]}), Some(&p.mentee)).await;
            assert_eq!(made.status, StatusCode::CREATED);
        }
        let step = app.post_json("/api/v1/me/career/steps", json!({"kind": "practise", "title": "Mock, interview", "due_date": date_in_days(20)}), Some(&p.mentee)).await;
        assert_eq!(step.status, StatusCode::CREATED);

        let table = csv_part(app, &p.mentee, "outcomes").await;
        assert_eq!(table[0], ["outcome_id", "date", "kind", "title", "note", "mentorship_id", "goal_id", "share_with_mentors", "created_at"]);
        assert_eq!(table.len(), 1 + 2, "{table:?}");
        assert!(table.iter().all(|row| row.len() == table[0].len()));
        assert_eq!(column(&table, "title"), vec![format!("'{formula}").as_str(), &awkward.replace('\n', " ")]);
        assert_eq!(column(&table, "note"), vec!["'-5 points", awkward], "a newline, a comma and quotes survive");
        assert_eq!(column(&table, "kind"), vec!["other", "talk_given"]);
        assert_eq!(column(&table, "date"), vec![date_in_days(-2).as_str(), &date_in_days(-30)]);
        assert_eq!(column(&table, "goal_id"), vec!["", goal["id"].as_str().unwrap()]);
        assert_eq!(column(&table, "share_with_mentors"), vec!["true", "true"]);

        let goals = csv_part(app, &p.mentee, "goals").await;
        assert_eq!(goals.len(), 2);
        assert_eq!(column(&goals, "title"), vec!["Speak, write, \"ship\""]);
        assert_eq!(column(&goals, "measure"), vec!["'+1 from the team"]);
        assert_eq!(column(&goals, "skills"), vec!["Leadership; Public speaking"]);
        assert_eq!(column(&goals, "status"), vec!["active"]);
        let milestones = csv_part(app, &p.mentee, "milestones").await;
        assert_eq!(column(&milestones, "title"), vec!["Draft", "'@mention the lead"]);
        assert_eq!(column(&milestones, "goal_title"), vec!["Speak, write, \"ship\""; 2]);
        let check_ins = csv_part(app, &p.mentee, "check_ins").await;
        assert_eq!(column(&check_ins, "confidence"), vec!["8", "5"], "newest first");
        assert_eq!(column(&check_ins, "went_well"), vec!["Fine, thanks", "'=1+1"]);
        assert_eq!(column(&check_ins, "areas"), vec!["Saying no: 3; Speaking up: 7"; 2]);
        assert!(column(&check_ins, "created_at").iter().all(|t| t.ends_with('Z') && t.contains('T')));
        let steps = csv_part(app, &p.mentee, "career_steps").await;
        assert_eq!(column(&steps, "title"), vec!["Mock, interview"]);
        assert_eq!(column(&steps, "kind"), vec!["practise"]);

        // Another person's tables hold none of it.
        let other = csv_part(app, &p.mentor, "outcomes").await;
        assert_eq!(other.len(), 1, "a header and no rows: {other:?}");
        for missing in ["skills.csv", "goals.json", "goals", "..%2Fgoals.csv"] {
            let got = app.get(&format!("/api/v1/me/growth/export/{missing}"), Some(&p.mentee)).await;
            got.error(StatusCode::NOT_FOUND, "not_found");
        }
    }

    async fn the_outcomes_page_records_edits_and_deletes_without_javascript_and_the_progress_page_lists_them(app) {
        let p = pair(app).await;
        let (mut b, csrf) = browser_of(app, "ted@example.org").await;
        let page = b.get("/outcomes").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains(r#"href="/outcomes" aria-current="page""#), "in the navigation");
        assert!(html.contains("With Ana Mentor (active)"), "the mentorship to credit");

        let future = date_in_days(3);
        let refused = b.post("/outcomes", &[("_csrf", &csrf), ("kind", "promotion"), ("date", &future), ("title", "Kept as typed")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text();
        assert!(html.contains(r#"id="date-error""#) && html.contains("must not be in the future"), "beside the field");
        assert!(html.contains(r#"value="Kept as typed""#));
        assert!(app.get("/api/v1/me/outcomes", Some(&p.mentee)).await.json().as_array().unwrap().is_empty());

        let day = date_in_days(-12);
        let done = b.post("/outcomes", &[("_csrf", &csrf), ("kind", "certification"), ("date", &day), ("title", "CKA certified"), ("note", "Second try"), ("mentorship_id", &p.mentorship), ("goal_id", ""), ("share", "on")]).await;
        assert!(done.status.is_redirection(), "{}", done.text());
        assert_eq!(done.header("location"), Some("/outcomes"));
        let made = app.get("/api/v1/me/outcomes", Some(&p.mentee)).await.json()[0].clone();
        assert_eq!(made["mentorship_id"].as_str(), Some(p.mentorship.as_str()));
        let id = made["id"].as_str().unwrap();
        let html = b.get("/outcomes").await.text();
        assert!(html.contains("CKA certified") && html.contains("Your outcome is recorded."));

        // An edit that fails reopens that outcome's form with its message.
        let refused = b.post(&format!("/outcomes/{id}"), &[("_csrf", &csrf), ("kind", "certification"), ("date", &day), ("title", "")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains(&format!(r#"id="o-{id}-title-error""#)));
        let saved = b.post(&format!("/outcomes/{id}"), &[("_csrf", &csrf), ("kind", "certification"), ("date", &day), ("title", "CKA certified (renewed)"), ("mentorship_id", &p.mentorship)]).await;
        assert!(saved.status.is_redirection(), "{}", saved.text());
        let edited = app.get("/api/v1/me/outcomes", Some(&p.mentee)).await.json()[0].clone();
        assert_eq!(edited["title"], "CKA certified (renewed)");
        assert_eq!(edited["share_with_mentors"], false, "an unticked box is no");

        // The progress page lists them, to the owner and to the mentor when shared.
        let shared = b.post(&format!("/outcomes/{id}"), &[("_csrf", &csrf), ("kind", "certification"), ("date", &day), ("title", "CKA certified (renewed)"), ("share", "on")]).await;
        assert!(shared.status.is_redirection());
        let own = b.get(&format!("/people/{}/progress", p.mentee_id)).await.text();
        assert!(own.contains("Career outcomes") && own.contains("CKA certified (renewed)"));
        let (mut mentor, mentor_csrf) = browser_of(app, "ana@example.org").await;
        let seen = mentor.get(&format!("/people/{}/progress", p.mentee_id)).await.text();
        assert!(seen.contains("CKA certified (renewed)") && seen.contains("Certification"));
        // Someone else's outcome is not found on the pages either.
        let foreign = mentor.post(&format!("/outcomes/{id}/delete"), &[("_csrf", &mentor_csrf)]).await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);

        let deleted = b.post(&format!("/outcomes/{id}/delete"), &[("_csrf", &csrf)]).await;
        assert!(deleted.status.is_redirection());
        assert!(b.get("/outcomes").await.text().contains("Nothing recorded yet"));
    }

    async fn the_export_page_downloads_the_record_under_the_browsers_session(app) {
        let p = pair(app).await;
        record(app, &p.mentee, json!({"kind": "new_job", "date": date_in_days(-50), "title": "Joined Initech, as lead"})).await;
        let (mut b, _) = browser_of(app, "ted@example.org").await;
        let goals = b.get("/goals").await.text();
        assert!(goals.contains(r#"href="/growth/export""#), "the goals page links the export");
        let page = b.get("/growth/export").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        for link in ["/growth/export.json", "/growth/export/goals.csv", "/growth/export/milestones.csv", "/growth/export/check_ins.csv", "/growth/export/career_steps.csv", "/growth/export/outcomes.csv"] {
            assert!(html.contains(&format!(r#"href="{link}""#)), "{link}");
        }
        let json = b.get("/growth/export.json").await;
        assert_eq!(json.status, StatusCode::OK);
        assert!(json.header("content-disposition").unwrap().starts_with("attachment; filename=\"lodestar-growth-"));
        assert_eq!(json.json()["outcomes"][0]["title"], "Joined Initech, as lead");
        let csv = b.get("/growth/export/outcomes.csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(column(&parse_csv(&csv.text()), "title"), vec!["Joined Initech, as lead"]);
        assert_eq!(b.get("/growth/export/secrets.csv").await.status, StatusCode::NOT_FOUND);
    }
}
