//! `lodestar`: the one binary. Serves the web app and API, runs migrations, generates demo
//! data and manages admins.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use lodestar_app::accounts::Registration;
use lodestar_app::demo::{DEMO_PASSWORD, DemoOptions, DemoReport};
use lodestar_app::housekeeping::Housekeeping;
use lodestar_app::{App, AppError};
use lodestar_match::score::{Rules, Weights};
use lodestar_store::{Db, DbConfig};
use lodestar_web::serve::ServeOptions;
use lodestar_web::{MetricsAccess, RequestLimits, SessionLifetimes, WebConfig};
use tracing_subscriber::EnvFilter;

mod matching;

/// Lodestar: a self-hosted mentorship platform.
///
/// Runs on an embedded SQLite database by default (under ./lodestar-data/), or on
/// PostgreSQL with --database-url postgres://… . Every option can also be set with the
/// LODESTAR_* environment variable shown beside it.
#[derive(Parser)]
#[command(name = "lodestar", version, about, long_about)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Global {
    /// Database URL: sqlite://path/to/file.db or postgres://user@host/db.
    #[arg(
        long,
        env = "LODESTAR_DATABASE_URL",
        default_value = "sqlite://lodestar-data/lodestar.db",
        global = true
    )]
    database_url: String,

    /// Which log lines to show (a tracing filter such as "info" or "lodestar_web=debug").
    #[arg(long, env = "LODESTAR_LOG", default_value = "info", global = true)]
    log: String,

    /// Log as human-readable text or as JSON lines.
    #[arg(long, env = "LODESTAR_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,

    /// How much each factor of a pair's score counts, for recommendations and matching:
    /// factor=number pairs such as "skills=0.5,time_zone=0.2" (only the proportions
    /// matter; a factor not given keeps its default). Factors: skills, focus, industry,
    /// seniority, time_zone, availability, programme.
    #[arg(
        long,
        env = "LODESTAR_MATCH_WEIGHTS",
        default_value = "",
        global = true
    )]
    match_weights: Weights,

    /// Never pair people of the same organisation and department, in recommendations and
    /// matching.
    #[arg(long, env = "LODESTAR_MATCH_DIFFERENT_DEPARTMENT", global = true)]
    different_department: bool,

    /// The relevance rule: recommend or match a mentor only if they mentor a skill the
    /// mentee wants or offer one of the mentee's focus areas. "off" lets any mentor be
    /// recommended or matched on the other factors alone.
    #[arg(
        long,
        env = "LODESTAR_RELEVANCE_RULE",
        value_enum,
        default_value_t = Switch::On,
        global = true
    )]
    relevance_rule: Switch,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Switch {
    On,
    Off,
}

