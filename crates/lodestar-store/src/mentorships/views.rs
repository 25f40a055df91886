//! Reading mentorships: one with its members and timeline, a person's list, and the
//! stalled ones. A member's rating leaves the database only for that member: the queries
//! that read ratings take the reader and blank everyone else's in SQL.

use lodestar_domain::mentoring::{Cadence, MemberRole, MentorshipKind, MentorshipState};
use lodestar_domain::{FocusArea, MentorshipId, PersonId, RequestId, SkillId, ThreadId};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::parse_json_ids;
use crate::Db;
use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::sql::Sql;

/// A mentorship's own row: the agreement and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MentorshipRecord {
    pub id: MentorshipId,
    pub request: Option<RequestId>,
    pub state: MentorshipState,
    pub goals: String,
    pub focus_areas: Vec<FocusArea>,
    pub skills: Vec<SkillId>,
    pub cadence: Cadence,
    /// ISO 8601 dates.
    pub expected_end_on: Option<String>,
    pub resume_on: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub ended_at: Option<i64>,
    pub last_activity_at: i64,
    pub stalled_since: Option<i64>,
    /// Its conversation.
    pub thread: Option<ThreadId>,
    /// Ongoing, or a one-off conversation.
    pub kind: MentorshipKind,
}

const COLUMNS: &str = "m.id, m.request_id, m.state, m.goals, m.focus_areas, m.skills, m.cadence, \
    m.expected_end_on, m.resume_on, m.created_at, m.updated_at, m.ended_at, m.last_activity_at, \
    m.stalled_since, (SELECT t.id FROM threads t WHERE t.mentorship_id = m.id) AS thread_id, m.kind";

fn record_from_row(row: &AnyRow) -> Result<MentorshipRecord> {
    let request: Option<String> = row.try_get("request_id")?;
    let focus: String = row.try_get("focus_areas")?;
    let focus: Vec<String> = serde_json::from_str(&focus)
        .map_err(|e| StoreError::Corrupt(format!("bad focus areas {focus:?}: {e}")))?;
    Ok(MentorshipRecord {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        request: request.as_deref().map(parse_id).transpose()?,
        state: parse_id(&row.try_get::<String, _>("state")?)?,
        goals: row.try_get("goals")?,
        focus_areas: focus.iter().filter_map(|f| FocusArea::parse(f)).collect(),
        skills: parse_json_ids(&row.try_get::<String, _>("skills")?)?,
        cadence: parse_id(&row.try_get::<String, _>("cadence")?)?,
        expected_end_on: row.try_get("expected_end_on")?,
        resume_on: row.try_get("resume_on")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        ended_at: row.try_get("ended_at")?,
        last_activity_at: row.try_get("last_activity_at")?,
        stalled_since: row.try_get("stalled_since")?,
        thread: row
            .try_get::<Option<String>, _>("thread_id")?
            .as_deref()
            .map(parse_id)
            .transpose()?,
        kind: parse_id(&row.try_get::<String, _>("kind")?)?,
    })
}

/// A member of a mentorship as another member reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberRecord {
    pub person: PersonId,
    pub name: String,
    pub role: MemberRole,
    /// Their e-mail address, or `None` when their profile hides it.
    pub email: Option<String>,
    /// How they said to reach them in this mentorship.
    pub contact: String,
    /// Their closing reflection (empty until given).
    pub reflection: String,
    /// Their rating, only on the reader's own row; `None` on everyone else's.
    pub rating: Option<i64>,
    pub joined_at: i64,
}

/// A mentorship with its members, mentors first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MentorshipDetail {
    pub mentorship: MentorshipRecord,
    pub members: Vec<MemberRecord>,
    /// The roles of members whose accounts were deleted, mentors first: their side stays
    /// in the mentorship without a person.
    pub departed: Vec<MemberRole>,
}

/// The roles of a mentorship's members whose accounts were deleted, mentors first.
pub async fn departed(db: &Db, id: MentorshipId) -> Result<Vec<MemberRole>> {
    sqlx::query(
        "SELECT role FROM mentorship_members WHERE mentorship_id = $1 AND person_id IS NULL \
         ORDER BY role DESC, joined_at",
    )
    .bind(id.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| parse_id(&row.try_get::<String, _>("role")?))
    .collect()
}

