//! Participants by file: a programme's admins enrol many people at once from a CSV file,
//! one row a person, with the columns `name`, `email`, `role` (mentee, mentor or both),
//! `department` and one per question of the programme's form, headed by the question's
//! text. Only `email` and `role` must be there; a required question's column too.
//!
//! Rows are counted as a spreadsheet shows them: the header is row 1. Every bad row and
//! column is named at once (`row 17.email`: "is not an email address") and nothing is
//! written; a good file is written whole in one transaction, or not at all.
//!
//! Someone with an account (found by e-mail) is enrolled, or their enrolment brought up to
//! date; someone new gets an account with no password and an e-mail with a link to set
//! one (an invitation, good for [`INVITATION_TTL_MS`]). Enrolments an import makes are
//! approved: the admin chose these people. A dry run checks everything and counts what
//! would happen, writing nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use lodestar_domain::mentoring::{MemberRole, NotificationKind};
use lodestar_domain::programme::{
    Answers, EnrolmentRole, EnrolmentState, Format, Phase, Question, answer_cell, answer_from_cell,
    parse_answers, raw_answers,
};
use lodestar_domain::text::one_line;
use lodestar_domain::{
    Email, EnrolmentId, FieldErrors, PersonId, PersonName, ProfileData, ProgrammeId,
};
use lodestar_store::enrolments::{self, Enrolment, Filter};
use lodestar_store::imports::{
    self, DepartmentChange, EnrolmentUpdate, ImportWrite, Invitation, InvitationMail, Known,
    NewInvitee,
};
use lodestar_store::mentorships::{self as mentorship_store, ProgrammeMember};
use lodestar_store::notifications::Notice;
use lodestar_store::programmes::Programme;
use lodestar_store::{StoreError, now_ms, profiles};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::today;
use crate::account_deletion::DELETED_ACCOUNT;
use crate::audit::{self, Audit, AuditAction};
use crate::growth::export::{from_spreadsheet_safe, spreadsheet_safe};
use crate::people::search_text;
use crate::secrets::{random_secret, token_hash};
use crate::{App, AppError, Viewer};

/// How long an invitation to set a password works.
pub const INVITATION_TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;
/// The column an export adds after the participants' fields, which an import ignores.
pub const STATE_COLUMN: &str = "state";
/// The largest file an import takes: about 500,000 participants of a short form.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;
/// The longest department, as on a profile.
const MAX_DEPARTMENT: usize = 100;

/// `POST /api/v1/programmes/{id}/participants/import`.
#[derive(Clone, Copy, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true` checks the file and counts what it would do, writing nothing. Default `false`.
    #[serde(default)]
    pub dry_run: bool,
}

/// What an import did, or would do on a dry run. Each row is counted once in `created`,
/// `updated` or `unchanged`; `invited` counts the invitation e-mails among them.
#[derive(Clone, Debug, Default, Serialize, ToSchema, PartialEq, Eq)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Participant rows in the file.
    pub rows: i64,
    /// Enrolments made: people not enrolled in the programme before, new to Lodestar or
    /// not.
    pub created: i64,
    /// Enrolments brought up to date: a different role, different answers or a different
    /// department, or waiting for approval until now.
    pub updated: i64,
    /// Rows that changed nothing.
    pub unchanged: i64,
    /// Invitations e-mailed: one to everyone new to Lodestar (whose account the import
    /// makes), and one again to anyone an earlier import invited whose invitation ran out
    /// before they set a password.
    pub invited: i64,
}

/// Which participant field a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Name,
    Email,
    Role,
    Department,
    Question(usize),
    /// The export's `state`, which an import does not set.
    Ignored,
}

/// One checked row.
#[derive(Clone, Debug)]
struct Row {
    /// Empty when the file gives none (then only an existing account will do).
    name: String,
    email: Email,
    role: EnrolmentRole,
    /// `None` when the file has no department, or leaves this row's empty.
    department: Option<String>,
    answers: Answers,
}

