//! The objectives, the stable method and the quality report on small hand-made graphs
//! whose answers can be read off.

use lodestar_match::objective::{self, Objective};
use lodestar_match::report::report;
use lodestar_match::stable::stable;
use lodestar_match::{CandidateGraph, quantize};

/// A graph from `(mentee, mentor, score)` triples.
fn graph(mentees: usize, capacities: &[u32], pairs: &[(u32, u32, f64)]) -> CandidateGraph {
    let pairs: Vec<(u32, u32, i64)> = pairs.iter().map(|&(i, j, s)| (i, j, quantize(s))).collect();
    CandidateGraph::from_pairs(mentees, capacities.to_vec(), &pairs)
}

#[test]
fn participation_matches_everyone_even_when_that_lowers_the_total() {
    // Ann alone with Mia scores 1.0; matching Bo too means Ann takes Max (0.2) and Bo Mia.
    let g = graph(2, &[1, 1], &[(0, 0, 1.0), (0, 1, 0.2), (1, 0, 0.3)]);
    let total = objective::solve(&g, Objective::MaxTotal);
    assert_eq!(total.mentor_of, vec![Some(0), None]);
    assert_eq!(total.total, quantize(1.0));
    let participation = objective::solve(&g, Objective::MaxParticipation);
    assert_eq!(participation.mentor_of, vec![Some(1), Some(0)]);
    assert_eq!(participation.total, quantize(0.5));
    assert!(participation.bonus > quantize(1.0));
}

#[test]
fn max_min_trades_total_for_a_better_worst_pair() {
    // Total: Ann–Mia + Bo–Max = 1.05, worst 0.05. Max-min: Ann–Max + Bo–Mia = 0.8, worst 0.3.
    let g = graph(
        2,
        &[1, 1],
        &[(0, 0, 1.0), (0, 1, 0.3), (1, 0, 0.5), (1, 1, 0.05)],
    );
    assert_eq!(
        objective::solve(&g, Objective::MaxTotal).mentor_of,
        vec![Some(0), Some(1)]
    );
    let fair = objective::solve(&g, Objective::MaxMin);
    assert_eq!(fair.mentor_of, vec![Some(1), Some(0)]);
    assert_eq!(fair.threshold, Some(quantize(0.3)));
    assert_eq!(fair.total, quantize(0.8));
}

#[test]
fn max_min_still_matches_the_most_before_raising_the_worst_pair() {
    // Leaving Bo out would let Ann keep 0.9, but both can be matched only with Bo on 0.1.
    let g = graph(2, &[1, 1], &[(0, 0, 0.9), (0, 1, 0.8), (1, 1, 0.1)]);
    let fair = objective::solve(&g, Objective::MaxMin);
    assert_eq!(fair.matched, 2);
    assert_eq!(fair.threshold, Some(quantize(0.1)));
    assert_eq!(fair.mentor_of, vec![Some(0), Some(1)]);
}

#[test]
fn every_objective_copes_with_a_graph_without_arcs() {
    let g = graph(3, &[2, 0], &[]);
    for objective in Objective::ALL {
        let solution = objective::solve(&g, objective);
        assert_eq!(solution.mentor_of, vec![None; 3], "{objective}");
        assert_eq!(
            (solution.total, solution.matched, solution.threshold),
            (0, 0, None)
        );
    }
    assert_eq!(stable(&g), vec![None; 3]);
}

#[test]
fn objectives_round_trip_through_their_names() {
    for objective in Objective::ALL {
        assert_eq!(Objective::from_name(objective.name()), Some(objective));
    }
    assert_eq!(Objective::from_name("max_sum"), None);
    assert_eq!(Objective::default(), Objective::MaxTotal);
}

