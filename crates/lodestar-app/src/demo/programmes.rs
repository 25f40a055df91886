//! The demo organisation's two programmes: one in its enrolment phase (about one person in
//! fifteen enrolled, most approved, some waiting for approval, a few withdrawn; the demo
//! mentee among them), and one half-way through, about one in fifteen enrolled (most of
//! them from the engineering department), matched
//! by a published cohort match run, with the demo mentor given a mentee by it. Both are
//! made through the services an admin uses (`create_programme`, `import_participants`,
//! `start_match_run`, `publish_match_run`); the enrolments the people made themselves are
//! written directly, in one transaction, since the running programme's enrolment closed
//! months ago. The enrolling programme's admins also imported a file: a few more of the
//! organisation, and a graduate intake new to Lodestar, invited to set a password. Who enrols, on which side,
//! with which answers and in which state depends on the seed alone; the dates are
//! relative to today.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{Days, Months, NaiveDate};
use lodestar_domain::programme::{
    Answer, Answers, EnrolmentRole, EnrolmentState, Question, QuestionKind, raw_answers,
};
use lodestar_domain::{EnrolmentId, FocusArea, PersonId, ProgrammeId};
use lodestar_store::enrolments::{self, Enrolment};
use lodestar_store::persons;
use lodestar_store::programmes::Programme;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};

use crate::programmes::match_runs::{MatchRunEdit, MatchRunInput, MatchRunView, Published};
use crate::programmes::participants::{csv_text, participant_cells, participant_header};
use crate::programmes::{ProgrammeInput, QuestionInput};
use crate::{App, AppError, Viewer};

const DAY: i64 = 24 * 60 * 60 * 1000;
const HOUR: i64 = 60 * 60 * 1000;
/// One person in this many enrols in the programme taking enrolments now.
const ENROLLING_ONE_IN: u32 = 15;
/// One person in this many of the engineering department is enrolled in the programme
/// running now, one in `RUNNING_NEARBY_ONE_IN` of the departments close to it, and one in
/// `RUNNING_ELSEWHERE_ONE_IN` of the others: about one in fifteen in all, most of them
/// engineers, so the skills its mentees want to grow overlap enough for its report.
const RUNNING_ONE_IN: u32 = 4;
const RUNNING_NEARBY_ONE_IN: u32 = 20;
const RUNNING_ELSEWHERE_ONE_IN: u32 = 80;
/// The departments close to engineering.
const NEARBY: [&str; 2] = ["Infrastructure", "Data"];
/// How long to wait between two looks at a match run solving.
const POLL: Duration = Duration::from_millis(25);

/// What the programmes need to know of a generated person.
#[derive(Clone, Debug)]
pub(crate) struct Person {
    pub id: PersonId,
    pub department: String,
    pub is_mentor: bool,
    pub wants_mentor: bool,
    pub years: i64,
    pub focus_areas: Vec<FocusArea>,
}

/// The demo's logins the programmes give something to.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Featured {
    pub mentor: Option<PersonId>,
    pub mentee: Option<PersonId>,
    /// The login who both mentors and is mentored: left out of the running programme.
    pub both: Option<PersonId>,
}

/// What the demo's programmes hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProgrammeCounts {
    /// Enrolments in the programme taking them now, by state.
    pub enrolling_approved: usize,
    pub enrolling_pending: usize,
    pub enrolling_withdrawn: usize,
    /// Approved enrolments in the programme running now.
    pub running_enrolled: usize,
    /// Of the approved ones in the programme taking enrolments, those its admins imported
    /// from a file; and the people new to Lodestar the file invited.
    pub enrolling_imported: usize,
    pub invited: usize,
    /// Mentorships its published match made, and mentees it left without a mentor.
    pub matched: usize,
    pub unmatched: usize,
    /// The running programme's months since it began.
    pub history: super::ProgrammeHistoryCounts,
    /// The admin-assisted programme's enrolments and requests.
    pub assisted: super::AssistedCounts,
    /// The circles programme's enrolments, circles and goals on their boards.
    pub circles: super::CircleCounts,
}

