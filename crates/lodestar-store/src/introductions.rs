//! Introductions and requests for them (migration 20). An introduction's two sides are kept
//! in pair order (`a` < `b`, see [`Pair`]); each side's answer is a conditional update, so
//! an answer is given once, and the state that follows both answers is computed in the same
//! statement, so two sides answering at once still end in one state.

use lodestar_domain::network::{Answer, AskState, IntroductionState, Pair};
use lodestar_domain::{IntroductionAskId, IntroductionId, PersonId, SkillId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::{Conn, Db};

/// An introduction of `pair.low` and `pair.high` by `introducer`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Introduction {
    pub id: IntroductionId,
    pub introducer: PersonId,
    pub pair: Pair,
    pub note: String,
    pub a_answer: Answer,
    pub b_answer: Answer,
    pub state: IntroductionState,
    pub ask: Option<IntroductionAskId>,
    pub created_at: i64,
    pub closed_at: Option<i64>,
}

impl Introduction {
    /// `person`'s own answer, if they are a side.
    pub fn answer_of(&self, person: PersonId) -> Option<Answer> {
        if person == self.pair.low {
            Some(self.a_answer)
        } else if person == self.pair.high {
            Some(self.b_answer)
        } else {
            None
        }
    }
}

/// A request to `connector` for an introduction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ask {
    pub id: IntroductionAskId,
    pub asker: PersonId,
    pub connector: PersonId,
    /// Someone on a path, whom the connector knows.
    pub target: Option<PersonId>,
    pub skill: Option<SkillId>,
    pub min_level: Option<u8>,
    pub mentors: bool,
    pub organisation: String,
    pub industry: String,
    pub role: String,
    pub note: String,
    pub state: AskState,
    pub created_at: i64,
    pub answered_at: Option<i64>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("introduction {what}"))
}

fn parsed<T: std::str::FromStr>(row: &AnyRow, column: &str) -> Result<T> {
    row.try_get::<String, _>(column)?
        .parse()
        .map_err(|_| corrupt(column))
}

fn optional_id<T: std::str::FromStr>(row: &AnyRow, column: &str) -> Result<Option<T>> {
    row.try_get::<Option<String>, _>(column)?
        .as_deref()
        .map(parse_id)
        .transpose()
}

fn introduction_from_row(row: &AnyRow) -> Result<Introduction> {
    Ok(Introduction {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        introducer: parse_id(&row.try_get::<String, _>("introducer_id")?)?,
        pair: Pair::of(
            parse_id(&row.try_get::<String, _>("a_id")?)?,
            parse_id(&row.try_get::<String, _>("b_id")?)?,
        )
        .ok_or_else(|| corrupt("with one person"))?,
        note: row.try_get("note")?,
        a_answer: parsed(row, "a_answer")?,
        b_answer: parsed(row, "b_answer")?,
        state: parsed(row, "state")?,
        ask: optional_id(row, "ask_id")?,
        created_at: row.try_get("created_at")?,
        closed_at: row.try_get("closed_at")?,
    })
}

fn ask_from_row(row: &AnyRow) -> Result<Ask> {
    let min_level: Option<i64> = row.try_get("min_level")?;
    Ok(Ask {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        asker: parse_id(&row.try_get::<String, _>("asker_id")?)?,
        connector: parse_id(&row.try_get::<String, _>("connector_id")?)?,
        target: optional_id(row, "target_id")?,
        skill: optional_id(row, "skill_id")?,
        min_level: min_level
            .map(|l| u8::try_from(l).map_err(|_| corrupt("level")))
            .transpose()?,
        mentors: row.try_get::<i64, _>("mentors")? != 0,
        organisation: row.try_get("organisation")?,
        industry: row.try_get("industry")?,
        role: row.try_get("role")?,
        note: row.try_get("note")?,
        state: parsed(row, "state")?,
        created_at: row.try_get("created_at")?,
        answered_at: row.try_get("answered_at")?,
    })
}

const COLUMNS: &str = "id, introducer_id, a_id, b_id, note, a_answer, b_answer, state, ask_id, \
                       created_at, closed_at";
const ASK_COLUMNS: &str = "id, asker_id, connector_id, target_id, skill_id, min_level, mentors, \
                           organisation, industry, role, note, state, created_at, answered_at";

