//! The demo network's introductions: about one for every twenty people, made by someone
//! connected with both sides since before it. Most are past, both sides accepted, so the
//! two are connected by it (a connection with source `introduction`); one in ten still
//! waits for an answer and one in ten was declined, closed as "not now". Whom someone
//! introduces is drawn by pull, so connectors introduce the most. Each demo login was
//! introduced once to a friend of a friend and has one introduction waiting for their
//! answer, so their introductions page has history and something to do.

use std::collections::HashSet;

use lodestar_domain::IntroductionId;
use lodestar_domain::network::{
    Answer, ConnectionSource, ConnectionState, IntroductionState, Pair,
};
use lodestar_store::bulk_network::BulkConnection;
use lodestar_store::introductions::Introduction;
use rand::RngExt;

use super::{DAY, Generator, HOUR, Person, key};

/// One introduction for this many people.
const PEOPLE_PER_INTRODUCTION: usize = 20;
/// Draws of a friend of a friend for a demo login before giving up.
const TRIES: usize = 20;

impl Generator<'_> {
    /// The introductions of the demo logins (`featured`), then about one for every
    /// [`PEOPLE_PER_INTRODUCTION`] people between friends of someone drawn by pull. Those
    /// both sides accepted join their pair as connections.
    pub(super) fn introductions(&mut self, featured: &[usize]) -> Vec<Introduction> {
        let mut made = Vec::new();
        let mut pairs = HashSet::new();
        for &person in featured {
            for outcome in [IntroductionState::Connected, IntroductionState::Open] {
                for _ in 0..TRIES {
                    if let Some(i) = self.featured_introduction(person, outcome, &mut pairs) {
                        made.push(i);
                        break;
                    }
                }
            }
        }

        let wanted = self.people.len() / PEOPLE_PER_INTRODUCTION;
        let (mut drawn, mut attempts) = (0, 0);
        while drawn < wanted && attempts < 20 * wanted {
            attempts += 1;
            let Some(introducer) = self.circles.everyone.draw(&mut self.rng) else {
                break;
            };
            let friends = &self.friends[introducer];
            if friends.len() < 2 {
                continue;
            }
            let a = friends[self.rng.random_range(0..friends.len())];
            let b = friends[self.rng.random_range(0..friends.len())];
            let outcome = match drawn % 10 {
                3 => IntroductionState::Open,
                7 => IntroductionState::NotNow,
                _ => IntroductionState::Connected,
            };
            if let Some(i) = self.introduce(introducer, a, b, outcome, None, &mut pairs) {
                made.push(i);
                drawn += 1;
            }
        }
        made
    }

    /// `person` introduced by one of their friends to one of that friend's friends; an open
    /// introduction waits for `person`'s answer.
    fn featured_introduction(
        &mut self,
        person: usize,
        outcome: IntroductionState,
        pairs: &mut HashSet<(usize, usize)>,
    ) -> Option<Introduction> {
        let mine = &self.friends[person];
        let (introducer, since) = *mine.get(self.rng.random_range(0..mine.len().max(1)))?;
        let theirs = &self.friends[introducer];
        let other = *theirs.get(self.rng.random_range(0..theirs.len().max(1)))?;
        self.introduce(
            introducer,
            (person, since),
            other,
            outcome,
            Some(person),
            pairs,
        )
    }

    /// `introducer` introduces `a` to `b` (each with when the introducer connected with
    /// them), with `outcome`; an open one waits for `waiting`'s answer, or either side's.
    /// None when they are one person, linked already, introduced already, or connected with
    /// the introducer too recently for a past introduction.
    fn introduce(
        &mut self,
        introducer: usize,
        (a, a_since): (usize, i64),
        (b, b_since): (usize, i64),
        outcome: IntroductionState,
        waiting: Option<usize>,
        pairs: &mut HashSet<(usize, usize)>,
    ) -> Option<Introduction> {
        if a == b || self.linked.contains(&key(a, b)) || pairs.contains(&key(a, b)) {
            return None;
        }
        let pair = Pair::of(self.people[a].id, self.people[b].id)?;
        let since = a_since.max(b_since) + HOUR;
        let (created_at, closed_at) = match outcome {
            IntroductionState::Open => {
                let earliest = since.max(self.now - 14 * DAY);
                if earliest >= self.now - HOUR {
                    return None;
                }
                (self.rng.random_range(earliest..self.now - HOUR), None)
            }
            _ => {
                if since >= self.now - 2 * DAY {
                    return None;
                }
                let made = self.rng.random_range(since..self.now - 2 * DAY);
                (made, Some(made + self.rng.random_range(HOUR..2 * DAY)))
            }
        };
        // One side's answer, then the other's, as the outcome needs them.
        let first = waiting.unwrap_or(if self.rng.random_range(0..2) == 0 {
            a
        } else {
            b
        });
        let (first_answer, second_answer) = match outcome {
            IntroductionState::Connected => (Answer::Accepted, Answer::Accepted),
            IntroductionState::Open => (Answer::Waiting, Answer::Accepted),
            IntroductionState::NotNow => (Answer::Declined, Answer::Accepted),
        };
        let first_is_low = self.people[first].id == pair.low;
        let (a_answer, b_answer) = if first_is_low {
            (first_answer, second_answer)
        } else {
            (second_answer, first_answer)
        };
        debug_assert_eq!(IntroductionState::of(a_answer, b_answer), outcome);
        pairs.insert(key(a, b));
        match outcome {
            IntroductionState::Connected => {
                let at = closed_at.unwrap_or(created_at);
                self.links.push(BulkConnection {
                    pair,
                    requested_by: None,
                    state: ConnectionState::Accepted,
                    source: ConnectionSource::Introduction,
                    created_at: at,
                    accepted_at: Some(at),
                });
                self.linked.insert(key(a, b));
                self.counts.introduced += 1;
                self.accepted(a, b);
                self.friends[a].push((b, at));
                self.friends[b].push((a, at));
            }
            IntroductionState::Open => self.counts.introductions_open += 1,
            IntroductionState::NotNow => self.counts.introductions_not_now += 1,
        }
        Some(Introduction {
            id: IntroductionId::new(),
            introducer: self.people[introducer].id,
            pair,
            note: note(&self.people[a], &self.people[b]),
            a_answer,
            b_answer,
            state: outcome,
            ask: None,
            created_at,
            closed_at,
        })
    }
}

/// Why `a` and `b` should meet, in the introducer's words.
fn note(a: &Person, b: &Person) -> String {
    if a.organisation == b.organisation && a.department != b.department {
        format!(
            "You are both at {}, in {} and in {}: I think each of you has solved a problem \
             the other has now.",
            a.organisation, a.department, b.department
        )
    } else if a.organisation == b.organisation {
        format!(
            "You are both in {} at {} and have never worked together. You should: an hour \
             over coffee to start.",
            a.department, a.organisation
        )
    } else if a.industry == b.industry {
        format!(
            "You both work in {}, one at {} and one at {}. Compare notes: I keep telling \
             each of you about the other.",
            a.industry, a.organisation, b.organisation
        )
    } else {
        format!(
            "One of you knows {} from the inside, the other {}, and you are working on the \
             same kind of problem. Time you met.",
            a.department, b.department
        )
    }
}
