//! Rate limits on what anyone may try without an account (logging in and registering), and
//! on what reaches other people unasked (requests to connect and introductions).
//!
//! Log-ins are limited per (account, client address) with delays that grow with each
//! failure, and per address overall. There is no lockout of an account as such: failures
//! from one address never slow the owner down at another, so an attacker cannot lock the
//! owner out. Every attempt is counted before the password is checked (one upsert that
//! returns the count), so a parallel burst is held to the same count as a slow one.
//!
//! IPv6 addresses are counted by /64, the block one subscriber usually holds, so that
//! walking through one's own addresses does not buy more attempts.

use std::net::{IpAddr, Ipv6Addr};

use lodestar_store::now_ms;
use lodestar_store::throttle::{self as store, Hit, Window};

use crate::secrets::token_hash;
use crate::{App, AppError};

const SECOND: i64 = 1000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;

/// The numbers behind the rate limits.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Failed log-ins per (account, address) answered without delay.
    pub free_login_failures: i64,
    /// After the free ones, each failure doubles the wait before the next try, from one
    /// second up to this.
    pub max_login_delay_ms: i64,
    /// An (account, address) pair's failures are forgotten after this long without one.
    pub login_failures_kept_ms: i64,
    /// Log-in attempts one address may make, over all accounts, per window.
    pub login_attempts_per_address: i64,
    pub login_address_window_ms: i64,
    /// Registrations one address may make per window.
    pub registrations_per_address: i64,
    pub registration_window_ms: i64,
    /// Requests to connect, introductions and requests for introductions one person may
    /// make per window: enough for anyone building a network, too few to spam everyone.
    pub network_requests_per_person: i64,
    pub network_window_ms: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            free_login_failures: 5,
            max_login_delay_ms: 15 * MINUTE,
            login_failures_kept_ms: 24 * HOUR,
            login_attempts_per_address: 100,
            login_address_window_ms: 15 * MINUTE,
            registrations_per_address: 10,
            registration_window_ms: HOUR,
            network_requests_per_person: 50,
            network_window_ms: 24 * HOUR,
        }
    }
}

impl Limits {
    /// The wait before the next try, once `failures` have been counted for a pair.
    pub fn login_delay_ms(&self, failures: i64) -> i64 {
        let beyond = failures - self.free_login_failures;
        if beyond < 0 {
            return 0;
        }
        let doubled = SECOND.saturating_mul(1_i64 << beyond.min(30));
        doubled.min(self.max_login_delay_ms)
    }

    /// The longest any counter matters: older ones may be pruned.
    pub fn longest_window_ms(&self) -> i64 {
        self.login_failures_kept_ms
            .max(self.max_login_delay_ms)
            .max(self.login_address_window_ms)
            .max(self.registration_window_ms)
            .max(self.network_window_ms)
    }
}

/// The part of a client address that is counted: the address itself for IPv4, its /64 for
/// IPv6 (IPv4-mapped addresses count as IPv4). Anything else is taken as it is.
pub fn address_key(address: &str) -> String {
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => address.to_owned(),
    }
}

/// What a counter is stored under: the kind of limit and a hash of whom it counts, so the
/// table holds no emails or addresses and keys stay short whatever was typed.
fn scope(kind: &str, parts: &[&str]) -> String {
    format!("{kind}:{}", token_hash(&parts.join("\u{0}")))
}

fn seconds_until(ms: i64) -> u64 {
    u64::try_from((ms + SECOND - 1) / SECOND).map_or(1, |s| s.max(1))
}

/// The counter of log-in attempts for `email` from `client_address` (for tests and
/// inspection: what the table holds instead of the two).
pub fn login_counter(email: &str, client_address: &str) -> String {
    scope(
        "login",
        &[&email.trim().to_lowercase(), &address_key(client_address)],
    )
}

/// The counters one log-in attempt was charged to, to settle once the password is checked.
pub(crate) struct LoginAttempt {
    pair: String,
    address: String,
}

impl App {
    /// Counts a log-in attempt for `email` from `client_address`, or refuses it with
    /// [`AppError::RateLimited`] when the address is over its limit or the pair is still
    /// waiting out its delay (even if the password would be right).
    pub(crate) async fn admit_login(
        &self,
        email: &str,
        client_address: &str,
    ) -> Result<LoginAttempt, AppError> {
        let limits = &self.policy.throttle;
        let now = now_ms();
        let address_key = address_key(client_address);
        let address = scope("login-address", &[&address_key]);
        let window = limits.login_address_window_ms;
        let Hit {
            hits, window_start, ..
        } = store::hit(&self.db, &address, now, Window::Fixed { ms: window }).await?;
        if hits > limits.login_attempts_per_address {
            return Err(AppError::RateLimited {
                retry_after_secs: seconds_until(window_start + window - now),
            });
        }

        let pair = login_counter(email, client_address);
        let kept = limits.login_failures_kept_ms;
        let hit = store::hit(&self.db, &pair, now, Window::Quiet { ms: kept }).await?;
        let before = hit.hits - 1;
        let delay = limits.login_delay_ms(before);
        // `previous` may be a racing request's clock, a little ahead of this one's: with no
        // delay due, that must not refuse.
        if let Some(previous) = hit.previous_at
            && delay > 0
            && now < previous + delay
        {
            // This refused try counts too, so the next one waits for the next delay.
            return Err(AppError::RateLimited {
                retry_after_secs: seconds_until(limits.login_delay_ms(hit.hits)),
            });
        }
        Ok(LoginAttempt { pair, address })
    }

