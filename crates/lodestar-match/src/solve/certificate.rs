//! LP dual prices that prove an assignment optimal, and price pairs outside the graph.
//!
//! The assignment LP `max Σ w_ij x_ij` subject to `Σ_j x_ij ≤ 1`, `Σ_i x_ij ≤ cap_j`,
//! `x ≥ 0` has the dual `min Σ u_i + Σ cap_j v_j` subject to `u_i + v_j ≥ w_ij`, `u, v ≥ 0`.
//! Any feasible dual bounds every assignment's total from above. The prices here are kept
//! in units of `1/scale` weight: if the bound is less than one weight unit above an
//! assignment's total, no assignment has a larger total, because totals are integers.

use crate::graph::CandidateGraph;

/// LP dual prices proving optimality: see [`Certificate::verify`].
///
/// Prices are integers in units of `1 / scale()` of a weight unit. A mentor with capacity 0
/// is priced "closed": no pair with it can ever be admitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    scale: i64,
    /// `u_i`, scaled.
    mentee_prices: Vec<i64>,
    /// `v_j`, scaled; `None` for a closed mentor (capacity 0: an infinite price).
    mentor_prices: Vec<Option<i64>>,
    /// The total of the assignment the prices were made for.
    total: i64,
    /// `Σ u_i + Σ cap_j v_j`, scaled.
    bound: i128,
}

/// Why a certificate does not prove a total optimal for a graph.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CertificateError {
    #[error(
        "the certificate prices {certificate_mentees} mentees and {certificate_mentors} mentors, \
         the graph has {graph_mentees} and {graph_mentors}"
    )]
    ShapeMismatch {
        certificate_mentees: usize,
        certificate_mentors: usize,
        graph_mentees: usize,
        graph_mentors: usize,
    },
    #[error("the certificate's scale {0} is not positive")]
    BadScale(i64),
    #[error("mentee {0} has a negative price")]
    NegativeMenteePrice(usize),
    #[error("mentor {0} has a negative price")]
    NegativeMentorPrice(usize),
    #[error("mentor {0} has capacity but is priced as closed")]
    ClosedMentorHasCapacity(usize),
    #[error("the prices do not cover arc ({mentee}, {mentor}) of weight {weight}")]
    UncoveredArc {
        mentee: usize,
        mentor: u32,
        weight: i64,
    },
    #[error("the total {total} exceeds the prices' upper bound {bound}")]
    TotalAboveBound { total: i64, bound: f64 },
    #[error("the prices bound the total only to within {gap} weight units, not below 1")]
    GapTooLarge { gap: f64 },
}

impl Certificate {
    /// The certificate for `mentor_prices` (scaled; `None` = closed), with each mentee's
    /// price the least that covers its arcs: `u_i = max(0, max_j w_ij·scale − v_j)`.
    /// The caller guarantees `max weight × scale` fits in an i64.
    pub(super) fn from_mentor_prices(
        graph: &CandidateGraph,
        scale: i64,
        mentor_prices: Vec<Option<i64>>,
        total: i64,
    ) -> Certificate {
        let (offsets, heads, weights) = graph.rows();
        let mentee_prices: Vec<i64> = (0..graph.mentees())
            .map(|i| {
                let arcs = offsets[i]..offsets[i + 1];
                let mut price = 0;
                for (&j, &w) in heads[arcs.clone()].iter().zip(&weights[arcs]) {
                    // A negative weight is covered by any prices.
                    if let (true, Some(v)) = (w > 0, mentor_prices[j as usize]) {
                        price = price.max(w * scale - v);
                    }
                }
                price
            })
            .collect();
        let bound = dual_bound(graph.capacities(), &mentee_prices, &mentor_prices);
        Certificate {
            scale,
            mentee_prices,
            mentor_prices,
            total,
            bound,
        }
    }

    /// Prices are in units of `1 / scale` weight.
    pub fn scale(&self) -> i64 {
        self.scale
    }

    /// The dual bound in weight units: no assignment of the graph has a larger total.
    pub fn upper_bound(&self) -> f64 {
        self.bound as f64 / self.scale as f64
    }

    /// How many mentees the certificate prices.
    pub fn mentee_prices_len(&self) -> usize {
        self.mentee_prices.len()
    }

    /// How many mentors the certificate prices.
    pub fn mentor_prices_len(&self) -> usize {
        self.mentor_prices.len()
    }

    /// Mentee i's dual price in weight units.
    pub fn mentee_price(&self, mentee: usize) -> f64 {
        self.mentee_prices[mentee] as f64 / self.scale as f64
    }

    /// Mentor j's dual price in weight units; `None` if the mentor is closed (capacity 0).
    pub fn mentor_price(&self, mentor: u32) -> Option<f64> {
        self.mentor_prices[mentor as usize].map(|v| v as f64 / self.scale as f64)
    }

