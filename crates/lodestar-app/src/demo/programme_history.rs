//! The first half of the running programme's life, as if its match had been published on
//! its start date: each mentorship the publish made begins within the programme's first
//! week, and has met every two to three weeks since, with notes and action items; about
//! one in seven has gone quiet (stalled), a couple are paused, about one in six completed
//! early with both sides' ratings and reflections, about one in twelve was cancelled, and
//! the others are active with their next session in the coming fortnight. The demo
//! mentor's mentorship stays active. Its mentees check in about every two weeks with their
//! confidence rising, assess the skills they want to grow near the start and are assessed
//! by their mentor in the last month, set goals (shared with their programme mentor, some
//! achieved), and about half record a career outcome.
//!
//! The rules the services keep hold here too: no mentorship is made, so capacity stands as
//! the publish left it; a goal is shared only with the owner's programme mentor, made
//! while they mentor them; a check-in's marked drop is the domain's rule over the ones
//! before it; a mentee who already keeps check-ins on a plan keeps that plan, and no second
//! series is added; an outcome is credited to the programme mentorship only when it
//! happened while that mentorship ran. Which story each mentorship tells depends on the
//! seed and its members alone; the times are relative to the programme's start and now.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use lodestar_domain::growth::{Confidence, OutcomeKind, marked_drop};
use lodestar_domain::{PersonId, ProgrammeId, SkillId};
use lodestar_store::bulk_growth::{
    BulkAssessment, BulkCheckIn, BulkCheckInPlan, BulkGoal, BulkGrowth, BulkMilestone, BulkOutcome,
};
use lodestar_store::bulk_mentoring::{
    BulkActionItem, BulkEvent, BulkMeeting, BulkMentoring, BulkNote,
};
use lodestar_store::bulk_programme::{Closing, ProgrammeMentorship, Restated};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{RngExt, SeedableRng};

use super::growth;
use super::history::{self, Person, date};
use crate::{App, AppError};

const DAY: i64 = 24 * 60 * 60 * 1000;
const HOUR: i64 = 60 * 60 * 1000;

const MENTOR_REFLECTIONS: &[&str] = &[
    "A pleasure to work with: clear goals, and the work done between sessions.",
    "We covered more than we planned. I learned a lot about mentoring from it.",
    "Finished early because the goals were met; happy to be asked again.",
];
const CANCELLED: &[&str] = &[
    "Changing roles and cannot keep the time",
    "Moving to another office; we agreed to stop here",
];

/// What the running programme's first months hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProgrammeHistoryCounts {
    pub sessions_held: usize,
    pub stalled: usize,
    pub paused: usize,
    pub completed: usize,
    pub cancelled: usize,
    pub check_ins: usize,
    pub goals: usize,
    pub outcomes: usize,
}

/// How one of the programme's mentorships has gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Story {
    Active,
    Stalled,
    Paused,
    Completed,
    Cancelled,
}

/// Everything the programme's months add.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProgrammeHistory {
    pub restated: Vec<Restated>,
    pub mentoring: BulkMentoring,
    pub growth: BulkGrowth,
    pub counts: ProgrammeHistoryCounts,
}

/// The stories of `n` mentorships, in order: one in six completed, one in twelve cancelled,
/// one in seven stalled, a couple paused, the rest active; `keep` (the demo's logins'
/// mentorships) stay active.
fn stories(rng: &mut StdRng, n: usize, keep: &[bool]) -> Vec<Story> {
    let mut open: Vec<usize> = (0..n).filter(|&i| !keep[i]).collect();
    open.shuffle(rng);
    let paused = if n >= 10 { 2 } else { n / 5 };
    let mut told = vec![Story::Active; n];
    let mut next = open.into_iter();
    for (story, count) in [
        (Story::Completed, (n + 3) / 6),
        (Story::Cancelled, (n + 6) / 12),
        (Story::Stalled, (n + 3) / 7),
        (Story::Paused, paused),
    ] {
        for i in next.by_ref().take(count) {
            told[i] = story;
        }
    }
    told
}

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or_default()
}

