//! Mentorship requests: a mentee asking a mentor, or a mentor offering, and the one move
//! each makes out of `pending`; and each mentor's standing (whether they take requests).
//!
//! Every move out of `pending` is a conditional `UPDATE … WHERE state = 'pending'`, so of
//! two processes deciding the same request at once exactly one wins. One open request per
//! pair is the partial unique index `mentorship_requests_open_pair`.

use lodestar_domain::mentoring::{Cadence, Initiator, RequestState, Review};
use lodestar_domain::{
    FocusArea, MentorshipId, PersonId, ProgrammeId, RequestId, SkillId, ThreadId,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::error::{Result, StoreError};
use crate::mentorships::{json_ids, parse_json_ids};
use crate::persons::parse_id;
use crate::sql::Sql;
use crate::{Db, now_ms};

/// A request to insert. Its state is `pending`.
#[derive(Clone, Debug)]
pub struct NewRequest {
    pub id: RequestId,
    pub mentor: PersonId,
    pub mentee: PersonId,
    pub initiator: Initiator,
    pub message: String,
    pub skills: Vec<SkillId>,
    pub focus_areas: Vec<FocusArea>,
    pub cadence: Cadence,
    pub duration_weeks: i64,
    pub created_at: i64,
    pub expires_at: i64,
    /// The programme it is made in, if any.
    pub programme: Option<ProgrammeId>,
    /// Whether a programme admin approves it before the mentor sees it.
    pub reviewed: bool,
}

/// A request as stored, with both parties' names.
#[derive(Clone, Debug)]
pub struct Request {
    pub id: RequestId,
    pub mentor: PersonId,
    pub mentor_name: String,
    pub mentee: PersonId,
    pub mentee_name: String,
    pub initiator: Initiator,
    pub message: String,
    pub skills: Vec<SkillId>,
    pub focus_areas: Vec<FocusArea>,
    pub cadence: Cadence,
    pub duration_weeks: i64,
    pub state: RequestState,
    pub decline_reason: String,
    pub mentorship: Option<MentorshipId>,
    pub created_at: i64,
    pub expires_at: i64,
    pub reminded_at: Option<i64>,
    pub decided_at: Option<i64>,
    /// Its conversation (which the mentorship it started continues).
    pub thread: Option<ThreadId>,
    /// The programme it is made in, with its name.
    pub programme: Option<(ProgrammeId, String)>,
    /// A programme admin's review, for a request made in an admin-assisted programme.
    pub review: Option<Review>,
}

impl Request {
    /// Whether it waits for a programme admin's approval.
    pub fn waiting_for_review(&self) -> bool {
        self.review == Some(Review::Waiting)
    }

    /// Whether its mentor may see it: nobody reviews it, or a programme admin approved it.
    pub fn seen_by_mentor(&self) -> bool {
        matches!(self.review, None | Some(Review::Approved))
    }

    /// Who sent it.
    pub fn sender(&self) -> PersonId {
        match self.initiator {
            Initiator::Mentee => self.mentee,
            Initiator::Mentor => self.mentor,
        }
    }

    /// Who answers it.
    pub fn receiver(&self) -> PersonId {
        match self.initiator {
            Initiator::Mentee => self.mentor,
            Initiator::Mentor => self.mentee,
        }
    }

    pub fn name_of(&self, person: PersonId) -> &str {
        if person == self.mentor {
            &self.mentor_name
        } else {
            &self.mentee_name
        }
    }
}

/// Which of a person's requests: those they answer, or those they sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Incoming,
    Outgoing,
}

const COLUMNS: &str = "r.id, r.mentor_id, mentor.name AS mentor_name, r.mentee_id, \
    mentee.name AS mentee_name, r.initiator, r.message, r.skills, r.focus_areas, r.cadence, \
    r.duration_weeks, r.state, r.decline_reason, r.mentorship_id, r.created_at, r.expires_at, \
    r.reminded_at, r.decided_at, t.id AS thread_id, r.programme_id, \
    prog.name AS programme_name, r.review";
const FROM: &str = "FROM mentorship_requests r JOIN persons mentor ON mentor.id = r.mentor_id \
    JOIN persons mentee ON mentee.id = r.mentee_id LEFT JOIN threads t ON t.request_id = r.id \
    LEFT JOIN programmes prog ON prog.id = r.programme_id";

