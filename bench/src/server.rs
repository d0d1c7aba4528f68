//! The server under test: started by the bench on a fresh data dir (`--spawn`), or one that
//! already runs (`--url`). Its RSS and CPU are read from `/proc` when its pid is known.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;
use serde::Serialize;

/// Password of the admin account of a spawned server.
const SPAWNED_ADMIN_PASSWORD: &str = "bench-admin-password";

#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// Start this `xerrada` binary on a fresh data dir (and stop it at the end).
    #[arg(long, global = true, conflicts_with = "url")]
    pub spawn: Option<PathBuf>,
    /// A running server, e.g. http://127.0.0.1:8080.
    #[arg(long, global = true)]
    pub url: Option<String>,
    /// The admin password of the running server (`--url`).
    #[arg(long, global = true, env = "XERRADA_ADMIN_PASSWORD")]
    pub admin_password: Option<String>,
    /// The running server's pid, to sample its RSS and CPU.
    #[arg(long, global = true)]
    pub server_pid: Option<u32>,
    /// A `xerrada.toml` for the spawned server.
    #[arg(long, global = true)]
    pub server_config: Option<PathBuf>,
    /// Other nodes of the same cluster as `--url` (repeatable): sockets are spread over all
    /// nodes in turn; set-up goes through `--url`.
    #[arg(
        long = "also-node",
        global = true,
        value_delimiter = ',',
        requires = "url"
    )]
    pub also_nodes: Vec<String>,
}

/// What the report says about the server.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServerInfo {
    pub url: String,
    pub spawned: bool,
    /// Spawned: from process start to `/readyz` 200 on a fresh data dir.
    pub first_start_ms: Option<u64>,
    /// Spawned: the same on the now populated data dir, after a graceful stop.
    pub restart_ms: Option<u64>,
    pub cores: usize,
    pub memory_gib: f64,
}

pub struct Target {
    pub http: reqwest::Client,
    pub base_url: String,
    /// Where sockets go, in turn: the server, or every node of a cluster.
    pub ws_addrs: Vec<SocketAddr>,
    pub admin_password: String,
    pub pid: Option<u32>,
    child: Mutex<Option<Child>>,
    spawn: Option<Spawn>,
    info: Mutex<ServerInfo>,
}

struct Spawn {
    binary: PathBuf,
    data_dir: PathBuf,
    config: Option<PathBuf>,
    addr: SocketAddr,
}

impl Target {
    pub async fn start(args: &TargetArgs) -> Result<Target, String> {
        let http = reqwest::Client::new();
        match (&args.spawn, &args.url) {
            (Some(binary), _) => {
                let addr = free_addr()?;
                let data_dir = std::env::temp_dir().join(format!(
                    "xerrada-bench-{}-{}",
                    std::process::id(),
                    addr.port()
                ));
                let _ = std::fs::remove_dir_all(&data_dir);
                let config = load_test_config(args.server_config.as_deref(), &data_dir)?;
                let spawn = Spawn {
                    binary: binary.clone(),
                    data_dir,
                    config: Some(config),
                    addr,
                };
                let base_url = format!("http://{addr}");
                let started = Instant::now();
                let child = spawn.launch()?;
                let pid = child.id();
                wait_ready(&http, &base_url).await?;
                let first_start_ms = started.elapsed().as_millis() as u64;
                let target = Target {
                    http,
                    base_url: base_url.clone(),
                    ws_addrs: vec![addr],
                    admin_password: SPAWNED_ADMIN_PASSWORD.into(),
                    pid: Some(pid),
                    child: Mutex::new(Some(child)),
                    spawn: Some(spawn),
                    info: Mutex::new(ServerInfo {
                        url: base_url,
                        spawned: true,
                        first_start_ms: Some(first_start_ms),
                        ..machine()
                    }),
                };
                Ok(target)
            }
            (None, Some(url)) => {
                let url = url.trim_end_matches('/').to_owned();
                let mut ws_addrs = Vec::new();
                for node in std::iter::once(&url).chain(&args.also_nodes) {
                    let node = node.trim_end_matches('/');
                    ws_addrs.push(resolve(node).await?);
                    wait_ready(&http, node).await?;
                }
                Ok(Target {
                    http,
                    base_url: url.clone(),
                    ws_addrs,
                    admin_password: args
                        .admin_password
                        .clone()
                        .ok_or("--url needs --admin-password (or XERRADA_ADMIN_PASSWORD)")?,
                    pid: args.server_pid,
                    child: Mutex::new(None),
                    spawn: None,
                    info: Mutex::new(ServerInfo { url, ..machine() }),
                })
            }
            (None, None) => Err("give --spawn path/to/xerrada or --url http://host:port".into()),
        }
    }

