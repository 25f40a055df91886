//! Changing mentorships in the store: moves only from the states they may start from, a
//! reflection once per member, ratings read only by their author, and the activity clock
//! that stalled detection reads.

use lodestar_domain::mentoring::{Cadence, MemberRole, MentorshipState};
use lodestar_domain::{MentorshipId, PersonId};
use lodestar_store::mentorships::{self, Move, NewMentorship};
use lodestar_store::{Db, now_ms};

use crate::support::{account, backend_tests};

const DAY: i64 = 24 * 60 * 60 * 1000;

async fn mentorship(db: &Db, mentor: PersonId, mentee: PersonId) -> MentorshipId {
    let id = MentorshipId::new();
    let mut tx = db.begin().await.unwrap();
    mentorships::insert(
        &mut tx,
        &NewMentorship {
            id,
            request: None,
            members: vec![(mentor, MemberRole::Mentor), (mentee, MemberRole::Mentee)],
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
    id
}

backend_tests! {
    async fn a_move_happens_only_from_a_state_it_may_start_from(db) {
        let mentor = account(db, "Mina Mentor", "mina@example.org").await.id;
        let mentee = account(db, "Ted Mentee", "ted@example.org").await.id;
        let id = mentorship(db, mentor, mentee).await;
        let mut tx = db.begin().await.unwrap();
        let now = now_ms();
        assert!(!mentorships::make_move(&mut tx, id, Move::Resume, None, now).await.unwrap());
        assert!(mentorships::make_move(&mut tx, id, Move::Pause { resume_on: "2099-01-01" }, None, now).await.unwrap());
        assert!(!mentorships::make_move(&mut tx, id, Move::Pause { resume_on: "2099-02-01" }, None, now).await.unwrap());
        // A resume by the calendar waits for the day.
        assert!(!mentorships::make_move(&mut tx, id, Move::Resume, Some("2098-12-31"), now).await.unwrap());
        assert!(mentorships::make_move(&mut tx, id, Move::Resume, Some("2099-01-01"), now).await.unwrap());
        assert!(mentorships::make_move(&mut tx, id, Move::Cancel, None, now).await.unwrap());
        for step in [Move::Complete, Move::Cancel, Move::Resume, Move::Pause { resume_on: "2099-01-01" }] {
            assert!(!mentorships::make_move(&mut tx, id, step, None, now).await.unwrap(), "{step:?}");
        }
        assert_eq!(mentorships::state_of(&mut tx, id).await.unwrap(), Some(MentorshipState::Cancelled));
        // Ended: the agreement cannot change, and a cancelled mentorship takes no reflection.
        let changes = mentorships::AgreementChanges { goals: Some("late".into()), ..Default::default() };
        assert!(!mentorships::update_agreement(&mut tx, id, &changes, now).await.unwrap());
        assert!(!mentorships::record_reflection(&mut tx, id, mentee, "Too late", Some(3)).await.unwrap());
        tx.commit().await.unwrap();
    }

    async fn each_member_reflects_once_and_reads_only_their_own_rating(db) {
        let mentor = account(db, "Mina Mentor", "mina@example.org").await.id;
        let mentee = account(db, "Ted Mentee", "ted@example.org").await.id;
        let id = mentorship(db, mentor, mentee).await;
        let mut tx = db.begin().await.unwrap();
        assert!(!mentorships::record_reflection(&mut tx, id, mentee, "Early", Some(4)).await.unwrap(), "not completed yet");
        assert!(mentorships::make_move(&mut tx, id, Move::Complete, None, now_ms()).await.unwrap());
        assert!(mentorships::record_reflection(&mut tx, id, mentee, "Grew a lot", Some(4)).await.unwrap());
        assert!(!mentorships::record_reflection(&mut tx, id, mentee, "Again", Some(1)).await.unwrap());
        assert!(mentorships::record_reflection(&mut tx, id, mentor, "", Some(2)).await.unwrap());
        tx.commit().await.unwrap();

        let as_mentor = mentorships::get(db, id, mentor).await.unwrap().unwrap();
        let ratings: Vec<Option<i64>> = as_mentor.members.iter().map(|m| m.rating).collect();
        assert_eq!(ratings, [Some(2), None]);
        assert_eq!(as_mentor.members[1].reflection, "Grew a lot");
        let as_mentee = mentorships::get(db, id, mentee).await.unwrap().unwrap();
        let ratings: Vec<Option<i64>> = as_mentee.members.iter().map(|m| m.rating).collect();
        assert_eq!(ratings, [None, Some(4)]);
        // Email hidden by default on a new profile.
        assert!(as_mentee.members.iter().all(|m| m.email.is_none()));
    }

    async fn activity_restarts_the_stalled_clock_and_lifts_the_flag(db) {
        let mentor = account(db, "Mina Mentor", "mina@example.org").await.id;
        let mentee = account(db, "Ted Mentee", "ted@example.org").await.id;
        let id = mentorship(db, mentor, mentee).await;
        let later = now_ms() + 22 * DAY;
        let quiet_since = later - 21 * DAY;
        assert_eq!(mentorships::newly_stalled(db, quiet_since, later).await.unwrap(), [id]);
        let mut tx = db.begin().await.unwrap();
        let quiet = mentorships::flag_stalled(&mut tx, id, quiet_since, later).await.unwrap().unwrap();
        assert!(quiet.never_met);
        assert_eq!(mentorships::flag_stalled(&mut tx, id, quiet_since, later).await.unwrap(), None);
        tx.commit().await.unwrap();
        assert_eq!(mentorships::stalled(db).await.unwrap().len(), 1);
        assert!(mentorships::newly_stalled(db, quiet_since, later).await.unwrap().is_empty());

        let mut tx = db.begin().await.unwrap();
        mentorships::touch_activity(&mut tx, id, later).await.unwrap();
        // The clock never goes back.
        mentorships::touch_activity(&mut tx, id, later - 5 * DAY).await.unwrap();
        tx.commit().await.unwrap();
        assert!(mentorships::stalled(db).await.unwrap().is_empty());
        let record = mentorships::get(db, id, mentor).await.unwrap().unwrap().mentorship;
        assert_eq!(record.last_activity_at, later);
        assert_eq!(record.stalled_since, None);
        assert!(mentorships::newly_stalled(db, later + DAY - 21 * DAY, later + DAY).await.unwrap().is_empty());
    }
}
