//! The Telegram-compatible Bot API: the envelope and its statuses, parameters however they are
//! sent, updates that are acknowledged by `offset` and survive a restart, buttons and their
//! callback queries, and the conflicts Telegram answers with 409.

use std::time::Duration;

use serde_json::{Value, json};
use xerrada_tests::{Session, TestApp, spawn_app, spawn_in};

/// A bot made by the admin, and its token.
async fn telegram_bot(app: &TestApp, admin: &Session, username: &str) -> (String, String) {
    let (status, body) = app
        .post(
            "/api/v1/bots",
            &admin.token,
            json!({"username": username, "display_name": "Suport IT"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    (
        body["bot"]["id"].as_str().expect("id").to_owned(),
        body["token"].as_str().expect("token").to_owned(),
    )
}

/// A call as python-telegram-bot makes it: POST, form-encoded, non-strings as JSON text.
async fn form(app: &TestApp, token: &str, method: &str, params: &[(&str, String)]) -> (u16, Value) {
    let response = app
        .http
        .post(app.url(&format!("/bot{token}/{method}")))
        .form(params)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body, always"))
}

/// A call as teloxide makes it: POST with a JSON body.
async fn json_call(app: &TestApp, token: &str, method: &str, body: Value) -> (u16, Value) {
    let response = app
        .http
        .post(app.url(&format!("/bot{token}/{method}")))
        .json(&body)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body, always"))
}

async fn updates(app: &TestApp, token: &str, offset: i64, timeout: u64) -> Vec<Value> {
    let (status, body) = json_call(
        app,
        token,
        "getUpdates",
        json!({"offset": offset, "timeout": timeout}),
    )
    .await;
    assert_eq!((status, &body["ok"]), (200, &json!(true)), "{body}");
    body["result"].as_array().expect("updates").clone()
}

/// Polls until at least one update comes (the relay queues them a moment after the event).
async fn next_updates(app: &TestApp, token: &str, offset: i64) -> Vec<Value> {
    for _ in 0..10 {
        let got = updates(app, token, offset, 3).await;
        if !got.is_empty() {
            return got;
        }
    }
    panic!("no update came");
}

#[tokio::test]
async fn the_envelope_and_its_statuses_follow_telegrams() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, token) = telegram_bot(&app, &admin, "suport_it").await;

    // getMe, with the fields teloxide needs, from every kind of request.
    let (status, me) = form(&app, &token, "getMe", &[]).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["ok"], true);
    let result = &me["result"];
    assert_eq!(
        (
            &result["is_bot"],
            &result["username"],
            &result["first_name"]
        ),
        (&json!(true), &json!("suport_it"), &json!("Suport IT"))
    );
    for field in [
        "can_join_groups",
        "can_read_all_group_messages",
        "supports_inline_queries",
        "has_main_web_app",
    ] {
        assert!(result[field].is_boolean(), "{field} in {me}");
    }
    assert!(result["id"].as_i64().is_some_and(|id| id > 0));
    let (status, same) = json_call(&app, &token, "GETME", json!({})).await;
    assert_eq!(
        (status, &same["result"]["id"]),
        (200, &result["id"]),
        "method names ignore case"
    );
    let query = app
        .http
        .get(app.url(&format!("/bot{token}/getMe?x=1")))
        .send()
        .await
        .expect("sent");
    assert_eq!(query.status().as_u16(), 200);
    // A multipart body with a text part, as PTB sends when it uploads.
    let commands = r#"[{"command":"start","description":"Comença"}]"#.to_owned();
    let (status, _) = multipart_call(
        &app,
        &token,
        "setMyCommands",
        &[("commands", commands)],
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (_, commands) = form(&app, &token, "getMyCommands", &[]).await;
    assert_eq!(
        commands["result"],
        json!([{"command": "start", "description": "Comença"}])
    );
    // Where the bot is a member, the composer offers its commands (a Xerrada name stays
    // Xerrada's).
    let (status, _) = json_call(
        &app,
        &token,
        "setMyCommands",
        json!({"commands": [
            {"command": "start", "description": "Comença"},
            {"command": "help", "description": "Ajuda del bot"}
        ]}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, bots) = app.get("/api/v1/bots", &admin.token).await;
    let bot_id = bots
        .as_array()
        .expect("bots")
        .iter()
        .find(|b| b["username"] == "suport_it")
        .and_then(|b| b["id"].as_str())
        .expect("bot")
        .to_owned();
    let room = app.create_channel(&admin, "sala", "public").await;
    let in_room = format!("/api/v1/channels/{room}/commands");
    let (status, offered) = app.get(&in_room, &admin.token).await;
    assert_eq!((status, offered), (200, json!([])));
    let add = format!("/api/v1/channels/{room}/members/{bot_id}");
    assert_eq!(app.put(&add, &admin.token).await.0, 204);
    let (_, offered) = app.get(&in_room, &admin.token).await;
    assert_eq!(
        offered,
        json!([{"name": "start", "description": "Comença", "bot_id": bot_id, "bot_username": "suport_it"}])
    );
    let (status, bad) = json_call(
        &app,
        &token,
        "setMyCommands",
        json!({"commands": [{"command": "Start!", "description": "x"}]}),
    )
    .await;
    assert_eq!(
        (status, bad["description"].as_str()),
        (400, Some("Bad Request: BOT_COMMAND_INVALID"))
    );

    // Errors carry the same status as error_code, and Telegram's descriptions.
    let (status, unknown) = form(&app, &token, "sendDice", &[]).await;
    assert_eq!(
        (status, unknown),
        (
            404,
            json!({"ok": false, "error_code": 404, "description": "Not Found"})
        )
    );
    let (status, bad) = form(&app, "xbot_nothing", "getMe", &[]).await;
    assert_eq!(
        (status, bad),
        (
            401,
            json!({"ok": false, "error_code": 401, "description": "Unauthorized"})
        )
    );
    let anna = app.create_user(&admin, "anna").await;
    assert_eq!(
        form(&app, &anna.token, "getMe", &[]).await.0,
        401,
        "people are not bots"
    );
    let (status, bad) = form(
        &app,
        &token,
        "sendMessage",
        &[("chat_id", "abc".into()), ("text", "x".into())],
    )
    .await;
    assert_eq!((status, bad["ok"].clone()), (400, json!(false)), "{bad}");
    let (status, bad) = json_call(
        &app,
        &token,
        "sendMessage",
        json!({"chat_id": -999, "text": "x"}),
    )
    .await;
    assert_eq!(
        (status, bad["description"].as_str()),
        (400, Some("Bad Request: chat not found"))
    );
    let response = app
        .http
        .post(app.url(&format!("/bot{token}/getMe")))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 400);

    // A revoked token is refused at once.
    let (_, listed) = app.get("/api/v1/bots", &admin.token).await;
    let bot_id = listed
        .as_array()
        .expect("bots")
        .iter()
        .find(|b| b["username"] == "suport_it")
        .and_then(|b| b["id"].as_str())
        .expect("bot")
        .to_owned();
    let (_, tokens) = app
        .get(&format!("/api/v1/bots/{bot_id}/tokens"), &admin.token)
        .await;
    let token_id = tokens[0]["id"].as_str().expect("token id").to_owned();
    let (status, _) = app
        .delete(
            &format!("/api/v1/bots/{bot_id}/tokens/{token_id}"),
            &admin.token,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(form(&app, &token, "getMe", &[]).await.0, 401);
}

#[tokio::test]
async fn a_conversation_with_buttons_runs_through_updates_and_methods() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (bot_id, token) = telegram_bot(&app, &admin, "suport_it").await;
    let anna = app.create_user(&admin, "anna").await;
    // The bot speaks the API first (PTB's start), then Anna writes to it.
    assert_eq!(form(&app, &token, "deleteWebhook", &[]).await.0, 200);
    assert!(updates(&app, &token, 0, 0).await.is_empty());
    let (_, dm) = app
        .post("/api/v1/dms", &anna.token, json!({"user_ids": [bot_id]}))
        .await;
    let dm = dm["id"].as_str().expect("dm").to_owned();
    let mut anna_ws = app.connect(&anna).await;
    app.send(&anna, &dm, "/start").await;

    let got = next_updates(&app, &token, 0).await;
    assert_eq!(got.len(), 1, "{got:?}");
    let message = &got[0]["message"];
    assert_eq!(message["text"], "/start");
    assert_eq!(
        message["entities"],
        json!([{"type": "bot_command", "offset": 0, "length": 6}])
    );
    assert_eq!(message["chat"]["type"], "private");
    assert_eq!(message["from"]["username"], "anna");
    assert_eq!(message["from"]["is_bot"], false);
    let chat_id = message["chat"]["id"].as_i64().expect("chat id");
    assert_eq!(
        Some(chat_id),
        message["from"]["id"].as_i64(),
        "a private chat is the person's id"
    );
    let first_id = got[0]["update_id"].as_i64().expect("update id");
    assert!(first_id > 0 && first_id < i64::from(i32::MAX));

    // The menu, as PTB sends it: reply_markup as JSON text in a form.
    let keyboard = json!({"inline_keyboard": [
        [{"text": "VPN", "callback_data": "vpn"}, {"text": "Correu", "callback_data": "mail"}]
    ]});
    let (status, sent) = form(
        &app,
        &token,
        "sendMessage",
        &[
            ("chat_id", chat_id.to_string()),
            ("text", "Amb què et puc ajudar?".into()),
            ("reply_markup", keyboard.to_string()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["result"]["reply_markup"], keyboard);
    let menu_id = sent["result"]["message_id"].as_i64().expect("message id");
    let shown = loop {
        let frame = anna_ws.next_of_type("message").await;
        if frame["message"]["author_id"] == bot_id.as_str() {
            break frame;
        }
    };
    let actions = shown["message"]["extras"]["actions"]
        .as_array()
        .expect("buttons")
        .clone();
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[1]["label"], "Correu");

    // Anna clicks "Correu": a callback query acknowledged by the next offset.
    let click = format!(
        "/api/v1/channels/{dm}/messages/{}/actions",
        shown["message"]["id"].as_str().expect("id")
    );
    let (status, answer) = app
        .post(&click, &anna.token, json!({"action_id": actions[1]["id"]}))
        .await;
    assert_eq!(status, 204, "{answer}");
    let got = next_updates(&app, &token, first_id + 1).await;
    let query = &got[0]["callback_query"];
    assert_eq!(query["data"], "mail", "{got:?}");
    assert_eq!(query["message"]["message_id"], menu_id);
    assert_eq!(query["from"]["username"], "anna");
    assert!(query["chat_instance"].is_string());
    let second_id = got[0]["update_id"].as_i64().expect("id");
    assert!(second_id > first_id);

    // The note to whoever clicked, the edited menu, and a reply in its thread.
    let (status, _) = form(
        &app,
        &token,
        "answerCallbackQuery",
        &[
            (
                "callback_query_id",
                query["id"].as_str().expect("id").into(),
            ),
            ("text", "D'acord!".into()),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let note = anna_ws.next_of_type("ephemeral").await;
    assert!(note.to_string().contains("D'acord!"), "{note}");
    let (status, edited) = json_call(
        &app,
        &token,
        "editMessageText",
        json!({"chat_id": chat_id, "message_id": menu_id, "text": "*Correu*: explica'm què passa", "parse_mode": "MarkdownV2"}),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert!(edited["result"].get("reply_markup").is_none(), "{edited}");
    let updated = anna_ws.next_of_type("message_updated").await;
    assert_eq!(
        updated["message"]["body"],
        "**Correu**: explica'm què passa"
    );
    let (status, again) = json_call(
        &app,
        &token,
        "editMessageText",
        json!({"chat_id": chat_id, "message_id": menu_id, "text": "*Correu*: explica'm què passa", "parse_mode": "MarkdownV2"}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        again["description"]
            .as_str()
            .expect("d")
            .starts_with("Bad Request: message is not modified")
    );
    let (status, reply) = json_call(
        &app,
        &token,
        "sendMessage",
        json!({"chat_id": chat_id, "text": "Obre el teu client de correu", "reply_parameters": {"message_id": menu_id}}),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["result"]["reply_to_message"]["message_id"], menu_id);
    let in_thread = anna_ws.next_of_type("message").await;
    assert_eq!(in_thread["message"]["thread_root"], menu_id);

    // The bot's own messages are no updates; acknowledged ones never come back.
    assert!(updates(&app, &token, second_id + 1, 0).await.is_empty());
    assert!(updates(&app, &token, 0, 0).await.is_empty());
    let (status, gone) = form(
        &app,
        &token,
        "deleteMessage",
        &[
            ("chat_id", chat_id.to_string()),
            ("message_id", menu_id.to_string()),
        ],
    )
    .await;
    assert_eq!((status, &gone["result"]), (200, &json!(true)));
    let (status, _) = form(
        &app,
        &token,
        "deleteMessage",
        &[
            ("chat_id", chat_id.to_string()),
            ("message_id", menu_id.to_string()),
        ],
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn updates_survive_a_restart_and_two_pollers_conflict() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (bot_id, token) = telegram_bot(&app, &admin, "monitor").await;
    let anna = app.create_user(&admin, "anna").await;
    assert!(updates(&app, &token, 0, 0).await.is_empty());
    let group = app.create_channel(&admin, "incidencies", "public").await;
    app.join(&anna, &group).await;
    let add = format!("/api/v1/channels/{group}/members/{bot_id}");
    assert_eq!(app.put(&add, &admin.token).await.0, 204);

    // The bot was added: my_chat_member. In a group, only commands and mentions reach it.
    let got = next_updates(&app, &token, 0).await;
    let joined = &got[0]["my_chat_member"];
    assert_eq!(joined["new_chat_member"]["status"], "member", "{got:?}");
    let chat = &joined["chat"];
    assert!(chat["id"].as_i64().is_some_and(|id| id < 0), "{chat}");
    assert_eq!(chat["type"], "supergroup");
    assert_eq!(chat["title"], "incidencies");
    let mut offset = got.last().expect("one")["update_id"].as_i64().expect("id") + 1;
    let (_, chatter) = app.send(&anna, &group, "bon dia a tothom").await;
    app.send(&anna, &group, "/estat servidor").await;
    app.send(&anna, &group, "@monitor com va?").await;
    let mut texts = Vec::new();
    while texts.len() < 2 {
        for update in next_updates(&app, &token, offset).await {
            offset = update["update_id"].as_i64().expect("id") + 1;
            texts.push(update["message"]["text"].as_str().expect("text").to_owned());
        }
    }
    assert_eq!(texts, ["/estat servidor", "@monitor com va?"]);
    // Replies in the thread of the bot's message reach it; replies in other threads do not.
    let group_chat = chat["id"].as_i64().expect("chat id");
    let (status, posted) = json_call(
        &app,
        &token,
        "sendMessage",
        json!({"chat_id": group_chat, "text": "Servidor en marxa"}),
    )
    .await;
    assert_eq!(status, 200, "{posted}");
    let messages = format!("/api/v1/channels/{group}/messages");
    for (body, root) in [
        ("en un altre fil", &chatter["seq"]),
        ("gràcies!", &posted["result"]["message_id"]),
    ] {
        let (status, _) = app
            .post(
                &messages,
                &anna.token,
                json!({"body": body, "thread_root": root}),
            )
            .await;
        assert_eq!(status, 201);
    }
    let got = next_updates(&app, &token, offset).await;
    let replied: Vec<&str> = got
        .iter()
        .filter_map(|u| u["message"]["text"].as_str())
        .collect();
    assert_eq!(replied, ["gràcies!"]);
    assert_eq!(
        got[0]["message"]["reply_to_message"]["text"],
        "Servidor en marxa"
    );
    offset = got.last().expect("one")["update_id"].as_i64().expect("id") + 1;

    // Two long polls at once: the second gets 409.
    let first = {
        let app_url = app.url(&format!("/bot{token}/getUpdates"));
        let http = app.http.clone();
        tokio::spawn(async move {
            http.post(app_url)
                .json(&json!({"offset": offset, "timeout": 3}))
                .send()
                .await
                .expect("sent")
                .status()
                .as_u16()
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, conflict) = json_call(&app, &token, "getUpdates", json!({"offset": offset})).await;
    assert_eq!(status, 409, "{conflict}");
    assert_eq!(
        conflict["description"],
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
    );
    assert_eq!(first.await.expect("first poll"), 200);

    // Messages sent while the server is down for the bot, and across a restart: each comes
    // once, none is lost.
    app.send(&anna, &group, "/estat abans").await;
    let data_dir = app.data_dir.clone();
    let dir = app.stop().await;
    let app = spawn_in(data_dir, |_| {}).await;
    let anna = app.login("anna", xerrada_tests::USER_PASSWORD).await;
    app.send(&anna, &group, "/estat després").await;
    let mut texts = Vec::new();
    for _ in 0..10 {
        for update in updates(&app, &token, offset, 2).await {
            offset = update["update_id"].as_i64().expect("id") + 1;
            texts.push(update["message"]["text"].as_str().expect("text").to_owned());
        }
        if texts.len() >= 2 {
            break;
        }
    }
    assert_eq!(texts, ["/estat abans", "/estat després"]);
    assert!(
        updates(&app, &token, offset, 1).await.is_empty(),
        "nothing repeated"
    );
    drop(dir);
}

/// What a bot's webhook received: the secret header and the body. Its first call fails with
/// 500, to show the push is retried.
type Received = std::sync::Arc<tokio::sync::Mutex<Vec<(Option<String>, Value)>>>;

async fn webhook_receiver() -> (std::net::SocketAddr, Received) {
    use axum::http::{HeaderMap, StatusCode};
    let received: Received = Default::default();
    let failed_once = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let store = received.clone();
    let handle = move |headers: HeaderMap, axum::Json(body): axum::Json<Value>| {
        let store = store.clone();
        let failed_once = failed_once.clone();
        async move {
            if !failed_once.swap(true, std::sync::atomic::Ordering::SeqCst) {
                return StatusCode::INTERNAL_SERVER_ERROR;
            }
            let secret = headers
                .get("x-telegram-bot-api-secret-token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            store.lock().await.push((secret, body));
            StatusCode::OK
        }
    };
    let router = axum::Router::new().route("/hook", axum::routing::post(handle));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    (addr, received)
}

#[tokio::test]
async fn a_webhook_gets_every_update_with_its_secret_and_polling_waits_for_its_removal() {
    let (hook, received) = webhook_receiver().await;
    let app = xerrada_tests::spawn_app_with(|c| {
        c.integrations.outbound_allowlist = vec![hook.to_string()];
    })
    .await;
    let admin = app.admin().await;
    let (bot_id, token) = telegram_bot(&app, &admin, "avisos").await;
    let anna = app.create_user(&admin, "anna").await;

    // Only hosts in the outbound allowlist, only http(s), only Telegram's secret characters.
    for (url, secret) in [
        ("http://192.0.2.1/hook".to_owned(), "s3cret"),
        ("ftp://127.0.0.1/hook".to_owned(), "s3cret"),
        (format!("http://{hook}/hook"), "no spaces"),
    ] {
        let (status, refused) = json_call(
            &app,
            &token,
            "setWebhook",
            json!({"url": url, "secret_token": secret}),
        )
        .await;
        assert_eq!(status, 400, "{url}: {refused}");
    }
    let url = format!("http://{hook}/hook");
    let (status, set) = form(
        &app,
        &token,
        "setWebhook",
        &[("url", url.clone()), ("secret_token", "s3cret_-1".into())],
    )
    .await;
    assert_eq!((status, &set["result"]), (200, &json!(true)), "{set}");
    let (_, info) = form(&app, &token, "getWebhookInfo", &[]).await;
    assert_eq!(info["result"]["url"], url.as_str());
    let (status, conflict) = json_call(&app, &token, "getUpdates", json!({})).await;
    assert_eq!(status, 409, "{conflict}");
    assert!(
        conflict["description"]
            .as_str()
            .expect("description")
            .starts_with("Conflict: can't use getUpdates method while webhook is active"),
        "{conflict}"
    );

    // Anna writes: the update reaches the webhook (after one failed try), with the secret.
    let (_, dm) = app
        .post("/api/v1/dms", &anna.token, json!({"user_ids": [bot_id]}))
        .await;
    let dm = dm["id"].as_str().expect("dm").to_owned();
    app.send(&anna, &dm, "Hola, bot").await;
    let delivered = xerrada_tests::eventually(Duration::from_secs(20), || {
        received.try_lock().is_ok_and(|r| !r.is_empty())
    })
    .await;
    assert!(delivered, "the webhook got nothing");
    let (secret, update) = received.lock().await[0].clone();
    assert_eq!(secret.as_deref(), Some("s3cret_-1"));
    assert_eq!(update["message"]["text"], "Hola, bot", "{update}");
    assert!(update["update_id"].as_i64().is_some());
    let (_, info) = form(&app, &token, "getWebhookInfo", &[]).await;
    assert_eq!(info["result"]["pending_update_count"], 0, "{info}");

    // Back to polling: what comes next is polled, and nothing pushed comes again.
    assert_eq!(form(&app, &token, "deleteWebhook", &[]).await.0, 200);
    let (_, info) = form(&app, &token, "getWebhookInfo", &[]).await;
    assert_eq!(info["result"]["url"], "");
    app.send(&anna, &dm, "Ara per polling").await;
    let got = next_updates(&app, &token, 0).await;
    let texts: Vec<&str> = got
        .iter()
        .filter_map(|u| u["message"]["text"].as_str())
        .collect();
    assert_eq!(texts, ["Ara per polling"]);
    assert_eq!(received.lock().await.len(), 1, "pushed once");
}

/// A multipart call, with text parts and maybe one file part (as python-telegram-bot sends
/// `sendDocument`).
async fn multipart_call(
    app: &TestApp,
    token: &str,
    method: &str,
    texts: &[(&str, String)],
    file: Option<(&str, &str, &[u8])>,
) -> (u16, Value) {
    let boundary = "tg-boundary-7";
    let mut body = Vec::new();
    for (name, value) in texts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((field, file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let response = app
        .http
        .post(app.url(&format!("/bot{token}/{method}")))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

#[tokio::test]
async fn files_go_both_ways_with_send_document_and_get_file() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (bot_id, token) = telegram_bot(&app, &admin, "arxiu").await;
    let anna = app.create_user(&admin, "anna").await;
    let oriol = app.create_user(&admin, "oriol").await;
    assert!(updates(&app, &token, 0, 0).await.is_empty());
    let (_, dm) = app
        .post("/api/v1/dms", &anna.token, json!({"user_ids": [bot_id]}))
        .await;
    let dm = dm["id"].as_str().expect("dm").to_owned();
    app.send(&anna, &dm, "Hola").await;
    let got = next_updates(&app, &token, 0).await;
    let chat_id = got[0]["message"]["chat"]["id"].as_i64().expect("chat");
    let offset = got[0]["update_id"].as_i64().expect("id") + 1;

    // The bot sends a document (uploaded in the call) with a caption.
    let report = b"%PDF-1.4\n% informe mensual\n";
    let (status, sent) = multipart_call(
        &app,
        &token,
        "sendDocument",
        &[
            ("chat_id", chat_id.to_string()),
            ("caption", "L'informe del mes".into()),
        ],
        Some(("document", "informe.pdf", report)),
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    let document = &sent["result"]["document"];
    assert_eq!(document["file_name"], "informe.pdf", "{sent}");
    assert_eq!(sent["result"]["caption"], "L'informe del mes");
    let file_id = document["file_id"].as_str().expect("file id").to_owned();
    // Anna reads it as any file in her DM; Oriol may not.
    let read = |who: &Session| {
        app.http
            .get(app.url(&format!("/api/v1/files/{file_id}")))
            .bearer_auth(&who.token)
            .send()
    };
    assert_eq!(read(&anna).await.expect("get").status().as_u16(), 200);
    assert_eq!(read(&oriol).await.expect("get").status().as_u16(), 404);
    // A file goes once; a URL is never fetched.
    let (status, _) = json_call(
        &app,
        &token,
        "sendDocument",
        json!({"chat_id": chat_id, "document": file_id}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = json_call(
        &app,
        &token,
        "sendPhoto",
        json!({"chat_id": chat_id, "photo": "https://example.org/a.png"}),
    )
    .await;
    assert_eq!(status, 400);

    // Anna sends a photo: the update has it, and the bot downloads it with getFile.
    let png = crate::files::PNG;
    let uploaded = crate::files::uploaded(&app, &anna, "pantalla.png", png).await;
    let (status, _) = app
        .post(
            &format!("/api/v1/channels/{dm}/messages"),
            &anna.token,
            json!({"body": "Mira la pantalla", "file_ids": [uploaded]}),
        )
        .await;
    assert_eq!(status, 201);
    let got = next_updates(&app, &token, offset).await;
    let message = &got[0]["message"];
    assert_eq!(message["caption"], "Mira la pantalla", "{message}");
    let photo = &message["photo"][0];
    assert_eq!(
        (photo["width"].as_i64(), photo["height"].as_i64()),
        (Some(1), Some(1))
    );
    let (status, file) = form(
        &app,
        &token,
        "getFile",
        &[("file_id", photo["file_id"].as_str().expect("id").into())],
    )
    .await;
    assert_eq!(status, 200, "{file}");
    let path = file["result"]["file_path"].as_str().expect("path");
    // As python-telegram-bot asks for it (the token's ':' would be %3A; here a '/' as %2F).
    let encoded = path.replace('/', "%2F");
    let download = app
        .http
        .get(app.url(&format!("/file/bot{token}/{encoded}")))
        .send()
        .await
        .expect("download");
    assert_eq!(download.status().as_u16(), 200);
    assert_eq!(download.bytes().await.expect("bytes").as_ref(), png);
    let (status, _) = form(&app, &token, "getFile", &[("file_id", "nope".into())]).await;
    assert_eq!(status, 400);
    let refused = app
        .http
        .get(app.url(&format!("/file/botxbot_bad/{path}")))
        .send()
        .await
        .expect("download");
    assert_eq!(refused.status().as_u16(), 401);
    // Anything else under /file/bot is the Bot API's 404, not the web client's page; other
    // methods are 405 with the ones allowed.
    let unknown = app
        .http
        .get(app.url(&format!("/file/bot{token}/elsewhere")))
        .send()
        .await
        .expect("download");
    assert_eq!(unknown.status().as_u16(), 404);
    let envelope: Value = unknown.json().await.expect("a Telegram envelope");
    assert_eq!(envelope["ok"], false);
    let put = app
        .http
        .put(app.url(&format!("/file/bot{token}/{path}")))
        .send()
        .await
        .expect("put");
    assert_eq!(put.status().as_u16(), 405);
    assert_eq!(put.headers()["allow"], "GET, HEAD");
    let delete = app
        .http
        .delete(app.url(&format!("/bot{token}/getMe")))
        .send()
        .await
        .expect("delete");
    assert_eq!(delete.status().as_u16(), 405);
    assert_eq!(delete.headers()["allow"], "GET, POST");
}

#[tokio::test]
async fn privacy_mode_is_set_per_bot_and_a_deactivated_bot_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (bot_id, token) = telegram_bot(&app, &admin, "escolta").await;
    let anna = app.create_user(&admin, "anna").await;
    let settings = format!("/api/v1/bots/{bot_id}/telegram");
    assert_eq!(
        app.get(&settings, &admin.token).await,
        (200, json!({"privacy": true}))
    );
    async fn put(app: &TestApp, path: &str, who: &Session, body: Value) -> (u16, Value) {
        app.call(reqwest::Method::PUT, path, Some(&who.token), Some(body))
            .await
    }
    let off = json!({"privacy": false});
    assert_eq!(
        put(&app, &settings, &anna, off.clone()).await.0,
        403,
        "admins only"
    );
    assert_eq!(
        put(&app, &settings, &admin, json!({"privacy": "no"}))
            .await
            .0,
        422
    );
    let (status, _) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/bots/{}/telegram", anna.user.id),
            Some(&admin.token),
            Some(json!({"privacy": false})),
        )
        .await;
    assert_eq!(status, 404, "people are not bots");
    assert_eq!(put(&app, &settings, &admin, off.clone()).await, (200, off));
    let (_, me) = form(&app, &token, "getMe", &[]).await;
    assert_eq!(me["result"]["can_read_all_group_messages"], true);

    // Without privacy, every message of a group reaches the bot.
    let group = app.create_channel(&admin, "xerrameca", "public").await;
    app.join(&anna, &group).await;
    assert_eq!(
        app.put(
            &format!("/api/v1/channels/{group}/members/{bot_id}"),
            &admin.token
        )
        .await
        .0,
        204
    );
    app.send(&anna, &group, "bon dia").await;
    let mut texts = Vec::new();
    let mut offset = 0;
    while texts.is_empty() {
        for update in next_updates(&app, &token, offset).await {
            offset = update["update_id"].as_i64().expect("id") + 1;
            if let Some(text) = update["message"]["text"].as_str() {
                texts.push(text.to_owned());
            }
        }
    }
    assert_eq!(texts, ["bon dia"]);
    let (_, audit) = app
        .get("/api/v1/audit?action=bot.telegram_changed", &admin.token)
        .await;
    assert!(audit.to_string().contains(&bot_id), "{audit}");

    // A deactivated bot's token is refused.
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            &format!("/api/v1/users/{bot_id}/deactivate"),
            Some(&admin.token),
            None,
        )
        .await;
    assert!(status == 204 || status == 200, "deactivated: {status}");
    let (status, refused) = form(&app, &token, "getMe", &[]).await;
    assert_eq!(
        (status, refused["description"].as_str()),
        (401, Some("Unauthorized"))
    );
}
