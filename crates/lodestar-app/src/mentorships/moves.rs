//! Moving a mentorship between states (pause, resume, complete, cancel), closing
//! reflections, and the periodic jobs: resuming paused mentorships on their day and
//! flagging stalled ones. Every move is written with the event that records it and the
//! notices that tell the other members, in one transaction; the store's conditional
//! UPDATE lets exactly one of two racing moves happen.

use lodestar_domain::mentoring::{MentorshipState, NotificationKind};
use lodestar_domain::text::multi_line;
use lodestar_domain::{FieldErrors, MentorshipId, PersonId};
use lodestar_store::mentorships::{self as store, Move, Partner};
use lodestar_store::notifications::Notice;
use lodestar_store::{Tx, now_ms};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{MAX_REASON, MAX_REFLECTION, MentorshipView, day_of, join_names, parse_day};
use crate::{App, AppError, DAY_MS, Viewer};

/// Pausing: until when, and optionally why.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseInput {
    /// YYYY-MM-DD, after today (UTC). The mentorship resumes by itself that day.
    #[schema(example = "2027-01-10")]
    pub resume_on: String,
    /// Shown on the timeline and to the other members.
    #[schema(max_length = 500, example = "moving house")]
    pub reason: Option<String>,
}

/// Completing, or adding your closing reflection to a completed mentorship.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteInput {
    /// Your closing reflection, which the other members can read.
    #[schema(max_length = 4000)]
    pub reflection: Option<String>,
    /// Your private rating of the mentorship, 1–5. Nobody else ever sees it.
    #[schema(minimum = 1, maximum = 5)]
    pub rating: Option<i64>,
}

/// Cancelling: why (required, shown to the other members).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelInput {
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// The refusal of a move the state machine does not allow, saying why.
fn refusal(from: MentorshipState, to: MentorshipState) -> AppError {
    let message = match (from, to) {
        (MentorshipState::Completed | MentorshipState::Cancelled, _) => format!(
            "this mentorship is {}: an ended mentorship stays ended",
            from.label().to_lowercase()
        ),
        (MentorshipState::Active, MentorshipState::Active) => {
            "this mentorship is not paused, so it cannot be resumed".to_owned()
        }
        (MentorshipState::Paused, MentorshipState::Paused) => {
            "this mentorship is already paused; resume it first".to_owned()
        }
        _ => format!(
            "a {} mentorship cannot become {}",
            from.label().to_lowercase(),
            to.label().to_lowercase()
        ),
    };
    AppError::Conflict {
        code: "invalid_transition",
        field: None,
        message,
    }
}

/// A span of time in words: "5 days", "3 weeks".
pub(crate) fn span(ms: i64) -> String {
    let days = ms.max(0) / DAY_MS;
    match days {
        1 => "1 day".to_owned(),
        d if d < 14 => format!("{d} days"),
        d => format!("{} weeks", d / 7),
    }
}

fn link(id: MentorshipId) -> String {
    format!("/mentorships/{id}")
}

impl App {
    /// Tells every member but `actor` of a move, in the move's transaction.
    async fn tell_others(
        &self,
        conn: &mut Tx,
        id: MentorshipId,
        (members, actor): (&[Partner], Option<PersonId>),
        (kind, title, body): (NotificationKind, &str, &str),
    ) -> Result<(), AppError> {
        for member in members.iter().filter(|m| Some(m.person) != actor) {
            let notice = Notice {
                person: member.person,
                kind,
                title: title.to_owned(),
                body: body.to_owned(),
                link: link(id),
                calendar: None,
            };
            self.notify(conn, &notice).await?;
        }
        Ok(())
    }

    /// Makes `step` on a mentorship the viewer is in, with its timeline entry and the
    /// notice to the others; refuses it with `invalid_transition` when the state does not
    /// allow it, including when another move won a race for it.
    async fn move_mentorship(
        &self,
        viewer: &Viewer,
        id: MentorshipId,
        step: Move<'_>,
        detail: &str,
        notice: (NotificationKind, String, String),
    ) -> Result<(), AppError> {
        let members = store::named_members(&self.db, id).await?;
        let mut tx = self.db.begin().await?;
        if !store::make_move(&mut tx, id, step, None, now_ms()).await? {
            let state = store::state_of(&mut tx, id).await?;
            return Err(match state {
                Some(state) => refusal(state, step.target()),
                None => AppError::NotFound("mentorship"),
            });
        }
        store::record_event(&mut tx, id, Some(viewer.id), step.target().as_str(), detail).await?;
        if step.target() == MentorshipState::Cancelled {
            let reason = format!("The mentorship was cancelled: {detail}");
            self.cancel_upcoming_meetings(&mut tx, viewer, id, &reason)
                .await?;
        }
        let (kind, title, body) = notice;
        let told = (&members[..], Some(viewer.id));
        self.tell_others(&mut tx, id, told, (kind, &title, &body))
            .await?;
        lodestar_store::commit(tx).await?;
        Ok(())
    }

