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
    /// Standard offset from UTC of the person's time zone; `None` when not known (kept
    /// private from whoever the score is for, see [`Profile::as_seen`]).
    pub utc_offset_minutes: Option<i32>,
    /// Languages spoken, as a bit set of language indices.
    pub languages: u128,
    /// Hours a month the person can give to mentoring (0: not given).
    pub availability_hours: u16,
    /// Answers to a programme's own questions, one id per question (0: not answered).
    pub answers: Vec<u32>,
    /// The fields scoring reads that the person keeps private. [`score`] itself uses every
    /// field it is given; a score meant for another person is made from
    /// [`Profile::as_seen`] with [`Visibility::Public`], which leaves these out.
    pub private: Private,
}

/// Fields a person keeps private, among those scoring reads (the others a person may hide,
/// such as email or location, scoring never reads).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Private(u8);

impl Private {
    pub const NONE: Private = Private(0);
    pub const YEARS_EXPERIENCE: Private = Private(1);
    pub const TIME_ZONE: Private = Private(2);
    /// The organisation or the department: together they are the department the
    /// "different department" rule compares, so hiding either keeps it out of the rule.
    pub const DEPARTMENT: Private = Private(4);

    pub fn contains(self, field: Private) -> bool {
        self.0 & field.0 == field.0
    }
}

impl std::ops::BitOr for Private {
    type Output = Private;

    fn bitor(self, other: Private) -> Private {
        Private(self.0 | other.0)
    }
}

impl std::ops::BitOrAssign for Private {
    fn bitor_assign(&mut self, other: Private) {
        self.0 |= other.0;
    }
}

/// Which of a person's fields a score may use: it depends on who receives the score.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Every field, private ones included: for the operator's bulk matching, whose report
    /// only the operator reads.
    #[default]
    All,
    /// Only what the person lets others see: for anything another person receives (their
    /// recommendations, a score, a reason, a ranking).
    Public,
}

impl Profile {
    /// The profile as someone with `visibility` may score it.
    ///
    /// A private field becomes "not known", which scoring already treats neutrally: the
    /// factor takes [`UNKNOWN`] (0.5) for every person who keeps the field private,
    /// whatever its value, so the score, the factor's contribution and the ranking say
    /// nothing about it; and the department rule does not apply, so whether a person is
    /// shown never depends on a department they hide. (Leaving the factor out and spreading
    /// its weight over the others would be as private, but a pair's weights would then
    /// depend on the mentor, which the shared scoring tables of `lens` cannot express, and
    /// the scores of two mentors would no longer be on one scale.) The reasons say that the
    /// factor was not used because it is private ([`explain`]).
    pub fn as_seen(&self, visibility: Visibility) -> Profile {
        Profile {
            years_experience: self.years_seen(visibility),
            utc_offset_minutes: self.offset_seen(visibility),
            department: self.department_seen(visibility),
            ..self.clone()
        }
    }

    fn withheld(&self, visibility: Visibility, field: Private) -> bool {
        visibility == Visibility::Public && self.private.contains(field)
    }

    /// [`Profile::years_experience`] as `visibility` sees it.
    pub fn years_seen(&self, visibility: Visibility) -> Option<u8> {
        self.years_experience
            .filter(|_| !self.withheld(visibility, Private::YEARS_EXPERIENCE))
    }

    /// [`Profile::utc_offset_minutes`] as `visibility` sees it.
    pub fn offset_seen(&self, visibility: Visibility) -> Option<i32> {
        self.utc_offset_minutes
            .filter(|_| !self.withheld(visibility, Private::TIME_ZONE))
    }

    /// [`Profile::department`] as `visibility` sees it.
    pub fn department_seen(&self, visibility: Visibility) -> Option<u32> {
        self.department
            .filter(|_| !self.withheld(visibility, Private::DEPARTMENT))
    }
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

pub(crate) fn time_zone_fit(mentee_offset: Option<i32>, mentor_offset: Option<i32>) -> f64 {
    match (mentee_offset, mentor_offset) {
        (Some(a), Some(b)) => shared_working_minutes(a, b) as f64 / 480.0,
        _ => UNKNOWN,
    }
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
    NotRelevant,
}

impl Exclusion {
    pub fn reason(self) -> &'static str {
        match self {
            Exclusion::SamePerson => "the same person",
            Exclusion::NoSharedLanguage => "no language in common",
            Exclusion::NoFreeCapacity => "the mentor has no free places",
            Exclusion::Blocked => "one of them has blocked the other",
            Exclusion::SameDepartment => "the programme keeps people of one department apart",
            Exclusion::NotRelevant => {
                "the mentor mentors none of the skills wanted and offers none of the focus areas"
            }
        }
    }
}

