//! Scoring one mentee against many mentors, fast: the mentors' fields in columns, and for
//! each mentee a [`Lens`] of lookup tables, one per factor, over the values a mentor's field
//! can take, already multiplied by the factor's weight.
//!
//! A score from the lens uses the same functions, the same operands and the same order of
//! additions as [`crate::score::score`], so it is bit-for-bit equal to it (and its integer
//! weight equal to [`crate::graph::quantize`] of it).

use crate::cohort::Cohort;
use crate::graph::{WEIGHT_SCALE, quantize};
use crate::score::{
    self, Profile, SkillLevel, UNKNOWN, Visibility, availability_fit, focus_fit, industry_fit,
    level_fit, level_fit_twentieths, seniority_fit, time_zone_fit,
};

/// `years_experience` not given.
pub(crate) const NO_YEARS: u16 = 256;

/// A mentor's fields that take few values, interned, packed in eight bytes.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Fields {
    /// Index into [`Mentors::offsets`].
    pub offset: u32,
    /// Index into [`Mentors::industries`].
    pub industry: u32,
    pub focus: u8,
    /// Years of experience, [`NO_YEARS`] when not given.
    pub years: u16,
    /// Hours a month, capped at 255 (availability is the same from 4 hours up).
    pub hours: u8,
}

/// The mentors' fields that scoring and the hard rules read, in columns, as one
/// [`Visibility`] sees them.
pub(crate) struct Mentors {
    /// Distinct UTC offsets (`None`: not known), sorted.
    pub offsets: Vec<Option<i32>>,
    /// Distinct industries (`None` first).
    pub industries: Vec<Option<u32>>,
    pub fields: Vec<Fields>,
    /// Mentor `j`'s skills are `skills[skill_start[j]..skill_start[j + 1]]`.
    skill_start: Vec<u32>,
    skills: Vec<SkillLevel>,
    /// Whether mentor `j` lists each skill once (so [`Lens::skills_part_in`] may be used).
    distinct_skills: Vec<bool>,
    pub languages: Vec<u128>,
    pub department: Vec<Option<u32>>,
}

fn years_code(years: Option<u8>) -> u16 {
    years.map_or(NO_YEARS, u16::from)
}

fn hours_code(hours: u16) -> u8 {
    hours.min(255) as u8
}

