//! Bad input gets its specified answer, and the connection (or server) keeps serving others.

use std::time::Duration;

use futures_util::SinkExt;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use xerrada_tests::{TestApp, WsClient, spawn_app, spawn_app_with};

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

fn sign(secret: &[u8], claims: Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("sign")
}

/// Tokens that must all be refused: (what, token).
async fn bad_tokens(app: &TestApp, user_id: &str) -> Vec<(&'static str, String)> {
    // The installation's real key, so that only the claim under test is wrong.
    let key = app
        .ctx
        .store
        .shared_secret("jwt_signing_key", &[])
        .await
        .expect("signing key");
    let claims = |exp: u64| json!({"sub": user_id, "sid": "s", "iss": "xerrada", "aud": "xerrada", "iat": 0, "exp": exp});
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let unsigned = format!(
        "{}.{}.",
        b64.encode(r#"{"alg":"none","typ":"JWT"}"#),
        b64.encode(claims(unix_now() + 600).to_string())
    );
    let mut wrong_audience = claims(unix_now() + 600);
    wrong_audience["aud"] = json!("someone-else");
    vec![
        ("expired", sign(&key, claims(unix_now() - 120))),
        ("another key", sign(&[9u8; 64], claims(unix_now() + 600))),
        ("alg none", unsigned),
        ("wrong audience", sign(&key, wrong_audience)),
        ("garbage", "not.a.jwt".into()),
    ]
}

async fn still_serving(app: &TestApp) {
    let admin = app.admin().await;
    let mut ws = app.connect(&admin).await;
    ws.send_json(&json!({"type": "ping", "ref": "alive"})).await;
    assert_eq!(ws.next_of_type("pong").await["ref"], "alive");
}

#[tokio::test]
async fn bad_tokens_get_401_over_http_and_4001_over_websocket() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for (what, token) in bad_tokens(&app, &admin.user.id).await {
        let (status, body) = app.get("/api/v1/me", &token).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("unauthorized")),
            "{what}"
        );
        let mut ws = WsClient::connect(app.addr).await;
        ws.send_json(&json!({"type": "auth", "token": token})).await;
        let error = ws.next_frame().await;
        assert_eq!(
            (error["type"].as_str(), error["code"].as_str()),
            (Some("error"), Some("unauthorized")),
            "{what}"
        );
        assert_eq!(ws.expect_close().await, Some(4001), "{what}");
    }
    still_serving(&app).await;
}

#[tokio::test]
async fn a_socket_must_authenticate_first_and_in_time() {
    let app = spawn_app_with(|c| c.auth.auth_timeout_ms = 300).await;
    let admin = app.admin().await;
    let mut silent = WsClient::connect(app.addr).await;
    let error = silent.next_frame().await;
    assert_eq!(error["code"], "unauthorized");
    assert_eq!(silent.expect_close().await, Some(4001));

    let mut eager = WsClient::connect(app.addr).await;
    eager
        .send_json(&json!({"type": "ping", "ref": "too-early"}))
        .await;
    let error = eager.next_frame().await;
    assert_eq!(
        (error["code"].as_str(), error["ref"].as_str()),
        (Some("unauthorized"), Some("too-early"))
    );
    assert_eq!(eager.expect_close().await, Some(4001));

    let mut garbled = WsClient::connect(app.addr).await;
    garbled.send_text("{not json").await;
    assert_eq!(garbled.next_frame().await["code"], "invalid_request");
    assert_eq!(garbled.expect_close().await, Some(4001));

    let mut ws = app.connect(&admin).await;
    ws.send_json(&json!({"type": "ping"})).await;
    assert_eq!(ws.next_of_type("pong").await["type"], "pong");
}

#[tokio::test]
async fn malformed_and_unknown_frames_get_errors_and_the_socket_stays_open() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let channel = app.create_channel(&admin, "general", "public").await;
    let mut ws = app.connect(&admin).await;
    let cases: Vec<(String, Value)> = vec![
        ("{\"type\":\"send\",".into(), Value::Null),
        (json!({"type": "shout", "ref": "r1"}).to_string(), json!("r1")),
        (json!({"type": "send", "ref": "r2", "channel_id": channel}).to_string(), json!("r2")),
        ("[1,2,3]".into(), Value::Null),
        (json!({"type": "auth", "token": admin.token}).to_string(), Value::Null),
        (json!({"type": "send", "ref": "r3", "channel_id": channel, "client_msg_id": "", "body": "x"}).to_string(), json!("r3")),
        (json!({"type": "read", "channel_id": "nope", "seq": 1}).to_string(), Value::Null),
    ];
    for (text, reference) in cases {
        ws.send_text(&text).await;
        let error = ws.next_significant().await;
        assert_eq!(error["type"], "error", "{text}");
        assert_eq!(error["ref"], reference, "{text}");
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    ws.stream
        .send(Message::Binary(vec![1, 2, 3].into()))
        .await
        .expect("sent");
    assert_eq!(ws.next_significant().await["code"], "invalid_request");
    ws.send_message("ok", &channel, "fine", "still works").await;
    assert_eq!(ws.next_significant().await["type"], "ack");
}

