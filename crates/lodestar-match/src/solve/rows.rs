//! The auction's copy of the usable arcs, packed for fast reading.
//!
//! A bid reads a mentee's whole row from memory it has not touched lately, so bytes per
//! arc decide the speed. When every mentee's weights span less than 2³² (always, for scores
//! plus a common bonus), an arc is a mentor index and a 32-bit offset from the mentee's
//! lowest weight: 8 bytes instead of 12, in one stream.

use crate::graph::CandidateGraph;

pub(super) struct Rows {
    offsets: Vec<usize>,
    scale: i64,
    packing: Packing,
}

enum Packing {
    /// Weight = `base[i] + offset × scale`.
    Narrow {
        base: Vec<i64>,
        arcs: Vec<NarrowArc>,
    },
    Wide {
        heads: Vec<u32>,
        weights: Vec<i64>,
    },
}

#[derive(Clone, Copy)]
struct NarrowArc {
    head: u32,
    offset: u32,
}

impl Rows {
    /// The arcs of `graph` that `usable` keeps, with weights multiplied by `scale` (the
    /// caller checked that they fit).
    pub(super) fn new(graph: &CandidateGraph, scale: i64, usable: impl Fn(usize) -> bool) -> Rows {
        let (all_offsets, all_heads, all_weights) = graph.rows();
        let mentees = graph.mentees();
        let kept = |i: usize| (all_offsets[i]..all_offsets[i + 1]).filter(|&arc| usable(arc));
        let mut offsets = Vec::with_capacity(mentees + 1);
        offsets.push(0);
        let mut lowest = Vec::with_capacity(mentees);
        let mut span_fits = true;
        for i in 0..mentees {
            let (mut low, mut high, mut count) = (i64::MAX, i64::MIN, 0);
            for arc in kept(i) {
                low = low.min(all_weights[arc]);
                high = high.max(all_weights[arc]);
                count += 1;
            }
            span_fits &= count == 0 || u32::try_from(high - low).is_ok();
            lowest.push(if count == 0 { 0 } else { low });
            offsets.push(offsets[i] + count);
        }
        let packing = if span_fits {
            let mut arcs = Vec::with_capacity(offsets[mentees]);
            for (i, &low) in lowest.iter().enumerate() {
                arcs.extend(kept(i).map(|arc| NarrowArc {
                    head: all_heads[arc],
                    // In range: checked above.
                    offset: (all_weights[arc] - low) as u32,
                }));
            }
            let base = lowest.iter().map(|&low| low * scale).collect();
            Packing::Narrow { base, arcs }
        } else {
            let all = || (0..mentees).flat_map(kept);
            Packing::Wide {
                heads: all().map(|arc| all_heads[arc]).collect(),
                weights: all().map(|arc| all_weights[arc] * scale).collect(),
            }
        };
        Rows {
            offsets,
            scale,
            packing,
        }
    }

    pub(super) fn is_empty(&self, mentee: usize) -> bool {
        self.offsets[mentee] == self.offsets[mentee + 1]
    }

    pub(super) fn head(&self, arc: u32) -> u32 {
        match &self.packing {
            Packing::Narrow { arcs, .. } => arcs[arc as usize].head,
            Packing::Wide { heads, .. } => heads[arc as usize],
        }
    }

    /// The scaled weight of `arc`, which is mentee i's.
    pub(super) fn weight(&self, mentee: usize, arc: u32) -> i64 {
        match &self.packing {
            Packing::Narrow { base, arcs } => {
                base[mentee] + i64::from(arcs[arc as usize].offset) * self.scale
            }
            Packing::Wide { weights, .. } => weights[arc as usize],
        }
    }

    /// Calls `f(arc, head, scaled weight)` for each of mentee i's arcs, in order.
    #[inline(always)]
    pub(super) fn for_each(&self, mentee: usize, mut f: impl FnMut(u32, u32, i64)) {
        let (lo, hi) = (self.offsets[mentee], self.offsets[mentee + 1]);
        match &self.packing {
            Packing::Narrow { base, arcs } => {
                let base = base[mentee];
                for (k, a) in arcs[lo..hi].iter().enumerate() {
                    f(
                        (lo + k) as u32,
                        a.head,
                        base + i64::from(a.offset) * self.scale,
                    );
                }
            }
            Packing::Wide { heads, weights } => {
                for (k, (&head, &weight)) in heads[lo..hi].iter().zip(&weights[lo..hi]).enumerate()
                {
                    f((lo + k) as u32, head, weight);
                }
            }
        }
    }
}
