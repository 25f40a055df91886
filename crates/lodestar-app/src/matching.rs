//! Whole-cohort matching over the people in the database: who mentors whom, and why.
//!
//! Reads every listed mentor and mentee, turns their profiles into the engine's plain
//! numbers ([`lodestar_match::score::Profile`]), runs the engine off the async runtime, and
//! explains the result in words: why this mentor, and, when it is not the mentee's first
//! choice, why not that one.

use std::collections::{BTreeMap, HashMap};

use lodestar_domain::language::LANGUAGES;
use lodestar_domain::{FocusArea, PersonId, ProfileField, SkillId};
use lodestar_match::cohort::{Cohort, CohortMatch, Options, Stage, match_cohort};
use lodestar_match::report::{QualityReport, ranks, report};
use lodestar_match::score::{
    self, Answer, Audience, Factor, FactorReason, Private, Profile, Rules, SkillLevel, Vocabulary,
    Weights,
};
use lodestar_match::unquantize;
use lodestar_store::blocks;
use lodestar_store::participants::{self, Participant};
use serde::Serialize;

use crate::{App, AppError};

/// The people of a cohort, as the engine sees them and as people know them.
pub struct CohortInput {
    pub cohort: Cohort,
    pub mentees: Vec<Named>,
    pub mentors: Vec<Named>,
    pub mentor_headlines: Vec<String>,
    /// Each mentor's stated capacity (their free places are this less what their running
    /// mentorships hold).
    pub mentor_capacity: Vec<u32>,
    words: Words,
}

/// A person's id and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Named {
    pub id: PersonId,
    pub name: String,
}

/// Names for explanations: skills and industries by the engine's numbers, and a
/// programme's matching questions with their options.
#[derive(Clone, Default)]
struct Words {
    skills: Vec<String>,
    /// The skills' ids, by the same numbers.
    skill_ids: Vec<SkillId>,
    industries: Vec<String>,
    questions: QuestionWords,
}

impl Vocabulary for Words {
    fn skill(&self, skill: u32) -> &str {
        self.skills
            .get(skill as usize)
            .map_or("a skill", String::as_str)
    }

    fn industry(&self, industry: u32) -> &str {
        self.industries
            .get(industry as usize)
            .map_or("another industry", String::as_str)
    }

    fn question(&self, question: usize) -> &str {
        self.questions
            .get(question)
            .map_or("a programme question", |(text, _)| text.as_str())
    }

    fn option(&self, question: usize, option: u32) -> &str {
        self.questions
            .get(question)
            .and_then(|(_, options)| options.get(option as usize))
            .map_or("an option", String::as_str)
    }

    fn focus_area(&self, bit: u32) -> &str {
        FocusArea::ALL
            .get(bit as usize)
            .map_or("a focus area", |area| area.label())
    }
}

/// Numbers for names: each distinct value gets the next number.
#[derive(Default)]
struct Interner(HashMap<String, u32>, Vec<String>);

impl Interner {
    fn id(&mut self, key: &str, shown: &str) -> u32 {
        if let Some(&id) = self.0.get(key) {
            return id;
        }
        let id = self.1.len() as u32;
        self.0.insert(key.to_owned(), id);
        self.1.push(shown.to_owned());
        id
    }
}

fn engine_profile(
    person: &Participant,
    skills: &mut HashMap<SkillId, u32>,
    industries: &mut Interner,
    departments: &mut Interner,
) -> Profile {
    let p = &person.profile;
    let mut skill = |claim: &lodestar_domain::SkillClaim| {
        let next = skills.len() as u32;
        SkillLevel {
            skill: *skills.entry(claim.skill).or_insert(next),
            level: claim.level.get(),
        }
    };
    let mut mentor_skills: Vec<SkillLevel> = p.mentor_skills.iter().map(&mut skill).collect();
    mentor_skills.sort_unstable_by_key(|s| s.skill);
    let growth_skills = p.growth_skills.iter().map(&mut skill).collect();
    let focus_areas = p
        .focus_areas
        .iter()
        .filter_map(|area| FocusArea::ALL.iter().position(|a| a == area))
        .fold(0u8, |set, bit| set | 1 << bit);
    let languages = p
        .languages
        .iter()
        .filter_map(|code| LANGUAGES.iter().position(|(c, _)| c == code))
        .fold(0u128, |set, bit| set | 1 << bit);
    let industry = p.industry.trim();
    let department = p.department.trim();
    // Scoring reads these of the fields a person may hide; what reads the profile for
    // someone else leaves the private ones out (`Profile::as_seen`).
    let private = private_of(&p.hidden_fields);
    Profile {
        mentor_skills,
        growth_skills,
        focus_areas,
        industry: (!industry.is_empty()).then(|| industries.id(&industry.to_lowercase(), industry)),
        department: p
            .department_key()
            .map(|key| departments.id(&key, department)),
        years_experience: p.years_experience.map(|y| y.clamp(0, 80) as u8),
        utc_offset_minutes: Some(person.utc_offset_minutes as i32),
        languages,
        availability_hours: p.availability_hours.clamp(0, 160) as u16,
        answers: Vec::new(),
        private,
    }
}

