//! Recommended mentors for the person asking, with reasons, spread by demand.
//!
//! The people of the cohort are read once per directory generation (every write that
//! changes a profile moves it) and kept with their scoring tables as a *snapshot*; scoring
//! one mentee against every mentor then takes well under a millisecond.
//!
//! Rebuilding a snapshot reads every participant, seconds at scale, so no request waits for
//! it: a request that finds the generation moved is answered from the previous snapshot and
//! starts a rebuild in the background. At most one rebuild runs at a time, and one starts at
//! most every [`REBUILD_INTERVAL`], so a burst of profile edits costs one rebuild, not one
//! per edit; a change reaches other people's recommendations within that interval plus a
//! rebuild. Only a request the previous snapshot cannot answer at all (the first one, or a
//! person who has just asked for a mentor) waits, for the rebuild under way.
//!
//! Blocks are not part of the snapshot: each request reads the viewer's blocks (one indexed
//! query), so a block or its lifting counts at once for the two people concerned and leaves
//! everybody else's snapshot alone. So are the mentors left out for now
//! ([`leave_out::for_mentee`]): those the viewer has asked already (a pending, declined or
//! expired request), those mentoring them, those taking no requests and those who are full;
//! after a decline or an expiry the viewer sees their next mentors at once.
//!
//! What a mentor keeps private is neither used to rank them nor shown to the mentee (the
//! recommender sees mentors with [`Visibility::Public`]). In the background, a whole-cohort
//! match of the snapshot prices each mentor's places by how many mentees want them; once it
//! is done, recommendations are ranked by fit less that price, so that the same few popular
//! mentors are not shown to everyone beyond their free places. Every mentee's ranking uses
//! these prices, so the pricing match sees everyone, mentees included, as others see them.
//!
//! A whole-cohort match is seconds of CPU at scale, so at most one runs at a time: a new
//! snapshot starts with the previous one's prices (by mentor), and the running match moves
//! on to the newest snapshot when it finishes, however many profiles changed meanwhile.
//!
//! A background task that panics cannot wedge either: the flag that says it runs is held by
//! a guard ([`Running`]) that clears it, and tells anyone waiting, however the task ends.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use lodestar_domain::PersonId;
use lodestar_match::cohort::{Cohort, Options, match_cohort};
use lodestar_match::recommend::Recommender;
use lodestar_match::score::{Private, Visibility};
use lodestar_match::{WEIGHT_SCALE, unquantize};
use lodestar_store::{blocks, generations, leave_out, profiles};
use serde::Serialize;
use tokio::sync::watch;
use utoipa::ToSchema;

use crate::matching::{CohortInput, private_of};
use crate::{App, AppError, Viewer};

pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 50;

/// The shortest time between the starts of two snapshot rebuilds.
pub const REBUILD_INTERVAL: Duration = Duration::from_secs(2);

/// The cohort of one directory generation, and its congestion prices once computed.
pub(crate) struct Snapshot {
    generation: i64,
    input: CohortInput,
    recommender: Recommender,
    mentee_index: HashMap<PersonId, usize>,
    mentor_index: HashMap<PersonId, u32>,
    /// Prices from a match of this snapshot, once done.
    prices: OnceLock<Vec<f64>>,
    /// The previous snapshot's prices for the same mentors (0 for new ones), meanwhile.
    inherited: Option<Vec<f64>>,
}

impl Snapshot {
    fn prices(&self) -> Option<&[f64]> {
        self.prices
            .get()
            .map(Vec::as_slice)
            .or(self.inherited.as_deref())
    }

    /// The mentors' congestion prices in score units, from a whole-cohort match of the
    /// cohort as others see it: the prices rank mentors for every mentee, so no one's
    /// private fields may shape them.
    fn price(&self) {
        let cohort = &self.input.cohort;
        let public = Cohort {
            mentees: seen_by_others(&cohort.mentees),
            mentors: seen_by_others(&cohort.mentors),
            ..cohort.clone()
        };
        let result = match_cohort(&public, &Options::default(), &|_| ());
        let certificate = &result.solution.solver.certificate;
        let prices = (0..cohort.mentors.len())
            .map(|j| {
                certificate
                    .mentor_price(j as u32)
                    .map_or(0.0, |p| unquantize(p.round() as i64))
            })
            .collect();
        let _ = self.prices.set(prices);
    }
}