    /// Could adding the pair `(mentee, mentor, weight)` — possibly not in the graph — improve
    /// the total? True when its reduced profit is positive: `weight` is more than the two
    /// prices pay. When false for every pair left out, the optimum over the graph is the
    /// optimum over all pairs.
    ///
    /// # Panics
    /// If `mentee` or `mentor` is out of range.
    pub fn admits(&self, mentee: usize, mentor: u32, weight: i64) -> bool {
        self.reduced_profit(mentee, mentor, weight)
            .is_some_and(|r| r > 0)
    }

    /// A lower bound on how much forcing this pair into the assignment lowers the total, in
    /// weight units: `total − ⌊(bound − reduced cost) / scale⌋`, an integer (the best total
    /// with the pair is an integer no larger than the dual bound less the pair's reduced
    /// cost). 0 if the pair is in the solution or admitted; infinite for a closed mentor.
    ///
    /// # Panics
    /// If `mentee` or `mentor` is out of range.
    pub fn forcing_loss(&self, mentee: usize, mentor: u32, weight: i64) -> f64 {
        let Some(reduced_profit) = self.reduced_profit(mentee, mentor, weight) else {
            return f64::INFINITY;
        };
        if reduced_profit >= 0 {
            return 0.0;
        }
        let best_with_pair = (self.bound + reduced_profit).div_euclid(i128::from(self.scale));
        (i128::from(self.total) - best_with_pair).max(0) as f64
    }

    /// Checks the prices against `graph`: non-negative, covering every arc
    /// (`u_i + v_j ≥ w_ij`), closed only for mentors of capacity 0, and bounding every
    /// assignment's total to less than one weight unit above `solution_total` — which proves
    /// `solution_total` optimal, since weights are integers.
    pub fn verify(
        &self,
        graph: &CandidateGraph,
        solution_total: i64,
    ) -> Result<(), CertificateError> {
        if self.mentee_prices.len() != graph.mentees()
            || self.mentor_prices.len() != graph.mentors()
        {
            return Err(CertificateError::ShapeMismatch {
                certificate_mentees: self.mentee_prices.len(),
                certificate_mentors: self.mentor_prices.len(),
                graph_mentees: graph.mentees(),
                graph_mentors: graph.mentors(),
            });
        }
        if self.scale <= 0 {
            return Err(CertificateError::BadScale(self.scale));
        }
        if let Some(i) = self.mentee_prices.iter().position(|&u| u < 0) {
            return Err(CertificateError::NegativeMenteePrice(i));
        }
        for (j, price) in self.mentor_prices.iter().enumerate() {
            match price {
                Some(v) if *v < 0 => return Err(CertificateError::NegativeMentorPrice(j)),
                None if graph.capacity(j) > 0 => {
                    return Err(CertificateError::ClosedMentorHasCapacity(j));
                }
                _ => {}
            }
        }
        for mentee in 0..graph.mentees() {
            for (mentor, weight) in graph.arcs(mentee) {
                if self
                    .reduced_profit(mentee, mentor, weight)
                    .is_some_and(|r| r > 0)
                {
                    return Err(CertificateError::UncoveredArc {
                        mentee,
                        mentor,
                        weight,
                    });
                }
            }
        }
        // Recomputed rather than trusted: the bound must be the one these prices give.
        let bound = dual_bound(graph.capacities(), &self.mentee_prices, &self.mentor_prices);
        let scale = i128::from(self.scale);
        let gap = bound - i128::from(solution_total) * scale;
        if gap < 0 {
            return Err(CertificateError::TotalAboveBound {
                total: solution_total,
                bound: bound as f64 / scale as f64,
            });
        }
        if gap >= scale {
            return Err(CertificateError::GapTooLarge {
                gap: gap as f64 / scale as f64,
            });
        }
        Ok(())
    }

    /// How far, in scaled units, the bound is above the total it was made for.
    pub(super) fn scaled_gap(&self) -> i128 {
        self.bound - i128::from(self.total) * i128::from(self.scale)
    }

    /// Whether the bound is within one weight unit of the total it was made for.
    pub(super) fn proves_optimal(&self) -> bool {
        (0..i128::from(self.scale)).contains(&self.scaled_gap())
    }

    /// `w·scale − u_i − v_j`, scaled; `None` for a closed mentor.
    fn reduced_profit(&self, mentee: usize, mentor: u32, weight: i64) -> Option<i128> {
        let v = self.mentor_prices[mentor as usize]?;
        let u = self.mentee_prices[mentee];
        Some(i128::from(weight) * i128::from(self.scale) - i128::from(u) - i128::from(v))
    }
}

/// `Σ u_i + Σ cap_j v_j`; a closed mentor adds nothing (its capacity is 0).
fn dual_bound(capacities: &[u32], mentee_prices: &[i64], mentor_prices: &[Option<i64>]) -> i128 {
    let mentees: i128 = mentee_prices.iter().map(|&u| i128::from(u)).sum();
    let mentors: i128 = capacities
        .iter()
        .zip(mentor_prices)
        .filter_map(|(&c, v)| v.map(|v| i128::from(c) * i128::from(v)))
        .sum();
    mentees + mentors
}
