//! What a member sees of a mentorship, and the lists: the views the API returns and the
//! pages show, and the one function that decides what of a mentorship a member may see.

use lodestar_domain::mentoring::{Cadence, MemberRole, MentorshipKind, MentorshipState};
use lodestar_domain::{MentorshipId, PersonId, ThreadId};
use lodestar_store::mentorships::{self as store, MentorshipDetail};
use serde::Serialize;
use utoipa::ToSchema;

use super::EventView;
use crate::Viewer;
use crate::account_deletion::DELETED_ACCOUNT;
use crate::people::FocusAreaView;

/// How to reach a member, shown to the others only while the mentorship is open.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ContactView {
    /// Their e-mail address, unless their profile hides it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// What they wrote about how to reach them in this mentorship.
    pub details: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MemberView {
    /// `null` for a member whose account was deleted (named "Deleted account").
    #[schema(value_type = Option<String>, format = Uuid)]
    pub id: Option<PersonId>,
    pub name: String,
    #[schema(value_type = String, example = "mentor")]
    pub role: MemberRole,
    /// This member is you.
    pub you: bool,
    /// Present on your own entry always, and on the others' while the mentorship is active
    /// or paused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactView>,
    /// Their closing reflection, once given. (Ratings are private and never listed here.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reflection: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SkillRef {
    pub slug: String,
    pub name: String,
}

/// What the members agreed on. Any member may edit it while the mentorship is open.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AgreementView {
    pub goals: String,
    pub focus_areas: Vec<FocusAreaView>,
    /// The skills the request named.
    pub skills: Vec<SkillRef>,
    #[schema(value_type = String, example = "fortnightly")]
    pub cadence: Cadence,
    pub cadence_label: String,
    /// YYYY-MM-DD.
    pub expected_end_on: Option<String>,
}

/// A mentorship as one of its members sees it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MentorshipView {
    #[schema(value_type = String, format = Uuid)]
    pub id: MentorshipId,
    #[schema(value_type = String, example = "active")]
    pub state: MentorshipState,
    pub state_label: String,
    #[schema(value_type = String, example = "mentee")]
    pub my_role: MemberRole,
    /// While paused: the day it resumes by itself (YYYY-MM-DD).
    pub resume_on: Option<String>,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub ended_at: Option<i64>,
    pub last_activity_at: i64,
    /// Set while it is flagged as stalled (no session held or scheduled for a while).
    pub stalled_since: Option<i64>,
    pub agreement: AgreementView,
    /// Mentors first.
    pub members: Vec<MemberView>,
    /// Your own closing reflection (empty until you give one).
    pub my_reflection: String,
    /// Your own private rating, 1–5; nobody else ever sees it.
    pub my_rating: Option<i64>,
    /// What you can do now: any of `edit`, `pause`, `resume`, `complete`, `cancel`,
    /// `reflect` (add your closing reflection to a completed mentorship).
    pub actions: Vec<String>,
    /// Every change, oldest first.
    pub timeline: Vec<EventView>,
    /// The mentorship's conversation (the request's, continued, when it came from one).
    #[schema(value_type = Option<String>, format = Uuid)]
    pub thread_id: Option<ThreadId>,
    /// `ongoing`, or `flash`: a one-off conversation, which ends after its session.
    #[schema(value_type = String, example = "ongoing")]
    pub kind: MentorshipKind,
    /// For a one-off conversation: a message to start a request from it with (the mentee
    /// asks the mentor, or the mentor offers; `POST /api/v1/requests`).
    pub follow_up_message: Option<String>,
}

impl MentorshipView {
    pub fn can(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a == action)
    }

    /// The other members, by name ("Mina Mentor and Ted Mentee").
    pub fn others(&self) -> String {
        join_names(
            self.members
                .iter()
                .filter(|m| !m.you)
                .map(|m| m.name.as_str()),
        )
    }
}

/// Names as a sentence lists them.
pub fn join_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Another member in a list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PartnerView {
    /// `null` for a member whose account was deleted (named "Deleted account").
    #[schema(value_type = Option<String>, format = Uuid)]
    pub id: Option<PersonId>,
    pub name: String,
    #[schema(value_type = String, example = "mentor")]
    pub role: MemberRole,
}

impl PartnerView {
    pub fn of(partner: &store::Partner) -> Self {
        Self {
            id: Some(partner.person),
            name: partner.name.clone(),
            role: partner.role,
        }
    }

    /// The side of a member whose account was deleted.
    pub fn deleted(role: MemberRole) -> Self {
        Self {
            id: None,
            name: DELETED_ACCOUNT.to_owned(),
            role,
        }
    }
}

/// One of your mentorships in a list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MentorshipSummary {
    #[schema(value_type = String, format = Uuid)]
    pub id: MentorshipId,
    #[schema(value_type = String, example = "active")]
    pub state: MentorshipState,
    pub state_label: String,
    #[schema(value_type = String, example = "mentee")]
    pub my_role: MemberRole,
    /// The other members, mentors first.
    pub with: Vec<PartnerView>,
    #[schema(value_type = String, example = "weekly")]
    pub cadence: Cadence,
    pub cadence_label: String,
    /// Epoch milliseconds of the next scheduled session, if any.
    pub next_session_at: Option<i64>,
    pub open_action_items: i64,
    pub resume_on: Option<String>,
    pub expected_end_on: Option<String>,
    pub stalled_since: Option<i64>,
    pub last_activity_at: i64,
    pub created_at: i64,
    pub ended_at: Option<i64>,
    /// `ongoing`, or `flash`: a one-off conversation.
    #[schema(value_type = String, example = "ongoing")]
    pub kind: MentorshipKind,
}

