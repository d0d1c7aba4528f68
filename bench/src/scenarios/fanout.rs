//! `fanout`: users in channels of given sizes, senders at a fixed total rate for a duration.
//! Reports accepted msgs/s, deliveries/s, ack and send->delivered latency, 4008 closes, and
//! checks that every member got every message of its channels exactly once, in `seq` order.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde_json::json;
use tokio::sync::{Mutex, watch};
use tokio_tungstenite::tungstenite::Message;
use xerrada_protocol::ClientFrame;

use super::open_sockets;
use crate::ClientArgs;
use crate::client::{Incoming, Ws};
use crate::report::{Report, latency_histogram, latency_summary, mib};
use crate::server::{Sampler, Target};
use crate::setup::Admin;

#[derive(Debug, Clone, Args)]
pub struct Options {
    /// Users (one socket each).
    #[arg(long, default_value_t = 1_000)]
    pub users: usize,
    /// Channels as `size:count` pairs, e.g. `10:100,100:10,1000:1`.
    #[arg(long, default_value = "100:10")]
    pub channels: String,
    /// Total messages per second over all channels.
    #[arg(long, default_value_t = 1_000)]
    pub rate: u64,
    /// Seconds of sending.
    #[arg(long, default_value_t = 10)]
    pub duration_secs: u64,
    /// Sockets that stop reading (they should be closed with 4008, and memory stay bounded).
    #[arg(long, default_value_t = 0)]
    pub slow_readers: usize,
    /// Pad each message body to about this many bytes.
    #[arg(long, default_value_t = 0)]
    pub body_bytes: usize,
    #[command(flatten)]
    pub clients: ClientArgs,
}

/// The bench's clock: every body carries microseconds since this instant.
fn micros_since(origin: Instant) -> u64 {
    origin.elapsed().as_micros() as u64
}

struct Channel {
    id: String,
    members: Vec<usize>,
    head: i64,
    acked: AtomicU64,
}

/// What one reading socket saw.
struct SocketStats {
    delivery: Histogram<u64>,
    ack: Histogram<u64>,
    /// Per channel index: messages delivered and the last `seq`.
    seen: HashMap<usize, (u64, i64)>,
    violations: Vec<String>,
    errors: u64,
    closed_with: Option<u16>,
}

type Sink = Arc<Mutex<SplitSink<Ws, Message>>>;

fn parse_channels(spec: &str) -> Result<Vec<(usize, usize)>, String> {
    spec.split(',')
        .map(|pair| {
            let (size, count) = pair
                .split_once(':')
                .ok_or_else(|| format!("{pair:?}: expected size:count"))?;
            let size = size
                .trim()
                .parse()
                .map_err(|_| format!("bad size in {pair:?}"))?;
            let count = count
                .trim()
                .parse()
                .map_err(|_| format!("bad count in {pair:?}"))?;
            Ok((size, count))
        })
        .collect()
}

