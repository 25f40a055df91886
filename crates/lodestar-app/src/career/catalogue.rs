//! The role catalogue: the shipped roles (`seed/roles.json`, derived from ESCO), browsing
//! and searching it, and the admins' own roles and edits.

use std::collections::HashSet;

use lodestar_domain::career::RoleSource;
use lodestar_domain::ids::RoleId;
use lodestar_domain::text::{multi_line, one_line};
use lodestar_domain::{FieldErrors, SkillId, Slug};
use lodestar_store::roles::{self, NewRole, RoleChanges, RoleRecord};
use lodestar_store::{Db, StoreError, skills};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::audit::{self, Audit, AuditAction};
use crate::{App, AppError, Viewer};

/// The shipped catalogue, with the source it was derived from.
const SEED: &str = include_str!("../../seed/roles.json");

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 2_000;
pub const MAX_SKILLS: usize = 30;
pub const DEFAULT_PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;

/// Where the shipped catalogue comes from, and the line that must be shown with it.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct CatalogueSource {
    pub name: String,
    pub version: String,
    pub licence: String,
    pub attribution: String,
    pub url: String,
}

#[derive(Deserialize)]
struct Seed {
    source: CatalogueSource,
    roles: Vec<SeedRole>,
}

#[derive(Deserialize)]
struct SeedRole {
    slug: String,
    title: String,
    esco_uri: String,
    description: String,
    skills: Vec<SeedSkill>,
}

#[derive(Deserialize)]
struct SeedSkill {
    skill: String,
    level: u8,
}

fn seed() -> Result<Seed, AppError> {
    serde_json::from_str(SEED).map_err(|e| AppError::Internal(format!("roles seed: {e}")))
}

/// The source of the shipped catalogue (ESCO), for the attribution on pages.
pub fn catalogue_source() -> CatalogueSource {
    seed()
        .map(|s| s.source)
        .unwrap_or_else(|_| CatalogueSource {
            name: "ESCO".into(),
            version: String::new(),
            licence: "CC BY 4.0".into(),
            attribution: "This service uses the ESCO classification of the European Commission."
                .into(),
            url: "https://esco.ec.europa.eu/".into(),
        })
}

/// Adds the shipped roles a database does not have yet, matched by slug: a fresh database
/// gets them all, a later release's new roles arrive on upgrade, and a role an admin has
/// edited or retired is left as it is. A skill the catalogue no longer has is skipped
/// (merged skills resolve to the skill they became). Cheap when nothing is missing: one
/// count.
pub async fn seed_if_missing(db: &Db) -> Result<(), AppError> {
    let seed = seed()?;
    let shipped = roles::count(db, RoleSource::Esco).await?;
    if usize::try_from(shipped).is_ok_and(|n| n >= seed.roles.len()) {
        return Ok(());
    }
    let references: Vec<&str> = seed
        .roles
        .iter()
        .flat_map(|r| r.skills.iter().map(|s| s.skill.as_str()))
        .collect();
    let resolved = skills::resolve_many(db, &references).await?;
    let mut resolved = resolved.into_iter();
    let mut roles = Vec::with_capacity(seed.roles.len());
    for role in seed.roles {
        let mut seen = HashSet::new();
        let mut needs = Vec::new();
        for need in &role.skills {
            match resolved.next().flatten() {
                Some(skill) if (1..=5).contains(&need.level) => {
                    if seen.insert(skill.id) {
                        needs.push((skill.id, need.level));
                    }
                }
                _ => tracing::warn!(
                    role = role.slug,
                    skill = need.skill,
                    "role seed: skill left out"
                ),
            }
        }
        roles.push(NewRole {
            id: RoleId::new(),
            slug: role.slug,
            title: role.title,
            description: role.description,
            source: RoleSource::Esco,
            esco_uri: Some(role.esco_uri),
            skills: needs,
        });
    }
    let added = roles::insert_many(db, &roles).await?;
    if added > 0 {
        tracing::info!(added, "role catalogue seeded");
    }
    Ok(())
}

/// A skill a role needs.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RoleSkillView {
    /// The catalogue slug.
    #[schema(example = "data-analysis")]
    pub skill: String,
    pub skill_name: String,
    /// 1–5.
    pub level: u8,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RoleView {
    #[schema(value_type = String, format = Uuid)]
    pub id: RoleId,
    pub slug: String,
    pub title: String,
    pub description: String,
    /// `esco` (shipped, derived from ESCO) or `organisation` (added by the admins).
    #[schema(example = "esco")]
    pub source: &'static str,
    /// The ESCO occupation it was derived from.
    pub esco_uri: Option<String>,
    pub retired: bool,
    pub skills: Vec<RoleSkillView>,
}

