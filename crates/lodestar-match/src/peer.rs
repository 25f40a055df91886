//! Peer mentoring: two people who each mentor the other, on different skills.
//!
//! Everyone taking part is both a mentee and a mentor of the cohort (the same person
//! number on both sides). Two peers may pair when each, as a mentor, passes the hard rules
//! for the other as a mentee and scores at least the minimum, and — when each can teach
//! the other a wanted skill — they can do so on two different skills. A pair's weight is
//! the sum of its two directions' scores, and the pairs are a maximum-weight matching over
//! every allowed pair (Edmonds' blossom algorithm, exact on a general graph), so the
//! result is the optimum, not a candidate-graph approximation.

use rayon::prelude::*;

use crate::cohort::Cohort;
use crate::graph::quantize;
use crate::score::{self, Profile};

/// A peer: their index as a mentee and as a mentor of the cohort.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peer {
    pub mentee: u32,
    pub mentor: u32,
}

/// Two peers paired, by index into the peers given, `a < b`, with the pair's weight (the
/// two directions' quantized scores added).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerPair {
    pub a: usize,
    pub b: usize,
    pub weight: i64,
}

/// What [`match_peers`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeerMatch {
    pub pairs: Vec<PeerPair>,
    /// Pairs the rules allow (so a peer with none is unmatched by the rules, not by
    /// competition).
    pub allowed_pairs: usize,
    /// For each peer, whether any pair with them was allowed.
    pub had_any: Vec<bool>,
}

/// The skills `teacher` mentors that `learner` wants to grow.
fn teaches(teacher: &Profile, learner: &Profile) -> Vec<u32> {
    teacher
        .mentor_skills
        .iter()
        .map(|s| s.skill)
        .filter(|s| learner.growth_skills.iter().any(|w| w.skill == *s))
        .collect()
}

/// Whether two peers who can each teach the other a wanted skill can do so on two
/// different skills (true when either teaches the other nothing they named: the other
/// rules decide then).
pub fn different_skills(a: &Profile, b: &Profile) -> bool {
    let a_to_b = teaches(a, b);
    let b_to_a = teaches(b, a);
    a_to_b.is_empty() || b_to_a.is_empty() || a_to_b.iter().any(|x| b_to_a.iter().any(|y| x != y))
}

/// The weight of peers `k` and `l` as a pair, or none when the rules do not allow it.
fn pair_weight(cohort: &Cohort, k: Peer, l: Peer) -> Option<i64> {
    let direction = |learner: Peer, teacher: Peer| -> Option<i64> {
        let (i, j) = (learner.mentee as usize, teacher.mentor as usize);
        let mentee = &cohort.mentees[i];
        let mentor = &cohort.mentors[j];
        let ruled_out = score::exclusion(
            mentee,
            mentor,
            cohort.mentee_person[i] == cohort.mentor_person[j],
            cohort.free_places[j],
            cohort.blocked.binary_search(&(i as u32, j as u32)).is_ok(),
            &cohort.rules,
        );
        let w = quantize(score::score(mentee, mentor, &cohort.weights).total);
        (ruled_out.is_none() && w >= quantize(cohort.min_score)).then_some(w)
    };
    let together = direction(k, l)? + direction(l, k)?;
    // Each as a mentor (what they teach) and as a mentee (what they want).
    let as_peer = |p: Peer| Profile {
        mentor_skills: cohort.mentors[p.mentor as usize].mentor_skills.clone(),
        ..cohort.mentees[p.mentee as usize].clone()
    };
    different_skills(&as_peer(k), &as_peer(l)).then_some(together)
}

