//! Mentorships as their members see them: the agreement, each other's contact details while
//! the mentorship is open, the timeline, and editing the agreement. Only members see a
//! mentorship; to anyone else, admins included, it does not exist (admins get the
//! aggregated stalled list, [`App::stalled_mentorships`]). A member's rating is read from
//! the store only for that member. State changes and the periodic jobs are in [`moves`].

mod moves;
mod timeline;
mod views;

use lodestar_domain::mentoring::{Cadence, MentorshipState};
use lodestar_domain::text::multi_line;
use lodestar_domain::{FieldErrors, FocusArea, MentorshipId};
use lodestar_store::mentorships::{self as store, AgreementChanges, MentorshipDetail};
use lodestar_store::{now_ms, skills};
use serde::{Deserialize, Deserializer};
use utoipa::{IntoParams, ToSchema};

use crate::{App, AppError, Viewer};

pub(crate) use moves::span;
pub use moves::{CancelInput, CompleteInput, PauseInput};
pub use timeline::EventView;
use views::view_of;
pub use views::{
    AgreementView, ContactView, MemberView, MentorshipList, MentorshipSummary, MentorshipView,
    PartnerView, SkillRef, StalledList, StalledView, join_names,
};

/// Longest goals text, contact text, reflection and reason.
const MAX_GOALS: usize = 2000;
const MAX_CONTACT: usize = 500;
pub(crate) const MAX_REFLECTION: usize = 4000;
pub(crate) const MAX_REASON: usize = 500;

/// Which of your mentorships to list.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MentorshipFilter {
    /// Only mentorships in this state: active, paused, completed or cancelled.
    pub state: Option<String>,
}

fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// An edit of the agreement: only the fields given change.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementUpdate {
    #[schema(max_length = 2000)]
    pub goals: Option<String>,
    /// Any of career_development, networking, confidence, skill_development, career_path,
    /// new_opportunities, soft_skills.
    pub focus_areas: Option<Vec<String>>,
    /// weekly, fortnightly or monthly.
    pub cadence: Option<String>,
    /// YYYY-MM-DD, not before the mentorship started; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable, example = "2027-06-30")]
    pub expected_end_on: Option<Option<String>>,
    /// How the others can reach you in this mentorship (yours only: each member sets their
    /// own). Shown to them while the mentorship is open.
    #[schema(max_length = 500)]
    pub contact: Option<String>,
}

/// The day of an epoch-millisecond instant, in UTC.
pub(crate) fn day_of(ms: i64) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .date_naive()
}

/// A YYYY-MM-DD date, written back the same way.
pub(crate) fn parse_day(raw: &str) -> Result<chrono::NaiveDate, &'static str> {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| "must be a date written YYYY-MM-DD")
}

impl App {
    /// `id` with its members, if `viewer` is one of them; otherwise not found.
    async fn member_view_of(
        &self,
        viewer: &Viewer,
        id: MentorshipId,
    ) -> Result<MentorshipDetail, AppError> {
        match store::get(&self.db, id, viewer.id).await? {
            Some(detail) if detail.members.iter().any(|m| m.person == viewer.id) => Ok(detail),
            _ => Err(AppError::NotFound("mentorship")),
        }
    }

    /// One mentorship, for its members only.
    pub async fn mentorship(
        &self,
        viewer: &Viewer,
        id: MentorshipId,
    ) -> Result<MentorshipView, AppError> {
        let detail = self.member_view_of(viewer, id).await?;
        let events = store::timeline(&self.db, id).await?;
        let skill_ids: Vec<String> = detail
            .mentorship
            .skills
            .iter()
            .map(ToString::to_string)
            .collect();
        let refs: Vec<&str> = skill_ids.iter().map(String::as_str).collect();
        let skills = skills::resolve_many(&self.db, &refs)
            .await?
            .into_iter()
            .flatten()
            .map(|s| SkillRef {
                slug: s.slug,
                name: s.name,
            })
            .collect();
        Ok(view_of(viewer, detail, skills, &events))
    }

    /// The viewer's mentorships, newest first, optionally in one state.
    pub async fn my_mentorships(
        &self,
        viewer: &Viewer,
        filter: &MentorshipFilter,
    ) -> Result<MentorshipList, AppError> {
        let states: Vec<MentorshipState> = match filter.state.as_deref().map(str::trim) {
            None | Some("") => Vec::new(),
            Some(raw) => vec![
                raw.parse()
                    .map_err(|e| AppError::invalid("state", format!("{e}")))?,
            ],
        };
        let listed = store::list_for(&self.db, viewer.id, &states, now_ms()).await?;
        Ok(MentorshipList {
            mentorships: listed.iter().map(MentorshipSummary::from).collect(),
        })
    }

