//! Profiles: what a person tells others about themselves and what they want from mentoring,
//! and the rules a profile keeps whatever way it is edited.

use std::str::FromStr;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::{OffsetComponents, Tz};
use serde::{Deserialize, Serialize};

use crate::SkillId;
use crate::language::parse_language;
use crate::skill::SkillLevel;
use crate::text::{multi_line, one_line};
use crate::validation::FieldErrors;

/// What a person wants from mentoring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FocusArea {
    CareerDevelopment,
    Networking,
    Confidence,
    SkillDevelopment,
    CareerPath,
    NewOpportunities,
    SoftSkills,
}

impl FocusArea {
    pub const ALL: [FocusArea; 7] = [
        Self::CareerDevelopment,
        Self::Networking,
        Self::Confidence,
        Self::SkillDevelopment,
        Self::CareerPath,
        Self::NewOpportunities,
        Self::SoftSkills,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CareerDevelopment => "career_development",
            Self::Networking => "networking",
            Self::Confidence => "confidence",
            Self::SkillDevelopment => "skill_development",
            Self::CareerPath => "career_path",
            Self::NewOpportunities => "new_opportunities",
            Self::SoftSkills => "soft_skills",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::CareerDevelopment => "Career development",
            Self::Networking => "Networking",
            Self::Confidence => "Confidence",
            Self::SkillDevelopment => "Skill development",
            Self::CareerPath => "Career path planning",
            Self::NewOpportunities => "New opportunities",
            Self::SoftSkills => "Soft skills",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == raw.trim())
    }
}

/// Profile fields a person may hide from everyone else. Name, headline, role title,
/// industry, mentoring roles and skills are always visible: they are what the directory is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileField {
    Email,
    Bio,
    Organisation,
    Department,
    Location,
    TimeZone,
    YearsExperience,
}

impl ProfileField {
    pub const ALL: [ProfileField; 7] = [
        Self::Email,
        Self::Bio,
        Self::Organisation,
        Self::Department,
        Self::Location,
        Self::TimeZone,
        Self::YearsExperience,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Bio => "bio",
            Self::Organisation => "organisation",
            Self::Department => "department",
            Self::Location => "location",
            Self::TimeZone => "time_zone",
            Self::YearsExperience => "years_experience",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Email => "Email address",
            Self::Bio => "Bio",
            Self::Organisation => "Organisation",
            Self::Department => "Department",
            Self::Location => "Location",
            Self::TimeZone => "Time zone",
            Self::YearsExperience => "Years of experience",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == raw.trim())
    }
}

/// A skill a person mentors on or wants to grow, at a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillClaim {
    pub skill: SkillId,
    pub level: SkillLevel,
}

pub const MAX_SKILLS_PER_LIST: usize = 30;
pub const MAX_LANGUAGES: usize = 12;
pub const MAX_CAPACITY: i64 = 20;
pub const MAX_AVAILABILITY_HOURS: i64 = 160;
pub const MAX_YEARS_EXPERIENCE: i64 = 70;

/// A complete, valid profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileData {
    pub headline: String,
    pub bio: String,
    pub role_title: String,
    pub organisation: String,
    pub department: String,
    pub industry: String,
    pub years_experience: Option<i64>,
    pub location: String,
    pub time_zone: String,
    pub languages: Vec<String>,
    pub is_mentor: bool,
    pub wants_mentor: bool,
    pub mentor_capacity: i64,
    pub availability_hours: i64,
    pub mentor_skills: Vec<SkillClaim>,
    pub growth_skills: Vec<SkillClaim>,
    pub focus_areas: Vec<FocusArea>,
    pub hidden_fields: Vec<ProfileField>,
    pub listed: bool,
}

impl Default for ProfileData {
    /// A new account's profile: listed in the directory, email hidden, UTC.
    fn default() -> Self {
        Self {
            headline: String::new(),
            bio: String::new(),
            role_title: String::new(),
            organisation: String::new(),
            department: String::new(),
            industry: String::new(),
            years_experience: None,
            location: String::new(),
            time_zone: "UTC".into(),
            languages: vec!["en".into()],
            is_mentor: false,
            wants_mentor: false,
            mentor_capacity: 0,
            availability_hours: 0,
            mentor_skills: Vec::new(),
            growth_skills: Vec::new(),
            focus_areas: Vec::new(),
            hidden_fields: vec![ProfileField::Email],
            listed: true,
        }
    }
}