#[test]
fn stable_gives_the_mentee_optimal_stable_assignment() {
    // Both mentees like Mia best; Mia prefers Bo (0.9 > 0.8), so Ann goes to Max.
    let g = graph(
        2,
        &[1, 1],
        &[(0, 0, 0.8), (0, 1, 0.5), (1, 0, 0.9), (1, 1, 0.4)],
    );
    assert_eq!(stable(&g), vec![Some(1), Some(0)]);
    // With room for both, Mia takes both.
    let roomy = graph(
        2,
        &[2, 1],
        &[(0, 0, 0.8), (0, 1, 0.5), (1, 0, 0.9), (1, 1, 0.4)],
    );
    assert_eq!(stable(&roomy), vec![Some(0), Some(0)]);
}

#[test]
fn stable_breaks_equal_scores_by_index_on_both_sides() {
    // Everything scores 0.5: mentees prefer the lower mentor index, mentors the lower mentee.
    let g = graph(
        3,
        &[1, 1, 1],
        &[
            (0, 0, 0.5),
            (0, 1, 0.5),
            (1, 0, 0.5),
            (1, 1, 0.5),
            (2, 0, 0.5),
            (2, 2, 0.5),
        ],
    );
    assert_eq!(stable(&g), vec![Some(0), Some(1), Some(2)]);
}

#[test]
fn the_report_describes_scores_load_ranks_and_blocking_pairs() {
    // Ann gets her 2nd choice, Bo his 1st, Cy nobody; Mia (cap 2) holds both, Max idle.
    let g = graph(
        3,
        &[2, 1, 0],
        &[
            (0, 0, 0.6),
            (0, 1, 0.9),
            (1, 0, 0.8),
            (2, 1, 0.2),
            (2, 2, 0.7),
        ],
    );
    let quality = report(&g, &[Some(0), Some(0), None]);
    assert_eq!(
        (
            quality.matched,
            quality.unmatched,
            quality.without_candidates
        ),
        (2, 1, 0)
    );
    assert!((quality.total_score - 1.4).abs() < 1e-12);
    assert_eq!(quality.mean_score, Some(0.7));
    assert_eq!(quality.lowest_score, Some(0.6));
    assert_eq!(quality.p10_score, Some(0.6));
    assert_eq!(quality.mentor_load.full, 1);
    assert_eq!(quality.mentor_load.idle, 1);
    assert_eq!(quality.mentor_load.mean_utilisation, Some(0.5));
    assert_eq!(quality.mentor_load.load_histogram, vec![2, 0, 1]);
    assert_eq!(quality.ranks.first_choice, 1);
    assert_eq!(quality.ranks.top_three, 2);
    assert_eq!(quality.ranks.mean_rank, Some(1.5));
    // Ann–Max (0.9 > 0.6, Max has room) and Cy–Max (unmatched, Max has room) block;
    // Cy–Zoe does not (Zoe has no capacity).
    assert_eq!(quality.blocking_pairs, 2);
}

#[test]
fn the_tenth_percentile_is_the_nearest_rank() {
    let pairs: Vec<(u32, u32, f64)> = (0..20).map(|i| (i, 0, f64::from(i + 1) / 20.0)).collect();
    let g = graph(20, &[20], &pairs);
    let quality = report(&g, &[Some(0); 20]);
    // ⌈0.1 × 20⌉ = 2nd lowest.
    assert_eq!(quality.p10_score, Some(0.1));
    assert_eq!(quality.lowest_score, Some(0.05));
}

#[test]
fn a_report_of_nobody_matched_has_no_score_statistics() {
    let g = graph(2, &[1], &[(0, 0, 0.5)]);
    let quality = report(&g, &[None, None]);
    assert_eq!(
        (
            quality.matched,
            quality.unmatched,
            quality.without_candidates
        ),
        (0, 2, 1)
    );
    assert_eq!(
        (quality.mean_score, quality.lowest_score, quality.p10_score),
        (None, None, None)
    );
    assert_eq!(quality.ranks.mean_rank, None);
    assert_eq!(quality.blocking_pairs, 1);
}
