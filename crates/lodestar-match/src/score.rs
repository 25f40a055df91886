//! Pair scores: how well a mentor fits a mentee, as a weighted sum of factors in [0, 1],
//! each of which can say why in words; and the hard rules that rule a pair out.
//!
//! Scoring is the inner loop of candidate generation, so [`score`] works on plain numbers
//! (skills and industries are interned ids, languages a bit set) and allocates nothing;
//! [`explain`] recomputes the same factors with their reasons for the few pairs a person
//! looks at.

use serde::{Deserialize, Serialize};

/// A skill as an interned id with a level 1–5.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SkillLevel {
    pub skill: u32,
    pub level: u8,
}

/// What scoring needs to know about one person, as a mentee or as a mentor.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    /// Skills the person mentors on, sorted by skill id.
    pub mentor_skills: Vec<SkillLevel>,
    /// Skills the person wants to grow, most wanted first, at their current level.
    pub growth_skills: Vec<SkillLevel>,
    /// Focus areas as a bit set: what a mentee wants, or what a mentor offers.
    pub focus_areas: u8,
    pub industry: Option<u32>,
    /// Organisation and department together, for the "not in the same department" rule.
    pub department: Option<u32>,
    pub years_experience: Option<u8>,
    /// Standard offset from UTC of the person's time zone.
    pub utc_offset_minutes: i32,
    /// Languages spoken, as a bit set of language indices.
    pub languages: u128,
    /// Hours a month the person can give to mentoring (0: not given).
    pub availability_hours: u16,
    /// Answers to a programme's own questions, one id per question (0: not answered).
    pub answers: Vec<u32>,
}

/// The factors of a score, in the order of [`Weights`] and [`Score::parts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    Skills,
    Focus,
    Industry,
    Seniority,
    TimeZone,
    Availability,
    Programme,
}

impl Factor {
    pub const ALL: [Factor; 7] = [
        Factor::Skills,
        Factor::Focus,
        Factor::Industry,
        Factor::Seniority,
        Factor::TimeZone,
        Factor::Availability,
        Factor::Programme,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Factor::Skills => "Skills",
            Factor::Focus => "Focus areas",
            Factor::Industry => "Industry",
            Factor::Seniority => "Experience",
            Factor::TimeZone => "Working hours",
            Factor::Availability => "Availability",
            Factor::Programme => "Programme answers",
        }
    }
}

/// How much each factor counts. Only the proportions matter: scores are divided by the sum,
/// so that a score stays in [0, 1].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    pub skills: f64,
    pub focus: f64,
    pub industry: f64,
    pub seniority: f64,
    pub time_zone: f64,
    pub availability: f64,
    /// Programme-specific questions; off until a programme asks some.
    pub programme: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            skills: 0.40,
            focus: 0.15,
            industry: 0.10,
            seniority: 0.15,
            time_zone: 0.10,
            availability: 0.10,
            programme: 0.0,
        }
    }
}

/// Why a set of weights cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeightsError {
    #[error("{0}: a weight must be a finite number of at least 0")]
    Invalid(&'static str),
    #[error("at least one weight must be above 0")]
    AllZero,
    #[error(
        "{0:?} is not a factor: weights are given as factor=number, the factors being skills, \
         focus, industry, seniority, time_zone, availability and programme"
    )]
    UnknownFactor(String),
    #[error("{0}: {1:?} is not a number")]
    NotANumber(&'static str, String),
}

impl std::str::FromStr for Weights {
    type Err = WeightsError;

    /// Weights as `factor=number` pairs separated by commas, such as
    /// `skills=0.5,time_zone=0.2`; a factor not given keeps its default. Checked as
    /// [`Weights::normalised`] checks them.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut weights = Weights::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let name = name.trim();
            let index = Self::NAMES
                .iter()
                .position(|&known| known == name)
                .ok_or_else(|| WeightsError::UnknownFactor(name.to_owned()))?;
            let value: f64 = value.trim().parse().map_err(|_| {
                WeightsError::NotANumber(Self::NAMES[index], value.trim().to_owned())
            })?;
            let mut all = weights.as_array();
            all[index] = value;
            weights = Self::from_array(all);
        }
        weights.normalised()?;
        Ok(weights)
    }
}

