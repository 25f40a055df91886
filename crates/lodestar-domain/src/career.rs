//! Career paths: the kinds of plan step, and the two pure rules of the career page — the
//! skills gap between what a person has and what their target roles need, and the roles
//! closest to what they already have.

use std::collections::HashMap;
use std::fmt;

use crate::SkillId;

/// What a step of a career plan is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepKind {
    Learn,
    Practise,
    StretchProject,
    Introduction,
    Opportunity,
}

#[derive(Debug, thiserror::Error)]
#[error("must be one of learn, practise, stretch_project, introduction, opportunity")]
pub struct StepKindError;

impl StepKind {
    pub const ALL: [StepKind; 5] = [
        Self::Learn,
        Self::Practise,
        Self::StretchProject,
        Self::Introduction,
        Self::Opportunity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Learn => "learn",
            Self::Practise => "practise",
            Self::StretchProject => "stretch_project",
            Self::Introduction => "introduction",
            Self::Opportunity => "opportunity",
        }
    }

    /// How the pages name it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Learn => "Learn",
            Self::Practise => "Practise",
            Self::StretchProject => "Stretch project",
            Self::Introduction => "Introduction",
            Self::Opportunity => "Opportunity",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, StepKindError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or(StepKindError)
    }
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a role comes from: the shipped catalogue (derived from ESCO) or the organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoleSource {
    Esco,
    Organisation,
}

impl RoleSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Esco => "esco",
            Self::Organisation => "organisation",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "esco" => Some(Self::Esco),
            "organisation" => Some(Self::Organisation),
            _ => None,
        }
    }
}

/// A skill a role needs, at a level (1–5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    pub skill: SkillId,
    pub level: u8,
}

/// One skill of the gap: the person has `have` (0 when absent), a target role needs `need`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    pub skill: SkillId,
    pub have: u8,
    pub need: u8,
    /// Which of the target roles (by index in the list given) needs it at `need`.
    pub role: usize,
}

impl Gap {
    pub fn size(&self) -> u8 {
        self.need - self.have
    }
}

/// Every skill the target roles need above the person's level. Where several targets
/// need one skill, the highest need counts, and the earliest role that needs it so.
/// Ordered by the size of the gap, largest first, then by the need, then by the role's
/// order and the skill's place in it, so the same input always gives the same list.
pub fn gaps(have: &HashMap<SkillId, u8>, targets: &[Vec<Need>]) -> Vec<Gap> {
    // (gap, position in the first role that set it) per skill, in first-seen order.
    let mut found: Vec<(Gap, usize)> = Vec::new();
    for (role, needs) in targets.iter().enumerate() {
        for (position, need) in needs.iter().enumerate() {
            let level = have.get(&need.skill).copied().unwrap_or(0);
            if need.level <= level {
                continue;
            }
            let gap = Gap {
                skill: need.skill,
                have: level,
                need: need.level,
                role,
            };
            match found.iter_mut().find(|(g, _)| g.skill == need.skill) {
                Some(entry) if entry.0.need < need.level => *entry = (gap, position),
                Some(_) => {}
                None => found.push((gap, position)),
            }
        }
    }
    found.sort_by(|(a, pa), (b, pb)| {
        b.size()
            .cmp(&a.size())
            .then(b.need.cmp(&a.need))
            .then(a.role.cmp(&b.role))
            .then(pa.cmp(pb))
    });
    found.into_iter().map(|(g, _)| g).collect()
}

/// How close a role is to what a person has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closeness {
    /// The role's skills the person has at its level or above, in the role's order.
    pub shared: Vec<SkillId>,
    /// The rest of its skills.
    pub missing: Vec<SkillId>,
}

impl Closeness {
    pub fn of(have: &HashMap<SkillId, u8>, needs: &[Need]) -> Self {
        let (shared, missing): (Vec<&Need>, Vec<&Need>) = needs
            .iter()
            .partition(|n| have.get(&n.skill).is_some_and(|l| *l >= n.level));
        Self {
            shared: shared.into_iter().map(|n| n.skill).collect(),
            missing: missing.into_iter().map(|n| n.skill).collect(),
        }
    }

    /// The share of the role's skills the person has, in thousandths (integer, so
    /// ranking is exact).
    pub fn share_permille(&self) -> usize {
        let total = self.shared.len() + self.missing.len();
        (self.shared.len() * 1000).checked_div(total).unwrap_or(0)
    }
}

