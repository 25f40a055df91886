//! The mentors a mentee's recommendations leave out for now: those already asked, those
//! already mentoring them, those who take no requests and those with no free place.
//!
//! Read per request, like blocks ([`crate::blocks::involving`]): a request, a decline or an
//! acceptance concerns a few people and does not move the directory generation, so it
//! counts at once without rebuilding anyone's recommendations.

use lodestar_domain::PersonId;
use sqlx::Row;

use crate::Db;
use crate::error::Result;
use crate::persons::parse_id;

/// In one query, the mentors to leave out of `mentee`'s recommendations:
/// - a request between them is pending, or was declined or expired (asked already: the
///   mentee sees their next mentors instead; a withdrawn request may be sent again);
/// - they mentor the mentee in an active or paused mentorship;
/// - they take no requests (`mentor_standing.accepting = 0`);
/// - their mentee members in active and paused mentorships fill their capacity.
pub async fn for_mentee(db: &Db, mentee: PersonId) -> Result<Vec<PersonId>> {
    sqlx::query(
        "SELECT mentor_id AS other FROM mentorship_requests \
         WHERE mentee_id = $1 AND state IN ('pending', 'declined', 'expired') \
         UNION SELECT mentor.person_id AS other FROM mentorship_members me \
         JOIN mentorships m ON m.id = me.mentorship_id AND m.state IN ('active', 'paused') \
         AND m.kind = 'ongoing' \
         JOIN mentorship_members mentor ON mentor.mentorship_id = m.id AND mentor.role = 'mentor' \
         AND mentor.person_id IS NOT NULL \
         WHERE me.person_id = $1 AND me.role = 'mentee' \
         UNION SELECT person_id AS other FROM mentor_standing WHERE accepting = 0 \
         UNION SELECT mine.person_id AS other FROM mentorship_members mine \
         JOIN mentorships m ON m.id = mine.mentorship_id AND m.state IN ('active', 'paused') \
         AND m.kind = 'ongoing' \
         JOIN mentorship_members taken ON taken.mentorship_id = m.id AND taken.role = 'mentee' \
         AND taken.person_id IS NOT NULL \
         JOIN persons p ON p.id = mine.person_id \
         WHERE mine.role = 'mentor' \
         GROUP BY mine.person_id, p.mentor_capacity \
         HAVING COUNT(*) >= p.mentor_capacity",
    )
    .bind(mentee.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| parse_id(&row.try_get::<String, _>("other")?))
    .collect()
}
