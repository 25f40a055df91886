//! The ε-scaling auction behind [`super::max_weight`].
//!
//! The assignment is made balanced so that forward bids alone reach the end conditions:
//!
//! - Objects: each mentor's places (slots), and a "nobody" object with one slot per mentee
//!   who has a usable arc.
//! - Bidders: the mentees, worth `w_ij` at mentor j and 0 at nobody; and per mentor one
//!   *vacancy* per place, worth 0 at its own mentor (an empty place) or at nobody.
//!
//! There are as many bidders as slots, so at the end of a phase every slot is held. A
//! vacancy moves to nobody when its mentor's price rises above nobody's price `λ`, and
//! outbids the mentee paying least when its mentor is cheaper than `λ`: together they keep
//! the price of a mentor with an empty place within ε of `λ`, which is what the LP needs.
//! The LP prices are then `v_j = max(0, p_j − λ)` (see the certificate module).
//!
//! Every bidder holds its slot at most ε below its best choice at current prices
//! (ε-complementary slackness). Each phase starts from the previous prices with a smaller ε,
//! keeps those still within it and lets the others bid again.
//!
//! # Why the end of a phase nearly proves optimality
//!
//! Take `v_j = max(0, p_j − λ)` and `u_i = max(0, max_j w_ij − v_j)`, feasible by
//! construction. A mentee at mentor j pays `b ≥ p_j`, and its profit `w_ij − b` is within ε
//! of every other mentor's `w_ik − p_k` and of nobody's `−λ`; so `u_i + v_j − w_ij ≤ ε` if
//! `p_j ≥ λ`. If `p_j < λ`, the mentee's presence means one of j's vacancies sits at
//! nobody, which it does only if `λ ≤ p_j + ε`, and the excess is at most 2ε. An unmatched
//! mentee has `u_i ≤ ε`, and a vacancy at home means `p_j ≤ λ + ε`, so each free place adds
//! `v_j ≤ ε`. In all, `Σu + Σ cap·v − total ≤ (2 × mentees + places) × ε`, less than
//! `S × ε` for the scale `S` chosen.

use std::collections::VecDeque;

use super::certificate::Certificate;
use super::price::Price;
use super::rows::Rows;
use super::shortlist::{NO_ARC, Shortlist};
use super::{Solution, SolveStats};
use crate::graph::CandidateGraph;

/// No bidder, no slot.
const NONE: u32 = u32::MAX;
const NO_SLOT: usize = usize::MAX;
/// ε shrinks by this factor between phases.
const EPSILON_FACTOR: i64 = 8;
/// The first ε is the largest scaled weight divided by this.
const FIRST_EPSILON_DIVISOR: i64 = 64;
/// ... and divided by this again when the prices start from a hint.
const HINTED_EPSILON_DIVISOR: i64 = EPSILON_FACTOR * EPSILON_FACTOR;

/// Where a solve of a similar graph ended: mentor prices in weight units (as a
/// [`Certificate`] reports them) and each mentee's mentor.
pub(super) struct Hint<'h> {
    pub prices: &'h [f64],
    pub mentor_of: &'h [Option<u32>],
}

/// Solves `graph`, from `hint` if given (with a smaller first ε) instead of from nothing.
pub(super) fn solve(graph: &CandidateGraph, hint: Option<Hint<'_>>) -> Solution {
    let layout = Layout::new(graph);
    if layout.max_weight <= <i64 as Price>::MAX_SCALED_WEIGHT {
        run(Auction::<i64>::new(graph, layout), hint)
    } else {
        run(Auction::<i128>::new(graph, layout), hint)
    }
}

