//! The strongest and shortest paths from one person to the people a query matches.
//!
//! A path's strength is the product of its links' strengths, so every extra hop weakens
//! it. Each matching person gets their single best path: the strongest, then the one with
//! the fewest hops, then the one whose intermediates, read in order, are the
//! lexicographically smallest indices. Paths come back strongest first, then shortest,
//! then by target index.
//!
//! Privacy: someone who hides their connections is never shown as an intermediate, since
//! a path through them would reveal whom they know. They can still be at the end of a path
//! (that reveals only that someone else knows them), including as one of my own direct
//! links. The person searching is never a target nor an intermediate.
//!
//! The search is a dynamic programme over layers, three rounds of Bellman–Ford restricted
//! to the frontier: the best path of exactly one hop to each person is the direct link;
//! the best of exactly two hops is the best one-hop path to a visible intermediate,
//! extended; the best of exactly three hops extends the best two-hop paths, and is kept
//! for matching people only. Keeping only the best prefix per person is exact:
//!
//! - strengths are integers (thousandths multiply into billionths), so extending a prefix
//!   by a link scales it exactly and preserves the order between prefixes, ties included;
//!   among equally strong prefixes of the same length, the lexicographically smallest
//!   stays the smallest with the same person appended;
//! - walks that repeat a person never win. The only repeat of a walk of at most three hops
//!   that avoids the searcher is `me → v → u → v`, so the third layer skips a step back to
//!   the prefix's first intermediate. That may hide a simple path `me → w → u → v` whose
//!   prefix is not the best one to `u`; but the best prefix to `u` went through `v`, so
//!   that path is no stronger than `s(me, v) · s(v, u)²`, hence than the direct link to
//!   `v`, which has fewer hops and wins.
//!
//! The work is the links of my direct links, plus the links of the people two hops away:
//! a few thousand to a few hundred thousand for a typical person in a network of 100,000.
//! Most of the second part is cut by the limit: once `limit` matching people are known at
//! one or two hops, a three-hop path no stronger than the weakest of them can neither
//! enter the list nor replace a path in it, so it is skipped before its end is even read.
//! A [`Searcher`] keeps the per-person scratch between queries and resets only the entries
//! a query touched, so after the first query none costs anything in proportion to the size
//! of the network.

use crate::graph::{FULL_STRENGTH, Graph};
use std::cmp::Reverse;

/// The longest path searched, in links: a friend of a friend of a friend. Beyond it an
/// introduction chain is too long to ask for.
pub const MAX_HOPS: u8 = 3;

/// A path's strength is ranked as an exact integer in billionths of 1.0: the product of
/// its links' strengths in thousandths, scaled by a thousand per hop short of three.
pub const PATH_SCALE: u32 = (FULL_STRENGTH as u32).pow(MAX_HOPS as u32);

/// The best path from the searcher to one matching person.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// The person the query matched.
    pub target: u32,
    /// The people in between, in order from the searcher; empty for a direct link.
    pub via: Vec<u32>,
    /// The product of the links' strengths, in (0, 1]. The ranking uses the exact
    /// integer behind it (see [`PATH_SCALE`]); this is that integer divided by
    /// `PATH_SCALE`, rounded to the nearest `f32`.
    pub strength: f32,
}

impl Path {
    /// How many links the path has.
    pub fn hops(&self) -> usize {
        self.via.len() + 1
    }
}

/// The strongest and shortest paths of up to `max_hops` links from `from` to the people
/// `is_target` accepts, at most `limit` of them, best first. `hides(p)` says whether `p`
/// hides their connections and so may not be an intermediate.
///
/// Allocates scratch the size of the network; to answer many queries, keep a
/// [`Searcher`].
///
/// # Panics
/// If `from` is not a person of the network or `max_hops` is not in `1..=MAX_HOPS`.
pub fn paths(
    graph: &Graph,
    from: u32,
    max_hops: u8,
    is_target: impl Fn(u32) -> bool,
    hides: impl Fn(u32) -> bool,
    limit: usize,
) -> Vec<Path> {
    Searcher::new().paths(graph, from, max_hops, is_target, hides, limit)
}

/// Reusable scratch for [`paths`]: per-person state sized to the largest network searched,
/// reset entry by entry after each query. Not tied to one graph; one per thread.
#[derive(Debug, Default)]
pub struct Searcher {
    slots: Vec<Slot>,
    /// Every person whose slot this query changed, to reset.
    touched: Vec<u32>,
    /// The people reached by a two-hop path, in the order first reached.
    frontier: Vec<u32>,
    /// The best path per matching person, before ranking.
    found: Vec<Found>,
}

