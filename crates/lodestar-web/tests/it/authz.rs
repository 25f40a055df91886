//! The authorization matrix: every route the router serves (`lodestar_web::route_list()`),
//! called by four people — someone not signed in, a signed-in stranger, the owner of what
//! the route touches (or the party to it), and an admin — each with the answer they must
//! get. A route without a row fails the test, so every new route has to say who may call
//! it; a row whose route is gone fails too.
//!
//! API routes are called with a bearer token, everything else from a browser with its
//! session cookie. Form posts carry the browser's valid CSRF token, so what is checked is
//! who may do it, not whether the form is genuine. Path parameters are filled from
//! fixtures made per request where the call would use them up (a token to revoke, a
//! block to lift, a skill to merge away).

use std::collections::BTreeSet;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use serde_json::json;

use crate::pages::csrf_of;
use crate::support::{PASSWORD, TestApp, TestResponse, api_tests};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Anon,
    Stranger,
    Owner,
    Admin,
}

const ROLES: [Role; 4] = [Role::Anon, Role::Stranger, Role::Owner, Role::Admin];

/// The answer a role must get.
#[derive(Clone, Copy, Debug)]
enum Want {
    /// Any 2xx.
    Done,
    /// Exactly this status.
    Status(u16),
    /// A 3xx to a location starting with this.
    Redirect(&'static str),
    /// A 3xx to the log-in page, which comes back here afterwards.
    LogIn,
}

use Want::{Done, LogIn, Redirect, Status};
const UNAUTHENTICATED: Want = Status(401);
const FORBIDDEN: Want = Status(403);
const NOT_FOUND: Want = Status(404);

impl Want {
    fn accepts(self, got: &Outcome) -> bool {
        let (status, location) = (got.status, got.location.as_str());
        match self {
            Done => status.is_success(),
            Status(code) => status.as_u16() == code,
            Redirect(prefix) => status.is_redirection() && location.starts_with(prefix),
            LogIn => status.is_redirection() && location.starts_with("/login?next="),
        }
    }
}

/// What fills the path's one `{parameter}`.
#[derive(Clone, Copy, Debug)]
enum Fill {
    Nothing,
    /// The owner's person id.
    Owner,
    /// A listed person nobody owns; anyone may block them.
    Target,
    /// A person the owner has blocked (blocked again before each call).
    OwnersBlock,
    /// A new API token of the owner's.
    OwnersToken,
    /// A new browser session of the owner's.
    OwnersSession,
    /// A setup link that does not exist (the real one is printed to the operator only).
    NoSetupLink,
    /// A skill of the shipped catalogue.
    Skill,
    /// A new skill, made by the admin for this call.
    NewSkill,
    /// A new notification in the owner's inbox.
    OwnersNotification,
    /// The active mentorship of the owner (mentor) and the target (mentee).
    OwnersMentorship,
    /// A new session of the owner's mentorship, tomorrow.
    OwnersMeeting,
    /// A new session of the owner's mentorship that started an hour ago.
    OwnersPastMeeting,
    /// A new action item of the owner's mentorship.
    OwnersActionItem,
    /// `<token>.ics`: the owner's calendar feed as it is now.
    OwnersFeed,
    /// A listed mentor nobody owns; anyone may ask them.
    Mentor,
    /// A new listed mentor, for a request that must not meet an earlier one.
    NewMentor,
    /// A pending request to the owner (who mentors), from a new mentee unless one waits.
    RequestToOwner,
    /// A pending request the owner sent, to a new mentor unless one waits.
    RequestFromOwner,
    /// A new active mentorship of the owner's (as mentee) with the target, for this call.
    NewMentorship,
    /// A new paused mentorship of the owner's with the target, for this call.
    OwnersPausedMentorship,
    /// The thread of the owner's mentorship with their correspondent (whom nobody blocks).
    OwnersThread,
    /// A new message of the owner's in that thread.
    OwnersMessage,
    /// A new message to the owner from their correspondent.
    MessageToOwner,
    /// A new report, by the owner, of a message from their correspondent.
    NewReport,
    /// A new suspended account.
    SuspendedPerson,
    /// The owner's mentorship, with the owner (its mentor) free every day, all day.
    OwnersBookableMentorship,
    /// A new listed mentor whose every day is open to one-off conversations.
    NewOneOffMentor,
    /// A new private goal of the owner's.
    OwnersGoal,
    /// `goal|milestone`: a new milestone of a new goal of the owner's.
    OwnersMilestone,
    /// A role of the shipped catalogue.
    Role,
    /// A new step of the owner's career plan.
    OwnersCareerStep,
    /// A new self-assessment of the owner's.
    OwnersAssessment,
    /// New feedback to the owner from the target, their mentee.
    FeedbackToOwner,
    /// A new career outcome of the owner's.
    OwnersOutcome,
    /// `goals.csv`: a table of the growth record's export.
    ExportFile,
    /// A new listed person, for a connection request that must not meet an earlier one.
    NewPerson,
    /// A new request to connect with the owner, from a new person.
    ConnectionToOwner,
    /// A new person the owner is connected with.
    OwnersNewConnection,
    /// A new introduction of the owner to a new person, by someone connected with both.
    IntroductionOfOwner,
    /// A new request to the owner for an introduction, from a new connection of theirs.
    AskToOwner,
    /// A new request of the owner's for an introduction, to a new connection of theirs.
    AskFromOwner,
    /// A new opportunity of the owner's for everyone.
    OwnersOpportunity,
    /// A new opportunity of the owner's for their connections only.
    OwnersPrivateOpportunity,
    /// A new programme, made by the admin, with the owner as its one programme admin.
    OwnersProgramme,
    /// A request waiting for approval in a new admin-assisted programme the owner runs,
    /// from a new mentee to a new mentor, both enrolled.
    RequestToReviewByOwner,
    /// A new programme whose enrolment is open today, with the owner as its admin.
    OpenProgramme,
    /// The owner's pending enrolment in a new programme that asks for approval, run by the
    /// admin.
    OwnersEnrolment,
    /// A drafted match run of a new programme whose admin is the owner.
    OwnersMatchRun,
    /// A new webhook endpoint, registered by the admin.
    NewWebhook,
    /// A new delivery, not sent yet, to a new webhook endpoint.
    NewWebhookDelivery,
}

/// Which identity a role calls with: its own, or one made for this call because the call
/// ends it (logging out ends the session, changing the password ends every session).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fresh {
    No,
    /// A new API token or browser session of the role's account.
    Session,
    /// A new account in the role (a new admin for the admin).
    Account,
}

