//! Whole-cohort matching from profiles, without scoring every pair.
//!
//! 100,000 mentees × 20,000 mentors is 2·10⁹ pairs: too many to score. Instead:
//!
//! 1. **Candidates.** A skill index (skill → the mentors who mentor it) finds, for each
//!    mentee, the mentors who share a skill they want. Each is bounded first in integer
//!    arithmetic from the mentee's [`Lens`] (a few table lookups) and scored exactly only
//!    if the bound could enter a list. Every other mentor scores nothing on skills, so
//!    their score depends only on a handful of profile fields: mentors are grouped by time
//!    zone and industry, and a group's best possible score for the mentee says whether any
//!    of them could still make the mentee's top `k`. Each mentee keeps their top `k`; each
//!    mentor keeps their top `k′` of the mentees who scored them, so that a popular
//!    mentor's rivals still have somewhere to go (one-sided top-k collapses when everyone
//!    wants the same senior mentors). A mentee's `k`-th best is their *ceiling*: no pair of
//!    theirs left out weighs more.
//! 2. **Solve** the candidate graph exactly ([`crate::objective`]).
//! 3. **Certify.** The solver's dual prices say which left-out pairs could improve the
//!    total: those whose weight exceeds the mentee's price plus the mentor's. Such a pair
//!    weighs at most the mentee's ceiling, so only mentors priced below the ceiling less the
//!    mentee's price can qualify: mentors are searched cheapest first (per skill, and all
//!    of them for the pairs that share no skill), and each is bounded before it is scored.
//!    Pairs that improve, or nearly do, are added and the graph solved again, until none
//!    is left. The result is then the optimum over all pairs the hard rules allow, not
//!    just over the candidates.
//!
//!    Later rounds price less: after a round that priced every pair, each pair left out
//!    weighs at most its two prices less the slack, so afterwards only the mentees and
//!    mentors whose price dropped (beyond a shift of all prices) need pricing again.
//!
//! Scores are computed from per-mentee lookup tables but with the same functions and in the
//! same order as [`crate::score::score`], so they are bit-for-bit equal to it.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::graph::{CandidateGraph, quantize};
use crate::lens::{Fields, Lens, Mentors, NO_YEARS, Tables, skill_ids};
use crate::objective::{self, Objective, ObjectiveSolution};
use crate::score::{Profile, Rules, Visibility, level_fit_twentieths};

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
    /// Within the candidates and certify stages: `done` of `total` mentees are through.
    /// Reported from the worker threads, every few thousand mentees.
    Progress {
        done: usize,
        total: usize,
    },
}

/// Counts one chunk's mentees into the shared count, reporting every [`Ticker::STEP`].
struct Ticker<'s> {
    done: &'s AtomicUsize,
    total: usize,
    stage: &'s (dyn Fn(Stage) + Sync),
    pending: usize,
}

impl Ticker<'_> {
    const STEP: usize = 2048;

    #[inline]
    fn tick(&mut self) {
        self.pending += 1;
        if self.pending == Self::STEP {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.pending > 0 {
            let done = self.done.fetch_add(self.pending, Ordering::Relaxed) + self.pending;
            self.pending = 0;
            (self.stage)(Stage::Progress {
                done,
                total: self.total,
            });
        }
    }
}

impl Drop for Ticker<'_> {
    fn drop(&mut self) {
        self.flush();
    }
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
    /// Rounds that priced every pair left out; the others priced only the pairs whose
    /// prices dropped since the last such round.
    pub full_pricings: usize,
    /// True when the prices prove that no allowed pair left out of `graph` could improve
    /// the result: it is the optimum over all allowed pairs.
    pub certified: bool,
}

/// Matches the cohort: candidates, exact solve, certificate over all pairs.
///
/// The prices prove the last stage of each objective (the total; participation too, through
/// its bonus). For [`Objective::MaxMin`], how many are matched and the threshold also come
/// from the graph, so König covers of maximum matchings (over all pairs, and over the pairs
/// above the threshold) prove that no pair left out could allow more or a higher floor
/// ([`Scorer::max_min_gaps`]); pairs that could are added like improving ones.
pub fn match_cohort(
    cohort: &Cohort,
    options: &Options,
    stage: &(dyn Fn(Stage) + Sync),
) -> CohortMatch {
    let scorer = Scorer::new(cohort);
    stage(Stage::Candidates);
    let Candidates { mut pairs, ceiling } =
        scorer.candidates(options.mentee_k, options.mentor_k, stage);
    let candidate_pairs = pairs.len();
    let mut added_pairs = 0;
    let mut round = 0;
    let mut reference: Option<Reference> = None;
    let mut full_pricings = 0;
    // The last round's solution: the next solve starts from it.
    let mut hint: Option<ObjectiveSolution> = None;
    loop {
        round += 1;
        stage(Stage::Solve { round });
        let graph =
            CandidateGraph::from_pairs(cohort.mentees.len(), cohort.free_places.clone(), &pairs);
        let solution = objective::solve_from(&graph, options.objective, hint.as_ref());
        stage(Stage::Certify { round });
        let prices = Reference::of(&solution);
        let scope = match &reference {
            Some(last) => last
                .dropped(
                    &prices,
                    NEAR_SLACK,
                    &scorer.mentors.fields,
                    &scorer.sketches,
                )
                .filter(Dropped::few),
            None => None,
        };
        let (improving, near) = scorer.priced_pairs(
            &graph,
            &solution,
            &ceiling,
            NEAR_SLACK,
            scope.as_ref(),
            stage,
        );

        if scope.is_none() {
            reference = Some(prices);
            full_pricings += 1;
        }
        // Max-min's participation and threshold come from the graph: the prices prove only
        // the total at that threshold, so the pairs that could allow more participants or a
        // higher threshold are looked for too.
        let (improving, near) = if improving.is_empty() && options.objective == Objective::MaxMin {
            // (The nearly admitted pairs may be among the gaps: they wait for the next
            // pricing.)
            (scorer.max_min_gaps(&graph, &solution, stage), Vec::new())
        } else {
            (improving, near)
        };
        if improving.is_empty() || round >= options.max_rounds {
            let certified = improving.is_empty();
            return CohortMatch {
                graph,
                solution,
                candidate_pairs,
                added_pairs,
                rounds: round,
                full_pricings,
                certified,
            };
        }
        hint = Some(solution);
        added_pairs += improving.len() + near.len();
        pairs.extend(improving);
        pairs.extend(near);
    }
}