impl Mentors {
    /// The mentors' fields as `visibility` may see them: with [`Visibility::Public`], their
    /// private fields are "not known" (as in [`Profile::as_seen`]), at no cost to scoring.
    pub fn new(mentors: &[Profile], visibility: Visibility) -> Self {
        let mut offsets: Vec<Option<i32>> =
            mentors.iter().map(|m| m.offset_seen(visibility)).collect();
        offsets.sort_unstable();
        offsets.dedup();
        let mut industries: Vec<Option<u32>> = mentors.iter().map(|m| m.industry).collect();
        industries.push(None);
        industries.sort_unstable();
        industries.dedup();
        let index_of = |found: Result<usize, usize>| found.unwrap_or_default() as u32;
        Mentors {
            fields: mentors
                .iter()
                .map(|m| Fields {
                    offset: index_of(offsets.binary_search(&m.offset_seen(visibility))),
                    industry: index_of(industries.binary_search(&m.industry)),
                    focus: m.focus_areas,
                    years: years_code(m.years_seen(visibility)),
                    hours: hours_code(m.availability_hours),
                })
                .collect(),
            skill_start: std::iter::once(0)
                .chain(mentors.iter().scan(0u32, |end, m| {
                    *end += m.mentor_skills.len() as u32;
                    Some(*end)
                }))
                .collect(),
            skills: mentors
                .iter()
                .flat_map(|m| m.mentor_skills.iter().copied())
                .collect(),
            distinct_skills: mentors
                .iter()
                .map(|m| m.mentor_skills.windows(2).all(|w| w[0].skill < w[1].skill))
                .collect(),
            languages: mentors.iter().map(|m| m.languages).collect(),
            department: mentors
                .iter()
                .map(|m| m.department_seen(visibility))
                .collect(),
            offsets,
            industries,
        }
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether mentor `j` lists each skill once.
    pub fn distinct_skills(&self, j: usize) -> bool {
        self.distinct_skills[j]
    }
}

/// A factor's weighted values over the values of the mentor's field, and the same rounded
/// up to weight units (for bounds in integer arithmetic).
struct Row {
    value: Vec<f64>,
    up: Vec<i64>,
}

impl Row {
    fn new(values: impl Iterator<Item = f64>) -> Self {
        let value: Vec<f64> = values.collect();
        let up = value.iter().map(|&v| round_up(v)).collect();
        Row { value, up }
    }
}

/// A part of a score in weight units, rounded up (`as` truncates; the value is never
/// negative).
fn round_up(part: f64) -> i64 {
    (part * WEIGHT_SCALE as f64) as i64 + 1
}

/// Every table a mentee's lens can need, one [`Row`] per value of the mentee's own field,
/// built once for a cohort, so that a lens is a handful of lookups.
pub(crate) struct Tables {
    weights: [f64; 7],
    /// By the mentee's focus areas.
    focus: Vec<Row>,
    /// By the mentee's years code.
    seniority: Vec<Row>,
    /// By the mentee's hours code.
    hours: Vec<Row>,
    /// By the mentee's offset (`mentee_offsets`, sorted), over the mentors' offsets.
    tz: Vec<Row>,
    mentee_offsets: Vec<Option<i32>>,
    /// By the mentee's industry (`mentee_industries`, sorted), over the mentors'.
    industry: Vec<Row>,
    mentee_industries: Vec<Option<u32>>,
    /// Fit sums of one or two wanted skills by their sum in twentieths, as the profiles'
    /// scoring adds them; NaN where two different pairs of fits have the same sum.
    pair_sums: Vec<f64>,
}

/// For each sum in twentieths of at most two level fits, the sum of the fits themselves
/// as [`crate::score::score`] adds them (`0.0 + a + b`, in any order: one or two additions
/// commute); NaN where the sum in twentieths does not say which fits they were.
fn pair_sums() -> Vec<f64> {
    let mut fits: Vec<u32> = (0..=u8::MAX)
        .flat_map(|m| (0..=u8::MAX).map(move |e| level_fit_twentieths(m, e)))
        .collect();
    fits.sort_unstable();
    fits.dedup();
    let top = fits.last().copied().unwrap_or(0) as usize;
    let mut sums: Vec<Option<f64>> = vec![None; 2 * top + 1];
    let mut seen: Vec<Option<(u32, u32)>> = vec![None; 2 * top + 1];
    let value = |t: u32| f64::from(t) / 20.0;
    for (k, &a) in fits.iter().enumerate() {
        for &b in &fits[k..] {
            let at = (a + b) as usize;
            match seen[at] {
                None => {
                    seen[at] = Some((a, b));
                    sums[at] = Some(0.0 + value(a) + value(b));
                }
                Some(pair) if pair != (a, b) && sums[at] != Some(0.0 + value(a) + value(b)) => {
                    sums[at] = Some(f64::NAN);
                }
                Some(_) => {}
            }
        }
    }
    sums.into_iter().map(|s| s.unwrap_or(f64::NAN)).collect()
}

impl Tables {
    pub fn new(cohort: &Cohort, mentors: &Mentors) -> Self {
        let w = cohort.weights;
        let all = || 0..=255u8;
        let mut mentee_offsets: Vec<Option<i32>> = cohort
            .mentees
            .iter()
            .map(|m| m.utc_offset_minutes)
            .collect();
        mentee_offsets.sort_unstable();
        mentee_offsets.dedup();
        let mut mentee_industries: Vec<Option<u32>> =
            cohort.mentees.iter().map(|m| m.industry).collect();
        mentee_industries.sort_unstable();
        mentee_industries.dedup();
        Tables {
            weights: w,
            focus: all()
                .map(|e| Row::new(all().map(|m| weighted(w[1], || focus_fit(e, m)))))
                .collect(),
            seniority: (0..=NO_YEARS)
                .map(|e| {
                    let e = u8::try_from(e).ok();
                    Row::new((0..=NO_YEARS).map(|m| {
                        let m = u8::try_from(m).ok();
                        weighted(w[3], || seniority_fit(e, m))
                    }))
                })
                .collect(),
            hours: all()
                .map(|e| {
                    Row::new(
                        all().map(|m| {
                            weighted(w[5], || availability_fit(u16::from(e), u16::from(m)))
                        }),
                    )
                })
                .collect(),
            tz: mentee_offsets
                .iter()
                .map(|&e| {
                    Row::new(
                        mentors
                            .offsets
                            .iter()
                            .map(|&m| weighted(w[4], || time_zone_fit(e, m))),
                    )
                })
                .collect(),
            industry: mentee_industries
                .iter()
                .map(|&e| {
                    Row::new(
                        mentors
                            .industries
                            .iter()
                            .map(|&m| weighted(w[2], || industry_fit(e, m))),
                    )
                })
                .collect(),
            mentee_offsets,
            mentee_industries,
            pair_sums: pair_sums(),
        }
    }
}

/// One mentee's view of the mentors: each factor other than skills as a table over the
/// values a mentor's field can take, times its weight.
pub(crate) struct Lens<'a> {
    pub mentee: usize,
    pub profile: &'a Profile,
    pub weights: [f64; 7],
    /// The skills part for a mentor who mentors none of the wanted skills.
    pub no_skills: f64,
    /// The highest the skills part can be.
    pub best_skills: f64,
    pub tz: &'a [f64],
    pub industry: &'a [f64],
    pub focus: &'a [f64],
    pub seniority: &'a [f64],
    pub hours: &'a [f64],
    up: [&'a [i64]; 5],
    /// Weight units per unit of skill sum, for [`Lens::bound`].
    skills_up: f64,
    /// Whether the mentee wants each skill once, below the top level (so that
    /// [`Lens::want`] can mark them).
    distinct_wants: bool,
    department: Option<u32>,
    /// The skills the mentee wants, sorted, when the relevance rule applies to them
    /// ([`crate::score::relevant`]); `None` when it does not.
    relevance: Option<Vec<u32>>,
    blocked: &'a [(u32, u32)],
    pair_sums: &'a [f64],
}

impl<'a> Lens<'a> {
    /// The lens of `mentee`; `blocked` lists the pairs either side blocked, sorted.
    pub fn new(
        tables: &'a Tables,
        cohort: &'a Cohort,
        mentee: usize,
        blocked: &'a [(u32, u32)],
    ) -> Self {
        let profile = &cohort.mentees[mentee];
        let w = tables.weights;
        let (no_skills, best_skills) = if profile.growth_skills.is_empty() {
            (UNKNOWN * w[0], UNKNOWN * w[0])
        } else {
            (0.0 * w[0], w[0])
        };
        let focus = &tables.focus[profile.focus_areas as usize];
        let seniority = &tables.seniority[years_code(profile.years_experience) as usize];
        let hours = &tables.hours[hours_code(profile.availability_hours) as usize];
        let row = |found: Result<usize, usize>| found.unwrap_or_default();
        let tz = &tables.tz[row(tables
            .mentee_offsets
            .binary_search(&profile.utc_offset_minutes))];
        let industry =
            &tables.industry[row(tables.mentee_industries.binary_search(&profile.industry))];
        let from = blocked.partition_point(|&(i, _)| (i as usize) < mentee);
        let to = blocked.partition_point(|&(i, _)| (i as usize) <= mentee);
        Lens {
            mentee,
            profile,
            weights: w,
            no_skills,
            best_skills,
            tz: &tz.value,
            industry: &industry.value,
            focus: &focus.value,
            seniority: &seniority.value,
            hours: &hours.value,
            up: [&focus.up, &industry.up, &seniority.up, &tz.up, &hours.up],
            skills_up: if profile.growth_skills.is_empty() {
                0.0
            } else {
                w[0] / (20.0 * profile.growth_skills.len() as f64) * WEIGHT_SCALE as f64
            },
            distinct_wants: profile.growth_skills.iter().enumerate().all(|(k, want)| {
                want.level < u8::MAX
                    && profile.growth_skills[..k]
                        .iter()
                        .all(|w| w.skill != want.skill)
            }),
            department: profile.department,
            relevance: (cohort.rules.relevance
                && !(profile.growth_skills.is_empty() && profile.focus_areas == 0))
                .then(|| {
                    let mut wanted: Vec<u32> =
                        profile.growth_skills.iter().map(|w| w.skill).collect();
                    wanted.sort_unstable();
                    wanted.dedup();
                    wanted
                }),
            blocked: &blocked[from..to],
            pair_sums: &tables.pair_sums,
        }
    }

