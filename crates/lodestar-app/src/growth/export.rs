//! The whole growth record, for its owner to take away: one JSON document
//! ([`GrowthExport`]) with every section, and one CSV table per kind of record
//! ([`ExportPart`]).
//!
//! A new section is a field of [`GrowthExport`] filled in [`App::growth_export`] and, if it
//! is a table, a variant of [`ExportPart`] with its columns in [`GrowthExport::table`].
//!
//! CSV follows RFC 4180 (header row, CRLF, quotes where needed). A spreadsheet runs a cell
//! that begins with `=`, `+`, `-` or `@` as a formula, so such a cell — and one beginning
//! with a tab or carriage return, which some skip before looking — is written with a single
//! quote in front ([`spreadsheet_safe`]): "=1+1" is shown as the text "=1+1", never
//! computed. The JSON document keeps every text exactly as written.

use chrono::DateTime;
use lodestar_store::check_ins as check_in_store;
use lodestar_store::{now_ms, persons};
use serde::Serialize;
use utoipa::ToSchema;

use super::Reader;
use super::assessments::AssessmentsView;
use super::check_ins::{CheckInPlan, CheckInView};
use super::feedback::MyFeedback;
use super::goals::{GoalView, PersonRef};
use super::outcomes::OutcomeView;
use crate::career::RoleRef;
use crate::career::steps::StepView;
use crate::{App, AppError, Viewer};

/// What the document is, for whoever reads it later.
pub const FORMAT: &str = "lodestar-growth-record";
/// Its version: bumped when a field changes meaning or goes; new fields and sections do
/// not bump it.
pub const VERSION: u32 = 1;

/// A person's career path and plan, as exported.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CareerExport {
    pub current_role: Option<RoleRef>,
    /// Most wanted first.
    pub target_roles: Vec<RoleRef>,
    /// The plan's steps, by date.
    pub steps: Vec<StepView>,
}

/// `GET /api/v1/me/growth/export`: everything of a person's growth record.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GrowthExport {
    /// `lodestar-growth-record`.
    pub format: &'static str,
    pub version: u32,
    /// Epoch milliseconds.
    pub exported_at: i64,
    /// The day of the export where the person lives, `YYYY-MM-DD`.
    pub exported_on: String,
    pub person: PersonRef,
    /// Every goal with its milestones, obstacles, skills, comments and the mentors it is
    /// shared with.
    pub goals: Vec<GoalView>,
    /// Every check-in, newest first.
    pub check_ins: Vec<CheckInView>,
    pub check_in_plan: CheckInPlan,
    pub career: CareerExport,
    /// Every career outcome, newest first.
    pub outcomes: Vec<OutcomeView>,
    /// Every assessed skill with its whole history (yours and your mentors'), strengths
    /// and weaknesses.
    pub assessments: AssessmentsView,
    /// Feedback received and given, and requests for it both ways.
    pub feedback: MyFeedback,
}

/// A table of the export that downloads as CSV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportPart {
    Goals,
    Milestones,
    CheckIns,
    CareerSteps,
    Outcomes,
    Assessments,
    Feedback,
}

impl ExportPart {
    pub const ALL: [ExportPart; 7] = [
        Self::Goals,
        Self::Milestones,
        Self::CheckIns,
        Self::CareerSteps,
        Self::Outcomes,
        Self::Assessments,
        Self::Feedback,
    ];

