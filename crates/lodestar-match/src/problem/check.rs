//! From listed entries to a canonical [`Problem`]: every check, every error named.

use crate::graph::{CandidateGraph, quantize};
use crate::problem::{MAX_MENTEES, Mentor, Pair, Problem, ProblemErrors, Settings};

// Ids are quoted with `{:?}` in messages so that an id containing quotes or control
// characters cannot make a message ambiguous.

/// Checks everything and builds the problem, or returns every error found (including
/// those the caller found before, passed in `errors`). `mentors` are `(id, capacity)` and
/// `pairs` `[mentee, mentor, score]`, as floats so one check covers file and values.
pub(super) fn build(
    mentee_ids: Vec<String>,
    mentors: Vec<(String, f64)>,
    pairs: &[[f64; 3]],
    settings: Settings,
    mut errors: ProblemErrors,
) -> Result<Problem, ProblemErrors> {
    if mentee_ids.len() > MAX_MENTEES {
        errors.invalid(
            "mentees",
            format!(
                "{} mentees are more than the solver supports ({MAX_MENTEES})",
                mentee_ids.len()
            ),
        );
    }
    let mentee_rank = canonical_ranks("mentees", &mentee_ids, &mut errors);
    let mentor_ids: Vec<String> = mentors.iter().map(|(id, _)| id.clone()).collect();
    let mentor_rank = canonical_ranks("mentors", &mentor_ids, &mut errors);
    let capacities: Vec<u32> = mentors
        .iter()
        .enumerate()
        .map(|(k, &(_, capacity))| {
            whole_number(capacity).unwrap_or_else(|| {
                errors.invalid(
                    format!("mentors[{k}]"),
                    format!(
                        "capacity must be a whole number from 0 to {}, not {capacity}",
                        u32::MAX
                    ),
                );
                0
            })
        })
        .collect();
    let min_score = settings.min_score;
    if !(0.0..=1.0).contains(&min_score) {
        errors.invalid("min_score", format!("{min_score} is outside [0, 1]"));
    }
    let listed = checked_pairs(pairs, &mentee_ids, &mentor_ids, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut canonical: Vec<Pair> = listed
        .iter()
        .map(|&(mentee, mentor, score)| Pair {
            mentee: mentee_rank[mentee as usize],
            mentor: mentor_rank[mentor as usize],
            score,
        })
        .collect();
    canonical.sort_unstable_by_key(|p| (p.mentee, p.mentor));
    let allowed: Vec<(u32, u32, i64)> = canonical
        .iter()
        .filter(|p| p.score >= min_score)
        .map(|p| (p.mentee, p.mentor, quantize(p.score)))
        .collect();
    let mut canonical_mentors = vec![
        Mentor {
            id: String::new(),
            capacity: 0
        };
        mentors.len()
    ];
    for (k, (id, _)) in mentors.into_iter().enumerate() {
        canonical_mentors[mentor_rank[k] as usize] = Mentor {
            id,
            capacity: capacities[k],
        };
    }
    let mut canonical_mentees = vec![String::new(); mentee_ids.len()];
    for (k, id) in mentee_ids.into_iter().enumerate() {
        canonical_mentees[mentee_rank[k] as usize] = id;
    }
    let graph = CandidateGraph::from_pairs(
        canonical_mentees.len(),
        canonical_mentors.iter().map(|m| m.capacity).collect(),
        &allowed,
    );
    Ok(Problem {
        mentee_ids: canonical_mentees,
        mentors: canonical_mentors,
        pairs: canonical,
        graph,
        settings,
    })
}

/// Each entry's position in id order; reports empty and duplicate ids under `list`.
fn canonical_ranks(list: &str, ids: &[String], errors: &mut ProblemErrors) -> Vec<u32> {
    let mut order: Vec<usize> = (0..ids.len()).collect();
    // Stable sort: among equal ids the first listed comes first, which the duplicate
    // message points back to.
    order.sort_by(|&a, &b| ids[a].cmp(&ids[b]));
    let mut duplicates = Vec::new();
    let mut first_of_run = 0;
    for r in 0..order.len() {
        if r > 0 && ids[order[r]] == ids[order[r - 1]] {
            duplicates.push((order[r], order[first_of_run]));
        } else {
            first_of_run = r;
        }
    }
    for (k, id) in ids.iter().enumerate() {
        if id.is_empty() {
            errors.invalid(format!("{list}[{k}]"), "the id is empty");
        }
    }
    duplicates.sort_unstable();
    for (k, first) in duplicates {
        errors.invalid(
            format!("{list}[{k}]"),
            format!("duplicate id {:?} (also {list}[{first}])", ids[k]),
        );
    }
    let mut rank = vec![0u32; ids.len()];
    for (r, &k) in order.iter().enumerate() {
        rank[k] = r as u32;
    }
    rank
}

/// The pairs with valid indices and scores, each listed once, as `(mentee, mentor,
/// score)` in input indices; the rest are reported.
fn checked_pairs(
    pairs: &[[f64; 3]],
    mentees: &[String],
    mentors: &[String],
    errors: &mut ProblemErrors,
) -> Vec<(u32, u32, f64)> {
    let mut listed: Vec<(u32, u32, f64, usize)> = Vec::with_capacity(pairs.len());
    for (k, &[mentee, mentor, score]) in pairs.iter().enumerate() {
        let entry = || format!("pairs[{k}]");
        let mentee = index(mentee, mentees.len()).map_err(|problem| {
            errors.invalid(entry(), problem.describe("mentee", mentee, mentees.len()))
        });
        let mentor = index(mentor, mentors.len()).map_err(|problem| {
            errors.invalid(entry(), problem.describe("mentor", mentor, mentors.len()))
        });
        let score_ok = (0.0..=1.0).contains(&score);
        if !score_ok {
            errors.invalid(entry(), format!("score {score} is outside [0, 1]"));
        }
        if let (Ok(mentee), Ok(mentor), true) = (mentee, mentor, score_ok) {
            listed.push((mentee, mentor, score, k));
        }
    }
    let mut by_pair: Vec<usize> = (0..listed.len()).collect();
    by_pair.sort_unstable_by_key(|&p| (listed[p].0, listed[p].1, listed[p].3));
    let mut repeated = Vec::new();
    for w in by_pair.windows(2) {
        let (first, again) = (listed[w[0]], listed[w[1]]);
        if (first.0, first.1) == (again.0, again.1) {
            // Runs of three or more all point back to the previous listing; that names
            // every copy.
            repeated.push((again.3, first.3, again.0, again.1));
        }
    }
    repeated.sort_unstable();
    for &(k, earlier, mentee, mentor) in &repeated {
        errors.invalid(
            format!("pairs[{k}]"),
            format!(
                "mentee {mentee} ({:?}) and mentor {mentor} ({:?}) are already paired at pairs[{earlier}]",
                mentees[mentee as usize], mentors[mentor as usize]
            ),
        );
    }
    listed
        .into_iter()
        .map(|(mentee, mentor, score, _)| (mentee, mentor, score))
        .collect()
}

enum BadIndex {
    NotWhole,
    OutOfRange,
}

impl BadIndex {
    fn describe(&self, side: &str, value: f64, count: usize) -> String {
        match self {
            BadIndex::NotWhole => format!("{side} index {value} is not a whole number"),
            BadIndex::OutOfRange => {
                let there_are = match count {
                    0 => format!("there are no {side}s"),
                    1 => format!("there is 1 {side}"),
                    n => format!("there are {n} {side}s"),
                };
                format!("{side} index {value} is out of range ({there_are})")
            }
        }
    }
}

fn index(value: f64, count: usize) -> Result<u32, BadIndex> {
    if value.fract() != 0.0 || !value.is_finite() {
        return Err(BadIndex::NotWhole);
    }
    if value < 0.0 || value >= count as f64 {
        return Err(BadIndex::OutOfRange);
    }
    Ok(value as u32)
}

/// `value` as a `u32`, if it is a whole number in range.
fn whole_number(value: f64) -> Option<u32> {
    (value.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&value)).then_some(value as u32)
}
