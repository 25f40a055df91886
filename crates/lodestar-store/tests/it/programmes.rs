//! Programmes: the whole definition read back as written, admins replaced in one go, the
//! newest first with archived ones apart.

use lodestar_domain::programme::{
    Dates, Format, Matching, Purpose, Question, QuestionDraft, Rules,
};
use lodestar_domain::{PersonId, ProgrammeId};
use lodestar_store::programmes::{self, Programme};

use crate::support::{account, backend_tests};

fn programme(name: &str, created_at: i64) -> Programme {
    let questions = Question::parse_all(&[
        QuestionDraft {
            kind: "single_choice".into(),
            text: "How do you like to meet?".into(),
            options: vec!["Online".into(), "In person".into()],
            match_rule: Some("same".into()),
            weight: Some(2.0),
            ..QuestionDraft::default()
        },
        QuestionDraft {
            kind: "scale".into(),
            text: "How sure are you?".into(),
            scale_max: Some(7),
            required: true,
            ..QuestionDraft::default()
        },
    ])
    .unwrap();
    Programme {
        id: ProgrammeId::new(),
        name: name.into(),
        description: "A spring cohort.".into(),
        purposes: vec![Purpose::CareerDevelopment, Purpose::Confidence],
        dates: Dates::parse("2027-01-01", "2027-01-31", "2027-02-01", "2027-06-30").unwrap(),
        matching: Matching::Cohort,
        format: Format::Circle,
        rules: Rules {
            different_department: true,
            min_score: 40,
            mentor_capacity: Some(3),
            circle_size: 5,
            circle_mentors: 2,
        },
        invitation_only: true,
        needs_approval: false,
        questions,
        admins: Vec::new(),
        created_by: None,
        invitation_code: "secret".into(),
        created_at,
        updated_at: created_at,
        archived_at: None,
    }
}

backend_tests! {
    async fn a_programme_reads_back_as_written_with_its_admins(db) {
        let ada = account(db, "Ada", "ada@example.org").await;
        let bob = account(db, "Bob", "bob@example.org").await;
        let mut p = programme("Spring", 1_000);
        p.created_by = Some(ada.id);
        p.admins = vec![(bob.id, String::new()), (ada.id, String::new()), (bob.id, String::new())];
        let mut tx = db.begin().await.unwrap();
        programmes::insert(&mut tx, &p).await.unwrap();
        lodestar_store::commit(tx).await.unwrap();

        let found = programmes::get(db, p.id).await.unwrap().expect("stored");
        assert_eq!(found.admins, vec![(ada.id, "Ada".to_owned()), (bob.id, "Bob".to_owned())]);
        assert_eq!(Programme { admins: p.admins.clone(), ..found }, p);
        assert!(programmes::is_programme_admin(db, bob.id, p.id).await.unwrap());

        let mut tx = db.begin().await.unwrap();
        programmes::set_admins(&mut tx, p.id, &[ada.id]).await.unwrap();
        let edited = Programme { name: "Spring, again".into(), format: Format::OneToOne,
            rules: Rules { circle_size: 1, circle_mentors: 1, mentor_capacity: None, ..p.rules }, questions: Vec::new(),
            updated_at: 2_000, ..p.clone() };
        assert!(programmes::update(&mut tx, &edited).await.unwrap());
        lodestar_store::commit(tx).await.unwrap();
        let found = programmes::get(db, p.id).await.unwrap().unwrap();
        assert_eq!(found.admins, vec![(ada.id, "Ada".to_owned())]);
        assert_eq!(Programme { admins: Vec::new(), ..found }, Programme { admins: Vec::new(), ..edited });
        assert!(!programmes::is_programme_admin(db, bob.id, p.id).await.unwrap());
        assert_eq!(programmes::existing_persons(db, &[bob.id, PersonId::new()]).await.unwrap(), vec![bob.id]);
    }

    async fn programmes_are_listed_newest_first_and_archived_ones_apart(db) {
        let mut ids = Vec::new();
        for i in 0..5 {
            let p = programme(&format!("Cohort {i}"), 1_000 + i);
            let mut tx = db.begin().await.unwrap();
            programmes::insert(&mut tx, &p).await.unwrap();
            lodestar_store::commit(tx).await.unwrap();
            ids.push(p.id);
        }
        assert!(programmes::archive(&mut *crate::support::writer(db).await, ids[4], 9_000).await.unwrap());
        assert!(!programmes::archive(&mut *crate::support::writer(db).await, ids[4], 9_001).await.unwrap());
        let (total, page) = programmes::list(db, false, 1, 3).await.unwrap();
        assert_eq!(total, 4);
        assert_eq!(page.iter().map(|p| p.id).collect::<Vec<_>>(), vec![ids[3], ids[2], ids[1]]);
        let (_, rest) = programmes::list(db, false, 2, 3).await.unwrap();
        assert_eq!(rest.iter().map(|p| p.id).collect::<Vec<_>>(), vec![ids[0]]);
        let (archived, found) = programmes::list(db, true, 1, 3).await.unwrap();
        assert_eq!((archived, found[0].id, found[0].archived_at), (1, ids[4], Some(9_000)));
    }
}

