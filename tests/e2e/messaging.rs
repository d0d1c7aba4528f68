//! Live messaging over WebSockets: delivery, idempotency, ordering, resume, slow readers.

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::{FutureExt, StreamExt};
use serde_json::{Value, json};
use xerrada_tests::{spawn_app, spawn_app_with};

#[tokio::test]
async fn department_members_chat_live_and_outsiders_see_nothing() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let tic = app.create_department(&admin, "tic").await;
    let anna = app.create_user_in(&admin, "anna", &[&tic.id]).await;
    let bernat = app.create_user_in(&admin, "bernat", &[&tic.id]).await;
    let outsider = app.create_user(&admin, "oriol").await;

    let mut anna_ws = app.connect(&anna).await;
    let mut bernat_ws = app.connect(&bernat).await;
    let mut outsider_ws = app.connect(&outsider).await;
    let channels = anna_ws.ready["channels"].as_array().expect("channels");
    assert!(
        channels.iter().any(|c| c["id"] == tic.channel_id.as_str()),
        "the department channel is in ready"
    );

    anna_ws
        .send_message("r1", &tic.channel_id, "c1", "Bon dia, TIC!")
        .await;
    let ack = anna_ws.next_significant().await;
    assert_eq!(ack["type"], "ack");
    assert_eq!(ack["ref"], "r1");
    let echoed = anna_ws.next_significant().await;
    assert_eq!(
        echoed["type"], "message",
        "the sender's own sockets get it too"
    );
    let received = bernat_ws.next_of_type("message").await;
    assert_eq!(received["message"]["body"], "Bon dia, TIC!");
    assert_eq!(received["message"]["author_id"], anna.user.id.as_str());
    assert_eq!(received["seq"], ack["seq"]);

    bernat_ws
        .send_message("r2", &tic.channel_id, "c2", "Hola Anna")
        .await;
    let reply = anna_ws.next_of_type("message").await;
    assert_eq!(reply["message"]["body"], "Hola Anna");

    assert!(
        outsider_ws
            .quiet_for("message", Duration::from_millis(300))
            .await,
        "a non-member receives nothing"
    );
    let channel_path = format!("/api/v1/channels/{}", tic.channel_id);
    for path in [
        channel_path.clone(),
        format!("{channel_path}/messages"),
        format!("{channel_path}/events"),
    ] {
        let (status, body) = app.get(&path, &outsider.token).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("not_found")),
            "{path}"
        );
    }
    let (status, body) = app.send(&outsider, &tic.channel_id, "let me in").await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    outsider_ws
        .send_message("r3", &tic.channel_id, "c3", "let me in")
        .await;
    let refused = outsider_ws.next_of_type("error").await;
    assert_eq!(
        (refused["code"].as_str(), refused["ref"].as_str()),
        (Some("not_found"), Some("r3"))
    );
}

#[tokio::test]
async fn a_repeated_client_msg_id_stores_one_message() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&anna, "general", "public").await;
    let path = format!("/api/v1/channels/{channel}/messages");

    let first = app
        .post(
            &path,
            &anna.token,
            json!({"body": "once", "client_msg_id": "rest-1"}),
        )
        .await;
    let again = app
        .post(
            &path,
            &anna.token,
            json!({"body": "once", "client_msg_id": "rest-1"}),
        )
        .await;
    assert_eq!((first.0, again.0), (201, 200));
    assert_eq!(first.1["id"], again.1["id"]);
    assert_eq!(first.1["seq"], again.1["seq"]);

    let mut ws = app.connect(&anna).await;
    ws.send_message("a", &channel, "ws-1", "over ws").await;
    let ack1 = ws.next_of_type("ack").await;
    ws.close().await;
    // The same send after a reconnect (the client never saw the ack, say).
    let mut ws = app.connect(&anna).await;
    ws.send_message("b", &channel, "ws-1", "over ws").await;
    let ack2 = ws.next_of_type("ack").await;
    assert_eq!(
        (ack1["seq"].clone(), ack1["message_id"].clone()),
        (ack2["seq"].clone(), ack2["message_id"].clone())
    );
    assert_eq!(ack2["ref"], "b");
    // A REST retry of a WebSocket send is the same message as well.
    let (status, body) = app
        .post(
            &path,
            &anna.token,
            json!({"body": "over ws", "client_msg_id": "ws-1"}),
        )
        .await;
    assert_eq!((status, body["seq"].clone()), (200, ack1["seq"].clone()));

    let stored = app.all_messages(&anna, &channel).await;
    assert_eq!(stored.len(), 2, "two distinct messages: {stored:?}");

    // The key names one message: reusing it in another channel is a conflict, not a lookup.
    let other = app.create_channel(&anna, "other", "public").await;
    let (status, body) = app
        .post(
            &format!("/api/v1/channels/{other}/messages"),
            &anna.token,
            json!({"body": "x", "client_msg_id": "rest-1"}),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("conflict")));
    ws.send_message("c", &other, "ws-1", "elsewhere").await;
    let refused = ws.next_of_type("error").await;
    assert_eq!(
        (refused["code"].as_str(), refused["ref"].as_str()),
        (Some("conflict"), Some("c"))
    );
}

