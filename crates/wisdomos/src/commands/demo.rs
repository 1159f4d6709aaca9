//! `wisdomos demo`: a demo account whose workspace holds a lived-in year.

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use clap::Args;
use uuid::Uuid;
use wisdomos_app::import::{self, ImportOptions};
use wisdomos_core::event::InsightType;
use wisdomos_db::commitments::{self, CommitmentFields};
use wisdomos_db::insights::{self, InsightFields};
use wisdomos_db::life_areas::{self, LifeAreaFilter};
use wisdomos_db::provision::{self, NewTenant};
use wisdomos_db::users::NewUser;
use wisdomos_db::{autobiography, boundaries, events, snapshots, tenants, Database, TenantTx};
use wisdomos_server::auth::password::PasswordHasher;

/// The year of journal events the project ships (written by us: 191 events over 12 months,
/// touching all 30 areas, with recurring themes such as overwork before deadlines).
const JOURNAL: &str = include_str!("../../demo/journal.json");

/// Options of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// E-mail of the demo account (default demo@wisdomos.local, or operator@wisdomos.local
    /// with --org).
    #[arg(long)]
    pub email: Option<String>,
    /// Instead of a personal year, an operator account whose organisation (participants,
    /// relationships, segments, recommendations, interventions) fills the operator console.
    #[arg(long)]
    pub org: bool,
    /// Import this file (any supported format) instead of the shipped year.
    #[arg(long)]
    pub events: Option<std::path::PathBuf>,
    /// The workspace's time zone.
    #[arg(long, default_value = "Europe/Berlin")]
    pub timezone: String,
}

/// Shifts every `occurredAt` of our JSON so the latest lands six hours before `now`.
pub(super) fn shifted_journal(now: DateTime<Utc>) -> anyhow::Result<Vec<u8>> {
    let mut doc: serde_json::Value = serde_json::from_str(JOURNAL)?;
    let events = doc["events"]
        .as_array_mut()
        .context("journal without events")?;
    let times: Vec<DateTime<Utc>> = events
        .iter()
        .filter_map(|e| e["occurredAt"].as_str()?.parse().ok())
        .collect();
    let latest = times
        .iter()
        .max()
        .copied()
        .context("journal without dates")?;
    let shift = Duration::days(((now - Duration::hours(6)) - latest).num_days());
    for e in events.iter_mut() {
        if let Some(t) = e["occurredAt"]
            .as_str()
            .and_then(|t| t.parse::<DateTime<Utc>>().ok())
        {
            e["occurredAt"] = serde_json::Value::String((t + shift).to_rfc3339());
        }
    }
    Ok(serde_json::to_vec(&doc)?)
}

/// The semantic engine on the model already on this machine (no fetch), for classifying rows.
pub async fn knowledge_engine(
    data_dir: &std::path::Path,
) -> anyhow::Result<wisdomos_app::knowledge::KnowledgeEngine> {
    Ok(wisdomos_app::knowledge::KnowledgeEngine::new(
        super::models::load_present(data_dir).await?,
        64 * 1024 * 1024,
    ))
}

