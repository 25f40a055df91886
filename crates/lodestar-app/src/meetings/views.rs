//! What a session's services take and give: the API's inputs, a page form's fields, the
//! view of a session in its viewer's time zone, and how a typed start is read.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;
use lodestar_domain::mentoring::{MeetingState, MemberRole, MentorshipState};
use lodestar_domain::{FieldErrors, MeetingId, MentorshipId, PersonId};
use lodestar_store::action_items::ActionItem;
use lodestar_store::meetings::{Attendee, Meeting};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::action_items::ActionItemView;
use crate::calendar;
use crate::meetings::DAY_MS;

pub const MIN_DURATION: i64 = 5;
pub const MAX_DURATION: i64 = 480;
pub const MAX_LOCATION: usize = 500;
pub const MAX_AGENDA: usize = 4000;

/// `POST /api/v1/mentorships/{id}/sessions`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSession {
    /// RFC 3339 with an offset, as the scheduler means it: `2026-12-05T10:00:00+01:00`.
    #[schema(example = "2026-12-05T10:00:00+01:00")]
    pub starts_at: String,
    /// 5–480.
    #[schema(minimum = 5, maximum = 480, example = 45)]
    pub duration_minutes: i64,
    /// A place or a video link; up to 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub location: String,
    /// Up to 4000 characters.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub agenda: String,
}

/// `PATCH /api/v1/sessions/{id}`: any of the fields. A new start, length or place moves
/// the event in calendars (SEQUENCE grows, a new invitation goes out).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionEdit {
    pub starts_at: Option<String>,
    #[schema(minimum = 5, maximum = 480)]
    pub duration_minutes: Option<i64>,
    #[schema(max_length = 500)]
    pub location: Option<String>,
    #[schema(max_length = 4000)]
    pub agenda: Option<String>,
}

/// How a start is entered.
#[derive(Clone, Debug)]
pub enum Start {
    /// RFC 3339 with an offset (the API).
    Rfc3339(String),
    /// A date and a time read in the scheduler's profile time zone (the page's form).
    Local { date: String, time: String },
}

/// A session's fields as a service takes them, from the API or a page's form.
#[derive(Clone, Debug)]
pub struct SessionFields {
    pub start: Option<Start>,
    pub duration_minutes: Option<i64>,
    pub location: Option<String>,
    pub agenda: Option<String>,
}

impl From<NewSession> for SessionFields {
    fn from(s: NewSession) -> Self {
        Self {
            start: Some(Start::Rfc3339(s.starts_at)),
            duration_minutes: Some(s.duration_minutes),
            location: Some(s.location),
            agenda: Some(s.agenda),
        }
    }
}

impl From<SessionEdit> for SessionFields {
    fn from(s: SessionEdit) -> Self {
        Self {
            start: s.starts_at.map(Start::Rfc3339),
            duration_minutes: s.duration_minutes,
            location: s.location,
            agenda: s.agenda,
        }
    }
}

