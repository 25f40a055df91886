//! The skills catalogue: adding, listing, resolving, renaming, retiring and merging.

use lodestar_domain::{ProfileData, SkillId, SkillKind};
use lodestar_store::StoreError;
use lodestar_store::profiles::{self, Relation};
use lodestar_store::skills;

use crate::support::{
    backend_tests, claim, insert_people, merge, new_skill, person, seed_skills, writer,
};

backend_tests! {
    async fn skills_are_listed_by_category_and_name_and_found_by_slug_id_or_name(db) {
        let ids = seed_skills(db).await;
        let mut soft = new_skill("active-listening", "Active listening", SkillKind::Soft);
        soft.category = "Communication".into();
        soft.levels = (1..=5).map(|l| format!("level {l}")).collect();
        skills::insert(&mut *writer(db).await, &soft).await.unwrap();

        let listed: Vec<String> = skills::list(db, false).await.unwrap().into_iter().map(|s| s.slug).collect();
        assert_eq!(listed, ["active-listening", "kubernetes", "public-speaking", "python", "rust"]);
        assert_eq!(skills::count(db).await.unwrap(), 5);

        let by_slug = skills::resolve(db, "rust").await.unwrap().expect("by slug");
        assert_eq!(by_slug.id, ids.rust);
        let by_id = skills::resolve(db, &ids.rust.to_string()).await.unwrap().expect("by id");
        assert_eq!(by_id.slug, "rust");
        let by_name = skills::resolve(db, "  PUBLIC Speaking ").await.unwrap().expect("by name");
        assert_eq!(by_name.id, ids.speaking);
        assert_eq!(by_name.kind, SkillKind::Soft);
        assert!(skills::resolve(db, "cobol").await.unwrap().is_none());

        let stored = skills::get(db, soft.id).await.unwrap();
        assert_eq!(stored.levels.len(), 5);
        assert_eq!(stored.category, "Communication");
        assert_eq!(stored.description, "Active listening, for tests");
        assert!(!stored.retired);
        assert_eq!(stored.merged_into, None);
        assert!(matches!(skills::get(db, SkillId::new()).await, Err(StoreError::NotFound)));
    }

    async fn a_taken_slug_or_name_is_a_conflict_and_insert_many_skips_them(db) {
        seed_skills(db).await;
        let same_slug = skills::insert(&mut *writer(db).await, &new_skill("rust", "Rust language", SkillKind::Technical)).await;
        assert!(matches!(same_slug, Err(StoreError::Conflict { what: "skill_slug" })), "got {same_slug:?}");
        let same_name = skills::insert(&mut *writer(db).await, &new_skill("rust-lang", "RUST", SkillKind::Technical)).await;
        assert!(matches!(same_name, Err(StoreError::Conflict { what: "skill_name" })), "got {same_name:?}");

        let added = skills::insert_many(
            db,
            &[
                new_skill("rust", "Rust again", SkillKind::Technical),
                new_skill("go", "Go", SkillKind::Technical),
                new_skill("python-3", "Python", SkillKind::Technical),
            ],
        )
        .await
        .unwrap();
        assert_eq!(added, 1, "only Go is new");
        assert_eq!(skills::count(db).await.unwrap(), 5);
    }

    async fn renaming_a_skill_keeps_its_slug_and_profiles_follow(db) {
        let ids = seed_skills(db).await;
        let mut ana = person("Ana");
        ana.profile.growth_skills = vec![claim(ids.kubernetes, 2)];
        insert_people(db, std::slice::from_ref(&ana)).await;

        skills::update(&mut *writer(db).await, ids.kubernetes, "Kubernetes (K8s)", "Infrastructure", "Containers")
            .await
            .unwrap();
        let renamed = skills::get(db, ids.kubernetes).await.unwrap();
        assert_eq!(renamed.slug, "kubernetes");
        assert_eq!(renamed.name, "Kubernetes (K8s)");
        assert_eq!(renamed.category, "Infrastructure");
        let loaded = profiles::load(db, ana.id).await.unwrap();
        assert_eq!(loaded.skills[0].name, "Kubernetes (K8s)");
        assert_eq!(
            skills::resolve(db, "kubernetes (k8s)").await.unwrap().map(|s| s.id),
            Some(ids.kubernetes)
        );
        let clash = skills::update(&mut *writer(db).await, ids.kubernetes, "Rust", "Infrastructure", "").await;
        assert!(matches!(clash, Err(StoreError::Conflict { what: "skill_name" })), "got {clash:?}");
        assert!(matches!(
            skills::update(&mut *writer(db).await, SkillId::new(), "X", "Y", "").await,
            Err(StoreError::NotFound)
        ));
    }

    async fn a_retired_skill_leaves_the_list_but_stays_on_profiles(db) {
        let ids = seed_skills(db).await;
        let mut ana = person("Ana");
        ana.profile.mentor_skills = vec![claim(ids.python, 3)];
        insert_people(db, std::slice::from_ref(&ana)).await;

        skills::set_retired(&mut *writer(db).await, ids.python, true).await.unwrap();
        let retired = skills::get(db, ids.python).await.unwrap();
        assert!(retired.retired);
        let active: Vec<String> = skills::list(db, false).await.unwrap().into_iter().map(|s| s.slug).collect();
        assert!(!active.contains(&"python".to_owned()));
        let everything = skills::list(db, true).await.unwrap();
        assert_eq!(everything.len(), 4);
        let loaded = profiles::load(db, ana.id).await.unwrap();
        assert_eq!(loaded.skills.len(), 1);
        assert!(loaded.skills[0].retired);
        assert_eq!(skills::resolve(db, "python").await.unwrap().map(|s| s.retired), Some(true));

        skills::set_retired(&mut *writer(db).await, ids.python, false).await.unwrap();
        let restored = skills::get(db, ids.python).await.unwrap();
        assert!(!restored.retired);
        assert!(matches!(skills::set_retired(&mut *writer(db).await, SkillId::new(), true).await, Err(StoreError::NotFound)));
    }

    async fn merging_moves_profiles_keeps_the_higher_level_and_retires_the_source(db) {
        let ids = seed_skills(db).await;
        let py3 = new_skill("python-3", "Python 3", SkillKind::Technical);
        let py2 = new_skill("python-2", "Python 2", SkillKind::Technical);
        skills::insert_many(db, &[py3.clone(), py2.clone()]).await.unwrap();
        // An older merge into the skill that is now merged away.
        merge(db, py2.id, py3.id).await.unwrap();

        // Both, the source higher: the higher level wins.
        let mut ana = person("Ana");
        ana.profile.is_mentor = true;
        ana.profile.mentor_capacity = 1;
        ana.profile.mentor_skills = vec![claim(ids.rust, 2), claim(py3.id, 4), claim(ids.python, 2)];
        // Only the source, and on the other list too.
        let mut ben = person("Ben");
        ben.profile.mentor_skills = vec![claim(py3.id, 3)];
        ben.profile.growth_skills = vec![claim(py3.id, 1)];
        // Both, the target higher: the target's level stays.
        let mut cai = person("Cai");
        cai.profile.growth_skills = vec![claim(ids.python, 5), claim(py3.id, 1)];
        // Neither: untouched.
        let mut dee = person("Dee");
        dee.profile.mentor_skills = vec![claim(ids.rust, 5)];
        insert_people(db, &[ana.clone(), ben.clone(), cai.clone(), dee.clone()]).await;

        let moved = merge(db, py3.id, ids.python).await.unwrap();
        assert_eq!(moved, 2, "Ben's two entries moved; Ana's and Cai's were folded in");

        let levels = |profile: &ProfileData, relation: Relation| -> Vec<(SkillId, i64)> {
            let claims = match relation {
                Relation::Mentors => &profile.mentor_skills,
                Relation::Grows => &profile.growth_skills,
            };
            claims.iter().map(|c| (c.skill, i64::from(c.level))).collect()
        };
        let ana = profiles::load(db, ana.id).await.unwrap();
        assert_eq!(levels(&ana.profile, Relation::Mentors), [(ids.rust, 2), (ids.python, 4)]);
        let ben = profiles::load(db, ben.id).await.unwrap();
        assert_eq!(levels(&ben.profile, Relation::Mentors), [(ids.python, 3)]);
        assert_eq!(levels(&ben.profile, Relation::Grows), [(ids.python, 1)]);
        let cai = profiles::load(db, cai.id).await.unwrap();
        assert_eq!(levels(&cai.profile, Relation::Grows), [(ids.python, 5)]);
        let dee = profiles::load(db, dee.id).await.unwrap();
        assert_eq!(levels(&dee.profile, Relation::Mentors), [(ids.rust, 5)]);

        let source = skills::get(db, py3.id).await.unwrap();
        assert!(source.retired);
        assert_eq!(source.merged_into, Some(ids.python));
        let older = skills::get(db, py2.id).await.unwrap();
        assert_eq!(older.merged_into, Some(ids.python), "earlier merges are flattened");
        for old in ["python-3", "python-2", "Python 3", &py3.id.to_string()] {
            let resolved = skills::resolve(db, old).await.unwrap().expect("still resolves");
            assert_eq!(resolved.id, ids.python, "{old} resolves to the target");
        }
        let usage = skills::usage_counts(db).await.unwrap();
        assert!(!usage.iter().any(|(id, _)| *id == py3.id), "nothing uses the source");
        assert!(matches!(
            skills::set_retired(&mut *writer(db).await, py3.id, false).await,
            Err(StoreError::NotFound)
        ), "a merged skill cannot be brought back");
    }

    async fn merging_an_unknown_skill_changes_nothing(db) {
        let ids = seed_skills(db).await;
        let mut ana = person("Ana");
        ana.profile.growth_skills = vec![claim(ids.rust, 2)];
        insert_people(db, std::slice::from_ref(&ana)).await;
        let merged = merge(db, SkillId::new(), ids.rust).await;
        assert!(matches!(merged, Err(StoreError::NotFound)), "got {merged:?}");
        assert_eq!(profiles::load(db, ana.id).await.unwrap().skills.len(), 1);
    }
}
