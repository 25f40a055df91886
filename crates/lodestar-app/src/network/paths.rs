//! "Who can introduce me?": the strongest and shortest paths of up to three links from the
//! person asking to the people who match a query (a skill at a level, an organisation, an
//! industry, a role), found by `lodestar_network` over an in-memory copy of the network.
//!
//! Two snapshots answer a query, each read once per generation of what it copies (see
//! `lodestar_store::generations`):
//! - the *graph* (who is connected with whom and how, who hides their connections, who may
//!   be shown), per network generation;
//! - the *cards* (what a query matches and a path shows of each listed person: name,
//!   headline, role, organisation unless hidden, industry, skills), per directory generation.
//!
//! A snapshot is rebuilt when its generation moves (see [`crate::snapshot`]): while
//! rebuilds are quick a query waits and sees every write made before it; at the scale where
//! reading the network takes longer (a million connections), it is answered from the
//! previous snapshot while one rebuild runs in the background.
//!
//! Privacy: people who hide their connections, are not listed or are suspended are never a
//! step on a path; people not listed or suspended are never its end; neither is anyone the
//! person asking has blocked or been blocked by, and a path never goes through them. A
//! hidden organisation is neither matched nor shown.

use std::collections::HashMap;
use std::sync::Arc;

use lodestar_domain::network::ConnectionSource;
use lodestar_domain::text::one_line;
use lodestar_domain::{FieldErrors, PersonId, SkillId};
use lodestar_network::{Edge, Graph, MAX_HOPS, Searcher};
use lodestar_store::profiles::{self, Card, Relation};
use lodestar_store::{blocks, connections, generations};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::directory::{flag, given, number};
use crate::snapshot::Held;
use crate::{App, AppError, Viewer};

/// Paths returned when the query does not say.
pub const DEFAULT_LIMIT: usize = 20;
/// The most paths one query returns.
pub const MAX_LIMIT: usize = 50;

/// `GET /api/v1/me/paths`: whom to find. At least one of `skill`, `organisation`,
/// `industry` and `role`; given together, a person must match all of them.
#[derive(Clone, Debug, Default, Deserialize, Serialize, IntoParams, ToSchema, PartialEq, Eq)]
#[into_params(parameter_in = Query)]
pub struct PathQuery {
    /// A skill's slug, id or name: people who have it on their profile (mentor on it or
    /// are growing it) at `min_level` or above.
    #[param(max_length = 100)]
    pub skill: Option<String>,
    /// The lowest level (1–5) in `skill`; default 1.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 5)]
    pub min_level: Option<String>,
    /// `true`: only people who mentor on `skill`.
    #[param(value_type = Option<bool>)]
    pub mentors: Option<String>,
    /// An organisation's name (any case).
    #[param(max_length = 100)]
    pub organisation: Option<String>,
    /// An industry's name (any case).
    #[param(max_length = 100)]
    pub industry: Option<String>,
    /// Words in the person's role title (any case), e.g. `engineering manager`.
    #[param(max_length = 100)]
    pub role: Option<String>,
    /// 1–50, default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 50)]
    pub limit: Option<String>,
}

/// Someone on a path, as anyone may see them.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct PathPerson {
    #[schema(value_type = String, format = Uuid)]
    pub id: PersonId,
    pub name: String,
    pub headline: String,
    pub role_title: String,
    /// None when they hide it.
    pub organisation: Option<String>,
    pub industry: String,
}

/// One path: from the person asking, through `via` in order, to `target`.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct PathView {
    /// The person the query matched.
    pub target: PathPerson,
    /// The people in between, the first being your connection; empty when the target is
    /// your connection.
    pub via: Vec<PathPerson>,
    /// The product of the links' strengths, in (0, 1]: a connection is 0.5, a mentorship
    /// 0.9, and an introduction made between them adds 0.1.
    pub strength: f32,
    /// Links on the path (1–3).
    pub hops: u8,
    /// With a `skill` query: the target's highest level in it on their profile.
    pub skill_level: Option<u8>,
}

/// `GET /api/v1/me/paths`.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct PathsView {
    /// Strongest first; among equally strong, shortest first.
    pub paths: Vec<PathView>,
}

/// A checked [`PathQuery`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wanted {
    pub skill: Option<SkillId>,
    pub min_level: u8,
    pub mentors: bool,
    /// Lower-cased.
    pub organisation: Option<String>,
    pub industry: Option<String>,
    pub role: Option<String>,
}

impl App {
    /// The paths from the viewer to the people `query` matches, strongest and shortest
    /// first.
    pub async fn paths(&self, viewer: &Viewer, query: &PathQuery) -> Result<PathsView, AppError> {
        let (wanted, limit) = self.wanted(query).await?;
        let (graph, cards, blocked) =
            tokio::try_join!(self.network_graph(), self.network_cards(), async {
                Ok(blocks::involving(&self.db, viewer.id).await?)
            },)?;
        Ok(PathsView {
            paths: find(&graph, &cards, viewer.id, &wanted, &blocked, limit),
        })
    }