/// One enrolment to write.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Planned {
    pub person: PersonId,
    pub role: EnrolmentRole,
    pub state: EnrolmentState,
    pub answers: Answers,
    /// Milliseconds after enrolment opened.
    pub after_opening: i64,
}

/// The enrolling programme's form.
fn enrolling_form() -> Vec<QuestionInput> {
    vec![
        meeting_question(),
        QuestionInput {
            kind: "multiple_choice".into(),
            text: "What do you want to work on?".into(),
            options: LEADERSHIP_TOPICS.iter().map(|&t| t.into()).collect(),
            required: true,
            match_rule: Some("covers".into()),
            ..QuestionInput::default()
        },
        QuestionInput {
            kind: "scale".into(),
            text: "How confident do you feel about leading others?".into(),
            scale_max: Some(5),
            required: true,
            ..QuestionInput::default()
        },
        QuestionInput {
            kind: "text".into(),
            text: "Anything else your mentor should know?".into(),
            ..QuestionInput::default()
        },
    ]
}

/// The running programme's form.
fn running_form() -> Vec<QuestionInput> {
    vec![
        meeting_question(),
        QuestionInput {
            kind: "multiple_choice".into(),
            text: "Which parts of engineering do you want to talk about?".into(),
            options: ENGINEERING_TOPICS.iter().map(|&t| t.into()).collect(),
            required: true,
            match_rule: Some("covers".into()),
            ..QuestionInput::default()
        },
        QuestionInput {
            kind: "text".into(),
            text: "What would make this programme a success for you?".into(),
            ..QuestionInput::default()
        },
    ]
}

fn meeting_question() -> QuestionInput {
    QuestionInput {
        kind: "single_choice".into(),
        text: "How would you like to meet?".into(),
        options: MEETING.iter().map(|(o, _)| (*o).into()).collect(),
        required: true,
        match_rule: Some("same".into()),
        weight: Some(2.0),
        ..QuestionInput::default()
    }
}

const MEETING: [(&str, u32); 3] = [("Online", 50), ("In person", 15), ("Either", 35)];
const LEADERSHIP_TOPICS: [&str; 6] = [
    "Leading a team",
    "Giving feedback",
    "Public speaking",
    "Strategy",
    "Influencing without authority",
    "Work-life balance",
];
const ENGINEERING_TOPICS: [&str; 6] = [
    "Technical leadership",
    "Architecture",
    "Getting promoted",
    "Returning from leave",
    "Building a network",
    "Speaking at conferences",
];
const NOTES: [&str; 5] = [
    "I have just taken on my first team and would like a sounding board.",
    "Mornings suit me best.",
    "I would like to practise for a talk I am giving next quarter.",
    "Happy to share what I learned moving from engineering into management.",
    "I prefer short, frequent conversations.",
];

/// The graduate intake, new to Lodestar: the enrolling programme's file invites them.
const GRADUATES: [(&str, &str); 4] = [
    ("Amara Okafor", "amara.okafor"),
    ("Jonas Weber", "jonas.weber"),
    ("Priya Raman", "priya.raman"),
    ("Tomás Ruiz", "tomas.ruiz"),
];
/// At most this many of the organisation not enrolled yet are in the file, one in so many.
const IMPORTED_MEMBERS: usize = 8;
const IMPORTED_ONE_IN: u32 = 20;

