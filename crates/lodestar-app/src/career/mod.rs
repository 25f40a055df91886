//! Career paths: a person's current role and target roles against the role catalogue
//! (`catalogue`), the skills gap with who can help close it, the roles closest to what
//! they have, and their plan of steps (`steps`).

pub mod catalogue;
pub(crate) mod demo;
pub mod steps;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use lodestar_domain::career::{self as rules, Need};
use lodestar_domain::ids::RoleId;
use lodestar_domain::{FieldErrors, PersonId, SkillId};
use lodestar_store::career::{self as store, CareerPath};
use lodestar_store::roles::{self, RoleRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use catalogue::seed_if_missing;

use crate::{App, AppError, Viewer};

/// How many target roles a person may aim for at once.
pub const MAX_TARGETS: usize = 5;
/// How many roles "Roles close to yours" lists.
pub const CLOSE_ROLES: usize = 10;

/// A role named by a path, with its title.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RoleRef {
    #[schema(value_type = String, format = Uuid)]
    pub id: RoleId,
    pub slug: String,
    pub title: String,
}

impl From<&RoleRecord> for RoleRef {
    fn from(r: &RoleRecord) -> Self {
        Self {
            id: r.id,
            slug: r.slug.clone(),
            title: r.title.clone(),
        }
    }
}

/// `PUT /api/v1/me/career`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CareerInput {
    /// A role id, or null for none (an empty string is not a role id).
    #[schema(format = Uuid)]
    pub current_role: Option<String>,
    /// Up to 5 role ids, most wanted first.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub target_roles: Vec<String>,
}

/// A person's career path.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CareerView {
    pub current_role: Option<RoleRef>,
    pub target_roles: Vec<RoleRef>,
}

/// One skill of the gap.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GapEntry {
    /// The catalogue slug.
    pub skill: String,
    pub skill_name: String,
    /// The person's level now (0: none).
    pub have: u8,
    /// The level the target role needs.
    pub need: u8,
    /// `need - have`.
    pub gap: u8,
    /// The target role that needs it at this level (the first, where several do).
    pub target_role: RoleRef,
    /// One of the person's current mentors mentors on this skill at `need` or above.
    pub mentor_can_help: bool,
    /// Those mentors.
    pub mentor_names: Vec<String>,
    /// How many mentors listed in the directory mentor on it at `need` or above.
    pub mentors_in_directory: i64,
}

/// `GET /api/v1/me/career/gap`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GapView {
    /// Largest gap first.
    pub gaps: Vec<GapEntry>,
    pub target_roles: Vec<RoleRef>,
}

/// A skill of a role, at the level it needs.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SkillNeed {
    pub skill: String,
    pub skill_name: String,
    pub level: u8,
}

/// A role close to what a person has.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CloseRole {
    #[schema(value_type = String, format = Uuid)]
    pub id: RoleId,
    pub slug: String,
    pub title: String,
    pub source: &'static str,
    /// The role's skills the person has at its level or above.
    pub shared_skills: Vec<SkillNeed>,
    /// The rest.
    pub missing_skills: Vec<SkillNeed>,
    pub shared_count: usize,
    pub missing_count: usize,
}

fn needs_of(role: &RoleRecord) -> Vec<Need> {
    role.skills
        .iter()
        .map(|s| Need {
            skill: s.skill,
            level: s.level,
        })
        .collect()
}

/// Every gap between `have` and what the roles need, largest first (see [`rules::gaps`]);
/// `Gap::role` indexes the roles.
pub(crate) fn gaps_to(roles: &[RoleRecord], have: &HashMap<SkillId, u8>) -> Vec<rules::Gap> {
    let needs: Vec<Vec<Need>> = roles.iter().map(needs_of).collect();
    rules::gaps(have, &needs)
}

