//! The store's error type, and the one place where database constraint violations become
//! domain conflicts.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken; `what` names the rule (`email`, `skill_slug`, …).
    #[error("{what} is already taken")]
    Conflict { what: &'static str },
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    /// Every connection of the pool stayed in use past its wait: the database is saturated.
    #[error("no database connection came free in time")]
    Saturated,
    #[error(transparent)]
    Database(sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Unique-constraint names (PostgreSQL) and `table.column` texts (SQLite) mapped to the
/// rule they enforce.
const UNIQUE_RULES: &[(&str, &str, &str)] = &[
    ("persons_email_key", "persons.email", "email"),
    ("skills_slug_key", "skills.slug", "skill_slug"),
    ("skills_name_key", "skills.name_key", "skill_name"),
    ("api_tokens_hash_key", "api_tokens.token_hash", "token"),
    // One link per identity at an OpenID provider: the primary key on issuer and subject.
    (
        "oidc_identities_pkey",
        "oidc_identities.issuer, oidc_identities.subject",
        "oidc_identity",
    ),
    ("roles_slug_key", "roles.slug", "role_slug"),
    // One open request per pair: the partial index on (mentor_id, mentee_id).
    (
        "mentorship_requests_open_pair",
        "mentorship_requests.mentor_id, mentorship_requests.mentee_id",
        "open_request",
    ),
    // Two active bookings of one mentor at one start: the partial index on bookings.
    (
        "bookings_one_per_start",
        "bookings.mentor_id, bookings.starts_at",
        "slot",
    ),
    // One live enrolment per person and programme: the partial index.
    (
        "programme_enrolments_live",
        "programme_enrolments.programme_id, programme_enrolments.person_id",
        "enrolment",
    ),
    // One run at a time solves for a programme: the partial index.
    (
        "match_runs_one_solving",
        "match_runs.programme_id",
        "match_run",
    ),
    (
        "first_admin_claim_pkey",
        "first_admin_claim.id",
        "first_admin",
    ),
];

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => return Self::NotFound,
            sqlx::Error::PoolTimedOut => return Self::Saturated,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                let constraint = db.constraint().unwrap_or_default().to_owned();
                let message = db.message().to_owned();
                for (pg_name, sqlite_text, what) in UNIQUE_RULES {
                    if constraint == *pg_name || message.contains(sqlite_text) {
                        return Self::Conflict { what };
                    }
                }
            }
            _ => {}
        }
        Self::Database(err)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