/// `POST /api/v1/sessions/{id}/cancel`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelSession {
    /// Optional; up to 500 characters.
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/v1/sessions/{id}/outcome`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionOutcome {
    /// `true`: held; `false`: missed (no-show).
    pub held: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SessionMember {
    /// `null` for a member whose account was deleted (named "Deleted account").
    #[schema(value_type = Option<String>, format = Uuid)]
    pub id: Option<PersonId>,
    pub name: String,
    #[schema(value_type = String, example = "mentor")]
    pub role: MemberRole,
}

/// A session as one member sees it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SessionView {
    #[schema(value_type = String, format = Uuid)]
    pub id: MeetingId,
    #[schema(value_type = String, format = Uuid)]
    pub mentorship_id: MentorshipId,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub organizer_id: Option<PersonId>,
    /// RFC 3339, UTC.
    pub starts_at: String,
    /// RFC 3339, UTC.
    pub ends_at: String,
    pub duration_minutes: i64,
    /// The zone the scheduler entered the start in.
    pub time_zone: String,
    /// The start in the viewer's own time zone (RFC 3339 with its offset).
    pub local_starts_at: String,
    /// The viewer's time zone.
    pub local_time_zone: String,
    /// The start in words, in the viewer's zone: "Sat 5 Dec 2026, 10:00 (Europe/Lisbon)".
    pub when: String,
    pub location: String,
    /// Whether the location is a video link.
    pub location_is_link: bool,
    pub agenda: String,
    #[schema(value_type = String, example = "scheduled")]
    pub state: MeetingState,
    pub cancel_reason: String,
    /// The invitation's SEQUENCE.
    pub sequence: i64,
    /// The mentorship's open action items, carried into the agenda of a scheduled
    /// session (empty once it is held, missed or cancelled).
    pub carried_over: Vec<ActionItemView>,
    pub members: Vec<SessionMember>,
    #[schema(value_type = String, example = "active")]
    pub mentorship_state: MentorshipState,
    #[serde(skip)]
    pub starts_at_ms: i64,
}

/// A mentorship's sessions page: its state, members, sessions and action items.
#[derive(Clone, Debug)]
pub struct MentorshipMeetings {
    pub mentorship_id: MentorshipId,
    pub mentorship_state: MentorshipState,
    /// The viewer's time zone.
    pub time_zone: String,
    pub members: Vec<SessionMember>,
    /// Latest first.
    pub sessions: Vec<SessionView>,
    pub action_items: Vec<ActionItemView>,
}

pub(crate) fn rfc3339(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// RFC 3339 (UTC) for a moment `hours` from now: for scripts and tests that schedule
/// relative to the clock.
pub fn rfc3339_in_hours(hours: i64) -> String {
    rfc3339(lodestar_store::now_ms() + hours * 3_600_000)
}

pub(super) fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

/// A moment in words in a time zone: "Sat 5 Dec 2026, 10:00 (Europe/Lisbon)".
pub fn when_in(ms: i64, tz_name: &str) -> String {
    let tz = zone(tz_name);
    let local = DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&tz);
    format!("{} ({})", local.format("%a %-d %b %Y, %H:%M"), tz.name())
}

impl SessionMember {
    /// Whether this member is `person` (never, for a deleted account).
    pub fn is(&self, person: impl std::borrow::Borrow<PersonId>) -> bool {
        self.id.as_ref() == Some(person.borrow())
    }
}

/// A mentorship's members as its sessions show them: the attendees, and a "Deleted
/// account" for each member whose account was deleted, mentors first.
pub(super) fn session_members(
    attendees: &[Attendee],
    departed: &[MemberRole],
) -> Vec<SessionMember> {
    let mut members: Vec<SessionMember> = attendees
        .iter()
        .map(|a| SessionMember {
            id: Some(a.person),
            name: a.name.clone(),
            role: a.role,
        })
        .chain(departed.iter().map(|role| SessionMember {
            id: None,
            name: crate::account_deletion::DELETED_ACCOUNT.to_owned(),
            role: *role,
        }))
        .collect();
    members.sort_by_key(|m| m.role != MemberRole::Mentor);
    members
}

pub(super) fn view(
    m: &Meeting,
    state: MentorshipState,
    members: &[SessionMember],
    viewer_tz: &str,
    open: &[ActionItem],
) -> SessionView {
    let tz = zone(viewer_tz);
    let local = DateTime::from_timestamp_millis(m.starts_at)
        .unwrap_or_default()
        .with_timezone(&tz);
    let carried = if m.state == MeetingState::Scheduled {
        open.iter().map(ActionItemView::from).collect()
    } else {
        Vec::new()
    };
    SessionView {
        id: m.id,
        mentorship_id: m.mentorship,
        organizer_id: m.organizer,
        starts_at: rfc3339(m.starts_at),
        ends_at: rfc3339(m.ends_at()),
        duration_minutes: m.duration_minutes,
        time_zone: m.time_zone.clone(),
        local_starts_at: local.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        local_time_zone: tz.name().to_owned(),
        when: when_in(m.starts_at, viewer_tz),
        location: m.location.clone(),
        location_is_link: calendar::is_link(&m.location),
        agenda: m.agenda.clone(),
        state: m.state,
        cancel_reason: m.cancel_reason.clone(),
        sequence: m.sequence,
        carried_over: carried,
        members: members.to_vec(),
        mentorship_state: state,
        starts_at_ms: m.starts_at,
    }
}

/// Reads a start: RFC 3339 with an offset, or a local date and time in `tz_name`.
pub(super) fn parse_start(
    start: &Start,
    tz_name: &str,
    now: i64,
    errors: &mut FieldErrors,
) -> Option<i64> {
    let ms = match start {
        Start::Rfc3339(raw) => match DateTime::parse_from_rfc3339(raw.trim()) {
            Ok(t) => t.timestamp_millis(),
            Err(_) => {
                errors.add(
                    "starts_at",
                    "must be a date and time with its offset, such as 2026-12-05T10:00:00+01:00",
                );
                return None;
            }
        },
        Start::Local { date, time } => {
            let d = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d");
            let t = NaiveTime::parse_from_str(time.trim(), "%H:%M");
            if d.is_err() {
                errors.add("date", "choose a date (YYYY-MM-DD)");
            }
            if t.is_err() {
                errors.add("time", "choose a time (HH:MM)");
            }
            let (Ok(d), Ok(t)) = (d, t) else { return None };
            // In a gap (clocks go forward) the time does not exist; in an overlap the
            // earlier of the two is meant.
            match zone(tz_name).from_local_datetime(&d.and_time(t)).earliest() {
                Some(local) => local.timestamp_millis(),
                None => {
                    errors.add(
                        "time",
                        format!(
                            "this time does not exist in {tz_name} that day (the clocks change)"
                        ),
                    );
                    return None;
                }
            }
        }
    };
    let field = match start {
        Start::Rfc3339(_) => "starts_at",
        Start::Local { .. } => "date",
    };
    if ms < now - 365 * DAY_MS || ms > now + 2 * 365 * DAY_MS {
        errors.add(field, "must be within the past year or the next two years");
        return None;
    }
    Some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_time_is_read_in_the_schedulers_zone() {
        let mut errors = FieldErrors::new();
        let start = Start::Local {
            date: "2026-12-05".into(),
            time: "10:00".into(),
        };
        let now = 1_780_000_000_000;
        let ms = parse_start(&start, "Europe/Lisbon", now, &mut errors).unwrap_or_default();
        assert_eq!(rfc3339(ms), "2026-12-05T10:00:00Z");
        let ms = parse_start(&start, "Asia/Tokyo", now, &mut errors).unwrap_or_default();
        assert_eq!(rfc3339(ms), "2026-12-05T01:00:00Z");
        let gap = Start::Local {
            date: "2027-03-28".into(),
            time: "01:30".into(),
        };
        assert!(parse_start(&gap, "Europe/Lisbon", now, &mut errors).is_none());
        assert!(errors.get("time").is_some());
    }
}
