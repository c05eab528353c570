//! Demo data for a fresh install, and a generator of large synthetic logs for
//! benchmarks. Both are deterministic: the same seed gives the same records.

use rand::{seq::IndexedRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use std::fmt::Write as _;

use crate::access::Role;
use crate::log::Visibility;

use super::{
    store::{access_for, insert_interaction, search, Actor, Engine, NewInteraction, Reader, Store, StoreError},
    tags,
    time::{now_millis, Millis},
};

const DAY: Millis = 24 * 60 * 60 * 1000;

/// The team the demo's and the generator's team-only records are kept to.
pub const RESTRICTED_TEAM: &str = "Health and wellbeing";

/// Who may read a generated record: one in ten is kept to
/// [`RESTRICTED_TEAM`], one in a hundred is private to its author. Drawn
/// from its own generator, so the records themselves stay as they were.
fn generated_visibility(rng: &mut ChaCha8Rng, team: i64) -> Visibility {
    match rng.random_range(0..100) {
        0 => Visibility::Private,
        1..=10 => Visibility::Teams(vec![team]),
        _ => Visibility::AllStaff,
    }
}

/// The id of [`RESTRICTED_TEAM`].
async fn restricted_team(conn: &mut sqlx::AnyConnection) -> Result<i64, StoreError> {
    sqlx::query_scalar("SELECT id FROM teams WHERE name = $1")
        .bind(RESTRICTED_TEAM)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::Invalid("seed the demo data first".into()))
}

/// Notes on people ("Things to know"): (text, who may read it: all staff,
/// or only the restricted team), the first ones pinned.
const DEMO_NOTES: &[(&str, bool)] = &[
    ("Allergic to peanuts: carries an adrenaline pen.", true),
    ("Prefers a phone call before any home visit.", false),
    ("10% discount agreed on the hall hire until March.", false),
    ("Hard of hearing: face them and speak clearly.", false),
    ("Takes insulin; keep snacks at hand during long meetings.", true),
    ("Speaks Polish at home; an interpreter helps with forms.", false),
    ("Do not send post to the old address on Mill Lane.", false),
    ("Sees the community mental health team on Thursdays.", true),
];

