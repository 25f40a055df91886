//! The demo organisation's growth records, so that progress charts and gaps are never
//! empty: goals in every status, with milestones, obstacles and skills, shared with the
//! owner's mentors, confidence check-ins on a cadence with a believable trend — a slow
//! rise with noise and, for many, one dip in the middle — and career outcomes over the
//! past two years (a certification, a talk, for some a promotion).
//!
//! About half of the mentees of the generated mentorships keep a growth record; the demo
//! mentee and the demo mentor's mentees always do, and the demo mentee gets every kind of
//! thing (about two years of weekly check-ins, a mentor's comments and a suggestion
//! waiting for their answer, and one outcome of each common kind). The rules the services
//! keep hold here too: a goal is shared only with people who mentor its owner, a check-in's
//! marked drop is the domain's [`lodestar_domain::growth::marked_drop`] over the check-ins
//! before it, and an outcome is credited only to a mentorship in which its owner was
//! mentored, begun before it happened.

use std::collections::{HashMap, HashSet};

use lodestar_domain::growth::OutcomeKind;
use lodestar_domain::growth::{Confidence, marked_drop};
use lodestar_domain::{PersonId, SkillId};
use lodestar_store::bulk_growth::{
    BulkAssessment, BulkCheckIn, BulkCheckInPlan, BulkComment, BulkFeedback, BulkFeedbackRequest,
    BulkGoal, BulkGrowth, BulkMilestone, BulkObstacle, BulkOutcome,
};
use lodestar_store::bulk_mentoring::BulkMentoring;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{RngExt, SeedableRng};

use super::history::{Person, date};

const DAY: i64 = 24 * 60 * 60 * 1000;
const HOUR: i64 = 60 * 60 * 1000;
/// People whose records go in one batch.
const BATCH: usize = 250;

/// How much growth was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GrowthCounts {
    /// People with goals and check-ins.
    pub people: usize,
    pub goals: usize,
    pub achieved: usize,
    pub milestones: usize,
    pub check_ins: usize,
    pub marked_drops: usize,
    pub assessments: usize,
    pub feedback: usize,
    pub outcomes: usize,
}

/// A goal's title, how it is measured and why, for a skill the person wants to grow.
/// `{skill}` is the skill's name.
pub(super) const GOALS: &[(&str, &str, &str)] = &[
    (
        "Become confident with {skill}",
        "Use {skill} on real work every week and explain my choices to the team without notes",
        "It comes up in every project and I still lean on others for it",
    ),
    (
        "Lead a piece of work that depends on {skill}",
        "Own one deliverable end to end and get a review from the team lead",
        "Leading it is the clearest way to show I am ready for the next level",
    ),
    (
        "Teach {skill} to a newer colleague",
        "Run two sessions and have them use it on their own afterwards",
        "Explaining it will show me where my own understanding is thin",
    ),
    (
        "Close my largest gap in {skill}",
        "Self-assessment up one level, confirmed by my mentor",
        "The role I want lists it first, and it is where I am weakest",
    ),
    (
        "Present a {skill} case study to the department",
        "A 20-minute talk with questions, and written feedback from three people",
        "I want people outside my team to know what I can do",
    ),
    (
        "Get a stretch assignment that uses {skill}",
        "Agree the assignment with my manager and deliver its first milestone",
        "I learn fastest when the work is slightly beyond me",
    ),
];
pub(super) const MILESTONES: &[&str] = &[
    "Agree the scope with my manager",
    "Finish the course module",
    "Shadow a colleague for a day",
    "Write a one-page plan",
    "Do a practice run with my mentor",
    "Ask for feedback from two peers",
    "Deliver the first draft",
    "Present the result to the team",
    "Write up what I learned",
];
const SUGGESTIONS: &[&str] = &[
    "Book a 30-minute practice run before the real thing",
    "Ask your lead for one piece of written feedback",
];
const OBSTACLES: &[(&str, &str)] = &[
    (
        "Little time between deadlines",
        "Block two hours every Friday morning and protect them",
    ),
    (
        "I freeze when senior people ask questions",
        "Practise the likely questions with my mentor first",
    ),
    (
        "No project at work uses it yet",
        "Propose a small internal tool where it fits",
    ),
    (
        "Not sure what good looks like",
        "Ask my mentor for two examples to compare against",
    ),
];
const COMMENTS: &[&str] = &[
    "Good progress here. What would make the next step feel smaller?",
    "I liked how you handled the review last week — that counts towards this goal.",
    "Let's look at the target date together next session; it may be too tight.",
];
pub(super) const AREAS: &[&str] = &[
    "Speaking up in meetings",
    "Saying no",
    "Presenting to leaders",
    "Giving feedback",
    "Negotiating",
];
pub(super) const WENT_WELL: &[&str] = &[
    "Spoke up twice in the planning meeting.",
    "Finished the draft a day early.",
    "Got good feedback on the demo.",
    "Said no to an extra project without guilt.",
];
pub(super) const HARD: &[&str] = &[
    "A tense review with another team.",
    "Too many meetings to get real work done.",
    "Lost my nerve in front of the directors.",
    "Conflicting priorities from two leads.",
];
pub(super) const NEED: &[&str] = &[
    "Help preparing for next week's presentation.",
    "A sounding board on the reorg.",
    "Ideas for saying no more gracefully.",
    "Nothing special this week.",
];