mod enrolments {
    use std::collections::BTreeMap;

    use lodestar_domain::EnrolmentId;
    use lodestar_domain::programme::{EnrolmentRole, EnrolmentState, RawAnswer};
    use lodestar_store::StoreError;
    use lodestar_store::enrolments::{self, Enrolment, Filter};
    use lodestar_store::programmes;

    use super::programme;
    use crate::support::{account, backend_tests};

    fn enrolment(
        p: &programmes::Programme,
        person: lodestar_domain::PersonId,
        at: i64,
    ) -> Enrolment {
        Enrolment {
            id: EnrolmentId::new(),
            programme_id: p.id,
            person_id: person,
            person_name: String::new(),
            role: EnrolmentRole::Both,
            answers: BTreeMap::from([
                ("0".to_owned(), RawAnswer::One("Online".into())),
                ("1".to_owned(), RawAnswer::Number(4)),
            ]),
            state: EnrolmentState::Pending,
            created_at: at,
            updated_at: at,
            decided_by: None,
            decided_at: None,
        }
    }

    backend_tests! {
        async fn one_live_enrolment_per_person_and_programme_and_each_move_once(db) {
            let ada = account(db, "Ada", "ada@example.org").await;
            let bob = account(db, "Bob", "bob@example.org").await;
            let p = programme("Spring", 1_000);
            let mut tx = db.begin().await.unwrap();
            programmes::insert(&mut tx, &p).await.unwrap();
            let first = enrolment(&p, ada.id, 10);
            enrolments::insert(&mut tx, &first).await.unwrap();
            lodestar_store::commit(tx).await.unwrap();
            assert!(enrolments::any(db, p.id).await.unwrap());

            let found = enrolments::get(db, first.id).await.unwrap().unwrap();
            assert_eq!(found, Enrolment { person_name: "Ada".into(), ..first.clone() });

            // A second live one is refused by the index, whatever the service checked.
            let mut tx = db.begin().await.unwrap();
            let twice = enrolments::insert(&mut tx, &enrolment(&p, ada.id, 11)).await;
            assert!(matches!(twice, Err(StoreError::Conflict { what: "enrolment" })), "{twice:?}");
            drop(tx);

            let mut tx = db.begin().await.unwrap();
            let from = [EnrolmentState::Pending];
            assert!(enrolments::set_state(&mut tx, first.id, &from, EnrolmentState::Approved, Some(bob.id), 20).await.unwrap());
            assert!(!enrolments::set_state(&mut tx, first.id, &from, EnrolmentState::Declined, Some(bob.id), 21).await.unwrap(),
                "moved once only");
            let live = [EnrolmentState::Pending, EnrolmentState::Approved];
            assert!(enrolments::set_state(&mut tx, first.id, &live, EnrolmentState::Withdrawn, None, 30).await.unwrap());
            // Withdrawn, it is no longer live: the person may enrol again.
            let again = enrolment(&p, ada.id, 40);
            enrolments::insert(&mut tx, &again).await.unwrap();
            enrolments::insert(&mut tx, &enrolment(&p, bob.id, 50)).await.unwrap();
            lodestar_store::commit(tx).await.unwrap();

            let withdrawn = enrolments::get(db, first.id).await.unwrap().unwrap();
            assert_eq!((withdrawn.state, withdrawn.decided_by, withdrawn.decided_at), (EnrolmentState::Withdrawn, None, None));
            let latest = enrolments::latest_of(db, ada.id, &[p.id]).await.unwrap();
            assert_eq!(latest[&p.id].id, again.id);
            let (total, page) = enrolments::list(db, p.id, Filter { state: Some(EnrolmentState::Pending), role: None }, 1, 1).await.unwrap();
            assert_eq!((total, page.len(), page[0].person_name.as_str()), (2, 1, "Ada"));
            let counts = enrolments::counts(db, p.id).await.unwrap();
            assert_eq!(counts[&(EnrolmentState::Pending, EnrolmentRole::Both)], 2);
            assert_eq!(counts[&(EnrolmentState::Withdrawn, EnrolmentRole::Both)], 1);
        }
    }
}