pub async fn run(target: &Target, options: Options) -> Result<Report, String> {
    let layout = parse_channels(&options.channels)?;
    let mut report = Report::new(
        "fanout",
        json!({
            "users": options.users, "channels": options.channels, "rate": options.rate,
            "duration_s": options.duration_secs, "slow_readers": options.slow_readers,
            "body_bytes": options.body_bytes,
        }),
    );
    if layout
        .iter()
        .any(|(size, _)| *size > options.users || *size < 2)
    {
        return Err("every channel size must be between 2 and --users".into());
    }
    let admin = Admin::login(target).await?;
    let users = admin.create_users(target, options.users).await?;

    // Members are taken round-robin, so each user is in about as many channels as any other.
    let mut channels = Vec::new();
    let mut next = 0usize;
    let setup_started = Instant::now();
    for (size, count) in &layout {
        for n in 0..*count {
            let members: Vec<usize> = (0..*size).map(|k| (next + k) % users.len()).collect();
            next = (next + size) % users.len();
            let member_users: Vec<_> = members.iter().map(|m| users[*m].clone()).collect();
            let id = admin
                .create_channel(target, &format!("c{size}-{n}"), &member_users)
                .await?;
            let head = admin.channel_head(target, &id).await?;
            channels.push(Channel {
                id,
                members,
                head,
                acked: AtomicU64::new(0),
            });
        }
    }
    eprintln!(
        "created {} channels in {:.1} s",
        channels.len(),
        setup_started.elapsed().as_secs_f64()
    );
    let channels = Arc::new(channels);
    let channel_index: Arc<HashMap<String, usize>> = Arc::new(
        channels
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect(),
    );

    let assignments: Vec<usize> = (0..users.len()).collect();
    let (sockets, elapsed) = open_sockets(target, &users, &assignments, &options.clients).await?;
    eprintln!(
        "{} sockets ready in {:.1} s",
        sockets.len(),
        elapsed.as_secs_f64()
    );

    // The slow readers are the first sockets (members of the first channels listed); they
    // never read and never send.
    let slow_below = options.slow_readers.min(users.len());
    let origin = Instant::now();
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut sinks: Vec<Option<Sink>> = Vec::with_capacity(users.len());
    let mut readers = Vec::new();
    let mut slow = Vec::new();
    for (n, ws) in sockets.into_iter().enumerate() {
        let (sink, stream) = ws.split();
        if n < slow_below {
            slow.push((sink, stream));
            sinks.push(None);
            continue;
        }
        sinks.push(Some(Arc::new(Mutex::new(sink))));
        readers.push(tokio::spawn(read_socket(
            stream,
            channel_index.clone(),
            channels.clone(),
            origin,
            stop_rx.clone(),
        )));
    }

    let before = target.sample();
    let sampler = Sampler::start(target);
    let sent = Arc::new(AtomicU64::new(0));
    let send_started = Instant::now();
    let pacers = pace(
        &channels,
        &sinks,
        Pacing {
            slow_below,
            rate: options.rate,
            duration: Duration::from_secs(options.duration_secs),
            origin,
            padding: "x".repeat(options.body_bytes),
        },
        sent.clone(),
    );
    for pacer in pacers {
        let _ = pacer.await;
    }
    let send_elapsed = send_started.elapsed();
    let sent = sent.load(Ordering::Relaxed);

    // Wait until every send is answered (bounded), then for the deliveries to land.
    let drain_deadline = Instant::now() + Duration::from_secs(20);
    let mut last_acked = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let acked: u64 = channels
            .iter()
            .map(|c| c.acked.load(Ordering::Relaxed))
            .sum();
        if (acked == sent && acked == last_acked) || Instant::now() > drain_deadline {
            break;
        }
        last_acked = acked;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (peak_rss, cpu) = sampler.finish();
    // Every acked message must have reached every reading member.
    let expected: u64 = channels
        .iter()
        .map(|c| {
            let readers = c.members.iter().filter(|m| **m >= slow_below).count() as u64;
            readers * c.acked.load(Ordering::Relaxed)
        })
        .sum();
    let _ = stop_tx.send(true);

    let mut delivery = latency_histogram();
    let mut ack = latency_histogram();
    let mut delivered_total = 0u64;
    let mut errors = 0u64;
    let mut violations = Vec::new();
    let mut unexpected_closes = 0u64;
    for reader in readers {
        let stats = reader.await.map_err(|e| format!("reader: {e}"))?;
        let _ = delivery.add(&stats.delivery);
        let _ = ack.add(&stats.ack);
        errors += stats.errors;
        violations.extend(stats.violations);
        if stats.closed_with.is_some() {
            unexpected_closes += 1;
        }
        delivered_total += stats.seen.values().map(|(count, _)| *count).sum::<u64>();
        // Every channel of this socket must be complete (checked per channel below).
        for (channel, (count, _)) in &stats.seen {
            let acked = channels[*channel].acked.load(Ordering::Relaxed);
            if *count != acked {
                violations.push(format!(
                    "a member of channel {channel} got {count} of {acked} messages"
                ));
            }
        }
    }
    let acked_total: u64 = channels
        .iter()
        .map(|c| c.acked.load(Ordering::Relaxed))
        .sum();
    if delivered_total != expected {
        violations.push(format!(
            "{delivered_total} deliveries, {expected} expected (every reading member × acked)"
        ));
    }
    // The slow readers: read what is buffered until the close, to see its code.
    // Those still open (they were not far enough behind) time out; all read at once.
    let slow_readers: Vec<_> = slow
        .into_iter()
        .map(|(_sink, mut stream)| {
            tokio::spawn(async move {
                while let Some(frame) = stream.next().await {
                    match frame {
                        Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                        Ok(_) => {}
                        Err(_) => return None,
                    }
                }
                None
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut slow_closes = 0u64;
    for reader in slow_readers {
        if !reader.is_finished() {
            reader.abort();
        } else if matches!(reader.await, Ok(Some(4008))) {
            slow_closes += 1;
        }
    }

    let secs = send_elapsed.as_secs_f64();
    report.set("sent", sent);
    report.set("acked", acked_total);
    report.set("accepted_msgs_per_s", (acked_total as f64 / secs).round());
    report.set("deliveries", delivered_total);
    report.set("deliveries_per_s", (delivered_total as f64 / secs).round());
    report.set("ack_latency", latency_summary(&ack));
    report.set("delivery_latency", latency_summary(&delivery));
    report.set("slow_reader_4008_closes", slow_closes);
    report.set("errors", errors);
    if let Some(before) = before {
        report.set("rss_before_mib", mib(before.rss_bytes));
    }
    if let Some(peak) = peak_rss {
        report.set("rss_peak_mib", mib(peak));
    }
    if let Some(cpu) = cpu {
        report.set("server_cpu_pct", cpu.round());
    }
    if acked_total < sent {
        report.fail(format!("{} sends were never acked", sent - acked_total));
    }
    if unexpected_closes > 0 {
        report.fail(format!("{unexpected_closes} reading sockets were closed"));
    }
    let shown = violations.len().min(10);
    for violation in violations.drain(..shown) {
        report.fail(violation);
    }
    if !violations.is_empty() {
        report.fail(format!("... and {} more violations", violations.len()));
    }
    Ok(report)
}

/// Starts the pacer tasks: each owns a share of the channels and sends at its share of the
/// rate, one message per tick, round-robin over its channels and their reading members.
/// How the pacers send.
struct Pacing {
    /// Sockets below this index never read nor send.
    slow_below: usize,
    rate: u64,
    duration: Duration,
    origin: Instant,
    /// Appended to each body (after the timestamp).
    padding: String,
}

fn pace(
    channels: &Arc<Vec<Channel>>,
    sinks: &[Option<Sink>],
    pacing: Pacing,
    sent: Arc<AtomicU64>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let Pacing {
        slow_below,
        rate,
        duration,
        origin,
        padding,
    } = pacing;
    let pacers = (rate / 2_000).clamp(1, 16) as usize;
    let pacers = pacers.min(channels.len());
    (0..pacers)
        .map(|p| {
            let mine: Vec<usize> = (p..channels.len()).step_by(pacers).collect();
            let senders: Vec<Vec<(usize, Sink)>> = mine
                .iter()
                .map(|c| {
                    channels[*c]
                        .members
                        .iter()
                        .filter(|m| **m >= slow_below)
                        .filter_map(|m| sinks[*m].clone().map(|s| (*m, s)))
                        .collect()
                })
                .collect();
            let channels = channels.clone();
            let sent = sent.clone();
            let padding = padding.clone();
            let share = rate as f64 / pacers as f64;
            tokio::spawn(async move {
                let started = Instant::now();
                let mut count: u64 = 0;
                let mut turn = 0usize;
                while started.elapsed() < duration {
                    // Catch up with the schedule in bursts of at most 64 per wake-up.
                    let due = (started.elapsed().as_secs_f64() * share) as u64;
                    let mut budget = due.saturating_sub(count).min(64);
                    if budget == 0 {
                        tokio::time::sleep(Duration::from_micros(500)).await;
                        continue;
                    }
                    while budget > 0 {
                        let slot = turn % mine.len();
                        let choices = &senders[slot];
                        if choices.is_empty() {
                            turn += 1;
                            continue;
                        }
                        let (member, sink) = &choices[(turn / mine.len()) % choices.len()];
                        let channel = &channels[mine[slot]];
                        let now = micros_since(origin);
                        let frame = ClientFrame::send(
                            channel.id.clone(),
                            format!("{p}-{count}-{member}"),
                            format!("t{now} {padding}"),
                        )
                        .with_ref(now.to_string());
                        let text = serde_json::to_string(&frame).unwrap_or_default();
                        if sink
                            .lock()
                            .await
                            .send(Message::Text(text.into()))
                            .await
                            .is_ok()
                        {
                            sent.fetch_add(1, Ordering::Relaxed);
                        }
                        count += 1;
                        turn += 1;
                        budget -= 1;
                    }
                }
            })
        })
        .collect()
}

/// Reads one socket until told to stop: latencies, per-channel order, acks.
async fn read_socket(
    mut stream: SplitStream<Ws>,
    channel_index: Arc<HashMap<String, usize>>,
    channels: Arc<Vec<Channel>>,
    origin: Instant,
    mut stop: watch::Receiver<bool>,
) -> SocketStats {
    let mut stats = SocketStats {
        delivery: latency_histogram(),
        ack: latency_histogram(),
        seen: HashMap::new(),
        violations: Vec::new(),
        errors: 0,
        closed_with: None,
    };
    loop {
        let next = tokio::select! {
            _ = stop.changed() => break,
            next = stream.next() => next,
        };
        let text = match next {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(frame))) => {
                stats.closed_with = Some(frame.map_or(1005, |f| u16::from(f.code)));
                break;
            }
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => {
                stats.closed_with = Some(1006);
                break;
            }
        };
        let Ok(frame) = serde_json::from_str::<Incoming>(text.as_str()) else {
            stats.violations.push("an unreadable frame".into());
            continue;
        };
        let now = micros_since(origin);
        match frame.kind.as_ref() {
            "message" => {
                let (Some(channel_id), Some(seq), Some(message)) =
                    (frame.channel_id, frame.seq, frame.message)
                else {
                    stats
                        .violations
                        .push("a message frame without its fields".into());
                    continue;
                };
                let Some(&channel) = channel_index.get(channel_id.as_ref()) else {
                    continue;
                };
                let stamp = message.body.split(' ').next().unwrap_or("");
                if let Some(sent_at) = stamp.strip_prefix('t').and_then(|t| t.parse::<u64>().ok()) {
                    let _ = stats.delivery.record(now.saturating_sub(sent_at).max(1));
                }
                let entry = stats
                    .seen
                    .entry(channel)
                    .or_insert((0, channels[channel].head));
                if seq != entry.1 + 1 {
                    stats.violations.push(format!(
                        "channel {channel}: seq {seq} after {} (lost, duplicated or reordered)",
                        entry.1
                    ));
                }
                entry.0 += 1;
                entry.1 = seq;
            }
            "ack" => {
                if let Some(sent_at) = frame.reference.and_then(|r| r.parse::<u64>().ok()) {
                    let _ = stats.ack.record(now.saturating_sub(sent_at).max(1));
                }
                if let Some(&channel) = frame
                    .channel_id
                    .as_deref()
                    .and_then(|c| channel_index.get(c))
                {
                    channels[channel].acked.fetch_add(1, Ordering::Relaxed);
                }
            }
            "error" => {
                stats.errors += 1;
                if stats.errors <= 3 {
                    stats.violations.push(format!(
                        "error frame: {}",
                        frame.code.as_deref().unwrap_or("?")
                    ));
                }
            }
            _ => {}
        }
    }
    stats
}
