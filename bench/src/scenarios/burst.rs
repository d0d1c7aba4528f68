//! `burst`: the highest durable send rate. Many senders each keep a window of sends in
//! flight for a duration; a send counts once acked (acked = committed). Afterwards each
//! channel is read back from the store: every acked message must be there exactly once, with
//! gap-free `seq`.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use clap::Args;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use xerrada_protocol::ClientFrame;

use super::open_sockets;
use crate::ClientArgs;
use crate::client::{Incoming, Ws};
use crate::report::{Report, latency_histogram, latency_summary};
use crate::server::{Sampler, Target};
use crate::setup::Admin;

#[derive(Debug, Clone, Args)]
pub struct Options {
    /// Concurrent senders (one socket each).
    #[arg(long, default_value_t = 200)]
    pub senders: usize,
    /// Channels they send into (senders are spread evenly; each channel's members are its
    /// senders).
    #[arg(long, default_value_t = 20)]
    pub channels: usize,
    /// Sends each sender keeps in flight.
    #[arg(long, default_value_t = 32)]
    pub window: usize,
    /// Seconds of sending.
    #[arg(long, default_value_t = 10)]
    pub duration_secs: u64,
    #[command(flatten)]
    pub clients: ClientArgs,
}

struct SenderResult {
    channel: usize,
    acked_ids: Vec<String>,
    ack_latency: hdrhistogram::Histogram<u64>,
    /// Refusals by error code (`rate_limited`, ...).
    errors: BTreeMap<String, u64>,
    unacked: usize,
}

