//! Mentorship requests: a mentee asks a mentor, or a mentor offers to mentor someone; the
//! one who receives it accepts or declines, the one who sent it may withdraw it, and an
//! unanswered request expires. Accepting starts the mentorship, in the same transaction
//! that checks the mentor still has a free place.
//!
//! Who may do what: only the two parties ever see a request (anyone else, admins included,
//! is told it does not exist); the receiver answers, the sender withdraws.

mod checks;
mod notices;
mod periodic;
mod programme;
mod view;

use chrono::{Days, Utc};
use lodestar_domain::mentoring::{Cadence, Initiator, MemberRole, MentorshipKind, RequestState};
use lodestar_domain::profile::MAX_SKILLS_PER_LIST;
use lodestar_domain::programme::{Matching, Phase};
use lodestar_domain::text::multi_line;
use lodestar_domain::webhook::WebhookEvent;
use lodestar_domain::{FieldErrors, MentorshipId, PersonId, RequestId};
use lodestar_store::mentorships::{self, NewMentorship};
use lodestar_store::requests::{self, Direction, NewRequest, Request};
use lodestar_store::{StoreError, now_ms};
use serde::Deserialize;
use utoipa::ToSchema;

pub use programme::{ProgrammeMentorView, REVIEW_LIMIT};
pub use view::{
    Accepted, PersonRef, ProgrammeRef, RequestDraft, RequestView, SkillRef, StandingView,
};

use crate::{App, AppError, Viewer};
use checks::{parse_focus_areas, pick_skills};
use notices::{accepted_notice, declined_notice, received_notice};

/// The longest message a request may carry.
pub const MAX_MESSAGE: usize = 2000;
/// The longest reason a decline may give.
pub const MAX_REASON: usize = 500;
/// The longest a proposed mentorship may run, in weeks (two years).
pub const MAX_DURATION_WEEKS: i64 = 104;
/// The most requests one list answers with, newest first.
pub const LIST_LIMIT: i64 = 200;

/// A new request. Send `mentor_id` to ask a mentor, or `mentee_id` to offer to mentor
/// someone who wants a mentor.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequestInput {
    /// The mentor you ask (as a mentee).
    #[schema(format = Uuid)]
    pub mentor_id: Option<String>,
    /// The person you offer to mentor (as a mentor).
    #[schema(format = Uuid)]
    pub mentee_id: Option<String>,
    /// Up to 2,000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub message: String,
    /// Slugs of skills from the mentee's list of skills they want to grow.
    #[serde(default)]
    #[schema(example = json!(["public-speaking"]))]
    pub skills: Vec<String>,
    /// Any of career_development, networking, confidence, skill_development, career_path,
    /// new_opportunities, soft_skills.
    #[serde(default)]
    pub focus_areas: Vec<String>,
    /// weekly, fortnightly or monthly.
    #[schema(example = "fortnightly")]
    pub cadence: Option<String>,
    /// 1–104.
    #[schema(minimum = 1, maximum = 104, example = 12)]
    pub duration_weeks: Option<i64>,
    /// Asks one of a programme's mentors inside the programme (self-service or
    /// admin-assisted), as one of its approved mentees: the mentorship belongs to it, and
    /// in an admin-assisted programme an admin approves the request before the mentor
    /// sees it.
    #[schema(format = Uuid)]
    pub programme_id: Option<String>,
}

/// Which side of a request someone is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Party {
    Sender,
    Receiver,
}

/// The viewer's side of a request. The mentor of a request a programme admin has not
/// approved (yet) is not a party to it.
fn party(request: &Request, viewer: &Viewer) -> Option<Party> {
    if viewer.id == request.sender() {
        Some(Party::Sender)
    } else if viewer.id == request.receiver() && request.seen_by_mentor() {
        Some(Party::Receiver)
    } else {
        None
    }
}

fn request_not_found(err: StoreError) -> AppError {
    match err {
        StoreError::NotFound => AppError::NotFound("request"),
        other => other.into(),
    }
}

