//! The embedded PostgreSQL cluster `wisdomos serve` runs when no `DATABASE_URL` is given.
//!
//! We drive the machine's own `initdb` and `pg_ctl` rather than a crate that downloads
//! PostgreSQL: nothing is fetched, and when we run as root the server runs as the `postgres`
//! system user (PostgreSQL refuses to run as root), which the download-oriented crates do not
//! support. The cluster listens only on a Unix socket inside the data directory, so it never
//! takes a TCP port and only its owner (and root) can reach it.
//!
//! Layout under the data directory: `pg/` (the cluster), `pg-run/` (socket and server log).

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use sqlx::postgres::PgConnectOptions;

use crate::DbError;

/// Port number in the socket file name; no TCP listener is opened.
const SOCKET_PORT: u16 = 5432;
/// Superuser created by `initdb`.
const SUPERUSER: &str = "postgres";
/// Name of the application database inside the cluster.
pub const DATABASE: &str = "wisdomos";

/// A PostgreSQL cluster under a data directory, started by us or found running.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    cluster_dir: PathBuf,
    run_dir: PathBuf,
    run_as: Option<(nix::unistd::Uid, nix::unistd::Gid)>,
    started_here: bool,
}

/// Finds the directory with `initdb`, `pg_ctl` and `postgres`: `WISDOMOS_PG_BIN`, then
/// `pg_config --bindir`, then `PATH`, then the newest `/usr/lib/postgresql/*/bin`.
///
/// Errors: [`DbError::Embedded`] saying what to install when none is found.
pub fn find_bin_dir() -> Result<PathBuf, DbError> {
    let has_all = |d: &Path| {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|b| d.join(b).is_file())
    };
    if let Some(d) = std::env::var_os("WISDOMOS_PG_BIN").map(PathBuf::from) {
        if has_all(&d) {
            return Ok(d);
        }
        return Err(DbError::Embedded(format!(
            "WISDOMOS_PG_BIN={} does not contain initdb, pg_ctl and postgres",
            d.display()
        )));
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let d = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_all(&d) {
            return Ok(d);
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            if let Ok(initdb) = std::fs::canonicalize(d.join("initdb")) {
                if let Some(real) = initdb.parent() {
                    if has_all(real) {
                        return Ok(real.to_path_buf());
                    }
                }
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let d = e.path().join("bin");
            has_all(&d).then_some((v, d))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, d)| d).ok_or_else(|| {
        DbError::Embedded(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. Install PostgreSQL 15 or newer \
             (Debian/Ubuntu: `apt-get install postgresql`; Fedora: `dnf install postgresql-server`; macOS: `brew install postgresql`), \
             set WISDOMOS_PG_BIN to its bin directory, or set DATABASE_URL to use an existing server."
                .to_owned(),
        )
    })
}

