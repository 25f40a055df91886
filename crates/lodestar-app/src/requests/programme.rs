//! Requests made inside a programme whose mentees ask its mentors (self-service or
//! admin-assisted): who may ask whom there, the places a mentor has in it, and, in an
//! admin-assisted programme, its admins' review before the mentor sees a request.
//!
//! A request in a programme is a mentee's (approved on the mentee's side) to one of its
//! mentors (approved on the mentor's side), under the programme's department rule, while
//! the programme has not ended and the mentee has no mentor in it yet. The mentorship it
//! starts belongs to the programme, and the mentor's places are counted as the programme
//! counts them (its own capacity, or the mentor's). All of it is checked again, under the
//! mentor's lock, when the request is accepted.

use lodestar_domain::mentoring::{Initiator, NotificationKind, RequestState};
use lodestar_domain::programme::{EnrolmentRole, Matching, Phase};
use lodestar_domain::{FieldErrors, PersonId, ProgrammeId, RequestId};
use lodestar_store::enrolments::{self, ProgrammeMentor};
use lodestar_store::notifications::Notice;
use lodestar_store::programmes::{self, Programme};
use lodestar_store::requests::{self, Direction, Request};
use lodestar_store::{Conn, StoreError, Tx, mentorships, now_ms};
use serde::Serialize;
use utoipa::ToSchema;

use super::notices::received_notice;
use super::{RequestView, conflict, decline_reason, not_pending, request_not_found};
use crate::audit::{self, Audit, AuditAction};
use crate::{App, AppError, Viewer};

/// The most requests the review list answers with, oldest first.
pub const REVIEW_LIMIT: i64 = 200;

/// A mentor of a programme, as its mentees see them before asking.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProgrammeMentorView {
    #[schema(value_type = String, format = Uuid)]
    pub id: PersonId,
    pub name: String,
    pub headline: String,
    /// Places they have left in this programme: the programme's capacity for its mentors,
    /// or their own.
    pub free_places: i64,
    /// They mentor you in this programme.
    pub yours: bool,
    /// A request of yours to them in this programme waits for an answer (or an approval).
    pub asked: bool,
}

impl App {
    /// The programme a request names, checked for the viewer asking in it: it exists and
    /// is not archived, its mentees ask its mentors (not a cohort programme), it has not
    /// ended, the request asks a mentor (not an offer), and the viewer is enrolled and
    /// approved as a mentee. Every failed check is a field error on `programme_id`;
    /// `None` without a programme or when one failed.
    pub(super) async fn request_programme(
        &self,
        viewer: &Viewer,
        raw: Option<&str>,
        initiator: Initiator,
        errors: &mut FieldErrors,
    ) -> Result<Option<Programme>, AppError> {
        let Some(raw) = raw.map(str::trim) else {
            return Ok(None);
        };
        let Ok(id) = raw.parse::<ProgrammeId>() else {
            errors.add("programme_id", "is not a programme's id");
            return Ok(None);
        };
        let p = self.live_programme(id).await?;
        let problem = if p.matching == Matching::Cohort {
            Some("this programme's admins match its cohort: its mentees do not ask mentors")
        } else if initiator == Initiator::Mentor {
            Some("in a programme, mentees ask its mentors: offers are made outside it")
        } else if p.dates.phase(crate::programmes::today()) == Phase::Ended {
            Some("this programme has ended")
        } else {
            None
        };
        if let Some(problem) = problem {
            errors.add("programme_id", problem);
            return Ok(None);
        }
        if !self
            .approved_side(&p, viewer.id)
            .await?
            .is_some_and(|role| role.mentee())
        {
            errors.add(
                "programme_id",
                "you are not enrolled in this programme as a mentee, or your enrolment is not approved yet",
            );
            return Ok(None);
        }
        Ok(Some(p))
    }

    /// The side `person` is enrolled and approved on in the programme, if any.
    pub(super) async fn approved_side(
        &self,
        p: &Programme,
        person: PersonId,
    ) -> Result<Option<EnrolmentRole>, AppError> {
        let mut conn = self.db.reader().acquire().await.map_err(StoreError::from)?;
        Ok(enrolments::approved_role(&mut conn, p.id, person).await?)
    }

