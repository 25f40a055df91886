//! The auction solver against the reference solvers, and its certificates.

use crate::reference;
use lodestar_match::solve::{CertificateError, Solution, max_weight, max_weight_from};
use lodestar_match::{CandidateGraph, WEIGHT_SCALE, synthetic};
use proptest::collection::vec;
use proptest::prelude::*;

/// Checks that the solution is a feasible assignment of `graph` with the total it claims,
/// that its certificate proves that total, and that solving again gives the same answer.
fn assert_sound(graph: &CandidateGraph, solution: &Solution) {
    assert_feasible_and_proven(graph, solution);
    assert_eq!(&max_weight(graph), solution, "a second solve differs");
}

/// The solution is a feasible assignment of `graph`, its total is the sum of its arcs, and
/// its certificate proves that total.
fn assert_feasible_and_proven(graph: &CandidateGraph, solution: &Solution) {
    assert_eq!(solution.mentor_of.len(), graph.mentees());
    let mut load = vec![0u32; graph.mentors()];
    let mut total = 0i64;
    for (i, mentor) in solution.mentor_of.iter().enumerate() {
        if let Some(j) = *mentor {
            let w = graph
                .weight(i, j)
                .unwrap_or_else(|| panic!("({i}, {j}) is not an arc"));
            total += w;
            load[j as usize] += 1;
        }
    }
    for (j, &l) in load.iter().enumerate() {
        assert!(
            l <= graph.capacity(j),
            "mentor {j} holds {l} > {}",
            graph.capacity(j)
        );
    }
    assert_eq!(
        total, solution.total,
        "claimed total differs from the assigned arcs' sum"
    );
    solution
        .certificate
        .verify(graph, solution.total)
        .unwrap_or_else(|e| panic!("certificate rejected: {e}"));
}

fn weight() -> impl Strategy<Value = i64> {
    prop_oneof![Just(0), 0i64..4, Just(WEIGHT_SCALE), 0..=WEIGHT_SCALE]
}

/// Up to 8 mentees × 5 mentors, capacities 0–3, a random subset of the pairs, weights
/// with many ties and zeros, sometimes lifted by a participation-sized bonus or more.
fn small_graph(max_mentees: usize) -> impl Strategy<Value = CandidateGraph> {
    (0..=max_mentees, 1usize..=5)
        .prop_flat_map(|(n, m)| {
            (
                Just(n),
                vec(0u32..=3, m),
                vec(proptest::option::weighted(0.6, weight()), n * m),
                // The last bonus is large enough for the solver's 128-bit prices.
                prop_oneof![
                    Just(0i64),
                    Just(9 * WEIGHT_SCALE),
                    Just(100_000_000_000),
                    Just(1 << 56)
                ],
            )
        })
        .prop_map(|(n, capacities, cells, bonus)| {
            let m = capacities.len();
            let pairs: Vec<(u32, u32, i64)> = cells
                .iter()
                .enumerate()
                .filter_map(|(c, w)| w.map(|w| ((c / m) as u32, (c % m) as u32, w + bonus)))
                .collect();
            CandidateGraph::from_pairs(n, capacities, &pairs)
        })
}

/// Up to 40 mentees × 12 mentors with capacities 0–6 and sparse random arcs: long chains
/// of displacement, mentors left with free places, mentees left out.
fn medium_graph() -> impl Strategy<Value = CandidateGraph> {
    (0usize..=40, 1usize..=12, 0.05f64..0.6)
        .prop_flat_map(|(n, m, density)| {
            (
                Just(n),
                vec(0u32..=6, m),
                vec(
                    (0.0f64..1.0, prop_oneof![0i64..=8, 0..=WEIGHT_SCALE]),
                    n * m,
                ),
                Just(density),
                prop_oneof![Just(0i64), Just(41 * WEIGHT_SCALE)],
            )
        })
        .prop_map(|(n, capacities, cells, density, bonus)| {
            let m = capacities.len();
            let pairs: Vec<(u32, u32, i64)> = cells
                .iter()
                .enumerate()
                .filter(|(_, (draw, _))| *draw < density)
                .map(|(c, &(_, w))| ((c / m) as u32, (c % m) as u32, w + bonus))
                .collect();
            CandidateGraph::from_pairs(n, capacities, &pairs)
        })
}

