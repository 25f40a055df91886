//! The demo organisation's network, shaped like a real one. Most connections are between
//! colleagues of one organisation, and of those more between people of one department; a
//! good share reach other organisations of the same industry (or, where an organisation is
//! alone in its industry, people of the same profession — department — elsewhere); a few
//! join anyone with anyone.
//!
//! Degrees are heavy-tailed: everyone has a pull, drawn from a Pareto tail in powers of two
//! and raised by seniority and by mentoring, and about one person in a hundred, senior
//! mentors most often, is a connector with six times that pull. Both ends of a link are
//! drawn by pull, so a person's degree follows theirs: connectors have many times the
//! median.
//!
//! One link in ten is a request still waiting for its answer; the rest were asked and
//! accepted over the past two years. A mentoring pair is connected by its mentorship
//! already (the history writes it), so the network leaves such pairs out. The demo's
//! logins each get a handful of connections and a request each way, so their network page
//! is alive. Past introductions (in `introductions`) join friends of friends. The same seed
//! gives the same pairs and states; the times are relative to `now`.

use std::collections::{HashMap, HashSet};

use lodestar_domain::PersonId;
use lodestar_domain::network::{ConnectionSource, ConnectionState, Pair};
use lodestar_store::bulk_mentoring::BulkMentoring;
use lodestar_store::bulk_network::BulkConnection;
use lodestar_store::introductions::Introduction;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

mod introductions;

const DAY: i64 = 24 * 60 * 60 * 1000;
const HOUR: i64 = 60 * 60 * 1000;
/// Accepted connections per person, the mentorships' included: the demo holds this many
/// times as many connections as people (a million for 100,000 people). Each connection has
/// two ends, so a person has twice this many on average.
pub const CONNECTIONS_PER_PERSON: usize = 10;
/// One link in this many is a request still waiting for its answer.
const PENDING_ONE_IN: u32 = 10;
/// Connections each demo login is given, besides one request to them and one from them.
const FEATURED_CONNECTIONS: usize = 8;

/// What the network needs to know of a generated person.
#[derive(Clone, Debug)]
pub(crate) struct Person {
    pub id: PersonId,
    pub organisation: String,
    pub department: String,
    pub industry: String,
    pub years: i64,
    pub is_mentor: bool,
}

/// How connected the demo organisation is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkCounts {
    /// Connections the mentorships made.
    pub mentorships: usize,
    /// Connections made by a request and its acceptance.
    pub accepted: usize,
    /// Connections made by an introduction both sides accepted: past introductions.
    pub introduced: usize,
    /// Introductions still waiting for an answer.
    pub introductions_open: usize,
    /// Introductions one side declined, closed as "not now".
    pub introductions_not_now: usize,
    /// Requests still waiting for their answer.
    pub pending: usize,
    /// Connections, of either kind, between two people of one organisation.
    pub within_organisation: usize,
    /// Connections of the median person.
    pub median_degree: usize,
    /// Connections of the best connected person.
    pub highest_degree: usize,
}

impl NetworkCounts {
    /// Every accepted connection: the mentorships', the requested and the introduced ones.
    pub fn connections(&self) -> usize {
        self.mentorships + self.accepted + self.introduced
    }

    /// Every introduction, whatever became of it.
    pub fn introductions(&self) -> usize {
        self.introduced + self.introductions_open + self.introductions_not_now
    }
}

/// Whom a link reaches for first. When that circle has no one left to link with, the next
/// wider one is tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Circle {
    /// The same department of the same organisation.
    Team,
    Organisation,
    /// The same industry in another organisation, or the same profession where the
    /// organisation is alone in its industry.
    Elsewhere,
    Anyone,
}

impl Circle {
    const ALL: [Self; 4] = [
        Self::Team,
        Self::Organisation,
        Self::Elsewhere,
        Self::Anyone,
    ];

    fn draw(rng: &mut StdRng) -> Self {
        match rng.random_range(0..100) {
            0..40 => Self::Team,
            40..68 => Self::Organisation,
            68..92 => Self::Elsewhere,
            _ => Self::Anyone,
        }
    }