pub(super) fn date(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The two programmes' definitions, as an admin would type them, relative to `today`.
fn definitions(today: NaiveDate, admins: &[PersonId]) -> [ProgrammeInput; 2] {
    let admins: Vec<String> = admins.iter().map(ToString::to_string).collect();
    let starts = today + Days::new(21);
    let enrolling = ProgrammeInput {
        name: "Rising leaders 2027".into(),
        description: "Six months with a mentor who has led teams before you, for people \
                      stepping into their first leadership role. Tell us how you would like to \
                      meet and what you want to work on; we match everyone at once when \
                      enrolment closes."
            .into(),
        enrolment_opens: date(today - Days::new(7)),
        enrolment_closes: date(today + Days::new(14)),
        starts_on: date(starts),
        ends_on: date(starts + Months::new(6)),
        matching: "cohort".into(),
        questions: enrolling_form(),
        purposes: Some(vec!["career_development".into(), "confidence".into()]),
        format: Some("one_to_one".into()),
        mentor_capacity: Some(2),
        needs_approval: true,
        admins: Some(admins.clone()),
        ..ProgrammeInput::default()
    };
    let started = today - Months::new(3);
    let running = ProgrammeInput {
        name: "Women in engineering mentoring".into(),
        description: "A six-month programme pairing engineers with experienced mentors \
                      across the organisation: technical leadership, promotion, returning \
                      from leave and building a network."
            .into(),
        enrolment_opens: date(started - Days::new(42)),
        enrolment_closes: date(started - Days::new(7)),
        starts_on: date(started),
        ends_on: date(today + Months::new(3)),
        matching: "cohort".into(),
        questions: running_form(),
        purposes: Some(vec!["career_advancement".into(), "networking".into()]),
        format: Some("one_to_one".into()),
        mentor_capacity: Some(2),
        needs_approval: true,
        admins: Some(admins.into_iter().take(1).collect()),
        ..ProgrammeInput::default()
    };
    [enrolling, running]
}

/// The senior mentor who runs the enrolling programme with the demo admin: the most
/// experienced mentor who is not one of the logins (the first of them on a tie).
pub(crate) fn senior_mentor(people: &[Person], featured: &Featured) -> Option<PersonId> {
    let logins = [featured.mentor, featured.mentee, featured.both];
    people
        .iter()
        .filter(|p| p.is_mentor && !p.wants_mentor && !logins.contains(&Some(p.id)))
        .fold(None, |best: Option<&Person>, p| match best {
            Some(b) if b.years >= p.years => Some(b),
            _ => Some(p),
        })
        .map(|p| p.id)
}

/// One person in how many of `department` is enrolled in the running programme.
fn running_one_in(department: &str) -> u32 {
    if department == "Engineering" {
        RUNNING_ONE_IN
    } else if NEARBY.contains(&department) {
        RUNNING_NEARBY_ONE_IN
    } else {
        RUNNING_ELSEWHERE_ONE_IN
    }
}

/// The side someone enrols on: their profile's, and a third of those who do both enrol as
/// both, the others on one side.
fn role(rng: &mut StdRng, p: &Person) -> Option<EnrolmentRole> {
    match (p.is_mentor, p.wants_mentor) {
        (true, false) => Some(EnrolmentRole::Mentor),
        (false, true) => Some(EnrolmentRole::Mentee),
        (true, true) => Some(match rng.random_range(0..3) {
            0 => EnrolmentRole::Both,
            1 => EnrolmentRole::Mentor,
            _ => EnrolmentRole::Mentee,
        }),
        (false, false) => None,
    }
}

/// A person's answers to a form of `questions`: how they would meet, two or three topics
/// (more for a mentor, who covers them), a scale leaning low for a mentee and high for a
/// mentor, and now and then a note.
fn answers(rng: &mut StdRng, questions: &[Question], p: &Person, role: EnrolmentRole) -> Answers {
    let mentor = role == EnrolmentRole::Mentor;
    let mut answers = Answers::new();
    for (i, q) in questions.iter().enumerate() {
        let answer = match q.kind {
            QuestionKind::SingleChoice => MEETING
                .choose_weighted(rng, |(_, w)| *w)
                .ok()
                .map(|(o, _)| Answer::Choices(vec![(*o).to_owned()])),
            QuestionKind::MultipleChoice => {
                let count = if mentor {
                    rng.random_range(2..=4)
                } else {
                    rng.random_range(1..=3)
                };
                // Someone working on their soft skills picks the first, leading, topic too.
                let mut chosen: Vec<&String> = q.options.sample(rng, count).collect();
                if p.focus_areas.contains(&FocusArea::SoftSkills)
                    && !chosen.contains(&&q.options[0])
                {
                    chosen.push(&q.options[0]);
                }
                let in_order = q
                    .options
                    .iter()
                    .filter(|o| chosen.contains(o))
                    .cloned()
                    .collect();
                Some(Answer::Choices(in_order))
            }
            QuestionKind::Scale => {
                let (low, high) = if mentor { (3, 5) } else { (1, 4) };
                Some(Answer::Scale(
                    rng.random_range(low..=high).min(q.scale_max.max(1)),
                ))
            }
            QuestionKind::Text => (rng.random_range(0..3) == 0)
                .then(|| NOTES.choose(rng).map(|n| Answer::Text((*n).to_owned())))
                .flatten(),
        };
        if let Some(answer) = answer {
            answers.insert(i, answer);
        }
    }
    answers
}

/// Who enrols in each programme, on which side, in which state and with which answers:
/// `forms` are the two programmes' questions, enrolling first.
pub(crate) fn plan(
    people: &[Person],
    featured: &Featured,
    forms: [&[Question]; 2],
    seed: u64,
) -> [Vec<Planned>; 2] {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x7072_6f67_7261_6d6d);
    let mut enrolling = Vec::new();
    let mut running = Vec::new();
    for p in people {
        let in_enrolling =
            Some(p.id) == featured.mentee || rng.random_range(0..ENROLLING_ONE_IN) == 0;
        let in_running = Some(p.id) == featured.mentor
            || (Some(p.id) != featured.mentee
                && Some(p.id) != featured.both
                && rng.random_range(0..running_one_in(&p.department)) == 0);
        if in_enrolling && let Some(mut role) = role(&mut rng, p) {
            if Some(p.id) == featured.mentee {
                role = EnrolmentRole::Mentee;
            }
            // Every tenth waits for approval and one in twenty-five withdrew, the logins
            // aside: approved.
            let k = enrolling.len();
            let state = if Some(p.id) == featured.mentee {
                EnrolmentState::Approved
            } else if k % 25 == 7 {
                EnrolmentState::Withdrawn
            } else if k % 10 == 3 {
                EnrolmentState::Pending
            } else {
                EnrolmentState::Approved
            };
            enrolling.push(Planned {
                person: p.id,
                role,
                state,
                answers: answers(&mut rng, forms[0], p, role),
                after_opening: rng.random_range(HOUR..7 * DAY),
            });
        }
        if in_running && let Some(mut role) = role(&mut rng, p) {
            if Some(p.id) == featured.mentor {
                role = EnrolmentRole::Mentor;
            }
            running.push(Planned {
                person: p.id,
                role,
                state: EnrolmentState::Approved,
                answers: answers(&mut rng, forms[1], p, role),
                after_opening: rng.random_range(HOUR..35 * DAY),
            });
        }
    }
    [enrolling, running]
}

