//! Opportunities and insights: anyone posts one (a job, a stretch project, an event, a
//! course or resource, a speaking slot, volunteering, or an insight) for everyone, their
//! connections or their mentees; its author edits and closes it; admins pin and remove.
//! People share what they see with someone who may see it too, save or mark it, and say how
//! an application went: a won one becomes a career outcome.
//!
//! Who may see a post is decided in the store, for every list, search, share and digest
//! (`lodestar_store::opportunities::VISIBLE`); a post someone may not see does not exist
//! for them (404), admins included.

pub mod digest;
pub mod for_you;

use std::collections::HashMap;

use chrono::NaiveDate;
use lodestar_domain::mentoring::NotificationKind;
use lodestar_domain::opportunity::{
    self as domain, MAX_DESCRIPTION, MAX_PLACE, MAX_SHARE_NOTE, MAX_SKILLS, MAX_TITLE,
    OpportunityKind, OpportunityState, Outcome, Status, Visibility,
};
use lodestar_domain::text::{multi_line, one_line};
use lodestar_domain::{FieldErrors, OpportunityId, PersonId, SkillId};
use lodestar_store::notifications::Notice;
use lodestar_store::opportunities::{self as store, Filter, Mark, Opportunity};
use lodestar_store::{blocks, now_ms, skills};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::audit::{self, Audit, AuditAction};
use crate::directory::{flag, given, number};
use crate::growth::outcomes::NewOutcome;
use crate::network::ConnectedPerson;
use crate::people::SkillInput;
use crate::{App, AppError, Viewer};

/// `POST /api/v1/opportunities`, and `PUT /api/v1/opportunities/{id}` (the whole post).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityInput {
    /// `job`, `stretch_project`, `event`, `course`, `speaking`, `volunteering` or `insight`.
    #[schema(example = "stretch_project")]
    pub kind: String,
    /// 1–200 characters.
    pub title: String,
    /// 1–5,000 characters.
    pub description: String,
    /// Up to 10 skills it grows or needs, each at a level.
    #[serde(default)]
    pub skills: Vec<SkillInput>,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub remote: bool,
    /// `YYYY-MM-DD`: the last day it takes interest; today or later, within two years.
    /// Required except for an insight.
    pub closes_on: Option<String>,
    /// `everyone`, `connections` (yours) or `mentees` (yours).
    #[schema(example = "everyone")]
    pub visibility: String,
}

/// A skill an opportunity names.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct OpportunitySkill {
    /// The catalogue slug.
    pub skill: String,
    pub name: String,
    pub level: u8,
}

/// Someone's share of an opportunity with you.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct ShareView {
    #[schema(value_type = String, format = Uuid)]
    pub from_id: PersonId,
    pub from_name: String,
    pub note: String,
    pub created_at: i64,
}

/// An opportunity as the viewer sees it.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct OpportunityView {
    #[schema(value_type = String, format = Uuid)]
    pub id: OpportunityId,
    #[schema(value_type = String, example = "job")]
    pub kind: OpportunityKind,
    pub title: String,
    pub description: String,
    pub skills: Vec<OpportunitySkill>,
    pub industry: String,
    pub location: String,
    pub remote: bool,
    pub closes_on: Option<String>,
    #[schema(value_type = String, example = "everyone")]
    pub visibility: Visibility,
    /// `open`, `closed` or `removed`.
    #[schema(value_type = String, example = "open")]
    pub state: OpportunityState,
    pub pinned: bool,
    pub author: ConnectedPerson,
    /// Whether you posted it.
    pub yours: bool,
    /// Your mark: `saved`, `interested`, `applied` or `not_for_me`.
    #[schema(value_type = Option<String>)]
    pub your_status: Option<Status>,
    /// How your application went: `got_it` or `did_not`.
    #[schema(value_type = Option<String>)]
    pub your_outcome: Option<Outcome>,
    /// Who shared it with you, and why.
    pub shared_with_you: Vec<ShareView>,
    /// For its author: how many marked it each way.
    pub marks: Option<HashMap<String, i64>>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `GET /api/v1/opportunities`: filters combine.
