//! Each rule of the search on a network small enough to check by hand.

use super::*;
use crate::graph::Edge;
use std::cell::RefCell;

/// The paths from `from` to `targets` with `hidden` people hiding their connections, as
/// `(target, via, strength)`.
fn find(
    graph: &Graph,
    from: u32,
    max_hops: u8,
    targets: &[u32],
    hidden: &[u32],
    limit: usize,
) -> Vec<(u32, Vec<u32>, f32)> {
    paths(
        graph,
        from,
        max_hops,
        |p| targets.contains(&p),
        |p| hidden.contains(&p),
        limit,
    )
    .into_iter()
    .map(|p| (p.target, p.via, p.strength))
    .collect()
}

fn everyone(graph: &Graph) -> Vec<u32> {
    (0..graph.len() as u32).collect()
}

#[test]
fn a_direct_link_is_a_one_hop_path_with_no_one_in_between() {
    let g = Graph::from_edges(2, [Edge::connection(0, 1)]);
    let found = paths(&g, 0, 3, |_| true, |_| false, 10);
    assert_eq!(
        found,
        vec![Path {
            target: 1,
            via: vec![],
            strength: 0.5
        }]
    );
    assert_eq!(found[0].hops(), 1);
}

#[test]
fn someone_who_hides_their_connections_is_never_in_between() {
    // 0 – 1 – 2 and a weaker way round, 0 – 3 – 4 – 2.
    let g = Graph::from_edges(
        5,
        [
            Edge::mentorship(0, 1),
            Edge::mentorship(1, 2),
            Edge::connection(0, 3),
            Edge::connection(3, 4),
            Edge::connection(4, 2),
        ],
    );
    assert_eq!(find(&g, 0, 3, &[2], &[], 10), vec![(2, vec![1], 0.81)]);
    assert_eq!(find(&g, 0, 3, &[2], &[1], 10), vec![(2, vec![3, 4], 0.125)]);
    // Either person on the way round hiding closes it too.
    assert_eq!(find(&g, 0, 3, &[2], &[1, 3], 10), vec![]);
    assert_eq!(find(&g, 0, 3, &[2], &[1, 4], 10), vec![]);
}

#[test]
fn someone_who_hides_their_connections_can_still_be_reached() {
    let g = Graph::from_edges(3, [Edge::connection(0, 1), Edge::connection(1, 2)]);
    assert_eq!(
        find(&g, 0, 3, &[1, 2], &[2], 10),
        vec![(1, vec![], 0.5), (2, vec![1], 0.25)]
    );
    // A direct link who hides is a target, just not a way through.
    assert_eq!(find(&g, 0, 3, &[1, 2], &[1], 10), vec![(1, vec![], 0.5)]);
}

#[test]
fn the_searcher_is_never_a_target_nor_in_between() {
    // 0 is everyone's strongest way to everyone else.
    let g = Graph::from_edges(
        4,
        [
            Edge::mentorship(0, 1).introduced(),
            Edge::mentorship(0, 2).introduced(),
            Edge::mentorship(0, 3).introduced(),
            Edge::connection(1, 2),
        ],
    );
    let all = everyone(&g);
    assert_eq!(
        find(&g, 1, 3, &all, &[], 10),
        vec![(0, vec![], 1.0), (2, vec![0], 1.0), (3, vec![0], 1.0)]
    );
    // Searching from 0, no path comes back through 0 or ends at 0.
    for p in paths(&g, 0, 3, |_| true, |_| false, 10) {
        assert_ne!(p.target, 0);
        assert!(!p.via.contains(&0));
    }
    // Even when the searcher hides their own connections.
    assert_eq!(find(&g, 1, 2, &[3], &[1], 10), vec![(3, vec![0], 1.0)]);
}

#[test]
fn a_mentorship_beats_a_connection() {
    let g = Graph::from_edges(
        4,
        [
            Edge::connection(0, 1),
            Edge::connection(1, 3),
            Edge::mentorship(0, 2),
            Edge::mentorship(2, 3),
        ],
    );
    assert_eq!(find(&g, 0, 2, &[3], &[], 10), vec![(3, vec![2], 0.81)]);
}

#[test]
fn an_introduction_made_before_strengthens_a_link() {
    let g = Graph::from_edges(
        4,
        [
            Edge::connection(0, 1),
            Edge::connection(1, 3),
            Edge::connection(0, 2).introduced(),
            Edge::connection(2, 3),
        ],
    );
    assert_eq!(find(&g, 0, 2, &[3], &[], 10), vec![(3, vec![2], 0.3)]);
    // Capped at full strength.
    let g = Graph::from_edges(2, [Edge::mentorship(0, 1).introduced()]);
    assert_eq!(find(&g, 0, 1, &[1], &[], 10), vec![(1, vec![], 1.0)]);
}

