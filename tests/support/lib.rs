//! Test support: spawn real Xerrada servers on port 0 and talk to them the way clients and
//! bots do, over real HTTP and WebSocket connections.
//!
//! Each [`TestApp`] has its own temporary data dir and database. Logs are printed only when
//! `TEST_LOG` is set.

pub mod conformance;
pub mod node;
pub mod postgres;
pub mod proxy;
pub mod search_suite;
pub mod tls;
pub mod ws;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use xerrada::context::Context;
use xerrada::{Application, Config};
use xerrada_protocol::{Department, User};

pub use ws::WsClient;

/// Password of the `admin` account of every test server.
pub const ADMIN_PASSWORD: &str = "admin-password-1";
/// Password given to every user created by [`TestApp::create_user`].
pub const USER_PASSWORD: &str = "user-password-1";

/// A running server.
pub struct TestApp {
    pub client: Client,
    pub ctx: Arc<Context>,
    pub data_dir: PathBuf,
    _dir: Option<tempfile::TempDir>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// A logged-in user.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub refresh_token: String,
    pub user: User,
}

fn init_logs() {
    if std::env::var_os("TEST_LOG").is_some() {
        xerrada::telemetry::init(false);
    }
}

/// Makes ring the TLS provider of HTTP clients built in tests (see the workspace's
/// `Cargo.toml`, next to `rustls`).
pub fn ensure_tls_provider() {
    xerrada::tls::install_crypto_provider();
}

/// A server with default settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A server whose configuration `tune` adjusts first.
pub async fn spawn_app_with(tune: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp data dir");
    let mut app = spawn_in(dir.path().to_owned(), tune).await;
    app._dir = Some(dir);
    app
}

/// A server on an existing data dir (to restart on the same data).
pub async fn spawn_in(data_dir: PathBuf, tune: impl FnOnce(&mut Config)) -> TestApp {
    spawn_at(data_dir, "127.0.0.1:0".parse().expect("address"), tune).await
}

/// A server on an existing data dir and a given address: restarted where its clients (a bot
/// process) keep calling it.
pub async fn spawn_at(
    data_dir: PathBuf,
    addr: std::net::SocketAddr,
    tune: impl FnOnce(&mut Config),
) -> TestApp {
    init_logs();
    let mut config = Config::new(&data_dir);
    config.admin_password = Some(ADMIN_PASSWORD.into());
    // Tests hash many passwords: let them run in parallel.
    config.auth.max_concurrent_hashes = 8;
    tune(&mut config);
    let listener = bind(addr).await;
    let app = Application::with_listener(config, listener)
        .await
        .expect("server starts");
    let addr = app.local_addr();
    let ctx = app.context();
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    TestApp {
        client: Client::new(addr),
        ctx,
        data_dir,
        _dir: None,
        shutdown: Some(tx),
        task: Some(task),
    }
}

/// Binds `addr`, retrying for a while when it is still taken (a server just stopped on it).
async fn bind(addr: std::net::SocketAddr) -> tokio::net::TcpListener {
    let mut tries = 0;
    loop {
        match tokio::net::TcpListener::bind(addr).await {
            Ok(listener) => return listener,
            Err(_) if tries < 50 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("bind {addr}: {e}"),
        }
    }
}

impl TestApp {
    /// Stops the server gracefully and waits for it; keeps the data dir.
    pub async fn stop(mut self) -> Option<tempfile::TempDir> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server ran");
        }
        self._dir.take()
    }
}

