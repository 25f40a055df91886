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

use lodestar_domain::opportunity::{OpportunityKind, Reason, Status, Visibility, fit};
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

/// Every open opportunity of one generation, indexed for ranking.
pub(crate) struct Board {
    items: Vec<Opportunity>,
    index: HashMap<OpportunityId, u32>,
    by_skill: HashMap<SkillId, Vec<u32>>,
    by_industry: HashMap<String, Vec<u32>>,
    by_location: HashMap<String, Vec<u32>>,
    pinned: Vec<u32>,
    /// Skill names by id, and ids by slug.
    skill_names: HashMap<SkillId, String>,
    skill_ids: HashMap<String, SkillId>,
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
            index: HashMap::with_capacity(items.len()),
            by_skill: HashMap::new(),
            by_industry: HashMap::new(),
            by_location: HashMap::new(),
            pinned: Vec::new(),
            skill_names: catalogue.iter().map(|s| (s.id, s.name.clone())).collect(),
            skill_ids: catalogue.iter().map(|s| (s.slug.clone(), s.id)).collect(),
            items: Vec::new(),
        };
        for (i, o) in items.iter().enumerate() {
            let i = i as u32;
            board.index.insert(o.id, i);
            for (skill, _) in &o.skills {
                board.by_skill.entry(*skill).or_default().push(i);
            }
            if !o.industry.is_empty() {
                board
                    .by_industry
                    .entry(o.industry.to_lowercase())
                    .or_default()
                    .push(i);
            }
            if !o.location.is_empty() {
                board
                    .by_location
                    .entry(o.location.to_lowercase())
                    .or_default()
                    .push(i);
            }
            if o.pinned {
                board.pinned.push(i);
            }
        }
        board.items = items;
        Ok(board)
    }
}

/// What a person's ranking is made from.
#[derive(Default)]
struct Signals {
    /// Skill → (gap, target role, whether it is the largest gap).
    gaps: HashMap<SkillId, (String, bool)>,
    /// Skill → the title of an active goal on it.
    goals: HashMap<SkillId, String>,
    wanted: HashSet<SkillId>,
    industry: String,
    location: String,
    /// Opportunity → (who shared it, whether they mentor the person).
    shared: HashMap<OpportunityId, (String, bool)>,
    connections: HashSet<PersonId>,
    mentors: HashSet<PersonId>,
    blocked: HashSet<PersonId>,
    marks: HashMap<OpportunityId, Status>,
    /// `YYYY-MM-DD`.
    today: String,
}

impl App {
    /// The viewer's "For you" list.
    pub async fn for_you(&self, viewer: &Viewer) -> Result<ForYouView, AppError> {
        let (board, signals) = tokio::try_join!(self.board(), self.signals(viewer))?;
        Ok(ForYouView {
            opportunities: rank(&board, &signals, viewer.id, LIMIT),
        })
    }

    pub(crate) async fn board(&self) -> Result<Arc<Board>, AppError> {
        let generation = generations::opportunities(&self.db).await?;
        let db = self.db.clone();
        self.opportunity_board
            .get(generation, move || Board::read(db))
            .await
    }

    async fn signals(&self, viewer: &Viewer) -> Result<Signals, AppError> {
        let db = &self.db;
        let (person, goal_skills, gap, shares, mentors, connected, blocked, marks, today, board) =
            tokio::try_join!(
                async { Ok::<_, AppError>(profiles::load(db, viewer.id).await?) },
                async { Ok::<_, AppError>(goals::active_skills(db, viewer.id).await?) },
                self.career_gap(viewer),
                async { Ok::<_, AppError>(store::shares_to(db, viewer.id).await?) },
                async {
                    Ok::<_, AppError>(mentorships::mentors_of(db, viewer.id, i64::MAX).await?)
                },
                async { Ok::<_, AppError>(connections::connected_with(db, viewer.id).await?) },
                async { Ok::<_, AppError>(blocks::involving(db, viewer.id).await?) },
                async { Ok::<_, AppError>(store::marks_of(db, viewer.id).await?) },
                self.today_of(viewer.id),
                self.board(),
            )?;
        let mentors: HashSet<PersonId> = mentors.into_iter().map(|(id, _)| id).collect();
        let largest = gap.gaps.iter().map(|g| g.gap).max().unwrap_or(0);
        let mut gaps = HashMap::new();
        for g in gap.gaps.iter().filter(|g| g.gap > 0) {
            if let Some(&skill) = board.skill_ids.get(&g.skill) {
                gaps.entry(skill)
                    .or_insert((g.target_role.title.clone(), g.gap == largest));
            }
        }
        let mut goals = HashMap::new();
        for (skill, title) in goal_skills {
            goals.entry(skill).or_insert(title);
        }
        let mut shared = HashMap::new();
        for s in shares {
            let by_mentor = mentors.contains(&s.from);
            let held = shared
                .entry(s.opportunity)
                .or_insert((s.from_name.clone(), by_mentor));
            if by_mentor && !held.1 {
                *held = (s.from_name, true);
            }
        }
        Ok(Signals {
            gaps,
            goals,
            wanted: person
                .profile
                .growth_skills
                .iter()
                .map(|c| c.skill)
                .collect(),
            industry: person.profile.industry.to_lowercase(),
            location: person.profile.location.to_lowercase(),
            shared,
            connections: connected.into_iter().collect(),
            mentors,
            blocked: blocked.into_iter().collect(),
            marks: marks.into_iter().map(|(id, m)| (id, m.status)).collect(),
            today: today.format("%Y-%m-%d").to_string(),
        })
    }
}