impl ProfileData {
    /// The department someone works in, as the department rule compares it: the
    /// organisation and the department, without case; `None` without a department.
    pub fn department_key(&self) -> Option<String> {
        let department = self.department.trim();
        (!department.is_empty()).then(|| {
            format!(
                "{}\u{1f}{}",
                self.organisation.trim().to_lowercase(),
                department.to_lowercase()
            )
        })
    }

    pub fn is_hidden(&self, field: ProfileField) -> bool {
        self.hidden_fields.contains(&field)
    }
}

/// A partial edit: each `Some` replaces that part of the profile. Text and language fields
/// arrive raw and are checked here; skill references are resolved to ids by the caller,
/// which reports unknown skills itself.
#[derive(Clone, Debug, Default)]
pub struct ProfileChanges {
    pub headline: Option<String>,
    pub bio: Option<String>,
    pub role_title: Option<String>,
    pub organisation: Option<String>,
    pub department: Option<String>,
    pub industry: Option<String>,
    pub years_experience: Option<Option<i64>>,
    pub location: Option<String>,
    pub time_zone: Option<String>,
    pub languages: Option<Vec<String>>,
    pub is_mentor: Option<bool>,
    pub wants_mentor: Option<bool>,
    pub mentor_capacity: Option<i64>,
    pub availability_hours: Option<i64>,
    pub mentor_skills: Option<Vec<SkillClaim>>,
    pub growth_skills: Option<Vec<SkillClaim>>,
    pub focus_areas: Option<Vec<FocusArea>>,
    pub hidden_fields: Option<Vec<ProfileField>>,
    pub listed: Option<bool>,
}

impl ProfileChanges {
    /// Applies the changes to `current`, returning the new profile or every problem found.
    pub fn apply_to(self, current: &ProfileData) -> Result<ProfileData, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut next = current.clone();

        // Every one-line field, then the bio, which may run to several paragraphs.
        let lines: [(&str, Option<String>, usize, &mut String); 6] = [
            ("headline", self.headline, 120, &mut next.headline),
            ("role_title", self.role_title, 100, &mut next.role_title),
            (
                "organisation",
                self.organisation,
                100,
                &mut next.organisation,
            ),
            ("department", self.department, 100, &mut next.department),
            ("industry", self.industry, 100, &mut next.industry),
            ("location", self.location, 100, &mut next.location),
        ];
        for (field, value, max, slot) in lines {
            if let Some(value) = value
                && let Some(text) = errors.check(field, one_line(&value, max))
            {
                *slot = text;
            }
        }
        if let Some(bio) = self.bio
            && let Some(text) = errors.check("bio", multi_line(&bio, 2000))
        {
            next.bio = text;
        }

        if let Some(years) = self.years_experience {
            match years {
                Some(y) if !(0..=MAX_YEARS_EXPERIENCE).contains(&y) => errors.add(
                    "years_experience",
                    format!("must be between 0 and {MAX_YEARS_EXPERIENCE}"),
                ),
                _ => next.years_experience = years,
            }
        }

        if let Some(tz) = self.time_zone {
            let tz = tz.trim();
            match Tz::from_str(tz) {
                Ok(zone) => next.time_zone = zone.name().to_owned(),
                Err(_) => errors.add(
                    "time_zone",
                    "must be an IANA time zone such as Europe/London",
                ),
            }
        }

