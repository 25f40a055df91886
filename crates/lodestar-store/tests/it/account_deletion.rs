//! Deleting an account: migration 26 keeps every member row it finds and lets a member's
//! side stay without a person; `erasure::delete_account` then takes what is the person's
//! and leaves the other side of a shared mentorship, with the foreign keys consistent.

use lodestar_domain::mentoring::{Cadence, MemberRole, MentorshipState};
use lodestar_domain::{MentorshipId, PersonId};
use lodestar_store::mentorships::{self, Move, NewMentorship};
use lodestar_store::{Backend, Db, erasure, persons};

use crate::support::{TestDb, account, seed_skills};

/// Feedback on Rust in the mentorship, from `from` to `to`.
async fn feedback(
    db: &Db,
    m: MentorshipId,
    from: PersonId,
    to: PersonId,
    skill: lodestar_domain::SkillId,
) {
    let new = lodestar_store::feedback::NewFeedback {
        id: lodestar_domain::FeedbackId::new(),
        mentorship: m,
        from,
        to,
        skill,
        meeting: None,
        request: None,
        situation: "The review".into(),
        behaviour: format!("{from} to {to}"),
        impact: "It went well".into(),
        suggestion: String::new(),
    };
    let mut tx = db.begin().await.unwrap();
    lodestar_store::feedback::insert(&mut tx, &new, 1)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn mentorship(db: &Db, mentor: PersonId, mentee: PersonId) -> MentorshipId {
    let id = MentorshipId::new();
    let new = NewMentorship {
        id,
        request: None,
        members: vec![(mentor, MemberRole::Mentor), (mentee, MemberRole::Mentee)],
        goals: "Grow".into(),
        focus_areas: Vec::new(),
        skills: Vec::new(),
        cadence: Cadence::Monthly,
        expected_end_on: None,
        actor: mentor,
        programme: None,
    };
    let mut tx = db.begin().await.unwrap();
    mentorships::insert(&mut tx, &new).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn set_contact(db: &Db, id: MentorshipId, person: PersonId, contact: &str) {
    let mut tx = db.begin().await.unwrap();
    mentorships::set_contact(&mut tx, id, person, contact)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// No row names a parent that is gone (SQLite checks it on request; PostgreSQL always).
async fn foreign_keys_hold(db: &Db) {
    if db.backend() == Backend::Sqlite {
        let broken = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(db.writer())
            .await
            .unwrap();
        assert!(
            broken.is_empty(),
            "{} rows break a foreign key",
            broken.len()
        );
    }
}

async fn keeps_members_and_lets_a_side_stay(test_db: TestDb) {
    let db = &test_db.db;
    let mentor = account(db, "Mina Mentor", "mina@example.org").await.id;
    let mentee = account(db, "Ted Mentee", "ted@example.org").await.id;
    let m = mentorship(db, mentor, mentee).await;
    set_contact(db, m, mentor, "+44 20 7946 0000").await;
    let skills = seed_skills(db).await;
    feedback(db, m, mentor, mentee, skills.rust).await;
    feedback(db, m, mentee, mentor, skills.rust).await;
    db.migrate().await.unwrap();
    foreign_keys_hold(db).await;
    assert_eq!(
        mentorships::members(db, m).await.unwrap(),
        vec![(mentor, MemberRole::Mentor), (mentee, MemberRole::Mentee)],
        "every member row is kept"
    );

    let mut tx = db.begin().await.unwrap();
    let open = erasure::open_mentorships_left_without_a_side(&mut tx, mentor)
        .await
        .unwrap();
    assert_eq!(open, vec![m]);
    assert!(erasure::delete_account(&mut tx, mentor).await.unwrap());
    tx.commit().await.unwrap();

    assert!(persons::find_by_id(db, mentor).await.unwrap().is_none());
    assert_eq!(
        mentorships::members(db, m).await.unwrap(),
        vec![(mentee, MemberRole::Mentee)]
    );
    assert_eq!(
        mentorships::departed(db, m).await.unwrap(),
        vec![MemberRole::Mentor]
    );
    let detail = mentorships::get(db, m, mentee).await.unwrap().unwrap();
    assert_eq!(detail.departed, vec![MemberRole::Mentor]);
    assert_eq!(detail.members.len(), 1);
    let contact: Option<String> = sqlx::query_scalar(
        "SELECT contact FROM mentorship_members WHERE mentorship_id = $1 AND person_id IS NULL",
    )
    .bind(m.to_string())
    .fetch_optional(db.reader())
    .await
    .unwrap();
    assert_eq!(contact.as_deref(), Some(""), "nothing of theirs stays");
    // Feedback the mentee received stays, from nobody; what they gave the mentor went.
    let kept = lodestar_store::feedback::of_person(db, mentee)
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].from.0, None);
    assert_eq!(kept[0].to.0, mentee);
    foreign_keys_hold(db).await;
    test_db.finish().await;
}

mod migration_26_keeps_every_member_and_a_deleted_side_stays_empty {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        keeps_members_and_lets_a_side_stay(TestDb::sqlite_at(25).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(test_db) = TestDb::postgres_at(25).await {
            keeps_members_and_lets_a_side_stay(test_db).await;
        }
    }
}

crate::support::backend_tests! {
    async fn a_deleted_member_row_can_keep_nothing_of_theirs(db) {
        let mentor = account(db, "Mina Mentor", "mina@example.org").await.id;
        let mentee = account(db, "Ted Mentee", "ted@example.org").await.id;
        let m = mentorship(db, mentor, mentee).await;
        set_contact(db, m, mentor, "Call me").await;
        // The database refuses a side without a person that still holds their contact.
        let refused = sqlx::query("UPDATE mentorship_members SET person_id = NULL WHERE person_id = $1")
            .bind(mentor.to_string())
            .execute(db.writer())
            .await;
        assert!(refused.is_err());
        // And deleting the person without clearing it first is refused too, not half done.
        let direct = sqlx::query("DELETE FROM persons WHERE id = $1")
            .bind(mentor.to_string())
            .execute(db.writer())
            .await;
        assert!(direct.is_err());
        assert!(persons::find_by_id(db, mentor).await.unwrap().is_some());
    }

    async fn only_a_mentorship_left_without_a_side_is_to_end(db) {
        let mentor = account(db, "Mina Mentor", "mina@example.org").await.id;
        let second = account(db, "Sam Mentor", "sam@example.org").await.id;
        let mentee = account(db, "Ted Mentee", "ted@example.org").await.id;
        let shared = mentorship(db, mentor, mentee).await;
        // A circle with a second mentor goes on without the first.
        let circle = MentorshipId::new();
        let mut tx = db.begin().await.unwrap();
        mentorships::insert(&mut tx, &NewMentorship {
            id: circle,
            request: None,
            members: vec![(mentor, MemberRole::Mentor), (second, MemberRole::Mentor), (mentee, MemberRole::Mentee)],
            goals: "Circle".into(),
            focus_areas: Vec::new(),
            skills: Vec::new(),
            cadence: Cadence::Monthly,
            expected_end_on: None,
            actor: mentor,
            programme: None,
        }).await.unwrap();
        // One already over needs no ending.
        let over = MentorshipId::new();
        mentorships::insert(&mut tx, &NewMentorship {
            id: over,
            request: None,
            members: vec![(mentor, MemberRole::Mentor), (mentee, MemberRole::Mentee)],
            goals: "Done".into(),
            focus_areas: Vec::new(),
            skills: Vec::new(),
            cadence: Cadence::Monthly,
            expected_end_on: None,
            actor: mentor,
            programme: None,
        }).await.unwrap();
        assert!(mentorships::make_move(&mut tx, over, Move::Complete, None, 1).await.unwrap());
        let to_end = erasure::open_mentorships_left_without_a_side(&mut tx, mentor).await.unwrap();
        assert_eq!(to_end, vec![shared]);
        assert!(erasure::delete_account(&mut tx, mentor).await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(mentorships::members(db, circle).await.unwrap().len(), 2);
        assert_eq!(mentorships::departed(db, circle).await.unwrap(), vec![MemberRole::Mentor]);
        assert_eq!(mentorships::departed(db, over).await.unwrap(), vec![MemberRole::Mentor]);
        let state = mentorships::get(db, over, mentee).await.unwrap().unwrap().mentorship.state;
        assert_eq!(state, MentorshipState::Completed);
        foreign_keys_hold(db).await;
    }

    async fn the_admins_are_counted_for_the_last_ones_check(db) {
        let mut tx = db.begin().await.unwrap();
        assert_eq!(erasure::count_admins_locked(&mut tx, db.backend()).await.unwrap(), 0);
        drop(tx);
        let mut admin = crate::support::new_account("Ada Admin", "ada@example.org");
        admin.admin = true;
        persons::create_account(db, &admin).await.unwrap();
        account(db, "Bob Member", "bob@example.org").await;
        let mut tx = db.begin().await.unwrap();
        assert_eq!(erasure::count_admins_locked(&mut tx, db.backend()).await.unwrap(), 1);
    }
}
