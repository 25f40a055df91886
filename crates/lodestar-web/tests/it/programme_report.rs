//! A programme's dashboard and report: a figure resting on fewer than five people is held
//! back (null and suppressed), on five it is shown; the report names nobody and shows no
//! one's own values; an archived programme's report is gone; the CSV says what it holds
//! back.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::meetings::date_in_days;
use crate::outcomes::parse_csv;
use crate::pages::Browser;
use crate::support::{PASSWORD, TestApp, api_tests};

/// A running programme (started ten days ago) run by Petra, with `mentees` mentees and one
/// mentor enrolled by file: the instance admin's token, Petra's, the programme's id, and
/// each mentee's (token, id, name).
struct Cohort {
    admin: String,
    petra: String,
    programme: String,
    mentor: (String, String),
    mentees: Vec<(String, String, String)>,
}

async fn cohort(app: &TestApp, mentees: usize) -> Cohort {
    let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
    let petra = app
        .register_and_login("Petra Programme", "petra@example.org")
        .await;
    let petra_id = app.id_of(&petra).await;
    let made = app
        .post_json(
            "/api/v1/programmes",
            json!({
                "name": "Returners 2027",
                "enrolment_opens": date_in_days(-30),
                "enrolment_closes": date_in_days(-12),
                "starts_on": date_in_days(-10),
                "ends_on": date_in_days(120),
                "matching": "cohort",
                "admins": [petra_id],
            }),
            Some(&admin),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let programme = made.json()["id"].as_str().unwrap().to_owned();

    let mentor_token = app
        .register_and_login("Mona Mentor", "mona@example.org")
        .await;
    let mentor = (app.id_of(&mentor_token).await, mentor_token);
    let mut file = String::from("email,role\nmona@example.org,mentor\n");
    let mut people = Vec::new();
    for i in 0..mentees {
        let name = format!("Menteename{i} Zq{i}");
        let email = format!("mentee{i}@example.org");
        let token = app.register_and_login(&name, &email).await;
        let id = app.id_of(&token).await;
        file.push_str(&format!("{email},mentee\n"));
        people.push((token, id, name));
    }
    let imported = app
        .raw(
            Method::POST,
            &format!("/api/v1/programmes/{programme}/participants/import"),
            "text/csv",
            file,
            Some(&petra),
        )
        .await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.text());
    Cohort {
        admin,
        petra,
        programme,
        mentor,
        mentees: people,
    }
}

/// Two check-ins: confidence 4, then 7, with a private reflection.
async fn check_in_twice(app: &TestApp, token: &str) {
    for confidence in [4, 7] {
        let done = app
            .post_json(
                "/api/v1/me/check-ins",
                json!({"confidence": confidence, "went_well": "Secretreflection about my manager"}),
                Some(token),
            )
            .await;
        assert_eq!(done.status, StatusCode::CREATED, "{}", done.text());
    }
}

async fn report(app: &TestApp, c: &Cohort, token: &str) -> Value {
    let got = app
        .get(
            &format!("/api/v1/programmes/{}/report", c.programme),
            Some(token),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    got.json()
}

fn figure<'a>(report: &'a Value, section: &str, key: &str) -> &'a Value {
    report["dashboard"]
        .as_array()
        .unwrap()
        .iter()
        .chain(report["report"].as_array().unwrap())
        .find(|s| s["key"] == section)
        .and_then(|s| {
            s["figures"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["key"] == key)
        })
        .unwrap_or_else(|| panic!("no figure {section}.{key} in {report}"))
}