/// Rules a programme sets on top of the ones that always hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Never pair people of the same organisation and department.
    pub different_department: bool,
    /// Only pair a mentee with a mentor who mentors a skill they want or offers one of
    /// their focus areas ([`relevant`]). On unless the operator turns it off.
    pub relevance: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            different_department: false,
            relevance: true,
        }
    }
}

/// Whether `mentor` has something the mentee asked for: they mentor one of the skills the
/// mentee wants, or offer one of the mentee's focus areas. A mentee who has said neither
/// what they want to grow nor what to focus on gives nothing to be relevant to, so every
/// mentor is (the rule would otherwise leave them with no mentor at all).
pub fn relevant(mentee: &Profile, mentor: &Profile) -> bool {
    (mentee.growth_skills.is_empty() && mentee.focus_areas == 0)
        || mentee.focus_areas & mentor.focus_areas != 0
        || mentor.mentor_skills.iter().any(|offered| {
            mentee
                .growth_skills
                .iter()
                .any(|want| want.skill == offered.skill)
        })
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
    } else if rules.relevance && !relevant(mentee, mentor) {
        Some(Exclusion::NotRelevant)
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
    /// In words a person understands, short enough for a card: at most a few names, the
    /// rest counted ("Mentors 2 of the 6 skills you want: Research methods (4), …").
    pub reason: String,
    /// The whole story, such as every wanted skill with both levels.
    pub detail: String,
    /// True when the factor counts the same for every mentor because one side did not
    /// give the field or keeps it private ([`UNKNOWN`]): it tells the mentors apart in
    /// nothing.
    pub neutral: bool,
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

/// The text with its first letter in capitals, as a sentence on its own starts.
fn sentence(mut text: String) -> String {
    if let Some(first) = text.chars().next() {
        let upper: String = first.to_uppercase().collect();
        text.replace_range(..first.len_utf8(), &upper);
    }
    text
}

/// At most [`NAMED`] names joined with commas, then how many more.
fn some_of(names: &[String]) -> String {
    const NAMED: usize = 3;
    if names.len() <= NAMED {
        return names.join(", ");
    }
    format!(
        "{} and {} more",
        names[..NAMED].join(", "),
        names.len() - NAMED
    )
}

/// Who receives a score, and so which of the pair's fields it may use: each person's own
/// fields, and only the public ones of the other (see [`Profile::as_seen`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Audience {
    /// The operator running a bulk match: every field of both.
    Operator,
    /// The mentee (their recommendations): the mentor's private fields are left out.
    Mentee,
    /// The mentor: the mentee's private fields are left out.
    Mentor,
}

impl Audience {
    /// How this audience may see the mentee's fields.
    pub fn mentee_fields(self) -> Visibility {
        match self {
            Audience::Mentor => Visibility::Public,
            Audience::Operator | Audience::Mentee => Visibility::All,
        }
    }

    /// How this audience may see the mentor's fields.
    pub fn mentor_fields(self) -> Visibility {
        match self {
            Audience::Mentee => Visibility::Public,
            Audience::Operator | Audience::Mentor => Visibility::All,
        }
    }

    /// The mentee, as the reasons name them to this audience, and the verb after it.
    fn wants(self) -> &'static str {
        match self {
            Audience::Mentee => "you want",
            Audience::Operator | Audience::Mentor => "the mentee wants",
        }
    }
}

