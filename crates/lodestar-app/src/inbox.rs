//! A person's in-app inbox and their e-mail preferences. Everyone sees and changes only
//! their own; in-app notices are always on, e-mail is on or off per kind of event.

use std::collections::BTreeMap;

use lodestar_domain::mentoring::NotificationKind;
use lodestar_domain::{FieldErrors, NotificationId};
use lodestar_store::notifications::{self, Notification};
use lodestar_store::now_ms;
use serde::{Deserialize, Serialize};

use crate::live::{self, LiveSignal};
use crate::{App, AppError, Viewer};

/// Notifications per page unless asked otherwise, and at most.
pub const PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;
/// Ids one mark-read call may name.
pub const MAX_IDS: usize = 500;

/// Which notifications to list.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only unread ones.
    #[serde(default)]
    pub unread: bool,
    /// 1 for the newest.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// At most 100; 20 if not given.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// One notification as people see it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    pub id: String,
    /// The kind of event, such as `session_scheduled`.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// The page it concerns, as a path (may be empty).
    pub link: String,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub read: bool,
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> Self {
        Self {
            id: n.id.to_string(),
            kind: n.kind,
            title: n.title,
            body: n.body,
            link: n.link,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        }
    }
}

/// A page of the inbox, newest first.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct InboxPage {
    pub notifications: Vec<NotificationView>,
    /// Unread notifications in all, on every page.
    pub unread: i64,
    pub page: i64,
    pub per_page: i64,
    /// Whether a next page has more.
    pub has_more: bool,
}

/// Which notifications to mark read: `{"ids": [...]}` or `{"all": true}`.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    #[serde(default)]
    pub all: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MarkedRead {
    /// How many notifications were unread and now are read.
    pub marked: u64,
    /// Unread notifications left.
    pub unread: i64,
}

/// Whether e-mail is sent for one kind of event.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Preference {
    pub kind: String,
    /// What the kind means, in words.
    pub label: String,
    pub email: bool,
}

/// `{"email": {"session_reminder": false, …}}`: kinds not named keep their setting.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferenceChoices {
    #[serde(default)]
    pub email: BTreeMap<String, bool>,
}

/// Every kind with its e-mail setting; in-app notices are always on.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Preferences {
    /// Kind → whether it is e-mailed.
    pub email: BTreeMap<String, bool>,
    /// The same, in the order and words of the preferences page.
    pub kinds: Vec<Preference>,
}

