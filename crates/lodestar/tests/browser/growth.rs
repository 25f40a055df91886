//! Growth, two people in two browsers. The mentee sets a goal with two milestones and
//! shares it with their mentor, ticks one milestone done (the goal is half way), and checks
//! in four times, the last a marked drop that brings a gentle prompt. The mentor opens the
//! goal from the mentee's progress page, comments on it and suggests a milestone; the
//! mentee reads the comment and accepts the suggestion. Then skills and feedback (in
//! `feedback.rs`): the mentee assesses themself in public speaking at level 2; the mentor
//! gives feedback on it (situation, behaviour, impact and a suggestion) and assesses the
//! mentee at level 3; the mentee reads the feedback, acknowledges it with a reply and makes
//! the suggestion a goal, titled by its first line; the mentor reads the reply. Both then
//! read the mentee's progress page: the confidence chart has a point for each check-in they
//! may see, the drop alone is ringed, and its data table says what was entered, in order;
//! the skills chart's table says public speaking was at 2 and is at 3 now. Screenshots of
//! the goals, the goal, the check-ins, the skills, the feedback and the progress pages, at
//! desktop and phone width.

use chrono::{Duration, NaiveDate, Utc};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use serde_json::json;

use super::conversation::{As, Shots, text};
use super::{
    Pair, Side, api_account, api_profile, click, eventually, feedback, fill, find, find_all,
    log_in, scroll_to_start, set_value, tick, unique, wait_for_path, wait_for_text,
};

pub(super) const MENTOR: &str = "Iris Growth";
pub(super) const MENTEE: &str = "Tomas Growth";
const GOAL: &str = "Lead the Rust rewrite of the billing service";
const FIRST: &str = "Write a one-page plan for the rewrite";
const SECOND: &str = "Run the kick-off with the billing team";
const SUGGESTED: &str = "Ask a staff engineer to review the plan";
const COMMENT: &str = "Good goal. Start the plan with what billing must never get wrong: \
                       that is where the team will listen to you first.";
/// The confidence of each check-in, in order: the last is a marked drop (at least 3 below
/// the average of the three before).
const CONFIDENCES: [u8; 4] = [7, 8, 7, 3];
const DROP_PROMPT: &str = "Your confidence is well below where it has been lately";
/// The confidence chart's section on the progress page.
const CONFIDENCE: &str = "section[aria-labelledby=confidence-heading]";
/// The table of goals on the progress page.
const GOALS_TABLE: &str = "section[aria-labelledby=goals-heading] table.data";

