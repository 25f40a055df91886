//! Lodestar's matching engine: who should mentor whom, and why.
//!
//! Pure functions over plain data, no I/O and no async: the app and the CLI feed it
//! profiles or scores and get assignments, certificates and explanations back.
//!
//! - [`circle`]: group circles: each mentor's focus skill, and what a circle shares.
//! - [`cohort`]: whole-cohort matching from profiles: candidates, solve, certificate.
//! - [`graph`]: the candidate graph (mentees × mentors with capacities, integer weights).
//! - [`solve`]: the exact capacitated assignment solver and its optimality certificate.
//! - [`objective`]: what "best" means (total, participation, max-min), on top of the solver.
//! - [`stable`]: stable assignment by deferred acceptance.
//! - [`score`]: pair scores with reasons, and the hard rules that exclude a pair.
//! - [`recommend`]: the best mentors for one mentee, spread by congestion prices.
//! - [`report`]: the quality of an assignment (scores, load, ranks, blocking pairs).
//! - [`peer`]: peer pairs, each mentoring the other: a maximum-weight matching on a general graph.
//! - [`people`]: generated populations (profiles) for the cohort's benchmarks and tests.
//! - [`problem`]: the solver's input and output files, checked and canonicalised.
//! - [`synthetic`]: deterministic generated cohorts for benchmarks and tests.

pub mod circle;
pub mod cohort;
pub mod graph;
mod lens;
pub mod objective;
pub mod peer;
pub mod people;
pub mod problem;
pub mod recommend;
pub mod report;
pub mod score;
pub mod solve;
pub mod stable;
pub mod synthetic;

pub use graph::{CandidateGraph, WEIGHT_SCALE, quantize, unquantize};
pub use solve::{Certificate, CertificateError, Solution, SolveStats, max_weight};
