//! The people directory: search and filter people, paginated.

use std::sync::Arc;

use chrono::Utc;
use lodestar_domain::language::parse_language;
use lodestar_domain::profile::standard_offset_minutes;
use lodestar_domain::text::one_line;
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
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// `mentor` or `mentee`.
    #[param(value_type = Option<DirectoryRoleParam>, inline)]
    pub role: Option<String>,
    /// A skill's slug, id or name. With `role=mentor`, people who mentor on it; with
    /// `role=mentee`, people who want to grow it; otherwise either.
    #[param(max_length = 100)]
    pub skill: Option<String>,
    /// The lowest skill level (1–5) to match; needs `skill`.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 5)]
    pub min_level: Option<String>,
    #[param(max_length = 100)]
    pub industry: Option<String>,
    /// ISO 639-1 code or English name.
    #[param(max_length = 40)]
    pub language: Option<String>,
    /// An IANA time zone; with `tz_hours`, people whose standard time is at most that many
    /// hours away.
    #[param(max_length = 64)]
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

impl DirectoryQuery {
    /// Every filter with its name and the longest value it takes, in characters: enough for
    /// any real value (a skill's name is at most 80 characters, an industry 100, a time
    /// zone's name 32), and short enough that no query string makes the server compare,
    /// hash or cache long text.
    fn limited(&self) -> [(&'static str, &Option<String>, usize); 11] {
        [
            ("q", &self.q, 200),
            ("role", &self.role, 20),
            ("skill", &self.skill, 100),
            ("min_level", &self.min_level, 20),
            ("industry", &self.industry, 100),
            ("language", &self.language, 40),
            ("tz", &self.tz, 64),
            ("tz_hours", &self.tz_hours, 20),
            ("min_availability", &self.min_availability, 20),
            ("page", &self.page, 20),
            ("per_page", &self.per_page, 20),
        ]
    }

    /// Checks that every filter is one line of bounded length, before anything is looked
    /// up: the other checks (and the database) then only see short, printable text.
    fn check_text(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        for (field, value, max) in self.limited() {
            if let Some(raw) = value {
                errors.check(field, one_line(raw, max));
            }
        }
        errors.into_result()
    }

    /// Bytes of text held, for the cache's weight.
    fn text_bytes(&self) -> usize {
        self.limited()
            .iter()
            .map(|(_, value, _)| value.as_ref().map_or(0, String::len))
            .sum()
    }
}

impl App {
    /// A filter's `skill` (a slug, id or name) as a catalogue skill; none when blank, and an
    /// error on `skill` when the catalogue has no such skill.
    pub(crate) async fn skill_filter(
        &self,
        value: &Option<String>,
        errors: &mut FieldErrors,
    ) -> Result<Option<lodestar_domain::SkillId>, AppError> {
        let Some(reference) = given(value) else {
            return Ok(None);
        };
        Ok(match skills::resolve(&self.db, reference).await? {
            Some(skill) => Some(skill.id),
            None => {
                errors.add(
                    "skill",
                    format!("no skill called {reference:?} in the catalogue"),
                );
                None
            }
        })
    }
}

/// A filter's `true` or `false`; none when blank, and an error on `field` otherwise.
pub(crate) fn flag(errors: &mut FieldErrors, field: &str, value: &Option<String>) -> Option<bool> {
    match given(value)? {
        "true" => Some(true),
        "false" => Some(false),
        _ => {
            errors.add(field, "must be true or false");
            None
        }
    }
}

pub(crate) fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub(crate) fn number(
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
/// same directory, so one entry serves everyone. Bounded by the bytes held, keys included.
pub struct DirectoryCache(Cache<DirectoryQuery, (i64, Arc<DirectoryPage>), PageWeight>);

/// The most bytes of pages and their queries the cache holds.
const CACHE_BYTES: u64 = 4 << 20;

/// An entry's weight is an estimate of the bytes it holds: the query that keys it (a page
/// with no one on it must still count, or many long queries with no results would fill
/// memory at a weight of almost nothing) and the page's text.
#[derive(Clone)]
pub struct PageWeight;

impl Weighter<DirectoryQuery, (i64, Arc<DirectoryPage>)> for PageWeight {
    fn weight(&self, query: &DirectoryQuery, (_, page): &(i64, Arc<DirectoryPage>)) -> u64 {
        let key = size_of::<DirectoryQuery>() + query.text_bytes();
        (key + page.approximate_bytes()) as u64
    }
}

impl DirectoryPage {
    fn approximate_bytes(&self) -> usize {
        let skill = |s: &ProfileSkillView| {
            size_of::<ProfileSkillView>() + s.slug.len() + s.name.len() + s.kind.len()
        };
        let person = |p: &DirectoryPerson| {
            size_of::<DirectoryPerson>()
                + p.name.len()
                + p.headline.len()
                + p.role_title.len()
                + p.industry.len()
                + p.time_zone.as_ref().map_or(0, String::len)
                + p.languages.len() * (size_of::<LanguageView>() + 16)
                + p.mentor_skills
                    .iter()
                    .chain(&p.growth_skills)
                    .map(skill)
                    .sum::<usize>()
        };
        size_of::<Self>() + self.people.iter().map(person).sum::<usize>()
    }
}

impl Default for DirectoryCache {
    fn default() -> Self {
        Self(Cache::with_weighter(1_000, CACHE_BYTES, PageWeight))
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
        query.check_text()?;
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
        let skill = self.skill_filter(&query.skill, &mut errors).await?;
        let min_level = number(&mut errors, "min_level", &query.min_level, 1..=5);
        if min_level.is_some() && given(&query.skill).is_none() {
            errors.add("min_level", "choose a skill to filter by level");
        }
        let language = given(&query.language).and_then(|raw| {
            let code = parse_language(raw);
            if code.is_none() {
                errors.add("language", format!("{raw:?} is not a language we know"));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_page() -> Arc<DirectoryPage> {
        Arc::new(DirectoryPage {
            total: 0,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            pages: 0,
            people: Vec::new(),
            json: std::sync::OnceLock::new(),
        })
    }

    #[test]
    fn long_queries_with_no_results_cannot_fill_the_cache() {
        let cache = DirectoryCache::default();
        let key_bytes = 8 * 1024;
        for i in 0..2_000 {
            let query = DirectoryQuery {
                q: Some(format!("{i:05}{}", "x".repeat(key_bytes - 5))),
                ..Default::default()
            };
            cache.0.insert(query, (1, empty_page()));
        }
        let held: usize = cache.0.iter().map(|(query, _)| query.text_bytes()).sum();
        assert!(
            held as u64 <= CACHE_BYTES,
            "the cache holds {held} bytes of queries"
        );
    }

    #[test]
    fn filters_are_bounded_and_one_line() {
        let query = DirectoryQuery {
            q: Some("a".repeat(201)),
            industry: Some("Fin\0tech".into()),
            skill: Some("rust\u{202e}".into()),
            ..Default::default()
        };
        let errors = query.check_text().expect_err("invalid");
        assert_eq!(errors.get("q"), Some("must be at most 200 characters"));
        assert_eq!(
            errors.get("industry"),
            Some("must not contain control characters")
        );
        assert!(errors.get("skill").is_some());
        assert!(
            DirectoryQuery {
                q: Some("  platform   engineer ".into()),
                tz: Some("America/Argentina/ComodRivadavia".into()),
                ..Default::default()
            }
            .check_text()
            .is_ok()
        );
    }
}