pub async fn run(target: &Target, options: Options) -> Result<Report, String> {
    let channels_count = options.channels.clamp(1, options.senders.max(1));
    let mut report = Report::new(
        "burst",
        json!({
            "senders": options.senders, "channels": channels_count,
            "window": options.window, "duration_s": options.duration_secs,
        }),
    );
    let admin = Admin::login(target).await?;
    let users = admin.create_users(target, options.senders).await?;
    let mut channels = Vec::new();
    for c in 0..channels_count {
        let members: Vec<_> = users
            .iter()
            .enumerate()
            .filter(|(n, _)| n % channels_count == c)
            .map(|(_, u)| u.clone())
            .collect();
        let id = admin
            .create_channel(target, &format!("burst-{c}"), &members)
            .await?;
        let head = admin.channel_head(target, &id).await?;
        channels.push((id, head));
    }
    let assignments: Vec<usize> = (0..users.len()).collect();
    let (sockets, _) = open_sockets(target, &users, &assignments, &options.clients).await?;

    let sampler = Sampler::start(target);
    let started = Instant::now();
    let duration = Duration::from_secs(options.duration_secs);
    let tasks: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(n, ws)| {
            let channel = n % channels_count;
            let channel_id = channels[channel].0.clone();
            let window = options.window.max(1);
            tokio::spawn(send_closed_loop(
                ws, n, channel, channel_id, window, duration,
            ))
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.map_err(|e| format!("sender: {e}"))??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (peak_rss, cpu) = sampler.finish();

    let mut ack_latency = latency_histogram();
    let mut acked_per_channel: Vec<HashSet<String>> = vec![HashSet::new(); channels_count];
    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
    let mut unacked = 0;
    let mut duplicate_acks = 0;
    for result in &results {
        let _ = ack_latency.add(&result.ack_latency);
        for (code, count) in &result.errors {
            *errors.entry(code.clone()).or_default() += count;
        }
        unacked += result.unacked;
        for id in &result.acked_ids {
            if !acked_per_channel[result.channel].insert(id.clone()) {
                duplicate_acks += 1;
            }
        }
    }
    let acked: usize = acked_per_channel.iter().map(HashSet::len).sum();
    report.set("acked", acked as u64);
    report.set("acked_msgs_per_s", (acked as f64 / elapsed).round());
    report.set("ack_latency", latency_summary(&ack_latency));
    let refused: u64 = errors.values().sum();
    report.set("errors", refused);
    if refused > 0 {
        // Every send must be stored: a refusal is a failure, whatever its cause (a server of
        // one's own, started by hand, may still have its rate limits on: --spawn turns them off).
        let codes: Vec<String> = errors.iter().map(|(c, n)| format!("{c} x{n}")).collect();
        report.fail(format!(
            "{refused} sends were refused: {}",
            codes.join(", ")
        ));
    }
    if let Some(peak) = peak_rss {
        report.set("rss_peak_mib", crate::report::mib(peak));
    }
    if let Some(cpu) = cpu {
        report.set("server_cpu_pct", cpu.round());
    }
    if unacked > 0 {
        report.fail(format!("{unacked} sends never got an ack or an error"));
    }
    if duplicate_acks > 0 {
        report.fail(format!("{duplicate_acks} messages were acked twice"));
    }
    // Read every channel back from the store.
    for (c, (channel_id, head)) in channels.iter().enumerate() {
        let stored = stored_messages(target, admin.token(), channel_id, *head).await?;
        let mut seen = HashSet::new();
        for (expected_seq, (seq, id)) in (head + 1..).zip(stored.iter()) {
            if *seq != expected_seq {
                report.fail(format!(
                    "channel {c}: seq {seq} where {expected_seq} was due"
                ));
                break;
            }
            if !seen.insert(id.clone()) {
                report.fail(format!("channel {c}: message {id} stored twice"));
            }
        }
        if seen != acked_per_channel[c] {
            let lost = acked_per_channel[c].difference(&seen).count();
            let extra = seen.difference(&acked_per_channel[c]).count();
            report.fail(format!(
                "channel {c}: {lost} acked messages missing from the store, {extra} stored without an ack"
            ));
        }
    }
    Ok(report)
}

/// `(seq, message id)` of every message event after `head`, from the store.
async fn stored_messages(
    target: &Target,
    token: &str,
    channel_id: &str,
    head: i64,
) -> Result<Vec<(i64, String)>, String> {
    let mut out = Vec::new();
    let mut after = head;
    loop {
        let page: Value = target
            .http
            .get(target.url(&format!(
                "/api/v1/channels/{channel_id}/events?after={after}&limit=1000"
            )))
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let events = page["events"].as_array().ok_or("no events page")?;
        for event in events {
            let seq = event["seq"].as_i64().ok_or("event without seq")?;
            after = after.max(seq);
            if event["type"] == "message" {
                let id = event["message"]["id"]
                    .as_str()
                    .ok_or("message without id")?;
                out.push((seq, id.to_owned()));
            }
        }
        if !page["has_more"].as_bool().unwrap_or(false) || events.is_empty() {
            return Ok(out);
        }
    }
}

/// One sender: keeps `window` sends in flight until `duration` is over, then waits for the
/// last acks (reading its channel's messages meanwhile, as a client must).
async fn send_closed_loop(
    mut ws: Ws,
    sender: usize,
    channel: usize,
    channel_id: String,
    window: usize,
    duration: Duration,
) -> Result<SenderResult, String> {
    let origin = Instant::now();
    let mut result = SenderResult {
        channel,
        acked_ids: Vec::new(),
        ack_latency: latency_histogram(),
        errors: BTreeMap::new(),
        unacked: 0,
    };
    let mut in_flight = 0usize;
    let mut next = 0u64;
    let deadline = origin + duration;
    let drain_deadline = deadline + Duration::from_secs(20);
    loop {
        let sending = Instant::now() < deadline;
        if sending && in_flight < window {
            let now = origin.elapsed().as_micros() as u64;
            let frame = ClientFrame::send(
                channel_id.clone(),
                format!("s{sender}-{next}"),
                format!("burst {sender} {next}"),
            )
            .with_ref(now.to_string());
            let text = serde_json::to_string(&frame).map_err(|e| e.to_string())?;
            ws.send(Message::Text(text.into()))
                .await
                .map_err(|e| format!("sender {sender}: {e}"))?;
            in_flight += 1;
            next += 1;
            continue;
        }
        if !sending && in_flight == 0 {
            break;
        }
        let wait = if sending {
            deadline.saturating_duration_since(Instant::now())
        } else {
            drain_deadline.saturating_duration_since(Instant::now())
        };
        if wait.is_zero() && !sending {
            break;
        }
        let frame = match tokio::time::timeout(wait.max(Duration::from_millis(1)), ws.next()).await
        {
            Err(_) => continue,
            Ok(Some(Ok(Message::Text(text)))) => text,
            Ok(Some(Ok(_))) => continue,
            Ok(_) => return Err(format!("sender {sender}: the socket closed")),
        };
        let Ok(frame) = serde_json::from_str::<Incoming>(frame.as_str()) else {
            continue;
        };
        match frame.kind.as_ref() {
            "ack" => {
                in_flight = in_flight.saturating_sub(1);
                let now = origin.elapsed().as_micros() as u64;
                if let Some(sent_at) = frame.reference.and_then(|r| r.parse::<u64>().ok()) {
                    let _ = result
                        .ack_latency
                        .record(now.saturating_sub(sent_at).max(1));
                }
                match frame.message_id {
                    Some(id) => result.acked_ids.push(id.into_owned()),
                    None => return Err(format!("sender {sender}: an ack without message_id")),
                }
            }
            "error" => {
                in_flight = in_flight.saturating_sub(1);
                let code = frame.code.as_deref().unwrap_or("(no code)").to_owned();
                *result.errors.entry(code).or_default() += 1;
            }
            _ => {}
        }
    }
    result.unacked = in_flight;
    Ok(result)
}