/// A request body. In its text `{n}` becomes a number unique to the call, `{email}` the
/// caller's email (the owner's for someone not signed in), `{id}` the row's fill when
/// the path has no parameter for it, and `{day3}` the UTC date three days from now.
#[derive(Clone, Copy, Debug)]
enum Payload {
    Empty,
    Json(&'static str),
    Form(&'static [(&'static str, &'static str)]),
    /// A CSV file: the API's body (`text/csv`), or a page form's `file`.
    Csv(&'static str),
}

struct Row {
    method: Method,
    path: String,
    fill: Fill,
    payload: Payload,
    fresh: Fresh,
    /// For the anonymous visitor, the stranger, the owner and the admin.
    want: [Want; 4],
}

fn row(method: Method, path: &str, want: [Want; 4]) -> Row {
    Row {
        method,
        path: path.to_owned(),
        fill: Fill::Nothing,
        payload: Payload::Empty,
        fresh: Fresh::No,
        want,
    }
}

impl Row {
    fn fill(self, fill: Fill) -> Self {
        Self { fill, ..self }
    }
    fn json(self, body: &'static str) -> Self {
        Self {
            payload: Payload::Json(body),
            ..self
        }
    }
    fn csv(self, body: &'static str) -> Self {
        Self {
            payload: Payload::Csv(body),
            ..self
        }
    }
    fn form(self, fields: &'static [(&'static str, &'static str)]) -> Self {
        Self {
            payload: Payload::Form(fields),
            ..self
        }
    }
    fn fresh(self, fresh: Fresh) -> Self {
        Self { fresh, ..self }
    }
}

/// Everyone may call it and succeed.
const PUBLIC: [Want; 4] = [Done, Done, Done, Done];
/// Any signed-in person, acting on their own account.
const SIGNED_IN_API: [Want; 4] = [UNAUTHENTICATED, Done, Done, Done];
const SIGNED_IN_PAGE: [Want; 4] = [LogIn, Done, Done, Done];
/// Only the owner; to anyone else signed in the thing does not exist.
const OWNER_API: [Want; 4] = [UNAUTHENTICATED, NOT_FOUND, Done, NOT_FOUND];
/// Admins only.
const ADMIN_API: [Want; 4] = [UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, Done];
const ADMIN_PAGE: [Want; 4] = [LogIn, FORBIDDEN, FORBIDDEN, Done];
/// Members of a mentorship only; to anyone else, admins included, it does not exist.
const MEMBER_PAGE: [Want; 4] = [LogIn, NOT_FOUND, Done, NOT_FOUND];
const MEMBER_FORM: [Want; 4] = [LogIn, NOT_FOUND, Redirect("/mentorships/"), NOT_FOUND];
/// A signed-in person's own busy calendar, which nobody in the matrix has set: there is
/// nothing to fetch for anyone, and no one reaches another's.
const OWN_BUSY_CALENDAR: [Want; 4] = [UNAUTHENTICATED, NOT_FOUND, NOT_FOUND, NOT_FOUND];

/// A programme's whole definition, as created and edited in the matrix.
const PROGRAMME: &str = r#"{"name": "Matrix {n}", "description": "A cohort.", "enrolment_opens": "2027-01-04",
    "enrolment_closes": "2027-01-29", "starts_on": "2027-02-01", "ends_on": "2027-06-30", "matching": "cohort",
    "questions": [{"kind": "single_choice", "text": "Where do you meet?", "options": ["Online", "In person"], "match_rule": "same"}]}"#;

/// A participants file for a programme without questions: one new person a call.
const IMPORT_CSV: &str = "name,email,role\nImported {n},imported{n}@example.org,mentee\n";

/// A programme's definition, as the page's form posts it.
const PROGRAMME_FORM: &[(&str, &str)] = &[
    ("name", "Matrix {n}"),
    ("enrolment_opens", "2027-01-04"),
    ("enrolment_closes", "2027-01-29"),
    ("starts_on", "2027-02-01"),
    ("ends_on", "2027-06-30"),
    ("matching", "cohort"),
    ("format", "one_to_one"),
    ("purposes", "career_development"),
    ("min_score", "0"),
];

/// The matrix. Keep it in the order of the route lists, one row per (method, path).
fn matrix() -> Vec<Row> {
    use Method as M;
    let css = concat!("/static/app-", env!("CARGO_PKG_VERSION"), ".css");
    let live_js = concat!("/static/live-", env!("CARGO_PKG_VERSION"), ".js");
    vec![
        // ---- pages
        row(M::GET, "/", PUBLIC),
        row(M::GET, "/register", [Done, Redirect("/dashboard"), Redirect("/dashboard"), Redirect("/dashboard")]),
        row(M::POST, "/register", [Redirect("/profile"); 4])
            .form(&[("name", "Newcomer {n}"), ("email", "newcomer{n}@example.org"), ("password", PASSWORD)])
            .fresh(Fresh::Session),
        row(M::GET, "/login", [Done, Redirect("/dashboard"), Redirect("/dashboard"), Redirect("/dashboard")]),
        row(M::POST, "/login", [Redirect("/dashboard"); 4])
            .form(&[("email", "{email}"), ("password", PASSWORD), ("next", "/dashboard")])
            .fresh(Fresh::Session),
        row(M::POST, "/logout", [Redirect("/"); 4]).fresh(Fresh::Session),
        // Sign-in through an OpenID provider exists only where the operator configured one,
        // which the matrix's installation has not; `tests/it/oidc.rs` calls them configured.
        row(M::GET, "/auth/oidc/start", [NOT_FOUND; 4]),
        row(M::GET, "/auth/oidc/callback", [NOT_FOUND; 4]),
        row(M::GET, "/dashboard", SIGNED_IN_PAGE),
        row(M::GET, "/account/password", SIGNED_IN_PAGE),
        row(M::POST, "/account/password", [LogIn, Redirect("/dashboard"), Redirect("/dashboard"), Redirect("/dashboard")])
            .form(&[
                ("current_password", PASSWORD),
                ("new_password", "a-brand-new-passphrase-7"),
                ("confirm_password", "a-brand-new-passphrase-7"),
            ])
            .fresh(Fresh::Account),
        // Everyone downloads and deletes only their own account: no route names another's.
        row(M::GET, "/account/export.json", SIGNED_IN_PAGE),
        row(M::POST, "/account/delete", [LogIn, Redirect("/?account=deleted"), Redirect("/?account=deleted"), Redirect("/?account=deleted")])
            .form(&[("password", PASSWORD)])
            .fresh(Fresh::Account),
        row(M::GET, "/account/sessions", SIGNED_IN_PAGE),
        row(M::POST, "/account/sessions/{id}/revoke", [LogIn, NOT_FOUND, Redirect("/account/sessions"), NOT_FOUND])
            .fill(Fill::OwnersSession),
        // Signing out everywhere ends the account's log-in tokens too: a fresh account.
        row(M::POST, "/account/sessions/revoke-all", [LogIn, Redirect("/login"), Redirect("/login"), Redirect("/login")])
            .fresh(Fresh::Account),
        // Only the operator's link sets up the first admin; nobody can guess one.
        row(M::GET, "/notifications", SIGNED_IN_PAGE),
        row(M::POST, "/notifications/read", [LogIn, Redirect("/notifications"), Redirect("/notifications"), Redirect("/notifications")]),
        // Opening one marks it read and goes to its page; someone else's does not exist.
        row(M::POST, "/notifications/{id}/open", [LogIn, NOT_FOUND, Redirect("/mentorships/"), NOT_FOUND])
            .fill(Fill::OwnersNotification),
        row(M::GET, "/account/notifications", SIGNED_IN_PAGE),
        row(M::POST, "/account/notifications", [LogIn, Redirect("/account/notifications"), Redirect("/account/notifications"), Redirect("/account/notifications")])
            .form(&[("email", "session_reminder")]),
        // An invitation's secret is e-mailed to its person only; nobody can guess one.
        row(M::GET, "/invitations/{token}", [NOT_FOUND; 4]).fill(Fill::NoSetupLink),
        row(M::POST, "/invitations/{token}", [NOT_FOUND; 4])
            .fill(Fill::NoSetupLink)
            .form(&[("password", PASSWORD)]),
        row(M::GET, "/setup/{token}", [NOT_FOUND; 4]).fill(Fill::NoSetupLink),
        row(M::POST, "/setup/{token}", [NOT_FOUND; 4])
            .fill(Fill::NoSetupLink)
            .form(&[("name", "Claimer {n}"), ("email", "claimer{n}@example.org"), ("password", PASSWORD)]),
        row(M::GET, "/profile", SIGNED_IN_PAGE),
        row(M::POST, "/profile", [LogIn, Redirect("/profile"), Redirect("/profile"), Redirect("/profile")])
            .form(&[("name", "Renamed {n}"), ("headline", "Edited by the matrix"), ("wants_mentor", "on"), ("listed", "on"), ("languages", "en")]),
        row(M::GET, "/people", SIGNED_IN_PAGE),
        row(M::GET, "/people/{id}", SIGNED_IN_PAGE).fill(Fill::Owner),
        row(M::POST, "/people/{id}/block", [LogIn, Redirect("/people/"), Redirect("/people/"), Redirect("/people/")])
            .fill(Fill::Target),
        row(M::POST, "/people/{id}/unblock", [LogIn, NOT_FOUND, Redirect("/people/"), NOT_FOUND])
            .fill(Fill::OwnersBlock),
        row(M::GET, "/people/{id}/ask", SIGNED_IN_PAGE).fill(Fill::Mentor),
        row(M::POST, "/people/{id}/ask", [LogIn, Redirect("/requests"), Redirect("/requests"), Redirect("/requests")])
            .fill(Fill::NewMentor)
            .form(&[("message", "Hello {n}"), ("cadence", "weekly"), ("duration_weeks", "8")]),
        row(M::GET, "/recommendations", SIGNED_IN_PAGE),
        row(M::GET, "/requests", SIGNED_IN_PAGE),
        row(M::POST, "/requests/accepting", [LogIn, Redirect("/requests"), Redirect("/requests"), Redirect("/requests")])
            .form(&[("accepting", "true")]),
        // Only the receiver answers, only the sender withdraws; to anyone else, admins
        // included, a request does not exist.
        row(M::POST, "/requests/{id}/accept", [LogIn, NOT_FOUND, Redirect("/requests"), NOT_FOUND])
            .fill(Fill::RequestToOwner),
        row(M::POST, "/requests/{id}/decline", [LogIn, NOT_FOUND, Redirect("/requests"), NOT_FOUND])
            .fill(Fill::RequestToOwner)
            .form(&[("reason", "Not now {n}")]),
        row(M::POST, "/requests/{id}/withdraw", [LogIn, NOT_FOUND, Redirect("/requests"), NOT_FOUND])
            .fill(Fill::RequestFromOwner),
        row(M::GET, "/tokens", SIGNED_IN_PAGE),
        row(M::POST, "/tokens", SIGNED_IN_PAGE).form(&[("name", "matrix {n}")]),
        row(M::POST, "/tokens/{id}/revoke", [LogIn, NOT_FOUND, Redirect("/tokens"), NOT_FOUND])
            .fill(Fill::OwnersToken),
        row(M::GET, "/mentorships/{id}/sessions", MEMBER_PAGE).fill(Fill::OwnersMentorship),
        row(M::POST, "/mentorships/{id}/sessions", [LogIn, NOT_FOUND, Redirect("/sessions/"), NOT_FOUND])
            .fill(Fill::OwnersMentorship)
            .form(&[("date", "2027-03-01"), ("time", "10:00"), ("duration_minutes", "45"), ("location", "Room {n}")]),
        row(M::POST, "/mentorships/{id}/action-items", [LogIn, NOT_FOUND, Redirect("/mentorships/"), NOT_FOUND])
            .fill(Fill::OwnersMentorship)
            .form(&[("title", "Matrix page item {n}")]),
        row(M::GET, "/sessions/{id}", MEMBER_PAGE).fill(Fill::OwnersMeeting),
        row(M::POST, "/sessions/{id}", [LogIn, NOT_FOUND, Redirect("/sessions/"), NOT_FOUND])
            .fill(Fill::OwnersMeeting)
            .form(&[("date", "2027-03-02"), ("time", "11:00"), ("duration_minutes", "30"), ("location", "Moved {n}"), ("agenda", "")]),
        row(M::POST, "/sessions/{id}/cancel", [LogIn, NOT_FOUND, Redirect("/sessions/"), NOT_FOUND])
            .fill(Fill::OwnersMeeting)
            .form(&[("reason", "Matrix {n}")]),
        row(M::POST, "/sessions/{id}/outcome", [LogIn, NOT_FOUND, Redirect("/sessions/"), NOT_FOUND])
            .fill(Fill::OwnersPastMeeting)
            .form(&[("held", "true")]),
        row(M::POST, "/sessions/{id}/notes", [LogIn, NOT_FOUND, Redirect("/sessions/"), NOT_FOUND])
            .fill(Fill::OwnersMeeting)
            .form(&[("body", "Page note {n}")]),
        row(M::GET, "/sessions/{id}/invite.ics", MEMBER_PAGE).fill(Fill::OwnersMeeting),
        row(M::POST, "/action-items/{id}", [LogIn, NOT_FOUND, Redirect("/mentorships/"), NOT_FOUND])
            .fill(Fill::OwnersActionItem)
            .form(&[("done", "on")]),
        row(M::GET, "/account/calendar", SIGNED_IN_PAGE),
        row(M::POST, "/account/calendar/reset", [LogIn, Redirect("/account/calendar"), Redirect("/account/calendar"), Redirect("/account/calendar")]),
        // The secret in the address is the credential: whoever holds it reads the feed.
        row(M::GET, "/calendar/{file}", PUBLIC).fill(Fill::OwnersFeed),
        row(M::GET, "/admin/skills", ADMIN_PAGE),
        row(M::POST, "/admin/skills", [LogIn, FORBIDDEN, FORBIDDEN, Redirect("/admin/skills")])
            .form(&[("name", "Matrix page skill {n}"), ("kind", "technical"), ("category", "Testing")]),
        row(M::GET, "/admin/skills/{skill}", ADMIN_PAGE).fill(Fill::Skill),
        row(M::POST, "/admin/skills/{skill}", [LogIn, FORBIDDEN, FORBIDDEN, Redirect("/admin/skills/")])
            .fill(Fill::Skill)
            .form(&[("description", "Described by the matrix {n}")]),
        row(M::POST, "/admin/skills/{skill}/merge", [LogIn, FORBIDDEN, FORBIDDEN, Redirect("/admin/skills/")])
            .fill(Fill::NewSkill)
            .form(&[("into", "rust")]),
        row(M::GET, "/career", SIGNED_IN_PAGE),
        row(M::POST, "/career", [LogIn, Redirect("/career"), Redirect("/career"), Redirect("/career")])
            .form(&[("current_role", ""), ("target_role", "")]),
        row(M::POST, "/career/steps", [LogIn, Redirect("/career"), Redirect("/career"), Redirect("/career")])
            .form(&[("kind", "learn"), ("title", "Page step {n}"), ("due_date", "2027-04-30")]),
        row(M::POST, "/career/steps/{id}", [LogIn, NOT_FOUND, Redirect("/career"), NOT_FOUND])
            .fill(Fill::OwnersCareerStep)
            .form(&[("done", "on")]),
        row(M::POST, "/career/steps/{id}/delete", [LogIn, NOT_FOUND, Redirect("/career"), NOT_FOUND])
            .fill(Fill::OwnersCareerStep),
        row(M::POST, "/career/steps/{id}/goal", [LogIn, NOT_FOUND, Redirect("/goals/"), NOT_FOUND])
            .fill(Fill::OwnersCareerStep)
            .form(&[("measure", "Matrix {n}")]),
        row(M::GET, "/roles", SIGNED_IN_PAGE),
        row(M::GET, "/admin/roles", ADMIN_PAGE),
        row(M::POST, "/admin/roles", [LogIn, FORBIDDEN, FORBIDDEN, Redirect("/admin/roles")])
            .form(&[("title", "Matrix page role {n}"), ("skills", "rust 3")]),
        row(M::GET, "/admin/roles/{id}", ADMIN_PAGE).fill(Fill::Role),
        row(M::POST, "/admin/roles/{id}", [LogIn, FORBIDDEN, FORBIDDEN, Redirect("/admin/roles")])
            .fill(Fill::Role)
            .form(&[("description", "Described by the matrix page {n}")]),
        row(M::GET, "/mentorships", SIGNED_IN_PAGE),
        // A mentorship is its members' alone: to anyone else, admins included, it is not there.
        row(M::GET, "/mentorships/{id}", MEMBER_PAGE).fill(Fill::NewMentorship),
        row(M::POST, "/mentorships/{id}/agreement", MEMBER_FORM)
            .fill(Fill::NewMentorship)
            .form(&[("goals", "Agreed by the matrix {n}"), ("cadence", "weekly"), ("focus_areas", "networking"), ("expected_end_on", ""), ("contact", "")]),
        row(M::POST, "/mentorships/{id}/pause", MEMBER_FORM)
            .fill(Fill::NewMentorship)
            .form(&[("resume_on", "2099-01-01"), ("reason", "matrix")]),
        row(M::POST, "/mentorships/{id}/resume", MEMBER_FORM).fill(Fill::OwnersPausedMentorship),
        row(M::POST, "/mentorships/{id}/complete", MEMBER_FORM)
            .fill(Fill::NewMentorship)
            .form(&[("reflection", "Closed by the matrix"), ("rating", "4")]),
        row(M::POST, "/mentorships/{id}/cancel", MEMBER_FORM)
            .fill(Fill::NewMentorship)
            .form(&[("reason", "matrix")]),
        row(M::GET, "/admin/stalled", ADMIN_PAGE),
        row(M::GET, "/admin/audit", ADMIN_PAGE),
        // A conversation is its parties' alone: to anyone else, admins included, it is not there.
        row(M::GET, "/messages", SIGNED_IN_PAGE),
        row(M::POST, "/messages/settings", [LogIn, Redirect("/messages"), Redirect("/messages"), Redirect("/messages")])
            .form(&[("show_seen", "on")]),
        row(M::GET, "/threads/{id}", MEMBER_PAGE).fill(Fill::OwnersThread),
        row(M::POST, "/threads/{id}/messages", [LogIn, NOT_FOUND, Redirect("/threads/"), NOT_FOUND])
            .fill(Fill::OwnersThread)
            .form(&[("body", "Page message {n}")]),
        row(M::POST, "/threads/{id}/read", [LogIn, NOT_FOUND, Redirect("/threads/"), NOT_FOUND]).fill(Fill::OwnersThread),
        row(M::POST, "/messages/{id}/edit", [LogIn, NOT_FOUND, Redirect("/threads/"), NOT_FOUND])
            .fill(Fill::OwnersMessage)
            .form(&[("body", "Edited {n}")]),
        row(M::POST, "/messages/{id}/delete", [LogIn, NOT_FOUND, Redirect("/threads/"), NOT_FOUND])
            .fill(Fill::OwnersMessage),
        row(M::POST, "/messages/{id}/report", [LogIn, NOT_FOUND, Redirect("/threads/"), NOT_FOUND])
            .fill(Fill::MessageToOwner)
            .form(&[("reason", "spam"), ("comment", "matrix {n}")]),
        // Admins see reported messages only, and act on them.
        row(M::GET, "/admin/reports", ADMIN_PAGE),
        row(M::POST, "/admin/reports/{id}/actions", [LogIn, FORBIDDEN, FORBIDDEN, Redirect("/admin/reports")])
            .fill(Fill::NewReport)
            .form(&[("action", "dismiss"), ("note", "matrix {n}")]),
        row(M::POST, "/admin/suspensions/{id}/lift", [LogIn, FORBIDDEN, FORBIDDEN, Redirect("/admin/reports")])
            .fill(Fill::SuspendedPerson),
        row(M::GET, "/admin/webhooks", ADMIN_PAGE),
        row(M::POST, "/admin/webhooks", ADMIN_PAGE)
            .form(&[("url", "https://hooks.example.org/page/{n}"), ("events", "goal.achieved")]),
        row(M::GET, "/admin/webhooks/{id}", ADMIN_PAGE).fill(Fill::NewWebhook),
        row(M::POST, "/admin/webhooks/{id}/delete", [LogIn, FORBIDDEN, FORBIDDEN, Redirect("/admin/webhooks")])
            .fill(Fill::NewWebhook),
        row(M::POST, "/admin/webhooks/{id}/active", [LogIn, FORBIDDEN, FORBIDDEN, Redirect("/admin/webhooks/")])
            .fill(Fill::NewWebhook)
            .form(&[("active", "0")]),
        row(M::POST, "/admin/webhooks/{id}/secret", ADMIN_PAGE).fill(Fill::NewWebhook),
        row(M::POST, "/admin/webhooks/deliveries/{id}/retry", [LogIn, FORBIDDEN, FORBIDDEN, Redirect("/admin/webhooks/")])
            .fill(Fill::NewWebhookDelivery),
        row(M::GET, "/account/availability", SIGNED_IN_PAGE),
        row(M::POST, "/account/availability", [LogIn, Redirect("/account/availability"), Redirect("/account/availability"), Redirect("/account/availability")])
            .form(&[("time_zone", "UTC"), ("durations", "30"), ("weekly[0].day", "wed"), ("weekly[0].from", "09:00"), ("weekly[0].to", "10:00")]),
        // Everyone signed in is told how it went (here: that they have no calendar).
        row(M::POST, "/account/busy-calendar/refresh", [LogIn, Redirect("/account/availability"), Redirect("/account/availability"), Redirect("/account/availability")]),
        row(M::POST, "/mentorships/{id}/bookings", [LogIn, NOT_FOUND, Redirect("/sessions/"), NOT_FOUND])
            .fill(Fill::OwnersBookableMentorship)
            .form(&[("starts_at", "{day3}T11:00:00Z"), ("duration_minutes", "30")]),
        // Anyone signed in may book a one-off conversation with a mentor who offers them
        // (at a time clear of the owner's other bookings here: their own sessions are busy).
        row(M::POST, "/people/{id}/one-off-bookings", [LogIn, Redirect("/mentorships/"), Redirect("/mentorships/"), Redirect("/mentorships/")])
            .fill(Fill::NewOneOffMentor)
            .form(&[("starts_at", "{day3}T12:00:00Z"), ("duration_minutes", "30"), ("topic", "Matrix page topic {n}")]),
        // The live stream of whoever is signed in: only their own updates.
        row(M::GET, "/live", SIGNED_IN_PAGE),
        // ---- the JSON API
        row(M::POST, "/api/v1/auth/register", PUBLIC)
            .json(r#"{"name": "Api Newcomer {n}", "email": "api{n}@example.org", "password": "kettle-orbit-umbrella-42"}"#),
        row(M::POST, "/api/v1/auth/login", PUBLIC)
            .json(r#"{"email": "{email}", "password": "kettle-orbit-umbrella-42"}"#),
        row(M::POST, "/api/v1/auth/logout", SIGNED_IN_API).fresh(Fresh::Session),
        // Taking up an invitation needs its e-mailed secret, whoever calls.
        row(M::POST, "/api/v1/auth/invitation", [NOT_FOUND; 4])
            .json(r#"{"token": "lds_not_a_real_invitation", "password": "a long enough password {n}"}"#),
        row(M::GET, "/api/v1/me", SIGNED_IN_API),
        // The fresh admin is not the last one: the world's admin stays.
        row(M::DELETE, "/api/v1/me", SIGNED_IN_API)
            .json(r#"{"password": "kettle-orbit-umbrella-42"}"#)
            .fresh(Fresh::Account),
        row(M::GET, "/api/v1/me/export", SIGNED_IN_API),
        row(M::GET, "/api/v1/me/profile", SIGNED_IN_API),
        row(M::PATCH, "/api/v1/me/profile", SIGNED_IN_API).json(r#"{"headline": "Edited {n}"}"#),
        row(M::GET, "/api/v1/me/recommendations", SIGNED_IN_API),
        row(M::GET, "/api/v1/me/blocks", SIGNED_IN_API),
        row(M::PUT, "/api/v1/me/blocks/{id}", SIGNED_IN_API).fill(Fill::Target),
        row(M::DELETE, "/api/v1/me/blocks/{id}", OWNER_API).fill(Fill::OwnersBlock),
        row(M::POST, "/api/v1/me/password", SIGNED_IN_API)
            .json(r#"{"current_password": "kettle-orbit-umbrella-42", "new_password": "a-brand-new-passphrase-7"}"#)
            .fresh(Fresh::Account),
        row(M::GET, "/api/v1/me/tokens", SIGNED_IN_API),
        row(M::POST, "/api/v1/me/tokens", SIGNED_IN_API).json(r#"{"name": "matrix {n}"}"#),
        row(M::DELETE, "/api/v1/me/tokens/{id}", OWNER_API).fill(Fill::OwnersToken),
        row(M::GET, "/api/v1/me/sessions", SIGNED_IN_API),
        row(M::DELETE, "/api/v1/me/sessions/{id}", OWNER_API).fill(Fill::OwnersSession),
        row(M::POST, "/api/v1/me/sessions/revoke-all", SIGNED_IN_API).fresh(Fresh::Account),
        row(M::GET, "/api/v1/me/notifications", SIGNED_IN_API),
        row(M::POST, "/api/v1/me/notifications/read", SIGNED_IN_API).json(r#"{"all": true}"#),
        row(M::GET, "/api/v1/me/notification-preferences", SIGNED_IN_API),
        row(M::PUT, "/api/v1/me/notification-preferences", SIGNED_IN_API)
            .json(r#"{"email": {"session_reminder": false}}"#),
        row(M::GET, "/api/v1/me/busy-calendar", SIGNED_IN_API),
        row(M::POST, "/api/v1/me/busy-calendar/refresh", OWN_BUSY_CALENDAR),
        row(M::GET, "/api/v1/me/calendar", SIGNED_IN_API),
        row(M::POST, "/api/v1/me/calendar/reset", SIGNED_IN_API),
        row(M::POST, "/api/v1/mentorships/{id}/sessions", OWNER_API)
            .fill(Fill::OwnersMentorship)
            .json(r#"{"starts_at": "2027-03-01T10:00:00+01:00", "duration_minutes": 45, "location": "Room {n}"}"#),
        row(M::GET, "/api/v1/mentorships/{id}/sessions", OWNER_API).fill(Fill::OwnersMentorship),
        row(M::POST, "/api/v1/mentorships/{id}/action-items", OWNER_API)
            .fill(Fill::OwnersMentorship)
            .json(r#"{"title": "Matrix item {n}", "due_date": "2027-01-15"}"#),
        row(M::GET, "/api/v1/mentorships/{id}/action-items", OWNER_API).fill(Fill::OwnersMentorship),
        row(M::GET, "/api/v1/mentorships/{id}/board", OWNER_API).fill(Fill::OwnersMentorship),
        row(M::GET, "/api/v1/sessions/{id}", OWNER_API).fill(Fill::OwnersMeeting),
        row(M::PATCH, "/api/v1/sessions/{id}", OWNER_API)
            .fill(Fill::OwnersMeeting)
            .json(r#"{"agenda": "Edited {n}"}"#),
        row(M::POST, "/api/v1/sessions/{id}/cancel", OWNER_API)
            .fill(Fill::OwnersMeeting)
            .json(r#"{"reason": "Matrix {n}"}"#),
        row(M::POST, "/api/v1/sessions/{id}/outcome", OWNER_API)
            .fill(Fill::OwnersPastMeeting)
            .json(r#"{"held": true}"#),
        row(M::GET, "/api/v1/sessions/{id}/invite.ics", OWNER_API).fill(Fill::OwnersMeeting),
        row(M::POST, "/api/v1/sessions/{id}/notes", OWNER_API)
            .fill(Fill::OwnersMeeting)
            .json(r#"{"body": "Note {n}", "private": true}"#),
        row(M::GET, "/api/v1/sessions/{id}/notes", OWNER_API).fill(Fill::OwnersMeeting),
        row(M::PATCH, "/api/v1/action-items/{id}", OWNER_API)
            .fill(Fill::OwnersActionItem)
            .json(r#"{"done": true}"#),
        row(M::GET, "/api/v1/people", SIGNED_IN_API),
        row(M::GET, "/api/v1/people/{id}", SIGNED_IN_API).fill(Fill::Owner),
        row(M::GET, "/api/v1/skills", PUBLIC),
        row(M::POST, "/api/v1/skills", ADMIN_API)
            .json(r#"{"name": "Matrix skill {n}", "kind": "technical", "category": "Testing"}"#),
        row(M::GET, "/api/v1/skills/{skill}", PUBLIC).fill(Fill::Skill),
        row(M::PATCH, "/api/v1/skills/{skill}", ADMIN_API)
            .fill(Fill::Skill)
            .json(r#"{"description": "Described by the matrix {n}"}"#),
        row(M::POST, "/api/v1/skills/{skill}/merge", ADMIN_API)
            .fill(Fill::NewSkill)
            .json(r#"{"into": "rust"}"#),
        row(M::POST, "/api/v1/requests", SIGNED_IN_API)
            .fill(Fill::NewMentor)
            .json(r#"{"mentor_id": "{id}", "message": "Hello {n}", "cadence": "weekly", "duration_weeks": 8}"#),
        row(M::GET, "/api/v1/requests", SIGNED_IN_API),
        row(M::GET, "/api/v1/requests/{id}", OWNER_API).fill(Fill::RequestToOwner),
        row(M::POST, "/api/v1/requests/{id}/accept", OWNER_API).fill(Fill::RequestToOwner),
        row(M::POST, "/api/v1/requests/{id}/decline", OWNER_API).fill(Fill::RequestToOwner),
        row(M::POST, "/api/v1/requests/{id}/withdraw", OWNER_API).fill(Fill::RequestFromOwner),
        row(M::GET, "/api/v1/me/accepting-requests", SIGNED_IN_API),
        row(M::PUT, "/api/v1/me/accepting-requests", SIGNED_IN_API).json(r#"{"accepting": true}"#),
        row(M::GET, "/api/v1/mentorships", SIGNED_IN_API),
        row(M::GET, "/api/v1/mentorships/{id}", OWNER_API).fill(Fill::NewMentorship),
        row(M::PATCH, "/api/v1/mentorships/{id}", OWNER_API)
            .fill(Fill::NewMentorship)
            .json(r#"{"goals": "Agreed by the matrix {n}"}"#),
        row(M::POST, "/api/v1/mentorships/{id}/pause", OWNER_API)
            .fill(Fill::NewMentorship)
            .json(r#"{"resume_on": "2099-01-01"}"#),
        row(M::POST, "/api/v1/mentorships/{id}/resume", OWNER_API).fill(Fill::OwnersPausedMentorship),
        row(M::POST, "/api/v1/mentorships/{id}/complete", OWNER_API)
            .fill(Fill::NewMentorship)
            .json(r#"{"reflection": "Closed by the matrix", "rating": 3}"#),
        row(M::POST, "/api/v1/mentorships/{id}/cancel", OWNER_API)
            .fill(Fill::NewMentorship)
            .json(r#"{"reason": "matrix"}"#),
        row(M::GET, "/api/v1/admin/stalled-mentorships", ADMIN_API),
        row(M::GET, "/api/v1/threads", SIGNED_IN_API),
        row(M::GET, "/api/v1/threads/{id}/messages", OWNER_API).fill(Fill::OwnersThread),
        row(M::POST, "/api/v1/threads/{id}/messages", OWNER_API)
            .fill(Fill::OwnersThread)
            .json(r#"{"body": "Matrix message {n}"}"#),
        row(M::POST, "/api/v1/threads/{id}/read", OWNER_API).fill(Fill::OwnersThread),
        row(M::PATCH, "/api/v1/messages/{id}", OWNER_API)
            .fill(Fill::OwnersMessage)
            .json(r#"{"body": "Edited {n}"}"#),
        row(M::DELETE, "/api/v1/messages/{id}", OWNER_API).fill(Fill::OwnersMessage),
        row(M::POST, "/api/v1/messages/{id}/report", OWNER_API)
            .fill(Fill::MessageToOwner)
            .json(r#"{"reason": "other", "comment": "matrix {n}"}"#),
        row(M::GET, "/api/v1/me/messaging", SIGNED_IN_API),
        row(M::PUT, "/api/v1/me/messaging", SIGNED_IN_API).json(r#"{"show_seen": true}"#),
        row(M::GET, "/api/v1/admin/reports", ADMIN_API),
        row(M::POST, "/api/v1/admin/reports/{id}/actions", ADMIN_API)
            .fill(Fill::NewReport)
            .json(r#"{"action": "dismiss", "note": "matrix {n}"}"#),
        row(M::GET, "/api/v1/admin/suspensions", ADMIN_API),
        row(M::GET, "/api/v1/admin/audit", ADMIN_API),
        row(M::DELETE, "/api/v1/admin/suspensions/{id}", ADMIN_API).fill(Fill::SuspendedPerson),
        // Webhooks are the instance admins' alone.
        row(M::GET, "/api/v1/admin/webhooks", ADMIN_API),
        row(M::POST, "/api/v1/admin/webhooks", ADMIN_API)
            .json(r#"{"url": "https://hooks.example.org/matrix/{n}", "events": ["request.accepted"]}"#),
        row(M::GET, "/api/v1/admin/webhooks/{id}", ADMIN_API).fill(Fill::NewWebhook),
        row(M::DELETE, "/api/v1/admin/webhooks/{id}", ADMIN_API).fill(Fill::NewWebhook),
        row(M::PATCH, "/api/v1/admin/webhooks/{id}", ADMIN_API).fill(Fill::NewWebhook).json(r#"{"active": false}"#),
        row(M::POST, "/api/v1/admin/webhooks/{id}/secret", ADMIN_API).fill(Fill::NewWebhook),
        row(M::GET, "/api/v1/admin/webhooks/{id}/deliveries", ADMIN_API).fill(Fill::NewWebhook),
        row(M::POST, "/api/v1/admin/webhooks/deliveries/{id}/retry", ADMIN_API).fill(Fill::NewWebhookDelivery),
        row(M::GET, "/api/v1/me/availability", SIGNED_IN_API),
        row(M::PUT, "/api/v1/me/availability", SIGNED_IN_API)
            .json(r#"{"time_zone": "Europe/London", "weekly": [{"day": "tue", "from": "09:00", "to": "11:00"}], "durations": [30, 60]}"#),
        // A mentorship's slots and bookings are its members' alone.
        row(M::GET, "/api/v1/mentorships/{id}/slots", OWNER_API).fill(Fill::OwnersBookableMentorship),
        row(M::POST, "/api/v1/mentorships/{id}/bookings", OWNER_API)
            .fill(Fill::OwnersBookableMentorship)
            .json(r#"{"starts_at": "{day3}T10:00:00Z", "duration_minutes": 30, "agenda": "Booked by the matrix {n}"}"#),
        row(M::GET, "/api/v1/mentors/{id}/one-off-slots", SIGNED_IN_API).fill(Fill::Mentor),
        row(M::POST, "/api/v1/mentors/{id}/one-off-bookings", SIGNED_IN_API)
            .fill(Fill::NewOneOffMentor)
            .json(r#"{"starts_at": "{day3}T13:00:00Z", "duration_minutes": 30, "topic": "Matrix topic {n}"}"#),
        // A goal and a check-in are their owner's: to a stranger and an admin they do not exist.
        row(M::POST, "/api/v1/me/goals", SIGNED_IN_API)
            .json(r#"{"title": "Matrix goal {n}", "measure": "Done", "target_date": "{day3}", "skills": ["rust"]}"#),
        row(M::GET, "/api/v1/me/goals", SIGNED_IN_API),
        row(M::GET, "/api/v1/me/goals/{id}", OWNER_API).fill(Fill::OwnersGoal),
        row(M::PATCH, "/api/v1/me/goals/{id}", OWNER_API)
            .fill(Fill::OwnersGoal)
            .json(r#"{"title": "Edited {n}", "status": "paused"}"#),
        row(M::DELETE, "/api/v1/me/goals/{id}", OWNER_API).fill(Fill::OwnersGoal),
        row(M::POST, "/api/v1/me/goals/{id}/milestones", OWNER_API)
            .fill(Fill::OwnersGoal)
            .json(r#"{"title": "Milestone {n}", "due_date": "{day3}"}"#),
        row(M::PATCH, "/api/v1/me/goals/{id}/milestones/{milestone_id}", OWNER_API)
            .fill(Fill::OwnersMilestone)
            .json(r#"{"done": true}"#),
        row(M::DELETE, "/api/v1/me/goals/{id}/milestones/{milestone_id}", OWNER_API).fill(Fill::OwnersMilestone),
        row(M::GET, "/api/v1/me/goals/{id}/comments", OWNER_API).fill(Fill::OwnersGoal),
        row(M::POST, "/api/v1/me/goals/{id}/comments", OWNER_API)
            .fill(Fill::OwnersGoal)
            .json(r#"{"body": "Comment {n}"}"#),
        row(M::GET, "/api/v1/people/{id}/goals", OWNER_API).fill(Fill::Owner),
        row(M::POST, "/api/v1/me/check-ins", SIGNED_IN_API)
            .json(r#"{"confidence": 7, "went_well": "Matrix {n}", "share_with_mentors": true}"#),
        row(M::GET, "/api/v1/me/check-ins", SIGNED_IN_API),
        row(M::GET, "/api/v1/people/{id}/check-ins", OWNER_API).fill(Fill::Owner),
        row(M::GET, "/api/v1/me/check-in-plan", SIGNED_IN_API),
        row(M::PUT, "/api/v1/me/check-in-plan", SIGNED_IN_API).json(r#"{"cadence": "fortnightly"}"#),
        row(M::GET, "/api/v1/people/{id}/progress", OWNER_API).fill(Fill::Owner),
        // Assessments are their person's, and their mentors'; feedback its giver's and
        // receiver's. To a stranger and an admin none of it exists.
        row(M::POST, "/api/v1/me/assessments", SIGNED_IN_API)
            .json(r#"{"skill": "rust", "level": 3, "evidence": "Matrix {n}"}"#),
        row(M::GET, "/api/v1/me/assessments", SIGNED_IN_API),
        row(M::PATCH, "/api/v1/me/assessments/{id}", OWNER_API)
            .fill(Fill::OwnersAssessment)
            .json(r#"{"share_with_mentors": false}"#),
        row(M::DELETE, "/api/v1/me/assessments/{id}", OWNER_API).fill(Fill::OwnersAssessment),
        row(M::GET, "/api/v1/people/{id}/assessments", OWNER_API).fill(Fill::Owner),
        // The owner mentors the target: they assess the target's skills.
        row(M::POST, "/api/v1/people/{id}/assessments", OWNER_API)
            .fill(Fill::Target)
            .json(r#"{"skill": "rust", "level": 3, "evidence": "Matrix {n}"}"#),
        row(M::POST, "/api/v1/mentorships/{id}/feedback", OWNER_API)
            .fill(Fill::OwnersMentorship)
            .json(r#"{"to": "{target}", "skill": "rust", "situation": "Matrix {n}", "behaviour": "Did", "impact": "Helped"}"#),
        row(M::GET, "/api/v1/mentorships/{id}/feedback", OWNER_API).fill(Fill::OwnersMentorship),
        row(M::POST, "/api/v1/mentorships/{id}/feedback-requests", OWNER_API)
            .fill(Fill::OwnersMentorship)
            .json(r#"{"skill": "rust", "note": "Matrix {n}"}"#),
        row(M::GET, "/api/v1/me/feedback", SIGNED_IN_API),
        row(M::GET, "/api/v1/me/feedback/{id}", OWNER_API).fill(Fill::FeedbackToOwner),
        row(M::POST, "/api/v1/me/feedback/{id}/acknowledge", OWNER_API)
            .fill(Fill::FeedbackToOwner)
            .json(r#"{"reply": "Thanks {n}"}"#),
        row(M::POST, "/api/v1/me/feedback/{id}/goal", OWNER_API)
            .fill(Fill::FeedbackToOwner)
            .json(r#"{"measure": "Matrix {n}", "target_date": "{day3}"}"#),
        row(M::POST, "/api/v1/me/feedback/{id}/step", OWNER_API)
            .fill(Fill::FeedbackToOwner)
            .json(r#"{"due_date": "{day3}"}"#),
        // A goal, a check-in and a progress page are their owner's: to a stranger and an
        // admin they do not exist.
        row(M::GET, "/goals", SIGNED_IN_PAGE),
        row(M::POST, "/goals", [LogIn, Redirect("/goals/"), Redirect("/goals/"), Redirect("/goals/")])
            .form(&[("title", "Matrix goal {n}"), ("measure", "Done"), ("target_date", "{day3}")]),
        row(M::GET, "/goals/{id}", [LogIn, NOT_FOUND, Done, NOT_FOUND]).fill(Fill::OwnersGoal),
        row(M::POST, "/goals/{id}", [LogIn, NOT_FOUND, Redirect("/goals/"), NOT_FOUND])
            .fill(Fill::OwnersGoal)
            .form(&[("status", "paused")]),
        row(M::POST, "/goals/{id}/delete", [LogIn, NOT_FOUND, Redirect("/goals"), NOT_FOUND]).fill(Fill::OwnersGoal),
        row(M::POST, "/goals/{id}/milestones", [LogIn, NOT_FOUND, Redirect("/goals/"), NOT_FOUND])
            .fill(Fill::OwnersGoal)
            .form(&[("title", "Milestone {n}"), ("due_date", "")]),
        row(M::POST, "/goals/{id}/milestones/{milestone_id}", [LogIn, NOT_FOUND, Redirect("/goals/"), NOT_FOUND])
            .fill(Fill::OwnersMilestone)
            .form(&[("action", "done")]),
        row(M::POST, "/goals/{id}/comments", [LogIn, NOT_FOUND, Redirect("/goals/"), NOT_FOUND])
            .fill(Fill::OwnersGoal)
            .form(&[("body", "Comment {n}")]),
        row(M::GET, "/check-ins", SIGNED_IN_PAGE),
        row(M::POST, "/check-ins", [LogIn, Redirect("/check-ins"), Redirect("/check-ins"), Redirect("/check-ins")])
            .form(&[("confidence", "6"), ("went_well", "Matrix {n}")]),
        row(M::POST, "/check-ins/plan", [LogIn, Redirect("/check-ins"), Redirect("/check-ins"), Redirect("/check-ins")])
            .form(&[("cadence", "monthly")]),
        row(M::GET, "/people/{id}/progress", [LogIn, NOT_FOUND, Done, NOT_FOUND]).fill(Fill::Owner),
        // Skills and feedback pages: their people's alone.
        row(M::GET, "/assessments", SIGNED_IN_PAGE),
        row(M::POST, "/assessments", [LogIn, Redirect("/assessments"), Redirect("/assessments"), Redirect("/assessments")])
            .form(&[("skill", "rust"), ("level", "3"), ("evidence", "Matrix {n}"), ("share", "on")]),
        row(M::POST, "/assessments/{id}/delete", [LogIn, NOT_FOUND, Redirect("/assessments"), NOT_FOUND])
            .fill(Fill::OwnersAssessment),
        row(M::GET, "/people/{id}/assessments", [LogIn, NOT_FOUND, Done, NOT_FOUND]).fill(Fill::Owner),
        row(M::POST, "/people/{id}/assessments", [LogIn, NOT_FOUND, Redirect("/people/"), NOT_FOUND])
            .fill(Fill::Target)
            .form(&[("skill", "rust"), ("level", "2"), ("evidence", "Matrix {n}")]),
        row(M::GET, "/feedback", SIGNED_IN_PAGE),
        // Whom it is for is a field of the form: not one of yours is a field error.
        row(M::POST, "/feedback", [LogIn, Status(422), Redirect("/feedback"), Status(422)])
            .fill(Fill::OwnersMentorship)
            .form(&[("mentorship", "{id}"), ("skill", "rust"), ("situation", "Matrix {n}"), ("behaviour", "Did"), ("impact", "Helped")]),
        row(M::POST, "/feedback/ask", [LogIn, Status(422), Redirect("/feedback"), Status(422)])
            .fill(Fill::OwnersMentorship)
            .form(&[("mentorship", "{id}"), ("skill", "rust"), ("note", "Matrix {n}")]),
        row(M::POST, "/feedback/{id}/acknowledge", [LogIn, NOT_FOUND, Redirect("/feedback"), NOT_FOUND])
            .fill(Fill::FeedbackToOwner)
            .form(&[("reply", "Thanks {n}")]),
        row(M::POST, "/feedback/{id}/goal", [LogIn, NOT_FOUND, Redirect("/goals/"), NOT_FOUND])
            .fill(Fill::FeedbackToOwner)
            .form(&[("title", ""), ("measure", "Matrix {n}"), ("target_date", "{day3}")]),
        row(M::POST, "/feedback/{id}/step", [LogIn, NOT_FOUND, Redirect("/career"), NOT_FOUND])
            .fill(Fill::FeedbackToOwner)
            .form(&[("title", ""), ("kind", "practise"), ("due_date", "{day3}")]),
        // Outcomes are their owner's (and their mentors'); the export is the owner's alone,
        // so everyone signed in gets their own record and no one another's.
        row(M::GET, "/outcomes", SIGNED_IN_PAGE),
        row(M::POST, "/outcomes", [LogIn, Redirect("/outcomes"), Redirect("/outcomes"), Redirect("/outcomes")])
            .form(&[("kind", "certification"), ("date", "2025-05-01"), ("title", "Matrix certificate {n}"), ("share", "on")]),
        row(M::POST, "/outcomes/{id}", [LogIn, NOT_FOUND, Redirect("/outcomes"), NOT_FOUND])
            .fill(Fill::OwnersOutcome)
            .form(&[("kind", "talk_given"), ("date", "2025-06-01"), ("title", "Edited by the matrix {n}")]),
        row(M::POST, "/outcomes/{id}/delete", [LogIn, NOT_FOUND, Redirect("/outcomes"), NOT_FOUND]).fill(Fill::OwnersOutcome),
        row(M::GET, "/growth/export", SIGNED_IN_PAGE),
        row(M::GET, "/growth/export.json", SIGNED_IN_PAGE),
        row(M::GET, "/growth/export/{file}", SIGNED_IN_PAGE).fill(Fill::ExportFile),
        row(M::POST, "/api/v1/me/outcomes", SIGNED_IN_API)
            .json(r#"{"kind": "promotion", "date": "2025-04-01", "title": "Matrix promotion {n}"}"#),
        row(M::GET, "/api/v1/me/outcomes", SIGNED_IN_API),
        row(M::PATCH, "/api/v1/me/outcomes/{id}", OWNER_API)
            .fill(Fill::OwnersOutcome)
            .json(r#"{"title": "Edited {n}", "share_with_mentors": false}"#),
        row(M::DELETE, "/api/v1/me/outcomes/{id}", OWNER_API).fill(Fill::OwnersOutcome),
        row(M::GET, "/api/v1/people/{id}/outcomes", OWNER_API).fill(Fill::Owner),
        row(M::GET, "/api/v1/me/growth/export", SIGNED_IN_API),
        row(M::GET, "/api/v1/me/growth/export/{file}", SIGNED_IN_API).fill(Fill::ExportFile),
        row(M::GET, "/api/v1/me/events", SIGNED_IN_API),
        // The role catalogue is public like the skills catalogue; admins shape it.
        row(M::GET, "/api/v1/roles", PUBLIC),
        row(M::POST, "/api/v1/roles", ADMIN_API)
            .json(r#"{"title": "Matrix role {n}", "skills": [{"skill": "rust", "level": 3}]}"#),
        row(M::GET, "/api/v1/roles/{id}", PUBLIC).fill(Fill::Role),
        row(M::PATCH, "/api/v1/roles/{id}", ADMIN_API)
            .fill(Fill::Role)
            .json(r#"{"description": "Described by the matrix {n}"}"#),
        // A career path and its plan are their owner's alone.
        row(M::GET, "/api/v1/me/career", SIGNED_IN_API),
        row(M::PUT, "/api/v1/me/career", SIGNED_IN_API)
            .fill(Fill::Role)
            .json(r#"{"current_role": null, "target_roles": ["{id}"]}"#),
        row(M::GET, "/api/v1/me/career/gap", SIGNED_IN_API),
        row(M::GET, "/api/v1/me/career/close-roles", SIGNED_IN_API),
        row(M::GET, "/api/v1/me/career/steps", SIGNED_IN_API),
        row(M::POST, "/api/v1/me/career/steps", SIGNED_IN_API)
            .json(r#"{"kind": "practise", "title": "Matrix step {n}", "due_date": "2027-02-28"}"#),
        row(M::PATCH, "/api/v1/me/career/steps/{id}", OWNER_API)
            .fill(Fill::OwnersCareerStep)
            .json(r#"{"done": true}"#),
        row(M::DELETE, "/api/v1/me/career/steps/{id}", OWNER_API).fill(Fill::OwnersCareerStep),
        row(M::POST, "/api/v1/me/career/steps/{id}/goal", OWNER_API)
            .fill(Fill::OwnersCareerStep)
            .json(r#"{"measure": "Matrix {n}"}"#),
        row(M::GET, "/network", SIGNED_IN_PAGE),
        row(M::POST, "/network/settings", [LogIn, Redirect("/network"), Redirect("/network"), Redirect("/network")])
            .form(&[("save", "1")]),
        row(M::POST, "/people/{id}/connect", [LogIn, Redirect("/people/"), Redirect("/people/"), Redirect("/people/")])
            .fill(Fill::NewPerson),
        row(M::POST, "/connections/{id}/accept", [LogIn, NOT_FOUND, Redirect("/network"), NOT_FOUND])
            .fill(Fill::ConnectionToOwner),
        row(M::POST, "/connections/{id}/remove", [LogIn, NOT_FOUND, Redirect("/network"), NOT_FOUND])
            .fill(Fill::ConnectionToOwner)
            .form(&[("back", "")]),
        row(M::GET, "/network/find?industry=Energy", SIGNED_IN_PAGE),
        row(M::GET, "/network/introductions", SIGNED_IN_PAGE),
        row(M::POST, "/network/introductions", [LogIn, Status(422), Redirect("/network/introductions"), Status(422)])
            .fill(Fill::OwnersNewConnection)
            .form(&[("a", "{target}"), ("b", "{id}"), ("note", "Matrix {n}")]),
        row(M::POST, "/network/ask", [LogIn, Status(422), Redirect("/network/introductions"), Status(422)])
            .form(&[("person_id", "{target}"), ("industry", "Energy")]),
        row(M::POST, "/introductions/{id}/accept", [LogIn, NOT_FOUND, Redirect("/network/introductions"), NOT_FOUND])
            .fill(Fill::IntroductionOfOwner),
        row(M::POST, "/introductions/{id}/decline", [LogIn, NOT_FOUND, Redirect("/network/introductions"), NOT_FOUND])
            .fill(Fill::IntroductionOfOwner),
        row(M::POST, "/introductions/asks/{id}/decline", [LogIn, NOT_FOUND, Redirect("/network/introductions"), NOT_FOUND])
            .fill(Fill::AskToOwner),
        row(M::POST, "/introductions/asks/{id}/withdraw", [LogIn, NOT_FOUND, Redirect("/network/introductions"), NOT_FOUND])
            .fill(Fill::AskFromOwner),
        // Programme pages: as the API says, with the owner as the programme's admin.
        row(M::GET, "/programmes", SIGNED_IN_PAGE),
        row(M::GET, "/programmes/new", ADMIN_PAGE),
        row(M::POST, "/programmes/new", [LogIn, FORBIDDEN, FORBIDDEN, Redirect("/programmes/")])
            .form(PROGRAMME_FORM),
        row(M::GET, "/programmes/{id}", SIGNED_IN_PAGE).fill(Fill::OwnersProgramme),
        row(M::GET, "/programmes/{id}/edit", [LogIn, FORBIDDEN, Done, Done]).fill(Fill::OwnersProgramme),
        row(M::POST, "/programmes/{id}/edit", [LogIn, FORBIDDEN, Redirect("/programmes/"), Redirect("/programmes/")])
            .fill(Fill::OwnersProgramme)
            .form(PROGRAMME_FORM),
        row(M::POST, "/programmes/{id}/enrol", [LogIn, Redirect("/programmes/"), Redirect("/programmes/"), Redirect("/programmes/")])
            .fill(Fill::OpenProgramme)
            .form(&[("role", "mentee")]),
        row(M::POST, "/programmes/{id}/invitation", [LogIn, FORBIDDEN, Redirect("/programmes/"), Redirect("/programmes/")])
            .fill(Fill::OwnersProgramme),
        row(M::GET, "/programmes/{id}/enrolments", [LogIn, FORBIDDEN, Done, Done]).fill(Fill::OwnersProgramme),
        // Requests in an admin-assisted programme: approved or not by those who run it (the
        // owner) and instance admins; to anyone else such a request does not exist.
        row(M::GET, "/programmes/{id}/requests", [LogIn, FORBIDDEN, Done, Done]).fill(Fill::OwnersProgramme),
        row(M::POST, "/requests/{id}/approve", [LogIn, NOT_FOUND, Redirect("/programmes/"), Redirect("/programmes/")])
            .fill(Fill::RequestToReviewByOwner),
        row(M::POST, "/requests/{id}/reject", [LogIn, NOT_FOUND, Redirect("/programmes/"), Redirect("/programmes/")])
            .fill(Fill::RequestToReviewByOwner)
            .form(&[("reason", "Try another mentor")]),
        // Participants by file, and the programme's files: its admins (the owner) and
        // instance admins only.
        row(M::POST, "/programmes/{id}/participants/import", [LogIn, FORBIDDEN, Done, Done])
            .fill(Fill::OwnersProgramme)
            .csv(IMPORT_CSV),
        row(M::GET, "/programmes/{id}/participants.csv", [LogIn, FORBIDDEN, Done, Done]).fill(Fill::OwnersProgramme),
        row(M::GET, "/programmes/{id}/matches.csv", [LogIn, FORBIDDEN, Done, Done]).fill(Fill::OwnersProgramme),
        row(M::GET, "/programmes/{id}/report", [LogIn, FORBIDDEN, Done, Done]).fill(Fill::OwnersProgramme),
        row(M::GET, "/programmes/{id}/report.csv", [LogIn, FORBIDDEN, Done, Done]).fill(Fill::OwnersProgramme),
        row(M::POST, "/enrolments/{id}/withdraw", [LogIn, NOT_FOUND, Redirect("/programmes/"), Redirect("/programmes/")])
            .fill(Fill::OwnersEnrolment),
        row(M::POST, "/enrolments/{id}/approve", [LogIn, NOT_FOUND, FORBIDDEN, Redirect("/programmes/")])
            .fill(Fill::OwnersEnrolment),
        row(M::POST, "/enrolments/{id}/decline", [LogIn, NOT_FOUND, FORBIDDEN, Redirect("/programmes/")])
            .fill(Fill::OwnersEnrolment),
        row(M::POST, "/programmes/{id}/match-runs", [LogIn, FORBIDDEN, Redirect("/match-runs/"), Redirect("/match-runs/")])
            .fill(Fill::OwnersProgramme)
            .form(&[("objective", "max_total"), ("min_score", "")]),
        row(M::GET, "/match-runs/{id}", [LogIn, NOT_FOUND, Done, Done]).fill(Fill::OwnersMatchRun),
        row(M::POST, "/match-runs/{id}/edit", [LogIn, NOT_FOUND, Redirect("/match-runs/"), Redirect("/match-runs/")])
            .fill(Fill::OwnersMatchRun)
            .form(&[("action", "lock"), ("mentee", "nobody"), ("mentor", "nobody")]),
        row(M::POST, "/match-runs/{id}/publish", [LogIn, NOT_FOUND, Redirect("/match-runs/"), Redirect("/match-runs/")])
            .fill(Fill::OwnersMatchRun),
        row(M::GET, "/opportunities", SIGNED_IN_PAGE),
        row(M::GET, "/opportunities/new", SIGNED_IN_PAGE),
        row(M::POST, "/opportunities/digest", [LogIn, Redirect("/opportunities"), Redirect("/opportunities"), Redirect("/opportunities")])
            .form(&[("save", "1")]),
        row(M::POST, "/opportunities/new", [LogIn, Redirect("/opportunities/"), Redirect("/opportunities/"), Redirect("/opportunities/")])
            .form(&[("kind", "insight"), ("title", "Page post {n}"), ("description", "A trend."), ("visibility", "everyone")]),
        row(M::GET, "/opportunities/{id}", [LogIn, NOT_FOUND, Done, NOT_FOUND]).fill(Fill::OwnersPrivateOpportunity),
        row(M::GET, "/opportunities/{id}/edit", [LogIn, FORBIDDEN, Done, FORBIDDEN]).fill(Fill::OwnersOpportunity),
        row(M::POST, "/opportunities/{id}/edit", [LogIn, FORBIDDEN, Redirect("/opportunities/"), FORBIDDEN])
            .fill(Fill::OwnersOpportunity)
            .form(&[("kind", "event"), ("title", "Edited {n}"), ("description", "Come."), ("closes_on", "{day3}"), ("visibility", "everyone")]),
        row(M::POST, "/opportunities/{id}/close", [LogIn, FORBIDDEN, Redirect("/opportunities/"), FORBIDDEN])
            .fill(Fill::OwnersOpportunity),
        row(M::POST, "/opportunities/{id}/status", [LogIn, NOT_FOUND, Redirect("/opportunities/"), NOT_FOUND])
            .fill(Fill::OwnersPrivateOpportunity)
            .form(&[("status", "saved")]),
        row(M::POST, "/opportunities/{id}/share", [LogIn, Status(422), Redirect("/opportunities/"), Status(422)])
            .fill(Fill::OwnersOpportunity)
            .form(&[("person_id", "{target}"), ("note", "Page share {n}")]),
        // Connections: asking anyone listed, answering only what was asked of you; someone
        // else's connections show only those you share.
        row(M::POST, "/api/v1/connections", SIGNED_IN_API)
            .fill(Fill::NewPerson)
            .json(r#"{"person_id": "{id}"}"#),
        row(M::GET, "/api/v1/connections", SIGNED_IN_API),
        row(M::POST, "/api/v1/connections/{id}/accept", OWNER_API).fill(Fill::ConnectionToOwner),
        row(M::DELETE, "/api/v1/connections/{id}", OWNER_API).fill(Fill::ConnectionToOwner),
        row(M::GET, "/api/v1/people/{id}/connections", SIGNED_IN_API).fill(Fill::NewPerson),
        row(M::GET, "/api/v1/me/network", SIGNED_IN_API),
        row(M::PUT, "/api/v1/me/network", SIGNED_IN_API).json(r#"{"hide_connections": false}"#),
        row(M::GET, "/api/v1/me/paths?industry=Energy", SIGNED_IN_API),
        // Introductions: only of your own connections; answered only by the two introduced;
        // a request for one goes only to a connection of yours.
        row(M::POST, "/api/v1/introductions", [UNAUTHENTICATED, Status(422), Done, Status(422)])
            .fill(Fill::OwnersNewConnection)
            .json(r#"{"a": "{target}", "b": "{id}", "note": "Matrix {n}"}"#),
        row(M::GET, "/api/v1/introductions", SIGNED_IN_API),
        row(M::GET, "/api/v1/introductions/{id}", OWNER_API).fill(Fill::IntroductionOfOwner),
        row(M::POST, "/api/v1/introductions/{id}/accept", OWNER_API).fill(Fill::IntroductionOfOwner),
        row(M::POST, "/api/v1/introductions/{id}/decline", OWNER_API).fill(Fill::IntroductionOfOwner),
        row(M::POST, "/api/v1/introductions/ask", [UNAUTHENTICATED, Status(422), Done, Status(422)])
            .json(r#"{"person_id": "{target}", "industry": "Energy", "note": "Matrix {n}"}"#),
        row(M::POST, "/api/v1/introductions/asks/{id}/decline", OWNER_API).fill(Fill::AskToOwner),
        row(M::POST, "/api/v1/introductions/asks/{id}/withdraw", OWNER_API).fill(Fill::AskFromOwner),
        // Opportunities: a post for connections exists only for them and its author; only
        // the author edits or closes it, only admins pin or remove; shares go only to a
        // connection who may see it.
        row(M::POST, "/api/v1/opportunities", SIGNED_IN_API)
            .json(r#"{"kind": "insight", "title": "Matrix {n}", "description": "A trend.", "visibility": "everyone"}"#),
        row(M::GET, "/api/v1/opportunities", SIGNED_IN_API),
        row(M::GET, "/api/v1/opportunities/{id}", OWNER_API).fill(Fill::OwnersPrivateOpportunity),
        row(M::PUT, "/api/v1/opportunities/{id}", [UNAUTHENTICATED, FORBIDDEN, Done, FORBIDDEN])
            .fill(Fill::OwnersOpportunity)
            .json(r#"{"kind": "event", "title": "Edited {n}", "description": "Come along.", "closes_on": "{day3}", "visibility": "everyone"}"#),
        row(M::DELETE, "/api/v1/opportunities/{id}", ADMIN_API).fill(Fill::OwnersOpportunity),
        row(M::POST, "/api/v1/opportunities/{id}/close", [UNAUTHENTICATED, FORBIDDEN, Done, FORBIDDEN])
            .fill(Fill::OwnersOpportunity),
        row(M::POST, "/api/v1/opportunities/{id}/share", [UNAUTHENTICATED, Status(422), Done, Status(422)])
            .fill(Fill::OwnersOpportunity)
            .json(r#"{"person_id": "{target}", "note": "Matrix {n}"}"#),
        row(M::PUT, "/api/v1/opportunities/{id}/status", OWNER_API)
            .fill(Fill::OwnersPrivateOpportunity)
            .json(r#"{"status": "saved"}"#),
        row(M::PUT, "/api/v1/opportunities/{id}/pin", ADMIN_API)
            .fill(Fill::OwnersOpportunity)
            .json(r#"{"pinned": true}"#),
        row(M::GET, "/api/v1/me/opportunities", SIGNED_IN_API),
        row(M::GET, "/api/v1/me/opportunities/digest", SIGNED_IN_API),
        row(M::PUT, "/api/v1/me/opportunities/digest", SIGNED_IN_API).json(r#"{"weekly": false}"#),
        // Programmes: instance admins create and archive; instance admins and the
        // programme's own admins (the owner here) edit; anyone signed in reads.
        row(M::POST, "/api/v1/programmes", ADMIN_API).json(PROGRAMME),
        row(M::GET, "/api/v1/programmes", SIGNED_IN_API),
        row(M::GET, "/api/v1/programmes/{id}", SIGNED_IN_API).fill(Fill::OwnersProgramme),
        row(M::PUT, "/api/v1/programmes/{id}", [UNAUTHENTICATED, FORBIDDEN, Done, Done])
            .fill(Fill::OwnersProgramme)
            .json(PROGRAMME),
        row(M::DELETE, "/api/v1/programmes/{id}", ADMIN_API).fill(Fill::OwnersProgramme),
        // Enrolment: anyone signed in enrols while it is open; the programme's admins (the
        // owner here) and instance admins list enrolments and make invitation links. An
        // enrolment is its person's (the owner's) and its programme's admins'; only they
        // decide on it.
        row(M::POST, "/api/v1/programmes/{id}/enrolments", SIGNED_IN_API)
            .fill(Fill::OpenProgramme)
            .json(r#"{"role": "mentee"}"#),
        row(M::GET, "/api/v1/programmes/{id}/enrolments", [UNAUTHENTICATED, FORBIDDEN, Done, Done])
            .fill(Fill::OwnersProgramme),
        row(M::POST, "/api/v1/programmes/{id}/participants/import", [UNAUTHENTICATED, FORBIDDEN, Done, Done])
            .fill(Fill::OwnersProgramme)
            .csv(IMPORT_CSV),
        row(M::GET, "/api/v1/programmes/{id}/participants.csv", [UNAUTHENTICATED, FORBIDDEN, Done, Done])
            .fill(Fill::OwnersProgramme),
        row(M::GET, "/api/v1/programmes/{id}/matches.csv", [UNAUTHENTICATED, FORBIDDEN, Done, Done])
            .fill(Fill::OwnersProgramme),
        // A programme's report: aggregates for its admins (the owner) and instance admins.
        row(M::GET, "/api/v1/programmes/{id}/report", [UNAUTHENTICATED, FORBIDDEN, Done, Done])
            .fill(Fill::OwnersProgramme),
        row(M::GET, "/api/v1/programmes/{id}/report.csv", [UNAUTHENTICATED, FORBIDDEN, Done, Done])
            .fill(Fill::OwnersProgramme),
        row(M::POST, "/api/v1/programmes/{id}/invitation", [UNAUTHENTICATED, FORBIDDEN, Done, Done])
            .fill(Fill::OwnersProgramme),
        row(M::GET, "/api/v1/enrolments/{id}", [UNAUTHENTICATED, NOT_FOUND, Done, Done])
            .fill(Fill::OwnersEnrolment),
        row(M::DELETE, "/api/v1/enrolments/{id}", [UNAUTHENTICATED, NOT_FOUND, Done, Done])
            .fill(Fill::OwnersEnrolment),
        // Requests inside a programme: its mentors are listed for its approved mentees and
        // those who run it; those who run an admin-assisted one approve its requests.
        row(M::GET, "/api/v1/programmes/{id}/mentors", [UNAUTHENTICATED, FORBIDDEN, Done, Done])
            .fill(Fill::OwnersProgramme),
        row(M::GET, "/api/v1/programmes/{id}/requests", [UNAUTHENTICATED, FORBIDDEN, Done, Done])
            .fill(Fill::OwnersProgramme),
        row(M::POST, "/api/v1/requests/{id}/approve", [UNAUTHENTICATED, NOT_FOUND, Done, Done])
            .fill(Fill::RequestToReviewByOwner),
        row(M::POST, "/api/v1/requests/{id}/reject", [UNAUTHENTICATED, NOT_FOUND, Done, Done])
            .fill(Fill::RequestToReviewByOwner)
            .json(r#"{"reason": "Try another mentor"}"#),
        row(M::POST, "/api/v1/enrolments/{id}/approve", [UNAUTHENTICATED, NOT_FOUND, FORBIDDEN, Done])
            .fill(Fill::OwnersEnrolment),
        row(M::POST, "/api/v1/enrolments/{id}/decline", [UNAUTHENTICATED, NOT_FOUND, FORBIDDEN, Done])
            .fill(Fill::OwnersEnrolment),
        // Match runs: the programme's admins (the owner) and instance admins only; to anyone
        // else a run does not exist. An edit naming no pair of the run is refused.
        row(M::POST, "/api/v1/programmes/{id}/match-runs", [UNAUTHENTICATED, FORBIDDEN, Done, Done])
            .fill(Fill::OwnersProgramme)
            .json("{}"),
        row(M::GET, "/api/v1/programmes/{id}/match-runs", [UNAUTHENTICATED, FORBIDDEN, Done, Done])
            .fill(Fill::OwnersProgramme),
        row(M::GET, "/api/v1/match-runs/{id}", [UNAUTHENTICATED, NOT_FOUND, Done, Done]).fill(Fill::OwnersMatchRun),
        row(M::PATCH, "/api/v1/match-runs/{id}", [UNAUTHENTICATED, NOT_FOUND, Status(422), Status(422)])
            .fill(Fill::OwnersMatchRun)
            .json(r#"{"lock": [["nobody", "nobody"]]}"#),
        row(M::POST, "/api/v1/match-runs/{id}/publish", [UNAUTHENTICATED, NOT_FOUND, Done, Done])
            .fill(Fill::OwnersMatchRun),
        // ---- the API's documents, operations, static files
        row(M::GET, "/api/openapi.json", PUBLIC),
        row(M::GET, "/api/docs", PUBLIC),
        row(M::GET, "/healthz", PUBLIC),
        row(M::GET, "/metrics", PUBLIC),
        row(M::GET, css, PUBLIC),
        row(M::GET, "/static/htmx-2.0.11.min.js", PUBLIC),
        row(M::GET, "/static/htmx-ext-sse-2.2.4.min.js", PUBLIC),
        row(M::GET, live_js, PUBLIC),
    ]
}

/// A row's route: its method and path, without a query string.
fn key(method: &Method, path: &str) -> String {
    let route = path.split_once('?').map_or(path, |(route, _)| route);
    format!("{method} {route}")
}

/// The matrix and the route list must name the same routes. Checked without a database,
/// so a missing row is reported at once, by name.
#[test]
fn every_route_has_a_row_in_the_authorization_matrix_and_every_row_a_route() {
    let routes: BTreeSet<String> = lodestar_web::route_list()
        .iter()
        .map(|(method, path)| key(method, path))
        .collect();
    let mut rows = BTreeSet::new();
    for row in matrix() {
        assert!(
            rows.insert(key(&row.method, &row.path)),
            "the authorization matrix has two rows for {} {}",
            row.method,
            row.path
        );
    }
    let missing: Vec<&String> = routes.difference(&rows).collect();
    let stale: Vec<&String> = rows.difference(&routes).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "the authorization matrix (crates/lodestar-web/tests/it/authz.rs) is out of date.\n\
         Routes with no row — say who may call each: {missing:#?}\n\
         Rows for routes that no longer exist: {stale:#?}"
    );
}

/// A signed-in account.
#[derive(Clone)]
struct Person {
    id: String,
    email: String,
    token: String,
}

/// One browser: its cookies, and the CSRF token its pages carry.
struct Browser<'a> {
    jar: crate::pages::Browser<'a>,
    csrf: String,
}

impl<'a> Browser<'a> {
    /// A visitor who opened the log-in page (so has a form token), signed in as nobody.
    async fn anonymous(app: &'a TestApp) -> Self {
        let mut browser = Self {
            jar: crate::pages::Browser::new(app),
            csrf: String::new(),
        };
        let page = browser.send(Method::GET, "/login", None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        browser.csrf = csrf_of(&page.text());
        browser
    }

    async fn signed_in(app: &'a TestApp, email: &str) -> Self {
        let mut browser = Self::anonymous(app).await;
        let csrf = browser.csrf.clone();
        let fields = [
            ("_csrf", csrf.as_str()),
            ("email", email),
            ("password", PASSWORD),
            ("next", "/dashboard"),
        ];
        let done = browser.send(Method::POST, "/login", Some(&fields)).await;
        assert!(
            done.status.is_redirection(),
            "{email} could not sign in: {}",
            done.text()
        );
        let dashboard = browser.send(Method::GET, "/dashboard", None).await;
        assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.text());
        browser.csrf = csrf_of(&dashboard.text());
        browser
    }

    async fn send(
        &mut self,
        method: Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> TestResponse {
        self.jar.send(method, path, form).await
    }
}

/// The people and browsers the matrix is called with.
struct World<'a> {
    app: &'a TestApp,
    stranger: Person,
    owner: Person,
    admin: Person,
    target: Person,
    blocked: Person,
    mentor: Person,
    browsers: [Browser<'a>; 4],
    counter: AtomicUsize,
    /// Sessions made for the matrix so far.
    meetings: AtomicUsize,
    /// When the matrix started: sessions are spaced from it, not from the time each is
    /// made, so that two made seconds apart never overlap.
    started: chrono::DateTime<chrono::Utc>,
    mentorship: String,
    /// Someone the owner mentors and writes to; nobody blocks them.
    correspondent: Person,
    /// The thread of that mentorship.
    thread: String,
}

impl<'a> World<'a> {
    async fn new(app: &'a TestApp) -> Self {
        let counter = AtomicUsize::new(0);
        let stranger = new_person(app, "Sam Stranger", &counter, false).await;
        let owner = new_person(app, "Olive Owner", &counter, false).await;
        let admin = new_person(app, "Ada Admin", &counter, true).await;
        let target = new_person(app, "Tom Target", &counter, false).await;
        let blocked = new_person(app, "Bea Blocked", &counter, false).await;
        let mentorship = app.mentorship(&owner.id, &target.id).await;
        let mentor = new_mentor(app, "Mo Mentor", &counter).await;
        let correspondent = new_person(app, "Cora Correspondent", &counter, false).await;
        let thread = app.thread_of_mentorship(&owner.id, &correspondent.id).await;
        let browsers = [
            Browser::anonymous(app).await,
            Browser::signed_in(app, &stranger.email).await,
            Browser::signed_in(app, &owner.email).await,
            Browser::signed_in(app, &admin.email).await,
        ];
        Self {
            app,
            stranger,
            owner,
            admin,
            target,
            blocked,
            mentor,
            browsers,
            counter,
            meetings: AtomicUsize::new(0),
            started: chrono::Utc::now(),
            mentorship,
            correspondent,
            thread,
        }
    }

    fn person(&self, role: Role) -> Option<&Person> {
        match role {
            Role::Anon => None,
            Role::Stranger => Some(&self.stranger),
            Role::Owner => Some(&self.owner),
            Role::Admin => Some(&self.admin),
        }
    }

    fn next(&self) -> usize {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// The value for the path's parameter, made now where the call uses it up.
    async fn fill(&self, fill: Fill) -> Option<String> {
        let app = self.app;
        Some(match fill {
            Fill::Nothing => return None,
            Fill::Owner => self.owner.id.clone(),
            Fill::Target => self.target.id.clone(),
            Fill::OwnersBlock => {
                let path = format!("/api/v1/me/blocks/{}", self.blocked.id);
                let done = app.put(&path, Some(&self.owner.token)).await;
                assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.text());
                self.blocked.id.clone()
            }
            Fill::OwnersToken => {
                let body = json!({"name": format!("to revoke {}", self.next())});
                let made = app
                    .post_json("/api/v1/me/tokens", body, Some(&self.owner.token))
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
            Fill::OwnersSession => {
                Browser::signed_in(app, &self.owner.email).await;
                let listed = app
                    .get("/api/v1/me/sessions", Some(&self.owner.token))
                    .await;
                assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
                let sessions = listed.json();
                let newest = sessions
                    .as_array()
                    .unwrap()
                    .iter()
                    .max_by_key(|s| s["created_at"].as_i64())
                    .unwrap()
                    .clone();
                newest["id"].as_str().unwrap().to_owned()
            }
            Fill::OwnersNotification => {
                use lodestar_domain::mentoring::NotificationKind;
                use lodestar_store::notifications::{self, Notice};
                let person = self.owner.id.parse().unwrap();
                let notice = Notice {
                    person,
                    kind: NotificationKind::MentorshipResumed,
                    title: format!("A mentorship resumes {}", self.next()),
                    body: String::new(),
                    link: "/mentorships/0".into(),
                    calendar: None,
                };
                let mut tx = app.app.db.begin().await.unwrap();
                notifications::push(&mut tx, &notice, "").await.unwrap();
                tx.commit().await.unwrap();
                let inbox = app
                    .get(
                        "/api/v1/me/notifications?unread=true&per_page=1",
                        Some(&self.owner.token),
                    )
                    .await;
                inbox.json()["notifications"][0]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
            Fill::NoSetupLink => "lds_setup_not_a_real_link".to_owned(),
            Fill::Skill => "rust".to_owned(),
            Fill::NewSkill => {
                let n = self.next();
                let body = json!({"name": format!("Merged away {n}"), "kind": "soft", "category": "Testing"});
                let made = app
                    .post_json("/api/v1/skills", body, Some(&self.admin.token))
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["slug"].as_str().unwrap().to_owned()
            }
            Fill::OwnersMentorship => self.mentorship.clone(),
            Fill::OwnersMeeting | Fill::OwnersPastMeeting => {
                // Half an hour apart, since no two sessions of the owner's may overlap.
                // The future ones start four days from now, after the bookings' `{day3}`
                // times whatever the time of day: the matrix makes about a hundred, fifty
                // hours' worth, which from tomorrow would reach into day 3 by mid-morning.
                let half_hours =
                    i64::try_from(self.meetings.fetch_add(1, Ordering::Relaxed)).unwrap();
                let minutes: i64 = if matches!(fill, Fill::OwnersMeeting) {
                    4 * 24 * 60 + 30 * half_hours
                } else {
                    -60 - 30 * half_hours
                };
                let starts = (self.started + chrono::Duration::minutes(minutes))
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                let body = json!({"starts_at": starts, "duration_minutes": 30});
                let path = format!("/api/v1/mentorships/{}/sessions", self.mentorship);
                let made = app.post_json(&path, body, Some(&self.owner.token)).await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
            Fill::OwnersActionItem => {
                let body = json!({"title": format!("Item {}", self.next())});
                let path = format!("/api/v1/mentorships/{}/action-items", self.mentorship);
                let made = app.post_json(&path, body, Some(&self.owner.token)).await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
            Fill::OwnersFeed => {
                let feed = app
                    .get("/api/v1/me/calendar", Some(&self.owner.token))
                    .await;
                let url = feed.json()["feed_url"].as_str().unwrap().to_owned();
                url.rsplit('/').next().unwrap().to_owned()
            }
            Fill::Mentor => self.mentor.id.clone(),
            Fill::NewMentor => new_mentor(app, "New Mentor", &self.counter).await.id,
            Fill::RequestToOwner => match self.owners_pending("incoming").await {
                Some(id) => id,
                None => {
                    // The owner mentors too (again: the profile form's row unticks it).
                    make_mentor(app, &self.owner).await;
                    let mentee = new_person(app, "Mia Mentee", &self.counter, false).await;
                    send_request(app, &mentee, &self.owner).await
                }
            },
            Fill::RequestFromOwner => match self.owners_pending("outgoing").await {
                Some(id) => id,
                None => {
                    let mentor = new_mentor(app, "New Mentor", &self.counter).await;
                    send_request(app, &self.owner, &mentor).await
                }
            },
            Fill::NewMentorship => {
                app.mentorship_between(&self.target.id, &self.owner.id)
                    .await
            }
            Fill::OwnersPausedMentorship => {
                let id = app
                    .mentorship_between(&self.target.id, &self.owner.id)
                    .await;
                sqlx::query("UPDATE mentorships SET state = 'paused', resume_on = '2099-01-01' WHERE id = $1")
                    .bind(&id)
                    .execute(app.app.db.writer())
                    .await
                    .unwrap();
                id
            }
            Fill::OwnersThread => self.thread.clone(),
            Fill::OwnersMessage => self.write(&self.owner).await,
            Fill::MessageToOwner => self.write(&self.correspondent).await,
            Fill::NewReport => {
                let message = self.write(&self.correspondent).await;
                let path = format!("/api/v1/messages/{message}/report");
                let body = json!({"reason": "spam"});
                let made = app.post_json(&path, body, Some(&self.owner.token)).await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
            Fill::SuspendedPerson => {
                let person = new_person(app, "Sid Suspended", &self.counter, false).await;
                let mut tx = app.app.db.begin().await.unwrap();
                let id = person.id.parse().unwrap();
                lodestar_store::moderation::suspend(&mut tx, id, lodestar_store::now_ms())
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                person.id
            }
            Fill::NewOneOffMentor => {
                let mentor = new_mentor(app, "One-off Mentor", &self.counter).await;
                let days: Vec<_> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                    .iter()
                    .map(|d| json!({"day": d, "from": "00:00", "to": "24:00", "one_off": true}))
                    .collect();
                let body = json!({"time_zone": "UTC", "weekly": days, "durations": [30], "one_off_monthly_limit": 50});
                crate::booking::publish(app, &mentor.token, body).await;
                mentor.id
            }
            Fill::OwnersGoal => self.goal().await,
            Fill::OwnersMilestone => {
                let goal = self.goal().await;
                let path = format!("/api/v1/me/goals/{goal}/milestones");
                let body = json!({"title": format!("Milestone {}", self.next())});
                let made = app.post_json(&path, body, Some(&self.owner.token)).await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                let milestone = made.json()["id"].as_str().unwrap().to_owned();
                format!("{goal}|{milestone}")
            }
            Fill::OwnersBookableMentorship => {
                let body = json!({"time_zone": "UTC", "weekly": crate::booking::every_day("00:00", "24:00"), "durations": [30]});
                crate::booking::publish(app, &self.owner.token, body).await;
                self.mentorship.clone()
            }
            Fill::Role => {
                let found = app.get("/api/v1/roles?q=data+analyst", None).await;
                found.json()[0]["id"].as_str().unwrap().to_owned()
            }
            Fill::OwnersCareerStep => {
                let body = json!({"kind": "learn", "title": format!("Step {}", self.next()), "due_date": crate::meetings::date_in_days(60)});
                let made = app
                    .post_json("/api/v1/me/career/steps", body, Some(&self.owner.token))
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
            Fill::OwnersAssessment => {
                let body = json!({"skill": "sql", "level": 2, "evidence": format!("Assessed {}", self.next())});
                let made = app
                    .post_json("/api/v1/me/assessments", body, Some(&self.owner.token))
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
            Fill::OwnersOutcome => {
                let body = json!({"kind": "new_role", "date": "2025-02-01", "title": format!("Outcome {}", self.next())});
                let made = app
                    .post_json("/api/v1/me/outcomes", body, Some(&self.owner.token))
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
            Fill::FeedbackToOwner => {
                let path = format!("/api/v1/mentorships/{}/feedback", self.mentorship);
                let body = json!({
                    "to": self.owner.id, "skill": "leadership",
                    "situation": format!("Our session {}", self.next()),
                    "behaviour": "You asked what I wanted first", "impact": "I said it",
                    "suggestion": "Keep asking first",
                });
                let made = app.post_json(&path, body, Some(&self.target.token)).await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
            Fill::ExportFile => "goals.csv".to_owned(),
            Fill::NewPerson => {
                new_person(app, "Nell Network", &self.counter, false)
                    .await
                    .id
            }
            Fill::ConnectionToOwner => {
                let asker = new_person(app, "Cole Connect", &self.counter, false).await;
                let body = json!({"person_id": self.owner.id});
                let made = app
                    .post_json("/api/v1/connections", body, Some(&asker.token))
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
            Fill::OwnersNewConnection => self.new_connection().await.id,
            Fill::OwnersOpportunity | Fill::OwnersPrivateOpportunity => {
                let visibility = if matches!(fill, Fill::OwnersOpportunity) {
                    "everyone"
                } else {
                    "connections"
                };
                let body = json!({
                    "kind": "event", "title": format!("Meetup {}", self.next()), "description": "Come along.",
                    "closes_on": crate::meetings::date_in_days(20), "visibility": visibility,
                });
                let made = app
                    .post_json("/api/v1/opportunities", body, Some(&self.owner.token))
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
            Fill::OwnersProgramme => {
                let body = json!({
                    "name": format!("Cohort {}", self.next()), "enrolment_opens": "2027-01-04",
                    "enrolment_closes": "2027-01-29", "starts_on": "2027-02-01", "ends_on": "2027-06-30",
                    "matching": "cohort", "admins": [self.owner.id],
                });
                let made = app
                    .post_json("/api/v1/programmes", body, Some(&self.admin.token))
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
            Fill::RequestToReviewByOwner => {
                let day = crate::meetings::date_in_days;
                let body = json!({
                    "name": format!("Assisted {}", self.next()), "enrolment_opens": day(-1),
                    "enrolment_closes": day(20), "starts_on": day(0), "ends_on": day(200),
                    "matching": "admin_assisted", "admins": [self.owner.id],
                });
                let made = app
                    .post_json("/api/v1/programmes", body, Some(&self.admin.token))
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                let programme = made.json()["id"].as_str().unwrap().to_owned();
                let mentee = new_person(app, "Rue Reviewed", &self.counter, false).await;
                let mentor = new_person(app, "Mo Programme", &self.counter, false).await;
                let path = format!("/api/v1/programmes/{programme}/enrolments");
                for (who, role) in [(&mentee, "mentee"), (&mentor, "mentor")] {
                    let made = app
                        .post_json(&path, json!({"role": role}), Some(&who.token))
                        .await;
                    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                }
                let body = json!({
                    "mentor_id": mentor.id, "programme_id": programme, "message": "Please",
                    "cadence": "monthly", "duration_weeks": 12,
                });
                let sent = app
                    .post_json("/api/v1/requests", body, Some(&mentee.token))
                    .await;
                assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
                sent.json()["id"].as_str().unwrap().to_owned()
            }
            Fill::NewWebhook => {
                let body = json!({"url": format!("https://hooks.example.org/{}", self.next()), "events": ["goal.achieved"]});
                let made = app
                    .post_json("/api/v1/admin/webhooks", body, Some(&self.admin.token))
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["webhook"]["id"].as_str().unwrap().to_owned()
            }
            Fill::NewWebhookDelivery => {
                Box::pin(self.fill(Fill::NewWebhook)).await.unwrap();
                let mut tx = app.app.db.begin().await.unwrap();
                let now = lodestar_store::now_ms();
                let queued =
                    lodestar_store::webhooks::enqueue(&mut tx, "goal.achieved", now, |id| {
                        json!({"id": id.to_string(), "event": "goal.achieved"}).to_string()
                    })
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                queued.last().unwrap().to_string()
            }
            Fill::OwnersMatchRun => {
                let programme = Box::pin(self.fill(Fill::OwnersProgramme)).await.unwrap();
                let path = format!("/api/v1/programmes/{programme}/match-runs");
                let made = app
                    .post_json(&path, json!({}), Some(&self.owner.token))
                    .await;
                assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text());
                let run = made.json()["id"].as_str().unwrap().to_owned();
                let path = format!("/api/v1/match-runs/{run}");
                for _ in 0..200 {
                    let seen = app.get(&path, Some(&self.owner.token)).await.json();
                    if seen["state"] == "draft" {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(25)).await;
                }
                run
            }
            Fill::OpenProgramme | Fill::OwnersEnrolment => {
                let day = crate::meetings::date_in_days;
                let needs_approval = matches!(fill, Fill::OwnersEnrolment);
                let admins = if needs_approval {
                    json!([])
                } else {
                    json!([self.owner.id])
                };
                let body = json!({
                    "name": format!("Open cohort {}", self.next()), "enrolment_opens": day(-1),
                    "enrolment_closes": day(20), "starts_on": day(21), "ends_on": day(200),
                    "matching": "cohort", "admins": admins, "needs_approval": needs_approval,
                });
                let made = app
                    .post_json("/api/v1/programmes", body, Some(&self.admin.token))
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                let programme = made.json()["id"].as_str().unwrap().to_owned();
                if !needs_approval {
                    return Some(programme);
                }
                let path = format!("/api/v1/programmes/{programme}/enrolments");
                let made = app
                    .post_json(&path, json!({"role": "mentee"}), Some(&self.owner.token))
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
            Fill::IntroductionOfOwner => {
                let introducer = self.new_connection().await;
                let other = new_person(app, "Ivo Introduced", &self.counter, false).await;
                connect(app, &introducer, &other).await;
                let body = json!({"a": self.owner.id, "b": other.id, "note": format!("Meet {}", self.next())});
                let made = app
                    .post_json("/api/v1/introductions", body, Some(&introducer.token))
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
            Fill::AskToOwner | Fill::AskFromOwner => {
                let connection = self.new_connection().await;
                let (asker, asked) = if matches!(fill, Fill::AskToOwner) {
                    (&connection, &self.owner)
                } else {
                    (&self.owner, &connection)
                };
                let body = json!({"person_id": asked.id, "industry": "Energy"});
                let made = app
                    .post_json("/api/v1/introductions/ask", body, Some(&asker.token))
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_owned()
            }
        })
    }

    /// A new listed person connected with the owner.
    async fn new_connection(&self) -> Person {
        let person = new_person(self.app, "Cora Connected", &self.counter, false).await;
        connect(self.app, &person, &self.owner).await;
        person
    }

    /// A new private goal of the owner's; returns its id.
    async fn goal(&self) -> String {
        let body = json!({
            "title": format!("Goal {}", self.next()),
            "measure": "Measured by the matrix",
            "target_date": crate::meetings::date_in_days(30),
        });
        let made = self
            .app
            .post_json("/api/v1/me/goals", body, Some(&self.owner.token))
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        made.json()["id"].as_str().unwrap().to_owned()
    }

    /// A new message in the owner's thread, written by `author`; returns its id.
    async fn write(&self, author: &Person) -> String {
        let body = json!({"body": format!("Message {}", self.next())});
        let path = format!("/api/v1/threads/{}/messages", self.thread);
        let made = self.app.post_json(&path, body, Some(&author.token)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        made.json()["id"].as_str().unwrap().to_owned()
    }

    /// A request waiting for an answer that the owner received or sent.
    async fn owners_pending(&self, direction: &str) -> Option<String> {
        let path = format!("/api/v1/requests?direction={direction}&state=pending");
        let listed = self.app.get(&path, Some(&self.owner.token)).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
        listed
            .json()
            .as_array()
            .unwrap()
            .first()
            .map(|r| r["id"].as_str().unwrap().to_owned())
    }
}

/// Registers a listed person who wants a mentor (so their recommendations answer), and
/// logs in. Admin rights are given the way an operator gives them, not by being first.
async fn new_person(app: &TestApp, name: &str, counter: &AtomicUsize, admin: bool) -> Person {
    let n = counter.fetch_add(1, Ordering::Relaxed);
    let email = format!("person{n}@example.org");
    let registered = app.register(name, &email).await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.text()
    );
    let id = registered.json()["id"].as_str().unwrap().to_owned();
    app.app.set_admin_by_email(&email, admin).await.unwrap();
    let login = app.login(&email, PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text());
    let token = login.json()["token"].as_str().unwrap().to_owned();
    let profile = json!({"wants_mentor": true, "listed": true});
    let edited = app
        .patch_json("/api/v1/me/profile", profile, Some(&token))
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text());
    Person { id, email, token }
}

/// `a` asks `b` to connect and `b` accepts.
async fn connect(app: &TestApp, a: &Person, b: &Person) {
    let made = app
        .post_json(
            "/api/v1/connections",
            json!({"person_id": b.id}),
            Some(&a.token),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let id = made.json()["id"].as_str().unwrap().to_owned();
    let accepted = app
        .post_json(
            &format!("/api/v1/connections/{id}/accept"),
            json!({}),
            Some(&b.token),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
}

/// A listed person who mentors, with room for many mentees.
async fn new_mentor(app: &TestApp, name: &str, counter: &AtomicUsize) -> Person {
    let person = new_person(app, name, counter, false).await;
    make_mentor(app, &person).await;
    person
}

async fn make_mentor(app: &TestApp, person: &Person) {
    let profile = json!({
        "is_mentor": true,
        "mentor_capacity": 20,
        "mentor_skills": [{"skill": "rust", "level": 4}],
    });
    let edited = app
        .patch_json("/api/v1/me/profile", profile, Some(&person.token))
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text());
}

/// `from` asks `to` to mentor them; returns the request's id.
async fn send_request(app: &TestApp, from: &Person, to: &Person) -> String {
    let body = json!({"mentor_id": to.id, "cadence": "monthly", "duration_weeks": 6});
    let sent = app
        .post_json("/api/v1/requests", body, Some(&from.token))
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
    sent.json()["id"].as_str().unwrap().to_owned()
}

struct Outcome {
    status: StatusCode,
    location: String,
    body: String,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        if !self.location.is_empty() {
            write!(f, " to {}", self.location)?;
        }
        // An HTML page says what it is in its title; JSON in its first characters.
        let body = match self.body.split_once("<title>") {
            Some((_, rest)) => rest.split('<').next().unwrap_or_default(),
            None => &self.body,
        };
        let body: String = body.chars().take(160).collect();
        write!(f, ": {body}")
    }
}

/// Calls one row's route as one role, and returns what came back.
async fn call(world: &mut World<'_>, row: &Row, role: Role) -> Outcome {
    let app = world.app;
    let n = world.next();
    let mut path = row.path.clone();
    // The fill goes into the path's parameter, or else into the body's `{id}`.
    let filled = world.fill(row.fill).await;
    // A fill for several parameters gives their values in order, split by `|`.
    for value in filled.iter().flat_map(|v| v.split('|')) {
        if let (Some(start), Some(end)) = (path.find('{'), path.find('}')) {
            path.replace_range(start..=end, value);
        }
    }
    assert!(!path.contains('{'), "{}: fill its parameter", row.path);

    // Who calls: the role's own identity, or one made for this call.
    let fresh_person = match (row.fresh, role) {
        (Fresh::Account, Role::Stranger | Role::Owner | Role::Admin) => {
            Some(new_person(app, "Fresh Person", &world.counter, role == Role::Admin).await)
        }
        _ => None,
    };
    let person = fresh_person.clone().or_else(|| world.person(role).cloned());
    let email = person
        .as_ref()
        .map_or(world.owner.email.clone(), |p| p.email.clone());
    let fill_text = |text: &str| {
        text.replace("{n}", &n.to_string())
            .replace("{email}", &email)
            .replace("{id}", filled.as_deref().unwrap_or_default())
            .replace("{day3}", &crate::meetings::date_in_days(3))
            .replace("{target}", &world.target.id)
    };

    let response = if row.path.starts_with("/api/v1/") {
        let token = match (&person, row.fresh) {
            (None, _) => None,
            (Some(p), Fresh::Session) => {
                let login = app.login(&p.email, PASSWORD).await;
                Some(login.json()["token"].as_str().unwrap().to_owned())
            }
            (Some(p), _) => Some(p.token.clone()),
        };
        let (content_type, body) = match row.payload {
            Payload::Empty => (None, String::new()),
            Payload::Json(text) => (Some("application/json"), fill_text(text)),
            Payload::Csv(text) => (Some("text/csv"), fill_text(text)),
            Payload::Form(_) => panic!("{}: the API takes JSON", row.path),
        };
        let mut request = TestApp::request(row.method.clone(), &path, token.as_deref());
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        app.send(request.body(Body::from(body)).unwrap()).await
    } else {
        let mut own;
        let browser = match (row.fresh, &person) {
            (Fresh::No, _) => &mut world.browsers[role as usize],
            (_, None) => {
                own = Browser::anonymous(app).await;
                &mut own
            }
            (_, Some(p)) => {
                own = Browser::signed_in(app, &p.email).await;
                &mut own
            }
        };
        if let Payload::Csv(text) = row.payload {
            let csrf = browser.csrf.clone();
            let file = fill_text(text);
            browser
                .jar
                .upload(
                    &path,
                    &[("_csrf", &csrf)],
                    "file",
                    "participants.csv",
                    file.as_bytes(),
                )
                .await
        } else {
            let mut fields: Vec<(String, String)> = match row.payload {
                Payload::Empty => Vec::new(),
                Payload::Csv(_) => unreachable!("sent above"),
                Payload::Form(fields) => fields
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), fill_text(v)))
                    .collect(),
                Payload::Json(_) => panic!("{}: pages take forms", row.path),
            };
            let form = if row.method == Method::GET {
                None
            } else {
                fields.push(("_csrf".to_owned(), browser.csrf.clone()));
                Some(fields)
            };
            let form: Option<Vec<(&str, &str)>> = form
                .as_ref()
                .map(|f| f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect());
            browser
                .send(row.method.clone(), &path, form.as_deref())
                .await
        }
    };
    Outcome {
        status: response.status,
        location: response.header("location").unwrap_or_default().to_owned(),
        body: response.text(),
    }
}

api_tests! {
    async fn every_route_answers_each_role_as_the_authorization_matrix_says(app) {
        let mut world = World::new(app).await;
        let mut wrong = Vec::new();
        let mut calls = 0;
        for row in matrix() {
            for (role, want) in ROLES.into_iter().zip(row.want) {
                let got = call(&mut world, &row, role).await;
                calls += 1;
                if !want.accepts(&got) {
                    wrong.push(format!("{} {} as {role:?}: want {want:?}, got {got}", row.method, row.path));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{} of {calls} calls answered otherwise than the authorization matrix says:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }
}
