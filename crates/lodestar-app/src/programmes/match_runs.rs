//! Cohort match runs: a programme's admin starts one; the engine matches everyone enrolled
//! as a mentee who has no mentor in the programme with its enrolled mentors, under the
//! programme's rules, in the background; the result is a draft, proven optimal, that the
//! admins review. They lock pairs (moving a mentee to another mentor is a lock), forbid
//! pairs and release either, and each change solves again around them: locked pairs are
//! kept, forbidden ones never return, and the rest is optimal again, with what the change
//! cost in total score. Publishing makes the mentorships — in the programme, within every
//! mentor's capacity as it is then — and tells both sides why they were matched; a second
//! publish makes nothing.
//!
//! A run is seen by the programme's admins and instance admins only (404 to anyone else):
//! its reasons use every profile field, private ones included, as the operator's bulk
//! match does. What the matched people are told uses only what each may see of the other.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lodestar_domain::mentoring::{Cadence, MemberRole, NotificationKind};
use lodestar_domain::programme::{Format, MatchRule, MatchRunState, QuestionKind, RawAnswer};
use lodestar_domain::webhook::WebhookEvent;
use lodestar_domain::{FieldErrors, MatchRunId, MentorshipId, PersonId, ProgrammeId, SkillId};
use lodestar_match::cohort::{Options, Stage};
use lodestar_match::objective::Objective;
use lodestar_match::score::{self, Answer, AnswerRule, Audience, Rules};
use lodestar_match::{circle, peer};
use lodestar_store::enrolments::{self, Enrolment, Filter};
use lodestar_store::match_runs::{self as store, MatchRun};
use lodestar_store::mentorships::{self, NewMentorship};
use lodestar_store::notifications::Notice;
use lodestar_store::participants::{self, Participant};
use lodestar_store::programmes::Programme;
use lodestar_store::{blocks, now_ms};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::PersonRef;
use crate::audit::{self, Audit, AuditAction};
use crate::matching::{CohortInput, QuestionWords, Side, cohort_of};
use crate::{App, AppError, Viewer};

/// How long a run may say nothing before it counts as abandoned (its process stopped).
const ABANDONED_MS: i64 = 60_000;

/// How often a running solve says what it is doing.
const STAGE_EVERY: Duration = Duration::from_millis(300);

/// The share of the score the programme's own questions take when it asks some and the
/// operator's weights give them none.
const PROGRAMME_SHARE: f64 = 0.2;

/// `POST /api/v1/programmes/{id}/match-runs`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRunInput {
    /// `max_total` (the largest total score; when left out), `max_participation` (as many
    /// mentees matched as possible) or `max_min` (as many as possible, then the best
    /// lowest score).
    #[schema(example = "max_total")]
    pub objective: Option<String>,
    /// The lowest score a pair may have, 0–100; the programme's own when left out.
    pub min_score: Option<i64>,
}

/// `PATCH /api/v1/match-runs/{id}`: pairs as `[mentee id, mentor id]`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRunEdit {
    /// Pairs to keep, whatever the solve finds; a mentee locked again moves to the new
    /// mentor.
    #[serde(default)]
    pub lock: Vec<Vec<String>>,
    /// Pairs never to make.
    #[serde(default)]
    pub forbid: Vec<Vec<String>>,
    /// Pairs locked or forbidden before, to leave to the solve again.
    #[serde(default)]
    pub release: Vec<Vec<String>>,
}

/// `202` for a run started or solving again.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct MatchRunStarted {
    #[schema(value_type = String, format = Uuid)]
    pub id: MatchRunId,
    /// `running`.
    pub state: String,
}

/// `POST /api/v1/match-runs/{id}/publish`.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct Published {
    /// Mentorships this call made: none when the run was published already.
    pub mentorships_created: i64,
    /// Pairs of the draft not made, and why (a mentor full since, a mentee who withdrew
    /// or has a mentor in the programme already).
    pub skipped: Vec<SkippedPair>,
    /// Co-mentors of the draft's circles not added, and why: their circle starts with its
    /// lead alone.
    pub co_mentors_left_out: Vec<SkippedCoMentor>,
}

#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct SkippedCoMentor {
    pub co_mentor: PersonRef,
    /// The circle's lead.
    pub mentor: PersonRef,
    pub why: String,
}

#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct SkippedPair {
    pub mentee: PersonRef,
    pub mentor: PersonRef,
    pub why: String,
}

/// A mentee and a mentor.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct PairRef {
    pub mentee: PersonRef,
    pub mentor: PersonRef,
}

/// One factor of a pair's score, in words.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct PairReason {
    /// The factor: "Skills", "Programme answers", …
    pub factor: String,
    pub reason: String,
    /// What it adds to the score (0–1).
    pub contribution: f64,
}

/// A pair of the draft.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct DraftPair {
    pub mentee: PersonRef,
    pub mentor: PersonRef,
    /// 0–1.
    pub score: f64,
    /// Where the mentor stands among the mentee's candidates (1: the best-scoring one);
    /// none for a locked pair.
    pub rank: Option<u32>,
    /// Kept by an admin.
    pub locked: bool,
    /// Every factor, with every field (the admins' view).
    pub reasons: Vec<PairReason>,
    /// When the mentee's best-scoring candidate is someone else: why not them.
    pub first_choice: Option<String>,
    /// Why they were matched, as the mentee is told (only what they may see of the mentor).
    pub for_mentee: Vec<String>,
    /// The same, as the mentor is told.
    pub for_mentor: Vec<String>,
}

/// A mentee the draft leaves without a mentor, and why.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct UnmatchedMentee {
    pub mentee: PersonRef,
    pub why: String,
}

/// How good a draft is.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct DraftQuality {
    /// Mentees waiting for a mentor in the programme, and its mentors with a free place.
    pub mentees: usize,
    pub mentors: usize,
    pub matched: usize,
    pub unmatched: usize,
    pub total_score: f64,
    pub mean_score: Option<f64>,
    pub lowest_score: Option<f64>,
    /// 90% of the pairs score at least this.
    pub p10_score: Option<f64>,
    /// Of the pairs the solve made (locked ones aside), the share where the mentor is the
    /// mentee's best-scoring candidate.
    pub first_choice_share: Option<f64>,
    /// Mentors whose free places the draft fills, and mentors it gives no one.
    pub mentors_full: usize,
    pub mentors_idle: usize,
    /// The mean over mentors of mentees given ÷ free places.
    pub mean_load: Option<f64>,
}

/// A mentor of the draft: their free places, and how many mentees the draft gives them.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct MentorLoad {
    pub mentor: PersonRef,
    pub free: u32,
    pub given: u32,
}

/// A draft: what a finished solve proposes.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Draft {
    /// Proven the best over every pair the rules allow, not just the candidates looked at.
    pub certified: bool,
    pub quality: DraftQuality,
    pub assignments: Vec<DraftPair>,
    pub unmatched: Vec<UnmatchedMentee>,
    /// Every mentor with a free place, by name.
    #[serde(default)]
    pub mentors: Vec<MentorLoad>,
    /// In a programme of group circles: each mentor's circle, with what its mentees share.
    #[serde(default)]
    pub circles: Vec<CircleDraft>,
}

/// A circle of the draft: a mentor, the skill it forms around, and its mentees.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct CircleDraft {
    /// Who leads it: the draft's pairs name them.
    pub mentor: PersonRef,
    /// Where two mentors lead each circle: who co-mentors it with its lead.
    #[serde(default)]
    pub co_mentor: Option<PersonRef>,
    /// The skill it forms around (one the mentor mentors); none for a mentor who mentors
    /// no skill.
    pub focus: Option<String>,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub focus_id: Option<SkillId>,
    pub mentees: Vec<PersonRef>,
    /// How many of its mentees want to grow its focus (all, unless an admin locked
    /// someone in).
    pub want_focus: u32,
    /// The skills two or more of its mentees want to grow, most wanted first.
    pub shared: Vec<SharedSkill>,
}

/// A skill several of a circle's mentees want to grow.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct SharedSkill {
    pub skill: String,
    /// How many of the circle's mentees want it.
    pub mentees: u32,
}

/// One change an admin made to a draft, and what the solve after it cost.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct EditRecord {
    /// `lock`, `forbid` or `release`.
    pub action: String,
    pub pair: PairRef,
    pub by: PersonRef,
    pub at: i64,
    /// The total score before the solve that followed it, less the total after: what the
    /// change cost (changes sent together share it); none until that solve is done.
    pub cost: Option<f64>,
}