impl EmbeddedPostgres {
    /// Initialises the cluster under `data_dir` if it does not exist yet, and starts it unless it
    /// is already running (another `wisdomos` process using the same data directory).
    ///
    /// Errors: [`DbError::Embedded`] with the tool's own message when `initdb` or `pg_ctl` fails.
    pub fn start(data_dir: &Path) -> Result<Self, DbError> {
        let bin_dir = find_bin_dir()?;
        std::fs::create_dir_all(data_dir)
            .map_err(|e| io_err("create the data directory", data_dir, e))?;
        let data_dir = std::fs::canonicalize(data_dir)
            .map_err(|e| io_err("resolve the data directory", data_dir, e))?;
        let cluster_dir = data_dir.join("pg");
        let run_dir = data_dir.join("pg-run");
        let run_as = if nix::unistd::Uid::effective().is_root() {
            let user = nix::unistd::User::from_name(SUPERUSER)
                .ok()
                .flatten()
                .ok_or_else(|| DbError::Embedded("running as root, but there is no `postgres` system user to run PostgreSQL as (PostgreSQL refuses to run as root); create one or run wisdomos as an ordinary user".to_owned()))?;
            Some((user.uid, user.gid))
        } else {
            None
        };
        if let Some((uid, _)) = run_as {
            check_reachable(&data_dir, uid)?;
        }
        let mut pg = Self {
            bin_dir,
            cluster_dir,
            run_dir,
            run_as,
            started_here: false,
        };
        for dir in [&pg.cluster_dir, &pg.run_dir] {
            std::fs::create_dir_all(dir).map_err(|e| io_err("create", dir, e))?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| io_err("set permissions on", dir, e))?;
            if let Some((uid, gid)) = pg.run_as {
                nix::unistd::chown(dir.as_path(), Some(uid), Some(gid)).map_err(|e| {
                    DbError::Embedded(format!(
                        "cannot hand {} to the postgres user: {e}",
                        dir.display()
                    ))
                })?;
            }
        }
        if !pg.cluster_dir.join("PG_VERSION").exists() {
            pg.initdb()?;
        }
        pg.write_config()?;
        if !pg.is_running() {
            pg.start_server()?;
        }
        Ok(pg)
    }

    /// `pg_ctl start`, waiting until the server accepts connections; this process then stops it.
    fn start_server(&mut self) -> Result<(), DbError> {
        let log = self.run_dir.join("postgresql.log");
        self.run(
            "pg_ctl",
            &[
                "start".as_ref(),
                "-w".as_ref(),
                "-t".as_ref(),
                "120".as_ref(),
                "-s".as_ref(),
                "-D".as_ref(),
                self.cluster_dir.as_os_str(),
                "-l".as_ref(),
                log.as_os_str(),
            ],
        )
        .map_err(|e| DbError::Embedded(format!("{e}\n(server log: {})", log.display())))?;
        self.started_here = true;
        Ok(())
    }

    /// Whether the postmaster named in `postmaster.pid` is alive (a signal-0 probe: no process
    /// is started, so this is cheap enough to call every second).
    pub fn postmaster_alive(&self) -> bool {
        let pid = std::fs::read_to_string(self.cluster_dir.join("postmaster.pid"))
            .ok()
            .and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<i32>().ok()));
        pid.is_some_and(|pid| nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok())
    }

    /// Starts the server again when its postmaster has died (crashed, killed); `Ok(true)` when
    /// it was restarted. A start can fail while the dead server's backends are still exiting;
    /// the caller retries with a back-off.
    ///
    /// Errors: [`DbError::Embedded`] with `pg_ctl`'s message.
    pub fn restart_if_dead(&mut self) -> Result<bool, DbError> {
        if self.postmaster_alive() {
            return Ok(false);
        }
        self.start_server()?;
        Ok(true)
    }

    /// Connection options for the cluster's superuser over its private socket, to `database`.
    pub fn admin_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.run_dir)
            .port(SOCKET_PORT)
            .username(SUPERUSER)
            .database(database)
    }

    /// Whether this process started the server (and so should stop it).
    pub fn started_here(&self) -> bool {
        self.started_here
    }

    /// Stops the server with a fast shutdown if this process started it; waits until it is down.
    pub fn stop(&mut self) -> Result<(), DbError> {
        if !self.started_here {
            return Ok(());
        }
        self.started_here = false;
        self.run(
            "pg_ctl",
            &[
                "stop".as_ref(),
                "-w".as_ref(),
                "-s".as_ref(),
                "-m".as_ref(),
                "fast".as_ref(),
                "-D".as_ref(),
                self.cluster_dir.as_os_str(),
            ],
        )
    }

    fn is_running(&self) -> bool {
        self.command("pg_ctl")
            .args([
                "status".as_ref(),
                "-D".as_ref(),
                self.cluster_dir.as_os_str(),
            ])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    fn initdb(&self) -> Result<(), DbError> {
        self.run(
            "initdb",
            &[
                "-D".as_ref(),
                self.cluster_dir.as_os_str(),
                "-U".as_ref(),
                SUPERUSER.as_ref(),
                "--auth-local=trust".as_ref(),
                "--auth-host=reject".as_ref(),
                "--encoding=UTF8".as_ref(),
                "--locale=C.UTF-8".as_ref(),
            ],
        )
    }

    /// Our settings live in their own file, rewritten at every start so a moved data directory
    /// still finds its socket.
    fn write_config(&self) -> Result<(), DbError> {
        let conf = self.cluster_dir.join("postgresql.conf");
        let main = std::fs::read_to_string(&conf).map_err(|e| io_err("read", &conf, e))?;
        let include = "include_if_exists = 'wisdomos.conf'";
        if !main.contains(include) {
            std::fs::write(&conf, format!("{main}\n{include}\n"))
                .map_err(|e| io_err("write", &conf, e))?;
        }
        let ours = self.cluster_dir.join("wisdomos.conf");
        let socket = self.run_dir.to_string_lossy().replace('\'', "''");
        let text = format!(
            "# Written by wisdomos at every start; edit postgresql.conf instead.\n\
             listen_addresses = ''\n\
             port = {SOCKET_PORT}\n\
             unix_socket_directories = '{socket}'\n\
             unix_socket_permissions = 0700\n\
             max_connections = 100\n"
        );
        std::fs::write(&ours, text).map_err(|e| io_err("write", &ours, e))?;
        if let Some((uid, gid)) = self.run_as {
            for f in [&conf, &ours] {
                nix::unistd::chown(f.as_path(), Some(uid), Some(gid)).map_err(|e| {
                    DbError::Embedded(format!("cannot hand {} to postgres: {e}", f.display()))
                })?;
            }
        }
        Ok(())
    }

    fn command(&self, tool: &str) -> Command {
        let mut cmd = Command::new(self.bin_dir.join(tool));
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid.as_raw()).gid(gid.as_raw());
            // The postgres user may not be able to read the caller's working directory.
            cmd.current_dir(&self.run_dir);
        }
        cmd.env_remove("PGDATA").env("LC_ALL", "C.UTF-8");
        cmd
    }

    fn run(&self, tool: &str, args: &[&std::ffi::OsStr]) -> Result<(), DbError> {
        let out = self
            .command(tool)
            .args(args)
            .output()
            .map_err(|e| DbError::Embedded(format!("cannot run {tool}: {e}")))?;
        if out.status.success() {
            Ok(())
        } else {
            let mut msg = format!(
                "{tool} failed: {}{}",
                String::from_utf8_lossy(&out.stderr).trim(),
                String::from_utf8_lossy(&out.stdout).trim()
            );
            if self.run_as.is_some() && msg.contains("ermission denied") {
                msg.push_str("\nhint: the data directory and every directory above it must be reachable by the postgres user; choose another with --data-dir");
            }
            Err(DbError::Embedded(msg))
        }
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            tracing::error!(error = %e, "stopping the embedded PostgreSQL failed");
        }
    }
}

/// The server runs as `postgres` when we are root, so it must be able to enter every directory
/// above its cluster. Checked up front for a clear message instead of `initdb`'s.
fn check_reachable(dir: &Path, pg_uid: nix::unistd::Uid) -> Result<(), DbError> {
    use std::os::unix::fs::MetadataExt;
    for ancestor in dir.ancestors().skip(1) {
        let Ok(meta) = std::fs::metadata(ancestor) else {
            continue;
        };
        let others_enter = meta.mode() & 0o001 != 0;
        if !others_enter && meta.uid() != pg_uid.as_raw() {
            return Err(DbError::Embedded(format!(
                "PostgreSQL runs as the postgres user when wisdomos runs as root, and that user cannot enter {}; \
                 choose a --data-dir below a directory others may enter (for example /var/lib/wisdomos), or run wisdomos as an ordinary user",
                ancestor.display()
            )));
        }
    }
    Ok(())
}

fn io_err(what: &str, path: &Path, e: std::io::Error) -> DbError {
    DbError::Embedded(format!("cannot {what} {}: {e}", path.display()))
}
