//! What "best" means: the objectives an administrator can choose, each reduced to one
//! exact max-weight matching.
//!
//! - [`Objective::MaxTotal`]: the largest total score.
//! - [`Objective::MaxParticipation`]: as many mentees matched as possible, then the
//!   largest total. Every arc gets a bonus larger than any possible total, so one more
//!   pair always outweighs any gain in score.
//! - [`Objective::MaxMin`]: as many mentees matched as possible, then the largest lowest
//!   matched score, then the largest total. A binary search over the distinct weights
//!   finds the highest threshold at which the arcs at or above it still match as many
//!   mentees as the whole graph; the participation objective then runs on those arcs.
//!
//! Weights must be non-negative (scores are).

mod cardinality;

use std::fmt;

pub use cardinality::max_cardinality;
pub(crate) use cardinality::reached;

use crate::graph::CandidateGraph;
use crate::solve::{self, CertificateError, Solution};
use cardinality::HeaviestFirst;

/// Which matching counts as best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Objective {
    /// The largest total score.
    #[default]
    MaxTotal,
    /// As many matched mentees as possible; among those, the largest total score.
    MaxParticipation,
    /// As many matched mentees as possible; among those, the largest lowest matched
    /// score; among those, the largest total score.
    MaxMin,
}

impl Objective {
    pub const ALL: [Objective; 3] = [
        Objective::MaxTotal,
        Objective::MaxParticipation,
        Objective::MaxMin,
    ];

