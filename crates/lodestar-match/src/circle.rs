//! Group circles: one or two mentors and several mentees who want to grow the same skill.
//!
//! A circle forms around a *focus*, one skill its mentor mentors. Before a cohort of
//! circles is solved, [`foci`] gives each mentor with a free place a focus, and
//! [`focus_on`] narrows the cohort to it: a mentor offers only their focus, so the
//! relevance rule lets a mentee into a circle only if they want to grow its focus (a
//! mentee who named no skill fits any circle). The solve that follows is exact for the
//! foci chosen, so each circle holds the mentees who fit its mentor best among those who
//! share its focus; [`shared`] says what else they have in common.
//!
//! Foci are chosen greedily: the mentor with the fewest wanted skills to choose from
//! chooses first, each taking the skill the circles chosen so far leave most wanted — the
//! mentees who want it, less the free places of the circles on it.
//!
//! Where a programme has two mentors lead each circle, a mentor who comes once the circles
//! have places enough joins a circle with one mentor so far as its co-mentor, and
//! [`share`] makes the pair one place in the solve: the stronger of the two in the focus
//! leads, the fit is scored with them, and a mentee whom either may not mentor under the
//! hard rules cannot join.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::cohort::Cohort;
use crate::score::{Profile, Rules, exclusion};

/// Each circle's focus and mentors, by mentor index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Foci {
    /// Each mentor's focus: a skill they mentor (the engine's number), or none for a mentor
    /// who mentors no skill. A co-mentor's focus is their lead's.
    pub focus: Vec<Option<u32>>,
    /// For a co-mentor, the mentor who leads the circle they co-mentor; none for a lead
    /// or a mentor alone.
    pub lead: Vec<Option<u32>>,
}

