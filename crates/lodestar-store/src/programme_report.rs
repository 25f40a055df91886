//! The counts behind a programme's dashboard and report. Every read here is an aggregate
//! made by the database (COUNT, SUM, GROUP BY): no row of a person's check-ins, goals,
//! levels or ratings leaves the store, and a programme of 20,000 people costs a few
//! grouped scans, not 20,000 rows in memory. Each figure comes with how many distinct
//! people it rests on, so that the service can hold back any resting on fewer than
//! `lodestar_domain::programme::MIN_GROUP`.
//!
//! A programme's mentees are its approved enrolments as mentee or both; its mentors, as
//! mentor or both; its mentorships, those whose `programme_id` is it. Sums are cast to
//! BIGINT, since PostgreSQL sums a BIGINT column as NUMERIC; means are made by the caller
//! from a sum and a count, the same on both databases.

use lodestar_domain::ProgrammeId;
use sqlx::Row;

use crate::Db;
use crate::error::Result;

/// The programme's mentees, as a subquery on `$1` (the programme).
const MENTEES: &str = "SELECT person_id FROM programme_enrolments \
     WHERE programme_id = $1 AND state = 'approved' AND role IN ('mentee', 'both')";

/// The programme's mentors, as a subquery on `$1` (the programme).
const MENTORS: &str = "SELECT person_id FROM programme_enrolments \
     WHERE programme_id = $1 AND state = 'approved' AND role IN ('mentor', 'both')";

/// A count and the distinct people it rests on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: i64,
    pub people: i64,
}

impl Tally {
    /// The tally in a row's columns `count` and `people`.
    fn read(row: &sqlx::any::AnyRow, count: &str, people: &str) -> Result<Self> {
        Ok(Self {
            count: row.try_get(count)?,
            people: row.try_get(people)?,
        })
    }
}

/// Live enrolments (`approved` or `pending`) by role and state: `(role, state, count)`.
pub async fn enrolment(db: &Db, programme: ProgrammeId) -> Result<Vec<(String, String, i64)>> {
    sqlx::query(
        "SELECT role, state, COUNT(*) AS n FROM programme_enrolments \
         WHERE programme_id = $1 AND state IN ('approved', 'pending') GROUP BY role, state",
    )
    .bind(programme.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok((
            row.try_get("role")?,
            row.try_get("state")?,
            row.try_get("n")?,
        ))
    })
    .collect()
}

/// How many mentees the programme has, and how many of them are mentees of one of its
/// active or paused mentorships.
pub async fn matched(db: &Db, programme: ProgrammeId) -> Result<(i64, i64)> {
    // The programme's mentees are a set read once (a subquery that does not depend on the
    // row), and the matched ones are the mentees of its own mentorships found in it: no
    // test per mentee, which a planner may turn into a scan of the programme's mentorships
    // for each of them (seen on SQLite: a minute for 16,000 mentees).
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT (SELECT COUNT(*) FROM ({MENTEES}) e) AS mentees, \
           (SELECT COUNT(DISTINCT mm.person_id) FROM mentorships m \
             JOIN mentorship_members mm ON mm.mentorship_id = m.id \
             WHERE m.programme_id = $1 AND m.state IN ('active', 'paused') \
               AND mm.role = 'mentee' AND mm.person_id IN ({MENTEES})) AS matched"
    )))
    .bind(programme.to_string())
    .fetch_one(db.reader())
    .await?;
    Ok((row.try_get("mentees")?, row.try_get("matched")?))
}

/// The programme's mentorships by how many sessions each has held, in buckets 0 (none),
/// 1 (one or two), 2 (three to five) and 3 (six or more).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionBucket {
    pub bucket: i64,
    pub mentorships: i64,
    /// Sessions held, all told.
    pub held: i64,
    /// Distinct members of these mentorships.
    pub people: i64,
}

/// Sessions held per mentorship, in [`SessionBucket`]s (a bucket with no mentorship is
/// left out).
pub async fn sessions(db: &Db, programme: ProgrammeId) -> Result<Vec<SessionBucket>> {
    sqlx::query(
        "WITH per AS ( \
           SELECT m.id, (SELECT COUNT(*) FROM meetings mt \
             WHERE mt.mentorship_id = m.id AND mt.state = 'held') AS held \
           FROM mentorships m WHERE m.programme_id = $1), \
         bucketed AS ( \
           SELECT id, held, CASE WHEN held = 0 THEN 0 WHEN held <= 2 THEN 1 \
             WHEN held <= 5 THEN 2 ELSE 3 END AS bucket FROM per), \
         counts AS ( \
           SELECT bucket, COUNT(*) AS mentorships, CAST(SUM(held) AS BIGINT) AS held \
           FROM bucketed GROUP BY bucket), \
         people AS ( \
           SELECT b.bucket, COUNT(DISTINCT mm.person_id) AS people \
           FROM bucketed b JOIN mentorship_members mm ON mm.mentorship_id = b.id \
           GROUP BY b.bucket) \
         SELECT c.bucket, c.mentorships, c.held, COALESCE(p.people, 0) AS people \
         FROM counts c LEFT JOIN people p ON p.bucket = c.bucket ORDER BY c.bucket",
    )
    .bind(programme.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(SessionBucket {
            bucket: row.try_get("bucket")?,
            mentorships: row.try_get("mentorships")?,
            held: row.try_get("held")?,
            people: row.try_get("people")?,
        })
    })
    .collect()
}

