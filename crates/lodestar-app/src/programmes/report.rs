//! A programme's dashboard and report, for its admins and instance admins: how enrolment,
//! matching and the mentorships stand today, and what changed for its mentees since it
//! started (confidence, skill levels, goals, career outcomes, ratings, retention).
//!
//! Everything is an aggregate counted by the store (`lodestar_store::programme_report`),
//! and every figure resting on fewer than [`MIN_GROUP`] distinct people is held back:
//! its value and its people are `null` and it says `suppressed`. No admin reads one
//! person's check-in, goal, level or rating through it, nor anyone's name or id.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{NaiveDate, NaiveTime};
use lodestar_domain::ProgrammeId;
use lodestar_domain::growth::OutcomeKind;
use lodestar_domain::programme::{MIN_GROUP, shown};
use lodestar_store::programme_report::{self as store, Change, Tally};
use lodestar_store::programmes::Programme;
use lodestar_store::{Db, generations};
use serde::Serialize;
use utoipa::ToSchema;

use super::participants::csv_text;
use crate::snapshot::Held;
use crate::{App, AppError, Viewer};

/// The window check-in participation looks back over, in days.
pub const PARTICIPATION_DAYS: i64 = 28;
/// The most skills the report compares.
pub const MAX_SKILLS: i64 = 8;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Programmes whose reports are held at most; beyond, the held ones are let go.
const HELD_REPORTS: usize = 512;

/// One programme's report of one day.
type HeldReport = Arc<Held<ProgrammeReport>>;

/// Programmes' reports, each held per day (UTC) under the reports generation; only today's
/// are kept.
#[derive(Debug, Default)]
pub(crate) struct ReportCache {
    held: Mutex<HashMap<(ProgrammeId, NaiveDate), HeldReport>>,
}

impl ReportCache {
    /// Programme `id`'s report of `today`.
    fn of(&self, id: ProgrammeId, today: NaiveDate) -> HeldReport {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if !held.contains_key(&(id, today)) {
            held.retain(|&(_, day), _| day == today);
            if held.len() >= HELD_REPORTS {
                held.clear();
            }
        }
        Arc::clone(held.entry((id, today)).or_default())
    }
}

/// One figure of a programme's report.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct Figure {
    /// Stable within its section, e.g. `mentee.approved`, `start`, `cancelled`.
    #[schema(example = "mentee.approved")]
    pub key: String,
    /// For the skills section: the skill the figure is about.
    pub group: Option<String>,
    pub label: String,
    /// `count`, `mean` (of a scale: confidence 1–10, a level 1–5, stars 1–5, sessions) or
    /// `share` (0–1).
    #[schema(example = "count")]
    pub unit: String,
    /// None when suppressed.
    pub value: Option<f64>,
    /// The distinct people it rests on; none when suppressed.
    pub people: Option<i64>,
    /// True when it rests on fewer than `min_group` people and is not shown.
    pub suppressed: bool,
}

/// A titled group of figures.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct Section {
    /// `enrolment`, `matching`, `sessions`, `mentorships`, `requests`, `goals`,
    /// `check_ins`; `confidence`, `skills`, `outcomes`, `ratings`, `retention`.
    #[schema(example = "enrolment")]
    pub key: String,
    pub title: String,
    pub figures: Vec<Figure>,
}

/// `GET /api/v1/programmes/{id}/report`: aggregates only.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct ProgrammeReport {
    #[schema(value_type = String, format = Uuid)]
    pub programme_id: ProgrammeId,
    pub programme_name: String,
    pub starts_on: String,
    pub ends_on: String,
    /// The day (UTC) it was counted.
    pub as_of: String,
    /// The fewest distinct people a figure rests on to be shown.
    #[schema(example = 5)]
    pub min_group: i64,
    /// How things stand: enrolment, matching, sessions, stalled mentorships, unanswered
    /// requests, goals, check-in participation.
    pub dashboard: Vec<Section>,
    /// What changed since the start: confidence, skill levels, career outcomes, ratings,
    /// retention.
    pub report: Vec<Section>,
}

