//! Isolation, provisioning and migration tests against a real PostgreSQL.

use chrono::Utc;
use sqlx::Row;
use uuid::Uuid;
use wisdomos_core::life_area::LifeAreaCluster;

use crate::migrate::{self, Migration};
use crate::provision;
use crate::testing::TestDatabase;
use crate::{audit, life_areas, tenants, Database, TenantScope, TenantTx, APP_ROLE};

async fn new_tenant(db: &Database, email: &str) -> (Uuid, TenantScope) {
    let (_, tenant) = crate::testing::register(db, email, "Test space").await;
    (tenant.id, TenantScope::new(tenant.id, tenant.schema_name))
}

#[tokio::test]
async fn provisioning_seeds_thirty_areas_in_six_clusters() {
    let t = TestDatabase::create().await;
    let (_, scope) = new_tenant(&t.db, "a@example.org").await;
    let mut tx = TenantTx::begin(&t.db, &scope).await.unwrap();
    let areas = life_areas::list(&mut tx, &Default::default())
        .await
        .unwrap();
    assert_eq!(areas.len(), 30);
    for c in LifeAreaCluster::ALL {
        assert_eq!(areas.iter().filter(|a| a.cluster == c.as_str()).count(), 5);
    }
    assert!(areas
        .iter()
        .all(|a| a.current_score == 50.0 && a.status == "BALANCED"));
}

#[tokio::test]
async fn a_tenant_role_cannot_read_another_tenants_schema() {
    let t = TestDatabase::create().await;
    let (_, a) = new_tenant(&t.db, "a@example.org").await;
    let (_, b) = new_tenant(&t.db, "b@example.org").await;
    let mut tx = TenantTx::begin(&t.db, &a).await.unwrap();
    let who: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(tx.conn())
        .await
        .unwrap();
    assert_eq!(who, a.schema);
    let err = sqlx::query(&format!("SELECT count(*) FROM {}.life_areas", b.schema))
        .fetch_one(tx.conn())
        .await
        .unwrap_err();
    assert_eq!(
        err.as_database_error().and_then(|d| d.code()).as_deref(),
        Some("42501"),
        "{err}"
    );
}

#[tokio::test]
async fn no_session_can_switch_into_a_tenant_role() {
    let t = TestDatabase::create().await;
    let (_, a) = new_tenant(&t.db, "a@example.org").await;
    let (_, b) = new_tenant(&t.db, "b@example.org").await;
    let denied = |r: Result<sqlx::postgres::PgQueryResult, sqlx::Error>, what: &str| {
        let e = r.expect_err(what);
        assert_eq!(
            e.as_database_error().and_then(|d| d.code()).as_deref(),
            Some("42501"),
            "{what}: {e}"
        );
    };
    // Inside A's transaction, as SQL injected there would try it.
    let mut tx = TenantTx::begin(&t.db, &a).await.unwrap();
    denied(
        sqlx::query(&format!("SET ROLE {}", b.schema))
            .execute(tx.conn())
            .await,
        "SET ROLE t_B in A's transaction",
    );
    drop(tx);
    let mut tx = TenantTx::begin(&t.db, &a).await.unwrap();
    denied(
        sqlx::query(&format!("SET LOCAL ROLE {}", b.schema))
            .execute(tx.conn())
            .await,
        "SET LOCAL ROLE t_B in A's transaction",
    );
    drop(tx);
    let mut tx = TenantTx::begin(&t.db, &a).await.unwrap();
    sqlx::query("RESET ROLE").execute(tx.conn()).await.unwrap();
    denied(
        sqlx::query(&format!("SELECT 1 FROM {}.events", b.schema))
            .execute(tx.conn())
            .await,
        "B's schema after RESET ROLE",
    );
    drop(tx);
    // The app role, which every request's platform queries use, is a member of no tenant role.
    for s in [&a.schema, &b.schema] {
        denied(
            sqlx::query(&format!("SET ROLE {s}"))
                .execute(t.db.app())
                .await,
            "SET ROLE from the app role",
        );
    }
    let memberships: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member
         JOIN pg_roles g ON g.oid = m.roleid WHERE u.rolname = $1 AND g.rolname LIKE 't\\_%'",
    )
    .bind(APP_ROLE)
    .fetch_one(t.db.owner())
    .await
    .unwrap();
    assert_eq!(memberships, 0);
    // A's transaction runs as A's role itself.
    let mut tx = TenantTx::begin(&t.db, &a).await.unwrap();
    let who: (String, String) = sqlx::query_as("SELECT session_user::text, current_user::text")
        .fetch_one(tx.conn())
        .await
        .unwrap();
    assert_eq!(who, (a.schema.clone(), a.schema.clone()));
}

