//! Loading a generated mentoring history in bulk (the demo organisation and the
//! benchmarks): requests, mentorships with members and timelines, meetings, notes, action
//! items and notifications, many rows per statement, in one transaction per batch. Every
//! request and mentorship gets its conversation thread as the store's own inserts give it.

use std::collections::{HashMap, HashSet};

use crate::Db;
use crate::error::Result;
use crate::profiles::{insert_rows, insert_rows_then};
use crate::sql::Value;

/// A request as it stands. Ids and references are the text of their UUIDs; times are epoch ms.
#[derive(Clone, Debug)]
pub struct BulkRequest {
    pub id: String,
    pub mentor_id: String,
    pub mentee_id: String,
    pub initiator: &'static str,
    pub message: String,
    /// JSON array of skill ids.
    pub skills: String,
    /// JSON array of focus areas.
    pub focus_areas: String,
    pub cadence: &'static str,
    pub duration_weeks: i64,
    pub state: &'static str,
    pub decline_reason: String,
    pub mentorship_id: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub decided_at: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct BulkMentorship {
    pub id: String,
    pub request_id: Option<String>,
    pub state: &'static str,
    pub goals: String,
    pub focus_areas: String,
    pub skills: String,
    pub cadence: &'static str,
    pub expected_end_on: Option<String>,
    pub resume_on: Option<String>,
    pub created_at: i64,
    pub ended_at: Option<i64>,
    pub last_activity_at: i64,
    pub stalled_since: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct BulkMember {
    pub mentorship_id: String,
    pub person_id: String,
    pub role: &'static str,
    pub contact: String,
    pub reflection: String,
    pub rating: Option<i64>,
    pub joined_at: i64,
}

#[derive(Clone, Debug)]
pub struct BulkEvent {
    pub mentorship_id: String,
    pub actor_id: Option<String>,
    pub kind: &'static str,
    pub detail: String,
    pub at: i64,
}

#[derive(Clone, Debug)]
pub struct BulkMeeting {
    pub id: String,
    pub mentorship_id: String,
    pub organizer_id: String,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub time_zone: String,
    pub location: String,
    pub agenda: String,
    pub state: &'static str,
    pub cancel_reason: String,
    pub sequence: i64,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct BulkNote {
    pub meeting_id: String,
    pub author_id: String,
    pub private: bool,
    pub body: String,
    pub at: i64,
}

#[derive(Clone, Debug)]
pub struct BulkActionItem {
    pub mentorship_id: String,
    pub meeting_id: Option<String>,
    pub title: String,
    pub owner_id: String,
    pub created_by: String,
    pub due_on: Option<String>,
    pub done_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct BulkNotification {
    pub person_id: String,
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// A message in a thread. `thread_id` is the thread's id: the request's id for a request's
/// thread and the mentorship it started, the mentorship's own id otherwise. `id` is a
/// UUIDv7 of `created_at`, so messages sort as they were written. `read`: the other
/// members have read it (its author always has).
#[derive(Clone, Debug)]
pub struct BulkMessage {
    pub id: String,
    pub thread_id: String,
    pub author_id: String,
    pub body: String,
    pub html: String,
    pub render_version: i64,
    pub created_at: i64,
    pub read: bool,
}

/// One batch of history. Mentorships come before the rows that refer to them.
#[derive(Clone, Debug, Default)]
pub struct BulkMentoring {
    pub requests: Vec<BulkRequest>,
    pub mentorships: Vec<BulkMentorship>,
    pub members: Vec<BulkMember>,
    pub events: Vec<BulkEvent>,
    pub meetings: Vec<BulkMeeting>,
    pub notes: Vec<BulkNote>,
    pub action_items: Vec<BulkActionItem>,
    pub notifications: Vec<BulkNotification>,
    pub messages: Vec<BulkMessage>,
    /// Mentors who stopped taking requests: (person id, requests expired in a row).
    pub silent_mentors: Vec<(String, i64)>,
}

fn new_id() -> Value {
    Value::from(uuid::Uuid::now_v7().to_string())
}

/// The connections the batch's mentorships make (cancelled ones make none), once per pair.
fn connections_of(batch: &BulkMentoring) -> Vec<Vec<Value>> {
    let started: HashMap<&str, i64> = batch
        .mentorships
        .iter()
        .filter(|m| m.state != "cancelled")
        .map(|m| (m.id.as_str(), m.created_at))
        .collect();
    let live = &started;
    let of_role = |role: &'static str| {
        batch
            .members
            .iter()
            .filter(move |m| m.role == role && live.contains_key(m.mentorship_id.as_str()))
    };
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for mentor in of_role("mentor") {
        for mentee in of_role("mentee").filter(|m| m.mentorship_id == mentor.mentorship_id) {
            let (low, high) = if mentor.person_id < mentee.person_id {
                (&mentor.person_id, &mentee.person_id)
            } else {
                (&mentee.person_id, &mentor.person_id)
            };
            if low == high || !seen.insert((low.clone(), high.clone())) {
                continue;
            }
            let at = live[mentor.mentorship_id.as_str()];
            rows.push(vec![
                new_id(),
                Value::from(low.as_str()),
                Value::from(high.as_str()),
                Value::NullText,
                Value::from("accepted"),
                Value::from("mentorship"),
                Value::from(at),
                Value::from(at),
            ]);
        }
    }
    rows
}

/// Writes the batch in one transaction.
pub async fn insert(db: &Db, batch: &BulkMentoring) -> Result<()> {
    let mut tx = db.writer().begin().await?;
    // Mentorships first: requests refer to them only through a plain column, and
    // mentorships refer to requests, so requests are written with their mentorship set.
    let rows = batch
        .requests
        .iter()
        .map(|r| {
            vec![
                Value::from(r.id.as_str()),
                Value::from(r.mentor_id.as_str()),
                Value::from(r.mentee_id.as_str()),
                Value::from(r.initiator),
                Value::from(r.message.as_str()),
                Value::from(r.skills.as_str()),
                Value::from(r.focus_areas.as_str()),
                Value::from(r.cadence),
                Value::from(r.duration_weeks),
                Value::from(r.state),
                Value::from(r.decline_reason.as_str()),
                Value::from(r.mentorship_id.clone()),
                Value::from(r.created_at),
                Value::from(r.expires_at),
                Value::from(r.decided_at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "mentorship_requests (id, mentor_id, mentee_id, initiator, message, skills, focus_areas, \
         cadence, duration_weeks, state, decline_reason, mentorship_id, created_at, expires_at, decided_at)",
        rows,
    )
    .await?;
    let rows = batch
        .mentorships
        .iter()
        .map(|m| {
            vec![
                Value::from(m.id.as_str()),
                Value::from(m.request_id.clone()),
                Value::from(m.state),
                Value::from(m.goals.as_str()),
                Value::from(m.focus_areas.as_str()),
                Value::from(m.skills.as_str()),
                Value::from(m.cadence),
                Value::from(m.expected_end_on.clone()),
                Value::from(m.resume_on.clone()),
                Value::from(m.created_at),
                Value::from(m.created_at),
                Value::from(m.ended_at),
                Value::from(m.last_activity_at),
                Value::from(m.stalled_since),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "mentorships (id, request_id, state, goals, focus_areas, skills, cadence, expected_end_on, \
         resume_on, created_at, updated_at, ended_at, last_activity_at, stalled_since)",
        rows,
    )
    .await?;
    let rows = batch
        .members
        .iter()
        .map(|m| {
            vec![
                Value::from(m.mentorship_id.as_str()),
                Value::from(m.person_id.as_str()),
                Value::from(m.role),
                Value::from(m.contact.as_str()),
                Value::from(m.reflection.as_str()),
                Value::from(m.rating),
                Value::from(m.joined_at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "mentorship_members (mentorship_id, person_id, role, contact, reflection, rating, joined_at)",
        rows,
    )
    .await?;
    // Each mentor and mentee of a mentorship that was not cancelled are connected, as
    // `mentorships::insert` connects them.
    insert_rows_then(
        &mut tx,
        "connections (id, low_id, high_id, requested_by, state, source, created_at, accepted_at)",
        connections_of(batch),
        " ON CONFLICT (low_id, high_id) DO NOTHING",
    )
    .await?;
    let (threads, thread_members) = threads_of(batch);
    insert_rows(
        &mut tx,
        "threads (id, request_id, mentorship_id, created_at, last_activity_at)",
        threads,
    )
    .await?;
    insert_rows(
        &mut tx,
        "thread_members (thread_id, person_id, joined_at, last_read_id, last_read_at)",
        thread_members,
    )
    .await?;
    let rows = batch
        .messages
        .iter()
        .map(|m| {
            vec![
                Value::from(m.id.as_str()),
                Value::from(m.thread_id.as_str()),
                Value::from(m.author_id.as_str()),
                Value::from(m.body.as_str()),
                Value::from(m.html.as_str()),
                Value::from(m.render_version),
                Value::from(m.created_at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "messages (id, thread_id, author_id, body, html, render_version, created_at)",
        rows,
    )
    .await?;
    let rows = batch
        .events
        .iter()
        .map(|e| {
            vec![
                new_id(),
                Value::from(e.mentorship_id.as_str()),
                Value::from(e.actor_id.clone()),
                Value::from(e.kind),
                Value::from(e.detail.as_str()),
                Value::from(e.at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "mentorship_events (id, mentorship_id, actor_id, kind, detail, at)",
        rows,
    )
    .await?;
    let rows = batch
        .meetings
        .iter()
        .map(|m| {
            vec![
                Value::from(m.id.as_str()),
                Value::from(m.mentorship_id.as_str()),
                Value::from(m.organizer_id.as_str()),
                Value::from(m.starts_at),
                Value::from(m.duration_minutes),
                Value::from(m.time_zone.as_str()),
                Value::from(m.location.as_str()),
                Value::from(m.agenda.as_str()),
                Value::from(m.state),
                Value::from(m.cancel_reason.as_str()),
                Value::from(m.sequence),
                Value::from(m.created_at),
                Value::from(m.created_at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "meetings (id, mentorship_id, organizer_id, starts_at, duration_minutes, time_zone, location, \
         agenda, state, cancel_reason, sequence, created_at, updated_at)",
        rows,
    )
    .await?;
    let rows = batch
        .notes
        .iter()
        .map(|n| {
            vec![
                new_id(),
                Value::from(n.meeting_id.as_str()),
                Value::from(n.author_id.as_str()),
                Value::from(n.private),
                Value::from(n.body.as_str()),
                Value::from(n.at),
                Value::from(n.at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "meeting_notes (id, meeting_id, author_id, private, body, created_at, updated_at)",
        rows,
    )
    .await?;
    let rows = batch
        .action_items
        .iter()
        .map(|a| {
            vec![
                new_id(),
                Value::from(a.mentorship_id.as_str()),
                Value::from(a.meeting_id.clone()),
                Value::from(a.title.as_str()),
                Value::from(a.owner_id.as_str()),
                Value::from(a.created_by.as_str()),
                Value::from(a.due_on.clone()),
                Value::from(a.done_at),
                Value::from(a.created_at),
                Value::from(a.created_at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "action_items (id, mentorship_id, meeting_id, title, owner_id, created_by, due_on, done_at, \
         created_at, updated_at)",
        rows,
    )
    .await?;
    let rows = batch
        .notifications
        .iter()
        .map(|n| {
            vec![
                new_id(),
                Value::from(n.person_id.as_str()),
                Value::from(n.kind),
                Value::from(n.title.as_str()),
                Value::from(n.body.as_str()),
                Value::from(n.link.as_str()),
                Value::from(n.created_at),
                Value::from(n.read_at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "notifications (id, person_id, kind, title, body, link, created_at, read_at)",
        rows,
    )
    .await?;
    let now = crate::now_ms();
    let rows = batch
        .silent_mentors
        .iter()
        .map(|(person, expired)| {
            vec![
                Value::from(person.as_str()),
                Value::from(0_i64),
                Value::from(*expired),
                Value::from("requests expired unanswered"),
                Value::from(now),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "mentor_standing (person_id, accepting, expired_in_a_row, paused_reason, updated_at)",
        rows,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The threads of a batch and their members, as rows: one per request, under the
/// request's id, which the mentorship it started continues (when both are in the batch and
/// name each other); one per other mentorship, under the mentorship's id.
/// A thread's last activity is its newest message, and each member has read up to the
/// newest message that is theirs or marked read.
fn threads_of(batch: &BulkMentoring) -> (Vec<Vec<Value>>, Vec<Vec<Value>>) {
    let mut last_message: HashMap<&str, i64> = HashMap::new();
    let mut read_up_to: HashMap<(&str, &str), (&str, i64)> = HashMap::new();
    let mut read_by_all: HashMap<&str, (&str, i64)> = HashMap::new();
    for m in &batch.messages {
        let last = last_message.entry(m.thread_id.as_str()).or_default();
        *last = (*last).max(m.created_at);
        let newer = |mark: &(&str, i64)| m.id.as_str() > mark.0;
        let own = read_up_to
            .entry((m.thread_id.as_str(), m.author_id.as_str()))
            .or_insert(("", 0));
        if newer(own) {
            *own = (m.id.as_str(), m.created_at);
        }
        if m.read {
            let all = read_by_all.entry(m.thread_id.as_str()).or_insert(("", 0));
            if newer(all) {
                *all = (m.id.as_str(), m.created_at);
            }
        }
    }
    let mark = |thread: &str, person: &str| -> (Value, Value) {
        let own = read_up_to.get(&(thread, person)).copied();
        let all = read_by_all.get(thread).copied();
        match own.into_iter().chain(all).max_by(|a, b| a.0.cmp(b.0)) {
            Some((id, at)) => (Value::from(id), Value::from(Some(at))),
            None => (Value::from(""), Value::from(None::<i64>)),
        }
    };
    let active =
        |thread: &str, created: i64| created.max(last_message.get(thread).copied().unwrap_or(0));
    let request_of: HashMap<&str, Option<&str>> = batch
        .mentorships
        .iter()
        .map(|m| (m.id.as_str(), m.request_id.as_deref()))
        .collect();
    let mut thread_of: HashMap<&str, &str> = HashMap::new();
    let mut threads = Vec::new();
    let mut members = Vec::new();
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    for r in &batch.requests {
        let started = r
            .mentorship_id
            .as_deref()
            .filter(|m| request_of.get(m).copied().flatten() == Some(r.id.as_str()));
        if let Some(m) = started {
            thread_of.insert(m, r.id.as_str());
        }
        threads.push(vec![
            Value::from(r.id.as_str()),
            Value::from(r.id.as_str()),
            Value::from(started.map(str::to_owned)),
            Value::from(r.created_at),
            Value::from(active(r.id.as_str(), r.created_at)),
        ]);
        for person in [r.mentor_id.as_str(), r.mentee_id.as_str()] {
            if seen.insert((r.id.as_str(), person)) {
                let (read_id, read_at) = mark(r.id.as_str(), person);
                members.push(vec![
                    Value::from(r.id.as_str()),
                    Value::from(person),
                    Value::from(r.created_at),
                    read_id,
                    read_at,
                ]);
            }
        }
    }
    for m in &batch.mentorships {
        if !thread_of.contains_key(m.id.as_str()) {
            thread_of.insert(m.id.as_str(), m.id.as_str());
            threads.push(vec![
                Value::from(m.id.as_str()),
                Value::from(None::<String>),
                Value::from(m.id.as_str()),
                Value::from(m.created_at),
                Value::from(active(m.id.as_str(), m.created_at)),
            ]);
        }
    }
    for member in &batch.members {
        if let Some(thread) = thread_of.get(member.mentorship_id.as_str())
            && seen.insert((thread, member.person_id.as_str()))
        {
            let (read_id, read_at) = mark(thread, member.person_id.as_str());
            members.push(vec![
                Value::from(*thread),
                Value::from(member.person_id.as_str()),
                Value::from(member.joined_at),
                read_id,
                read_at,
            ]);
        }
    }
    (threads, members)
}