/// What an assessment rests on. `{skill}` is the skill's name.
pub(super) const EVIDENCE: &[&str] = &[
    "Used {skill} on the quarterly project without needing help",
    "Explained my {skill} choices in the design review and answered the questions",
    "Finished the {skill} course and applied it to a real task the same week",
    "Still need a colleague to check my {skill} work before it goes out",
    "Led the team's {skill} work for a sprint while the lead was away",
    "Coached a newer colleague through their first {skill} task",
];
pub(super) const MENTOR_EVIDENCE: &[&str] = &[
    "Watched you handle {skill} in our practice session: steady, and you recovered well",
    "Your write-up showed solid {skill}; the next step is doing it under time pressure",
    "From what you brought to our sessions, {skill} is now a strength you can lean on",
];
const SITUATIONS: &[&str] = &[
    "The project review on Thursday",
    "Our practice run last session",
    "The stakeholder meeting you told me about",
    "Your presentation to the wider team",
];
const BEHAVIOURS: &[&str] = &[
    "You stated the decision you needed before going into the detail",
    "You paused and asked a question when the discussion drifted",
    "You kept to the plan even when the first question threw you",
    "You named the risk early instead of waiting to be asked",
];
const IMPACTS: &[&str] = &[
    "The meeting ended with a clear decision and ten minutes to spare",
    "People followed the argument and two of them offered help",
    "It showed you can hold the room; the lead mentioned it afterwards",
    "The team could plan around it instead of finding out late",
];
const FEEDBACK_SUGGESTIONS: &[&str] = &[
    "Open every {skill} conversation with the outcome you want",
    "Practise {skill} once a week in a low-stakes setting",
    "Ask for one piece of written feedback on your {skill} after the next project",
];
const REPLIES: &[&str] = &[
    "Thank you, that helps. I will try it at the next review.",
    "Good to hear. I was not sure it landed.",
    "Noted: I will bring an example next session.",
];

/// Titles of career outcomes, by kind, and a note some of them carry.
pub(super) const OUTCOMES: &[(OutcomeKind, &[&str])] = &[
    (
        OutcomeKind::Certification,
        &[
            "AWS Certified Solutions Architect – Associate",
            "Certified Kubernetes Administrator (CKA)",
            "Professional Scrum Master I",
            "Google Data Analytics certificate",
            "ITIL 4 Foundation",
        ],
    ),
    (
        OutcomeKind::TalkGiven,
        &[
            "Talk at the internal tech forum: lessons from our migration",
            "Lightning talk at the local meetup",
            "Presented the quarterly results to the leadership team",
            "Ran a workshop for new joiners",
        ],
    ),
    (
        OutcomeKind::Promotion,
        &[
            "Promoted to Senior Engineer",
            "Promoted to Team Lead",
            "Promoted to Senior Analyst",
            "Promoted to Principal Consultant",
        ],
    ),
    (
        OutcomeKind::StretchAssignment,
        &[
            "Led the incident review after the payments outage",
            "Ran the hiring loop for two engineers",
            "Acting team lead during parental leave",
        ],
    ),
    (
        OutcomeKind::NewRole,
        &[
            "Moved into a product manager role",
            "Became the team's tech lead",
        ],
    ),
    (OutcomeKind::NewJob, &["Joined a scale-up as lead engineer"]),
];
pub(super) const OUTCOME_NOTES: &[&str] = &[
    "We prepared for it in three sessions; the practice runs made the difference.",
    "Took two attempts. Worth it.",
    "The feedback afterwards was better than I expected.",
    "",
    "",
];

/// Who mentors a mentee, in one generated mentorship.
#[derive(Clone, Debug)]
struct Link {
    mentorship_id: String,
    mentor_id: String,
    running: bool,
    created_at: i64,
}