/// The edits of a run, as stored.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
struct Edits {
    lock: Vec<PairRef>,
    forbid: Vec<PairRef>,
    history: Vec<EditRecord>,
    /// The total before the solve now running, to cost its edits when it is done.
    total_before: Option<f64>,
}

/// A match run, as its programme's admins see it.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct MatchRunView {
    #[schema(value_type = String, format = Uuid)]
    pub id: MatchRunId,
    #[schema(value_type = String, format = Uuid)]
    pub programme_id: ProgrammeId,
    /// `running`, `draft`, `failed` or `published`.
    pub state: String,
    /// While running: what it is doing.
    pub stage: String,
    pub objective: String,
    pub min_score: u8,
    /// When it failed: why.
    pub error: Option<String>,
    /// For a draft (and once published): whether it is proven optimal.
    pub certified: Option<bool>,
    pub quality: Option<DraftQuality>,
    pub assignments: Vec<DraftPair>,
    pub unmatched: Vec<UnmatchedMentee>,
    /// Every mentor with a free place, and how many mentees the draft gives them.
    pub mentors: Vec<MentorLoad>,
    /// In a programme of group circles: the draft's circles, with what each shares.
    pub circles: Vec<CircleDraft>,
    pub locked: Vec<PairRef>,
    pub forbidden: Vec<PairRef>,
    /// Every change, oldest first, with its cost.
    pub edits: Vec<EditRecord>,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
    pub mentorships_created: Option<i64>,
}

/// A run in a programme's list.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct MatchRunSummary {
    #[schema(value_type = String, format = Uuid)]
    pub id: MatchRunId,
    pub state: String,
    pub stage: String,
    pub objective: String,
    pub min_score: u8,
    pub created_at: i64,
    pub updated_at: i64,
    pub mentorships_created: Option<i64>,
}

/// A programme's cohort as the engine sees it, with who is who.
struct Prepared {
    input: CohortInput,
    mentee_index: HashMap<PersonId, u32>,
    mentor_index: HashMap<PersonId, u32>,
    blocked: HashSet<(PersonId, PersonId)>,
    /// In a programme of group circles, each mentor's focus (the engine's skill number);
    /// empty otherwise.
    foci: Vec<Option<u32>>,
    /// In a programme of circles led by two mentors: for each co-mentor, the mentor who
    /// leads their circle (the draft's pairs name the lead); empty otherwise.
    leads: Vec<Option<u32>>,
    /// A programme of peers: pairs each mentoring the other.
    peers: bool,
}

fn person_ref(id: PersonId, name: &str) -> PersonRef {
    PersonRef {
        id,
        name: name.to_owned(),
    }
}

/// An admin's view of the stage the engine reports.
fn stage_words(stage: Stage) -> Option<String> {
    Some(match stage {
        Stage::Candidates => "Finding each mentee's candidates".into(),
        Stage::Progress { done, total } => {
            format!("Looking at each mentee's candidates: {done} of {total}")
        }
        Stage::Solve { round } => format!("Solving the whole cohort (round {round})"),
        Stage::Certify { round } => format!("Proving the result the best (round {round})"),
        Stage::Done => return None,
    })
}

/// A person's answers to the programme's matching questions, as the engine reads them:
/// each choice an option's bit.
fn engine_answers(p: &Programme, answers: &BTreeMap<String, RawAnswer>) -> Vec<Answer> {
    p.questions
        .iter()
        .enumerate()
        .filter_map(|(i, q)| {
            let (rule, weight) = q.matching?;
            if !matches!(
                q.kind,
                QuestionKind::SingleChoice | QuestionKind::MultipleChoice
            ) {
                return None;
            }
            let bit = |text: &str| {
                q.options
                    .iter()
                    .position(|o| o == text)
                    .map_or(0, |k| 1u32 << k.min(31))
            };
            let chosen = match answers.get(&i.to_string()) {
                Some(RawAnswer::One(t)) => bit(t),
                Some(RawAnswer::Many(all)) => all.iter().fold(0, |set, t| set | bit(t)),
                _ => 0,
            };
            Some(Answer {
                chosen,
                rule: match rule {
                    MatchRule::Same => AnswerRule::Same,
                    MatchRule::Different => AnswerRule::Different,
                    MatchRule::Covers => AnswerRule::Covers,
                },
                weight_tenths: (weight * 10.0).round().clamp(1.0, 100.0) as u8,
            })
        })
        .collect()
}

/// The matching questions in words, in the order [`engine_answers`] gives them.
fn question_words(p: &Programme) -> QuestionWords {
    p.questions
        .iter()
        .filter(|q| {
            q.matching.is_some()
                && matches!(
                    q.kind,
                    QuestionKind::SingleChoice | QuestionKind::MultipleChoice
                )
        })
        .map(|q| (q.text.clone(), q.options.clone()))
        .collect()
}

/// Reads the ids of a `[mentee, mentor]` pair, naming what is wrong under `field`.
fn pair_ids(raw: &[String], field: &str, errors: &mut FieldErrors) -> Option<(PersonId, PersonId)> {
    let [mentee, mentor] = raw else {
        errors.add(field, "must be a [mentee id, mentor id] pair");
        return None;
    };
    match (mentee.trim().parse(), mentor.trim().parse()) {
        (Ok(a), Ok(b)) => Some((a, b)),
        _ => {
            errors.add(field, "must be a [mentee id, mentor id] pair");
            None
        }
    }
}

impl App {
    /// The run, if the viewer runs its programme; 404 for anyone else.
    async fn visible_run(
        &self,
        viewer: &Viewer,
        id: MatchRunId,
    ) -> Result<(MatchRun, Programme), AppError> {
        let run = store::get(&self.db, id)
            .await?
            .ok_or(AppError::NotFound("match run"))?;
        let p = self
            .live_programme(run.programme_id)
            .await
            .map_err(|_| AppError::NotFound("match run"))?;
        if !self.runs(viewer, &p).await? {
            return Err(AppError::NotFound("match run"));
        }
        Ok((run, p))
    }

    /// Everyone enrolled and waiting for a mentor in the programme, and its mentors with
    /// their free places, as a cohort under the programme's rules.
    async fn programme_cohort(&self, p: &Programme, min_score: u8) -> Result<Prepared, AppError> {
        let people = participants::in_programme(&self.db, p.id).await?;
        let approved = Filter {
            state: Some(lodestar_domain::programme::EnrolmentState::Approved),
            role: None,
        };
        let enrolled = enrolments::all(&self.db, p.id, approved).await?;
        let by_person: HashMap<PersonId, &Enrolment> =
            enrolled.iter().map(|e| (e.person_id, e)).collect();
        let mentored: HashSet<PersonId> = mentorships::mentored_in(&self.db, p.id)
            .await?
            .into_iter()
            .collect();
        let (_, in_programme) = p.rules.mentor_places(p.format, 0);
        let taken = if in_programme {
            mentorships::places_taken_in(&self.db, p.id).await?
        } else {
            mentorships::places_taken_by(&self.db, None).await?
        };
        let blocked = blocks::all(&self.db).await?;
        let side_of = |person: &Participant| {
            let e = by_person.get(&person.id)?;
            let mentor = e.role.mentor().then(|| {
                let (capacity, _) = p
                    .rules
                    .mentor_places(p.format, person.profile.mentor_capacity);
                let held = taken.get(&person.id).copied().unwrap_or(0);
                (
                    capacity.clamp(0, 1_000) as u32,
                    (capacity - held).clamp(0, 1_000) as u32,
                )
            });
            Some(Side {
                mentee: e.role.mentee() && !mentored.contains(&person.id),
                mentor,
                answers: engine_answers(p, &e.answers),
            })
        };
        let mut weights = self.policy.match_weights;
        let reverse = p.format == Format::Reverse;
        if reverse {
            // A junior mentors a senior: years ahead are no merit here.
            weights.seniority = 0.0;
        }
        if p.format == Format::Circle {
            // A circle forms around a skill: its mentor offers only that
            // (`circle::focus_on`), so focus areas say nothing of the fit.
            weights.focus = 0.0;
        }
        let questions = question_words(p);
        if !questions.is_empty() && weights.programme == 0.0 {
            let others = weights.skills
                + weights.focus
                + weights.industry
                + weights.seniority
                + weights.time_zone
                + weights.availability;
            weights.programme = others * PROGRAMME_SHARE / (1.0 - PROGRAMME_SHARE);
        }
        let weights = weights
            .normalised()
            .map_err(|e| AppError::Internal(format!("match weights: {e}")))?;
        let rules = Rules {
            different_department: p.rules.different_department,
            junior_mentors: reverse,
            ..self.policy.match_rules
        };
        let input = cohort_of(
            &people,
            side_of,
            &blocked,
            weights,
            rules,
            f64::from(min_score) / 100.0,
            questions,
        );
        let mut prepared = Prepared::new(input, blocked.into_iter().collect());
        prepared.peers = p.format == Format::Peer;
        Ok(if p.format == Format::Circle {
            let kept = mentorships::circle_foci_in(&self.db, p.id).await?;
            prepared.in_circles(&kept, p.rules.circle_mentors == 2)
        } else {
            prepared
        })
    }