fn seen_by_others(
    people: &[lodestar_match::score::Profile],
) -> Vec<lodestar_match::score::Profile> {
    people
        .iter()
        .map(|p| p.as_seen(Visibility::Public))
        .collect()
}

/// What the snapshot rebuilds have produced so far.
#[derive(Default)]
struct Built {
    snapshot: Option<Arc<Snapshot>>,
    /// How many rebuilds have ended, well or not.
    ended: u64,
    /// Whether the last one to end failed.
    failed: bool,
}

/// The latest snapshot, and whether a rebuild or a pricing match is running.
pub struct RecommendationCache {
    built: watch::Sender<Built>,
    rebuilding: AtomicBool,
    pricing: AtomicBool,
    /// When the last rebuild started.
    last_rebuild: std::sync::Mutex<Option<Instant>>,
}

impl Default for RecommendationCache {
    fn default() -> Self {
        Self {
            built: watch::Sender::new(Built::default()),
            rebuilding: AtomicBool::new(false),
            pricing: AtomicBool::new(false),
            last_rebuild: std::sync::Mutex::new(None),
        }
    }
}

impl std::fmt::Debug for RecommendationCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecommendationCache")
    }
}

/// A background task of the cache: a snapshot rebuild or a pricing match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Task {
    Rebuild,
    Pricing,
}

/// Proof that `task` runs, held by the task itself. Dropping it, however the task ends (a
/// panic unwinds through it too), clears the task's flag, so the next request can start
/// the task again; a rebuild's end is also announced to whoever waits for one, as a failure
/// unless the rebuild said it succeeded.
struct Running {
    cache: Arc<RecommendationCache>,
    task: Task,
    succeeded: bool,
}

impl Running {
    /// Sets the task's flag and returns the guard, or `None` if the task already runs.
    fn start(cache: &Arc<RecommendationCache>, task: Task) -> Option<Running> {
        let flag = Self::flag(cache, task);
        (!flag.swap(true, Ordering::AcqRel)).then(|| Running {
            cache: Arc::clone(cache),
            task,
            succeeded: false,
        })
    }

    fn flag(cache: &RecommendationCache, task: Task) -> &AtomicBool {
        match task {
            Task::Rebuild => &cache.rebuilding,
            Task::Pricing => &cache.pricing,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        Self::flag(&self.cache, self.task).store(false, Ordering::Release);
        if self.task == Task::Rebuild {
            let failed = !self.succeeded;
            self.cache.built.send_modify(|built| {
                built.ended += 1;
                built.failed = failed;
            });
        }
    }
}

/// One factor of a recommendation.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReasonView {
    /// `skills`, `focus`, `industry`, `seniority`, `time_zone`, `availability` or `programme`.
    pub factor: String,
    pub label: String,
    /// What the factor adds to the score.
    pub contribution: f64,
    /// In words, short: at most a few names, the rest counted ("Mentors 2 of the 6 skills
    /// you want: Research methods (4), Regulatory affairs (5)"). A factor that reads a
    /// field the mentor keeps private counts the same for everyone who keeps it private,
    /// and says so.
    pub reason: String,
    /// The whole story, such as every skill you want with your level and the mentor's.
    pub detail: String,
    /// True when the factor counts the same for every mentor (a field not given, or kept
    /// private): it adds to the score but tells the mentors apart in nothing.
    pub neutral: bool,
}

/// A recommended mentor.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RecommendedMentor {
    #[schema(value_type = String, format = Uuid)]
    pub id: PersonId,
    pub name: String,
    pub headline: String,
    /// How well they fit you, 0–1.
    pub score: f64,
    /// Mentees they can still take.
    pub free_places: u32,
    pub reasons: Vec<ReasonView>,
}

