//! The skills and feedback steps of the growth journey, through the Skills and Feedback
//! pages. The mentee assesses themself in public speaking; the mentor gives feedback on it
//! (situation, behaviour, impact, a suggestion) and assesses the mentee a level higher. The
//! mentee reads the feedback, acknowledges it with a word back and makes the suggestion a
//! goal; the mentor reads the reply. On the mentee's progress page the skills chart, and
//! its data table, say where the skill was and where it is now.

use fantoccini::{Client, Locator};

use super::conversation::Shots;
use super::growth::{MENTEE, MENTOR, People, days_ahead};
use super::{
    Side, click, eventually, fill, find, find_all, scroll_to_start, set_value, wait_for_path,
    wait_for_text,
};

const SKILL: &str = "Public speaking";
/// The mentee's own level, then the mentor's: the newest is where the mentee stands now.
const SELF_LEVEL: u8 = 2;
const MENTOR_LEVEL: u8 = 3;
const SELF_EVIDENCE: &str = "I presented the rewrite plan at stand-up, reading from notes.";
const MENTOR_EVIDENCE: &str = "Took the billing team's questions at the kick-off without notes.";
const SITUATION: &str = "The kick-off with the billing team on Tuesday.";
const BEHAVIOUR: &str = "You opened with what billing must never get wrong, then took \
                         questions one at a time and said when you did not know.";
const IMPACT: &str = "The team stopped defending the old service and started asking how \
                      they could help.";
/// Two lines: the first becomes the goal's title.
const SUGGESTION: &str = "Open the next design review with the decision you need\n\
                          Say it in one sentence before any slide.";
const SUGGESTION_TITLE: &str = "Open the next design review with the decision you need";
const REPLY: &str = "Thank you: I will try it at Thursday's review.";
/// The skills chart's section on the progress page.
const SKILLS: &str = "section[aria-labelledby=skills-heading]";
/// The form to assess a skill, on a Skills page (the skills listed have forms of their own).
const ASSESS: &str = "section[aria-labelledby=assess-heading] form";

/// The mentee assesses themself on the Skills page, reached from the navigation.
pub(super) async fn assess_myself(mentee: &Side, shots: &Shots) {
    let c = &mentee.c;
    mentee.open("/dashboard").await;
    click(c, "header nav a[href='/assessments']").await;
    wait_for_path(c, "/assessments").await;
    wait_for_text(c, "h1", "Skills").await;
    wait_for_text(
        c,
        "section[aria-labelledby=skills-heading]",
        "No skill assessed yet",
    )
    .await;
    fill(c, "#skill", SKILL).await;
    click(
        c,
        &format!("{ASSESS} input[name=level][value='{SELF_LEVEL}']"),
    )
    .await;
    fill(c, "#evidence", SELF_EVIDENCE).await;
    let share = find(c, Locator::Css(&format!("{ASSESS} input[name=share]"))).await;
    assert!(
        share.is_selected().await.expect("the share box's state"),
        "a self-assessment should be shared with mentors unless unticked"
    );
    click(c, &format!("{ASSESS} button[type=submit]")).await;
    wait_for_path(c, "/assessments").await;
    wait_for_text(
        c,
        ".alert.success",
        &format!("Your {SKILL} assessment is saved."),
    )
    .await;
    let listed = assessed(c).await;
    wait_for_text(c, &listed, &format!("level {SELF_LEVEL}")).await;
    wait_for_text(
        c,
        &format!("{listed} .meta"),
        &format!("self: {SELF_LEVEL}"),
    )
    .await;
    wait_for_text(c, "section[aria-labelledby=glance-heading]", SKILL).await;
    // Strengths and gaps side by side, their tops in line.
    let tops = c
        .execute(
            "return [...document.querySelectorAll('.glance .card')]\
               .map(e => Math.round(e.getBoundingClientRect().top));",
            vec![],
        )
        .await
        .expect("measure the glance cards");
    let tops: Vec<i64> = serde_json::from_value(tops).expect("the cards' tops");
    assert!(
        tops.len() == 2 && tops[0] == tops[1],
        "the glance cards should sit side by side, tops in line: {tops:?}"
    );
    click(c, &format!("{listed} details > summary")).await;
    wait_for_text(c, &format!("{listed} ol.history"), SELF_EVIDENCE).await;
    wait_for_text(c, &format!("{listed} ol.history"), "self-assessment").await;
    shots.take(mentee, "growth-skills", None).await;
    shots
        .take(mentee, "growth-skills-assessed", Some("#skills-heading"))
        .await;
}

