//! The network: people as dense indices, undirected links with a strength each, in
//! compressed sparse rows.
//!
//! Strengths are integers in thousandths (`FULL_STRENGTH` is 1.0), so products of a few of
//! them are exact and paths compare without rounding. Each row is sorted by neighbour
//! index, which makes every search over the graph deterministic and lets
//! [`Graph::strength`] binary-search.

/// The strength of a link that is certain and as close as it gets: 1.0, in thousandths.
pub const FULL_STRENGTH: u16 = 1000;

/// Two people who accepted each other as connections: 0.5.
pub const CONNECTION: u16 = 500;

/// A mentor and their mentee: 0.9. They have worked together, so one can vouch for the
/// other far more than a connection can.
pub const MENTORSHIP: u16 = 900;

/// Added when an introduction was made between the two before: 0.1, up to
/// [`FULL_STRENGTH`]. They have already acted on the link once.
pub const INTRODUCTION_BONUS: u16 = 100;

/// What links two people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// They accepted each other as connections.
    Connection,
    /// One mentors the other (now or before).
    Mentorship,
}

impl EdgeKind {
    /// The strength of this kind of link without the introduction bonus.
    pub const fn strength(self) -> u16 {
        match self {
            EdgeKind::Connection => CONNECTION,
            EdgeKind::Mentorship => MENTORSHIP,
        }
    }
}

/// One link as the app lists it: a connection or a mentorship between `a` and `b`, and
/// whether an introduction was made between them before. The order of `a` and `b` does not
/// matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Edge {
    /// One of the two people.
    pub a: u32,
    /// The other.
    pub b: u32,
    /// Connection or mentorship.
    pub kind: EdgeKind,
    /// Whether an introduction was made between them before.
    pub introduced: bool,
}

impl Edge {
    /// A connection between `a` and `b`, without an introduction.
    pub const fn connection(a: u32, b: u32) -> Self {
        Edge {
            a,
            b,
            kind: EdgeKind::Connection,
            introduced: false,
        }
    }

    /// A mentorship between `a` and `b`, without an introduction.
    pub const fn mentorship(a: u32, b: u32) -> Self {
        Edge {
            a,
            b,
            kind: EdgeKind::Mentorship,
            introduced: false,
        }
    }

    /// The same link, marked as one an introduction was made across.
    pub const fn introduced(self) -> Self {
        Edge {
            introduced: true,
            ..self
        }
    }

    /// The link's strength in thousandths: its kind's, plus the bonus for an introduction,
    /// capped at [`FULL_STRENGTH`].
    pub const fn strength(&self) -> u16 {
        Facts::of(self).strength()
    }
}

/// What is known about a pair, gathered over every time the pair is listed: the kinds
/// seen and whether any listing says an introduction was made. Merging is a union, so a
/// pair listed as a connection with an introduction and again as a mentorship counts as a
/// mentorship with an introduction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Facts(u8);

impl Facts {
    const CONNECTION: u8 = 1;
    const MENTORSHIP: u8 = 2;
    const INTRODUCED: u8 = 4;

    const fn of(edge: &Edge) -> Self {
        let kind = match edge.kind {
            EdgeKind::Connection => Self::CONNECTION,
            EdgeKind::Mentorship => Self::MENTORSHIP,
        };
        Facts(kind | if edge.introduced { Self::INTRODUCED } else { 0 })
    }

    const fn strength(self) -> u16 {
        let base = if self.0 & Self::MENTORSHIP != 0 {
            MENTORSHIP
        } else {
            CONNECTION
        };
        let bonus = if self.0 & Self::INTRODUCED != 0 {
            INTRODUCTION_BONUS
        } else {
            0
        };
        if base + bonus > FULL_STRENGTH {
            FULL_STRENGTH
        } else {
            base + bonus
        }
    }
}

// Paths multiply strengths; a zero would make a link worth nothing and break the search's
// use of 0 for "not reached".
const _: () = assert!(CONNECTION > 0 && CONNECTION <= MENTORSHIP && MENTORSHIP <= FULL_STRENGTH);
// Having worked together counts for more than having been introduced once.
const _: () = assert!(MENTORSHIP > CONNECTION + INTRODUCTION_BONUS);

