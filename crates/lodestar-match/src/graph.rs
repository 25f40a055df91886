//! The candidate graph: which mentee may be matched with which mentor, at what weight.
//!
//! Mentees and mentors are dense indices (`0..mentees()`, `0..mentors()`); the arcs are
//! stored per mentee (compressed sparse rows), sorted by mentor index, so iteration order
//! and therefore every solver's output is deterministic. Weights are integers: a score in
//! [0, 1] becomes `round(score × WEIGHT_SCALE)`, which makes optimality exact (scores are
//! compared at a resolution of 10⁻⁶).

/// The integer weight of a score of 1.0.
pub const WEIGHT_SCALE: i64 = 1_000_000;

/// A score in [0, 1] as an integer weight.
///
/// Rounds half away from zero, as `f64::round`, without a call into the maths library: this
/// is in the innermost loop of candidate generation.
#[inline]
pub fn quantize(score: f64) -> i64 {
    let scaled = score * WEIGHT_SCALE as f64;
    if scaled.is_nan() || scaled.abs() >= 4e18 {
        // Far outside any score (and saturating, as `round() as i64` does).
        return scaled.round() as i64;
    }
    let whole = scaled as i64;
    // Exact: `scaled` and `whole` are within one of each other, far below 2⁵².
    let fraction = scaled - whole as f64;
    if fraction >= 0.5 {
        whole + 1
    } else if fraction <= -0.5 {
        whole - 1
    } else {
        whole
    }
}

/// An integer weight as a score.
pub fn unquantize(weight: i64) -> f64 {
    weight as f64 / WEIGHT_SCALE as f64
}

/// Mentees × mentors with capacities and weighted arcs. Each mentee is matched at most
/// once; mentor `j` takes at most `capacity(j)` mentees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateGraph {
    capacities: Vec<u32>,
    /// `offsets[i]..offsets[i + 1]` are mentee `i`'s arcs.
    offsets: Vec<usize>,
    heads: Vec<u32>,
    weights: Vec<i64>,
}

impl CandidateGraph {
    /// Builds the graph from `(mentee, mentor, weight)` triples in any order.
    ///
    /// # Panics
    /// If a mentee or mentor index is out of range or a pair appears twice: callers
    /// validate user input first (see the problem module) and pass only checked triples.
    pub fn from_pairs(mentees: usize, capacities: Vec<u32>, pairs: &[(u32, u32, i64)]) -> Self {
        let mut counts = vec![0usize; mentees + 1];
        for &(i, j, _) in pairs {
            assert!((i as usize) < mentees, "mentee index {i} out of range");
            assert!(
                (j as usize) < capacities.len(),
                "mentor index {j} out of range"
            );
            counts[i as usize + 1] += 1;
        }
        for i in 0..mentees {
            counts[i + 1] += counts[i];
        }
        let offsets = counts;
        let mut next = offsets.clone();
        let mut heads = vec![0u32; pairs.len()];
        let mut weights = vec![0i64; pairs.len()];
        for &(i, j, w) in pairs {
            let at = next[i as usize];
            heads[at] = j;
            weights[at] = w;
            next[i as usize] += 1;
        }
        for i in 0..mentees {
            let range = offsets[i]..offsets[i + 1];
            let mut arcs: Vec<(u32, i64)> = heads[range.clone()]
                .iter()
                .copied()
                .zip(weights[range.clone()].iter().copied())
                .collect();
            arcs.sort_unstable_by_key(|&(j, _)| j);
            for pair in arcs.windows(2) {
                assert!(
                    pair[0].0 != pair[1].0,
                    "pair ({i}, {}) listed twice",
                    pair[0].0
                );
            }
            for (k, (j, w)) in arcs.into_iter().enumerate() {
                heads[range.start + k] = j;
                weights[range.start + k] = w;
            }
        }
        CandidateGraph {
            capacities,
            offsets,
            heads,
            weights,
        }
    }

    pub fn mentees(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn mentors(&self) -> usize {
        self.capacities.len()
    }

    pub fn arc_count(&self) -> usize {
        self.heads.len()
    }

    pub fn capacity(&self, mentor: usize) -> u32 {
        self.capacities[mentor]
    }

    pub fn capacities(&self) -> &[u32] {
        &self.capacities
    }

    /// Mentee `i`'s arcs as `(mentor, weight)`, by mentor index.
    pub fn arcs(&self, mentee: usize) -> impl ExactSizeIterator<Item = (u32, i64)> + '_ {
        let range = self.offsets[mentee]..self.offsets[mentee + 1];
        self.heads[range.clone()]
            .iter()
            .copied()
            .zip(self.weights[range].iter().copied())
    }

    /// The raw compressed rows: `(offsets, heads, weights)`, for solvers.
    pub fn rows(&self) -> (&[usize], &[u32], &[i64]) {
        (&self.offsets, &self.heads, &self.weights)
    }

    /// The weight of the pair, if it is an arc.
    pub fn weight(&self, mentee: usize, mentor: u32) -> Option<i64> {
        let range = self.offsets[mentee]..self.offsets[mentee + 1];
        let heads = &self.heads[range.clone()];
        heads
            .binary_search(&mentor)
            .ok()
            .map(|k| self.weights[range.start + k])
    }

    /// The same graph with every weight mapped (used by the objectives, e.g. to add a
    /// participation bonus).
    pub fn map_weights(&self, f: impl Fn(i64) -> i64) -> CandidateGraph {
        CandidateGraph {
            capacities: self.capacities.clone(),
            offsets: self.offsets.clone(),
            heads: self.heads.clone(),
            weights: self.weights.iter().map(|&w| f(w)).collect(),
        }
    }

    /// The same graph without the arcs `keep` rejects.
    pub fn filter_arcs(&self, keep: impl Fn(usize, u32, i64) -> bool) -> CandidateGraph {
        let mut offsets = Vec::with_capacity(self.offsets.len());
        let mut heads = Vec::new();
        let mut weights = Vec::new();
        offsets.push(0);
        for i in 0..self.mentees() {
            for (j, w) in self.arcs(i) {
                if keep(i, j, w) {
                    heads.push(j);
                    weights.push(w);
                }
            }
            offsets.push(heads.len());
        }
        CandidateGraph {
            capacities: self.capacities.clone(),
            offsets,
            heads,
            weights,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arcs_come_back_sorted_by_mentor_whatever_the_input_order() {
        let g = CandidateGraph::from_pairs(
            2,
            vec![1, 2, 1],
            &[(1, 2, 5), (0, 1, 7), (1, 0, 3), (0, 0, 9)],
        );
        assert_eq!(g.arcs(0).collect::<Vec<_>>(), vec![(0, 9), (1, 7)]);
        assert_eq!(g.arcs(1).collect::<Vec<_>>(), vec![(0, 3), (2, 5)]);
        assert_eq!(g.weight(1, 2), Some(5));
        assert_eq!(g.weight(1, 1), None);
        assert_eq!(g.arc_count(), 4);
    }

    #[test]
    fn quantize_rounds_to_a_millionth() {
        assert_eq!(quantize(0.83), 830_000);
        assert_eq!(quantize(1.0), WEIGHT_SCALE);
        assert_eq!(quantize(0.000_000_4), 0);
        assert!((unquantize(quantize(0.123_456)) - 0.123_456).abs() < 1e-12);
        for score in [
            0.000_000_5,
            0.000_001_5,
            -0.000_000_5,
            0.499_999_5,
            -0.3,
            0.123_456_7,
            1e13,
            -1e13,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ] {
            assert_eq!(
                quantize(score),
                (score * WEIGHT_SCALE as f64).round() as i64
            );
        }
    }
}
