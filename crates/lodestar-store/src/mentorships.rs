//! Mentorships and their members: creating one, finding who is in it, and the lock that
//! keeps a mentor's capacity when accepts race.
//!
//! Members rather than a mentor and a mentee column: a circle of several mentees is more
//! member rows. Capacity counts a mentor's mentee members in active and paused mentorships.
//! Reading them is in [`views`], changing them in [`lifecycle`].

mod lifecycle;
mod views;

pub use lifecycle::{
    AgreementChanges, Move, Quiet, due_to_resume, flag_stalled, make_move, newly_stalled,
    record_reflection, set_contact, state_of, touch_activity, update_agreement,
};
pub use views::{
    EventRecord, Listed, MemberRecord, MentorshipDetail, MentorshipRecord, Partner, StalledRecord,
    departed, get, list_for, named_members, stalled, timeline,
};

use lodestar_domain::mentoring::{Cadence, MemberRole, MentorshipState};
use lodestar_domain::network::{ConnectionSource, Pair};
use lodestar_domain::{FocusArea, MentorshipId, PersonId, ProgrammeId, RequestId, SkillId};
use sqlx::{AnyConnection, Row};

use crate::error::Result;
use crate::persons::parse_id;
use crate::{Backend, Conn, Db, now_ms};

/// A new mentorship, as made when a request is accepted.
#[derive(Clone, Debug)]
pub struct NewMentorship {
    pub id: MentorshipId,
    pub request: Option<RequestId>,
    pub members: Vec<(PersonId, MemberRole)>,
    pub goals: String,
    pub focus_areas: Vec<FocusArea>,
    pub skills: Vec<SkillId>,
    pub cadence: Cadence,
    /// ISO 8601 date.
    pub expected_end_on: Option<String>,
    /// Who made it (the one who accepted), for the timeline.
    pub actor: PersonId,
    /// The programme it was made in, if any: it then counts in the programme's report.
    pub programme: Option<ProgrammeId>,
}

