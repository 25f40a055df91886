//! Whole-cohort matching from profiles, without scoring every pair.
//!
//! 100,000 mentees × 20,000 mentors is 2·10⁹ pairs: too many to score. Instead:
//!
//! 1. **Candidates.** A skill index (skill → the mentors who mentor it) finds, for each
//!    mentee, the mentors who share a skill they want; those are scored exactly. Every other
//!    mentor scores nothing on skills, so their score depends only on a handful of profile
//!    fields: mentors are grouped by time zone and industry, and a group's best possible
//!    score for the mentee (an upper bound) says whether any of them could still make the
//!    mentee's top `k`. Each mentee keeps their top `k`; each mentor keeps their top `k′`
//!    of the mentees who scored them, so that a popular mentor's rivals still have somewhere
//!    to go (one-sided top-k collapses when everyone wants the same senior mentors).
//! 2. **Solve** the candidate graph exactly ([`crate::objective`]).
//! 3. **Certify.** The solver's dual prices say which left-out pairs could improve the
//!    total: those whose weight exceeds the mentee's price plus the mentor's. The same index
//!    and group bounds find every such pair without scoring the rest; they are added and
//!    the graph solved again, until none is left. The result is then the optimum over all
//!    pairs the hard rules allow, not just over the candidates.
//!
//! Scores are computed from per-mentee lookup tables but with the same functions and in the
//! same order as [`crate::score::score`], so they are bit-for-bit equal to it.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use rayon::prelude::*;

use crate::graph::{CandidateGraph, quantize};
use crate::objective::{self, Objective, ObjectiveSolution};
use crate::score::{
    self, Profile, Rules, UNKNOWN, availability_fit, exclusion, focus_fit, industry_fit, level_fit,
    seniority_fit, time_zone_fit,
};

/// Everyone taking part, and the rules.
#[derive(Clone, Debug, Default)]
pub struct Cohort {
    pub mentees: Vec<Profile>,
    pub mentors: Vec<Profile>,
    /// Each mentee's person number (any numbering shared with `mentor_person`): a person
    /// who is both a mentee and a mentor is never matched with themself.
    pub mentee_person: Vec<u32>,
    pub mentor_person: Vec<u32>,
    /// How many more mentees each mentor can take.
    pub free_places: Vec<u32>,
    /// `(mentee, mentor)` index pairs that either side has blocked.
    pub blocked: Vec<(u32, u32)>,
    pub rules: Rules,
    /// Normalised weights ([`crate::score::Weights::normalised`]).
    pub weights: [f64; 7],
    /// Pairs scoring below this are not allowed.
    pub min_score: f64,
}

/// How the cohort is matched.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// Candidates kept per mentee.
    pub mentee_k: usize,
    /// Candidates kept per mentor.
    pub mentor_k: usize,
    pub objective: Objective,
    /// Rounds of "add the improving pairs and solve again" before giving up on the proof.
    pub max_rounds: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mentee_k: 24,
            mentor_k: 16,
            objective: Objective::MaxTotal,
            max_rounds: 8,
        }
    }
}

/// The stages of a run, reported as they start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Candidates,
    /// Reported by callers that time the stages, after the last one.
    Done,
    Solve {
        round: usize,
    },
    Certify {
        round: usize,
    },
}

/// A matched cohort.
#[derive(Debug, Clone)]
pub struct CohortMatch {
    /// The final candidate graph (mentees and mentors by cohort index).
    pub graph: CandidateGraph,
    pub solution: ObjectiveSolution,
    /// Pairs in the first candidate graph.
    pub candidate_pairs: usize,
    /// Pairs added because the prices showed they could improve the result.
    pub added_pairs: usize,
    /// Solves run (1 when the first candidate graph was already optimal).
    pub rounds: usize,
    /// True when the prices prove that no allowed pair left out of `graph` could improve
    /// the result: it is the optimum over all allowed pairs.
    pub certified: bool,
}

