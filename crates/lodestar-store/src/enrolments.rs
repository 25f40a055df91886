//! Enrolments in programmes (migration 24): who enrolled, on which side, with which
//! answers, and where each stands. One live enrolment (pending or approved) per person and
//! programme, held by a partial unique index, so two racing enrolments make one. Answers
//! are kept as they are sent (a JSON object keyed by question number); the service reads
//! them back through the programme's form.

use std::collections::{BTreeMap, HashMap};

use lodestar_domain::programme::{EnrolmentRole, EnrolmentState, RawAnswer};
use lodestar_domain::{EnrolmentId, PersonId, ProgrammeId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::sql::Sql;
use crate::{Conn, Db};

/// A person's enrolment in a programme.
#[derive(Clone, Debug, PartialEq)]
pub struct Enrolment {
    pub id: EnrolmentId,
    pub programme_id: ProgrammeId,
    pub person_id: PersonId,
    /// The person's name when read; ignored when writing.
    pub person_name: String,
    pub role: EnrolmentRole,
    /// As sent, keyed by question number.
    pub answers: BTreeMap<String, RawAnswer>,
    pub state: EnrolmentState,
    pub created_at: i64,
    pub updated_at: i64,
    /// The admin who approved, declined or removed it.
    pub decided_by: Option<PersonId>,
    pub decided_at: Option<i64>,
}

/// The columns of an enrolment read, with its person's name.
const COLUMNS: &str = "e.id, e.programme_id, e.person_id, p.name AS person_name, e.role, \
     e.answers, e.state, e.created_at, e.updated_at, e.decided_by, e.decided_at";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("enrolment {what}"))
}

fn from_row(row: &AnyRow) -> Result<Enrolment> {
    Ok(Enrolment {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        programme_id: parse_id(&row.try_get::<String, _>("programme_id")?)?,
        person_id: parse_id(&row.try_get::<String, _>("person_id")?)?,
        person_name: row.try_get("person_name")?,
        role: row
            .try_get::<String, _>("role")?
            .parse()
            .map_err(|_| corrupt("role"))?,
        answers: serde_json::from_str(&row.try_get::<String, _>("answers")?)
            .map_err(|_| corrupt("answers"))?,
        state: row
            .try_get::<String, _>("state")?
            .parse()
            .map_err(|_| corrupt("state"))?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        decided_by: row
            .try_get::<Option<String>, _>("decided_by")?
            .map(|id| parse_id(&id))
            .transpose()?,
        decided_at: row.try_get("decided_at")?,
    })
}

/// Writes a new enrolment, in the caller's transaction. A second live enrolment of the
/// person in the programme is a `Conflict { what: "enrolment" }`.
pub async fn insert(conn: &mut Conn, e: &Enrolment) -> Result<()> {
    let answers =
        serde_json::to_string(&e.answers).map_err(|err| StoreError::Corrupt(err.to_string()))?;
    sqlx::query(
        "INSERT INTO programme_enrolments (id, programme_id, person_id, role, answers, state, \
         created_at, updated_at, decided_by, decided_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(e.id.to_string())
    .bind(e.programme_id.to_string())
    .bind(e.person_id.to_string())
    .bind(e.role.as_str())
    .bind(answers)
    .bind(e.state.as_str())
    .bind(e.created_at)
    .bind(e.updated_at)
    .bind(e.decided_by.map(|id| id.to_string()))
    .bind(e.decided_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One enrolment.
pub async fn get(db: &Db, id: EnrolmentId) -> Result<Option<Enrolment>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM programme_enrolments e JOIN persons p ON p.id = e.person_id \
         WHERE e.id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(db.reader())
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// Each of `programmes`' latest enrolment of `person`, whatever its state.
pub async fn latest_of(
    db: &Db,
    person: PersonId,
    programmes: &[ProgrammeId],
) -> Result<HashMap<ProgrammeId, Enrolment>> {
    if programmes.is_empty() {
        return Ok(HashMap::new());
    }
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM programme_enrolments e JOIN persons p ON p.id = e.person_id \
         WHERE e.person_id = "
    ));
    sql.bind(person.to_string())
        .push(" AND e.programme_id IN (")
        .bind_list(programmes.iter().map(ToString::to_string))
        .push(") ORDER BY e.created_at, e.id");
    let mut latest = HashMap::new();
    for row in sql.query().fetch_all(db.reader()).await? {
        let e = from_row(&row)?;
        latest.insert(e.programme_id, e);
    }
    Ok(latest)
}

/// What a page of enrolments keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub state: Option<EnrolmentState>,
    pub role: Option<EnrolmentRole>,
}

