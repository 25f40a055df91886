//! The OpenAPI 3 document (`/api/openapi.json`) and a readable reference page built from
//! it (`/api/docs`).

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::AppState;
use crate::ops::LimitResponses;
use crate::routes::Routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lodestar API",
        description = "The JSON API of Lodestar, a self-hosted mentorship platform. Authenticate with \
            `Authorization: Bearer <token>`, using a personal token from the API tokens page or one from \
            `POST /api/v1/auth/login`. Errors always have the shape \
            `{\"error\": {\"code\": \"…\", \"message\": \"…\", \"fields\": {\"field\": \"message\"}}}`."
    ),
    paths(
        super::accounts::register,
        super::accounts::login,
        super::accounts::logout,
        super::accounts::accept_invitation,
        super::accounts::me,
        super::accounts::delete_me,
        super::export::personal,
        super::accounts::change_password,
        super::accounts::list_tokens,
        super::accounts::create_token,
        super::accounts::revoke_token,
        super::accounts::list_sessions,
        super::accounts::end_session,
        super::accounts::sign_out_everywhere,
        super::people::my_profile,
        super::people::update_my_profile,
        super::people::directory,
        super::people::recommendations,
        super::people::blocked,
        super::people::block,
        super::people::unblock,
        super::people::person,
        super::notifications::list,
        super::notifications::mark_read,
        super::notifications::preferences,
        super::notifications::set_preferences,
        super::skills::list,
        super::skills::show,
        super::skills::create,
        super::skills::update,
        super::skills::merge,
        super::meetings::schedule,
        super::meetings::list,
        super::meetings::show,
        super::meetings::edit,
        super::meetings::cancel,
        super::meetings::outcome,
        super::meetings::invite,
        super::meetings::add_note,
        super::meetings::notes,
        super::meetings::add_action_item,
        super::meetings::action_items,
        super::meetings::edit_action_item,
        super::meetings::calendar,
        super::meetings::reset_calendar,
        super::requests::create,
        super::requests::list,
        super::requests::show,
        super::requests::accept,
        super::requests::decline,
        super::requests::withdraw,
        super::requests::approve,
        super::requests::reject,
        super::requests::to_review,
        super::requests::programme_mentors,
        super::requests::accepting,
        super::requests::set_accepting,
        super::mentorships::list,
        super::mentorships::show,
        super::mentorships::update,
        super::mentorships::pause,
        super::mentorships::resume,
        super::mentorships::complete,
        super::mentorships::cancel,
        super::mentorships::stalled,
        super::busy_calendar::status,
        super::busy_calendar::refresh,
        super::conversations::list,
        super::conversations::messages,
        super::conversations::post,
        super::conversations::read,
        super::conversations::edit,
        super::conversations::delete,
        super::conversations::report,
        super::conversations::settings,
        super::conversations::set_settings,
        super::moderation::reports,
        super::moderation::act,
        super::moderation::suspensions,
        super::moderation::lift,
        super::webhooks::list,
        super::webhooks::create,
        super::webhooks::show,
        super::webhooks::delete,
        super::webhooks::update,
        super::webhooks::roll_secret,
        super::webhooks::deliveries,
        super::webhooks::retry,
        super::audit::list,
        super::booking::availability,
        super::booking::set_availability,
        super::booking::slots,
        super::booking::book,
        super::booking::one_off_slots,
        super::booking::book_one_off,
        super::events::events,
        super::growth::create_goal,
        super::growth::my_goals,
        super::growth::board,
        super::growth::goal,
        super::growth::edit_goal,
        super::growth::delete_goal,
        super::growth::add_milestone,
        super::growth::edit_milestone,
        super::growth::delete_milestone,
        super::growth::comments,
        super::growth::comment,
        super::growth::goals_of,
        super::growth::check_in,
        super::growth::my_check_ins,
        super::growth::check_ins_of,
        super::growth::plan,
        super::growth::set_plan,
        super::growth::progress,
        super::feedback::assess_myself,
        super::feedback::my_assessments,
        super::feedback::edit_assessment,
        super::feedback::delete_assessment,
        super::feedback::assessments_of,
        super::feedback::assess_mentee,
        super::feedback::give,
        super::feedback::in_mentorship,
        super::feedback::ask,
        super::feedback::mine,
        super::feedback::one,
        super::feedback::acknowledge,
        super::feedback::to_goal,
        super::feedback::to_step,
        super::outcomes::create,
        super::outcomes::mine,
        super::outcomes::edit,
        super::outcomes::delete,
        super::outcomes::of_person,
        super::export::json,
        super::export::csv,
        super::career::list,
        super::career::show,
        super::career::create,
        super::career::update,
        super::career::mine,
        super::career::set,
        super::career::gap,
        super::career::close_roles,
        super::career::steps,
        super::career::add_step,
        super::career::edit_step,
        super::career::delete_step,
        super::career::step_to_goal,
        super::network::request,
        super::network::mine,
        super::network::accept,
        super::network::remove,
        super::network::of_person,
        super::network::settings,
        super::network::set_settings,
        super::network::paths,
        super::network::introduce,
        super::network::introductions,
        super::network::introduction,
        super::network::accept_introduction,
        super::network::decline_introduction,
        super::network::ask,
        super::network::decline_ask,
        super::network::withdraw_ask,
        super::opportunities::post,
        super::opportunities::list,
        super::opportunities::one,
        super::opportunities::edit,
        super::opportunities::remove,
        super::opportunities::close,
        super::opportunities::share,
        super::opportunities::status,
        super::opportunities::pin,
        super::opportunities::for_you,
        super::opportunities::digest,
        super::opportunities::set_digest,
        super::programmes::create,
        super::programmes::list,
        super::programmes::one,
        super::programmes::update,
        super::programmes::archive,
        super::programmes::enrol,
        super::programmes::enrolments,
        super::programmes::new_invitation,
        super::programmes::import_participants,
        super::programmes::participants_csv,
        super::programmes::matches_csv,
        super::programmes::report,
        super::programmes::report_csv,
        super::programmes::enrolment,
        super::programmes::withdraw,
        super::programmes::approve,
        super::programmes::decline,
        super::programmes::start_match_run,
        super::programmes::match_runs,
        super::programmes::match_run,
        super::programmes::edit_match_run,
        super::programmes::publish_match_run,
        crate::ops::healthz,
        crate::ops::prometheus,
    ),
    modifiers(&BearerAuth, &CommonAnswers, &LimitResponses),
    tags(
        (name = "accounts", description = "Registering, logging in, your account"),
        (name = "tokens", description = "Personal API tokens"),
        (name = "people", description = "Profiles and the people directory"),
        (name = "skills", description = "The skills catalogue"),
        (name = "notifications", description = "Your inbox and e-mail preferences"),
        (name = "sessions", description = "Sessions of a mentorship: scheduling, invitations, notes, action items, the calendar feed"),
        (name = "requests", description = "Asking for mentoring, offering it, and answering"),
        (name = "mentorships", description = "Mentorships: the agreement, state changes, the timeline"),
        (name = "live", description = "Your new notifications and messages as they happen (server-sent events)"),
        (name = "operations", description = "Health and metrics"),
        (name = "conversations", description = "Threads of a request or mentorship: messages, read state, reports"),
        (name = "moderation", description = "Admins: reported messages, actions, suspended accounts"),
        (name = "webhooks", description = "Admins: signed webhooks for the main events (request accepted, mentorship started or completed, session held, goal achieved, programme match published), their deliveries and retries"),
        (name = "audit", description = "Instance admins: the audit log, an append-only record of every admin action"),
        (name = "growth", description = "Your goals, milestones and comments; confidence check-ins and their cadence; skill assessments; structured feedback and requests for it; career outcomes; the export of your whole growth record; what a mentee shares with you as their mentor"),
        (name = "booking", description = "Booking a mentor's free time: availability and busy calendar, free slots in your own time zone, bookings, one-off conversations"),
        (name = "network", description = "Connections between people: requests and accepting them, removing them, the connections you share with someone, hiding yours; who can introduce you (paths through the network); introductions, double opt-in, and requests for them"),
        (name = "opportunities", description = "Opportunities and insights: posting for everyone, your connections or your mentees; the filtered list; sharing, marking and outcomes; For you, ranked with reasons; pinning and removal by admins"),
        (name = "programmes", description = "Programmes: a cohort with dates, purposes, a matching mode, a format, rules and its own enrolment form; created and archived by instance admins, edited by them and the programme's own admins, read by anyone signed in"),
        (name = "career", description = "The role catalogue (derived from ESCO: this service uses the ESCO classification of the European Commission) and your career path: target roles, the skills gap, close roles, plan steps"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every operation of the document with its path, for modifiers that add to each.
pub(crate) fn operations_mut(
    openapi: &mut utoipa::openapi::OpenApi,
) -> impl Iterator<Item = (&String, &mut utoipa::openapi::path::Operation)> {
    openapi.paths.paths.iter_mut().flat_map(|(path, item)| {
        [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        .map(move |operation| (path, operation))
    })
}

/// The answers every operation of a kind can give, whatever its handler does: the
/// extractors' refusals of a body (`invalid_json`, `unsupported_media_type`,
/// `invalid_body`) or a query string (`invalid_query`), and a missing or bad token. Added
/// here once, so that no operation can forget one and the document says what the server
/// does.
struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        use utoipa::openapi::{RefOr, Required};
        for (_, operation) in operations_mut(openapi) {
            let mut add = |status: &str, text: &str| {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::T(error_response(text)));
            };
            if operation.request_body.is_some() {
                add("400", "The body is not JSON (`invalid_json`)");
                add(
                    "415",
                    "The body is not sent as `application/json` (`unsupported_media_type`)",
                );
                add(
                    "422",
                    "The body does not have the documented shape (`invalid_body`) or a field is not valid (`validation_failed`)",
                );
            }
            let has_query = operation.parameters.iter().flatten().any(|p| match p {
                RefOr::T(p) => matches!(p.parameter_in, ParameterIn::Query),
                RefOr::Ref(_) => false,
            });
            if has_query {
                add(
                    "400",
                    "A query parameter has the wrong type (`invalid_query`)",
                );
            }
            if operation.security.is_some() {
                add("401", "No valid API token (`unauthenticated`)");
            }
            // A body the server cannot do without is required.
            if let Some(RefOr::T(body)) = operation.request_body.as_mut() {
                body.required = Some(Required::True);
            }
        }
    }
}

fn error_response(description: &str) -> utoipa::openapi::Response {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
}

pub fn docs_registry() -> Routes<AppState> {
    Routes::new()
        .get("/api/openapi.json", openapi_json)
        .get("/api/docs", crate::pages::api_reference)
}

pub fn docs_routes() -> Router<AppState> {
    docs_registry().into_router()
}

/// The document never changes while the process runs: build it once.
async fn openapi_json() -> Response {
    static JSON: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    match JSON.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .map_err(|e| e.to_string())
    }) {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json.clone()).into_response(),
        Err(e) => crate::ApiError(lodestar_app::AppError::Internal(e.clone())).into_response(),
    }
}