fn conflict(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::Conflict {
        code,
        field: None,
        message: message.into(),
    }
}

fn not_pending(state: RequestState) -> AppError {
    conflict(
        "request_not_pending",
        format!(
            "this request is no longer waiting for an answer: it is {}",
            state.as_str()
        ),
    )
}

fn at_capacity(mentor: &str) -> AppError {
    conflict(
        "mentor_at_capacity",
        format!("{mentor} has no free place for another mentee right now"),
    )
}

impl App {
    /// Sends a request (or an offer). Every bad field is reported at once; then, in one
    /// transaction that holds the mentee's lock: at most `max_open_requests` open requests
    /// per mentee, one open request per pair, and the mentor must take requests and have a
    /// free place. Nothing is written unless all of it holds.
    pub async fn send_request(
        &self,
        viewer: &Viewer,
        input: NewRequestInput,
    ) -> Result<RequestView, AppError> {
        let mut errors = FieldErrors::new();
        let message = errors.check("message", multi_line(&input.message, MAX_MESSAGE));
        let focus_areas = parse_focus_areas(&input.focus_areas, &mut errors);
        let cadence = match input.cadence.as_deref().map(str::trim) {
            None | Some("") => {
                errors.add("cadence", "choose weekly, fortnightly or monthly");
                None
            }
            Some(raw) => errors.check("cadence", raw.parse::<Cadence>()),
        };
        let duration_weeks = match input.duration_weeks {
            Some(weeks) if (1..=MAX_DURATION_WEEKS).contains(&weeks) => Some(weeks),
            Some(_) => {
                errors.add(
                    "duration_weeks",
                    format!("must be from 1 to {MAX_DURATION_WEEKS} weeks"),
                );
                None
            }
            None => {
                errors.add(
                    "duration_weeks",
                    format!("say how many weeks, from 1 to {MAX_DURATION_WEEKS}"),
                );
                None
            }
        };
        if input.skills.len() > MAX_SKILLS_PER_LIST {
            errors.add(
                "skills",
                format!("choose at most {MAX_SKILLS_PER_LIST} skills"),
            );
        }
        let (initiator, field, raw_target) = match (&input.mentor_id, &input.mentee_id) {
            (Some(_), Some(_)) => {
                errors.add(
                    "mentee_id",
                    "send mentor_id to ask a mentor or mentee_id to offer to mentor someone, not both",
                );
                return Err(errors.into());
            }
            (None, None) => {
                errors.add(
                    "mentor_id",
                    "say whom you ask to mentor you (or, to offer to mentor someone, send mentee_id)",
                );
                return Err(errors.into());
            }
            (Some(id), None) => (Initiator::Mentee, "mentor_id", id),
            (None, Some(id)) => (Initiator::Mentor, "mentee_id", id),
        };
        let Ok(target) = raw_target.trim().parse::<PersonId>() else {
            errors.add(field, "is not a person's id");
            return Err(errors.into());
        };
        let programme = self
            .request_programme(
                viewer,
                input.programme_id.as_deref(),
                initiator,
                &mut errors,
            )
            .await?;
        if input.programme_id.is_some() && programme.is_none() {
            return Err(errors.into());
        }
        let parties = self
            .parties(viewer, target, initiator, programme.as_ref(), &mut errors)
            .await?;
        let skills = match &parties {
            Some(p) if input.skills.len() <= MAX_SKILLS_PER_LIST => {
                pick_skills(&input.skills, p, initiator, &mut errors)
            }
            _ => Vec::new(),
        };
        errors.into_result()?;
        let (Some(parties), Some(message), Some(cadence), Some(duration_weeks)) =
            (parties, message, cadence, duration_weeks)
        else {
            return Err(AppError::Internal("a checked field is missing".into()));
        };

        let now = now_ms();
        let new = NewRequest {
            id: RequestId::new(),
            mentor: parties.mentor,
            mentee: parties.mentee,
            initiator,
            message,
            skills,
            focus_areas,
            cadence,
            duration_weeks,
            created_at: now,
            expires_at: now.saturating_add(self.policy.mentoring.request_ttl_ms),
            programme: programme.as_ref().map(|p| p.id),
            reviewed: programme
                .as_ref()
                .is_some_and(|p| p.matching == Matching::AdminAssisted),
        };
        let mut tx = self.db.begin().await?;
        // Two sends by one mentee wait for each other, so the open count cannot be beaten.
        mentorships::lock_person(&mut tx, self.db.backend(), new.mentee).await?;
        let max = self.policy.mentoring.max_open_requests;
        if initiator == Initiator::Mentee
            && requests::open_sent_by_mentee(&mut tx, new.mentee).await? >= max
        {
            return Err(conflict(
                "too_many_open_requests",
                format!(
                    "you already have {max} requests waiting for an answer: withdraw one, or wait for an answer, before asking someone else"
                ),
            ));
        }
        if requests::open_between(&mut tx, new.mentor, new.mentee).await? {
            return Err(request_exists());
        }
        if requests::mentoring_already(&mut tx, new.mentor, new.mentee).await? {
            return Err(mentoring_already());
        }
        if initiator == Initiator::Mentee
            && !requests::standing(&mut tx, new.mentor).await?.accepting
        {
            return Err(conflict(
                "mentor_not_accepting",
                format!("{} is not taking requests right now", parties.mentor_name),
            ));
        }
        if let Some(p) = &programme {
            programme::hold_enrolments(&mut tx, p, new.mentor, new.mentee).await?;
        }
        if programme::free_places(&mut tx, new.mentor, programme.as_ref()).await? <= 0 {
            return Err(match initiator {
                Initiator::Mentee => at_capacity(&parties.mentor_name),
                Initiator::Mentor => at_capacity("You"),
            });
        }
        requests::insert(&mut tx, &new).await?;
        let request = requests::get_in(&mut tx, new.id).await?;
        match &programme {
            Some(p) if new.reviewed => self.notify_reviewers(&mut tx, p, &request).await?,
            _ => self.notify(&mut tx, &received_notice(&request)).await?,
        }
        lodestar_store::commit(tx).await?;
        tracing::info!(request = %new.id, initiator = initiator.as_str(), "request sent");
        self.view_one(viewer, request).await
    }