    /// An admin of the programme starts a match run: `202`, and it solves in the
    /// background.
    pub async fn start_match_run(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
        input: &MatchRunInput,
    ) -> Result<MatchRunStarted, AppError> {
        let p = self.live_programme(id).await?;
        let mut errors = FieldErrors::new();
        let objective = match input.objective.as_deref().map(str::trim) {
            None => Some(Objective::MaxTotal),
            Some(raw) => errors.check(
                "objective",
                Objective::from_name(raw).ok_or("must be max_total, max_participation or max_min"),
            ),
        };
        let min_score = match input.min_score {
            None => Some(p.rules.min_score),
            Some(n) => errors.check(
                "min_score",
                u8::try_from(n)
                    .ok()
                    .filter(|n| *n <= 100)
                    .ok_or("must be from 0 to 100"),
            ),
        };
        errors.into_result()?;
        let (Some(objective), Some(min_score)) = (objective, min_score) else {
            return Err(AppError::Internal(
                "a match run checked without its fields".into(),
            ));
        };
        if !self.runs(viewer, &p).await? {
            return Err(AppError::Forbidden);
        }
        let now = now_ms();
        store::fail_abandoned(&self.db, now, ABANDONED_MS).await?;
        let run = MatchRun {
            id: MatchRunId::new(),
            programme_id: id,
            state: MatchRunState::Running,
            objective: objective.name().to_owned(),
            min_score,
            stage: "Reading who is enrolled".into(),
            edits: serde_json::to_string(&Edits::default())
                .map_err(|e| AppError::Internal(e.to_string()))?,
            result: None,
            error: None,
            created_by: Some(viewer.id),
            created_at: now,
            updated_at: now,
            published_at: None,
            mentorships_created: None,
        };
        let mut tx = self.db.begin().await?;
        store::insert(&mut tx, &run).await.map_err(solving)?;
        let summary = format!("Started a match run of the programme {}", p.name);
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::MatchRunStart, "match_run", run.id, summary).detail(
                serde_json::json!({
                    "programme": id.to_string(),
                    "objective": run.objective,
                    "min_score": run.min_score,
                }),
            ),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        let app = self.clone();
        tokio::spawn(async move { app.solve_in_background(run.id, p, None).await });
        Ok(MatchRunStarted {
            id: run.id,
            state: MatchRunState::Running.as_str().to_owned(),
        })
    }

    /// Solves a running run and stores its draft, or says why it failed.
    async fn solve_in_background(&self, id: MatchRunId, p: Programme, prepared: Option<Prepared>) {
        if let Err(e) = self.solve(id, &p, prepared).await {
            tracing::error!(run = %id, error = %e, "a match run failed");
            let _ = store::fail(&self.db, id, &e.to_string(), now_ms()).await;
        }
    }

    async fn solve(
        &self,
        id: MatchRunId,
        p: &Programme,
        prepared: Option<Prepared>,
    ) -> Result<(), AppError> {
        let run = store::get(&self.db, id)
            .await?
            .ok_or(AppError::NotFound("match run"))?;
        let mut edits = edits_of(&run)?;
        let prepared = match prepared {
            Some(prepared) => prepared,
            None => self.programme_cohort(p, run.min_score).await?,
        };
        let objective = Objective::from_name(&run.objective).unwrap_or_default();
        let stage = Arc::new(Mutex::new(String::from("Finding each mentee's candidates")));
        let said = Arc::clone(&stage);
        let locks = edits.lock.clone();
        let forbids = edits.forbid.clone();
        let mut task = tokio::task::spawn_blocking(move || {
            let tell = |s: Stage| {
                if let (Some(words), Ok(mut now)) = (stage_words(s), said.lock()) {
                    *now = words;
                }
            };
            draft_of(&prepared, &locks, &forbids, objective, &tell)
        });
        let draft = loop {
            tokio::select! {
                done = &mut task => break done.map_err(|e| AppError::Internal(e.to_string()))?,
                () = tokio::time::sleep(STAGE_EVERY) => {
                    let words = stage.lock().map(|s| s.clone()).unwrap_or_default();
                    store::set_stage(&self.db, id, &words, now_ms()).await?;
                }
            }
        };
        if let Some(before) = edits.total_before.take() {
            let cost = before - draft.quality.total_score;
            for record in edits.history.iter_mut().filter(|r| r.cost.is_none()) {
                record.cost = Some(cost);
            }
        }
        let result =
            serde_json::to_string(&draft).map_err(|e| AppError::Internal(e.to_string()))?;
        let edits = serde_json::to_string(&edits).map_err(|e| AppError::Internal(e.to_string()))?;
        store::finish(&self.db, id, &result, &edits, now_ms()).await?;
        Ok(())
    }

    /// One run, for its programme's admins.
    pub async fn match_run(
        &self,
        viewer: &Viewer,
        id: MatchRunId,
    ) -> Result<MatchRunView, AppError> {
        let (run, _) = self.visible_run(viewer, id).await?;
        run_view(&run)
    }

    /// A programme's runs, newest first, for its admins.
    pub async fn match_runs(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
    ) -> Result<Vec<MatchRunSummary>, AppError> {
        self.run_by(viewer, id).await?;
        store::fail_abandoned(&self.db, now_ms(), ABANDONED_MS).await?;
        Ok(store::list_for(&self.db, id)
            .await?
            .into_iter()
            .map(|r| MatchRunSummary {
                id: r.id,
                state: r.state.as_str().to_owned(),
                stage: r.stage,
                objective: r.objective,
                min_score: r.min_score,
                created_at: r.created_at,
                updated_at: r.updated_at,
                mentorships_created: r.mentorships_created,
            })
            .collect())
    }

    /// An admin locks, forbids or releases pairs of a draft, and it solves again: `202`.
    /// Every bad pair is named (`lock[0]`, `forbid[1]`) and nothing changes.
    pub async fn edit_match_run(
        &self,
        viewer: &Viewer,
        id: MatchRunId,
        edit: &MatchRunEdit,
    ) -> Result<MatchRunStarted, AppError> {
        let (run, p) = self.visible_run(viewer, id).await?;
        if run.state != MatchRunState::Draft {
            return Err(not_draft(run.state));
        }
        let mut edits = edits_of(&run)?;
        let draft = draft_of_run(&run)?.unwrap_or_default();
        let prepared = self.programme_cohort(&p, run.min_score).await?;
        let mut errors = FieldErrors::new();
        // A pair with a circle's co-mentor is a pair with the circle: its lead.
        let names = |(mentee, mentor): (PersonId, PersonId)| -> Option<PairRef> {
            let i = *prepared.mentee_index.get(&mentee)?;
            let j = prepared.lead_of(*prepared.mentor_index.get(&mentor)?);
            let lead = &prepared.input.mentors[j as usize];
            Some(PairRef {
                mentee: person_ref(mentee, &prepared.input.mentees[i as usize].name),
                mentor: person_ref(lead.id, &lead.name),
            })
        };
        let same =
            |a: &PairRef, b: &PairRef| a.mentee.id == b.mentee.id && a.mentor.id == b.mentor.id;
        let mut history = Vec::new();
        let mut record = |action: &str, pair: &PairRef| {
            history.push(EditRecord {
                action: action.to_owned(),
                pair: pair.clone(),
                by: person_ref(viewer.id, &viewer.name),
                at: now_ms(),
                cost: None,
            });
        };
        for (k, raw) in edit.release.iter().enumerate() {
            let field = format!("release[{k}]");
            let Some(ids) = pair_ids(raw, &field, &mut errors) else {
                continue;
            };
            let held = |pairs: &Vec<PairRef>| {
                pairs
                    .iter()
                    .find(|q| q.mentee.id == ids.0 && q.mentor.id == ids.1)
                    .cloned()
            };
            match held(&edits.lock).or_else(|| held(&edits.forbid)) {
                Some(pair) => {
                    edits.lock.retain(|q| !same(q, &pair));
                    edits.forbid.retain(|q| !same(q, &pair));
                    record("release", &pair);
                }
                None => errors.add(field, "is neither locked nor forbidden"),
            }
        }
        let mut new_forbids = Vec::new();
        for (k, raw) in edit.forbid.iter().enumerate() {
            let field = format!("forbid[{k}]");
            let Some(ids) = pair_ids(raw, &field, &mut errors) else {
                continue;
            };
            match names(ids) {
                None => errors.add(
                    field,
                    "is not a mentee waiting in this programme and one of its mentors",
                ),
                Some(pair)
                    if edit.lock.iter().any(|l| {
                        l.len() == 2
                            && l[0].trim() == ids.0.to_string()
                            && l[1].trim() == ids.1.to_string()
                    }) =>
                {
                    errors.add(field, "is locked in the same change");
                    let _ = pair;
                }
                Some(pair) => new_forbids.push(pair),
            }
        }
        let mut new_locks: Vec<PairRef> = Vec::new();
        for (k, raw) in edit.lock.iter().enumerate() {
            let field = format!("lock[{k}]");
            let Some(ids) = pair_ids(raw, &field, &mut errors) else {
                continue;
            };
            match names(ids) {
                None => errors.add(
                    field,
                    "is not a mentee waiting in this programme and one of its mentors",
                ),
                Some(_) if ids.0 == ids.1 => errors.add(field, "is one person twice"),
                Some(pair)
                    if [ids, (ids.0, pair.mentor.id)].iter().any(|&(a, b)| {
                        prepared.blocked.contains(&(a, b)) || prepared.blocked.contains(&(b, a))
                    }) =>
                {
                    errors.add(field, "one of them has blocked the other")
                }
                Some(_) if new_locks.iter().any(|l| l.mentee.id == ids.0) => {
                    errors.add(field, "locks this mentee a second time in the same change")
                }
                Some(pair) => new_locks.push(pair),
            }
        }
        // A mentee locked again moves to the new mentor; a forbidden pair locked is no
        // longer forbidden, and a locked pair forbidden no longer locked.
        for pair in &new_locks {
            edits.lock.retain(|q| q.mentee.id != pair.mentee.id);
            edits.forbid.retain(|q| !same(q, pair));
        }
        for pair in &new_forbids {
            edits.lock.retain(|q| !same(q, pair));
            if !edits.forbid.iter().any(|q| same(q, pair)) {
                edits.forbid.push(pair.clone());
            }
        }
        edits.lock.extend(new_locks.iter().cloned());
        // Locks fit the mentors' free places.
        let mut per_mentor: HashMap<PersonId, u32> = HashMap::new();
        for pair in &edits.lock {
            *per_mentor.entry(pair.mentor.id).or_default() += 1;
        }
        for (k, raw) in edit.lock.iter().enumerate() {
            if let Some(pair) = pair_ids(raw, "", &mut FieldErrors::new()).and_then(names) {
                let j = prepared.mentor_index[&pair.mentor.id];
                let free = prepared.input.cohort.free_places[j as usize];
                if per_mentor.get(&pair.mentor.id).copied().unwrap_or(0) > free {
                    errors.add(
                        format!("lock[{k}]"),
                        format!(
                            "{} has no free place left for another locked mentee",
                            pair.mentor.name
                        ),
                    );
                }
            }
        }
        errors.into_result()?;
        for pair in &new_forbids {
            record("forbid", pair);
        }
        for pair in &new_locks {
            record("lock", pair);
        }
        if history.is_empty() {
            return Err(AppError::invalid(
                "lock",
                "nothing to change: lock, forbid or release a pair",
            ));
        }
        let changes: Vec<serde_json::Value> = history
            .iter()
            .map(|r| {
                serde_json::json!({
                    "action": r.action,
                    "mentee": r.pair.mentee.id.to_string(),
                    "mentor": r.pair.mentor.id.to_string(),
                })
            })
            .collect();
        let summary = format!(
            "Changed {} pair{} of a match run of the programme {}",
            history.len(),
            if history.len() == 1 { "" } else { "s" },
            p.name
        );
        edits.history.extend(history);
        edits.total_before = Some(draft.quality.total_score);
        let now = now_ms();
        let stored =
            serde_json::to_string(&edits).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        if !store::resolve(&mut tx, id, &stored, now)
            .await
            .map_err(solving)?
        {
            return Err(not_draft(MatchRunState::Running));
        }
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::MatchRunEdit, "match_run", id, summary)
                .detail(serde_json::json!({ "programme": p.id.to_string(), "changes": changes })),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        let app = self.clone();
        tokio::spawn(async move { app.solve_in_background(id, p, Some(prepared)).await });
        Ok(MatchRunStarted {
            id,
            state: MatchRunState::Running.as_str().to_owned(),
        })
    }

    /// An admin publishes a draft: its mentorships are made in the programme, within every
    /// mentor's capacity as it is now, and both sides are told why they were matched. A
    /// run published already makes nothing.
    pub async fn publish_match_run(
        &self,
        viewer: &Viewer,
        id: MatchRunId,
    ) -> Result<Published, AppError> {
        let (run, p) = self.visible_run(viewer, id).await?;
        match run.state {
            MatchRunState::Published => {
                return Ok(Published {
                    mentorships_created: 0,
                    skipped: Vec::new(),
                    co_mentors_left_out: Vec::new(),
                });
            }
            MatchRunState::Draft => {}
            other => return Err(not_draft(other)),
        }
        let draft = draft_of_run(&run)?.unwrap_or_default();
        let mut tx = self.db.begin().await?;
        if !store::publish(&mut tx, id, 0, now_ms()).await? {
            // Another publish got there first.
            return Ok(Published {
                mentorships_created: 0,
                skipped: Vec::new(),
                co_mentors_left_out: Vec::new(),
            });
        }
        // Everyone in it, locked in one order, so two publishes (or a publish and an
        // accepted request) wait for each other rather than deadlock.
        let mut people: Vec<PersonId> = draft
            .assignments
            .iter()
            .flat_map(|a| [a.mentee.id, a.mentor.id])
            .chain(
                draft
                    .circles
                    .iter()
                    .filter_map(|c| c.co_mentor.as_ref().map(|co| co.id)),
            )
            .collect();
        people.sort_unstable();
        people.dedup();
        for person in &people {
            mentorships::lock_person(&mut tx, self.db.backend(), *person).await?;
        }
        let approved = enrolments::approved_in(&mut tx, p.id).await?;
        let mut by_mentor: BTreeMap<PersonId, Vec<&DraftPair>> = BTreeMap::new();
        for pair in &draft.assignments {
            by_mentor.entry(pair.mentor.id).or_default().push(pair);
        }
        let mut skipped = Vec::new();
        let mut co_mentors_left_out = Vec::new();
        let mut created = 0;
        let skip = |pair: &DraftPair, why: &str| SkippedPair {
            mentee: pair.mentee.clone(),
            mentor: pair.mentor.clone(),
            why: why.to_owned(),
        };
        for (mentor, pairs) in by_mentor {
            if !approved.get(&mentor).is_some_and(|role| role.mentor()) {
                skipped.extend(
                    pairs
                        .iter()
                        .map(|pair| skip(pair, "the mentor is no longer enrolled")),
                );
                continue;
            }
            let own = lodestar_store::requests::mentor_capacity(&mut tx, mentor).await?;
            let (capacity, in_programme) = p.rules.mentor_places(p.format, own);
            let taken =
                mentorships::places_taken_within(&mut tx, mentor, in_programme.then_some(p.id))
                    .await?;
            let mut free = capacity - taken;
            let mut mentees = Vec::new();
            for pair in pairs {
                if !approved
                    .get(&pair.mentee.id)
                    .is_some_and(|role| role.mentee())
                {
                    skipped.push(skip(pair, "the mentee is no longer enrolled"));
                } else if mentorships::has_mentor_in(&mut tx, pair.mentee.id, p.id).await? {
                    skipped.push(skip(
                        pair,
                        "the mentee has a mentor in the programme already",
                    ));
                } else if free <= 0 {
                    skipped.push(skip(pair, "the mentor has no free place left"));
                } else {
                    free -= 1;
                    mentees.push(pair);
                }
            }
            // A circle is one mentorship of its mentor and all its mentees.
            let groups: Vec<Vec<&DraftPair>> = if p.format == Format::Circle {
                if mentees.is_empty() {
                    Vec::new()
                } else {
                    vec![mentees]
                }
            } else {
                mentees.into_iter().map(|m| vec![m]).collect()
            };
            for group in groups {
                let joins = if p.format == Format::Circle {
                    mentorships::running_circle(&mut tx, mentor, p.id).await?
                } else {
                    None
                };
                let mentees: Vec<PersonId> = group.iter().map(|pair| pair.mentee.id).collect();
                let circle = draft.circles.iter().find(|c| c.mentor.id == mentor);
                let mut co_mentor = None;
                let mentorship = if let Some((circle, _)) = joins {
                    // The mentor's circle runs already: the new mentees join it.
                    mentorships::join(&mut tx, circle, &mentees, viewer.id).await?;
                    circle
                } else {
                    let mut members = vec![(mentor, MemberRole::Mentor)];
                    if let Some(co) = circle.and_then(|c| c.co_mentor.as_ref()) {
                        match self
                            .co_mentor_unfit(&mut tx, &p, co.id, &approved, mentees.len())
                            .await?
                        {
                            Some(why) => co_mentors_left_out.push(SkippedCoMentor {
                                co_mentor: co.clone(),
                                mentor: group[0].mentor.clone(),
                                why: why.to_owned(),
                            }),
                            None => {
                                members.push((co.id, MemberRole::Mentor));
                                co_mentor = Some(co.clone());
                            }
                        }
                    }
                    members.extend(mentees.iter().map(|m| (*m, MemberRole::Mentee)));
                    let focus = circle.and_then(|c| c.focus_id);
                    let new = NewMentorship {
                        id: MentorshipId::new(),
                        request: None,
                        members,
                        goals: String::new(),
                        focus_areas: Vec::new(),
                        skills: focus.into_iter().collect(),
                        cadence: Cadence::Fortnightly,
                        expected_end_on: Some(p.dates.ends_on.to_string()),
                        actor: viewer.id,
                        programme: Some(p.id),
                    };
                    mentorships::insert(&mut tx, &new).await?;
                    let started = crate::webhooks::mentorship_started(
                        &new,
                        lodestar_domain::mentoring::MentorshipKind::Ongoing,
                    );
                    self.queue_webhook(&mut tx, WebhookEvent::MentorshipStarted, started)
                        .await?;
                    created += 1;
                    new.id
                };
                for pair in &group {
                    self.notify(&mut tx, &matched_notice(&p, pair, true, mentorship))
                        .await?;
                }
                // A peer hears once, as the one mentored: the other way round is their
                // peer's notice.
                if let Some(first) = group.first().filter(|_| p.format != Format::Peer) {
                    let mut told = (*first).clone();
                    if group.len() > 1 {
                        told.mentee.name = group
                            .iter()
                            .map(|pair| pair.mentee.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ");
                    }
                    // Each of a circle's two mentors hears who they lead it with.
                    let mut mentors = vec![told.mentor.clone()];
                    mentors.extend(co_mentor);
                    for me in &mentors {
                        let mut mine = told.clone();
                        mine.mentor = me.clone();
                        if let Some(other) = mentors.iter().find(|m| m.id != me.id) {
                            mine.for_mentor
                                .push(format!("you co-mentor the circle with {}", other.name));
                        }
                        self.notify(&mut tx, &matched_notice(&p, &mine, false, mentorship))
                            .await?;
                    }
                }
            }
        }
        store::set_created(&mut tx, id, created).await?;
        let published = serde_json::json!({
            "programme_id": p.id,
            "run_id": id,
            "mentorships_created": created,
        });
        self.queue_webhook(&mut tx, WebhookEvent::ProgrammeMatchPublished, published)
            .await?;
        let summary = format!(
            "Published a match run of the programme {}: {created} mentorship{} made",
            p.name,
            if created == 1 { "" } else { "s" }
        );
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::MatchRunPublish, "match_run", id, summary).detail(
                serde_json::json!({
                    "programme": p.id.to_string(),
                    "mentorships_created": created,
                    "pairs_skipped": skipped.len(),
                }),
            ),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        Ok(Published {
            mentorships_created: created,
            skipped,
            co_mentors_left_out,
        })
    }

    /// Why a circle's co-mentor cannot join it now, if they cannot: no longer enrolled to
    /// mentor, leading or co-mentoring a circle of the programme already, or without room
    /// for its `mentees`.
    async fn co_mentor_unfit(
        &self,
        tx: &mut lodestar_store::Conn,
        p: &Programme,
        co: PersonId,
        approved: &HashMap<PersonId, lodestar_domain::programme::EnrolmentRole>,
        mentees: usize,
    ) -> Result<Option<&'static str>, AppError> {
        if !approved.get(&co).is_some_and(|role| role.mentor()) {
            return Ok(Some("the co-mentor is no longer enrolled to mentor"));
        }
        if mentorships::running_circle(tx, co, p.id).await?.is_some() {
            return Ok(Some(
                "the co-mentor mentors a circle of the programme already",
            ));
        }
        let own = lodestar_store::requests::mentor_capacity(tx, co).await?;
        let (capacity, _) = p.rules.mentor_places(p.format, own);
        let taken = mentorships::places_taken_within(tx, co, Some(p.id)).await?;
        Ok((capacity - taken < mentees as i64).then_some("the co-mentor has no room left"))
    }
}