impl std::ops::Deref for TestApp {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

/// What a client needs to reach one server: its address and an HTTP client. The helpers
/// below are the calls tests make over and over, exactly as a real client makes them.
#[derive(Clone)]
pub struct Client {
    pub addr: std::net::SocketAddr,
    pub base_url: String,
    pub http: reqwest::Client,
}

impl Client {
    pub fn new(addr: std::net::SocketAddr) -> Client {
        ensure_tls_provider();
        Client {
            addr,
            base_url: format!("http://{addr}"),
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Any HTTP call; returns the status and the JSON body (Null when empty or not JSON).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let text = response.text().await.expect("response body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.call(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        self.call(reqwest::Method::POST, path, Some(token), Some(body))
            .await
    }

    pub async fn put(&self, path: &str, token: &str) -> (u16, Value) {
        self.call(reqwest::Method::PUT, path, Some(token), None)
            .await
    }

    pub async fn delete(&self, path: &str, token: &str) -> (u16, Value) {
        self.call(reqwest::Method::DELETE, path, Some(token), None)
            .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Session {
        let (status, body) = self
            .call(
                reqwest::Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(status, 200, "login of {username}: {body}");
        Session {
            token: body["access_token"].as_str().expect("token").to_owned(),
            refresh_token: body["refresh_token"].as_str().expect("refresh").to_owned(),
            user: serde_json::from_value(body["user"].clone()).expect("user"),
        }
    }

    pub async fn admin(&self) -> Session {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// Creates a member account (as admin) and logs it in.
    pub async fn create_user(&self, admin: &Session, username: &str) -> Session {
        self.create_user_in(admin, username, &[]).await
    }

    /// Creates a member account in these departments and logs it in.
    pub async fn create_user_in(
        &self,
        admin: &Session,
        username: &str,
        department_ids: &[&str],
    ) -> Session {
        let (status, body) = self
            .post(
                "/api/v1/users",
                &admin.token,
                json!({
                    "username": username,
                    "display_name": format!("User {username}"),
                    "password": USER_PASSWORD,
                    "department_ids": department_ids,
                }),
            )
            .await;
        assert_eq!(status, 201, "create {username}: {body}");
        self.login(username, USER_PASSWORD).await
    }

    pub async fn create_department(&self, admin: &Session, slug: &str) -> Department {
        let (status, body) = self
            .post(
                "/api/v1/departments",
                &admin.token,
                json!({"slug": slug, "name": slug.to_uppercase()}),
            )
            .await;
        assert_eq!(status, 201, "create department {slug}: {body}");
        serde_json::from_value(body).expect("department")
    }

    /// `who` joins a public channel (204 expected).
    pub async fn join(&self, who: &Session, channel_id: &str) {
        let (status, body) = self
            .post(
                &format!("/api/v1/channels/{channel_id}/join"),
                &who.token,
                json!({}),
            )
            .await;
        assert_eq!(status, 204, "join {channel_id}: {body}");
    }

    /// Creates a channel owned by `owner`; returns its id.
    pub async fn create_channel(&self, owner: &Session, name: &str, kind: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v1/channels",
                &owner.token,
                json!({"name": name, "kind": kind}),
            )
            .await;
        assert_eq!(status, 201, "create channel {name}: {body}");
        body["id"].as_str().expect("channel id").to_owned()
    }

    /// Opens (or finds) `session`'s direct conversation with `user_ids`; returns its id.
    pub async fn open_dm(&self, session: &Session, user_ids: &[&str]) -> String {
        let (status, body) = self
            .post("/api/v1/dms", &session.token, json!({"user_ids": user_ids}))
            .await;
        assert!(matches!(status, 200 | 201), "open dm: {status} {body}");
        body["id"].as_str().expect("dm id").to_owned()
    }

    /// Posts a message over REST; returns (status, body).
    pub async fn send(&self, session: &Session, channel_id: &str, body: &str) -> (u16, Value) {
        self.post(
            &format!("/api/v1/channels/{channel_id}/messages"),
            &session.token,
            json!({"body": body}),
        )
        .await
    }

    /// Opens an authenticated socket (the `ready` frame is read and kept).
    pub async fn connect(&self, session: &Session) -> WsClient {
        WsClient::connect_authed(self.addr, &session.token, None).await
    }

    /// Opens an authenticated socket resuming from these points.
    pub async fn connect_resuming(&self, session: &Session, resume: Value) -> WsClient {
        WsClient::connect_authed(self.addr, &session.token, Some(resume)).await
    }

    /// All messages of a channel, oldest first, paging through history.
    pub async fn all_messages(&self, session: &Session, channel_id: &str) -> Vec<Value> {
        let mut messages = Vec::new();
        let mut after = 0i64;
        loop {
            let (status, page) = self
                .get(
                    &format!("/api/v1/channels/{channel_id}/messages?after={after}&limit=200"),
                    &session.token,
                )
                .await;
            assert_eq!(status, 200, "history: {page}");
            let batch = page["messages"].as_array().expect("messages").clone();
            if let Some(last) = batch.last() {
                after = last["seq"].as_i64().expect("seq");
            }
            messages.extend(batch);
            if !page["has_more"].as_bool().expect("has_more") {
                return messages;
            }
        }
    }
}

/// Checks that text with U+0000 is refused over REST (body, path, query) and WebSocket with
/// `invalid_request`, on whatever backend `client` runs.
pub async fn assert_nul_refused(client: &Client, admin: &Session, user: &Session, channel: &str) {
    let (status, body) = client.send(user, channel, "zero\u{0}byte").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_request")),
        "{body}"
    );
    let (status, body) = client
        .post(
            "/api/v1/users",
            &admin.token,
            json!({"username": "nul", "display_name": "a\u{0}b", "password": USER_PASSWORD}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_request")),
        "{body}"
    );
    let (status, body) = client.get("/api/v1/users/a%00b", &admin.token).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_request")),
        "{body}"
    );
    let (status, body) = client.get("/api/v1/users?q=%00", &admin.token).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_request")),
        "{body}"
    );
    let mut ws = WsClient::connect_authed(client.addr, &user.token, None).await;
    ws.send_message("nul", channel, "nul-1", "zero\u{0}byte")
        .await;
    let error = ws.next_of_type("error").await;
    assert_eq!(error["code"], "invalid_request", "{error}");
    assert_eq!(error["ref"], "nul", "{error}");
    // The socket keeps serving.
    ws.send_message("ok", channel, "ok-1", "bon dia").await;
    assert_eq!(ws.next_of_type("ack").await["ref"], "ok");
}

/// Waits until `condition` holds, checking every 10 ms, for at most `limit`.
pub async fn eventually(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    condition()
}
