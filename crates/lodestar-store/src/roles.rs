//! The role catalogue: roles with the skills they need, each at a level. The shipped roles
//! are keyed by slug, so seeding twice adds nothing; the organisation's own are marked so.

use std::collections::HashMap;

use lodestar_domain::career::RoleSource;
use lodestar_domain::ids::RoleId;
use lodestar_domain::{PersonId, SkillId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::sql::{Sql, Value};
use crate::{Db, now_ms};

/// A skill a role needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleSkill {
    pub skill: SkillId,
    pub slug: String,
    pub name: String,
    pub level: u8,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleRecord {
    pub id: RoleId,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub source: RoleSource,
    pub esco_uri: Option<String>,
    pub retired: bool,
    /// In the role's order.
    pub skills: Vec<RoleSkill>,
}

#[derive(Clone, Debug)]
pub struct NewRole {
    pub id: RoleId,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub source: RoleSource,
    pub esco_uri: Option<String>,
    /// Skill and level, in the role's order, each skill once.
    pub skills: Vec<(SkillId, u8)>,
}

/// An edit of a role: the fields given change, `skills` replaces the whole list.
#[derive(Clone, Debug, Default)]
pub struct RoleChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub retired: Option<bool>,
    pub skills: Option<Vec<(SkillId, u8)>>,
}

const COLUMNS: &str = "id, slug, title, description, source, esco_uri, retired";

fn role_from_row(row: &AnyRow) -> Result<RoleRecord> {
    let source: String = row.try_get("source")?;
    Ok(RoleRecord {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        slug: row.try_get("slug")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        source: RoleSource::parse(&source)
            .ok_or_else(|| StoreError::Corrupt(format!("role source {source:?}")))?,
        esco_uri: row.try_get("esco_uri")?,
        retired: row.try_get::<i64, _>("retired")? != 0,
        skills: Vec::new(),
    })
}

/// Fills in the skills of `roles` in one query.
async fn with_skills(db: &Db, mut roles: Vec<RoleRecord>) -> Result<Vec<RoleRecord>> {
    if roles.is_empty() {
        return Ok(roles);
    }
    let mut sql = Sql::new(
        "SELECT rs.role_id, rs.skill_id, s.slug, s.name, rs.level FROM role_skills rs \
         JOIN skills s ON s.id = rs.skill_id WHERE rs.role_id IN (",
    );
    sql.bind_list(roles.iter().map(|r| r.id.to_string()))
        .push(") ORDER BY rs.role_id, rs.position");
    let mut by_role: HashMap<RoleId, Vec<RoleSkill>> = HashMap::new();
    for row in sql.query().fetch_all(db.reader()).await? {
        let role: RoleId = parse_id(&row.try_get::<String, _>("role_id")?)?;
        let level: i64 = row.try_get("level")?;
        by_role.entry(role).or_default().push(RoleSkill {
            skill: parse_id(&row.try_get::<String, _>("skill_id")?)?,
            slug: row.try_get("slug")?,
            name: row.try_get("name")?,
            level: u8::try_from(level).map_err(|_| StoreError::Corrupt("role level".into()))?,
        });
    }
    for role in &mut roles {
        role.skills = by_role.remove(&role.id).unwrap_or_default();
    }
    Ok(roles)
}

/// How many roles came from this source.
pub async fn count(db: &Db, source: RoleSource) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM roles WHERE source = $1")
            .bind(source.as_str())
            .fetch_one(db.reader())
            .await?,
    )
}

async fn insert_skills(
    conn: &mut sqlx::AnyConnection,
    role: RoleId,
    skills: &[(SkillId, u8)],
) -> Result<()> {
    if skills.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("INSERT INTO role_skills (role_id, skill_id, level, position) VALUES ");
    for (position, (skill, level)) in skills.iter().enumerate() {
        if position > 0 {
            sql.push(", ");
        }
        sql.push("(")
            .bind(role.to_string())
            .push(", ")
            .bind(skill.to_string())
            .push(", ")
            .bind(i64::from(*level))
            .push(", ")
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .push(")");
    }
    sql.query().execute(conn).await?;
    Ok(())
}

const INSERT: &str = "INSERT INTO roles (id, slug, title, title_key, description, source, \
    esco_uri, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";

fn insert_query(sql: &str, role: &NewRole, now: i64) -> Sql {
    let mut query = Sql::new(sql);
    query.bind_values([
        Value::from(role.id.to_string()),
        Value::from(role.slug.as_str()),
        Value::from(role.title.as_str()),
        Value::from(role.title.to_lowercase()),
        Value::from(role.description.as_str()),
        Value::from(role.source.as_str()),
        Value::from(role.esco_uri.clone()),
        Value::from(now),
    ]);
    query
}

/// Adds roles in one transaction; a role whose slug is taken is left as it is (with its
/// skills). Returns how many were added.
pub async fn insert_many(db: &Db, roles: &[NewRole]) -> Result<u64> {
    let now = now_ms();
    let sql = format!("{INSERT} ON CONFLICT DO NOTHING");
    let mut tx = db.writer().begin().await?;
    let mut added = 0;
    for role in roles {
        let inserted = insert_query(&sql, role, now)
            .query()
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if inserted > 0 {
            insert_skills(&mut tx, role.id, &role.skills).await?;
            added += inserted;
        }
    }
    tx.commit().await?;
    Ok(added)
}

