//! A person's progress at a glance: confidence over time, goals achieved over time, their
//! goals, the latest check-ins and their career outcomes. Shown to the person, and to the
//! mentors they share with (who see only what is shared: shared goals, check-ins whose
//! scores are shared, shared outcomes).

use std::collections::BTreeMap;

use chrono_tz::Tz;

use lodestar_domain::PersonId;
use lodestar_domain::growth::GoalStatus;
use lodestar_store::check_ins as check_in_store;
use lodestar_store::persons;
use serde::Serialize;
use utoipa::ToSchema;

use super::Reader;
use super::assessments::SkillProgress;
use super::check_ins::CheckInView;
use super::goals::{GoalSummary, PersonRef};
use super::outcomes::OutcomeView;
use crate::{App, AppError, Viewer};

/// How many of the newest check-ins a progress page shows in full.
const RECENT: i64 = 5;

/// One check-in's place on the confidence chart.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct ConfidencePoint {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    pub confidence: u8,
    pub marked_drop: bool,
}

/// How many goals were achieved in a month.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct MonthCount {
    /// `YYYY-MM`.
    pub month: String,
    pub count: u32,
}

/// `GET /api/v1/people/{id}/progress`.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct ProgressView {
    pub person: PersonRef,
    /// Whether the reader is the person (else a mentor they share with).
    pub yours: bool,
    /// Oldest first: every check-in the reader may see.
    pub confidence: Vec<ConfidencePoint>,
    /// The newest check-ins the reader may see (at most five), newest first.
    pub recent_check_ins: Vec<CheckInView>,
    /// Goals the reader may see: active first.
    pub goals: Vec<GoalSummary>,
    /// Goals achieved per month, oldest first (months without any left out).
    pub goals_achieved: Vec<MonthCount>,
    /// The average confidence of the first three and of the last three check-ins shown.
    pub confidence_then: Option<f64>,
    pub confidence_now: Option<f64>,
    /// Career outcomes the reader may see, newest first.
    pub outcomes: Vec<OutcomeView>,
    /// Skills then, now and for the target roles: each assessed skill (by name), then
    /// the largest gaps to the target roles never assessed.
    pub skills: Vec<SkillProgress>,
}

fn average(values: &[u8]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let sum: f64 = values.iter().map(|v| f64::from(*v)).sum();
    #[allow(clippy::cast_precision_loss)]
    let n = values.len() as f64;
    Some((sum / n * 10.0).round() / 10.0)
}

impl App {
    /// `person`'s progress as the viewer may see it; to anyone but the person and the
    /// mentors they share with (within the grace period), it does not exist.
    pub async fn progress(
        &self,
        viewer: &Viewer,
        person: PersonId,
    ) -> Result<ProgressView, AppError> {
        // After the reader's check (no read for the person themself), at once: the
        // person's name and time zone, the confidence series, the newest check-ins in full,
        // the goals, the outcomes and the skills' standing.
        let reader = self.growth_reader(viewer, person, "person").await?;
        let shared_only = reader == Reader::Mentor;
        let (named, series, recent, goals, outcomes, standing) = tokio::try_join!(
            async { Ok::<_, AppError>(persons::name_and_time_zone(&self.db, person).await?) },
            async {
                Ok::<_, AppError>(
                    check_in_store::confidence_series(&self.db, person, shared_only).await?,
                )
            },
            async {
                Ok::<_, AppError>(
                    check_in_store::list(&self.db, person, shared_only, RECENT).await?,
                )
            },
            self.goals_seen_by(viewer, person, reader),
            self.outcomes_read_by(viewer, person, reader),
            self.standing(viewer, person, reader),
        )?;
        let (name, time_zone) = named.ok_or(AppError::NotFound("person"))?;
        let today = super::today_in(time_zone.parse().unwrap_or(Tz::UTC));
        let goals: Vec<GoalSummary> = goals
            .iter()
            .map(|(g, shared)| GoalSummary::of(g, *shared, today))
            .collect();
        let skills = standing.chart();
        let confidence: Vec<ConfidencePoint> = series
            .iter()
            .map(|c| ConfidencePoint {
                date: super::utc_day(c.at),
                confidence: c.confidence,
                marked_drop: c.marked_drop,
            })
            .collect();
        let values: Vec<u8> = confidence.iter().map(|p| p.confidence).collect();
        let mut achieved: BTreeMap<String, u32> = BTreeMap::new();
        for g in goals.iter().filter(|g| g.status == GoalStatus::Achieved) {
            if let Some(at) = g.achieved_at {
                *achieved
                    .entry(super::utc_day(at)[..7].to_owned())
                    .or_default() += 1;
            }
        }
        Ok(ProgressView {
            person: PersonRef { id: person, name },
            yours: reader == Reader::Owner,
            confidence_then: average(&values[..values.len().min(3)]),
            confidence_now: average(&values[values.len().saturating_sub(3)..]),
            confidence,
            recent_check_ins: recent.iter().map(|c| CheckInView::of(c, reader)).collect(),
            goals,
            goals_achieved: achieved
                .into_iter()
                .map(|(month, count)| MonthCount { month, count })
                .collect(),
            outcomes,
            skills,
        })
    }
}