/// The mentor and mentee of each pair of `draft` that publishing made (not skipped).
pub(super) fn made_pairs(draft: &MatchRunView, published: &Published) -> Vec<(PersonId, PersonId)> {
    draft
        .assignments
        .iter()
        .filter(|a| {
            !published
                .skipped
                .iter()
                .any(|s| s.mentee.id == a.mentee.id && s.mentor.id == a.mentor.id)
        })
        .map(|a| (a.mentor.id, a.mentee.id))
        .collect()
}

/// Someone of the demo acting for themself.
pub(super) fn as_viewer(id: PersonId) -> Viewer {
    Viewer {
        id,
        name: String::new(),
        is_admin: false,
    }
}

impl App {
    /// `mentors` and `mentees` enrol in the programme themselves, through the service.
    pub(super) async fn demo_enrol(
        &self,
        programme: ProgrammeId,
        mentors: &[PersonId],
        mentees: &[PersonId],
    ) -> Result<(), AppError> {
        let sides = mentors
            .iter()
            .map(|m| (*m, EnrolmentRole::Mentor))
            .chain(mentees.iter().map(|m| (*m, EnrolmentRole::Mentee)));
        for (who, role) in sides {
            let input = crate::programmes::enrolments::EnrolmentInput {
                role: role.as_str().into(),
                ..Default::default()
            };
            self.enrol(&as_viewer(who), programme, &input).await?;
        }
        Ok(())
    }
}