fn uuid(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

/// A time on the day of `at`, at `hour` UTC.
fn at_hour(at: i64, hour: i64) -> i64 {
    at - at.rem_euclid(DAY) + hour * HOUR
}

/// Generates the programme's months for its `mentorships` (as the store reads them back),
/// beginning at `starts_at`. `growth` is the growth records already generated: a mentee
/// on a check-in plan keeps it, and their latest level of a skill is where they start.
#[allow(clippy::too_many_arguments)]
pub(crate) fn generate(
    mentorships: &[ProgrammeMentorship],
    people: &[Person],
    growth: &[BulkGrowth],
    names: &HashMap<SkillId, String>,
    featured: &[PersonId],
    starts_at: i64,
    seed: u64,
    now: i64,
) -> ProgrammeHistory {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0068_616c_6677_6179);
    let by_id: HashMap<String, &Person> = people.iter().map(|p| (p.id.to_string(), p)).collect();
    let featured: HashSet<String> = featured.iter().map(ToString::to_string).collect();
    let planned: HashSet<&str> = growth
        .iter()
        .flat_map(|g| &g.plans)
        .map(|p| p.person_id.as_str())
        .collect();
    let mut latest: HashMap<(&str, &str), (i64, i64)> = HashMap::new();
    for a in growth.iter().flat_map(|g| &g.assessments) {
        let entry = latest
            .entry((a.person_id.as_str(), a.skill_id.as_str()))
            .or_insert((a.created_at, a.level));
        if a.created_at >= entry.0 {
            *entry = (a.created_at, a.level);
        }
    }
    let keep: Vec<bool> = mentorships
        .iter()
        .map(|m| {
            featured.contains(&m.mentor_id) || m.mentee_ids.iter().any(|e| featured.contains(e))
        })
        .collect();
    let stories = stories(&mut rng, mentorships.len(), &keep);
    let mut out = ProgrammeHistory::default();
    for (m, story) in mentorships.iter().zip(stories) {
        let time_zone = m
            .mentee_ids
            .first()
            .and_then(|id| by_id.get(id))
            .map_or_else(|| "UTC".to_owned(), |p| p.time_zone.clone());
        let mut life = Life {
            rng: &mut rng,
            out: &mut out,
            m,
            story,
            time_zone,
            now,
        };
        let span = life.mentorship(starts_at);
        for mentee in &m.mentee_ids {
            let Some(person) = by_id.get(mentee) else {
                continue;
            };
            if !planned.contains(mentee.as_str()) {
                life.check_ins(mentee, &span);
            }
            let levels: Vec<(SkillId, Option<i64>)> = person
                .grows
                .iter()
                .map(|s| {
                    let skill = s.to_string();
                    (
                        *s,
                        latest.get(&(mentee.as_str(), skill.as_str())).map(|l| l.1),
                    )
                })
                .collect();
            life.skills(mentee, &levels, names, &span);
            let achieved = life.goals(mentee, &person.grows, names, &span);
            life.outcomes(mentee, &achieved, &span);
        }
    }
    out
}

/// When a mentorship began and, if it has, ended.
struct Span {
    started_at: i64,
    ended_at: Option<i64>,
}

struct Life<'a> {
    rng: &'a mut StdRng,
    out: &'a mut ProgrammeHistory,
    m: &'a ProgrammeMentorship,
    story: Story,
    /// The mentee's, for the sessions.
    time_zone: String,
    now: i64,
}

