//! What comes out of a session: notes (shared, or private to their author alone) and
//! action items (an owner who is a member, a due date, done or not), with the notice to an
//! owner whose item falls due.

use chrono::{DateTime, NaiveDate};
use lodestar_domain::mentoring::{MentorshipState, NotificationKind};
use lodestar_domain::{ActionItemId, FieldErrors, MeetingId, MentorshipId, NoteId, PersonId, text};
use lodestar_store::action_items::{self as store, ActionItem, ActionItemChanges, NewActionItem};
use lodestar_store::meeting_notes::{self, Note};
use lodestar_store::notifications::Notice;
use lodestar_store::{mentorships, now_ms};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{App, AppError, Viewer};

/// A note's length in characters: a page of notes. Any note this long, however written,
/// fits in a request body (64 KiB), even with every character escaped in JSON.
pub const MAX_NOTE: usize = 5_000;
pub const MAX_TITLE: usize = 200;

/// `POST /api/v1/sessions/{id}/notes`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    /// 1–5000 characters.
    #[schema(max_length = 5000)]
    pub body: String,
    /// A private note is read by its author alone, ever.
    #[serde(default)]
    pub private: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NoteView {
    #[schema(value_type = String, format = Uuid)]
    pub id: NoteId,
    #[schema(value_type = String, format = Uuid)]
    pub session_id: MeetingId,
    #[schema(value_type = String, format = Uuid)]
    pub author_id: PersonId,
    pub author_name: String,
    pub private: bool,
    pub body: String,
    /// Epoch milliseconds.
    pub created_at: i64,
}

impl From<&Note> for NoteView {
    fn from(n: &Note) -> Self {
        Self {
            id: n.id,
            session_id: n.meeting,
            author_id: n.author,
            author_name: n.author_name.clone(),
            private: n.private,
            body: n.body.clone(),
            created_at: n.created_at,
        }
    }
}

/// `POST /api/v1/mentorships/{id}/action-items`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewActionItemInput {
    /// 1–200 characters.
    #[schema(max_length = 200)]
    pub title: String,
    /// A member of the mentorship; the creator if left out.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub owner_id: Option<PersonId>,
    /// `YYYY-MM-DD`.
    #[schema(example = "2026-12-20")]
    pub due_date: Option<String>,
    /// The session it came out of, if any.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub session_id: Option<MeetingId>,
}

/// `PATCH /api/v1/action-items/{id}`: any of the fields; an empty `due_date` clears it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionItemEdit {
    #[schema(max_length = 200)]
    pub title: Option<String>,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub owner_id: Option<PersonId>,
    pub due_date: Option<String>,
    pub done: Option<bool>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ActionItemView {
    #[schema(value_type = String, format = Uuid)]
    pub id: ActionItemId,
    #[schema(value_type = String, format = Uuid)]
    pub mentorship_id: MentorshipId,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub session_id: Option<MeetingId>,
    pub title: String,
    #[schema(value_type = String, format = Uuid)]
    pub owner_id: PersonId,
    pub owner_name: String,
    /// `YYYY-MM-DD`.
    pub due_date: Option<String>,
    pub done: bool,
    /// Epoch milliseconds.
    pub done_at: Option<i64>,
}

impl From<&ActionItem> for ActionItemView {
    fn from(a: &ActionItem) -> Self {
        Self {
            id: a.id,
            mentorship_id: a.mentorship,
            session_id: a.meeting,
            title: a.title.clone(),
            owner_id: a.owner,
            owner_name: a.owner_name.clone(),
            due_date: a.due_on.clone(),
            done: a.done_at.is_some(),
            done_at: a.done_at,
        }
    }
}

fn parse_due(raw: &str, errors: &mut FieldErrors) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => Some(d.format("%Y-%m-%d").to_string()),
        Err(_) => {
            errors.add("due_date", "must be a date, YYYY-MM-DD");
            None
        }
    }
}

fn require_open(state: MentorshipState) -> Result<(), AppError> {
    if state.is_open() {
        Ok(())
    } else {
        Err(AppError::Conflict {
            code: "mentorship_not_active",
            field: None,
            message: format!(
                "action items change while a mentorship runs; this one is {}",
                state.label().to_lowercase()
            ),
        })
    }
}

