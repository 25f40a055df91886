//! Conversations through the API and the pages: only a thread's parties ever read or write
//! it, a request's thread goes on as its mentorship's, messages are rendered safely, the
//! 15-minute edit, tombstones, what closes a thread, unread counts, "seen" only when both
//! show it, pages by cursor, writing without JavaScript and with htmx, and the e-mail nudge.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;

use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, TestApp, api_tests};

const MINUTE: i64 = 60 * 1000;
const DAY: i64 = 24 * 60 * MINUTE;

/// A mentor and a mentee in a mentorship, and its thread.
struct Pair {
    mentor: String,
    mentee: String,
    mentor_id: String,
    mentee_id: String,
    mentorship: String,
    thread: String,
}

impl Pair {
    fn messages(&self) -> String {
        format!("/api/v1/threads/{}/messages", self.thread)
    }
}

async fn pair(app: &TestApp) -> Pair {
    let mentor = app
        .register_and_login("Mina Mentor", "mina@example.org")
        .await;
    let mentee = app
        .register_and_login("Ted Mentee", "ted@example.org")
        .await;
    let (mentor_id, mentee_id) = (app.id_of(&mentor).await, app.id_of(&mentee).await);
    let mentorship = app.mentorship_between(&mentor_id, &mentee_id).await;
    let shown = app
        .get(&format!("/api/v1/mentorships/{mentorship}"), Some(&mentee))
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text());
    let thread = shown.json()["thread_id"]
        .as_str()
        .expect("a mentorship has its thread")
        .to_owned();
    Pair {
        mentor,
        mentee,
        mentor_id,
        mentee_id,
        mentorship,
        thread,
    }
}

async fn write(app: &TestApp, p: &Pair, token: &str, body: &str) -> Value {
    let made = app
        .post_json(&p.messages(), json!({"body": body}), Some(token))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()
}

async fn page(app: &TestApp, p: &Pair, token: &str, query: &str) -> Value {
    let got = app
        .get(&format!("{}{query}", p.messages()), Some(token))
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    got.json()
}

fn bodies(page: &Value) -> Vec<String> {
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect()
}

/// The e-mails queued for a person: (subject, body).
async fn outbox(app: &TestApp, person: &str) -> Vec<(String, String)> {
    sqlx::query("SELECT subject, body FROM outbox WHERE person_id = $1 ORDER BY created_at, id")
        .bind(person)
        .fetch_all(app.app.db.reader())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("subject"), r.get("body")))
        .collect()
}

async fn make_mentor(app: &TestApp, token: &str) {
    let profile = json!({"is_mentor": true, "mentor_capacity": 5, "mentor_skills": [{"skill": "rust", "level": 4}]});
    let done = app
        .patch_json("/api/v1/me/profile", profile, Some(token))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
}

async fn ask(app: &TestApp, mentee: &str, mentor_id: &str) -> Value {
    let body = json!({"mentor_id": mentor_id, "cadence": "monthly", "duration_weeks": 6, "message": "Would you mentor me?"});
    let sent = app.post_json("/api/v1/requests", body, Some(mentee)).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
    sent.json()
}

