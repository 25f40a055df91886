//! What the matching engine reads: every listed mentor and mentee with their profile and
//! skills, in two queries however many there are.

use std::collections::HashMap;

use lodestar_domain::{PersonId, ProfileData, SkillClaim};
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
    let rows = sqlx::query(
        "SELECT id, name, email, is_admin, created_at, updated_at, headline, bio, role_title, organisation, \
         department, industry, years_experience, location, time_zone, utc_offset_minutes, languages, is_mentor, \
         wants_mentor, mentor_capacity, availability_hours, focus_areas, hidden_fields, listed \
         FROM persons WHERE listed = 1 AND (is_mentor = 1 OR wants_mentor = 1) ORDER BY id",
    )
    .fetch_all(db.reader())
    .await?;
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
    let skills = sqlx::query(
        "SELECT ps.person_id, ps.relation, ps.skill_id, ps.level, ps.position, s.slug, s.name, s.kind, s.retired \
         FROM person_skills ps JOIN skills s ON s.id = ps.skill_id JOIN persons p ON p.id = ps.person_id \
         WHERE p.listed = 1 AND (p.is_mentor = 1 OR p.wants_mentor = 1) \
         ORDER BY ps.person_id, ps.relation, ps.position",
    )
    .fetch_all(db.reader())
    .await?;
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
