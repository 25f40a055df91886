//! The mentoring foundation: mentorships with members, the capacity count, and notices
//! that reach the inbox always and the outbox by preference.

use lodestar_domain::mentoring::{Cadence, MemberRole, MentorshipState, NotificationKind};
use lodestar_domain::{FocusArea, MentorshipId};
use lodestar_store::mentorships::{self, Membership, NewMentorship};
use lodestar_store::notifications::{self, CalendarPart, Notice};
use sqlx::Row;

use crate::support::{account, backend_tests};

backend_tests! {
    async fn a_mentorship_counts_against_its_mentors_capacity_while_open(db) {
        let mentor = account(db, "Mina Mentor", "mina@example.org").await;
        let mentee = account(db, "Ted Mentee", "ted@example.org").await;
        let stranger = account(db, "Sam Stranger", "sam@example.org").await;
        let id = MentorshipId::new();
        let mut tx = db.begin().await.unwrap();
        mentorships::lock_person(&mut tx, db.backend(), mentor.id).await.unwrap();
        assert_eq!(mentorships::places_taken(&mut tx, mentor.id).await.unwrap(), 0);
        mentorships::insert(&mut tx, &NewMentorship {
            id,
            request: None,
            members: vec![(mentor.id, MemberRole::Mentor), (mentee.id, MemberRole::Mentee)],
            goals: "Lead a team".into(),
            focus_areas: vec![FocusArea::Confidence],
            skills: vec![],
            cadence: Cadence::Fortnightly,
            expected_end_on: Some("2027-06-30".into()),
            actor: mentor.id,
            programme: None,
        })
        .await
        .unwrap();
        assert_eq!(mentorships::places_taken(&mut tx, mentor.id).await.unwrap(), 1);
        assert_eq!(mentorships::places_taken(&mut tx, mentee.id).await.unwrap(), 0);
        tx.commit().await.unwrap();

        let active = Some(Membership { role: MemberRole::Mentee, state: MentorshipState::Active });
        assert_eq!(mentorships::membership(db, id, mentee.id).await.unwrap(), active);
        assert_eq!(mentorships::membership(db, id, stranger.id).await.unwrap(), None);
        let members = mentorships::members(db, id).await.unwrap();
        assert_eq!(members, vec![(mentor.id, MemberRole::Mentor), (mentee.id, MemberRole::Mentee)]);

        sqlx::query("UPDATE mentorships SET state = 'completed' WHERE id = $1")
            .bind(id.to_string())
            .execute(db.writer())
            .await
            .unwrap();
        let mut tx = db.begin().await.unwrap();
        assert_eq!(mentorships::places_taken(&mut tx, mentor.id).await.unwrap(), 0);
    }

    async fn a_notice_reaches_the_inbox_always_and_the_outbox_unless_turned_off(db) {
        let person = account(db, "Ana Example", "ana@example.org").await;
        let notice = |kind| Notice {
            person: person.id,
            kind,
            title: "A session is scheduled".into(),
            body: "Tuesday at 10:00".into(),
            link: "/sessions/1".into(),
            calendar: Some(CalendarPart { method: "REQUEST", ics: "BEGIN:VCALENDAR".into() }),
        };
        sqlx::query(
            "INSERT INTO notification_preferences (person_id, kind, email) VALUES ($1, $2, 0)",
        )
        .bind(person.id.to_string())
        .bind(NotificationKind::SessionReminder.as_str())
        .execute(db.writer())
        .await
        .unwrap();
        let mut tx = db.begin().await.unwrap();
        notifications::push(&mut tx, &notice(NotificationKind::SessionScheduled), "https://mentor.example/")
            .await
            .unwrap();
        notifications::push(&mut tx, &notice(NotificationKind::SessionReminder), "https://mentor.example/")
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let inbox = sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE person_id = $1")
            .bind(person.id.to_string())
            .fetch_one(db.reader())
            .await
            .unwrap();
        assert_eq!(inbox.try_get::<i64, _>("n").unwrap(), 2);
        let mail = sqlx::query("SELECT recipient, subject, body, calendar_method FROM outbox")
            .fetch_all(db.reader())
            .await
            .unwrap();
        assert_eq!(mail.len(), 1, "the reminder's e-mail is turned off");
        assert_eq!(mail[0].try_get::<String, _>("recipient").unwrap(), "ana@example.org");
        assert_eq!(
            mail[0].try_get::<String, _>("body").unwrap(),
            "Tuesday at 10:00\n\nhttps://mentor.example/sessions/1\n"
        );
        assert_eq!(mail[0].try_get::<String, _>("calendar_method").unwrap(), "REQUEST");

        // Rolled back, the event's notices are gone with it.
        let mut tx = db.begin().await.unwrap();
        notifications::push(&mut tx, &notice(NotificationKind::SessionCancelled), "")
            .await
            .unwrap();
        drop(tx);
        let inbox = sqlx::query("SELECT COUNT(*) AS n FROM notifications")
            .fetch_one(db.reader())
            .await
            .unwrap();
        assert_eq!(inbox.try_get::<i64, _>("n").unwrap(), 2);
    }
}