mod match_runs {
    use lodestar_domain::MatchRunId;
    use lodestar_domain::programme::MatchRunState;
    use lodestar_store::StoreError;
    use lodestar_store::match_runs::{self, MatchRun};
    use lodestar_store::programmes;

    use super::programme;
    use crate::support::backend_tests;

    fn run(p: &programmes::Programme, at: i64) -> MatchRun {
        MatchRun {
            id: MatchRunId::new(),
            programme_id: p.id,
            state: MatchRunState::Running,
            objective: "max_total".into(),
            min_score: 10,
            stage: "Starting".into(),
            edits: "{}".into(),
            result: None,
            error: None,
            created_by: None,
            created_at: at,
            updated_at: at,
            published_at: None,
            mentorships_created: None,
        }
    }

    backend_tests! {
        async fn one_run_solves_at_a_time_and_each_moves_on_once(db) {
            let p = programme("Spring", 1_000);
            let mut tx = db.begin().await.unwrap();
            programmes::insert(&mut tx, &p).await.unwrap();
            lodestar_store::commit(tx).await.unwrap();
            let first = run(&p, 10);
            match_runs::insert(&mut *crate::support::writer(db).await, &first).await.unwrap();
            let second = match_runs::insert(&mut *crate::support::writer(db).await, &run(&p, 11)).await;
            assert!(matches!(second, Err(StoreError::Conflict { what: "match_run" })), "{second:?}");

            match_runs::set_stage(db, first.id, "Solving", 12).await.unwrap();
            assert_eq!(match_runs::get(db, first.id).await.unwrap().unwrap().stage, "Solving");
            assert!(match_runs::finish(db, first.id, "{\"certified\":true}", "{}", 20).await.unwrap());
            assert!(!match_runs::finish(db, first.id, "{}", "{}", 21).await.unwrap(), "finished once");
            let done = match_runs::get(db, first.id).await.unwrap().unwrap();
            assert_eq!((done.state, done.result.as_deref(), done.stage.as_str()), (MatchRunState::Draft, Some("{\"certified\":true}"), ""));

            // A draft solves again, once; then it is published once.
            assert!(match_runs::resolve(&mut *crate::support::writer(db).await, first.id, "{\"lock\":[]}", 30).await.unwrap());
            assert!(!match_runs::resolve(&mut *crate::support::writer(db).await, first.id, "{}", 31).await.unwrap());
            assert!(match_runs::finish(db, first.id, "{}", "{\"lock\":[]}", 40).await.unwrap());
            let mut tx = db.begin().await.unwrap();
            assert!(match_runs::publish(&mut tx, first.id, 0, 50).await.unwrap());
            assert!(!match_runs::publish(&mut tx, first.id, 0, 51).await.unwrap(), "published once");
            match_runs::set_created(&mut tx, first.id, 7).await.unwrap();
            lodestar_store::commit(tx).await.unwrap();
            let published = match_runs::get(db, first.id).await.unwrap().unwrap();
            assert_eq!((published.state, published.mentorships_created, published.published_at), (MatchRunState::Published, Some(7), Some(50)));

            // A run left running by a stopped process fails after its silence; a fresh one does not.
            let stale = run(&p, 100);
            match_runs::insert(&mut *crate::support::writer(db).await, &stale).await.unwrap();
            assert_eq!(match_runs::fail_abandoned(db, 150, 60).await.unwrap(), 0);
            assert_eq!(match_runs::fail_abandoned(db, 200, 60).await.unwrap(), 1);
            let failed = match_runs::get(db, stale.id).await.unwrap().unwrap();
            assert_eq!(failed.state, MatchRunState::Failed);
            assert!(failed.error.unwrap().contains("stopped"));
            let listed = match_runs::list_for(db, p.id).await.unwrap();
            assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), vec![stale.id, first.id], "newest first");
            assert!(listed.iter().all(|r| r.result.is_none()), "lists leave the drafts out");
        }
    }
}