    /// The viewer's membership's state, after checking they are a member and that the
    /// state may become `to` (with a clear refusal if not).
    async fn movable(
        &self,
        viewer: &Viewer,
        id: MentorshipId,
        to: MentorshipState,
    ) -> Result<(), AppError> {
        let state = store::membership(&self.db, id, viewer.id)
            .await?
            .ok_or(AppError::NotFound("mentorship"))?
            .state;
        if state.can_become(to) {
            Ok(())
        } else {
            Err(refusal(state, to))
        }
    }

    /// Pauses an active mentorship until a later day, when it resumes by itself.
    pub async fn pause_mentorship(
        &self,
        viewer: &Viewer,
        id: MentorshipId,
        input: &PauseInput,
    ) -> Result<MentorshipView, AppError> {
        self.movable(viewer, id, MentorshipState::Paused).await?;
        let mut errors = FieldErrors::new();
        let today = day_of(now_ms());
        let resume_on = match parse_day(&input.resume_on) {
            Ok(day) if day <= today => {
                errors.add("resume_on", format!("must be after today ({today})"));
                None
            }
            Ok(day) => Some(day.to_string()),
            Err(message) => {
                errors.add("resume_on", message);
                None
            }
        };
        let reason = input
            .reason
            .as_deref()
            .and_then(|r| errors.check("reason", multi_line(r, MAX_REASON)))
            .unwrap_or_default();
        errors.into_result()?;
        let resume_on = resume_on.unwrap_or_default();
        let detail = if reason.is_empty() {
            format!("until {resume_on}")
        } else {
            format!("until {resume_on}: {reason}")
        };
        let body = if reason.is_empty() {
            format!("It resumes by itself on {resume_on}.")
        } else {
            format!("It resumes by itself on {resume_on}. Their reason: {reason}")
        };
        let notice = (
            NotificationKind::MentorshipPaused,
            format!("{} paused your mentorship", viewer.name),
            body,
        );
        let step = Move::Pause {
            resume_on: &resume_on,
        };
        self.move_mentorship(viewer, id, step, &detail, notice)
            .await?;
        self.mentorship(viewer, id).await
    }

    /// Resumes a paused mentorship before its day.
    pub async fn resume_mentorship(
        &self,
        viewer: &Viewer,
        id: MentorshipId,
    ) -> Result<MentorshipView, AppError> {
        self.movable(viewer, id, MentorshipState::Active).await?;
        let notice = (
            NotificationKind::MentorshipResumed,
            format!("{} resumed your mentorship", viewer.name),
            "Your mentorship is active again: schedule your next session.".to_owned(),
        );
        self.move_mentorship(viewer, id, Move::Resume, "", notice)
            .await?;
        self.mentorship(viewer, id).await
    }

    /// Cancels an open mentorship, with a reason the others are told.
    pub async fn cancel_mentorship(
        &self,
        viewer: &Viewer,
        id: MentorshipId,
        input: &CancelInput,
    ) -> Result<MentorshipView, AppError> {
        self.movable(viewer, id, MentorshipState::Cancelled).await?;
        let reason = match multi_line(&input.reason, MAX_REASON) {
            Ok(reason) if reason.is_empty() => {
                return Err(AppError::invalid("reason", "say why you are cancelling"));
            }
            Ok(reason) => reason,
            Err(e) => return Err(AppError::invalid("reason", e.to_string())),
        };
        let notice = (
            NotificationKind::MentorshipCancelled,
            format!("{} cancelled your mentorship", viewer.name),
            format!("Their reason: {reason}"),
        );
        self.move_mentorship(viewer, id, Move::Cancel, &reason, notice)
            .await?;
        self.mentorship(viewer, id).await
    }

