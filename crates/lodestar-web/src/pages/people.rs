//! The people directory with its filters, and a person's page.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use lodestar_app::catalogue::SkillView;
use lodestar_app::directory::{DirectoryPage, DirectoryQuery};
use lodestar_app::people::ProfileView;
use lodestar_app::recommendations::RecommendedMentor;
use lodestar_app::{AppError, Viewer};
use lodestar_domain::language::LANGUAGES;
use lodestar_domain::{FieldErrors, PersonId};
use tower_sessions::Session;

use super::{Chrome, OrPage, done, error_page, render_status};
use crate::AppState;
use crate::auth::PageViewer;

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryTemplate {
    chrome: Chrome,
    query: DirectoryQuery,
    page: Option<Arc<DirectoryPage>>,
    errors: FieldErrors,
    skills: Vec<SkillView>,
    industries: Vec<String>,
    languages: &'static [(&'static str, &'static str)],
    time_zones: Vec<&'static str>,
    prev_link: Option<String>,
    next_link: Option<String>,
    /// Offer "Ask for mentoring" on mentors' rows (the viewer wants a mentor); not on the
    /// viewer's own row.
    ask: Option<PersonId>,
}

#[derive(Template)]
#[template(path = "directory.html", block = "results")]
struct DirectoryResults<'a> {
    page: &'a Option<Arc<DirectoryPage>>,
    errors: &'a FieldErrors,
    prev_link: &'a Option<String>,
    next_link: &'a Option<String>,
    ask: Option<PersonId>,
}

impl DirectoryTemplate {
    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or_default()
    }
}

/// The link to another page of the same search.
fn page_link(query: &DirectoryQuery, page: i64) -> String {
    let pairs: Vec<(&str, &str)> = [
        ("q", &query.q),
        ("role", &query.role),
        ("skill", &query.skill),
        ("min_level", &query.min_level),
        ("industry", &query.industry),
        ("language", &query.language),
        ("tz", &query.tz),
        ("tz_hours", &query.tz_hours),
        ("min_availability", &query.min_availability),
        ("per_page", &query.per_page),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| (k, v)))
    .collect();
    let page = page.to_string();
    let mut all = pairs;
    all.push(("page", &page));
    format!(
        "/people?{}",
        serde_urlencoded::to_string(all).unwrap_or_default()
    )
}

pub async fn directory(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    headers: HeaderMap,
    Query(query): Query<DirectoryQuery>,
) -> Response {
    let result = async {
        let ask = state
            .app
            .wants_mentor(&viewer)
            .await
            .or_page()?
            .then_some(viewer.id);
        let (page, errors) = match state.app.directory(&viewer, &query).await {
            Ok(page) => (Some(page), FieldErrors::new()),
            Err(AppError::Invalid(errors)) => (None, errors),
            Err(other) => return Err(error_page(&other)),
        };
        let prev_link = page
            .as_ref()
            .filter(|p| p.page > 1)
            .map(|p| page_link(&query, p.page - 1));
        let next_link = page
            .as_ref()
            .filter(|p| p.page < p.pages)
            .map(|p| page_link(&query, p.page + 1));
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        // htmx asks for the results only when the filters change.
        if headers.get("hx-request").is_some()
            && headers.get("hx-history-restore-request").is_none()
        {
            let results = DirectoryResults {
                page: &page,
                errors: &errors,
                prev_link: &prev_link,
                next_link: &next_link,
                ask,
            };
            return Ok(render_status(StatusCode::OK, &results));
        }
        let skills = state.app.skills(false).await.or_page()?;
        let industries = state.app.industries().await.or_page()?;
        let chrome = Chrome::new(&session, Some(viewer), "people", "People").await?;
        let template = DirectoryTemplate {
            chrome,
            query,
            page,
            errors,
            skills,
            industries,
            languages: LANGUAGES,
            time_zones: lodestar_domain::profile::time_zone_names(),
            prev_link,
            next_link,
            ask,
        };
        Ok(render_status(status, &template))
    };
    result.await.unwrap_or_else(|r: Response| r)
}

#[derive(Template)]
#[template(path = "person.html")]
pub(super) struct PersonPage {
    chrome: Chrome,
    person: ProfileView,
    own: bool,
    /// Whether the viewer has blocked this person.
    blocked: bool,
    /// Whether the viewer mentors (and so may offer to mentor this person).
    viewer_mentors: bool,
    /// The mentor's free times for a one-off conversation, if they offer any.
    pub(super) one_off: Option<super::booking::OneOffSection>,
    /// Someone else: your connection with them and the connections you share (none where
    /// either has blocked the other).
    network: Option<lodestar_app::network::SharedConnectionsView>,
}

