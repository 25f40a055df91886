//! Webhooks: the events an endpoint can subscribe to, with their stable wire names, and
//! the first check of an endpoint's address.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The longest endpoint address, in characters.
pub const MAX_URL_CHARS: usize = 2_000;

/// An event a webhook is sent for. The wire names ([`WebhookEvent::as_str`]) are a
/// contract with the receivers: never rename one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum WebhookEvent {
    #[serde(rename = "request.accepted")]
    RequestAccepted,
    #[serde(rename = "mentorship.started")]
    MentorshipStarted,
    #[serde(rename = "mentorship.completed")]
    MentorshipCompleted,
    #[serde(rename = "session.held")]
    SessionHeld,
    #[serde(rename = "goal.achieved")]
    GoalAchieved,
    #[serde(rename = "programme.match_published")]
    ProgrammeMatchPublished,
}

impl WebhookEvent {
    /// Every event, in the order forms list them.
    pub const ALL: [Self; 6] = [
        Self::RequestAccepted,
        Self::MentorshipStarted,
        Self::MentorshipCompleted,
        Self::SessionHeld,
        Self::GoalAchieved,
        Self::ProgrammeMatchPublished,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequestAccepted => "request.accepted",
            Self::MentorshipStarted => "mentorship.started",
            Self::MentorshipCompleted => "mentorship.completed",
            Self::SessionHeld => "session.held",
            Self::GoalAchieved => "goal.achieved",
            Self::ProgrammeMatchPublished => "programme.match_published",
        }
    }

    /// In words, for the admin's form.
    pub fn label(self) -> &'static str {
        match self {
            Self::RequestAccepted => "A mentorship request is accepted",
            Self::MentorshipStarted => "A mentorship starts",
            Self::MentorshipCompleted => "A mentorship is completed",
            Self::SessionHeld => "A session is marked held",
            Self::GoalAchieved => "A goal is achieved",
            Self::ProgrammeMatchPublished => "A programme's match run is published",
        }
    }
}

impl fmt::Display for WebhookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event name that is not one of [`WebhookEvent::ALL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownEvent(pub String);

impl fmt::Display for UnknownEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "“{}” is not an event", self.0)
    }
}

impl FromStr for WebhookEvent {
    type Err = UnknownEvent;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| UnknownEvent(s.to_owned()))
    }
}

/// Reads the events an endpoint subscribes to: at least one, each known, each once (a
/// repeat is dropped), in [`WebhookEvent::ALL`]'s order.
pub fn parse_events<S: AsRef<str>>(names: &[S]) -> Result<Vec<WebhookEvent>, String> {
    if names.is_empty() {
        return Err("choose at least one event".into());
    }
    let mut events = Vec::with_capacity(names.len());
    for name in names {
        let event: WebhookEvent = name.as_ref().trim().parse().map_err(|e: UnknownEvent| {
            let known: Vec<&str> = WebhookEvent::ALL.iter().map(|e| e.as_str()).collect();
            format!("{e}; the events are {}", known.join(", "))
        })?;
        events.push(event);
    }
    events.sort_unstable();
    events.dedup();
    Ok(events)
}

/// The first check of an endpoint's address, without parsing it: http or https, a host,
/// no spaces or control characters, at most [`MAX_URL_CHARS`]. (The application parses it
/// as a URL and checks where it points.)
pub fn check_url(raw: &str) -> Result<String, String> {
    let url = raw.trim();
    if url.is_empty() {
        return Err("enter the endpoint's address".into());
    }
    if url.chars().count() > MAX_URL_CHARS {
        return Err(format!("must be at most {MAX_URL_CHARS} characters"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters".into());
    }
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("https://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        rest
    } else {
        return Err("must begin with http:// or https://".into());
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Err("must name a host".into());
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_reads_back_from_its_wire_name() {
        for event in WebhookEvent::ALL {
            assert_eq!(event.as_str().parse::<WebhookEvent>(), Ok(event));
            assert_eq!(event.to_string(), event.as_str());
        }
    }

    #[test]
    fn events_must_be_known_and_at_least_one() {
        assert!(parse_events::<&str>(&[]).is_err());
        assert!(parse_events(&["request.accepted", "nope"]).is_err_and(|e| e.contains("nope")));
        assert_eq!(
            parse_events(&["goal.achieved", "request.accepted", "goal.achieved"]),
            Ok(vec![
                WebhookEvent::RequestAccepted,
                WebhookEvent::GoalAchieved
            ])
        );
    }

    #[test]
    fn an_address_is_http_or_https_with_a_host_and_not_too_long() {
        assert!(check_url("https://hooks.example.org/lodestar").is_ok());
        assert!(check_url("HTTP://example.org").is_ok());
        assert!(check_url("ftp://example.org").is_err());
        assert!(check_url("https://").is_err());
        assert!(check_url("https://exa mple.org").is_err());
        assert!(check_url("").is_err());
        let long = format!("https://example.org/{}", "a".repeat(MAX_URL_CHARS));
        assert!(check_url(&long).is_err_and(|e| e.contains("2000")));
    }
}