    /// Draws before widening. A few hundred people fill a team fast; an organisation gets
    /// more chances, so that colleagues stay the most of everyone's links.
    fn tries(self) -> usize {
        match self {
            Self::Organisation => 10,
            _ => 3,
        }
    }
}

/// People to draw from, each as likely as their pull.
#[derive(Default)]
struct Pool {
    members: Vec<usize>,
    /// Running totals of the members' pulls.
    totals: Vec<u64>,
}

impl Pool {
    fn add(&mut self, person: usize, pull: u64) {
        let total = self.totals.last().copied().unwrap_or(0) + pull;
        self.members.push(person);
        self.totals.push(total);
    }

    fn draw(&self, rng: &mut StdRng) -> Option<usize> {
        let total = *self.totals.last()?;
        let at = rng.random_range(0..total);
        self.members
            .get(self.totals.partition_point(|&t| t <= at))
            .copied()
    }
}

/// Where a person stands: indices into [`Circles`]' pools.
struct Place {
    team: usize,
    organisation: usize,
    industry: usize,
    profession: usize,
}

/// Everyone's circles as pools to draw from.
#[derive(Default)]
struct Circles {
    places: Vec<Place>,
    teams: Vec<Pool>,
    organisations: Vec<Pool>,
    industries: Vec<Pool>,
    professions: Vec<Pool>,
    everyone: Pool,
    /// Per industry: whether more than one organisation is in it.
    shared_industry: Vec<bool>,
}

impl Circles {
    fn of(people: &[Person], pulls: &[u64]) -> Self {
        fn intern<'a>(names: &mut HashMap<&'a str, usize>, name: &'a str) -> usize {
            let next = names.len();
            *names.entry(name).or_insert(next)
        }
        let (mut organisations, mut industries, mut professions) =
            (HashMap::new(), HashMap::new(), HashMap::new());
        let mut teams: HashMap<(usize, usize), usize> = HashMap::new();
        let mut c = Circles::default();
        let mut industry_of_organisation: Vec<usize> = Vec::new();
        for (i, p) in people.iter().enumerate() {
            let organisation = intern(&mut organisations, &p.organisation);
            let profession = intern(&mut professions, &p.department);
            let industry = intern(&mut industries, &p.industry);
            let next = teams.len();
            let team = *teams.entry((organisation, profession)).or_insert(next);
            for (pools, at) in [
                (&mut c.teams, team),
                (&mut c.organisations, organisation),
                (&mut c.industries, industry),
                (&mut c.professions, profession),
            ] {
                if pools.len() <= at {
                    pools.resize_with(at + 1, Pool::default);
                }
                pools[at].add(i, pulls[i]);
            }
            c.everyone.add(i, pulls[i]);
            if industry_of_organisation.len() <= organisation {
                industry_of_organisation.push(industry);
            }
            c.places.push(Place {
                team,
                organisation,
                industry,
                profession,
            });
        }
        c.shared_industry = (0..industries.len())
            .map(|industry| {
                industry_of_organisation
                    .iter()
                    .filter(|&&i| i == industry)
                    .count()
                    > 1
            })
            .collect();
        c
    }

    fn pool(&self, person: usize, circle: Circle) -> &Pool {
        let place = &self.places[person];
        match circle {
            Circle::Team => &self.teams[place.team],
            Circle::Organisation => &self.organisations[place.organisation],
            Circle::Elsewhere if self.shared_industry[place.industry] => {
                &self.industries[place.industry]
            }
            Circle::Elsewhere => &self.professions[place.profession],
            Circle::Anyone => &self.everyone,
        }
    }

    fn colleagues(&self, a: usize, b: usize) -> bool {
        self.places[a].organisation == self.places[b].organisation
    }
}