impl ProgrammeReport {
    /// Every section, the dashboard's first.
    pub fn sections(&self) -> impl Iterator<Item = &Section> {
        self.dashboard.iter().chain(&self.report)
    }

    /// The section with this key.
    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections().find(|s| s.key == key)
    }
}

/// A figure, held back when it rests on too few people.
fn figure(key: &str, label: &str, unit: &str, value: f64, people: i64) -> Figure {
    let show = shown(people);
    Figure {
        key: key.to_owned(),
        group: None,
        label: label.to_owned(),
        unit: unit.to_owned(),
        value: show.then_some(value),
        people: show.then_some(people),
        suppressed: !show,
    }
}

fn count(key: &str, label: &str, n: i64, people: i64) -> Figure {
    figure(key, label, "count", n as f64, people)
}

/// `part / whole`, to three places; nothing of nothing is 0.
fn share(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 / whole as f64 * 1000.0).round() / 1000.0
    }
}

/// `sum / n`, to two places; the mean of nothing is 0 (and rests on nobody).
fn mean(sum: i64, n: i64) -> f64 {
    if n == 0 {
        0.0
    } else {
        (sum as f64 / n as f64 * 100.0).round() / 100.0
    }
}

fn section(key: &str, title: &str, figures: Vec<Figure>) -> Section {
    Section {
        key: key.to_owned(),
        title: title.to_owned(),
        figures,
    }
}

/// Start and now of a change, as two means.
fn change(key_prefix: Option<&str>, change: Change) -> [Figure; 2] {
    let start = figure(
        "start",
        "At the start",
        "mean",
        mean(change.start, change.people),
        change.people,
    );
    let now = figure(
        "now",
        "Now",
        "mean",
        mean(change.now, change.people),
        change.people,
    );
    [start, now].map(|mut f| {
        f.group = key_prefix.map(str::to_owned);
        f
    })
}

const SESSION_BUCKETS: [(&str, &str); 4] = [
    ("none", "No session"),
    ("1-2", "1–2 sessions"),
    ("3-5", "3–5 sessions"),
    ("6+", "6 or more"),
];

const STATES: [(&str, &str); 4] = [
    ("active", "Active"),
    ("paused", "Paused"),
    ("completed", "Completed"),
    ("cancelled", "Cancelled"),
];

impl App {
    /// A programme's dashboard and report, for its admins and instance admins.
    ///
    /// Counted once per programme, day and [`generations::reports`]: a report is read from
    /// memory until something it counts is written, or the day (UTC) changes.
    pub async fn programme_report(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
    ) -> Result<ProgrammeReport, AppError> {
        let p = self.run_by(viewer, id).await?;
        let today = chrono::Utc::now().date_naive();
        let generation = generations::reports(&self.db).await?;
        let db = self.db.clone();
        let report = self
            .report_cache
            .of(id, today)
            .get(generation, move || count_report(db, p, today))
            .await?;
        Ok(ProgrammeReport::clone(&report))
    }

    /// The report as a CSV file, one row a figure: section, measure, value, people.
    pub async fn programme_report_csv(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
    ) -> Result<String, AppError> {
        let report = self.programme_report(viewer, id).await?;
        report_csv(&report)
    }
}

