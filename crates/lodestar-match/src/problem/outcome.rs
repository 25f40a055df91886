//! The result file: who is matched with whom, who is not, and how good that is.

use serde::{Deserialize, Serialize};

use crate::objective;
use crate::problem::{Method, Problem};
use crate::report::{QualityReport, report};
use crate::stable::stable;

/// The solved problem, ready to write as the result file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Ordered by mentee id.
    pub assignments: Vec<Assignment>,
    /// Ids of the mentees left without a mentor, in id order.
    pub unmatched: Vec<String>,
    /// The sum of the assigned scores (at the solver's resolution of 10⁻⁶).
    pub total_score: f64,
    pub stats: OutcomeStats,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub mentee: String,
    pub mentor: String,
    /// The pair's score as given in the problem.
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeStats {
    /// Seconds spent solving, measured by the caller (the library leaves it `None` so the
    /// same problem always gives the same outcome).
    pub solve_seconds: Option<f64>,
    pub method: String,
    /// The objective maximised; `None` for the stable method.
    pub objective: Option<String>,
    pub min_score: f64,
    pub mentees: usize,
    pub mentors: usize,
    /// The pairs listed in the problem, and how many of them scored below `min_score`.
    pub pairs: usize,
    pub excluded_pairs: usize,
    /// Whether the solver's optimality certificate checked out (see
    /// [`crate::objective::ObjectiveSolution::verify`]); `None` when there was none to
    /// check (the stable method, or an outcome built with [`Problem::outcome`]).
    pub certified: Option<bool>,
    #[serde(flatten)]
    pub quality: QualityReport,
}

/// Solves the problem with its method and objective. For the optimal method the solver's
/// certificate is checked against the graph (one pass over the arcs) and the result
/// recorded in `stats.certified`, so a reader of the file need not trust the solver.
pub fn solve_problem(problem: &Problem) -> Outcome {
    match problem.settings.method {
        Method::Optimal(objective) => {
            let solution = objective::solve(&problem.graph, objective);
            let mut outcome = problem.outcome(&solution.mentor_of);
            outcome.stats.certified = Some(solution.verify(&problem.graph).is_ok());
            outcome
        }
        Method::Stable => problem.outcome(&stable(&problem.graph)),
    }
}

impl Problem {
    /// The outcome of an assignment of this problem's graph (canonical indices), however
    /// it was found.
    ///
    /// # Panics
    /// If `mentor_of` is not an assignment of [`Problem::graph`] (see [`report`]).
    pub fn outcome(&self, mentor_of: &[Option<u32>]) -> Outcome {
        let quality = report(&self.graph, mentor_of);
        let mut assignments = Vec::with_capacity(quality.matched);
        let mut unmatched = Vec::with_capacity(quality.unmatched);
        for (i, &mentor) in mentor_of.iter().enumerate() {
            let mentee = self.mentee_ids[i].clone();
            match mentor {
                Some(j) => assignments.push(Assignment {
                    mentee,
                    mentor: self.mentors[j as usize].id.clone(),
                    // `report` has checked that the pair is an arc, so it was listed.
                    score: self.score(i as u32, j).unwrap_or_default(),
                }),
                None => unmatched.push(mentee),
            }
        }
        let settings = self.settings;
        Outcome {
            assignments,
            unmatched,
            total_score: quality.total_score,
            stats: OutcomeStats {
                solve_seconds: None,
                method: settings.method.name().to_owned(),
                objective: settings.method.objective().map(|o| o.name().to_owned()),
                min_score: settings.min_score,
                mentees: self.mentee_ids.len(),
                mentors: self.mentors.len(),
                pairs: self.pairs.len(),
                excluded_pairs: self.pairs.len() - self.graph.arc_count(),
                certified: None,
                quality,
            },
        }
    }
}

impl Outcome {
    /// The result file's text (indented, for people to read).
    pub fn to_json(&self) -> String {
        // Strings, numbers and options only, no maps: nothing here can fail to serialise.
        serde_json::to_string_pretty(self).expect("an outcome serialises")
    }
}
