//! A person's own rows of the tables no service has a view of, for the export of
//! everything Lodestar holds about them. Each table is read with the columns it names and
//! no others, so nothing secret (a hash, a feed's token, an invitation's code) can slip in
//! by a new column; another person's private rows (their private notes, their ratings) are
//! never read, because every query is keyed by the person's own column.

use lodestar_domain::PersonId;
use serde_json::{Map, Value};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Db;
use crate::error::{Result, StoreError};

/// How a column is read and written into the document.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Text,
    MaybeText,
    Int,
    MaybeInt,
    /// An integer 0/1, written as `false`/`true`.
    Flag,
    /// JSON kept as text, written as the JSON it is.
    Json,
}

use Kind::{Flag, Int, Json, MaybeInt, MaybeText, Text};

/// One table of the export: its name in the document, the query (the person is `$1`),
/// and the columns it writes.
struct Part {
    name: &'static str,
    sql: &'static str,
    columns: &'static [(&'static str, Kind)],
}

const PARTS: &[Part] = &[
    Part {
        name: "mentorship_memberships",
        sql: "SELECT mentorship_id, role, contact, reflection, rating, joined_at \
              FROM mentorship_members WHERE person_id = $1 ORDER BY joined_at, mentorship_id",
        columns: &[
            ("mentorship_id", Text),
            ("role", Text),
            ("contact", Text),
            ("reflection", Text),
            ("rating", MaybeInt),
            ("joined_at", Int),
        ],
    },
    Part {
        name: "session_notes",
        sql: "SELECT n.id, n.meeting_id, mt.mentorship_id, n.private, n.body, n.created_at, \
              n.updated_at FROM meeting_notes n JOIN meetings mt ON mt.id = n.meeting_id \
              WHERE n.author_id = $1 ORDER BY n.created_at, n.id",
        columns: &[
            ("id", Text),
            ("meeting_id", Text),
            ("mentorship_id", Text),
            ("private", Flag),
            ("body", Text),
            ("created_at", Int),
            ("updated_at", Int),
        ],
    },
    Part {
        name: "action_items",
        sql: "SELECT id, mentorship_id, meeting_id, title, due_on, done_at, created_at \
              FROM action_items WHERE owner_id = $1 ORDER BY created_at, id",
        columns: &[
            ("id", Text),
            ("mentorship_id", Text),
            ("meeting_id", MaybeText),
            ("title", Text),
            ("due_on", MaybeText),
            ("done_at", MaybeInt),
            ("created_at", Int),
        ],
    },
    Part {
        name: "bookings",
        sql: "SELECT meeting_id, CASE WHEN mentor_id = $1 THEN 'mentor' ELSE 'booker' END AS side, \
              starts_at, ends_at, one_off, active, created_at FROM bookings \
              WHERE mentor_id = $1 OR booked_by = $1 ORDER BY starts_at, meeting_id",
        columns: &[
            ("meeting_id", Text),
            ("side", Text),
            ("starts_at", Int),
            ("ends_at", Int),
            ("one_off", Flag),
            ("active", Flag),
            ("created_at", Int),
        ],
    },
    Part {
        name: "messages_written",
        sql: "SELECT id, thread_id, body, created_at, edited_at FROM messages \
              WHERE author_id = $1 AND deleted_at IS NULL ORDER BY id",
        columns: &[
            ("id", Text),
            ("thread_id", Text),
            ("body", Text),
            ("created_at", Int),
            ("edited_at", MaybeInt),
        ],
    },
    Part {
        name: "goal_comments_written",
        sql: "SELECT id, goal_id, body, created_at FROM goal_comments \
              WHERE author_id = $1 ORDER BY created_at, id",
        columns: &[
            ("id", Text),
            ("goal_id", Text),
            ("body", Text),
            ("created_at", Int),
        ],
    },
    Part {
        name: "opportunities_posted",
        sql: "SELECT id, kind, title, description, industry, location, remote, closes_on, \
              visibility, state, created_at, updated_at, closed_at FROM opportunities \
              WHERE author_id = $1 ORDER BY created_at, id",
        columns: &[
            ("id", Text),
            ("kind", Text),
            ("title", Text),
            ("description", Text),
            ("industry", Text),
            ("location", Text),
            ("remote", Flag),
            ("closes_on", MaybeText),
            ("visibility", Text),
            ("state", Text),
            ("created_at", Int),
            ("updated_at", Int),
            ("closed_at", MaybeInt),
        ],
    },
    Part {
        name: "opportunity_marks",
        sql: "SELECT k.opportunity_id, o.title, k.status, k.outcome, k.updated_at \
              FROM opportunity_marks k JOIN opportunities o ON o.id = k.opportunity_id \
              WHERE k.person_id = $1 ORDER BY k.updated_at, k.opportunity_id",
        columns: &[
            ("opportunity_id", Text),
            ("title", Text),
            ("status", Text),
            ("outcome", MaybeText),
            ("updated_at", Int),
        ],
    },
    Part {
        name: "opportunity_shares",
        sql: "SELECT s.id, s.opportunity_id, o.title, \
              CASE WHEN s.from_id = $1 THEN 'sent' ELSE 'received' END AS direction, \
              s.note, s.created_at FROM opportunity_shares s \
              JOIN opportunities o ON o.id = s.opportunity_id \
              WHERE s.from_id = $1 OR s.to_id = $1 ORDER BY s.created_at, s.id",
        columns: &[
            ("id", Text),
            ("opportunity_id", Text),
            ("title", Text),
            ("direction", Text),
            ("note", Text),
            ("created_at", Int),
        ],
    },
    Part {
        name: "programme_enrolments",
        sql: "SELECT e.id, e.programme_id, p.name AS programme, e.role, e.answers, e.state, \
              e.created_at, e.updated_at, e.decided_at FROM programme_enrolments e \
              JOIN programmes p ON p.id = e.programme_id \
              WHERE e.person_id = $1 ORDER BY e.created_at, e.id",
        columns: &[
            ("id", Text),
            ("programme_id", Text),
            ("programme", Text),
            ("role", Text),
            ("answers", Json),
            ("state", Text),
            ("created_at", Int),
            ("updated_at", Int),
            ("decided_at", MaybeInt),
        ],
    },
    Part {
        name: "blocked_people",
        sql: "SELECT blocked_id, created_at FROM blocks WHERE person_id = $1 \
              ORDER BY created_at, blocked_id",
        columns: &[("blocked_id", Text), ("created_at", Int)],
    },
    Part {
        name: "notifications",
        sql: "SELECT id, kind, title, body, link, created_at, read_at FROM notifications \
              WHERE person_id = $1 ORDER BY created_at, id",
        columns: &[
            ("id", Text),
            ("kind", Text),
            ("title", Text),
            ("body", Text),
            ("link", Text),
            ("created_at", Int),
            ("read_at", MaybeInt),
        ],
    },
    Part {
        name: "single_sign_on",
        sql: "SELECT issuer, subject, email, created_at, last_sign_in_at FROM oidc_identities \
              WHERE person_id = $1 ORDER BY created_at, issuer, subject",
        columns: &[
            ("issuer", Text),
            ("subject", Text),
            ("email", Text),
            ("created_at", Int),
            ("last_sign_in_at", Int),
        ],
    },
    Part {
        name: "busy_calendar",
        sql: "SELECT url, created_at, last_status, last_success_at FROM busy_calendars \
              WHERE person_id = $1",
        columns: &[
            ("url", Text),
            ("created_at", Int),
            ("last_status", Text),
            ("last_success_at", MaybeInt),
        ],
    },
];

