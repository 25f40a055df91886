//! Recommended mentors for the person asking, with reasons, spread by demand.
//!
//! The people of the cohort are read once per directory generation (every write that
//! changes a profile moves it) and kept with its scoring tables; scoring one mentee
//! against every mentor then takes well under a millisecond. In the background, a whole-cohort match of the same
//! generation prices each mentor's places by how many mentees want them; once it is done,
//! recommendations are ranked by fit less that price, so that the same few popular mentors
//! are not shown to everyone beyond their free places.
//!
//! A whole-cohort match is seconds of CPU at scale, so at most one runs at a time: a new
//! snapshot starts with the previous one's prices (by mentor), and the running match moves
//! on to the newest snapshot when it finishes, however many profiles changed meanwhile.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use lodestar_domain::PersonId;
use lodestar_match::cohort::{Options, match_cohort};
use lodestar_match::recommend::{Recommender, reasons};
use lodestar_match::{WEIGHT_SCALE, unquantize};
use lodestar_store::generations;
use serde::Serialize;
use tokio::sync::Mutex;
use utoipa::ToSchema;

use crate::matching::CohortInput;
use crate::{App, AppError, Viewer};

pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 50;

/// The cohort of one directory generation, and its congestion prices once computed.
pub(crate) struct Snapshot {
    generation: i64,
    input: CohortInput,
    recommender: Recommender,
    mentee_index: HashMap<PersonId, usize>,
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

    /// The mentors' congestion prices in score units, from a whole-cohort match.
    fn price(&self) {
        let result = match_cohort(&self.input.cohort, &Options::default(), &|_| ());
        let certificate = &result.solution.solver.certificate;
        let prices = (0..self.input.cohort.mentors.len())
            .map(|j| {
                certificate
                    .mentor_price(j as u32)
                    .map_or(0.0, |p| unquantize(p.round() as i64))
            })
            .collect();
        let _ = self.prices.set(prices);
    }
}

/// The latest snapshot (rebuilt by one request at a time when the generation moves), and
/// whether a match is pricing one.
#[derive(Default)]
pub struct RecommendationCache {
    latest: Mutex<Option<Arc<Snapshot>>>,
    pricing: AtomicBool,
}

impl std::fmt::Debug for RecommendationCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecommendationCache")
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
    pub reason: String,
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

/// Your recommended mentors, best first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Recommendations {
    pub mentors: Vec<RecommendedMentor>,
    /// True when the ranking already accounts for how many mentees want each mentor.
    pub spread_by_demand: bool,
}

impl App {
    async fn snapshot(&self) -> Result<Arc<Snapshot>, AppError> {
        let generation = generations::directory(&self.db).await?;
        let mut slot = self.recommendation_cache.latest.lock().await;
        if let Some(snapshot) = slot.as_ref()
            && snapshot.generation == generation
        {
            return Ok(Arc::clone(snapshot));
        }
        let input = self
            .cohort(&self.policy.match_weights, self.policy.match_rules, 0.0)
            .await?;
        let mentee_index = input
            .mentees
            .iter()
            .enumerate()
            .map(|(k, m)| (m.id, k))
            .collect();
        let inherited = slot.as_ref().and_then(|previous| {
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
        let snapshot = Arc::new(Snapshot {
            generation,
            recommender: Recommender::new(&input.cohort),
            input,
            mentee_index,
            prices: OnceLock::new(),
            inherited,
        });
        *slot = Some(Arc::clone(&snapshot));
        drop(slot);
        let cache = Arc::clone(&self.recommendation_cache);
        if !cache.pricing.swap(true, Ordering::AcqRel) {
            let mut target = Arc::clone(&snapshot);
            tokio::task::spawn_blocking(move || {
                loop {
                    target.price();
                    let newest = cache.latest.blocking_lock().clone();
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
                cache.pricing.store(false, Ordering::Release);
            });
        }
        Ok(snapshot)
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
        let snapshot = self.snapshot().await?;
        let Some(&mentee) = snapshot.mentee_index.get(&viewer.id) else {
            return Err(AppError::invalid(
                "wants_mentor",
                "say on your profile that you want a mentor (and be listed) to get recommendations",
            ));
        };
        let input = &snapshot.input;
        let prices = snapshot.prices();
        let found = snapshot
            .recommender
            .recommend(&input.cohort, mentee, prices, limit);
        let mentors = found
            .iter()
            .map(|r| {
                let j = r.mentor as usize;
                let mentor = &input.mentors[j];
                let explained = reasons(&input.cohort, mentee, r, &mentor.name, input.words());
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
                        })
                        .collect(),
                }
            })
            .collect();
        Ok(Recommendations {
            mentors,
            spread_by_demand: prices.is_some(),
        })
    }
}