#[tokio::test]
async fn without_a_tenant_id_every_tenant_table_is_empty() {
    let t = TestDatabase::create().await;
    let (a_id, a) = new_tenant(&t.db, "a@example.org").await;
    let (b_id, _) = new_tenant(&t.db, "b@example.org").await;
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = $1")
            .bind(&a.schema)
            .fetch_all(t.db.owner())
            .await
            .unwrap();
    assert!(!tables.is_empty());
    for table in &tables {
        let mut tx = TenantTx::begin(&t.db, &a).await.unwrap();
        let conn = tx.conn();
        // The tenant's own role, its schema, but no app.tenant_id: row-level security fails closed.
        sqlx::query("SELECT set_config('app.tenant_id', '', true)")
            .execute(&mut *conn)
            .await
            .unwrap();
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(n, 0, "{table} without app.tenant_id");
        // Another tenant's id: still nothing.
        sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
            .bind(b_id.to_string())
            .execute(&mut *conn)
            .await
            .unwrap();
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(n, 0, "{table} with another tenant's id");
        // Writing a row for another tenant is refused by WITH CHECK.
        if table == "life_areas" {
            let err = sqlx::query("INSERT INTO life_areas (tenant_id, slug, name, cluster) VALUES ($1, 'x', 'x', 'INNER_PERSONAL')")
                .bind(a_id)
                .execute(&mut *conn)
                .await
                .unwrap_err();
            assert_eq!(
                err.as_database_error().and_then(|d| d.code()).as_deref(),
                Some("42501"),
                "{err}"
            );
        }
    }
    // The app role itself, with no tenant role assumed, has no access at all.
    let err = sqlx::query(&format!("SELECT count(*) FROM {}.life_areas", a.schema))
        .fetch_one(t.db.app())
        .await
        .unwrap_err();
    assert_eq!(
        err.as_database_error().and_then(|d| d.code()).as_deref(),
        Some("42501")
    );
}

#[tokio::test]
async fn catalog_every_tenant_table_forces_rls_and_the_app_role_is_powerless() {
    let t = TestDatabase::create().await;
    new_tenant(&t.db, "a@example.org").await;
    new_tenant(&t.db, "b@example.org").await;
    let rows = sqlx::query(
        "SELECT n.nspname::text AS schema, c.relname::text AS name, c.relrowsecurity, c.relforcerowsecurity
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND n.nspname LIKE 't\\_%'",
    )
    .fetch_all(t.db.owner())
    .await
    .unwrap();
    assert!(rows.len() >= 2);
    for r in &rows {
        let (s, n): (String, String) = (r.get("schema"), r.get("name"));
        assert!(
            r.get::<bool, _>("relrowsecurity"),
            "{s}.{n} has RLS disabled"
        );
        assert!(
            r.get::<bool, _>("relforcerowsecurity"),
            "{s}.{n} does not force RLS"
        );
        let has_tenant_id: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = 'tenant_id')",
        )
        .bind(&s)
        .bind(&n)
        .fetch_one(t.db.owner())
        .await
        .unwrap();
        assert!(has_tenant_id, "{s}.{n} lacks tenant_id");
    }
    let (superuser, bypass): (bool, bool) =
        sqlx::query_as("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1")
            .bind(APP_ROLE)
            .fetch_one(t.db.owner())
            .await
            .unwrap();
    assert!(!superuser && !bypass);
    let owned: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = $1))
              + (SELECT count(*) FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = $1))",
    )
    .bind(APP_ROLE)
    .fetch_one(t.db.owner())
    .await
    .unwrap();
    assert_eq!(owned, 0, "the app role owns objects");
}