/// Appends the `WHERE` that keeps a programme's enrolments the filter keeps.
fn keep(sql: &mut Sql, programme: ProgrammeId, filter: Filter) {
    sql.push(" WHERE e.programme_id = ")
        .bind(programme.to_string());
    if let Some(state) = filter.state {
        sql.push(" AND e.state = ").bind(state.as_str());
    }
    if let Some(role) = filter.role {
        sql.push(" AND e.role = ").bind(role.as_str());
    }
}

/// A page of a programme's enrolments, oldest first, and how many the filter keeps.
pub async fn list(
    db: &Db,
    programme: ProgrammeId,
    filter: Filter,
    page: i64,
    per_page: i64,
) -> Result<(i64, Vec<Enrolment>)> {
    let mut count = Sql::new("SELECT COUNT(*) AS n FROM programme_enrolments e");
    keep(&mut count, programme, filter);
    let total: i64 = count.query().fetch_one(db.reader()).await?.try_get("n")?;
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM programme_enrolments e JOIN persons p ON p.id = e.person_id"
    ));
    keep(&mut sql, programme, filter);
    sql.push(" ORDER BY e.created_at, e.id LIMIT ")
        .bind(per_page)
        .push(" OFFSET ")
        .bind((page - 1) * per_page);
    let found = sql
        .query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>>>()?;
    Ok((total, found))
}

/// Every one of a programme's enrolments the filter keeps, oldest first: what a match run
/// reads.
pub async fn all(db: &Db, programme: ProgrammeId, filter: Filter) -> Result<Vec<Enrolment>> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM programme_enrolments e JOIN persons p ON p.id = e.person_id"
    ));
    keep(&mut sql, programme, filter);
    sql.push(" ORDER BY e.created_at, e.id");
    sql.query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// How many of a programme's enrolments are in each state, by role.
pub async fn counts(
    db: &Db,
    programme: ProgrammeId,
) -> Result<BTreeMap<(EnrolmentState, EnrolmentRole), i64>> {
    let rows = sqlx::query(
        "SELECT state, role, COUNT(*) AS n FROM programme_enrolments WHERE programme_id = $1 \
         GROUP BY state, role",
    )
    .bind(programme.to_string())
    .fetch_all(db.reader())
    .await?;
    let mut counts = BTreeMap::new();
    for row in rows {
        let state = row
            .try_get::<String, _>("state")?
            .parse()
            .map_err(|_| corrupt("state"))?;
        let role = row
            .try_get::<String, _>("role")?
            .parse()
            .map_err(|_| corrupt("role"))?;
        counts.insert((state, role), row.try_get("n")?);
    }
    Ok(counts)
}

/// Whether anyone has ever enrolled in the programme (its answers then hold its form).
pub async fn any(db: &Db, programme: ProgrammeId) -> Result<bool> {
    Ok(
        sqlx::query("SELECT 1 AS found FROM programme_enrolments WHERE programme_id = $1 LIMIT 1")
            .bind(programme.to_string())
            .fetch_optional(db.reader())
            .await?
            .is_some(),
    )
}

