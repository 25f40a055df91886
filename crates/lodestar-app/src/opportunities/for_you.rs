//! "For you": the open opportunities a person may see, ranked by how well they fit, with
//! reasons in words ([`lodestar_domain::opportunity::fit`]).
//!
//! What fits comes from the person: the gaps to their target roles (the largest counts
//! most), the skills of their active goals, the skills they want to grow, their industry
//! and location, and what people shared with them (a mentor's share counts most). Every
//! open opportunity is held in memory per opportunities generation (see
//! [`crate::snapshot`]), indexed by skill, industry and location, so a ranking looks only at
//! the posts that share something with the person, never at all of them. Closed, removed
//! and expired posts, their own, those marked "not for me", those by someone blocked either
//! way, and those they may not see are left out.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::Datelike;

use lodestar_domain::opportunity::{OpportunityKind, Reason, Status, Visibility, fit, weight};
use lodestar_domain::{OpportunityId, PersonId, SkillId};
use lodestar_store::opportunities::{self as store, Opportunity};
use lodestar_store::{blocks, connections, generations, goals, mentorships, profiles};
use serde::Serialize;
use utoipa::ToSchema;

use crate::snapshot::Held;
use crate::{App, AppError, Viewer};

/// How many opportunities "For you" lists.
pub const LIMIT: usize = 50;

/// One opportunity for the viewer, with why it fits.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct ForYouItem {
    #[schema(value_type = String, format = Uuid)]
    pub id: OpportunityId,
    pub title: String,
    #[schema(value_type = String, example = "job")]
    pub kind: OpportunityKind,
    /// Why it fits, strongest first: "grows Negotiation, the largest gap for your target
    /// role Engineering Manager", "shared by your mentor Ana".
    pub reasons: Vec<String>,
    /// The sum of the reasons' weights.
    pub score: u32,
    pub author_name: String,
    pub industry: String,
    pub location: String,
    pub remote: bool,
    pub closes_on: Option<String>,
    pub pinned: bool,
    /// Your mark, if any (`saved`, `interested` or `applied`).
    #[schema(value_type = Option<String>)]
    pub your_status: Option<Status>,
    /// When it was posted, epoch milliseconds.
    pub created_at: i64,
}

/// `GET /api/v1/me/opportunities`.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct ForYouView {
    /// Best fit first.
    pub opportunities: Vec<ForYouItem>,
}

/// Every open opportunity of one generation, indexed for ranking. Skills, industries and
/// locations are numbered densely, so scoring a post is array reads, not hashing.
pub(crate) struct Board {
    items: Vec<Opportunity>,
    /// Per post, what deciding whether the person may see it and scoring it reads, close
    /// together.
    posts: Vec<Post>,
    index: HashMap<OpportunityId, u32>,
    /// Authors by dense number.
    author_numbers: HashMap<PersonId, u32>,
    /// Every post's skills by dense number, one after another: post `i`'s are
    /// `skill_list[skill_starts[i]..skill_starts[i + 1]]` (see [`Board::skills`]).
    skill_list: Vec<u32>,
    skill_starts: Vec<u32>,
    /// Posts by dense skill number.
    by_skill: Vec<Vec<u32>>,
    industries: Facet,
    locations: Facet,
    pinned: Vec<u32>,
    /// The catalogue: dense numbers by id, names by number.
    skill_numbers: HashMap<SkillId, u32>,
    skill_names: Vec<String>,
}

/// What ranking reads of a post.
struct Post {
    author: u32,
    /// The last day it is open, in days from the common era ([`i32::MAX`] for none).
    closes: i32,
    visibility: Visibility,
    pinned: bool,
    remote: bool,
}

/// One of a post's places (its industry or location), compared without case.
#[derive(Default)]
struct Facet {
    keys: HashMap<String, u32>,
    /// Posts by key.
    postings: Vec<Vec<u32>>,
    /// Per post, its key (`None` when blank).
    of: Vec<Option<u32>>,
}

impl Facet {
    fn add(&mut self, post: u32, value: &str) {
        let key = (!value.is_empty()).then(|| {
            let next = self.keys.len() as u32;
            let key = *self.keys.entry(value.to_lowercase()).or_insert(next);
            if key == next {
                self.postings.push(Vec::new());
            }
            self.postings[key as usize].push(post);
            key
        });
        self.of.push(key);
    }

    /// The key of a person's value, if any post has it.
    fn key(&self, value: &str) -> Option<u32> {
        self.keys.get(&value.to_lowercase()).copied()
    }

    fn postings(&self, key: Option<u32>) -> &[u32] {
        key.map_or(&[], |k| &self.postings[k as usize])
    }

