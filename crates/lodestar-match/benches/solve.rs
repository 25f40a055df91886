//! The exact solver on cohorts of the sizes Lodestar is built for.
//!
//! Targets on a 2-core machine: 10 000 × 2 000 (≈ 0.5 M arcs) in 0.15 s and
//! 100 000 × 20 000 (≈ 5.5 M arcs) in 2 s. Graphs are generated outside the timed part.

use criterion::{Criterion, criterion_group, criterion_main};
use lodestar_match::{WEIGHT_SCALE, max_weight, synthetic};
use std::hint::black_box;

fn solve(c: &mut Criterion) {
    let mut group = c.benchmark_group("max_weight");
    group.sample_size(10);

    let small = synthetic::correlated(10_000, 2_000, 5, 50, 1);
    group.bench_function("correlated_10k_x_2k", |b| {
        b.iter(|| max_weight(black_box(&small)))
    });

    // The participation objective: every arc carries a bonus larger than any sum of
    // scores, so the solver first maximises how many are matched.
    let bonus = (small.mentees() as i64 + 1) * WEIGHT_SCALE;
    let small_bonus = small.map_weights(|w| w + bonus);
    group.bench_function("correlated_10k_x_2k_with_bonus", |b| {
        b.iter(|| max_weight(black_box(&small_bonus)))
    });

    let random = synthetic::random(10_000, 2_000, 5, 50, 1);
    group.bench_function("random_10k_x_2k", |b| {
        b.iter(|| max_weight(black_box(&random)))
    });

    let large = synthetic::correlated(100_000, 20_000, 5, 55, 1);
    group.bench_function("correlated_100k_x_20k", |b| {
        b.iter(|| max_weight(black_box(&large)))
    });
    group.finish();
}

criterion_group!(benches, solve);
criterion_main!(benches);
