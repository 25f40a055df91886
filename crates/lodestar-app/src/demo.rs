//! A generated, realistic organisation for trying Lodestar and for benchmarks: people with
//! names, roles, departments, industries, experience, languages, time zones, mentoring
//! capacities and skills at levels, and the network they form. The same seed always gives
//! the same organisation.

use std::collections::HashMap;
use std::time::Instant;

use fake::Fake;
use fake::faker::name::en::{FirstName, LastName};
use indicatif::{ProgressBar, ProgressStyle};
use lodestar_domain::{
    FocusArea, PersonId, ProfileData, ProfileField, SkillClaim, SkillId, SkillKind, SkillLevel,
};
use lodestar_store::profiles::{self, BulkPerson};
use lodestar_store::{persons, skills};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use serde::Deserialize;

use crate::accounts::Registration;
use crate::people::derived;
use crate::secrets::hash_password;
use crate::{App, AppError};

mod assisted;
mod circles;
mod growth;
mod history;
mod network;
mod opportunities;
mod programme_history;
mod programmes;

pub use assisted::AssistedCounts;
pub use circles::CircleCounts;
pub use growth::GrowthCounts;
pub use history::HistoryCounts;
pub use network::{CONNECTIONS_PER_PERSON, NetworkCounts};
pub use opportunities::OpportunityCounts;
pub use programme_history::ProgrammeHistoryCounts;
pub use programmes::ProgrammeCounts;

const VOCABULARY: &str = include_str!("../seed/demo.json");

/// Every generated person's password, printed with the logins to try.
pub const DEMO_PASSWORD: &str = "mentoring-demo-2026";
/// The demo's admin account.
pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.lodestar.test";

#[derive(Deserialize)]
struct Vocabulary {
    organisations: Vec<String>,
    industries: Vec<String>,
    departments: Vec<Department>,
    languages: Vec<Weighted>,
    time_zones: Vec<Zone>,
    headline_templates: Vec<String>,
    bio_templates: Vec<String>,
}

#[derive(Deserialize)]
struct Department {
    name: String,
    weight: u32,
    tracks: Vec<Track>,
}

#[derive(Deserialize)]
struct Track {
    titles: Vec<String>,
    skills: Vec<String>,
}

#[derive(Deserialize)]
struct Weighted {
    code: String,
    weight: u32,
}

#[derive(Deserialize)]
struct Zone {
    name: String,
    weight: u32,
    locations: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub people: usize,
    /// Opportunities and insights to post.
    pub opportunities: usize,
    pub seed: u64,
    /// Show a progress bar on the terminal.
    pub progress: bool,
}

/// How many opportunities and insights a demo of `people` posts by default: a third of
/// them, from 50 to 500.
pub fn default_opportunities(people: usize) -> usize {
    (people / 3).clamp(50, 500)
}

/// What was generated, with logins to try.
#[derive(Clone, Debug)]
pub struct DemoReport {
    pub people: usize,
    pub mentors: usize,
    pub mentees: usize,
    pub both: usize,
    pub seconds: f64,
    /// (what the account is, email); all use [`DEMO_PASSWORD`].
    pub logins: Vec<(String, String)>,
    /// The mentoring history generated with them.
    pub history: HistoryCounts,
    /// Their goals and check-ins.
    pub growth: GrowthCounts,
    /// Their connections.
    pub network: NetworkCounts,
    /// Their opportunities and insights.
    pub opportunities: OpportunityCounts,
    /// Their two programmes: one enrolling, one half-way with a published match.
    pub programmes: ProgrammeCounts,
}

/// People are written in transactions of this many.
const BATCH: usize = 2_000;

struct SkillIndex {
    by_slug: HashMap<String, SkillId>,
    soft: Vec<SkillId>,
}

