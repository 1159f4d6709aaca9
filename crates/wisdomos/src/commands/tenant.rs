//! `wisdomos tenant list|create|suspend|resume|delete`.

use anyhow::Context;
use clap::Subcommand;
use wisdomos_core::account::Email;
use wisdomos_core::tenant::{self, Slug, TenantStatus};
use wisdomos_db::audit::NewAuditEvent;
use wisdomos_db::provision::{self, NewTenant};
use wisdomos_db::{tenants, users, Database};

/// Tenant subcommands.
#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// List every tenant, deleted ones included.
    List,
    /// Create a tenant owned by an existing user.
    Create {
        /// Workspace name.
        #[arg(long)]
        name: String,
        /// E-mail of the owning user.
        #[arg(long)]
        owner: String,
        /// URL-safe slug (derived from the name when absent).
        #[arg(long)]
        slug: Option<String>,
        /// IANA time zone.
        #[arg(long, default_value = "UTC")]
        timezone: String,
    },
    /// Suspend a tenant (its routes answer 403 tenant_suspended).
    Suspend {
        /// Tenant id or slug.
        tenant: String,
    },
    /// Resume a suspended tenant.
    Resume {
        /// Tenant id or slug.
        tenant: String,
    },
    /// Delete a tenant: drops its schema and role; audit rows stay.
    Delete {
        /// Tenant id or slug.
        tenant: String,
        /// Repeat the tenant's slug to confirm.
        #[arg(long)]
        confirm: String,
    },
}

/// Runs a tenant subcommand.
pub async fn run(cmd: TenantCommand, db: &Database) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let operator = |event_type| NewAuditEvent {
        event_type,
        metadata: serde_json::json!({ "via": "cli" }),
        ..Default::default()
    };
    match cmd {
        TenantCommand::List => {
            println!(
                "{:<36}  {:<30}  {:<9}  {:<20}  {:>3}  NAME",
                "ID", "SLUG", "STATUS", "TIMEZONE", "VER"
            );
            for t in tenants::list_all(db.owner()).await? {
                println!(
                    "{:<36}  {:<30}  {:<9}  {:<20}  {:>3}  {}",
                    t.id, t.slug, t.status, t.timezone, t.schema_version, t.name
                );
            }
        }
        TenantCommand::Create {
            name,
            owner,
            slug,
            timezone,
        } => {
            let name = tenant::workspace_name("--name", &name)?;
            let email = Email::parse("--owner", &owner)?;
            let slug = slug.map(|s| Slug::parse("--slug", &s)).transpose()?;
            let tz = tenant::timezone("--timezone", &timezone)?;
            let user = users::find_by_email(db.app(), email.as_str())
                .await?
                .with_context(|| format!("no user has the e-mail {email}"))?;
            let t = provision::create_tenant(
                db,
                user.id,
                &NewTenant {
                    name: &name,
                    slug: slug.as_ref(),
                    timezone: tz.name(),
                },
                None,
                now,
            )
            .await?;
            println!(
                "created tenant {} ({}) with schema {}",
                t.slug, t.id, t.schema_name
            );
        }
        TenantCommand::Suspend { tenant } => {
            set_status(db, &tenant, TenantStatus::Suspended).await?
        }
        TenantCommand::Resume { tenant } => set_status(db, &tenant, TenantStatus::Active).await?,
        TenantCommand::Delete { tenant, confirm } => {
            let t = tenants::find(db.owner(), &tenant).await.with_context(|| {
                format!("no tenant {tenant} (give the id when owners share a slug)")
            })?;
            anyhow::ensure!(
                confirm == t.slug,
                "--confirm must repeat the slug `{}`",
                t.slug
            );
            provision::deprovision(db, t.id, operator("tenant.deleted"), now).await?;
            println!("deleted {} (schema {} dropped)", t.slug, t.schema_name);
        }
    }
    Ok(())
}

async fn set_status(db: &Database, tenant: &str, status: TenantStatus) -> anyhow::Result<()> {
    let t = tenants::find(db.owner(), tenant)
        .await
        .with_context(|| format!("no tenant {tenant} (give the id when owners share a slug)"))?;
    let ev = NewAuditEvent {
        tenant_id: Some(t.id),
        event_type: "tenant.status_changed",
        metadata: serde_json::json!({ "via": "cli", "previousStatus": t.status }),
        ..Default::default()
    };
    let t = tenants::set_status(db, t.id, status, ev, chrono::Utc::now()).await?;
    println!("{} is now {}", t.slug, t.status);
    Ok(())
}
