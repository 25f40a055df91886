//! Programmes: instance admins create and archive them; instance admins and a programme's
//! own admins edit its whole definition; anyone signed in reads the ones not archived (it
//! is how they see what they would enrol in). An archived programme is gone (404) for
//! everyone; instance admins see it in the list of archived ones. Every bad field of a
//! definition is named at once, the domain's checks (`lodestar_domain::programme`) merged
//! into one answer.

pub mod enrolments;
pub mod match_runs;
pub mod participants;
pub mod report;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use lodestar_domain::programme::{
    Dates, Format, Matching, Purpose, Question, QuestionDraft, Rules, name_and_description,
    parse_purposes,
};
use lodestar_domain::{FieldErrors, PersonId, ProgrammeId};
use lodestar_store::enrolments::{self as enrolment_store, Enrolment};
use lodestar_store::now_ms;
use lodestar_store::programmes::{self as store, Programme};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use self::enrolments::{EnrolmentView, enrolment_view, invitation_link};
use crate::audit::{self, Audit, AuditAction};
use crate::directory::{flag, number};
use crate::secrets::random_secret;
use crate::{App, AppError, Viewer};

/// The most admins a programme names.
pub const MAX_ADMINS: usize = 50;

/// `POST /api/v1/programmes`, and `PUT /api/v1/programmes/{id}` (the whole definition).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeInput {
    /// 1–120 characters.
    #[schema(example = "Spring mentoring 2027")]
    pub name: String,
    /// Up to 5,000 characters.
    #[serde(default)]
    pub description: String,
    /// `YYYY-MM-DD`, no later than enrolment closes and the programme starts.
    #[schema(example = "2027-01-04")]
    pub enrolment_opens: String,
    /// `YYYY-MM-DD`, no later than the programme ends.
    #[schema(example = "2027-01-29")]
    pub enrolment_closes: String,
    /// `YYYY-MM-DD`.
    #[schema(example = "2027-02-01")]
    pub starts_on: String,
    /// `YYYY-MM-DD`, after the start and within three years of it.
    #[schema(example = "2027-06-30")]
    pub ends_on: String,
    /// `self_service`, `admin_assisted` or `cohort`.
    #[schema(example = "cohort")]
    pub matching: String,
    /// The enrolment form, up to 30 questions.
    #[serde(default)]
    pub questions: Vec<QuestionInput>,
    /// What it is for: `career_development`, `goal_setting`, `skills`, `soft_skills`,
    /// `confidence`, `networking`, `opportunities`, `career_advancement`. Career
    /// development when left out.
    pub purposes: Option<Vec<String>>,
    /// `one_to_one` (when left out), `circle`, `peer` or `reverse`.
    pub format: Option<String>,
    /// For circles only: how many mentees one circle has at most, 2–12 (6 when left out).
    pub circle_size: Option<i64>,
    /// For circles only: how many mentors lead one, 1 (when left out) or 2. With 2, mentors
    /// who share a circle's focus co-mentor it; a mentor left without a partner leads alone.
    pub circle_mentors: Option<i64>,
    /// Never pair people of the same organisation and department.
    #[serde(default)]
    pub different_department: bool,
    /// The lowest score a pair may have, 0–100.
    #[serde(default)]
    pub min_score: i64,
    /// How many mentees a mentor takes in this programme, 1–20; each mentor's own capacity
    /// when left out.
    pub mentor_capacity: Option<i64>,
    /// Enrolment by invitation only; open to everyone when false.
    #[serde(default)]
    pub invitation_only: bool,
    /// A programme admin approves each enrolment.
    #[serde(default)]
    pub needs_approval: bool,
    /// The programme's own admins (person ids). On an edit, left out keeps them; only
    /// instance admins change them.
    pub admins: Option<Vec<String>>,
}

