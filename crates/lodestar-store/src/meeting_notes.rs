//! Notes on a meeting: shared ones, which every member reads, and private ones, which
//! their author alone ever reads. The rule is in the SQL of the one read there is
//! (`private = 0 OR author_id = $viewer`), so no caller can forget it.

use lodestar_domain::{MeetingId, NoteId, PersonId};
use sqlx::Row;

use crate::error::Result;
use crate::persons::parse_id;
use crate::{Conn, Db};

/// A note as its reader may see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub id: NoteId,
    pub meeting: MeetingId,
    pub author: PersonId,
    pub author_name: String,
    pub private: bool,
    pub body: String,
    pub created_at: i64,
}

/// Adds a note, in the caller's transaction.
pub async fn insert(
    conn: &mut Conn,
    id: NoteId,
    meeting: MeetingId,
    author: PersonId,
    private: bool,
    body: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO meeting_notes (id, meeting_id, author_id, private, body, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(id.to_string())
    .bind(meeting.to_string())
    .bind(author.to_string())
    .bind(i64::from(private))
    .bind(body.to_owned())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The notes of a meeting that `viewer` may read: the shared ones and their own private
/// ones, oldest first.
pub async fn list_for_viewer(db: &Db, meeting: MeetingId, viewer: PersonId) -> Result<Vec<Note>> {
    sqlx::query(
        "SELECT n.id, n.meeting_id, n.author_id, p.name, n.private, n.body, n.created_at \
         FROM meeting_notes n JOIN persons p ON p.id = n.author_id \
         WHERE n.meeting_id = $1 AND (n.private = 0 OR n.author_id = $2) \
         ORDER BY n.created_at, n.id",
    )
    .bind(meeting.to_string())
    .bind(viewer.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(Note {
            id: parse_id(&row.try_get::<String, _>("id")?)?,
            meeting: parse_id(&row.try_get::<String, _>("meeting_id")?)?,
            author: parse_id(&row.try_get::<String, _>("author_id")?)?,
            author_name: row.try_get("name")?,
            private: row.try_get::<i64, _>("private")? != 0,
            body: row.try_get("body")?,
            created_at: row.try_get("created_at")?,
        })
    })
    .collect()
}
