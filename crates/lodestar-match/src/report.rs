//! How good an assignment is, in the terms people ask about: scores, who is left out,
//! how loaded the mentors are, whether mentees got their favourites, and how many pairs
//! would rather be together than with whom they were given (blocking pairs).
//!
//! Everything is computed from the graph's integer weights and reported as scores
//! (weight ÷ [`WEIGHT_SCALE`]). Linear in the arcs apart from one sort of the matched
//! scores.

use serde::{Deserialize, Serialize};

use crate::graph::{CandidateGraph, WEIGHT_SCALE};

/// The quality of one assignment. Score statistics are `None` when nobody is matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityReport {
    pub matched: usize,
    pub unmatched: usize,
    /// Mentees without a single candidate: no assignment could have matched them.
    pub without_candidates: usize,
    pub total_score: f64,
    pub mean_score: Option<f64>,
    pub lowest_score: Option<f64>,
    /// The 10th percentile of the matched scores (nearest rank: the score at position
    /// ⌈0.1 × matched⌉ in ascending order), so 90% of the pairs score at least this.
    pub p10_score: Option<f64>,
    pub mentor_load: MentorLoad,
    pub ranks: RankSummary,
    /// Pairs (mentee, mentor) who both strictly prefer each other to what they have (see
    /// [`blocking_pairs`]). Zero means the assignment is stable.
    pub blocking_pairs: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MentorLoad {
    /// Mentors whose capacity is used up (mentors with capacity 0 excluded).
    pub full: usize,
    /// Mentors with spare capacity and no mentee (capacity 0 excluded).
    pub idle: usize,
    /// The mean over mentors with capacity of load ÷ capacity.
    pub mean_utilisation: Option<f64>,
    /// `load_histogram[k]`: how many mentors have exactly `k` mentees.
    pub load_histogram: Vec<usize>,
}

/// Where each matched mentee's mentor sits in their own list of candidates, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankSummary {
    /// Matched mentees who got their best-scored candidate.
    pub first_choice: usize,
    /// Matched mentees who got one of their three best-scored candidates.
    pub top_three: usize,
    pub mean_rank: Option<f64>,
}

/// The quality report of `mentor_of` on `graph`.
///
/// # Panics
/// If `mentor_of` is not an assignment of `graph`: wrong length, a pair that is not an
/// arc, or a mentor over capacity. Assignments come from this crate's solvers, so that
/// would be a bug, not bad input.
pub fn report(graph: &CandidateGraph, mentor_of: &[Option<u32>]) -> QualityReport {
    let weight_of = assigned_weights(graph, mentor_of);
    let mut scores: Vec<i64> = weight_of.iter().flatten().copied().collect();
    scores.sort_unstable();
    let matched = scores.len();
    let total: i64 = scores.iter().sum();
    let score = |w: i64| w as f64 / WEIGHT_SCALE as f64;
    let p10 = (matched > 0).then(|| scores[matched.div_ceil(10) - 1]);

    let ranks = ranks(graph, mentor_of);
    let ranked: Vec<u32> = ranks.iter().flatten().copied().collect();

    QualityReport {
        matched,
        unmatched: mentor_of.len() - matched,
        without_candidates: (0..graph.mentees())
            .filter(|&i| graph.arcs(i).len() == 0)
            .count(),
        total_score: score(total),
        mean_score: (matched > 0).then(|| score(total) / matched as f64),
        lowest_score: scores.first().map(|&w| score(w)),
        p10_score: p10.map(score),
        mentor_load: mentor_load(graph, mentor_of),
        ranks: RankSummary {
            first_choice: ranked.iter().filter(|&&r| r == 1).count(),
            top_three: ranked.iter().filter(|&&r| r <= 3).count(),
            mean_rank: (!ranked.is_empty())
                .then(|| ranked.iter().map(|&r| f64::from(r)).sum::<f64>() / ranked.len() as f64),
        },
        blocking_pairs: blocking_pairs(graph, mentor_of),
    }
}

