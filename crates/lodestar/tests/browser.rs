//! Journeys through the real pages in headless Chromium. The main one: sign up, fix a
//! profile error, log out and in, find a mentor by skill, read their page, find the API
//! docs. The mentorship lifecycle: a mentee asks, the mentor accepts, they schedule a
//! session and take notes, and the mentorship is completed. Live updates: the mentor's open
//! page counts a new request in its navigation without a reload. The network: a mentee
//! finds a way in to someone with a skill through a connection, asks for an introduction,
//! the connection makes it, both accept and are connected; an opportunity then fits the
//! mentee "For you" and they share it with their new connection. Conversations and booking
//! (in `browser/conversation.rs`): two people in two browsers write to each other live,
//! what they write is sanitised, and the mentee books a slot of the mentor's free time; on
//! PostgreSQL each browser talks to its own server process, so the live messages cross
//! processes. Growth (in `browser/growth.rs` and `browser/feedback.rs`): the mentee sets a
//! goal shared with the mentor and checks in, the mentor comments and suggests a milestone;
//! the mentee assesses a skill, the mentor gives feedback on it and assesses it too, the
//! mentee acknowledges the feedback and makes its suggestion a goal; both read the mentee's
//! progress charts (confidence, skills) and their data. Programmes (in
//! `browser/programme.rs`): an admin creates one, people enrol, the admin runs the cohort
//! match, locks a pair and publishes, and a mentee finds the mentorship and why.
//!
//! Needs chromedriver and Chromium (`LODESTAR_CHROMEDRIVER`, `LODESTAR_CHROMIUM`, defaulting
//! to the Debian paths). Without them the test is skipped, except under `CI`, where it fails.
//! Screenshots for review land in `target/browser-screenshots/`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use lodestar_store::testing::ScratchDb;
use serde_json::json;

#[path = "browser/conversation.rs"]
mod conversation;
#[path = "browser/feedback.rs"]
mod feedback;
#[path = "browser/growth.rs"]
mod growth;
#[path = "browser/programme.rs"]
mod programme;

/// How long any one thing may take to appear in the page.
const PATIENCE: Duration = Duration::from_secs(10);
const PASSWORD: &str = "correct horse battery staple";

#[tokio::test]
async fn a_new_member_signs_up_fixes_their_profile_and_finds_a_kubernetes_mentor() {
    run("failure", journey).await;
}

#[tokio::test]
async fn a_mentee_asks_the_mentor_accepts_they_meet_take_notes_and_complete_the_mentorship() {
    run("lifecycle-failure", lifecycle).await;
}

#[tokio::test]
async fn the_unread_badge_counts_a_new_request_live_without_a_reload() {
    run("live-failure", live_badge).await;
}

#[tokio::test]
async fn a_mentee_finds_a_way_in_is_introduced_connects_and_shares_an_opportunity_that_fits() {
    run("introduction-failure", introduction).await;
}

#[tokio::test]
async fn a_mentee_writes_the_mentor_sees_it_live_replies_and_the_mentee_books_a_slot() {
    run_pair(
        "conversation-failure",
        Backend::Sqlite,
        conversation::journey,
    )
    .await;
}

#[tokio::test]
async fn the_conversation_and_booking_journey_across_two_server_processes_on_postgres() {
    run_pair(
        "conversation-pg-failure",
        Backend::Postgres,
        conversation::journey,
    )
    .await;
}

#[tokio::test]
async fn a_mentee_sets_a_goal_checks_in_the_mentor_comments_and_both_read_the_progress_chart() {
    run_pair("growth-failure", Backend::Sqlite, growth::journey).await;
}

#[tokio::test]
async fn an_admin_creates_a_programme_imports_a_csv_runs_the_match_locks_a_pair_publishes_and_a_mentee_finds_it()
 {
    run_pair("programme-failure", Backend::Sqlite, programme::journey).await;
}

#[tokio::test]
async fn the_growth_journey_across_two_server_processes_on_postgres() {
    run_pair("growth-pg-failure", Backend::Postgres, growth::journey).await;
}

/// Starts a server of its own (SQLite, with a demo organisation), chromedriver and a
/// Chromium session, and runs `journey` in it; on a failure the page is kept as the
/// screenshot `failure`.
async fn run<F: Future<Output = ()>>(failure: &str, journey: impl FnOnce(Client, String) -> F) {
    let Some(tools) = Tools::locate() else {
        return;
    };
    let started = Instant::now();
    let scratch = Scratch::new();
    let database = sqlite_url(&scratch);
    let server = Server::start(&scratch, "lodestar", &database, true);
    let driver = Chromedriver::start(&tools, &scratch);
    let browser = connect(&driver, &tools, &scratch, "chromium-profile").await;
    let journey = journey(browser.clone(), server.base.clone());
    supervise(vec![(browser, failure.to_owned())], journey).await;
    drop(driver);
    drop(server);
    println!("browser journey passed in {:.1?}", started.elapsed());
}

/// The database a two-person journey runs on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Backend {
    /// One server process on a SQLite file.
    Sqlite,
    /// Two server processes on one scratch PostgreSQL schema: the mentee's browser talks to
    /// the first and the mentor's to the second. Skipped when `LODESTAR_TEST_DATABASE_URL`
    /// is unset (outside CI, where it must be set).
    Postgres,
}

/// One person's browser and the server process it talks to.
struct Side {
    c: Client,
    base: String,
    /// Who it is, for messages: "the mentee".
    who: &'static str,
}

impl Side {
    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn open(&self, path: &str) {
        self.c
            .goto(&self.at(path))
            .await
            .unwrap_or_else(|err| panic!("opening {path}: {err}"));
    }
}

/// What a two-person journey is given: a browser each, the database's URL (for the admin
/// command) and whether to keep screenshots (in one run of the journey is enough).
struct Pair {
    mentee: Side,
    mentor: Side,
    database_url: String,
    screenshots: bool,
}

/// Runs `journey` with two Chromium sessions, the mentee's and the mentor's, on `backend`;
/// on a failure each page is kept as a screenshot named after `failure` and the person.
async fn run_pair<F: Future<Output = ()>>(
    failure: &str,
    backend: Backend,
    journey: impl FnOnce(Pair) -> F,
) {
    let Some(tools) = Tools::locate() else {
        return;
    };
    let postgres = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => match ScratchDb::postgres().await {
            Some(db) => Some(db),
            None => return,
        },
    };
    let started = Instant::now();
    let scratch = Scratch::new();
    let database_url = postgres
        .as_ref()
        .map_or_else(|| sqlite_url(&scratch), |db| db.url.clone());
    // One after the other: the first seeds the skills catalogue, which the second finds.
    let first = Server::start(&scratch, "lodestar-a", &database_url, false);
    let second = (backend == Backend::Postgres)
        .then(|| Server::start(&scratch, "lodestar-b", &database_url, false));
    let driver = Chromedriver::start(&tools, &scratch);
    let mentee = connect(&driver, &tools, &scratch, "mentee-profile").await;
    let mentor = connect(&driver, &tools, &scratch, "mentor-profile").await;
    let pair = Pair {
        mentee: Side {
            c: mentee.clone(),
            base: first.base.clone(),
            who: "the mentee",
        },
        mentor: Side {
            c: mentor.clone(),
            base: second.as_ref().unwrap_or(&first).base.clone(),
            who: "the mentor",
        },
        database_url,
        screenshots: backend == Backend::Sqlite,
    };
    let browsers = vec![
        (mentee, format!("{failure}-mentee")),
        (mentor, format!("{failure}-mentor")),
    ];
    supervise(browsers, journey(pair)).await;
    drop(driver);
    drop(second);
    drop(first);
    if let Some(db) = postgres {
        db.finish().await;
    }
    let on = match backend {
        Backend::Sqlite => "SQLite, one server process",
        Backend::Postgres => "PostgreSQL, two server processes",
    };
    println!("browser journey ({on}) passed in {:.1?}", started.elapsed());
}