#[tokio::test]
async fn concurrent_senders_share_one_gap_free_sequence_seen_in_order_by_everyone() {
    const SENDERS: usize = 3;
    const PER_SENDER: usize = 300;
    let app = spawn_app().await;
    let admin = app.admin().await;
    let dept = app.create_department(&admin, "oac").await;
    let mut sessions = Vec::new();
    for i in 0..SENDERS {
        sessions.push(
            app.create_user_in(&admin, &format!("sender{i}"), &[&dept.id])
                .await,
        );
    }
    let listener = app.create_user_in(&admin, "listener", &[&dept.id]).await;
    let mut listener_ws = app.connect(&listener).await;

    // Every socket is open before anyone sends, so every socket must see all 900.
    let mut sockets = Vec::new();
    for session in &sessions {
        sockets.push(app.connect(session).await);
    }
    let mut tasks = Vec::new();
    for (i, mut ws) in sockets.into_iter().enumerate() {
        let channel = dept.channel_id.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..PER_SENDER {
                ws.send_message(
                    &format!("{n}"),
                    &channel,
                    &format!("s{i}-{n}"),
                    &format!("sender {i} message {n}"),
                )
                .await;
            }
            // Every socket must then see all messages, in seq order.
            let mut acks = 0;
            let mut seqs = Vec::new();
            while acks < PER_SENDER || seqs.len() < SENDERS * PER_SENDER {
                let frame = ws.next_significant().await;
                match frame["type"].as_str() {
                    Some("ack") => acks += 1,
                    Some("message") => seqs.push(frame["seq"].as_i64().expect("seq")),
                    _ => panic!("unexpected frame {frame}"),
                }
            }
            seqs
        }));
    }
    let mut seen_by_listener = Vec::new();
    while seen_by_listener.len() < SENDERS * PER_SENDER {
        let frame = listener_ws.next_of_type("message").await;
        seen_by_listener.push(frame["seq"].as_i64().expect("seq"));
    }
    let first = seen_by_listener[0];
    let expected: Vec<i64> = (first..first + (SENDERS * PER_SENDER) as i64).collect();
    assert_eq!(seen_by_listener, expected, "one contiguous run, in order");
    for task in tasks {
        assert_eq!(task.await.expect("sender task"), expected);
    }
    let stored = app.all_messages(&listener, &dept.channel_id).await;
    let unique: HashSet<&str> = stored
        .iter()
        .map(|m| m["client_msg_id"].as_str().expect("id"))
        .collect();
    assert_eq!((stored.len(), unique.len()), (900, 900));
}

#[tokio::test]
async fn resume_replays_exactly_the_missed_messages_in_order_then_live_ones() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let channel = app.create_channel(&anna, "projecte", "private").await;
    app.put(
        &format!("/api/v1/channels/{channel}/members/{}", bernat.user.id),
        &anna.token,
    )
    .await;
    let (_, before) = app.send(&anna, &channel, "before the disconnect").await;
    let last_seen = before["seq"].as_i64().expect("seq");

    for n in 0..50 {
        let (status, _) = app.send(&anna, &channel, &format!("missed {n}")).await;
        assert_eq!(status, 201);
    }
    let mut bernat_ws = app
        .connect_resuming(&bernat, json!({ channel.clone(): last_seen }))
        .await;
    for n in 0..50 {
        let frame = bernat_ws.next_significant().await;
        assert_eq!(frame["type"], "message");
        assert_eq!(frame["seq"], last_seen + 1 + n);
        assert_eq!(frame["message"]["body"], format!("missed {n}"));
    }
    app.send(&anna, &channel, "live again").await;
    let live = bernat_ws.next_significant().await;
    assert_eq!(
        (live["message"]["body"].as_str(), live["seq"].as_i64()),
        (Some("live again"), Some(last_seen + 51))
    );
}