/// What one side of a published pair is told: who, and why.
fn matched_notice(
    p: &Programme,
    pair: &DraftPair,
    to_mentee: bool,
    mentorship: MentorshipId,
) -> Notice {
    let (person, other, reasons, role) = if to_mentee {
        (
            pair.mentee.id,
            &pair.mentor.name,
            &pair.for_mentee,
            if p.format == Format::Peer {
                "peer"
            } else {
                "mentor"
            },
        )
    } else {
        (
            pair.mentor.id,
            &pair.mentee.name,
            &pair.for_mentor,
            "mentee",
        )
    };
    let why = if reasons.is_empty() {
        String::new()
    } else {
        format!(" Why you were matched: {}.", reasons.join("; "))
    };
    Notice {
        person,
        kind: NotificationKind::ProgrammeMatched,
        title: format!("{}: meet your {role}, {other}", p.name),
        body: format!(
            "{} matched you with {other} as your {role}, from {} to {}.{why} Say hello and agree how you will work together.",
            p.name, p.dates.starts_on, p.dates.ends_on
        ),
        link: format!("/mentorships/{mentorship}"),
        calendar: None,
    }
}

/// A run's edits, as stored.
fn edits_of(run: &MatchRun) -> Result<Edits, AppError> {
    serde_json::from_str(&run.edits).map_err(|e| AppError::Internal(format!("a run's edits: {e}")))
}