fn uuid(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

/// The mentors of each mentee in the history, by mentee id.
fn links(history: &[BulkMentoring]) -> HashMap<String, Vec<Link>> {
    let mut by_mentee: HashMap<String, Vec<Link>> = HashMap::new();
    for batch in history {
        let mut mentor_of: HashMap<&str, &str> = HashMap::new();
        for member in batch.members.iter().filter(|m| m.role == "mentor") {
            mentor_of.insert(&member.mentorship_id, &member.person_id);
        }
        let mentorships: HashMap<&str, _> = batch
            .mentorships
            .iter()
            .map(|m| (m.id.as_str(), m))
            .collect();
        for member in batch.members.iter().filter(|m| m.role == "mentee") {
            let (Some(mentor), Some(m)) = (
                mentor_of.get(member.mentorship_id.as_str()),
                mentorships.get(member.mentorship_id.as_str()),
            ) else {
                continue;
            };
            by_mentee
                .entry(member.person_id.clone())
                .or_default()
                .push(Link {
                    mentorship_id: m.id.clone(),
                    mentor_id: (*mentor).to_owned(),
                    running: matches!(m.state, "active" | "paused"),
                    created_at: m.created_at,
                });
        }
    }
    by_mentee
}

/// Generates growth records for the mentees of `history`, `featured` (the demo's logins)
/// among them. The same seed and history give the same rows, apart from the times, which
/// are relative to `now`.
pub(crate) fn generate(
    people: &[Person],
    featured: &[PersonId],
    history: &[BulkMentoring],
    names: &HashMap<SkillId, String>,
    seed: u64,
    now: i64,
) -> (Vec<BulkGrowth>, GrowthCounts) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6772_6f77_7468);
    let links = links(history);
    let featured: HashSet<String> = featured.iter().map(ToString::to_string).collect();
    // Mentees of a featured mentor keep a record, so the demo mentor has someone to follow.
    let followed: HashSet<&str> = links
        .iter()
        .filter(|(_, ls)| ls.iter().any(|l| featured.contains(&l.mentor_id)))
        .map(|(mentee, _)| mentee.as_str())
        .collect();
    let mut batches = Vec::new();
    let mut batch = BulkGrowth::default();
    let mut in_batch = 0;
    let mut counts = GrowthCounts::default();
    for person in people {
        let id = person.id.to_string();
        let Some(mentors) = links.get(&id) else {
            continue;
        };
        let is_featured = featured.contains(&id) && person.wants_mentor;
        let keeps = rng.random_range(0..100) < 50;
        if !(keeps || is_featured || followed.contains(id.as_str())) {
            continue;
        }
        let mut g = Record {
            rng: &mut rng,
            batch: &mut batch,
            counts: &mut counts,
            id: &id,
            mentors,
            now,
        };
        g.goals(person, names, is_featured);
        g.check_ins(is_featured);
        g.skills(person, names, is_featured);
        g.outcomes(is_featured, followed.contains(id.as_str()));
        counts.people += 1;
        in_batch += 1;
        if in_batch == BATCH {
            batches.push(std::mem::take(&mut batch));
            in_batch = 0;
        }
    }
    if in_batch > 0 {
        batches.push(batch);
    }
    (batches, counts)
}

/// One person's records being generated.
struct Record<'a> {
    rng: &'a mut StdRng,
    batch: &'a mut BulkGrowth,
    counts: &'a mut GrowthCounts,
    id: &'a str,
    mentors: &'a [Link],
    now: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Active,
    Overdue,
    Achieved,
    Paused,
    Dropped,
}

