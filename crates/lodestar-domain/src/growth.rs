//! Growth: a mentee's goals and their milestones, and confidence check-ins.
//!
//! A goal says what and why, how success is measured, and by when; it moves from `active`
//! to `achieved`, `dropped` or `paused` ([`GoalStatus::can_become`]). Its progress comes from
//! its milestones when it has any, else from what its owner says ([`progress`]). A check-in
//! holds confidence from 1 to 10; a marked drop — at least 3 below the average of the last
//! three — is what prompts a gentle word ([`marked_drop`]). A career outcome — a promotion,
//! a new job, a certification — is an [`OutcomeKind`] on a day that has happened
//! ([`outcome_date`]).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::mentoring::{UnknownValue, text_enum};
use crate::text::{TextError, multi_line, one_line};

/// The longest goal title, in characters.
pub const MAX_GOAL_TITLE: usize = 200;
/// The longest "why", "how it is measured", obstacle or plan.
pub const MAX_GOAL_TEXT: usize = 2000;
/// The longest milestone title.
pub const MAX_MILESTONE_TITLE: usize = 200;
/// The most milestones a goal may have.
pub const MAX_MILESTONES: usize = 30;
/// How far ahead a target date may be, in days (ten years).
pub const MAX_TARGET_DAYS: i64 = 3653;
/// The longest title of a career outcome.
pub const MAX_OUTCOME_TITLE: usize = 200;
/// How far back a career outcome may lie, in years: a working life.
pub const MAX_OUTCOME_YEARS: i32 = 60;

text_enum!(
    /// Where a goal stands.
    GoalStatus {
        Active => "active",
        Achieved => "achieved",
        Dropped => "dropped",
        Paused => "paused",
    }
);

impl GoalStatus {
    /// Whether a goal may move from `self` to `to`. An active goal is achieved, dropped or
    /// paused; a paused one resumes, or is achieved or dropped; an achieved or dropped goal
    /// can be taken up again.
    pub fn can_become(self, to: GoalStatus) -> bool {
        use GoalStatus::{Achieved, Active, Dropped, Paused};
        matches!(
            (self, to),
            (Active, Achieved | Dropped | Paused)
                | (Paused, Active | Achieved | Dropped)
                | (Achieved | Dropped, Active)
        )
    }

    /// Whether the goal is still being worked on (its due dates remind).
    pub fn is_open(self) -> bool {
        self == GoalStatus::Active
    }
}

text_enum!(
    /// Where a milestone stands: a mentor's suggestion waits for the goal's owner, who
    /// accepts it into the plan or not. Only accepted milestones count towards progress.
    MilestoneState {
        Accepted => "accepted",
        Suggested => "suggested",
        Declined => "declined",
    }
);

/// Why a goal's field was refused. The messages read after the field's name.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum GoalError {
    #[error("must not be empty")]
    Empty,
    #[error(transparent)]
    Text(#[from] TextError),
    #[error("must be a date such as 2027-03-31")]
    Date,
    #[error("must not be in the past")]
    Past,
    #[error("must be within ten years")]
    TooFar,
    #[error("must not be in the future")]
    Future,
    #[error("must be within the last {MAX_OUTCOME_YEARS} years")]
    TooLongAgo,
    #[error("must be a whole number from 0 to 100")]
    Percent,
    #[error("may have at most {MAX_MILESTONES} milestones")]
    TooManyMilestones,
}

/// A required line of text: trimmed, not empty, at most `max` characters, one line.
pub fn required_line(raw: &str, max: usize) -> Result<String, GoalError> {
    let text = one_line(raw, max)?;
    if text.is_empty() {
        return Err(GoalError::Empty);
    }
    Ok(text)
}

/// Optional text over several lines: trimmed, at most [`MAX_GOAL_TEXT`] characters.
pub fn optional_text(raw: &str) -> Result<String, GoalError> {
    Ok(multi_line(raw, MAX_GOAL_TEXT)?)
}

/// A date as `YYYY-MM-DD`.
pub fn parse_date(raw: &str) -> Result<NaiveDate, GoalError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| GoalError::Date)
}