/// A run's draft, once it has one.
fn draft_of_run(run: &MatchRun) -> Result<Option<Draft>, AppError> {
    run.result
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| AppError::Internal(format!("a run's draft: {e}")))
}

impl Prepared {
    /// A cohort, with who is who in it.
    fn new(input: CohortInput, blocked: HashSet<(PersonId, PersonId)>) -> Prepared {
        let index = |named: &[crate::matching::Named]| -> HashMap<PersonId, u32> {
            named
                .iter()
                .enumerate()
                .map(|(k, n)| (n.id, k as u32))
                .collect()
        };
        Prepared {
            mentee_index: index(&input.mentees),
            mentor_index: index(&input.mentors),
            blocked,
            input,
            foci: Vec::new(),
            leads: Vec::new(),
            peers: false,
        }
    }

    /// The mentor who leads mentor `j`'s circle: `j` but for a co-mentor.
    fn lead_of(&self, j: u32) -> u32 {
        self.leads.get(j as usize).copied().flatten().unwrap_or(j)
    }

    /// Who co-mentors the circle mentor `j` leads, if anyone.
    fn co_mentor_of(&self, j: u32) -> Option<u32> {
        self.leads
            .iter()
            .position(|l| *l == Some(j))
            .map(|co| co as u32)
    }

    /// The cohort as group circles: each mentor given a focus — `kept` where their circle
    /// runs already, with its other mentor — and offering only it; with `two_mentors`,
    /// mentors who share a focus paired to co-mentor a circle.
    fn in_circles(
        mut self,
        kept: &HashMap<PersonId, (SkillId, Option<PersonId>)>,
        two_mentors: bool,
    ) -> Prepared {
        let numbers = self.input.skill_numbers();
        let (kept, kept_partner): (Vec<Option<u32>>, Vec<Option<u32>>) = self
            .input
            .mentors
            .iter()
            .map(|m| match kept.get(&m.id) {
                Some((skill, other)) => (
                    numbers.get(skill).copied(),
                    other.and_then(|other| self.mentor_index.get(&other).copied()),
                ),
                None => (None, None),
            })
            .unzip();
        let cohort = &mut self.input.cohort;
        let found = circle::foci(
            &cohort.mentees,
            &cohort.mentors,
            &cohort.free_places,
            &kept,
            &kept_partner,
            two_mentors,
        );
        circle::focus_on(cohort, &found.focus);
        circle::share(cohort, &found.lead);
        self.foci = found.focus;
        self.leads = found.lead;
        self
    }
}

