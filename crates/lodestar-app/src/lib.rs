//! Lodestar's use cases. Every rule about who may do what lives here, once, and both the
//! JSON API and the HTML pages call these services.
//!
//! A service takes the [`Viewer`] (who is asking) and plain input, checks permissions,
//! parses input into domain types, and calls the store, usually in one transaction.

pub mod account_deletion;
pub mod accounts;
pub mod action_items;
pub mod audit;
pub mod booking;
pub mod busy_calendar;
pub mod calendar;
pub mod career;
pub mod catalogue;
pub mod conversations;
pub mod dashboard;
pub mod delivery;
pub mod demo;
pub mod directory;
mod error;
pub mod growth;
pub mod housekeeping;
pub mod inbox;
pub mod lifecycle;
pub mod live;
pub mod mail;
pub mod matching;
pub mod me_export;
pub mod meetings;
pub mod mentorships;
pub mod moderation;
pub mod network;
mod notify;
pub mod oidc;
pub mod opportunities;
pub mod people;
pub mod programmes;
pub mod recommendations;
pub mod requests;
pub mod secrets;
pub mod sessions;
mod snapshot;
pub mod throttle;
pub mod tokens;
pub mod webhooks;

pub use error::AppError;
use std::sync::Arc;

use lodestar_domain::PersonId;
use lodestar_match::score::{Rules, Weights};
use lodestar_store::Db;

/// Who is making a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub id: PersonId,
    pub name: String,
    pub is_admin: bool,
}

/// Limits the services enforce, with production defaults.
#[derive(Clone, Debug)]
pub struct Policy {
    /// How log-ins and registrations are rate-limited (see [`throttle`]).
    pub throttle: throttle::Limits,
    /// How long a token from `POST /api/v1/auth/login` lasts.
    pub login_token_ttl_ms: i64,
    /// How much each factor of a pair's score counts, for recommendations.
    pub match_weights: Weights,
    /// The programme's own rules for pairs (such as "not in the same department").
    pub match_rules: Rules,
    /// Limits and timings of requests and mentorships.
    pub mentoring: MentoringPolicy,
    /// Where people reach this instance (`http://localhost:8080`), for links in e-mail
    /// and calendar invitations.
    pub public_url: String,
    /// How mentors' busy calendars are fetched and read (see [`busy_calendar`]).
    pub busy_calendars: busy_calendar::Settings,
    /// How webhooks are sent (see [`webhooks`]).
    pub webhooks: webhooks::Settings,
}

/// Limits and timings of the mentorship lifecycle, with production defaults.
#[derive(Clone, Debug)]
pub struct MentoringPolicy {
    /// Open (pending) requests a mentee may have at once.
    pub max_open_requests: i64,
    /// How long a request waits for an answer before it expires.
    pub request_ttl_ms: i64,
    /// How long before expiry the mentor is reminded of an unanswered request.
    pub expiry_reminder_ms: i64,
    /// Requests in a row that expire unanswered before a mentor stops taking new ones.
    pub silent_after_expired: i64,
    /// A mentorship with no session held or scheduled for this long is stalled.
    pub stalled_after_ms: i64,
    /// How long a mentorship's conversation takes messages after the mentorship ends.
    pub thread_grace_ms: i64,
    /// How long a mentor still reads what a mentee shared with them (goals, check-ins,
    /// progress) after their mentorship ends.
    pub share_grace_ms: i64,
    /// A message is e-mailed to a party who has not read it this long after it was written…
    pub message_email_after_ms: i64,
    /// …and a party is e-mailed about one thread at most this often.
    pub message_email_every_ms: i64,
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

impl Default for MentoringPolicy {
    fn default() -> Self {
        Self {
            max_open_requests: 3,
            request_ttl_ms: 14 * DAY_MS,
            expiry_reminder_ms: 3 * DAY_MS,
            silent_after_expired: 3,
            stalled_after_ms: 21 * DAY_MS,
            thread_grace_ms: 14 * DAY_MS,
            share_grace_ms: 30 * DAY_MS,
            message_email_after_ms: 10 * 60 * 1000,
            message_email_every_ms: 60 * 60 * 1000,
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            throttle: throttle::Limits::default(),
            login_token_ttl_ms: 30 * 24 * 60 * 60 * 1000,
            match_weights: Weights::default(),
            match_rules: Rules::default(),
            mentoring: MentoringPolicy::default(),
            public_url: "http://localhost:8080".into(),
            busy_calendars: busy_calendar::Settings::default(),
            webhooks: webhooks::Settings::default(),
        }
    }
}

/// The application: the database, the policy and the caches in front of the database.
/// Cheap to clone; clones share the caches.
#[derive(Clone, Debug)]
pub struct App {
    pub db: Db,
    pub policy: Policy,
    directory_cache: Arc<directory::DirectoryCache>,
    recommendation_cache: Arc<recommendations::RecommendationCache>,
    mentor_counts: Arc<career::MentorCounts>,
    network_cache: Arc<network::paths::NetworkCache>,
    opportunity_board: Arc<opportunities::for_you::BoardCache>,
    report_cache: Arc<programmes::report::ReportCache>,
    /// Where e-mail from the outbox goes (see [`mail`], [`delivery`]).
    mailer: Arc<mail::Mailer>,
    /// This process's live bus (see [`live`]).
    live: live::Live,
    /// Sign-in through an OpenID provider, when configured (see [`oidc`]).
    oidc: Option<Arc<oidc::Oidc>>,
}

impl App {
    pub fn new(db: Db) -> Self {
        Self {
            live: live::Live::new(db.clone()),
            oidc: None,
            db,
            policy: Policy::default(),
            directory_cache: Arc::default(),
            recommendation_cache: Arc::default(),
            mentor_counts: Arc::default(),
            network_cache: Arc::default(),
            opportunity_board: Arc::default(),
            report_cache: Arc::default(),
            mailer: Arc::new(
                mail::Mailer::files(mail::DEFAULT_FOLDER, mail::DEFAULT_FROM)
                    .unwrap_or_else(|_| unreachable!("the default sender is an address")),
            ),
        }
    }

    /// Sends e-mail from the outbox with `mailer`.
    pub fn with_mailer(mut self, mailer: mail::Mailer) -> Self {
        self.mailer = Arc::new(mailer);
        self
    }

    pub fn mailer(&self) -> &mail::Mailer {
        &self.mailer
    }

    /// This process's live bus: [`live::Live::close`] it when shutting down.
    pub fn live(&self) -> &live::Live {
        &self.live
    }

    /// Migrates the database and makes sure the starting skills catalogue is there.
    pub async fn prepare(&self) -> Result<(), AppError> {
        self.db.migrate().await?;
        catalogue::seed_if_empty(&self.db).await?;
        career::seed_if_missing(&self.db).await?;
        Ok(())
    }
}