/// Counts programme `p`'s report as of `today`.
async fn count_report(db: Db, p: Programme, today: NaiveDate) -> Result<ProgrammeReport, AppError> {
    let id = p.id;
    let started = start_ms(p.dates.starts_on);
    let db = &db;

    let enrolled = store::enrolment(db, id).await?;
    let mut enrolment = Vec::new();
    for role in ["mentee", "mentor", "both"] {
        for state in ["approved", "pending"] {
            let n = enrolled
                .iter()
                .find(|(r, s, _)| r == role && s == state)
                .map_or(0, |e| e.2);
            let label = format!(
                "{} {state}",
                match role {
                    "mentee" => "Mentees",
                    "mentor" => "Mentors",
                    _ => "Both mentee and mentor,",
                }
            );
            enrolment.push(count(&format!("{role}.{state}"), &label, n, n));
        }
    }

    let (mentees, matched) = store::matched(db, id).await?;
    let waiting = mentees - matched;
    let matching = vec![
        count("matched", "Mentees matched", matched, matched),
        count("waiting", "Mentees waiting for a match", waiting, waiting),
    ];

    let buckets = store::sessions(db, id).await?;
    let (members, raters) = store::people_in_mentorships(db, id).await?;
    let held: i64 = buckets.iter().map(|b| b.held).sum();
    let made: i64 = buckets.iter().map(|b| b.mentorships).sum();
    let mut sessions = vec![figure(
        "mean",
        "Sessions held per mentorship (mean)",
        "mean",
        mean(held, made),
        members,
    )];
    for (i, (key, label)) in SESSION_BUCKETS.iter().enumerate() {
        let b = buckets
            .iter()
            .find(|b| b.bucket == i as i64)
            .copied()
            .unwrap_or_default();
        sessions.push(count(key, label, b.mentorships, b.people));
    }

    let by_state = store::mentorships(db, id).await?;
    let tally = |state: &str| {
        by_state
            .iter()
            .find(|(s, _, _)| s == state)
            .map_or(Tally::default(), |(_, t, _)| *t)
    };
    let stalled: Tally = by_state
        .iter()
        .find(|(s, _, _)| s == "active")
        .map_or(Tally::default(), |(_, _, stalled)| *stalled);
    let unanswered = store::unanswered(db, id).await?;
    let (goals_set, goals_done) = store::goals(db, id, started).await?;
    let checked = store::checked_in(db, id, start_ms(today) - PARTICIPATION_DAYS * DAY_MS).await?;

    let dashboard = vec![
        section("enrolment", "Enrolment", enrolment),
        section("matching", "Matched and waiting", matching),
        section("sessions", "Sessions held", sessions),
        section(
            "mentorships",
            "Stalled mentorships",
            vec![count(
                "stalled",
                "Active mentorships with no session for a while",
                stalled.count,
                stalled.people,
            )],
        ),
        section(
            "requests",
            "Requests unanswered",
            vec![count(
                "pending",
                "Requests the programme's mentees sent its mentors, waiting for an answer",
                unanswered.count,
                unanswered.people,
            )],
        ),
        section(
            "goals",
            "Goals since the start",
            vec![
                count("set", "Goals set", goals_set.count, goals_set.people),
                count(
                    "achieved",
                    "Goals achieved",
                    goals_done.count,
                    goals_done.people,
                ),
            ],
        ),
        section(
            "check_ins",
            "Check-in participation",
            vec![figure(
                "share",
                &format!("Mentees who checked in during the last {PARTICIPATION_DAYS} days"),
                "share",
                share(checked, mentees),
                mentees,
            )],
        ),
    ];

    let confidence = store::confidence(db, id, started).await?;
    let skills = store::skills(db, id, MAX_SKILLS).await?;
    let outcomes =
        store::outcomes(db, id, &p.dates.starts_on.format("%Y-%m-%d").to_string()).await?;
    let ratings = store::ratings(db, id).await?;

    let outcome_figures = [
        OutcomeKind::Promotion,
        OutcomeKind::NewRole,
        OutcomeKind::NewJob,
        OutcomeKind::Certification,
        OutcomeKind::StretchAssignment,
        OutcomeKind::TalkGiven,
        OutcomeKind::Other,
    ]
    .into_iter()
    .map(|kind| {
        let t = outcomes
            .iter()
            .find(|(k, _)| k == kind.as_str())
            .map_or(Tally::default(), |(_, t)| *t);
        count(kind.as_str(), kind.label(), t.count, t.people)
    })
    .collect();

    let rated: i64 = ratings.iter().map(|(_, t)| t.count).sum();
    let stars: i64 = ratings.iter().map(|(s, t)| s * t.count).sum();
    let mut rating_figures = vec![figure(
        "mean",
        "Mean rating (1–5 stars)",
        "mean",
        mean(stars, rated),
        raters,
    )];
    for s in 1..=5_i64 {
        let t = ratings
            .iter()
            .find(|(stars, _)| *stars == s)
            .map_or(Tally::default(), |(_, t)| *t);
        let label = if s == 1 {
            "1 star".to_owned()
        } else {
            format!("{s} stars")
        };
        rating_figures.push(count(&s.to_string(), &label, t.count, t.people));
    }

    let total: i64 = by_state.iter().map(|(_, t, _)| t.count).sum();
    let retention = STATES
        .iter()
        .map(|(state, label)| {
            let t = tally(state);
            figure(state, label, "share", share(t.count, total), t.people)
        })
        .collect();

    let report = vec![
        section(
            "confidence",
            "Confidence (1–10), first check-in against latest",
            change(None, confidence).into(),
        ),
        section(
            "skills",
            "Skill levels (1–5) the mentees want to grow, first assessment against latest",
            skills
                .into_iter()
                .flat_map(|(skill, c)| change(Some(&skill), c))
                .collect(),
        ),
        section(
            "outcomes",
            "Career outcomes since the start",
            outcome_figures,
        ),
        section(
            "ratings",
            "Ratings of completed mentorships",
            rating_figures,
        ),
        section("retention", "Retention of the mentorships", retention),
    ];

    Ok(ProgrammeReport {
        programme_id: p.id,
        programme_name: p.name,
        starts_on: p.dates.starts_on.format("%Y-%m-%d").to_string(),
        ends_on: p.dates.ends_on.format("%Y-%m-%d").to_string(),
        as_of: today.format("%Y-%m-%d").to_string(),
        min_group: MIN_GROUP,
        dashboard,
        report,
    })
}

