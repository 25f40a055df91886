//! Conversations and booking, two people in two browsers. The mentee writes on the thread
//! page and the mentor's open page shows it without a reload, while the mentee's own page
//! shows it once; what the mentee writes is sanitised in the mentor's browser; the mentor
//! replies and the mentee's page shows it live; the mentor reports a message, which an
//! admin then reads; the mentee books one of the mentor's free slots, shown in the
//! mentee's time zone, and each of them sees the session in their own. Screenshots of
//! every page of conversations and booking, at desktop and at phone width.

use std::time::Duration;

use chrono::{DateTime, FixedOffset, Offset, Timelike};
use chrono_tz::Tz;
use fantoccini::{Client, Locator};
use serde_json::json;

use super::{
    Pair, Side, api, api_account, api_profile, api_token, assert_same_page, click, eventually,
    fill, find, log_in, log_out, mark_page, phone_screenshot, screenshot, scroll_to_start,
    scroll_to_top, unique, wait_for_path, wait_for_text,
};

const MENTOR_ZONE: &str = "Europe/London";
const MENTEE_ZONE: &str = "America/New_York";
const MENTOR: &str = "Mira Chat";
const MENTEE: &str = "Noah Chat";

/// How long a page is given, after a message has reached the other person's page, for a
/// second copy of it to arrive.
const SETTLE: Duration = Duration::from_millis(1500);

/// A message that tries every way of running script or styling that a message must not
/// have, beside the Markdown it may.
const RISKY: &str =
    "Some *emphasis*, `inline code` and a [safe link](https://example.com/rust-book).

- first point
- second point

[click](javascript:window.pwned=3) and <b>bold?</b>

<script>window.pwned=1</script>

<img src=x onerror=\"window.pwned=2\">";

