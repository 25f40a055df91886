//! The problem file: parsing, every validation message, canonical form, determinism and
//! the result file.

use lodestar_match::objective::Objective;
use lodestar_match::problem::{
    MAX_REPORTED_ERRORS, Mentor, Method, Outcome, Pair, Problem, ProblemError, ProblemErrors,
    Settings, parse_problem, solve_problem,
};
use proptest::prelude::*;
use serde_json::{Value, json};

const SMALL: &str = r#"{
  "mentees": ["ann", "bo", "cy"],
  "mentors": [{"id": "mia", "capacity": 1}, {"id": "max", "capacity": 1}],
  "pairs": [[0, 0, 0.9], [0, 1, 0.6], [1, 0, 0.7], [2, 1, 0.3]]
}"#;

/// The messages of a problem that must fail, as `entry: message` lines.
fn errors_of(json: &str) -> Vec<String> {
    match parse_problem(json) {
        Ok(_) => panic!("expected errors for {json}"),
        Err(errors) => errors.errors.iter().map(ToString::to_string).collect(),
    }
}

/// `SMALL` with one top-level field replaced.
fn small_with(field: &str, value: Value) -> String {
    let mut problem: Value = serde_json::from_str(SMALL).expect("valid JSON");
    problem[field] = value;
    problem.to_string()
}

#[test]
fn a_minimal_problem_gets_the_defaults() {
    let problem = parse_problem(SMALL).expect("valid problem");
    assert_eq!(problem.settings(), Settings::default());
    assert_eq!(
        problem.settings().method,
        Method::Optimal(Objective::MaxTotal)
    );
    assert_eq!(problem.mentee_ids(), ["ann", "bo", "cy"]);
    // Canonical order sorts mentors by id: "max" before "mia".
    assert_eq!(
        problem.mentors()[0],
        Mentor {
            id: "max".into(),
            capacity: 1
        }
    );
    assert_eq!(problem.graph().arc_count(), 4);
}

