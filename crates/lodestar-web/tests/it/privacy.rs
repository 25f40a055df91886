//! What a person hides is neither used to rank them for someone else nor shown in any
//! reason, score or contribution another person receives, through the API or a page. Only
//! the operator's bulk matching uses every field, and its report says so.
//!
//! Every mentor below is the same (Kubernetes at 4, 12 years, Finance, Asia/Kolkata, 4 hours
//! a month) but for one field they hide, and sometimes that field's value; Cai, the mentee,
//! wants Kubernetes at 2, has 2 years, works in Europe/London for Acme's Platform department.

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use lodestar_app::Policy;
use lodestar_app::matching::FIELDS_USED;
use lodestar_match::cohort::Options;
use lodestar_match::score::{Rules, Weights};
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp, api_tests};

/// A mentor like every other here, with `changes` on top.
async fn mentor(app: &TestApp, name: &str, changes: Value) {
    let mut profile = json!({
        "is_mentor": true, "mentor_capacity": 1, "years_experience": 12, "industry": "Finance",
        "time_zone": "Asia/Kolkata", "availability_hours": 4, "organisation": "Globex",
        "department": "Research", "mentor_skills": [{"skill": "kubernetes", "level": 4}]
    });
    for (key, value) in changes.as_object().unwrap() {
        profile[key] = value.clone();
    }
    app.person_with_profile(name, profile).await;
}

/// Cai and one mentor per field a person can hide (two for each field scoring reads, with
/// different values), and Pat who hides nothing. Returns Cai's token.
async fn cohort(app: &TestApp) -> String {
    let cai = app
        .person_with_profile(
            "Cai",
            json!({
                "wants_mentor": true, "years_experience": 2, "industry": "Finance",
                "time_zone": "Europe/London", "organisation": "Acme", "department": "Platform",
                "hidden_fields": ["years_experience", "time_zone", "organisation", "department"],
                "growth_skills": [{"skill": "kubernetes", "level": 2}]
            }),
        )
        .await;
    mentor(app, "Pat", json!({})).await;
    mentor(app, "Yan", json!({"hidden_fields": ["years_experience"]})).await;
    mentor(
        app,
        "Yul",
        json!({"hidden_fields": ["years_experience"], "years_experience": 40}),
    )
    .await;
    mentor(app, "Tao", json!({"hidden_fields": ["time_zone"]})).await;
    mentor(
        app,
        "Tia",
        json!({"hidden_fields": ["time_zone"], "time_zone": "Europe/London"}),
    )
    .await;
    // In Cai's organisation and department, which they hide; Vic does not hide it.
    let acme = |hidden: Value| json!({"organisation": "Acme", "department": "Platform", "hidden_fields": hidden});
    mentor(app, "Ola", acme(json!(["organisation"]))).await;
    mentor(app, "Dan", acme(json!(["department"]))).await;
    mentor(app, "Vic", acme(json!([]))).await;
    // Fields scoring never reads.
    mentor(
        app,
        "Lou",
        json!({"hidden_fields": ["location"], "location": "Lisbon"}),
    )
    .await;
    mentor(
        app,
        "Bea",
        json!({"hidden_fields": ["bio"], "bio": "Twenty years of clusters."}),
    )
    .await;
    mentor(app, "Eli", json!({"hidden_fields": ["email"]})).await;
    cai
}

/// The reasons and contributions Cai receives for a mentor called `name`, given the
/// seniority and working-hours reasons and those factors' values.
fn expected(
    name: &str,
    seniority: (&str, f64),
    time_zone: (&str, f64),
) -> Vec<(String, String, f64)> {
    let w = Weights::default().normalised().unwrap();
    [
        (
            "skills",
            "Mentors the skill you want: Kubernetes (4)".to_owned(),
            1.0 * w[0],
        ),
        ("focus", "No focus areas given".to_owned(), 0.5 * w[1]),
        ("industry", "Both in Finance".to_owned(), 1.0 * w[2]),
        ("seniority", seniority.0.to_owned(), seniority.1 * w[3]),
        ("time_zone", time_zone.0.to_owned(), time_zone.1 * w[4]),
        (
            "availability",
            format!("{name} has 4 hours a month"),
            1.0 * w[5],
        ),
    ]
    .into_iter()
    .map(|(factor, reason, contribution)| (factor.to_owned(), reason, contribution))
    .collect()
}

/// What Cai receives for `name`: each factor, its reason and its contribution; and the score.
fn received(found: &Value, name: &str) -> (Vec<(String, String, f64)>, f64) {
    let mentor = found["mentors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not recommended: {found}"));
    let reasons = mentor["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["factor"].as_str().unwrap().to_owned(),
                r["reason"].as_str().unwrap().to_owned(),
                r["contribution"].as_f64().unwrap(),
            )
        })
        .collect();
    (reasons, mentor["score"].as_f64().unwrap())
}

