//! Slash commands: built-ins, and external commands served by a real HTTP service on
//! loopback, with ephemeral and in-channel answers, late replies and the outbound allowlist.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use xerrada_tests::{Session, TestApp, spawn_app_with};

type Calls = Arc<Mutex<Vec<HashMap<String, String>>>>;

/// A command service that answers according to the command's text.
async fn command_service() -> (std::net::SocketAddr, Calls) {
    let calls: Calls = Arc::default();
    async fn handle(
        State(calls): State<Calls>,
        Form(form): Form<HashMap<String, String>>,
    ) -> Response {
        calls.lock().expect("lock").push(form.clone());
        match form.get("text").map(String::as_str) {
            Some("ephemeral") => Json(json!({"text": "Només ho veus tu: **3** servidors"})).into_response(),
            Some("public") => Json(json!({"response_type": "in_channel", "text": "Desplegada la **v2**", "username": "Desplegaments"})).into_response(),
            Some("slow") => {
                tokio::time::sleep(Duration::from_secs(3)).await;
                Json(json!({"text": "massa tard"})).into_response()
            }
            Some("redirect") => (
                axum::http::StatusCode::TEMPORARY_REDIRECT,
                [("location", "http://127.0.0.1:9/elsewhere")],
            )
                .into_response(),
            Some("late") => {
                let url = form["response_url"].clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    let client = reqwest::Client::new();
                    client.post(&url).json(&json!({"text": "Fet, més tard"})).send().await.expect("late reply");
                    client.post(&url).json(&json!({"response_type": "in_channel", "text": "Informe publicat"})).send().await.expect("late reply");
                });
                "".into_response()
            }
            _ => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
        }
    }
    let app = axum::Router::new()
        .route("/cmd", axum::routing::post(handle))
        .with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    (addr, calls)
}

async fn register(app: &TestApp, admin: &Session, name: &str, url: &str) -> Value {
    let (status, command) = app
        .post(
            "/api/v1/commands",
            &admin.token,
            json!({"name": name, "url": url, "description": "Desplega una versió"}),
        )
        .await;
    assert_eq!(status, 201, "{command}");
    command
}

#[tokio::test]
async fn external_commands_answer_privately_publicly_and_later() {
    let (service, calls) = command_service().await;
    let app = spawn_app_with(|c| {
        c.integrations.outbound_allowlist = vec![service.to_string()];
        c.integrations.command_timeout_ms = 1000;
    })
    .await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&anna, "operacions", "public").await;
    let command = register(&app, &admin, "deploy", &format!("http://{service}/cmd")).await;
    let mut ws = app.connect(&anna).await;

    ws.send_message("r1", &channel, "c1", "/deploy ephemeral")
        .await;
    let answer = ws.next_of_type("ephemeral").await;
    assert_eq!(
        answer,
        json!({"type": "ephemeral", "channel_id": channel, "ref": "r1", "text": "Només ho veus tu: **3** servidors"})
    );
    let form = calls.lock().expect("lock")[0].clone();
    assert_eq!(form["command"], "/deploy");
    assert_eq!(form["text"], "ephemeral");
    assert_eq!(form["channel_id"], channel);
    assert_eq!(form["channel_name"], "operacions");
    assert_eq!(
        (form["user_id"].as_str(), form["user_name"].as_str()),
        (anna.user.id.as_str(), "anna")
    );
    assert_eq!(form["token"], command["token"].as_str().expect("token"));
    assert!(form["response_url"].starts_with(&format!("{}/hooks/commands/", app.base_url)));
    assert!(!form["trigger_id"].is_empty());

    ws.send_message("r2", &channel, "c2", "/deploy public")
        .await;
    // The answer is a message of its own, so its frame and the ack of the command may come in
    // either order.
    let (mut ack, mut posted) = (Value::Null, Value::Null);
    while ack.is_null() || posted.is_null() {
        let frame = ws.next_significant().await;
        match frame["type"].as_str() {
            Some("ack") => ack = frame,
            Some("message") => posted = frame,
            _ => panic!("unexpected {frame}"),
        }
    }
    assert_eq!(ack["ref"], "r2");
    assert_eq!(ack["seq"], posted["seq"], "the ack names the posted answer");
    assert_eq!(posted["message"]["body"], "Desplegada la **v2**");
    assert_eq!(posted["message"]["extras"]["username"], "Desplegaments");

    ws.send_message("r3", &channel, "c3", "/deploy late").await;
    assert_eq!(ws.next_of_type("ephemeral").await["ref"], "r3");
    let later = ws.next_of_type("ephemeral").await;
    assert_eq!(
        (later["ref"].clone(), later["text"].as_str()),
        (Value::Null, Some("Fet, més tard"))
    );
    let report = ws.next_of_type("message").await;
    assert_eq!(report["message"]["body"], "Informe publicat");
    let late_url = calls.lock().expect("lock").last().expect("call")["response_url"].clone();
    let path = late_url.trim_start_matches(&app.base_url).to_owned();
    let malformed = app
        .http
        .post(app.url(&path))
        .header("content-type", "application/json")
        .body("{\"text\": ")
        .send()
        .await
        .expect("sent");
    assert_eq!(
        malformed.status().as_u16(),
        400,
        "a reply that is not JSON is refused, and spends none of the five uses"
    );
    let reply = |text: &str| {
        app.http
            .post(app.url(&path))
            .json(&json!({ "text": text }))
            .send()
    };
    for _ in 0..3 {
        let response = reply("again").await.expect("sent");
        assert_eq!(response.status().as_u16(), 200);
    }
    let used_up = reply("sixth").await.expect("sent");
    assert_eq!(
        used_up.status().as_u16(),
        404,
        "a response_url serves five replies"
    );
    for _ in 0..3 {
        assert_eq!(ws.next_of_type("ephemeral").await["text"], "again");
    }

    ws.send_message("r4", &channel, "c4", "/deploy slow").await;
    let timed_out = ws.next_of_type("ephemeral").await;
    assert_eq!(timed_out["ref"], "r4");
    assert!(
        timed_out["text"]
            .as_str()
            .expect("text")
            .contains("no ha respost a temps")
    );
    ws.send_message("r6", &channel, "c6", "/deploy redirect")
        .await;
    let redirected = ws.next_of_type("ephemeral").await;
    assert!(
        redirected["text"]
            .as_str()
            .expect("text")
            .contains("HTTP 307"),
        "redirects are not followed: {redirected}"
    );
    ws.send_message("r5", &channel, "c5", "/deploy crash").await;
    assert!(
        ws.next_of_type("ephemeral").await["text"]
            .as_str()
            .expect("text")
            .contains("HTTP 500")
    );

    // Only the public answers were stored as messages.
    let stored = app.all_messages(&anna, &channel).await;
    let bodies: Vec<&str> = stored
        .iter()
        .map(|m| m["body"].as_str().expect("body"))
        .collect();
    assert_eq!(bodies, ["Desplegada la **v2**", "Informe publicat"]);
}