/// The board's posts that share something with the person, ranked.
fn rank(board: &Board, s: &Signals, viewer: PersonId, limit: usize) -> Vec<ForYouItem> {
    let mut candidates: HashSet<u32> = HashSet::new();
    let skills = s.gaps.keys().chain(s.goals.keys()).chain(s.wanted.iter());
    for skill in skills {
        candidates.extend(board.by_skill.get(skill).into_iter().flatten());
    }
    for (key, postings) in [
        (&s.industry, &board.by_industry),
        (&s.location, &board.by_location),
    ] {
        if !key.is_empty() {
            candidates.extend(postings.get(key).into_iter().flatten());
        }
    }
    candidates.extend(&board.pinned);
    candidates.extend(s.shared.keys().filter_map(|id| board.index.get(id)));

    let mut ranked: Vec<(u32, &Opportunity, Vec<Reason>)> = candidates
        .into_iter()
        .map(|i| &board.items[i as usize])
        .filter(|o| may_see(o, s, viewer))
        .filter_map(|o| {
            let (score, reasons) = fit(reasons(board, s, o));
            (score > 0).then_some((score, o, reasons))
        })
        .collect();
    ranked.sort_by(|(sa, a, _), (sb, b, _)| {
        sb.cmp(sa)
            .then_with(|| b.created_at.cmp(&a.created_at))
            .then_with(|| a.id.cmp(&b.id))
    });
    ranked
        .into_iter()
        .take(limit)
        .map(|(score, o, reasons)| ForYouItem {
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
        })
        .collect()
}

/// Whether the person may see a post in "For you": open and not expired (the board holds
/// only open ones), not their own, not by someone blocked either way, not marked "not for
/// me", and visible to them.
fn may_see(o: &Opportunity, s: &Signals, viewer: PersonId) -> bool {
    o.author != viewer
        && o.closes_on.as_deref().is_none_or(|d| d >= s.today.as_str())
        && !s.blocked.contains(&o.author)
        && s.marks.get(&o.id) != Some(&Status::NotForMe)
        && match o.visibility {
            Visibility::Everyone => true,
            Visibility::Connections => s.connections.contains(&o.author),
            Visibility::Mentees => s.mentors.contains(&o.author),
        }
}

fn reasons(board: &Board, s: &Signals, o: &Opportunity) -> Vec<Reason> {
    let mut found = Vec::new();
    if let Some((name, by_mentor)) = s.shared.get(&o.id) {
        found.push(if *by_mentor {
            Reason::SharedByMentor { name: name.clone() }
        } else {
            Reason::SharedBy { name: name.clone() }
        });
    }
    for (skill, _) in &o.skills {
        let name = || board.skill_names.get(skill).cloned().unwrap_or_default();
        if let Some((role, largest)) = s.gaps.get(skill) {
            found.push(Reason::Gap {
                skill: name(),
                role: role.clone(),
                largest: *largest,
            });
        }
        if let Some(goal) = s.goals.get(skill) {
            found.push(Reason::Goal {
                skill: name(),
                goal: goal.clone(),
            });
        }
        if s.wanted.contains(skill) {
            found.push(Reason::Wanted { skill: name() });
        }
    }
    if !s.industry.is_empty() && o.industry.to_lowercase() == s.industry {
        found.push(Reason::Industry {
            industry: o.industry.clone(),
        });
    }
    if !s.location.is_empty() && o.location.to_lowercase() == s.location {
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