/// The score of `mentor` (called `mentor_name` in the words) for `mentee`, with reasons,
/// for `audience`. Its total equals [`score`]'s for the pair as the audience sees it
/// ([`Profile::as_seen`]); a factor whose field one of them keeps private from the
/// audience says so, and nothing else.
pub fn explain(
    mentee: &Profile,
    mentor: &Profile,
    mentor_name: &str,
    weights: &[f64; 7],
    words: &dyn Vocabulary,
    audience: Audience,
) -> Explained {
    let seen = Pair {
        mentee: &mentee.as_seen(audience.mentee_fields()),
        mentor: &mentor.as_seen(audience.mentor_fields()),
        audience,
    };
    let scored = score(seen.mentee, seen.mentor, weights);
    let values = values(seen.mentee, seen.mentor, weights);
    let factors = Factor::ALL
        .iter()
        .enumerate()
        .filter(|&(k, _)| weights[k] > 0.0)
        .map(|(k, &factor)| {
            let said = reason(factor, &seen, mentor_name, words);
            let short = sentence(said.short);
            FactorReason {
                factor,
                value: values[k],
                contribution: scored.parts[k],
                detail: said.detail.unwrap_or_else(|| short.clone()),
                reason: short,
                neutral: said.neutral,
            }
        })
        .collect();
    Explained {
        score: scored.total,
        factors,
    }
}

/// A pair as an audience sees it.
struct Pair<'a> {
    mentee: &'a Profile,
    mentor: &'a Profile,
    audience: Audience,
}

impl Pair<'_> {
    /// Why a factor reading `field` counts the same for everyone, when one of them keeps it
    /// private from the audience: in words that say whose field it is and nothing of its
    /// value (the same whether the field is given or not).
    fn kept_private(&self, field: Private, name: &str, what: &str) -> Option<Said> {
        if self.audience.mentor_fields() == Visibility::Public
            && self.mentor.private.contains(field)
        {
            Some(Said::neutral(format!("{name} keeps their {what} private")))
        } else if self.audience.mentee_fields() == Visibility::Public
            && self.mentee.private.contains(field)
        {
            Some(Said::neutral(format!(
                "the mentee keeps their {what} private"
            )))
        } else {
            None
        }
    }
}

/// A factor's reason: short, the longer story when there is one, and whether the factor
/// is neutral.
struct Said {
    short: String,
    detail: Option<String>,
    neutral: bool,
}

impl Said {
    fn plain(short: impl Into<String>) -> Said {
        Said {
            short: short.into(),
            detail: None,
            neutral: false,
        }
    }

    fn neutral(short: impl Into<String>) -> Said {
        Said {
            neutral: true,
            ..Said::plain(short)
        }
    }
}

fn skills_reason(pair: &Pair<'_>, name: &str, words: &dyn Vocabulary) -> Said {
    let (mentee, mentor) = (pair.mentee, pair.mentor);
    let wants = pair.audience.wants();
    if mentee.growth_skills.is_empty() {
        return Said::neutral("no skills to grow given");
    }
    let detail: Vec<String> = mentee
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
    // The skills mentored, best fit first (then the higher level, then the mentee's order).
    let mut mentored: Vec<(u32, u8, usize, &str)> = mentee
        .growth_skills
        .iter()
        .enumerate()
        .filter_map(|(k, want)| {
            let level = mentors_at(mentor, want.skill)?;
            Some((
                level_fit_twentieths(level, want.level),
                level,
                k,
                words.skill(want.skill),
            ))
        })
        .collect();
    mentored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    let all = mentee.growth_skills.len();
    let short = match (mentored.len(), all) {
        (0, 1) => format!("Does not mentor the skill {wants}"),
        (0, n) => format!("Does not mentor any of the {n} skills {wants}"),
        (1, 1) => format!(
            "Mentors the skill {wants}: {} ({})",
            mentored[0].3, mentored[0].1
        ),
        (m, n) => {
            let names: Vec<String> = mentored
                .iter()
                .map(|&(_, level, _, skill)| format!("{skill} ({level})"))
                .collect();
            let of = if m == n {
                format!("all {n}")
            } else {
                format!("{m} of the {n}")
            };
            format!("Mentors {of} skills {wants}: {}", some_of(&names))
        }
    };
    Said {
        short,
        detail: Some(detail.join("; ")),
        neutral: false,
    }
}