/// Matches the cohort: candidates, exact solve, certificate over all pairs.
///
/// The certificate covers the objectives whose last stage is the whole answer
/// ([`Objective::MaxTotal`], and [`Objective::MaxParticipation`] through its bonus). For
/// [`Objective::MaxMin`] the pairs at or above the threshold are priced, so `certified`
/// means that no such pair could improve the total at that threshold.
pub fn match_cohort(
    cohort: &Cohort,
    options: &Options,
    stage: &(dyn Fn(Stage) + Sync),
) -> CohortMatch {
    let scorer = Scorer::new(cohort);
    stage(Stage::Candidates);
    let mut pairs = scorer.candidates(options.mentee_k, options.mentor_k);
    let candidate_pairs = pairs.len();
    let mut added_pairs = 0;
    let mut round = 0;
    loop {
        round += 1;
        stage(Stage::Solve { round });
        let graph =
            CandidateGraph::from_pairs(cohort.mentees.len(), cohort.free_places.clone(), &pairs);
        let solution = objective::solve(&graph, options.objective);
        stage(Stage::Certify { round });
        let (improving, near) = scorer.priced_pairs(&graph, &solution, NEAR_SLACK);
        if improving.is_empty() || round >= options.max_rounds {
            let certified = improving.is_empty();
            return CohortMatch {
                graph,
                solution,
                candidate_pairs,
                added_pairs,
                rounds: round,
                certified,
            };
        }
        added_pairs += improving.len() + near.len();
        pairs.extend(improving);
        pairs.extend(near);
    }
}

/// A mentor's fields that matter when they share no skill with the mentee, in columns.
struct Mentors {
    offset: Vec<u16>,
    focus: Vec<u8>,
    years: Vec<u8>,
    hours: Vec<u16>,
}

const NO_YEARS: u8 = u8::MAX;

/// Mentors with the same time zone and industry; the bounds of the fields that vary.
struct Group {
    offset: u16,
    industry: Option<u32>,
    mentors: Vec<u32>,
    focus_any: u8,
    focus_unknown: bool,
    min_years: u8,
    max_years: u8,
    years_unknown: bool,
    max_hours: u16,
}

struct Scorer<'a> {
    cohort: &'a Cohort,
    offsets: Vec<i32>,
    mentors: Mentors,
    /// skill → (mentor, level), for mentors with free places.
    index: Vec<Vec<(u32, u8)>>,
    groups: Vec<Group>,
    /// Each mentor's group (closed mentors: none, `u32::MAX`).
    mentor_group: Vec<u32>,
    blocked: Vec<(u32, u32)>,
}

/// One mentee's view of the mentors: each part of the score as a table over the values a
/// mentor's field can take, already multiplied by its weight.
struct Lens<'a> {
    mentee: usize,
    profile: &'a Profile,
    weights: [f64; 7],
    /// The skills part for a mentor who mentors none of the wanted skills.
    no_skills: f64,
    tz: Vec<f64>,
    focus: [f64; 256],
    seniority: [f64; 256],
}

/// Per-thread scratch for the skill index: each mentor's running skill sum, and which
/// mentors were touched.
struct Scratch {
    sums: Vec<f64>,
    touched: Vec<u32>,
    seen: Vec<bool>,
}

impl Scratch {
    fn new(mentors: usize) -> Self {
        Scratch {
            sums: vec![0.0; mentors],
            touched: Vec::new(),
            seen: vec![false; mentors],
        }
    }

    fn clear(&mut self) {
        for &m in &self.touched {
            self.sums[m as usize] = 0.0;
            self.seen[m as usize] = false;
        }
        self.touched.clear();
    }
}