/// The mentor gives feedback from the Feedback page, then assesses the mentee from the
/// mentee's progress page.
pub(super) async fn give_feedback(mentor: &Side, people: &People, shots: &Shots) {
    let c = &mentor.c;
    mentor.open("/dashboard").await;
    click(c, "header nav a[href='/feedback']").await;
    wait_for_path(c, "/feedback").await;
    wait_for_text(c, "h1", "Feedback").await;
    let to = find(c, Locator::Css("#give-to")).await;
    to.select_by_value(&people.mentorship)
        .await
        .expect("choose the mentorship");
    let chosen = find(c, Locator::Css("#give-to option:checked")).await;
    let label = chosen.text().await.expect("the chosen option's text");
    assert!(label.contains(MENTEE), "the feedback goes to {label:?}");
    fill(c, "#give-skill", SKILL).await;
    fill(c, "#give-situation", SITUATION).await;
    fill(c, "#give-behaviour", BEHAVIOUR).await;
    fill(c, "#give-impact", IMPACT).await;
    fill(c, "#give-suggestion", SUGGESTION).await;
    click(c, "form[action='/feedback'] button[type=submit]").await;
    wait_for_path(c, "/feedback").await;
    wait_for_text(
        c,
        ".alert.success",
        &format!("Your feedback is on its way to {MENTEE}."),
    )
    .await;
    let given = "section[aria-labelledby=given-heading] li.card";
    wait_for_text(c, given, &format!("To {MENTEE} on {SKILL}")).await;
    wait_for_text(c, given, "not yet acknowledged").await;
    wait_for_text(c, given, BEHAVIOUR).await;

    // The mentee's skills, from their progress page: the shared self-assessment, and the
    // form to add the mentor's own view.
    let progress = format!("/people/{}/progress", people.mentee);
    let skills = format!("/people/{}/assessments", people.mentee);
    mentor.open(&progress).await;
    click(c, &format!("{SKILLS} a[href='{skills}']")).await;
    wait_for_path(c, &skills).await;
    wait_for_text(c, "h1", &format!("Skills: {MENTEE}")).await;
    let listed = assessed(c).await;
    wait_for_text(
        c,
        &format!("{listed} .meta"),
        &format!("self: {SELF_LEVEL}"),
    )
    .await;
    fill(c, "#skill", SKILL).await;
    click(
        c,
        &format!("{ASSESS} input[name=level][value='{MENTOR_LEVEL}']"),
    )
    .await;
    fill(c, "#evidence", MENTOR_EVIDENCE).await;
    click(c, &format!("{ASSESS} button[type=submit]")).await;
    wait_for_path(c, &skills).await;
    wait_for_text(
        c,
        ".alert.success",
        &format!("Your assessment of {SKILL} is saved."),
    )
    .await;
    let listed = assessed(c).await;
    wait_for_text(c, &listed, &format!("level {MENTOR_LEVEL}")).await;
    let meta = format!("{listed} .meta");
    wait_for_text(c, &meta, &format!("First assessed at {SELF_LEVEL}")).await;
    wait_for_text(c, &meta, &format!("mentor: {MENTOR_LEVEL}")).await;
    shots
        .take(mentor, "growth-skills-mentor", Some("#skills-heading"))
        .await;
}

