//! One module per subcommand.

pub mod admin;
pub mod audit;
pub mod demo;
pub mod demo_org;
pub mod demo_practice;
pub mod import;
pub mod jobs;
pub mod migrate;
pub mod models;
pub mod serve;
pub mod tenant;
pub mod user;

use crate::config::Secrets;
use crate::{database, Cli, Command};

/// Runs the parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Openapi = cli.command {
        let doc = serde_json::to_string_pretty(&wisdomos_server::routes::openapi())?;
        return print_or_closed(&doc);
    }
    if let Command::Models(c) = cli.command {
        return models::run(c, &cli.data_dir).await;
    }
    let secrets = Secrets::load(&cli.data_dir)?;
    let opened = database::open(&cli.data_dir, cli.database_url.as_deref(), &secrets).await?;
    let result = match cli.command {
        Command::Serve(args) => {
            serve::run(
                args,
                &cli.data_dir,
                &opened.db,
                opened.embedded.clone(),
                &secrets,
            )
            .await
        }
        Command::Migrate(args) => migrate::run(args, &opened.db).await,
        Command::Import(c) => import::run(c, &opened.db, &cli.data_dir).await,
        Command::Demo(a) => demo::run(a, &opened.db, &cli.data_dir).await,
        Command::Jobs(c) => jobs::run(c, &opened.db, &cli.data_dir).await,
        Command::Tenant(c) => tenant::run(c, &opened.db).await,
        Command::User(c) => user::run(c, &opened.db).await,
        Command::Admin(c) => admin::run(c, &opened.db).await,
        Command::Audit(c) => audit::run(c, &opened.db).await,
        Command::Openapi | Command::Models(_) => Ok(()),
    };
    let stopped = opened.shutdown().await;
    result.and(stopped)
}

/// Prints `text` to stdout; a reader that stops early (`wisdomos openapi | head`) is not an
/// error.
fn print_or_closed(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
