//! Growth: a person's goals, confidence check-ins and career outcomes, who may read them,
//! and the export of the whole record to its owner.
//!
//! Everything here belongs to the person it is about. They share a goal with chosen
//! mentors, and a check-in's scores (and, if they say so, its reflection) with their
//! mentors. A mentor reads what is shared while they mentor the person and for
//! [`crate::MentoringPolicy::share_grace_ms`] after their mentorship ends; then it is
//! gone for them. No admin reads any of it: to everyone else it does not exist (404).

pub mod assessments;
pub mod check_ins;
pub mod export;
pub mod feedback;
pub mod goals;
pub mod outcomes;
pub mod progress;

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use lodestar_domain::PersonId;
use lodestar_store::{mentorships, now_ms};

use crate::{App, AppError, Viewer};

/// How the viewer stands to someone's growth record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// It is theirs.
    Owner,
    /// They mentor its owner now, or did until less than the grace period ago: they read
    /// what is shared with them.
    Mentor,
}

impl App {
    /// Mentorships that ended at or after this instant still let their mentors read what
    /// the mentee shared.
    pub(crate) fn share_horizon(&self) -> i64 {
        now_ms() - self.policy.mentoring.share_grace_ms
    }

    /// How `viewer` may read `owner`'s growth record; to anyone who is neither its owner
    /// nor one of their mentors (within the grace period), it does not exist.
    pub(crate) async fn growth_reader(
        &self,
        viewer: &Viewer,
        owner: PersonId,
        what: &'static str,
    ) -> Result<Reader, AppError> {
        if viewer.id == owner {
            return Ok(Reader::Owner);
        }
        let mentors = mentorships::mentors_of(&self.db, owner, self.share_horizon()).await?;
        if mentors.iter().any(|(id, _)| *id == viewer.id) {
            Ok(Reader::Mentor)
        } else {
            Err(AppError::NotFound(what))
        }
    }

    /// The date today where `person` lives (their profile's time zone; UTC without one).
    pub(crate) async fn today_of(&self, person: PersonId) -> Result<NaiveDate, AppError> {
        Ok(today_in(self.zone_of(person).await?))
    }
}

/// The date today in a time zone.
pub(crate) fn today_in(tz: Tz) -> NaiveDate {
    DateTime::from_timestamp_millis(now_ms())
        .unwrap_or_default()
        .with_timezone(&tz)
        .date_naive()
}

/// The UTC date of an instant, `YYYY-MM-DD`.
pub(crate) fn utc_day(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

impl App {
    /// The viewer's mentors now (active or paused mentorships): whom they may share with.
    pub async fn my_mentors(&self, viewer: &Viewer) -> Result<Vec<goals::PersonRef>, AppError> {
        Ok(mentorships::mentors_of(&self.db, viewer.id, i64::MAX)
            .await?
            .into_iter()
            .map(|(id, name)| goals::PersonRef { id, name })
            .collect())
    }
}
