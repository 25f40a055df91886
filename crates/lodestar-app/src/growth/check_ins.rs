//! Confidence check-ins: a score from 1 to 10 overall and per area, what went well, what
//! is hard and what I need from my mentor. The person picks a cadence and is reminded
//! once per period. Per check-in they choose what their mentors see: nothing, the
//! scores, or the scores and the reflection. A marked drop (3 below the average of the
//! last three) prompts them gently to talk, and tells the mentors who see the scores.

use lodestar_domain::growth::{self, Confidence, MAX_REFLECTION};
use lodestar_domain::mentoring::{Cadence, NotificationKind};
use lodestar_domain::{CheckInId, FieldErrors, PersonId, text};
use lodestar_store::check_ins::{self as store, CheckIn};
use lodestar_store::notifications::Notice;
use lodestar_store::{mentorships, now_ms};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Reader;
use crate::{App, AppError, Viewer};

/// How many check-ins a list shows at most: two years of weekly ones, and more.
pub const MAX_LISTED: i64 = 200;

/// An area's confidence in a check-in.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AreaScore {
    /// 1–80 characters, such as "Speaking up in meetings".
    #[schema(max_length = 80)]
    pub area: String,
    /// 1–10.
    #[schema(minimum = 1, maximum = 10)]
    pub confidence: i64,
}

/// `POST /api/v1/me/check-ins`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCheckIn {
    /// Overall, 1–10.
    #[schema(minimum = 1, maximum = 10)]
    pub confidence: i64,
    /// Up to 8 areas, each rated 1–10.
    #[serde(default)]
    pub areas: Vec<AreaScore>,
    /// What went well: up to 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub went_well: String,
    /// What is hard.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub hard: String,
    /// What I need from my mentor.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub need: String,
    /// Whether your mentors see this check-in's scores.
    #[serde(default)]
    pub share_with_mentors: bool,
    /// Whether they also see what you wrote; shared with mentors means yes unless this
    /// says no. Without `share_with_mentors` nothing is shared.
    pub share_reflection: Option<bool>,
}

/// A check-in as its reader sees it. A mentor sees the texts only where shared (empty
/// otherwise).
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct CheckInView {
    #[schema(value_type = String, format = Uuid)]
    pub id: CheckInId,
    pub confidence: u8,
    pub areas: Vec<AreaScore>,
    pub went_well: String,
    pub hard: String,
    pub need: String,
    pub share_with_mentors: bool,
    pub share_reflection: bool,
    /// At least 3 below the average of the three before it.
    pub marked_drop: bool,
    /// Epoch milliseconds.
    pub created_at: i64,
    /// In the answer to a new check-in that is a marked drop only: a suggestion to talk it
    /// over.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
}

impl CheckInView {
    pub(crate) fn of(c: &CheckIn, reader: Reader) -> Self {
        let texts = reader == Reader::Owner || c.share_notes;
        let text = |t: &String| if texts { t.clone() } else { String::new() };
        Self {
            id: c.id,
            confidence: c.confidence,
            areas: c
                .areas
                .iter()
                .map(|(area, confidence)| AreaScore {
                    area: area.clone(),
                    confidence: i64::from(*confidence),
                })
                .collect(),
            went_well: text(&c.went_well),
            hard: text(&c.hard),
            need: text(&c.need),
            share_with_mentors: c.share_scores,
            share_reflection: c.share_notes,
            marked_drop: c.marked_drop,
            created_at: c.created_at,
            prompt: None,
        }
    }
}

/// The words that follow a marked drop.
pub const DROP_PROMPT: &str = "Your confidence is well below where it has been lately. That happens, and it \
     is worth talking about: consider bringing it to your mentor, or booking a session.";

/// `PUT /api/v1/me/check-in-plan`: how often you check in; `null` stops the reminders.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CheckInPlan {
    /// `weekly`, `fortnightly` or `monthly`; null for no reminders.
    #[schema(value_type = Option<String>, example = "weekly")]
    pub cadence: Option<Cadence>,
    /// When the next check-in is due (epoch ms); absent without a cadence. Ignored in a PUT.
    #[serde(default)]
    pub next_due_at: Option<i64>,
}

fn reflection(raw: &str, field: &str, errors: &mut FieldErrors) -> String {
    errors
        .check(field, text::multi_line(raw, MAX_REFLECTION))
        .unwrap_or_default()
}

