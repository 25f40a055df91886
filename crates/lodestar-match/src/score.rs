//! Pair scores: how well a mentor fits a mentee, as a weighted sum of factors in [0, 1],
//! each of which can say why in words; and the hard rules that rule a pair out.
//!
//! The factors ([`Factor`]): skills wanted against skills mentored at a level, focus
//! areas, industry, years of experience, shared working hours, hours a month, and the
//! programme's own matching questions, each compared by its rule (same, different, or the
//! mentor's answer covering the mentee's) and weighted ([`Answer`]).
//!
//! Scoring is the inner loop of candidate generation, so [`score`] works on plain numbers
//! (skills and industries are interned ids, languages and a question's chosen options bit
//! sets) and allocates nothing;
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
    /// Answers to the matching questions of a programme's form, one per question in the
    /// form's order, the same list of questions for everyone in the cohort (see [`Answer`]).
    pub answers: Vec<Answer>,
    /// The fields scoring reads that the person keeps private. [`score`] itself uses every
    /// field it is given; a score meant for another person is made from
    /// [`Profile::as_seen`] with [`Visibility::Public`], which leaves these out.
    pub private: Private,
}

/// One matching question of a programme's form, as a person answered it.
///
/// Question `i` of the mentee is compared with question `i` of the mentor. Both sides carry
/// the question's `rule` and `weight_tenths` (they are the form's, not the person's); the
/// engine reads the mentee's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    /// The options chosen, as bits (option k is bit k; at most 32 options); 0: not answered.
    pub chosen: u32,
    /// How the two answers are compared.
    pub rule: AnswerRule,
    /// The question's weight in tenths (1–100, i.e. 0.1–10); a question of weight 0 counts
    /// for nothing.
    pub weight_tenths: u8,
}

/// How the two answers to a matching question make a pair fit: the engine's copy of the
/// domain's `MatchRule` (the engine depends on nothing of ours).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AnswerRule {
    /// Alike answers fit: the options both chose among those either chose.
    #[default]
    Same,
    /// Unlike answers fit: one less what [`AnswerRule::Same`] gives.
    Different,
    /// The mentor's answer covers the mentee's: the share of the mentee's options the
    /// mentor chose too.
    Covers,
}

impl AnswerRule {
    /// How well two answers fit by this rule, from 0 to 1, given the options each chose as
    /// bits. Nothing chosen by either side is no agreement (0, or 1 for `Different`); the
    /// programme factor only compares questions both answered.
    pub fn agreement(self, mentee: u32, mentor: u32) -> f64 {
        let both = (mentee & mentor).count_ones();
        let either = (mentee | mentor).count_ones();
        // Counted in integers and divided once, so each value is correctly rounded
        // (`different` is exactly 2/3 where 1 − 1/3 would not be).
        let share = |part: u32, whole: u32| {
            if whole == 0 {
                0.0
            } else {
                f64::from(part) / f64::from(whole)
            }
        };
        match self {
            AnswerRule::Same => share(both, either),
            AnswerRule::Different if either == 0 => 1.0,
            AnswerRule::Different => share(either - both, either),
            AnswerRule::Covers => share(both, mentee.count_ones()),
        }
    }
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

/// The questions the programme factor compares, with their index: those both answered
/// (a question of weight 0 counts for nothing, so it is left out too).
fn answered_by_both<'a>(
    mentee: &'a Profile,
    mentor: &'a Profile,
) -> impl Iterator<Item = (usize, &'a Answer, &'a Answer)> {
    mentee
        .answers
        .iter()
        .zip(&mentor.answers)
        .enumerate()
        .filter(|(_, (a, b))| a.chosen != 0 && b.chosen != 0 && a.weight_tenths != 0)
        .map(|(i, (a, b))| (i, a, b))
}

