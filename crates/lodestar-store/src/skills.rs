//! The skills catalogue: listing, look-up by slug or id, and the admin operations (add,
//! rename, merge, retire) that keep every profile that uses a skill intact.

use lodestar_domain::{SkillId, SkillKind, Slug};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::sql::{Sql, Value};
use crate::{Conn, Db, now_ms};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkillRecord {
    pub id: SkillId,
    pub slug: String,
    pub name: String,
    pub kind: SkillKind,
    pub category: String,
    pub description: String,
    /// What levels 1–5 look like, in order (empty when the catalogue has none).
    pub levels: Vec<String>,
    pub retired: bool,
    pub merged_into: Option<SkillId>,
}

#[derive(Clone, Debug)]
pub struct NewSkill {
    pub id: SkillId,
    pub slug: Slug,
    pub name: String,
    pub kind: SkillKind,
    pub category: String,
    pub description: String,
    pub levels: Vec<String>,
}

const COLUMNS: &str =
    "id, slug, name, kind, category, description, level_descriptions, retired, merged_into";

fn skill_from_row(row: &AnyRow) -> Result<SkillRecord> {
    let kind: String = row.try_get("kind")?;
    let levels: String = row.try_get("level_descriptions")?;
    let merged_into: Option<String> = row.try_get("merged_into")?;
    Ok(SkillRecord {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        kind: SkillKind::parse(&kind).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        category: row.try_get("category")?,
        description: row.try_get("description")?,
        levels: serde_json::from_str(&levels).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        retired: row.try_get::<i64, _>("retired")? != 0,
        merged_into: merged_into.as_deref().map(parse_id).transpose()?,
    })
}

fn select(filter: &str) -> String {
    format!("SELECT {COLUMNS} FROM skills {filter}")
}

/// The catalogue ordered by category and name; retired skills only when asked for.
pub async fn list(db: &Db, include_retired: bool) -> Result<Vec<SkillRecord>> {
    let sql = if include_retired {
        select("ORDER BY category, name_key")
    } else {
        select("WHERE retired = 0 ORDER BY category, name_key")
    };
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(skill_from_row)
        .collect()
}

/// How many profile entries use each skill, for the admin catalogue page.
pub async fn usage_counts(db: &Db) -> Result<Vec<(SkillId, i64)>> {
    sqlx::query("SELECT skill_id, COUNT(*) AS n FROM person_skills GROUP BY skill_id")
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| {
            Ok((
                parse_id(&row.try_get::<String, _>("skill_id")?)?,
                row.try_get("n")?,
            ))
        })
        .collect()
}

pub async fn get(db: &Db, id: SkillId) -> Result<SkillRecord> {
    sqlx::query(sqlx::AssertSqlSafe(select("WHERE id = $1")))
        .bind(id.to_string())
        .fetch_optional(db.reader())
        .await?
        .as_ref()
        .map(skill_from_row)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

/// The catalogue entry with this slug or id itself, not following merges (admin
/// operations act on the entry, whatever became of it).
pub async fn find_exact(db: &Db, reference: &str) -> Result<Option<SkillRecord>> {
    if reference.contains('\0') {
        // No skill has a NUL, and PostgreSQL would refuse the query.
        return Ok(None);
    }
    sqlx::query(sqlx::AssertSqlSafe(select("WHERE slug = $1 OR id = $1")))
        .bind(reference.trim().to_owned())
        .fetch_optional(db.reader())
        .await?
        .as_ref()
        .map(skill_from_row)
        .transpose()
}

/// Finds a skill by slug, id or exact name (any case), following merges to the skill that
/// took it over, so old links and API calls keep working.
pub async fn resolve(db: &Db, reference: &str) -> Result<Option<SkillRecord>> {
    Ok(resolve_many(db, &[reference]).await?.pop().flatten())
}

/// Resolves a list of references like [`resolve`], in one query however long the list:
/// the answer has one entry per reference, in order. Where a reference could name two
/// skills (one's slug is another's name), the slug wins, then the id, then the name.
pub async fn resolve_many(db: &Db, references: &[&str]) -> Result<Vec<Option<SkillRecord>>> {
    // PostgreSQL cannot hold NUL in text, so no skill has one and the query need not ask.
    let mut wanted: Vec<&str> = references
        .iter()
        .map(|r| r.trim())
        .filter(|r| !r.is_empty() && !r.contains('\0'))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(vec![None; references.len()]);
    }
    let keys: Vec<String> = wanted.iter().map(|r| r.to_lowercase()).collect();
    // The matching rows, and the skills they were merged into, in one round trip.
    let matching = |sql: &mut Sql| {
        sql.push("slug IN (")
            .bind_list(wanted.iter().copied())
            .push(") OR id IN (")
            .bind_list(wanted.iter().copied())
            .push(") OR name_key IN (")
            .bind_list(keys.iter().map(String::as_str))
            .push(")");
    };
    let mut sql = Sql::new(&select("WHERE "));
    matching(&mut sql);
    sql.push(" OR id IN (SELECT merged_into FROM skills WHERE ");
    matching(&mut sql);
    sql.push(")");
    let found = sql
        .query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(skill_from_row)
        .collect::<Result<Vec<_>>>()?;

    let mut resolved = Vec::with_capacity(references.len());
    for reference in references {
        let reference = reference.trim();
        let key = reference.to_lowercase();
        let named = found
            .iter()
            .find(|s| s.slug == reference)
            .or_else(|| found.iter().find(|s| s.id.to_string() == reference))
            .or_else(|| found.iter().find(|s| s.name.to_lowercase() == key));
        let Some(mut skill) = named.cloned() else {
            resolved.push(None);
            continue;
        };
        // Merges are flattened when made, so one hop is enough and its target came with
        // the query; the bound and the look-up guard bad data.
        for _ in 0..4 {
            match skill.merged_into {
                Some(target) => {
                    skill = match found.iter().find(|s| s.id == target) {
                        Some(next) => next.clone(),
                        None => get(db, target).await?,
                    }
                }
                None => break,
            }
        }
        resolved.push(Some(skill));
    }
    Ok(resolved)
}