#[derive(Clone, Debug, Default, Deserialize, Serialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct OpportunityQuery {
    /// Words in the title or description.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// One kind.
    pub kind: Option<String>,
    /// A skill's slug, id or name.
    #[param(max_length = 100)]
    pub skill: Option<String>,
    #[param(max_length = 100)]
    pub industry: Option<String>,
    #[param(value_type = Option<bool>)]
    pub remote: Option<String>,
    /// `me`: only yours (with your closed ones too).
    pub author: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1)]
    pub page: Option<String>,
    /// 1–100, default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub per_page: Option<String>,
}

/// `GET /api/v1/opportunities`.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct OpportunityPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub opportunities: Vec<OpportunityView>,
}

/// `POST /api/v1/opportunities/{id}/share`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareInput {
    /// Someone you are connected with who may see the opportunity.
    #[schema(format = Uuid)]
    pub person_id: String,
    /// Why it fits them (up to 1,000 characters).
    #[serde(default)]
    pub note: String,
}

/// `PUT /api/v1/opportunities/{id}/status`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    /// `saved`, `interested`, `applied` or `not_for_me`.
    #[schema(example = "applied")]
    pub status: String,
    /// With `applied`: `got_it` (recorded once as a career outcome) or `did_not`.
    pub outcome: Option<String>,
}

/// `PUT /api/v1/opportunities/{id}/pin` (admins).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PinInput {
    pub pinned: bool,
}

/// A post checked: everything but its id, author and times.
struct Checked {
    kind: OpportunityKind,
    title: String,
    description: String,
    skills: Vec<(SkillId, u8)>,
    industry: String,
    location: String,
    remote: bool,
    closes_on: Option<NaiveDate>,
    visibility: Visibility,
}

impl App {
    /// Checks every field of a post at once.
    async fn check_opportunity(
        &self,
        viewer: &Viewer,
        input: &OpportunityInput,
        current: &[SkillId],
    ) -> Result<Checked, AppError> {
        let today = self.today_of(viewer.id).await?;
        let mut errors = FieldErrors::new();
        let kind = errors.check(
            "kind",
            input
                .kind
                .trim()
                .parse::<OpportunityKind>()
                .map_err(|_| "must be job, stretch_project, event, course, speaking, volunteering or insight"),
        );
        let title = errors.check("title", required(one_line(&input.title, MAX_TITLE)));
        let description = errors.check(
            "description",
            required(multi_line(&input.description, MAX_DESCRIPTION)),
        );
        let industry = errors.check("industry", one_line(&input.industry, MAX_PLACE));
        let location = errors.check("location", one_line(&input.location, MAX_PLACE));
        let visibility = errors.check(
            "visibility",
            input
                .visibility
                .trim()
                .parse::<Visibility>()
                .map_err(|_| "must be everyone, connections or mentees"),
        );
        let closes_on = match input.closes_on.as_deref().map(str::trim) {
            None | Some("") if kind == Some(OpportunityKind::Insight) => None,
            None | Some("") => {
                errors.add("closes_on", "say until when it takes interest (YYYY-MM-DD)");
                None
            }
            Some(raw) => errors.check("closes_on", domain::closing_date(raw, today)),
        };
        if input.skills.len() > MAX_SKILLS {
            errors.add("skills", format!("at most {MAX_SKILLS} skills"));
        }
        let claims = self
            .resolve_skills("skills", Some(&input.skills), current, &mut errors)
            .await?
            .unwrap_or_default();
        let mut skills: Vec<(SkillId, u8)> = Vec::new();
        for (i, c) in claims.iter().enumerate() {
            if skills.iter().any(|(s, _)| *s == c.skill) {
                errors.add(format!("skills[{i}].skill"), "is named twice");
            } else {
                skills.push((c.skill, c.level.get()));
            }
        }
        errors.into_result()?;
        let (
            Some(kind),
            Some(title),
            Some(description),
            Some(industry),
            Some(location),
            Some(visibility),
        ) = (kind, title, description, industry, location, visibility)
        else {
            return Err(AppError::Internal(
                "a post checked without its fields".into(),
            ));
        };
        Ok(Checked {
            kind,
            title,
            description,
            skills,
            industry,
            location,
            remote: input.remote,
            closes_on,
            visibility,
        })
    }

