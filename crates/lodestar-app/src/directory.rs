//! The people directory: search and filter people, paginated.

use std::sync::Arc;

use chrono::Utc;
use lodestar_domain::language::parse_language;
use lodestar_domain::profile::standard_offset_minutes;
use lodestar_domain::{FieldErrors, PersonId};
use lodestar_store::profiles::{self, DirectoryEntry, DirectoryFilter, DirectoryRole, Relation};
use lodestar_store::{generations, skills};
use quick_cache::{Weighter, sync::Cache};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::people::{LanguageView, ProfileSkillView, language_view, skill_view};
use crate::{App, AppError, Viewer};

pub const DEFAULT_PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;

/// Directory filters, as they arrive in a query string. Empty values mean "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// Free text: every word must start a word in the name, headline, role, industry,
    /// organisation, department or location.
    pub q: Option<String>,
    /// `mentor` or `mentee`.
    #[param(value_type = Option<DirectoryRoleParam>, inline)]
    pub role: Option<String>,
    /// A skill's slug, id or name. With `role=mentor`, people who mentor on it; with
    /// `role=mentee`, people who want to grow it; otherwise either.
    pub skill: Option<String>,
    /// The lowest skill level (1–5) to match; needs `skill`.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 5)]
    pub min_level: Option<String>,
    pub industry: Option<String>,
    /// ISO 639-1 code or English name.
    pub language: Option<String>,
    /// An IANA time zone; with `tz_hours`, people whose standard time is at most that many
    /// hours away.
    pub tz: Option<String>,
    /// 0–12, default 3.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 12)]
    pub tz_hours: Option<String>,
    /// Lowest monthly availability in hours, 0–160.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 160)]
    pub min_availability: Option<String>,
    /// From 1.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000000)]
    pub page: Option<String>,
    /// 1–100, default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub per_page: Option<String>,
}

/// The values of the directory's `role` filter, for the API document.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum DirectoryRoleParam {
    Mentor,
    Mentee,
}

impl DirectoryQuery {
    /// The same query with blank values dropped and the rest trimmed: two queries that
    /// mean the same search compare equal.
    fn normalised(&self) -> Self {
        let norm = |value: &Option<String>| given(value).map(str::to_owned);
        Self {
            q: norm(&self.q),
            role: norm(&self.role),
            skill: norm(&self.skill),
            min_level: norm(&self.min_level),
            industry: norm(&self.industry),
            language: norm(&self.language),
            tz: norm(&self.tz),
            tz_hours: norm(&self.tz_hours),
            min_availability: norm(&self.min_availability),
            page: norm(&self.page),
            per_page: norm(&self.per_page),
        }
    }
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn number(
    errors: &mut FieldErrors,
    field: &str,
    value: &Option<String>,
    range: std::ops::RangeInclusive<i64>,
) -> Option<i64> {
    let raw = given(value)?;
    match raw.parse::<i64>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            errors.add(
                field,
                format!(
                    "must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            );
            None
        }
    }
}

/// One person in the directory.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DirectoryPerson {
    #[schema(value_type = String, format = Uuid)]
    pub id: PersonId,
    pub name: String,
    pub headline: String,
    pub role_title: String,
    pub industry: String,
    pub is_mentor: bool,
    pub wants_mentor: bool,
    pub mentor_capacity: i64,
    pub availability_hours: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    pub languages: Vec<LanguageView>,
    /// The person's level in the searched skill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_level: Option<i64>,
    pub mentor_skills: Vec<ProfileSkillView>,
    pub growth_skills: Vec<ProfileSkillView>,
}

impl From<&DirectoryEntry> for DirectoryPerson {
    fn from(e: &DirectoryEntry) -> Self {
        let skills = |relation: Relation| {
            e.skills
                .iter()
                .filter(|s| s.relation == relation)
                .map(skill_view)
                .collect()
        };
        Self {
            id: e.id,
            name: e.name.clone(),
            headline: e.headline.clone(),
            role_title: e.role_title.clone(),
            industry: e.industry.clone(),
            is_mentor: e.is_mentor,
            wants_mentor: e.wants_mentor,
            mentor_capacity: e.mentor_capacity,
            availability_hours: e.availability_hours,
            time_zone: e.time_zone.clone(),
            languages: e.languages.iter().map(|c| language_view(c)).collect(),
            matched_level: e.matched_level,
            mentor_skills: skills(Relation::Mentors),
            growth_skills: skills(Relation::Grows),
        }
    }
}

/// A page of directory results.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DirectoryPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub pages: i64,
    pub people: Vec<DirectoryPerson>,
    /// The page as JSON, made once: a cached page is served many times.
    #[serde(skip)]
    #[schema(ignore)]
    json: std::sync::OnceLock<Vec<u8>>,
}

impl DirectoryPage {
    /// The page serialised as JSON (the API's answer), made on first use and kept.
    pub fn to_json(&self) -> &[u8] {
        self.json
            .get_or_init(|| serde_json::to_vec(self).unwrap_or_default())
    }
}

