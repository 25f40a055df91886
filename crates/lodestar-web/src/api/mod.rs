//! The JSON API under `/api/v1`, and its OpenAPI document and reference page.

mod accounts;
mod audit;
mod booking;
mod busy_calendar;
mod career;
mod conversations;
mod docs;
mod events;
mod export;
mod extract;
mod feedback;
mod growth;
mod meetings;
mod mentorships;
mod moderation;
mod network;
mod notifications;
mod opportunities;
mod outcomes;
mod people;
mod programmes;
mod requests;
mod skills;
mod webhooks;

use axum::Router;
use axum::handler::Handler;

use crate::AppState;
use crate::routes::Routes;
pub(crate) use docs::operations_mut;
pub use docs::{ApiDoc, docs_registry, docs_routes};
pub(crate) use export::{CSV, download, json_download, personal_download};
pub(crate) use meetings::CALENDAR;

/// Every API route, relative to `/api/v1`. A new route added here must also get a row in
/// the authorization matrix (`tests/it/authz.rs`), which fails until it has one.
pub fn registry() -> Routes<AppState> {
    Routes::new()
        .post("/auth/register", accounts::register)
        .post("/auth/login", accounts::login)
        .post("/auth/logout", accounts::logout)
        .post("/auth/invitation", accounts::accept_invitation)
        .get("/me", accounts::me)
        .delete("/me", accounts::delete_me)
        .get("/me/export", export::personal)
        .get("/me/profile", people::my_profile)
        .patch("/me/profile", people::update_my_profile)
        .get("/me/recommendations", people::recommendations)
        .get("/me/blocks", people::blocked)
        .put("/me/blocks/{id}", people::block)
        .delete("/me/blocks/{id}", people::unblock)
        .post("/me/password", accounts::change_password)
        .get("/me/tokens", accounts::list_tokens)
        .post("/me/tokens", accounts::create_token)
        .delete("/me/tokens/{id}", accounts::revoke_token)
        .get("/me/sessions", accounts::list_sessions)
        .post("/me/sessions/revoke-all", accounts::sign_out_everywhere)
        .delete("/me/sessions/{id}", accounts::end_session)
        .get("/me/notifications", notifications::list)
        .post("/me/notifications/read", notifications::mark_read)
        .get("/me/notification-preferences", notifications::preferences)
        .put(
            "/me/notification-preferences",
            notifications::set_preferences,
        )
        .get("/me/busy-calendar", busy_calendar::status)
        .post("/me/busy-calendar/refresh", busy_calendar::refresh)
        .get("/me/calendar", meetings::calendar)
        .post("/me/calendar/reset", meetings::reset_calendar)
        .post("/mentorships/{id}/sessions", meetings::schedule)
        .get("/mentorships/{id}/sessions", meetings::list)
        .post("/mentorships/{id}/action-items", meetings::add_action_item)
        .get("/mentorships/{id}/action-items", meetings::action_items)
        .get("/sessions/{id}", meetings::show)
        .patch("/sessions/{id}", meetings::edit)
        .post("/sessions/{id}/cancel", meetings::cancel)
        .post("/sessions/{id}/outcome", meetings::outcome)
        .get("/sessions/{id}/invite.ics", meetings::invite)
        .post("/sessions/{id}/notes", meetings::add_note)
        .get("/sessions/{id}/notes", meetings::notes)
        .patch("/action-items/{id}", meetings::edit_action_item)
        .get("/people", people::directory)
        .get("/people/{id}", people::person)
        .get("/skills", skills::list)
        .post("/skills", skills::create)
        .get("/skills/{skill}", skills::show)
        .patch("/skills/{skill}", skills::update)
        .post("/skills/{skill}/merge", skills::merge)
        .post("/requests", requests::create)
        .get("/requests", requests::list)
        .get("/requests/{id}", requests::show)
        .post("/requests/{id}/accept", requests::accept)
        .post("/requests/{id}/decline", requests::decline)
        .post("/requests/{id}/withdraw", requests::withdraw)
        .post("/requests/{id}/approve", requests::approve)
        .post("/requests/{id}/reject", requests::reject)
        .get("/programmes/{id}/requests", requests::to_review)
        .get("/programmes/{id}/mentors", requests::programme_mentors)
        .get("/me/accepting-requests", requests::accepting)
        .put("/me/accepting-requests", requests::set_accepting)
        .get("/mentorships", mentorships::list)
        .get("/mentorships/{id}", mentorships::show)
        .patch("/mentorships/{id}", mentorships::update)
        .post("/mentorships/{id}/pause", mentorships::pause)
        .post("/mentorships/{id}/resume", mentorships::resume)
        .post("/mentorships/{id}/complete", mentorships::complete)
        .post("/mentorships/{id}/cancel", mentorships::cancel)
        .get("/admin/stalled-mentorships", mentorships::stalled)
        .get("/threads", conversations::list)
        .get("/threads/{id}/messages", conversations::messages)
        .post("/threads/{id}/messages", conversations::post)
        .post("/threads/{id}/read", conversations::read)
        .patch("/messages/{id}", conversations::edit)
        .delete("/messages/{id}", conversations::delete)
        .post("/messages/{id}/report", conversations::report)
        .get("/me/messaging", conversations::settings)
        .put("/me/messaging", conversations::set_settings)
        .get("/admin/reports", moderation::reports)
        .post("/admin/reports/{id}/actions", moderation::act)
        .get("/admin/suspensions", moderation::suspensions)
        .delete("/admin/suspensions/{id}", moderation::lift)
        .get("/admin/webhooks", webhooks::list)
        .post("/admin/webhooks", webhooks::create)
        .get("/admin/webhooks/{id}", webhooks::show)
        .delete("/admin/webhooks/{id}", webhooks::delete)
        .patch("/admin/webhooks/{id}", webhooks::update)
        .post("/admin/webhooks/{id}/secret", webhooks::roll_secret)
        .get("/admin/webhooks/{id}/deliveries", webhooks::deliveries)
        .post("/admin/webhooks/deliveries/{id}/retry", webhooks::retry)
        .get("/admin/audit", audit::list)
        .get("/me/availability", booking::availability)
        .put("/me/availability", booking::set_availability)
        .get("/mentorships/{id}/slots", booking::slots)
        .post("/mentorships/{id}/bookings", booking::book)
        .get("/mentors/{id}/one-off-slots", booking::one_off_slots)
        .post("/mentors/{id}/one-off-bookings", booking::book_one_off)
        .get("/me/events", events::events)
        .post("/me/goals", growth::create_goal)
        .get("/me/goals", growth::my_goals)
        .get("/mentorships/{id}/board", growth::board)
        .get("/me/goals/{id}", growth::goal)
        .patch("/me/goals/{id}", growth::edit_goal)
        .delete("/me/goals/{id}", growth::delete_goal)
        .post("/me/goals/{id}/milestones", growth::add_milestone)
        .patch(
            "/me/goals/{id}/milestones/{milestone_id}",
            growth::edit_milestone,
        )
        .delete(
            "/me/goals/{id}/milestones/{milestone_id}",
            growth::delete_milestone,
        )
        .get("/me/goals/{id}/comments", growth::comments)
        .post("/me/goals/{id}/comments", growth::comment)
        .get("/people/{id}/goals", growth::goals_of)
        .post("/me/check-ins", growth::check_in)
        .get("/me/check-ins", growth::my_check_ins)
        .get("/people/{id}/check-ins", growth::check_ins_of)
        .get("/me/check-in-plan", growth::plan)
        .put("/me/check-in-plan", growth::set_plan)
        .get("/people/{id}/progress", growth::progress)
        .post("/me/assessments", feedback::assess_myself)
        .get("/me/assessments", feedback::my_assessments)
        .patch("/me/assessments/{id}", feedback::edit_assessment)
        .delete("/me/assessments/{id}", feedback::delete_assessment)
        .get("/people/{id}/assessments", feedback::assessments_of)
        .post("/people/{id}/assessments", feedback::assess_mentee)
        .post("/mentorships/{id}/feedback", feedback::give)
        .get("/mentorships/{id}/feedback", feedback::in_mentorship)
        .post("/mentorships/{id}/feedback-requests", feedback::ask)
        .get("/me/feedback", feedback::mine)
        .get("/me/feedback/{id}", feedback::one)
        .post("/me/feedback/{id}/acknowledge", feedback::acknowledge)
        .post("/me/feedback/{id}/goal", feedback::to_goal)
        .post("/me/feedback/{id}/step", feedback::to_step)
        .post("/me/outcomes", outcomes::create)
        .get("/me/outcomes", outcomes::mine)
        .patch("/me/outcomes/{id}", outcomes::edit)
        .delete("/me/outcomes/{id}", outcomes::delete)
        .get("/people/{id}/outcomes", outcomes::of_person)
        .get("/me/growth/export", export::json)
        // `{file}` is `<part>.csv`: a path parameter cannot carry a suffix.
        .get("/me/growth/export/{file}", export::csv)
        .get("/roles", career::list)
        .post("/roles", career::create)
        .get("/roles/{id}", career::show)
        .patch("/roles/{id}", career::update)
        .get("/me/career", career::mine)
        .put("/me/career", career::set)
        .get("/me/career/gap", career::gap)
        .get("/me/career/close-roles", career::close_roles)
        .get("/me/career/steps", career::steps)
        .post("/me/career/steps", career::add_step)
        .patch("/me/career/steps/{id}", career::edit_step)
        .delete("/me/career/steps/{id}", career::delete_step)
        .post("/me/career/steps/{id}/goal", career::step_to_goal)
        .post("/connections", network::request)
        .get("/connections", network::mine)
        .post("/connections/{id}/accept", network::accept)
        .delete("/connections/{id}", network::remove)
        .get("/people/{id}/connections", network::of_person)
        .get("/me/network", network::settings)
        .put("/me/network", network::set_settings)
        .get("/me/paths", network::paths)
        .post("/introductions", network::introduce)
        .get("/introductions", network::introductions)
        .get("/introductions/{id}", network::introduction)
        .post("/introductions/{id}/accept", network::accept_introduction)
        .post("/introductions/{id}/decline", network::decline_introduction)
        .post("/introductions/ask", network::ask)
        .post("/introductions/asks/{id}/decline", network::decline_ask)
        .post("/introductions/asks/{id}/withdraw", network::withdraw_ask)
        .post("/opportunities", opportunities::post)
        .get("/opportunities", opportunities::list)
        .get("/opportunities/{id}", opportunities::one)
        .put("/opportunities/{id}", opportunities::edit)
        .delete("/opportunities/{id}", opportunities::remove)
        .post("/opportunities/{id}/close", opportunities::close)
        .post("/opportunities/{id}/share", opportunities::share)
        .put("/opportunities/{id}/status", opportunities::status)
        .put("/opportunities/{id}/pin", opportunities::pin)
        .get("/me/opportunities", opportunities::for_you)
        .get("/me/opportunities/digest", opportunities::digest)
        .put("/me/opportunities/digest", opportunities::set_digest)
        .post("/programmes", programmes::create)
        .get("/programmes", programmes::list)
        .get("/programmes/{id}", programmes::one)
        .put("/programmes/{id}", programmes::update)
        .delete("/programmes/{id}", programmes::archive)
        .post("/programmes/{id}/enrolments", programmes::enrol)
        .get("/programmes/{id}/enrolments", programmes::enrolments)
        .post("/programmes/{id}/invitation", programmes::new_invitation)
        .post(
            "/programmes/{id}/participants/import",
            programmes::import_participants.layer(axum::extract::DefaultBodyLimit::max(
                lodestar_app::programmes::participants::MAX_IMPORT_BYTES,
            )),
        )
        .get(
            "/programmes/{id}/participants.csv",
            programmes::participants_csv,
        )
        .get("/programmes/{id}/matches.csv", programmes::matches_csv)
        .get("/programmes/{id}/report", programmes::report)
        .get("/programmes/{id}/report.csv", programmes::report_csv)
        .get("/enrolments/{id}", programmes::enrolment)
        .delete("/enrolments/{id}", programmes::withdraw)
        .post("/enrolments/{id}/approve", programmes::approve)
        .post("/enrolments/{id}/decline", programmes::decline)
        .post("/programmes/{id}/match-runs", programmes::start_match_run)
        .get("/programmes/{id}/match-runs", programmes::match_runs)
        .get("/match-runs/{id}", programmes::match_run)
        .patch("/match-runs/{id}", programmes::edit_match_run)
        .post("/match-runs/{id}/publish", programmes::publish_match_run)
}

pub fn routes() -> Router<AppState> {
    registry()
        .into_router()
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> axum::response::Response {
    let mut response = crate::ApiError::bad_request(
        "method_not_allowed",
        "this endpoint does not accept that method",
    );
    *response.status_mut() = axum::http::StatusCode::METHOD_NOT_ALLOWED;
    response
}

async fn not_found() -> crate::ApiError {
    crate::ApiError(lodestar_app::AppError::NotFound("API endpoint"))
}