impl Global {
    /// The programme's rules, from the flags.
    fn match_rules(&self) -> Rules {
        Rules {
            different_department: self.different_department,
            relevance: self.relevance_rule == Switch::On,
            junior_mentors: false,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (pages, JSON API, health and metrics). Migrates first.
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate,
    /// Fill the database with a generated demo organisation and print logins to try.
    Demo(DemoArgs),
    /// Manage administrators.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Match mentees with mentors: solve given scores, or generate a problem.
    #[command(subcommand, name = "match")]
    Match(matching::MatchCommand),
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LODESTAR_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,

    /// The address people reach Lodestar at (default: http:// and the bind address). When it
    /// is https, cookies are marked Secure.
    #[arg(long, env = "LODESTAR_PUBLIC_URL")]
    public_url: Option<String>,

    /// Trust X-Forwarded-For for client addresses (only behind your own reverse proxy).
    #[arg(long, env = "LODESTAR_TRUST_PROXY")]
    trust_proxy: bool,

    /// With --trust-proxy: how many reverse proxies of your own stand in front of Lodestar.
    /// The client is the address the outermost one saw, this many entries from the right
    /// of X-Forwarded-For.
    #[arg(long, env = "LODESTAR_TRUSTED_PROXIES", default_value_t = 1)]
    trusted_proxies: usize,

    /// Seconds a request may take, reading its body included, before it is answered 503.
    #[arg(long, env = "LODESTAR_REQUEST_TIMEOUT", default_value_t = 30)]
    request_timeout: u64,

    /// Seconds a connection may take to send a request's headers before it is closed.
    #[arg(long, env = "LODESTAR_HEADER_TIMEOUT", default_value_t = 10)]
    header_timeout: u64,

    /// Seconds given to requests in flight to finish after SIGTERM or Ctrl-C.
    #[arg(long, env = "LODESTAR_SHUTDOWN_TIMEOUT", default_value_t = 20)]
    shutdown_timeout: u64,

    /// Open connections at most, each open live stream (a signed-in page, an API event
    /// stream) holding one; more wait in the operating system's queue. Each is a file
    /// descriptor: the process's limit (ulimit -n) must be higher.
    #[arg(long, env = "LODESTAR_MAX_CONNECTIONS", default_value_t = 4096)]
    max_connections: usize,

    /// Requests served at once; more are answered 503 at once (/healthz excepted).
    #[arg(long, env = "LODESTAR_MAX_CONCURRENT_REQUESTS", default_value_t = 512)]
    max_concurrent_requests: usize,

    /// The largest request body accepted, in bytes.
    #[arg(long, env = "LODESTAR_MAX_BODY_BYTES", default_value_t = 64 * 1024)]
    max_body_bytes: usize,

    /// Accounts that may be registered from one address per hour.
    #[arg(long, env = "LODESTAR_REGISTRATIONS_PER_ADDRESS", default_value_t = 10)]
    registrations_per_address: i64,

    /// Serve /metrics on this address only (and not on --bind).
    #[arg(long, env = "LODESTAR_METRICS_BIND")]
    metrics_bind: Option<SocketAddr>,

    /// Require this token for /metrics, as Authorization: Bearer <token>.
    #[arg(long, env = "LODESTAR_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,

    /// On an empty database, generate the demo organisation before serving.
    #[arg(long, env = "LODESTAR_DEMO")]
    demo: bool,

    /// How many people --demo generates.
    #[arg(long, env = "LODESTAR_DEMO_PEOPLE", default_value_t = 1000)]
    demo_people: usize,

    /// Browser sessions end this many days after sign-in, however active (they also end
    /// after 14 days unused).
    #[arg(long, env = "LODESTAR_SESSION_MAX_AGE_DAYS", default_value_t = 30)]
    session_max_age_days: u64,

    /// Database connections in the pool.
    #[arg(long, env = "LODESTAR_DB_CONNECTIONS", default_value_t = 16)]
    db_connections: u32,

    /// Folder for files Lodestar writes besides the database: without --smtp-url, every
    /// e-mail is written as an .eml file under its outbox/.
    #[arg(long, env = "LODESTAR_DATA_DIR", default_value = "lodestar-data")]
    data_dir: std::path::PathBuf,

    /// SMTP server for e-mail: smtp://user:pass@host:587 (STARTTLS required),
    /// smtp://…?tls=opportunistic, smtp://host:25?tls=none (plain), or
    /// smtps://user:pass@host:465 (implicit TLS). Without it, e-mail goes to .eml files.
    #[arg(long, env = "LODESTAR_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,

    /// The From of e-mail, such as "Mentoring <mentoring@example.org>".
    #[arg(long, env = "LODESTAR_MAIL_FROM", default_value = lodestar_app::mail::DEFAULT_FROM)]
    mail_from: String,

    /// Minutes between two fetches of a mentor's busy calendar (its .ics URL); failures
    /// back off from this, doubling, up to a day.
    #[arg(long, env = "LODESTAR_BUSY_CALENDAR_INTERVAL", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=1440))]
    busy_calendar_interval: u64,

    /// Let busy-calendar URLs reach loopback, private and link-local addresses (an intranet
    /// calendar server). Off by default: a URL a user typed must not reach the server's own
    /// network.
    #[arg(long, env = "LODESTAR_BUSY_CALENDAR_ALLOW_PRIVATE")]
    busy_calendar_allow_private: bool,

    /// Let webhook endpoints be on loopback, private and link-local addresses (a receiver
    /// on the intranet). Off by default: an address an admin typed must not reach the
    /// server's own network.
    #[arg(long, env = "LODESTAR_WEBHOOK_ALLOW_PRIVATE")]
    webhook_allow_private: bool,

    /// Days a mentor still reads what a mentee shared with them (goals, check-ins, their
    /// progress) after their mentorship ends; 0 ends it with the mentorship.
    #[arg(long, env = "LODESTAR_SHARE_GRACE_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(0..=3650))]
    share_grace_days: u32,

    /// Sign-in through an OpenID provider: its issuer URL, exactly as its discovery
    /// document names it. Set it with --oidc-client-id and --oidc-client-secret, or none of
    /// the three; register <public URL>/auth/oidc/callback as the redirect URI.
    #[arg(long, env = "LODESTAR_OIDC_ISSUER")]
    oidc_issuer: Option<String>,

    /// This installation's client id at the OpenID provider.
    #[arg(long, env = "LODESTAR_OIDC_CLIENT_ID")]
    oidc_client_id: Option<String>,

    /// This installation's client secret at the OpenID provider.
    #[arg(long, env = "LODESTAR_OIDC_CLIENT_SECRET", hide_env_values = true)]
    oidc_client_secret: Option<String>,

    /// Make an account on the first sign-in through the OpenID provider of a verified
    /// e-mail that has none. Off: only existing accounts sign in that way.
    #[arg(long, env = "LODESTAR_OIDC_CREATE_ACCOUNTS")]
    oidc_create_accounts: bool,

    /// What the sign-in button calls the OpenID provider ("Sign in with …").
    #[arg(long, env = "LODESTAR_OIDC_NAME", default_value = "Single sign-on")]
    oidc_name: String,
}

#[derive(Args)]
struct DemoArgs {
    /// How many people to generate (up to 100,000 or more for benchmarks).
    #[arg(long, default_value_t = 1000)]
    people: usize,

    /// The same seed always generates the same organisation.
    #[arg(long, default_value_t = 42)]
    seed: u64,

    /// How many opportunities and insights to post (default: a third of the people, from
    /// 50 to 500; 50,000 for the "For you" benchmark).
    #[arg(long)]
    opportunities: Option<usize>,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin account. The password is read from --password, LODESTAR_ADMIN_PASSWORD
    /// or the first line of standard input.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long, env = "LODESTAR_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Make an existing account an admin.
    Grant {
        #[arg(long)]
        email: String,
    },
    /// Take admin rights away from an account.
    Revoke {
        #[arg(long)]
        email: String,
    },
}

fn init_logging(global: &Global) {
    let filter = EnvFilter::try_new(&global.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match global.log_format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
        LogFormat::Text => builder.init(),
    }
}

async fn open(global: &Global, connections: u32) -> Result<App> {
    let mut config = DbConfig::new(global.database_url.clone());
    config.max_connections = connections;
    let db = Db::connect(&config)
        .await
        .with_context(|| format!("cannot open the database at {}", global.database_url))?;
    let mut app = App::new(db);
    app.policy.match_weights = global.match_weights;
    app.policy.match_rules = global.match_rules();
    app.prepare().await.map_err(explain)?;
    Ok(app)
}

/// Application errors, in words for the terminal.
fn explain(err: AppError) -> anyhow::Error {
    match err {
        AppError::Invalid(errors) => {
            let lines: Vec<String> = errors.iter().map(|(f, m)| format!("  {f}: {m}")).collect();
            anyhow::anyhow!("invalid input:\n{}", lines.join("\n"))
        }
        other => anyhow::anyhow!(other.to_string()),
    }
}

fn print_demo(report: &DemoReport) {
    println!(
        "Generated {} people in {:.1} s ({} mentors, {} mentees, {} both).",
        report.people, report.seconds, report.mentors, report.mentees, report.both
    );
    let history = &report.history;
    println!(
        "Their history: {} mentorships ({} running), {} sessions, {} requests.",
        history.mentorships, history.active, history.meetings, history.requests
    );
    let growth = &report.growth;
    println!(
        "Their growth: {} people with {} goals ({} achieved) and {} milestones, {} check-ins ({} marked drops), {} career outcomes.",
        growth.people,
        growth.goals,
        growth.achieved,
        growth.milestones,
        growth.check_ins,
        growth.marked_drops,
        growth.outcomes
    );
    println!(
        "Their skills: {} assessments, {} pieces of feedback.",
        growth.assessments, growth.feedback
    );
    let network = &report.network;
    let connections = network.connections();
    let share = |n: usize| 100.0 * n as f64 / connections.max(1) as f64;
    println!(
        "Their network: {connections} connections ({:.1} a person, {:.0} % within one organisation, {} from mentorships, {} from introductions), {} requests pending, {} introductions waiting for an answer; the median person has {}, the best connected {}.",
        connections as f64 / report.people.max(1) as f64,
        share(network.within_organisation),
        network.mentorships,
        network.introduced,
        network.pending,
        network.introductions_open,
        network.median_degree,
        network.highest_degree
    );
    let posted = &report.opportunities;
    println!(
        "Their opportunities: {} posted ({} insights), {} shared by mentors with mentees.",
        posted.posted, posted.insights, posted.shared
    );
    let programmes = &report.programmes;
    println!(
        "Their programmes: one taking enrolments ({} approved, {} of them imported from a file that invited {} people new to Lodestar; {} waiting for approval, {} withdrawn), one half-way ({} enrolled, {} mentorships from its published match, {} mentees left unmatched).",
        programmes.enrolling_approved,
        programmes.enrolling_imported,
        programmes.invited,
        programmes.enrolling_pending,
        programmes.enrolling_withdrawn,
        programmes.running_enrolled,
        programmes.matched,
        programmes.unmatched
    );
    let months = &programmes.history;
    println!(
        "Its months so far: {} sessions held; {} mentorships completed, {} cancelled, {} stalled, {} paused; {} check-ins, {} goals and {} career outcomes of its mentees.",
        months.sessions_held,
        months.completed,
        months.cancelled,
        months.stalled,
        months.paused,
        months.check_ins,
        months.goals,
        months.outcomes
    );
    let assisted = &programmes.assisted;
    println!(
        "And one admin-assisted ({} mentors, {} mentees): {} requests asked in it, {} approved ({} accepted), {} not approved, {} waiting for approval.",
        assisted.mentors,
        assisted.mentees,
        assisted.requests,
        assisted.approved,
        assisted.accepted,
        assisted.rejected,
        assisted.waiting
    );
    let circles = &programmes.circles;
    println!(
        "And one of group circles ({} mentors, {} mentees): {} circles of {} mentees formed around skills they want ({} of them led by two mentors), {} goals on their boards.",
        circles.mentors,
        circles.mentees,
        circles.circles,
        circles.in_circles,
        circles.co_mentored,
        circles.on_board
    );
    println!("Log in as any of these, with the password {DEMO_PASSWORD}:");
    for (what, email) in &report.logins {
        println!("  {what:<18} {email}");
    }
}

async fn shutdown_signal(stop: tokio::sync::watch::Sender<bool>) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
    stop.send_replace(true);
}

/// Completes once `stop` says so (or its sender is gone).
async fn stopped(mut stop: tokio::sync::watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

async fn serve(global: &Global, args: ServeArgs) -> Result<()> {
    let mut app = open(global, args.db_connections).await?;
    // Links in e-mails and invitation links point where people reach Lodestar.
    app.policy.public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.bind));
    app.policy.throttle.registrations_per_address = args.registrations_per_address;
    app.policy.busy_calendars.every = Duration::from_secs(args.busy_calendar_interval * 60);
    app.policy.busy_calendars.limits.allow_private = args.busy_calendar_allow_private;
    app.policy.webhooks.allow_private = args.webhook_allow_private;
    app.policy.mentoring.share_grace_ms = i64::from(args.share_grace_days) * 24 * 60 * 60 * 1000;
    if let Some(settings) = oidc_settings(&args)? {
        let issuer = settings.issuer.clone();
        let oidc = lodestar_app::oidc::Oidc::discover(settings, &app.policy.public_url).await?;
        tracing::info!(%issuer, "sign-in through the OpenID provider is on");
        app = app.with_oidc(oidc);
    }
    if args.demo {
        if lodestar_store::persons::count(&app.db).await? == 0 {
            let report = app
                .generate_demo(&DemoOptions {
                    people: args.demo_people,
                    opportunities: lodestar_app::demo::default_opportunities(args.demo_people),
                    seed: 42,
                    progress: std::io::stderr().is_terminal(),
                })
                .await
                .map_err(explain)?;
            print_demo(&report);
        } else {
            tracing::info!("--demo: the database already has people; leaving it as it is");
        }
    }
    app = app.with_mailer(mailer(&args)?);
    if let Some(folder) = app.mailer().folder() {
        tracing::warn!(
            folder = %folder.display(),
            "no SMTP server configured (--smtp-url): e-mail is written as .eml files here"
        );
    }
    // One scheduler for periodic work (pruning, planner statistics), now and then regularly.
    tokio::spawn(Housekeeping::new(app.clone()).run());
    // The e-mail sender: it picks up whatever the outbox holds, from before a restart too.
    tokio::spawn(app.clone().run_sender());
    // Webhooks, from their own table the same way.
    tokio::spawn(app.clone().run_webhook_sender());
    tokio::spawn(app.clone().run_lifecycle());
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    // Mentors' busy calendars, fetched on their schedule until shutdown begins.
    tokio::spawn(app.clone().run_busy_calendar_sync(stopped(stop_rx.clone())));
    let public_url = app.policy.public_url.clone();
    let config = WebConfig {
        secure_cookies: public_url.starts_with("https://"),
        trust_proxy: args.trust_proxy,
        trusted_proxies: args.trusted_proxies,
        limits: RequestLimits {
            max_body_bytes: args.max_body_bytes,
            request_timeout: Duration::from_secs(args.request_timeout),
            max_concurrent_requests: args.max_concurrent_requests,
            ..RequestLimits::default()
        },
        metrics: MetricsAccess {
            separate: args.metrics_bind.is_some(),
            token: args.metrics_token.clone(),
        },
        sessions: SessionLifetimes {
            absolute: Duration::from_secs(args.session_max_age_days.max(1) * 24 * 60 * 60),
            ..SessionLifetimes::default()
        },
    };
    warn_if_few_file_descriptors(args.max_connections);
    let options = ServeOptions {
        header_timeout: Duration::from_secs(args.header_timeout),
        shutdown_timeout: Duration::from_secs(args.shutdown_timeout),
        max_connections: args.max_connections,
    };
    let metrics = match args.metrics_bind {
        Some(address) => {
            let listener = tokio::net::TcpListener::bind(address)
                .await
                .with_context(|| format!("cannot listen on {address} for metrics"))?;
            tracing::info!(%address, "metrics are served here");
            let (router, options, stop) = (
                lodestar_web::metrics_router(&config),
                options.clone(),
                stop_rx.clone(),
            );
            Some(tokio::spawn(async move {
                lodestar_web::serve::serve(listener, router, &options, stopped(stop)).await
            }))
        }
        None => None,
    };
    print_setup_link(&app, &public_url).await?;
    let db = app.db.clone();
    let live = app.live().clone();
    let router = lodestar_web::router(app, config);
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    tracing::info!(address = %args.bind, database = db.backend().name(), "Lodestar is listening");
    println!("Lodestar is running at {public_url} (press Ctrl-C to stop)");
    tokio::spawn(shutdown_signal(stop));
    // Open event streams end as shutdown begins (their clients reconnect elsewhere or
    // later), so they do not hold it up until the deadline.
    let shutdown = async move {
        stopped(stop_rx).await;
        live.close();
    };
    lodestar_web::serve::serve(listener, router, &options, shutdown).await?;
    if let Some(metrics) = metrics {
        metrics.await??;
    }
    db.close().await;
    Ok(())
}