#[tokio::test]
async fn resume_while_others_write_never_duplicates_or_skips_an_event() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let channel = app.create_channel(&anna, "busy", "private").await;
    app.put(
        &format!("/api/v1/channels/{channel}/members/{}", bernat.user.id),
        &anna.token,
    )
    .await;
    let mut anna_ws = app.connect(&anna).await;
    for n in 0..100 {
        anna_ws
            .send_message("pre", &channel, &format!("pre-{n}"), "before")
            .await;
    }
    for _ in 0..100 {
        anna_ws.next_of_type("ack").await;
    }
    let target = channel.clone();
    let writing = tokio::spawn(async move {
        for n in 0..300 {
            anna_ws
                .send_message("during", &target, &format!("during-{n}"), "while resuming")
                .await;
        }
        for _ in 0..300 {
            anna_ws.next_of_type("ack").await;
        }
    });
    // Bernat joined at seq 1; he resumes from there while Anna keeps writing.
    let mut bernat_ws = app
        .connect_resuming(&bernat, json!({ channel.clone(): 1 }))
        .await;
    let mut expected = 2;
    while expected <= 401 {
        let frame = bernat_ws.next_significant().await;
        assert_eq!(frame["type"], "message", "{frame}");
        assert_eq!(frame["seq"], expected, "each seq once, in order");
        expected += 1;
    }
    writing.await.expect("writer");
    assert!(
        bernat_ws
            .quiet_for("message", Duration::from_millis(300))
            .await
    );
}

#[tokio::test]
async fn resume_beyond_the_replay_limit_sends_resync_and_rest_fills_the_gap() {
    let app = spawn_app_with(|c| c.realtime.replay_limit = 10).await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&anna, "long", "public").await;
    for n in 1..=25 {
        app.send(&anna, &channel, &format!("m{n}")).await;
    }
    let mut ws = app
        .connect_resuming(&anna, json!({ channel.clone(): 0 }))
        .await;
    for seq in 1..=10 {
        let frame = ws.next_significant().await;
        assert_eq!(
            (frame["type"].as_str(), frame["seq"].as_i64()),
            (Some("message"), Some(seq))
        );
    }
    let resync = ws.next_significant().await;
    assert_eq!(
        resync,
        json!({"type": "resync", "channel_id": channel, "from_seq": 11})
    );
    let (status, page) = app
        .get(
            &format!("/api/v1/channels/{channel}/events?after=10&limit=100"),
            &anna.token,
        )
        .await;
    assert_eq!(status, 200);
    let seqs: Vec<i64> = page["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    assert_eq!(seqs, (11..=25).collect::<Vec<_>>());
    assert_eq!(page["has_more"], false);
    assert_eq!(
        page["events"][0]["type"], "message",
        "events are frames as the socket sends them"
    );
    app.send(&anna, &channel, "live").await;
    let live = ws.next_significant().await;
    assert_eq!(live["seq"], 26);
}