#[test]
fn the_outcome_lists_assignments_and_unmatched_mentees_by_id() {
    let outcome = solve_problem(&parse_problem(SMALL).expect("valid problem"));
    let json: Value = serde_json::from_str(&outcome.to_json()).expect("output is JSON");
    // Ann–Max 0.6 + Bo–Mia 0.7 = 1.3 beats Ann–Mia 0.9 + Cy–Max 0.3 = 1.2.
    assert_eq!(
        json["assignments"],
        json!([
            {"mentee": "ann", "mentor": "max", "score": 0.6},
            {"mentee": "bo", "mentor": "mia", "score": 0.7},
        ])
    );
    assert_eq!(json["unmatched"], json!(["cy"]));
    assert_eq!(json["total_score"], json!(1.3));
    let stats = &json["stats"];
    assert_eq!(stats["solve_seconds"], Value::Null);
    assert_eq!(stats["certified"], json!(true));
    assert_eq!(
        (stats["method"].as_str(), stats["objective"].as_str()),
        (Some("optimal"), Some("max_total"))
    );
    assert_eq!(
        (stats["mentees"].as_u64(), stats["mentors"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(
        (stats["pairs"].as_u64(), stats["excluded_pairs"].as_u64()),
        (Some(4), Some(0))
    );
    assert_eq!(
        (stats["matched"].as_u64(), stats["unmatched"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(stats["mentor_load"]["full"], json!(2));
    assert_eq!(stats["ranks"]["first_choice"], json!(1));
    assert!(stats["blocking_pairs"].is_u64());
}

#[test]
fn the_outcome_reads_back_unchanged() {
    let mut outcome = solve_problem(&parse_problem(SMALL).expect("valid problem"));
    outcome.stats.solve_seconds = Some(0.25);
    let back: Outcome = serde_json::from_str(&outcome.to_json()).expect("reads back");
    assert_eq!(back, outcome);
}

#[test]
fn a_problem_written_in_canonical_form_reads_back_equal() {
    let json = r#"{"mentees": ["zed", "ann"], "mentors": [{"id": "m2", "capacity": 2}, {"id": "m1", "capacity": 0}],
        "pairs": [[1, 0, 0.25], [0, 1, 0.123456789], [0, 0, 0.1]], "objective": "max_min", "min_score": 0.2}"#;
    let problem = parse_problem(json).expect("valid problem");
    let written = problem.to_json();
    assert_eq!(parse_problem(&written).expect("reads back"), problem);
    let value: Value = serde_json::from_str(&written).expect("JSON");
    assert_eq!(value["mentees"], json!(["ann", "zed"]));
    // "ann" and "m1" come first: ann–m2 is (0, 1), zed–m1 (1, 0), zed–m2 (1, 1).
    assert_eq!(
        value["pairs"],
        json!([[0, 1, 0.25], [1, 0, 0.123456789], [1, 1, 0.1]])
    );
    assert_eq!(value["method"], json!("optimal"));
    assert_eq!(value["objective"], json!("max_min"));

    let stable = parse_problem(&small_with("method", json!("stable"))).expect("valid problem");
    assert_eq!(
        parse_problem(&stable.to_json()).expect("reads back"),
        stable
    );
}

#[test]
fn a_problem_built_from_values_equals_the_parsed_file() {
    let from_values = Problem::new(
        vec!["ann".into(), "bo".into(), "cy".into()],
        vec![
            Mentor {
                id: "mia".into(),
                capacity: 1,
            },
            Mentor {
                id: "max".into(),
                capacity: 1,
            },
        ],
        &[
            Pair {
                mentee: 0,
                mentor: 0,
                score: 0.9,
            },
            Pair {
                mentee: 0,
                mentor: 1,
                score: 0.6,
            },
            Pair {
                mentee: 1,
                mentor: 0,
                score: 0.7,
            },
            Pair {
                mentee: 2,
                mentor: 1,
                score: 0.3,
            },
        ],
        Settings::default(),
    );
    assert_eq!(from_values, parse_problem(SMALL));
}

#[test]
fn values_are_checked_like_a_file() {
    let errors = Problem::new(
        vec!["ann".into()],
        vec![Mentor {
            id: "mia".into(),
            capacity: 1,
        }],
        &[Pair {
            mentee: 0,
            mentor: 3,
            score: f64::NAN,
        }],
        Settings {
            method: Method::Stable,
            min_score: -0.5,
        },
    )
    .expect_err("invalid");
    let messages: Vec<String> = errors.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "min_score: -0.5 is outside [0, 1]",
            "pairs[0]: mentor index 3 is out of range (there is 1 mentor)",
            "pairs[0]: score NaN is outside [0, 1]",
        ]
    );
}

#[test]
fn pairs_below_min_score_are_never_assigned() {
    let problem = parse_problem(&small_with("min_score", json!(0.65))).expect("valid problem");
    assert_eq!(problem.graph().arc_count(), 2);
    let outcome = solve_problem(&problem);
    assert!(outcome.assignments.iter().all(|a| a.score >= 0.65));
    assert_eq!(outcome.stats.excluded_pairs, 2);
    assert_eq!(outcome.stats.pairs, 4);
    // Without Ann–Max and Cy–Max, Ann takes Mia and the others go without.
    assert_eq!(outcome.unmatched, ["bo", "cy"]);
    // A pair scoring exactly the minimum is allowed.
    let at_minimum = parse_problem(&small_with("min_score", json!(0.6))).expect("valid problem");
    assert_eq!(at_minimum.graph().arc_count(), 3);
}

#[test]
fn the_stable_method_leaves_no_blocking_pairs() {
    let problem = parse_problem(&small_with("method", json!("stable"))).expect("valid problem");
    assert_eq!(problem.settings().method, Method::Stable);
    let outcome = solve_problem(&problem);
    assert_eq!(outcome.stats.quality.blocking_pairs, 0);
    assert_eq!(
        (
            outcome.stats.method.as_str(),
            outcome.stats.objective.as_deref()
        ),
        ("stable", None)
    );
    // Mia keeps Ann (0.9) over Bo (0.7), who has no other candidate; Cy takes Max.
    assert_eq!(outcome.unmatched, ["bo"]);
}

#[test]
fn each_objective_can_be_chosen_by_name() {
    for objective in Objective::ALL {
        let problem = parse_problem(&small_with("objective", json!(objective.name())))
            .expect("valid problem");
        assert_eq!(problem.settings().method, Method::Optimal(objective));
        assert_eq!(
            solve_problem(&problem).stats.objective.as_deref(),
            Some(objective.name())
        );
    }
}

#[test]
fn malformed_json_is_reported_with_its_line_and_column() {
    let errors = parse_problem("{\n  \"mentees\": [\"ann\",]\n}").expect_err("trailing comma");
    let [
        ProblemError::Json {
            line,
            column,
            entry,
            message,
        },
    ] = &errors.errors[..]
    else {
        panic!("expected one JSON error, got {errors:?}");
    };
    assert_eq!((*line, *column), (2, 21));
    // A syntax error is about characters; the position is all there is to say.
    assert_eq!(entry, &None);
    assert!(!message.contains("line"), "position given twice: {message}");
    assert!(errors.to_string().contains("line 2, column 21"), "{errors}");
}

#[test]
fn json_of_the_wrong_shape_names_the_entry_and_its_position() {
    for (json, expected) in [
        (
            r#"{"mentees": ["a"], "mentors": [], "pairs": [[0, 0, 0.5], [0, 0]]}"#,
            "pairs[1]: expected 3 elements [mentee index, mentor index, score], found 2 (line 1, column ",
        ),
        (
            r#"{"mentees": ["a"], "mentors": [], "pairs": [[0, 0, 0.5, 1]]}"#,
            "pairs[0]: expected 3 elements [mentee index, mentor index, score], found 4 (line 1, column ",
        ),
        (
            r#"{"mentees": ["a"], "mentors": [], "pairs": [[0, 0, "0.5"]]}"#,
            "pairs[0]: invalid type: string \"0.5\", expected f64 (line 1, column ",
        ),
        (
            r#"{"mentees": ["a"], "mentors": [], "pairs": [{"mentee": 0}]}"#,
            "pairs[0]: invalid type: map, expected 3 elements",
        ),
        (
            r#"{"mentees": ["a", 7], "mentors": [], "pairs": []}"#,
            "mentees[1]: invalid type: integer `7`, expected a string (line 1, column ",
        ),
        (
            r#"{"mentees": ["a"], "mentors": [], "pairs": {}}"#,
            "pairs: invalid type: map, expected a list of pairs (line 1, column ",
        ),
        (
            r#"{"mentees": [], "mentors": [], "pairs": [], "min_score": "high"}"#,
            "min_score: invalid type: string \"high\", expected f64 (line 1, column ",
        ),
        (
            r#"{"mentees": ["a"], "mentors": []}"#,
            "line 1, column 33: missing field `pairs`",
        ),
        (
            r#"{"mentees": [], "mentors": [], "pairs": [], "objectve": "max_min"}"#,
            "line 1, column 54: unknown field `objectve`",
        ),
        (
            r#"{"mentees": [], "mentors": [], "pairs": [], "pairs": []}"#,
            "line 1, column 51: duplicate field `pairs`",
        ),
        (
            r#"{"mentees": [], "mentors": [{"id": "m", "capacity": 1, "name": "M"}], "pairs": []}"#,
            "mentors[0]: unknown field `name`, expected `id` or `capacity` (line 1, column ",
        ),
        (
            r#"{"mentees": [], "mentors": [{"id": "m"}], "pairs": []}"#,
            "mentors[0]: missing field `capacity` (line 1, column ",
        ),
        (
            r#"{"mentees": [], "mentors": [], "pairs": [[0, 0, NaN]]}"#,
            "line 1, column 49: expected value",
        ),
    ] {
        let errors = errors_of(json);
        assert!(
            errors.len() == 1 && errors[0].starts_with(expected),
            "{json}: {errors:?}"
        );
    }
}

#[test]
fn a_positional_array_is_not_a_problem_or_a_mentor() {
    // serde's derived readers take a struct as an array of its fields in order; a problem
    // file must name every value.
    let errors = errors_of(r#"[["a"],[["x",1]],[[0,0,0.5]],null,null,null]"#);
    assert_eq!(
        errors,
        [
            "line 1, column 0: invalid type: sequence, expected a problem object {\"mentees\": […], \"mentors\": […], \"pairs\": […]}"
        ]
    );
    let errors = errors_of(r#"{"mentees": ["a"], "mentors": [["x", 1]], "pairs": [[0, 0, 0.5]]}"#);
    assert_eq!(
        errors,
        [
            "mentors[0]: invalid type: sequence, expected a mentor object {\"id\": \"…\", \"capacity\": …} (line 1, column 31)"
        ]
    );
    // An array with a field too many cannot slip past the unknown-field check either.
    assert_eq!(
        errors_of(r#"{"mentees": [], "mentors": [["x", 1, "extra"]], "pairs": []}"#).len(),
        1
    );
}

#[test]
fn a_byte_order_mark_is_named_as_such() {
    let errors = errors_of(&format!("\u{feff}{SMALL}"));
    assert_eq!(
        errors,
        [
            "line 1, column 1: the file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without one"
        ]
    );
}

#[test]
fn scores_keep_their_exact_value() {
    // The nearest f64 to each of these needs every digit; a parser that rounds on the
    // way in gives back a neighbour (…392 for the first).
    for score in [
        "0.9977877150324393",
        "0.30000000000000004",
        "0.1234567890123456",
    ] {
        let json = format!(
            r#"{{"mentees": ["a"], "mentors": [{{"id": "m", "capacity": 1}}], "pairs": [[0, 0, {score}]]}}"#
        );
        let problem = parse_problem(&json).expect("valid problem");
        let expected: f64 = score.parse().expect("a float");
        assert_eq!(
            problem.pairs()[0].score.to_bits(),
            expected.to_bits(),
            "{score}"
        );
        let outcome = solve_problem(&problem).to_json();
        assert!(
            outcome.contains(&format!("\"score\": {score}")),
            "{score} came back changed: {outcome}"
        );
    }
}

#[test]
fn a_min_score_equal_to_a_score_written_differently_keeps_the_pair() {
    // One number, written three ways. Each spelling must read to the same f64, or the
    // pair can fall just below its own threshold.
    for (score, min_score) in [
        ("0.9977877150324393", "0.99778771503243930000"),
        ("0.9977877150324393", "9.977877150324393e-1"),
        ("0.9977877150324393", "99778771503243930e-17"),
    ] {
        let json = format!(
            r#"{{"mentees": ["a"], "mentors": [{{"id": "m", "capacity": 1}}], "pairs": [[0, 0, {score}]], "min_score": {min_score}}}"#
        );
        let problem = parse_problem(&json).expect("valid problem");
        assert_eq!(problem.graph().arc_count(), 1, "{score} vs {min_score}");
        assert_eq!(
            solve_problem(&problem).assignments.len(),
            1,
            "{score} vs {min_score}"
        );
    }
}

#[test]
fn out_of_range_indices_name_the_pair() {
    let json = r#"{"mentees": ["a", "b"], "mentors": [{"id": "m", "capacity": 1}],
        "pairs": [[0, 0, 0.5], [2, 0, 0.5], [1, 40, 0.5], [-1, 0, 0.5], [1.5, 0, 0.5]]}"#;
    assert_eq!(
        errors_of(json),
        [
            "pairs[1]: mentee index 2 is out of range (there are 2 mentees)",
            "pairs[2]: mentor index 40 is out of range (there is 1 mentor)",
            "pairs[3]: mentee index -1 is out of range (there are 2 mentees)",
            "pairs[4]: mentee index 1.5 is not a whole number",
        ]
    );
    let no_mentors = r#"{"mentees": ["a"], "mentors": [], "pairs": [[0, 0, 0.5]]}"#;
    assert_eq!(
        errors_of(no_mentors),
        ["pairs[0]: mentor index 0 is out of range (there are no mentors)"]
    );
}

#[test]
fn scores_outside_zero_to_one_name_the_pair() {
    let json = r#"{"mentees": ["a"], "mentors": [{"id": "m", "capacity": 1}, {"id": "n", "capacity": 1}],
        "pairs": [[0, 0, 1.2], [0, 1, -0.1]]}"#;
    assert_eq!(
        errors_of(json),
        [
            "pairs[0]: score 1.2 is outside [0, 1]",
            "pairs[1]: score -0.1 is outside [0, 1]"
        ]
    );
}

#[test]
fn bad_capacities_name_the_mentor() {
    let json = r#"{"mentees": [], "pairs": [], "mentors": [{"id": "a", "capacity": 1}, {"id": "b", "capacity": -1},
        {"id": "c", "capacity": 2.5}, {"id": "d", "capacity": 1e12}]}"#;
    assert_eq!(
        errors_of(json),
        [
            "mentors[1]: capacity must be a whole number from 0 to 4294967295, not -1",
            "mentors[2]: capacity must be a whole number from 0 to 4294967295, not 2.5",
            "mentors[3]: capacity must be a whole number from 0 to 4294967295, not 1000000000000",
        ]
    );
}

#[test]
fn duplicate_and_empty_ids_name_both_entries() {
    let json = r#"{"mentees": ["a", "b", "a", "", "a"], "pairs": [],
        "mentors": [{"id": "m1", "capacity": 1}, {"id": "m7", "capacity": 1}, {"id": "m2", "capacity": 1}, {"id": "m7", "capacity": 1}]}"#;
    assert_eq!(
        errors_of(json),
        [
            "mentees[3]: the id is empty",
            "mentees[2]: duplicate id \"a\" (also mentees[0])",
            "mentees[4]: duplicate id \"a\" (also mentees[0])",
            "mentors[3]: duplicate id \"m7\" (also mentors[1])",
        ]
    );
}

#[test]
fn ids_in_messages_are_quoted_unambiguously() {
    let json = r#"{"mentees": ["say \"hi\"", "say \"hi\""], "mentors": [], "pairs": []}"#;
    assert_eq!(
        errors_of(json),
        [r#"mentees[1]: duplicate id "say \"hi\"" (also mentees[0])"#]
    );
}

#[test]
fn a_pair_listed_twice_names_both_listings() {
    let json = r#"{"mentees": ["ann", "bo"], "mentors": [{"id": "mia", "capacity": 1}],
        "pairs": [[1, 0, 0.5], [0, 0, 0.5], [1, 0, 0.7]]}"#;
    assert_eq!(
        errors_of(json),
        ["pairs[2]: mentee 1 (\"bo\") and mentor 0 (\"mia\") are already paired at pairs[0]"]
    );
}

#[test]
fn unknown_settings_are_named() {
    assert_eq!(
        errors_of(&small_with("objective", json!("max_sum"))),
        [
            "objective: unknown objective \"max_sum\" (expected one of \"max_total\", \"max_participation\", \"max_min\")"
        ]
    );
    assert_eq!(
        errors_of(&small_with("method", json!("greedy"))),
        ["method: unknown method \"greedy\" (expected \"optimal\" or \"stable\")"]
    );
    for bad in [json!(1.5), json!(-0.1)] {
        assert_eq!(
            errors_of(&small_with("min_score", bad.clone())),
            [format!("min_score: {bad} is outside [0, 1]")]
        );
    }
}

#[test]
fn the_stable_method_refuses_an_objective() {
    let mut problem: Value = serde_json::from_str(SMALL).expect("valid JSON");
    problem["method"] = json!("stable");
    problem["objective"] = json!("max_min");
    assert_eq!(
        errors_of(&problem.to_string()),
        [
            "objective: method \"stable\" has no objective; remove \"objective\": \"max_min\" or use method \"optimal\""
        ]
    );
}

#[test]
fn every_error_is_reported_at_once() {
    let json = r#"{"mentees": ["a", "a"], "mentors": [{"id": "m", "capacity": -2}],
        "pairs": [[0, 5, 0.5], [0, 0, 2]], "objective": "best", "min_score": 3}"#;
    let errors = parse_problem(json).expect_err("invalid");
    let entries: Vec<&str> = errors
        .errors
        .iter()
        .map(|e| match e {
            ProblemError::Invalid { entry, .. } => entry.as_str(),
            ProblemError::Json { .. } => "json",
        })
        .collect();
    assert_eq!(
        entries,
        [
            "objective",
            "mentees[1]",
            "mentors[0]",
            "min_score",
            "pairs[0]",
            "pairs[1]"
        ]
    );
    assert!(
        errors
            .to_string()
            .starts_with("the problem has 6 errors:\n  objective: "),
        "{errors}"
    );
}