pub(super) async fn journey(pair: Pair) {
    let Pair {
        mentee,
        mentor,
        database_url,
        screenshots,
    } = pair;
    let shots = Shots(screenshots);
    let people = set_up(&mentee, &mentor, &database_url).await;
    let thread = format!("/threads/{}", people.thread);

    // Both open the conversation.
    log_in(&mentor.c, &mentor.base, &people.mentor_email).await;
    log_in(&mentee.c, &mentee.base, &people.mentee_email).await;
    mentor.open(&thread).await;
    wait_for_text(&mentor.c, "h1", &format!("Conversation with {MENTEE}")).await;
    mentee.open(&thread).await;
    wait_for_text(&mentee.c, "h1", &format!("Conversation with {MENTOR}")).await;
    for side in [&mentor, &mentee] {
        assert_eq!(
            unread_messages(&side.c).await,
            "",
            "no message is unread yet"
        );
        mark_page(&side.c).await;
    }

    // The mentee writes; the mentor's open page shows it, and has read it there.
    let hello = "Hello Mira! Could we start with lifetimes?";
    write_live(&mentee, &mentor, hello, hello).await;
    for side in [&mentee, &mentor] {
        let empty = side
            .c
            .execute(
                "const p = document.getElementById('no-messages');\
                 return p !== null && getComputedStyle(p).display !== 'none';",
                vec![],
            )
            .await
            .expect("look for the empty thread's note");
        assert_eq!(
            empty,
            json!(false),
            "{}'s page still says it has no messages",
            side.who
        );
    }

    // What may not run does not, in either browser; the Markdown a message may have is
    // formatted.
    write_live(&mentee, &mentor, RISKY, "inline code").await;
    let risky = check_sanitised(&mentor).await;
    check_sanitised(&mentee).await;

    // The mentor replies; the mentee's open page shows it. The answer to the mentor's form
    // is held back, so that the live stream's copy reaches the mentor's page first.
    hold_form_answers(&mentor.c).await;
    let reply = "Lifetimes it is, Noah. **Bring** a borrow-checker error you met this week.";
    let replied = "borrow-checker error you met this week";
    write_live(&mentor, &mentee, reply, replied).await;
    shots
        .take(&mentor, "conv-thread", Some(&format!("#{risky}")))
        .await;

    // The mentor reports the risky message from its own form (which came with it live).
    click(
        &mentor.c,
        &format!("#{risky} details:has(form[action$='/report']) > summary"),
    )
    .await;
    find(
        &mentor.c,
        Locator::Css(&format!("#{risky} select[name=reason]")),
    )
    .await
    .select_by_value("inappropriate")
    .await
    .expect("choose a reason");
    fill(
        &mentor.c,
        &format!("#{risky} textarea[name=comment]"),
        "It tries to run a script in my browser.",
    )
    .await;
    click(
        &mentor.c,
        &format!("#{risky} form[action$='/report'] button[type=submit]"),
    )
    .await;
    wait_for_text(&mentor.c, ".alert.success", "The admins can now read").await;
    wait_for_path(&mentor.c, &thread).await;

    // Away from the thread, the mentee's navigation counts a message they have not opened,
    // live, and their list of conversations shows it.
    mentee.open("/dashboard").await;
    mark_page(&mentee.c).await;
    let later = "And see you on Monday.";
    mentor.write(later).await;
    wait_for_text(&mentee.c, "#unread-messages .count", "1").await;
    assert_same_page(&mentee.c).await;
    shots.take(&mentee, "conv-nav-badges", None).await;
    mentee.open("/messages").await;
    let listed = "ul.threads li.thread";
    wait_for_text(&mentee.c, listed, MENTOR).await;
    wait_for_text(&mentee.c, listed, later).await;
    wait_for_text(&mentee.c, &format!("{listed}.unread .count"), "1").await;
    shots.take(&mentee, "conv-messages", None).await;

    book(&mentee, &mentor, &people, &shots).await;

    // The mentor's free time as they set it.
    mentor.open("/account/availability").await;
    let zone = find(&mentor.c, Locator::Css("#time_zone")).await;
    assert_eq!(
        zone.prop("value").await.expect("the zone's value"),
        Some(MENTOR_ZONE.to_owned())
    );
    shots.take(&mentor, "book-availability", None).await;

    // An admin reads the report, and sees the mentor's one-off conversations offered.
    log_out(&mentee.c).await;
    log_in(&mentee.c, &mentee.base, &people.admin_email).await;
    mentee.open("/admin/reports").await;
    wait_for_text(
        &mentee.c,
        "article.report",
        "<script>window.pwned=1</script>",
    )
    .await;
    wait_for_text(&mentee.c, "article.report", "It tries to run a script").await;
    assert_harmless(&mentee.c, "the admin").await;
    shots
        .take(&mentee, "conv-admin-reports", Some("article.report"))
        .await;
    mentee.open(&format!("/people/{}", people.mentor)).await;
    wait_for_text(&mentee.c, "#one-off", "Book a one-off conversation").await;
    find(&mentee.c, Locator::Css("#one-off input[name=starts_at]")).await;
    shots.take(&mentee, "book-one-off", Some("#one-off")).await;
}

/// What the journey set up through the API.
struct People {
    mentor: String,
    mentor_email: String,
    mentee_email: String,
    admin_email: String,
    mentorship: String,
    thread: String,
}