/// A request the mentor may see: one nobody reviews, or one a programme admin approved.
pub const SEEN_BY_MENTOR: &str = "(r.review IS NULL OR r.review = 'approved')";

fn request_from_row(row: &AnyRow) -> Result<Request> {
    let corrupt = |e: lodestar_domain::mentoring::UnknownValue| StoreError::Corrupt(e.to_string());
    let focus: Vec<String> = serde_json::from_str(&row.try_get::<String, _>("focus_areas")?)
        .map_err(|e| StoreError::Corrupt(format!("bad focus areas: {e}")))?;
    Ok(Request {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        mentor: parse_id(&row.try_get::<String, _>("mentor_id")?)?,
        mentor_name: row.try_get("mentor_name")?,
        mentee: parse_id(&row.try_get::<String, _>("mentee_id")?)?,
        mentee_name: row.try_get("mentee_name")?,
        initiator: row
            .try_get::<String, _>("initiator")?
            .parse()
            .map_err(corrupt)?,
        message: row.try_get("message")?,
        skills: parse_json_ids(&row.try_get::<String, _>("skills")?)?,
        focus_areas: focus.iter().filter_map(|f| FocusArea::parse(f)).collect(),
        cadence: row
            .try_get::<String, _>("cadence")?
            .parse()
            .map_err(corrupt)?,
        duration_weeks: row.try_get("duration_weeks")?,
        state: row
            .try_get::<String, _>("state")?
            .parse()
            .map_err(corrupt)?,
        decline_reason: row.try_get("decline_reason")?,
        mentorship: row
            .try_get::<Option<String>, _>("mentorship_id")?
            .map(|m| parse_id(&m))
            .transpose()?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        reminded_at: row.try_get("reminded_at")?,
        decided_at: row.try_get("decided_at")?,
        thread: row
            .try_get::<Option<String>, _>("thread_id")?
            .map(|t| parse_id(&t))
            .transpose()?,
        programme: match row.try_get::<Option<String>, _>("programme_id")? {
            Some(id) => Some((
                parse_id(&id)?,
                row.try_get::<Option<String>, _>("programme_name")?
                    .unwrap_or_default(),
            )),
            None => None,
        },
        review: row
            .try_get::<Option<String>, _>("review")?
            .map(|r| r.parse())
            .transpose()
            .map_err(corrupt)?,
    })
}

/// Inserts a pending request and its conversation thread in the caller's transaction. A
/// second open request between the same two people fails with
/// `Conflict { what: "open_request" }`. A request a programme admin reviews first has the
/// mentee alone in its thread until it is approved.
pub async fn insert(conn: &mut AnyConnection, new: &NewRequest) -> Result<()> {
    let focus: Vec<&str> = new.focus_areas.iter().map(|f| f.as_str()).collect();
    sqlx::query(
        "INSERT INTO mentorship_requests (id, mentor_id, mentee_id, initiator, message, skills, \
         focus_areas, cadence, duration_weeks, state, created_at, expires_at, programme_id, \
         review) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11, $12, $13)",
    )
    .bind(new.id.to_string())
    .bind(new.mentor.to_string())
    .bind(new.mentee.to_string())
    .bind(new.initiator.as_str())
    .bind(&new.message)
    .bind(json_ids(&new.skills))
    .bind(serde_json::to_string(&focus).unwrap_or_else(|_| "[]".into()))
    .bind(new.cadence.as_str())
    .bind(new.duration_weeks)
    .bind(new.created_at)
    .bind(new.expires_at)
    .bind(new.programme.map(|p| p.to_string()))
    .bind(new.reviewed.then_some(Review::Waiting.as_str()))
    .execute(&mut *conn)
    .await?;
    let members = if new.reviewed {
        vec![new.mentee]
    } else {
        vec![new.mentor, new.mentee]
    };
    crate::threads::insert(
        conn,
        ThreadId::new(),
        Some(new.id),
        None,
        &members,
        new.created_at,
    )
    .await
}

