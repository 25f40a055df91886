//! The demo's third programme: admin-assisted, begun two weeks ago and still enrolling.
//! Its mentees asked its mentors inside it, and its admin reviewed the requests: most
//! approved (half of those accepted by now, so the programme has its first mentorships),
//! one in five not approved with a word to the mentee, one in five still waiting — among
//! them the request of the login who both mentors and is mentored, so that login sees a
//! request waiting for approval, and the admin sees requests to approve. Everything goes
//! through the services people use: enrolling, asking, approving, rejecting, accepting.

use std::collections::HashSet;

use chrono::{Days, Months, NaiveDate};
use lodestar_domain::PersonId;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};

use super::programmes::{Featured, Person, as_viewer, date};
use crate::programmes::ProgrammeInput;
use crate::requests::NewRequestInput;
use crate::{App, AppError, Viewer};

/// What the admin-assisted programme holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssistedCounts {
    pub mentors: usize,
    pub mentees: usize,
    /// Requests its mentees sent, and what became of them.
    pub requests: usize,
    pub approved: usize,
    pub rejected: usize,
    pub waiting: usize,
    /// Approved requests the mentor accepted: the programme's mentorships.
    pub accepted: usize,
}

const MESSAGES: [&str; 4] = [
    "I have just moved into a customer-facing role and would value your experience.",
    "I would like to get better at difficult conversations with clients.",
    "Could we work on how I present to senior stakeholders?",
    "I am preparing for my first account review and would love a sounding board.",
];
const REJECTION: &str = "Their places are spoken for this round; one of the other mentors \
                         has more room and covers what you want to work on.";

fn definition(today: NaiveDate, admin: PersonId) -> ProgrammeInput {
    let started = today - Days::new(14);
    ProgrammeInput {
        name: "Customer teams mentoring".into(),
        description: "Mentees choose their mentor from the programme's mentors and ask them; \
                      the programme team reads each request first so that every mentor's \
                      places go where they help most."
            .into(),
        enrolment_opens: date(today - Days::new(21)),
        enrolment_closes: date(today + Days::new(28)),
        starts_on: date(started),
        ends_on: date(started + Months::new(5)),
        matching: "admin_assisted".into(),
        purposes: Some(vec!["skills".into(), "confidence".into()]),
        format: Some("one_to_one".into()),
        mentor_capacity: Some(2),
        admins: Some(vec![admin.to_string()]),
        ..ProgrammeInput::default()
    }
}

impl App {
    /// Creates the admin-assisted programme, enrols people who are in no other running
    /// programme (`taken`), and lets them ask, be reviewed and be accepted: its counts and
    /// the pairs its mentorships made.
    pub(crate) async fn demo_assisted_programme(
        &self,
        admin: &Viewer,
        people: &[Person],
        featured: &Featured,
        taken: &HashSet<PersonId>,
        seed: u64,
        today: NaiveDate,
    ) -> Result<(AssistedCounts, Vec<(PersonId, PersonId)>), AppError> {
        let mut rng = StdRng::seed_from_u64(seed ^ 0x6173_7369_7374);
        let logins = [featured.mentor, featured.mentee];
        let mut pool: Vec<&Person> = people
            .iter()
            .filter(|p| !taken.contains(&p.id) && !logins.contains(&Some(p.id)))
            .filter(|p| Some(p.id) != featured.both)
            .collect();
        pool.shuffle(&mut rng);
        let want_mentors = (people.len() / 100).clamp(3, 12);
        let want_mentees = (people.len() / 50).clamp(5, 24);
        let mut mentors: Vec<PersonId> = pool
            .iter()
            .filter(|p| p.is_mentor)
            .take(want_mentors)
            .map(|p| p.id)
            .collect();
        let mut mentees: Vec<PersonId> = pool
            .iter()
            .filter(|p| p.wants_mentor && !p.is_mentor)
            .take(want_mentees)
            .map(|p| p.id)
            .collect();
        // The login who does both asks last, and their request is left waiting.
        mentees.extend(featured.both);
        mentors.dedup();

        let p = self
            .create_programme(admin, &definition(today, admin.id))
            .await?;
        let mut counts = AssistedCounts::default();
        self.demo_enrol(p.id, &mentors, &mentees).await?;
        counts.mentors = mentors.len();
        counts.mentees = mentees.len();
        if mentors.is_empty() {
            return Ok((counts, Vec::new()));
        }

        let mut pairs = Vec::new();
        for (k, mentee) in mentees.iter().enumerate() {
            let last = k + 1 == mentees.len() && featured.both == Some(*mentee);
            // A mentor with a place left in the programme, from where the last ask went.
            let free = self.programme_mentors(admin, p.id).await?;
            let Some(mentor) = (0..free.len())
                .map(|i| &free[(k + i) % free.len()])
                .find(|m| m.free_places > 0 && m.id != *mentee)
            else {
                break;
            };
            let input = NewRequestInput {
                mentor_id: Some(mentor.id.to_string()),
                message: MESSAGES[rng.random_range(0..MESSAGES.len())].into(),
                cadence: Some("fortnightly".into()),
                duration_weeks: Some(16),
                programme_id: Some(p.id.to_string()),
                ..NewRequestInput::default()
            };
            // Someone the mentee may not ask (a block, a mentorship already) is passed by.
            let Ok(sent) = self.send_request(&as_viewer(*mentee), input).await else {
                continue;
            };
            counts.requests += 1;
            match k % 5 {
                _ if last => counts.waiting += 1,
                4 => counts.waiting += 1,
                3 => {
                    self.reject_request(admin, sent.id, Some(REJECTION)).await?;
                    counts.rejected += 1;
                }
                _ => {
                    self.approve_request(admin, sent.id).await?;
                    counts.approved += 1;
                    if k % 2 == 0 {
                        self.accept_request(&as_viewer(mentor.id), sent.id).await?;
                        counts.accepted += 1;
                        pairs.push((mentor.id, *mentee));
                    }
                }
            }
        }
        // The people are made up: the notices stay in their inboxes, but nobody at an
        // example address is mailed.
        lodestar_store::outbox::discard_unsent(&self.db).await?;
        Ok((counts, pairs))
    }
}
