//! Profiles: loading a person whole, saving an edit in one transaction, the people
//! directory's search, and bulk inserts for generated organisations.

use lodestar_domain::{
    FocusArea, PersonId, ProfileData, ProfileField, SkillClaim, SkillId, SkillKind, SkillLevel,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::sql::{Sql, Value};
use crate::{Backend, Db, now_ms};

/// How a person relates to a skill on their profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// Can mentor others on it.
    Mentors,
    /// Wants to grow it.
    Grows,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mentors => "mentors",
            Self::Grows => "grows",
        }
    }
}

/// A skill on a profile, with the catalogue's name for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonSkill {
    pub relation: Relation,
    pub skill: SkillId,
    pub slug: String,
    pub name: String,
    pub kind: SkillKind,
    pub level: SkillLevel,
    pub retired: bool,
}

/// A person with their whole profile. Callers decide what others may see.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub profile: ProfileData,
    pub skills: Vec<PersonSkill>,
}

/// Values computed from a profile for searching, stored beside it.
#[derive(Clone, Debug, Default)]
pub struct Derived {
    pub utc_offset_minutes: i64,
    /// Lower-cased words free-text search looks in (only fields others may see).
    pub search_text: String,
}

fn split_list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty())
}

fn join_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items.into_iter().collect::<Vec<_>>().join(",")
}

pub(crate) fn profile_from_row(row: &AnyRow) -> Result<ProfileData> {
    Ok(ProfileData {
        headline: row.try_get("headline")?,
        bio: row.try_get("bio")?,
        role_title: row.try_get("role_title")?,
        organisation: row.try_get("organisation")?,
        department: row.try_get("department")?,
        industry: row.try_get("industry")?,
        years_experience: row.try_get("years_experience")?,
        location: row.try_get("location")?,
        time_zone: row.try_get("time_zone")?,
        languages: split_list(&row.try_get::<String, _>("languages")?)
            .map(str::to_owned)
            .collect(),
        is_mentor: row.try_get::<i64, _>("is_mentor")? != 0,
        wants_mentor: row.try_get::<i64, _>("wants_mentor")? != 0,
        mentor_capacity: row.try_get("mentor_capacity")?,
        availability_hours: row.try_get("availability_hours")?,
        mentor_skills: Vec::new(),
        growth_skills: Vec::new(),
        focus_areas: split_list(&row.try_get::<String, _>("focus_areas")?)
            .filter_map(FocusArea::parse)
            .collect(),
        hidden_fields: split_list(&row.try_get::<String, _>("hidden_fields")?)
            .filter_map(ProfileField::parse)
            .collect(),
        listed: row.try_get::<i64, _>("listed")? != 0,
    })
}

/// A row's `relation` column.
fn relation_of(row: &AnyRow) -> Result<Relation> {
    match row.try_get::<String, _>("relation")?.as_str() {
        "mentors" => Ok(Relation::Mentors),
        "grows" => Ok(Relation::Grows),
        other => Err(StoreError::Corrupt(format!("skill relation {other:?}"))),
    }
}

pub(crate) fn person_skill_from_row(row: &AnyRow) -> Result<(PersonId, PersonSkill, i64)> {
    let relation = relation_of(row)?;
    let kind: String = row.try_get("kind")?;
    Ok((
        parse_id(&row.try_get::<String, _>("person_id")?)?,
        PersonSkill {
            relation,
            skill: parse_id(&row.try_get::<String, _>("skill_id")?)?,
            slug: row.try_get("slug")?,
            name: row.try_get("name")?,
            kind: SkillKind::parse(&kind).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            level: SkillLevel::new(row.try_get("level")?)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            retired: row.try_get::<i64, _>("retired")? != 0,
        },
        row.try_get("position")?,
    ))
}

/// The fields each of `people` hides now, in one query (people not found are left out).
pub async fn hidden_fields_of(
    db: &Db,
    people: &[PersonId],
) -> Result<Vec<(PersonId, Vec<ProfileField>)>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id, hidden_fields FROM persons WHERE id IN (");
    sql.bind_list(people.iter().map(|p| p.to_string()))
        .push(")");
    sql.query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| {
            Ok((
                parse_id(&row.try_get::<String, _>("id")?)?,
                split_list(&row.try_get::<String, _>("hidden_fields")?)
                    .filter_map(ProfileField::parse)
                    .collect(),
            ))
        })
        .collect()
}