impl Weights {
    /// The factors' names, in [`Factor::ALL`] order.
    const NAMES: [&'static str; 7] = [
        "skills",
        "focus",
        "industry",
        "seniority",
        "time_zone",
        "availability",
        "programme",
    ];

    fn from_array(w: [f64; 7]) -> Self {
        Weights {
            skills: w[0],
            focus: w[1],
            industry: w[2],
            seniority: w[3],
            time_zone: w[4],
            availability: w[5],
            programme: w[6],
        }
    }

    fn as_array(&self) -> [f64; 7] {
        [
            self.skills,
            self.focus,
            self.industry,
            self.seniority,
            self.time_zone,
            self.availability,
            self.programme,
        ]
    }

    /// Each weight divided by their sum, checked.
    pub fn normalised(&self) -> Result<[f64; 7], WeightsError> {
        let raw = self.as_array();
        for (w, name) in raw.iter().zip(Self::NAMES) {
            if !w.is_finite() || *w < 0.0 {
                return Err(WeightsError::Invalid(name));
            }
        }
        let sum: f64 = raw.iter().sum();
        if sum <= 0.0 {
            return Err(WeightsError::AllZero);
        }
        Ok(raw.map(|w| w / sum))
    }
}

/// A pair's score: the total in [0, 1] and each factor's contribution to it (its value in
/// [0, 1] times its normalised weight), in [`Factor::ALL`] order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score {
    pub total: f64,
    pub parts: [f64; 7],
}

/// The hours of the working day (09:00–17:00 local) two people share, in minutes.
pub fn shared_working_minutes(a_offset: i32, b_offset: i32) -> i32 {
    const DAY: i32 = 24 * 60;
    let apart = (a_offset - b_offset).rem_euclid(DAY);
    let apart = apart.min(DAY - apart);
    (8 * 60 - apart).max(0)
}

/// How well a mentor at `mentor_level` fits a mentee at `mentee_level`: a mentor two or
/// more levels ahead is the best fit; level with the mentee, a weak one; behind, none.
pub fn level_fit(mentor_level: u8, mentee_level: u8) -> f64 {
    // Exactly 1.0, 0.6, 0.25 or 0.0: the division is correctly rounded.
    f64::from(level_fit_twentieths(mentor_level, mentee_level)) / 20.0
}

/// [`level_fit`] in twentieths, for sums in integer arithmetic.
pub(crate) fn level_fit_twentieths(mentor_level: u8, mentee_level: u8) -> u32 {
    match mentor_level as i32 - mentee_level as i32 {
        d if d >= 2 => 20,
        1 => 12,
        0 => 5,
        _ => 0,
    }
}

/// The mentor's level in `skill`, if they mentor on it.
pub(crate) fn mentors_at(mentor: &Profile, skill: u32) -> Option<u8> {
    mentor
        .mentor_skills
        .binary_search_by_key(&skill, |s| s.skill)
        .ok()
        .map(|k| mentor.mentor_skills[k].level)
}

/// Neutral value for a factor one side gave no information about: it neither helps nor
/// hurts any mentor against another.
pub(crate) const UNKNOWN: f64 = 0.5;

pub(crate) fn skills_value(mentee: &Profile, mentor: &Profile) -> f64 {
    if mentee.growth_skills.is_empty() {
        return UNKNOWN;
    }
    // Summed in the mentee's order from 0.0, as the cohort's skill index does.
    let sum = mentee.growth_skills.iter().fold(0.0, |sum, want| {
        sum + mentors_at(mentor, want.skill).map_or(0.0, |l| level_fit(l, want.level))
    });
    sum / mentee.growth_skills.len() as f64
}

/// Share of the mentee's focus areas the mentor offers.
pub(crate) fn focus_fit(mentee: u8, mentor: u8) -> f64 {
    if mentee == 0 || mentor == 0 {
        return UNKNOWN;
    }
    (mentee & mentor).count_ones() as f64 / mentee.count_ones() as f64
}