const INSERT: &str = "INSERT INTO skills (id, slug, name, name_key, kind, category, description, \
    level_descriptions, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)";

fn insert_query(sql: &str, skill: &NewSkill, now: i64) -> Result<Sql> {
    let mut query = Sql::new(sql);
    query.bind_values([
        Value::from(skill.id.to_string()),
        Value::from(skill.slug.as_str()),
        Value::from(skill.name.as_str()),
        Value::from(skill.name.to_lowercase()),
        Value::from(skill.kind.as_str()),
        Value::from(skill.category.as_str()),
        Value::from(skill.description.as_str()),
        Value::from(
            serde_json::to_string(&skill.levels).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        ),
        Value::from(now),
    ]);
    Ok(query)
}

/// Adds skills; a slug or name already present is left as it is. Returns how many were added.
pub async fn insert_many(db: &Db, skills: &[NewSkill]) -> Result<u64> {
    let now = now_ms();
    let sql = format!("{INSERT} ON CONFLICT DO NOTHING");
    let mut tx = db.writer().begin().await?;
    let mut added = 0;
    for skill in skills {
        added += insert_query(&sql, skill, now)?
            .query()
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    tx.commit().await?;
    Ok(added)
}

/// Adds one skill, in the caller's transaction; a taken slug or name is a conflict.
pub async fn insert(conn: &mut Conn, skill: &NewSkill) -> Result<()> {
    insert_query(INSERT, skill, now_ms())?
        .query()
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Changes a skill's name, category and description, in the caller's transaction. Profiles refer to skills by id, so
/// they follow the new name at once; the slug stays, so links keep working.
pub async fn update(
    conn: &mut Conn,
    id: SkillId,
    name: &str,
    category: &str,
    description: &str,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE skills SET name = $1, name_key = $2, category = $3, description = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(name.to_owned())
    .bind(name.to_lowercase())
    .bind(category.to_owned())
    .bind(description.to_owned())
    .bind(now_ms())
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Retires a skill (or brings it back): retired skills stay on the profiles that list
/// them but are no longer offered for new entries.
pub async fn set_retired(conn: &mut Conn, id: SkillId, retired: bool) -> Result<()> {
    let done = sqlx::query(
        "UPDATE skills SET retired = $1, updated_at = $2 WHERE id = $3 AND merged_into IS NULL",
    )
    .bind(i64::from(retired))
    .bind(now_ms())
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Merges `from` into `into` in the caller's transaction: every profile entry of `from` moves to
/// `into` (where a person has both, the higher level is kept), `from` is retired and
/// remembers where it went, and skills merged into `from` earlier now point at `into`.
pub async fn merge(tx: &mut Conn, from: SkillId, into: SkillId) -> Result<u64> {
    let (from, into) = (from.to_string(), into.to_string());
    sqlx::query(
        "UPDATE person_skills SET level = (SELECT f.level FROM person_skills f \
             WHERE f.person_id = person_skills.person_id AND f.relation = person_skills.relation AND f.skill_id = $1) \
         WHERE skill_id = $2 AND EXISTS (SELECT 1 FROM person_skills f \
             WHERE f.person_id = person_skills.person_id AND f.relation = person_skills.relation \
             AND f.skill_id = $1 AND f.level > person_skills.level)",
    )
    .bind(from.clone())
    .bind(into.clone())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM person_skills WHERE skill_id = $1 AND EXISTS (SELECT 1 FROM person_skills i \
             WHERE i.person_id = person_skills.person_id AND i.relation = person_skills.relation AND i.skill_id = $2)",
    )
    .bind(from.clone())
    .bind(into.clone())
    .execute(&mut *tx)
    .await?;
    let moved = sqlx::query("UPDATE person_skills SET skill_id = $1 WHERE skill_id = $2")
        .bind(into.clone())
        .bind(from.clone())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    crate::goals::merge_skill(tx, &from, &into).await?;
    crate::assessments::merge_skill(tx, &from, &into).await?;
    crate::roles::follow_merge(tx, &from, &into).await?;
    let now = now_ms();
    sqlx::query("UPDATE skills SET merged_into = $1, updated_at = $2 WHERE merged_into = $3")
        .bind(into.clone())
        .bind(now)
        .bind(from.clone())
        .execute(&mut *tx)
        .await?;
    let done = sqlx::query(
        "UPDATE skills SET retired = 1, merged_into = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(into)
    .bind(now)
    .bind(from)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(moved)
}

pub async fn count(db: &Db) -> Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM skills")
        .fetch_one(db.reader())
        .await?
        .try_get("n")?)
}