/// The names of the tables [`read`] returns, in order.
pub fn part_names() -> impl Iterator<Item = &'static str> {
    PARTS.iter().map(|p| p.name)
}

fn value(row: &AnyRow, column: &str, kind: Kind) -> Result<Value> {
    Ok(match kind {
        Text => Value::from(row.try_get::<String, _>(column)?),
        MaybeText => row
            .try_get::<Option<String>, _>(column)?
            .map_or(Value::Null, Value::from),
        Int => Value::from(row.try_get::<i64, _>(column)?),
        MaybeInt => row
            .try_get::<Option<i64>, _>(column)?
            .map_or(Value::Null, Value::from),
        Flag => Value::from(row.try_get::<i64, _>(column)? != 0),
        Json => {
            let text: String = row.try_get(column)?;
            serde_json::from_str(&text)
                .map_err(|e| StoreError::Corrupt(format!("bad JSON in {column}: {e}")))?
        }
    })
}

/// Every part of `person`'s own rows: a name and a row per record, each row the part's
/// columns by name.
pub async fn read(
    db: &Db,
    person: PersonId,
) -> Result<Vec<(&'static str, Vec<Map<String, Value>>)>> {
    let mut parts = Vec::with_capacity(PARTS.len());
    for part in PARTS {
        let rows = sqlx::query(part.sql)
            .bind(person.to_string())
            .fetch_all(db.reader())
            .await?;
        let mut records = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut record = Map::new();
            for (column, kind) in part.columns {
                record.insert((*column).to_owned(), value(row, column, *kind)?);
            }
            records.push(record);
        }
        parts.push((part.name, records));
    }
    Ok(parts)
}