/// Your recommended mentors, best fit first (as a whole percentage; among equal ones, the
/// mentors fewer others want first).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Recommendations {
    pub mentors: Vec<RecommendedMentor>,
    /// True when the ranking already accounts for how many mentees want each mentor.
    pub spread_by_demand: bool,
}

fn not_a_mentee() -> AppError {
    AppError::invalid(
        "wants_mentor",
        "say on your profile that you want a mentor (and be listed) to get recommendations",
    )
}

impl App {
    /// Reads the cohort of the current generation and builds its tables (off the runtime).
    async fn build_snapshot(&self, previous: Option<Arc<Snapshot>>) -> Result<Snapshot, AppError> {
        let generation = generations::directory(&self.db).await?;
        let input = self
            .cohort(&self.policy.match_weights, self.policy.match_rules, 0.0)
            .await?;
        tokio::task::spawn_blocking(move || {
            let mentee_index = input
                .mentees
                .iter()
                .enumerate()
                .map(|(k, m)| (m.id, k))
                .collect();
            let mentor_index = input
                .mentors
                .iter()
                .enumerate()
                .map(|(k, m)| (m.id, k as u32))
                .collect();
            let inherited = previous.as_ref().and_then(|previous| {
                let old = previous.prices()?;
                let by_id: HashMap<PersonId, f64> = previous
                    .input
                    .mentors
                    .iter()
                    .zip(old)
                    .map(|(m, &p)| (m.id, p))
                    .collect();
                Some(
                    input
                        .mentors
                        .iter()
                        .map(|m| by_id.get(&m.id).copied().unwrap_or(0.0))
                        .collect(),
                )
            });
            Snapshot {
                generation,
                recommender: Recommender::new(&input.cohort, Visibility::Public),
                input,
                mentee_index,
                mentor_index,
                prices: OnceLock::new(),
                inherited,
            }
        })
        .await
        .map_err(|e| AppError::Internal(format!("building the recommendation tables: {e}")))
    }

    /// Starts a snapshot rebuild in the background, unless one is running; it waits until
    /// [`REBUILD_INTERVAL`] has passed since the last one started.
    fn start_rebuild(&self) {
        let cache = &self.recommendation_cache;
        let Some(mut running) = Running::start(cache, Task::Rebuild) else {
            return;
        };
        let app = self.clone();
        tokio::spawn(async move {
            let cache = Arc::clone(&app.recommendation_cache);
            let last = *cache.last_rebuild.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(last) = last {
                tokio::time::sleep(
                    (last + REBUILD_INTERVAL).saturating_duration_since(Instant::now()),
                )
                .await;
            }
            *cache.last_rebuild.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
            let previous = cache.built.borrow().snapshot.clone();
            match app.build_snapshot(previous).await {
                Ok(snapshot) => {
                    let snapshot = Arc::new(snapshot);
                    cache.built.send_modify(|built| {
                        let newer = built
                            .snapshot
                            .as_ref()
                            .is_none_or(|s| s.generation <= snapshot.generation);
                        if newer {
                            built.snapshot = Some(Arc::clone(&snapshot));
                        }
                    });
                    running.succeeded = true;
                    drop(running);
                    app.start_pricing(snapshot);
                }
                Err(error) => {
                    tracing::error!(%error, "rebuilding the recommendation snapshot failed");
                }
            }
        });
    }

    /// Prices `snapshot` in the background, then whichever snapshot is newest, unless a
    /// pricing match is running (it moves on to the newest snapshot when it finishes).
    fn start_pricing(&self, snapshot: Arc<Snapshot>) {
        let cache = &self.recommendation_cache;
        let Some(running) = Running::start(cache, Task::Pricing) else {
            return;
        };
        tokio::task::spawn_blocking(move || {
            let mut target = snapshot;
            loop {
                target.price();
                let newest = running.cache.built.borrow().snapshot.clone();
                match newest {
                    Some(newest)
                        if newest.generation != target.generation
                            && newest.prices.get().is_none() =>
                    {
                        target = newest;
                    }
                    _ => break,
                }
            }
            drop(running);
        });
    }

