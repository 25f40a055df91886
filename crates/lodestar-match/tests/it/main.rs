//! The integration tests of the matching engine, one module per area.

mod brute;
mod cohort;
mod objective;
mod problem;
mod reference;
mod solve;
