//! Skill assessments over time: a person rates their own skills, and each of their
//! mentors rates them too, each with the evidence the level rests on. Every skill keeps its
//! history; the newest assessment of a skill is where the person stands in it (and so what
//! the career gap counts as "have"). A soft skill's levels read as the catalogue's
//! behaviour-anchored descriptions. At a glance: the person's strengths (their highest
//! skills) and weaknesses (the largest gaps to their target roles).

use std::collections::HashMap;

use lodestar_domain::feedback::{self as rules, AssessedBy, MAX_EVIDENCE};
use lodestar_domain::{AssessmentId, FieldErrors, MentorshipId, PersonId, SkillId, SkillLevel};
use lodestar_store::assessments::{self as store, Assessment, NewAssessment};
use lodestar_store::{now_ms, persons, skills};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Reader;
use super::goals::PersonRef;
use crate::career::gaps_to;
use crate::{App, AppError, Viewer};

/// How many strengths and weaknesses the glance shows.
pub const GLANCE: usize = 5;

fn yes() -> bool {
    true
}

/// `POST /api/v1/me/assessments`: where you stand in a skill, and why.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSelfAssessment {
    /// A catalogue skill: its slug or name.
    #[schema(example = "public-speaking")]
    pub skill: String,
    /// 1–5, the catalogue's levels.
    #[schema(minimum = 1, maximum = 5)]
    pub level: i64,
    /// What the level rests on: 1–2000 characters.
    #[schema(max_length = 2000, example = "Ran the quarterly review for 40 people")]
    pub evidence: String,
    /// Whether your mentors see it (default true).
    #[serde(default = "yes")]
    pub share_with_mentors: bool,
}

/// `POST /api/v1/people/{id}/assessments`: a mentor's assessment of their mentee.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMentorAssessment {
    #[schema(example = "stakeholder-management")]
    pub skill: String,
    #[schema(minimum = 1, maximum = 5)]
    pub level: i64,
    #[schema(max_length = 2000)]
    pub evidence: String,
}

/// `PATCH /api/v1/me/assessments/{id}`: share a self-assessment with your mentors, or not.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentEdit {
    pub share_with_mentors: bool,
}

/// One assessment.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct AssessmentView {
    #[schema(value_type = String, format = Uuid)]
    pub id: AssessmentId,
    pub skill: String,
    pub skill_name: String,
    /// `self` or `mentor`.
    #[schema(value_type = String, example = "self")]
    pub by: AssessedBy,
    /// Who made it (none once their account is gone).
    pub assessor: Option<PersonRef>,
    pub level: u8,
    /// What the level looks like, from the catalogue (soft skills' behaviour anchors).
    pub level_description: Option<String>,
    pub evidence: String,
    /// A self-assessment: whether the person's mentors see it.
    pub shared: bool,
    /// Whether the reader made it (and may delete it).
    pub yours: bool,
    /// Epoch milliseconds.
    pub created_at: i64,
}

/// A skill's standing and history.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct SkillHistory {
    pub skill: String,
    pub skill_name: String,
    /// `technical` or `soft`.
    pub kind: &'static str,
    /// Where the person stands now: the newest assessment the reader sees.
    pub level: u8,
    /// The first assessment's level.
    pub first_level: u8,
    /// The newest self-assessment's level, and the newest mentor's.
    pub self_level: Option<u8>,
    pub mentor_level: Option<u8>,
    /// The catalogue's descriptions of levels 1–5 (soft skills' behaviour anchors).
    pub level_descriptions: Vec<String>,
    /// The level the person's target roles need (the highest, where several do).
    pub target_level: Option<u8>,
    /// Newest first.
    pub history: Vec<AssessmentView>,
}

/// A strength: a skill at a high level.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct Strength {
    pub skill: String,
    pub skill_name: String,
    pub level: u8,
}

/// A weakness: a skill a target role needs above where the person stands.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct Weakness {
    pub skill: String,
    pub skill_name: String,
    pub have: u8,
    pub need: u8,
    pub gap: u8,
    /// The target role that needs it.
    pub target_role: String,
}