/// Runs `journey`, then closes every browser session (so Chromium quits) however it ended;
/// after a failure each browser's page is kept as the screenshot named beside it, and the
/// panic is raised again.
async fn supervise(browsers: Vec<(Client, String)>, journey: impl Future<Output = ()>) {
    for (_, failure) in &browsers {
        let _ = std::fs::remove_file(screenshot_path(failure));
    }
    let outcome = CatchUnwind(Box::pin(journey)).await;
    for (browser, failure) in browsers {
        if outcome.is_err() {
            if let Ok(url) = browser.current_url().await {
                eprintln!("the browser kept as {failure} was at {url}");
            }
            screenshot(&browser, &failure).await;
        }
        if let Err(err) = browser.close().await {
            eprintln!("closing the browser session failed: {err}");
        }
    }
    if let Err(panic) = outcome {
        // Unwinding drops the server and chromedriver guards, which print their logs.
        std::panic::resume_unwind(panic);
    }
}

async fn journey(c: Client, base: String) {
    let at = |path: &str| format!("{base}{path}");
    let email = format!("ada-{}@example.com", unique());

    // Sign up from the landing page.
    c.goto(&at("/")).await.expect("open /");
    find(&c, Locator::LinkText("Create your account"))
        .await
        .click()
        .await
        .expect("click Create your account");
    wait_for_path(&c, "/register").await;
    fill(&c, "#name", "Ada Browser").await;
    fill(&c, "#email", &email).await;
    fill(&c, "#password", PASSWORD).await;
    click(&c, "form[action='/register'] button[type=submit]").await;
    wait_for_path(&c, "/profile").await;
    wait_for_text(&c, ".alert.success", "Welcome to Lodestar").await;

    // An unknown time zone is refused, with the message beside the field.
    fill(&c, "#time_zone", "Mars/Olympus").await;
    click(&c, "form[action='/profile'] button[type=submit]").await;
    let error = find(&c, Locator::Css("#time_zone-error")).await;
    let message = error.text().await.expect("time zone error text");
    assert!(!message.trim().is_empty(), "the time zone error is empty");
    let field = find(&c, Locator::Css("#time_zone")).await;
    assert_eq!(
        field.attr("aria-invalid").await.expect("aria-invalid"),
        Some("true".to_owned()),
        "the time zone field is not marked invalid"
    );
    assert_eq!(
        field
            .attr("aria-describedby")
            .await
            .expect("aria-describedby"),
        Some("time_zone-error".to_owned()),
        "the time zone field does not point at its error"
    );
    assert_eq!(
        field.prop("value").await.expect("time zone value"),
        Some("Mars/Olympus".to_owned()),
        "the rejected form lost what was typed"
    );
    let summary = find(&c, Locator::Css("#form-errors a[href='#time_zone']")).await;
    assert_eq!(
        summary.text().await.expect("summary link text"),
        "Time zone",
        "the error summary should name the field by its label"
    );
    scroll_to_top(&c).await;
    screenshot(&c, "profile-error-summary").await;
    scroll_into_view(&c, &field).await;
    screenshot(&c, "profile-time-zone-error").await;

    // Fix it, say what we want, and save.
    fill(&c, "#time_zone", "Europe/Lisbon").await;
    fill(
        &c,
        "#headline",
        "Backend developer moving into platform work",
    )
    .await;
    let wants_mentor = find(&c, Locator::Css("input[name=wants_mentor]")).await;
    if !wants_mentor
        .is_selected()
        .await
        .expect("wants_mentor state")
    {
        wants_mentor.click().await.expect("tick I want a mentor");
    }
    let row = first_empty(&c, "input[name=growth_skill]").await;
    row.send_keys("Kubernetes")
        .await
        .expect("type growth skill");
    let row_id = row
        .attr("id")
        .await
        .expect("row id")
        .expect("row has an id");
    let level_id = row_id.replace("growth_skill_", "growth_level_");
    find(&c, Locator::Css(&format!("#{level_id}")))
        .await
        .select_by_value("2")
        .await
        .expect("choose level 2");
    // What they hope to work on: mentors who offer it are relevant even when none of the
    // few Kubernetes mentors has a free place.
    for area in ["career_development", "networking"] {
        let box_ = find(
            &c,
            Locator::Css(&format!("input[name=focus_areas][value={area}]")),
        )
        .await;
        if !box_.is_selected().await.expect("focus area state") {
            box_.click().await.expect("tick a focus area");
        }
    }
    click(&c, "form[action='/profile'] button[type=submit]").await;
    wait_for_text(&c, ".alert.success", "Your profile was saved.").await;
    assert_eq!(
        find(&c, Locator::Css("#time_zone"))
            .await
            .prop("value")
            .await
            .expect("saved time zone"),
        Some("Europe/Lisbon".to_owned())
    );
    assert!(
        find(&c, Locator::Css("input[name=wants_mentor]"))
            .await
            .is_selected()
            .await
            .expect("saved wants_mentor"),
        "I want a mentor did not stay ticked"
    );
    let mut saved_growth = Vec::new();
    for input in find_all(&c, "input[name=growth_skill]").await {
        saved_growth.push(input.prop("value").await.expect("growth skill value"));
    }
    assert!(
        saved_growth.contains(&Some("Kubernetes".to_owned())),
        "the growth skill was not saved: {saved_growth:?}"
    );

    // Log out from the account menu in the header, then back in.
    click(&c, "header li.menu summary").await;
    click(&c, "header form[action='/logout'] button").await;
    wait_for_path(&c, "/").await;
    find(&c, Locator::Css("header a[href='/login']")).await;
    c.goto(&at("/login")).await.expect("open /login");
    fill(&c, "#email", &email).await;
    fill(&c, "#password", PASSWORD).await;
    click(&c, "form[action='/login'] button[type=submit]").await;
    wait_for_path(&c, "/dashboard").await;
    wait_for_text(&c, "h1", "Ada Browser").await;

    // Find a Kubernetes mentor in the directory.
    find(&c, Locator::Css("header a[href='/people']"))
        .await
        .click()
        .await
        .expect("open People");
    wait_for_path(&c, "/people").await;
    find(&c, Locator::Css("#role"))
        .await
        .select_by_value("mentor")
        .await
        .expect("choose Mentors");
    fill(&c, "#skill", "Kubernetes").await;
    click(&c, "form[role=search] button[type=submit]").await;
    // With htmx the results are swapped in place and the URL pushed; without it the browser
    // navigates. Either way the URL and the list end up showing the search.
    let cards = eventually("Kubernetes mentors in the results", async || {
        let url = c.current_url().await.ok()?;
        let query: String = url.query().unwrap_or_default().to_owned();
        if !(query.contains("role=mentor") && query.contains("skill=Kubernetes")) {
            return None;
        }
        let cards = c
            .find_all(Locator::Css("#results .person-card"))
            .await
            .ok()?;
        let mut texts = Vec::new();
        for card in &cards {
            texts.push(card.text().await.ok()?);
        }
        (!texts.is_empty() && texts.iter().all(|t| t.contains("Kubernetes"))).then_some(texts)
    })
    .await;
    for card in &cards {
        assert!(card.contains("Mentor"), "a non-mentor is listed: {card}");
    }
    println!("directory shows {} Kubernetes mentor(s)", cards.len());
    scroll_to_top(&c).await;
    screenshot(&c, "directory-kubernetes-mentors").await;

    // Their page says what they mentor on.
    find(&c, Locator::Css("#results .person-card a.name"))
        .await
        .click()
        .await
        .expect("open the first person");
    eventually("a person's page", async || {
        let url = c.current_url().await.ok()?;
        url.path().starts_with("/people/").then_some(())
    })
    .await;
    wait_for_text(&c, "main h2", "Mentors on").await;
    wait_for_text(&c, "main", "Kubernetes").await;

    // A longer list, for the screenshot.
    c.goto(&at("/people?role=mentor"))
        .await
        .expect("open all mentors");
    find(&c, Locator::Css("#results .person-card")).await;
    screenshot(&c, "directory-mentors").await;

    // Recommended mentors: short reasons, and a way to ask each one.
    c.goto(&at("/recommendations"))
        .await
        .expect("open /recommendations");
    find(&c, Locator::Css("article.recommendation")).await;
    find(&c, Locator::Css("article.recommendation a[href$='/ask']")).await;
    screenshot(&c, "recommendations").await;

    // The API reference lists the people endpoint.
    c.goto(&at("/api/docs")).await.expect("open /api/docs");
    wait_for_text(&c, "main", "/api/v1/people").await;

    // Signed-in browsers: this one is listed, and signing out everywhere ends it.
    c.goto(&at("/account/sessions"))
        .await
        .expect("open /account/sessions");
    // The badge marks this browser (its text is shown in capitals).
    let badge = find(&c, Locator::Css("table.data .badge")).await;
    let badge = badge.text().await.expect("the badge's text");
    assert!(badge.eq_ignore_ascii_case("this browser"), "{badge}");
    screenshot(&c, "sessions").await;
    c.set_window_size(390, 844)
        .await
        .expect("a phone-sized window");
    screenshot(&c, "sessions-phone").await;
    // On a phone the directory shows its results first (the filters a tap away), and a
    // recommendation fits in one screen.
    c.goto(&at("/people?role=mentor"))
        .await
        .expect("open all mentors on a phone");
    let first = find(&c, Locator::Css("#results .person-card")).await;
    let (top, _, screen) = placed(&c, &first).await;
    assert!(
        top < screen,
        "the first result starts below the fold: {top} of {screen}"
    );
    find(&c, Locator::Css(".filters-link a[href='#filters']")).await;
    screenshot(&c, "directory-phone").await;
    c.goto(&at("/recommendations"))
        .await
        .expect("open /recommendations on a phone");
    let card = find(&c, Locator::Css("article.recommendation")).await;
    let (top, height, screen) = placed(&c, &card).await;
    assert!(
        top < screen,
        "the first recommendation starts below the fold: {top} of {screen}"
    );
    assert!(
        height <= screen,
        "a recommendation is taller than the screen: {height} of {screen}"
    );
    screenshot(&c, "recommendations-phone").await;
    c.goto(&at("/account/sessions"))
        .await
        .expect("open /account/sessions again");
    click(&c, "form[action='/account/sessions/revoke-all'] button").await;
    wait_for_path(&c, "/login").await;
    c.goto(&at("/dashboard")).await.expect("open /dashboard");
    wait_for_path(&c, "/login").await;
}

