//! The search and the graph against brute force on small random networks, where every
//! simple path of up to three links can be listed.

use lodestar_network::{
    CONNECTION, Edge, EdgeKind, FULL_STRENGTH, Graph, INTRODUCTION_BONUS, MENTORSHIP, PATH_SCALE,
    Path, Searcher,
};
use proptest::collection::vec;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// A random network with its query inputs: who matches and who hides.
#[derive(Clone, Debug)]
struct Case {
    people: u32,
    edges: Vec<Edge>,
    targets: Vec<bool>,
    hidden: Vec<bool>,
    max_hops: u8,
    limit: usize,
}

/// Up to `max_people` people and about `links_per_person` listings each, self-links and
/// repeated pairs included. Strengths come from four values, so equally strong paths of
/// different shapes are common and the tie-breaks are exercised.
fn case(max_people: u32, links_per_person: u32) -> impl Strategy<Value = Case> {
    (1..=max_people).prop_flat_map(move |people| {
        let edge = (0..people, 0..people, any::<bool>(), any::<bool>()).prop_map(
            |(a, b, mentorship, introduced)| Edge {
                a,
                b,
                kind: if mentorship {
                    EdgeKind::Mentorship
                } else {
                    EdgeKind::Connection
                },
                introduced,
            },
        );
        (
            vec(edge, 0..=(links_per_person * people) as usize),
            vec(proptest::bool::weighted(0.5), people as usize),
            vec(proptest::bool::weighted(0.3), people as usize),
            1..=3u8,
            0..=people as usize + 1,
        )
            .prop_map(move |(edges, targets, hidden, max_hops, limit)| Case {
                people,
                edges,
                targets,
                hidden,
                max_hops,
                limit,
            })
    })
}

/// Every simple path of up to `max_hops` links from `from` whose intermediates do not
/// hide, the best per matching person by (strength, fewer hops, smallest intermediates),
/// ranked strongest, then shortest, then by target.
fn brute_force(graph: &Graph, from: u32, case: &Case) -> Vec<Path> {
    let mut best: BTreeMap<u32, (u64, Vec<u32>)> = BTreeMap::new();
    let mut walk = vec![from];
    extend(graph, case, &mut walk, 1, &mut best);
    let mut ranked: Vec<(u64, usize, u32, Vec<u32>)> = best
        .into_iter()
        .map(|(target, (strength, via))| (strength, via.len() + 1, target, via))
        .collect();
    ranked.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    ranked.truncate(case.limit);
    ranked
        .into_iter()
        .map(|(strength, _, target, via)| Path {
            target,
            via,
            strength: (strength as f64 / f64::from(PATH_SCALE)) as f32,
        })
        .collect()
}

fn extend(
    graph: &Graph,
    case: &Case,
    walk: &mut Vec<u32>,
    product: u64,
    best: &mut BTreeMap<u32, (u64, Vec<u32>)>,
) {
    let Some(&last) = walk.last() else { return };
    for (next, strength) in graph.neighbours(last) {
        if walk.contains(&next) {
            continue;
        }
        let product = product * u64::from(strength);
        let hops = walk.len() as u32;
        if case.targets[next as usize] {
            let scaled = product * u64::from(FULL_STRENGTH).pow(3 - hops);
            let via = walk[1..].to_vec();
            let better = match best.get(&next) {
                None => true,
                Some((s, v)) => scaled > *s || (scaled == *s && (via.len(), &via) < (v.len(), v)),
            };
            if better {
                best.insert(next, (scaled, via));
            }
        }
        if hops < u32::from(case.max_hops) && !case.hidden[next as usize] {
            walk.push(next);
            extend(graph, case, walk, product, best);
            walk.pop();
        }
    }
}

/// A pair's strength from the listings, straight from the definition.
fn listed_strength(edges: &[Edge], a: u32, b: u32) -> Option<u16> {
    let listings: Vec<&Edge> = edges
        .iter()
        .filter(|e| a != b && ((e.a, e.b) == (a, b) || (e.a, e.b) == (b, a)))
        .collect();
    if listings.is_empty() {
        return None;
    }
    let base = if listings.iter().any(|e| e.kind == EdgeKind::Mentorship) {
        MENTORSHIP
    } else {
        CONNECTION
    };
    let bonus = if listings.iter().any(|e| e.introduced) {
        INTRODUCTION_BONUS
    } else {
        0
    };
    Some((base + bonus).min(FULL_STRENGTH))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn the_search_finds_what_trying_every_path_finds(case in case(10, 3)) {
        let graph = Graph::from_edges(case.people, case.edges.iter().copied());
        // One searcher for every person: reuse must not leak from one query to the next.
        let mut searcher = Searcher::new();
        for from in 0..case.people {
            let found = searcher.paths(
                &graph,
                from,
                case.max_hops,
                |p| case.targets[p as usize],
                |p| case.hidden[p as usize],
                case.limit,
            );
            prop_assert_eq!(found, brute_force(&graph, from, &case), "from {}", from);
        }
    }

    #[test]
    fn the_search_finds_what_trying_every_path_finds_in_denser_networks(case in case(24, 4)) {
        let graph = Graph::from_edges(case.people, case.edges.iter().copied());
        let mut searcher = Searcher::new();
        for from in 0..case.people {
            let found = searcher.paths(
                &graph,
                from,
                case.max_hops,
                |p| case.targets[p as usize],
                |p| case.hidden[p as usize],
                case.limit,
            );
            prop_assert_eq!(found, brute_force(&graph, from, &case), "from {}", from);
        }
    }

    #[test]
    fn the_graph_holds_each_listed_pair_once_with_the_facts_of_every_listing(
        case in case(12, 3)
    ) {
        let graph = Graph::from_edges(case.people, case.edges.iter().copied());
        prop_assert_eq!(graph.len(), case.people as usize);
        let mut pairs = 0;
        for a in 0..case.people {
            let row: Vec<(u32, u16)> = graph.neighbours(a).collect();
            prop_assert!(row.windows(2).all(|w| w[0].0 < w[1].0));
            prop_assert_eq!(graph.degree(a), row.len());
            for b in 0..case.people {
                let expected = listed_strength(&case.edges, a, b);
                prop_assert_eq!(graph.strength(a, b), expected);
                prop_assert_eq!(
                    row.iter().find(|&&(v, _)| v == b).map(|&(_, s)| s),
                    expected
                );
                if a < b && expected.is_some() {
                    pairs += 1;
                }
            }
        }
        prop_assert_eq!(graph.edge_count(), pairs);
        prop_assert_eq!(graph.edges().count(), pairs);
        prop_assert!(graph.edges().all(|(a, b, s)| a < b && graph.strength(b, a) == Some(s)));
    }
}
