//! The programme pages: an admin creates a programme with its form from the page, a bad
//! definition is shown back with every field named and nothing created; a member enrols
//! from the programme's page, with bad answers named beside their questions; the admins'
//! list shows the answers and approves.

use axum::http::StatusCode;

use crate::meetings::date_in_days;
use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, api_tests};

api_tests! {
    async fn an_admin_creates_a_programme_from_the_page_and_a_member_enrols_from_its_page(app) {
        let (admin, member) = app.admin_and_member().await;
        let mut browser = Browser::new(app);
        browser.log_in("ada@example.org", PASSWORD).await;
        let page = browser.get("/programmes/new").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let csrf = csrf_of(&page.text());
        let (opens, closes, starts, ends) = (date_in_days(-1), date_in_days(9), date_in_days(10), date_in_days(100));

        let bad = [
            ("_csrf", csrf.as_str()), ("name", ""), ("enrolment_opens", opens.as_str()),
            ("enrolment_closes", "soon"), ("starts_on", starts.as_str()), ("ends_on", ends.as_str()),
            ("matching", "cohort"), ("format", "one_to_one"), ("min_score", "lots"), ("co_mentors", "on"),
            ("admins", "nobody@example.org"),
            ("q0_kind", "single_choice"), ("q0_text", "Where do you meet?"), ("q0_options", "Online"),
            ("q0_match_rule", "same"), ("q0_weight", ""), ("q0_scale_max", ""),
        ];
        let shown = browser.post("/programmes/new", &bad).await;
        assert_eq!(shown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", shown.text());
        let html = shown.text();
        for message in ["name:", "enrolment_closes:", "min_score: must be a whole number",
            "admins: no account has the e-mail nobody@example.org", "options", "only group circles have two mentors"] {
            assert!(html.contains(message), "{message} not in {html}");
        }
        assert!(html.contains("value=\"Where do you meet?\""), "what was typed is kept");
        assert_eq!(app.get("/api/v1/programmes", Some(&admin)).await.json()["total"], 0);

        let good = [
            ("_csrf", csrf.as_str()), ("name", "Team leads"), ("description", "For new team leads."),
            ("purposes", "confidence"), ("purposes", "skills"),
            ("enrolment_opens", opens.as_str()), ("enrolment_closes", closes.as_str()),
            ("starts_on", starts.as_str()), ("ends_on", ends.as_str()),
            ("matching", "cohort"), ("format", "one_to_one"), ("min_score", "20"), ("needs_approval", "on"),
            ("admins", "ada@example.org"),
            ("q0_kind", "single_choice"), ("q0_text", "Where do you meet?"), ("q0_options", "Online\nIn person"),
            ("q0_match_rule", "same"), ("q0_weight", "2"), ("q0_scale_max", ""),
            ("q1_kind", "scale"), ("q1_text", "How confident are you?"), ("q1_options", ""),
            ("q1_match_rule", ""), ("q1_weight", ""), ("q1_scale_max", "5"), ("q1_required", "on"),
            ("q2_kind", "single_choice"), ("q2_text", ""), ("q2_options", ""), ("q2_match_rule", ""),
            ("q2_weight", ""), ("q2_scale_max", ""),
        ];
        let made = browser.post("/programmes/new", &good).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
        let to = made.header("location").unwrap().to_owned();
        let id = to.trim_start_matches("/programmes/").to_owned();
        let seen = app.get(&format!("/api/v1/programmes/{id}"), Some(&admin)).await.json();
        assert_eq!(seen["questions"].as_array().unwrap().len(), 2, "the blank row is no question");
        assert_eq!(seen["purposes"], serde_json::json!(["skills", "confidence"]));
        assert_eq!(seen["questions"][0]["weight"], 2.0);

        // The member enrols; a missing answer is named beside its question.
        let mut bob = Browser::new(app);
        bob.log_in("bob@example.org", PASSWORD).await;
        let page = bob.get(&to).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let html = page.text();
        assert!(html.contains("Enrolling now") && html.contains("How confident are you?"), "{html}");
        assert!(!html.contains("Invitation link"), "the link is for its admins");
        let csrf = csrf_of(&html);
        let path = format!("{to}/enrol");
        let missing = bob.post(&path, &[("_csrf", &csrf), ("role", "mentee"), ("q0", "Online")]).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", missing.text());
        assert!(missing.text().contains("is required"));
        let enrolled = bob.post(&path, &[("_csrf", &csrf), ("role", "mentee"), ("q0", "Online"), ("q1", "4")]).await;
        assert_eq!(enrolled.status, StatusCode::SEE_OTHER, "{}", enrolled.text());
        let html = bob.get(&to).await.text();
        assert!(html.contains("the programme's admins will approve your enrolment"), "{html}");

        // The admin sees the answers and approves.
        let list = browser.get(&format!("{to}/enrolments")).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text());
        let html = list.text();
        assert!(html.contains("Bob Member") && html.contains("Online") && html.contains(">4<"), "{html}");
        let enrolment = app.get(&format!("/api/v1/programmes/{id}/enrolments"), Some(&admin)).await.json()
            ["enrolments"][0]["id"].as_str().unwrap().to_owned();
        let csrf = csrf_of(&html);
        let approved = browser.post(&format!("/enrolments/{enrolment}/approve"), &[("_csrf", &csrf)]).await;
        assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.text());
        let html = bob.get(&to).await.text();
        assert!(html.contains("You are enrolled as <strong>mentee</strong>"), "{html}");
        let _ = member;
    }
}

