//! A real server on a random port over a throw-away database, and a small client.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod browser;

use std::sync::Arc;

use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use wisdomos_db::testing::TestDatabase;
use wisdomos_server::clock::ManualClock;
use wisdomos_server::{AppState, ServerConfig};

pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";
pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub tdb: TestDatabase,
    pub clock: Arc<ManualClock>,
}

/// The MiniLM engine, loaded once per test binary (the model is fetched once per machine).
fn semantic_engine() -> wisdomos_engine::Engine {
    static ENGINE: std::sync::OnceLock<wisdomos_engine::Engine> = std::sync::OnceLock::new();
    ENGINE
        .get_or_init(|| {
            wisdomos_engine::Engine::load_minilm(&wisdomos_engine::testing::model_dir(), 2).unwrap()
        })
        .clone()
}

/// Serves `state` on a random loopback port; returns its base URL.
async fn serve_state(state: AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(wisdomos_server::serve(
        listener,
        wisdomos_server::app(state),
        std::future::pending(),
    ));
    base
}

/// A signed-in user and their first tenant.
#[derive(Debug, Clone)]
pub struct Account {
    pub email: String,
    pub user_id: String,
    pub tenant_id: String,
    pub slug: String,
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// A server whose semantic engine has the MiniLM model (fetched once per machine, loaded
    /// once per test binary).
    pub async fn spawn_semantic() -> Self {
        let engine = semantic_engine();
        Self::spawn_with(move |c| {
            c.knowledge = wisdomos_app::knowledge::KnowledgeEngine::new(engine, 64 << 20)
        })
        .await
    }

    /// A second server on this one's database, with the semantic model; returns its base URL
    /// (tokens of this server work there).
    pub async fn semantic_beside(&self) -> String {
        let mut config = ServerConfig::new(SECRET.to_vec());
        config.knowledge =
            wisdomos_app::knowledge::KnowledgeEngine::new(semantic_engine(), 64 << 20);
        serve_state(
            AppState::new(self.tdb.db.clone(), config, self.clock.clone())
                .await
                .unwrap(),
        )
        .await
    }

    /// Adds a knowledge document (`body` as `POST /knowledge/documents` takes it) and, when it
    /// is new (202), runs the workspace's jobs so that it is read in; answers the status of the
    /// add and the document as it is afterwards.
    #[allow(dead_code)]
    pub async fn add_knowledge(&self, a: &Account, body: Value) -> (StatusCode, Value) {
        let (s, d) = self
            .post("/api/v1/knowledge/documents", Some(&a.access), body)
            .await;
        if s != StatusCode::ACCEPTED {
            return (s, d);
        }
        assert_eq!(d["status"], "processing", "{d}");
        let (ps, p) = self
            .post(
                "/api/v1/jobs/process",
                Some(&a.access),
                serde_json::json!({}),
            )
            .await;
        assert_eq!(ps, StatusCode::OK, "{p}");
        let id = d["id"].as_str().unwrap();
        let (_, d) = self
            .get(&format!("/api/v1/knowledge/documents/{id}"), &a.access)
            .await;
        (s, d)
    }

    /// POSTs a multipart form (`parts`: name, file name, content type, bytes) with a bearer
    /// token; returns status and JSON.
    #[allow(dead_code)]
    pub async fn post_form(
        &self,
        path: &str,
        token: &str,
        parts: &[Part<'_>],
    ) -> (StatusCode, Value) {
        let (content_type, body) = multipart(parts);
        let resp = self
            .client
            .post(format!("{}{}", self.base, path))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn spawn_with(tweak: impl FnOnce(&mut ServerConfig)) -> Self {
        Self::spawn_on(TestDatabase::create().await, tweak).await
    }

    /// A server whose database pools are set up by `tweak` (e.g. a short acquire timeout).
    pub async fn spawn_with_db(tweak: impl FnOnce(&mut wisdomos_db::DbConfig)) -> Self {
        Self::spawn_on(TestDatabase::create_with(tweak).await, |_| {}).await
    }

    async fn spawn_on(tdb: TestDatabase, tweak: impl FnOnce(&mut ServerConfig)) -> Self {
        let mut config = ServerConfig::new(SECRET.to_vec());
        config.auth_rate_burst = 10_000;
        config.auth_rate_period_ms = 1;
        tweak(&mut config);
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let state = AppState::new(tdb.db.clone(), config, clock.clone())
            .await
            .unwrap();
        let base = serve_state(state).await;
        Self {
            base,
            client: reqwest::Client::new(),
            tdb,
            clock,
        }
    }

    /// Sends `body` (JSON when given) with an optional bearer token; returns status and JSON
    /// (Null for an empty body).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (
            status,
            if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap_or(Value::String(text))
            },
        )
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn register(&self, email: &str) -> Account {
        let (s, v) = self
            .post("/api/v1/auth/register", None, json!({ "email": email, "password": PASSWORD, "workspaceName": format!("Space of {email}") }))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        account(email, &v)
    }