/// The mentee reads the feedback, acknowledges it with a reply and makes its suggestion a
/// goal; gives back the new goal's path.
pub(super) async fn take_feedback(mentee: &Side, shots: &Shots) -> String {
    let c = &mentee.c;
    mentee.open("/dashboard").await;
    click(c, "header nav a[href='/feedback']").await;
    wait_for_path(c, "/feedback").await;
    let received = "section[aria-labelledby=received-heading] li.card.feedback";
    wait_for_text(c, received, &format!("From {MENTOR} on {SKILL}")).await;
    let cards = find_all(c, received).await;
    assert_eq!(
        cards.len(),
        1,
        "the mentee should have one piece of feedback"
    );
    let id = cards[0]
        .attr("id")
        .await
        .expect("the card's id")
        .expect("the card has an id");
    let card = format!("li#{id}");
    let feedback = id.trim_start_matches("feedback-").to_owned();

    // Each part under its own heading, in order.
    let mut parts = Vec::new();
    for term in find_all(c, &format!("{card} dl.sbi dt")).await {
        let said = term
            .find(Locator::XPath("following-sibling::dd[1]"))
            .await
            .expect("a term's description")
            .text()
            .await
            .expect("the description's text");
        parts.push((term.text().await.expect("a term's text"), said));
    }
    let expected = [
        ("Situation", SITUATION),
        ("Behaviour", BEHAVIOUR),
        ("Impact", IMPACT),
        ("Suggestion", SUGGESTION),
    ];
    assert_eq!(parts.len(), expected.len(), "the card reads {parts:?}");
    for ((term, said), (want_term, want_said)) in parts.iter().zip(expected) {
        assert_eq!(term, want_term, "the card reads {parts:?}");
        // A line break may show as one; what matters is the words.
        assert_eq!(
            said.split_whitespace().collect::<Vec<_>>(),
            want_said.split_whitespace().collect::<Vec<_>>(),
            "the card's {term}"
        );
    }
    // The giver's line break stays: the first line is what a goal made from it is called.
    let suggestion = &parts[3].1;
    assert_eq!(
        suggestion.lines().collect::<Vec<_>>(),
        SUGGESTION.lines().collect::<Vec<_>>(),
        "the suggestion should keep its lines"
    );
    shots
        .take(mentee, "growth-feedback", Some("#received-heading"))
        .await;

    // Acknowledged with a word back: the form goes, the reply stays.
    fill(c, &format!("{card} input[name=reply]"), REPLY).await;
    click(
        c,
        &format!("{card} form[action='/feedback/{feedback}/acknowledge'] button[type=submit]"),
    )
    .await;
    wait_for_path(c, "/feedback").await;
    wait_for_text(c, ".alert.success", "Acknowledged: the giver can see it.").await;
    wait_for_text(c, &format!("{card} .meta"), "acknowledged").await;
    wait_for_text(c, &format!("{card} dl.sbi"), "Your reply").await;
    wait_for_text(c, &format!("{card} dl.sbi"), REPLY).await;
    assert!(
        find_all(c, &format!("{card} input[name=reply]"))
            .await
            .is_empty(),
        "the acknowledge form should be gone once acknowledged"
    );

    // The suggestion becomes a goal, titled by its first line.
    let to_goal = format!("form[action='/feedback/{feedback}/goal']");
    click(c, &format!("{card} details:has({to_goal}) > summary")).await;
    fill(
        c,
        &format!("#goal-measure-{feedback}"),
        "I open three reviews with the decision, and each ends with one.",
    )
    .await;
    set_value(c, &format!("#goal-date-{feedback}"), &days_ahead(60)).await;
    click(c, &format!("{to_goal} button[type=submit]")).await;
    let goal = eventually("the goal made from the suggestion", async || {
        let path = c.current_url().await.ok()?.path().to_owned();
        (path.starts_with("/goals/") && path.len() > "/goals/".len()).then_some(path)
    })
    .await;
    wait_for_path(c, &goal).await;
    wait_for_text(c, ".alert.success", "The suggestion is a goal now.").await;
    wait_for_text(c, "h1", SUGGESTION_TITLE).await;
    // The heading is the title, then the goal's status badge.
    let heading = find(c, Locator::Css("h1")).await;
    let heading = heading.text().await.expect("the goal's heading");
    let badge = find(c, Locator::Css("h1 .badge")).await;
    let badge = badge.text().await.expect("the goal's status");
    assert_eq!(
        heading.trim_end_matches(badge.as_str()).trim(),
        SUGGESTION_TITLE,
        "the goal should be titled by the suggestion's first line alone"
    );

    // The card says so, and offers it no more.
    mentee.open("/feedback").await;
    find(c, Locator::Css(&format!("{card} a[href='{goal}']"))).await;
    assert!(
        find_all(c, &format!("{card} {to_goal}")).await.is_empty(),
        "a suggestion becomes a goal once"
    );
    shots
        .take(
            mentee,
            "growth-feedback-answered",
            Some("#received-heading"),
        )
        .await;
    goal
}

