//! Pins (channel events every member sees) and saved messages (seen by their owner only).

use serde_json::json;
use xerrada_tests::spawn_app;

#[tokio::test]
async fn members_pin_and_each_person_saves_for_themselves() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let channel = app.create_channel(&anna, "obres", "public").await;
    let private = app.create_channel(&anna, "privat", "private").await;
    app.join(&bernat, &channel).await;
    let (_, message) = app.send(&anna, &channel, "Horari d'estiu: 8-15 h").await;
    let id = message["id"].as_str().expect("id").to_owned();
    let (_, secret) = app.send(&anna, &private, "només per a mi").await;
    let secret = secret["id"].as_str().expect("id").to_owned();
    let mut anna_ws = app.connect(&anna).await;

    let pin = format!("/api/v1/channels/{channel}/pins/{id}");
    assert_eq!(app.put(&pin, &bernat.token).await.0, 204);
    assert_eq!(app.put(&pin, &bernat.token).await.0, 204, "idempotent");
    let pinned = anna_ws.next_of_type("message_pinned").await;
    assert_eq!(
        pinned,
        json!({"type": "message_pinned", "channel_id": channel, "seq": 3,
               "message_id": id, "user_id": bernat.user.id})
    );
    let (_, list) = app
        .get(&format!("/api/v1/channels/{channel}/pins"), &anna.token)
        .await;
    assert_eq!(list["pins"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["pins"][0]["message"]["id"], id.as_str());
    assert_eq!(list["pins"][0]["message"]["pinned"], true);
    assert_eq!(list["pins"][0]["pinned_by"], bernat.user.id.as_str());
    let (_, page) = app
        .get(
            &format!("/api/v1/channels/{channel}/messages"),
            &bernat.token,
        )
        .await;
    assert_eq!(page["messages"][0]["pinned"], true);

    // Another channel's message, through this channel: not found; a non-member: refused.
    let (status, body) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/channels/{channel}/pins/{secret}"),
            Some(&bernat.token),
            None,
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    assert_eq!(
        app.put(
            &format!("/api/v1/channels/{private}/pins/{secret}"),
            &bernat.token
        )
        .await
        .0,
        404,
        "a hidden channel"
    );

    assert_eq!(app.delete(&pin, &anna.token).await.0, 204);
    let unpinned = anna_ws.next_of_type("message_unpinned").await;
    assert_eq!(unpinned["seq"], 4);
    let (_, list) = app
        .get(&format!("/api/v1/channels/{channel}/pins"), &anna.token)
        .await;
    assert_eq!(list["pins"], json!([]));

    // Saved: one's own list only, never others'.
    let saved = format!("/api/v1/saved/{id}");
    assert_eq!(app.put(&saved, &bernat.token).await.0, 204);
    assert_eq!(app.put(&saved, &bernat.token).await.0, 204);
    let (_, mine) = app.get("/api/v1/saved", &bernat.token).await;
    assert_eq!(mine["saved"][0]["message"]["id"], id.as_str());
    let (_, theirs) = app.get("/api/v1/saved", &anna.token).await;
    assert_eq!(theirs["saved"], json!([]));
    assert_eq!(
        app.put(&format!("/api/v1/saved/{secret}"), &bernat.token)
            .await
            .0,
        404,
        "a message of a channel one is not in"
    );
    assert_eq!(app.put("/api/v1/saved/nope", &bernat.token).await.0, 404);

    // A deleted message leaves the saved list, and can no longer be pinned.
    assert_eq!(
        app.delete(
            &format!("/api/v1/channels/{channel}/messages/{id}"),
            &anna.token
        )
        .await
        .0,
        204
    );
    let (_, mine) = app.get("/api/v1/saved", &bernat.token).await;
    assert_eq!(mine["saved"], json!([]));
    assert_eq!(app.put(&pin, &bernat.token).await.0, 404);
    assert_eq!(app.delete(&saved, &bernat.token).await.0, 204);
    assert_eq!(app.delete(&saved, &bernat.token).await.0, 204);

    // The pin events are channel events: replayed on resume.
    let mut late = app
        .connect_resuming(&bernat, json!({ channel.clone(): 2 }))
        .await;
    let kinds: Vec<String> = {
        let mut kinds = Vec::new();
        while kinds.len() < 3 {
            let frame = late.next_significant().await;
            if frame["seq"].is_i64() {
                kinds.push(frame["type"].as_str().unwrap_or_default().to_owned());
            }
        }
        kinds
    };
    assert_eq!(
        kinds,
        ["message_pinned", "message_unpinned", "message_deleted"]
    );
}
