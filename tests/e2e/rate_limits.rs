//! Per-user rate limits: past its burst, an account is told to wait (429 with `Retry-After`
//! over REST, an `error` frame with `rate_limited` and `retry_after_ms` on the socket, 429
//! with `retry_after` on the Bot API), nothing it was refused is stored, and other people are
//! not slowed by it. Typing indicators are coalesced instead.

use std::time::Duration;

use serde_json::{Value, json};
use xerrada::rate_limits::{Rate, RateLimitSettings};
use xerrada_tests::{Session, TestApp, spawn_app_with};

/// Every action may be done `burst` times, then about once a minute.
fn strict(burst: u32) -> RateLimitSettings {
    let rate = Rate {
        burst,
        per_second: 1.0 / 60.0,
    };
    RateLimitSettings {
        enabled: true,
        send: rate,
        edit: rate,
        react: rate,
        create_channel: rate,
        upload: rate,
        search: rate,
        command: rate,
        typing_interval_ms: 60_000,
    }
}

async fn app_limited_to(burst: u32) -> TestApp {
    spawn_app_with(|config| config.rate_limits = strict(burst)).await
}

/// Asserts a REST answer is the 429 of a rate limit, with a wait in whole seconds.
async fn assert_limited(response: reqwest::Response, what: &str) {
    assert_eq!(response.status().as_u16(), 429, "{what}");
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{what}: a Retry-After in seconds"));
    assert!((1..=60).contains(&retry_after), "{what}: {retry_after}");
    let body: Value = response.json().await.expect("JSON error");
    assert_eq!(body["code"], "rate_limited", "{what}: {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: {body}"
    );
}

/// A request the test makes twice: the first passes, the second is refused.
type Call<'a> = Box<dyn Fn() -> reqwest::RequestBuilder + 'a>;

fn request(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    who: &Session,
) -> reqwest::RequestBuilder {
    app.http
        .request(method, app.url(path))
        .bearer_auth(&who.token)
}

#[tokio::test]
async fn sending_too_fast_over_rest_is_refused_with_a_wait_and_stores_nothing() {
    let app = app_limited_to(3).await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&admin, "general", "public").await;
    app.join(&anna, &channel).await;
    for n in 0..3 {
        let (status, body) = app.send(&anna, &channel, &format!("m{n}")).await;
        assert_eq!(status, 201, "{body}");
    }
    let refused = request(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/channels/{channel}/messages"),
        &anna,
    )
    .json(&json!({"body": "one too many"}))
    .send()
    .await
    .expect("sent");
    assert_limited(refused, "the fourth message").await;
    let bodies: Vec<Value> = app
        .all_messages(&admin, &channel)
        .await
        .into_iter()
        .map(|m| m["body"].clone())
        .collect();
    assert_eq!(bodies, vec![json!("m0"), json!("m1"), json!("m2")]);
    let (status, body) = app.send(&admin, &channel, "others may still talk").await;
    assert_eq!(status, 201, "limits are per account: {body}");
}

#[tokio::test]
async fn a_refused_send_on_the_socket_names_its_ref_and_the_wait() {
    let app = app_limited_to(2).await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&admin, "general", "public").await;
    app.join(&anna, &channel).await;
    let mut ws = app.connect(&anna).await;
    for n in 0..3 {
        ws.send_json(&json!({
            "type": "send", "ref": format!("r{n}"), "channel_id": channel,
            "client_msg_id": format!("c{n}"), "body": format!("m{n}")
        }))
        .await;
    }
    let mut acked = Vec::new();
    let refused = loop {
        let frame = ws.next_significant().await;
        match frame["type"].as_str() {
            Some("ack") => acked.push(frame["ref"].clone()),
            Some("error") => break frame,
            _ => {}
        }
    };
    assert_eq!(refused["ref"], "r2", "{refused}");
    assert_eq!(refused["code"], "rate_limited", "{refused}");
    let wait = refused["retry_after_ms"].as_u64().expect("retry_after_ms");
    assert!(wait > 0 && wait <= 60_000, "{refused}");
    while acked.len() < 2 {
        let frame = ws.next_of_type("ack").await;
        acked.push(frame["ref"].clone());
    }
    assert_eq!(acked, vec![json!("r0"), json!("r1")]);
    assert_eq!(app.all_messages(&admin, &channel).await.len(), 2);
    ws.send_json(&json!({"type": "ping", "ref": "still-open"}))
        .await;
    assert_eq!(ws.next_of_type("pong").await["ref"], "still-open");
}