/// The graph with the pair forced in: mentee i gone, mentor j one place smaller.
fn without(graph: &CandidateGraph, mentee: usize, mentor: u32) -> CandidateGraph {
    let mut capacities = graph.capacities().to_vec();
    capacities[mentor as usize] -= 1;
    let pairs: Vec<(u32, u32, i64)> = (0..graph.mentees())
        .filter(|&i| i != mentee)
        .flat_map(|i| graph.arcs(i).map(move |(j, w)| (i as u32, j, w)))
        .collect();
    CandidateGraph::from_pairs(graph.mentees(), capacities, &pairs)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn small_graphs_are_solved_optimally(graph in small_graph(8)) {
        let solution = max_weight(&graph);
        prop_assert_eq!(solution.total, reference::max_total(&graph));
        assert_sound(&graph, &solution);
    }

    #[test]
    fn sparse_medium_graphs_are_solved_optimally(graph in medium_graph()) {
        let solution = max_weight(&graph);
        prop_assert_eq!(solution.total, reference::max_total(&graph));
        assert_sound(&graph, &solution);
    }

    /// Started from where a solve of part of the graph ended, or from any prices and
    /// seats at all, the solver still finds (and proves) the optimum.
    #[test]
    fn a_solve_from_any_hint_is_optimal(
        graph in medium_graph(),
        dropped in vec(any::<bool>(), 64),
        prices in vec(prop_oneof![Just(0.0), 0.0..2e6, Just(f64::INFINITY)], 40),
        seats in vec(proptest::option::of(0u32..45), 64),
    ) {
        let best = reference::max_total(&graph);
        let pairs: Vec<(u32, u32, i64)> = (0..graph.mentees())
            .flat_map(|i| graph.arcs(i).map(move |(j, w)| (i as u32, j, w)))
            .enumerate()
            .filter(|&(k, _)| !dropped[k % dropped.len()])
            .map(|(_, pair)| pair)
            .collect();
        let part = CandidateGraph::from_pairs(graph.mentees(), graph.capacities().to_vec(), &pairs);
        let before = max_weight(&part);
        let certificate = &before.certificate;
        let part_prices: Vec<f64> = (0..graph.mentors())
            .map(|j| certificate.mentor_price(j as u32).unwrap_or(f64::INFINITY))
            .collect();
        let warm = max_weight_from(&graph, &part_prices, &before.mentor_of);
        prop_assert_eq!(warm.total, best);
        assert_feasible_and_proven(&graph, &warm);
        let seats = &seats[..graph.mentees().min(seats.len())];
        let wild = max_weight_from(&graph, &prices, seats);
        prop_assert_eq!(wild.total, best);
        assert_feasible_and_proven(&graph, &wild);
    }

    #[test]
    fn the_reference_agrees_with_enumeration(graph in small_graph(6)) {
        prop_assert_eq!(reference::max_total(&graph), reference::enumerate(&graph));
    }

    #[test]
    fn forcing_a_pair_loses_at_least_the_forcing_loss(graph in small_graph(6)) {
        let solution = max_weight(&graph);
        for i in 0..graph.mentees() {
            for (j, w) in graph.arcs(i) {
                let loss = solution.certificate.forcing_loss(i, j, w);
                if graph.capacity(j as usize) == 0 {
                    prop_assert!(loss.is_infinite());
                    continue;
                }
                let forced = w + reference::max_total(&without(&graph, i, j));
                prop_assert!(
                    (solution.total - forced) as f64 >= loss,
                    "forcing ({}, {}) loses {} but the bound says {}", i, j, solution.total - forced, loss
                );
                if solution.mentor_of[i] == Some(j) {
                    prop_assert_eq!(loss, 0.0);
                }
            }
        }
    }

    #[test]
    fn a_pair_the_certificate_does_not_admit_cannot_improve_the_total(
        graph in small_graph(7),
        pick in any::<proptest::sample::Index>(),
        extra in 0..=2 * WEIGHT_SCALE,
    ) {
        let absent: Vec<(usize, u32)> = (0..graph.mentees())
            .flat_map(|i| (0..graph.mentors() as u32).map(move |j| (i, j)))
            .filter(|&(i, j)| graph.weight(i, j).is_none())
            .collect();
        if absent.is_empty() {
            return Ok(());
        }
        let (mentee, mentor) = *pick.get(&absent);
        let solution = max_weight(&graph);
        let mut pairs: Vec<(u32, u32, i64)> = (0..graph.mentees())
            .flat_map(|i| graph.arcs(i).map(move |(j, w)| (i as u32, j, w)))
            .collect();
        pairs.push((mentee as u32, mentor, extra));
        let wider = CandidateGraph::from_pairs(graph.mentees(), graph.capacities().to_vec(), &pairs);
        if !solution.certificate.admits(mentee, mentor, extra) {
            prop_assert_eq!(reference::max_total(&wider), solution.total);
            prop_assert!(solution.certificate.verify(&wider, solution.total).is_ok());
        }
    }
}

