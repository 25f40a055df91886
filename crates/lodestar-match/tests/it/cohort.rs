//! Whole-cohort matching from profiles equals the exact optimum over every allowed pair,
//! however few candidates it starts from.

use lodestar_match::cohort::{Cohort, Options, match_cohort};
use lodestar_match::objective::{self, Objective};
use lodestar_match::people;
use lodestar_match::score::{
    self, Answer, AnswerRule, Exclusion, Profile, Rules, SkillLevel, Weights, exclusion,
};
use lodestar_match::{CandidateGraph, quantize};
use proptest::prelude::*;

fn skills(max_skill: u32) -> impl Strategy<Value = Vec<SkillLevel>> {
    prop::collection::btree_map(0..max_skill, 1u8..=5, 0..4).prop_map(|m| {
        m.into_iter()
            .map(|(skill, level)| SkillLevel { skill, level })
            .collect()
    })
}

/// Skills that may be listed more than once (the engine takes any profile), sorted by id.
fn repeated_skills(max_skill: u32) -> impl Strategy<Value = Vec<SkillLevel>> {
    prop::collection::vec((0..max_skill, 1u8..=5), 0..5).prop_map(|mut list| {
        list.sort_unstable_by_key(|&(skill, _)| skill);
        list.into_iter()
            .map(|(skill, level)| SkillLevel { skill, level })
            .collect()
    })
}

/// Answers to the first questions of a form of three matching questions, one of each rule
/// and weight 1, 3 and 0.5; a question not answered now and then.
fn answers() -> impl Strategy<Value = Vec<Answer>> {
    const FORM: [(AnswerRule, u8); 3] = [
        (AnswerRule::Same, 10),
        (AnswerRule::Different, 30),
        (AnswerRule::Covers, 5),
    ];
    prop::collection::vec(prop_oneof![1 => Just(0u32), 3 => 1u32..8], 0..=3).prop_map(|chosen| {
        chosen
            .into_iter()
            .zip(FORM)
            .map(|(chosen, (rule, weight_tenths))| Answer {
                chosen,
                rule,
                weight_tenths,
            })
            .collect()
    })
}

fn profile() -> impl Strategy<Value = Profile> {
    (
        prop_oneof![3 => skills(5), 1 => repeated_skills(5)],
        prop_oneof![3 => skills(5), 1 => repeated_skills(5)],
        any::<u8>().prop_map(|m| m & 0x7f),
        prop::option::of(0u32..3),
        prop::option::of(0u32..2),
        prop::option::of(0u8..30),
        prop::sample::select(vec![-300, 0, 60, 330, 540, 720]),
        1u128..8,
        prop::sample::select(vec![0u16, 2, 4, 8]),
        answers(),
    )
        .prop_map(
            |(
                mentor_skills,
                growth,
                focus,
                industry,
                department,
                years,
                offset,
                languages,
                hours,
                answers,
            )| Profile {
                mentor_skills,
                growth_skills: growth,
                focus_areas: focus,
                industry,
                department,
                years_experience: years,
                utc_offset_minutes: Some(offset),
                languages,
                availability_hours: hours,
                answers,
                private: Default::default(),
            },
        )
}

fn cohort() -> impl Strategy<Value = Cohort> {
    (1usize..9, 1usize..6)
        .prop_flat_map(|(n, m)| {
            (
                prop::collection::vec(profile(), n),
                prop::collection::vec(profile(), m),
                prop::collection::vec(0u32..4, m),
                prop::collection::vec((0..n as u32, 0..m as u32), 0..3),
                (any::<bool>(), any::<bool>(), prop::bool::weighted(0.2)),
                prop::sample::select(vec![0.0, 0.0, 0.3]),
                prop::collection::vec(0u32..12, n),
                prop::collection::vec(0u32..12, m),
                prop::sample::select(vec![0.0, 0.25]),
            )
        })
        .prop_map(
            |(
                mentees,
                mentors,
                free_places,
                blocked,
                (apart, relevance, junior_mentors),
                min_score,
                mentee_person,
                mentor_person,
                programme,
            )| Cohort {
                mentees,
                mentors,
                mentee_person,
                mentor_person,
                free_places,
                blocked,
                rules: Rules {
                    different_department: apart,
                    relevance,
                    junior_mentors,
                },
                weights: Weights {
                    programme,
                    ..Weights::default()
                }
                .normalised()
                .expect("usable weights"),
                min_score,
            },
        )
}