/// A limit with a fast refill lets the same request through once the wait is over.
#[tokio::test]
async fn after_the_wait_the_same_request_passes() {
    let app = spawn_app_with(|config| {
        config.rate_limits.send = Rate {
            burst: 1,
            per_second: 4.0,
        };
    })
    .await;
    let admin = app.admin().await;
    let channel = app.create_channel(&admin, "general", "public").await;
    assert_eq!(app.send(&admin, &channel, "first").await.0, 201);
    let refused = request(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/channels/{channel}/messages"),
        &admin,
    )
    .json(&json!({"body": "second"}))
    .send()
    .await
    .expect("sent");
    assert_eq!(refused.status().as_u16(), 429);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.send(&admin, &channel, "second").await.0, 201);
}

#[tokio::test]
async fn edits_reactions_channels_uploads_searches_and_commands_have_limits_of_their_own() {
    let app = app_limited_to(1).await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&admin, "general", "public").await;
    app.join(&anna, &channel).await;
    let (_, message) = app.send(&anna, &channel, "hola").await;
    let message_id = message["id"].as_str().expect("id").to_owned();
    let edit_path = format!("/api/v1/channels/{channel}/messages/{message_id}");
    let react_path = format!("{edit_path}/reactions/%F0%9F%91%8D");
    let upload = |app: &TestApp| {
        let boundary = "xerradaboundary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--{boundary}--\r\n"
        );
        request(app, reqwest::Method::POST, "/api/v1/files", &anna)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
    };
    let calls: Vec<(&str, Call<'_>)> = vec![
        (
            "edit",
            Box::new(|| {
                request(&app, reqwest::Method::PATCH, &edit_path, &anna)
                    .json(&json!({"body": "hola!"}))
            }),
        ),
        (
            "reaction",
            Box::new(|| request(&app, reqwest::Method::PUT, &react_path, &anna)),
        ),
        (
            "channel",
            Box::new(|| {
                request(&app, reqwest::Method::POST, "/api/v1/channels", &anna)
                    .json(&json!({"name": format!("c{}", rand_suffix()), "kind": "public"}))
            }),
        ),
        ("upload", Box::new(|| upload(&app))),
        (
            "search",
            Box::new(|| request(&app, reqwest::Method::GET, "/api/v1/search?q=hola", &anna)),
        ),
        (
            "command",
            Box::new(|| {
                request(
                    &app,
                    reqwest::Method::POST,
                    &format!("/api/v1/channels/{channel}/messages"),
                    &anna,
                )
                .json(&json!({"body": "/help"}))
            }),
        ),
    ];
    for (what, call) in &calls {
        let first = call().send().await.expect("sent");
        assert!(
            first.status().is_success(),
            "the first {what}: {}",
            first.status()
        );
        assert_limited(call().send().await.expect("sent"), what).await;
    }
    let kept = app.all_messages(&admin, &channel).await;
    assert_eq!(kept.len(), 1, "no second channel message, no command echo");
    assert_eq!(kept[0]["body"], "hola!", "the one edit that passed");
    let (status, body) = app.send(&anna, &channel, "a message is not an edit").await;
    assert_eq!(status, 429, "the one send was used above: {body}");
    let (status, body) = app
        .send(&admin, &channel, "the admin has buckets of their own")
        .await;
    assert_eq!(status, 201, "{body}");
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos()
}