/// On which side a person takes part in a cohort.
#[derive(Clone, Debug, Default)]
pub(crate) struct Side {
    pub mentee: bool,
    /// As a mentor: their capacity, and how many places of it are free.
    pub mentor: Option<(u32, u32)>,
    /// Their answers to a programme's matching questions, in the form's order.
    pub answers: Vec<Answer>,
}

/// A programme's matching questions in words: each one's text and options.
pub(crate) type QuestionWords = Vec<(String, Vec<String>)>;

/// The people of `people` as a cohort, each on the sides `side_of` says (`None`: not in
/// it), with either side's blocks ruling a pair out.
pub(crate) fn cohort_of(
    people: &[Participant],
    side_of: impl Fn(&Participant) -> Option<Side>,
    blocked: &[(PersonId, PersonId)],
    weights: [f64; 7],
    rules: Rules,
    min_score: f64,
    questions: QuestionWords,
) -> CohortInput {
    let mut skills = HashMap::new();
    let mut industries = Interner::default();
    let mut departments = Interner::default();
    let mut skill_names: HashMap<SkillId, String> = HashMap::new();
    let mut cohort = Cohort {
        rules,
        weights,
        min_score,
        ..Cohort::default()
    };
    let (mut mentees, mut mentors, mut mentor_headlines) = (Vec::new(), Vec::new(), Vec::new());
    let mut mentor_capacity = Vec::new();
    for (number, person) in people.iter().enumerate() {
        let Some(side) = side_of(person) else {
            continue;
        };
        for (id, name) in &person.skill_names {
            skill_names.entry(*id).or_insert_with(|| name.clone());
        }
        let mut profile = engine_profile(person, &mut skills, &mut industries, &mut departments);
        profile.answers = side.answers;
        let named = Named {
            id: person.id,
            name: person.name.clone(),
        };
        if side.mentee {
            cohort.mentees.push(profile.clone());
            cohort.mentee_person.push(number as u32);
            mentees.push(named.clone());
        }
        if let Some((capacity, free)) = side.mentor {
            cohort.mentors.push(profile);
            cohort.mentor_person.push(number as u32);
            cohort.free_places.push(free);
            mentors.push(named);
            mentor_headlines.push(person.profile.headline.clone());
            mentor_capacity.push(capacity);
        }
    }
    let mentee_of: HashMap<PersonId, u32> = mentees
        .iter()
        .enumerate()
        .map(|(k, m)| (m.id, k as u32))
        .collect();
    let mentor_of: HashMap<PersonId, u32> = mentors
        .iter()
        .enumerate()
        .map(|(k, m)| (m.id, k as u32))
        .collect();
    for &(a, b) in blocked {
        for (mentee, mentor) in [(a, b), (b, a)] {
            if let (Some(&i), Some(&j)) = (mentee_of.get(&mentee), mentor_of.get(&mentor)) {
                cohort.blocked.push((i, j));
            }
        }
    }
    cohort.blocked.sort_unstable();
    cohort.blocked.dedup();
    let mut names = vec![String::new(); skills.len()];
    let mut skill_ids = vec![SkillId::default(); skills.len()];
    for (id, number) in &skills {
        names[*number as usize] = skill_names.get(id).cloned().unwrap_or_default();
        skill_ids[*number as usize] = *id;
    }
    CohortInput {
        cohort,
        mentees,
        mentors,
        mentor_headlines,
        mentor_capacity,
        words: Words {
            skills: names,
            skill_ids,
            industries: industries.1,
            questions,
        },
    }
}

impl App {
    /// Everyone listed who wants a mentor, and everyone listed who mentors with places, as
    /// a cohort under `weights` and `rules`.
    pub async fn cohort(
        &self,
        weights: &Weights,
        rules: Rules,
        min_score: f64,
    ) -> Result<CohortInput, AppError> {
        let weights = weights
            .normalised()
            .map_err(|e| AppError::invalid("weights", e.to_string()))?;
        if !(0.0..=1.0).contains(&min_score) {
            return Err(AppError::invalid(
                "min_score",
                "must be a score from 0 to 1",
            ));
        }
        let people = participants::participants(&self.db).await?;
        // A mentor's running mentorships hold places of their capacity.
        let taken = lodestar_store::mentorships::places_taken_by(&self.db, None).await?;
        let blocked = blocks::all(&self.db).await?;
        let side_of = |person: &Participant| {
            let p = &person.profile;
            let mentor = (p.is_mentor && p.mentor_capacity > 0).then(|| {
                let held = taken.get(&person.id).copied().unwrap_or(0);
                (
                    p.mentor_capacity.clamp(0, 1_000) as u32,
                    (p.mentor_capacity - held).clamp(0, 1_000) as u32,
                )
            });
            Some(Side {
                mentee: p.wants_mentor,
                mentor,
                answers: Vec::new(),
            })
        };
        Ok(cohort_of(
            &people,
            side_of,
            &blocked,
            weights,
            rules,
            min_score,
            Vec::new(),
        ))
    }
}

