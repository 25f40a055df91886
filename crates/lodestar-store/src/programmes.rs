//! Programmes and their admins (migration 23). A programme's definition is stored as the
//! domain checked it and read back through the same checks: the dates through
//! `Dates::parse`, the purposes through `parse_purposes`, the questions (a JSON array) through
//! `Question::parse_all`; a row they refuse is reported as corrupt, never half-read.

use std::collections::HashMap;

use lodestar_domain::programme::{
    Dates, Format, Matching, Purpose, Question, QuestionDraft, Rules, parse_purposes,
};
use lodestar_domain::{PersonId, ProgrammeId};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};

use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::sql::Sql;
use crate::{Conn, Db};

/// A programme's whole definition, its admins and its times.
#[derive(Clone, Debug, PartialEq)]
pub struct Programme {
    pub id: ProgrammeId,
    pub name: String,
    pub description: String,
    /// At least one, in the catalogue's order.
    pub purposes: Vec<Purpose>,
    pub dates: Dates,
    pub matching: Matching,
    pub format: Format,
    pub rules: Rules,
    /// Enrolment by invitation only; otherwise open to everyone.
    pub invitation_only: bool,
    /// A programme admin approves each enrolment.
    pub needs_approval: bool,
    pub questions: Vec<Question>,
    /// The programme's own admins, with their names, by name. When writing, only the ids
    /// count.
    pub admins: Vec<(PersonId, String)>,
    pub created_by: Option<PersonId>,
    /// The secret of its invitation link; empty until one is made.
    pub invitation_code: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub archived_at: Option<i64>,
}

/// The columns of `programmes`, once for every read.
const COLUMNS: &str = "id, name, description, purposes, enrolment_opens, enrolment_closes, \
     starts_on, ends_on, matching, format, different_department, min_score, mentor_capacity, \
     circle_size, invitation_only, needs_approval, questions, created_by, created_at, \
     updated_at, archived_at, invitation_code, circle_mentors";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("programme {what}"))
}

fn parsed<T: std::str::FromStr>(row: &AnyRow, column: &str) -> Result<T> {
    row.try_get::<String, _>(column)?
        .parse()
        .map_err(|_| corrupt(column))
}

fn small(row: &AnyRow, column: &str) -> Result<u8> {
    u8::try_from(row.try_get::<i64, _>(column)?).map_err(|_| corrupt(column))
}

fn questions_json(questions: &[Question]) -> Result<String> {
    let drafts: Vec<QuestionDraft> = questions.iter().map(QuestionDraft::from).collect();
    serde_json::to_string(&drafts).map_err(|e| StoreError::Corrupt(format!("questions: {e}")))
}

fn purposes_text(purposes: &[Purpose]) -> String {
    purposes
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn from_row(row: &AnyRow) -> Result<Programme> {
    let day = |column: &str| row.try_get::<String, _>(column);
    let dates = Dates::parse(
        &day("enrolment_opens")?,
        &day("enrolment_closes")?,
        &day("starts_on")?,
        &day("ends_on")?,
    )
    .map_err(|_| corrupt("dates"))?;
    let purposes: Vec<String> = row
        .try_get::<String, _>("purposes")?
        .split(',')
        .map(str::to_owned)
        .collect();
    let drafts: Vec<QuestionDraft> = serde_json::from_str(&row.try_get::<String, _>("questions")?)
        .map_err(|_| corrupt("questions"))?;
    let capacity: Option<i64> = row.try_get("mentor_capacity")?;
    Ok(Programme {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        purposes: parse_purposes(&purposes).map_err(|_| corrupt("purposes"))?,
        dates,
        matching: parsed(row, "matching")?,
        format: parsed(row, "format")?,
        rules: Rules {
            different_department: row.try_get::<i64, _>("different_department")? != 0,
            min_score: small(row, "min_score")?,
            mentor_capacity: capacity
                .map(|c| u8::try_from(c).map_err(|_| corrupt("mentor_capacity")))
                .transpose()?,
            circle_size: small(row, "circle_size")?,
            circle_mentors: small(row, "circle_mentors")?,
        },
        invitation_only: row.try_get::<i64, _>("invitation_only")? != 0,
        needs_approval: row.try_get::<i64, _>("needs_approval")? != 0,
        questions: Question::parse_all(&drafts).map_err(|_| corrupt("questions"))?,
        admins: Vec::new(),
        created_by: row
            .try_get::<Option<String>, _>("created_by")?
            .map(|id| parse_id(&id))
            .transpose()?,
        invitation_code: row.try_get("invitation_code")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        archived_at: row.try_get("archived_at")?,
    })
}

/// Fills in the admins of `found`, by name, in one query.
async fn with_admins(db: &Db, mut found: Vec<Programme>) -> Result<Vec<Programme>> {
    if found.is_empty() {
        return Ok(found);
    }
    let mut sql = Sql::new(
        "SELECT a.programme_id, a.person_id, p.name FROM programme_admins a \
         JOIN persons p ON p.id = a.person_id WHERE a.programme_id IN (",
    );
    sql.bind_list(found.iter().map(|p| p.id.to_string()))
        .push(") ORDER BY p.name, a.person_id");
    let mut admins: HashMap<ProgrammeId, Vec<(PersonId, String)>> = HashMap::new();
    for row in sql.query().fetch_all(db.reader()).await? {
        admins
            .entry(parse_id(&row.try_get::<String, _>("programme_id")?)?)
            .or_default()
            .push((
                parse_id(&row.try_get::<String, _>("person_id")?)?,
                row.try_get("name")?,
            ));
    }
    for p in &mut found {
        p.admins = admins.remove(&p.id).unwrap_or_default();
    }
    Ok(found)
}

/// Writes a new programme and its admins, in the caller's transaction.
pub async fn insert(conn: &mut Conn, p: &Programme) -> Result<()> {
    let insert = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO programmes ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)"
    )))
    .bind(p.id.to_string());
    bind_definition(insert, p)?
        .bind(p.created_by.map(|id| id.to_string()))
        .bind(p.created_at)
        .bind(p.updated_at)
        .bind(p.archived_at)
        .bind(p.invitation_code.clone())
        .bind(i64::from(p.rules.circle_mentors))
        .execute(&mut *conn)
        .await?;
    let admins: Vec<PersonId> = p.admins.iter().map(|(id, _)| *id).collect();
    set_admins(conn, p.id, &admins).await
}