/// Gives each mentor a focus. `kept[j]`, when given and one of the mentor's skills, is
/// their focus already (a circle running) and is not chosen again; `kept_partner[j]` names
/// the other mentor of that circle, where it has two: they stay together, and the stronger
/// in the focus (the first, when they are as strong) leads.
///
/// With `two_mentors`, a mentor starts a circle while more places are wanted: once the
/// circles so far have places for every mentee, or every skill the mentor mentors has
/// places enough, they co-mentor a new circle that has one mentor so far, on the most
/// wanted skill they mentor, and the stronger of the two in it leads. A mentor left without
/// a partner leads alone.
pub fn foci(
    mentees: &[Profile],
    mentors: &[Profile],
    free: &[u32],
    kept: &[Option<u32>],
    kept_partner: &[Option<u32>],
    two_mentors: bool,
) -> Foci {
    let mut wanted: HashMap<u32, i64> = HashMap::new();
    for mentee in mentees {
        for want in &mentee.growth_skills {
            *wanted.entry(want.skill).or_default() += 1;
        }
    }
    // How many want each skill, whatever circles there are.
    let demand = wanted.clone();
    let offers = |j: usize, skill: u32| mentors[j].mentor_skills.iter().any(|s| s.skill == skill);
    let level = |j: usize, skill: u32| {
        mentors[j]
            .mentor_skills
            .iter()
            .find(|s| s.skill == skill)
            .map_or(0, |s| s.level)
    };
    let places = |j: usize| i64::from(free.get(j).copied().unwrap_or(0));
    let mut focus: Vec<Option<u32>> = vec![None; mentors.len()];
    let mut lead: Vec<Option<u32>> = vec![None; mentors.len()];
    let mut open = Vec::new();
    for j in 0..mentors.len() {
        match kept.get(j).copied().flatten().filter(|&s| offers(j, s)) {
            Some(skill) => {
                focus[j] = Some(skill);
                let partner = kept_partner
                    .get(j)
                    .copied()
                    .flatten()
                    .map(|p| p as usize)
                    .filter(|&p| {
                        p < mentors.len()
                            && kept.get(p).copied().flatten() == Some(skill)
                            && offers(p, skill)
                    });
                match partner {
                    // The weaker of the two (the second, when as strong) co-mentors.
                    Some(p) if (level(p, skill), Reverse(p)) > (level(j, skill), Reverse(j)) => {
                        lead[j] = Some(p as u32);
                    }
                    _ => *wanted.entry(skill).or_default() -= places(j),
                }
            }
            None if !mentors[j].mentor_skills.is_empty() => open.push(j),
            None => {}
        }
    }
    let choices = |j: usize| {
        mentors[j]
            .mentor_skills
            .iter()
            .filter(|s| wanted.get(&s.skill).is_some_and(|&n| n > 0))
            .count()
    };
    open.sort_by_key(|&j| (choices(j), j));
    // The places of the circles so far.
    let mut room: i64 = (0..mentors.len())
        .filter(|&j| focus[j].is_some() && lead[j].is_none())
        .map(places)
        .sum();
    // New circles with one mentor so far, by focus.
    let mut alone: HashMap<u32, Vec<usize>> = HashMap::new();
    for j in open {
        let left = |s: u32| wanted.get(&s).copied().unwrap_or(0);
        let best = mentors[j].mentor_skills.iter().max_by(|a, b| {
            left(a.skill)
                .cmp(&left(b.skill))
                .then(a.level.cmp(&b.level))
                .then(b.skill.cmp(&a.skill))
        });
        let Some(best) = best.map(|s| s.skill) else {
            continue;
        };
        // The circles so far have places for every mentee, or for everyone who wants a
        // skill they mentor: with two mentors a circle, they co-mentor a circle that has one
        // so far, on the skill they mentor most wanted.
        let partner = if two_mentors && (room >= mentees.len() as i64 || left(best) <= 0) {
            mentors[j]
                .mentor_skills
                .iter()
                .filter(|s| demand.get(&s.skill).is_some_and(|&n| n > 0))
                .filter(|s| alone.get(&s.skill).is_some_and(|open| !open.is_empty()))
                .max_by_key(|s| (demand[&s.skill], s.level, Reverse(s.skill)))
                .map(|s| s.skill)
                .and_then(|skill| Some((skill, alone.get_mut(&skill)?.pop()?)))
        } else {
            None
        };
        match partner {
            Some((skill, other)) => {
                focus[j] = Some(skill);
                let (leads, co) = if level(j, skill) > level(other, skill) {
                    (j, other)
                } else {
                    (other, j)
                };
                lead[co] = Some(leads as u32);
                // The circle has the places of the fuller of the two.
                *wanted.entry(skill).or_default() += places(other) - places(j).min(places(other));
            }
            None => {
                focus[j] = Some(best);
                room += places(j);
                *wanted.entry(best).or_default() -= places(j);
                if two_mentors {
                    alone.entry(best).or_default().push(j);
                }
            }
        }
    }
    Foci { focus, lead }
}

/// Narrows `cohort` to circles around `foci`: each mentor offers only their focus (none
/// for a mentor without one) and no focus areas, a mentee who named no skill to grow
/// names no focus area either (so any circle fits them), and the relevance rule is on.
pub fn focus_on(cohort: &mut Cohort, foci: &[Option<u32>]) {
    for (mentor, focus) in cohort.mentors.iter_mut().zip(foci) {
        mentor.mentor_skills.retain(|s| Some(s.skill) == *focus);
        mentor.focus_areas = 0;
    }
    for mentee in &mut cohort.mentees {
        if mentee.growth_skills.is_empty() {
            mentee.focus_areas = 0;
        }
    }
    cohort.rules.relevance = true;
}