    /// A snapshot of `generation` or newer, waiting for rebuilds (one at a time) until
    /// there is one.
    async fn fresh_snapshot(&self, generation: i64) -> Result<Arc<Snapshot>, AppError> {
        let mut built = self.recommendation_cache.built.subscribe();
        loop {
            let (snapshot, ended) = {
                let now = built.borrow_and_update();
                (now.snapshot.clone(), now.ended)
            };
            if let Some(snapshot) = snapshot
                && snapshot.generation >= generation
            {
                return Ok(snapshot);
            }
            self.start_rebuild();
            let failed = built
                .wait_for(|now| now.ended > ended)
                .await
                .map_err(|_| AppError::Internal("the recommendation cache is gone".into()))?
                .failed;
            if failed {
                return Err(AppError::Internal(
                    "the recommendation snapshot could not be rebuilt".into(),
                ));
            }
        }
    }

    /// The snapshot to answer `viewer` from, the viewer's place in it as a mentee, and the
    /// database's generation when asked (newer than the snapshot's when it is stale).
    async fn snapshot_for(&self, viewer: &Viewer) -> Result<(Arc<Snapshot>, usize, i64), AppError> {
        let generation = generations::directory(&self.db).await?;
        let latest = self.recommendation_cache.built.borrow().snapshot.clone();
        if let Some(snapshot) = latest {
            let stale = snapshot.generation < generation;
            if stale {
                self.start_rebuild();
            }
            if let Some(&mentee) = snapshot.mentee_index.get(&viewer.id) {
                return Ok((snapshot, mentee, generation));
            }
            if !stale {
                return Err(not_a_mentee());
            }
            // Not in the previous snapshot: perhaps they have just asked for a mentor.
            let profile = profiles::load(&self.db, viewer.id).await?.profile;
            if !(profile.wants_mentor && profile.listed) {
                return Err(not_a_mentee());
            }
        }
        let snapshot = self.fresh_snapshot(generation).await?;
        let mentee = *snapshot
            .mentee_index
            .get(&viewer.id)
            .ok_or_else(not_a_mentee)?;
        Ok((snapshot, mentee, generation))
    }

    /// A snapshot older than the database may hold a field a mentor has hidden since: such
    /// a mentor is left out of an answer from it (until the rebuild under way), so that what
    /// they hide neither ranks nor describes them even for that moment.
    async fn leave_out_mentors_who_hid_more(
        &self,
        snapshot: &Snapshot,
        found: &mut Vec<lodestar_match::recommend::Recommendation>,
    ) -> Result<(), AppError> {
        let mentors = &snapshot.input.mentors;
        let ids: Vec<PersonId> = found
            .iter()
            .map(|r| mentors[r.mentor as usize].id)
            .collect();
        let now: HashMap<PersonId, Private> = profiles::hidden_fields_of(&self.db, &ids)
            .await?
            .into_iter()
            .map(|(id, hidden)| (id, private_of(&hidden)))
            .collect();
        found.retain(|r| {
            let j = r.mentor as usize;
            let then = snapshot.input.cohort.mentors[j].private;
            now.get(&mentors[j].id)
                .is_some_and(|&now| then.contains(now))
        });
        Ok(())
    }

