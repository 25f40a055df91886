//! Sign-in through an OpenID provider, end to end against a real one: `oidc-provider` from
//! npm in its own Node process (`tests/tools/oidc/provider.mjs`), over HTTP on 127.0.0.1.
//! The browser's side is followed redirect by redirect: Lodestar's pages in process, the
//! provider's over the network, its log-in step by the script's `?login=<account>`.
//!
//! The provider's accounts: `alice` (Alice@Example.org, verified), `uma` (uma@example.org,
//! not verified), `nova` (nova@example.org, verified), `sam` (sam@example.org, verified),
//! `quiet` (quiet.one@example.org, verified, no name).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use axum::http::StatusCode;
use lodestar_app::App;
use lodestar_app::oidc::{Oidc, Settings};

use crate::pages::Browser;
use crate::support::{PASSWORD, TestApp, TestResponse, api_tests};

const CLIENT_ID: &str = "lodestar-tests";
const CLIENT_SECRET: &str = "a-client-secret-for-the-tests";
/// The tests' applications keep the default public URL.
const PUBLIC_URL: &str = "http://localhost:8080";

fn tool_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/oidc"))
}

/// `npm ci` once per test process, when the provider's packages are missing.
fn install_provider() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        if tool_dir().join("node_modules/oidc-provider").is_dir() {
            return;
        }
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(tool_dir())
            .status()
            .expect("run npm (Node.js) to install the test OpenID provider");
        assert!(status.success(), "npm ci in {}", tool_dir().display());
    });
}

