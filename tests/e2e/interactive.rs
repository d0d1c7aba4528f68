//! Interactive messages: a bot posts buttons, a member clicks, the bot hears of it and updates
//! the message, and every member sees the update in order.

use serde_json::{Value, json};
use xerrada_tests::{WsClient, spawn_app};

#[tokio::test]
async fn a_click_reaches_the_bot_and_its_update_reaches_everyone_in_order() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let outsider = app.create_user(&admin, "oriol").await;
    let channel = app.create_channel(&anna, "tic", "public").await;
    let (_, created) = app
        .post(
            "/api/v1/bots",
            &admin.token,
            json!({"username": "deploy-bot", "display_name": "Deploy"}),
        )
        .await;
    let bot_token = created["token"].as_str().expect("token").to_owned();
    app.post(
        &format!("/api/v1/channels/{channel}/join"),
        &bot_token,
        json!({}),
    )
    .await;
    let mut bot_ws = WsClient::connect_authed(app.addr, &bot_token, None).await;
    let mut anna_ws = app.connect(&anna).await;

    let card = json!({"attachments": [{"color": "warning", "title": "Desplegar v2.3?"}],
        "actions": [{"id": "approve", "label": "Aprova", "style": "primary", "value": "v2.3"},
                    {"id": "reject", "label": "Rebutja", "style": "danger"}]});
    let (status, posted) = app
        .post(
            &format!("/api/v1/channels/{channel}/messages"),
            &bot_token,
            json!({"body": "Petició de desplegament", "extras": card}),
        )
        .await;
    assert_eq!(status, 201, "{posted}");
    let message_id = posted["id"].as_str().expect("id").to_owned();
    let shown = anna_ws.next_of_type("message").await;
    assert_eq!(shown["message"]["extras"]["actions"][0]["label"], "Aprova");

    let click_path = format!("/api/v1/channels/{channel}/messages/{message_id}/actions");
    assert_eq!(
        app.post(
            &click_path,
            &outsider.token,
            json!({"action_id": "approve"})
        )
        .await
        .0,
        403,
        "only members click"
    );
    assert_eq!(
        app.post(&click_path, &anna.token, json!({"action_id": "nope"}))
            .await
            .0,
        404
    );
    assert_eq!(
        app.post(&click_path, &anna.token, json!({"action_id": "approve"}))
            .await
            .0,
        204
    );
    let action = bot_ws.next_of_type("action").await;
    assert_eq!(
        action,
        json!({"type": "action", "channel_id": channel, "message_id": message_id, "action_id": "approve", "value": "v2.3", "user_id": anna.user.id})
    );
    assert!(
        anna_ws
            .quiet_for("action", std::time::Duration::from_millis(200))
            .await,
        "only the bot hears clicks"
    );

    // The bot answers by updating its message: new text, no more buttons.
    let updated =
        json!({"attachments": [{"color": "good", "title": "Desplegament aprovat per anna"}]});
    let edit_path = format!("/api/v1/channels/{channel}/messages/{message_id}");
    let (status, edited) = app
        .call(
            reqwest::Method::PATCH,
            &edit_path,
            Some(&bot_token),
            Some(json!({"body": "Aprovat", "extras": updated})),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert!(edited["edited_at"].is_string());
    let frame = anna_ws.next_of_type("message_updated").await;
    assert_eq!(
        frame["seq"],
        posted["seq"].as_i64().expect("seq") + 1,
        "an update is an event of its own"
    );
    assert_eq!(
        frame["message"]["seq"], posted["seq"],
        "the message keeps its seq"
    );
    assert_eq!(frame["message"]["body"], "Aprovat");
    assert!(frame["message"]["extras"].get("actions").is_none());

    // History shows the current version; a resume from before replays the update.
    let history = app.all_messages(&anna, &channel).await;
    assert_eq!(
        (history.len(), history[0]["body"].as_str()),
        (1, Some("Aprovat"))
    );
    let before_card = posted["seq"].as_i64().expect("seq") - 1;
    let mut late = app
        .connect_resuming(&anna, json!({ channel.clone(): before_card }))
        .await;
    let replayed: Vec<Value> = vec![late.next_significant().await, late.next_significant().await];
    assert_eq!(replayed[0]["type"], "message");
    assert_eq!(replayed[1]["type"], "message_updated");
    assert_eq!(replayed[1]["message"]["body"], "Aprovat");

    // A bot that is not connected cannot take the click: the member is told to retry.
    bot_ws.close().await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let card_again = json!({"actions": [{"id": "ok", "label": "D'acord"}]});
    let (_, second) = app
        .post(
            &format!("/api/v1/channels/{channel}/messages"),
            &bot_token,
            json!({"body": "Una altra", "extras": card_again}),
        )
        .await;
    let second_click = format!(
        "/api/v1/channels/{channel}/messages/{}/actions",
        second["id"].as_str().expect("id")
    );
    let (status, body) = app
        .post(&second_click, &anna.token, json!({"action_id": "ok"}))
        .await;
    assert_eq!((status, body["code"].as_str()), (503, Some("unavailable")));
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("not connected"),
        "the clicker is told why: {body}"
    );

    // An archived channel's buttons are read-only too.
    let archive = format!("/api/v1/channels/{channel}/archive");
    assert_eq!(app.post(&archive, &anna.token, json!({})).await.0, 200);
    let (status, body) = app
        .post(&second_click, &anna.token, json!({"action_id": "ok"}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
}

#[tokio::test]
async fn only_authors_edit_and_only_bots_send_extras() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let channel = app.create_channel(&anna, "general", "public").await;
    app.post(
        &format!("/api/v1/channels/{channel}/join"),
        &bernat.token,
        json!({}),
    )
    .await;
    let (_, posted) = app.send(&anna, &channel, "Reunió a les 10").await;
    let path = format!(
        "/api/v1/channels/{channel}/messages/{}",
        posted["id"].as_str().expect("id")
    );
    let patch = |token: String, body: Value| {
        let app = &app;
        let path = path.clone();
        async move {
            app.call(reqwest::Method::PATCH, &path, Some(&token), Some(body))
                .await
        }
    };
    assert_eq!(
        patch(bernat.token.clone(), json!({"body": "Reunió a les 11"}))
            .await
            .0,
        403
    );
    assert_eq!(
        patch(
            anna.token.clone(),
            json!({"extras": {"actions": [{"id": "x", "label": "x"}]}})
        )
        .await
        .0,
        403
    );
    assert_eq!(patch(anna.token.clone(), json!({})).await.0, 400);
    assert_eq!(patch(anna.token.clone(), json!({"body": " "})).await.0, 400);
    let (status, edited) = patch(anna.token.clone(), json!({"body": "Reunió a les 11"})).await;
    assert_eq!(
        (status, edited["body"].as_str()),
        (200, Some("Reunió a les 11"))
    );
    let (status, _) = app
        .post(
            &format!("/api/v1/channels/{channel}/messages"),
            &anna.token,
            json!({"body": "x", "extras": {"username": "El Director"}}),
        )
        .await;
    assert_eq!(status, 403, "people cannot impersonate with extras");
    let (_, created) = app
        .post(
            "/api/v1/bots",
            &admin.token,
            json!({"username": "forger", "display_name": "F"}),
        )
        .await;
    let bot = created["token"].as_str().expect("token").to_owned();
    app.post(&format!("/api/v1/channels/{channel}/join"), &bot, json!({}))
        .await;
    let sneaky = json!({"webhook_id": "someone-elses-hook", "attachments": [{"title": "x", "title_link": "javascript:alert(1)"}]});
    let (status, posted) = app
        .post(
            &format!("/api/v1/channels/{channel}/messages"),
            &bot,
            json!({"body": "x", "extras": sneaky}),
        )
        .await;
    assert_eq!(status, 201);
    assert!(
        posted["extras"].get("webhook_id").is_none(),
        "bots cannot pose as a webhook"
    );
    assert!(
        posted["extras"]["attachments"][0]
            .get("title_link")
            .is_none(),
        "script links are dropped"
    );
    let many: Vec<Value> = (0..21).map(|_| json!({"text": "x"})).collect();
    let (status, _) = app
        .post(
            &format!("/api/v1/channels/{channel}/messages"),
            &bot,
            json!({"body": "x", "extras": {"attachments": many}}),
        )
        .await;
    assert_eq!(status, 400);
    let missing = format!("/api/v1/channels/{channel}/messages/nope");
    assert_eq!(
        app.call(
            reqwest::Method::PATCH,
            &missing,
            Some(&anna.token),
            Some(json!({"body": "x"}))
        )
        .await
        .0,
        404
    );
}