/// The network of `len()` people, undirected: each link is stored in both people's rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Graph {
    /// `offsets[u]..offsets[u + 1]` index person `u`'s row in `neighbours` and
    /// `strengths`.
    offsets: Vec<u32>,
    /// Each row sorted by index, without duplicates or `u` itself.
    neighbours: Vec<u32>,
    /// In thousandths, parallel to `neighbours`.
    strengths: Vec<u16>,
}

impl Graph {
    /// Builds the network of `people` people from its links in any order.
    ///
    /// A pair listed more than once becomes one link with the facts of every listing (see
    /// [`Edge::strength`]): as strong as its strongest kind, plus the bonus if any listing
    /// says an introduction was made. A link from a person to themselves is dropped.
    ///
    /// # Panics
    /// If an index is not below `people`, or if there are more than `u32::MAX / 2` links:
    /// the app passes only people it has numbered itself.
    pub fn from_edges(people: u32, edges: impl IntoIterator<Item = Edge>) -> Graph {
        let n = people as usize;
        let listed: Vec<(u32, u32, Facts)> = edges
            .into_iter()
            .filter(|e| {
                assert!(
                    e.a < people && e.b < people,
                    "link ({}, {}) names someone outside 0..{people}",
                    e.a,
                    e.b
                );
                e.a != e.b
            })
            .map(|e| (e.a, e.b, Facts::of(&e)))
            .collect();
        assert!(
            listed.len() <= (u32::MAX / 2) as usize,
            "more links than a row offset can count"
        );

        // Counting sort by person: each link goes into both rows, packed as
        // `neighbour << 8 | facts` so that sorting a row sorts by neighbour.
        let mut start = vec![0usize; n + 1];
        for &(a, b, _) in &listed {
            start[a as usize + 1] += 1;
            start[b as usize + 1] += 1;
        }
        for u in 0..n {
            start[u + 1] += start[u];
        }
        let mut next = start.clone();
        let mut packed = vec![0u64; 2 * listed.len()];
        for &(a, b, facts) in &listed {
            packed[next[a as usize]] = (u64::from(b) << 8) | u64::from(facts.0);
            next[a as usize] += 1;
            packed[next[b as usize]] = (u64::from(a) << 8) | u64::from(facts.0);
            next[b as usize] += 1;
        }
        drop(listed);

        let mut offsets = Vec::with_capacity(n + 1);
        let mut neighbours = Vec::with_capacity(packed.len());
        let mut strengths = Vec::with_capacity(packed.len());
        offsets.push(0u32);
        for u in 0..n {
            let row = &mut packed[start[u]..start[u + 1]];
            row.sort_unstable();
            let mut k = 0;
            while k < row.len() {
                let v = (row[k] >> 8) as u32;
                let mut facts = 0u8;
                while k < row.len() && (row[k] >> 8) as u32 == v {
                    facts |= row[k] as u8;
                    k += 1;
                }
                neighbours.push(v);
                strengths.push(Facts(facts).strength());
            }
            // At most 2 × (u32::MAX / 2) entries, checked above.
            offsets.push(neighbours.len() as u32);
        }
        Graph {
            offsets,
            neighbours,
            strengths,
        }
    }

    /// How many people the network has (linked or not).
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether the network has no people at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many distinct links (pairs) the network has.
    pub fn edge_count(&self) -> usize {
        self.neighbours.len() / 2
    }

    /// How many people `u` is linked to.
    ///
    /// # Panics
    /// If `u` is not a person of the network.
    pub fn degree(&self, u: u32) -> usize {
        let u = u as usize;
        (self.offsets[u + 1] - self.offsets[u]) as usize
    }