    /// Whether post `i` has the key (never when the key is `None`).
    fn has(&self, i: u32, key: Option<u32>) -> bool {
        key.is_some() && self.of[i as usize] == key
    }
}

/// The board's snapshot.
pub(crate) type BoardCache = Held<Board>;

impl Board {
    async fn read(db: lodestar_store::Db) -> Result<Self, AppError> {
        // Expired ones are dropped per query, by the day of the person asking; the board
        // holds everything open that closes today or later anywhere.
        let earliest = (chrono::Utc::now().date_naive() - chrono::Days::new(1))
            .format("%Y-%m-%d")
            .to_string();
        let (items, catalogue) = tokio::try_join!(
            async { Ok::<_, AppError>(store::all_open(&db, &earliest).await?) },
            async { Ok::<_, AppError>(lodestar_store::skills::list(&db, true).await?) },
        )?;
        let mut board = Board {
            posts: Vec::with_capacity(items.len()),
            index: HashMap::with_capacity(items.len()),
            author_numbers: HashMap::new(),
            skill_list: Vec::new(),
            skill_starts: vec![0],
            by_skill: vec![Vec::new(); catalogue.len()],
            industries: Facet::default(),
            locations: Facet::default(),
            pinned: Vec::new(),
            skill_numbers: (0..).zip(&catalogue).map(|(n, s)| (s.id, n)).collect(),
            skill_names: catalogue.into_iter().map(|s| s.name).collect(),
            items: Vec::new(),
        };
        for (i, o) in (0..).zip(&items) {
            board.index.insert(o.id, i);
            let next = board.author_numbers.len() as u32;
            let author = *board.author_numbers.entry(o.author).or_insert(next);
            board.posts.push(Post {
                author,
                closes: o
                    .closes_on
                    .as_deref()
                    .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .map_or(i32::MAX, |d| d.num_days_from_ce()),
                visibility: o.visibility,
                pinned: o.pinned,
                remote: o.remote,
            });
            for (skill, _) in &o.skills {
                if let Some(&n) = board.skill_numbers.get(skill) {
                    board.by_skill[n as usize].push(i);
                    board.skill_list.push(n);
                }
            }
            board.skill_starts.push(board.skill_list.len() as u32);
            board.industries.add(i, &o.industry);
            board.locations.add(i, &o.location);
            if o.pinned {
                board.pinned.push(i);
            }
        }
        board.items = items;
        Ok(board)
    }

    /// Post `i`'s skills by dense number.
    fn skills(&self, i: u32) -> &[u32] {
        let (from, to) = (
            self.skill_starts[i as usize],
            self.skill_starts[i as usize + 1],
        );
        &self.skill_list[from as usize..to as usize]
    }
}

/// What a person's ranking is made from, in the board's numbering.
struct Signals {
    /// Per dense skill number, the weight of the strongest reason the skill gives (0 for
    /// none): a gap to a target role, an active goal, or a skill they want to grow.
    skill_weight: Vec<u32>,
    /// Skill number → (target role, whether it is the largest gap).
    gaps: HashMap<u32, (String, bool)>,
    /// Skill number → the title of an active goal on it.
    goals: HashMap<u32, String>,
    wanted: HashSet<u32>,
    industry: Option<u32>,
    location: Option<u32>,
    /// Post → (who shared it, whether they mentor the person).
    shared: HashMap<u32, (String, bool)>,
    /// The person, and the authors they are connected with, who mentor them, and who are
    /// blocked either way, by the board's author numbers (sorted).
    me: Option<u32>,
    connections: Vec<u32>,
    mentors: Vec<u32>,
    blocked: Vec<u32>,
    /// The posts they marked "not for me" (sorted), and every mark.
    not_for_me: Vec<u32>,
    marks: HashMap<OpportunityId, Status>,
    /// Today where they are, in days from the common era.
    today: i32,
}

impl App {
    /// The viewer's "For you" list.
    pub async fn for_you(&self, viewer: &Viewer) -> Result<ForYouView, AppError> {
        let board = self.board().await?;
        let signals = self.signals(viewer, &board).await?;
        Ok(ForYouView {
            opportunities: rank(&board, &signals, LIMIT),
        })
    }

    pub(crate) async fn board(&self) -> Result<Arc<Board>, AppError> {
        let generation = generations::opportunities(&self.db).await?;
        let db = self.db.clone();
        self.opportunity_board
            .get(generation, move || Board::read(db))
            .await
    }