api_tests! {
    async fn only_the_parties_read_or_write_a_thread_and_everyone_else_admins_included_gets_not_found(app) {
        let p = pair(app).await;
        let hello = write(app, &p, &p.mentee, "Hello, *mentor*").await;
        let message = hello["id"].as_str().unwrap().to_owned();
        let stranger = app.register_and_login("Sam Stranger", "sam@example.org").await;
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        // The parties of another mentorship, one of whom mentors in this one too.
        let other_mentee = app.register_and_login("Olga Other", "olga@example.org").await;
        let other_id = app.id_of(&other_mentee).await;
        let other = app.mentorship_between(&app.id_of(&stranger).await, &other_id).await;
        assert!(!other.is_empty());
        for token in [&stranger, &admin, &other_mentee] {
            app.get(&p.messages(), Some(token)).await.error(StatusCode::NOT_FOUND, "not_found");
            app.post_json(&p.messages(), json!({"body": "let me in"}), Some(token)).await
                .error(StatusCode::NOT_FOUND, "not_found");
            app.post_json(&format!("/api/v1/threads/{}/read", p.thread), json!({}), Some(token)).await
                .error(StatusCode::NOT_FOUND, "not_found");
            app.patch_json(&format!("/api/v1/messages/{message}"), json!({"body": "mine now"}), Some(token)).await
                .error(StatusCode::NOT_FOUND, "not_found");
            app.delete(&format!("/api/v1/messages/{message}"), Some(token)).await
                .error(StatusCode::NOT_FOUND, "not_found");
            app.post_json(&format!("/api/v1/messages/{message}/report"), json!({"reason": "spam"}), Some(token)).await
                .error(StatusCode::NOT_FOUND, "not_found");
            let theirs = app.get("/api/v1/threads", Some(token)).await.json();
            assert!(theirs["threads"].as_array().unwrap().iter().all(|t| t["id"] != p.thread.as_str()), "{theirs}");
        }
        app.get("/api/v1/threads/not-an-id/messages", Some(&p.mentee)).await.error(StatusCode::NOT_FOUND, "not_found");
        // The other party may read it but not change it.
        app.patch_json(&format!("/api/v1/messages/{message}"), json!({"body": "yours?"}), Some(&p.mentor)).await
            .error(StatusCode::FORBIDDEN, "forbidden");
        app.delete(&format!("/api/v1/messages/{message}"), Some(&p.mentor)).await
            .error(StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(bodies(&page(app, &p, &p.mentor, "").await), ["Hello, *mentor*"]);

        // The pages say the same: a stranger's browser is told there is no such thread.
        let mut browser = Browser::new(app);
        let login = browser.get("/login").await;
        let csrf = csrf_of(&login.text());
        browser.post("/login", &[("_csrf", &csrf), ("email", "sam@example.org"), ("password", PASSWORD), ("next", "/dashboard")]).await;
        let page = browser.get(&format!("/threads/{}", p.thread)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(!page.text().contains("Hello"));
    }

    async fn a_request_has_a_conversation_that_the_mentorship_continues_and_an_ended_request_keeps_it_readable(app) {
        let mentor = app.register_and_login("Mina Mentor", "mina@example.org").await;
        make_mentor(app, &mentor).await;
        let mentor_id = app.id_of(&mentor).await;
        let mentee = app.register_and_login("Ted Mentee", "ted@example.org").await;
        let request = ask(app, &mentee, &mentor_id).await;
        let thread = request["thread_id"].as_str().expect("a request has its thread").to_owned();
        let path = format!("/api/v1/threads/{thread}/messages");
        // The mentor asks a question before answering.
        let asked = app.post_json(&path, json!({"body": "What do you want to work on?"}), Some(&mentor)).await;
        assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text());
        let listed = app.get("/api/v1/threads", Some(&mentee)).await.json();
        assert_eq!(listed["threads"][0]["about"]["kind"], "request");
        assert_eq!(listed["threads"][0]["about"]["state"], "pending");
        assert_eq!(listed["threads"][0]["with"][0]["name"], "Mina Mentor");
        assert_eq!(listed["threads"][0]["unread"], 1);
        assert_eq!(listed["total_unread"], 1);
        let shown = app.get(&format!("/api/v1/requests/{}", request["id"].as_str().unwrap()), Some(&mentor)).await.json();
        assert_eq!(shown["thread_id"], thread.as_str());

        let accepted = app.post_json(&format!("/api/v1/requests/{}/accept", request["id"].as_str().unwrap()), json!({}), Some(&mentor)).await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
        let mentorship = accepted.json()["mentorship_id"].as_str().unwrap().to_owned();
        let m = app.get(&format!("/api/v1/mentorships/{mentorship}"), Some(&mentee)).await.json();
        assert_eq!(m["thread_id"], thread.as_str(), "the same conversation goes on");
        let answered = app.post_json(&path, json!({"body": "Leading a team"}), Some(&mentee)).await;
        assert_eq!(answered.status, StatusCode::CREATED, "{}", answered.text());
        let history = app.get(&path, Some(&mentor)).await.json();
        assert_eq!(bodies(&history), ["Leading a team", "What do you want to work on?"]);
        assert_eq!(history["thread"]["about"]["kind"], "mentorship");
        assert_eq!(history["thread"]["about"]["mentorship_id"], mentorship.as_str());

        // A declined request's conversation stays readable and takes no more messages.
        let second = app.register_and_login("Bo Mentee", "bo@example.org").await;
        let declined = ask(app, &second, &mentor_id).await;
        let second_path = format!("/api/v1/threads/{}/messages", declined["thread_id"].as_str().unwrap());
        app.post_json(&second_path, json!({"body": "Hi!"}), Some(&second)).await;
        app.post_json(&format!("/api/v1/requests/{}/decline", declined["id"].as_str().unwrap()), json!({}), Some(&mentor)).await;
        let refused = app.post_json(&second_path, json!({"body": "Why?"}), Some(&second)).await;
        let error = refused.error(StatusCode::CONFLICT, "thread_closed");
        assert!(error["message"].as_str().unwrap().contains("declined"), "{error}");
        let kept = app.get(&second_path, Some(&second)).await.json();
        assert_eq!(bodies(&kept), ["Hi!"]);
        assert_eq!(kept["thread"]["open"], false);
        assert_eq!(kept["thread"]["closed_reason"], "request_ended");
    }

    async fn a_message_with_a_script_a_javascript_link_and_raw_html_comes_back_as_text(app) {
        let p = pair(app).await;
        let body = "<script>alert('x')</script>\n\n[click](javascript:alert(1)) and <img src=x onerror=alert(2)> and <b>bold</b>, **real bold**, [ok](https://example.org)";
        let made = write(app, &p, &p.mentee, body).await;
        let html = made["html"].as_str().unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("<strong>real bold</strong>"), "{html}");
        assert!(html.contains("<a href=\"https://example.org\" rel=\"nofollow noopener\">ok</a>"), "{html}");
        assert_eq!(made["body"], body, "the source is kept as written");
        let read = page(app, &p, &p.mentor, "").await;
        assert_eq!(read["messages"][0]["html"], made["html"]);
        let too_long = app.post_json(&p.messages(), json!({"body": "x".repeat(4001)}), Some(&p.mentee)).await;
        too_long.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["body"]);
        let empty = app.post_json(&p.messages(), json!({"body": "  \n "}), Some(&p.mentee)).await;
        empty.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["body"]);
        assert_eq!(page(app, &p, &p.mentor, "").await["messages"].as_array().unwrap().len(), 1, "nothing else written");
    }

    async fn the_author_edits_a_message_in_its_first_fifteen_minutes_and_not_after(app) {
        let p = pair(app).await;
        let made = write(app, &p, &p.mentee, "See you Tusday").await;
        let path = format!("/api/v1/messages/{}", made["id"].as_str().unwrap());
        assert_eq!(made["can_edit"], true);
        let edited = app.patch_json(&path, json!({"body": "See you *Tuesday*"}), Some(&p.mentee)).await;
        assert_eq!(edited.status, StatusCode::OK, "{}", edited.text());
        let edited = edited.json();
        assert_eq!(edited["html"], "<p>See you <em>Tuesday</em></p>\n");
        assert!(edited["edited_at"].is_i64());
        app.patch_json(&path, json!({"body": ""}), Some(&p.mentee)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["body"]);
        sqlx::query("UPDATE messages SET created_at = created_at - $1 WHERE id = $2")
            .bind(16 * MINUTE)
            .bind(made["id"].as_str().unwrap())
            .execute(app.app.db.writer())
            .await
            .unwrap();
        app.patch_json(&path, json!({"body": "Too late"}), Some(&p.mentee)).await
            .error(StatusCode::CONFLICT, "edit_window_passed");
        let shown = page(app, &p, &p.mentee, "").await;
        assert_eq!(bodies(&shown), ["See you *Tuesday*"]);
        assert_eq!(shown["messages"][0]["can_edit"], false);
        assert_eq!(shown["messages"][0]["can_delete"], true, "deleting has no window");
    }

    async fn a_deleted_message_leaves_a_tombstone_and_its_text_is_gone_from_every_view(app) {
        let p = pair(app).await;
        let made = write(app, &p, &p.mentee, "My phone number is 555-0199").await;
        let id = made["id"].as_str().unwrap();
        let gone = app.delete(&format!("/api/v1/messages/{id}"), Some(&p.mentee)).await;
        assert_eq!(gone.status, StatusCode::OK, "{}", gone.text());
        let tombstone = gone.json();
        assert_eq!((tombstone["deleted"].clone(), tombstone["body"].clone(), tombstone["html"].clone()), (json!(true), json!(""), json!("")));
        let again = app.delete(&format!("/api/v1/messages/{id}"), Some(&p.mentee)).await;
        assert_eq!(again.status, StatusCode::OK, "deleting again changes nothing");
        for token in [&p.mentor, &p.mentee] {
            let read = app.get(&p.messages(), Some(token)).await.text();
            assert!(!read.contains("555-0199"), "{read}");
            let listed = app.get("/api/v1/threads", Some(token)).await;
            assert!(!listed.text().contains("555-0199"));
            assert_eq!(listed.json()["threads"][0]["last_message"]["deleted"], true);
        }
        assert_eq!(page(app, &p, &p.mentor, "").await["messages"][0]["deleted"], true);
        app.patch_json(&format!("/api/v1/messages/{id}"), json!({"body": "back"}), Some(&p.mentee)).await
            .error(StatusCode::CONFLICT, "message_deleted");
        app.post_json(&format!("/api/v1/messages/{id}/report"), json!({"reason": "spam"}), Some(&p.mentor)).await
            .error(StatusCode::CONFLICT, "message_deleted");
        let stored: String = sqlx::query("SELECT body FROM messages WHERE id = $1")
            .bind(id)
            .fetch_one(app.app.db.reader())
            .await
            .unwrap()
            .get("body");
        assert_eq!(stored, "", "not kept in the database either");

        let mut browser = Browser::new(app);
        let login = browser.get("/login").await;
        let csrf = csrf_of(&login.text());
        browser.post("/login", &[("_csrf", &csrf), ("email", "mina@example.org"), ("password", PASSWORD), ("next", "/dashboard")]).await;
        let shown = browser.get(&format!("/threads/{}", p.thread)).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.text().contains("Message deleted"));
        assert!(!shown.text().contains("555-0199"));
    }

    async fn a_block_the_end_of_a_mentorship_after_its_grace_and_an_admins_close_each_close_the_thread(app) {
        let p = pair(app).await;
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        write(app, &p, &p.mentee, "Hello").await;
        let blocked = app.put(&format!("/api/v1/me/blocks/{}", p.mentee_id), Some(&p.mentor)).await;
        assert_eq!(blocked.status, StatusCode::NO_CONTENT, "{}", blocked.text());
        for token in [&p.mentor, &p.mentee] {
            app.post_json(&p.messages(), json!({"body": "hello?"}), Some(token)).await
                .error(StatusCode::CONFLICT, "thread_closed");
            assert_eq!(page(app, &p, token, "").await["thread"]["closed_reason"], "blocked");
        }
        app.delete(&format!("/api/v1/me/blocks/{}", p.mentee_id), Some(&p.mentor)).await;
        write(app, &p, &p.mentee, "Unblocked").await;

        // Completed: the conversation takes messages for the grace period, then closes.
        let done = app.post_json(&format!("/api/v1/mentorships/{}/complete", p.mentorship), json!({}), Some(&p.mentor)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        write(app, &p, &p.mentee, "Thank you for everything!").await;
        let grace = app.app.policy.mentoring.thread_grace_ms;
        assert_eq!(grace, 14 * DAY);
        sqlx::query("UPDATE mentorships SET ended_at = ended_at - $1 WHERE id = $2")
            .bind(grace + MINUTE)
            .bind(&p.mentorship)
            .execute(app.app.db.writer())
            .await
            .unwrap();
        app.post_json(&p.messages(), json!({"body": "one more"}), Some(&p.mentor)).await
            .error(StatusCode::CONFLICT, "thread_closed");
        assert_eq!(page(app, &p, &p.mentor, "").await["thread"]["closed_reason"], "mentorship_ended");

        // An admin closes another conversation after a report.
        let q = {
            let mentor = app.register_and_login("Zed Mentor", "zed@example.org").await;
            let mentee = app.register_and_login("Yan Mentee", "yan@example.org").await;
            let (a, b) = (app.id_of(&mentor).await, app.id_of(&mentee).await);
            let id = app.mentorship_between(&a, &b).await;
            let thread = app.get(&format!("/api/v1/mentorships/{id}"), Some(&mentee)).await.json()["thread_id"].as_str().unwrap().to_owned();
            (mentor, mentee, thread)
        };
        let path = format!("/api/v1/threads/{}/messages", q.2);
        let rude = app.post_json(&path, json!({"body": "You are useless"}), Some(&q.0)).await.json();
        let report = app.post_json(&format!("/api/v1/messages/{}/report", rude["id"].as_str().unwrap()), json!({"reason": "harassment"}), Some(&q.1)).await;
        assert_eq!(report.status, StatusCode::CREATED, "{}", report.text());
        let acted = app.post_json(&format!("/api/v1/admin/reports/{}/actions", report.json()["id"].as_str().unwrap()), json!({"action": "close_thread", "note": "Cooling off"}), Some(&admin)).await;
        assert_eq!(acted.status, StatusCode::CREATED, "{}", acted.text());
        let refused = app.post_json(&path, json!({"body": "sorry"}), Some(&q.0)).await;
        let error = refused.error(StatusCode::CONFLICT, "thread_closed");
        assert!(error["message"].as_str().unwrap().contains("admin"), "{error}");
        let still = app.get(&path, Some(&q.1)).await.json();
        assert_eq!(still["thread"]["closed_reason"], "closed_by_admin");
        assert_eq!(bodies(&still), ["You are useless"], "still readable");
    }

    async fn unread_counts_show_per_thread_and_in_the_navigation_and_reading_clears_them(app) {
        let p = pair(app).await;
        write(app, &p, &p.mentee, "My own").await;
        assert_eq!(app.get("/api/v1/threads", Some(&p.mentor)).await.json()["total_unread"], 1);
        // Writing is reading: the mentor's replies leave nothing unread for them.
        for n in 1..=3 {
            write(app, &p, &p.mentor, &format!("Note {n}")).await;
        }
        assert_eq!(app.get("/api/v1/threads", Some(&p.mentor)).await.json()["total_unread"], 0);
        let listed = app.get("/api/v1/threads", Some(&p.mentee)).await.json();
        assert_eq!((listed["threads"][0]["unread"].clone(), listed["total_unread"].clone()), (json!(3), json!(3)));

        let mut browser = Browser::new(app);
        let login = browser.get("/login").await;
        let csrf = csrf_of(&login.text());
        browser.post("/login", &[("_csrf", &csrf), ("email", "ted@example.org"), ("password", PASSWORD), ("next", "/dashboard")]).await;
        let dashboard = browser.get("/dashboard").await.text();
        let badge = &dashboard[dashboard.find("id=\"unread-messages\"").expect("the messages badge")..];
        assert!(badge[..200.min(badge.len())].contains("<span class=\"count\">3<span class=\"visually-hidden\"> unread</span>"), "{dashboard}");
        let list = browser.get("/messages").await.text();
        assert!(list.contains("Mina Mentor") && list.contains("Note 3"), "{list}");
        let mentorship_page = browser.get(&format!("/mentorships/{}", p.mentorship)).await.text();
        assert!(mentorship_page.contains(&format!("/threads/{}", p.thread)), "the mentorship links its conversation");
        // Opening the thread marks it read, and shows what was new.
        let opened = browser.get(&format!("/threads/{}", p.thread)).await.text();
        assert_eq!(opened.matches("<span class=\"badge\">New</span>").count(), 3, "{opened}");
        let after = app.get("/api/v1/threads", Some(&p.mentee)).await.json();
        assert_eq!((after["threads"][0]["unread"].clone(), after["total_unread"].clone()), (json!(0), json!(0)));
        let after = browser.get("/dashboard").await.text();
        let badge = &after[after.find("id=\"unread-messages\"").expect("the messages badge")..];
        assert!(!badge[..120.min(badge.len())].contains("class=\"count\""), "{after}");

        write(app, &p, &p.mentor, "Another").await;
        let read = app.post_json(&format!("/api/v1/threads/{}/read", p.thread), json!({}), Some(&p.mentee)).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text());
        assert_eq!(read.json()["total_unread"], 0);
    }

    async fn seen_shows_on_ones_own_messages_only_when_both_have_it_on(app) {
        let p = pair(app).await;
        let mine = write(app, &p, &p.mentee, "Did you see this?").await;
        assert_eq!(mine["seen"], false);
        app.post_json(&format!("/api/v1/threads/{}/read", p.thread), json!({}), Some(&p.mentor)).await;
        let shown = page(app, &p, &p.mentee, "").await;
        assert_eq!(shown["messages"][0]["seen"], true);
        let theirs = page(app, &p, &p.mentor, "").await;
        assert!(theirs["messages"][0].get("seen").is_none(), "not on someone else's message");

        let off = app.raw(axum::http::Method::PUT, "/api/v1/me/messaging", "application/json", json!({"show_seen": false}).to_string(), Some(&p.mentor)).await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.text());
        assert_eq!(off.json()["show_seen"], false);
        let hidden = page(app, &p, &p.mentee, "").await;
        assert!(hidden["messages"][0].get("seen").is_none(), "the mentor hides it: nobody sees it");
        let back = app.raw(axum::http::Method::PUT, "/api/v1/me/messaging", "application/json", json!({"show_seen": true}).to_string(), Some(&p.mentor)).await;
        assert_eq!(back.status, StatusCode::OK);
        let off = app.raw(axum::http::Method::PUT, "/api/v1/me/messaging", "application/json", json!({"show_seen": false}).to_string(), Some(&p.mentee)).await;
        assert_eq!(off.status, StatusCode::OK);
        assert!(page(app, &p, &p.mentee, "").await["messages"][0].get("seen").is_none(), "turning it off hides it from oneself too");
        assert_eq!(app.get("/api/v1/me/messaging", Some(&p.mentee)).await.json()["show_seen"], false);
    }

    async fn messages_come_newest_first_in_pages_by_a_cursor(app) {
        let p = pair(app).await;
        for n in 1..=7 {
            write(app, &p, if n % 2 == 0 { &p.mentor } else { &p.mentee }, &format!("m{n}")).await;
        }
        let first = page(app, &p, &p.mentee, "?limit=3").await;
        assert_eq!(bodies(&first), ["m7", "m6", "m5"]);
        let cursor = first["next_before"].as_str().unwrap();
        let second = page(app, &p, &p.mentee, &format!("?limit=3&before={cursor}")).await;
        assert_eq!(bodies(&second), ["m4", "m3", "m2"]);
        let third = page(app, &p, &p.mentee, &format!("?limit=3&before={}", second["next_before"].as_str().unwrap())).await;
        assert_eq!(bodies(&third), ["m1"]);
        assert!(third["next_before"].is_null());
        assert_eq!(bodies(&page(app, &p, &p.mentee, "").await).len(), 7, "50 by default");
        app.get(&format!("{}?before=nope", p.messages()), Some(&p.mentee)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["before"]);
        app.get(&format!("{}?limit=0", p.messages()), Some(&p.mentee)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["limit"]);
        app.get(&format!("{}?limit=101", p.messages()), Some(&p.mentee)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["limit"]);
        // The page shows them oldest first, with older ones a link away.
        let since = app.app.messages_since(
            &app.app.viewer(p.mentee_id.parse().unwrap()).await.unwrap().unwrap(),
            Some(cursor.parse().unwrap()),
            100,
        ).await.unwrap();
        assert_eq!(since.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["m6", "m7"]);
    }

    async fn writing_works_as_a_plain_form_and_with_htmx_appending_in_place(app) {
        let p = pair(app).await;
        let mut browser = Browser::new(app);
        let login = browser.get("/login").await;
        let csrf = csrf_of(&login.text());
        browser.post("/login", &[("_csrf", &csrf), ("email", "ted@example.org"), ("password", PASSWORD), ("next", "/dashboard")]).await;
        let thread_page = browser.get(&format!("/threads/{}", p.thread)).await;
        assert_eq!(thread_page.status, StatusCode::OK);
        let csrf = csrf_of(&thread_page.text());
        let path = format!("/threads/{}/messages", p.thread);
        let posted = browser.post(&path, &[("_csrf", &csrf), ("body", "Sent *without* script")]).await;
        assert!(posted.status.is_redirection(), "{}", posted.text());
        assert!(posted.header("location").unwrap().starts_with(&format!("/threads/{}#message-", p.thread)));
        let shown = browser.get(&format!("/threads/{}", p.thread)).await.text();
        assert!(shown.contains("Sent <em>without</em> script"), "{shown}");

        let refused = browser.post(&path, &[("_csrf", &csrf), ("body", "   ")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("must not be empty"), "{}", refused.text());

        browser.htmx = true;
        let appended = browser.post(&path, &[("_csrf", &csrf), ("body", "Sent with htmx")]).await;
        assert_eq!(appended.status, StatusCode::CREATED, "{}", appended.text());
        let fragment = appended.text();
        assert!(fragment.starts_with("<li class=\"card message mine\""), "{fragment}");
        assert!(fragment.contains("Sent with htmx"));
        assert!(fragment.contains("id=\"message-form\"") && fragment.contains("hx-swap-oob=\"true\""), "the form comes back empty: {fragment}");
        assert!(!fragment.contains("<html"), "only the fragment");
        let problem = browser.post(&path, &[("_csrf", &csrf), ("body", &"x".repeat(4001))]).await;
        assert_eq!(problem.status, StatusCode::OK, "htmx swaps the form with its problem");
        assert!(problem.text().contains("must be at most 4000 characters"), "{}", problem.text());
        assert_eq!(bodies(&page(app, &p, &p.mentor, "").await).len(), 2);

        // Delete with htmx swaps the tombstone in; report and edit are plain forms.
        let mine = page(app, &p, &p.mentee, "").await["messages"][0]["id"].as_str().unwrap().to_owned();
        let tombstone = browser.post(&format!("/messages/{mine}/delete"), &[("_csrf", &csrf)]).await;
        assert_eq!(tombstone.status, StatusCode::OK);
        assert!(tombstone.text().contains("Message deleted"));
        browser.htmx = false;
        let theirs = write(app, &p, &p.mentor, "Buy my course!").await;
        let reported = browser.post(&format!("/messages/{}/report", theirs["id"].as_str().unwrap()), &[("_csrf", &csrf), ("reason", "spam"), ("comment", "")]).await;
        assert!(reported.status.is_redirection(), "{}", reported.text());
        let after = browser.get(reported.header("location").unwrap()).await.text();
        assert!(after.contains("The admins can now read this message"), "{after}");
    }

    async fn an_unread_message_is_emailed_after_ten_minutes_then_at_most_hourly_and_never_once_read(app) {
        let p = pair(app).await;
        let policy = app.app.policy.mentoring.clone();
        assert_eq!((policy.message_email_after_ms, policy.message_email_every_ms), (10 * MINUTE, 60 * MINUTE));
        let now = lodestar_store::now_ms();
        write(app, &p, &p.mentor, "Are you free on Tuesday?").await;
        assert_eq!(app.app.lifecycle_tick(now + 5 * MINUTE).await.unwrap().message_emails, 0, "not yet ten minutes");
        assert!(outbox(app, &p.mentee_id).await.is_empty());
        let at = now + 11 * MINUTE;
        // Two processes tick at once: one e-mail.
        let other = app.other_process();
        let (a, b) = tokio::join!(app.app.lifecycle_tick(at), other.app.lifecycle_tick(at));
        assert_eq!(a.unwrap().message_emails + b.unwrap().message_emails, 1);
        let sent = outbox(app, &p.mentee_id).await;
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].0, "Mina Mentor wrote to you on Lodestar");
        assert!(sent[0].1.contains(&format!("/threads/{}", p.thread)), "{}", sent[0].1);
        assert!(!sent[0].1.contains("Tuesday"), "the message itself stays on Lodestar");
        assert!(outbox(app, &p.mentor_id).await.is_empty(), "the author is not e-mailed");
        let inbox: i64 = sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE person_id = $1")
            .bind(&p.mentee_id).fetch_one(app.app.db.reader()).await.unwrap().get("n");
        assert_eq!(inbox, 0, "no inbox entry: unread messages have their own count");

        // A second message, written 20 minutes in: the hour since the e-mail holds it back.
        let second = write(app, &p, &p.mentor, "Or Wednesday?").await;
        sqlx::query("UPDATE messages SET created_at = $1 WHERE id = $2")
            .bind(now + 20 * MINUTE).bind(second["id"].as_str().unwrap())
            .execute(app.app.db.writer()).await.unwrap();
        assert_eq!(app.app.email_unread_messages(now + 31 * MINUTE).await.unwrap(), 0);
        assert_eq!(app.app.email_unread_messages(now + 70 * MINUTE).await.unwrap(), 0, "an hour after the first is 71 minutes");
        assert_eq!(app.app.email_unread_messages(now + 72 * MINUTE).await.unwrap(), 1);
        assert_eq!(outbox(app, &p.mentee_id).await.len(), 2);
        assert_eq!(app.app.email_unread_messages(now + 200 * MINUTE).await.unwrap(), 0, "nothing new since");

        // Read within ten minutes: no e-mail.
        write(app, &p, &p.mentor, "Thursday then").await;
        app.post_json(&format!("/api/v1/threads/{}/read", p.thread), json!({}), Some(&p.mentee)).await;
        assert_eq!(app.app.email_unread_messages(now + 300 * MINUTE).await.unwrap(), 0);

        // E-mail turned off for messages: none, though unread.
        let off = app.raw(axum::http::Method::PUT, "/api/v1/me/notification-preferences", "application/json", json!({"email": {"message_received": false}}).to_string(), Some(&p.mentor)).await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.text());
        write(app, &p, &p.mentee, "Thursday works").await;
        assert_eq!(app.app.email_unread_messages(now + 400 * MINUTE).await.unwrap(), 0);
        assert!(outbox(app, &p.mentor_id).await.is_empty());
        assert_eq!(outbox(app, &p.mentee_id).await.len(), 2);
    }
}
