//! `wisdomos import events --tenant SLUG FILE`.

use anyhow::Context;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use wisdomos_app::import::{self, ImportOptions};
use wisdomos_core::classify::DEFAULT_THRESHOLD;
use wisdomos_core::import::Format;
use wisdomos_db::audit::NewAuditEvent;
use wisdomos_db::{tenants, Database};

/// Import subcommands.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import a journal file into a tenant's events (docs/import.md).
    Events(ImportArgs),
}

/// Options of `import events`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Tenant id or slug.
    #[arg(long)]
    pub tenant: String,
    /// The file: our CSV or JSON, a Daylio CSV, a Day One JSON or an ISEAR CSV.
    pub file: std::path::PathBuf,
    /// csv, json, daylio, dayone or isear (detected from the content when absent).
    #[arg(long, value_parser = parse_format)]
    pub format: Option<Format>,
    /// Check and report without writing.
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse the whole file when any row is rejected.
    #[arg(long)]
    pub strict: bool,
    /// Area (id or slug) for rows the classifier is unsure about [default: personal-growth].
    #[arg(long)]
    pub default_area: Option<String>,
    /// Confidence under which the classifier's suggestion is not used, 0–1.
    #[arg(long, default_value_t = DEFAULT_THRESHOLD)]
    pub threshold: f64,
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| "expected csv, json, daylio, dayone or isear".to_owned())
}

/// Runs an import subcommand.
pub async fn run(
    cmd: ImportCommand,
    db: &Database,
    data_dir: &std::path::Path,
) -> anyhow::Result<()> {
    let ImportCommand::Events(args) = cmd;
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let tenant = tenants::find(db.owner(), &args.tenant)
        .await
        .with_context(|| format!("no tenant {}", args.tenant))?;
    anyhow::ensure!(
        tenant.status == wisdomos_core::tenant::TenantStatus::Active.as_str(),
        "tenant {} is {}",
        tenant.slug,
        tenant.status
    );
    let tz = tenant
        .timezone
        .parse()
        .map_err(|_| anyhow::anyhow!("tenant time zone {} unreadable", tenant.timezone))?;
    let scope = tenants::operator_scope(&tenant);
    let mut opts = ImportOptions {
        format: args.format,
        dry_run: args.dry_run,
        strict: args.strict,
        default_area: args.default_area,
        threshold: args.threshold,
        audit: None,
    };
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {percent}%")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("checking and writing rows");
    let progress = |done: usize, total: usize| {
        bar.set_length(total.max(1) as u64);
        bar.set_position(done as u64);
    };
    let now = chrono::Utc::now();
    let ev = NewAuditEvent {
        tenant_id: Some(tenant.id),
        event_type: "events.imported",
        target_type: Some("tenant"),
        target_id: Some(tenant.id.to_string()),
        metadata: serde_json::json!({ "via": "cli" }),
        ..Default::default()
    };
    opts.audit = Some(ev);
    let ke = super::demo::knowledge_engine(data_dir).await?;
    let result = import::run(
        import::Workspace {
            db,
            scope: &scope,
            tz,
        },
        &bytes,
        &opts,
        &ke,
        now,
        &progress,
    )
    .await;
    bar.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        Err(wisdomos_app::AppError::Unprocessable {
            message, details, ..
        }) => {
            if let Some(rows) = details.get("rejections").and_then(|r| r.as_array()) {
                for r in rows.iter().take(20) {
                    eprintln!(
                        "row {}: {}: {}",
                        r["row"],
                        r["field"].as_str().unwrap_or(""),
                        r["reason"].as_str().unwrap_or("")
                    );
                }
            }
            anyhow::bail!("{message}");
        }
        Err(e) => anyhow::bail!("{e}"),
    };
    for r in report.rejections.iter().take(20) {
        eprintln!("row {}: {}: {}", r.row, r.field, r.reason);
    }
    if report.rejected > 20 {
        eprintln!("… and {} more rejected rows", report.rejected - 20);
    }
    println!(
        "{} {}: {} rows, {} accepted, {} rejected; areas: {} from the file, {} suggested, {} put in {} (confidence < {})",
        if report.written { "imported" } else { "dry run of" },
        report.format.as_str(),
        report.total,
        report.accepted,
        report.rejected,
        report.accepted - report.classified - report.defaulted,
        report.classified,
        report.defaulted,
        report.default_area,
        report.threshold
    );
    Ok(())
}