    async fn signals(&self, viewer: &Viewer, board: &Board) -> Result<Signals, AppError> {
        let db = &self.db;
        let (person, goal_skills, have, targets, shares, mentors, connected, blocked, marks, today) =
            tokio::try_join!(
                async { Ok::<_, AppError>(profiles::load(db, viewer.id).await?) },
                async { Ok::<_, AppError>(goals::active_skills(db, viewer.id).await?) },
                self.current_levels(viewer.id),
                self.target_roles(viewer.id),
                async { Ok::<_, AppError>(store::shares_to(db, viewer.id).await?) },
                async {
                    Ok::<_, AppError>(mentorships::mentors_of(db, viewer.id, i64::MAX).await?)
                },
                async { Ok::<_, AppError>(connections::connected_with(db, viewer.id).await?) },
                async { Ok::<_, AppError>(blocks::involving(db, viewer.id).await?) },
                async { Ok::<_, AppError>(store::marks_of(db, viewer.id).await?) },
                self.today_of(viewer.id),
            )?;
        let number = |skill: &SkillId| board.skill_numbers.get(skill).copied();
        let mentors: HashSet<PersonId> = mentors.into_iter().map(|(id, _)| id).collect();
        let authors = |people: &mut dyn Iterator<Item = &PersonId>| -> Vec<u32> {
            let mut found: Vec<u32> = people
                .filter_map(|p| board.author_numbers.get(p).copied())
                .collect();
            found.sort_unstable();
            found
        };
        let mut not_for_me: Vec<u32> = marks
            .iter()
            .filter(|(_, m)| m.status == Status::NotForMe)
            .filter_map(|(id, _)| board.index.get(id).copied())
            .collect();
        not_for_me.sort_unstable();
        let gap_list = crate::career::gaps_to(&targets, &have);
        let largest = gap_list.iter().map(|g| g.size()).max().unwrap_or(0);
        let mut gaps = HashMap::new();
        for g in gap_list.iter().filter(|g| g.size() > 0) {
            if let Some(n) = number(&g.skill) {
                gaps.entry(n)
                    .or_insert((targets[g.role].title.clone(), g.size() == largest));
            }
        }
        let mut goals = HashMap::new();
        for (skill, title) in goal_skills {
            if let Some(n) = number(&skill) {
                goals.entry(n).or_insert(title);
            }
        }
        let wanted: HashSet<u32> = person
            .profile
            .growth_skills
            .iter()
            .filter_map(|c| number(&c.skill))
            .collect();
        let mut skill_weight = vec![0; board.skill_names.len()];
        for (&n, (_, largest)) in &gaps {
            let w = if *largest {
                weight::LARGEST_GAP
            } else {
                weight::GAP
            };
            skill_weight[n as usize] = w;
        }
        for &n in goals.keys() {
            skill_weight[n as usize] = skill_weight[n as usize].max(weight::GOAL);
        }
        for &n in &wanted {
            skill_weight[n as usize] = skill_weight[n as usize].max(weight::WANTED);
        }
        let mut shared = HashMap::new();
        for s in shares {
            let Some(&i) = board.index.get(&s.opportunity) else {
                continue;
            };
            let by_mentor = mentors.contains(&s.from);
            let held = shared.entry(i).or_insert((s.from_name.clone(), by_mentor));
            if by_mentor && !held.1 {
                *held = (s.from_name, true);
            }
        }
        Ok(Signals {
            skill_weight,
            gaps,
            goals,
            wanted,
            industry: board.industries.key(&person.profile.industry),
            location: board.locations.key(&person.profile.location),
            shared,
            me: board.author_numbers.get(&viewer.id).copied(),
            connections: authors(&mut connected.iter()),
            mentors: authors(&mut mentors.iter()),
            blocked: authors(&mut blocked.iter()),
            not_for_me,
            marks: marks.into_iter().map(|(id, m)| (id, m.status)).collect(),
            today: today.num_days_from_ce(),
        })
    }
}