fn run<P: Price>(mut auction: Auction<'_, P>, hint: Option<Hint<'_>>) -> Solution {
    let mut epsilon = (auction.max_weight / FIRST_EPSILON_DIVISOR).max(1);
    if let Some(hint) = hint {
        auction.start_from(&hint);
        epsilon = (epsilon / HINTED_EPSILON_DIVISOR).max(1);
    }
    let mut predicted_gap: Option<i128> = None;
    loop {
        auction.stats.phases += 1;
        auction.start_phase(epsilon);
        auction.forward(epsilon);
        // The gap is below (2 × mentees + places) × ε but in practice far below, and
        // shrinks in proportion to ε. Computing it costs a pass over the arcs, so it is
        // checked once ε is below one weight unit, then again only when the last gap,
        // scaled down with ε, predicts a proof.
        let last = epsilon == 1;
        let promising = match predicted_gap {
            None => epsilon <= auction.scale,
            Some(gap) => gap < 2 * i128::from(auction.scale),
        };
        if last || promising {
            auction.stats.gap_checks += 1;
            let certificate = auction.certificate();
            // At ε = 1 the bound guarantees the proof (see the module docs).
            debug_assert!(
                !last || certificate.proves_optimal(),
                "ε = 1 must prove the total"
            );
            if last || certificate.proves_optimal() {
                return Solution {
                    mentor_of: auction.mentor_of(),
                    total: auction.total(),
                    certificate,
                    stats: auction.stats,
                };
            }
            predicted_gap = Some(certificate.scaled_gap());
        }
        let next = (epsilon / EPSILON_FACTOR).max(1);
        predicted_gap = predicted_gap.map(|gap| gap * i128::from(next) / i128::from(epsilon));
        epsilon = next;
    }
}

struct Auction<'g, P> {
    graph: &'g CandidateGraph,
    mentees: usize,
    mentors: usize,
    /// Weights are multiplied by this; see [`Certificate`].
    scale: i64,
    max_weight: i64,
    /// The ε of the phase before (0 before the first).
    previous_epsilon: i64,
    /// The usable arcs (weight ≥ 0, mentor with capacity), weights × `scale`.
    rows: Rows,
    /// `price[o]` = the lowest slot price of object `o`: mentors `0..mentors`, then nobody.
    price: Vec<P>,
    /// Object o's slots are `slot_start[o]..slot_start[o + 1]`: a min-heap by
    /// [`Auction::slot_key`]. A mentor has `min(capacity, usable arcs)` slots: more could
    /// never fill.
    slot_start: Vec<usize>,
    slot_price: Vec<P>,
    /// A mentee `i`, a vacancy of mentor j as `mentees + j`, or `NONE` while empty.
    slot_holder: Vec<u32>,
    /// Per mentee: the slot it holds (`NO_SLOT` while bidding or without usable arcs), and
    /// the arc if that slot is a mentor's.
    held_slot: Vec<usize>,
    held_arc: Vec<u32>,
    /// Per mentee: its best arcs at the last full read, and a bound on the others.
    shortlists: Vec<Shortlist<P>>,
    /// Bidders without a slot, first come first served.
    queue: VecDeque<u32>,
    stats: SolveStats,
}

/// The sizes the auction is built from, and the scale they imply.
struct Layout {
    active: usize,
    places: Vec<usize>,
    scale: i64,
    /// The largest scaled weight.
    max_weight: i64,
}

impl Layout {
    fn new(graph: &CandidateGraph) -> Layout {
        let (mentees, mentors) = (graph.mentees(), graph.mentors());
        assert!(
            mentees + mentors < NONE as usize,
            "the solver numbers mentees and mentors with u32"
        );
        let (all_offsets, all_heads, all_weights) = graph.rows();
        assert!(
            all_heads.len() < NO_ARC as usize,
            "the solver indexes arcs with u32: {} arcs are too many",
            all_heads.len()
        );
        let mut degree = vec![0usize; mentors];
        let mut active = 0usize;
        for i in 0..mentees {
            let mut any = false;
            for arc in all_offsets[i]..all_offsets[i + 1] {
                if usable(graph, arc) {
                    degree[all_heads[arc] as usize] += 1;
                    any = true;
                }
            }
            active += usize::from(any);
        }
        let places: Vec<usize> = (0..mentors)
            .map(|j| (graph.capacity(j) as usize).min(degree[j]))
            .collect();
        // The gap bound is (2 × active mentees + places) × ε; with this scale, ε = 1
        // brings it below one weight unit.
        let scale = 2 * active + places.iter().sum::<usize>() + 1;
        let max_weight = all_weights.iter().copied().max().unwrap_or(0).max(0);
        let scaled = i128::from(max_weight) * scale as i128;
        assert!(
            scaled <= i128::from(<i128 as Price>::MAX_SCALED_WEIGHT),
            "weight {max_weight} × scale {scale} would overflow the solver's prices"
        );
        Layout {
            active,
            places,
            // Both fit: checked above.
            scale: scale as i64,
            max_weight: scaled as i64,
        }
    }
}