/// The mentorship lifecycle: a mentee asks, the mentor accepts, they schedule a session and
/// take notes (one shared, one private), and the mentee completes the mentorship.
async fn lifecycle(c: Client, base: String) {
    let at = |path: &str| format!("{base}{path}");
    let tag = unique();
    let mentor_email = format!("grace-{tag}@example.com");
    let mentee_email = format!("alan-{tag}@example.com");

    // Two fresh accounts, set up through the API.
    let mentor = api_account(&base, "Grace Lifecycle", &mentor_email).await;
    api_profile(
        &base,
        &mentor_email,
        json!({
            "is_mentor": true,
            "mentor_capacity": 2,
            "mentor_skills": [{"skill": "kubernetes", "level": 4}],
            "focus_areas": ["career_development"],
        }),
    )
    .await;
    api_account(&base, "Alan Lifecycle", &mentee_email).await;
    api_profile(
        &base,
        &mentee_email,
        json!({
            "wants_mentor": true,
            "growth_skills": [{"skill": "kubernetes", "level": 2}],
            "focus_areas": ["career_development"],
            "time_zone": "Europe/Lisbon",
        }),
    )
    .await;

    // The mentee asks the mentor from their page.
    log_in(&c, &base, &mentee_email).await;
    c.goto(&at(&format!("/people/{mentor}")))
        .await
        .expect("open the mentor's page");
    wait_for_text(&c, "h1", "Grace Lifecycle").await;
    click(&c, &format!("a[href='/people/{mentor}/ask']")).await;
    wait_for_path(&c, &format!("/people/{mentor}/ask")).await;
    fill(
        &c,
        "#message",
        "I run services on Kubernetes and want to understand operators and upgrades.",
    )
    .await;
    tick(&c, "input[name=skills][value=kubernetes]").await;
    click(&c, "input[name=cadence]").await;
    let cadence = find(&c, Locator::Css("input[name=cadence]:checked")).await;
    assert!(cadence.is_selected().await.expect("cadence state"));
    fill(&c, "#duration_weeks", "12").await;
    click(
        &c,
        &format!("form[action='/people/{mentor}/ask'] button[type=submit]"),
    )
    .await;
    wait_for_path(&c, "/requests").await;
    let sent = "section[aria-labelledby=outgoing-heading] li.request";
    wait_for_text(&c, sent, "Your request to Grace Lifecycle").await;
    find(&c, Locator::Css(&format!("{sent} .badge.state-pending"))).await;
    wait_for_text(&c, sent, "for 12 weeks").await;
    screenshot(&c, "lifecycle-request-sent").await;
    log_out(&c).await;

    // The mentor accepts. With htmx the row is swapped in place; without it the page
    // reloads. Either way the row ends with a link to the new mentorship.
    log_in(&c, &base, &mentor_email).await;
    c.goto(&at("/requests")).await.expect("open /requests");
    let incoming = "section[aria-labelledby=incoming-heading] li.request";
    wait_for_text(&c, incoming, "Alan Lifecycle asks you to mentor them").await;
    click(&c, &format!("{incoming} form[action$='/accept'] button")).await;
    let mentorship = eventually("a link to the accepted mentorship", async || {
        let link = c
            .find(Locator::Css(&format!(
                "{incoming} a[href^='/mentorships/']"
            )))
            .await
            .ok()?;
        link.attr("href").await.ok()?
    })
    .await;
    find(
        &c,
        Locator::Css(&format!("{incoming} .badge.state-accepted")),
    )
    .await;
    c.goto(&at(&mentorship)).await.expect("open the mentorship");
    wait_for_text(&c, "h1", "Mentorship with Alan Lifecycle").await;
    wait_for_badge(&c, "h1 .badge", "active").await;
    wait_for_text(&c, "#sessions-heading + *", "No session is scheduled").await;
    screenshot(&c, "lifecycle-mentorship").await;

    // Schedule a session for tomorrow at 15:00. Date and time inputs take what is typed in
    // the browser's locale, so their values are set directly.
    click(&c, &format!("a[href='{mentorship}/sessions#schedule']")).await;
    wait_for_path(&c, &format!("{mentorship}/sessions")).await;
    let date = set_value(
        &c,
        "#date",
        "new Date(Date.now() + 86400000).toISOString().slice(0, 10)",
    )
    .await;
    set_value(&c, "#time", "'15:00'").await;
    fill(&c, "#duration_minutes", "45").await;
    fill(&c, "#location", "https://meet.example.com/lodestar-k8s").await;
    fill(
        &c,
        "#agenda",
        "Where the cluster upgrades hurt\nReading an operator's reconcile loop",
    )
    .await;
    click(
        &c,
        &format!("form[action='{mentorship}/sessions'] button[type=submit]"),
    )
    .await;
    let session = eventually("the new session's page", async || {
        let url = c.current_url().await.ok()?;
        let path = url.path().to_owned();
        (path.starts_with("/sessions/") && path.len() > "/sessions/".len()).then_some(path)
    })
    .await;
    wait_for_path(&c, &session).await;
    println!("scheduled {session} on {date}");
    wait_for_text(&c, "h1", "15:00").await;
    wait_for_text(&c, "main", "45 minutes").await;
    wait_for_text(&c, "main", "Where the cluster upgrades hurt").await;
    find(
        &c,
        Locator::Css("main a[href='https://meet.example.com/lodestar-k8s']"),
    )
    .await;
    let invite = find(&c, Locator::Css(&format!("a[href='{session}/invite.ics']"))).await;
    let label = invite.text().await.expect("the invitation link's text");
    assert!(label.contains(".ics"), "the invitation link says {label:?}");

    // A shared note, then a private one.
    let shared = "We agreed to start with the upgrade runbook.";
    let private = "Alan seems unsure about on-call; ask gently next time.";
    let notes = format!("form[action='{session}/notes']");
    fill(&c, "#body", shared).await;
    click(&c, &format!("{notes} button[type=submit]")).await;
    wait_for_text(&c, "#note-list", shared).await;
    fill(&c, "#body", private).await;
    tick(&c, &format!("{notes} input[name=private]")).await;
    click(&c, &format!("{notes} button[type=submit]")).await;
    wait_for_text(&c, "#note-list .note.private", private).await;
    wait_for_text(&c, "#note-list .note.private", "Only you can see this").await;
    let shared_note = find_note(&c, shared).await;
    assert!(
        !shared_note
            .attr("class")
            .await
            .expect("the note's class")
            .unwrap_or_default()
            .contains("private"),
        "the shared note is marked private"
    );
    scroll_into_view(&c, &shared_note).await;
    screenshot(&c, "lifecycle-session").await;
    log_out(&c).await;

    // The mentee sees the shared note but not a word of the private one.
    log_in(&c, &base, &mentee_email).await;
    c.goto(&at(&session)).await.expect("open the session");
    wait_for_text(&c, "#note-list", shared).await;
    wait_for_text(&c, "h1", "15:00").await;
    let source = c.source().await.expect("the page source");
    assert!(
        !source.contains(private) && !source.contains("on-call"),
        "the mentor's private note reached the mentee"
    );
    assert!(
        !source.contains("Only you can see this"),
        "the mentee's page shows a private note"
    );
    c.goto(&at("/dashboard")).await.expect("open /dashboard");
    let mentorships = "section[aria-labelledby=mentorships-heading]";
    wait_for_text(&c, mentorships, "With Grace Lifecycle").await;
    wait_for_text(&c, mentorships, "Next session").await;
    find(
        &c,
        Locator::Css(&format!("{mentorships} a[href='{mentorship}']")),
    )
    .await;
    let next = "section[aria-labelledby=sessions-heading]";
    wait_for_text(&c, next, "45 min, with Grace Lifecycle").await;
    wait_for_text(&c, next, "meet.example.com").await;
    // The video link wraps inside its card.
    let card = find(&c, Locator::Css(next)).await;
    let spill = c
        .execute(
            "return arguments[0].scrollWidth - arguments[0].clientWidth",
            vec![serde_json::to_value(&card).expect("an element as JSON")],
        )
        .await
        .expect("measure the card");
    assert!(
        spill.as_f64().unwrap_or_default() <= 0.0,
        "the next sessions card spills over by {spill} px"
    );
    screenshot(&c, "lifecycle-dashboard").await;

    // On a phone, the mentorship page.
    c.goto(&at(&mentorship)).await.expect("open the mentorship");
    wait_for_text(&c, "h1", "Mentorship with Grace Lifecycle").await;
    phone_screenshot(&c, "lifecycle-mentorship-phone", None).await;

    // The mentee completes the mentorship with a reflection and a private rating.
    let complete = format!("form[action='{mentorship}/complete']");
    fill(
        &c,
        "#reflection",
        "I can read an operator now and led our last upgrade.",
    )
    .await;
    find(&c, Locator::Css("#rating"))
        .await
        .select_by_value("5")
        .await
        .expect("rate 5");
    click(&c, &format!("{complete} button[type=submit]")).await;
    wait_for_badge(&c, "h1 .badge", "completed").await;
    wait_for_path(&c, &mentorship).await;
    wait_for_text(&c, "ol.timeline", "Alan Lifecycle completed the mentorship").await;
    wait_for_text(&c, "ol.timeline", "Grace Lifecycle accepted").await;
    wait_for_text(&c, "main", "led our last upgrade").await;
    wait_for_text(&c, "main", "5 of 5").await;
    screenshot(&c, "lifecycle-completed").await;
}

