//! The HTML pages: server-rendered with askama, enhanced by htmx where it helps, and
//! complete without JavaScript. Every form posts to the same services the API calls.

mod account;
mod admin;
mod ask;
mod audit;
mod booking;
mod career;
mod conversations;
mod dashboard;
mod feedback;
mod growth;
mod live;
mod meetings;
mod mentorships;
mod moderation;
mod network;
mod notifications;
mod oidc;
mod opportunities;
mod outcomes;
mod people;
mod profile;
mod programme_report;
mod programmes;
pub mod reference;
mod requests;
mod sessions;
mod tokens;
mod webhooks;

use askama::Template;
use axum::Router;
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use lodestar_app::{AppError, Viewer};
use tower_sessions::Session;

use crate::AppState;
use crate::error::{public_message, status_and_code};
use crate::routes::Routes;
use crate::statics::{CSS_PATH, HTMX_PATH, HTMX_SSE_PATH, LIVE_JS_PATH};

pub use reference::api_reference;

/// Every page route. A new route added here must also get a row in the authorization
/// matrix (`tests/it/authz.rs`), which fails until it has one.
pub fn registry() -> Routes<AppState> {
    Routes::new()
        .get("/", account::landing)
        .get("/register", account::register_form)
        .post("/register", account::register)
        .get("/login", account::login_form)
        .post("/login", account::login)
        .post("/logout", account::logout)
        .get("/auth/oidc/start", oidc::start)
        .get("/auth/oidc/callback", oidc::callback)
        .get("/dashboard", dashboard::dashboard)
        .get("/account/password", account::password_form)
        .post("/account/password", account::change_password)
        .get("/account/export.json", account::export_json)
        .post("/account/delete", account::delete_account)
        .get("/account/sessions", sessions::sessions)
        .post("/account/sessions/{id}/revoke", sessions::end_session)
        .post(
            "/account/sessions/revoke-all",
            sessions::sign_out_everywhere,
        )
        .get("/notifications", notifications::inbox)
        .post("/notifications/read", notifications::mark_all_read)
        .post("/notifications/{id}/open", notifications::open)
        .get("/account/notifications", notifications::preferences)
        .post("/account/notifications", notifications::save_preferences)
        .get("/setup/{token}", sessions::setup_form)
        .post("/setup/{token}", sessions::setup)
        .get("/profile", profile::edit_form)
        .post("/profile", profile::save)
        .get("/people", people::directory)
        .get("/people/{id}", people::person)
        .post("/people/{id}/block", people::block)
        .post("/people/{id}/unblock", people::unblock)
        .get("/people/{id}/ask", ask::ask_form)
        .post("/people/{id}/ask", ask::ask)
        .get("/recommendations", people::recommendations)
        .get("/requests", requests::list)
        .post("/requests/accepting", requests::set_accepting)
        .post("/requests/{id}/accept", requests::accept)
        .post("/requests/{id}/decline", requests::decline)
        .post("/requests/{id}/withdraw", requests::withdraw)
        .get("/tokens", tokens::list)
        .post("/tokens", tokens::create)
        .post("/tokens/{id}/revoke", tokens::revoke)
        .get("/mentorships/{id}/sessions", meetings::mentorship_sessions)
        .post("/mentorships/{id}/sessions", meetings::schedule)
        .post("/mentorships/{id}/action-items", meetings::add_action_item)
        .get("/sessions/{id}", meetings::show)
        .post("/sessions/{id}", meetings::edit)
        .post("/sessions/{id}/cancel", meetings::cancel)
        .post("/sessions/{id}/outcome", meetings::outcome)
        .post("/sessions/{id}/notes", meetings::add_note)
        .get("/sessions/{id}/invite.ics", meetings::invite)
        .post("/action-items/{id}", meetings::edit_action_item)
        .get("/account/calendar", meetings::calendar_page)
        .post("/account/calendar/reset", meetings::reset_calendar)
        .get("/calendar/{file}", meetings::feed)
        .get("/admin/skills", admin::skills)
        .post("/admin/skills", admin::add_skill)
        .get("/admin/skills/{skill}", admin::skill)
        .post("/admin/skills/{skill}", admin::update_skill)
        .post("/admin/skills/{skill}/merge", admin::merge_skill)
        .get("/mentorships", mentorships::list)
        .get("/mentorships/{id}", mentorships::show)
        .post("/mentorships/{id}/agreement", mentorships::agreement)
        .post("/mentorships/{id}/pause", mentorships::pause)
        .post("/mentorships/{id}/resume", mentorships::resume)
        .post("/mentorships/{id}/complete", mentorships::complete)
        .post("/mentorships/{id}/cancel", mentorships::cancel)
        .get("/admin/stalled", mentorships::stalled)
        .get("/admin/audit", audit::audit_log)
        .get("/messages", conversations::inbox)
        .post("/messages/settings", conversations::save_settings)
        .get("/threads/{id}", conversations::thread)
        .post("/threads/{id}/messages", conversations::post)
        .post("/threads/{id}/read", conversations::read)
        .post("/messages/{id}/edit", conversations::edit)
        .post("/messages/{id}/delete", conversations::delete)
        .post("/messages/{id}/report", conversations::report)
        .get("/admin/reports", moderation::reports)
        .post("/admin/reports/{id}/actions", moderation::act)
        .post("/admin/suspensions/{id}/lift", moderation::lift)
        .get("/admin/webhooks", webhooks::list)
        .post("/admin/webhooks", webhooks::create)
        .get("/admin/webhooks/{id}", webhooks::show)
        .post("/admin/webhooks/{id}/delete", webhooks::delete)
        .post("/admin/webhooks/{id}/active", webhooks::set_active)
        .post("/admin/webhooks/{id}/secret", webhooks::roll_secret)
        .post("/admin/webhooks/deliveries/{id}/retry", webhooks::retry)
        .get("/account/availability", booking::settings)
        .post("/account/availability", booking::save_settings)
        .post("/account/busy-calendar/refresh", booking::refresh_calendar)
        .post("/mentorships/{id}/bookings", booking::book)
        .post("/people/{id}/one-off-bookings", booking::book_one_off)
        .get("/live", live::live)
        .get("/goals", growth::goals)
        .post("/goals", growth::create_goal)
        .get("/goals/{id}", growth::goal)
        .post("/goals/{id}", growth::edit_goal)
        .post("/goals/{id}/delete", growth::delete_goal)
        .post("/goals/{id}/milestones", growth::add_milestone)
        .post("/goals/{id}/milestones/{milestone_id}", growth::milestone)
        .post("/goals/{id}/comments", growth::comment)
        .get("/check-ins", growth::check_ins)
        .post("/check-ins", growth::check_in)
        .post("/check-ins/plan", growth::save_plan)
        .get("/people/{id}/progress", growth::progress)
        .get("/assessments", feedback::assessments)
        .post("/assessments", feedback::assess)
        .post("/assessments/{id}/delete", feedback::delete_assessment)
        .get("/people/{id}/assessments", feedback::assessments_of)
        .post("/people/{id}/assessments", feedback::assess_mentee)
        .get("/feedback", feedback::feedback)
        .post("/feedback", feedback::give)
        .post("/feedback/ask", feedback::ask)
        .post("/feedback/{id}/acknowledge", feedback::acknowledge)
        .post("/feedback/{id}/goal", feedback::to_goal)
        .post("/feedback/{id}/step", feedback::to_step)
        .get("/network", network::network)
        .post("/network/settings", network::settings)
        .post("/people/{id}/connect", network::connect)
        .post("/connections/{id}/accept", network::accept)
        .post("/connections/{id}/remove", network::remove)
        .get("/network/find", network::find)
        .get("/network/introductions", network::introductions)
        .post("/network/introductions", network::introduce)
        .post("/network/ask", network::ask)
        .post("/introductions/{id}/accept", network::accept_introduction)
        .post("/introductions/{id}/decline", network::decline_introduction)
        .post("/introductions/asks/{id}/decline", network::decline_ask)
        .post("/introductions/asks/{id}/withdraw", network::withdraw_ask)
        .get("/programmes", programmes::list)
        .get("/programmes/new", programmes::new_form)
        .post("/programmes/new", programmes::create)
        .get("/programmes/{id}", programmes::one)
        .get("/programmes/{id}/edit", programmes::edit_form)
        .post("/programmes/{id}/edit", programmes::update)
        .post("/programmes/{id}/enrol", programmes::enrol)
        .post("/programmes/{id}/invitation", programmes::new_invitation)
        .get("/programmes/{id}/enrolments", programmes::enrolments)
        .get("/programmes/{id}/requests", programmes::requests_to_review)
        .post("/requests/{id}/approve", programmes::approve_request)
        .post("/requests/{id}/reject", programmes::reject_request)
        .post(
            "/programmes/{id}/participants/import",
            programmes::import_participants.layer(axum::extract::DefaultBodyLimit::max(
                crate::csrf::MAX_UPLOAD_BYTES,
            )),
        )
        .get(
            "/programmes/{id}/participants.csv",
            programmes::participants_csv,
        )
        .get("/programmes/{id}/matches.csv", programmes::matches_csv)
        .get("/programmes/{id}/report", programme_report::report)
        .get("/programmes/{id}/report.csv", programme_report::report_csv)
        .get("/invitations/{token}", sessions::invitation_form)
        .post("/invitations/{token}", sessions::accept_invitation)
        .post("/enrolments/{id}/withdraw", programmes::withdraw)
        .post("/enrolments/{id}/approve", programmes::approve)
        .post("/enrolments/{id}/decline", programmes::decline)
        .post("/programmes/{id}/match-runs", programmes::start_match_run)
        .get("/match-runs/{id}", programmes::match_run)
        .post("/match-runs/{id}/edit", programmes::edit_match_run)
        .post("/match-runs/{id}/publish", programmes::publish_match_run)
        .get("/opportunities", opportunities::list)
        .get("/opportunities/new", opportunities::new_form)
        .post("/opportunities/new", opportunities::create)
        .post("/opportunities/digest", opportunities::digest)
        .get("/opportunities/{id}", opportunities::one)
        .get("/opportunities/{id}/edit", opportunities::edit_form)
        .post("/opportunities/{id}/edit", opportunities::update)
        .post("/opportunities/{id}/close", opportunities::close)
        .post("/opportunities/{id}/status", opportunities::mark)
        .post("/opportunities/{id}/share", opportunities::share)
        .get("/outcomes", outcomes::outcomes)
        .post("/outcomes", outcomes::create)
        .post("/outcomes/{id}", outcomes::edit)
        .post("/outcomes/{id}/delete", outcomes::delete)
        .get("/growth/export", outcomes::export_page)
        .get("/growth/export.json", outcomes::export_json)
        // `{file}` is `<part>.csv`, as in the API.
        .get("/growth/export/{file}", outcomes::export_csv)
        .get("/career", career::career)
        .post("/career", career::set_path)
        .post("/career/steps", career::add_step)
        .post("/career/steps/{id}", career::edit_step)
        .post("/career/steps/{id}/delete", career::delete_step)
        .post("/career/steps/{id}/goal", career::step_to_goal)
        .get("/roles", career::roles)
        .get("/admin/roles", career::admin_roles)
        .post("/admin/roles", career::add_role)
        .get("/admin/roles/{id}", career::admin_role)
        .post("/admin/roles/{id}", career::update_role)
}