    /// Stops a spawned server gracefully and starts it again on the same data dir, timing the
    /// start until ready (the "start-up on an existing data dir" figure).
    pub async fn measure_restart(&self) -> Result<(), String> {
        let Some(spawn) = &self.spawn else {
            return Ok(());
        };
        let old = self.child.lock().map_err(|_| "lock")?.take();
        if let Some(mut child) = old {
            terminate(&mut child);
        }
        let started = Instant::now();
        let child = spawn.launch()?;
        wait_ready(&self.http, &self.base_url).await?;
        let ms = started.elapsed().as_millis() as u64;
        if let Ok(mut info) = self.info.lock() {
            info.restart_ms = Some(ms);
        }
        *self.child.lock().map_err(|_| "lock")? = Some(child);
        Ok(())
    }

    /// The pid of the server now (it changes with [`Target::measure_restart`]).
    pub fn current_pid(&self) -> Option<u32> {
        match self.child.lock() {
            Ok(child) => child.as_ref().map(Child::id).or(self.pid),
            Err(_) => self.pid,
        }
    }

    pub fn sample(&self) -> Option<ProcSample> {
        self.current_pid().and_then(ProcSample::read)
    }

    pub fn describe(&self) -> ServerInfo {
        self.info.lock().map(|i| i.clone()).unwrap_or_default()
    }

    pub fn stop(&self) {
        if let Ok(mut child) = self.child.lock()
            && let Some(mut child) = child.take()
        {
            terminate(&mut child);
        }
        if let Some(spawn) = &self.spawn {
            let _ = std::fs::remove_dir_all(&spawn.data_dir);
            if let Some(config) = &spawn.config {
                let _ = std::fs::remove_file(config);
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

impl Spawn {
    fn launch(&self) -> Result<Child, String> {
        let mut command = Command::new(&self.binary);
        command
            .arg("serve")
            .arg("--bind")
            .arg(self.addr.to_string())
            .arg("--data-dir")
            .arg(&self.data_dir)
            .env("XERRADA_ADMIN_PASSWORD", SPAWNED_ADMIN_PASSWORD)
            .env(
                "RUST_LOG",
                std::env::var("SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        if let Some(config) = &self.config {
            command.arg("--config").arg(config);
        }
        command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.binary.display()))
    }
}

/// What a load test changes in the spawned server's configuration: the bench's users post,
/// search and connect far faster than people do, all from one address, on purpose. So the
/// per-user rate limits are off and the cap on unauthenticated connections per address is
/// raised, unless the given `xerrada.toml` sets those tables itself.
const LOAD_TEST_SETTINGS: [(&str, &str); 2] = [
    ("[rate_limits]", "enabled = false"),
    ("[http]", "max_unauthenticated_per_ip = 1000000"),
];

/// Writes the spawned server's `xerrada.toml`: `given` (if any) plus [`LOAD_TEST_SETTINGS`],
/// next to (not inside) the data dir, which must start empty.
fn load_test_config(
    given: Option<&std::path::Path>,
    data_dir: &std::path::Path,
) -> Result<PathBuf, String> {
    let mut text = match given {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        None => String::new(),
    };
    for (table, setting) in LOAD_TEST_SETTINGS {
        if !text.lines().any(|line| line.trim() == table) {
            text.push_str(&format!("\n{table}\n{setting}\n"));
        }
    }
    let path = data_dir.with_extension("toml");
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    for _ in 0..200 {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The socket address of `http://host:port`.
async fn resolve(url: &str) -> Result<SocketAddr, String> {
    let authority = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url}: use http://host:port"))?;
    tokio::net::lookup_host(authority)
        .await
        .map_err(|e| format!("cannot resolve {authority}: {e}"))?
        .next()
        .ok_or_else(|| format!("{authority} has no address"))
}

fn free_addr() -> Result<SocketAddr, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))
}

async fn wait_ready(http: &reqwest::Client, base_url: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(response) = http.get(format!("{base_url}/readyz")).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Err(format!("{base_url} did not become ready within 60 s"))
}

fn machine() -> ServerInfo {
    let memory_kib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| {
                    l.split_whitespace()
                        .nth(1)
                        .and_then(|v| v.parse::<f64>().ok())
                })
        })
        .unwrap_or(0.0);
    ServerInfo {
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        memory_gib: (memory_kib / 1024.0 / 1024.0 * 10.0).round() / 10.0,
        ..ServerInfo::default()
    }
}