    /// The mentors who fit the viewer best, with reasons. Only for people who want a
    /// mentor; `limit` is 1–50.
    pub async fn recommendations(
        &self,
        viewer: &Viewer,
        limit: usize,
    ) -> Result<Recommendations, AppError> {
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(AppError::invalid(
                "limit",
                format!("must be a whole number from 1 to {MAX_LIMIT}"),
            ));
        }
        let (snapshot, mentee, generation) = self.snapshot_for(viewer).await?;
        // Blocked either way, or left out for now: asked already, mentoring the viewer,
        // taking no requests or full (read per request, as blocks are).
        let (blocked, left_out) = tokio::try_join!(
            blocks::involving(&self.db, viewer.id),
            leave_out::for_mentee(&self.db, viewer.id)
        )?;
        let mut blocked: Vec<u32> = blocked
            .iter()
            .chain(&left_out)
            .filter_map(|person| snapshot.mentor_index.get(person).copied())
            .collect();
        blocked.sort_unstable();
        blocked.dedup();
        let input = &snapshot.input;
        let prices = snapshot.prices();
        let recommender = &snapshot.recommender;
        let mut found = recommender.recommend(&input.cohort, mentee, &blocked, prices, limit);
        if snapshot.generation < generation {
            self.leave_out_mentors_who_hid_more(&snapshot, &mut found)
                .await?;
        }
        let mut mentors: Vec<RecommendedMentor> = found
            .iter()
            .map(|r| {
                let j = r.mentor as usize;
                let mentor = &input.mentors[j];
                let explained =
                    recommender.reasons(&input.cohort, mentee, r, &mentor.name, input.words());
                RecommendedMentor {
                    id: mentor.id,
                    name: mentor.name.clone(),
                    headline: input.mentor_headlines[j].clone(),
                    score: (r.score * WEIGHT_SCALE as f64).round() / WEIGHT_SCALE as f64,
                    free_places: input.cohort.free_places[j],
                    reasons: explained
                        .factors
                        .into_iter()
                        .map(|f| ReasonView {
                            factor: serde_json::to_value(f.factor)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_owned))
                                .unwrap_or_default(),
                            label: f.factor.label().to_owned(),
                            contribution: f.contribution,
                            reason: f.reason,
                            detail: f.detail,
                            neutral: f.neutral,
                        })
                        .collect(),
                }
            })
            .collect();
        // Free places as they are now: the snapshot may predate an acceptance or an end.
        let shown: Vec<PersonId> = mentors.iter().map(|m| m.id).collect();
        let taken = lodestar_store::mentorships::places_taken_by(&self.db, Some(&shown)).await?;
        for m in &mut mentors {
            if let Some(j) = snapshot.mentor_index.get(&m.id) {
                let capacity = input.mentor_capacity[*j as usize];
                let held = taken.get(&m.id).copied().unwrap_or(0);
                m.free_places = u32::try_from(i64::from(capacity) - held).unwrap_or(0);
            }
        }
        // Shown in the order of the fit people read on them; the spread by demand chose
        // who is shown (and breaks ties).
        mentors.sort_by_key(|m| std::cmp::Reverse((m.score * 100.0).round() as i64));
        Ok(Recommendations {
            mentors,
            spread_by_demand: prices.is_some(),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_task_that_panics_clears_its_flag_and_announces_its_end() {
        let cache = Arc::new(RecommendationCache::default());
        let running = Running::start(&cache, Task::Rebuild).unwrap();
        assert!(
            Running::start(&cache, Task::Rebuild).is_none(),
            "one rebuild at a time"
        );
        let pricing = Running::start(&cache, Task::Pricing).unwrap();
        let died = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            let _held = (running, pricing);
            panic!("the task dies");
        }));
        assert!(died.is_err());
        assert!(!cache.rebuilding.load(Ordering::Acquire));
        assert!(!cache.pricing.load(Ordering::Acquire));
        let built = cache.built.borrow();
        assert_eq!(
            (built.ended, built.failed),
            (1, true),
            "waiters learn it failed"
        );
        drop(built);
        assert!(
            Running::start(&cache, Task::Rebuild).is_some(),
            "it can start again"
        );
    }

    #[tokio::test]
    async fn a_spawned_task_that_panics_clears_its_flag() {
        let cache = Arc::new(RecommendationCache::default());
        let running = Running::start(&cache, Task::Pricing).unwrap();
        let task = tokio::task::spawn_blocking(move || {
            let _running = running;
            panic!("the match dies");
        });
        assert!(task.await.is_err());
        assert!(Running::start(&cache, Task::Pricing).is_some());
    }
}
