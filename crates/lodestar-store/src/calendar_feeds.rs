//! The secret in a person's calendar feed URL. It is kept as it is, not hashed, because
//! the account page shows the URL again whenever asked; it grants reading that one
//! person's meetings and nothing else, and resetting it replaces it.

use lodestar_domain::PersonId;
use sqlx::Row;

use crate::error::Result;
use crate::persons::parse_id;
use crate::{Conn, Db};

/// The person's feed token, made from `candidate` if they have none yet.
pub async fn get_or_create(
    conn: &mut Conn,
    person: PersonId,
    candidate: &str,
    now: i64,
) -> Result<String> {
    sqlx::query(
        "INSERT INTO calendar_feeds (person_id, token, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id) DO NOTHING",
    )
    .bind(person.to_string())
    .bind(candidate.to_owned())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(
        sqlx::query("SELECT token FROM calendar_feeds WHERE person_id = $1")
            .bind(person.to_string())
            .fetch_one(&mut *conn)
            .await?
            .try_get("token")?,
    )
}

/// Replaces the person's token, so the old URL stops working.
pub async fn reset(conn: &mut Conn, person: PersonId, token: &str, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO calendar_feeds (person_id, token, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id) DO UPDATE SET token = excluded.token, created_at = excluded.created_at",
    )
    .bind(person.to_string())
    .bind(token.to_owned())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whose feed this token opens.
pub async fn person_of(db: &Db, token: &str) -> Result<Option<PersonId>> {
    sqlx::query("SELECT person_id FROM calendar_feeds WHERE token = $1")
        .bind(token.to_owned())
        .fetch_optional(db.reader())
        .await?
        .map(|row| parse_id(&row.try_get::<String, _>("person_id")?))
        .transpose()
}
