//! The demo organisation is lived in, and its history keeps the rules the product keeps.

use lodestar_app::demo::{CONNECTIONS_PER_PERSON, DemoOptions};
use sqlx::Row;

use crate::support::{TestApp, api_tests};

/// Every row of a query whose columns are all text (or null), in order.
async fn text_rows(db: &sqlx::AnyPool, sql: &'static str) -> Vec<Vec<Option<String>>> {
    sqlx::query(sql)
        .fetch_all(db)
        .await
        .unwrap()
        .iter()
        .map(|row| (0..row.len()).map(|i| row.try_get(i).unwrap()).collect())
        .collect()
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query(sql)
        .fetch_one(app.app.db.reader())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

api_tests! {
    async fn the_demo_has_the_whole_lifecycle_and_keeps_capacity_and_one_open_request_per_pair(app) {
        let report = app
            .app
            .generate_demo(&DemoOptions { people: 400, opportunities: lodestar_app::demo::default_opportunities(400), seed: 7, progress: false })
            .await
            .unwrap();
        assert!(report.history.mentorships > 100, "{:?}", report.history);
        // Opportunities and insights, for everyone, connections and mentees, some shared.
        assert_eq!(report.opportunities.posted, 133);
        assert!(report.opportunities.insights > 5 && report.opportunities.shared > 5, "{:?}", report.opportunities);
        for (visibility, sql) in [
            ("everyone", "SELECT COUNT(*) AS n FROM opportunities WHERE visibility = 'everyone'"),
            ("connections", "SELECT COUNT(*) AS n FROM opportunities WHERE visibility = 'connections'"),
            ("mentees", "SELECT COUNT(*) AS n FROM opportunities WHERE visibility = 'mentees'"),
        ] {
            assert!(count(app, sql).await > 0, "no post for {visibility}");
        }
        // The featured mentee's "For you" leads with what their mentor shared.
        let mentee = &report.logins.iter().find(|(what, _)| what == "mentee").unwrap().1;
        let login = app.login(mentee, lodestar_app::demo::DEMO_PASSWORD).await;
        let token = login.json()["token"].as_str().unwrap().to_owned();
        let for_you = app.get("/api/v1/me/opportunities", Some(&token)).await.json();
        assert!(for_you["opportunities"][0]["reasons"][0].as_str().unwrap().starts_with("shared by your mentor"), "{for_you}");
        assert!(for_you["opportunities"].as_array().unwrap().len() >= 5, "{for_you}");
        let states = [
            ("mentorships", &["active", "paused", "completed", "cancelled"][..]),
            ("mentorship_requests", &["pending", "accepted", "declined", "withdrawn", "expired"][..]),
            ("meetings", &["scheduled", "held", "no_show", "cancelled"][..]),
        ];
        for (table, wanted) in states {
            for state in wanted {
                let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE state = $1");
                let n: i64 = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(*state)
                    .fetch_one(app.app.db.reader())
                    .await
                    .unwrap()
                    .try_get("n")
                    .unwrap();
                assert!(n > 0, "no {state} row in {table}");
            }
        }
        assert!(count(app, "SELECT COUNT(*) AS n FROM mentorships WHERE stalled_since IS NOT NULL").await > 0);
        // Flagged in the past, after three quiet weeks, and with sessions before the quiet.
        let now = lodestar_store::now_ms();
        let odd: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM mentorships m WHERE m.stalled_since IS NOT NULL AND \
             (m.stalled_since > $1 OR m.stalled_since < m.last_activity_at + 21 * 86400000 - 1 \
              OR NOT EXISTS (SELECT 1 FROM meetings s WHERE s.mentorship_id = m.id))",
        )
        .bind(now)
        .fetch_one(app.app.db.reader())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
        assert_eq!(odd, 0, "a stalled mentorship flagged in the future or with no session before");
        // Every mentor and mentee of a mentorship not cancelled are connected, once a pair; a
        // programme's were connected when its match was published, and stay so.
        let pairs = count(app, "SELECT COUNT(*) AS n FROM (SELECT DISTINCT a.person_id AS x, b.person_id AS y \
             FROM mentorships m JOIN mentorship_members a ON a.mentorship_id = m.id AND a.role = 'mentor' \
             JOIN mentorship_members b ON b.mentorship_id = m.id AND b.role = 'mentee' \
             WHERE m.state <> 'cancelled' OR m.programme_id IS NOT NULL) p").await;
        let connected = count(app, "SELECT COUNT(*) AS n FROM connections WHERE source = 'mentorship' AND state = 'accepted'").await;
        assert!(pairs > 100);
        assert_eq!(connected, pairs, "a connection per mentoring pair");
        assert!(count(app, "SELECT COUNT(*) AS n FROM meeting_notes WHERE private = 1").await > 0);
        assert!(count(app, "SELECT COUNT(*) AS n FROM action_items WHERE done_at IS NULL").await > 0);

        let over_capacity = count(app,
            "SELECT COUNT(*) AS n FROM (SELECT mo.person_id, COUNT(*) AS taken, MAX(p.mentor_capacity) AS capacity \
             FROM mentorship_members mo JOIN mentorships m ON m.id = mo.mentorship_id \
             JOIN persons p ON p.id = mo.person_id \
             WHERE mo.role = 'mentor' AND m.state IN ('active', 'paused') AND m.programme_id IS NULL \
             GROUP BY mo.person_id) t WHERE taken > capacity").await;
        // A programme's own capacity counts its mentorships (checked with the programmes).
        assert_eq!(over_capacity, 0, "a mentor holds more mentees than their capacity");
        let too_many_open = count(app,
            "SELECT COUNT(*) AS n FROM (SELECT mentee_id FROM mentorship_requests WHERE state = 'pending' \
             GROUP BY mentee_id HAVING COUNT(*) > 3) t").await;
        assert_eq!(too_many_open, 0);
        let self_mentoring = count(app,
            "SELECT COUNT(*) AS n FROM mentorship_members a JOIN mentorship_members b \
             ON a.mentorship_id = b.mentorship_id AND a.person_id = b.person_id AND a.role <> b.role").await;
        assert_eq!(self_mentoring, 0);

        // The mentor and the mentee to sign in as have a full share of it.
        for (kind, email) in &report.logins {
            if kind != "mentor" && kind != "mentee" {
                continue;
            }
            let n: i64 = sqlx::query(
                "SELECT COUNT(DISTINCT m.state) AS n FROM mentorship_members mm \
                 JOIN mentorships m ON m.id = mm.mentorship_id \
                 JOIN persons p ON p.id = mm.person_id WHERE p.email = $1",
            )
            .bind(email)
            .fetch_one(app.app.db.reader())
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
            assert!(n >= 2, "the demo {kind} has mentorships in {n} states");
            // Conversations, with something new from the other side.
            let id: String = sqlx::query("SELECT id FROM persons WHERE email = $1")
                .bind(email)
                .fetch_one(app.app.db.reader())
                .await
                .unwrap()
                .try_get("id")
                .unwrap();
            let viewer = lodestar_app::Viewer {
                id: id.parse().unwrap(),
                name: String::new(),
                is_admin: false,
            };
            let unread = app.app.unread_messages(&viewer).await.unwrap();
            assert!(unread > 0, "the demo {kind} has no unread message");
        }
        // Every message sits in a thread its author belongs to, renders, and sorts by time.
        assert!(count(app, "SELECT COUNT(*) AS n FROM messages").await > 100);
        let stray = count(app,
            "SELECT COUNT(*) AS n FROM messages m WHERE m.html = '' OR NOT EXISTS \
             (SELECT 1 FROM thread_members t WHERE t.thread_id = m.thread_id AND t.person_id = m.author_id)").await;
        assert_eq!(stray, 0, "a demo message outside its author's threads, or not rendered");
        let out_of_order = count(app,
            "SELECT COUNT(*) AS n FROM messages a JOIN messages b ON a.thread_id = b.thread_id \
             AND a.id < b.id AND a.created_at > b.created_at").await;
        assert_eq!(out_of_order, 0, "message ids do not sort as the messages were written");
        let stale = count(app,
            "SELECT COUNT(*) AS n FROM threads t WHERE t.last_activity_at < \
             (SELECT MAX(m.created_at) FROM messages m WHERE m.thread_id = t.id)").await;
        assert_eq!(stale, 0, "a thread's last activity is older than its newest message");

        // Every mentor publishes free time; some open it to one-off conversations, and the
        // demo mentee sees their mentor's free slots.
        let mentors = count(app, "SELECT COUNT(*) AS n FROM persons WHERE is_mentor = 1").await;
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM availability").await, mentors);
        assert!(count(app, "SELECT COUNT(*) AS n FROM availability WHERE one_off_monthly_limit > 0").await > 0);
        let (_, mentee) = report.logins.iter().find(|(kind, _)| kind == "mentee").unwrap();
        let token = app.login(mentee, lodestar_app::demo::DEMO_PASSWORD).await.json()["token"].as_str().unwrap().to_owned();
        let listed = app.get("/api/v1/mentorships?state=active", Some(&token)).await.json();
        let active = listed["mentorships"][0]["id"].as_str().expect("an active mentorship of the demo mentee").to_owned();
        let slots = app.get(&format!("/api/v1/mentorships/{active}/slots"), Some(&token)).await;
        assert_eq!(slots.status, axum::http::StatusCode::OK, "{}", slots.text());
        assert!(!slots.json()["slots"].as_array().unwrap().is_empty(), "{}", slots.text());
    }

    async fn the_demo_network_is_clustered_has_hubs_and_past_introductions_and_is_the_same_for_the_same_seed(app) {
        const PEOPLE: usize = 400;
        let options = DemoOptions { people: PEOPLE, opportunities: lodestar_app::demo::default_opportunities(PEOPLE), seed: 7, progress: false };
        let report = app.app.generate_demo(&options).await.unwrap();
        let network = &report.network;
        let accepted = count(app, "SELECT COUNT(*) AS n FROM connections WHERE state = 'accepted'").await;
        let pending = count(app, "SELECT COUNT(*) AS n FROM connections WHERE state = 'pending'").await;
        assert_eq!(accepted as usize, network.connections(), "{network:?}");
        assert_eq!(pending as usize, network.pending, "{network:?}");

        // About the constant's connections per person, so twice that many on average.
        let per_person = accepted as f64 / PEOPLE as f64;
        let wanted = CONNECTIONS_PER_PERSON as f64;
        assert!((per_person - wanted).abs() <= wanted / 10.0, "{per_person} connections per person");
        // About one request in ten still waits for its answer, and says who asked.
        let share = pending as f64 / (accepted + pending) as f64;
        assert!((0.05..0.15).contains(&share), "{share} of the rows are pending");
        assert_eq!(
            count(app, "SELECT COUNT(*) AS n FROM connections WHERE state = 'pending' AND \
                 (requested_by IS NULL OR (requested_by <> low_id AND requested_by <> high_id) \
                  OR accepted_at IS NOT NULL)").await,
            0,
            "a pending request without its asker, or answered"
        );
        // Accepted ones mostly by request; the mentorships' are theirs alone; a few by
        // introductions (checked below).
        let mentorships = count(app, "SELECT COUNT(*) AS n FROM connections WHERE source = 'mentorship'").await;
        assert_eq!(mentorships as usize, network.mentorships);
        assert!(mentorships > 0);
        let requested = count(app, "SELECT COUNT(*) AS n FROM connections WHERE state = 'accepted' AND source = 'request'").await;
        assert!(requested * 10 > accepted * 8, "{requested} of {accepted} accepted connections by request");
        let now = lodestar_store::now_ms();
        let misdated = count(app, "SELECT COUNT(*) AS n FROM connections WHERE state = 'accepted' AND \
             (accepted_at IS NULL OR accepted_at < created_at)").await;
        assert_eq!(misdated, 0, "an accepted connection without its acceptance, or accepted before asked");
        let future: i64 = sqlx::query("SELECT COUNT(*) AS n FROM connections WHERE created_at > $1 OR accepted_at > $1")
            .bind(now)
            .fetch_one(app.app.db.reader())
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(future, 0, "a connection from the future");

        // No self link, and no pair twice in either order.
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM connections WHERE low_id = high_id").await, 0);
        let twice = count(app, "SELECT COUNT(*) AS n FROM (SELECT low_id, high_id FROM connections \
             GROUP BY low_id, high_id HAVING COUNT(*) > 1) t").await;
        let reversed = count(app, "SELECT COUNT(*) AS n FROM connections a JOIN connections b \
             ON b.low_id = a.high_id AND b.high_id = a.low_id").await;
        assert_eq!((twice, reversed), (0, 0), "a pair connected twice");

        // Clustered: most connections within one organisation.
        let within = count(app, "SELECT COUNT(*) AS n FROM connections c \
             JOIN persons a ON a.id = c.low_id JOIN persons b ON b.id = c.high_id \
             WHERE c.state = 'accepted' AND a.organisation = b.organisation").await;
        assert_eq!(within as usize, network.within_organisation);
        assert!(within * 2 > accepted, "{within} of {accepted} connections within one organisation");

        // Hubs: the best connected has at least five times the median's connections.
        let mut degrees: Vec<i64> = sqlx::query(
            "SELECT COUNT(*) AS n FROM (SELECT low_id AS person FROM connections WHERE state = 'accepted' \
             UNION ALL SELECT high_id FROM connections WHERE state = 'accepted') t GROUP BY person",
        )
        .fetch_all(app.app.db.reader())
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get("n").unwrap())
        .collect();
        degrees.resize(PEOPLE, 0);
        degrees.sort_unstable();
        let (median, highest) = (degrees[PEOPLE / 2], degrees[PEOPLE - 1]);
        assert_eq!((median as usize, highest as usize), (network.median_degree, network.highest_degree));
        assert!(highest >= 5 * median, "the best connected has {highest}, the median {median}");

        // The people to sign in as have connections, and a request each way.
        for (kind, email) in report.logins.iter().filter(|(kind, _)| kind != "admin") {
            let token = app.login(email, lodestar_app::demo::DEMO_PASSWORD).await.json()["token"]
                .as_str()
                .unwrap()
                .to_owned();
            let mine = app.get("/api/v1/connections", Some(&token)).await;
            assert_eq!(mine.status, axum::http::StatusCode::OK, "{}", mine.text());
            let mine = mine.json();
            assert!(mine["connections"].as_array().unwrap().len() >= 3, "the demo {kind}: {mine}");
            for list in ["incoming", "outgoing"] {
                assert!(!mine[list].as_array().unwrap().is_empty(), "the demo {kind} has no {list} request");
            }
        }

        // Past introductions, about one for every twenty people: most connected, a few open
        // and a few "not now", each by someone connected with both sides.
        let introductions = count(app, "SELECT COUNT(*) AS n FROM introductions").await;
        assert_eq!(introductions as usize, network.introductions(), "{network:?}");
        assert!(introductions as usize >= PEOPLE / 20, "{introductions} introductions");
        let connected = count(app, "SELECT COUNT(*) AS n FROM introductions WHERE state = 'connected'").await;
        let open = count(app, "SELECT COUNT(*) AS n FROM introductions WHERE state = 'open'").await;
        let not_now = count(app, "SELECT COUNT(*) AS n FROM introductions WHERE state = 'not_now'").await;
        assert_eq!(
            (connected as usize, open as usize, not_now as usize),
            (network.introduced, network.introductions_open, network.introductions_not_now)
        );
        assert!(connected > open + not_now && open > 0 && not_now > 0, "{network:?}");
        // A connected one joined its pair by a connection of its own; the others did not.
        let introduced = count(app, "SELECT COUNT(*) AS n FROM connections WHERE source = 'introduction'").await;
        assert_eq!(introduced, connected);
        assert_eq!(
            count(app, "SELECT COUNT(*) AS n FROM introductions i JOIN connections c \
                 ON c.low_id = i.a_id AND c.high_id = i.b_id \
                 WHERE i.state = 'connected' AND c.source = 'introduction' AND c.state = 'accepted' \
                 AND c.accepted_at = i.closed_at AND c.requested_by IS NULL").await,
            connected,
            "a connected introduction without its connection"
        );
        assert_eq!(
            count(app, "SELECT COUNT(*) AS n FROM introductions i JOIN connections c \
                 ON c.low_id = i.a_id AND c.high_id = i.b_id WHERE i.state <> 'connected'").await,
            0,
            "an open or declined introduction between connected people"
        );
        // The answers say how it ended, and it ended after it began.
        assert_eq!(
            count(app, "SELECT COUNT(*) AS n FROM introductions WHERE NOT ( \
                 (state = 'connected' AND a_answer = 'accepted' AND b_answer = 'accepted' \
                  AND closed_at >= created_at) \
                 OR (state = 'open' AND closed_at IS NULL AND a_answer <> 'declined' \
                  AND b_answer <> 'declined' AND (a_answer = 'waiting' OR b_answer = 'waiting')) \
                 OR (state = 'not_now' AND closed_at >= created_at \
                  AND (a_answer = 'declined' OR b_answer = 'declined')))").await,
            0,
            "an introduction whose answers do not fit its state"
        );
        // The introducer was connected with both before introducing them.
        let before = count(app, "SELECT COUNT(*) AS n FROM introductions i WHERE \
             (SELECT COUNT(*) FROM connections c WHERE c.state = 'accepted' AND c.accepted_at <= i.created_at \
              AND ((c.low_id = i.introducer_id AND c.high_id IN (i.a_id, i.b_id)) \
                OR (c.high_id = i.introducer_id AND c.low_id IN (i.a_id, i.b_id)))) = 2").await;
        assert_eq!(before, introductions, "an introducer not connected with both sides before");
        // The demo mentee was introduced before, and has an introduction to answer.
        let (_, mentee) = report.logins.iter().find(|(kind, _)| kind == "mentee").unwrap();
        let token = app.login(mentee, lodestar_app::demo::DEMO_PASSWORD).await.json()["token"].as_str().unwrap().to_owned();
        let theirs = app.get("/api/v1/introductions", Some(&token)).await;
        assert_eq!(theirs.status, axum::http::StatusCode::OK, "{}", theirs.text());
        let theirs = theirs.json();
        let of_them = theirs["for_you"].as_array().unwrap();
        assert!(
            of_them.iter().any(|i| i["status"] == "connected" && i["contact"].is_string()),
            "the demo mentee has no past introduction: {theirs}"
        );
        assert!(
            of_them.iter().any(|i| i["status"] == "open" && i["your_answer"] == "waiting"),
            "the demo mentee has no introduction to answer: {theirs}"
        );
        let mut browser = crate::pages::Browser::new(app);
        assert!(browser.log_in(mentee, lodestar_app::demo::DEMO_PASSWORD).await.status.is_redirection());
        let page = browser.get("/network/introductions").await.text();
        assert!(page.contains("introduces you to") && page.contains("Connected") && page.contains("Accept"), "{page}");

        // The same seed gives the same network.
        let twin = app.twin().await;
        twin.app.generate_demo(&options).await.unwrap();
        let read = async |sql: &'static str| {
            [text_rows(app.app.db.reader(), sql).await, text_rows(twin.app.db.reader(), sql).await]
        };
        let graphs = read(
            "SELECT low_id, high_id, state, source, requested_by FROM connections ORDER BY low_id, high_id",
        )
        .await;
        let introduced = read(
            "SELECT introducer_id, a_id, b_id, state, a_answer, b_answer FROM introductions \
             ORDER BY a_id, b_id, introducer_id",
        )
        .await;
        twin.finish().await;
        assert_eq!(graphs[0].len(), (accepted + pending) as usize);
        assert!(graphs[0] == graphs[1], "the same seed gave another network");
        assert_eq!(introduced[0].len(), introductions as usize);
        assert!(introduced[0] == introduced[1], "the same seed gave other introductions");
    }

    async fn the_demo_mentee_has_goals_in_every_state_and_months_of_check_ins_their_mentors_see(app) {
        const DAY: i64 = 86_400_000;
        let report = app
            .app
            .generate_demo(&DemoOptions { people: 400, opportunities: lodestar_app::demo::default_opportunities(400), seed: 7, progress: false })
            .await
            .unwrap();
        assert!(report.growth.goals > 100 && report.growth.check_ins > 1000, "{:?}", report.growth);
        let db = app.app.db.reader();
        let (_, mentee_email) = report.logins.iter().find(|(kind, _)| kind == "mentee").unwrap();
        let mentee: String = sqlx::query("SELECT id FROM persons WHERE email = $1")
            .bind(mentee_email)
            .fetch_one(db)
            .await
            .unwrap()
            .try_get("id")
            .unwrap();
        let now = lodestar_store::now_ms();

        // Goals in at least three statuses, one achieved in an earlier month.
        let statuses: i64 = sqlx::query("SELECT COUNT(DISTINCT status) AS n FROM goals WHERE owner_id = $1")
            .bind(&mentee)
            .fetch_one(db)
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert!(statuses >= 3, "the demo mentee's goals are in {statuses} statuses");
        let achieved: Vec<i64> = sqlx::query(
            "SELECT achieved_at FROM goals WHERE owner_id = $1 AND status = 'achieved' \
             AND achieved_at IS NOT NULL",
        )
        .bind(&mentee)
        .fetch_all(db)
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get("achieved_at").unwrap())
        .collect();
        assert!(
            achieved.iter().any(|&at| at < now - 31 * DAY),
            "no goal of the demo mentee achieved in an earlier month: {achieved:?}"
        );
        assert_eq!(
            count(app, "SELECT COUNT(*) AS n FROM goals WHERE (status = 'achieved') <> (achieved_at IS NOT NULL)").await,
            0,
            "achieved_at set on a goal that is not achieved, or missing on one that is"
        );
        let waiting: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM goal_milestones m JOIN goals g ON g.id = m.goal_id \
             JOIN goal_shares s ON s.goal_id = g.id AND s.person_id = m.suggested_by \
             WHERE g.owner_id = $1 AND m.state = 'suggested'",
        )
        .bind(&mentee)
        .fetch_one(db)
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
        assert!(waiting > 0, "no suggestion from a mentor waits for the demo mentee");

        // Goals are shared only with people who mentor their owner.
        let strangers = count(app,
            "SELECT COUNT(*) AS n FROM goal_shares s JOIN goals g ON g.id = s.goal_id \
             WHERE NOT EXISTS (SELECT 1 FROM mentorship_members mo \
               JOIN mentorship_members me ON me.mentorship_id = mo.mentorship_id \
               WHERE mo.person_id = s.person_id AND mo.role = 'mentor' \
               AND me.person_id = g.owner_id AND me.role = 'mentee')").await;
        assert_eq!(strangers, 0, "a goal shared with someone who does not mentor its owner");
        assert!(count(app, "SELECT COUNT(*) AS n FROM goal_shares").await > 0);

        // Months of check-ins, and every marked drop is the domain's rule over the ones before.
        let rows = sqlx::query(
            "SELECT confidence, marked_drop, created_at FROM check_ins WHERE person_id = $1 \
             ORDER BY created_at, id",
        )
        .bind(&mentee)
        .fetch_all(db)
        .await
        .unwrap();
        assert!(rows.len() >= 50, "the demo mentee has {} check-ins", rows.len());
        let first: i64 = rows[0].try_get("created_at").unwrap();
        let last: i64 = rows[rows.len() - 1].try_get("created_at").unwrap();
        assert!(last - first >= 365 * DAY, "check-ins span {} days", (last - first) / DAY);
        assert!(last <= now);
        let mut earlier = Vec::new();
        let mut drops = 0;
        for row in &rows {
            let confidence = lodestar_domain::growth::Confidence::new(row.try_get("confidence").unwrap()).unwrap();
            let flagged = row.try_get::<i64, _>("marked_drop").unwrap() != 0;
            assert_eq!(flagged, lodestar_domain::growth::marked_drop(&earlier, confidence),
                "check-in {} of the demo mentee", earlier.len());
            drops += i32::from(flagged);
            earlier.push(confidence);
        }
        assert!(drops > 0, "the demo mentee's check-ins have no marked drop");
        assert_eq!(
            count(app, "SELECT COUNT(*) AS n FROM check_ins WHERE share_notes > share_scores").await,
            0
        );

        // Their mentor sees the shared goals and check-ins through the API.
        let mentor: String = sqlx::query(
            "SELECT p.email FROM goal_shares s JOIN goals g ON g.id = s.goal_id \
             JOIN persons p ON p.id = s.person_id \
             JOIN mentorship_members mo ON mo.person_id = s.person_id AND mo.role = 'mentor' \
             JOIN mentorship_members me ON me.mentorship_id = mo.mentorship_id \
               AND me.person_id = g.owner_id AND me.role = 'mentee' \
             JOIN mentorships m ON m.id = mo.mentorship_id AND m.state = 'active' \
             WHERE g.owner_id = $1 LIMIT 1",
        )
        .bind(&mentee)
        .fetch_one(db)
        .await
        .unwrap()
        .try_get("email")
        .unwrap();
        let (_, demo_mentor) = report.logins.iter().find(|(kind, _)| kind == "mentor").unwrap();
        // The demo mentor's mentees keep records too: one with check-ins they share.
        let followed: String = sqlx::query(
            "SELECT me.person_id FROM mentorship_members me \
             JOIN mentorship_members mo ON mo.mentorship_id = me.mentorship_id AND mo.role = 'mentor' \
             JOIN persons p ON p.id = mo.person_id \
             JOIN mentorships m ON m.id = me.mentorship_id AND m.state = 'active' \
             WHERE me.role = 'mentee' AND p.email = $1 \
             AND EXISTS (SELECT 1 FROM check_ins c WHERE c.person_id = me.person_id AND c.share_scores = 1) \
             ORDER BY me.person_id LIMIT 1",
        )
        .bind(demo_mentor)
        .fetch_one(db)
        .await
        .unwrap()
        .try_get("person_id")
        .unwrap();
        for (email, person) in [(&mentor, &mentee), (demo_mentor, &followed)] {
            let token = app.login(email, lodestar_app::demo::DEMO_PASSWORD).await.json()["token"]
                .as_str()
                .unwrap()
                .to_owned();
            for what in ["check-ins", "goals", "outcomes"] {
                let listed = app.get(&format!("/api/v1/people/{person}/{what}"), Some(&token)).await;
                assert_eq!(listed.status, axum::http::StatusCode::OK, "{}", listed.text());
                let listed = listed.json();
                assert!(
                    !listed.as_array().unwrap().is_empty(),
                    "{email} sees no {what} of {person}"
                );
            }
        }

        // Career outcomes over the past two years: the demo mentee has a certification, a
        // talk and a promotion; across the organisation every common kind appears.
        assert!(report.growth.outcomes > 50, "{:?}", report.growth);
        let kinds: Vec<String> = sqlx::query("SELECT DISTINCT kind FROM outcomes WHERE person_id = $1 ORDER BY kind")
            .bind(&mentee)
            .fetch_all(db)
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get("kind").unwrap())
            .collect();
        for kind in ["certification", "promotion", "talk_given"] {
            assert!(kinds.iter().any(|k| k == kind), "the demo mentee has no {kind}: {kinds:?}");
        }
        for kind in ["certification", "promotion", "talk_given", "stretch_assignment"] {
            let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outcomes WHERE kind = $1")
                .bind(kind)
                .fetch_one(db)
                .await
                .unwrap()
                .try_get("n")
                .unwrap();
            assert!(n > 0, "no {kind} in the demo");
        }
        let today = crate::meetings::date_in_days(0);
        let two_years_ago = crate::meetings::date_in_days(-731);
        let out_of_range: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outcomes WHERE happened_on > $1 OR happened_on < $2")
            .bind(&today)
            .bind(&two_years_ago)
            .fetch_one(db)
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(out_of_range, 0, "an outcome in the future or more than two years ago");
        let (first, last): (String, String) = {
            let row = sqlx::query("SELECT MIN(happened_on) AS first, MAX(happened_on) AS last FROM outcomes WHERE person_id = $1")
                .bind(&mentee)
                .fetch_one(db)
                .await
                .unwrap();
            (row.try_get("first").unwrap(), row.try_get("last").unwrap())
        };
        assert!(first < crate::meetings::date_in_days(-365) && last > crate::meetings::date_in_days(-180),
            "the demo mentee's outcomes are spread over two years: {first} to {last}");
        // Credited only to a mentorship in which their owner was mentored.
        let miscredited = count(app,
            "SELECT COUNT(*) AS n FROM outcomes o WHERE o.mentorship_id IS NOT NULL AND NOT EXISTS \
             (SELECT 1 FROM mentorship_members me JOIN mentorships m ON m.id = me.mentorship_id \
              WHERE me.mentorship_id = o.mentorship_id AND me.person_id = o.person_id AND me.role = 'mentee')").await;
        assert_eq!(miscredited, 0, "an outcome credited to a mentorship its owner was not mentored in");
        assert!(count(app, "SELECT COUNT(*) AS n FROM outcomes WHERE mentorship_id IS NOT NULL").await > 0);
        assert!(count(app, "SELECT COUNT(*) AS n FROM outcomes WHERE goal_id IS NOT NULL").await > 0);
    }

    async fn the_demo_mentee_has_rising_assessments_and_feedback_both_ways(app) {
        let report = app
            .app
            .generate_demo(&DemoOptions { people: 300, opportunities: lodestar_app::demo::default_opportunities(300), seed: 11, progress: false })
            .await
            .unwrap();
        assert!(report.growth.assessments > 100 && report.growth.feedback > 20, "{:?}", report.growth);
        let (_, mentee_email) = report.logins.iter().find(|(kind, _)| kind == "mentee").unwrap();
        let token = app.login(mentee_email, lodestar_app::demo::DEMO_PASSWORD).await.json()["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let skills = app.get("/api/v1/me/assessments", Some(&token)).await;
        assert_eq!(skills.status, axum::http::StatusCode::OK, "{}", skills.text());
        let skills = skills.json();
        let assessed = skills["skills"].as_array().unwrap();
        assert!(assessed.len() >= 3, "{skills}");
        assert!(
            assessed.iter().any(|s| s["self_level"].as_u64() > s["first_level"].as_u64()),
            "the demo mentee's own assessments rise: {skills}"
        );
        assert!(assessed.iter().all(|s| s["mentor_level"].is_u64()), "their mentor assessed every skill: {skills}");
        assert!(!skills["strengths"].as_array().unwrap().is_empty());

        let feedback = app.get("/api/v1/me/feedback", Some(&token)).await.json();
        let received = feedback["received"].as_array().unwrap();
        assert!(received.len() >= 4, "{feedback}");
        assert!(received.iter().any(|f| f["acknowledged_at"].is_i64() && !f["reply"].as_str().unwrap().is_empty()));
        assert!(received.iter().any(|f| f["acknowledged_at"].is_null()), "something left to acknowledge");
        assert!(received.iter().any(|f| f["request_id"].is_string()), "an answered request");
        assert_eq!(feedback["given"].as_array().unwrap().len(), 1, "one piece to their mentor");
        let requests = feedback["your_requests"].as_array().unwrap();
        assert!(requests.iter().any(|r| r["answered_at"].is_null()) && requests.iter().any(|r| r["answered_at"].is_i64()));

        // The progress page charts skills then, now and for the target role.
        let mentee: String = sqlx::query("SELECT id FROM persons WHERE email = $1")
            .bind(mentee_email)
            .fetch_one(app.app.db.reader())
            .await
            .unwrap()
            .try_get("id")
            .unwrap();
        let mut b = crate::pages::Browser::new(app);
        b.log_in(mentee_email, lodestar_app::demo::DEMO_PASSWORD).await;
        let page = b.get(&format!("/people/{mentee}/progress")).await.text();
        let chart = page.split(r#"id="skills""#).nth(1).expect("a skills chart");
        assert!(chart.contains("<svg") && chart.contains("<table"), "{chart}");
    }

    async fn the_demo_runs_a_programme_taking_enrolments_and_one_half_way_with_a_published_match(app) {
        const PEOPLE: usize = 400;
        let options = DemoOptions { people: PEOPLE, opportunities: lodestar_app::demo::default_opportunities(PEOPLE), seed: 7, progress: false };
        let report = app.app.generate_demo(&options).await.unwrap();
        let counts = &report.programmes;
        let token_of = async |kind: &str| {
            let (_, email) = report.logins.iter().find(|(k, _)| k == kind).unwrap();
            app.login(email, lodestar_app::demo::DEMO_PASSWORD).await.json()["token"].as_str().unwrap().to_owned()
        };
        let id_of = async |kind: &str| -> String {
            let (_, email) = report.logins.iter().find(|(k, _)| k == kind).unwrap();
            sqlx::query("SELECT id FROM persons WHERE email = $1")
                .bind(email)
                .fetch_one(app.app.db.reader())
                .await
                .unwrap()
                .try_get("id")
                .unwrap()
        };

        // The match told both sides in their inboxes, but mailed nobody: the people are made up.
        let unsent: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outbox")
            .fetch_one(app.app.db.reader())
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(unsent, 0, "the demo queues no e-mail");

        // Two programmes, one taking enrolments and one running, both run by the demo admin.
        let admin = token_of("admin").await;
        let admin_id = id_of("admin").await;
        let listed = app.get("/api/v1/programmes", Some(&admin)).await.json();
        assert_eq!(listed["total"], 4, "{listed}");
        let programmes = listed["programmes"].as_array().unwrap();
        let by = |phase: &str, matching: &str| programmes.iter().find(|p| p["phase"] == phase && p["matching"] == matching && p["format"] == "one_to_one")
            .unwrap_or_else(|| panic!("no {phase} {matching} programme: {listed}"));
        let (enrolling, running) = (by("enrolling", "cohort"), by("running", "cohort"));
        // The third: admin-assisted, begun and still enrolling.
        let assisted = by("enrolling", "admin_assisted");
        for p in [enrolling, running] {
            assert_eq!(p["matching"], "cohort");
            assert!(p["admins"].as_array().unwrap().iter().any(|a| a["id"] == admin_id.as_str()), "{p}");
        }
        assert_eq!(enrolling["admins"].as_array().unwrap().len(), 2, "the admin and a senior mentor: {enrolling}");
        assert_eq!(enrolling["questions"].as_array().unwrap().len(), 4, "{enrolling}");
        assert_eq!((enrolling["mentor_capacity"].as_i64(), enrolling["needs_approval"].as_bool()), (Some(2), Some(true)));

        // Enrolments by role and state: most approved, some pending, a few withdrawn in the
        // enrolling one; everyone approved in the running one.
        let enrolments = async |p: &serde_json::Value| {
            let page = app.get(&format!("/api/v1/programmes/{}/enrolments?per_page=200", p["id"].as_str().unwrap()), Some(&admin)).await;
            assert_eq!(page.status, axum::http::StatusCode::OK, "{}", page.text());
            page.json()
        };
        let sum = |counts: &serde_json::Value| ["mentee", "mentor", "both"].iter().map(|r| counts[r].as_i64().unwrap()).sum::<i64>();
        let taking = enrolments(enrolling).await;
        assert_eq!(
            (sum(&taking["approved"]), sum(&taking["pending"]), sum(&taking["withdrawn"]), sum(&taking["declined"])),
            (counts.enrolling_approved as i64, counts.enrolling_pending as i64, counts.enrolling_withdrawn as i64, 0),
            "{counts:?}"
        );
        let taking_total = taking["total"].as_i64().unwrap();
        assert!((PEOPLE as i64 / 30..PEOPLE as i64 / 8).contains(&taking_total), "{taking_total} enrolled of {PEOPLE}");
        assert!(counts.enrolling_pending > 0 && counts.enrolling_withdrawn > 0, "{counts:?}");
        // Some of them came from a file, with a graduate intake new to Lodestar: invited,
        // not yet able to sign in, not in the directory.
        assert!(counts.enrolling_imported > 0, "{counts:?}");
        assert_eq!(counts.invited, 4, "{counts:?}");
        let invited: i64 = sqlx::query("SELECT COUNT(*) AS n FROM account_invitations")
            .fetch_one(app.app.db.reader()).await.unwrap().get("n");
        assert_eq!(invited, 4);
        let graduate = app.login("amara.okafor@graduates.demo.lodestar.test", lodestar_app::demo::DEMO_PASSWORD).await;
        assert_eq!(graduate.status, axum::http::StatusCode::UNAUTHORIZED, "no password until the invitation is taken up");
        assert!(counts.enrolling_approved > counts.enrolling_pending + counts.enrolling_withdrawn, "{counts:?}");
        assert!(taking["approved"]["mentee"].as_i64() > Some(0) && taking["approved"]["mentor"].as_i64() > Some(0), "{taking}");
        let halfway = enrolments(running).await;
        assert_eq!(sum(&halfway["approved"]), counts.running_enrolled as i64);
        assert_eq!(halfway["total"].as_i64(), Some(counts.running_enrolled as i64));
        assert!(halfway["approved"]["mentee"].as_i64() > Some(0) && halfway["approved"]["mentor"].as_i64() > Some(0), "{halfway}");
        assert!((PEOPLE / 40..PEOPLE / 10).contains(&counts.running_enrolled), "{counts:?}");
        let both = taking["approved"]["both"].as_i64().unwrap() + taking["pending"]["both"].as_i64().unwrap() + halfway["approved"]["both"].as_i64().unwrap();
        assert!(both > 0, "nobody enrolled as both");

        // The running one has one published match run, whose mentorships are the
        // programme's, within its capacity of two.
        let running_id = running["id"].as_str().unwrap();
        let runs = app.get(&format!("/api/v1/programmes/{running_id}/match-runs"), Some(&admin)).await.json();
        let runs = runs.as_array().unwrap();
        assert_eq!(runs.len(), 1, "{runs:?}");
        assert_eq!(runs[0]["state"], "published");
        let in_programme: i64 = sqlx::query("SELECT COUNT(*) AS n FROM mentorships WHERE programme_id = $1")
            .bind(running_id)
            .fetch_one(app.app.db.reader())
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(runs[0]["mentorships_created"].as_i64(), Some(in_programme));
        assert_eq!(in_programme as usize, counts.matched);
        assert!(in_programme > 0);
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM mentorships WHERE programme_id IS NOT NULL AND programme_id NOT IN \
             (SELECT id FROM programmes WHERE name IN ('Women in engineering mentoring', 'Customer teams mentoring', 'Learning circles'))").await, 0);
        let over = count(app, "SELECT COUNT(*) AS n FROM (SELECT mo.person_id FROM mentorship_members mo \
             JOIN mentorships m ON m.id = mo.mentorship_id \
             JOIN mentorship_members me ON me.mentorship_id = m.id AND me.role = 'mentee' \
             JOIN programmes p ON p.id = m.programme_id \
             WHERE mo.role = 'mentor' GROUP BY mo.person_id, m.programme_id, p.format \
             HAVING COUNT(*) > CASE p.format WHEN 'circle' THEN 5 ELSE 2 END) t").await;
        assert_eq!(over, 0, "a mentor over the programme's capacity, or a circle over its size");

        // The circles one: a published match formed circles around skills their mentees
        // want, one mentorship each, and some of their mentees put goals on the boards.
        let c = &counts.circles;
        assert!(c.mentors >= 2 && c.circles >= 2 && c.in_circles > c.circles && c.on_board > 0, "{c:?}");
        // Led by one or two mentors: some mentors who share a focus co-mentor a circle.
        assert!(c.co_mentored > 0 && c.in_co_mentored > 0, "{c:?}");
        let two_led = count(app, "SELECT COUNT(*) AS n FROM (SELECT m.id FROM mentorships m \
             JOIN programmes p ON p.id = m.programme_id JOIN mentorship_members mo ON mo.mentorship_id = m.id AND mo.role = 'mentor' \
             WHERE p.format = 'circle' GROUP BY m.id HAVING COUNT(*) = 2) t").await;
        assert_eq!(two_led as usize, c.co_mentored);
        let circles = programmes.iter().find(|p| p["format"] == "circle").expect("the circles programme");
        let circle_rows: Vec<String> = text_rows(app.app.db.reader(), "SELECT m.id FROM mentorships m \
             JOIN programmes p ON p.id = m.programme_id WHERE p.format = 'circle'").await.into_iter().filter_map(|mut r| r.remove(0)).collect();
        assert_eq!(circle_rows.len(), c.circles, "{circles}");
        let member = text_rows(app.app.db.reader(), "SELECT who.email FROM goals g JOIN persons who ON who.id = g.owner_id \
             WHERE g.on_board = 1 ORDER BY who.email").await;
        assert_eq!(member.len(), c.on_board);
        let theirs = app.login(member[0][0].as_deref().unwrap(), lodestar_app::demo::DEMO_PASSWORD).await.json()["token"].as_str().unwrap().to_owned();
        let mut seen = false;
        for id in &circle_rows {
            let board = app.get(&format!("/api/v1/mentorships/{id}/board"), Some(&theirs)).await;
            seen |= board.status == axum::http::StatusCode::OK && !board.json()["goals"].as_array().unwrap().is_empty();
        }
        assert!(seen, "a member sees their circle's board");

        // The admin-assisted one: its mentees asked its mentors; its admin approved most
        // (some accepted since: its mentorships), did not approve some, and has some to
        // approve still — among them the request of the login who does both.
        let a = &counts.assisted;
        assert!(a.mentors >= 3 && a.mentees >= 5, "{a:?}");
        assert!(a.approved > 0 && a.accepted > 0 && a.rejected > 0 && a.waiting > 0, "{a:?}");
        assert_eq!(a.requests, a.approved + a.rejected + a.waiting, "{a:?}");
        let assisted_id = assisted["id"].as_str().unwrap();
        let to_review = app.get(&format!("/api/v1/programmes/{assisted_id}/requests"), Some(&admin)).await.json();
        assert_eq!(to_review.as_array().unwrap().len(), a.waiting, "{to_review}");
        let made: i64 = sqlx::query("SELECT COUNT(*) AS n FROM mentorships WHERE programme_id = $1")
            .bind(assisted_id)
            .fetch_one(app.app.db.reader())
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(made as usize, a.accepted);
        let both = token_of("mentor and mentee").await;
        let asked = app.get("/api/v1/requests?direction=outgoing&state=pending", Some(&both)).await.json();
        assert!(asked.as_array().unwrap().iter().any(|r| r["review"] == "waiting" && r["programme"]["id"] == assisted_id), "{asked}");

        // The demo mentee is enrolled in the one taking enrolments; the demo mentor has a
        // mentee through the match.
        let mentee = token_of("mentee").await;
        let theirs = app.get("/api/v1/programmes", Some(&mentee)).await.json();
        let mine = theirs["programmes"].as_array().unwrap().iter().find(|p| p["phase"] == "enrolling" && p["matching"] == "cohort" && p["format"] == "one_to_one").unwrap();
        assert_eq!((mine["your_enrolment"]["role"].as_str(), mine["your_enrolment"]["state"].as_str()), (Some("mentee"), Some("approved")), "{mine}");
        let mentor_id = id_of("mentor").await;
        let matched: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM mentorships m JOIN mentorship_members mo ON mo.mentorship_id = m.id \
             WHERE m.programme_id = $1 AND mo.person_id = $2 AND mo.role = 'mentor'",
        )
        .bind(running_id)
        .bind(&mentor_id)
        .fetch_one(app.app.db.reader())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
        assert!(matched > 0, "the demo mentor has no mentee through the programme");

        // Its mentorships have lived since its start, as if the match had been published
        // then: begun in its first week, with sessions, endings, ratings and growth enough
        // that its report shows every kind of figure.
        let starts_on = chrono::NaiveDate::parse_from_str(running["starts_on"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let start_ms = starts_on.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp_millis();
        let outside: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM mentorships m WHERE m.programme_id = $1 AND (m.created_at < $2 OR m.created_at > $3 \
             OR EXISTS (SELECT 1 FROM mentorship_events e WHERE e.mentorship_id = m.id AND e.kind = 'started' AND e.at <> m.created_at) \
             OR EXISTS (SELECT 1 FROM mentorship_members mm WHERE mm.mentorship_id = m.id AND mm.joined_at <> m.created_at) \
             OR EXISTS (SELECT 1 FROM threads t WHERE t.mentorship_id = m.id AND t.created_at <> m.created_at) \
             OR EXISTS (SELECT 1 FROM meetings mt WHERE mt.mentorship_id = m.id AND mt.starts_at < m.created_at))",
        )
        .bind(running_id)
        .bind(start_ms)
        .bind(start_ms + 8 * 86_400_000)
        .fetch_one(app.app.db.reader())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
        assert_eq!(outside, 0, "a programme mentorship that did not begin in the programme's first week");
        assert!(counts.history.sessions_held > counts.matched * 3, "{counts:?}");
        assert!(counts.history.completed > 0 && counts.history.cancelled > 0 && counts.history.stalled > 0, "{counts:?}");
        let mentor_state: Vec<String> = sqlx::query(
            "SELECT m.state FROM mentorships m JOIN mentorship_members mo ON mo.mentorship_id = m.id \
             WHERE m.programme_id = $1 AND mo.person_id = $2 AND mo.role = 'mentor'",
        )
        .bind(running_id)
        .bind(&mentor_id)
        .fetch_all(app.app.db.reader())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("state").unwrap())
        .collect();
        assert!(mentor_state.iter().all(|s| s == "active"), "the demo mentor's programme mentorships: {mentor_state:?}");
        // Goals are shared only with a mentor of their owner; outcomes are credited only to a
        // mentorship in which their owner is mentored, begun by the day they happened.
        let stray_shares = count(app, "SELECT COUNT(*) AS n FROM goal_shares s JOIN goals g ON g.id = s.goal_id \
             WHERE NOT EXISTS (SELECT 1 FROM mentorship_members a JOIN mentorship_members b \
               ON b.mentorship_id = a.mentorship_id AND a.role = 'mentor' AND b.role = 'mentee' \
               WHERE a.person_id = s.person_id AND b.person_id = g.owner_id)").await;
        assert_eq!(stray_shares, 0, "a goal shared with someone who does not mentor its owner");
        let credited = text_rows(app.app.db.reader(),
            "SELECT o.happened_on, CAST(m.created_at AS TEXT), \
               CASE WHEN EXISTS (SELECT 1 FROM mentorship_members mm WHERE mm.mentorship_id = m.id \
                 AND mm.person_id = o.person_id AND mm.role = 'mentee') THEN 'yes' ELSE 'no' END \
             FROM outcomes o JOIN mentorships m ON m.id = o.mentorship_id WHERE m.programme_id IS NOT NULL").await;
        assert!(credited.len() >= 5, "{credited:?}");
        for row in &credited {
            let happened = chrono::NaiveDate::parse_from_str(row[0].as_deref().unwrap(), "%Y-%m-%d").unwrap();
            let begun: i64 = row[1].as_deref().unwrap().parse().unwrap();
            let begun = chrono::DateTime::from_timestamp_millis(begun).unwrap().date_naive();
            assert!(row[2].as_deref() == Some("yes") && begun <= happened, "{row:?}");
        }
        // A mentee keeps one check-in plan; no check-in comes before it.
        let early = count(app, "SELECT COUNT(*) AS n FROM check_ins c JOIN check_in_plans p ON p.person_id = c.person_id \
             WHERE c.created_at < p.started_at").await;
        assert_eq!(early, 0, "a check-in before its plan began");

        let report = app.get(&format!("/api/v1/programmes/{running_id}/report"), Some(&admin)).await.json();
        let figures = |section: &str| -> Vec<serde_json::Value> {
            report["dashboard"].as_array().unwrap().iter().chain(report["report"].as_array().unwrap())
                .find(|s| s["key"] == section).unwrap_or_else(|| panic!("no {section}: {report}"))["figures"].as_array().unwrap().clone()
        };
        let shown = |section: &str, key: &str| -> f64 {
            let f = figures(section).into_iter().find(|f| f["key"] == key).unwrap_or_else(|| panic!("no {section}.{key}"));
            assert_eq!(f["suppressed"], false, "{section}.{key} is held back: {report}");
            f["value"].as_f64().unwrap()
        };
        let shown_count = |section: &str| figures(section).iter().filter(|f| f["suppressed"] == false).count();
        assert!(shown("sessions", "mean") > 2.0, "{report}");
        assert!(shown_count("sessions") >= 3, "the mean and two buckets: {report}");
        assert!(shown("mentorships", "stalled") > 0.0);
        assert!(shown("goals", "set") > shown("goals", "achieved") && shown("goals", "achieved") > 0.0);
        assert!(shown("check_ins", "share") > 0.5);
        assert!(shown("confidence", "now") > shown("confidence", "start") + 0.5, "{report}");
        assert!(shown_count("skills") >= 6, "three skills, start and now: {report}");
        assert!(shown_count("outcomes") >= 2, "{report}");
        assert!((3.5..=5.0).contains(&shown("ratings", "mean")), "{report}");
        assert!(shown("retention", "active") > shown("retention", "completed") && shown("retention", "completed") > 0.0);

        // The same seed gives the same programmes and enrolments (of the same people: the
        // accounts an import makes have new ids).
        let twin = app.twin().await;
        twin.app.generate_demo(&options).await.unwrap();
        let read = async |sql: &'static str| {
            [text_rows(app.app.db.reader(), sql).await, text_rows(twin.app.db.reader(), sql).await]
        };
        let defined = read(
            "SELECT name, description, purposes, enrolment_opens, enrolment_closes, starts_on, ends_on, \
             matching, format, questions FROM programmes ORDER BY name",
        )
        .await;
        let enrolled = read(
            "SELECT p.name, who.email, e.role, e.state, e.answers FROM programme_enrolments e \
             JOIN programmes p ON p.id = e.programme_id JOIN persons who ON who.id = e.person_id \
             ORDER BY p.name, who.email",
        )
        .await;
        let lived = read(
            "SELECT mo.email, me.email, m.state, CAST((SELECT COUNT(*) FROM meetings mt WHERE mt.mentorship_id = m.id \
               AND mt.state = 'held') AS TEXT), CAST((SELECT COUNT(*) FROM goals g WHERE g.mentorship_id = m.id) AS TEXT), \
               CAST((SELECT SUM(r.rating) FROM mentorship_members r WHERE r.mentorship_id = m.id) AS TEXT) \
             FROM mentorships m JOIN mentorship_members a ON a.mentorship_id = m.id AND a.role = 'mentor' \
             JOIN persons mo ON mo.id = a.person_id JOIN mentorship_members b ON b.mentorship_id = m.id AND b.role = 'mentee' \
             JOIN persons me ON me.id = b.person_id WHERE m.programme_id IS NOT NULL ORDER BY mo.email, me.email",
        )
        .await;
        twin.finish().await;
        // A co-mentored circle's mentees are each there with both mentors.
        assert_eq!(lived[0].len(), counts.matched + counts.assisted.accepted + counts.circles.in_circles + counts.circles.in_co_mentored);
        assert!(lived[0] == lived[1], "the same seed gave the programme another history");
        assert_eq!(defined[0].len(), 4);
        assert!(defined[0] == defined[1], "the same seed gave other programmes");
        let assisted_total = (counts.assisted.mentors + counts.assisted.mentees + counts.circles.mentors + counts.circles.mentees) as i64;
        assert_eq!(enrolled[0].len() as i64, taking_total + halfway["total"].as_i64().unwrap() + assisted_total);
        assert!(enrolled[0] == enrolled[1], "the same seed gave other enrolments");
    }
}
