//! Programme pages: the list, one programme with its enrolment form (or your enrolment),
//! creating and editing one with its form's questions, and the admins' list of
//! enrolments with approval. Every form posts to the services the API calls, and works
//! without JavaScript.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::programmes::enrolments::{EnrolmentInput, EnrolmentPage, EnrolmentQuery};
use lodestar_app::programmes::match_runs::{
    MatchRunEdit, MatchRunInput, MatchRunSummary, MatchRunView,
};
use lodestar_app::programmes::participants::ImportReport;
use lodestar_app::programmes::{
    ProgrammeInput, ProgrammePage, ProgrammeQuery, ProgrammeView, QuestionInput,
};
use lodestar_app::requests::{ProgrammeMentorView, RequestView};
use lodestar_app::{AppError, Viewer};
use lodestar_domain::programme::{EnrolmentRole, Format, Matching, Purpose, RawAnswer};
use lodestar_domain::{EnrolmentId, FieldErrors, MatchRunId, ProgrammeId, RequestId};
use serde::Deserialize;
use tower_sessions::Session;

use super::{Chrome, FormData, OrPage, PageId, PathRecord, done, error_page, render_made};
use crate::AppState;
use crate::api::{CSV, download};
use crate::auth::PageViewer;

impl PathRecord for ProgrammeId {
    const WHAT: &'static str = "programme";
}

impl PathRecord for EnrolmentId {
    const WHAT: &'static str = "enrolment";
}

impl PathRecord for MatchRunId {
    const WHAT: &'static str = "match run";
}

impl PathRecord for RequestId {
    const WHAT: &'static str = "request";
}

/// How many blank questions the form offers below the ones it has.
const BLANK_QUESTIONS: usize = 2;

#[derive(Template)]
#[template(path = "programmes.html")]
struct ListPage {
    chrome: Chrome,
    list: ProgrammePage,
    is_admin: bool,
}

/// The programmes, newest first.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Query(query): Query<ProgrammeQuery>,
) -> Response {
    let page = async {
        let list = state.app.programmes(&viewer, &query).await.or_page()?;
        let is_admin = viewer.is_admin;
        let chrome = Chrome::new(&session, Some(viewer), "programmes", "Programmes").await?;
        Ok(ListPage {
            chrome,
            list,
            is_admin,
        })
    };
    render_made(StatusCode::OK, page.await)
}

/// `?invitation=…` on a programme's page: the secret of its invitation link.
#[derive(Debug, Default, Deserialize)]
pub struct Invitation {
    invitation: Option<String>,
}

#[derive(Template)]
#[template(path = "programme.html")]
struct OnePage {
    chrome: Chrome,
    p: ProgrammeView,
    /// The enrolment form as typed, or empty.
    form: EnrolForm,
    errors: FieldErrors,
    roles: &'static [EnrolmentRole],
    /// Whether the viewer may enrol now (open, and no live enrolment).
    may_enrol: bool,
    /// For its admins: its match runs, newest first.
    runs: Vec<MatchRunSummary>,
    /// For its approved mentees, where mentees ask its mentors: whom they may ask.
    mentors: Vec<ProgrammeMentorView>,
    /// Whether the viewer is an approved mentee who may ask its mentors.
    asks: bool,
    /// For its admins, in an admin-assisted programme: requests waiting for approval.
    to_review: Option<usize>,
}

/// The enrolment form's values, as typed.
#[derive(Clone, Debug, Default)]
struct EnrolForm {
    role: String,
    invitation: String,
    /// Each question's chosen values, by question number.
    answers: BTreeMap<usize, Vec<String>>,
}

impl EnrolForm {
    fn of(form: &FormData, p: &ProgrammeView) -> Self {
        let answers = (0..p.questions.len())
            .map(|i| {
                let given: Vec<String> = form
                    .all(&format!("q{i}"))
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                (i, given)
            })
            .collect();
        Self {
            role: form.text("role"),
            invitation: form.text("invitation"),
            answers,
        }
    }

    fn input(&self, p: &ProgrammeView) -> EnrolmentInput {
        let mut answers = BTreeMap::new();
        for (i, q) in p.questions.iter().enumerate() {
            let given = self.answers.get(&i).cloned().unwrap_or_default();
            let raw = match q.kind.as_str() {
                "multiple_choice" => RawAnswer::Many(given),
                "scale" => match given.first().map(|v| v.trim()) {
                    None | Some("") => continue,
                    // Not a number: sent as text, which the form's check names.
                    Some(v) => v
                        .parse()
                        .map_or_else(|_| RawAnswer::One(v.to_owned()), RawAnswer::Number),
                },
                _ => match given.into_iter().next() {
                    Some(v) => RawAnswer::One(v),
                    None => continue,
                },
            };
            answers.insert(i.to_string(), raw);
        }
        EnrolmentInput {
            role: self.role.clone(),
            answers,
            invitation: (!self.invitation.is_empty()).then(|| self.invitation.clone()),
        }
    }
}