    /// The name used in problem files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Objective::MaxTotal => "max_total",
            Objective::MaxParticipation => "max_participation",
            Objective::MaxMin => "max_min",
        }
    }

    pub fn from_name(name: &str) -> Option<Objective> {
        Objective::ALL.into_iter().find(|o| o.name() == name)
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An optimal assignment for an objective.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectiveSolution {
    pub objective: Objective,
    /// Each mentee's mentor, by index into the input graph.
    pub mentor_of: Vec<Option<u32>>,
    /// The total weight of the assigned arcs in the input graph (no bonus).
    pub total: i64,
    pub matched: usize,
    /// The bonus added to every arc before solving (0 for [`Objective::MaxTotal`]).
    pub bonus: i64,
    /// [`Objective::MaxMin`]: the lowest weight the assignment was allowed to use. `None`
    /// for the other objectives and when nothing can be matched.
    pub threshold: Option<i64>,
    /// The solver's answer on the graph it actually ran on (see
    /// [`ObjectiveSolution::solved_graph`]); its certificate refers to that graph.
    pub solver: Solution,
}

impl ObjectiveSolution {
    /// The graph the solver ran on: `graph` restricted to the threshold, with the bonus.
    pub fn solved_graph(&self, graph: &CandidateGraph) -> CandidateGraph {
        let restricted = match self.threshold {
            Some(threshold) => graph.filter_arcs(|_, _, w| w >= threshold),
            None => graph.clone(),
        };
        let bonus = self.bonus;
        restricted.map_weights(|w| w + bonus)
    }

    /// Checks the solver's optimality certificate against the graph it ran on. This
    /// proves the objective's last stage (the total); the maximum cardinality and the
    /// threshold come from augmenting-path searches, which are exact but carry no
    /// certificate.
    pub fn verify(&self, graph: &CandidateGraph) -> Result<(), CertificateError> {
        self.solver
            .certificate
            .verify(&self.solved_graph(graph), self.solver.total)
    }
}

/// An optimal assignment of `graph`'s mentees for `objective`.
///
/// # Panics
/// If the participation bonus makes the weights too large for the solver: the bonus is
/// about `mentees × max weight`, and [`solve::max_weight`] needs `max weight × S` below
/// 2⁶², where `S` is about twice the mentees plus the places. With weights from
/// [`crate::quantize`] (at most 10⁶) that holds up to about a million mentees with as many
/// places; the problem module refuses larger problems before they get here
/// ([`crate::problem::MAX_MENTEES`]).
pub fn solve(graph: &CandidateGraph, objective: Objective) -> ObjectiveSolution {
    solve_from(graph, objective, None)
}

/// [`solve`], with the last stage's solver started where `hint`, a similar graph's
/// solution for the same objective, ended (see [`solve::max_weight_from`]).
pub fn solve_from(
    graph: &CandidateGraph,
    objective: Objective,
    hint: Option<&ObjectiveSolution>,
) -> ObjectiveSolution {
    let prices: Vec<f64> = hint.map_or_else(Vec::new, |hint| {
        let certificate = &hint.solver.certificate;
        (0..certificate.mentor_prices_len())
            .map(|j| certificate.mentor_price(j as u32).unwrap_or(f64::INFINITY))
            .collect()
    });
    let max_weight = |graph: &CandidateGraph| match hint {
        Some(hint) => solve::max_weight_from(graph, &prices, &hint.mentor_of),
        None => solve::max_weight(graph),
    };
    match objective {
        Objective::MaxTotal => {
            let solver = max_weight(graph);
            finish(graph, objective, solver, 0, None)
        }
        Objective::MaxParticipation => {
            let most = count(&max_cardinality(graph));
            let (solver, bonus) = with_participation_bonus(graph, most, max_weight);
            finish(graph, objective, solver, bonus, None)
        }
        Objective::MaxMin => {
            let (most, threshold) = highest_threshold(graph);
            let restricted = match threshold {
                Some(threshold) => graph.filter_arcs(|_, _, w| w >= threshold),
                None => graph.clone(),
            };
            let (solver, bonus) = with_participation_bonus(&restricted, most, max_weight);
            finish(graph, objective, solver, bonus, threshold)
        }
    }
}

fn count(mentor_of: &[Option<u32>]) -> usize {
    mentor_of.iter().flatten().count()
}

fn finish(
    graph: &CandidateGraph,
    objective: Objective,
    solver: Solution,
    bonus: i64,
    threshold: Option<i64>,
) -> ObjectiveSolution {
    let mentor_of = solver.mentor_of.clone();
    let total = mentor_of
        .iter()
        .enumerate()
        .filter_map(|(i, j)| j.and_then(|j| graph.weight(i, j)))
        .sum();
    ObjectiveSolution {
        objective,
        matched: count(&mentor_of),
        mentor_of,
        total,
        bonus,
        threshold,
        solver,
    }
}

/// Solves `graph` with a bonus on every arc big enough that an assignment with one more
/// pair always weighs more; `most` is the maximum cardinality, which bounds any total.
fn with_participation_bonus(
    graph: &CandidateGraph,
    most: usize,
    max_weight: impl Fn(&CandidateGraph) -> Solution,
) -> (Solution, i64) {
    let (_, _, weights) = graph.rows();
    let heaviest = weights.iter().copied().max().unwrap_or(0);
    debug_assert!(
        weights.iter().all(|&w| w >= 0),
        "objectives need non-negative weights"
    );
    // Two assignments differ by at most `most × heaviest` in total weight, so a bonus
    // above that makes cardinality dominate. The solver's totals stay below
    // `most × (heaviest + bonus)`, which must fit in an i64.
    let bonus = i64::try_from(most)
        .ok()
        .and_then(|most| most.checked_mul(heaviest))
        .and_then(|b| b.checked_add(1))
        .filter(|&bonus| {
            bonus
                .checked_add(heaviest)
                .and_then(|arc| arc.checked_mul(i64::try_from(most).ok()?))
                .is_some()
        });
    let Some(bonus) = bonus else {
        panic!("participation bonus overflows i64 ({most} mentees, weights up to {heaviest})");
    };
    (max_weight(&graph.map_weights(|w| w + bonus)), bonus)
}

/// The maximum cardinality and the highest weight `t` such that the arcs weighing at
/// least `t` still reach it (`None` when nothing can be matched).
fn highest_threshold(graph: &CandidateGraph) -> (usize, Option<i64>) {
    let full = max_cardinality(graph);
    let most = count(&full);
    if most == 0 {
        return (0, None);
    }
    // `most` distinct mentees each need an arc at or above the threshold, so it is at
    // most the `most`-th largest of the mentees' best weights: a cheap cap that often
    // removes most of the search range.
    let mut best_per_mentee: Vec<i64> = (0..graph.mentees())
        .filter_map(|i| graph.arcs(i).map(|(_, w)| w).max())
        .collect();
    best_per_mentee.sort_unstable_by(|a, b| b.cmp(a));
    let cap = best_per_mentee[most - 1];

    let (_, _, weights) = graph.rows();
    let candidates = distinct_sorted(weights.iter().copied().filter(|&w| w <= cap));

    // Invariant: the threshold `candidates[low]` reaches `most` (the lowest weight keeps
    // every arc); `candidates[high]` (past the end: no arcs) does not. Each probe starts
    // from the better of two assignments rather than from nothing: the one found at
    // `high`, whose arcs every lower threshold keeps, and the one found at `low` without
    // its arcs below the probe's threshold.
    let mut low = 0;
    let mut high = candidates.len();
    let heaviest_first = HeaviestFirst::new(graph);
    let mut at_low = full;
    let mut at_high = vec![None; graph.mentees()];
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        let threshold = candidates[middle];
        let pruned: Vec<Option<u32>> = at_low
            .iter()
            .enumerate()
            .map(|(i, &j)| j.filter(|&j| graph.weight(i, j).is_some_and(|w| w >= threshold)))
            .collect();
        let mut probe = if count(&pruned) >= count(&at_high) {
            pruned
        } else {
            at_high.clone()
        };
        heaviest_first.augment(threshold, &mut probe, most);
        if count(&probe) == most {
            low = middle;
            at_low = probe;
        } else {
            high = middle;
            at_high = probe;
        }
    }
    (most, Some(candidates[low]))
}

