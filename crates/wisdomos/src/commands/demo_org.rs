//! `wisdomos demo --org`: an operator account whose organisation looks lived in — 38
//! participants (two of them system participants) in three circles joined by a few bridges,
//! newcomers not yet connected, people drifting away, their relationships, the segments and
//! recommendations computed from them, one recommendation applied and one intervention made.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;
use wisdomos_app::interventions::NewIntervention;
use wisdomos_app::participants::NewParticipant;
use wisdomos_app::recommendations::Decision;
use wisdomos_app::relationships::NewRelationship;
use wisdomos_db::audit::NewAuditEvent;
use wisdomos_db::provision::{self, NewTenant};
use wisdomos_db::users::NewUser;
use wisdomos_db::{tenants, Database, TenantTx};

/// The three circles: name, members (first names), how long ago each was last active (days;
/// `None` for not yet), and the kind of tie inside the circle.
/// A circle's members: first name and days since last active.
type Members = &'static [(&'static str, Option<i64>)];

const CIRCLES: [(&str, Members, &str); 3] = [
    (
        "Morning circle",
        &[
            ("Amara", Some(1)),
            ("Ben", Some(2)),
            ("Chiara", Some(0)),
            ("Dev", Some(3)),
            ("Elif", Some(5)),
            ("Farid", Some(1)),
            ("Grace", Some(8)),
            ("Hugo", Some(4)),
            ("Ines", Some(2)),
            ("Jonas", Some(70)),
            ("Kemi", Some(6)),
            ("Luca", Some(1)),
        ],
        "peer",
    ),
    (
        "Founders group",
        &[
            ("Maya", Some(3)),
            ("Noah", Some(9)),
            ("Olu", Some(2)),
            ("Priya", Some(1)),
            ("Quinn", Some(12)),
            ("Rosa", Some(4)),
            ("Sami", Some(95)),
            ("Tariq", Some(6)),
            ("Uma", Some(2)),
            ("Viktor", Some(5)),
        ],
        "collaborator",
    ),
    (
        "Parents' group",
        &[
            ("Wen", Some(30)),
            ("Xavier", Some(25)),
            ("Yara", Some(40)),
            ("Zeynep", Some(3)),
            ("Aiko", Some(33)),
            ("Bruno", Some(60)),
            ("Clara", Some(22)),
            ("Dario", Some(2)),
            ("Esther", Some(28)),
            ("Femi", Some(50)),
        ],
        "peer",
    ),
];

/// Newcomers with no relationship yet, the bridges between circles, and the system
/// participants (seed 003's seed script has two).
const NEWCOMERS: [(&str, &str); 4] = [
    ("Gia", "member"),
    ("Hana", "coach"),
    ("Ivo", "member"),
    ("Jada", "member"),
];
const SYSTEM: [&str; 2] = ["Welcome guide", "Session scheduler"];