/// `GET /api/v1/me/assessments` and `GET /api/v1/people/{id}/assessments`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AssessmentsView {
    pub person: PersonRef,
    /// Assessed skills, by name.
    pub skills: Vec<SkillHistory>,
    /// The highest skills, highest first (assessed, or on the profile).
    pub strengths: Vec<Strength>,
    /// The largest gaps to the target roles, largest first.
    pub weaknesses: Vec<Weakness>,
    /// Whether the reader may add an assessment here (the person, or a current mentor).
    pub can_assess: bool,
}

/// Where a person stands in their skills, as one reader sees it.
pub(crate) struct Standing {
    /// Assessed skills, by name, each with the target roles' level.
    pub skills: Vec<SkillHistory>,
    /// Every skill's level now: the newest assessment the reader sees, else the profile's.
    pub levels: HashMap<SkillId, u8>,
    /// The largest gaps to the target roles, largest first.
    pub weaknesses: Vec<Weakness>,
}

impl Standing {
    /// The skills chart's series: each assessed skill's first level, level now and the
    /// target roles' level, then the largest gaps never assessed, at the level now.
    pub fn chart(&self) -> Vec<SkillProgress> {
        let mut out: Vec<SkillProgress> = self
            .skills
            .iter()
            .map(|s| SkillProgress {
                skill: s.skill.clone(),
                skill_name: s.skill_name.clone(),
                then: Some(s.first_level),
                now: s.level,
                target: s.target_level,
            })
            .collect();
        for w in &self.weaknesses {
            if !self.skills.iter().any(|s| s.skill == w.skill) {
                out.push(SkillProgress {
                    skill: w.skill.clone(),
                    skill_name: w.skill_name.clone(),
                    then: None,
                    now: w.have,
                    target: Some(w.need),
                });
            }
        }
        out
    }
}

/// One skill on the progress page's chart: then, now and for the target role.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct SkillProgress {
    pub skill: String,
    pub skill_name: String,
    /// The first assessment's level (none for a skill never assessed).
    pub then: Option<u8>,
    /// Where the person stands now (0: not at all).
    pub now: u8,
    /// The level the target roles need (the highest, where several do), if any does.
    pub target: Option<u8>,
}

fn level_of(raw: i64, errors: &mut FieldErrors) -> u8 {
    match SkillLevel::new(raw) {
        Ok(level) => level.get(),
        Err(_) => {
            errors.add("level", "must be a whole number from 1 to 5");
            0
        }
    }
}

fn evidence_of(raw: &str, errors: &mut FieldErrors) -> String {
    rules::required_text(raw, MAX_EVIDENCE)
        .map_err(|e| errors.add("evidence", e.to_string()))
        .unwrap_or_default()
}

fn view(a: &Assessment, reader: PersonId) -> AssessmentView {
    AssessmentView {
        id: a.id,
        skill: a.skill_slug.clone(),
        skill_name: a.skill_name.clone(),
        by: a.by,
        assessor: a.assessor.map(|id| PersonRef {
            id,
            name: a.assessor_name.clone().unwrap_or_default(),
        }),
        level: a.level,
        level_description: a
            .skill_levels
            .get(usize::from(a.level).saturating_sub(1))
            .filter(|d| !d.is_empty())
            .cloned(),
        evidence: a.evidence.clone(),
        shared: a.shared,
        yours: a.assessor == Some(reader),
        created_at: a.created_at,
    }
}