/// A few notes on most profiles, some pinned, the medical ones kept to
/// the restricted team; one in ten profiles also has an edited note.
async fn seed_notes(
    conn: &mut sqlx::AnyConnection,
    person_ids: &[i64],
    staff_ids: &[i64],
    team: i64,
    seed: u64,
    now: Millis,
) -> Result<(), StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6e6f_7465);
    for &person in person_ids {
        let count = rng.random_range(0..=2);
        let chosen: Vec<&(&str, bool)> = DEMO_NOTES.choose_multiple(&mut rng, count).collect();
        for (k, (text, medical)) in chosen.into_iter().enumerate() {
            let author = staff_ids[rng.random_range(0..staff_ids.len() - 1)];
            let visibility = if *medical { Visibility::Teams(vec![team]) } else { Visibility::AllStaff };
            let at = now - rng.random_range(1..300) * DAY;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO person_notes (person_id, body, pinned, access, created_by, created_at, updated_by, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $5, $6) RETURNING id",
            )
            .bind(person)
            .bind(*text)
            .bind(i64::from(k == 0 && *medical))
            .bind(access_for(&visibility, author))
            .bind(author)
            .bind(at)
            .fetch_one(&mut *conn)
            .await?;
            if rng.random_bool(0.1) {
                let later = at + DAY;
                sqlx::query("INSERT INTO person_note_revisions (note_id, old_body, revised_by, revised_at) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(text.replace('.', " (to check)."))
                    .bind(author)
                    .bind(later)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("UPDATE person_notes SET updated_at = $2, version = 2 WHERE id = $1")
                    .bind(id)
                    .bind(later)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    Ok(())
}

/// Hannah Lewis, at the front desk, logs some interactions for colleagues.
const FRONT_DESK: usize = 5;

/// The demo's own role: (name, permission keys).
pub const DEMO_ROLE: (&str, &str) = ("Volunteer", "view_interactions create_interactions");

/// The demo staff: (name, email, role id, teams).
pub const DEMO_STAFF: &[(&str, &str, i64, &[&str])] = &[
    ("Alex Morgan", "alex.morgan@example.org", Role::ADMIN, &["Casework", "Front desk"]),
    ("Priya Shah", "priya.shah@example.org", Role::MANAGER, &["Casework", "Family support"]),
    ("Tom Whitaker", "tom.whitaker@example.org", Role::STAFF, &["Casework"]),
    ("Grace Okafor", "grace.okafor@example.org", Role::STAFF, &["Health and wellbeing"]),
    ("Daniel Kowalski", "daniel.kowalski@example.org", Role::STAFF, &["Family support"]),
    ("Hannah Lewis", "hannah.lewis@example.org", Role::STAFF, &["Front desk"]),
    ("Samir Haddad", "samir.haddad@example.org", Role::MANAGER, &["Health and wellbeing"]),
    ("Ellie Brennan", "ellie.brennan@example.org", Role::STAFF, &["Casework", "Health and wellbeing"]),
    ("Marcus Reid", "marcus.reid@example.org", Role::STAFF, &["Family support"]),
    ("Olivia Chen", "olivia.chen@example.org", Role::READ_ONLY, &["Casework"]),
];

/// Every demo account signs in with this password (documented in the README;
/// demo data only, never a production install).
pub const DEMO_PASSWORD: &str = "interlog-demo";

pub const DEMO_TEAMS: &[&str] = &["Casework", "Family support", "Health and wellbeing", "Front desk"];

/// (name, colour, icon)
pub const DEMO_TYPES: &[(&str, &str, &str)] = &[
    ("Phone call", "#2563eb", "phone"),
    ("Email", "#0891b2", "mail"),
    ("Visit", "#16a34a", "home"),
    ("GP visit", "#7c3aed", "stethoscope"),
    ("Meeting", "#475569", "users"),
    ("Incident", "#dc2626", "alert"),
    ("Warning", "#d97706", "flag"),
    ("Complaint", "#db2777", "message"),
];

const FIRST_NAMES: &[&str] = &[
    "Maria", "James", "Aisha", "Oliver", "Sophie", "Mohammed", "Chloe", "Jack", "Fatima", "Harry", "Zara", "Liam",
    "Emily", "Noah", "Amelia", "Kwame", "Isla", "George", "Leah", "Ethan", "Ruby", "Yusuf", "Freya", "Dylan", "Nadia",
    "Callum", "Ava", "Tariq", "Megan", "Owen", "Hana", "Rhys", "Lucy", "Ibrahim", "Ellie", "Connor", "Grace", "Arjun",
    "Poppy", "Kieran",
];

const LAST_NAMES: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Khan", "Clarke", "Jackson", "Wood", "Hughes",
    "Edwards", "Begum", "Murphy", "Nowak", "Mensah", "O'Brien", "Ali",
];

const TOPICS: &[&str] = &[
    "housing benefit renewal",
    "rent arrears",
    "tenancy agreement",
    "Universal Credit claim",
    "council tax reduction",
    "energy bills",
    "food bank referral",
    "debt advice appointment",
    "school attendance",
    "carer's assessment",
    "mobility aids",
    "blue badge application",
    "counselling referral",
    "employment support",
    "home adaptations",
    "medication review",
    "benefit sanction",
    "damp and mould repairs",
    "childcare costs",
    "pension credit",
];

const HEALTH: &[&str] = &[
    "blood pressure check",
    "diabetes review",
    "asthma review",
    "knee pain",
    "repeat prescription",
    "anxiety and low mood",
    "flu vaccination",
    "hearing test referral",
    "physiotherapy referral",
    "sleep problems",
];

const PLACES: &[&str] = &[
    "the community centre",
    "the front desk",
    "the drop-in session",
    "the car park",
    "the cookery class",
    "the youth club",
    "the library hub",
    "the waiting room",
];

const INCIDENTS: &[&str] = &[
    "a fall on the stairs",
    "a verbal argument between two attendees",
    "a minor cut needing first aid",
    "a lost bag reported",
    "a fire alarm evacuation",
    "a child separated from a parent",
    "a broken window",
];

const BEHAVIOURS: &[&str] = &[
    "repeated lateness to sessions",
    "abusive language towards staff",
    "smoking inside the building",
    "missing three appointments",
    "unsafe use of equipment",
];

const COMPLAINTS: &[&str] = &[
    "waiting times at the front desk",
    "a cancelled appointment",
    "the tone of a letter",
    "a delayed callback",
    "parking near the centre",
    "accessibility of the side entrance",
];

const DETAILS: &[&str] = &[
    "They sounded anxious and asked for the next steps in writing.",
    "Their daughter was present and helped with translation.",
    "They brought the letters we asked for last time.",
    "The deadline is at the end of the month, so this is urgent.",
    "They have been waiting for a decision for six weeks.",
    "Landlord has not replied to two previous letters.",
    "They mentioned money is very tight this month.",
    "They would prefer a call in the mornings.",
    "Confirmed their new address and phone number.",
    "They were happy with the progress so far.",
];

const NEXT_STEPS: &[&str] = &[
    "call back on Friday",
    "send the application form by post",
    "book a follow-up appointment",
    "chase the council for an update",
    "refer them to the welfare rights team",
    "email the supporting documents",
    "check eligibility and report back",
    "arrange a home visit next week",
];

/// One made-up interaction text for a type: (description, note).
fn interaction_text(rng: &mut ChaCha8Rng, type_name: &str, person_first: &str, staff_first: &str) -> (String, String) {
    let topic = *TOPICS.choose(rng).unwrap_or(&"general support");
    let detail = *DETAILS.choose(rng).unwrap_or(&"");
    let next = *NEXT_STEPS.choose(rng).unwrap_or(&"follow up");
    let place = *PLACES.choose(rng).unwrap_or(&"the centre");
    match type_name {
        "Phone call" => match rng.random_range(0..3) {
            0 => (
                format!("Call about {topic}"),
                format!("{person_first} rang to discuss their {topic}. {detail} {staff_first} agreed to {next}."),
            ),
            1 => (
                format!("Returned call re {topic}"),
                format!("Returned {person_first}'s voicemail about {topic}. {detail} Next step: {next}."),
            ),
            _ => (
                format!("Missed call from {person_first}"),
                format!("Missed call from {person_first}; left a voicemail asking them to call back about {topic}."),
            ),
        },
        "Email" => match rng.random_range(0..2) {
            0 => (
                format!("Email about {topic}"),
                format!("{person_first} emailed with questions about {topic}. {detail} Replied to say we will {next}."),
            ),
            _ => (
                format!("Sent {topic} forms by email"),
                format!("Emailed {person_first} the forms for {topic} with a short guide to filling them in."),
            ),
        },
        "Visit" => (
            format!("Home visit: {topic}"),
            format!("{staff_first} visited {person_first} at home to talk through {topic}. {detail} Agreed to {next}."),
        ),
        "GP visit" => {
            let health = *HEALTH.choose(rng).unwrap_or(&"a check-up");
            (
                format!("GP visit: {health}"),
                format!(
                    "{person_first} told us they saw their GP about {health}. {detail} No further action needed from us beyond a check-in."
                ),
            )
        }
        "Meeting" => (
            format!("Case review meeting re {topic}"),
            format!("Case review with {person_first} and the support team about {topic}. {detail} Actions: {next}."),
        ),
        "Incident" => {
            let incident = *INCIDENTS.choose(rng).unwrap_or(&"an incident");
            (
                format!("Incident at {place}"),
                format!(
                    "Incident involving {person_first} at {place}: {incident}. {staff_first} dealt with it and everyone was safe. Incident form completed."
                ),
            )
        }
        "Warning" => {
            let behaviour = *BEHAVIOURS.choose(rng).unwrap_or(&"behaviour");
            (
                format!("Verbal warning: {behaviour}"),
                format!(
                    "{staff_first} spoke to {person_first} about {behaviour}. They understood the expectations and the warning was recorded."
                ),
            )
        }
        _ => {
            let complaint = *COMPLAINTS.choose(rng).unwrap_or(&"the service");
            (
                format!("Complaint about {complaint}"),
                format!("{person_first} complained about {complaint}. {detail} Apologised and promised to {next}."),
            )
        }
    }
}

/// Whether anyone can sign in with a demo account: its password is
/// published, so such a server must say so on every page.
pub async fn has_demo_accounts(store: &Store) -> Result<bool, StoreError> {
    let placeholders = (1..=DEMO_STAFF.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT count(*) FROM staff_members WHERE active = 1 AND email IN ({placeholders})");
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for (_, email, _, _) in DEMO_STAFF {
        query = query.bind(*email);
    }
    Ok(query.fetch_one(store.pool()).await? > 0)
}

/// Fills an empty database with the demo organisation: teams, staff, eight
/// coloured types, `people` people and `interactions` interactions over the
/// last two years, some replies and some renamed descriptions.
pub async fn seed_demo(store: &Store, people: usize, interactions: usize, seed: u64) -> Result<(), StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let now = now_millis() / (60 * 60 * 1000) * (60 * 60 * 1000);
    let start = now - 730 * DAY;
    // One hash for every demo account: hashing is slow on purpose.
    let password_hash = super::auth::hash_password(DEMO_PASSWORD.to_string())
        .await
        .map_err(|_| StoreError::Invalid("cannot hash the demo password".into()))?;
    let mut tx = store.begin_write().await?;

    for team in DEMO_TEAMS {
        sqlx::query("INSERT INTO teams (name) VALUES ($1)").bind(team).execute(&mut *tx).await?;
    }
    // A role of the organisation's own, beside the built-in four.
    sqlx::query("INSERT INTO roles (name, permissions) VALUES ($1, $2)")
        .bind(DEMO_ROLE.0)
        .bind(DEMO_ROLE.1)
        .execute(&mut *tx)
        .await?;
    let mut staff_ids = Vec::with_capacity(DEMO_STAFF.len());
    for (name, email, role, teams) in DEMO_STAFF {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO staff_members (name, email, role_id, created_at, password_hash) VALUES ($1, $2, $3, $4, $5)
             RETURNING id",
        )
        .bind(name)
        .bind(email)
        .bind(role)
        .bind(start)
        .bind(&password_hash)
        .fetch_one(&mut *tx)
        .await?;
        staff_ids.push(id);
        for team in *teams {
            sqlx::query("INSERT INTO staff_teams (staff_id, team_id) SELECT $1, id FROM teams WHERE name = $2")
                .bind(id)
                .bind(team)
                .execute(&mut *tx)
                .await?;
        }
    }
    let mut type_ids = Vec::with_capacity(DEMO_TYPES.len());
    let keys = crate::server::store::first_keys(DEMO_TYPES.len());
    for ((name, colour, icon), key) in DEMO_TYPES.iter().zip(keys) {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO interaction_types (name, colour, icon, sort_key) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(name)
        .bind(colour)
        .bind(icon)
        .bind(key)
        .fetch_one(&mut *tx)
        .await?;
        type_ids.push(id);
    }
    // Incidents and warnings are for the front desk and casework teams only.
    for (type_name, team) in [("Incident", "Front desk"), ("Incident", "Casework"), ("Warning", "Front desk")] {
        sqlx::query(
            "INSERT INTO interaction_type_teams (type_id, team_id)
             SELECT t.id, m.id FROM interaction_types t, teams m WHERE t.name = $1 AND m.name = $2",
        )
        .bind(type_name)
        .bind(team)
        .execute(&mut *tx)
        .await?;
    }

    let mut person_names = Vec::with_capacity(people);
    let mut person_ids = Vec::with_capacity(people);
    for _ in 0..people {
        let first = *FIRST_NAMES.choose(&mut rng).unwrap_or(&"Sam");
        let last = *LAST_NAMES.choose(&mut rng).unwrap_or(&"Lee");
        let email = format!("{}.{}@example.net", first.to_lowercase(), last.to_lowercase().replace('\'', ""));
        let phone = format!("07{:03} {:06}", rng.random_range(100..999), rng.random_range(0..999_999));
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO people (name, email, phone, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(format!("{first} {last}"))
        .bind(email)
        .bind(phone)
        .bind(start)
        .fetch_one(&mut *tx)
        .await?;
        person_names.push(first);
        person_ids.push(id);
    }

    // Times spread over two years, oldest first so ids follow time.
    let mut times: Vec<Millis> = (0..interactions).map(|_| rng.random_range(start..now)).collect();
    times.sort_unstable();
    let mut by_person: Vec<Vec<i64>> = vec![Vec::new(); people];
    let mut interaction_ids = Vec::with_capacity(interactions);
    let staff_firsts: Vec<&str> = DEMO_STAFF.iter().map(|s| s.0.split(' ').next().unwrap_or("Staff")).collect();
    let team = restricted_team(&mut tx).await?;
    let mut visibility_rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7669_7369);
    // One in twenty is logged at the front desk for the colleague who had it.
    let mut desk_rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6465_736b);
    let mut source_rng = ChaCha8Rng::seed_from_u64(seed ^ 0x736f_7572);
    for occurred_at in times {
        let person = rng.random_range(0..people);
        let type_index = weighted_type(&mut rng);
        let staff_index = rng.random_range(0..DEMO_STAFF.len() - 1); // the read-only user logs nothing
        let (description, note) =
            interaction_text(&mut rng, DEMO_TYPES[type_index].0, person_names[person], staff_firsts[staff_index]);
        let reply_to = match by_person[person].last() {
            Some(&previous) if rng.random_bool(0.08) => Some(previous),
            _ => None,
        };
        let new = NewInteraction {
            person_id: person_ids[person],
            type_id: type_ids[type_index],
            description,
            note,
            occurred_at,
            logged_by: staff_ids[staff_index],
            completed_by: None,
            reply_to,
            source: generated_source(&mut source_rng),
            visibility: generated_visibility(&mut visibility_rng, team),
        };
        let new = match desk_rng.random_bool(0.05) && staff_index != FRONT_DESK && new.visibility != Visibility::Private
        {
            true => NewInteraction { logged_by: staff_ids[FRONT_DESK], completed_by: Some(new.logged_by), ..new },
            false => new,
        };
        let tags = tags::join_tags(&tags::extract_tags(
            &new.description,
            &new.note,
            &[person_names[person], staff_firsts[staff_index]],
        ));
        let logged_at = occurred_at + rng.random_range(0..4 * 60 * 60 * 1000);
        let id = insert_interaction(&mut tx, &new, &tags, logged_at).await?;
        by_person[person].push(id);
        interaction_ids.push(id);
    }
    seed_notes(&mut tx, &person_ids, &staff_ids, team, seed, now).await?;
    tx.commit().await?;

    // A few descriptions were reworded later, with their revision kept.
    let renames = (interactions / 120).max(1);
    for k in 0..renames {
        let Some(&id) = interaction_ids.choose(&mut rng) else { break };
        let by = staff_ids[rng.random_range(0..3)];
        let old: String = sqlx::query_scalar("SELECT description FROM interactions WHERE id = $1")
            .bind(id)
            .fetch_one(store.pool())
            .await?;
        let new = if k % 2 == 0 { format!("{old} (follow-up needed)") } else { format!("Urgent: {old}") };
        store.rename_description(id, &new, &Reader::everything(), by, now - rng.random_range(0..30) * DAY).await?;
    }
    // One in 250 was posted in error, none of the newest 300 (which stay as
    // a day's work looks).
    let mut error_rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6572_726f);
    let older = interaction_ids.len().saturating_sub(300);
    let marks = (interactions / 250).min(older);
    for k in rand::seq::index::sample(&mut error_rng, older, marks) {
        let reason = ["Recorded on the wrong person", "Duplicate of an earlier entry"][k % 2];
        let by = Actor { id: Some(staff_ids[k % 3]), address: "demo data".into(), at: now - (k as Millis % 7) * DAY };
        store.mark_posted_in_error(interaction_ids[k], reason, &Reader::everything(), &by).await?;
    }
    store.analyze().await
}

