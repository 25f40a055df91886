//! Paths on a network of the size Lodestar is built for: 100,000 people, about a million
//! links.
//!
//! The network is generated (a fixed seed, so every run measures the same one) the way
//! real ones cluster: people work in organisations of 10 to 400, organisations belong to
//! industries, and most links stay inside the organisation, fewer inside the industry, a
//! few go anywhere. A few dozen hubs (community organisers, prolific mentors) know
//! thousands each. One person in ten is a mentorship, one in twenty an introduction; one in
//! ten hides their connections; a query matches one person in a hundred.
//!
//! Target: a query well under 5 ms for a typical person, so that the end-to-end p99 stays
//! under 50 ms. Besides criterion's figures, `latency_spread` prints the median, p99 and
//! worst query over a thousand people, hubs included, since a mean hides the tail.

use criterion::{Criterion, criterion_group, criterion_main};
use lodestar_network::{Edge, EdgeKind, Graph, Searcher};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use std::hint::black_box;
use std::time::{Duration, Instant};

const PEOPLE: u32 = 100_000;
const INDUSTRIES: usize = 40;
const HUBS: usize = 30;
const LIMIT: usize = 20;

/// The generated network and the query inputs that go with it.
struct Network {
    edges: Vec<Edge>,
    targets: Vec<bool>,
    hidden: Vec<bool>,
    /// People to search from: random ones, plus every hub.
    sample: Vec<u32>,
}

fn generate(seed: u64) -> Network {
    let mut rng = StdRng::seed_from_u64(seed);

    // Organisations of 10 to 400 (skewed small), filled with people in a random order, so
    // that an organisation's indices are scattered as sign-up order would scatter them.
    let mut order: Vec<u32> = (0..PEOPLE).collect();
    order.shuffle(&mut rng);
    let mut organisations: Vec<Vec<u32>> = Vec::new();
    let mut next = 0usize;
    while next < order.len() {
        let size = (10.0 + 390.0 * rng.random::<f64>().powi(3)) as usize;
        let end = (next + size).min(order.len());
        organisations.push(order[next..end].to_vec());
        next = end;
    }
    let industry_of: Vec<usize> = (0..organisations.len())
        .map(|_| rng.random_range(0..INDUSTRIES))
        .collect();
    let mut industries: Vec<Vec<usize>> = vec![Vec::new(); INDUSTRIES];
    for (o, &i) in industry_of.iter().enumerate() {
        industries[i].push(o);
    }

    let link = |rng: &mut StdRng, a: u32, b: u32| Edge {
        a,
        b,
        kind: if rng.random_bool(0.1) {
            EdgeKind::Mentorship
        } else {
            EdgeKind::Connection
        },
        introduced: rng.random_bool(0.05),
    };
    let mut edges = Vec::with_capacity(1_050_000);
    for (o, members) in organisations.iter().enumerate() {
        let industry = &industries[industry_of[o]];
        for &a in members {
            // Each person lists 3 to 15 links; with the links others list to them, the
            // average degree is about 20.
            for _ in 0..rng.random_range(3..=15) {
                let roll = rng.random::<f64>();
                let b = if roll < 0.7 {
                    members[rng.random_range(0..members.len())]
                } else if roll < 0.9 {
                    let other = &organisations[industry[rng.random_range(0..industry.len())]];
                    other[rng.random_range(0..other.len())]
                } else {
                    rng.random_range(0..PEOPLE)
                };
                edges.push(link(&mut rng, a, b));
            }
        }
    }
    let hubs: Vec<u32> = (0..HUBS).map(|_| rng.random_range(0..PEOPLE)).collect();
    for &hub in &hubs {
        for _ in 0..rng.random_range(2_000..=5_000) {
            let b = rng.random_range(0..PEOPLE);
            edges.push(link(&mut rng, hub, b));
        }
    }

    let targets = (0..PEOPLE).map(|_| rng.random_bool(0.01)).collect();
    let hidden = (0..PEOPLE).map(|_| rng.random_bool(0.1)).collect();
    let mut sample: Vec<u32> = (0..1_000 - HUBS)
        .map(|_| rng.random_range(0..PEOPLE))
        .collect();
    sample.extend(&hubs);
    sample.shuffle(&mut rng);
    Network {
        edges,
        targets,
        hidden,
        sample,
    }
}

fn network(c: &mut Criterion) {
    let net = generate(1);
    let graph = Graph::from_edges(PEOPLE, net.edges.iter().copied());
    let degrees: Vec<usize> = (0..PEOPLE).map(|u| graph.degree(u)).collect();
    eprintln!(
        "network: {} people, {} links listed, {} distinct, average degree {:.1}, largest {}",
        graph.len(),
        net.edges.len(),
        graph.edge_count(),
        2.0 * graph.edge_count() as f64 / f64::from(PEOPLE),
        degrees.iter().max().copied().unwrap_or(0)
    );

    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function("from_edges_100k_people_1m_links", |b| {
        b.iter(|| Graph::from_edges(PEOPLE, black_box(&net.edges).iter().copied()))
    });
    group.finish();

    let is_target = |p: u32| net.targets[p as usize];
    let hides = |p: u32| net.hidden[p as usize];
    let mut group = c.benchmark_group("paths");
    for max_hops in [2u8, 3] {
        let mut searcher = Searcher::new();
        let mut k = 0;
        group.bench_function(format!("searcher_{max_hops}_hops"), |b| {
            b.iter(|| {
                let from = net.sample[k % net.sample.len()];
                k += 1;
                searcher.paths(&graph, black_box(from), max_hops, is_target, hides, LIMIT)
            })
        });
    }
    let mut k = 0;
    group.bench_function("fresh_scratch_3_hops", |b| {
        b.iter(|| {
            let from = net.sample[k % net.sample.len()];
            k += 1;
            lodestar_network::paths(&graph, black_box(from), 3, is_target, hides, LIMIT)
        })
    });
    group.finish();

    latency_spread(&graph, &net);
}

/// Median, p99 and worst single query over the whole sample, each person once.
fn latency_spread(graph: &Graph, net: &Network) {
    let mut searcher = Searcher::new();
    let is_target = |p: u32| net.targets[p as usize];
    let hides = |p: u32| net.hidden[p as usize];
    let mut times: Vec<(Duration, u32, usize)> = net
        .sample
        .iter()
        .map(|&from| {
            let start = Instant::now();
            let found = searcher.paths(graph, from, 3, is_target, hides, LIMIT);
            (start.elapsed(), from, found.len())
        })
        .collect();
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize].0;
    let found: usize = times.iter().map(|t| t.2).sum();
    if let Some(&(worst, from, _)) = times.last() {
        eprintln!(
            "paths, 3 hops, {} people: median {:?}, p99 {:?}, worst {:?} (person {from}, degree {}); {:.1} paths per query",
            times.len(),
            at(0.5),
            at(0.99),
            worst,
            graph.degree(from),
            found as f64 / times.len() as f64
        );
    }
}

criterion_group!(benches, network);
criterion_main!(benches);
