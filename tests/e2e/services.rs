//! The services a socket calls, driven directly on a running server: the replay a resuming
//! socket is sent, and the routing of a `send` frame. The socket only writes what they answer.

use std::sync::Arc;

use serde_json::Value;
use xerrada::hub::{HubStats, Outbox, OutboxReceiver};
use xerrada::services::messages::{self, Draft};
use xerrada::services::resume;
use xerrada::texts::Lang;
use xerrada_protocol::ServerFrame;
use xerrada_tests::{Session, spawn_app_with};

fn kinds(frames: &[ServerFrame]) -> Vec<Value> {
    frames
        .iter()
        .map(|f| {
            let v = serde_json::to_value(f).expect("frame");
            match v["type"].as_str() {
                Some("message") => v["message"]["seq"].clone(),
                _ => v["type"].clone(),
            }
        })
        .collect()
}

#[tokio::test]
async fn the_replay_sends_what_was_missed_and_stops_at_the_limit_with_resync() {
    let app = spawn_app_with(|c| c.realtime.replay_limit = 3).await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&anna, "general", "public").await;
    for i in 1..=5 {
        assert_eq!(app.send(&anna, &channel, &format!("m{i}")).await.0, 201);
    }
    let ctx = &app.ctx;

    let replay = resume::replay(ctx, &anna.user.id, &channel, 3)
        .await
        .expect("replay")
        .expect("a member's channel");
    assert_eq!(kinds(&replay.frames), [Value::from(4), Value::from(5)]);
    assert_eq!(replay.floor, 5);

    let replay = resume::replay(ctx, &anna.user.id, &channel, 0)
        .await
        .expect("replay")
        .expect("a member's channel");
    assert_eq!(
        kinds(&replay.frames),
        [
            Value::from(1),
            Value::from(2),
            Value::from(3),
            Value::from("resync")
        ]
    );
    assert!(
        matches!(&replay.frames[3], ServerFrame::Resync { from_seq: 4, .. }),
        "{:?}",
        replay.frames[3]
    );
    assert_eq!(
        replay.floor, 5,
        "live events up to the end are covered by the paging"
    );

    let pere = app.create_user(&admin, "pere").await;
    let skipped = resume::replay(ctx, &pere.user.id, &channel, 0)
        .await
        .expect("replay");
    assert!(skipped.is_none(), "a non-member's channel is skipped");
}

async fn socket_send(
    app: &xerrada_tests::TestApp,
    who: &Session,
    channel_id: &str,
    body: &str,
) -> (Result<(), xerrada::error::AppError>, OutboxReceiver) {
    let (outbox, receiver): (Arc<Outbox>, OutboxReceiver) =
        Outbox::new(1 << 20, Arc::new(HubStats::default()));
    let draft = Draft {
        channel_id: channel_id.to_owned(),
        body: body.to_owned(),
        client_msg_id: Some(format!("c-{body}")),
        ..Default::default()
    };
    let result = messages::send_from_socket(
        &app.ctx,
        &who.user,
        Lang::En,
        &outbox,
        Some("r1".into()),
        draft,
    )
    .await;
    (result, receiver)
}

async fn next_frame(receiver: &mut OutboxReceiver) -> Value {
    let frame = tokio::time::timeout(std::time::Duration::from_secs(10), receiver.recv())
        .await
        .expect("a frame in time")
        .expect("outbox open");
    serde_json::from_str(&frame.text).expect("json")
}

#[tokio::test]
async fn a_socket_send_is_routed_to_a_command_or_to_the_writer() {
    let app = spawn_app_with(|_| {}).await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&anna, "general", "public").await;

    let (result, mut receiver) = socket_send(&app, &anna, &channel, "hola").await;
    result.expect("a post is queued");
    let ack = next_frame(&mut receiver).await;
    assert_eq!(
        (ack["type"].as_str(), ack["ref"].as_str()),
        (Some("ack"), Some("r1")),
        "{ack}"
    );
    assert_eq!(ack["seq"], 1);

    let (result, mut receiver) = socket_send(&app, &anna, &channel, "/help").await;
    result.expect("a command runs apart");
    let answer = next_frame(&mut receiver).await;
    assert_eq!(answer["type"], "ephemeral", "{answer}");
    assert_eq!(answer["ref"], "r1");

    let (result, mut receiver) = socket_send(&app, &anna, &channel, "//help is a message").await;
    result.expect("an escaped slash is a post");
    assert_eq!(next_frame(&mut receiver).await["type"], "ack");
    let stored = app.all_messages(&anna, &channel).await;
    assert_eq!(stored.last().expect("posted")["body"], "/help is a message");

    let pere = app.create_user(&admin, "pere").await;
    let (result, _) = socket_send(&app, &pere, &channel, "not a member").await;
    let error = result.expect_err("refused before the writer");
    assert_eq!(error.code().as_str(), "forbidden");
}