fn focus_value(mentee: &Profile, mentor: &Profile) -> f64 {
    focus_fit(mentee.focus_areas, mentor.focus_areas)
}

pub(crate) fn industry_fit(mentee: Option<u32>, mentor: Option<u32>) -> f64 {
    match (mentee, mentor) {
        (Some(a), Some(b)) => f64::from(u8::from(a == b)),
        _ => UNKNOWN,
    }
}

fn industry_value(mentee: &Profile, mentor: &Profile) -> f64 {
    industry_fit(mentee.industry, mentor.industry)
}

/// The mentor ahead by 3–15 years is ideal; less is less useful, and far more drifts down
/// (but never below 0.4: decades of experience still help).
pub(crate) fn seniority_fit(mentee: Option<u8>, mentor: Option<u8>) -> f64 {
    match (mentee, mentor) {
        (Some(e), Some(m)) => {
            let ahead = m as f64 - e as f64;
            if ahead <= 0.0 {
                0.0
            } else if ahead < 3.0 {
                ahead / 3.0
            } else if ahead <= 15.0 {
                1.0
            } else {
                (1.0 - (ahead - 15.0) / 25.0).max(0.4)
            }
        }
        _ => UNKNOWN,
    }
}

fn seniority_value(mentee: &Profile, mentor: &Profile) -> f64 {
    seniority_fit(mentee.years_experience, mentor.years_experience)
}

pub(crate) fn time_zone_fit(mentee_offset: i32, mentor_offset: i32) -> f64 {
    shared_working_minutes(mentee_offset, mentor_offset) as f64 / 480.0
}

fn time_zone_value(mentee: &Profile, mentor: &Profile) -> f64 {
    time_zone_fit(mentee.utc_offset_minutes, mentor.utc_offset_minutes)
}

/// Four hours a month (an hour a week) is enough; the mentee's own availability caps it
/// when given.
pub(crate) fn availability_fit(mentee_hours: u16, mentor_hours: u16) -> f64 {
    let hours = match mentee_hours {
        0 => mentor_hours,
        h => h.min(mentor_hours),
    };
    (hours as f64 / 4.0).min(1.0)
}

fn availability_value(mentee: &Profile, mentor: &Profile) -> f64 {
    availability_fit(mentee.availability_hours, mentor.availability_hours)
}

pub(crate) fn programme_value(mentee: &Profile, mentor: &Profile) -> f64 {
    let both: Vec<(u32, u32)> = mentee
        .answers
        .iter()
        .zip(&mentor.answers)
        .map(|(&a, &b)| (a, b))
        .filter(|&(a, b)| a != 0 && b != 0)
        .collect();
    if both.is_empty() {
        return UNKNOWN;
    }
    both.iter().filter(|(a, b)| a == b).count() as f64 / both.len() as f64
}

fn values(mentee: &Profile, mentor: &Profile, weights: &[f64; 7]) -> [f64; 7] {
    // A factor with no weight is not computed at all: scoring is the hot loop.
    let value = |k: usize, f: fn(&Profile, &Profile) -> f64| {
        if weights[k] == 0.0 {
            0.0
        } else {
            f(mentee, mentor)
        }
    };
    [
        value(0, skills_value),
        value(1, focus_value),
        value(2, industry_value),
        value(3, seniority_value),
        value(4, time_zone_value),
        value(5, availability_value),
        value(6, programme_value),
    ]
}

/// The score of `mentor` for `mentee` under normalised weights (see [`Weights::normalised`]).
pub fn score(mentee: &Profile, mentor: &Profile, weights: &[f64; 7]) -> Score {
    let values = values(mentee, mentor, weights);
    let mut parts = [0.0; 7];
    for k in 0..7 {
        parts[k] = values[k] * weights[k];
    }
    Score {
        total: total(&parts),
        parts,
    }
}

/// The parts summed in a fixed order, so that every path that scores a pair (this module
/// and the cohort's table-driven one) gives bit-for-bit the same total.
pub(crate) fn total(parts: &[f64; 7]) -> f64 {
    parts
        .iter()
        .fold(0.0, |sum, part| sum + part)
        .clamp(0.0, 1.0)
}