    /// The skills part for a mentor whose level fits, summed in the mentee's order, add up
    /// to `sum`.
    #[inline]
    pub fn skills_part(&self, sum: f64) -> f64 {
        if self.profile.growth_skills.is_empty() {
            return self.no_skills;
        }
        weighted(self.weights[0], || {
            sum / self.profile.growth_skills.len() as f64
        })
    }

    /// The skills part for `mentor`, from their profile.
    pub fn skills_part_of(&self, mentor: &Profile) -> f64 {
        weighted(self.weights[0], || {
            score::skills_value(self.profile, mentor)
        })
    }

    /// Mentor `j`'s fit in the skills in `wanted` (the mentee's level plus one by skill id
    /// for each skill they want, 0 for the others: see [`Lens::want`]): its sum in
    /// twentieths ([`crate::score::level_fit_twentieths`]), and the skills part when it
    /// can be summed here exactly (else [`Lens::skills_part_of`] gives it).
    #[inline]
    pub fn fit_in(&self, mentors: &Mentors, j: usize, wanted: &[u8]) -> (u32, Option<f64>) {
        let range = mentors.skill_start[j] as usize..mentors.skill_start[j + 1] as usize;
        let (mut shared, mut twentieths, mut sum) = (0, 0, 0.0);
        for s in &mentors.skills[range] {
            if let Some(&want) = wanted.get(s.skill as usize)
                && want > 0
            {
                shared += 1;
                twentieths += level_fit_twentieths(s.level, want - 1);
                sum += level_fit(s.level, want - 1);
            }
        }
        // Added to 0.0 in any order, one or two values sum the same as in the mentee's
        // order (the others add 0.0).
        let exact = shared <= 2 && self.distinct_wants && mentors.distinct_skills[j];
        (twentieths, exact.then(|| self.skills_part(sum)))
    }

