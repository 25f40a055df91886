//! Profiles: saving and loading whole, and the people directory's search.

use lodestar_domain::{FocusArea, PersonId, ProfileData, ProfileField};
use lodestar_store::StoreError;
use lodestar_store::profiles::{
    self, BulkPerson, Derived, DirectoryFilter, DirectoryPage, DirectoryRole, Relation,
};

use crate::support::{Skills, account, backend_tests, claim, insert_people, person, seed_skills};

fn names(page: &DirectoryPage) -> Vec<&str> {
    page.entries.iter().map(|e| e.name.as_str()).collect()
}

fn filter() -> DirectoryFilter {
    DirectoryFilter {
        limit: 50,
        ..DirectoryFilter::default()
    }
}

fn mentor(name: &str, claims: Vec<lodestar_domain::SkillClaim>) -> BulkPerson {
    let mut p = person(name);
    p.profile.is_mentor = true;
    p.profile.mentor_capacity = 2;
    p.profile.mentor_skills = claims;
    p
}

fn at_offset(mut p: BulkPerson, time_zone: &str, offset_minutes: i64) -> BulkPerson {
    p.profile.time_zone = time_zone.into();
    p.derived.utc_offset_minutes = offset_minutes;
    p
}

/// A small organisation to search:
/// Ana (mentor, rust 5, Finance, en+pt, Lisbon, 10 h),
/// Ben (mentor, rust 3, Health, New York, 4 h),
/// Cai (mentee growing rust 2, finance, en+de, Berlin but hides the time zone, 2 h),
/// Dee (mentor, python 4, not listed),
/// Eve (mentor, rust 4 and python 2, Tokyo, 20 h),
/// Fay (mentee, Pago Pago, UTC−11).
async fn organisation(db: &lodestar_store::Db) -> Skills {
    let skills = seed_skills(db).await;
    let mut ana = at_offset(
        mentor("Ana", vec![claim(skills.rust, 5)]),
        "Europe/Lisbon",
        0,
    );
    ana.profile.industry = "Finance".into();
    ana.profile.languages = vec!["en".into(), "pt".into()];
    ana.profile.availability_hours = 10;
    ana.derived.search_text = "ana rust platform engineer finance".into();

    let mut ben = at_offset(
        mentor("Ben", vec![claim(skills.rust, 3)]),
        "America/New_York",
        -300,
    );
    ben.profile.industry = "Health".into();
    ben.profile.availability_hours = 4;
    ben.derived.search_text = "ben platform lead health".into();

    let mut cai = at_offset(person("Cai"), "Europe/Berlin", 60);
    cai.profile.wants_mentor = true;
    cai.profile.growth_skills = vec![claim(skills.rust, 2)];
    cai.profile.industry = "finance".into();
    cai.profile.languages = vec!["en".into(), "de".into()];
    cai.profile.hidden_fields = vec![ProfileField::Email, ProfileField::TimeZone];
    cai.profile.availability_hours = 2;

    let mut dee = mentor("Dee", vec![claim(skills.python, 4)]);
    dee.profile.listed = false;

    let mut eve = at_offset(
        mentor("Eve", vec![claim(skills.rust, 4), claim(skills.python, 2)]),
        "Asia/Tokyo",
        540,
    );
    eve.profile.availability_hours = 20;

    let mut fay = at_offset(person("Fay"), "Pacific/Pago_Pago", -660);
    fay.profile.wants_mentor = true;

    insert_people(db, &[ana, ben, cai, dee, eve, fay]).await;
    skills
}

