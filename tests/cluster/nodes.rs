//! Three nodes, one database, one NATS: people on different nodes chat live and every client
//! on every node sees one channel order.

use std::time::Duration;

use serde_json::json;
use xerrada_tests::postgres::TestDatabase;

use crate::support::{
    channel_with, id_counts, message_id, read_messages_in_order, send_burst, start_bus_only_nodes,
    start_nodes,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn users_on_different_nodes_chat_live_and_concurrent_senders_see_one_order() {
    let db = TestDatabase::create().await;
    let nodes = start_bus_only_nodes(&db, 3).await;
    let admin = nodes[0].admin().await;
    let anna = nodes[0].create_user(&admin, "anna").await;
    let bernat = nodes[1].create_user(&admin, "bernat").await;
    let carla = nodes[2].create_user(&admin, "carla").await;
    // Created through node 2, so nodes 0 and 1 learn of it over the bus.
    let channel = channel_with(&nodes[2], &carla, "urbanisme", &[&anna, &bernat]).await;

    let mut anna_ws = nodes[0].connect(&anna).await;
    let mut bernat_ws = nodes[1].connect(&bernat).await;
    let mut carla_ws = nodes[2].connect(&carla).await;
    // The join events are seqs 1 and 2; the first message is seq 3.
    anna_ws
        .send_message("hi", &channel, "hello-1", "Bon dia!")
        .await;
    let ack = anna_ws.next_of_type("ack").await;
    assert_eq!(ack["seq"], 3, "{ack}");
    for ws in [&mut bernat_ws, &mut carla_ws] {
        let message = ws.next_of_type("message").await;
        assert_eq!(message["message"]["body"], "Bon dia!");
        assert_eq!(message["seq"], 3);
    }
    let message = anna_ws.next_of_type("message").await;
    assert_eq!(
        message["seq"], 3,
        "the sender sees its own message after its ack"
    );

    // 100 messages from each node at once.
    let channel_a = channel.clone();
    let channel_b = channel.clone();
    let channel_c = channel.clone();
    let a = tokio::spawn(async move {
        let (acked, seen) = send_burst(&mut anna_ws, &channel_a, "anna", 100).await;
        (anna_ws, acked, seen)
    });
    let b = tokio::spawn(async move {
        let (acked, seen) = send_burst(&mut bernat_ws, &channel_b, "bernat", 100).await;
        (bernat_ws, acked, seen)
    });
    let c = tokio::spawn(async move {
        let (acked, seen) = send_burst(&mut carla_ws, &channel_c, "carla", 100).await;
        (carla_ws, acked, seen)
    });
    let mut all_acked = Vec::new();
    let mut orders = Vec::new();
    for task in [a, b, c] {
        let (mut ws, acked, seen) = task.await.expect("sender");
        all_acked.extend(acked);
        let messages = read_messages_in_order(&mut ws, &channel, 3, seen, 300).await;
        orders.push(
            messages
                .iter()
                .map(|m| (m["seq"].as_i64(), Some(message_id(m))))
                .collect::<Vec<_>>(),
        );
        assert!(ws.quiet_for("message", Duration::from_millis(300)).await);
    }
    assert_eq!(orders[0], orders[1], "node 0 and node 1 saw the same order");
    assert_eq!(orders[1], orders[2], "node 1 and node 2 saw the same order");
    let delivered: Vec<String> = orders[0].iter().filter_map(|(_, id)| id.clone()).collect();
    let mut acked_sorted = all_acked.clone();
    acked_sorted.sort();
    let mut delivered_sorted = delivered.clone();
    delivered_sorted.sort();
    assert_eq!(acked_sorted, delivered_sorted, "every acked message, once");

    // The store agrees, read through any node.
    let history = nodes[1].all_messages(&bernat, &channel).await;
    assert_eq!(history.len(), 301);
    assert!(id_counts(&history).values().all(|n| *n == 1));
    let seqs: Vec<i64> = history.iter().filter_map(|m| m["seq"].as_i64()).collect();
    assert_eq!(
        seqs,
        (3..=303).collect::<Vec<_>>(),
        "gap-free seq in the store"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn presence_typing_reads_and_revocations_cross_nodes() {
    let db = TestDatabase::create().await;
    let nodes = start_bus_only_nodes(&db, 2).await;
    let admin = nodes[0].admin().await;
    let anna = nodes[0].create_user(&admin, "anna").await;
    let bernat = nodes[0].create_user(&admin, "bernat").await;
    let channel = channel_with(&nodes[0], &anna, "tic", &[&bernat]).await;

    let mut anna_ws = nodes[0].connect(&anna).await;
    let mut bernat_ws = nodes[1].connect(&bernat).await;
    // Anna hears that Bernat came online on the other node...
    loop {
        let frame = anna_ws.next_of_type("presence").await;
        if frame["user_id"] == bernat.user.id.as_str() {
            assert_eq!(frame["status"], "online");
            break;
        }
    }
    // ...and a socket opened later lists him in `ready`.
    let late = nodes[0].connect(&anna).await;
    assert!(
        late.ready["online_user_ids"]
            .as_array()
            .expect("online ids")
            .iter()
            .any(|id| id == bernat.user.id.as_str()),
        "{}",
        late.ready
    );
    late.close().await;

    // Typing relays across nodes.
    bernat_ws
        .send_json(&json!({"type": "typing", "channel_id": channel}))
        .await;
    let typing = anna_ws.next_of_type("typing").await;
    assert_eq!(typing["user_id"], bernat.user.id.as_str());

    // A second socket of Bernat's on node 0 hears his read marker moved on node 1.
    bernat_ws
        .send_message("m", &channel, "m-1", "llegit?")
        .await;
    let ack = bernat_ws.next_of_type("ack").await;
    let mut bernat_elsewhere = nodes[0].connect(&bernat).await;
    bernat_ws
        .send_json(&json!({"type": "read", "channel_id": channel, "seq": ack["seq"]}))
        .await;
    let read = bernat_elsewhere.next_of_type("read").await;
    assert_eq!(read["seq"], ack["seq"]);

    // Logging out on node 0 closes the session's socket on node 1 with 4003.
    let (status, _) = nodes[0]
        .post("/api/v1/auth/logout", &bernat.token, json!({}))
        .await;
    assert_eq!(status, 204);
    assert_eq!(bernat_ws.expect_close().await, Some(4003));

    // Bernat goes offline once his last socket anywhere closes.
    bernat_elsewhere.close().await;
    loop {
        let frame = anna_ws.next_of_type("presence").await;
        if frame["user_id"] == bernat.user.id.as_str() && frame["status"] == "offline" {
            break;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nul_characters_get_the_same_refusal_on_postgresql() {
    let db = TestDatabase::create().await;
    let nodes = start_nodes(&db, 1).await;
    let admin = nodes[0].admin().await;
    let anna = nodes[0].create_user(&admin, "anna").await;
    let channel = nodes[0].create_channel(&anna, "nul", "public").await;
    xerrada_tests::assert_nul_refused(&nodes[0], &admin, &anna, &channel).await;
    let stored = nodes[0].all_messages(&anna, &channel).await;
    assert_eq!(
        stored.len(),
        1,
        "only the clean message was stored: {stored:?}"
    );
}

/// The support bot runs on one node at a time: a request gets one answer, whichever node the
/// requester uses, and another node takes the bot over when its node dies.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_support_bot_answers_once_across_nodes_and_survives_its_node() {
    let db = TestDatabase::create().await;
    let mut nodes = start_nodes(&db, 3).await;
    let admin = nodes[0].admin().await;
    let tic = nodes[0].create_department(&admin, "tic").await;
    let tech = nodes[0]
        .create_user_in(&admin, "tecnic", &[tic.id.as_str()])
        .await;
    let anna = nodes[0].create_user(&admin, "anna").await;
    let mut tech_ws = nodes[1].connect(&tech).await;
    let mut anna_ws = nodes[2].connect(&anna).await;
    let (_, users) = nodes[2].get("/api/v1/users?q=suport", &anna.token).await;
    let bot_id = users
        .as_array()
        .and_then(|users| users.iter().find(|u| u["username"] == "suport"))
        .and_then(|u| u["id"].as_str())
        .expect("the @suport bot is in the directory")
        .to_owned();
    let (_, dm) = nodes[1]
        .post("/api/v1/dms", &anna.token, json!({"user_ids": [bot_id]}))
        .await;
    let dm_id = dm["id"].as_str().expect("dm").to_owned();
    nodes[2].send(&anna, &dm_id, "No puc imprimir").await;
    let menu = loop {
        let frame = anna_ws.next_of_type("message").await;
        if frame["message"]["author_id"] == bot_id.as_str() {
            break frame["message"].clone();
        }
    };
    assert!(
        anna_ws
            .quiet_for("message", Duration::from_millis(1500))
            .await,
        "one answer, not one per node"
    );
    // The button is clicked through yet another node.
    let click = format!(
        "/api/v1/channels/{dm_id}/messages/{}/actions",
        menu["id"].as_str().expect("id")
    );
    let (status, body) = nodes[0]
        .post(&click, &anna.token, json!({"action_id": "open"}))
        .await;
    assert_eq!(status, 204, "{body}");
    let card = tech_ws.next_of_type("message").await;
    assert!(
        card["message"]["body"]
            .as_str()
            .unwrap_or("")
            .contains("No puc imprimir")
    );
    let (_, tickets) = nodes[2].get("/api/v1/tickets", &anna.token).await;
    assert_eq!(
        tickets["tickets"].as_array().map(Vec::len),
        Some(1),
        "{tickets}"
    );

    // Whichever node ran the bot, with node 0 gone the bot still answers.
    nodes[0].kill();
    nodes[2].send(&anna, &dm_id, "Hola de nou").await;
    loop {
        let frame = anna_ws.next_of_type("message").await;
        if frame["message"]["author_id"] == bot_id.as_str() {
            break;
        }
    }
}