/// The skills of several people in one query, in each person's own order.
async fn skills_of(db: &Db, people: &[PersonId]) -> Result<Vec<(PersonId, PersonSkill)>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT ps.person_id, ps.relation, ps.skill_id, ps.level, ps.position, s.slug, s.name, s.kind, s.retired \
         FROM person_skills ps JOIN skills s ON s.id = ps.skill_id WHERE ps.person_id IN (",
    );
    sql.bind_list(people.iter().map(|p| p.to_string()))
        .push(")");
    let mut rows = sql
        .query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(person_skill_from_row)
        .collect::<Result<Vec<_>>>()?;
    rows.sort_by(|a, b| (a.0, a.1.relation.as_str(), a.2).cmp(&(b.0, b.1.relation.as_str(), b.2)));
    Ok(rows.into_iter().map(|(p, s, _)| (p, s)).collect())
}

const PERSON_COLUMNS: &str = "id, name, email, is_admin, created_at, updated_at, headline, bio, role_title, \
    organisation, department, industry, years_experience, location, time_zone, languages, is_mentor, \
    wants_mentor, mentor_capacity, availability_hours, focus_areas, hidden_fields, listed";

/// A person with their whole profile, or `NotFound`.
pub async fn load(db: &Db, id: PersonId) -> Result<Person> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PERSON_COLUMNS} FROM persons WHERE id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(db.reader())
    .await?
    .ok_or(StoreError::NotFound)?;
    let mut profile = profile_from_row(&row)?;
    let skills: Vec<PersonSkill> = skills_of(db, &[id])
        .await?
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    for skill in &skills {
        let claim = SkillClaim {
            skill: skill.skill,
            level: skill.level,
        };
        match skill.relation {
            Relation::Mentors => profile.mentor_skills.push(claim),
            Relation::Grows => profile.growth_skills.push(claim),
        }
    }
    Ok(Person {
        id,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        profile,
        skills,
    })
}