#[tokio::test]
async fn message_bodies_are_checked_against_the_limits() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let channel = app.create_channel(&admin, "general", "public").await;
    let path = format!("/api/v1/channels/{channel}/messages");
    let limit = 16_384;
    for (body, status, code) in [
        ("".to_string(), 400, Some("invalid_request")),
        (" \n\t ".to_string(), 400, Some("invalid_request")),
        ("é".repeat(limit / 2 + 1), 413, Some("too_large")),
        ("x".repeat(limit + 1), 413, Some("too_large")),
        ("x".repeat(limit), 201, None),
    ] {
        let (got, answer) = app.post(&path, &admin.token, json!({"body": body})).await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, code),
            "body of {} bytes",
            body.len()
        );
    }
    let mut ws = app.connect(&admin).await;
    ws.send_message("big", &channel, "big-1", &"x".repeat(limit + 1))
        .await;
    let error = ws.next_significant().await;
    assert_eq!(
        (error["code"].as_str(), error["ref"].as_str()),
        (Some("too_large"), Some("big"))
    );
    ws.send_message("empty", &channel, "empty-1", "   ").await;
    assert_eq!(ws.next_significant().await["code"], "invalid_request");
}

/// Sends with a bearer token; returns the status and the JSON error code.
async fn send(token: &str, builder: reqwest::RequestBuilder) -> (u16, Option<String>) {
    let response = builder.bearer_auth(token).send().await.expect("sent");
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("a JSON error body");
    (status, body["code"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn malformed_http_requests_get_json_errors() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let url = app.url("/api/v1/channels");
    let invalid = Some("invalid_request".to_string());
    assert_eq!(
        send(
            &admin.token,
            app.http
                .post(&url)
                .header("content-type", "application/json")
        )
        .await,
        (400, invalid.clone())
    );
    assert_eq!(
        send(
            &admin.token,
            app.http
                .post(&url)
                .header("content-type", "application/json")
                .body("{\"name\":")
        )
        .await,
        (400, invalid.clone())
    );
    assert_eq!(
        send(&admin.token, app.http.post(&url).json(&json!({"name": 5}))).await,
        (422, invalid.clone())
    );
    assert_eq!(
        send(&admin.token, app.http.post(&url).body("{}")).await,
        (415, invalid.clone())
    );
    // serde would read a struct from an array of its fields; a body is an object.
    let me = app.get("/api/v1/me", &admin.token).await.1;
    let profile = app.url(&format!("/api/v1/users/{}", me["id"].as_str().expect("id")));
    assert_eq!(
        send(
            &admin.token,
            app.http.patch(&profile).json(&json!([null, null]))
        )
        .await,
        (422, invalid.clone())
    );
    assert_eq!(
        send(
            &admin.token,
            app.http.post(&url).json(&json!(["plens", "public"]))
        )
        .await,
        (422, invalid.clone())
    );
    assert_eq!(
        send(&admin.token, app.http.delete(&url)).await,
        (405, invalid.clone())
    );
    assert_eq!(
        send(&admin.token, app.http.get(app.url("/api/v1/no-such-thing"))).await,
        (404, Some("not_found".into()))
    );
    let huge = format!("{{\"name\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    assert_eq!(
        send(
            &admin.token,
            app.http
                .post(&url)
                .header("content-type", "application/json")
                .body(huge)
        )
        .await,
        (413, Some("too_large".into()))
    );
    assert_eq!(
        send(
            &admin.token,
            app.http
                .get(app.url("/api/v1/channels/x/messages?before=abc"))
        )
        .await,
        (400, invalid.clone())
    );
    let (status, body) = app
        .post(
            "/api/v1/channels",
            &admin.token,
            json!({"name": "x".repeat(81), "kind": "public"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_request"))
    );
    let (status, _) = app
        .post(
            "/api/v1/channels",
            &admin.token,
            json!({"name": "x", "kind": "direct"}),
        )
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn unknown_and_garbage_ids_are_not_found() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for id in [
        "01a2181f-0000-7000-8000-000000000000",
        "garbage",
        "..%2F..%2Fetc",
        // (`%00` is refused as invalid before any lookup: see the NUL test below.)
        "%27%20OR%201%3D1",
    ] {
        for path in [
            format!("/api/v1/channels/{id}"),
            format!("/api/v1/channels/{id}/messages"),
            format!("/api/v1/users/{id}"),
        ] {
            let (status, body) = app.get(&path, &admin.token).await;
            assert_eq!(
                (status, body["code"].as_str()),
                (404, Some("not_found")),
                "{path}"
            );
        }
        let (status, _) = app.send(&admin, id, "hola").await;
        assert_eq!(status, 404);
    }
    let mut ws = app.connect(&admin).await;
    ws.send_message("u", "no-such-channel", "u-1", "hola").await;
    let error = ws.next_significant().await;
    assert_eq!(
        (error["code"].as_str(), error["ref"].as_str()),
        (Some("not_found"), Some("u"))
    );
}

#[tokio::test]
async fn sql_looking_and_long_unicode_input_is_stored_and_returned_byte_for_byte() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let channel = app
        .create_channel(&admin, "Robert'); DROP TABLE channels;--", "public")
        .await;
    let bodies = [
        "'; DELETE FROM events WHERE '1'='1".to_string(),
        "\" OR 1=1 -- /* */ %s %n {{template}} ${jndi:ldap://x}".to_string(),
        "Bon dia! Àààà l·lí ñ 🇨🇦🏳️‍🌈 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u{200d}\u{feff} עברית العربية 中文".repeat(120),
        "  spaces kept  \n\n".to_string(),
    ];
    let mut ws = app.connect(&admin).await;
    for (i, body) in bodies.iter().enumerate() {
        assert!(body.len() <= 16_384, "case {i} fits the limit");
        if i % 2 == 0 {
            let (status, message) = app.send(&admin, &channel, body).await;
            assert_eq!(status, 201);
            assert_eq!(message["body"].as_str(), Some(body.as_str()));
        } else {
            ws.send_message("s", &channel, &format!("c{i}"), body).await;
            assert_eq!(ws.next_of_type("ack").await["type"], "ack");
        }
        let live = ws.next_of_type("message").await;
        assert_eq!(live["message"]["body"].as_str(), Some(body.as_str()));
    }
    let stored = app.all_messages(&admin, &channel).await;
    let stored: Vec<&str> = stored
        .iter()
        .map(|m| m["body"].as_str().expect("body"))
        .collect();
    assert_eq!(
        stored,
        bodies.iter().map(String::as_str).collect::<Vec<_>>()
    );
    let (_, listed) = app
        .get(&format!("/api/v1/channels/{channel}"), &admin.token)
        .await;
    assert_eq!(listed["name"], "Robert'); DROP TABLE channels;--");
}

#[tokio::test]
async fn an_oversized_frame_closes_with_1009_and_invalid_utf8_with_1007() {
    let app = spawn_app_with(|c| c.limits.max_ws_frame_bytes = 8 * 1024).await;
    let admin = app.admin().await;
    let mut ws = app.connect(&admin).await;
    ws.send_text(&json!({"type": "ping", "ref": "x".repeat(9 * 1024)}).to_string())
        .await;
    assert_eq!(ws.expect_close().await, Some(1009));

    let mut ws = app.connect(&admin).await;
    let invalid = Frame::message(vec![0x7b, 0xff, 0xfe, 0x7d], OpCode::Data(Data::Text), true);
    ws.stream
        .send(Message::Frame(invalid))
        .await
        .expect("raw frame sent");
    assert_eq!(ws.expect_close().await, Some(1007));
    tokio::time::sleep(Duration::from_millis(50)).await;
    still_serving(&app).await;
}

#[tokio::test]
async fn websocket_upgrades_from_foreign_origins_are_refused() {
    let app = spawn_app().await;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{}/api/v1/ws", app.addr)
        .into_client_request()
        .expect("request");
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().expect("header"));
    let refused = tokio_tungstenite::connect_async(request).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 403)
        }
        other => panic!("expected a 403, got {other:?}"),
    }
    let mut same = format!("ws://{}/api/v1/ws", app.addr)
        .into_client_request()
        .expect("request");
    let origin = format!("http://{}", app.addr);
    same.headers_mut()
        .insert("origin", origin.parse().expect("header"));
    assert!(
        tokio_tungstenite::connect_async(same).await.is_ok(),
        "the server's own origin is fine"
    );
}

/// PostgreSQL text cannot hold U+0000, so no backend is given one: it is refused at the door,
/// with the same answer on every backend (the cluster suite repeats this on PostgreSQL).
#[tokio::test]
async fn nul_characters_are_refused_everywhere_text_comes_in() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&anna, "nul", "public").await;
    xerrada_tests::assert_nul_refused(&app, &admin, &anna, &channel).await;
    // Only the clean message was stored, and the escaped spelling of a backslash is text.
    assert_eq!(app.all_messages(&anna, &channel).await.len(), 1);
    let (status, _) = app.send(&anna, &channel, "a\\u0000 is fine").await;
    assert_eq!(status, 201);
}
