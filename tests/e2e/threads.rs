//! Threads: replies one level deep, the root's summary, reading a thread in pages, following,
//! and unread replies counted from seqs.

use serde_json::{Value, json};
use xerrada_tests::{Session, TestApp, spawn_app};

async fn reply(app: &TestApp, who: &Session, channel: &str, root: i64, body: &str) -> (u16, Value) {
    app.post(
        &format!("/api/v1/channels/{channel}/messages"),
        &who.token,
        json!({"body": body, "thread_root": root}),
    )
    .await
}

async fn followed(app: &TestApp, who: &Session) -> Vec<(i64, u64)> {
    let (status, list) = app.get("/api/v1/threads", &who.token).await;
    assert_eq!(status, 200, "{list}");
    list["threads"]
        .as_array()
        .expect("threads")
        .iter()
        .map(|t| {
            (
                t["root"]["seq"].as_i64().expect("seq"),
                t["unread_replies"].as_u64().expect("unread"),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_thread_is_read_in_pages_followed_and_counted_from_seqs() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let carla = app.create_user(&admin, "carla").await;
    let channel = app.create_channel(&anna, "obres", "public").await;
    for who in [&bernat, &carla] {
        app.join(who, &channel).await;
    }
    let mut anna_other = app.connect(&anna).await;
    let (_, root) = app
        .send(&anna, &channel, "Qui revisa el projecte del carrer Major?")
        .await;
    let root_seq = root["seq"].as_i64().expect("seq");
    let (status, first) = reply(&app, &bernat, &channel, root_seq, "Jo mateix").await;
    assert_eq!(status, 201);
    let (_, second) = reply(&app, &bernat, &channel, root_seq, "Dilluns ho tinc").await;

    // One level deep: a reply to a reply is refused and stores nothing.
    let (status, refused) = reply(
        &app,
        &carla,
        &channel,
        first["seq"].as_i64().expect("seq"),
        "i jo",
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (400, Some("invalid_request")),
        "{refused}"
    );

    // The root carries the thread's summary, in history and in the thread.
    let (_, page) = app
        .get(
            &format!("/api/v1/channels/{channel}/messages"),
            &carla.token,
        )
        .await;
    let summary = &page["messages"][0];
    assert_eq!(summary["reply_count"], 2);
    assert_eq!(summary["participant_ids"], json!([bernat.user.id]));
    assert_eq!(summary["last_reply_at"], second["created_at"]);
    assert!(
        page["messages"][1].get("reply_count").is_none(),
        "replies carry no summary"
    );
    let thread = format!("/api/v1/channels/{channel}/threads/{root_seq}");
    let (status, one) = app.get(&format!("{thread}?limit=1"), &carla.token).await;
    assert_eq!(status, 200);
    assert_eq!(one["root"]["id"], root["id"]);
    assert_eq!(one["replies"][0]["id"], first["id"]);
    assert_eq!(one["has_more"], true);
    let (_, rest) = app
        .get(&format!("{thread}?after={}", first["seq"]), &carla.token)
        .await;
    let rest: Vec<&Value> = rest["replies"]
        .as_array()
        .expect("replies")
        .iter()
        .collect();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["id"], second["id"]);

    // The root's author and the replier follow; unread replies are others' after the marker.
    assert_eq!(followed(&app, &anna).await, [(root_seq, 2)]);
    assert_eq!(followed(&app, &bernat).await, [(root_seq, 0)]);
    assert_eq!(followed(&app, &carla).await, []);
    let (status, marker) = app
        .call(
            reqwest::Method::PUT,
            &format!("{thread}/read"),
            Some(&anna.token),
            Some(json!({"seq": first["seq"]})),
        )
        .await;
    assert_eq!((status, &marker["last_read_seq"]), (200, &first["seq"]));
    let read = anna_other.next_of_type("read").await;
    assert_eq!(
        read,
        json!({"type": "read", "channel_id": channel, "seq": first["seq"], "thread_root": root_seq}),
        "the reader's other sockets agree"
    );
    assert_eq!(followed(&app, &anna).await, [(root_seq, 1)]);
    reply(&app, &anna, &channel, root_seq, "Gràcies!").await;
    assert_eq!(
        followed(&app, &anna).await,
        [(root_seq, 0)],
        "replying reads the thread"
    );
    assert_eq!(followed(&app, &bernat).await, [(root_seq, 1)]);

    // Unfollowing keeps one out until one replies again; following is explicit too.
    let follow = format!("{thread}/follow");
    assert_eq!(app.delete(&follow, &bernat.token).await.0, 204);
    assert_eq!(followed(&app, &bernat).await, []);
    reply(&app, &anna, &channel, root_seq, "Una cosa més").await;
    assert_eq!(followed(&app, &bernat).await, []);
    reply(&app, &bernat, &channel, root_seq, "Digues").await;
    assert_eq!(followed(&app, &bernat).await, [(root_seq, 0)]);
    assert_eq!(app.put(&follow, &carla.token).await.0, 204);
    assert_eq!(followed(&app, &carla).await, [(root_seq, 5)]);

    // A deleted reply no longer counts.
    let (status, _) = app
        .delete(
            &format!(
                "/api/v1/channels/{channel}/messages/{}",
                second["id"].as_str().expect("id")
            ),
            &bernat.token,
        )
        .await;
    assert_eq!(status, 204);
    let (_, one) = app.get(&thread, &carla.token).await;
    assert_eq!(one["root"]["reply_count"], 4);
    assert_eq!(followed(&app, &carla).await, [(root_seq, 4)]);

    // Bad input.
    let outsider = app.create_user(&admin, "oriol").await;
    assert_eq!(app.get(&thread, &outsider.token).await.0, 403, "not joined");
    for (path, status) in [
        (
            format!("/api/v1/channels/{channel}/threads/{}", first["seq"]),
            404,
        ),
        (format!("/api/v1/channels/{channel}/threads/999"), 404),
        (format!("/api/v1/channels/{channel}/threads/abc"), 404),
        (format!("{thread}?limit=0"), 400),
        (format!("{thread}?limit=201"), 400),
        ("/api/v1/threads?limit=101".to_owned(), 400),
    ] {
        let (code, body) = app.get(&path, &carla.token).await;
        assert_eq!(code, status, "{path}: {body}");
        assert!(body["code"].is_string(), "{path}: {body}");
    }
    let (status, _) = app
        .call(
            reqwest::Method::PUT,
            &format!("{thread}/read"),
            Some(&anna.token),
            Some(json!({"seq": -1})),
        )
        .await;
    assert_eq!(status, 400);
}

/// "Also send to the channel", a thread read from a socket, and marking a channel unread from
/// a message: every socket of the reader agrees.
#[tokio::test]
async fn replies_shown_in_the_channel_and_markers_set_from_sockets() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let channel = app.create_channel(&anna, "obres", "public").await;
    app.join(&bernat, &channel).await;
    let (_, root) = app.send(&anna, &channel, "Pressupost").await;
    let root_seq = root["seq"].as_i64().expect("seq");
    let messages = format!("/api/v1/channels/{channel}/messages");
    let (status, shown) = app
        .post(
            &messages,
            &bernat.token,
            json!({"body": "Aprovat", "thread_root": root_seq, "also_in_channel": true}),
        )
        .await;
    assert_eq!(
        (status, shown["also_in_channel"].as_bool()),
        (201, Some(true))
    );
    let (status, refused) = app
        .post(
            &messages,
            &bernat.token,
            json!({"body": "sense fil", "also_in_channel": true}),
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (400, Some("invalid_request"))
    );
    let mut bernat_ws = app.connect(&bernat).await;
    bernat_ws
        .send_json(&json!({"type": "send", "ref": "s1", "channel_id": channel,
                           "client_msg_id": "k1", "body": "I tant", "thread_root": root_seq,
                           "also_in_channel": true}))
        .await;
    let live = bernat_ws.next_of_type("message").await;
    assert_eq!(live["message"]["also_in_channel"], true);
    let (_, page) = app.get(&messages, &anna.token).await;
    assert_eq!(page["messages"][1]["also_in_channel"], true, "stored");

    // A thread's marker from a socket: the reader's other sockets hear of it.
    let mut anna_one = app.connect(&anna).await;
    let mut anna_two = app.connect(&anna).await;
    anna_one
        .send_json(
            &json!({"type": "read", "channel_id": channel, "seq": shown["seq"],
                           "thread_root": root_seq}),
        )
        .await;
    let read = anna_two.next_of_type("read").await;
    assert_eq!(
        (read["thread_root"].as_i64(), read["seq"].clone()),
        (Some(root_seq), shown["seq"].clone())
    );
    let (_, list) = app.get("/api/v1/threads", &anna.token).await;
    assert_eq!(
        list["threads"][0]["unread_replies"], 1,
        "the socket's reply is unread"
    );

    // Read everything, then mark unread from the root: back to it, on every socket.
    let last = live["message"]["seq"].as_i64().expect("seq");
    anna_one
        .send_json(&json!({"type": "read", "channel_id": channel, "seq": last}))
        .await;
    assert_eq!(anna_two.next_of_type("read").await["seq"], last);
    let (status, marker) = app
        .post(
            &format!("/api/v1/channels/{channel}/unread"),
            &anna.token,
            json!({"seq": root_seq}),
        )
        .await;
    assert_eq!(
        (status, marker["last_read_seq"].as_i64()),
        (200, Some(root_seq - 1))
    );
    for ws in [&mut anna_one, &mut anna_two] {
        assert_eq!(ws.next_of_type("read").await["seq"], root_seq - 1);
    }
    let (_, view) = app
        .get(&format!("/api/v1/channels/{channel}"), &anna.token)
        .await;
    assert_eq!(view["unread"], 2, "bernat's two replies are unread again");
    for seq in [json!(0), json!(-3), json!(2.5), json!("2")] {
        let (status, _) = app
            .post(
                &format!("/api/v1/channels/{channel}/unread"),
                &anna.token,
                json!({ "seq": seq }),
            )
            .await;
        assert!(status == 400 || status == 422, "{seq}: {status}");
    }
    // `2.0` is the integer 2, as JSON (and JSON Schema) count it.
    let (status, marker) = app
        .post(
            &format!("/api/v1/channels/{channel}/unread"),
            &anna.token,
            json!({"seq": (root_seq as f64)}),
        )
        .await;
    assert_eq!(
        (status, marker["last_read_seq"].as_i64()),
        (200, Some(root_seq - 1)),
        "{marker}"
    );
}

/// "Mark unread" on a reply that stays in its thread: the thread's marker goes back to just
/// before it (it never did before), the thread is followed again, every socket of the reader
/// hears of it, and the channel's own marker does not move.
#[tokio::test]
async fn a_reply_marked_unread_moves_the_thread_marker_back() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let channel = app.create_channel(&anna, "obres", "public").await;
    app.join(&bernat, &channel).await;
    let (_, root) = app.send(&anna, &channel, "Pressupost").await;
    let root_seq = root["seq"].as_i64().expect("seq");
    let mut replies = Vec::new();
    for body in ["Primer", "Segon", "Tercer"] {
        let (status, sent) = reply(&app, &bernat, &channel, root_seq, body).await;
        assert_eq!(status, 201, "{sent}");
        replies.push(sent["seq"].as_i64().expect("seq"));
    }
    let thread = format!("/api/v1/channels/{channel}/threads/{root_seq}");
    let (status, _) = app
        .call(
            reqwest::Method::PUT,
            &format!("{thread}/read"),
            Some(&anna.token),
            Some(json!({"seq": replies[2]})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, before) = app
        .get(&format!("/api/v1/channels/{channel}"), &anna.token)
        .await;
    // She left the thread: marking unread must bring it back to her threads.
    assert_eq!(
        app.delete(&format!("{thread}/follow"), &anna.token).await.0,
        204
    );
    assert_eq!(followed(&app, &anna).await, []);

    let mut anna_one = app.connect(&anna).await;
    let mut anna_two = app.connect(&anna).await;
    let (status, marker) = app
        .post(
            &format!("{thread}/unread"),
            &anna.token,
            json!({"seq": replies[1]}),
        )
        .await;
    assert_eq!(
        (status, marker["last_read_seq"].as_i64()),
        (200, Some(replies[1] - 1)),
        "{marker}"
    );
    for ws in [&mut anna_one, &mut anna_two] {
        let read = ws.next_of_type("read").await;
        assert_eq!(
            read,
            json!({"type": "read", "channel_id": channel, "seq": replies[1] - 1,
                   "thread_root": root_seq})
        );
    }
    assert_eq!(
        followed(&app, &anna).await,
        [(root_seq, 2)],
        "the second and third replies are unread again"
    );
    let (_, after) = app
        .get(&format!("/api/v1/channels/{channel}"), &anna.token)
        .await;
    assert_eq!(
        after["last_read_seq"], before["last_read_seq"],
        "the channel's marker is not the thread's"
    );
    // Forward works too, clamped to the channel's last seq; bernat's own view is untouched.
    let (_, marker) = app
        .post(
            &format!("{thread}/unread"),
            &anna.token,
            json!({"seq": 999}),
        )
        .await;
    assert_eq!(marker["last_read_seq"].as_i64(), Some(replies[2]));
    assert_eq!(followed(&app, &bernat).await, [(root_seq, 0)]);

    // Bad input: no seq, seq below 1, a reply as root, an unknown root, not a member.
    let outsider = app.create_user(&admin, "oriol").await;
    for (path, who, body, status) in [
        (format!("{thread}/unread"), &anna, json!({"seq": 0}), 400),
        (format!("{thread}/unread"), &anna, json!({}), 422),
        (format!("{thread}/unread"), &anna, json!({"seq": "x"}), 422),
        (
            format!("/api/v1/channels/{channel}/threads/{}/unread", replies[0]),
            &anna,
            json!({"seq": 1}),
            404,
        ),
        (
            format!("/api/v1/channels/{channel}/threads/999/unread"),
            &anna,
            json!({"seq": 1}),
            404,
        ),
        (
            format!("{thread}/unread"),
            &outsider,
            json!({"seq": 2}),
            403,
        ),
    ] {
        let (code, answer) = app.post(&path, &who.token, body.clone()).await;
        assert_eq!(code, status, "{path} {body}: {answer}");
        assert!(answer["code"].is_string(), "{path}: {answer}");
    }
}
