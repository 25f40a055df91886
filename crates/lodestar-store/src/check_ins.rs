//! Confidence check-ins and each person's check-in cadence, with the claim that reminds a
//! person once per period that a check-in is due. What a mentor may see of a check-in is
//! in the row (`share_scores`, `share_notes`); the service reads only shared rows for
//! anyone but their owner.

use lodestar_domain::mentoring::Cadence;
use lodestar_domain::{CheckInId, PersonId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::{Conn, Db};

/// A check-in as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckIn {
    pub id: CheckInId,
    pub person: PersonId,
    pub confidence: u8,
    /// `(area, confidence)`, in the order given.
    pub areas: Vec<(String, u8)>,
    pub went_well: String,
    pub hard: String,
    pub need: String,
    pub share_scores: bool,
    pub share_notes: bool,
    pub marked_drop: bool,
    pub created_at: i64,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Area {
    area: String,
    confidence: u8,
}

macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT id, person_id, confidence, areas, went_well, hard, need, share_scores, \
             share_notes, marked_drop, created_at FROM check_ins ",
            $rest
        )
    };
}

fn from_row(row: &AnyRow) -> Result<CheckIn> {
    let areas: Vec<Area> = serde_json::from_str(&row.try_get::<String, _>("areas")?)
        .map_err(|e| StoreError::Corrupt(format!("check-in areas: {e}")))?;
    Ok(CheckIn {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        person: parse_id(&row.try_get::<String, _>("person_id")?)?,
        confidence: u8::try_from(row.try_get::<i64, _>("confidence")?).unwrap_or(0),
        areas: areas.into_iter().map(|a| (a.area, a.confidence)).collect(),
        went_well: row.try_get("went_well")?,
        hard: row.try_get("hard")?,
        need: row.try_get("need")?,
        share_scores: row.try_get::<i64, _>("share_scores")? != 0,
        share_notes: row.try_get::<i64, _>("share_notes")? != 0,
        marked_drop: row.try_get::<i64, _>("marked_drop")? != 0,
        created_at: row.try_get("created_at")?,
    })
}

