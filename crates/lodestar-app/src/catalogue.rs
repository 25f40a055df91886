//! The skills catalogue: the starting catalogue shipped in the binary, and the admin
//! operations (add, rename, merge, retire) on it.

use lodestar_domain::text::{multi_line, one_line};
use lodestar_domain::{FieldErrors, SkillId, SkillKind, Slug};
use lodestar_store::Db;
use lodestar_store::skills::{self, NewSkill, SkillRecord};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::{self, Audit, AuditAction};
use crate::{App, AppError, Viewer};

/// The starting catalogue: technical and soft skills with what each level looks like.
const SEED: &str = include_str!("../seed/skills.json");

#[derive(Deserialize)]
struct SeedSkill {
    slug: String,
    name: String,
    kind: SkillKind,
    category: String,
    description: String,
    levels: Vec<String>,
}

/// The shipped catalogue, parsed.
pub fn seed_skills() -> Result<Vec<NewSkill>, AppError> {
    let seed: Vec<SeedSkill> =
        serde_json::from_str(SEED).map_err(|e| AppError::Internal(format!("skills seed: {e}")))?;
    seed.into_iter()
        .map(|s| {
            Ok(NewSkill {
                id: SkillId::new(),
                slug: Slug::parse(&s.slug)
                    .map_err(|e| AppError::Internal(format!("seed slug {}: {e}", s.slug)))?,
                name: s.name,
                kind: s.kind,
                category: s.category,
                description: s.description,
                levels: s.levels,
            })
        })
        .collect()
}

/// Loads the starting catalogue into a database that has no skills yet.
pub async fn seed_if_empty(db: &Db) -> Result<(), AppError> {
    if skills::count(db).await? == 0 {
        let added = skills::insert_many(db, &seed_skills()?).await?;
        tracing::info!(added, "skills catalogue seeded");
    }
    Ok(())
}

/// A catalogue entry.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SkillView {
    #[schema(value_type = String, format = Uuid)]
    pub id: SkillId,
    #[schema(example = "public-speaking")]
    pub slug: String,
    pub name: String,
    #[schema(value_type = String, example = "soft")]
    pub kind: SkillKind,
    pub category: String,
    pub description: String,
    /// What levels 1 to 5 look like, in order.
    pub levels: Vec<String>,
    pub retired: bool,
    /// Where this skill went when it was merged into another.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub merged_into: Option<SkillId>,
}