/// The programme's mentorships by state, counted with their distinct members: `(state,
/// all of them, the stalled ones among them)` (only active ones are ever stalled).
pub async fn mentorships(db: &Db, programme: ProgrammeId) -> Result<Vec<(String, Tally, Tally)>> {
    sqlx::query(
        "SELECT m.state, COUNT(DISTINCT m.id) AS n, COUNT(DISTINCT mm.person_id) AS people, \
           COUNT(DISTINCT CASE WHEN m.stalled_since IS NOT NULL THEN m.id END) AS stalled_n, \
           COUNT(DISTINCT CASE WHEN m.stalled_since IS NOT NULL THEN mm.person_id END) \
             AS stalled_people \
         FROM mentorships m LEFT JOIN mentorship_members mm ON mm.mentorship_id = m.id \
         WHERE m.programme_id = $1 GROUP BY m.state",
    )
    .bind(programme.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        let state: String = row.try_get("state")?;
        let stalled = if state == "active" {
            Tally::read(row, "stalled_n", "stalled_people")?
        } else {
            Tally::default()
        };
        Ok((state, Tally::read(row, "n", "people")?, stalled))
    })
    .collect()
}

/// Pending requests the programme's mentees sent to its mentors, still unanswered;
/// people: the distinct mentees waiting.
pub async fn unanswered(db: &Db, programme: ProgrammeId) -> Result<Tally> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) AS n, COUNT(DISTINCT r.mentee_id) AS people FROM mentorship_requests r \
         WHERE r.state = 'pending' AND r.initiator = 'mentee' AND r.mentee_id IN ({MENTEES}) \
           AND r.mentor_id IN ({MENTORS})"
    )))
    .bind(programme.to_string())
    .fetch_one(db.reader())
    .await?;
    Tally::read(&row, "n", "people")
}

/// Goals the programme's mentees set since `since` (epoch ms), and goals they achieved
/// since then, private ones too, as numbers only.
pub async fn goals(db: &Db, programme: ProgrammeId, since: i64) -> Result<(Tally, Tally)> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT \
           COALESCE(SUM(CASE WHEN g.created_at >= $2 THEN 1 ELSE 0 END), 0) AS set_n, \
           COUNT(DISTINCT CASE WHEN g.created_at >= $2 THEN g.owner_id END) AS set_people, \
           COALESCE(SUM(CASE WHEN g.status = 'achieved' AND g.achieved_at >= $2 THEN 1 ELSE 0 END), 0) AS done_n, \
           COUNT(DISTINCT CASE WHEN g.status = 'achieved' AND g.achieved_at >= $2 THEN g.owner_id END) AS done_people \
         FROM goals g WHERE g.owner_id IN ({MENTEES}) \
           AND (g.created_at >= $2 OR g.achieved_at >= $2)"
    )))
    .bind(programme.to_string())
    .bind(since)
    .fetch_one(db.reader())
    .await?;
    Ok((
        Tally::read(&row, "set_n", "set_people")?,
        Tally::read(&row, "done_n", "done_people")?,
    ))
}

/// How many of the programme's mentees checked in since `since` (epoch ms).
pub async fn checked_in(db: &Db, programme: ProgrammeId, since: i64) -> Result<i64> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(DISTINCT c.person_id) AS people FROM check_ins c \
         WHERE c.person_id IN ({MENTEES}) AND c.created_at >= $2"
    )))
    .bind(programme.to_string())
    .bind(since)
    .fetch_one(db.reader())
    .await?;
    Ok(row.try_get("people")?)
}

/// First against latest: the sums of each person's first and latest value, over the
/// people who have at least two, so a mean is `start / people` and `now / people`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Change {
    pub people: i64,
    pub start: i64,
    pub now: i64,
}

/// The overall confidence of each of the programme's mentees at their first check-in
/// since `since` (epoch ms) and at their latest, summed over those with two or more.
pub async fn confidence(db: &Db, programme: ProgrammeId, since: i64) -> Result<Change> {
    // Each mentee's first and latest check-in since `since`, and whether there are two,
    // are three seeks on `check_ins_by_person_time`: no sort of every check-in.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "WITH ends AS ( \
           SELECT \
             (SELECT c.confidence FROM check_ins c WHERE c.person_id = e.person_id \
                AND c.created_at >= $2 ORDER BY c.created_at, c.id LIMIT 1) AS first_c, \
             (SELECT c.confidence FROM check_ins c WHERE c.person_id = e.person_id \
                AND c.created_at >= $2 ORDER BY c.created_at DESC, c.id DESC LIMIT 1) AS last_c, \
             (SELECT COUNT(*) FROM (SELECT 1 FROM check_ins c WHERE c.person_id = e.person_id \
                AND c.created_at >= $2 LIMIT 2) two) AS n \
           FROM ({MENTEES}) e) \
         SELECT COUNT(*) AS people, \
           CAST(COALESCE(SUM(first_c), 0) AS BIGINT) AS start_sum, \
           CAST(COALESCE(SUM(last_c), 0) AS BIGINT) AS now_sum \
         FROM ends WHERE n >= 2"
    )))
    .bind(programme.to_string())
    .bind(since)
    .fetch_one(db.reader())
    .await?;
    Ok(Change {
        people: row.try_get("people")?,
        start: row.try_get("start_sum")?,
        now: row.try_get("now_sum")?,
    })
}

