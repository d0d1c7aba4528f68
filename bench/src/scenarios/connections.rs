//! `connections`: N authenticated idle sockets. How long until all are `ready`, how much
//! server memory each costs, and whether all stay open.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clap::Args;
use futures_util::StreamExt;
use serde_json::json;

use super::open_sockets;
use crate::ClientArgs;
use crate::client::Ws;
use crate::report::{Report, mib};
use crate::server::{Sampler, Target};
use crate::setup::{Admin, BenchUser};

#[derive(Debug, Clone, Args)]
pub struct Options {
    /// Sockets to open.
    #[arg(long, default_value_t = 10_000)]
    pub sockets: usize,
    /// Users they belong to (each user gets sockets / users of them, as on several devices).
    #[arg(long, default_value_t = 1_000)]
    pub users: usize,
    /// How long to keep them open once all are ready, checking none is closed.
    #[arg(long, default_value_t = 10)]
    pub hold_secs: u64,
    /// After the hold, minutes of soak: each minute, `--reconnect-pct` of the sockets drop
    /// their connection (as a phone does) and connect again, and the server's RSS is read.
    #[arg(long, default_value_t = 0)]
    pub soak_minutes: u64,
    /// Share of the sockets that reconnect each minute of the soak.
    #[arg(long, default_value_t = 10)]
    pub reconnect_pct: u64,
    #[command(flatten)]
    pub clients: ClientArgs,
}

pub async fn run(target: &Target, options: Options) -> Result<Report, String> {
    let users_count = options.users.clamp(1, options.sockets.max(1));
    let mut report = Report::new(
        "connections",
        json!({
            "sockets": options.sockets,
            "users": users_count,
            "hold_s": options.hold_secs,
            "soak_minutes": options.soak_minutes,
            "reconnect_pct": options.reconnect_pct,
        }),
    );
    let admin = Admin::login(target).await?;
    let users = admin.create_users(target, users_count).await?;
    // Let the server settle after setup before the "before" reading.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = target.sample();
    let assignments: Vec<usize> = (0..options.sockets).map(|n| n % users.len()).collect();
    let sampler = Sampler::start(target);
    let (sockets, elapsed) = open_sockets(target, &users, &assignments, &options.clients).await?;
    let (_, cpu) = sampler.finish();
    report.set("ready_s", elapsed.as_secs_f64());
    report.set(
        "sockets_per_s",
        (options.sockets as f64 / elapsed.as_secs_f64()).round(),
    );
    if let Some(cpu) = cpu {
        report.set("server_cpu_pct_while_connecting", cpu.round());
    }

    // Every socket is read (so pings are answered) until it closes.
    let closed = Arc::new(AtomicUsize::new(0));
    let mut readers: Vec<_> = sockets
        .into_iter()
        .map(|ws| read_until_closed(ws, closed.clone()))
        .collect();
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let after = target.sample();
    if let (Some(before), Some(after)) = (before, after) {
        report.set("rss_before_mib", mib(before.rss_bytes));
        report.set("rss_after_mib", mib(after.rss_bytes));
        let per_socket = after.rss_bytes.saturating_sub(before.rss_bytes) as f64
            / options.sockets.max(1) as f64
            / 1024.0;
        report.set("rss_per_socket_kib", (per_socket * 100.0).round() / 100.0);
    }
    tokio::time::sleep(Duration::from_secs(options.hold_secs)).await;
    let closed_now = closed.load(Ordering::Relaxed);
    report.set("closed_during_hold", closed_now as u64);
    if closed_now > 0 {
        report.fail(format!(
            "{closed_now} of {} idle sockets were closed",
            options.sockets
        ));
    }
    if options.soak_minutes > 0 {
        let soak = Soak {
            target,
            users: &users,
            assignments: &assignments,
            clients: &options.clients,
            minutes: options.soak_minutes,
            reconnect_pct: options.reconnect_pct,
        };
        soak.run(&mut readers, &closed, &mut report).await?;
    }
    for reader in readers {
        reader.abort();
    }
    // Start-up on the populated data dir, and idle memory after it (spawned servers only).
    tokio::time::sleep(Duration::from_millis(500)).await;
    target.measure_restart().await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    if let Some(idle) = target.sample() {
        report.set("idle_rss_after_restart_mib", mib(idle.rss_bytes));
    }
    if let Some(ms) = target.describe().restart_ms {
        report.set("restart_to_ready_ms", ms);
    }
    Ok(report)
}

/// Reads a socket (so that pings are answered) and counts it when the server closes it.
fn read_until_closed(mut ws: Ws, closed: Arc<AtomicUsize>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(Ok(_)) = ws.next().await {}
        closed.fetch_add(1, Ordering::Relaxed);
    })
}

/// Sockets that come and go for a while, as people's phones do: memory must not creep.
struct Soak<'a> {
    target: &'a Target,
    users: &'a [BenchUser],
    /// The user of each socket.
    assignments: &'a [usize],
    clients: &'a ClientArgs,
    minutes: u64,
    reconnect_pct: u64,
}

impl Soak<'_> {
    async fn run(
        &self,
        readers: &mut [tokio::task::JoinHandle<()>],
        closed: &Arc<AtomicUsize>,
        report: &mut Report,
    ) -> Result<(), String> {
        let count = readers.len();
        let per_minute = (count as u64 * self.reconnect_pct / 100) as usize;
        // Minute 0 is the reading before anything reconnected.
        let mut rss_mib: Vec<f64> = self
            .target
            .sample()
            .map(|s| mib(s.rss_bytes))
            .into_iter()
            .collect();
        let mut reconnected = 0usize;
        let mut next = 0usize;
        let closed_before = closed.load(Ordering::Relaxed);
        for _ in 0..self.minutes {
            let minute = tokio::time::Instant::now() + Duration::from_secs(60);
            let chosen: Vec<usize> = (0..per_minute).map(|k| (next + k) % count).collect();
            next = (next + per_minute) % count;
            // Dropped without a close frame: the connection just goes, as on a lost network.
            for &n in &chosen {
                readers[n].abort();
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            let again: Vec<usize> = chosen.iter().map(|&n| self.assignments[n]).collect();
            let (sockets, _) = open_sockets(self.target, self.users, &again, self.clients).await?;
            for (&n, ws) in chosen.iter().zip(sockets) {
                readers[n] = read_until_closed(ws, closed.clone());
            }
            reconnected += chosen.len();
            tokio::time::sleep_until(minute).await;
            if let Some(sample) = self.target.sample() {
                rss_mib.push(mib(sample.rss_bytes));
            }
        }
        report.set("soak_reconnected", reconnected as u64);
        report.set("soak_rss_mib_each_minute", json!(rss_mib));
        let unexpected = closed.load(Ordering::Relaxed) - closed_before;
        report.set("soak_closed_by_server", unexpected as u64);
        if unexpected > 0 {
            report.fail(format!("{unexpected} sockets were closed during the soak"));
        }
        // Flat means the last minute's RSS within 10 % of minute 0's: what a socket that goes
        // held is reused, not kept growing.
        if let (Some(first), Some(last)) = (rss_mib.first(), rss_mib.last()) {
            let growth = (last - first) / first * 100.0;
            report.set("soak_rss_growth_pct", (growth * 10.0).round() / 10.0);
            if growth > 10.0 {
                report.fail(format!(
                    "RSS grew {growth:.1} % during the soak ({first} -> {last} MiB)"
                ));
            }
        }
        Ok(())
    }
}