/// An arc the auction uses: one that could ever be worth taking.
fn usable(graph: &CandidateGraph, arc: usize) -> bool {
    let (_, heads, weights) = graph.rows();
    weights[arc] >= 0 && graph.capacity(heads[arc] as usize) > 0
}

impl<'g, P: Price> Auction<'g, P> {
    fn new(graph: &'g CandidateGraph, layout: Layout) -> Self {
        let mentees = graph.mentees();
        let mentors = graph.mentors();
        let Layout {
            active,
            places,
            scale,
            max_weight,
        } = layout;
        let total_places: usize = places.iter().sum();
        let rows = Rows::new(graph, scale, |arc| usable(graph, arc));

        let mut slot_start = Vec::with_capacity(mentors + 2);
        slot_start.push(0);
        for &p in &places {
            slot_start.push(slot_start[slot_start.len() - 1] + p);
        }
        slot_start.push(total_places + active);
        // Start with every place vacant and every mentee with nobody, all at price 0.
        let mut slot_holder = Vec::with_capacity(total_places + active);
        for (j, &p) in places.iter().enumerate() {
            slot_holder.extend(std::iter::repeat_n((mentees + j) as u32, p));
        }
        let mut held_slot = vec![NO_SLOT; mentees];
        for (i, held) in held_slot.iter_mut().enumerate() {
            if !rows.is_empty(i) {
                *held = slot_holder.len();
                slot_holder.push(i as u32);
            }
        }
        Auction {
            graph,
            mentees,
            mentors,
            scale,
            max_weight,
            previous_epsilon: 0,
            rows,
            price: vec![P::from(0); mentors + 1],
            slot_start,
            slot_price: vec![P::from(0); total_places + active],
            slot_holder,
            held_slot,
            held_arc: vec![NO_ARC; mentees],
            shortlists: vec![Shortlist::<P>::EMPTY; mentees],
            queue: VecDeque::new(),
            stats: SolveStats::default(),
        }
    }

    fn nobody(&self) -> usize {
        self.mentors
    }

    /// Starts every mentor at its hinted price (weight units; clamped to the weight range,
    /// a mentor without a hint at 0), and seats each mentee at its hinted mentor while the
    /// arc is still there and the mentor has a place: the vacancy that held the place takes
    /// the mentee's seat at nobody, so every slot stays held. The next phase start lets go
    /// of whoever is not within its ε, as after any phase.
    fn start_from(&mut self, hint: &Hint<'_>) {
        for j in 0..self.mentors {
            let price = hint.prices.get(j).copied().unwrap_or(0.0) * self.scale as f64;
            if price.is_finite() {
                self.price[j] = P::from((price as i64).clamp(0, self.max_weight));
            }
        }
        let mut next_place: Vec<usize> = self.slot_start[..self.mentors].to_vec();
        for i in 0..self.mentees {
            let Some(j) = hint.mentor_of.get(i).copied().flatten().map(|j| j as usize) else {
                continue;
            };
            let seat = self.held_slot[i];
            if seat == NO_SLOT || j >= self.mentors || next_place[j] == self.slot_start[j + 1] {
                continue;
            }
            let mut arc = NO_ARC;
            self.rows.for_each(i, |a, head, _| {
                if head as usize == j {
                    arc = a;
                }
            });
            if arc == NO_ARC {
                continue;
            }
            let place = next_place[j];
            next_place[j] += 1;
            self.slot_holder[seat] = self.slot_holder[place];
            self.slot_holder[place] = i as u32;
            self.held_slot[i] = place;
            self.held_arc[i] = arc;
        }
    }

