//! What keeps anonymous clients from exhausting the server or locking people out: log-in
//! and registration rate limits per client address, client addresses behind proxies, body
//! size, time and concurrency limits, bounded metrics, and the connection limits of
//! `lodestar_web::serve`.

use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use lodestar_app::App;
use lodestar_app::throttle::login_counter;
use lodestar_web::{MetricsAccess, RequestLimits, WebConfig};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

use crate::support::{PASSWORD, TestApp, TestResponse, api_tests};

/// The router over a test's database, with its own policy and web settings.
struct Server {
    app: App,
    router: Router,
}

impl Server {
    fn new(test: &TestApp, policy: impl FnOnce(&mut App), config: WebConfig) -> Self {
        let mut app = App::new(test.app.db.clone());
        policy(&mut app);
        let router = lodestar_web::router(app.clone(), config);
        Self { app, router }
    }

    fn plain(test: &TestApp) -> Self {
        Self::new(test, |_| {}, WebConfig::default())
    }

    async fn send(&self, mut request: Request<Body>, from: &str) -> TestResponse {
        let ip: IpAddr = from.parse().expect("an address");
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(ip, 40_000)));
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let (parts, body) = response.into_parts();
        TestResponse {
            status: parts.status,
            headers: parts.headers,
            body: body.collect().await.expect("read the body").to_bytes(),
        }
    }

    async fn post(&self, path: &str, body: Value, from: &str) -> TestResponse {
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("a request");
        self.send(request, from).await
    }

    async fn login(&self, email: &str, password: &str, from: &str) -> TestResponse {
        self.post(
            "/api/v1/auth/login",
            json!({"email": email, "password": password}),
            from,
        )
        .await
    }

    async fn register(&self, name: &str, email: &str, from: &str) -> TestResponse {
        self.post(
            "/api/v1/auth/register",
            json!({"name": name, "email": email, "password": PASSWORD}),
            from,
        )
        .await
    }
}

/// A body that never finishes arriving: a client that stalls mid-upload.
struct StalledBody;

impl hyper::body::Body for StalledBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        Poll::Pending
    }
}

fn stalled_post(path: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::new(StalledBody))
        .expect("a request")
}

const A: &str = "198.51.100.7";
const B: &str = "203.0.113.20";

