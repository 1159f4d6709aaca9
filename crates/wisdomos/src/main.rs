//! `wisdomos`: the WisdomOS server and its operator commands.

mod commands;
mod config;
mod database;

use clap::{Parser, Subcommand};

/// WisdomOS: a multi-tenant platform for personal transformation and coaching.
#[derive(Debug, Parser)]
#[command(name = "wisdomos", version, about, long_about = None)]
pub struct Cli {
    /// Directory for the embedded PostgreSQL cluster and generated secrets.
    #[arg(
        long,
        global = true,
        env = "WISDOMOS_DATA_DIR",
        default_value = "./data"
    )]
    pub data_dir: std::path::PathBuf,
    /// Use this PostgreSQL server instead of the embedded one (a role that may create roles and
    /// schemas).
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// A TOML file of settings, each used where its environment variable is unset (see
    /// docs/operations.md).
    #[arg(long, global = true, env = "WISDOMOS_CONFIG")]
    pub config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (API, docs, health checks).
    Serve(commands::serve::ServeArgs),
    /// Bring the platform schema and every tenant schema to the current version.
    Migrate(commands::migrate::MigrateArgs),
    /// Manage tenants (workspaces).
    #[command(subcommand)]
    Tenant(commands::tenant::TenantCommand),
    /// Create a demo account whose workspace holds a lived-in year, and print how to sign in.
    Demo(commands::demo::DemoArgs),
    /// Run workers and manage background jobs.
    #[command(subcommand)]
    Jobs(commands::jobs::JobsCommand),
    /// Import journals into a tenant.
    #[command(subcommand)]
    Import(commands::import::ImportCommand),
    /// Manage users.
    #[command(subcommand)]
    User(commands::user::UserCommand),
    /// Grant or revoke platform operator rights (`/api/admin/*`).
    #[command(subcommand)]
    Admin(commands::admin::AdminCommand),
    /// Verify the hash-chained audit log.
    #[command(subcommand)]
    Audit(commands::audit::AuditCommand),
    /// Print the OpenAPI 3.1 document of the REST API.
    Openapi,
    /// Fetch the semantic model or say what is there.
    #[command(subcommand)]
    Models(commands::models::ModelsCommand),
}

fn main() -> std::process::ExitCode {
    let mut cli = Cli::parse();
    if let Some(path) = cli.config.clone() {
        // The file fills in the environment while this is the only thread, then the arguments
        // are read again so that their environment defaults see it.
        match config::FileConfig::load(&path) {
            Ok(file) => {
                if let Some(warning) = file.apply(&path) {
                    eprintln!("{warning}");
                }
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                return std::process::ExitCode::FAILURE;
            }
        }
        cli = Cli::parse();
    }
    config::init_tracing(matches!(cli.command, Command::Serve(_)));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every subcommand, flag and argument says what it is in `--help`.
    #[test]
    fn every_flag_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let builtin = matches!(arg.get_id().as_str(), "help" | "version");
                if !builtin && arg.get_help().is_none() {
                    missing.push(format!("{path} {}", arg.get_id()));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_about().is_none() {
                    missing.push(format!("{path} {}", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "wisdomos", &mut missing);
        assert!(missing.is_empty(), "without help: {missing:?}");
    }
}