/// A question of the enrolment form, as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionInput {
    /// `single_choice`, `multiple_choice`, `scale` or `text`.
    #[schema(example = "single_choice")]
    pub kind: String,
    /// 1–300 characters.
    pub text: String,
    /// A choice question's options, 2–20, each once.
    #[serde(default)]
    pub options: Vec<String>,
    /// A scale's top (from 1), 2–10; 5 when left out.
    pub scale_max: Option<i64>,
    #[serde(default)]
    pub required: bool,
    /// For a choice question that is a matching factor: `same`, `different` or `covers`.
    pub match_rule: Option<String>,
    /// How much a matching question counts against the others, 0.1–10 (1 when left out).
    pub weight: Option<f64>,
}

/// A question of a programme's enrolment form.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct QuestionView {
    /// `single_choice`, `multiple_choice`, `scale` or `text`.
    pub kind: String,
    pub text: String,
    pub options: Vec<String>,
    /// A scale's top; none for other questions.
    pub scale_max: Option<u8>,
    pub required: bool,
    /// For a matching question: `same`, `different` or `covers`.
    pub match_rule: Option<String>,
    /// For a matching question: how much it counts.
    pub weight: Option<f64>,
}

/// A person, by id and name: one of a programme's admins, an enrolled person, one side of
/// a pair.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct PersonRef {
    #[schema(value_type = String, format = Uuid)]
    pub id: PersonId,
    pub name: String,
}

/// A programme as anyone signed in sees it.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct ProgrammeView {
    #[schema(value_type = String, format = Uuid)]
    pub id: ProgrammeId,
    pub name: String,
    pub description: String,
    pub purposes: Vec<String>,
    pub enrolment_opens: String,
    pub enrolment_closes: String,
    pub starts_on: String,
    pub ends_on: String,
    /// Today (UTC): `upcoming`, `enrolling`, `starting`, `running` or `ended`.
    #[schema(example = "enrolling")]
    pub phase: String,
    pub matching: String,
    pub format: String,
    /// For circles, how many mentees one circle has at most.
    pub circle_size: Option<u8>,
    /// For circles, how many mentors lead one: 1 or 2.
    pub circle_mentors: Option<u8>,
    pub different_department: bool,
    pub min_score: u8,
    pub mentor_capacity: Option<u8>,
    pub invitation_only: bool,
    pub needs_approval: bool,
    pub questions: Vec<QuestionView>,
    pub admins: Vec<PersonRef>,
    /// Whether you may edit it (an instance admin, or one of its admins).
    pub can_edit: bool,
    /// Your latest enrolment in it, whatever its state.
    pub your_enrolment: Option<EnrolmentView>,
    /// For its admins: the link that lets whoever opens it enrol (none until made).
    pub invitation_link: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub archived_at: Option<i64>,
}

/// `GET /api/v1/programmes`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeQuery {
    /// `true`: the archived ones instead (instance admins only).
    #[param(value_type = Option<bool>)]
    pub archived: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1)]
    pub page: Option<String>,
    /// 1–100, default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub per_page: Option<String>,
}

/// `GET /api/v1/programmes`: newest first.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct ProgrammePage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub programmes: Vec<ProgrammeView>,
}

/// A definition checked: everything but the id, the admins and the times.
struct Checked {
    name: String,
    description: String,
    purposes: Vec<Purpose>,
    dates: Dates,
    matching: Matching,
    format: Format,
    rules: Rules,
    questions: Vec<Question>,
    admins: Option<Vec<PersonId>>,
}

/// Today, in UTC: the day a programme's phase is read on.
pub(crate) fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