/// Adds one role with its skills, in the caller's transaction; a taken slug is
/// `Conflict { what: "role_slug" }`.
pub async fn insert(tx: &mut sqlx::AnyConnection, role: &NewRole) -> Result<()> {
    insert_query(INSERT, role, now_ms())
        .query()
        .execute(&mut *tx)
        .await?;
    insert_skills(tx, role.id, &role.skills).await
}

/// Changes a role, in the caller's transaction; its skills, when given, are replaced too.
pub async fn update(tx: &mut sqlx::AnyConnection, id: RoleId, changes: &RoleChanges) -> Result<()> {
    let mut sql = Sql::new("UPDATE roles SET updated_at = ");
    sql.bind(now_ms());
    if let Some(title) = &changes.title {
        sql.push(", title = ")
            .bind(title.as_str())
            .push(", title_key = ")
            .bind(title.to_lowercase());
    }
    if let Some(description) = &changes.description {
        sql.push(", description = ").bind(description.as_str());
    }
    if let Some(retired) = changes.retired {
        sql.push(", retired = ").bind(retired);
    }
    sql.push(" WHERE id = ").bind(id.to_string());
    if sql.query().execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    if let Some(skills) = &changes.skills {
        sqlx::query("DELETE FROM role_skills WHERE role_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        insert_skills(tx, id, skills).await?;
    }
    Ok(())
}

pub async fn get(db: &Db, id: RoleId) -> Result<RoleRecord> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM roles WHERE id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(db.reader())
    .await?
    .ok_or(StoreError::NotFound)?;
    let role = role_from_row(&row)?;
    Ok(with_skills(db, vec![role]).await?.remove(0))
}

/// The roles with these ids that exist, retired or not, in the order asked for.
pub async fn get_many(db: &Db, ids: &[RoleId]) -> Result<Vec<RoleRecord>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM roles WHERE id IN ("));
    sql.bind_list(ids.iter().map(ToString::to_string)).push(")");
    let mut found: Vec<RoleRecord> = sql
        .query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(role_from_row)
        .collect::<Result<_>>()?;
    found.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    with_skills(db, found).await
}

/// A person's target roles, most wanted first, in two reads (the roles, their skills)
/// rather than the path's and then the roles'.
pub async fn targets_of(db: &Db, person: PersonId) -> Result<Vec<RoleRecord>> {
    let found: Vec<RoleRecord> = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM career_targets JOIN roles ON roles.id = career_targets.role_id \
         WHERE career_targets.person_id = $1 ORDER BY career_targets.position"
    )))
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(role_from_row)
    .collect::<Result<_>>()?;
    with_skills(db, found).await
}

/// A page of the catalogue by title, the roles whose title contains `q` (any case), and
/// how many there are in all. Retired roles only when asked for.
pub async fn search(
    db: &Db,
    q: &str,
    include_retired: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<RoleRecord>, i64)> {
    let pattern = format!(
        "%{}%",
        q.trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let filter = |sql: &mut Sql| {
        sql.push(" WHERE title_key LIKE ")
            .bind(pattern.as_str())
            .push(" ESCAPE '\\'");
        if !include_retired {
            sql.push(" AND retired = 0");
        }
    };
    let mut total = Sql::new("SELECT COUNT(*) AS n FROM roles");
    filter(&mut total);
    let total: i64 = total.query().fetch_one(db.reader()).await?.try_get("n")?;
    let mut page = Sql::new(&format!("SELECT {COLUMNS} FROM roles"));
    filter(&mut page);
    page.push(" ORDER BY title_key, id LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    let roles = page
        .query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(role_from_row)
        .collect::<Result<Vec<_>>>()?;
    Ok((with_skills(db, roles).await?, total))
}

/// Every role on offer (not retired), by title: the catalogue is small (about a hundred
/// roles of a few skills each), so comparing a person with all of them is cheap.
pub async fn all_active(db: &Db) -> Result<Vec<RoleRecord>> {
    let roles = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM roles WHERE retired = 0 ORDER BY title_key, id"
    )))
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(role_from_row)
    .collect::<Result<Vec<_>>>()?;
    with_skills(db, roles).await
}

/// Whether a slug is taken, for choosing a free one for a new role.
pub async fn slug_taken(db: &Db, slug: &str) -> Result<bool> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM roles WHERE slug = $1")
            .bind(slug.to_owned())
            .fetch_one(db.reader())
            .await?
            > 0,
    )
}

/// Part of a skill merge, in its transaction: roles that need `from` need `into` instead
/// (at the higher level where a role needs both), and plan steps follow it too.
pub(crate) async fn follow_merge(
    conn: &mut sqlx::AnyConnection,
    from: &str,
    into: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE role_skills SET level = (SELECT f.level FROM role_skills f \
             WHERE f.role_id = role_skills.role_id AND f.skill_id = $1) \
         WHERE skill_id = $2 AND EXISTS (SELECT 1 FROM role_skills f \
             WHERE f.role_id = role_skills.role_id AND f.skill_id = $1 AND f.level > role_skills.level)",
    )
    .bind(from.to_owned())
    .bind(into.to_owned())
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM role_skills WHERE skill_id = $1 AND EXISTS (SELECT 1 FROM role_skills i \
             WHERE i.role_id = role_skills.role_id AND i.skill_id = $2)",
    )
    .bind(from.to_owned())
    .bind(into.to_owned())
    .execute(&mut *conn)
    .await?;
    for sql in [
        "UPDATE role_skills SET skill_id = $1 WHERE skill_id = $2",
        "UPDATE career_steps SET skill_id = $1 WHERE skill_id = $2",
    ] {
        sqlx::query(sql)
            .bind(into.to_owned())
            .bind(from.to_owned())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
