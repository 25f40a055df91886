//! The HTTP surface through the real router, in process, on SQLite and on PostgreSQL
//! (`test_name::sqlite`, `test_name::postgres`). PostgreSQL variants need
//! `LODESTAR_TEST_DATABASE_URL`, e.g. `postgres://postgres@127.0.0.1:5432/lodestar_test`.

#![allow(clippy::unwrap_used)]

mod support;

mod audit;
mod auth;
mod authz;
mod booking;
mod busy_calendar;
mod career;
mod conversations;
mod demo;
mod directory;
mod enrolments;
mod feedback;
mod growth;
mod hygiene;
mod introductions;
mod limits;
mod live;
mod match_runs;
mod matching;
mod me;
mod meetings;
mod mentorships;
mod moderation;
mod moves;
mod network;
mod notifications;
mod oidc;
mod one_off;
mod opportunities;
mod ops;
mod outcomes;
mod pages;
mod participants;
mod paths;
mod privacy;
mod profile;
mod programme_pages;
mod programme_report;
mod programme_requests;
mod programmes;
mod recommending;
mod request_pages;
mod requests;
mod sessions;
mod skills;
mod tokens;
mod webhooks;
