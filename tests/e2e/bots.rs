//! Bot accounts: tokens, the same REST and WebSocket API as people, revocation and rotation.

use serde_json::{Value, json};
use xerrada_tests::{Session, WsClient, spawn_app};

async fn create_bot(
    app: &xerrada_tests::TestApp,
    admin: &Session,
    username: &str,
) -> (Value, String) {
    let (status, body) = app
        .post(
            "/api/v1/bots",
            &admin.token,
            json!({"username": username, "display_name": "Monitoratge"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    (
        body["bot"].clone(),
        body["token"].as_str().expect("token").to_owned(),
    )
}

#[tokio::test]
async fn a_bot_posts_over_rest_and_follows_a_channel_over_websocket() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let (bot, token) = create_bot(&app, &admin, "monitor").await;
    assert_eq!(
        (bot["kind"].as_str(), bot["role"].as_str()),
        (Some("bot"), Some("member"))
    );
    assert!(token.len() >= 40, "bot tokens are long");
    let channel = app.create_channel(&anna, "alertes", "public").await;

    let (status, me) = app.get("/api/v1/me", &token).await;
    assert_eq!((status, me["username"].as_str()), (200, Some("monitor")));
    assert_eq!(
        app.post(
            &format!("/api/v1/channels/{channel}/join"),
            &token,
            json!({})
        )
        .await
        .0,
        204
    );
    let mut bot_ws = WsClient::connect_authed(app.addr, &token, None).await;
    assert_eq!(bot_ws.ready["user"]["kind"], "bot");
    let mut anna_ws = app.connect(&anna).await;

    let (status, message) = app
        .post(
            &format!("/api/v1/channels/{channel}/messages"),
            &token,
            json!({"body": "Disc ple a srv-01", "client_msg_id": "alert-1"}),
        )
        .await;
    assert_eq!(
        (status, message["author_id"].as_str()),
        (201, bot["id"].as_str())
    );
    assert_eq!(
        anna_ws.next_of_type("message").await["message"]["body"],
        "Disc ple a srv-01"
    );
    app.send(&anna, &channel, "Ho miro").await;
    let own = bot_ws.next_of_type("message").await;
    assert_eq!(
        own["message"]["body"], "Disc ple a srv-01",
        "its own post, over REST, too"
    );
    let seen = bot_ws.next_of_type("message").await;
    assert_eq!(
        seen["message"]["body"], "Ho miro",
        "the bot receives the channel's live events"
    );

    // Bots have no password: logging in as one is refused like any wrong credential.
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "monitor", "password": token})),
        )
        .await;
    assert_eq!(status, 401);
    let (_, bots) = app.get("/api/v1/bots", &anna.token).await;
    let listed = bots
        .as_array()
        .expect("bots")
        .iter()
        .any(|b| b["username"] == "monitor");
    assert!(
        listed,
        "the bot is listed with the server's own bots: {bots}"
    );
}

#[tokio::test]
async fn a_revoked_bot_token_is_refused_at_once_and_its_socket_closed() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (bot, first) = create_bot(&app, &admin, "expedients").await;
    let bot_id = bot["id"].as_str().expect("id");
    let mut ws = WsClient::connect_authed(app.addr, &first, None).await;

    // Rotation: a second token first, then the old one goes.
    let (status, second) = app
        .post(
            &format!("/api/v1/bots/{bot_id}/tokens"),
            &admin.token,
            json!({"label": "2026 rotation"}),
        )
        .await;
    assert_eq!(status, 201);
    let second_token = second["token"].as_str().expect("token").to_owned();
    let (status, listed) = app
        .get(&format!("/api/v1/bots/{bot_id}/tokens"), &admin.token)
        .await;
    assert_eq!(status, 200);
    let listed = listed.as_array().expect("tokens").clone();
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .all(|t| t.get("token").is_none() && t["revoked_at"].is_null()),
        "no secrets listed"
    );
    let first_id = listed[0]["id"].as_str().expect("id").to_owned();

    let revoke = format!("/api/v1/bots/{bot_id}/tokens/{first_id}");
    let anna = app.create_user(&admin, "anna").await;
    assert_eq!(
        app.delete(&revoke, &anna.token).await.0,
        403,
        "only admins manage bot tokens"
    );
    assert_eq!(app.delete(&revoke, &admin.token).await.0, 204);
    assert_eq!(ws.expect_close().await, Some(4003));
    let (status, body) = app.get("/api/v1/me", &first).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));
    assert_eq!(
        app.get("/api/v1/me", &second_token).await.0,
        200,
        "the new token still works"
    );
    let (_, listed) = app
        .get(&format!("/api/v1/bots/{bot_id}/tokens"), &admin.token)
        .await;
    assert!(listed[0]["revoked_at"].is_string());
    assert_eq!(
        app.delete(&format!("/api/v1/bots/{bot_id}/tokens/nope"), &admin.token)
            .await
            .0,
        404
    );
    let mut late = WsClient::connect(app.addr).await;
    late.send_json(&json!({"type": "auth", "token": first}))
        .await;
    assert_eq!(late.next_frame().await["code"], "unauthorized");
    assert_eq!(late.expect_close().await, Some(4001));
}