/// The distinct values of `weights`, ascending. Quantized scores span at most 10⁶ + 1
/// values, far fewer than a large graph has arcs, so marking them in a bitmap beats
/// sorting millions of weights; other weights fall back to sorting.
fn distinct_sorted(weights: impl Iterator<Item = i64> + Clone) -> Vec<i64> {
    let (mut low, mut high, mut count) = (i64::MAX, i64::MIN, 0usize);
    for w in weights.clone() {
        low = low.min(w);
        high = high.max(w);
        count += 1;
    }
    if count == 0 {
        return Vec::new();
    }
    let span = i128::from(high) - i128::from(low);
    match usize::try_from(span) {
        Ok(span) if span <= count.saturating_mul(4).max(1 << 16) => {
            let mut present = vec![false; span + 1];
            for w in weights {
                // In range by construction: low ≤ w ≤ high.
                present[(w - low) as usize] = true;
            }
            (0..=span)
                .filter(|&k| present[k])
                .map(|k| low + k as i64)
                .collect()
        }
        _ => {
            let mut distinct: Vec<i64> = weights.collect();
            distinct.sort_unstable();
            distinct.dedup();
            distinct
        }
    }
}

#[cfg(test)]
mod tests {
    use super::distinct_sorted;

    #[test]
    fn distinct_weights_come_out_sorted_whether_marked_or_sorted() {
        // A narrow span goes through the bitmap, a wide one through sorting.
        let narrow = [5, 3, 9, 3, 5, 1_000];
        assert_eq!(distinct_sorted(narrow.into_iter()), vec![3, 5, 9, 1_000]);
        let wide = [i64::MAX, 0, -7, i64::MAX, i64::MIN];
        assert_eq!(
            distinct_sorted(wide.into_iter()),
            vec![i64::MIN, -7, 0, i64::MAX]
        );
        assert_eq!(distinct_sorted(std::iter::empty()), Vec::<i64>::new());
    }
}
