//! The integer type of the auction's prices: `i64` when the scaled weights leave room, else
//! `i128`.
//!
//! Prices move within a few scaled weight ranges, and a scaled weight is a weight times
//! about three times the number of mentees: with a participation bonus on a large cohort
//! that nears 2⁶³, where `i64` arithmetic would overflow. Such graphs take the slower
//! `i128` prices; everything else stays on the fast path.

use std::fmt::Debug;
use std::ops::{Add, Neg, Sub};

pub(super) trait Price:
    Copy + Ord + Debug + Add<Output = Self> + Sub<Output = Self> + Neg<Output = Self> + From<i64>
{
    /// Below any value a bid compares with.
    const MIN: Self;
    /// Above any value a bid compares with.
    const MAX: Self;
    /// Bids never exceed this: a bid adds at most a scaled weight, a price and ε to prices
    /// below it, so checking every bid keeps all the arithmetic from overflowing.
    const CEILING: Self;
    /// The largest scaled weight this type can price.
    const MAX_SCALED_WEIGHT: i64;

    /// The value as an `i64`, saturating (callers clamp to the weight range first).
    fn saturate(self) -> i64;
}

impl Price for i64 {
    const MIN: i64 = i64::MIN;
    const MAX: i64 = i64::MAX;
    const CEILING: i64 = 1 << 62;
    /// Prices start each phase within about one weight range of 0, leaving several ranges
    /// of headroom below the ceiling.
    const MAX_SCALED_WEIGHT: i64 = 1 << 59;

    fn saturate(self) -> i64 {
        self
    }
}

impl Price for i128 {
    const MIN: i128 = i128::MIN;
    const MAX: i128 = i128::MAX;
    const CEILING: i128 = 1 << 120;
    /// Weights themselves stay `i64`, with room for the certificate's sums.
    const MAX_SCALED_WEIGHT: i64 = 1 << 62;

    fn saturate(self) -> i64 {
        i64::try_from(self).unwrap_or(if self < 0 { i64::MIN } else { i64::MAX })
    }
}