impl From<SkillRecord> for SkillView {
    fn from(s: SkillRecord) -> Self {
        Self {
            id: s.id,
            slug: s.slug,
            name: s.name,
            kind: s.kind,
            category: s.category,
            description: s.description,
            levels: s.levels,
            retired: s.retired,
            merged_into: s.merged_into,
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct NewSkillInput {
    pub name: String,
    /// Derived from the name when left out.
    pub slug: Option<String>,
    #[schema(example = "technical")]
    pub kind: String,
    pub category: String,
    #[serde(default)]
    pub description: String,
    /// Five descriptions, one per level; may be left empty.
    #[serde(default)]
    pub levels: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct SkillUpdate {
    pub name: Option<String>,
    pub category: Option<String>,
    pub description: Option<String>,
    pub retired: Option<bool>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct MergeInput {
    /// The skill that takes over (slug or id).
    #[schema(min_length = 1)]
    pub into: String,
}

fn require_admin(viewer: &Viewer) -> Result<(), AppError> {
    if viewer.is_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Longest description of a skill, and of one of its levels.
const MAX_DESCRIPTION: usize = 300;
const MAX_LEVEL_DESCRIPTION: usize = 200;

fn check_name(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    match one_line(value, max) {
        Ok(value) if value.is_empty() => {
            errors.add(field, "is required");
            value
        }
        Ok(value) => value,
        Err(err) => {
            errors.add(field, err.to_string());
            String::new()
        }
    }
}

fn check_description(errors: &mut FieldErrors, value: &str) -> String {
    errors
        .check("description", multi_line(value, MAX_DESCRIPTION))
        .unwrap_or_default()
}

/// Five descriptions or none; each is one line.
fn check_levels(errors: &mut FieldErrors, raw: &[String]) -> Vec<String> {
    let mut refused = false;
    let levels: Vec<String> = raw
        .iter()
        .enumerate()
        .map(|(i, level)| {
            let checked = one_line(level, MAX_LEVEL_DESCRIPTION);
            refused |= checked.is_err();
            errors
                .check(&format!("levels[{i}]"), checked)
                .unwrap_or_default()
        })
        .collect();
    if levels.iter().all(String::is_empty) {
        return Vec::new();
    }
    // A refused entry is reported on its own; it does not also make the list incomplete.
    if !refused && (levels.len() != 5 || levels.iter().any(String::is_empty)) {
        errors.add("levels", "describe all five levels, or none");
    }
    levels
}

impl App {
    /// The catalogue; retired skills only when asked for.
    pub async fn skills(&self, include_retired: bool) -> Result<Vec<SkillView>, AppError> {
        Ok(skills::list(&self.db, include_retired)
            .await?
            .into_iter()
            .map(SkillView::from)
            .collect())
    }

    /// How many profile entries use each skill (admin page).
    pub async fn skill_usage(&self, viewer: &Viewer) -> Result<Vec<(SkillId, i64)>, AppError> {
        require_admin(viewer)?;
        Ok(skills::usage_counts(&self.db).await?)
    }

    /// A skill by slug, id or name; merged skills resolve to where they went.
    pub async fn skill(&self, reference: &str) -> Result<SkillView, AppError> {
        skills::resolve(&self.db, reference)
            .await?
            .map(SkillView::from)
            .ok_or(AppError::NotFound("skill"))
    }

    pub async fn add_skill(
        &self,
        viewer: &Viewer,
        input: &NewSkillInput,
    ) -> Result<SkillView, AppError> {
        require_admin(viewer)?;
        let mut errors = FieldErrors::new();
        let name = check_name(&mut errors, "name", &input.name, 80);
        let category = check_name(&mut errors, "category", &input.category, 60);
        let kind = errors.check("kind", SkillKind::parse(&input.kind));
        let slug = match input
            .slug
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(slug) => errors.check("slug", Slug::parse(slug)),
            None if errors.get("name").is_none() => errors.check("slug", Slug::from_name(&name)),
            None => None,
        };
        let description = check_description(&mut errors, &input.description);
        let levels = check_levels(&mut errors, &input.levels);
        errors.into_result()?;
        let (Some(kind), Some(slug)) = (kind, slug) else {
            return Err(AppError::Internal("validation lost a value".into()));
        };
        let new = NewSkill {
            id: SkillId::new(),
            slug,
            name,
            kind,
            category,
            description,
            levels,
        };
        let mut tx = self.db.begin().await?;
        skills::insert(&mut tx, &new).await?;
        let summary = format!("Added the skill {}", new.name);
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::SkillAdd, "skill", new.id, summary).detail(json!({
                "slug": new.slug.to_string(),
                "name": new.name,
                "kind": new.kind.as_str(),
                "category": new.category,
            })),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        let skill = skills::get(&self.db, new.id).await?;
        tracing::info!(admin = %viewer.id, skill = %skill.slug, "skill added");
        Ok(skill.into())
    }

    /// Renames, recategorises, retires or restores a skill.
    pub async fn update_skill(
        &self,
        viewer: &Viewer,
        reference: &str,
        input: &SkillUpdate,
    ) -> Result<SkillView, AppError> {
        require_admin(viewer)?;
        let current = self.skill_exact(reference).await?;
        let mut errors = FieldErrors::new();
        let name = check_name(
            &mut errors,
            "name",
            input.name.as_deref().unwrap_or(&current.name),
            80,
        );
        let category = check_name(
            &mut errors,
            "category",
            input.category.as_deref().unwrap_or(&current.category),
            60,
        );
        let description = check_description(
            &mut errors,
            input.description.as_deref().unwrap_or(&current.description),
        );
        if current.merged_into.is_some() {
            errors.add(
                "retired",
                "this skill was merged into another and cannot be changed",
            );
        }
        errors.into_result()?;
        let changed = audit::changes([
            ("name", audit::change(&current.name, &name)),
            ("category", audit::change(&current.category, &category)),
            (
                "description",
                audit::change(&current.description, &description),
            ),
        ]);
        let retire = input.retired.filter(|r| *r != current.retired);
        let mut tx = self.db.begin().await?;
        skills::update(&mut tx, current.id, &name, &category, &description).await?;
        if changed.as_object().is_some_and(|c| !c.is_empty()) || retire.is_none() {
            let summary = format!("Edited the skill {name}");
            let edit = Audit::new(AuditAction::SkillEdit, "skill", current.id, summary);
            audit::record(&mut tx, viewer, edit.detail(changed)).await?;
        }
        if let Some(retired) = retire {
            skills::set_retired(&mut tx, current.id, retired).await?;
            let (action, summary) = if retired {
                (
                    AuditAction::SkillRetire,
                    format!("Retired the skill {name}"),
                )
            } else {
                (
                    AuditAction::SkillRestore,
                    format!("Restored the skill {name}"),
                )
            };
            let change = Audit::new(action, "skill", current.id, summary);
            audit::record(
                &mut tx,
                viewer,
                change.detail(json!({ "retired": retired })),
            )
            .await?;
        }
        lodestar_store::commit(tx).await?;
        let skill = skills::get(&self.db, current.id).await?;
        tracing::info!(admin = %viewer.id, skill = %skill.slug, "skill updated");
        Ok(skill.into())
    }

    /// Merges a duplicate skill into another; every profile that listed it keeps the skill
    /// under its new name, at the higher of the two levels where it had both.
    pub async fn merge_skill(
        &self,
        viewer: &Viewer,
        reference: &str,
        input: &MergeInput,
    ) -> Result<SkillView, AppError> {
        require_admin(viewer)?;
        let from = self.skill_exact(reference).await?;
        let into = skills::resolve(&self.db, &input.into)
            .await?
            .ok_or_else(|| {
                AppError::invalid("into", format!("no skill called {:?}", input.into.trim()))
            })?;
        if from.id == into.id {
            return Err(AppError::invalid(
                "into",
                "a skill cannot be merged into itself",
            ));
        }
        if from.merged_into.is_some() {
            return Err(AppError::invalid("into", "this skill was already merged"));
        }
        if into.retired {
            return Err(AppError::invalid(
                "into",
                "choose a skill that is not retired",
            ));
        }
        let mut tx = self.db.begin().await?;
        let moved = skills::merge(&mut tx, from.id, into.id).await?;
        let summary = format!("Merged the skill {} into {}", from.name, into.name);
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::SkillMerge, "skill", from.id, summary).detail(json!({
                "from": from.slug,
                "into": into.slug,
                "into_id": into.id.to_string(),
                "profile_entries_moved": moved,
            })),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        tracing::info!(admin = %viewer.id, from = %from.slug, into = %into.slug, moved, "skills merged");
        Ok(into.into())
    }

    /// A skill by its own slug or id, not following merges (admin operations act on the
    /// entry itself).
    async fn skill_exact(&self, reference: &str) -> Result<SkillRecord, AppError> {
        skills::find_exact(&self.db, reference)
            .await?
            .ok_or(AppError::NotFound("skill"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_passes_the_checks_an_admin_edit_gets() {
        let mut errors = FieldErrors::new();
        for skill in seed_skills().expect("the seed parses") {
            check_name(&mut errors, "name", &skill.name, 80);
            check_name(&mut errors, "category", &skill.category, 60);
            check_description(&mut errors, &skill.description);
            check_levels(&mut errors, &skill.levels);
            assert!(errors.is_empty(), "{}: {errors:?}", skill.slug);
        }
    }

    #[test]
    fn skill_texts_refuse_control_characters() {
        let mut errors = FieldErrors::new();
        check_name(&mut errors, "name", "Rust\0", 80);
        check_description(&mut errors, "Systems\u{1b}[31m programming");
        let mut levels = vec!["Knows it".to_owned(); 5];
        levels[2] = "Uses\u{202e} it".into();
        check_levels(&mut errors, &levels);
        assert_eq!(
            errors.get("name"),
            Some("must not contain control characters")
        );
        assert_eq!(
            errors.get("description"),
            Some("must not contain control characters")
        );
        assert!(
            errors
                .get("levels[2]")
                .is_some_and(|m| m.contains("bidirectional"))
        );
    }
}
