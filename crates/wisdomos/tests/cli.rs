#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The binary as an operator meets it: help, the embedded database, and the operator commands.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use wisdomos_db::testing::TestDatabase;

const BIN: &str = env!("CARGO_BIN_EXE_wisdomos");
const PASSWORD: &str = "correct horse battery staple";

/// The binary with no database configured from the test environment.
fn wisdomos(data_dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("DATABASE_URL")
        .env("WISDOMOS_DATA_DIR", data_dir)
        .env("WISDOMOS_LOG", "warn");
    c
}

fn run(mut c: Command, stdin: Option<&str>) -> (bool, String, String) {
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A data directory the `postgres` system user can reach when the tests run as root.
fn data_dir() -> tempfile::TempDir {
    let d = tempfile::Builder::new()
        .prefix("wisdomos-cli-")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    d
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(data: &Path) -> Self {
        Self::spawn(wisdomos(data))
    }

    /// Runs `serve` on an ephemeral port with `c`'s environment.
    fn spawn(mut c: Command) -> Self {
        c.args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = c.spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let line = lines.next().expect("serve printed its address").unwrap();
        let base = line.rsplit(' ').next().unwrap().to_owned();
        assert!(base.starts_with("http://127.0.0.1:"), "{line}");
        Self { child, base }
    }

    /// SIGTERM, then wait: the server must exit cleanly within 30 s.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "serve exited with {status}");
                return;
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["tenant", "--help"],
        vec!["tenant", "create", "--help"],
        vec!["tenant", "list", "--help"],
        vec!["tenant", "suspend", "--help"],
        vec!["tenant", "resume", "--help"],
        vec!["tenant", "delete", "--help"],
        vec!["user", "--help"],
        vec!["user", "create", "--help"],
        vec!["user", "list", "--help"],
        vec!["openapi", "--help"],
        vec!["demo", "--help"],
        vec!["import", "events", "--help"],
        vec!["jobs", "work", "--help"],
        vec!["jobs", "list", "--help"],
        vec!["jobs", "retry", "--help"],
        vec!["jobs", "cancel", "--help"],
        vec!["audit", "verify", "--help"],
    ] {
        let out = Command::new(BIN).args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn top_level_help_lists_every_command() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in [
        "serve", "migrate", "tenant", "demo", "jobs", "import", "user", "openapi", "audit",
    ] {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(cmd)),
            "{cmd} missing from:\n{help}"
        );
    }
}

/// `wisdomos openapi | head` ends quietly when `head` stops reading.
#[test]
fn openapi_into_a_closed_pipe_is_not_a_panic() {
    use std::io::Read;
    let mut child = Command::new(BIN)
        .arg("openapi")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !err.contains("panick"), "{err}");
}

