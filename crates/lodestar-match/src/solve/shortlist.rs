//! Each mentee's shortlist: its best arcs when it last read them all, so that most bids
//! read one cache line instead of the whole row.
//!
//! Within a phase prices only rise, so an arc left off the list is still worth at most the
//! list's bound. If a listed arc (or nobody) is worth at least the bound, it is the best
//! choice; the second best is then known only up to the bound, and bidding against the
//! bound bids a little lower than the exact rule, which keeps the mentee within ε all the
//! same.

use super::price::Price;
use super::rows::Rows;

/// Arcs kept: three, so that a list (with its bound, even an `i128` one) fills one cache
/// line.
const LISTED: usize = 3;

/// No arc (an empty place on the list).
pub(super) const NO_ARC: u32 = u32::MAX;

/// An arc as the list keeps it: everything a bid needs.
#[derive(Clone, Copy)]
pub(super) struct Listed {
    /// Scaled weight.
    pub(super) weight: i64,
    pub(super) head: u32,
    pub(super) arc: u32,
}

impl Listed {
    const NONE: Listed = Listed {
        weight: 0,
        head: 0,
        arc: NO_ARC,
    };
}

/// A mentee's best arcs, best first (`NO_ARC` past the end), and a bound on the value of
/// every arc not listed (`P::MIN` if all are listed; `P::MAX` forces a full read).
#[derive(Clone, Copy)]
#[repr(align(64))]
pub(super) struct Shortlist<P> {
    arcs: [Listed; LISTED],
    bound: P,
}

/// The best choice found, and the second-best value (or an upper bound on it).
pub(super) struct Choice<P> {
    pub(super) best: Listed,
    pub(super) value: P,
    pub(super) second: P,
}

impl<P: Price> Shortlist<P> {
    pub(super) const EMPTY: Shortlist<P> = Shortlist {
        arcs: [Listed::NONE; LISTED],
        bound: P::MAX,
    };

    /// Reads all of mentee i's arcs at `price` into a new list; also returns the exact
    /// best arc and second-best arc value (`P::MIN` for a missing one).
    pub(super) fn read(rows: &Rows, price: &[P], mentee: usize) -> (Shortlist<P>, Choice<P>) {
        let mut top = [(P::MIN, Listed::NONE); LISTED];
        let mut bound = P::MIN;
        rows.for_each(mentee, |arc, head, weight| {
            let value = P::from(weight) - price[head as usize];
            if value <= top[LISTED - 1].0 {
                bound = bound.max(value);
                return;
            }
            bound = bound.max(top[LISTED - 1].0);
            let mut at = LISTED - 1;
            while at > 0 && value > top[at - 1].0 {
                top[at] = top[at - 1];
                at -= 1;
            }
            top[at] = (value, Listed { weight, head, arc });
        });
        let list = Shortlist {
            arcs: top.map(|(_, listed)| listed),
            bound,
        };
        let choice = Choice {
            best: top[0].1,
            value: top[0].0,
            second: top[1].0.max(bound),
        };
        (list, choice)
    }

    /// The best listed arc and a bound on the second best, if the list still settles the
    /// choice against nobody's value; `None` if the arcs must be read again.
    pub(super) fn choose(&self, price: &[P], nobody_value: P) -> Option<Choice<P>> {
        let mut best = Listed::NONE;
        let mut value = P::MIN;
        let mut second = self.bound;
        for listed in self.arcs.iter().take_while(|l| l.arc != NO_ARC) {
            let v = P::from(listed.weight) - price[listed.head as usize];
            if v > value {
                second = second.max(value);
                (best, value) = (*listed, v);
            } else {
                second = second.max(v);
            }
        }
        (value.max(nobody_value) >= self.bound).then_some(Choice {
            best,
            value,
            second,
        })
    }

    /// The value of the best arc other than `held` (`NO_ARC`: any arc): exact right after
    /// [`Shortlist::read`], an upper bound later in the phase.
    pub(super) fn best_other(&self, price: &[P], held: u32) -> P {
        let listed = self
            .arcs
            .iter()
            .find(|l| l.arc != held && l.arc != NO_ARC)
            .map_or(P::MIN, |l| P::from(l.weight) - price[l.head as usize]);
        listed.max(self.bound)
    }
}
