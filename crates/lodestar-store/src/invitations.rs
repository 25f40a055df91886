//! Account invitations (migration 27): the link that lets someone an import enrolled set
//! the password of the account made for them. The store sees only the secret's hash.

use lodestar_domain::{PersonId, ProgrammeId};
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::persons::{Account, account_from_row, parse_id};
use crate::{Db, now_ms};

/// A live invitation: whose account it opens, and the programme they were invited to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveInvitation {
    pub person: PersonId,
    pub name: String,
    pub email: String,
    pub programme: Option<ProgrammeId>,
    pub programme_name: Option<String>,
}

/// The invitation whose secret hashes to `token_hash`, while it has not expired.
pub async fn live(db: &Db, token_hash: &str) -> Result<Option<LiveInvitation>> {
    let row = sqlx::query(
        "SELECT p.id, p.name, p.email, g.id AS programme_id, g.name AS programme_name \
         FROM account_invitations i JOIN persons p ON p.id = i.person_id \
         LEFT JOIN programmes g ON g.id = i.programme_id \
         WHERE i.token_hash = $1 AND i.expires_at > $2",
    )
    .bind(token_hash.to_owned())
    .bind(now_ms())
    .fetch_optional(db.reader())
    .await?;
    row.map(|row| {
        Ok(LiveInvitation {
            person: parse_id(&row.try_get::<String, _>("id")?)?,
            name: row.try_get("name")?,
            email: row.try_get("email")?,
            programme: row
                .try_get::<Option<String>, _>("programme_id")?
                .map(|id| parse_id(&id))
                .transpose()?,
            programme_name: row.try_get("programme_name")?,
        })
    })
    .transpose()
}

/// Takes up an invitation: burns it, sets the account's first password and lists it in
/// the directory, in one transaction. Of two racing uses the one whose delete finds the row wins. `NotFound`
/// when the secret is unknown, used or expired.
pub async fn accept(db: &Db, token_hash: &str, password_hash: &str) -> Result<Account> {
    let mut tx = db.writer().begin().await?;
    let person: Option<String> = sqlx::query(
        "DELETE FROM account_invitations WHERE token_hash = $1 AND expires_at > $2 \
         RETURNING person_id",
    )
    .bind(token_hash.to_owned())
    .bind(now_ms())
    .fetch_optional(&mut *tx)
    .await?
    .map(|row| row.try_get("person_id"))
    .transpose()?;
    let Some(person) = person else {
        tx.rollback().await?;
        return Err(StoreError::NotFound);
    };
    let row = sqlx::query(
        "UPDATE persons SET password_hash = $1, listed = 1, updated_at = $2 \
         WHERE id = $3 AND password_hash = '' \
         RETURNING id, name, email, password_hash, is_admin, created_at, suspended_at",
    )
    .bind(password_hash.to_owned())
    .bind(now_ms())
    .bind(person)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        tx.rollback().await?;
        return Err(StoreError::NotFound);
    };
    let account = account_from_row(&row)?;
    tx.commit().await?;
    Ok(account)
}
