//! Programmes: a cohort with dates, a purpose, a matching mode and a format, and its own
//! enrolment form. What is checked here: a programme's definition (every bad field at
//! once), the form's questions and a person's answers to them, where in its life a
//! programme is on a given day, and how well two people's answers fit by the rules the
//! programme sets (the `programme` factor of a pair's score).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::mentoring::{UnknownValue, text_enum};
use crate::text::{multi_line, one_line};

pub const MAX_NAME: usize = 120;
pub const MAX_DESCRIPTION: usize = 5000;
/// The longest a programme may run, in days (three years).
pub const MAX_RUN_DAYS: i64 = 1096;
pub const MAX_QUESTIONS: usize = 30;
pub const MAX_QUESTION: usize = 300;
pub const MAX_OPTIONS: usize = 20;
pub const MAX_OPTION: usize = 100;
/// The longest answer to a text question.
pub const MAX_TEXT_ANSWER: usize = 2000;
/// The most mentees a circle's setting allows.
pub const MAX_CIRCLE: u8 = 12;
/// The fewest distinct people any figure of a programme's report may cover: a count, a
/// mean or a share resting on fewer is not shown, so that no admin can read one person's
/// check-ins, ratings or levels out of an aggregate.
pub const MIN_GROUP: i64 = 5;

/// Whether a figure resting on `people` distinct people may be shown.
pub fn shown(people: i64) -> bool {
    people >= MIN_GROUP
}

text_enum!(
    /// Who makes the pairs.
    Matching {
        SelfService => "self_service",
        AdminAssisted => "admin_assisted",
        Cohort => "cohort",
    }
);

impl Matching {
    pub fn label(self) -> &'static str {
        match self {
            Self::SelfService => "Self-service: mentees ask mentors",
            Self::AdminAssisted => "Admin-assisted: mentees ask, an admin approves",
            Self::Cohort => "Cohort: an admin matches everyone at once",
        }
    }
}

text_enum!(
    /// The shape of the relationships.
    Format {
        OneToOne => "one_to_one",
        Circle => "circle",
        Peer => "peer",
        Reverse => "reverse",
    }
);

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Self::OneToOne => "One-to-one",
            Self::Circle => "Group circles",
            Self::Peer => "Peer",
            Self::Reverse => "Reverse",
        }
    }

    /// What the format means for the people in it.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::OneToOne => "Each mentee has one mentor.",
            Self::Circle => {
                "One or two mentors lead a circle of mentees who want to grow the same skill, with one conversation, shared sessions and a shared goal board."
            }
            Self::Peer => "Peers mentor each other, each on a skill the other wants to grow.",
            Self::Reverse => {
                "A mentor has fewer years of experience than their mentee, and is stronger in a skill the mentee wants to grow."
            }
        }
    }
}

text_enum!(
    /// Which of mentoring's functions a programme is for.
    Purpose {
        CareerDevelopment => "career_development",
        GoalSetting => "goal_setting",
        Skills => "skills",
        SoftSkills => "soft_skills",
        Confidence => "confidence",
        Networking => "networking",
        Opportunities => "opportunities",
        CareerAdvancement => "career_advancement",
    }
);

impl Purpose {
    pub fn label(self) -> &'static str {
        match self {
            Self::CareerDevelopment => "Career development",
            Self::GoalSetting => "Goals and career path",
            Self::Skills => "Skill development",
            Self::SoftSkills => "Soft skills",
            Self::Confidence => "Confidence",
            Self::Networking => "Networking",
            Self::Opportunities => "Exposure to new opportunities",
            Self::CareerAdvancement => "Career advancement",
        }
    }
}

text_enum!(
    /// The side someone enrols on.
    EnrolmentRole {
        Mentee => "mentee",
        Mentor => "mentor",
        Both => "both",
    }
);

impl EnrolmentRole {
    /// Whether someone enrolled on this side wants a mentor.
    pub fn mentee(self) -> bool {
        matches!(self, Self::Mentee | Self::Both)
    }

    /// Whether someone enrolled on this side mentors.
    pub fn mentor(self) -> bool {
        matches!(self, Self::Mentor | Self::Both)
    }
}

text_enum!(
    /// Where an enrolment stands: waiting for a programme admin's approval, approved,
    /// declined by an admin, or withdrawn (by the person, or removed by an admin).
    EnrolmentState {
        Pending => "pending",
        Approved => "approved",
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
);

impl EnrolmentState {
    /// Pending and approved enrolments are live: one per person and programme.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Pending | Self::Approved)
    }
}

text_enum!(
    /// Where a cohort match run stands: solving in the background, a draft the admins
    /// review, failed, or published (its mentorships made).
    MatchRunState {
        Running => "running",
        Draft => "draft",
        Failed => "failed",
        Published => "published",
    }
);

text_enum!(
    /// What a question asks for.
    QuestionKind {
        SingleChoice => "single_choice",
        MultipleChoice => "multiple_choice",
        Scale => "scale",
        Text => "text",
    }
);

text_enum!(
    /// How a choice question's answers make a pair fit: the same answer, a different
    /// one, or the mentor's answer covering the mentee's.
    MatchRule {
        Same => "same",
        Different => "different",
        Covers => "covers",
    }
);

