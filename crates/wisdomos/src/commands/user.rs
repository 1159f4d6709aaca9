//! `wisdomos user create|list`.

use std::io::BufRead;

use clap::Subcommand;
use wisdomos_core::account::{Email, Password};
use wisdomos_core::validation::bounded_text;
use wisdomos_db::{users, Database};
use wisdomos_server::auth::password::PasswordHasher;

/// User subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password is read from the first line of standard input (never from
    /// the command line, where other users of the machine could see it).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        first_name: Option<String>,
        #[arg(long)]
        last_name: Option<String>,
    },
    /// List users.
    List,
}

/// Runs a user subcommand.
pub async fn run(cmd: UserCommand, db: &Database) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Create {
            email,
            first_name,
            last_name,
        } => {
            let email = Email::parse("--email", &email)?;
            let first = first_name
                .map(|n| bounded_text("--first-name", &n, 1, 100))
                .transpose()?;
            let last = last_name
                .map(|n| bounded_text("--last-name", &n, 1, 100))
                .transpose()?;
            eprintln!("password (one line on standard input):");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let password = Password::new("password", line.trim_end_matches(['\r', '\n']))?;
            let hasher = PasswordHasher::new(1)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let hash = hasher
                .hash(password.expose())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let new = users::NewUser {
                email: email.as_str(),
                password_hash: &hash,
                first_name: first.as_deref(),
                last_name: last.as_deref(),
            };
            let user = users::create_standalone(db.app(), &new, chrono::Utc::now()).await?;
            println!("created user {} ({})", user.email, user.id);
        }
        UserCommand::List => {
            println!("{:<36}  {:<40}  CREATED", "ID", "EMAIL");
            let mut after = None;
            loop {
                let page = users::list(db.app(), after, 100).await?;
                for u in &page.items {
                    println!(
                        "{:<36}  {:<40}  {}",
                        u.id,
                        u.email,
                        u.created_at.format("%Y-%m-%d %H:%M")
                    );
                }
                match (page.has_more, page.items.last()) {
                    (true, Some(u)) => after = Some((u.created_at, u.id)),
                    _ => break,
                }
            }
        }
    }
    Ok(())
}