/// The mentor's open page hears of a request through htmx's SSE extension: the navigation's
/// badge (an `aria-live` region) counts it, and the page is never reloaded.
async fn live_badge(c: Client, base: String) {
    let tag = unique();
    let mentor_email = format!("lin-{tag}@example.com");
    let mentee_email = format!("kai-{tag}@example.com");
    let mentor = api_account(&base, "Lin Live", &mentor_email).await;
    api_profile(
        &base,
        &mentor_email,
        json!({"is_mentor": true, "mentor_capacity": 2, "mentor_skills": [{"skill": "kubernetes", "level": 4}]}),
    )
    .await;
    api_account(&base, "Kai Live", &mentee_email).await;
    api_profile(&base, &mentee_email, json!({"wants_mentor": true})).await;

    log_in(&c, &base, &mentor_email).await;
    let badge = find(&c, Locator::Css("#unread-notifications")).await;
    assert_eq!(
        badge.attr("aria-live").await.expect("aria-live"),
        Some("polite".to_owned())
    );
    assert!(badge.text().await.expect("badge text").trim().is_empty());
    mark_page(&c).await;

    let token = api_token(&base, &mentee_email).await;
    let ask = json!({"mentor_id": mentor, "cadence": "monthly", "duration_weeks": 6});
    let (status, request) = api(&base, "POST", "/api/v1/requests", Some(&token), &ask).await;
    assert_eq!(status, 201, "{request}");

    wait_for_text(&c, "#unread-notifications .count", "1").await;
    assert_same_page(&c).await;
    screenshot(&c, "live-badge").await;
}