/// A small deterministic generator (64-bit LCG, Knuth's MMIX constants), so every demo
/// organisation has the same shape.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn fail(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Creates the operator and the organisation; returns (workspace name, slug, operator id).
pub async fn create(
    db: &Database,
    user: &NewUser<'_>,
    timezone: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<(String, String, Uuid)> {
    let (account, tenant) = provision::register(
        db,
        user,
        &NewTenant {
            name: "Riverside Collective",
            slug: None,
            timezone,
        },
        now,
    )
    .await?;
    let scope = tenants::operator_scope(&tenant);
    let ev = |event_type| NewAuditEvent {
        tenant_id: Some(tenant.id),
        actor_user_id: Some(account.id),
        actor_role: Some("OWNER".into()),
        event_type,
        ..Default::default()
    };
    let mut tx = TenantTx::begin(db, &scope).await?;
    let add = |name: String, role: &str, active: Option<i64>, origin: &str| NewParticipant {
        email: Some(format!(
            "{}@riverside.example",
            name.to_lowercase().replace(' ', ".")
        )),
        display_name: name,
        role: Some(role.into()),
        origin: Some(origin.into()),
        lifecycle_stage: Some("active".into()),
        last_activity_at: active.map(|d| now - Duration::days(d) - Duration::hours(3)),
    };
    let mut circles: Vec<Vec<Uuid>> = Vec::new();
    for (i, (_, members, _)) in CIRCLES.iter().enumerate() {
        let mut ids = Vec::new();
        for (j, (name, active)) in members.iter().enumerate() {
            let role = if j == 0 {
                "facilitator"
            } else if i == 1 && j == 3 {
                "coach"
            } else {
                "member"
            };
            let p = add((*name).into(), role, *active, "import");
            let made =
                wisdomos_app::participants::create(&mut tx, &p, ev("participant.created"), now)
                    .await
                    .map_err(fail)?;
            ids.push(made.id);
        }
        circles.push(ids);
    }
    for (name, role) in NEWCOMERS {
        let p = add(name.into(), role, None, "signup");
        wisdomos_app::participants::create(&mut tx, &p, ev("participant.created"), now)
            .await
            .map_err(fail)?;
    }
    for name in SYSTEM {
        let mut p = add(name.into(), "system", Some(0), "system");
        p.email = None;
        wisdomos_app::participants::create(&mut tx, &p, ev("participant.created"), now)
            .await
            .map_err(fail)?;
    }
    // Inside each circle: a ring and a few chords, confidence 0.5–1.
    let mut rng = Lcg(2026);
    let relate = |from: Uuid, to: Uuid, kind: &str, c: f64| NewRelationship {
        from,
        to,
        kind: kind.into(),
        confidence: Some(c),
        source: Some("demo".into()),
    };
    let mut ties = Vec::new();
    for (ids, (_, _, kind)) in circles.iter().zip(CIRCLES) {
        let n = ids.len();
        for k in 0..n {
            ties.push(relate(
                ids[k],
                ids[(k + 1) % n],
                kind,
                0.6 + 0.04 * (k % 10) as f64,
            ));
        }
        for _ in 0..n {
            let (a, b) = (rng.next(n), rng.next(n));
            if a != b && (a + 1) % n != b && (b + 1) % n != a {
                ties.push(relate(
                    ids[a],
                    ids[b],
                    kind,
                    0.5 + 0.05 * rng.next(10) as f64,
                ));
            }
        }
        ties.push(relate(ids[0], ids[2], "mentor", 0.9));
    }
    // Bridges: Luca alone joins the morning circle to the founders; Dario and Zeynep join the
    // founders to the parents.
    ties.push(relate(circles[0][11], circles[1][0], "peer", 0.8));
    ties.push(relate(circles[2][7], circles[1][2], "collaborator", 0.7));
    ties.push(relate(circles[2][3], circles[1][2], "peer", 0.6));
    let mut seen = std::collections::HashSet::new();
    for t in &ties {
        if seen.insert((t.from, t.to, t.kind.clone())) {
            wisdomos_app::relationships::relate(&mut tx, t, ev("relationship.created"), now)
                .await
                .map_err(fail)?;
        }
    }
    tx.commit().await?;

    // Segments, then recommendations, as the jobs queued by those changes compute them.
    let worker = wisdomos_jobs::Worker::new(
        db.clone(),
        wisdomos_jobs::Registry::standard(),
        wisdomos_jobs::WorkerConfig::default(),
    );
    worker.run_due(Some(tenant.id)).await?;

    // The operator applies one recommendation and pauses someone who asked for a break.
    let mut tx = TenantTx::begin(db, &scope).await?;
    let pending = wisdomos_db::recommendations::list(
        &mut tx,
        &wisdomos_db::recommendations::Filter {
            status: Some("pending".into()),
            ..Default::default()
        },
        None,
        100,
    )
    .await?;
    if let Some(r) = pending
        .items
        .iter()
        .find(|r| r.rule == "reconnect")
        .or(pending.items.first())
    {
        wisdomos_app::recommendations::decide(
            &mut tx,
            r.id,
            Decision::Apply,
            ev("recommendation.applied"),
            now,
        )
        .await
        .map_err(fail)?;
    }
    let pause = NewIntervention {
        kind: "lifecycle_change".into(),
        participant_ids: vec![circles[1][4]],
        lifecycle_stage: Some("paused".into()),
        reason: "Asked for a break until the spring retreat".into(),
        ..NewIntervention::default()
    };
    wisdomos_app::interventions::create(&mut tx, &pause, ev("intervention.created"), now)
        .await
        .map_err(fail)?;
    tx.commit().await?;
    worker.run_due(Some(tenant.id)).await?;
    Ok((tenant.name, tenant.slug, account.id))
}

/// A client of the organisation with their own workspace (a year of journal, weekly
/// snapshots, a recurring pattern) who has granted it a share, as the participant with the
/// same e-mail. Returns their e-mail.
pub async fn client(
    db: &Database,
    org_slug: &str,
    operator: Uuid,
    password_hash: &str,
    tz: chrono_tz::Tz,
    ke: &wisdomos_app::knowledge::KnowledgeEngine,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let email = "priya@riverside.example";
    let user = NewUser {
        email,
        password_hash,
        first_name: Some("Priya"),
        last_name: None,
    };
    let new = NewTenant {
        name: "Priya's year",
        slug: None,
        timezone: tz.name(),
    };
    let (person, own) = provision::register(db, &user, &new, now).await?;
    let scope = tenants::operator_scope(&own);
    let journal = super::demo::shifted_journal(now)?;
    let ws = wisdomos_app::import::Workspace {
        db,
        scope: &scope,
        tz,
    };
    let opts = wisdomos_app::import::ImportOptions::default();
    wisdomos_app::import::run(ws, &journal, &opts, ke, now, &|_, _| {})
        .await
        .map_err(fail)?;
    let mut tx = TenantTx::begin(db, &scope).await?;
    for week in (1..=12).rev() {
        let when = now - Duration::weeks(week);
        wisdomos_db::snapshots::record(&mut tx, when.with_timezone(&tz).date_naive(), when).await?;
    }
    wisdomos_db::snapshots::record(&mut tx, now.with_timezone(&tz).date_naive(), now).await?;
    let pattern = wisdomos_db::insights::InsightFields {
        event_id: None,
        insight_type: wisdomos_core::event::InsightType::PatternRecognized.as_str(),
        title: "Recurring: overwork before deadlines".into(),
        description: String::new(),
        is_recurring: true,
        frequency: 6,
        related_events: vec![],
        tags: vec!["overwork".into()],
    };
    wisdomos_db::insights::create(&mut tx, &pattern, now).await?;
    tx.commit().await?;

    let org = tenants::find(db.owner(), org_slug).await?;
    let mut tx = TenantTx::begin(db, &tenants::operator_scope(&org)).await?;
    let id = wisdomos_db::participants::ids_by_email(&mut tx, &[email.to_owned()])
        .await?
        .first()
        .map(|(_, id)| *id)
        .ok_or_else(|| anyhow::anyhow!("the organisation has no participant {email}"))?;
    let ev = NewAuditEvent {
        tenant_id: Some(org.id),
        actor_user_id: Some(operator),
        actor_role: Some("OWNER".into()),
        event_type: "share.invited",
        ..Default::default()
    };
    let share = wisdomos_app::shares::invite(&mut tx, id, ev, now)
        .await
        .map_err(fail)?;
    tx.commit().await?;
    wisdomos_app::shares::decide(
        db,
        share.id,
        person.id,
        email,
        wisdomos_app::shares::Consent::Grant(own.id),
        now,
    )
    .await
    .map_err(fail)?;
    Ok(email.into())
}