#[test]
fn a_flood_of_errors_is_cut_short() {
    let pairs: Vec<Value> = (0..250).map(|_| json!([0, 9, 0.5])).collect();
    let json = json!({"mentees": ["a"], "mentors": [], "pairs": pairs}).to_string();
    let errors: ProblemErrors = parse_problem(&json).expect_err("invalid");
    assert_eq!(errors.errors.len(), MAX_REPORTED_ERRORS);
    assert_eq!(errors.omitted, 250 - MAX_REPORTED_ERRORS);
    assert_eq!(errors.count(), 250);
    assert!(errors.to_string().ends_with("… and 150 more"));
}

#[test]
fn solving_the_same_problem_twice_gives_the_same_outcome() {
    let json = r#"{"mentees": ["a", "b", "c", "d"], "mentors": [{"id": "x", "capacity": 2}, {"id": "y", "capacity": 1}],
        "pairs": [[0, 0, 0.5], [0, 1, 0.5], [1, 0, 0.5], [1, 1, 0.5], [2, 0, 0.5], [3, 1, 0.5]]}"#;
    for objective in Objective::ALL {
        let problem = parse_problem(&small_with_objective(json, objective)).expect("valid problem");
        assert_eq!(
            solve_problem(&problem).to_json(),
            solve_problem(&problem).to_json()
        );
    }
}