impl App {
    /// Creates the demo's two programmes as `admin`, enrols the people the seed picks, and
    /// matches and publishes the running one: what they hold, the mentor and mentee of
    /// each mentorship the match made (for the network, which leaves mentoring pairs to
    /// their mentorship's connection), and the running programme.
    pub(crate) async fn demo_programmes(
        &self,
        admin: &Viewer,
        people: &[Person],
        featured: &Featured,
        seed: u64,
        now: i64,
    ) -> Result<(ProgrammeCounts, Vec<(PersonId, PersonId)>, Programme), AppError> {
        let today = chrono::DateTime::from_timestamp_millis(now)
            .map(|t| t.date_naive())
            .unwrap_or_default();
        let mut admins = vec![admin.id];
        admins.extend(senior_mentor(people, featured));
        let [enrolling_input, running_input] = definitions(today, &admins);
        let enrolling = self.create_programme(admin, &enrolling_input).await?.id;
        let running = self.create_programme(admin, &running_input).await?.id;
        let enrolling = self.live_programme(enrolling).await?;
        let running = self.live_programme(running).await?;
        let [to_enrol, to_run] = plan(
            people,
            featured,
            [&enrolling.questions, &running.questions],
            seed,
        );

        let mut counts = ProgrammeCounts::default();
        let mut tx = self.db.begin().await?;
        for (programme, planned) in [(&enrolling, &to_enrol), (&running, &to_run)] {
            let opened = programme
                .dates
                .enrolment_opens
                .and_hms_opt(9, 0, 0)
                .map_or(now - 7 * DAY, |t| t.and_utc().timestamp_millis());
            for e in planned {
                let created_at = (opened + e.after_opening).min(now - HOUR);
                let updated_at = (created_at + 2 * DAY).min(now);
                let decided = matches!(e.state, EnrolmentState::Approved);
                let enrolment = Enrolment {
                    id: EnrolmentId::new(),
                    programme_id: programme.id,
                    person_id: e.person,
                    person_name: String::new(),
                    role: e.role,
                    answers: raw_answers(&programme.questions, &e.answers),
                    state: e.state,
                    created_at,
                    updated_at: if e.state == EnrolmentState::Pending {
                        created_at
                    } else {
                        updated_at
                    },
                    decided_by: decided.then_some(admin.id),
                    decided_at: decided.then_some(updated_at),
                };
                enrolments::insert(&mut tx, &enrolment).await?;
                match (programme.id == running.id, e.state) {
                    (true, _) => counts.running_enrolled += 1,
                    (false, EnrolmentState::Approved) => counts.enrolling_approved += 1,
                    (false, EnrolmentState::Pending) => counts.enrolling_pending += 1,
                    (false, _) => counts.enrolling_withdrawn += 1,
                }
            }
        }
        lodestar_store::commit(tx).await?;
        self.demo_import(admin, &enrolling, people, &to_enrol, seed, &mut counts)
            .await?;

        let pairs = self
            .demo_match(admin, running.id, featured.mentor, &mut counts)
            .await?;
        Ok((counts, pairs, running))
    }

