//! Who a request may go to, and the checks of what it asks for: the other person must be
//! someone the sender may see and who takes part in this kind of request, the skills must
//! come from the mentee's wanted list, the focus areas must be real ones.

use lodestar_domain::mentoring::Initiator;
use lodestar_domain::{FieldErrors, FocusArea, PersonId, SkillId};
use lodestar_store::profiles::{self, Person, Relation};
use lodestar_store::programmes::Programme;
use lodestar_store::{StoreError, blocks};

use super::{PersonRef, ProgrammeRef, RequestDraft, SkillRef};
use crate::{App, AppError, Viewer};
use lodestar_domain::programme::Matching;

/// The other person of a request, and both profiles, once the target is known to be
/// someone the viewer may send this kind of request to.
pub(super) struct Parties {
    pub(super) mentor: PersonId,
    pub(super) mentee: PersonId,
    pub(super) mentor_name: String,
    pub(super) mentee_name: String,
    /// The skills the mentee wants to grow, as the form offers them.
    pub(super) wanted: Vec<SkillRef>,
    pub(super) mentee_focus: Vec<FocusArea>,
}

impl App {
    /// Finds `target` for a request the viewer sends as `initiator`. A person the viewer
    /// may not see, who blocked them or whom they blocked, is not found (a block is never
    /// revealed); one who cannot take part in this kind of request is a field error. In a
    /// programme, the mentor is one of its approved mentors (whether or not their profile
    /// says they mentor) and the programme's department rule holds.
    pub(super) async fn parties(
        &self,
        viewer: &Viewer,
        target: PersonId,
        initiator: Initiator,
        programme: Option<&Programme>,
        errors: &mut FieldErrors,
    ) -> Result<Option<Parties>, AppError> {
        let field = match initiator {
            Initiator::Mentee => "mentor_id",
            Initiator::Mentor => "mentee_id",
        };
        if target == viewer.id {
            errors.add(
                field,
                match initiator {
                    Initiator::Mentee => "you cannot ask yourself to mentor you",
                    Initiator::Mentor => "you cannot offer to mentor yourself",
                },
            );
            return Ok(None);
        }
        let found = |e| match e {
            StoreError::NotFound => AppError::NotFound("person"),
            other => other.into(),
        };
        let other = profiles::load(&self.db, target).await.map_err(found)?;
        if !other.profile.listed
            || blocks::involving(&self.db, viewer.id)
                .await?
                .contains(&target)
        {
            return Err(AppError::NotFound("person"));
        }
        let me = profiles::load(&self.db, viewer.id).await.map_err(found)?;
        let (mentor, mentee) = match initiator {
            Initiator::Mentee => (&other, &me),
            Initiator::Mentor => (&me, &other),
        };
        let mut fine = true;
        if let Some(p) = programme {
            if !self
                .approved_side(p, mentor.id)
                .await?
                .is_some_and(|role| role.mentor())
            {
                fine = false;
                errors.add(
                    field,
                    format!("{} is not a mentor in {}", other.name, p.name),
                );
            } else if p.rules.different_department
                && mentor
                    .profile
                    .department_key()
                    .is_some_and(|key| mentee.profile.department_key() == Some(key))
            {
                fine = false;
                errors.add(
                    field,
                    format!(
                        "{} works in your department, and {} pairs people from different departments",
                        other.name, p.name
                    ),
                );
            }
        } else if !mentor.profile.is_mentor {
            fine = false;
            errors.add(
                field,
                match initiator {
                    Initiator::Mentee => format!("{} does not mentor", other.name),
                    Initiator::Mentor => {
                        "you do not mentor: turn on “I mentor others” on your profile first".into()
                    }
                },
            );
        }
        if initiator == Initiator::Mentor && !other.profile.wants_mentor {
            fine = false;
            errors.add(field, format!("{} is not looking for a mentor", other.name));
        }
        Ok(fine.then(|| Parties {
            mentor: mentor.id,
            mentee: mentee.id,
            mentor_name: mentor.name.clone(),
            mentee_name: mentee.name.clone(),
            wanted: wanted_skills(mentee),
            mentee_focus: mentee.profile.focus_areas.clone(),
        }))
    }

    /// What the "ask for mentoring" (or "offer to mentor") form needs: whom it goes to,
    /// and the mentee's wanted skills and focus areas to choose from. Refused as sending
    /// would be refused for who the two are.
    pub async fn request_draft(
        &self,
        viewer: &Viewer,
        target: PersonId,
        offer: bool,
        programme: Option<&str>,
    ) -> Result<RequestDraft, AppError> {
        let initiator = if offer {
            Initiator::Mentor
        } else {
            Initiator::Mentee
        };
        let mut errors = FieldErrors::new();
        let programme = self
            .request_programme(viewer, programme, initiator, &mut errors)
            .await?;
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let parties = self
            .parties(viewer, target, initiator, programme.as_ref(), &mut errors)
            .await?;
        errors.into_result()?;
        let parties = parties.ok_or(AppError::NotFound("person"))?;
        let (target_name, target_id) = if offer {
            (parties.mentee_name.clone(), parties.mentee)
        } else {
            (parties.mentor_name.clone(), parties.mentor)
        };
        Ok(RequestDraft {
            offer,
            target: PersonRef {
                id: target_id,
                name: target_name,
            },
            mentee_name: parties.mentee_name,
            programme: programme.map(|p| ProgrammeRef {
                id: p.id,
                name: p.name,
                reviewed: p.matching == Matching::AdminAssisted,
            }),
            wanted: parties.wanted,
            mentee_focus: parties
                .mentee_focus
                .iter()
                .map(|f| f.as_str().to_owned())
                .collect(),
        })
    }
}

/// The skills the mentee wants to grow, in their profile's order.
fn wanted_skills(mentee: &Person) -> Vec<SkillRef> {
    mentee
        .skills
        .iter()
        .filter(|s| s.relation == Relation::Grows)
        .map(|s| SkillRef {
            slug: s.slug.clone(),
            name: s.name.clone(),
            id: s.skill,
        })
        .collect()
}

pub(super) fn parse_focus_areas(raw: &[String], errors: &mut FieldErrors) -> Vec<FocusArea> {
    if raw.len() > FocusArea::ALL.len() * 2 {
        errors.add("focus_areas", "list each focus area once");
        return Vec::new();
    }
    let mut found = Vec::new();
    for (i, value) in raw.iter().enumerate() {
        match FocusArea::parse(value) {
            Some(f) if !found.contains(&f) => found.push(f),
            Some(_) => {}
            // Quoted with escapes, so a control character in it is shown, not sent.
            None => errors.add(
                format!("focus_areas[{i}]"),
                format!("{value:?} is not a focus area"),
            ),
        }
    }
    found
}

/// The request's skills, each of which must be one the mentee wants to grow.
pub(super) fn pick_skills(
    raw: &[String],
    parties: &Parties,
    initiator: Initiator,
    errors: &mut FieldErrors,
) -> Vec<SkillId> {
    let whose = match initiator {
        Initiator::Mentee => "you want".to_owned(),
        Initiator::Mentor => format!("{} wants", parties.mentee_name),
    };
    let mut picked = Vec::new();
    for (i, slug) in raw.iter().enumerate() {
        let slug_key = slug.trim().to_lowercase();
        match parties.wanted.iter().find(|s| s.slug == slug_key) {
            Some(skill) if !picked.contains(&skill.id) => picked.push(skill.id),
            Some(_) => {}
            None => errors.add(
                format!("skills[{i}]"),
                format!("{slug:?} is not among the skills {whose} to grow"),
            ),
        }
    }
    picked
}
