//! Recommendations for one mentee: the mentors who fit best, with reasons, spread so that
//! everyone is not sent to the same few popular mentors.
//!
//! Every allowed mentor is scored, from the cohort's tables ([`Recommender`]): tens of
//! thousands of scores take well under a millisecond. The ranking is by score less the mentor's *congestion price* when one is
//! known: the dual price a whole-cohort match puts on the mentor's places
//! ([`crate::cohort`]). A mentor whose places many mentees want has a high price, so the
//! mentees who fit them best still see them first, while the others see the excellent
//! mentors who still have room. Without prices the ranking is by score alone.

use crate::cohort::Cohort;
use crate::lens::{Lens, Mentors, Tables, skill_ids};
use crate::score::{Explained, Vocabulary, explain};

/// One recommended mentor.
#[derive(Clone, Debug, PartialEq)]
pub struct Recommendation {
    /// The mentor's index in the cohort.
    pub mentor: u32,
    /// How well they fit, in [0, 1].
    pub score: f64,
    /// The score less the congestion price: what the ranking used.
    pub rank_value: f64,
}

/// A cohort's mentors in columns and its scoring tables, built once so that each
/// recommendation is a few table lookups per mentor.
///
/// [`Recommender::recommend`] gives the best `limit` mentors for `mentee` (an index into
/// `cohort.mentees`), best first; ties go to the lower mentor index. `prices[j]` is mentor
/// `j`'s congestion price in score units (see the module), or `None` to rank by score
/// alone. Mentors the hard rules exclude (no shared language, no free places, blocked, …)
/// are never recommended.
pub struct Recommender {
    mentors: Mentors,
    tables: Tables,
    blocked: Vec<(u32, u32)>,
    skills: usize,
}

impl Recommender {
    pub fn new(cohort: &Cohort) -> Self {
        let mentors = Mentors::new(&cohort.mentors);
        let tables = Tables::new(cohort, &mentors);
        let mut blocked = cohort.blocked.clone();
        blocked.sort_unstable();
        let skills = skill_ids(cohort);
        Recommender {
            mentors,
            tables,
            blocked,
            skills,
        }
    }

    /// See the type; `cohort` is the one this was built from.
    pub fn recommend(
        &self,
        cohort: &Cohort,
        mentee: usize,
        prices: Option<&[f64]>,
        limit: usize,
    ) -> Vec<Recommendation> {
        let lens = Lens::new(&self.tables, cohort, mentee, &self.blocked);
        let mut wanted = vec![0u8; self.skills];
        lens.want(&mut wanted, true);
        let mut found: Vec<Recommendation> = (0..self.mentors.len())
            .filter(|&j| lens.allowed(cohort, &self.mentors, j))
            .map(|j| {
                let skills = match lens.fit_in(&self.mentors, j, &wanted).1 {
                    Some(skills) => skills,
                    None => lens.skills_part_of(&cohort.mentors[j]),
                };
                let score = lens.score(cohort, &self.mentors, j, skills);
                let price = prices.and_then(|p| p.get(j)).copied().unwrap_or(0.0);
                Recommendation {
                    mentor: j as u32,
                    score,
                    rank_value: score - price,
                }
            })
            .filter(|r| r.score >= cohort.min_score)
            .collect();
        let order = |a: &Recommendation, b: &Recommendation| {
            b.rank_value
                .total_cmp(&a.rank_value)
                .then(a.mentor.cmp(&b.mentor))
        };
        if found.len() > limit {
            found.select_nth_unstable_by(limit, order);
            found.truncate(limit);
        }
        found.sort_unstable_by(order);
        found
    }
}

/// A recommendation's reasons, in words (see [`crate::score::explain`]).
pub fn reasons(
    cohort: &Cohort,
    mentee: usize,
    recommendation: &Recommendation,
    mentor_name: &str,
    words: &dyn Vocabulary,
) -> Explained {
    explain(
        &cohort.mentees[mentee],
        &cohort.mentors[recommendation.mentor as usize],
        mentor_name,
        &cohort.weights,
        words,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people;

    fn recommend(
        cohort: &Cohort,
        mentee: usize,
        prices: Option<&[f64]>,
        limit: usize,
    ) -> Vec<Recommendation> {
        Recommender::new(cohort).recommend(cohort, mentee, prices, limit)
    }

    #[test]
    fn recommendations_are_the_best_allowed_mentors_in_order() {
        let cohort = people::cohort(50, 400, 2, 7);
        let top = recommend(&cohort, 3, None, 10);
        assert_eq!(top.len(), 10);
        for pair in top.windows(2) {
            assert!(pair[0].score >= pair[1].score);
        }
        let all = recommend(&cohort, 3, None, usize::MAX);
        assert_eq!(&all[..10], &top[..]);
        for r in &all {
            let mentor = &cohort.mentors[r.mentor as usize];
            let expected = crate::score::score(&cohort.mentees[3], mentor, &cohort.weights);
            assert_eq!(r.score, expected.total);
        }
        let allowed = cohort
            .mentors
            .iter()
            .filter(|m| m.languages & cohort.mentees[3].languages != 0)
            .count();
        assert_eq!(all.len(), allowed);
    }

    #[test]
    fn a_congested_mentor_drops_below_one_with_room() {
        let cohort = people::cohort(5, 40, 2, 11);
        let plain = recommend(&cohort, 0, None, 3);
        let mut prices = vec![0.0; 40];
        prices[plain[0].mentor as usize] = 1.0;
        let spread = recommend(&cohort, 0, Some(&prices), 3);
        assert_eq!(spread[0].mentor, plain[1].mentor);
        assert!(spread.iter().all(|r| r.mentor != plain[0].mentor));
    }
}