api_tests! {
    async fn an_admin_starts_a_run_from_the_programme_page_locks_a_pair_and_publishes_it(app) {
        let (admin, _) = app.admin_and_member().await;
        let body = serde_json::json!({
            "name": "Pages cohort", "enrolment_opens": date_in_days(-1), "enrolment_closes": date_in_days(5),
            "starts_on": date_in_days(6), "ends_on": date_in_days(90), "matching": "cohort", "mentor_capacity": 2,
        });
        let made = app.post_json("/api/v1/programmes", body, Some(&admin)).await.json();
        let id = made["id"].as_str().unwrap().to_owned();
        let people = [
            ("Ana", "mentor", serde_json::json!({"mentor_skills": [{"skill": "kubernetes", "level": 4}]})),
            ("Ben", "mentor", serde_json::json!({"mentor_skills": [{"skill": "kubernetes", "level": 3}]})),
            ("Cai", "mentee", serde_json::json!({"growth_skills": [{"skill": "kubernetes", "level": 1}]})),
        ];
        let mut ids = Vec::new();
        for (name, role, profile) in people {
            let token = app.person_with_profile(name, profile).await;
            let path = format!("/api/v1/programmes/{id}/enrolments");
            let enrolled = app.post_json(&path, serde_json::json!({"role": role}), Some(&token)).await;
            assert_eq!(enrolled.status, StatusCode::CREATED, "{}", enrolled.text());
            ids.push(app.id_of(&token).await);
        }
        let mut browser = Browser::new(app);
        browser.log_in("ada@example.org", PASSWORD).await;
        let page = browser.get(&format!("/programmes/{id}")).await;
        let html = page.text();
        assert!(html.contains("Start a match run"), "{html}");
        let csrf = csrf_of(&html);
        let started = browser.post(&format!("/programmes/{id}/match-runs"), &[("_csrf", &csrf), ("objective", "max_total"), ("min_score", "0")]).await;
        assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text());
        let run_page = started.header("location").unwrap().to_owned();
        let mut html = String::new();
        for _ in 0..200 {
            html = browser.get(&run_page).await.text();
            if html.contains("Proven optimal") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert!(html.contains("Proven optimal") && html.contains("Cai"), "{html}");
        // Cai moves to Ben, locked; the change's cost is shown once solved.
        let csrf = csrf_of(&html);
        let moved = browser.post(&format!("{run_page}/edit"), &[("_csrf", &csrf), ("action", "lock"), ("mentee", &ids[2]), ("mentor", &ids[1])]).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
        for _ in 0..200 {
            html = browser.get(&run_page).await.text();
            if html.contains("Locked Cai with Ben") && !html.contains("solving…") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert!(html.contains("Locked Cai with Ben"), "{html}");
        assert!(html.contains("points in total") || html.contains("no cost"), "{html}");
        let published = browser.post(&format!("{run_page}/publish"), &[("_csrf", &csrf)]).await;
        assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.text());
        let html = browser.get(&run_page).await.text();
        assert!(html.contains("Published: 1 mentorship made"), "{html}");
        assert!(html.contains("1 mentorship made, and everyone told"), "{html}");
    }
}
