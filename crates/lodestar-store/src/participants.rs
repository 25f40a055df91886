//! What the matching engine reads: every listed mentor and mentee, or everyone enrolled in a
//! programme, with their profile and skills, in two queries however many there are.

use std::collections::HashMap;

use lodestar_domain::{PersonId, ProfileData, ProgrammeId, SkillClaim};
use sqlx::Row;

use crate::Db;
use crate::error::Result;
use crate::persons::parse_id;
use crate::profiles::{Relation, person_skill_from_row, profile_from_row};

/// A listed person who mentors or wants a mentor.
#[derive(Clone, Debug, PartialEq)]
pub struct Participant {
    pub id: PersonId,
    pub name: String,
    /// The standard offset of their time zone, as stored with the profile.
    pub utc_offset_minutes: i64,
    /// The profile with both skill lists filled in, in the person's own order.
    pub profile: ProfileData,
    /// Names of the skills on the profile, by skill.
    pub skill_names: Vec<(lodestar_domain::SkillId, String)>,
}

/// Every listed person who mentors or wants a mentor, by id.
pub async fn participants(db: &Db) -> Result<Vec<Participant>> {
    load(
        db,
        "p.listed = 1 AND (p.is_mentor = 1 OR p.wants_mentor = 1)",
        None,
    )
    .await
}

/// Everyone with an approved enrolment in the programme, listed or not, whatever their
/// profile says about mentoring: their enrolment says on which side they take part.
pub async fn in_programme(db: &Db, programme: ProgrammeId) -> Result<Vec<Participant>> {
    load(
        db,
        "p.id IN (SELECT person_id FROM programme_enrolments WHERE programme_id = $1 \
         AND state = 'approved')",
        Some(programme.to_string()),
    )
    .await
}

/// The people `filter` keeps (a condition on `persons p`, with at most one parameter,
/// `$1`), with their skills, in two queries.
async fn load(db: &Db, filter: &str, bind: Option<String>) -> Result<Vec<Participant>> {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, name, email, is_admin, created_at, updated_at, headline, bio, role_title, organisation, \
         department, industry, years_experience, location, time_zone, utc_offset_minutes, languages, is_mentor, \
         wants_mentor, mentor_capacity, availability_hours, focus_areas, hidden_fields, listed \
         FROM persons p WHERE {filter} ORDER BY id"
    )));
    if let Some(value) = &bind {
        query = query.bind(value.clone());
    }
    let rows = query.fetch_all(db.reader()).await?;
    let mut people = rows
        .iter()
        .map(|row| {
            Ok(Participant {
                id: parse_id(&row.try_get::<String, _>("id")?)?,
                name: row.try_get("name")?,
                utc_offset_minutes: row.try_get("utc_offset_minutes")?,
                profile: profile_from_row(row)?,
                skill_names: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let at: HashMap<PersonId, usize> = people.iter().enumerate().map(|(k, p)| (p.id, k)).collect();
    let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT ps.person_id, ps.relation, ps.skill_id, ps.level, ps.position, s.slug, s.name, s.kind, s.retired \
         FROM person_skills ps JOIN skills s ON s.id = ps.skill_id JOIN persons p ON p.id = ps.person_id \
         WHERE {filter} ORDER BY ps.person_id, ps.relation, ps.position"
    )));
    if let Some(value) = bind {
        query = query.bind(value);
    }
    let skills = query.fetch_all(db.reader()).await?;
    for row in &skills {
        let (person, skill, _) = person_skill_from_row(row)?;
        let Some(&k) = at.get(&person) else { continue };
        let claim = SkillClaim {
            skill: skill.skill,
            level: skill.level,
        };
        let participant = &mut people[k];
        match skill.relation {
            Relation::Mentors => participant.profile.mentor_skills.push(claim),
            Relation::Grows => participant.profile.growth_skills.push(claim),
        }
        participant.skill_names.push((skill.skill, skill.name));
    }
    Ok(people)
}
