//! The growth pages: "Goals" (yours, and a form for a new one), one goal (milestones,
//! suggestions to answer, obstacles, comments, status, edit), "Check-ins" (the form, the
//! cadence, your history with its chart), and a person's progress page with its charts.
//! Every form posts to the services the API calls, and works without JavaScript.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use lodestar_app::growth::assessments::SkillProgress;
use lodestar_app::growth::check_ins::{AreaScore, CheckInPlan, CheckInView, NewCheckIn};
use lodestar_app::growth::goals::{
    GoalEdit, GoalSummary, GoalView, MilestoneEdit, MilestoneInput, NewComment, NewGoal,
    ObstacleInput, PersonRef,
};
use lodestar_app::growth::progress::ProgressView;
use lodestar_app::mentorships::MentorshipFilter;
use lodestar_app::{AppError, Viewer};
use lodestar_domain::mentoring::Cadence;
use lodestar_domain::{FieldErrors, GoalId, MilestoneId, PersonId};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    Chrome, FormData, OrPage, PageId, PathRecord, done, error_page, field_errors, render,
    render_made,
};
use crate::AppState;
use crate::auth::PageViewer;
use crate::charts::{BarGroup, Caption, GroupedBars, LineChart, MonthCount, MonthlyBars, Point};

impl PathRecord for GoalId {
    const WHAT: &'static str = "goal";
}

impl PathRecord for PersonId {
    const WHAT: &'static str = "person";
}

/// How many milestone rows the new-goal form offers.
const MILESTONE_ROWS: usize = 3;

/// What the new-goal form holds, as typed.
#[derive(Default)]
struct GoalDraft {
    title: String,
    why: String,
    measure: String,
    target_date: String,
    skills: String,
    shared_with: Vec<String>,
    milestones: Vec<(String, String)>,
    obstacle: String,
    plan: String,
    /// The mentorship it belongs to (an id, or empty), and whether it goes on its board.
    mentorship: String,
    on_board: bool,
}

impl GoalDraft {
    fn from_form(form: &FormData) -> Self {
        Self {
            title: form.text("title"),
            why: form.text("why"),
            measure: form.text("measure"),
            target_date: form.text("target_date"),
            skills: form.text("skills"),
            shared_with: form
                .all("shared_with")
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            milestones: (0..MILESTONE_ROWS)
                .map(|i| {
                    (
                        form.text(&format!("milestone_{i}")),
                        form.text(&format!("milestone_due_{i}")),
                    )
                })
                .collect(),
            obstacle: form.text("obstacle"),
            plan: form.text("plan"),
            mentorship: form.text("mentorship"),
            on_board: form.get("on_board").is_some(),
        }
    }

    fn is_shared_with(&self, id: &PersonId) -> bool {
        let id = id.to_string();
        self.shared_with.contains(&id)
    }

    fn milestone(&self, i: &usize) -> (String, String) {
        self.milestones.get(*i).cloned().unwrap_or_default()
    }

    /// The form as the service's input. Blank milestone rows are left out; a person id
    /// that does not parse is a field error.
    fn input(&self, errors: &mut FieldErrors) -> NewGoal {
        NewGoal {
            title: self.title.clone(),
            why: self.why.clone(),
            measure: self.measure.clone(),
            target_date: self.target_date.clone(),
            skills: split_list(&self.skills),
            mentorship_id: match self.mentorship.trim() {
                "" => None,
                raw => raw
                    .parse()
                    .map_err(|_| errors.add("mentorship_id", "choose one of your mentorships"))
                    .ok(),
            },
            shared_with: people(&self.shared_with, errors),
            milestones: self
                .milestones
                .iter()
                .filter(|(t, d)| !t.trim().is_empty() || !d.trim().is_empty())
                .map(|(title, due)| MilestoneInput {
                    title: title.clone(),
                    due_date: Some(due.clone()),
                })
                .collect(),
            obstacles: if self.obstacle.trim().is_empty() && self.plan.trim().is_empty() {
                Vec::new()
            } else {
                vec![ObstacleInput {
                    obstacle: self.obstacle.clone(),
                    plan: self.plan.clone(),
                }]
            },
            progress: None,
            on_board: self.on_board,
        }
    }
}