    /// Completes an open mentorship with the viewer's closing reflection and private
    /// rating (both optional). On a mentorship already completed, records the reflection
    /// and rating of a member who has not given theirs yet, without a second completion.
    pub async fn complete_mentorship(
        &self,
        viewer: &Viewer,
        id: MentorshipId,
        input: &CompleteInput,
    ) -> Result<MentorshipView, AppError> {
        let state = store::membership(&self.db, id, viewer.id)
            .await?
            .ok_or(AppError::NotFound("mentorship"))?
            .state;
        if state == MentorshipState::Cancelled {
            return Err(refusal(state, MentorshipState::Completed));
        }
        let mut errors = FieldErrors::new();
        let reflection = input
            .reflection
            .as_deref()
            .and_then(|r| errors.check("reflection", multi_line(r, MAX_REFLECTION)))
            .unwrap_or_default();
        if input.rating.is_some_and(|r| !(1..=5).contains(&r)) {
            errors.add("rating", "must be from 1 to 5");
        }
        errors.into_result()?;
        let reflects = !reflection.is_empty() || input.rating.is_some();

        let members = store::named_members(&self.db, id).await?;
        let mut tx = self.db.begin().await?;
        let completed_now = store::make_move(&mut tx, id, Move::Complete, None, now_ms()).await?;
        if completed_now {
            store::record_event(&mut tx, id, Some(viewer.id), "completed", "").await?;
            let reason = "The mentorship is completed";
            self.cancel_upcoming_meetings(&mut tx, viewer, id, reason)
                .await?;
            let body =
                "Add your closing reflection and your private rating on the mentorship's page.";
            let title = format!("{} completed your mentorship", viewer.name);
            let kind = NotificationKind::MentorshipCompleted;
            let told = (&members[..], Some(viewer.id));
            self.tell_others(&mut tx, id, told, (kind, &title, body))
                .await?;
            let completed = serde_json::json!({
                "mentorship_id": id,
                "completed_by": viewer.id,
            });
            self.queue_webhook(
                &mut tx,
                lodestar_domain::webhook::WebhookEvent::MentorshipCompleted,
                completed,
            )
            .await?;
        } else {
            match store::state_of(&mut tx, id).await? {
                Some(MentorshipState::Completed) if reflects => {}
                Some(state) => return Err(refusal(state, MentorshipState::Completed)),
                None => return Err(AppError::NotFound("mentorship")),
            }
        }
        if reflects {
            let rating = input.rating;
            if !store::record_reflection(&mut tx, id, viewer.id, &reflection, rating).await? {
                return Err(AppError::Conflict {
                    code: "already_reflected",
                    field: None,
                    message: "you have already given your closing reflection".into(),
                });
            }
            if !completed_now {
                store::record_event(&mut tx, id, Some(viewer.id), "reflected", "").await?;
            }
        }
        lodestar_store::commit(tx).await?;
        self.mentorship(viewer, id).await
    }

    /// Resumes every paused mentorship whose resume date has come (UTC), telling its
    /// members. Idempotent, and safe in several processes at once: each resume is a
    /// conditional UPDATE only one of them wins. Returns how many it resumed.
    pub async fn resume_paused_mentorships(&self, now: i64) -> Result<usize, AppError> {
        let today = day_of(now).to_string();
        let mut resumed = 0;
        for id in store::due_to_resume(&self.db, &today).await? {
            let members = store::named_members(&self.db, id).await?;
            let mut tx = self.db.begin().await?;
            if !store::make_move(&mut tx, id, Move::Resume, Some(&today), now).await? {
                continue;
            }
            store::record_event(&mut tx, id, None, "resumed", "resumed as planned").await?;
            let body = "Your mentorship is active again, as planned: schedule your next session.";
            let kind = NotificationKind::MentorshipResumed;
            let title = "Your mentorship resumes today";
            self.tell_others(&mut tx, id, (&members[..], None), (kind, title, body))
                .await?;
            lodestar_store::commit(tx).await?;
            resumed += 1;
        }
        Ok(resumed)
    }

    /// Flags every active mentorship with no session held or scheduled for the policy's
    /// `stalled_after_ms` (and none coming up), and nudges its members. A meeting lifts the
    /// flag ([`lodestar_store::mentorships::touch_activity`]). Idempotent and safe in
    /// several processes at once. Returns how many it flagged.
    pub async fn flag_stalled_mentorships(&self, now: i64) -> Result<usize, AppError> {
        let quiet_since = now - self.policy.mentoring.stalled_after_ms;
        let mut flagged = 0;
        for id in store::newly_stalled(&self.db, quiet_since, now).await? {
            let members = store::named_members(&self.db, id).await?;
            let mut tx = self.db.begin().await?;
            let Some(quiet) = store::flag_stalled(&mut tx, id, quiet_since, now).await? else {
                continue;
            };
            let how_long = span(now - quiet.last_activity_at);
            let detail = format!("no session held or scheduled for {how_long}");
            store::record_event(&mut tx, id, None, "stalled", &detail).await?;
            let nudge = if quiet.never_met {
                format!(
                    "It has been {how_long} since your mentorship started and you have not met yet — schedule a session."
                )
            } else {
                format!("It has been {how_long} since you last met — schedule a session.")
            };
            for member in &members {
                let others = join_names(
                    members
                        .iter()
                        .filter(|m| m.person != member.person)
                        .map(|m| m.name.as_str()),
                );
                let notice = Notice {
                    person: member.person,
                    kind: NotificationKind::MentorshipStalled,
                    title: format!("Your mentorship with {others} has stalled"),
                    body: nudge.clone(),
                    link: link(id),
                    calendar: None,
                };
                self.notify(&mut tx, &notice).await?;
            }
            lodestar_store::commit(tx).await?;
            flagged += 1;
        }
        Ok(flagged)
    }
}
