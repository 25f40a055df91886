//! Recommendations for one mentee: the mentors who fit best, with reasons, spread so that
//! everyone is not sent to the same few popular mentors.
//!
//! Every allowed mentor is scored, from the cohort's tables ([`Recommender`]): tens of
//! thousands of scores take well under a millisecond. The ranking is by score less the mentor's *congestion price* when one is
//! known: the dual price a whole-cohort match puts on the mentor's places
//! ([`crate::cohort`]). A mentor whose places many mentees want has a high price, so the
//! mentees who fit them best still see them first, while the others see the excellent
//! mentors who still have room. Without prices the ranking is by score alone.
//!
//! Recommendations are shown to the mentee, so they are scored as the mentee may see the
//! mentors ([`Visibility::Public`]): what a mentor keeps private neither ranks them nor
//! appears in a reason ([`crate::score::Profile::as_seen`]). The mentee's own fields all
//! serve the mentee.

use crate::cohort::Cohort;
use crate::lens::{Lens, Mentors, Tables, skill_ids};
use crate::score::{Audience, Explained, Visibility, Vocabulary, explain};

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
/// alone. Mentors the hard rules exclude (no shared language, no free places, the
/// department rule on the fields the mentee may see, …) are never recommended, nor those
/// in `blocked`.
///
/// Blocks are the caller's to give, as they are now: the cohort's own `blocked` is not
/// read, so that a block or its lifting counts at once without rebuilding the tables.
pub struct Recommender {
    mentors: Mentors,
    tables: Tables,
    skills: usize,
    visibility: Visibility,
}

impl Recommender {
    /// The tables for `cohort`, over the mentors as `mentors_seen` sees them:
    /// [`Visibility::Public`] for anything a mentee receives, [`Visibility::All`] only for
    /// the operator.
    pub fn new(cohort: &Cohort, mentors_seen: Visibility) -> Self {
        let mentors = Mentors::new(&cohort.mentors, mentors_seen);
        let tables = Tables::new(cohort, &mentors);
        let skills = skill_ids(cohort);
        Recommender {
            mentors,
            tables,
            skills,
            visibility: mentors_seen,
        }
    }

    /// See the type; `cohort` is the one this was built from, `blocked` the mentors kept
    /// from `mentee` by a block either way, or left out for any other reason of the
    /// caller's (indices into `cohort.mentors`, in any order).
    pub fn recommend(
        &self,
        cohort: &Cohort,
        mentee: usize,
        blocked: &[u32],
        prices: Option<&[f64]>,
        limit: usize,
    ) -> Vec<Recommendation> {
        let mut blocked: Vec<(u32, u32)> = blocked.iter().map(|&j| (mentee as u32, j)).collect();
        blocked.sort_unstable();
        blocked.dedup();
        let lens = Lens::new(&self.tables, cohort, mentee, &blocked);
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

    /// A recommendation's reasons, in words, from the fields it was scored on (see
    /// [`crate::score::explain`]); its score equals the recommendation's.
    pub fn reasons(
        &self,
        cohort: &Cohort,
        mentee: usize,
        recommendation: &Recommendation,
        mentor_name: &str,
        words: &dyn Vocabulary,
    ) -> Explained {
        let audience = match self.visibility {
            Visibility::Public => Audience::Mentee,
            Visibility::All => Audience::Operator,
        };
        explain(
            &cohort.mentees[mentee],
            &cohort.mentors[recommendation.mentor as usize],
            mentor_name,
            &cohort.weights,
            words,
            audience,
        )
    }
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
        Recommender::new(cohort, Visibility::All).recommend(cohort, mentee, &[], prices, limit)
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
            .filter(|m| crate::score::relevant(&cohort.mentees[3], m))
            .count();
        assert_eq!(all.len(), allowed);
    }

    #[test]
    fn the_relevance_rule_keeps_out_mentors_who_offer_nothing_asked_for() {
        let mut cohort = people::cohort(40, 300, 2, 13);
        let mut left_out = 0;
        for mentee in 0..cohort.mentees.len() {
            let on = recommend(&cohort, mentee, None, usize::MAX);
            for r in &on {
                let mentor = &cohort.mentors[r.mentor as usize];
                assert!(crate::score::relevant(&cohort.mentees[mentee], mentor));
            }
            cohort.rules.relevance = false;
            let off = recommend(&cohort, mentee, None, usize::MAX);
            cohort.rules.relevance = true;
            assert!(off.len() >= on.len());
            left_out += off.len() - on.len();
        }
        assert!(left_out > 0, "the rule leaves some mentors out");
    }

    #[test]
    fn a_mentee_is_ranked_mentors_by_what_they_let_others_see() {
        use crate::score::{Private, Profile, Visibility::Public};
        let mut cohort = people::cohort(20, 300, 2, 5);
        let private = Private::YEARS_EXPERIENCE | Private::TIME_ZONE | Private::DEPARTMENT;
        for mentor in cohort.mentors.iter_mut().step_by(3) {
            mentor.private = private;
        }
        // Mentor 1 is mentor 0's twin but for the values mentor 0 keeps private.
        cohort.mentors[1] = Profile {
            years_experience: Some(40),
            utc_offset_minutes: Some(-600),
            department: Some(999),
            ..cohort.mentors[0].clone()
        };
        let recommender = Recommender::new(&cohort, Public);
        let mut compared = 0;
        for mentee in 0..cohort.mentees.len() {
            let all = recommender.recommend(&cohort, mentee, &[], None, usize::MAX);
            for r in &all {
                let mentor = cohort.mentors[r.mentor as usize].as_seen(Public);
                let expected =
                    crate::score::score(&cohort.mentees[mentee], &mentor, &cohort.weights);
                assert_eq!(r.score.to_bits(), expected.total.to_bits());
                let explained = recommender.reasons(&cohort, mentee, r, "M", &Words);
                assert_eq!(explained.score.to_bits(), r.score.to_bits());
            }
            let twins: Vec<f64> = all
                .iter()
                .filter(|r| r.mentor < 2)
                .map(|r| r.score)
                .collect();
            if twins.len() == 2 {
                assert_eq!(twins[0], twins[1], "mentee {mentee}");
                compared += 1;
            }
        }
        assert!(compared > 5, "{compared}");
        let blocked = recommender.recommend(&cohort, 0, &[0, 1], None, usize::MAX);
        assert!(
            blocked.iter().all(|r| r.mentor > 1),
            "blocks are the caller's"
        );
    }

    struct Words;
    impl Vocabulary for Words {
        fn skill(&self, _: u32) -> &str {
            "a skill"
        }
        fn industry(&self, _: u32) -> &str {
            "an industry"
        }
        fn focus_area(&self, _: u32) -> &str {
            "a focus area"
        }
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