    /// The programme's mentors and their free places in it, for its approved mentees and
    /// those who run it.
    pub async fn programme_mentors(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
    ) -> Result<Vec<ProgrammeMentorView>, AppError> {
        let p = self.live_programme(id).await?;
        if !self.runs(viewer, &p).await?
            && !self
                .approved_side(&p, viewer.id)
                .await?
                .is_some_and(|role| role.mentee())
        {
            return Err(AppError::Forbidden);
        }
        let found = enrolments::mentors_of(&self.db, p.id).await?;
        let (_, in_programme) = p.rules.mentor_places(p.format, 0);
        let taken = if in_programme {
            mentorships::places_taken_in(&self.db, p.id).await?
        } else {
            let ids: Vec<PersonId> = found.iter().map(|m| m.id).collect();
            mentorships::places_taken_by(&self.db, Some(&ids)).await?
        };
        let blocked = lodestar_store::blocks::involving(&self.db, viewer.id).await?;
        let yours = mentorships::mentors_in(&self.db, viewer.id, p.id).await?;
        let asked: Vec<PersonId> = requests::list(
            &self.db,
            viewer.id,
            Some(Direction::Outgoing),
            Some(RequestState::Pending),
            super::LIST_LIMIT,
        )
        .await?
        .into_iter()
        .filter(|r| r.programme.as_ref().is_some_and(|(id, _)| *id == p.id))
        .map(|r| r.mentor)
        .collect();
        Ok(found
            .into_iter()
            .filter(|m| m.id != viewer.id && !blocked.contains(&m.id))
            .map(|m: ProgrammeMentor| {
                let (capacity, _) = p.rules.mentor_places(p.format, m.own_capacity);
                ProgrammeMentorView {
                    free_places: (capacity - taken.get(&m.id).copied().unwrap_or(0)).max(0),
                    yours: yours.contains(&m.id),
                    asked: asked.contains(&m.id),
                    id: m.id,
                    name: m.name,
                    headline: m.headline,
                }
            })
            .collect())
    }

    /// The requests of a programme waiting for its admins' approval, oldest first, for
    /// those who run it.
    pub async fn requests_to_review(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
    ) -> Result<Vec<RequestView>, AppError> {
        let p = self.run_by(viewer, id).await?;
        let found = requests::waiting_in(&self.db, p.id, REVIEW_LIMIT).await?;
        self.views(viewer, found).await
    }

    /// A request waiting for review, and its programme, for someone who runs the
    /// programme; anyone else is told it does not exist, and its mentee may not review
    /// their own request.
    async fn reviewable(
        &self,
        conn: &mut Conn,
        viewer: &Viewer,
        id: RequestId,
    ) -> Result<(Request, Programme), AppError> {
        let request = requests::get_in(conn, id)
            .await
            .map_err(request_not_found)?;
        let Some((programme, _)) = &request.programme else {
            return Err(AppError::NotFound("request"));
        };
        let p = programmes::get(&self.db, *programme)
            .await?
            .ok_or(AppError::NotFound("request"))?;
        if !self.runs(viewer, &p).await? {
            return Err(AppError::NotFound("request"));
        }
        if viewer.id == request.mentee || viewer.id == request.mentor {
            return Err(AppError::Forbidden);
        }
        if !request.state.is_open() {
            return Err(not_pending(request.state));
        }
        if !request.waiting_for_review() {
            return Err(conflict(
                "request_reviewed",
                "this request is not waiting for a programme admin's approval",
            ));
        }
        Ok((request, p))
    }

    /// A programme admin approves a request: the mentor sees it from now on, is told of
    /// it, and has the usual time to answer.
    pub async fn approve_request(
        &self,
        viewer: &Viewer,
        id: RequestId,
    ) -> Result<RequestView, AppError> {
        let mut tx = self.db.begin().await?;
        let (request, p) = self.reviewable(&mut tx, viewer, id).await?;
        let now = now_ms();
        let ttl = self.policy.mentoring.request_ttl_ms;
        if !requests::approve(&mut tx, id, viewer.id, now, ttl).await? {
            let state = requests::get_in(&mut tx, id).await?.state;
            return Err(not_pending(state));
        }
        let request = requests::get_in(&mut tx, request.id).await?;
        self.notify(&mut tx, &received_notice(&request)).await?;
        audit_review(&mut tx, viewer, AuditAction::RequestApprove, &request, &p).await?;
        lodestar_store::commit(tx).await?;
        tracing::info!(request = %id, programme = %p.id, "request approved");
        self.view_one(viewer, request).await
    }

