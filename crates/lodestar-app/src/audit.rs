//! The audit log: every admin action (who, what, when), recorded by the service that
//! performs it in the action's own transaction, and read by instance admins only.
//!
//! A record's `detail` holds the fields the action changed, as JSON: names, dates, counts
//! and ids, never a password, a token, a secret or what someone wrote privately.

use lodestar_domain::{AuditEntryId, FieldErrors, PersonId};
use lodestar_store::Conn;
use lodestar_store::audit::{self as store, Entry, Filter, NewEntry};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::directory::{given, number};
use crate::{App, AppError, Viewer};

/// What an admin did: a stable dotted name, so a filter or a report keeps working.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum AuditAction {
    #[serde(rename = "skill.add")]
    SkillAdd,
    #[serde(rename = "skill.edit")]
    SkillEdit,
    #[serde(rename = "skill.retire")]
    SkillRetire,
    #[serde(rename = "skill.restore")]
    SkillRestore,
    #[serde(rename = "skill.merge")]
    SkillMerge,
    #[serde(rename = "role.add")]
    RoleAdd,
    #[serde(rename = "role.edit")]
    RoleEdit,
    #[serde(rename = "report.warn")]
    ReportWarn,
    #[serde(rename = "report.suspend")]
    ReportSuspend,
    #[serde(rename = "report.close_thread")]
    ReportCloseThread,
    #[serde(rename = "report.dismiss")]
    ReportDismiss,
    #[serde(rename = "suspension.lift")]
    SuspensionLift,
    #[serde(rename = "opportunity.pin")]
    OpportunityPin,
    #[serde(rename = "opportunity.unpin")]
    OpportunityUnpin,
    #[serde(rename = "opportunity.remove")]
    OpportunityRemove,
    #[serde(rename = "programme.create")]
    ProgrammeCreate,
    #[serde(rename = "programme.edit")]
    ProgrammeEdit,
    #[serde(rename = "programme.admins")]
    ProgrammeAdmins,
    #[serde(rename = "programme.archive")]
    ProgrammeArchive,
    #[serde(rename = "programme.invitation_link")]
    ProgrammeInvitationLink,
    #[serde(rename = "enrolment.approve")]
    EnrolmentApprove,
    #[serde(rename = "enrolment.decline")]
    EnrolmentDecline,
    #[serde(rename = "enrolment.remove")]
    EnrolmentRemove,
    #[serde(rename = "request.approve")]
    RequestApprove,
    #[serde(rename = "request.reject")]
    RequestReject,
    #[serde(rename = "participants.import")]
    ParticipantsImport,
    #[serde(rename = "match_run.start")]
    MatchRunStart,
    #[serde(rename = "match_run.edit")]
    MatchRunEdit,
    #[serde(rename = "match_run.publish")]
    MatchRunPublish,
    #[serde(rename = "webhook.add")]
    WebhookAdd,
    #[serde(rename = "webhook.remove")]
    WebhookRemove,
    #[serde(rename = "webhook.retry")]
    WebhookRetry,
    #[serde(rename = "webhook.pause")]
    WebhookPause,
    #[serde(rename = "webhook.resume")]
    WebhookResume,
    #[serde(rename = "webhook.roll_secret")]
    WebhookRollSecret,
    #[serde(rename = "admin.setup")]
    AdminSetup,
    #[serde(rename = "admin.create")]
    AdminCreate,
    #[serde(rename = "admin.grant")]
    AdminGrant,
    #[serde(rename = "admin.revoke")]
    AdminRevoke,
}

