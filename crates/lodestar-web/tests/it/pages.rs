//! The HTML pages: what anonymous visitors get, the log-in redirect, CSRF protection,
//! and a browser's sign-in journey with its session cookie.

use axum::body::Body;
use axum::http::{Method, StatusCode, header};

use crate::support::{PASSWORD, TestApp, TestResponse, api_tests};

/// One browser: the cookies it was given, carried from response to request.
pub(crate) struct Browser<'a> {
    app: &'a TestApp,
    pub cookies: std::collections::BTreeMap<String, String>,
    /// Send `HX-Request: true`, as htmx does.
    pub htmx: bool,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookies: Default::default(),
            htmx: false,
        }
    }

    /// The session cookie's value, if the browser has one (under either name).
    pub fn session(&self) -> Option<String> {
        self.cookies
            .iter()
            .find(|(name, _)| name.ends_with("lodestar_session"))
            .map(|(_, value)| value.clone())
    }

    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> TestResponse {
        let mut request = self.request(method, path);
        let body = match form {
            Some(fields) => {
                request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(serde_urlencoded::to_string(fields).unwrap())
            }
            None => Body::empty(),
        };
        self.send_request(request, body).await
    }

    /// Posts a `multipart/form-data` form, as a browser sends a file: the fields, then the
    /// file as `file_field`.
    pub async fn upload(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_field: &str,
        file_name: &str,
        content: &[u8],
    ) -> TestResponse {
        let boundary = "----lodestar-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = self.request(Method::POST, path).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        self.send_request(request, Body::from(body)).await
    }

    fn request(&self, method: Method, path: &str) -> axum::http::request::Builder {
        let mut request = TestApp::request(method, path, None)
            .header(header::USER_AGENT, "Firefox/128.0 (X11; Linux x86_64)");
        if self.htmx {
            request = request.header("hx-request", "true");
        }
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.header(header::COOKIE, jar.join("; "));
        }
        request
    }

    async fn send_request(
        &mut self,
        request: axum::http::request::Builder,
        body: Body,
    ) -> TestResponse {
        let response = self.app.send(request.body(body).unwrap()).await;
        for set in response.headers.get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let (name, value) = set.split(';').next().unwrap().split_once('=').unwrap();
            if value.is_empty() || set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        response
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> TestResponse {
        self.send(Method::POST, path, Some(form)).await
    }

    /// Opens the log-in page and submits it; returns the response to the submission.
    pub async fn log_in(&mut self, email: &str, password: &str) -> TestResponse {
        let page = self.get("/login?next=%2Fdashboard").await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = csrf_of(&page.text());
        self.post(
            "/login",
            &[
                ("_csrf", &csrf),
                ("next", "/dashboard"),
                ("email", email),
                ("password", password),
            ],
        )
        .await
    }
}

/// Ada (registered already) wants to grow in Rust; Bo Mentor, registered now, mentors it.
/// Returns Bo's token.
async fn ada_wants_what_bo_mentors(app: &TestApp) -> String {
    let ada = app.login("ada@example.org", PASSWORD).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let wants =
        serde_json::json!({"wants_mentor": true, "growth_skills": [{"skill": "rust", "level": 1}]});
    assert_eq!(
        app.patch_json("/api/v1/me/profile", wants, Some(&ada))
            .await
            .status,
        StatusCode::OK
    );
    let bo = app.register_and_login("Bo Mentor", "bo@example.org").await;
    let offers = serde_json::json!({"is_mentor": true, "mentor_capacity": 2, "mentor_skills": [{"skill": "rust", "level": 5}]});
    assert_eq!(
        app.patch_json("/api/v1/me/profile", offers, Some(&bo))
            .await
            .status,
        StatusCode::OK
    );
    bo
}

/// The CSRF token in a page's form.
pub(crate) fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_owned()
}