/// The mentorship with its members as `reader` may have them (their own rating, nobody
/// else's), in two queries; `None` if there is no such mentorship. Whether the reader may
/// see it at all is the caller's to decide.
pub async fn get(db: &Db, id: MentorshipId, reader: PersonId) -> Result<Option<MentorshipDetail>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM mentorships m WHERE m.id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(db.reader())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let mentorship = record_from_row(&row)?;
    let members = sqlx::query(
        "SELECT mm.person_id, p.name, mm.role, p.email, p.hidden_fields, mm.contact, mm.reflection, \
         CASE WHEN mm.person_id = $2 THEN mm.rating END AS rating, mm.joined_at \
         FROM mentorship_members mm JOIN persons p ON p.id = mm.person_id \
         WHERE mm.mentorship_id = $1 ORDER BY mm.role DESC, mm.joined_at, p.name_key",
    )
    .bind(id.to_string())
    .bind(reader.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        let hidden: String = row.try_get("hidden_fields")?;
        let email_hidden = hidden.split(',').any(|f| f.trim() == "email");
        Ok(MemberRecord {
            person: parse_id(&row.try_get::<String, _>("person_id")?)?,
            name: row.try_get("name")?,
            role: parse_id(&row.try_get::<String, _>("role")?)?,
            email: (!email_hidden)
                .then(|| row.try_get("email"))
                .transpose()?,
            contact: row.try_get("contact")?,
            reflection: row.try_get("reflection")?,
            rating: row.try_get("rating")?,
            joined_at: row.try_get("joined_at")?,
        })
    })
    .collect::<Result<_>>()?;
    Ok(Some(MentorshipDetail {
        mentorship,
        members,
        departed: departed(db, id).await?,
    }))
}

/// One entry of a mentorship's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRecord {
    /// Who did it; `None` when Lodestar did (an automatic resume) or the person is gone.
    pub actor: Option<PersonId>,
    pub actor_name: Option<String>,
    pub kind: String,
    pub detail: String,
    pub at: i64,
}

/// A mentorship's timeline, oldest first.
pub async fn timeline(db: &Db, id: MentorshipId) -> Result<Vec<EventRecord>> {
    sqlx::query(
        "SELECT e.actor_id, p.name, e.kind, e.detail, e.at FROM mentorship_events e \
         LEFT JOIN persons p ON p.id = e.actor_id \
         WHERE e.mentorship_id = $1 ORDER BY e.at, e.id",
    )
    .bind(id.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        let actor: Option<String> = row.try_get("actor_id")?;
        Ok(EventRecord {
            actor: actor.as_deref().map(parse_id).transpose()?,
            actor_name: row.try_get("name")?,
            kind: row.try_get("kind")?,
            detail: row.try_get("detail")?,
            at: row.try_get("at")?,
        })
    })
    .collect()
}

/// Another member of a mentorship, by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partner {
    pub person: PersonId,
    pub name: String,
    pub role: MemberRole,
}

/// The members of a mentorship by name, mentors first.
pub async fn named_members(db: &Db, id: MentorshipId) -> Result<Vec<Partner>> {
    sqlx::query(
        "SELECT mm.person_id, p.name, mm.role FROM mentorship_members mm \
         JOIN persons p ON p.id = mm.person_id WHERE mm.mentorship_id = $1 \
         ORDER BY mm.role DESC, mm.joined_at, p.name_key",
    )
    .bind(id.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(partner_from_row)
    .collect()
}

fn partner_from_row(row: &AnyRow) -> Result<Partner> {
    Ok(Partner {
        person: parse_id(&row.try_get::<String, _>("person_id")?)?,
        name: row.try_get("name")?,
        role: parse_id(&row.try_get::<String, _>("role")?)?,
    })
}

/// One of a person's mentorships, for their list and their dashboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub mentorship: MentorshipRecord,
    pub my_role: MemberRole,
    /// The other members, mentors first.
    pub others: Vec<Partner>,
    /// The roles of members whose accounts were deleted, mentors first.
    pub departed: Vec<MemberRole>,
    /// The start of the next scheduled meeting from `now` on.
    pub next_meeting_at: Option<i64>,
    pub open_action_items: i64,
}