/// The header of a participants file for `questions`: what an export writes and an import
/// reads.
pub fn participant_header(questions: &[Question]) -> Vec<String> {
    ["name", "email", "role", "department"]
        .into_iter()
        .map(str::to_owned)
        .chain(questions.iter().map(|q| q.text.clone()))
        .collect()
}

/// A row of a participants file: the person and their enrolment's answers.
pub fn participant_cells(
    questions: &[Question],
    name: &str,
    email: &str,
    role: EnrolmentRole,
    department: &str,
    answers: &Answers,
) -> Vec<String> {
    [name, email, role.as_str(), department]
        .into_iter()
        .map(str::to_owned)
        .chain((0..questions.len()).map(|i| answers.get(&i).map(answer_cell).unwrap_or_default()))
        .collect()
}

/// The header's columns, every problem named under `header.<column>`.
fn columns(questions: &[Question], header: &csv::ByteRecord) -> Result<Vec<Column>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut found = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(raw) else {
            errors.add(format!("header.{}", i + 1), "is not UTF-8 text");
            continue;
        };
        let text = text.trim();
        let key = text.to_lowercase();
        let column = match key.as_str() {
            "name" => Some(Column::Name),
            "email" => Some(Column::Email),
            "role" => Some(Column::Role),
            "department" => Some(Column::Department),
            STATE_COLUMN => Some(Column::Ignored),
            _ => questions
                .iter()
                .position(|q| q.text.trim().to_lowercase() == key)
                .map(Column::Question),
        };
        match column {
            Some(c) if found.contains(&c) => errors.add(format!("header.{text}"), "appears twice"),
            Some(c) => found.push(c),
            None if text.is_empty() => errors.add(
                format!("header.{}", i + 1),
                "is empty: every column needs a heading",
            ),
            None => errors.add(
                format!("header.{text}"),
                "is not a column of this programme's participants: name, email, role, department or a question of its form",
            ),
        }
    }
    for (must, name) in [(Column::Email, "email"), (Column::Role, "role")] {
        if !found.contains(&must) {
            errors.add(format!("header.{name}"), "is missing");
        }
    }
    for (i, q) in questions.iter().enumerate() {
        if q.required && !found.contains(&Column::Question(i)) {
            errors.add(
                format!("header.{}", q.text),
                "is missing: the question must be answered",
            );
        }
    }
    errors.into_result()?;
    Ok(found)
}

/// A participants file as read: the good rows, every problem of the others, and the row
/// and e-mail of each row without a name (good only for someone with an account).
#[derive(Debug, Default)]
struct Read {
    rows: Vec<Row>,
    errors: FieldErrors,
    nameless: Vec<(usize, String)>,
}