pub fn routes() -> Router<AppState> {
    registry().into_router()
}

/// What every page's frame needs: who is signed in, the CSRF token for forms, which
/// navigation entry is current, and a one-off message.
pub struct Chrome {
    pub viewer: Option<Viewer>,
    pub csrf: String,
    pub nav: &'static str,
    pub title: String,
    pub notice: Option<String>,
    pub css: &'static str,
    pub htmx: &'static str,
    /// The viewer's unread notifications, for the navigation.
    pub unread: i64,
    /// The viewer's unread messages, for the navigation.
    pub unread_messages: i64,
    /// The page's live stream (`/live?since=…`) for a signed-in viewer, else empty.
    pub live: String,
    pub htmx_sse: &'static str,
    /// The live pages' script (drops a message that reached the page twice).
    pub live_js: &'static str,
}

tokio::task_local! {
    /// The application, while a page is being made: the frame looks up the unread count
    /// through it, so no page handler has to pass it along.
    static FRAME_APP: lodestar_app::App;
}

/// Runs a page request with the application at hand for [`Chrome::new`].
pub async fn frame_scope(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    FRAME_APP.scope(state.app.clone(), next.run(request)).await
}

/// The signed-in viewer's unread notifications and unread messages (one read for both);
/// 0 if they cannot be read, since the page itself can still be shown.
async fn unread_badges_for(viewer: Option<&Viewer>) -> (i64, i64) {
    let (Some(viewer), Ok(app)) = (viewer, FRAME_APP.try_with(Clone::clone)) else {
        return (0, 0);
    };
    app.unread_badges(viewer).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot count unread notifications and messages");
        (0, 0)
    })
}