/// The network and opportunities: a mentee finds a way in to someone with a skill, through
/// a connection, and asks that connection for an introduction; the connection makes it; both
/// sides accept, so they are connected and see each other's email address. Then a post fits
/// the mentee "For you", with the reason why, and they share it with their new connection,
/// whose "For you" says who shared it.
async fn introduction(c: Client, base: String) {
    let at = |path: &str| format!("{base}{path}");
    let tag = unique();
    let (mentee_name, connector_name, target_name) =
        ("Mira Journey", "Cato Journey", "Tess Journey");
    let mentee_email = format!("mira-{tag}@example.com");
    let connector_email = format!("cato-{tag}@example.com");
    let target_email = format!("tess-{tag}@example.com");

    // Three listed people through the API: the mentee wants to grow product discovery in
    // Media; the connector knows the target, who mentors Lean Six Sigma at level 4 at an
    // organisation they show. The mentee and the target are connected with the connector.
    api_account(&base, mentee_name, &mentee_email).await;
    api_profile(
        &base,
        &mentee_email,
        json!({
            "listed": true,
            "wants_mentor": true,
            "industry": "Media",
            "growth_skills": [{"skill": "product-discovery", "level": 2}],
        }),
    )
    .await;
    let connector = api_account(&base, connector_name, &connector_email).await;
    api_profile(
        &base,
        &connector_email,
        json!({"listed": true, "industry": "Manufacturing", "role_title": "Plant Director"}),
    )
    .await;
    let target = api_account(&base, target_name, &target_email).await;
    api_profile(
        &base,
        &target_email,
        json!({
            "listed": true,
            "industry": "Manufacturing",
            "organisation": "Meridian Foundry Works",
            "role_title": "Continuous Improvement Lead",
            "hidden_fields": [],
            "is_mentor": true,
            "mentor_capacity": 2,
            "mentor_skills": [{"skill": "lean-six-sigma", "level": 4}],
        }),
    )
    .await;
    for (asker, answerer, answerer_id) in [
        (&mentee_email, &connector_email, &connector),
        (&connector_email, &target_email, &target),
    ] {
        let token = api_token(&base, asker).await;
        let ask = json!({"person_id": answerer_id});
        let (status, asked) = api(&base, "POST", "/api/v1/connections", Some(&token), &ask).await;
        assert_eq!(status, 201, "{asker} asking {answerer} to connect: {asked}");
        let id = asked["id"].as_str().expect("a connection id");
        let token = api_token(&base, answerer).await;
        let accept = format!("/api/v1/connections/{id}/accept");
        let (status, accepted) = api(&base, "POST", &accept, Some(&token), &json!({})).await;
        assert_eq!(status, 200, "{answerer} accepting: {accepted}");
    }

    // The mentee looks for Lean Six Sigma at level 4 and finds the target through the
    // connector, then asks the connector for an introduction.
    log_in(&c, &base, &mentee_email).await;
    c.goto(&at("/network/find"))
        .await
        .expect("open /network/find");
    fill(&c, "#skill", "Lean Six Sigma").await;
    find(&c, Locator::Css("#min_level"))
        .await
        .select_by_value("4")
        .await
        .expect("choose level 4");
    click(&c, "form[role=search] button[type=submit]").await;
    let path = "li.network-path";
    wait_for_text(&c, "#paths-heading", "1 way in").await;
    wait_for_text(&c, &format!("{path} h3"), target_name).await;
    wait_for_text(
        &c,
        &format!("{path} .chain"),
        &format!("You → {connector_name} → {target_name}"),
    )
    .await;
    wait_for_text(
        &c,
        &format!("{path} .headline"),
        "at Meridian Foundry Works",
    )
    .await;
    wait_for_text(&c, &format!("{path} .headline"), "level 4").await;
    wait_for_text(&c, &format!("{path} .meta"), "2 steps").await;
    let ask = format!("{path} form[action='/network/ask']");
    wait_for_text(
        &c,
        &format!("{ask} summary"),
        &format!("Ask {connector_name} to introduce you to {target_name}"),
    )
    .await;
    click(&c, &format!("{ask} summary")).await;
    let hope =
        "I am trying Lean Six Sigma on our editorial workflow and would love an hour of advice.";
    fill(&c, &format!("{ask} textarea[name=note]"), hope).await;
    screenshot(&c, "introduction-path").await;
    click(&c, &format!("{ask} button[type=submit]")).await;
    wait_for_path(&c, "/network/introductions").await;
    wait_for_text(
        &c,
        ".alert.success",
        &format!("{connector_name} is asked to introduce you to {target_name}."),
    )
    .await;
    let your_asks = "section[aria-labelledby=your-asks-heading] li.card";
    wait_for_text(
        &c,
        your_asks,
        &format!("You asked {connector_name} for an introduction to {target_name}."),
    )
    .await;
    wait_for_text(&c, &format!("{your_asks} .meta"), "Waiting").await;
    log_out(&c).await;

    // The connector sees the request, with the target suggested, and introduces them.
    log_in(&c, &base, &connector_email).await;
    c.goto(&at("/network/introductions"))
        .await
        .expect("open /network/introductions");
    let asked = "section[aria-labelledby=asks-heading] li.card";
    wait_for_text(
        &c,
        asked,
        &format!("{mentee_name} asks you for an introduction to {target_name}."),
    )
    .await;
    wait_for_text(&c, &format!("{asked} blockquote.note"), hope).await;
    let answer = format!(
        "{asked} form[action='/network/introductions']:has(input[name=b][value='{target}'])"
    );
    wait_for_text(&c, &format!("{answer} summary"), target_name).await;
    click(&c, &format!("{answer} summary")).await;
    let why = "Tess ran the Lean programme at Meridian; Mira wants to bring it to editorial work.";
    fill(&c, &format!("{answer} textarea[name=note]"), why).await;
    screenshot(&c, "introduction-ask").await;
    click(&c, &format!("{answer} button[type=submit]")).await;
    wait_for_path(&c, "/network/introductions").await;
    wait_for_text(&c, ".alert.success", "Each of them is asked privately.").await;
    for name in [mentee_name, target_name] {
        wait_for_text(&c, ".alert.success", name).await;
    }
    wait_for_text(&c, &format!("{asked} .meta"), "you introduced them").await;
    let made = "section[aria-labelledby=made-heading] li.card";
    for name in [mentee_name, target_name] {
        wait_for_text(&c, made, name).await;
    }
    wait_for_text(&c, &format!("{made} .meta"), "Waiting for their answers").await;
    log_out(&c).await;

    // The mentee accepts; the target accepts; they are connected.
    let of_you = "section[aria-labelledby=for-you-heading] li.card";
    for (email, other, said) in [
        (
            &mentee_email,
            target_name,
            format!("Accepted. You will be connected when {target_name} accepts too."),
        ),
        (
            &target_email,
            mentee_name,
            format!("You and {mentee_name} are connected now."),
        ),
    ] {
        log_in(&c, &base, email).await;
        c.goto(&at("/network/introductions"))
            .await
            .expect("open /network/introductions");
        wait_for_text(
            &c,
            of_you,
            &format!("{connector_name} introduces you to {other}"),
        )
        .await;
        wait_for_text(&c, &format!("{of_you} blockquote.note"), why).await;
        wait_for_text(&c, &format!("{of_you} .meta"), "Waiting for your answer").await;
        click(&c, &format!("{of_you} form[action$='/accept'] button")).await;
        wait_for_path(&c, "/network/introductions").await;
        wait_for_text(&c, ".alert.success", &said).await;
        log_out(&c).await;
    }

    // The mentee's connections now include the target, through the introduction, and the
    // introduction shows the target's email address; the request reads "Introduced".
    log_in(&c, &base, &mentee_email).await;
    c.goto(&at("/network")).await.expect("open /network");
    let connections = "section[aria-labelledby=connections-heading]";
    wait_for_text(&c, &format!("{connections} h2"), "Your connections (2)").await;
    let card = eventually("the target among the connections", async || {
        for card in c
            .find_all(Locator::Css(&format!("{connections} li.card")))
            .await
            .ok()?
        {
            let text = card.text().await.ok()?;
            if text.contains(target_name) {
                return Some(text);
            }
        }
        None
    })
    .await;
    assert!(
        card.contains("Through an introduction"),
        "the new connection does not say how it came about: {card}"
    );
    c.goto(&at("/network/introductions"))
        .await
        .expect("open /network/introductions");
    wait_for_badge(&c, &format!("{of_you} .badge"), "connected").await;
    find(
        &c,
        Locator::Css(&format!("{of_you} a[href='mailto:{target_email}']")),
    )
    .await;
    wait_for_badge(&c, &format!("{your_asks} .badge"), "introduced").await;
    screenshot(&c, "introduction-connected").await;

    // The connector posts a stretch project for their connections that grows product
    // discovery in Media: it is "For you" for the mentee, who shares it with the target.
    let title = "Product discovery sprint for the Media desk";
    let closes_on = (chrono::Utc::now().date_naive() + chrono::Days::new(30))
        .format("%Y-%m-%d")
        .to_string();
    let post = json!({
        "kind": "stretch_project",
        "title": title,
        "description": "Two weeks with the newsroom's product team, interviewing readers.",
        "skills": [{"skill": "product-discovery", "level": 3}],
        "industry": "Media",
        "location": "",
        "remote": true,
        "closes_on": closes_on,
        "visibility": "connections",
    });
    let token = api_token(&base, &connector_email).await;
    let (status, posted) = api(&base, "POST", "/api/v1/opportunities", Some(&token), &post).await;
    assert_eq!(status, 201, "posting an opportunity: {posted}");
    let opportunity = format!(
        "/opportunities/{}",
        posted["id"].as_str().expect("an opportunity id")
    );
    c.goto(&at("/opportunities"))
        .await
        .expect("open /opportunities");
    let for_you = "section[aria-labelledby=for-you-heading] li.card";
    let fits = card_with(&c, for_you, title).await;
    for reason in [
        "grows Product discovery, which you want to grow",
        "in your industry, Media",
    ] {
        assert!(fits.contains(reason), "no {reason:?} in: {fits}");
    }
    assert!(fits.contains(connector_name), "no author in: {fits}");
    screenshot(&c, "introduction-for-you").await;
    click(&c, &format!("{for_you} a[href='{opportunity}']")).await;
    wait_for_path(&c, &opportunity).await;
    wait_for_text(&c, "h1", title).await;
    let share = format!("form[action='{opportunity}/share']");
    find(&c, Locator::Css(&format!("{share} #share-to")))
        .await
        .select_by_value(&target)
        .await
        .expect("choose the target");
    let because = "Lean meets discovery: you would make this sprint twice as useful.";
    fill(&c, "#share-note", because).await;
    click(&c, &format!("{share} button[type=submit]")).await;
    wait_for_path(&c, &opportunity).await;
    wait_for_text(&c, ".alert.success", "Shared.").await;
    log_out(&c).await;

    // The target's "For you" says who shared it; the post says why, and so does a
    // notification.
    log_in(&c, &base, &target_email).await;
    c.goto(&at("/opportunities"))
        .await
        .expect("open /opportunities");
    let shared = card_with(&c, for_you, title).await;
    let by = format!("shared by {mentee_name}");
    assert!(shared.contains(&by), "no {by:?} in: {shared}");
    click(&c, &format!("{for_you} a[href='{opportunity}']")).await;
    wait_for_path(&c, &opportunity).await;
    wait_for_text(&c, "main", &format!("{mentee_name} shared this with you")).await;
    wait_for_text(&c, "main q", because).await;
    c.goto(&at("/notifications"))
        .await
        .expect("open /notifications");
    wait_for_text(
        &c,
        "ol.inbox",
        &format!("{mentee_name} shared an opportunity with you: {title}"),
    )
    .await;
}