/// How many of the assigned pairs (`mentor_of[i]`: mentee `i`'s mentor) have nothing the
/// mentee asked for: the mentor mentors none of the skills they want and offers none of
/// their focus areas ([`crate::score::relevant`]). None when the relevance rule is on.
pub fn unrelated_pairs(cohort: &Cohort, mentor_of: &[Option<u32>]) -> usize {
    mentor_of
        .iter()
        .enumerate()
        .filter_map(|(i, j)| Some((cohort.mentees.get(i)?, cohort.mentors.get((*j)? as usize)?)))
        .filter(|(mentee, mentor)| !crate::score::relevant(mentee, mentor))
        .count()
}

/// Open mentors with the same time zone and industry, and the bounds of the fields that
/// vary among them.
struct Group {
    offset: u32,
    industry: u32,
    mentors: Vec<u32>,
    focus_any: u8,
    focus_unknown: bool,
    min_years: u16,
    max_years: u16,
    years_unknown: bool,
    max_hours: u8,
}

struct Scorer<'a> {
    cohort: &'a Cohort,
    mentors: Mentors,
    tables: Tables,
    /// skill → (mentor, level), for mentors with free places.
    index: Vec<Vec<(u32, u8)>>,
    groups: Vec<Group>,
    /// Which of the 64 most mentored skills each skill is (`None`: a rarer one).
    popular: Vec<Option<u8>>,
    /// Each mentor's skills, as a [`Sketch`].
    sketches: Vec<Sketch>,
    /// Blocked `(mentee, mentor)` pairs, sorted.
    blocked: Vec<(u32, u32)>,
}

/// The first candidate graph's pairs, and what it says about the pairs left out.
struct Candidates {
    pairs: Vec<Candidate>,
    /// Each mentee's ceiling: no allowed pair of theirs outside the candidates weighs more
    /// (`i64::MIN`: every allowed pair of theirs is a candidate).
    ceiling: Vec<i64>,
}

/// Per-thread scratch for the skill index: the mentors the current mentee touched, and
/// for each the number of wanted skills they mentor and their fit summed in twentieths
/// ([`level_fit_twentieths`]), packed with a mark that says whether the slot is the
/// current mentee's, so that nothing is cleared between mentees:
/// `slot = mark << 32 | shared << 16 | twentieths`.
struct Scratch {
    /// The current mentee's wanted skills (see [`Lens::want`]).
    wanted: Vec<u8>,
    mark: u64,
    slots: Vec<u64>,
    /// `touched[..count]` are the touched mentors.
    touched: Vec<u32>,
    count: usize,
}

/// Mentees who want at least this many skills are scored against every mentor rather
/// than through the skill index (whose packed sums would overflow).
const MANY_WANTS: usize = 3_000;

/// A touched mentor: how many wanted skills they mentor, and their fit in twentieths.
#[derive(Clone, Copy)]
struct Touch {
    shared: u32,
    twentieths: u32,
}

impl Scratch {
    fn new(mentors: usize, skills: usize) -> Self {
        Scratch {
            wanted: vec![0; skills],
            mark: 0,
            slots: vec![0; mentors],
            // One spare: a touch writes before it knows whether it counts.
            touched: vec![0; mentors + 1],
            count: 0,
        }
    }

    /// Forgets every touch, for the next mentee.
    fn clear(&mut self) {
        self.count = 0;
        self.mark += 1;
    }

    /// Adds a wanted skill of fit `fit` to the mentor's (branch-free: most touches alternate
    /// unpredictably between a mentor's first and a later one).
    #[inline]
    fn touch(&mut self, mentor: u32, fit: u32) {
        let slot = &mut self.slots[mentor as usize];
        let fresh = *slot >> 32 != self.mark;
        let base = if fresh { self.mark << 32 } else { *slot };
        *slot = base + (1 << 16) + u64::from(fit);
        self.touched[self.count] = mentor;
        self.count += usize::from(fresh);
    }

    fn touched(&self) -> &[u32] {
        &self.touched[..self.count]
    }