impl<'a> Scorer<'a> {
    fn new(cohort: &'a Cohort) -> Self {
        let mut offsets: Vec<i32> = cohort
            .mentors
            .iter()
            .map(|m| m.utc_offset_minutes)
            .collect();
        offsets.sort_unstable();
        offsets.dedup();
        let offset_of = |o: i32| offsets.binary_search(&o).unwrap_or_default() as u16;
        let mentors = Mentors {
            offset: cohort
                .mentors
                .iter()
                .map(|m| offset_of(m.utc_offset_minutes))
                .collect(),
            focus: cohort.mentors.iter().map(|m| m.focus_areas).collect(),
            years: cohort
                .mentors
                .iter()
                .map(|m| m.years_experience.map_or(NO_YEARS, |y| y.min(NO_YEARS - 1)))
                .collect(),
            hours: cohort
                .mentors
                .iter()
                .map(|m| m.availability_hours)
                .collect(),
        };
        let open = |j: usize| cohort.free_places.get(j).copied().unwrap_or(0) > 0;
        let skills = cohort
            .mentees
            .iter()
            .chain(&cohort.mentors)
            .flat_map(|p| p.growth_skills.iter().chain(&p.mentor_skills))
            .map(|s| s.skill as usize + 1)
            .max()
            .unwrap_or(0);
        let mut index: Vec<Vec<(u32, u8)>> = vec![Vec::new(); skills];
        for (j, mentor) in cohort.mentors.iter().enumerate() {
            if open(j) {
                for s in &mentor.mentor_skills {
                    index[s.skill as usize].push((j as u32, s.level));
                }
            }
        }
        let mut by_key: BTreeMap<(u16, Option<u32>), Vec<u32>> = BTreeMap::new();
        for (j, mentor) in cohort.mentors.iter().enumerate() {
            if open(j) {
                by_key
                    .entry((mentors.offset[j], mentor.industry))
                    .or_default()
                    .push(j as u32);
            }
        }
        let groups: Vec<Group> = by_key
            .into_iter()
            .map(|((offset, industry), members)| {
                let mut group = Group {
                    offset,
                    industry,
                    focus_any: 0,
                    focus_unknown: false,
                    min_years: NO_YEARS,
                    max_years: 0,
                    years_unknown: false,
                    max_hours: 0,
                    mentors: Vec::new(),
                };
                for &j in &members {
                    let j = j as usize;
                    group.focus_any |= mentors.focus[j];
                    group.focus_unknown |= mentors.focus[j] == 0;
                    if mentors.years[j] == NO_YEARS {
                        group.years_unknown = true;
                    } else {
                        group.min_years = group.min_years.min(mentors.years[j]);
                        group.max_years = group.max_years.max(mentors.years[j]);
                    }
                    group.max_hours = group.max_hours.max(mentors.hours[j]);
                }
                group.mentors = members;
                group
            })
            .collect();
        let mut mentor_group = vec![u32::MAX; cohort.mentors.len()];
        for (g, group) in groups.iter().enumerate() {
            for &m in &group.mentors {
                mentor_group[m as usize] = g as u32;
            }
        }
        let mut blocked = cohort.blocked.clone();
        blocked.sort_unstable();
        Scorer {
            cohort,
            offsets,
            mentors,
            index,
            groups,
            mentor_group,
            blocked,
        }
    }

