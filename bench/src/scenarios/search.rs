//! `search`: a large history of realistic Catalan and Spanish text in many channels, then
//! searches from concurrent searchers (one word, two words, a phrase, a prefix, a filtered
//! search) while messages keep being posted at a fixed rate. Reports the latency of each kind
//! of search and the posting rate and ack latency meanwhile; fails when a search errs or finds
//! nothing where the history must hold matches.

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
use crate::setup::{Admin, BenchUser};

#[derive(Debug, Clone, Args)]
pub struct Options {
    /// Messages in the history before searching.
    #[arg(long, default_value_t = 1_000_000)]
    pub messages: usize,
    /// Channels the history is spread over.
    #[arg(long, default_value_t = 200)]
    pub channels: usize,
    /// Sockets loading the history (each keeps `window` sends in flight).
    #[arg(long, default_value_t = 50)]
    pub loaders: usize,
    #[arg(long, default_value_t = 64)]
    pub window: usize,
    /// Concurrent searchers (each a member of every channel).
    #[arg(long, default_value_t = 20)]
    pub searchers: usize,
    /// Messages posted per second while searching.
    #[arg(long, default_value_t = 200)]
    pub post_rate: u64,
    /// Seconds of searching.
    #[arg(long, default_value_t = 30)]
    pub duration_secs: u64,
    /// Mean pause of each searcher between searches, in ms (each pause drawn between half and
    /// one and a half of it, so searchers do not fall into step). 0, the default, searches
    /// back to back: the saturation case. A pause reads the latency people get while they
    /// search at a pace the machine keeps up with.
    #[arg(long, default_value_t = 0)]
    pub pause_ms: u64,
    #[command(flatten)]
    pub clients: ClientArgs,
}

const CATALAN: &[&str] = &[
    "llicència",
    "d'obres",
    "l'Ajuntament",
    "col·lecció",
    "política",
    "seguretat",
    "cafè",
    "reunió",
    "expedient",
    "plànol",
    "informe",
    "carrer",
    "façana",
    "veïns",
    "pressupost",
    "contracte",
    "urbanisme",
    "mobilitat",
    "serveis",
    "socials",
    "regidoria",
    "alcaldia",
    "dimarts",
    "dijous",
    "demà",
    "avui",
    "setmana",
    "vinent",
    "revisar",
    "aprovar",
    "signar",
    "enviar",
    "document",
    "projecte",
    "obra",
    "menor",
    "major",
    "tècnic",
    "tècnica",
    "ciutadania",
    "atenció",
    "tràmit",
    "sol·licitud",
    "resolució",
    "termini",
    "licitació",
    "paviment",
    "enllumenat",
    "parc",
    "escola",
    "biblioteca",
    "festa",
    "major",
    "policia",
    "local",
    "incidència",
    "xarxa",
    "VPN",
    "impressora",
    "contrasenya",
    "correu",
    "la",
    "el",
    "de",
    "del",
    "amb",
    "per",
    "que",
    "i",
    "a",
    "en",
    "un",
    "una",
    "els",
    "les",
    "cal",
];
const SPANISH: &[&str] = &[
    "licencia",
    "obras",
    "ayuntamiento",
    "política",
    "seguridad",
    "reunión",
    "expediente",
    "plano",
    "informe",
    "calle",
    "fachada",
    "vecinos",
    "presupuesto",
    "contrato",
    "urbanismo",
    "movilidad",
    "martes",
    "jueves",
    "mañana",
    "hoy",
    "semana",
    "revisar",
    "aprobar",
    "firmar",
    "enviar",
    "documento",
    "proyecto",
    "técnico",
    "atención",
    "trámite",
    "solicitud",
    "plazo",
    "la",
    "el",
    "de",
    "del",
    "con",
    "para",
    "que",
    "y",
    "en",
    "un",
    "una",
    "los",
    "las",
    "hay",
];

/// A small deterministic generator (xorshift), so that runs are comparable.
struct Words(u64);

