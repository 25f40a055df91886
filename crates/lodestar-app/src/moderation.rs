//! What admins do about reported messages: the reports (each with the one message a party
//! shared, as it was when reported, who wrote it and whose thread it is, and nothing else
//! of the thread), and the actions on a report: warn the author (an inbox notice and, by
//! their preference, an e-mail), suspend the author's account (they cannot log in, and
//! their sessions and tokens end at once), close the thread, or dismiss the report. Every
//! action is recorded with the admin and their note and shown on the report. Admins also
//! list suspended accounts and lift a suspension, which is recorded too.

use lodestar_domain::conversation::{MAX_MODERATION_NOTE, ModerationAction};
use lodestar_domain::mentoring::NotificationKind;
use lodestar_domain::text::multi_line;
use lodestar_domain::{FieldErrors, MessageId, PersonId, ReportId, ThreadId};
use lodestar_store::moderation::{self as store, ActionRecord, NewAction, ReportRecord};
use lodestar_store::notifications::Notice;
use lodestar_store::{now_ms, threads};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::{self, Audit, AuditAction};
use crate::conversations::render::render;
use crate::requests::PersonRef;
use crate::{App, AppError, Viewer};

/// The most reports one list answers with.
pub const MAX_REPORTS: i64 = 500;

/// The author of a reported message.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportedAuthor {
    #[schema(value_type = String, format = Uuid)]
    pub id: PersonId,
    pub name: String,
    /// Their account is suspended now.
    pub suspended: bool,
}

/// The reported message, as it was when reported.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportedMessage {
    #[schema(value_type = String, format = Uuid)]
    pub id: MessageId,
    /// Its Markdown source when reported.
    pub body: String,
    /// The same, rendered safely.
    pub html: String,
    /// Epoch milliseconds.
    pub created_at: i64,
    /// Its author edited it (the report keeps the text that was reported).
    pub edited: bool,
    /// Its author deleted it since (the report keeps the text that was reported).
    pub deleted: bool,
}

/// The thread a reported message is in: who is in it, nothing of what else was said.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportedThread {
    #[schema(value_type = String, format = Uuid)]
    pub id: ThreadId,
    /// The names of its parties.
    pub parties: Vec<String>,
    /// An admin closed it to new messages.
    pub closed: bool,
}

/// One action taken.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ActionView {
    /// warn, suspend, close_thread, dismiss (or reinstate, when a suspension was lifted).
    #[schema(example = "warn")]
    pub action: String,
    pub label: String,
    /// The admin who took it (absent if their account is gone).
    pub admin_name: Option<String>,
    pub note: String,
    /// Epoch milliseconds.
    pub at: i64,
}

impl From<&ActionRecord> for ActionView {
    fn from(a: &ActionRecord) -> Self {
        Self {
            action: a.action.as_str().to_owned(),
            label: a.action.label().to_owned(),
            admin_name: a.admin_name.clone(),
            note: a.note.clone(),
            at: a.at,
        }
    }
}

/// A report, as admins see it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportView {
    #[schema(value_type = String, format = Uuid)]
    pub id: ReportId,
    /// `open` until an admin acts on it, then `resolved`.
    #[schema(example = "open")]
    pub status: String,
    /// spam, harassment, inappropriate or other.
    pub reason: String,
    pub reason_label: String,
    pub comment: String,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub resolved_at: Option<i64>,
    pub reporter: PersonRef,
    pub author: ReportedAuthor,
    pub message: ReportedMessage,
    pub thread: ReportedThread,
    /// Every action taken on it, oldest first.
    pub actions: Vec<ActionView>,
}

impl ReportView {
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }
}

/// Reports, open ones first (the longest waiting at the top), then resolved ones.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportList {
    pub reports: Vec<ReportView>,
    /// How many are open.
    pub open: i64,
}

/// An admin's action on a report.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// warn, suspend, close_thread or dismiss.
    #[schema(example = "warn")]
    pub action: String,
    /// Why; a warning's note is sent to the author (up to 1,000 characters).
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
}