pub(super) async fn journey(pair: Pair) {
    let Pair {
        mentee,
        mentor,
        screenshots,
        ..
    } = pair;
    let shots = Shots(screenshots);
    let people = set_up(&mentee, &mentor).await;
    log_in(&mentee.c, &mentee.base, &people.mentee_email).await;
    log_in(&mentor.c, &mentor.base, &people.mentor_email).await;

    let goal = set_goal(&mentee, &people, &shots).await;
    let days = check_in(&mentee, &shots).await;

    // The mentor opens the goal from the mentee's progress page, comments and suggests.
    let progress = format!("/people/{}/progress", people.mentee);
    mentor.open(&progress).await;
    wait_for_text(&mentor.c, "h1", &format!("{MENTEE}'s progress")).await;
    click(&mentor.c, &format!("{GOALS_TABLE} a[href='{goal}']")).await;
    wait_for_path(&mentor.c, &goal).await;
    wait_for_text(&mentor.c, "h1", GOAL).await;
    wait_for_text(
        &mentor.c,
        "main .meta",
        &format!("{MENTEE}'s goal, shared with you"),
    )
    .await;
    wait_for_text(&mentor.c, ".progress-line", "50%").await;
    fill(&mentor.c, "#body", COMMENT).await;
    click(
        &mentor.c,
        &format!("form[action='{goal}/comments'] button[type=submit]"),
    )
    .await;
    wait_for_text(&mentor.c, "ul.comments", COMMENT).await;
    fill(&mentor.c, "#title", SUGGESTED).await;
    click(
        &mentor.c,
        &format!("form[action='{goal}/milestones'] button[type=submit]"),
    )
    .await;
    let suggested = milestone(&mentor.c, SUGGESTED).await;
    assert_class(&suggested, "suggested").await;
    let said = suggested.text().await.expect("the suggestion's text");
    assert!(
        said.contains(&format!("suggested by {MENTOR}")),
        "the suggestion reads {said:?}"
    );
    assert!(
        mentor
            .c
            .find_all(Locator::Css("li.milestone button"))
            .await
            .expect("look for milestone buttons")
            .is_empty(),
        "the mentor may answer or tick the mentee's milestones"
    );
    // Suggesting does not move the goal: it is still half way.
    wait_for_text(&mentor.c, ".progress-line", "50%").await;
    shots
        .take(&mentor, "growth-goal-mentor", Some("#milestones-heading"))
        .await;

    // The mentee reads the comment and accepts the suggestion: one of three is done.
    mentee.open(&goal).await;
    wait_for_text(&mentee.c, "ul.comments", COMMENT).await;
    wait_for_text(&mentee.c, "ul.comments", MENTOR).await;
    let suggested = milestone(&mentee.c, SUGGESTED).await;
    assert_class(&suggested, "suggested").await;
    suggested
        .find(Locator::Css("button[value=accept]"))
        .await
        .expect("the Accept button")
        .click()
        .await
        .expect("accept the suggestion");
    wait_for_path(&mentee.c, &goal).await;
    eventually("the suggestion to be accepted", async || {
        let li = milestone_now(&mentee.c, SUGGESTED).await?;
        let class = li.attr("class").await.ok()??;
        class
            .split_whitespace()
            .any(|c| c == "accepted")
            .then_some(())
    })
    .await;
    wait_for_text(&mentee.c, ".progress-line strong", "33%").await;
    shots.take(&mentee, "growth-goal", None).await;
    shots
        .take(
            &mentee,
            "growth-goal-milestones",
            Some("#milestones-heading"),
        )
        .await;

    // Skills and feedback: the mentee assesses themself, the mentor gives feedback and
    // assesses them too; the mentee acknowledges it and makes the suggestion a goal.
    feedback::assess_myself(&mentee, &shots).await;
    feedback::give_feedback(&mentor, &people, &shots).await;
    feedback::take_feedback(&mentee, &shots).await;
    feedback::read_reply(&mentor, &shots).await;

    // Both read the mentee's progress: every check-in is shared, so both see all four, and
    // the skill's level then and now.
    for side in [&mentee, &mentor] {
        side.open(&progress).await;
        read_progress(side, &days).await;
        feedback::read_skills(side).await;
    }
    wait_for_text(&mentee.c, "h1", "Your progress").await;
    wait_for_text(&mentor.c, "h1", &format!("{MENTEE}'s progress")).await;
    for side in [&mentee, &mentor] {
        wait_for_text(&side.c, GOALS_TABLE, GOAL).await;
        wait_for_text(&side.c, GOALS_TABLE, "33%").await;
    }
    shots
        .take(&mentee, "growth-progress", Some("#confidence-heading"))
        .await;
    shots
        .take(
            &mentee,
            "growth-progress-data",
            Some(&format!("{CONFIDENCE} details.chart-data")),
        )
        .await;
    shots
        .take(
            &mentor,
            "growth-progress-mentor",
            Some("#confidence-heading"),
        )
        .await;
    shots
        .take(&mentee, "growth-progress-skills", Some("#skills-heading"))
        .await;
}

/// What the journey set up through the API.
pub(super) struct People {
    pub(super) mentee: String,
    pub(super) mentor: String,
    pub(super) mentorship: String,
    mentee_email: String,
    mentor_email: String,
}

