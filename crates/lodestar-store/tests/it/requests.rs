//! Requests in the store: one open request per pair (the unique index as a conflict), each
//! request leaving `pending` once, and a mentor's run of unanswered requests.

use lodestar_domain::mentoring::{Cadence, Initiator, RequestState};
use lodestar_domain::{FocusArea, PersonId, RequestId};
use lodestar_store::StoreError;
use lodestar_store::requests::{self, Direction, NewRequest};

use crate::support::{account, backend_tests, seed_skills};

fn new_request(mentor: PersonId, mentee: PersonId, expires_at: i64) -> NewRequest {
    NewRequest {
        id: RequestId::new(),
        mentor,
        mentee,
        initiator: Initiator::Mentee,
        message: "Hello".into(),
        skills: Vec::new(),
        focus_areas: vec![FocusArea::Networking],
        cadence: Cadence::Weekly,
        duration_weeks: 8,
        created_at: 1_000,
        expires_at,
        programme: None,
        reviewed: false,
    }
}

backend_tests! {
    async fn a_second_open_request_between_the_same_two_is_a_conflict_until_the_first_is_decided(db) {
        let mentor = account(db, "Mina Mentor", "mina@example.org").await;
        let mentee = account(db, "Ted Mentee", "ted@example.org").await;
        let skills = seed_skills(db).await;
        let mut first = new_request(mentor.id, mentee.id, 10_000);
        first.skills = vec![skills.rust, skills.speaking];
        let mut tx = db.begin().await.unwrap();
        requests::insert(&mut tx, &first).await.unwrap();
        tx.commit().await.unwrap();

        // Whoever sends it: an offer between the same two is the same pair.
        let mut offer = new_request(mentor.id, mentee.id, 10_000);
        offer.initiator = Initiator::Mentor;
        let mut tx = db.begin().await.unwrap();
        let err = requests::insert(&mut tx, &offer).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { what: "open_request" }), "{err:?}");
        drop(tx);

        let stored = requests::get(db, first.id).await.unwrap();
        assert_eq!(stored.skills, vec![skills.rust, skills.speaking]);
        assert_eq!(stored.focus_areas, vec![FocusArea::Networking]);
        assert_eq!((stored.mentor_name.as_str(), stored.mentee_name.as_str()), ("Mina Mentor", "Ted Mentee"));
        assert_eq!((stored.sender(), stored.receiver()), (mentee.id, mentor.id));
        let names = requests::skill_names(db, &stored.skills).await.unwrap();
        assert_eq!(names.len(), 2);

        let mut tx = db.begin().await.unwrap();
        assert!(requests::decide(&mut tx, first.id, RequestState::Declined, "Busy", 2_000).await.unwrap());
        requests::insert(&mut tx, &offer).await.unwrap();
        tx.commit().await.unwrap();
        let incoming = requests::list(db, mentee.id, Some(Direction::Incoming), None, 10).await.unwrap();
        assert_eq!(incoming.iter().map(|r| r.id).collect::<Vec<_>>(), vec![offer.id]);
        let outgoing = requests::list(db, mentee.id, Some(Direction::Outgoing), None, 10).await.unwrap();
        assert_eq!(outgoing.iter().map(|r| r.id).collect::<Vec<_>>(), vec![first.id]);
        let declined = requests::list(db, mentor.id, None, Some(RequestState::Declined), 10).await.unwrap();
        assert_eq!(declined[0].decline_reason, "Busy");
    }

    async fn a_request_leaves_pending_once_and_expires_only_when_due(db) {
        let mentor = account(db, "Mina Mentor", "mina@example.org").await;
        let mentee = account(db, "Ted Mentee", "ted@example.org").await;
        let request = new_request(mentor.id, mentee.id, 10_000);
        let mut tx = db.begin().await.unwrap();
        requests::insert(&mut tx, &request).await.unwrap();
        assert!(!requests::expire(&mut tx, request.id, 9_999).await.unwrap(), "not due");
        assert_eq!(requests::due_to_expire(db, 10_000, 10).await.unwrap(), Vec::<RequestId>::new(), "uncommitted");
        tx.commit().await.unwrap();
        assert_eq!(requests::due_for_reminder(db, 5_000, 5_000, 10).await.unwrap(), vec![request.id]);
        assert_eq!(requests::due_for_reminder(db, 4_999, 5_000, 10).await.unwrap(), Vec::<RequestId>::new());
        let mut tx = db.begin().await.unwrap();
        assert!(requests::mark_reminded(&mut tx, request.id, 5_000).await.unwrap());
        assert!(!requests::mark_reminded(&mut tx, request.id, 5_001).await.unwrap(), "reminded once");
        assert!(requests::expire(&mut tx, request.id, 10_000).await.unwrap());
        assert!(!requests::expire(&mut tx, request.id, 10_001).await.unwrap());
        for next in [RequestState::Accepted, RequestState::Declined, RequestState::Withdrawn] {
            assert!(!requests::decide(&mut tx, request.id, next, "", 11_000).await.unwrap(), "{next}");
        }
        tx.commit().await.unwrap();
        let stored = requests::get(db, request.id).await.unwrap();
        assert_eq!((stored.state, stored.decided_at, stored.reminded_at), (RequestState::Expired, Some(10_000), Some(5_000)));
    }

    async fn a_mentors_run_of_unanswered_requests_counts_up_and_turns_requests_off_once(db) {
        let mentor = account(db, "Mina Mentor", "mina@example.org").await;
        let mut tx = db.begin().await.unwrap();
        assert_eq!(requests::standing(&mut tx, mentor.id).await.unwrap(), requests::Standing::default());
        assert_eq!(requests::count_expired(&mut tx, mentor.id, 1).await.unwrap(), 1);
        assert_eq!(requests::count_expired(&mut tx, mentor.id, 2).await.unwrap(), 2);
        requests::reset_expired_in_a_row(&mut tx, mentor.id).await.unwrap();
        assert_eq!(requests::count_expired(&mut tx, mentor.id, 3).await.unwrap(), 1);
        assert!(requests::pause_silent(&mut tx, mentor.id, "silent", 4).await.unwrap());
        assert!(!requests::pause_silent(&mut tx, mentor.id, "silent", 5).await.unwrap(), "once");
        let standing = requests::standing(&mut tx, mentor.id).await.unwrap();
        assert!(!standing.accepting);
        assert_eq!(standing.paused_reason, "silent");
        requests::set_accepting(&mut tx, mentor.id, true).await.unwrap();
        let standing = requests::standing(&mut tx, mentor.id).await.unwrap();
        assert!(standing.accepting);
        assert_eq!((standing.expired_in_a_row, standing.paused_reason.as_str()), (0, ""));
        tx.commit().await.unwrap();
    }
}