/// Directory pages recently served, by normalised query, each with the directory
/// generation it was computed at (see `lodestar_store::generations`). Every person sees the
/// same directory, so one entry serves everyone. Bounded by the number of people held.
pub struct DirectoryCache(Cache<DirectoryQuery, (i64, Arc<DirectoryPage>), PeopleWeight>);

/// About 4 MB of pages: a card with its skills is a few hundred bytes.
const CACHED_PEOPLE: u64 = 10_000;

#[derive(Clone)]
pub struct PeopleWeight;

impl Weighter<DirectoryQuery, (i64, Arc<DirectoryPage>)> for PeopleWeight {
    fn weight(&self, _: &DirectoryQuery, (_, page): &(i64, Arc<DirectoryPage>)) -> u64 {
        page.people.len() as u64 + 1
    }
}

impl Default for DirectoryCache {
    fn default() -> Self {
        Self(Cache::with_weighter(1_000, CACHED_PEOPLE, PeopleWeight))
    }
}

impl std::fmt::Debug for DirectoryCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectoryCache")
            .field("pages", &self.0.len())
            .finish()
    }
}

impl App {
    /// Searches the people directory. Only listed people appear; hidden time zones are
    /// never matched by the time-zone filter.
    ///
    /// A repeated search is answered from the cache while the directory's generation is
    /// unchanged. The generation is read before searching, so a page is never stored under
    /// a generation newer than the data it was computed from.
    pub async fn directory(
        &self,
        _viewer: &Viewer,
        query: &DirectoryQuery,
    ) -> Result<Arc<DirectoryPage>, AppError> {
        let query = query.normalised();
        let generation = generations::directory(&self.db).await?;
        if let Some((cached_at, page)) = self.directory_cache.0.get(&query)
            && cached_at == generation
        {
            return Ok(page);
        }
        let page = Arc::new(self.search_directory(&query).await?);
        self.directory_cache
            .0
            .insert(query, (generation, Arc::clone(&page)));
        Ok(page)
    }

    async fn search_directory(&self, query: &DirectoryQuery) -> Result<DirectoryPage, AppError> {
        let mut errors = FieldErrors::new();
        let role = match given(&query.role) {
            None => None,
            Some("mentor" | "mentors") => Some(DirectoryRole::Mentor),
            Some("mentee" | "mentees") => Some(DirectoryRole::Mentee),
            Some(_) => {
                errors.add("role", "must be \"mentor\" or \"mentee\"");
                None
            }
        };
        let skill = match given(&query.skill) {
            Some(reference) => match skills::resolve(&self.db, reference).await? {
                Some(skill) => Some(skill.id),
                None => {
                    errors.add(
                        "skill",
                        format!("no skill called \"{reference}\" in the catalogue"),
                    );
                    None
                }
            },
            None => None,
        };
        let min_level = number(&mut errors, "min_level", &query.min_level, 1..=5);
        if min_level.is_some() && given(&query.skill).is_none() {
            errors.add("min_level", "choose a skill to filter by level");
        }
        let language = given(&query.language).and_then(|raw| {
            let code = parse_language(raw);
            if code.is_none() {
                errors.add("language", format!("\"{raw}\" is not a language we know"));
            }
            code
        });
        let tz_hours = number(&mut errors, "tz_hours", &query.tz_hours, 0..=12);
        let offset_window =
            given(&query.tz).and_then(|tz| match standard_offset_minutes(tz, Utc::now()) {
                Some(center) => Some((center, tz_hours.unwrap_or(3) * 60)),
                None => {
                    errors.add("tz", "must be an IANA time zone such as Europe/London");
                    None
                }
            });
        if tz_hours.is_some() && given(&query.tz).is_none() {
            errors.add("tz_hours", "choose a time zone to measure from");
        }
        let min_availability = number(
            &mut errors,
            "min_availability",
            &query.min_availability,
            0..=160,
        );
        let page = number(&mut errors, "page", &query.page, 1..=1_000_000).unwrap_or(1);
        let per_page = number(&mut errors, "per_page", &query.per_page, 1..=MAX_PER_PAGE)
            .unwrap_or(DEFAULT_PER_PAGE);
        let words: Vec<String> = given(&query.q)
            .map(|q| {
                q.to_lowercase()
                    .split_whitespace()
                    .take(8)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        errors.into_result()?;

        let filter = DirectoryFilter {
            words,
            role,
            skill,
            min_level,
            industry: given(&query.industry).map(str::to_owned),
            language: language.map(str::to_owned),
            offset_window,
            min_availability,
            limit: per_page,
            offset: (page - 1) * per_page,
        };
        let found = profiles::search(&self.db, &filter).await?;
        Ok(DirectoryPage {
            total: found.total,
            page,
            per_page,
            pages: (found.total + per_page - 1) / per_page,
            people: found.entries.iter().map(DirectoryPerson::from).collect(),
            json: std::sync::OnceLock::new(),
        })
    }

    /// Industries people list, for filter menus.
    pub async fn industries(&self) -> Result<Vec<String>, AppError> {
        Ok(profiles::industries(&self.db).await?)
    }
}
