//! The demo organisation's mentoring history, so that it looks lived in: requests in every
//! state, mentorships active, paused, completed and cancelled, past sessions with notes and
//! action items, sessions to come, a few stalled mentorships and a few mentors who stopped
//! taking requests. The demo's mentor and mentee logins get a full share of it, so a
//! newcomer who signs in as either sees the whole product at once.
//!
//! Capacity holds as it does in use: a mentor's active and paused mentorships never exceed
//! their capacity, and every pair shares a skill the mentee wants or a focus area.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use lodestar_domain::{FocusArea, PersonId, SkillId};
use lodestar_store::bulk_mentoring::{
    BulkActionItem, BulkEvent, BulkMeeting, BulkMember, BulkMentoring, BulkMentorship, BulkMessage,
    BulkNote, BulkNotification, BulkRequest,
};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{RngExt, SeedableRng};

const DAY: i64 = 24 * 60 * 60 * 1000;
const HOUR: i64 = 60 * 60 * 1000;
/// Mentorships are written in batches of this many, with everything that belongs to them.
const BATCH: usize = 1_000;

/// What the history needs to know of a generated person.
#[derive(Clone, Debug)]
pub(crate) struct Person {
    pub id: PersonId,
    pub first_name: String,
    pub time_zone: String,
    pub is_mentor: bool,
    pub wants_mentor: bool,
    pub capacity: i64,
    pub mentors: Vec<SkillId>,
    pub grows: Vec<SkillId>,
    pub focus_areas: Vec<FocusArea>,
}

/// How much history was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryCounts {
    pub requests: usize,
    pub mentorships: usize,
    pub active: usize,
    pub meetings: usize,
}

pub(super) const GOALS: &[&str] = &[
    "Prepare for a first team-lead role within a year",
    "Grow confidence presenting to senior leadership",
    "Build a plan for moving into product management",
    "Get better at giving and taking feedback",
    "Deepen technical judgement on system design",
    "Widen my network beyond my own department",
    "Find a sustainable pace and say no more often",
];
const MESSAGES: &[&str] = &[
    "I read your profile and your experience is exactly where I want to grow. Would you have room for a mentee?",
    "I'm working towards my first lead role and would value a sounding board every few weeks.",
    "Your background in this area would help me a lot; I'd like to work on it over the next months.",
    "A colleague recommended you. Could we try a few sessions and see if it fits?",
];
const DECLINES: &[&str] = &[
    "My calendar is full until the spring; please ask me again then.",
    "I think someone closer to your field would help you more.",
    "",
];
pub(super) const NOTES: &[&str] = &[
    "Talked through the upcoming review. Agreed to collect three concrete examples of impact before next time.",
    "Practised the presentation opening twice; the second run was much clearer. Keep the first slide to one message.",
    "Mapped the skills for the target role and picked the two largest gaps to work on first.",
    "Discussed how to ask for a stretch project. Drafted the message together.",
    "Reviewed the feedback from the team retro and what to try differently.",
];
pub(super) const PRIVATE_NOTES: &[&str] = &[
    "Seemed tired today; check in on workload next time.",
    "I was nervous raising the promotion question. It went better than I feared.",
    "Remember to share the article on negotiation I mentioned.",
];
pub(super) const ACTIONS: &[&str] = &[
    "Write down three examples of impact from this quarter",
    "Ask the team lead about the architecture review",
    "Read the chapter on difficult conversations",
    "Draft the proposal for the stretch project",
    "Share the presentation outline for comments",
    "Book a coffee with someone in the data team",
];
pub(super) const PLACES: &[&str] = &[
    "https://meet.example.org/lodestar-mentoring",
    "Video call (link in the agreement)",
    "Café on the ground floor",
    "Meeting room 4.12",
];
/// Exchanges between sessions: a mentee's message, then the mentor's answer.
const CONVERSATIONS: &[(&str, &str)] = &[
    (
        "Thanks for today. I wrote up the three examples we talked about — could you look at the *second* one before Thursday?",
        "Happy to. The second one is strong; lead with the outcome, then how you got there.",
    ),
    (
        "Quick one: the review got moved to next week. Should we still meet, or push our session?",
        "Let's still meet: it gives you one more run-through. Bring the slides.",
    ),
    (
        "I found this on giving feedback and thought of our last talk: <https://example.org/feedback-that-lands>",
        "Good find. Try the **situation, behaviour, impact** shape from it in your next 1:1 and tell me how it went.",
    ),
    (
        "My plan for the next month:\n\n- finish the design doc\n- ask for the stretch project\n- one coffee a week with someone new",
        "That's a good plan. I'd put the stretch project first: the timing with the reorg matters.",
    ),
    (
        "The team lead said yes to the architecture review! Nervous, but excited.",
        "Well done — you earned that. Send me your outline and we'll go through it together.",
    ),
    (
        "I keep getting stuck on `git rebase` with the shared branch. Is it worth learning properly?",
        "Yes, half an hour on it pays back for years. Start with `git rebase -i` on a scratch branch.",
    ),
];
/// A mentor's question on a request before answering it, and the mentee's reply.
const REQUEST_QUESTIONS: &[(&str, &str)] = &[
    (
        "Thanks for asking. Before I answer: what would you most like to be different in six months?",
        "Mostly confidence in leading design discussions; right now I hold back in the meetings that matter.",
    ),
    (
        "Glad you reached out. How much time could you give this each month, roughly?",
        "About two hours a month, plus the reading between sessions.",
    ),
];
pub(super) const REFLECTIONS: &[&str] = &[
    "We reached the goals we set; I feel ready for the next step.",
    "A good run. The sessions on feedback made the biggest difference.",
];