pub async fn insert(conn: &mut Conn, c: &CheckIn) -> Result<()> {
    let areas: Vec<Area> = c
        .areas
        .iter()
        .map(|(area, confidence)| Area {
            area: area.clone(),
            confidence: *confidence,
        })
        .collect();
    let areas = serde_json::to_string(&areas)
        .map_err(|e| StoreError::Corrupt(format!("check-in areas: {e}")))?;
    sqlx::query(
        "INSERT INTO check_ins (id, person_id, confidence, areas, went_well, hard, need, \
         share_scores, share_notes, marked_drop, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(c.id.to_string())
    .bind(c.person.to_string())
    .bind(i64::from(c.confidence))
    .bind(areas)
    .bind(c.went_well.clone())
    .bind(c.hard.clone())
    .bind(c.need.clone())
    .bind(i64::from(c.share_scores))
    .bind(i64::from(c.share_notes))
    .bind(i64::from(c.marked_drop))
    .bind(c.created_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The confidence of `person`'s last `n` check-ins, oldest first.
pub async fn last_confidences(conn: &mut Conn, person: PersonId, n: i64) -> Result<Vec<u8>> {
    let mut values: Vec<u8> = sqlx::query(
        "SELECT confidence FROM check_ins WHERE person_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(person.to_string())
    .bind(n)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| Ok(u8::try_from(row.try_get::<i64, _>("confidence")?).unwrap_or(0)))
    .collect::<Result<_>>()?;
    values.reverse();
    Ok(values)
}

/// `person`'s check-ins, newest first, at most `limit`. With `shared_only`, only those
/// whose scores are shared with mentors.
pub async fn list(
    db: &Db,
    person: PersonId,
    shared_only: bool,
    limit: i64,
) -> Result<Vec<CheckIn>> {
    let sql = if shared_only {
        select!(
            "WHERE person_id = $1 AND share_scores = 1 ORDER BY created_at DESC, id DESC LIMIT $2"
        )
    } else {
        select!("WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
    };
    sqlx::query(sql)
        .bind(person.to_string())
        .bind(limit)
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// One check-in's place on a confidence chart: when, how confident, whether a marked drop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfidenceAt {
    pub at: i64,
    pub confidence: u8,
    pub marked_drop: bool,
}

macro_rules! series_select {
    () => {
        "SELECT string_agg(CAST(created_at AS TEXT) || ':' || CAST(confidence AS TEXT) || ':' \
         || CAST(marked_drop AS TEXT), ',' ORDER BY created_at, id) AS series FROM check_ins"
    };
}

/// Every check-in of `person`'s as a chart needs it, oldest first: three columns read in
/// order from `check_ins_by_person_time` alone (migration 0016), whatever the history's
/// length. With `shared_only`, only those whose scores are shared with mentors.
///
/// The series comes back as one row, `at:confidence:drop` items joined by commas in
/// order (`string_agg`, on both databases), not a row per check-in: two years of weekly
/// check-ins are a hundred rows, and each row costs a hand-over from the database's
/// thread to the request's.
pub async fn confidence_series(
    db: &Db,
    person: PersonId,
    shared_only: bool,
) -> Result<Vec<ConfidenceAt>> {
    let sql = if shared_only {
        concat!(
            series_select!(),
            " WHERE person_id = $1 AND share_scores = 1"
        )
    } else {
        concat!(series_select!(), " WHERE person_id = $1")
    };
    let row = sqlx::query(sql)
        .bind(person.to_string())
        .fetch_one(db.reader())
        .await?;
    let Some(series) = row.try_get::<Option<String>, _>("series")? else {
        return Ok(Vec::new());
    };
    series.split(',').map(parse_point).collect()
}

/// One `at:confidence:drop` item of [`confidence_series`]'s aggregate.
fn parse_point(item: &str) -> Result<ConfidenceAt> {
    let corrupt = || StoreError::Corrupt(format!("confidence series item {item:?}"));
    let mut parts = item.split(':');
    let mut next = || parts.next().ok_or_else(corrupt);
    let at = next()?.parse().map_err(|_| corrupt())?;
    let confidence = next()?.parse().map_err(|_| corrupt())?;
    let marked_drop = next()? != "0";
    Ok(ConfidenceAt {
        at,
        confidence,
        marked_drop,
    })
}

/// A person's check-in cadence and when it was set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub cadence: Cadence,
    pub started_at: i64,
    pub reminded_at: Option<i64>,
}

pub async fn plan(db: &Db, person: PersonId) -> Result<Option<Plan>> {
    sqlx::query("SELECT cadence, started_at, reminded_at FROM check_in_plans WHERE person_id = $1")
        .bind(person.to_string())
        .fetch_optional(db.reader())
        .await?
        .map(|row| {
            Ok(Plan {
                cadence: parse_id(&row.try_get::<String, _>("cadence")?)?,
                started_at: row.try_get("started_at")?,
                reminded_at: row.try_get("reminded_at")?,
            })
        })
        .transpose()
}

/// Sets a person's cadence (a changed cadence starts its first period now), or clears it.
pub async fn set_plan(
    conn: &mut Conn,
    person: PersonId,
    cadence: Option<Cadence>,
    now: i64,
) -> Result<()> {
    match cadence {
        None => {
            sqlx::query("DELETE FROM check_in_plans WHERE person_id = $1")
                .bind(person.to_string())
                .execute(&mut *conn)
                .await?;
        }
        Some(cadence) => {
            sqlx::query(
                "INSERT INTO check_in_plans (person_id, cadence, started_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (person_id) DO UPDATE SET cadence = excluded.cadence, \
                 started_at = CASE WHEN check_in_plans.cadence = excluded.cadence \
                     THEN check_in_plans.started_at ELSE excluded.started_at END",
            )
            .bind(person.to_string())
            .bind(cadence.as_str())
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Claims the people whose check-in is due at `now` and who have not been reminded since
/// it fell due: a check-in is due a period (7, 14 or 30 days) after the last one, or
/// after the cadence was set if there is none since. Marks them reminded and returns
/// them. One statement, so each reminder goes out from one process.
pub async fn claim_due(conn: &mut Conn, now: i64) -> Result<Vec<(PersonId, Cadence)>> {
    // When the plan's current check-in falls due: a period after the later of its start
    // and the last check-in. Written on the updated table itself, so a second process
    // that waited for the row lock re-reads `reminded_at` and passes the row by.
    macro_rules! due {
        () => {
            "(CASE WHEN COALESCE((SELECT MAX(c.created_at) FROM check_ins c \
                 WHERE c.person_id = check_in_plans.person_id), 0) > started_at \
               THEN (SELECT MAX(c.created_at) FROM check_ins c \
                 WHERE c.person_id = check_in_plans.person_id) ELSE started_at END \
             + CASE cadence WHEN 'weekly' THEN 604800000 WHEN 'fortnightly' THEN 1209600000 \
                 ELSE 2592000000 END)"
        };
    }
    sqlx::query(concat!(
        "UPDATE check_in_plans SET reminded_at = $1 WHERE ",
        due!(),
        " <= $1 AND (reminded_at IS NULL OR reminded_at < ",
        due!(),
        ") RETURNING person_id, cadence"
    ))
    .bind(now)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        Ok((
            parse_id(&row.try_get::<String, _>("person_id")?)?,
            parse_id(&row.try_get::<String, _>("cadence")?)?,
        ))
    })
    .collect()
}