/// The OpenID provider's settings: none when none of the issuer, client id and secret is
/// given, an error when only some are.
fn oidc_settings(args: &ServeArgs) -> Result<Option<lodestar_app::oidc::Settings>> {
    let given = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
    let (issuer, id, secret) = (
        given(&args.oidc_issuer),
        given(&args.oidc_client_id),
        given(&args.oidc_client_secret),
    );
    match (issuer, id, secret) {
        (None, None, None) => Ok(None),
        (Some(issuer), Some(client_id), Some(client_secret)) => {
            Ok(Some(lodestar_app::oidc::Settings {
                issuer: issuer.trim().to_owned(),
                client_id,
                client_secret,
                create_accounts: args.oidc_create_accounts,
                name: args.oidc_name.clone(),
            }))
        }
        (issuer, id, secret) => {
            let missing: Vec<&str> = [
                (issuer.is_none(), "LODESTAR_OIDC_ISSUER"),
                (id.is_none(), "LODESTAR_OIDC_CLIENT_ID"),
                (secret.is_none(), "LODESTAR_OIDC_CLIENT_SECRET"),
            ]
            .into_iter()
            .filter_map(|(missing, name)| missing.then_some(name))
            .collect();
            bail!(
                "sign-in through an OpenID provider needs LODESTAR_OIDC_ISSUER, \
                 LODESTAR_OIDC_CLIENT_ID and LODESTAR_OIDC_CLIENT_SECRET together \
                 (or --oidc-issuer, --oidc-client-id, --oidc-client-secret); missing: {}",
                missing.join(", ")
            )
        }
    }
}

