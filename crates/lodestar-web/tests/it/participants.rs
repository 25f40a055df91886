//! Participants by file: a programme's admins import a CSV of participants (people with an
//! account enrolled, their enrolments brought up to date, people new to Lodestar given an
//! account and an invitation to set a password), with a dry run that writes nothing and
//! every bad row and column named at once; the invitation taken up through the API and
//! the page; the participants and matches files read back by an independent CSV parser.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::meetings::date_in_days;
use crate::outcomes::parse_csv;
use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, TestApp, api_tests};

/// A programme enrolling today with a matching choice, a multiple choice and a required
/// scale on its form.
fn programme(name: &str, admins: &[&str]) -> Value {
    json!({
        "name": name,
        "enrolment_opens": date_in_days(-1),
        "enrolment_closes": date_in_days(10),
        "starts_on": date_in_days(20),
        "ends_on": date_in_days(200),
        "matching": "cohort",
        "admins": admins,
        "questions": [
            {"kind": "single_choice", "text": "Where do you like to meet?", "options": ["Online", "In person"],
             "match_rule": "same"},
            {"kind": "multiple_choice", "text": "Which industries?", "options": ["Finance", "Retail", "Energy"]},
            {"kind": "scale", "text": "How confident are you?", "required": true}
        ]
    })
}

