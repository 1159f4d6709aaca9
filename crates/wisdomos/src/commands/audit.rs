//! `wisdomos audit verify [--tenant ID|SLUG]`: recomputes the hash chain of the audit log (each
//! tenant's, and the platform's own) and says, per chain, how many rows it read and which were
//! edited, deleted or cut off. Exits non-zero when any chain is broken.

use std::time::Instant;

use anyhow::Context;
use clap::Subcommand;
use wisdomos_db::{audit_chain, tenants, Database};

/// Audit log subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that no audit row was edited, deleted or inserted since it was written.
    Verify {
        /// Only this tenant's chain (id or slug); every chain when absent.
        #[arg(long)]
        tenant: Option<String>,
    },
}

/// Runs an audit subcommand.
pub async fn run(cmd: AuditCommand, db: &Database) -> anyhow::Result<()> {
    let AuditCommand::Verify { tenant } = cmd;
    let tenant = match tenant {
        Some(t) => Some(
            tenants::find(db.owner(), &t)
                .await
                .with_context(|| format!("no tenant {t} (give the id when owners share a slug)"))?
                .id,
        ),
        None => None,
    };
    let started = Instant::now();
    let reports = audit_chain::verify(db.owner(), tenant).await?;
    let secs = started.elapsed().as_secs_f64();
    let rows: i64 = reports.iter().map(|r| r.rows).sum();
    let mut broken = 0;
    for r in &reports {
        let who = if r.chain.is_nil() {
            "platform".to_owned()
        } else {
            format!("tenant {}", r.chain)
        };
        if r.ok() {
            continue;
        }
        broken += 1;
        println!("BROKEN {who}: {} rows", r.rows);
        if !r.edited.is_empty() {
            println!("  edited rows (seq): {:?}", r.edited);
        }
        if !r.broken.is_empty() {
            println!(
                "  broken links before rows (seq): {:?} (rows deleted, inserted or re-hashed)",
                r.broken
            );
        }
        if r.head_seq != r.last_seq {
            println!(
                "  the head records row {} but the last row is {}: rows cut off the end",
                r.head_seq, r.last_seq
            );
        } else if !r.head_matches {
            println!("  the last row's hash is not the head's");
        }
    }
    println!(
        "{} chains, {rows} rows verified in {secs:.2} s ({:.0} rows/s); {broken} broken",
        reports.len(),
        rows as f64 / secs.max(1e-9)
    );
    if tenant.is_some() {
        for r in &reports {
            println!("head: seq {} hash {}", r.head_seq, r.head_hash);
        }
    }
    anyhow::ensure!(broken == 0, "{broken} audit chain(s) broken");
    Ok(())
}
