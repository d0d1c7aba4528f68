//! `xerrada-bench`: a load generator for Xerrada, built on the `protocol` crate and
//! tokio-tungstenite, as any client is.
//!
//! Three scenarios, each a subcommand (see `docs/benchmarks.md` for the commands and results):
//! - `connections`: N authenticated idle sockets; time to all `ready`, server RSS per socket.
//! - `fanout`: users in channels of given sizes, a fixed total send rate for a duration;
//!   deliveries/s, latencies, and an exact check that every member got every message once and
//!   in `seq` order.
//! - `burst`: the highest durable (acked) send rate with many concurrent senders.
//! - `upload`: many large uploads at once; throughput, and server memory (streamed, bounded).
//! - `search`: searches over a large history of Catalan and Spanish text while messages keep
//!   being posted; latency per kind of query, and the posting rate meanwhile.
//!
//! It either starts the server itself (`--spawn path/to/xerrada`, on a fresh data dir) or
//! uses a running one (`--url`, `--admin-password`, and `--server-pid` for RSS/CPU). Each run
//! ends by itself, prints a Markdown summary line and writes a JSON result; any lost,
//! duplicated or reordered message makes it exit with status 1.

mod client;
mod report;
mod scenarios;
mod server;
mod setup;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "xerrada-bench", version, about)]
struct Cli {
    #[command(flatten)]
    target: server::TargetArgs,
    /// Where to write the JSON result.
    #[arg(long, global = true)]
    json: Option<std::path::PathBuf>,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// Open N authenticated idle sockets and report memory per socket.
    Connections(scenarios::connections::Options),
    /// Send at a fixed rate into channels and check every delivery.
    Fanout(scenarios::fanout::Options),
    /// Find the durable send rate with many concurrent senders.
    Burst(scenarios::burst::Options),
    /// Many large uploads at once: throughput and server memory.
    Upload(scenarios::upload::Options),
    /// Searches over a large history while messages keep coming.
    Search(scenarios::search::Options),
}

/// Options every scenario shares about its own clients.
#[derive(Debug, Clone, Args)]
pub struct ClientArgs {
    /// Loopback source addresses to spread sockets over (127.0.0.1 .. 127.0.0.N), each good
    /// for about 28,000 connections to one server port.
    #[arg(long, default_value_t = 8)]
    pub sources: u8,
    /// Sockets being opened at the same time.
    #[arg(long, default_value_t = 256)]
    pub connect_concurrency: usize,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The HTTP client may speak TLS (a server behind https); ring is its provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("xerrada-bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(report) => {
            println!("{}", report.markdown_line());
            if report.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                for failure in &report.failures {
                    eprintln!("FAILED: {failure}");
                }
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("xerrada-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<report::Report, String> {
    let limit = client::raise_fd_limit();
    eprintln!("file descriptor limit: {limit}");
    let target = server::Target::start(&cli.target).await?;
    let result = match cli.scenario {
        Scenario::Connections(options) => scenarios::connections::run(&target, options).await,
        Scenario::Fanout(options) => scenarios::fanout::run(&target, options).await,
        Scenario::Burst(options) => scenarios::burst::run(&target, options).await,
        Scenario::Upload(options) => scenarios::upload::run(&target, options).await,
        Scenario::Search(options) => scenarios::search::run(&target, options).await,
    };
    let mut report = result?;
    report.server = target.describe();
    if let Some(path) = &cli.json {
        std::fs::write(path, report.to_json())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    target.stop();
    Ok(report)
}