impl App {
    /// Checks every field of a definition at once: the domain's checks, and that each admin
    /// named is someone with an account.
    async fn check_programme(&self, input: &ProgrammeInput) -> Result<Checked, AppError> {
        let mut errors = FieldErrors::new();
        let texts = errors.absorb(name_and_description(&input.name, &input.description));
        let purposes = match &input.purposes {
            None => Some(vec![Purpose::CareerDevelopment]),
            Some(raw) => errors.absorb(parse_purposes(raw)),
        };
        let dates = errors.absorb(Dates::parse(
            &input.enrolment_opens,
            &input.enrolment_closes,
            &input.starts_on,
            &input.ends_on,
        ));
        let matching = errors.check(
            "matching",
            input
                .matching
                .trim()
                .parse::<Matching>()
                .map_err(|_| "must be self_service, admin_assisted or cohort"),
        );
        let format = match input.format.as_deref().map(str::trim) {
            None => Some(Format::OneToOne),
            Some(raw) => errors.check(
                "format",
                raw.parse::<Format>()
                    .map_err(|_| "must be one_to_one, circle, peer or reverse"),
            ),
        };
        // With a bad format, the size is still checked as a circle's would be.
        let rules_format = format.unwrap_or(
            if input.circle_size.is_some() || input.circle_mentors.is_some() {
                Format::Circle
            } else {
                Format::OneToOne
            },
        );
        let rules = errors.absorb(Rules::check(
            rules_format,
            input.different_department,
            input.min_score,
            input.mentor_capacity,
            input.circle_size,
            input.circle_mentors,
        ));
        let drafts: Vec<QuestionDraft> = input
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| question_draft(q, &format!("questions[{i}]"), &mut errors))
            .collect();
        let questions = errors.absorb(Question::parse_all(&drafts));
        let admins = match &input.admins {
            None => None,
            Some(raw) => Some(self.check_admins(raw, &mut errors).await?),
        };
        errors.into_result()?;
        let (
            Some((name, description)),
            Some(purposes),
            Some(dates),
            Some(matching),
            Some(format),
            Some(rules),
            Some(questions),
        ) = (texts, purposes, dates, matching, format, rules, questions)
        else {
            return Err(AppError::Internal(
                "a programme checked without its fields".into(),
            ));
        };
        Ok(Checked {
            name,
            description,
            purposes,
            dates,
            matching,
            format,
            rules,
            questions,
            admins,
        })
    }

    /// The admins named, each someone with an account; every bad one named by its place.
    async fn check_admins(
        &self,
        raw: &[String],
        errors: &mut FieldErrors,
    ) -> Result<Vec<PersonId>, AppError> {
        if raw.len() > MAX_ADMINS {
            errors.add("admins", format!("at most {MAX_ADMINS} admins"));
            return Ok(Vec::new());
        }
        let mut ids = Vec::new();
        for (i, r) in raw.iter().enumerate() {
            match r.trim().parse::<PersonId>() {
                Ok(id) if ids.contains(&id) => errors.add(format!("admins[{i}]"), "is named twice"),
                Ok(id) => ids.push(id),
                Err(_) => errors.add(format!("admins[{i}]"), "is not a person id"),
            }
        }
        let existing: BTreeSet<PersonId> = store::existing_persons(&self.db, &ids)
            .await?
            .into_iter()
            .collect();
        for (i, r) in raw.iter().enumerate() {
            if let Ok(id) = r.trim().parse::<PersonId>()
                && !existing.contains(&id)
            {
                errors.add(format!("admins[{i}]"), "is not a person with an account");
            }
        }
        Ok(ids)
    }

    /// An instance admin creates a programme, with its admins, in one transaction.
    pub async fn create_programme(
        &self,
        viewer: &Viewer,
        input: &ProgrammeInput,
    ) -> Result<ProgrammeView, AppError> {
        if !viewer.is_admin {
            return Err(AppError::Forbidden);
        }
        let c = self.check_programme(input).await?;
        let now = now_ms();
        let p = Programme {
            id: ProgrammeId::new(),
            name: c.name,
            description: c.description,
            purposes: c.purposes,
            dates: c.dates,
            matching: c.matching,
            format: c.format,
            rules: c.rules,
            invitation_only: input.invitation_only,
            needs_approval: input.needs_approval,
            questions: c.questions,
            admins: c
                .admins
                .unwrap_or_default()
                .into_iter()
                .map(|id| (id, String::new()))
                .collect(),
            created_by: Some(viewer.id),
            invitation_code: random_secret(),
            created_at: now,
            updated_at: now,
            archived_at: None,
        };
        let mut tx = self.db.begin().await?;
        store::insert(&mut tx, &p).await?;
        let mut detail = definition(&p);
        detail["admins"] = serde_json::json!(
            p.admins
                .iter()
                .map(|(id, _)| id.to_string())
                .collect::<Vec<_>>()
        );
        let summary = format!("Created the programme {}", p.name);
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::ProgrammeCreate, "programme", p.id, summary).detail(detail),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        self.programme(viewer, p.id).await
    }

    /// A programme that is not archived. An archived one is gone for everyone, as after any
    /// other `DELETE`; instance admins still find it in the list of archived ones.
    pub(crate) async fn live_programme(&self, id: ProgrammeId) -> Result<Programme, AppError> {
        store::get(&self.db, id)
            .await?
            .filter(|p| p.archived_at.is_none())
            .ok_or(AppError::NotFound("programme"))
    }

    /// One programme, with its phase today.
    pub async fn programme(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
    ) -> Result<ProgrammeView, AppError> {
        let found = self.live_programme(id).await?;
        let mut mine = enrolment_store::latest_of(&self.db, viewer.id, &[id]).await?;
        Ok(programme_view(
            &found,
            viewer,
            today(),
            mine.remove(&id).as_ref(),
            &self.policy.public_url,
        ))
    }

    /// The programmes, newest first; the archived ones instead for an instance admin who
    /// asks.
    pub async fn programmes(
        &self,
        viewer: &Viewer,
        query: &ProgrammeQuery,
    ) -> Result<ProgrammePage, AppError> {
        let mut errors = FieldErrors::new();
        // An empty value is not left out: the document says each is a boolean or a number.
        for (field, value) in [
            ("archived", &query.archived),
            ("page", &query.page),
            ("per_page", &query.per_page),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                errors.add(field, "must not be empty");
            }
        }
        let archived = flag(&mut errors, "archived", &query.archived).unwrap_or(false);
        let page = number(&mut errors, "page", &query.page, 1..=1_000_000).unwrap_or(1);
        let per_page = number(&mut errors, "per_page", &query.per_page, 1..=100).unwrap_or(20);
        errors.into_result()?;
        if archived && !viewer.is_admin {
            return Err(AppError::Forbidden);
        }
        let (total, found) = store::list(&self.db, archived, page, per_page).await?;
        let ids: Vec<ProgrammeId> = found.iter().map(|p| p.id).collect();
        let mine = enrolment_store::latest_of(&self.db, viewer.id, &ids).await?;
        let today = today();
        Ok(ProgrammePage {
            total,
            page,
            per_page,
            programmes: found
                .iter()
                .map(|p| programme_view(p, viewer, today, mine.get(&p.id), &self.policy.public_url))
                .collect(),
        })
    }

    /// An instance admin or one of the programme's admins replaces its whole definition.
    /// Only instance admins change who its admins are.
    pub async fn update_programme(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
        input: &ProgrammeInput,
    ) -> Result<ProgrammeView, AppError> {
        let found = self.live_programme(id).await?;
        if !viewer.is_admin && !store::is_programme_admin(&self.db, viewer.id, id).await? {
            return Err(AppError::Forbidden);
        }
        let c = self.check_programme(input).await?;
        if c.questions != found.questions && enrolment_store::any(&self.db, id).await? {
            return Err(AppError::Conflict {
                code: "questions_frozen",
                field: Some("questions"),
                message: "people have enrolled with answers to this form: its questions can no longer change".into(),
            });
        }
        if let Some(admins) = &c.admins {
            let now: BTreeSet<PersonId> = found.admins.iter().map(|(p, _)| *p).collect();
            if !viewer.is_admin && admins.iter().copied().collect::<BTreeSet<_>>() != now {
                return Err(AppError::Forbidden);
            }
        }
        let found_before = found.clone();
        let edited = Programme {
            name: c.name,
            description: c.description,
            purposes: c.purposes,
            dates: c.dates,
            matching: c.matching,
            format: c.format,
            rules: c.rules,
            invitation_only: input.invitation_only,
            needs_approval: input.needs_approval,
            questions: c.questions,
            updated_at: now_ms(),
            ..found
        };
        let mut changed = audit::diff(&definition(&found_before), &definition(&edited));
        if found_before.questions != edited.questions {
            changed["questions"] = serde_json::json!({ "changed": true });
        }
        let was: BTreeSet<PersonId> = found_before.admins.iter().map(|(p, _)| *p).collect();
        let admins_change = c.admins.as_ref().and_then(|admins| {
            let now: BTreeSet<PersonId> = admins.iter().copied().collect();
            let ids = |set: std::collections::btree_set::Difference<'_, PersonId>| {
                set.map(ToString::to_string).collect::<Vec<_>>()
            };
            (now != was).then(|| {
                serde_json::json!({
                    "added": ids(now.difference(&was)),
                    "removed": ids(was.difference(&now)),
                })
            })
        });
        let mut tx = self.db.begin().await?;
        if !store::update(&mut tx, &edited).await? {
            return Err(AppError::NotFound("programme"));
        }
        if let Some(admins) = &c.admins {
            store::set_admins(&mut tx, id, admins).await?;
        }
        if changed.as_object().is_some_and(|c| !c.is_empty()) || admins_change.is_none() {
            let summary = format!("Edited the programme {}", edited.name);
            let edit = Audit::new(AuditAction::ProgrammeEdit, "programme", id, summary);
            audit::record(&mut tx, viewer, edit.detail(changed)).await?;
        }
        if let Some(detail) = admins_change {
            let summary = format!("Changed the admins of the programme {}", edited.name);
            let change = Audit::new(AuditAction::ProgrammeAdmins, "programme", id, summary);
            audit::record(&mut tx, viewer, change.detail(detail)).await?;
        }
        lodestar_store::commit(tx).await?;
        self.programme(viewer, id).await
    }

    /// The people with these e-mails (one per line, blank lines skipped), as person ids,
    /// for the pages' admin field; every unknown one named under `admins`.
    pub async fn people_by_email(&self, lines: &str) -> Result<Vec<String>, AppError> {
        let mut errors = FieldErrors::new();
        let mut ids = Vec::new();
        for line in lines.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let found = match lodestar_domain::Email::parse(line) {
                Ok(email) => lodestar_store::persons::find_by_email(&self.db, &email).await?,
                Err(_) => None,
            };
            match found {
                Some(account) => ids.push(account.id.to_string()),
                None => errors.add("admins", format!("no account has the e-mail {line}")),
            }
        }
        errors.into_result()?;
        Ok(ids)
    }

    /// The e-mails of a programme's admins, one per line, for an instance admin's edit page
    /// (they alone change the admins); empty for anyone else.
    pub async fn emails_of(&self, viewer: &Viewer, p: &ProgrammeView) -> Result<String, AppError> {
        if !viewer.is_admin {
            return Ok(String::new());
        }
        let mut emails = Vec::new();
        for admin in &p.admins {
            if let Some(account) = lodestar_store::persons::find_by_id(&self.db, admin.id).await? {
                emails.push(account.email);
            }
        }
        Ok(emails.join("\n"))
    }

    /// An instance admin archives a programme: it leaves everyone else's sight.
    pub async fn archive_programme(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
    ) -> Result<(), AppError> {
        if !viewer.is_admin {
            return Err(AppError::Forbidden);
        }
        let Some(found) = store::get(&self.db, id).await? else {
            return Err(AppError::NotFound("programme"));
        };
        let mut tx = self.db.begin().await?;
        if !store::archive(&mut tx, id, now_ms()).await? {
            return Err(AppError::Conflict {
                code: "archived",
                field: None,
                message: "this programme is archived already".into(),
            });
        }
        let summary = format!("Archived the programme {}", found.name);
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::ProgrammeArchive, "programme", id, summary),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        Ok(())
    }
}