const DEMO_INSTRUCTIONS: &[&str] = &[
    "Call back about the late payment and agree a plan.",
    "Send the housing benefit form and check it arrived.",
    "Book a follow-up visit for next week.",
    "Check the GP letter arrived and note what it says.",
    "Chase the referral to family support.",
    "Confirm the appointment by text the day before.",
    "Ask for the missing tenancy documents.",
    "Find out whether the school meeting went ahead.",
];

/// Follow-up actions for the demo, on a database [`seed_demo`] filled:
/// outstanding ones (some overdue, some following an interaction) for most
/// staff, and some completed (each recorded as an interaction, so the log
/// grows by those). The assignees' emails are queued like any others.
pub async fn seed_demo_actions(store: &Store, seed: u64) -> Result<(), StoreError> {
    use super::store::{Completion, MailContext, NewAction, StaffRecord};
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let now = now_millis() / (60 * 60 * 1000) * (60 * 60 * 1000);
    let staff_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM staff_members ORDER BY id LIMIT $1")
        .bind(DEMO_STAFF.len() as i64)
        .fetch_all(store.pool())
        .await?;
    let type_ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM interaction_types ORDER BY id").fetch_all(store.pool()).await?;
    let person_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM people ORDER BY id").fetch_all(store.pool()).await?;
    if staff_ids.len() < DEMO_STAFF.len() || type_ids.len() < DEMO_TYPES.len() || person_ids.is_empty() {
        return Err(StoreError::Invalid("seed the demo data first".into()));
    }
    let mut records: Vec<StaffRecord> = Vec::with_capacity(staff_ids.len());
    for id in &staff_ids {
        records.push(store.staff_record(*id).await?.ok_or(StoreError::NotFound)?);
    }
    let staff = |i: usize| records[i].clone();
    let mail = MailContext { base_url: "http://127.0.0.1:3000".into(), time_zone: chrono_tz::UTC };
    let today = chrono::DateTime::from_timestamp_millis(now).unwrap_or_default().date_naive();
    // Everyone but the read-only user can be given work; the open types
    // (not Incident or Warning) suit every team.
    let open_types = [0, 1, 2, 3, 4, 7];
    // (assignee, creator, days from today it is due): Tom and Priya, whom the
    // README suggests signing in as, have overdue work waiting.
    let mut plan: Vec<(usize, usize, i64)> = vec![(2, 1, -3), (2, 1, 0), (2, 0, 5), (2, 1, 14), (1, 0, -1), (1, 2, 7)];
    for _ in 0..14 {
        plan.push((rng.random_range(1..DEMO_STAFF.len() - 1), rng.random_range(0..3), rng.random_range(-12..40)));
    }
    let mut ids = Vec::new();
    for (k, (assignee, creator, days)) in plan.into_iter().enumerate() {
        let person = rng.random_range(0..person_ids.len());
        let follows: Option<i64> = if k % 2 == 0 {
            sqlx::query_scalar("SELECT max(id) FROM interactions WHERE person_id = $1")
                .bind(person_ids[person])
                .fetch_one(store.pool())
                .await?
        } else {
            None
        };
        let new = NewAction {
            person_id: person_ids[person],
            interaction_id: follows,
            type_id: type_ids[open_types[k % open_types.len()]],
            assignee_id: staff_ids[assignee],
            instructions: DEMO_INSTRUCTIONS[k % DEMO_INSTRUCTIONS.len()].to_string(),
            due_on: today + chrono::Duration::days(days),
            notify_creator: k % 3 == 0,
        };
        let created = now - (10 + rng.random_range(0..5)) * DAY;
        let by = Actor { id: Some(staff_ids[creator]), address: "demo data".into(), at: created };
        ids.push((store.assign_action(&new, &staff(creator), &by, &mail).await?, assignee, days));
    }
    // Some are done already.
    for &(id, assignee, days) in ids.iter().skip(6).step_by(3) {
        let done_on = today - chrono::Duration::days(days.clamp(1, 9));
        let done = Completion {
            summary: "Done as asked. Spoke to them and noted the outcome; nothing further needed for now.".into(),
            done_on,
            occurred_at: done_on.and_hms_opt(12, 0, 0).map(|t| t.and_utc().timestamp_millis()).unwrap_or(now),
        };
        let by = Actor { id: Some(staff_ids[assignee]), address: "demo data".into(), at: done.occurred_at };
        store.complete_action(id, &done, &staff(assignee), &by, &mail).await?;
    }
    Ok(())
}

