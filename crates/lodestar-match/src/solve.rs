//! The exact capacitated assignment solver and the LP prices that prove its answers optimal.
//!
//! [`max_weight`] finds a maximum-weight b-matching of a [`CandidateGraph`]: every mentee
//! is matched at most once, mentor `j` takes at most `capacity(j)` mentees, and nobody has
//! to be matched (an arc of weight 0 may or may not be used). The answer comes with a
//! [`Certificate`]: dual prices that anyone can check against the graph in one pass, so a
//! caller never has to trust the solver.
//!
//! # The algorithm
//!
//! An ε-scaling auction for the transportation problem (Bertsekas & Castañon), made
//! balanced so that forward bids alone end where the LP needs them to:
//!
//! - Weights are multiplied by a scale `S` (twice the mentees plus the places, plus one).
//!   Each mentor's places are slots with prices; a mentee bids for the mentor that leaves
//!   it the most weight after the price, raising the cheapest slot to where its second
//!   choice would do as well, plus ε, and displacing whoever held it.
//! - Being unmatched is a "nobody" object with one slot per mentee, and every place is
//!   also a bidder (a vacancy) that sits in its own mentor's slot or at nobody, whichever is
//!   cheaper. With as many bidders as slots, a phase ends with every slot held, and the
//!   vacancies keep the price of a mentor with a free place within ε of nobody's price.
//! - ε starts at 1/64 of the largest scaled weight and shrinks eightfold per phase. Each
//!   phase starts from the previous prices, keeps the bidders still within the new ε and
//!   lets the others bid again, so the late, fine phases only repair what the coarse ones
//!   got almost right. A shortlist of each mentee's best arcs saves reading its whole row
//!   for most bids.
//! - The LP duals are the mentor prices above nobody's, `v_j = max(0, p_j − λ)`, and each
//!   mentee's `u_i = max(0, max_j w_ij·S − v_j)`. ε-complementary slackness bounds the gap
//!   `Σu + Σ cap·v − S·total` by `S·ε`, so at ε = 1 it is below one weight unit and, weights
//!   being integers, no assignment is better. The gap is usually far below that bound, so
//!   the solver computes it once ε drops below one weight unit and stops at the first
//!   phase that proves the total.
//!
//! Everything runs in one thread in a fixed order: the same graph always gives the same
//! assignment, whatever the machine.

mod auction;
mod certificate;
mod price;
mod rows;
mod shortlist;

pub use certificate::{Certificate, CertificateError};

use crate::graph::CandidateGraph;

/// An optimal assignment of the candidate graph, with its proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// `mentor_of[i]` = the mentor assigned to mentee `i`, or `None`.
    pub mentor_of: Vec<Option<u32>>,
    /// Sum of the weights of the assigned arcs.
    pub total: i64,
    /// Dual prices proving that no assignment of the graph has a larger total.
    pub certificate: Certificate,
    /// What the solver did (counts only: this crate does not read clocks).
    pub stats: SolveStats,
}

/// Work counts of one solve, for benchmarks and logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SolveStats {
    /// ε-scaling phases run.
    pub phases: u32,
    /// Bids: a mentee or an empty place took a slot.
    pub bids: u64,
    /// Bids for which a mentee read all its arcs (the others used its shortlist).
    pub scans: u64,
    /// Certificate checks made between phases to stop early.
    pub gap_checks: u32,
}

/// Solves the maximum-weight capacitated assignment of `graph` exactly.
///
/// Arcs of negative weight are never used (leaving the mentee unmatched is better).
///
/// # Panics
/// If `max weight × S` exceeds 2⁶² (about 4.6 × 10¹⁸), where `S` is twice the number of
/// mentees with a usable arc, plus the number of places (each mentor's capacity, capped at
/// its number of arcs), plus one. Up to 2⁵⁹ the prices are `i64`, beyond that `i128`
/// (about three times slower). For 100 000 mentees and as many places that allows weights
/// up to 1.5 × 10¹³, far beyond a score plus a participation bonus of
/// `mentees × WEIGHT_SCALE`; for a million mentees and places, up to 1.5 × 10¹². Also if
/// the graph has 2³² arcs or more, or if prices ever drift past the overflow safeguard
/// (2⁶² for `i64`), which no input has come near.
pub fn max_weight(graph: &CandidateGraph) -> Solution {
    auction::solve(graph, None)
}

/// [`max_weight`], starting where the solve of a similar graph ended: its mentor prices (in
/// weight units, as [`Certificate::mentor_price`] gives them) and assignment. When the
/// graph changed little, the auction then has little to do. The answer is as exact, and
/// proven, as without a hint.
pub fn max_weight_from(
    graph: &CandidateGraph,
    mentor_prices: &[f64],
    mentor_of: &[Option<u32>],
) -> Solution {
    auction::solve(
        graph,
        Some(auction::Hint {
            prices: mentor_prices,
            mentor_of,
        }),
    )
}