text_enum!(
    /// Where a programme is in its life on a day: enrolment not open yet, open (the
    /// programme may have started too), closed before the start, running, or ended.
    Phase {
        Upcoming => "upcoming",
        Enrolling => "enrolling",
        Starting => "starting",
        Running => "running",
        Ended => "ended",
    }
);

/// A programme's four dates, in order: enrolment opens no later than it closes and than
/// the programme starts, closes no later than the programme ends, and the programme runs
/// for a day at least and [`MAX_RUN_DAYS`] at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dates {
    pub enrolment_opens: NaiveDate,
    pub enrolment_closes: NaiveDate,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl Dates {
    /// Each date as `YYYY-MM-DD`; every bad one named, by its field.
    pub fn parse(
        enrolment_opens: &str,
        enrolment_closes: &str,
        starts_on: &str,
        ends_on: &str,
    ) -> Result<Dates, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut day = |field: &str, raw: &str| {
            // Four-digit years only: the stored dates compare as text, in order.
            let parsed = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
                .ok()
                .filter(|d| (1000..=9999).contains(&d.year()));
            if parsed.is_none() {
                errors.add(field, "must be a date, YYYY-MM-DD");
            }
            parsed
        };
        let opens = day("enrolment_opens", enrolment_opens);
        let closes = day("enrolment_closes", enrolment_closes);
        let starts = day("starts_on", starts_on);
        let ends = day("ends_on", ends_on);
        let (Some(enrolment_opens), Some(enrolment_closes), Some(starts_on), Some(ends_on)) =
            (opens, closes, starts, ends)
        else {
            return Err(errors);
        };
        if enrolment_closes < enrolment_opens {
            errors.add("enrolment_closes", "must not be before enrolment opens");
        }
        if starts_on < enrolment_opens {
            errors.add("starts_on", "must not be before enrolment opens");
        }
        if ends_on <= starts_on {
            errors.add("ends_on", "must be after the programme starts");
        } else if (ends_on - starts_on).num_days() > MAX_RUN_DAYS {
            errors.add("ends_on", "must be within three years of the start");
        }
        if enrolment_closes > ends_on {
            errors.add("enrolment_closes", "must not be after the programme ends");
        }
        errors.into_result()?;
        Ok(Dates {
            enrolment_opens,
            enrolment_closes,
            starts_on,
            ends_on,
        })
    }

    pub fn enrolment_open(&self, today: NaiveDate) -> bool {
        (self.enrolment_opens..=self.enrolment_closes).contains(&today)
    }

    pub fn phase(&self, today: NaiveDate) -> Phase {
        if today < self.enrolment_opens {
            Phase::Upcoming
        } else if self.enrolment_open(today) {
            Phase::Enrolling
        } else if today < self.starts_on {
            Phase::Starting
        } else if today <= self.ends_on {
            Phase::Running
        } else {
            Phase::Ended
        }
    }
}

/// A question as it is typed, before [`Question::parse`].
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QuestionDraft {
    /// `single_choice`, `multiple_choice`, `scale` or `text`.
    pub kind: String,
    pub text: String,
    /// A choice question's options, 2–20, each once.
    #[serde(default)]
    pub options: Vec<String>,
    /// A scale's top (from 1): 2–10, 5 when not given.
    #[serde(default)]
    pub scale_max: Option<u8>,
    #[serde(default)]
    pub required: bool,
    /// For a choice question that is a matching factor: `same`, `different` or `covers`.
    #[serde(default)]
    pub match_rule: Option<String>,
    /// How much a matching question counts against the others, 0.1–10 (1 when not given).
    #[serde(default)]
    pub weight: Option<f64>,
}

/// One question of a programme's form.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub kind: QuestionKind,
    pub text: String,
    pub options: Vec<String>,
    /// For a scale, its top; 0 otherwise.
    pub scale_max: u8,
    pub required: bool,
    /// For a matching question, its rule and weight.
    pub matching: Option<(MatchRule, f64)>,
}

impl Question {
    /// A form's questions, every bad field named as `questions[i].field`.
    pub fn parse_all(drafts: &[QuestionDraft]) -> Result<Vec<Question>, FieldErrors> {
        let mut errors = FieldErrors::new();
        if drafts.len() > MAX_QUESTIONS {
            errors.add("questions", format!("at most {MAX_QUESTIONS} questions"));
        }
        let mut questions = Vec::new();
        for (i, draft) in drafts.iter().enumerate() {
            if let Some(q) = Question::parse(draft, &format!("questions[{i}]"), &mut errors) {
                questions.push(q);
            }
        }
        errors.into_result()?;
        Ok(questions)
    }

