//! Enrolment: someone signed in enrols in a programme while its enrolment is open, as
//! mentee, mentor or both, answering its form; an invitation-only programme needs the
//! secret of its invitation link. Where the programme asks for approval, the enrolment
//! waits for one of its admins (or an instance admin) to approve or decline it, and they
//! are told. A person withdraws their own enrolment; an admin may remove one.
//!
//! An enrolment is seen by its person and by the programme's admins and instance admins;
//! to anyone else it does not exist (404). The person's answers are for matching and the
//! admins who run it, nobody else.

use std::collections::BTreeMap;

use lodestar_domain::mentoring::NotificationKind;
use lodestar_domain::programme::{
    EnrolmentRole, EnrolmentState, Format, RawAnswer, parse_answers, raw_answers,
};
use lodestar_domain::{EnrolmentId, FieldErrors, ProgrammeId};
use lodestar_store::enrolments::{self, Enrolment, Filter};
use lodestar_store::notifications::Notice;
use lodestar_store::now_ms;
use lodestar_store::programmes::{self as store, Programme};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{PersonRef, today};
use crate::audit::{self, Audit, AuditAction};
use crate::directory::number;
use crate::secrets::random_secret;
use crate::{App, AppError, Viewer};

/// `POST /api/v1/programmes/{id}/enrolments`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentInput {
    /// `mentee`, `mentor` or `both`.
    #[schema(example = "mentee")]
    pub role: String,
    /// The form's answers by question number (`"0"`, `"1"`, …): a choice's text, a list of
    /// a multiple choice's texts, a scale's number, or a text.
    #[serde(default)]
    #[schema(value_type = Object, example = json!({"0": "Online", "1": ["Finance", "Energy"], "2": 4}))]
    pub answers: BTreeMap<String, RawAnswer>,
    /// The secret of the invitation link, for a programme that takes enrolments by
    /// invitation only.
    pub invitation: Option<String>,
}

/// An enrolment, as its person and the programme's admins see it.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct EnrolmentView {
    #[schema(value_type = String, format = Uuid)]
    pub id: EnrolmentId,
    #[schema(value_type = String, format = Uuid)]
    pub programme_id: ProgrammeId,
    pub person: PersonRef,
    /// `mentee`, `mentor` or `both`.
    pub role: String,
    /// `pending` (waiting for an admin's approval), `approved`, `declined` or `withdrawn`.
    pub state: String,
    /// The form's answers by question number, as the form reads them.
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, RawAnswer>,
    pub created_at: i64,
    pub updated_at: i64,
    /// When an admin approved, declined or removed it.
    pub decided_at: Option<i64>,
}

/// `GET /api/v1/programmes/{id}/enrolments`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct EnrolmentQuery {
    /// `pending`, `approved`, `declined` or `withdrawn`.
    pub state: Option<String>,
    /// `mentee`, `mentor` or `both`.
    pub role: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1)]
    pub page: Option<String>,
    /// 1–200, default 50.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
}

/// How many enrolments of a programme are in one state, by role.
#[derive(Clone, Debug, Default, Serialize, ToSchema, PartialEq, Eq)]
pub struct RoleCounts {
    pub mentee: i64,
    pub mentor: i64,
    pub both: i64,
}

/// `GET /api/v1/programmes/{id}/enrolments`: oldest first, with the counts of every state.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct EnrolmentPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub pending: RoleCounts,
    pub approved: RoleCounts,
    pub declined: RoleCounts,
    pub withdrawn: RoleCounts,
    pub enrolments: Vec<EnrolmentView>,
}

/// `POST /api/v1/programmes/{id}/invitation`.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct InvitationView {
    /// The link to share: whoever opens it may enrol, even when the programme takes
    /// enrolments by invitation only.
    pub invitation_link: String,
}

pub(super) fn enrolment_view(e: &Enrolment) -> EnrolmentView {
    EnrolmentView {
        id: e.id,
        programme_id: e.programme_id,
        person: PersonRef {
            id: e.person_id,
            name: e.person_name.clone(),
        },
        role: e.role.as_str().to_owned(),
        state: e.state.as_str().to_owned(),
        answers: e.answers.clone(),
        created_at: e.created_at,
        updated_at: e.updated_at,
        decided_at: e.decided_at,
    }
}