impl AuditAction {
    /// Every action, in the order the log's filter lists them.
    pub const ALL: [Self; 39] = [
        Self::SkillAdd,
        Self::SkillEdit,
        Self::SkillRetire,
        Self::SkillRestore,
        Self::SkillMerge,
        Self::RoleAdd,
        Self::RoleEdit,
        Self::ReportWarn,
        Self::ReportSuspend,
        Self::ReportCloseThread,
        Self::ReportDismiss,
        Self::SuspensionLift,
        Self::OpportunityPin,
        Self::OpportunityUnpin,
        Self::OpportunityRemove,
        Self::ProgrammeCreate,
        Self::ProgrammeEdit,
        Self::ProgrammeAdmins,
        Self::ProgrammeArchive,
        Self::ProgrammeInvitationLink,
        Self::EnrolmentApprove,
        Self::EnrolmentDecline,
        Self::EnrolmentRemove,
        Self::RequestApprove,
        Self::RequestReject,
        Self::ParticipantsImport,
        Self::MatchRunStart,
        Self::MatchRunEdit,
        Self::MatchRunPublish,
        Self::WebhookAdd,
        Self::WebhookRemove,
        Self::WebhookRetry,
        Self::WebhookPause,
        Self::WebhookResume,
        Self::WebhookRollSecret,
        Self::AdminSetup,
        Self::AdminCreate,
        Self::AdminGrant,
        Self::AdminRevoke,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SkillAdd => "skill.add",
            Self::SkillEdit => "skill.edit",
            Self::SkillRetire => "skill.retire",
            Self::SkillRestore => "skill.restore",
            Self::SkillMerge => "skill.merge",
            Self::RoleAdd => "role.add",
            Self::RoleEdit => "role.edit",
            Self::ReportWarn => "report.warn",
            Self::ReportSuspend => "report.suspend",
            Self::ReportCloseThread => "report.close_thread",
            Self::ReportDismiss => "report.dismiss",
            Self::SuspensionLift => "suspension.lift",
            Self::OpportunityPin => "opportunity.pin",
            Self::OpportunityUnpin => "opportunity.unpin",
            Self::OpportunityRemove => "opportunity.remove",
            Self::ProgrammeCreate => "programme.create",
            Self::ProgrammeEdit => "programme.edit",
            Self::ProgrammeAdmins => "programme.admins",
            Self::ProgrammeArchive => "programme.archive",
            Self::ProgrammeInvitationLink => "programme.invitation_link",
            Self::EnrolmentApprove => "enrolment.approve",
            Self::EnrolmentDecline => "enrolment.decline",
            Self::EnrolmentRemove => "enrolment.remove",
            Self::RequestApprove => "request.approve",
            Self::RequestReject => "request.reject",
            Self::ParticipantsImport => "participants.import",
            Self::MatchRunStart => "match_run.start",
            Self::MatchRunEdit => "match_run.edit",
            Self::MatchRunPublish => "match_run.publish",
            Self::WebhookAdd => "webhook.add",
            Self::WebhookRemove => "webhook.remove",
            Self::WebhookRetry => "webhook.retry",
            Self::WebhookPause => "webhook.pause",
            Self::WebhookResume => "webhook.resume",
            Self::WebhookRollSecret => "webhook.roll_secret",
            Self::AdminSetup => "admin.setup",
            Self::AdminCreate => "admin.create",
            Self::AdminGrant => "admin.grant",
            Self::AdminRevoke => "admin.revoke",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }
}

/// What a service records of one admin action.
#[derive(Clone, Debug)]
pub(crate) struct Audit {
    action: AuditAction,
    target_kind: &'static str,
    target_id: String,
    summary: String,
    detail: Value,
}

impl Audit {
    pub(crate) fn new(
        action: AuditAction,
        target_kind: &'static str,
        target_id: impl ToString,
        summary: impl Into<String>,
    ) -> Self {
        Self {
            action,
            target_kind,
            target_id: target_id.to_string(),
            summary: summary.into(),
            detail: Value::Object(serde_json::Map::new()),
        }
    }

    /// The fields the action changed (a JSON object).
    pub(crate) fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }

    fn entry(self, actor: Option<PersonId>, actor_name: &str) -> NewEntry {
        NewEntry {
            actor,
            actor_name: actor_name.to_owned(),
            action: self.action.as_str().to_owned(),
            target_kind: self.target_kind.to_owned(),
            target_id: self.target_id,
            summary: self.summary,
            detail: self.detail.to_string(),
        }
    }

    /// The record of an action taken on the command line, which has no account to name,
    /// for a store function that writes it itself.
    pub(crate) fn by_command_line(self) -> NewEntry {
        self.entry(None, "command line")
    }

    /// The record of `viewer`'s action, for a store function that writes it itself.
    pub(crate) fn by(self, viewer: &Viewer) -> NewEntry {
        self.entry(Some(viewer.id), &viewer.name)
    }
}

/// Records `viewer`'s action in the caller's transaction: the action and its record
/// commit together or not at all.
pub(crate) async fn record(conn: &mut Conn, viewer: &Viewer, audit: Audit) -> Result<(), AppError> {
    store::record(conn, &audit.by(viewer)).await?;
    Ok(())
}

/// Records an action taken on the command line, which has no account to name.
pub(crate) async fn record_command_line(conn: &mut Conn, audit: Audit) -> Result<(), AppError> {
    store::record(conn, &audit.by_command_line()).await?;
    Ok(())
}

/// `from → to` of a field that changed, for a record's detail; `None` when it did not.
pub(crate) fn change<T: PartialEq + Serialize>(from: &T, to: &T) -> Option<Value> {
    (from != to).then(|| serde_json::json!({ "from": from, "to": to }))
}

