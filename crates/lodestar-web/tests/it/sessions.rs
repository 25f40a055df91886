//! Sessions and tokens: visitors cost no session row, viewing pages writes nothing, ended
//! sessions stay ended, a password change ends everything else, people see and end their
//! sessions, cookies and headers over https, the setup link, and housekeeping.

use axum::http::StatusCode;
use lodestar_app::accounts::Registration;
use lodestar_app::housekeeping::Housekeeping;
use lodestar_store::sessions;
use serde_json::json;
use sqlx::Row;

use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, TestApp, api_tests};

async fn session_rows(app: &TestApp) -> i64 {
    sessions::count(&app.app.db).await.unwrap()
}

/// `(data, expires_at, last_seen_at)` of the only session row.
async fn the_session_row(app: &TestApp) -> (String, i64, i64) {
    let row = sqlx::query("SELECT data, expires_at, last_seen_at FROM sessions")
        .fetch_one(app.app.db.reader())
        .await
        .unwrap();
    (
        row.get("data"),
        row.get("expires_at"),
        row.get("last_seen_at"),
    )
}

async fn personal_token(app: &TestApp, token: &str) -> String {
    let created = app
        .post_json("/api/v1/me/tokens", json!({"name": "CI"}), Some(token))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(
        created.header("cache-control"),
        Some("no-store"),
        "the answer carries a secret"
    );
    created.json()["token_secret"].as_str().unwrap().to_owned()
}