impl Life<'_> {
    /// The mentorship's own months: its start, sessions, notes, action items, ending.
    fn mentorship(&mut self, starts_at: i64) -> Span {
        let now = self.now;
        let started_at = (starts_at + self.rng.random_range(0..6 * 24) * HOUR).min(now - 30 * DAY);
        let mentee = self.m.mentee_ids.first().cloned().unwrap_or_default();
        let mentor = self.m.mentor_id.clone();
        // The last day a session could have been held, and the ending.
        let (until, ended_at) = match self.story {
            Story::Active => (now - DAY, None),
            Story::Paused => (now - self.rng.random_range(10..25) * DAY, None),
            Story::Stalled => (now - self.rng.random_range(35..55) * DAY, None),
            Story::Completed => {
                let end = (now - self.rng.random_range(5..30) * DAY).max(started_at + 40 * DAY);
                (end - DAY, Some(end.min(now - HOUR)))
            }
            Story::Cancelled => {
                let end = (started_at + self.rng.random_range(25..50) * DAY).min(now - DAY);
                (end - DAY, Some(end))
            }
        };
        let cadence_days = self.rng.random_range(14..=21);
        let mut past = Vec::new();
        let mut at = at_hour(
            started_at + self.rng.random_range(2..=5) * DAY,
            self.rng.random_range(9..17),
        );
        while at <= until {
            past.push(at);
            at = at_hour(
                at + (cadence_days + self.rng.random_range(-2..=2)) * DAY,
                self.rng.random_range(9..17),
            );
        }
        let mut held = Vec::new();
        for (n, &starts) in past.iter().enumerate() {
            let last = n + 1 == past.len();
            let state = match self.rng.random_range(0..100) {
                // A completed mentorship's last session is its closing one.
                _ if last && self.story == Story::Completed => "held",
                0..5 => "no_show",
                5..12 => "cancelled",
                _ => "held",
            };
            let meeting = self.meeting(&mentee, starts, state);
            if state == "held" {
                held.push((starts, meeting));
            }
        }
        self.out.counts.sessions_held += held.len();
        let running = matches!(self.story, Story::Active | Story::Stalled | Story::Paused);
        for (n, (starts, meeting)) in held.iter().enumerate() {
            let author = if n % 2 == 0 { &mentee } else { &mentor };
            if self.rng.random_range(0..100) < 70 {
                let body = pick(self.rng, history::NOTES).into();
                self.note(meeting, author, false, body, starts + HOUR);
            }
            if self.rng.random_range(0..100) < 25 {
                let body = pick(self.rng, history::PRIVATE_NOTES).into();
                self.note(meeting, author, true, body, starts + HOUR);
            }
            // Action items from the last two sessions; the older one is done.
            if n + 2 >= held.len() {
                let due = starts + cadence_days * DAY;
                let open = running && n + 1 == held.len();
                self.out.mentoring.action_items.push(BulkActionItem {
                    mentorship_id: self.m.id.clone(),
                    meeting_id: Some(meeting.clone()),
                    title: pick(self.rng, history::ACTIONS).into(),
                    owner_id: mentee.clone(),
                    created_by: mentor.clone(),
                    due_on: Some(date(due)),
                    done_at: (!open).then_some((due - DAY).min(now - HOUR)),
                    created_at: starts + HOUR,
                });
            }
        }
        let last_session = past.last().copied().unwrap_or(started_at);
        let mut last_activity_at = last_session;
        let event = |kind, actor: Option<&String>, detail: &str, at| BulkEvent {
            mentorship_id: self.m.id.clone(),
            actor_id: actor.cloned(),
            kind,
            detail: detail.to_owned(),
            at,
        };
        let mut stalled_since = None;
        let mut resume_on = None;
        let mut updated_at = started_at;
        let mut closing = Vec::new();
        match self.story {
            Story::Active => {
                // The next session, booked at the end of the last one, in the coming fortnight.
                let due = (last_session + cadence_days * DAY).clamp(now + DAY, now + 13 * DAY);
                let next = at_hour(due, self.rng.random_range(9..17));
                let booked = (last_session + 2 * HOUR).min(now - HOUR);
                let id = self.meeting(&mentee, next, "scheduled");
                if let Some(m) = self.out.mentoring.meetings.iter_mut().find(|m| m.id == id) {
                    m.created_at = booked;
                }
                last_activity_at = booked;
            }
            Story::Stalled => {
                let since = (last_session + 21 * DAY).min(now - HOUR);
                stalled_since = Some(since);
                let e = event("stalled", None, "No session for three weeks", since);
                self.out.mentoring.events.push(e);
                self.out.counts.stalled += 1;
            }
            Story::Paused => {
                let at = (until + DAY).min(now - HOUR);
                updated_at = at;
                resume_on = Some(date(now + self.rng.random_range(7..30) * DAY));
                let e = event("paused", Some(&mentee), "A busy month at work", at);
                self.out.mentoring.events.push(e);
                self.out.counts.paused += 1;
            }
            Story::Completed => {
                let at = ended_at.unwrap_or(now - HOUR);
                updated_at = at;
                let e = event(
                    "completed",
                    Some(&mentee),
                    "We reached the goals we set",
                    at,
                );
                self.out.mentoring.events.push(e);
                for (person, words) in [
                    (&mentee, history::REFLECTIONS),
                    (&mentor, MENTOR_REFLECTIONS),
                ] {
                    let rating = match self.rng.random_range(0..100) {
                        0..15 => 3,
                        15..55 => 4,
                        _ => 5,
                    };
                    closing.push(Closing {
                        person_id: person.clone(),
                        reflection: pick(self.rng, words).into(),
                        rating: Some(rating),
                    });
                }
                self.out.counts.completed += 1;
            }
            Story::Cancelled => {
                let at = ended_at.unwrap_or(now - HOUR);
                updated_at = at;
                let reason = pick(self.rng, CANCELLED);
                let who = if self.rng.random_range(0..2) == 0 {
                    &mentor
                } else {
                    &mentee
                };
                let e = event("cancelled", Some(who), reason, at);
                self.out.mentoring.events.push(e);
                self.out.counts.cancelled += 1;
            }
        }
        self.out.restated.push(Restated {
            id: self.m.id.clone(),
            mentor_id: self.m.mentor_id.clone(),
            mentee_ids: self.m.mentee_ids.clone(),
            state: match self.story {
                Story::Active | Story::Stalled => "active",
                Story::Paused => "paused",
                Story::Completed => "completed",
                Story::Cancelled => "cancelled",
            },
            goals: pick(self.rng, history::GOALS).into(),
            started_at,
            updated_at,
            ended_at,
            last_activity_at,
            stalled_since,
            resume_on,
            notice_read_at: started_at + self.rng.random_range(1..20) * HOUR,
            closing,
        });
        Span {
            started_at,
            ended_at,
        }
    }

    fn meeting(&mut self, organizer: &str, starts_at: i64, state: &'static str) -> String {
        let id = uuid(self.rng);
        self.out.mentoring.meetings.push(BulkMeeting {
            id: id.clone(),
            mentorship_id: self.m.id.clone(),
            organizer_id: organizer.to_owned(),
            starts_at,
            duration_minutes: [30, 45, 60][self.rng.random_range(0..3)],
            time_zone: self.time_zone.clone(),
            location: pick(self.rng, history::PLACES).into(),
            agenda: "Catch up on the action items; the next step towards the goal.".into(),
            state,
            cancel_reason: if state == "cancelled" {
                "Clash with a deadline".into()
            } else {
                String::new()
            },
            sequence: 0,
            created_at: (starts_at - 10 * DAY).min(self.now - HOUR),
        });
        id
    }

    fn note(&mut self, meeting: &str, author: &str, private: bool, body: String, at: i64) {
        self.out.mentoring.notes.push(BulkNote {
            meeting_id: meeting.to_owned(),
            author_id: author.to_owned(),
            private,
            body,
            at,
        });
    }

    /// A fortnightly check-in plan from the start, confidence rising from about 5 to about
    /// 7 with noise; after a cancelled mentorship, given up.
    fn check_ins(&mut self, mentee: &str, span: &Span) {
        let begun = span.started_at + self.rng.random_range(1..4) * DAY;
        // A mentee whose mentorship was cancelled stopped checking in soon after.
        let until = span
            .ended_at
            .filter(|_| self.story == Story::Cancelled)
            .map_or(self.now - HOUR, |end| {
                (end + self.rng.random_range(0..14) * DAY).min(self.now - HOUR)
            });
        self.out.growth.plans.push(BulkCheckInPlan {
            person_id: mentee.to_owned(),
            cadence: "fortnightly",
            started_at: begun,
        });
        let count = ((until - begun) / (14 * DAY) + 1).max(1);
        let start = self.rng.random_range(4.3..5.7);
        let end = self.rng.random_range(6.3..7.8);
        let mut earlier: Vec<Confidence> = Vec::new();
        for i in 0..count {
            let created_at =
                (begun + i * 14 * DAY + self.rng.random_range(0..30) * HOUR).min(self.now - HOUR);
            let trend = start + (end - start) * i as f64 / (count - 1).max(1) as f64;
            let noise =
                (self.rng.random_range(0.0..1.0) + self.rng.random_range(0.0..1.0) - 1.0) * 1.4;
            let value = (trend + noise).round().clamp(1.0, 10.0) as i64;
            let Ok(confidence) = Confidence::new(value) else {
                continue;
            };
            let dropped = marked_drop(&earlier, confidence);
            earlier.push(confidence);
            let area_count = self.rng.random_range(0..=2);
            let areas: Vec<serde_json::Value> = growth::AREAS
                .sample(self.rng, area_count)
                .map(|area| {
                    let score = (value + self.rng.random_range(-2..=1)).clamp(1, 10);
                    serde_json::json!({"area": area, "confidence": score})
                })
                .collect();
            let reflect = dropped || self.rng.random_range(0..100) < 35;
            let mut text = |list: &[&str], always: bool| -> String {
                if reflect && (always || self.rng.random_range(0..100) < 70) {
                    pick(self.rng, list).into()
                } else {
                    String::new()
                }
            };
            let went_well = text(growth::WENT_WELL, false);
            let hard = text(growth::HARD, dropped);
            let need = text(growth::NEED, dropped);
            let share_scores = dropped || self.rng.random_range(0..100) < 85;
            let share_notes = share_scores && self.rng.random_range(0..100) < 80;
            self.out.growth.check_ins.push(BulkCheckIn {
                id: uuid(self.rng),
                person_id: mentee.to_owned(),
                confidence: value,
                areas: serde_json::Value::Array(areas).to_string(),
                went_well,
                hard,
                need,
                share_scores,
                share_notes,
                marked_drop: dropped,
                created_at,
            });
            self.out.counts.check_ins += 1;
        }
    }

    /// Each skill the mentee wants to grow: their own assessment near the start, from
    /// where they stood, and in the last month their mentor's (or, where the mentorship was
    /// cancelled or has gone quiet, their own again), mostly a level up.
    fn skills(
        &mut self,
        mentee: &str,
        levels: &[(SkillId, Option<i64>)],
        names: &HashMap<SkillId, String>,
        span: &Span,
    ) {
        let by_mentor = matches!(self.story, Story::Active | Story::Paused | Story::Completed);
        for (skill, standing) in levels {
            let name = names.get(skill).map_or("", String::as_str);
            let level = standing
                .unwrap_or_else(|| self.rng.random_range(1..=2))
                .clamp(1, 4);
            let first_at = span.started_at + self.rng.random_range(3..14) * DAY;
            self.assessment(mentee, skill, None, level, growth::EVIDENCE, name, first_at);
            let later = match self.rng.random_range(0..100) {
                0..72 => level + 1,
                72..90 => level,
                _ => level + 2,
            }
            .clamp(1, 5);
            let at = match span.ended_at {
                Some(end) if by_mentor => end - self.rng.random_range(1..10) * DAY,
                _ => self.now - self.rng.random_range(3..28) * DAY,
            }
            .max(first_at + 14 * DAY)
            .min(self.now - HOUR);
            let mentor = by_mentor.then(|| self.m.mentor_id.clone());
            let evidence = if by_mentor {
                growth::MENTOR_EVIDENCE
            } else {
                growth::EVIDENCE
            };
            self.assessment(mentee, skill, mentor, later, evidence, name, at);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn assessment(
        &mut self,
        mentee: &str,
        skill: &SkillId,
        mentor: Option<String>,
        level: i64,
        evidence: &[&str],
        skill_name: &str,
        at: i64,
    ) {
        let shared = mentor.is_some() || self.rng.random_range(0..100) < 85;
        self.out.growth.assessments.push(BulkAssessment {
            id: uuid(self.rng),
            person_id: mentee.to_owned(),
            skill_id: skill.to_string(),
            assessed_by: if mentor.is_some() { "mentor" } else { "self" },
            mentorship_id: mentor.is_some().then(|| self.m.id.clone()),
            assessor_id: mentor.unwrap_or_else(|| mentee.to_owned()),
            level,
            evidence: pick(self.rng, evidence).replace("{skill}", skill_name),
            shared,
            created_at: at,
        });
    }

    /// One or two goals set since the start, while the mentorship ran, shared with the
    /// programme mentor; about two in five achieved. The achieved ones: (id, when).
    fn goals(
        &mut self,
        mentee: &str,
        grows: &[SkillId],
        names: &HashMap<SkillId, String>,
        span: &Span,
    ) -> Vec<(String, i64)> {
        let mut achieved = Vec::new();
        let end = span.ended_at.unwrap_or(self.now);
        for _ in 0..self.rng.random_range(1..=2) {
            let latest = (end - span.started_at).clamp(3 * DAY, 40 * DAY);
            let created_at = span.started_at + self.rng.random_range(2 * DAY..latest);
            let skill = grows.choose(self.rng).copied();
            let skill_name = skill
                .and_then(|s| names.get(&s))
                .map_or("my craft", String::as_str);
            let (title, measure, why) =
                *growth::GOALS.choose(self.rng).unwrap_or(&growth::GOALS[0]);
            let done = self.rng.random_range(0..100) < 40 && self.now - created_at > 25 * DAY;
            let achieved_at = done.then(|| {
                let latest = (end.min(self.now - DAY) - created_at).max(21 * DAY + 1);
                (created_at + self.rng.random_range(20 * DAY..latest)).min(self.now - DAY)
            });
            let target = achieved_at.unwrap_or(self.now) + self.rng.random_range(14..90) * DAY;
            let goal_id = uuid(self.rng);
            let steps = self.rng.random_range(2..=3);
            let finish = achieved_at.unwrap_or(target);
            let mut updated_at = achieved_at.unwrap_or(created_at);
            for i in 0..steps {
                let due = created_at + (finish - created_at) * (i + 1) / (steps + 1);
                let done_at = (achieved_at.is_some()
                    || (due < self.now && self.rng.random_range(0..100) < 80))
                    .then(|| {
                        (due - self.rng.random_range(0..3) * DAY)
                            .clamp(created_at + HOUR, self.now - HOUR)
                    });
                if let Some(at) = done_at {
                    updated_at = updated_at.max(at);
                }
                self.out.growth.milestones.push(BulkMilestone {
                    id: uuid(self.rng),
                    goal_id: goal_id.clone(),
                    title: pick(self.rng, growth::MILESTONES).into(),
                    due_on: Some(date(due)),
                    done_at,
                    state: "accepted",
                    suggested_by: None,
                    created_at: created_at + i * HOUR,
                    updated_at: done_at.unwrap_or(created_at + i * HOUR),
                });
            }
            self.out.growth.goal_shares.push((
                goal_id.clone(),
                self.m.mentor_id.clone(),
                created_at + HOUR,
            ));
            if let Some(skill) = skill {
                self.out
                    .growth
                    .goal_skills
                    .push((goal_id.clone(), skill.to_string()));
            }
            let text = |t: &str| t.replace("{skill}", skill_name);
            self.out.growth.goals.push(BulkGoal {
                id: goal_id.clone(),
                owner_id: mentee.to_owned(),
                mentorship_id: Some(self.m.id.clone()),
                title: text(title),
                why: text(why),
                measure: text(measure),
                target_on: date(target),
                status: if done { "achieved" } else { "active" },
                achieved_at,
                created_at,
                updated_at,
            });
            self.out.counts.goals += 1;
            if let Some(at) = achieved_at {
                achieved.push((goal_id, at));
            }
        }
        achieved
    }

    /// About half the mentees record an outcome (a certification, a talk, a stretch
    /// assignment, a few promotions and new roles) while the mentorship ran, credited to
    /// it; a promotion or stretch assignment may crown an achieved goal.
    fn outcomes(&mut self, mentee: &str, achieved: &[(String, i64)], span: &Span) {
        use OutcomeKind::{Certification, NewRole, Promotion, StretchAssignment, TalkGiven};
        if self.rng.random_range(0..100) >= 55 {
            return;
        }
        let mut kinds = Vec::new();
        for (kind, chance) in [
            (Certification, 50),
            (TalkGiven, 40),
            (StretchAssignment, 40),
            (Promotion, 10),
            (NewRole, 6),
        ] {
            if self.rng.random_range(0..100) < chance {
                kinds.push(kind);
            }
        }
        if kinds.is_empty() {
            kinds.push(Certification);
        }
        let from = span.started_at + 20 * DAY;
        let until = span
            .ended_at
            .unwrap_or(self.now - 2 * DAY)
            .min(self.now - 2 * DAY);
        if until <= from {
            return;
        }
        let mut crowned = achieved.iter();
        for kind in kinds {
            let mut at = self.rng.random_range(from..until);
            let mut goal_id = None;
            if matches!(kind, Promotion | StretchAssignment)
                && self.rng.random_range(0..100) < 50
                && let Some((goal, done_at)) = crowned.next()
                && (from..until).contains(done_at)
            {
                goal_id = Some(goal.clone());
                at = *done_at;
            }
            let titles = growth::OUTCOMES
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(&[][..], |(_, titles)| *titles);
            self.out.growth.outcomes.push(BulkOutcome {
                id: uuid(self.rng),
                person_id: mentee.to_owned(),
                kind: kind.as_str(),
                happened_on: date(at),
                title: titles
                    .choose(self.rng)
                    .copied()
                    .unwrap_or("A career step")
                    .into(),
                note: pick(self.rng, growth::OUTCOME_NOTES).into(),
                mentorship_id: Some(self.m.id.clone()),
                goal_id,
                share_with_mentors: self.rng.random_range(0..100) < 90,
                created_at: (at + self.rng.random_range(0..72) * HOUR).min(self.now - HOUR),
            });
            self.out.counts.outcomes += 1;
        }
    }
}

impl App {
    /// Gives the running `programme`'s published mentorships the months since it began on
    /// `starts_on`, as [`generate`] tells them, and writes them in bulk.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn demo_programme_history(
        &self,
        programme: ProgrammeId,
        starts_on: NaiveDate,
        people: &[Person],
        growth: &[BulkGrowth],
        names: &HashMap<SkillId, String>,
        featured: &[PersonId],
        seed: u64,
        now: i64,
    ) -> Result<ProgrammeHistoryCounts, AppError> {
        let mentorships = lodestar_store::bulk_programme::mentorships(&self.db, programme).await?;
        let starts_at = starts_on
            .and_hms_opt(9, 0, 0)
            .map_or(now - 90 * DAY, |t| t.and_utc().timestamp_millis());
        let history = generate(
            &mentorships,
            people,
            growth,
            names,
            featured,
            starts_at,
            seed,
            now,
        );
        lodestar_store::bulk_programme::restate(&self.db, &history.restated).await?;
        lodestar_store::bulk_mentoring::insert(&self.db, &history.mentoring).await?;
        lodestar_store::bulk_growth::insert(&self.db, &history.growth).await?;
        Ok(history.counts)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;
    const STARTS_AT: i64 = NOW - 91 * DAY;

    fn person(rng: &mut StdRng, skills: &[SkillId]) -> Person {
        Person {
            id: PersonId(uuid::Builder::from_random_bytes(rng.random()).into_uuid()),
            first_name: "Ada".into(),
            time_zone: "Europe/London".into(),
            is_mentor: false,
            wants_mentor: true,
            capacity: 0,
            mentors: Vec::new(),
            grows: skills.sample(rng, 3).copied().collect(),
            focus_areas: Vec::new(),
        }
    }

    /// Thirty mentorships of fifteen mentors, two mentees each; the first mentee keeps a
    /// check-in plan already.
    fn cohort() -> (Vec<ProgrammeMentorship>, Vec<Person>, Vec<BulkGrowth>) {
        let mut rng = StdRng::seed_from_u64(1);
        let skills: Vec<SkillId> = (0..6)
            .map(|i| SkillId(uuid::Uuid::from_u128(i + 1)))
            .collect();
        let people: Vec<Person> = (0..45).map(|_| person(&mut rng, &skills)).collect();
        let mentorships = (0..30)
            .map(|i| ProgrammeMentorship {
                id: format!("m{i:02}"),
                mentor_id: people[30 + i / 2].id.to_string(),
                mentee_ids: vec![people[i].id.to_string()],
            })
            .collect();
        let growth = vec![BulkGrowth {
            plans: vec![BulkCheckInPlan {
                person_id: people[0].id.to_string(),
                cadence: "monthly",
                started_at: NOW - 400 * DAY,
            }],
            ..BulkGrowth::default()
        }];
        (mentorships, people, growth)
    }

    fn history(seed: u64) -> (ProgrammeHistory, Vec<ProgrammeMentorship>, Vec<Person>) {
        let (mentorships, people, growth) = cohort();
        let featured = [mentorships[3].mentor_id.parse::<PersonId>().unwrap()];
        let names = HashMap::new();
        let h = generate(
            &mentorships,
            &people,
            &growth,
            &names,
            &featured,
            STARTS_AT,
            seed,
            NOW,
        );
        (h, mentorships, people)
    }

    #[test]
    fn the_programmes_mentorships_began_in_its_first_week_and_tell_every_story() {
        let (h, mentorships, _) = history(7);
        assert_eq!(h.restated.len(), 30);
        let c = &h.counts;
        assert_eq!(
            (c.completed, c.cancelled, c.stalled, c.paused),
            (5, 3, 4, 2),
            "{c:?}"
        );
        for r in &h.restated {
            assert!(
                (STARTS_AT..STARTS_AT + 7 * DAY).contains(&r.started_at),
                "{r:?}"
            );
            assert!(r.last_activity_at >= r.started_at && r.last_activity_at < NOW);
            assert_eq!(
                r.stalled_since.is_some(),
                r.state == "active" && r.last_activity_at < NOW - 30 * DAY
            );
            let ended = matches!(r.state, "completed" | "cancelled");
            assert_eq!(r.ended_at.is_some(), ended, "{r:?}");
            // Both sides rated a completed one, 3 to 5 stars.
            if r.state == "completed" {
                assert_eq!(r.closing.len(), 2);
                assert!(
                    r.closing
                        .iter()
                        .all(|c| (3..=5).contains(&c.rating.unwrap()) && !c.reflection.is_empty())
                );
            } else {
                assert!(r.closing.is_empty());
            }
        }
        // The demo mentor's mentorships stay active.
        for (m, r) in mentorships.iter().zip(&h.restated) {
            if m.mentor_id == mentorships[3].mentor_id {
                assert_eq!((r.state, r.stalled_since), ("active", None));
            }
        }
        // Sessions every two to three weeks: most have three to six held, the active ones one
        // coming up within a fortnight, and no session after a mentorship ended.
        let meetings = &h.mentoring.meetings;
        let held = |id: &str| {
            meetings
                .iter()
                .filter(|s| s.mentorship_id == id && s.state == "held")
                .count()
        };
        let running: Vec<&Restated> = h
            .restated
            .iter()
            .filter(|r| r.state == "active" && r.stalled_since.is_none())
            .collect();
        assert!(
            running
                .iter()
                .filter(|r| (3..=6).contains(&held(&r.id)))
                .count()
                * 4
                >= running.len() * 3
        );
        for r in &h.restated {
            let upcoming: Vec<_> = meetings
                .iter()
                .filter(|s| s.mentorship_id == r.id && s.starts_at > NOW)
                .collect();
            let expected = usize::from(r.state == "active" && r.stalled_since.is_none());
            assert_eq!(upcoming.len(), expected, "{r:?}");
            assert!(upcoming.iter().all(|s| s.state == "scheduled"
                && s.starts_at < NOW + 15 * DAY
                && s.created_at < NOW));
            let end = r.ended_at.unwrap_or(NOW);
            assert!(
                meetings
                    .iter()
                    .filter(|s| s.mentorship_id == r.id && s.state != "scheduled")
                    .all(|s| s.starts_at > r.started_at && s.starts_at < end)
            );
        }
    }

    #[test]
    fn the_mentees_growth_keeps_the_services_rules() {
        let (h, mentorships, people) = history(7);
        let g = &h.growth;
        let span: HashMap<&str, (&Restated, &ProgrammeMentorship)> = h
            .restated
            .iter()
            .zip(&mentorships)
            .map(|(r, m)| (m.id.as_str(), (r, m)))
            .collect();
        // A mentee with a check-in plan keeps theirs; the others check in fortnightly since
        // the start, confidence rising from about 5 to about 7.
        let first = people[0].id.to_string();
        assert!(g.plans.iter().all(|p| p.person_id != first));
        assert!(g.check_ins.iter().all(|c| c.person_id != first));
        assert_eq!(g.plans.len(), 29);
        let mut start = 0.0;
        let mut end = 0.0;
        let cancelled: HashSet<&str> = mentorships
            .iter()
            .zip(&h.restated)
            .filter(|(_, r)| r.state == "cancelled")
            .flat_map(|(m, _)| m.mentee_ids.iter().map(String::as_str))
            .collect();
        for plan in &g.plans {
            let mine: Vec<&BulkCheckIn> = g
                .check_ins
                .iter()
                .filter(|c| c.person_id == plan.person_id)
                .collect();
            if cancelled.contains(plan.person_id.as_str()) {
                assert!((1..=5).contains(&mine.len()), "{}", mine.len());
            } else {
                assert!((6..=7).contains(&mine.len()), "{}", mine.len());
            }
            assert!(
                mine.iter()
                    .all(|c| c.created_at >= plan.started_at && c.created_at < NOW)
            );
            let values: Vec<Confidence> = mine
                .iter()
                .map(|c| Confidence::new(c.confidence).unwrap())
                .collect();
            for (i, c) in mine.iter().enumerate() {
                assert_eq!(c.marked_drop, marked_drop(&values[..i], values[i]));
            }
            start += mine[0].confidence as f64;
            end += mine[mine.len() - 1].confidence as f64;
        }
        let (start, end) = (start / 29.0, end / 29.0);
        assert!(
            (4.0..6.0).contains(&start) && (6.0..8.0).contains(&end),
            "{start} → {end}"
        );
        // Goals are shared with the owner's programme mentor only, set while it ran.
        assert!(g.goals.len() >= 30);
        let achieved = g
            .goals
            .iter()
            .filter(|goal| goal.status == "achieved")
            .count();
        assert!(
            (achieved * 100 / g.goals.len()) < 60 && achieved > 0,
            "{achieved}"
        );
        for (goal, mentor, at) in &g.goal_shares {
            let owner = g.goals.iter().find(|x| &x.id == goal).unwrap();
            let (r, m) = span[owner.mentorship_id.as_deref().unwrap()];
            assert!(m.mentee_ids.contains(&owner.owner_id) && &m.mentor_id == mentor);
            assert!(owner.created_at >= r.started_at && *at < r.ended_at.unwrap_or(NOW));
        }
        // A mentor assesses only a mentee of theirs, during the mentorship; every skill a
        // mentee grows is assessed twice, mostly a level up.
        let mut up = 0;
        for a in g.assessments.iter().filter(|a| a.assessed_by == "mentor") {
            let (r, m) = span[a.mentorship_id.as_deref().unwrap()];
            assert!(m.mentee_ids.contains(&a.person_id) && m.mentor_id == a.assessor_id);
            assert!(a.created_at > r.started_at && a.created_at < r.ended_at.unwrap_or(NOW));
            let before = g
                .assessments
                .iter()
                .find(|b| {
                    b.person_id == a.person_id
                        && b.skill_id == a.skill_id
                        && b.assessed_by == "self"
                })
                .unwrap();
            if a.level > before.level {
                up += 1;
            }
        }
        assert!(up > 0);
        assert_eq!(g.assessments.len(), 30 * 3 * 2);
        // About half record an outcome, credited to their programme mentorship, while it ran.
        let people_with: HashSet<&str> = g.outcomes.iter().map(|o| o.person_id.as_str()).collect();
        assert!(
            (8..=24).contains(&people_with.len()),
            "{}",
            people_with.len()
        );
        for o in &g.outcomes {
            let (r, m) = span[o.mentorship_id.as_deref().unwrap()];
            assert!(m.mentee_ids.contains(&o.person_id));
            assert!(
                o.happened_on > date(r.started_at)
                    && o.happened_on <= date(r.ended_at.unwrap_or(NOW))
            );
        }
    }

    #[test]
    fn one_seed_gives_one_history() {
        let story = |seed| {
            let (h, _, _) = history(seed);
            let states: Vec<_> = h
                .restated
                .iter()
                .map(|r| (r.state, r.started_at, r.closing.len()))
                .collect();
            let sessions: Vec<_> = h
                .mentoring
                .meetings
                .iter()
                .map(|m| (m.id.clone(), m.starts_at, m.state))
                .collect();
            let check_ins: Vec<_> = h
                .growth
                .check_ins
                .iter()
                .map(|c| (c.id.clone(), c.confidence))
                .collect();
            (states, sessions, check_ins, h.counts)
        };
        assert_eq!(story(7), story(7));
        assert_ne!(story(7), story(8));
    }

    #[test]
    fn a_small_programme_has_a_history_too() {
        let (mentorships, people, growth) = cohort();
        for n in 0..6 {
            let h = generate(
                &mentorships[..n],
                &people,
                &growth,
                &HashMap::new(),
                &[],
                STARTS_AT,
                3,
                NOW,
            );
            assert_eq!(h.restated.len(), n);
        }
    }
}
