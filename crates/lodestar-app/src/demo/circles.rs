//! The demo's fourth programme: group circles, led by one or two mentors, begun ten days ago and enrolling for one
//! more week. Its mentors and mentees enrolled through the service, a real cohort match
//! run formed its circles around skills their mentees want, the admin published it, and a
//! few mentees have put a goal on their circle's board. Everything goes through the
//! services people use.

use std::collections::{HashMap, HashSet};

use chrono::{Days, Months, NaiveDate};
use lodestar_domain::PersonId;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};

use super::programmes::{Featured, Person, as_viewer, date};
use crate::growth::goals::NewGoal;
use crate::programmes::ProgrammeInput;
use crate::programmes::match_runs::MatchRunInput;
use crate::{App, AppError, Viewer};

/// What the circles programme holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CircleCounts {
    pub mentors: usize,
    pub mentees: usize,
    /// Circles the published match started, and the mentees in them.
    pub circles: usize,
    pub in_circles: usize,
    /// Circles two mentors lead together, and the mentees in them.
    pub co_mentored: usize,
    pub in_co_mentored: usize,
    /// Goals put on the circles' boards.
    pub on_board: usize,
}

/// The goals mentees put on their circle's board, by the circle's focus.
const GOALS: [(&str, &str); 3] = [
    (
        "Use {} on a real piece of work",
        "A piece of work shipped that used it",
    ),
    (
        "Run a short {} session for my team",
        "The session held, and the team's questions answered",
    ),
    ("Finish a course in {}", "The course and its exercises done"),
];

fn definition(today: NaiveDate, admin: PersonId) -> ProgrammeInput {
    let started = today - Days::new(10);
    ProgrammeInput {
        name: "Learning circles".into(),
        description: "Small groups learning one skill together, led by one or two mentors who \
                      are strong in it: one conversation for the circle, sessions for \
                      everyone, and a goal board where each member's goals are cheered on."
            .into(),
        enrolment_opens: date(today - Days::new(30)),
        enrolment_closes: date(today + Days::new(7)),
        starts_on: date(started),
        ends_on: date(started + Months::new(4)),
        matching: "cohort".into(),
        purposes: Some(vec!["skills".into(), "networking".into()]),
        format: Some("circle".into()),
        circle_size: Some(5),
        circle_mentors: Some(2),
        admins: Some(vec![admin.to_string()]),
        ..ProgrammeInput::default()
    }
}

impl App {
    /// Creates the circles programme, enrols people of the demo who are in no running
    /// programme (`taken`) and are not its logins, and forms, publishes and starts its
    /// circles: its counts, and each circle's mentor and mentee pairs (connected by their
    /// mentorship).
    pub(crate) async fn demo_circles_programme(
        &self,
        admin: &Viewer,
        people: &[Person],
        featured: &Featured,
        taken: &HashSet<PersonId>,
        seed: u64,
        today: NaiveDate,
    ) -> Result<(CircleCounts, Vec<(PersonId, PersonId)>), AppError> {
        let mut rng = StdRng::seed_from_u64(seed ^ 0x6369_7263_6c65);
        let logins = [featured.mentor, featured.mentee, featured.both];
        let mut pool: Vec<&Person> = people
            .iter()
            .filter(|p| !taken.contains(&p.id) && !logins.contains(&Some(p.id)))
            .collect();
        pool.shuffle(&mut rng);
        // The circles are drawn from the department with the most mentors first, so their
        // mentors share skills to co-mentor and their mentees want them.
        let mut mentors_by_department: HashMap<&str, usize> = HashMap::new();
        for p in pool.iter().filter(|p| p.is_mentor) {
            *mentors_by_department.entry(&p.department).or_default() += 1;
        }
        let home = mentors_by_department
            .into_iter()
            .max_by_key(|&(department, n)| (n, std::cmp::Reverse(department)))
            .map(|(department, _)| department.to_owned())
            .unwrap_or_default();
        pool.sort_by_key(|p| p.department != home);
        let mentors: Vec<PersonId> = pool
            .iter()
            .filter(|p| p.is_mentor)
            .take((people.len() / 100).clamp(2, 12))
            .map(|p| p.id)
            .collect();
        let mentees: Vec<PersonId> = pool
            .iter()
            .filter(|p| p.wants_mentor && !p.is_mentor)
            .take((people.len() / 30).clamp(6, 45))
            .map(|p| p.id)
            .collect();
        let p = self
            .create_programme(admin, &definition(today, admin.id))
            .await?;
        self.demo_enrol(p.id, &mentors, &mentees).await?;
        let mut counts = CircleCounts {
            mentors: mentors.len(),
            mentees: mentees.len(),
            ..CircleCounts::default()
        };
        let run = self
            .start_match_run(admin, p.id, &MatchRunInput::default())
            .await?
            .id;
        let draft = self.solved(admin, run).await?;
        let published = self.publish_match_run(admin, run).await?;
        let mut pairs = super::programmes::made_pairs(&draft, &published);
        counts.circles = draft.circles.len();
        counts.in_circles = draft.circles.iter().map(|c| c.mentees.len()).sum();
        for circle in &draft.circles {
            let Some(co) = &circle.co_mentor else {
                continue;
            };
            if published
                .co_mentors_left_out
                .iter()
                .any(|left| left.co_mentor.id == co.id)
            {
                continue;
            }
            counts.co_mentored += 1;
            counts.in_co_mentored += circle.mentees.len();
            pairs.extend(circle.mentees.iter().map(|m| (co.id, m.id)));
        }
        // In most circles, one or two mentees put a goal on the board.
        let target = date(today + Days::new(rng.random_range(35..90)));
        for (k, circle) in draft.circles.iter().enumerate() {
            let Some(focus) = &circle.focus else { continue };
            let mut tx = self.db.begin().await?;
            let found =
                lodestar_store::mentorships::running_circle(&mut tx, circle.mentor.id, p.id)
                    .await?;
            lodestar_store::commit(tx).await?;
            let Some((mentorship, _)) = found else {
                continue;
            };
            for (n, mentee) in circle.mentees.iter().take(1 + k % 2).enumerate() {
                if (k + n) % 4 == 3 {
                    continue;
                }
                let (title, measure) = GOALS[(k + n) % GOALS.len()];
                let goal = NewGoal {
                    title: title.replace("{}", focus),
                    measure: measure.into(),
                    target_date: target.clone(),
                    mentorship_id: Some(mentorship),
                    on_board: true,
                    progress: Some(rng.random_range(1..7) * 10),
                    ..NewGoal::default()
                };
                self.create_goal(&as_viewer(mentee.id), &goal).await?;
                counts.on_board += 1;
            }
        }
        // The people are made up: the notices stay in their inboxes, but nobody at an
        // example address is mailed.
        lodestar_store::outbox::discard_unsent(&self.db).await?;
        Ok((counts, pairs))
    }
}