/// Warns when the process may open fewer files than `--max-connections` needs (plus the
/// database's and the log's): beyond that, connections fail instead of waiting. Linux only,
/// from /proc; elsewhere nothing is checked.
fn warn_if_few_file_descriptors(max_connections: usize) {
    let Ok(limits) = std::fs::read_to_string("/proc/self/limits") else {
        return;
    };
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse::<usize>().ok());
    if let Some(soft) = soft
        && soft < max_connections + 128
    {
        tracing::warn!(
            open_files = soft,
            max_connections,
            "the process may open fewer files than --max-connections needs; raise it (ulimit -n, \
             LimitNOFILE= in a systemd unit) or lower --max-connections"
        );
    }
}

fn mailer(args: &ServeArgs) -> Result<lodestar_app::mail::Mailer> {
    use lodestar_app::mail::Mailer;
    Ok(match &args.smtp_url {
        Some(url) => Mailer::smtp(url, &args.mail_from)?,
        // Absolute, so the log says exactly where to look.
        None => Mailer::files(
            std::path::absolute(args.data_dir.join("outbox"))?,
            &args.mail_from,
        )?,
    })
}

/// On an installation without an admin, prints a fresh one-time link that creates it
/// (replacing any earlier link). Registering never makes an admin, so an instance reached
/// by others before its operator cannot be claimed by them.
async fn print_setup_link(app: &App, public_url: &str) -> Result<()> {
    if let Some(token) = app
        .issue_setup_token(SETUP_LINK_TTL_MS)
        .await
        .map_err(explain)?
    {
        let base = public_url.trim_end_matches('/');
        println!("No admin yet. Create one within 24 hours with this one-time link:");
        println!("  {base}/setup/{token}");
        println!("(or run `lodestar admin create`).");
    }
    Ok(())
}

