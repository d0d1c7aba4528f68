//! Connections that hold the server's descriptors without making requests are closed: idle
//! ones, slowloris heads and trickled bodies, and one address's unauthenticated connections
//! past a cap, while the server keeps answering everyone else.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use xerrada_tests::{TestApp, spawn_app_with};

async fn app_with(header_ms: u64, body_ms: u64, per_ip: usize) -> TestApp {
    spawn_app_with(|config| {
        config.http.header_read_timeout_ms = header_ms;
        config.http.body_read_timeout_ms = body_ms;
        config.http.max_unauthenticated_per_ip = per_ip;
    })
    .await
}

/// A connection from another loopback address: the server sees a different client.
async fn connect_from(source: [u8; 4], to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind(SocketAddr::from((source, 0)))
        .expect("bind a loopback source address");
    socket.connect(to).await.expect("connect")
}

/// Reads until the server closes the connection; `true` if it did within `wait`.
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let drained = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(wait, drained).await.is_ok()
}

/// An HTTP client of `app` whose connections come from `source` and are not kept, so they
/// take no place of 127.0.0.1's.
fn client_from(source: [u8; 4], app: &TestApp) -> xerrada_tests::Client {
    xerrada_tests::Client {
        http: reqwest::Client::builder()
            .local_address(std::net::IpAddr::from(source))
            .pool_max_idle_per_host(0)
            .build()
            .expect("client"),
        ..app.client.clone()
    }
}

/// `GET /healthz` on a fresh connection from `source`: its status line.
async fn healthz_from(source: [u8; 4], app: &TestApp) -> String {
    let mut stream = connect_from(source, app.addr).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut answer = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut answer)).await;
    answer.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn silent_and_slowloris_connections_are_closed_after_the_header_timeout() {
    let app = app_with(400, 30_000, 64).await;
    let mut silent = TcpStream::connect(app.addr).await.expect("connect");
    let mut slowloris = TcpStream::connect(app.addr).await.expect("connect");
    let trickle = async {
        for byte in b"GET /healthz HTTP/1.1\r\nhost: x\r\nx-padding: aaaaaaaaaaaaaaaaaaaa" {
            if slowloris.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        closed_within(&mut slowloris, Duration::from_secs(20)).await
    };
    let (silent_closed, slowloris_closed) =
        tokio::join!(closed_within(&mut silent, Duration::from_secs(20)), trickle);
    assert!(silent_closed, "a connection that sends nothing is closed");
    assert!(slowloris_closed, "a head trickled byte by byte is cut off");
    assert_eq!(healthz_from([127, 0, 0, 1], &app).await, "HTTP/1.1 200 OK");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_timeout() {
    let app = app_with(400, 30_000, 64).await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .expect("write");
    let mut buf = [0u8; 512];
    let n = stream.read(&mut buf).await.expect("answer");
    assert!(
        buf[..n].starts_with(b"HTTP/1.1 200"),
        "kept alive after an answer"
    );
    assert!(
        closed_within(&mut stream, Duration::from_secs(20)).await,
        "then closed once idle"
    );
}

#[tokio::test]
async fn a_body_trickled_slower_than_the_body_timeout_is_cut_off() {
    let app = app_with(10_000, 300, 64).await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    stream
        .write_all(
            b"POST /api/v1/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"user",
        )
        .await
        .expect("write");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server gave up on the body and closed");
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "no success for half a body: {answer}"
    );
}

#[tokio::test]
async fn one_address_holds_only_so_many_unauthenticated_connections() {
    let app = app_with(60_000, 30_000, 3).await;
    // Logged in from another address, on a connection that is not kept: the places of
    // 127.0.0.1 are all the test's.
    let from_elsewhere = client_from([127, 0, 0, 2], &app);
    let session = from_elsewhere.admin().await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(app.addr).await.expect("connect"));
    }
    let mut over = TcpStream::connect(app.addr).await.expect("connect");
    assert!(
        closed_within(&mut over, Duration::from_secs(10)).await,
        "the fourth is closed at once"
    );
    assert_eq!(
        healthz_from([127, 0, 0, 2], &app).await,
        "HTTP/1.1 200 OK",
        "another address is served"
    );
    for stream in &mut held {
        assert!(
            !closed_within(stream, Duration::from_millis(100)).await,
            "the first three stay open"
        );
    }

    // A request with a valid token frees its connection's place; a WebSocket, its auth.
    let authed = &mut held[0];
    authed
        .write_all(
            format!(
                "GET /api/v1/me HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\r\n",
                session.token
            )
            .as_bytes(),
        )
        .await
        .expect("write");
    let mut buf = [0u8; 4096];
    let n = authed.read(&mut buf).await.expect("answer");
    assert!(
        buf[..n].starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
    let url = format!("ws://{}/api/v1/ws", app.addr);
    let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .expect("a freed place takes a WebSocket");
    let mut over = TcpStream::connect(app.addr).await.expect("connect");
    assert!(
        closed_within(&mut over, Duration::from_secs(10)).await,
        "the unauthenticated WebSocket holds the freed place"
    );
    socket
        .send(Message::Text(
            json!({"type": "auth", "token": session.token})
                .to_string()
                .into(),
        ))
        .await
        .expect("auth");
    let ready = socket.next().await.expect("frame").expect("frame");
    assert!(
        ready.to_text().expect("text").contains("\"ready\""),
        "{ready:?}"
    );
    let mut next = TcpStream::connect(app.addr).await.expect("connect");
    next.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut answer = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), next.read_to_string(&mut answer)).await;
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "an authenticated WebSocket no longer counts: {answer}"
    );
}

#[tokio::test]
async fn a_bot_api_call_with_a_valid_token_frees_its_connections_place() {
    let app = app_with(60_000, 30_000, 1).await;
    let from_elsewhere = client_from([127, 0, 0, 2], &app);
    let admin = from_elsewhere.admin().await;
    // The login's connection holds 127.0.0.2's one place until the server sees it closed.
    let mut created = None;
    for _ in 0..100 {
        let attempt = from_elsewhere
            .http
            .post(app.url("/api/v1/bots"))
            .bearer_auth(&admin.token)
            .json(&json!({"username": "avisos_bot", "display_name": "Avisos"}))
            .send()
            .await;
        if let Ok(response) = attempt {
            created = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let created = created.expect("the bot is created once the place is free");
    assert_eq!(created.status().as_u16(), 201);
    let bot: serde_json::Value = created.json().await.expect("JSON");
    let token = bot["token"].as_str().expect("token");
    // The bot's keep-alive connection from 127.0.0.1, the address's only place.
    let mut polling = TcpStream::connect(app.addr).await.expect("connect");
    polling
        .write_all(format!("GET /bot{token}/getMe HTTP/1.1\r\nhost: x\r\n\r\n").as_bytes())
        .await
        .expect("write");
    let mut buf = [0u8; 4096];
    let n = polling.read(&mut buf).await.expect("answer");
    assert!(
        buf[..n].starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
    assert_eq!(
        healthz_from([127, 0, 0, 1], &app).await,
        "HTTP/1.1 200 OK",
        "the bot's connection no longer holds the place"
    );
}