impl App {
    /// Fills the database with a generated organisation of `options.people` people plus a
    /// demo admin. Refuses to run twice on one database.
    pub async fn generate_demo(&self, options: &DemoOptions) -> Result<DemoReport, AppError> {
        let started = Instant::now();
        let vocabulary: Vocabulary = serde_json::from_str(VOCABULARY)
            .map_err(|e| AppError::Internal(format!("demo vocabulary: {e}")))?;
        let admin_email = lodestar_domain::Email::parse(DEMO_ADMIN_EMAIL)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if persons::find_by_email(&self.db, &admin_email)
            .await?
            .is_some()
        {
            return Err(AppError::Conflict {
                code: "demo_exists",
                field: None,
                message: "this database already holds the demo organisation".into(),
            });
        }
        let catalogue = skills::list(&self.db, false).await?;
        let index = SkillIndex {
            by_slug: catalogue.iter().map(|s| (s.slug.clone(), s.id)).collect(),
            soft: catalogue
                .iter()
                .filter(|s| s.kind == SkillKind::Soft)
                .map(|s| s.id)
                .collect(),
        };
        let names: HashMap<SkillId, String> =
            catalogue.iter().map(|s| (s.id, s.name.clone())).collect();

        let admin = self
            .create_admin(&Registration {
                name: "Programme Admin".into(),
                email: DEMO_ADMIN_EMAIL.into(),
                password: DEMO_PASSWORD.into(),
            })
            .await?;
        let password_hash = hash_password(DEMO_PASSWORD.to_owned()).await?;

        let bar = if options.progress {
            ProgressBar::new(options.people as u64)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg} [{bar:40}] {pos}/{len} people ({per_sec}, {eta} left)",
            )
            .map_err(|e| AppError::Internal(e.to_string()))?
            .progress_chars("=> "),
        );
        bar.set_message("generating");

        let mut rng = StdRng::seed_from_u64(options.seed);
        let mut report = DemoReport {
            people: options.people,
            mentors: 0,
            mentees: 0,
            both: 0,
            seconds: 0.0,
            logins: vec![("admin".into(), admin.email.clone())],
            history: HistoryCounts::default(),
            growth: GrowthCounts::default(),
            network: NetworkCounts::default(),
            opportunities: OpportunityCounts::default(),
            programmes: ProgrammeCounts::default(),
        };
        let mut people = Vec::with_capacity(options.people);
        let mut colleagues = Vec::with_capacity(options.people);
        let mut authors = Vec::with_capacity(options.people);
        let mut featured = Vec::new();
        let mut logins = programmes::Featured::default();
        let mut enrollees = Vec::with_capacity(options.people);
        let mut mentees = Vec::new();
        let mut generated = 0;
        while generated < options.people {
            let count = BATCH.min(options.people - generated);
            let batch: Vec<BulkPerson> = (generated..generated + count)
                .map(|n| generate_person(&mut rng, n, &vocabulary, &index, &names, &password_hash))
                .collect();
            for p in &batch {
                match (p.profile.is_mentor, p.profile.wants_mentor) {
                    (true, true) => report.both += 1,
                    (true, false) => report.mentors += 1,
                    (false, true) => report.mentees += 1,
                    _ => {}
                }
                let wanted = match (p.profile.is_mentor, p.profile.wants_mentor) {
                    (true, false) => "mentor",
                    (false, true) => "mentee",
                    (true, true) => "mentor and mentee",
                    _ => "",
                };
                // The mentor to sign in as has room for several mentees, to show them all.
                if !wanted.is_empty()
                    && !report.logins.iter().any(|(kind, _)| kind == wanted)
                    && (wanted != "mentor" || p.profile.mentor_capacity >= 3)
                {
                    report.logins.push((wanted.into(), p.email.clone()));
                    featured.push(p.id);
                    match wanted {
                        "mentor" => logins.mentor = Some(p.id),
                        "mentee" => logins.mentee = Some(p.id),
                        _ => logins.both = Some(p.id),
                    }
                }
                if p.profile.wants_mentor {
                    mentees.push(crate::career::demo::Mentee::of(p));
                }
                people.push(history::Person {
                    id: p.id,
                    first_name: p.name.split(' ').next().unwrap_or_default().to_owned(),
                    time_zone: p.profile.time_zone.clone(),
                    is_mentor: p.profile.is_mentor,
                    wants_mentor: p.profile.wants_mentor,
                    capacity: p.profile.mentor_capacity,
                    mentors: p.profile.mentor_skills.iter().map(|c| c.skill).collect(),
                    grows: p.profile.growth_skills.iter().map(|c| c.skill).collect(),
                    focus_areas: p.profile.focus_areas.clone(),
                });
                enrollees.push(programmes::Person {
                    id: p.id,
                    department: p.profile.department.clone(),
                    is_mentor: p.profile.is_mentor,
                    wants_mentor: p.profile.wants_mentor,
                    years: p.profile.years_experience.unwrap_or(0),
                    focus_areas: p.profile.focus_areas.clone(),
                });
                colleagues.push(network::Person {
                    id: p.id,
                    organisation: p.profile.organisation.clone(),
                    department: p.profile.department.clone(),
                    industry: p.profile.industry.clone(),
                    years: p.profile.years_experience.unwrap_or(0),
                    is_mentor: p.profile.is_mentor,
                });
                authors.push(opportunities::Author {
                    id: p.id,
                    name: p.name.clone(),
                    is_mentor: p.profile.is_mentor,
                    industry: p.profile.industry.clone(),
                    location: p.profile.location.clone(),
                    skills: p
                        .profile
                        .mentor_skills
                        .iter()
                        .chain(&p.profile.growth_skills)
                        .map(|c| c.skill)
                        .collect(),
                });
            }
            profiles::insert_bulk(&self.db, &batch).await?;
            generated += count;
            bar.set_position(generated as u64);
        }
        bar.finish_with_message("done");
        let (batches, counts) =
            history::generate(&people, &featured, options.seed, lodestar_store::now_ms());
        for batch in &batches {
            lodestar_store::bulk_mentoring::insert(&self.db, batch).await?;
        }
        report.history = counts;
        let (growth, counts) = growth::generate(
            &people,
            &featured,
            &batches,
            &names,
            options.seed,
            lodestar_store::now_ms(),
        );
        for batch in &growth {
            lodestar_store::bulk_growth::insert(&self.db, batch).await?;
        }
        report.growth = counts;
        // Before the network: the match's mentorships connect their pairs, which the
        // network then leaves to them as it does the history's.
        let admin_viewer = crate::Viewer {
            id: admin.id,
            name: admin.name.clone(),
            is_admin: true,
        };
        let programmes_started = Instant::now();
        let (mut counts, mut programme_pairs, running) = self
            .demo_programmes(
                &admin_viewer,
                &enrollees,
                &logins,
                options.seed,
                lodestar_store::now_ms(),
            )
            .await?;
        // Its mentorships' months since the programme began, as if published then.
        counts.history = self
            .demo_programme_history(
                running.id,
                running.dates.starts_on,
                &people,
                &growth,
                &names,
                &featured,
                options.seed,
                lodestar_store::now_ms(),
            )
            .await?;
        // The admin-assisted programme: its mentees ask, its admin reviews, mentors accept.
        let taken: std::collections::HashSet<PersonId> = {
            let mut tx = self.db.begin().await?;
            let found = lodestar_store::enrolments::approved_in(&mut tx, running.id).await?;
            lodestar_store::commit(tx).await?;
            found.into_keys().collect()
        };
        let today = chrono::Utc::now().date_naive();
        let (assisted, assisted_pairs) = self
            .demo_assisted_programme(
                &admin_viewer,
                &enrollees,
                &logins,
                &taken,
                options.seed,
                today,
            )
            .await?;
        programme_pairs.extend(assisted_pairs);
        counts.assisted = assisted;
        // The circles programme: formed by a match run around skills its mentees want.
        let (circles, circle_pairs) = self
            .demo_circles_programme(
                &admin_viewer,
                &enrollees,
                &logins,
                &taken,
                options.seed,
                today,
            )
            .await?;
        programme_pairs.extend(circle_pairs);
        counts.circles = circles;
        tracing::info!(
            enrolled = counts.enrolling_approved
                + counts.enrolling_pending
                + counts.enrolling_withdrawn
                + counts.running_enrolled,
            matched = counts.matched,
            seconds = programmes_started.elapsed().as_secs_f64(),
            "demo programmes generated"
        );
        report.programmes = counts;
        let network_started = Instant::now();
        let (connections, introductions, mut counts) = network::generate(
            &colleagues,
            &featured,
            &batches,
            &programme_pairs,
            options.seed,
            lodestar_store::now_ms(),
        );
        let written = lodestar_store::bulk_network::insert(&self.db, &connections).await?;
        // What the database took: a pair connected already keeps its row.
        counts.accepted = usize::try_from(written.accepted).unwrap_or(usize::MAX);
        counts.introduced = usize::try_from(written.introduced).unwrap_or(usize::MAX);
        counts.pending = usize::try_from(written.pending).unwrap_or(usize::MAX);
        lodestar_store::introductions::insert_bulk(&self.db, &introductions).await?;
        tracing::info!(
            connections = counts.connections(),
            introductions = counts.introductions(),
            pending = counts.pending,
            seconds = network_started.elapsed().as_secs_f64(),
            "demo network generated"
        );
        report.network = counts;
        let (posts, shares, counts) = opportunities::generate(
            &authors,
            &names,
            &current_mentees(&batches),
            &featured,
            options.opportunities,
            options.seed,
            lodestar_store::now_ms(),
        );
        lodestar_store::opportunities::insert_bulk(&self.db, &posts, &shares).await?;
        report.opportunities = counts;
        self.demo_career_paths(&mentees, &names, lodestar_store::now_ms())
            .await?;
        let free_time = free_time(&people, options.seed, lodestar_store::now_ms());
        lodestar_store::availability::insert_bulk(&self.db, &free_time).await?;
        self.db.settle_after_bulk_load().await?;
        report.seconds = started.elapsed().as_secs_f64();
        tracing::info!(
            people = options.people,
            seconds = report.seconds,
            "demo organisation generated"
        );
        Ok(report)
    }
}

