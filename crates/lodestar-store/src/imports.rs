//! A programme's participant import, written whole in the caller's transaction: accounts
//! made for people new to Lodestar with their invitations (migration 27), departments set,
//! enrolments made or brought up to date. Bulk rows go in multi-row `INSERT`s, so 100,000
//! participants are a few hundred statements.
//!
//! Everything the import was checked against is checked again where it is written: a new
//! account whose e-mail someone registered since is a `Conflict` on the unique e-mail, an
//! enrolment someone made since is one on the live-enrolment index, and an enrolment that
//! changed state since is a `Conflict` too. The caller rolls back and nothing is written.

use std::collections::HashMap;

use lodestar_domain::programme::EnrolmentRole;
use lodestar_domain::{EnrolmentId, PersonId, ProgrammeId};
use sqlx::Row;

use crate::enrolments::Enrolment;
use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::profiles::insert_rows;
use crate::sql::{Sql, Value};
use crate::{Conn, Db};

/// Someone already in Lodestar, found by e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    pub id: PersonId,
    pub name: String,
    pub department: String,
    /// Whether they have set a password: `false` for an account an import made whose
    /// invitation has not been taken up.
    pub activated: bool,
    /// When their invitation stops working, while they have one.
    pub invitation_expires_at: Option<i64>,
}

/// E-mails looked up per statement.
const LOOKUP_CHUNK: usize = 500;

/// The accounts of `emails` (as stored: lower case), by e-mail.
pub async fn known_by_email(db: &Db, emails: &[String]) -> Result<HashMap<String, Known>> {
    let mut known = HashMap::new();
    for chunk in emails.chunks(LOOKUP_CHUNK) {
        let mut sql = Sql::new(
            "SELECT p.id, p.email, p.name, p.department, p.password_hash, i.expires_at \
             FROM persons p LEFT JOIN account_invitations i ON i.person_id = p.id \
             WHERE p.email IN (",
        );
        sql.bind_list(chunk.iter().cloned()).push(")");
        for row in sql.query().fetch_all(db.reader()).await? {
            known.insert(
                row.try_get::<String, _>("email")?,
                Known {
                    id: parse_id(&row.try_get::<String, _>("id")?)?,
                    name: row.try_get("name")?,
                    department: row.try_get("department")?,
                    activated: !row.try_get::<String, _>("password_hash")?.is_empty(),
                    invitation_expires_at: row.try_get("expires_at")?,
                },
            );
        }
    }
    Ok(known)
}

/// An account to make for someone new, with no password until they take up the invitation,
/// and not in the directory until then.
#[derive(Clone, Debug)]
pub struct NewInvitee {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub department: String,
    pub is_mentor: bool,
    pub wants_mentor: bool,
    /// What free-text search looks in, as the profile service derives it.
    pub search_text: String,
}

/// An invitation to set a password: the hash of the secret in the link e-mailed.
#[derive(Clone, Debug)]
pub struct Invitation {
    pub person: PersonId,
    pub token_hash: String,
}

/// A live enrolment brought up to date (and approved, if it was waiting).
#[derive(Clone, Debug)]
pub struct EnrolmentUpdate {
    pub id: EnrolmentId,
    pub role: EnrolmentRole,
    pub answers_json: String,
}

/// A person's department replaced, with the search text that follows from it.
#[derive(Clone, Debug)]
pub struct DepartmentChange {
    pub person: PersonId,
    pub department: String,
    pub search_text: String,
}

/// One import, checked and ready to write.
#[derive(Clone, Debug, Default)]
pub struct ImportWrite {
    pub accounts: Vec<NewInvitee>,
    pub invitations: Vec<Invitation>,
    pub departments: Vec<DepartmentChange>,
    pub enrolments: Vec<Enrolment>,
    pub updates: Vec<EnrolmentUpdate>,
}

/// An invitation's e-mail, queued to the person's address.
#[derive(Clone, Debug)]
pub struct InvitationMail {
    pub person: PersonId,
    pub recipient: String,
    pub recipient_name: String,
    pub subject: String,
    pub body: String,
}