/// Replaces a person's name and profile (skills and languages included) in one transaction.
pub async fn save(
    db: &Db,
    id: PersonId,
    name: &str,
    profile: &ProfileData,
    derived: &Derived,
) -> Result<()> {
    let mut tx = db.writer().begin().await?;
    let done = sqlx::query(
        "UPDATE persons SET name = $1, name_key = $2, headline = $3, bio = $4, role_title = $5, organisation = $6, \
         department = $7, industry = $8, industry_key = $9, years_experience = $10, location = $11, time_zone = $12, \
         utc_offset_minutes = $13, languages = $14, is_mentor = $15, wants_mentor = $16, mentor_capacity = $17, \
         availability_hours = $18, focus_areas = $19, hidden_fields = $20, listed = $21, search_text = $22, \
         updated_at = $23 WHERE id = $24",
    )
    .bind(name.to_owned())
    .bind(name.to_lowercase())
    .bind(profile.headline.clone())
    .bind(profile.bio.clone())
    .bind(profile.role_title.clone())
    .bind(profile.organisation.clone())
    .bind(profile.department.clone())
    .bind(profile.industry.clone())
    .bind(profile.industry.to_lowercase())
    .bind(profile.years_experience)
    .bind(profile.location.clone())
    .bind(profile.time_zone.clone())
    .bind(derived.utc_offset_minutes)
    .bind(join_list(profile.languages.iter().map(String::as_str)))
    .bind(i64::from(profile.is_mentor))
    .bind(i64::from(profile.wants_mentor))
    .bind(profile.mentor_capacity)
    .bind(profile.availability_hours)
    .bind(join_list(profile.focus_areas.iter().map(|f| f.as_str())))
    .bind(join_list(profile.hidden_fields.iter().map(|f| f.as_str())))
    .bind(i64::from(profile.listed))
    .bind(derived.search_text.clone())
    .bind(now_ms())
    .bind(id.to_string())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    for table in ["person_skills", "person_languages"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE person_id = $1"
        )))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    }
    let skill_rows = skill_rows(id, profile);
    insert_rows(
        &mut tx,
        "person_skills (person_id, relation, skill_id, level, position)",
        skill_rows,
    )
    .await?;
    let language_rows = profile
        .languages
        .iter()
        .map(|code| vec![Value::from(id.to_string()), Value::from(code.as_str())])
        .collect();
    insert_rows(
        &mut tx,
        "person_languages (person_id, language)",
        language_rows,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn skill_rows(id: PersonId, profile: &ProfileData) -> Vec<Vec<Value>> {
    [
        (Relation::Mentors, &profile.mentor_skills),
        (Relation::Grows, &profile.growth_skills),
    ]
    .into_iter()
    .flat_map(|(relation, claims)| {
        claims.iter().enumerate().map(move |(position, claim)| {
            vec![
                Value::from(id.to_string()),
                Value::from(relation.as_str()),
                Value::from(claim.skill.to_string()),
                Value::from(i64::from(claim.level)),
                Value::from(i64::try_from(position).unwrap_or(i64::MAX)),
            ]
        })
    })
    .collect()
}

/// Bound parameters per multi-row `INSERT` on SQLite. SQLite finds a `$n` placeholder by a
/// linear scan of the statement's parameters, both while preparing it and in each
/// `sqlite3_bind_parameter_name` call sqlx makes when binding, so one statement costs time
/// in the square of its parameter count: at 30,000 parameters a single insert took over a
/// second and `lodestar demo --people 100000` took minutes. A few hundred keeps that cost
/// negligible (see docs/benchmarks.md).
const SQLITE_PARAMS_PER_STATEMENT: usize = 250;
/// PostgreSQL has no such cost; stay well under its limit of 65,535.
const POSTGRES_PARAMS_PER_STATEMENT: usize = 30_000;

/// Inserts rows with multi-row `INSERT`s, in chunks that stay under both backends' limits
/// on bound parameters.
pub(crate) async fn insert_rows(
    tx: &mut crate::Conn,
    table_and_columns: &str,
    rows: Vec<Vec<Value>>,
) -> Result<()> {
    insert_rows_then(tx, table_and_columns, rows, "").await?;
    Ok(())
}

/// [`insert_rows`] with `suffix` after each statement's rows (an `ON CONFLICT` clause).
/// Returns how many rows were written: fewer than given when the suffix skips some.
pub(crate) async fn insert_rows_then(
    tx: &mut crate::Conn,
    table_and_columns: &str,
    rows: Vec<Vec<Value>>,
    suffix: &str,
) -> Result<u64> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(0);
    };
    let max_params = if tx.backend_name().eq_ignore_ascii_case("sqlite") {
        SQLITE_PARAMS_PER_STATEMENT
    } else {
        POSTGRES_PARAMS_PER_STATEMENT
    };
    let per_statement = (max_params / width).max(1);
    let mut written = 0;
    for chunk in rows.chunks(per_statement) {
        let mut sql = Sql::new(&format!("INSERT INTO {table_and_columns} VALUES "));
        for (i, row) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind_list(row.iter().cloned()).push(")");
        }
        sql.push(suffix);
        written += sql.query().execute(&mut *tx).await?.rows_affected();
    }
    Ok(written)
}

/// A generated person for bulk loading.
#[derive(Clone, Debug)]
pub struct BulkPerson {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub profile: ProfileData,
    pub derived: Derived,
}