#[tokio::test]
async fn a_bot_api_flood_gets_telegrams_429_with_retry_after() {
    let app = app_limited_to(2).await;
    let admin = app.admin().await;
    let (status, bot) = app
        .post(
            "/api/v1/bots",
            &admin.token,
            json!({"username": "avisos_bot", "display_name": "Avisos"}),
        )
        .await;
    assert_eq!(status, 201, "{bot}");
    let bot_id = bot["bot"]["id"].as_str().expect("id").to_owned();
    let token = bot["token"].as_str().expect("token").to_owned();
    // The bot speaks the API first, as a Telegram library's start does.
    let poll = |timeout: u64| {
        app.http
            .post(app.url(&format!("/bot{token}/getUpdates")))
            .json(&json!({"timeout": timeout}))
            .send()
    };
    assert_eq!(poll(0).await.expect("first poll").status().as_u16(), 200);
    let (status, dm) = app
        .post("/api/v1/dms", &admin.token, json!({"user_ids": [bot_id]}))
        .await;
    assert!(status == 200 || status == 201, "{dm}");
    let dm_id = dm["id"].as_str().expect("dm id").to_owned();
    assert_eq!(app.send(&admin, &dm_id, "hola").await.0, 201);
    let updates: Value = poll(10)
        .await
        .expect("long poll")
        .json()
        .await
        .expect("JSON");
    let chat_id = updates["result"][0]["message"]["chat"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("the bot sees the message: {updates}"));
    let send = || {
        app.http
            .post(app.url(&format!("/bot{token}/sendMessage")))
            .json(&json!({"chat_id": chat_id, "text": "avís"}))
            .send()
    };
    for _ in 0..2 {
        let sent = send().await.expect("sent");
        assert_eq!(sent.status().as_u16(), 200);
    }
    let refused = send().await.expect("sent");
    assert_eq!(refused.status().as_u16(), 429);
    let body: Value = refused.json().await.expect("JSON");
    assert_eq!(body["ok"], false, "{body}");
    assert_eq!(body["error_code"], 429, "{body}");
    let retry_after = body["parameters"]["retry_after"]
        .as_u64()
        .expect("retry_after");
    assert!((1..=60).contains(&retry_after), "{body}");
}

#[tokio::test]
async fn a_flood_of_typing_frames_reaches_the_others_once_per_interval() {
    let app = spawn_app_with(|config| config.rate_limits.typing_interval_ms = 60_000).await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let general = app.create_channel(&admin, "general", "public").await;
    let other = app.create_channel(&admin, "other", "public").await;
    app.join(&anna, &general).await;
    app.join(&anna, &other).await;
    let mut watcher = app.connect(&admin).await;
    let mut typist = app.connect(&anna).await;
    for _ in 0..2_000 {
        typist
            .send_json(&json!({"type": "typing", "channel_id": general}))
            .await;
    }
    typist
        .send_json(&json!({"type": "typing", "channel_id": other}))
        .await;
    // The ping is answered after every frame before it was handled.
    typist
        .send_json(&json!({"type": "ping", "ref": "done"}))
        .await;
    assert_eq!(typist.next_of_type("pong").await["ref"], "done");
    let first = watcher.next_of_type("typing").await;
    assert_eq!(first["channel_id"], general.as_str());
    assert_eq!(first["user_id"], anna.user.id.as_str());
    let second = watcher.next_of_type("typing").await;
    assert_eq!(second["channel_id"], other.as_str(), "one per channel");
    assert!(
        watcher
            .quiet_for("typing", Duration::from_millis(500))
            .await,
        "the other 1,999 were not relayed"
    );
    // Typing in a channel one is not in is still an error, not silence.
    let private = app.create_channel(&admin, "private", "private").await;
    typist
        .send_json(&json!({"type": "typing", "channel_id": private}))
        .await;
    let refused = typist.next_of_type("error").await;
    assert_eq!(refused["code"], "not_found", "{refused}");
}