fn split_list(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn people(raw: &[String], errors: &mut FieldErrors) -> Vec<PersonId> {
    raw.iter()
        .filter_map(|id| match id.parse() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("shared_with", "choose from your mentors");
                None
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "goals.html")]
struct GoalsPage {
    chrome: Chrome,
    goals: Vec<GoalSummary>,
    mentors: Vec<PersonRef>,
    draft: GoalDraft,
    errors: FieldErrors,
    rows: Vec<usize>,
    /// The viewer's open mentorships a goal may belong to: id and who else is in it.
    mentorships: Vec<(String, String)>,
}

impl GoalsPage {
    fn open(&self) -> Vec<&GoalSummary> {
        self.goals
            .iter()
            .filter(|g| g.status.is_open() || g.status.as_str() == "paused")
            .collect()
    }

    fn closed(&self) -> Vec<&GoalSummary> {
        self.goals
            .iter()
            .filter(|g| !(g.status.is_open() || g.status.as_str() == "paused"))
            .collect()
    }

    fn me(&self) -> String {
        self.chrome
            .viewer
            .as_ref()
            .map(|v| v.id.to_string())
            .unwrap_or_default()
    }

    /// Field messages not shown beside a field of their own (a milestone row's).
    fn other_errors(&self) -> Vec<(&str, &str)> {
        const BESIDE: [&str; 8] = [
            "title",
            "why",
            "measure",
            "target_date",
            "skills",
            "shared_with",
            "mentorship_id",
            "on_board",
        ];
        self.errors
            .iter()
            .filter(|(f, _)| !BESIDE.contains(f))
            .collect()
    }
}

async fn goals_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    draft: GoalDraft,
    errors: FieldErrors,
) -> Result<GoalsPage, Response> {
    let goals = state.app.my_goals(&viewer).await.or_page()?;
    let mentors = state.app.my_mentors(&viewer).await.or_page()?;
    let mentorships = state
        .app
        .my_mentorships(&viewer, &MentorshipFilter::default())
        .await
        .or_page()?
        .mentorships
        .into_iter()
        .filter(|m| m.state.is_open())
        .map(|m| (m.id.to_string(), m.with_names()))
        .collect();
    let chrome = Chrome::new(session, Some(viewer), "goals", "Goals").await?;
    Ok(GoalsPage {
        chrome,
        goals,
        mentors,
        draft,
        errors,
        rows: (0..MILESTONE_ROWS).collect(),
        mentorships,
    })
}

/// `?mentorship=…&board=1` of the goals page: the new goal's mentorship, and its board
/// ticked (the link from a mentorship's goal board).
#[derive(Debug, Default, Deserialize)]
pub struct GoalsQuery {
    mentorship: Option<String>,
    board: Option<String>,
}

pub async fn goals(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Query(query): Query<GoalsQuery>,
) -> Response {
    let draft = GoalDraft {
        mentorship: query.mentorship.unwrap_or_default(),
        on_board: query.board.is_some_and(|b| b == "1"),
        ..GoalDraft::default()
    };
    render_made(
        StatusCode::OK,
        goals_page(&state, &session, viewer, draft, FieldErrors::new()).await,
    )
}

pub async fn create_goal(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let draft = GoalDraft::from_form(&FormData(form));
    let mut errors = FieldErrors::new();
    let input = draft.input(&mut errors);
    let result = if errors.is_empty() {
        state.app.create_goal(&viewer, &input).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(goal) => {
            done(
                &session,
                "Your goal is set.",
                &format!("/goals/{}", goal.id),
            )
            .await
        }
        Err(e) => match field_errors(e) {
            Ok(errors) => render_made(
                StatusCode::UNPROCESSABLE_ENTITY,
                goals_page(&state, &session, viewer, draft, errors).await,
            ),
            Err(other) => error_page(&other),
        },
    }
}