/// Creates the account, workspace and year, then prints how to sign in.
pub async fn run(args: DemoArgs, db: &Database, data_dir: &std::path::Path) -> anyhow::Result<()> {
    let default = if args.org {
        "operator@wisdomos.local"
    } else {
        "demo@wisdomos.local"
    };
    let email =
        wisdomos_core::account::Email::parse("--email", args.email.as_deref().unwrap_or(default))?;
    let tz = wisdomos_core::tenant::timezone("--timezone", &args.timezone)?;
    let now = Utc::now();
    let (password, hash) = new_password().await?;
    let user = NewUser {
        email: email.as_str(),
        password_hash: &hash,
        first_name: Some(if args.org { "Olive" } else { "Demo" }),
        last_name: Some(if args.org { "Operator" } else { "User" }),
    };
    if args.org {
        let (name, slug, operator) = super::demo_org::create(db, &user, tz.name(), now)
            .await
            .map_err(|e| taken(e, &email))?;
        let ke = knowledge_engine(data_dir).await?;
        let client = super::demo_org::client(db, &slug, operator, &hash, tz, &ke, now).await?;
        println!("Demo organisation \"{name}\" ({slug}) is ready: open Console to see its graph, segments, recommendations and interventions.");
        println!("Its participant {client} shares their own workspace's summary: open them from the Console (they sign in with the same password).");
        sign_in_lines(&email, &password);
        return Ok(());
    }
    let (account, tenant) = provision::register(
        db,
        &user,
        &NewTenant {
            name: "A Year in Review",
            slug: None,
            timezone: tz.name(),
        },
        now,
    )
    .await
    .map_err(|e| taken(e.into(), &email))?;
    let scope = tenants::operator_scope(&tenant);
    let bytes = match &args.events {
        Some(path) => {
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?
        }
        None => shifted_journal(now)?,
    };
    let ke = knowledge_engine(data_dir).await?;
    let report = import::run(
        import::Workspace {
            db,
            scope: &scope,
            tz,
        },
        &bytes,
        &ImportOptions::default(),
        &ke,
        now,
        &|_, _| {},
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;

    let mut tx = TenantTx::begin(db, &scope).await?;
    let areas = life_areas::list(&mut tx, &LifeAreaFilter::default()).await?;
    let area = |slug: &str| areas.iter().find(|a| a.slug == slug).map(|a| a.id);
    let start = now - Duration::days(365);
    let at = |days: i64| start + Duration::days(days);

    // The overwork pattern as an insight, with the events that show it.
    let overwork = events::list(
        &mut tx,
        &events::EventFilter {
            tag: Some("overwork".into()),
            ..Default::default()
        },
        None,
        100,
    )
    .await?;
    let pattern = insights::create(
        &mut tx,
        &InsightFields {
            event_id: None,
            insight_type: InsightType::PatternRecognized.as_str(),
            title: "Recurring: overwork before deadlines".into(),
            description: format!(
                "{} events in the year show late nights and cancelled plans before deadlines.",
                overwork.items.len()
            ),
            is_recurring: true,
            frequency: overwork.items.len().max(1) as i32,
            related_events: overwork.items.iter().map(|e| e.id).collect(),
            tags: vec!["overwork".into(), "deadline".into()],
        },
        at(120),
    )
    .await?;
    let mut applied = pattern.clone();
    applied.applied = true;
    applied.applied_at = Some(at(121));
    insights::save(&mut tx, &applied, at(121)).await?;
    for (ty, title, tags, day) in [
        (
            InsightType::LimitingBelief,
            "I am only valuable when I am busy",
            vec!["overwork", "worth"],
            95,
        ),
        (
            InsightType::StrengthDiscovered,
            "I stay calm when others panic",
            vec!["work", "team"],
            190,
        ),
        (
            InsightType::ValueClarified,
            "Presence over productivity",
            vec!["sam", "family"],
            175,
        ),
    ] {
        insights::create(
            &mut tx,
            &InsightFields {
                event_id: None,
                insight_type: ty.as_str(),
                title: title.into(),
                description: String::new(),
                is_recurring: false,
                frequency: 1,
                related_events: vec![],
                tags: tags.into_iter().map(String::from).collect(),
            },
            at(day),
        )
        .await?;
    }

    // Commitments, some kept, one abandoned, some still active.
    let plan: [(&str, &str, &str, Option<&str>, i64); 8] = [
        (
            "time-energy-management",
            "Leave work by 18:00 on weekdays",
            "Protect evenings for Sam and rest",
            Some("COMPLETED"),
            122,
        ),
        (
            "family",
            "Call mum every Sunday",
            "Stay close while she is well",
            Some("INTEGRATED"),
            160,
        ),
        (
            "physical-health",
            "Run three times a week",
            "Train for the 10k",
            Some("COMPLETED"),
            50,
        ),
        (
            "romantic-intimacy",
            "Thursday date night, phones off",
            "Be present with Sam",
            None,
            200,
        ),
        (
            "finance",
            "Save 15% of every payday",
            "Three months of emergency fund",
            Some("COMPLETED"),
            40,
        ),
        (
            "creative-expression",
            "Play guitar twenty minutes a day",
            "Make music again",
            Some("ABANDONED"),
            60,
        ),
        (
            "work",
            "Estimate with a 50% buffer",
            "Stop the deadline crunches",
            None,
            330,
        ),
        (
            "mental-health",
            "Ten minutes of meditation each morning",
            "A calmer start",
            None,
            150,
        ),
    ];
    for (slug, statement, intention, status, day) in plan {
        let c = commitments::create(
            &mut tx,
            &CommitmentFields {
                life_area_id: area(slug),
                event_id: None,
                insight_id: (slug == "time-energy-management").then_some(pattern.id),
                statement: statement.into(),
                intention: intention.into(),
                measurable: None,
            },
            at(day),
        )
        .await?;
        if let Some(s) = status {
            let mut c = c;
            c.status = s.into();
            c.reviewed_at = Some(at(day + 60));
            c.completed_at = (s != "ABANDONED").then_some(at(day + 60));
            commitments::save(&mut tx, &c, at(day + 60)).await?;
        }
    }

    // Boundaries and their violations.
    for (slug, statement, reason, violations) in [
        (
            "work",
            "No work email after 20:00",
            "Evenings belong to Sam and to rest",
            vec![45, 75, 160, 318],
        ),
        (
            "physical-health",
            "No screens in the bedroom",
            "Sleep comes first",
            vec![100, 240],
        ),
        (
            "time-energy-management",
            "No meetings before 10:00 on focus days",
            "Deep work needs mornings",
            vec![130],
        ),
        (
            "family",
            "Do not discuss money at family lunches",
            "Keep lunches for connection",
            vec![287],
        ),
    ] {
        let Some(a) = area(slug) else { continue };
        let b = boundaries::create(&mut tx, a, statement, reason, None, at(30)).await?;
        for day in violations {
            boundaries::add_violation(&mut tx, b.id, at(day), Some("slipped"), at(day)).await?;
        }
    }

    // Two autobiography entries in the current era.
    let eras = autobiography::eras(&mut tx).await?;
    let year = chrono::Datelike::year(&now.with_timezone(&tz));
    if let Some(era) = eras
        .iter()
        .find(|e| e.start_year <= year && year <= e.end_year)
    {
        for (title, narrative, month) in [
            ("The year I noticed", "Writing things down showed me the same story every few weeks: a deadline, a late night, a cancelled plan.", Some(3)),
            ("Mountains and a promotion", "Two weeks without a laptop, then a lead role that asks me to be calm for others.", Some(8)),
        ] {
            let entry = autobiography::Entry {
                id: Uuid::nil(),
                era_id: era.id,
                year,
                month,
                title: title.into(),
                narrative: narrative.into(),
                event_ids: vec![],
                life_area_ids: area("wisdom-integration").into_iter().collect(),
                is_public: false,
                created_at: now,
                updated_at: now,
            };
            autobiography::save_entry(&mut tx, &entry, now).await?;
        }
    }

    // A year of weekly snapshots, each scored as of its own day, then today's.
    let today: NaiveDate = now.with_timezone(&tz).date_naive();
    for week in (1..=52).rev() {
        let when = now - Duration::weeks(week);
        snapshots::record(&mut tx, when.with_timezone(&tz).date_naive(), when).await?;
    }
    snapshots::record(&mut tx, today, now).await?;
    life_areas::recompute_all(&mut tx, now).await?;
    tx.commit().await?;

    // Run the nightly pattern detection once, so recurring themes show as insights at once.
    let detect = wisdomos_db::jobs::NewJob::new("insights.detect", serde_json::json!({}), now);
    wisdomos_db::jobs::enqueue_for(db.worker(), tenant.id, &detect, now).await?;
    let worker = wisdomos_jobs::Worker::new(
        db.clone(),
        wisdomos_jobs::Registry::standard(),
        wisdomos_jobs::WorkerConfig::default(),
    );
    worker.run_due(Some(tenant.id)).await?;
    // A moment later, so that signing in without choosing lands in the year, the oldest.
    let practice =
        super::demo_practice::create(db, account.id, tz.name(), &ke, now + Duration::seconds(1))
            .await?;

    println!(
        "Demo workspace \"{}\" ({}) is ready: {} events imported, {} rejected.",
        tenant.name, tenant.slug, report.accepted, report.rejected
    );
    println!(
        "A second workspace, \"{}\", is a coaching practice with a knowledge base and its assistant: switch to it in the header and open Assistant.",
        practice.name
    );
    sign_in_lines(&email, &password);
    Ok(())
}

/// A fresh demo password and its argon2id hash.
async fn new_password() -> anyhow::Result<(String, String)> {
    let password = format!(
        "{}-{}",
        &Uuid::new_v4().simple().to_string()[..10],
        &Uuid::new_v4().simple().to_string()[..10]
    );
    let hash = PasswordHasher::new(1)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .hash(&password)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((password, hash))
}

/// An e-mail already registered, said plainly.
fn taken(e: anyhow::Error, email: &wisdomos_core::account::Email) -> anyhow::Error {
    match e.downcast_ref::<wisdomos_db::DbError>() {
        Some(wisdomos_db::DbError::Conflict("email_taken")) => {
            anyhow::anyhow!("{email} already has an account; choose another with --email")
        }
        _ => e,
    }
}

/// How to sign in, on the web and from the API.
fn sign_in_lines(email: &wisdomos_core::account::Email, password: &str) {
    // `serve`'s address, as it would read it.
    let listen = std::env::var("WISDOMOS_LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".into());
    println!(
        "With the server running (`wisdomos serve`), open http://{listen}/signin and sign in with:"
    );
    println!("  e-mail:   {email}");
    println!("  password: {password}");
    println!(
        "From the API: curl -s {listen}/api/v1/auth/login -H 'content-type: application/json' \\"
    );
    println!("  -d '{{\"email\":\"{email}\",\"password\":\"{password}\"}}'");
}
