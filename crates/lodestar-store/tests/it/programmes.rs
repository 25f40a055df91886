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
        },
        invitation_only: true,
        needs_approval: false,
        questions,
        admins: Vec::new(),
        created_by: None,
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
            rules: Rules { circle_size: 1, mentor_capacity: None, ..p.rules }, questions: Vec::new(),
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
        assert!(programmes::archive(db, ids[4], 9_000).await.unwrap());
        assert!(!programmes::archive(db, ids[4], 9_001).await.unwrap());
        let (total, page) = programmes::list(db, false, 1, 3).await.unwrap();
        assert_eq!(total, 4);
        assert_eq!(page.iter().map(|p| p.id).collect::<Vec<_>>(), vec![ids[3], ids[2], ids[1]]);
        let (_, rest) = programmes::list(db, false, 2, 3).await.unwrap();
        assert_eq!(rest.iter().map(|p| p.id).collect::<Vec<_>>(), vec![ids[0]]);
        let (archived, found) = programmes::list(db, true, 1, 3).await.unwrap();
        assert_eq!((archived, found[0].id, found[0].archived_at), (1, ids[4], Some(9_000)));
    }
}