impl App {
    /// Adds a note to a session the viewer is a member of.
    pub async fn add_note(
        &self,
        viewer: &Viewer,
        session: MeetingId,
        input: &NewNote,
    ) -> Result<NoteView, AppError> {
        self.meeting_for(viewer, session).await?;
        let body = text::multi_line(&input.body, MAX_NOTE)
            .map_err(|e| AppError::invalid("body", e.to_string()))?;
        if body.is_empty() {
            return Err(AppError::invalid("body", "write something first"));
        }
        let id = NoteId::new();
        let mut tx = self.db.begin().await?;
        meeting_notes::insert(
            &mut tx,
            id,
            session,
            viewer.id,
            input.private,
            &body,
            now_ms(),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        self.notes(viewer, session)
            .await?
            .into_iter()
            .find(|n| n.id == id)
            .ok_or(AppError::NotFound("note"))
    }

    /// The notes of a session the viewer may read: shared ones and their own private ones.
    pub async fn notes(
        &self,
        viewer: &Viewer,
        session: MeetingId,
    ) -> Result<Vec<NoteView>, AppError> {
        self.meeting_for(viewer, session).await?;
        Ok(meeting_notes::list_for_viewer(&self.db, session, viewer.id)
            .await?
            .iter()
            .map(NoteView::from)
            .collect())
    }

    async fn check_owner(
        &self,
        mentorship: MentorshipId,
        owner: PersonId,
        errors: &mut FieldErrors,
    ) -> Result<(), AppError> {
        if mentorships::membership(&self.db, mentorship, owner)
            .await?
            .is_none()
        {
            errors.add("owner_id", "must be a member of this mentorship");
        }
        Ok(())
    }

    pub async fn add_action_item(
        &self,
        viewer: &Viewer,
        mentorship: MentorshipId,
        input: &NewActionItemInput,
    ) -> Result<ActionItemView, AppError> {
        let membership = self.membership_of(viewer, mentorship).await?;
        require_open(membership.state)?;
        let mut errors = FieldErrors::new();
        let title = errors.check("title", text::one_line(&input.title, MAX_TITLE));
        if title.as_deref() == Some("") {
            errors.add("title", "say what is to be done");
        }
        let owner = input.owner_id.unwrap_or(viewer.id);
        self.check_owner(mentorship, owner, &mut errors).await?;
        let due_on = input
            .due_date
            .as_deref()
            .and_then(|d| parse_due(d, &mut errors));
        if let Some(session) = input.session_id {
            match lodestar_store::meetings::get(&self.db, session).await? {
                Some(m) if m.mentorship == mentorship => {}
                _ => errors.add("session_id", "must be a session of this mentorship"),
            }
        }
        errors.into_result()?;
        let id = ActionItemId::new();
        let mut tx = self.db.begin().await?;
        let new = NewActionItem {
            id,
            mentorship,
            meeting: input.session_id,
            title: title.unwrap_or_default(),
            owner,
            created_by: viewer.id,
            due_on,
        };
        store::insert(&mut tx, &new, now_ms()).await?;
        lodestar_store::commit(tx).await?;
        self.action_item(id).await
    }

    async fn action_item(&self, id: ActionItemId) -> Result<ActionItemView, AppError> {
        store::get(&self.db, id)
            .await?
            .as_ref()
            .map(ActionItemView::from)
            .ok_or(AppError::NotFound("action item"))
    }

    /// A mentorship's action items: open ones first.
    pub async fn action_items(
        &self,
        viewer: &Viewer,
        mentorship: MentorshipId,
    ) -> Result<Vec<ActionItemView>, AppError> {
        self.membership_of(viewer, mentorship).await?;
        Ok(store::list_for_mentorship(&self.db, mentorship)
            .await?
            .iter()
            .map(ActionItemView::from)
            .collect())
    }

    pub async fn edit_action_item(
        &self,
        viewer: &Viewer,
        id: ActionItemId,
        edit: &ActionItemEdit,
    ) -> Result<ActionItemView, AppError> {
        let item = store::get(&self.db, id)
            .await?
            .ok_or(AppError::NotFound("action item"))?;
        let membership = mentorships::membership(&self.db, item.mentorship, viewer.id)
            .await?
            .ok_or(AppError::NotFound("action item"))?;
        require_open(membership.state)?;
        let mut errors = FieldErrors::new();
        let title = match &edit.title {
            Some(raw) => errors.check("title", text::one_line(raw, MAX_TITLE)),
            None => Some(item.title.clone()),
        };
        if title.as_deref() == Some("") {
            errors.add("title", "say what is to be done");
        }
        let owner = edit.owner_id.unwrap_or(item.owner);
        if owner != item.owner {
            self.check_owner(item.mentorship, owner, &mut errors)
                .await?;
        }
        let due_on = match &edit.due_date {
            Some(raw) => parse_due(raw, &mut errors),
            None => item.due_on.clone(),
        };
        errors.into_result()?;
        let now = now_ms();
        let done_at = match edit.done {
            Some(true) => item.done_at.or(Some(now)),
            Some(false) => None,
            None => item.done_at,
        };
        let changes = ActionItemChanges {
            title: title.unwrap_or_default(),
            owner,
            due_on,
            done_at,
        };
        let mut tx = self.db.begin().await?;
        store::update(&mut tx, id, &changes, now).await?;
        lodestar_store::commit(tx).await?;
        self.action_item(id).await
    }

    /// Tells each owner of an open action item due on or before today (UTC) that it is
    /// due, once per item (a new due date or owner makes it due again). Safe to run in
    /// several processes at once. Returns how many items.
    pub async fn remind_due_action_items(&self, now: i64) -> Result<usize, AppError> {
        let today = DateTime::from_timestamp_millis(now)
            .unwrap_or_default()
            .format("%Y-%m-%d")
            .to_string();
        let mut tx = self.db.begin().await?;
        let items = store::claim_due(&mut tx, &today, now).await?;
        for item in &items {
            let due = item.due_on.clone().unwrap_or_default();
            let notice = Notice {
                person: item.owner,
                kind: NotificationKind::ActionItemDue,
                title: format!("Action item due: {}", item.title),
                body: format!(
                    "“{}” is due {due}. Tick it off when it is done.",
                    item.title
                ),
                link: format!("/mentorships/{}/sessions", item.mentorship),
                calendar: None,
            };
            self.notify(&mut tx, &notice).await?;
        }
        lodestar_store::commit(tx).await?;
        Ok(items.len())
    }
}