impl OnePage {
    /// Whether the viewer has their mentor in this programme already.
    fn has_mentor(&self) -> bool {
        self.mentors.iter().any(|m| m.yours)
    }

    /// Whether the typed form chose `value` for question `i`.
    fn chose(&self, i: &usize, value: &str) -> bool {
        self.form
            .answers
            .get(i)
            .is_some_and(|given| given.iter().any(|v| v == value))
    }

    /// What was typed for question `i`, or "".
    fn typed(&self, i: &usize) -> &str {
        self.form
            .answers
            .get(i)
            .and_then(|given| given.first())
            .map_or("", String::as_str)
    }

    /// A scale question's points, from 1.
    fn points(&self, q: &lodestar_app::programmes::QuestionView) -> Vec<String> {
        (1..=q.scale_max.unwrap_or(5))
            .map(|n| n.to_string())
            .collect()
    }

    /// The error of question `i`'s answer, if any.
    fn answer_error(&self, i: &usize) -> Option<&str> {
        self.errors.get(&format!("answers.{i}"))
    }

    fn purpose_labels(&self) -> String {
        self.p
            .purposes
            .iter()
            .filter_map(|p| p.parse::<Purpose>().ok())
            .map(Purpose::label)
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn matching_label(&self) -> &'static str {
        self.p
            .matching
            .parse::<Matching>()
            .map_or("", Matching::label)
    }

    fn format_label(&self) -> &'static str {
        self.p.format.parse::<Format>().map_or("", Format::label)
    }

    fn format_explanation(&self) -> &'static str {
        self.p
            .format
            .parse::<Format>()
            .map_or("", Format::explanation)
    }

    fn phase_label(&self) -> &'static str {
        phase_label(&self.p.phase)
    }
}

/// A phase's words.
fn phase_label(phase: &str) -> &'static str {
    match phase {
        "upcoming" => "Enrolment opens soon",
        "enrolling" => "Enrolling now",
        "starting" => "Enrolment closed, starting soon",
        "running" => "Running",
        _ => "Ended",
    }
}

async fn one_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    id: ProgrammeId,
    form: Option<EnrolForm>,
    errors: FieldErrors,
    invitation: Option<String>,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = async {
        let p = state.app.programme(&viewer, id).await.or_page()?;
        let live = p
            .your_enrolment
            .as_ref()
            .is_some_and(|e| e.state == "pending" || e.state == "approved");
        let declined = p
            .your_enrolment
            .as_ref()
            .is_some_and(|e| e.state == "declined");
        let may_enrol = p.phase == "enrolling" && !live && !declined;
        let peer = p.format == "peer";
        let form = form.unwrap_or_else(|| EnrolForm {
            role: if peer { "both" } else { "mentee" }.into(),
            invitation: invitation.unwrap_or_default(),
            answers: BTreeMap::new(),
        });
        let runs = if p.can_edit {
            state.app.match_runs(&viewer, id).await.or_page()?
        } else {
            Vec::new()
        };
        let asks = p.matching != "cohort"
            && p.phase != "ended"
            && p.your_enrolment
                .as_ref()
                .is_some_and(|e| e.state == "approved" && (e.role == "mentee" || e.role == "both"));
        let mentors = if asks {
            state.app.programme_mentors(&viewer, id).await.or_page()?
        } else {
            Vec::new()
        };
        let to_review = if p.can_edit && p.matching == "admin_assisted" {
            Some(
                state
                    .app
                    .requests_to_review(&viewer, id)
                    .await
                    .or_page()?
                    .len(),
            )
        } else {
            None
        };
        let title = p.name.clone();
        let chrome = Chrome::new(session, Some(viewer), "programmes", &title).await?;
        Ok(OnePage {
            chrome,
            p,
            form,
            errors,
            // Peers both mentor and are mentored.
            roles: if peer {
                &[EnrolmentRole::Both]
            } else {
                EnrolmentRole::ALL
            },
            may_enrol,
            runs,
            mentors,
            asks,
            to_review,
        })
    };
    render_made(status, page.await)
}

