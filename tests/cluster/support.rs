//! What the cluster tests share: a cluster of node processes on one fresh database, and a
//! client that keeps every channel event it sees.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};
use xerrada_tests::node::{NodeOptions, NodeProcess};
use xerrada_tests::postgres::TestDatabase;
use xerrada_tests::{Session, WsClient};

pub fn nats_url() -> String {
    std::env::var("XERRADA_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

/// `n` nodes sharing one fresh database and the machine's NATS.
pub async fn start_nodes(db: &TestDatabase, n: usize) -> Vec<NodeProcess> {
    start_nodes_with(db, n, None).await
}

/// Nodes that poll the store only once a minute: whatever reaches another node within the
/// test went over the bus.
pub async fn start_bus_only_nodes(db: &TestDatabase, n: usize) -> Vec<NodeProcess> {
    start_nodes_with(db, n, Some("[realtime]\nsync_interval_ms = 60000\n".into())).await
}

async fn start_nodes_with(db: &TestDatabase, n: usize, toml: Option<String>) -> Vec<NodeProcess> {
    let options = NodeOptions {
        database_url: Some(db.url.clone()),
        nats_url: Some(nats_url()),
        config_toml: toml,
        ..NodeOptions::default()
    };
    let mut nodes = Vec::with_capacity(n);
    for _ in 0..n {
        nodes.push(NodeProcess::start(&options).await);
    }
    nodes
}

/// A private channel owned by `owner` with these members; returns its id.
pub async fn channel_with(
    node: &NodeProcess,
    owner: &Session,
    name: &str,
    members: &[&Session],
) -> String {
    let channel = node.create_channel(owner, name, "private").await;
    for member in members {
        let (status, body) = node
            .put(
                &format!("/api/v1/channels/{channel}/members/{}", member.user.id),
                &owner.token,
            )
            .await;
        assert!(
            status == 204 || status == 200,
            "add member: {status} {body}"
        );
    }
    channel
}

/// Sends `count` messages on a socket, reading frames as they come; returns the acks'
/// message ids (in ack order) and every message frame read meanwhile.
pub async fn send_burst(
    ws: &mut WsClient,
    channel: &str,
    prefix: &str,
    count: usize,
) -> (Vec<String>, Vec<Value>) {
    let mut acked = Vec::with_capacity(count);
    let mut seen = Vec::new();
    for n in 0..count {
        ws.send_message(
            &format!("{prefix}-{n}"),
            channel,
            &format!("{prefix}-{n}"),
            prefix,
        )
        .await;
    }
    while acked.len() < count {
        let frame = ws.next_significant().await;
        match frame["type"].as_str() {
            Some("ack") => acked.push(frame["message_id"].as_str().expect("id").to_owned()),
            Some("message") => seen.push(frame),
            _ => panic!("unexpected frame during a burst: {frame}"),
        }
    }
    (acked, seen)
}

/// Reads message frames of `channel` until `count` distinct seqs were seen after `after`;
/// fails on a duplicate, a gap or a reorder.
pub async fn read_messages_in_order(
    ws: &mut WsClient,
    channel: &str,
    after: i64,
    mut already: Vec<Value>,
    count: usize,
) -> Vec<Value> {
    let mut messages: Vec<Value> = Vec::with_capacity(count);
    let mut expected = after + 1;
    let mut take = |frame: Value, messages: &mut Vec<Value>| {
        if frame["channel_id"] != channel {
            return;
        }
        assert_eq!(
            frame["seq"].as_i64(),
            Some(expected),
            "each seq exactly once and in order: {frame}"
        );
        expected += 1;
        messages.push(frame);
    };
    for frame in already.drain(..) {
        take(frame, &mut messages);
    }
    while messages.len() < count {
        let frame = ws.next_significant().await;
        match frame["type"].as_str() {
            Some("message") => take(frame, &mut messages),
            Some("ack") => {}
            _ => panic!("unexpected frame: {frame}"),
        }
    }
    messages
}

/// The message id of a `message` frame or of a message resource.
pub fn message_id(message: &Value) -> String {
    let id = match message.get("message") {
        Some(inner) => &inner["id"],
        None => &message["id"],
    };
    id.as_str().expect("a message id").to_owned()
}

/// `{message_id: count}` of a list of message frames or resources.
pub fn id_counts(messages: &[Value]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for message in messages {
        *counts.entry(message_id(message)).or_insert(0) += 1;
    }
    counts
}

/// Waits up to `limit` for `check` to return true, retrying every 100 ms.
pub async fn within<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn resume_from(channel: &str, seq: i64) -> Value {
    json!({ channel: seq })
}
