//! Mentions: resolved to channel members when posted or edited, counted per channel as unread
//! until read, and making the mentioned follow a thread.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use xerrada_tests::{Session, TestApp, WsClient, spawn_app};

fn ids(message: &Value) -> BTreeSet<String> {
    message["mentions"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn set(users: &[&Session]) -> BTreeSet<String> {
    users.iter().map(|u| u.user.id.clone()).collect()
}

async fn mention_count(app: &TestApp, who: &Session, channel: &str) -> i64 {
    let (_, view) = app
        .get(&format!("/api/v1/channels/{channel}"), &who.token)
        .await;
    view["mention_count"].as_i64().expect("mention_count")
}

#[tokio::test]
async fn mentions_name_channel_members_and_count_until_read() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let urbanisme = app.create_department(&admin, "urbanisme").await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user_in(&admin, "bernat", &[&urbanisme.id]).await;
    let carla = app.create_user(&admin, "carla").await;
    let dolors = app.create_user_in(&admin, "dolors", &[&urbanisme.id]).await;
    let channel = app.create_channel(&anna, "obres", "public").await;
    for who in [&bernat, &carla] {
        app.join(who, &channel).await;
    }
    let mut carla_ws = app.connect(&carla).await;

    let (_, named) = app
        .send(
            &anna,
            &channel,
            "@bernat i @Carla, mireu això (no @anna, ni @ningú)",
        )
        .await;
    assert_eq!(
        ids(&named),
        set(&[&bernat, &carla]),
        "the author is left out"
    );
    let live = carla_ws.next_of_type("message").await;
    assert_eq!(ids(&live["message"]), set(&[&bernat, &carla]));
    for (body, expected) in [
        ("Avís per a @canal", set(&[&bernat, &carla])),
        ("@aquí qui hi és?", set(&[&carla])),
        ("@urbanisme ho reviseu?", set(&[&bernat])),
        ("escriu a bernat@ajuntament.cat o `@bernat`", set(&[])),
        ("@dolors no és al canal", set(&[])),
    ] {
        let (_, message) = app.send(&anna, &channel, body).await;
        assert_eq!(ids(&message), expected, "{body}");
    }
    assert!(dolors.user.id != bernat.user.id);

    // Counted per person until read: a read frame clears them.
    assert_eq!(mention_count(&app, &bernat, &channel).await, 3);
    assert_eq!(mention_count(&app, &carla, &channel).await, 3);
    assert_eq!(mention_count(&app, &anna, &channel).await, 0);
    let mut bernat_ws = app.connect(&bernat).await;
    let ready_count = {
        let mut ws = WsClient::connect(app.addr).await;
        ws.send_json(&json!({"type": "auth", "token": bernat.token}))
            .await;
        let ready = ws.next_of_type("ready").await;
        ready["channels"]
            .as_array()
            .expect("channels")
            .iter()
            .find(|c| c["id"] == channel.as_str())
            .map(|c| c["mention_count"].clone())
    };
    assert_eq!(ready_count, Some(json!(3)), "ready carries it too");
    let (_, latest) = app.send(&carla, &channel, "d'acord").await;
    bernat_ws
        .send_json(&json!({"type": "read", "channel_id": channel, "seq": latest["seq"]}))
        .await;
    bernat_ws
        .send_json(&json!({"type": "ping", "ref": "p"}))
        .await;
    bernat_ws.next_of_type("pong").await;
    assert_eq!(mention_count(&app, &bernat, &channel).await, 0);

    // An edit re-reads the mentions; a delete takes them away.
    let message_path = format!(
        "/api/v1/channels/{channel}/messages/{}",
        named["id"].as_str().expect("id")
    );
    let (status, edited) = app
        .call(
            reqwest::Method::PATCH,
            &message_path,
            Some(&anna.token),
            Some(json!({"body": "Només @carla"})),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(ids(&edited), set(&[&carla]));
    let (_, page) = app
        .get(
            &format!("/api/v1/channels/{channel}/messages"),
            &carla.token,
        )
        .await;
    assert_eq!(ids(&page["messages"][0]), set(&[&carla]), "history agrees");
    assert_eq!(mention_count(&app, &carla, &channel).await, 3);
    assert_eq!(app.delete(&message_path, &anna.token).await.0, 204);
    assert_eq!(mention_count(&app, &carla, &channel).await, 2);

    // Mentioned in a reply: one follows the thread.
    let (_, root) = app.send(&bernat, &channel, "Pressupost 2027").await;
    let (status, _) = app
        .post(
            &format!("/api/v1/channels/{channel}/messages"),
            &anna.token,
            json!({"body": "@carla què en penses?", "thread_root": root["seq"]}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, threads) = app.get("/api/v1/threads", &carla.token).await;
    assert_eq!(threads["threads"][0]["root"]["id"], root["id"]);
    assert_eq!(threads["threads"][0]["unread_replies"], 1);
}