    /// Checks a query: every field one bounded line, the skill in the catalogue, at least
    /// one criterion.
    pub async fn wanted(&self, query: &PathQuery) -> Result<(Wanted, usize), AppError> {
        let mut errors = FieldErrors::new();
        for (field, value) in [
            ("skill", &query.skill),
            ("min_level", &query.min_level),
            ("mentors", &query.mentors),
            ("organisation", &query.organisation),
            ("industry", &query.industry),
            ("role", &query.role),
            ("limit", &query.limit),
        ] {
            if let Some(raw) = value {
                errors.check(field, one_line(raw, 100));
            }
        }
        errors.into_result()?;
        let mut errors = FieldErrors::new();
        let skill = self.skill_filter(&query.skill, &mut errors).await?;
        let min_level = number(&mut errors, "min_level", &query.min_level, 1..=5);
        let mentors = flag(&mut errors, "mentors", &query.mentors).unwrap_or(false);
        if given(&query.skill).is_none() {
            if min_level.is_some() {
                errors.add("min_level", "choose a skill to filter by level");
            }
            if mentors {
                errors.add("mentors", "choose a skill they mentor on");
            }
        }
        let limit = number(&mut errors, "limit", &query.limit, 1..=MAX_LIMIT as i64);
        let key = |value: &Option<String>| given(value).map(str::to_lowercase);
        let wanted = Wanted {
            skill,
            min_level: min_level.map_or(1, |l| l as u8),
            mentors,
            organisation: key(&query.organisation),
            industry: key(&query.industry),
            role: key(&query.role),
        };
        if given(&query.skill).is_none()
            && wanted.organisation.is_none()
            && wanted.industry.is_none()
            && wanted.role.is_none()
        {
            errors.add(
                "skill",
                "say whom you are looking for: a skill, an organisation, an industry or a role",
            );
        }
        errors.into_result()?;
        Ok((wanted, limit.map_or(DEFAULT_LIMIT, |l| l as usize)))
    }

    /// The network's graph, as of its current generation (or the previous one while a slow
    /// rebuild runs).
    pub(crate) async fn network_graph(&self) -> Result<Arc<NetworkGraph>, AppError> {
        let generation = generations::network(&self.db).await?;
        let db = self.db.clone();
        self.network_cache
            .graph
            .get(generation, move || NetworkGraph::read(db))
            .await
    }

    /// Every listed person's card, as of the directory's current generation (or the
    /// previous one while a slow rebuild runs).
    pub(crate) async fn network_cards(&self) -> Result<Arc<Cards>, AppError> {
        let generation = generations::directory(&self.db).await?;
        let db = self.db.clone();
        self.network_cache
            .cards
            .get(generation, move || Cards::read(db))
            .await
    }
}

/// The search itself, over the two snapshots: `blocked` are the people the viewer blocked
/// or was blocked by.
fn find(
    graph: &NetworkGraph,
    cards: &Cards,
    viewer: PersonId,
    wanted: &Wanted,
    blocked: &[PersonId],
    limit: usize,
) -> Vec<PathView> {
    let Some(&from) = graph.index.get(&viewer) else {
        // Not in the snapshot yet: no connections in it either.
        return Vec::new();
    };
    let n = graph.ids.len();
    let mut excluded = vec![false; n];
    for person in blocked {
        if let Some(&i) = graph.index.get(person) {
            excluded[i as usize] = true;
        }
    }
    let mut target = vec![false; n];
    let mut levels = HashMap::new();
    cards.matching(wanted, |card, level| {
        if let Some(&i) = graph.index.get(&cards.cards[card].id) {
            target[i as usize] = true;
            if let Some(level) = level {
                levels.insert(i, level);
            }
        }
    });
    let found = SEARCHER.with_borrow_mut(|searcher| {
        searcher.paths(
            &graph.graph,
            from,
            MAX_HOPS,
            |u| {
                let u = u as usize;
                target[u] && graph.shown[u] && !excluded[u]
            },
            |u| {
                let u = u as usize;
                graph.hides[u] || !graph.shown[u] || excluded[u]
            },
            limit,
        )
    });
    let person = |i: u32| cards.card(graph.ids[i as usize]).map(PathPerson::of);
    found
        .into_iter()
        .filter_map(|path| {
            Some(PathView {
                target: person(path.target)?,
                via: path.via.iter().map(|&i| person(i)).collect::<Option<_>>()?,
                strength: path.strength,
                hops: path.hops() as u8,
                skill_level: levels.get(&path.target).copied(),
            })
        })
        .collect()
}

thread_local! {
    /// The path search's scratch, one per runtime thread (a search takes well under a
    /// millisecond, so it runs on the thread that asks).
    static SEARCHER: std::cell::RefCell<Searcher> = std::cell::RefCell::new(Searcher::new());
}

impl PathPerson {
    pub(crate) fn of(card: &Card) -> Self {
        Self {
            id: card.id,
            name: card.name.clone(),
            headline: card.headline.clone(),
            role_title: card.role_title.clone(),
            organisation: card.organisation.clone(),
            industry: card.industry.clone(),
        }
    }
}