/// A run that is not a draft cannot be edited or published.
fn not_draft(state: MatchRunState) -> AppError {
    AppError::Conflict {
        code: "not_draft",
        field: None,
        message: match state {
            MatchRunState::Running => "this run is still solving: wait for its draft".into(),
            MatchRunState::Failed => "this run failed: start another".into(),
            MatchRunState::Published => "this run is published already".into(),
            MatchRunState::Draft => "this run is a draft".into(),
        },
    }
}

/// Another run of the programme solving: a conflict.
fn solving(err: lodestar_store::StoreError) -> AppError {
    match err {
        lodestar_store::StoreError::Conflict { what: "match_run" } => AppError::Conflict {
            code: "match_run_running",
            field: None,
            message: "another match run of this programme is solving: wait for it".into(),
        },
        other => other.into(),
    }
}

fn run_view(run: &MatchRun) -> Result<MatchRunView, AppError> {
    let edits = edits_of(run)?;
    let draft = draft_of_run(run)?;
    let draft = draft.map(|d| (Some(d.certified), Some(d.quality.clone()), d));
    let (certified, quality, d) = draft.unwrap_or_default();
    Ok(MatchRunView {
        id: run.id,
        programme_id: run.programme_id,
        state: run.state.as_str().to_owned(),
        stage: run.stage.clone(),
        objective: run.objective.clone(),
        min_score: run.min_score,
        error: run.error.clone(),
        certified,
        quality,
        assignments: d.assignments,
        unmatched: d.unmatched,
        mentors: d.mentors,
        circles: d.circles,
        locked: edits.lock,
        forbidden: edits.forbid,
        edits: edits.history,
        created_at: run.created_at,
        updated_at: run.updated_at,
        published_at: run.published_at,
        mentorships_created: run.mentorships_created,
    })
}

/// Mentee `i` with mentor `j` of the cohort, explained for `audience`.
fn explain(prepared: &Prepared, i: usize, j: usize, audience: Audience) -> score::Explained {
    let input = &prepared.input;
    score::explain(
        &input.cohort.mentees[i],
        &input.cohort.mentors[j],
        &input.mentors[j].name,
        &input.cohort.weights,
        input.words(),
        audience,
    )
}

/// The short reasons of a pair as `audience` may read them, the factors that add most
/// first.
fn told(prepared: &Prepared, i: usize, j: usize, audience: Audience) -> Vec<String> {
    let input = &prepared.input;
    let explained = explain(prepared, i, j, audience);
    // A mentor is not told about themself ("Ana is 10 years ahead"): only what they share
    // with the mentee, and what the mentee wants.
    let own_name = &input.mentors[j].name;
    let mut factors: Vec<_> = explained
        .factors
        .iter()
        .filter(|f| f.contribution > 0.0 && !f.neutral)
        .filter(|f| audience != Audience::Mentor || !f.reason.starts_with(own_name.as_str()))
        .collect();
    factors.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    factors.iter().take(3).map(|f| f.reason.clone()).collect()
}

/// Solves the cohort around the locks and forbids (CPU-bound: a blocking thread), and
/// explains every pair.
fn draft_of(
    prepared: &Prepared,
    locks: &[PairRef],
    forbids: &[PairRef],
    objective: Objective,
    stage: &(dyn Fn(Stage) + Sync),
) -> Draft {
    if prepared.peers {
        stage(Stage::Solve { round: 1 });
        return peer_draft(prepared, locks, forbids);
    }
    let input = &prepared.input;
    let mentees = input.cohort.mentees.len();
    let mentors = input.cohort.mentors.len();
    let mut leave = vec![false; mentees];
    let mut taken = vec![0u32; mentors];
    let mut locked = Vec::new();
    for pair in locks {
        if let (Some(&i), Some(j)) = (
            prepared.mentee_index.get(&pair.mentee.id),
            prepared
                .mentor_index
                .get(&pair.mentor.id)
                .map(|&j| prepared.lead_of(j)),
        ) {
            leave[i as usize] = true;
            taken[j as usize] += 1;
            locked.push((i as usize, j as usize));
        }
    }
    let forbid: Vec<(u32, u32)> = forbids
        .iter()
        .filter_map(|pair| {
            Some((
                *prepared.mentee_index.get(&pair.mentee.id)?,
                prepared.lead_of(*prepared.mentor_index.get(&pair.mentor.id)?),
            ))
        })
        .collect();
    let rest = input.narrowed(&leave, &forbid, &taken);
    let options = Options {
        objective,
        ..Options::default()
    };
    let (report, had) = rest.run_telling_candidates(&options, stage);
    let mut assignments = Vec::new();
    for &(i, j) in &locked {
        assignments.push(explained_pair(prepared, i, j, true));
    }
    let mut first = 0;
    for a in &report.assignments {
        let i = prepared.mentee_index[&a.mentee.id] as usize;
        let j = prepared.mentor_index[&a.mentor.id] as usize;
        if a.rank == Some(1) {
            first += 1;
        }
        assignments.push(DraftPair {
            mentee: person_ref(a.mentee.id, &a.mentee.name),
            mentor: person_ref(a.mentor.id, &a.mentor.name),
            score: a.score,
            rank: a.rank,
            locked: false,
            reasons: reasons_of(&a.reasons),
            first_choice: a.first_choice.as_ref().map(|f| f.why.clone()),
            for_mentee: told(prepared, i, j, Audience::Mentee),
            for_mentor: told(prepared, i, j, Audience::Mentor),
        });
    }
    assignments.sort_by(|a, b| {
        a.mentee
            .name
            .cmp(&b.mentee.name)
            .then(a.mentee.id.cmp(&b.mentee.id))
    });
    let circles = if prepared.foci.is_empty() {
        Vec::new()
    } else {
        circles_of(prepared, &mut assignments)
    };
    let rest_index: HashMap<PersonId, usize> = rest
        .mentees
        .iter()
        .enumerate()
        .map(|(k, m)| (m.id, k))
        .collect();
    let unmatched = report
        .unmatched
        .iter()
        .map(|m| UnmatchedMentee {
            mentee: person_ref(m.id, &m.name),
            why: if rest_index.get(&m.id).is_some_and(|&k| had[k]) {
                "the mentors who fit them are full with mentees who fit those mentors better".into()
            } else if mentors == 0 {
                "no mentor is enrolled with a free place".into()
            } else if input.cohort.rules.junior_mentors {
                "no mentor with fewer years of experience than them mentors a skill they want (reverse mentoring needs both sides' years of experience on their profiles)".into()
            } else if !prepared.foci.is_empty() {
                "no circle forms around a skill they want to grow, or every one that does is ruled out for them".into()
            } else {
                "no mentor fits them under the programme's rules: none scores at least the minimum with them, or every one is ruled out".into()
            },
        })
        .collect();
    let solved = report.assignments.len();
    let first_choice = (solved > 0).then(|| first as f64 / solved as f64);
    summarised(
        prepared,
        assignments,
        unmatched,
        report.certified,
        first_choice,
        circles,
    )
}

/// A draft of `assignments`, with its quality and the mentors' load.
fn summarised(
    prepared: &Prepared,
    assignments: Vec<DraftPair>,
    unmatched: Vec<UnmatchedMentee>,
    certified: bool,
    first_choice_share: Option<f64>,
    circles: Vec<CircleDraft>,
) -> Draft {
    let input = &prepared.input;
    let mentees = input.cohort.mentees.len();
    let mut load = vec![0u32; input.cohort.mentors.len()];
    for pair in &assignments {
        if let Some(&j) = prepared.mentor_index.get(&pair.mentor.id) {
            load[j as usize] += 1;
        }
    }
    // A co-mentor has their circle's places and load: its lead's.
    let mut free = input.cohort.free_places.clone();
    for (co, lead) in prepared.leads.iter().enumerate() {
        if let Some(lead) = lead.map(|l| l as usize) {
            load[co] = load[lead];
            free[co] = free[lead];
        }
    }
    let mut scores: Vec<f64> = assignments.iter().map(|a| a.score).collect();
    scores.sort_by(f64::total_cmp);
    let matched = scores.len();
    let total: f64 = scores.iter().sum();
    let with_room: Vec<usize> = (0..load.len()).filter(|&j| free[j] > 0).collect();
    Draft {
        certified,
        quality: DraftQuality {
            mentees,
            mentors: with_room.len(),
            matched,
            unmatched: mentees.saturating_sub(matched),
            total_score: total,
            mean_score: (matched > 0).then(|| total / matched as f64),
            lowest_score: scores.first().copied(),
            p10_score: (matched > 0).then(|| scores[(matched.div_ceil(10)).max(1) - 1]),
            first_choice_share,
            mentors_full: with_room.iter().filter(|&&j| load[j] >= free[j]).count(),
            mentors_idle: with_room.iter().filter(|&&j| load[j] == 0).count(),
            mean_load: (!with_room.is_empty()).then(|| {
                with_room
                    .iter()
                    .map(|&j| f64::from(load[j]) / f64::from(free[j]))
                    .sum::<f64>()
                    / with_room.len() as f64
            }),
        },
        assignments,
        unmatched,
        mentors: {
            let mut loads: Vec<MentorLoad> = with_room
                .iter()
                .map(|&j| MentorLoad {
                    mentor: person_ref(input.mentors[j].id, &input.mentors[j].name),
                    free: free[j],
                    given: load[j],
                })
                .collect();
            loads.sort_by(|a, b| a.mentor.name.cmp(&b.mentor.name));
            loads
        },
        circles,
    }
}