/// The changed fields of an edit, as a detail object: each `(name, change)` kept when
/// something changed.
pub(crate) fn changes(fields: impl IntoIterator<Item = (&'static str, Option<Value>)>) -> Value {
    Value::Object(
        fields
            .into_iter()
            .filter_map(|(name, change)| Some((name.to_owned(), change?)))
            .collect(),
    )
}

/// Most records a page holds, and how many unless asked.
pub const MAX_PAGE: i64 = 200;
pub const DEFAULT_PAGE: i64 = 50;

/// `GET /api/v1/admin/audit`: a page of the log, newest first.
#[derive(Clone, Debug, Default, Deserialize, Serialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// The id of the last record of the previous page: the records older than it.
    #[param(value_type = Option<String>, format = Uuid)]
    pub before: Option<String>,
    /// 1–200, default 50.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// Only the actions of this person (their id).
    #[param(value_type = Option<String>, format = Uuid)]
    pub actor: Option<String>,
    /// Only this action (`skill.merge`).
    #[param(value_type = Option<AuditAction>, inline)]
    pub action: Option<String>,
}

impl AuditQuery {
    /// The query with its empty fields left out, as a form sends them.
    pub fn without_blanks(self) -> Self {
        let keep = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        Self {
            before: keep(self.before),
            limit: keep(self.limit),
            actor: keep(self.actor),
            action: keep(self.action),
        }
    }
}

/// Who acted: their id while the account exists.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct AuditActor {
    /// `null` for the command line, and once the account is deleted.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub id: Option<PersonId>,
    /// Their name when they acted.
    pub name: String,
}

/// One record of the audit log.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct AuditEntryView {
    #[schema(value_type = String, format = Uuid)]
    pub id: AuditEntryId,
    /// Epoch milliseconds.
    pub at: i64,
    pub actor: AuditActor,
    /// A stable dotted name (`skill.merge`).
    pub action: String,
    /// What the action was on (`skill`, `programme`, `person`…) and its id.
    pub target_kind: String,
    pub target_id: String,
    /// A short sentence.
    pub summary: String,
    /// The fields the action changed.
    #[schema(value_type = Object)]
    pub detail: Value,
}

impl From<Entry> for AuditEntryView {
    fn from(e: Entry) -> Self {
        Self {
            id: e.id,
            at: e.at,
            actor: AuditActor {
                id: e.actor.filter(|_| e.actor_exists),
                name: e.actor_name,
            },
            action: e.action,
            target_kind: e.target_kind,
            target_id: e.target_id,
            summary: e.summary,
            detail: serde_json::from_str(&e.detail).unwrap_or(Value::Null),
        }
    }
}

/// A page of the log, newest first.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    /// Pass as `before` for the next, older page; `null` on the last page.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub older: Option<AuditEntryId>,
}

impl App {
    /// A page of the audit log, for instance admins only.
    pub async fn audit_log(
        &self,
        viewer: &Viewer,
        query: &AuditQuery,
    ) -> Result<AuditPage, AppError> {
        if !viewer.is_admin {
            return Err(AppError::Forbidden);
        }
        let mut errors = FieldErrors::new();
        // An empty parameter is not left out: the document says each is an id, a number or
        // an action's name. The page drops its form's empty fields before asking.
        for (field, value) in [
            ("before", &query.before),
            ("limit", &query.limit),
            ("actor", &query.actor),
            ("action", &query.action),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                errors.add(field, "must not be empty");
            }
        }
        let before = given(&query.before).and_then(|raw| {
            errors.check(
                "before",
                raw.parse::<AuditEntryId>()
                    .map_err(|_| "must be the id of a record"),
            )
        });
        let limit =
            number(&mut errors, "limit", &query.limit, 1..=MAX_PAGE).unwrap_or(DEFAULT_PAGE);
        let actor = given(&query.actor).and_then(|raw| {
            errors.check(
                "actor",
                raw.parse::<PersonId>().map_err(|_| "must be a person's id"),
            )
        });
        let action = given(&query.action).and_then(|raw| {
            errors.check(
                "action",
                AuditAction::parse(raw).ok_or("is not an action the log records"),
            )
        });
        errors.into_result()?;
        let filter = Filter {
            before,
            actor,
            action: action.map(|a| a.as_str().to_owned()),
            target: None,
        };
        // One more than asked tells whether an older page exists.
        let mut found = store::page(&self.db, &filter, limit + 1).await?;
        let more = found.len() as i64 > limit;
        found.truncate(usize::try_from(limit).unwrap_or(0));
        let older = more.then(|| found.last().map(|e| e.id)).flatten();
        Ok(AuditPage {
            entries: found.into_iter().map(AuditEntryView::from).collect(),
            older,
        })
    }
}

/// The fields of `after` that differ from `before` (two JSON objects), as `from → to`.
pub(crate) fn diff(before: &Value, after: &Value) -> Value {
    let empty = serde_json::Map::new();
    let before = before.as_object().unwrap_or(&empty);
    Value::Object(
        after
            .as_object()
            .unwrap_or(&empty)
            .iter()
            .filter(|(key, value)| before.get(*key) != Some(*value))
            .map(|(key, value)| {
                let from = before.get(key).cloned().unwrap_or(Value::Null);
                (
                    key.clone(),
                    serde_json::json!({ "from": from, "to": value }),
                )
            })
            .collect(),
    )
}