/// One reading of a process's memory and CPU time.
#[derive(Debug, Clone, Copy)]
pub struct ProcSample {
    pub at: Instant,
    pub rss_bytes: u64,
    /// User + system CPU time, in clock ticks (1/100 s on Linux).
    pub cpu_ticks: u64,
}

const TICKS_PER_SECOND: f64 = 100.0;

impl ProcSample {
    pub fn read(pid: u32) -> Option<ProcSample> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let rss_kib: u64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // Fields after the command name (which may hold spaces) start after the last ')'.
        let rest = &stat[stat.rfind(')')? + 2..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let utime: u64 = fields.get(11)?.parse().ok()?;
        let stime: u64 = fields.get(12)?.parse().ok()?;
        Some(ProcSample {
            at: Instant::now(),
            rss_bytes: rss_kib * 1024,
            cpu_ticks: utime + stime,
        })
    }

    /// CPU used between two samples, in percent of one core.
    pub fn cpu_percent_since(&self, earlier: &ProcSample) -> f64 {
        let seconds = self.at.duration_since(earlier.at).as_secs_f64();
        if seconds <= 0.0 {
            return 0.0;
        }
        (self.cpu_ticks.saturating_sub(earlier.cpu_ticks)) as f64 / TICKS_PER_SECOND / seconds
            * 100.0
    }
}

/// Samples the server every 250 ms while a phase runs: the highest RSS and the mean CPU.
pub struct Sampler {
    peak_rss: Arc<Mutex<u64>>,
    first: Option<ProcSample>,
    task: tokio::task::JoinHandle<()>,
    pid: Option<u32>,
}

impl Sampler {
    pub fn start(target: &Target) -> Sampler {
        let pid = target.current_pid();
        let peak_rss = Arc::new(Mutex::new(0));
        let first = pid.and_then(ProcSample::read);
        let task = tokio::spawn({
            let peak_rss = peak_rss.clone();
            async move {
                let Some(pid) = pid else { return };
                loop {
                    if let Some(sample) = ProcSample::read(pid)
                        && let Ok(mut peak) = peak_rss.lock()
                    {
                        *peak = (*peak).max(sample.rss_bytes);
                    }
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
            }
        });
        Sampler {
            peak_rss,
            first,
            task,
            pid,
        }
    }

    /// (peak RSS bytes, mean CPU percent of one core) over the phase.
    pub fn finish(self) -> (Option<u64>, Option<f64>) {
        self.task.abort();
        let last = self.pid.and_then(ProcSample::read);
        let cpu = match (self.first, last) {
            (Some(first), Some(last)) => Some(last.cpu_percent_since(&first)),
            _ => None,
        };
        let mut peak = self.peak_rss.lock().map(|p| *p).unwrap_or(0);
        if let Some(last) = last {
            peak = peak.max(last.rss_bytes);
        }
        ((peak > 0).then_some(peak), cpu)
    }
}