/// The provider's process; killed when dropped.
struct Provider {
    child: Child,
    issuer: String,
    /// Kept open: a closed pipe would end the process at its next line of output.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Provider {
    fn start() -> Self {
        install_provider();
        let mut child = Command::new("node")
            .arg(tool_dir().join("provider.mjs"))
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .env(
                "OIDC_REDIRECT_URI",
                format!("{PUBLIC_URL}{}", lodestar_app::oidc::CALLBACK_PATH),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // Its warnings (development keys, in-memory store) are expected here.
            .stderr(Stdio::null())
            .spawn()
            .expect("start node for the test OpenID provider");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        let issuer = line.trim().to_owned();
        assert!(
            issuer.starts_with("http://127.0.0.1:"),
            "the provider printed {issuer:?}"
        );
        Self {
            child,
            issuer,
            _stdout: stdout,
        }
    }

    fn settings(&self, create_accounts: bool) -> Settings {
        Settings {
            issuer: self.issuer.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            create_accounts,
            name: "Example SSO".into(),
        }
    }

    /// `app`'s database served by a process signing in through this provider.
    async fn serving(&self, app: &TestApp, create_accounts: bool) -> TestApp {
        let mut plain = App::new(app.app.db.clone());
        plain.policy.throttle.registrations_per_address = i64::MAX;
        let oidc = Oidc::discover(self.settings(create_accounts), &plain.policy.public_url)
            .await
            .expect("discover the test provider");
        app.serving(plain.with_oidc(oidc))
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The provider's side of a browser: its cookies, redirects not followed.
struct ProviderSide {
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

impl ProviderSide {
    fn new() -> Self {
        // The workspace's reqwest comes without a TLS provider of its own; plain HTTP here.
        let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
        Self {
            http: reqwest::Client::builder()
                .tls_backend_preconfigured(tls)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    /// GETs `url`; the `Location` it answers with, made absolute.
    async fn get(&mut self, url: &str) -> String {
        let jar: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let response = self
            .http
            .get(url)
            .header("cookie", jar.join("; "))
            .send()
            .await
            .unwrap();
        for set in response.headers().get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let (name, value) = set.split(';').next().unwrap().split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        let Some(location) = location else {
            panic!(
                "{url}: {status} without a redirect: {}",
                response.text().await.unwrap()
            );
        };
        reqwest::Url::parse(url)
            .unwrap()
            .join(&location)
            .unwrap()
            .to_string()
    }
}

/// Where a sign-in begun on `start` ends: the URL the provider sends the browser back to,
/// after logging in as `account` there.
async fn through_provider(browser: &mut Browser<'_>, start: &str, account: &str) -> String {
    let begun = browser.get(start).await;
    assert_eq!(begun.status, StatusCode::SEE_OTHER, "{}", begun.text());
    let mut url = begun.header("location").unwrap().to_owned();
    let mut provider = ProviderSide::new();
    for _ in 0..10 {
        if url.starts_with(PUBLIC_URL) {
            return url;
        }
        if url.contains("/interaction/") && !url.contains("login=") {
            url = format!("{url}?login={account}");
        }
        url = provider.get(&url).await;
    }
    panic!("the provider never sent the browser back: {url}");
}

/// Signs in as `account` at the provider from `browser`: Lodestar's answer to the callback.
async fn sign_in_as(browser: &mut Browser<'_>, account: &str) -> TestResponse {
    let back = through_provider(browser, "/auth/oidc/start?next=%2Fpeople", account).await;
    browser.get(back.strip_prefix(PUBLIC_URL).unwrap()).await
}

async fn identities(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as::<_, (String, String, String)>(
        "SELECT i.issuer, i.subject, p.email FROM oidc_identities i JOIN persons p ON p.id = i.person_id ORDER BY i.subject",
    )
    .fetch_all(app.app.db.reader())
    .await
    .unwrap()
}

async fn persons(app: &TestApp) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM persons")
        .fetch_one(app.app.db.reader())
        .await
        .unwrap()
}

/// The refusal's heading and message, as the page shows them.
fn refusal(page: &TestResponse) -> String {
    let text = page.text();
    let start = text.find("<h1>").expect("a heading");
    text[start..].split("</p>").next().unwrap().to_owned()
}

api_tests! {
    async fn an_existing_account_is_linked_by_its_verified_email_and_then_signs_in_by_the_link(app) {
        app.register("Alice Lodestar", "alice@example.org").await;
        let provider = Provider::start();
        let sso = provider.serving(app, false).await;
        let before = persons(app).await;

        let login = sso.get("/login", None).await;
        assert!(login.text().contains("Sign in with Example SSO"), "{}", login.text());
        assert!(!app.get("/login", None).await.text().contains("Sign in with"), "no button unless configured");

        let mut browser = Browser::new(&sso);
        let done = sign_in_as(&mut browser, "alice").await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
        assert_eq!(done.header("location"), Some("/people"));
        assert!(browser.session().is_some(), "signed in");
        assert!(!browser.cookies.contains_key("lodestar_oidc"), "the pending sign-in is used up");
        let account = browser.get("/account/password").await;
        assert_eq!(account.status, StatusCode::OK);
        assert!(account.text().contains("Signed in with Example SSO as alice@example.org"), "{}", account.text());
        // The link is the person's own data, in their export.
        let export = browser.get("/account/export.json").await;
        assert_eq!(export.status, StatusCode::OK, "{}", export.text());
        let sso_part = &export.json()["records"]["single_sign_on"];
        assert_eq!(sso_part[0]["issuer"], provider.issuer.as_str(), "{sso_part}");
        assert_eq!((&sso_part[0]["subject"], &sso_part[0]["email"]), (&serde_json::json!("alice"), &serde_json::json!("alice@example.org")));
        let linked = identities(app).await;
        assert_eq!(linked.len(), 1);
        assert_eq!(linked[0].0, provider.issuer);
        assert_eq!(linked[0].1, "alice");
        assert_eq!(linked[0].2, "alice@example.org");

        // A second sign-in, from another browser, uses the link.
        let mut other = Browser::new(&sso);
        let again = sign_in_as(&mut other, "alice").await;
        assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text());
        assert_ne!(other.session(), browser.session(), "a session of its own");
        assert_eq!(identities(app).await.len(), 1);
        assert_eq!(persons(app).await, before, "nobody new");
        // The password still works.
        assert_eq!(app.login("alice@example.org", PASSWORD).await.status, StatusCode::OK);
    }

    async fn an_email_the_provider_has_not_verified_links_nothing(app) {
        app.register("Uma Lodestar", "uma@example.org").await;
        let provider = Provider::start();
        let sso = provider.serving(app, true).await;
        let before = persons(app).await;
        let mut browser = Browser::new(&sso);
        let refused = sign_in_as(&mut browser, "uma").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
        assert!(refusal(&refused).contains("has not verified the e-mail address uma@example.org"), "{}", refusal(&refused));
        assert!(browser.session().is_none(), "nobody is signed in");
        assert!(identities(app).await.is_empty());
        assert_eq!(persons(app).await, before);
    }

    async fn an_unknown_email_is_refused_unless_the_operator_lets_sign_in_make_accounts(app) {
        let provider = Provider::start();
        let closed = provider.serving(app, false).await;
        assert!(!closed.get("/register", None).await.text().contains("Sign in with"));
        let before = persons(app).await;
        let mut browser = Browser::new(&closed);
        let refused = sign_in_as(&mut browser, "nova").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
        assert!(refusal(&refused).contains("No account for this e-mail"), "{}", refusal(&refused));
        assert!(refusal(&refused).contains("nova@example.org; ask your administrator"));
        assert!(browser.session().is_none());
        assert_eq!(persons(app).await, before, "no account made");

        let open = provider.serving(app, true).await;
        assert!(open.get("/register", None).await.text().contains("Sign in with Example SSO"));
        let mut browser = Browser::new(&open);
        let made = sign_in_as(&mut browser, "nova").await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
        assert_eq!(made.header("location"), Some("/profile"), "a new account is greeted");
        assert!(browser.session().is_some());
        let (name, hash, listed) = sqlx::query_as::<_, (String, String, i64)>(
            "SELECT name, password_hash, listed FROM persons WHERE email = 'nova@example.org'",
        )
        .fetch_one(app.app.db.reader())
        .await
        .unwrap();
        assert_eq!((name.as_str(), hash.as_str(), listed), ("Nova Newcomer", "", 1), "named, no password, listed");
        assert_eq!(identities(app).await.len(), 1);
        // No password matches the empty one.
        assert_eq!(app.login("nova@example.org", "").await.status, StatusCode::UNAUTHORIZED);
        // Listed like anyone who registered.
        let viewer = app.register_and_login("Vera Viewer", "vera@example.org").await;
        let found = app.get("/api/v1/people?q=Nova", Some(&viewer)).await;
        assert!(found.text().contains("Nova Newcomer"), "{}", found.text());

        // Without a name claim, the e-mail's local part names the account.
        let mut browser = Browser::new(&open);
        assert_eq!(sign_in_as(&mut browser, "quiet").await.status, StatusCode::SEE_OTHER);
        let name = sqlx::query_scalar::<_, String>("SELECT name FROM persons WHERE email = 'quiet.one@example.org'")
            .fetch_one(app.app.db.reader())
            .await
            .unwrap();
        assert_eq!(name, "quiet.one");
    }

    async fn an_account_made_by_the_provider_sets_its_first_password_only_soon_after_signing_in(app) {
        let provider = Provider::start();
        let open = provider.serving(app, true).await;
        let mut browser = Browser::new(&open);
        assert_eq!(sign_in_as(&mut browser, "nova").await.status, StatusCode::SEE_OTHER);
        let page = browser.get("/account/password").await.text();
        assert!(page.contains("Set a password") && !page.contains("name=\"current_password\""), "{page}");
        assert!(page.contains("Set a password above first"), "no delete form without a password: {page}");
        // Without a browser's recent sign-in (as through the API, on a token), it may not.
        let id: String = sqlx::query_scalar("SELECT id FROM persons WHERE email = 'nova@example.org'")
            .fetch_one(app.app.db.reader()).await.unwrap();
        let viewer = app.app.viewer(id.parse().unwrap()).await.unwrap().unwrap();
        let change = lodestar_app::accounts::PasswordChange {
            current_password: String::new(),
            new_password: "a long new secret 42".into(),
            keep_api_tokens: false,
        };
        let refused = app.app.change_password(&viewer, &change, None).await;
        assert!(matches!(refused, Err(lodestar_app::AppError::Conflict { code: "recent_sign_in_required", .. })), "{refused:?}");

        // A sign-in older than the window: the page says to sign in again, and a post is refused.
        sqlx::query("UPDATE sessions SET created_at = created_at - 1200000")
            .execute(app.app.db.writer()).await.unwrap();
        let page = browser.get("/account/password").await.text();
        assert!(page.contains("sign out and sign in again") && !page.contains("name=\"new_password\""), "{page}");
        let csrf = crate::pages::csrf_of(&page);
        let refused = browser.post("/account/password", &[
            ("_csrf", csrf.as_str()), ("new_password", "a long new secret 42"), ("confirm_password", "a long new secret 42"),
        ]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("within 15 minutes"), "{}", refused.text());
        assert_eq!(app.login("nova@example.org", "a long new secret 42").await.status, StatusCode::UNAUTHORIZED);

        // Signed in again: the password is set, and signs in by e-mail from then on.
        let mut browser = Browser::new(&open);
        assert_eq!(sign_in_as(&mut browser, "nova").await.status, StatusCode::SEE_OTHER);
        let csrf = crate::pages::csrf_of(&browser.get("/account/password").await.text());
        let weak = browser.post("/account/password", &[
            ("_csrf", csrf.as_str()), ("new_password", "short"), ("confirm_password", "short"),
        ]).await;
        assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY, "a weak one is refused as ever");
        let set = browser.post("/account/password", &[
            ("_csrf", csrf.as_str()), ("new_password", "a long new secret 42"), ("confirm_password", "a long new secret 42"),
        ]).await;
        assert!(set.status.is_redirection(), "{}", set.text());
        assert_eq!(app.login("nova@example.org", "a long new secret 42").await.status, StatusCode::OK);
        let page = browser.get("/account/password").await.text();
        assert!(page.contains("name=\"current_password\""), "now a password is changed with the current one: {page}");
    }

    async fn a_callback_with_another_state_without_its_cookie_or_with_a_provider_error_signs_nobody_in(app) {
        app.register("Alice Lodestar", "alice@example.org").await;
        let provider = Provider::start();
        let sso = provider.serving(app, false).await;

        // Another state than the one begun in this browser.
        let mut browser = Browser::new(&sso);
        let back = through_provider(&mut browser, "/auth/oidc/start", "alice").await;
        let path = back.strip_prefix(PUBLIC_URL).unwrap();
        let (before, state_and_rest) = path.split_once("state=").unwrap();
        let rest = state_and_rest.split_once('&').map_or(String::new(), |(_, r)| format!("&{r}"));
        let tampered = format!("{before}state=not-the-state{rest}");
        let refused = browser.get(&tampered).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text());
        assert!(refusal(&refused).contains("This sign-in has expired"));
        assert!(browser.session().is_none());

        // The right answer in a browser that did not begin it (no cookie).
        let mut stranger = Browser::new(&sso);
        let refused = stranger.get(path).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text());
        assert!(stranger.session().is_none());

        // The cookie was used up by the refusal: the real answer cannot be replayed.
        let replayed = browser.get(path).await;
        assert_eq!(replayed.status, StatusCode::BAD_REQUEST, "{}", replayed.text());
        assert!(identities(app).await.is_empty());

        // The provider says the person did not allow it.
        let denied = browser
            .get("/auth/oidc/callback?error=access_denied&error_description=End-User%20aborted&state=x")
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.text());
        assert!(refusal(&denied).contains("Sign-in cancelled"));
        let odd = browser.get("/auth/oidc/callback?error=server_error").await;
        assert_eq!(odd.status, StatusCode::BAD_REQUEST, "{}", odd.text());
        assert!(refusal(&odd).contains("server_error"));
        let empty = browser.get("/auth/oidc/callback").await;
        assert_eq!(empty.status, StatusCode::BAD_REQUEST, "{}", empty.text());
        assert!(browser.session().is_none());
    }