/// Binds a programme's definition, from its name to its questions, in the columns' order.
fn bind_definition<'q>(
    query: Query<'q, Any, AnyArguments>,
    p: &Programme,
) -> Result<Query<'q, Any, AnyArguments>> {
    Ok(query
        .bind(p.name.clone())
        .bind(p.description.clone())
        .bind(purposes_text(&p.purposes))
        .bind(p.dates.enrolment_opens.to_string())
        .bind(p.dates.enrolment_closes.to_string())
        .bind(p.dates.starts_on.to_string())
        .bind(p.dates.ends_on.to_string())
        .bind(p.matching.as_str())
        .bind(p.format.as_str())
        .bind(i64::from(p.rules.different_department))
        .bind(i64::from(p.rules.min_score))
        .bind(p.rules.mentor_capacity.map(i64::from))
        .bind(i64::from(p.rules.circle_size))
        .bind(i64::from(p.invitation_only))
        .bind(i64::from(p.needs_approval))
        .bind(questions_json(&p.questions)?))
}

/// Replaces a programme's whole definition (not its admins, creator or archive time), in
/// the caller's transaction. `false` if there is no such programme, or it is archived.
///
/// The questions are replaced too: answers are kept against the form as it was, so the
/// service refuses new questions once anyone has enrolled.
pub async fn update(conn: &mut Conn, p: &Programme) -> Result<bool> {
    let update = sqlx::query(
        "UPDATE programmes SET name = $1, description = $2, purposes = $3, enrolment_opens = $4, \
         enrolment_closes = $5, starts_on = $6, ends_on = $7, matching = $8, format = $9, \
         different_department = $10, min_score = $11, mentor_capacity = $12, circle_size = $13, \
         invitation_only = $14, needs_approval = $15, questions = $16, circle_mentors = $17, \
         updated_at = $18 WHERE id = $19 AND archived_at IS NULL",
    );
    let done = bind_definition(update, p)?
        .bind(i64::from(p.rules.circle_mentors))
        .bind(p.updated_at)
        .bind(p.id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Makes `admins` (each once) the programme's only admins, in the caller's transaction.
pub async fn set_admins(conn: &mut Conn, id: ProgrammeId, admins: &[PersonId]) -> Result<()> {
    sqlx::query("DELETE FROM programme_admins WHERE programme_id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    let mut seen = Vec::with_capacity(admins.len());
    for admin in admins {
        if seen.contains(admin) {
            continue;
        }
        seen.push(*admin);
        sqlx::query("INSERT INTO programme_admins (programme_id, person_id) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(admin.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// One programme, archived or not, with its admins.
pub async fn get(db: &Db, id: ProgrammeId) -> Result<Option<Programme>> {
    let found = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM programmes WHERE id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(db.reader())
    .await?
    .as_ref()
    .map(from_row)
    .transpose()?;
    Ok(with_admins(db, found.into_iter().collect()).await?.pop())
}

/// A page of programmes, newest first, and how many there are in all: the archived ones
/// instead of the others with `archived`.
pub async fn list(
    db: &Db,
    archived: bool,
    page: i64,
    per_page: i64,
) -> Result<(i64, Vec<Programme>)> {
    let keep = if archived {
        " WHERE archived_at IS NOT NULL"
    } else {
        " WHERE archived_at IS NULL"
    };
    let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) AS n FROM programmes{keep}"
    )))
    .fetch_one(db.reader())
    .await?
    .try_get("n")?;
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM programmes{keep} ORDER BY created_at DESC, id DESC LIMIT "
    ));
    sql.bind(per_page)
        .push(" OFFSET ")
        .bind((page - 1) * per_page);
    let found = sql
        .query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>>>()?;
    Ok((total, with_admins(db, found).await?))
}

/// Archives a programme that is not archived yet. `false` if nothing changed.
pub async fn archive(conn: &mut Conn, id: ProgrammeId, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE programmes SET archived_at = $1, updated_at = $1 WHERE id = $2 AND archived_at IS NULL",
    )
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether `person` is one of the programme's own admins (instance admins are not, unless
/// named).
pub async fn is_programme_admin(db: &Db, person: PersonId, programme: ProgrammeId) -> Result<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS found FROM programme_admins WHERE programme_id = $1 AND person_id = $2",
    )
    .bind(programme.to_string())
    .bind(person.to_string())
    .fetch_optional(db.reader())
    .await?
    .is_some())
}

/// Which of `ids` are people with an account.
pub async fn existing_persons(db: &Db, ids: &[PersonId]) -> Result<Vec<PersonId>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id FROM persons WHERE id IN (");
    sql.bind_list(ids.iter().map(ToString::to_string)).push(")");
    sql.query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| parse_id(&row.try_get::<String, _>("id")?))
        .collect()
}

/// Replaces the secret of a programme's invitation link. `false` if there is no such
/// programme, or it is archived.
pub async fn set_invitation_code(
    conn: &mut Conn,
    id: ProgrammeId,
    code: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE programmes SET invitation_code = $1, updated_at = $2 \
         WHERE id = $3 AND archived_at IS NULL",
    )
    .bind(code)
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