/// Inserts many people with their profiles, skills and languages in one transaction.
pub async fn insert_bulk(db: &Db, people: &[BulkPerson]) -> Result<()> {
    let now = now_ms();
    let mut tx = db.writer().begin().await?;
    let person_rows = people
        .iter()
        .map(|p| {
            let f = &p.profile;
            vec![
                Value::from(p.id.to_string()),
                Value::from(p.email.as_str()),
                Value::from(p.name.as_str()),
                Value::from(p.name.to_lowercase()),
                Value::from(p.password_hash.as_str()),
                Value::from(f.headline.as_str()),
                Value::from(f.bio.as_str()),
                Value::from(f.role_title.as_str()),
                Value::from(f.organisation.as_str()),
                Value::from(f.department.as_str()),
                Value::from(f.industry.as_str()),
                Value::from(f.industry.to_lowercase()),
                Value::from(f.years_experience),
                Value::from(f.location.as_str()),
                Value::from(f.time_zone.as_str()),
                Value::from(p.derived.utc_offset_minutes),
                Value::from(join_list(f.languages.iter().map(String::as_str))),
                Value::from(f.is_mentor),
                Value::from(f.wants_mentor),
                Value::from(f.mentor_capacity),
                Value::from(f.availability_hours),
                Value::from(join_list(f.focus_areas.iter().map(|a| a.as_str()))),
                Value::from(join_list(f.hidden_fields.iter().map(|h| h.as_str()))),
                Value::from(f.listed),
                Value::from(p.derived.search_text.as_str()),
                Value::from(now),
                Value::from(now),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "persons (id, email, name, name_key, password_hash, headline, bio, role_title, organisation, department, \
         industry, industry_key, years_experience, location, time_zone, utc_offset_minutes, languages, is_mentor, \
         wants_mentor, mentor_capacity, availability_hours, focus_areas, hidden_fields, listed, search_text, \
         created_at, updated_at)",
        person_rows,
    )
    .await?;
    let skill_rows = people
        .iter()
        .flat_map(|p| skill_rows(p.id, &p.profile))
        .collect();
    insert_rows(
        &mut tx,
        "person_skills (person_id, relation, skill_id, level, position)",
        skill_rows,
    )
    .await?;
    let language_rows = people
        .iter()
        .flat_map(|p| {
            p.profile
                .languages
                .iter()
                .map(|code| vec![Value::from(p.id.to_string()), Value::from(code.as_str())])
        })
        .collect();
    insert_rows(
        &mut tx,
        "person_languages (person_id, language)",
        language_rows,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whom the directory lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirectoryRole {
    Mentor,
    Mentee,
}

/// A directory search. Every filter is optional; text words must all match.
#[derive(Clone, Debug, Default)]
pub struct DirectoryFilter {
    pub words: Vec<String>,
    pub role: Option<DirectoryRole>,
    pub skill: Option<SkillId>,
    pub min_level: Option<i64>,
    pub industry: Option<String>,
    pub language: Option<String>,
    /// Standard UTC offset (minutes) and how far from it people may be (minutes).
    pub offset_window: Option<(i64, i64)>,
    pub min_availability: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Clone, Debug)]
pub struct DirectoryEntry {
    pub id: PersonId,
    pub name: String,
    pub headline: String,
    pub role_title: String,
    pub industry: String,
    pub is_mentor: bool,
    pub wants_mentor: bool,
    pub mentor_capacity: i64,
    pub availability_hours: i64,
    /// `None` when the person hides their time zone.
    pub time_zone: Option<String>,
    pub languages: Vec<String>,
    /// The level of the searched skill, when a skill was searched.
    pub matched_level: Option<i64>,
    pub skills: Vec<PersonSkill>,
}

#[derive(Clone, Debug)]
pub struct DirectoryPage {
    pub total: i64,
    pub entries: Vec<DirectoryEntry>,
}

/// Splits free text into search tokens: letters and digits only, lower-cased, so that
/// nothing a person types can be read as search syntax.
fn search_tokens(words: &[String]) -> Vec<String> {
    words
        .iter()
        .flat_map(|w| w.split(|c: char| !c.is_alphanumeric()))
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .take(8)
        .collect()
}

/// Writes the FROM and WHERE clauses of a directory search.
fn directory_from_where(sql: &mut Sql, filter: &DirectoryFilter, backend: Backend) {
    let relation = match filter.role {
        Some(DirectoryRole::Mentor) => Some(Relation::Mentors),
        Some(DirectoryRole::Mentee) => Some(Relation::Grows),
        None => None,
    };
    sql.push(" FROM persons p");
    match (filter.skill, relation) {
        (Some(skill), Some(relation)) => {
            sql.push(" JOIN person_skills ps ON ps.person_id = p.id AND ps.skill_id = ")
                .bind(skill.to_string())
                .push(" AND ps.relation = ")
                .bind(relation.as_str())
                .push(" AND ps.level >= ")
                .bind(filter.min_level.unwrap_or(1));
        }
        (Some(skill), None) => {
            sql.push(
                " JOIN (SELECT person_id, MAX(level) AS level FROM person_skills WHERE skill_id = ",
            )
            .bind(skill.to_string())
            .push(" AND level >= ")
            .bind(filter.min_level.unwrap_or(1))
            .push(" GROUP BY person_id) ps ON ps.person_id = p.id");
        }
        _ => {}
    }
    sql.push(" WHERE p.listed = 1");
    match filter.role {
        Some(DirectoryRole::Mentor) => sql.push(" AND p.is_mentor = 1"),
        Some(DirectoryRole::Mentee) => sql.push(" AND p.wants_mentor = 1"),
        None => sql,
    };
    if let Some(industry) = &filter.industry {
        sql.push(" AND p.industry_key = ")
            .bind(industry.to_lowercase());
    }
    if let Some(language) = &filter.language {
        // An IN list (not a correlated EXISTS) lets the planner start from the language
        // index when the language is the rarer condition.
        sql.push(" AND p.id IN (SELECT l.person_id FROM person_languages l WHERE l.language = ")
            .bind(language.as_str())
            .push(")");
    }
    if let Some(hours) = filter.min_availability {
        sql.push(" AND p.availability_hours >= ").bind(hours);
    }
    if let Some((center, width)) = filter.offset_window {
        // Offsets wrap around the date line (UTC+12 and UTC−11 are an hour apart), so the
        // window is up to three ranges, each of which the offset index can serve.
        sql.push(" AND p.hidden_fields NOT LIKE '%time_zone%' AND (");
        for (i, shift) in [0, 1440, -1440].into_iter().enumerate() {
            sql.push(if i == 0 {
                "p.utc_offset_minutes BETWEEN "
            } else {
                " OR p.utc_offset_minutes BETWEEN "
            })
            .bind(center - width + shift)
            .push(" AND ")
            .bind(center + width + shift);
        }
        sql.push(")");
    }
    let tokens = search_tokens(&filter.words);
    if !tokens.is_empty() {
        // Every word must match the start of a word others can see ("eng" finds "engineer").
        match backend {
            Backend::Sqlite => {
                let query: Vec<String> = tokens.iter().map(|t| format!("\"{t}\"*")).collect();
                sql.push(
                    " AND p.rowid IN (SELECT rowid FROM persons_search WHERE persons_search MATCH ",
                )
                .bind(query.join(" "))
                .push(")");
            }
            Backend::Postgres => {
                let query: Vec<String> = tokens.iter().map(|t| format!("{t}:*")).collect();
                sql.push(" AND p.search_vector @@ to_tsquery('simple', ")
                    .bind(query.join(" & "))
                    .push(")");
            }
        }
    }
}

/// One page of the directory and the total number of matches. Mentors and mentees found by
/// skill are ordered by their level in it, then everyone by name.
pub async fn search(db: &Db, filter: &DirectoryFilter) -> Result<DirectoryPage> {
    let mut count = Sql::new("SELECT COUNT(*) AS n");
    directory_from_where(&mut count, filter, db.backend());
    let total: i64 = count.query().fetch_one(db.reader()).await?.try_get("n")?;

    let with_skill = filter.skill.is_some();
    let mut sql = Sql::new(
        "SELECT p.id, p.name, p.headline, p.role_title, p.industry, p.is_mentor, p.wants_mentor, p.mentor_capacity, \
         p.availability_hours, p.time_zone, p.hidden_fields, p.languages",
    );
    sql.push(if with_skill {
        ", ps.level AS matched_level"
    } else {
        ""
    });
    directory_from_where(&mut sql, filter, db.backend());
    sql.push(if with_skill {
        " ORDER BY ps.level DESC, p.name_key, p.id"
    } else {
        " ORDER BY p.name_key, p.id"
    });
    sql.push(" LIMIT ")
        .bind(filter.limit)
        .push(" OFFSET ")
        .bind(filter.offset);
    let rows = if total == 0 {
        Vec::new()
    } else {
        sql.query().fetch_all(db.reader()).await?
    };

    let mut entries = rows
        .iter()
        .map(|row| {
            let hidden: String = row.try_get("hidden_fields")?;
            let tz_hidden = split_list(&hidden).any(|f| f == ProfileField::TimeZone.as_str());
            Ok(DirectoryEntry {
                id: parse_id(&row.try_get::<String, _>("id")?)?,
                name: row.try_get("name")?,
                headline: row.try_get("headline")?,
                role_title: row.try_get("role_title")?,
                industry: row.try_get("industry")?,
                is_mentor: row.try_get::<i64, _>("is_mentor")? != 0,
                wants_mentor: row.try_get::<i64, _>("wants_mentor")? != 0,
                mentor_capacity: row.try_get("mentor_capacity")?,
                availability_hours: row.try_get("availability_hours")?,
                time_zone: if tz_hidden {
                    None
                } else {
                    Some(row.try_get("time_zone")?)
                },
                languages: split_list(&row.try_get::<String, _>("languages")?)
                    .map(str::to_owned)
                    .collect(),
                matched_level: if with_skill {
                    Some(row.try_get("matched_level")?)
                } else {
                    None
                },
                skills: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let ids: Vec<PersonId> = entries.iter().map(|e| e.id).collect();
    for (person, skill) in skills_of(db, &ids).await? {
        if let Some(entry) = entries.iter_mut().find(|e| e.id == person) {
            entry.skills.push(skill);
        }
    }
    Ok(DirectoryPage { total, entries })
}

/// Distinct industries in use, for the directory's filter list.
pub async fn industries(db: &Db) -> Result<Vec<String>> {
    sqlx::query("SELECT MIN(industry) AS industry FROM persons WHERE listed = 1 AND industry_key <> '' GROUP BY industry_key ORDER BY industry_key")
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| Ok(row.try_get("industry")?))
        .collect()
}

/// Whether `id` says they want a mentor (false for no such person).
pub async fn wants_mentor(db: &Db, id: PersonId) -> Result<bool> {
    Ok(
        sqlx::query("SELECT wants_mentor FROM persons WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(db.reader())
            .await?
            .map(|row| row.try_get::<i64, _>("wants_mentor"))
            .transpose()?
            == Some(1),
    )
}

/// What the network's path search matches and shows of a listed person: only what others
/// may see (the organisation is none when they hide it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    pub id: PersonId,
    pub name: String,
    pub headline: String,
    pub role_title: String,
    pub organisation: Option<String>,
    pub industry: String,
}

/// Every listed person's [`Card`], and every skill claim of a listed person as
/// `(person, skill, relation, level)`: what the path search's query runs over.
pub async fn cards(db: &Db) -> Result<(Vec<Card>, Vec<(PersonId, SkillId, Relation, u8)>)> {
    let people = sqlx::query(
        "SELECT id, name, headline, role_title, organisation, industry, hidden_fields \
         FROM persons WHERE listed = 1",
    )
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        let hidden: String = row.try_get("hidden_fields")?;
        let organisation: String = row.try_get("organisation")?;
        Ok(Card {
            id: parse_id(&row.try_get::<String, _>("id")?)?,
            name: row.try_get("name")?,
            headline: row.try_get("headline")?,
            role_title: row.try_get("role_title")?,
            organisation: (!split_list(&hidden).any(|f| f == ProfileField::Organisation.as_str()))
                .then_some(organisation),
            industry: row.try_get("industry")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let claims = sqlx::query(
        "SELECT s.person_id, s.skill_id, s.relation, s.level FROM person_skills s \
         JOIN persons p ON p.id = s.person_id WHERE p.listed = 1",
    )
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        let relation = relation_of(row)?;
        let level: i64 = row.try_get("level")?;
        Ok((
            parse_id(&row.try_get::<String, _>("person_id")?)?,
            parse_id(&row.try_get::<String, _>("skill_id")?)?,
            relation,
            u8::try_from(level).map_err(|_| StoreError::Corrupt(format!("skill level {level}")))?,
        ))
    })
    .collect::<Result<Vec<_>>>()?;
    Ok((people, claims))
}
