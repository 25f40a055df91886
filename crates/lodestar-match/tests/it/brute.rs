//! Every objective, the stable method and the quality report against brute force on tiny
//! graphs (≤ 7 mentees × 4 mentors, capacities 0–2), where every assignment can be listed.

use lodestar_match::objective::{self, Objective, max_cardinality};
use lodestar_match::report::{blocking_pairs, ranks, report};
use lodestar_match::stable::stable;
use lodestar_match::{CandidateGraph, WEIGHT_SCALE};
use proptest::collection::vec;
use proptest::prelude::*;

/// What the best assignments by each measure achieve, found by trying them all.
#[derive(Debug)]
pub struct Best {
    pub total: i64,
    /// The most mentees matched, and the best total among assignments matching that many.
    pub most: usize,
    pub total_at_most: i64,
    /// Among assignments matching `most`: the highest lowest weight (`None` if `most` is
    /// 0), and the best total among those reaching it.
    pub min_at_most: Option<i64>,
    pub total_at_most_and_min: i64,
}

/// Tries every feasible assignment of `graph`.
pub fn brute_force(graph: &CandidateGraph) -> Best {
    let mut best = Best {
        total: 0,
        most: 0,
        total_at_most: 0,
        min_at_most: None,
        total_at_most_and_min: 0,
    };
    let mut load = vec![0u32; graph.mentors()];
    visit(graph, 0, &mut load, 0, 0, None, &mut best);
    best
}

fn visit(
    graph: &CandidateGraph,
    i: usize,
    load: &mut [u32],
    count: usize,
    total: i64,
    lowest: Option<i64>,
    best: &mut Best,
) {
    if i == graph.mentees() {
        best.total = best.total.max(total);
        let key = (count, lowest.map_or(i64::MAX, |l| l));
        let best_key = (best.most, best.min_at_most.map_or(i64::MAX, |l| l));
        if count > best.most {
            best.most = count;
            best.total_at_most = total;
        } else if count == best.most {
            best.total_at_most = best.total_at_most.max(total);
        }
        if count > best_key.0 || (count == best_key.0 && key.1 > best_key.1) {
            best.min_at_most = lowest;
            best.total_at_most_and_min = total;
        } else if key == best_key {
            best.total_at_most_and_min = best.total_at_most_and_min.max(total);
        }
        return;
    }
    visit(graph, i + 1, load, count, total, lowest, best);
    for (j, w) in graph.arcs(i) {
        let j = j as usize;
        if load[j] < graph.capacity(j) {
            load[j] += 1;
            let lowest = Some(lowest.map_or(w, |l| l.min(w)));
            visit(graph, i + 1, load, count + 1, total + w, lowest, best);
            load[j] -= 1;
        }
    }
}

/// Panics unless `mentor_of` assigns each mentee at most one of its arcs and keeps every
/// mentor within capacity.
pub fn assert_feasible(graph: &CandidateGraph, mentor_of: &[Option<u32>]) {
    assert_eq!(mentor_of.len(), graph.mentees());
    let mut load = vec![0u32; graph.mentors()];
    for (i, &j) in mentor_of.iter().enumerate() {
        if let Some(j) = j {
            assert!(
                graph.weight(i, j).is_some(),
                "mentee {i} assigned to non-candidate {j}"
            );
            load[j as usize] += 1;
        }
    }
    for (j, &l) in load.iter().enumerate() {
        assert!(
            l <= graph.capacity(j),
            "mentor {j} holds {l} > capacity {}",
            graph.capacity(j)
        );
    }
}

fn total(graph: &CandidateGraph, mentor_of: &[Option<u32>]) -> i64 {
    (0..graph.mentees())
        .filter_map(|i| mentor_of[i].and_then(|j| graph.weight(i, j)))
        .sum()
}

fn lowest(graph: &CandidateGraph, mentor_of: &[Option<u32>]) -> Option<i64> {
    (0..graph.mentees())
        .filter_map(|i| mentor_of[i].and_then(|j| graph.weight(i, j)))
        .min()
}

/// Weights from a coarse grid half the time, so that ties are common.
fn weight() -> impl Strategy<Value = i64> {
    prop_oneof![
        (0i64..=4).prop_map(|k| k * WEIGHT_SCALE / 4),
        0..=WEIGHT_SCALE
    ]
}

/// A graph of up to 7 mentees × 4 mentors with capacities 0–2 and about 60% of the
/// pairs present.
pub fn tiny_graph() -> impl Strategy<Value = CandidateGraph> {
    (0usize..=7, 1usize..=4).prop_flat_map(|(mentees, mentors)| {
        (
            vec(0u32..=2, mentors),
            vec(proptest::option::weighted(0.6, weight()), mentees * mentors),
        )
            .prop_map(move |(capacities, cells)| {
                let pairs: Vec<(u32, u32, i64)> = cells
                    .iter()
                    .enumerate()
                    .filter_map(|(k, w)| w.map(|w| ((k / mentors) as u32, (k % mentors) as u32, w)))
                    .collect();
                CandidateGraph::from_pairs(mentees, capacities, &pairs)
            })
    })
}