/// A programme admin approves a request waiting for review, in the caller's transaction:
/// the mentor joins its thread, and it expires `ttl` from now. `false` when it was not
/// waiting (decided, withdrawn, or reviewed by another admin first).
pub async fn approve(
    conn: &mut AnyConnection,
    id: RequestId,
    reviewer: PersonId,
    now: i64,
    ttl: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE mentorship_requests SET review = 'approved', reviewed_by = $1, reviewed_at = $2, \
         expires_at = $3 WHERE id = $4 AND state = 'pending' AND review = 'waiting'",
    )
    .bind(reviewer.to_string())
    .bind(now)
    .bind(now.saturating_add(ttl))
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    let request = get_in(conn, id).await?;
    if let Some(thread) = request.thread {
        crate::threads::add_members(conn, thread, &[request.mentor], now).await?;
    }
    Ok(true)
}

/// A programme admin rejects a request waiting for review: it is declined with their
/// reason. `false` when it was not waiting.
pub async fn reject(
    conn: &mut AnyConnection,
    id: RequestId,
    reviewer: PersonId,
    reason: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE mentorship_requests SET review = 'rejected', reviewed_by = $1, reviewed_at = $2, \
         state = 'declined', decline_reason = $3, decided_at = $2 \
         WHERE id = $4 AND state = 'pending' AND review = 'waiting'",
    )
    .bind(reviewer.to_string())
    .bind(now)
    .bind(reason)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The requests of a programme waiting for an admin's review, oldest first, at most
/// `limit`.
pub async fn waiting_in(db: &Db, programme: ProgrammeId, limit: i64) -> Result<Vec<Request>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} {FROM} WHERE r.programme_id = $1 AND r.review = 'waiting' \
         AND r.state = 'pending' ORDER BY r.created_at, r.id LIMIT $2"
    )))
    .bind(programme.to_string())
    .bind(limit)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(request_from_row)
    .collect()
}

/// One request, read in the caller's transaction, or `NotFound`.
pub async fn get_in(conn: &mut AnyConnection, id: RequestId) -> Result<Request> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} {FROM} WHERE r.id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    request_from_row(&row)
}

/// One request, or `NotFound`.
pub async fn get(db: &Db, id: RequestId) -> Result<Request> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} {FROM} WHERE r.id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(db.reader())
    .await?
    .ok_or(StoreError::NotFound)?;
    request_from_row(&row)
}

/// A person's requests, newest first: those they answer (`Incoming`), those they sent
/// (`Outgoing`), or both; in one state or any; at most `limit`.
pub async fn list(
    db: &Db,
    person: PersonId,
    direction: Option<Direction>,
    state: Option<RequestState>,
    limit: i64,
) -> Result<Vec<Request>> {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} {FROM} WHERE "));
    let me = person.to_string();
    match direction {
        Some(Direction::Incoming) => {
            sql.push("((r.mentor_id = ")
                .bind(me.clone())
                .push(" AND r.initiator = 'mentee' AND ")
                .push(SEEN_BY_MENTOR)
                .push(") OR (r.mentee_id = ")
                .bind(me)
                .push(" AND r.initiator = 'mentor'))");
        }
        Some(Direction::Outgoing) => {
            sql.push("((r.mentee_id = ")
                .bind(me.clone())
                .push(" AND r.initiator = 'mentee') OR (r.mentor_id = ")
                .bind(me)
                .push(" AND r.initiator = 'mentor'))");
        }
        None => {
            sql.push("((r.mentor_id = ")
                .bind(me.clone())
                .push(" AND ")
                .push(SEEN_BY_MENTOR)
                .push(") OR r.mentee_id = ")
                .bind(me)
                .push(")");
        }
    }
    if let Some(state) = state {
        sql.push(" AND r.state = ").bind(state.as_str());
    }
    sql.push(" ORDER BY r.created_at DESC, r.id DESC LIMIT ")
        .bind(limit);
    sql.query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(request_from_row)
        .collect()
}

/// The `(id, slug, name)` of each skill in `ids` that exists, in one query.
pub async fn skill_names(db: &Db, ids: &[SkillId]) -> Result<Vec<(SkillId, String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id, slug, name FROM skills WHERE id IN (");
    sql.bind_list(ids.iter().map(ToString::to_string)).push(")");
    sql.query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| {
            Ok((
                parse_id(&row.try_get::<String, _>("id")?)?,
                row.try_get("slug")?,
                row.try_get("name")?,
            ))
        })
        .collect()
}