/// Each mentee's assigned weight, checking that the assignment belongs to the graph.
fn assigned_weights(graph: &CandidateGraph, mentor_of: &[Option<u32>]) -> Vec<Option<i64>> {
    assert_eq!(mentor_of.len(), graph.mentees(), "one entry per mentee");
    let mut load = vec![0u32; graph.mentors()];
    mentor_of
        .iter()
        .enumerate()
        .map(|(i, &j)| {
            let j = j?;
            load[j as usize] += 1;
            assert!(
                load[j as usize] <= graph.capacity(j as usize),
                "mentor {j} over capacity"
            );
            let Some(w) = graph.weight(i, j) else {
                panic!("mentee {i} is assigned to mentor {j}, which is not one of its candidates");
            };
            Some(w)
        })
        .collect()
}

fn mentor_load(graph: &CandidateGraph, mentor_of: &[Option<u32>]) -> MentorLoad {
    let mut load = vec![0u32; graph.mentors()];
    for &j in mentor_of.iter().flatten() {
        load[j as usize] += 1;
    }
    let mut load_histogram = vec![0usize; load.iter().max().map_or(1, |&l| l as usize + 1)];
    for &l in &load {
        load_histogram[l as usize] += 1;
    }
    let with_capacity: Vec<(u32, u32)> = load
        .iter()
        .zip(graph.capacities())
        .map(|(&l, &c)| (l, c))
        .filter(|&(_, c)| c > 0)
        .collect();
    MentorLoad {
        full: with_capacity.iter().filter(|&&(l, c)| l == c).count(),
        idle: with_capacity.iter().filter(|&&(l, _)| l == 0).count(),
        mean_utilisation: (!with_capacity.is_empty()).then(|| {
            with_capacity
                .iter()
                .map(|&(l, c)| f64::from(l) / f64::from(c))
                .sum::<f64>()
                / with_capacity.len() as f64
        }),
        load_histogram,
    }
}

/// Each matched mentee's rank of its mentor among its own arcs: 1 for the highest weight,
/// ties broken by mentor index (the lower index ranks first).
pub fn ranks(graph: &CandidateGraph, mentor_of: &[Option<u32>]) -> Vec<Option<u32>> {
    mentor_of
        .iter()
        .enumerate()
        .map(|(i, &j)| {
            let j = j?;
            let w = graph.weight(i, j)?;
            let ahead = graph
                .arcs(i)
                .filter(|&(k, v)| v > w || (v == w && k < j))
                .count();
            Some(ahead as u32 + 1)
        })
        .collect()
}

/// The pairs that would both rather be together: mentee `i` and mentor `j` are an arc,
/// not assigned to each other; `i` is unmatched or its arc to `j` weighs strictly more
/// than its own; and `j` has room, or weighs `i` strictly above its lowest-weighted
/// mentee. Both sides rank a pair by the same weight. Equal weights never block, so a
/// stable assignment under any tie-breaking has none (weak stability).
pub fn blocking_pairs(graph: &CandidateGraph, mentor_of: &[Option<u32>]) -> u64 {
    let current: Vec<Option<i64>> = mentor_of
        .iter()
        .enumerate()
        .map(|(i, &j)| j.and_then(|j| graph.weight(i, j)))
        .collect();
    let mut load = vec![0u32; graph.mentors()];
    let mut lowest = vec![i64::MAX; graph.mentors()];
    for (&j, &w) in mentor_of.iter().zip(&current) {
        if let (Some(j), Some(w)) = (j, w) {
            load[j as usize] += 1;
            lowest[j as usize] = lowest[j as usize].min(w);
        }
    }
    let mut blocking = 0;
    for i in 0..graph.mentees() {
        for (j, w) in graph.arcs(i) {
            if mentor_of[i] == Some(j) || current[i].is_some_and(|own| w <= own) {
                continue;
            }
            let j = j as usize;
            let has_room = load[j] < graph.capacity(j);
            if has_room || (load[j] > 0 && w > lowest[j]) {
                blocking += 1;
            }
        }
    }
    blocking
}
