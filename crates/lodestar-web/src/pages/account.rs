//! Landing, registering, logging in and out, the dashboard and changing a password.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lodestar_app::accounts::{Credentials, PasswordChange, Registration};
use lodestar_app::directory::{DirectoryPage, DirectoryQuery};
use lodestar_app::people::ProfileView;
use lodestar_app::{AppError, Viewer};
use lodestar_domain::FieldErrors;
use lodestar_store::sessions::PERSON_KEY;
use serde::Deserialize;
use tower_sessions::Session;

use super::{Chrome, FormData, OrPage, error_page, notify, render, render_status, safe_next};
use crate::AppState;
use crate::auth::{ClientAddress, MaybeViewer, PageViewer};

#[derive(Template)]
#[template(path = "landing.html")]
struct Landing {
    chrome: Chrome,
}

pub async fn landing(
    State(_): State<AppState>,
    session: Session,
    MaybeViewer(viewer): MaybeViewer,
) -> Response {
    // Visitors who are not signed in see no form here, so no session is started for them.
    let chrome = match viewer {
        Some(viewer) => match Chrome::new(&session, Some(viewer), "home", "Lodestar").await {
            Ok(c) => c,
            Err(r) => return r,
        },
        None => Chrome::without_forms("home", "Lodestar"),
    };
    render(&Landing { chrome })
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    chrome: Chrome,
    name: String,
    email: String,
    errors: FieldErrors,
}

pub async fn register_form(session: Session, MaybeViewer(viewer): MaybeViewer) -> Response {
    if viewer.is_some() {
        return Redirect::to("/dashboard").into_response();
    }
    match Chrome::new(&session, None, "register", "Create your account").await {
        Ok(chrome) => render(&RegisterPage {
            chrome,
            name: String::new(),
            email: String::new(),
            errors: FieldErrors::new(),
        }),
        Err(r) => r,
    }
}

/// Starts a signed-in session: a fresh session id (no fixation), the person's id in it.
async fn sign_in(session: &Session, id: lodestar_domain::PersonId) -> Result<(), Response> {
    let internal =
        |e: tower_sessions::session::Error| error_page(&AppError::Internal(e.to_string()));
    session.cycle_id().await.map_err(internal)?;
    session
        .insert(PERSON_KEY, id.to_string())
        .await
        .map_err(internal)?;
    Ok(())
}