async fn log_in(c: &Client, base: &str, email: &str) {
    c.goto(&format!("{base}/login")).await.expect("open /login");
    fill(c, "#email", email).await;
    fill(c, "#password", PASSWORD).await;
    click(c, "form[action='/login'] button[type=submit]").await;
    wait_for_path(c, "/dashboard").await;
}

/// Logs out from the account menu in the header.
async fn log_out(c: &Client) {
    click(c, "header li.menu summary").await;
    click(c, "header form[action='/logout'] button").await;
    wait_for_path(c, "/").await;
    find(c, Locator::Css("header a[href='/login']")).await;
}

/// Waits for a badge to say `word`, whatever case the style shows it in.
async fn wait_for_badge(c: &Client, css: &str, word: &str) {
    eventually(&format!("{css} to say {word:?}"), async || {
        let text = c.find(Locator::Css(css)).await.ok()?.text().await.ok()?;
        text.eq_ignore_ascii_case(word).then_some(())
    })
    .await;
}

/// Ticks a checkbox unless it is ticked already.
async fn tick(c: &Client, css: &str) {
    let input = find(c, Locator::Css(css)).await;
    if !input.is_selected().await.expect("checkbox state") {
        input
            .click()
            .await
            .unwrap_or_else(|err| panic!("ticking {css}: {err}"));
    }
}

/// Sets an input's value to what the script `value` evaluates to, as `change` would leave
/// it, and gives the value back.
async fn set_value(c: &Client, css: &str, value: &str) -> String {
    let field = find(c, Locator::Css(css)).await;
    let element = serde_json::to_value(&field).expect("element as JSON");
    let set = c
        .execute(
            &format!(
                "const f = arguments[0]; f.value = {value}; \
                 f.dispatchEvent(new Event('input', {{bubbles: true}})); \
                 f.dispatchEvent(new Event('change', {{bubbles: true}})); return f.value;"
            ),
            vec![element],
        )
        .await
        .unwrap_or_else(|err| panic!("setting {css}: {err}"));
    let set = set.as_str().unwrap_or_default().to_owned();
    assert!(!set.is_empty(), "{css} did not take {value}");
    set
}

/// The note whose text contains `text`.
async fn find_note(c: &Client, text: &str) -> Element {
    eventually(&format!("a note saying {text:?}"), async || {
        for note in c.find_all(Locator::Css("#note-list .note")).await.ok()? {
            if note.text().await.ok()?.contains(text) {
                return Some(note);
            }
        }
        None
    })
    .await
}