#[derive(Template)]
#[template(path = "goal.html")]
struct GoalPage {
    chrome: Chrome,
    g: GoalView,
    mentors: Vec<PersonRef>,
    errors: FieldErrors,
}

impl GoalPage {
    fn is_shared_with(&self, id: &PersonId) -> bool {
        self.g.shared_with.iter().any(|p| p.id == *id)
    }

    /// People the goal is shared with who no longer mentor its owner (within the grace
    /// period): kept unless unticked.
    fn ended_shares(&self) -> Vec<&PersonRef> {
        self.g
            .shared_with
            .iter()
            .filter(|p| !self.mentors.iter().any(|m| m.id == p.id))
            .collect()
    }

    fn skills_text(&self) -> String {
        self.g
            .skills
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The statuses this goal can move to, with the button's words.
    fn moves(&self) -> Vec<(&'static str, &'static str)> {
        use lodestar_domain::growth::GoalStatus::{Achieved, Active, Dropped, Paused};
        [
            (Achieved, "achieved", "Mark achieved"),
            (Paused, "paused", "Pause"),
            (Dropped, "dropped", "Drop"),
            (Active, "active", "Take up again"),
        ]
        .into_iter()
        .filter(|(to, _, _)| self.g.status.can_become(*to))
        .map(|(_, value, label)| (value, label))
        .collect()
    }
}

async fn goal_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    id: GoalId,
    errors: FieldErrors,
) -> Result<GoalPage, Response> {
    let g = state.app.goal(&viewer, id).await.or_page()?;
    let mentors = if g.yours {
        state.app.my_mentors(&viewer).await.or_page()?
    } else {
        Vec::new()
    };
    let title = g.title.clone();
    let chrome = Chrome::new(session, Some(viewer), "goals", title).await?;
    Ok(GoalPage {
        chrome,
        g,
        mentors,
        errors,
    })
}

pub async fn goal(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<GoalId>,
) -> Response {
    render_made(
        StatusCode::OK,
        goal_page(&state, &session, viewer, id, FieldErrors::new()).await,
    )
}

/// Ends a form on a goal's page: back to the goal with `message`, or the page again with
/// the field messages.
async fn after_goal_form<T>(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    id: GoalId,
    result: Result<T, AppError>,
    message: &str,
) -> Response {
    match result {
        Ok(_) => done(session, message, &format!("/goals/{id}")).await,
        Err(e) => match field_errors(e) {
            Ok(errors) => render_made(
                StatusCode::UNPROCESSABLE_ENTITY,
                goal_page(state, session, viewer, id, errors).await,
            ),
            Err(other) => error_page(&other),
        },
    }
}

/// The goal's edit form, or its status buttons (a form with `status` alone).
pub async fn edit_goal(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<GoalId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let mut errors = FieldErrors::new();
    let edit = if let Some(status) = form.get("status") {
        GoalEdit {
            status: Some(status.to_owned()),
            ..GoalEdit::default()
        }
    } else {
        let shared: Vec<String> = form
            .all("shared_with")
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        // The board's box is offered only for a goal that belongs to a mentorship.
        let on_board = form
            .get("board_offered")
            .map(|_| form.get("on_board").is_some());
        GoalEdit {
            on_board,
            title: Some(form.text("goal_title")),
            why: Some(form.text("why")),
            measure: Some(form.text("measure")),
            target_date: Some(form.text("target_date")),
            skills: Some(split_list(&form.text("skills"))),
            shared_with: Some(people(&shared, &mut errors)),
            progress: form
                .get("progress")
                .filter(|p| !p.trim().is_empty())
                .map(|p| {
                    p.trim().parse().unwrap_or_else(|_| {
                        errors.add("progress", "must be a whole number from 0 to 100");
                        0
                    })
                }),
            ..GoalEdit::default()
        }
    };
    let result = if errors.is_empty() {
        state.app.edit_goal(&viewer, id, &edit).await
    } else {
        Err(AppError::Invalid(errors))
    };
    let message = match edit.status.as_deref() {
        Some("achieved") => "Well done: the goal is achieved.",
        Some(_) => "The goal's status is changed.",
        None => "The goal is saved.",
    };
    after_goal_form(&state, &session, viewer, id, result, message).await
}