/// How many requests `mentee` has sent that are still open.
pub async fn open_sent_by_mentee(conn: &mut AnyConnection, mentee: PersonId) -> Result<i64> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM mentorship_requests \
         WHERE mentee_id = $1 AND state = 'pending' AND initiator = 'mentee'",
    )
    .bind(mentee.to_string())
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?)
}

/// Whether an open request between these two exists, whoever sent it.
pub async fn open_between(
    conn: &mut AnyConnection,
    mentor: PersonId,
    mentee: PersonId,
) -> Result<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS one FROM mentorship_requests \
         WHERE mentor_id = $1 AND mentee_id = $2 AND state = 'pending'",
    )
    .bind(mentor.to_string())
    .bind(mentee.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// Whether the two already share an active or paused mentorship, as mentor and mentee (a
/// one-off conversation does not count: it can become a request).
pub async fn mentoring_already(
    conn: &mut AnyConnection,
    mentor: PersonId,
    mentee: PersonId,
) -> Result<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS one FROM mentorship_members a \
         JOIN mentorships m ON m.id = a.mentorship_id AND m.state IN ('active', 'paused') \
         AND m.kind = 'ongoing' \
         JOIN mentorship_members b ON b.mentorship_id = m.id \
         WHERE a.person_id = $1 AND a.role = 'mentor' AND b.person_id = $2 AND b.role = 'mentee'",
    )
    .bind(mentor.to_string())
    .bind(mentee.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// A mentor's capacity as their profile states it (0 for a person who is not found).
pub async fn mentor_capacity(conn: &mut AnyConnection, mentor: PersonId) -> Result<i64> {
    Ok(
        sqlx::query("SELECT mentor_capacity FROM persons WHERE id = $1")
            .bind(mentor.to_string())
            .fetch_optional(&mut *conn)
            .await?
            .map(|row| row.try_get::<i64, _>("mentor_capacity"))
            .transpose()?
            .unwrap_or(0),
    )
}

/// Moves a pending request to `next` (accepted, declined, withdrawn), in the caller's
/// transaction. `false` when it was no longer pending: someone else decided it first.
pub async fn decide(
    conn: &mut AnyConnection,
    id: RequestId,
    next: RequestState,
    decline_reason: &str,
    at: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE mentorship_requests SET state = $1, decline_reason = $2, decided_at = $3 \
         WHERE id = $4 AND state = 'pending'",
    )
    .bind(next.as_str())
    .bind(decline_reason)
    .bind(at)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the mentorship an accepted request started.
pub async fn set_mentorship(
    conn: &mut AnyConnection,
    id: RequestId,
    mentorship: MentorshipId,
) -> Result<()> {
    sqlx::query("UPDATE mentorship_requests SET mentorship_id = $1 WHERE id = $2")
        .bind(mentorship.to_string())
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Expires one pending request whose time is up at `now`. `false` when it was answered,
/// withdrawn or expired by another process first, or is not yet due.
pub async fn expire(conn: &mut AnyConnection, id: RequestId, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE mentorship_requests SET state = 'expired', decided_at = $1 \
         WHERE id = $2 AND state = 'pending' AND expires_at <= $1 \
         AND (review IS NULL OR review <> 'waiting')",
    )
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a pending request as reminded. `false` when another process reminded first or
/// it is no longer pending.
pub async fn mark_reminded(conn: &mut AnyConnection, id: RequestId, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE mentorship_requests SET reminded_at = $1 \
         WHERE id = $2 AND state = 'pending' AND reminded_at IS NULL",
    )
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Pending requests whose time is up at `now`, oldest expiry first, at most `limit`.
pub async fn due_to_expire(db: &Db, now: i64, limit: i64) -> Result<Vec<RequestId>> {
    ids(sqlx::query(
        "SELECT id FROM mentorship_requests r WHERE state = 'pending' AND expires_at <= $1 \
         AND (r.review IS NULL OR r.review <> 'waiting') ORDER BY expires_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db.reader())
    .await?)
}

/// Pending requests not yet reminded that expire within `window` of `now` (and have not
/// expired yet), at most `limit`.
pub async fn due_for_reminder(
    db: &Db,
    now: i64,
    window: i64,
    limit: i64,
) -> Result<Vec<RequestId>> {
    ids(sqlx::query(
        "SELECT id FROM mentorship_requests r WHERE state = 'pending' AND expires_at > $1 \
         AND expires_at <= $2 AND reminded_at IS NULL \
         AND (r.review IS NULL OR r.review <> 'waiting') ORDER BY expires_at, id LIMIT $3",
    )
    .bind(now)
    .bind(now.saturating_add(window))
    .bind(limit)
    .fetch_all(db.reader())
    .await?)
}

fn ids(rows: Vec<AnyRow>) -> Result<Vec<RequestId>> {
    rows.iter()
        .map(|row| parse_id(&row.try_get::<String, _>("id")?))
        .collect()
}

/// Whether a mentor takes requests, and how many in a row have expired unanswered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    pub accepting: bool,
    pub expired_in_a_row: i64,
    /// Why requests were turned off, when the system did it.
    pub paused_reason: String,
    pub updated_at: Option<i64>,
}

impl Default for Standing {
    /// No row: the mentor takes requests.
    fn default() -> Self {
        Self {
            accepting: true,
            expired_in_a_row: 0,
            paused_reason: String::new(),
            updated_at: None,
        }
    }
}

/// A mentor's standing, read in the caller's transaction.
pub async fn standing(conn: &mut AnyConnection, mentor: PersonId) -> Result<Standing> {
    let row = sqlx::query(
        "SELECT accepting, expired_in_a_row, paused_reason, updated_at FROM mentor_standing \
         WHERE person_id = $1",
    )
    .bind(mentor.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        Ok(Standing {
            accepting: row.try_get::<i64, _>("accepting")? != 0,
            expired_in_a_row: row.try_get("expired_in_a_row")?,
            paused_reason: row.try_get("paused_reason")?,
            updated_at: Some(row.try_get("updated_at")?),
        })
    })
    .transpose()
    .map(Option::unwrap_or_default)
}

/// The mentor turns requests on or off themselves; either way the count of unanswered
/// requests starts again.
pub async fn set_accepting(
    conn: &mut AnyConnection,
    mentor: PersonId,
    accepting: bool,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO mentor_standing (person_id, accepting, expired_in_a_row, paused_reason, updated_at) \
         VALUES ($1, $2, 0, '', $3) ON CONFLICT (person_id) DO UPDATE \
         SET accepting = $2, expired_in_a_row = 0, paused_reason = '', updated_at = $3",
    )
    .bind(mentor.to_string())
    .bind(i64::from(accepting))
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The mentor answered a request: the run of unanswered ones ends.
pub async fn reset_expired_in_a_row(conn: &mut AnyConnection, mentor: PersonId) -> Result<()> {
    sqlx::query(
        "UPDATE mentor_standing SET expired_in_a_row = 0, updated_at = $1 \
         WHERE person_id = $2 AND expired_in_a_row <> 0",
    )
    .bind(now_ms())
    .bind(mentor.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One more request to `mentor` expired unanswered; returns how many in a row now. One
/// upsert, so concurrent expiries each count.
pub async fn count_expired(conn: &mut AnyConnection, mentor: PersonId, now: i64) -> Result<i64> {
    Ok(sqlx::query(
        "INSERT INTO mentor_standing (person_id, accepting, expired_in_a_row, updated_at) \
         VALUES ($1, 1, 1, $2) ON CONFLICT (person_id) DO UPDATE \
         SET expired_in_a_row = mentor_standing.expired_in_a_row + 1, updated_at = $2 \
         RETURNING expired_in_a_row",
    )
    .bind(mentor.to_string())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("expired_in_a_row")?)
}

/// Turns a silent mentor's requests off. `false` when they were already off, so that only
/// one expiry tells them.
pub async fn pause_silent(
    conn: &mut AnyConnection,
    mentor: PersonId,
    reason: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE mentor_standing SET accepting = 0, paused_reason = $1, updated_at = $2 \
         WHERE person_id = $3 AND accepting = 1",
    )
    .bind(reason)
    .bind(now)
    .bind(mentor.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
