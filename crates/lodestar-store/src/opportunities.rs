//! Opportunities and insights, the skills they name, shares and people's marks (migration
//! 21). Who may see one is decided here, in SQL, for every list ([`VISIBLE`]): its author;
//! everyone, for `everyone`; the author's accepted connections, for `connections`; the
//! author's mentees in an active or paused mentorship, for `mentees`.

use std::collections::HashMap;

use lodestar_domain::opportunity::{
    OpportunityKind, OpportunityState, Outcome, Status, Visibility,
};
use lodestar_domain::{OpportunityId, OutcomeId, PersonId, SkillId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::sql::Sql;
use crate::{Conn, Db};

/// An opportunity with the skills it names, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opportunity {
    pub id: OpportunityId,
    pub author: PersonId,
    pub author_name: String,
    pub kind: OpportunityKind,
    pub title: String,
    pub description: String,
    pub industry: String,
    pub location: String,
    pub remote: bool,
    /// `YYYY-MM-DD`.
    pub closes_on: Option<String>,
    pub visibility: Visibility,
    pub state: OpportunityState,
    pub pinned: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
    pub skills: Vec<(SkillId, u8)>,
}

/// Who may see an opportunity `o`, for the viewer bound as `$1`.
pub const VISIBLE: &str = "(o.author_id = $1 OR o.visibility = 'everyone' \
     OR (o.visibility = 'connections' AND EXISTS (SELECT 1 FROM connections c WHERE c.state = 'accepted' \
         AND ((c.low_id = o.author_id AND c.high_id = $1) OR (c.low_id = $1 AND c.high_id = o.author_id)))) \
     OR (o.visibility = 'mentees' AND EXISTS (SELECT 1 FROM mentorship_members a \
         JOIN mentorships m ON m.id = a.mentorship_id AND m.state IN ('active', 'paused') \
         JOIN mentorship_members b ON b.mentorship_id = a.mentorship_id AND b.role = 'mentee' AND b.person_id = $1 \
         WHERE a.person_id = o.author_id AND a.role = 'mentor')))";

const COLUMNS: &str = "o.id, o.author_id, p.name AS author_name, o.kind, o.title, o.description, \
     o.industry, o.location, o.remote, o.closes_on, o.visibility, o.state, o.pinned, o.created_at, \
     o.updated_at, o.closed_at";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("opportunity {what}"))
}

fn parsed<T: std::str::FromStr>(row: &AnyRow, column: &str) -> Result<T> {
    row.try_get::<String, _>(column)?
        .parse()
        .map_err(|_| corrupt(column))
}

fn from_row(row: &AnyRow) -> Result<Opportunity> {
    Ok(Opportunity {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        author: parse_id(&row.try_get::<String, _>("author_id")?)?,
        author_name: row.try_get("author_name")?,
        kind: parsed(row, "kind")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        industry: row.try_get("industry")?,
        location: row.try_get("location")?,
        remote: row.try_get::<i64, _>("remote")? != 0,
        closes_on: row.try_get("closes_on")?,
        visibility: parsed(row, "visibility")?,
        state: parsed(row, "state")?,
        pinned: row.try_get::<i64, _>("pinned")? != 0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        closed_at: row.try_get("closed_at")?,
        skills: Vec::new(),
    })
}

/// Fills in the skills of `found`, in one query.
async fn with_skills(db: &Db, mut found: Vec<Opportunity>) -> Result<Vec<Opportunity>> {
    if found.is_empty() {
        return Ok(found);
    }
    let mut sql = Sql::new(
        "SELECT opportunity_id, skill_id, level FROM opportunity_skills WHERE opportunity_id IN (",
    );
    sql.bind_list(found.iter().map(|o| o.id.to_string()))
        .push(") ORDER BY opportunity_id, position");
    let mut skills: HashMap<OpportunityId, Vec<(SkillId, u8)>> = HashMap::new();
    for row in sql.query().fetch_all(db.reader()).await? {
        let level: i64 = row.try_get("level")?;
        skills
            .entry(parse_id(&row.try_get::<String, _>("opportunity_id")?)?)
            .or_default()
            .push((
                parse_id(&row.try_get::<String, _>("skill_id")?)?,
                u8::try_from(level).map_err(|_| corrupt("level"))?,
            ));
    }
    for o in &mut found {
        o.skills = skills.remove(&o.id).unwrap_or_default();
    }
    Ok(found)
}

