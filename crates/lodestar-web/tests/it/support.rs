//! The real router over a fresh, prepared database on either backend, requests sent to it
//! in process, and the macro that runs one test body on both backends.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use lodestar_app::App;
use lodestar_store::testing::ScratchDb;
use lodestar_web::WebConfig;
use serde_json::{Value, json};
use tower::ServiceExt;

/// A password the policy accepts for any of the tests' names.
pub const PASSWORD: &str = "kettle-orbit-umbrella-42";

/// Writes `test_name::sqlite` and `test_name::postgres` for each body.
macro_rules! api_tests {
    ($(
        $(#[$meta:meta])*
        async fn $name:ident($app:ident) $body:block
    )*) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($app: &$crate::support::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::support::TestApp::sqlite().await;
                body(&app).await;
                app.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(app) = $crate::support::TestApp::postgres().await else {
                    return;
                };
                body(&app).await;
                app.finish().await;
            }
        }
    )*};
}
pub(crate) use api_tests;

/// The application behind its router, on a database nobody else uses.
pub struct TestApp {
    pub app: App,
    router: Router,
    /// `None` for a second process on another `TestApp`'s database.
    scratch: Option<ScratchDb>,
}

/// The application as the tests' in-process clients see it. They all come from one
/// address, so registrations are not limited per address here; the tests of that limit
/// (`limits.rs`) set their own policy.
fn test_app(db: lodestar_store::Db) -> App {
    let mut app = App::new(db);
    app.policy.throttle.registrations_per_address = i64::MAX;
    app
}

impl TestApp {
    async fn start(scratch: ScratchDb) -> Self {
        Self::start_with(scratch, WebConfig::default()).await
    }

    pub async fn start_with(scratch: ScratchDb, config: WebConfig) -> Self {
        let app = test_app(scratch.db.clone());
        app.prepare().await.expect("migrate and seed");
        let router = lodestar_web::router(app.clone(), config);
        Self {
            app,
            router,
            scratch: Some(scratch),
        }
    }

    /// Another server process on the same database: its own application state and caches,
    /// as when several `lodestar serve` share one PostgreSQL database.
    pub fn other_process(&self) -> Self {
        let app = test_app(self.app.db.clone());
        let router = lodestar_web::router(app.clone(), WebConfig::default());
        Self {
            app,
            router,
            scratch: None,
        }
    }

    /// Another server process on the same database with its own pool of `connections`
    /// and its own web settings (such as a higher cap on requests served at once).
    pub async fn other_process_with(&self, connections: u32, config: WebConfig) -> Self {
        let url = &self.scratch.as_ref().expect("the first process").url;
        let db = lodestar_store::Db::connect(&lodestar_store::DbConfig {
            max_connections: connections,
            ..lodestar_store::DbConfig::new(url)
        })
        .await
        .expect("connect a second pool");
        let app = test_app(db);
        let router = lodestar_web::router(app.clone(), config);
        Self {
            app,
            router,
            scratch: None,
        }
    }

    /// Another server process on the same database whose application has `policy` (such
    /// as the programme's matching rules).
    pub fn with_policy(&self, policy: lodestar_app::Policy) -> Self {
        let mut app = App::new(self.app.db.clone());
        app.policy = policy;
        let router = lodestar_web::router(app.clone(), WebConfig::default());
        Self {
            app,
            router,
            scratch: None,
        }
    }

    /// Another server process on the same database, serving `app` (an application set up
    /// otherwise, such as with an OpenID provider).
    pub fn serving(&self, app: App) -> Self {
        let router = lodestar_web::router(app.clone(), WebConfig::default());
        Self {
            app,
            router,
            scratch: None,
        }
    }

    pub async fn sqlite() -> Self {
        Self::start(ScratchDb::sqlite().await).await
    }

    /// The same database served as at an https public URL.
    pub fn over_https(&self) -> Self {
        let config = WebConfig {
            secure_cookies: true,
            ..WebConfig::default()
        };
        Self {
            app: self.app.clone(),
            router: lodestar_web::router(self.app.clone(), config),
            scratch: None,
        }
    }

    /// On `LODESTAR_TEST_DATABASE_URL`'s server, or `None` when it is unset.
    pub async fn postgres() -> Option<Self> {
        Some(Self::start(ScratchDb::postgres().await?).await)
    }