/// Makes each co-mentored circle one place in the solve: its lead's, with as many free
/// places as the fuller of its two mentors has, and closed to a mentee whom the co-mentor
/// may not mentor (the same person, no shared language, a block, the department or junior
/// rule). Call it after [`focus_on`]: the lead then offers the same focus as the co-mentor,
/// so the relevance rule, checked with the lead, holds for both, and the fit is scored with
/// the lead.
pub fn share(cohort: &mut Cohort, lead: &[Option<u32>]) {
    let mut pairs = Vec::new();
    for (co, l) in lead
        .iter()
        .enumerate()
        .filter_map(|(co, l)| Some((co, (*l)? as usize)))
    {
        let (Some(&theirs), Some(&ours)) = (cohort.free_places.get(co), cohort.free_places.get(l))
        else {
            continue;
        };
        cohort.free_places[l] = theirs.min(ours);
        cohort.free_places[co] = 0;
        pairs.push((co, l));
    }
    if pairs.is_empty() {
        return;
    }
    let blocked: HashSet<(u32, u32)> = cohort.blocked.iter().copied().collect();
    // The lead offers the same focus as the co-mentor (after `focus_on`), so the relevance
    // rule rules out the same mentees for both: the lead's own check covers it.
    let rules = Rules {
        relevance: false,
        ..cohort.rules
    };
    let cohort_ref = &*cohort;
    let closed: Vec<(u32, u32)> = pairs
        .par_iter()
        .flat_map_iter(|&(co, l)| {
            let person = cohort_ref.mentor_person.get(co).copied();
            let mentor = &cohort_ref.mentors[co];
            let (blocked, rules) = (&blocked, &rules);
            cohort_ref
                .mentees
                .iter()
                .enumerate()
                .filter(move |&(i, mentee)| {
                    let same =
                        person.is_some() && cohort_ref.mentee_person.get(i).copied() == person;
                    exclusion(
                        mentee,
                        mentor,
                        same,
                        1,
                        blocked.contains(&(i as u32, co as u32)),
                        rules,
                    )
                    .is_some()
                })
                .map(move |(i, _)| (i as u32, l as u32))
        })
        .collect();
    cohort.blocked.extend(closed);
}

/// A skill some of a circle's mentees want to grow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shared {
    pub skill: u32,
    /// How many of the circle's mentees want it.
    pub mentees: u32,
}