/// Records an introduction, in the caller's transaction. `false` (and nothing written) if
/// the pair has an open introduction already.
pub async fn insert(conn: &mut Conn, i: &Introduction) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO introductions (id, introducer_id, a_id, b_id, note, a_answer, b_answer, state, \
         ask_id, created_at, closed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT DO NOTHING",
    )
    .bind(i.id.to_string())
    .bind(i.introducer.to_string())
    .bind(i.pair.low.to_string())
    .bind(i.pair.high.to_string())
    .bind(i.note.clone())
    .bind(i.a_answer.as_str())
    .bind(i.b_answer.as_str())
    .bind(i.state.as_str())
    .bind(i.ask.map(|a| a.to_string()))
    .bind(i.created_at)
    .bind(i.closed_at)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Writes many introductions at once (the demo organisation's past ones), many rows per
/// statement in one transaction. The connections of those that connected are written by
/// `bulk_network`.
pub async fn insert_bulk(db: &Db, introductions: &[Introduction]) -> Result<()> {
    use crate::sql::Value;
    let rows = introductions
        .iter()
        .map(|i| {
            vec![
                Value::from(i.id.to_string()),
                Value::from(i.introducer.to_string()),
                Value::from(i.pair.low.to_string()),
                Value::from(i.pair.high.to_string()),
                Value::from(i.note.as_str()),
                Value::from(i.a_answer.as_str()),
                Value::from(i.b_answer.as_str()),
                Value::from(i.state.as_str()),
                Value::from(i.ask.map(|a| a.to_string())),
                Value::from(i.created_at),
                Value::from(i.closed_at),
            ]
        })
        .collect();
    let mut tx = db.writer().begin().await?;
    crate::profiles::insert_rows(&mut tx, &format!("introductions ({COLUMNS})"), rows).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn get(db: &Db, id: IntroductionId) -> Result<Option<Introduction>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM introductions WHERE id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(db.reader())
    .await?
    .as_ref()
    .map(introduction_from_row)
    .transpose()
}

/// The introductions `person` made or is a side of, newest first.
pub async fn list_for(db: &Db, person: PersonId) -> Result<Vec<Introduction>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM introductions \
         WHERE introducer_id = $1 OR a_id = $1 OR b_id = $1 ORDER BY created_at DESC, id"
    )))
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(introduction_from_row)
    .collect()
}

/// `side` answers an open introduction they have not answered yet, in the caller's
/// transaction; the state that follows both answers is set by the same statement. The new
/// state, or none if there was nothing for them to answer.
pub async fn answer(
    conn: &mut Conn,
    id: IntroductionId,
    side: PersonId,
    answer: Answer,
    now: i64,
) -> Result<Option<IntroductionState>> {
    const A: &str = "CASE WHEN a_id = $2 THEN $3 ELSE a_answer END";
    const B: &str = "CASE WHEN b_id = $2 THEN $3 ELSE b_answer END";
    // As `IntroductionState::of`, over the answers after this one.
    let state = format!(
        "CASE WHEN {A} = 'declined' OR {B} = 'declined' THEN 'not_now' \
         WHEN {A} = 'accepted' AND {B} = 'accepted' THEN 'connected' ELSE 'open' END"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE introductions SET a_answer = {A}, b_answer = {B}, state = {state}, \
         closed_at = CASE WHEN {state} = 'open' THEN NULL ELSE $4 END \
         WHERE id = $1 AND state = 'open' \
         AND ((a_id = $2 AND a_answer = 'waiting') OR (b_id = $2 AND b_answer = 'waiting')) \
         RETURNING state"
    )))
    .bind(id.to_string())
    .bind(side.to_string())
    .bind(answer.as_str())
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(|r| parsed(r, "state")).transpose()
}

/// Records a request for an introduction, in the caller's transaction.
pub async fn insert_ask(conn: &mut Conn, ask: &Ask) -> Result<()> {
    sqlx::query(
        "INSERT INTO introduction_asks (id, asker_id, connector_id, target_id, skill_id, min_level, \
         mentors, organisation, industry, role, note, state, created_at, answered_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(ask.id.to_string())
    .bind(ask.asker.to_string())
    .bind(ask.connector.to_string())
    .bind(ask.target.map(|t| t.to_string()))
    .bind(ask.skill.map(|s| s.to_string()))
    .bind(ask.min_level.map(i64::from))
    .bind(i64::from(ask.mentors))
    .bind(ask.organisation.clone())
    .bind(ask.industry.clone())
    .bind(ask.role.clone())
    .bind(ask.note.clone())
    .bind(ask.state.as_str())
    .bind(ask.created_at)
    .bind(ask.answered_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get_ask(db: &Db, id: IntroductionAskId) -> Result<Option<Ask>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ASK_COLUMNS} FROM introduction_asks WHERE id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(db.reader())
    .await?
    .as_ref()
    .map(ask_from_row)
    .transpose()
}

/// The requests `person` made or was asked, newest first.
pub async fn asks_for(db: &Db, person: PersonId) -> Result<Vec<Ask>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ASK_COLUMNS} FROM introduction_asks \
         WHERE asker_id = $1 OR connector_id = $1 ORDER BY created_at DESC, id"
    )))
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(ask_from_row)
    .collect()
}

/// Moves an open request to `state`, if `by` is the one who may (the connector answers,
/// the asker withdraws), in the caller's transaction. `false` if it was not open or not
/// theirs.
pub async fn close_ask(
    conn: &mut Conn,
    id: IntroductionAskId,
    by: PersonId,
    state: AskState,
    now: i64,
) -> Result<bool> {
    let who = if state == AskState::Withdrawn {
        "asker_id"
    } else {
        "connector_id"
    };
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE introduction_asks SET state = $1, answered_at = $2 \
         WHERE id = $3 AND state = 'open' AND {who} = $4"
    )))
    .bind(state.as_str())
    .bind(now)
    .bind(id.to_string())
    .bind(by.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