    /// The password was right: the pair's failures are forgotten and the address is not
    /// charged for this attempt.
    pub(crate) async fn login_succeeded(&self, attempt: LoginAttempt) -> Result<(), AppError> {
        store::clear(&self.db, &attempt.pair).await?;
        store::forgive(&self.db, &attempt.address).await?;
        Ok(())
    }

    /// The password was never checked (the server was busy): the attempt does not count.
    pub(crate) async fn login_not_tried(&self, attempt: LoginAttempt) -> Result<(), AppError> {
        store::forgive(&self.db, &attempt.pair).await?;
        store::forgive(&self.db, &attempt.address).await?;
        Ok(())
    }

    /// Counts a registration from `client_address`, or refuses it when the address has
    /// registered too often lately. Returns the counter, to forgive if nothing was created.
    pub(crate) async fn admit_registration(
        &self,
        client_address: &str,
    ) -> Result<String, AppError> {
        let limits = &self.policy.throttle;
        let now = now_ms();
        let counter = scope("register", &[&address_key(client_address)]);
        let window = limits.registration_window_ms;
        let hit = store::hit(&self.db, &counter, now, Window::Fixed { ms: window }).await?;
        if hit.hits > limits.registrations_per_address {
            return Err(AppError::RateLimited {
                retry_after_secs: seconds_until(hit.window_start + window - now),
            });
        }
        Ok(counter)
    }

    /// Makes a request to connect, an introduction or a request for one by `person` with
    /// `make`, counted against their limit: refused with [`AppError::RateLimited`] when they
    /// have made too many lately, and not counted if `make` fails.
    pub(crate) async fn network_request<T>(
        &self,
        person: lodestar_domain::PersonId,
        make: impl std::future::Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        let limits = &self.policy.throttle;
        let now = now_ms();
        let counter = scope("network", &[&person.to_string()]);
        let window = limits.network_window_ms;
        let hit = store::hit(&self.db, &counter, now, Window::Fixed { ms: window }).await?;
        if hit.hits > limits.network_requests_per_person {
            return Err(AppError::RateLimited {
                retry_after_secs: seconds_until(hit.window_start + window - now),
            });
        }
        let made = make.await;
        if made.is_err() {
            store::forgive(&self.db, &counter).await?;
        }
        made
    }

    pub(crate) async fn registration_not_made(&self, counter: &str) -> Result<(), AppError> {
        store::forgive(&self.db, counter).await?;
        Ok(())
    }

    /// Deletes rate-limit counters older than the longest window; returns how many. For
    /// the periodic housekeeping.
    pub async fn prune_throttle(&self) -> Result<u64, AppError> {
        let before = now_ms() - self.policy.throttle.longest_window_ms();
        Ok(store::prune(&self.db, before).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_after_the_free_failures_up_to_the_cap() {
        let limits = Limits::default();
        let delays: Vec<i64> = (0..=16).map(|n| limits.login_delay_ms(n)).collect();
        assert_eq!(&delays[..5], &[0; 5]);
        assert_eq!(&delays[5..10], &[1000, 2000, 4000, 8000, 16_000]);
        assert_eq!(delays[14], 512_000);
        assert_eq!(delays[15], 15 * MINUTE, "1024 s is past the 15-minute cap");
        assert_eq!(limits.login_delay_ms(i64::MAX), 15 * MINUTE);
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(address_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(address_key("2001:db8:1:2:ffff::1"), "2001:db8:1:2::/64");
        assert_eq!(address_key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(address_key("192.0.2.7"), "192.0.2.7");
        assert_eq!(address_key("local"), "local");
    }

    #[test]
    fn scopes_hash_what_they_count_and_keep_kinds_apart() {
        let a = scope("login", &["ada@example.org", "192.0.2.7"]);
        assert!(a.starts_with("login:") && !a.contains("ada"));
        assert_ne!(a, scope("login", &["ada@example.org1", "92.0.2.7"]));
        assert_ne!(scope("register", &["x"]), scope("login-address", &["x"]));
    }
}