/// A goal's target date, set or moved on `today` (the owner's local date): not before
/// today, and within ten years.
pub fn target_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, GoalError> {
    let date = parse_date(raw)?;
    if date < today {
        return Err(GoalError::Past);
    }
    if (date - today).num_days() > MAX_TARGET_DAYS {
        return Err(GoalError::TooFar);
    }
    Ok(date)
}

text_enum!(
    /// What kind of career event an outcome is.
    OutcomeKind {
        Promotion => "promotion",
        NewRole => "new_role",
        NewJob => "new_job",
        Certification => "certification",
        StretchAssignment => "stretch_assignment",
        TalkGiven => "talk_given",
        Other => "other",
    }
);

impl OutcomeKind {
    /// How the pages name it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Promotion => "Promotion",
            Self::NewRole => "New role",
            Self::NewJob => "New job",
            Self::Certification => "Certification",
            Self::StretchAssignment => "Stretch assignment",
            Self::TalkGiven => "Talk given",
            Self::Other => "Other",
        }
    }
}

/// The day a career outcome happened, recorded on `today` (the owner's local date): a
/// real date, not after today, and not more than [`MAX_OUTCOME_YEARS`] years before it.
pub fn outcome_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, GoalError> {
    let date = parse_date(raw)?;
    if date > today {
        return Err(GoalError::Future);
    }
    let earliest = today
        .with_year(today.year() - MAX_OUTCOME_YEARS)
        // Sixty years before a 29 February may have none (2160 → 2100): the 28th.
        .or_else(|| {
            today
                .pred_opt()?
                .with_year(today.year() - MAX_OUTCOME_YEARS)
        })
        .unwrap_or(NaiveDate::MIN);
    if date < earliest {
        return Err(GoalError::TooLongAgo);
    }
    Ok(date)
}

/// A progress its owner states, for a goal without milestones: 0–100.
pub fn stated_percent(value: i64) -> Result<u8, GoalError> {
    u8::try_from(value)
        .ok()
        .filter(|p| *p <= 100)
        .ok_or(GoalError::Percent)
}

/// A goal's progress in percent: the share of its milestones done (rounded down, so 100
/// means every one is), or what its owner stated when it has none. An achieved goal is
/// at 100.
pub fn progress(status: GoalStatus, milestones_done: &[bool], stated: u8) -> u8 {
    if status == GoalStatus::Achieved {
        return 100;
    }
    if milestones_done.is_empty() {
        return stated.min(100);
    }
    let done = milestones_done.iter().filter(|d| **d).count();
    // At most MAX_MILESTONES in practice; the arithmetic holds for any length.
    u8::try_from(done * 100 / milestones_done.len()).unwrap_or(100)
}

/// Whether a milestone due on `due` is overdue on `today`: not done and its day has passed.
pub fn overdue(due: NaiveDate, done: bool, today: NaiveDate) -> bool {
    !done && due < today
}

/// Confidence in a check-in: a whole number from 1 to 10.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Confidence(u8);

/// A confidence outside 1–10.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
#[error("must be a whole number from 1 to 10")]
pub struct ConfidenceError;