/// Writes an import in the caller's transaction (see the module's notes on conflicts).
/// Invitations are made or replaced for `invited_by` in `programme`, good until
/// `expires_at`; their e-mails are queued with them.
pub async fn write(
    conn: &mut Conn,
    programme: ProgrammeId,
    invited_by: PersonId,
    import: &ImportWrite,
    mails: &[InvitationMail],
    now: i64,
    expires_at: i64,
) -> Result<()> {
    let accounts = import
        .accounts
        .iter()
        .map(|a| {
            vec![
                Value::from(a.id.to_string()),
                Value::from(a.email.as_str()),
                Value::from(a.name.as_str()),
                Value::from(a.name.to_lowercase()),
                Value::from(""),
                Value::from(a.department.as_str()),
                Value::from(a.is_mentor),
                Value::from(a.wants_mentor),
                Value::from(a.search_text.as_str()),
                Value::from(false),
                Value::from(now),
                Value::from(now),
            ]
        })
        .collect();
    insert_rows(
        conn,
        "persons (id, email, name, name_key, password_hash, department, is_mentor, wants_mentor, \
         search_text, listed, created_at, updated_at)",
        accounts,
    )
    .await?;
    let languages = import
        .accounts
        .iter()
        .map(|a| vec![Value::from(a.id.to_string()), Value::from("en")])
        .collect();
    insert_rows(conn, "person_languages (person_id, language)", languages).await?;
    for chunk in import.invitations.chunks(LOOKUP_CHUNK) {
        let mut gone = Sql::new("DELETE FROM account_invitations WHERE person_id IN (");
        gone.bind_list(chunk.iter().map(|i| i.person.to_string()))
            .push(")");
        gone.query().execute(&mut *conn).await?;
    }
    let invitations = import
        .invitations
        .iter()
        .map(|i| {
            vec![
                Value::from(i.person.to_string()),
                Value::from(i.token_hash.as_str()),
                Value::from(invited_by.to_string()),
                Value::from(programme.to_string()),
                Value::from(now),
                Value::from(expires_at),
            ]
        })
        .collect();
    insert_rows(
        conn,
        "account_invitations (person_id, token_hash, invited_by, programme_id, created_at, expires_at)",
        invitations,
    )
    .await?;
    for change in &import.departments {
        sqlx::query(
            "UPDATE persons SET department = $1, search_text = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(change.department.clone())
        .bind(change.search_text.clone())
        .bind(now)
        .bind(change.person.to_string())
        .execute(&mut *conn)
        .await?;
    }
    let enrolments = import
        .enrolments
        .iter()
        .map(|e| {
            let answers = serde_json::to_string(&e.answers)
                .map_err(|err| StoreError::Corrupt(err.to_string()))?;
            Ok(vec![
                Value::from(e.id.to_string()),
                Value::from(e.programme_id.to_string()),
                Value::from(e.person_id.to_string()),
                Value::from(e.role.as_str()),
                Value::from(answers),
                Value::from(e.state.as_str()),
                Value::from(e.created_at),
                Value::from(e.updated_at),
                Value::from(e.decided_by.map(|p| p.to_string())),
                Value::from(e.decided_at),
            ])
        })
        .collect::<Result<Vec<_>>>()?;
    insert_rows(
        conn,
        "programme_enrolments (id, programme_id, person_id, role, answers, state, created_at, \
         updated_at, decided_by, decided_at)",
        enrolments,
    )
    .await?;
    for u in &import.updates {
        let done = sqlx::query(
            "UPDATE programme_enrolments SET role = $1, answers = $2, updated_at = $3, \
             decided_by = CASE WHEN state = 'pending' THEN $4 ELSE decided_by END, \
             decided_at = CASE WHEN state = 'pending' THEN $3 ELSE decided_at END, \
             state = 'approved' WHERE id = $5 AND state IN ('pending', 'approved')",
        )
        .bind(u.role.as_str())
        .bind(u.answers_json.clone())
        .bind(now)
        .bind(invited_by.to_string())
        .bind(u.id.to_string())
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { what: "enrolment" });
        }
    }
    let mails = mails
        .iter()
        .map(|m| {
            vec![
                Value::from(uuid::Uuid::now_v7().to_string()),
                Value::from(m.person.to_string()),
                Value::from(m.recipient.as_str()),
                Value::from(m.recipient_name.as_str()),
                Value::from(m.subject.as_str()),
                Value::from(m.body.as_str()),
                Value::from(now),
                Value::from(now),
            ]
        })
        .collect();
    insert_rows(
        conn,
        "outbox (id, person_id, recipient, recipient_name, subject, body, created_at, next_attempt_at)",
        mails,
    )
    .await?;
    Ok(())
}
