//! TLS both ways, on rustls: slash commands call `https://` services whose certificate is
//! checked against the council's own CA (`integrations.ca_bundle`), and the listener serves
//! HTTPS and WSS itself, with HSTS, when `[tls]` gives it a certificate.

use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use xerrada::config::{HttpSettings, TlsSettings};
use xerrada_tests::tls::TestCa;
use xerrada_tests::{ADMIN_PASSWORD, spawn_app_with};

/// A slash-command service on `https://localhost:<port>/cmd`, with a certificate of `ca`'s;
/// it counts the calls that reach it.
async fn https_command_service(ca: &TestCa) -> (u16, Arc<Mutex<usize>>) {
    let issued = ca.issue("localhost");
    let acceptor = xerrada::tls::acceptor(&TlsSettings {
        cert: issued.cert,
        key: issued.key,
    })
    .expect("TLS acceptor");
    let calls = Arc::new(Mutex::new(0usize));
    let counted = calls.clone();
    let router = axum::Router::new().route(
        "/cmd",
        axum::routing::post(move || {
            let counted = counted.clone();
            async move {
                *counted.lock().expect("lock") += 1;
                axum::Json(json!({"response_type": "in_channel", "text": "Desplegat per HTTPS"}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        xerrada::net::serve(
            listener,
            Some(acceptor),
            router,
            &HttpSettings::default(),
            &[],
            std::future::pending(),
        )
        .await;
    });
    (port, calls)
}

/// Registers `/deploy` at `url` and runs it in a new channel; returns the channel's
/// messages and the command's answer.
async fn deploy(app: &xerrada_tests::TestApp, url: &str) -> (Vec<Value>, Value) {
    let admin = app.admin().await;
    let (status, command) = app
        .post(
            "/api/v1/commands",
            &admin.token,
            json!({"name": "deploy", "url": url}),
        )
        .await;
    assert_eq!(status, 201, "an https:// command is accepted: {command}");
    let channel = app.create_channel(&admin, "ops", "public").await;
    let (status, answer) = app.send(&admin, &channel, "/deploy ara").await;
    assert!(status == 200 || status == 201, "{answer}");
    (app.all_messages(&admin, &channel).await, answer)
}

#[tokio::test]
async fn an_https_slash_command_is_called_when_its_certificate_checks_out() {
    let ca = TestCa::new("Ajuntament CA");
    let (port, calls) = https_command_service(&ca).await;
    let url = format!("https://localhost:{port}/cmd");

    let trusting = spawn_app_with(|config| {
        config.integrations.outbound_allowlist = vec![format!("localhost:{port}")];
        config.integrations.ca_bundle = Some(ca.pem_path());
    })
    .await;
    let (messages, _) = deploy(&trusting, &url).await;
    let bodies: Vec<&Value> = messages.iter().map(|m| &m["body"]).collect();
    assert!(
        bodies.contains(&&json!("Desplegat per HTTPS")),
        "the service's answer is posted: {bodies:?}"
    );
    assert_eq!(*calls.lock().expect("lock"), 1);

    // Without the council's CA, the certificate is unknown: no call, and the caller is told.
    let untrusting = spawn_app_with(|config| {
        config.integrations.outbound_allowlist = vec![format!("localhost:{port}")];
    })
    .await;
    let (messages, answer) = deploy(&untrusting, &url).await;
    assert!(
        messages.iter().all(|m| m["body"] != "Desplegat per HTTPS"),
        "{messages:?}"
    );
    assert_eq!(answer["type"], "ephemeral", "{answer}");
    assert_eq!(
        *calls.lock().expect("lock"),
        1,
        "nothing reached the service"
    );
}

#[tokio::test]
async fn the_listener_serves_https_and_wss_with_hsts_when_given_a_certificate() {
    let ca = TestCa::new("Ajuntament CA");
    let issued = ca.issue("localhost");
    let app = spawn_app_with(|config| {
        config.tls = Some(TlsSettings {
            cert: issued.cert.clone(),
            key: issued.key.clone(),
        });
    })
    .await;
    let base = format!("https://localhost:{}", app.addr.port());
    let https = ca.http_client();
    let health = https
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("https");
    assert_eq!(health.status().as_u16(), 200);
    assert_eq!(
        health
            .headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
    let login: Value = https
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("JSON");
    let token = login["access_token"].as_str().expect("token").to_owned();

    // WSS: the same socket protocol over the TLS stream.
    let tcp = tokio::net::TcpStream::connect(app.addr).await.expect("tcp");
    let connector = tokio_rustls::TlsConnector::from(Arc::new(ca.client_config()));
    let server_name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let tls = connector.connect(server_name, tcp).await.expect("TLS");
    let request = format!("wss://localhost:{}/api/v1/ws", app.addr.port());
    let (mut socket, _) = tokio_tungstenite::client_async(request.as_str(), tls)
        .await
        .expect("WebSocket over TLS");
    socket
        .send(Message::Text(
            json!({"type": "auth", "token": token}).to_string().into(),
        ))
        .await
        .expect("auth");
    let ready = socket.next().await.expect("frame").expect("frame");
    assert!(
        ready.to_text().expect("text").contains("\"ready\""),
        "{ready:?}"
    );

    // Plain HTTP on the TLS port gets no HTTP answer.
    let plain = reqwest::Client::new()
        .get(format!("http://{}/healthz", app.addr))
        .send()
        .await;
    assert!(
        plain.is_err() || !plain.is_ok_and(|r| r.status().is_success()),
        "plain HTTP is not served on the TLS port"
    );
}