/// Writes a new opportunity and its skills, in the caller's transaction.
pub async fn insert(conn: &mut Conn, o: &Opportunity) -> Result<()> {
    sqlx::query(
        "INSERT INTO opportunities (id, author_id, kind, title, description, industry, industry_key, \
         location, location_key, remote, closes_on, visibility, state, pinned, created_at, updated_at, closed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(o.id.to_string())
    .bind(o.author.to_string())
    .bind(o.kind.as_str())
    .bind(o.title.clone())
    .bind(o.description.clone())
    .bind(o.industry.clone())
    .bind(o.industry.to_lowercase())
    .bind(o.location.clone())
    .bind(o.location.to_lowercase())
    .bind(i64::from(o.remote))
    .bind(o.closes_on.clone())
    .bind(o.visibility.as_str())
    .bind(o.state.as_str())
    .bind(i64::from(o.pinned))
    .bind(o.created_at)
    .bind(o.updated_at)
    .bind(o.closed_at)
    .execute(&mut *conn)
    .await?;
    insert_skills(conn, o).await
}

async fn insert_skills(conn: &mut Conn, o: &Opportunity) -> Result<()> {
    for (position, (skill, level)) in o.skills.iter().enumerate() {
        sqlx::query(
            "INSERT INTO opportunity_skills (opportunity_id, skill_id, level, position) VALUES ($1, $2, $3, $4)",
        )
        .bind(o.id.to_string())
        .bind(skill.to_string())
        .bind(i64::from(*level))
        .bind(position as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Saves an edit of an open opportunity by its author: every field and the skills, in the
/// caller's transaction. `false` if it is not theirs or not open.
pub async fn update(conn: &mut Conn, o: &Opportunity) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE opportunities SET kind = $1, title = $2, description = $3, industry = $4, \
         industry_key = $5, location = $6, location_key = $7, remote = $8, closes_on = $9, \
         visibility = $10, updated_at = $11 WHERE id = $12 AND author_id = $13 AND state = 'open'",
    )
    .bind(o.kind.as_str())
    .bind(o.title.clone())
    .bind(o.description.clone())
    .bind(o.industry.clone())
    .bind(o.industry.to_lowercase())
    .bind(o.location.clone())
    .bind(o.location.to_lowercase())
    .bind(i64::from(o.remote))
    .bind(o.closes_on.clone())
    .bind(o.visibility.as_str())
    .bind(o.updated_at)
    .bind(o.id.to_string())
    .bind(o.author.to_string())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM opportunity_skills WHERE opportunity_id = $1")
        .bind(o.id.to_string())
        .execute(&mut *conn)
        .await?;
    insert_skills(conn, o).await?;
    Ok(true)
}

/// One opportunity `viewer` may see.
pub async fn get(db: &Db, viewer: PersonId, id: OpportunityId) -> Result<Option<Opportunity>> {
    let found = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM opportunities o JOIN persons p ON p.id = o.author_id \
         WHERE o.id = $2 AND {VISIBLE}"
    )))
    .bind(viewer.to_string())
    .bind(id.to_string())
    .fetch_optional(db.reader())
    .await?
    .as_ref()
    .map(from_row)
    .transpose()?;
    Ok(with_skills(db, found.into_iter().collect()).await?.pop())
}

/// Moves an open opportunity to `state` (closed or removed). With `author`, only theirs.
/// `false` if nothing changed.
pub async fn close(
    conn: &mut Conn,
    id: OpportunityId,
    author: Option<PersonId>,
    state: OpportunityState,
    now: i64,
) -> Result<bool> {
    let mut sql = Sql::new("UPDATE opportunities SET state = ");
    sql.bind(state.as_str())
        .push(", closed_at = ")
        .bind(now)
        .push(", updated_at = ")
        .bind(now)
        .push(" WHERE id = ")
        .bind(id.to_string())
        .push(" AND state = 'open'");
    if let Some(author) = author {
        sql.push(" AND author_id = ").bind(author.to_string());
    }
    Ok(sql.query().execute(&mut *conn).await?.rows_affected() == 1)
}

/// Pins an open opportunity for everyone to see first, or unpins it.
pub async fn set_pinned(conn: &mut Conn, id: OpportunityId, pinned: bool) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE opportunities SET pinned = $1 WHERE id = $2 AND state = 'open' AND visibility = 'everyone'",
    )
    .bind(i64::from(pinned))
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What a list of opportunities keeps.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub kind: Option<OpportunityKind>,
    pub skill: Option<SkillId>,
    /// Lower case.
    pub industry: Option<String>,
    /// Lower-cased words that must all be in the title or description.
    pub words: Vec<String>,
    pub remote: Option<bool>,
    pub author: Option<PersonId>,
    /// Closed, removed and expired ones too (only the author's own are ever shown so).
    pub include_closed: bool,
    /// `YYYY-MM-DD`: what closed before this day has expired.
    pub today: String,
    pub page: i64,
    pub per_page: i64,
}