/// One programme: what it is, and enrolling in it (or your enrolment).
pub async fn one(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ProgrammeId>,
    Query(invitation): Query<Invitation>,
) -> Response {
    one_page(
        &state,
        &session,
        viewer,
        id,
        None,
        FieldErrors::new(),
        invitation.invitation,
    )
    .await
}

/// Enrols the viewer.
pub async fn enrol(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ProgrammeId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let p = match state.app.programme(&viewer, id).await {
        Ok(p) => p,
        Err(e) => return error_page(&e),
    };
    let form = EnrolForm::of(&FormData(form), &p);
    match state.app.enrol(&viewer, id, &form.input(&p)).await {
        Ok(made) => {
            let message = if made.state == "pending" {
                "Enrolled: the programme's admins will approve your enrolment."
            } else {
                "You are enrolled."
            };
            done(&session, message, &format!("/programmes/{id}")).await
        }
        Err(AppError::Invalid(errors)) => {
            one_page(&state, &session, viewer, id, Some(form), errors, None).await
        }
        Err(e) => error_page(&e),
    }
}

/// Withdraws an enrolment (its person), or removes it (an admin of the programme).
pub async fn withdraw(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<EnrolmentId>,
) -> Response {
    let found = match state.app.enrolment(&viewer, id).await {
        Ok(e) => e,
        Err(e) => return error_page(&e),
    };
    match state.app.withdraw_enrolment(&viewer, id).await {
        Ok(()) if found.person.id == viewer.id => {
            let to = format!("/programmes/{}", found.programme_id);
            done(&session, "Your enrolment is withdrawn.", &to).await
        }
        Ok(()) => {
            let to = format!("/programmes/{}/enrolments", found.programme_id);
            let message = format!("{}'s enrolment is removed.", found.person.name);
            done(&session, &message, &to).await
        }
        Err(e) => error_page(&e),
    }
}

/// Approves or declines a pending enrolment.
async fn decide(
    state: &AppState,
    session: &Session,
    viewer: &Viewer,
    id: EnrolmentId,
    approve: bool,
) -> Response {
    match state.app.decide_enrolment(viewer, id, approve).await {
        Ok(e) => {
            let message = if approve {
                format!("{} is approved.", e.person.name)
            } else {
                format!("{} is declined.", e.person.name)
            };
            let to = format!("/programmes/{}/enrolments", e.programme_id);
            done(session, &message, &to).await
        }
        Err(e) => error_page(&e),
    }
}

pub async fn approve(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<EnrolmentId>,
) -> Response {
    decide(&state, &session, &viewer, id, true).await
}

pub async fn decline(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<EnrolmentId>,
) -> Response {
    decide(&state, &session, &viewer, id, false).await
}

/// Makes a new invitation link; the old one stops working.
pub async fn new_invitation(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ProgrammeId>,
) -> Response {
    match state.app.new_invitation(&viewer, id).await {
        Ok(_) => {
            let message = "A new invitation link is made; the old one no longer works.";
            done(&session, message, &format!("/programmes/{id}")).await
        }
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "programme_enrolments.html")]
struct EnrolmentsPage {
    chrome: Chrome,
    p: ProgrammeView,
    list: Option<EnrolmentPage>,
    query: EnrolmentQuery,
    errors: FieldErrors,
    import: Option<ImportOutcome>,
}

impl EnrolmentsPage {
    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or_default()
    }

    /// An answer in words: the choices, the number or the text.
    fn answer(&self, answers: &BTreeMap<String, RawAnswer>, i: &usize) -> String {
        match answers.get(&i.to_string()) {
            Some(RawAnswer::One(t)) => t.clone(),
            Some(RawAnswer::Many(c)) => c.join(", "),
            Some(RawAnswer::Number(n)) => n.to_string(),
            None => "—".into(),
        }
    }
}

/// A programme's enrolments, for its admins: approve, decline or remove each; add many
/// from a file.
pub async fn enrolments(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ProgrammeId>,
    Query(query): Query<EnrolmentQuery>,
) -> Response {
    enrolments_page(&state, &session, viewer, id, query, None).await
}