/// Inserts the mentorship, its members, the first entry of its timeline and its
/// conversation (the request's thread, continued, or a new one), in the caller's
/// transaction. Capacity is the caller's to check first, under [`lock_person`].
pub async fn insert(conn: &mut AnyConnection, new: &NewMentorship) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO mentorships (id, request_id, state, goals, focus_areas, skills, cadence, \
         expected_end_on, created_at, updated_at, last_activity_at, programme_id) \
         VALUES ($1, $2, 'active', $3, $4, $5, $6, $7, $8, $8, $8, $9)",
    )
    .bind(new.id.to_string())
    .bind(new.request.map(|r| r.to_string()))
    .bind(&new.goals)
    .bind(serde_json::to_string(&new.focus_areas).unwrap_or_else(|_| "[]".into()))
    .bind(json_ids(&new.skills))
    .bind(new.cadence.as_str())
    .bind(new.expected_end_on.clone())
    .bind(now)
    .bind(new.programme.map(|p| p.to_string()))
    .execute(&mut *conn)
    .await?;
    for (person, role) in &new.members {
        sqlx::query(
            "INSERT INTO mentorship_members (mentorship_id, person_id, role, joined_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(new.id.to_string())
        .bind(person.to_string())
        .bind(role.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    // Each mentor and mentee are connected from now on (and stay so when it ends).
    let role_of = |role: MemberRole| new.members.iter().filter(move |(_, r)| *r == role);
    for (mentor, _) in role_of(MemberRole::Mentor) {
        for (mentee, _) in role_of(MemberRole::Mentee) {
            if let Some(pair) = Pair::of(*mentor, *mentee) {
                crate::connections::connect(conn, pair, ConnectionSource::Mentorship, now).await?;
            }
        }
    }
    let people: Vec<PersonId> = new.members.iter().map(|(p, _)| *p).collect();
    crate::threads::continue_for_mentorship(conn, new.request, new.id, &people, now).await?;
    // Made by a programme's published match rather than an accepted request.
    let by_match = if new.request.is_none() && new.programme.is_some() {
        "match"
    } else {
        ""
    };
    record_event(conn, new.id, Some(new.actor), "started", by_match).await
}

/// The mentor's running circle in the programme, with its skills (its focus first): their
/// newest active or paused mentorship there, read in the caller's transaction.
pub async fn running_circle(
    conn: &mut AnyConnection,
    mentor: PersonId,
    programme: ProgrammeId,
) -> Result<Option<(MentorshipId, Vec<SkillId>)>> {
    sqlx::query(
        "SELECT m.id, m.skills FROM mentorships m \
         JOIN mentorship_members mine ON mine.mentorship_id = m.id AND mine.role = 'mentor' \
         WHERE mine.person_id = $1 AND m.programme_id = $2 AND m.state IN ('active', 'paused') \
         ORDER BY m.created_at DESC, m.id DESC LIMIT 1",
    )
    .bind(mentor.to_string())
    .bind(programme.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| {
        Ok((
            parse_id(&row.try_get::<String, _>("id")?)?,
            parse_json_ids(&row.try_get::<String, _>("skills")?)?,
        ))
    })
    .transpose()
}

/// Each mentor's running circle in the programme: its focus (the first skill of their
/// newest active or paused mentorship there that names one), and the circle's other mentor
/// where it has two.
pub async fn circle_foci_in(
    db: &Db,
    programme: ProgrammeId,
) -> Result<std::collections::HashMap<PersonId, (SkillId, Option<PersonId>)>> {
    let rows = sqlx::query(
        "SELECT m.id, mine.person_id, m.skills FROM mentorships m \
         JOIN mentorship_members mine ON mine.mentorship_id = m.id AND mine.role = 'mentor' \
         WHERE m.programme_id = $1 AND m.state IN ('active', 'paused') \
         AND mine.person_id IS NOT NULL ORDER BY m.created_at, m.id",
    )
    .bind(programme.to_string())
    .fetch_all(db.reader())
    .await?;
    let mut mentors: Vec<(String, PersonId, Vec<SkillId>)> = Vec::with_capacity(rows.len());
    for row in &rows {
        mentors.push((
            row.try_get("id")?,
            parse_id(&row.try_get::<String, _>("person_id")?)?,
            parse_json_ids(&row.try_get::<String, _>("skills")?)?,
        ));
    }
    let mut foci = std::collections::HashMap::new();
    for (circle, mentor, skills) in &mentors {
        let other = mentors
            .iter()
            .find(|(id, them, _)| id == circle && them != mentor)
            .map(|(_, them, _)| *them);
        if let Some(focus) = skills.first() {
            foci.insert(*mentor, (*focus, other));
        }
    }
    Ok(foci)
}

/// New mentees join a running mentorship (a circle), in the caller's transaction: their
/// member rows, their connections with its mentors, its thread, and its timeline.
pub async fn join(
    conn: &mut AnyConnection,
    mentorship: MentorshipId,
    mentees: &[PersonId],
    actor: PersonId,
) -> Result<()> {
    let now = now_ms();
    let mentors: Vec<PersonId> = sqlx::query(
        "SELECT person_id FROM mentorship_members WHERE mentorship_id = $1 AND role = 'mentor' \
         AND person_id IS NOT NULL",
    )
    .bind(mentorship.to_string())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| parse_id(&row.try_get::<String, _>("person_id")?))
    .collect::<Result<_>>()?;
    for mentee in mentees {
        sqlx::query(
            "INSERT INTO mentorship_members (mentorship_id, person_id, role, joined_at) \
             VALUES ($1, $2, 'mentee', $3)",
        )
        .bind(mentorship.to_string())
        .bind(mentee.to_string())
        .bind(now)
        .execute(&mut *conn)
        .await?;
        for mentor in &mentors {
            if let Some(pair) = Pair::of(*mentor, *mentee) {
                crate::connections::connect(conn, pair, ConnectionSource::Mentorship, now).await?;
            }
        }
    }
    let thread = sqlx::query("SELECT id FROM threads WHERE mentorship_id = $1")
        .bind(mentorship.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(row) = thread {
        let thread = parse_id(&row.try_get::<String, _>("id")?)?;
        crate::threads::add_members(conn, thread, mentees, now).await?;
    }
    let joined = if mentees.len() == 1 {
        "a mentee joined".to_owned()
    } else {
        format!("{} mentees joined", mentees.len())
    };
    record_event(conn, mentorship, Some(actor), "joined", &joined).await
}

/// Adds an entry to a mentorship's timeline, in the caller's transaction.
pub async fn record_event(
    conn: &mut AnyConnection,
    mentorship: MentorshipId,
    actor: Option<PersonId>,
    kind: &str,
    detail: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO mentorship_events (id, mentorship_id, actor_id, kind, detail, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(mentorship.to_string())
    .bind(actor.map(|a| a.to_string()))
    .bind(kind)
    .bind(detail)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Serialises the transactions that concern one person's capacity or open requests: on
/// PostgreSQL a row lock on the person, held to the end of the transaction, so a second
/// accept waits and then counts what the first committed (each statement of a
/// READ COMMITTED transaction reads a fresh snapshot). SQLite has one writer at a time,
/// so a write transaction is already alone.
///
/// `FOR NO KEY UPDATE` rather than `FOR UPDATE`: lockers still exclude each other, but the
/// key-share locks that foreign-key checks take (a notification or a request row naming
/// the person) do not wait on it, so a transaction that locks one person and writes a row
/// naming another cannot deadlock with one doing the reverse.
pub async fn lock_person(
    conn: &mut AnyConnection,
    backend: Backend,
    person: PersonId,
) -> Result<()> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT id FROM persons WHERE id = $1 FOR NO KEY UPDATE")
            .bind(person.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    }
    Ok(())
}

/// How many places of a mentor's capacity are taken: their mentee members in active and
/// paused mentorships (one-off conversations take none).
pub async fn places_taken(conn: &mut AnyConnection, mentor: PersonId) -> Result<i64> {
    places_taken_within(conn, mentor, None).await
}

/// As [`places_taken`], in one programme's mentorships only when `programme` names one.
pub async fn places_taken_within(
    conn: &mut AnyConnection,
    mentor: PersonId,
    programme: Option<ProgrammeId>,
) -> Result<i64> {
    let mut sql = crate::sql::Sql::new(
        "SELECT COUNT(*) AS n FROM mentorship_members mine \
         JOIN mentorships m ON m.id = mine.mentorship_id \
         JOIN mentorship_members mentee ON mentee.mentorship_id = m.id AND mentee.role = 'mentee' \
         AND mentee.person_id IS NOT NULL \
         WHERE mine.role = 'mentor' AND m.state IN ('active', 'paused') AND m.kind = 'ongoing' \
         AND mine.person_id = ",
    );
    sql.bind(mentor.to_string());
    if let Some(programme) = programme {
        sql.push(" AND m.programme_id = ")
            .bind(programme.to_string());
    }
    Ok(sql.query().fetch_one(&mut *conn).await?.try_get("n")?)
}

/// Places taken per mentor (mentee members in active and paused mentorships), for the
/// mentors in `only`, or for every mentor when `only` is `None`. Mentors with none taken
/// are absent.
pub async fn places_taken_by(
    db: &Db,
    only: Option<&[PersonId]>,
) -> Result<std::collections::HashMap<PersonId, i64>> {
    places_taken_where(db, only, None).await
}

/// Places taken per mentor by the mentorships made in one programme. Mentors with none
/// taken are absent.
pub async fn places_taken_in(
    db: &Db,
    programme: ProgrammeId,
) -> Result<std::collections::HashMap<PersonId, i64>> {
    places_taken_where(db, None, Some(programme)).await
}

async fn places_taken_where(
    db: &Db,
    only: Option<&[PersonId]>,
    programme: Option<ProgrammeId>,
) -> Result<std::collections::HashMap<PersonId, i64>> {
    if only.is_some_and(<[PersonId]>::is_empty) {
        return Ok(std::collections::HashMap::new());
    }
    let mut sql = crate::sql::Sql::new(
        "SELECT mine.person_id AS mentor, COUNT(*) AS taken FROM mentorship_members mine \
         JOIN mentorships m ON m.id = mine.mentorship_id AND m.state IN ('active', 'paused') \
         AND m.kind = 'ongoing' \
         JOIN mentorship_members mentee ON mentee.mentorship_id = m.id AND mentee.role = 'mentee' \
         AND mentee.person_id IS NOT NULL \
         WHERE mine.role = 'mentor'",
    );
    if let Some(programme) = programme {
        sql.push(" AND m.programme_id = ")
            .bind(programme.to_string());
    }
    if let Some(mentors) = only {
        sql.push(" AND mine.person_id IN (")
            .bind_list(mentors.iter().map(ToString::to_string))
            .push(")");
    }
    sql.push(" GROUP BY mine.person_id");
    sql.query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| {
            Ok((
                parse_id(&row.try_get::<String, _>("mentor")?)?,
                row.try_get::<i64, _>("taken")?,
            ))
        })
        .collect()
}

/// The mentees who have a mentor in the programme: a mentee member of one of its active or
/// paused mentorships.
pub async fn mentored_in(db: &Db, programme: ProgrammeId) -> Result<Vec<PersonId>> {
    sqlx::query(
        "SELECT DISTINCT mentee.person_id FROM mentorships m \
         JOIN mentorship_members mentee ON mentee.mentorship_id = m.id AND mentee.role = 'mentee' \
         AND mentee.person_id IS NOT NULL \
         WHERE m.programme_id = $1 AND m.state IN ('active', 'paused')",
    )
    .bind(programme.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| parse_id(&row.try_get::<String, _>("person_id")?))
    .collect()
}

/// The mentee's mentors in the programme's active and paused mentorships.
pub async fn mentors_in(
    db: &Db,
    mentee: PersonId,
    programme: ProgrammeId,
) -> Result<Vec<PersonId>> {
    sqlx::query(
        "SELECT DISTINCT mentor.person_id FROM mentorships m \
         JOIN mentorship_members mentee ON mentee.mentorship_id = m.id AND mentee.role = 'mentee' \
         JOIN mentorship_members mentor ON mentor.mentorship_id = m.id AND mentor.role = 'mentor' \
         WHERE m.programme_id = $1 AND mentee.person_id = $2 AND m.state IN ('active', 'paused') \
         AND mentor.person_id IS NOT NULL",
    )
    .bind(programme.to_string())
    .bind(mentee.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| parse_id(&row.try_get::<String, _>("person_id")?))
    .collect()
}

/// Whether the mentee has a mentor in the programme, in the caller's transaction.
pub async fn has_mentor_in(
    conn: &mut AnyConnection,
    mentee: PersonId,
    programme: ProgrammeId,
) -> Result<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS found FROM mentorships m \
         JOIN mentorship_members mentee ON mentee.mentorship_id = m.id AND mentee.role = 'mentee' \
         AND mentee.person_id IS NOT NULL \
         WHERE m.programme_id = $1 AND mentee.person_id = $2 AND m.state IN ('active', 'paused') \
         LIMIT 1",
    )
    .bind(programme.to_string())
    .bind(mentee.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// A person's part in a mentorship, with the mentorship's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Membership {
    pub role: MemberRole,
    pub state: MentorshipState,
}

/// `person`'s membership of `mentorship`, or `None` if they are not in it (or it does not
/// exist): the one question every read and write of a mentorship's things asks first.
pub async fn membership(
    db: &Db,
    mentorship: MentorshipId,
    person: PersonId,
) -> Result<Option<Membership>> {
    let row = sqlx::query(
        "SELECT mm.role, m.state FROM mentorship_members mm \
         JOIN mentorships m ON m.id = mm.mentorship_id \
         WHERE mm.mentorship_id = $1 AND mm.person_id = $2",
    )
    .bind(mentorship.to_string())
    .bind(person.to_string())
    .fetch_optional(db.reader())
    .await?;
    row.map(|row| {
        Ok(Membership {
            role: parse_id(&row.try_get::<String, _>("role")?)?,
            state: parse_id(&row.try_get::<String, _>("state")?)?,
        })
    })
    .transpose()
}

/// The members of a mentorship whose accounts exist, mentors first.
pub async fn members(db: &Db, mentorship: MentorshipId) -> Result<Vec<(PersonId, MemberRole)>> {
    sqlx::query(
        "SELECT person_id, role FROM mentorship_members WHERE mentorship_id = $1 \
         AND person_id IS NOT NULL ORDER BY role DESC, joined_at, person_id",
    )
    .bind(mentorship.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok((
            parse_id(&row.try_get::<String, _>("person_id")?)?,
            parse_id(&row.try_get::<String, _>("role")?)?,
        ))
    })
    .collect()
}

