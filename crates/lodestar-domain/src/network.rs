//! The network: who is connected with whom. Two people connect by request and accept; a
//! mentorship connects its mentor and mentee; an introduction both sides accept connects
//! them too. Either side may remove a connection. A pair is one connection whatever its
//! direction ([`Pair`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::PersonId;
use crate::mentoring::{UnknownValue, text_enum};

text_enum!(
    /// A request not yet answered, or a connection.
    ConnectionState {
        Pending => "pending",
        Accepted => "accepted",
    }
);

text_enum!(
    /// How a connection came about.
    ConnectionSource {
        Request => "request",
        Mentorship => "mentorship",
        Introduction => "introduction",
    }
);

text_enum!(
    /// One side's answer to an introduction. Only that side ever sees it.
    Answer {
        Waiting => "waiting",
        Accepted => "accepted",
        Declined => "declined",
    }
);

text_enum!(
    /// Where an introduction stands, as everyone but the one who declined sees it: a
    /// decline reads "not now".
    IntroductionState {
        Open => "open",
        Connected => "connected",
        NotNow => "not_now",
    }
);

impl IntroductionState {
    /// The state after both sides' answers: any decline closes it as "not now", two
    /// accepts connect the pair, and otherwise it waits.
    pub fn of(a: Answer, b: Answer) -> Self {
        match (a, b) {
            (Answer::Declined, _) | (_, Answer::Declined) => Self::NotNow,
            (Answer::Accepted, Answer::Accepted) => Self::Connected,
            _ => Self::Open,
        }
    }
}

text_enum!(
    /// A request for an introduction.
    AskState {
        Open => "open",
        Introduced => "introduced",
        NotNow => "not_now",
        Withdrawn => "withdrawn",
    }
);

/// The longest note on an introduction or a request for one, in characters.
pub const MAX_NOTE: usize = 2000;

/// Two different people in a fixed order (the smaller id first, byte by byte), so that a
/// pair has one key whoever asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pair {
    pub low: PersonId,
    pub high: PersonId,
}

impl Pair {
    /// The pair of `a` and `b`; none for one person with themself.
    pub fn of(a: PersonId, b: PersonId) -> Option<Self> {
        let (sa, sb) = (a.to_string(), b.to_string());
        match sa.cmp(&sb) {
            std::cmp::Ordering::Less => Some(Self { low: a, high: b }),
            std::cmp::Ordering::Greater => Some(Self { low: b, high: a }),
            std::cmp::Ordering::Equal => None,
        }
    }

    /// The other one of the pair, seen from `person` (who must be one of them).
    pub fn other(&self, person: PersonId) -> PersonId {
        if self.low == person {
            self.high
        } else {
            self.low
        }
    }

    pub fn contains(&self, person: PersonId) -> bool {
        self.low == person || self.high == person
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_has_one_order_whoever_comes_first() {
        let (a, b) = (PersonId::new(), PersonId::new());
        let ab = Pair::of(a, b).expect("two people");
        assert_eq!(Some(ab), Pair::of(b, a));
        assert!(ab.low.to_string() < ab.high.to_string());
        assert_eq!(ab.other(a), b);
        assert_eq!(ab.other(b), a);
        assert!(ab.contains(a) && !ab.contains(PersonId::new()));
        assert_eq!(Pair::of(a, a), None);
    }

    #[test]
    fn states_and_sources_read_back_as_written() {
        for s in [ConnectionState::Pending, ConnectionState::Accepted] {
            assert_eq!(s.as_str().parse::<ConnectionState>().expect("a state"), s);
        }
        for s in [
            ConnectionSource::Request,
            ConnectionSource::Mentorship,
            ConnectionSource::Introduction,
        ] {
            assert_eq!(s.as_str().parse::<ConnectionSource>().expect("a source"), s);
        }
        assert!("friend".parse::<ConnectionSource>().is_err());
    }

    #[test]
    fn an_introduction_connects_on_two_accepts_and_closes_on_any_decline() {
        use Answer::{Accepted, Declined, Waiting};
        let all = [Waiting, Accepted, Declined];
        for a in all {
            for b in all {
                let expected = if a == Declined || b == Declined {
                    IntroductionState::NotNow
                } else if a == Accepted && b == Accepted {
                    IntroductionState::Connected
                } else {
                    IntroductionState::Open
                };
                assert_eq!(IntroductionState::of(a, b), expected, "{a:?} {b:?}");
                assert_eq!(IntroductionState::of(a, b), IntroductionState::of(b, a));
            }
        }
    }
}
