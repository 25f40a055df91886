//! What the API and the pages show of a request, as one of its two parties sees it.

use std::collections::HashMap;

use chrono::SecondsFormat;
use lodestar_domain::mentoring::{Cadence, RequestState, Review};
use lodestar_domain::{
    FocusArea, MentorshipId, PersonId, ProgrammeId, RequestId, SkillId, ThreadId,
};
use lodestar_store::requests::{self, Request, Standing};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{App, AppError, Viewer};

/// A person, by id and name.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonRef {
    #[schema(value_type = String, format = Uuid)]
    pub id: PersonId,
    pub name: String,
}

/// A skill, by slug and name.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SkillRef {
    #[schema(example = "public-speaking")]
    pub slug: String,
    #[schema(example = "Public speaking")]
    pub name: String,
    #[serde(skip)]
    pub id: SkillId,
}

/// The programme a request is made in.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProgrammeRef {
    #[schema(value_type = String, format = Uuid)]
    pub id: ProgrammeId,
    pub name: String,
    /// Whether its admins approve each request before the mentor sees it.
    pub reviewed: bool,
}

/// A mentorship request.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RequestView {
    #[schema(value_type = String, format = Uuid)]
    pub id: RequestId,
    /// pending, accepted, declined, withdrawn or expired.
    #[schema(example = "pending")]
    pub state: String,
    /// Who sent it: `mentee` (asking a mentor) or `mentor` (offering to mentor).
    #[schema(example = "mentee")]
    pub initiator: String,
    /// As you see it: `incoming` (yours to answer), `outgoing` (sent by you) or `review`
    /// (yours to approve, as an admin of its programme).
    #[schema(example = "outgoing")]
    pub direction: String,
    pub mentor: PersonRef,
    pub mentee: PersonRef,
    pub message: String,
    /// Skills from the mentee's wanted list.
    pub skills: Vec<SkillRef>,
    #[schema(example = json!(["confidence", "career_path"]))]
    pub focus_areas: Vec<String>,
    /// weekly, fortnightly or monthly.
    #[schema(example = "fortnightly")]
    pub cadence: String,
    pub duration_weeks: i64,
    /// The reason given with a decline, if any.
    pub decline_reason: Option<String>,
    /// The mentorship an accepted request started.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub mentorship_id: Option<MentorshipId>,
    /// The request's conversation (`/api/v1/threads/{id}/messages`), which the mentorship
    /// it starts continues.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub thread_id: Option<ThreadId>,
    /// RFC 3339.
    #[schema(example = "2026-12-04T10:00:00.000Z")]
    pub created_at: String,
    /// When a pending request expires unanswered (RFC 3339).
    pub expires_at: String,
    /// When it was answered, withdrawn or expired (RFC 3339).
    pub decided_at: Option<String>,
    /// The programme it is made in; the mentorship it starts belongs to it.
    pub programme: Option<ProgrammeRef>,
    /// In an admin-assisted programme: `waiting` for an admin's approval (the mentor does
    /// not see it yet), `approved` or `rejected`.
    #[schema(example = "waiting")]
    pub review: Option<String>,
}

impl RequestView {
    pub fn is_pending(&self) -> bool {
        self.state == RequestState::Pending.as_str()
    }

    pub fn is_incoming(&self) -> bool {
        self.direction == "incoming"
    }

    pub fn is_offer(&self) -> bool {
        self.initiator == "mentor"
    }

    /// Whether it waits for a programme admin's approval.
    pub fn is_waiting(&self) -> bool {
        self.review.as_deref() == Some(Review::Waiting.as_str())
    }

    /// The other party, as the viewer sees the request.
    pub fn other(&self) -> &PersonRef {
        match (self.is_incoming(), self.is_offer()) {
            (true, false) | (false, true) => &self.mentee,
            (true, true) | (false, false) => &self.mentor,
        }
    }

    pub fn state_label(&self) -> &'static str {
        self.state
            .parse::<RequestState>()
            .map(RequestState::label)
            .unwrap_or_default()
    }

    pub fn cadence_label(&self) -> &'static str {
        self.cadence
            .parse::<Cadence>()
            .map(Cadence::label)
            .unwrap_or_default()
    }

    pub fn focus_labels(&self) -> Vec<&'static str> {
        self.focus_areas
            .iter()
            .filter_map(|f| FocusArea::parse(f))
            .map(FocusArea::label)
            .collect()
    }

    /// A date and time for people: "2026-12-18 10:00 UTC".
    pub fn when(stamp: &str) -> String {
        chrono::DateTime::parse_from_rfc3339(stamp)
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default()
    }
}