    /// The enrolling programme's admins import a file of participants through the service,
    /// as they would from the page: a few of the organisation not enrolled yet, and the
    /// graduate intake, who are new to Lodestar and invited to set a password.
    async fn demo_import(
        &self,
        admin: &Viewer,
        programme: &Programme,
        people: &[Person],
        enrolled: &[Planned],
        seed: u64,
        counts: &mut ProgrammeCounts,
    ) -> Result<(), AppError> {
        let mut rng = StdRng::seed_from_u64(seed ^ 0x696d_706f_7274);
        let enrolled: HashSet<PersonId> = enrolled.iter().map(|e| e.person).collect();
        let questions = &programme.questions;
        let mut rows = vec![participant_header(questions)];
        for p in people.iter().filter(|p| !enrolled.contains(&p.id)) {
            if rows.len() > IMPORTED_MEMBERS {
                break;
            }
            let Some(role) = role(&mut rng, p) else {
                continue;
            };
            if rng.random_range(0..IMPORTED_ONE_IN) != 0 {
                continue;
            }
            let Some(account) = persons::find_by_id(&self.db, p.id).await? else {
                continue;
            };
            let answers = answers(&mut rng, questions, p, role);
            rows.push(participant_cells(
                questions,
                &account.name,
                &account.email,
                role,
                "",
                &answers,
            ));
        }
        for (name, short) in GRADUATES {
            let newcomer = Person {
                id: PersonId::new(),
                department: "Graduate programme".into(),
                is_mentor: false,
                wants_mentor: true,
                years: 0,
                focus_areas: vec![FocusArea::SoftSkills],
            };
            let answers = answers(&mut rng, questions, &newcomer, EnrolmentRole::Mentee);
            rows.push(participant_cells(
                questions,
                name,
                &format!("{short}@graduates.demo.lodestar.test"),
                EnrolmentRole::Mentee,
                "Graduate programme",
                &answers,
            ));
        }
        let file = csv_text(rows)?;
        let report = self
            .import_participants(admin, programme.id, file.into_bytes(), false)
            .await?;
        let imported = usize::try_from(report.created).unwrap_or_default();
        counts.enrolling_approved += imported;
        counts.enrolling_imported = imported;
        counts.invited = usize::try_from(report.invited).unwrap_or_default();
        Ok(())
    }

    /// Runs the programme's cohort match, gives `mentor` a mentee if the draft gives them
    /// none (a lock, as an admin would), and publishes it: the pairs made.
    async fn demo_match(
        &self,
        admin: &Viewer,
        programme: ProgrammeId,
        mentor: Option<PersonId>,
        counts: &mut ProgrammeCounts,
    ) -> Result<Vec<(PersonId, PersonId)>, AppError> {
        let run = self
            .start_match_run(admin, programme, &MatchRunInput::default())
            .await?
            .id;
        let mut draft = self.solved(admin, run).await?;
        if let Some(mentor) = mentor
            && draft
                .mentors
                .iter()
                .any(|m| m.mentor.id == mentor && m.free > 0)
            && !draft.assignments.iter().any(|a| a.mentor.id == mentor)
        {
            let mentee = draft
                .unmatched
                .first()
                .map(|u| u.mentee.id)
                .or_else(|| draft.assignments.first().map(|a| a.mentee.id));
            if let Some(mentee) = mentee {
                let edit = MatchRunEdit {
                    lock: vec![vec![mentee.to_string(), mentor.to_string()]],
                    ..MatchRunEdit::default()
                };
                self.edit_match_run(admin, run, &edit).await?;
                draft = self.solved(admin, run).await?;
            }
        }
        let published = self.publish_match_run(admin, run).await?;
        // The people are made up: the introductions stay in their inboxes, but nobody at an
        // example address is mailed.
        lodestar_store::outbox::discard_unsent(&self.db).await?;
        counts.matched = usize::try_from(published.mentorships_created).unwrap_or(0);
        counts.unmatched = draft.unmatched.len();
        Ok(made_pairs(&draft, &published))
    }