/// Makes a mentorship just inserted a one-off conversation (flash mentoring), in the
/// caller's transaction: it takes no place of the mentor's capacity.
pub async fn mark_flash(conn: &mut AnyConnection, id: MentorshipId) -> Result<()> {
    sqlx::query("UPDATE mentorships SET kind = 'flash' WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether `a` and `b` share an active or paused mentorship of any kind.
pub async fn open_between(conn: &mut AnyConnection, a: PersonId, b: PersonId) -> Result<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS one FROM mentorship_members x \
         JOIN mentorships m ON m.id = x.mentorship_id AND m.state IN ('active', 'paused') \
         JOIN mentorship_members y ON y.mentorship_id = m.id \
         WHERE x.person_id = $1 AND y.person_id = $2",
    )
    .bind(a.to_string())
    .bind(b.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// Ends the one-off conversations whose session is over: completed once it has ended (or
/// was held or missed), cancelled if it was cancelled. One statement, so of several
/// processes each ends each once. Returns the ones ended.
pub async fn end_finished_flash(conn: &mut AnyConnection, now: i64) -> Result<Vec<MentorshipId>> {
    sqlx::query(
        "UPDATE mentorships SET \
         state = CASE WHEN EXISTS (SELECT 1 FROM meetings x WHERE x.mentorship_id = mentorships.id \
           AND x.state <> 'cancelled') THEN 'completed' ELSE 'cancelled' END, \
         ended_at = $1, updated_at = $1 \
         WHERE kind = 'flash' AND state IN ('active', 'paused') \
         AND NOT EXISTS (SELECT 1 FROM meetings x WHERE x.mentorship_id = mentorships.id \
           AND x.state = 'scheduled' AND x.starts_at + x.duration_minutes * 60000 > $1) \
         RETURNING id",
    )
    .bind(now)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| parse_id(&row.try_get::<String, _>("id")?))
    .collect()
}

/// A list of ids as the JSON array the mentoring tables keep.
pub fn json_ids<T: std::fmt::Display>(ids: &[T]) -> String {
    serde_json::to_string(&ids.iter().map(ToString::to_string).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into())
}

/// Reads a JSON array of ids back; an unreadable entry is corrupt data.
pub fn parse_json_ids<T: std::str::FromStr>(raw: &str) -> Result<Vec<T>> {
    let texts: Vec<String> = serde_json::from_str(raw)
        .map_err(|e| crate::StoreError::Corrupt(format!("bad id list {raw:?}: {e}")))?;
    texts.iter().map(|t| parse_id(t)).collect()
}

/// The state of a mentorship `person` is a member of, read inside the caller's write
/// transaction; on PostgreSQL the mentorship's row stays locked to the end of it, so a
/// pause or an end waits for (or is seen by) what the transaction does next.
pub async fn state_in(
    conn: &mut Conn,
    backend: Backend,
    mentorship: MentorshipId,
    person: PersonId,
) -> Result<Option<MentorshipState>> {
    let sql = match backend {
        Backend::Postgres => {
            "SELECT m.state FROM mentorships m JOIN mentorship_members mm ON mm.mentorship_id = m.id \
             WHERE m.id = $1 AND mm.person_id = $2 FOR UPDATE OF m"
        }
        Backend::Sqlite => {
            "SELECT m.state FROM mentorships m JOIN mentorship_members mm ON mm.mentorship_id = m.id \
             WHERE m.id = $1 AND mm.person_id = $2"
        }
    };
    sqlx::query(sql)
        .bind(mentorship.to_string())
        .bind(person.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| parse_id(&row.try_get::<String, _>("state")?))
        .transpose()
}

/// The mentorship, active or paused, in which `mentor` mentors `mentee` now (the newest,
/// if there were ever two).
pub async fn current_between(
    db: &Db,
    mentor: PersonId,
    mentee: PersonId,
) -> Result<Option<MentorshipId>> {
    sqlx::query(
        "SELECT m.id FROM mentorships m \
         JOIN mentorship_members r ON r.mentorship_id = m.id AND r.person_id = $1 AND r.role = 'mentor' \
         JOIN mentorship_members e ON e.mentorship_id = m.id AND e.person_id = $2 AND e.role = 'mentee' \
         WHERE m.state IN ('active', 'paused') ORDER BY m.created_at DESC, m.id DESC LIMIT 1",
    )
    .bind(mentor.to_string())
    .bind(mentee.to_string())
    .fetch_optional(db.reader())
    .await?
    .map(|row| parse_id(&row.try_get::<String, _>("id")?))
    .transpose()
}

/// The people who mentor `mentee` in a mentorship that is active or paused, or that ended
/// at or after `ended_since` (epoch ms): those who may still read what the mentee shares.
/// With names, by name.
pub async fn mentors_of(
    db: &Db,
    mentee: PersonId,
    ended_since: i64,
) -> Result<Vec<(PersonId, String)>> {
    counterparts(db, mentee, MemberRole::Mentee, ended_since).await
}

/// The people `mentor` mentors in a mentorship that is active or paused, or that ended at
/// or after `ended_since`: whose shared growth they may still read. With names, by name.
pub async fn mentees_of(
    db: &Db,
    mentor: PersonId,
    ended_since: i64,
) -> Result<Vec<(PersonId, String)>> {
    counterparts(db, mentor, MemberRole::Mentor, ended_since).await
}

async fn counterparts(
    db: &Db,
    person: PersonId,
    role: MemberRole,
    ended_since: i64,
) -> Result<Vec<(PersonId, String)>> {
    let other = match role {
        MemberRole::Mentor => MemberRole::Mentee,
        MemberRole::Mentee => MemberRole::Mentor,
    };
    sqlx::query(
        "SELECT DISTINCT p.id, p.name FROM mentorship_members me \
         JOIN mentorships m ON m.id = me.mentorship_id \
         JOIN mentorship_members o ON o.mentorship_id = m.id AND o.role = $3 \
         JOIN persons p ON p.id = o.person_id \
         WHERE me.person_id = $1 AND me.role = $2 \
         AND (m.state IN ('active', 'paused') OR m.ended_at >= $4) \
         ORDER BY p.name, p.id",
    )
    .bind(person.to_string())
    .bind(role.as_str())
    .bind(other.as_str())
    .bind(ended_since)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok((
            parse_id(&row.try_get::<String, _>("id")?)?,
            row.try_get("name")?,
        ))
    })
    .collect()
}