    fn lens(&self, mentee: usize) -> Lens<'a> {
        let profile = &self.cohort.mentees[mentee];
        let w = self.cohort.weights;
        let no_skills = if profile.growth_skills.is_empty() {
            UNKNOWN * w[0]
        } else {
            0.0 * w[0]
        };
        let tz = self
            .offsets
            .iter()
            .map(|&o| weighted(w[4], || time_zone_fit(profile.utc_offset_minutes, o)))
            .collect();
        let mut focus = [0.0; 256];
        let mut seniority = [0.0; 256];
        for v in 0..256 {
            focus[v] = weighted(w[1], || focus_fit(profile.focus_areas, v as u8));
            let years = (v as u8 != NO_YEARS).then_some(v as u8);
            seniority[v] = weighted(w[3], || seniority_fit(profile.years_experience, years));
        }
        Lens {
            mentee,
            profile,
            weights: w,
            no_skills,
            tz,
            focus,
            seniority,
        }
    }

    /// The exact score, from the lens and the mentor's skill sum (`None` when the mentor
    /// mentors none of the wanted skills).
    fn score(&self, lens: &Lens, mentor: usize, skill_sum: Option<f64>) -> f64 {
        let w = &lens.weights;
        let skills = match skill_sum {
            Some(sum) => weighted(w[0], || sum / lens.profile.growth_skills.len() as f64),
            None => lens.no_skills,
        };
        let m = &self.mentors;
        let profile = &self.cohort.mentors[mentor];
        let parts = [
            skills,
            lens.focus[m.focus[mentor] as usize],
            weighted(w[2], || {
                industry_fit(lens.profile.industry, profile.industry)
            }),
            lens.seniority[m.years[mentor] as usize],
            lens.tz[m.offset[mentor] as usize],
            weighted(w[5], || {
                availability_fit(lens.profile.availability_hours, m.hours[mentor])
            }),
            weighted(w[6], || score::programme_value(lens.profile, profile)),
        ];
        score::total(&parts)
    }

    /// The highest the parts other than skills can add up to for any mentor of the group.
    fn rest_bound(&self, lens: &Lens, group: &Group) -> f64 {
        let w = &lens.weights;
        let focus = if group.focus_unknown {
            lens.focus[0].max(lens.focus[group.focus_any as usize])
        } else {
            lens.focus[group.focus_any as usize]
        };
        let mut seniority = if group.years_unknown {
            lens.seniority[NO_YEARS as usize]
        } else {
            0.0
        };
        if group.min_years <= group.max_years {
            // The fit rises until 3 years ahead, is flat to 15, then falls: its highest
            // point in the group's range is on the plateau if the range reaches it, else at
            // the range's end nearest to it.
            let e = lens.profile.years_experience.map_or(0, i32::from);
            let (a, b) = (i32::from(group.min_years), i32::from(group.max_years));
            let best = (e + 3).max(a).min(b);
            let best = if best > e + 15 { a } else { best };
            seniority = seniority.max(lens.seniority[best.clamp(0, 254) as usize]);
        }
        let parts = [
            0.0,
            focus,
            weighted(w[2], || industry_fit(lens.profile.industry, group.industry)),
            seniority,
            lens.tz[group.offset as usize],
            weighted(w[5], || {
                availability_fit(lens.profile.availability_hours, group.max_hours)
            }),
            w[6],
        ];
        parts.iter().sum()
    }

    /// Upper bounds, as weights, of every mentor of each group: `[skills part + rest]`.
    /// One weight unit of slack covers the different order of the additions.
    fn bound(skills_part: f64, rest: f64) -> i64 {
        quantize((skills_part + rest).clamp(0.0, 1.0)) + 1
    }

    fn allowed(&self, mentee: usize, mentor: usize) -> bool {
        let c = self.cohort;
        let blocked = !self.blocked.is_empty()
            && self
                .blocked
                .binary_search(&(mentee as u32, mentor as u32))
                .is_ok();
        exclusion(
            &c.mentees[mentee],
            &c.mentors[mentor],
            c.mentee_person.get(mentee) == c.mentor_person.get(mentor),
            c.free_places.get(mentor).copied().unwrap_or(0),
            blocked,
            &c.rules,
        )
        .is_none()
    }

    /// Fills the scratch with the mentors who mentor a wanted skill and their skill sums.
    fn scatter(&self, lens: &Lens, scratch: &mut Scratch) {
        scratch.clear();
        for want in &lens.profile.growth_skills {
            let Some(mentors) = self.index.get(want.skill as usize) else {
                continue;
            };
            for &(m, level) in mentors {
                let k = m as usize;
                if !scratch.seen[k] {
                    scratch.seen[k] = true;
                    scratch.touched.push(m);
                }
                scratch.sums[k] += level_fit(level, want.level);
            }
        }
    }

    fn skills_part(&self, lens: &Lens, sum: f64) -> f64 {
        weighted(lens.weights[0], || {
            sum / lens.profile.growth_skills.len() as f64
        })
    }

    /// Offers the mentee's allowed pairs to `visit(mentor, weight)`, skipping every mentor
    /// whose upper bound `needs(mentor, bound)` says cannot matter: first the mentors who
    /// share a wanted skill, then the others group by group, best group first, stopping
    /// when `enough(bound)` says no lower bound can matter.
    fn visit(
        &self,
        lens: &Lens,
        scratch: &mut Scratch,
        needs: &mut dyn FnMut(u32, i64) -> bool,
        enough: &mut dyn FnMut(i64) -> bool,
        visit: &mut dyn FnMut(u32, i64),
    ) {
        self.scatter(lens, scratch);
        let min_score = quantize(self.cohort.min_score);
        let rest: Vec<f64> = self
            .groups
            .iter()
            .map(|g| self.rest_bound(lens, g))
            .collect();
        for &m in &scratch.touched {
            let j = m as usize;
            let skills = self.skills_part(lens, scratch.sums[j]);
            let bound = Self::bound(skills, rest[self.mentor_group[j] as usize]);
            if bound < min_score || !needs(m, bound) || !self.allowed(lens.mentee, j) {
                continue;
            }
            let w = quantize(self.score(lens, j, Some(scratch.sums[j])));
            if w >= min_score {
                visit(m, w);
            }
        }
        let mut bounds: Vec<(i64, usize)> = rest
            .iter()
            .enumerate()
            .map(|(g, &r)| (Self::bound(lens.no_skills, r), g))
            .filter(|&(bound, _)| bound >= min_score)
            .collect();
        bounds.sort_unstable_by_key(|&(bound, g)| (Reverse(bound), g));
        for (bound, g) in bounds {
            if enough(bound) {
                break;
            }
            for &m in &self.groups[g].mentors {
                let j = m as usize;
                if scratch.seen[j] || !needs(m, bound) || !self.allowed(lens.mentee, j) {
                    continue;
                }
                let w = quantize(self.score(lens, j, None));
                if w >= min_score {
                    visit(m, w);
                }
            }
        }
    }

    /// Runs `work` over the mentees in [`CHUNKS`] fixed chunks, in parallel, each with its
    /// own scratch; the results come back in chunk order.
    fn in_chunks<T: Send>(&self, work: impl Fn(&[usize], &mut Scratch) -> T + Sync) -> Vec<T> {
        let n = self.cohort.mentees.len();
        let mentors = self.cohort.mentors.len();
        (0..n)
            .collect::<Vec<_>>()
            .par_chunks(n.div_ceil(CHUNKS).max(1))
            .map(|mentees| work(mentees, &mut Scratch::new(mentors)))
            .collect()
    }

    /// Each mentee's top `mentee_k` and each mentor's top `mentor_k` pairs (among the pairs
    /// the mentee side scored), as `(mentee, mentor, weight)`, each pair once.
    fn candidates(&self, mentee_k: usize, mentor_k: usize) -> Vec<Candidate> {
        let mentors = self.cohort.mentors.len();
        let parts: Vec<(Vec<Candidate>, Vec<TopK>)> = self.in_chunks(|mentees, scratch| {
            let mut pairs = Vec::new();
            let mut by_mentor: Vec<TopK> = (0..mentors).map(|_| TopK::new(mentor_k)).collect();
            // A mentor's floor: what a pair must beat to enter their list (i64::MIN
            // while the list has room).
            let mut mentor_floor = vec![i64::MIN; mentors];
            for &i in mentees {
                let lens = self.lens(i);
                let top = std::cell::Cell::new(i64::MIN);
                let mut mine = TopK::new(mentee_k);
                let mut offered: Vec<(u32, i64)> = Vec::new();
                self.visit(
                    &lens,
                    scratch,
                    &mut |m, bound| bound >= top.get() || bound >= mentor_floor[m as usize],
                    &mut |bound| bound < top.get(),
                    &mut |m, w| {
                        mine.offer(w, m);
                        top.set(mine.floor().unwrap_or(i64::MIN));
                        offered.push((m, w));
                    },
                );
                for (m, w) in offered {
                    let j = m as usize;
                    if w >= mentor_floor[j] {
                        by_mentor[j].offer(w, i as u32);
                        mentor_floor[j] = by_mentor[j].floor().unwrap_or(i64::MIN);
                    }
                }
                pairs.extend(
                    mine.into_sorted()
                        .into_iter()
                        .map(|(w, m)| (i as u32, m, w)),
                );
            }
            (pairs, by_mentor)
        });
        let mut merged: Vec<TopK> = (0..mentors).map(|_| TopK::new(mentor_k)).collect();
        let mut pairs = Vec::new();
        for (chunk_pairs, by_mentor) in parts {
            pairs.extend(chunk_pairs);
            for (j, top) in by_mentor.into_iter().enumerate() {
                for (w, i) in top.into_sorted() {
                    merged[j].offer(w, i);
                }
            }
        }
        for (j, top) in merged.into_iter().enumerate() {
            pairs.extend(top.into_sorted().into_iter().map(|(w, i)| (i, j as u32, w)));
        }
        pairs.sort_unstable_by_key(|&(i, j, _)| (i, j));
        pairs.dedup_by_key(|&mut (i, j, _)| (i, j));
        pairs
    }

    /// Allowed pairs outside `graph` whose reduced profit under the solution's prices is
    /// above `-slack` weight units. The first list holds those the certificate admits
    /// (adding any could improve the result); the second the nearly admitted ones, which
    /// the next round's prices often admit, so adding them early saves rounds.
    fn priced_pairs(
        &self,
        graph: &CandidateGraph,
        solution: &ObjectiveSolution,
        slack: i64,
    ) -> (Vec<Candidate>, Vec<Candidate>) {
        let certificate = &solution.solver.certificate;
        let bonus = solution.bonus;
        let threshold = solution.threshold.unwrap_or(i64::MIN);
        let prices: Vec<f64> = (0..self.cohort.mentors.len())
            .map(|j| certificate.mentor_price(j as u32).unwrap_or(f64::INFINITY))
            .collect();
        // Every mentor costs at least this: a group whose bound does not beat the line plus
        // it has no pair worth pricing, and nor has any group after it.
        let cheapest = prices.iter().copied().fold(f64::INFINITY, f64::min);
        let found: Vec<(Vec<Candidate>, Vec<Candidate>)> = self.in_chunks(|mentees, scratch| {
            let mut admitted = Vec::new();
            let mut near = Vec::new();
            for &i in mentees {
                let lens = self.lens(i);
                // A pair can only be near-admitted when its weight beats this, less the
                // mentor's price (with one unit of slack for rounding the prices).
                let line = certificate.mentee_price(i) - bonus as f64 - slack as f64 - 1.0;
                self.visit(
                    &lens,
                    scratch,
                    &mut |m, bound| bound as f64 > line + prices[m as usize],
                    &mut |bound| bound as f64 <= line + cheapest,
                    &mut |m, w| {
                        if w < threshold || graph.weight(i, m).is_some() {
                            return;
                        }
                        if certificate.admits(i, m, w + bonus) {
                            admitted.push((i as u32, m, w));
                        } else if w as f64 > line + prices[m as usize] {
                            near.push((i as u32, m, w));
                        }
                    },
                );
            }
            (admitted, near)
        });
        let mut admitted = Vec::new();
        let mut near = Vec::new();
        for (a, b) in found {
            admitted.extend(a);
            near.extend(b);
        }
        (admitted, near)
    }
}