    fn parse(draft: &QuestionDraft, at: &str, errors: &mut FieldErrors) -> Option<Question> {
        let field = |name: &str| format!("{at}.{name}");
        let kind = errors.check(&field("kind"), draft.kind.parse::<QuestionKind>());
        let text = match one_line(&draft.text, MAX_QUESTION) {
            Ok(t) if t.is_empty() => {
                errors.add(field("text"), "is required");
                None
            }
            Ok(t) => Some(t),
            Err(e) => {
                errors.add(field("text"), e.to_string());
                None
            }
        };
        let choice = matches!(
            kind,
            Some(QuestionKind::SingleChoice | QuestionKind::MultipleChoice)
        );
        let mut options = Vec::new();
        if choice {
            let mut seen = BTreeSet::new();
            for (j, raw) in draft.options.iter().enumerate() {
                match one_line(raw, MAX_OPTION) {
                    Ok(o) if o.is_empty() => {
                        errors.add(field(&format!("options[{j}]")), "is empty")
                    }
                    Ok(o) if !seen.insert(o.to_lowercase()) => {
                        errors.add(field(&format!("options[{j}]")), "is there twice")
                    }
                    Ok(o) => options.push(o),
                    Err(e) => errors.add(field(&format!("options[{j}]")), e.to_string()),
                }
            }
            if !(2..=MAX_OPTIONS).contains(&draft.options.len()) {
                errors.add(
                    field("options"),
                    format!("a choice question has 2 to {MAX_OPTIONS} options"),
                );
            }
        } else if !draft.options.is_empty() {
            errors.add(field("options"), "only a choice question has options");
        }
        let scale_max = match (kind, draft.scale_max) {
            (Some(QuestionKind::Scale), None) => 5,
            (Some(QuestionKind::Scale), Some(top)) if (2..=10).contains(&top) => top,
            (Some(QuestionKind::Scale), Some(_)) => {
                errors.add(field("scale_max"), "must be from 2 to 10");
                0
            }
            (_, Some(_)) => {
                errors.add(field("scale_max"), "only a scale has a top");
                0
            }
            (_, None) => 0,
        };
        let rule = draft
            .match_rule
            .as_deref()
            .and_then(|r| errors.check(&field("match_rule"), r.parse::<MatchRule>()));
        if draft.match_rule.is_some() && kind.is_some() && !choice {
            errors.add(
                field("match_rule"),
                "only a choice question can be a matching factor",
            );
        }
        let weight = draft.weight.unwrap_or(1.0);
        if draft.weight.is_some() && draft.match_rule.is_none() {
            errors.add(field("weight"), "only a matching question has a weight");
        } else if !(0.1..=10.0).contains(&weight) {
            errors.add(field("weight"), "must be from 0.1 to 10");
        }
        Some(Question {
            kind: kind?,
            text: text?,
            options,
            scale_max,
            required: draft.required,
            matching: rule.filter(|_| choice).map(|r| (r, weight)),
        })
    }
}

impl From<&Question> for QuestionDraft {
    /// The question as it would be typed again: what a programme stores and shows, and
    /// what [`Question::parse_all`] reads back to the same question.
    fn from(q: &Question) -> Self {
        QuestionDraft {
            kind: q.kind.as_str().to_owned(),
            text: q.text.clone(),
            options: q.options.clone(),
            scale_max: (q.kind == QuestionKind::Scale).then_some(q.scale_max),
            required: q.required,
            match_rule: q.matching.map(|(rule, _)| rule.as_str().to_owned()),
            weight: q.matching.map(|(_, weight)| weight),
        }
    }
}

/// An answer as it is sent: a text (a choice, or a text answer), several texts (a
/// multiple choice) or a number (a scale).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum RawAnswer {
    Number(i64),
    One(String),
    Many(Vec<String>),
}

/// A valid answer. Choices are the options' own texts, a multiple choice's in the form's
/// order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Choices(Vec<String>),
    Scale(u8),
    Text(String),
}

/// A person's answers by question number.
pub type Answers = BTreeMap<usize, Answer>;

/// A person's answers to a form, keyed by question number (`"0"`, `"1"`, …), every bad one
/// named as `answers.N`. A choice must be one of the options (any case); a required
/// question must be answered; a question the form does not have is refused.
pub fn parse_answers(
    questions: &[Question],
    raw: &BTreeMap<String, RawAnswer>,
) -> Result<Answers, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut answers = Answers::new();
    for key in raw.keys() {
        if key
            .parse::<usize>()
            .ok()
            .is_none_or(|i| i >= questions.len())
        {
            errors.add(
                format!("answers.{key}"),
                "is not a question of this programme",
            );
        }
    }
    for (i, q) in questions.iter().enumerate() {
        let field = format!("answers.{i}");
        let Some(given) = raw.get(&i.to_string()) else {
            if q.required {
                errors.add(field, "is required");
            }
            continue;
        };
        match answer(q, given) {
            Ok(Some(a)) => {
                answers.insert(i, a);
            }
            Ok(None) if q.required => errors.add(field, "is required"),
            Ok(None) => {}
            Err(message) => errors.add(field, message),
        }
    }
    errors.into_result()?;
    Ok(answers)
}

/// Checked answers in the form they are sent, keyed by question number: what is stored,
/// and read back through [`parse_answers`]. A single choice is one text, a multiple
/// choice a list, a scale a number.
pub fn raw_answers(questions: &[Question], answers: &Answers) -> BTreeMap<String, RawAnswer> {
    answers
        .iter()
        .map(|(i, a)| {
            let multiple = questions
                .get(*i)
                .is_some_and(|q| q.kind == QuestionKind::MultipleChoice);
            let raw = match a {
                Answer::Choices(c) if multiple => RawAnswer::Many(c.clone()),
                Answer::Choices(c) => RawAnswer::One(c.first().cloned().unwrap_or_default()),
                Answer::Scale(n) => RawAnswer::Number(i64::from(*n)),
                Answer::Text(t) => RawAnswer::One(t.clone()),
            };
            (i.to_string(), raw)
        })
        .collect()
}

