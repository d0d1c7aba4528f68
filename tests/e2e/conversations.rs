//! Reactions, edits and deletes: each change an event with its own seq, seen live on every
//! socket of every member, on a short resume, and after a resume gap longer than the replay.

use serde_json::{Value, json};
use xerrada_tests::{Session, TestApp, WsClient, spawn_app};

const THUMBS_UP: &str = "%F0%9F%91%8D";

fn reaction_path(channel: &str, message: &str, emoji: &str) -> String {
    format!("/api/v1/channels/{channel}/messages/{message}/reactions/{emoji}")
}

async fn put(app: &TestApp, who: &Session, path: &str) -> u16 {
    app.call(reqwest::Method::PUT, path, Some(&who.token), None)
        .await
        .0
}

async fn delete(app: &TestApp, who: &Session, path: &str) -> (u16, Value) {
    app.call(reqwest::Method::DELETE, path, Some(&who.token), None)
        .await
}

/// The next channel event, skipping acks and presence.
async fn next_event(ws: &mut WsClient) -> Value {
    loop {
        let frame = ws.next_significant().await;
        if frame["seq"].is_i64() && frame["type"] != "ack" {
            return frame;
        }
    }
}

#[tokio::test]
async fn reactions_are_events_every_socket_sees_and_history_counts() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let channel = app.create_channel(&anna, "general", "public").await;
    app.join(&bernat, &channel).await;
    let (_, posted) = app.send(&anna, &channel, "Dinar divendres?").await;
    let message = posted["id"].as_str().expect("id").to_owned();
    let mut anna_phone = app.connect(&anna).await;
    let mut anna_laptop = app.connect(&anna).await;
    let mut bernat_ws = app.connect(&bernat).await;

    // URL-encoded Unicode, and a shortcode, which is stored as its emoji.
    let thumbs = reaction_path(&channel, &message, THUMBS_UP);
    assert_eq!(put(&app, &bernat, &thumbs).await, 204);
    assert_eq!(put(&app, &bernat, &thumbs).await, 204, "idempotent");
    assert_eq!(
        put(&app, &anna, &reaction_path(&channel, &message, ":tada:")).await,
        204
    );
    for ws in [&mut anna_phone, &mut anna_laptop, &mut bernat_ws] {
        let first = next_event(ws).await;
        assert_eq!(
            first,
            json!({"type": "reaction_added", "channel_id": channel, "seq": 3,
                   "message_id": message, "user_id": bernat.user.id, "emoji": "👍"})
        );
        let second = next_event(ws).await;
        assert_eq!(
            (second["seq"].as_i64(), second["emoji"].as_str()),
            (Some(4), Some("🎉")),
            "the repeated PUT made no event"
        );
    }
    let (_, page) = app
        .get(&format!("/api/v1/channels/{channel}/messages"), &anna.token)
        .await;
    assert_eq!(
        page["messages"][0]["reactions"],
        json!([
            {"emoji": "👍", "count": 1, "user_ids": [bernat.user.id]},
            {"emoji": "🎉", "count": 1, "user_ids": [anna.user.id]}
        ])
    );

    // Taken back, twice: one event.
    assert_eq!(delete(&app, &bernat, &thumbs).await.0, 204);
    assert_eq!(delete(&app, &bernat, &thumbs).await.0, 204);
    let removed = next_event(&mut anna_phone).await;
    assert_eq!(
        (removed["type"].as_str(), removed["seq"].as_i64()),
        (Some("reaction_removed"), Some(5))
    );

    // Bad input changes nothing.
    for (emoji, status) in [
        (":nope:", 400),
        ("a", 400),
        ("%F0%9F%91%8D%F0%9F%91%8D", 400),
    ] {
        let (code, body) = app
            .call(
                reqwest::Method::PUT,
                &reaction_path(&channel, &message, emoji),
                Some(&bernat.token),
                None,
            )
            .await;
        assert_eq!(
            (code, body["code"].as_str()),
            (status, Some("invalid_request")),
            "{emoji}"
        );
    }
    assert_eq!(
        put(
            &app,
            &bernat,
            &reaction_path(&channel, "no-such-message", THUMBS_UP)
        )
        .await,
        404
    );
    let outsider = app.create_user(&admin, "oriol").await;
    assert_eq!(put(&app, &outsider, &thumbs).await, 403, "not joined");
    let (_, events) = app
        .get(
            &format!("/api/v1/channels/{channel}/events?after=0"),
            &anna.token,
        )
        .await;
    let last = events["events"].as_array().expect("events").last().cloned();
    assert_eq!(last.and_then(|e| e["seq"].as_i64()), Some(5));
}

