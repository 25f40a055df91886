//! Lodestar's persistence: one code path over SQLite and PostgreSQL through `sqlx::Any`.
//!
//! The backend is chosen by the database URL at run time. Both run the same embedded
//! migrations and the same queries; where a backend needs its own SQL, the one query is
//! isolated behind a match on [`Backend`]. Rules that must hold when two requests race
//! (one email per account, one first admin) are enforced by the database itself.

pub mod action_items;
pub mod assessments;
pub mod audit;
pub mod availability;
pub mod blocks;
pub mod bookings;
pub mod bulk_growth;
pub mod bulk_mentoring;
pub mod bulk_network;
pub mod bulk_programme;
pub mod busy_times;
pub mod calendar_feeds;
pub mod career;
pub mod check_ins;
pub mod connections;
pub mod dashboard;
mod db;
pub mod enrolments;
pub mod erasure;
mod error;
pub mod feedback;
pub mod generations;
pub mod goals;
pub mod imports;
pub mod installation;
pub mod introductions;
pub mod invitations;
pub mod leave_out;
pub mod match_runs;
pub mod meeting_notes;
pub mod meetings;
pub mod mentorships;
pub mod messages;
pub mod moderation;
pub mod notifications;
pub mod oidc_identities;
pub mod opportunities;
pub mod outbox;
pub mod outcomes;
pub mod participants;
pub mod personal_data;
pub mod persons;
pub mod profiles;
pub mod programme_report;
pub mod programmes;
pub mod requests;
pub mod roles;
pub mod sessions;
pub mod signals;
pub mod skills;
mod sql;
#[cfg(feature = "testing")]
pub mod testing;
pub mod threads;
pub mod throttle;
pub mod tokens;
pub mod webhooks;

pub use db::{Backend, Conn, Db, DbConfig, Tx, commit, now_ms};
pub use error::StoreError;