/// A draft of peer pairs: everyone enrolled on both sides paired with the peer the
/// blossom matching gives them — locked pairs kept, forbidden ones never made — each
/// pair two mentorships, one each way.
fn peer_draft(prepared: &Prepared, locks: &[PairRef], forbids: &[PairRef]) -> Draft {
    let input = &prepared.input;
    let mut peers = Vec::new();
    let mut peer_of: HashMap<PersonId, usize> = HashMap::new();
    for (i, m) in input.mentees.iter().enumerate() {
        if let Some(&j) = prepared.mentor_index.get(&m.id) {
            peer_of.insert(m.id, peers.len());
            peers.push(peer::Peer {
                mentee: i as u32,
                mentor: j,
            });
        }
    }
    let pair_of = |pair: &PairRef| {
        Some((
            *peer_of.get(&pair.mentee.id)?,
            *peer_of.get(&pair.mentor.id)?,
        ))
    };
    let mut out = vec![false; peers.len()];
    let mut made: Vec<(usize, usize, bool)> = Vec::new();
    for (k, l) in locks.iter().filter_map(pair_of) {
        if k != l && !out[k] && !out[l] {
            out[k] = true;
            out[l] = true;
            made.push((k, l, true));
        }
    }
    let rest: Vec<usize> = (0..peers.len()).filter(|&k| !out[k]).collect();
    let at: HashMap<usize, usize> = rest.iter().enumerate().map(|(n, &k)| (k, n)).collect();
    let forbidden: Vec<(usize, usize)> = forbids
        .iter()
        .filter_map(pair_of)
        .filter_map(|(k, l)| Some((*at.get(&k)?, *at.get(&l)?)))
        .collect();
    let sub: Vec<peer::Peer> = rest.iter().map(|&k| peers[k]).collect();
    let found = peer::match_peers(&input.cohort, &sub, &forbidden);
    made.extend(found.pairs.iter().map(|p| (rest[p.a], rest[p.b], false)));
    let mut assignments = Vec::with_capacity(made.len() * 2);
    let mut paired = HashSet::new();
    for &(k, l, locked) in &made {
        paired.extend([k, l]);
        for (learner, teacher) in [(k, l), (l, k)] {
            let i = peers[learner].mentee as usize;
            let j = peers[teacher].mentor as usize;
            assignments.push(explained_pair(prepared, i, j, locked));
        }
    }
    // Each pair's two ways side by side, the pairs by the first name of each.
    let mut by_pair: Vec<[DraftPair; 2]> = Vec::new();
    let mut ways = assignments.into_iter();
    while let (Some(a), Some(b)) = (ways.next(), ways.next()) {
        by_pair.push(if a.mentee.name <= b.mentee.name {
            [a, b]
        } else {
            [b, a]
        });
    }
    by_pair.sort_by(|x, y| {
        x[0].mentee
            .name
            .cmp(&y[0].mentee.name)
            .then(x[0].mentee.id.cmp(&y[0].mentee.id))
    });
    let assignments: Vec<DraftPair> = by_pair.into_iter().flatten().collect();
    let unmatched = input
        .mentees
        .iter()
        .filter(|m| peer_of.get(&m.id).is_none_or(|k| !paired.contains(k)))
        .map(|m| UnmatchedMentee {
            mentee: person_ref(m.id, &m.name),
            why: match peer_of.get(&m.id).and_then(|k| at.get(k)) {
                None => "enrolled as a mentee only: peers both mentor and are mentored".into(),
                Some(&n) if found.had_any[n] => {
                    "the peers who fit them are paired with peers who fit them better".into()
                }
                Some(_) => "no peer fits them: none can teach them a skill they want while learning another from them, or every one is ruled out".into(),
            },
        })
        .collect();
    summarised(prepared, assignments, unmatched, true, None, Vec::new())
}

/// Mentee `i` with mentor `j`, a pair the solve did not rank (a locked one, or peers),
/// with every factor for the admins and what each side is told.
fn explained_pair(prepared: &Prepared, i: usize, j: usize, locked: bool) -> DraftPair {
    let input = &prepared.input;
    let explained = explain(prepared, i, j, Audience::Operator);
    DraftPair {
        mentee: person_ref(input.mentees[i].id, &input.mentees[i].name),
        mentor: person_ref(input.mentors[j].id, &input.mentors[j].name),
        score: explained.score,
        rank: None,
        locked,
        reasons: reasons_of(&explained.factors),
        first_choice: None,
        for_mentee: told(prepared, i, j, Audience::Mentee),
        for_mentor: told(prepared, i, j, Audience::Mentor),
    }
}

/// One factor of a pair's score per line, as the admins read them.
fn reasons_of(factors: &[score::FactorReason]) -> Vec<PairReason> {
    factors
        .iter()
        .map(|f| PairReason {
            factor: f.factor.label().to_owned(),
            reason: f.reason.clone(),
            contribution: f.contribution,
        })
        .collect()
}

/// The circles of a draft of group circles: each mentor's mentees, with the skill the
/// circle forms around and what its mentees share. Each pair's reasons then begin with
/// what the mentee shares with the circle, and its mentor is told about the circle as a
/// whole rather than about one of them.
fn circles_of(prepared: &Prepared, assignments: &mut [DraftPair]) -> Vec<CircleDraft> {
    let input = &prepared.input;
    let mut by_mentor: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (k, pair) in assignments.iter().enumerate() {
        if let Some(&j) = prepared.mentor_index.get(&pair.mentor.id) {
            by_mentor.entry(j).or_default().push(k);
        }
    }
    let wants = |i: usize, skill: u32| {
        input.cohort.mentees[i]
            .growth_skills
            .iter()
            .any(|s| s.skill == skill)
    };
    let mut circles = Vec::new();
    for (j, pairs) in by_mentor {
        let members: Vec<usize> = pairs
            .iter()
            .filter_map(|&k| prepared.mentee_index.get(&assignments[k].mentee.id))
            .map(|&i| i as usize)
            .collect();
        let profiles: Vec<_> = members.iter().map(|&i| &input.cohort.mentees[i]).collect();
        let shared = circle::shared(&profiles);
        let focus = prepared.foci.get(j as usize).copied().flatten();
        let named = focus.and_then(|f| input.skill(f));
        let n = members.len();
        let want_focus = focus.map_or(0, |f| members.iter().filter(|&&i| wants(i, f)).count());
        // The skill most of them share besides the focus.
        let also = shared.iter().find(|s| Some(s.skill) != focus);
        let mut for_mentor = Vec::new();
        if let Some((_, name)) = named {
            let who = match (n, want_focus) {
                (1, 1) => "who wants".to_owned(),
                (_, k) if k == n => "all wanting".to_owned(),
                (_, k) => format!("{k} of them wanting"),
            };
            for_mentor.push(format!(
                "Your circle: {n} mentee{}, {who} to grow in {name}, which you mentor",
                if n == 1 { "" } else { "s" }
            ));
        }
        if let Some(also) = also {
            for_mentor.push(format!(
                "{} of them also want to grow in {}",
                also.mentees,
                input.words().skill(also.skill)
            ));
        }
        let co_mentor = prepared
            .co_mentor_of(j)
            .map(|co| &input.mentors[co as usize]);
        for (&k, &i) in pairs.iter().zip(&members) {
            let mut lines = Vec::new();
            if let (Some(f), Some((_, name))) = (focus, named)
                && wants(i, f)
            {
                lines.push(match want_focus - 1 {
                    0 => format!("Your circle forms around {name}, which you want to grow"),
                    1 => format!("You and one other in your circle want to grow in {name}"),
                    others => {
                        format!("You and {others} others in your circle want to grow in {name}")
                    }
                });
            }
            if let Some(also) = shared
                .iter()
                .find(|s| Some(s.skill) != focus && wants(i, s.skill))
            {
                let others = also.mentees - 1;
                lines.push(format!(
                    "{others} other{} in your circle also want{} to grow in {}",
                    if others == 1 { "" } else { "s" },
                    if others == 1 { "s" } else { "" },
                    input.words().skill(also.skill)
                ));
            }
            if let Some(co) = co_mentor {
                lines.push(match named {
                    Some((_, name)) => {
                        format!("{} co-mentors your circle, also in {name}", co.name)
                    }
                    None => format!("{} co-mentors your circle", co.name),
                });
            }
            let pair = &mut assignments[k];
            lines.append(&mut pair.for_mentee);
            lines.truncate(4);
            pair.for_mentee = lines;
            if !for_mentor.is_empty() {
                pair.for_mentor = for_mentor.clone();
            }
        }
        let mut mentees: Vec<PersonRef> = pairs
            .iter()
            .map(|&k| assignments[k].mentee.clone())
            .collect();
        mentees.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        circles.push(CircleDraft {
            mentor: person_ref(
                input.mentors[j as usize].id,
                &input.mentors[j as usize].name,
            ),
            co_mentor: co_mentor.map(|co| person_ref(co.id, &co.name)),
            focus: named.map(|(_, name)| name.to_owned()),
            focus_id: named.map(|(id, _)| id),
            mentees,
            want_focus: want_focus as u32,
            shared: shared
                .iter()
                .map(|s| SharedSkill {
                    skill: input.words().skill(s.skill).to_owned(),
                    mentees: s.mentees,
                })
                .collect(),
        });
    }
    circles.sort_by(|a, b| {
        a.mentor
            .name
            .cmp(&b.mentor.name)
            .then(a.mentor.id.cmp(&b.mentor.id))
    });
    circles
}