#[tokio::test]
async fn builtins_unknown_commands_escapes_and_the_allowlist() {
    let (service, calls) = command_service().await;
    // No allowlist: nothing may be called.
    let app = spawn_app_with(|_| {}).await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&anna, "general", "public").await;
    register(&app, &admin, "deploy", &format!("http://{service}/cmd")).await;
    let mut ws = app.connect(&anna).await;

    ws.send_message("h", &channel, "h1", "/help").await;
    let help = ws.next_of_type("ephemeral").await;
    let text = help["text"].as_str().expect("text");
    assert!(
        text.contains("/help") && text.contains("/deploy") && text.contains("Desplega una versió"),
        "{text}"
    );
    ws.send_message("u", &channel, "u1", "/nope now").await;
    assert!(
        ws.next_of_type("ephemeral").await["text"]
            .as_str()
            .expect("text")
            .contains("/nope")
    );
    ws.send_message("d", &channel, "d1", "/deploy ephemeral")
        .await;
    let refused = ws.next_of_type("ephemeral").await;
    assert!(
        refused["text"]
            .as_str()
            .expect("text")
            .contains("no ha permès"),
        "{refused}"
    );
    assert!(
        calls.lock().expect("lock").is_empty(),
        "a host off the allowlist is never contacted"
    );

    ws.send_message("e", &channel, "e1", "//deploy is a path")
        .await;
    let ack = ws.next_of_type("ack").await;
    assert_eq!(ack["ref"], "e");
    let stored = app.all_messages(&anna, &channel).await;
    assert_eq!(stored[0]["body"], "/deploy is a path");

    // Over REST a command's private answer comes back in the response.
    let (status, answer) = app.send(&anna, &channel, "/help").await;
    assert_eq!((status, answer["type"].as_str()), (200, Some("ephemeral")));
    // Commands run only where the caller belongs.
    let private = app.create_channel(&admin, "secret", "private").await;
    let (status, _) = app.send(&anna, &private, "/help").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn only_admins_register_valid_commands() {
    let app = spawn_app_with(|_| {}).await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let body = |name: &str, url: &str| json!({"name": name, "url": url});
    assert_eq!(
        app.post(
            "/api/v1/commands",
            &anna.token,
            body("x", "http://127.0.0.1:1/x")
        )
        .await
        .0,
        403
    );
    assert_eq!(
        app.post(
            "/api/v1/commands",
            &admin.token,
            body("help", "http://127.0.0.1:1/x")
        )
        .await
        .0,
        409
    );
    assert_eq!(
        app.post(
            "/api/v1/commands",
            &admin.token,
            body("bad name", "http://127.0.0.1:1/x")
        )
        .await
        .0,
        400
    );
    assert_eq!(
        app.post("/api/v1/commands", &admin.token, body("x", "not a url"))
            .await
            .0,
        400
    );
    assert_eq!(
        app.post(
            "/api/v1/commands",
            &admin.token,
            body("x", "ftp://127.0.0.1/x")
        )
        .await
        .0,
        400
    );
    let (status, created) = app
        .post(
            "/api/v1/commands",
            &admin.token,
            body("/Tiquet", "http://127.0.0.1:1/x"),
        )
        .await;
    assert_eq!((status, created["name"].as_str()), (201, Some("tiquet")));
    assert_eq!(
        app.post(
            "/api/v1/commands",
            &admin.token,
            body("tiquet", "http://127.0.0.1:1/y")
        )
        .await
        .0,
        409
    );
    let (_, listed) = app.get("/api/v1/commands", &admin.token).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(app.get("/api/v1/commands", &anna.token).await.0, 403);
    let id = created["id"].as_str().expect("id");
    assert_eq!(
        app.delete(&format!("/api/v1/commands/{id}"), &admin.token)
            .await
            .0,
        204
    );
    assert_eq!(
        app.delete(&format!("/api/v1/commands/{id}"), &admin.token)
            .await
            .0,
        404
    );
}