#[test]
fn medium_correlated_cohorts_match_the_reference() {
    for seed in 1..=4 {
        // 300 mentees for 60 × 5 = 300 places: every popular place is contested.
        let graph = synthetic::correlated(300, 60, 5, 15, seed);
        let solution = max_weight(&graph);
        assert_eq!(solution.total, reference::max_total(&graph), "seed {seed}");
        assert_sound(&graph, &solution);
    }
}

#[test]
fn medium_cohorts_with_a_participation_bonus_match_the_reference() {
    for seed in 1..=3 {
        let graph = synthetic::correlated(300, 60, 4, 12, seed);
        let bonus = 301 * WEIGHT_SCALE;
        let graph = graph.map_weights(|w| w + bonus);
        let solution = max_weight(&graph);
        assert_eq!(solution.total, reference::max_total(&graph), "seed {seed}");
        assert_sound(&graph, &solution);
    }
}

#[test]
fn medium_random_cohorts_with_scarce_and_plentiful_places_match_the_reference() {
    for (capacity, seed) in [(1, 1), (3, 2), (8, 3), (40, 4)] {
        let graph = synthetic::random(300, 60, capacity, 10, seed);
        let solution = max_weight(&graph);
        assert_eq!(
            solution.total,
            reference::max_total(&graph),
            "capacity {capacity}"
        );
        assert_sound(&graph, &solution);
    }
}

#[test]
fn mentors_with_large_capacities_are_handled() {
    // Capacities in the hundreds exercise the slot heaps beyond a handful of places.
    let graph = synthetic::correlated(2_000, 6, 300, 4, 9);
    let solution = max_weight(&graph);
    assert_eq!(solution.total, reference::max_total(&graph));
    assert_sound(&graph, &solution);
}

#[test]
fn a_larger_cohort_is_certified_and_deterministic() {
    let graph = synthetic::correlated(3_000, 600, 5, 40, 11);
    let solution = max_weight(&graph);
    assert_sound(&graph, &solution);
    assert!(solution.stats.phases >= 1 && solution.stats.bids >= 3_000);
}

#[test]
fn an_empty_graph_matches_no_one() {
    let graph = CandidateGraph::from_pairs(3, vec![2, 0], &[]);
    let solution = max_weight(&graph);
    assert_eq!(solution.mentor_of, vec![None; 3]);
    assert_eq!(solution.total, 0);
    assert_sound(&graph, &solution);
    let graph = CandidateGraph::from_pairs(0, vec![], &[]);
    assert_sound(&graph, &max_weight(&graph));
}