pub(super) fn date(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

fn uuid(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

/// The story of one mentorship: how it stands and how long it has run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Story {
    Active,
    /// Active, but no session for over three weeks and none planned.
    Stalled,
    Paused,
    Completed,
    Cancelled,
}

struct Generator<'a> {
    rng: StdRng,
    people: &'a [Person],
    now: i64,
    batch: BulkMentoring,
    batches: Vec<BulkMentoring>,
    counts: HistoryCounts,
    /// Pairs with a request already, so that none has two.
    asked: HashSet<(usize, usize)>,
    /// The demo's logins: their newest messages from others stay unread.
    featured: HashSet<usize>,
}

/// Generates the history for `people`, with `featured` (the demo's logins) given every kind
/// of thing. The same seed gives the same history, apart from the times, which are
/// relative to `now`.
pub(crate) fn generate(
    people: &[Person],
    featured: &[PersonId],
    seed: u64,
    now: i64,
) -> (Vec<BulkMentoring>, HistoryCounts) {
    let mut g = Generator {
        rng: StdRng::seed_from_u64(seed ^ 0x6d65_6e74_6f72),
        people,
        now,
        batch: BulkMentoring::default(),
        batches: Vec::new(),
        counts: HistoryCounts::default(),
        asked: HashSet::new(),
        featured: HashSet::new(),
    };
    let index: HashMap<PersonId, usize> =
        people.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    g.featured = featured
        .iter()
        .filter_map(|id| index.get(id).copied())
        .collect();
    // Places left per mentor, and mentors by the skill they mentor.
    let mut places: Vec<i64> = people
        .iter()
        .map(|p| if p.is_mentor { p.capacity } else { 0 })
        .collect();
    let mut by_skill: HashMap<SkillId, Vec<usize>> = HashMap::new();
    for (i, p) in people.iter().enumerate().filter(|(_, p)| p.is_mentor) {
        for skill in &p.mentors {
            by_skill.entry(*skill).or_default().push(i);
        }
    }
    let mentors: Vec<usize> = (0..people.len()).filter(|&i| people[i].is_mentor).collect();

    // The featured people first, so their stories are complete; then everyone else.
    let mut order: Vec<usize> = (0..people.len())
        .filter(|&i| people[i].wants_mentor)
        .collect();
    order.shuffle(&mut g.rng);
    let featured_idx: Vec<usize> = featured
        .iter()
        .filter_map(|id| index.get(id).copied())
        .collect();
    order.retain(|i| !featured_idx.contains(i));
    let featured_mentees: Vec<usize> = featured_idx
        .iter()
        .copied()
        .filter(|&i| people[i].wants_mentor)
        .collect();
    let featured_mentors: Vec<usize> = featured_idx
        .iter()
        .copied()
        .filter(|&i| people[i].is_mentor)
        .collect();

    // A featured mentor gets a mentee in each story that holds a place, and a completed one.
    for &mentor in &featured_mentors {
        let stories = [Story::Active, Story::Paused, Story::Stalled, Story::Active];
        for story in stories.iter().take(people[mentor].capacity.max(1) as usize) {
            if let Some(pos) = order
                .iter()
                .position(|&m| m != mentor && relevant(&people[m], &people[mentor]))
            {
                let mentee = order.remove(pos);
                g.mentorship(mentee, mentor, *story, &mut places);
            }
        }
        if let Some(pos) = order
            .iter()
            .position(|&m| m != mentor && relevant(&people[m], &people[mentor]))
        {
            let mentee = order.remove(pos);
            g.mentorship(mentee, mentor, Story::Completed, &mut places);
        }
        // Requests waiting for their answer.
        for _ in 0..2 {
            if let Some(pos) = order
                .iter()
                .position(|&m| m != mentor && relevant(&people[m], &people[mentor]))
            {
                let mentee = order.remove(pos);
                g.request(mentee, mentor, "pending", None);
            }
        }
    }
    // A featured mentee has an active mentorship, a completed one, a request waiting and one
    // declined.
    for &mentee in &featured_mentees {
        for story in [Story::Active, Story::Completed] {
            if let Some(mentor) = g.find_mentor(mentee, &by_skill, &mentors, &places, story) {
                g.mentorship(mentee, mentor, story, &mut places);
            }
        }
        for state in ["pending", "declined"] {
            if let Some(mentor) =
                g.find_mentor(mentee, &by_skill, &mentors, &places, Story::Completed)
            {
                g.request(mentee, mentor, state, None);
            }
        }
    }

    // Everyone else: nine in ten who want a mentor have, or had, one.
    for mentee in order {
        let roll = g.rng.random_range(0..100);
        let story = match roll {
            0..10 => None,
            10..80 => Some(Story::Active),
            80..83 => Some(Story::Stalled),
            83..87 => Some(Story::Paused),
            87..95 => Some(Story::Completed),
            _ => Some(Story::Cancelled),
        };
        if let Some(story) = story
            && let Some(mentor) = g.find_mentor(mentee, &by_skill, &mentors, &places, story)
        {
            g.mentorship(mentee, mentor, story, &mut places);
        }
        // Requests that went nowhere, and some still waiting.
        let extra = g.rng.random_range(0..100);
        let state = match extra {
            0..6 => Some("pending"),
            6..10 => Some("declined"),
            10..13 => Some("expired"),
            13..15 => Some("withdrawn"),
            _ => None,
        };
        if let Some(state) = state
            && let Some(mentor) =
                g.find_mentor(mentee, &by_skill, &mentors, &places, Story::Completed)
        {
            g.request(mentee, mentor, state, None);
        }
        if g.batch.mentorships.len() >= BATCH {
            g.flush();
        }
    }
    // A few mentors let requests expire and stopped taking new ones.
    for &mentor in mentors
        .iter()
        .filter(|m| !featured_idx.contains(m))
        .step_by(97)
    {
        g.batch
            .silent_mentors
            .push((people[mentor].id.to_string(), 3));
    }
    g.flush();
    (g.batches, g.counts)
}