    /// Whether the mentee wants each skill once (so that sets of skills count them).
    pub fn wants_distinct(&self) -> bool {
        self.distinct_wants
    }

    /// The fit sum (as [`crate::score::score`] adds it) of a mentor who mentors at most two
    /// of the wanted skills, with those fits summing to `twentieths`; `None` when it cannot
    /// be told from that (see [`Lens::skills_part_of`]).
    #[inline]
    pub fn pair_sum(&self, mentors: &Mentors, j: usize, twentieths: u32) -> Option<f64> {
        let sum = *self.pair_sums.get(twentieths as usize)?;
        (!sum.is_nan() && self.distinct_wants && mentors.distinct_skills[j]).then_some(sum)
    }

    /// Marks the wanted skills in `wanted` (`on`), or clears them again.
    pub fn want(&self, wanted: &mut [u8], on: bool) {
        for want in &self.profile.growth_skills {
            if let Some(slot) = wanted.get_mut(want.skill as usize) {
                *slot = if on { want.level.saturating_add(1) } else { 0 };
            }
        }
    }

    /// An upper bound of the pair's weight, in integer arithmetic: `skills` is an upper
    /// bound of the skills part, in weight units, rounded up.
    #[inline]
    pub fn bound(&self, fields: Fields, skills: i64) -> i64 {
        let [focus, industry, seniority, tz, hours] = self.up;
        skills
            + focus[fields.focus as usize]
            + industry[fields.industry as usize]
            + seniority[fields.years as usize]
            + tz[fields.offset as usize]
            + hours[fields.hours as usize]
            + round_up(self.weights[6])
            + 1
    }