/// A programme's definition as the audit log keeps it: everything an admin sets but the
/// questions' wording and the secret of its invitation link.
fn definition(p: &Programme) -> serde_json::Value {
    serde_json::json!({
        "name": p.name,
        "description": p.description,
        "purposes": p.purposes.iter().map(|x| x.label()).collect::<Vec<_>>(),
        "enrolment_opens": p.dates.enrolment_opens.to_string(),
        "enrolment_closes": p.dates.enrolment_closes.to_string(),
        "starts_on": p.dates.starts_on.to_string(),
        "ends_on": p.dates.ends_on.to_string(),
        "matching": p.matching.label(),
        "format": p.format.label(),
        "different_department": p.rules.different_department,
        "min_score": p.rules.min_score,
        "mentor_capacity": p.rules.mentor_capacity,
        "circle_size": p.rules.circle_size,
        "circle_mentors": p.rules.circle_mentors,
        "invitation_only": p.invitation_only,
        "needs_approval": p.needs_approval,
        "questions": p.questions.len(),
    })
}

/// A typed question as the domain reads it; a scale's top that is not even a small number
/// is named here, since the domain's draft cannot hold it.
fn question_draft(q: &QuestionInput, at: &str, errors: &mut FieldErrors) -> QuestionDraft {
    let scale_max = q.scale_max.and_then(|top| {
        let small = u8::try_from(top).ok();
        if small.is_none() {
            errors.add(format!("{at}.scale_max"), "must be from 2 to 10");
        }
        small
    });
    QuestionDraft {
        kind: q.kind.trim().to_owned(),
        text: q.text.clone(),
        options: q.options.clone(),
        scale_max,
        required: q.required,
        match_rule: q.match_rule.as_deref().map(|r| r.trim().to_owned()),
        weight: q.weight,
    }
}

