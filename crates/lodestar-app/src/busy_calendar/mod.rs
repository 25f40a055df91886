//! A mentor's own calendar: they give the `.ics` URL of it, and its busy times block their
//! booking slots. `serve` spawns [`App::run_busy_calendar_sync`], which fetches each
//! calendar every [`Settings::every`] (sooner when it is set, later after failures) and
//! replaces its busy intervals; the slots read them with
//! [`lodestar_store::busy_times::between`].
//!
//! Several processes may run the sync on one database: a calendar is claimed by one
//! conditional update before it is fetched (see [`lodestar_store::busy_times`]).
//!
//! A failed fetch (the server away, an HTTP error, a file that is not a calendar) keeps the
//! busy times read last and is tried again after a backoff: the interval, doubling with
//! each failure in a row, at most a day. The mentor sees the last error in words.

pub mod fetch;
pub mod parse;
#[cfg(test)]
mod reading;
pub mod zones;

use std::future::Future;
use std::time::Duration;

use chrono_tz::Tz;
use lodestar_domain::text;
use lodestar_store::busy_times::{self, BusyCalendar, ClaimNow, Due, Fetched as Outcome};
use lodestar_store::now_ms;
use reqwest::Url;
use serde::Serialize;
use tokio::task::JoinSet;
use utoipa::ToSchema;

use crate::meetings::rfc3339;
use crate::{App, AppError, Viewer};

/// The field the URL is checked as, in the availability form and API.
pub const FIELD: &str = "busy_calendar_url";
/// The longest URL accepted.
pub const MAX_URL_CHARS: usize = 2000;
/// How long a claim keeps other processes off a calendar; far longer than a fetch takes.
pub const LEASE_MS: i64 = 2 * 60 * 1000;
/// A mentor may ask for a fetch at most this often.
pub const REFRESH_GAP_MS: i64 = 60 * 1000;
/// Calendars claimed at once by one round, and fetched at once.
pub const BATCH: i64 = 32;
pub const CONCURRENCY: usize = 4;
/// How often an idle sync looks for due calendars.
pub const IDLE: Duration = Duration::from_secs(5);
/// Busy times that ended more than this long ago are not kept.
pub const PAST_MS: i64 = DAY_MS;
/// After this long without reading the whole file, a fetch is not conditional, so that
/// recurring events are expanded again over a window that has moved on.
pub const REREAD_MS: i64 = DAY_MS;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// How busy calendars are fetched and read, with production defaults.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How often each calendar is fetched.
    pub every: Duration,
    /// How far ahead busy times are read (recurring events expanded).
    pub horizon_days: i64,
    /// Busy intervals kept per calendar at most (the earliest).
    pub max_intervals: usize,
    pub limits: fetch::Limits,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(15 * 60),
            horizon_days: 90,
            max_intervals: 5_000,
            limits: fetch::Limits::default(),
        }
    }
}

impl Settings {
    fn every_ms(&self) -> i64 {
        i64::try_from(self.every.as_millis()).unwrap_or(DAY_MS)
    }

    /// When a calendar that has now failed `failures` times in a row is tried again.
    pub fn retry_in_ms(&self, failures: i64) -> i64 {
        let doublings = u32::try_from((failures - 1).clamp(0, 20)).unwrap_or(20);
        self.every_ms()
            .saturating_mul(1_i64 << doublings)
            .min(DAY_MS.max(self.every_ms()))
    }
}

/// A person's busy calendar and how its fetches go, for their settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct BusyCalendarStatus {
    /// The calendar's address, or null when none is set.
    pub url: Option<String>,
    /// `none` (no calendar), `pending` (not fetched yet), `ok`, `not_modified` (the server
    /// said it had not changed) or `error` (see `last_error`; the busy times read last stay).
    #[schema(example = "ok")]
    pub status: &'static str,
    /// The last attempt (RFC 3339).
    pub last_fetched_at: Option<String>,
    /// The last attempt that worked.
    pub last_success_at: Option<String>,
    /// When it is fetched next.
    pub next_fetch_at: Option<String>,
    /// Why the last attempt failed, in words; null after a success.
    pub last_error: Option<String>,
    /// Busy intervals read from it (overlapping ones merged) within the window ahead.
    pub busy_intervals: i64,
    /// There were more busy intervals than are kept; the latest were left out.
    pub truncated: bool,
}

impl BusyCalendarStatus {
    fn none() -> Self {
        Self {
            url: None,
            status: "none",
            last_fetched_at: None,
            last_success_at: None,
            next_fetch_at: None,
            last_error: None,
            busy_intervals: 0,
            truncated: false,
        }
    }
}

