//! Opportunities and insights: jobs, stretch projects, events, courses and resources,
//! speaking slots, volunteering, and a mentor's short note on an industry, a company or a
//! technology. Each names skills at levels, an industry, a place or remote, a closing date
//! and who may see it ([`Visibility`]). People save them or mark them, and say how an
//! application went; a won one becomes a career outcome ([`OpportunityKind::outcome`]).
//!
//! "For you" ranks what a person may see by how well it fits them ([`fit`]), with reasons in
//! words.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::growth::OutcomeKind;
use crate::mentoring::{UnknownValue, text_enum};

/// The longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// The longest description.
pub const MAX_DESCRIPTION: usize = 5000;
/// The longest industry or location.
pub const MAX_PLACE: usize = 100;
/// The most skills one opportunity names.
pub const MAX_SKILLS: usize = 10;
/// How far ahead a closing date may be, in days (two years).
pub const MAX_CLOSING_DAYS: i64 = 731;
/// The longest note on a share.
pub const MAX_SHARE_NOTE: usize = 1000;

text_enum!(
    /// What is on offer.
    OpportunityKind {
        Job => "job",
        StretchProject => "stretch_project",
        Event => "event",
        Course => "course",
        Speaking => "speaking",
        Volunteering => "volunteering",
        Insight => "insight",
    }
);

impl OpportunityKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Job => "Job",
            Self::StretchProject => "Stretch project",
            Self::Event => "Event",
            Self::Course => "Course or resource",
            Self::Speaking => "Speaking slot",
            Self::Volunteering => "Volunteering",
            Self::Insight => "Insight",
        }
    }

    /// The career outcome that getting it is.
    pub fn outcome(self) -> OutcomeKind {
        match self {
            Self::Job => OutcomeKind::NewJob,
            Self::StretchProject => OutcomeKind::StretchAssignment,
            Self::Speaking => OutcomeKind::TalkGiven,
            Self::Course => OutcomeKind::Certification,
            Self::Event | Self::Volunteering | Self::Insight => OutcomeKind::Other,
        }
    }
}

text_enum!(
    /// Who may see an opportunity besides its author.
    Visibility {
        Everyone => "everyone",
        Connections => "connections",
        Mentees => "mentees",
    }
);

text_enum!(
    /// Whether an opportunity is taking interest.
    OpportunityState {
        Open => "open",
        Closed => "closed",
        Removed => "removed",
    }
);

text_enum!(
    /// A person's mark on an opportunity.
    Status {
        Saved => "saved",
        Interested => "interested",
        Applied => "applied",
        NotForMe => "not_for_me",
    }
);

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Self::Saved => "Saved",
            Self::Interested => "Interested",
            Self::Applied => "Applied",
            Self::NotForMe => "Not for me",
        }
    }
}

text_enum!(
    /// How an application went.
    Outcome {
        GotIt => "got_it",
        DidNot => "did_not",
    }
);

/// A closing date given on `today`: a real date, not before today, within two years.
pub fn closing_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| "must be a date as YYYY-MM-DD")?;
    if date < today {
        return Err("is in the past");
    }
    if (date - today).num_days() > MAX_CLOSING_DAYS {
        return Err("is more than two years away");
    }
    Ok(date)
}

/// Why an opportunity fits a person, strongest first in [`fit`]'s weights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// A mentor of theirs shared it with them.
    SharedByMentor { name: String },
    /// Someone else shared it with them.
    SharedBy { name: String },
    /// It grows the largest gap (or another gap) to a target role.
    Gap {
        skill: String,
        role: String,
        largest: bool,
    },
    /// It grows the skill of one of their goals.
    Goal { skill: String, goal: String },
    /// It grows a skill they want to grow.
    Wanted { skill: String },
    /// It is in their industry.
    Industry { industry: String },
    /// It is where they are.
    Location { location: String },
    /// It is remote.
    Remote,
    /// The organisation pinned it for everyone.
    Pinned,
}

/// Each reason's weight in the ranking, by itself so a ranking can score a post before it
/// names the reasons (see [`Reason::weight`]).
pub mod weight {
    pub const SHARED_BY_MENTOR: u32 = 100;
    pub const SHARED: u32 = 60;
    pub const LARGEST_GAP: u32 = 55;
    pub const GAP: u32 = 40;
    pub const GOAL: u32 = 35;
    pub const WANTED: u32 = 25;
    pub const PINNED: u32 = 20;
    pub const INDUSTRY: u32 = 15;
    pub const LOCATION: u32 = 10;
    pub const REMOTE: u32 = 4;
}