    /// Another application on a fresh database of the same backend.
    pub async fn twin(&self) -> Self {
        match self.app.db.backend() {
            lodestar_store::Backend::Sqlite => Self::sqlite().await,
            lodestar_store::Backend::Postgres => Self::postgres()
                .await
                .expect("a PostgreSQL test database, as for this one"),
        }
    }

    pub async fn finish(self) {
        if let Some(scratch) = self.scratch {
            scratch.finish().await;
        }
    }

    /// Sends a request through the whole router, layers included.
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let mut body = response.into_body();
        // An event stream never ends by itself: its first event says it is open.
        let body = if is_event_stream(&headers) {
            let first = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame())
                .await
                .expect("the stream's first event in time");
            first
                .and_then(|frame| frame.ok()?.into_data().ok())
                .unwrap_or_default()
        } else {
            body.collect().await.expect("read the body").to_bytes()
        };
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub fn request(
        method: Method,
        path: &str,
        token: Option<&str>,
    ) -> axum::http::request::Builder {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        builder
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: impl Into<Body>,
        token: Option<&str>,
    ) -> TestResponse {
        let request = Self::request(method, path, token)
            .header(header::CONTENT_TYPE, content_type)
            .body(body.into())
            .expect("a valid request");
        self.send(request).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> TestResponse {
        let request = Self::request(Method::GET, path, token)
            .body(Body::empty())
            .expect("a valid request");
        self.send(request).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>) -> TestResponse {
        let request = Self::request(Method::PUT, path, token)
            .body(Body::empty())
            .expect("a valid request");
        self.send(request).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> TestResponse {
        let request = Self::request(Method::DELETE, path, token)
            .body(Body::empty())
            .expect("a valid request");
        self.send(request).await
    }

    pub async fn post_json(&self, path: &str, body: Value, token: Option<&str>) -> TestResponse {
        self.raw(
            Method::POST,
            path,
            "application/json",
            body.to_string(),
            token,
        )
        .await
    }

    pub async fn put_json(&self, path: &str, body: Value, token: Option<&str>) -> TestResponse {
        self.raw(
            Method::PUT,
            path,
            "application/json",
            body.to_string(),
            token,
        )
        .await
    }

    pub async fn patch_json(&self, path: &str, body: Value, token: Option<&str>) -> TestResponse {
        self.raw(
            Method::PATCH,
            path,
            "application/json",
            body.to_string(),
            token,
        )
        .await
    }

    pub async fn register(&self, name: &str, email: &str) -> TestResponse {
        self.post_json(
            "/api/v1/auth/register",
            json!({"name": name, "email": email, "password": PASSWORD}),
            None,
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> TestResponse {
        self.post_json(
            "/api/v1/auth/login",
            json!({"email": email, "password": password}),
            None,
        )
        .await
    }

    /// Registers an account and logs in; returns the bearer token.
    pub async fn register_and_login(&self, name: &str, email: &str) -> String {
        let registered = self.register(name, email).await;
        assert_eq!(
            registered.status,
            StatusCode::CREATED,
            "{}",
            registered.text()
        );
        let login = self.login(email, PASSWORD).await;
        assert_eq!(login.status, StatusCode::OK, "{}", login.text());
        login.json()["token"].as_str().expect("a token").to_owned()
    }

    /// Registers `name` (email `name@example.org`, lower case), logs in, applies `profile`
    /// with `PATCH /api/v1/me/profile`, and returns the token.
    pub async fn person_with_profile(&self, name: &str, profile: Value) -> String {
        let email = format!("{}@example.org", name.to_lowercase());
        let token = self.register_and_login(name, &email).await;
        let response = self
            .patch_json("/api/v1/me/profile", profile, Some(&token))
            .await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{name}: {}",
            response.text()
        );
        token
    }

    /// Creates an admin as the command line does (registering never makes one), logs in;
    /// returns the bearer token.
    pub async fn admin_and_login(&self, name: &str, email: &str) -> String {
        let admin = self
            .app
            .create_admin(&lodestar_app::accounts::Registration {
                name: name.into(),
                email: email.into(),
                password: PASSWORD.into(),
            })
            .await
            .expect("create an admin");
        assert!(admin.is_admin);
        let login = self.login(email, PASSWORD).await;
        assert_eq!(login.status, StatusCode::OK, "{}", login.text());
        login.json()["token"].as_str().expect("a token").to_owned()
    }

    /// The person id of the account behind `token`.
    pub async fn id_of(&self, token: &str) -> String {
        let me = self.get("/api/v1/me", Some(token)).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text());
        me.json()["id"].as_str().expect("an id").to_owned()
    }

    /// A mentorship between a mentor and a mentee (person ids), made in the store the way
    /// accepting a request makes one; returns its id.
    pub async fn mentorship_between(&self, mentor: &str, mentee: &str) -> String {
        use lodestar_domain::mentoring::{Cadence, MemberRole};
        use lodestar_store::mentorships::{self, NewMentorship};
        let id = lodestar_domain::MentorshipId::new();
        let (mentor, mentee) = (mentor.parse().unwrap(), mentee.parse().unwrap());
        let mut tx = self.app.db.begin().await.unwrap();
        let new = NewMentorship {
            id,
            request: None,
            members: vec![(mentor, MemberRole::Mentor), (mentee, MemberRole::Mentee)],
            goals: "Grow into a team lead".into(),
            focus_areas: vec![lodestar_domain::FocusArea::Confidence],
            skills: vec![],
            cadence: Cadence::Fortnightly,
            expected_end_on: None,
            actor: mentor,
            programme: None,
        };
        mentorships::insert(&mut tx, &new).await.unwrap();
        tx.commit().await.unwrap();
        id.to_string()
    }

    /// The thread of a new mentorship of `mentor` and `mentee` (person ids), as its
    /// members see it in `GET /api/v1/mentorships/{id}`.
    pub async fn thread_of_mentorship(&self, mentor: &str, mentee: &str) -> String {
        let id = self.mentorship_between(mentor, mentee).await;
        sqlx::query_scalar::<_, String>("SELECT id FROM threads WHERE mentorship_id = $1")
            .bind(id)
            .fetch_one(self.app.db.reader())
            .await
            .expect("every mentorship has a thread")
    }

    /// An admin and a member, with their tokens.
    pub async fn admin_and_member(&self) -> (String, String) {
        let admin = self.admin_and_login("Ada Admin", "ada@example.org").await;
        let member = self
            .register_and_login("Bob Member", "bob@example.org")
            .await;
        (admin, member)
    }
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl TestResponse {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Checks the status and that the body is the API's error shape with this code; returns
    /// the `error` object.
    #[track_caller]
    pub fn error(&self, status: StatusCode, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        let body = self.json();
        let error = body
            .get("error")
            .unwrap_or_else(|| panic!("no error object: {body}"))
            .clone();
        assert_eq!(error["code"], code, "{body}");
        let message = error["message"].as_str().expect("a message");
        assert!(!message.is_empty(), "{body}");
        let keys: Vec<&String> = error.as_object().expect("an object").keys().collect();
        assert!(
            keys.iter()
                .all(|k| ["code", "message", "fields", "slots"].contains(&k.as_str())),
            "unexpected keys in {body}"
        );
        if let Some(fields) = error.get("fields") {
            assert!(fields.is_object(), "{body}");
        }
        error
    }

    /// Like [`TestResponse::error`], and checks that exactly these fields have messages.
    #[track_caller]
    pub fn field_errors(&self, status: StatusCode, code: &str, fields: &[&str]) -> Value {
        let error = self.error(status, code);
        let mut got: Vec<&str> = error["fields"]
            .as_object()
            .unwrap_or_else(|| panic!("no fields in {error}"))
            .keys()
            .map(String::as_str)
            .collect();
        got.sort_unstable();
        let mut want = fields.to_vec();
        want.sort_unstable();
        assert_eq!(got, want, "{error}");
        error
    }
}

/// `(slug, level)` for each skill in a profile's skill list.
pub fn slugs(list: &Value) -> Vec<(String, i64)> {
    list.as_array()
        .expect("a list of skills")
        .iter()
        .map(|s| {
            (
                s["slug"].as_str().expect("a slug").to_owned(),
                s["level"].as_i64().expect("a level"),
            )
        })
        .collect()
}

impl TestApp {
    /// An active mentorship of `mentor` and `mentee` (person ids), made in the store as
    /// accepting a request would; returns its id.
    pub async fn mentorship(&self, mentor: &str, mentee: &str) -> String {
        use lodestar_domain::mentoring::{Cadence, MemberRole};
        use lodestar_store::mentorships::{NewMentorship, insert};
        let mentor: lodestar_domain::PersonId = mentor.parse().expect("a person id");
        let mentee: lodestar_domain::PersonId = mentee.parse().expect("a person id");
        let id = lodestar_domain::MentorshipId::new();
        let new = NewMentorship {
            id,
            request: None,
            members: vec![(mentor, MemberRole::Mentor), (mentee, MemberRole::Mentee)],
            goals: "Grow as a researcher".into(),
            focus_areas: Vec::new(),
            skills: Vec::new(),
            cadence: Cadence::Fortnightly,
            expected_end_on: None,
            actor: mentor,
            programme: None,
        };
        let mut tx = self.app.db.begin().await.expect("begin");
        insert(&mut tx, &new).await.expect("insert a mentorship");
        tx.commit().await.expect("commit");
        id.to_string()
    }
}

fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"))
}

/// One server-sent event as a browser's `EventSource` would dispatch it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseEvent {
    pub id: Option<String>,
    pub event: String,
    pub data: String,
}