#[test]
fn openapi_prints_the_document() {
    let out = Command::new(BIN).arg("openapi").output().unwrap();
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["paths"]["/api/v1/auth/register"]["post"].is_object());
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_runs_its_own_postgres_keeps_data_and_stops_cleanly() {
    let dir = data_dir();
    let data = dir.path().join("data");
    let (server, token) = serve_and_register(&data, "Ada's Journey").await;
    let http = reqwest::Client::new();
    let areas: Value = http
        .get(format!("{}/api/v1/life-areas", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(areas["lifeAreas"].as_array().unwrap().len(), 30);
    // Operator commands use the running instance.
    let (ok, out, err) = tokio::task::spawn_blocking({
        let data = data.clone();
        move || {
            run(
                {
                    let mut c = wisdomos(&data);
                    c.args(["tenant", "list"]);
                    c
                },
                None,
            )
        }
    })
    .await
    .unwrap();
    assert!(ok, "{err}");
    assert!(out.contains("ada-s-journey"), "{out}");
    tokio::task::spawn_blocking(move || server.stop())
        .await
        .unwrap();
    assert!(
        !data.join("pg/postmaster.pid").exists(),
        "PostgreSQL stopped with the server"
    );
    assert!(data.join("secrets.json").exists());

    // Without a running server, a command starts PostgreSQL for its own length.
    let (ok, out, err) = run(
        {
            let mut c = wisdomos(&data);
            c.args(["user", "list"]);
            c
        },
        None,
    );
    assert!(ok, "{err}");
    assert!(out.contains("ada@example.org"));
    assert!(
        !data.join("pg/postmaster.pid").exists(),
        "the command stopped what it started"
    );

    // A restart keeps the data.
    let server = tokio::task::spawn_blocking({
        let data = data.clone();
        move || Server::start(&data)
    })
    .await
    .unwrap();
    let login = http
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({ "email": "ada@example.org", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    tokio::task::spawn_blocking(move || server.stop())
        .await
        .unwrap();
}

/// `serve` on its embedded PostgreSQL in `data`, and the access token of ada@example.org, who
/// registered `workspace` there.
async fn serve_and_register(data: &Path, workspace: &str) -> (Server, String) {
    let server = tokio::task::spawn_blocking({
        let data = data.to_path_buf();
        move || Server::start(&data)
    })
    .await
    .unwrap();
    let reg: Value = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/register", server.base))
        .json(&json!({ "email": "ada@example.org", "password": PASSWORD, "workspaceName": workspace }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = reg["tokens"]["accessToken"]
        .as_str()
        .expect("registered")
        .to_owned();
    (server, token)
}

fn postmaster_pid(data: &Path) -> Option<i32> {
    std::fs::read_to_string(data.join("pg/postmaster.pid"))
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_embedded_postgres_fails_fast_and_comes_back_by_itself() {
    let dir = data_dir();
    let data = dir.path().join("data");
    let (server, token) = serve_and_register(&data, "Ada").await;
    let http = reqwest::Client::new();
    let areas = format!("{}/api/v1/life-areas", server.base);
    let ok = http.get(&areas).bearer_auth(&token).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let killed = postmaster_pid(&data).expect("postmaster.pid");
    assert!(Command::new("kill")
        .args(["-KILL", &killed.to_string()])
        .status()
        .unwrap()
        .success());
    // Right after the kill: an honest answer, quickly; never a 500 after a long hang.
    let started = Instant::now();
    let r = http.get(&areas).bearer_auth(&token).send().await.unwrap();
    eprintln!("after the kill: {} in {:?}", r.status(), started.elapsed());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(r.status() == 503 || r.status() == 200, "{}", r.status());
    if r.status() == 503 {
        assert!(r.headers().contains_key("retry-after"));
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "service_unavailable");
    }
    let started = Instant::now();
    let r = http
        .get(format!("{}/readyz", server.base))
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(r.status() == 503 || r.status() == 200);
    // The server starts PostgreSQL again and requests work without restarting `serve`.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = http.get(&areas).bearer_auth(&token).send().await.unwrap();
        if r.status() == 200 {
            break;
        }
        assert!(r.status() == 503, "while down only 503, got {}", r.status());
        assert!(Instant::now() < deadline, "no recovery within 30 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!("recovered {:?} after the kill", started.elapsed());
    let now = postmaster_pid(&data).expect("a postmaster again");
    assert_ne!(now, killed, "a new postmaster serves");
    let ready = http
        .get(format!("{}/readyz", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    tokio::task::spawn_blocking(move || server.stop())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn operator_commands_against_database_url() {
    let tdb = TestDatabase::create().await;
    let url = tdb.url();
    let dir = data_dir();
    let cmd = |args: &[&str]| {
        let mut c = wisdomos(dir.path());
        c.env("DATABASE_URL", &url)
            .env(
                "WISDOMOS_DB_ROLE_PASSWORD",
                wisdomos_db::testing::TEST_ROLE_PASSWORD,
            )
            .args(args);
        c
    };
    let (ok, _, err) = run(
        cmd(&[
            "user",
            "create",
            "--email",
            "Op@Example.org",
            "--first-name",
            "Op",
        ]),
        Some("short\n"),
    );
    assert!(!ok && err.contains("at least 8"), "{err}");
    let (ok, out, err) = run(
        cmd(&[
            "user",
            "create",
            "--email",
            "Op@Example.org",
            "--first-name",
            "Op",
        ]),
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(ok, "{err}");
    assert!(out.contains("op@example.org"));
    // Platform operators are made here only, and the grant is audited.
    let (ok, out, err) = run(cmd(&["admin", "grant", "OP@example.org"]), None);
    assert!(
        ok && out.contains("is now a platform operator"),
        "{out}{err}"
    );
    let (ok, _, err) = run(cmd(&["admin", "grant", "nobody@example.org"]), None);
    assert!(!ok && err.contains("no user has this e-mail"), "{err}");
    let admins: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.users WHERE platform_admin AND email = 'op@example.org'",
    )
    .fetch_one(tdb.db.owner())
    .await
    .unwrap();
    assert_eq!(admins, 1);
    let (ok, out, err) = run(cmd(&["admin", "revoke", "op@example.org"]), None);
    assert!(ok && out.contains("no longer"), "{out}{err}");
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.audit_events WHERE event_type LIKE 'platform_admin.%'",
    )
    .fetch_one(tdb.db.owner())
    .await
    .unwrap();
    assert_eq!(audited, 2);
    let (ok, out, err) = run(
        cmd(&[
            "tenant",
            "create",
            "--name",
            "Practice One",
            "--owner",
            "op@example.org",
            "--timezone",
            "Asia/Kolkata",
        ]),
        None,
    );
    assert!(ok, "{err}");
    assert!(out.contains("practice-one"), "{out}");
    let (ok, _, err) = run(
        cmd(&[
            "tenant",
            "create",
            "--name",
            "X",
            "--owner",
            "op@example.org",
            "--timezone",
            "Nowhere",
        ]),
        None,
    );
    assert!(!ok && err.contains("timezone"), "{err}");
    let (ok, _, err) = run(cmd(&["tenant", "suspend", "practice-one"]), None);
    assert!(ok, "{err}");
    let (_, out, _) = run(cmd(&["tenant", "list"]), None);
    assert!(out.contains("SUSPENDED"), "{out}");
    let (ok, _, err) = run(cmd(&["tenant", "resume", "practice-one"]), None);
    assert!(ok, "{err}");
    let (ok, out, err) = run(cmd(&["migrate", "--jobs", "2"]), None);
    assert!(ok, "{err}");
    assert!(out.contains("0 behind"), "{out}");
    audit_verify_catches_edits_and_deletions(&cmd, &url).await;
    let (ok, _, err) = run(
        cmd(&["tenant", "delete", "practice-one", "--confirm", "wrong"]),
        None,
    );
    assert!(!ok && err.contains("confirm"), "{err}");
    let (ok, _, err) = run(
        cmd(&[
            "tenant",
            "delete",
            "practice-one",
            "--confirm",
            "practice-one",
        ]),
        None,
    );
    assert!(ok, "{err}");
    let (_, out, _) = run(cmd(&["tenant", "list"]), None);
    assert!(out.contains("DELETED"), "{out}");
}

/// `wisdomos audit verify` on a sound log, then after a superuser edits, deletes and cuts rows
/// off a tenant's chain (each found and named); the edit undone, the log is sound again.
async fn audit_verify_catches_edits_and_deletions(cmd: &dyn Fn(&[&str]) -> Command, url: &str) {
    let (ok, out, err) = run(cmd(&["audit", "verify"]), None);
    assert!(ok && out.contains("; 0 broken"), "{out}{err}");
    let su = sqlx::PgPool::connect(url).await.unwrap();
    let tenant: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM platform.tenants WHERE slug = 'practice-one'")
            .fetch_one(&su)
            .await
            .unwrap();
    let rows: i64 =
        sqlx::query_scalar("SELECT count(*) FROM platform.audit_events WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_one(&su)
            .await
            .unwrap();
    assert!(rows >= 3, "tenant.created and two status changes: {rows}");
    let original: Value = sqlx::query_scalar(
        "SELECT metadata FROM platform.audit_events WHERE tenant_id = $1 AND seq = 2",
    )
    .bind(tenant)
    .fetch_one(&su)
    .await
    .unwrap();
    let set = |m: Value| {
        sqlx::query(
            "UPDATE platform.audit_events SET metadata = $2 WHERE tenant_id = $1 AND seq = 2",
        )
        .bind(tenant)
        .bind(m)
    };
    set(json!({"via": "someone else"}))
        .execute(&su)
        .await
        .unwrap();
    let (ok, out, _) = run(cmd(&["audit", "verify", "--tenant", "practice-one"]), None);
    assert!(!ok && out.contains("edited rows (seq): [2]"), "{out}");
    set(original).execute(&su).await.unwrap();
    let (ok, out, err) = run(cmd(&["audit", "verify", "--tenant", "practice-one"]), None);
    assert!(ok && out.contains("head: seq"), "{out}{err}");
    sqlx::query("DELETE FROM platform.audit_events WHERE tenant_id = $1 AND seq = 1")
        .bind(tenant)
        .execute(&su)
        .await
        .unwrap();
    let (ok, out, _) = run(cmd(&["audit", "verify"]), None);
    assert!(
        !ok && out.contains("broken links before rows (seq): [2]") && out.contains("1 broken"),
        "{out}"
    );
    sqlx::query("DELETE FROM platform.audit_events WHERE tenant_id = $1 AND seq = $2")
        .bind(tenant)
        .bind(rows)
        .execute(&su)
        .await
        .unwrap();
    let (ok, out, _) = run(cmd(&["audit", "verify", "--tenant", "practice-one"]), None);
    assert!(!ok && out.contains("rows cut off the end"), "{out}");
    su.close().await;
}

#[test]
fn a_missing_postgresql_is_one_clear_error() {
    let dir = data_dir();
    let mut c = wisdomos(dir.path());
    c.env("WISDOMOS_PG_BIN", dir.path().join("no-such-dir"))
        .args(["user", "list"]);
    let (ok, _, err) = run(c, None);
    assert!(!ok);
    assert!(
        err.contains("does not contain initdb, pg_ctl and postgres"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[tokio::test]
async fn a_config_file_fills_in_what_the_environment_leaves_unset() {
    let tdb = TestDatabase::create().await;
    let dir = data_dir();
    let file = dir.path().join("wisdomos.toml");
    let write = |text: &str, mode: u32| {
        std::fs::write(&file, text).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    let with_file = |args: &[&str]| {
        let mut c = wisdomos(dir.path());
        c.arg("--config").arg(&file).args(args);
        c
    };
    write(
        &format!(
            "database_url = \"{}\"\ndb_role_password = \"{}\"\ndb_max_connections = 3\n",
            tdb.url(),
            wisdomos_db::testing::TEST_ROLE_PASSWORD
        ),
        0o600,
    );
    // No DATABASE_URL in the environment: the file's database is the one written to.
    let (ok, out, err) = run(
        with_file(&["user", "create", "--email", "file@example.org"]),
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(ok, "{err}");
    assert!(out.contains("file@example.org"), "{out}");
    assert!(
        !err.contains("warning"),
        "no warning for a private file: {err}"
    );
    assert!(
        wisdomos_db::users::find_by_email(tdb.db.app(), "file@example.org")
            .await
            .unwrap()
            .is_some(),
        "the user is in the file's database"
    );
    // The environment wins over the file.
    let mut c = with_file(&["tenant", "list"]);
    c.env("WISDOMOS_DB_MAX_CONNECTIONS", "many");
    let (ok, _, err) = run(c, None);
    assert!(
        !ok && err.contains("WISDOMOS_DB_MAX_CONNECTIONS=many"),
        "{err}"
    );
    // A secret in a file others may read is worth a warning.
    write(
        &format!(
            "database_url = \"{}\"\ndb_role_password = \"{}\"\n",
            tdb.url(),
            wisdomos_db::testing::TEST_ROLE_PASSWORD
        ),
        0o644,
    );
    let (ok, _, err) = run(with_file(&["tenant", "list"]), None);
    assert!(ok && err.contains("readable by other users"), "{err}");
    // Unknown keys and wrong types are refused, naming the key and the file.
    write("listn = \"127.0.0.1:9\"\n", 0o600);
    let (ok, _, err) = run(with_file(&["openapi"]), None);
    assert!(
        !ok && err.contains("listn") && err.contains("wisdomos.toml"),
        "{err}"
    );
    write("db_max_connections = \"ten\"\n", 0o600);
    let (ok, _, err) = run(with_file(&["openapi"]), None);
    assert!(!ok && err.contains("db_max_connections"), "{err}");
}

/// Counts rows of a tenant table with the owner role inside the tenant's setting.
async fn tenant_count(tdb: &TestDatabase, slug: &str, table: &str) -> i64 {
    let t = wisdomos_db::tenants::find(tdb.db.owner(), slug)
        .await
        .unwrap();
    let mut tx = tdb.db.owner().begin().await.unwrap();
    sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
        .bind(t.id.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query_scalar(&format!("SELECT count(*) FROM {}.{table}", t.schema_name))
        .fetch_one(&mut *tx)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_builds_a_lived_in_year_and_import_reads_files() {
    let tdb = TestDatabase::create().await;
    let url = tdb.url();
    let dir = data_dir();
    let cmd = |args: &[&str]| {
        let mut c = wisdomos(dir.path());
        c.env("DATABASE_URL", &url)
            .env(
                "WISDOMOS_DB_ROLE_PASSWORD",
                wisdomos_db::testing::TEST_ROLE_PASSWORD,
            )
            .args(args);
        c
    };
    let (ok, out, err) = run(cmd(&["demo"]), None);
    assert!(ok, "{err}");
    assert!(
        out.contains("demo@wisdomos.local") && out.contains("password:"),
        "{out}"
    );
    let password = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("password: "))
        .unwrap()
        .trim()
        .to_owned();
    let slug = "a-year-in-review";
    assert!(tenant_count(&tdb, slug, "events").await >= 150);
    let areas_with_events: i64 = {
        let t = wisdomos_db::tenants::find(tdb.db.owner(), slug)
            .await
            .unwrap();
        let mut tx = tdb.db.owner().begin().await.unwrap();
        sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
            .bind(t.id.to_string())
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query_scalar(&format!(
            "SELECT count(DISTINCT life_area_id) FROM {}.events",
            t.schema_name
        ))
        .fetch_one(&mut *tx)
        .await
        .unwrap()
    };
    assert_eq!(areas_with_events, 30);
    assert!(tenant_count(&tdb, slug, "commitments").await >= 5);
    assert!(tenant_count(&tdb, slug, "boundary_violations").await >= 5);
    assert!(tenant_count(&tdb, slug, "metric_snapshots").await >= 30 * 52);
    assert!(
        tenant_count(&tdb, slug, "insights").await >= 5,
        "the demo's insights and at least one detected pattern"
    );
    // The coaching practice beside it: its documents read in, its assistant configured.
    assert!(out.contains("Northstar Coaching"), "{out}");
    let practice = "northstar-coaching";
    assert_eq!(tenant_count(&tdb, practice, "knowledge_documents").await, 4);
    assert!(tenant_count(&tdb, practice, "knowledge_chunks").await >= 4);
    assert_eq!(tenant_count(&tdb, practice, "assistant_profiles").await, 1);
    let (ok, _, err) = run(cmd(&["demo"]), None);
    assert!(!ok && err.contains("already has an account"), "{err}");

    // The printed password signs in.
    let hasher = wisdomos_server::auth::password::PasswordHasher::new(1)
        .await
        .unwrap();
    let user = wisdomos_db::users::find_by_email(tdb.db.app(), "demo@wisdomos.local")
        .await
        .unwrap()
        .unwrap();
    assert!(hasher
        .verify(&password, Some(&user.password_hash))
        .await
        .unwrap());

    // Import a Daylio file into the demo workspace: dry run, then for real.
    let file = dir.path().join("daylio.csv");
    std::fs::write(&file, "full_date,date,weekday,time,mood,activities,note_title,note\n2026-01-05,January 5,Monday,8:30 pm,rad,friends,,Board games\n2026-01-06,x,y,25:99,good,,,\n").unwrap();
    let before = tenant_count(&tdb, slug, "events").await;
    let (ok, out, err) = run(
        cmd(&[
            "import",
            "events",
            "--tenant",
            slug,
            file.to_str().unwrap(),
            "--dry-run",
        ]),
        None,
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("dry run of daylio: 2 rows, 1 accepted, 1 rejected"),
        "{out}"
    );
    assert!(err.contains("row 2: time"), "{err}");
    assert_eq!(tenant_count(&tdb, slug, "events").await, before);
    let (ok, _, err) = run(
        cmd(&[
            "import",
            "events",
            "--tenant",
            slug,
            file.to_str().unwrap(),
            "--strict",
        ]),
        None,
    );
    assert!(!ok && err.contains("nothing was imported"), "{err}");
    let (ok, out, err) = run(
        cmd(&["import", "events", "--tenant", slug, file.to_str().unwrap()]),
        None,
    );
    assert!(ok, "{err}");
    assert!(out.starts_with("imported daylio"), "{out}");
    assert_eq!(tenant_count(&tdb, slug, "events").await, before + 1);
    let bad = dir.path().join("bad.bin");
    std::fs::write(&bad, [0xff, 0x00, 0xfe]).unwrap();
    let (ok, _, err) = run(
        cmd(&["import", "events", "--tenant", slug, bad.to_str().unwrap()]),
        None,
    );
    assert!(!ok && err.contains("UTF-8"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_killed_mid_job_has_its_job_finished_by_another() {
    let tdb = TestDatabase::create().await;
    let user = wisdomos_db::users::NewUser {
        email: "w@example.org",
        password_hash: "x",
        first_name: None,
        last_name: None,
    };
    let new = wisdomos_db::provision::NewTenant {
        name: "W",
        slug: None,
        timezone: "UTC",
    };
    let (_, tenant) = wisdomos_db::provision::register(&tdb.db, &user, &new, chrono::Utc::now())
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let job = wisdomos_db::jobs::NewJob::new("noop", json!({ "sleepMs": 3000 }), now);
    let id = wisdomos_db::jobs::enqueue_for(tdb.db.worker(), tenant.id, &job, now)
        .await
        .unwrap()
        .unwrap();
    let dir = data_dir();
    let worker = |name: &str| {
        let mut c = wisdomos(dir.path());
        c.env("DATABASE_URL", tdb.url())
            .env(
                "WISDOMOS_DB_ROLE_PASSWORD",
                wisdomos_db::testing::TEST_ROLE_PASSWORD,
            )
            .args(["jobs", "work", "--concurrency", "1", "--lease-secs", "3"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = c.spawn().unwrap();
        eprintln!("started worker {name} (pid {})", child.id());
        child
    };
    let status = |id: uuid::Uuid| {
        let pool = tdb.db.worker().clone();
        async move {
            sqlx::query_as::<_, (String, i32)>(
                "SELECT status, attempts FROM platform.jobs WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let mut a = worker("A");
    let deadline = Instant::now() + Duration::from_secs(30);
    while status(id).await.0 != "processing" {
        assert!(Instant::now() < deadline, "worker A never claimed the job");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(Command::new("kill")
        .args(["-KILL", &a.id().to_string()])
        .status()
        .unwrap()
        .success());
    let _ = a.wait();
    let killed_at = Instant::now();
    let mut b = worker("B");
    while status(id).await.0 != "completed" {
        assert!(
            killed_at.elapsed() < Duration::from_secs(60),
            "the job was not finished within 60 s of the kill"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let took = killed_at.elapsed();
    let (s, attempts) = status(id).await;
    let _ = b.kill();
    let _ = b.wait();
    println!("killed worker's job completed by another worker {took:?} after the kill");
    assert_eq!(
        (s.as_str(), attempts),
        ("completed", 2),
        "claimed twice, completed once"
    );
}

/// A lone `serve` (no `jobs work` anywhere) runs the scheduler: on start it catches up the
/// occurrences missed while it was down — three days of snapshots, pattern detections and score
/// refreshes — and enqueues them for the workspace.
#[tokio::test(flavor = "multi_thread")]
async fn a_lone_serve_schedules_and_catches_up_recurring_jobs() {
    let tdb = TestDatabase::create().await;
    let now = chrono::Utc::now();
    let user = wisdomos_db::users::NewUser {
        email: "s@example.org",
        password_hash: "x",
        first_name: None,
        last_name: None,
    };
    let new = wisdomos_db::provision::NewTenant {
        name: "S",
        slug: None,
        timezone: "UTC",
    };
    let (_, tenant) = wisdomos_db::provision::register(&tdb.db, &user, &new, now)
        .await
        .unwrap();
    // The server was last up three days ago.
    let down_since = now - chrono::Duration::days(3);
    wisdomos_db::scheduler::set_checked_until(
        tdb.db.worker(),
        wisdomos_jobs::scheduler::SCHEDULE,
        down_since,
    )
    .await
    .unwrap();
    let dir = data_dir();
    let server = tokio::task::spawn_blocking({
        let url = tdb.url();
        let data = dir.path().to_path_buf();
        move || {
            let mut c = wisdomos(&data);
            c.env("DATABASE_URL", url).env(
                "WISDOMOS_DB_ROLE_PASSWORD",
                wisdomos_db::testing::TEST_ROLE_PASSWORD,
            );
            Server::spawn(c)
        }
    })
    .await
    .unwrap();
    let keys = || {
        let pool = tdb.db.worker().clone();
        async move {
            sqlx::query_as::<_, (String, String)>(
                "SELECT job_type, dedup_key FROM platform.jobs WHERE tenant_id = $1 AND dedup_key IS NOT NULL",
            )
            .bind(tenant.id)
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    let missed_days: Vec<String> = (1..=3)
        .map(|d| (now - chrono::Duration::days(d)).date_naive().to_string())
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    let jobs = loop {
        let jobs = keys().await;
        let has = |t: &str| jobs.iter().any(|(jt, _)| jt == t);
        let snapshots: Vec<&str> = jobs
            .iter()
            .filter(|(t, _)| t == "snapshots.record")
            .map(|(_, k)| k.as_str())
            .collect();
        let caught_up = missed_days
            .iter()
            .filter(|d| snapshots.contains(&format!("snapshot:{d}").as_str()))
            .count()
            >= 2;
        if has("snapshots.record") && has("insights.detect") && has("scores.refresh") && caught_up {
            break jobs;
        }
        assert!(
            Instant::now() < deadline,
            "serve did not schedule every kind within 30 s: {jobs:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // Three days hold at least two 02:00 detections and twelve 6-hourly refreshes.
    let count = |t: &str| jobs.iter().filter(|(jt, _)| jt == t).count();
    assert!(count("insights.detect") >= 2, "{jobs:?}");
    assert!(count("scores.refresh") >= 11, "{jobs:?}");
    let checked: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT checked_until FROM platform.scheduler_state WHERE name = $1")
            .bind(wisdomos_jobs::scheduler::SCHEDULE)
            .fetch_one(tdb.db.worker())
            .await
            .unwrap();
    assert!(checked >= now, "the schedule advanced to the present");
    tokio::task::spawn_blocking(move || server.stop())
        .await
        .unwrap();
}

/// `wisdomos demo --org`: an operator and an organisation whose console is lived in — at least
/// 12 participants with 2 system ones, relationships, segments, pending recommendations, an
/// applied one and interventions, all in a sound audit chain.
#[tokio::test]
async fn demo_org_fills_the_console() {
    let tdb = TestDatabase::create().await;
    let dir = data_dir();
    let mut c = wisdomos(dir.path());
    c.env("DATABASE_URL", tdb.url())
        .env(
            "WISDOMOS_DB_ROLE_PASSWORD",
            wisdomos_db::testing::TEST_ROLE_PASSWORD,
        )
        .args(["demo", "--org"]);
    let (ok, out, err) = run(c, None);
    assert!(ok, "{err}");
    assert!(
        out.contains("operator@wisdomos.local") && out.contains("password:"),
        "{out}"
    );
    let slug = "riverside-collective";
    let su = sqlx::PgPool::connect(&tdb.url()).await.unwrap();
    let schema: String =
        sqlx::query_scalar("SELECT schema_name FROM platform.tenants WHERE slug = $1")
            .bind(slug)
            .fetch_one(&su)
            .await
            .unwrap();
    let count = |sql: &str| {
        let q = sql.replace("{s}", &schema);
        let su = su.clone();
        async move {
            sqlx::query_scalar::<_, i64>(&q)
                .fetch_one(&su)
                .await
                .unwrap()
        }
    };
    assert!(count("SELECT count(*) FROM {s}.participants").await >= 12);
    assert_eq!(
        count("SELECT count(*) FROM {s}.participants WHERE is_system").await,
        2
    );
    assert!(count("SELECT count(*) FROM {s}.relationships").await >= 30);
    assert!(count("SELECT count(*) FROM {s}.segments WHERE kind = 'community'").await >= 3);
    assert!(count("SELECT count(*) FROM {s}.recommendations WHERE status = 'pending'").await >= 3);
    assert_eq!(
        count("SELECT count(*) FROM {s}.recommendations WHERE status = 'applied'").await,
        1
    );
    assert_eq!(count("SELECT count(*) FROM {s}.interventions").await, 2);
    assert_eq!(
        count("SELECT count(*) FROM platform.shares WHERE granted_at IS NOT NULL AND revoked_at IS NULL").await,
        1,
        "a client shares their own workspace"
    );
    let mut v = wisdomos(dir.path());
    v.env("DATABASE_URL", tdb.url())
        .env(
            "WISDOMOS_DB_ROLE_PASSWORD",
            wisdomos_db::testing::TEST_ROLE_PASSWORD,
        )
        .args(["audit", "verify", "--tenant", slug]);
    let (ok, out, err) = run(v, None);
    assert!(ok && out.contains("; 0 broken"), "{out}{err}");
}