    /// A programme admin rejects a request: it is declined with their reason, which the
    /// mentee is told; the mentor never sees it.
    pub async fn reject_request(
        &self,
        viewer: &Viewer,
        id: RequestId,
        reason: Option<&str>,
    ) -> Result<RequestView, AppError> {
        let reason = decline_reason(reason)?;
        let mut tx = self.db.begin().await?;
        let (request, p) = self.reviewable(&mut tx, viewer, id).await?;
        let now = now_ms();
        if !requests::reject(&mut tx, id, viewer.id, &reason, now).await? {
            let state = requests::get_in(&mut tx, id).await?.state;
            return Err(not_pending(state));
        }
        let request = requests::get_in(&mut tx, request.id).await?;
        let said = if reason.is_empty() {
            String::new()
        } else {
            format!("They said: “{reason}”\n\n")
        };
        let notice = Notice {
            person: request.mentee,
            kind: NotificationKind::RequestDeclined,
            title: format!(
                "Your request to {} was not approved in {}",
                request.mentor_name, p.name
            ),
            body: format!(
                "{said}A programme admin looked at your request before it reached {}. You can ask another of the programme's mentors.",
                request.mentor_name
            ),
            link: format!("/programmes/{}", p.id),
            calendar: None,
        };
        self.notify(&mut tx, &notice).await?;
        audit_review(&mut tx, viewer, AuditAction::RequestReject, &request, &p).await?;
        lodestar_store::commit(tx).await?;
        tracing::info!(request = %id, programme = %p.id, "request rejected");
        self.view_one(viewer, request).await
    }

    /// Tells the programme's admins a request waits for their approval.
    pub(super) async fn notify_reviewers(
        &self,
        conn: &mut Tx,
        p: &Programme,
        request: &Request,
    ) -> Result<(), AppError> {
        for (admin, _) in &p.admins {
            self.notify(
                conn,
                &Notice {
                    person: *admin,
                    kind: NotificationKind::RequestWaiting,
                    title: format!(
                        "{} asks {} for mentoring in {}",
                        request.mentee_name, request.mentor_name, p.name
                    ),
                    body: format!(
                        "The request waits for your approval before {} sees it.",
                        request.mentor_name
                    ),
                    link: format!("/programmes/{}/requests", p.id),
                    calendar: None,
                },
            )
            .await?;
        }
        Ok(())
    }
}

/// Records a programme admin's review of a request in the audit log: who asked whom, in
/// which programme; never the message or the reason.
async fn audit_review(
    conn: &mut Conn,
    viewer: &Viewer,
    action: AuditAction,
    request: &Request,
    p: &Programme,
) -> Result<(), AppError> {
    let verb = if action == AuditAction::RequestApprove {
        "Approved"
    } else {
        "Did not approve"
    };
    let summary = format!(
        "{verb} {}'s request to {} in {}",
        request.mentee_name, request.mentor_name, p.name
    );
    let detail = serde_json::json!({
        "programme_id": p.id,
        "mentee_id": request.mentee,
        "mentor_id": request.mentor,
    });
    let audit = Audit::new(action, "request", request.id, summary).detail(detail);
    audit::record(conn, viewer, audit).await
}

/// Holds a programme's rules for a request between `mentor` and `mentee`, in the caller's
/// transaction (after the mentor's lock): both are still approved on their sides, and the
/// mentee has no mentor in the programme yet.
pub(super) async fn hold_enrolments(
    conn: &mut Conn,
    p: &Programme,
    mentor: PersonId,
    mentee: PersonId,
) -> Result<(), AppError> {
    let mentor_in = enrolments::approved_role(conn, p.id, mentor)
        .await?
        .is_some_and(|role| role.mentor());
    let mentee_in = enrolments::approved_role(conn, p.id, mentee)
        .await?
        .is_some_and(|role| role.mentee());
    if !mentor_in || !mentee_in {
        return Err(conflict(
            "not_enrolled",
            format!(
                "{} is no longer enrolled in {} on this side",
                if mentor_in {
                    "the mentee"
                } else {
                    "the mentor"
                },
                p.name
            ),
        ));
    }
    if mentorships::has_mentor_in(conn, mentee, p.id).await? {
        return Err(conflict(
            "mentor_in_programme",
            format!("the mentee has a mentor in {} already", p.name),
        ));
    }
    Ok(())
}

/// How many places the mentor has free, in the caller's transaction: in a programme, as
/// the programme counts them; otherwise their own capacity against all their mentorships.
pub(super) async fn free_places(
    conn: &mut Conn,
    mentor: PersonId,
    programme: Option<&Programme>,
) -> Result<i64, AppError> {
    let own = requests::mentor_capacity(conn, mentor).await?;
    Ok(match programme {
        None => own - mentorships::places_taken(conn, mentor).await?,
        Some(p) => {
            let (capacity, in_programme) = p.rules.mentor_places(p.format, own);
            capacity
                - mentorships::places_taken_within(conn, mentor, in_programme.then_some(p.id))
                    .await?
        }
    })
}
