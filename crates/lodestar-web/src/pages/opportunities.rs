//! Opportunities pages: "For you" with reasons, the filtered list of everything you may see,
//! one opportunity with your mark, how it went, and a form to share it; posting and editing.
//! Every form posts to the services the API calls, and works without JavaScript.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::catalogue::SkillView;
use lodestar_app::network::ConnectedPerson;
use lodestar_app::opportunities::digest::DigestSettings;
use lodestar_app::opportunities::for_you::ForYouView;
use lodestar_app::opportunities::{
    OpportunityInput, OpportunityPage, OpportunityQuery, OpportunityView, ShareInput, StatusInput,
};
use lodestar_app::people::SkillInput;
use lodestar_app::{AppError, Viewer};
use lodestar_domain::opportunity::{OpportunityKind, Status, Visibility};
use lodestar_domain::{FieldErrors, OpportunityId};
use tower_sessions::Session;

use super::{Chrome, FormData, OrPage, PageId, PathRecord, done, error_page, render_made};
use crate::AppState;
use crate::auth::PageViewer;

impl PathRecord for OpportunityId {
    const WHAT: &'static str = "opportunity";
}

#[derive(Template)]
#[template(path = "opportunities.html")]
struct ListPage {
    chrome: Chrome,
    for_you: ForYouView,
    list: Option<OpportunityPage>,
    query: OpportunityQuery,
    errors: FieldErrors,
    kinds: &'static [OpportunityKind],
    digest: bool,
}

impl ListPage {
    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or_default()
    }
}

/// "For you", and below it everything you may see that the filters keep.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Query(query): Query<OpportunityQuery>,
) -> Response {
    let page = async {
        let (for_you, digest) = tokio::try_join!(
            state.app.for_you(&viewer),
            state.app.digest_settings(&viewer)
        )
        .map_err(|e| error_page(&e))?;
        let (list, errors) = match state.app.opportunities(&viewer, &query).await {
            Ok(list) => (Some(list), FieldErrors::new()),
            Err(AppError::Invalid(errors)) => (None, errors),
            Err(e) => return Err(error_page(&e)),
        };
        let chrome = Chrome::new(&session, Some(viewer), "opportunities", "Opportunities").await?;
        Ok(ListPage {
            chrome,
            for_you,
            list,
            query,
            errors,
            kinds: OpportunityKind::ALL,
            digest: digest.weekly,
        })
    };
    let page = page.await;
    let status = match &page {
        Ok(p) if !p.errors.is_empty() => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    render_made(status, page)
}

#[derive(Template)]
#[template(path = "opportunity.html")]
struct OnePage {
    chrome: Chrome,
    o: OpportunityView,
    connections: Vec<ConnectedPerson>,
    statuses: &'static [Status],
}

impl OnePage {
    /// The viewer's mark, or "".
    fn status(&self) -> &'static str {
        self.o.your_status.map_or("", |s| s.as_str())
    }

    /// How the viewer's application went, or "".
    fn outcome(&self) -> &'static str {
        self.o.your_outcome.map_or("", |o| o.as_str())
    }
}

/// One opportunity: what it is, your mark and how it went, and sharing it.
pub async fn one(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<OpportunityId>,
) -> Response {
    let page = async {
        let (o, mine) = tokio::try_join!(
            state.app.opportunity(&viewer, id),
            state.app.my_connections(&viewer)
        )
        .map_err(|e| error_page(&e))?;
        let title = o.title.clone();
        let chrome = Chrome::new(&session, Some(viewer), "opportunities", &title).await?;
        Ok(OnePage {
            chrome,
            o,
            connections: mine.connections.into_iter().map(|c| c.person).collect(),
            statuses: Status::ALL,
        })
    };
    render_made(StatusCode::OK, page.await)
}

#[derive(Template)]
#[template(path = "opportunity_form.html")]
struct FormPage {
    chrome: Chrome,
    /// Editing this one; else posting.
    editing: Option<OpportunityId>,
    form: PostForm,
    errors: FieldErrors,
    kinds: &'static [OpportunityKind],
    visibilities: &'static [Visibility],
    skills: Vec<SkillView>,
}

/// The post form's values, as typed.
#[derive(Clone, Debug, Default)]
struct PostForm {
    kind: String,
    title: String,
    description: String,
    /// `slug:level`, one per line.
    skills: String,
    industry: String,
    location: String,
    remote: bool,
    closes_on: String,
    visibility: String,
}

impl PostForm {
    fn of(form: &FormData) -> Self {
        Self {
            kind: form.text("kind"),
            title: form.text("title"),
            description: form.text("description"),
            skills: form.text("skills"),
            industry: form.text("industry"),
            location: form.text("location"),
            remote: form.checked("remote"),
            closes_on: form.text("closes_on"),
            visibility: form.text("visibility"),
        }
    }