fn small_with_objective(json: &str, objective: Objective) -> String {
    let mut problem: Value = serde_json::from_str(json).expect("valid JSON");
    problem["objective"] = json!(objective.name());
    problem.to_string()
}

/// A problem file listing `mentees` × `mentors` pairs present in `cells` (coarse scores,
/// so ties are common), with its entries in the orders given by the permutations.
fn problem_json(
    capacities: &[u32],
    cells: &[Option<u8>],
    mentee_order: &[usize],
    mentor_order: &[usize],
    pair_order: &[usize],
    method: (&str, Option<&str>),
) -> String {
    let mentees = mentee_order.len();
    let mentors = mentor_order.len();
    // Position of each mentee/mentor in the listing.
    let mut mentee_at = vec![0; mentees];
    for (k, &i) in mentee_order.iter().enumerate() {
        mentee_at[i] = k;
    }
    let mut mentor_at = vec![0; mentors];
    for (k, &j) in mentor_order.iter().enumerate() {
        mentor_at[j] = k;
    }
    let present: Vec<(usize, usize, f64)> = cells
        .iter()
        .enumerate()
        .filter_map(|(k, s)| s.map(|s| (k / mentors, k % mentors, f64::from(s) / 4.0)))
        .collect();
    let pairs: Vec<Value> = pair_order
        .iter()
        .filter_map(|&k| present.get(k))
        .map(|&(i, j, s)| json!([mentee_at[i], mentor_at[j], s]))
        .collect();
    let mut problem = json!({
        "mentees": mentee_order.iter().map(|i| format!("e{i}")).collect::<Vec<_>>(),
        "mentors": mentor_order.iter().map(|&j| json!({"id": format!("r{j}"), "capacity": capacities[j]})).collect::<Vec<_>>(),
        "pairs": pairs,
        "method": method.0,
    });
    if let Some(objective) = method.1 {
        problem["objective"] = json!(objective);
    }
    problem.to_string()
}

