//! Group circles from start to draft: foci, the cohort narrowed to them, with two mentors a
//! circle the pairs made one place (`circle::share`), then the certified cohort match.
//! One mentor a circle is the baseline, in the same run.
//! `cargo bench -p lodestar-match --bench circles`.

use criterion::{Criterion, criterion_group, criterion_main};
use lodestar_match::circle;
use lodestar_match::cohort::{Cohort, CohortMatch, Options, match_cohort};
use lodestar_match::people;

/// Circles of six.
const SIZE: u32 = 6;

fn circles(cohort: &Cohort, two_mentors: bool) -> (CohortMatch, usize) {
    let mut cohort = cohort.clone();
    let none = vec![None; cohort.mentors.len()];
    let found = circle::foci(
        &cohort.mentees,
        &cohort.mentors,
        &cohort.free_places,
        &none,
        &none,
        two_mentors,
    );
    circle::focus_on(&mut cohort, &found.focus);
    circle::share(&mut cohort, &found.lead);
    let pairs = found.lead.iter().flatten().count();
    (match_cohort(&cohort, &Options::default(), &|_| {}), pairs)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("circles");
    group.sample_size(10);
    for (mentees, mentors) in [(5_000, 1_500), (20_000, 6_000)] {
        let cohort = people::cohort(mentees, mentors, SIZE, 5);
        for two in [false, true] {
            let (found, pairs) = circles(&cohort, two);
            eprintln!(
                "{mentees} mentees, {mentors} mentors, {} a circle: {pairs} co-mentored, {} matched, certified {}",
                if two { 2 } else { 1 },
                found.solution.matched,
                found.certified
            );
            let name = format!("{mentees}x{mentors}_{}", if two { "two" } else { "one" });
            group.bench_function(name, |b| b.iter(|| circles(&cohort, two)));
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