impl SseEvent {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }
}

/// An open event stream, read event by event.
pub struct EventStream {
    pub status: StatusCode,
    pub headers: HeaderMap,
    body: Body,
    pending: String,
    ended: bool,
}

impl EventStream {
    /// The next event with data (comments and `retry:` alone are skipped), or `None` if
    /// none came within `within` or the stream ended.
    pub async fn next_within(&mut self, within: std::time::Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            while let Some(end) = self.pending.find("\n\n") {
                let block: String = self.pending.drain(..end + 2).collect();
                if let Some(event) = parse_event(&block) {
                    return Some(event);
                }
            }
            if self.ended {
                return None;
            }
            match tokio::time::timeout_at(deadline, self.body.frame()).await {
                Err(_) => return None,
                Ok(None) => self.ended = true,
                Ok(Some(frame)) => {
                    let frame = frame.expect("read the stream");
                    if let Ok(data) = frame.into_data() {
                        self.pending
                            .push_str(std::str::from_utf8(&data).expect("UTF-8"));
                    }
                }
            }
        }
    }

    /// The next event, which must come within five seconds.
    #[track_caller]
    pub fn next(&mut self) -> impl std::future::Future<Output = SseEvent> + '_ {
        let caller = std::panic::Location::caller();
        async move {
            self.next_within(std::time::Duration::from_secs(5))
                .await
                .unwrap_or_else(|| panic!("no event within 5 s (awaited at {caller})"))
        }
    }

    /// Whether the stream ended (rather than just being quiet) within `within`.
    pub async fn ends_within(&mut self, within: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        while !self.ended {
            match tokio::time::timeout_at(deadline, self.body.frame()).await {
                Err(_) => return false,
                Ok(None) => self.ended = true,
                Ok(Some(_)) => {}
            }
        }
        true
    }
}