/// Blocking pairs counted straight from the definition, comparing each arc with every
/// mentee the mentor holds.
fn blocking_pairs_by_definition(graph: &CandidateGraph, mentor_of: &[Option<u32>]) -> u64 {
    let own = |i: usize| mentor_of[i].and_then(|j| graph.weight(i, j));
    let mut count = 0;
    for i in 0..graph.mentees() {
        for (j, w) in graph.arcs(i) {
            let mentee_wants = mentor_of[i] != Some(j) && own(i).is_none_or(|own| w > own);
            let held: Vec<i64> = (0..graph.mentees())
                .filter(|&h| mentor_of[h] == Some(j))
                .filter_map(own)
                .collect();
            let mentor_wants =
                (held.len() as u32) < graph.capacity(j as usize) || held.iter().any(|&h| w > h);
            if mentee_wants && mentor_wants {
                count += 1;
            }
        }
    }
    count
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn max_total_reaches_the_best_total(graph in tiny_graph()) {
        let best = brute_force(&graph);
        let solution = objective::solve(&graph, Objective::MaxTotal);
        assert_feasible(&graph, &solution.mentor_of);
        prop_assert_eq!(solution.total, best.total);
        prop_assert_eq!(total(&graph, &solution.mentor_of), solution.total);
        prop_assert!(solution.verify(&graph).is_ok());
    }

    #[test]
    fn max_participation_matches_the_most_then_reaches_the_best_total(graph in tiny_graph()) {
        let best = brute_force(&graph);
        let solution = objective::solve(&graph, Objective::MaxParticipation);
        assert_feasible(&graph, &solution.mentor_of);
        prop_assert_eq!(solution.matched, best.most);
        prop_assert_eq!(solution.total, best.total_at_most);
        prop_assert!(solution.verify(&graph).is_ok());
    }

    #[test]
    fn max_min_matches_the_most_then_raises_the_lowest_score_then_the_total(graph in tiny_graph()) {
        let best = brute_force(&graph);
        let solution = objective::solve(&graph, Objective::MaxMin);
        assert_feasible(&graph, &solution.mentor_of);
        prop_assert_eq!(solution.matched, best.most);
        prop_assert_eq!(lowest(&graph, &solution.mentor_of), best.min_at_most);
        prop_assert_eq!(solution.threshold, best.min_at_most);
        prop_assert_eq!(solution.total, best.total_at_most_and_min);
        prop_assert!(solution.verify(&graph).is_ok());
    }

    #[test]
    fn max_cardinality_matches_the_most(graph in tiny_graph()) {
        let mentor_of = max_cardinality(&graph);
        assert_feasible(&graph, &mentor_of);
        prop_assert_eq!(mentor_of.iter().flatten().count(), brute_force(&graph).most);
    }

    #[test]
    fn stable_assignments_have_no_blocking_pairs(graph in tiny_graph()) {
        let mentor_of = stable(&graph);
        assert_feasible(&graph, &mentor_of);
        prop_assert_eq!(blocking_pairs(&graph, &mentor_of), 0);
        prop_assert_eq!(blocking_pairs_by_definition(&graph, &mentor_of), 0);
        prop_assert_eq!(report(&graph, &mentor_of).blocking_pairs, 0);
    }

    #[test]
    fn blocking_pairs_agree_with_the_definition(graph in tiny_graph()) {
        for objective in Objective::ALL {
            let mentor_of = objective::solve(&graph, objective).mentor_of;
            prop_assert_eq!(blocking_pairs(&graph, &mentor_of), blocking_pairs_by_definition(&graph, &mentor_of));
        }
        let nobody = vec![None; graph.mentees()];
        prop_assert_eq!(blocking_pairs(&graph, &nobody), blocking_pairs_by_definition(&graph, &nobody));
    }

    #[test]
    fn ranks_count_the_better_candidates(graph in tiny_graph()) {
        let mentor_of = objective::solve(&graph, Objective::MaxTotal).mentor_of;
        for (i, rank) in ranks(&graph, &mentor_of).into_iter().enumerate() {
            let Some(j) = mentor_of[i] else {
                prop_assert_eq!(rank, None);
                continue;
            };
            let mut order: Vec<(u32, i64)> = graph.arcs(i).collect();
            order.sort_by_key(|&(k, w)| (std::cmp::Reverse(w), k));
            let position = order.iter().position(|&(k, _)| k == j).map(|p| p as u32 + 1);
            prop_assert_eq!(rank, position);
        }
    }
}