    fn input(&self) -> OpportunityInput {
        OpportunityInput {
            kind: self.kind.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            skills: self
                .skills
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|line| {
                    let (skill, level) = line.rsplit_once(':').unwrap_or((line, "1"));
                    SkillInput {
                        skill: skill.trim().to_owned(),
                        level: level.trim().parse().unwrap_or(0),
                    }
                })
                .collect(),
            industry: self.industry.clone(),
            location: self.location.clone(),
            remote: self.remote,
            closes_on: Some(self.closes_on.clone()),
            visibility: self.visibility.clone(),
        }
    }

    fn from_view(o: &OpportunityView) -> Self {
        Self {
            kind: o.kind.as_str().to_owned(),
            title: o.title.clone(),
            description: o.description.clone(),
            skills: o
                .skills
                .iter()
                .map(|s| format!("{}:{}", s.skill, s.level))
                .collect::<Vec<_>>()
                .join("\n"),
            industry: o.industry.clone(),
            location: o.location.clone(),
            remote: o.remote,
            closes_on: o.closes_on.clone().unwrap_or_default(),
            visibility: o.visibility.as_str().to_owned(),
        }
    }
}

async fn form_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    editing: Option<OpportunityId>,
    form: PostForm,
    errors: FieldErrors,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = async {
        let skills = state.app.skills(false).await.or_page()?;
        let title = if editing.is_some() {
            "Edit the opportunity"
        } else {
            "Post an opportunity"
        };
        let chrome = Chrome::new(session, Some(viewer), "opportunities", title).await?;
        Ok(FormPage {
            chrome,
            editing,
            form,
            errors,
            kinds: OpportunityKind::ALL,
            visibilities: Visibility::ALL,
            skills,
        })
    };
    render_made(status, page.await)
}

/// The form to post an opportunity or insight.
pub async fn new_form(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let form = PostForm {
        kind: "job".into(),
        visibility: "everyone".into(),
        ..PostForm::default()
    };
    form_page(&state, &session, viewer, None, form, FieldErrors::new()).await
}

/// Posts an opportunity or insight.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = PostForm::of(&FormData(form));
    match state.app.post_opportunity(&viewer, &form.input()).await {
        Ok(made) => done(&session, "Posted.", &format!("/opportunities/{}", made.id)).await,
        Err(AppError::Invalid(errors)) => {
            form_page(&state, &session, viewer, None, form, errors).await
        }
        Err(e) => error_page(&e),
    }
}

/// The form to edit one's own open post.
pub async fn edit_form(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<OpportunityId>,
) -> Response {
    match state.app.opportunity(&viewer, id).await {
        Ok(o) if o.yours => {
            let form = PostForm::from_view(&o);
            form_page(&state, &session, viewer, Some(id), form, FieldErrors::new()).await
        }
        Ok(_) => error_page(&AppError::Forbidden),
        Err(e) => error_page(&e),
    }
}

/// Saves an edit of one's own open post.
pub async fn update(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<OpportunityId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = PostForm::of(&FormData(form));
    match state.app.edit_opportunity(&viewer, id, &form.input()).await {
        Ok(_) => done(&session, "Saved.", &format!("/opportunities/{id}")).await,
        Err(AppError::Invalid(errors)) => {
            form_page(&state, &session, viewer, Some(id), form, errors).await
        }
        Err(e) => error_page(&e),
    }
}

/// Closes one's own post.
pub async fn close(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<OpportunityId>,
) -> Response {
    match state.app.close_opportunity(&viewer, id).await {
        Ok(_) => {
            done(
                &session,
                "Closed: it no longer shows to others.",
                &format!("/opportunities/{id}"),
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

/// Marks an opportunity, and says how an application went.
pub async fn mark(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<OpportunityId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = StatusInput {
        status: form.text("status"),
        outcome: form
            .get("outcome")
            .filter(|o| !o.is_empty())
            .map(str::to_owned),
    };
    match state.app.mark_opportunity(&viewer, id, &input).await {
        Ok(o) => {
            let message = match (o.your_status, o.your_outcome) {
                (_, Some(lodestar_domain::opportunity::Outcome::GotIt)) => {
                    "Congratulations! It is recorded among your outcomes.".to_owned()
                }
                (Some(s), _) => format!("Marked: {}.", s.label()),
                _ => "Saved.".to_owned(),
            };
            done(&session, &message, &format!("/opportunities/{id}")).await
        }
        Err(e) => error_page(&e),
    }
}

/// Turns the weekly digest on or off.
pub async fn digest(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let weekly = FormData(form).checked("weekly");
    match state
        .app
        .set_digest_settings(&viewer, &DigestSettings { weekly })
        .await
    {
        Ok(_) if weekly => {
            done(
                &session,
                "You will get a weekly e-mail of new opportunities that fit you.",
                "/opportunities",
            )
            .await
        }
        Ok(_) => {
            done(
                &session,
                "No weekly e-mail of opportunities.",
                "/opportunities",
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

/// Shares an opportunity with a connection.
pub async fn share(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<OpportunityId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = ShareInput {
        person_id: form.text("person_id"),
        note: form.text("note"),
    };
    match state.app.share_opportunity(&viewer, id, &input).await {
        Ok(_) => done(&session, "Shared.", &format!("/opportunities/{id}")).await,
        Err(e) => error_page(&e),
    }
}