// ---- the JSON API, for setting up ------------------------------------------------------

/// Registers an account and gives back its id.
async fn api_account(base: &str, name: &str, email: &str) -> String {
    let body = json!({"name": name, "email": email, "password": PASSWORD});
    let (status, account) = api(base, "POST", "/api/v1/auth/register", None, &body).await;
    assert_eq!(status, 201, "registering {email}: {account}");
    account["id"]
        .as_str()
        .unwrap_or_else(|| panic!("an account id in {account}"))
        .to_owned()
}

/// Logs in through the API and gives back the token.
async fn api_token(base: &str, email: &str) -> String {
    let credentials = json!({"email": email, "password": PASSWORD});
    let (status, login) = api(base, "POST", "/api/v1/auth/login", None, &credentials).await;
    assert_eq!(status, 200, "logging in {email}: {login}");
    login["token"].as_str().expect("a token").to_owned()
}

/// Logs in through the API and changes the profile.
async fn api_profile(base: &str, email: &str, update: serde_json::Value) {
    let token = api_token(base, email).await;
    let (status, profile) = api(base, "PATCH", "/api/v1/me/profile", Some(&token), &update).await;
    assert_eq!(status, 200, "updating {email}'s profile: {profile}");
}

/// One JSON request over plain HTTP/1.0 (so the answer is never chunked): its status and
/// body (`null` when the body is not JSON).
async fn api(
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let host = base.trim_start_matches("http://").to_owned();
    let body = body.to_string();
    let auth = token.map_or_else(String::new, |t| format!("Authorization: Bearer {t}\r\n"));
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\n\
         Accept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let what = format!("{method} {path}");
    let answer = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        let mut stream = TcpStream::connect(&host)?;
        stream.set_read_timeout(Some(PATIENCE))?;
        stream.write_all(request.as_bytes())?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer)?;
        Ok(answer)
    })
    .await
    .expect("the request task")
    .unwrap_or_else(|err| panic!("{what}: {err}"));
    let answer = String::from_utf8_lossy(&answer);
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("{what}: no end of headers in {answer:?}"));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("{what}: no status in {head:?}"));
    (status, serde_json::from_str(body).unwrap_or_default())
}

// ---- finding things in the page ------------------------------------------------------

/// Polls `probe` until it gives a value, failing after [`PATIENCE`].
async fn eventually<T>(what: &str, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "gave up after {PATIENCE:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of the first `css` card that says `needle`, once one does.
async fn card_with(c: &Client, css: &str, needle: &str) -> String {
    eventually(&format!("a {css} with {needle:?}"), async || {
        for card in c.find_all(Locator::Css(css)).await.ok()? {
            let text = card.text().await.ok()?;
            if text.contains(needle) {
                return Some(text);
            }
        }
        None
    })
    .await
}

async fn find(c: &Client, locator: Locator<'_>) -> Element {
    let what = format!("{locator:?}");
    eventually(&what, async || c.find(locator).await.ok()).await
}

async fn find_all(c: &Client, css: &str) -> Vec<Element> {
    c.find_all(Locator::Css(css))
        .await
        .unwrap_or_else(|err| panic!("finding {css}: {err}"))
}

async fn click(c: &Client, css: &str) {
    find(c, Locator::Css(css))
        .await
        .click()
        .await
        .unwrap_or_else(|err| panic!("clicking {css}: {err}"));
}

async fn fill(c: &Client, css: &str, value: &str) {
    let field = find(c, Locator::Css(css)).await;
    field
        .clear()
        .await
        .unwrap_or_else(|err| panic!("clearing {css}: {err}"));
    field
        .send_keys(value)
        .await
        .unwrap_or_else(|err| panic!("typing into {css}: {err}"));
    // Move on as a person would: this closes a datalist's suggestions, which would otherwise
    // cover whatever is clicked next, and fires `change`.
    blur(c, &field).await;
}

async fn blur(c: &Client, element: &Element) {
    let element = serde_json::to_value(element).expect("element as JSON");
    c.execute("arguments[0].blur()", vec![element])
        .await
        .expect("blur");
}

/// The first of the matching inputs that is still empty (a spare row of a repeated field).
async fn first_empty(c: &Client, css: &str) -> Element {
    eventually(&format!("an empty {css}"), async || {
        for input in c.find_all(Locator::Css(css)).await.ok()? {
            if input
                .prop("value")
                .await
                .ok()?
                .unwrap_or_default()
                .is_empty()
            {
                return Some(input);
            }
        }
        None
    })
    .await
}

/// Waits until the first element matching `css` contains `needle`; the page may still be
/// loading or being swapped, so failures to read are retried.
async fn wait_for_text(c: &Client, css: &str, needle: &str) {
    let what = format!("{css} to contain {needle:?}");
    eventually(&what, async || {
        let text = c.find(Locator::Css(css)).await.ok()?.text().await.ok()?;
        text.contains(needle).then_some(())
    })
    .await;
}

async fn wait_for_path(c: &Client, path: &str) {
    eventually(&format!("the page at {path}"), async || {
        let url = c.current_url().await.ok()?;
        let ready = c.execute("return document.readyState", vec![]).await.ok()?;
        (url.path() == path && ready == json!("complete")).then_some(())
    })
    .await;
}

async fn scroll_into_view(c: &Client, element: &Element) {
    let element = serde_json::to_value(element).expect("element as JSON");
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'})",
        vec![element],
    )
    .await
    .expect("scroll into view");
}

/// Where `element` is in the page at the top: its top and height, and the window's
/// height, in CSS pixels.
async fn placed(c: &Client, element: &Element) -> (f64, f64, f64) {
    let place = c
        .execute(
            "window.scrollTo(0, 0); const r = arguments[0].getBoundingClientRect(); \
             return [r.top, r.height, window.innerHeight];",
            vec![serde_json::to_value(element).expect("an element as JSON")],
        )
        .await
        .expect("measure the element");
    let number = |k: usize| place[k].as_f64().expect("a number");
    (number(0), number(1), number(2))
}

/// Marks the page, so that [`assert_same_page`] can tell it was never reloaded.
async fn mark_page(c: &Client) {
    c.execute("window.stillThisPage = true; return true", vec![])
        .await
        .expect("mark the page");
}

async fn assert_same_page(c: &Client) {
    let same = c
        .execute("return window.stillThisPage === true", vec![])
        .await
        .expect("read the mark");
    assert_eq!(same, json!(true), "the page was reloaded");
}

/// Scrolls the first element matching `css` to the top of the window.
async fn scroll_to_start(c: &Client, css: &str) {
    let element = find(c, Locator::Css(css)).await;
    c.execute(
        "arguments[0].scrollIntoView({block: 'start'})",
        vec![serde_json::to_value(&element).expect("element as JSON")],
    )
    .await
    .expect("scroll to an element");
}

async fn scroll_to_top(c: &Client) {
    c.execute("window.scrollTo(0, 0)", vec![])
        .await
        .expect("scroll to the top");
}

async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("take screenshot");
    let path = screenshot_path(name);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create the screenshot directory");
    }
    std::fs::write(&path, png).expect("write screenshot");
    println!("screenshot: {}", path.display());
}