/// Reads and checks a participants file: every bad row and column named at once. A header
/// that cannot be read stops it there. In a peer programme (`peers`) every role is both.
fn read_rows(questions: &[Question], peers: bool, file: &[u8]) -> Result<Read, FieldErrors> {
    let file = file.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(file);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(file);
    let header = reader
        .byte_headers()
        .map_err(|e| FieldErrors::single("file", format!("is not a CSV file: {e}")))?
        .clone();
    if header.iter().all(<[u8]>::is_empty) {
        return Err(FieldErrors::single(
            "file",
            "is empty: it needs a header row, then one row a person",
        ));
    }
    let columns = columns(questions, &header)?;
    let heading = |i: usize| {
        std::str::from_utf8(&header[i])
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let mut errors = FieldErrors::new();
    let mut rows = Vec::new();
    let mut nameless = Vec::new();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    let mut index = 0usize;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                errors.add(
                    format!("row {}", index + 2),
                    format!("cannot be read as CSV: {e}"),
                );
                break;
            }
        }
        index += 1;
        let number = index + 1;
        if record.len() != columns.len() {
            errors.add(
                format!("row {number}"),
                format!(
                    "has {} cells where the header has {}",
                    record.len(),
                    columns.len()
                ),
            );
            continue;
        }
        let mut cells: Vec<Option<&str>> = Vec::with_capacity(columns.len());
        for (i, raw) in record.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(text) => cells.push(Some(from_spreadsheet_safe(text))),
                Err(_) => {
                    errors.add(format!("row {number}.{}", heading(i)), "is not UTF-8 text");
                    cells.push(None);
                }
            }
        }
        let mut name = String::new();
        let mut email = None;
        let mut role = None;
        let mut department = None;
        let mut answers = Answers::new();
        for (i, column) in columns.iter().enumerate() {
            let Some(cell) = cells[i] else { continue };
            let field = format!("row {number}.{}", heading(i));
            match column {
                Column::Name if cell.trim().is_empty() => {}
                Column::Name => {
                    if let Some(n) = errors.check(&field, PersonName::parse(cell)) {
                        name = n.into_inner();
                    }
                }
                Column::Email => match Email::parse(cell) {
                    Ok(e) => match first_row_of.get(e.as_str()) {
                        Some(first) => errors.add(field, format!("is on row {first} too")),
                        None => {
                            first_row_of.insert(e.as_str().to_owned(), number);
                            email = Some(e);
                        }
                    },
                    Err(e) => errors.add(field, e.to_string()),
                },
                Column::Role => {
                    role = errors.check(
                        &field,
                        cell.trim()
                            .to_lowercase()
                            .parse::<EnrolmentRole>()
                            .map_err(|_| "must be mentee, mentor or both")
                            .and_then(|r| {
                                if peers && r != EnrolmentRole::Both {
                                    Err("must be both: in a peer programme everyone mentors and is mentored")
                                } else {
                                    Ok(r)
                                }
                            }),
                    );
                }
                Column::Department if cell.trim().is_empty() => {}
                Column::Department => {
                    department = errors.check(&field, one_line(cell, MAX_DEPARTMENT));
                }
                Column::Ignored => {}
                Column::Question(q) => match answer_from_cell(&questions[*q], cell) {
                    Ok(Some(a)) => {
                        answers.insert(*q, a);
                    }
                    Ok(None) if questions[*q].required => errors.add(field, "is required"),
                    Ok(None) => {}
                    Err(message) => errors.add(field, message),
                },
            }
        }
        if let Some(email) = &email
            && name.is_empty()
        {
            nameless.push((number, email.as_str().to_owned()));
        }
        if let (Some(email), Some(role)) = (email, role) {
            rows.push(Row {
                name,
                email,
                role,
                department,
                answers,
            });
        }
    }
    if index == 0 && errors.is_empty() {
        errors.add(
            "file",
            "has no participants: after the header, one row a person",
        );
    }
    Ok(Read {
        rows,
        errors,
        nameless,
    })
}

/// A live enrolment as it stands, to compare a row with.
struct Standing {
    id: EnrolmentId,
    role: EnrolmentRole,
    answers: Option<Answers>,
    pending: bool,
}

/// The invitation e-mail of someone an import enrolled.
fn invitation_mail(
    p: &Programme,
    inviter: &str,
    role: EnrolmentRole,
    public_url: &str,
    token: &str,
    expires_at: i64,
) -> (String, String) {
    let until = DateTime::<Utc>::from_timestamp_millis(expires_at)
        .map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_default();
    let side = match role {
        EnrolmentRole::Mentee => "a mentee",
        EnrolmentRole::Mentor => "a mentor",
        EnrolmentRole::Both => "both mentor and mentee",
    };
    let subject = format!("You are invited to {}", p.name);
    let body = format!(
        "{inviter} has enrolled you in {} as {side}. It runs from {} to {}.\n\n\
         The programme's mentoring happens on Lodestar. Set your password to sign in; this \
         link works until {until}:\n\n{}/invitations/{token}\n\n\
         If you did not expect this, you can ignore this e-mail.\n",
        p.name,
        p.dates.starts_on,
        p.dates.ends_on,
        public_url.trim_end_matches('/'),
    );
    (subject, body)
}