/// One assignment of a bulk match, explained.
#[derive(Clone, Debug, Serialize)]
pub struct ExplainedAssignment {
    pub mentee: Named,
    pub mentor: Named,
    pub score: f64,
    /// Where the mentor stands among the mentee's candidates (1 = the best-scoring one).
    pub rank: Option<u32>,
    pub reasons: Vec<FactorReason>,
    /// Set when the mentee's best-scoring candidate is someone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_choice: Option<FirstChoice>,
}

/// Why not the mentee's first choice.
#[derive(Clone, Debug, Serialize)]
pub struct FirstChoice {
    pub mentor: Named,
    pub score: f64,
    /// Forcing this pair would lower the cohort's total score by at least this much.
    pub forcing_loss: f64,
    pub why: String,
}

/// What the operator's bulk matching reads, as its report states it.
/// The fields scoring reads among those a person hides.
pub(crate) fn private_of(hidden: &[ProfileField]) -> Private {
    let mut private = Private::NONE;
    for (field, engine) in [
        (ProfileField::YearsExperience, Private::YEARS_EXPERIENCE),
        (ProfileField::TimeZone, Private::TIME_ZONE),
        (ProfileField::Organisation, Private::DEPARTMENT),
        (ProfileField::Department, Private::DEPARTMENT),
    ] {
        if hidden.contains(&field) {
            private |= engine;
        }
    }
    private
}

pub const FIELDS_USED: &str = "every profile field, including those people keep private \
     (years of experience, time zone, organisation and department): this report is for the \
     operator; recommendations and anything else a person receives leave private fields out";

/// A bulk match over the database, explained.
#[derive(Clone, Debug, Serialize)]
pub struct MatchReport {
    pub objective: String,
    /// Which fields the match used ([`FIELDS_USED`]): all of them, private ones included.
    pub fields_used: &'static str,
    /// How much each factor counted (normalised to sum to 1), and the programme's rules.
    pub weights: BTreeMap<Factor, f64>,
    pub rules: Rules,
    /// The result is proven to be the best over every allowed pair, not just the candidates.
    pub certified: bool,
    pub rounds: usize,
    pub candidate_pairs: usize,
    pub added_pairs: usize,
    /// Assigned pairs in which the mentor mentors none of the skills the mentee wants and
    /// offers none of their focus areas (0 with the relevance rule on).
    pub unrelated_pairs: usize,
    pub quality: QualityReport,
    pub assignments: Vec<ExplainedAssignment>,
    pub unmatched: Vec<Named>,
}

impl CohortInput {
    /// A cohort of the engine's own, its people named `Mentee i` and `Mentor j`.
    #[cfg(test)]
    pub(crate) fn of_engine(cohort: Cohort) -> CohortInput {
        let named = |what: &str, k: usize| Named {
            id: PersonId::new(),
            name: format!("{what} {k}"),
        };
        CohortInput {
            mentees: (0..cohort.mentees.len())
                .map(|i| named("Mentee", i))
                .collect(),
            mentors: (0..cohort.mentors.len())
                .map(|j| named("Mentor", j))
                .collect(),
            mentor_headlines: vec![String::new(); cohort.mentors.len()],
            mentor_capacity: cohort.free_places.clone(),
            cohort,
            words: Words::default(),
        }
    }

    /// Names for explanations.
    /// The engine's number of each skill in the cohort, by id.
    pub(crate) fn skill_numbers(&self) -> HashMap<SkillId, u32> {
        self.words
            .skill_ids
            .iter()
            .enumerate()
            .map(|(n, id)| (*id, n as u32))
            .collect()
    }

    /// The id and name of the skill the engine numbers `skill`.
    pub(crate) fn skill(&self, skill: u32) -> Option<(SkillId, &str)> {
        let id = *self.words.skill_ids.get(skill as usize)?;
        Some((id, self.words.skill(skill)))
    }

    pub fn words(&self) -> &dyn Vocabulary {
        &self.words
    }