/// What separates a multiple choice's options in one cell of a participants file.
pub const CELL_CHOICES_SEPARATOR: char = ';';

/// An answer as one cell of a participants file: a choice's text; a multiple choice's
/// texts joined by `;`; a scale's number; a text. `None` for an empty cell.
pub fn answer_from_cell(q: &Question, cell: &str) -> Result<Option<Answer>, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    let raw = match q.kind {
        QuestionKind::MultipleChoice => RawAnswer::Many(
            cell.split(CELL_CHOICES_SEPARATOR)
                .map(|c| c.trim().to_owned())
                .collect(),
        ),
        QuestionKind::Scale => match cell.parse::<i64>() {
            Ok(n) => RawAnswer::Number(n),
            Err(_) => return Err(format!("must be a whole number from 1 to {}", q.scale_max)),
        },
        QuestionKind::SingleChoice | QuestionKind::Text => RawAnswer::One(cell.to_owned()),
    };
    answer(q, &raw)
}

/// An answer written as a cell of a participants file, which [`answer_from_cell`] reads
/// back.
pub fn answer_cell(answer: &Answer) -> String {
    match answer {
        Answer::Choices(c) => c.join(&format!("{CELL_CHOICES_SEPARATOR} ")),
        Answer::Scale(n) => n.to_string(),
        Answer::Text(t) => t.clone(),
    }
}

/// One answer checked against its question; `None` for an empty one.
fn answer(q: &Question, given: &RawAnswer) -> Result<Option<Answer>, String> {
    let option = |raw: &str| {
        q.options
            .iter()
            .find(|o| o.to_lowercase() == raw.trim().to_lowercase())
            .cloned()
            .ok_or_else(|| format!("\"{}\" is not one of the options", raw.trim()))
    };
    match (q.kind, given) {
        (QuestionKind::SingleChoice, RawAnswer::One(raw)) if raw.trim().is_empty() => Ok(None),
        (QuestionKind::SingleChoice, RawAnswer::One(raw)) => {
            Ok(Some(Answer::Choices(vec![option(raw)?])))
        }
        (QuestionKind::MultipleChoice, RawAnswer::Many(raw)) => {
            let mut chosen = BTreeSet::new();
            for r in raw.iter().filter(|r| !r.trim().is_empty()) {
                chosen.insert(option(r)?);
            }
            let in_order: Vec<String> = q
                .options
                .iter()
                .filter(|o| chosen.contains(*o))
                .cloned()
                .collect();
            Ok((!in_order.is_empty()).then_some(Answer::Choices(in_order)))
        }
        (QuestionKind::Scale, RawAnswer::Number(n)) => match u8::try_from(*n) {
            Ok(n) if (1..=q.scale_max).contains(&n) => Ok(Some(Answer::Scale(n))),
            _ => Err(format!("must be a whole number from 1 to {}", q.scale_max)),
        },
        (QuestionKind::Text, RawAnswer::One(raw)) => match multi_line(raw, MAX_TEXT_ANSWER) {
            Ok(t) if t.is_empty() => Ok(None),
            Ok(t) => Ok(Some(Answer::Text(t))),
            Err(e) => Err(e.to_string()),
        },
        (QuestionKind::SingleChoice, _) => Err("must be one of the options".into()),
        (QuestionKind::MultipleChoice, _) => Err("must be a list of options".into()),
        (QuestionKind::Scale, _) => {
            Err(format!("must be a whole number from 1 to {}", q.scale_max))
        }
        (QuestionKind::Text, _) => Err("must be text".into()),
    }
}

/// How well a matching question's two answers fit, from 0 to 1, by its rule: `same`, the
/// share of the choices both made among those either made; `different`, one less that;
/// `covers`, the share of the mentee's choices the mentor made too.
pub fn agreement(rule: MatchRule, mentee: &[String], mentor: &[String]) -> f64 {
    let both = mentee.iter().filter(|c| mentor.contains(c)).count() as f64;
    let either = (mentee.len() + mentor.len()) as f64 - both;
    let same = if either == 0.0 { 0.0 } else { both / either };
    match rule {
        MatchRule::Same => same,
        MatchRule::Different => 1.0 - same,
        MatchRule::Covers if mentee.is_empty() => 0.0,
        MatchRule::Covers => both / mentee.len() as f64,
    }
}

/// One matching question both answered, and how well the answers fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Agreement {
    pub question: usize,
    pub rule: MatchRule,
    pub value: f64,
    /// The choices both made.
    pub shared: Vec<String>,
}

