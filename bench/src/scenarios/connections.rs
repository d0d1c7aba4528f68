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
use crate::report::{Report, mib};
use crate::server::{Sampler, Target};
use crate::setup::Admin;

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
    #[command(flatten)]
    pub clients: ClientArgs,
}

pub async fn run(target: &Target, options: Options) -> Result<Report, String> {
    let users_count = options.users.clamp(1, options.sockets.max(1));
    let mut report = Report::new(
        "connections",
        json!({"sockets": options.sockets, "users": users_count, "hold_s": options.hold_secs}),
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
    let readers: Vec<_> = sockets
        .into_iter()
        .map(|mut ws| {
            let closed = closed.clone();
            tokio::spawn(async move {
                while let Some(Ok(_)) = ws.next().await {}
                closed.fetch_add(1, Ordering::Relaxed);
            })
        })
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