/// The enrolments page, with what an import of a file just did if one was sent.
async fn enrolments_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    id: ProgrammeId,
    query: EnrolmentQuery,
    import: Option<ImportOutcome>,
) -> Response {
    let page = async {
        let p = state.app.programme(&viewer, id).await.or_page()?;
        let (list, errors) = match state.app.enrolments(&viewer, id, &query).await {
            Ok(list) => (Some(list), FieldErrors::new()),
            Err(AppError::Invalid(errors)) => (None, errors),
            Err(e) => return Err(error_page(&e)),
        };
        let title = format!("Enrolments: {}", p.name);
        let chrome = Chrome::new(session, Some(viewer), "programmes", &title).await?;
        Ok(EnrolmentsPage {
            chrome,
            p,
            list,
            query,
            errors,
            import,
        })
    };
    let page = page.await;
    let status = match &page {
        Ok(p) if !p.errors.is_empty() => StatusCode::UNPROCESSABLE_ENTITY,
        Ok(EnrolmentsPage {
            import: Some(ImportOutcome::Problems { .. }),
            ..
        }) => StatusCode::UNPROCESSABLE_ENTITY,
        Ok(EnrolmentsPage {
            import: Some(ImportOutcome::Refused(_)),
            ..
        }) => StatusCode::CONFLICT,
        _ => StatusCode::OK,
    };
    render_made(status, page)
}

/// How many of a file's problems the page lists; the API names every one.
const PROBLEMS_SHOWN: usize = 200;

/// What sending a participants file did.
enum ImportOutcome {
    Done(ImportReport),
    /// Bad rows and columns, in the file's order (the place, the column and the problem),
    /// and how many there are.
    Problems {
        shown: Vec<(String, String, String)>,
        total: usize,
    },
    /// Nothing was read: why.
    Refused(String),
}

/// A problem's place in the file: the header and the file first, then rows in order.
fn problem_order(field: &str) -> (usize, String) {
    let row = field
        .strip_prefix("row ")
        .and_then(|rest| rest.split('.').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    (row, field.to_owned())
}

/// A problem's field (`row 17.email`, `header.role`, `file`) as a place and a column.
fn problem_place(field: &str) -> (String, String) {
    let (place, column) = field.split_once('.').unwrap_or((field, ""));
    let mut chars = place.chars();
    let place = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    (place, column.to_owned())
}

/// Enrols the participants of an uploaded file, or checks it (`dry_run`), and shows what it
/// did on the enrolments page.
pub async fn import_participants(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ProgrammeId>,
    mut form: axum::extract::Multipart,
) -> Response {
    let mut file = None;
    let mut dry_run = false;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("file") => match field.bytes().await {
                    Ok(bytes) => file = Some(bytes.to_vec()),
                    Err(e) => return error_page(&AppError::invalid("file", e.body_text())),
                },
                Some("dry_run") => dry_run = field.text().await.is_ok_and(|v| v == "true"),
                _ => {}
            },
            Ok(None) => break,
            Err(e) => return error_page(&AppError::invalid("file", e.body_text())),
        }
    }
    let outcome = match file.filter(|f| !f.is_empty()) {
        None => ImportOutcome::Refused("Choose a CSV file to import.".into()),
        Some(file) => {
            match state
                .app
                .import_participants(&viewer, id, file, dry_run)
                .await
            {
                Ok(report) => ImportOutcome::Done(report),
                Err(AppError::Invalid(errors)) => {
                    let mut all: Vec<(String, String)> = errors.into_map().into_iter().collect();
                    all.sort_by_cached_key(|(field, _)| problem_order(field));
                    let total = all.len();
                    all.truncate(PROBLEMS_SHOWN);
                    let shown = all
                        .into_iter()
                        .map(|(field, message)| {
                            let (place, column) = problem_place(&field);
                            (place, column, message)
                        })
                        .collect();
                    ImportOutcome::Problems { shown, total }
                }
                Err(AppError::Conflict { message, .. }) => ImportOutcome::Refused(message),
                Err(e) => return error_page(&e),
            }
        }
    };
    enrolments_page(
        &state,
        &session,
        viewer,
        id,
        EnrolmentQuery::default(),
        Some(outcome),
    )
    .await
}

/// Everyone enrolled, as the participants file (the API's `participants.csv`).
pub async fn participants_csv(
    State(state): State<AppState>,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ProgrammeId>,
) -> Response {
    match state.app.participants_csv(&viewer, id).await {
        Ok(body) => download(CSV, &format!("participants-{id}.csv"), body),
        Err(e) => error_page(&e),
    }
}

/// The programme's mentorships, as the matches file (the API's `matches.csv`).
pub async fn matches_csv(
    State(state): State<AppState>,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ProgrammeId>,
) -> Response {
    match state.app.matches_csv(&viewer, id).await {
        Ok(body) => download(CSV, &format!("matches-{id}.csv"), body),
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "programme_form.html")]
struct FormPage {
    chrome: Chrome,
    /// Editing this one; else creating.
    editing: Option<ProgrammeId>,
    form: DefinitionForm,
    errors: FieldErrors,
    purposes: &'static [Purpose],
    matchings: &'static [Matching],
    formats: &'static [Format],
    /// Whether the viewer may name the programme's admins (instance admins).
    names_admins: bool,
}

