//! The `xerrada` binary as an operator runs it: first start, admin commands on the same data
//! dir (also while the server runs), SIGTERM and SIGKILL.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;
use xerrada_tests::WsClient;

const BIN: &str = env!("CARGO_BIN_EXE_xerrada");

/// A server process on a free port.
struct Server {
    child: Child,
    addr: std::net::SocketAddr,
    http: reqwest::Client,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

impl Server {
    async fn start(data_dir: &Path, admin_password: Option<&str>) -> Server {
        let addr: std::net::SocketAddr =
            format!("127.0.0.1:{}", free_port()).parse().expect("addr");
        // These tests load the server from one account far faster than a person could post:
        // the per-account rate limits would refuse them.
        let config = data_dir.with_extension("toml");
        std::fs::write(&config, "[rate_limits]\nenabled = false\n").expect("write config");
        let mut command = Command::new(BIN);
        command
            .args([
                "--data-dir",
                data_dir.to_str().expect("utf-8 path"),
                "--config",
                config.to_str().expect("utf-8 path"),
                "serve",
                "--bind",
            ])
            .arg(addr.to_string())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        match admin_password {
            Some(password) => command.env("XERRADA_ADMIN_PASSWORD", password),
            None => command.env_remove("XERRADA_ADMIN_PASSWORD"),
        };
        let child = command.spawn().expect("server starts");
        let server = Server {
            child,
            addr,
            http: {
                xerrada::tls::install_crypto_provider();
                reqwest::Client::new()
            },
        };
        for _ in 0..500 {
            if server
                .http
                .get(server.url("/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the server did not become ready");
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    async fn login(&self, username: &str, password: &str) -> String {
        let response = self
            .http
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login sent");
        assert_eq!(response.status().as_u16(), 200, "login of {username}");
        let body: serde_json::Value = response.json().await.expect("json");
        body["access_token"].as_str().expect("token").to_owned()
    }

    /// Sends a request and returns its status.
    async fn status(&self, request: reqwest::RequestBuilder) -> u16 {
        request
            .send()
            .await
            .expect("request sent")
            .status()
            .as_u16()
    }

    /// Sends a request and returns its JSON answer.
    async fn json(&self, request: reqwest::RequestBuilder) -> serde_json::Value {
        let response = request.send().await.expect("request sent");
        response.json().await.expect("a JSON answer")
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    fn wait(mut self) -> std::process::ExitStatus {
        self.child.wait().expect("server exits")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn admin_command(data_dir: &Path, args: &[&str]) -> String {
    let output = Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("admin command runs");
    assert!(
        output.status.success(),
        "xerrada {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

#[tokio::test]
async fn first_start_prints_a_working_admin_password_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = Server::start(dir.path(), None).await;
    // The banner comes before the server reports ready; read what it printed so far.
    server.signal("TERM");
    let stdout = server.child.stdout.take().expect("stdout");
    assert!(server.wait().success());
    let printed = std::io::read_to_string(stdout).expect("stdout text");
    let password = printed
        .lines()
        .find_map(|l| l.trim().strip_prefix("password: "))
        .unwrap_or_else(|| panic!("no password in {printed:?}"))
        .to_owned();
    let mut again = Server::start(dir.path(), None).await;
    again.login("admin", &password).await;
    again.signal("TERM");
    let stdout = again.child.stdout.take().expect("stdout");
    assert!(again.wait().success());
    let printed = std::io::read_to_string(stdout).expect("stdout text");
    assert!(
        !printed.contains("password:"),
        "printed only on first start: {printed}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The database (with the signing key in it) lives in a directory only the server's
        // user can enter.
        let mode = std::fs::metadata(dir.path())
            .expect("data dir")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}

#[tokio::test]
async fn admin_commands_work_on_the_data_dir_even_while_the_server_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    admin_command(
        dir.path(),
        &["department", "add", "tic", "--name", "Tecnologia"],
    );
    let server = Server::start(dir.path(), Some("admin-pass-1")).await;
    let created = admin_command(
        dir.path(),
        &[
            "user",
            "add",
            "anna",
            "--display-name",
            "Anna Puig",
            "--password",
            "anna-pass-1",
            "--department",
            "tic",
        ],
    );
    assert!(created.contains("created anna"), "{created}");
    admin_command(
        dir.path(),
        &["user", "add", "bernat", "--password", "bernat-pass-1"],
    );
    admin_command(dir.path(), &["department", "add-member", "tic", "bernat"]);
    assert!(admin_command(dir.path(), &["department", "list"]).contains("tic\tTecnologia"));
    let users = admin_command(dir.path(), &["user", "list"]);
    assert!(
        users.contains("anna\tAnna Puig") && users.contains("bernat"),
        "{users}"
    );

    // The running server sees the department and its members without a restart.
    let anna = server.login("anna", "anna-pass-1").await;
    let bernat = server.login("bernat", "bernat-pass-1").await;
    let departments: serde_json::Value = server
        .json(
            server
                .http
                .get(server.url("/api/v1/departments"))
                .bearer_auth(&anna),
        )
        .await;
    let channel = departments[0]["channel_id"]
        .as_str()
        .expect("channel")
        .to_owned();
    let mut bernat_ws = WsClient::connect_authed(server.addr, &bernat, None).await;
    let mut sent = None;
    for _ in 0..300 {
        let response = server
            .http
            .post(server.url(&format!("/api/v1/channels/{channel}/messages")))
            .bearer_auth(&anna)
            .json(&json!({"body": "hola des de la CLI", "client_msg_id": "cli-1"}))
            .send()
            .await
            .expect("sent");
        if response.status().is_success() {
            sent = Some(response.status().as_u16());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(sent.is_some(), "the server noticed the CLI's memberships");
    assert_eq!(
        bernat_ws.next_of_type("message").await["message"]["body"],
        "hola des de la CLI"
    );

    // Deactivating from the CLI ends the running server's sessions and sockets.
    admin_command(dir.path(), &["user", "deactivate", "bernat"]);
    assert_eq!(bernat_ws.expect_close().await, Some(4003));
    assert_eq!(
        server
            .status(
                server
                    .http
                    .get(server.url("/api/v1/me"))
                    .bearer_auth(&bernat)
            )
            .await,
        401
    );
    // What the commands did is in the audit log, under `cli`.
    let admin = server.login("admin", "admin-pass-1").await;
    let audit: serde_json::Value = server
        .json(
            server
                .http
                .get(server.url("/api/v1/audit?actor=cli"))
                .bearer_auth(&admin),
        )
        .await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        vec![
            "user.deactivated",
            "department.member_added",
            "user.created",
            "user.created",
            "department.created"
        ]
    );
}

#[tokio::test]
async fn sigterm_closes_sockets_with_1001_and_exits_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), Some("admin-pass-1")).await;
    let token = server.login("admin", "admin-pass-1").await;
    let mut ws = WsClient::connect_authed(server.addr, &token, None).await;
    server.signal("TERM");
    assert_eq!(ws.expect_close().await, Some(1001));
    assert!(server.wait().success());
}

#[tokio::test]
async fn every_acked_message_survives_sigkill_exactly_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), Some("admin-pass-1")).await;
    let token = server.login("admin", "admin-pass-1").await;
    let created: serde_json::Value = server
        .json(
            server
                .http
                .post(server.url("/api/v1/channels"))
                .bearer_auth(&token)
                .json(&json!({"name": "durable", "kind": "public"})),
        )
        .await;
    let channel = created["id"].as_str().expect("id").to_owned();
    let mut ws = WsClient::connect_authed(server.addr, &token, None).await;
    for n in 0..1000 {
        ws.send_message(
            &n.to_string(),
            &channel,
            &format!("k{n}"),
            &format!("durable {n}"),
        )
        .await;
    }
    // Kill the server right after the 500th ack, with later sends still in flight.
    let mut acked: Vec<(String, i64)> = Vec::new();
    while acked.len() < 500 {
        let frame = ws.next_frame().await;
        if frame["type"] == "ack" {
            let key = format!("k{}", frame["ref"].as_str().expect("ref"));
            acked.push((key, frame["seq"].as_i64().expect("seq")));
        }
    }
    server.signal("KILL");
    let _ = server.wait();

    let server = Server::start(dir.path(), Some("admin-pass-1")).await;
    let token = server.login("admin", "admin-pass-1").await;
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page: serde_json::Value = server
            .json(
                server
                    .http
                    .get(server.url(&format!(
                        "/api/v1/channels/{channel}/messages?after={after}&limit=200"
                    )))
                    .bearer_auth(&token),
            )
            .await;
        let batch = page["messages"].as_array().expect("messages").clone();
        if let Some(last) = batch.last() {
            after = last["seq"].as_i64().expect("seq");
        }
        all.extend(batch);
        if page["has_more"] != true {
            break;
        }
    }
    let stored: Vec<(String, i64)> = all
        .iter()
        .map(|m| {
            (
                m["client_msg_id"].as_str().expect("key").to_owned(),
                m["seq"].as_i64().expect("seq"),
            )
        })
        .collect();
    assert!(
        stored.len() >= 500,
        "only {} of 500 acked messages survived",
        stored.len()
    );
    assert_eq!(
        &stored[..500],
        &acked[..],
        "every acked message, with its acked seq"
    );
    // What was stored is a gap-free, duplicate-free prefix of what was sent, in order.
    for (n, (key, seq)) in stored.iter().enumerate() {
        assert_eq!(
            (key.as_str(), *seq),
            (format!("k{n}").as_str(), n as i64 + 1)
        );
    }
    // Retrying every send after the crash stores nothing new.
    let mut ws = WsClient::connect_authed(server.addr, &token, None).await;
    ws.send_message("retry", &channel, "k499", "durable 499")
        .await;
    let ack = ws.next_of_type("ack").await;
    assert_eq!(ack["seq"], all[499]["seq"]);
}

#[tokio::test]
async fn a_bot_created_with_the_cli_posts_and_listens_until_revoked_with_the_cli() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), Some("admin-pass-1")).await;
    let printed = admin_command(
        dir.path(),
        &["bot", "add", "zabbix", "--display-name", "Zabbix"],
    );
    let token = printed
        .lines()
        .find_map(|l| l.strip_prefix("token: "))
        .unwrap_or_else(|| panic!("no token in {printed:?}"))
        .to_owned();
    let admin = server.login("admin", "admin-pass-1").await;
    let channel = server
        .json(
            server
                .http
                .post(server.url("/api/v1/channels"))
                .bearer_auth(&admin)
                .json(&json!({"name": "monitoratge", "kind": "public"})),
        )
        .await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        server
            .status(
                server
                    .http
                    .post(server.url(&format!("/api/v1/channels/{channel}/join")))
                    .bearer_auth(&token)
            )
            .await,
        204
    );
    let mut bot_ws = WsClient::connect_authed(server.addr, &token, None).await;
    assert_eq!(
        server
            .status(
                server
                    .http
                    .post(server.url(&format!("/api/v1/channels/{channel}/messages")))
                    .bearer_auth(&token)
                    .json(&json!({"body": "PROBLEM: srv-02 no respon"}))
            )
            .await,
        201
    );
    assert_eq!(
        bot_ws.next_of_type("message").await["message"]["body"],
        "PROBLEM: srv-02 no respon"
    );

    let tokens = admin_command(dir.path(), &["bot", "tokens", "zabbix"]);
    let token_id = tokens.split('\t').next().expect("token id").to_owned();
    admin_command(dir.path(), &["bot", "revoke", "zabbix", &token_id]);
    assert_eq!(bot_ws.expect_close().await, Some(4003));
    assert_eq!(
        server
            .status(
                server
                    .http
                    .get(server.url("/api/v1/me"))
                    .bearer_auth(&token)
            )
            .await,
        401
    );
}