    /// The mentor's touch by the current mentee, if any.
    #[inline]
    fn get(&self, mentor: usize) -> Option<Touch> {
        let slot = self.slots[mentor];
        (slot >> 32 == self.mark).then_some(Touch {
            shared: (slot >> 16) as u32 & 0xffff,
            twentieths: slot as u32 & 0xffff,
        })
    }
}

impl<'a> Scorer<'a> {
    fn new(cohort: &'a Cohort) -> Self {
        let mentors = Mentors::new(&cohort.mentors, Visibility::All);
        let tables = Tables::new(cohort, &mentors);
        let open = |j: usize| cohort.free_places.get(j).copied().unwrap_or(0) > 0;
        let skills = skill_ids(cohort);
        let mut index: Vec<Vec<(u32, u8)>> = vec![Vec::new(); skills];
        for (j, mentor) in cohort.mentors.iter().enumerate() {
            if open(j) {
                // Each skill once, at the highest level listed: a touch per wanted skill
                // at most, and a fit no lower than the profile's scoring finds.
                let mut own: Vec<(u32, u8)> = mentor
                    .mentor_skills
                    .iter()
                    .map(|s| (s.skill, s.level))
                    .collect();
                own.sort_unstable_by_key(|&(skill, level)| (skill, Reverse(level)));
                own.dedup_by_key(|&mut (skill, _)| skill);
                for (skill, level) in own {
                    index[skill as usize].push((j as u32, level));
                }
            }
        }
        let mut by_key: BTreeMap<(u32, u32), Vec<u32>> = BTreeMap::new();
        for j in (0..cohort.mentors.len()).filter(|&j| open(j)) {
            by_key
                .entry((mentors.fields[j].offset, mentors.fields[j].industry))
                .or_default()
                .push(j as u32);
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
                    let f = mentors.fields[j as usize];
                    group.focus_any |= f.focus;
                    group.focus_unknown |= f.focus == 0;
                    if f.years == NO_YEARS {
                        group.years_unknown = true;
                    } else {
                        group.min_years = group.min_years.min(f.years);
                        group.max_years = group.max_years.max(f.years);
                    }
                    group.max_hours = group.max_hours.max(f.hours);
                }
                group.mentors = members;
                group
            })
            .collect();
        let mut by_use: Vec<usize> = (0..index.len()).collect();
        by_use.sort_by_key(|&s| (Reverse(index[s].len()), s));
        let mut popular = vec![None; index.len()];
        for (bit, &s) in by_use.iter().take(64).enumerate() {
            popular[s] = Some(bit as u8);
        }
        let sketches = cohort
            .mentors
            .iter()
            .enumerate()
            .map(|(j, mentor)| {
                let mut sketch = Sketch {
                    popular: 0,
                    rare: 0,
                    plain: mentors.distinct_skills(j),
                };
                for s in &mentor.mentor_skills {
                    match popular.get(s.skill as usize).copied().flatten() {
                        Some(bit) => sketch.popular |= 1 << bit,
                        None => sketch.rare = sketch.rare.saturating_add(1),
                    }
                }
                sketch
            })
            .collect();
        let mut blocked = cohort.blocked.clone();
        blocked.sort_unstable();
        Scorer {
            cohort,
            mentors,
            tables,
            index,
            groups,
            popular,
            sketches,
            blocked,
        }
    }

    fn lens(&self, mentee: usize) -> Lens<'_> {
        Lens::new(&self.tables, self.cohort, mentee, &self.blocked)
    }

    /// The highest the parts other than skills can add up to for any mentor of the group.
    fn rest_bound(lens: &Lens, group: &Group) -> f64 {
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
            seniority = seniority.max(lens.seniority[best.clamp(0, 255) as usize]);
        }
        focus
            + lens.industry[group.industry as usize]
            + seniority
            + lens.tz[group.offset as usize]
            + lens.hours[group.max_hours as usize]
            + lens.weights[6]
    }

    /// An upper bound, as a weight, of a score with this skills part and at most this much
    /// from the rest. One weight unit of slack covers the different order of the additions.
    fn bound(skills_part: f64, rest: f64) -> i64 {
        quantize((skills_part + rest).clamp(0.0, 1.0)) + 1
    }

    /// Fills the scratch with the mentors who mentor a wanted skill and their skill sums.
    fn scatter(&self, lens: &Lens, scratch: &mut Scratch) {
        scratch.clear();
        if lens.profile.growth_skills.len() >= MANY_WANTS {
            return;
        }
        for want in &lens.profile.growth_skills {
            let Some(mentors) = self.index.get(want.skill as usize) else {
                continue;
            };
            let fits: [u32; 8] =
                std::array::from_fn(|level| level_fit_twentieths(level as u8, want.level));
            for &(m, level) in mentors {
                let fit = match fits.get(usize::from(level)) {
                    Some(&fit) => fit,
                    None => level_fit_twentieths(level, want.level),
                };
                scratch.touch(m, fit);
            }
        }
    }

    /// Allowed pairs outside `graph` that could let a max-min assignment match more
    /// mentees or raise its threshold. A maximum matching's König cover (the mentees an
    /// alternating path from an unmatched one does not reach, and the mentors it does)
    /// covers every pair of the graph; a pair it does not cover, between a reached mentee
    /// and an unreached mentor, is one that could enlarge the matching. Checked for all
    /// pairs (participation) and for the pairs above the threshold (which, in the graph,
    /// cannot match as many). Every reached mentee is compared with every unreached mentor.
    fn max_min_gaps(
        &self,
        graph: &CandidateGraph,
        solution: &ObjectiveSolution,
        stage: &(dyn Fn(Stage) + Sync),
    ) -> Vec<Candidate> {
        let min_score = quantize(self.cohort.min_score);
        let mut gaps = Vec::new();
        let (mentees, mentors) = objective::reached(graph, &solution.mentor_of);
        gaps.extend(self.uncovered(graph, &mentees, &mentors, min_score, stage));
        if let Some(threshold) = solution.threshold {
            let above = graph.filter_arcs(|_, _, w| w > threshold);
            let most = objective::max_cardinality(&above);
            let (mentees, mentors) = objective::reached(&above, &most);
            let floor = threshold.saturating_add(1).max(min_score);
            gaps.extend(self.uncovered(graph, &mentees, &mentors, floor, stage));
        }
        gaps.sort_unstable();
        gaps.dedup();
        gaps
    }

    /// Allowed pairs outside `graph` of weight at least `floor` between a `mentees` mentee
    /// and a mentor not in `mentors`.
    fn uncovered(
        &self,
        graph: &CandidateGraph,
        mentees: &[bool],
        mentors: &[bool],
        floor: i64,
        stage: &(dyn Fn(Stage) + Sync),
    ) -> Vec<Candidate> {
        let (cohort, columns) = (self.cohort, &self.mentors);
        let open: Vec<u32> = self
            .groups
            .iter()
            .flat_map(|g| g.mentors.iter().copied())
            .filter(|&m| !mentors[m as usize])
            .collect();
        self.in_chunks(stage, |chunk, _, ticker| {
            let mut found = Vec::new();
            for &i in chunk {
                ticker.tick();
                if !mentees[i] {
                    continue;
                }
                let lens = self.lens(i);
                for &m in &open {
                    let j = m as usize;
                    if !lens.allowed(cohort, columns, j) || graph.weight(i, m).is_some() {
                        continue;
                    }
                    let skills = lens.skills_part_of(&cohort.mentors[j]);
                    let w = lens.weight(cohort, columns, j, skills);
                    if w >= floor {
                        found.push((i as u32, m, w));
                    }
                }
            }
            found
        })
        .into_iter()
        .flatten()
        .collect()
    }

    /// The mentee's wanted skills in brief.
    fn wanted(&self, lens: &Lens) -> Wanted {
        let mut wanted = Wanted {
            popular: 0,
            rare: 0,
            count: lens.profile.growth_skills.len() as u32,
            sets: lens.wants_distinct(),
        };
        for want in &lens.profile.growth_skills {
            match self.popular.get(want.skill as usize).copied().flatten() {
                Some(bit) => wanted.popular |= 1 << bit,
                None => wanted.rare += 1,
            }
        }
        wanted
    }

    /// Runs `work` over the mentees in [`CHUNKS`] fixed chunks, in parallel, each with its
    /// own scratch; the results come back in chunk order.
    /// `stage` hears of the mentees done as [`Stage::Progress`].
    fn in_chunks<T: Send>(
        &self,
        stage: &(dyn Fn(Stage) + Sync),
        work: impl Fn(&[usize], &mut Scratch, &mut Ticker) -> T + Sync,
    ) -> Vec<T> {
        let n = self.cohort.mentees.len();
        let mentors = self.cohort.mentors.len();
        let done = AtomicUsize::new(0);
        (0..n)
            .collect::<Vec<_>>()
            .par_chunks(n.div_ceil(CHUNKS).max(1))
            .map(|mentees| {
                let mut ticker = Ticker {
                    done: &done,
                    total: n,
                    stage,
                    pending: 0,
                };
                work(
                    mentees,
                    &mut Scratch::new(mentors, self.index.len()),
                    &mut ticker,
                )
            })
            .collect()
    }

    /// Each mentee's top `mentee_k` and each mentor's top `mentor_k` pairs (among the pairs
    /// the mentee side scored), as `(mentee, mentor, weight)`, each pair once.
    ///
    /// Every mentor who shares a wanted skill is scored exactly (from the lens, a handful
    /// of table lookups); the others group by group, best group first, until no group's
    /// bound reaches the mentee's top `k`.
    fn candidates(
        &self,
        mentee_k: usize,
        mentor_k: usize,
        stage: &(dyn Fn(Stage) + Sync),
    ) -> Candidates {
        let (cohort, mentors) = (self.cohort, &self.mentors);
        let min_score = quantize(cohort.min_score);
        let parts: Vec<(Vec<Candidate>, Vec<i64>, Vec<TopK>)> =
            self.in_chunks(stage, |mentees, scratch, ticker| {
                let mut pairs = Vec::new();
                let mut ceilings = Vec::with_capacity(mentees.len());
                let mut by_mentor: Vec<TopK> =
                    (0..mentors.len()).map(|_| TopK::new(mentor_k)).collect();
                // A mentor's floor: what a pair must reach to enter their list (i64::MIN
                // while the list has room).
                let mut mentor_floor = vec![i64::MIN; by_mentor.len()];
                let mut offered: Vec<(u32, i64)> = Vec::new();
                let mut bounds: Vec<(i64, usize)> = Vec::with_capacity(self.groups.len());
                for &i in mentees {
                    ticker.tick();
                    let lens = self.lens(i);
                    let mut mine = TopK::new(mentee_k);
                    let top = std::cell::Cell::new(i64::MIN);
                    offered.clear();
                    self.scatter(&lens, scratch);
                    lens.want(&mut scratch.wanted, true);
                    // Each pair is first bounded in integer arithmetic, and scored exactly
                    // only if the bound could enter either side's list.
                    // The exact skills part, from the touch when it can be summed here
                    // exactly (else from the profiles).
                    let skills = |j: usize, touch: Touch| match (touch.shared <= 2)
                        .then(|| lens.pair_sum(mentors, j, touch.twentieths))
                        .flatten()
                    {
                        Some(sum) => lens.skills_part(sum),
                        None => lens.skills_part_of(&cohort.mentors[j]),
                    };
                    let mut consider = |m: u32, bound: i64, touch: Touch| {
                        let j = m as usize;
                        if bound < min_score || (bound < top.get() && bound < mentor_floor[j]) {
                            return;
                        }
                        let skills = skills(j, touch);
                        let w = lens.weight(cohort, mentors, j, skills);
                        if w < min_score
                            || (w < top.get() && w < mentor_floor[j])
                            || !lens.allowed(cohort, mentors, j)
                        {
                            return;
                        }
                        mine.offer(w, m);
                        top.set(mine.floor().unwrap_or(i64::MIN));
                        offered.push((m, w));
                    };
                    let many = lens.profile.growth_skills.len() >= MANY_WANTS;
                    if many {
                        // Every mentor, bounded with the best skills part.
                        let best = lens.skills_up(20 * lens.profile.growth_skills.len() as u32);
                        let anyhow = Touch {
                            shared: u32::MAX,
                            twentieths: 0,
                        };
                        for m in self.groups.iter().flat_map(|g| g.mentors.iter().copied()) {
                            consider(m, lens.bound(mentors.fields[m as usize], best), anyhow);
                        }
                    }
                    for &m in scratch.touched() {
                        let j = m as usize;
                        let Some(touch) = scratch.get(j) else {
                            continue;
                        };
                        let bound = lens.bound(mentors.fields[j], lens.skills_up(touch.twentieths));
                        consider(m, bound, touch);
                    }
                    bounds.clear();
                    bounds.extend(self.groups.iter().enumerate().filter_map(|(g, group)| {
                        let bound = Self::bound(lens.no_skills, Self::rest_bound(&lens, group));
                        (bound >= min_score).then_some((bound, g))
                    }));
                    bounds.sort_unstable_by_key(|&(bound, g)| (Reverse(bound), g));
                    let no_skills = lens.skills_up(0);
                    for &(bound, g) in &bounds {
                        if bound < top.get() {
                            break;
                        }
                        for &m in &self.groups[g].mentors {
                            let j = m as usize;
                            if !many && scratch.get(j).is_none() {
                                let bound = lens.bound(mentors.fields[j], no_skills);
                                consider(
                                    m,
                                    bound,
                                    Touch {
                                        shared: 0,
                                        twentieths: 0,
                                    },
                                );
                            }
                        }
                    }
                    lens.want(&mut scratch.wanted, false);
                    for &(m, w) in &offered {
                        let j = m as usize;
                        if w >= mentor_floor[j] {
                            by_mentor[j].offer(w, i as u32);
                            mentor_floor[j] = by_mentor[j].floor().unwrap_or(i64::MIN);
                        }
                    }
                    // Every pair left out weighs at most the mentee's `k`-th best: it was
                    // offered and lost, or its bound was below the `k`-th best then.
                    ceilings.push(match mentee_k {
                        // Nothing kept: nothing bounds the pairs left out.
                        0 => i64::MAX,
                        _ => mine.floor().unwrap_or(i64::MIN),
                    });
                    pairs.extend(
                        mine.into_sorted()
                            .into_iter()
                            .map(|(w, m)| (i as u32, m, w)),
                    );
                }
                (pairs, ceilings, by_mentor)
            });
        let mut merged: Vec<TopK> = (0..mentors.len()).map(|_| TopK::new(mentor_k)).collect();
        let mut pairs = Vec::new();
        let mut ceiling = Vec::with_capacity(cohort.mentees.len());
        for (chunk_pairs, chunk_ceilings, by_mentor) in parts {
            pairs.extend(chunk_pairs);
            ceiling.extend(chunk_ceilings);
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
        Candidates { pairs, ceiling }
    }

    /// Allowed pairs outside `graph` whose reduced profit under the solution's prices is
    /// above `-slack` weight units. The first list holds those the certificate admits
    /// (adding any could improve the result); the second the nearly admitted ones, which
    /// the next round's prices often admit, so adding them early saves rounds.
    ///
    /// A pair outside the graph weighs at most its mentee's ceiling, and at most the bound
    /// of its mentor's group, so only the mentors priced below that less the mentee's price
    /// can be admitted: each group's mentors are searched cheapest first, and the search
    /// stops at the first too dear to matter.
    fn priced_pairs(
        &self,
        graph: &CandidateGraph,
        solution: &ObjectiveSolution,
        ceiling: &[i64],
        slack: i64,
        scope: Option<&Dropped>,
        stage: &(dyn Fn(Stage) + Sync),
    ) -> (Vec<Candidate>, Vec<Candidate>) {
        let (cohort, mentors) = (self.cohort, &self.mentors);
        let certificate = &solution.solver.certificate;
        let bonus = solution.bonus;
        let floor = solution
            .threshold
            .unwrap_or(i64::MIN)
            .max(quantize(cohort.min_score));
        let prices: Vec<f64> = (0..cohort.mentors.len())
            .map(|j| certificate.mentor_price(j as u32).unwrap_or(f64::INFINITY))
            .collect();
        // Open mentors cheapest first: all of them, and each skill's.
        let open = ByPrice::new(
            self.groups
                .iter()
                .flat_map(|g| g.mentors.iter().map(|&m| (m, 0))),
            &prices,
            &mentors.fields,
            &self.sketches,
        );
        let skills: Vec<ByPrice> = self
            .index
            .iter()
            .map(|list| {
                ByPrice::new(
                    list.iter().copied(),
                    &prices,
                    &mentors.fields,
                    &self.sketches,
                )
            })
            .collect();
        // The most the parts other than skills can add.
        let rest = cohort.weights[1..].iter().sum::<f64>();
        let found: Vec<(Vec<Candidate>, Vec<Candidate>)> =
            self.in_chunks(stage, |mentees, scratch, ticker| {
                let mut admitted = Vec::new();
                let mut near = Vec::new();
                for &i in mentees {
                    ticker.tick();
                    if ceiling[i] == i64::MIN {
                        continue;
                    }
                    let lens = self.lens(i);
                    lens.want(&mut scratch.wanted, true);
                    // A pair is near-admitted when its weight beats this plus the mentor's
                    // price (with one unit of slack for rounding the prices).
                    let line = certificate.mentee_price(i) - bonus as f64 - slack as f64 - 1.0;
                    // Only a mentor priced below `most - line` can be, when `most` bounds the
                    // pair's weight.
                    let cutoff = |most: i64| ceiling[i].min(most) as f64 - line;
                    // Prices a mentor whose skills part is at most `skills` (weight units).
                    let mut price = |entry: &Priced, skills: i64| {
                        // First the bound, which needs no look at the mentor's skills.
                        if lens.bound(entry.fields, skills) as f64 <= line + entry.price {
                            return;
                        }
                        let (m, j) = (entry.mentor, entry.mentor as usize);
                        // Then with the mentor's skills, still in integers (when the mentee
                        // wants each skill once: the table of wanted skills holds one
                        // level a skill).
                        let (fit, skills) = lens.fit_in(mentors, j, &scratch.wanted);
                        if lens.wants_distinct()
                            && lens.bound(entry.fields, lens.skills_up(fit)) as f64
                                <= line + entry.price
                        {
                            return;
                        }
                        let skills =
                            skills.unwrap_or_else(|| lens.skills_part_of(&cohort.mentors[j]));
                        let w = lens.weight(cohort, mentors, j, skills);
                        if w < floor
                            || w as f64 <= line + prices[j]
                            || !lens.allowed(cohort, mentors, j)
                            || graph.weight(i, m).is_some()
                        {
                        } else if certificate.admits(i, m, w + bonus) {
                            admitted.push((i as u32, m, w));
                        } else {
                            near.push((i as u32, m, w));
                        }
                    };
                    let wants = lens.profile.growth_skills.len() as u32;
                    let best = lens.skills_up(20 * wants);
                    if let Some(dropped) = scope
                        && !dropped.mentees[i]
                    {
                        let cheap = dropped
                            .mentors
                            .cheaper_than(cutoff(Self::bound(lens.best_skills, rest)));
                        cheap.iter().for_each(|entry| price(entry, best));
                        lens.want(&mut scratch.wanted, false);
                        continue;
                    }
                    // Mentors who share a wanted skill: at most their fit in it, and a full fit
                    // in every other wanted skill.
                    let shared = cutoff(Self::bound(lens.best_skills, rest));
                    let wanted = self.wanted(&lens);
                    for want in &lens.profile.growth_skills {
                        let Some(list) = skills.get(want.skill as usize) else {
                            continue;
                        };
                        let own = self.popular.get(want.skill as usize).copied().flatten();
                        for entry in list.cheaper_than(shared) {
                            let fit = level_fit_twentieths(entry.level, want.level);
                            price(entry, lens.skills_up(wanted.bound(own, fit, entry.sketch)));
                        }
                    }
                    // The others score nothing on skills (a mentor who does is priced twice,
                    // and found once).
                    let none = lens.skills_up(0);
                    let others = cutoff(Self::bound(lens.no_skills, rest));
                    open.cheaper_than(others)
                        .iter()
                        .for_each(|entry| price(entry, none));
                    lens.want(&mut scratch.wanted, false);
                }
                for found in [&mut admitted, &mut near] {
                    found.sort_unstable();
                    found.dedup();
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

/// The prices of a round that priced every pair left out of its graph: each of those pairs
/// not added then weighs at most its two prices less the slack (less one unit), and as
/// the graph only grows, that holds in every later round.
struct Reference {
    mentees: Vec<f64>,
    mentors: Vec<f64>,
    bonus: i64,
    threshold: Option<i64>,
}

/// What a later round still has to price: the mentees whose price dropped since the
/// [`Reference`] (against every mentor), and the mentors whose price dropped (against every
/// mentee). For any other pair the two prices together dropped by less than the slack, so
/// the reference's bound keeps it out.
struct Dropped {
    mentees: Vec<bool>,
    mentors: ByPrice,
    /// How many mentors there are in all.
    of: usize,
}

impl Dropped {
    /// Whether this is a small part of the pairs (else every pair is priced again, and the
    /// round becomes the new [`Reference`]).
    fn few(&self) -> bool {
        self.mentees.iter().filter(|&&d| d).count() <= self.mentees.len() / 4
            && self.mentors.entries.len() <= self.of / 20
    }
}

impl Reference {
    fn of(solution: &ObjectiveSolution) -> Self {
        let certificate = &solution.solver.certificate;
        let mentors = certificate.mentor_prices_len();
        Reference {
            mentees: (0..certificate.mentee_prices_len())
                .map(|i| certificate.mentee_price(i))
                .collect(),
            mentors: (0..mentors)
                .map(|j| certificate.mentor_price(j as u32).unwrap_or(f64::INFINITY))
                .collect(),
            bonus: solution.bonus,
            threshold: solution.threshold,
        }
    }

    /// What `now` still has to price, or `None` if the objective's bonus or threshold moved
    /// (then every pair is priced again).
    ///
    /// Prices may all shift by a constant (mentees' up, mentors' down) without changing
    /// anything: the shift is taken as the mentors' median change, so that a shift alone
    /// drops nobody.
    fn dropped(
        &self,
        now: &Reference,
        slack: i64,
        fields: &[Fields],
        sketches: &[Sketch],
    ) -> Option<Dropped> {
        if now.bonus != self.bonus
            || now.threshold != self.threshold
            || now.mentors.len() != self.mentors.len()
        {
            return None;
        }
        let mut changes: Vec<f64> = self
            .mentors
            .iter()
            .zip(&now.mentors)
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .map(|(a, b)| b - a)
            .collect();
        if changes.is_empty() {
            return None;
        }
        let middle = changes.len() / 2;
        let shift = *changes.select_nth_unstable_by(middle, f64::total_cmp).1;
        // Half the slack to each side, less a unit for rounding.
        let limit = -(slack as f64 - 2.0) / 2.0;
        // (A change that is not a number counts as a drop.)
        let fell = |change: f64| {
            !matches!(
                change.partial_cmp(&limit),
                Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
            )
        };
        let mentees: Vec<bool> = self
            .mentees
            .iter()
            .zip(&now.mentees)
            .map(|(a, b)| fell(b - a + shift))
            .collect();
        let mentors = ByPrice::new(
            (0..self.mentors.len())
                .filter(|&j| {
                    let (a, b) = (self.mentors[j], now.mentors[j]);
                    b.is_finite() && fell(b - a - shift)
                })
                .map(|j| (j as u32, 0)),
            &now.mentors,
            fields,
            sketches,
        );
        Some(Dropped {
            mentees,
            mentors,
            of: self.mentors.len(),
        })
    }
}

/// Mentors cheapest first (ties by index), each with what pricing them first reads, in
/// one place: their price, fields, and level in a skill.
struct ByPrice {
    prices: Vec<f64>,
    entries: Vec<Priced>,
}

#[derive(Clone, Copy)]
struct Priced {
    mentor: u32,
    level: u8,
    fields: Fields,
    sketch: Sketch,
    price: f64,
}

/// A mentee's wanted skills in brief, as a [`Sketch`] is a mentor's: which of the 64 most
/// mentored skills, how many rarer ones, how many in all, and whether each is wanted once
/// (else only the count is used).
struct Wanted {
    popular: u64,
    rare: u32,
    count: u32,
    sets: bool,
}

impl Wanted {
    /// An upper bound, in twentieths, of the fit of a mentor with skills `sketch` who
    /// mentors one of the wanted skills (`own`: its popular bit) with fit `fit`: that fit,
    /// plus a full one for each other wanted skill they mentor (the popular ones known
    /// exactly, the rare ones at most as many as either side has).
    fn bound(&self, own: Option<u8>, fit: u32, sketch: Sketch) -> u32 {
        let most = self.count.saturating_sub(1);
        if !(self.sets && sketch.plain) {
            return 20 + 20 * most;
        }
        let popular = own.map_or(self.popular, |bit| self.popular & !(1 << bit));
        let rare = match own {
            Some(_) => sketch.rare.min(self.rare),
            None => sketch.rare.min(self.rare).saturating_sub(1),
        };
        let others = (sketch.popular & popular).count_ones() + rare;
        fit + 20 * others.min(most)
    }
}

/// A mentor's skills in brief: which of the 64 most mentored skills they mentor, how many
/// rarer ones, and whether they list each skill once (else the sketch is not used).
#[derive(Clone, Copy, Default)]
struct Sketch {
    popular: u64,
    rare: u32,
    plain: bool,
}

impl ByPrice {
    fn new(
        mentors: impl Iterator<Item = (u32, u8)>,
        prices: &[f64],
        fields: &[Fields],
        sketches: &[Sketch],
    ) -> Self {
        let mut entries: Vec<Priced> = mentors
            .map(|(m, level)| Priced {
                mentor: m,
                level,
                fields: fields[m as usize],
                sketch: sketches[m as usize],
                price: prices[m as usize],
            })
            .collect();
        entries.sort_unstable_by(|a, b| a.price.total_cmp(&b.price).then(a.mentor.cmp(&b.mentor)));
        ByPrice {
            prices: entries.iter().map(|e| e.price).collect(),
            entries,
        }
    }

    /// The mentors priced below `cutoff`.
    fn cheaper_than(&self, cutoff: f64) -> &[Priced] {
        &self.entries[..self.prices.partition_point(|&p| p < cutoff)]
    }
}

/// A candidate pair: `(mentee, mentor, weight)`.
type Candidate = (u32, u32, i64);

/// Work is split into this many chunks of mentees, whatever the number of threads, so that
/// the candidates (which depend on what each chunk saw) are the same on every machine.
/// Few: each chunk keeps its own mentor lists, whose floors rise (and save exact scores)
/// the more mentees one chunk sees.
const CHUNKS: usize = 4;

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A pair the reference round left out is admitted later only if its mentee or its
        /// mentor is among those whose price dropped, whatever the shift of all prices.
        #[test]
        fn a_pair_admitted_later_has_a_dropped_side(
            mentees in prop::collection::vec(0.0f64..1e6, 1..12),
            mentors in prop::collection::vec(0.0f64..1e6, 1..12),
            shift in -2e5f64..2e5,
            moves in prop::collection::vec(-3e4f64..3e4, 24),
            gaps in prop::collection::vec(0.0f64..5e4, 144),
        ) {
            let slack = NEAR_SLACK;
            let reference = Reference {
                mentees: mentees.clone(),
                mentors: mentors.clone(),
                bonus: 0,
                threshold: None,
            };
            let now = Reference {
                mentees: mentees.iter().enumerate().map(|(i, u)| u + shift + moves[i]).collect(),
                mentors: mentors.iter().enumerate().map(|(j, v)| v - shift + moves[12 + j]).collect(),
                bonus: 0,
                threshold: None,
            };
            let fields = vec![Fields::default(); mentors.len()];
            let sketches = vec![Sketch::default(); mentors.len()];
            let dropped = reference
                .dropped(&now, slack, &fields, &sketches)
                .expect("same objective");
            for i in 0..mentees.len() {
                for j in 0..mentors.len() {
                    // Left out in the reference round: at most the prices less the slack.
                    let w = mentees[i] + mentors[j] - slack as f64 - 1.0 - gaps[i * 12 + j];
                    if w > now.mentees[i] + now.mentors[j] {
                        prop_assert!(
                            dropped.mentees[i] || dropped.mentors.entries.iter().any(|p| p.mentor as usize == j),
                            "pair ({}, {}) is admitted but neither side dropped", i, j
                        );
                    }
                }
            }
        }
    }

    /// The sketch bound of a mentor's fit is never below the fit, and is the fit itself for
    /// most pairs; with more skills than the sketch holds exactly, so that rare ones count.
    #[test]
    fn the_sketch_bounds_every_shared_fit() {
        let cohort = crate::people::cohort(400, 400, 2, 5);
        let scorer = Scorer::new(&cohort);
        let (mut pairs, mut exact, mut rare) = (0, 0, 0);
        for i in 0..cohort.mentees.len() {
            let lens = scorer.lens(i);
            let wanted = scorer.wanted(&lens);
            for want in &lens.profile.growth_skills {
                let own = scorer.popular[want.skill as usize];
                for &(m, level) in &scorer.index[want.skill as usize] {
                    let mentor = &cohort.mentors[m as usize];
                    let fit: u32 = lens
                        .profile
                        .growth_skills
                        .iter()
                        .map(|w| {
                            crate::score::mentors_at(mentor, w.skill)
                                .map_or(0, |l| level_fit_twentieths(l, w.level))
                        })
                        .sum();
                    let own_fit = level_fit_twentieths(level, want.level);
                    let bound = wanted.bound(own, own_fit, scorer.sketches[m as usize]);
                    assert!(bound >= fit, "({i}, {m}): bound {bound} < fit {fit}");
                    pairs += 1;
                    exact += usize::from(bound == fit);
                    rare += usize::from(own.is_none() && fit > own_fit);
                }
            }
        }
        assert!(exact * 4 > pairs * 3, "{exact} of {pairs} exact");
        assert!(rare > 0, "some pairs share a rare skill and another");
    }

    #[test]
    fn a_shift_of_every_price_drops_nobody() {
        let reference = Reference {
            mentees: vec![1e5, 2e5, 3e5],
            mentors: vec![4e5, 5e5],
            bonus: 0,
            threshold: None,
        };
        let now = Reference {
            mentees: vec![1.9e5, 2.9e5, 3.9e5],
            mentors: vec![3.1e5, 4.1e5],
            bonus: 0,
            threshold: None,
        };
        let fields = vec![Fields::default(); 2];
        let sketches = vec![Sketch::default(); 2];
        let dropped = reference
            .dropped(&now, NEAR_SLACK, &fields, &sketches)
            .expect("same objective");
        assert_eq!(dropped.mentees, vec![false; 3]);
        assert!(dropped.mentors.entries.is_empty());
        let moved = Reference { bonus: 1, ..now };
        assert!(
            reference
                .dropped(&moved, NEAR_SLACK, &fields, &sketches)
                .is_none()
        );
    }
}