impl App {
    /// Enrols the participants of a CSV file in a programme (see the module's notes), or on
    /// a dry run counts what it would do. For the programme's admins and instance admins.
    pub async fn import_participants(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
        file: Vec<u8>,
        dry_run: bool,
    ) -> Result<ImportReport, AppError> {
        let p = self.run_by(viewer, id).await?;
        if p.dates.phase(today()) == Phase::Ended {
            return Err(AppError::Conflict {
                code: "programme_ended",
                field: None,
                message: format!("the programme ended on {}", p.dates.ends_on),
            });
        }
        let questions = p.questions.clone();
        let peers = p.format == Format::Peer;
        let Read {
            rows,
            mut errors,
            nameless,
        } = tokio::task::spawn_blocking(move || read_rows(&questions, peers, &file))
            .await
            .map_err(|e| AppError::Internal(format!("reading the file: {e}")))??;
        let emails: Vec<String> = rows.iter().map(|r| r.email.as_str().to_owned()).collect();
        let nameless_emails: Vec<String> = nameless.iter().map(|(_, e)| e.clone()).collect();
        let named = imports::known_by_email(&self.db, &nameless_emails).await?;
        for (number, email) in &nameless {
            if !named.contains_key(email) {
                errors.add(
                    format!("row {number}.name"),
                    "is required for someone new to Lodestar",
                );
            }
        }
        errors.into_result()?;
        let known = imports::known_by_email(&self.db, &emails).await?;
        let standing = self.live_enrolments_by_person(&p).await?;
        let now = now_ms();
        let expires_at = now + INVITATION_TTL_MS;
        let mut report = ImportReport {
            dry_run,
            rows: i64::try_from(rows.len()).unwrap_or(i64::MAX),
            ..ImportReport::default()
        };
        let mut write = ImportWrite::default();
        let mut mails = Vec::new();
        let mut notices = Vec::new();
        let public_url = self.policy.public_url.clone();
        let mut invite =
            |write: &mut ImportWrite, person: PersonId, name: &str, email: &str, role| {
                let token = random_secret();
                write.invitations.push(Invitation {
                    person,
                    token_hash: token_hash(&token),
                });
                let (subject, body) =
                    invitation_mail(&p, &viewer.name, role, &public_url, &token, expires_at);
                mails.push(InvitationMail {
                    person,
                    recipient: email.to_owned(),
                    recipient_name: name.to_owned(),
                    subject,
                    body,
                });
            };
        for row in &rows {
            let answers = raw_answers(&p.questions, &row.answers);
            let (person, department_changed) = match known.get(row.email.as_str()) {
                None => {
                    let person = PersonId::new();
                    let department = row.department.clone().unwrap_or_default();
                    let profile = ProfileData {
                        department: department.clone(),
                        ..ProfileData::default()
                    };
                    write.accounts.push(NewInvitee {
                        id: person,
                        name: row.name.clone(),
                        email: row.email.as_str().to_owned(),
                        department,
                        is_mentor: row.role.mentor(),
                        wants_mentor: row.role.mentee(),
                        search_text: search_text(&row.name, &profile),
                    });
                    invite(&mut write, person, &row.name, row.email.as_str(), row.role);
                    report.invited += 1;
                    (person, false)
                }
                Some(k) => {
                    if !k.activated && k.invitation_expires_at.is_none_or(|at| at <= now) {
                        invite(&mut write, k.id, &k.name, row.email.as_str(), row.role);
                        report.invited += 1;
                    }
                    let changed = row.department.as_ref().filter(|d| **d != k.department);
                    if let Some(d) = changed {
                        write
                            .departments
                            .push(self.department_change(k, d, dry_run).await?);
                    }
                    (k.id, changed.is_some())
                }
            };
            match standing.get(&person) {
                Some(s) => {
                    let same = s.role == row.role && s.answers.as_ref() == Some(&row.answers);
                    if same && !s.pending && !department_changed {
                        report.unchanged += 1;
                    } else {
                        report.updated += 1;
                        if !same || s.pending {
                            write.updates.push(EnrolmentUpdate {
                                id: s.id,
                                role: row.role,
                                answers_json: serde_json::to_string(&answers).map_err(|e| {
                                    AppError::Internal(format!("writing answers: {e}"))
                                })?,
                            });
                        }
                    }
                }
                None => {
                    report.created += 1;
                    write.enrolments.push(Enrolment {
                        id: EnrolmentId::new(),
                        programme_id: p.id,
                        person_id: person,
                        person_name: String::new(),
                        role: row.role,
                        answers,
                        state: EnrolmentState::Approved,
                        created_at: now,
                        updated_at: now,
                        decided_by: Some(viewer.id),
                        decided_at: Some(now),
                    });
                    if known.get(row.email.as_str()).is_some_and(|k| k.activated) {
                        notices.push(Notice {
                            person,
                            kind: NotificationKind::EnrolmentDecided,
                            title: format!("You are enrolled in {}", p.name),
                            body: format!(
                                "{} enrolled you in {} as {}. The programme runs from {} to {}.",
                                viewer.name,
                                p.name,
                                row.role.as_str(),
                                p.dates.starts_on,
                                p.dates.ends_on
                            ),
                            link: format!("/programmes/{}", p.id),
                            calendar: None,
                        });
                    }
                }
            }
        }
        if dry_run {
            return Ok(report);
        }
        let mut tx = self.db.begin().await?;
        imports::write(&mut tx, p.id, viewer.id, &write, &mails, now, expires_at)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { .. } => AppError::Conflict {
                    code: "import_conflict",
                    field: None,
                    message: "someone enrolled or joined Lodestar while the file was being imported, so nothing was imported: import it again".into(),
                },
                other => other.into(),
            })?;
        for notice in &notices {
            self.notify(&mut tx, notice).await?;
        }
        let summary = format!(
            "Imported {} participant row{} into the programme {}",
            report.rows,
            if report.rows == 1 { "" } else { "s" },
            p.name
        );
        audit::record(
            &mut tx,
            viewer,
            Audit::new(AuditAction::ParticipantsImport, "programme", p.id, summary).detail(
                serde_json::json!({
                    "rows": report.rows,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "invited": report.invited,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            programme = %p.id,
            rows = report.rows,
            created = report.created,
            updated = report.updated,
            invited = report.invited,
            "participants imported"
        );
        Ok(report)
    }

    /// A programme's live enrolments by person, with their answers as the form reads them.
    async fn live_enrolments_by_person(
        &self,
        p: &Programme,
    ) -> Result<HashMap<PersonId, Standing>, AppError> {
        let all = enrolments::all(&self.db, p.id, Filter::default()).await?;
        Ok(all
            .into_iter()
            .filter(|e| e.state.is_live())
            .map(|e| {
                (
                    e.person_id,
                    Standing {
                        id: e.id,
                        role: e.role,
                        answers: parse_answers(&p.questions, &e.answers).ok(),
                        pending: e.state == EnrolmentState::Pending,
                    },
                )
            })
            .collect())
    }

    /// Someone's new department, with the search text their profile then gives (read only
    /// when it will be written).
    async fn department_change(
        &self,
        k: &Known,
        department: &str,
        dry_run: bool,
    ) -> Result<DepartmentChange, AppError> {
        let search_text = if dry_run {
            String::new()
        } else {
            let person = profiles::load(&self.db, k.id).await?;
            let profile = ProfileData {
                department: department.to_owned(),
                ..person.profile
            };
            search_text(&person.name, &profile)
        };
        Ok(DepartmentChange {
            person: k.id,
            department: department.to_owned(),
            search_text,
        })
    }
}

/// The header of a programme's matches file.
const MATCH_HEADER: [&str; 8] = [
    "mentorship",
    "state",
    "started_on",
    "ended_on",
    "mentor_name",
    "mentor_email",
    "mentee_name",
    "mentee_email",
];

/// A timestamp's day (UTC), for a file.
fn day(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Writes rows as CSV text, every cell that would begin a formula shown as text (an
/// import takes the quote off again).
pub(crate) fn csv_text(rows: impl IntoIterator<Item = Vec<String>>) -> Result<String, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in rows {
        out.write_record(row.iter().map(|cell| spreadsheet_safe(cell)))
            .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("writing CSV: {e}")))
}

impl App {
    /// The programme if the viewer runs it: `Forbidden` otherwise.
    pub(crate) async fn run_by(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
    ) -> Result<Programme, AppError> {
        let p = self.live_programme(id).await?;
        if !self.runs(viewer, &p).await? {
            return Err(AppError::Forbidden);
        }
        Ok(p)
    }

    /// Everyone enrolled (approved or waiting), oldest enrolment first, as a participants
    /// file an import reads back, with each enrolment's state last.
    pub async fn participants_csv(
        &self,
        viewer: &Viewer,
        id: ProgrammeId,
    ) -> Result<String, AppError> {
        let p = self.run_by(viewer, id).await?;
        let enrolled = enrolments::all(&self.db, id, Filter::default()).await?;
        let contacts = enrolments::contacts(&self.db, id).await?;
        let mut header = participant_header(&p.questions);
        header.push(STATE_COLUMN.to_owned());
        let rows = enrolled
            .iter()
            .filter(|e| e.state.is_live())
            .filter_map(|e| {
                let contact = contacts.get(&e.person_id)?;
                let answers = parse_answers(&p.questions, &e.answers).unwrap_or_default();
                let mut cells = participant_cells(
                    &p.questions,
                    &e.person_name,
                    &contact.email,
                    e.role,
                    &contact.department,
                    &answers,
                );
                cells.push(e.state.as_str().to_owned());
                Some(cells)
            });
        csv_text(std::iter::once(header).chain(rows))
    }

    /// Every mentorship made in the programme, one row a mentee (a circle's mentees each on
    /// their own row), with its mentors.
    pub async fn matches_csv(&self, viewer: &Viewer, id: ProgrammeId) -> Result<String, AppError> {
        self.run_by(viewer, id).await?;
        let members = mentorship_store::members_in_programme(&self.db, id).await?;
        let mut rows = vec![MATCH_HEADER.iter().map(|h| (*h).to_owned()).collect()];
        for group in members.chunk_by(|a, b| a.mentorship == b.mentorship) {
            let mentors: Vec<_> = group
                .iter()
                .filter(|m| m.role == MemberRole::Mentor)
                .collect();
            let join = |f: fn(&ProgrammeMember) -> &str| {
                mentors.iter().map(|m| f(m)).collect::<Vec<_>>().join("; ")
            };
            let name = |m: &ProgrammeMember| {
                if m.person.is_some() {
                    m.name.clone()
                } else {
                    DELETED_ACCOUNT.to_owned()
                }
            };
            for mentee in group.iter().filter(|m| m.role == MemberRole::Mentee) {
                rows.push(vec![
                    mentee.mentorship.to_string(),
                    mentee.state.as_str().to_owned(),
                    day(mentee.started_at),
                    mentee.ended_at.map(day).unwrap_or_default(),
                    mentors
                        .iter()
                        .map(|m| name(m))
                        .collect::<Vec<_>>()
                        .join("; "),
                    join(|m| &m.email),
                    name(mentee),
                    mentee.email.clone(),
                ]);
            }
        }
        csv_text(rows)
    }
}