    /// The people `u` is linked to, by index, with the link's strength in thousandths.
    ///
    /// # Panics
    /// If `u` is not a person of the network.
    pub fn neighbours(&self, u: u32) -> impl ExactSizeIterator<Item = (u32, u16)> + '_ {
        let (people, strengths) = self.row(u);
        people.iter().copied().zip(strengths.iter().copied())
    }

    /// The strength of the link between `a` and `b` in thousandths, if they are linked.
    ///
    /// # Panics
    /// If `a` is not a person of the network.
    pub fn strength(&self, a: u32, b: u32) -> Option<u16> {
        let (people, strengths) = self.row(a);
        people.binary_search(&b).ok().map(|k| strengths[k])
    }

    /// Every link once, as `(a, b, strength)` with `a < b`, by `a` then `b`.
    pub fn edges(&self) -> impl Iterator<Item = (u32, u32, u16)> + '_ {
        (0..self.len() as u32).flat_map(move |a| {
            self.neighbours(a)
                .filter(move |&(b, _)| a < b)
                .map(move |(b, s)| (a, b, s))
        })
    }

    /// Person `u`'s row: neighbours and strengths as parallel slices.
    #[inline]
    pub(crate) fn row(&self, u: u32) -> (&[u32], &[u16]) {
        let u = u as usize;
        let range = self.offsets[u] as usize..self.offsets[u + 1] as usize;
        (&self.neighbours[range.clone()], &self.strengths[range])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_link_has_its_strength_and_an_introduction_adds_up_to_full() {
        assert_eq!(Edge::connection(0, 1).strength(), 500);
        assert_eq!(Edge::connection(0, 1).introduced().strength(), 600);
        assert_eq!(Edge::mentorship(0, 1).strength(), 900);
        assert_eq!(
            Edge::mentorship(0, 1).introduced().strength(),
            FULL_STRENGTH
        );
    }

    #[test]
    fn links_are_stored_both_ways_and_rows_come_back_sorted() {
        let g = Graph::from_edges(
            4,
            [
                Edge::connection(2, 0),
                Edge::mentorship(0, 3),
                Edge::connection(1, 0),
            ],
        );
        assert_eq!(g.len(), 4);
        assert_eq!(g.edge_count(), 3);
        assert_eq!(
            g.neighbours(0).collect::<Vec<_>>(),
            vec![(1, CONNECTION), (2, CONNECTION), (3, MENTORSHIP)]
        );
        assert_eq!(g.neighbours(3).collect::<Vec<_>>(), vec![(0, MENTORSHIP)]);
        assert_eq!(g.degree(0), 3);
        assert_eq!(g.strength(2, 0), Some(CONNECTION));
        assert_eq!(g.strength(2, 1), None);
        assert_eq!(
            g.edges().collect::<Vec<_>>(),
            vec![(0, 1, CONNECTION), (0, 2, CONNECTION), (0, 3, MENTORSHIP)]
        );
    }

    #[test]
    fn a_pair_listed_twice_is_one_link_with_the_facts_of_both_listings() {
        let g = Graph::from_edges(
            3,
            [
                Edge::connection(0, 1),
                Edge::mentorship(1, 0),
                Edge::connection(0, 1),
                Edge::connection(1, 2).introduced(),
                Edge::connection(2, 1),
            ],
        );
        assert_eq!(g.edge_count(), 2);
        assert_eq!(g.strength(0, 1), Some(MENTORSHIP));
        assert_eq!(g.strength(1, 2), Some(CONNECTION + INTRODUCTION_BONUS));

        // The introduction is a fact about the pair, whichever listing carries it.
        let g = Graph::from_edges(
            2,
            [Edge::connection(0, 1).introduced(), Edge::mentorship(0, 1)],
        );
        assert_eq!(g.strength(1, 0), Some(FULL_STRENGTH));
    }

    #[test]
    fn a_link_to_oneself_is_dropped() {
        let g = Graph::from_edges(2, [Edge::mentorship(1, 1), Edge::connection(0, 0)]);
        assert_eq!(g.edge_count(), 0);
        assert_eq!(g.degree(1), 0);
        assert!(!g.is_empty());
        assert!(Graph::from_edges(0, []).is_empty());
    }

    #[test]
    #[should_panic(expected = "outside 0..3")]
    fn a_link_to_someone_outside_the_network_is_refused() {
        Graph::from_edges(3, [Edge::connection(0, 3)]);
    }
}
