//! The directory generation moves with every write the directory shows, and only then.

use lodestar_domain::ProfileData;
use lodestar_store::profiles::{self, Derived};
use lodestar_store::skills;
use lodestar_store::{blocks, generations};

use crate::support::{account, backend_tests, claim, insert_people, person, seed_skills};

backend_tests! {
    async fn the_directory_generation_moves_with_each_write_it_shows(db) {
        let mut seen = generations::directory(db).await.unwrap();
        let mut moved = async |what: &str| {
            let now = generations::directory(db).await.unwrap();
            assert!(now > seen, "{what} moves the directory generation ({seen} -> {now})");
            seen = now;
        };

        let ada = account(db, "Ada", "ada@example.org").await;
        moved("registering").await;

        let skills = seed_skills(db).await;
        moved("adding skills").await;

        let profile = ProfileData {
            headline: "Engineer".into(),
            mentor_skills: vec![claim(skills.rust, 4)],
            ..ProfileData::default()
        };
        profiles::save(db, ada.id, "Ada", &profile, &Derived::default()).await.unwrap();
        moved("saving a profile").await;

        skills::set_retired(&mut *crate::support::writer(db).await, skills.kubernetes, true).await.unwrap();
        moved("retiring a skill").await;

        crate::support::merge(db, skills.python, skills.rust).await.unwrap();
        moved("merging skills").await;

        insert_people(db, &[person("Bo"), person("Cy")]).await;
        moved("inserting people in bulk").await;

        let eve = account(db, "Eve", "eve@example.org").await;
        moved("registering").await;
        // A block concerns two people only: it leaves everyone else's caches alone.
        let before = generations::directory(db).await.unwrap();
        blocks::block(db, ada.id, eve.id).await.unwrap();
        assert_eq!(generations::directory(db).await.unwrap(), before, "a block does not move the directory generation");
        assert_eq!(blocks::blocked_by(db, ada.id).await.unwrap(), vec![eve.id]);
        assert_eq!(blocks::all(db).await.unwrap(), vec![(ada.id, eve.id)]);
        assert_eq!(blocks::involving(db, ada.id).await.unwrap(), vec![eve.id]);
        assert_eq!(blocks::involving(db, eve.id).await.unwrap(), vec![ada.id], "either way");
        blocks::unblock(db, ada.id, eve.id).await.unwrap();
        assert_eq!(generations::directory(db).await.unwrap(), before);
        assert!(blocks::all(db).await.unwrap().is_empty());
        assert!(blocks::involving(db, eve.id).await.unwrap().is_empty());
        assert!(blocks::unblock(db, ada.id, eve.id).await.is_err(), "no block to lift");
        assert!(blocks::block(db, ada.id, ada.id).await.is_err(), "the database refuses a block of oneself");
    }

    async fn the_directory_generation_ignores_passwords_admin_rights_and_tokens(db) {
        let ada = account(db, "Ada", "ada@example.org").await;
        let before = generations::directory(db).await.unwrap();
        lodestar_store::persons::set_password_hash(db, ada.id, "another-hash").await.unwrap();
        lodestar_store::persons::set_admin(&mut *crate::support::writer(db).await, ada.id, true).await.unwrap();
        let window = lodestar_store::throttle::Window::Quiet { ms: 60_000 };
        lodestar_store::throttle::hit(db, "login:ada", lodestar_store::now_ms(), window).await.unwrap();
        assert_eq!(generations::directory(db).await.unwrap(), before);
    }
}