#[tokio::test]
async fn no_request_role_can_rewrite_or_read_all_of_the_audit_log() {
    let t = TestDatabase::create().await;
    new_tenant(&t.db, "a@example.org").await;
    // The app role (every request) and the owner (registration provisions with it).
    for pool in [t.db.app(), t.db.owner()] {
        for sql in [
            "UPDATE platform.audit_events SET event_type = 'x'",
            "DELETE FROM platform.audit_events",
            "TRUNCATE platform.audit_events",
            "ALTER TABLE platform.audit_events DISABLE ROW LEVEL SECURITY",
            "DROP TABLE platform.audit_events",
        ] {
            let Err(err) = sqlx::query(sql).execute(pool).await else {
                panic!(
                    "{sql} succeeded as {:?}",
                    pool.connect_options().get_username()
                );
            };
            assert_eq!(
                err.as_database_error().and_then(|d| d.code()).as_deref(),
                Some("42501"),
                "{sql}: {err}"
            );
        }
    }
    // Outside a tenant transaction the app role reads no tenant's audit rows at all.
    let err = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM platform.audit_events")
        .fetch_one(t.db.app())
        .await
        .unwrap_err();
    assert_eq!(
        err.as_database_error().and_then(|d| d.code()).as_deref(),
        Some("42501")
    );
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.audit_events")
        .fetch_one(t.db.owner())
        .await
        .unwrap();
    assert!(n >= 2);
}

#[tokio::test]
async fn outside_a_tenant_transaction_the_app_role_reaches_no_job() {
    let t = TestDatabase::create().await;
    let (a_id, _) = new_tenant(&t.db, "a@example.org").await;
    let job = crate::jobs::NewJob::new("a.job", serde_json::json!({}), Utc::now());
    crate::jobs::enqueue_for(t.db.worker(), a_id, &job, Utc::now())
        .await
        .unwrap();
    for sql in [
        "SELECT count(*) FROM platform.jobs",
        "UPDATE platform.jobs SET status = 'cancelled'",
        "INSERT INTO platform.jobs (id, tenant_id, job_type, run_at, created_at, updated_at) VALUES (gen_random_uuid(), gen_random_uuid(), 'x', now(), now(), now())",
        "SELECT count(*) FROM platform.scheduler_state",
    ] {
        let Err(e) = sqlx::query(sql).execute(t.db.app()).await else {
            panic!("{sql} succeeded as the app role");
        };
        assert_eq!(
            e.as_database_error().and_then(|d| d.code()).as_deref(),
            Some("42501"),
            "{sql}: {e}"
        );
    }
}