        if let Some(languages) = self.languages {
            let mut codes: Vec<String> = Vec::new();
            for (i, raw) in languages.iter().enumerate() {
                if raw.trim().is_empty() {
                    continue;
                }
                match parse_language(raw) {
                    Some(code) if !codes.iter().any(|c| c == code) => codes.push(code.into()),
                    Some(_) => {}
                    None => errors.add(
                        format!("languages[{i}]"),
                        // Quoted with escapes, so a control character in it is shown, not sent.
                        format!(
                            "{:?} is not a language we know; use a code such as en or pt",
                            raw.trim()
                        ),
                    ),
                }
            }
            if codes.len() > MAX_LANGUAGES {
                errors.add(
                    "languages",
                    format!("list at most {MAX_LANGUAGES} languages"),
                );
            }
            next.languages = codes;
        }

        if let Some(v) = self.is_mentor {
            next.is_mentor = v;
        }
        if let Some(v) = self.wants_mentor {
            next.wants_mentor = v;
        }
        if let Some(capacity) = self.mentor_capacity {
            if (0..=MAX_CAPACITY).contains(&capacity) {
                next.mentor_capacity = capacity;
            } else {
                errors.add(
                    "mentor_capacity",
                    format!("must be between 0 and {MAX_CAPACITY} mentees"),
                );
            }
        }
        if let Some(hours) = self.availability_hours {
            if (0..=MAX_AVAILABILITY_HOURS).contains(&hours) {
                next.availability_hours = hours;
            } else {
                errors.add(
                    "availability_hours",
                    format!("must be between 0 and {MAX_AVAILABILITY_HOURS} hours a month"),
                );
            }
        }

        for (field, claims, slot) in [
            ("mentor_skills", self.mentor_skills, &mut next.mentor_skills),
            ("growth_skills", self.growth_skills, &mut next.growth_skills),
        ] {
            if let Some(claims) = claims {
                check_claims(field, &claims, &mut errors);
                *slot = claims;
            }
        }

        if let Some(mut areas) = self.focus_areas {
            areas.sort();
            areas.dedup();
            next.focus_areas = areas;
        }
        if let Some(mut hidden) = self.hidden_fields {
            hidden.sort();
            hidden.dedup();
            next.hidden_fields = hidden;
        }
        if let Some(v) = self.listed {
            next.listed = v;
        }

        // Rules across fields, reported on the field a person would change.
        if next.is_mentor && next.mentor_capacity < 1 && errors.get("mentor_capacity").is_none() {
            errors.add(
                "mentor_capacity",
                "a mentor takes at least 1 mentee; set your capacity",
            );
        }
        if next.is_mentor && next.mentor_skills.is_empty() && errors.get("mentor_skills").is_none()
        {
            errors.add("mentor_skills", "add at least one skill you can mentor on");
        }
        if next.languages.is_empty() && errors.get("languages").is_none() {
            errors.add("languages", "list at least one language you speak");
        }

        errors.into_result().map(|()| next)
    }
}

fn check_claims(field: &str, claims: &[SkillClaim], errors: &mut FieldErrors) {
    if claims.len() > MAX_SKILLS_PER_LIST {
        errors.add(field, format!("list at most {MAX_SKILLS_PER_LIST} skills"));
    }
    for (i, claim) in claims.iter().enumerate() {
        if claims[..i].iter().any(|c| c.skill == claim.skill) {
            errors.add(format!("{field}[{i}].skill"), "this skill is listed twice");
        }
    }
}

/// The time zone's standard offset from UTC in minutes (daylight saving left out, so that
/// two people's offsets compare the same way all year).
pub fn standard_offset_minutes(time_zone: &str, now: DateTime<Utc>) -> Option<i64> {
    let tz = Tz::from_str(time_zone).ok()?;
    let offset = tz.offset_from_utc_datetime(&now.naive_utc());
    let base = offset.base_utc_offset();
    Some(base.num_minutes())
}