api_tests! {
    async fn requests_to_connect_are_limited_per_person_and_refused_ones_do_not_count(app) {
        let server = Server::new(app, |a| a.policy.throttle.network_requests_per_person = 2, WebConfig::default());
        let token = app.person_with_profile("Ada", json!({"listed": true})).await;
        let ada = lodestar_app::Viewer { id: app.id_of(&token).await.parse().unwrap(), name: "Ada".into(), is_admin: false };
        let mut others = Vec::new();
        for name in ["Bo", "Cy", "Di"] {
            let t = app.person_with_profile(name, json!({"listed": true})).await;
            others.push(app.id_of(&t).await);
        }
        let ask = |to: &str| lodestar_app::network::ConnectionRequest { person_id: to.to_owned() };
        // A refused request (to herself, then twice to Bo) is not counted.
        assert!(server.app.request_connection(&ada, &ask(&ada.id.to_string())).await.is_err());
        server.app.request_connection(&ada, &ask(&others[0])).await.unwrap();
        assert!(server.app.request_connection(&ada, &ask(&others[0])).await.is_err());
        server.app.request_connection(&ada, &ask(&others[1])).await.unwrap();
        let third = server.app.request_connection(&ada, &ask(&others[2])).await;
        assert!(matches!(third, Err(lodestar_app::AppError::RateLimited { retry_after_secs }) if retry_after_secs > 23 * 3600), "{third:?}");
        // Introductions and requests for them count against the same limit.
        let asked = lodestar_app::network::introductions::AskInput { person_id: others[0].clone(), industry: Some("Energy".into()), ..Default::default() };
        assert!(matches!(server.app.ask_introduction(&ada, &asked).await, Err(lodestar_app::AppError::RateLimited { .. })));
    }

    async fn fifty_failures_from_one_address_do_not_stop_the_owner_at_another(app) {
        let server = Server::plain(app);
        assert_eq!(server.register("Ada Lovelace", "ada@example.org", B).await.status, StatusCode::CREATED);
        let mut refused = 0;
        for _ in 0..50 {
            let response = server.login("ada@example.org", "a-guess-from-a", A).await;
            match response.status {
                StatusCode::UNAUTHORIZED => {}
                StatusCode::TOO_MANY_REQUESTS => refused += 1,
                other => panic!("unexpected {other}: {}", response.text()),
            }
        }
        assert_eq!(refused, 45, "five tries without delay, then a growing wait");
        let owner = server.login("ada@example.org", PASSWORD, B).await;
        assert_eq!(owner.status, StatusCode::OK, "{}", owner.text());
        // And the attacker's address is still waiting, right password or not.
        server.login("ada@example.org", PASSWORD, A).await
            .error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    }

    async fn a_parallel_burst_of_wrong_logins_is_counted_in_full_and_throttled_after_five(app) {
        const N: usize = 24;
        let server = Server::plain(app);
        server.register("Ada Lovelace", "ada@example.org", B).await;
        let mut tasks = Vec::new();
        for _ in 0..N {
            let request = Request::post("/api/v1/auth/login")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json!({"email": "ada@example.org", "password": "burst-guess"}).to_string()))
                .unwrap();
            let (router, mut request) = (server.router.clone(), request);
            request.extensions_mut().insert(ConnectInfo(SocketAddr::new(A.parse().unwrap(), 1)));
            tasks.push(tokio::spawn(async move { router.oneshot(request).await.unwrap().status() }));
        }
        let mut statuses = Vec::new();
        for task in tasks {
            statuses.push(task.await.unwrap());
        }
        let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
        let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
        assert_eq!((checked, refused), (5, N - 5), "{statuses:?}");
        let counted = lodestar_store::throttle::hits(&server.app.db, &login_counter("ada@example.org", A))
            .await
            .unwrap();
        assert_eq!(counted, N as i64);
    }

    async fn one_address_trying_many_accounts_is_stopped_at_its_own_limit(app) {
        let server = Server::new(app, |a| a.policy.throttle.login_attempts_per_address = 6, WebConfig::default());
        for i in 0..6 {
            let response = server.login(&format!("nobody{i}@example.org"), "guess", A).await;
            assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{}", response.text());
        }
        let refused = server.login("nobody7@example.org", "guess", A).await;
        refused.error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
        let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=15 * 60).contains(&retry), "{retry}");
        // Another address is not affected.
        assert_eq!(server.login("nobody7@example.org", "guess", B).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn registrations_are_limited_per_address_and_invalid_ones_do_not_count(app) {
        let server = Server::new(app, |a| a.policy.throttle.registrations_per_address = 2, WebConfig::default());
        for i in 0..4 {
            let invalid = server.post("/api/v1/auth/register", json!({"name": "X", "email": format!("bad{i}"), "password": "short"}), A).await;
            assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        assert_eq!(server.register("Ada Lovelace", "ada@example.org", A).await.status, StatusCode::CREATED);
        assert_eq!(server.register("Bob Babbage", "bob@example.org", A).await.status, StatusCode::CREATED);
        let third = server.register("Cy Cipher", "cy@example.org", A).await;
        third.error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
        let retry: u64 = third.header("retry-after").unwrap().parse().unwrap();
        assert!((3500..=3600).contains(&retry), "about an hour: {retry}");
        assert_eq!(server.register("Cy Cipher", "cy@example.org", B).await.status, StatusCode::CREATED);
    }

    async fn behind_a_proxy_the_client_written_part_of_x_forwarded_for_buys_no_more_tries(app) {
        let config = WebConfig { trust_proxy: true, trusted_proxies: 1, ..WebConfig::default() };
        let server = Server::new(app, |a| a.policy.throttle.registrations_per_address = 1, config);
        let from_proxy = |i: usize, client: &str, name: &str| {
            Request::post("/api/v1/auth/register")
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-forwarded-for", format!("10.9.8.{i}, {client}"))
                .body(Body::from(json!({"name": name, "email": format!("{}@example.org", name.to_lowercase()), "password": PASSWORD}).to_string()))
                .unwrap()
        };
        let proxy = "127.0.0.1";
        assert_eq!(server.send(from_proxy(1, A, "Ada"), proxy).await.status, StatusCode::CREATED);
        // A new made-up leftmost entry: still the same client, as the proxy saw it.
        server.send(from_proxy(2, A, "Bob"), proxy).await.error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
        // A different client behind the same proxy is counted on its own.
        assert_eq!(server.send(from_proxy(3, B, "Cy"), proxy).await.status, StatusCode::CREATED);
    }

    async fn a_body_over_the_limit_is_refused_with_413_in_the_error_shape(app) {
        let server = Server::plain(app);
        let big = json!({"email": "a@example.org", "password": "x".repeat(70 * 1024)});
        let declared = server.post("/api/v1/auth/login", big.clone(), A).await;
        declared.error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

        // Without Content-Length (chunked), the limit holds as the body arrives.
        let chunks = big.to_string().into_bytes().chunks(8192).map(Bytes::copy_from_slice).collect();
        let request = Request::post("/api/v1/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::new(Chunked(chunks)))
            .unwrap();
        assert!(request.headers().get(header::CONTENT_LENGTH).is_none());
        server.send(request, A).await.error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

        // A form page gets a page.
        let form = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("email=a&password={}", "x".repeat(70 * 1024))))
            .unwrap();
        let page = server.send(form, A).await;
        assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(page.header("content-type").is_some_and(|v| v.starts_with("text/html")));

        // Just under the limit is read as usual.
        let fits = json!({"email": "a@example.org", "password": "x".repeat(60 * 1024)});
        assert_eq!(server.post("/api/v1/auth/login", fits, A).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn a_request_that_stalls_is_ended_at_the_timeout(app) {
        let limits = RequestLimits { request_timeout: Duration::from_millis(300), ..RequestLimits::default() };
        let server = Server::new(app, |_| {}, WebConfig { limits, ..WebConfig::default() });
        let started = Instant::now();
        let response = server.send(stalled_post("/api/v1/auth/login"), A).await;
        response.error(StatusCode::SERVICE_UNAVAILABLE, "timeout");
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    }

    async fn beyond_the_concurrent_request_limit_requests_are_shed_but_health_still_answers(app) {
        let limits = RequestLimits {
            max_concurrent_requests: 1,
            request_timeout: Duration::from_secs(5),
            ..RequestLimits::default()
        };
        let server = Server::new(app, |_| {}, WebConfig { limits, ..WebConfig::default() });
        // One stalled upload holds the only place.
        let router = server.router.clone();
        let holder = tokio::spawn(async move { router.oneshot(stalled_post("/api/v1/auth/login")).await });
        tokio::time::sleep(Duration::from_millis(200)).await;
        let shed = server.send(Request::get("/api/v1/skills").body(Body::empty()).unwrap(), A).await;
        shed.error(StatusCode::SERVICE_UNAVAILABLE, "overloaded");
        assert_eq!(shed.header("retry-after"), Some("1"));
        let health = server.send(Request::get("/healthz").body(Body::empty()).unwrap(), A).await;
        assert_eq!(health.status, StatusCode::OK);
        holder.abort();
    }

    async fn metrics_count_unknown_methods_as_other(app) {
        let server = Server::plain(app);
        let odd = Method::from_bytes(b"MADEUPMETHOD").unwrap();
        server.send(Request::builder().method(odd).uri("/healthz").body(Body::empty()).unwrap(), A).await;
        let metrics = server.send(Request::get("/metrics").body(Body::empty()).unwrap(), A).await;
        let text = metrics.text();
        assert!(text.contains("method=\"other\""), "{text}");
        assert!(!text.contains("MADEUPMETHOD"), "{text}");
    }

    async fn metrics_can_require_a_token_or_move_to_their_own_address(app) {
        let token = MetricsAccess { separate: false, token: Some("s3cret-metrics".into()) };
        let guarded = Server::new(app, |_| {}, WebConfig { metrics: token.clone(), ..WebConfig::default() });
        guarded.send(Request::get("/metrics").body(Body::empty()).unwrap(), A).await
            .error(StatusCode::UNAUTHORIZED, "unauthenticated");
        let wrong = Request::get("/metrics").header(header::AUTHORIZATION, "Bearer s3cret-metricz").body(Body::empty()).unwrap();
        assert_eq!(guarded.send(wrong, A).await.status, StatusCode::UNAUTHORIZED);
        let right = Request::get("/metrics").header(header::AUTHORIZATION, "Bearer s3cret-metrics").body(Body::empty()).unwrap();
        assert_eq!(guarded.send(right, A).await.status, StatusCode::OK);

        let separate = WebConfig { metrics: MetricsAccess { separate: true, token: None }, ..WebConfig::default() };
        let main = Server::new(app, |_| {}, separate.clone());
        assert_eq!(main.send(Request::get("/metrics").body(Body::empty()).unwrap(), A).await.status, StatusCode::NOT_FOUND);
        let metrics_only = lodestar_web::metrics_router(&separate);
        let response = metrics_only.oneshot(Request::get("/metrics").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
}

/// A body sent in chunks with no declared length (as with chunked transfer encoding).
struct Chunked(std::collections::VecDeque<Bytes>);

impl hyper::body::Body for Chunked {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        Poll::Ready(
            self.0
                .pop_front()
                .map(|chunk| Ok(hyper::body::Frame::data(chunk))),
        )
    }
}

/// Serves `router` on a free loopback port with these options; returns its address, a
/// switch that begins shutdown, and the serving task.
async fn serving(
    router: Router,
    options: lodestar_web::serve::ServeOptions,
) -> (
    SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        lodestar_web::serve::serve(listener, router, &options, async {
            let _ = stopped.await;
        })
        .await
    });
    (address, stop, task)
}

/// Sends raw bytes and reads until the server closes the connection (or `limit` passes).
async fn exchange(address: SocketAddr, bytes: &[u8], limit: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(limit, stream.read_to_end(&mut answer)).await;
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

fn slow_router() -> Router {
    Router::new()
        .route("/quick", axum::routing::get(|| async { "done" }))
        .route(
            "/slow",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_millis(400)).await;
                "finished"
            }),
        )
        .route(
            "/forever",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                "never"
            }),
        )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_sends_half_a_request_line_is_closed_at_the_header_timeout() {
    let options = lodestar_web::serve::ServeOptions {
        header_timeout: Duration::from_millis(500),
        ..Default::default()
    };
    let (address, stop, task) = serving(slow_router(), options).await;
    let (answer, took) = exchange(address, b"GET /qui", Duration::from_secs(10)).await;
    assert!(took < Duration::from_secs(3), "closed after {took:?}");
    assert!(!answer.contains("done"), "{answer}");
    // A whole request is served as usual.
    let (answer, _) = exchange(
        address,
        b"GET /quick HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
        Duration::from_secs(10),
    )
    .await;
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("done"),
        "{answer}"
    );
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_shutdown_requests_in_flight_finish_within_the_deadline_and_no_later() {
    let options = lodestar_web::serve::ServeOptions {
        shutdown_timeout: Duration::from_secs(2),
        ..Default::default()
    };
    let (address, stop, task) = serving(slow_router(), options).await;
    let slow = tokio::spawn(exchange(
        address,
        b"GET /slow HTTP/1.1\r\nhost: x\r\n\r\n",
        Duration::from_secs(10),
    ));
    let forever = tokio::spawn(exchange(
        address,
        b"GET /forever HTTP/1.1\r\nhost: x\r\n\r\n",
        Duration::from_secs(30),
    ));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let asked = Instant::now();
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
    let took = asked.elapsed();
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(4),
        "serve returned after {took:?}"
    );
    let (answer, _) = slow.await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("finished"),
        "{answer}"
    );
    let (answer, closed_after) = forever.await.unwrap();
    assert!(answer.is_empty(), "{answer}");
    assert!(closed_after < Duration::from_secs(5), "{closed_after:?}");
    // No longer listening.
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
}