/// The link whose secret lets anyone enrol.
pub(super) fn invitation_link(public_url: &str, p: &Programme) -> Option<String> {
    (!p.invitation_code.is_empty()).then(|| {
        format!(
            "{}/programmes/{}?invitation={}",
            public_url.trim_end_matches('/'),
            p.id,
            p.invitation_code
        )
    })
}

/// Compares two secrets in time that does not depend on where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl App {
    /// Whether `viewer` runs the programme: an instance admin, or one of its admins.
    pub(crate) async fn runs(&self, viewer: &Viewer, p: &Programme) -> Result<bool, AppError> {
        Ok(viewer.is_admin || store::is_programme_admin(&self.db, viewer.id, p.id).await?)
    }

    /// The viewer enrols in a programme whose enrolment is open today. Every bad field is
    /// named at once; nothing is written unless all hold.
    pub async fn enrol(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
        input: &EnrolmentInput,
    ) -> Result<EnrolmentView, AppError> {
        let p = self.live_programme(id).await?;
        if p.invitation_only
            && !input.invitation.as_deref().is_some_and(|given| {
                !p.invitation_code.is_empty() && same_secret(given.trim(), &p.invitation_code)
            })
        {
            return Err(AppError::Conflict {
                code: "invitation_required",
                field: Some("invitation"),
                message: "this programme takes enrolments by invitation only: open the invitation link you were sent".into(),
            });
        }
        let today = today();
        if !p.dates.enrolment_open(today) {
            let message = if today < p.dates.enrolment_opens {
                format!("enrolment opens on {}", p.dates.enrolment_opens)
            } else {
                format!("enrolment closed on {}", p.dates.enrolment_closes)
            };
            return Err(AppError::Conflict {
                code: "enrolment_closed",
                field: None,
                message,
            });
        }
        let mut errors = FieldErrors::new();
        let role = errors.check(
            "role",
            input
                .role
                .trim()
                .parse::<EnrolmentRole>()
                .map_err(|_| "must be mentee, mentor or both"),
        );
        if p.format == Format::Peer && role.is_some_and(|r| r != EnrolmentRole::Both) {
            errors.add(
                "role",
                "in a peer programme everyone both mentors and is mentored: enrol as both",
            );
        }
        let answers = errors.absorb(parse_answers(&p.questions, &input.answers));
        errors.into_result()?;
        let (Some(role), Some(answers)) = (role, answers) else {
            return Err(AppError::Internal(
                "an enrolment checked without its fields".into(),
            ));
        };
        let latest = enrolments::latest_of(&self.db, viewer.id, &[id]).await?;
        match latest.get(&id).map(|e| e.state) {
            Some(state) if state.is_live() => {
                return Err(AppError::Conflict {
                    code: "already_enrolled",
                    field: None,
                    message: "you are enrolled in this programme already".into(),
                });
            }
            Some(EnrolmentState::Declined) => {
                return Err(AppError::Conflict {
                    code: "enrolment_declined",
                    field: None,
                    message: "the programme's admins declined your enrolment".into(),
                });
            }
            _ => {}
        }
        let now = now_ms();
        let state = if p.needs_approval {
            EnrolmentState::Pending
        } else {
            EnrolmentState::Approved
        };
        let e = Enrolment {
            id: EnrolmentId::new(),
            programme_id: id,
            person_id: viewer.id,
            person_name: viewer.name.clone(),
            role,
            answers: raw_answers(&p.questions, &answers),
            state,
            created_at: now,
            updated_at: now,
            decided_by: None,
            decided_at: None,
        };
        let mut tx = self.db.begin().await?;
        enrolments::insert(&mut tx, &e)
            .await
            .map_err(|err| match AppError::from(err) {
                AppError::Conflict { .. } => AppError::Conflict {
                    code: "already_enrolled",
                    field: None,
                    message: "you are enrolled in this programme already".into(),
                },
                other => other,
            })?;
        if state == EnrolmentState::Pending {
            for (admin, _) in &p.admins {
                self.notify(
                    &mut tx,
                    &Notice {
                        person: *admin,
                        kind: NotificationKind::EnrolmentWaiting,
                        title: format!(
                            "{} enrolled in {} and waits for approval",
                            viewer.name, p.name
                        ),
                        body: format!("{} enrolled as {}.", viewer.name, role.as_str()),
                        link: format!("/programmes/{id}/enrolments"),
                        calendar: None,
                    },
                )
                .await?;
            }
        }
        lodestar_store::commit(tx).await?;
        Ok(enrolment_view(&e))
    }

    /// An enrolment and its programme, if the viewer may see it: its person, the
    /// programme's admins and instance admins.
    async fn visible_enrolment(
        &self,
        viewer: &Viewer,
        id: EnrolmentId,
    ) -> Result<(Enrolment, Programme, bool), AppError> {
        let e = enrolments::get(&self.db, id)
            .await?
            .ok_or(AppError::NotFound("enrolment"))?;
        let p = self
            .live_programme(e.programme_id)
            .await
            .map_err(|_| AppError::NotFound("enrolment"))?;
        let runs = self.runs(viewer, &p).await?;
        if e.person_id != viewer.id && !runs {
            return Err(AppError::NotFound("enrolment"));
        }
        Ok((e, p, runs))
    }

    /// One enrolment, to its person and the programme's admins.
    pub async fn enrolment(
        &self,
        viewer: &Viewer,
        id: EnrolmentId,
    ) -> Result<EnrolmentView, AppError> {
        let (e, ..) = self.visible_enrolment(viewer, id).await?;
        Ok(enrolment_view(&e))
    }

    /// The person withdraws their enrolment, or an admin of the programme removes it. A
    /// withdrawn enrolment is gone (404), as after any other `DELETE`.
    pub async fn withdraw_enrolment(
        &self,
        viewer: &Viewer,
        id: EnrolmentId,
    ) -> Result<(), AppError> {
        let (e, p, _) = self.visible_enrolment(viewer, id).await?;
        let by = (e.person_id != viewer.id).then_some(viewer.id);
        let mut tx = self.db.begin().await?;
        let moved = enrolments::set_state(
            &mut tx,
            id,
            &[EnrolmentState::Pending, EnrolmentState::Approved],
            EnrolmentState::Withdrawn,
            by,
            now_ms(),
        )
        .await?;
        if !moved {
            return Err(AppError::NotFound("enrolment"));
        }
        if by.is_some() {
            let summary = format!("Removed {} from the programme {}", e.person_name, p.name);
            audit::record(
                &mut tx,
                viewer,
                Audit::new(AuditAction::EnrolmentRemove, "enrolment", id, summary).detail(
                    serde_json::json!({
                        "programme": p.id.to_string(),
                        "person": e.person_id.to_string(),
                        "was": e.state.as_str(),
                    }),
                ),
            )
            .await?;
        }
        lodestar_store::commit(tx).await?;
        Ok(())
    }

    /// An admin of the programme approves or declines a pending enrolment; its person is
    /// told.
    pub async fn decide_enrolment(
        &self,
        viewer: &Viewer,
        id: EnrolmentId,
        approve: bool,
    ) -> Result<EnrolmentView, AppError> {
        let (e, p, runs) = self.visible_enrolment(viewer, id).await?;
        if !runs {
            return Err(AppError::Forbidden);
        }
        let to = if approve {
            EnrolmentState::Approved
        } else {
            EnrolmentState::Declined
        };
        let mut tx = self.db.begin().await?;
        let moved = enrolments::set_state(
            &mut tx,
            id,
            &[EnrolmentState::Pending],
            to,
            Some(viewer.id),
            now_ms(),
        )
        .await?;
        if !moved {
            return Err(AppError::Conflict {
                code: "not_pending",
                field: None,
                message: format!("this enrolment is {} already", e.state.as_str()),
            });
        }
        let (title, body) = if approve {
            (
                format!("You are in: {}", p.name),
                format!(
                    "Your enrolment in {} is approved. The programme runs from {} to {}.",
                    p.name, p.dates.starts_on, p.dates.ends_on
                ),
            )
        } else {
            (
                format!("Your enrolment in {} is declined", p.name),
                format!(
                    "The admins of {} declined your enrolment. Ask them if you would like to know why.",
                    p.name
                ),
            )
        };
        self.notify(
            &mut tx,
            &Notice {
                person: e.person_id,
                kind: NotificationKind::EnrolmentDecided,
                title,
                body,
                link: format!("/programmes/{}", p.id),
                calendar: None,
            },
        )
        .await?;
        let (action, verb) = if approve {
            (AuditAction::EnrolmentApprove, "Approved")
        } else {
            (AuditAction::EnrolmentDecline, "Declined")
        };
        let summary = format!("{verb} the enrolment of {} in {}", e.person_name, p.name);
        audit::record(
            &mut tx,
            viewer,
            Audit::new(action, "enrolment", id, summary).detail(serde_json::json!({
                "programme": p.id.to_string(),
                "person": e.person_id.to_string(),
                "role": e.role.as_str(),
            })),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        self.enrolment(viewer, id).await
    }

    /// A page of a programme's enrolments, for its admins and instance admins.
    pub async fn enrolments(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
        query: &EnrolmentQuery,
    ) -> Result<EnrolmentPage, AppError> {
        let p = self.live_programme(id).await?;
        let mut errors = FieldErrors::new();
        let state = query.state.as_deref().and_then(|raw| {
            errors.check(
                "state",
                raw.trim()
                    .parse::<EnrolmentState>()
                    .map_err(|_| "must be pending, approved, declined or withdrawn"),
            )
        });
        let role = query.role.as_deref().and_then(|raw| {
            errors.check(
                "role",
                raw.trim()
                    .parse::<EnrolmentRole>()
                    .map_err(|_| "must be mentee, mentor or both"),
            )
        });
        let page = number(&mut errors, "page", &query.page, 1..=1_000_000).unwrap_or(1);
        let per_page = number(&mut errors, "per_page", &query.per_page, 1..=200).unwrap_or(50);
        errors.into_result()?;
        if !self.runs(viewer, &p).await? {
            return Err(AppError::Forbidden);
        }
        let (total, found) =
            enrolments::list(&self.db, id, Filter { state, role }, page, per_page).await?;
        let counts = enrolments::counts(&self.db, id).await?;
        let of = |state: EnrolmentState| {
            let n = |role: EnrolmentRole| counts.get(&(state, role)).copied().unwrap_or(0);
            RoleCounts {
                mentee: n(EnrolmentRole::Mentee),
                mentor: n(EnrolmentRole::Mentor),
                both: n(EnrolmentRole::Both),
            }
        };
        Ok(EnrolmentPage {
            total,
            page,
            per_page,
            pending: of(EnrolmentState::Pending),
            approved: of(EnrolmentState::Approved),
            declined: of(EnrolmentState::Declined),
            withdrawn: of(EnrolmentState::Withdrawn),
            enrolments: found.iter().map(enrolment_view).collect(),
        })
    }

    /// An admin of the programme makes a new invitation link; the old one stops working.
    pub async fn new_invitation(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
    ) -> Result<InvitationView, AppError> {
        let mut p = self.live_programme(id).await?;
        if !self.runs(viewer, &p).await? {
            return Err(AppError::Forbidden);
        }
        p.invitation_code = random_secret();
        let mut tx = self.db.begin().await?;
        if !store::set_invitation_code(&mut tx, id, &p.invitation_code, now_ms()).await? {
            return Err(AppError::NotFound("programme"));
        }
        // The link's secret stays out of the record: it lets people enrol.
        let summary = format!("Made a new invitation link for the programme {}", p.name);
        audit::record(
            &mut tx,
            viewer,
            Audit::new(
                AuditAction::ProgrammeInvitationLink,
                "programme",
                id,
                summary,
            ),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        Ok(InvitationView {
            invitation_link: invitation_link(&self.policy.public_url, &p).unwrap_or_default(),
        })
    }
}