/// A person's pull: 1–2, doubled for each roll under 17.7 % in a row, up to four times (a
/// Pareto tail of index 2.5); half as much again for a mentor, a quarter for twelve years'
/// experience, and six times for a connector (about one in a hundred). Integers
/// throughout, so the same seed gives the same pulls on every machine.
fn pull(rng: &mut StdRng, p: &Person) -> u64 {
    let mut doublings = 0;
    while doublings < 4 && rng.random_range(0..1000) < 177 {
        doublings += 1;
    }
    let mut pull: u64 = (1000 + rng.random_range(0..1000)) << doublings;
    if p.is_mentor {
        pull = pull * 3 / 2;
    }
    if p.years >= 12 {
        pull = pull * 5 / 4;
    }
    let connector_per_mille = match (p.is_mentor, p.years >= 12) {
        (true, true) => 20,
        (true, false) => 10,
        _ => 3,
    };
    if rng.random_range(0..1000) < connector_per_mille {
        pull *= 6;
    }
    pull
}

/// The pairs the history's mentorships connected: each mentor with each mentee of a
/// mentorship that was not cancelled, as `bulk_mentoring` writes them.
fn mentoring_pairs(
    batches: &[BulkMentoring],
    index: &HashMap<String, usize>,
) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for batch in batches {
        let live: HashSet<&str> = batch
            .mentorships
            .iter()
            .filter(|m| m.state != "cancelled")
            .map(|m| m.id.as_str())
            .collect();
        let mut mentors: HashMap<&str, Vec<usize>> = HashMap::new();
        let members = batch
            .members
            .iter()
            .filter(|m| live.contains(m.mentorship_id.as_str()))
            .filter_map(|m| Some((m, *index.get(&m.person_id)?)));
        for (member, person) in members.clone().filter(|(m, _)| m.role == "mentor") {
            mentors
                .entry(member.mentorship_id.as_str())
                .or_default()
                .push(person);
        }
        for (member, mentee) in members.filter(|(m, _)| m.role == "mentee") {
            for &mentor in mentors
                .get(member.mentorship_id.as_str())
                .into_iter()
                .flatten()
            {
                pairs.push((mentor, mentee));
            }
        }
    }
    pairs
}

fn key(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

struct Generator<'a> {
    rng: StdRng,
    people: &'a [Person],
    now: i64,
    circles: Circles,
    /// Pairs with a connection or a request, mentoring pairs included.
    linked: HashSet<(usize, usize)>,
    /// Accepted connections per person.
    degree: Vec<usize>,
    /// Per person: whom they are connected with (by request or introduction) and since when,
    /// for introductions between friends of one person.
    friends: Vec<Vec<(usize, i64)>>,
    links: Vec<BulkConnection>,
    counts: NetworkCounts,
}

/// Generates the network of `people`, around the connections the history's mentorships
/// made (`history`) and the programme match's (`programme_pairs`, mentor first), with
/// `featured` (the demo's logins) given a handful each: the connections and requests to
/// write, in the order of their pairs, and the introductions.
pub(crate) fn generate(
    people: &[Person],
    featured: &[PersonId],
    history: &[BulkMentoring],
    programme_pairs: &[(PersonId, PersonId)],
    seed: u64,
    now: i64,
) -> (Vec<BulkConnection>, Vec<Introduction>, NetworkCounts) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x006e_6574_776f_726b);
    let pulls: Vec<u64> = people.iter().map(|p| pull(&mut rng, p)).collect();
    let mut g = Generator {
        rng,
        people,
        now,
        circles: Circles::of(people, &pulls),
        linked: HashSet::new(),
        degree: vec![0; people.len()],
        friends: vec![Vec::new(); people.len()],
        links: Vec::new(),
        counts: NetworkCounts::default(),
    };
    let index: HashMap<String, usize> = people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.to_string(), i))
        .collect();
    let programme_pairs = programme_pairs.iter().filter_map(|(mentor, mentee)| {
        Some((
            *index.get(&mentor.to_string())?,
            *index.get(&mentee.to_string())?,
        ))
    });
    for (mentor, mentee) in mentoring_pairs(history, &index)
        .into_iter()
        .chain(programme_pairs)
    {
        if mentor != mentee && g.linked.insert(key(mentor, mentee)) {
            g.counts.mentorships += 1;
            g.accepted(mentor, mentee);
        }
    }

    // The featured people first, so that their share does not depend on the draw.
    let featured: Vec<usize> = featured
        .iter()
        .filter_map(|id| index.get(&id.to_string()).copied())
        .collect();
    for &person in &featured {
        for n in 0..FEATURED_CONNECTIONS + 2 {
            let circle = Circle::draw(&mut g.rng);
            let Some(other) = g.find(person, circle) else {
                continue;
            };
            match n {
                // A request waiting for their answer, and one of theirs waiting.
                0 => g.connect(person, other, other, ConnectionState::Pending),
                1 => g.connect(person, other, person, ConnectionState::Pending),
                _ => g.connect(person, other, other, ConnectionState::Accepted),
            }
        }
    }

    // Then links drawn by pull until everyone has their share on average. A small
    // organisation runs out of pairs before the target: the attempts are bounded.
    let wanted = CONNECTIONS_PER_PERSON * people.len();
    let mut attempts = 0;
    while g.counts.connections() < wanted && attempts < 4 * wanted {
        attempts += 1;
        let Some(person) = g.circles.everyone.draw(&mut g.rng) else {
            break;
        };
        let circle = Circle::draw(&mut g.rng);
        let Some(other) = g.find(person, circle) else {
            continue;
        };
        let asker = if g.rng.random_range(0..2) == 0 {
            person
        } else {
            other
        };
        let state = if g.rng.random_range(0..PENDING_ONE_IN) == 0 {
            ConnectionState::Pending
        } else {
            ConnectionState::Accepted
        };
        g.connect(person, other, asker, state);
    }
    let introductions = g.introductions(&featured);
    // In the order of the pairs' unique index (a `PersonId` sorts as its text does), so
    // that the index is appended to rather than split at random pages: that halves the
    // time SQLite takes to write a million.
    g.links.sort_unstable_by_key(|c| (c.pair.low, c.pair.high));

    let mut degrees = std::mem::take(&mut g.degree);
    degrees.sort_unstable();
    g.counts.median_degree = degrees.get(degrees.len() / 2).copied().unwrap_or(0);
    g.counts.highest_degree = degrees.last().copied().unwrap_or(0);
    (g.links, introductions, g.counts)
}