// A production server runs on several threads; so does this one, so that readers are
// scheduled as they would be.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_that_never_reads_is_closed_with_4008_and_others_get_everything() {
    const QUEUE_BOUND: usize = 256 * 1024;
    const MESSAGES: usize = 20_000;
    let app = spawn_app_with(|c| {
        c.realtime.outbound_queue_bytes = QUEUE_BOUND;
        // One account posts 20,000 messages: a load test, not a person.
        c.rate_limits.enabled = false;
    })
    .await;
    let admin = app.admin().await;
    let dept = app.create_department(&admin, "urbanisme").await;
    let sender = app.create_user_in(&admin, "sender", &[&dept.id]).await;
    let reader = app.create_user_in(&admin, "reader", &[&dept.id]).await;
    let sleeper = app.create_user_in(&admin, "sleeper", &[&dept.id]).await;
    let mut slow = app.connect(&sleeper).await;
    let mut reader_ws = app.connect(&reader).await;
    let mut sender_ws = app.connect(&sender).await;

    let body = "x".repeat(1000);
    let channel = dept.channel_id.clone();
    // The conversation is paced by its slowest *reading* participant: the sender keeps at
    // most WINDOW messages ahead of what the reader has received (as people waiting for
    // answers do). The sleeper reads nothing, so it alone falls behind. (An unthrottled blast
    // would rightly outrun any reader on a busy machine and get it closed too.)
    const WINDOW: usize = 100;
    let received = std::sync::Arc::new(tokio::sync::Semaphore::new(WINDOW));
    let permits = received.clone();
    // What the sender's socket said besides acks and echoes: a refusal or a close would
    // explain a reader left waiting.
    let sender_heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let heard = sender_heard.clone();
    let sending = tokio::spawn(async move {
        for n in 0..MESSAGES {
            permits.acquire().await.expect("semaphore open").forget();
            sender_ws
                .send_message("s", &channel, &format!("m{n}"), &body)
                .await;
            // Keep the sender's own socket drained too (acks and echoes), without waiting.
            while let Some(Some(frame)) = sender_ws.stream.next().now_or_never() {
                let unusual = match &frame {
                    Ok(tokio_tungstenite::tungstenite::Message::Text(text)) => {
                        !(text.contains("\"type\":\"ack\"")
                            || text.contains("\"type\":\"message\"")
                            || text.contains("\"type\":\"presence\""))
                    }
                    Ok(_) => false,
                    Err(_) => true,
                };
                if unusual {
                    heard
                        .lock()
                        .expect("lock")
                        .push(format!("after m{n}: {frame:?}"));
                }
            }
        }
        sender_ws
    });
    // Once the server has given up on the sleeper, it wakes and reads: what the kernel
    // buffered, then the close frame. It must not wait for the end of the conversation: the
    // server tries to deliver a close frame for `CLOSE_GRACE` (30 s) only, and on a loaded
    // machine the rest of the 20,000 messages took longer than that (the test once read a
    // bare EOF there instead of 4008).
    let hub = app.ctx.hub.clone();
    let woken = tokio::spawn(async move {
        while hub.stats().slow_closes.load(Ordering::Relaxed) == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        slow.expect_close().await
    });
    let mut expected_seq = None;
    for received_so_far in 0..MESSAGES {
        let wait = xerrada_tests::ws::FRAME_TIMEOUT - Duration::from_secs(1);
        let Ok(frame) = tokio::time::timeout(wait, reader_ws.next_of_type("message")).await else {
            let stats = app.ctx.hub.stats();
            panic!(
                "the reader waited {wait:?} after {received_so_far} messages; slow closes {}, \
                 the sender heard {:?}",
                stats.slow_closes.load(Ordering::Relaxed),
                sender_heard.lock().expect("lock")
            );
        };
        received.add_permits(1);
        let seq = frame["seq"].as_i64().expect("seq");
        if let Some(expected) = expected_seq {
            assert_eq!(seq, expected, "the reader gets every message in order");
        }
        expected_seq = Some(seq + 1);
    }
    sending.await.expect("sender");
    let stats = app.ctx.hub.stats();
    assert!(
        stats.slow_closes.load(Ordering::Relaxed) >= 1,
        "the sleeper was closed as too slow"
    );
    let max_queued = stats.max_queued_bytes.load(Ordering::Relaxed);
    assert!(
        max_queued <= QUEUE_BOUND,
        "queued {max_queued} bytes > bound {QUEUE_BOUND}"
    );
    assert_eq!(woken.await.expect("sleeper"), Some(4008));
}