#[cfg(test)]
mod tests {
    use lodestar_match::cohort::Cohort;
    use lodestar_match::graph::quantize;
    use lodestar_match::score::exclusion;

    use super::*;

    fn prepared(cohort: Cohort) -> Prepared {
        Prepared::new(CohortInput::of_engine(cohort), HashSet::new())
    }

    /// The best total (as integers) over every assignment of the cohort's mentees to the
    /// mentors each is allowed, within the mentors' free places: every choice tried.
    fn brute_force(c: &Cohort, i: usize, free: &mut [u32]) -> i64 {
        if i == c.mentees.len() {
            return 0;
        }
        let mut best = brute_force(c, i + 1, free);
        for j in 0..c.mentors.len() {
            let allowed = exclusion(
                &c.mentees[i],
                &c.mentors[j],
                c.mentee_person[i] == c.mentor_person[j],
                free[j],
                c.blocked.contains(&(i as u32, j as u32)),
                &c.rules,
            )
            .is_none();
            let w = quantize(score::score(&c.mentees[i], &c.mentors[j], &c.weights).total);
            if allowed && free[j] > 0 && w >= quantize(c.min_score) {
                free[j] -= 1;
                best = best.max(w + brute_force(c, i + 1, free));
                free[j] += 1;
            }
        }
        best
    }

    #[test]
    fn locked_pairs_stay_forbidden_ones_never_return_and_the_rest_is_optimal() {
        for seed in 0..80_u64 {
            let places = 1 + (seed % 2) as u32;
            let c = lodestar_match::people::cohort(6, 3, places, seed);
            let p = prepared(c);
            let pair = |i: usize, j: usize| PairRef {
                mentee: person_ref(p.input.mentees[i].id, &p.input.mentees[i].name),
                mentor: person_ref(p.input.mentors[j].id, &p.input.mentors[j].name),
            };
            let locks = vec![
                pair(0, (seed % 3) as usize),
                pair(1, ((seed + 1) % 3) as usize),
            ];
            let forbids = vec![
                pair(2, (seed % 3) as usize),
                pair(3, ((seed + 2) % 3) as usize),
            ];
            let draft = draft_of(&p, &locks, &forbids, Objective::MaxTotal, &|_| ());
            assert!(draft.certified, "seed {seed}");

            for lock in &locks {
                let kept = draft
                    .assignments
                    .iter()
                    .find(|a| a.mentee.id == lock.mentee.id);
                assert!(
                    kept.is_some_and(|a| a.mentor.id == lock.mentor.id && a.locked),
                    "seed {seed}: a locked pair is kept"
                );
            }
            for forbid in &forbids {
                assert!(
                    !draft
                        .assignments
                        .iter()
                        .any(|a| a.mentee.id == forbid.mentee.id && a.mentor.id == forbid.mentor.id),
                    "seed {seed}: a forbidden pair returned"
                );
            }
            let mut load: HashMap<PersonId, u32> = HashMap::new();
            for a in &draft.assignments {
                *load.entry(a.mentor.id).or_default() += 1;
            }
            assert!(
                load.values().all(|&n| n <= places),
                "seed {seed}: over capacity"
            );

            // The rest, against every assignment tried one by one.
            let leave: Vec<bool> = (0..6).map(|i| i < 2).collect();
            let mut taken = vec![0; 3];
            taken[(seed % 3) as usize] += 1;
            taken[((seed + 1) % 3) as usize] += 1;
            let forbid = [(2, (seed % 3) as u32), (3, ((seed + 2) % 3) as u32)];
            let rest = p.input.narrowed(&leave, &forbid, &taken);
            let mut free = rest.cohort.free_places.clone();
            let best = brute_force(&rest.cohort, 0, &mut free);
            let solved: Vec<&DraftPair> = draft.assignments.iter().filter(|a| !a.locked).collect();
            let found: i64 = solved.iter().map(|a| quantize(a.score)).sum();
            assert!(
                (found - best).abs() <= solved.len() as i64,
                "seed {seed}: the rest scores {found}, the best is {best}"
            );
            assert_eq!(
                draft.quality.matched + draft.quality.unmatched,
                6,
                "seed {seed}: every mentee is matched or said to be not"
            );
        }
    }

    #[test]
    fn a_programme_s_answers_become_the_engine_s_option_bits() {
        let questions = lodestar_domain::programme::Question::parse_all(&[
            lodestar_domain::programme::QuestionDraft {
                kind: "multiple_choice".into(),
                text: "Industries?".into(),
                options: vec!["Finance".into(), "Retail".into(), "Energy".into()],
                match_rule: Some("covers".into()),
                weight: Some(2.5),
                ..Default::default()
            },
            lodestar_domain::programme::QuestionDraft {
                kind: "text".into(),
                text: "Anything else?".into(),
                ..Default::default()
            },
            lodestar_domain::programme::QuestionDraft {
                kind: "single_choice".into(),
                text: "Where?".into(),
                options: vec!["Online".into(), "In person".into()],
                match_rule: Some("same".into()),
                ..Default::default()
            },
        ])
        .expect("valid questions");
        let p = Programme {
            id: ProgrammeId::new(),
            name: "P".into(),
            description: String::new(),
            purposes: Vec::new(),
            dates: lodestar_domain::programme::Dates::parse(
                "2027-01-01",
                "2027-01-02",
                "2027-01-03",
                "2027-02-01",
            )
            .expect("valid dates"),
            matching: lodestar_domain::programme::Matching::Cohort,
            format: lodestar_domain::programme::Format::OneToOne,
            rules: lodestar_domain::programme::Rules {
                different_department: false,
                min_score: 0,
                mentor_capacity: None,
                circle_size: 1,
                circle_mentors: 1,
            },
            invitation_only: false,
            needs_approval: false,
            questions,
            admins: Vec::new(),
            created_by: None,
            invitation_code: String::new(),
            created_at: 0,
            updated_at: 0,
            archived_at: None,
        };
        let answers = BTreeMap::from([
            (
                "0".to_owned(),
                RawAnswer::Many(vec!["Finance".into(), "Energy".into()]),
            ),
            ("1".to_owned(), RawAnswer::One("Hello".into())),
        ]);
        let engine = engine_answers(&p, &answers);
        assert_eq!(
            engine,
            vec![
                Answer {
                    chosen: 0b101,
                    rule: AnswerRule::Covers,
                    weight_tenths: 25
                },
                Answer {
                    chosen: 0,
                    rule: AnswerRule::Same,
                    weight_tenths: 10
                },
            ]
        );
        assert_eq!(
            question_words(&p),
            vec![
                (
                    "Industries?".to_owned(),
                    vec![
                        "Finance".to_owned(),
                        "Retail".to_owned(),
                        "Energy".to_owned()
                    ]
                ),
                (
                    "Where?".to_owned(),
                    vec!["Online".to_owned(), "In person".to_owned()]
                ),
            ]
        );
    }
}
