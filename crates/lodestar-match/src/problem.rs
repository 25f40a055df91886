//! The solver's input and output files (`lodestar match solve --input problem.json
//! --output result.json`), and the checks that turn a file into a [`Problem`].
//!
//! # Input
//!
//! ```json
//! {
//!   "mentees": ["ann", "bo"],
//!   "mentors": [{"id": "mia", "capacity": 2}],
//!   "pairs": [[0, 0, 0.83], [1, 0, 0.4]],
//!   "method": "optimal",
//!   "objective": "max_total",
//!   "min_score": 0.5
//! }
//! ```
//!
//! - `pairs` are `[mentee index, mentor index, score]`, indices into the two lists, score
//!   in [0, 1]. A pair that is not listed, or scores below `min_score` (default 0), is
//!   not allowed.
//! - `method` (default `"optimal"`): `"optimal"` maximises `objective` (default
//!   `"max_total"`; also `"max_participation"` and `"max_min"`, see
//!   [`crate::objective`]); `"stable"` runs deferred acceptance ([`crate::stable`]), which
//!   has no objective, so giving one with it is an error. Stability is a method rather
//!   than an objective because it is a property of the assignment, not a quantity that
//!   is maximised.
//! - Unknown fields are rejected, so a misspelt `"objectve"` does not silently fall back
//!   to the default. The problem and each mentor must be JSON objects: a positional array
//!   in their place is refused, so every value is read under its own name.
//! - The file is UTF-8 without a byte order mark. Numbers are read exactly (the nearest
//!   `f64`, however they are written), so a score written twice in two ways is one value.
//!
//! Everything wrong with a file is reported at once ([`ProblemErrors`]), each error
//! naming its entry: `pairs[17]: mentor index 40 is out of range (there are 12 mentors)`.
//! A file that is not of the expected shape stops at the first problem, which names the
//! entry and gives its line and column: `pairs[1]: expected 3 elements [mentee index,
//! mentor index, score], found 2 (line 4, column 15)`.
//!
//! # Output
//!
//! [`Outcome`]: the assignments and the unmatched mentees, both ordered by mentee id, the
//! total score, and statistics with the [`crate::report`] quality report flattened in.
//!
//! # Determinism
//!
//! Ids are sorted before the graph is built and every solver breaks ties by index, so the
//! outcome depends only on the set of mentees, mentors and pairs, not on the order they
//! are listed in: ties go to the lower id. The library does not time itself, so that the
//! same problem always gives the same outcome; `stats.solve_seconds` is left `null` for
//! the caller to fill in.
//!
//! Scores are optimised at a resolution of 10⁻⁶ ([`crate::quantize`]); assignments carry
//! the scores as given and `total_score` is the sum at that resolution.

mod check;
mod errors;
mod outcome;
mod read;

use serde::{Deserialize, Serialize};

pub use errors::{MAX_REPORTED_ERRORS, ProblemError, ProblemErrors};
pub use outcome::{Assignment, Outcome, OutcomeStats, solve_problem};

use crate::graph::CandidateGraph;
use crate::objective::Objective;

/// The most mentees a problem may have. The participation bonus grows with the number of
/// mentees, and the solver needs `max weight × (mentees + 1)` below 2⁶⁰ (see
/// [`crate::solve::max_weight`]): about `mentees² × 10⁶` with the bonus, which fits up to
/// a little over a million mentees.
pub const MAX_MENTEES: usize = 1_000_000;

/// How the assignment is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// An assignment that is best for the objective.
    Optimal(Objective),
    /// The mentee-optimal stable assignment.
    Stable,
}

impl Default for Method {
    fn default() -> Self {
        Method::Optimal(Objective::default())
    }
}

impl Method {
    /// The name used in problem files.
    pub fn name(self) -> &'static str {
        match self {
            Method::Optimal(_) => "optimal",
            Method::Stable => "stable",
        }
    }

    pub fn objective(self) -> Option<Objective> {
        match self {
            Method::Optimal(objective) => Some(objective),
            Method::Stable => None,
        }
    }
}

/// How a problem is to be solved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub method: Method,
    /// Pairs scoring below this are not allowed.
    pub min_score: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            method: Method::default(),
            min_score: 0.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mentor {
    pub id: String,
    pub capacity: u32,
}

/// An allowed pair and its score; the indices point into the mentee and mentor lists.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub mentee: u32,
    pub mentor: u32,
    pub score: f64,
}

/// A checked problem in canonical form: mentees and mentors sorted by id, pairs by
/// (mentee, mentor), so equal problems compare equal however they were listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    mentee_ids: Vec<String>,
    mentors: Vec<Mentor>,
    /// Every listed pair, `min_score` or not, so the problem can be written back as given.
    pairs: Vec<Pair>,
    /// The pairs scoring at least `min_score`, as integer weights.
    graph: CandidateGraph,
    settings: Settings,
}

