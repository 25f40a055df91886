//! Action items of a mentorship: an owner (a member), a title, a due date and a done
//! state. The open ones are carried into the next meeting's agenda.

use lodestar_domain::{ActionItemId, MeetingId, MentorshipId, PersonId};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::error::Result;
use crate::persons::parse_id;
use crate::{Conn, Db};

/// An action item as stored, with its owner's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionItem {
    pub id: ActionItemId,
    pub mentorship: MentorshipId,
    pub meeting: Option<MeetingId>,
    pub title: String,
    pub owner: PersonId,
    pub owner_name: String,
    /// ISO 8601 date.
    pub due_on: Option<String>,
    pub done_at: Option<i64>,
    pub created_at: i64,
}

macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT a.id, a.mentorship_id, a.meeting_id, a.title, a.owner_id, p.name, a.due_on, \
             a.done_at, a.created_at FROM action_items a JOIN persons p ON p.id = a.owner_id ",
            $rest
        )
    };
}

fn from_row(row: &AnyRow) -> Result<ActionItem> {
    Ok(ActionItem {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        mentorship: parse_id(&row.try_get::<String, _>("mentorship_id")?)?,
        meeting: row
            .try_get::<Option<String>, _>("meeting_id")?
            .map(|s| parse_id(&s))
            .transpose()?,
        title: row.try_get("title")?,
        owner: parse_id(&row.try_get::<String, _>("owner_id")?)?,
        owner_name: row.try_get("name")?,
        due_on: row.try_get("due_on")?,
        done_at: row.try_get("done_at")?,
        created_at: row.try_get("created_at")?,
    })
}

/// A new action item.
#[derive(Clone, Debug)]
pub struct NewActionItem {
    pub id: ActionItemId,
    pub mentorship: MentorshipId,
    pub meeting: Option<MeetingId>,
    pub title: String,
    pub owner: PersonId,
    pub created_by: PersonId,
    pub due_on: Option<String>,
}

pub async fn insert(conn: &mut Conn, new: &NewActionItem, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO action_items (id, mentorship_id, meeting_id, title, owner_id, created_by, \
         due_on, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(new.id.to_string())
    .bind(new.mentorship.to_string())
    .bind(new.meeting.map(|m| m.to_string()))
    .bind(new.title.clone())
    .bind(new.owner.to_string())
    .bind(new.created_by.to_string())
    .bind(new.due_on.clone())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn get_with<'e, E: Executor<'e, Database = Any>>(
    executor: E,
    id: ActionItemId,
) -> Result<Option<ActionItem>> {
    sqlx::query(select!("WHERE a.id = $1"))
        .bind(id.to_string())
        .fetch_optional(executor)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn get(db: &Db, id: ActionItemId) -> Result<Option<ActionItem>> {
    get_with(db.reader(), id).await
}

pub async fn get_in(conn: &mut Conn, id: ActionItemId) -> Result<Option<ActionItem>> {
    get_with(&mut *conn, id).await
}

/// A mentorship's action items: open ones first (soonest due first), then done ones.
pub async fn list_for_mentorship(db: &Db, mentorship: MentorshipId) -> Result<Vec<ActionItem>> {
    sqlx::query(select!(
        "WHERE a.mentorship_id = $1 ORDER BY CASE WHEN a.done_at IS NULL THEN 0 ELSE 1 END, \
         CASE WHEN a.due_on IS NULL THEN 1 ELSE 0 END, a.due_on, a.created_at, a.id"
    ))
    .bind(mentorship.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// A mentorship's open action items, soonest due first.
pub async fn open_for_mentorship(
    conn: &mut Conn,
    mentorship: MentorshipId,
) -> Result<Vec<ActionItem>> {
    sqlx::query(select!(
        "WHERE a.mentorship_id = $1 AND a.done_at IS NULL \
         ORDER BY CASE WHEN a.due_on IS NULL THEN 1 ELSE 0 END, a.due_on, a.created_at, a.id"
    ))
    .bind(mentorship.to_string())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// What an edit sets. A new due date may be due again, so its notice is reset.
#[derive(Clone, Debug)]
pub struct ActionItemChanges {
    pub title: String,
    pub owner: PersonId,
    pub due_on: Option<String>,
    pub done_at: Option<i64>,
}

pub async fn update(
    conn: &mut Conn,
    id: ActionItemId,
    c: &ActionItemChanges,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE action_items SET title = $1, owner_id = $2, \
         due_notified_at = CASE WHEN due_on = $3 AND owner_id = $2 THEN due_notified_at ELSE NULL END, \
         due_on = $3, done_at = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(c.title.clone())
    .bind(c.owner.to_string())
    .bind(c.due_on.clone())
    .bind(c.done_at)
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Claims the open action items due on or before `today` (YYYY-MM-DD) whose owner has not
/// been told: marks them told and returns them. One statement, so each goes to one
/// process.
pub async fn claim_due(conn: &mut Conn, today: &str, now: i64) -> Result<Vec<ActionItem>> {
    let ids: Vec<String> = sqlx::query(
        "UPDATE action_items SET due_notified_at = $1 WHERE done_at IS NULL \
         AND due_notified_at IS NULL AND due_on IS NOT NULL AND due_on <= $2 RETURNING id",
    )
    .bind(now)
    .bind(today.to_owned())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| row.try_get("id"))
    .collect::<std::result::Result<_, _>>()?;
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(item) = get_in(conn, parse_id(&id)?).await? {
            items.push(item);
        }
    }
    Ok(items)
}