#[tokio::test]
async fn a_tenant_role_reaches_no_other_tenants_platform_rows_whatever_the_setting() {
    let t = TestDatabase::create().await;
    let (_, a) = new_tenant(&t.db, "a@example.org").await;
    let (b_id, b) = new_tenant(&t.db, "b@example.org").await;
    let mut tx = TenantTx::begin(&t.db, &b).await.unwrap();
    let job = crate::jobs::NewJob::new("b.secret", serde_json::json!({"x": 1}), Utc::now());
    crate::jobs::enqueue(&mut tx, &job, Utc::now())
        .await
        .unwrap();
    let ev = audit::NewAuditEvent {
        tenant_id: Some(b_id),
        actor_user_id: None,
        actor_role: None,
        event_type: "api_key.created",
        target_type: None,
        target_id: None,
        metadata: serde_json::json!({}),
    };
    crate::api_keys::create(
        &mut tx,
        "site",
        "wos_abcdef",
        b"hash-of-b",
        None,
        &ev,
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let b = b_id.to_string();
    // Inside A's transaction, pretending to be B by the setting a statement can change.
    let attempts: [(&str, bool); 8] = [
        ("SELECT count(*) FROM platform.api_keys WHERE tenant_id = $1::uuid", true),
        ("INSERT INTO platform.api_keys (id, tenant_id, name, prefix, key_hash, created_at) VALUES (gen_random_uuid(), $1::uuid, 'x', 'x', 'x', now())", false),
        ("UPDATE platform.api_keys SET revoked_at = now() WHERE tenant_id = $1::uuid", true),
        ("SELECT count(*) FROM platform.audit_events WHERE tenant_id = $1::uuid", true),
        ("SELECT count(*) FROM platform.jobs WHERE tenant_id = $1::uuid", true),
        ("INSERT INTO platform.audit_events (id, tenant_id, event_type, created_at) VALUES (gen_random_uuid(), $1::uuid, 'x', now())", false),
        ("INSERT INTO platform.jobs (id, tenant_id, job_type, run_at, created_at, updated_at) VALUES (gen_random_uuid(), $1::uuid, 'x', now(), now(), now())", false),
        ("UPDATE platform.jobs SET status = 'cancelled' WHERE tenant_id = $1::uuid", true),
    ];
    for (sql, reads) in attempts {
        let mut tx = TenantTx::begin(&t.db, &a).await.unwrap();
        sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
            .bind(&b)
            .execute(tx.conn())
            .await
            .unwrap();
        if sql.starts_with("SELECT") {
            let n: i64 = sqlx::query_scalar(sql)
                .bind(&b)
                .fetch_one(tx.conn())
                .await
                .unwrap();
            assert_eq!(n, 0, "{sql}");
        } else {
            let r = sqlx::query(sql).bind(&b).execute(tx.conn()).await;
            match r {
                Ok(done) => assert!(reads && done.rows_affected() == 0, "{sql}"),
                Err(e) => assert_eq!(
                    e.as_database_error().and_then(|d| d.code()).as_deref(),
                    Some("42501"),
                    "{sql}: {e}"
                ),
            }
        }
    }
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.jobs WHERE tenant_id = $1 AND status = 'pending'",
    )
    .bind(b_id)
    .fetch_one(t.db.owner())
    .await
    .unwrap();
    assert_eq!(left, 1, "B's job untouched");
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.api_keys WHERE tenant_id = $1 AND revoked_at IS NULL",
    )
    .bind(b_id)
    .fetch_one(t.db.owner())
    .await
    .unwrap();
    assert_eq!(live, 1, "B's key untouched");
}

#[tokio::test]
async fn a_tenant_sees_only_its_own_audit_rows() {
    let t = TestDatabase::create().await;
    let (a_id, a) = new_tenant(&t.db, "a@example.org").await;
    new_tenant(&t.db, "b@example.org").await;
    let mut tx = TenantTx::begin(&t.db, &a).await.unwrap();
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.audit_events")
        .fetch_one(tx.conn())
        .await
        .unwrap();
    let page = audit::list(&mut tx, &Default::default(), None, 100)
        .await
        .unwrap();
    assert_eq!(all as usize, page.items.len());
    assert!(page.items.iter().all(|e| e.tenant_id == Some(a_id)));
}

#[tokio::test]
async fn deprovisioning_drops_schema_role_and_jobs_and_keeps_audit() {
    let t = TestDatabase::create().await;
    let (id, scope) = new_tenant(&t.db, "a@example.org").await;
    let mut tx = TenantTx::begin(&t.db, &scope).await.unwrap();
    let job = crate::jobs::NewJob::new("a.job", serde_json::json!({"private": true}), Utc::now());
    crate::jobs::enqueue(&mut tx, &job, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    provision::deprovision(&t.db, id, Default::default(), Utc::now())
        .await
        .unwrap();
    let schema_left: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)")
            .bind(&scope.schema)
            .fetch_one(t.db.owner())
            .await
            .unwrap();
    let role_left: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(&scope.schema)
            .fetch_one(t.db.owner())
            .await
            .unwrap();
    assert!(!schema_left && !role_left);
    assert_eq!(
        tenants::get(t.db.owner(), id).await.unwrap().status,
        "DELETED"
    );
    let audit_rows: i64 =
        sqlx::query_scalar("SELECT count(*) FROM platform.audit_events WHERE tenant_id = $1")
            .bind(id)
            .fetch_one(t.db.owner())
            .await
            .unwrap();
    assert!(
        audit_rows >= 3,
        "registered, created and deleted stay: {audit_rows}"
    );
    let jobs_left: i64 =
        sqlx::query_scalar("SELECT count(*) FROM platform.jobs WHERE tenant_id = $1")
            .bind(id)
            .fetch_one(t.db.owner())
            .await
            .unwrap();
    assert_eq!(jobs_left, 0);
    assert!(TenantTx::begin(&t.db, &scope).await.is_err());
}