#[test]
fn a_stronger_longer_path_beats_a_weaker_shorter_one() {
    let g = Graph::from_edges(
        4,
        [
            Edge::connection(0, 3),
            Edge::mentorship(0, 1),
            Edge::mentorship(1, 2),
            Edge::mentorship(2, 3),
        ],
    );
    assert_eq!(find(&g, 0, 3, &[3], &[], 10), vec![(3, vec![1, 2], 0.729)]);
    assert_eq!(find(&g, 0, 2, &[3], &[], 10), vec![(3, vec![], 0.5)]);
}

#[test]
fn equally_strong_paths_prefer_fewer_hops() {
    // 0.5 direct, and 1.0 × 0.5 through 1.
    let g = Graph::from_edges(
        3,
        [
            Edge::connection(0, 2),
            Edge::mentorship(0, 1).introduced(),
            Edge::connection(1, 2),
        ],
    );
    assert_eq!(find(&g, 0, 3, &[2], &[], 10), vec![(2, vec![], 0.5)]);
}

#[test]
fn equally_strong_paths_of_one_length_prefer_the_smallest_intermediates() {
    let g = Graph::from_edges(
        10,
        [
            Edge::connection(0, 5),
            Edge::connection(0, 3),
            Edge::connection(5, 9),
            Edge::connection(3, 9),
        ],
    );
    assert_eq!(find(&g, 0, 3, &[9], &[], 10), vec![(9, vec![3], 0.25)]);
}

#[test]
fn three_hop_ties_go_to_the_smallest_intermediates_in_whatever_order_they_are_found() {
    // 5 is reached first through 1 and then, more strongly, through 2; 6 only through 1.
    // Both three-hop paths to 9 are 0.45: through [2, 5] (found first) and [1, 6].
    let g = Graph::from_edges(
        10,
        [
            Edge::connection(0, 1),
            Edge::mentorship(0, 2),
            Edge::connection(1, 5),
            Edge::mentorship(1, 6),
            Edge::connection(2, 5),
            Edge::mentorship(5, 9).introduced(),
            Edge::mentorship(6, 9).introduced(),
        ],
    );
    assert_eq!(find(&g, 0, 3, &[9], &[], 10), vec![(9, vec![1, 6], 0.45)]);
}

#[test]
fn max_hops_bounds_how_far_the_search_goes() {
    let g = Graph::from_edges(
        5,
        [
            Edge::mentorship(0, 1),
            Edge::mentorship(1, 2),
            Edge::mentorship(2, 3),
            Edge::mentorship(3, 4),
        ],
    );
    let all = everyone(&g);
    let targets = |hops| {
        find(&g, 0, hops, &all, &[], 10)
            .into_iter()
            .map(|(t, _, _)| t)
            .collect::<Vec<_>>()
    };
    assert_eq!(targets(1), vec![1]);
    assert_eq!(targets(2), vec![1, 2]);
    assert_eq!(targets(3), vec![1, 2, 3]);
    assert_eq!(find(&g, 0, 3, &[3], &[], 10), vec![(3, vec![1, 2], 0.729)]);
}

#[test]
fn paths_come_strongest_first_then_shortest_then_by_target() {
    // 4: 0.9 direct. 1 and 3: 0.5 direct. 2: 1.0 × 0.5 = 0.5 in two hops.
    let g = Graph::from_edges(
        6,
        [
            Edge::connection(0, 3),
            Edge::connection(0, 1),
            Edge::mentorship(0, 4),
            Edge::mentorship(0, 5).introduced(),
            Edge::connection(5, 2),
        ],
    );
    assert_eq!(
        find(&g, 0, 3, &[1, 2, 3, 4], &[], 10),
        vec![
            (4, vec![], 0.9),
            (1, vec![], 0.5),
            (3, vec![], 0.5),
            (2, vec![5], 0.5),
        ]
    );
}

#[test]
fn the_limit_keeps_only_the_best_paths() {
    let g = Graph::from_edges(
        6,
        [
            Edge::connection(0, 1),
            Edge::connection(0, 2).introduced(),
            Edge::mentorship(0, 3),
            Edge::connection(0, 4),
            Edge::mentorship(0, 5).introduced(),
        ],
    );
    let all = everyone(&g);
    assert_eq!(
        find(&g, 0, 3, &all, &[], 3),
        vec![(5, vec![], 1.0), (3, vec![], 0.9), (2, vec![], 0.6)]
    );
    assert_eq!(find(&g, 0, 3, &all, &[], 0), vec![]);
    assert_eq!(find(&g, 0, 3, &all, &[], 100).len(), 5);
}