impl FormPage {
    /// The four dates: field, label and value.
    fn dates(&self) -> [(&'static str, &'static str, &str); 4] {
        [
            (
                "enrolment_opens",
                "Enrolment opens",
                &self.form.enrolment_opens,
            ),
            (
                "enrolment_closes",
                "Enrolment closes",
                &self.form.enrolment_closes,
            ),
            ("starts_on", "It starts", &self.form.starts_on),
            ("ends_on", "It ends", &self.form.ends_on),
        ]
    }

    fn has_purpose(&self, p: &Purpose) -> bool {
        self.form.purposes.iter().any(|x| x == p.as_str())
    }

    /// The errors under `questions[i]`, as `field: message`.
    fn question_errors(&self, i: &usize) -> Vec<String> {
        let at = format!("questions[{i}]");
        self.errors
            .iter()
            .filter(|(field, _)| field.starts_with(&at))
            .map(|(field, message)| {
                let field = field.trim_start_matches(&at).trim_start_matches('.');
                if field.is_empty() {
                    message.to_owned()
                } else {
                    format!("{field}: {message}")
                }
            })
            .collect()
    }
}

/// One question of the form, as typed.
#[derive(Clone, Debug, Default)]
struct QuestionForm {
    kind: String,
    text: String,
    /// One option per line.
    options: String,
    scale_max: String,
    required: bool,
    match_rule: String,
    weight: String,
}

/// A programme's definition, as typed.
#[derive(Clone, Debug, Default)]
struct DefinitionForm {
    name: String,
    description: String,
    purposes: Vec<String>,
    enrolment_opens: String,
    enrolment_closes: String,
    starts_on: String,
    ends_on: String,
    matching: String,
    format: String,
    circle_size: String,
    /// Two mentors lead each circle, where two share its focus.
    co_mentors: bool,
    different_department: bool,
    min_score: String,
    mentor_capacity: String,
    invitation_only: bool,
    needs_approval: bool,
    /// E-mails, one per line.
    admins: String,
    questions: Vec<QuestionForm>,
}

impl DefinitionForm {
    fn of(form: &FormData) -> Self {
        let mut questions = Vec::new();
        for i in 0.. {
            let Some(kind) = form.get(&format!("q{i}_kind")) else {
                break;
            };
            let at = |field: &str| form.text(&format!("q{i}_{field}"));
            let q = QuestionForm {
                kind: kind.to_owned(),
                text: at("text"),
                options: at("options"),
                scale_max: at("scale_max"),
                required: form.checked(&format!("q{i}_required")),
                match_rule: at("match_rule"),
                weight: at("weight"),
            };
            // A blank row is no question.
            if !q.text.trim().is_empty() || !q.options.trim().is_empty() {
                questions.push(q);
            }
        }
        Self {
            name: form.text("name"),
            description: form.text("description"),
            purposes: form
                .all("purposes")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            enrolment_opens: form.text("enrolment_opens"),
            enrolment_closes: form.text("enrolment_closes"),
            starts_on: form.text("starts_on"),
            ends_on: form.text("ends_on"),
            matching: form.text("matching"),
            format: form.text("format"),
            circle_size: form.text("circle_size"),
            co_mentors: form.checked("co_mentors"),
            different_department: form.checked("different_department"),
            min_score: form.text("min_score"),
            mentor_capacity: form.text("mentor_capacity"),
            invitation_only: form.checked("invitation_only"),
            needs_approval: form.checked("needs_approval"),
            admins: form.text("admins"),
            questions,
        }
    }

    fn from_view(p: &ProgrammeView, admin_emails: String) -> Self {
        Self {
            name: p.name.clone(),
            description: p.description.clone(),
            purposes: p.purposes.clone(),
            enrolment_opens: p.enrolment_opens.clone(),
            enrolment_closes: p.enrolment_closes.clone(),
            starts_on: p.starts_on.clone(),
            ends_on: p.ends_on.clone(),
            matching: p.matching.clone(),
            format: p.format.clone(),
            circle_size: p.circle_size.map(|c| c.to_string()).unwrap_or_default(),
            co_mentors: p.circle_mentors == Some(2),
            different_department: p.different_department,
            min_score: p.min_score.to_string(),
            mentor_capacity: p.mentor_capacity.map(|c| c.to_string()).unwrap_or_default(),
            invitation_only: p.invitation_only,
            needs_approval: p.needs_approval,
            admins: admin_emails,
            questions: p
                .questions
                .iter()
                .map(|q| QuestionForm {
                    kind: q.kind.clone(),
                    text: q.text.clone(),
                    options: q.options.join("\n"),
                    scale_max: q.scale_max.map(|s| s.to_string()).unwrap_or_default(),
                    required: q.required,
                    match_rule: q.match_rule.clone().unwrap_or_default(),
                    weight: q.weight.map(|w| w.to_string()).unwrap_or_default(),
                })
                .collect(),
        }
    }