    /// [`Lens::bound`]'s skills for a mentor whose level fits add up to `twentieths` / 20
    /// ([`crate::score::level_fit_twentieths`]).
    #[inline]
    pub fn skills_up(&self, twentieths: u32) -> i64 {
        if self.profile.growth_skills.is_empty() {
            round_up(self.no_skills)
        } else {
            (f64::from(twentieths) * self.skills_up) as i64 + 1
        }
    }

    /// The exact weight of the pair, given its skills part.
    #[inline]
    pub fn weight(&self, cohort: &Cohort, mentors: &Mentors, j: usize, skills: f64) -> i64 {
        quantize(self.score(cohort, mentors, j, skills))
    }

    /// The exact score of the pair (as [`crate::score::score`] gives it), given its skills
    /// part.
    #[inline]
    pub fn score(&self, cohort: &Cohort, mentors: &Mentors, j: usize, skills: f64) -> f64 {
        let programme = if self.weights[6] == 0.0 {
            0.0
        } else {
            self.weights[6] * score::programme_value(self.profile, &cohort.mentors[j])
        };
        let f = mentors.fields[j];
        let parts = [
            skills,
            self.focus[f.focus as usize],
            self.industry[f.industry as usize],
            self.seniority[f.years as usize],
            self.tz[f.offset as usize],
            self.hours[f.hours as usize],
            programme,
        ];
        score::total(&parts)
    }

    /// Whether the hard rules allow the pair (as [`crate::score::exclusion`] decides).
    #[inline]
    pub fn allowed(&self, cohort: &Cohort, mentors: &Mentors, j: usize) -> bool {
        self.profile.languages & mentors.languages[j] != 0
            && cohort.free_places.get(j).is_some_and(|&free| free > 0)
            && cohort.mentee_person.get(self.mentee) != cohort.mentor_person.get(j)
            && !(cohort.rules.different_department
                && self.department.is_some()
                && self.department == mentors.department[j])
            && (!cohort.rules.junior_mentors
                || score::junior(
                    self.profile.years_experience,
                    u8::try_from(mentors.fields[j].years).ok(),
                ))
            && self
                .blocked
                .binary_search_by_key(&(j as u32), |&(_, m)| m)
                .is_err()
            && self.relevant(mentors, j)
    }