impl Chrome {
    pub async fn new(
        session: &Session,
        viewer: Option<Viewer>,
        nav: &'static str,
        title: impl Into<String>,
    ) -> Result<Self, Response> {
        let csrf = crate::csrf::token(session)
            .await
            .map_err(|e| error_page(&e))?;
        // Removing marks the session changed, which costs a write: only when there is one.
        let notice = match session.get::<String>(NOTICE_KEY).await {
            Ok(Some(notice)) => {
                let _ = session.remove::<String>(NOTICE_KEY).await;
                Some(notice)
            }
            _ => None,
        };
        let (unread, unread_messages) = unread_badges_for(viewer.as_ref()).await;
        let live = if viewer.is_some() {
            live::stream_path()
        } else {
            String::new()
        };
        Ok(Self {
            viewer,
            csrf,
            nav,
            title: title.into(),
            notice,
            css: CSS_PATH,
            htmx: HTMX_PATH,
            unread,
            unread_messages,
            live,
            htmx_sse: HTMX_SSE_PATH,
            live_js: LIVE_JS_PATH,
        })
    }

    /// The frame of a page whose form a visitor fills in (log in, register, setup): the
    /// form's token is signed and stateless, so no session is started.
    pub fn for_visitor(csrf: String, nav: &'static str, title: impl Into<String>) -> Self {
        Self {
            csrf,
            ..Self::without_forms(nav, title)
        }
    }