impl From<RoleRecord> for RoleView {
    fn from(r: RoleRecord) -> Self {
        Self {
            id: r.id,
            slug: r.slug,
            title: r.title,
            description: r.description,
            source: r.source.as_str(),
            esco_uri: r.esco_uri,
            retired: r.retired,
            skills: r
                .skills
                .into_iter()
                .map(|s| RoleSkillView {
                    skill: s.slug,
                    skill_name: s.name,
                    level: s.level,
                })
                .collect(),
        }
    }
}

/// `GET /api/v1/roles`: a search of the catalogue by title, a page at a time.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoleQuery {
    /// Words in the role's title (any case).
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// From 1.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000000)]
    pub page: Option<String>,
    /// 1–100, default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub per_page: Option<String>,
    /// Include retired roles.
    #[serde(default)]
    pub include_retired: bool,
}

/// A page of roles and where it stands in the whole.
#[derive(Clone, Debug)]
pub struct RolePage {
    pub roles: Vec<RoleView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl RolePage {
    pub fn pages(&self) -> i64 {
        (self.total + self.per_page - 1) / self.per_page
    }
}

/// A skill a role needs, as typed.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleSkillInput {
    /// A catalogue slug (or id, or name).
    pub skill: String,
    /// 1–5.
    pub level: i64,
}

/// `POST /api/v1/roles`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRoleInput {
    /// 1–200 characters.
    #[schema(max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: String,
    /// 1–30 skills, each once, each at a level 1–5.
    pub skills: Vec<RoleSkillInput>,
}

/// `PATCH /api/v1/roles/{id}`: the fields given change; `skills` replaces the list.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleEdit {
    #[schema(max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    pub skills: Option<Vec<RoleSkillInput>>,
    /// A retired role is no longer offered; paths that name it keep it.
    pub retired: Option<bool>,
}