/// The opportunities `viewer` may see that `filter` keeps, pinned first, then newest; and
/// how many there are in all.
pub async fn list(db: &Db, viewer: PersonId, filter: &Filter) -> Result<(i64, Vec<Opportunity>)> {
    let mut count = Sql::new("SELECT COUNT(*) AS n FROM opportunities o");
    keep(&mut count, viewer, filter);
    let total: i64 = count.query().fetch_one(db.reader()).await?.try_get("n")?;
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM opportunities o JOIN persons p ON p.id = o.author_id"
    ));
    keep(&mut sql, viewer, filter);
    sql.push(" ORDER BY o.pinned DESC, o.created_at DESC, o.id LIMIT ")
        .bind(filter.per_page)
        .push(" OFFSET ")
        .bind((filter.page - 1) * filter.per_page);
    let found = sql
        .query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>>>()?;
    Ok((total, with_skills(db, found).await?))
}

/// The `WHERE` clause of [`list`]: what `viewer` may see, as `filter` says.
fn keep(sql: &mut Sql, viewer: PersonId, filter: &Filter) {
    sql.push(" WHERE ")
        .push(VISIBLE)
        .bind_named(viewer.to_string());
    if filter.include_closed {
        sql.push(" AND (o.author_id = $1 OR (o.state = 'open' AND (o.closes_on IS NULL OR o.closes_on >= ")
            .bind(filter.today.clone())
            .push(")))");
    } else {
        sql.push(" AND o.state = 'open' AND (o.closes_on IS NULL OR o.closes_on >= ")
            .bind(filter.today.clone())
            .push(")");
    }
    if let Some(kind) = filter.kind {
        sql.push(" AND o.kind = ").bind(kind.as_str());
    }
    if let Some(skill) = filter.skill {
        sql.push(" AND o.id IN (SELECT opportunity_id FROM opportunity_skills WHERE skill_id = ")
            .bind(skill.to_string())
            .push(")");
    }
    if let Some(industry) = &filter.industry {
        sql.push(" AND o.industry_key = ").bind(industry.clone());
    }
    if let Some(remote) = filter.remote {
        sql.push(" AND o.remote = ").bind(remote);
    }
    if let Some(author) = filter.author {
        sql.push(" AND o.author_id = ").bind(author.to_string());
    }
    for word in &filter.words {
        sql.push(" AND (lower(o.title) LIKE ")
            .bind(format!("%{word}%"))
            .push(" OR lower(o.description) LIKE ")
            .bind(format!("%{word}%"))
            .push(")");
    }
}

/// Every open opportunity that has not closed before `today`, with its skills: what "For
/// you" ranks from.
pub async fn all_open(db: &Db, today: &str) -> Result<Vec<Opportunity>> {
    let mut found: Vec<Opportunity> = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM opportunities o JOIN persons p ON p.id = o.author_id \
         WHERE o.state = 'open' AND (o.closes_on IS NULL OR o.closes_on >= $1)"
    )))
    .bind(today.to_owned())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(from_row)
    .collect::<Result<_>>()?;
    let index: HashMap<OpportunityId, usize> =
        found.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
    let rows = sqlx::query(
        "SELECT s.opportunity_id, s.skill_id, s.level FROM opportunity_skills s \
         JOIN opportunities o ON o.id = s.opportunity_id \
         WHERE o.state = 'open' AND (o.closes_on IS NULL OR o.closes_on >= $1) \
         ORDER BY s.opportunity_id, s.position",
    )
    .bind(today.to_owned())
    .fetch_all(db.reader())
    .await?;
    for row in rows {
        let id: OpportunityId = parse_id(&row.try_get::<String, _>("opportunity_id")?)?;
        let level: i64 = row.try_get("level")?;
        if let Some(&i) = index.get(&id) {
            found[i].skills.push((
                parse_id(&row.try_get::<String, _>("skill_id")?)?,
                u8::try_from(level).map_err(|_| corrupt("level"))?,
            ));
        }
    }
    Ok(found)
}

/// A share of an opportunity with a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    pub opportunity: OpportunityId,
    pub from: PersonId,
    pub from_name: String,
    pub note: String,
    pub created_at: i64,
}