fn parse_role_id(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<RoleId> {
    match raw.trim().parse() {
        Ok(id) => Some(id),
        Err(_) => {
            errors.add(field, "is not a role id");
            None
        }
    }
}

/// How many listed mentors mentor each skill at each level, as of one directory generation
/// (see `lodestar_store::generations`): the career gap's "mentors in the directory" without
/// counting over the directory on every request.
#[derive(Debug, Default)]
pub struct MentorCounts(std::sync::Mutex<Option<(i64, Arc<Counts>)>>);

/// `(skill, level) → how many`.
type Counts = HashMap<(SkillId, u8), i64>;

impl App {
    /// The skill levels a person has now, by skill: the one source of "have" for the gap
    /// and close roles. The newest assessment of a skill (their own or a mentor's) is where
    /// they stand in it; a skill never assessed counts at its profile level (the higher of
    /// the level they mentor on and the level they say they are at in a skill they grow).
    pub async fn current_levels(&self, person: PersonId) -> Result<HashMap<SkillId, u8>, AppError> {
        let (mut levels, assessed) = tokio::try_join!(self.profile_levels(person), async {
            Ok::<_, AppError>(lodestar_store::assessments::levels(&self.db, person).await?)
        })?;
        levels.extend(lodestar_domain::feedback::latest_levels(&assessed));
        Ok(levels)
    }

    /// The directory's mentor counts by skill and level, from the cache while the
    /// directory's generation stands. The generation is read first, so counts are never kept
    /// under a generation newer than what they were counted from.
    async fn directory_mentor_counts(&self) -> Result<Arc<HashMap<(SkillId, u8), i64>>, AppError> {
        let generation = lodestar_store::generations::directory(&self.db).await?;
        let cached = |cache: &MentorCounts| {
            let held = cache
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            held.as_ref()
                .filter(|(at, _)| *at == generation)
                .map(|(_, counts)| Arc::clone(counts))
        };
        if let Some(counts) = cached(&self.mentor_counts) {
            return Ok(counts);
        }
        let counts = Arc::new(store::directory_mentor_counts(&self.db).await?);
        let mut held = self
            .mentor_counts
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if held.as_ref().is_none_or(|(at, _)| *at <= generation) {
            *held = Some((generation, Arc::clone(&counts)));
        }
        Ok(counts)
    }

    /// The levels on a person's profile, by skill, before any assessment.
    pub(crate) async fn profile_levels(
        &self,
        person: PersonId,
    ) -> Result<HashMap<SkillId, u8>, AppError> {
        Ok(store::profile_levels(&self.db, person).await?)
    }

    /// A person's target roles, most wanted first.
    pub(crate) async fn target_roles(&self, person: PersonId) -> Result<Vec<RoleRecord>, AppError> {
        Ok(roles::targets_of(&self.db, person).await?)
    }

    /// The viewer's career path with the roles' titles.
    pub async fn my_career(&self, viewer: &Viewer) -> Result<CareerView, AppError> {
        let path = store::path(&self.db, viewer.id).await?;
        self.career_view(&path).await
    }

    async fn career_view(&self, path: &CareerPath) -> Result<CareerView, AppError> {
        let ids: Vec<RoleId> = path.current.iter().chain(&path.targets).copied().collect();
        let found = roles::get_many(&self.db, &ids).await?;
        let by_id = |id: &RoleId| found.iter().find(|r| r.id == *id).map(RoleRef::from);
        Ok(CareerView {
            current_role: path.current.as_ref().and_then(by_id),
            target_roles: path.targets.iter().filter_map(by_id).collect(),
        })
    }

    /// Sets the viewer's current role (or none) and target roles. Every role must exist
    /// and be on offer (a retired role already on the path may stay); a target may not be
    /// the current role nor be named twice. Nothing changes unless all of it is valid.
    pub async fn set_career(
        &self,
        viewer: &Viewer,
        input: &CareerInput,
    ) -> Result<CareerView, AppError> {
        let mut errors = FieldErrors::new();
        let current = input
            .current_role
            .as_deref()
            .and_then(|r| parse_role_id(&mut errors, "current_role", r));
        if input.target_roles.len() > MAX_TARGETS {
            errors.add(
                "target_roles",
                format!("may name at most {MAX_TARGETS} roles"),
            );
        }
        let mut targets = Vec::new();
        for (i, raw) in input.target_roles.iter().enumerate().take(MAX_TARGETS) {
            let field = format!("target_roles[{i}]");
            let Some(id) = parse_role_id(&mut errors, &field, raw) else {
                continue;
            };
            if targets.contains(&id) {
                errors.add(field, "is named twice");
            } else if Some(id) == current {
                errors.add(field, "is your current role");
            } else {
                targets.push(id);
            }
        }
        let before = store::path(&self.db, viewer.id).await?;
        let wanted: Vec<RoleId> = current.iter().chain(&targets).copied().collect();
        let found = roles::get_many(&self.db, &wanted).await?;
        let usable = |id: RoleId| {
            found.iter().any(|r| {
                r.id == id
                    && (!r.retired || before.current == Some(id) || before.targets.contains(&id))
            })
        };
        if let Some(id) = current
            && !usable(id)
        {
            errors.add("current_role", "is not a role in the catalogue");
        }
        for (i, raw) in input.target_roles.iter().enumerate().take(MAX_TARGETS) {
            if let Ok(id) = raw.trim().parse::<RoleId>()
                && targets.contains(&id)
                && !usable(id)
            {
                errors.add(
                    format!("target_roles[{i}]"),
                    "is not a role in the catalogue",
                );
            }
        }
        errors.into_result().map_err(AppError::Invalid)?;
        let path = CareerPath { current, targets };
        store::set_path(&self.db, viewer.id, &path).await?;
        self.career_view(&path).await
    }

    /// Every skill the viewer's target roles need above their level, largest gap first
    /// (see [`rules::gaps`]), with who can help: `mentor_can_help` when one of their
    /// current mentors (an active mentorship) mentors on the skill at the level needed
    /// or above — one level above where they are is not enough to teach the whole gap —
    /// and how many mentors in the directory do.
    pub async fn career_gap(&self, viewer: &Viewer) -> Result<GapView, AppError> {
        let (have, targets, mentors, directory, themself) = tokio::try_join!(
            self.current_levels(viewer.id),
            self.target_roles(viewer.id),
            async { Ok::<_, AppError>(store::mentors_skills(&self.db, viewer.id).await?) },
            self.directory_mentor_counts(),
            async { Ok::<_, AppError>(store::counted_as_mentor(&self.db, viewer.id).await?) },
        )?;
        let gaps = gaps_to(&targets, &have);
        let entries = gaps
            .iter()
            .map(|gap| {
                let role = &targets[gap.role];
                let named = role.skills.iter().find(|s| s.skill == gap.skill);
                let mut mentor_names: Vec<String> = mentors
                    .iter()
                    .filter(|m| m.skill == gap.skill && m.level >= gap.need)
                    .map(|m| m.name.clone())
                    .collect();
                mentor_names.dedup();
                // Everyone listed who mentors it well enough, but the viewer.
                let at_need =
                    |(skill, level): &(SkillId, u8)| *skill == gap.skill && *level >= gap.need;
                let mentors_in_directory = directory
                    .iter()
                    .filter(|(key, _)| at_need(key))
                    .map(|(_, n)| n)
                    .sum::<i64>()
                    - themself.iter().filter(|key| at_need(key)).count() as i64;
                GapEntry {
                    skill: named.map(|s| s.slug.clone()).unwrap_or_default(),
                    skill_name: named.map(|s| s.name.clone()).unwrap_or_default(),
                    have: gap.have,
                    need: gap.need,
                    gap: gap.size(),
                    target_role: RoleRef::from(role),
                    mentor_can_help: !mentor_names.is_empty(),
                    mentor_names,
                    mentors_in_directory,
                }
            })
            .collect();
        Ok(GapView {
            gaps: entries,
            target_roles: targets.iter().map(RoleRef::from).collect(),
        })
    }

    /// "Roles close to yours": the roles on offer ranked by how many of their skills the
    /// viewer has at the role's level or above, then by that share of the role (see
    /// [`rules::close_roles`]); the current and target roles left out (they are on the path
    /// already), and roles sharing nothing.
    pub async fn close_roles(&self, viewer: &Viewer) -> Result<Vec<CloseRole>, AppError> {
        let path = store::path(&self.db, viewer.id).await?;
        let have = self.current_levels(viewer.id).await?;
        let all: Vec<RoleRecord> = roles::all_active(&self.db)
            .await?
            .into_iter()
            .filter(|r| Some(r.id) != path.current && !path.targets.contains(&r.id))
            .collect();
        let needs: Vec<Vec<Need>> = all.iter().map(needs_of).collect();
        let slices: Vec<&[Need]> = needs.iter().map(Vec::as_slice).collect();
        let ranked = rules::close_roles(&have, &slices);
        Ok(ranked
            .into_iter()
            .take(CLOSE_ROLES)
            .map(|(i, closeness)| {
                let role = &all[i];
                let shared: HashSet<SkillId> = closeness.shared.iter().copied().collect();
                let (shared_skills, missing_skills): (Vec<SkillNeed>, Vec<SkillNeed>) = {
                    let mut yes = Vec::new();
                    let mut no = Vec::new();
                    for s in &role.skills {
                        let need = SkillNeed {
                            skill: s.slug.clone(),
                            skill_name: s.name.clone(),
                            level: s.level,
                        };
                        if shared.contains(&s.skill) {
                            yes.push(need);
                        } else {
                            no.push(need);
                        }
                    }
                    (yes, no)
                };
                CloseRole {
                    id: role.id,
                    slug: role.slug.clone(),
                    title: role.title.clone(),
                    source: role.source.as_str(),
                    shared_count: shared_skills.len(),
                    missing_count: missing_skills.len(),
                    shared_skills,
                    missing_skills,
                }
            })
            .collect())
    }
}
