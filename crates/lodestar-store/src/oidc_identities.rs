//! Identities at OpenID providers, linked to accounts. An identity (issuer and subject) is
//! linked once, by the primary key; it links to an existing account only by an e-mail the
//! provider verified, or to the account its first sign-in made. Finding, linking and making
//! happen in one transaction, so two callbacks racing for one identity end with one account
//! and one link: the loser's insert breaks a unique index, and its second attempt finds
//! what the winner wrote.

use lodestar_domain::{Email, PersonId};
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::persons::{Account, NewAccount, account_from_row, insert_account};
use crate::{Db, now_ms};

/// Who the provider says signed in.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The provider's issuer URL, as discovered.
    pub issuer: String,
    /// The provider's stable id for the person (`sub`).
    pub subject: String,
    /// The e-mail the provider gave, if any.
    pub email: Option<Email>,
    /// Whether the provider vouches for that e-mail (`email_verified`).
    pub email_verified: bool,
}

/// How a sign-in through a provider ended.
#[derive(Clone, Debug)]
pub enum SignIn {
    /// The identity was linked already: its account.
    Known(Account),
    /// The identity is now linked to the account with its verified e-mail.
    Linked(Account),
    /// A new account was made for the identity and linked.
    Created(Account),
    /// The account is suspended; nothing was written.
    Suspended,
    /// The identity is not linked and the provider gave no e-mail.
    NoEmail,
    /// The identity is not linked and the provider does not vouch for its e-mail.
    Unverified,
    /// No account has the e-mail, and none may be made.
    NoAccount,
}

/// A linked identity, as its person sees it.
#[derive(Clone, Debug)]
pub struct Linked {
    pub issuer: String,
    pub email: String,
    pub created_at: i64,
    pub last_sign_in_at: i64,
}

const ACCOUNT_COLUMNS: &str =
    "p.id, p.name, p.email, p.password_hash, p.is_admin, p.created_at, p.suspended_at";

/// Signs `identity` in: its linked account; else, with a verified e-mail, the account
/// with that e-mail, linked now; else `create` (an account to make, or `None` where the
/// operator allows none), made and linked.
pub async fn sign_in(db: &Db, identity: &Identity, create: Option<&NewAccount>) -> Result<SignIn> {
    // A racing callback for the same identity or e-mail breaks a unique index at most
    // once; the next attempt finds what it committed.
    let mut attempts = 0;
    loop {
        attempts += 1;
        match attempt(db, identity, create).await {
            Err(StoreError::Conflict {
                what: "email" | "oidc_identity",
            }) if attempts < 3 => continue,
            other => return other,
        }
    }
}

async fn attempt(db: &Db, identity: &Identity, create: Option<&NewAccount>) -> Result<SignIn> {
    let now = now_ms();
    let mut tx = db.writer().begin().await?;
    let known = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ACCOUNT_COLUMNS} FROM oidc_identities i JOIN persons p ON p.id = i.person_id \
         WHERE i.issuer = $1 AND i.subject = $2"
    )))
    .bind(identity.issuer.clone())
    .bind(identity.subject.clone())
    .fetch_optional(&mut *tx)
    .await?
    .as_ref()
    .map(account_from_row)
    .transpose()?;
    if let Some(account) = known {
        if account.suspended_at.is_some() {
            return Ok(SignIn::Suspended);
        }
        sqlx::query(
            "UPDATE oidc_identities SET last_sign_in_at = $1, \
             email = COALESCE($2, email) WHERE issuer = $3 AND subject = $4",
        )
        .bind(now)
        .bind(identity.email.as_ref().map(|e| e.as_str().to_owned()))
        .bind(identity.issuer.clone())
        .bind(identity.subject.clone())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(SignIn::Known(account));
    }
    let Some(email) = &identity.email else {
        return Ok(SignIn::NoEmail);
    };
    if !identity.email_verified {
        return Ok(SignIn::Unverified);
    }
    let existing = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ACCOUNT_COLUMNS} FROM persons p WHERE p.email = $1"
    )))
    .bind(email.as_str().to_owned())
    .fetch_optional(&mut *tx)
    .await?
    .as_ref()
    .map(account_from_row)
    .transpose()?;
    let (account, outcome): (Account, fn(Account) -> SignIn) = match (existing, create) {
        (Some(account), _) if account.suspended_at.is_some() => return Ok(SignIn::Suspended),
        (Some(account), _) => (account, SignIn::Linked),
        (None, Some(new)) => {
            let new = NewAccount {
                email: email.clone(),
                ..new.clone()
            };
            (insert_account(&mut tx, &new).await?, SignIn::Created)
        }
        (None, None) => return Ok(SignIn::NoAccount),
    };
    sqlx::query(
        "INSERT INTO oidc_identities (issuer, subject, person_id, email, created_at, last_sign_in_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(identity.issuer.clone())
    .bind(identity.subject.clone())
    .bind(account.id.to_string())
    .bind(email.as_str().to_owned())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(outcome(account))
}

/// The identities linked to `person`, oldest first.
pub async fn for_person(db: &Db, person: PersonId) -> Result<Vec<Linked>> {
    sqlx::query(
        "SELECT issuer, email, created_at, last_sign_in_at FROM oidc_identities \
         WHERE person_id = $1 ORDER BY created_at, issuer",
    )
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(Linked {
            issuer: row.try_get("issuer")?,
            email: row.try_get("email")?,
            created_at: row.try_get("created_at")?,
            last_sign_in_at: row.try_get("last_sign_in_at")?,
        })
    })
    .collect()
}