/// `from` shares an opportunity with `to`, in the caller's transaction. `false` if they
/// had shared it with them already.
pub async fn share(
    conn: &mut Conn,
    opportunity: OpportunityId,
    from: PersonId,
    to: PersonId,
    note: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO opportunity_shares (id, opportunity_id, from_id, to_id, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (opportunity_id, from_id, to_id) DO NOTHING",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(opportunity.to_string())
    .bind(from.to_string())
    .bind(to.to_string())
    .bind(note.to_owned())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What was shared with `person`, newest first.
pub async fn shares_to(db: &Db, person: PersonId) -> Result<Vec<Share>> {
    sqlx::query(
        "SELECT s.opportunity_id, s.from_id, p.name, s.note, s.created_at FROM opportunity_shares s \
         JOIN persons p ON p.id = s.from_id WHERE s.to_id = $1 ORDER BY s.created_at DESC",
    )
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(Share {
            opportunity: parse_id(&row.try_get::<String, _>("opportunity_id")?)?,
            from: parse_id(&row.try_get::<String, _>("from_id")?)?,
            from_name: row.try_get("name")?,
            note: row.try_get("note")?,
            created_at: row.try_get("created_at")?,
        })
    })
    .collect()
}

/// A person's mark on an opportunity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub status: Status,
    pub outcome: Option<Outcome>,
    pub outcome_id: Option<OutcomeId>,
    pub updated_at: i64,
}

/// Sets `person`'s mark on an opportunity, in the caller's transaction (the recorded
/// career outcome, if any, stays).
pub async fn set_mark(
    conn: &mut Conn,
    opportunity: OpportunityId,
    person: PersonId,
    status: Status,
    outcome: Option<Outcome>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO opportunity_marks (opportunity_id, person_id, status, outcome, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (opportunity_id, person_id) \
         DO UPDATE SET status = excluded.status, outcome = excluded.outcome, updated_at = excluded.updated_at",
    )
    .bind(opportunity.to_string())
    .bind(person.to_string())
    .bind(status.as_str())
    .bind(outcome.map(|o| o.as_str()))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records the career outcome a won opportunity became, once: `false` if it has one.
pub async fn set_outcome_id(
    conn: &mut Conn,
    opportunity: OpportunityId,
    person: PersonId,
    outcome: OutcomeId,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE opportunity_marks SET outcome_id = $1 \
         WHERE opportunity_id = $2 AND person_id = $3 AND outcome_id IS NULL",
    )
    .bind(outcome.to_string())
    .bind(opportunity.to_string())
    .bind(person.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// `person`'s marks, by opportunity.
pub async fn marks_of(db: &Db, person: PersonId) -> Result<HashMap<OpportunityId, Mark>> {
    sqlx::query(
        "SELECT opportunity_id, status, outcome, outcome_id, updated_at FROM opportunity_marks \
         WHERE person_id = $1",
    )
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok((
            parse_id(&row.try_get::<String, _>("opportunity_id")?)?,
            Mark {
                status: parsed(row, "status")?,
                outcome: row
                    .try_get::<Option<String>, _>("outcome")?
                    .map(|o| o.parse().map_err(|_| corrupt("outcome")))
                    .transpose()?,
                outcome_id: row
                    .try_get::<Option<String>, _>("outcome_id")?
                    .as_deref()
                    .map(parse_id)
                    .transpose()?,
                updated_at: row.try_get("updated_at")?,
            },
        ))
    })
    .collect()
}

/// How many people marked an opportunity each way: what its author sees.
pub async fn mark_counts(db: &Db, opportunity: OpportunityId) -> Result<Vec<(Status, i64)>> {
    sqlx::query(
        "SELECT status, COUNT(*) AS n FROM opportunity_marks WHERE opportunity_id = $1 GROUP BY status",
    )
    .bind(opportunity.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| Ok((parsed(row, "status")?, row.try_get("n")?)))
    .collect()
}