/// The programme factor: the mean of [`AnswerRule::agreement`] over the questions both
/// answered, each weighted by its weight; [`UNKNOWN`] when they answered none in common.
/// The domain's `programme_fit` on the engine's numbers (weights in tenths, so a mean
/// equal to it up to rounding).
pub(crate) fn programme_value(mentee: &Profile, mentor: &Profile) -> f64 {
    let mut sum = 0.0;
    let mut weights = 0u32;
    for (_, a, b) in answered_by_both(mentee, mentor) {
        let weight = u32::from(a.weight_tenths);
        sum += f64::from(weight) * a.rule.agreement(a.chosen, b.chosen);
        weights += weight;
    }
    if weights == 0 {
        UNKNOWN
    } else {
        sum / f64::from(weights)
    }
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
    NotJunior,
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
            Exclusion::NotJunior => {
                "in reverse mentoring the mentor has fewer years of experience than the mentee"
            }
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
    /// Reverse mentoring: only pair a mentee with a mentor who has fewer years of
    /// experience than they have, both given ([`junior`]).
    pub junior_mentors: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            different_department: false,
            relevance: true,
            junior_mentors: false,
        }
    }
}

/// Whether the mentor has fewer years of experience than the mentee: the pair reverse
/// mentoring makes. Not known when either has not said.
pub fn junior(mentee_years: Option<u8>, mentor_years: Option<u8>) -> bool {
    matches!((mentee_years, mentor_years), (Some(e), Some(m)) if m < e)
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
    } else if rules.junior_mentors && !junior(mentee.years_experience, mentor.years_experience) {
        Some(Exclusion::NotJunior)
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

    /// The text of the programme's matching question at `question` (the index in
    /// [`Profile::answers`]).
    fn question(&self, _question: usize) -> &str {
        "a programme question"
    }

    /// The text of option `option` (bit `option` of [`Answer::chosen`]) of the matching
    /// question at `question`.
    fn option(&self, _question: usize, _option: u32) -> &str {
        "an option"
    }
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

/// How many names a short reason gives before counting the rest.
const NAMED: usize = 3;

/// At most [`NAMED`] names joined with commas, then how many more.
fn some_of(names: &[String]) -> String {
    some_of_joined(names, ", ")
}

/// At most [`NAMED`] names joined with `separator`, then how many more (for names that
/// hold commas of their own).
fn some_of_joined(names: &[String], separator: &str) -> String {
    if names.len() <= NAMED {
        return names.join(separator);
    }
    format!(
        "{} and {} more",
        names[..NAMED].join(separator),
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
        Factor::Programme => programme_reason(pair, words),
    }
}

/// The programme factor in words: for each question both answered, what they both chose
/// or that their answers differ, and whether the programme asks for that. The heaviest
/// questions are named first (then in the form's order), at most [`NAMED`]; the detail
/// names every one, in the form's order.
fn programme_reason(pair: &Pair<'_>, words: &dyn Vocabulary) -> Said {
    let mut said: Vec<(u8, String)> = answered_by_both(pair.mentee, pair.mentor)
        .map(|(i, a, b)| (a.weight_tenths, answer_said(i, a, b.chosen, words)))
        .collect();
    if said.is_empty() {
        return Said::neutral("no programme questions answered by both");
    }
    let detail = (said.len() > 1).then(|| {
        said.iter()
            .map(|(_, text)| text.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    });
    // Stable: questions of one weight stay in the form's order.
    said.sort_by_key(|&(weight, _)| std::cmp::Reverse(weight));
    let named: Vec<String> = said.into_iter().map(|(_, text)| text).collect();
    Said {
        short: some_of_joined(&named, "; "),
        detail,
        neutral: false,
    }
}

/// One question both answered, in words: the options both chose (`chosen` is the mentor's
/// answer), or that the answers differ.
fn answer_said(question: usize, mentee: &Answer, chosen: u32, words: &dyn Vocabulary) -> String {
    let text = words.question(question);
    let shared = mentee.chosen & chosen;
    let options: Vec<String> = (0..32)
        .filter(|bit| shared & (1 << bit) != 0)
        .map(|bit| format!("\"{}\"", words.option(question, bit)))
        .collect();
    match (mentee.rule, shared) {
        (AnswerRule::Different, 0) => {
            format!("different answers to \"{text}\", as the programme asks")
        }
        (_, 0) => format!("different answers to \"{text}\""),
        (AnswerRule::Different, _) => format!(
            "both chose {} for \"{text}\", where the programme asks for different answers",
            some_of(&options)
        ),
        (AnswerRule::Same | AnswerRule::Covers, _) => {
            format!("both chose {} for \"{text}\"", some_of(&options))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
            junior_mentors: false,
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
            junior_mentors: false,
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

    /// A profile whose only fields are its answers to the programme's questions.
    fn answering(answers: &[(u32, AnswerRule, u8)]) -> Profile {
        Profile {
            answers: answers
                .iter()
                .map(|&(chosen, rule, weight_tenths)| Answer {
                    chosen,
                    rule,
                    weight_tenths,
                })
                .collect(),
            ..Profile::default()
        }
    }

    const A: u32 = 1;
    const B: u32 = 2;
    const C: u32 = 4;

    #[test]
    fn each_rule_compares_the_options_both_chose() {
        let value = |rule, mentee, mentor| {
            programme_value(
                &answering(&[(mentee, rule, 10)]),
                &answering(&[(mentor, rule, 10)]),
            )
        };
        assert_eq!(value(AnswerRule::Same, A | B, B | C), 1.0 / 3.0);
        assert_eq!(value(AnswerRule::Different, A | B, B | C), 2.0 / 3.0);
        assert_eq!(value(AnswerRule::Covers, A | B, B | C), 0.5);
        assert_eq!(value(AnswerRule::Same, A, A), 1.0);
        assert_eq!(value(AnswerRule::Different, A, B), 1.0);
        assert_eq!(value(AnswerRule::Covers, A | B, A | B | C), 1.0);
        assert_eq!(value(AnswerRule::Covers, A | B | C, A), 1.0 / 3.0);
        assert_eq!(AnswerRule::Covers.agreement(0, A), 0.0);
        assert_eq!(AnswerRule::Same.agreement(0, 0), 0.0);
    }

    #[test]
    fn the_rule_and_the_weight_are_read_from_the_mentees_answer() {
        let mentee = answering(&[(A | B, AnswerRule::Covers, 10)]);
        let mentor = answering(&[(B, AnswerRule::Same, 90)]);
        assert_eq!(programme_value(&mentee, &mentor), 0.5);
    }

    #[test]
    fn a_heavier_question_outweighs_a_lighter_one_by_its_weight() {
        let mentee = answering(&[(A, AnswerRule::Same, 30), (A, AnswerRule::Same, 10)]);
        let agrees_on_heavy = answering(&[(A, AnswerRule::Same, 30), (B, AnswerRule::Same, 10)]);
        let agrees_on_light = answering(&[(B, AnswerRule::Same, 30), (A, AnswerRule::Same, 10)]);
        // (3 × 1 + 1 × 0) / 4 and (3 × 0 + 1 × 1) / 4.
        assert_eq!(programme_value(&mentee, &agrees_on_heavy), 0.75);
        assert_eq!(programme_value(&mentee, &agrees_on_light), 0.25);
        let w = Weights {
            programme: 1.0,
            ..Weights::default()
        }
        .normalised()
        .unwrap();
        assert!(
            score(&mentee, &agrees_on_heavy, &w).total > score(&mentee, &agrees_on_light, &w).total
        );
    }

    #[test]
    fn questions_not_answered_by_both_are_skipped() {
        let mentee = answering(&[
            (A, AnswerRule::Same, 10),
            (0, AnswerRule::Same, 10),
            (B, AnswerRule::Same, 50),
        ]);
        let mentor = answering(&[
            (A, AnswerRule::Same, 10),
            (A, AnswerRule::Same, 10),
            (0, AnswerRule::Same, 50),
        ]);
        assert_eq!(
            programme_value(&mentee, &mentor),
            1.0,
            "only the first counts"
        );
        let unanswered = answering(&[(0, AnswerRule::Same, 10); 3]);
        assert_eq!(programme_value(&mentee, &unanswered), UNKNOWN);
        assert_eq!(programme_value(&unanswered, &mentor), UNKNOWN);
        assert_eq!(programme_value(&mentee, &Profile::default()), UNKNOWN);
        let weightless = answering(&[(A, AnswerRule::Same, 0)]);
        assert_eq!(programme_value(&weightless, &mentor), UNKNOWN);
    }

    /// The programme factor as the domain's `programme_fit` states it, on sets of options
    /// and weights as numbers.
    fn reference_programme_value(mentee: &[Answer], mentor: &[Answer]) -> f64 {
        use std::collections::BTreeSet;
        let set =
            |bits: u32| -> BTreeSet<u32> { (0..32).filter(|k| bits & (1 << k) != 0).collect() };
        let (mut total, mut weights) = (0.0, 0.0);
        for (a, b) in mentee.iter().zip(mentor) {
            let (mine, theirs) = (set(a.chosen), set(b.chosen));
            if mine.is_empty() || theirs.is_empty() {
                continue;
            }
            let both = mine.intersection(&theirs).count() as f64;
            let either = mine.union(&theirs).count() as f64;
            let agreement = match a.rule {
                AnswerRule::Same => both / either,
                AnswerRule::Different => 1.0 - both / either,
                AnswerRule::Covers => both / mine.len() as f64,
            };
            let weight = f64::from(a.weight_tenths) / 10.0;
            total += weight * agreement;
            weights += weight;
        }
        if weights == 0.0 {
            UNKNOWN
        } else {
            total / weights
        }
    }

    fn answers(n: usize) -> impl Strategy<Value = Vec<(u32, u8)>> {
        // Few options, so that answers often share some; a third not answered.
        let chosen = prop_oneof![1 => Just(0u32), 2 => 1u32..16, 1 => any::<u32>()];
        prop::collection::vec((chosen, 1u8..=100), n)
    }

    proptest! {
        #[test]
        fn the_programme_value_is_the_weighted_mean_of_each_questions_agreement(
            (rules, mentee, mentor) in (0usize..6).prop_flat_map(|n| (
                prop::collection::vec(
                    prop::sample::select(vec![AnswerRule::Same, AnswerRule::Different, AnswerRule::Covers]),
                    n,
                ),
                answers(n),
                answers(n),
            )),
        ) {
            let side = |answered: &[(u32, u8)], own_weight: bool| -> Vec<Answer> {
                answered
                    .iter()
                    .zip(&rules)
                    .zip(&mentee)
                    .map(|((&(chosen, weight), &rule), &(_, mentees))| Answer {
                        chosen,
                        rule,
                        weight_tenths: if own_weight { weight } else { mentees },
                    })
                    .collect()
            };
            let (a, b) = (side(&mentee, true), side(&mentor, false));
            let expected = reference_programme_value(&a, &b);
            let value = programme_value(
                &Profile { answers: a.clone(), ..Profile::default() },
                &Profile { answers: b, ..Profile::default() },
            );
            prop_assert!((value - expected).abs() < 1e-12, "{} against {}", value, expected);
            prop_assert!((0.0..=1.0).contains(&value));
        }
    }

    /// Names for a form of three questions.
    struct Form;
    impl Vocabulary for Form {
        fn skill(&self, _: u32) -> &str {
            "a skill"
        }
        fn industry(&self, _: u32) -> &str {
            "an industry"
        }
        fn focus_area(&self, _: u32) -> &str {
            "a focus area"
        }
        fn question(&self, question: usize) -> &str {
            [
                "Which track interests you?",
                "How do you like to meet?",
                "Which team are you in?",
            ]
            .get(question)
            .copied()
            .unwrap_or("Another question")
        }
        fn option(&self, question: usize, option: u32) -> &str {
            let options: &[&str] = match question {
                0 => &["Data", "Design", "Product"],
                1 => &["In person", "Video"],
                _ => &["Sales", "Support"],
            };
            options[option as usize]
        }
    }

    #[test]
    fn the_programme_reason_says_what_both_chose_for_each_question() {
        let w = Weights {
            programme: 0.3,
            ..Weights::default()
        }
        .normalised()
        .unwrap();
        let programme = |mentee: &Profile, mentor: &Profile| {
            let explained = explain(mentee, mentor, "Ana", &w, &Form, Audience::Mentee);
            let last = explained.factors.last().unwrap().clone();
            assert_eq!(last.factor, Factor::Programme);
            last
        };
        let one = programme(
            &answering(&[(A | B, AnswerRule::Same, 10)]),
            &answering(&[(A | C, AnswerRule::Same, 10)]),
        );
        assert_eq!(
            one.reason,
            "Both chose \"Data\" for \"Which track interests you?\""
        );
        assert_eq!(one.detail, one.reason);
        assert!(!one.neutral);
        let mentee = answering(&[
            (A | B, AnswerRule::Covers, 10),
            (B, AnswerRule::Same, 20),
            (A, AnswerRule::Different, 30),
        ]);
        let mentor = answering(&[
            (A | B | C, AnswerRule::Covers, 10),
            (A, AnswerRule::Same, 20),
            (B, AnswerRule::Different, 30),
        ]);
        let three = programme(&mentee, &mentor);
        assert_eq!(
            three.reason,
            "Different answers to \"Which team are you in?\", as the programme asks; \
             different answers to \"How do you like to meet?\"; \
             both chose \"Data\", \"Design\" for \"Which track interests you?\"",
            "the heaviest question first"
        );
        assert_eq!(
            three.detail,
            "both chose \"Data\", \"Design\" for \"Which track interests you?\"; \
             different answers to \"How do you like to meet?\"; \
             different answers to \"Which team are you in?\", as the programme asks",
            "every question in the form's order"
        );
        let alike = programme(
            &answering(&[(B, AnswerRule::Different, 10)]),
            &answering(&[(B | A, AnswerRule::Different, 10)]),
        );
        assert_eq!(
            alike.reason,
            "Both chose \"Design\" for \"Which track interests you?\", \
             where the programme asks for different answers"
        );
        let many = programme(
            &answering(&[(A, AnswerRule::Same, 10); 5]),
            &answering(&[(A, AnswerRule::Same, 10); 5]),
        );
        assert!(
            many.reason
                .ends_with("for \"Which team are you in?\" and 2 more"),
            "{}",
            many.reason
        );
        assert_eq!(many.detail.matches("both chose").count(), 5);
        let none = programme(
            &answering(&[(A, AnswerRule::Same, 10), (0, AnswerRule::Same, 10)]),
            &answering(&[(0, AnswerRule::Same, 10), (A, AnswerRule::Same, 10)]),
        );
        assert_eq!(none.reason, "No programme questions answered by both");
        assert!(none.neutral);
        assert_eq!(none.value, UNKNOWN);
    }

    #[test]
    fn a_vocabulary_without_the_forms_words_still_explains_the_programme() {
        let w = Weights {
            programme: 0.3,
            ..Weights::default()
        }
        .normalised()
        .unwrap();
        let explained = explain(
            &answering(&[(A, AnswerRule::Same, 10)]),
            &answering(&[(A, AnswerRule::Same, 10)]),
            "Ana",
            &w,
            &Words,
            Audience::Operator,
        );
        assert_eq!(
            explained.factors.last().unwrap().reason,
            "Both chose \"an option\" for \"a programme question\""
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

    #[test]
    fn reverse_mentoring_pairs_a_junior_mentor_with_a_senior_mentee() {
        assert!(junior(Some(20), Some(4)));
        assert!(!junior(Some(4), Some(4)) && !junior(Some(4), Some(20)));
        assert!(!junior(None, Some(2)) && !junior(Some(20), None));
        let rules = Rules {
            junior_mentors: true,
            relevance: false,
            ..Rules::default()
        };
        let person = |years| Profile {
            years_experience: Some(years),
            languages: 1,
            ..Profile::default()
        };
        let (senior, newcomer) = (person(25), person(3));
        assert_eq!(exclusion(&senior, &newcomer, false, 1, false, &rules), None);
        assert_eq!(
            exclusion(&newcomer, &senior, false, 1, false, &rules),
            Some(Exclusion::NotJunior)
        );
        assert_eq!(
            exclusion(&newcomer, &senior, false, 1, false, &Rules::default()),
            None
        );
    }
}
