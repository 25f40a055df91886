//! Skills: levels 1–5, the technical/soft distinction, and catalogue slugs.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// How well a person knows a skill, from 1 (aware) to 5 (expert who shapes others' practice).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct SkillLevel(u8);

#[derive(Debug, Error, PartialEq, Eq)]
#[error("must be a level from 1 to 5")]
pub struct SkillLevelError;

impl SkillLevel {
    pub const MIN: SkillLevel = SkillLevel(1);
    pub const MAX: SkillLevel = SkillLevel(5);

    pub fn new(level: i64) -> Result<Self, SkillLevelError> {
        match u8::try_from(level) {
            Ok(l @ 1..=5) => Ok(Self(l)),
            _ => Err(SkillLevelError),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// The common name of the level, for people who do not read numbers as levels.
    pub fn label(self) -> &'static str {
        match self.0 {
            1 => "Beginner",
            2 => "Developing",
            3 => "Proficient",
            4 => "Advanced",
            _ => "Expert",
        }
    }
}

impl TryFrom<i64> for SkillLevel {
    type Error = SkillLevelError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<SkillLevel> for i64 {
    fn from(level: SkillLevel) -> i64 {
        i64::from(level.0)
    }
}

impl fmt::Display for SkillLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Technical skills (Kubernetes, financial modelling) and soft skills (communication,
/// leadership) are both first-class; soft skills carry behaviour-anchored level descriptions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillKind {
    Technical,
    Soft,
}

impl SkillKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Technical => "technical",
            Self::Soft => "soft",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, SkillKindError> {
        match raw.trim() {
            "technical" => Ok(Self::Technical),
            "soft" => Ok(Self::Soft),
            _ => Err(SkillKindError),
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("must be \"technical\" or \"soft\"")]
pub struct SkillKindError;

/// A URL-safe catalogue key such as `public-speaking`: lower-case letters, digits and
/// single hyphens, 1–60 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Slug(String);

#[derive(Debug, Error, PartialEq, Eq)]
#[error("must be 1–60 lower-case letters, digits or single hyphens")]
pub struct SlugError;

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        let ok = !raw.is_empty()
            && raw.len() <= 60
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--")
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(SlugError)
        }
    }

    /// Derives a slug from a display name: "C# / .NET" becomes "c-net".
    pub fn from_name(name: &str) -> Result<Self, SlugError> {
        let mut slug = String::new();
        for c in name.to_lowercase().chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug: String = slug.trim_end_matches('-').chars().take(60).collect();
        Self::parse(slug.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn levels_outside_one_to_five_are_rejected() {
        assert!(SkillLevel::new(0).is_err());
        assert!(SkillLevel::new(6).is_err());
        assert_eq!(SkillLevel::new(4).map(SkillLevel::get), Ok(4));
    }

    #[test]
    fn slugs_derive_from_names() {
        assert_eq!(
            Slug::from_name("C# / .NET").map(|s| s.0),
            Ok("c-net".into())
        );
        assert_eq!(
            Slug::from_name("Public Speaking").map(|s| s.0),
            Ok("public-speaking".into())
        );
        assert!(Slug::from_name("!!!").is_err());
    }

    proptest! {
        #[test]
        fn a_derived_slug_always_parses(name in "\\PC{0,80}") {
            if let Ok(slug) = Slug::from_name(&name) {
                prop_assert!(Slug::parse(slug.as_str()).is_ok());
            }
        }

        #[test]
        fn level_roundtrips_through_i64(level in 1i64..=5) {
            let parsed = SkillLevel::new(level).expect("in range");
            prop_assert_eq!(i64::from(parsed), level);
        }
    }
}