/// Whether `person` gets the weekly digest, and when the last one went.
pub async fn digest_of(db: &Db, person: PersonId) -> Result<(bool, Option<i64>)> {
    let row = sqlx::query("SELECT opportunity_digest, digest_sent_at FROM persons WHERE id = $1")
        .bind(person.to_string())
        .fetch_optional(db.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((
        row.try_get::<i64, _>("opportunity_digest")? != 0,
        row.try_get("digest_sent_at")?,
    ))
}

/// Turns `person`'s weekly digest on or off. Turned on, the first one covers the week
/// before it.
pub async fn set_digest(db: &Db, person: PersonId, on: bool) -> Result<()> {
    sqlx::query("UPDATE persons SET opportunity_digest = $1 WHERE id = $2")
        .bind(i64::from(on))
        .bind(person.to_string())
        .execute(db.writer())
        .await?;
    Ok(())
}

/// People whose digest is due (on, and none sent since `before`), with their name and the
/// last one's time: at most `limit`, longest waiting first.
pub async fn due_digests(
    db: &Db,
    before: i64,
    limit: i64,
) -> Result<Vec<(PersonId, String, Option<i64>)>> {
    sqlx::query(
        "SELECT id, name, digest_sent_at FROM persons WHERE opportunity_digest = 1 \
         AND suspended_at IS NULL AND (digest_sent_at IS NULL OR digest_sent_at <= $1) \
         ORDER BY COALESCE(digest_sent_at, 0), id LIMIT $2",
    )
    .bind(before)
    .bind(limit)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok((
            parse_id(&row.try_get::<String, _>("id")?)?,
            row.try_get("name")?,
            row.try_get("digest_sent_at")?,
        ))
    })
    .collect()
}

/// Claims `person`'s due digest, in the caller's transaction: `false` if another process
/// sent it since `before` (then nothing is sent twice).
pub async fn claim_digest(
    conn: &mut Conn,
    person: PersonId,
    before: i64,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE persons SET digest_sent_at = $1 WHERE id = $2 AND opportunity_digest = 1 \
         AND (digest_sent_at IS NULL OR digest_sent_at <= $3)",
    )
    .bind(now)
    .bind(person.to_string())
    .bind(before)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Queues a digest e-mail to `person`, in the caller's transaction.
pub async fn queue_digest(
    conn: &mut Conn,
    person: PersonId,
    subject: &str,
    body: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO outbox (id, person_id, recipient, recipient_name, subject, body, created_at, next_attempt_at) \
         SELECT $1, p.id, p.email, p.name, $2, $3, $4, $4 FROM persons p WHERE p.id = $5",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(subject.to_owned())
    .bind(body.to_owned())
    .bind(now)
    .bind(person.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A generated share, for bulk loading.
#[derive(Clone, Debug)]
pub struct BulkShare {
    pub opportunity: OpportunityId,
    pub from: PersonId,
    pub to: PersonId,
    pub note: String,
    pub at: i64,
}

/// Inserts many opportunities with their skills, and shares of them, in one transaction.
pub async fn insert_bulk(db: &Db, posts: &[Opportunity], shares: &[BulkShare]) -> Result<()> {
    use crate::sql::Value;
    let mut tx = db.writer().begin().await?;
    let rows = posts
        .iter()
        .map(|o| {
            vec![
                Value::from(o.id.to_string()),
                Value::from(o.author.to_string()),
                Value::from(o.kind.as_str()),
                Value::from(o.title.as_str()),
                Value::from(o.description.as_str()),
                Value::from(o.industry.as_str()),
                Value::from(o.industry.to_lowercase()),
                Value::from(o.location.as_str()),
                Value::from(o.location.to_lowercase()),
                Value::from(o.remote),
                Value::from(o.closes_on.clone()),
                Value::from(o.visibility.as_str()),
                Value::from(o.state.as_str()),
                Value::from(o.pinned),
                Value::from(o.created_at),
                Value::from(o.updated_at),
            ]
        })
        .collect();
    crate::profiles::insert_rows(
        &mut tx,
        "opportunities (id, author_id, kind, title, description, industry, industry_key, location, \
         location_key, remote, closes_on, visibility, state, pinned, created_at, updated_at)",
        rows,
    )
    .await?;
    let rows = posts
        .iter()
        .flat_map(|o| {
            o.skills
                .iter()
                .enumerate()
                .map(|(position, (skill, level))| {
                    vec![
                        Value::from(o.id.to_string()),
                        Value::from(skill.to_string()),
                        Value::from(i64::from(*level)),
                        Value::from(position as i64),
                    ]
                })
        })
        .collect();
    crate::profiles::insert_rows(
        &mut tx,
        "opportunity_skills (opportunity_id, skill_id, level, position)",
        rows,
    )
    .await?;
    let rows = shares
        .iter()
        .map(|s| {
            vec![
                Value::from(uuid::Uuid::new_v4().to_string()),
                Value::from(s.opportunity.to_string()),
                Value::from(s.from.to_string()),
                Value::from(s.to.to_string()),
                Value::from(s.note.as_str()),
                Value::from(s.at),
            ]
        })
        .collect();
    crate::profiles::insert_rows_then(
        &mut tx,
        "opportunity_shares (id, opportunity_id, from_id, to_id, note, created_at)",
        rows,
        " ON CONFLICT (opportunity_id, from_id, to_id) DO NOTHING",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