/// Every allowed pair, scored one by one.
fn complete_graph(c: &Cohort) -> CandidateGraph {
    let mut pairs = Vec::new();
    for (i, mentee) in c.mentees.iter().enumerate() {
        for (j, mentor) in c.mentors.iter().enumerate() {
            let excluded = exclusion(
                mentee,
                mentor,
                c.mentee_person[i] == c.mentor_person[j],
                c.free_places[j],
                c.blocked.contains(&(i as u32, j as u32)),
                &c.rules,
            );
            let w = quantize(score::score(mentee, mentor, &c.weights).total);
            if excluded.is_none() && w >= quantize(c.min_score) {
                pairs.push((i as u32, j as u32, w));
            }
        }
    }
    CandidateGraph::from_pairs(c.mentees.len(), c.free_places.clone(), &pairs)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_cohort_optimum_is_the_optimum_over_all_allowed_pairs(
        c in cohort(),
        objective in prop::sample::select(vec![Objective::MaxTotal, Objective::MaxParticipation, Objective::MaxMin]),
        k in 0usize..3,
    ) {
        let options = Options { mentee_k: k, mentor_k: k.saturating_sub(1), objective, max_rounds: 50 };
        let found = match_cohort(&c, &options, &|_| ());
        let complete = complete_graph(&c);
        let best = objective::solve(&complete, objective);
        prop_assert!(found.certified);
        prop_assert_eq!(found.solution.total, best.total);
        if objective != Objective::MaxTotal {
            // (Under max_total a pair scoring 0 may or may not be used.)
            prop_assert_eq!(found.solution.matched, best.matched);
            prop_assert_eq!(found.solution.threshold, best.threshold);
        }
        for i in 0..c.mentees.len() {
            for (j, w) in found.graph.arcs(i) {
                prop_assert_eq!(Some(w), complete.weight(i, j), "pair ({}, {}) is allowed and scored exactly", i, j);
            }
        }
    }
}

#[test]
fn a_person_who_is_both_is_never_their_own_mentor() {
    let same = Profile {
        languages: 1,
        ..Profile::default()
    };
    let c = Cohort {
        mentees: vec![same.clone()],
        mentors: vec![same.clone()],
        mentee_person: vec![7],
        mentor_person: vec![7],
        free_places: vec![1],
        weights: Weights::default().normalised().expect("default weights"),
        ..Cohort::default()
    };
    let found = match_cohort(&c, &Options::default(), &|_| ());
    assert_eq!(found.solution.mentor_of, vec![None]);
    assert!(found.certified);
    assert_eq!(
        exclusion(&same, &same, true, 1, false, &Rules::default()),
        Some(Exclusion::SamePerson)
    );
}

/// A generated organisation, from few candidates so that several rounds of pricing run
/// (and the later ones price only what dropped), equals the exact optimum over every pair.
#[test]
fn a_generated_organisation_is_matched_exactly_in_rounds() {
    let mut priced_in_part = 0;
    for (seed, objective) in [
        (1, Objective::MaxTotal),
        (2, Objective::MaxParticipation),
        (3, Objective::MaxTotal),
    ] {
        let mut c = people::cohort(1_200, 300, 4, seed);
        c.rules.different_department = seed == 3;
        // The relevance rule on (the default) for two, off for one.
        c.rules.relevance = seed != 2;
        c.blocked = (0..40).map(|k| (k * 29, k * 7)).collect();
        c.free_places[5] = 0;
        let options = Options {
            mentee_k: 3,
            mentor_k: 2,
            objective,
            max_rounds: 50,
        };
        let found = match_cohort(&c, &options, &|_| ());
        let best = objective::solve(&complete_graph(&c), objective);
        assert!(found.certified, "seed {seed}");
        assert_eq!(found.solution.total, best.total, "seed {seed}");
        assert!(
            found.rounds > 1,
            "seed {seed}: a graph this thin needs more than one round"
        );
        priced_in_part += found.rounds - found.full_pricings;
    }
    assert!(priced_in_part > 0, "some rounds priced only what dropped");
}

/// A mentee who wants more skills than the skill index packs is scored against every mentor
/// instead, and still matched exactly.
#[test]
fn a_mentee_who_wants_thousands_of_skills_is_matched_exactly() {
    let mut c = people::cohort(60, 30, 2, 9);
    c.mentees[4].growth_skills = (0..3_200)
        .map(|skill| SkillLevel {
            skill: skill % people::SKILLS,
            level: 1 + (skill % 3) as u8,
        })
        .collect();
    let options = Options {
        mentee_k: 2,
        mentor_k: 1,
        ..Options::default()
    };
    let found = match_cohort(&c, &options, &|_| ());
    let best = objective::solve(&complete_graph(&c), Objective::MaxTotal);
    assert!(found.certified);
    assert_eq!(found.solution.total, best.total);
    assert!(found.graph.arcs(4).len() >= 2);
}

/// Max-min over the whole cohort: as many matched as over every pair, the same highest floor
/// and the same total, proven.
#[test]
fn a_max_min_cohort_is_matched_exactly_in_rounds() {
    for seed in [4, 5] {
        let c = people::cohort(300, 80, 4, seed);
        let options = Options {
            objective: Objective::MaxMin,
            mentee_k: 2,
            mentor_k: 1,
            max_rounds: 50,
        };
        let found = match_cohort(&c, &options, &|_| ());
        let best = objective::solve(&complete_graph(&c), Objective::MaxMin);
        assert!(found.certified, "seed {seed}");
        assert_eq!(found.solution.matched, best.matched, "seed {seed}");
        assert_eq!(found.solution.threshold, best.threshold, "seed {seed}");
        assert_eq!(found.solution.total, best.total, "seed {seed}");
    }
}