/// The board's posts that share something with the person, ranked. Every candidate is
/// scored by weights alone ([`score`]); only the kept ones have their reasons put in words,
/// and those add up to the same score ([`fit`]).
fn rank(board: &Board, s: &Signals, limit: usize) -> Vec<ForYouItem> {
    // A bit per post: each candidate once, whatever it shares with the person.
    let mut seen = vec![0u64; board.items.len().div_ceil(64)];
    let mut candidates: Vec<u32> = Vec::new();
    let mut add = |posts: &[u32]| {
        for &i in posts {
            let (word, bit) = (i as usize / 64, 1u64 << (i % 64));
            if seen[word] & bit == 0 {
                seen[word] |= bit;
                candidates.push(i);
            }
        }
    };
    for (n, w) in (0..).zip(&s.skill_weight) {
        if *w > 0 {
            add(&board.by_skill[n]);
        }
    }
    add(board.industries.postings(s.industry));
    add(board.locations.postings(s.location));
    add(&board.pinned);
    add(&s.shared.keys().copied().collect::<Vec<_>>());

    let mut ranked: Vec<(u32, u32)> = candidates
        .into_iter()
        .filter(|&i| may_see(board, s, i))
        .map(|i| (score(board, s, i), i))
        .filter(|&(score, _)| score > 0)
        .collect();
    let order = |&(sa, a): &(u32, u32), &(sb, b): &(u32, u32)| {
        let (a, b) = (&board.items[a as usize], &board.items[b as usize]);
        sb.cmp(&sa)
            .then_with(|| b.created_at.cmp(&a.created_at))
            .then_with(|| a.id.cmp(&b.id))
    };
    if ranked.len() > limit {
        ranked.select_nth_unstable_by(limit, order);
        ranked.truncate(limit);
    }
    ranked.sort_unstable_by(order);
    ranked
        .into_iter()
        .map(|(score, i)| {
            let o = &board.items[i as usize];
            let (fitted, reasons) = fit(reasons(board, s, i));
            debug_assert_eq!(
                fitted, score,
                "the score of {} and its reasons differ",
                o.id
            );
            ForYouItem {
                id: o.id,
                title: o.title.clone(),
                kind: o.kind,
                reasons: reasons.iter().map(ToString::to_string).collect(),
                score,
                author_name: o.author_name.clone(),
                industry: o.industry.clone(),
                location: o.location.clone(),
                remote: o.remote,
                closes_on: o.closes_on.clone(),
                pinned: o.pinned,
                your_status: s.marks.get(&o.id).copied(),
                created_at: o.created_at,
            }
        })
        .collect()
}

/// Whether the person may see post `i` in "For you": open and not expired (the board holds
/// only open ones), not their own, not by someone blocked either way, not marked "not for
/// me", and visible to them.
fn may_see(board: &Board, s: &Signals, i: u32) -> bool {
    let post = &board.posts[i as usize];
    let among = |people: &[u32]| people.binary_search(&post.author).is_ok();
    Some(post.author) != s.me
        && post.closes >= s.today
        && !among(&s.blocked)
        && s.not_for_me.binary_search(&i).is_err()
        && match post.visibility {
            Visibility::Everyone => true,
            Visibility::Connections => among(&s.connections),
            Visibility::Mentees => among(&s.mentors),
        }
}

/// How well post `i` fits, by the weights of the reasons [`reasons`] would give: a share,
/// the strongest reason of each skill, the industry, the location, a pin, and remote when
/// anything else fits.
fn score(board: &Board, s: &Signals, i: u32) -> u32 {
    let post = &board.posts[i as usize];
    let shared = if s.shared.is_empty() {
        None
    } else {
        s.shared.get(&i)
    };
    let mut score = match shared {
        Some((_, true)) => weight::SHARED_BY_MENTOR,
        Some((_, false)) => weight::SHARED,
        None => 0,
    };
    for &n in board.skills(i) {
        score += s.skill_weight[n as usize];
    }
    if board.industries.has(i, s.industry) {
        score += weight::INDUSTRY;
    }
    if board.locations.has(i, s.location) {
        score += weight::LOCATION;
    }
    if post.pinned {
        score += weight::PINNED;
    }
    if post.remote && score > 0 {
        score += weight::REMOTE;
    }
    score
}

/// Every reason post `i` fits the person, in words (several per skill; [`fit`] keeps the
/// strongest).
fn reasons(board: &Board, s: &Signals, i: u32) -> Vec<Reason> {
    let o = &board.items[i as usize];
    let mut found = Vec::new();
    if let Some((name, by_mentor)) = s.shared.get(&i) {
        found.push(if *by_mentor {
            Reason::SharedByMentor { name: name.clone() }
        } else {
            Reason::SharedBy { name: name.clone() }
        });
    }
    for &n in board.skills(i) {
        let name = || board.skill_names[n as usize].clone();
        if let Some((role, largest)) = s.gaps.get(&n) {
            found.push(Reason::Gap {
                skill: name(),
                role: role.clone(),
                largest: *largest,
            });
        }
        if let Some(goal) = s.goals.get(&n) {
            found.push(Reason::Goal {
                skill: name(),
                goal: goal.clone(),
            });
        }
        if s.wanted.contains(&n) {
            found.push(Reason::Wanted { skill: name() });
        }
    }
    if board.industries.has(i, s.industry) {
        found.push(Reason::Industry {
            industry: o.industry.clone(),
        });
    }
    if board.locations.has(i, s.location) {
        found.push(Reason::Location {
            location: o.location.clone(),
        });
    }
    if o.pinned {
        found.push(Reason::Pinned);
    }
    // Remote adds to a post that fits otherwise; on its own it is no reason.
    if o.remote && !found.is_empty() {
        found.push(Reason::Remote);
    }
    found
}