/// Why a pair may not be matched at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    SamePerson,
    NoSharedLanguage,
    NoFreeCapacity,
    Blocked,
    SameDepartment,
}

impl Exclusion {
    pub fn reason(self) -> &'static str {
        match self {
            Exclusion::SamePerson => "the same person",
            Exclusion::NoSharedLanguage => "no language in common",
            Exclusion::NoFreeCapacity => "the mentor has no free places",
            Exclusion::Blocked => "one of them has blocked the other",
            Exclusion::SameDepartment => "the programme keeps people of one department apart",
        }
    }
}

/// Rules a programme sets on top of the ones that always hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Never pair people of the same organisation and department.
    pub different_department: bool,
}

/// The hard rules for one pair, given what the caller knows about identity, capacity and
/// blocks. Checked in a fixed order; the first that applies is the answer.
pub fn exclusion(
    mentee: &Profile,
    mentor: &Profile,
    same_person: bool,
    mentor_free_places: u32,
    blocked: bool,
    rules: &Rules,
) -> Option<Exclusion> {
    if same_person {
        Some(Exclusion::SamePerson)
    } else if mentee.languages & mentor.languages == 0 {
        Some(Exclusion::NoSharedLanguage)
    } else if mentor_free_places == 0 {
        Some(Exclusion::NoFreeCapacity)
    } else if blocked {
        Some(Exclusion::Blocked)
    } else if rules.different_department
        && mentee.department.is_some()
        && mentee.department == mentor.department
    {
        Some(Exclusion::SameDepartment)
    } else {
        None
    }
}

/// Names for the words of an explanation.
pub trait Vocabulary {
    fn skill(&self, skill: u32) -> &str;
    fn industry(&self, industry: u32) -> &str;
    fn focus_area(&self, bit: u32) -> &str;
}

/// One factor of an explained score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FactorReason {
    pub factor: Factor,
    /// The factor's value in [0, 1].
    pub value: f64,
    /// What it adds to the total: value × normalised weight.
    pub contribution: f64,
    /// In words a person understands.
    pub reason: String,
}

/// A score with its reasons, factors in [`Factor::ALL`] order (those with no weight left out).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explained {
    pub score: f64,
    pub factors: Vec<FactorReason>,
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The score of `mentor` (called `mentor_name` in the words) for `mentee`, with reasons.
/// Its total equals [`score`]'s for the same inputs.
pub fn explain(
    mentee: &Profile,
    mentor: &Profile,
    mentor_name: &str,
    weights: &[f64; 7],
    words: &dyn Vocabulary,
) -> Explained {
    let scored = score(mentee, mentor, weights);
    let values = values(mentee, mentor, weights);
    let factors = Factor::ALL
        .iter()
        .enumerate()
        .filter(|&(k, _)| weights[k] > 0.0)
        .map(|(k, &factor)| FactorReason {
            factor,
            value: values[k],
            contribution: scored.parts[k],
            reason: reason(factor, mentee, mentor, mentor_name, words),
        })
        .collect();
    Explained {
        score: scored.total,
        factors,
    }
}

