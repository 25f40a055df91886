//! Profiles: what a person sees of themselves, what others see of them, and editing.

use chrono::Utc;
use lodestar_domain::language::language_name;
use lodestar_domain::profile::{MAX_SKILLS_PER_LIST, standard_offset_minutes};
use lodestar_domain::text::check_line;
use lodestar_domain::{
    FieldErrors, FocusArea, PersonId, ProfileChanges, ProfileData, ProfileField, SkillClaim,
    SkillLevel,
};
use lodestar_store::profiles::{self, Derived, Person, PersonSkill, Relation};
use lodestar_store::{StoreError, blocks, skills};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::{App, AppError, Viewer};

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LanguageView {
    #[schema(example = "pt")]
    pub code: String,
    #[schema(example = "Portuguese")]
    pub name: String,
}

pub fn language_view(code: &str) -> LanguageView {
    LanguageView {
        code: code.to_owned(),
        name: language_name(code).unwrap_or(code).to_owned(),
    }
}

/// A skill on a profile.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProfileSkillView {
    #[schema(value_type = String, format = Uuid)]
    pub id: lodestar_domain::SkillId,
    pub slug: String,
    pub name: String,
    #[schema(example = "technical")]
    pub kind: String,
    #[schema(minimum = 1, maximum = 5)]
    pub level: i64,
    #[schema(example = "Advanced")]
    pub level_label: String,
    /// The catalogue no longer offers this skill for new entries.
    pub retired: bool,
}

pub fn skill_view(s: &PersonSkill) -> ProfileSkillView {
    ProfileSkillView {
        id: s.skill,
        slug: s.slug.clone(),
        name: s.name.clone(),
        kind: s.kind.as_str().to_owned(),
        level: i64::from(s.level),
        level_label: s.level.label().to_owned(),
        retired: s.retired,
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FocusAreaView {
    #[schema(example = "career_path")]
    pub key: String,
    pub label: String,
}

/// A person's profile. Fields the person hides are absent when someone else looks.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProfileView {
    #[schema(value_type = String, format = Uuid)]
    pub id: PersonId,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub headline: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bio: Option<String>,
    pub role_title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub industry: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub years_experience: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// IANA time zone name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    pub languages: Vec<LanguageView>,
    pub is_mentor: bool,
    pub wants_mentor: bool,
    /// How many mentees at once.
    pub mentor_capacity: i64,
    /// Hours a month available for mentoring.
    pub availability_hours: i64,
    pub mentor_skills: Vec<ProfileSkillView>,
    pub growth_skills: Vec<ProfileSkillView>,
    pub focus_areas: Vec<FocusAreaView>,
    /// Only in your own profile: the fields you hide from others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden_fields: Option<Vec<String>>,
    /// Only in your own profile: whether you appear in the people directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listed: Option<bool>,
    /// Only in your own profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_admin: Option<bool>,
    /// Epoch milliseconds.
    pub updated_at: i64,
}

impl ProfileView {
    /// The profile as `viewer` may see it.
    pub fn of(person: &Person, own: bool) -> Self {
        let p = &person.profile;
        let shown = |field: ProfileField, value: &str| {
            (own || !p.is_hidden(field)).then(|| value.to_owned())
        };
        let skills = |relation: Relation| {
            person
                .skills
                .iter()
                .filter(|s| s.relation == relation)
                .map(skill_view)
                .collect()
        };
        Self {
            id: person.id,
            name: person.name.clone(),
            email: shown(ProfileField::Email, &person.email),
            headline: p.headline.clone(),
            bio: shown(ProfileField::Bio, &p.bio),
            role_title: p.role_title.clone(),
            organisation: shown(ProfileField::Organisation, &p.organisation),
            department: shown(ProfileField::Department, &p.department),
            industry: p.industry.clone(),
            years_experience: if own || !p.is_hidden(ProfileField::YearsExperience) {
                p.years_experience
            } else {
                None
            },
            location: shown(ProfileField::Location, &p.location),
            time_zone: shown(ProfileField::TimeZone, &p.time_zone),
            languages: p.languages.iter().map(|c| language_view(c)).collect(),
            is_mentor: p.is_mentor,
            wants_mentor: p.wants_mentor,
            mentor_capacity: p.mentor_capacity,
            availability_hours: p.availability_hours,
            mentor_skills: skills(Relation::Mentors),
            growth_skills: skills(Relation::Grows),
            focus_areas: p
                .focus_areas
                .iter()
                .map(|f| FocusAreaView {
                    key: f.as_str().into(),
                    label: f.label().into(),
                })
                .collect(),
            hidden_fields: own.then(|| {
                p.hidden_fields
                    .iter()
                    .map(|f| f.as_str().to_owned())
                    .collect()
            }),
            listed: own.then_some(p.listed),
            is_admin: own.then_some(person.is_admin),
            updated_at: person.updated_at,
        }
    }
}

/// A skill named in an edit: by slug, id or exact name.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillInput {
    #[schema(example = "kubernetes")]
    pub skill: String,
    #[schema(minimum = 1, maximum = 5)]
    pub level: i64,
}