impl MentorshipSummary {
    pub fn with_names(&self) -> String {
        join_names(self.with.iter().map(|p| p.name.as_str()))
    }
}

impl From<&store::Listed> for MentorshipSummary {
    fn from(l: &store::Listed) -> Self {
        let m = &l.mentorship;
        Self {
            id: m.id,
            state: m.state,
            state_label: m.state.label().to_owned(),
            my_role: l.my_role,
            with: with_departed(l.others.iter().map(PartnerView::of).collect(), &l.departed),
            cadence: m.cadence,
            cadence_label: m.cadence.label().to_owned(),
            next_session_at: l.next_meeting_at,
            open_action_items: l.open_action_items,
            resume_on: m.resume_on.clone(),
            expected_end_on: m.expected_end_on.clone(),
            stalled_since: m.stalled_since,
            last_activity_at: m.last_activity_at,
            created_at: m.created_at,
            ended_at: m.ended_at,
            kind: m.kind,
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MentorshipList {
    /// Newest first.
    pub mentorships: Vec<MentorshipSummary>,
}

/// A stalled mentorship in the admins' list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StalledView {
    #[schema(value_type = String, format = Uuid)]
    pub id: MentorshipId,
    /// Mentors first.
    pub members: Vec<PartnerView>,
    /// Whole days since a session was last held or scheduled (or since it started).
    pub days_since_activity: i64,
    /// Epoch milliseconds: when it was flagged.
    pub stalled_since: i64,
}

impl StalledView {
    pub fn names(&self) -> String {
        join_names(self.members.iter().map(|p| p.name.as_str()))
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StalledList {
    /// The longest quiet first.
    pub mentorships: Vec<StalledView>,
}

/// `partners` with the sides of deleted accounts in their place: mentors first.
fn with_departed(mut partners: Vec<PartnerView>, departed: &[MemberRole]) -> Vec<PartnerView> {
    partners.extend(departed.iter().map(|r| PartnerView::deleted(*r)));
    // Stable: within a role, the order the store gave stays.
    partners.sort_by_key(|p| p.role != MemberRole::Mentor);
    partners
}

/// What `viewer` may see of `detail`: the others' contact details only while it is open.
pub(super) fn view_of(
    viewer: &Viewer,
    detail: MentorshipDetail,
    skills: Vec<SkillRef>,
    events: &[store::EventRecord],
) -> MentorshipView {
    let m = detail.mentorship;
    let open = m.state.is_open();
    let mine = detail.members.iter().find(|x| x.person == viewer.id);
    let my_role = mine.map_or(MemberRole::Mentee, |x| x.role);
    let my_reflection = mine.map(|x| x.reflection.clone()).unwrap_or_default();
    let my_rating = mine.and_then(|x| x.rating);
    let reflected = !my_reflection.is_empty() || my_rating.is_some();
    let flash = m.kind == MentorshipKind::Flash;
    let actions: &[&str] = match m.state {
        // A one-off conversation is not paused: it ends after its session.
        MentorshipState::Active if flash => &["edit", "complete", "cancel"],
        MentorshipState::Active => &["edit", "pause", "complete", "cancel"],
        MentorshipState::Paused => &["edit", "resume", "complete", "cancel"],
        MentorshipState::Completed if !reflected => &["reflect"],
        MentorshipState::Completed | MentorshipState::Cancelled => &[],
    };
    let mut members: Vec<MemberView> = detail
        .members
        .into_iter()
        .map(|x| {
            let you = x.person == viewer.id;
            MemberView {
                id: Some(x.person),
                name: x.name,
                role: x.role,
                you,
                contact: (you || open).then_some(ContactView {
                    email: x.email,
                    details: x.contact,
                }),
                reflection: (!x.reflection.is_empty()).then_some(x.reflection),
            }
        })
        .collect();
    members.extend(detail.departed.iter().map(|role| MemberView {
        id: None,
        name: DELETED_ACCOUNT.to_owned(),
        role: *role,
        you: false,
        contact: None,
        reflection: None,
    }));
    members.sort_by_key(|x| x.role != MemberRole::Mentor);
    let follow_up_message = flash.then(|| {
        format!(
            "After our one-off conversation about \u{201c}{}\u{201d}, I would like to go on as a mentorship.",
            m.goals
        )
    });
    MentorshipView {
        kind: m.kind,
        follow_up_message,
        id: m.id,
        state: m.state,
        state_label: m.state.label().to_owned(),
        my_role,
        resume_on: m.resume_on,
        created_at: m.created_at,
        ended_at: m.ended_at,
        last_activity_at: m.last_activity_at,
        stalled_since: m.stalled_since,
        agreement: AgreementView {
            goals: m.goals,
            focus_areas: m
                .focus_areas
                .iter()
                .map(|f| FocusAreaView {
                    key: f.as_str().to_owned(),
                    label: f.label().to_owned(),
                })
                .collect(),
            skills,
            cadence: m.cadence,
            cadence_label: m.cadence.label().to_owned(),
            expected_end_on: m.expected_end_on,
        },
        members,
        my_reflection,
        my_rating,
        actions: actions.iter().map(|a| (*a).to_owned()).collect(),
        timeline: events.iter().map(EventView::from).collect(),
        thread_id: m.thread,
    }
}