#[tokio::test]
async fn edits_over_the_socket_and_deletes_leave_tombstones_for_everyone() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let channel = app.create_channel(&anna, "obres", "public").await;
    app.join(&bernat, &channel).await;
    let mut anna_ws = app.connect(&anna).await;
    let mut anna_other = app.connect(&anna).await;
    let mut bernat_ws = app.connect(&bernat).await;
    let (_, posted) = app.send(&anna, &channel, "La llicència surt dilluns").await;
    let message = posted["id"].as_str().expect("id").to_owned();
    for ws in [&mut anna_ws, &mut anna_other, &mut bernat_ws] {
        assert_eq!(next_event(ws).await["type"], "message");
    }

    // The author edits over the socket: an ack with the update's seq, the update everywhere.
    anna_ws
        .send_json(&json!({"type": "edit", "ref": "e1", "channel_id": channel,
                           "message_id": message, "body": "La llicència surt dimarts"}))
        .await;
    let ack = anna_ws.next_of_type("ack").await;
    assert_eq!(
        ack,
        json!({"type": "ack", "ref": "e1", "channel_id": channel, "seq": 3, "message_id": message})
    );
    for ws in [&mut anna_ws, &mut anna_other, &mut bernat_ws] {
        let updated = next_event(ws).await;
        assert_eq!(updated["type"], "message_updated");
        assert_eq!(updated["message"]["body"], "La llicència surt dimarts");
        assert!(updated["message"]["edited_at"].is_string());
    }
    // Someone else's message, an empty body, an unknown message: an error echoing the ref.
    for (frame, code) in [
        (
            json!({"type": "edit", "ref": "e2", "channel_id": channel, "message_id": message, "body": "meu"}),
            "forbidden",
        ),
        (
            json!({"type": "edit", "ref": "e2", "channel_id": channel, "message_id": message, "body": "  "}),
            "invalid_request",
        ),
        (
            json!({"type": "edit", "ref": "e2", "channel_id": channel, "message_id": "nope", "body": "x"}),
            "not_found",
        ),
    ] {
        bernat_ws.send_json(&frame).await;
        let error = bernat_ws.next_of_type("error").await;
        assert_eq!(
            (error["ref"].as_str(), error["code"].as_str()),
            (Some("e2"), Some(code)),
            "{frame}"
        );
    }

    // Only the author, the channel's owner or an admin deletes.
    let path = format!("/api/v1/channels/{channel}/messages/{message}");
    let (status, refused) = delete(&app, &bernat, &path).await;
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")));
    assert_eq!(delete(&app, &anna, &path).await.0, 204);
    for ws in [&mut anna_ws, &mut anna_other, &mut bernat_ws] {
        assert_eq!(
            next_event(ws).await,
            json!({"type": "message_deleted", "channel_id": channel, "seq": 4,
                   "message_id": message, "user_id": anna.user.id})
        );
    }
    assert_eq!(
        delete(&app, &anna, &path).await.0,
        204,
        "deleting twice changes nothing"
    );
    let (_, page) = app
        .get(
            &format!("/api/v1/channels/{channel}/messages"),
            &bernat.token,
        )
        .await;
    let tombstone = &page["messages"][0];
    assert_eq!(
        (
            tombstone["id"].as_str(),
            tombstone["deleted"].as_bool(),
            tombstone["body"].as_str()
        ),
        (Some(message.as_str()), Some(true), Some(""))
    );
    assert_eq!(
        put(&app, &bernat, &reaction_path(&channel, &message, THUMBS_UP)).await,
        404,
        "a deleted message takes no reactions"
    );
    let (status, _) = app
        .call(
            reqwest::Method::PATCH,
            &path,
            Some(&anna.token),
            Some(json!({"body": "torna"})),
        )
        .await;
    assert_eq!(status, 404, "nor edits");

    // The owner of the channel deletes someone else's message; so does an admin who is a member.
    let (_, theirs) = app.send(&bernat, &channel, "spam").await;
    let theirs = format!(
        "/api/v1/channels/{channel}/messages/{}",
        theirs["id"].as_str().expect("id")
    );
    assert_eq!(delete(&app, &anna, &theirs).await.0, 204);
    app.join(&admin, &channel).await;
    let (_, again) = app.send(&anna, &channel, "una altra").await;
    let again = format!(
        "/api/v1/channels/{channel}/messages/{}",
        again["id"].as_str().expect("id")
    );
    assert_eq!(delete(&app, &admin, &again).await.0, 204);

    // A socket resuming from before the edit sees the update and the delete, in order, with
    // the message as it is now.
    let mut late = app
        .connect_resuming(&bernat, json!({ channel.clone(): 2 }))
        .await;
    let replayed: Vec<(String, i64)> = {
        let mut seen = Vec::new();
        while seen.len() < 2 {
            let frame = next_event(&mut late).await;
            seen.push((
                frame["type"].as_str().unwrap_or_default().to_owned(),
                frame["seq"].as_i64().unwrap_or_default(),
            ));
        }
        seen
    };
    assert_eq!(
        replayed,
        [
            ("message_updated".to_owned(), 3),
            ("message_deleted".to_owned(), 4)
        ]
    );
}

