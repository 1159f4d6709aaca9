//! Importing a journal file into a tenant's events: read (core), validate each row with the
//! event rules, resolve or suggest its life area, and write every accepted row in one tenant
//! transaction, recomputing scores once at the end.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, SubsecRound, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_core::classify::{Suggestion, DEFAULT_THRESHOLD};
use wisdomos_core::event::rules;
use wisdomos_core::import::{self, Format, RawRow, ReadContext, RowError};
use wisdomos_db::audit::NewAuditEvent;
use wisdomos_db::events::{self, EventFields, EventKey};
use wisdomos_db::life_areas::{self, LifeArea, LifeAreaFilter};
use wisdomos_db::{Database, TenantScope, TenantTx};

use crate::AppError;

/// Area used for rows the classifier is not confident about, unless told otherwise.
pub const DEFAULT_AREA: &str = "personal-growth";
/// Rows listed in a report's `rejections` at most.
pub const MAX_LISTED_REJECTIONS: usize = 1000;
/// Most rows without an area classified by meaning in one import (embedding a row takes about
/// 10 ms on two cores); larger files are classified by keywords.
pub const MEANING_ROWS_MAX: usize = 2_000;

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// `None`: detect from the content.
    pub format: Option<Format>,
    /// Read, validate and report; write nothing.
    pub dry_run: bool,
    /// Refuse the whole file when any row is rejected.
    pub strict: bool,
    /// Id or slug of the area for rows the classifier is unsure about.
    pub default_area: Option<String>,
    /// Confidence under which a suggestion is not used (0–1).
    pub threshold: f64,
    /// Recorded in the import's transaction when rows are written, with the format and counts
    /// added to its metadata, so the rows and their audit row commit together.
    pub audit: Option<NewAuditEvent>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            audit: None,
            format: None,
            dry_run: false,
            strict: false,
            default_area: None,
            threshold: DEFAULT_THRESHOLD,
        }
    }
}

/// What an import did (or, dry, would do).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub format: Format,
    pub dry_run: bool,
    /// Whether rows were written (false for dry runs and refused strict imports).
    pub written: bool,
    pub total: usize,
    /// Rows that are (or, dry, would be) written.
    pub accepted: usize,
    pub rejected: usize,
    /// Valid rows skipped because the workspace already has an event with the same
    /// `occurredAt`, title and description (or an earlier row of the file does): importing the
    /// same file twice writes its events once.
    pub duplicates: usize,
    /// The first 1,000 rejected rows with the field and reason.
    pub rejections: Vec<RowError>,
    /// Rows without an area that got the classifier's suggestion.
    pub classified: usize,
    /// How those rows were classified: `meaning` (the semantic engine, for up to
    /// [`MEANING_ROWS_MAX`] rows needing an area) or `keywords`.
    pub classifier: &'static str,
    /// Rows without an area whose best suggestion was below the threshold, put in `defaultArea`.
    pub defaulted: usize,
    pub default_area: String,
    pub threshold: f64,
    /// Accepted rows per area slug.
    pub by_area: BTreeMap<String, usize>,
}

fn area_key<'a>(areas: &'a [LifeArea], key: &str) -> Option<&'a LifeArea> {
    let id = Uuid::parse_str(key).ok();
    areas.iter().find(|a| Some(a.id) == id || a.slug == key)
}

/// The workspace an import writes into.
#[derive(Debug, Clone, Copy)]
pub struct Workspace<'a> {
    pub db: &'a Database,
    pub scope: &'a TenantScope,
    /// Its time zone (for dates without one).
    pub tz: Tz,
}