/// A mentor in London with free time (some of it open to one-off conversations), a mentee
/// in New York mentored by them, and an admin.
async fn set_up(mentee: &Side, mentor: &Side, database_url: &str) -> People {
    let tag = unique();
    let mentor_email = format!("mira-{tag}@example.com");
    let mentee_email = format!("noah-{tag}@example.com");
    let admin_email = format!("ada-{tag}@example.com");
    let mentor_id = api_account(&mentor.base, MENTOR, &mentor_email).await;
    api_profile(
        &mentor.base,
        &mentor_email,
        json!({
            "is_mentor": true,
            "mentor_capacity": 2,
            "mentor_skills": [{"skill": "rust", "level": 5}],
            "time_zone": MENTOR_ZONE,
        }),
    )
    .await;
    api_account(&mentee.base, MENTEE, &mentee_email).await;
    api_profile(
        &mentee.base,
        &mentee_email,
        json!({
            "wants_mentor": true,
            "growth_skills": [{"skill": "rust", "level": 2}],
            "time_zone": MENTEE_ZONE,
        }),
    )
    .await;
    api_account(&mentee.base, "Ada Admin", &admin_email).await;
    grant_admin(database_url, &admin_email).await;

    let as_mentee = As::new(mentee, &mentee_email).await;
    let as_mentor = As::new(mentor, &mentor_email).await;
    let ask = json!({"mentor_id": mentor_id, "cadence": "weekly", "duration_weeks": 8});
    let request = as_mentee.call("POST", "/api/v1/requests", &ask, 201).await;
    let accept = format!("/api/v1/requests/{}/accept", text(&request["id"]));
    let accepted = as_mentor.call("POST", &accept, &json!({}), 200).await;
    let mentorship = text(&accepted["mentorship_id"]);
    let shown = format!("/api/v1/mentorships/{mentorship}");
    let thread = text(&as_mentee.call("GET", &shown, &json!(null), 200).await["thread_id"]);

    // Weekdays 09:00–11:00, and Tuesday and Thursday afternoons for one-off conversations;
    // a day off in three weeks.
    let mut weekly: Vec<_> = ["mon", "tue", "wed", "thu", "fri"]
        .iter()
        .map(|day| json!({"day": day, "from": "09:00", "to": "11:00"}))
        .collect();
    for day in ["tue", "thu"] {
        weekly.push(json!({"day": day, "from": "14:00", "to": "16:00", "one_off": true}));
    }
    let day_off = (chrono::Utc::now() + chrono::Duration::days(21))
        .format("%Y-%m-%d")
        .to_string();
    let availability = json!({
        "time_zone": MENTOR_ZONE,
        "weekly": weekly,
        "exceptions": [{"kind": "off", "date": day_off}],
        "min_notice_hours": 2,
        "buffer_minutes": 15,
        "durations": [30, 45, 60],
        "busy_calendar_url": null,
        "one_off_monthly_limit": 4,
    });
    as_mentor
        .call("PUT", "/api/v1/me/availability", &availability, 200)
        .await;
    People {
        mentor: mentor_id,
        mentor_email,
        mentee_email,
        admin_email,
        mentorship,
        thread,
    }
}

/// Someone signed in through the API, on their side's server.
pub(super) struct As<'a> {
    side: &'a Side,
    token: String,
}

