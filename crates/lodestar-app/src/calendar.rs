//! Sessions as iCalendar (RFC 5545) objects: the invitation (METHOD:REQUEST) and
//! cancellation (METHOD:CANCEL) e-mailed and downloaded for one meeting, and a person's
//! subscribable feed of all their meetings (no METHOD: a feed is not a scheduling message).
//!
//! Times are written in UTC, so no VTIMEZONE is needed; calendars show them in their
//! reader's zone. The UID is `<meeting id>@<host of the public URL>` and never changes, so
//! a calendar updates the event it already has when SEQUENCE grows.
//!
//! Addresses: ORGANIZER and every ATTENDEE carry the member's e-mail as a `mailto:`, or no
//! calendar could send replies or match the event to its owner. Members of a mentorship
//! see each other's contact details while it is active or paused (the mentorship's
//! agreement), and invitations go only to them, so this discloses nothing a member does
//! not already see; the address a person hides in the directory stays hidden there.

use chrono::{DateTime, Utc};
use icalendar::{
    Attendee as IcsAttendee, Calendar, Component, Event, EventLike, EventStatus, PartStat,
    Property, Role,
};
use lodestar_domain::MentorshipId;
use lodestar_domain::mentoring::{MeetingState, MemberRole};
use lodestar_store::action_items::{self, ActionItem};
use lodestar_store::meetings::{self, Attendee, Meeting};
use lodestar_store::{calendar_feeds, now_ms};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

use crate::secrets::random_secret;
use crate::{App, AppError, Viewer};

/// What goes into one meeting's VEVENT besides the meeting itself.
pub struct EventContext<'a> {
    pub attendees: &'a [Attendee],
    /// Open action items carried into this meeting's agenda.
    pub carried_over: &'a [ActionItem],
    /// The instance's public URL, for the UID's host and the link to the session page.
    pub public_url: &'a str,
    /// DTSTAMP: when this object is made.
    pub stamp: i64,
}

fn utc(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// The host of a URL (`https://mentors.example.org:8443/x` → `mentors.example.org`).
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    };
    if host.is_empty() { "lodestar" } else { host }
}

/// "Mentoring session: Ana Mentor and Ted Mentee" (mentors first).
pub(crate) fn summary(attendees: &[Attendee]) -> String {
    let names: Vec<&str> = attendees.iter().map(|a| a.name.as_str()).collect();
    let joined = match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    format!("Mentoring session: {joined}")
}

/// The location is a video link when it is an http(s) URL.
pub(crate) fn is_link(location: &str) -> bool {
    (location.starts_with("https://") || location.starts_with("http://"))
        && !location.contains(char::is_whitespace)
}

/// A parameter value may not hold a double quote (RFC 5545 §3.1); names could.
fn param_text(text: &str) -> String {
    text.replace('"', "'")
}

/// The description: the agenda, what is carried over, and where the session's page is.
pub(crate) fn description(meeting: &Meeting, ctx: &EventContext<'_>) -> String {
    let mut text = meeting.agenda.clone();
    if !ctx.carried_over.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str("Carried over:");
        for item in ctx.carried_over {
            text.push_str(&format!("\n- {} ({}", item.title, item.owner_name));
            if let Some(due) = &item.due_on {
                text.push_str(&format!(", due {due}"));
            }
            text.push(')');
        }
    }
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "{}/sessions/{}",
        ctx.public_url.trim_end_matches('/'),
        meeting.id
    ));
    text
}

fn event(meeting: &Meeting, ctx: &EventContext<'_>) -> Event {
    let mut event = Event::new();
    event
        .uid(&format!("{}@{}", meeting.id, host_of(ctx.public_url)))
        .timestamp(utc(ctx.stamp))
        .starts(utc(meeting.starts_at))
        .ends(utc(meeting.ends_at()))
        .summary(&summary(ctx.attendees))
        .description(&description(meeting, ctx))
        .sequence(u32::try_from(meeting.sequence).unwrap_or(0))
        .last_modified(utc(meeting.updated_at))
        .created(utc(meeting.created_at))
        .status(if meeting.state == MeetingState::Cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    if !meeting.location.is_empty() {
        event.location(&meeting.location);
        if is_link(&meeting.location) {
            event.url(&meeting.location);
        }
    }
    // The scheduler organizes; if they left, the first mentor stands in, since a
    // scheduling message must have an organizer.
    let organizer = ctx
        .attendees
        .iter()
        .find(|a| Some(a.person) == meeting.organizer)
        .or_else(|| ctx.attendees.iter().find(|a| a.role == MemberRole::Mentor))
        .or_else(|| ctx.attendees.first());
    if let Some(org) = organizer {
        let mut prop = Property::new("ORGANIZER", format!("mailto:{}", org.email));
        prop.add_parameter("CN", &param_text(&org.name));
        event.append_property(prop);
    }
    for a in ctx.attendees {
        event.attendee(
            IcsAttendee::new(format!("mailto:{}", a.email))
                .cn(param_text(&a.name))
                .role(Role::ReqParticipant)
                .partstat(PartStat::NeedsAction)
                .rsvp(true),
        );
    }
    event.done()
}

fn calendar(method: Option<&str>) -> Calendar {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new(
        "PRODID",
        "-//Lodestar//Mentoring sessions//EN",
    ));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    if let Some(method) = method {
        cal.append_property(Property::new("METHOD", method));
    }
    cal
}