#[test]
fn a_mentor_with_a_free_place_is_priced_below_one_weight_unit() {
    // Mentor 1 is everyone's second choice and keeps a free place: only a (near) zero
    // price for it lets the certificate prove that mentee 1 is better off at mentor 0.
    let graph = CandidateGraph::from_pairs(
        2,
        vec![1, 2],
        &[(0, 0, 900), (0, 1, 100), (1, 0, 800), (1, 1, 700)],
    );
    let solution = max_weight(&graph);
    assert_eq!(solution.mentor_of, vec![Some(0), Some(1)]);
    assert_eq!(solution.total, 1_600);
    assert!(
        solution
            .certificate
            .mentor_price(1)
            .is_some_and(|v| v < 1.0)
    );
    assert_sound(&graph, &solution);
}

#[test]
fn closed_mentors_are_never_used_or_admitted() {
    let graph =
        CandidateGraph::from_pairs(2, vec![0, 1], &[(0, 0, 1_000), (1, 0, 1_000), (1, 1, 5)]);
    let solution = max_weight(&graph);
    assert_eq!(solution.mentor_of, vec![None, Some(1)]);
    assert_eq!(solution.certificate.mentor_price(0), None);
    assert!(!solution.certificate.admits(0, 0, WEIGHT_SCALE));
    assert!(solution.certificate.forcing_loss(0, 0, 1_000).is_infinite());
    assert_sound(&graph, &solution);
}

#[test]
fn negative_weights_are_never_used() {
    let graph = CandidateGraph::from_pairs(2, vec![2], &[(0, 0, -5), (1, 0, 3)]);
    let solution = max_weight(&graph);
    assert_eq!(solution.mentor_of, vec![None, Some(0)]);
    assert_sound(&graph, &solution);
}

#[test]
fn weights_near_the_overflow_limits_are_exact() {
    // 3 mentees with arcs and 2 places scale weights by 2 × 3 + 2 + 1 = 9. Scaled weights
    // up to 2⁵⁹ take 64-bit prices, up to 2⁶² 128-bit ones.
    for top in [(1i64 << 59) / 9, (1i64 << 62) / 9] {
        let pairs = [(0, 0, top), (0, 1, top - 1), (1, 0, top), (2, 1, top - 3)];
        let graph = CandidateGraph::from_pairs(3, vec![1, 1], &pairs);
        let solution = max_weight(&graph);
        assert_eq!(solution.total, reference::max_total(&graph));
        assert_sound(&graph, &solution);
    }
}

#[test]
#[should_panic(expected = "would overflow")]
fn weights_beyond_the_overflow_limit_are_refused() {
    let graph = CandidateGraph::from_pairs(1, vec![1], &[(0, 0, 1i64 << 61)]);
    max_weight(&graph);
}

#[test]
fn verify_rejects_a_total_that_is_too_high_or_too_low() {
    let graph = synthetic::random(40, 10, 2, 4, 5);
    let solution = max_weight(&graph);
    let certificate = &solution.certificate;
    assert!(matches!(
        certificate.verify(&graph, solution.total + 1),
        Err(CertificateError::TotalAboveBound { .. })
    ));
    assert!(matches!(
        certificate.verify(&graph, solution.total - 1),
        Err(CertificateError::GapTooLarge { .. })
    ));
    let other = synthetic::random(41, 10, 2, 4, 5);
    assert!(matches!(
        certificate.verify(&other, solution.total),
        Err(CertificateError::ShapeMismatch { .. })
    ));
}

#[test]
fn verify_rejects_prices_that_leave_a_heavier_arc_uncovered() {
    let graph = CandidateGraph::from_pairs(1, vec![1, 1], &[(0, 0, 10)]);
    let solution = max_weight(&graph);
    let heavier = CandidateGraph::from_pairs(1, vec![1, 1], &[(0, 0, 10), (0, 1, 50)]);
    assert!(solution.certificate.admits(0, 1, 50));
    assert!(matches!(
        solution.certificate.verify(&heavier, solution.total),
        Err(CertificateError::UncoveredArc {
            mentee: 0,
            mentor: 1,
            weight: 50
        })
    ));
}