/// Log lines written while a test runs on this thread, as the JSON the server writes.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn an_internal_error_is_logged_with_the_request_id_of_its_request() {
    // Process-wide, as in the server: a subscriber set for one thread only can miss spans
    // whose interest other tests' threads settled first. Lines are told apart by request id.
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");

    let test = TestApp::sqlite().await;
    // A broken database: every token check fails inside the server.
    sqlx::query("DROP TABLE api_tokens")
        .execute(test.app.db.writer())
        .await
        .unwrap();
    let request = Request::get("/api/v1/me")
        .header(header::AUTHORIZATION, "Bearer lds_whatever")
        .header("x-request-id", "req-4711-abc")
        .body(Body::empty())
        .unwrap();
    let response = test.send(request).await;
    response.error(StatusCode::INTERNAL_SERVER_ERROR, "internal");
    assert_eq!(response.header("x-request-id"), Some("req-4711-abc"));
    assert!(
        !response.text().contains("api_tokens"),
        "no detail leaks: {}",
        response.text()
    );

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let internal: Vec<Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["message"] == "internal error")
        .filter(|line| line["span"]["request_id"] == "req-4711-abc")
        .collect();
    assert_eq!(internal.len(), 1, "{logs}");
    assert_eq!(internal[0]["level"], "ERROR");
    assert!(
        internal[0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("api_tokens")),
        "{logs}"
    );
    test.finish().await;
}