#[track_caller]
fn assert_reasons(got: &[(String, String, f64)], want: &[(String, String, f64)]) {
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!((&g.0, &g.1), (&w.0, &w.1));
        // JSON numbers are read back to within a unit in the last place.
        assert!(
            (g.2 - w.2).abs() < 1e-12,
            "{}: {} against {}",
            g.0,
            g.2,
            w.2
        );
    }
}

fn names(found: &Value) -> Vec<String> {
    found["mentors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Signs `email` in with the log-in form and returns the session cookie.
async fn browser_session(app: &TestApp, email: &str) -> String {
    let page = app.get("/login", None).await;
    let cookie = page
        .header("set-cookie")
        .map(|c| c.split(';').next().unwrap().to_owned());
    let html = page.text();
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("a CSRF token") + marker.len();
    let csrf = &html[start..start + html[start..].find('"').unwrap()];
    let form =
        serde_urlencoded::to_string([("_csrf", csrf), ("email", email), ("password", PASSWORD)])
            .unwrap();
    let mut request = TestApp::request(Method::POST, "/login", None)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = &cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let done = app.send(request.body(Body::from(form)).unwrap()).await;
    assert!(done.status.is_redirection(), "{}", done.text());
    done.header("set-cookie")
        .or(cookie.as_deref())
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> String {
    let request = TestApp::request(Method::GET, path, None).header(header::COOKIE, cookie);
    let page = app.send(request.body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    page.text()
}

api_tests! {
    async fn a_hidden_field_is_neither_used_nor_shown_in_the_recommendations_a_mentee_receives(app) {
        let cai = cohort(app).await;
        let found = app.get("/api/v1/me/recommendations?limit=50", Some(&cai)).await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.text());
        let found = found.json();
        let kolkata = ("2 h 30 min of shared working day", 150.0 / 480.0);
        let (pat, pat_score) = received(&found, "Pat");
        assert_reasons(&pat, &expected("Pat", ("Pat is 10 years ahead (12 against 2)", 1.0), kolkata));

        // Years of experience: not used, not shown, and 12 or 40 makes no difference.
        let (yan, yan_score) = received(&found, "Yan");
        let private = ("Yan keeps their years of experience private", 0.5);
        assert_reasons(&yan, &expected("Yan", private, kolkata));
        let (yul, yul_score) = received(&found, "Yul");
        let private = ("Yul keeps their years of experience private", 0.5);
        assert_reasons(&yul, &expected("Yul", private, kolkata));
        assert_eq!(yan_score, yul_score, "the hidden value does not change the score");
        assert!(yan_score < pat_score);

        // Time zone: Tokyo and London count the same when hidden.
        let (tao, tao_score) = received(&found, "Tao");
        let ahead = ("Tao is 10 years ahead (12 against 2)", 1.0);
        assert_reasons(&tao, &expected("Tao", ahead, ("Tao keeps their time zone private", 0.5)));
        let (tia, tia_score) = received(&found, "Tia");
        let ahead = ("Tia is 10 years ahead (12 against 2)", 1.0);
        assert_reasons(&tia, &expected("Tia", ahead, ("Tia keeps their time zone private", 0.5)));
        assert_eq!(tao_score, tia_score);

        // Organisation and department play no part in the score; nor do location, bio and
        // email: their reasons and scores are Pat's.
        for name in ["Ola", "Dan", "Vic", "Lou", "Bea", "Eli"] {
            let (got, score) = received(&found, name);
            let ahead = format!("{name} is 10 years ahead (12 against 2)");
            assert_reasons(&got, &expected(name, (&ahead, 1.0), kolkata));
            assert_eq!(score, pat_score, "{name}");
        }
        let text = found.to_string();
        for secret in ["40 against", "38 years", "Tokyo", "Lisbon", "Twenty years", "eli@example.org"] {
            assert!(!text.contains(secret), "{secret} leaks: {text}");
        }

        // The page shows the same words and none of the hidden values.
        let cookie = browser_session(app, "cai@example.org").await;
        let html = page(app, &cookie, "/recommendations").await;
        // A factor that counts the same for every mentor is said once, with the others.
        for shown in [
            "Same for every mentor",
            "Focus areas, experience: not given or kept private",
            "Focus areas, working hours: not given or kept private",
            "Pat is 10 years ahead (12 against 2)",
        ] {
            assert!(html.contains(shown), "{shown}: {html}");
        }
        for secret in ["Yan is 10 years", "Yul is 38 years", "40 against", "8 hours of shared", "Tokyo", "Lisbon"] {
            assert!(!html.contains(secret), "{secret} leaks: {html}");
        }
    }

    async fn with_the_department_rule_a_hidden_department_decides_nothing(app) {
        let cai = cohort(app).await;
        let strict = app.with_policy(Policy {
            match_rules: Rules { different_department: true, ..Rules::default() },
            ..Policy::default()
        });
        let found = strict.get("/api/v1/me/recommendations?limit=50", Some(&cai)).await.json();
        let shown = names(&found);
        assert!(!shown.contains(&"Vic".to_owned()), "Vic shows Cai's department: the rule holds");
        for name in ["Ola", "Dan"] {
            assert!(shown.contains(&name.to_owned()), "{name} hides it: the rule cannot use it ({shown:?})");
        }
        // Cai moves to Research, Globex (everyone else's): only visible departments count.
        let moved = strict
            .patch_json("/api/v1/me/profile", json!({"organisation": "Globex", "department": "Research"}), Some(&cai))
            .await;
        assert_eq!(moved.status, StatusCode::OK);
        let mut after = Value::Null;
        for _ in 0..100 {
            after = strict.get("/api/v1/me/recommendations?limit=50", Some(&cai)).await.json();
            if names(&after).contains(&"Vic".to_owned()) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let shown = names(&after);
        assert!(shown.contains(&"Vic".to_owned()), "{shown:?}");
        assert!(!shown.contains(&"Pat".to_owned()), "Pat shows Research, Globex");
        for name in ["Yan", "Tao", "Lou"] {
            assert!(!shown.contains(&name.to_owned()), "{name} shows Research, Globex");
        }
        for name in ["Ola", "Dan"] {
            assert!(shown.contains(&name.to_owned()), "{name} is shown whatever Cai's department");
        }
    }

    async fn the_operators_bulk_match_uses_every_field_and_says_so(app) {
        cohort(app).await;
        let input = app.app.cohort(&Weights::default(), Rules::default(), 0.0).await.unwrap();
        let report = input.run(&Options::default(), &|_| ());
        assert_eq!(report.fields_used, FIELDS_USED);
        assert!(FIELDS_USED.contains("including those people keep private"));
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["fields_used"], FIELDS_USED);
        // With every field, Tia's hidden time zone (and Cai's own) makes her the best fit,
        // and the operator's reasons say so.
        let cai = &report.assignments[0];
        assert_eq!((cai.mentee.name.as_str(), cai.mentor.name.as_str()), ("Cai", "Tia"));
        let reasons: Vec<&str> = cai.reasons.iter().map(|r| r.reason.as_str()).collect();
        assert_eq!(reasons[3..5], ["Tia is 10 years ahead (12 against 2)", "8 hours of shared working day"]);
    }

    async fn a_field_hidden_after_the_snapshot_was_taken_is_not_shown_from_it(app) {
        let cai = app
            .person_with_profile(
                "Cai",
                json!({"wants_mentor": true, "years_experience": 2, "time_zone": "Europe/London",
                       "growth_skills": [{"skill": "kubernetes", "level": 2}]}),
            )
            .await;
        mentor(app, "Pat", json!({})).await;
        let mo = app
            .person_with_profile(
                "Mo",
                json!({"is_mentor": true, "mentor_capacity": 1, "years_experience": 31,
                       "time_zone": "Asia/Kolkata",
                       "mentor_skills": [{"skill": "kubernetes", "level": 4}]}),
            )
            .await;
        let before = app.get("/api/v1/me/recommendations?limit=50", Some(&cai)).await.json();
        assert!(before.to_string().contains("31 against 2"), "{before}");

        let hide = json!({"hidden_fields": ["email", "years_experience", "time_zone"]});
        let done = app.patch_json("/api/v1/me/profile", hide, Some(&mo)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        // The next answers may come from the snapshot taken before Mo hid the fields: Mo is
        // then left out, never shown with them; once rebuilt, Mo is back without them.
        let mut back = false;
        for _ in 0..100 {
            let found = app.get("/api/v1/me/recommendations?limit=50", Some(&cai)).await.json();
            let text = found.to_string();
            assert!(!text.contains("31 against") && !text.contains("Asia/Kolkata"), "{text}");
            if let Some((reasons, _)) = names(&found).contains(&"Mo".to_owned()).then(|| received(&found, "Mo")) {
                assert!(reasons.iter().all(|(_, reason, _)| !reason.contains("shared working day")), "{reasons:?}");
                back = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(back, "Mo is recommended again once the snapshot is rebuilt");
    }
}