    /// The run once its solve is done: its draft.
    pub(super) async fn solved(
        &self,
        admin: &Viewer,
        run: lodestar_domain::MatchRunId,
    ) -> Result<MatchRunView, AppError> {
        loop {
            let view = self.match_run(admin, run).await?;
            match view.state.as_str() {
                "running" => tokio::time::sleep(POLL).await,
                "draft" => return Ok(view),
                other => {
                    return Err(AppError::Internal(format!(
                        "the demo's match run is {other}: {}",
                        view.error.unwrap_or_default()
                    )));
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use lodestar_domain::programme::{QuestionDraft, parse_answers};

    use super::*;

    fn people(n: usize) -> Vec<Person> {
        let mut rng = StdRng::seed_from_u64(3);
        (0..n)
            .map(|i| Person {
                id: PersonId(uuid::Builder::from_random_bytes(rng.random()).into_uuid()),
                department: if i % 7 == 1 { "Engineering" } else { "Sales" }.into(),
                is_mentor: i % 3 == 0,
                wants_mentor: i % 3 != 0 || i % 7 == 0,
                years: (i % 17) as i64,
                focus_areas: vec![FocusArea::SoftSkills],
            })
            .collect()
    }

    fn form(inputs: &[QuestionInput]) -> Vec<Question> {
        let drafts: Vec<QuestionDraft> = inputs
            .iter()
            .map(|q| QuestionDraft {
                kind: q.kind.clone(),
                text: q.text.clone(),
                options: q.options.clone(),
                scale_max: q.scale_max.and_then(|m| u8::try_from(m).ok()),
                required: q.required,
                match_rule: q.match_rule.clone(),
                weight: q.weight,
            })
            .collect();
        Question::parse_all(&drafts).unwrap()
    }

    #[test]
    fn the_plan_answers_every_form_as_it_reads_and_is_the_same_for_the_same_seed() {
        let people = people(3_000);
        let featured = Featured {
            mentor: Some(people[0].id),
            mentee: Some(people[1].id),
            both: None,
        };
        let forms = [form(&enrolling_form()), form(&running_form())];
        let plan_of = |seed| plan(&people, &featured, [&forms[0], &forms[1]], seed);
        let [enrolling, running] = plan_of(5);
        assert_eq!(plan_of(5), [enrolling.clone(), running.clone()]);
        assert_ne!(plan_of(6)[0], enrolling);
        // About one in fifteen and one in twenty.
        assert!((150..250).contains(&enrolling.len()), "{}", enrolling.len());
        assert!((100..200).contains(&running.len()), "{}", running.len());
        for (planned, questions) in [(&enrolling, &forms[0]), (&running, &forms[1])] {
            for e in planned {
                let raw = raw_answers(questions, &e.answers);
                assert_eq!(parse_answers(questions, &raw).unwrap(), e.answers);
            }
        }
        let mentee = enrolling
            .iter()
            .find(|e| Some(e.person) == featured.mentee)
            .unwrap();
        assert_eq!(
            (mentee.role, mentee.state),
            (EnrolmentRole::Mentee, EnrolmentState::Approved)
        );
        let mentor = running
            .iter()
            .find(|e| Some(e.person) == featured.mentor)
            .unwrap();
        assert_eq!(mentor.role, EnrolmentRole::Mentor);
        for state in [EnrolmentState::Pending, EnrolmentState::Withdrawn] {
            assert!(enrolling.iter().any(|e| e.state == state), "none {state:?}");
        }
        for role in [
            EnrolmentRole::Mentee,
            EnrolmentRole::Mentor,
            EnrolmentRole::Both,
        ] {
            assert!(enrolling.iter().any(|e| e.role == role), "no {role:?}");
        }
        assert!(running.iter().all(|e| e.state == EnrolmentState::Approved));
        assert!(!running.iter().any(|e| Some(e.person) == featured.mentee));
    }

    #[test]
    fn the_programmes_definitions_hold_and_their_phases_are_enrolling_and_running() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let [enrolling, running] = definitions(today, &[]);
        for (input, phase) in [(enrolling, "enrolling"), (running, "running")] {
            let dates = lodestar_domain::programme::Dates::parse(
                &input.enrolment_opens,
                &input.enrolment_closes,
                &input.starts_on,
                &input.ends_on,
            )
            .unwrap();
            assert_eq!(dates.phase(today).as_str(), phase);
            form(&input.questions);
        }
    }
}