impl Words {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() % list.len() as u64) as usize]
    }

    /// A message of 6 to 25 words, one in ten in Spanish.
    fn sentence(&mut self) -> String {
        let list = if self.next().is_multiple_of(10) {
            SPANISH
        } else {
            CATALAN
        };
        let count = 6 + (self.next() % 20) as usize;
        (0..count)
            .map(|_| self.pick(list))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

pub async fn run(target: &Target, options: Options) -> Result<Report, String> {
    let channels_count = options.channels.max(1);
    let loaders = options.loaders.clamp(1, channels_count);
    let mut report = Report::new(
        "search",
        json!({
            "messages": options.messages, "channels": channels_count,
            "searchers": options.searchers, "pause_ms": options.pause_ms, "post_rate": options.post_rate,
            "duration_s": options.duration_secs,
        }),
    );
    let admin = Admin::login(target).await?;
    let users = admin
        .create_users(target, loaders + options.searchers + 1)
        .await?;
    let (loader_users, rest) = users.split_at(loaders);
    let (searchers, poster) = rest.split_at(options.searchers);
    let mut channels = Vec::with_capacity(channels_count);
    let setup = Instant::now();
    for c in 0..channels_count {
        let mut members: Vec<BenchUser> = searchers.to_vec();
        members.push(loader_users[c % loaders].clone());
        members.extend(poster.iter().cloned());
        channels.push(
            admin
                .create_channel(target, &format!("cerca-{c}"), &members)
                .await?,
        );
    }
    eprintln!(
        "created {channels_count} channels in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    // The history: each loader posts into its own channels, round robin.
    let assignments: Vec<usize> = (0..loaders).collect();
    let (sockets, _) = open_sockets(target, loader_users, &assignments, &options.clients).await?;
    let loading = Instant::now();
    let per_loader = options.messages.div_ceil(loaders);
    let tasks: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(n, ws)| {
            let mine: Vec<String> = (n..channels_count)
                .step_by(loaders)
                .map(|c| channels[c].clone())
                .collect();
            let count = per_loader.min(options.messages.saturating_sub(n * per_loader));
            tokio::spawn(load(ws, n, mine, count, options.window.max(1)))
        })
        .collect();
    let mut loaded = 0;
    for task in tasks {
        loaded += task.await.map_err(|e| format!("loader: {e}"))??;
    }
    let load_secs = loading.elapsed().as_secs_f64();
    report.set("loaded", loaded as u64);
    report.set("load_msgs_per_s", (loaded as f64 / load_secs).round());

    // Searching, while one socket posts at `post_rate`.
    let poster_user = poster.first().ok_or("no poster")?;
    let (mut poster_sockets, _) = open_sockets(
        target,
        std::slice::from_ref(poster_user),
        &[0],
        &options.clients,
    )
    .await?;
    let poster_ws = poster_sockets.pop().ok_or("no poster socket")?;
    let duration = Duration::from_secs(options.duration_secs);
    let sampler = Sampler::start(target);
    let posting = tokio::spawn(post_at_rate(
        poster_ws,
        channels.clone(),
        options.post_rate,
        duration,
    ));
    let searching: Vec<_> = searchers
        .iter()
        .enumerate()
        .map(|(n, user)| {
            tokio::spawn(search_loop(
                target.http.clone(),
                target.url("/api/v1/search"),
                user.token.clone(),
                n as u64,
                channels.clone(),
                duration,
                options.pause_ms,
            ))
        })
        .collect();
    let mut by_kind: Vec<(&str, hdrhistogram::Histogram<u64>)> =
        KINDS.iter().map(|k| (*k, latency_histogram())).collect();
    let mut empty = 0u64;
    let mut searches = 0u64;
    for task in searching {
        let result = task.await.map_err(|e| format!("searcher: {e}"))??;
        for (kind, histogram) in result.latencies {
            if let Some((_, total)) = by_kind.iter_mut().find(|(k, _)| *k == kind) {
                let _ = total.add(&histogram);
            }
        }
        empty += result.empty;
        searches += result.searches;
    }
    let posted = posting.await.map_err(|e| format!("poster: {e}"))??;
    let (peak_rss, cpu) = sampler.finish();
    report.set(
        "searches_per_s",
        (searches as f64 / duration.as_secs_f64()).round(),
    );
    for (kind, histogram) in &by_kind {
        report.set(kind, latency_summary(histogram));
    }
    report.set(
        "posted_per_s",
        (posted.acked as f64 / duration.as_secs_f64()).round(),
    );
    report.set("post_ack_latency", latency_summary(&posted.latency));
    if let Some(peak) = peak_rss {
        report.set("rss_peak_mib", crate::report::mib(peak));
    }
    if let Some(cpu) = cpu {
        report.set("server_cpu_pct", cpu.round());
    }
    if empty > 0 {
        report.fail(format!(
            "{empty} searches for words the history holds found nothing"
        ));
    }
    if posted.errors > 0 {
        report.fail(format!("{} posts were refused", posted.errors));
    }
    Ok(report)
}

const KINDS: &[&str] = &["one_word", "two_words", "phrase", "prefix", "filtered"];

struct Searched {
    latencies: Vec<(&'static str, hdrhistogram::Histogram<u64>)>,
    searches: u64,
    empty: u64,
}

/// One searcher: searches of every kind in turn, as fast as answers come, for `duration`.
async fn search_loop(
    http: reqwest::Client,
    url: String,
    token: String,
    seed: u64,
    channels: Vec<String>,
    duration: Duration,
    pause_ms: u64,
) -> Result<Searched, String> {
    let mut words = Words(0x2545_f491_4f6c_dd1d ^ (seed + 1).wrapping_mul(0x9e37_79b9));
    let mut latencies: Vec<(&'static str, hdrhistogram::Histogram<u64>)> =
        KINDS.iter().map(|k| (*k, latency_histogram())).collect();
    let (mut searches, mut empty) = (0, 0);
    let deadline = Instant::now() + duration;
    let mut turn = 0usize;
    while Instant::now() < deadline {
        let kind = KINDS[turn % KINDS.len()];
        turn += 1;
        // Content words only, so that every search must find something.
        let vocabulary = &CATALAN[..60];
        let query = match kind {
            "one_word" | "filtered" => words.pick(vocabulary).to_owned(),
            "two_words" => format!("{} {}", words.pick(vocabulary), words.pick(vocabulary)),
            "phrase" => "\"llicència d'obres\"".to_owned(),
            _ => format!("{}*", &fold_prefix(words.pick(vocabulary))),
        };
        let mut address = format!("{url}?limit=20&q={}", encode(&query));
        if kind == "filtered" {
            let channel = &channels[words.next() as usize % channels.len()];
            address.push_str(&format!("&channel_id={channel}"));
        }
        let sent = Instant::now();
        let answer: Value = http
            .get(&address)
            .bearer_auth(&token)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let micros = sent.elapsed().as_micros() as u64;
        let Some(results) = answer["results"].as_array() else {
            return Err(format!("search {query:?} answered {answer}"));
        };
        // Two words need not meet in one message, nor a word in one channel's share.
        if results.is_empty() && kind != "filtered" && kind != "two_words" {
            empty += 1;
        }
        if let Some((_, histogram)) = latencies.iter_mut().find(|(k, _)| *k == kind) {
            let _ = histogram.record(micros.max(1));
        }
        searches += 1;
        if pause_ms > 0 {
            let pause = pause_ms / 2 + words.next() % (pause_ms + 1);
            tokio::time::sleep(Duration::from_millis(pause)).await;
        }
    }
    Ok(Searched {
        latencies,
        searches,
        empty,
    })
}

/// `text` for a query string (everything but unreserved characters percent-encoded).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The first four letters of a word, without the apostrophe part (`d'obres` → `obre`).
fn fold_prefix(word: &str) -> String {
    let word = word.rsplit('\'').next().unwrap_or(word);
    word.chars().take(4).collect()
}

/// Loads `count` messages over `channels`, keeping `window` in flight; how many were acked.
async fn load(
    mut ws: Ws,
    loader: usize,
    channels: Vec<String>,
    count: usize,
    window: usize,
) -> Result<usize, String> {
    let mut words = Words(0x9e37_79b9_7f4a_7c15 ^ (loader as u64 + 1));
    let (mut sent, mut acked, mut in_flight) = (0usize, 0usize, 0usize);
    while acked < count {
        if sent < count && in_flight < window {
            let channel = &channels[sent % channels.len()];
            let frame = ClientFrame::send(
                channel.clone(),
                format!("l{loader}-{sent}"),
                words.sentence(),
            );
            let text = serde_json::to_string(&frame).map_err(|e| e.to_string())?;
            ws.send(Message::Text(text.into()))
                .await
                .map_err(|e| format!("loader {loader}: {e}"))?;
            sent += 1;
            in_flight += 1;
            continue;
        }
        let frame = match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
            Err(_) => return Err(format!("loader {loader}: no ack for 30 s")),
            Ok(Some(Ok(Message::Text(text)))) => text,
            Ok(Some(Ok(_))) => continue,
            Ok(_) => return Err(format!("loader {loader}: the socket closed")),
        };
        let Ok(frame) = serde_json::from_str::<Incoming>(frame.as_str()) else {
            continue;
        };
        match frame.kind.as_ref() {
            "ack" => {
                acked += 1;
                in_flight -= in_flight.min(1);
            }
            "error" => {
                return Err(format!(
                    "loader {loader}: a send was refused ({:?}: {:?})",
                    frame.code,
                    frame.message.map(|m| m.body)
                ));
            }
            _ => {}
        }
    }
    Ok(acked)
}

struct Posted {
    acked: u64,
    errors: u64,
    latency: hdrhistogram::Histogram<u64>,
}

/// Posts at `rate` messages per second for `duration`, spread over `channels`.
async fn post_at_rate(
    mut ws: Ws,
    channels: Vec<String>,
    rate: u64,
    duration: Duration,
) -> Result<Posted, String> {
    let mut words = Words(0x5851_f42d_4c95_7f2d);
    let origin = Instant::now();
    let mut posted = Posted {
        acked: 0,
        errors: 0,
        latency: latency_histogram(),
    };
    let interval = Duration::from_micros(1_000_000 / rate.max(1));
    let mut next_send = origin;
    let mut sent = 0u64;
    let deadline = origin + duration;
    let drain = deadline + Duration::from_secs(10);
    loop {
        let now = Instant::now();
        if now >= drain || (now >= deadline && posted.acked + posted.errors >= sent) {
            break;
        }
        if now >= next_send && now < deadline {
            let channel = &channels[(sent as usize) % channels.len()];
            let frame = ClientFrame::send(channel.clone(), format!("p-{sent}"), words.sentence())
                .with_ref(origin.elapsed().as_micros().to_string());
            let text = serde_json::to_string(&frame).map_err(|e| e.to_string())?;
            ws.send(Message::Text(text.into()))
                .await
                .map_err(|e| format!("poster: {e}"))?;
            sent += 1;
            next_send += interval;
            continue;
        }
        let wait = if now < deadline {
            next_send.saturating_duration_since(now)
        } else {
            drain.saturating_duration_since(now)
        };
        let Ok(frame) = tokio::time::timeout(wait.max(Duration::from_micros(100)), ws.next()).await
        else {
            continue;
        };
        let text = match frame {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(_)) => continue,
            _ => return Err("poster: the socket closed".into()),
        };
        let Ok(frame) = serde_json::from_str::<Incoming>(text.as_str()) else {
            continue;
        };
        match frame.kind.as_ref() {
            "ack" => {
                posted.acked += 1;
                if let Some(at) = frame.reference.and_then(|r| r.parse::<u64>().ok()) {
                    let now = origin.elapsed().as_micros() as u64;
                    let _ = posted.latency.record(now.saturating_sub(at).max(1));
                }
            }
            "error" => posted.errors += 1,
            _ => {}
        }
    }
    Ok(posted)
}