/// Imports `bytes` into workspace `ws` (rows without an area classified with `ke`);
/// `progress(done, total)` is called while rows are
/// checked and written; `opts.audit` is recorded with them. Errors: 422 `invalid_file` for an unreadable file, 422
/// `import_rows_rejected` (details = the report) for a strict import with rejected rows, 422
/// naming `defaultArea` or `threshold` for bad options.
pub async fn run(
    ws: Workspace<'_>,
    bytes: &[u8],
    opts: &ImportOptions,
    ke: &crate::knowledge::KnowledgeEngine,
    now: DateTime<Utc>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ImportReport, AppError> {
    if !(0.0..=1.0).contains(&opts.threshold) {
        return Err(AppError::from(wisdomos_core::FieldError::new(
            "threshold",
            "out_of_range",
            "threshold must be from 0 to 1",
        )));
    }
    let invalid = |e: import::FileError| AppError::Unprocessable {
        code: "invalid_file",
        message: e.to_string(),
        details: serde_json::Value::Null,
    };
    let format = match opts.format {
        Some(f) => f,
        None => import::detect(bytes).map_err(invalid)?,
    };
    let Workspace { db, scope, tz } = ws;
    let rows = import::read(bytes, format, ReadContext { now, tz }).map_err(invalid)?;
    let total = rows.len();
    // Rows are embedded before the transaction, so it is not held open during inference.
    let texts: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            r.as_ref()
                .ok()
                .filter(|r| r.life_area.is_none())
                .map(row_text)
        })
        .collect();
    let vectors = if texts.len() <= MEANING_ROWS_MAX {
        crate::classify::embed_texts(&ke.engine, &texts).await
    } else {
        None
    };
    let mut tx = TenantTx::begin(db, scope).await?;
    let areas = life_areas::list(&mut tx, &LifeAreaFilter::default()).await?;
    let default_key = opts.default_area.as_deref().unwrap_or(DEFAULT_AREA);
    let default_area = area_key(&areas, default_key)
        .ok_or_else(|| {
            AppError::from(wisdomos_core::FieldError::new(
                "defaultArea",
                "unknown_life_area",
                "defaultArea names no life area of this workspace",
            ))
        })?
        .clone();
    let classifier = match vectors {
        Some(_) => crate::classify::classifier(ke, &areas).await,
        None => {
            crate::classify::AreaClassifier::Keywords(crate::classify::keyword_classifier(&areas))
        }
    };
    let mut suggested = classifier
        .suggest_embedded(&texts, vectors.as_deref(), 1)
        .into_iter()
        .map(|s| s.into_iter().next());
    let mut report = ImportReport {
        format,
        dry_run: opts.dry_run,
        written: false,
        total,
        accepted: 0,
        rejected: 0,
        duplicates: 0,
        rejections: Vec::new(),
        classified: 0,
        classifier: classifier.method(),
        defaulted: 0,
        default_area: default_area.slug.clone(),
        threshold: opts.threshold,
        by_area: BTreeMap::new(),
    };
    let mut valid: Vec<(EventFields, AreaFrom)> = Vec::with_capacity(total);
    for (i, row) in rows.into_iter().enumerate() {
        let checked = row.and_then(|r| {
            let suggestion = match r.life_area {
                None => suggested.next().flatten(),
                Some(_) => None,
            };
            check(r, &areas, suggestion, &default_area, opts.threshold, now)
        });
        match checked {
            Ok(ok) => valid.push(ok),
            Err(e) => {
                report.rejected += 1;
                if report.rejections.len() < MAX_LISTED_REJECTIONS {
                    report.rejections.push(e.printable());
                }
            }
        }
        if i % 500 == 499 {
            progress(i + 1, total * 2);
        }
    }
    // Imports of one workspace take turns from here to their commit, so two uploads of the
    // same file cannot both find its events new.
    events::lock_for_import(&mut tx).await?;
    let keys: Vec<EventKey> = valid.iter().map(|(f, _)| key(f)).collect();
    let mut seen: HashSet<EventKey> = events::existing_keys(&mut tx, &keys)
        .await?
        .into_iter()
        .collect();
    let mut accepted: Vec<EventFields> = Vec::with_capacity(valid.len());
    for ((fields, how), key) in valid.into_iter().zip(keys) {
        if !seen.insert(key) {
            report.duplicates += 1;
            continue;
        }
        match how {
            AreaFrom::File => {}
            AreaFrom::Classifier => report.classified += 1,
            AreaFrom::Default => report.defaulted += 1,
        }
        if let Some(a) = areas.iter().find(|a| a.id == fields.life_area_id) {
            *report.by_area.entry(a.slug.clone()).or_default() += 1;
        }
        accepted.push(fields);
    }
    report.accepted = accepted.len();
    progress(total, total * 2);
    if opts.strict && report.rejected > 0 {
        let details = serde_json::to_value(&report).unwrap_or_default();
        return Err(AppError::Unprocessable {
            code: "import_rows_rejected",
            message: format!(
                "{} of {} rows were rejected; nothing was imported",
                report.rejected, total
            ),
            details,
        });
    }
    if opts.dry_run || accepted.is_empty() {
        return Ok(report);
    }
    for (n, chunk) in accepted.chunks(1000).enumerate() {
        events::create_many(&mut tx, chunk, now).await?;
        progress(
            total + ((n + 1) * 1000).min(accepted.len()) * total / accepted.len().max(1),
            total * 2,
        );
    }
    life_areas::recompute_all(&mut tx, now).await?;
    if let Some(mut ev) = opts.audit.clone() {
        let mut metadata = match ev.metadata.take() {
            serde_json::Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        metadata.insert("format".into(), format.as_str().into());
        metadata.insert("accepted".into(), report.accepted.into());
        metadata.insert("rejected".into(), report.rejected.into());
        ev.metadata = serde_json::Value::Object(metadata);
        wisdomos_db::audit::record_in_tenant(&mut tx, &ev, now).await?;
    }
    tx.commit().await?;
    report.written = true;
    progress(total * 2, total * 2);
    Ok(report)
}

