//! The one application error. The web layer maps each variant to an HTTP status and a
//! stable machine-readable code in one place.

use lodestar_domain::FieldErrors;
use lodestar_store::StoreError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("some fields are not valid")]
    Invalid(FieldErrors),
    /// A rule about existing data was broken (an email already registered).
    #[error("{message}")]
    Conflict {
        code: &'static str,
        field: Option<&'static str>,
        message: String,
    },
    /// The time asked for was booked by someone else meanwhile; `slots` are the free
    /// ones now, for the same session length.
    #[error("{message}")]
    SlotTaken {
        message: String,
        slots: Vec<crate::booking::SlotView>,
    },
    #[error("you are not allowed to do that")]
    Forbidden,
    /// The account is suspended by an admin: it cannot log in until the suspension is lifted.
    #[error("this account is suspended: ask your programme's admins to lift the suspension")]
    Suspended,
    #[error("{0}")]
    Unauthenticated(&'static str),
    #[error("too many failed attempts; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    /// The server is at capacity for this kind of work (password hashing); nothing was
    /// done, and the same request may succeed after a short wait.
    #[error("the server is busy; try again in {retry_after_secs} seconds")]
    Busy { retry_after_secs: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(FieldErrors::single(field, message))
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        Self::Invalid(errors)
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::NotFound("record"),
            StoreError::Conflict { what: "email" } => Self::Conflict {
                code: "email_taken",
                field: Some("email"),
                message: "an account with this email already exists".into(),
            },
            StoreError::Conflict { what: "skill_slug" } => Self::Conflict {
                code: "skill_exists",
                field: Some("slug"),
                message: "a skill with this slug already exists".into(),
            },
            StoreError::Conflict { what: "skill_name" } => Self::Conflict {
                code: "skill_exists",
                field: Some("name"),
                message: "a skill with this name already exists".into(),
            },
            // The partial unique index caught a race the service's own check could not see.
            StoreError::Conflict {
                what: "open_request",
            } => Self::Conflict {
                code: "request_exists",
                field: None,
                message: "there is already a request between you two waiting for an answer".into(),
            },
            // The partial unique index on bookings caught two bookings of one start.
            StoreError::Conflict { what: "slot" } => Self::Conflict {
                code: "slot_taken",
                field: None,
                message: crate::booking::SLOT_TAKEN.into(),
            },
            StoreError::Conflict { what } => Self::Conflict {
                code: "conflict",
                field: None,
                message: format!("{what} is already taken"),
            },
            // Every connection stayed in use past the pool's wait: the database is saturated,
            // and the client is told to come back shortly rather than shown a failure.
            StoreError::Saturated => {
                tracing::warn!("no database connection came free in time; answering busy");
                Self::Busy {
                    retry_after_secs: 1,
                }
            }
            other => Self::Internal(other.to_string()),
        }
    }
}