    /// Runs the engine (CPU-bound: call from a blocking thread) and explains the result.
    pub fn run(&self, options: &Options, stage: &(dyn Fn(Stage) + Sync)) -> MatchReport {
        self.run_telling_candidates(options, stage).0
    }

    /// As [`CohortInput::run`], and for each mentee whether any mentor was allowed with
    /// them at all (one that could have been their mentor had there been room).
    pub(crate) fn run_telling_candidates(
        &self,
        options: &Options,
        stage: &(dyn Fn(Stage) + Sync),
    ) -> (MatchReport, Vec<bool>) {
        let result = match_cohort(&self.cohort, options, stage);
        let had = (0..self.cohort.mentees.len())
            .map(|i| result.graph.arcs(i).next().is_some())
            .collect();
        (self.explain(options, &result), had)
    }

    /// The same cohort less the mentees `leave` marks, with more pairs ruled out
    /// (`forbid`, by index in this cohort) and fewer free places (`taken`, per mentor).
    pub(crate) fn narrowed(
        &self,
        leave: &[bool],
        forbid: &[(u32, u32)],
        taken: &[u32],
    ) -> CohortInput {
        let mut kept = Vec::new();
        let mut new_index = vec![None; self.cohort.mentees.len()];
        for (i, out) in leave.iter().enumerate() {
            if !out {
                new_index[i] = Some(kept.len() as u32);
                kept.push(i);
            }
        }
        let mut cohort = Cohort {
            mentees: kept
                .iter()
                .map(|&i| self.cohort.mentees[i].clone())
                .collect(),
            mentee_person: kept.iter().map(|&i| self.cohort.mentee_person[i]).collect(),
            free_places: self
                .cohort
                .free_places
                .iter()
                .zip(taken)
                .map(|(free, taken)| free.saturating_sub(*taken))
                .collect(),
            blocked: Vec::new(),
            ..self.cohort.clone()
        };
        cohort.blocked = self
            .cohort
            .blocked
            .iter()
            .chain(forbid)
            .filter_map(|&(i, j)| new_index[i as usize].map(|k| (k, j)))
            .collect();
        cohort.blocked.sort_unstable();
        cohort.blocked.dedup();
        CohortInput {
            cohort,
            mentees: kept.iter().map(|&i| self.mentees[i].clone()).collect(),
            mentors: self.mentors.clone(),
            mentor_headlines: self.mentor_headlines.clone(),
            mentor_capacity: self.mentor_capacity.clone(),
            words: self.words.clone(),
        }
    }

    fn explain(&self, options: &Options, result: &CohortMatch) -> MatchReport {
        let graph = &result.graph;
        let solution = &result.solution;
        let certificate = &solution.solver.certificate;
        let rank = ranks(graph, &solution.mentor_of);
        let mut assignments = Vec::new();
        let mut unmatched = Vec::new();
        for (i, mentor) in solution.mentor_of.iter().enumerate() {
            let Some(j) = *mentor else {
                unmatched.push(self.mentees[i].clone());
                continue;
            };
            let mentee = &self.cohort.mentees[i];
            let mentor_name = &self.mentors[j as usize].name;
            let explained = score::explain(
                mentee,
                &self.cohort.mentors[j as usize],
                mentor_name,
                &self.cohort.weights,
                &self.words,
                Audience::Operator,
            );
            let best = graph
                .arcs(i)
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
            let first_choice = best.filter(|&(k, _)| k != j).map(|(k, w)| {
                let loss = unquantize(certificate.forcing_loss(i, k, w + solution.bonus) as i64);
                let other = &self.mentors[k as usize];
                FirstChoice {
                    mentor: other.clone(),
                    score: unquantize(w),
                    forcing_loss: loss,
                    why: format!(
                        "{}'s places went to mentees who fit them better; pairing {} with {} would lower the total score by at least {loss:.3}",
                        other.name, self.mentees[i].name, other.name
                    ),
                }
            });
            assignments.push(ExplainedAssignment {
                mentee: self.mentees[i].clone(),
                mentor: self.mentors[j as usize].clone(),
                score: explained.score,
                rank: rank[i],
                reasons: explained.factors,
                first_choice,
            });
        }
        MatchReport {
            objective: options.objective.name().to_owned(),
            fields_used: FIELDS_USED,
            weights: Factor::ALL
                .iter()
                .copied()
                .zip(self.cohort.weights)
                .collect(),
            rules: self.cohort.rules,
            certified: result.certified,
            rounds: result.rounds,
            candidate_pairs: result.candidate_pairs,
            added_pairs: result.added_pairs,
            unrelated_pairs: lodestar_match::cohort::unrelated_pairs(
                &self.cohort,
                &solution.mentor_of,
            ),
            quality: report(graph, &solution.mentor_of),
            assignments,
            unmatched,
        }
    }
}