impl Confidence {
    pub fn new(value: i64) -> Result<Self, ConfidenceError> {
        u8::try_from(value)
            .ok()
            .filter(|v| (1..=10).contains(v))
            .map(Self)
            .ok_or(ConfidenceError)
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// The longest name of a check-in's area ("speaking up in meetings").
pub const MAX_AREA: usize = 80;
/// The most areas one check-in rates.
pub const MAX_AREAS: usize = 8;
/// The longest reflection of a check-in (what went well, what is hard, what I need).
pub const MAX_REFLECTION: usize = 2000;

/// A check-in's areas with their confidence, in the order given.
pub type Areas = Vec<(String, Confidence)>;
/// Why areas were refused: the position of each bad one (from 0) and what is wrong.
pub type AreaErrors = Vec<(usize, String)>;

/// A check-in's areas, each rated: names trimmed, one line, not empty, at most
/// [`MAX_AREA`] characters, no name twice (ignoring case), at most [`MAX_AREAS`].
/// Errors name the area's position, from 0.
pub fn check_in_areas(raw: &[(String, i64)]) -> Result<Areas, AreaErrors> {
    let mut errors = Vec::new();
    let mut areas: Vec<(String, Confidence)> = Vec::new();
    if raw.len() > MAX_AREAS {
        errors.push((MAX_AREAS, format!("at most {MAX_AREAS} areas")));
    }
    for (i, (name, value)) in raw.iter().enumerate() {
        let name = match required_line(name, MAX_AREA) {
            Ok(name) => name,
            Err(e) => {
                errors.push((i, format!("name {e}")));
                continue;
            }
        };
        if areas.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            errors.push((i, "is named twice".into()));
            continue;
        }
        match Confidence::new(*value) {
            Ok(c) => areas.push((name, c)),
            Err(e) => errors.push((i, format!("confidence {e}"))),
        }
    }
    if errors.is_empty() {
        Ok(areas)
    } else {
        Err(errors)
    }
}

/// How much below the average of the last three check-ins a confidence must be to count
/// as a marked drop.
pub const MARKED_DROP: f64 = 3.0;

/// Whether `now` is a marked drop after `earlier` (oldest first): at least
/// [`MARKED_DROP`] below the average of the last three. With fewer than three before it
/// there is no trend yet to drop from.
pub fn marked_drop(earlier: &[Confidence], now: Confidence) -> bool {
    let Some(last_three) = earlier.len().checked_sub(3).map(|from| &earlier[from..]) else {
        return false;
    };
    let average = last_three.iter().map(|c| f64::from(c.get())).sum::<f64>() / 3.0;
    average - f64::from(now.get()) >= MARKED_DROP
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    fn confidences(values: &[i64]) -> Vec<Confidence> {
        values
            .iter()
            .map(|v| Confidence::new(*v).unwrap())
            .collect()
    }

    #[test]
    fn a_goal_moves_from_active_and_back_only_along_its_transitions() {
        use GoalStatus::{Achieved, Active, Dropped, Paused};
        for to in [Achieved, Dropped, Paused] {
            assert!(Active.can_become(to), "active → {to:?}");
        }
        assert!(Paused.can_become(Active));
        assert!(Achieved.can_become(Active) && Dropped.can_become(Active));
        for (from, to) in [
            (Active, Active),
            (Achieved, Dropped),
            (Dropped, Paused),
            (Achieved, Paused),
        ] {
            assert!(!from.can_become(to), "{from:?} → {to:?}");
        }
        assert_eq!("paused".parse::<GoalStatus>(), Ok(Paused));
        assert!("done".parse::<GoalStatus>().is_err());
    }

    #[test]
    fn progress_comes_from_the_milestones_when_there_are_any() {
        use GoalStatus::{Achieved, Active};
        assert_eq!(progress(Active, &[], 40), 40);
        assert_eq!(progress(Active, &[true, false, false], 90), 33);
        assert_eq!(progress(Active, &[true, true, false], 0), 66);
        assert_eq!(progress(Active, &[true, true], 0), 100);
        assert_eq!(progress(Achieved, &[false], 0), 100);
        assert_eq!(stated_percent(101), Err(GoalError::Percent));
        assert_eq!(stated_percent(-1), Err(GoalError::Percent));
        assert_eq!(stated_percent(55), Ok(55));
    }

    #[test]
    fn a_target_date_is_a_real_date_from_today_to_ten_years_ahead() {
        let today = day("2026-12-05");
        assert_eq!(target_date("2026-12-05", today), Ok(today));
        assert_eq!(target_date(" 2027-03-31 ", today), Ok(day("2027-03-31")));
        assert_eq!(target_date("2026-12-04", today), Err(GoalError::Past));
        assert_eq!(target_date("2037-01-01", today), Err(GoalError::TooFar));
        assert_eq!(target_date("2027-02-30", today), Err(GoalError::Date));
        assert_eq!(target_date("31/03/2027", today), Err(GoalError::Date));
    }

    #[test]
    fn an_outcome_happened_between_sixty_years_ago_and_today() {
        let today = day("2026-12-05");
        assert_eq!(outcome_date("2026-12-05", today), Ok(today));
        assert_eq!(outcome_date(" 2025-03-31", today), Ok(day("2025-03-31")));
        assert_eq!(outcome_date("2026-12-06", today), Err(GoalError::Future));
        assert_eq!(outcome_date("1966-12-05", today), Ok(day("1966-12-05")));
        assert_eq!(
            outcome_date("1966-12-04", today),
            Err(GoalError::TooLongAgo)
        );
        assert_eq!(outcome_date("2026-02-30", today), Err(GoalError::Date));
        // Sixty years before a 29 February, in a year without one, is the 28th.
        let leap = day("2160-02-29");
        assert_eq!(outcome_date("2100-02-28", leap), Ok(day("2100-02-28")));
        assert_eq!(outcome_date("2100-02-27", leap), Err(GoalError::TooLongAgo));
        assert_eq!(
            "talk_given".parse::<OutcomeKind>(),
            Ok(OutcomeKind::TalkGiven)
        );
        assert_eq!(OutcomeKind::NewJob.as_str(), "new_job");
        let unknown = "knighthood".parse::<OutcomeKind>().unwrap_err().to_string();
        assert!(unknown.contains("promotion, new_role"), "{unknown}");
    }

    #[test]
    fn a_milestone_is_overdue_once_its_day_has_passed_undone() {
        let due = day("2026-12-05");
        assert!(!overdue(due, false, due));
        assert!(overdue(due, false, day("2026-12-06")));
        assert!(!overdue(due, true, day("2026-12-06")));
    }

    #[test]
    fn titles_are_required_single_lines_and_texts_may_be_empty() {
        assert_eq!(
            required_line("  Speak at the all-hands ", MAX_GOAL_TITLE).unwrap(),
            "Speak at the all-hands"
        );
        assert_eq!(required_line("   ", MAX_GOAL_TITLE), Err(GoalError::Empty));
        assert!(required_line("two\nlines", MAX_GOAL_TITLE).is_err());
        assert!(required_line(&"x".repeat(MAX_GOAL_TITLE + 1), MAX_GOAL_TITLE).is_err());
        assert_eq!(optional_text("").unwrap(), "");
        assert_eq!(
            optional_text("because\nit matters").unwrap(),
            "because\nit matters"
        );
    }

    #[test]
    fn a_check_in_rates_distinct_named_areas() {
        let raw = |items: &[(&str, i64)]| -> Vec<(String, i64)> {
            items.iter().map(|(n, v)| ((*n).to_owned(), *v)).collect()
        };
        let areas = check_in_areas(&raw(&[(" Speaking up ", 4), ("Saying no", 7)])).unwrap();
        assert_eq!(areas[0].0, "Speaking up");
        assert_eq!(areas[1].1.get(), 7);
        let errors = check_in_areas(&raw(&[
            ("Speaking up", 4),
            ("speaking UP", 5),
            ("", 3),
            ("x", 11),
        ]))
        .unwrap_err();
        let at: Vec<usize> = errors.iter().map(|(i, _)| *i).collect();
        assert_eq!(at, vec![1, 2, 3]);
        assert!(errors[2].1.contains("1 to 10"));
        assert!(check_in_areas(&raw(&[("a", 1); 9].map(|(n, v)| (n, v)))).is_err());
        assert_eq!(
            "declined".parse::<MilestoneState>(),
            Ok(MilestoneState::Declined)
        );
    }

    #[test]
    fn confidence_is_one_to_ten() {
        assert_eq!(Confidence::new(0), Err(ConfidenceError));
        assert_eq!(Confidence::new(11), Err(ConfidenceError));
        assert_eq!(Confidence::new(1).map(Confidence::get), Ok(1));
        assert_eq!(Confidence::new(10).map(Confidence::get), Ok(10));
        assert_eq!(
            ConfidenceError.to_string(),
            "must be a whole number from 1 to 10"
        );
    }

    #[test]
    fn a_marked_drop_is_three_below_the_average_of_the_last_three() {
        let now = |v| Confidence::new(v).unwrap();
        // Too few check-ins before it: no trend to drop from.
        assert!(!marked_drop(&confidences(&[8, 8]), now(2)));
        // Average 7: 4 is a drop of exactly 3, 5 is not.
        assert!(marked_drop(&confidences(&[7, 7, 7]), now(4)));
        assert!(!marked_drop(&confidences(&[7, 7, 7]), now(5)));
        // Only the last three count.
        assert!(!marked_drop(&confidences(&[10, 10, 4, 5, 6]), now(3)));
        assert!(marked_drop(&confidences(&[1, 1, 8, 8, 9]), now(5)));
    }
}