    /// Whether mentor `j` passes the relevance rule for this mentee (as
    /// [`crate::score::relevant`] decides), or the rule does not apply.
    #[inline]
    fn relevant(&self, mentors: &Mentors, j: usize) -> bool {
        let Some(wanted) = &self.relevance else {
            return true;
        };
        let range = mentors.skill_start[j] as usize..mentors.skill_start[j + 1] as usize;
        self.profile.focus_areas & mentors.fields[j].focus != 0
            || mentors.skills[range]
                .iter()
                .any(|s| wanted.binary_search(&s.skill).is_ok())
    }
}

/// One past the highest skill id anyone in the cohort wants or mentors: the size of a
/// table by skill.
pub(crate) fn skill_ids(cohort: &Cohort) -> usize {
    cohort
        .mentees
        .iter()
        .chain(&cohort.mentors)
        .flat_map(|p| p.growth_skills.iter().chain(&p.mentor_skills))
        .map(|s| s.skill as usize + 1)
        .max()
        .unwrap_or(0)
}

/// A weight times a factor's value, skipping the factor when its weight is 0 (as
/// [`crate::score::score`] does).
#[inline]
pub(crate) fn weighted(weight: f64, value: impl FnOnce() -> f64) -> f64 {
    if weight == 0.0 { 0.0 } else { value() * weight }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people;
    use crate::score::{Answer, AnswerRule, Private, Rules, Weights, exclusion};
    use crate::synthetic::SplitMix64;

    #[test]
    fn the_lens_scores_and_rules_as_the_profiles_do() {
        lens_agrees_with_the_profiles(Visibility::All);
    }

    #[test]
    fn the_lens_scores_and_rules_as_the_public_profiles_do() {
        lens_agrees_with_the_profiles(Visibility::Public);
    }

    /// Every pair's weight, bounds and rules from the lens over mentors as `visibility`
    /// sees them equal those of [`score::score`] and [`exclusion`] over the mentors'
    /// profiles as it sees them ([`Profile::as_seen`]); some mentors keep fields private.
    fn lens_agrees_with_the_profiles(visibility: Visibility) {
        let mut cohort = people::cohort(60, 80, 2, 3);
        // A form of four matching questions of every rule and of weights 0.5 to 10, answered
        // at random (a fifth of the answers left out, and some people answering none).
        let form = [
            (AnswerRule::Same, 10),
            (AnswerRule::Different, 30),
            (AnswerRule::Covers, 5),
            (AnswerRule::Same, 100),
        ];
        let mut rng = SplitMix64::new(17);
        for (k, person) in cohort
            .mentees
            .iter_mut()
            .chain(&mut cohort.mentors)
            .enumerate()
        {
            if k % 9 == 0 {
                continue;
            }
            person.answers = form
                .iter()
                .map(|&(rule, weight_tenths)| Answer {
                    chosen: if rng.below(5) == 0 {
                        0
                    } else {
                        1 + rng.below(15) as u32
                    },
                    rule,
                    weight_tenths,
                })
                .collect();
        }
        cohort.weights = Weights {
            programme: 0.2,
            ..Weights::default()
        }
        .normalised()
        .unwrap_or_else(|e| panic!("{e}"));
        let kinds = [
            Private::NONE,
            Private::YEARS_EXPERIENCE,
            Private::TIME_ZONE,
            Private::DEPARTMENT,
            Private::YEARS_EXPERIENCE | Private::TIME_ZONE | Private::DEPARTMENT,
        ];
        for (j, mentor) in cohort.mentors.iter_mut().enumerate() {
            mentor.private = kinds[j % kinds.len()];
        }
        // Mentees keep fields private too: their own lens still uses them.
        for (i, mentee) in cohort.mentees.iter_mut().enumerate() {
            mentee.private = kinds[i % kinds.len()];
        }
        cohort.rules = Rules {
            different_department: true,
            relevance: true,
            junior_mentors: false,
        };
        // Mentees the relevance rule leaves with fewer mentors, or none to apply to.
        cohort.mentees[11].focus_areas = 0;
        cohort.mentees[12].focus_areas = 0;
        cohort.mentees[12].growth_skills.clear();
        cohort.free_places[5] = 0;
        cohort.blocked = vec![(1, 2), (1, 7), (4, 0)];
        cohort.mentor_person[9] = cohort.mentee_person[3];
        // The ends of the ranges: 255 years, the highest department id.
        cohort.mentees[5].years_experience = Some(253);
        cohort.mentors[6].years_experience = Some(255);
        cohort.mentees[7].department = Some(u32::MAX);
        cohort.mentors[8].department = Some(u32::MAX);
        // A mentor in a mentee's department who hides it.
        cohort.mentees[10].department = cohort.mentors[3].department;
        cohort.mentees[10].languages |= cohort.mentors[3].languages;
        assert_eq!(cohort.mentors[3].private, Private::DEPARTMENT);
        let mentors = Mentors::new(&cohort.mentors, visibility);
        let tables = Tables::new(&cohort, &mentors);
        let (mut allowed, mut excluded, mut paired, mut irrelevant) = (0, 0, 0, 0);
        let mut answered = 0;
        for i in 0..cohort.mentees.len() {
            let lens = Lens::new(&tables, &cohort, i, &cohort.blocked);
            for (j, mentor) in cohort.mentors.iter().enumerate() {
                let mentor = &mentor.as_seen(visibility);
                let expected = score::score(&cohort.mentees[i], mentor, &cohort.weights).total;
                let skills = lens.skills_part_of(mentor);
                let w = lens.weight(&cohort, &mentors, j, skills);
                assert_eq!(
                    lens.score(&cohort, &mentors, j, skills).to_bits(),
                    expected.to_bits(),
                    "({i}, {j})"
                );
                assert_eq!(w, quantize(expected));
                let sum: u32 = cohort.mentees[i]
                    .growth_skills
                    .iter()
                    .map(|want| {
                        score::mentors_at(mentor, want.skill)
                            .map_or(0, |l| score::level_fit_twentieths(l, want.level))
                    })
                    .sum();
                let bound = lens.bound(mentors.fields[j], lens.skills_up(sum));
                let wants = &cohort.mentees[i].growth_skills;
                let shared = wants
                    .iter()
                    .filter(|want| score::mentors_at(mentor, want.skill).is_some())
                    .count();
                if let Some(pair) = lens.pair_sum(&mentors, j, sum)
                    && shared <= 2
                {
                    assert_eq!(lens.skills_part(pair), skills, "({i}, {j})");
                    paired += 1;
                }
                // The bound counts the programme part at its most.
                let value = score::programme_value(&cohort.mentees[i], mentor);
                answered += usize::from(value != score::UNKNOWN);
                let programme = cohort.weights[6] * (1.0 - value);
                assert!(
                    bound >= w && bound <= w + 10 + round_up(programme),
                    "({i}, {j}): bound {bound}, weight {w}"
                );
                assert!(lens.bound(mentors.fields[j], round_up(lens.best_skills)) >= w);
                let rule = exclusion(
                    &cohort.mentees[i],
                    mentor,
                    cohort.mentee_person[i] == cohort.mentor_person[j],
                    cohort.free_places[j],
                    cohort.blocked.contains(&(i as u32, j as u32)),
                    &cohort.rules,
                );
                assert_eq!(
                    lens.allowed(&cohort, &mentors, j),
                    rule.is_none(),
                    "({i}, {j})"
                );
                if rule == Some(score::Exclusion::NotRelevant) {
                    irrelevant += 1;
                }
                if rule.is_none() {
                    allowed += 1;
                } else {
                    excluded += 1;
                }
            }
        }
        assert!(allowed > 0 && excluded > 0 && paired > 1_000 && irrelevant > 0);
        assert!(
            answered > 3_000,
            "{answered} pairs compared on the programme's questions"
        );
        let lens = Lens::new(&tables, &cohort, 10, &cohort.blocked);
        assert_eq!(
            lens.allowed(&cohort, &mentors, 3),
            visibility == Visibility::Public,
            "a hidden department rules no one out"
        );
        // Reverse mentoring: the lens rules out the pairs the rule does, and only those.
        cohort.rules.junior_mentors = true;
        let mut not_junior = 0;
        for i in 0..cohort.mentees.len() {
            let lens = Lens::new(&tables, &cohort, i, &cohort.blocked);
            for (j, mentor) in cohort.mentors.iter().enumerate() {
                let rule = exclusion(
                    &cohort.mentees[i],
                    &mentor.as_seen(visibility),
                    cohort.mentee_person[i] == cohort.mentor_person[j],
                    cohort.free_places[j],
                    cohort.blocked.contains(&(i as u32, j as u32)),
                    &cohort.rules,
                );
                not_junior += usize::from(rule == Some(score::Exclusion::NotJunior));
                assert_eq!(
                    lens.allowed(&cohort, &mentors, j),
                    rule.is_none(),
                    "({i}, {j})"
                );
            }
        }
        assert!(not_junior > 0);
    }
}