/// `person`'s mentorships, newest first, optionally in one of `states`, with the other
/// members' names, the next meeting and the count of open action items: two queries
/// however many there are (the per-mentorship figures are subqueries on the
/// `meetings_by_mentorship` and `action_items_by_mentorship` indexes; the meeting's state
/// is compared as `state || ''` so that SQLite does not prefer `meetings_by_start`).
pub async fn list_for(
    db: &Db,
    person: PersonId,
    states: &[MentorshipState],
    now: i64,
) -> Result<Vec<Listed>> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS}, mine.role AS my_role, \
         (SELECT MIN(mt.starts_at) FROM meetings mt WHERE mt.mentorship_id = m.id \
          AND (mt.state || '') = 'scheduled' AND mt.starts_at >= "
    ));
    sql.bind(now).push(
        ") AS next_meeting_at, \
         (SELECT COUNT(*) FROM action_items ai WHERE ai.mentorship_id = m.id \
          AND ai.done_at IS NULL) AS open_action_items \
         FROM mentorship_members mine JOIN mentorships m ON m.id = mine.mentorship_id \
         WHERE mine.person_id = ",
    );
    sql.bind(person.to_string());
    if !states.is_empty() {
        sql.push(" AND m.state IN (")
            .bind_list(states.iter().map(|s| s.as_str()))
            .push(")");
    }
    sql.push(" ORDER BY m.created_at DESC, m.id");
    let mut listed = sql
        .query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| {
            Ok(Listed {
                mentorship: record_from_row(row)?,
                my_role: parse_id(&row.try_get::<String, _>("my_role")?)?,
                others: Vec::new(),
                departed: Vec::new(),
                next_meeting_at: row.try_get("next_meeting_at")?,
                open_action_items: row.try_get("open_action_items")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if listed.is_empty() {
        return Ok(listed);
    }
    let partners = sqlx::query(
        "SELECT mm.mentorship_id, mm.person_id, p.name, mm.role FROM mentorship_members mine \
         JOIN mentorship_members mm ON mm.mentorship_id = mine.mentorship_id \
         AND mm.person_id <> mine.person_id \
         JOIN persons p ON p.id = mm.person_id \
         WHERE mine.person_id = $1 ORDER BY mm.role DESC, mm.joined_at, p.name_key",
    )
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?;
    for row in &partners {
        let id: MentorshipId = parse_id(&row.try_get::<String, _>("mentorship_id")?)?;
        if let Some(entry) = listed.iter_mut().find(|l| l.mentorship.id == id) {
            entry.others.push(partner_from_row(row)?);
        }
    }
    let departed = sqlx::query(
        "SELECT mm.mentorship_id, mm.role FROM mentorship_members mine \
         JOIN mentorship_members mm ON mm.mentorship_id = mine.mentorship_id \
         AND mm.person_id IS NULL \
         WHERE mine.person_id = $1 ORDER BY mm.role DESC, mm.joined_at",
    )
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?;
    for row in &departed {
        let id: MentorshipId = parse_id(&row.try_get::<String, _>("mentorship_id")?)?;
        if let Some(entry) = listed.iter_mut().find(|l| l.mentorship.id == id) {
            entry
                .departed
                .push(parse_id(&row.try_get::<String, _>("role")?)?);
        }
    }
    Ok(listed)
}

/// A stalled mentorship as an admin sees it: who is in it and how long it has been quiet,
/// nothing of what was said in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StalledRecord {
    pub id: MentorshipId,
    pub members: Vec<Partner>,
    pub last_activity_at: i64,
    pub stalled_since: i64,
}

/// Every active mentorship flagged as stalled, the longest quiet first, with its members:
/// one query (on the `mentorships_by_state` index).
pub async fn stalled(db: &Db) -> Result<Vec<StalledRecord>> {
    let rows = sqlx::query(
        "SELECT m.id, m.last_activity_at, m.stalled_since, mm.person_id, p.name, mm.role \
         FROM mentorships m JOIN mentorship_members mm ON mm.mentorship_id = m.id \
         JOIN persons p ON p.id = mm.person_id \
         WHERE m.state = 'active' AND m.stalled_since IS NOT NULL \
         ORDER BY m.last_activity_at, m.id, mm.role DESC, p.name_key",
    )
    .fetch_all(db.reader())
    .await?;
    let mut stalled: Vec<StalledRecord> = Vec::new();
    for row in &rows {
        let id: MentorshipId = parse_id(&row.try_get::<String, _>("id")?)?;
        if stalled.last().is_none_or(|s| s.id != id) {
            stalled.push(StalledRecord {
                id,
                members: Vec::new(),
                last_activity_at: row.try_get("last_activity_at")?,
                stalled_since: row.try_get("stalled_since")?,
            });
        }
        if let Some(entry) = stalled.last_mut() {
            entry.members.push(partner_from_row(row)?);
        }
    }
    Ok(stalled)
}