impl From<BusyCalendar> for BusyCalendarStatus {
    fn from(c: BusyCalendar) -> Self {
        Self {
            url: Some(c.url),
            status: c.last_status.as_str(),
            last_fetched_at: c.last_fetched_at.map(rfc3339),
            last_success_at: c.last_success_at.map(rfc3339),
            next_fetch_at: Some(rfc3339(c.next_fetch_at)),
            last_error: (!c.last_error.is_empty()).then_some(c.last_error),
            busy_intervals: c.event_count,
            truncated: c.truncated,
        }
    }
}

/// One of a status's times (RFC 3339) in words in the zone `tz`, for a page: "Sat 5 Dec
/// 2026, 10:00 (Europe/Lisbon)".
pub fn in_words(at: &str, tz: &str) -> Option<String> {
    let ms = chrono::DateTime::parse_from_rfc3339(at)
        .ok()?
        .timestamp_millis();
    Some(crate::meetings::when_in(ms, tz))
}

/// What one round of the sync did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub claimed: usize,
    /// Read and stored.
    pub read: usize,
    pub not_modified: usize,
    pub failed: usize,
}

/// What became of one fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Read,
    NotModified,
    Failed,
}

/// Checks a calendar URL as typed — the one check, for the availability and the busy
/// calendar alike. Empty means none. Otherwise: one line of at most [`MAX_URL_CHARS`]
/// without spaces, an absolute `http` or `https` URL with a host and no user name or
/// password (which would be stored and shown again), and not an address literal the fetch
/// guard refuses. `webcal://` and `webcals://`, which calendar apps hand out for the same
/// file over https, are read as `https://`.
pub fn parse_url(raw: &str, allow_private: bool) -> Result<Option<String>, AppError> {
    let bad = |message: &str| AppError::invalid(FIELD, message);
    let typed =
        text::one_line(raw, MAX_URL_CHARS).map_err(|e| AppError::invalid(FIELD, e.to_string()))?;
    if typed.is_empty() {
        return Ok(None);
    }
    if typed.chars().any(char::is_whitespace) {
        return Err(bad("must not contain spaces"));
    }
    let typed = match typed.split_once("://") {
        Some((scheme, rest))
            if scheme.eq_ignore_ascii_case("webcal") || scheme.eq_ignore_ascii_case("webcals") =>
        {
            format!("https://{rest}")
        }
        _ => typed,
    };
    let url = Url::parse(&typed)
        .map_err(|_| bad("must be a web address such as https://calendar.example.org/me.ics"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("must begin with http://, https:// or webcal://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("must name a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "must not contain a user name or password (they would be stored and shown)",
        ));
    }
    fetch::check_url(&url, allow_private)
        .map_err(|e| AppError::invalid(FIELD, format!("cannot be fetched: {e}")))?;
    let url = url.to_string();
    if url.chars().count() > MAX_URL_CHARS {
        return Err(AppError::invalid(
            FIELD,
            format!("must be at most {MAX_URL_CHARS} characters"),
        ));
    }
    Ok(Some(url))
}

impl App {
    /// Sets (or, with `None` or an empty string, removes) the viewer's busy calendar. A
    /// calendar set is fetched at once by the sync; a new URL forgets the old one's busy
    /// times.
    pub async fn set_busy_calendar(
        &self,
        viewer: &Viewer,
        url: Option<String>,
    ) -> Result<(), AppError> {
        let settings = &self.policy.busy_calendars;
        let url = match url {
            Some(raw) => parse_url(&raw, settings.limits.allow_private)?,
            None => None,
        };
        let mut tx = self.db.begin().await?;
        busy_times::set_calendar(&mut tx, viewer.id, url.as_deref(), now_ms()).await?;
        lodestar_store::commit(tx).await?;
        Ok(())
    }

    /// The viewer's busy calendar and how its fetches went.
    pub async fn busy_calendar_status(
        &self,
        viewer: &Viewer,
    ) -> Result<BusyCalendarStatus, AppError> {
        Ok(busy_times::calendar_of(&self.db, viewer.id)
            .await?
            .map_or_else(BusyCalendarStatus::none, BusyCalendarStatus::from))
    }