/// A member of one of a programme's mentorships, with the mentorship's dates and state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgrammeMember {
    pub mentorship: MentorshipId,
    pub state: MentorshipState,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    /// `None` (and no name or e-mail) for a member whose account was deleted.
    pub person: Option<PersonId>,
    pub name: String,
    pub email: String,
    pub role: MemberRole,
}

/// Every member of every mentorship made in the programme, oldest mentorship first, its
/// mentors before its mentees.
pub async fn members_in_programme(db: &Db, programme: ProgrammeId) -> Result<Vec<ProgrammeMember>> {
    sqlx::query(
        "SELECT m.id, m.state, m.created_at, m.ended_at, p.id AS person_id, \
         COALESCE(p.name, '') AS name, COALESCE(p.email, '') AS email, mm.role \
         FROM mentorships m JOIN mentorship_members mm ON mm.mentorship_id = m.id \
         LEFT JOIN persons p ON p.id = mm.person_id WHERE m.programme_id = $1 \
         ORDER BY m.created_at, m.id, mm.role DESC, p.name_key, p.id",
    )
    .bind(programme.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(ProgrammeMember {
            mentorship: parse_id(&row.try_get::<String, _>("id")?)?,
            state: parse_id(&row.try_get::<String, _>("state")?)?,
            started_at: row.try_get("created_at")?,
            ended_at: row.try_get("ended_at")?,
            person: row
                .try_get::<Option<String>, _>("person_id")?
                .map(|id| parse_id(&id))
                .transpose()?,
            name: row.try_get("name")?,
            email: row.try_get("email")?,
            role: parse_id(&row.try_get::<String, _>("role")?)?,
        })
    })
    .collect()
}
