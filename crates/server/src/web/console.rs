//! The operator console's overview (seed 003, issue 14): the relationship graph drawn with
//! Cytoscape.js (embedded; pan, zoom, select; coloured by community segment, sized by degree)
//! with a table of the same participants for keyboards and screen readers, the segments, and
//! the recommendations queue with accept, dismiss and apply. Every read is audited by the use
//! cases it calls, as for the API.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;
use wisdomos_app::graph::GraphQuery;
use wisdomos_app::recommendations::Decision;
use wisdomos_core::role::Permission;
use wisdomos_db::recommendations::Filter;

use super::error::{render, WebError};
use super::session::{CsrfForm, Nav, NoFields, Web};
use super::{console_log, console_participant, flash, view};
use crate::extract::{ManageConsole, Read};
use crate::AppState;

/// The console's pages, actions and scripts.
pub fn routes() -> Router<AppState> {
    let cytoscape = super::asset(
        include_str!("../../assets/vendor/cytoscape.min.js"),
        "text/javascript; charset=utf-8",
    );
    let script = super::asset(
        include_str!("../../assets/console.js"),
        "text/javascript; charset=utf-8",
    );
    Router::new()
        .route("/console", get(page))
        .route("/console/recommendations/{id}/{decision}", post(decide))
        .route("/console/participants/{id}", get(console_participant::page))
        .route(
            "/console/participants/{id}/intervene",
            post(console_participant::intervene),
        )
        .route(
            "/console/participants/{id}/share-invitation",
            post(console_participant::invite),
        )
        .route("/console/interventions", get(console_log::interventions))
        .route(
            "/console/interventions/{id}/reverse",
            post(console_log::reverse),
        )
        .route("/console/audit", get(console_log::audit))
        .route(
            "/assets/vendor/cytoscape.min.js",
            get(move || async move { cytoscape }),
        )
        .route("/assets/console.js", get(move || async move { script }))
}

/// Okabe & Ito's colour-blind-safe palette ("Color Universal Design", 2008), for communities
/// in the order the segments list them; grey for none.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];
/// Nodes outside any community segment.
pub const NO_COMMUNITY: &str = "#999999";

/// A segment as listed.
pub struct SegmentRow {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub size: usize,
    /// Its colour on the graph (communities only).
    pub colour: String,
}

/// A participant row of the table under the graph.
pub struct NodeRow {
    pub id: Uuid,
    pub name: String,
    pub segment: String,
    pub state: String,
    pub stage: String,
    pub degree: usize,
}

/// A recommendation in the queue.
pub struct RecRow {
    pub id: Uuid,
    pub action: String,
    pub reason: String,
    pub confidence: String,
    pub status: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "console.html")]
struct ConsolePage {
    nav: Option<Nav>,
    can_manage: bool,
    graph_json: String,
    nodes: Vec<NodeRow>,
    total: usize,
    next: String,
    segment: String,
    segments: Vec<SegmentRow>,
    recommendations: Vec<RecRow>,
}

/// Query of `GET /console`.
#[derive(Debug, Default, Deserialize)]
pub struct ConsoleQuery {
    #[serde(default)]
    pub segment: String,
    #[serde(default)]
    pub after: String,
}

