//! Helpers shared by the benchmarks: settings from the environment, percentiles, and the app
//! served in-process on a random loopback port.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use wisdomos_db::Database;
use wisdomos_server::{AppState, ServerConfig, SystemClock};

/// `name` from the environment as a number, else `default`.
pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The `p` quantile (0–1, nearest rank) of sorted durations, in milliseconds.
pub fn ms(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

/// Serves the whole app over `db` with the system clock and no per-IP auth limit; returns
/// its base URL (`http://127.0.0.1:<port>`).
pub async fn serve(db: &Database) -> String {
    serve_with(db, |_| {}).await
}

/// [`serve`] with settings changed by `tweak`.
pub async fn serve_with(db: &Database, tweak: impl FnOnce(&mut ServerConfig)) -> String {
    let mut config = ServerConfig::new(b"bench-secret-bench-secret-bench-secret".to_vec());
    config.auth_rate_burst = 1_000_000;
    config.auth_rate_period_ms = 1;
    tweak(&mut config);
    let state = AppState::new(db.clone(), config, Arc::new(SystemClock))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(wisdomos_server::serve(
        listener,
        wisdomos_server::app(state),
        std::future::pending(),
    ));
    base
}

/// This process's resident memory now and at its peak, in MB (Linux `/proc/self/status`).
pub fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// A worker of the standard jobs with `engine` (4 at once, polling every 20 ms) running until
/// the returned sender is set to `true`; await the handle after that.
pub fn start_worker(
    db: &Database,
    engine: wisdomos_engine::Engine,
) -> (
    tokio::sync::watch::Sender<bool>,
    tokio::task::JoinHandle<()>,
) {
    let worker = wisdomos_jobs::Worker::new(
        db.clone(),
        wisdomos_jobs::Registry::standard_with(engine),
        wisdomos_jobs::WorkerConfig {
            concurrency: 4,
            idle_poll: Duration::from_millis(20),
            ..Default::default()
        },
    );
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let working = tokio::spawn(async move {
        worker
            .run(async move {
                let _ = stop_rx.wait_for(|s| *s).await;
            })
            .await;
    });
    (stop_tx, working)
}

/// CPU time (seconds) used so far by this process (user + system, `/proc/self/stat`) and by
/// the whole machine (every CPU's user, nice, system, irq and softirq time, `/proc/stat`);
/// (0, 0) off Linux. Differences of two readings split a load's CPU between this process and
/// the rest (PostgreSQL, and pgbench where it runs) — counting processes that start and end
/// between the readings, which per-process counters miss.
pub fn cpu_seconds() -> (f64, f64) {
    // The kernel's clock tick; 100 on every Linux this runs on (`getconf CLK_TCK`).
    const TICKS: f64 = 100.0;
    let own = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            let (_, rest) = stat.rsplit_once(") ")?;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            // utime and stime are fields 14 and 15 of proc(5)'s stat; `rest` starts at field 3.
            Some(fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?)
        })
        .unwrap_or(0.0);
    let machine = std::fs::read_to_string("/proc/stat")
        .ok()
        .and_then(|stat| {
            let cpu: Vec<f64> = stat
                .lines()
                .next()?
                .split_whitespace()
                .skip(1)
                .filter_map(|v| v.parse().ok())
                .collect();
            // user nice system idle iowait irq softirq: all but idle and iowait.
            Some(
                [0, 1, 2, 5, 6]
                    .iter()
                    .filter_map(|&i| cpu.get(i))
                    .sum::<f64>(),
            )
        })
        .unwrap_or(0.0);
    (own / TICKS, machine / TICKS)
}