const NEXT: i32 = migrate::TENANT.len() as i32 + 1;
const EXTRA: Migration = Migration {
    version: NEXT,
    name: "test_extra",
    sql: "ALTER TABLE life_areas ADD COLUMN note text;",
};
const SLOW: Migration = Migration {
    version: NEXT,
    name: "test_slow",
    sql: "SELECT pg_sleep(0.2); ALTER TABLE life_areas ADD COLUMN note text;",
};

#[tokio::test]
async fn migrate_is_idempotent_and_resumes_after_interruption() {
    let t = TestDatabase::create().await;
    for i in 0..12 {
        new_tenant(&t.db, &format!("u{i}@example.org")).await;
    }
    let slow: Vec<Migration> = migrate::TENANT.iter().copied().chain([SLOW]).collect();
    // Interrupt a run part-way: dropping the future rolls back the tenants in flight.
    let run = migrate::migrate_all_tenants(t.db.owner(), &slow, 2, &|_, _| {});
    let _ = tokio::time::timeout(std::time::Duration::from_millis(500), run).await;
    let behind = migrate::tenants_behind(t.db.owner(), NEXT)
        .await
        .unwrap()
        .len();
    assert!(
        behind > 0 && behind < 12,
        "interrupted run left {behind} behind"
    );
    let all: Vec<Migration> = migrate::TENANT.iter().copied().chain([EXTRA]).collect();
    let report = migrate::migrate_all_tenants(t.db.owner(), &all, 4, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(report.migrated, behind);
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let again = migrate::migrate_all_tenants(t.db.owner(), &all, 4, &|_, _| {})
        .await
        .unwrap();
    assert_eq!((again.behind, again.migrated), (0, 0));
    // Every schema really has the column, and the tenant role can use it.
    let (_, scope) = new_tenant(&t.db, "late@example.org").await;
    assert_eq!(
        migrate::migrate_tenant(t.db.owner(), scope.tenant_id(), &all)
            .await
            .unwrap(),
        migrate::TenantOutcome::Migrated {
            from: NEXT - 1,
            to: NEXT
        }
    );
    let mut tx = TenantTx::begin(&t.db, &scope).await.unwrap();
    sqlx::query("UPDATE life_areas SET note = 'ok'")
        .execute(tx.conn())
        .await
        .unwrap();
}

#[tokio::test]
async fn platform_migrations_run_once() {
    let t = TestDatabase::create().await;
    assert_eq!(migrate::migrate_platform(t.db.owner()).await.unwrap(), 0);
    let again = Database::connect(&t.config).await.unwrap();
    assert!(again.ping(std::time::Duration::from_secs(5)).await);
    // The owner touches every workspace's schema; its connections are recycled (issue 15).
    let lifetime = |p: &sqlx::PgPool| p.options().get_max_lifetime();
    assert_eq!(
        lifetime(again.owner()),
        Some(crate::bootstrap::OWNER_LIFETIME)
    );
    assert_eq!(
        lifetime(again.app()),
        Some(crate::bootstrap::PLATFORM_LIFETIME)
    );
}

#[tokio::test]
async fn provisioning_claims_a_spare_schema_when_one_is_ready() {
    let t = TestDatabase::create().await;
    let a = provision::create_spare(&t.db, Utc::now()).await.unwrap();
    let b = provision::create_spare(&t.db, Utc::now()).await.unwrap();
    assert_eq!(provision::spare_count(&t.db).await.unwrap(), 2);
    let (id, scope) = new_tenant(&t.db, "a@example.org").await;
    assert!(id == a || id == b, "the tenant took a spare's id");
    assert_eq!(provision::spare_count(&t.db).await.unwrap(), 1);
    let mut tx = TenantTx::begin(&t.db, &scope).await.unwrap();
    assert_eq!(
        life_areas::list(&mut tx, &Default::default())
            .await
            .unwrap()
            .len(),
        30
    );
    let eras: i64 = sqlx::query_scalar("SELECT count(*) FROM autobiography_eras")
        .fetch_one(tx.conn())
        .await
        .unwrap();
    assert_eq!(eras, 4);
    tx.commit().await.unwrap();
    // The other spare is still private: the new tenant's role cannot read it.
    let mut tx = TenantTx::begin(&t.db, &scope).await.unwrap();
    let other = if id == a { b } else { a };
    let err = sqlx::query(&format!(
        "SELECT count(*) FROM {}.life_areas",
        wisdomos_core::tenant::schema_name(other)
    ))
    .fetch_one(tx.conn())
    .await
    .unwrap_err();
    assert_eq!(
        err.as_database_error().and_then(|d| d.code()).as_deref(),
        Some("42501")
    );
    drop(tx);
    // A spare of an older version is not used, and is cleaned away.
    sqlx::query("UPDATE platform.spare_schemas SET schema_version = 0")
        .execute(t.db.owner())
        .await
        .unwrap();
    let (id2, _) = new_tenant(&t.db, "b@example.org").await;
    assert_ne!(id2, other);
    assert_eq!(provision::drop_stale_spares(&t.db).await.unwrap(), 1);
    let left: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)")
            .bind(wisdomos_core::tenant::schema_name(other))
            .fetch_one(t.db.owner())
            .await
            .unwrap();
    assert!(!left);
}