    /// The rows the page shows: the questions, and a few blank ones to add.
    fn rows(&self) -> Vec<QuestionForm> {
        let mut rows = self.questions.clone();
        rows.extend(std::iter::repeat_n(
            QuestionForm {
                kind: "single_choice".into(),
                ..QuestionForm::default()
            },
            BLANK_QUESTIONS,
        ));
        rows
    }

    /// The input for the service; a number that is not one is named under its field.
    fn input(&self, admins: Option<Vec<String>>, errors: &mut FieldErrors) -> ProgrammeInput {
        fn whole(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<i64> {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            let n = raw.parse().ok();
            if n.is_none() {
                errors.add(field, "must be a whole number");
            }
            n
        }
        let circle_size = whole(errors, "circle_size", &self.circle_size);
        let min_score = whole(errors, "min_score", &self.min_score).unwrap_or(0);
        let mentor_capacity = whole(errors, "mentor_capacity", &self.mentor_capacity);
        let mut questions = Vec::new();
        for (i, q) in self.questions.iter().enumerate() {
            let scale_max = whole(errors, &format!("questions[{i}].scale_max"), &q.scale_max);
            let weight = match q.weight.trim() {
                "" => None,
                raw => match raw.parse::<f64>() {
                    Ok(w) => Some(w),
                    Err(_) => {
                        errors.add(
                            format!("questions[{i}].weight"),
                            "must be a number from 0.1 to 10",
                        );
                        None
                    }
                },
            };
            questions.push(QuestionInput {
                kind: q.kind.clone(),
                text: q.text.clone(),
                options: q
                    .options
                    .lines()
                    .map(str::trim)
                    .filter(|o| !o.is_empty())
                    .map(str::to_owned)
                    .collect(),
                scale_max,
                required: q.required,
                match_rule: (!q.match_rule.is_empty()).then(|| q.match_rule.clone()),
                weight,
            });
        }
        ProgrammeInput {
            name: self.name.clone(),
            description: self.description.clone(),
            enrolment_opens: self.enrolment_opens.clone(),
            enrolment_closes: self.enrolment_closes.clone(),
            starts_on: self.starts_on.clone(),
            ends_on: self.ends_on.clone(),
            matching: self.matching.clone(),
            questions,
            purposes: Some(self.purposes.clone()),
            format: Some(self.format.clone()),
            circle_size,
            circle_mentors: self.co_mentors.then_some(2),
            different_department: self.different_department,
            min_score,
            mentor_capacity,
            invitation_only: self.invitation_only,
            needs_approval: self.needs_approval,
            admins,
        }
    }
}

async fn form_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    editing: Option<ProgrammeId>,
    form: DefinitionForm,
    errors: FieldErrors,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let _ = state;
    let title = if editing.is_some() {
        "Edit the programme"
    } else {
        "New programme"
    };
    let names_admins = viewer.is_admin;
    let page = async {
        let chrome = Chrome::new(session, Some(viewer), "programmes", title).await?;
        Ok(FormPage {
            chrome,
            editing,
            form,
            errors,
            purposes: Purpose::ALL,
            matchings: Matching::ALL,
            formats: Format::ALL,
            names_admins,
        })
    };
    render_made(status, page.await)
}

/// The form to create a programme (instance admins).
pub async fn new_form(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    if !viewer.is_admin {
        return error_page(&AppError::Forbidden);
    }
    let form = DefinitionForm {
        purposes: vec![Purpose::CareerDevelopment.as_str().to_owned()],
        matching: Matching::Cohort.as_str().to_owned(),
        format: Format::OneToOne.as_str().to_owned(),
        min_score: "0".into(),
        ..DefinitionForm::default()
    };
    form_page(&state, &session, viewer, None, form, FieldErrors::new()).await
}

