//! A programme's dashboard and report page, with its charts, and the report's CSV for the
//! browser (the API's `report.csv`). The figures come whole from
//! `App::programme_report`; this page only draws them, showing a held-back figure as
//! "Fewer than 5 people: not shown".

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::programmes::report::{Figure, ProgrammeReport, Section};
use lodestar_domain::ProgrammeId;
use lodestar_domain::programme::MIN_GROUP;
use tower_sessions::Session;

use super::{Chrome, OrPage, PageId, error_page, render_made};
use crate::AppState;
use crate::api::{CSV, download};
use crate::auth::PageViewer;
use crate::charts::{BarGroup, Caption, GroupedBars};

#[derive(Template)]
#[template(path = "programme_report.html")]
struct ReportPage {
    chrome: Chrome,
    r: ProgrammeReport,
    /// A chart's HTML by the key of the section it draws.
    charts: BTreeMap<String, String>,
}

impl ReportPage {
    /// What a held-back figure says instead of its value.
    fn held_back(&self) -> String {
        format!("Fewer than {MIN_GROUP} people: not shown")
    }

    /// A figure's value as the page shows it: a count whole, a share in per cent, a mean
    /// to two places at most.
    fn value(&self, f: &Figure) -> String {
        match f.value {
            None => self.held_back(),
            Some(v) if f.unit == "share" => format!("{}%", round(v * 100.0, 1)),
            Some(v) if f.unit == "count" => format!("{v:.0}"),
            Some(v) => round(v, 2).to_string(),
        }
    }

    /// A figure's name in a table: a skill's figures name the skill too.
    fn measure(&self, f: &Figure) -> String {
        match &f.group {
            Some(g) => format!("{g}: {}", f.label.to_lowercase()),
            None => f.label.clone(),
        }
    }
}

fn round(v: f64, places: i32) -> f64 {
    let scale = 10_f64.powi(places);
    (v * scale).round() / scale
}

/// The value of the figure `key` of a section (of the skill `group`), when shown.
fn value_of(s: &Section, group: Option<&str>, key: &str) -> Option<f64> {
    s.figures
        .iter()
        .find(|f| f.key == key && f.group.as_deref() == group)
        .and_then(|f| f.value)
}

/// The report's charts: confidence and skill levels at the start against now, retention,
/// and the ratings' distribution.
fn charts(r: &ProgrammeReport) -> BTreeMap<String, String> {
    let absent = "fewer than 5 people";
    let mut out = BTreeMap::new();
    if let Some(s) = r.section("confidence") {
        let groups = if s.figures.iter().all(|f| f.suppressed) {
            Vec::new()
        } else {
            vec![BarGroup {
                label: "Confidence".into(),
                values: vec![value_of(s, None, "start"), value_of(s, None, "now")],
            }]
        };
        let html = GroupedBars {
            caption: Caption {
                id: "report-confidence",
                title: "Mean confidence, at the start and now",
                description: "The mentees' mean confidence, from 1 to 10, at their first check-in since the programme started and at their latest.",
                empty: "Fewer than 5 mentees have checked in twice since the start: not shown.",
            },
            group_label: "Measure",
            value_label: "Confidence (1–10)",
            series: &["At the start", "Now"],
            max: 10.0,
            absent,
            groups: &groups,
        }
        .render();
        out.insert(s.key.clone(), html);
    }
    if let Some(s) = r.section("skills") {
        let mut skills: Vec<&str> = Vec::new();
        for f in &s.figures {
            if let Some(g) = f.group.as_deref()
                && !f.suppressed
                && !skills.contains(&g)
            {
                skills.push(g);
            }
        }
        let groups: Vec<BarGroup> = skills
            .iter()
            .map(|g| BarGroup {
                label: (*g).to_owned(),
                values: vec![value_of(s, Some(g), "start"), value_of(s, Some(g), "now")],
            })
            .collect();
        let html = GroupedBars {
            caption: Caption {
                id: "report-skills",
                title: "Mean level per skill, at the start and now",
                description: "For the skills the mentees want to grow, their mean level from 1 (beginning) to 5 (expert) at their first assessment and at their latest; a skill assessed twice by fewer than 5 mentees is left out.",
                empty: "No skill has been assessed twice by 5 mentees or more: not shown.",
            },
            group_label: "Skill",
            value_label: "Level (1–5)",
            series: &["At the start", "Now"],
            max: 5.0,
            absent,
            groups: &groups,
        }
        .render();
        out.insert(s.key.clone(), html);
    }
    if let Some(s) = r.section("retention") {
        let groups: Vec<BarGroup> = if s.figures.iter().all(|f| f.suppressed) {
            Vec::new()
        } else {
            s.figures
                .iter()
                .map(|f| BarGroup {
                    label: f.label.clone(),
                    values: vec![f.value.map(|v| round(v * 100.0, 1))],
                })
                .collect()
        };
        let html = GroupedBars {
            caption: Caption {
                id: "report-retention",
                title: "Share of the mentorships in each state",
                description: "The share of the programme's mentorships in each state, in per cent.",
                empty: "Fewer than 5 people in the programme's mentorships: not shown.",
            },
            group_label: "State",
            value_label: "Share of mentorships (%)",
            series: &["Share (%)"],
            max: 100.0,
            absent,
            groups: &groups,
        }
        .render();
        out.insert(s.key.clone(), html);
    }
    if let Some(s) = r.section("ratings") {
        let stars: Vec<&Figure> = s.figures.iter().filter(|f| f.key != "mean").collect();
        let groups: Vec<BarGroup> = if stars.iter().all(|f| f.suppressed) {
            Vec::new()
        } else {
            stars
                .iter()
                .map(|f| BarGroup {
                    label: f.label.clone(),
                    values: vec![f.value],
                })
                .collect()
        };
        let max = stars.iter().filter_map(|f| f.value).fold(1.0, f64::max);
        let html = GroupedBars {
            caption: Caption {
                id: "report-ratings",
                title: "Ratings by number of stars",
                description: "How many ratings of each number of stars the members gave on completing the programme's mentorships.",
                empty: "Fewer than 5 people rated a completed mentorship with any one number of stars: not shown.",
            },
            group_label: "Stars",
            value_label: "Ratings",
            series: &["Ratings"],
            max,
            absent,
            groups: &groups,
        }
        .render();
        out.insert(s.key.clone(), html);
    }
    out
}

/// The dashboard and the report, for the programme's admins and instance admins.
pub async fn report(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ProgrammeId>,
) -> Response {
    let page = async {
        let r = state.app.programme_report(&viewer, id).await.or_page()?;
        let title = format!("Report: {}", r.programme_name);
        let chrome = Chrome::new(&session, Some(viewer), "programmes", &title).await?;
        let charts = charts(&r);
        Ok(ReportPage { chrome, r, charts })
    };
    render_made(StatusCode::OK, page.await)
}

/// The report as a CSV file (the API's `report.csv`).
pub async fn report_csv(
    State(state): State<AppState>,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<ProgrammeId>,
) -> Response {
    match state.app.programme_report_csv(&viewer, id).await {
        Ok(body) => download(CSV, &format!("report-{id}.csv"), body),
        Err(e) => error_page(&e),
    }
}