#[test]
fn a_small_limit_still_lets_a_strong_three_hop_path_replace_a_shorter_one() {
    // 4 matches directly at 0.5; 3 at 0.25 through 1 and at 0.729 through 2 and 5.
    let g = Graph::from_edges(
        6,
        [
            Edge::connection(0, 4),
            Edge::connection(0, 1),
            Edge::connection(1, 3),
            Edge::mentorship(0, 2),
            Edge::mentorship(2, 5),
            Edge::mentorship(5, 3),
        ],
    );
    assert_eq!(
        find(&g, 0, 3, &[3, 4], &[], 1),
        vec![(3, vec![2, 5], 0.729)]
    );
    assert_eq!(
        find(&g, 0, 3, &[3, 4], &[], 2),
        vec![(3, vec![2, 5], 0.729), (4, vec![], 0.5)]
    );
    // Weaker than the limit's worth of shorter paths, a three-hop path is not shown.
    let g = Graph::from_edges(
        5,
        [
            Edge::mentorship(0, 4),
            Edge::connection(0, 1),
            Edge::connection(1, 2),
            Edge::connection(2, 3),
        ],
    );
    assert_eq!(find(&g, 0, 3, &[3, 4], &[], 1), vec![(4, vec![], 0.9)]);
    assert_eq!(
        find(&g, 0, 3, &[3, 4], &[], 2),
        vec![(4, vec![], 0.9), (3, vec![1, 2], 0.125)]
    );
}

#[test]
fn someone_with_no_links_has_no_paths() {
    let g = Graph::from_edges(3, [Edge::connection(1, 2)]);
    assert_eq!(find(&g, 0, 3, &[1, 2], &[], 10), vec![]);
}

#[test]
fn a_reused_searcher_answers_as_a_fresh_one() {
    let small = Graph::from_edges(
        4,
        [
            Edge::connection(0, 1),
            Edge::mentorship(1, 2),
            Edge::connection(2, 3),
        ],
    );
    let large = Graph::from_edges(
        8,
        [
            Edge::mentorship(0, 7),
            Edge::connection(7, 6),
            Edge::connection(6, 5),
            Edge::mentorship(5, 1),
            Edge::connection(1, 2),
        ],
    );
    let mut searcher = Searcher::new();
    for (graph, from, hidden) in [
        (&small, 0, 8),
        (&large, 7, 6),
        (&small, 3, 8),
        (&large, 0, 8),
        (&large, 5, 1),
    ] {
        let again = searcher.paths(graph, from, 3, |p| p % 2 == 1, |p| p == hidden, 10);
        let fresh = paths(graph, from, 3, |p| p % 2 == 1, |p| p == hidden, 10);
        assert_eq!(again, fresh);
    }
}

#[test]
fn each_predicate_is_asked_at_most_once_per_person() {
    let mut edges = Vec::new();
    for a in 0..12 {
        for b in a + 1..12 {
            edges.push(Edge::connection(a, b));
        }
    }
    let g = Graph::from_edges(12, edges);
    let targets_asked = RefCell::new(Vec::new());
    let hides_asked = RefCell::new(Vec::new());
    let found = paths(
        &g,
        0,
        3,
        |p| {
            targets_asked.borrow_mut().push(p);
            p > 6
        },
        |p| {
            hides_asked.borrow_mut().push(p);
            false
        },
        100,
    );
    assert_eq!(found.len(), 5);
    for asked in [targets_asked, hides_asked] {
        let mut asked = asked.into_inner();
        let count = asked.len();
        asked.sort_unstable();
        asked.dedup();
        assert_eq!(asked.len(), count);
        assert!(!asked.contains(&0));
    }
}

#[test]
#[should_panic(expected = "1 to 3 hops, not 0")]
fn zero_hops_is_refused() {
    let g = Graph::from_edges(2, [Edge::connection(0, 1)]);
    paths(&g, 0, 0, |_| true, |_| false, 10);
}

#[test]
#[should_panic(expected = "1 to 3 hops, not 4")]
fn four_hops_is_refused() {
    let g = Graph::from_edges(2, [Edge::connection(0, 1)]);
    paths(&g, 0, 4, |_| true, |_| false, 10);
}

#[test]
#[should_panic(expected = "person 2 is not in a network of 2")]
fn a_searcher_outside_the_network_is_refused() {
    let g = Graph::from_edges(2, [Edge::connection(0, 1)]);
    paths(&g, 2, 3, |_| true, |_| false, 10);
}