/// Every IANA time zone name, for pickers.
pub fn time_zone_names() -> Vec<&'static str> {
    chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(level: i64) -> SkillClaim {
        SkillClaim {
            skill: SkillId::new(),
            level: SkillLevel::new(level).expect("valid"),
        }
    }

    #[test]
    fn a_valid_edit_is_applied_and_trimmed() {
        let changes = ProfileChanges {
            headline: Some("  Platform engineer  ".into()),
            time_zone: Some("Europe/Lisbon".into()),
            languages: Some(vec!["Portuguese".into(), "en".into(), "pt".into()]),
            ..Default::default()
        };
        let next = changes.apply_to(&ProfileData::default()).expect("valid");
        assert_eq!(next.headline, "Platform engineer");
        assert_eq!(next.time_zone, "Europe/Lisbon");
        assert_eq!(next.languages, vec!["pt".to_string(), "en".to_string()]);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let changes = ProfileChanges {
            headline: Some("x".repeat(121)),
            time_zone: Some("Mars/Olympus".into()),
            years_experience: Some(Some(-1)),
            mentor_capacity: Some(99),
            languages: Some(vec!["klingon".into()]),
            ..Default::default()
        };
        let errors = changes
            .apply_to(&ProfileData::default())
            .expect_err("invalid");
        for field in [
            "headline",
            "time_zone",
            "years_experience",
            "mentor_capacity",
            "languages[0]",
        ] {
            assert!(
                errors.get(field).is_some(),
                "missing error for {field}: {errors:?}"
            );
        }
    }

    #[test]
    fn one_line_fields_refuse_control_characters_and_the_bio_keeps_its_paragraphs() {
        let nul = || Some("Platform\0engineer".to_owned());
        let changes = ProfileChanges {
            headline: nul(),
            role_title: Some("Lead\nengineer".into()),
            organisation: nul(),
            department: Some("Ops\u{202e}".into()),
            industry: nul(),
            location: nul(),
            bio: Some("Hello\0".into()),
            ..Default::default()
        };
        let errors = changes
            .apply_to(&ProfileData::default())
            .expect_err("invalid");
        for field in ["headline", "organisation", "industry", "location", "bio"] {
            assert_eq!(
                errors.get(field),
                Some("must not contain control characters"),
                "{field}"
            );
        }
        assert_eq!(errors.get("role_title"), Some("must be a single line"));
        assert!(
            errors
                .get("department")
                .is_some_and(|m| m.contains("bidirectional"))
        );

        let changes = ProfileChanges {
            bio: Some("First paragraph.\r\n\r\n\tSecond.".into()),
            ..Default::default()
        };
        let next = changes.apply_to(&ProfileData::default()).expect("valid");
        assert_eq!(next.bio, "First paragraph.\n\n\tSecond.");
    }

    #[test]
    fn a_mentor_needs_capacity_and_a_skill() {
        let changes = ProfileChanges {
            is_mentor: Some(true),
            ..Default::default()
        };
        let errors = changes
            .apply_to(&ProfileData::default())
            .expect_err("invalid");
        assert!(errors.get("mentor_capacity").is_some());
        assert!(errors.get("mentor_skills").is_some());

        let changes = ProfileChanges {
            is_mentor: Some(true),
            mentor_capacity: Some(2),
            mentor_skills: Some(vec![claim(4)]),
            ..Default::default()
        };
        assert!(changes.apply_to(&ProfileData::default()).is_ok());
    }

    #[test]
    fn a_skill_listed_twice_is_an_error_on_the_second_entry() {
        let one = claim(3);
        let changes = ProfileChanges {
            growth_skills: Some(vec![one, one]),
            ..Default::default()
        };
        let errors = changes
            .apply_to(&ProfileData::default())
            .expect_err("invalid");
        assert!(errors.get("growth_skills[1].skill").is_some());
    }

    #[test]
    fn standard_offsets_ignore_daylight_saving() {
        let summer = DateTime::parse_from_rfc3339("2026-07-01T12:00:00Z")
            .expect("date")
            .to_utc();
        let winter = DateTime::parse_from_rfc3339("2026-01-01T12:00:00Z")
            .expect("date")
            .to_utc();
        assert_eq!(standard_offset_minutes("Europe/Berlin", summer), Some(60));
        assert_eq!(standard_offset_minutes("Europe/Berlin", winter), Some(60));
        assert_eq!(standard_offset_minutes("Asia/Kolkata", winter), Some(330));
        assert_eq!(standard_offset_minutes("Nowhere/Land", winter), None);
    }
}