/// Checks the typed definition and hands it to `save`; re-shows the form with every bad
/// field named.
async fn save_definition(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    editing: Option<ProgrammeId>,
    form: DefinitionForm,
) -> Response {
    let mut errors = FieldErrors::new();
    let admins = if viewer.is_admin {
        match state.app.people_by_email(&form.admins).await {
            Ok(ids) => Some(ids),
            Err(AppError::Invalid(bad)) => {
                errors.extend(bad);
                None
            }
            Err(e) => return error_page(&e),
        }
    } else {
        None
    };
    let input = form.input(admins, &mut errors);
    let saved = match editing {
        Some(id) => state.app.update_programme(&viewer, id, &input).await,
        None => state.app.create_programme(&viewer, &input).await,
    };
    match saved {
        Ok(p) if errors.is_empty() => {
            let message = if editing.is_some() {
                "Saved."
            } else {
                "The programme is created."
            };
            done(session, message, &format!("/programmes/{}", p.id)).await
        }
        // Saved without the page's own errors would not happen: they stop the input
        // short of valid. Shown anyway, rather than lost.
        Ok(_) => form_page(state, session, viewer, editing, form, errors).await,
        Err(AppError::Invalid(bad)) => {
            errors.extend(bad);
            form_page(state, session, viewer, editing, form, errors).await
        }
        Err(AppError::Conflict {
            field: Some(field),
            message,
            ..
        }) => {
            errors.add(field, message);
            form_page(state, session, viewer, editing, form, errors).await
        }
        Err(e) => error_page(&e),
    }
}

/// Creates a programme.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = DefinitionForm::of(&FormData(form));
    save_definition(&state, &session, viewer, None, form).await
}

/// The form to edit a programme (its admins and instance admins).
pub async fn edit_form(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ProgrammeId>,
) -> Response {
    match state.app.programme(&viewer, id).await {
        Ok(p) if p.can_edit => {
            let emails = match state.app.emails_of(&viewer, &p).await {
                Ok(emails) => emails,
                Err(e) => return error_page(&e),
            };
            let form = DefinitionForm::from_view(&p, emails);
            form_page(&state, &session, viewer, Some(id), form, FieldErrors::new()).await
        }
        Ok(_) => error_page(&AppError::Forbidden),
        Err(e) => error_page(&e),
    }
}

/// Saves an edit of a programme.
pub async fn update(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ProgrammeId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = DefinitionForm::of(&FormData(form));
    save_definition(&state, &session, viewer, Some(id), form).await
}

/// How many pairs, and how many unmatched mentees, a page of a run shows.
const PAIRS_PER_PAGE: usize = 100;

#[derive(Template)]
#[template(path = "match_run.html")]
struct RunPage {
    chrome: Chrome,
    p: ProgrammeView,
    run: MatchRunView,
    /// This page of the pairs and of the unmatched (from 1), and how many pages there are.
    page: usize,
    pages: usize,
}

/// `?page=…` of a run's page.
#[derive(Debug, Default, Deserialize)]
pub struct RunQuery {
    /// Not a number: the first page.
    page: Option<String>,
}

impl RunPage {
    /// A score as a percentage.
    fn pct(&self, score: &f64) -> String {
        format!("{:.0}", score * 100.0)
    }

    fn maybe_pct(&self, score: &Option<f64>) -> String {
        score.map_or_else(|| "—".to_owned(), |s| format!("{:.0}", s * 100.0))
    }

    /// A cost in total score, as points of one pair's score.
    fn cost(&self, cost: &Option<f64>) -> String {
        match cost {
            None => "solving…".into(),
            Some(c) if c.abs() < 0.0005 => "no cost".into(),
            Some(c) if *c > 0.0 => format!("−{:.1} points in total", c * 100.0),
            Some(c) => format!("+{:.1} points in total", -c * 100.0),
        }
    }
}

/// A match run: its progress while it solves, then the draft to review and publish.
pub async fn match_run(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MatchRunId>,
    Query(query): Query<RunQuery>,
) -> Response {
    let page = async {
        let mut run = state.app.match_run(&viewer, id).await.or_page()?;
        let p = state
            .app
            .programme(&viewer, run.programme_id)
            .await
            .or_page()?;
        let longest = run
            .assignments
            .len()
            .max(run.unmatched.len())
            .max(run.circles.len());
        let pages = longest.div_ceil(PAIRS_PER_PAGE).max(1);
        let page = query
            .page
            .and_then(|p| p.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, pages);
        let window = |len: usize| {
            let from = ((page - 1) * PAIRS_PER_PAGE).min(len);
            from..(from + PAIRS_PER_PAGE).min(len)
        };
        let pairs = window(run.assignments.len());
        run.assignments = run.assignments.drain(pairs).collect();
        let circles = window(run.circles.len());
        run.circles = run.circles.drain(circles).collect();
        let unmatched = window(run.unmatched.len());
        run.unmatched = run.unmatched.drain(unmatched).collect();
        let title = format!("Match run: {}", p.name);
        let chrome = Chrome::new(&session, Some(viewer), "programmes", &title).await?;
        Ok(RunPage {
            chrome,
            p,
            run,
            page,
            pages,
        })
    };
    render_made(StatusCode::OK, page.await)
}

