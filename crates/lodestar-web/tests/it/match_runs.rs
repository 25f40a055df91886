//! Cohort match runs: started by a programme's admin, solved in the background into a
//! certified draft with reasons and a quality report; locks, forbids and releases solve
//! again with their cost; every bad pair named; published once, within capacity, with
//! both sides told why; and seen by the programme's admins only.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::meetings::date_in_days;
use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, TestApp, api_tests};

/// A programme enrolling today, one mentee a mentor, matched on where people meet.
pub(crate) async fn programme(app: &TestApp, admin: &str) -> String {
    let body = json!({
        "name": "Platform cohort", "enrolment_opens": date_in_days(-1), "enrolment_closes": date_in_days(10),
        "starts_on": date_in_days(20), "ends_on": date_in_days(200), "matching": "cohort", "mentor_capacity": 1,
        "questions": [{"kind": "single_choice", "text": "Where do you like to meet?", "options": ["Online", "In person"],
            "match_rule": "same", "weight": 2.0}]
    });
    let made = app.post_json("/api/v1/programmes", body, Some(admin)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()["id"].as_str().unwrap().to_owned()
}

/// Someone with a profile, enrolled in the programme on one side; their token and id.
async fn enrolled(
    app: &TestApp,
    programme: &str,
    name: &str,
    role: &str,
    meet: &str,
    profile: Value,
) -> (String, String) {
    let token = app.person_with_profile(name, profile).await;
    let path = format!("/api/v1/programmes/{programme}/enrolments");
    let made = app
        .post_json(
            &path,
            json!({"role": role, "answers": {"0": meet}}),
            Some(&token),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let id = app.id_of(&token).await;
    (token, id)
}

/// Ana and Ben mentor; Cai and Eli want Kubernetes, Dee wants Python.
pub(crate) async fn cohort(app: &TestApp, programme: &str) -> [(String, String); 5] {
    let k8s = |level: u8| json!([{"skill": "kubernetes", "level": level}]);
    [
        enrolled(app, programme, "Ana", "mentor", "Online", json!({"mentor_skills": k8s(4), "years_experience": 12})).await,
        enrolled(app, programme, "Ben", "mentor", "In person", json!({"mentor_skills": [{"skill": "python", "level": 5}, {"skill": "kubernetes", "level": 3}], "years_experience": 10})).await,
        enrolled(app, programme, "Cai", "mentee", "Online", json!({"growth_skills": k8s(1), "years_experience": 2})).await,
        enrolled(app, programme, "Dee", "mentee", "In person", json!({"growth_skills": [{"skill": "python", "level": 1}], "years_experience": 1})).await,
        enrolled(app, programme, "Eli", "mentee", "Online", json!({"growth_skills": k8s(2), "years_experience": 3})).await,
    ]
}

/// Reads the run until it is no longer running.
pub(crate) async fn settled(app: &TestApp, run: &str, token: &str) -> Value {
    for _ in 0..300 {
        let seen = app
            .get(&format!("/api/v1/match-runs/{run}"), Some(token))
            .await;
        assert_eq!(seen.status, StatusCode::OK, "{}", seen.text());
        let seen = seen.json();
        if seen["state"] != "running" {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the run is still solving");
}

fn pairs(run: &Value) -> Vec<(String, String, bool)> {
    let mut found: Vec<(String, String, bool)> = run["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["mentee"]["name"].as_str().unwrap().to_owned(),
                a["mentor"]["name"].as_str().unwrap().to_owned(),
                a["locked"].as_bool().unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

api_tests! {
    async fn a_run_drafts_the_best_matching_is_edited_around_locks_and_forbids_and_publishes_once(app) {
        let (admin, member) = app.admin_and_member().await;
        let programme = programme(app, &admin).await;
        let [(_, ana), (_, ben), (cai_token, cai), (_, dee), (eli_token, eli)] = cohort(app, &programme).await;
        let start = format!("/api/v1/programmes/{programme}/match-runs");
        let started = app.post_json(&start, json!({"objective": "max_total", "min_score": 0}), Some(&admin)).await;
        assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.text());
        let started = started.json();
        assert_eq!(started["state"], "running");
        let run = started["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/match-runs/{run}");
        app.get(&path, Some(&member)).await.error(StatusCode::NOT_FOUND, "not_found");

        let draft = settled(app, &run, &admin).await;
        assert_eq!(draft["state"], "draft", "{draft}");
        assert_eq!(draft["certified"], true);
        let quality = &draft["quality"];
        assert_eq!((quality["mentees"].clone(), quality["mentors"].clone(), quality["matched"].clone(), quality["unmatched"].clone()),
            (json!(3), json!(2), json!(2), json!(1)), "{quality}");
        assert!(quality["mean_score"].as_f64().unwrap() >= quality["lowest_score"].as_f64().unwrap());
        assert_eq!(quality["mentors_full"], 2);
        let unmatched = &draft["unmatched"][0];
        assert!(unmatched["why"].as_str().unwrap().contains("full"), "{unmatched}");
        let first = &draft["assignments"][0];
        assert!(first["reasons"].as_array().unwrap().iter().any(|r| r["factor"] == "Programme answers"), "{first}");
        assert!(!first["for_mentee"].as_array().unwrap().is_empty(), "{first}");
        let mentor_name = first["mentor"]["name"].as_str().unwrap();
        assert!(first["for_mentor"].as_array().unwrap().iter().all(|r| !r.as_str().unwrap().starts_with(mentor_name)),
            "a mentor is not told about themself: {first}");

        // Eli is locked with Ben: kept, and the rest solved again, with the cost.
        let before = draft["quality"]["total_score"].as_f64().unwrap();
        let edited = app.patch_json(&path, json!({"lock": [[eli, ben]]}), Some(&admin)).await;
        assert_eq!(edited.status, StatusCode::ACCEPTED, "{}", edited.text());
        let locked = settled(app, &run, &admin).await;
        assert!(pairs(&locked).contains(&("Eli".into(), "Ben".into(), true)), "{:?}", pairs(&locked));
        let after = locked["quality"]["total_score"].as_f64().unwrap();
        let cost = locked["edits"][0]["cost"].as_f64().expect("the lock's cost");
        assert!((cost - (before - after)).abs() < 1e-9 && cost >= -1e-9, "{cost} vs {before} - {after}");
        assert_eq!(locked["edits"][0]["action"], "lock");
        assert_eq!(locked["locked"][0]["mentee"]["name"], "Eli");

        // Cai may not have Ana: the pair never returns, Eli's lock holds.
        let edited = app.patch_json(&path, json!({"forbid": [[cai, ana]]}), Some(&admin)).await;
        assert_eq!(edited.status, StatusCode::ACCEPTED, "{}", edited.text());
        let forbidden = settled(app, &run, &admin).await;
        let now = pairs(&forbidden);
        assert!(!now.iter().any(|(mentee, mentor, _)| mentee == "Cai" && mentor == "Ana"), "{now:?}");
        assert!(now.contains(&("Eli".into(), "Ben".into(), true)), "{now:?}");
        assert_eq!(forbidden["forbidden"][0]["mentor"]["name"], "Ana");

        // Every bad pair is named, and nothing changes.
        let bad = json!({"lock": [["nobody", ana], [dee, dee]], "forbid": [[cai]], "release": [[dee, ana]]});
        app.patch_json(&path, bad, Some(&admin)).await.field_errors(
            StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["lock[0]", "lock[1]", "forbid[0]", "release[0]"]);
        app.patch_json(&path, json!({}), Some(&admin)).await.error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        let same = app.get(&path, Some(&admin)).await.json();
        assert_eq!((same["state"].clone(), same["edits"].as_array().unwrap().len()), (json!("draft"), 2));
        app.patch_json(&path, json!({"lock": [[cai, ana]]}), Some(&member)).await.error(StatusCode::NOT_FOUND, "not_found");

        // Published once: the mentorships are made, both sides are told why.
        let publish = format!("{path}/publish");
        let done = app.post_json(&publish, json!({}), Some(&admin)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        let made = done.json()["mentorships_created"].as_i64().unwrap();
        assert_eq!(made, forbidden["assignments"].as_array().unwrap().len() as i64);
        let again = app.post_json(&publish, json!({}), Some(&admin)).await;
        assert_eq!(again.json()["mentorships_created"], 0, "publishing twice makes nothing twice");
        let mine = app.get("/api/v1/mentorships", Some(&eli_token)).await.json();
        assert!(mine.to_string().contains("\"Ben\""), "{mine}");
        let inbox = app.get("/api/v1/me/notifications", Some(&eli_token)).await.text();
        assert!(inbox.contains("Platform cohort: meet your mentor, Ben"), "{inbox}");
        assert!(inbox.contains("Why you were matched"), "{inbox}");
        let published = app.get(&path, Some(&admin)).await.json();
        assert_eq!((published["state"].clone(), published["mentorships_created"].clone()), (json!("published"), json!(made)));
        app.patch_json(&path, json!({"release": [[eli, ben]]}), Some(&admin)).await.error(StatusCode::CONFLICT, "not_draft");

        // A second run leaves out everyone who has a mentor in the programme now.
        let second = app.post_json(&start, json!({}), Some(&admin)).await.json();
        let second = settled(app, second["id"].as_str().unwrap(), &admin).await;
        assert_eq!(second["quality"]["mentees"], 3 - made, "{second}");
        // Ben is full in the programme; Ana is free, and the first run's forbid was that
        // run's alone.
        assert_eq!(pairs(&second), vec![("Cai".to_owned(), "Ana".to_owned(), false)], "{second}");
        let _ = cai_token;
    }

    async fn a_run_asks_for_a_good_objective_and_an_admin_of_the_programme(app) {
        let (admin, member) = app.admin_and_member().await;
        let programme = programme(app, &admin).await;
        let start = format!("/api/v1/programmes/{programme}/match-runs");
        app.post_json(&start, json!({"objective": "fastest", "min_score": 101}), Some(&admin)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["objective", "min_score"]);
        app.post_json(&start, json!({}), Some(&member)).await.error(StatusCode::FORBIDDEN, "forbidden");
        let list = app.get(&start, Some(&admin)).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text());
        assert_eq!(list.json(), json!([]));
        // An empty programme drafts nothing, and says so.
        let started = app.post_json(&start, json!({}), Some(&admin)).await.json();
        let run = settled(app, started["id"].as_str().unwrap(), &admin).await;
        assert_eq!((run["state"].clone(), run["quality"]["mentees"].clone()), (json!("draft"), json!(0)));
        assert_eq!(app.get(&start, Some(&admin)).await.json()[0]["state"], "draft");
    }

    async fn publishing_keeps_every_mentor_within_capacity_whatever_happened_since_the_draft(app) {
        let (admin, _) = app.admin_and_member().await;
        let programme = programme(app, &admin).await;
        let [(_, _), (_, _), (cai_token, _), (_, _), (_, _)] = cohort(app, &programme).await;
        let start = format!("/api/v1/programmes/{programme}/match-runs");
        let first = app.post_json(&start, json!({}), Some(&admin)).await.json();
        let first = settled(app, first["id"].as_str().unwrap(), &admin).await;
        // Cai withdraws after the draft; the same draft published twice at once.
        let mine = app.get(&format!("/api/v1/programmes/{programme}"), Some(&cai_token)).await.json();
        let enrolment = mine["your_enrolment"]["id"].as_str().unwrap().to_owned();
        assert_eq!(app.delete(&format!("/api/v1/enrolments/{enrolment}"), Some(&cai_token)).await.status, StatusCode::NO_CONTENT);
        let publish = format!("/api/v1/match-runs/{}/publish", first["id"].as_str().unwrap());
        let (a, b) = tokio::join!(app.post_json(&publish, json!({}), Some(&admin)), app.post_json(&publish, json!({}), Some(&admin)));
        assert_eq!((a.status, b.status), (StatusCode::OK, StatusCode::OK), "{} / {}", a.text(), b.text());
        let (a, b) = (a.json(), b.json());
        let made = a["mentorships_created"].as_i64().unwrap() + b["mentorships_created"].as_i64().unwrap();
        let had_cai = first["assignments"].as_array().unwrap().iter().any(|x| x["mentee"]["name"] == "Cai");
        assert_eq!(made, first["assignments"].as_array().unwrap().len() as i64 - i64::from(had_cai), "{a} {b}");
        if had_cai {
            let skipped = [a["skipped"].clone(), b["skipped"].clone()];
            assert!(skipped.iter().any(|s| s.to_string().contains("no longer enrolled")), "{skipped:?}");
        }
    }
}

/// The names of a circle's mentees, sorted.
fn circle_of<'a>(run: &'a Value, mentor: &str) -> (&'a Value, Vec<String>) {
    let circle = run["circles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["mentor"]["name"] == mentor)
        .unwrap_or_else(|| panic!("no circle of {mentor}: {run}"));
    let mut names: Vec<String> = circle["mentees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    (circle, names)
}

api_tests! {
    async fn circles_form_around_a_skill_their_mentees_want_and_a_later_run_joins_them(app) {
        let (admin, _) = app.admin_and_member().await;
        let body = json!({
            "name": "Learning circles", "enrolment_opens": date_in_days(-1), "enrolment_closes": date_in_days(10),
            "starts_on": date_in_days(20), "ends_on": date_in_days(200), "matching": "cohort",
            "format": "circle", "circle_size": 4,
            "questions": [{"kind": "single_choice", "text": "Where do you like to meet?", "options": ["Online", "In person"]}]
        });
        let made = app.post_json("/api/v1/programmes", body, Some(&admin)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let programme = made.json()["id"].as_str().unwrap().to_owned();
        let wants = |skills: &[&str]| json!({"growth_skills": skills.iter().map(|s| json!({"skill": s, "level": 1})).collect::<Vec<_>>(), "years_experience": 2});
        // Ana can only lead Kubernetes; Ben leads Python: three want it, as many as want
        // Rust, and he is stronger in it.
        let (ana_token, _) = enrolled(app, &programme, "Ana", "mentor", "Online", json!({"mentor_skills": [{"skill": "kubernetes", "level": 4}], "years_experience": 12})).await;
        enrolled(app, &programme, "Ben", "mentor", "Online", json!({"mentor_skills": [{"skill": "python", "level": 5}, {"skill": "rust", "level": 4}], "years_experience": 10})).await;
        let (cai_token, _) = enrolled(app, &programme, "Cai", "mentee", "Online", wants(&["kubernetes", "rust"])).await;
        let (eli_token, _) = enrolled(app, &programme, "Eli", "mentee", "Online", wants(&["kubernetes", "rust"])).await;
        enrolled(app, &programme, "Fay", "mentee", "Online", wants(&["python"])).await;
        enrolled(app, &programme, "Gus", "mentee", "Online", wants(&["python"])).await;
        enrolled(app, &programme, "Jo", "mentee", "In person", wants(&["python"])).await;
        enrolled(app, &programme, "Hal", "mentee", "Online", wants(&["rust"])).await;
        let start = format!("/api/v1/programmes/{programme}/match-runs");
        let started = app.post_json(&start, json!({}), Some(&admin)).await.json();
        let run = started["id"].as_str().unwrap().to_owned();
        let draft = settled(app, &run, &admin).await;
        assert_eq!((draft["state"].clone(), draft["certified"].clone()), (json!("draft"), json!(true)), "{draft}");

        // Everyone in a circle wants its focus, and the circle says what else they share.
        let (ana, ana_mentees) = circle_of(&draft, "Ana");
        assert_eq!((ana["focus"].clone(), ana["want_focus"].clone()), (json!("Kubernetes"), json!(2)), "{ana}");
        assert_eq!(ana_mentees, ["Cai", "Eli"]);
        assert!(ana["shared"].to_string().contains("\"Rust\""), "{ana}");
        let (ben, ben_mentees) = circle_of(&draft, "Ben");
        assert_eq!(ben["focus"], "Python", "{ben}");
        assert_eq!(ben_mentees, ["Fay", "Gus", "Jo"]);
        // No circle is on Rust, which is all Hal wants.
        assert_eq!(draft["unmatched"][0]["mentee"]["name"], "Hal", "{draft}");
        assert!(draft["unmatched"][0]["why"].as_str().unwrap().contains("no circle forms around"), "{draft}");
        let cai = draft["assignments"].as_array().unwrap().iter().find(|a| a["mentee"]["name"] == "Cai").unwrap();
        assert_eq!(cai["for_mentee"][0], "You and one other in your circle want to grow in Kubernetes", "{cai}");
        assert_eq!(cai["for_mentee"][1], "1 other in your circle also wants to grow in Rust", "{cai}");
        assert_eq!(cai["for_mentor"][0], "Your circle: 2 mentees, all wanting to grow in Kubernetes, which you mentor", "{cai}");

        // Published: one mentorship per circle, its focus its skill, one thread for all.
        let publish = format!("/api/v1/match-runs/{run}/publish");
        let done = app.post_json(&publish, json!({}), Some(&admin)).await;
        assert_eq!(done.json()["mentorships_created"], 2, "{}", done.text());
        let mine = app.get("/api/v1/mentorships", Some(&cai_token)).await.json();
        let circle_id = mine["mentorships"][0]["id"].as_str().unwrap().to_owned();
        let circle = app.get(&format!("/api/v1/mentorships/{circle_id}"), Some(&cai_token)).await.json();
        let text = circle.to_string();
        assert!(text.contains("\"Ana\"") && text.contains("\"Eli\"") && text.contains("\"Kubernetes\""), "{circle}");
        assert!(text.contains("published the programme's match, and the mentorship started"), "{circle}");
        let inbox = app.get("/api/v1/me/notifications", Some(&cai_token)).await.text();
        assert!(inbox.contains("You and one other in your circle want to grow in Kubernetes"), "{inbox}");

        // Cai puts a goal on the circle's board: Eli and Ana see its title and progress,
        // not the goal itself, which Cai shares with nobody; nobody else sees the board.
        let goal = app.post_json("/api/v1/me/goals", json!({"title": "Run a cluster upgrade", "measure": "Upgraded with no downtime",
            "target_date": date_in_days(60), "mentorship_id": circle_id, "on_board": true, "progress": 30}), Some(&cai_token)).await;
        assert_eq!(goal.status, StatusCode::CREATED, "{}", goal.text());
        let goal = goal.json();
        assert_eq!(goal["on_board"], true);
        let goal_id = goal["id"].as_str().unwrap().to_owned();
        let board_path = format!("/api/v1/mentorships/{circle_id}/board");
        for token in [&eli_token, &ana_token] {
            let board = app.get(&board_path, Some(token)).await;
            assert_eq!(board.status, StatusCode::OK, "{}", board.text());
            let board = board.json();
            assert_eq!((board["goals"][0]["title"].clone(), board["goals"][0]["progress"].clone(), board["goals"][0]["owner"]["name"].clone(),
                board["goals"][0]["readable"].clone()), (json!("Run a cluster upgrade"), json!(30), json!("Cai"), json!(false)), "{board}");
            assert!(!board.to_string().contains("no downtime"), "a board shows no more than the title and progress: {board}");
            app.get(&format!("/api/v1/me/goals/{goal_id}"), Some(token)).await.error(StatusCode::NOT_FOUND, "not_found");
        }
        app.get(&board_path, Some(&admin)).await.error(StatusCode::NOT_FOUND, "not_found");
        // Shared with Ana, their mentor, she may open it from the board; Eli still may not.
        let ana_id = app.id_of(&ana_token).await;
        let shared = app.patch_json(&format!("/api/v1/me/goals/{goal_id}"), json!({"shared_with": [ana_id]}), Some(&cai_token)).await;
        assert_eq!(shared.status, StatusCode::OK, "{}", shared.text());
        assert_eq!(app.get(&board_path, Some(&ana_token)).await.json()["goals"][0]["readable"], true);
        assert_eq!(app.get(&board_path, Some(&eli_token)).await.json()["goals"][0]["readable"], false);
        let mine = app.get(&board_path, Some(&cai_token)).await.json();
        assert_eq!((mine["goals"][0]["yours"].clone(), mine["goals"][0]["readable"].clone()), (json!(true), json!(true)), "{mine}");
        // A board needs a mentorship; unlinked from it, the goal leaves the board.
        app.post_json("/api/v1/me/goals", json!({"title": "Alone", "measure": "Done", "target_date": date_in_days(60), "on_board": true}), Some(&cai_token)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["on_board"]);
        let unlinked = app.patch_json(&format!("/api/v1/me/goals/{goal_id}"), json!({"mentorship_id": ""}), Some(&cai_token)).await;
        assert_eq!(unlinked.json()["on_board"], false, "{}", unlinked.text());
        assert_eq!(app.get(&board_path, Some(&eli_token)).await.json()["goals"], json!([]));
        let back = app.patch_json(&format!("/api/v1/me/goals/{goal_id}"), json!({"mentorship_id": circle_id, "on_board": true}), Some(&cai_token)).await;
        assert_eq!(back.json()["on_board"], true, "{}", back.text());

        // The pages: the circle and its board, and a goal put on it from the goals page.
        let mut eli_pages = Browser::new(app);
        eli_pages.log_in("eli@example.org", PASSWORD).await;
        let page = eli_pages.get(&format!("/mentorships/{circle_id}")).await.text();
        assert!(page.contains("Circle with Ana") && page.contains("Goal board") && page.contains("Run a cluster upgrade"), "{page}");
        let form = eli_pages.get(&format!("/goals?mentorship={circle_id}&board=1")).await.text();
        assert!(form.contains(&format!("<option value=\"{circle_id}\" selected>")), "{form}");
        assert!(form.contains("name=\"on_board\" value=\"1\" checked"), "{form}");
        let csrf = csrf_of(&form);
        let target = date_in_days(30);
        let set = eli_pages.post("/goals", &[("_csrf", csrf.as_str()), ("title", "Pass the CKA exam"), ("measure", "Certified"),
            ("target_date", target.as_str()), ("mentorship", circle_id.as_str()), ("on_board", "1")]).await;
        assert!(set.status.is_redirection(), "{}", set.text());
        let page = app.get(&board_path, Some(&cai_token)).await.text();
        assert!(page.contains("Pass the CKA exam"), "{page}");
        // A bad mentorship is named beside its field, and nothing is set.
        let refused = eli_pages.post("/goals", &[("_csrf", csrf.as_str()), ("title", "Another"), ("measure", "Done"),
            ("target_date", target.as_str()), ("mentorship", "not-an-id"), ("on_board", "1")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("choose one of your mentorships"), "{}", refused.text());

        // Ivy enrols later and wants Kubernetes: the next run puts her in Ana's circle,
        // which keeps its focus, and publishing adds her to it rather than making another.
        let (ivy_token, _) = enrolled(app, &programme, "Ivy", "mentee", "Online", wants(&["kubernetes"])).await;
        let second = app.post_json(&start, json!({}), Some(&admin)).await.json();
        let second_id = second["id"].as_str().unwrap().to_owned();
        let second = settled(app, &second_id, &admin).await;
        let (again, joining) = circle_of(&second, "Ana");
        assert_eq!((again["focus"].clone(), joining), (json!("Kubernetes"), vec!["Ivy".to_owned()]), "{second}");
        let done = app.post_json(&format!("/api/v1/match-runs/{second_id}/publish"), json!({}), Some(&admin)).await;
        assert_eq!(done.json()["mentorships_created"], 0, "{}", done.text());
        let hers = app.get("/api/v1/mentorships", Some(&ivy_token)).await.json();
        assert_eq!(hers["mentorships"][0]["id"], circle_id.as_str(), "{hers}");
        let circle = app.get(&format!("/api/v1/mentorships/{circle_id}"), Some(&cai_token)).await.json();
        assert!(circle.to_string().contains("\"Ivy\""), "{circle}");
        assert!(circle.to_string().contains("published the programme's match: a mentee joined"), "{circle}");
        let threads = app.get("/api/v1/threads", Some(&ivy_token)).await;
        assert_eq!(threads.status, StatusCode::OK, "{}", threads.text());
        assert!(threads.text().contains("Cai"), "Ivy is in the circle's thread: {}", threads.text());
        // And sees the circle's board.
        let board = app.get(&board_path, Some(&ivy_token)).await.text();
        assert!(board.contains("Run a cluster upgrade") && board.contains("Pass the CKA exam"), "{board}");
    }
}

api_tests! {
    async fn two_mentors_who_share_a_focus_co_mentor_a_circle_and_the_stronger_leads(app) {
        let (admin, _) = app.admin_and_member().await;
        let body = |format: &str, mentors: i64| json!({
            "name": "Co-mentored circles", "enrolment_opens": date_in_days(-1), "enrolment_closes": date_in_days(10),
            "starts_on": date_in_days(20), "ends_on": date_in_days(200), "matching": "cohort",
            "format": format, "circle_mentors": mentors,
            "questions": [{"kind": "single_choice", "text": "Where do you like to meet?", "options": ["Online", "In person"]}]
        });
        // Two mentors is for circles, and no circle has three.
        app.post_json("/api/v1/programmes", body("one_to_one", 2), Some(&admin)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["circle_mentors"]);
        app.post_json("/api/v1/programmes", body("circle", 3), Some(&admin)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["circle_mentors"]);
        let mut good = body("circle", 2);
        good["circle_size"] = json!(3);
        let made = app.post_json("/api/v1/programmes", good, Some(&admin)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let made = made.json();
        assert_eq!((made["circle_mentors"].clone(), made["circle_size"].clone()), (json!(2), json!(3)), "{made}");
        let programme = made["id"].as_str().unwrap().to_owned();
        let wants = |skill: &str| json!({"growth_skills": [{"skill": skill, "level": 1}], "years_experience": 2});
        let mentors = |skill: &str, level: u8| json!({"mentor_skills": [{"skill": skill, "level": level}], "years_experience": 10});
        // Ben and Ana both mentor Kubernetes, Ana more strongly; Cora alone mentors Python.
        let (ben_token, ben) = enrolled(app, &programme, "Ben", "mentor", "Online", mentors("kubernetes", 3)).await;
        let (ana_token, _) = enrolled(app, &programme, "Ana", "mentor", "Online", mentors("kubernetes", 5)).await;
        enrolled(app, &programme, "Cora", "mentor", "Online", mentors("python", 4)).await;
        let (cai_token, cai) = enrolled(app, &programme, "Cai", "mentee", "Online", wants("kubernetes")).await;
        enrolled(app, &programme, "Eli", "mentee", "Online", wants("kubernetes")).await;
        enrolled(app, &programme, "Fay", "mentee", "Online", wants("python")).await;
        // Dan wants Kubernetes too, but has blocked Ben: he may join no circle Ben leads.
        let (dan_token, _) = enrolled(app, &programme, "Dan", "mentee", "Online", wants("kubernetes")).await;
        assert_eq!(app.put_json(&format!("/api/v1/me/blocks/{ben}"), json!({}), Some(&dan_token)).await.status, StatusCode::NO_CONTENT);
        let start = format!("/api/v1/programmes/{programme}/match-runs");
        let run = app.post_json(&start, json!({}), Some(&admin)).await.json()["id"].as_str().unwrap().to_owned();
        let draft = settled(app, &run, &admin).await;
        assert_eq!((draft["state"].clone(), draft["certified"].clone()), (json!("draft"), json!(true)), "{draft}");
        let (k8s, k8s_mentees) = circle_of(&draft, "Ana");
        assert_eq!((k8s["co_mentor"]["name"].clone(), k8s["focus"].clone()), (json!("Ben"), json!("Kubernetes")), "{k8s}");
        assert_eq!(k8s_mentees, ["Cai", "Eli"]);
        let (python, python_mentees) = circle_of(&draft, "Cora");
        assert_eq!((python["co_mentor"].clone(), python_mentees), (Value::Null, vec!["Fay".to_owned()]), "{python}");
        assert_eq!(draft["unmatched"][0]["mentee"]["name"], "Dan", "{draft}");
        let cai_pair = draft["assignments"].as_array().unwrap().iter().find(|a| a["mentee"]["name"] == "Cai").unwrap();
        assert!(cai_pair["for_mentee"].to_string().contains("Ben co-mentors your circle, also in Kubernetes"), "{cai_pair}");
        // Ben carries the circle's load as Ana does.
        let load = |name: &str| draft["mentors"].as_array().unwrap().iter().find(|m| m["mentor"]["name"] == name).unwrap()["given"].clone();
        assert_eq!((load("Ana"), load("Ben"), load("Cora")), (json!(2), json!(2), json!(1)), "{draft}");
        // Locking Cai with Ben locks him into the circle: its lead, Ana.
        let edited = app.patch_json(&format!("/api/v1/match-runs/{run}"), json!({"lock": [[cai, ben]]}), Some(&admin)).await;
        assert_eq!(edited.status, StatusCode::ACCEPTED, "{}", edited.text());
        let draft = settled(app, &run, &admin).await;
        assert_eq!(draft["locked"][0]["mentor"]["name"], "Ana", "{draft}");
        assert!(pairs(&draft).contains(&("Cai".to_owned(), "Ana".to_owned(), true)), "{draft}");

        // Published: one mentorship with both mentors; each hears who they lead it with.
        let done = app.post_json(&format!("/api/v1/match-runs/{run}/publish"), json!({}), Some(&admin)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        assert_eq!((done.json()["mentorships_created"].clone(), done.json()["co_mentors_left_out"].clone()), (json!(2), json!([])), "{}", done.text());
        let mine = app.get("/api/v1/mentorships", Some(&cai_token)).await.json();
        let circle_id = mine["mentorships"][0]["id"].as_str().unwrap().to_owned();
        let circle = app.get(&format!("/api/v1/mentorships/{circle_id}"), Some(&ben_token)).await;
        assert_eq!(circle.status, StatusCode::OK, "Ben is a member: {}", circle.text());
        let mentor_names: Vec<String> = circle.json()["members"].as_array().unwrap().iter()
            .filter(|m| m["role"] == "mentor").map(|m| m["name"].as_str().unwrap().to_owned()).collect();
        assert_eq!(mentor_names.len(), 2, "{}", circle.text());
        assert!(mentor_names.contains(&"Ana".to_owned()) && mentor_names.contains(&"Ben".to_owned()), "{mentor_names:?}");
        let inbox = app.get("/api/v1/me/notifications", Some(&ben_token)).await.text();
        assert!(inbox.contains("you co-mentor the circle with Ana"), "{inbox}");
        let inbox = app.get("/api/v1/me/notifications", Some(&ana_token)).await.text();
        assert!(inbox.contains("you co-mentor the circle with Ben"), "{inbox}");
        let mut pages = Browser::new(app);
        pages.log_in("eli@example.org", PASSWORD).await;
        let page = pages.get(&format!("/mentorships/{circle_id}")).await.text();
        assert!(page.contains("Circle with Ana") && page.contains("Ben"), "{page}");

        // Ivy enrols later for Kubernetes: the next run keeps Ana and Ben together, and
        // she joins their running circle.
        let (ivy_token, _) = enrolled(app, &programme, "Ivy", "mentee", "Online", wants("kubernetes")).await;
        let second = app.post_json(&start, json!({}), Some(&admin)).await.json()["id"].as_str().unwrap().to_owned();
        let second_draft = settled(app, &second, &admin).await;
        let (again, joining) = circle_of(&second_draft, "Ana");
        assert_eq!((again["co_mentor"]["name"].clone(), joining), (json!("Ben"), vec!["Ivy".to_owned()]), "{second_draft}");
        let done = app.post_json(&format!("/api/v1/match-runs/{second}/publish"), json!({}), Some(&admin)).await;
        assert_eq!(done.json()["mentorships_created"], 0, "{}", done.text());
        let hers = app.get("/api/v1/mentorships", Some(&ivy_token)).await.json();
        assert_eq!(hers["mentorships"][0]["id"], circle_id.as_str(), "{hers}");
    }
}

api_tests! {
    async fn a_co_mentor_who_withdrew_before_the_publish_is_left_out_and_the_circle_starts_with_its_lead(app) {
        let (admin, _) = app.admin_and_member().await;
        let body = json!({
            "name": "Pairs of mentors", "enrolment_opens": date_in_days(-1), "enrolment_closes": date_in_days(10),
            "starts_on": date_in_days(20), "ends_on": date_in_days(200), "matching": "cohort",
            "format": "circle", "circle_size": 4, "circle_mentors": 2,
            "questions": [{"kind": "single_choice", "text": "Where do you like to meet?", "options": ["Online", "In person"]}]
        });
        let programme = app.post_json("/api/v1/programmes", body, Some(&admin)).await.json()["id"].as_str().unwrap().to_owned();
        let mentors = |level: u8| json!({"mentor_skills": [{"skill": "kubernetes", "level": level}], "years_experience": 10});
        let wants = json!({"growth_skills": [{"skill": "kubernetes", "level": 1}], "years_experience": 2});
        enrolled(app, &programme, "Ana", "mentor", "Online", mentors(5)).await;
        let (ben_token, _) = enrolled(app, &programme, "Ben", "mentor", "Online", mentors(3)).await;
        let (cai_token, _) = enrolled(app, &programme, "Cai", "mentee", "Online", wants.clone()).await;
        enrolled(app, &programme, "Eli", "mentee", "Online", wants).await;
        let start = format!("/api/v1/programmes/{programme}/match-runs");
        let run = app.post_json(&start, json!({}), Some(&admin)).await.json()["id"].as_str().unwrap().to_owned();
        let draft = settled(app, &run, &admin).await;
        assert_eq!(circle_of(&draft, "Ana").0["co_mentor"]["name"], "Ben", "{draft}");
        // Ben withdraws after the draft.
        let mine = app.get(&format!("/api/v1/programmes/{programme}"), Some(&ben_token)).await.json();
        let enrolment = mine["your_enrolment"]["id"].as_str().unwrap().to_owned();
        assert_eq!(app.delete(&format!("/api/v1/enrolments/{enrolment}"), Some(&ben_token)).await.status, StatusCode::NO_CONTENT);
        let done = app.post_json(&format!("/api/v1/match-runs/{run}/publish"), json!({}), Some(&admin)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        let done = done.json();
        assert_eq!(done["mentorships_created"], 1, "{done}");
        assert_eq!(done["co_mentors_left_out"][0]["co_mentor"]["name"], "Ben", "{done}");
        assert_eq!(done["co_mentors_left_out"][0]["why"], "the co-mentor is no longer enrolled to mentor", "{done}");
        let circle = app.get("/api/v1/mentorships", Some(&cai_token)).await.json();
        let id = circle["mentorships"][0]["id"].as_str().unwrap().to_owned();
        let members = app.get(&format!("/api/v1/mentorships/{id}"), Some(&cai_token)).await.json()["members"].clone();
        let names: Vec<&str> = members.as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
        assert!(names.contains(&"Ana") && !names.contains(&"Ben") && names.contains(&"Eli"), "{members}");
        assert!(!app.get("/api/v1/me/notifications", Some(&ben_token)).await.text().contains("Pairs of mentors"), "Ben is not told");
    }
}

api_tests! {
    async fn reverse_mentoring_gives_a_senior_a_junior_mentor_who_is_stronger_in_what_they_want(app) {
        let (admin, _) = app.admin_and_member().await;
        let body = json!({
            "name": "Reverse mentoring", "enrolment_opens": date_in_days(-1), "enrolment_closes": date_in_days(10),
            "starts_on": date_in_days(20), "ends_on": date_in_days(200), "matching": "cohort", "format": "reverse",
            "mentor_capacity": 2,
            "questions": [{"kind": "single_choice", "text": "Where do you like to meet?", "options": ["Online", "In person"]}]
        });
        let made = app.post_json("/api/v1/programmes", body, Some(&admin)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let programme = made.json()["id"].as_str().unwrap().to_owned();
        let profile = |years: u8, mentors: Option<u8>, wants: Option<u8>| {
            let mut p = json!({"years_experience": years});
            if let Some(level) = mentors {
                p["mentor_skills"] = json!([{"skill": "machine-learning", "level": level}]);
            }
            if let Some(level) = wants {
                p["growth_skills"] = json!([{"skill": "machine-learning", "level": level}]);
            }
            p
        };
        // Ana, three years in, is strong in machine learning; Ben, thirty years in, too.
        enrolled(app, &programme, "Ana", "mentor", "Online", profile(3, Some(5), None)).await;
        enrolled(app, &programme, "Ben", "mentor", "Online", profile(30, Some(5), None)).await;
        // Cai, twenty-five years in, and Dee, two years in, want to grow in it.
        enrolled(app, &programme, "Cai", "mentee", "Online", profile(25, None, Some(1))).await;
        enrolled(app, &programme, "Dee", "mentee", "Online", profile(2, None, Some(1))).await;
        let start = format!("/api/v1/programmes/{programme}/match-runs");
        let started = app.post_json(&start, json!({}), Some(&admin)).await.json();
        let draft = settled(app, started["id"].as_str().unwrap(), &admin).await;
        assert_eq!(draft["certified"], true, "{draft}");
        // Only Ana is junior to Cai; nobody is junior to Dee.
        assert_eq!(pairs(&draft), vec![("Cai".to_owned(), "Ana".to_owned(), false)], "{draft}");
        assert_eq!(draft["unmatched"][0]["mentee"]["name"], "Dee");
        assert!(draft["unmatched"][0]["why"].as_str().unwrap().contains("fewer years of experience"), "{draft}");
    }
}

api_tests! {
    async fn peers_are_paired_to_mentor_each_other_on_different_skills(app) {
        let (admin, _) = app.admin_and_member().await;
        let body = json!({
            "name": "Peer learning", "enrolment_opens": date_in_days(-1), "enrolment_closes": date_in_days(10),
            "starts_on": date_in_days(20), "ends_on": date_in_days(200), "matching": "cohort", "format": "peer",
            "questions": [{"kind": "single_choice", "text": "Where do you like to meet?", "options": ["Online", "In person"]}]
        });
        let made = app.post_json("/api/v1/programmes", body, Some(&admin)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let programme = made.json()["id"].as_str().unwrap().to_owned();
        let peer = |mentors: &str, wants: &str| json!({"years_experience": 6, "mentor_capacity": 3,
            "mentor_skills": [{"skill": mentors, "level": 4}], "growth_skills": [{"skill": wants, "level": 1}]});
        let (ana_token, ana) = enrolled(app, &programme, "Ana", "both", "Online", peer("python", "rust")).await;
        let (_, ben) = enrolled(app, &programme, "Ben", "both", "Online", peer("rust", "python")).await;
        // Cai could only trade Python for Python; Dee may not enrol to be mentored only.
        enrolled(app, &programme, "Cai", "both", "Online", peer("python", "python")).await;
        let dee = app.person_with_profile("Dee", peer("rust", "python")).await;
        app.post_json(&format!("/api/v1/programmes/{programme}/enrolments"), json!({"role": "mentee", "answers": {"0": "Online"}}), Some(&dee)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["role"]);
        // Nor may a participants file enrol anyone on one side only.
        let file = "name,email,role\nDee,dee@example.org,mentee\nEve,eve@example.org,both\n";
        crate::participants::import(app, &programme, &admin, true, file).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["row 2.role"]);
        let start = format!("/api/v1/programmes/{programme}/match-runs");
        let started = app.post_json(&start, json!({}), Some(&admin)).await.json();
        let run = started["id"].as_str().unwrap().to_owned();
        let draft = settled(app, &run, &admin).await;
        assert_eq!(draft["certified"], true, "{draft}");
        assert_eq!(pairs(&draft), vec![("Ana".to_owned(), "Ben".to_owned(), false), ("Ben".to_owned(), "Ana".to_owned(), false)], "{draft}");
        let why = |name: &str| draft["unmatched"].as_array().unwrap().iter()
            .find(|u| u["mentee"]["name"] == name).map(|u| u["why"].as_str().unwrap().to_owned()).unwrap_or_default();
        assert!(why("Cai").contains("no peer fits"), "{draft}");

        // Forbidden, the pair is never made; released, it is again.
        let path = format!("/api/v1/match-runs/{run}");
        app.patch_json(&path, json!({"forbid": [[ana, ben]]}), Some(&admin)).await;
        let forbidden = settled(app, &run, &admin).await;
        assert!(pairs(&forbidden).is_empty(), "{forbidden}");
        app.patch_json(&path, json!({"release": [[ana, ben]]}), Some(&admin)).await;
        let released = settled(app, &run, &admin).await;
        assert_eq!(pairs(&released).len(), 2, "{released}");

        // Published: a mentorship each way, and each peer told once.
        let done = app.post_json(&format!("{path}/publish"), json!({}), Some(&admin)).await;
        assert_eq!(done.json()["mentorships_created"], 2, "{}", done.text());
        let mine = app.get("/api/v1/mentorships", Some(&ana_token)).await.json();
        let roles: Vec<&str> = mine["mentorships"].as_array().unwrap().iter().map(|m| m["my_role"].as_str().unwrap()).collect();
        assert_eq!(roles.len(), 2, "{mine}");
        assert!(roles.contains(&"mentor") && roles.contains(&"mentee"), "{mine}");
        let inbox = app.get("/api/v1/me/notifications", Some(&ana_token)).await.text();
        assert_eq!(inbox.matches("Peer learning: meet your peer, Ben").count(), 1, "{inbox}");
    }
}