/// Tells "absent" (leave as it is) from `null` (clear it).
fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// An edit to your profile: every field is optional, and only the fields given change.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    pub name: Option<String>,
    pub headline: Option<String>,
    pub bio: Option<String>,
    pub role_title: Option<String>,
    pub organisation: Option<String>,
    pub department: Option<String>,
    pub industry: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, nullable, minimum = 0, maximum = 70)]
    pub years_experience: Option<Option<i64>>,
    pub location: Option<String>,
    #[schema(example = "Europe/Lisbon")]
    pub time_zone: Option<String>,
    /// ISO 639-1 codes or English names; at least one.
    #[schema(min_items = 1)]
    pub languages: Option<Vec<String>>,
    pub is_mentor: Option<bool>,
    pub wants_mentor: Option<bool>,
    #[schema(minimum = 0, maximum = 20)]
    pub mentor_capacity: Option<i64>,
    /// Hours a month.
    #[schema(minimum = 0, maximum = 160)]
    pub availability_hours: Option<i64>,
    pub mentor_skills: Option<Vec<SkillInput>>,
    pub growth_skills: Option<Vec<SkillInput>>,
    /// Any of career_development, networking, confidence, skill_development, career_path,
    /// new_opportunities, soft_skills.
    pub focus_areas: Option<Vec<String>>,
    /// Any of email, bio, organisation, department, location, time_zone, years_experience.
    pub hidden_fields: Option<Vec<String>>,
    pub listed: Option<bool>,
}

/// The words free-text search may find a person by: only what others can see.
pub fn search_text(name: &str, p: &ProfileData) -> String {
    let mut parts = vec![name, &p.headline, &p.role_title, &p.industry];
    if !p.is_hidden(ProfileField::Organisation) {
        parts.push(&p.organisation);
    }
    if !p.is_hidden(ProfileField::Department) {
        parts.push(&p.department);
    }
    if !p.is_hidden(ProfileField::Location) {
        parts.push(&p.location);
    }
    parts.join(" ").to_lowercase()
}

pub fn derived(name: &str, p: &ProfileData) -> Derived {
    Derived {
        utc_offset_minutes: standard_offset_minutes(&p.time_zone, Utc::now()).unwrap_or(0),
        search_text: search_text(name, p),
    }
}

/// Parses every entry of a list, recording `field[i]` errors for the ones that do not parse.
fn parse_each<T>(
    errors: &mut FieldErrors,
    field: &str,
    raw: &[String],
    parse: impl Fn(&str) -> Option<T>,
    problem: &str,
) -> Vec<T> {
    raw.iter()
        .enumerate()
        .filter_map(|(i, value)| {
            let parsed = parse(value);
            if parsed.is_none() {
                // Quoted with escapes, so a control character in it is shown, not sent.
                errors.add(format!("{field}[{i}]"), format!("{value:?} {problem}"));
            }
            parsed
        })
        .collect()
}