/// Pairs `peers` (each a mentee and a mentor of `cohort`) as a maximum-weight matching
/// over every allowed pair, leaving out the pairs in `forbidden` (indices into `peers`,
/// either order). `cohort.blocked` must be sorted.
pub fn match_peers(cohort: &Cohort, peers: &[Peer], forbidden: &[(usize, usize)]) -> PeerMatch {
    let n = peers.len();
    let is_forbidden =
        |k: usize, l: usize| forbidden.contains(&(k, l)) || forbidden.contains(&(l, k));
    let edges: Vec<(usize, usize, i64)> = (0..n)
        .into_par_iter()
        .flat_map_iter(|k| {
            ((k + 1)..n).filter_map(move |l| {
                if is_forbidden(k, l) {
                    return None;
                }
                pair_weight(cohort, peers[k], peers[l]).map(|w| (k, l, w))
            })
        })
        .collect();
    let mut had_any = vec![false; n];
    for &(k, l, _) in &edges {
        had_any[k] = true;
        had_any[l] = true;
    }
    let allowed_pairs = edges.len();
    // Each weight is two scores of at most `WEIGHT_SCALE`: it fits an i32.
    let input: Vec<(usize, usize, i32)> = edges
        .iter()
        .map(|&(k, l, w)| (k, l, i32::try_from(w).unwrap_or(i32::MAX)))
        .collect();
    let mates = if input.is_empty() {
        Vec::new()
    } else {
        mwmatching::Matching::new(input).solve()
    };
    let weight_of = |k: usize, l: usize| {
        edges
            .binary_search_by(|&(a, b, _)| (a, b).cmp(&(k, l)))
            .map(|at| edges[at].2)
            .unwrap_or(0)
    };
    let mut pairs: Vec<PeerPair> = mates
        .iter()
        .enumerate()
        .filter(|&(k, &l)| l != mwmatching::SENTINEL && k < l)
        .map(|(k, &l)| PeerPair {
            a: k,
            b: l,
            weight: weight_of(k, l),
        })
        .collect();
    pairs.sort_by_key(|p| (p.a, p.b));
    PeerMatch {
        pairs,
        allowed_pairs,
        had_any,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{SkillLevel, Weights};

    fn person(mentors: &[u32], wants: &[u32], years: u8) -> Profile {
        Profile {
            mentor_skills: mentors
                .iter()
                .map(|&skill| SkillLevel { skill, level: 5 })
                .collect(),
            growth_skills: wants
                .iter()
                .map(|&skill| SkillLevel { skill, level: 1 })
                .collect(),
            years_experience: Some(years),
            languages: 1,
            ..Profile::default()
        }
    }

    /// Everyone as a mentee and a mentor, one free place each.
    fn peers_of(people: Vec<Profile>) -> (Cohort, Vec<Peer>) {
        let n = people.len();
        let cohort = Cohort {
            mentees: people.clone(),
            mentors: people,
            mentee_person: (0..n as u32).collect(),
            mentor_person: (0..n as u32).collect(),
            free_places: vec![1; n],
            weights: Weights::default().normalised().expect("weights"),
            ..Cohort::default()
        };
        let peers = (0..n as u32)
            .map(|k| Peer {
                mentee: k,
                mentor: k,
            })
            .collect();
        (cohort, peers)
    }

    #[test]
    fn peers_teach_each_other_different_skills() {
        let a = person(&[1], &[2], 5);
        let b = person(&[2], &[1], 5);
        let c = person(&[1], &[1], 5);
        assert!(different_skills(&a, &b));
        // Both could teach the other only skill 1: not a peer pair.
        assert!(!different_skills(&c, &person(&[1], &[1], 5)));
        let (cohort, peers) = peers_of(vec![a, b, c]);
        let found = match_peers(&cohort, &peers, &[]);
        assert_eq!(found.pairs.len(), 1);
        assert_eq!((found.pairs[0].a, found.pairs[0].b), (0, 1));
        assert!(!found.had_any[2]);
        // Forbidden, the pair is not made, and nobody else fits.
        assert!(match_peers(&cohort, &peers, &[(1, 0)]).pairs.is_empty());
    }

    /// The best total over every set of disjoint pairs, tried one by one.
    fn brute(n: usize, weight: &dyn Fn(usize, usize) -> Option<i64>, used: u32) -> i64 {
        let Some(k) = (0..n).find(|&k| used & (1 << k) == 0) else {
            return 0;
        };
        let mut best = brute(n, weight, used | (1 << k));
        for l in (k + 1)..n {
            if used & (1 << l) == 0
                && let Some(w) = weight(k, l)
            {
                best = best.max(w + brute(n, weight, used | (1 << k) | (1 << l)));
            }
        }
        best
    }

    #[test]
    fn the_pairs_are_the_best_of_every_matching() {
        // Eight people over four skills, each mentoring two and wanting two, with years and
        // hours that vary the scores: every matching is tried.
        let mut paired = 0;
        for seed in 0..40u32 {
            let people: Vec<Profile> = (0..8u32)
                .map(|k| {
                    let x = seed.wrapping_mul(2_654_435_761).wrapping_add(k * 40_503);
                    let mentors = [x % 4, (x / 4) % 4];
                    let wants = [(x / 16) % 4, (x / 64) % 4];
                    let mut p = person(&mentors, &wants, (x % 30) as u8);
                    p.mentor_skills.sort_by_key(|s| s.skill);
                    p.mentor_skills.dedup_by_key(|s| s.skill);
                    p.availability_hours = ((x / 256) % 12) as u16;
                    p
                })
                .collect();
            let (cohort, peers) = peers_of(people);
            let found = match_peers(&cohort, &peers, &[]);
            let weight = |k: usize, l: usize| pair_weight(&cohort, peers[k], peers[l]);
            let total: i64 = found.pairs.iter().map(|p| p.weight).sum();
            assert_eq!(total, brute(8, &weight, 0), "seed {seed}");
            for p in &found.pairs {
                assert_eq!(Some(p.weight), weight(p.a, p.b));
            }
            paired += found.pairs.len();
        }
        assert!(paired > 40, "{paired} pairs over the cases");
    }
}