impl Record<'_> {
    /// The mentor to share with: one in a running mentorship, else the latest.
    fn mentor(&self) -> Option<&Link> {
        self.mentors
            .iter()
            .filter(|l| l.running)
            .max_by_key(|l| l.created_at)
            .or_else(|| self.mentors.iter().max_by_key(|l| l.created_at))
    }

    fn goals(&mut self, person: &Person, names: &HashMap<SkillId, String>, featured: bool) {
        use Status::{Achieved, Active, Dropped, Overdue, Paused};
        let statuses: Vec<Status> = if featured {
            vec![Active, Overdue, Achieved, Achieved, Paused, Dropped]
        } else {
            (0..self.rng.random_range(2..=6))
                .map(|_| match self.rng.random_range(0..100) {
                    0..45 => Active,
                    45..53 => Overdue,
                    53..78 => Achieved,
                    78..89 => Paused,
                    _ => Dropped,
                })
                .collect()
        };
        let span_days = if featured {
            540
        } else {
            self.rng.random_range(180..=540)
        };
        let mut skills = person.grows.clone();
        skills.shuffle(self.rng);
        let mut templates: Vec<usize> = (0..GOALS.len()).collect();
        templates.shuffle(self.rng);
        let mut suggested = false;
        let mut comments = 0;
        for (n, status) in statuses.into_iter().enumerate() {
            let skill = (!skills.is_empty()).then(|| skills[n % skills.len()]);
            let skill_name = skill
                .and_then(|s| names.get(&s))
                .map_or("my craft", String::as_str);
            let (title, measure, why) = GOALS[templates[n % templates.len()]];
            let oldest = match status {
                Active => 30,
                _ => 90,
            };
            let created_at = self.now
                - self.rng.random_range(oldest..span_days.max(oldest + 1)) * DAY
                - self.rng.random_range(0..24) * HOUR;
            let age_days = (self.now - created_at) / DAY;
            // When the goal was achieved, paused or dropped.
            let settled_at = match status {
                Achieved | Paused | Dropped => {
                    Some(created_at + self.rng.random_range(30..age_days.max(31)) * DAY)
                }
                Active | Overdue => None,
            }
            .map(|at| at.min(self.now - DAY));
            let target = match status {
                Active => self.now + self.rng.random_range(14..240) * DAY,
                Overdue => self.now - self.rng.random_range(3..30) * DAY,
                Achieved => settled_at.unwrap_or(self.now) + self.rng.random_range(-20..40) * DAY,
                Paused | Dropped => created_at + self.rng.random_range(90..300) * DAY,
            }
            .max(created_at + 14 * DAY);
            let goal_id = uuid(self.rng);
            let link = self.mentor().cloned();
            let linked = link
                .as_ref()
                .filter(|_| featured || self.rng.random_range(0..100) < 80);
            let shared = link
                .as_ref()
                .filter(|_| (featured && status != Paused) || self.rng.random_range(0..100) < 80);
            let mut updated_at = settled_at.unwrap_or(created_at);

            // Milestones spread between the start and the end (achieved or target).
            let end = settled_at.filter(|_| status == Achieved).unwrap_or(target);
            let count = self.rng.random_range(2..=5);
            for i in 0..count {
                let due = created_at + (end - created_at) * (i + 1) / (count + 1);
                let made_at = created_at + i * HOUR;
                let done_at = match status {
                    Achieved => Some(due.min(end) - self.rng.random_range(0..3) * DAY),
                    Paused | Dropped => (due < updated_at && self.rng.random_range(0..100) < 70)
                        .then(|| due - self.rng.random_range(0..4) * DAY),
                    // The last milestone of an overdue goal is overdue too.
                    Overdue if i + 1 == count => None,
                    Active | Overdue if due < self.now => (self.rng.random_range(0..100) < 92)
                        .then(|| due - self.rng.random_range(0..4) * DAY),
                    Active | Overdue => (self.rng.random_range(0..100) < 10)
                        .then(|| self.now - self.rng.random_range(1..5) * DAY),
                }
                .map(|at| at.clamp(made_at + HOUR, self.now - HOUR));
                if let Some(at) = done_at {
                    updated_at = updated_at.max(at);
                }
                self.batch.milestones.push(BulkMilestone {
                    id: uuid(self.rng),
                    goal_id: goal_id.clone(),
                    title: MILESTONES
                        .choose(self.rng)
                        .copied()
                        .unwrap_or_default()
                        .into(),
                    due_on: Some(date(due)),
                    done_at,
                    state: "accepted",
                    suggested_by: None,
                    created_at: made_at,
                    updated_at: done_at.unwrap_or(made_at),
                });
                self.counts.milestones += 1;
            }
            if self.rng.random_range(0..100) < 35 || (featured && status == Overdue) {
                let (obstacle, plan) = *OBSTACLES.choose(self.rng).unwrap_or(&OBSTACLES[0]);
                self.batch.obstacles.push(BulkObstacle {
                    id: uuid(self.rng),
                    goal_id: goal_id.clone(),
                    obstacle: obstacle.into(),
                    plan: plan.into(),
                    created_at: created_at + DAY,
                });
            }
            if let Some(link) = shared {
                let shared_at = created_at.max(link.created_at) + HOUR;
                self.batch
                    .goal_shares
                    .push((goal_id.clone(), link.mentor_id.clone(), shared_at));
                let open = matches!(status, Active | Overdue) && link.running;
                // The demo mentee's mentor has a suggestion waiting and has commented.
                if featured && open && !suggested {
                    suggested = true;
                    let made_at = (self.now - 2 * DAY).max(shared_at + HOUR);
                    self.batch.milestones.push(BulkMilestone {
                        id: uuid(self.rng),
                        goal_id: goal_id.clone(),
                        title: SUGGESTIONS
                            .choose(self.rng)
                            .copied()
                            .unwrap_or_default()
                            .into(),
                        due_on: Some(date(self.now + 10 * DAY)),
                        done_at: None,
                        state: "suggested",
                        suggested_by: Some(link.mentor_id.clone()),
                        created_at: made_at,
                        updated_at: made_at,
                    });
                    self.counts.milestones += 1;
                }
                let comment = if featured {
                    open && comments < 3
                } else {
                    self.rng.random_range(0..100) < 10
                };
                if comment {
                    comments += 1;
                    let at = (shared_at + self.rng.random_range(1..30) * DAY).min(self.now - HOUR);
                    self.batch.comments.push(BulkComment {
                        id: uuid(self.rng),
                        goal_id: goal_id.clone(),
                        author_id: link.mentor_id.clone(),
                        body: COMMENTS
                            .choose(self.rng)
                            .copied()
                            .unwrap_or_default()
                            .into(),
                        created_at: at,
                    });
                }
            }
            if let Some(skill) = skill {
                self.batch
                    .goal_skills
                    .push((goal_id.clone(), skill.to_string()));
            }
            let skill_text = |text: &str| text.replace("{skill}", skill_name);
            self.batch.goals.push(BulkGoal {
                id: goal_id,
                owner_id: self.id.to_owned(),
                mentorship_id: linked.map(|l| l.mentorship_id.clone()),
                title: skill_text(title),
                why: skill_text(why),
                measure: skill_text(measure),
                target_on: date(target),
                status: match status {
                    Active | Overdue => "active",
                    Achieved => "achieved",
                    Paused => "paused",
                    Dropped => "dropped",
                },
                achieved_at: settled_at.filter(|_| status == Achieved),
                created_at,
                updated_at,
            });
            self.counts.goals += 1;
            if status == Achieved {
                self.counts.achieved += 1;
            }
        }
    }

    /// Career outcomes over the past two years: most people got a certification or gave a
    /// talk, some were promoted. The featured mentee has one of each common kind. Credited
    /// to the mentorship that was running then, if any; a promotion or stretch assignment
    /// may be the goal it crowned, on the day the goal was achieved. A mentee the demo
    /// mentor follows has at least one, so the mentor has something to see.
    fn outcomes(&mut self, featured: bool, followed: bool) {
        use OutcomeKind::{
            Certification, NewJob, NewRole, Promotion, StretchAssignment, TalkGiven,
        };
        // (kind, days ago)
        let planned: Vec<(OutcomeKind, i64)> = if featured {
            vec![
                (Certification, 600),
                (StretchAssignment, 420),
                (TalkGiven, 300),
                (Promotion, 60),
            ]
        } else {
            let mut kinds = Vec::new();
            if self.rng.random_range(0..100) < 60 {
                kinds.push(Certification);
            }
            if self.rng.random_range(0..100) < 45 {
                kinds.push(TalkGiven);
            }
            if self.rng.random_range(0..100) < 30 {
                kinds.push(Promotion);
            }
            match self.rng.random_range(0..100) {
                0..20 => kinds.push(StretchAssignment),
                20..28 => kinds.push(NewRole),
                28..31 => kinds.push(NewJob),
                _ => {}
            }
            if kinds.is_empty() && followed {
                kinds.push(Certification);
            }
            kinds
                .into_iter()
                .map(|k| (k, self.rng.random_range(7..730)))
                .collect()
        };
        let achieved: Vec<(String, i64)> = self
            .batch
            .goals
            .iter()
            .filter(|g| g.owner_id == self.id && g.status == "achieved")
            .filter_map(|g| Some((g.id.clone(), g.achieved_at?)))
            .collect();
        let mut crowned = 0;
        for (kind, days_ago) in planned {
            let mut at = self.now - days_ago * DAY - self.rng.random_range(0..12) * HOUR;
            let mut goal_id = None;
            if matches!(kind, Promotion | StretchAssignment)
                && let Some((goal, achieved_at)) = achieved.get(crowned)
                && (featured || self.rng.random_range(0..100) < 50)
            {
                crowned += 1;
                goal_id = Some(goal.clone());
                at = *achieved_at;
            }
            let mentorship_id = self
                .mentors
                .iter()
                .filter(|l| l.created_at <= at)
                .max_by_key(|l| l.created_at)
                .filter(|_| featured || self.rng.random_range(0..100) < 75)
                .map(|l| l.mentorship_id.clone());
            let titles = OUTCOMES
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(&[][..], |(_, titles)| *titles);
            self.batch.outcomes.push(BulkOutcome {
                id: uuid(self.rng),
                person_id: self.id.to_owned(),
                kind: kind.as_str(),
                happened_on: date(at),
                title: titles
                    .choose(self.rng)
                    .copied()
                    .unwrap_or("A career step")
                    .into(),
                note: OUTCOME_NOTES
                    .choose(self.rng)
                    .copied()
                    .unwrap_or_default()
                    .into(),
                mentorship_id,
                goal_id,
                share_with_mentors: featured || followed || self.rng.random_range(0..100) < 90,
                created_at: (at + self.rng.random_range(0..72) * HOUR).min(self.now - HOUR),
            });
            self.counts.outcomes += 1;
        }
    }

    /// Check-ins at the person's cadence up to now: from about 4–5 rising slowly, with
    /// noise, to 7–8, and for many one dip well below the three before it.
    fn check_ins(&mut self, featured: bool) {
        let (cadence, period_days) = if featured {
            ("weekly", 7)
        } else {
            *[("weekly", 7), ("fortnightly", 14), ("monthly", 30)]
                .choose(self.rng)
                .unwrap_or(&("monthly", 30))
        };
        let count: i64 = if featured {
            100
        } else {
            (self.rng.random_range(4..=24) * 30 / period_days).max(4)
        };
        let period = period_days * DAY;
        let last_at = self.now - self.rng.random_range(1..period_days) * DAY - 2 * HOUR;
        let first_at = last_at - (count - 1) * period;
        self.batch.plans.push(BulkCheckInPlan {
            person_id: self.id.to_owned(),
            cadence,
            started_at: first_at - self.rng.random_range(1..3) * DAY,
        });
        let start = self.rng.random_range(4.0..5.5);
        let end = self.rng.random_range(7.0..8.3);
        let dip = (featured || (count >= 8 && self.rng.random_range(0..100) < 40))
            .then(|| self.rng.random_range(count * 2 / 5..count * 3 / 5));
        let mut earlier: Vec<Confidence> = Vec::with_capacity(count as usize);
        for i in 0..count {
            let trend = start + (end - start) * i as f64 / (count - 1) as f64;
            let noise =
                (self.rng.random_range(0.0..1.0) + self.rng.random_range(0.0..1.0) - 1.0) * 1.4;
            let value = match dip.map(|d| i - d) {
                // At least three below the average of the three before it.
                Some(0) if earlier.len() >= 3 => {
                    let last_three = &earlier[earlier.len() - 3..];
                    let average = last_three.iter().map(|c| f64::from(c.get())).sum::<f64>() / 3.0;
                    (average - 3.0).floor() - f64::from(self.rng.random_range(0..2_u8))
                }
                // Then back up over a few check-ins.
                Some(1) => trend + noise - 2.0,
                Some(2) => trend + noise - 1.0,
                _ => trend + noise,
            };
            let value = value.round().clamp(1.0, 10.0) as i64;
            let Ok(confidence) = Confidence::new(value) else {
                continue;
            };
            let dropped = marked_drop(&earlier, confidence);
            earlier.push(confidence);
            let area_count = self.rng.random_range(0..=3);
            let areas: Vec<serde_json::Value> = AREAS
                .sample(self.rng, area_count)
                .map(|area| {
                    let score = (value + self.rng.random_range(-2..=1)).clamp(1, 10);
                    serde_json::json!({"area": area, "confidence": score})
                })
                .collect();
            let reflect = dropped || self.rng.random_range(0..100) < if featured { 60 } else { 35 };
            let mut text = |list: &[&str], always: bool| -> String {
                if reflect && (always || self.rng.random_range(0..100) < 70) {
                    list.choose(self.rng).copied().unwrap_or_default().into()
                } else {
                    String::new()
                }
            };
            let went_well = text(WENT_WELL, false);
            let hard = text(HARD, dropped);
            let need = text(NEED, dropped);
            let share_scores = dropped || self.rng.random_range(0..100) < 85;
            let share_notes = share_scores && self.rng.random_range(0..100) < 80;
            self.batch.check_ins.push(BulkCheckIn {
                id: uuid(self.rng),
                person_id: self.id.to_owned(),
                confidence: value,
                areas: serde_json::Value::Array(areas).to_string(),
                went_well,
                hard,
                need,
                share_scores,
                share_notes,
                marked_drop: dropped,
                created_at: first_at + i * period + self.rng.random_range(-6..6) * HOUR,
            });
            self.counts.check_ins += 1;
            if dropped {
                self.counts.marked_drops += 1;
            }
        }
    }
}