#[tokio::test]
async fn the_membership_check_in_the_begin_answers_only_for_the_connections_own_tenant() {
    let t = TestDatabase::create().await;
    let (a_id, _) = new_tenant(&t.db, "a@example.org").await;
    let (b_id, _) = new_tenant(&t.db, "b@example.org").await;
    let owner_of = |tenant: Uuid| {
        sqlx::query_scalar::<_, Uuid>("SELECT owner_id FROM platform.tenants WHERE id = $1")
            .bind(tenant)
            .fetch_one(t.db.owner())
    };
    let (ua, ub) = (owner_of(a_id).await.unwrap(), owner_of(b_id).await.unwrap());
    let (fa, fb) = (
        live_session(&t.db, ua, a_id).await,
        live_session(&t.db, ub, b_id).await,
    );
    let (tx, access) = TenantTx::begin_for_member(&t.db, a_id, ua, fa)
        .await
        .unwrap()
        .expect("the owner of A in A");
    assert_eq!((access.role.as_str(), access.tenant.id), ("OWNER", a_id));
    drop(tx);
    // A's owner is nobody in B, and B's live owner is nobody as seen from A's connection: the
    // tenant is the connection's login role, not an argument.
    assert!(TenantTx::begin_for_member(&t.db, b_id, ua, fa)
        .await
        .unwrap()
        .is_none());
    let scope_a = tenants::operator_scope(&tenants::get(t.db.app(), a_id).await.unwrap());
    let mut tx = TenantTx::begin(&t.db, &scope_a).await.unwrap();
    let seen: Vec<String> = sqlx::query_scalar("SELECT role FROM platform.member_access($1, $2)")
        .bind(ub)
        .bind(fb)
        .fetch_all(tx.conn())
        .await
        .unwrap();
    assert!(seen.is_empty(), "A's connection learned of B's member");
    drop(tx);
    // A revoked session family, and a tenant that does not exist, answer nothing.
    sqlx::query("UPDATE platform.sessions SET revoked_at = now() WHERE family_id = $1")
        .bind(fa)
        .execute(t.db.owner())
        .await
        .unwrap();
    assert!(TenantTx::begin_for_member(&t.db, a_id, ua, fa)
        .await
        .unwrap()
        .is_none());
    assert!(TenantTx::begin_for_member(&t.db, Uuid::new_v4(), ua, fa)
        .await
        .unwrap()
        .is_none());
    // The app role cannot call it at all.
    assert!(sqlx::query("SELECT * FROM platform.member_access($1, $2)")
        .bind(ub)
        .bind(fb)
        .fetch_all(t.db.app())
        .await
        .is_err());
}

async fn live_session(db: &Database, user: Uuid, tenant: Uuid) -> Uuid {
    crate::testing::live_session(db, user, tenant, Uuid::new_v4().as_bytes()).await
}
