//! The store's conformance suite: every test runs on SQLite and on PostgreSQL
//! (`test_name::sqlite`, `test_name::postgres`). PostgreSQL variants need
//! `LODESTAR_TEST_DATABASE_URL`, e.g. `postgres://postgres@127.0.0.1:5432/lodestar_test`;
//! each test gets its own schema there, and its own file on SQLite.

#![allow(clippy::unwrap_used)]

mod support;

mod account_deletion;
mod accounts;
mod audit;
mod booking;
mod busy_times;
mod conversations;
mod generations;
mod housekeeping;
mod leave_out;
mod meetings;
mod mentoring;
mod mentorship_lifecycle;
mod outbox;
mod profiles;
mod programmes;
mod requests;
mod sessions;
mod signals;
mod skills;
mod throttle;
mod tokens;
mod webhooks;