    /// The viewer posts an opportunity or insight.
    pub async fn post_opportunity(
        &self,
        viewer: &Viewer,
        input: &OpportunityInput,
    ) -> Result<OpportunityView, AppError> {
        let c = self.check_opportunity(viewer, input, &[]).await?;
        let now = now_ms();
        let o = Opportunity {
            id: OpportunityId::new(),
            author: viewer.id,
            author_name: viewer.name.clone(),
            kind: c.kind,
            title: c.title,
            description: c.description,
            industry: c.industry,
            location: c.location,
            remote: c.remote,
            closes_on: c.closes_on.map(|d| d.format("%Y-%m-%d").to_string()),
            visibility: c.visibility,
            state: OpportunityState::Open,
            pinned: false,
            created_at: now,
            updated_at: now,
            closed_at: None,
            skills: c.skills,
        };
        let mut tx = self.db.begin().await?;
        store::insert(&mut tx, &o).await?;
        lodestar_store::commit(tx).await?;
        self.opportunity(viewer, o.id).await
    }

    /// The author replaces their open post.
    pub async fn edit_opportunity(
        &self,
        viewer: &Viewer,
        id: OpportunityId,
        input: &OpportunityInput,
    ) -> Result<OpportunityView, AppError> {
        let found = self.own_post(viewer, id).await?;
        if found.state != OpportunityState::Open {
            return Err(not_open());
        }
        let current: Vec<SkillId> = found.skills.iter().map(|(s, _)| *s).collect();
        let c = self.check_opportunity(viewer, input, &current).await?;
        let edited = Opportunity {
            kind: c.kind,
            title: c.title,
            description: c.description,
            industry: c.industry,
            location: c.location,
            remote: c.remote,
            closes_on: c.closes_on.map(|d| d.format("%Y-%m-%d").to_string()),
            visibility: c.visibility,
            skills: c.skills,
            updated_at: now_ms(),
            ..found
        };
        let mut tx = self.db.begin().await?;
        if !store::update(&mut tx, &edited).await? {
            return Err(not_open());
        }
        lodestar_store::commit(tx).await?;
        self.opportunity(viewer, id).await
    }

    /// The author closes their post; it leaves every list but theirs.
    pub async fn close_opportunity(
        &self,
        viewer: &Viewer,
        id: OpportunityId,
    ) -> Result<OpportunityView, AppError> {
        self.own_post(viewer, id).await?;
        let mut tx = self.db.begin().await?;
        if !store::close(
            &mut tx,
            id,
            Some(viewer.id),
            OpportunityState::Closed,
            now_ms(),
        )
        .await?
        {
            return Err(not_open());
        }
        lodestar_store::commit(tx).await?;
        self.opportunity(viewer, id).await
    }