/// The programme factor of a pair: the weighted mean of [`agreement`] over the matching
/// questions both answered, with each one's agreement (the form's order); `None` when
/// they answered none in common.
pub fn programme_fit(
    questions: &[Question],
    mentee: &Answers,
    mentor: &Answers,
) -> Option<(f64, Vec<Agreement>)> {
    let mut total = 0.0;
    let mut weights = 0.0;
    let mut found = Vec::new();
    for (i, q) in questions.iter().enumerate() {
        let Some((rule, weight)) = q.matching else {
            continue;
        };
        let (Some(Answer::Choices(a)), Some(Answer::Choices(b))) = (mentee.get(&i), mentor.get(&i))
        else {
            continue;
        };
        let value = agreement(rule, a, b);
        total += weight * value;
        weights += weight;
        found.push(Agreement {
            question: i,
            rule,
            value,
            shared: a.iter().filter(|c| b.contains(c)).cloned().collect(),
        });
    }
    (weights > 0.0).then(|| (total / weights, found))
}

/// The rules a programme sets on its pairs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rules {
    /// Never pair people of the same organisation and department.
    pub different_department: bool,
    /// The lowest score a pair may have, 0–100.
    pub min_score: u8,
    /// How many mentees (a circle's count each) a mentor takes inside this programme; none
    /// leaves their own capacity. A peer always takes one.
    pub mentor_capacity: Option<u8>,
    /// For circles, how many mentees one circle has at most.
    pub circle_size: u8,
    /// For circles, how many mentors lead one: 1, or 2 where mentors who share a circle's
    /// focus co-mentor it (a mentor left without a partner leads alone).
    pub circle_mentors: u8,
}

impl Rules {
    /// How many mentees a mentor enrolled in a programme of `format` takes, given their own
    /// capacity, and whether the places they hold already are counted in the programme
    /// only: a circle takes up to its size, and a programme's own capacity, in its own
    /// mentorships; otherwise their own capacity — at least one, since they enrolled to
    /// mentor — against all their mentorships.
    pub fn mentor_places(&self, format: Format, own: i64) -> (i64, bool) {
        match (format, self.mentor_capacity) {
            (Format::Circle, _) => (i64::from(self.circle_size), true),
            // A peer mentors one peer, who mentors them.
            (Format::Peer, _) => (1, true),
            (_, Some(c)) => (i64::from(c), true),
            (_, None) => (own.max(1), false),
        }
    }

    /// Every bad rule named by its field.
    pub fn check(
        format: Format,
        different_department: bool,
        min_score: i64,
        mentor_capacity: Option<i64>,
        circle_size: Option<i64>,
        circle_mentors: Option<i64>,
    ) -> Result<Rules, FieldErrors> {
        let mut errors = FieldErrors::new();
        let min_score = u8::try_from(min_score).ok().filter(|s| *s <= 100);
        if min_score.is_none() {
            errors.add("min_score", "must be a whole number from 0 to 100");
        }
        let capacity =
            mentor_capacity.map(|c| u8::try_from(c).ok().filter(|c| (1..=20).contains(c)));
        if capacity == Some(None) {
            errors.add("mentor_capacity", "must be a whole number from 1 to 20");
        }
        let circle_size = match (format, circle_size) {
            (Format::Circle, None) => Some(6),
            (Format::Circle, Some(n)) => u8::try_from(n)
                .ok()
                .filter(|n| (2..=MAX_CIRCLE).contains(n))
                .or_else(|| {
                    errors.add(
                        "circle_size",
                        format!("must be a whole number from 2 to {MAX_CIRCLE}"),
                    );
                    None
                }),
            (_, Some(_)) => {
                errors.add("circle_size", "only group circles have a size");
                None
            }
            (_, None) => Some(1),
        };
        let circle_mentors = match (format, circle_mentors) {
            (Format::Circle, Some(n @ 1..=2)) => n as u8,
            (Format::Circle, Some(_)) => {
                errors.add("circle_mentors", "must be 1 or 2");
                1
            }
            (_, Some(n)) if n != 1 => {
                errors.add("circle_mentors", "only group circles have two mentors");
                1
            }
            _ => 1,
        };
        errors.into_result()?;
        Ok(Rules {
            different_department,
            min_score: min_score.unwrap_or_default(),
            mentor_capacity: capacity.flatten(),
            circle_size: circle_size.unwrap_or(1),
            circle_mentors,
        })
    }
}

/// The purposes a programme names: at least one, each once, in the catalogue's order.
pub fn parse_purposes(raw: &[String]) -> Result<Vec<Purpose>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut found = BTreeSet::new();
    for (i, r) in raw.iter().enumerate() {
        if let Some(p) = errors.check(&format!("purposes[{i}]"), r.trim().parse::<Purpose>()) {
            found.insert(p);
        }
    }
    if raw.is_empty() {
        errors.add("purposes", "name what the programme is for");
    }
    errors.into_result()?;
    Ok(Purpose::ALL
        .iter()
        .copied()
        .filter(|p| found.contains(p))
        .collect())
}