pub async fn delete_goal(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<GoalId>,
) -> Response {
    match state.app.delete_goal(&viewer, id).await {
        Ok(()) => done(&session, "The goal is deleted.", "/goals").await,
        Err(e) => error_page(&e),
    }
}

pub async fn add_milestone(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<GoalId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = MilestoneInput {
        title: form.text("title"),
        due_date: Some(form.text("due_date")),
    };
    let result = state.app.add_milestone(&viewer, id, &input).await;
    let message = match &result {
        Ok(m) if m.suggested_by.is_some() => {
            "Your suggestion is sent: they accept it into their plan, or not."
        }
        _ => "The milestone is added.",
    };
    after_goal_form(&state, &session, viewer, id, result, message).await
}

/// A milestone's buttons: `action` is `done`, `undone`, `accept`, `decline` or `delete`.
pub async fn milestone(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Path((goal, milestone)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (Ok(id), Ok(milestone)) = (goal.parse::<GoalId>(), milestone.parse::<MilestoneId>()) else {
        return error_page(&AppError::NotFound("milestone"));
    };
    let form = FormData(form);
    let edit = |f: fn(&mut MilestoneEdit)| {
        let mut edit = MilestoneEdit::default();
        f(&mut edit);
        edit
    };
    let (result, message) = match form.get("action").unwrap_or_default() {
        "delete" => (
            state.app.delete_milestone(&viewer, id, milestone).await,
            "The milestone is removed.",
        ),
        action => {
            let (edit, message) = match action {
                "done" => (edit(|e| e.done = Some(true)), "Ticked off."),
                "undone" => (edit(|e| e.done = Some(false)), "Not done after all."),
                "accept" => (
                    edit(|e| e.state = Some("accepted".into())),
                    "The suggestion is in your plan.",
                ),
                "decline" => (
                    edit(|e| e.state = Some("declined".into())),
                    "The suggestion is declined.",
                ),
                _ => return error_page(&AppError::invalid("action", "choose what to do")),
            };
            (
                state
                    .app
                    .edit_milestone(&viewer, id, milestone, &edit)
                    .await,
                message,
            )
        }
    };
    after_goal_form(&state, &session, viewer, id, result, message).await
}

pub async fn comment(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<GoalId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let input = NewComment {
        body: FormData(form).text("body"),
    };
    let result = state.app.comment_on_goal(&viewer, id, &input).await;
    after_goal_form(
        &state,
        &session,
        viewer,
        id,
        result,
        "Your comment is posted.",
    )
    .await
}

/// What the check-in form holds, as typed.
#[derive(Default)]
struct CheckInDraft {
    confidence: String,
    areas: Vec<(String, String)>,
    went_well: String,
    hard: String,
    need: String,
    share: bool,
    share_reflection: bool,
}

/// How many area rows the check-in form offers.
const AREA_ROWS: usize = 3;

impl CheckInDraft {
    fn fresh() -> Self {
        Self {
            share: true,
            share_reflection: true,
            areas: vec![Default::default(); AREA_ROWS],
            ..Self::default()
        }
    }

    fn area(&self, i: &usize) -> (String, String) {
        self.areas.get(*i).cloned().unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "check_ins.html")]
struct CheckInsPage {
    chrome: Chrome,
    check_ins: Vec<CheckInView>,
    plan: CheckInPlan,
    draft: CheckInDraft,
    errors: FieldErrors,
    chart: String,
    rows: Vec<usize>,
    cadences: &'static [Cadence],
}

impl CheckInsPage {
    fn other_errors(&self) -> Vec<(&str, &str)> {
        const BESIDE: [&str; 4] = ["confidence", "went_well", "hard", "need"];
        self.errors
            .iter()
            .filter(|(f, _)| !BESIDE.contains(f))
            .collect()
    }

    /// The gentle word after a marked drop, while the latest check-in is one.
    fn drop_prompt(&self) -> Option<&'static str> {
        self.check_ins
            .first()
            .filter(|c| c.marked_drop)
            .map(|_| lodestar_app::growth::check_ins::DROP_PROMPT)
    }

    fn is_cadence(&self, c: &Cadence) -> bool {
        self.plan.cadence == Some(*c)
    }
}