    /// An admin removes a post they can see; it leaves every list, its author's included.
    pub async fn remove_opportunity(
        &self,
        viewer: &Viewer,
        id: OpportunityId,
    ) -> Result<(), AppError> {
        if !viewer.is_admin {
            return Err(AppError::Forbidden);
        }
        let found = self.visible(viewer, id).await?;
        let mut tx = self.db.begin().await?;
        if !store::close(&mut tx, id, None, OpportunityState::Removed, now_ms()).await? {
            return Err(not_open());
        }
        let summary = format!("Removed “{}” by {}", found.title, found.author_name);
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::OpportunityRemove, "opportunity", id, summary).detail(
                serde_json::json!({ "author": found.author.to_string(), "title": found.title }),
            ),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        Ok(())
    }

    /// An admin pins an open post for everyone, or unpins it. Only a post for everyone can
    /// be pinned.
    pub async fn pin_opportunity(
        &self,
        viewer: &Viewer,
        id: OpportunityId,
        pinned: bool,
    ) -> Result<OpportunityView, AppError> {
        if !viewer.is_admin {
            return Err(AppError::Forbidden);
        }
        let found = self.visible(viewer, id).await?;
        if found.visibility != Visibility::Everyone {
            return Err(AppError::Conflict {
                code: "not_public",
                field: None,
                message: "only a post for everyone can be pinned".into(),
            });
        }
        let mut tx = self.db.begin().await?;
        if !store::set_pinned(&mut tx, id, pinned).await? {
            return Err(not_open());
        }
        let (action, verb) = if pinned {
            (AuditAction::OpportunityPin, "Pinned")
        } else {
            (AuditAction::OpportunityUnpin, "Unpinned")
        };
        let summary = format!("{verb} “{}” by {}", found.title, found.author_name);
        audit::record(
            &mut tx,
            viewer,
            Audit::new(action, "opportunity", id, summary)
                .detail(serde_json::json!({ "pinned": pinned })),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        self.opportunity(viewer, id).await
    }

    /// One opportunity the viewer may see, with their mark and what was shared with them.
    pub async fn opportunity(
        &self,
        viewer: &Viewer,
        id: OpportunityId,
    ) -> Result<OpportunityView, AppError> {
        let found = self.visible(viewer, id).await?;
        let (marks, shares, names) = tokio::try_join!(
            async { Ok::<_, AppError>(store::marks_of(&self.db, viewer.id).await?) },
            async { Ok::<_, AppError>(store::shares_to(&self.db, viewer.id).await?) },
            self.skill_names(),
        )?;
        let mut view = opportunity_view(&found, viewer.id, marks.get(&id), &names);
        view.shared_with_you = shares
            .iter()
            .filter(|s| s.opportunity == id)
            .map(share_view)
            .collect();
        if view.yours {
            view.marks = Some(
                store::mark_counts(&self.db, id)
                    .await?
                    .into_iter()
                    .map(|(s, n)| (s.as_str().to_owned(), n))
                    .collect(),
            );
        }
        Ok(view)
    }

    /// The opportunities the viewer may see that the query keeps, pinned first, newest next.
    pub async fn opportunities(
        &self,
        viewer: &Viewer,
        query: &OpportunityQuery,
    ) -> Result<OpportunityPage, AppError> {
        let mut errors = FieldErrors::new();
        for (field, value, max) in [
            ("q", &query.q, 200),
            ("kind", &query.kind, 40),
            ("skill", &query.skill, 100),
            ("industry", &query.industry, 100),
            ("remote", &query.remote, 10),
            ("author", &query.author, 10),
        ] {
            if let Some(raw) = value {
                errors.check(field, one_line(raw, max));
            }
        }
        errors.into_result()?;
        let mut errors = FieldErrors::new();
        let kind = given(&query.kind).and_then(|k| match k.parse::<OpportunityKind>() {
            Ok(kind) => Some(kind),
            Err(_) => {
                errors.add("kind", "is not a kind of opportunity");
                None
            }
        });
        let skill = self.skill_filter(&query.skill, &mut errors).await?;
        let remote = flag(&mut errors, "remote", &query.remote);
        let mine = match given(&query.author) {
            None => false,
            Some("me") => true,
            Some(_) => {
                errors.add("author", "must be me");
                false
            }
        };
        let page = number(&mut errors, "page", &query.page, 1..=1_000_000).unwrap_or(1);
        let per_page = number(&mut errors, "per_page", &query.per_page, 1..=100).unwrap_or(20);
        errors.into_result()?;
        let today = self.today_of(viewer.id).await?;
        let filter = Filter {
            kind,
            skill,
            industry: given(&query.industry).map(str::to_lowercase),
            words: given(&query.q)
                .map(|q| {
                    q.to_lowercase()
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            remote,
            author: mine.then_some(viewer.id),
            include_closed: mine,
            today: today.format("%Y-%m-%d").to_string(),
            page,
            per_page,
        };
        let ((total, found), marks, names, blocked) = tokio::try_join!(
            async { Ok::<_, AppError>(store::list(&self.db, viewer.id, &filter).await?) },
            async { Ok::<_, AppError>(store::marks_of(&self.db, viewer.id).await?) },
            self.skill_names(),
            async { Ok::<_, AppError>(blocks::involving(&self.db, viewer.id).await?) },
        )?;
        Ok(OpportunityPage {
            total,
            page,
            per_page,
            opportunities: found
                .iter()
                .filter(|o| !blocked.contains(&o.author))
                .map(|o| opportunity_view(o, viewer.id, marks.get(&o.id), &names))
                .collect(),
        })
    }

    /// The viewer shares an opportunity with someone they are connected with, who may see
    /// it too (a post for connections or mentees never reaches anyone else this way).
    pub async fn share_opportunity(
        &self,
        viewer: &Viewer,
        id: OpportunityId,
        input: &ShareInput,
    ) -> Result<OpportunityView, AppError> {
        let found = self.visible(viewer, id).await?;
        let mut errors = FieldErrors::new();
        let note = errors.check("note", multi_line(&input.note, MAX_SHARE_NOTE));
        let to = match input.person_id.trim().parse::<PersonId>() {
            Ok(to) => Some(to),
            Err(_) => {
                errors.add("person_id", "is not a person id");
                None
            }
        };
        errors.into_result()?;
        let (Some(to), Some(note)) = (to, note) else {
            return Err(AppError::Internal(
                "a share checked without its fields".into(),
            ));
        };
        let connected = lodestar_store::connections::connected_with(&self.db, viewer.id)
            .await?
            .contains(&to);
        let they_see = store::get(&self.db, to, id).await?.is_some();
        if !connected || !they_see || found.state != OpportunityState::Open {
            return Err(AppError::invalid(
                "person_id",
                "is not a connection of yours who can see this opportunity",
            ));
        }
        let mut tx = self.db.begin().await?;
        if !store::share(&mut tx, id, viewer.id, to, &note, now_ms()).await? {
            return Err(AppError::Conflict {
                code: "already_shared",
                field: Some("person_id"),
                message: "you have shared it with them already".into(),
            });
        }
        self.notify(
            &mut tx,
            &Notice {
                person: to,
                kind: NotificationKind::OpportunityShared,
                title: format!(
                    "{} shared an opportunity with you: {}",
                    viewer.name, found.title
                ),
                body: note.chars().take(200).collect(),
                link: format!("/opportunities/{id}"),
                calendar: None,
            },
        )
        .await?;
        lodestar_store::commit(tx).await?;
        self.opportunity(viewer, id).await
    }

    /// The viewer marks an opportunity, and says how an application went; getting it is
    /// recorded once as a career outcome (credited to the mentorship with whoever shared it
    /// with them, where that is their mentor).
    pub async fn mark_opportunity(
        &self,
        viewer: &Viewer,
        id: OpportunityId,
        input: &StatusInput,
    ) -> Result<OpportunityView, AppError> {
        let found = self.visible(viewer, id).await?;
        let mut errors = FieldErrors::new();
        let status = errors.check(
            "status",
            input
                .status
                .trim()
                .parse::<Status>()
                .map_err(|_| "must be saved, interested, applied or not_for_me"),
        );
        let outcome = match input.outcome.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => errors.check(
                "outcome",
                raw.parse::<Outcome>()
                    .map_err(|_| "must be got_it or did_not"),
            ),
        };
        if outcome.is_some() && status.is_some_and(|s| s != Status::Applied) {
            errors.add("outcome", "say how it went once you have applied");
        }
        errors.into_result()?;
        let Some(status) = status else {
            return Err(AppError::Internal(
                "a mark checked without its status".into(),
            ));
        };
        let mut tx = self.db.begin().await?;
        store::set_mark(&mut tx, id, viewer.id, status, outcome, now_ms()).await?;
        lodestar_store::commit(tx).await?;
        let already = store::marks_of(&self.db, viewer.id)
            .await?
            .get(&id)
            .and_then(|m| m.outcome_id);
        if outcome == Some(Outcome::GotIt) && already.is_none() {
            let mentorship = self.credited_mentorship(viewer, id).await?;
            let recorded = self
                .record_outcome(
                    viewer,
                    &NewOutcome {
                        kind: found.kind.outcome().as_str().to_owned(),
                        date: self
                            .today_of(viewer.id)
                            .await?
                            .format("%Y-%m-%d")
                            .to_string(),
                        title: found.title.chars().take(200).collect(),
                        note: format!("From the opportunity posted by {}.", found.author_name),
                        mentorship_id: mentorship.map(|m| m.to_string()),
                        goal_id: None,
                        share_with_mentors: None,
                    },
                )
                .await?;
            let mut tx = self.db.begin().await?;
            let outcome_id = recorded.id;
            if !store::set_outcome_id(&mut tx, id, viewer.id, outcome_id).await? {
                // Recorded by a racing request meanwhile: keep one.
                drop(tx);
                self.delete_outcome(viewer, outcome_id).await?;
            } else {
                lodestar_store::commit(tx).await?;
            }
        }
        self.opportunity(viewer, id).await
    }

    /// The mentorship a won opportunity is credited to: the viewer's current mentorship
    /// with a mentor who shared it with them, if any.
    async fn credited_mentorship(
        &self,
        viewer: &Viewer,
        id: OpportunityId,
    ) -> Result<Option<lodestar_domain::MentorshipId>, AppError> {
        let shares = store::shares_to(&self.db, viewer.id).await?;
        for share in shares.iter().filter(|s| s.opportunity == id) {
            if let Some(m) =
                lodestar_store::mentorships::current_between(&self.db, share.from, viewer.id)
                    .await?
            {
                return Ok(Some(m));
            }
        }
        Ok(None)
    }

    /// A post of the viewer's own; someone else's they may see is forbidden to them.
    async fn own_post(&self, viewer: &Viewer, id: OpportunityId) -> Result<Opportunity, AppError> {
        let found = self.visible(viewer, id).await?;
        if found.author != viewer.id {
            return Err(AppError::Forbidden);
        }
        Ok(found)
    }

    /// A post the viewer may see (and whose author has not blocked them, nor they the
    /// author); to anyone else it does not exist, and a removed one to nobody.
    async fn visible(&self, viewer: &Viewer, id: OpportunityId) -> Result<Opportunity, AppError> {
        let found = store::get(&self.db, viewer.id, id)
            .await?
            .filter(|o| o.state != OpportunityState::Removed)
            .ok_or(AppError::NotFound("opportunity"))?;
        if found.author != viewer.id
            && blocks::involving(&self.db, viewer.id)
                .await?
                .contains(&found.author)
        {
            return Err(AppError::NotFound("opportunity"));
        }
        Ok(found)
    }

    /// Every skill's slug and name, by id.
    pub(crate) async fn skill_names(&self) -> Result<HashMap<SkillId, (String, String)>, AppError> {
        Ok(skills::list(&self.db, true)
            .await?
            .into_iter()
            .map(|s| (s.id, (s.slug, s.name)))
            .collect())
    }
}

fn required<E: ToString>(text: Result<String, E>) -> Result<String, String> {
    match text {
        Ok(t) if t.trim().is_empty() => Err("is required".into()),
        Ok(t) => Ok(t),
        Err(e) => Err(e.to_string()),
    }
}

fn not_open() -> AppError {
    AppError::Conflict {
        code: "not_open",
        field: None,
        message: "this opportunity is closed".into(),
    }
}

fn share_view(s: &store::Share) -> ShareView {
    ShareView {
        from_id: s.from,
        from_name: s.from_name.clone(),
        note: s.note.clone(),
        created_at: s.created_at,
    }
}

pub(crate) fn opportunity_view(
    o: &Opportunity,
    viewer: PersonId,
    mark: Option<&Mark>,
    names: &HashMap<SkillId, (String, String)>,
) -> OpportunityView {
    OpportunityView {
        id: o.id,
        kind: o.kind,
        title: o.title.clone(),
        description: o.description.clone(),
        skills: o
            .skills
            .iter()
            .map(|(s, level)| {
                let (slug, name) = names.get(s).cloned().unwrap_or_default();
                OpportunitySkill {
                    skill: slug,
                    name,
                    level: *level,
                }
            })
            .collect(),
        industry: o.industry.clone(),
        location: o.location.clone(),
        remote: o.remote,
        closes_on: o.closes_on.clone(),
        visibility: o.visibility,
        state: o.state,
        pinned: o.pinned,
        author: ConnectedPerson {
            id: o.author,
            name: o.author_name.clone(),
            headline: String::new(),
        },
        yours: o.author == viewer,
        your_status: mark.map(|m| m.status),
        your_outcome: mark.and_then(|m| m.outcome),
        shared_with_you: Vec::new(),
        marks: None,
        created_at: o.created_at,
        updated_at: o.updated_at,
    }
}