mod imports {
    use lodestar_domain::programme::{EnrolmentRole, EnrolmentState};
    use lodestar_domain::{EnrolmentId, PersonId};
    use lodestar_store::enrolments::{self, Enrolment};
    use lodestar_store::imports::{
        self, EnrolmentUpdate, ImportWrite, Invitation, InvitationMail, NewInvitee,
    };
    use lodestar_store::{StoreError, invitations, programmes};

    use super::programme;
    use crate::support::{account, backend_tests};

    fn invitee(name: &str, email: &str) -> NewInvitee {
        NewInvitee {
            id: PersonId::new(),
            name: name.into(),
            email: email.into(),
            department: "Research".into(),
            is_mentor: false,
            wants_mentor: true,
            search_text: name.to_lowercase(),
        }
    }

    fn approved(p: &programmes::Programme, person: PersonId) -> Enrolment {
        Enrolment {
            id: EnrolmentId::new(),
            programme_id: p.id,
            person_id: person,
            person_name: String::new(),
            role: EnrolmentRole::Mentee,
            answers: Default::default(),
            state: EnrolmentState::Approved,
            created_at: 10,
            updated_at: 10,
            decided_by: None,
            decided_at: None,
        }
    }

    backend_tests! {
        async fn an_import_makes_unlisted_accounts_whose_invitation_sets_the_password_once(db) {
            let ada = account(db, "Ada", "ada@example.org").await;
            let p = programme("Imported", 1_000);
            let mut tx = db.begin().await.unwrap();
            programmes::insert(&mut tx, &p).await.unwrap();
            lodestar_store::commit(tx).await.unwrap();

            let cy = invitee("Cy", "cy@example.org");
            let write = ImportWrite {
                accounts: vec![cy.clone()],
                invitations: vec![Invitation { person: cy.id, token_hash: "hash-of-cy".into() }],
                enrolments: vec![approved(&p, cy.id), approved(&p, ada.id)],
                ..ImportWrite::default()
            };
            let mail = InvitationMail { person: cy.id, recipient: cy.email.clone(), recipient_name: "Cy".into(),
                subject: "You are invited".into(), body: "Set your password".into() };
            let now = lodestar_store::now_ms();
            let mut tx = db.begin().await.unwrap();
            imports::write(&mut tx, p.id, ada.id, &write, &[mail], now, now + 60_000).await.unwrap();
            lodestar_store::commit(tx).await.unwrap();

            let known = imports::known_by_email(db, &["cy@example.org".into(), "ada@example.org".into(),
                "nobody@example.org".into()]).await.unwrap();
            assert_eq!(known.len(), 2);
            assert!(!known["cy@example.org"].activated);
            assert_eq!(known["cy@example.org"].invitation_expires_at, Some(now + 60_000));
            assert_eq!(known["cy@example.org"].department, "Research");
            assert!(known["ada@example.org"].activated);
            assert_eq!(enrolments::approved_in(&mut db.begin().await.unwrap(), p.id).await.unwrap().len(), 2);
            let listed = || async {
                use sqlx::Row;
                sqlx::query("SELECT listed FROM persons WHERE email = 'cy@example.org'")
                    .fetch_one(db.reader()).await.unwrap().try_get::<i64, _>("listed").unwrap()
            };
            assert_eq!(listed().await, 0, "not in the directory before the invitation is taken up");

            let live = invitations::live(db, "hash-of-cy").await.unwrap().expect("a live invitation");
            assert_eq!((live.person, live.programme, live.programme_name.as_deref()), (cy.id, Some(p.id), Some("Imported")));
            assert!(invitations::live(db, "another hash").await.unwrap().is_none());
            let account = invitations::accept(db, "hash-of-cy", "argon2-hash").await.unwrap();
            assert_eq!((account.id, account.password_hash.as_str()), (cy.id, "argon2-hash"));
            assert!(matches!(invitations::accept(db, "hash-of-cy", "again").await, Err(StoreError::NotFound)), "once only");
            let known = imports::known_by_email(db, &["cy@example.org".into()]).await.unwrap();
            assert!(known["cy@example.org"].activated);
            assert_eq!(known["cy@example.org"].invitation_expires_at, None);
            assert_eq!(listed().await, 1);
        }

        async fn what_changed_since_the_file_was_checked_refuses_the_whole_import(db) {
            let ada = account(db, "Ada", "ada@example.org").await;
            let bob = account(db, "Bob", "bob@example.org").await;
            let p = programme("Raced", 1_000);
            let bobs = approved(&p, bob.id);
            let mut tx = db.begin().await.unwrap();
            programmes::insert(&mut tx, &p).await.unwrap();
            enrolments::insert(&mut tx, &bobs).await.unwrap();
            lodestar_store::commit(tx).await.unwrap();
            let now = lodestar_store::now_ms();
            let persons = || async {
                use sqlx::Row;
                sqlx::query("SELECT COUNT(*) AS n FROM persons").fetch_one(db.reader()).await.unwrap()
                    .try_get::<i64, _>("n").unwrap()
            };

            // Someone registered with the e-mail since: the unique e-mail refuses it.
            let taken = ImportWrite { accounts: vec![invitee("Another Ada", "ada@example.org")], ..ImportWrite::default() };
            let mut tx = db.begin().await.unwrap();
            let refused = imports::write(&mut tx, p.id, ada.id, &taken, &[], now, now).await;
            assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{refused:?}");
            drop(tx);

            // Bob was enrolled since: the live-enrolment index refuses a second.
            let twice = ImportWrite { accounts: vec![invitee("Dee", "dee@example.org")],
                enrolments: vec![approved(&p, bob.id)], ..ImportWrite::default() };
            let mut tx = db.begin().await.unwrap();
            let refused = imports::write(&mut tx, p.id, ada.id, &twice, &[], now, now).await;
            assert!(matches!(refused, Err(StoreError::Conflict { what: "enrolment" })), "{refused:?}");
            drop(tx);

            // Bob withdrew since: his enrolment is no longer there to bring up to date.
            let mut tx = db.begin().await.unwrap();
            assert!(enrolments::set_state(&mut tx, bobs.id, &[EnrolmentState::Approved], EnrolmentState::Withdrawn, None, 20).await.unwrap());
            lodestar_store::commit(tx).await.unwrap();
            let stale = ImportWrite { accounts: vec![invitee("Eve", "eve@example.org")],
                updates: vec![EnrolmentUpdate { id: bobs.id, role: EnrolmentRole::Mentor, answers_json: "{}".into() }],
                ..ImportWrite::default() };
            let mut tx = db.begin().await.unwrap();
            let refused = imports::write(&mut tx, p.id, ada.id, &stale, &[], now, now).await;
            assert!(matches!(refused, Err(StoreError::Conflict { what: "enrolment" })), "{refused:?}");
            drop(tx);

            assert_eq!(persons().await, 2, "nobody made: each import rolled back whole");
            let known = imports::known_by_email(db, &["dee@example.org".into(), "eve@example.org".into()]).await.unwrap();
            assert!(known.is_empty());
        }
    }
}