pub async fn person(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let id = id
            .parse()
            .map_err(|_| error_page(&AppError::NotFound("person")))?;
        let duration = super::booking::duration_in(query.as_deref());
        let page = person_page(&state, &session, viewer, id, duration).await?;
        Ok::<_, Response>(render_status(StatusCode::OK, &page))
    };
    result.await.unwrap_or_else(|r| r)
}

/// A person's page as `viewer` may see it, one-off slots for `duration` included.
pub(super) async fn person_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    id: PersonId,
    duration: Option<i64>,
) -> Result<PersonPage, Response> {
    let person = state.app.profile(&viewer, id).await.or_page()?;
    let own = person.id == viewer.id;
    let blocked = !own && state.app.has_blocked(&viewer, id).await.or_page()?;
    let viewer_mentors =
        !own && person.wants_mentor && state.app.my_profile(&viewer).await.or_page()?.is_mentor;
    let one_off = if person.is_mentor && !own && !blocked {
        super::booking::one_off_section(state, &viewer, id, duration).await
    } else {
        None
    };
    let network = if own || blocked {
        None
    } else {
        state.app.connections_of(&viewer, id).await.ok()
    };
    let chrome = Chrome::new(session, Some(viewer), "people", person.name.clone()).await?;
    Ok(PersonPage {
        chrome,
        person,
        own,
        blocked,
        viewer_mentors,
        one_off,
        network,
    })
}

#[derive(Template)]
#[template(path = "recommendations.html")]
struct RecommendationsPage {
    chrome: Chrome,
    mentors: Vec<Card>,
    spread: bool,
    /// Why there are no recommendations to show (the viewer does not want a mentor).
    problem: Option<String>,
}

/// A recommended mentor as a card: the factors that tell mentors apart one line each,
/// and the neutral ones (a field not given or kept private, counted the same for every
/// mentor) together in one line, so that a card fits a phone's screen.
struct Card {
    mentor: RecommendedMentor,
    /// The fit, as a whole percentage (the order of the cards).
    percent: i64,
    neutral_labels: String,
    neutral_total: f64,
}

impl Card {
    fn of(mentor: RecommendedMentor) -> Card {
        let neutral: Vec<&lodestar_app::recommendations::ReasonView> =
            mentor.reasons.iter().filter(|r| r.neutral).collect();
        let labels: Vec<String> = neutral
            .iter()
            .enumerate()
            .map(|(k, r)| match k {
                0 => r.label.clone(),
                _ => r.label.to_lowercase(),
            })
            .collect();
        Card {
            percent: (mentor.score * 100.0).round() as i64,
            neutral_labels: labels.join(", "),
            neutral_total: neutral.iter().map(|r| r.contribution).sum(),
            mentor,
        }
    }
}

pub async fn recommendations(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let result = async {
        let found = state
            .app
            .recommendations(&viewer, lodestar_app::recommendations::DEFAULT_LIMIT)
            .await;
        let (mentors, spread, problem) = match found {
            Ok(found) => (
                found.mentors.into_iter().map(Card::of).collect(),
                found.spread_by_demand,
                None,
            ),
            Err(AppError::Invalid(errors)) => (
                Vec::new(),
                false,
                errors.iter().next().map(|(_, message)| {
                    let mut text = message.to_string();
                    if let Some(first) = text.get_mut(0..1) {
                        first.make_ascii_uppercase();
                    }
                    format!("{text}.")
                }),
            ),
            Err(other) => return Err(error_page(&other)),
        };
        let chrome = Chrome::new(
            &session,
            Some(viewer),
            "recommendations",
            "Recommended mentors",
        )
        .await?;
        Ok::<_, Response>(render_status(
            StatusCode::OK,
            &RecommendationsPage {
                chrome,
                mentors,
                spread,
                problem,
            },
        ))
    };
    result.await.unwrap_or_else(|r| r)
}

/// The viewer blocks this person (`POST /people/{id}/block`) or lifts the block
/// (`POST /people/{id}/unblock`), then sees their page again.
async fn set_block(
    state: &AppState,
    session: &Session,
    viewer: &lodestar_app::Viewer,
    id: &str,
    block: bool,
) -> Response {
    let Ok(person) = id.parse() else {
        return error_page(&AppError::NotFound("person"));
    };
    let result = if block {
        state.app.block(viewer, person).await
    } else {
        state.app.unblock(viewer, person).await
    };
    match result {
        Ok(()) => {
            done(
                session,
                if block {
                    "Blocked: you will not be suggested to each other or matched."
                } else {
                    "The block is lifted."
                },
                &format!("/people/{id}"),
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

pub async fn block(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Path(id): Path<String>,
) -> Response {
    set_block(&state, &session, &viewer, &id, true).await
}

pub async fn unblock(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Path(id): Path<String>,
) -> Response {
    set_block(&state, &session, &viewer, &id, false).await
}
