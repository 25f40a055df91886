//! Career paths for the demo organisation: every mentee gets a current role (the role
//! named like their job, else the one that shares most of their skills), a target role
//! that shares skills with them but asks for more, and a few plan steps from that gap.
//! Deterministic for a seed and a role catalogue; one pass over the roles per mentee.

use std::collections::HashMap;

use chrono::{DateTime, Duration};
use lodestar_domain::career::{self as rules, Need, StepKind};
use lodestar_domain::ids::CareerStepId;
use lodestar_domain::{PersonId, SkillId};
use lodestar_store::career::{self as store, CareerPath, NewStep};
use lodestar_store::roles;

use crate::{App, AppError};

/// A demo mentee: their job title and skill levels.
pub(crate) struct Mentee {
    pub id: PersonId,
    pub role_title: String,
    pub levels: HashMap<SkillId, u8>,
}

impl App {
    /// Writes the demo mentees' paths and plans; `names` are the skills' names.
    pub(crate) async fn demo_career_paths(
        &self,
        mentees: &[Mentee],
        names: &HashMap<SkillId, String>,
        now_ms: i64,
    ) -> Result<(), AppError> {
        let catalogue = roles::all_active(&self.db).await?;
        if catalogue.is_empty() {
            return Ok(());
        }
        let needs: Vec<Vec<Need>> = catalogue
            .iter()
            .map(|r| {
                r.skills
                    .iter()
                    .map(|s| Need {
                        skill: s.skill,
                        level: s.level,
                    })
                    .collect()
            })
            .collect();
        let slices: Vec<&[Need]> = needs.iter().map(Vec::as_slice).collect();
        let by_title: HashMap<String, usize> = catalogue
            .iter()
            .enumerate()
            .map(|(i, r)| (r.title.to_lowercase(), i))
            .collect();
        let today = DateTime::from_timestamp_millis(now_ms)
            .map(|t| t.date_naive())
            .unwrap_or_default();
        let date = |days: i64| {
            (today + Duration::days(days))
                .format("%Y-%m-%d")
                .to_string()
        };
        let name = |skill: &SkillId| names.get(skill).cloned().unwrap_or_default();

        let mut paths = Vec::with_capacity(mentees.len());
        let mut steps = Vec::new();
        for (n, mentee) in mentees.iter().enumerate() {
            let ranked = rules::close_roles(&mentee.levels, &slices);
            let current = by_title
                .get(&mentee.role_title.to_lowercase())
                .copied()
                .or_else(|| ranked.first().map(|(i, _)| *i));
            // The closest role that still asks for something new, else any other role.
            let target = ranked
                .iter()
                .map(|(i, _)| *i)
                .find(|i| {
                    Some(*i) != current
                        && !rules::gaps(&mentee.levels, &[needs[*i].clone()]).is_empty()
                })
                .unwrap_or((current.unwrap_or(0) + 1 + n) % catalogue.len());
            paths.push((
                mentee.id,
                CareerPath {
                    current: current.map(|i| catalogue[i].id),
                    targets: vec![catalogue[target].id],
                },
            ));
            let gaps = rules::gaps(&mentee.levels, &[needs[target].clone()]);
            let title = &catalogue[target].title;
            let mut step = |kind: StepKind, title: String, skill: Option<SkillId>, days: i64| {
                steps.push(NewStep {
                    id: CareerStepId::new(),
                    person: mentee.id,
                    kind,
                    title,
                    skill,
                    due_on: date(days),
                });
            };
            if let Some(first) = gaps.first() {
                step(
                    StepKind::Learn,
                    format!("Take a course in {}", name(&first.skill)),
                    Some(first.skill),
                    21,
                );
                step(
                    StepKind::StretchProject,
                    format!("Lead a small project that needs {}", name(&first.skill)),
                    Some(first.skill),
                    90,
                );
            }
            if let Some(second) = gaps.get(1) {
                step(
                    StepKind::Practise,
                    format!(
                        "Use {} in a real piece of work every week",
                        name(&second.skill)
                    ),
                    Some(second.skill),
                    45,
                );
            }
            step(
                StepKind::Introduction,
                format!(
                    "Ask my mentor to introduce me to a {}",
                    title.to_lowercase()
                ),
                None,
                60,
            );
        }
        store::insert_bulk(&self.db, &paths, &steps).await?;
        Ok(())
    }
}

impl Mentee {
    /// A generated person's job title and skill levels (the higher where a skill is both
    /// mentored and grown).
    pub(crate) fn of(person: &lodestar_store::profiles::BulkPerson) -> Self {
        let mut levels = HashMap::new();
        for claim in person
            .profile
            .mentor_skills
            .iter()
            .chain(&person.profile.growth_skills)
        {
            let level = claim.level.get();
            let entry = levels.entry(claim.skill).or_insert(level);
            *entry = (*entry).max(level);
        }
        Self {
            id: person.id,
            role_title: person.profile.role_title.clone(),
            levels,
        }
    }
}
