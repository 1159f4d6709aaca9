//! The SQL aggregation of score inputs agrees with the domain crate's reference.

use chrono::{Duration, Utc};
use wisdomos_core::event::EventType;
use wisdomos_core::score::{self, ScoreInputs, ScoredEvent};

use crate::events::{self, EventFields};
use crate::provision::{self, NewTenant};
use crate::testing::TestDatabase;
use crate::users::NewUser;
use crate::{boundaries, commitments, life_areas, TenantScope, TenantTx};

#[tokio::test]
async fn sql_aggregates_match_the_domain_engine() {
    let t = TestDatabase::create().await;
    let user = NewUser {
        email: "s@example.org",
        password_hash: "x",
        first_name: None,
        last_name: None,
    };
    let (_, tenant) = provision::register(
        &t.db,
        &user,
        &NewTenant {
            name: "S",
            slug: None,
            timezone: "UTC",
        },
        Utc::now(),
    )
    .await
    .unwrap();
    let scope = TenantScope::new(tenant.id, tenant.schema_name);
    let now = Utc::now();
    let mut tx = TenantTx::begin(&t.db, &scope).await.unwrap();
    let area = life_areas::get(&mut tx, "work").await.unwrap();
    let mut reference = ScoreInputs::default();
    // Ages from the future to past the window, charges across the range, every type.
    for i in 0..60i64 {
        let at = now - Duration::minutes(i * 800 - 600);
        let charge = (i % 11 - 5) as i32;
        let ty = EventType::ALL[i as usize % EventType::ALL.len()];
        let f = EventFields {
            life_area_id: area.id,
            event_type: ty.as_str(),
            category: "OTHER",
            tone: "NEUTRAL",
            title: format!("e{i}"),
            description: String::new(),
            narrative: None,
            occurred_at: at,
            emotional_charge: charge,
            tags: vec![],
        };
        events::create(&mut tx, &f, now).await.unwrap();
        reference.events.push(ScoredEvent {
            occurred_at: at,
            emotional_charge: charge,
            event_type: ty,
        });
    }
    let b = boundaries::create(&mut tx, area.id, "b", "r", None, now)
        .await
        .unwrap();
    for d in [1, 5, 29, 31, 90] {
        boundaries::add_violation(&mut tx, b.id, now - Duration::days(d), None, now)
            .await
            .unwrap();
        reference.violations.push(now - Duration::days(d));
    }
    for done in [true, false, false] {
        let c = commitments::create(
            &mut tx,
            &commitments::CommitmentFields {
                life_area_id: Some(area.id),
                event_id: None,
                insight_id: None,
                statement: "c".into(),
                intention: String::new(),
                measurable: None,
            },
            now,
        )
        .await
        .unwrap();
        if done {
            let mut c = c;
            c.status = "COMPLETED".into();
            commitments::save(&mut tx, &c, now).await.unwrap();
        }
    }
    reference.commitments_completed = 1;
    reference.commitments_total = 3;
    for at in [now, now - Duration::days(3), now + Duration::hours(10)] {
        let sql = life_areas::breakdown(&mut tx, area.id, at).await.unwrap();
        let rust = score::compute(&reference, at);
        assert_eq!(
            (
                sql.event_count,
                sql.upset_count,
                sql.breakthrough_count,
                sql.violation_count
            ),
            (
                rust.event_count,
                rust.upset_count,
                rust.breakthrough_count,
                rust.violation_count
            )
        );
        assert!(
            (sql.momentum - rust.momentum).abs() < 1e-9,
            "{} vs {}",
            sql.momentum,
            rust.momentum
        );
        assert_eq!(sql.score, rust.score);
        assert_eq!(sql.status, rust.status);
    }
}