fn day_of(ms: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .date_naive()
}

fn confidence_chart(id: &str, points: &[Point], whose: &str) -> String {
    let description = format!(
        "{whose} confidence at each check-in, from 1 (not at all) to 10 (fully). Marked drops — \
         at least 3 below the average of the three before — are ringed."
    );
    LineChart {
        caption: Caption {
            id,
            title: "Confidence over time",
            description: &description,
            empty: "No check-ins yet.",
        },
        y_label: "Confidence",
        y_range: (1.0, 10.0),
        flag_label: "Marked drop",
        points,
    }
    .render()
}

async fn check_ins_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    draft: CheckInDraft,
    errors: FieldErrors,
) -> Result<CheckInsPage, Response> {
    let check_ins = state.app.check_ins_of(&viewer, viewer.id).await.or_page()?;
    let plan = state.app.check_in_plan(&viewer).await.or_page()?;
    let points: Vec<Point> = check_ins
        .iter()
        .rev()
        .map(|c| Point {
            date: day_of(c.created_at),
            value: f64::from(c.confidence),
            flagged: c.marked_drop,
        })
        .collect();
    let chart = confidence_chart("confidence", &points, "Your");
    let chrome = Chrome::new(session, Some(viewer), "check-ins", "Check-ins").await?;
    Ok(CheckInsPage {
        chrome,
        check_ins,
        plan,
        draft,
        errors,
        chart,
        rows: (0..AREA_ROWS).collect(),
        cadences: Cadence::ALL,
    })
}

pub async fn check_ins(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    render_made(
        StatusCode::OK,
        check_ins_page(
            &state,
            &session,
            viewer,
            CheckInDraft::fresh(),
            FieldErrors::new(),
        )
        .await,
    )
}

pub async fn check_in(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let draft = CheckInDraft {
        confidence: form.text("confidence"),
        areas: (0..AREA_ROWS)
            .map(|i| {
                (
                    form.text(&format!("area_{i}")),
                    form.text(&format!("area_score_{i}")),
                )
            })
            .collect(),
        went_well: form.text("went_well"),
        hard: form.text("hard"),
        need: form.text("need"),
        share: form.checked("share"),
        share_reflection: form.checked("share_reflection"),
    };
    let mut errors = FieldErrors::new();
    let confidence = draft.confidence.trim().parse::<i64>().unwrap_or_else(|_| {
        errors.add("confidence", "choose how confident you feel, from 1 to 10");
        0
    });
    let mut areas = Vec::new();
    for (i, (area, score)) in draft.areas.iter().enumerate() {
        if area.trim().is_empty() && score.trim().is_empty() {
            continue;
        }
        match score.trim().parse::<i64>() {
            Ok(confidence) => areas.push(AreaScore {
                area: area.clone(),
                confidence,
            }),
            Err(_) => errors.add(format!("areas[{i}]"), "give the area a score from 1 to 10"),
        }
    }
    let input = NewCheckIn {
        confidence,
        areas,
        went_well: draft.went_well.clone(),
        hard: draft.hard.clone(),
        need: draft.need.clone(),
        share_with_mentors: draft.share,
        share_reflection: Some(draft.share_reflection),
    };
    let result = if errors.is_empty() {
        state.app.check_in(&viewer, &input).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(_) => done(&session, "Thank you: your check-in is saved.", "/check-ins").await,
        Err(e) => match field_errors(e) {
            Ok(errors) => render_made(
                StatusCode::UNPROCESSABLE_ENTITY,
                check_ins_page(&state, &session, viewer, draft, errors).await,
            ),
            Err(other) => error_page(&other),
        },
    }
}