fn parse_event(block: &str) -> Option<SseEvent> {
    let (mut id, mut event, mut data) = (None, "message".to_owned(), Vec::new());
    for line in block.lines() {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "id" => id = Some(value.to_owned()),
            "event" => event = value.to_owned(),
            "data" => data.push(value),
            _ => {}
        }
    }
    (!data.is_empty()).then(|| SseEvent {
        id,
        event,
        data: data.join("\n"),
    })
}

impl TestApp {
    /// Opens an event stream: `GET path` with the token or cookie and `Last-Event-ID` given.
    pub async fn open_stream(
        &self,
        path: &str,
        token: Option<&str>,
        cookie: Option<&str>,
        last_event_id: Option<&str>,
    ) -> EventStream {
        let mut request = Self::request(Method::GET, path, token);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).expect("a valid request"))
            .await
            .expect("the router is infallible");
        EventStream {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.into_body(),
            pending: String::new(),
            ended: false,
        }
    }
}

/// A test tool written in Python (`tests/tools/<script>`) run as a process of its own, with a
/// scratch folder it reads and writes, serving HTTP on the port it prints first; killed and
/// its folder removed when dropped. The interpreter is `LODESTAR_TEST_PYTHON`, else
/// `python3`.
pub struct PythonTool {
    child: std::process::Child,
    pub folder: std::path::PathBuf,
    pub port: u16,
}

impl PythonTool {
    pub fn start(script: &str) -> Self {
        use std::io::BufRead;
        let folder = std::env::temp_dir().join(format!(
            "lodestar-{}-{}",
            script.trim_end_matches(".py"),
            uuid::Uuid::new_v4()
        ));
        std::fs::create_dir_all(&folder).unwrap();
        let python = std::env::var("LODESTAR_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/tools")
            .join(script);
        let mut child = std::process::Command::new(python)
            .arg(path)
            .arg(&folder)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start python3 for {script}: {e}"));
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{script} prints its port first, not {line:?}"));
        Self {
            child,
            folder,
            port,
        }
    }
}

impl Drop for PythonTool {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}