/// What one query knows about one person. All strengths are integers; 0 is "not reached"
/// (links are never worth 0).
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    /// The direct link from the searcher, in thousandths.
    one: u32,
    /// The best two-hop path, in millionths, and its intermediate.
    two: u32,
    two_via: u32,
    /// The best three-hop path, in billionths, and its intermediates (matching people
    /// only).
    three: u32,
    three_via: [u32; 2],
    flags: u8,
}

/// The slot is listed in `touched`.
const TOUCHED: u8 = 1;
/// `is_target` was asked; the answer is `TARGET`.
const TARGET_KNOWN: u8 = 2;
const TARGET: u8 = 4;
/// `hides` was asked; the answer is `HIDES`.
const HIDES_KNOWN: u8 = 8;
const HIDES: u8 = 16;

/// One matching person's best path, in the exact form the ranking sorts.
#[derive(Clone, Copy, Debug)]
struct Found {
    strength: u32,
    hops: u8,
    target: u32,
    via: [u32; 2],
}

impl Searcher {
    /// An empty searcher; it grows to the network on the first query.
    pub fn new() -> Self {
        Self::default()
    }

    /// [`paths`], with this searcher's scratch.
    ///
    /// Each predicate is asked at most once per person per query, and only about people
    /// the search reaches.
    ///
    /// # Panics
    /// If `from` is not a person of the network or `max_hops` is not in `1..=MAX_HOPS`.
    pub fn paths(
        &mut self,
        graph: &Graph,
        from: u32,
        max_hops: u8,
        is_target: impl Fn(u32) -> bool,
        hides: impl Fn(u32) -> bool,
        limit: usize,
    ) -> Vec<Path> {
        assert!(
            (from as usize) < graph.len(),
            "person {from} is not in a network of {}",
            graph.len()
        );
        assert!(
            (1..=MAX_HOPS).contains(&max_hops),
            "paths have 1 to {MAX_HOPS} hops, not {max_hops}"
        );
        self.reset(graph.len());
        if limit == 0 {
            return Vec::new();
        }
        let Searcher {
            slots,
            touched,
            frontier,
            found,
        } = self;

        let scale = u32::from(FULL_STRENGTH);
        let (direct, direct_strengths) = graph.row(from);
        for (&u, &s) in direct.iter().zip(direct_strengths) {
            touch(slots, touched, u).one = u32::from(s);
        }

        if max_hops >= 2 {
            // By intermediate in increasing order, and only a stronger path replaces the
            // one kept: among equals, the smallest intermediate stays.
            for (&u, &s1) in direct.iter().zip(direct_strengths) {
                if ask(slots, touched, u, HIDES_KNOWN, HIDES, &hides) {
                    continue;
                }
                let (row, strengths) = graph.row(u);
                for (&v, &s2) in row.iter().zip(strengths) {
                    if v == from {
                        continue;
                    }
                    let strength = u32::from(s1) * u32::from(s2);
                    let slot = touch(slots, touched, v);
                    if strength > slot.two {
                        if slot.two == 0 {
                            frontier.push(v);
                        }
                        slot.two = strength;
                        slot.two_via = u;
                    }
                }
            }
        }

        if max_hops >= 3 {
            // A three-hop path no stronger than the `limit`-th best path of one or two
            // hops cannot be shown (see `shortlist_floor`): skip it before reading its end.
            let floor = shortlist_floor(slots, touched, from, limit, &is_target, found);
            for &u in frontier.iter() {
                let Slot {
                    two, two_via: w, ..
                } = slots[u as usize];
                if two * scale <= floor || ask(slots, touched, u, HIDES_KNOWN, HIDES, &hides) {
                    continue;
                }
                let (row, strengths) = graph.row(u);
                for (&v, &s3) in row.iter().zip(strengths) {
                    let strength = two * u32::from(s3);
                    // `v == w` only closes the walk `from → w → u → w` (see the module).
                    if strength <= floor
                        || v == from
                        || v == w
                        || !ask(slots, touched, v, TARGET_KNOWN, TARGET, &is_target)
                    {
                        continue;
                    }
                    let slot = &mut slots[v as usize];
                    if strength > slot.three || (strength == slot.three && [w, u] < slot.three_via)
                    {
                        slot.three = strength;
                        slot.three_via = [w, u];
                    }
                }
            }
        }

        found.clear();
        for k in 0..touched.len() {
            let v = touched[k];
            if let Some(best) = best_path(slots, touched, from, v, &is_target) {
                found.push(best);
            }
        }

        let rank = |f: &Found| (Reverse(f.strength), f.hops, f.target);
        if found.len() > limit {
            found.select_nth_unstable_by_key(limit, rank);
            found.truncate(limit);
        }
        found.sort_unstable_by_key(rank);
        found
            .iter()
            .map(|f| Path {
                target: f.target,
                via: f.via[..usize::from(f.hops) - 1].to_vec(),
                strength: (f64::from(f.strength) / f64::from(PATH_SCALE)) as f32,
            })
            .collect()
    }