/// Each mentor's mentees in the history's active mentorships.
fn current_mentees(
    batches: &[lodestar_store::bulk_mentoring::BulkMentoring],
) -> HashMap<PersonId, Vec<PersonId>> {
    let mut found: HashMap<PersonId, Vec<PersonId>> = HashMap::new();
    for batch in batches {
        let active: std::collections::HashSet<&str> = batch
            .mentorships
            .iter()
            .filter(|m| m.state == "active")
            .map(|m| m.id.as_str())
            .collect();
        let mut roles: HashMap<&str, (Option<PersonId>, Vec<PersonId>)> = HashMap::new();
        for member in batch
            .members
            .iter()
            .filter(|m| active.contains(m.mentorship_id.as_str()))
        {
            let Ok(person) = member.person_id.parse::<PersonId>() else {
                continue;
            };
            let entry = roles.entry(member.mentorship_id.as_str()).or_default();
            if member.role == "mentor" {
                entry.0 = Some(person);
            } else {
                entry.1.push(person);
            }
        }
        for (mentor, mentees) in roles.into_values() {
            if let Some(mentor) = mentor {
                found.entry(mentor).or_default().extend(mentees);
            }
        }
    }
    found
}

/// Every mentor's free time for booking: two weekly windows of two hours on weekdays in
/// their own zone, 30, 45 or 60 minutes, a day's notice and a quarter hour's buffer; one
/// mentor in three opens the second window to one-off conversations, twice a month.
fn free_time(
    people: &[history::Person],
    seed: u64,
    now: i64,
) -> Vec<(
    lodestar_domain::PersonId,
    lodestar_store::availability::AvailabilityRecord,
)> {
    use lodestar_domain::availability::{Availability, RawAvailability, RawWindow};
    let days = ["mon", "tue", "wed", "thu", "fri"];
    let mut rng = StdRng::seed_from_u64(seed ^ 0xb00c);
    people
        .iter()
        .filter(|p| p.is_mentor)
        .filter_map(|p| {
            let first = rng.random_range(0..days.len());
            let second = (first + rng.random_range(1..days.len())) % days.len();
            let morning = rng.random_range(8..11);
            let afternoon = rng.random_range(13..17);
            let one_off = rng.random_range(0..3) == 0;
            let window = |day: usize, from: i32, one_off: bool| RawWindow {
                day: days[day].into(),
                from: format!("{from:02}:00"),
                to: format!("{:02}:00", from + 2),
                one_off,
            };
            let raw = RawAvailability {
                time_zone: p.time_zone.clone(),
                weekly: vec![
                    window(first, morning, false),
                    window(second, afternoon, one_off),
                ],
                exceptions: Vec::new(),
                min_notice_hours: 24,
                buffer_minutes: 15,
                durations: vec![30, 45, 60],
            };
            let availability = Availability::parse(&raw).ok()?;
            Some((
                p.id,
                lodestar_store::availability::AvailabilityRecord {
                    availability,
                    busy_calendar_url: None,
                    one_off_monthly_limit: if one_off { 2 } else { 0 },
                    updated_at: now,
                },
            ))
        })
        .collect()
}

