//! The request pages in a browser: asking from a mentor's page, offering to mentor, the
//! errors beside the form's fields, answering on the requests page without JavaScript (a
//! post and a redirect) and with htmx (the row swapped in place), and the switch that
//! turns requests on and off.

use axum::http::StatusCode;

use crate::pages::{Browser, csrf_of};
use crate::requests::{Who, mentee, mentor};
use crate::support::{PASSWORD, TestApp, api_tests};

async fn signed_in<'a>(app: &'a TestApp, name: &str) -> Browser<'a> {
    let mut browser = Browser::new(app);
    let email = format!("{}@example.org", name.to_lowercase());
    let done = browser.log_in(&email, PASSWORD).await;
    assert!(done.status.is_redirection(), "{}", done.text());
    browser
}

/// The id of the first request row on a requests page.
fn first_request_id(html: &str) -> String {
    let marker = "id=\"request-";
    let start = html.find(marker).expect("a request row") + marker.len();
    html[start..start + 36].to_owned()
}

async fn ask(
    browser: &mut Browser<'_>,
    to: &Who,
    fields: &[(&str, &str)],
) -> crate::support::TestResponse {
    let form = browser.get(&format!("/people/{}/ask", to.id)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    let csrf = csrf_of(&form.text());
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    browser.post(&format!("/people/{}/ask", to.id), &all).await
}

api_tests! {
    async fn a_mentee_asks_from_the_mentors_page_and_the_mentor_accepts_without_javascript(app) {
        let mina = mentor(app, "Mina", 2).await;
        mentee(app, "Ted").await;
        let mut ted = signed_in(app, "Ted").await;

        let page = ted.get(&format!("/people/{}", mina.id)).await.text();
        assert!(page.contains(&format!("href=\"/people/{}/ask\"", mina.id)), "{page}");
        assert!(!page.contains("Offer to mentor"), "Ted does not mentor");
        let form = ted.get(&format!("/people/{}/ask", mina.id)).await.text();
        assert!(form.contains("Ask Mina to mentor you"), "{form}");
        assert!(form.contains("value=\"public-speaking\"") && form.contains("value=\"rust\""), "the wanted skills to tick");
        assert!(form.contains("value=\"confidence\" checked"), "Ted's focus areas are ticked at first");

        // Every bad field is shown beside itself, and nothing is sent.
        let long = "x".repeat(2001);
        let refused = ask(&mut ted, &mina, &[("message", &long), ("cadence", "weekly"), ("duration_weeks", "many")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text();
        assert!(html.contains("id=\"duration_weeks-error\">must be a whole number of weeks"), "{html}");
        let refused = ask(&mut ted, &mina, &[("message", &long), ("cadence", "weekly"), ("duration_weeks", "0")]).await;
        let html = refused.text();
        assert!(html.contains("id=\"message-error\">must be at most 2000 characters"), "{html}");
        assert!(html.contains("id=\"duration_weeks-error\">must be from 1 to 104 weeks"), "{html}");
        assert!(html.contains("value=\"weekly\" checked"), "what was sent is kept");

        let sent = ask(&mut ted, &mina, &[
            ("message", "Could you help me speak at conferences?"),
            ("skills", "public-speaking"),
            ("focus_areas", "confidence"),
            ("cadence", "fortnightly"),
            ("duration_weeks", "10"),
        ]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
        assert_eq!(sent.header("location"), Some("/requests"));
        let mine = ted.get("/requests").await.text();
        assert!(mine.contains("on its way to Mina"), "the notice: {mine}");
        assert!(mine.contains("Your request to <a href=\"/people/"), "{mine}");
        assert!(mine.contains("Waiting for an answer"));

        let mut mina_browser = signed_in(app, "Mina").await;
        let theirs = mina_browser.get("/requests").await.text();
        assert!(theirs.contains("asks you to mentor them"), "{theirs}");
        assert!(theirs.contains("Public speaking") && theirs.contains("Every two weeks, for 10 weeks"), "{theirs}");
        assert!(theirs.contains("You are taking mentoring requests"), "a mentor sees the switch");
        let id = first_request_id(&theirs);
        let csrf = csrf_of(&theirs);
        let accepted = mina_browser.post(&format!("/requests/{id}/accept"), &[("_csrf", &csrf)]).await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.text());
        let after = mina_browser.get("/requests").await.text();
        assert!(after.contains("Your mentorship with Ted has begun"), "{after}");
        assert!(after.contains("Go to the mentorship"), "{after}");
        assert!(!after.contains(&format!("action=\"/requests/{id}/accept\"")), "no answer twice");

        // A second answer is refused on the page, with the reason above the lists.
        let again = mina_browser.post(&format!("/requests/{id}/decline"), &[("_csrf", &csrf), ("reason", "")]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(again.text().contains("no longer waiting for an answer"), "{}", again.text());
        // A request that is not theirs is not found.
        let page = ted.get("/requests").await.text();
        let other = ted.post(&format!("/requests/{}/withdraw", uuid::Uuid::now_v7()), &[("_csrf", &csrf_of(&page))]).await;
        assert_eq!(other.status, StatusCode::NOT_FOUND);
    }

    async fn with_htmx_an_answer_swaps_the_row_in_place(app) {
        let mina = mentor(app, "Mina", 2).await;
        let ted = mentee(app, "Ted").await;
        crate::requests::send(app, &ted, &mina).await;
        let mut browser = signed_in(app, "Mina").await;
        let page = browser.get("/requests").await.text();
        assert!(page.contains("hx-post=\"/requests/"), "{page}");
        let id = first_request_id(&page);
        let csrf = csrf_of(&page);
        browser.htmx = true;
        let row = browser
            .post(&format!("/requests/{id}/decline"), &[("_csrf", &csrf), ("reason", "Not this term, sorry.")])
            .await;
        assert_eq!(row.status, StatusCode::OK, "{}", row.text());
        let html = row.text();
        assert!(html.starts_with(&format!("<li class=\"card person-card request\" id=\"request-{id}\"")), "{html}");
        assert!(!html.contains("<html"), "a fragment, not a page");
        assert!(html.contains("Declined") && html.contains("You said: “Not this term, sorry.”"), "{html}");
        // Refused: the row as it stands, with why.
        let row = browser.post(&format!("/requests/{id}/accept"), &[("_csrf", &csrf)]).await;
        assert_eq!(row.status, StatusCode::OK);
        let html = row.text();
        assert!(html.contains("role=\"alert\">this request is no longer waiting for an answer"), "{html}");
    }

    async fn a_mentor_offers_to_mentor_from_the_persons_page(app) {
        mentor(app, "Mina", 2).await;
        let ted = mentee(app, "Ted").await;
        let mut mina = signed_in(app, "Mina").await;
        let page = mina.get(&format!("/people/{}", ted.id)).await.text();
        assert!(page.contains(&format!("href=\"/people/{}/ask?offer=1\"", ted.id)), "{page}");
        assert!(!page.contains(&format!("href=\"/people/{}/ask\"", ted.id)), "Ted does not mentor: {page}");
        let form = mina.get(&format!("/people/{}/ask?offer=1", ted.id)).await.text();
        assert!(form.contains("Offer to mentor Ted") && form.contains("name=\"offer\" value=\"1\""), "{form}");
        assert!(form.contains("From Ted's list of skills to grow"), "{form}");
        let csrf = csrf_of(&form);
        let sent = mina
            .post(&format!("/people/{}/ask", ted.id), &[("_csrf", &csrf), ("offer", "1"), ("skills", "rust"), ("cadence", "monthly"), ("duration_weeks", "20")])
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
        let mut ted_browser = signed_in(app, "Ted").await;
        let theirs = ted_browser.get("/requests").await.text();
        assert!(theirs.contains("offers to mentor you"), "{theirs}");
    }

    async fn asking_someone_who_cannot_be_asked_says_why(app) {
        let pat = mentee(app, "Pat").await;
        mentee(app, "Ted").await;
        let mut ted = signed_in(app, "Ted").await;
        let page = ted.get(&format!("/people/{}/ask", pat.id)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.text().contains("Pat does not mentor."), "{}", page.text());
        let page = ted.get(&format!("/people/{}/ask?offer=1", pat.id)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.text().contains("You do not mentor"), "{}", page.text());
        let nobody = ted.get(&format!("/people/{}/ask", uuid::Uuid::now_v7())).await;
        assert_eq!(nobody.status, StatusCode::NOT_FOUND);
    }

    async fn a_mentor_turns_requests_off_and_a_mentee_is_told_above_the_form(app) {
        let mina = mentor(app, "Mina", 2).await;
        mentee(app, "Ted").await;
        let mut mina_browser = signed_in(app, "Mina").await;
        let page = mina_browser.get("/requests").await.text();
        let off = mina_browser.post("/requests/accepting", &[("_csrf", &csrf_of(&page)), ("accepting", "false")]).await;
        assert_eq!(off.status, StatusCode::SEE_OTHER);
        let page = mina_browser.get("/requests").await.text();
        assert!(page.contains("You are not taking mentoring requests") && page.contains("Take requests again"), "{page}");

        let mut ted = signed_in(app, "Ted").await;
        let refused = ask(&mut ted, &mina, &[("cadence", "weekly"), ("duration_weeks", "4")]).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.text().contains("Mina is not taking requests right now"), "{}", refused.text());

        let on = mina_browser.post("/requests/accepting", &[("_csrf", &csrf_of(&page)), ("accepting", "true")]).await;
        assert_eq!(on.status, StatusCode::SEE_OTHER);
        let sent = ask(&mut ted, &mina, &[("cadence", "weekly"), ("duration_weeks", "4")]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
    }
}