/// A mentor and a mentee, in a mentorship the mentee asked for and the mentor accepted.
async fn set_up(mentee: &Side, mentor: &Side) -> People {
    let tag = unique();
    let mentor_email = format!("iris-{tag}@example.com");
    let mentee_email = format!("tomas-{tag}@example.com");
    let mentor_id = api_account(&mentor.base, MENTOR, &mentor_email).await;
    api_profile(
        &mentor.base,
        &mentor_email,
        json!({
            "is_mentor": true,
            "mentor_capacity": 2,
            "mentor_skills": [{"skill": "rust", "level": 5}],
        }),
    )
    .await;
    let mentee_id = api_account(&mentee.base, MENTEE, &mentee_email).await;
    api_profile(
        &mentee.base,
        &mentee_email,
        json!({
            "wants_mentor": true,
            "growth_skills": [{"skill": "rust", "level": 2}],
        }),
    )
    .await;
    let as_mentee = As::new(mentee, &mentee_email).await;
    let as_mentor = As::new(mentor, &mentor_email).await;
    let ask = json!({"mentor_id": mentor_id, "cadence": "weekly", "duration_weeks": 12});
    let request = as_mentee.call("POST", "/api/v1/requests", &ask, 201).await;
    let accept = format!("/api/v1/requests/{}/accept", text(&request["id"]));
    let accepted = as_mentor.call("POST", &accept, &json!({}), 200).await;
    People {
        mentee: mentee_id,
        mentor: mentor_id,
        mentorship: text(&accepted["mentorship_id"]),
        mentee_email,
        mentor_email,
    }
}

/// The mentee sets a goal with two milestones, shared with their mentor, and ticks the
/// first done; gives back the goal page's path.
async fn set_goal(mentee: &Side, people: &People, shots: &Shots) -> String {
    let c = &mentee.c;
    mentee.open("/goals").await;
    wait_for_text(c, "h1", "Goals").await;
    wait_for_text(c, "section[aria-labelledby=open-heading]", "No goal yet").await;
    fill(c, "#title", GOAL).await;
    fill(c, "#why", "I want to lead technical work, not only do it.").await;
    fill(
        c,
        "#measure",
        "The new service takes the first real invoices, and the team asks me to lead the next one.",
    )
    .await;
    set_value(c, "#target_date", &days_ahead(120)).await;
    fill(c, "#skills", "Rust").await;
    fill(c, "#milestone_0", FIRST).await;
    set_value(c, "#milestone_due_0", &days_ahead(30)).await;
    fill(c, "#milestone_1", SECOND).await;
    set_value(c, "#milestone_due_1", &days_ahead(45)).await;
    fill(c, "#obstacle", "Billing incidents eat my weeks").await;
    fill(
        c,
        "#plan",
        "Block two mornings a week for the rewrite and hand the pager over on those days.",
    )
    .await;
    let share = format!("input[name=shared_with][value='{}']", people.mentor);
    wait_for_text(
        c,
        "form[action='/goals']",
        &format!("{MENTOR} (your mentor)"),
    )
    .await;
    tick(c, &share).await;
    click(c, "form[action='/goals'] button[type=submit]").await;
    let goal = eventually("the new goal's page", async || {
        let path = c.current_url().await.ok()?.path().to_owned();
        (path.starts_with("/goals/") && path.len() > "/goals/".len()).then_some(path)
    })
    .await;
    wait_for_path(c, &goal).await;
    wait_for_text(c, ".alert.success", "Your goal is set.").await;
    wait_for_text(c, "h1", GOAL).await;
    wait_for_text(c, ".progress-line strong", "0%").await;
    wait_for_text(c, "dl.profile", MENTOR).await;
    wait_for_text(c, "dl.profile", "Rust").await;
    wait_for_text(c, "main", "Billing incidents eat my weeks").await;
    assert_eq!(
        find_all(c, "li.milestone").await.len(),
        2,
        "the goal should have two milestones"
    );

    // The first milestone is done: half way.
    milestone(c, FIRST)
        .await
        .find(Locator::Css("button[value=done]"))
        .await
        .expect("the first milestone's Done button")
        .click()
        .await
        .expect("tick the first milestone done");
    wait_for_path(c, &goal).await;
    wait_for_text(c, ".progress-line strong", "50%").await;
    eventually("the first milestone to be done", async || {
        let li = milestone_now(c, FIRST).await?;
        li.find(Locator::Css("s")).await.ok()?;
        li.find(Locator::Css("button[value=undone]")).await.ok()?;
        Some(())
    })
    .await;
    let progress = find(c, Locator::Css(".progress-line progress")).await;
    assert_eq!(
        progress.attr("value").await.expect("the progress value"),
        Some("50".to_owned())
    );

    // The list of goals says so too.
    mentee.open("/goals").await;
    let listed = "li.card.goal";
    wait_for_text(c, listed, GOAL).await;
    wait_for_text(c, listed, "1 of 2 milestones done").await;
    wait_for_text(c, &format!("{listed} .progress-line"), "50%").await;
    wait_for_text(c, &format!("{listed} .tag"), "shared").await;
    shots.take(mentee, "growth-goals", None).await;
    shots
        .take(mentee, "growth-goals-form", Some("#new-heading"))
        .await;
    goal
}

