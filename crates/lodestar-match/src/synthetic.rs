//! Deterministic synthetic candidate graphs for benchmarks and tests.
//!
//! Real cohorts are private, so the solver is measured on generated ones. The same
//! arguments always give the same graph (a splitmix64 generator, no outside randomness),
//! so a benchmark or a failing test can be rerun exactly.

use crate::graph::{CandidateGraph, WEIGHT_SCALE, quantize};

/// A cohort where many mentees want the same mentors.
///
/// Each mentor has a topic (on a ring of `mentors / 100` topics) and a quality, skewed so a
/// few senior mentors stand out; each mentee has a topic and a taste for quality over topic.
/// A pair scores `0.85 × (taste × quality + (1 − taste) × topic fit) + 0.15 × noise`.
///
/// The candidates mimic what the engine keeps after scoring everyone (its top picks plus a
/// few random ones), without scoring all pairs: a fifth of them come from the best 1% of
/// mentors by quality (so those few are wanted by thousands), about half from the mentee's
/// own and neighbouring topics, the rest uniformly at random. Every mentor has `capacity`
/// places. `arcs_per_mentee` is capped at the number of mentors.
pub fn correlated(
    mentees: usize,
    mentors: usize,
    capacity: u32,
    arcs_per_mentee: usize,
    seed: u64,
) -> CandidateGraph {
    let mut rng = SplitMix64::new(seed);
    let topics = (mentors / 100).max(1);
    let mentor_topic: Vec<usize> = (0..mentors).map(|_| rng.below(topics)).collect();
    let quality: Vec<f64> = (0..mentors).map(|_| rng.unit().powi(3)).collect();
    let mut by_quality: Vec<usize> = (0..mentors).collect();
    by_quality.sort_by(|&a, &b| quality[b].total_cmp(&quality[a]).then(a.cmp(&b)));
    let stars = &by_quality[..(mentors / 100)
        .max(arcs_per_mentee / 5)
        .clamp(1.min(mentors), mentors)];
    let mut by_topic: Vec<Vec<usize>> = vec![Vec::new(); topics];
    for (j, &t) in mentor_topic.iter().enumerate() {
        by_topic[t].push(j);
    }

    let per_mentee = arcs_per_mentee.min(mentors);
    let mut chosen = Chosen::new(mentors);
    let mut pairs = Vec::with_capacity(mentees * per_mentee);
    for i in 0..mentees {
        let topic = rng.below(topics);
        let taste = 0.3 + 0.4 * rng.unit();
        chosen.clear(i);
        let wanted_stars = per_mentee / 5;
        let wanted_topical = wanted_stars + per_mentee / 2;
        // Bounded tries: a small pool may not hold enough distinct mentors, the random
        // fill below makes up the difference.
        for _ in 0..4 * per_mentee {
            if chosen.len() >= wanted_stars {
                break;
            }
            chosen.insert(stars[rng.below(stars.len())]);
        }
        for _ in 0..4 * per_mentee {
            if chosen.len() >= wanted_topical {
                break;
            }
            let near = (topic + topics + rng.below(3)).wrapping_sub(1) % topics;
            if !by_topic[near].is_empty() {
                chosen.insert(by_topic[near][rng.below(by_topic[near].len())]);
            }
        }
        while chosen.len() < per_mentee {
            chosen.insert(rng.below(mentors));
        }
        for &j in chosen.list() {
            let distance = ring_distance(topic, mentor_topic[j], topics) as f64;
            let fit = (1.0 - distance / 3.0).max(0.0);
            let score = 0.85 * (taste * quality[j] + (1.0 - taste) * fit) + 0.15 * rng.unit();
            pairs.push((i as u32, j as u32, quantize(score.clamp(0.0, 1.0))));
        }
    }
    CandidateGraph::from_pairs(mentees, vec![capacity; mentors], &pairs)
}

/// A cohort without structure: `arcs_per_mentee` distinct mentors per mentee, uniformly at
/// random, with weights uniform in `0..=WEIGHT_SCALE`. Every mentor has `capacity` places.
pub fn random(
    mentees: usize,
    mentors: usize,
    capacity: u32,
    arcs_per_mentee: usize,
    seed: u64,
) -> CandidateGraph {
    let mut rng = SplitMix64::new(seed);
    let per_mentee = arcs_per_mentee.min(mentors);
    let mut chosen = Chosen::new(mentors);
    let mut pairs = Vec::with_capacity(mentees * per_mentee);
    for i in 0..mentees {
        chosen.clear(i);
        while chosen.len() < per_mentee {
            chosen.insert(rng.below(mentors));
        }
        for &j in chosen.list() {
            let weight = rng.below(WEIGHT_SCALE as usize + 1) as i64;
            pairs.push((i as u32, j as u32, weight));
        }
    }
    CandidateGraph::from_pairs(mentees, vec![capacity; mentors], &pairs)
}

fn ring_distance(a: usize, b: usize, ring: usize) -> usize {
    let d = a.abs_diff(b);
    d.min(ring - d)
}

/// The distinct mentors picked for one mentee, in pick order; membership by a stamp per
/// mentor so that clearing is O(1).
struct Chosen {
    stamp: Vec<usize>,
    current: usize,
    list: Vec<usize>,
}

impl Chosen {
    fn new(mentors: usize) -> Self {
        Chosen {
            stamp: vec![usize::MAX; mentors],
            current: 0,
            list: Vec::new(),
        }
    }

    fn clear(&mut self, mentee: usize) {
        self.current = mentee;
        self.list.clear();
    }

    fn insert(&mut self, mentor: usize) {
        if self.stamp[mentor] != self.current {
            self.stamp[mentor] = self.current;
            self.list.push(mentor);
        }
    }

    fn len(&self) -> usize {
        self.list.len()
    }

    fn list(&self) -> &[usize] {
        &self.list
    }
}

/// Steele, Lea & Flood's splitmix64: tiny, fast, and good enough for test data.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (Lemire's multiply-shift; the bias is below 2⁻³² here).
    ///
    /// # Panics
    /// If `bound` is 0.
    pub fn below(&mut self, bound: usize) -> usize {
        assert!(bound > 0, "empty range");
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_graph() {
        assert_eq!(correlated(200, 40, 3, 12, 7), correlated(200, 40, 3, 12, 7));
        assert_eq!(random(200, 40, 3, 12, 7), random(200, 40, 3, 12, 7));
        assert_ne!(correlated(200, 40, 3, 12, 7), correlated(200, 40, 3, 12, 8));
    }

    #[test]
    fn every_mentee_gets_the_asked_number_of_distinct_mentors() {
        let g = correlated(500, 300, 2, 20, 1);
        assert_eq!(g.arc_count(), 500 * 20);
        let g = correlated(50, 8, 2, 20, 1);
        assert_eq!(g.arc_count(), 50 * 8);
        assert!(g.arcs(0).all(|(_, w)| (0..=WEIGHT_SCALE).contains(&w)));
    }

    #[test]
    fn popular_mentors_are_wanted_by_many() {
        let g = correlated(2000, 400, 5, 30, 3);
        let mut degree = vec![0usize; 400];
        for i in 0..2000 {
            for (j, _) in g.arcs(i) {
                degree[j as usize] += 1;
            }
        }
        degree.sort_unstable();
        // 2000 × 30 / 400 = 150 on average; the stars get several times that.
        assert!(
            degree[399] > 3 * 150,
            "most wanted mentor has only {} arcs",
            degree[399]
        );
    }
}