/// Ranks roles (index, needs) by how many of their skills the person has at the role's
/// level or above, then by that share of the role, then by fewer skills missing, then by
/// the order given (so by title when the roles come sorted). Roles sharing nothing are
/// left out: they are not close to anything.
pub fn close_roles(have: &HashMap<SkillId, u8>, roles: &[&[Need]]) -> Vec<(usize, Closeness)> {
    let mut ranked: Vec<(usize, Closeness)> = roles
        .iter()
        .enumerate()
        .map(|(i, needs)| (i, Closeness::of(have, needs)))
        .filter(|(_, c)| !c.shared.is_empty())
        .collect();
    ranked.sort_by(|(ia, a), (ib, b)| {
        b.shared
            .len()
            .cmp(&a.shared.len())
            .then(b.share_permille().cmp(&a.share_permille()))
            .then(a.missing.len().cmp(&b.missing.len()))
            .then(ia.cmp(ib))
    });
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skills(n: usize) -> Vec<SkillId> {
        (0..n).map(|_| SkillId::new()).collect()
    }

    #[test]
    fn step_kinds_round_trip_and_others_are_refused() {
        for kind in StepKind::ALL {
            assert_eq!(StepKind::parse(kind.as_str()).ok(), Some(kind));
        }
        assert!(StepKind::parse("practice").is_err());
        assert!(StepKind::parse("").is_err());
    }

    #[test]
    fn the_gap_lists_only_skills_below_the_need_largest_first() {
        let s = skills(4);
        let have = HashMap::from([(s[0], 3), (s[1], 1), (s[3], 4)]);
        let role = vec![
            Need {
                skill: s[0],
                level: 3,
            },
            Need {
                skill: s[1],
                level: 3,
            },
            Need {
                skill: s[2],
                level: 4,
            },
            Need {
                skill: s[3],
                level: 5,
            },
        ];
        let got = gaps(&have, &[role]);
        let order: Vec<(SkillId, u8, u8)> = got.iter().map(|g| (g.skill, g.have, g.need)).collect();
        assert_eq!(order, vec![(s[2], 0, 4), (s[1], 1, 3), (s[3], 4, 5)]);
    }

    #[test]
    fn with_several_targets_the_highest_need_counts_and_names_its_role() {
        let s = skills(2);
        let have = HashMap::new();
        let first = vec![
            Need {
                skill: s[0],
                level: 2,
            },
            Need {
                skill: s[1],
                level: 4,
            },
        ];
        let second = vec![
            Need {
                skill: s[0],
                level: 5,
            },
            Need {
                skill: s[1],
                level: 4,
            },
        ];
        let got = gaps(&have, &[first, second]);
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].skill, got[0].need, got[0].role), (s[0], 5, 1));
        assert_eq!((got[1].skill, got[1].need, got[1].role), (s[1], 4, 0));
    }

    #[test]
    fn close_roles_rank_by_skills_held_then_by_share() {
        let s = skills(5);
        let have = HashMap::from([(s[0], 3), (s[1], 3), (s[2], 1)]);
        let two_of_four = vec![
            Need {
                skill: s[0],
                level: 2,
            },
            Need {
                skill: s[1],
                level: 3,
            },
            Need {
                skill: s[3],
                level: 2,
            },
            Need {
                skill: s[4],
                level: 2,
            },
        ];
        let two_of_two = vec![
            Need {
                skill: s[0],
                level: 1,
            },
            Need {
                skill: s[1],
                level: 1,
            },
        ];
        let one = vec![
            Need {
                skill: s[0],
                level: 3,
            },
            Need {
                skill: s[2],
                level: 3,
            },
        ];
        let none = vec![Need {
            skill: s[3],
            level: 1,
        }];
        let ranked = close_roles(&have, &[&two_of_four, &one, &two_of_two, &none]);
        let order: Vec<usize> = ranked.iter().map(|(i, _)| *i).collect();
        assert_eq!(order, vec![2, 0, 1]);
        assert_eq!(ranked[1].1.missing, vec![s[3], s[4]]);
        assert_eq!(
            ranked[2].1.missing,
            vec![s[2]],
            "level 1 is below the need of 3"
        );
    }
}