#[tokio::test]
async fn bot_creation_is_for_admins_and_checks_its_input() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let body = json!({"username": "grafana", "display_name": "Grafana"});
    assert_eq!(
        app.post("/api/v1/bots", &anna.token, body.clone()).await.0,
        403
    );
    assert_eq!(
        app.post("/api/v1/bots", &admin.token, body.clone()).await.0,
        201
    );
    let (status, conflict) = app.post("/api/v1/bots", &admin.token, body).await;
    assert_eq!((status, conflict["code"].as_str()), (409, Some("conflict")));
    let (status, _) = app
        .post(
            "/api/v1/bots",
            &admin.token,
            json!({"username": "has space", "display_name": "x"}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = app
        .post("/api/v1/bots", &admin.token, json!({"username": "x"}))
        .await;
    assert_eq!(status, 422);
    let (status, _) = app
        .get(
            &format!("/api/v1/bots/{}/tokens", anna.user.id),
            &admin.token,
        )
        .await;
    assert_eq!(status, 404, "a person is not a bot");
}

#[tokio::test]
async fn the_example_bot_posts_and_answers_in_a_channel_across_a_reconnect() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let (_, token) = create_bot(&app, &admin, "notify").await;
    let channel = app.create_channel(&anna, "sistemes", "public").await;
    let bot = notify_bot::Bot::new(&app.base_url, &token);
    bot.join(&channel).await.expect("join");
    let first = bot
        .post(&channel, "Còpia feta", "backup-1")
        .await
        .expect("post");
    let again = bot
        .post(&channel, "Còpia feta", "backup-1")
        .await
        .expect("retry");
    assert_eq!(first.id, again.id, "a retried notification is stored once");

    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let follower = {
        let (bot, channel) = (bot.clone(), channel.clone());
        tokio::spawn(async move {
            bot.follow(&channel, || "Tot en ordre".into(), async {
                let _ = stop_rx.await;
            })
            .await
            .expect("follow")
        })
    };
    let mut anna_ws = app.connect(&anna).await;
    // Wait until the bot is connected, then ask.
    assert!(
        xerrada_tests::eventually(std::time::Duration::from_secs(10), || app
            .ctx
            .hub
            .is_online(&first.author_id))
        .await
    );
    app.send(&anna, &channel, "!estat").await;
    let reply = loop {
        let frame = anna_ws.next_of_type("message").await;
        if frame["message"]["author_id"] == first.author_id.as_str() {
            break frame;
        }
    };
    assert_eq!(reply["message"]["body"], "Tot en ordre");

    // The server drops the bot's socket; a command sent meanwhile is answered after resume.
    app.ctx
        .hub
        .close_user(&first.author_id, 1001, "test restart");
    assert!(
        xerrada_tests::eventually(std::time::Duration::from_secs(5), || !app
            .ctx
            .hub
            .is_online(&first.author_id))
        .await
    );
    app.send(&anna, &channel, "!estat").await;
    let second = loop {
        let frame = anna_ws.next_of_type("message").await;
        if frame["message"]["author_id"] == first.author_id.as_str() {
            break frame;
        }
    };
    assert_eq!(second["message"]["body"], "Tot en ordre");
    let _ = stop_tx.send(());
    assert_eq!(follower.await.expect("follower"), 2);
}

#[tokio::test]
async fn the_servers_own_bots_take_no_tokens() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, bots) = app.get("/api/v1/bots", &admin.token).await;
    let support = bots
        .as_array()
        .expect("bots")
        .iter()
        .find(|b| b["username"] == "suport")
        .cloned()
        .expect("the @suport bot exists from the start");
    let id = support["id"].as_str().expect("id");
    let (status, body) = app
        .post(
            &format!("/api/v1/bots/{id}/tokens"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    // Nor a Telegram side: its updates would be served to whoever held a token.
    let (status, body) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/bots/{id}/telegram"),
            Some(&admin.token),
            Some(json!({"privacy": false})),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    let (status, _) = app
        .get(&format!("/api/v1/bots/{id}/telegram"), &admin.token)
        .await;
    assert_eq!(status, 403);
}