    /// Clears what the last query touched (even one a panicking predicate cut short) and
    /// makes room for a network of `people`.
    fn reset(&mut self, people: usize) {
        for &v in &self.touched {
            self.slots[v as usize] = Slot::default();
        }
        self.touched.clear();
        self.frontier.clear();
        self.found.clear();
        if self.slots.len() < people {
            self.slots.resize(people, Slot::default());
        }
    }
}

/// The best path to `v` over the layers searched, in billionths, if `v` matches and was
/// reached. Shortest first, so that a longer path must be strictly stronger to replace a
/// shorter one.
#[inline]
fn best_path(
    slots: &mut [Slot],
    touched: &mut Vec<u32>,
    from: u32,
    v: u32,
    is_target: &impl Fn(u32) -> bool,
) -> Option<Found> {
    let slot = slots[v as usize];
    let reached = slot.one > 0 || slot.two > 0 || slot.three > 0;
    if v == from || !reached || !ask(slots, touched, v, TARGET_KNOWN, TARGET, is_target) {
        return None;
    }
    let scale = u32::from(FULL_STRENGTH);
    let mut best = Found {
        strength: slot.one * scale * scale,
        hops: 1,
        target: v,
        via: [0, 0],
    };
    if slot.two * scale > best.strength {
        best.strength = slot.two * scale;
        best.hops = 2;
        best.via = [slot.two_via, 0];
    }
    if slot.three > best.strength {
        best.strength = slot.three;
        best.hops = 3;
        best.via = slot.three_via;
    }
    Some(best)
}

/// The strength, in billionths, of the `limit`-th strongest path of one or two hops to a
/// matching person (each person counted once, by their best); 0 if there are fewer.
///
/// A three-hop path no stronger than this never changes the `limit` paths shown: the
/// `limit` people with the strongest shorter paths all rank ahead of it (stronger, or as
/// strong with fewer hops), and it cannot replace the path of any of them, since it is
/// not stronger than their shorter one. Equally strong three-hop paths are all dropped
/// together, so the tie-break among those kept is unchanged.
fn shortlist_floor(
    slots: &mut [Slot],
    touched: &mut Vec<u32>,
    from: u32,
    limit: usize,
    is_target: &impl Fn(u32) -> bool,
    strengths: &mut Vec<Found>,
) -> u32 {
    strengths.clear();
    for k in 0..touched.len() {
        let v = touched[k];
        if let Some(best) = best_path(slots, touched, from, v, is_target) {
            strengths.push(best);
        }
    }
    if strengths.len() < limit {
        return 0;
    }
    let (_, nth, _) = strengths.select_nth_unstable_by_key(limit - 1, |f| Reverse(f.strength));
    nth.strength
}

/// Person `v`'s slot, listed for reset on first use.
#[inline]
fn touch<'a>(slots: &'a mut [Slot], touched: &mut Vec<u32>, v: u32) -> &'a mut Slot {
    let slot = &mut slots[v as usize];
    if slot.flags & TOUCHED == 0 {
        slot.flags |= TOUCHED;
        touched.push(v);
    }
    slot
}

/// The predicate's answer about `v`, asked once per query and kept in the flags `known`
/// and `yes`.
#[inline]
fn ask(
    slots: &mut [Slot],
    touched: &mut Vec<u32>,
    v: u32,
    known: u8,
    yes: u8,
    predicate: &impl Fn(u32) -> bool,
) -> bool {
    let slot = touch(slots, touched, v);
    if slot.flags & known == 0 {
        slot.flags |= known;
        if predicate(v) {
            slot.flags |= yes;
        }
    }
    slot.flags & yes != 0
}

#[cfg(test)]
mod tests;
