//! Deleting an account, in the caller's transaction: what the person owns goes with them
//! (most of it by the foreign keys' `ON DELETE CASCADE`), and a mentorship the other
//! members share keeps their side — the person's member row stays without a person and
//! without anything of theirs (migration 26), so the others keep the mentorship, its
//! sessions and their own records of it.

use lodestar_domain::{MentorshipId, PersonId};
use sqlx::{AnyConnection, Row};

use crate::Backend;
use crate::error::Result;
use crate::persons::parse_id;

/// How many instance admins there are. On PostgreSQL their rows stay locked to the end of
/// the transaction, so of two admins deleting their accounts at once the second counts
/// after the first has gone (SQLite has one writer at a time).
pub async fn count_admins_locked(conn: &mut AnyConnection, backend: Backend) -> Result<i64> {
    let sql = match backend {
        Backend::Postgres => "SELECT id FROM persons WHERE is_admin = 1 FOR UPDATE",
        Backend::Sqlite => "SELECT id FROM persons WHERE is_admin = 1",
    };
    let rows = sqlx::query(sql).fetch_all(&mut *conn).await?;
    Ok(i64::try_from(rows.len()).unwrap_or(i64::MAX))
}

/// The open (active or paused) mentorships of `person` that their going leaves without
/// anyone in their role — a one-to-one mentorship always, a circle when they were its only
/// mentor (or its only mentee): those must end rather than wait for someone who is gone.
pub async fn open_mentorships_left_without_a_side(
    conn: &mut AnyConnection,
    person: PersonId,
) -> Result<Vec<MentorshipId>> {
    sqlx::query(
        "SELECT m.id FROM mentorship_members mine \
         JOIN mentorships m ON m.id = mine.mentorship_id AND m.state IN ('active', 'paused') \
         WHERE mine.person_id = $1 AND NOT EXISTS (SELECT 1 FROM mentorship_members o \
           WHERE o.mentorship_id = m.id AND o.role = mine.role \
           AND o.person_id IS NOT NULL AND o.person_id <> $1) \
         ORDER BY m.id",
    )
    .bind(person.to_string())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| parse_id(&row.try_get::<String, _>("id")?))
    .collect()
}

/// Deletes `person`'s account and everything that is theirs alone; `false` if there was no
/// such account. Their side of each mentorship stays without a person and with nothing of
/// theirs (contact, reflection and rating cleared); their browser sessions end (the
/// sessions table names them without a foreign key) and their queued e-mail goes.
/// Messages they wrote, their notes, goals, check-ins, tokens, connections, requests and
/// enrolments go by the foreign keys; a conversation stays for its other parties, who can
/// still read what they wrote (it takes no new messages once nobody else is in it).
pub async fn delete_account(conn: &mut AnyConnection, person: PersonId) -> Result<bool> {
    let id = person.to_string();
    sqlx::query(
        "UPDATE mentorship_members SET person_id = NULL, contact = '', reflection = '', \
         rating = NULL WHERE person_id = $1",
    )
    .bind(&id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE person_id = $1")
        .bind(&id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM outbox WHERE person_id = $1")
        .bind(&id)
        .execute(&mut *conn)
        .await?;
    let deleted = sqlx::query("DELETE FROM persons WHERE id = $1")
        .bind(&id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1;
    Ok(deleted)
}