#[tokio::test]
async fn info_articles_are_managed_with_the_cli() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The admin account exists once a server has started on the data dir.
    let server = Server::start(dir.path(), Some("admin-pass-1")).await;
    admin_command(
        dir.path(),
        &[
            "info",
            "set",
            "correu",
            "--title",
            "Correu electrònic",
            "--body",
            "Webmail a https://correu.local",
        ],
    );
    admin_command(
        dir.path(),
        &[
            "info",
            "set",
            "correu",
            "--title",
            "Email",
            "--body",
            "Webmail at https://correu.local",
            "--lang",
            "en",
        ],
    );
    let listed = admin_command(dir.path(), &["info", "list"]);
    assert!(
        listed.contains("correu\tca\tCorreu electrònic") && listed.contains("correu\ten\tEmail"),
        "{listed}"
    );
    let token = server.login("admin", "admin-pass-1").await;
    let articles = server
        .json(
            server
                .http
                .get(server.url("/api/v1/info"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(articles.as_array().map(Vec::len), Some(2));
    admin_command(dir.path(), &["info", "remove", "correu"]);
    assert!(
        admin_command(dir.path(), &["info", "list"])
            .trim()
            .is_empty()
    );
}

/// A backup taken while someone posts about 200 messages a second restores, into a new data
/// dir, a server that has every message acknowledged before the backup began, and the files
/// posted before it. Restoring refuses a data dir that is not empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_load_restores_every_message_acked_before_it() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), Some("admin-pass-1")).await;
    admin_command(
        dir.path(),
        &["user", "add", "anna", "--password", "anna-pass-1"],
    );
    let client = xerrada_tests::Client::new(server.addr);
    let anna = client.login("anna", "anna-pass-1").await;
    let (status, created) = client
        .post(
            "/api/v1/channels",
            &anna.token,
            json!({"name": "copies", "kind": "public"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let channel = created["id"].as_str().expect("id").to_owned();
    // A file, posted before the backup.
    const BOUNDARY: &str = "xerrada-backup-test";
    let bytes = b"%PDF-1.4 informe de la copia".to_vec();
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"informe.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let uploaded: serde_json::Value = server
        .json(
            server
                .http
                .post(server.url("/api/v1/files"))
                .bearer_auth(&anna.token)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(body),
        )
        .await;
    let file_id = uploaded["id"].as_str().expect("file id").to_owned();
    let (status, posted) = client
        .post(
            &format!("/api/v1/channels/{channel}/messages"),
            &anna.token,
            json!({"body": "l'informe", "file_ids": [file_id]}),
        )
        .await;
    assert_eq!(status, 201, "{posted}");

    // About 200 messages a second, each acked before the next.
    let acked: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut ws = WsClient::connect_authed(server.addr, &anna.token, None).await;
    let load = tokio::spawn({
        let (acked, stop, channel) = (acked.clone(), stop.clone(), channel.clone());
        async move {
            let mut tick = tokio::time::interval(Duration::from_millis(5));
            let mut n = 0u64;
            while !stop.load(Ordering::SeqCst) {
                tick.tick().await;
                let key = format!("c-{n}");
                ws.send_message(&key, &channel, &key, &format!("missatge {n}"))
                    .await;
                loop {
                    let frame = ws.next_significant().await;
                    if frame["type"] == "ack" && frame["ref"] == key.as_str() {
                        break;
                    }
                    assert_ne!(frame["type"], "error", "{frame}");
                }
                acked.lock().expect("lock").push((key, Instant::now()));
                n += 1;
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let archive = dir.path().join("..").join(format!(
        "xerrada-backup-{}.tar",
        dir.path().file_name().expect("name").to_string_lossy()
    ));
    let began = Instant::now();
    let output = tokio::task::spawn_blocking({
        let (data, archive) = (dir.path().to_owned(), archive.clone());
        move || admin_command(&data, &["backup", archive.to_str().expect("utf-8 path")])
    })
    .await
    .expect("backup ran");
    assert!(output.contains("backed up to"), "{output}");
    assert!(output.contains("1 files"), "{output}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    load.await.expect("load");
    let acked = acked.lock().expect("lock").clone();
    let before: Vec<&String> = acked
        .iter()
        .filter(|(_, at)| *at < began)
        .map(|(key, _)| key)
        .collect();
    assert!(before.len() > 100, "only {} acked before", before.len());
    assert!(
        acked.len() > before.len(),
        "the load went on during the backup"
    );
    drop(server);

    let restored = tempfile::tempdir().expect("tempdir");
    let output = admin_command(
        restored.path(),
        &["restore", archive.to_str().expect("utf-8 path")],
    );
    assert!(output.contains("integrity ok"), "{output}");
    assert!(output.contains("1 files"), "{output}");
    let again = Command::new(BIN)
        .arg("--data-dir")
        .arg(restored.path())
        .args(["restore", archive.to_str().expect("utf-8 path")])
        .output()
        .expect("restore runs");
    assert!(
        !again.status.success(),
        "a second restore into the same dir"
    );
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("empty data dir"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    let server = Server::start(restored.path(), None).await;
    let client = xerrada_tests::Client::new(server.addr);
    let anna = client.login("anna", "anna-pass-1").await;
    let messages = client.all_messages(&anna, &channel).await;
    let keys: std::collections::HashSet<&str> = messages
        .iter()
        .filter_map(|m| m["client_msg_id"].as_str())
        .collect();
    let missing: Vec<&&String> = before
        .iter()
        .filter(|k| !keys.contains(k.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "acked before the backup, not restored: {missing:?}"
    );
    let seqs: Vec<i64> = messages
        .iter()
        .map(|m| m["seq"].as_i64().expect("seq"))
        .collect();
    let mut sorted = seqs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(seqs, sorted, "in order, once each");
    let response = server
        .http
        .get(server.url(&format!("/api/v1/files/{file_id}")))
        .bearer_auth(&anna.token)
        .send()
        .await
        .expect("download");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.bytes().await.expect("bytes").as_ref(),
        bytes.as_slice()
    );
    let _ = std::fs::remove_file(&archive);
}