/// `GET /console`.
pub async fn page(
    State(st): State<AppState>,
    web: Web<Read>,
    Query(q): Query<ConsoleQuery>,
) -> Result<Response, WebError> {
    let now = st.clock.now();
    let segment = view::filled(&q.segment)
        .map(|s| view::parse_id(&s))
        .transpose()?;
    let after = view::filled(&q.after)
        .map(|s| view::parse_id(&s))
        .transpose()?;
    let mut tx = web.begin(&st).await?;
    let segs = wisdomos_app::segments::view(
        &mut tx,
        web.ctx
            .audit_event("segments.viewed", serde_json::Value::Null),
        now,
    )
    .await?;
    let graph = wisdomos_app::graph::view(
        &mut tx,
        &GraphQuery {
            segment,
            after,
            ..GraphQuery::default()
        },
        web.ctx.audit_event("graph.viewed", serde_json::Value::Null),
        now,
    )
    .await?;
    let recs = wisdomos_app::recommendations::view(
        &mut tx,
        &Filter {
            status: Some("pending".into()),
            ..Filter::default()
        },
        None,
        20,
        web.ctx
            .audit_event("recommendations.viewed", serde_json::Value::Null),
        now,
    )
    .await?;
    tx.commit().await?;

    let mut segments = Vec::new();
    let mut colour_of = std::collections::HashMap::new();
    let mut name_of = std::collections::HashMap::new();
    for (i, s) in segs.iter().filter(|s| s.kind == "community").enumerate() {
        let colour = PALETTE[i % PALETTE.len()].to_owned();
        colour_of.insert(s.id, colour);
        name_of.insert(s.id, s.name.clone());
    }
    for s in &segs {
        segments.push(SegmentRow {
            id: s.id,
            kind: s.kind.clone(),
            name: view::words(&s.name),
            size: s.participant_ids.len(),
            colour: colour_of.get(&s.id).cloned().unwrap_or_default(),
        });
    }
    let mut elements = Vec::new();
    let mut nodes = Vec::new();
    for n in &graph.nodes {
        let p = &n.participant;
        let colour = n
            .community
            .and_then(|c| colour_of.get(&c).cloned())
            .unwrap_or_else(|| NO_COMMUNITY.to_owned());
        let segment = n
            .community
            .and_then(|c| name_of.get(&c).cloned())
            .unwrap_or_default();
        elements.push(json!({ "group": "nodes", "data": {
            "id": p.id, "label": p.display_name, "colour": colour, "degree": n.degree,
            "segment": segment, "state": p.engagement_state, "stage": p.lifecycle_stage,
            "size": 14.0 + 6.0 * (n.degree as f64).sqrt(),
        }}));
        nodes.push(NodeRow {
            id: p.id,
            name: p.display_name.clone(),
            segment,
            state: p.engagement_state.clone(),
            stage: p.lifecycle_stage.clone(),
            degree: n.degree,
        });
    }
    nodes.sort_by_key(|n| n.name.to_lowercase());
    for e in &graph.edges {
        elements.push(json!({ "group": "edges", "data": {
            "id": e.id, "source": e.from_participant_id, "target": e.to_participant_id,
            "type": e.kind, "weight": 1.0 + 3.0 * f64::from(e.confidence_score),
        }}));
    }
    // Inside <script type="application/json">: no `<` may end the element early.
    let graph_json = serde_json::Value::Array(elements)
        .to_string()
        .replace('<', "\\u003c");
    let can_manage = web.ctx.role.can(Permission::ManageConsole);
    render(&ConsolePage {
        can_manage,
        graph_json,
        nodes,
        total: graph.total,
        next: graph.next.map(|n| n.to_string()).unwrap_or_default(),
        segment: segment.map(|s| s.to_string()).unwrap_or_default(),
        segments,
        recommendations: recs.items.into_iter().map(rec_row).collect(),
        nav: Some(web.nav),
    })
}

/// A recommendation as the queue shows it.
pub fn rec_row(r: wisdomos_db::recommendations::Recommendation) -> RecRow {
    RecRow {
        link: if r.target_type == "participant" {
            format!("/console/participants/{}", r.target_id)
        } else {
            format!("/console?segment={}", r.target_id)
        },
        id: r.id,
        action: r.suggested_action,
        reason: r.reason,
        confidence: format!("{:.0}%", r.confidence * 100.0),
        status: r.status,
    }
}

/// Where to go back to after a form: a console path the form names, else the console.
#[derive(Debug, Default, Deserialize)]
pub struct Back {
    #[serde(default)]
    pub back: String,
}

/// `POST /console/recommendations/{id}/{accept|dismiss|apply}`.
pub async fn decide(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<ManageConsole>,
    Path((id, decision)): Path<(String, String)>,
    Query(back): Query<Back>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let (d, event, done) = match decision.as_str() {
        "accept" => (Decision::Accept, "recommendation.accepted", "Accepted"),
        "dismiss" => (Decision::Dismiss, "recommendation.dismissed", "Dismissed"),
        "apply" => (Decision::Apply, "recommendation.applied", "Applied"),
        _ => return Err(crate::ApiError::NotFound.into()),
    };
    let to = view::local_path(Some(&back.back), "/console");
    let mut tx = web.begin(&st).await?;
    let ev = web.ctx.audit_event(event, serde_json::Value::Null);
    match wisdomos_app::recommendations::decide(&mut tx, id, d, ev, st.clock.now()).await {
        Ok((r, iv)) => {
            tx.commit().await?;
            let made = if iv.is_some() {
                " and made its intervention (reversible from the log)"
            } else {
                ""
            };
            Ok(flash::redirect(
                &headers,
                &to,
                &format!("{done} “{}”{made}.", r.suggested_action),
            ))
        }
        Err(e) => console_log::refused(&headers, &to, e),
    }
}