fn methods() -> impl Strategy<Value = (&'static str, Option<&'static str>)> {
    prop_oneof![
        Just(("optimal", Some("max_total"))),
        Just(("optimal", Some("max_participation"))),
        Just(("optimal", Some("max_min"))),
        Just(("stable", None)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The outcome depends on the ids, not on the order of the listing, even with ties.
    #[test]
    fn the_outcome_does_not_depend_on_the_order_of_the_listing(
        (capacities, cells, mentee_order, mentor_order, pair_order) in (1usize..=6, 1usize..=4).prop_flat_map(|(n, m)| (
            proptest::collection::vec(0u32..=2, m),
            proptest::collection::vec(proptest::option::weighted(0.6, 0u8..=4), n * m),
            Just((0..n).collect::<Vec<_>>()).prop_shuffle(),
            Just((0..m).collect::<Vec<_>>()).prop_shuffle(),
            Just((0..n * m).collect::<Vec<_>>()).prop_shuffle(),
        )),
        method in methods(),
    ) {
        let n = mentee_order.len();
        let m = mentor_order.len();
        let identity = |k: usize| (0..k).collect::<Vec<_>>();
        let listed = problem_json(&capacities, &cells, &identity(n), &identity(m), &identity(n * m), method);
        let shuffled = problem_json(&capacities, &cells, &mentee_order, &mentor_order, &pair_order, method);
        let listed = parse_problem(&listed).expect("valid problem");
        let shuffled = parse_problem(&shuffled).expect("valid problem");
        prop_assert_eq!(&listed, &shuffled);
        prop_assert_eq!(solve_problem(&listed).to_json(), solve_problem(&shuffled).to_json());
    }
}