api_tests! {
    async fn visitors_viewing_and_failing_forms_add_no_session_rows(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let mut visitor = Browser::new(app);
        for _ in 0..3 {
            for path in ["/", "/login", "/register", "/login?next=%2Fpeople", "/people", "/api/docs"] {
                let page = visitor.get(path).await;
                assert!(page.status.is_success() || page.status.is_redirection(), "{path}: {}", page.status);
            }
        }
        let form = visitor.get("/login").await;
        assert!(visitor.session().is_none(), "no session cookie for a visitor");
        let wrong = visitor
            .post("/login", &[("_csrf", &csrf_of(&form.text())), ("email", "ada@example.org"), ("password", "wrong-password-1")])
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.text());
        let bad = visitor.post("/register", &[("_csrf", &csrf_of(&wrong.text())), ("name", ""), ("email", "x"), ("password", "")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text());
        assert_eq!(session_rows(app).await, 0);

        visitor.log_in("ada@example.org", PASSWORD).await;
        assert_eq!(session_rows(app).await, 1, "signing in makes the first row");
    }

    async fn a_visitors_form_token_works_only_with_the_cookie_it_was_issued_for(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let mut mallory = Browser::new(app);
        let mallorys_token = csrf_of(&mallory.get("/login").await.text());
        assert!(mallory.cookies.contains_key("lodestar_form"), "{:?}", mallory.cookies);

        // Another site can get a token of its own, but the victim's browser has another
        // nonce (or none): the token is refused, so nobody is logged in to Mallory's account.
        let mut victim = Browser::new(app);
        let no_cookie = victim.post("/login", &[("_csrf", &mallorys_token), ("email", "ada@example.org"), ("password", PASSWORD)]).await;
        assert_eq!(no_cookie.status, StatusCode::FORBIDDEN);
        victim.get("/register").await;
        let other_cookie = victim.post("/login", &[("_csrf", &mallorys_token), ("email", "ada@example.org"), ("password", PASSWORD)]).await;
        assert_eq!(other_cookie.status, StatusCode::FORBIDDEN);
        let forged = victim.post("/login", &[("_csrf", "4102444800000.AAAA"), ("email", "ada@example.org"), ("password", PASSWORD)]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert!(victim.session().is_none());

        // Two tabs of one browser share the cookie, so both forms work.
        let mut ada = Browser::new(app);
        let first_tab = csrf_of(&ada.get("/login").await.text());
        let second_tab = csrf_of(&ada.get("/register").await.text());
        assert_eq!(ada.cookies.len(), 1);
        let _ = second_tab;
        let signed_in = ada.post("/login", &[("_csrf", &first_tab), ("next", "/dashboard"), ("email", "ada@example.org"), ("password", PASSWORD)]).await;
        assert_eq!(signed_in.header("location"), Some("/dashboard"), "{}", signed_in.text());

        // Another server process on the same database accepts the form too.
        let other = app.other_process();
        let mut elsewhere = Browser::new(&other);
        let token = csrf_of(&elsewhere.get("/login").await.text());
        let mut back_here = Browser::new(app);
        back_here.cookies = elsewhere.cookies.clone();
        let accepted = back_here.post("/login", &[("_csrf", &token), ("email", "ada@example.org"), ("password", PASSWORD)]).await;
        assert!(accepted.status.is_redirection(), "{}: {}", accepted.status, accepted.text());
    }

    async fn signing_in_rotates_the_csrf_token_and_the_session_id(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let mut browser = Browser::new(app);
        let before_token = csrf_of(&browser.get("/login").await.text());
        browser.log_in("ada@example.org", PASSWORD).await;
        let first_session = browser.session().expect("signed in");
        let dashboard = browser.get("/dashboard").await.text();
        let signed_in_token = csrf_of(&dashboard);
        assert_ne!(signed_in_token, before_token);

        // The visitor's token is no good once signed in: only the session's is.
        let stale = browser.post("/account/sessions/revoke-all", &[("_csrf", &before_token)]).await;
        assert_eq!(stale.status, StatusCode::FORBIDDEN);

        // Signing in again, on the same browser, makes a new id and a new token.
        let again = browser.post("/login", &[("_csrf", &signed_in_token), ("email", "ada@example.org"), ("password", PASSWORD)]).await;
        assert!(again.status.is_redirection(), "{}", again.text());
        assert_ne!(browser.session().unwrap(), first_session);
        let new_token = csrf_of(&browser.get("/dashboard").await.text());
        assert_ne!(new_token, signed_in_token);
        let old = browser.post("/logout", &[("_csrf", &signed_in_token)]).await;
        assert_eq!(old.status, StatusCode::FORBIDDEN, "the old token ended with the old session");
        assert_eq!(session_rows(app).await, 1, "the old session row is gone");
    }

    async fn viewing_pages_writes_the_session_only_when_it_was_not_seen_lately(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let mut browser = Browser::new(app);
        browser.log_in("ada@example.org", PASSWORD).await;
        browser.get("/dashboard").await;
        let before = the_session_row(app).await;
        for path in ["/dashboard", "/profile", "/people", "/account/password", "/tokens", "/account/sessions", "/"] {
            let page = browser.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert!(page.header("set-cookie").is_none(), "{path} sets no cookie: nothing was saved");
        }
        assert_eq!(the_session_row(app).await, before, "no page view wrote the session");

        // Ten minutes later the next page view marks it seen, once.
        let (data, _, _) = before.clone();
        let mut data: serde_json::Value = serde_json::from_str(&data).unwrap();
        data["seen_at"] = json!(lodestar_store::now_ms() - 10 * 60 * 1000);
        sqlx::query("UPDATE sessions SET data = $1, last_seen_at = last_seen_at - 600000, expires_at = expires_at - 600000")
            .bind(data.to_string())
            .execute(app.app.db.writer())
            .await
            .unwrap();
        let stale = the_session_row(app).await;
        let page = browser.get("/dashboard").await;
        assert!(page.header("set-cookie").is_some(), "the refreshed expiry goes to the cookie too");
        let refreshed = the_session_row(app).await;
        assert!(refreshed.1 > stale.1, "idle expiry pushed forward");
        assert!(refreshed.2 > stale.2, "last seen updated");
        browser.get("/profile").await;
        assert_eq!(the_session_row(app).await, refreshed, "and not again right away");
    }

    async fn a_password_change_on_the_page_ends_other_sessions_and_every_token_unless_kept(app) {
        let api = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let personal = personal_token(app, &api).await;
        let mut here = Browser::new(app);
        let mut elsewhere = Browser::new(app);
        here.log_in("ada@example.org", PASSWORD).await;
        elsewhere.log_in("ada@example.org", PASSWORD).await;

        let form = here.get("/account/password").await.text();
        assert!(form.contains("name=\"keep_api_tokens\""), "{form}");
        let changed = here
            .post("/account/password", &[("_csrf", &csrf_of(&form)), ("current_password", PASSWORD), ("new_password", "a-brand-new-passphrase-7"), ("confirm_password", "a-brand-new-passphrase-7"), ("keep_api_tokens", "true")])
            .await;
        assert!(changed.status.is_redirection(), "{}", changed.text());
        assert_eq!(here.get("/dashboard").await.status, StatusCode::OK);
        assert!(elsewhere.get("/dashboard").await.status.is_redirection());
        app.get("/api/v1/me", Some(&api)).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        assert_eq!(app.get("/api/v1/me", Some(&personal)).await.status, StatusCode::OK, "kept on request");

        let form = here.get("/account/password").await.text();
        let changed = here
            .post("/account/password", &[("_csrf", &csrf_of(&form)), ("current_password", "a-brand-new-passphrase-7"), ("new_password", "another-new-passphrase-8"), ("confirm_password", "another-new-passphrase-8")])
            .await;
        assert!(changed.status.is_redirection(), "{}", changed.text());
        app.get("/api/v1/me", Some(&personal)).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        assert_eq!(here.get("/dashboard").await.status, StatusCode::OK, "the browser that changed it stays");
    }

    async fn a_password_change_through_the_api_revokes_personal_tokens_by_default(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let personal = personal_token(app, &token).await;
        let mut browser = Browser::new(app);
        browser.log_in("ada@example.org", PASSWORD).await;
        let changed = app
            .post_json("/api/v1/me/password", json!({"current_password": PASSWORD, "new_password": "a-brand-new-passphrase-7"}), Some(&personal))
            .await;
        assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text());
        for t in [&token, &personal] {
            app.get("/api/v1/me", Some(t)).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        }
        assert!(browser.get("/dashboard").await.status.is_redirection(), "every browser is signed out");
        assert_eq!(session_rows(app).await, 0);
    }

    async fn people_list_their_sessions_and_end_one_or_all(app) {
        let api = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let bob = app.register_and_login("Bob Babbage", "bob@example.org").await;
        let personal = personal_token(app, &api).await;
        let mut laptop = Browser::new(app);
        let mut phone = Browser::new(app);
        laptop.log_in("ada@example.org", PASSWORD).await;
        phone.log_in("ada@example.org", PASSWORD).await;

        let listed = app.get("/api/v1/me/sessions", Some(&api)).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
        let listed = listed.json();
        let list = listed.as_array().unwrap();
        assert_eq!(list.len(), 2, "{listed}");
        assert_eq!(list[0]["device"], "Firefox on Linux");
        assert_eq!(list[0]["address"], "local");
        assert_eq!(list[0]["current"], false);
        assert!(list[0]["last_seen_at"].as_i64().unwrap() >= list[0]["created_at"].as_i64().unwrap());
        assert_eq!(app.get("/api/v1/me/sessions", Some(&bob)).await.json(), json!([]));

        let page = laptop.get("/account/sessions").await.text();
        assert!(page.contains("this browser"), "{page}");
        assert!(page.contains("Firefox on Linux"), "{page}");
        assert!(!page.contains(&laptop.session().unwrap()), "the cookie's secret is never shown");
        assert!(laptop.get("/dashboard").await.text().contains("href=\"/account/sessions\""), "linked from the menu");

        // Bob cannot end Ada's sessions; Ada ends the phone's from the laptop's page.
        for s in list {
            let id = s["id"].as_str().unwrap();
            app.delete(&format!("/api/v1/me/sessions/{id}"), Some(&bob)).await.error(StatusCode::NOT_FOUND, "not_found");
        }
        let csrf = csrf_of(&page);
        let own_row = page.split("this browser").nth(1).unwrap();
        let own_id = own_row.split("/account/sessions/").nth(1).unwrap().split('/').next().unwrap().to_owned();
        let other_id = list.iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .find(|id| *id != own_id)
            .unwrap();
        let ended = laptop.post(&format!("/account/sessions/{other_id}/revoke"), &[("_csrf", &csrf)]).await;
        assert_eq!(ended.header("location"), Some("/account/sessions"), "{}", ended.text());
        assert!(phone.get("/dashboard").await.status.is_redirection(), "the phone is signed out");
        assert_eq!(laptop.get("/dashboard").await.status, StatusCode::OK);

        // The API ends sessions too, then "sign out everywhere" ends the rest.
        phone.log_in("ada@example.org", PASSWORD).await;
        let everywhere = app.post_json("/api/v1/me/sessions/revoke-all", json!({}), Some(&api)).await;
        assert_eq!(everywhere.status, StatusCode::NO_CONTENT, "{}", everywhere.text());
        assert!(phone.get("/dashboard").await.status.is_redirection());
        assert!(laptop.get("/dashboard").await.status.is_redirection());
        app.get("/api/v1/me", Some(&api)).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        assert_eq!(app.get("/api/v1/me", Some(&personal)).await.status, StatusCode::OK, "personal tokens stay");
        assert_eq!(app.get("/api/v1/me", Some(&bob)).await.status, StatusCode::OK, "nobody else is affected");
    }

    async fn sign_out_everywhere_on_the_page_ends_this_browser_too(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let mut here = Browser::new(app);
        let mut there = Browser::new(app);
        here.log_in("ada@example.org", PASSWORD).await;
        there.log_in("ada@example.org", PASSWORD).await;
        let page = here.get("/account/sessions").await.text();
        let out = here.post("/account/sessions/revoke-all", &[("_csrf", &csrf_of(&page))]).await;
        assert_eq!(out.header("location"), Some("/login"));
        assert!(here.get("/dashboard").await.status.is_redirection());
        assert!(there.get("/dashboard").await.status.is_redirection());
        assert_eq!(session_rows(app).await, 0);
    }

    async fn over_https_cookies_are_host_prefixed_and_secure_with_hsts_and_no_store(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let https = app.over_https();
        let mut browser = Browser::new(&https);
        let landing = browser.get("/").await;
        assert_eq!(landing.header("strict-transport-security"), Some("max-age=31536000; includeSubDomains"));
        let form = browser.get("/login").await;
        assert_eq!(form.header("cache-control"), Some("no-store"));
        let form_cookie = form.header("set-cookie").unwrap().to_owned();
        assert!(form_cookie.starts_with("__Host-lodestar_form="), "{form_cookie}");
        for part in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(form_cookie.contains(part), "{part} in {form_cookie}");
        }
        assert!(!form_cookie.contains("Domain"), "{form_cookie}");

        let signed_in = browser.log_in("ada@example.org", PASSWORD).await;
        let cookie = signed_in.headers.get_all("set-cookie").iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.contains("lodestar_session"))
            .expect("a session cookie");
        assert!(cookie.starts_with("__Host-lodestar_session="), "{cookie}");
        for part in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(part), "{part} in {cookie}");
        }
        assert!(!cookie.contains("Domain"), "{cookie}");
        let dashboard = browser.get("/dashboard").await;
        assert_eq!(dashboard.status, StatusCode::OK);
        assert_eq!(dashboard.header("cache-control"), Some("no-store"));
        assert!(dashboard.header("strict-transport-security").is_some());

        let login = https.login("ada@example.org", PASSWORD).await;
        assert_eq!(login.header("cache-control"), Some("no-store"));
        assert!(login.header("strict-transport-security").is_some());

        // Over plain HTTP: the plain names, no Secure, no HSTS.
        let plain = app.get("/login", None).await;
        let plain_cookie = plain.header("set-cookie").unwrap();
        assert!(plain_cookie.starts_with("lodestar_form=") && !plain_cookie.contains("Secure"), "{plain_cookie}");
        assert!(plain.header("strict-transport-security").is_none());
    }

    async fn the_setup_link_creates_the_first_admin_once(app) {
        let member = app.register("Eve Early", "eve@example.org").await;
        assert_eq!(member.json()["is_admin"], false, "registering first claims nothing");
        let old = app.app.issue_setup_token(60_000).await.unwrap().expect("no admin yet");
        let token = app.app.issue_setup_token(60_000).await.unwrap().expect("a new one on every start");
        assert_eq!(app.get(&format!("/setup/{old}"), None).await.status, StatusCode::NOT_FOUND, "the old link is replaced");

        let mut operator = Browser::new(app);
        let form = operator.get(&format!("/setup/{token}")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert_eq!(session_rows(app).await, 0, "showing the form starts no session");
        let csrf = csrf_of(&form.text());
        let weak = operator.post(&format!("/setup/{token}"), &[("_csrf", &csrf), ("name", "Root"), ("email", "root@example.org"), ("password", "short")]).await;
        assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(weak.text().contains("action=\"/setup/"), "the form again, with the error");
        let done = operator
            .post(&format!("/setup/{token}"), &[("_csrf", &csrf_of(&weak.text())), ("name", "Root Admin"), ("email", "root@example.org"), ("password", PASSWORD)])
            .await;
        assert_eq!(done.header("location"), Some("/dashboard"), "{}", done.text());
        assert!(operator.get("/dashboard").await.text().contains("href=\"/admin/skills\""), "signed in as an admin");

        let mut latecomer = Browser::new(app);
        let again = latecomer.get(&format!("/setup/{token}")).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "used once");
        assert!(app.app.issue_setup_token(60_000).await.unwrap().is_none(), "no link once an admin exists");
        let login = app.login("root@example.org", PASSWORD).await.json();
        assert_eq!(login["account"]["is_admin"], true);
    }

    async fn two_racing_setup_claims_make_one_admin(app) {
        let token = app.app.issue_setup_token(60_000).await.unwrap().unwrap();
        let claim = |email: &str| Registration { name: "Racer".into(), email: email.into(), password: PASSWORD.into() };
        let (ann, bob) = (claim("a@example.org"), claim("b@example.org"));
        let (a, b) = tokio::join!(app.app.claim_setup(&token, &ann), app.app.claim_setup(&token, &bob));
        assert!(a.is_ok() ^ b.is_ok(), "{a:?} {b:?}");
        let lost = a.err().or(b.err()).unwrap();
        assert!(matches!(lost, lodestar_app::AppError::NotFound(_)), "{lost:?}");
    }

    async fn housekeeping_prunes_expired_sessions_tokens_and_failures_and_one_process_analyzes(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let mut browser = Browser::new(app);
        browser.log_in("ada@example.org", PASSWORD).await;
        let mut expired = Browser::new(app);
        expired.log_in("ada@example.org", PASSWORD).await;
        app.login("ada@example.org", "wrong-password-1").await;
        let db = &app.app.db;
        let now = lodestar_store::now_ms();
        sqlx::query("UPDATE sessions SET expires_at = $1 WHERE id = $2")
            .bind(now - 1)
            .bind(expired.session().unwrap())
            .execute(db.writer())
            .await
            .unwrap();
        sqlx::query("UPDATE api_tokens SET expires_at = $1")
            .bind(now - 31 * 24 * 60 * 60 * 1000)
            .execute(db.writer())
            .await
            .unwrap();
        sqlx::query("UPDATE throttle SET last_at = $1")
            .bind(now - 25 * 60 * 60 * 1000)
            .execute(db.writer())
            .await
            .unwrap();

        let first = Housekeeping::new(app.app.clone());
        let second = Housekeeping::new(app.other_process().app.clone());
        let report = first.round().await.unwrap();
        // Counters: Ada's registration, her address's log-ins, and the (email, address) pair.
        assert_eq!((report.sessions, report.tokens, report.throttle), (1, 1, 3), "{report:?}");
        assert!(report.analyzed);
        let again = second.round().await.unwrap();
        assert_eq!((again.sessions, again.tokens, again.throttle), (0, 0, 0), "idempotent");
        assert!(!again.analyzed, "the other process waits for the lease");

        assert_eq!(session_rows(app).await, 1);
        assert_eq!(browser.get("/dashboard").await.status, StatusCode::OK);
        app.get("/api/v1/me", Some(&token)).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }

    async fn api_answers_are_not_kept_by_caches(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        for path in ["/api/v1/me", "/api/v1/me/tokens", "/api/v1/me/sessions", "/api/v1/people"] {
            let response = app.get(path, Some(&token)).await;
            assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.text());
            assert_eq!(response.header("cache-control"), Some("no-store"), "{path}");
        }
    }
}