    /// Starts a phase with tolerance `epsilon`. Prices first move so that nobody costs 0
    /// (only differences matter, and this keeps them near the weights' range); a mentor far
    /// below nobody has no mentee (shown below) and is raised to a floor no one notices.
    /// Every object's slots then take its lowest price: holders pay less, so they stay
    /// within the old ε of their best, and an empty slot costs what the object asks.
    /// Bidders more than `epsilon` from their best let go and bid again; the others keep
    /// their slots, so prices only rise during the phase and they stay within it.
    fn start_phase(&mut self, epsilon_raw: i64) {
        let epsilon = P::from(epsilon_raw);
        let shift = self.price[self.nobody()];
        // A mentor with a mentee has a vacancy at nobody, paying at most its price plus
        // the old ε (≤ the weight range) there; so below this it has none, and raising it
        // keeps its vacancies far happier than at nobody.
        let floor = -P::from(self.max_weight + 2 * self.previous_epsilon);
        self.previous_epsilon = epsilon_raw;
        for o in 0..=self.mentors {
            let price = if o == self.nobody() {
                P::from(0)
            } else {
                (self.price[o] - shift).max(floor)
            };
            self.price[o] = price;
            self.slot_price[self.slot_start[o]..self.slot_start[o + 1]].fill(price);
        }

        // Every bidder's shortlist is read afresh: a bid from an exact list bids as high as
        // it may, which makes the phase end tighter than bounds carried over would.
        let nobody_value = -self.price[self.nobody()];
        for i in 0..self.mentees {
            let slot = self.held_slot[i];
            if slot == NO_SLOT {
                continue;
            }
            let held = self.held_arc[i];
            let profit = match held {
                NO_ARC => nobody_value,
                arc => P::from(self.rows.weight(i, arc)) - self.price[self.rows.head(arc) as usize],
            };
            let (list, _) = Shortlist::read(&self.rows, &self.price, i);
            self.shortlists[i] = list;
            let mut best_other = list.best_other(&self.price, held);
            if held != NO_ARC {
                best_other = best_other.max(nobody_value);
            }
            if profit < best_other - epsilon {
                self.vacate(slot);
                self.queue.push_back(i as u32);
            }
        }
        let nobody_price = self.price[self.nobody()];
        for j in 0..self.mentors {
            if self.price[j] > nobody_price + epsilon {
                for slot in self.slot_start[j]..self.slot_start[j + 1] {
                    if self.slot_holder[slot] as usize == self.mentees + j {
                        self.vacate(slot);
                        self.queue.push_back((self.mentees + j) as u32);
                    }
                }
            }
        }
        for slot in self.slot_start[self.nobody()]..self.slot_start[self.nobody() + 1] {
            let holder = self.slot_holder[slot];
            if holder == NONE || (holder as usize) < self.mentees {
                continue;
            }
            let holder = holder as usize;
            if nobody_price > self.price[holder - self.mentees] + epsilon {
                self.vacate(slot);
                self.queue.push_back(holder as u32);
            }
        }
        for o in 0..=self.mentors {
            self.heapify(o);
        }
    }

    fn vacate(&mut self, slot: usize) {
        let holder = self.slot_holder[slot] as usize;
        if holder < self.mentees {
            self.held_slot[holder] = NO_SLOT;
            self.held_arc[holder] = NO_ARC;
        }
        self.slot_holder[slot] = NONE;
    }

    /// Bids until every bidder holds a slot.
    fn forward(&mut self, epsilon: i64) {
        let nobody = self.nobody();
        let epsilon = P::from(epsilon);
        while let Some(bidder) = self.queue.pop_front() {
            self.stats.bids += 1;
            let (object, arc, bid) = if (bidder as usize) < self.mentees {
                self.mentee_bid(bidder as usize, epsilon)
            } else {
                // A vacancy is worth nothing anywhere: it goes where it is cheaper (nobody
                // on a tie), bidding up to the other price.
                let j = bidder as usize - self.mentees;
                if self.price[j] < self.price[nobody] {
                    (j, NO_ARC, self.price[nobody] + epsilon)
                } else {
                    (nobody, NO_ARC, self.price[j] + epsilon)
                }
            };
            if let Some(outbid) = self.take_cheapest_slot(object, bidder, arc, bid) {
                self.queue.push_back(outbid);
            }
        }
    }

    /// Mentee i's bid: `(object, arc, price)`. Its best choice gets the price at which the
    /// second best would be as good, plus ε; ties go to nobody (no one is displaced).
    fn mentee_bid(&mut self, i: usize, epsilon: P) -> (usize, u32, P) {
        let nobody = self.nobody();
        let nobody_value = -self.price[nobody];
        let choice = match self.shortlists[i].choose(&self.price, nobody_value) {
            Some(choice) => choice,
            None => {
                self.stats.scans += 1;
                let (list, choice) = Shortlist::read(&self.rows, &self.price, i);
                self.shortlists[i] = list;
                choice
            }
        };
        if nobody_value >= choice.value {
            (nobody, NO_ARC, epsilon - choice.value.max(choice.second))
        } else {
            let second = choice.second.max(nobody_value);
            let best = choice.best;
            (
                best.head as usize,
                best.arc,
                P::from(best.weight) - second + epsilon,
            )
        }
    }