    /// The frame of a page without forms for someone not signed in: no session needed.
    pub fn without_forms(nav: &'static str, title: impl Into<String>) -> Self {
        Self {
            viewer: None,
            csrf: String::new(),
            nav,
            title: title.into(),
            notice: None,
            css: CSS_PATH,
            htmx: HTMX_PATH,
            unread: 0,
            unread_messages: 0,
            live: String::new(),
            htmx_sse: HTMX_SSE_PATH,
            live_js: LIVE_JS_PATH,
        }
    }

    pub fn is(&self, nav: &str) -> bool {
        self.nav == nav
    }

    pub fn is_admin(&self) -> bool {
        self.viewer.as_ref().is_some_and(|v| v.is_admin)
    }
}

const NOTICE_KEY: &str = "notice";

/// A record's id from a page's path (`/threads/{id}`): a malformed one gets the same "not
/// found" page as an id that names nothing, before the handler runs.
pub struct PageId<T>(pub T);

/// An id a page's path names, with what it is called on the "not found" page.
pub trait PathRecord: std::str::FromStr {
    const WHAT: &'static str;
}

impl PathRecord for lodestar_domain::WebhookId {
    const WHAT: &'static str = "webhook";
}

impl PathRecord for lodestar_domain::WebhookDeliveryId {
    const WHAT: &'static str = "delivery";
}

impl PathRecord for lodestar_domain::MentorshipId {
    const WHAT: &'static str = "mentorship";
}

impl PathRecord for lodestar_domain::MeetingId {
    const WHAT: &'static str = "session";
}

impl PathRecord for lodestar_domain::ThreadId {
    const WHAT: &'static str = "thread";
}