fn weighted_type(rng: &mut ChaCha8Rng) -> usize {
    // Calls and emails dominate a real log; incidents and complaints are rare.
    const WEIGHTS: [u32; 8] = [32, 24, 12, 8, 10, 5, 4, 5];
    let total: u32 = WEIGHTS.iter().sum();
    let mut pick = rng.random_range(0..total);
    for (i, w) in WEIGHTS.iter().enumerate() {
        if pick < *w {
            return i;
        }
        pick -= w;
    }
    0
}

/// How a generated interaction came in: most typed by staff, the rest
/// captured from email, calls and messages. Drawn from its own generator,
/// so the records themselves stay as they were.
fn generated_source(rng: &mut ChaCha8Rng) -> crate::recording::Source {
    use crate::recording::Source;
    match rng.random_range(0..100) {
        0..=71 => Source::Staff,
        72..=83 => Source::Email,
        84..=90 => Source::Call,
        91..=95 => Source::Sms,
        96..=97 => Source::Whatsapp,
        _ => Source::Other,
    }
}

/// Follow-up actions on a generated log, one per hundred interactions from
/// `after` on: most done within a few weeks of their due day (each
/// completed by the interaction recorded next), the rest outstanding, most
/// of those overdue.
async fn generate_actions(store: &Store, after: i64, staff: &[i64], seed: u64) -> Result<(), StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6163_7473);
    let followed: Vec<(i64, i64, i64, Millis, i64)> = sqlx::query_as(
        "SELECT i.id, i.person_id, i.type_id, i.occurred_at, n.id FROM interactions i
         JOIN interactions n ON n.id = i.id + 1
         WHERE i.id > $1 AND i.id % 100 = 0 ORDER BY i.id",
    )
    .bind(after)
    .fetch_all(store.pool())
    .await?;
    let today = chrono::Utc::now().date_naive();
    let day_of = |at: Millis| chrono::DateTime::from_timestamp_millis(at).map(|t| t.date_naive()).unwrap_or(today);
    // Rows per INSERT: 14 parameters each, within each engine's limit.
    let batch = match store.engine() {
        Engine::Sqlite => 60,
        Engine::Postgres => 1000,
    };
    let mut tx = store.begin_write().await?;
    for group in followed.chunks(batch) {
        let mut sql = String::from(
            "INSERT INTO actions
                 (person_id, interaction_id, type_id, assignee_id, instructions, due_on, notify_creator, created_by,
                  created_at, completed_at, completed_by, done_on, summary, completion_id)
             VALUES ",
        );
        for row in 0..group.len() {
            let params: Vec<String> = (1..=14).map(|k| format!("${}", row * 14 + k)).collect();
            let _ = write!(sql, "{}({})", if row == 0 { "" } else { "," }, params.join(", "));
        }
        let mut q = sqlx::query(&sql);
        for &(id, person, type_id, occurred, next) in group {
            let created_at = occurred + 60 * 60 * 1000;
            let due = day_of(created_at) + chrono::Duration::days(rng.random_range(3..31));
            let done = due + chrono::Duration::days(rng.random_range(-3..15));
            let assignee = staff[rng.random_range(0..staff.len())];
            let completed = done < today && rng.random_bool(0.95);
            let instructions = DEMO_INSTRUCTIONS.choose(&mut rng).copied().unwrap_or("Call back.");
            q = q
                .bind(person)
                .bind(id)
                .bind(type_id)
                .bind(assignee)
                .bind(instructions)
                .bind(due.format("%Y-%m-%d").to_string())
                .bind(i64::from(rng.random_bool(0.3)))
                .bind(staff[rng.random_range(0..staff.len())])
                .bind(created_at);
            q = match completed {
                true => q
                    .bind(Some(done.and_hms_opt(12, 0, 0).map_or(created_at, |t| t.and_utc().timestamp_millis())))
                    .bind(Some(assignee))
                    .bind(Some(done.format("%Y-%m-%d").to_string()))
                    .bind(Some("Done as asked; nothing further needed for now."))
                    .bind(Some(next)),
                false => {
                    q.bind(None::<i64>).bind(None::<i64>).bind(None::<String>).bind(None::<String>).bind(None::<i64>)
                }
            };
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    tracing::info!(actions = followed.len(), "generating follow-up actions");
    Ok(())
}

/// Adds `count` synthetic interactions (and people to go with them) to a
/// seeded database, for benchmarks. Texts come from a pool made by the demo
/// generator, tagged once each, so a million rows load in a few minutes.
pub async fn generate_large_log(store: &Store, count: usize, seed: u64) -> Result<(), StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let types: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM interaction_types ORDER BY id").fetch_all(store.pool()).await?;
    let staff: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM staff_members ORDER BY id").fetch_all(store.pool()).await?;
    if types.is_empty() || staff.is_empty() {
        return Err(StoreError::Invalid("seed the demo data first".into()));
    }
    // One person per ~100 interactions, as in a real organisation.
    let new_people = (count / 100).max(1);
    let mut tx = store.begin_write().await?;
    let mut people = Vec::with_capacity(new_people);
    for _ in 0..new_people {
        let first = *FIRST_NAMES.choose(&mut rng).unwrap_or(&"Sam");
        let last = *LAST_NAMES.choose(&mut rng).unwrap_or(&"Lee");
        let id: i64 = sqlx::query_scalar("INSERT INTO people (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind(format!("{first} {last}"))
            .bind(now_millis())
            .fetch_one(&mut *tx)
            .await?;
        people.push(id);
    }
    tx.commit().await?;

    let mut pool_texts = Vec::with_capacity(4096);
    for _ in 0..4096 {
        let (type_id, type_name) = &types[weighted_type(&mut rng) % types.len()];
        let person_first = *FIRST_NAMES.choose(&mut rng).unwrap_or(&"Sam");
        let (d, n) = interaction_text(&mut rng, type_name, person_first, "Alex");
        let t = tags::join_tags(&tags::extract_tags(&d, &n, &[person_first, "Alex"]));
        pool_texts.push((*type_id, d, n, t));
    }

    let team = restricted_team(&mut *store.pool().acquire().await?).await?;
    let mut visibility_rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7669_7369);
    let now = now_millis();
    let start = now - 5 * 365 * DAY;
    let mut desk_rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6465_736b);
    // Rows per INSERT: 11 parameters each, within each engine's limit.
    let batch = match store.engine() {
        Engine::Sqlite => 90,
        Engine::Postgres => 1000,
    };
    // Every row is drawn first and recorded in time order, in one
    // transaction; on SQLite the full-text index is filled after them, in
    // one pass.
    let mut rows = Vec::with_capacity(count);
    let mut source_rng = ChaCha8Rng::seed_from_u64(seed ^ 0x736f_7572);
    for _ in 0..count {
        let text = &pool_texts[rng.random_range(0..pool_texts.len())];
        let occurred = rng.random_range(start..now);
        let by = staff[rng.random_range(0..staff.len())];
        // One in twenty logged at the front desk for the colleague who had it.
        let completed_by = by;
        let by = if desk_rng.random_bool(0.05) { *staff.get(FRONT_DESK).unwrap_or(&staff[0]) } else { by };
        let person = people[rng.random_range(0..people.len())];
        let access = access_for(&generated_visibility(&mut visibility_rng, team), by);
        rows.push((occurred, person, text, by, completed_by, access, generated_source(&mut source_rng)));
    }
    rows.sort_by_key(|r| r.0);
    let mut tx = store.begin_write().await?;
    let first_new: i64 =
        sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM interactions").fetch_one(&mut *tx).await?;
    let trigger = search::pause_full_text(&mut tx, store.engine()).await?;
    for (done, group) in rows.chunks(batch).enumerate() {
        let mut sql = String::from(
            "INSERT INTO interactions
                 (person_id, type_id, description, note, occurred_at, logged_at, logged_by, tags, access,
                  completed_by, source)
             VALUES ",
        );
        for row in 0..group.len() {
            let params: Vec<String> = (1..=11).map(|k| format!("${}", row * 11 + k)).collect();
            let _ = write!(sql, "{}({})", if row == 0 { "" } else { "," }, params.join(", "));
        }
        let mut q = sqlx::query(&sql);
        for (occurred, person, (type_id, d, note, t), by, completed_by, access, source) in group {
            q = q
                .bind(*person)
                .bind(*type_id)
                .bind(d.as_str())
                .bind(note.as_str())
                .bind(*occurred)
                .bind(occurred + 60_000)
                .bind(*by)
                .bind(t.as_str())
                .bind(access.as_str())
                .bind(*completed_by)
                .bind(source.as_str());
        }
        q.execute(&mut *tx).await?;
        let done = (done + 1) * batch;
        if done % 50_000 < batch {
            tracing::info!(done, count, "generating interactions");
        }
    }
    if trigger.is_some() {
        tracing::info!("filling the full-text index");
    }
    search::fill_full_text(&mut tx, trigger, first_new).await?;
    // One in a thousand was posted in error.
    sqlx::query(
        "UPDATE interactions SET error_reason = 'Logged against the wrong person', error_marked_by = $1,
             error_marked_at = occurred_at + 86400000
         WHERE id > $2 AND id % 1000 = 7",
    )
    .bind(staff[0])
    .bind(first_new)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    generate_actions(store, first_new, &staff, seed).await?;
    store.analyze().await
}
