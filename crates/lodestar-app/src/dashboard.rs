//! A person's dashboard: what to do next about their profile, their mentorships and
//! sessions, requests waiting in either direction, action items due, and nudges (a
//! stalled mentorship, requests turned off). Each section is one index-led query; they
//! run at once.

use std::sync::Arc;

use lodestar_domain::mentoring::MentorshipState;
use lodestar_domain::{ActionItemId, MeetingId, MentorshipId};
use lodestar_store::{dashboard as store, mentorships, now_ms};

use crate::directory::{DirectoryPage, DirectoryQuery};
use crate::mentorships::{MentorshipSummary, day_of};
use crate::people::ProfileView;
use crate::{App, AppError, Viewer};

/// Action items due within this many days are shown (and every overdue one).
const ITEMS_DUE_WITHIN_DAYS: u64 = 7;
const MAX_SESSIONS: i64 = 5;
const MAX_ITEMS: i64 = 10;

/// A step towards a complete profile.
#[derive(Clone, Debug)]
pub struct ChecklistItem {
    pub label: &'static str,
    pub done: bool,
    /// Where on the profile form to do it.
    pub link: &'static str,
}

/// A session coming up.
#[derive(Clone, Debug)]
pub struct SessionSoon {
    pub id: MeetingId,
    pub mentorship: MentorshipId,
    /// The other members, by name.
    pub with: String,
    /// Epoch milliseconds.
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub location: String,
}

/// An open action item of the person's, due soon or overdue.
#[derive(Clone, Debug)]
pub struct ItemDue {
    pub id: ActionItemId,
    pub mentorship: MentorshipId,
    pub title: String,
    /// YYYY-MM-DD.
    pub due_on: String,
    pub overdue: bool,
}

/// Something the person should act on, with where to do it.
#[derive(Clone, Debug)]
pub struct Nudge {
    pub text: String,
    pub link: String,
    pub action: &'static str,
}

#[derive(Clone, Debug)]
pub struct Dashboard {
    pub me: ProfileView,
    pub checklist: Vec<ChecklistItem>,
    /// Mentors one level above the person in the first skill they want to grow.
    pub suggestions: Option<(String, Arc<DirectoryPage>)>,
    /// Active and paused mentorships, newest first.
    pub mentorships: Vec<MentorshipSummary>,
    /// Scheduled sessions from now on, soonest first.
    pub next_sessions: Vec<SessionSoon>,
    /// Pending requests sent to the person.
    pub requests_incoming: i64,
    /// Pending requests the person sent.
    pub requests_outgoing: i64,
    pub items_due: Vec<ItemDue>,
    pub nudges: Vec<Nudge>,
}

fn checklist(me: &ProfileView) -> Vec<ChecklistItem> {
    let item = |label, done, link| ChecklistItem { label, done, link };
    vec![
        item(
            "Write a headline",
            !me.headline.is_empty(),
            "/profile#headline",
        ),
        item(
            "Add your current role",
            !me.role_title.is_empty(),
            "/profile#role_title",
        ),
        item(
            "Say whether you mentor, want a mentor, or both",
            me.is_mentor || me.wants_mentor,
            "/profile#roles",
        ),
        item(
            "List skills you mentor on or want to grow",
            !me.mentor_skills.is_empty() || !me.growth_skills.is_empty(),
            "/profile#skills",
        ),
        item(
            "Choose what you want from mentoring",
            !me.focus_areas.is_empty(),
            "/profile#focus",
        ),
    ]
}

impl App {
    /// The viewer's dashboard.
    pub async fn dashboard(&self, viewer: &Viewer) -> Result<Dashboard, AppError> {
        let now = now_ms();
        let today = day_of(now);
        let until = today
            .checked_add_days(chrono::Days::new(ITEMS_DUE_WITHIN_DAYS))
            .unwrap_or(today)
            .to_string();
        let open = [MentorshipState::Active, MentorshipState::Paused];
        let db = &self.db;
        let person = viewer.id;
        let (me, listed, meetings, requests, items, accepting) = tokio::try_join!(
            self.my_profile(viewer),
            async { Ok(mentorships::list_for(db, person, &open, now).await?) },
            async { Ok(store::next_meetings(db, person, now, MAX_SESSIONS).await?) },
            async { Ok(store::open_requests(db, person).await?) },
            async { Ok(store::items_due(db, person, &until, MAX_ITEMS).await?) },
            async { Ok::<_, AppError>(store::accepting_requests(db, person).await?) },
        )?;
        let suggestions = match me.growth_skills.first() {
            Some(skill) => {
                let query = DirectoryQuery {
                    role: Some("mentor".into()),
                    skill: Some(skill.slug.clone()),
                    min_level: Some((skill.level + 1).min(5).to_string()),
                    per_page: Some("3".into()),
                    ..Default::default()
                };
                Some((skill.name.clone(), self.directory(viewer, &query).await?))
            }
            None => None,
        };
        let mentorships: Vec<MentorshipSummary> =
            listed.iter().map(MentorshipSummary::from).collect();
        let with = |id: MentorshipId| {
            mentorships
                .iter()
                .find(|m| m.id == id)
                .map(MentorshipSummary::with_names)
                .unwrap_or_default()
        };
        let next_sessions = meetings
            .into_iter()
            .map(|m| SessionSoon {
                id: m.id,
                mentorship: m.mentorship,
                with: with(m.mentorship),
                starts_at: m.starts_at,
                duration_minutes: m.duration_minutes,
                location: m.location,
            })
            .collect();
        let today = today.to_string();
        let items_due = items
            .into_iter()
            .map(|i| ItemDue {
                overdue: i.due_on < today,
                id: i.id,
                mentorship: i.mentorship,
                title: i.title,
                due_on: i.due_on,
            })
            .collect();
        let mut nudges: Vec<Nudge> = mentorships
            .iter()
            .filter(|m| m.state == MentorshipState::Active && m.stalled_since.is_some())
            .map(|m| Nudge {
                text: format!(
                    "Your mentorship with {} has stalled: it has been {} since you last met.",
                    m.with_names(),
                    crate::mentorships::span(now - m.last_activity_at)
                ),
                link: format!("/mentorships/{}", m.id),
                action: "Schedule a session",
            })
            .collect();
        if !accepting {
            nudges.push(Nudge {
                text: "You are not taking new requests, after several went unanswered — turn them back on when you have room.".into(),
                link: "/requests".into(),
                action: "Turn requests back on",
            });
        }
        Ok(Dashboard {
            checklist: checklist(&me),
            me,
            suggestions,
            mentorships,
            next_sessions,
            requests_incoming: requests.incoming,
            requests_outgoing: requests.outgoing,
            items_due,
            nudges,
        })
    }
}