impl<'a> As<'a> {
    pub(super) async fn new(side: &'a Side, email: &str) -> As<'a> {
        let token = api_token(&side.base, email).await;
        As { side, token }
    }

    /// A JSON request that must be answered with `status`; the answer's body.
    pub(super) async fn call(
        &self,
        method: &str,
        path: &str,
        body: &serde_json::Value,
        status: u16,
    ) -> serde_json::Value {
        let (got, answer) = api(&self.side.base, method, path, Some(&self.token), body).await;
        assert_eq!(
            got, status,
            "{method} {path} as {}: {answer}",
            self.side.who
        );
        answer
    }
}

pub(super) fn text(value: &serde_json::Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string, not {value}"))
        .to_owned()
}

/// `lodestar admin grant`, as an operator makes an admin.
pub(super) async fn grant_admin(database_url: &str, email: &str) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_lodestar"));
    command
        .args(["admin", "grant", "--email", email])
        .args(["--database-url", database_url])
        .env("LODESTAR_LOG", "warn");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the admin command's task")
        .expect("run lodestar admin grant");
    assert!(
        output.status.success(),
        "lodestar admin grant failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The mentee books the first free slot on the mentorship's page, shown in their zone;
/// both see the session, each in their own zone.
async fn book(mentee: &Side, mentor: &Side, people: &People, shots: &Shots) {
    let mentorship = format!("/mentorships/{}", people.mentorship);
    mentee.open(&mentorship).await;
    wait_for_text(
        &mentee.c,
        "#book",
        &format!("in your time zone ({MENTEE_ZONE})"),
    )
    .await;
    let slot = find(&mentee.c, Locator::Css("#book ul.slots form")).await;
    let starts_at = slot
        .find(Locator::Css("input[name=starts_at]"))
        .await
        .expect("the slot's start")
        .attr("value")
        .await
        .expect("the start's value")
        .expect("a start");
    let button = slot
        .find(Locator::Css("button.slot"))
        .await
        .expect("the slot's button");
    let label = button.text().await.expect("the slot's label");
    let start = DateTime::parse_from_rfc3339(&starts_at)
        .unwrap_or_else(|err| panic!("the slot's start {starts_at:?}: {err}"));
    let for_mentee = local(start, MENTEE_ZONE);
    let for_mentor = local(start, MENTOR_ZONE);
    assert_eq!(
        start.offset().fix(),
        for_mentee.offset().fix(),
        "the slot {starts_at} is not written in the mentee's zone"
    );
    assert!(
        label.ends_with(&for_mentee.format("%H:%M").to_string()),
        "the slot at {starts_at} reads {label:?}"
    );
    // The first free time is in one of the mentor's windows, 09:00–11:00 or (Tuesday and
    // Thursday) 14:00–16:00, in their zone.
    assert!(
        [9, 10, 14, 15].contains(&for_mentor.hour()),
        "the first slot, {for_mentor}, is outside the mentor's windows"
    );
    shots.take(mentee, "book-mentorship", Some("#book")).await;

    button.click().await.expect("book the slot");
    let session = eventually("the booked session's page", async || {
        let path = mentee.c.current_url().await.ok()?.path().to_owned();
        (path.starts_with("/sessions/") && path.len() > "/sessions/".len()).then_some(path)
    })
    .await;
    wait_for_path(&mentee.c, &session).await;
    wait_for_text(&mentee.c, ".alert.success", "Booked:").await;
    let mentee_when = when(&for_mentee, MENTEE_ZONE);
    wait_for_text(&mentee.c, "h1", &mentee_when).await;
    shots.take(mentee, "book-session", None).await;
    mentee.open(&format!("{mentorship}/sessions")).await;
    wait_for_text(&mentee.c, "main", &mentee_when).await;

    mentor.open(&format!("{mentorship}/sessions")).await;
    wait_for_text(&mentor.c, "main", &when(&for_mentor, MENTOR_ZONE)).await;
    find(
        &mentor.c,
        Locator::Css(&format!("main a[href='{session}']")),
    )
    .await;
    shots.take(mentor, "book-mentor-sessions", None).await;
}

fn local(at: DateTime<FixedOffset>, zone: &str) -> DateTime<Tz> {
    at.with_timezone(&zone.parse::<Tz>().expect("a time zone"))
}

/// A session's time as the pages write it: "Tue 8 Dec 2026, 09:00 (Europe/London)".
fn when(at: &DateTime<Tz>, zone: &str) -> String {
    format!("{} ({zone})", at.format("%a %-d %b %Y, %H:%M"))
}

impl Side {
    /// Writes `body` in the open thread page's form and sends it.
    async fn write(&self, body: &str) {
        fill(&self.c, "#message-form textarea[name=body]", body).await;
        click(&self.c, "#message-form button[type=submit]").await;
    }
}

/// `from` writes `body` in the thread page's form and sends it. Their page shows it as
/// `shows` with the form empty again; `to`'s open page shows it without a reload and, open
/// on the thread, has read it: neither navigation counts it; and each page shows it once,
/// neither page reloaded.
async fn write_live(from: &Side, to: &Side, body: &str, shows: &str) {
    from.write(body).await;
    let field = "#message-form textarea[name=body]";
    wait_for_text(&from.c, "#message-list", shows).await;
    eventually("the message form to be empty again", async || {
        let value = from
            .c
            .find(Locator::Css(field))
            .await
            .ok()?
            .prop("value")
            .await;
        value.ok()??.is_empty().then_some(())
    })
    .await;
    wait_for_text(&to.c, "#message-list", shows).await;
    // The form's answer and the live stream both bring the author's own message: give a
    // second copy time to arrive (and the reader's page time to mark it read).
    tokio::time::sleep(SETTLE).await;
    for side in [from, to] {
        assert_eq!(
            unread_messages(&side.c).await,
            "",
            "{}'s navigation counts a message of the open thread",
            side.who
        );
        let shown = side
            .c
            .execute(
                "return [...document.querySelectorAll('#message-list > li')]\
                 .filter(li => li.textContent.includes(arguments[0])).length",
                vec![json!(shows)],
            )
            .await
            .expect("count the messages");
        assert_eq!(
            shown,
            json!(1),
            "{}'s page shows {shows:?} {shown} times",
            side.who
        );
        assert_same_page(&side.c).await;
    }
}

/// Holds back, by a second, the answers to the page's own requests (htmx's), so that the
/// live stream's copy of a message written in the page arrives before the form's answer.
async fn hold_form_answers(c: &Client) {
    c.execute(
        "const send = XMLHttpRequest.prototype.send;\
         XMLHttpRequest.prototype.send = function (body) {\
           const onload = this.onload;\
           if (onload) { this.onload = e => setTimeout(() => onload.call(this, e), 1000); }\
           return send.call(this, body);\
         };\
         return true;",
        vec![],
    )
    .await
    .expect("hold back the form's answers");
}

/// The navigation's count of unread messages ("" when none).
async fn unread_messages(c: &Client) -> String {
    find(c, Locator::Css("#unread-messages"))
        .await
        .text()
        .await
        .expect("the messages badge")
        .trim()
        .to_owned()
}

/// No script of a message ran in the page and no `javascript:` link is left in it.
async fn assert_harmless(c: &Client, who: &str) {
    let found = c
        .execute(
            "return [typeof window.pwned, \
             document.querySelectorAll(\"a[href^='javascript' i]\").length]",
            vec![],
        )
        .await
        .expect("look for what ran");
    assert_eq!(
        found,
        json!(["undefined", 0]),
        "in {who}'s page: [typeof window.pwned, javascript: links]"
    );
}

/// Checks [`RISKY`] as `side`'s page shows it, and gives back its element's id.
async fn check_sanitised(side: &Side) -> String {
    let (c, who) = (&side.c, side.who);
    let facts = eventually(&format!("the risky message in {who}'s page"), async || {
        let facts = c
            .execute(
                "const li = [...document.querySelectorAll('#message-list > li')]\
                 .find(li => li.textContent.includes('inline code'));\
                 if (!li) return null;\
                 const body = li.querySelector('.message-body');\
                 const safe = body.querySelector(\"a[href='https://example.com/rust-book']\");\
                 return {\
                   id: li.id,\
                   text: body.innerText,\
                   elements: [...body.querySelectorAll('script, img, b, iframe, style')]\
                     .map(e => e.tagName),\
                   handlers: [...body.querySelectorAll('*')]\
                     .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,\
                   em: body.querySelector('em')?.textContent,\
                   code: body.querySelector('code')?.textContent,\
                   items: body.querySelectorAll('ul > li').length,\
                   rel: safe?.getAttribute('rel'),\
                 };",
                vec![],
            )
            .await
            .ok()?;
        (!facts.is_null()).then_some(facts)
    })
    .await;
    let text = facts["text"].as_str().unwrap_or_default();
    for shown in [
        "<script>window.pwned=1</script>",
        "<b>bold?</b>",
        "onerror=",
    ] {
        assert!(
            text.contains(shown),
            "{who}'s page does not show {shown:?} as text: {facts}"
        );
    }
    assert_eq!(facts["elements"], json!([]), "{who}'s page: {facts}");
    assert_eq!(facts["handlers"], json!(0), "{who}'s page: {facts}");
    assert_eq!(facts["em"], json!("emphasis"), "{who}'s page: {facts}");
    assert_eq!(facts["code"], json!("inline code"), "{who}'s page: {facts}");
    assert_eq!(facts["items"], json!(2), "{who}'s page: {facts}");
    let rel = facts["rel"].as_str().unwrap_or_default();
    assert!(
        rel.contains("nofollow") && rel.contains("noopener"),
        "{who}'s page: the https link's rel is {rel:?}"
    );
    let id = facts["id"].as_str().expect("the message's id").to_owned();
    assert_harmless(c, who).await;

    // Whatever became of the javascript: link, following it runs nothing.
    let message = find(c, Locator::Css(&format!("#{id}"))).await;
    if let Ok(link) = message.find(Locator::LinkText("click")).await {
        link.click().await.expect("click the link");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_same_page(c).await;
    }
    assert_harmless(c, who).await;
    id
}

/// Whether this run keeps screenshots (one run of the journey is enough).
pub(super) struct Shots(pub(super) bool);

impl Shots {
    /// The page as the screenshots `<name>` (desktop) and `<name>-phone`, scrolled to
    /// `focus` if given.
    pub(super) async fn take(&self, side: &Side, name: &str, focus: Option<&str>) {
        if !self.0 {
            return;
        }
        match focus {
            Some(css) => scroll_to_start(&side.c, css).await,
            None => scroll_to_top(&side.c).await,
        }
        screenshot(&side.c, name).await;
        phone_screenshot(&side.c, &format!("{name}-phone"), focus).await;
    }
}