impl Reason {
    /// The reason's weight in the ranking.
    pub fn weight(&self) -> u32 {
        match self {
            Self::SharedByMentor { .. } => weight::SHARED_BY_MENTOR,
            Self::SharedBy { .. } => weight::SHARED,
            Self::Gap { largest: true, .. } => weight::LARGEST_GAP,
            Self::Gap { largest: false, .. } => weight::GAP,
            Self::Goal { .. } => weight::GOAL,
            Self::Wanted { .. } => weight::WANTED,
            Self::Pinned => weight::PINNED,
            Self::Industry { .. } => weight::INDUSTRY,
            Self::Location { .. } => weight::LOCATION,
            Self::Remote => weight::REMOTE,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SharedByMentor { name } => write!(f, "shared by your mentor {name}"),
            Self::SharedBy { name } => write!(f, "shared by {name}"),
            Self::Gap {
                skill,
                role,
                largest: true,
            } => write!(
                f,
                "grows {skill}, the largest gap for your target role {role}"
            ),
            Self::Gap { skill, role, .. } => {
                write!(f, "grows {skill}, a gap for your target role {role}")
            }
            Self::Goal { skill, goal } => {
                write!(f, "grows {skill}, for your goal \u{201c}{goal}\u{201d}")
            }
            Self::Wanted { skill } => write!(f, "grows {skill}, which you want to grow"),
            Self::Industry { industry } => write!(f, "in your industry, {industry}"),
            Self::Location { location } => write!(f, "in {location}, where you are"),
            Self::Remote => write!(f, "remote"),
            Self::Pinned => write!(f, "pinned for everyone"),
        }
    }
}

/// How well an opportunity fits: the sum of its reasons' weights, with at most one reason
/// per skill (the strongest) and none twice. The reasons come back strongest first.
pub fn fit(mut reasons: Vec<Reason>) -> (u32, Vec<Reason>) {
    reasons.sort_by_key(|r| std::cmp::Reverse(r.weight()));
    let mut seen_skills: Vec<String> = Vec::new();
    let mut kept: Vec<Reason> = Vec::new();
    for reason in reasons {
        let skill = match &reason {
            Reason::Gap { skill, .. } | Reason::Goal { skill, .. } | Reason::Wanted { skill } => {
                Some(skill.clone())
            }
            _ => None,
        };
        if let Some(skill) = skill {
            if seen_skills.contains(&skill) {
                continue;
            }
            seen_skills.push(skill);
        }
        if !kept.contains(&reason) {
            kept.push(reason);
        }
    }
    (kept.iter().map(Reason::weight).sum(), kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        NaiveDate::parse_from_str(raw, "%Y-%m-%d").expect("a date")
    }

    #[test]
    fn a_closing_date_is_today_or_later_within_two_years() {
        let today = day("2026-12-06");
        assert_eq!(closing_date("2026-12-06", today), Ok(today));
        assert_eq!(closing_date(" 2027-01-31 ", today), Ok(day("2027-01-31")));
        assert!(closing_date("2026-12-05", today).is_err());
        assert!(closing_date("2029-01-01", today).is_err());
        assert!(closing_date("2027-02-30", today).is_err());
        assert!(closing_date("soon", today).is_err());
    }

    #[test]
    fn reasons_read_as_sentences() {
        let gap = Reason::Gap {
            skill: "Negotiation".into(),
            role: "Engineering Manager".into(),
            largest: true,
        };
        assert_eq!(
            gap.to_string(),
            "grows Negotiation, the largest gap for your target role Engineering Manager"
        );
        assert_eq!(
            Reason::SharedByMentor { name: "Ana".into() }.to_string(),
            "shared by your mentor Ana"
        );
    }

    #[test]
    fn a_skill_counts_once_by_its_strongest_reason() {
        let (score, reasons) = fit(vec![
            Reason::Wanted {
                skill: "Negotiation".into(),
            },
            Reason::Industry {
                industry: "Energy".into(),
            },
            Reason::Gap {
                skill: "Negotiation".into(),
                role: "Head of Sales".into(),
                largest: false,
            },
            Reason::Industry {
                industry: "Energy".into(),
            },
        ]);
        assert_eq!(score, 40 + 15);
        assert_eq!(reasons.len(), 2);
        assert!(matches!(reasons[0], Reason::Gap { .. }));
    }

    #[test]
    fn every_kind_is_some_outcome_and_reads_back() {
        for kind in OpportunityKind::ALL {
            assert_eq!(
                kind.as_str().parse::<OpportunityKind>().expect("a kind"),
                *kind
            );
            assert!(!kind.label().is_empty());
            let _ = kind.outcome();
        }
        assert_eq!(OpportunityKind::Job.outcome(), OutcomeKind::NewJob);
    }
}