/// The mentee checks in four times through the form, sharing each with their mentors;
/// the last is a marked drop. Gives back, for each check-in, the UTC days it may be dated.
async fn check_in(mentee: &Side, shots: &Shots) -> Vec<[NaiveDate; 2]> {
    let c = &mentee.c;
    let mut days = Vec::new();
    for (i, confidence) in CONFIDENCES.into_iter().enumerate() {
        mentee.open("/check-ins").await;
        wait_for_text(c, "h1", "Check-ins").await;
        click(c, &format!("input[name=confidence][value='{confidence}']")).await;
        fill(c, "#area_0", "Speaking up in design reviews").await;
        fill(c, "#area_score_0", &confidence.to_string()).await;
        fill(
            c,
            "#went_well",
            &format!("Check-in {}: the plan is taking shape.", i + 1),
        )
        .await;
        if confidence < 5 {
            fill(
                c,
                "#hard",
                "A review went badly and I froze when asked why.",
            )
            .await;
            fill(c, "#need", "Help preparing for the next review.").await;
        }
        tick(c, "input[name=share]").await;
        tick(c, "input[name=share_reflection]").await;
        let before = Utc::now().date_naive();
        click(c, "form[action='/check-ins'] button[type=submit]").await;
        wait_for_path(c, "/check-ins").await;
        wait_for_text(c, ".alert.success", "Thank you: your check-in is saved.").await;
        // The gentle word stays on the page while the latest check-in is a marked drop.
        let prompts = find_all(c, ".alert.info").await.len();
        if i + 1 == CONFIDENCES.len() {
            wait_for_text(c, ".alert.info", DROP_PROMPT).await;
        } else {
            assert_eq!(prompts, 0, "no prompt before the drop");
        }
        days.push([before, Utc::now().date_naive()]);
    }
    // Only the last is marked, in the list and on the trend chart.
    let history = "section[aria-labelledby=history-heading] ul.check-ins > li";
    assert_eq!(find_all(c, history).await.len(), CONFIDENCES.len());
    let dips = find_all(c, &format!("{history}.dip")).await;
    assert_eq!(dips.len(), 1, "one check-in should be a marked drop");
    let dip = dips[0].text().await.expect("the drop's text");
    assert!(
        dip.contains("3/10") && dip.contains("marked drop"),
        "the drop reads {dip:?}"
    );
    let trend = "section[aria-labelledby=trend-heading] figure.chart svg";
    assert_eq!(
        find_all(c, &format!("{trend} circle.chart-point"))
            .await
            .len(),
        CONFIDENCES.len()
    );
    assert_eq!(
        find_all(c, &format!("{trend} circle.chart-point.chart-flag"))
            .await
            .len(),
        1
    );
    shots.take(mentee, "growth-check-ins", None).await;
    shots
        .take(mentee, "growth-check-ins-form", Some("#new-heading"))
        .await;
    shots
        .take(mentee, "growth-check-ins-trend", Some("#trend-heading"))
        .await;
    days
}