impl Record<'_> {
    /// Assessments that rise over the months — the person's own, confirmed now and then by
    /// their mentor — and feedback from the mentor, some acknowledged with a reply. The
    /// demo mentee also gives feedback to their mentor, had a request for feedback
    /// answered, and has one waiting.
    fn skills(&mut self, person: &Person, names: &HashMap<SkillId, String>, featured: bool) {
        let mut grows = person.grows.clone();
        grows.shuffle(self.rng);
        let count = if featured {
            grows.len().min(5)
        } else {
            self.rng.random_range(1..=3).min(grows.len())
        };
        let grows: Vec<SkillId> = grows.into_iter().take(count).collect();
        let mentor = self.mentor().cloned();
        let span_days: i64 = if featured {
            600
        } else {
            self.rng.random_range(120..=540)
        };
        let name = |skill: &SkillId| names.get(skill).cloned().unwrap_or_default();
        for skill in &grows {
            let skill_name = name(skill);
            let mut level: i64 = self.rng.random_range(1..=2);
            let steps: i64 = if featured {
                4
            } else {
                self.rng.random_range(1..=3)
            };
            for k in 0..steps {
                let at = self.now - span_days * DAY
                    + k * span_days / steps * DAY
                    + self.rng.random_range(1..20) * HOUR;
                let evidence = EVIDENCE.choose(self.rng).copied().unwrap_or_default();
                self.batch.assessments.push(BulkAssessment {
                    id: uuid(self.rng),
                    person_id: self.id.to_owned(),
                    skill_id: skill.to_string(),
                    assessor_id: self.id.to_owned(),
                    assessed_by: "self",
                    mentorship_id: None,
                    level,
                    evidence: evidence.replace("{skill}", &skill_name),
                    shared: self.rng.random_range(0..100) < 85,
                    created_at: at,
                });
                self.counts.assessments += 1;
                // Most assessments rise a level; some hold, now and then one slips back.
                level = match self.rng.random_range(0..100) {
                    0..55 => level + 1,
                    55..88 => level,
                    _ => level - 1,
                }
                .clamp(1, 4);
            }
            let Some(m) = mentor.as_ref() else {
                continue;
            };
            if featured || self.rng.random_range(0..100) < 60 {
                let at = self.mentor_time(m, 60);
                let evidence = MENTOR_EVIDENCE
                    .choose(self.rng)
                    .copied()
                    .unwrap_or_default();
                self.batch.assessments.push(BulkAssessment {
                    id: uuid(self.rng),
                    person_id: self.id.to_owned(),
                    skill_id: skill.to_string(),
                    assessor_id: m.mentor_id.clone(),
                    assessed_by: "mentor",
                    mentorship_id: Some(m.mentorship_id.clone()),
                    level: (level + self.rng.random_range(-1..=0)).clamp(1, 5),
                    evidence: evidence.replace("{skill}", &skill_name),
                    shared: true,
                    created_at: at,
                });
                self.counts.assessments += 1;
            }
        }
        let (Some(m), false) = (mentor, grows.is_empty()) else {
            return;
        };
        let given = if featured {
            4
        } else {
            self.rng.random_range(0..=2)
        };
        for i in 0..given {
            let skill = &grows[i % grows.len()];
            let at = self.mentor_time(&m, 200);
            let acknowledged = i > 0 && self.rng.random_range(0..100) < 70;
            let feedback = self.feedback(
                &m.mentor_id,
                self.id,
                &m,
                skill,
                &name(skill),
                at,
                acknowledged,
            );
            self.batch.feedback.push(feedback);
        }
        if featured {
            let skill = &grows[0];
            // Feedback the mentee gave their mentor, acknowledged.
            let at = self.mentor_time(&m, 90);
            let upward = self.feedback(self.id, &m.mentor_id, &m, skill, &name(skill), at, true);
            self.batch.feedback.push(upward);
            // A request the mentor answered, and one still waiting.
            for (answered, days_ago) in [(true, 30), (false, 2)] {
                let skill = &grows[usize::from(answered) % grows.len()];
                let request = BulkFeedbackRequest {
                    id: uuid(self.rng),
                    mentorship_id: m.mentorship_id.clone(),
                    from_id: self.id.to_owned(),
                    to_id: m.mentor_id.clone(),
                    skill_id: skill.to_string(),
                    note: format!(
                        "How did my {} come across in our last session?",
                        name(skill)
                    ),
                    answered_at: answered.then_some(self.now - (days_ago - 3) * DAY),
                    created_at: self.now - days_ago * DAY,
                };
                if answered {
                    let at = self.now - (days_ago - 3) * DAY;
                    let mut reply =
                        self.feedback(&m.mentor_id, self.id, &m, skill, &name(skill), at, false);
                    reply.request_id = Some(request.id.clone());
                    self.batch.feedback_requests.push(request);
                    self.batch.feedback.push(reply);
                } else {
                    self.batch.feedback_requests.push(request);
                }
            }
        }
    }

    /// A time in the mentorship: within `days` of its start, and before now.
    fn mentor_time(&mut self, m: &Link, days: i64) -> i64 {
        let start = m.created_at + DAY;
        let end = if m.running {
            self.now - HOUR
        } else {
            (start + days * DAY).min(self.now - HOUR)
        };
        if end <= start {
            return start.min(self.now - HOUR);
        }
        self.rng.random_range(start..end)
    }

    #[allow(clippy::too_many_arguments)]
    fn feedback(
        &mut self,
        from: &str,
        to: &str,
        m: &Link,
        skill: &SkillId,
        skill_name: &str,
        at: i64,
        acknowledged: bool,
    ) -> BulkFeedback {
        let pick = |rng: &mut StdRng, list: &[&str]| -> String {
            list.choose(rng)
                .copied()
                .unwrap_or_default()
                .replace("{skill}", skill_name)
        };
        self.counts.feedback += 1;
        BulkFeedback {
            id: uuid(self.rng),
            mentorship_id: m.mentorship_id.clone(),
            from_id: from.to_owned(),
            to_id: to.to_owned(),
            skill_id: skill.to_string(),
            request_id: None,
            situation: pick(self.rng, SITUATIONS),
            behaviour: pick(self.rng, BEHAVIOURS),
            impact: pick(self.rng, IMPACTS),
            suggestion: pick(self.rng, FEEDBACK_SUGGESTIONS),
            acknowledged_at: acknowledged.then(|| (at + 2 * DAY).min(self.now - HOUR)),
            reply: if acknowledged {
                pick(self.rng, REPLIES)
            } else {
                String::new()
            },
            created_at: at,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn featured_check_ins(seed: u64, now: i64) -> Vec<BulkCheckIn> {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut batch = BulkGrowth::default();
        let mut counts = GrowthCounts::default();
        Record {
            rng: &mut rng,
            batch: &mut batch,
            counts: &mut counts,
            id: "person",
            mentors: &[],
            now,
        }
        .check_ins(true);
        batch.check_ins
    }

    #[test]
    fn the_demo_mentees_check_ins_rise_weekly_for_two_years_with_one_marked_dip() {
        let now = 1_800_000_000_000;
        for seed in 0..20 {
            let check_ins = featured_check_ins(seed, now);
            assert_eq!(check_ins.len(), 100);
            assert!(
                check_ins
                    .windows(2)
                    .all(|w| w[0].created_at < w[1].created_at)
            );
            assert!(check_ins.iter().all(|c| c.created_at < now));
            let mean = |cs: &[BulkCheckIn]| {
                cs.iter().map(|c| c.confidence as f64).sum::<f64>() / cs.len() as f64
            };
            let (start, end) = (mean(&check_ins[..10]), mean(&check_ins[90..]));
            assert!(
                (3.5..=5.8).contains(&start),
                "seed {seed} starts at {start}"
            );
            assert!((6.5..=8.8).contains(&end), "seed {seed} ends at {end}");
            let drops: Vec<usize> = (0..check_ins.len())
                .filter(|&i| check_ins[i].marked_drop)
                .collect();
            assert!(
                !drops.is_empty() && drops.iter().all(|i| (30..70).contains(i)),
                "seed {seed}: marked drops at {drops:?}"
            );
            // The flags are the domain's rule over the check-ins before each.
            let confidences: Vec<Confidence> = check_ins
                .iter()
                .map(|c| Confidence::new(c.confidence).unwrap())
                .collect();
            for (i, c) in check_ins.iter().enumerate() {
                assert_eq!(
                    c.marked_drop,
                    marked_drop(&confidences[..i], confidences[i])
                );
                assert!(!c.share_notes || c.share_scores);
            }
        }
    }

    #[test]
    fn one_seed_gives_the_same_check_ins() {
        let ids = |seed| {
            featured_check_ins(seed, 1_800_000_000_000)
                .into_iter()
                .map(|c| (c.id, c.confidence, c.areas, c.created_at))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(5), ids(5));
        assert_ne!(ids(5), ids(6));
    }
}
