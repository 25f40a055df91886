//! The demo's running programme, given the months it has lived: its published
//! mentorships read back with their mentor and mentee, and each one restated as it stands
//! after a life begun on the programme's start date — its dates, state, ending and ratings,
//! with the rows the publish dated "now" (members, the timeline's start, the thread, the
//! match notices, the pair's connection) moved back to that start. The sessions, notes and
//! growth records that fill those months go through `bulk_mentoring` and `bulk_growth`.

use lodestar_domain::ProgrammeId;
use sqlx::Row;

use crate::Db;
use crate::error::Result;

/// One of a programme's mentorships: its id and its members' person ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgrammeMentorship {
    pub id: String,
    pub mentor_id: String,
    pub mentee_ids: Vec<String>,
}

/// The programme's mentorships with their members, ordered by mentor and then id.
pub async fn mentorships(db: &Db, programme: ProgrammeId) -> Result<Vec<ProgrammeMentorship>> {
    let rows = sqlx::query(
        "SELECT m.id, mm.person_id, mm.role FROM mentorships m \
         JOIN mentorship_members mm ON mm.mentorship_id = m.id \
         WHERE m.programme_id = $1 AND mm.person_id IS NOT NULL ORDER BY m.id, mm.role",
    )
    .bind(programme.to_string())
    .fetch_all(db.reader())
    .await?;
    let mut found: Vec<ProgrammeMentorship> = Vec::new();
    for row in rows {
        let id: String = row.try_get("id")?;
        let person: String = row.try_get("person_id")?;
        let role: String = row.try_get("role")?;
        if found.last().is_none_or(|m| m.id != id) {
            found.push(ProgrammeMentorship {
                id,
                mentor_id: String::new(),
                mentee_ids: Vec::new(),
            });
        }
        if let Some(m) = found.last_mut() {
            if role == "mentor" {
                m.mentor_id = person;
            } else {
                m.mentee_ids.push(person);
            }
        }
    }
    found.sort_by(|a, b| (&a.mentor_id, &a.mentee_ids).cmp(&(&b.mentor_id, &b.mentee_ids)));
    Ok(found)
}

/// A member's closing words on a completed mentorship.
#[derive(Clone, Debug)]
pub struct Closing {
    pub person_id: String,
    pub reflection: String,
    pub rating: Option<i64>,
}

/// How one existing mentorship stands after the life it has lived. Times are epoch ms.
#[derive(Clone, Debug)]
pub struct Restated {
    pub id: String,
    pub mentor_id: String,
    pub mentee_ids: Vec<String>,
    pub state: &'static str,
    pub goals: String,
    pub started_at: i64,
    pub updated_at: i64,
    pub ended_at: Option<i64>,
    pub last_activity_at: i64,
    pub stalled_since: Option<i64>,
    pub resume_on: Option<String>,
    /// When its members read the notice the match sent them.
    pub notice_read_at: i64,
    pub closing: Vec<Closing>,
}

/// Restates the mentorships in one transaction, a few conditional updates each.
pub async fn restate(db: &Db, mentorships: &[Restated]) -> Result<()> {
    let mut tx = db.writer().begin().await?;
    for m in mentorships {
        sqlx::query(
            "UPDATE mentorships SET state = $2, goals = $3, created_at = $4, updated_at = $5, \
             ended_at = $6, last_activity_at = $7, stalled_since = $8, resume_on = $9 \
             WHERE id = $1",
        )
        .bind(&m.id)
        .bind(m.state)
        .bind(&m.goals)
        .bind(m.started_at)
        .bind(m.updated_at)
        .bind(m.ended_at)
        .bind(m.last_activity_at)
        .bind(m.stalled_since)
        .bind(m.resume_on.clone())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE mentorship_members SET joined_at = $2 WHERE mentorship_id = $1")
            .bind(&m.id)
            .bind(m.started_at)
            .execute(&mut *tx)
            .await?;
        for c in &m.closing {
            sqlx::query(
                "UPDATE mentorship_members SET reflection = $3, rating = $4 \
                 WHERE mentorship_id = $1 AND person_id = $2",
            )
            .bind(&m.id)
            .bind(&c.person_id)
            .bind(&c.reflection)
            .bind(c.rating)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE mentorship_events SET at = $2 WHERE mentorship_id = $1 AND kind = 'started'",
        )
        .bind(&m.id)
        .bind(m.started_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE thread_members SET joined_at = $2 WHERE thread_id IN \
             (SELECT id FROM threads WHERE mentorship_id = $1)",
        )
        .bind(&m.id)
        .bind(m.started_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE threads SET created_at = $2, last_activity_at = $2 WHERE mentorship_id = $1",
        )
        .bind(&m.id)
        .bind(m.started_at)
        .execute(&mut *tx)
        .await?;
        // Each member's notice, and each pair's connection, found by their own keys.
        for person in std::iter::once(&m.mentor_id).chain(&m.mentee_ids) {
            sqlx::query(
                "UPDATE notifications SET created_at = $3, read_at = $4 \
                 WHERE person_id = $1 AND kind = 'programme_matched' AND link = $2",
            )
            .bind(person)
            .bind(format!("/mentorships/{}", m.id))
            .bind(m.started_at)
            .bind(m.notice_read_at)
            .execute(&mut *tx)
            .await?;
        }
        for mentee in &m.mentee_ids {
            let (low, high) = if m.mentor_id < *mentee {
                (&m.mentor_id, mentee)
            } else {
                (mentee, &m.mentor_id)
            };
            sqlx::query(
                "UPDATE connections SET created_at = $3, accepted_at = $3 \
                 WHERE low_id = $1 AND high_id = $2 AND source = 'mentorship' AND created_at > $3",
            )
            .bind(low)
            .bind(high)
            .bind(m.started_at)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