    /// One request, for one of its two parties; anyone else is told it does not exist.
    pub async fn request(&self, viewer: &Viewer, id: RequestId) -> Result<RequestView, AppError> {
        let request = requests::get(&self.db, id)
            .await
            .map_err(request_not_found)?;
        if party(&request, viewer).is_none() {
            return Err(AppError::NotFound("request"));
        }
        self.view_one(viewer, request).await
    }

    /// The viewer's requests, newest first: `incoming` (theirs to answer), `outgoing`
    /// (sent by them) or, without a direction, both; optionally in one state.
    pub async fn requests(
        &self,
        viewer: &Viewer,
        direction: Option<&str>,
        state: Option<&str>,
    ) -> Result<Vec<RequestView>, AppError> {
        let mut errors = FieldErrors::new();
        let direction = match direction.map(str::trim) {
            None | Some("") => None,
            Some("incoming") => Some(Direction::Incoming),
            Some("outgoing") => Some(Direction::Outgoing),
            Some(_) => {
                errors.add("direction", "must be incoming or outgoing");
                None
            }
        };
        let state = match state.map(str::trim) {
            None | Some("") => None,
            Some(raw) => errors.check("state", raw.parse::<RequestState>()),
        };
        errors.into_result()?;
        let found = requests::list(&self.db, viewer.id, direction, state, LIST_LIMIT).await?;
        self.views(viewer, found).await
    }

