//! Meetings in the store: each change of state is one conditional statement that only one
//! caller can win, a private note is read by its author alone, and reminders and due
//! notices are claimed once.

use lodestar_domain::mentoring::{Cadence, MeetingState, MemberRole};
use lodestar_domain::{ActionItemId, MeetingId, MentorshipId, NoteId};
use lodestar_store::action_items::{self, NewActionItem};
use lodestar_store::meetings::{self, NewMeeting};
use lodestar_store::mentorships::{self, NewMentorship};
use lodestar_store::{meeting_notes, now_ms};

use crate::support::{account, backend_tests};

backend_tests! {
    async fn a_meeting_moves_once_and_a_private_note_stays_with_its_author(db) {
        let mentor = account(db, "Mina Mentor", "mina@example.org").await;
        let mentee = account(db, "Ted Mentee", "ted@example.org").await;
        let mentorship = MentorshipId::new();
        let meeting = MeetingId::new();
        let now = now_ms();
        let mut tx = db.begin().await.unwrap();
        mentorships::insert(&mut tx, &NewMentorship {
            id: mentorship,
            request: None,
            members: vec![(mentor.id, MemberRole::Mentor), (mentee.id, MemberRole::Mentee)],
            goals: String::new(),
            focus_areas: vec![],
            skills: vec![],
            cadence: Cadence::Weekly,
            expected_end_on: None,
            actor: mentor.id,
            programme: None,
        }).await.unwrap();
        meetings::insert(&mut tx, &NewMeeting {
            id: meeting,
            mentorship,
            organizer: mentor.id,
            starts_at: now + 3_600_000,
            duration_minutes: 30,
            time_zone: "UTC".into(),
            location: String::new(),
            agenda: String::new(),
        }, now).await.unwrap();
        meeting_notes::insert(&mut tx, NoteId::new(), meeting, mentee.id, true, "mine alone", now).await.unwrap();
        meeting_notes::insert(&mut tx, NoteId::new(), meeting, mentee.id, false, "for both", now).await.unwrap();
        action_items::insert(&mut tx, &NewActionItem {
            id: ActionItemId::new(),
            mentorship,
            meeting: Some(meeting),
            title: "Read".into(),
            owner: mentee.id,
            created_by: mentor.id,
            due_on: Some("2000-01-01".into()),
        }, now).await.unwrap();
        tx.commit().await.unwrap();

        let theirs = meeting_notes::list_for_viewer(db, meeting, mentor.id).await.unwrap();
        assert_eq!(theirs.iter().map(|n| n.body.as_str()).collect::<Vec<_>>(), ["for both"]);
        assert_eq!(meeting_notes::list_for_viewer(db, meeting, mentee.id).await.unwrap().len(), 2);

        let mut tx = db.begin().await.unwrap();
        assert_eq!(meetings::claim_reminders(&mut tx, now, now + 86_400_000).await.unwrap().len(), 1);
        assert!(meetings::claim_reminders(&mut tx, now, now + 86_400_000).await.unwrap().is_empty());
        assert_eq!(action_items::claim_due(&mut tx, "2000-01-01", now).await.unwrap().len(), 1);
        assert!(action_items::claim_due(&mut tx, "2000-01-01", now).await.unwrap().is_empty());
        assert!(meetings::set_outcome(&mut tx, meeting, true, now).await.unwrap());
        assert!(!meetings::set_outcome(&mut tx, meeting, true, now).await.unwrap(), "held once");
        assert!(!meetings::cancel(&mut tx, meeting, "", now).await.unwrap(), "a held meeting is not cancelled");
        assert!(meetings::set_outcome(&mut tx, meeting, false, now).await.unwrap());
        tx.commit().await.unwrap();
        let stored = meetings::get(db, meeting).await.unwrap().unwrap();
        assert_eq!(stored.state, MeetingState::NoShow);
        assert_eq!(stored.sequence, 0);
    }
}
