//! Running the assistant for a request, shared by the JSON API and the web UI (like
//! `importing`): the workspace's name, time zone and plan limit, and the answer as one value or
//! as server-sent events (`delta` events `{"text"}` while it is written, then `done` with the
//! caller's view of the reply, or `error` with `{code, status, message}`).

use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use tokio::sync::{mpsc, oneshot};
use wisdomos_app::oracle::{self, Ask, Reply, Workspace};
use wisdomos_db::conversations::Party;
use wisdomos_db::tenants::Tenant;
use wisdomos_db::TenantScope;

use crate::{ApiError, AppState};

/// The workspace an answer is for.
pub struct Target {
    pub scope: TenantScope,
    pub name: String,
    pub tz: chrono_tz::Tz,
    /// Conversations a month, `None` unlimited.
    pub limit: Option<i64>,
}

impl Target {
    /// `tenant`'s target: its plan read from the platform tables.
    pub async fn of(st: &AppState, tenant: &Tenant, scope: TenantScope) -> Result<Self, ApiError> {
        let plan = wisdomos_db::plans::get(st.db.app(), tenant.id).await?;
        Ok(Target {
            scope,
            name: tenant.name.clone(),
            tz: tenant.timezone.parse().unwrap_or(chrono_tz::UTC),
            limit: plan.conversations_per_month,
        })
    }
}

/// Runs the oracle for `party`, sending the answer's pieces to `deltas` when given.
async fn run(
    st: &AppState,
    t: &Target,
    party: &Party,
    ask: &Ask,
    deltas: Option<mpsc::Sender<String>>,
) -> Result<Reply, ApiError> {
    let ws = Workspace {
        db: &st.db,
        scope: &t.scope,
        name: &t.name,
        tz: t.tz,
        conversations_per_month: t.limit,
    };
    let r = oracle::ask(
        &ws,
        party,
        ask,
        &st.config.knowledge,
        &st.config.assistant,
        deltas,
        st.clock.now(),
    )
    .await?;
    Ok(r)
}

/// Answers `ask` for `party` whole.
pub async fn once(st: &AppState, t: &Target, party: &Party, ask: &Ask) -> Result<Reply, ApiError> {
    run(st, t, party, ask, None).await
}

/// Answers `ask` for `party` as server-sent events; `done` carries `view(reply, limit)`.
pub fn streamed<V>(st: AppState, t: Target, party: Party, ask: Ask, view: V) -> Response
where
    V: FnOnce(Reply, Option<i64>) -> serde_json::Value + Send + 'static,
{
    let (dtx, drx) = mpsc::channel::<String>(64);
    let (done_tx, done_rx) = oneshot::channel();
    tokio::spawn(async move {
        let r = run(&st, &t, &party, &ask, Some(dtx)).await;
        let _ = done_tx.send(r.map(|r| view(r, t.limit)));
    });
    Sse::new(events(drx, done_rx)).into_response()
}

type Done = oneshot::Receiver<Result<serde_json::Value, ApiError>>;

fn events(
    drx: mpsc::Receiver<String>,
    done: Done,
) -> impl Stream<Item = Result<Event, std::convert::Infallible>> {
    futures::stream::unfold((drx, Some(done)), |(mut drx, done)| async move {
        if let Some(text) = drx.recv().await {
            let ev = Event::default()
                .event("delta")
                .json_data(serde_json::json!({ "text": text }));
            return Some((Ok(ev.unwrap_or_default()), (drx, done)));
        }
        let ev = match done?.await.ok()? {
            Ok(v) => Event::default().event("done").json_data(v),
            Err(e) => {
                let (status, code) = e.status_and_code();
                Event::default()
                    .event("error")
                    .json_data(serde_json::json!({
                        "code": code, "status": status.as_u16(), "message": e.public_message()
                    }))
            }
        };
        Some((Ok(ev.unwrap_or_default()), (drx, None)))
    })
}