/// Moves an enrolment from one of `from` to `to`, in the caller's transaction, recording
/// who decided when it is someone else. `false` if it was in none of `from`: someone
/// else moved it first.
pub async fn set_state(
    conn: &mut Conn,
    id: EnrolmentId,
    from: &[EnrolmentState],
    to: EnrolmentState,
    decided_by: Option<PersonId>,
    now: i64,
) -> Result<bool> {
    let mut sql = Sql::new("UPDATE programme_enrolments SET state = ");
    sql.bind(to.as_str())
        .push(", updated_at = ")
        .bind(now)
        .push(", decided_by = ")
        .bind(decided_by.map(|p| p.to_string()))
        .push(", decided_at = ")
        .bind(decided_by.map(|_| now))
        .push(" WHERE id = ")
        .bind(id.to_string())
        .push(" AND state IN (")
        .bind_list(from.iter().map(|s| s.as_str()))
        .push(")");
    let done = sql.query().execute(&mut *conn).await?;
    Ok(done.rows_affected() == 1)
}

/// Who has an approved enrolment in the programme, on which side, in the caller's
/// transaction.
pub async fn approved_in(
    conn: &mut Conn,
    programme: ProgrammeId,
) -> Result<HashMap<PersonId, EnrolmentRole>> {
    let rows = sqlx::query(
        "SELECT person_id, role FROM programme_enrolments \
         WHERE programme_id = $1 AND state = 'approved'",
    )
    .bind(programme.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                parse_id(&row.try_get::<String, _>("person_id")?)?,
                row.try_get::<String, _>("role")?
                    .parse()
                    .map_err(|_| corrupt("role"))?,
            ))
        })
        .collect()
}

/// A person's e-mail and department, for a programme's participants file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub email: String,
    pub department: String,
}

/// The e-mail and department of everyone with a live enrolment in the programme.
pub async fn contacts(db: &Db, programme: ProgrammeId) -> Result<HashMap<PersonId, Contact>> {
    sqlx::query(
        "SELECT p.id, p.email, p.department FROM persons p JOIN programme_enrolments e \
         ON e.person_id = p.id WHERE e.programme_id = $1 AND e.state IN ('pending', 'approved')",
    )
    .bind(programme.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok((
            parse_id(&row.try_get::<String, _>("id")?)?,
            Contact {
                email: row.try_get("email")?,
                department: row.try_get("department")?,
            },
        ))
    })
    .collect()
}

/// The side `person` is enrolled on in the programme, when their enrolment is approved;
/// in the caller's transaction.
pub async fn approved_role(
    conn: &mut Conn,
    programme: ProgrammeId,
    person: PersonId,
) -> Result<Option<EnrolmentRole>> {
    sqlx::query(
        "SELECT role FROM programme_enrolments \
         WHERE programme_id = $1 AND person_id = $2 AND state = 'approved'",
    )
    .bind(programme.to_string())
    .bind(person.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| {
        row.try_get::<String, _>("role")?
            .parse()
            .map_err(|_| corrupt("role"))
    })
    .transpose()
}

/// A mentor of a programme as its mentees see them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgrammeMentor {
    pub id: PersonId,
    pub name: String,
    pub headline: String,
    /// Their own capacity, from their profile.
    pub own_capacity: i64,
}

/// The programme's mentors: approved on the mentor's side (or both), listed in the
/// directory and not suspended, by name.
pub async fn mentors_of(db: &Db, programme: ProgrammeId) -> Result<Vec<ProgrammeMentor>> {
    sqlx::query(
        "SELECT p.id, p.name, p.headline, p.mentor_capacity FROM programme_enrolments e \
         JOIN persons p ON p.id = e.person_id \
         WHERE e.programme_id = $1 AND e.state = 'approved' AND e.role IN ('mentor', 'both') \
           AND p.listed = 1 AND p.suspended_at IS NULL \
         ORDER BY p.name_key, p.id",
    )
    .bind(programme.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(ProgrammeMentor {
            id: parse_id(&row.try_get::<String, _>("id")?)?,
            name: row.try_get("name")?,
            headline: row.try_get("headline")?,
            own_capacity: row.try_get("mentor_capacity")?,
        })
    })
    .collect()
}
