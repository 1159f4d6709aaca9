//! `wisdomos migrate`.

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use wisdomos_db::{migrate, Database};

/// Options of `migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Tenants migrated at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
}

/// Platform migrations have run when the database was opened; this brings every tenant that
/// is behind to the current version, `--jobs` at a time, with a progress bar. Safe to re-run
/// after an interruption: each tenant moves in one transaction.
pub async fn run(args: MigrateArgs, db: &Database) -> anyhow::Result<()> {
    let target = migrate::target_version(migrate::TENANT);
    let bar = ProgressBar::hidden();
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} tenants {pos}/{len} [{bar:40}] {per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let progress = |done: usize, total: usize| {
        if bar.is_hidden() && total > 0 {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_length(total as u64);
        }
        bar.set_position(done as u64);
    };
    let report = migrate::migrate_all_tenants(
        db.owner(),
        migrate::TENANT,
        usize::from(args.jobs),
        &progress,
    )
    .await?;
    bar.finish_and_clear();
    let stale = wisdomos_db::provision::drop_stale_spares(db).await?;
    if stale > 0 {
        println!("dropped {stale} spare schema(s) of an older version");
    }
    println!(
        "platform schema current; tenant schema version {target}: {} behind, {} migrated, {} failed",
        report.behind,
        report.migrated,
        report.failed.len()
    );
    for (id, err) in &report.failed {
        eprintln!("tenant {id}: {err}");
    }
    anyhow::ensure!(
        report.failed.is_empty(),
        "{} tenant(s) failed to migrate; re-run `wisdomos migrate`",
        report.failed.len()
    );
    Ok(())
}