impl App {
    pub async fn notifications(
        &self,
        viewer: &Viewer,
        query: &InboxQuery,
    ) -> Result<InboxPage, AppError> {
        let mut errors = FieldErrors::new();
        let page = query.page.unwrap_or(1);
        if page < 1 {
            errors.add("page", "must be 1 or more");
        }
        let per_page = query.per_page.unwrap_or(PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            errors.add("per_page", format!("must be between 1 and {MAX_PER_PAGE}"));
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let offset = (page - 1).saturating_mul(per_page);
        // One more than asked tells whether there is a next page.
        let mut rows =
            notifications::list(&self.db, viewer.id, query.unread, per_page + 1, offset).await?;
        let has_more = rows.len() as i64 > per_page;
        rows.truncate(usize::try_from(per_page).unwrap_or_default());
        Ok(InboxPage {
            notifications: rows.into_iter().map(NotificationView::from).collect(),
            unread: notifications::unread_count(&self.db, viewer.id).await?,
            page,
            per_page,
            has_more,
        })
    }

    /// The viewer's unread notifications, for the navigation: one indexed count.
    pub async fn unread_notifications(&self, viewer: &Viewer) -> Result<i64, AppError> {
        Ok(notifications::unread_count(&self.db, viewer.id).await?)
    }

    /// The viewer's unread notifications and unread messages, for the navigation of every
    /// page: one read for both.
    pub async fn unread_badges(&self, viewer: &Viewer) -> Result<(i64, i64), AppError> {
        Ok(notifications::unread_badges(&self.db, viewer.id).await?)
    }

    /// Marks the viewer's notifications read: all, or those named (others' ids and unknown
    /// ids change nothing).
    pub async fn mark_notifications_read(
        &self,
        viewer: &Viewer,
        input: &MarkRead,
    ) -> Result<MarkedRead, AppError> {
        let ids = match (&input.ids, input.all) {
            (None, true) => None,
            (Some(ids), false) => {
                if ids.len() > MAX_IDS {
                    return Err(AppError::invalid("ids", format!("at most {MAX_IDS} ids")));
                }
                let mut errors = FieldErrors::new();
                let parsed: Vec<NotificationId> = ids
                    .iter()
                    .enumerate()
                    .filter_map(|(i, id)| errors.check(&format!("ids[{i}]"), id.parse()))
                    .collect();
                if !errors.is_empty() {
                    return Err(errors.into());
                }
                Some(parsed)
            }
            _ => {
                return Err(AppError::invalid(
                    "ids",
                    "give the ids to mark read, or \"all\": true",
                ));
            }
        };
        let marked = self.mark_read(viewer, ids.as_deref()).await?;
        Ok(MarkedRead {
            marked,
            unread: notifications::unread_count(&self.db, viewer.id).await?,
        })
    }

    /// Marks the viewer's notifications read (all, or `ids`) and, if any changed, tells
    /// their open pages, whose badges then count what is left.
    async fn mark_read(
        &self,
        viewer: &Viewer,
        ids: Option<&[NotificationId]>,
    ) -> Result<u64, AppError> {
        let mut tx = self.db.begin().await?;
        let marked = notifications::mark_read(&mut tx, viewer.id, ids, now_ms()).await?;
        if marked > 0 {
            live::publish(&mut tx, &LiveSignal::InboxRead { person: viewer.id }).await?;
        }
        lodestar_store::commit(tx).await?;
        Ok(marked)
    }

    /// Marks one of the viewer's notifications read and returns the page it links to.
    pub async fn open_notification(&self, viewer: &Viewer, id: &str) -> Result<String, AppError> {
        let id: NotificationId = id.parse().map_err(|_| AppError::NotFound("notification"))?;
        let notification = notifications::get(&self.db, viewer.id, id)
            .await?
            .ok_or(AppError::NotFound("notification"))?;
        self.mark_read(viewer, Some(&[id])).await?;
        Ok(
            if notification.link.starts_with('/') && !notification.link.starts_with("//") {
                notification.link
            } else {
                "/notifications".into()
            },
        )
    }

    pub async fn notification_preferences(&self, viewer: &Viewer) -> Result<Preferences, AppError> {
        let all = notifications::email_preferences(&self.db, viewer.id).await?;
        Ok(Preferences {
            email: all
                .iter()
                .map(|(k, on)| (k.as_str().to_owned(), *on))
                .collect(),
            kinds: all
                .iter()
                .map(|(kind, email)| Preference {
                    kind: kind.as_str().into(),
                    label: kind.label().into(),
                    email: *email,
                })
                .collect(),
        })
    }

    /// Turns e-mail on or off for the kinds named; an unknown kind is a field error and
    /// nothing changes.
    pub async fn set_notification_preferences(
        &self,
        viewer: &Viewer,
        choices: &PreferenceChoices,
    ) -> Result<Preferences, AppError> {
        let mut errors = FieldErrors::new();
        let parsed: Vec<(NotificationKind, bool)> = choices
            .email
            .iter()
            .filter_map(|(kind, on)| {
                let kind = errors.check(
                    &format!("email.{kind}"),
                    kind.parse::<NotificationKind>()
                        .map_err(|_| "is not a kind of notification"),
                )?;
                Some((kind, *on))
            })
            .collect();
        if !errors.is_empty() {
            return Err(errors.into());
        }
        notifications::set_email_preferences(&self.db, viewer.id, &parsed).await?;
        self.notification_preferences(viewer).await
    }
}
