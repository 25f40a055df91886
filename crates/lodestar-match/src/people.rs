//! Generated populations of mentees and mentors, as profiles, for the cohort pipeline's
//! benchmarks and tests: deterministic for a seed, and shaped like a real organisation
//! where it matters for matching (a few skills, industries and time zones are far more
//! common than the rest, and senior mentors are what everyone wants).

use crate::cohort::Cohort;
use crate::score::{Profile, Rules, SkillLevel, Weights};
use crate::synthetic::SplitMix64;

/// Skills in the catalogue the generated people use.
pub const SKILLS: u32 = 136;
const INDUSTRIES: u32 = 12;
const DEPARTMENTS: u32 = 40;
/// Standard offsets (minutes) and how common each is, roughly an organisation spread over
/// Europe, the Americas and Asia.
const OFFSETS: [(i32, u32); 10] = [
    (0, 14),
    (60, 22),
    (120, 6),
    (330, 10),
    (480, 5),
    (540, 3),
    (-300, 18),
    (-360, 6),
    (-480, 10),
    (600, 6),
];

/// Skewed pick in `0..n`: low numbers are much more common (about Zipf with s = 1).
fn skewed(rng: &mut SplitMix64, n: u32) -> u32 {
    let u = rng.unit();
    ((n as f64 + 1.0).powf(u) - 1.0).floor().min(n as f64 - 1.0) as u32
}

fn offset(rng: &mut SplitMix64) -> i32 {
    let total: u32 = OFFSETS.iter().map(|(_, w)| w).sum();
    let mut pick = rng.below(total as usize) as u32;
    for (offset, weight) in OFFSETS {
        if pick < weight {
            return offset;
        }
        pick -= weight;
    }
    0
}

fn skills(rng: &mut SplitMix64, count: usize, levels: (u8, u8)) -> Vec<SkillLevel> {
    let mut out: Vec<SkillLevel> = Vec::with_capacity(count);
    while out.len() < count {
        let skill = skewed(rng, SKILLS);
        if out.iter().all(|s| s.skill != skill) {
            let span = (levels.1 - levels.0 + 1) as usize;
            out.push(SkillLevel {
                skill,
                level: levels.0 + rng.below(span) as u8,
            });
        }
    }
    out
}

fn languages(rng: &mut SplitMix64) -> u128 {
    let mut set = if rng.below(20) == 0 { 0 } else { 1 };
    for _ in 0..rng.below(3) {
        set |= 1 << (1 + skewed(rng, 20));
    }
    if set == 0 { 2 } else { set }
}

fn focus(rng: &mut SplitMix64, count: usize) -> u8 {
    let mut set = 0u8;
    while (set.count_ones() as usize) < count {
        set |= 1 << rng.below(7);
    }
    set
}

fn person(rng: &mut SplitMix64, mentor: bool) -> Profile {
    let (years, growth, offered) = if mentor {
        (5 + rng.below(26) as u8, 0, 2 + rng.below(4))
    } else {
        (rng.below(11) as u8, 1 + rng.below(4), 0)
    };
    let mut mentor_skills = skills(rng, offered, (3, 5));
    mentor_skills.sort_unstable_by_key(|s| s.skill);
    Profile {
        mentor_skills,
        growth_skills: skills(rng, growth, (1, 3)),
        focus_areas: {
            let count = if mentor {
                2 + rng.below(4)
            } else {
                1 + rng.below(3)
            };
            focus(rng, count)
        },
        industry: (rng.below(10) != 0).then(|| skewed(rng, INDUSTRIES)),
        department: Some(rng.below(DEPARTMENTS as usize) as u32),
        years_experience: (rng.below(12) != 0).then_some(years),
        utc_offset_minutes: Some(offset(rng)),
        languages: languages(rng),
        availability_hours: if mentor {
            2 + rng.below(11) as u16
        } else {
            [0, 2, 4, 8][rng.below(4)]
        },
        answers: Vec::new(),
        private: Default::default(),
    }
}

/// `mentees` mentees and `mentors` mentors with `places` free places each, default weights
/// and rules, no blocks.
pub fn cohort(mentees: usize, mentors: usize, places: u32, seed: u64) -> Cohort {
    let mut rng = SplitMix64::new(seed);
    let mentee_profiles: Vec<Profile> = (0..mentees).map(|_| person(&mut rng, false)).collect();
    let mentor_profiles: Vec<Profile> = (0..mentors).map(|_| person(&mut rng, true)).collect();
    Cohort {
        mentees: mentee_profiles,
        mentors: mentor_profiles,
        mentee_person: (0..mentees as u32).collect(),
        mentor_person: (mentees as u32..(mentees + mentors) as u32).collect(),
        free_places: vec![places; mentors],
        blocked: Vec::new(),
        rules: Rules::default(),
        weights: Weights::default().normalised().unwrap_or([1.0 / 6.0; 7]),
        min_score: 0.0,
    }
}