    /// Edits the agreement (and the viewer's own contact text) of an open mentorship.
    pub async fn update_agreement(
        &self,
        viewer: &Viewer,
        id: MentorshipId,
        update: &AgreementUpdate,
    ) -> Result<MentorshipView, AppError> {
        let detail = self.member_view_of(viewer, id).await?;
        if !detail.mentorship.state.is_open() {
            return Err(ended(detail.mentorship.state));
        }
        let (changes, contact) = parse_update(update, &detail)?;
        let mut changed: Vec<&str> = Vec::new();
        let record = &detail.mentorship;
        if changes.goals.as_ref().is_some_and(|g| *g != record.goals) {
            changed.push("goals");
        }
        if changes
            .focus_areas
            .as_ref()
            .is_some_and(|f| *f != record.focus_areas)
        {
            changed.push("focus areas");
        }
        if changes.cadence.is_some_and(|c| c != record.cadence) {
            changed.push("cadence");
        }
        if changes
            .expected_end_on
            .as_ref()
            .is_some_and(|d| *d != record.expected_end_on)
        {
            changed.push("expected end date");
        }
        let mine = detail.members.iter().find(|m| m.person == viewer.id);
        if contact
            .as_ref()
            .is_some_and(|c| mine.is_none_or(|m| m.contact != *c))
        {
            changed.push("how to reach them");
        }
        let mut tx = self.db.begin().await?;
        // The mentorship may have ended since it was read: the update checks again.
        if !store::update_agreement(&mut tx, id, &changes, now_ms()).await? {
            let now = store::state_of(&mut tx, id).await?;
            return Err(ended(now.unwrap_or(record.state)));
        }
        if let Some(contact) = &contact {
            store::set_contact(&mut tx, id, viewer.id, contact).await?;
        }
        if !changed.is_empty() {
            let detail = format!("changed {}", changed.join(", "));
            store::record_event(&mut tx, id, Some(viewer.id), "agreement_updated", &detail).await?;
        }
        lodestar_store::commit(tx).await?;
        self.mentorship(viewer, id).await
    }

    /// Every stalled mentorship, for admins: who is in it and how long it has been quiet.
    /// Nothing said in a mentorship (goals, notes, reflections, ratings) is in it.
    pub async fn stalled_mentorships(&self, viewer: &Viewer) -> Result<StalledList, AppError> {
        if !viewer.is_admin {
            return Err(AppError::Forbidden);
        }
        let now = now_ms();
        let mentorships = store::stalled(&self.db)
            .await?
            .into_iter()
            .map(|s| StalledView {
                id: s.id,
                members: s.members.into_iter().map(|p| PartnerView::of(&p)).collect(),
                days_since_activity: (now - s.last_activity_at).max(0) / crate::DAY_MS,
                stalled_since: s.stalled_since,
            })
            .collect();
        Ok(StalledList { mentorships })
    }
}

/// The refusal to change an ended mentorship.
fn ended(state: MentorshipState) -> AppError {
    AppError::Conflict {
        code: "mentorship_ended",
        field: None,
        message: format!(
            "this mentorship is {}: an ended mentorship cannot be edited",
            state.label().to_lowercase()
        ),
    }
}

/// Checks every field of an agreement edit at once.
fn parse_update(
    update: &AgreementUpdate,
    detail: &MentorshipDetail,
) -> Result<(AgreementChanges, Option<String>), AppError> {
    let mut errors = FieldErrors::new();
    let goals = update
        .goals
        .as_deref()
        .and_then(|g| errors.check("goals", multi_line(g, MAX_GOALS)));
    let focus_areas = update.focus_areas.as_ref().map(|keys| {
        let mut areas = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            match FocusArea::parse(key) {
                Some(area) if !areas.contains(&area) => areas.push(area),
                Some(_) => {}
                None => errors.add(format!("focus_areas[{i}]"), "is not a focus area"),
            }
        }
        areas
    });
    let cadence = update
        .cadence
        .as_deref()
        .and_then(|c| errors.check("cadence", c.trim().parse::<Cadence>()));
    let started = day_of(detail.mentorship.created_at);
    let expected_end_on = match &update.expected_end_on {
        None => None,
        Some(None) => Some(None),
        Some(Some(raw)) if raw.trim().is_empty() => Some(None),
        Some(Some(raw)) => match parse_day(raw) {
            Ok(day) if day < started => {
                errors.add(
                    "expected_end_on",
                    format!("must not be before the mentorship started ({started})"),
                );
                None
            }
            Ok(day) => Some(Some(day.to_string())),
            Err(message) => {
                errors.add("expected_end_on", message);
                None
            }
        },
    };
    let contact = update
        .contact
        .as_deref()
        .and_then(|c| errors.check("contact", multi_line(c, MAX_CONTACT)));
    errors.into_result()?;
    Ok((
        AgreementChanges {
            goals,
            focus_areas,
            cadence,
            expected_end_on,
        },
        contact,
    ))
}