/// More than 1,000 missed changes: the replay stops with `resync`, and `/events` fills the gap
/// with every reaction event, in order, after which live events continue.
#[tokio::test]
async fn a_resume_gap_of_over_a_thousand_reaction_events_is_filled_over_rest() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&anna, "votacions", "public").await;
    let (_, posted) = app.send(&anna, &channel, "Quina data us va bé?").await;
    let message = posted["id"].as_str().expect("id").to_owned();
    let path = reaction_path(&channel, &message, THUMBS_UP);
    for _ in 0..510 {
        assert_eq!(put(&app, &anna, &path).await, 204);
        assert_eq!(delete(&app, &anna, &path).await.0, 204);
    }
    // The message is seq 1; each PUT and each DELETE one more.
    let last = 1 + 1020;
    let mut ws = app
        .connect_resuming(&anna, json!({ channel.clone(): 1 }))
        .await;
    let mut replayed = 0;
    let from = loop {
        let frame = ws.next_significant().await;
        match frame["type"].as_str() {
            Some("resync") => break frame["from_seq"].as_i64().expect("from_seq"),
            Some("reaction_added" | "reaction_removed") => replayed += 1,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(from, 2 + replayed);
    let mut after = from - 1;
    let mut kinds = Vec::new();
    loop {
        let (status, page) = app
            .get(
                &format!("/api/v1/channels/{channel}/events?after={after}&limit=1000"),
                &anna.token,
            )
            .await;
        assert_eq!(status, 200);
        for event in page["events"].as_array().expect("events") {
            assert_eq!(event["seq"].as_i64(), Some(after + 1), "gap-free");
            after += 1;
            kinds.push(event["type"].as_str().unwrap_or_default().to_owned());
        }
        if page["has_more"] == false {
            break;
        }
    }
    assert_eq!(after, last);
    assert!(kinds.iter().all(|k| k.starts_with("reaction_")));
    assert_eq!(put(&app, &anna, &path).await, 204);
    let live = next_event(&mut ws).await;
    assert_eq!(
        (live["type"].as_str(), live["seq"].as_i64()),
        (Some("reaction_added"), Some(last + 1))
    );
}