/// What makes two events the same for an import.
fn key(f: &EventFields) -> EventKey {
    (f.occurred_at, f.title.clone(), f.description.clone())
}

enum AreaFrom {
    File,
    Classifier,
    Default,
}

/// What the classifier reads of a row without an area.
fn row_text(r: &RawRow) -> String {
    format!(
        "{} {} {}",
        r.title,
        r.description,
        r.narrative.as_deref().unwrap_or("")
    )
}

fn check(
    r: RawRow,
    areas: &[LifeArea],
    suggestion: Option<Suggestion>,
    default_area: &LifeArea,
    threshold: f64,
    now: DateTime<Utc>,
) -> Result<(EventFields, AreaFrom), RowError> {
    let row = r.row;
    let bad = |e: wisdomos_core::FieldError| RowError {
        row,
        field: e.field,
        reason: e.message,
    };
    let (area, how) = match &r.life_area {
        Some(key) => (
            area_key(areas, key).ok_or_else(|| RowError {
                row,
                field: "lifeArea".into(),
                reason: format!("`{key}` names no life area of this workspace"),
            })?,
            AreaFrom::File,
        ),
        None => {
            match suggestion
                .filter(|s| s.confidence >= threshold)
                .and_then(|s| areas.iter().find(|a| a.slug == s.slug))
            {
                Some(a) => (a, AreaFrom::Classifier),
                None => (default_area, AreaFrom::Default),
            }
        }
    };
    let charge = rules::charge("emotionalCharge", r.emotional_charge).map_err(bad)?;
    let fields = EventFields {
        life_area_id: area.id,
        event_type: r
            .event_type
            .unwrap_or_else(|| import::type_for_charge(r.emotional_charge))
            .as_str(),
        category: r
            .category
            .unwrap_or_else(|| import::category_for_area(&area.slug, &area.cluster))
            .as_str(),
        tone: r
            .tone
            .unwrap_or_else(|| import::tone_for_charge(r.emotional_charge))
            .as_str(),
        title: rules::title("title", &r.title).map_err(bad)?,
        description: rules::text("description", &r.description, rules::TEXT_MAX).map_err(bad)?,
        narrative: r
            .narrative
            .as_deref()
            .map(|n| rules::text("narrative", n, rules::NARRATIVE_MAX))
            .transpose()
            .map_err(bad)?,
        // PostgreSQL keeps microseconds: compare and store what it keeps.
        occurred_at: rules::occurred_at("occurredAt", r.occurred_at, now)
            .map_err(bad)?
            .trunc_subsecs(6),
        emotional_charge: charge,
        tags: rules::tags("tags", &r.tags).map_err(bad)?,
    };
    Ok((fields, how))
}
