//! Real `xerrada` processes, as an operator runs them: for tests that kill a node, run
//! several nodes, or use the admin CLI.
//!
//! The binary is `XERRADA_BIN` when set, else `xerrada` next to the test binary's target
//! directory (`cargo build -p xerrada-server` builds it; `.ci/run` does so before these tests).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::{ADMIN_PASSWORD, Client};

/// The `xerrada` binary to run.
pub fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("XERRADA_BIN") {
        return PathBuf::from(path);
    }
    // target/debug/deps/<test binary> -> target/debug/xerrada
    let exe = std::env::current_exe().expect("the test binary's path");
    let candidate = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|dir| dir.join("xerrada"))
        .expect("a target directory");
    assert!(
        candidate.exists(),
        "{} is missing: run `cargo build -p xerrada-server` first or set XERRADA_BIN",
        candidate.display()
    );
    candidate
}

/// How to start a node.
#[derive(Debug, Clone, Default)]
pub struct NodeOptions {
    pub database_url: Option<String>,
    pub nats_url: Option<String>,
    /// Extra `KEY=value` environment.
    pub env: Vec<(String, String)>,
    /// Contents of the node's `xerrada.toml`, if any.
    pub config_toml: Option<String>,
}

/// A running `xerrada serve` process on a free port, killed when dropped.
pub struct NodeProcess {
    pub client: Client,
    pub data_dir: tempfile::TempDir,
    child: Child,
}

impl std::ops::Deref for NodeProcess {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

impl NodeProcess {
    /// Starts a node and waits until `/readyz` answers 200.
    pub async fn start(options: &NodeOptions) -> NodeProcess {
        let data_dir = tempfile::tempdir().expect("data dir");
        let addr: std::net::SocketAddr =
            format!("127.0.0.1:{}", free_port()).parse().expect("addr");
        let mut command = Command::new(binary());
        command
            .args(["serve", "--bind", &addr.to_string(), "--data-dir"])
            .arg(data_dir.path())
            .env("XERRADA_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env(
                "RUST_LOG",
                std::env::var("NODE_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("NODE_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            });
        if let Some(url) = &options.database_url {
            command.args(["--database-url", url]);
        }
        if let Some(url) = &options.nats_url {
            command.args(["--nats-url", url]);
        }
        for (key, value) in &options.env {
            command.env(key, value);
        }
        if let Some(toml) = &options.config_toml {
            let path = data_dir.path().join("xerrada.toml");
            std::fs::write(&path, toml).expect("write xerrada.toml");
            command.arg("--config").arg(path);
        }
        let child = command.spawn().expect("the node starts");
        let node = NodeProcess {
            client: Client::new(addr),
            data_dir,
            child,
        };
        for _ in 0..1500 {
            if node
                .http
                .get(node.url("/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return node;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the node did not become ready");
    }

    /// SIGKILL: no shutdown, no last commit.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs the `xerrada` binary with these arguments to completion: (success, stdout, stderr).
pub fn run_cli(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(binary())
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the CLI runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