/// A programme's name and description, checked.
pub fn name_and_description(
    name: &str,
    description: &str,
) -> Result<(String, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = match one_line(name, MAX_NAME) {
        Ok(n) if n.is_empty() => {
            errors.add("name", "is required");
            None
        }
        Ok(n) => Some(n),
        Err(e) => {
            errors.add("name", e.to_string());
            None
        }
    };
    let description = errors.check("description", multi_line(description, MAX_DESCRIPTION));
    errors.into_result()?;
    Ok((name.unwrap_or_default(), description.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_figure_needs_five_people() {
        assert_eq!(MIN_GROUP, 5);
        assert!(!shown(0));
        assert!(!shown(4));
        assert!(shown(5));
        assert!(shown(20_000));
    }

    fn day(raw: &str) -> NaiveDate {
        NaiveDate::parse_from_str(raw, "%Y-%m-%d").unwrap_or_default()
    }

    fn choice(kind: &str, options: &[&str], rule: Option<&str>) -> QuestionDraft {
        QuestionDraft {
            kind: kind.into(),
            text: "How do you like to meet?".into(),
            options: options.iter().map(|o| (*o).to_owned()).collect(),
            match_rule: rule.map(Into::into),
            ..QuestionDraft::default()
        }
    }

    #[test]
    fn a_cell_of_a_participants_file_reads_as_its_answer_and_an_answer_writes_back_as_it() {
        let drafts = [
            choice("single_choice", &["Online", "In person"], Some("same")),
            choice("multiple_choice", &["Finance", "Retail", "Energy"], None),
            QuestionDraft {
                kind: "scale".into(),
                text: "How sure are you?".into(),
                scale_max: Some(4),
                ..QuestionDraft::default()
            },
            QuestionDraft {
                kind: "text".into(),
                text: "Anything else?".into(),
                ..QuestionDraft::default()
            },
        ];
        let Ok(form) = Question::parse_all(&drafts) else {
            panic!("a valid form refused");
        };
        let read = |i: usize, cell: &str| answer_from_cell(&form[i], cell);
        assert_eq!(
            read(0, " online "),
            Ok(Some(Answer::Choices(vec!["Online".into()])))
        );
        assert_eq!(
            read(1, "energy;FINANCE; "),
            Ok(Some(Answer::Choices(vec![
                "Finance".into(),
                "Energy".into()
            ]))),
            "in the form's order, any case"
        );
        assert_eq!(read(2, "4"), Ok(Some(Answer::Scale(4))));
        assert_eq!(
            read(3, "Two lines\nof text"),
            Ok(Some(Answer::Text("Two lines\nof text".into())))
        );
        for i in 0..4 {
            assert_eq!(read(i, "  "), Ok(None), "an empty cell is no answer");
        }
        assert_eq!(
            read(0, "By post"),
            Err("\"By post\" is not one of the options".into())
        );
        assert_eq!(
            read(1, "Retail;Mining"),
            Err("\"Mining\" is not one of the options".into())
        );
        assert_eq!(
            read(2, "5"),
            Err("must be a whole number from 1 to 4".into())
        );
        assert_eq!(
            read(2, "three"),
            Err("must be a whole number from 1 to 4".into())
        );
        for (i, cell) in [
            (0, "In person"),
            (1, "Finance;Retail;Energy"),
            (2, "1"),
            (3, "Yes; and no"),
        ] {
            let Ok(Some(answer)) = read(i, cell) else {
                panic!("{cell} refused");
            };
            assert_eq!(
                read(i, &answer_cell(&answer)),
                Ok(Some(answer)),
                "written back as read"
            );
        }
    }

    #[test]
    fn dates_are_in_order_and_every_bad_one_is_named() {
        let ok = Dates::parse("2027-01-01", "2027-01-31", "2027-02-01", "2027-07-31");
        assert!(ok.is_ok(), "{ok:?}");
        let Err(bad) = Dates::parse("2027-02-01", "2027-01-31", "2027-01-15", "2027-01-15") else {
            panic!("accepted dates out of order");
        };
        assert!(bad.get("enrolment_closes").is_some());
        assert!(bad.get("starts_on").is_some());
        assert!(bad.get("ends_on").is_some());
        let Err(bad) = Dates::parse("soon", "2027-01-31", "", "2027-07-31") else {
            panic!("accepted words for dates");
        };
        assert_eq!(
            bad.get("enrolment_opens"),
            Some("must be a date, YYYY-MM-DD")
        );
        assert!(bad.get("starts_on").is_some());
        assert!(bad.get("enrolment_closes").is_none());
        let too_long = Dates::parse("2027-01-01", "2027-01-31", "2027-02-01", "2030-03-01");
        assert!(too_long.is_err_and(|e| e.get("ends_on").is_some()));
    }

    #[test]
    fn a_programme_moves_from_upcoming_through_enrolment_to_its_end() {
        let Ok(dates) = Dates::parse("2027-01-01", "2027-01-31", "2027-02-01", "2027-07-31") else {
            panic!("valid dates refused");
        };
        let phases: Vec<Phase> = [
            "2026-12-31",
            "2027-01-01",
            "2027-01-31",
            "2027-02-01",
            "2027-07-31",
            "2027-08-01",
        ]
        .into_iter()
        .map(|d| dates.phase(day(d)))
        .collect();
        use Phase::*;
        assert_eq!(
            phases,
            [Upcoming, Enrolling, Enrolling, Running, Running, Ended]
        );
        let Ok(gap) = Dates::parse("2027-01-01", "2027-01-10", "2027-02-01", "2027-07-31") else {
            panic!("valid dates refused");
        };
        assert_eq!(gap.phase(day("2027-01-20")), Starting);
        let Ok(overlap) = Dates::parse("2027-01-01", "2027-03-01", "2027-02-01", "2027-07-31")
        else {
            panic!("enrolment may stay open after the start");
        };
        assert_eq!(overlap.phase(day("2027-02-10")), Enrolling);
    }

    #[test]
    fn questions_name_every_bad_field() {
        let ok = Question::parse_all(&[
            choice("single_choice", &["In person", "Video"], Some("same")),
            QuestionDraft {
                kind: "scale".into(),
                text: "How sure are you of your next step?".into(),
                ..QuestionDraft::default()
            },
        ]);
        let Ok(ok) = ok else {
            panic!("valid questions refused: {ok:?}")
        };
        assert_eq!(ok[0].matching, Some((MatchRule::Same, 1.0)));
        assert_eq!(ok[1].scale_max, 5);
        let Err(bad) = Question::parse_all(&[
            choice("single_choice", &["Video", "video"], None),
            choice("multiple_choice", &["One"], Some("overlaps")),
            QuestionDraft {
                kind: "text".into(),
                text: " ".into(),
                match_rule: Some("same".into()),
                scale_max: Some(7),
                ..QuestionDraft::default()
            },
            QuestionDraft {
                kind: "essay".into(),
                text: "Why?".into(),
                ..QuestionDraft::default()
            },
        ]) else {
            panic!("bad questions accepted");
        };
        for field in [
            "questions[0].options[1]",
            "questions[1].options",
            "questions[1].match_rule",
            "questions[2].text",
            "questions[2].match_rule",
            "questions[2].scale_max",
            "questions[3].kind",
        ] {
            assert!(bad.get(field).is_some(), "no error on {field}: {bad:?}");
        }
    }

    #[test]
    fn answers_are_checked_against_the_form() {
        let Ok(questions) = Question::parse_all(&[
            choice("single_choice", &["In person", "Video"], Some("same")),
            choice(
                "multiple_choice",
                &["Finance", "Retail", "Energy"],
                Some("covers"),
            ),
            QuestionDraft {
                kind: "scale".into(),
                text: "Confidence".into(),
                required: true,
                ..QuestionDraft::default()
            },
            QuestionDraft {
                kind: "text".into(),
                text: "Anything else?".into(),
                ..QuestionDraft::default()
            },
        ]) else {
            panic!("valid questions refused");
        };
        let raw: BTreeMap<String, RawAnswer> = [
            ("0".to_owned(), RawAnswer::One("video".into())),
            (
                "1".to_owned(),
                RawAnswer::Many(vec!["Energy".into(), "finance".into()]),
            ),
            ("2".to_owned(), RawAnswer::Number(4)),
        ]
        .into();
        let Ok(answers) = parse_answers(&questions, &raw) else {
            panic!("valid answers refused");
        };
        assert_eq!(answers[&0], Answer::Choices(vec!["Video".into()]));
        assert_eq!(
            answers[&1],
            Answer::Choices(vec!["Finance".into(), "Energy".into()])
        );
        assert_eq!(answers[&2], Answer::Scale(4));
        assert!(!answers.contains_key(&3));
        // As stored, in the form they are sent, and read back the same.
        let stored = raw_answers(&questions, &answers);
        assert_eq!(stored["0"], RawAnswer::One("Video".into()));
        assert_eq!(
            stored["1"],
            RawAnswer::Many(vec!["Finance".into(), "Energy".into()])
        );
        assert_eq!(stored["2"], RawAnswer::Number(4));
        assert_eq!(parse_answers(&questions, &stored), Ok(answers.clone()));
        let bad: BTreeMap<String, RawAnswer> = [
            ("0".to_owned(), RawAnswer::One("Phone".into())),
            ("1".to_owned(), RawAnswer::One("Finance".into())),
            ("3".to_owned(), RawAnswer::Number(2)),
            ("9".to_owned(), RawAnswer::One("?".into())),
        ]
        .into();
        let Err(errors) = parse_answers(&questions, &bad) else {
            panic!("bad answers accepted");
        };
        for field in [
            "answers.0",
            "answers.1",
            "answers.2",
            "answers.3",
            "answers.9",
        ] {
            assert!(
                errors.get(field).is_some(),
                "no error on {field}: {errors:?}"
            );
        }
        assert_eq!(errors.get("answers.2"), Some("is required"));
    }

    #[test]
    fn agreement_follows_each_rule() {
        let v = |xs: &[&str]| xs.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(agreement(MatchRule::Same, &v(&["a"]), &v(&["a"])), 1.0);
        assert_eq!(
            agreement(MatchRule::Same, &v(&["a", "b"]), &v(&["b", "c"])),
            1.0 / 3.0
        );
        assert_eq!(agreement(MatchRule::Different, &v(&["a"]), &v(&["b"])), 1.0);
        assert_eq!(
            agreement(MatchRule::Covers, &v(&["a", "b"]), &v(&["a", "b", "c"])),
            1.0
        );
        assert_eq!(
            agreement(MatchRule::Covers, &v(&["a", "b"]), &v(&["b"])),
            0.5
        );
    }

    #[test]
    fn the_programme_factor_weighs_the_matching_questions_both_answered() {
        let mut heavy = choice("single_choice", &["In person", "Video"], Some("same"));
        heavy.weight = Some(3.0);
        let Ok(questions) = Question::parse_all(&[
            heavy,
            choice("multiple_choice", &["Finance", "Retail"], Some("covers")),
            choice("single_choice", &["Yes", "No"], None),
        ]) else {
            panic!("valid questions refused");
        };
        let one = |s: &str| Answer::Choices(vec![s.to_owned()]);
        let mentee: Answers = [(0, one("Video")), (1, one("Retail")), (2, one("Yes"))].into();
        let mentor: Answers = [(0, one("Video")), (1, one("Finance")), (2, one("No"))].into();
        let Some((value, why)) = programme_fit(&questions, &mentee, &mentor) else {
            panic!("no fit for answered questions");
        };
        assert!((value - 0.75).abs() < 1e-9, "{value}");
        assert_eq!(why.len(), 2, "only matching questions count: {why:?}");
        assert_eq!(why[0].shared, ["Video"]);
        assert_eq!(programme_fit(&questions, &mentee, &Answers::new()), None);
    }

    #[test]
    fn rules_and_purposes_are_checked() {
        assert!(
            Rules::check(Format::OneToOne, false, 101, Some(0), Some(3), Some(2)).is_err_and(|e| {
                e.get("min_score").is_some()
                    && e.get("mentor_capacity").is_some()
                    && e.get("circle_size").is_some()
                    && e.get("circle_mentors").is_some()
            })
        );
        let circle = Rules::check(Format::Circle, true, 40, Some(2), None, None);
        assert!(circle.is_ok_and(|r| r.circle_size == 6
            && r.mentor_capacity == Some(2)
            && r.circle_mentors == 1));
        let two = Rules::check(Format::Circle, false, 0, None, Some(4), Some(2));
        assert!(two.is_ok_and(|r| r.circle_mentors == 2));
        let three = Rules::check(Format::Circle, false, 0, None, Some(4), Some(3));
        assert!(three.is_err_and(|e| e.get("circle_mentors") == Some("must be 1 or 2")));
        let purposes = parse_purposes(&["networking".into(), "skills".into(), "skills".into()]);
        assert!(purposes.is_ok_and(|p| p == [Purpose::Skills, Purpose::Networking]));
        assert!(parse_purposes(&[]).is_err());
        assert!(parse_purposes(&["fun".into()]).is_err_and(|e| e.get("purposes[0]").is_some()));
        assert!(name_and_description(" ", "").is_err_and(|e| e.get("name") == Some("is required")));
    }

    #[test]
    fn a_question_typed_again_reads_back_the_same() {
        let drafts = vec![
            choice("single_choice", &["Online", "In person"], Some("same")),
            QuestionDraft {
                kind: "scale".into(),
                text: "How sure are you?".into(),
                ..QuestionDraft::default()
            },
            QuestionDraft {
                kind: "text".into(),
                text: "Anything else?".into(),
                required: true,
                ..QuestionDraft::default()
            },
        ];
        let questions = Question::parse_all(&drafts).expect("good questions");
        let again: Vec<QuestionDraft> = questions.iter().map(QuestionDraft::from).collect();
        assert_eq!(Question::parse_all(&again), Ok(questions));
    }

    #[test]
    fn a_date_has_a_four_digit_year() {
        let errors = Dates::parse("-0002-01-01", "-0001-01-01", "-0001-02-01", "+10000-01-01")
            .expect_err("years out of range");
        for field in [
            "enrolment_opens",
            "enrolment_closes",
            "starts_on",
            "ends_on",
        ] {
            assert_eq!(
                errors.get(field),
                Some("must be a date, YYYY-MM-DD"),
                "{field}"
            );
        }
        assert!(Dates::parse("2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04").is_ok());
    }

    #[test]
    fn field_errors_absorbed_keep_every_field() {
        let mut errors = FieldErrors::new();
        errors.add("name", "is required");
        let dates = errors.absorb(Dates::parse(
            "2027-01-10",
            "2027-01-01",
            "2027-02-01",
            "2027-01-15",
        ));
        assert!(dates.is_none());
        assert_eq!(errors.get("name"), Some("is required"));
        assert!(errors.get("enrolment_closes").is_some());
        assert!(errors.get("ends_on").is_some());
    }

    #[test]
    fn a_mentors_places_come_from_the_circle_the_programme_or_their_own_capacity() {
        let rules = |mentor_capacity, circle_size| Rules {
            different_department: false,
            min_score: 0,
            mentor_capacity,
            circle_size,
            circle_mentors: 1,
        };
        assert_eq!(
            rules(Some(3), 5).mentor_places(Format::Circle, 2),
            (5, true)
        );
        assert_eq!(
            rules(Some(3), 1).mentor_places(Format::OneToOne, 2),
            (3, true)
        );
        assert_eq!(
            rules(None, 1).mentor_places(Format::OneToOne, 2),
            (2, false)
        );
        assert_eq!(
            rules(None, 1).mentor_places(Format::Reverse, 0),
            (1, false),
            "enrolled to mentor: one place at least"
        );
        assert_eq!(
            rules(Some(4), 1).mentor_places(Format::Peer, 3),
            (1, true),
            "a peer mentors one peer"
        );
    }
}
