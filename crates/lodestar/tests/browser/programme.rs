//! Programmes, in two browsers: an admin creates a programme with an enrolment form from
//! the page; enrols four people from a CSV file on the enrolments page; starts a cohort match run, watches it solve into
//! a draft proven optimal, locks a pair, sees what the lock cost, and publishes; a mentee
//! then finds their new mentorship and the note that says why they were matched.

use chrono::{Days, Utc};
use fantoccini::Locator;
use serde_json::json;

use super::conversation::grant_admin;
use super::{
    Pair, api_account, api_profile, click, eventually, fill, find, log_in, set_value, unique,
    wait_for_text,
};

pub(super) async fn journey(pair: Pair) {
    let Pair {
        mentee: admin,
        mentor: person,
        database_url,
        ..
    } = pair;
    let tag = unique();
    let admin_email = format!("ada-{tag}@example.com");
    api_account(&admin.base, "Ada Programmes", &admin_email).await;
    grant_admin(&database_url, &admin_email).await;
    // Two mentors of Kubernetes, two mentees who want it.
    let people = [
        (
            "Mo Mentor",
            "mo",
            json!({"listed": true, "is_mentor": true, "mentor_capacity": 2,
            "mentor_skills": [{"skill": "kubernetes", "level": 4}], "years_experience": 12}),
        ),
        (
            "Meg Mentor",
            "meg",
            json!({"listed": true, "is_mentor": true, "mentor_capacity": 2,
            "mentor_skills": [{"skill": "kubernetes", "level": 3}], "years_experience": 9}),
        ),
        (
            "Tia Mentee",
            "tia",
            json!({"listed": true, "wants_mentor": true,
            "growth_skills": [{"skill": "kubernetes", "level": 1}], "years_experience": 2}),
        ),
        (
            "Tom Mentee",
            "tom",
            json!({"listed": true, "wants_mentor": true,
            "growth_skills": [{"skill": "kubernetes", "level": 2}], "years_experience": 3}),
        ),
    ];
    let mut emails = Vec::new();
    for (name, short, profile) in &people {
        let email = format!("{short}-{tag}@example.com");
        api_account(&admin.base, name, &email).await;
        api_profile(&admin.base, &email, profile.clone()).await;
        emails.push(email);
    }

    // The admin creates the programme from the page, with a matching question.
    log_in(&admin.c, &admin.base, &admin_email).await;
    admin.open("/programmes/new").await;
    let name = format!("Journey cohort {tag}");
    fill(&admin.c, "#name", &name).await;
    let day = |n: i64| {
        let today = Utc::now().date_naive();
        let d = if n < 0 {
            today.checked_sub_days(Days::new(n.unsigned_abs()))
        } else {
            today.checked_add_days(Days::new(n.unsigned_abs()))
        };
        format!("'{}'", d.expect("a date").format("%Y-%m-%d"))
    };
    set_value(&admin.c, "#enrolment_opens", &day(-1)).await;
    set_value(&admin.c, "#enrolment_closes", &day(10)).await;
    set_value(&admin.c, "#starts_on", &day(14)).await;
    set_value(&admin.c, "#ends_on", &day(180)).await;
    fill(&admin.c, "#mentor_capacity", "1").await;
    fill(&admin.c, "#q0_text", "Where do you like to meet?").await;
    set_value(&admin.c, "#q0_options", "'Online\\nIn person'").await;
    set_value(&admin.c, "#q0_match_rule", "'same'").await;
    click(&admin.c, "form.stack button[type=submit]").await;
    wait_for_text(&admin.c, "h1", &name).await;
    let url = admin
        .c
        .current_url()
        .await
        .expect("the programme's address");
    let programme = url.path().trim_start_matches("/programmes/").to_owned();
    wait_for_text(&admin.c, "main", "The programme is created.").await;

    // The admin enrols everyone from a file on the enrolments page: all meet online. A
    // check of the file first, then the import.
    admin
        .open(&format!("/programmes/{programme}/enrolments"))
        .await;
    let mut file = String::from("name,email,role,Where do you like to meet?\n");
    for (k, ((name, _, _), email)) in people.iter().zip(&emails).enumerate() {
        let role = if k < 2 { "mentor" } else { "mentee" };
        file.push_str(&format!("{name},{email},{role},online\n"));
    }
    let path = std::env::temp_dir().join(format!("participants-{tag}.csv"));
    std::fs::write(&path, &file).expect("the participants file");
    let chooser = find(&admin.c, Locator::Css("input[type=file][name=file]")).await;
    chooser
        .send_keys(path.to_str().expect("a path"))
        .await
        .expect("choosing the file");
    click(&admin.c, "button[name=dry_run]").await;
    wait_for_text(&admin.c, "main", "The file is good: 4 rows.").await;
    let chooser = find(&admin.c, Locator::Css("input[type=file][name=file]")).await;
    chooser
        .send_keys(path.to_str().expect("a path"))
        .await
        .expect("choosing the file");
    click(
        &admin.c,
        "form[action$='/participants/import'] button:not([name])",
    )
    .await;
    wait_for_text(&admin.c, "main", "Imported 4 rows: 4 enrolled").await;
    let _ = std::fs::remove_file(&path);

    // The admin runs the match and watches it become a draft without a reload.
    admin.open(&format!("/programmes/{programme}")).await;
    click(&admin.c, "form[action$='/match-runs'] button[type=submit]").await;
    wait_for_text(&admin.c, "#run-body", "Mentees matched").await;
    // Badges are shown in capitals.
    wait_for_text(&admin.c, "#quality-heading", "PROVEN OPTIMAL").await;
    let first = find(&admin.c, Locator::Css(".pairs li.card h3")).await;
    let first = first.text().await.expect("the first pair");
    assert!(first.contains(" with "), "{first}");

    // Lock the first pair: the draft solves again, keeps it, and says what it cost.
    click(&admin.c, ".pairs li.card button[value=lock]").await;
    wait_for_text(&admin.c, "#run-body", "Your changes").await;
    eventually("the lock's cost", async || {
        let text = admin
            .c
            .find(Locator::Css("#run-body"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        (text.contains("Locked") && (text.contains("no cost") || text.contains("points in total")))
            .then_some(())
    })
    .await;
    wait_for_text(&admin.c, ".pairs", "LOCKED").await;

    // Publish: two mentorships, and everyone told.
    click(&admin.c, "form[action$='/publish'] button[type=submit]").await;
    wait_for_text(&admin.c, "main", "Published: 2 mentorships made").await;

    // A mentee finds the mentorship, and why they were matched.
    log_in(&person.c, &person.base, &emails[2]).await;
    person.open("/notifications").await;
    wait_for_text(&person.c, "main", "meet your mentor").await;
    wait_for_text(&person.c, "main", "Why you were matched").await;
    person.open("/mentorships").await;
    wait_for_text(&person.c, "main", "Mentor").await;
    let page = person
        .c
        .find(Locator::Css("main"))
        .await
        .expect("the mentorships page")
        .text()
        .await
        .expect("its text");
    assert!(
        page.contains("Mo Mentor") || page.contains("Meg Mentor"),
        "{page}"
    );
}
