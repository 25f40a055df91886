//! Recommendations leave out the mentors a mentee has asked already, those mentoring them,
//! those taking no requests and those who are full; and the relevance rule, on unless the
//! operator turns it off.

use lodestar_match::score::Rules;
use serde_json::{Value, json};

use crate::support::{TestApp, api_tests};

async fn person(app: &TestApp, name: &str, profile: Value) -> String {
    app.person_with_profile(name, profile).await
}

async fn id_of(app: &TestApp, token: &str) -> String {
    app.get("/api/v1/me", Some(token)).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn names(found: &Value) -> Vec<String> {
    found["mentors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Cai wants Kubernetes at level 2; Ana mentors it at 5, Ben at 3, Dan at 2: Cai's order
/// is Ana, Ben, Dan. Returns the tokens of Cai, Ana, Ben and Dan.
async fn three_mentors(app: &TestApp) -> [String; 4] {
    let mentor = |level: u8| {
        json!({
            "is_mentor": true, "mentor_capacity": 1, "years_experience": 12,
            "mentor_skills": [{"skill": "kubernetes", "level": level}]
        })
    };
    let ana = person(app, "Ana", mentor(5)).await;
    let ben = person(app, "Ben", mentor(3)).await;
    let dan = person(app, "Dan", mentor(2)).await;
    let cai = person(
        app,
        "Cai",
        json!({
            "wants_mentor": true, "years_experience": 2,
            "growth_skills": [{"skill": "kubernetes", "level": 2}]
        }),
    )
    .await;
    [cai, ana, ben, dan]
}

async fn request(app: &TestApp, mentor: &str, mentee: &str, state: &str) {
    sqlx::query(
        "INSERT INTO mentorship_requests (id, mentor_id, mentee_id, initiator, message, cadence, \
         duration_weeks, state, created_at, expires_at) \
         VALUES ($1, $2, $3, 'mentee', 'Hello', 'monthly', 12, $4, 1, 2)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(mentor)
    .bind(mentee)
    .bind(state)
    .execute(app.app.db.writer())
    .await
    .unwrap();
}

api_tests! {
    async fn after_a_decline_the_mentee_sees_their_next_mentor_in_its_place(app) {
        let [cai, ana, ben, _] = three_mentors(app).await;
        let (cai_id, ana_id, ben_id) = (id_of(app, &cai).await, id_of(app, &ana).await, id_of(app, &ben).await);
        let top = |found: Value| names(&found);
        let get = || app.get("/api/v1/me/recommendations?limit=2", Some(&cai));
        assert_eq!(top(get().await.json()), ["Ana", "Ben"]);

        request(app, &ana_id, &cai_id, "declined").await;
        assert_eq!(top(get().await.json()), ["Ben", "Dan"], "Ana declined: Dan takes her place");

        request(app, &ben_id, &cai_id, "expired").await;
        assert_eq!(top(get().await.json()), ["Dan"], "Ben let the request expire");

        // A withdrawn request may be sent again: the mentor comes back.
        sqlx::query("UPDATE mentorship_requests SET state = 'withdrawn' WHERE mentor_id = $1")
            .bind(&ben_id)
            .execute(app.app.db.writer())
            .await
            .unwrap();
        assert_eq!(top(get().await.json()), ["Ben", "Dan"]);
    }

    async fn mentors_asked_already_not_accepting_or_full_are_not_recommended(app) {
        let [cai, ana, ben, dan] = three_mentors(app).await;
        let cai_id = id_of(app, &cai).await;
        let (ana_id, ben_id, dan_id) = (id_of(app, &ana).await, id_of(app, &ben).await, id_of(app, &dan).await);
        let get = || app.get("/api/v1/me/recommendations", Some(&cai));
        assert_eq!(names(&get().await.json()), ["Ana", "Ben", "Dan"]);

        // A pending request to Ana; Ben takes no requests; Dan's one place is taken.
        request(app, &ana_id, &cai_id, "pending").await;
        sqlx::query("INSERT INTO mentor_standing (person_id, accepting, updated_at) VALUES ($1, 0, 1)")
            .bind(&ben_id)
            .execute(app.app.db.writer())
            .await
            .unwrap();
        let eve = person(app, "Eve", json!({"wants_mentor": true})).await;
        let eve_id = id_of(app, &eve).await;
        let mentorship = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO mentorships (id, state, cadence, created_at, updated_at, last_activity_at) \
             VALUES ($1, 'active', 'monthly', 1, 1, 1)",
        )
        .bind(&mentorship)
        .execute(app.app.db.writer())
        .await
        .unwrap();
        for (person, role) in [(&dan_id, "mentor"), (&eve_id, "mentee")] {
            sqlx::query(
                "INSERT INTO mentorship_members (mentorship_id, person_id, role, joined_at) VALUES ($1, $2, $3, 1)",
            )
            .bind(&mentorship)
            .bind(person)
            .bind(role)
            .execute(app.app.db.writer())
            .await
            .unwrap();
        }
        assert_eq!(get().await.json()["mentors"], json!([]));

        // Dan's mentorship pauses (still counts), then completes (the place is free again).
        sqlx::query("UPDATE mentorships SET state = 'paused'").execute(app.app.db.writer()).await.unwrap();
        assert_eq!(get().await.json()["mentors"], json!([]));
        sqlx::query("UPDATE mentorships SET state = 'completed'").execute(app.app.db.writer()).await.unwrap();
        assert_eq!(names(&get().await.json()), ["Dan"]);
    }

    async fn the_relevance_rule_keeps_out_mentors_with_nothing_asked_for_unless_turned_off(app) {
        let [cai, ..] = three_mentors(app).await;
        // Fay mentors Python and offers networking: nothing Cai asked for.
        person(app, "Fay", json!({
            "is_mentor": true, "mentor_capacity": 3, "years_experience": 12,
            "mentor_skills": [{"skill": "python", "level": 5}], "focus_areas": ["networking"]
        })).await;
        let found = app.get("/api/v1/me/recommendations", Some(&cai)).await.json();
        assert_eq!(names(&found), ["Ana", "Ben", "Dan"]);

        let mut policy = app.app.policy.clone();
        policy.match_rules = Rules { relevance: false, ..Rules::default() };
        let off = app.with_policy(policy);
        let found = off.get("/api/v1/me/recommendations", Some(&cai)).await.json();
        assert_eq!(names(&found), ["Ana", "Ben", "Dan", "Fay"]);

        // Once Cai asks for networking too, Fay is relevant with the rule on.
        let wants = json!({"focus_areas": ["networking"]});
        app.patch_json("/api/v1/me/profile", wants, Some(&cai)).await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let found = app.get("/api/v1/me/recommendations", Some(&cai)).await.json();
            if names(&found).contains(&"Fay".to_owned()) {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "{found}");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
}
