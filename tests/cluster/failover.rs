//! Failures: a node killed mid-storm, the bus cut, the database cut. Nothing acked is lost,
//! nothing is delivered twice, and nodes recover by themselves.

use std::time::Duration;

use serde_json::Value;
use xerrada_tests::node::{NodeOptions, NodeProcess};
use xerrada_tests::postgres::{TestDatabase, host_port};
use xerrada_tests::proxy::Proxy;

use crate::support::{
    channel_with, id_counts, message_id, nats_url, read_messages_in_order, resume_from, send_burst,
    start_nodes, within,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_node_loses_nothing_its_clients_resume_on_another_node() {
    let db = TestDatabase::create().await;
    let mut nodes = start_nodes(&db, 3).await;
    let admin = nodes[0].admin().await;
    let anna = nodes[0].create_user(&admin, "anna").await;
    let bernat = nodes[0].create_user(&admin, "bernat").await;
    let carla = nodes[0].create_user(&admin, "carla").await;
    let channel = channel_with(&nodes[0], &anna, "storm", &[&bernat, &carla]).await;
    // Seqs 1 and 2 are the joins.
    let mut anna_ws = nodes[0].connect(&anna).await;
    let mut bernat_ws = nodes[1].connect(&bernat).await;
    let mut carla_ws = nodes[2].connect(&carla).await;

    // Anna writes steadily on node 0 throughout.
    let anna_channel = channel.clone();
    let anna_task = tokio::spawn(async move {
        let (acked, seen) = send_burst(&mut anna_ws, &anna_channel, "anna", 300).await;
        (anna_ws, acked, seen)
    });
    // Bernat sends 300 on node 1 without waiting; node 1 dies once 100 are acked.
    let total = 300;
    for n in 0..total {
        bernat_ws
            .send_message(
                &format!("b-{n}"),
                &channel,
                &format!("bernat-{n}"),
                "bernat",
            )
            .await;
    }
    let mut bernat_acked = std::collections::HashSet::new();
    let mut bernat_seen: Vec<Value> = Vec::new();
    while bernat_acked.len() < 100 {
        let frame = bernat_ws.next_significant().await;
        match frame["type"].as_str() {
            Some("ack") => {
                bernat_acked.insert(frame["ref"].as_str().expect("ref").to_owned());
            }
            Some("message") => bernat_seen.push(frame),
            _ => panic!("unexpected {frame}"),
        }
    }
    nodes[1].kill();
    // What Bernat's client read before the connection died still counts.
    while let xerrada_tests::ws::Received::Frame(frame) = bernat_ws.receive().await {
        match frame["type"].as_str() {
            Some("ack") => {
                bernat_acked.insert(frame["ref"].as_str().expect("ref").to_owned());
            }
            Some("message") => bernat_seen.push(frame),
            _ => {}
        }
    }
    let last_seen = bernat_seen
        .iter()
        .filter_map(|m| m["seq"].as_i64())
        .max()
        .unwrap_or(2);
    // His client reconnects through the balancer, to node 2, resuming where it was, and
    // sends again whatever was not acked, with the same client_msg_id.
    let mut bernat_ws = nodes[2]
        .connect_resuming(&bernat, resume_from(&channel, last_seen))
        .await;
    let unacked: Vec<usize> = (0..total)
        .filter(|n| !bernat_acked.contains(&format!("b-{n}")))
        .collect();
    for n in &unacked {
        bernat_ws
            .send_message(
                &format!("b-{n}"),
                &channel,
                &format!("bernat-{n}"),
                "bernat",
            )
            .await;
    }
    let (mut anna_ws, _anna_acked, anna_seen) = anna_task.await.expect("anna");
    let expected: usize = 600;
    // Seqs 3..=602 hold the 600 messages; the resumed socket gets those after `last_seen`.
    let missed = usize::try_from(602 - last_seen).expect("last_seen within the channel");
    let mut bernat_after = Vec::new();
    let mut resent_acks = 0;
    while resent_acks < unacked.len() || bernat_after.len() < missed {
        let frame = bernat_ws.next_significant().await;
        match frame["type"].as_str() {
            Some("ack") => resent_acks += 1,
            Some("message") => bernat_after.push(frame),
            _ => panic!("unexpected {frame}"),
        }
    }
    let bernat_view =
        read_messages_in_order(&mut bernat_ws, &channel, last_seen, bernat_after, 0).await;
    let carla_view = read_messages_in_order(&mut carla_ws, &channel, 2, Vec::new(), expected).await;
    let anna_view = read_messages_in_order(&mut anna_ws, &channel, 2, anna_seen, expected).await;
    assert_eq!(
        id_counts(&carla_view).len(),
        expected,
        "all 600 distinct messages"
    );
    assert_eq!(
        carla_view.iter().map(message_id).collect::<Vec<_>>(),
        anna_view.iter().map(message_id).collect::<Vec<_>>(),
        "node 0 and node 2 saw the same order"
    );
    let tail: Vec<String> = carla_view
        .iter()
        .filter(|m| m["seq"].as_i64().unwrap_or(0) > last_seen)
        .map(message_id)
        .collect();
    assert_eq!(
        bernat_view.iter().map(message_id).collect::<Vec<_>>(),
        tail,
        "the resumed client got exactly what it missed, in order"
    );
    for ws in [&mut bernat_ws, &mut carla_ws, &mut anna_ws] {
        assert!(ws.quiet_for("message", Duration::from_millis(300)).await);
    }
    let history = nodes[0].all_messages(&anna, &channel).await;
    assert_eq!(history.len(), expected);
    assert!(id_counts(&history).values().all(|n| *n == 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cutting_the_bus_loses_and_duplicates_nothing_and_the_node_catches_up() {
    let db = TestDatabase::create().await;
    let nats = Proxy::start(host_port(&nats_url(), 4222)).await;
    let cut_node = NodeProcess::start(&NodeOptions {
        database_url: Some(db.url.clone()),
        nats_url: Some(format!("nats://{}", nats.addr)),
        ..NodeOptions::default()
    })
    .await;
    let other = NodeProcess::start(&NodeOptions {
        database_url: Some(db.url.clone()),
        nats_url: Some(nats_url()),
        ..NodeOptions::default()
    })
    .await;
    let admin = other.admin().await;
    let anna = other.create_user(&admin, "anna").await;
    let bernat = other.create_user(&admin, "bernat").await;
    let channel = channel_with(&other, &anna, "tallat", &[&bernat]).await;
    let mut anna_ws = cut_node.connect(&anna).await;
    let mut bernat_ws = other.connect(&bernat).await;

    let (_, seen_a1) = send_burst(&mut anna_ws, &channel, "before", 20).await;
    let seen_b1 = read_messages_in_order(&mut bernat_ws, &channel, 1, Vec::new(), 20).await;
    assert_eq!(seen_b1.len(), 20);

    nats.cut().await;
    assert!(
        within(Duration::from_secs(10), || async {
            let (status, body) = cut_node
                .call(reqwest::Method::GET, "/readyz", None, None)
                .await;
            status == 200 && body["bus"] == "unavailable"
        })
        .await,
        "readyz reports the lost bus while the node keeps serving"
    );
    // Both sides keep talking while node 0 has no bus.
    let (_, seen_a2) = send_burst(&mut anna_ws, &channel, "during-a", 30).await;
    let (_, seen_b2) = send_burst(&mut bernat_ws, &channel, "during-b", 30).await;
    nats.restore();
    let (_, seen_b3) = send_burst(&mut bernat_ws, &channel, "after-b", 10).await;

    let mut anna_seen = seen_a1;
    anna_seen.extend(seen_a2);
    let anna_view = read_messages_in_order(&mut anna_ws, &channel, 1, anna_seen, 90).await;
    let mut bernat_seen = seen_b2;
    bernat_seen.extend(seen_b3);
    let bernat_view = read_messages_in_order(&mut bernat_ws, &channel, 21, bernat_seen, 70).await;
    assert_eq!(
        anna_view[20..].iter().map(message_id).collect::<Vec<_>>(),
        bernat_view.iter().map(message_id).collect::<Vec<_>>()
    );
    for ws in [&mut anna_ws, &mut bernat_ws] {
        assert!(ws.quiet_for("message", Duration::from_millis(500)).await);
    }
    assert!(
        within(Duration::from_secs(15), || async {
            let (_, body) = cut_node
                .call(reqwest::Method::GET, "/readyz", None, None)
                .await;
            body["bus"] == "ok"
        })
        .await,
        "the node reconnects to the bus by itself"
    );
}

/// A node whose PostgreSQL connections go through a proxy the test can cut or stall; the
/// database lives as long as the first value.
async fn node_behind_a_database_proxy() -> (TestDatabase, Proxy, NodeProcess) {
    let db = TestDatabase::create().await;
    let postgres = Proxy::start(db.server_addr()).await;
    let node = NodeProcess::start(&NodeOptions {
        database_url: Some(db.url_via(postgres.addr)),
        nats_url: Some(nats_url()),
        env: vec![("XERRADA_METRICS_TOKEN".into(), METRICS_TOKEN.into())],
        ..NodeOptions::default()
    })
    .await;
    (db, postgres, node)
}

const METRICS_TOKEN: &str = "scrape-me-please-0123";

/// `xerrada_store_errors_total{kind=...}` as the node reports it now.
async fn store_errors(node: &NodeProcess, kind: &str) -> f64 {
    let text = reqwest::Client::new()
        .get(node.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .expect("scrape")
        .text()
        .await
        .expect("text");
    let series = format!(r#"xerrada_store_errors_total{{kind="{kind}"}} "#);
    text.lines()
        .find_map(|line| line.strip_prefix(series.as_str()))
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no {series} in {text}"))
}

/// A database that hangs (every connection open, nothing answered) must not hang the
/// readiness probe: it answers 503 naming the store, before a probe's usual timeout, and
/// keeps answering while the database stays away. Before, it never answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn readiness_answers_in_time_while_the_database_hangs() {
    let (_db, postgres, node) = node_behind_a_database_proxy().await;
    let (status, body) = node.call(reqwest::Method::GET, "/readyz", None, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["down"], serde_json::json!([]));

    postgres.stall();
    // A load balancer gives up on a probe after a few seconds; so does this client.
    let probe = reqwest::Client::builder()
        .timeout(Duration::from_secs(4))
        .build()
        .expect("client");
    for _ in 0..3 {
        let response = probe
            .get(node.url("/readyz"))
            .send()
            .await
            .expect("the probe answers while the database hangs");
        assert_eq!(response.status().as_u16(), 503);
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["status"], "unavailable", "{body}");
        assert_eq!(body["store"], "timeout", "{body}");
        assert_eq!(body["down"], serde_json::json!(["store"]), "{body}");
    }
    let (status, _) = node
        .call(reqwest::Method::GET, "/healthz", None, None)
        .await;
    assert_eq!(status, 200, "the process itself stays alive");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_its_database_a_node_refuses_sends_and_recovers_by_itself() {
    let (_db, postgres, node) = node_behind_a_database_proxy().await;
    let admin = node.admin().await;
    let anna = node.create_user(&admin, "anna").await;
    let bernat = node.create_user(&admin, "bernat").await;
    let channel = channel_with(&node, &anna, "caiguda", &[&bernat]).await;
    let mut anna_ws = node.connect(&anna).await;
    let mut bernat_ws = node.connect(&bernat).await;
    let (_, seen) = send_burst(&mut anna_ws, &channel, "before", 5).await;
    read_messages_in_order(&mut anna_ws, &channel, 1, seen, 5).await;

    postgres.cut().await;
    for n in 0..5 {
        anna_ws
            .send_message(
                &format!("o-{n}"),
                &channel,
                &format!("outage-{n}"),
                "outage",
            )
            .await;
    }
    let mut refused = 0;
    while refused < 5 {
        let frame = anna_ws.next_significant().await;
        match frame["type"].as_str() {
            Some("error") => {
                assert_eq!(frame["code"], "unavailable", "{frame}");
                refused += 1;
            }
            other => {
                panic!("nothing may be acked or delivered without the database: {other:?} {frame}")
            }
        }
    }
    let (status, _) = node.call(reqwest::Method::GET, "/readyz", None, None).await;
    assert_eq!(status, 503);
    assert!(
        store_errors(&node, "unavailable").await >= 1.0,
        "/metrics counts the refusals"
    );

    postgres.restore();
    assert!(
        within(Duration::from_secs(20), || async {
            node.call(reqwest::Method::GET, "/readyz", None, None)
                .await
                .0
                == 200
        })
        .await,
        "the node recovers without a restart"
    );
    // The client sends the refused messages again (same client_msg_id) and more.
    let mut retried = Vec::new();
    for n in 0..5 {
        anna_ws
            .send_message(
                &format!("o-{n}"),
                &channel,
                &format!("outage-{n}"),
                "outage",
            )
            .await;
    }
    while retried.len() < 5 {
        let frame = anna_ws.next_significant().await;
        match frame["type"].as_str() {
            Some("ack") => retried.push(frame),
            Some("message") => {}
            _ => panic!("unexpected {frame}"),
        }
    }
    let bernat_view = read_messages_in_order(&mut bernat_ws, &channel, 1, Vec::new(), 10).await;
    assert_eq!(id_counts(&bernat_view).len(), 10);
    let history = node.all_messages(&bernat, &channel).await;
    assert_eq!(
        history.len(),
        10,
        "5 before, 5 after: the refused ones only once"
    );
    assert_eq!(
        history.iter().filter(|m| m["body"] == "outage").count(),
        5,
        "every retried message is stored once"
    );
}