/// Pairs within this many weight units of being admitted are added along with the admitted
/// ones (2 % of the score range).
const NEAR_SLACK: i64 = crate::graph::WEIGHT_SCALE / 50;

/// A candidate pair: `(mentee, mentor, weight)`.
type Candidate = (u32, u32, i64);

/// Work is split into this many chunks of mentees, whatever the number of threads, so that
/// the candidates (which depend on what each chunk saw) are the same on every machine.
const CHUNKS: usize = 32;

/// A weight times a factor's value, skipping the factor when its weight is 0 (as
/// [`crate::score::score`] does).
fn weighted(weight: f64, value: impl FnOnce() -> f64) -> f64 {
    if weight == 0.0 { 0.0 } else { value() * weight }
}

/// The `k` best `(weight, index)` offers; ties go to the lower index.
struct TopK {
    k: usize,
    heap: BinaryHeap<Reverse<(i64, Reverse<u32>)>>,
}

impl TopK {
    fn new(k: usize) -> Self {
        TopK {
            k,
            heap: BinaryHeap::new(),
        }
    }

    fn offer(&mut self, weight: i64, index: u32) {
        if self.k == 0 {
            return;
        }
        let item = Reverse((weight, Reverse(index)));
        if self.heap.len() < self.k {
            self.heap.push(item);
        } else if let Some(mut worst) = self.heap.peek_mut()
            && item < *worst
        {
            *worst = item;
        }
    }

    /// The weight an offer must beat to get in, once full.
    fn floor(&self) -> Option<i64> {
        if self.heap.len() < self.k {
            None
        } else {
            self.heap.peek().map(|Reverse((w, _))| *w)
        }
    }

    fn into_sorted(self) -> Vec<(i64, u32)> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|Reverse((w, Reverse(i)))| (w, i))
            .collect()
    }
}