    /// The receiver accepts: the request becomes `accepted` and the mentorship starts, in
    /// one transaction under the mentor's lock, so however many accepts race, the mentor's
    /// active and paused mentorships never exceed their capacity (409 `mentor_at_capacity`).
    pub async fn accept_request(
        &self,
        viewer: &Viewer,
        id: RequestId,
    ) -> Result<Accepted, AppError> {
        let mut tx = self.db.begin().await?;
        let request = requests::get_in(&mut tx, id)
            .await
            .map_err(request_not_found)?;
        only(&request, viewer, Party::Receiver)?;
        // The mentor's lock holds their capacity. In a programme the mentee's holds one
        // mentor each there, so that mentors accepting her at once wait for each other;
        // both are taken in id order, so two accepts never wait on each other in a ring.
        let mut locks = vec![request.mentor];
        if request.programme.is_some() {
            locks.push(request.mentee);
            locks.sort_unstable();
        }
        for person in locks {
            mentorships::lock_person(&mut tx, self.db.backend(), person).await?;
        }
        let now = now_ms();
        if !requests::decide(&mut tx, id, RequestState::Accepted, "", now).await? {
            let state = requests::get_in(&mut tx, id).await?.state;
            return Err(not_pending(state));
        }
        if requests::mentoring_already(&mut tx, request.mentor, request.mentee).await? {
            return Err(mentoring_already());
        }
        let programme = match &request.programme {
            Some((id, name)) => {
                let p = lodestar_store::programmes::get(&self.db, *id)
                    .await?
                    .filter(|p| {
                        p.archived_at.is_none()
                            && p.dates.phase(crate::programmes::today()) != Phase::Ended
                    })
                    .ok_or_else(|| {
                        conflict(
                            "programme_closed",
                            format!("{name} has ended or was archived: the request can no longer start a mentorship in it"),
                        )
                    })?;
                programme::hold_enrolments(&mut tx, &p, request.mentor, request.mentee).await?;
                Some(p)
            }
            None => None,
        };
        // Counted after the lock: every accept that committed before is seen.
        if programme::free_places(&mut tx, request.mentor, programme.as_ref()).await? <= 0 {
            return Err(if viewer.id == request.mentor {
                conflict(
                    "mentor_at_capacity",
                    "all your places are taken: end or complete a mentorship, or raise your capacity on your profile, to accept another",
                )
            } else {
                at_capacity(&request.mentor_name)
            });
        }
        let mentorship = MentorshipId::new();
        let expected_end_on = Utc::now()
            .date_naive()
            .checked_add_days(Days::new(
                u64::try_from(request.duration_weeks.saturating_mul(7)).unwrap_or(0),
            ))
            .map(|d| d.format("%Y-%m-%d").to_string());
        let new = NewMentorship {
            id: mentorship,
            request: Some(id),
            members: vec![
                (request.mentor, MemberRole::Mentor),
                (request.mentee, MemberRole::Mentee),
            ],
            goals: String::new(),
            focus_areas: request.focus_areas.clone(),
            skills: request.skills.clone(),
            cadence: request.cadence,
            expected_end_on,
            actor: viewer.id,
            programme: programme.as_ref().map(|p| p.id),
        };
        mentorships::insert(&mut tx, &new).await?;
        requests::set_mentorship(&mut tx, id, mentorship).await?;
        requests::reset_expired_in_a_row(&mut tx, request.mentor).await?;
        let request = requests::get_in(&mut tx, id).await?;
        self.notify(&mut tx, &accepted_notice(&request, mentorship))
            .await?;
        let accepted = serde_json::json!({
            "request_id": id,
            "mentorship_id": mentorship,
            "mentor_id": request.mentor,
            "mentee_id": request.mentee,
        });
        self.queue_webhook(&mut tx, WebhookEvent::RequestAccepted, accepted)
            .await?;
        let started = crate::webhooks::mentorship_started(&new, MentorshipKind::Ongoing);
        self.queue_webhook(&mut tx, WebhookEvent::MentorshipStarted, started)
            .await?;
        lodestar_store::commit(tx).await?;
        tracing::info!(request = %id, mentorship = %mentorship, "request accepted");
        Ok(Accepted {
            request: self.view_one(viewer, request).await?,
            mentorship_id: mentorship,
        })
    }