async fn create(app: &TestApp, token: &str, body: Value) -> String {
    let made = app.post_json("/api/v1/programmes", body, Some(token)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()["id"].as_str().unwrap().to_owned()
}

/// Sends a participants file.
pub(crate) async fn import(
    app: &TestApp,
    programme: &str,
    token: &str,
    dry_run: bool,
    file: &str,
) -> crate::support::TestResponse {
    app.raw(
        Method::POST,
        &format!("/api/v1/programmes/{programme}/participants/import?dry_run={dry_run}"),
        "text/csv",
        file.to_owned(),
        Some(token),
    )
    .await
}

async fn enrolments(app: &TestApp, programme: &str, token: &str) -> Value {
    let got = app
        .get(
            &format!("/api/v1/programmes/{programme}/enrolments?per_page=200"),
            Some(token),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    got.json()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(app.app.db.reader())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

/// The invitation e-mails queued for `email`: subject and body.
async fn invitations_to(app: &TestApp, email: &str) -> Vec<(String, String)> {
    use sqlx::Row;
    sqlx::query(
        "SELECT subject, body FROM outbox WHERE recipient = $1 AND subject LIKE 'You are invited%' \
         ORDER BY created_at, id",
    )
    .bind(email.to_owned())
    .fetch_all(app.app.db.reader())
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("subject"), r.get("body")))
    .collect()
}

/// The secret at the end of the invitation link in an e-mail's body.
fn token_in(body: &str) -> String {
    let start = body.find("/invitations/").expect("an invitation link") + "/invitations/".len();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

const FILE: &str = "name,email,role,department,Where do you like to meet?,Which industries?,How confident are you?\n\
    ,bob@example.org,mentee,Finance,online,Energy; finance,4\n\
    Cy New,CY@example.org,mentor,Research,In person,,5\n\
    Dee Dupont,dee@example.org,both,,Online,Retail,2\n";

api_tests! {
    async fn an_import_enrols_people_with_accounts_and_invites_new_ones_after_a_dry_run_that_writes_nothing(app) {
        let (admin, bob) = app.admin_and_member().await;
        let dee = app.register_and_login("Dee Dupont", "dee@example.org").await;
        let programme = create(app, &admin, programme("Spring cohort", &[])).await;
        // Dee enrolled already, as a mentee with other answers.
        let path = format!("/api/v1/programmes/{programme}/enrolments");
        let mine = app.post_json(&path, json!({"role": "mentee", "answers": {"2": 3}}), Some(&dee)).await;
        assert_eq!(mine.status, StatusCode::CREATED, "{}", mine.text());
        let outbox_before = count(app, "SELECT COUNT(*) AS n FROM outbox").await;

        let checked = import(app, &programme, &admin, true, FILE).await;
        assert_eq!(checked.status, StatusCode::OK, "{}", checked.text());
        assert_eq!(checked.json(), json!({"dry_run": true, "rows": 3, "created": 2, "updated": 1,
            "unchanged": 0, "invited": 1}));
        assert_eq!(enrolments(app, &programme, &admin).await["total"], 1, "a dry run writes nothing");
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM persons WHERE email = 'cy@example.org'").await, 0);
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM outbox").await, outbox_before);

        let done = import(app, &programme, &admin, false, FILE).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        assert_eq!(done.json(), json!({"dry_run": false, "rows": 3, "created": 2, "updated": 1,
            "unchanged": 0, "invited": 1}));
        let list = enrolments(app, &programme, &admin).await;
        assert_eq!(list["approved"], json!({"mentee": 1, "mentor": 1, "both": 1}), "{list}");
        let by_name = |name: &str| list["enrolments"].as_array().unwrap().iter()
            .find(|e| e["person"]["name"] == name).unwrap_or_else(|| panic!("{name} in {list}")).clone();
        assert_eq!(by_name("Bob Member")["answers"], json!({"0": "Online", "1": ["Finance", "Energy"], "2": 4}));
        assert_eq!(by_name("Cy New")["answers"], json!({"0": "In person", "2": 5}));
        assert_eq!(by_name("Dee Dupont")["role"], "both", "brought up to date");
        assert_eq!(by_name("Dee Dupont")["answers"], json!({"0": "Online", "1": ["Retail"], "2": 2}));
        assert_eq!(by_name("Dee Dupont")["id"], mine.json()["id"], "the same enrolment");
        let bob_profile = app.get("/api/v1/me/profile", Some(&bob)).await.json();
        assert_eq!(bob_profile["department"], "Finance", "{bob_profile}");

        // Bob is told; Cy, new, is invited and cannot sign in before setting a password.
        let inbox = app.get("/api/v1/me/notifications", Some(&bob)).await.json();
        assert!(inbox.to_string().contains("You are enrolled in Spring cohort"), "{inbox}");
        app.login("cy@example.org", "").await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        app.login("cy@example.org", PASSWORD).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        let mails = invitations_to(app, "cy@example.org").await;
        assert_eq!(mails.len(), 1, "{mails:?}");
        assert_eq!(mails[0].0, "You are invited to Spring cohort");
        assert!(mails[0].1.contains("Ada Admin has enrolled you in Spring cohort as a mentor"), "{}", mails[0].1);
        assert!(mails[0].1.contains("http://localhost:8080/invitations/"), "{}", mails[0].1);
        assert!(invitations_to(app, "bob@example.org").await.is_empty(), "Bob has an account");
        let token = token_in(&mails[0].1);

        // The invitation: a weak password is refused and burns nothing; then it works once.
        app.post_json("/api/v1/auth/invitation", json!({"token": token, "password": "short"}), None).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["password"]);
        let taken = app.post_json("/api/v1/auth/invitation", json!({"token": token, "password": PASSWORD}), None).await;
        assert_eq!(taken.status, StatusCode::OK, "{}", taken.text());
        assert_eq!(taken.header("cache-control"), Some("no-store"));
        let cy = taken.json()["token"].as_str().unwrap().to_owned();
        assert_eq!(taken.json()["account"]["email"], "cy@example.org");
        let seen = app.get(&format!("/api/v1/programmes/{programme}"), Some(&cy)).await.json();
        assert_eq!(seen["your_enrolment"]["role"], "mentor", "{seen}");
        let profile = app.get("/api/v1/me/profile", Some(&cy)).await.json();
        assert_eq!(profile["department"], "Research");
        assert_eq!(profile["is_mentor"], true);
        assert_eq!(app.login("cy@example.org", PASSWORD).await.status, StatusCode::OK);
        app.post_json("/api/v1/auth/invitation", json!({"token": token, "password": PASSWORD}), None).await
            .error(StatusCode::NOT_FOUND, "not_found");

        // The same file again changes nothing and invites nobody.
        let again = import(app, &programme, &admin, false, FILE).await;
        assert_eq!(again.json(), json!({"dry_run": false, "rows": 3, "created": 0, "updated": 0,
            "unchanged": 3, "invited": 0}));
        assert_eq!(invitations_to(app, "cy@example.org").await.len(), 1);
    }

    async fn every_bad_row_and_column_is_named_at_once_and_nothing_is_written(app) {
        let (admin, _bob) = app.admin_and_member().await;
        let programme = create(app, &admin, programme("Checked cohort", &[])).await;
        let persons = count(app, "SELECT COUNT(*) AS n FROM persons").await;

        let header = import(app, &programme, &admin, false,
            "Name,e-mail,role,Role,,Which industries?\nA,a@example.org,mentee,mentee,,\n").await;
        let error = header.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed",
            &["header.e-mail", "header.Role", "header.5", "header.email", "header.How confident are you?"]);
        assert_eq!(error["fields"]["header.Role"], "appears twice");
        assert_eq!(error["fields"]["header.email"], "is missing");
        assert_eq!(error["fields"]["header.How confident are you?"], "is missing: the question must be answered");

        let long = "x".repeat(101);
        let file = format!(
            "name,email,role,department,Where do you like to meet?,Which industries?,How confident are you?\n\
             Ann,not-an-email,mentee,,Online,,3\n\
             Ben,ben@example.org,teacher,,By post,Finance;Mining,9\n\
             Cat,cat@example.org,mentee,{long},,,\n\
             ,new@example.org,mentee,,,,three\n\
             Dan,BEN@example.org,mentor,,,,2\n\
             Eve,eve@example.org,mentee\n\
             Fay,fay@example.org,mentee,,,,4\n");
        let mut bytes = file.into_bytes();
        // Gus's name is not UTF-8.
        bytes.extend_from_slice(b"G\xffs,gus@example.org,mentee,,,,1\n");
        let bad = app.raw(Method::POST, &format!("/api/v1/programmes/{programme}/participants/import"),
            "text/csv; charset=utf-8", bytes, Some(&admin)).await;
        let error = bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &[
            "row 2.email", "row 3.role", "row 3.Where do you like to meet?", "row 3.Which industries?",
            "row 3.How confident are you?", "row 4.department", "row 4.How confident are you?",
            "row 5.How confident are you?", "row 5.name", "row 6.email", "row 7", "row 9.name"]);
        let fields = &error["fields"];
        assert_eq!(fields["row 2.email"], "is not a valid email address", "{error}");
        assert_eq!(fields["row 5.name"], "is required for someone new to Lodestar");
        assert_eq!(fields["row 3.role"], "must be mentee, mentor or both");
        assert_eq!(fields["row 3.Where do you like to meet?"], "\"By post\" is not one of the options");
        assert_eq!(fields["row 3.Which industries?"], "\"Mining\" is not one of the options");
        assert_eq!(fields["row 3.How confident are you?"], "must be a whole number from 1 to 5");
        assert_eq!(fields["row 4.How confident are you?"], "is required");
        assert_eq!(fields["row 5.How confident are you?"], "must be a whole number from 1 to 5");
        assert_eq!(fields["row 6.email"], "is on row 3 too");
        assert_eq!(fields["row 7"], "has 3 cells where the header has 7");
        assert_eq!(fields["row 9.name"], "is not UTF-8 text");
        assert!(fields["row 4.department"].as_str().unwrap().contains("100"), "{error}");

        // Rows good in themselves, but a new person without a name.
        let nameless = import(app, &programme, &admin, true,
            "email,role,How confident are you?\nbob@example.org,mentee,3\nnew@example.org,mentor,4\n").await;
        let error = nameless.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["row 3.name"]);
        assert_eq!(error["fields"]["row 3.name"], "is required for someone new to Lodestar");

        import(app, &programme, &admin, false, "").await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["file"]);
        import(app, &programme, &admin, false, "email,role,How confident are you?\n").await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["file"]);
        app.raw(Method::POST, &format!("/api/v1/programmes/{programme}/participants/import"),
            "application/json", "{}", Some(&admin)).await
            .error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");

        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM persons").await, persons, "nobody made");
        assert_eq!(enrolments(app, &programme, &admin).await["total"], 0, "nobody enrolled");
    }

    async fn a_file_far_larger_than_an_ordinary_request_imports(app) {
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        let programme = create(app, &admin, programme("Large cohort", &[])).await;
        let mut file = String::from("name,email,role,department,How confident are you?\n");
        for i in 0..3_000 {
            file.push_str(&format!("Person Number {i},person.{i}@large.example.org,mentee,Operations and logistics,{}\n", 1 + i % 5));
        }
        assert!(file.len() > 3 * 64 * 1024, "{} bytes", file.len());
        // Nobody unknown gets a file read.
        import(app, &programme, "lds_not_a_token", false, &file).await
            .error(StatusCode::UNAUTHORIZED, "unauthenticated");
        let done = import(app, &programme, &admin, false, &file).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        assert_eq!(done.json(), json!({"dry_run": false, "rows": 3000, "created": 3000, "updated": 0,
            "unchanged": 0, "invited": 3000}));
        assert_eq!(enrolments(app, &programme, &admin).await["total"], 3000);
        // Elsewhere the ordinary limit holds.
        let big = json!({"name": "x".repeat(100 * 1024), "enrolment_opens": "2027-01-01"});
        app.post_json("/api/v1/programmes", big, Some(&admin)).await
            .error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    }

    async fn a_programme_admin_imports_and_a_member_may_not(app) {
        let (admin, bob) = app.admin_and_member().await;
        let lead = app.register_and_login("Lee Lead", "lee@example.org").await;
        let lead_id = app.id_of(&lead).await;
        let programme = create(app, &admin, programme("Led cohort", &[&lead_id])).await;
        let file = "name,email,role,How confident are you?\nZed,zed@example.org,mentee,3\n";
        import(app, &programme, &bob, false, file).await.error(StatusCode::FORBIDDEN, "forbidden");
        let done = import(app, &programme, &lead, false, file).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        assert_eq!(done.json()["invited"], 1);
        let mails = invitations_to(app, "zed@example.org").await;
        assert!(mails[0].1.contains("Lee Lead has enrolled you"), "{mails:?}");
        import(app, "00000000-0000-0000-0000-000000000000", &admin, false, file).await
            .error(StatusCode::NOT_FOUND, "not_found");
    }

    async fn the_participants_file_reads_back_in_a_spreadsheet_parser_and_imports_unchanged(app) {
        let (admin, _bob) = app.admin_and_member().await;
        let programme = create(app, &admin, programme("Round trip", &[])).await;
        let file = "name,email,role,department,Where do you like to meet?,Which industries?,How confident are you?\n\
            \"Quote \"\"Q\"\" Person\",q@example.org,mentee,\"Ops, North\",Online,Finance;Energy,3\n\
            Bob Member,bob@example.org,mentor,,,,5\n\
            =cmd|' /C calc'!A0,formula@example.org,mentee,@ops,,,2\n";
        assert_eq!(import(app, &programme, &admin, false, file).await.status, StatusCode::OK);
        let got = app.get(&format!("/api/v1/programmes/{programme}/participants.csv"), Some(&admin)).await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text());
        assert!(got.header("content-type").unwrap().starts_with("text/csv"));
        assert!(got.header("content-disposition").unwrap().contains("participants-"));
        let rows = parse_csv(&got.text());
        assert_eq!(rows[0], ["name", "email", "role", "department", "Where do you like to meet?",
            "Which industries?", "How confident are you?", "state"]);
        assert_eq!(rows.len(), 4, "{rows:?}");
        assert_eq!(rows[1], ["Quote \"Q\" Person", "q@example.org", "mentee", "Ops, North", "Online",
            "Finance; Energy", "3", "approved"]);
        assert_eq!(rows[2], ["Bob Member", "bob@example.org", "mentor", "", "", "", "5", "approved"]);
        assert_eq!(rows[3], ["'=cmd|' /C calc'!A0", "formula@example.org", "mentee", "'@ops", "", "", "2", "approved"],
            "what a spreadsheet would run as a formula is shown as text");
        let back = import(app, &programme, &admin, false, &got.text()).await;
        assert_eq!(back.json(), json!({"dry_run": false, "rows": 3, "created": 0, "updated": 0,
            "unchanged": 3, "invited": 0}), "what it exports, it reads back as it is");

        let matches = app.get(&format!("/api/v1/programmes/{programme}/matches.csv"), Some(&admin)).await;
        assert_eq!(parse_csv(&matches.text()), vec![vec!["mentorship", "state", "started_on", "ended_on",
            "mentor_name", "mentor_email", "mentee_name", "mentee_email"]], "no mentorships yet");
    }

    async fn an_admin_imports_from_the_page_and_the_invited_person_sets_a_password_on_theirs(app) {
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        let programme = create(app, &admin, programme("Page cohort", &[])).await;
        let mut browser = Browser::new(app);
        assert!(browser.log_in("ada@example.org", PASSWORD).await.status.is_redirection());
        let page = browser.get(&format!("/programmes/{programme}/enrolments")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("Add participants from a file"));
        let csrf = csrf_of(&page.text());
        let path = format!("/programmes/{programme}/participants/import");

        let bad = browser.upload(&path, &[("_csrf", &csrf)], "file", "p.csv",
            b"name,email,role,How confident are you?\nIvy,ivy-at-example,mentee,3\nJo,jo@example.org,boss,9\n").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = bad.text();
        assert!(text.contains("The file has 3 problems, so nothing was imported"), "{text}");
        assert!(text.contains("<td>Row 2</td><td>email</td><td>is not a valid email address</td>"), "{text}");
        assert!(text.contains("<td>Row 3</td><td>role</td>"), "{text}");

        let good = b"name,email,role,How confident are you?\nIvy Ives,ivy@example.org,mentee,3\n";
        let checked = browser.upload(&path, &[("_csrf", &csrf), ("dry_run", "true")], "file", "p.csv", good).await;
        assert_eq!(checked.status, StatusCode::OK);
        assert!(checked.text().contains("The file is good: 1 row."), "{}", checked.text());
        assert_eq!(invitations_to(app, "ivy@example.org").await.len(), 0);
        let done = browser.upload(&path, &[("_csrf", &csrf)], "file", "p.csv", good).await;
        assert!(done.text().contains("Imported 1 row: 1 enrolled"), "{}", done.text());
        let empty = browser.upload(&path, &[("_csrf", &csrf)], "file", "", b"").await;
        assert!(empty.text().contains("Choose a CSV file to import."), "{}", empty.text());
        // Without the form's token, nothing is read.
        let forged = browser.upload(&path, &[("_csrf", "forged")], "file", "p.csv", good).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);

        let mails = invitations_to(app, "ivy@example.org").await;
        let token = token_in(&mails[0].1);
        let mut ivy = Browser::new(app);
        let form = ivy.get(&format!("/invitations/{token}")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.text().contains("You are enrolled in <strong>Page cohort</strong>"), "{}", form.text());
        let csrf = csrf_of(&form.text());
        let weak = ivy.post(&format!("/invitations/{token}"), &[("_csrf", &csrf), ("password", "ivy")]).await;
        assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
        let csrf = csrf_of(&weak.text());
        let set = ivy.post(&format!("/invitations/{token}"), &[("_csrf", &csrf), ("password", PASSWORD)]).await;
        assert!(set.status.is_redirection(), "{}", set.text());
        assert_eq!(set.header("location"), Some(format!("/programmes/{programme}").as_str()));
        let mine = ivy.get(&format!("/programmes/{programme}")).await;
        assert!(mine.text().contains("You are enrolled as <strong>mentee</strong>"), "{}", mine.text());
        let used = ivy.get(&format!("/invitations/{token}")).await;
        assert_eq!(used.status, StatusCode::NOT_FOUND);

        let downloaded = browser.get(&format!("/programmes/{programme}/participants.csv")).await;
        assert_eq!(downloaded.status, StatusCode::OK);
        assert!(downloaded.text().contains("Ivy Ives,ivy@example.org,mentee,,,,3,approved"), "{}", downloaded.text());
    }
}