impl Problem {
    /// Checks and canonicalises a problem given as values; the errors name entries by
    /// their positions in `mentees`, `mentors` and `pairs`, as for a file.
    pub fn new(
        mentees: Vec<String>,
        mentors: Vec<Mentor>,
        pairs: &[Pair],
        settings: Settings,
    ) -> Result<Problem, ProblemErrors> {
        let mentors = mentors
            .into_iter()
            .map(|m| (m.id, f64::from(m.capacity)))
            .collect();
        let pairs: Vec<[f64; 3]> = pairs
            .iter()
            .map(|p| [f64::from(p.mentee), f64::from(p.mentor), p.score])
            .collect();
        check::build(mentees, mentors, &pairs, settings, ProblemErrors::new())
    }

    /// Mentee ids in canonical (sorted) order: mentee `i` of [`Problem::graph`] is
    /// `mentee_ids()[i]`.
    pub fn mentee_ids(&self) -> &[String] {
        &self.mentee_ids
    }

    /// Mentors in canonical (sorted by id) order.
    pub fn mentors(&self) -> &[Mentor] {
        &self.mentors
    }

    /// Every listed pair in canonical indices, sorted by (mentee, mentor).
    pub fn pairs(&self) -> &[Pair] {
        &self.pairs
    }

    /// The allowed pairs (at least `min_score`) in canonical indices.
    pub fn graph(&self) -> &CandidateGraph {
        &self.graph
    }

    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// The score given for a pair (canonical indices), if it was listed.
    pub fn score(&self, mentee: u32, mentor: u32) -> Option<f64> {
        self.pairs
            .binary_search_by(|p| (p.mentee, p.mentor).cmp(&(mentee, mentor)))
            .ok()
            .map(|k| self.pairs[k].score)
    }

    /// The problem as a file in canonical form, which [`parse_problem`] reads back to an
    /// equal problem. Exporters use it to write problems for the command line.
    pub fn to_json(&self) -> String {
        let file = ProblemFileOut {
            mentees: &self.mentee_ids,
            mentors: &self.mentors,
            pairs: self
                .pairs
                .iter()
                .map(|p| (p.mentee, p.mentor, p.score))
                .collect(),
            method: self.settings.method.name(),
            objective: self.settings.method.objective().map(Objective::name),
            min_score: self.settings.min_score,
        };
        // Strings, integers and finite floats (checked when the problem was built), no
        // maps: nothing here can fail to serialise.
        serde_json::to_string(&file).expect("a checked problem serialises")
    }
}

/// Reads and checks a problem file (see the module documentation for the format).
pub fn parse_problem(json: &str) -> Result<Problem, ProblemErrors> {
    let file = read::file(json)?;
    let mut errors = ProblemErrors::new();
    let settings = settings(&file, &mut errors);
    let mentors = file
        .mentors
        .into_iter()
        .map(|m| (m.id, m.capacity))
        .collect();
    check::build(file.mentees, mentors, &file.pairs, settings, errors)
}

/// The file as read. Numbers that must be whole are read as floats so that a bad one
/// (`-1`, `2.5`) becomes a message naming its entry instead of a bare type error.
struct ProblemFileIn {
    mentees: Vec<String>,
    mentors: Vec<MentorIn>,
    pairs: Vec<[f64; 3]>,
    method: Option<String>,
    objective: Option<String>,
    min_score: Option<f64>,
}

struct MentorIn {
    id: String,
    capacity: f64,
}

#[derive(Serialize)]
struct ProblemFileOut<'a> {
    mentees: &'a [String],
    mentors: &'a [Mentor],
    pairs: Vec<(u32, u32, f64)>,
    method: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    objective: Option<&'static str>,
    min_score: f64,
}

fn settings(file: &ProblemFileIn, errors: &mut ProblemErrors) -> Settings {
    let objective = match file.objective.as_deref() {
        None => Objective::default(),
        Some(name) => Objective::from_name(name).unwrap_or_else(|| {
            let expected: Vec<String> = Objective::ALL.iter().map(|o| format!("\"{o}\"")).collect();
            errors.invalid(
                "objective",
                format!(
                    "unknown objective {name:?} (expected one of {})",
                    expected.join(", ")
                ),
            );
            Objective::default()
        }),
    };
    let method = match file.method.as_deref() {
        None | Some("optimal") => Method::Optimal(objective),
        Some("stable") => {
            if let Some(name) = &file.objective {
                errors.invalid(
                    "objective",
                    format!("method \"stable\" has no objective; remove \"objective\": {name:?} or use method \"optimal\""),
                );
            }
            Method::Stable
        }
        Some(other) => {
            errors.invalid(
                "method",
                format!("unknown method {other:?} (expected \"optimal\" or \"stable\")"),
            );
            Method::default()
        }
    };
    Settings {
        method,
        min_score: file.min_score.unwrap_or(0.0),
    }
}