/// The mentor reads the mentee's reply among the feedback they gave.
pub(super) async fn read_reply(mentor: &Side, shots: &Shots) {
    let c = &mentor.c;
    mentor.open("/feedback").await;
    let given = "section[aria-labelledby=given-heading] li.card";
    wait_for_text(c, given, &format!("To {MENTEE} on {SKILL}")).await;
    wait_for_text(c, given, &format!("Their reply: {REPLY}")).await;
    let text = find(c, Locator::Css(given))
        .await
        .text()
        .await
        .expect("the given feedback's text");
    assert!(
        text.contains("acknowledged") && !text.contains("not yet acknowledged"),
        "the mentor's card reads {text:?}"
    );
    shots
        .take(mentor, "growth-feedback-mentor", Some("#given-heading"))
        .await;
}

/// On the progress page open in `side`: the skills chart has bars for then and now, and its
/// data table (once opened) says the first assessment's level, then the newest's.
pub(super) async fn read_skills(side: &Side) {
    let c = &side.c;
    let who = side.who;
    find(c, Locator::Css(&format!("{SKILLS} figure.chart svg"))).await;
    let bars = find_all(c, &format!("{SKILLS} figure.chart svg rect.chart-bar")).await;
    assert_eq!(
        bars.len(),
        2,
        "{who}'s skills chart should have a bar for then and one for now (no target role)"
    );
    let table = format!("{SKILLS} details.chart-data table");
    click(c, &format!("{SKILLS} details.chart-data > summary")).await;
    let shown = find(c, Locator::Css(&table)).await;
    assert!(
        shown.is_displayed().await.expect("the table's visibility"),
        "{who}'s skills table did not open"
    );
    let columns: Vec<String> = {
        let mut texts = Vec::new();
        for th in find_all(c, &format!("{table} thead th")).await {
            texts.push(th.text().await.expect("a column's name"));
        }
        texts
    };
    assert_eq!(
        columns,
        ["Skill", "Then", "Now", "Target role"],
        "{who}'s skills table"
    );
    let rows = super::growth::table_rows(c, &table).await;
    println!("{who}'s skills table: {rows:?}");
    assert_eq!(
        rows,
        [(
            SKILL.to_owned(),
            vec![
                SELF_LEVEL.to_string(),
                MENTOR_LEVEL.to_string(),
                "none".to_owned()
            ]
        )],
        "{who}'s skills table"
    );
    scroll_to_start(c, SKILLS).await;
}

/// The listed skill card for [`SKILL`] on the Skills page open in `c`, as a selector.
async fn assessed(c: &Client) -> String {
    let cards = "section[aria-labelledby=skills-heading] ul > li.card";
    eventually(&format!("{SKILL} among the assessed skills"), async || {
        for li in c.find_all(Locator::Css(cards)).await.ok()? {
            if li.text().await.ok()?.contains(SKILL) {
                return Some(format!("li#{}", li.attr("id").await.ok()??));
            }
        }
        None
    })
    .await
}