api_tests! {
    async fn the_landing_page_is_html_and_starts_no_session(app) {
        let page = app.get("/", None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.header("content-type").is_some_and(|v| v.starts_with("text/html")));
        assert!(page.text().contains("<html"));
        assert!(page.header("set-cookie").is_none(), "anonymous visitors get no cookie");
    }

    async fn a_page_that_needs_sign_in_redirects_to_log_in_and_back(app) {
        let page = app.get("/dashboard", None).await;
        assert!(page.status.is_redirection(), "{}", page.status);
        assert_eq!(page.header("location"), Some("/login?next=%2Fdashboard"));
        let with_query = app.get("/people?q=rust", None).await;
        assert_eq!(with_query.header("location"), Some("/login?next=%2Fpeople%3Fq%3Drust"));
    }

    async fn unknown_pages_are_not_found(app) {
        let page = app.get("/no/such/page", None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.header("content-type").is_some_and(|v| v.starts_with("text/html")));
    }

    async fn a_record_page_with_a_malformed_id_is_not_found(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let mut browser = Browser::new(app);
        browser.log_in("ada@example.org", PASSWORD).await;
        for (path, what) in [
            ("/threads/not-an-id", "thread"),
            ("/sessions/not-an-id", "session"),
            ("/mentorships/not-an-id", "mentorship"),
            ("/mentorships/not-an-id/sessions", "mentorship"),
        ] {
            let page = browser.get(path).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
            assert!(page.text().contains(what), "{path}: {}", page.text());
        }
        let csrf = csrf_of(&browser.get("/dashboard").await.text());
        let booked = browser.post("/mentorships/not-an-id/bookings", &[("_csrf", csrf.as_str())]).await;
        assert_eq!(booked.status, StatusCode::NOT_FOUND);
        assert!(booked.text().contains("mentorship"), "{}", booked.text());
    }

    async fn a_form_post_without_the_csrf_token_is_refused(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let mut browser = Browser::new(app);
        let no_session = browser.post("/login", &[("email", "ada@example.org"), ("password", PASSWORD)]).await;
        assert_eq!(no_session.status, StatusCode::FORBIDDEN);

        browser.get("/login").await;
        assert!(browser.session().is_none(), "the log-in form starts no session");
        let no_token = browser.post("/login", &[("email", "ada@example.org"), ("password", PASSWORD)]).await;
        assert_eq!(no_token.status, StatusCode::FORBIDDEN);
        let wrong_token = browser
            .post("/login", &[("_csrf", "forged"), ("email", "ada@example.org"), ("password", PASSWORD)])
            .await;
        assert_eq!(wrong_token.status, StatusCode::FORBIDDEN);
        assert_eq!(browser.get("/dashboard").await.header("location"), Some("/login?next=%2Fdashboard"));
    }

    async fn the_recommended_mentors_page_lists_mentors_with_reasons_or_says_what_is_missing(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let mut browser = Browser::new(app);
        browser.log_in("ada@example.org", PASSWORD).await;
        let page = browser.get("/recommendations").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("want a mentor"), "{}", page.text());

        ada_wants_what_bo_mentors(app).await;
        let page = browser.get("/recommendations").await.text();
        assert!(page.contains("Bo Mentor"), "{page}");
        assert!(page.contains("Mentors the skill you want: Rust (5)"), "{page}");
        assert!(page.contains("wants Rust at level 1; Bo Mentor mentors it at 5"), "the detail: {page}");
        let bo = app.login("bo@example.org", PASSWORD).await.json()["token"].as_str().unwrap().to_owned();
        let bo_id = app.get("/api/v1/me", Some(&bo)).await.json()["id"].as_str().unwrap().to_owned();
        assert!(page.contains(&format!("href=\"/people/{bo_id}/ask\"")), "{page}");
        let people = browser.get("/people").await.text();
        assert!(people.contains(&format!("href=\"/people/{bo_id}/ask\"")), "{people}");
        let ada = app.login("ada@example.org", PASSWORD).await.json()["token"].as_str().unwrap().to_owned();
        let ada_id = app.get("/api/v1/me", Some(&ada)).await.json()["id"].as_str().unwrap().to_owned();
        assert!(!people.contains(&format!("/people/{ada_id}/ask")), "not on one's own row");
        assert!(page.contains("aria-current=\"page\">Recommended mentors"), "the menu marks the page");
    }

    async fn a_person_page_blocks_and_unblocks_with_a_form(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let bo = ada_wants_what_bo_mentors(app).await;
        let bo_id = app.get("/api/v1/me", Some(&bo)).await.json()["id"].as_str().unwrap().to_owned();

        let mut browser = Browser::new(app);
        browser.log_in("ada@example.org", PASSWORD).await;
        let page = browser.get(&format!("/people/{bo_id}")).await.text();
        assert!(page.contains(&format!("action=\"/people/{bo_id}/block\"")), "{page}");
        let csrf = csrf_of(&page);
        let done = browser.post(&format!("/people/{bo_id}/block"), &[("_csrf", &csrf)]).await;
        assert_eq!(done.header("location"), Some(format!("/people/{bo_id}").as_str()));
        let page = browser.get(&format!("/people/{bo_id}")).await.text();
        assert!(page.contains("You have blocked Bo Mentor"), "{page}");
        assert!(!browser.get("/recommendations").await.text().contains("Bo Mentor"));
        let forged = browser.post(&format!("/people/{bo_id}/unblock"), &[("_csrf", "forged")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let csrf = csrf_of(&page);
        browser.post(&format!("/people/{bo_id}/unblock"), &[("_csrf", &csrf)]).await;
        assert!(browser.get("/recommendations").await.text().contains("Bo Mentor"));
    }

    async fn a_browser_signs_in_with_a_form_and_sees_its_dashboard(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let mut browser = Browser::new(app);
        let wrong = browser.log_in("ada@example.org", "not-the-password").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.text().contains("do not match"));

        let before = browser.session();
        let signed_in = browser.log_in("ada@example.org", PASSWORD).await;
        assert!(signed_in.status.is_redirection(), "{}: {}", signed_in.status, signed_in.text());
        assert_eq!(signed_in.header("location"), Some("/dashboard"));
        assert!(browser.session().is_some());
        assert_ne!(browser.session(), before, "signing in gives the session a new id");
        let dashboard = browser.get("/dashboard").await;
        assert_eq!(dashboard.status, StatusCode::OK);
        assert!(dashboard.text().contains("Ada Lovelace"));
        assert_eq!(browser.get("/").await.status, StatusCode::OK);

        let csrf = csrf_of(&dashboard.text());
        let out = browser.post("/logout", &[("_csrf", &csrf)]).await;
        assert!(out.status.is_redirection());
        assert!(browser.get("/dashboard").await.status.is_redirection(), "signed out");
    }

    async fn changing_the_password_in_one_browser_signs_out_the_others(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let mut here = Browser::new(app);
        let mut elsewhere = Browser::new(app);
        here.log_in("ada@example.org", PASSWORD).await;
        elsewhere.log_in("ada@example.org", PASSWORD).await;
        assert_eq!(elsewhere.get("/dashboard").await.status, StatusCode::OK);

        let form = here.get("/account/password").await;
        assert_eq!(form.status, StatusCode::OK);
        let csrf = csrf_of(&form.text());
        let new_password = "a-brand-new-passphrase-7";
        let changed = here
            .post(
                "/account/password",
                &[
                    ("_csrf", &csrf),
                    ("current_password", PASSWORD),
                    ("new_password", new_password),
                    ("confirm_password", new_password),
                ],
            )
            .await;
        assert!(changed.status.is_redirection(), "{}: {}", changed.status, changed.text());
        assert_eq!(here.get("/dashboard").await.status, StatusCode::OK, "this browser stays signed in");
        assert!(elsewhere.get("/dashboard").await.status.is_redirection(), "the other is signed out");
    }

    async fn after_log_in_a_browser_is_only_sent_to_a_path_on_this_site(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let mut browser = Browser::new(app);
        browser.log_in("ada@example.org", PASSWORD).await;
        // Browsers drop tabs and newlines from URLs, so "/\t/evil.example" would become
        // "//evil.example", another site.
        for next in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
        ] {
            let query = serde_urlencoded::to_string([("next", next)]).unwrap();
            let response = browser.get(&format!("/login?{query}")).await;
            assert!(response.status.is_redirection(), "{next:?}: {}", response.status);
            assert_eq!(response.header("location"), Some("/dashboard"), "{next:?}");
        }
        let fine = browser.get("/login?next=%2Fpeople%3Fq%3Drust").await;
        assert_eq!(fine.header("location"), Some("/people?q=rust"));
    }
}