    pub async fn login(&self, email: &str, tenant_id: Option<&str>) -> Account {
        let mut body = json!({ "email": email, "password": PASSWORD });
        if let Some(t) = tenant_id {
            body["tenantId"] = json!(t);
        }
        let (s, v) = self.post("/api/v1/auth/login", None, body).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        account(email, &v)
    }

    /// Registers `email` and makes them a platform operator (as `wisdomos admin grant` does).
    pub async fn operator(&self, email: &str) -> Account {
        let a = self.register(email).await;
        wisdomos_app::platform::set_platform_admin(&self.tdb.db, email, true, Utc::now())
            .await
            .unwrap();
        a
    }

    /// As platform operator `op`, changes workspace `tenant`'s plan with `body`; the workspace
    /// as operators see it.
    pub async fn set_plan(&self, op: &Account, tenant: &str, body: Value) -> Value {
        let (s, v) = self
            .call(
                Method::PUT,
                &format!("/api/admin/tenants/{tenant}"),
                Some(&op.access),
                Some(body),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.tdb.db.owner())
            .await
            .unwrap()
    }

    /// Audit rows of `event_type`, every tenant.
    pub async fn audited(&self, event_type: &str) -> i64 {
        self.count(&format!(
            "SELECT count(*) FROM platform.audit_events WHERE event_type = '{event_type}'"
        ))
        .await
    }

    /// Relates two participants of `a`'s organisation as peers (201 asserted).
    pub async fn relate(&self, a: &Account, from: &str, to: &str, confidence: f64) -> Value {
        let (s, v) = self
            .post(
                &format!("/api/v1/orgs/{}/relationships", a.tenant_id),
                Some(&a.access),
                json!({"fromParticipantId": from, "toParticipantId": to, "type": "peer", "confidenceScore": confidence}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v
    }
}

pub fn account(email: &str, v: &Value) -> Account {
    Account {
        email: email.to_owned(),
        user_id: v["user"]["id"].as_str().unwrap().to_owned(),
        tenant_id: v["tenant"]["id"].as_str().unwrap().to_owned(),
        slug: v["tenant"]["slug"].as_str().unwrap().to_owned(),
        access: v["tokens"]["accessToken"].as_str().unwrap().to_owned(),
        refresh: v["tokens"]["refreshToken"].as_str().unwrap().to_owned(),
    }
}

pub fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

/// The fields a validation error names, in order.
#[allow(dead_code)]
pub fn fields(v: &Value) -> Vec<&str> {
    v["error"]["details"]["fields"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["field"].as_str()).collect())
        .unwrap_or_default()
}

/// A part of a multipart form: name, file name, content type, bytes.
pub type Part<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

/// A `multipart/form-data` body (RFC 7578) of `parts`, and its content type.
#[allow(dead_code)]
pub fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "wisdomos-test-boundary-7f3a";
    let mut body = Vec::new();
    for (name, filename, content_type, bytes) in parts {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes(),
        );
        if let Some(f) = filename {
            body.extend_from_slice(format!("; filename=\"{f}\"").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        if let Some(t) = content_type {
            body.extend_from_slice(format!("Content-Type: {t}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
