//! Conversation threads in the store: every request and mentorship has one from the
//! transaction that makes it (and migration 9 gave one to those already there), a
//! mentorship continues its request's thread, read marks and unread counts, pages and the
//! catch-up after a cursor, the e-mail clock's claims, and suspension.

use lodestar_domain::mentoring::{Cadence, Initiator, MemberRole, NotificationKind};
use lodestar_domain::{MentorshipId, MessageId, PersonId, RequestId, ThreadId};
use lodestar_store::mentorships::{self, NewMentorship};
use lodestar_store::messages::{self, NewMessage};
use lodestar_store::notifications::{self, Notice};
use lodestar_store::requests::{self, NewRequest};
use lodestar_store::threads::{self, EmailDue};
use lodestar_store::{Db, moderation, now_ms};
use sqlx::Row;

use crate::support::{TestDb, account, backend_tests};

async fn request(db: &Db, mentor: PersonId, mentee: PersonId) -> RequestId {
    let id = RequestId::new();
    let now = now_ms();
    let mut tx = db.begin().await.unwrap();
    requests::insert(
        &mut tx,
        &NewRequest {
            id,
            mentor,
            mentee,
            initiator: Initiator::Mentee,
            message: "Hello".into(),
            skills: vec![],
            focus_areas: vec![],
            cadence: Cadence::Weekly,
            duration_weeks: 8,
            created_at: now,
            expires_at: now + 1_000_000,
            programme: None,
            reviewed: false,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn mentorship(
    db: &Db,
    request: Option<RequestId>,
    mentor: PersonId,
    mentee: PersonId,
) -> MentorshipId {
    let id = MentorshipId::new();
    let mut tx = db.begin().await.unwrap();
    mentorships::insert(
        &mut tx,
        &NewMentorship {
            id,
            request,
            members: vec![(mentor, MemberRole::Mentor), (mentee, MemberRole::Mentee)],
            goals: String::new(),
            focus_areas: vec![],
            skills: vec![],
            cadence: Cadence::Weekly,
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

async fn write(db: &Db, thread: ThreadId, author: PersonId, body: &str) -> MessageId {
    let id = MessageId::new();
    let mut tx = db.begin().await.unwrap();
    let at = now_ms();
    let new = NewMessage {
        id,
        thread,
        author,
        body: body.into(),
        html: format!("<p>{body}</p>"),
        render_version: 1,
        created_at: at,
    };
    messages::insert(&mut tx, &new, at + 600_000).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn member_ids(db: &Db, thread: ThreadId) -> Vec<PersonId> {
    let mut ids: Vec<PersonId> = threads::members_of(db, &[thread])
        .await
        .unwrap()
        .iter()
        .map(|m| m.person)
        .collect();
    ids.sort();
    ids
}

backend_tests! {
    async fn a_request_has_a_thread_that_its_mentorship_continues_and_a_mentorship_without_one_gets_its_own(db) {
        let mentor = account(db, "Mina Mentor", "mina@example.org").await;
        let mentee = account(db, "Ted Mentee", "ted@example.org").await;
        let r = request(db, mentor.id, mentee.id).await;
        let thread = threads::of(db, Some(r), None).await.unwrap().expect("the request's thread");
        let mut both = vec![mentor.id, mentee.id];
        both.sort();
        assert_eq!(member_ids(db, thread).await, both);
        assert_eq!(requests::get(db, r).await.unwrap().thread, Some(thread));

        let m = mentorship(db, Some(r), mentor.id, mentee.id).await;
        assert_eq!(threads::of(db, None, Some(m)).await.unwrap(), Some(thread), "the same thread goes on");
        let detail = mentorships::get(db, m, mentee.id).await.unwrap().unwrap();
        assert_eq!(detail.mentorship.thread, Some(thread));
        assert_eq!(member_ids(db, thread).await, both);

        let other = mentorship(db, None, mentor.id, mentee.id).await;
        let own = threads::of(db, None, Some(other)).await.unwrap().expect("its own thread");
        assert_ne!(own, thread);
        let mut conn = db.reader().acquire().await.unwrap();
        let record = threads::for_member(&mut conn, own, mentee.id).await.unwrap().unwrap();
        assert_eq!((record.request, record.mentorship), (None, Some(other)));
        let stranger = account(db, "Sam Stranger", "sam@example.org").await;
        assert_eq!(threads::for_member(&mut conn, own, stranger.id).await.unwrap(), None);
    }

    async fn unread_counts_follow_read_marks_and_skip_ones_own_and_deleted_messages(db) {
        let mentor = account(db, "Mina Mentor", "mina@example.org").await;
        let mentee = account(db, "Ted Mentee", "ted@example.org").await;
        let m = mentorship(db, None, mentor.id, mentee.id).await;
        let thread = threads::of(db, None, Some(m)).await.unwrap().unwrap();
        write(db, thread, mentee.id, "mine").await;
        assert_eq!(threads::unread_total(db, mentor.id).await.unwrap(), 1);
        let first = write(db, thread, mentor.id, "one").await;
        write(db, thread, mentor.id, "two").await;
        assert_eq!(threads::unread_total(db, mentee.id).await.unwrap(), 2);
        // The navigation's one read counts the same, beside the unread notifications.
        let mut tx = db.begin().await.unwrap();
        let notice = Notice {
            person: mentee.id,
            kind: NotificationKind::MessageReceived,
            title: "A message".into(),
            body: String::new(),
            link: "/messages".into(),
            calendar: None,
        };
        notifications::push(&mut tx, &notice, "http://localhost").await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(notifications::unread_badges(db, mentee.id).await.unwrap(), (1, 2));
        assert_eq!(notifications::unread_badges(db, mentor.id).await.unwrap(), (0, 0));
        // Writing is reading: the mentor's own messages moved their mark past the mentee's.
        assert_eq!(threads::unread_total(db, mentor.id).await.unwrap(), 0);
        let mut tx = db.begin().await.unwrap();
        assert!(messages::delete(&mut tx, first, mentor.id, now_ms()).await.unwrap());
        assert!(!messages::delete(&mut tx, first, mentor.id, now_ms()).await.unwrap(), "once");
        tx.commit().await.unwrap();
        assert_eq!(threads::unread_total(db, mentee.id).await.unwrap(), 1);
        let listed = threads::list_for(db, mentee.id, 10).await.unwrap();
        assert_eq!(listed[0].unread, 1);
        assert!(threads::mark_read(db, thread, mentee.id, now_ms()).await.unwrap());
        assert_eq!(threads::unread_total(db, mentee.id).await.unwrap(), 0);
        assert!(!threads::mark_read(db, thread, PersonId::new(), now_ms()).await.unwrap());
        let mut conn = db.reader().acquire().await.unwrap();
        let tombstone = messages::get(&mut conn, first).await.unwrap().unwrap();
        assert_eq!((tombstone.body.as_str(), tombstone.html.as_str()), ("", ""));
        assert!(tombstone.deleted_at.is_some());
    }

    async fn pages_go_back_by_id_and_the_catch_up_returns_what_came_after_a_cursor_in_ones_own_threads(db) {
        let mentor = account(db, "Mina Mentor", "mina@example.org").await;
        let mentee = account(db, "Ted Mentee", "ted@example.org").await;
        let other = account(db, "Olga Other", "olga@example.org").await;
        let mine = threads::of(db, None, Some(mentorship(db, None, mentor.id, mentee.id).await)).await.unwrap().unwrap();
        let theirs = threads::of(db, None, Some(mentorship(db, None, mentor.id, other.id).await)).await.unwrap().unwrap();
        let mut ids = Vec::new();
        for n in 0..5 {
            ids.push(write(db, mine, mentor.id, &format!("m{n}")).await);
            write(db, theirs, mentor.id, &format!("t{n}")).await;
        }
        let page = messages::page(db, mine, None, 2).await.unwrap();
        assert_eq!(page.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["m4", "m3"]);
        let next = messages::page(db, mine, Some(page[1].id), 2).await.unwrap();
        assert_eq!(next.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["m2", "m1"]);
        let last = messages::page(db, mine, Some(next[1].id), 2).await.unwrap();
        assert_eq!(last.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["m0"]);

        let since = messages::messages_since(db, mentee.id, Some(ids[2]), 100).await.unwrap();
        assert_eq!(since.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["m3", "m4"]);
        let all = messages::messages_since(db, mentee.id, None, 100).await.unwrap();
        assert_eq!(all.len(), 5, "only the mentee's own thread");
        assert_eq!(messages::messages_since(db, mentor.id, None, 100).await.unwrap().len(), 10);
    }

    async fn of_two_processes_due_to_email_one_member_exactly_one_claims_it(db) {
        let mentor = account(db, "Mina Mentor", "mina@example.org").await;
        let mentee = account(db, "Ted Mentee", "ted@example.org").await;
        let thread = threads::of(db, None, Some(mentorship(db, None, mentor.id, mentee.id).await)).await.unwrap().unwrap();
        write(db, thread, mentor.id, "hello").await;
        let now = now_ms() + 700_000;
        let due: Vec<EmailDue> = threads::email_due(db, now, 10).await.unwrap();
        assert_eq!(due.len(), 1, "only the reader who did not write");
        assert_eq!(due[0].person, mentee.id);
        let mut a = db.begin().await.unwrap();
        assert!(threads::claim_email(&mut a, &due[0], now, 3_600_000).await.unwrap());
        a.commit().await.unwrap();
        let mut b = db.begin().await.unwrap();
        assert!(!threads::claim_email(&mut b, &due[0], now, 3_600_000).await.unwrap());
        assert!(!threads::reschedule_email(&mut b, &due[0], Some(now + 1)).await.unwrap());
        b.commit().await.unwrap();
        assert!(threads::email_due(db, now, 10).await.unwrap().is_empty());
        let mut conn = db.reader().acquire().await.unwrap();
        let pending = threads::pending(&mut conn, thread, mentee.id).await.unwrap();
        assert_eq!(pending.count, 0, "nothing new since the e-mail");
    }

    async fn suspending_an_account_ends_its_sessions_and_revokes_its_tokens_once(db) {
        let person = account(db, "Rude Person", "rude@example.org").await;
        let now = now_ms();
        sqlx::query("INSERT INTO sessions (id, data, expires_at, person_id) VALUES ('s1', '', $1, $2)")
            .bind(now + 100_000)
            .bind(person.id.to_string())
            .execute(db.writer())
            .await
            .unwrap();
        let mut tx = db.begin().await.unwrap();
        assert!(moderation::suspend(&mut tx, person.id, now).await.unwrap());
        assert!(!moderation::suspend(&mut tx, person.id, now + 1).await.unwrap(), "once");
        tx.commit().await.unwrap();
        let left: i64 = sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE person_id = $1")
            .bind(person.id.to_string())
            .fetch_one(db.reader())
            .await
            .unwrap()
            .get("n");
        assert_eq!(left, 0);
        let account = lodestar_store::persons::find_by_id(db, person.id).await.unwrap().unwrap();
        assert_eq!(account.suspended_at, Some(now));
        assert_eq!(moderation::suspended(db).await.unwrap()[0].person, person.id);
        let mut tx = db.begin().await.unwrap();
        assert!(moderation::reinstate(&mut tx, person.id).await.unwrap());
        tx.commit().await.unwrap();
        assert!(moderation::suspended(db).await.unwrap().is_empty());
    }
}

/// Migration 9 gives every request and mentorship already there its thread.
async fn backfill(test_db: TestDb) {
    let db = &test_db.db;
    let mentor = account(db, "Mina Mentor", "mina@example.org").await;
    let mentee = account(db, "Ted Mentee", "ted@example.org").await;
    let (r, m, solo) = (RequestId::new(), MentorshipId::new(), MentorshipId::new());
    for (sql, binds) in [
        (
            "INSERT INTO mentorship_requests (id, mentor_id, mentee_id, initiator, message, cadence, \
             duration_weeks, state, mentorship_id, created_at, expires_at) \
             VALUES ($1, $2, $3, 'mentee', 'Hi', 'weekly', 8, 'accepted', $4, 1, 2)",
            vec![
                r.to_string(),
                mentor.id.to_string(),
                mentee.id.to_string(),
                m.to_string(),
            ],
        ),
        (
            "INSERT INTO mentorships (id, request_id, state, cadence, created_at, updated_at, last_activity_at) \
             VALUES ($1, $2, 'active', 'weekly', 3, 3, 3)",
            vec![m.to_string(), r.to_string()],
        ),
        (
            "INSERT INTO mentorships (id, state, cadence, created_at, updated_at, last_activity_at) \
             VALUES ($1, 'active', 'weekly', 4, 4, 4)",
            vec![solo.to_string()],
        ),
    ] {
        let mut query = sqlx::query(sql);
        for b in binds {
            query = query.bind(b);
        }
        query.execute(db.writer()).await.unwrap();
    }
    for id in [m, solo] {
        for (person, role) in [(mentor.id, "mentor"), (mentee.id, "mentee")] {
            sqlx::query("INSERT INTO mentorship_members (mentorship_id, person_id, role, joined_at) VALUES ($1, $2, $3, 5)")
                .bind(id.to_string())
                .bind(person.to_string())
                .bind(role)
                .execute(db.writer())
                .await
                .unwrap();
        }
    }
    db.migrate().await.unwrap();
    let request_thread = threads::of(db, Some(r), None).await.unwrap();
    assert_eq!(
        request_thread.map(|t| t.to_string()),
        Some(r.to_string()),
        "under the request's id"
    );
    assert_eq!(
        threads::of(db, None, Some(m)).await.unwrap(),
        request_thread,
        "continued by its mentorship"
    );
    let own = threads::of(db, None, Some(solo)).await.unwrap();
    assert_eq!(own.map(|t| t.to_string()), Some(solo.to_string()));
    for thread in [request_thread.unwrap(), own.unwrap()] {
        assert_eq!(member_ids(db, thread).await.len(), 2);
    }
    test_db.finish().await;
}

mod migration_9_gives_existing_requests_and_mentorships_their_threads {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        backfill(TestDb::sqlite_at(8).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(test_db) = TestDb::postgres_at(8).await {
            backfill(test_db).await;
        }
    }
}
