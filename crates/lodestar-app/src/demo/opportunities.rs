//! The demo's opportunities and insights: posted over the last two months by people of the
//! organisation (mostly mentors), on the skills of their own work, in their industry and
//! place; most for everyone, some for the author's connections or mentees; a few pinned;
//! and mentors sharing some with their mentees (the featured mentee always gets a couple).

use std::collections::HashMap;

use lodestar_domain::opportunity::{OpportunityKind, OpportunityState, Visibility};
use lodestar_domain::{OpportunityId, PersonId, SkillId};
use lodestar_store::opportunities::{BulkShare, Opportunity};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Someone who may post.
#[derive(Clone, Debug)]
pub(crate) struct Author {
    pub id: PersonId,
    pub name: String,
    pub is_mentor: bool,
    pub industry: String,
    pub location: String,
    pub skills: Vec<SkillId>,
}

/// What the demo generated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpportunityCounts {
    pub posted: usize,
    pub insights: usize,
    pub shared: usize,
}

/// `count` posts and the shares of them; `mentees` maps a mentor to their current mentees,
/// and `featured` mentees get two shares from their mentor whatever the dice say.
pub(crate) fn generate(
    authors: &[Author],
    names: &HashMap<SkillId, String>,
    mentees: &HashMap<PersonId, Vec<PersonId>>,
    featured: &[PersonId],
    count: usize,
    seed: u64,
    now: i64,
) -> (Vec<Opportunity>, Vec<BulkShare>, OpportunityCounts) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0bb0);
    let mentors: Vec<&Author> = authors
        .iter()
        .filter(|a| a.is_mentor && !a.skills.is_empty())
        .collect();
    let anyone: Vec<&Author> = authors.iter().filter(|a| !a.skills.is_empty()).collect();
    let mut posts = Vec::with_capacity(count);
    let mut counts = OpportunityCounts::default();
    if anyone.is_empty() {
        return (posts, Vec::new(), counts);
    }
    let kinds = [
        (OpportunityKind::Job, 20),
        (OpportunityKind::StretchProject, 20),
        (OpportunityKind::Event, 15),
        (OpportunityKind::Course, 15),
        (OpportunityKind::Speaking, 8),
        (OpportunityKind::Volunteering, 7),
        (OpportunityKind::Insight, 15),
    ];
    for n in 0..count {
        let author = if !mentors.is_empty() && rng.random_range(0..4) > 0 {
            *mentors.choose(&mut rng).unwrap_or(&anyone[0])
        } else {
            *anyone.choose(&mut rng).unwrap_or(&anyone[0])
        };
        let kind = kinds
            .choose_weighted(&mut rng, |(_, w)| *w)
            .map_or(OpportunityKind::Job, |(k, _)| *k);
        let mut skills: Vec<(SkillId, u8)> = Vec::new();
        for _ in 0..rng.random_range(1..=3) {
            if let Some(&skill) = author.skills.choose(&mut rng)
                && !skills.iter().any(|(s, _)| *s == skill)
            {
                // The first skill is the one the text names ("someone strong in …").
                let levels = if skills.is_empty() { 3..=4 } else { 1..=4 };
                skills.push((skill, rng.random_range(levels)));
            }
        }
        let skill = names.get(&skills[0].0).cloned().unwrap_or_default();
        let industry = if author.industry.is_empty() {
            "our industry"
        } else {
            &author.industry
        };
        let (title, description) = text(kind, &skill, industry, &author.name, n);
        let created_at = now - rng.random_range(0..60) * DAY_MS - rng.random_range(0..DAY_MS);
        let closes_on = (kind != OpportunityKind::Insight).then(|| {
            let today = chrono::DateTime::from_timestamp_millis(now)
                .map(|t| t.date_naive())
                .unwrap_or_default();
            (today + chrono::Days::new(rng.random_range(7..90)))
                .format("%Y-%m-%d")
                .to_string()
        });
        let visibility = match rng.random_range(0..10) {
            0..7 => Visibility::Everyone,
            7..9 => Visibility::Connections,
            _ => Visibility::Mentees,
        };
        if kind == OpportunityKind::Insight {
            counts.insights += 1;
        }
        posts.push(Opportunity {
            id: OpportunityId::new(),
            author: author.id,
            author_name: author.name.clone(),
            kind,
            title,
            description,
            industry: author.industry.clone(),
            location: author.location.clone(),
            remote: rng.random_range(0..10) < 3,
            closes_on,
            visibility,
            state: OpportunityState::Open,
            pinned: visibility == Visibility::Everyone && n % 97 == 0,
            created_at,
            updated_at: created_at,
            closed_at: None,
            skills,
        });
    }
    counts.posted = posts.len();

    // Mentors pass some of what they see on to their mentees: a post for everyone, or their
    // own; the featured mentees get two.
    let mut shares = Vec::new();
    let public: Vec<&Opportunity> = posts
        .iter()
        .filter(|o| o.visibility == Visibility::Everyone)
        .collect();
    for (mentor, theirs) in mentees {
        for &mentee in theirs {
            let wanted = if featured.contains(&mentee) {
                2
            } else {
                usize::from(rng.random_range(0..4) == 0)
            };
            for _ in 0..wanted {
                if let Some(o) = public.choose(&mut rng) {
                    shares.push(BulkShare {
                        opportunity: o.id,
                        from: *mentor,
                        to: mentee,
                        note: "I thought of you when I saw this.".into(),
                        at: o.created_at.max(now - 14 * DAY_MS),
                    });
                }
            }
        }
    }
    counts.shared = shares.len();
    (posts, shares, counts)
}

/// A post's title and description.
fn text(
    kind: OpportunityKind,
    skill: &str,
    industry: &str,
    author: &str,
    n: usize,
) -> (String, String) {
    let first = author.split(' ').next().unwrap_or(author);
    match kind {
        OpportunityKind::Job => (
            format!("{skill} lead, {industry} (ref. {})", 1000 + n),
            format!(
                "We are hiring someone strong in {skill} to join the team. Ask {first} about the role and the people."
            ),
        ),
        OpportunityKind::StretchProject => (
            format!("Stretch project: own the {skill} workstream"),
            format!(
                "Six weeks, a few hours a week, alongside your current role. A chance to grow {skill} on real work, with {first} as sponsor."
            ),
        ),
        OpportunityKind::Event => (
            format!("{industry} meetup: {skill} in practice"),
            format!("An evening of short talks and open discussion on {skill}. Newcomers welcome."),
        ),
        OpportunityKind::Course => (
            format!("{skill} course, cohort {}", n % 12 + 1),
            format!("A structured course on {skill} with weekly exercises and feedback."),
        ),
        OpportunityKind::Speaking => (
            format!("Speaking slot: {skill} at the {industry} forum"),
            format!("Twenty minutes on the main stage. {first} can help you shape the talk."),
        ),
        OpportunityKind::Volunteering => (
            format!("Volunteer: teach {skill} at a community charity"),
            format!("Two hours a month helping people start out in {skill}."),
        ),
        OpportunityKind::Insight => (
            format!("What {industry} gets wrong about {skill}"),
            format!(
                "{first}'s note: most teams treat {skill} as a one-off training topic. The ones that do well practise it weekly, with feedback."
            ),
        ),
    }
}