impl App {
    /// Records a check-in for the viewer.
    pub async fn check_in(
        &self,
        viewer: &Viewer,
        input: &NewCheckIn,
    ) -> Result<CheckInView, AppError> {
        let mut errors = FieldErrors::new();
        let confidence = errors.check("confidence", Confidence::new(input.confidence));
        let raw_areas: Vec<(String, i64)> = input
            .areas
            .iter()
            .map(|a| (a.area.clone(), a.confidence))
            .collect();
        let areas = match growth::check_in_areas(&raw_areas) {
            Ok(areas) => areas,
            Err(problems) => {
                for (i, message) in problems {
                    errors.add(format!("areas[{i}]"), message);
                }
                Vec::new()
            }
        };
        let went_well = reflection(&input.went_well, "went_well", &mut errors);
        let hard = reflection(&input.hard, "hard", &mut errors);
        let need = reflection(&input.need, "need", &mut errors);
        errors.into_result()?;
        let Some(confidence) = confidence else {
            return Err(AppError::invalid(
                "confidence",
                "must be a whole number from 1 to 10",
            ));
        };
        let share_scores = input.share_with_mentors;
        let share_notes = share_scores && input.share_reflection.unwrap_or(true);
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        // Two check-ins at once judge their trend one after the other.
        mentorships::lock_person(&mut tx, self.db.backend(), viewer.id).await?;
        let earlier: Vec<Confidence> = store::last_confidences(&mut tx, viewer.id, 3)
            .await?
            .into_iter()
            .filter_map(|c| Confidence::new(i64::from(c)).ok())
            .collect();
        let marked_drop = growth::marked_drop(&earlier, confidence);
        let check_in = CheckIn {
            id: CheckInId::new(),
            person: viewer.id,
            confidence: confidence.get(),
            areas: areas.into_iter().map(|(a, c)| (a, c.get())).collect(),
            went_well,
            hard,
            need,
            share_scores,
            share_notes,
            marked_drop,
            created_at: now,
        };
        store::insert(&mut tx, &check_in).await?;
        if marked_drop {
            let notice = Notice {
                person: viewer.id,
                kind: NotificationKind::ConfidenceDrop,
                title: "Your confidence dipped: want to talk it over?".into(),
                body: DROP_PROMPT.into(),
                link: "/check-ins".into(),
                calendar: None,
            };
            self.notify(&mut tx, &notice).await?;
            if share_scores {
                let mentors = mentorships::mentors_of(&self.db, viewer.id, i64::MAX).await?;
                for (mentor, _) in mentors {
                    let notice = Notice {
                        person: mentor,
                        kind: NotificationKind::ConfidenceDrop,
                        title: format!("{}'s confidence dipped", viewer.name),
                        body: format!(
                            "{} checked in at {} out of 10, well below their recent check-ins. \
                             A word from you may help.",
                            viewer.name,
                            confidence.get()
                        ),
                        link: format!("/people/{}/progress", viewer.id),
                        calendar: None,
                    };
                    self.notify(&mut tx, &notice).await?;
                }
            }
        }
        lodestar_store::commit(tx).await?;
        Ok(CheckInView {
            prompt: marked_drop.then(|| DROP_PROMPT.to_owned()),
            ..CheckInView::of(&check_in, Reader::Owner)
        })
    }

    /// `person`'s check-ins that the viewer may read, newest first: all of them for their
    /// owner; for a mentor (within the grace period), those whose scores are shared.
    pub async fn check_ins_of(
        &self,
        viewer: &Viewer,
        person: PersonId,
    ) -> Result<Vec<CheckInView>, AppError> {
        let reader = self.growth_reader(viewer, person, "person").await?;
        Ok(
            store::list(&self.db, person, reader == Reader::Mentor, MAX_LISTED)
                .await?
                .iter()
                .map(|c| CheckInView::of(c, reader))
                .collect(),
        )
    }

    /// The viewer's check-in cadence, and when the next is due.
    pub async fn check_in_plan(&self, viewer: &Viewer) -> Result<CheckInPlan, AppError> {
        let Some(plan) = store::plan(&self.db, viewer.id).await? else {
            return Ok(CheckInPlan {
                cadence: None,
                next_due_at: None,
            });
        };
        let last = store::list(&self.db, viewer.id, false, 1)
            .await?
            .first()
            .map(|c| c.created_at);
        let from = last
            .filter(|l| *l > plan.started_at)
            .unwrap_or(plan.started_at);
        Ok(CheckInPlan {
            cadence: Some(plan.cadence),
            next_due_at: Some(from + plan_period_ms(plan.cadence)),
        })
    }

    /// Sets (or, with no cadence, clears) the viewer's check-in cadence.
    pub async fn set_check_in_plan(
        &self,
        viewer: &Viewer,
        plan: &CheckInPlan,
    ) -> Result<CheckInPlan, AppError> {
        let mut tx = self.db.begin().await?;
        store::set_plan(&mut tx, viewer.id, plan.cadence, now_ms()).await?;
        lodestar_store::commit(tx).await?;
        self.check_in_plan(viewer).await
    }

    /// Reminds each person whose check-in is due, once per period. Safe in several
    /// processes at once. Returns how many.
    pub async fn remind_check_ins(&self, now: i64) -> Result<usize, AppError> {
        let mut tx = self.db.begin().await?;
        let due = store::claim_due(&mut tx, now).await?;
        for (person, cadence) in &due {
            let notice = Notice {
                person: *person,
                kind: NotificationKind::CheckInReminder,
                title: "Time for your check-in".into(),
                body: format!(
                    "Your {} check-in: how confident do you feel, what went well, what is hard? \
                     It takes a minute.",
                    cadence.label().to_lowercase()
                ),
                link: "/check-ins".into(),
                calendar: None,
            };
            self.notify(&mut tx, &notice).await?;
        }
        lodestar_store::commit(tx).await?;
        Ok(due.len())
    }
}

/// A cadence's period in milliseconds, as the reminders count it (the store's claim
/// counts the same days).
pub fn plan_period_ms(cadence: Cadence) -> i64 {
    cadence.days() * 24 * 60 * 60 * 1000
}
