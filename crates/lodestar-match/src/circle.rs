//! Group circles: one mentor and several mentees who want to grow the same skill.
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

use std::collections::HashMap;

use crate::cohort::Cohort;
use crate::score::Profile;

/// Each mentor's focus, by mentor index: a skill they mentor (the engine's number), or
/// none for a mentor who mentors no skill. `kept[j]`, when given and one of the mentor's
/// skills, is their focus already (a circle running) and is not chosen again.
pub fn foci(
    mentees: &[Profile],
    mentors: &[Profile],
    free: &[u32],
    kept: &[Option<u32>],
) -> Vec<Option<u32>> {
    let mut wanted: HashMap<u32, i64> = HashMap::new();
    for mentee in mentees {
        for want in &mentee.growth_skills {
            *wanted.entry(want.skill).or_default() += 1;
        }
    }
    let offers = |j: usize, skill: u32| mentors[j].mentor_skills.iter().any(|s| s.skill == skill);
    let mut focus: Vec<Option<u32>> = vec![None; mentors.len()];
    let mut open = Vec::new();
    for (j, mentor) in mentors.iter().enumerate() {
        let places = i64::from(free.get(j).copied().unwrap_or(0));
        match kept.get(j).copied().flatten().filter(|&s| offers(j, s)) {
            Some(skill) => {
                focus[j] = Some(skill);
                *wanted.entry(skill).or_default() -= places;
            }
            None if !mentor.mentor_skills.is_empty() => open.push(j),
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
    for j in open {
        let best = mentors[j].mentor_skills.iter().max_by(|a, b| {
            let left = |s: u32| wanted.get(&s).copied().unwrap_or(0);
            left(a.skill)
                .cmp(&left(b.skill))
                .then(a.level.cmp(&b.level))
                .then(b.skill.cmp(&a.skill))
        });
        if let Some(best) = best {
            focus[j] = Some(best.skill);
            *wanted.entry(best.skill).or_default() -= i64::from(free.get(j).copied().unwrap_or(0));
        }
    }
    focus
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
        let focus = foci(&mentees, &mentors, &[4, 4, 4], &[None, None, None]);
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
        let focus = foci(&mentees, &mentors, &[3, 3, 3], &[Some(2), None, None]);
        assert_eq!(focus, vec![Some(2), Some(1), None]);
        // A kept focus the mentor no longer mentors is chosen again.
        let focus = foci(&mentees, &mentors, &[3, 3, 3], &[Some(9), None, None]);
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
}