/// The scheduling message for one meeting: a cancellation if it is cancelled, otherwise
/// an invitation. Returns the METHOD and the text.
pub fn invite(meeting: &Meeting, ctx: &EventContext<'_>) -> (&'static str, String) {
    let method = if meeting.state == MeetingState::Cancelled {
        "CANCEL"
    } else {
        "REQUEST"
    };
    let mut cal = calendar(Some(method));
    cal.push(event(meeting, ctx));
    (method, cal.done().to_string())
}

/// A person's feed: their meetings, each with its own members, and no METHOD.
pub(crate) fn feed<'a>(
    meetings: impl IntoIterator<Item = (&'a Meeting, EventContext<'a>)>,
) -> String {
    let mut cal = calendar(None);
    cal.append_property(Property::new("X-WR-CALNAME", "Lodestar sessions"));
    for (meeting, ctx) in meetings {
        cal.push(event(meeting, &ctx));
    }
    cal.done().to_string()
}

/// `GET /api/v1/me/calendar`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CalendarFeed {
    /// A secret address any calendar can subscribe to; reset it if it leaks.
    #[schema(example = "https://mentors.example.org/calendar/3q2-7wEj….ics")]
    pub feed_url: String,
}

/// How far back a feed reaches.
const FEED_PAST_MS: i64 = 90 * 24 * 60 * 60 * 1000;

impl App {
    fn feed_url(&self, token: &str) -> CalendarFeed {
        CalendarFeed {
            feed_url: format!(
                "{}/calendar/{token}.ics",
                self.policy.public_url.trim_end_matches('/')
            ),
        }
    }

    /// The viewer's feed address, made on first asking.
    pub async fn calendar_feed_url(&self, viewer: &Viewer) -> Result<CalendarFeed, AppError> {
        let mut tx = self.db.begin().await?;
        let token =
            calendar_feeds::get_or_create(&mut tx, viewer.id, &random_secret(), now_ms()).await?;
        lodestar_store::commit(tx).await?;
        Ok(self.feed_url(&token))
    }

    /// A new feed address; the old one stops working at once.
    pub async fn reset_calendar_feed(&self, viewer: &Viewer) -> Result<CalendarFeed, AppError> {
        let token = random_secret();
        let mut tx = self.db.begin().await?;
        calendar_feeds::reset(&mut tx, viewer.id, &token, now_ms()).await?;
        lodestar_store::commit(tx).await?;
        tracing::info!(person = %viewer.id, "calendar feed address reset");
        Ok(self.feed_url(&token))
    }

    /// The feed a token opens: its person's sessions of the past 90 days and all to come,
    /// cancelled ones marked so. An unknown token is "not found".
    pub async fn calendar_feed(&self, token: &str, now: i64) -> Result<String, AppError> {
        let person = match calendar_feeds::person_of(&self.db, token).await? {
            Some(p) if !token.is_empty() => p,
            _ => return Err(AppError::NotFound("calendar")),
        };
        let meetings = meetings::list_for_person(&self.db, person, now - FEED_PAST_MS).await?;
        let mut context: HashMap<MentorshipId, (Vec<Attendee>, Vec<ActionItem>)> = HashMap::new();
        for m in &meetings {
            if let std::collections::hash_map::Entry::Vacant(slot) = context.entry(m.mentorship) {
                let attendees = meetings::attendees(&self.db, m.mentorship).await?;
                let open = action_items::list_for_mentorship(&self.db, m.mentorship)
                    .await?
                    .into_iter()
                    .filter(|a| a.done_at.is_none())
                    .collect();
                slot.insert((attendees, open));
            }
        }
        let none: &[ActionItem] = &[];
        Ok(feed(meetings.iter().filter_map(|m| {
            let (attendees, open) = context.get(&m.mentorship)?;
            let carried = if m.state == MeetingState::Scheduled {
                open.as_slice()
            } else {
                none
            };
            Some((m, self.event_context(attendees, carried)))
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uid_host_is_the_public_urls_host() {
        assert_eq!(
            host_of("https://mentors.example.org:8443/x"),
            "mentors.example.org"
        );
        assert_eq!(host_of("http://localhost:8080"), "localhost");
        assert_eq!(host_of(""), "lodestar");
    }
}