/// First against latest level, per skill, for the skills the programme's mentees want to
/// grow: each mentee's first assessment of a skill they grow against their latest (by
/// themself or a mentor), over those assessed twice or more; the `limit` skills with the
/// most such people first. `(skill name, change)`.
pub async fn skills(db: &Db, programme: ProgrammeId, limit: i64) -> Result<Vec<(String, Change)>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "WITH ranked AS ( \
           SELECT a.person_id, a.skill_id, a.level, \
             ROW_NUMBER() OVER (PARTITION BY a.person_id, a.skill_id ORDER BY a.created_at, a.id) AS first_rank, \
             ROW_NUMBER() OVER (PARTITION BY a.person_id, a.skill_id ORDER BY a.created_at DESC, a.id DESC) AS last_rank, \
             COUNT(*) OVER (PARTITION BY a.person_id, a.skill_id) AS n \
           FROM skill_assessments a \
           JOIN person_skills ps ON ps.person_id = a.person_id AND ps.skill_id = a.skill_id \
             AND ps.relation = 'grows' \
           WHERE a.person_id IN ({MENTEES})) \
         SELECT s.name, COUNT(DISTINCT r.person_id) AS people, \
           CAST(SUM(CASE WHEN r.first_rank = 1 THEN r.level ELSE 0 END) AS BIGINT) AS start_sum, \
           CAST(SUM(CASE WHEN r.last_rank = 1 THEN r.level ELSE 0 END) AS BIGINT) AS now_sum \
         FROM ranked r JOIN skills s ON s.id = r.skill_id \
         WHERE r.n >= 2 AND (r.first_rank = 1 OR r.last_rank = 1) \
         GROUP BY s.id, s.name ORDER BY people DESC, s.name LIMIT $2"
    )))
    .bind(programme.to_string())
    .bind(limit)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok((
            row.try_get("name")?,
            Change {
                people: row.try_get("people")?,
                start: row.try_get("start_sum")?,
                now: row.try_get("now_sum")?,
            },
        ))
    })
    .collect()
}

/// Career outcomes the programme's mentees recorded as happening on `since` (YYYY-MM-DD)
/// or later, by kind.
pub async fn outcomes(
    db: &Db,
    programme: ProgrammeId,
    since: &str,
) -> Result<Vec<(String, Tally)>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT o.kind, COUNT(*) AS n, COUNT(DISTINCT o.person_id) AS people FROM outcomes o \
         WHERE o.person_id IN ({MENTEES}) AND o.happened_on >= $2 GROUP BY o.kind"
    )))
    .bind(programme.to_string())
    .bind(since)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| Ok((row.try_get("kind")?, Tally::read(row, "n", "people")?)))
    .collect()
}

/// The ratings given on completing the programme's mentorships, by stars (1–5):
/// `(stars, ratings and the distinct people who gave them)`.
pub async fn ratings(db: &Db, programme: ProgrammeId) -> Result<Vec<(i64, Tally)>> {
    sqlx::query(
        "SELECT mm.rating, COUNT(*) AS n, COUNT(DISTINCT mm.person_id) AS people \
         FROM mentorships m JOIN mentorship_members mm ON mm.mentorship_id = m.id \
         WHERE m.programme_id = $1 AND m.state = 'completed' AND mm.rating IS NOT NULL \
         GROUP BY mm.rating ORDER BY mm.rating",
    )
    .bind(programme.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| Ok((row.try_get("rating")?, Tally::read(row, "n", "people")?)))
    .collect()
}

/// Distinct people in the programme's mentorships, and distinct people who rated one on
/// completing it: what the mean sessions and the mean rating rest on.
pub async fn people_in_mentorships(db: &Db, programme: ProgrammeId) -> Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COUNT(DISTINCT mm.person_id) AS members, \
           COUNT(DISTINCT CASE WHEN m.state = 'completed' AND mm.rating IS NOT NULL \
             THEN mm.person_id END) AS raters \
         FROM mentorships m JOIN mentorship_members mm ON mm.mentorship_id = m.id \
         WHERE m.programme_id = $1",
    )
    .bind(programme.to_string())
    .fetch_one(db.reader())
    .await?;
    Ok((row.try_get("members")?, row.try_get("raters")?))
}