impl PathRecord for lodestar_domain::MessageId {
    const WHAT: &'static str = "message";
}

impl<S, T> axum::extract::FromRequestParts<S> for PageId<T>
where
    S: Send + Sync,
    T: PathRecord + Send,
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
        raw.parse()
            .map(PageId)
            .map_err(|_| error_page(&AppError::NotFound(T::WHAT)))
    }
}

/// Leaves `message` for the next page and sends the browser to `to`: the end of a form
/// that worked.
pub async fn done(session: &Session, message: &str, to: &str) -> Response {
    notify(session, message).await;
    axum::response::Redirect::to(to).into_response()
}

/// Leaves a message for the next page the person sees (after a redirect).
pub async fn notify(session: &Session, message: &str) {
    let _ = session.insert(NOTICE_KEY, message).await;
}

/// Renders a template into a response.
pub fn render(template: &impl Template) -> Response {
    render_status(StatusCode::OK, template)
}

/// Renders a page that was made, with `status`, or gives back the response that stopped
/// it (an error page).
pub fn render_made(status: StatusCode, page: Result<impl Template, Response>) -> Response {
    match page {
        Ok(page) => render_status(status, &page),
        Err(stopped) => stopped,
    }
}

/// A page whose form a visitor fills in (register, log in, setup, an invitation): the form's
/// signed token in its frame, and the nonce cookie the token is bound to on the response.
pub(super) async fn visitor_form<T: Template>(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    status: StatusCode,
    nav: &'static str,
    title: &str,
    page: impl FnOnce(Chrome) -> T,
) -> Response {
    let form = match crate::csrf::anonymous_form(state, headers).await {
        Ok(form) => form,
        Err(e) => return error_page(&e),
    };
    let page = page(Chrome::for_visitor(form.token.clone(), nav, title));
    form.attach(render_status(status, &page))
}

pub fn render_status(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<h1>Something went wrong</h1>".to_owned()),
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    heading: &'a str,
    message: &'a str,
}

/// A page for an error, with a frame but no session-dependent parts.
pub fn error_page_with(status: StatusCode, heading: &str, message: &str) -> Response {
    let chrome = Chrome::without_forms("", heading);
    render_status(
        status,
        &ErrorPage {
            chrome,
            heading,
            message,
        },
    )
}

/// The page for an application error.
pub fn error_page(err: &AppError) -> Response {
    let (status, _) = status_and_code(err);
    let heading = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        StatusCode::SERVICE_UNAVAILABLE => "Busy right now",
        _ => "Something went wrong",
    };
    let mut page = error_page_with(status, heading, &public_message(err));
    crate::error::set_retry_after(err, &mut page);
    page
}

pub async fn not_found() -> Response {
    error_page_with(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no page at this address.",
    )
}

/// Turns a service error into the error page.
pub trait OrPage<T> {
    fn or_page(self) -> Result<T, Response>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn or_page(self) -> Result<T, Response> {
        self.map_err(|e| error_page(&e))
    }
}

/// Values of a submitted form, by name, repeated names kept in order.
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_owned()
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

/// A safe place to go after logging in: a path on this site only. Control characters are
/// refused because browsers drop tabs and newlines from URLs ("/\t/evil.example" would
/// become "//evil.example", another site) and a newline cannot go in a header at all.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => "/dashboard".to_owned(),
    }
}

/// Epoch milliseconds as a UTC date and time, e.g. "2026-11-25 14:03 UTC".
pub fn date(ms: impl std::borrow::Borrow<i64>) -> String {
    let ms = *ms.borrow();
    match time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ),
        Err(_) => String::new(),
    }
}

/// The field messages of an error a form shows beside its fields (invalid input, or a
/// conflict on one field such as a taken email); any other error is given back.
fn field_errors(err: AppError) -> Result<lodestar_domain::FieldErrors, AppError> {
    match err {
        AppError::Invalid(errors) => Ok(errors),
        AppError::Conflict {
            field: Some(field),
            message,
            ..
        } => Ok(lodestar_domain::FieldErrors::single(field, message)),
        other => Err(other),
    }
}
