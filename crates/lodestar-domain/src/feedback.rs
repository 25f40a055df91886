//! Skills over time: assessments and structured feedback.
//!
//! An assessment rates one of a person's skills at a catalogue level (1–5) with the evidence
//! it rests on; the person makes their own, and their mentor makes theirs. The newest
//! assessment of a skill is where the person stands in it ([`latest_levels`]). Feedback is
//! structured — the situation, the behaviour seen, its impact, and a suggestion — and goes
//! either way between a mentor and a mentee.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::SkillId;
use crate::growth::{GoalError, required_line};
use crate::text::multi_line;

/// The longest evidence note of an assessment.
pub const MAX_EVIDENCE: usize = 2000;
/// The longest situation, behaviour, impact or suggestion of a piece of feedback.
pub const MAX_FEEDBACK_TEXT: usize = 2000;
/// The longest note asking for feedback, or replying to it.
pub const MAX_FEEDBACK_NOTE: usize = 1000;

/// Who made an assessment: the person assessed, or one of their mentors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AssessedBy {
    #[serde(rename = "self")]
    Own,
    #[serde(rename = "mentor")]
    Mentor,
}

impl AssessedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Own => "self",
            Self::Mentor => "mentor",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "self" => Some(Self::Own),
            "mentor" => Some(Self::Mentor),
            _ => None,
        }
    }
}

impl fmt::Display for AssessedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Required text over several lines: trimmed, not empty, at most `max` characters.
pub fn required_text(raw: &str, max: usize) -> Result<String, GoalError> {
    let text = multi_line(raw, max)?;
    if text.is_empty() {
        return Err(GoalError::Empty);
    }
    Ok(text)
}

/// Optional text over several lines: trimmed, at most `max` characters.
pub fn optional_text(raw: &str, max: usize) -> Result<String, GoalError> {
    Ok(multi_line(raw, max)?)
}

/// A suggestion turned into a goal or a plan step becomes its title: the first line, cut
/// at a word to at most `max` characters, with an ellipsis when cut.
pub fn title_from(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() <= max {
        return line.to_owned();
    }
    let cut: String = line.chars().take(max.saturating_sub(1)).collect();
    let at_word = cut.rfind(' ').filter(|i| *i > max / 2).unwrap_or(cut.len());
    format!("{}…", cut[..at_word].trim_end())
}

/// Where a person stands in each skill after a series of assessments given oldest first:
/// the newest one of each skill, whoever made it.
pub fn latest_levels(assessments: &[(SkillId, u8)]) -> HashMap<SkillId, u8> {
    assessments.iter().copied().collect()
}

/// A person's strengths: up to `n` skills at the highest levels, highest first, ties by
/// the order `names` gives (callers pass names sorted alphabetically). Level 1 is a
/// beginning, never a strength.
pub fn strengths<'a>(
    levels: &HashMap<SkillId, u8>,
    names: &'a [(SkillId, String)],
    n: usize,
) -> Vec<(&'a SkillId, &'a str, u8)> {
    let mut ranked: Vec<(&SkillId, &str, u8)> = names
        .iter()
        .filter_map(|(id, name)| levels.get(id).map(|l| (id, name.as_str(), *l)))
        .filter(|(_, _, level)| *level >= 2)
        .collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.2));
    ranked.truncate(n);
    ranked
}

/// A suggestion's first line as a one-line title, or why not.
pub fn suggestion_title(suggestion: &str, max: usize) -> Result<String, GoalError> {
    required_line(&title_from(suggestion, max), max)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_assessment_of_a_skill_is_where_one_stands() {
        let (a, b) = (SkillId::new(), SkillId::new());
        let levels = latest_levels(&[(a, 2), (b, 4), (a, 3), (a, 1)]);
        assert_eq!(levels[&a], 1);
        assert_eq!(levels[&b], 4);
    }

    #[test]
    fn strengths_are_the_highest_levels_above_a_beginning() {
        let ids: Vec<SkillId> = (0..4).map(|_| SkillId::new()).collect();
        let names: Vec<(SkillId, String)> = ids
            .iter()
            .zip(["Coaching", "Negotiation", "Rust", "SQL"])
            .map(|(id, n)| (*id, n.to_owned()))
            .collect();
        let levels = HashMap::from([(ids[0], 3), (ids[1], 5), (ids[2], 1), (ids[3], 3)]);
        let top: Vec<(&str, u8)> = strengths(&levels, &names, 2)
            .into_iter()
            .map(|(_, n, l)| (n, l))
            .collect();
        assert_eq!(top, [("Negotiation", 5), ("Coaching", 3)]);
        assert_eq!(
            strengths(&levels, &names, 10).len(),
            3,
            "level 1 is no strength"
        );
    }

    #[test]
    fn a_suggestion_becomes_a_title_cut_at_a_word() {
        assert_eq!(
            title_from("\n  Ask for the room first \nthen speak", 200),
            "Ask for the room first"
        );
        let long = "Practise the opening of every talk out loud three times before the day";
        let title = title_from(long, 30);
        assert!(title.chars().count() <= 30, "{title}");
        assert!(
            title.ends_with('…') && title.starts_with("Practise the opening"),
            "{title}"
        );
        assert_eq!(suggestion_title("   ", 200), Err(GoalError::Empty));
    }

    #[test]
    fn who_assessed_reads_back_what_it_writes() {
        for by in [AssessedBy::Own, AssessedBy::Mentor] {
            assert_eq!(AssessedBy::parse(by.as_str()), Some(by));
        }
        assert_eq!(AssessedBy::parse("admin"), None);
    }
}