/// Whether a pair is one the relevance rule allows: the mentor mentors a skill the mentee
/// wants, or they share a focus area.
fn relevant(mentee: &Person, mentor: &Person) -> bool {
    mentee.grows.iter().any(|s| mentor.mentors.contains(s))
        || mentee
            .focus_areas
            .iter()
            .any(|f| mentor.focus_areas.contains(f))
}

impl Generator<'_> {
    fn find_mentor(
        &mut self,
        mentee: usize,
        by_skill: &HashMap<SkillId, Vec<usize>>,
        mentors: &[usize],
        places: &[i64],
        story: Story,
    ) -> Option<usize> {
        let holds_place = matches!(story, Story::Active | Story::Stalled | Story::Paused);
        let person = &self.people[mentee];
        let asked = &self.asked;
        let free = |m: usize| {
            m != mentee && (!holds_place || places[m] > 0) && !asked.contains(&(mentee, m))
        };
        // Someone who mentors a skill they want, else someone sharing a focus area.
        let mut candidates: Vec<usize> = person
            .grows
            .iter()
            .filter_map(|s| by_skill.get(s))
            .flatten()
            .copied()
            .filter(|&m| free(m))
            .collect();
        if candidates.is_empty() {
            for _ in 0..20 {
                let &m = mentors.choose(&mut self.rng)?;
                if free(m) && relevant(person, &self.people[m]) {
                    return Some(m);
                }
            }
            return None;
        }
        candidates.dedup();
        candidates.choose(&mut self.rng).copied()
    }

    fn flush(&mut self) {
        if !self.batch.requests.is_empty() || !self.batch.silent_mentors.is_empty() {
            self.batches.push(std::mem::take(&mut self.batch));
        }
    }

    fn request(
        &mut self,
        mentee: usize,
        mentor: usize,
        state: &'static str,
        mentorship: Option<&str>,
    ) -> String {
        self.asked.insert((mentee, mentor));
        let (me, mo) = (&self.people[mentee], &self.people[mentor]);
        let id = uuid(&mut self.rng);
        let age = match state {
            "pending" => self.rng.random_range(HOUR..10 * DAY),
            _ => self.rng.random_range(15 * DAY..200 * DAY),
        };
        let created_at = self.now - age;
        let skills: Vec<SkillId> = me
            .grows
            .iter()
            .filter(|s| mo.mentors.contains(s))
            .copied()
            .collect();
        let focus: Vec<FocusArea> = me
            .focus_areas
            .iter()
            .filter(|f| mo.focus_areas.contains(f))
            .copied()
            .collect();
        let cadence = ["weekly", "fortnightly", "monthly"][self.rng.random_range(0..3)];
        let decided_at = (state != "pending" && state != "expired")
            .then(|| created_at + self.rng.random_range(HOUR..5 * DAY));
        self.batch.requests.push(BulkRequest {
            id: id.clone(),
            mentor_id: mo.id.to_string(),
            mentee_id: me.id.to_string(),
            initiator: if self.rng.random_range(0..10) == 0 {
                "mentor"
            } else {
                "mentee"
            },
            message: MESSAGES
                .choose(&mut self.rng)
                .copied()
                .unwrap_or_default()
                .into(),
            skills: json(&skills.iter().map(ToString::to_string).collect::<Vec<_>>()),
            focus_areas: json(&focus),
            cadence,
            duration_weeks: [12, 16, 26][self.rng.random_range(0..3)],
            state,
            decline_reason: if state == "declined" {
                DECLINES
                    .choose(&mut self.rng)
                    .copied()
                    .unwrap_or_default()
                    .into()
            } else {
                String::new()
            },
            mentorship_id: mentorship.map(str::to_owned),
            created_at,
            expires_at: created_at + 14 * DAY,
            decided_at,
        });
        self.counts.requests += 1;
        if state == "pending" && self.featured.contains(&mentor) {
            let (question, answer) = *REQUEST_QUESTIONS
                .choose(&mut self.rng)
                .unwrap_or(&REQUEST_QUESTIONS[0]);
            let asked_at = (created_at + HOUR).min(self.now - 2 * HOUR);
            let (mo_id, me_id) = (mo.id.to_string(), me.id.to_string());
            self.message(&id, &mo_id, question, asked_at, true);
            self.message(&id, &me_id, answer, asked_at + HOUR, false);
        }
        let (me, mo) = (&self.people[mentee], &self.people[mentor]);
        if state == "pending" {
            self.batch.notifications.push(BulkNotification {
                person_id: mo.id.to_string(),
                kind: "request_received",
                title: format!("{} asks you to mentor them", me.first_name),
                body: "Read their message and answer from your requests page.".into(),
                link: "/requests".into(),
                created_at,
                read_at: None,
            });
        }
        id
    }

    fn mentorship(&mut self, mentee: usize, mentor: usize, story: Story, places: &mut [i64]) {
        if matches!(story, Story::Active | Story::Stalled | Story::Paused) {
            places[mentor] -= 1;
        }
        let id = uuid(&mut self.rng);
        let request = self.request(mentee, mentor, "accepted", Some(&id));
        let (me, mo) = (&self.people[mentee], &self.people[mentor]);
        let (me_id, mo_id) = (me.id.to_string(), mo.id.to_string());
        let cadence_days: i64 = [7, 14, 30][self.rng.random_range(0..3)];
        let cadence = match cadence_days {
            7 => "weekly",
            14 => "fortnightly",
            _ => "monthly",
        };
        // A mentorship that has ended, paused or gone quiet ran a while first: longer than
        // its quiet spell (up to 60 days), so it has sessions before it.
        let shortest = if story == Story::Active { 3 } else { 10 };
        let weeks_running = self.rng.random_range(shortest..40);
        let created_at = self.now - weeks_running * 7 * DAY;
        // Ended mentorships stopped some weeks ago; a stalled one has not met for 4–8 weeks.
        let last_meeting_at = match story {
            Story::Completed | Story::Cancelled => self.now - self.rng.random_range(7..60) * DAY,
            Story::Stalled => self.now - self.rng.random_range(25..60) * DAY,
            Story::Paused => self.now - self.rng.random_range(7..20) * DAY,
            Story::Active => self.now - self.rng.random_range(1..cadence_days.max(2)) * DAY,
        }
        .max(created_at + DAY);
        let state = match story {
            Story::Active | Story::Stalled => "active",
            Story::Paused => "paused",
            Story::Completed => "completed",
            Story::Cancelled => "cancelled",
        };
        let focus: Vec<FocusArea> = me
            .focus_areas
            .iter()
            .filter(|f| mo.focus_areas.contains(f))
            .copied()
            .collect();
        let skills: Vec<String> = me
            .grows
            .iter()
            .filter(|s| mo.mentors.contains(s))
            .map(ToString::to_string)
            .collect();
        let ended_at =
            matches!(story, Story::Completed | Story::Cancelled).then_some(last_meeting_at + DAY);
        self.batch.mentorships.push(BulkMentorship {
            id: id.clone(),
            request_id: Some(request.clone()),
            state,
            goals: GOALS
                .choose(&mut self.rng)
                .copied()
                .unwrap_or_default()
                .into(),
            focus_areas: json(&focus),
            skills: json(&skills),
            cadence,
            expected_end_on: Some(date(created_at + 26 * 7 * DAY)),
            resume_on: (story == Story::Paused)
                .then(|| date(self.now + self.rng.random_range(7..40) * DAY)),
            created_at,
            ended_at,
            last_activity_at: last_meeting_at,
            stalled_since: (story == Story::Stalled)
                .then_some((last_meeting_at + 21 * DAY).min(self.now)),
        });
        let completed = story == Story::Completed;
        for (person, role) in [(&mo_id, "mentor"), (&me_id, "mentee")] {
            self.batch.members.push(BulkMember {
                mentorship_id: id.clone(),
                person_id: person.clone(),
                role,
                contact: if role == "mentor" {
                    "Teams chat, or call after 16:00".into()
                } else {
                    String::new()
                },
                reflection: if completed {
                    REFLECTIONS
                        .choose(&mut self.rng)
                        .copied()
                        .unwrap_or_default()
                        .into()
                } else {
                    String::new()
                },
                rating: completed.then(|| self.rng.random_range(3..=5)),
                joined_at: created_at,
            });
        }
        let event = |kind, actor: &String, detail: String, at| BulkEvent {
            mentorship_id: id.clone(),
            actor_id: Some(actor.clone()),
            kind,
            detail,
            at,
        };
        self.batch
            .events
            .push(event("started", &mo_id, String::new(), created_at));
        match story {
            Story::Paused => self.batch.events.push(event(
                "paused",
                &me_id,
                "A busy month at work".into(),
                last_meeting_at + DAY,
            )),
            Story::Completed => self.batch.events.push(event(
                "completed",
                &me_id,
                "We reached the goals we set".into(),
                last_meeting_at + DAY,
            )),
            Story::Cancelled => self.batch.events.push(event(
                "cancelled",
                &mo_id,
                "Changing roles and cannot keep the time".into(),
                last_meeting_at + DAY,
            )),
            Story::Stalled => self.batch.events.push(BulkEvent {
                mentorship_id: id.clone(),
                actor_id: None,
                kind: "stalled",
                detail: "No session for three weeks".into(),
                at: last_meeting_at + 21 * DAY,
            }),
            Story::Active => {}
        }
        // Past meetings at the cadence, from the start to the last one.
        let mut at = created_at + DAY + 10 * HOUR;
        let mut past = Vec::new();
        while at <= last_meeting_at {
            past.push(at);
            at += cadence_days * DAY;
        }
        for (n, starts_at) in past.iter().enumerate() {
            let roll = self.rng.random_range(0..100);
            let state = match roll {
                0..6 => "no_show",
                6..14 => "cancelled",
                _ => "held",
            };
            let meeting = self.meeting(&id, &mo_id, *starts_at, state, &me.time_zone);
            if state == "held" {
                let author = if n % 2 == 0 { &me_id } else { &mo_id };
                if self.rng.random_range(0..100) < 70 {
                    self.batch.notes.push(BulkNote {
                        meeting_id: meeting.clone(),
                        author_id: author.clone(),
                        private: false,
                        body: NOTES
                            .choose(&mut self.rng)
                            .copied()
                            .unwrap_or_default()
                            .into(),
                        at: starts_at + HOUR,
                    });
                }
                if self.rng.random_range(0..100) < 25 {
                    self.batch.notes.push(BulkNote {
                        meeting_id: meeting.clone(),
                        author_id: author.clone(),
                        private: true,
                        body: PRIVATE_NOTES
                            .choose(&mut self.rng)
                            .copied()
                            .unwrap_or_default()
                            .into(),
                        at: starts_at + HOUR,
                    });
                }
                // Action items from the last three meetings; the older ones are done.
                if n + 3 >= past.len() {
                    let recent = n + 1 == past.len()
                        && matches!(story, Story::Active | Story::Stalled | Story::Paused);
                    let due = starts_at + cadence_days * DAY;
                    self.batch.action_items.push(BulkActionItem {
                        mentorship_id: id.clone(),
                        meeting_id: Some(meeting),
                        title: ACTIONS
                            .choose(&mut self.rng)
                            .copied()
                            .unwrap_or_default()
                            .into(),
                        owner_id: me_id.clone(),
                        created_by: mo_id.clone(),
                        due_on: Some(date(due)),
                        done_at: (!recent).then_some(due - DAY),
                        created_at: starts_at + HOUR,
                    });
                }
            }
        }
        self.conversation(&request, (mentee, &me_id), (mentor, &mo_id), &past, story);
        // The next session of a running mentorship, at its cadence.
        if story == Story::Active {
            let next = (last_meeting_at + cadence_days * DAY).max(self.now + DAY);
            let next = next - next % HOUR;
            self.meeting(&id, &me_id, next, "scheduled", &me.time_zone);
        }
        self.counts.mentorships += 1;
        if matches!(story, Story::Active | Story::Stalled) {
            self.counts.active += 1;
        }
    }

    /// Messages between the sessions: an exchange after some of them, and for a running
    /// mentorship one after the last, which a featured member has not read yet.
    fn conversation(
        &mut self,
        thread: &str,
        (mentee, me_id): (usize, &str),
        (mentor, mo_id): (usize, &str),
        sessions: &[i64],
        story: Story,
    ) {
        let running = matches!(story, Story::Active | Story::Stalled | Story::Paused);
        let last = sessions.len().saturating_sub(1);
        for (n, &at) in sessions.iter().enumerate() {
            if n != last && self.rng.random_range(0..100) >= 35 {
                continue;
            }
            let (question, answer) = *CONVERSATIONS
                .choose(&mut self.rng)
                .unwrap_or(&CONVERSATIONS[0]);
            let asked_at = (at + 5 * HOUR).min(self.now - 3 * HOUR);
            let answered_at = (asked_at + self.rng.random_range(1..20) * HOUR).min(self.now - HOUR);
            // The newest exchange of a running mentorship: the featured member has yet to
            // read the other's latest message.
            let unread_for_mentor = running && n == last && self.featured.contains(&mentor);
            let unread_for_mentee = running && n == last && self.featured.contains(&mentee);
            self.message(thread, me_id, question, asked_at, !unread_for_mentor);
            if !unread_for_mentor {
                self.message(thread, mo_id, answer, answered_at, !unread_for_mentee);
            }
        }
    }

    fn message(&mut self, thread: &str, author: &str, body: &str, at: i64, read: bool) {
        let body = body.to_owned();
        self.batch.messages.push(BulkMessage {
            id: uuid::Builder::from_unix_timestamp_millis(
                u64::try_from(at).unwrap_or_default(),
                &self.rng.random(),
            )
            .into_uuid()
            .to_string(),
            thread_id: thread.to_owned(),
            author_id: author.to_owned(),
            html: crate::conversations::render::render(&body),
            body,
            render_version: crate::conversations::RENDER_VERSION,
            created_at: at,
            read,
        });
    }

    fn meeting(
        &mut self,
        mentorship: &str,
        organizer: &str,
        starts_at: i64,
        state: &'static str,
        time_zone: &str,
    ) -> String {
        let id = uuid(&mut self.rng);
        self.batch.meetings.push(BulkMeeting {
            id: id.clone(),
            mentorship_id: mentorship.to_owned(),
            organizer_id: organizer.to_owned(),
            starts_at,
            duration_minutes: [30, 45, 60][self.rng.random_range(0..3)],
            time_zone: time_zone.to_owned(),
            location: PLACES
                .choose(&mut self.rng)
                .copied()
                .unwrap_or_default()
                .into(),
            agenda: "Catch up on the action items; the next step towards the goal.".into(),
            state,
            cancel_reason: if state == "cancelled" {
                "Clash with a deadline".into()
            } else {
                String::new()
            },
            sequence: 0,
            created_at: starts_at - 7 * DAY,
        });
        self.counts.meetings += 1;
        id
    }
}