/// The histories of the skills in `list` (oldest first), by skill name.
fn histories(list: &[Assessment], reader: PersonId) -> Vec<SkillHistory> {
    let mut by_skill: Vec<(SkillId, Vec<&Assessment>)> = Vec::new();
    for a in list {
        match by_skill.iter_mut().find(|(s, _)| *s == a.skill) {
            Some((_, all)) => all.push(a),
            None => by_skill.push((a.skill, vec![a])),
        }
    }
    let mut out: Vec<SkillHistory> = by_skill
        .into_iter()
        .filter_map(|(_, all)| {
            let (first, last) = (*all.first()?, *all.last()?);
            let newest_by = |by: AssessedBy| all.iter().rev().find(|a| a.by == by).map(|a| a.level);
            Some(SkillHistory {
                skill: last.skill_slug.clone(),
                skill_name: last.skill_name.clone(),
                kind: last.skill_kind.as_str(),
                level: last.level,
                first_level: first.level,
                self_level: newest_by(AssessedBy::Own),
                mentor_level: newest_by(AssessedBy::Mentor),
                level_descriptions: last.skill_levels.clone(),
                target_level: None,
                history: all.iter().rev().map(|a| view(a, reader)).collect(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.skill_name
            .to_lowercase()
            .cmp(&b.skill_name.to_lowercase())
    });
    out
}

impl App {
    /// The mentorship in which `mentor` mentors `mentee` now (active or paused): a
    /// mentor's assessment is made in it.
    async fn mentoring_now(
        &self,
        mentor: PersonId,
        mentee: PersonId,
    ) -> Result<Option<MentorshipId>, AppError> {
        Ok(lodestar_store::mentorships::current_between(&self.db, mentor, mentee).await?)
    }

    /// A skill of the catalogue on offer, by slug or name (a merged one's successor), or
    /// a field error on `skill`: what an assessment, feedback or a request is about.
    pub(crate) async fn known_skill(
        &self,
        raw: &str,
        errors: &mut FieldErrors,
    ) -> Result<Option<SkillId>, AppError> {
        match skills::resolve(&self.db, raw.trim()).await? {
            Some(skill) if !skill.retired => Ok(Some(skill.id)),
            _ => {
                errors.add("skill", "is not a skill in the catalogue");
                Ok(None)
            }
        }
    }

    async fn record_assessment(&self, new: NewAssessment) -> Result<AssessmentView, AppError> {
        let mut tx = self.db.begin().await?;
        store::insert(&mut tx, &new, now_ms()).await?;
        lodestar_store::commit(tx).await?;
        let made = store::get(&self.db, new.id)
            .await?
            .ok_or(AppError::NotFound("assessment"))?;
        Ok(view(&made, new.assessor))
    }

    /// The viewer assesses one of their own skills.
    pub async fn assess_myself(
        &self,
        viewer: &Viewer,
        input: &NewSelfAssessment,
    ) -> Result<AssessmentView, AppError> {
        let mut errors = FieldErrors::new();
        let skill = self.known_skill(&input.skill, &mut errors).await?;
        let level = level_of(input.level, &mut errors);
        let evidence = evidence_of(&input.evidence, &mut errors);
        errors.into_result()?;
        self.record_assessment(NewAssessment {
            id: AssessmentId::new(),
            person: viewer.id,
            skill: skill.ok_or(AppError::NotFound("skill"))?,
            assessor: viewer.id,
            by: AssessedBy::Own,
            mentorship: None,
            level,
            evidence,
            shared: input.share_with_mentors,
        })
        .await
    }

    /// A mentor assesses a skill of a mentee they mentor now. To anyone who may not read
    /// the person's growth it does not exist (404); a mentor whose mentorship has ended
    /// reads but no longer assesses (403).
    pub async fn assess_mentee(
        &self,
        viewer: &Viewer,
        person: PersonId,
        input: &NewMentorAssessment,
    ) -> Result<AssessmentView, AppError> {
        if self.growth_reader(viewer, person, "person").await? == Reader::Owner {
            return Err(AppError::Conflict {
                code: "self_assessment",
                field: None,
                message: "assess yourself through /api/v1/me/assessments".into(),
            });
        }
        let mentorship = self
            .mentoring_now(viewer.id, person)
            .await?
            .ok_or(AppError::Forbidden)?;
        let mut errors = FieldErrors::new();
        let skill = self.known_skill(&input.skill, &mut errors).await?;
        let level = level_of(input.level, &mut errors);
        let evidence = evidence_of(&input.evidence, &mut errors);
        errors.into_result()?;
        self.record_assessment(NewAssessment {
            id: AssessmentId::new(),
            person,
            skill: skill.ok_or(AppError::NotFound("skill"))?,
            assessor: viewer.id,
            by: AssessedBy::Mentor,
            mentorship: Some(mentorship),
            level,
            evidence,
            shared: true,
        })
        .await
    }

    /// Shares a self-assessment of the viewer's with their mentors, or stops.
    pub async fn edit_assessment(
        &self,
        viewer: &Viewer,
        id: AssessmentId,
        input: &AssessmentEdit,
    ) -> Result<AssessmentView, AppError> {
        store::set_shared(&self.db, id, viewer.id, input.share_with_mentors)
            .await
            .map_err(|_| AppError::NotFound("assessment"))?;
        let made = store::get(&self.db, id)
            .await?
            .ok_or(AppError::NotFound("assessment"))?;
        Ok(view(&made, viewer.id))
    }

    /// Deletes an assessment the viewer made.
    pub async fn delete_assessment(
        &self,
        viewer: &Viewer,
        id: AssessmentId,
    ) -> Result<(), AppError> {
        store::delete(&self.db, id, viewer.id)
            .await
            .map_err(|_| AppError::NotFound("assessment"))
    }

    /// `person`'s assessments as the viewer may read them, each skill with its history,
    /// and their strengths and weaknesses at a glance.
    pub async fn assessments_of(
        &self,
        viewer: &Viewer,
        person: PersonId,
    ) -> Result<AssessmentsView, AppError> {
        let reader = self.growth_reader(viewer, person, "person").await?;
        let standing = self.standing(viewer, person, reader).await?;
        let strengths = self.strengths(&standing.levels).await?;
        let name = persons::find_by_id(&self.db, person)
            .await?
            .map(|a| a.name.to_string())
            .unwrap_or_default();
        let can_assess =
            reader == Reader::Owner || self.mentoring_now(viewer.id, person).await?.is_some();
        Ok(AssessmentsView {
            person: PersonRef { id: person, name },
            skills: standing.skills,
            strengths,
            weaknesses: standing.weaknesses,
            can_assess,
        })
    }

    /// Where `person` stands in their skills as `reader` (already checked) sees it: the
    /// assessments the reader sees, the profile's levels and the target roles, read at
    /// once.
    pub(crate) async fn standing(
        &self,
        viewer: &Viewer,
        person: PersonId,
        reader: Reader,
    ) -> Result<Standing, AppError> {
        let seen_by = (reader == Reader::Mentor).then_some(viewer.id);
        let (list, mut levels, roles) = tokio::try_join!(
            async { Ok::<_, AppError>(store::list(&self.db, person, seen_by).await?) },
            self.profile_levels(person),
            self.target_roles(person),
        )?;
        let mut skills = histories(&list, viewer.id);
        for (skill, level) in
            rules::latest_levels(&list.iter().map(|a| (a.skill, a.level)).collect::<Vec<_>>())
        {
            levels.insert(skill, level);
        }
        let gaps = gaps_to(&roles, &levels);
        for history in &mut skills {
            history.target_level = roles
                .iter()
                .flat_map(|r| &r.skills)
                .filter(|s| s.slug == history.skill)
                .map(|s| s.level)
                .max();
        }
        let weaknesses = gaps
            .iter()
            .take(GLANCE)
            .filter_map(|g| {
                let role = roles.get(g.role)?;
                let named = role.skills.iter().find(|s| s.skill == g.skill)?;
                Some(Weakness {
                    skill: named.slug.clone(),
                    skill_name: named.name.clone(),
                    have: g.have,
                    need: g.need,
                    gap: g.size(),
                    target_role: role.title.clone(),
                })
            })
            .collect();
        Ok(Standing {
            skills,
            levels,
            weaknesses,
        })
    }

    /// The viewer's own assessments.
    pub async fn my_assessments(&self, viewer: &Viewer) -> Result<AssessmentsView, AppError> {
        self.assessments_of(viewer, viewer.id).await
    }

    async fn strengths(&self, levels: &HashMap<SkillId, u8>) -> Result<Vec<Strength>, AppError> {
        let ids: Vec<String> = levels.keys().map(ToString::to_string).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut named: Vec<(SkillId, String, String)> = skills::resolve_many(&self.db, &refs)
            .await?
            .into_iter()
            .flatten()
            .map(|s| (s.id, s.name, s.slug))
            .collect();
        named.sort_by_key(|n| n.1.to_lowercase());
        let names: Vec<(SkillId, String)> = named
            .iter()
            .map(|(id, name, _)| (*id, name.clone()))
            .collect();
        Ok(rules::strengths(levels, &names, GLANCE)
            .into_iter()
            .map(|(id, name, level)| Strength {
                skill: named
                    .iter()
                    .find(|(s, _, _)| s == id)
                    .map(|(_, _, slug)| slug.clone())
                    .unwrap_or_default(),
                skill_name: name.to_owned(),
                level,
            })
            .collect())
    }
}