api_tests! {
    async fn confidence_of_four_people_is_held_back_and_of_five_shown(app) {
        let c = cohort(app, 5).await;
        for (token, _, _) in &c.mentees[..4] {
            check_in_twice(app, token).await;
        }
        let four = report(app, &c, &c.petra).await;
        assert_eq!(four["min_group"], 5);
        for key in ["start", "now"] {
            let f = figure(&four, "confidence", key);
            assert_eq!((&f["value"], &f["people"], &f["suppressed"]), (&Value::Null, &Value::Null, &json!(true)), "{f}");
        }
        let csv = app.get(&format!("/api/v1/programmes/{}/report.csv", c.programme), Some(&c.petra)).await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.text());
        let rows = parse_csv(&csv.text());
        assert_eq!(rows[0], ["section", "measure", "value", "people"]);
        assert!(rows.iter().any(|r| r[0].starts_with("Confidence") && r[1] == "At the start"
            && r[2] == "not shown: fewer than 5 people" && r[3].is_empty()), "{rows:?}");

        check_in_twice(app, &c.mentees[4].0).await;
        let five = report(app, &c, &c.admin).await;
        let start = figure(&five, "confidence", "start");
        assert_eq!((&start["value"], &start["people"], &start["suppressed"]), (&json!(4.0), &json!(5), &json!(false)));
        assert_eq!(figure(&five, "confidence", "now")["value"], json!(7.0));
        // All five mentees checked in lately, and nobody is matched yet.
        assert_eq!(figure(&five, "check_ins", "share")["value"], json!(1.0));
        assert_eq!(figure(&five, "matching", "waiting")["value"], json!(5.0));
        assert_eq!(figure(&five, "enrolment", "mentee.approved")["value"], json!(5.0));
        assert!(figure(&five, "enrolment", "mentor.approved")["suppressed"].as_bool().unwrap());

        let archived = app.delete(&format!("/api/v1/programmes/{}", c.programme), Some(&c.admin)).await;
        assert!(archived.status.is_success(), "{}", archived.text());
        for path in ["report", "report.csv"] {
            let gone = app.get(&format!("/api/v1/programmes/{}/{path}", c.programme), Some(&c.admin)).await;
            gone.error(StatusCode::NOT_FOUND, "not_found");
        }
    }

    async fn a_report_read_before_a_change_is_never_answered_after_it(app) {
        let c = cohort(app, 5).await;
        // Read, and so held in memory, with nothing to count yet.
        let before = report(app, &c, &c.petra).await;
        assert!(figure(&before, "goals", "set")["suppressed"].as_bool().unwrap());
        assert_eq!(report(app, &c, &c.admin).await, before, "read again unchanged");
        for (token, _, _) in &c.mentees {
            let body = json!({"title": "Lead the design review", "measure": "Run it twice",
                "target_date": date_in_days(30)});
            let made = app.post_json("/api/v1/me/goals", body, Some(token)).await;
            assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        }
        let goals = report(app, &c, &c.petra).await;
        let set = figure(&goals, "goals", "set");
        assert_eq!((&set["value"], &set["people"]), (&json!(5.0), &json!(5)), "{set}");
        let csv = app.get(&format!("/api/v1/programmes/{}/report.csv", c.programme), Some(&c.petra)).await;
        assert!(parse_csv(&csv.text()).iter().any(|r| r[0] == "Goals since the start" && r[1] == "Goals set"
            && r[2] == "5" && r[3] == "5"), "{}", csv.text());

        // So does a change to the programme itself.
        let renamed = app.put_json(&format!("/api/v1/programmes/{}", c.programme), json!({
            "name": "Renamed cohort", "enrolment_opens": date_in_days(-30),
            "enrolment_closes": date_in_days(-12), "starts_on": date_in_days(-10),
            "ends_on": date_in_days(120), "matching": "cohort"}), Some(&c.admin)).await;
        assert!(renamed.status.is_success(), "{}", renamed.text());
        let after = report(app, &c, &c.petra).await;
        assert_eq!(after["programme_name"], "Renamed cohort");
        assert_eq!(figure(&after, "enrolment", "mentee.approved")["value"], json!(5.0));
    }

    async fn the_report_names_nobody_and_shows_no_ones_own_values(app) {
        let c = cohort(app, 6).await;
        let (mentor_id, _) = &c.mentor;
        for (i, (token, id, _)) in c.mentees.iter().enumerate() {
            check_in_twice(app, token).await;
            let goal = app.post_json("/api/v1/me/goals", json!({
                "title": format!("Secretgoal{i} lead the platform team"),
                "measure": "Asked to lead", "target_date": date_in_days(60),
            }), Some(token)).await;
            assert_eq!(goal.status, StatusCode::CREATED, "{}", goal.text());
            let mentorship = app.mentorship_between(mentor_id, id).await;
            sqlx::query("UPDATE mentorships SET programme_id = $1, state = 'completed' WHERE id = $2")
                .bind(&c.programme).bind(&mentorship).execute(app.app.db.writer()).await.unwrap();
            sqlx::query("UPDATE mentorship_members SET rating = $1 WHERE mentorship_id = $2 AND person_id = $3")
                .bind(if i == 0 { 1_i64 } else { 5 }).bind(&mentorship).bind(id)
                .execute(app.app.db.writer()).await.unwrap();
        }
        let body = app.get(&format!("/api/v1/programmes/{}/report", c.programme), Some(&c.petra)).await;
        assert_eq!(body.status, StatusCode::OK, "{}", body.text());
        let csv = app.get(&format!("/api/v1/programmes/{}/report.csv", c.programme), Some(&c.petra)).await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.text());
        for text in [body.text(), csv.text()] {
            for (_, id, name) in &c.mentees {
                assert!(!text.contains(id.as_str()), "a mentee's id in {text}");
                assert!(!text.contains(name.as_str()), "a mentee's name in {text}");
                assert!(!text.contains("Menteename"), "a mentee's name in {text}");
            }
            assert!(!text.contains(mentor_id.as_str()) && !text.contains("Mona"), "the mentor in {text}");
            assert!(!text.contains("Secretreflection") && !text.contains("Secretgoal"), "private words in {text}");
        }
        let report = body.json();
        // Goals count as numbers, private ones too.
        assert_eq!(figure(&report, "goals", "set")["value"], json!(6.0));
        // Six ratings: the mean is shown, the one 1-star rating is not.
        assert_eq!(figure(&report, "ratings", "mean")["value"], json!(4.33));
        assert!(figure(&report, "ratings", "1")["suppressed"].as_bool().unwrap());
        assert_eq!(figure(&report, "ratings", "5")["value"], json!(5.0));
        assert_eq!(figure(&report, "retention", "completed")["value"], json!(1.0));
    }

    async fn the_report_page_draws_what_five_people_make_and_holds_back_the_rest(app) {
        let c = cohort(app, 5).await;
        for (token, _, _) in &c.mentees {
            check_in_twice(app, token).await;
        }
        let mut browser = Browser::new(app);
        browser.log_in("petra@example.org", PASSWORD).await;
        let programme = browser.get(&format!("/programmes/{}", c.programme)).await;
        assert!(programme.text().contains(&format!("href=\"/programmes/{}/report\"", c.programme)), "the programme's page links its report");
        let page = browser.get(&format!("/programmes/{}/report", c.programme)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let html = page.text();
        // Confidence rests on five people: drawn; the one mentor is held back.
        assert!(html.contains("aria-labelledby=\"report-confidence-title"), "{html}");
        assert!(html.contains("Fewer than 5 people: not shown"), "{html}");
        for (_, id, name) in &c.mentees {
            assert!(!html.contains(id.as_str()) && !html.contains(name.as_str()), "a mentee in the page");
        }
        let file = browser.get(&format!("/programmes/{}/report.csv", c.programme)).await;
        assert_eq!(file.status, StatusCode::OK, "{}", file.text());
        assert!(file.text().starts_with("section,measure,value,people"), "{}", file.text());
    }

    async fn stalled_mentorships_and_requests_mentees_sent_are_counted_and_a_paused_one_held_back(app) {
        let c = cohort(app, 6).await;
        let (mentor_id, _) = &c.mentor;
        for (i, (_, id, _)) in c.mentees.iter().enumerate() {
            let mentorship = app.mentorship_between(mentor_id, id).await;
            let (state, stalled) = if i == 5 { ("paused", None) } else { ("active", Some(1_i64)) };
            sqlx::query("UPDATE mentorships SET programme_id = $1, state = $2, stalled_since = $3 WHERE id = $4")
                .bind(&c.programme).bind(state).bind(stalled).bind(&mentorship)
                .execute(app.app.db.writer()).await.unwrap();
        }
        // Five mentees ask the mentor; the mentor's own offer to the sixth is not theirs.
        for (i, (_, id, _)) in c.mentees.iter().enumerate() {
            let initiator = if i == 5 { "mentor" } else { "mentee" };
            sqlx::query(
                "INSERT INTO mentorship_requests (id, mentor_id, mentee_id, initiator, message, cadence, \
                 duration_weeks, state, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, 'Hello', 'monthly', 12, 'pending', 0, 9999999999999)",
            )
            .bind(format!("request-{i}")).bind(mentor_id).bind(id).bind(initiator)
            .execute(app.app.db.writer()).await.unwrap();
        }
        let r = report(app, &c, &c.petra).await;
        let asked = figure(&r, "requests", "pending");
        assert_eq!((&asked["value"], &asked["people"]), (&json!(5.0), &json!(5)), "{asked}");
        let stalled = figure(&r, "mentorships", "stalled");
        assert_eq!((&stalled["value"], &stalled["people"]), (&json!(5.0), &json!(6)), "{stalled}");
        assert_eq!(figure(&r, "retention", "active")["value"], json!(0.833));
        assert!(figure(&r, "retention", "paused")["suppressed"].as_bool().unwrap());
        assert_eq!(figure(&r, "matching", "matched")["value"], json!(6.0));
        assert_eq!(figure(&r, "sessions", "none")["value"], json!(6.0));
        assert_eq!(figure(&r, "sessions", "mean")["value"], json!(0.0));
    }
}