/// On the progress page open in `side`: the confidence chart has a point for each check-in,
/// the drop alone ringed, and its data table (once opened) lists the check-ins in order.
async fn read_progress(side: &Side, days: &[[NaiveDate; 2]]) {
    let c = &side.c;
    let who = side.who;
    find(c, Locator::Css(&format!("{CONFIDENCE} figure.chart svg"))).await;
    let points = find_all(
        c,
        &format!("{CONFIDENCE} figure.chart svg circle.chart-point"),
    )
    .await;
    assert_eq!(
        points.len(),
        CONFIDENCES.len(),
        "{who}'s chart should have a point for each shared check-in"
    );
    let flagged = find_all(
        c,
        &format!("{CONFIDENCE} figure.chart svg circle.chart-point.chart-flag"),
    )
    .await;
    assert_eq!(flagged.len(), 1, "{who}'s chart should ring one drop");
    wait_for_text(c, "p.summary", "at the start").await;

    // The table is folded away until asked for.
    let table = format!("{CONFIDENCE} details.chart-data table");
    let hidden = find(c, Locator::Css(&table)).await;
    assert!(
        !hidden.is_displayed().await.expect("the table's visibility"),
        "{who}'s data table is open before it was asked for"
    );
    click(c, &format!("{CONFIDENCE} details.chart-data > summary")).await;
    let shown = find(c, Locator::Css(&table)).await;
    assert!(
        shown.is_displayed().await.expect("the table's visibility"),
        "{who}'s data table did not open"
    );
    let rows = table_rows(c, &table).await;
    println!("{who}'s confidence table: {rows:?}");
    assert_eq!(rows.len(), CONFIDENCES.len(), "{who}'s table: {rows:?}");
    let values: Vec<&str> = rows.iter().map(|(_, cells)| cells[0].as_str()).collect();
    let entered: Vec<String> = CONFIDENCES.iter().map(u8::to_string).collect();
    assert_eq!(values, entered, "{who}'s table: {rows:?}");
    let marks: Vec<&str> = rows.iter().map(|(_, cells)| cells[1].as_str()).collect();
    assert_eq!(marks, ["No", "No", "No", "Yes"], "{who}'s table: {rows:?}");
    for ((date, _), [before, after]) in rows.iter().zip(days) {
        let may_be = [before, after].map(|d| d.format("%-d %b %Y").to_string());
        assert!(
            may_be.contains(date),
            "{who}'s table dates a check-in {date:?}, not {may_be:?}"
        );
    }
    scroll_to_start(c, CONFIDENCE).await;
}

/// The milestone on the open goal page whose text contains `title`.
async fn milestone(c: &Client, title: &str) -> Element {
    eventually(&format!("the milestone {title:?}"), async || {
        milestone_now(c, title).await
    })
    .await
}

async fn milestone_now(c: &Client, title: &str) -> Option<Element> {
    for li in c.find_all(Locator::Css("li.milestone")).await.ok()? {
        if li.text().await.ok()?.contains(title) {
            return Some(li);
        }
    }
    None
}

async fn assert_class(element: &Element, class: &str) {
    let classes = element
        .attr("class")
        .await
        .expect("the class")
        .unwrap_or_default();
    assert!(
        classes.split_whitespace().any(|c| c == class),
        "expected the class {class:?} in {classes:?}"
    );
}

/// A script for the date `days` from today, as a date input's value.
pub(super) fn days_ahead(days: i64) -> String {
    format!(
        "'{}'",
        (Utc::now() + Duration::days(days)).format("%Y-%m-%d")
    )
}

/// A data table's body: each row's heading cell and its other cells, as shown.
pub(super) async fn table_rows(c: &Client, table: &str) -> Vec<(String, Vec<String>)> {
    let mut rows = Vec::new();
    for row in find_all(c, &format!("{table} tbody tr")).await {
        let heading = row
            .find(Locator::Css("th"))
            .await
            .expect("a row's heading")
            .text()
            .await
            .expect("the heading's text");
        let mut cells = Vec::new();
        for cell in row
            .find_all(Locator::Css("td"))
            .await
            .expect("a row's cells")
        {
            cells.push(cell.text().await.expect("a cell's text"));
        }
        rows.push((heading, cells));
    }
    rows
}