    /// Puts `bidder` into the object's cheapest slot at price `bid`; returns who held it.
    fn take_cheapest_slot(&mut self, object: usize, bidder: u32, arc: u32, bid: P) -> Option<u32> {
        // The overflow safeguard: see `Price::CEILING`.
        assert!(
            bid <= P::CEILING,
            "auction prices drifted past {:?}",
            P::CEILING
        );
        let root = self.slot_start[object];
        let outbid = self.slot_holder[root];
        if outbid != NONE {
            self.vacate(root);
        }
        self.slot_price[root] = bid;
        self.slot_holder[root] = bidder;
        if (bidder as usize) < self.mentees {
            self.held_slot[bidder as usize] = root;
            self.held_arc[bidder as usize] = arc;
        }
        self.sift_down(object, 0);
        self.price[object] = self.slot_price[root];
        (outbid != NONE).then_some(outbid)
    }

    /// Heap order of slots: cheaper first, and at the same price an empty slot, then a
    /// vacancy, then a mentee — so a bid displaces the bidder cheapest to move.
    fn slot_key(&self, slot: usize) -> (P, u8) {
        let holder = self.slot_holder[slot];
        let rank = if holder == NONE {
            0
        } else if (holder as usize) >= self.mentees {
            1
        } else {
            2
        };
        (self.slot_price[slot], rank)
    }

    /// Restores object o's heap below local position `at` after its key went up.
    fn sift_down(&mut self, object: usize, mut at: usize) {
        let base = self.slot_start[object];
        let len = self.slot_start[object + 1] - base;
        loop {
            let left = 2 * at + 1;
            if left >= len {
                return;
            }
            let right = left + 1;
            let child = if right < len && self.slot_key(base + right) < self.slot_key(base + left) {
                right
            } else {
                left
            };
            if self.slot_key(base + child) >= self.slot_key(base + at) {
                return;
            }
            self.swap_slots(base + at, base + child);
            at = child;
        }
    }

    fn swap_slots(&mut self, a: usize, b: usize) {
        self.slot_price.swap(a, b);
        self.slot_holder.swap(a, b);
        for slot in [a, b] {
            let holder = self.slot_holder[slot] as usize;
            if holder < self.mentees {
                self.held_slot[holder] = slot;
            }
        }
    }

    fn heapify(&mut self, object: usize) {
        let len = self.slot_start[object + 1] - self.slot_start[object];
        for at in (0..len / 2).rev() {
            self.sift_down(object, at);
        }
        if len > 0 {
            self.price[object] = self.slot_price[self.slot_start[object]];
        }
    }

    /// The LP prices: `v_j = max(0, p_j − λ)` in scaled units, 0 for a mentor with more
    /// capacity than usable arcs (it can never be full: the mentee prices recomputed
    /// from the mentor prices absorb the difference without raising the bound), closed for
    /// a mentor without places.
    fn certificate(&self) -> Certificate {
        let lambda = self.price[self.nobody()];
        let mentor_prices = (0..self.mentors)
            .map(|j| {
                let capacity = self.graph.capacity(j) as usize;
                if capacity == 0 {
                    None
                } else if self.slot_start[j + 1] - self.slot_start[j] < capacity {
                    Some(0)
                } else {
                    // Above every weight a price says no more than the weight would: the
                    // clamp keeps it an i64 and only lowers the bound.
                    let price = (self.price[j] - lambda).max(P::from(0));
                    Some(price.min(P::from(self.max_weight)).saturate())
                }
            })
            .collect();
        Certificate::from_mentor_prices(self.graph, self.scale, mentor_prices, self.total())
    }

    fn mentor_of(&self) -> Vec<Option<u32>> {
        self.held_arc
            .iter()
            .map(|&arc| (arc != NO_ARC).then(|| self.rows.head(arc)))
            .collect()
    }

    fn total(&self) -> i64 {
        (0..self.mentees)
            .filter(|&i| self.held_arc[i] != NO_ARC)
            .map(|i| self.rows.weight(i, self.held_arc[i]) / self.scale)
            .sum()
    }
}