const SETUP_LINK_TTL_MS: i64 = 24 * 60 * 60 * 1000;

fn read_password(given: Option<String>) -> Result<String> {
    if let Some(password) = given {
        return Ok(password);
    }
    if std::io::stdin().is_terminal() {
        eprint!("Password for the new admin: ");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password given: use --password, LODESTAR_ADMIN_PASSWORD or standard input");
    }
    Ok(password)
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    init_logging(&cli.global);
    match cli.command {
        Command::Serve(args) => serve(&cli.global, *args).await,
        Command::Match(command) => matching::run(&cli.global, command).await,
        Command::Migrate => {
            open(&cli.global, 2).await?;
            println!("Database is up to date.");
            Ok(())
        }
        Command::Demo(args) => {
            let app = open(&cli.global, 4).await?;
            let options = DemoOptions {
                people: args.people,
                opportunities: args
                    .opportunities
                    .unwrap_or_else(|| lodestar_app::demo::default_opportunities(args.people)),
                seed: args.seed,
                progress: std::io::stderr().is_terminal(),
            };
            let report = app.generate_demo(&options).await.map_err(explain)?;
            print_demo(&report);
            Ok(())
        }
        Command::Admin(command) => {
            let app = open(&cli.global, 2).await?;
            match command {
                AdminCommand::Create {
                    name,
                    email,
                    password,
                } => {
                    let password = read_password(password)?;
                    let account = app
                        .create_admin(&Registration {
                            name,
                            email,
                            password,
                        })
                        .await
                        .map_err(explain)?;
                    println!("Created admin {} <{}>.", account.name, account.email);
                }
                AdminCommand::Grant { email } => {
                    let account = app
                        .set_admin_by_email(&email, true)
                        .await
                        .map_err(explain)?;
                    println!("{} is now an admin.", account.email);
                }
                AdminCommand::Revoke { email } => {
                    let account = app
                        .set_admin_by_email(&email, false)
                        .await
                        .map_err(explain)?;
                    println!("{} is no longer an admin.", account.email);
                }
            }
            Ok(())
        }
    }
}