    async fn a_suspended_account_cannot_sign_in_through_the_provider(app) {
        app.register("Sam Lodestar", "sam@example.org").await;
        let provider = Provider::start();
        let sso = provider.serving(app, true).await;
        // Linked while in good standing, then suspended: the link does not let them in.
        let mut browser = Browser::new(&sso);
        assert_eq!(sign_in_as(&mut browser, "sam").await.status, StatusCode::SEE_OTHER);
        sqlx::query("UPDATE persons SET suspended_at = 1 WHERE email = 'sam@example.org'")
            .execute(app.app.db.writer())
            .await
            .unwrap();
        let mut browser = Browser::new(&sso);
        let refused = sign_in_as(&mut browser, "sam").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
        assert!(refusal(&refused).contains("This account is suspended"));
        assert!(browser.session().is_none());
        // Nor does its verified e-mail link it anew.
        sqlx::query("DELETE FROM oidc_identities")
            .execute(app.app.db.writer())
            .await
            .unwrap();
        let refused = sign_in_as(&mut browser, "sam").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
        assert!(identities(app).await.is_empty());
    }

    async fn racing_first_sign_ins_of_one_identity_make_one_account_and_one_link(app) {
        use lodestar_store::oidc_identities::{Identity, SignIn, sign_in};
        use lodestar_store::persons::NewAccount;
        let email = lodestar_domain::Email::parse("racer@example.org").unwrap();
        let identity = Identity {
            issuer: "http://127.0.0.1:1".into(),
            subject: "racer".into(),
            email: Some(email.clone()),
            email_verified: true,
        };
        let attempts = (0..8).map(|_| {
            let (db, identity) = (app.app.db.clone(), identity.clone());
            let new = NewAccount {
                id: lodestar_domain::PersonId::new(),
                name: "Racer".into(),
                email: email.clone(),
                password_hash: String::new(),
                admin: false,
            };
            tokio::spawn(async move { sign_in(&db, &identity, Some(&new)).await })
        });
        let mut accounts = std::collections::BTreeSet::new();
        let mut created = 0;
        for attempt in attempts {
            match attempt.await.unwrap().unwrap() {
                SignIn::Created(a) => {
                    created += 1;
                    accounts.insert(a.id);
                }
                SignIn::Known(a) | SignIn::Linked(a) => {
                    accounts.insert(a.id);
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!((created, accounts.len()), (1, 1), "one account, signed in by all");
        assert_eq!(identities(app).await.len(), 1, "one link");
    }

    async fn without_a_provider_the_sign_in_routes_are_not_found(app) {
        assert_eq!(app.get("/auth/oidc/start", None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/auth/oidc/callback?code=x&state=y", None).await.status, StatusCode::NOT_FOUND);
    }
}