fn focus_reason(pair: &Pair<'_>, name: &str, words: &dyn Vocabulary) -> Said {
    let (mentee, mentor) = (pair.mentee, pair.mentor);
    let wants = pair.audience.wants();
    if mentee.focus_areas == 0 {
        return Said::neutral("no focus areas given");
    }
    if mentor.focus_areas == 0 {
        return Said::neutral(format!("{name} has not said which focus areas they offer"));
    }
    let names = |set: u8| -> Vec<String> {
        (0..8)
            .filter(|bit| set & (1 << bit) != 0)
            .map(|bit| words.focus_area(bit).to_owned())
            .collect()
    };
    let shared = mentee.focus_areas & mentor.focus_areas;
    let all = mentee.focus_areas.count_ones();
    let missing = names(mentee.focus_areas & !mentor.focus_areas);
    let detail = format!(
        "{name} offers {} of {all} focus areas wanted{}{}",
        shared.count_ones(),
        if shared == 0 {
            String::new()
        } else {
            format!(": {}", names(shared).join(", "))
        },
        if missing.is_empty() {
            String::new()
        } else {
            format!("; not {}", missing.join(", "))
        }
    );
    let short = match (shared.count_ones(), all) {
        (0, 1) => format!("Does not offer the focus area {wants}"),
        (0, n) => format!("Offers none of the {n} focus areas {wants}"),
        (m, n) if m == n && n == 1 => {
            format!("Offers the focus area {wants}: {}", some_of(&names(shared)))
        }
        (m, n) if m == n => format!(
            "Offers all {n} focus areas {wants}: {}",
            some_of(&names(shared))
        ),
        (m, n) => format!(
            "Offers {m} of the {n} focus areas {wants}: {}",
            some_of(&names(shared))
        ),
    };
    Said {
        short,
        detail: Some(detail),
        neutral: false,
    }
}