/// An accepted request and the mentorship it started.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Accepted {
    pub request: RequestView,
    #[schema(value_type = String, format = Uuid)]
    pub mentorship_id: MentorshipId,
}

/// Whether you take requests as a mentor.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StandingView {
    /// Mentees can send you requests.
    pub accepting: bool,
    /// Requests to you that expired unanswered since your last answer.
    pub expired_in_a_row: i64,
    /// Why requests were turned off, when they were turned off for going unanswered.
    pub paused_reason: Option<String>,
}

impl From<Standing> for StandingView {
    fn from(s: Standing) -> Self {
        Self {
            accepting: s.accepting,
            expired_in_a_row: s.expired_in_a_row,
            paused_reason: (!s.paused_reason.is_empty()).then_some(s.paused_reason),
        }
    }
}

/// What the form for asking (or offering) shows.
#[derive(Clone, Debug)]
pub struct RequestDraft {
    /// A mentor offering to mentor `target`, rather than asking them.
    pub offer: bool,
    pub target: PersonRef,
    pub mentee_name: String,
    /// The skills the mentee wants to grow.
    pub wanted: Vec<SkillRef>,
    /// The mentee's focus areas (keys), ticked at first.
    pub mentee_focus: Vec<String>,
    /// The programme it is asked in.
    pub programme: Option<ProgrammeRef>,
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_default()
}

fn view(viewer: &Viewer, r: Request, skills: &HashMap<SkillId, (String, String)>) -> RequestView {
    RequestView {
        id: r.id,
        state: r.state.as_str().to_owned(),
        initiator: r.initiator.as_str().to_owned(),
        direction: if viewer.id == r.receiver() {
            "incoming"
        } else if viewer.id == r.sender() {
            "outgoing"
        } else {
            "review"
        }
        .to_owned(),
        mentor: PersonRef {
            id: r.mentor,
            name: r.mentor_name,
        },
        mentee: PersonRef {
            id: r.mentee,
            name: r.mentee_name,
        },
        message: r.message,
        skills: r
            .skills
            .iter()
            .filter_map(|id| {
                skills.get(id).map(|(slug, name)| SkillRef {
                    slug: slug.clone(),
                    name: name.clone(),
                    id: *id,
                })
            })
            .collect(),
        focus_areas: r
            .focus_areas
            .iter()
            .map(|f| f.as_str().to_owned())
            .collect(),
        cadence: r.cadence.as_str().to_owned(),
        duration_weeks: r.duration_weeks,
        decline_reason: (!r.decline_reason.is_empty()).then_some(r.decline_reason),
        mentorship_id: r.mentorship,
        thread_id: r.thread,
        created_at: rfc3339(r.created_at),
        expires_at: rfc3339(r.expires_at),
        decided_at: r.decided_at.map(rfc3339),
        programme: r.programme.map(|(id, name)| ProgrammeRef {
            id,
            name,
            reviewed: r.review.is_some(),
        }),
        review: r.review.map(|v| v.as_str().to_owned()),
    }
}

impl App {
    /// Requests as the viewer sees them, with their skills' names read in one query.
    pub(super) async fn views(
        &self,
        viewer: &Viewer,
        found: Vec<Request>,
    ) -> Result<Vec<RequestView>, AppError> {
        let mut ids: Vec<SkillId> = found.iter().flat_map(|r| r.skills.clone()).collect();
        ids.sort_unstable();
        ids.dedup();
        let skills: HashMap<SkillId, (String, String)> = requests::skill_names(&self.db, &ids)
            .await?
            .into_iter()
            .map(|(id, slug, name)| (id, (slug, name)))
            .collect();
        Ok(found
            .into_iter()
            .map(|r| view(viewer, r, &skills))
            .collect())
    }

    pub(super) async fn view_one(
        &self,
        viewer: &Viewer,
        request: Request,
    ) -> Result<RequestView, AppError> {
        self.views(viewer, vec![request])
            .await?
            .pop()
            .ok_or(AppError::NotFound("request"))
    }
}