fn reason(
    factor: Factor,
    mentee: &Profile,
    mentor: &Profile,
    name: &str,
    words: &dyn Vocabulary,
) -> String {
    match factor {
        Factor::Skills => {
            if mentee.growth_skills.is_empty() {
                return "no skills to grow given".into();
            }
            let each: Vec<String> = mentee
                .growth_skills
                .iter()
                .map(|want| {
                    let skill = words.skill(want.skill);
                    match mentors_at(mentor, want.skill) {
                        Some(level) => format!(
                            "wants {skill} at level {}; {name} mentors it at {level}",
                            want.level
                        ),
                        None => format!(
                            "wants {skill} at level {}; {name} does not mentor it",
                            want.level
                        ),
                    }
                })
                .collect();
            each.join("; ")
        }
        Factor::Focus => {
            if mentee.focus_areas == 0 {
                return "no focus areas given".into();
            }
            if mentor.focus_areas == 0 {
                return format!("{name} has not said which focus areas they offer");
            }
            let shared = mentee.focus_areas & mentor.focus_areas;
            if shared == 0 {
                return format!("{name} offers none of the focus areas wanted");
            }
            let names: Vec<&str> = (0..8)
                .filter(|bit| shared & (1 << bit) != 0)
                .map(|bit| words.focus_area(bit))
                .collect();
            format!(
                "{name} offers {} of {} focus areas wanted: {}",
                shared.count_ones(),
                mentee.focus_areas.count_ones(),
                names.join(", ")
            )
        }
        Factor::Industry => match (mentee.industry, mentor.industry) {
            (Some(a), Some(b)) if a == b => format!("both in {}", words.industry(a)),
            (Some(a), Some(b)) => {
                format!("{} and {name} in {}", words.industry(a), words.industry(b))
            }
            _ => "industry not given".into(),
        },
        Factor::Seniority => match (mentee.years_experience, mentor.years_experience) {
            (Some(e), Some(m)) if m > e => format!(
                "{name} is {} ahead ({m} against {e})",
                plural(i64::from(m - e), "year", "years")
            ),
            (Some(e), Some(m)) => format!("{name} is not ahead in experience ({m} against {e})"),
            _ => "years of experience not given".into(),
        },
        Factor::TimeZone => {
            let shared =
                shared_working_minutes(mentee.utc_offset_minutes, mentor.utc_offset_minutes);
            let hours = shared / 60;
            let minutes = shared % 60;
            match (hours, minutes) {
                (0, 0) => "no shared working hours".into(),
                (h, 0) => format!(
                    "{} of shared working day",
                    plural(i64::from(h), "hour", "hours")
                ),
                (h, m) => format!("{h} h {m} min of shared working day"),
            }
        }
        Factor::Availability => match mentor.availability_hours {
            0 => format!("{name} has not given any hours a month"),
            h => format!(
                "{name} has {} a month",
                plural(i64::from(h), "hour", "hours")
            ),
        },
        Factor::Programme => {
            let answered = mentee
                .answers
                .iter()
                .zip(&mentor.answers)
                .filter(|&(&a, &b)| a != 0 && b != 0);
            let (same, all) =
                answered.fold((0, 0), |(s, n), (a, b)| (s + i64::from(a == b), n + 1));
            if all == 0 {
                "no programme questions answered by both".into()
            } else {
                format!("same answer to {same} of {all} programme questions")
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_read_as_factor_number_pairs() {
        let w: Weights = "skills=0.5, time_zone=0.2".parse().unwrap();
        assert_eq!(w.skills, 0.5);
        assert_eq!(w.time_zone, 0.2);
        assert_eq!(w.focus, Weights::default().focus);
        assert_eq!("".parse::<Weights>(), Ok(Weights::default()));
        assert_eq!(
            "skill=1".parse::<Weights>(),
            Err(WeightsError::UnknownFactor("skill".into()))
        );
        assert_eq!(
            "focus=lots".parse::<Weights>(),
            Err(WeightsError::NotANumber("focus", "lots".into()))
        );
        assert_eq!(
            "focus=-1".parse::<Weights>(),
            Err(WeightsError::Invalid("focus"))
        );
        let none = "skills=0,focus=0,industry=0,seniority=0,time_zone=0,availability=0";
        assert_eq!(none.parse::<Weights>(), Err(WeightsError::AllZero));
    }

    struct Words;
    impl Vocabulary for Words {
        fn skill(&self, skill: u32) -> &str {
            ["Kubernetes", "Rust", "Negotiation"][skill as usize]
        }
        fn industry(&self, industry: u32) -> &str {
            ["Finance", "Health"][industry as usize]
        }
        fn focus_area(&self, bit: u32) -> &str {
            ["Career development", "Networking", "Confidence"][bit as usize]
        }
    }

    fn mentee() -> Profile {
        Profile {
            growth_skills: vec![SkillLevel { skill: 0, level: 2 }],
            focus_areas: 0b011,
            industry: Some(0),
            years_experience: Some(2),
            utc_offset_minutes: 0,
            languages: 1,
            availability_hours: 4,
            ..Profile::default()
        }
    }

    fn mentor(level: u8) -> Profile {
        Profile {
            mentor_skills: vec![SkillLevel { skill: 0, level }],
            focus_areas: 0b001,
            industry: Some(0),
            years_experience: Some(10),
            utc_offset_minutes: 5 * 60,
            languages: 1,
            availability_hours: 6,
            ..Profile::default()
        }
    }

    #[test]
    fn a_mentor_two_levels_ahead_fits_better_than_one_level_with_the_mentee() {
        let w = Weights::default().normalised().unwrap();
        let ahead = score(&mentee(), &mentor(4), &w);
        let level = score(&mentee(), &mentor(2), &w);
        assert!(ahead.total > level.total);
        assert_eq!(level_fit(4, 2), 1.0);
        assert_eq!(level_fit(1, 2), 0.0);
    }

    #[test]
    fn the_reasons_read_as_sentences_and_add_up_to_the_score() {
        let w = Weights::default().normalised().unwrap();
        let explained = explain(&mentee(), &mentor(4), "Ana", &w, &Words);
        let reasons: Vec<&str> = explained
            .factors
            .iter()
            .map(|f| f.reason.as_str())
            .collect();
        assert_eq!(
            reasons,
            [
                "wants Kubernetes at level 2; Ana mentors it at 4",
                "Ana offers 1 of 2 focus areas wanted: Career development",
                "both in Finance",
                "Ana is 8 years ahead (10 against 2)",
                "3 hours of shared working day",
                "Ana has 6 hours a month",
            ]
        );
        let sum: f64 = explained.factors.iter().map(|f| f.contribution).sum();
        assert!((sum - explained.score).abs() < 1e-12);
        assert_eq!(explained.score, score(&mentee(), &mentor(4), &w).total);
    }

    #[test]
    fn working_hours_wrap_around_the_date_line() {
        assert_eq!(shared_working_minutes(0, 0), 480);
        assert_eq!(shared_working_minutes(-11 * 60, 12 * 60), 7 * 60);
        assert_eq!(shared_working_minutes(0, 9 * 60), 0);
        assert_eq!(shared_working_minutes(330, 0), 150);
    }

    #[test]
    fn hard_rules_come_in_a_fixed_order() {
        let rules = Rules {
            different_department: true,
        };
        let mut a = mentee();
        let mut b = mentor(4);
        assert_eq!(exclusion(&a, &b, false, 2, false, &rules), None);
        assert_eq!(
            exclusion(&a, &b, true, 2, false, &rules),
            Some(Exclusion::SamePerson)
        );
        assert_eq!(
            exclusion(&a, &b, false, 0, true, &rules),
            Some(Exclusion::NoFreeCapacity)
        );
        assert_eq!(
            exclusion(&a, &b, false, 1, true, &rules),
            Some(Exclusion::Blocked)
        );
        a.department = Some(3);
        b.department = Some(3);
        assert_eq!(
            exclusion(&a, &b, false, 1, false, &rules),
            Some(Exclusion::SameDepartment)
        );
        b.languages = 2;
        assert_eq!(
            exclusion(&a, &b, false, 1, false, &rules),
            Some(Exclusion::NoSharedLanguage)
        );
    }

    #[test]
    fn weights_must_be_usable() {
        let bad = Weights {
            skills: -1.0,
            ..Weights::default()
        };
        assert_eq!(bad.normalised(), Err(WeightsError::Invalid("skills")));
        let zero = Weights {
            skills: 0.0,
            focus: 0.0,
            industry: 0.0,
            seniority: 0.0,
            time_zone: 0.0,
            availability: 0.0,
            programme: 0.0,
        };
        assert_eq!(zero.normalised(), Err(WeightsError::AllZero));
        let sum: f64 = Weights::default().normalised().unwrap().iter().sum();
        assert!((sum - 1.0).abs() < 1e-12);
    }
}