/// Midnight UTC of `day`, in epoch ms.
fn start_ms(day: NaiveDate) -> i64 {
    day.and_time(NaiveTime::MIN).and_utc().timestamp_millis()
}

/// The report's CSV: `section, measure, value, people`; a figure held back says so in its
/// value and leaves its people empty.
pub fn report_csv(report: &ProgrammeReport) -> Result<String, AppError> {
    let header = ["section", "measure", "value", "people"].map(str::to_owned);
    let rows = report.sections().flat_map(|s| {
        s.figures.iter().map(|f| {
            let measure = match &f.group {
                Some(g) => format!("{g}: {}", f.label),
                None => f.label.clone(),
            };
            let value = match f.value {
                None => format!("not shown: fewer than {MIN_GROUP} people"),
                Some(v) if f.unit == "count" => format!("{v:.0}"),
                Some(v) => format!("{v}"),
            };
            vec![
                s.title.clone(),
                measure,
                value,
                f.people.map(|p| p.to_string()).unwrap_or_default(),
            ]
        })
    });
    csv_text(std::iter::once(header.to_vec()).chain(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_of_four_people_is_held_back_and_of_five_shown() {
        let four = count("x", "X", 4, 4);
        assert_eq!(
            (four.value, four.people, four.suppressed),
            (None, None, true)
        );
        let five = count("x", "X", 5, 5);
        assert_eq!(
            (five.value, five.people, five.suppressed),
            (Some(5.0), Some(5), false)
        );
    }

    #[test]
    fn means_and_shares_of_nothing_are_zero_and_rounded_otherwise() {
        assert_eq!(mean(0, 0), 0.0);
        assert_eq!(mean(10, 3), 3.33);
        assert_eq!(share(0, 0), 0.0);
        assert_eq!(share(2, 3), 0.667);
    }

    #[test]
    fn the_csv_names_what_it_holds_back() {
        let report = ProgrammeReport {
            programme_id: ProgrammeId::new(),
            programme_name: "P".into(),
            starts_on: "2027-01-01".into(),
            ends_on: "2027-06-30".into(),
            as_of: "2027-03-01".into(),
            min_group: MIN_GROUP,
            dashboard: vec![section(
                "goals",
                "Goals",
                vec![
                    count("set", "=Goals set", 12, 7),
                    count("achieved", "Achieved", 2, 2),
                ],
            )],
            report: Vec::new(),
        };
        let text = report_csv(&report).expect("the CSV is written");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "section,measure,value,people");
        assert_eq!(lines[1], "Goals,'=Goals set,12,7");
        assert_eq!(lines[2], "Goals,Achieved,not shown: fewer than 5 people,");
    }
}