pub async fn register(
    State(state): State<AppState>,
    session: Session,
    ClientAddress(address): ClientAddress,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = Registration {
        name: form.text("name"),
        email: form.text("email"),
        password: form.text("password"),
    };
    match state.app.register(&input, &address).await {
        Ok(account) => {
            if let Err(r) = sign_in(&session, account.id).await {
                return r;
            }
            notify(&session, "Welcome to Lodestar! Tell people about yourself so the right mentors and mentees can find you.").await;
            Redirect::to("/profile").into_response()
        }
        Err(err) => {
            let errors = match err {
                AppError::Invalid(errors) => errors,
                AppError::Conflict {
                    field: Some(field),
                    message,
                    ..
                } => FieldErrors::single(field, message),
                other => return error_page(&other),
            };
            match Chrome::new(&session, None, "register", "Create your account").await {
                Ok(chrome) => render_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &RegisterPage {
                        chrome,
                        name: input.name,
                        email: input.email,
                        errors,
                    },
                ),
                Err(r) => r,
            }
        }
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(
    session: Session,
    MaybeViewer(viewer): MaybeViewer,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if viewer.is_some() {
        return Redirect::to(&next).into_response();
    }
    match Chrome::new(&session, None, "login", "Log in").await {
        Ok(chrome) => render(&LoginPage {
            chrome,
            email: String::new(),
            next,
            error: None,
        }),
        Err(r) => r,
    }
}

pub async fn login(
    State(state): State<AppState>,
    session: Session,
    ClientAddress(address): ClientAddress,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let next = safe_next(form.get("next"));
    let credentials = Credentials {
        email: form.text("email"),
        password: form.text("password"),
    };
    match state.app.log_in(&credentials, &address).await {
        Ok(account) => match sign_in(&session, account.id).await {
            Ok(()) => Redirect::to(&next).into_response(),
            Err(r) => r,
        },
        Err(err @ (AppError::Unauthenticated(_) | AppError::RateLimited { .. })) => {
            let status = if matches!(err, AppError::RateLimited { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let message = match err {
                AppError::RateLimited { retry_after_secs } => format!(
                    "Too many failed attempts. For your safety, please wait {} before trying again.",
                    wait_in_words(retry_after_secs)
                ),
                _ => "That email and password do not match an account.".to_owned(),
            };
            match Chrome::new(&session, None, "login", "Log in").await {
                Ok(chrome) => render_status(
                    status,
                    &LoginPage {
                        chrome,
                        email: credentials.email,
                        next,
                        error: Some(message),
                    },
                ),
                Err(r) => r,
            }
        }
        Err(other) => error_page(&other),
    }
}

/// "3 seconds", "2 minutes": how long a person is asked to wait.
fn wait_in_words(secs: u64) -> String {
    match secs {
        0..=1 => "a second".to_owned(),
        2..=90 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

pub async fn logout(session: Session) -> Response {
    let _ = session.flush().await;
    Redirect::to("/").into_response()
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    me: ProfileView,
    checklist: Vec<(&'static str, bool, &'static str)>,
    suggestions: Option<(String, Arc<DirectoryPage>)>,
}

pub async fn dashboard(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let result = async {
        let me = state.app.my_profile(&viewer).await.or_page()?;
        let checklist = vec![
            (
                "Write a headline",
                !me.headline.is_empty(),
                "/profile#headline",
            ),
            (
                "Add your current role",
                !me.role_title.is_empty(),
                "/profile#role_title",
            ),
            (
                "Say whether you mentor, want a mentor, or both",
                me.is_mentor || me.wants_mentor,
                "/profile#roles",
            ),
            (
                "List skills you mentor on or want to grow",
                !me.mentor_skills.is_empty() || !me.growth_skills.is_empty(),
                "/profile#skills",
            ),
            (
                "Choose what you want from mentoring",
                !me.focus_areas.is_empty(),
                "/profile#focus",
            ),
        ];
        let suggestions = match me.growth_skills.first() {
            Some(skill) => {
                let query = DirectoryQuery {
                    role: Some("mentor".into()),
                    skill: Some(skill.slug.clone()),
                    min_level: Some((skill.level + 1).min(5).to_string()),
                    per_page: Some("3".into()),
                    ..Default::default()
                };
                let page = state.app.directory(&viewer, &query).await.or_page()?;
                Some((skill.name.clone(), page))
            }
            None => None,
        };
        let chrome = Chrome::new(&session, Some(viewer.clone()), "dashboard", "Dashboard").await?;
        Ok::<_, Response>(render(&Dashboard {
            chrome,
            me,
            checklist,
            suggestions,
        }))
    };
    result.await.unwrap_or_else(|r| r)
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    errors: FieldErrors,
}

pub async fn password_form(session: Session, PageViewer(viewer): PageViewer) -> Response {
    match Chrome::new(&session, Some(viewer), "account", "Change password").await {
        Ok(chrome) => render(&PasswordPage {
            chrome,
            errors: FieldErrors::new(),
        }),
        Err(r) => r,
    }
}

pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let mut errors = FieldErrors::new();
    if form.get("new_password") != form.get("confirm_password") {
        errors.add("confirm_password", "does not match the new password");
    }
    let change = PasswordChange {
        current_password: form.text("current_password"),
        new_password: form.text("new_password"),
    };
    let current_session = session.id().map(|id| id.to_string());
    let outcome = if errors.is_empty() {
        state
            .app
            .change_password(&viewer, &change, current_session.as_deref())
            .await
    } else {
        Err(AppError::Invalid(errors))
    };
    match outcome {
        Ok(()) => {
            notify(&session, "Your password was changed. Other browsers you were signed in on have been signed out.").await;
            Redirect::to("/dashboard").into_response()
        }
        Err(AppError::Invalid(errors)) => page_with_errors(&session, viewer, errors).await,
        Err(other) => error_page(&other),
    }
}

async fn page_with_errors(session: &Session, viewer: Viewer, errors: FieldErrors) -> Response {
    match Chrome::new(session, Some(viewer), "account", "Change password").await {
        Ok(chrome) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage { chrome, errors },
        ),
        Err(r) => r,
    }
}