impl Generator<'_> {
    /// Someone `person` is not linked with yet, from `circle` or, failing that, a wider one.
    fn find(&mut self, person: usize, circle: Circle) -> Option<usize> {
        for circle in Circle::ALL.into_iter().filter(|c| *c >= circle) {
            let pool = self.circles.pool(person, circle);
            for _ in 0..circle.tries() {
                let other = pool.draw(&mut self.rng)?;
                let elsewhere =
                    circle != Circle::Elsewhere || !self.circles.colleagues(person, other);
                if other != person && elsewhere && !self.linked.contains(&key(person, other)) {
                    return Some(other);
                }
            }
        }
        None
    }

    /// Links `a` and `b`, asked by `asker` (one of them): accepted some time in the past
    /// two years, or a request of the past month.
    fn connect(&mut self, a: usize, b: usize, asker: usize, state: ConnectionState) {
        let Some(pair) = Pair::of(self.people[a].id, self.people[b].id) else {
            return;
        };
        if !self.linked.insert(key(a, b)) {
            return;
        }
        let (created_at, accepted_at) = match state {
            ConnectionState::Pending => (self.now - self.rng.random_range(HOUR..30 * DAY), None),
            ConnectionState::Accepted => {
                let asked = self.now - self.rng.random_range(2 * DAY..730 * DAY);
                let answered = (asked + self.rng.random_range(HOUR..7 * DAY)).min(self.now - HOUR);
                (asked, Some(answered))
            }
        };
        self.links.push(BulkConnection {
            pair,
            requested_by: Some(self.people[asker].id),
            state,
            source: ConnectionSource::Request,
            created_at,
            accepted_at,
        });
        match state {
            ConnectionState::Pending => self.counts.pending += 1,
            ConnectionState::Accepted => {
                self.counts.accepted += 1;
                self.accepted(a, b);
                let since = accepted_at.unwrap_or(created_at);
                self.friends[a].push((b, since));
                self.friends[b].push((a, since));
            }
        }
    }

    /// Counts an accepted connection between `a` and `b`.
    fn accepted(&mut self, a: usize, b: usize) {
        self.degree[a] += 1;
        self.degree[b] += 1;
        if self.circles.colleagues(a, b) {
            self.counts.within_organisation += 1;
        }
    }
}