fn not_found(err: StoreError) -> AppError {
    match err {
        StoreError::NotFound => AppError::NotFound("person"),
        other => other.into(),
    }
}

impl App {
    /// Your own profile, everything included.
    pub async fn my_profile(&self, viewer: &Viewer) -> Result<ProfileView, AppError> {
        let person = profiles::load(&self.db, viewer.id)
            .await
            .map_err(not_found)?;
        Ok(ProfileView::of(&person, true))
    }

    /// Someone's profile as the viewer may see it. People who are not listed in the
    /// directory are visible only to themselves.
    pub async fn profile(&self, viewer: &Viewer, id: PersonId) -> Result<ProfileView, AppError> {
        let person = profiles::load(&self.db, id).await.map_err(not_found)?;
        let own = person.id == viewer.id;
        if !own && !person.profile.listed {
            return Err(AppError::NotFound("person"));
        }
        Ok(ProfileView::of(&person, own))
    }

    /// The viewer keeps `id` from ever being suggested to them or matched with them (in
    /// either direction). Blocking someone twice is not an error.
    pub async fn block(&self, viewer: &Viewer, id: PersonId) -> Result<(), AppError> {
        if id == viewer.id {
            return Err(AppError::invalid("person", "you cannot block yourself"));
        }
        // Whoever the viewer may see, they may block (and nobody else exists for them).
        self.profile(viewer, id).await?;
        blocks::block(&self.db, viewer.id, id).await?;
        Ok(())
    }