/// A suspended account.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SuspendedView {
    #[schema(value_type = String, format = Uuid)]
    pub id: PersonId,
    pub name: String,
    /// Epoch milliseconds.
    pub suspended_at: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SuspendedList {
    /// The most recent first.
    pub accounts: Vec<SuspendedView>,
}

fn admin_only(viewer: &Viewer) -> Result<(), AppError> {
    if viewer.is_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

impl App {
    /// Every report, for admins.
    pub async fn reports(&self, viewer: &Viewer) -> Result<ReportList, AppError> {
        admin_only(viewer)?;
        let records = store::reports(&self.db, MAX_REPORTS).await?;
        let reports = self.report_views(records).await?;
        Ok(ReportList {
            open: reports.iter().filter(|r| r.is_open()).count() as i64,
            reports,
        })
    }

    async fn report_views(&self, records: Vec<ReportRecord>) -> Result<Vec<ReportView>, AppError> {
        let mut thread_ids: Vec<ThreadId> = records.iter().map(|r| r.thread).collect();
        thread_ids.sort_unstable();
        thread_ids.dedup();
        let parties = store::party_names(&self.db, &thread_ids).await?;
        let ids: Vec<ReportId> = records.iter().map(|r| r.id).collect();
        let actions = store::actions_on(&self.db, &ids).await?;
        Ok(records
            .into_iter()
            .map(|r| ReportView {
                id: r.id,
                status: if r.resolved_at.is_some() {
                    "resolved"
                } else {
                    "open"
                }
                .to_owned(),
                reason: r.reason.as_str().to_owned(),
                reason_label: r.reason.label().to_owned(),
                comment: r.comment,
                created_at: r.created_at,
                resolved_at: r.resolved_at,
                reporter: PersonRef {
                    id: r.reporter,
                    name: r.reporter_name,
                },
                author: ReportedAuthor {
                    id: r.author,
                    name: r.author_name,
                    suspended: r.author_suspended_at.is_some(),
                },
                message: ReportedMessage {
                    id: r.message,
                    html: render(&r.body),
                    body: r.body,
                    created_at: r.message_created_at,
                    edited: r.message_edited_at.is_some(),
                    deleted: r.message_deleted_at.is_some(),
                },
                thread: ReportedThread {
                    id: r.thread,
                    parties: parties
                        .iter()
                        .filter(|(t, _)| *t == r.thread)
                        .map(|(_, name)| name.clone())
                        .collect(),
                    closed: r.thread_closed_at.is_some(),
                },
                actions: actions
                    .iter()
                    .filter(|a| a.report == Some(r.id))
                    .map(ActionView::from)
                    .collect(),
            })
            .collect())
    }

    /// An admin acts on a report: warn, suspend, close_thread or dismiss. The action and
    /// its note are recorded on the report, which is resolved from then on; more actions
    /// may follow (a warning, later a suspension).
    pub async fn act_on_report(
        &self,
        viewer: &Viewer,
        id: ReportId,
        input: &ActionInput,
    ) -> Result<ReportView, AppError> {
        admin_only(viewer)?;
        let mut errors = FieldErrors::new();
        let action = errors.check("action", ModerationAction::parse_on_report(&input.action));
        let note = errors.check("note", multi_line(&input.note, MAX_MODERATION_NOTE));
        errors.into_result()?;
        let (Some(action), Some(note)) = (action, note) else {
            return Err(AppError::Internal("a checked field is missing".into()));
        };
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let report = store::report(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound("report"))?;
        match action {
            ModerationAction::Warn => {
                let notice = warning(&report, &note);
                self.notify(&mut tx, &notice).await?;
            }
            ModerationAction::Suspend => {
                if report.author == viewer.id {
                    return Err(AppError::Conflict {
                        code: "cannot_suspend_yourself",
                        field: None,
                        message: "you cannot suspend your own account".into(),
                    });
                }
                store::suspend(&mut tx, report.author, now).await?;
            }
            ModerationAction::CloseThread => {
                threads::close(&mut tx, report.thread, viewer.id, now).await?;
            }
            ModerationAction::Dismiss | ModerationAction::Reinstate => {}
        }
        let author = &report.author_name;
        let (kind, summary) = match action {
            ModerationAction::Warn => (
                AuditAction::ReportWarn,
                format!("Warned {author} about a reported message"),
            ),
            ModerationAction::Suspend => (
                AuditAction::ReportSuspend,
                format!("Suspended {author} over a reported message"),
            ),
            ModerationAction::CloseThread => (
                AuditAction::ReportCloseThread,
                format!("Closed the thread of a message by {author} that was reported"),
            ),
            ModerationAction::Dismiss | ModerationAction::Reinstate => (
                AuditAction::ReportDismiss,
                format!("Dismissed a report of a message by {author}"),
            ),
        };
        audit::record(
            &mut tx,
            viewer,
            Audit::new(kind, "report", id, summary).detail(serde_json::json!({
                "author": report.author.to_string(),
                "thread": report.thread.to_string(),
                "reason": report.reason.as_str(),
                "with_note": !note.is_empty(),
            })),
        )
        .await?;
        store::record_action(
            &mut tx,
            &NewAction {
                report: Some(id),
                person: Some(report.author),
                admin: viewer.id,
                action,
                note,
                at: now,
            },
        )
        .await?;
        let report = store::report(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound("report"))?;
        lodestar_store::commit(tx).await?;
        tracing::info!(report = %id, action = action.as_str(), admin = %viewer.id, "report acted on");
        self.report_views(vec![report])
            .await?
            .pop()
            .ok_or(AppError::NotFound("report"))
    }

    /// Suspended accounts, for admins.
    pub async fn suspended_accounts(&self, viewer: &Viewer) -> Result<SuspendedList, AppError> {
        admin_only(viewer)?;
        Ok(SuspendedList {
            accounts: store::suspended(&self.db)
                .await?
                .into_iter()
                .map(|s| SuspendedView {
                    id: s.person,
                    name: s.name,
                    suspended_at: s.suspended_at,
                })
                .collect(),
        })
    }

    /// An admin lifts a suspension: the person can log in again. Recorded like every
    /// action. Not found if the account is not suspended.
    pub async fn lift_suspension(&self, viewer: &Viewer, person: PersonId) -> Result<(), AppError> {
        admin_only(viewer)?;
        let name = lodestar_store::persons::find_by_id(&self.db, person)
            .await?
            .map(|a| a.name)
            .unwrap_or_default();
        let mut tx = self.db.begin().await?;
        if !store::reinstate(&mut tx, person).await? {
            return Err(AppError::NotFound("suspension"));
        }
        let summary = format!("Lifted the suspension of {name}");
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::SuspensionLift, "person", person, summary),
        )
        .await?;
        store::record_action(
            &mut tx,
            &NewAction {
                report: None,
                person: Some(person),
                admin: viewer.id,
                action: ModerationAction::Reinstate,
                note: String::new(),
                at: now_ms(),
            },
        )
        .await?;
        lodestar_store::commit(tx).await?;
        tracing::info!(person = %person, admin = %viewer.id, "suspension lifted");
        Ok(())
    }
}

fn warning(report: &ReportRecord, note: &str) -> Notice {
    let why = if note.is_empty() {
        String::new()
    } else {
        format!(" The admin's note: “{note}”")
    };
    Notice {
        person: report.author,
        kind: NotificationKind::ModerationWarning,
        title: "A warning about a message you wrote".into(),
        body: format!(
            "An admin reviewed a message you wrote that was reported ({}), and warns you about it.{why} \
             Please keep conversations respectful: further reports may lead to your account being suspended.",
            report.reason.label().to_lowercase()
        ),
        link: format!("/threads/{}", report.thread),
        calendar: None,
    }
}