    /// The receiver declines, with an optional reason the sender is shown.
    pub async fn decline_request(
        &self,
        viewer: &Viewer,
        id: RequestId,
        reason: Option<&str>,
    ) -> Result<RequestView, AppError> {
        let reason = decline_reason(reason)?;
        let mut tx = self.db.begin().await?;
        let request = requests::get_in(&mut tx, id)
            .await
            .map_err(request_not_found)?;
        only(&request, viewer, Party::Receiver)?;
        if !requests::decide(&mut tx, id, RequestState::Declined, &reason, now_ms()).await? {
            let state = requests::get_in(&mut tx, id).await?.state;
            return Err(not_pending(state));
        }
        if viewer.id == request.mentor {
            requests::reset_expired_in_a_row(&mut tx, request.mentor).await?;
        }
        let request = requests::get_in(&mut tx, id).await?;
        self.notify(&mut tx, &declined_notice(&request)).await?;
        lodestar_store::commit(tx).await?;
        tracing::info!(request = %id, "request declined");
        self.view_one(viewer, request).await
    }

    /// The sender withdraws a request still waiting for an answer.
    pub async fn withdraw_request(
        &self,
        viewer: &Viewer,
        id: RequestId,
    ) -> Result<RequestView, AppError> {
        let mut tx = self.db.begin().await?;
        let request = requests::get_in(&mut tx, id)
            .await
            .map_err(request_not_found)?;
        only(&request, viewer, Party::Sender)?;
        if !requests::decide(&mut tx, id, RequestState::Withdrawn, "", now_ms()).await? {
            let state = requests::get_in(&mut tx, id).await?.state;
            return Err(not_pending(state));
        }
        let request = requests::get_in(&mut tx, id).await?;
        lodestar_store::commit(tx).await?;
        tracing::info!(request = %id, "request withdrawn");
        self.view_one(viewer, request).await
    }

    /// Whether the viewer takes requests as a mentor.
    pub async fn accepting_requests(&self, viewer: &Viewer) -> Result<StandingView, AppError> {
        let mut conn = self.db.reader().acquire().await.map_err(StoreError::from)?;
        Ok(StandingView::from(
            requests::standing(&mut conn, viewer.id).await?,
        ))
    }

    /// The viewer turns requests on (after they were turned off for going unanswered) or
    /// off. Either way the count of requests that expired in a row starts again.
    pub async fn set_accepting_requests(
        &self,
        viewer: &Viewer,
        accepting: bool,
    ) -> Result<StandingView, AppError> {
        let mut tx = self.db.begin().await?;
        requests::set_accepting(&mut tx, viewer.id, accepting).await?;
        let standing = requests::standing(&mut tx, viewer.id).await?;
        lodestar_store::commit(tx).await?;
        tracing::info!(person = %viewer.id, accepting, "requests turned {}", if accepting { "on" } else { "off" });
        Ok(StandingView::from(standing))
    }
}

/// Refuses anyone but `who`: someone who is not a party is told the request does not exist;
/// the other party may see it but not do this.
fn only(request: &Request, viewer: &Viewer, who: Party) -> Result<(), AppError> {
    match party(request, viewer) {
        None => Err(AppError::NotFound("request")),
        Some(p) if p != who => Err(AppError::Forbidden),
        Some(_) if !request.state.is_open() => Err(not_pending(request.state)),
        Some(_) => Ok(()),
    }
}

/// The optional reason given with a decline (or a programme admin's rejection), checked.
fn decline_reason(raw: Option<&str>) -> Result<String, AppError> {
    multi_line(raw.unwrap_or_default(), MAX_REASON)
        .map_err(|e| AppError::invalid("reason", e.to_string()))
}

fn request_exists() -> AppError {
    conflict(
        "request_exists",
        "there is already a request between you two waiting for an answer",
    )
}

fn mentoring_already() -> AppError {
    conflict(
        "mentorship_exists",
        "you two already have a mentorship under way",
    )
}