pub async fn save_plan(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let cadence = match FormData(form).get("cadence").unwrap_or_default() {
        "" | "none" => None,
        raw => match raw.parse::<Cadence>() {
            Ok(c) => Some(c),
            Err(e) => return error_page(&AppError::invalid("cadence", e.to_string())),
        },
    };
    let plan = CheckInPlan {
        cadence,
        next_due_at: None,
    };
    match state.app.set_check_in_plan(&viewer, &plan).await {
        Ok(_) if cadence.is_some() => {
            done(&session, "Your check-in reminders are set.", "/check-ins").await
        }
        Ok(_) => done(&session, "No more check-in reminders.", "/check-ins").await,
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    chrome: Chrome,
    p: ProgressView,
    confidence_chart: String,
    goals_chart: String,
    skills_chart: String,
}

/// Each assessed skill's first level, level now and the target roles' level; then the
/// target roles' other gaps, at the profile's level now.
fn skills_chart(skills: &[SkillProgress], whose: &str) -> String {
    let groups: Vec<BarGroup> = skills
        .iter()
        .map(|s| BarGroup {
            label: s.skill_name.clone(),
            values: vec![
                s.then.map(f64::from),
                Some(f64::from(s.now)),
                s.target.map(f64::from),
            ],
        })
        .collect();
    let description = format!(
        "{whose} level in each assessed skill when first assessed, now, and what the target \
         role needs, on the catalogue's scale from 1 (beginning) to 5 (expert); skills the \
         target role needs that were never assessed follow, at the profile's level."
    );
    GroupedBars {
        caption: Caption {
            id: "skills",
            title: "Skills then, now and for the target role",
            description: &description,
            empty: "No skill assessed yet, and no target role.",
        },
        group_label: "Skill",
        value_label: "Level (1–5)",
        series: &["Then", "Now", "Target role"],
        max: 5.0,
        absent: "none",
        groups: &groups,
    }
    .render()
}

pub async fn progress(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(person): PageId<PersonId>,
) -> Response {
    let result = async {
        let p = state.app.progress(&viewer, person).await.or_page()?;
        let whose = if p.yours {
            "Your".to_owned()
        } else {
            format!("{}'s", p.person.name)
        };
        let points: Vec<Point> = p
            .confidence
            .iter()
            .filter_map(|c| {
                Some(Point {
                    date: NaiveDate::parse_from_str(&c.date, "%Y-%m-%d").ok()?,
                    value: f64::from(c.confidence),
                    flagged: c.marked_drop,
                })
            })
            .collect();
        let months: Vec<MonthCount> = p
            .goals_achieved
            .iter()
            .filter_map(|m| {
                Some(MonthCount {
                    month: NaiveDate::parse_from_str(&format!("{}-01", m.month), "%Y-%m-%d")
                        .ok()?,
                    count: m.count,
                })
            })
            .collect();
        let goals_description = format!("{whose} goals achieved in each month.");
        let goals_chart = MonthlyBars {
            caption: Caption {
                id: "goals-achieved",
                title: "Goals achieved over time",
                description: &goals_description,
                empty: "No goal achieved yet.",
            },
            value_label: "Goals achieved",
            total_label: "Total so far",
            months: &months,
        }
        .render();
        let confidence_chart = confidence_chart("confidence", &points, &whose);
        let skills_chart = skills_chart(&p.skills, &whose);
        let title = format!("Progress: {}", p.person.name);
        let chrome = Chrome::new(&session, Some(viewer), "progress", title).await?;
        Ok::<_, Response>(render(&ProgressPage {
            chrome,
            p,
            confidence_chart,
            goals_chart,
            skills_chart,
        }))
    };
    result.await.unwrap_or_else(|r| r)
}