/// The page in a phone-sized window (390 × 844), scrolled to `focus` if given, as the
/// screenshot `name`; the page must not be wider than the phone. The window's size is put
/// back afterwards.
async fn phone_screenshot(c: &Client, name: &str, focus: Option<&str>) {
    let size = c.get_window_size().await.expect("the window size");
    c.set_window_size(390, 844)
        .await
        .expect("a phone-sized window");
    // How much too wide, and what sticks out: the outermost elements wider than the window,
    // and absolutely placed ones (which a scrolling box around them does not hold in).
    let overflow = c
        .execute(
            "const width = window.innerWidth;\
             const out = e => e.getBoundingClientRect().right > width + 0.5;\
             const placed = e => ['absolute', 'fixed'].includes(getComputedStyle(e).position);\
             const found = [...document.body.querySelectorAll('*')]\
               .filter(e => out(e) && (!out(e.parentElement) || placed(e)))\
               .slice(0, 5)\
               .map(e => e.outerHTML.slice(0, 80));\
             return [document.documentElement.scrollWidth - width, found];",
            vec![],
        )
        .await
        .expect("measure the page width");
    assert!(
        overflow[0].as_f64().unwrap_or_default() <= 0.0,
        "{name}: the page is wider than a phone by {} px; sticking out: {:#}",
        overflow[0],
        overflow[1]
    );
    match focus {
        Some(css) => scroll_to_start(c, css).await,
        None => scroll_to_top(c).await,
    }
    screenshot(c, name).await;
    c.set_window_size(
        u32::try_from(size.0).expect("a width"),
        u32::try_from(size.1).expect("a height"),
    )
    .await
    .expect("the window's size again");
}

fn screenshot_path(name: &str) -> PathBuf {
    target_dir()
        .join("browser-screenshots")
        .join(format!("{name}.png"))
}

// ---- the processes -------------------------------------------------------------------

struct Tools {
    chromedriver: PathBuf,
    chromium: PathBuf,
}

impl Tools {
    /// Finds chromedriver and Chromium, or says why the test is skipped (failing under CI).
    fn locate() -> Option<Tools> {
        let found = tool(
            "chromedriver",
            "LODESTAR_CHROMEDRIVER",
            "/usr/bin/chromedriver",
        )
        .and_then(|chromedriver| {
            let chromium = tool("chromium", "LODESTAR_CHROMIUM", "/usr/bin/chromium")?;
            Ok(Tools {
                chromedriver,
                chromium,
            })
        });
        match found {
            Ok(tools) => Some(tools),
            Err((name, path)) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "browser test cannot run under CI: {name} not found at {} \
                     (install it or set LODESTAR_CHROMEDRIVER / LODESTAR_CHROMIUM)",
                    path.display()
                );
                println!("browser test skipped: {name} not found");
                None
            }
        }
    }
}

/// The tool's path from `var` or the default, or its name and path when no file is there.
fn tool(name: &'static str, var: &str, default: &str) -> Result<PathBuf, (&'static str, PathBuf)> {
    let path = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    if path.is_file() {
        Ok(path)
    } else {
        Err((name, path))
    }
}

/// A fresh directory for the database and the browser profile, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let dir = std::env::temp_dir().join(format!("lodestar-browser-{}", unique()));
        std::fs::create_dir_all(&dir).expect("create a scratch directory");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process killed when the test ends, however it ends. On a failure its log is
/// printed, since that is usually where the reason is.
struct Process {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Process {
    fn spawn(name: &'static str, command: &mut Command, log: PathBuf) -> Process {
        let out = std::fs::File::create(&log).expect("create a log file");
        let err = out.try_clone().expect("clone the log file");
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name}: {e}"));
        Process { name, child, log }
    }

    /// Waits until `GET path` on `port` answers 200, failing if the process exits first.
    fn wait_until_ready(&mut self, port: u16, path: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            if http_get_status(port, path) == Some(200) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited early ({status}):\n{}",
                    self.name,
                    self.log_text()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{} did not answer GET {path} within {limit:?}:\n{}",
                self.name,
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = self.log_text();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!("--- last lines of the {} log ---", self.name);
            for line in tail.iter().rev() {
                eprintln!("{line}");
            }
        }
    }
}

struct Server {
    base: String,
    _process: Process,
}

fn sqlite_url(scratch: &Scratch) -> String {
    format!("sqlite://{}", scratch.path("lodestar.db").display())
}

impl Server {
    /// `lodestar serve` on `database`, logging to `<name>.log`; with `demo`, a generated
    /// organisation of 200 people to find.
    fn start(scratch: &Scratch, name: &'static str, database: &str, demo: bool) -> Server {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut command = Command::new(env!("CARGO_BIN_EXE_lodestar"));
        command
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .args(["--public-url", &base])
            .args(["--database-url", database])
            .args(["--data-dir", &scratch.path("data").display().to_string()])
            .env("LODESTAR_LOG", "warn");
        if demo {
            command.args(["--demo", "--demo-people", "200"]);
        }
        let mut process = Process::spawn(name, &mut command, scratch.path(&format!("{name}.log")));
        process.wait_until_ready(port, "/healthz", Duration::from_secs(60));
        Server {
            base,
            _process: process,
        }
    }
}

struct Chromedriver {
    url: String,
    _process: Process,
}

impl Chromedriver {
    fn start(tools: &Tools, scratch: &Scratch) -> Chromedriver {
        let port = free_port();
        let mut process = Process::spawn(
            "chromedriver",
            Command::new(&tools.chromedriver).arg(format!("--port={port}")),
            scratch.path("chromedriver.log"),
        );
        process.wait_until_ready(port, "/status", Duration::from_secs(20));
        Chromedriver {
            url: format!("http://127.0.0.1:{port}"),
            _process: process,
        }
    }
}

/// A Chromium session with a profile of its own (`profile`, a folder in `scratch`), so
/// two sessions on one chromedriver are two people with their own cookies.
async fn connect(driver: &Chromedriver, tools: &Tools, scratch: &Scratch, profile: &str) -> Client {
    let profile = scratch.path(profile);
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": tools.chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1280,1000",
                // app.css scrolls smoothly unless motion is reduced; WebDriver clicks need an
                // element to be where it was scrolled to, not on its way there.
                "--force-prefers-reduced-motion",
                format!("--user-data-dir={}", profile.display()),
            ],
        }
    });
    let serde_json::Value::Object(capabilities) = capabilities else {
        unreachable!("capabilities are an object");
    };
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|err| panic!("starting a Chromium session: {err}"))
}

// ---- small helpers ---------------------------------------------------------------------

/// A future that turns a panic while polling the inner future into an `Err`.
struct CatchUnwind<'a>(Pin<Box<dyn Future<Output = ()> + 'a>>);

impl Future for CatchUnwind<'_> {
    type Output = std::thread::Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(())) => Poll::Ready(Ok(())),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("find a free port")
        .port()
}

/// The status code of `GET path` on localhost, or None when nothing answers yet.
fn http_get_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 64];
    let read = stream.read(&mut head).ok()?;
    let status_line = std::str::from_utf8(&head[..read]).ok()?;
    status_line.split_whitespace().nth(1)?.parse().ok()
}

/// `target/`, found from the binary under test so that CARGO_TARGET_DIR is respected.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_lodestar"))
        .ancestors()
        .nth(2)
        .expect("the binary lives in target/<profile>/")
        .to_path_buf()
}

fn unique() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("{}-{nanos}", std::process::id())
}