backend_tests! {
    async fn a_saved_profile_loads_back_with_every_field(db) {
        let skills = seed_skills(db).await;
        let ada = account(db, "Ada", "ada@example.org").await;
        let profile = ProfileData {
            headline: "Platform engineer".into(),
            bio: "Builds things that last.".into(),
            role_title: "Staff engineer".into(),
            organisation: "Analytical Engines".into(),
            department: "Platform".into(),
            industry: "Finance".into(),
            years_experience: Some(12),
            location: "Lisbon".into(),
            time_zone: "Europe/Lisbon".into(),
            languages: vec!["pt".into(), "en".into(), "de".into()],
            is_mentor: true,
            wants_mentor: true,
            mentor_capacity: 3,
            availability_hours: 12,
            mentor_skills: vec![claim(skills.kubernetes, 4), claim(skills.rust, 5), claim(skills.python, 1)],
            growth_skills: vec![claim(skills.speaking, 2), claim(skills.python, 3)],
            focus_areas: vec![FocusArea::CareerPath, FocusArea::Networking],
            hidden_fields: vec![ProfileField::Email, ProfileField::Location],
            listed: false,
        };
        let derived = Derived { utc_offset_minutes: 0, search_text: "ada platform".into() };
        profiles::save(db, ada.id, "Ada King", &profile, &derived).await.unwrap();

        let loaded = profiles::load(db, ada.id).await.unwrap();
        assert_eq!(loaded.profile, profile);
        assert_eq!(loaded.name, "Ada King");
        assert_eq!(loaded.email, "ada@example.org");
        assert!(!loaded.is_admin, "registering makes no admin");
        assert!(loaded.updated_at >= loaded.created_at);
        let mentors: Vec<&str> = loaded
            .skills
            .iter()
            .filter(|s| s.relation == Relation::Mentors)
            .map(|s| s.slug.as_str())
            .collect();
        assert_eq!(mentors, ["kubernetes", "rust", "python"], "in the order given");
        let speaking = loaded.skills.iter().find(|s| s.skill == skills.speaking).unwrap();
        assert_eq!(speaking.name, "Public speaking");
        assert_eq!(speaking.relation, Relation::Grows);
        assert_eq!(speaking.level.get(), 2);
        assert!(!speaking.retired);

        // A second save replaces skills and languages rather than adding to them.
        let smaller = ProfileData {
            languages: vec!["en".into()],
            mentor_skills: vec![claim(skills.rust, 3)],
            growth_skills: Vec::new(),
            listed: true,
            ..profile
        };
        profiles::save(db, ada.id, "Ada", &smaller, &derived).await.unwrap();
        let loaded = profiles::load(db, ada.id).await.unwrap();
        assert_eq!(loaded.profile, smaller);
        assert_eq!(loaded.skills.len(), 1);
        let german = profiles::search(db, &DirectoryFilter { language: Some("de".into()), ..filter() })
            .await
            .unwrap();
        assert_eq!(german.total, 0, "the old languages are gone from the search index");
    }

    async fn a_new_account_has_the_default_profile(db) {
        let ada = account(db, "Ada", "ada@example.org").await;
        let loaded = profiles::load(db, ada.id).await.unwrap();
        assert_eq!(loaded.profile, ProfileData::default());
        assert!(loaded.skills.is_empty());
        let english = profiles::search(db, &DirectoryFilter { language: Some("en".into()), ..filter() })
            .await
            .unwrap();
        assert_eq!(names(&english), ["Ada"], "the default language is searchable");
    }

    async fn saving_or_loading_an_unknown_person_is_not_found(db) {
        let missing = PersonId::new();
        assert!(matches!(profiles::load(db, missing).await, Err(StoreError::NotFound)));
        let saved = profiles::save(db, missing, "Nobody", &ProfileData::default(), &Derived::default()).await;
        assert!(matches!(saved, Err(StoreError::NotFound)), "got {saved:?}");
    }

    async fn bulk_inserted_people_load_like_saved_ones(db) {
        let skills = seed_skills(db).await;
        let mut people: Vec<BulkPerson> = (0..250).map(|i| person(&format!("Person {i:03}"))).collect();
        people[7].profile.mentor_skills = vec![claim(skills.rust, 4), claim(skills.python, 2)];
        people[7].profile.languages = vec!["fr".into(), "en".into()];
        insert_people(db, &people).await;
        let loaded = profiles::load(db, people[7].id).await.unwrap();
        assert_eq!(loaded.profile, people[7].profile);
        let all = profiles::search(db, &filter()).await.unwrap();
        assert_eq!(all.total, 250);
    }

    async fn only_listed_people_are_in_the_directory_ordered_by_name(db) {
        organisation(db).await;
        let all = profiles::search(db, &filter()).await.unwrap();
        assert_eq!(names(&all), ["Ana", "Ben", "Cai", "Eve", "Fay"]);
        assert_eq!(all.total, 5);
        let eve = all.entries.iter().find(|e| e.name == "Eve").unwrap();
        assert_eq!(eve.skills.len(), 2, "entries carry their skills");
        assert_eq!(eve.matched_level, None);
        let cai = all.entries.iter().find(|e| e.name == "Cai").unwrap();
        assert_eq!(cai.time_zone, None, "a hidden time zone is not shown");
        assert_eq!(cai.languages, ["en", "de"]);
        let ana = all.entries.iter().find(|e| e.name == "Ana").unwrap();
        assert_eq!(ana.time_zone.as_deref(), Some("Europe/Lisbon"));
    }

    async fn the_directory_filters_by_role(db) {
        organisation(db).await;
        let mentors = profiles::search(db, &DirectoryFilter { role: Some(DirectoryRole::Mentor), ..filter() })
            .await
            .unwrap();
        assert_eq!(names(&mentors), ["Ana", "Ben", "Eve"]);
        let mentees = profiles::search(db, &DirectoryFilter { role: Some(DirectoryRole::Mentee), ..filter() })
            .await
            .unwrap();
        assert_eq!(names(&mentees), ["Cai", "Fay"]);
    }

    async fn mentors_found_by_skill_are_ordered_by_level_and_cut_at_the_minimum(db) {
        let skills = organisation(db).await;
        let rust_mentors = DirectoryFilter {
            role: Some(DirectoryRole::Mentor),
            skill: Some(skills.rust),
            ..filter()
        };
        let found = profiles::search(db, &rust_mentors).await.unwrap();
        assert_eq!(names(&found), ["Ana", "Eve", "Ben"]);
        let levels: Vec<Option<i64>> = found.entries.iter().map(|e| e.matched_level).collect();
        assert_eq!(levels, [Some(5), Some(4), Some(3)]);

        let expert = profiles::search(db, &DirectoryFilter { min_level: Some(4), ..rust_mentors.clone() })
            .await
            .unwrap();
        assert_eq!(names(&expert), ["Ana", "Eve"]);
        assert_eq!(expert.total, 2);

        let growing = profiles::search(
            db,
            &DirectoryFilter { role: Some(DirectoryRole::Mentee), ..rust_mentors.clone() },
        )
        .await
        .unwrap();
        assert_eq!(names(&growing), ["Cai"]);

        let anyone = profiles::search(db, &DirectoryFilter { role: None, ..rust_mentors }).await.unwrap();
        assert_eq!(names(&anyone), ["Ana", "Eve", "Ben", "Cai"]);

        let python = profiles::search(db, &DirectoryFilter { skill: Some(skills.python), ..filter() })
            .await
            .unwrap();
        assert_eq!(names(&python), ["Eve"], "Dee mentors Python but is not listed");
        let nobody = profiles::search(db, &DirectoryFilter { skill: Some(skills.speaking), ..filter() })
            .await
            .unwrap();
        assert_eq!(nobody.total, 0);
        assert!(nobody.entries.is_empty());
    }

    async fn the_directory_filters_by_industry_language_and_availability(db) {
        organisation(db).await;
        let finance = profiles::search(db, &DirectoryFilter { industry: Some("FINANCE".into()), ..filter() })
            .await
            .unwrap();
        assert_eq!(names(&finance), ["Ana", "Cai"], "industry matches whatever the case");
        let german = profiles::search(db, &DirectoryFilter { language: Some("de".into()), ..filter() })
            .await
            .unwrap();
        assert_eq!(names(&german), ["Cai"]);
        let portuguese_finance = profiles::search(
            db,
            &DirectoryFilter { language: Some("pt".into()), industry: Some("finance".into()), ..filter() },
        )
        .await
        .unwrap();
        assert_eq!(names(&portuguese_finance), ["Ana"]);
        let available = profiles::search(db, &DirectoryFilter { min_availability: Some(10), ..filter() })
            .await
            .unwrap();
        assert_eq!(names(&available), ["Ana", "Eve"]);
    }

    async fn the_time_zone_window_skips_hidden_zones_and_wraps_the_date_line(db) {
        organisation(db).await;
        let near_lisbon = profiles::search(db, &DirectoryFilter { offset_window: Some((0, 120)), ..filter() })
            .await
            .unwrap();
        assert_eq!(names(&near_lisbon), ["Ana"], "Cai is an hour away but hides the time zone");
        let near_berlin = profiles::search(db, &DirectoryFilter { offset_window: Some((60, 60)), ..filter() })
            .await
            .unwrap();
        assert_eq!(names(&near_berlin), ["Ana"]);
        let americas = profiles::search(db, &DirectoryFilter { offset_window: Some((-360, 60)), ..filter() })
            .await
            .unwrap();
        assert_eq!(names(&americas), ["Ben"]);
        // UTC+12 is an hour from Pago Pago (UTC−11) across the date line, three from Tokyo.
        let auckland = profiles::search(db, &DirectoryFilter { offset_window: Some((720, 60)), ..filter() })
            .await
            .unwrap();
        assert_eq!(names(&auckland), ["Fay"]);
        let wide = profiles::search(db, &DirectoryFilter { offset_window: Some((720, 180)), ..filter() })
            .await
            .unwrap();
        assert_eq!(names(&wide), ["Eve", "Fay"]);
    }

    async fn every_free_text_word_must_start_a_visible_word(db) {
        organisation(db).await;
        let text = |words: &[&str]| DirectoryFilter {
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            ..filter()
        };
        let platform = profiles::search(db, &text(&["platform"])).await.unwrap();
        assert_eq!(names(&platform), ["Ana", "Ben"]);
        let both = profiles::search(db, &text(&["Platform", "RUST"])).await.unwrap();
        assert_eq!(names(&both), ["Ana"], "all words, any case");
        let prefix = profiles::search(db, &text(&["engin"])).await.unwrap();
        assert_eq!(names(&prefix), ["Ana"], "a word matches the start of a longer one");
        let inside = profiles::search(db, &text(&["ngineer"])).await.unwrap();
        assert_eq!(inside.total, 0, "but not its middle");
        let none = profiles::search(db, &text(&["platform", "health", "finance"])).await.unwrap();
        assert_eq!(none.total, 0);
    }

    async fn search_syntax_in_free_text_is_inert(db) {
        organisation(db).await;
        for hostile in [
            &["\"rust\" OR ben"][..],
            &["NEAR(ana", "ben)"],
            &["ana:*", "|", "!ben"],
            &["'; DROP TABLE persons; --"],
            &["rust*", "-platform"],
            &["½", "²", "ǅ", "٣", "ﬁ", "e\u{301}"],
            &["日本語", "ß"],
        ] {
            let words = hostile.iter().map(|w| (*w).to_owned()).collect();
            let found = profiles::search(db, &DirectoryFilter { words, ..filter() }).await;
            assert!(found.is_ok(), "{hostile:?} failed: {found:?}");
        }
        let star = profiles::search(db, &DirectoryFilter { words: vec!["rust*".into()], ..filter() })
            .await
            .unwrap();
        assert_eq!(names(&star), ["Ana"], "punctuation is dropped, the word kept");
        let only_symbols = profiles::search(db, &DirectoryFilter { words: vec!["%_*".into()], ..filter() })
            .await
            .unwrap();
        assert_eq!(only_symbols.total, 5, "nothing searchable means no text filter");
        let everyone = profiles::search(db, &filter()).await.unwrap();
        assert_eq!(everyone.total, 5, "the table survived");
    }

    async fn a_saved_profile_is_found_by_its_new_words_and_not_its_old_ones(db) {
        organisation(db).await;
        let ada = account(db, "Ada", "ada@example.org").await;
        let words = |w: &str| DirectoryFilter { words: vec![w.to_owned()], ..filter() };
        let derived = |text: &str| Derived { utc_offset_minutes: 0, search_text: text.into() };
        profiles::save(db, ada.id, "Ada", &ProfileData::default(), &derived("ada compilers"))
            .await
            .unwrap();
        assert_eq!(names(&profiles::search(db, &words("compilers")).await.unwrap()), ["Ada"]);
        profiles::save(db, ada.id, "Ada", &ProfileData::default(), &derived("ada databases"))
            .await
            .unwrap();
        assert_eq!(profiles::search(db, &words("compilers")).await.unwrap().total, 0);
        assert_eq!(names(&profiles::search(db, &words("databases")).await.unwrap()), ["Ada"]);
        assert_eq!(
            names(&profiles::search(db, &words("platform")).await.unwrap()),
            ["Ana", "Ben"],
            "other people's entries are untouched"
        );
    }

    async fn pages_split_the_results_and_the_total_counts_them_all(db) {
        organisation(db).await;
        let page = |limit, offset| DirectoryFilter { limit, offset, ..filter() };
        let first = profiles::search(db, &page(2, 0)).await.unwrap();
        let second = profiles::search(db, &page(2, 2)).await.unwrap();
        let third = profiles::search(db, &page(2, 4)).await.unwrap();
        let beyond = profiles::search(db, &page(2, 6)).await.unwrap();
        assert_eq!(names(&first), ["Ana", "Ben"]);
        assert_eq!(names(&second), ["Cai", "Eve"]);
        assert_eq!(names(&third), ["Fay"]);
        assert!(beyond.entries.is_empty());
        for p in [&first, &second, &third, &beyond] {
            assert_eq!(p.total, 5);
        }
    }

    async fn industries_lists_each_listed_industry_once(db) {
        organisation(db).await;
        let industries = profiles::industries(db).await.unwrap();
        assert_eq!(industries.len(), 2, "{industries:?}");
        assert!(industries[0].eq_ignore_ascii_case("finance"));
        assert_eq!(industries[1], "Health");
    }
}