#[tokio::test]
async fn joining_and_leaving_are_channel_events_seen_by_members() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let channel = app.create_channel(&anna, "cafe", "public").await;
    let mut anna_ws = app.connect(&anna).await;
    let mut bernat_ws = app.connect(&bernat).await;
    let listed = bernat_ws.ready["channels"]
        .as_array()
        .expect("channels")
        .iter()
        .find(|c| c["id"] == channel.as_str())
        .cloned()
        .expect("public channel listed");
    assert_eq!(listed["joined"], false);

    let (status, _) = app
        .post(
            &format!("/api/v1/channels/{channel}/join"),
            &bernat.token,
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    let joined = anna_ws.next_significant().await;
    assert_eq!(
        joined,
        json!({"type": "member_joined", "channel_id": channel, "seq": 1, "user_id": bernat.user.id})
    );
    let own = bernat_ws.next_of_type("member_joined").await;
    assert_eq!(own["seq"], 1);
    let channel_frame = bernat_ws.next_of_type("channel").await;
    assert_eq!(channel_frame["channel"]["joined"], true);

    let (status, _) = app
        .post(
            &format!("/api/v1/channels/{channel}/leave"),
            &bernat.token,
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    let left = anna_ws.next_significant().await;
    assert_eq!(
        (left["type"].as_str(), left["seq"].as_i64()),
        (Some("member_left"), Some(2))
    );
    // The leaver hears of its departure exactly once, then loses the channel.
    assert_eq!(bernat_ws.next_of_type("member_left").await["seq"], 2);
    let removed = bernat_ws.next_significant().await;
    assert_eq!(
        removed,
        json!({"type": "channel_removed", "channel_id": channel})
    );
    app.send(&anna, &channel, "after bernat left").await;
    assert!(
        bernat_ws
            .quiet_for("message", Duration::from_millis(300))
            .await
    );
    let (status, _) = app
        .get(
            &format!("/api/v1/channels/{channel}/messages"),
            &bernat.token,
        )
        .await;
    assert_eq!(
        status, 403,
        "a public channel not joined is forbidden to read"
    );
}

#[tokio::test]
async fn read_markers_typing_and_presence_reach_the_right_sockets() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let dm_id = app.open_dm(&anna, &[&bernat.user.id]).await;
    let mut bernat_phone = app.connect(&bernat).await;
    let mut anna_ws = app.connect(&anna).await;
    // Bernat's phone first hears of Bernat himself coming online, then of Anna.
    let presence = loop {
        let frame = bernat_phone.next_of_type("presence").await;
        if frame["user_id"] == anna.user.id.as_str() {
            break frame;
        }
    };
    assert_eq!(presence["status"], "online");
    let mut bernat_laptop = app.connect(&bernat).await;
    assert!(
        bernat_laptop.ready["online_user_ids"]
            .as_array()
            .expect("online")
            .contains(&Value::from(anna.user.id.clone()))
    );

    for n in 0..3 {
        app.send(&anna, &dm_id, &format!("m{n}")).await;
    }
    let (_, listed) = app
        .get(&format!("/api/v1/channels/{dm_id}"), &bernat.token)
        .await;
    assert_eq!(
        (listed["unread"].as_i64(), listed["kind"].as_str()),
        (Some(3), Some("direct"))
    );

    bernat_laptop
        .send_json(&json!({"type": "read", "channel_id": dm_id, "seq": 2}))
        .await;
    let synced = bernat_phone.next_of_type("read").await;
    assert_eq!(
        synced,
        json!({"type": "read", "channel_id": dm_id, "seq": 2})
    );
    bernat_laptop
        .send_json(&json!({"type": "read", "channel_id": dm_id, "seq": 1}))
        .await;
    let not_back = bernat_phone.next_of_type("read").await;
    assert_eq!(not_back["seq"], 2, "read markers never move backwards");
    let (_, listed) = app
        .get(&format!("/api/v1/channels/{dm_id}"), &bernat.token)
        .await;
    assert_eq!(
        (listed["last_read_seq"].as_i64(), listed["unread"].as_i64()),
        (Some(2), Some(1))
    );

    anna_ws
        .send_json(&json!({"type": "typing", "channel_id": dm_id}))
        .await;
    let typing = bernat_phone.next_of_type("typing").await;
    assert_eq!(
        typing,
        json!({"type": "typing", "channel_id": dm_id, "user_id": anna.user.id})
    );

    anna_ws.close().await;
    let offline = bernat_phone.next_of_type("presence").await;
    assert_eq!(
        (offline["user_id"].as_str(), offline["status"].as_str()),
        (Some(anna.user.id.as_str()), Some("offline"))
    );
}

#[tokio::test]
async fn ping_frames_are_answered_with_pong_echoing_ref() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut ws = app.connect(&admin).await;
    ws.send_json(&json!({"type": "ping", "ref": "p1"})).await;
    assert_eq!(
        ws.next_of_type("pong").await,
        json!({"type": "pong", "ref": "p1"})
    );
    ws.send_json(&json!({"type": "ping"})).await;
    assert_eq!(ws.next_of_type("pong").await, json!({"type": "pong"}));
}

#[tokio::test]
async fn a_socket_that_stops_answering_pings_is_reaped() {
    let app = spawn_app_with(|c| {
        c.realtime.ping_interval_ms = 100;
        c.realtime.pong_timeout_ms = 200;
    })
    .await;
    let admin = app.admin().await;
    // The server's own bot (@suport) keeps a connection too.
    let baseline = app.ctx.hub.connection_count();
    let mut alive = app.connect(&admin).await;
    // This client never reads again, so it never answers the server's pings.
    let _dead = app.connect(&admin).await;
    assert_eq!(app.ctx.hub.connection_count(), baseline + 2);
    // The live client keeps reading (and so answering pings) while the dead one is reaped.
    let reaped = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while app.ctx.hub.connection_count() > baseline + 1 {
            alive.send_json(&json!({"type": "ping"})).await;
            alive.next_of_type("pong").await;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(reaped.is_ok(), "the silent socket was not reaped");
    alive
        .send_json(&json!({"type": "ping", "ref": "still"}))
        .await;
    assert_eq!(alive.next_of_type("pong").await["ref"], "still");
}