fn question_view(q: &Question) -> QuestionView {
    let draft = QuestionDraft::from(q);
    QuestionView {
        kind: draft.kind,
        text: draft.text,
        options: draft.options,
        scale_max: draft.scale_max,
        required: draft.required,
        match_rule: draft.match_rule,
        weight: draft.weight,
    }
}

fn programme_view(
    p: &Programme,
    viewer: &Viewer,
    today: NaiveDate,
    mine: Option<&Enrolment>,
    public_url: &str,
) -> ProgrammeView {
    let can_edit = viewer.is_admin || p.admins.iter().any(|(id, _)| *id == viewer.id);
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    ProgrammeView {
        id: p.id,
        name: p.name.clone(),
        description: p.description.clone(),
        purposes: p.purposes.iter().map(|x| x.as_str().to_owned()).collect(),
        enrolment_opens: day(p.dates.enrolment_opens),
        enrolment_closes: day(p.dates.enrolment_closes),
        starts_on: day(p.dates.starts_on),
        ends_on: day(p.dates.ends_on),
        phase: p.dates.phase(today).as_str().to_owned(),
        matching: p.matching.as_str().to_owned(),
        format: p.format.as_str().to_owned(),
        circle_size: (p.format == Format::Circle).then_some(p.rules.circle_size),
        circle_mentors: (p.format == Format::Circle).then_some(p.rules.circle_mentors),
        different_department: p.rules.different_department,
        min_score: p.rules.min_score,
        mentor_capacity: p.rules.mentor_capacity,
        invitation_only: p.invitation_only,
        needs_approval: p.needs_approval,
        questions: p.questions.iter().map(question_view).collect(),
        admins: p
            .admins
            .iter()
            .map(|(id, name)| PersonRef {
                id: *id,
                name: name.clone(),
            })
            .collect(),
        can_edit,
        your_enrolment: mine.map(enrolment_view),
        invitation_link: if can_edit {
            invitation_link(public_url, p)
        } else {
            None
        },
        created_at: p.created_at,
        updated_at: p.updated_at,
        archived_at: p.archived_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scale_top_too_big_for_the_domain_is_named_by_its_place() {
        let mut errors = FieldErrors::new();
        let q = QuestionInput {
            kind: "scale".into(),
            text: "How sure are you?".into(),
            scale_max: Some(1_000),
            ..QuestionInput::default()
        };
        let draft = question_draft(&q, "questions[3]", &mut errors);
        assert_eq!(draft.scale_max, None);
        assert_eq!(
            errors.get("questions[3].scale_max"),
            Some("must be from 2 to 10")
        );
    }
}