/// The network as of one generation: everyone at a dense index, the links between them,
/// and who may be shown or passed through.
pub(crate) struct NetworkGraph {
    pub(crate) ids: Vec<PersonId>,
    pub(crate) index: HashMap<PersonId, u32>,
    pub(crate) graph: Graph,
    /// Listed and not suspended.
    shown: Vec<bool>,
    /// Hides their connections.
    hides: Vec<bool>,
}

impl NetworkGraph {
    /// Whether the person at `i` may be shown to others (listed, not suspended).
    pub(crate) fn may_show(&self, i: u32) -> bool {
        self.shown[i as usize]
    }

    async fn read(db: lodestar_store::Db) -> Result<Self, AppError> {
        let people = connections::network_people(&db).await?;
        let ids: Vec<PersonId> = people.iter().map(|p| p.id).collect();
        let index: HashMap<PersonId, u32> = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i as u32))
            .collect();
        let mut edges = Vec::new();
        connections::for_each_link(&db, |low, high, source| {
            // A person made after the people were read is not in this snapshot.
            if let (Some(&a), Some(&b)) = (index.get(&low), index.get(&high)) {
                edges.push(match source {
                    ConnectionSource::Request => Edge::connection(a, b),
                    ConnectionSource::Mentorship => Edge::mentorship(a, b),
                    ConnectionSource::Introduction => Edge::connection(a, b).introduced(),
                });
            }
        })
        .await?;
        let n = ids.len() as u32;
        let graph = tokio::task::spawn_blocking(move || Graph::from_edges(n, edges))
            .await
            .map_err(|e| AppError::Internal(format!("building the network: {e}")))?;
        Ok(Self {
            shown: people.iter().map(|p| p.shown).collect(),
            hides: people.iter().map(|p| p.hides).collect(),
            ids,
            index,
            graph,
        })
    }
}

/// Every listed person's card, with what a query matches on in lower case and an index of
/// skill claims by skill.
pub(crate) struct Cards {
    cards: Vec<Card>,
    index: HashMap<PersonId, usize>,
    organisation_keys: Vec<String>,
    industry_keys: Vec<String>,
    role_keys: Vec<String>,
    /// Per skill: (card, level, mentors on it), a person's highest claim of each kind.
    by_skill: HashMap<SkillId, Vec<(usize, u8, bool)>>,
}

impl Cards {
    async fn read(db: lodestar_store::Db) -> Result<Self, AppError> {
        let (cards, claims) = profiles::cards(&db).await?;
        let index: HashMap<PersonId, usize> =
            cards.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let mut by_skill: HashMap<SkillId, Vec<(usize, u8, bool)>> = HashMap::new();
        for (person, skill, relation, level) in claims {
            if let Some(&card) = index.get(&person) {
                by_skill.entry(skill).or_default().push((
                    card,
                    level,
                    relation == Relation::Mentors,
                ));
            }
        }
        Ok(Self {
            organisation_keys: cards
                .iter()
                .map(|c| c.organisation.as_deref().unwrap_or("").to_lowercase())
                .collect(),
            industry_keys: cards.iter().map(|c| c.industry.to_lowercase()).collect(),
            role_keys: cards.iter().map(|c| c.role_title.to_lowercase()).collect(),
            cards,
            index,
            by_skill,
        })
    }

    /// The person of the `card`th card.
    pub(crate) fn id_of(&self, card: usize) -> PersonId {
        self.cards[card].id
    }

    pub(crate) fn card(&self, id: PersonId) -> Option<&Card> {
        self.index.get(&id).map(|&i| &self.cards[i])
    }

    /// Calls `found(card, level)` once for every card `wanted` matches; `level` is their
    /// highest matching level in the wanted skill, if one was asked for.
    pub(crate) fn matching(&self, wanted: &Wanted, mut found: impl FnMut(usize, Option<u8>)) {
        let rest = |i: usize| {
            wanted
                .organisation
                .as_ref()
                .is_none_or(|o| self.organisation_keys[i] == *o)
                && wanted
                    .industry
                    .as_ref()
                    .is_none_or(|o| self.industry_keys[i] == *o)
                && wanted
                    .role
                    .as_ref()
                    .is_none_or(|r| self.role_keys[i].contains(r.as_str()))
        };
        match wanted.skill {
            Some(skill) => {
                let mut best: HashMap<usize, u8> = HashMap::new();
                for &(card, level, mentors) in self.by_skill.get(&skill).into_iter().flatten() {
                    if level >= wanted.min_level && (mentors || !wanted.mentors) && rest(card) {
                        let held = best.entry(card).or_insert(level);
                        *held = (*held).max(level);
                    }
                }
                for (card, level) in best {
                    found(card, Some(level));
                }
            }
            None => (0..self.cards.len())
                .filter(|&i| rest(i))
                .for_each(|i| found(i, None)),
        }
    }
}

/// The path search's two snapshots.
#[derive(Debug, Default)]
pub struct NetworkCache {
    graph: Held<NetworkGraph>,
    cards: Held<Cards>,
}