    /// The name in the file's address: `goals` in `goals.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Goals => "goals",
            Self::Milestones => "milestones",
            Self::CheckIns => "check_ins",
            Self::CareerSteps => "career_steps",
            Self::Outcomes => "outcomes",
            Self::Assessments => "assessments",
            Self::Feedback => "feedback",
        }
    }

    /// How the pages name it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Goals => "Goals",
            Self::Milestones => "Milestones of the goals",
            Self::CheckIns => "Check-ins",
            Self::CareerSteps => "Career plan steps",
            Self::Outcomes => "Career outcomes",
            Self::Assessments => "Skill assessments",
            Self::Feedback => "Feedback received and given",
        }
    }

    /// The part a file is named after: `goals.csv` is the goals; anything else is none.
    pub fn from_file(file: &str) -> Option<Self> {
        let name = file.strip_suffix(".csv")?;
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// One table: its header and its rows, every cell as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

/// A cell a spreadsheet shows as text: one that would begin a formula gets a single quote
/// in front.
pub fn spreadsheet_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// A cell as it was before [`spreadsheet_safe`]: the single quote in front of what would
/// begin a formula taken off.
pub fn from_spreadsheet_safe(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// An instant as an RFC 3339 UTC time, which spreadsheets read as a date and time.
fn instant(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

fn optional_instant(ms: Option<i64>) -> String {
    ms.map(instant).unwrap_or_default()
}

fn optional<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

impl GrowthExport {
    /// The file a download of the document, or of one of its tables, is saved as.
    pub fn file_name(&self, part: Option<ExportPart>) -> String {
        match part {
            None => format!("lodestar-growth-{}.json", self.exported_on),
            Some(p) => format!("lodestar-growth-{}-{}.csv", p.as_str(), self.exported_on),
        }
    }

    /// One part of the record as a table: a row per record.
    pub fn table(&self, part: ExportPart) -> Table {
        match part {
            ExportPart::Goals => Table {
                header: &[
                    "goal_id",
                    "title",
                    "status",
                    "why",
                    "measure",
                    "target_date",
                    "progress",
                    "skills",
                    "shared_with",
                    "mentorship_id",
                    "obstacles",
                    "comments",
                    "created_at",
                    "achieved_at",
                ],
                rows: self
                    .goals
                    .iter()
                    .map(|g| {
                        vec![
                            g.id.to_string(),
                            g.title.clone(),
                            g.status.as_str().to_owned(),
                            g.why.clone(),
                            g.measure.clone(),
                            g.target_date.clone(),
                            g.progress.to_string(),
                            join(g.skills.iter().map(|s| s.name.as_str()), "; "),
                            join(g.shared_with.iter().map(|p| p.name.as_str()), "; "),
                            optional(g.mentorship_id),
                            g.obstacles
                                .iter()
                                .map(|o| {
                                    if o.plan.is_empty() {
                                        o.obstacle.clone()
                                    } else {
                                        format!("{} (plan: {})", o.obstacle, o.plan)
                                    }
                                })
                                .collect::<Vec<_>>()
                                .join("\n"),
                            g.comments.len().to_string(),
                            instant(g.created_at),
                            optional_instant(g.achieved_at),
                        ]
                    })
                    .collect(),
            },
            ExportPart::Milestones => Table {
                header: &[
                    "goal_id",
                    "goal_title",
                    "milestone_id",
                    "title",
                    "due_date",
                    "state",
                    "done",
                    "done_at",
                    "suggested_by",
                ],
                rows: self
                    .goals
                    .iter()
                    .flat_map(|g| {
                        g.milestones.iter().map(move |m| {
                            vec![
                                g.id.to_string(),
                                g.title.clone(),
                                m.id.to_string(),
                                m.title.clone(),
                                m.due_date.clone().unwrap_or_default(),
                                m.state.as_str().to_owned(),
                                m.done.to_string(),
                                optional_instant(m.done_at),
                                m.suggested_by
                                    .as_ref()
                                    .map(|p| p.name.clone())
                                    .unwrap_or_default(),
                            ]
                        })
                    })
                    .collect(),
            },
            ExportPart::CheckIns => Table {
                header: &[
                    "check_in_id",
                    "created_at",
                    "confidence",
                    "areas",
                    "went_well",
                    "hard",
                    "need",
                    "share_with_mentors",
                    "share_reflection",
                    "marked_drop",
                ],
                rows: self
                    .check_ins
                    .iter()
                    .map(|c| {
                        vec![
                            c.id.to_string(),
                            instant(c.created_at),
                            c.confidence.to_string(),
                            c.areas
                                .iter()
                                .map(|a| format!("{}: {}", a.area, a.confidence))
                                .collect::<Vec<_>>()
                                .join("; "),
                            c.went_well.clone(),
                            c.hard.clone(),
                            c.need.clone(),
                            c.share_with_mentors.to_string(),
                            c.share_reflection.to_string(),
                            c.marked_drop.to_string(),
                        ]
                    })
                    .collect(),
            },
            ExportPart::CareerSteps => Table {
                header: &[
                    "step_id", "kind", "title", "skill", "due_date", "done", "done_at", "goal_id",
                ],
                rows: self
                    .career
                    .steps
                    .iter()
                    .map(|s| {
                        vec![
                            s.id.to_string(),
                            s.kind.to_owned(),
                            s.title.clone(),
                            s.skill_name.clone().unwrap_or_default(),
                            s.due_date.clone(),
                            s.done.to_string(),
                            optional_instant(s.done_at),
                            s.goal_id.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
            },
            ExportPart::Outcomes => Table {
                header: &[
                    "outcome_id",
                    "date",
                    "kind",
                    "title",
                    "note",
                    "mentorship_id",
                    "goal_id",
                    "share_with_mentors",
                    "created_at",
                ],
                rows: self
                    .outcomes
                    .iter()
                    .map(|o| {
                        vec![
                            o.id.to_string(),
                            o.date.clone(),
                            o.kind.as_str().to_owned(),
                            o.title.clone(),
                            o.note.clone(),
                            optional(o.mentorship_id),
                            optional(o.goal_id),
                            o.share_with_mentors.to_string(),
                            instant(o.created_at),
                        ]
                    })
                    .collect(),
            },
            ExportPart::Assessments => Table {
                header: &[
                    "assessment_id",
                    "skill",
                    "skill_name",
                    "by",
                    "assessor",
                    "level",
                    "evidence",
                    "shared_with_mentors",
                    "created_at",
                ],
                rows: self
                    .assessments
                    .skills
                    .iter()
                    .flat_map(|s| s.history.iter().rev())
                    .map(|a| {
                        vec![
                            a.id.to_string(),
                            a.skill.clone(),
                            a.skill_name.clone(),
                            a.by.as_str().to_owned(),
                            a.assessor
                                .as_ref()
                                .map(|p| p.name.clone())
                                .unwrap_or_default(),
                            a.level.to_string(),
                            a.evidence.clone(),
                            a.shared.to_string(),
                            instant(a.created_at),
                        ]
                    })
                    .collect(),
            },
            ExportPart::Feedback => Table {
                header: &[
                    "feedback_id",
                    "direction",
                    "from",
                    "to",
                    "skill",
                    "situation",
                    "behaviour",
                    "impact",
                    "suggestion",
                    "session_id",
                    "acknowledged_at",
                    "reply",
                    "goal_id",
                    "step_id",
                    "created_at",
                ],
                rows: self
                    .feedback
                    .received
                    .iter()
                    .chain(&self.feedback.given)
                    .map(|f| {
                        vec![
                            f.id.to_string(),
                            f.direction.to_owned(),
                            f.from.name.clone(),
                            f.to.name.clone(),
                            f.skill_name.clone(),
                            f.situation.clone(),
                            f.behaviour.clone(),
                            f.impact.clone(),
                            f.suggestion.clone(),
                            optional(f.session_id),
                            optional_instant(f.acknowledged_at),
                            f.reply.clone(),
                            optional(f.goal_id),
                            optional(f.step_id),
                            instant(f.created_at),
                        ]
                    })
                    .collect(),
            },
        }
    }

    /// One part of the record as CSV (RFC 4180), every cell [`spreadsheet_safe`].
    pub fn csv(&self, part: ExportPart) -> Result<String, AppError> {
        let table = self.table(part);
        to_csv(&table)
    }
}

fn join<'a>(items: impl Iterator<Item = &'a str>, separator: &str) -> String {
    items.collect::<Vec<_>>().join(separator)
}

/// A table as CSV: the header, then a line per row, CRLF-terminated, quoted where needed.
pub fn to_csv(table: &Table) -> Result<String, AppError> {
    let failed = |e: &dyn std::fmt::Display| AppError::Internal(format!("writing CSV: {e}"));
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(table.header).map_err(|e| failed(&e))?;
    for row in &table.rows {
        writer
            .write_record(row.iter().map(|cell| spreadsheet_safe(cell)))
            .map_err(|e| failed(&e))?;
    }
    let bytes = writer.into_inner().map_err(|e| failed(&e))?;
    String::from_utf8(bytes).map_err(|e| failed(&e))
}

impl App {
    /// The viewer's whole growth record. Only its owner exports it: it is read as theirs.
    pub async fn growth_export(&self, viewer: &Viewer) -> Result<GrowthExport, AppError> {
        let name = persons::find_by_id(&self.db, viewer.id)
            .await?
            .ok_or(AppError::NotFound("person"))?
            .name;
        let mut goals = Vec::new();
        for summary in self.my_goals(viewer).await? {
            goals.push(self.goal(viewer, summary.id).await?);
        }
        let check_ins = check_in_store::list(&self.db, viewer.id, false, i64::MAX)
            .await?
            .iter()
            .map(|c| CheckInView::of(c, Reader::Owner))
            .collect();
        let path = self.my_career(viewer).await?;
        Ok(GrowthExport {
            format: FORMAT,
            version: VERSION,
            exported_at: now_ms(),
            exported_on: self
                .today_of(viewer.id)
                .await?
                .format("%Y-%m-%d")
                .to_string(),
            person: PersonRef {
                id: viewer.id,
                name,
            },
            goals,
            check_ins,
            check_in_plan: self.check_in_plan(viewer).await?,
            career: CareerExport {
                current_role: path.current_role,
                target_roles: path.target_roles,
                steps: self.career_steps(viewer).await?,
            },
            outcomes: self.outcomes_of(viewer, viewer.id).await?,
            assessments: self.my_assessments(viewer).await?,
            feedback: self.my_feedback(viewer).await?,
        })
    }

    /// One table of the viewer's growth record as CSV, with the name to save it as. A file
    /// that names no part (`goals.csv`, `milestones.csv`, `check_ins.csv`,
    /// `career_steps.csv`, `outcomes.csv`, `assessments.csv`, `feedback.csv`) does not
    /// exist.
    pub async fn growth_export_csv(
        &self,
        viewer: &Viewer,
        file: &str,
    ) -> Result<(String, String), AppError> {
        let part = ExportPart::from_file(file).ok_or(AppError::NotFound("export"))?;
        let export = self.growth_export(viewer).await?;
        Ok((export.file_name(Some(part)), export.csv(part)?))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_would_start_a_formula_is_shown_as_text() {
        for risky in ["=1+1", "+44 20", "-2", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(spreadsheet_safe(risky), format!("'{risky}"));
        }
        for plain in ["Promoted", "", " =1", "1-2", "'quoted"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }

    #[test]
    fn csv_quotes_what_needs_it_and_ends_lines_with_crlf() {
        let table = Table {
            header: &["a", "b"],
            rows: vec![
                vec!["plain".into(), "with, comma".into()],
                vec!["say \"hi\"".into(), "two\nlines".into()],
                vec!["=HYPERLINK(\"x\")".into(), String::new()],
            ],
        };
        assert_eq!(
            to_csv(&table).unwrap(),
            "a,b\r\nplain,\"with, comma\"\r\n\"say \"\"hi\"\"\",\"two\nlines\"\r\n\
             \"'=HYPERLINK(\"\"x\"\")\",\r\n"
        );
    }

    #[test]
    fn a_file_names_a_part_by_its_name_and_csv_only() {
        assert_eq!(
            ExportPart::from_file("check_ins.csv"),
            Some(ExportPart::CheckIns)
        );
        assert_eq!(ExportPart::from_file("goals.json"), None);
        assert_eq!(ExportPart::from_file("goals"), None);
        assert_eq!(ExportPart::from_file("skills.csv"), None);
        for part in ExportPart::ALL {
            assert_eq!(
                ExportPart::from_file(&format!("{}.csv", part.as_str())),
                Some(part)
            );
        }
    }
}