/// Starts a match run of the programme.
pub async fn start_match_run(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ProgrammeId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let min_score = form.text("min_score");
    let input = MatchRunInput {
        objective: Some(form.text("objective")),
        min_score: match min_score.trim() {
            "" => None,
            raw => Some(raw.parse().unwrap_or(-1)),
        },
    };
    match state.app.start_match_run(&viewer, id, &input).await {
        Ok(started) => {
            done(
                &session,
                "The match run is solving.",
                &format!("/match-runs/{}", started.id),
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

/// Locks, forbids or releases one pair, and solves again.
pub async fn edit_match_run(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MatchRunId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let pair = vec![vec![form.text("mentee"), form.text("mentor")]];
    let edit = match form.text("action").as_str() {
        "lock" => MatchRunEdit {
            lock: pair,
            ..MatchRunEdit::default()
        },
        "forbid" => MatchRunEdit {
            forbid: pair,
            ..MatchRunEdit::default()
        },
        _ => MatchRunEdit {
            release: pair,
            ..MatchRunEdit::default()
        },
    };
    let to = format!("/match-runs/{id}");
    match state.app.edit_match_run(&viewer, id, &edit).await {
        Ok(_) => done(&session, "Solving again around your change.", &to).await,
        Err(AppError::Invalid(errors)) => {
            let message = errors
                .iter()
                .map(|(_, message)| message.to_owned())
                .collect::<Vec<_>>()
                .join("; ");
            done(&session, &format!("Not changed: {message}."), &to).await
        }
        Err(e) => error_page(&e),
    }
}

/// Publishes a draft.
pub async fn publish_match_run(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<MatchRunId>,
) -> Response {
    match state.app.publish_match_run(&viewer, id).await {
        Ok(published) => {
            let mut message = format!(
                "Published: {} mentorship{} made, and everyone told.",
                published.mentorships_created,
                if published.mentorships_created == 1 {
                    ""
                } else {
                    "s"
                }
            );
            if !published.skipped.is_empty() {
                message.push_str(&format!(
                    " {} pair{} skipped: ",
                    published.skipped.len(),
                    if published.skipped.len() == 1 {
                        ""
                    } else {
                        "s"
                    }
                ));
                message.push_str(
                    &published
                        .skipped
                        .iter()
                        .map(|s| format!("{} with {} ({})", s.mentee.name, s.mentor.name, s.why))
                        .collect::<Vec<_>>()
                        .join("; "),
                );
            }
            done(&session, &message, &format!("/match-runs/{id}")).await
        }
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "programme_requests.html")]
struct ReviewPage {
    chrome: Chrome,
    p: ProgrammeView,
    requests: Vec<RequestView>,
}

/// Those who run an admin-assisted programme: its requests waiting for approval.
pub async fn requests_to_review(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ProgrammeId>,
) -> Response {
    let page = async {
        let p = state.app.programme(&viewer, id).await.or_page()?;
        let requests = state.app.requests_to_review(&viewer, id).await.or_page()?;
        let title = format!("Requests to approve in {}", p.name);
        let chrome = Chrome::new(&session, Some(viewer), "programmes", title).await?;
        Ok(ReviewPage {
            chrome,
            p,
            requests,
        })
    };
    render_made(StatusCode::OK, page.await)
}

/// Approves a request waiting in a programme, and goes back to the list.
pub async fn approve_request(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<RequestId>,
) -> Response {
    match state.app.approve_request(&viewer, id).await {
        Ok(r) => {
            review_done(
                &session,
                &r,
                format!("Approved: {} now sees the request.", r.mentor.name),
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

/// Does not approve a request waiting in a programme (with an optional reason for the
/// mentee), and goes back to the list.
pub async fn reject_request(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<RequestId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let reason = FormData(form).text("reason");
    match state.app.reject_request(&viewer, id, Some(&reason)).await {
        Ok(r) => {
            review_done(
                &session,
                &r,
                format!("Not approved: {} is told.", r.mentee.name),
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

async fn review_done(session: &Session, r: &RequestView, message: String) -> Response {
    let back = r
        .programme
        .as_ref()
        .map(|p| format!("/programmes/{}/requests", p.id))
        .unwrap_or_else(|| "/programmes".into());
    done(session, &message, &back).await
}