    /// The viewer lifts their block of `id`.
    pub async fn unblock(&self, viewer: &Viewer, id: PersonId) -> Result<(), AppError> {
        blocks::unblock(&self.db, viewer.id, id)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => AppError::NotFound("block"),
                other => other.into(),
            })
    }

    /// Whether the viewer says they want a mentor (the pages then offer to ask mentors).
    pub async fn wants_mentor(&self, viewer: &Viewer) -> Result<bool, AppError> {
        Ok(profiles::wants_mentor(&self.db, viewer.id).await?)
    }

    /// Whether the viewer has blocked `id`.
    pub async fn has_blocked(&self, viewer: &Viewer, id: PersonId) -> Result<bool, AppError> {
        Ok(blocks::blocked_by(&self.db, viewer.id).await?.contains(&id))
    }

    /// The people the viewer has blocked, most recent first.
    pub async fn blocked(&self, viewer: &Viewer) -> Result<Vec<PersonId>, AppError> {
        Ok(blocks::blocked_by(&self.db, viewer.id).await?)
    }

    /// Applies an edit to the viewer's profile. Every problem is reported at once, per
    /// field, and nothing changes unless the whole edit is valid.
    pub async fn update_profile(
        &self,
        viewer: &Viewer,
        update: ProfileUpdate,
    ) -> Result<ProfileView, AppError> {
        // A list over the cap is refused before anything is looked up, however long it is.
        let mut errors = FieldErrors::new();
        for (field, list) in [
            ("mentor_skills", &update.mentor_skills),
            ("growth_skills", &update.growth_skills),
        ] {
            if list.as_ref().is_some_and(|l| l.len() > MAX_SKILLS_PER_LIST) {
                errors.add(field, format!("list at most {MAX_SKILLS_PER_LIST} skills"));
            }
        }
        errors.into_result()?;
        let mut errors = FieldErrors::new();
        let person = profiles::load(&self.db, viewer.id)
            .await
            .map_err(not_found)?;

        let name = match &update.name {
            Some(raw) => errors
                .check("name", lodestar_domain::PersonName::parse(raw))
                .map(|n| n.into_inner())
                .unwrap_or_else(|| person.name.clone()),
            None => person.name.clone(),
        };
        let current_ids: Vec<_> = person.skills.iter().map(|s| s.skill).collect();
        let mentor_skills = self
            .resolve_skills(
                "mentor_skills",
                update.mentor_skills.as_deref(),
                &current_ids,
                &mut errors,
            )
            .await?;
        let growth_skills = self
            .resolve_skills(
                "growth_skills",
                update.growth_skills.as_deref(),
                &current_ids,
                &mut errors,
            )
            .await?;
        let focus_areas = update.focus_areas.as_deref().map(|raw| {
            parse_each(
                &mut errors,
                "focus_areas",
                raw,
                FocusArea::parse,
                "is not a focus area",
            )
        });
        let hidden_fields = update.hidden_fields.as_deref().map(|raw| {
            parse_each(
                &mut errors,
                "hidden_fields",
                raw,
                ProfileField::parse,
                "is not a field you can hide",
            )
        });

        let changes = ProfileChanges {
            headline: update.headline,
            bio: update.bio,
            role_title: update.role_title,
            organisation: update.organisation,
            department: update.department,
            industry: update.industry,
            years_experience: update.years_experience,
            location: update.location,
            time_zone: update.time_zone,
            languages: update.languages,
            is_mentor: update.is_mentor,
            wants_mentor: update.wants_mentor,
            mentor_capacity: update.mentor_capacity,
            availability_hours: update.availability_hours,
            mentor_skills,
            growth_skills,
            focus_areas,
            hidden_fields,
            listed: update.listed,
        };
        let next = match changes.apply_to(&person.profile) {
            Ok(next) if errors.is_empty() => next,
            Ok(_) => return Err(errors.into()),
            Err(more) => {
                for (field, message) in more.iter() {
                    errors.add(field, message);
                }
                return Err(errors.into());
            }
        };
        profiles::save(&self.db, viewer.id, &name, &next, &derived(&name, &next)).await?;
        tracing::info!(person = %viewer.id, "profile updated");
        self.my_profile(viewer).await
    }

    /// Turns skill references into catalogue ids, in one query for the list. Unknown
    /// skills are errors; retired skills may stay on a profile that already lists them but
    /// cannot be newly added. References that are not one line of text are errors without
    /// a look-up.
    pub(crate) async fn resolve_skills(
        &self,
        field: &str,
        inputs: Option<&[SkillInput]>,
        current: &[lodestar_domain::SkillId],
        errors: &mut FieldErrors,
    ) -> Result<Option<Vec<SkillClaim>>, AppError> {
        let Some(inputs) = inputs else {
            return Ok(None);
        };
        let references: Vec<Option<&str>> = inputs
            .iter()
            .enumerate()
            .map(|(i, input)| {
                errors
                    .check(
                        &format!("{field}[{i}].skill"),
                        check_line(input.skill.trim()),
                    )
                    .map(|()| input.skill.as_str())
            })
            .collect();
        let wanted: Vec<&str> = references.iter().flatten().copied().collect();
        let mut found = skills::resolve_many(&self.db, &wanted).await?.into_iter();
        let mut claims = Vec::with_capacity(inputs.len());
        for (i, (input, reference)) in inputs.iter().zip(&references).enumerate() {
            let level = errors.check(&format!("{field}[{i}].level"), SkillLevel::new(input.level));
            if reference.is_none() {
                continue;
            }
            match found.next().flatten() {
                None => errors.add(
                    format!("{field}[{i}].skill"),
                    format!(
                        "no skill called \"{}\" in the catalogue",
                        input.skill.trim()
                    ),
                ),
                Some(skill) if skill.retired && !current.contains(&skill.id) => errors.add(
                    format!("{field}[{i}].skill"),
                    format!("{} has been retired from the catalogue", skill.name),
                ),
                Some(skill) => {
                    if let Some(level) = level {
                        claims.push(SkillClaim {
                            skill: skill.id,
                            level,
                        });
                    }
                }
            }
        }
        Ok(Some(claims))
    }
}
