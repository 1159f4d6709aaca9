//! `wisdomos admin grant|revoke EMAIL`: who is a platform operator (reaches `/api/admin/*`:
//! creates workspaces for clients and sets their plans). Only here, never through the API, and
//! audited as `platform_admin.granted` / `platform_admin.revoked`.

use clap::Subcommand;
use wisdomos_app::platform;
use wisdomos_app::AppError;
use wisdomos_db::Database;

/// Platform operator subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Make a registered person a platform operator.
    Grant {
        /// Their e-mail address.
        email: String,
    },
    /// Make a platform operator an ordinary user again.
    Revoke {
        /// Their e-mail address.
        email: String,
    },
}

/// Runs an admin subcommand.
pub async fn run(cmd: AdminCommand, db: &Database) -> anyhow::Result<()> {
    let (email, grant) = match &cmd {
        AdminCommand::Grant { email } => (email, true),
        AdminCommand::Revoke { email } => (email, false),
    };
    match platform::set_platform_admin(db, email, grant, chrono::Utc::now()).await {
        Ok(_) if grant => println!("{} is now a platform operator", email.trim()),
        Ok(_) => println!("{} is no longer a platform operator", email.trim()),
        Err(AppError::Validation(e)) => anyhow::bail!("{e}"),
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
