//! The mentors a mentee's recommendations leave out: asked already, mentoring them, not
//! accepting requests, or full.

use lodestar_domain::mentoring::{Cadence, MemberRole};
use lodestar_domain::{MentorshipId, PersonId};
use lodestar_store::Db;
use lodestar_store::leave_out;
use lodestar_store::mentorships::{self, NewMentorship};

use crate::support::{account, backend_tests};

async fn request(db: &Db, mentor: PersonId, mentee: PersonId, state: &str) {
    sqlx::query(
        "INSERT INTO mentorship_requests (id, mentor_id, mentee_id, initiator, message, cadence, \
         duration_weeks, state, created_at, expires_at) \
         VALUES ($1, $2, $3, 'mentee', 'Hello', 'monthly', 12, $4, 1, 2)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(mentor.to_string())
    .bind(mentee.to_string())
    .bind(state)
    .execute(db.writer())
    .await
    .unwrap();
}

async fn mentorship(db: &Db, mentor: PersonId, mentees: &[PersonId]) {
    let mut members = vec![(mentor, MemberRole::Mentor)];
    members.extend(mentees.iter().map(|&m| (m, MemberRole::Mentee)));
    let mut tx = db.begin().await.unwrap();
    mentorships::insert(
        &mut tx,
        &NewMentorship {
            id: MentorshipId::new(),
            request: None,
            members,
            goals: String::new(),
            focus_areas: vec![],
            skills: vec![],
            cadence: Cadence::Monthly,
            expected_end_on: None,
            actor: mentor,
            programme: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn capacity(db: &Db, person: PersonId, places: i64) {
    sqlx::query("UPDATE persons SET is_mentor = 1, mentor_capacity = $1 WHERE id = $2")
        .bind(places)
        .bind(person.to_string())
        .execute(db.writer())
        .await
        .unwrap();
}

backend_tests! {
    async fn a_mentee_is_not_shown_mentors_asked_already_mentoring_them_closed_or_full(db) {
        let me = account(db, "Ted Mentee", "ted@example.org").await.id;
        let other = account(db, "Oli Other", "oli@example.org").await.id;
        let mut mentors = Vec::new();
        for k in 0..8 {
            let id = account(db, &format!("Mentor {k}"), &format!("m{k}@example.org")).await.id;
            capacity(db, id, 2).await;
            mentors.push(id);
        }
        let [pending, declined, expired, withdrawn, mine, closed, full, room] = mentors[..] else {
            unreachable!()
        };
        request(db, pending, me, "pending").await;
        request(db, declined, me, "declined").await;
        request(db, expired, me, "expired").await;
        request(db, withdrawn, me, "withdrawn").await;
        request(db, room, other, "declined").await;
        mentorship(db, mine, &[me]).await;
        sqlx::query("INSERT INTO mentor_standing (person_id, accepting, updated_at) VALUES ($1, 0, 1)")
            .bind(closed.to_string())
            .execute(db.writer())
            .await
            .unwrap();
        // Two mentee members in one mentorship (a circle) fill two places; one elsewhere
        // leaves a place.
        mentorship(db, full, &[other, withdrawn]).await;
        mentorship(db, room, &[other]).await;

        let mut left_out = leave_out::for_mentee(db, me).await.unwrap();
        left_out.sort();
        let mut expected = vec![pending, declined, expired, mine, closed, full];
        expected.sort();
        assert_eq!(left_out, expected);

        // For the other mentee: their own mentors and the full or closed ones.
        let mut theirs = leave_out::for_mentee(db, other).await.unwrap();
        theirs.sort();
        let mut expected = vec![closed, full, room];
        expected.sort();
        assert_eq!(theirs, expected);

        // A mentorship that ends frees the place and the pair.
        sqlx::query("UPDATE mentorships SET state = 'completed'")
            .execute(db.writer())
            .await
            .unwrap();
        let mut after = leave_out::for_mentee(db, me).await.unwrap();
        after.sort();
        let mut expected = vec![pending, declined, expired, closed];
        expected.sort();
        assert_eq!(after, expected);
    }
}
