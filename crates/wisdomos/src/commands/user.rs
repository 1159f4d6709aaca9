//! `wisdomos user create|list|set-password|delete`.

use std::io::BufRead;

use clap::Subcommand;
use wisdomos_app::password::PasswordHasher;
use wisdomos_app::{account, AppError};
use wisdomos_core::account::{Email, Password};
use wisdomos_core::validation::bounded_text;
use wisdomos_db::{users, Database, DbError};

/// User subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password is read from the first line of standard input (never from
    /// the command line, where other users of the machine could see it).
    Create {
        /// The user's e-mail address (their sign-in name).
        #[arg(long)]
        email: String,
        /// Given name, shown in the web UI.
        #[arg(long)]
        first_name: Option<String>,
        /// Family name.
        #[arg(long)]
        last_name: Option<String>,
    },
    /// List users.
    List,
    /// Set a user's password (a reset for someone locked out), read from the first line of
    /// standard input. Every session of the user ends.
    SetPassword {
        /// The user's e-mail address.
        #[arg(long)]
        email: String,
    },
    /// Delete a user's account: workspaces only they belong to are deleted with their data,
    /// their e-mail and name are erased. Refused while they are the last OWNER of a workspace
    /// others share.
    Delete {
        /// The user's e-mail address.
        #[arg(long)]
        email: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

/// The live user with this e-mail, or an error naming it.
async fn find(db: &Database, raw: &str) -> anyhow::Result<users::User> {
    let email = Email::parse("--email", raw)?;
    users::find_by_email(db.app(), email.as_str())
        .await?
        .ok_or_else(|| anyhow::anyhow!("there is no user {}", email.as_str()))
}

/// One line of standard input as a checked password.
fn read_password() -> anyhow::Result<Password> {
    eprintln!("password (one line on standard input):");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(Password::new(
        "password",
        line.trim_end_matches(['\r', '\n']),
    )?)
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
            let password = read_password()?;
            let hasher = PasswordHasher::new(1).await?;
            let hash = hasher.hash(password.expose()).await?;
            let new = users::NewUser {
                email: email.as_str(),
                password_hash: &hash,
                first_name: first.as_deref(),
                last_name: last.as_deref(),
            };
            let user = users::create_standalone(db.app(), &new, chrono::Utc::now()).await?;
            println!("created user {} ({})", user.email, user.id);
        }
        UserCommand::SetPassword { email } => {
            let user = find(db, &email).await?;
            let password = read_password()?;
            let hasher = PasswordHasher::new(1).await?;
            let actor = account::Actor {
                user_id: user.id,
                session_family: None,
            };
            let ended =
                account::change_password(db, &hasher, actor, None, &password, chrono::Utc::now())
                    .await?;
            println!(
                "password of {} set; {ended} session(s) signed out",
                user.email
            );
        }
        UserCommand::Delete { email, yes } => {
            let user = find(db, &email).await?;
            if !yes {
                eprintln!(
                    "delete {} and every workspace only they belong to? type the e-mail to confirm:",
                    user.email
                );
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                if line.trim() != user.email {
                    anyhow::bail!("not confirmed; nothing was deleted");
                }
            }
            let hasher = PasswordHasher::new(1).await?;
            let actor = account::Actor {
                user_id: user.id,
                session_family: None,
            };
            let deleted = account::delete(db, &hasher, actor, None, chrono::Utc::now())
                .await
                .map_err(|e| match e {
                    AppError::Db(DbError::Refused("last_owner")) => anyhow::anyhow!(
                        "{} is the last OWNER of a workspace others share; make another member OWNER or delete the workspace first",
                        user.email
                    ),
                    other => other.into(),
                })?;
            println!(
                "deleted user {} and {} workspace(s)",
                user.email,
                deleted.len()
            );
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