fn weighted<'a, T>(rng: &mut StdRng, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut pick = rng.random_range(0..total.max(1));
    for item in items {
        let w = weight(item);
        if pick < w {
            return item;
        }
        pick -= w;
    }
    &items[items.len() - 1]
}

fn level(rng: &mut StdRng, low: i64, high: i64) -> SkillLevel {
    SkillLevel::new(rng.random_range(low..=high).clamp(1, 5)).unwrap_or(SkillLevel::MIN)
}

fn pick_claims(
    rng: &mut StdRng,
    pool: &[SkillId],
    count: std::ops::RangeInclusive<usize>,
    levels: (i64, i64),
    taken: &mut Vec<SkillId>,
) -> Vec<SkillClaim> {
    let (low, high) = levels;
    let count = rng.random_range(count).min(pool.len());
    let mut claims = Vec::new();
    for skill in pool.sample(rng, count).copied().collect::<Vec<_>>() {
        if !taken.contains(&skill) {
            taken.push(skill);
            claims.push(SkillClaim {
                skill,
                level: level(rng, low, high),
            });
        }
    }
    claims
}

fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (key, value)| {
            text.replace(key, value)
        })
}

fn generate_person(
    rng: &mut StdRng,
    n: usize,
    v: &Vocabulary,
    index: &SkillIndex,
    names: &HashMap<SkillId, String>,
    password_hash: &str,
) -> BulkPerson {
    let first: String = FirstName().fake_with_rng(rng);
    let last: String = LastName().fake_with_rng(rng);
    let name = format!("{first} {last}");
    let org_index = rng.random_range(0..v.organisations.len());
    let organisation = &v.organisations[org_index];
    let industry = &v.industries[org_index % v.industries.len()];
    let domain: String = organisation
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let email = format!(
        "{}.{}.{n}@{domain}.example",
        first
            .to_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), ""),
        last.to_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "")
    );

    // Roles: about a third mentor, most want a mentor, some do both.
    let roll = rng.random_range(0..100);
    let (is_mentor, wants_mentor) = match roll {
        0..30 => (true, false),
        30..45 => (true, true),
        45..95 => (false, true),
        _ => (false, false),
    };
    let seniority = if is_mentor && !wants_mentor {
        rng.random_range(2..5)
    } else if is_mentor {
        rng.random_range(1..4)
    } else {
        rng.random_range(0..3)
    };
    let years = seniority * 4 + rng.random_range(0..5);
    let department = weighted(rng, &v.departments, |d| d.weight);
    let track = department
        .tracks
        .choose(rng)
        .unwrap_or(&department.tracks[0]);
    let title = track
        .titles
        .get(seniority as usize)
        .cloned()
        .unwrap_or_default();
    let track_skills: Vec<SkillId> = track
        .skills
        .iter()
        .filter_map(|s| index.by_slug.get(s))
        .copied()
        .collect();

    let mut taken = Vec::new();
    let mut mentor_skills = Vec::new();
    if is_mentor {
        let base = i64::from(seniority) + 1;
        mentor_skills = pick_claims(rng, &track_skills, 3..=6, (base.max(3), 5), &mut taken);
        mentor_skills.extend(pick_claims(rng, &index.soft, 1..=2, (3, 5), &mut taken));
    }
    let mut growth_skills = Vec::new();
    if wants_mentor {
        growth_skills = pick_claims(rng, &track_skills, 2..=4, (1, 3), &mut taken);
        growth_skills.extend(pick_claims(rng, &index.soft, 1..=2, (1, 3), &mut taken));
    }

    let mut languages = Vec::new();
    for language in &v.languages {
        let chance = if language.code == "en" {
            language.weight
        } else {
            language.weight / 3
        };
        if rng.random_range(0..100) < chance && languages.len() < 3 {
            languages.push(language.code.clone());
        }
    }
    if languages.is_empty() {
        languages.push(weighted(rng, &v.languages, |l| l.weight).code.clone());
    }
    let zone = weighted(rng, &v.time_zones, |z| z.weight);
    let location = zone.locations.choose(rng).cloned().unwrap_or_default();

    let focus_count = rng.random_range(1..=3);
    let mut focus_areas: Vec<FocusArea> =
        FocusArea::ALL.sample(rng, focus_count).copied().collect();
    focus_areas.sort();
    let mut hidden_fields = vec![ProfileField::Email];
    if rng.random_range(0..10) == 0 {
        hidden_fields.push(ProfileField::Location);
    }

    let signature = mentor_skills
        .first()
        .or(growth_skills.first())
        .map(|c| c.skill);
    let skill_name = signature
        .and_then(|s| names.get(&s))
        .cloned()
        .unwrap_or_else(|| "mentoring".into());
    let years_text = years.to_string();
    let values = [
        ("{title}", title.as_str()),
        ("{organisation}", organisation.as_str()),
        ("{department}", department.name.as_str()),
        ("{industry}", industry.as_str()),
        ("{skill}", skill_name.as_str()),
        ("{years}", years_text.as_str()),
    ];
    let headline = fill(
        v.headline_templates
            .choose(rng)
            .map_or("{title}", String::as_str),
        &values,
    );
    let bio = fill(
        v.bio_templates.choose(rng).map_or("", String::as_str),
        &values,
    );

    let profile = ProfileData {
        headline,
        bio,
        role_title: title,
        organisation: organisation.clone(),
        department: department.name.clone(),
        industry: industry.clone(),
        years_experience: Some(i64::from(years)),
        location,
        time_zone: zone.name.clone(),
        languages,
        is_mentor,
        wants_mentor,
        mentor_capacity: if is_mentor {
            rng.random_range(1..=4)
        } else {
            0
        },
        availability_hours: if is_mentor || wants_mentor {
            rng.random_range(2..=12)
        } else {
            0
        },
        mentor_skills,
        growth_skills,
        focus_areas,
        hidden_fields,
        listed: rng.random_range(0..100) < 97,
    };
    let id = PersonId(uuid::Builder::from_random_bytes(rng.random()).into_uuid());
    let derived = derived(&name, &profile);
    BulkPerson {
        id,
        name,
        email,
        password_hash: password_hash.to_owned(),
        profile,
        derived,
    }
}