fn reason(factor: Factor, pair: &Pair<'_>, name: &str, words: &dyn Vocabulary) -> Said {
    let (mentee, mentor) = (pair.mentee, pair.mentor);
    match factor {
        Factor::Skills => skills_reason(pair, name, words),
        Factor::Focus => focus_reason(pair, name, words),
        Factor::Industry => match (mentee.industry, mentor.industry) {
            (Some(a), Some(b)) if a == b => Said::plain(format!("both in {}", words.industry(a))),
            (Some(a), Some(b)) => Said::plain(format!(
                "{} and {name} in {}",
                words.industry(a),
                words.industry(b)
            )),
            _ => Said::neutral("industry not given"),
        },
        Factor::Seniority => {
            if let Some(why) =
                pair.kept_private(Private::YEARS_EXPERIENCE, name, "years of experience")
            {
                return why;
            }
            match (mentee.years_experience, mentor.years_experience) {
                (Some(e), Some(m)) if m > e => Said::plain(format!(
                    "{name} is {} ahead ({m} against {e})",
                    plural(i64::from(m - e), "year", "years")
                )),
                (Some(e), Some(m)) => Said::plain(format!(
                    "{name} is not ahead in experience ({m} against {e})"
                )),
                _ => Said::neutral("years of experience not given"),
            }
        }
        Factor::TimeZone => {
            if let Some(why) = pair.kept_private(Private::TIME_ZONE, name, "time zone") {
                return why;
            }
            let (Some(a), Some(b)) = (mentee.utc_offset_minutes, mentor.utc_offset_minutes) else {
                return Said::neutral("time zone not given");
            };
            let shared = shared_working_minutes(a, b);
            let hours = shared / 60;
            let minutes = shared % 60;
            Said::plain(match (hours, minutes) {
                (0, 0) => "no shared working hours".into(),
                (h, 0) => format!(
                    "{} of shared working day",
                    plural(i64::from(h), "hour", "hours")
                ),
                (h, m) => format!("{h} h {m} min of shared working day"),
            })
        }
        Factor::Availability => Said::plain(match mentor.availability_hours {
            0 => format!("{name} has not given any hours a month"),
            h => format!(
                "{name} has {} a month",
                plural(i64::from(h), "hour", "hours")
            ),
        }),
        Factor::Programme => {
            let answered = mentee
                .answers
                .iter()
                .zip(&mentor.answers)
                .filter(|&(&a, &b)| a != 0 && b != 0);
            let (same, all) =
                answered.fold((0, 0), |(s, n), (a, b)| (s + i64::from(a == b), n + 1));
            if all == 0 {
                Said::neutral("no programme questions answered by both")
            } else {
                Said::plain(format!(
                    "same answer to {same} of {all} programme questions"
                ))
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
            utc_offset_minutes: Some(0),
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
            utc_offset_minutes: Some(5 * 60),
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
        let explained = explain(&mentee(), &mentor(4), "Ana", &w, &Words, Audience::Mentee);
        let reasons: Vec<&str> = explained
            .factors
            .iter()
            .map(|f| f.reason.as_str())
            .collect();
        assert_eq!(
            reasons,
            [
                "Mentors the skill you want: Kubernetes (4)",
                "Offers 1 of the 2 focus areas you want: Career development",
                "Both in Finance",
                "Ana is 8 years ahead (10 against 2)",
                "3 hours of shared working day",
                "Ana has 6 hours a month",
            ]
        );
        assert_eq!(
            explained.factors[0].detail,
            "wants Kubernetes at level 2; Ana mentors it at 4"
        );
        assert_eq!(
            explained.factors[1].detail,
            "Ana offers 1 of 2 focus areas wanted: Career development; not Networking"
        );
        assert!(explained.factors.iter().all(|f| !f.neutral));
        let sum: f64 = explained.factors.iter().map(|f| f.contribution).sum();
        assert!((sum - explained.score).abs() < 1e-12);
        assert_eq!(explained.score, score(&mentee(), &mentor(4), &w).total);
    }

    /// Ana and Ana's twin differ only in the values of the fields they keep private.
    fn twins(private: Private) -> (Profile, Profile) {
        let ana = Profile {
            private,
            department: Some(1),
            ..mentor(4)
        };
        let twin = Profile {
            years_experience: Some(30),
            utc_offset_minutes: Some(-8 * 60),
            department: Some(0),
            ..ana.clone()
        };
        (ana, twin)
    }

    #[test]
    fn a_private_field_is_neither_used_nor_named_in_what_the_mentee_receives() {
        let w = Weights::default().normalised().unwrap();
        let private = Private::YEARS_EXPERIENCE | Private::TIME_ZONE | Private::DEPARTMENT;
        let (ana, twin) = twins(private);
        let explained = explain(&mentee(), &ana, "Ana", &w, &Words, Audience::Mentee);
        let reasons: Vec<(&str, f64)> = explained
            .factors
            .iter()
            .map(|f| (f.reason.as_str(), f.contribution))
            .collect();
        assert_eq!(
            reasons[3..5],
            [
                (
                    "Ana keeps their years of experience private",
                    UNKNOWN * w[3]
                ),
                ("Ana keeps their time zone private", UNKNOWN * w[4]),
            ]
        );
        assert!(explained.factors[3].neutral && explained.factors[4].neutral);
        let same = explain(&mentee(), &twin, "Ana", &w, &Words, Audience::Mentee);
        assert_eq!(same, explained, "the private values change nothing");
        let seen = ana.as_seen(Visibility::Public);
        assert_eq!(explained.score, score(&mentee(), &seen, &w).total);
        // Nor the department rule: a mentee in Ana's hidden department still sees her.
        let rules = Rules {
            different_department: true,
            relevance: true,
        };
        let colleague = Profile {
            department: Some(1),
            ..mentee()
        };
        assert_eq!(exclusion(&colleague, &seen, false, 1, false, &rules), None);
        assert_eq!(
            exclusion(&colleague, &ana, false, 1, false, &rules),
            Some(Exclusion::SameDepartment),
            "the operator's bulk matching uses every field"
        );
        // The operator sees (and is told) everything.
        let operator = explain(&mentee(), &ana, "Ana", &w, &Words, Audience::Operator);
        assert_eq!(
            operator.factors[3].reason,
            "Ana is 8 years ahead (10 against 2)"
        );
        assert_eq!(operator.factors[4].reason, "3 hours of shared working day");
        assert_eq!(operator.score, score(&mentee(), &ana, &w).total);
        assert_ne!(
            operator.score,
            explain(&mentee(), &twin, "Ana", &w, &Words, Audience::Operator).score
        );
    }

    #[test]
    fn a_mentee_private_field_is_left_out_of_what_the_mentor_receives() {
        let w = Weights::default().normalised().unwrap();
        let private = Profile {
            private: Private::YEARS_EXPERIENCE,
            ..mentee()
        };
        let other = Profile {
            years_experience: Some(9),
            ..private.clone()
        };
        let for_mentor = explain(&private, &mentor(4), "Ana", &w, &Words, Audience::Mentor);
        assert_eq!(
            for_mentor.factors[3].reason,
            "The mentee keeps their years of experience private"
        );
        assert_eq!(
            for_mentor,
            explain(&other, &mentor(4), "Ana", &w, &Words, Audience::Mentor)
        );
        let own = explain(&private, &mentor(4), "Ana", &w, &Words, Audience::Mentee);
        assert_eq!(
            own.factors[3].reason, "Ana is 8 years ahead (10 against 2)",
            "the mentee's own private field still serves the mentee"
        );
    }

    #[test]
    fn a_skills_reason_names_the_best_few_mentored_and_details_every_one() {
        struct Many;
        impl Vocabulary for Many {
            fn skill(&self, skill: u32) -> &str {
                ["S0", "S1", "S2", "S3", "S4", "S5", "S6"][skill as usize]
            }
            fn industry(&self, _: u32) -> &str {
                "an industry"
            }
            fn focus_area(&self, _: u32) -> &str {
                "a focus area"
            }
        }
        let w = Weights::default().normalised().unwrap();
        let want = |skill| SkillLevel { skill, level: 2 };
        let mentee = Profile {
            growth_skills: (0..6).map(want).collect(),
            ..mentee()
        };
        let at = |skill, level| SkillLevel { skill, level };
        let ana = Profile {
            mentor_skills: vec![at(1, 3), at(2, 5), at(3, 4), at(4, 2), at(6, 5)],
            ..mentor(4)
        };
        let skills = |mentor: &Profile, audience| {
            explain(&mentee, mentor, "Ana", &w, &Many, audience).factors[0].clone()
        };
        let shown = skills(&ana, Audience::Mentee);
        assert_eq!(
            shown.reason,
            "Mentors 4 of the 6 skills you want: S2 (5), S3 (4), S1 (3) and 1 more"
        );
        assert_eq!(
            shown.detail.matches("does not mentor it").count(),
            2,
            "{}",
            shown.detail
        );
        assert!(
            shown
                .detail
                .contains("wants S4 at level 2; Ana mentors it at 2")
        );
        let two = Profile {
            mentor_skills: vec![at(0, 4), at(5, 5)],
            ..mentor(4)
        };
        assert_eq!(
            skills(&two, Audience::Operator).reason,
            "Mentors 2 of the 6 skills the mentee wants: S5 (5), S0 (4)"
        );
        let none = Profile {
            mentor_skills: vec![at(6, 5)],
            ..mentor(4)
        };
        let nothing = skills(&none, Audience::Mentee);
        assert_eq!(
            nothing.reason,
            "Does not mentor any of the 6 skills you want"
        );
        assert_eq!(nothing.detail.matches("does not mentor it").count(), 6);
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
            relevance: true,
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
        b.department = Some(4);
        b.mentor_skills = vec![SkillLevel { skill: 1, level: 5 }];
        b.focus_areas = 0b100;
        assert_eq!(
            exclusion(&a, &b, false, 1, false, &rules),
            Some(Exclusion::NotRelevant)
        );
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
    fn a_mentor_is_relevant_through_a_wanted_skill_or_a_focus_area() {
        let rules = Rules::default();
        assert!(rules.relevance, "the rule is on unless turned off");
        let a = mentee();
        let skill_only = Profile {
            focus_areas: 0b100,
            ..mentor(4)
        };
        let focus_only = Profile {
            mentor_skills: vec![SkillLevel { skill: 2, level: 5 }],
            ..mentor(4)
        };
        let neither = Profile {
            mentor_skills: vec![SkillLevel { skill: 2, level: 5 }],
            focus_areas: 0b100,
            ..mentor(4)
        };
        assert_eq!(exclusion(&a, &skill_only, false, 1, false, &rules), None);
        assert_eq!(exclusion(&a, &focus_only, false, 1, false, &rules), None);
        assert_eq!(
            exclusion(&a, &neither, false, 1, false, &rules),
            Some(Exclusion::NotRelevant)
        );
        let off = Rules {
            relevance: false,
            ..rules
        };
        assert_eq!(exclusion(&a, &neither, false, 1, false, &off), None);
        let wants_nothing = Profile {
            growth_skills: Vec::new(),
            focus_areas: 0,
            ..mentee()
        };
        assert_eq!(
            exclusion(&wants_nothing, &neither, false, 1, false, &rules),
            None,
            "nothing asked for, nothing to be relevant to"
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
