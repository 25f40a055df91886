//! Peer pairing: every pair of a programme's peers scored both ways, then the blossom
//! matching. `cargo bench -p lodestar-match --bench peer`.

use criterion::{Criterion, criterion_group, criterion_main};
use lodestar_match::cohort::Cohort;
use lodestar_match::peer::{Peer, match_peers};
use lodestar_match::people;

/// `n` generated people, each mentoring what the generator's mentor would and wanting what
/// its mentee would: everyone on both sides, one place each.
fn peers(n: usize, seed: u64) -> (Cohort, Vec<Peer>) {
    let mut cohort = people::cohort(n, n, 1, seed);
    for k in 0..n {
        cohort.mentees[k].mentor_skills = cohort.mentors[k].mentor_skills.clone();
        cohort.mentors[k] = cohort.mentees[k].clone();
    }
    cohort.mentor_person = cohort.mentee_person.clone();
    let list = (0..n as u32)
        .map(|k| Peer {
            mentee: k,
            mentor: k,
        })
        .collect();
    (cohort, list)
}

fn peer(c: &mut Criterion) {
    let mut group = c.benchmark_group("peer");
    group.sample_size(10);
    for n in [500, 1_000, 2_000] {
        let (cohort, list) = peers(n, 11);
        let found = match_peers(&cohort, &list, &[]);
        eprintln!(
            "{n} peers: {} allowed pairs, {} pairs made",
            found.allowed_pairs,
            found.pairs.len()
        );
        group.bench_function(format!("match_{n}"), |b| {
            b.iter(|| match_peers(&cohort, &list, &[]))
        });
    }
    group.finish();
}

criterion_group!(benches, peer);
criterion_main!(benches);
