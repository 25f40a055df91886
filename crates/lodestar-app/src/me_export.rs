//! Everything Lodestar holds about a person, for them to take away: one JSON document
//! ([`PersonalExport`]). Only its owner exports it (`/me` routes and the account page).
//!
//! What is in it: the account (never the password's hash), the whole profile with its
//! skills, the settings (e-mail per kind of event, messaging, network, taking requests),
//! API tokens' and browser sessions' metadata (never a token's secret or a session's
//! cookie), mentorship requests sent and received, mentorships with the other members'
//! names and the person's own contact, reflection and rating, every session of those
//! mentorships, bookings, availability, the messages they wrote, the whole growth record
//! ([`GrowthExport`], career plan included), connections and introductions, opportunities
//! posted, marked and shared, programme enrolments with their answers, and notifications.
//!
//! What is not: anything another person wrote privately — their private session notes,
//! their ratings, their messages — and the secrets that stand for the person (hashes,
//! token and feed secrets, invitation codes).

use std::collections::BTreeMap;

use lodestar_store::{personal_data, persons};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::booking::AvailabilityView;
use crate::conversations::MessagingSettings;
use crate::growth::export::GrowthExport;
use crate::inbox::Preferences;
use crate::meetings::SessionView as MeetingView;
use crate::mentorships::{MentorshipFilter, MentorshipSummary};
use crate::network::introductions::IntroductionsView;
use crate::network::{ConnectionsView, NetworkSettings};
use crate::people::ProfileView;
use crate::requests::{RequestView, StandingView};
use crate::sessions::SessionView;
use crate::tokens::TokenView;
use crate::{App, AppError, Viewer};

/// What the document is, for whoever reads it later.
pub const FORMAT: &str = "lodestar-personal-data";
/// Its version: bumped when a field changes meaning or goes; new fields and sections do
/// not bump it.
pub const VERSION: u32 = 1;

/// The account, as the export has it: never the password's hash.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AccountExport {
    #[schema(value_type = String, format = Uuid)]
    pub id: lodestar_domain::PersonId,
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub suspended_at: Option<i64>,
}

/// The person's settings.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SettingsExport {
    /// E-mail per kind of event.
    pub notifications: Preferences,
    pub messaging: MessagingSettings,
    pub network: NetworkSettings,
    /// Whether they take mentorship requests.
    pub requests: StandingView,
}

/// A mentorship as the export has it: the summary (the other members by name), and its
/// sessions.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MentorshipExport {
    #[serde(flatten)]
    pub mentorship: MentorshipSummary,
    /// Every session, latest first.
    pub sessions: Vec<MeetingView>,
}

/// `GET /api/v1/me/export`: everything Lodestar holds about the person.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonalExport {
    /// `lodestar-personal-data`.
    pub format: &'static str,
    pub version: u32,
    /// Epoch milliseconds.
    pub exported_at: i64,
    /// The day of the export where the person lives, `YYYY-MM-DD`.
    pub exported_on: String,
    pub account: AccountExport,
    /// The whole profile, hidden fields included, with its skills.
    pub profile: ProfileView,
    pub settings: SettingsExport,
    /// Personal API tokens: name, prefix and dates, never the secret.
    pub api_tokens: Vec<TokenView>,
    /// Signed-in browser sessions: device, address and dates, never the cookie.
    pub browser_sessions: Vec<SessionView>,
    /// Mentorship requests sent and received.
    pub requests: Vec<RequestView>,
    /// Newest first, each with its sessions.
    pub mentorships: Vec<MentorshipExport>,
    pub availability: AvailabilityView,
    pub connections: ConnectionsView,
    pub introductions: IntroductionsView,
    /// The whole growth record: goals, check-ins, career path and plan, outcomes,
    /// assessments and feedback.
    pub growth: GrowthExport,
    /// The person's own rows of the other tables: `mentorship_memberships` (their contact,
    /// reflection and private rating), `session_notes` (the notes they wrote), `action_items`,
    /// `bookings`, `messages_written`, `goal_comments_written`, `opportunities_posted`,
    /// `opportunity_marks`, `opportunity_shares`, `programme_enrolments` (with their
    /// answers), `blocked_people`, `notifications`, `single_sign_on` (the identities at an
    /// OpenID provider linked to the account) and `busy_calendar`.
    #[schema(value_type = Object)]
    pub records: BTreeMap<&'static str, Vec<Map<String, Value>>>,
}

impl PersonalExport {
    /// The file a download of the document is saved as.
    pub fn file_name(&self) -> String {
        format!("lodestar-me-{}.json", self.exported_on)
    }
}

impl App {
    /// Everything Lodestar holds about the viewer. Only they export it: every part is read
    /// as theirs.
    pub async fn personal_export(&self, viewer: &Viewer) -> Result<PersonalExport, AppError> {
        let account = persons::find_by_id(&self.db, viewer.id)
            .await?
            .ok_or(AppError::NotFound("account"))?;
        let growth = self.growth_export(viewer).await?;
        let mut mentorships = Vec::new();
        for summary in self
            .my_mentorships(viewer, &MentorshipFilter::default())
            .await?
            .mentorships
        {
            let sessions = self.mentorship_meetings(viewer, summary.id).await?.sessions;
            mentorships.push(MentorshipExport {
                mentorship: summary,
                sessions,
            });
        }
        let records = personal_data::read(&self.db, viewer.id)
            .await?
            .into_iter()
            .collect();
        Ok(PersonalExport {
            format: FORMAT,
            version: VERSION,
            exported_at: growth.exported_at,
            exported_on: growth.exported_on.clone(),
            account: AccountExport {
                id: account.id,
                name: account.name.clone(),
                email: account.email.clone(),
                is_admin: account.is_admin,
                created_at: account.created_at,
                suspended_at: account.suspended_at,
            },
            profile: self.my_profile(viewer).await?,
            settings: SettingsExport {
                notifications: self.notification_preferences(viewer).await?,
                messaging: self.messaging_settings(viewer).await?,
                network: self.network_settings(viewer).await?,
                requests: self.accepting_requests(viewer).await?,
            },
            api_tokens: self.list_tokens(viewer).await?,
            browser_sessions: self.list_sessions(viewer, None).await?,
            requests: self.requests(viewer, None, None).await?,
            mentorships,
            availability: self.my_availability(viewer).await?,
            connections: self.my_connections(viewer).await?,
            introductions: self.introductions(viewer).await?,
            growth,
            records,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_records_named_in_the_documentation_are_the_ones_read() {
        let documented = [
            "mentorship_memberships",
            "session_notes",
            "action_items",
            "bookings",
            "messages_written",
            "goal_comments_written",
            "opportunities_posted",
            "opportunity_marks",
            "opportunity_shares",
            "programme_enrolments",
            "blocked_people",
            "notifications",
            "single_sign_on",
            "busy_calendar",
        ];
        assert_eq!(
            personal_data::part_names().collect::<Vec<_>>(),
            documented.to_vec()
        );
    }
}