    /// Fetches the viewer's calendar now (at most once a minute), and says how it went.
    pub async fn refresh_busy_calendar(
        &self,
        viewer: &Viewer,
    ) -> Result<BusyCalendarStatus, AppError> {
        let now = now_ms();
        match busy_times::claim_now(&self.db, viewer.id, now, LEASE_MS, REFRESH_GAP_MS).await? {
            ClaimNow::None => return Err(AppError::NotFound("busy calendar")),
            ClaimNow::TooSoon { retry_at } => {
                return Err(AppError::RateLimited {
                    retry_after_secs: u64::try_from((retry_at - now).max(1000) / 1000)
                        .unwrap_or(60),
                });
            }
            ClaimNow::Claimed(due) => {
                let client = fetch::client(&self.policy.busy_calendars.limits)
                    .map_err(AppError::Internal)?;
                self.sync_one(&client, due, now).await?;
            }
        }
        self.busy_calendar_status(viewer).await
    }

    /// One round at `now`: claims the calendars due, fetches them a few at a time, and
    /// records each outcome.
    pub async fn sync_busy_calendars(&self, now: i64) -> Result<SyncReport, AppError> {
        let due = busy_times::claim_due(&self.db, now, LEASE_MS, BATCH).await?;
        let mut report = SyncReport {
            claimed: due.len(),
            ..SyncReport::default()
        };
        if due.is_empty() {
            return Ok(report);
        }
        let client =
            fetch::client(&self.policy.busy_calendars.limits).map_err(AppError::Internal)?;
        let mut queue = due.into_iter();
        let mut running = JoinSet::new();
        let mut first_error = None;
        loop {
            while running.len() < CONCURRENCY {
                let Some(calendar) = queue.next() else { break };
                let (app, client) = (self.clone(), client.clone());
                running.spawn(async move { app.sync_one(&client, calendar, now).await });
            }
            let Some(joined) = running.join_next().await else {
                break;
            };
            match joined {
                Ok(Ok(Fate::Read)) => report.read += 1,
                Ok(Ok(Fate::NotModified)) => report.not_modified += 1,
                Ok(Ok(Fate::Failed)) => report.failed += 1,
                // The database failed to record it: the claim runs out and it is tried again.
                Ok(Err(e)) => {
                    first_error.get_or_insert(e);
                }
                Err(e) => tracing::error!(error = %e, "a busy-calendar fetch panicked"),
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }

    /// Fetches one claimed calendar and records what came of it.
    async fn sync_one(
        &self,
        client: &reqwest::Client,
        due: Due,
        now: i64,
    ) -> Result<Fate, AppError> {
        let settings = &self.policy.busy_calendars;
        // Validators only while the stored set still reaches far enough ahead.
        let conditional = due.read_at.is_some_and(|at| now - at < REREAD_MS);
        let (etag, last_modified) = if conditional {
            (due.etag.as_deref(), due.last_modified.as_deref())
        } else {
            (None, None)
        };
        let fetched = fetch::fetch(client, &due.url, etag, last_modified, &settings.limits).await;
        let done = now_ms().max(now);
        let next = done.saturating_add(settings.every_ms());
        let body = match fetched {
            Ok(fetch::Fetched::NotModified) => {
                busy_times::record_not_modified(&self.db, due.person, &due.url, done, next).await?;
                metrics::counter!("lodestar_busy_calendar_fetches_total", "outcome" => "not_modified").increment(1);
                return Ok(Fate::NotModified);
            }
            Ok(fetch::Fetched::Body {
                text,
                etag,
                last_modified,
            }) => (text, etag, last_modified),
            Err(error) => return self.failed(&due, done, &error.to_string()).await,
        };
        let (text, etag, last_modified) = body;
        let window = parse::Window {
            from_ms: now - PAST_MS,
            to_ms: now.saturating_add(settings.horizon_days.saturating_mul(DAY_MS)),
            zone: due.time_zone.parse().unwrap_or(Tz::UTC),
            max_intervals: settings.max_intervals,
        };
        let parsed = tokio::task::spawn_blocking(move || parse::busy_intervals(&text, &window))
            .await
            .map_err(|e| AppError::Internal(format!("reading a calendar panicked: {e}")))?;
        let busy = match parsed {
            Ok(busy) => busy,
            Err(error) => return self.failed(&due, done, &error.to_string()).await,
        };
        if busy.skipped > 0 {
            tracing::debug!(person = %due.person, skipped = busy.skipped, "busy calendar: some events could not be read");
        }
        let outcome = Outcome {
            fetched_at: done,
            next_fetch_at: next,
            etag,
            last_modified,
            truncated: busy.truncated,
        };
        let mut tx = self.db.begin().await?;
        busy_times::replace_busy(&mut tx, due.person, &due.url, &busy.intervals, &outcome).await?;
        lodestar_store::commit(tx).await?;
        metrics::counter!("lodestar_busy_calendar_fetches_total", "outcome" => "ok").increment(1);
        Ok(Fate::Read)
    }

    async fn failed(&self, due: &Due, at: i64, error: &str) -> Result<Fate, AppError> {
        let failures = due.failures + 1;
        let next = at.saturating_add(self.policy.busy_calendars.retry_in_ms(failures));
        busy_times::record_failure(&self.db, due.person, &due.url, at, error, next).await?;
        metrics::counter!("lodestar_busy_calendar_fetches_total", "outcome" => "error")
            .increment(1);
        tracing::info!(person = %due.person, failures, retry_in_s = (next - at) / 1000, %error, "busy calendar not read");
        Ok(Fate::Failed)
    }

    /// Keeps busy calendars fresh until `shutdown` completes: a round whenever one is due,
    /// otherwise a look every [`IDLE`]. Errors (the database away) are logged and the loop
    /// carries on. A round cut short by shutdown leaves its claims to run out.
    pub async fn run_busy_calendar_sync(self, shutdown: impl Future<Output = ()>) {
        tracing::info!(
            every_s = self.policy.busy_calendars.every.as_secs(),
            allow_private = self.policy.busy_calendars.limits.allow_private,
            "busy-calendar sync started"
        );
        let work = async {
            loop {
                match busy_times::next_due(&self.db).await {
                    Ok(Some(due)) if due <= now_ms() => {
                        match self.sync_busy_calendars(now_ms()).await {
                            Ok(report) if report.claimed as i64 == BATCH => continue,
                            Ok(report) if report.claimed > 0 => {
                                tracing::debug!(?report, "busy calendars fetched");
                            }
                            Ok(_) => {}
                            Err(e) => {
                                tracing::warn!(error = %e, "busy-calendar sync failed; trying again")
                            }
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot read busy calendars; trying again")
                    }
                }
                tokio::time::sleep(IDLE).await;
            }
        };
        tokio::select! {
            () = shutdown => tracing::debug!("busy-calendar sync stopped"),
            () = work => {}
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn error_of(raw: &str) -> String {
        match parse_url(raw, false) {
            Err(AppError::Invalid(errors)) => errors.get(FIELD).unwrap_or_default().to_owned(),
            other => panic!("{raw}: {other:?}"),
        }
    }

    #[test]
    fn a_calendar_url_must_be_http_or_https_with_a_host_and_not_private() {
        assert_eq!(parse_url("  ", false).unwrap(), None);
        assert_eq!(
            parse_url(" https://calendar.example.org/me.ics?k=1 ", false)
                .unwrap()
                .as_deref(),
            Some("https://calendar.example.org/me.ics?k=1")
        );
        // What calendar apps hand out is the same file over https.
        for webcal in [
            "webcal://cal.example.org:8443/me.ics",
            "WEBCALS://cal.example.org:8443/me.ics",
        ] {
            assert_eq!(
                parse_url(webcal, false).unwrap().as_deref(),
                Some("https://cal.example.org:8443/me.ics")
            );
        }
        assert!(error_of("ftp://example.org/x.ics").contains("http://"));
        assert!(error_of("javascript:alert(1)").contains("http://"));
        assert!(error_of("not a url").contains("spaces"));
        assert!(error_of("cal.example.org/me.ics").contains("web address"));
        assert!(error_of("https://").contains("web address"));
        assert!(error_of("https://cal example.org/me.ics").contains("spaces"));
        assert!(error_of("https://cal.example.org/a\tb.ics").contains("control"));
        assert!(error_of("https://user:secret@cal.example.org/me.ics").contains("password"));
        assert!(error_of("https://user@cal.example.org/me.ics").contains("user name"));
        assert!(error_of("http://127.0.0.1:8080/x.ics").contains("private"));
        assert!(error_of("http://[::1]/x.ics").contains("private"));
        assert!(error_of("https://example.org/\u{202e}x.ics").contains("bidirectional"));
        let long = format!("https://example.org/{}", "a".repeat(MAX_URL_CHARS));
        assert!(error_of(&long).contains("at most"));
        assert!(parse_url("http://127.0.0.1:8080/x.ics", true).is_ok());
    }

    #[test]
    fn failures_back_off_from_the_interval_to_a_day() {
        let settings = Settings::default();
        let minutes: Vec<i64> = (1..=9).map(|f| settings.retry_in_ms(f) / 60_000).collect();
        assert_eq!(minutes, [15, 30, 60, 120, 240, 480, 960, 1440, 1440]);
    }
}