/// The skills two or more of `mentees` want to grow, the most wanted first (then by skill
/// number).
pub fn shared(mentees: &[&Profile]) -> Vec<Shared> {
    let mut count: HashMap<u32, u32> = HashMap::new();
    for mentee in mentees {
        for want in &mentee.growth_skills {
            *count.entry(want.skill).or_default() += 1;
        }
    }
    let mut shared: Vec<Shared> = count
        .into_iter()
        .filter(|&(_, n)| n >= 2)
        .map(|(skill, mentees)| Shared { skill, mentees })
        .collect();
    shared.sort_by_key(|s| (std::cmp::Reverse(s.mentees), s.skill));
    shared
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::SkillLevel;

    fn wants(skills: &[u32]) -> Profile {
        Profile {
            growth_skills: skills
                .iter()
                .map(|&skill| SkillLevel { skill, level: 1 })
                .collect(),
            ..Profile::default()
        }
    }

    fn mentors_on(skills: &[(u32, u8)]) -> Profile {
        let mut mentor_skills: Vec<SkillLevel> = skills
            .iter()
            .map(|&(skill, level)| SkillLevel { skill, level })
            .collect();
        mentor_skills.sort_by_key(|s| s.skill);
        Profile {
            mentor_skills,
            focus_areas: 0b11,
            ..Profile::default()
        }
    }

    #[test]
    fn foci_follow_what_is_wanted_and_spread_over_it() {
        // Six want skill 1, three want skill 2, one wants skill 3.
        let mut mentees: Vec<Profile> = (0..6).map(|_| wants(&[1])).collect();
        mentees.extend((0..3).map(|_| wants(&[2])));
        mentees.push(wants(&[3]));
        // Mentor 0 can only lead skill 1; mentors 1 and 2 lead 1, 2 or 3.
        let mentors = vec![
            mentors_on(&[(1, 4)]),
            mentors_on(&[(1, 5), (2, 3), (3, 5)]),
            mentors_on(&[(1, 3), (2, 4), (3, 4)]),
        ];
        let focus = foci(
            &mentees,
            &mentors,
            &[4, 4, 4],
            &[None; 3],
            &[None; 3],
            false,
        )
        .focus;
        // Mentor 0 chooses first (one choice) and serves four of the six on skill 1; the
        // next takes skill 2 (3 left wanting) over skill 1 (2 left), and the last then
        // takes skill 1 (2 left) over skill 3 (1 left).
        assert_eq!(focus, vec![Some(1), Some(2), Some(1)]);
    }

    #[test]
    fn a_running_circle_keeps_its_focus_and_a_mentor_of_nothing_gets_none() {
        let mentees = vec![wants(&[1]), wants(&[1]), wants(&[2])];
        let mentors = vec![
            mentors_on(&[(1, 4), (2, 4)]),
            mentors_on(&[(1, 4), (2, 4)]),
            Profile::default(),
        ];
        // Mentor 0 keeps skill 2, though skill 1 is wanted more; mentor 1 takes skill 1.
        let focus = foci(
            &mentees,
            &mentors,
            &[3, 3, 3],
            &[Some(2), None, None],
            &[None; 3],
            false,
        )
        .focus;
        assert_eq!(focus, vec![Some(2), Some(1), None]);
        // A kept focus the mentor no longer mentors is chosen again.
        let focus = foci(
            &mentees,
            &mentors,
            &[3, 3, 3],
            &[Some(9), None, None],
            &[None; 3],
            false,
        )
        .focus;
        assert_eq!(focus[0], Some(1));
    }

    #[test]
    fn focusing_leaves_a_mentor_their_focus_only() {
        let mut cohort = Cohort {
            mentees: vec![
                wants(&[1, 2]),
                Profile {
                    focus_areas: 0b1,
                    ..Profile::default()
                },
            ],
            mentors: vec![mentors_on(&[(1, 4), (2, 4)]), mentors_on(&[(2, 4)])],
            ..Cohort::default()
        };
        cohort.rules.relevance = false;
        focus_on(&mut cohort, &[Some(2), None]);
        assert_eq!(
            cohort.mentors[0].mentor_skills,
            vec![SkillLevel { skill: 2, level: 4 }]
        );
        assert!(cohort.mentors[1].mentor_skills.is_empty());
        assert!(cohort.mentors.iter().all(|m| m.focus_areas == 0));
        // The mentee who named no skill names no focus area either: any circle fits.
        assert_eq!(cohort.mentees[1].focus_areas, 0);
        assert_eq!(cohort.mentees[0].growth_skills.len(), 2);
        assert!(cohort.rules.relevance);
        assert!(crate::score::relevant(
            &cohort.mentees[0],
            &cohort.mentors[0]
        ));
        assert!(!crate::score::relevant(
            &cohort.mentees[0],
            &cohort.mentors[1]
        ));
        assert!(crate::score::relevant(
            &cohort.mentees[1],
            &cohort.mentors[1]
        ));
    }

    #[test]
    fn shared_counts_skills_two_or_more_want() {
        let a = wants(&[1, 2, 3]);
        let b = wants(&[2, 3]);
        let c = wants(&[3, 4]);
        assert_eq!(
            shared(&[&a, &b, &c]),
            vec![
                Shared {
                    skill: 3,
                    mentees: 3
                },
                Shared {
                    skill: 2,
                    mentees: 2
                },
            ]
        );
        assert!(shared(&[&a]).is_empty());
    }

    #[test]
    fn two_mentors_on_one_focus_share_a_circle_and_the_stronger_leads() {
        // Eight want skill 1, two want skill 2; circles of four.
        let mut mentees: Vec<Profile> = (0..8).map(|_| wants(&[1])).collect();
        mentees.extend((0..2).map(|_| wants(&[2])));
        let mentors = vec![
            mentors_on(&[(1, 3)]),
            mentors_on(&[(1, 5), (2, 2)]),
            mentors_on(&[(1, 4)]),
            mentors_on(&[(2, 4)]),
        ];
        let none = [None; 4];
        let found = foci(&mentees, &mentors, &[4; 4], &none, &none, true);
        // Mentors 0 and 2 (one choice each) start circles on skill 1, which then has
        // places for all eight; mentor 3 starts one on skill 2. Mentor 1, whose skills all
        // have places enough, co-mentors a circle on skill 1, the more wanted: mentor 2's,
        // the newer, and leads it, being stronger in it.
        assert_eq!(found.focus, vec![Some(1), Some(1), Some(1), Some(2)]);
        assert_eq!(found.lead, vec![None, None, Some(1), None]);
        // One mentor a circle: nobody co-mentors.
        let alone = foci(&mentees, &mentors, &[4; 4], &none, &none, false);
        assert!(alone.lead.iter().all(Option::is_none));
        // A running circle's two mentors stay together, and the stronger leads.
        let kept = foci(
            &mentees,
            &mentors,
            &[4; 4],
            &[Some(1), None, Some(1), None],
            &[Some(2), None, Some(0), None],
            true,
        );
        assert_eq!(kept.lead, vec![Some(2), None, None, None]);
        assert_eq!(kept.focus[..3], [Some(1), Some(1), Some(1)]);
    }

    #[test]
    fn a_co_mentored_circle_is_its_lead_s_place_closed_to_whom_the_co_mentor_may_not_mentor() {
        let mut cohort = Cohort {
            mentees: vec![wants(&[1]), wants(&[1]), wants(&[1])],
            mentors: vec![mentors_on(&[(1, 4)]), mentors_on(&[(1, 3)])],
            mentee_person: vec![10, 11, 12],
            mentor_person: vec![20, 12],
            free_places: vec![4, 3],
            blocked: vec![(0, 1)],
            ..Cohort::default()
        };
        for m in cohort.mentees.iter_mut().chain(cohort.mentors.iter_mut()) {
            m.languages = 1;
        }
        cohort.mentees[1].department = Some(7);
        cohort.mentors[1].department = Some(7);
        cohort.rules.different_department = true;
        focus_on(&mut cohort, &[Some(1), Some(1)]);
        share(&mut cohort, &[None, Some(0)]);
        // One place to fill: the lead's, with the fuller mentor's room.
        assert_eq!(cohort.free_places, vec![3, 0]);
        // Mentee 0 blocked the co-mentor, mentee 1 shares their department, and mentee 2
        // is the co-mentor: none may join the circle.
        let mut blocked = cohort.blocked.clone();
        blocked.sort_unstable();
        assert_eq!(blocked, vec![(0, 0), (0, 1), (1, 0), (2, 0)]);
    }

    proptest::proptest! {
        #[test]
        fn co_mentors_pair_once_on_a_skill_both_mentor(
            wanted in proptest::collection::vec(proptest::collection::vec(0u32..5, 0..3), 0..30),
            offered in proptest::collection::vec(proptest::collection::vec((0u32..5, 1u8..6), 0..3), 1..12),
            free in 1u32..6,
        ) {
            let mentees: Vec<Profile> = wanted.iter().map(|w| wants(w)).collect();
            let mentors: Vec<Profile> = offered
                .iter()
                .map(|o| {
                    let mut o = o.clone();
                    o.sort_unstable();
                    o.dedup_by_key(|s| s.0);
                    mentors_on(&o)
                })
                .collect();
            let none = vec![None; mentors.len()];
            let found = foci(&mentees, &mentors, &vec![free; mentors.len()], &none, &none, true);
            let mut partnered = vec![0; mentors.len()];
            for (co, lead) in found.lead.iter().enumerate() {
                let Some(lead) = lead.map(|l| l as usize) else { continue };
                // A lead is no one's co-mentor, and has one co-mentor at most.
                proptest::prop_assert!(found.lead[lead].is_none());
                partnered[lead] += 1;
                proptest::prop_assert!(partnered[lead] <= 1);
                // Both mentor the circle's focus, and the lead at least as strongly.
                let skill = found.focus[lead];
                proptest::prop_assert!(skill.is_some() && found.focus[co] == skill);
                let level = |j: usize| mentors[j].mentor_skills.iter().find(|s| Some(s.skill) == skill).map(|s| s.level);
                proptest::prop_assert!(level(co).is_some() && level(lead) >= level(co));
            }
            // One mentor a circle pairs nobody, and gives every mentor the same focus or one
            // of theirs.
            let alone = foci(&mentees, &mentors, &vec![free; mentors.len()], &none, &none, false);
            proptest::prop_assert!(alone.lead.iter().all(Option::is_none));
            for (j, f) in alone.focus.iter().enumerate() {
                proptest::prop_assert_eq!(f.is_some(), !mentors[j].mentor_skills.is_empty());
            }
        }
    }
}