/// A role's skills as `{skill id: level}`, for the audit log.
fn skill_levels(skills: &[(SkillId, u8)]) -> serde_json::Value {
    skills
        .iter()
        .map(|(skill, level)| (skill.to_string(), json!(level)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn require_admin(viewer: &Viewer) -> Result<(), AppError> {
    if viewer.is_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn role_not_found(err: StoreError) -> AppError {
    match err {
        StoreError::NotFound => AppError::NotFound("role"),
        other => other.into(),
    }
}

fn check_title(errors: &mut FieldErrors, raw: &str) -> String {
    match one_line(raw, MAX_TITLE) {
        Ok(title) if title.is_empty() => {
            errors.add("title", "is required");
            title
        }
        Ok(title) => title,
        Err(e) => {
            errors.add("title", e.to_string());
            String::new()
        }
    }
}

/// Checks a role's skill list whole: its length, each skill known and once, each level
/// 1–5; every bad entry is reported (`skills[2].skill`).
async fn check_skills(
    db: &Db,
    errors: &mut FieldErrors,
    input: &[RoleSkillInput],
) -> Result<Vec<(SkillId, u8)>, AppError> {
    if input.is_empty() || input.len() > MAX_SKILLS {
        errors.add("skills", format!("must list 1 to {MAX_SKILLS} skills"));
        return Ok(Vec::new());
    }
    let references: Vec<&str> = input.iter().map(|s| s.skill.as_str()).collect();
    let found = skills::resolve_many(db, &references).await?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, (entry, skill)) in input.iter().zip(found).enumerate() {
        let level = u8::try_from(entry.level)
            .ok()
            .filter(|l| (1..=5).contains(l));
        if level.is_none() {
            errors.add(format!("skills[{i}].level"), "must be from 1 to 5");
        }
        match skill {
            Some(skill) if skill.retired && skill.merged_into.is_none() => {
                errors.add(
                    format!("skills[{i}].skill"),
                    "is retired from the catalogue",
                );
            }
            Some(skill) if !seen.insert(skill.id) => {
                errors.add(format!("skills[{i}].skill"), "is listed twice");
            }
            Some(skill) => {
                if let Some(level) = level {
                    out.push((skill.id, level));
                }
            }
            None => errors.add(
                format!("skills[{i}].skill"),
                "is not a skill in the catalogue",
            ),
        }
    }
    Ok(out)
}

/// Parses an optional page number field: empty is the default.
fn number(
    errors: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
    range: std::ops::RangeInclusive<i64>,
    default: i64,
) -> i64 {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => default,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if range.contains(&n) => n,
            _ => {
                errors.add(
                    field,
                    format!("must be a number from {} to {}", range.start(), range.end()),
                );
                default
            }
        },
    }
}

impl App {
    /// A page of the role catalogue, by title, whose title contains `q`.
    pub async fn roles(&self, query: &RoleQuery) -> Result<RolePage, AppError> {
        let mut errors = FieldErrors::new();
        let q = errors
            .check("q", one_line(query.q.as_deref().unwrap_or_default(), 200))
            .unwrap_or_default();
        let page = number(&mut errors, "page", query.page.as_deref(), 1..=1_000_000, 1);
        let per_page = number(
            &mut errors,
            "per_page",
            query.per_page.as_deref(),
            1..=MAX_PER_PAGE,
            DEFAULT_PER_PAGE,
        );
        errors.into_result().map_err(AppError::Invalid)?;
        let (roles, total) = roles::search(
            &self.db,
            &q,
            query.include_retired,
            per_page,
            (page - 1) * per_page,
        )
        .await?;
        Ok(RolePage {
            roles: roles.into_iter().map(RoleView::from).collect(),
            total,
            page,
            per_page,
        })
    }

    /// Every role on offer, by title (for choosing one).
    pub async fn role_choices(&self) -> Result<Vec<RoleView>, AppError> {
        Ok(roles::all_active(&self.db)
            .await?
            .into_iter()
            .map(RoleView::from)
            .collect())
    }

    pub async fn role(&self, id: RoleId) -> Result<RoleView, AppError> {
        Ok(roles::get(&self.db, id)
            .await
            .map_err(role_not_found)?
            .into())
    }

    /// Adds an organisation role (admins). Its slug comes from the title, made unique.
    pub async fn add_role(
        &self,
        viewer: &Viewer,
        input: &NewRoleInput,
    ) -> Result<RoleView, AppError> {
        require_admin(viewer)?;
        let mut errors = FieldErrors::new();
        let title = check_title(&mut errors, &input.title);
        let description = errors
            .check(
                "description",
                multi_line(&input.description, MAX_DESCRIPTION),
            )
            .unwrap_or_default();
        let needs = check_skills(&self.db, &mut errors, &input.skills).await?;
        errors.into_result().map_err(AppError::Invalid)?;
        let base = Slug::from_name(&title).map_or_else(|_| "role".to_owned(), |s| s.to_string());
        let mut slug = base.clone();
        let mut n = 2;
        while roles::slug_taken(&self.db, &slug).await? {
            slug = format!("{}-{n}", base.chars().take(54).collect::<String>());
            n += 1;
        }
        let new = NewRole {
            id: RoleId::new(),
            slug,
            title,
            description,
            source: RoleSource::Organisation,
            esco_uri: None,
            skills: needs,
        };
        let mut tx = self.db.begin().await?;
        roles::insert(&mut tx, &new).await.map_err(|e| match e {
            StoreError::Conflict { .. } => AppError::Conflict {
                code: "role_exists",
                field: Some("title"),
                message: "a role with this title was added at the same time; try again".into(),
            },
            other => other.into(),
        })?;
        let summary = format!("Added the role {}", new.title);
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::RoleAdd, "role", new.id, summary).detail(json!({
                "slug": new.slug,
                "title": new.title,
                "skills": skill_levels(&new.skills),
            })),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        Ok(roles::get(&self.db, new.id)
            .await
            .map_err(role_not_found)?
            .into())
    }

    /// Edits a role (admins), shipped or the organisation's.
    pub async fn update_role(
        &self,
        viewer: &Viewer,
        id: RoleId,
        edit: &RoleEdit,
    ) -> Result<RoleView, AppError> {
        require_admin(viewer)?;
        let before = roles::get(&self.db, id).await.map_err(role_not_found)?;
        let mut errors = FieldErrors::new();
        let title = edit.title.as_deref().map(|t| check_title(&mut errors, t));
        let description = edit
            .description
            .as_deref()
            .and_then(|d| errors.check("description", multi_line(d, MAX_DESCRIPTION)));
        let skills = match &edit.skills {
            Some(list) => Some(check_skills(&self.db, &mut errors, list).await?),
            None => None,
        };
        errors.into_result().map_err(AppError::Invalid)?;
        let changes = RoleChanges {
            title,
            description,
            retired: edit.retired,
            skills,
        };
        let earlier: Vec<(SkillId, u8)> =
            before.skills.iter().map(|s| (s.skill, s.level)).collect();
        let detail = audit::changes([
            (
                "title",
                changes
                    .title
                    .as_ref()
                    .and_then(|t| audit::change(&before.title, t)),
            ),
            (
                "description",
                changes
                    .description
                    .as_ref()
                    .and_then(|d| audit::change(&before.description, d)),
            ),
            (
                "retired",
                changes
                    .retired
                    .and_then(|r| audit::change(&before.retired, &r)),
            ),
            (
                "skills",
                changes
                    .skills
                    .as_ref()
                    .filter(|s| **s != earlier)
                    .map(|s| json!({ "from": skill_levels(&earlier), "to": skill_levels(s) })),
            ),
        ]);
        let mut tx = self.db.begin().await?;
        roles::update(&mut tx, id, &changes)
            .await
            .map_err(role_not_found)?;
        let title = changes.title.as_deref().unwrap_or(&before.title);
        let summary = format!("Edited the role {title}");
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::RoleEdit, "role", id, summary).detail(detail),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        Ok(roles::get(&self.db, id)
            .await
            .map_err(role_not_found)?
            .into())
    }
}
