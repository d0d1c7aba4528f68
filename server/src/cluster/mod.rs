//! Several nodes: NATS carries committed events, user frames, presence and revocations
//! between nodes; PostgreSQL stays the truth.
//!
//! Started only with `--nats-url`. Three tasks per node:
//! - the **outgoing** task takes what this node's code hands to the [`crate::peers::ClusterLink`],
//!   feeds this node's own events to the ordered delivery and queues everything for the bus;
//! - the **publisher** task writes that queue to NATS. Its queue is bounded and never waited
//!   on: while NATS is away, messages that do not fit are dropped, because every node
//!   reconciles with the store (events) or polls it (`sync`: revocations, memberships);
//! - the **subscriber** task applies what other nodes say, and a **watch** task sends
//!   heartbeats, notices nodes that went silent and a bus that came back.
//!
//! Channel events always reach sockets through [`ordered::OrderedDelivery`], which makes
//! delivery exactly-once and in `seq` order whatever the bus does.

mod ordered;
mod wire;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use async_nats::connection::State;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use xerrada_protocol::ServerFrame;

use crate::context::Context;
use crate::delivery::LocalDelivery;
use crate::hub::OutFrame;
use crate::peers::Outgoing;
use ordered::{Input, OrderedDelivery};
use wire::{Body, Envelope, SNAPSHOT_CHUNK};

/// How often a node says it is alive.
const HEARTBEAT: Duration = Duration::from_secs(2);
/// A node not heard from for this long is taken as gone (its users go offline).
const NODE_TIMEOUT: Duration = Duration::from_secs(10);
/// Messages waiting for NATS at most; beyond this they are dropped (see module docs).
const PUBLISH_QUEUE: usize = 8_192;

/// Why the cluster could not start.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("invalid NATS URL or options: {0}")]
    Connect(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// A running cluster membership: the NATS client and the node's tasks.
pub struct Cluster {
    node_id: String,
    tasks: Vec<JoinHandle<()>>,
}

impl Cluster {
    /// Connects to NATS (in the background if it is not reachable yet: the node serves its
    /// own sockets meanwhile) and starts the node's cluster tasks.
    pub async fn start(
        ctx: &Arc<Context>,
        delivery: Arc<LocalDelivery>,
        nats_url: &str,
    ) -> Result<Cluster, ClusterError> {
        let Some(outgoing) = ctx.hub.link().attach() else {
            return Err(ClusterError::Connect(
                "the cluster is already started".into(),
            ));
        };
        let node_id = crate::ids::new_id();
        let mut candidate = [0u8; 16];
        getrandom::fill(&mut candidate).map_err(|e| ClusterError::Connect(e.to_string()))?;
        let installation = ctx
            .store
            .shared_secret("installation_id", &candidate)
            .await?;
        let subject = wire::subject(&installation);
        let client = async_nats::ConnectOptions::new()
            .name(format!("xerrada-{node_id}"))
            .retry_on_initial_connect()
            .max_reconnects(None)
            .connection_timeout(Duration::from_secs(3))
            .connect(nats_url)
            .await
            .map_err(|e| ClusterError::Connect(e.to_string()))?;
        let subscription = client
            .subscribe(subject.clone())
            .await
            .map_err(|e| ClusterError::Connect(e.to_string()))?;

        let ordered = OrderedDelivery::new(ctx.store.clone(), delivery).await?;
        let (ordered_tx, ordered_rx) = mpsc::unbounded_channel();
        let (publish_tx, publish_rx) = mpsc::channel(PUBLISH_QUEUE);
        let bus = Bus {
            node_id: node_id.clone(),
            publish: publish_tx,
        };
        let mut tasks = vec![tokio::spawn(ordered.run(ordered_rx))];
        tasks.push(tokio::spawn(publish(client.clone(), subject, publish_rx)));
        tasks.push(tokio::spawn(forward(
            outgoing,
            bus.clone(),
            ordered_tx.clone(),
        )));
        tasks.push(tokio::spawn(receive(
            Arc::downgrade(ctx),
            subscription,
            bus.clone(),
            ordered_tx.clone(),
        )));
        tasks.push(tokio::spawn(watch(
            Arc::downgrade(ctx),
            client.clone(),
            bus,
            ordered_tx,
            Duration::from_millis(ctx.config.realtime.sync_interval_ms.max(100)),
        )));
        let probe = client.clone();
        ctx.hub.link().watch_bus(Box::new(move || {
            probe.connection_state() == State::Connected
        }));
        tracing::info!(node = %node_id, "joined the cluster");
        Ok(Cluster { node_id, tasks })
    }

    pub fn node_id(&self) -> &str {
        &self.node_id
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Queues messages for the publisher task without ever waiting.
#[derive(Clone)]
struct Bus {
    node_id: String,
    publish: mpsc::Sender<bytes::Bytes>,
}

/// Set once so a full queue is logged once per episode, not once per message.
static DROPPING: AtomicBool = AtomicBool::new(false);

impl Bus {
    fn send(&self, body: Body) {
        let envelope = Envelope {
            origin: self.node_id.clone(),
            body,
        };
        let payload = match serde_json::to_vec(&envelope) {
            Ok(payload) => payload,
            Err(e) => {
                tracing::error!(error = %e, "cannot encode a cluster message");
                return;
            }
        };
        match self.publish.try_send(payload.into()) {
            Ok(()) => {
                DROPPING.store(false, Ordering::Relaxed);
            }
            Err(_) => {
                if !DROPPING.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        "the bus is not keeping up; dropping cluster messages (the store fills in)"
                    );
                }
            }
        }
    }
}

async fn publish(
    client: async_nats::Client,
    subject: String,
    mut queue: mpsc::Receiver<bytes::Bytes>,
) {
    while let Some(payload) = queue.recv().await {
        if let Err(e) = client.publish(subject.clone(), payload).await {
            tracing::debug!(error = %e, "publish failed");
        }
    }
}

/// This node's outgoing messages: own events to the ordered delivery first, then the bus.
async fn forward(
    mut outgoing: mpsc::UnboundedReceiver<Outgoing>,
    bus: Bus,
    ordered: mpsc::UnboundedSender<Input>,
) {
    while let Some(message) = outgoing.recv().await {
        let body = match message {
            Outgoing::Event(event) => {
                let _ = ordered.send(Input::Event(event.clone()));
                Body::Event { event }
            }
            Outgoing::UserFrame { user_ids, frame } => Body::UserFrame {
                user_ids,
                frame: frame.text.as_str().to_owned(),
            },
            Outgoing::Presence { user_id, online } => Body::Presence { user_id, online },
            Outgoing::Revoked(session_ids) => Body::Revoked { session_ids },
            Outgoing::ChannelCreated(channel) => Body::ChannelCreated { channel },
        };
        bus.send(body);
    }
}

/// Applies what other nodes say.
async fn receive(
    ctx: std::sync::Weak<Context>,
    mut subscription: async_nats::Subscriber,
    bus: Bus,
    ordered: mpsc::UnboundedSender<Input>,
) {
    while let Some(message) = subscription.next().await {
        let Some(ctx) = ctx.upgrade() else { return };
        let envelope: Envelope = match serde_json::from_slice(&message.payload) {
            Ok(envelope) => envelope,
            Err(e) => {
                tracing::warn!(error = %e, "ignoring an unreadable cluster message");
                continue;
            }
        };
        if envelope.origin == bus.node_id {
            continue;
        }
        ctx.hub.note_remote_node(&envelope.origin);
        apply(&ctx, &bus, &ordered, envelope);
    }
}

fn apply(ctx: &Context, bus: &Bus, ordered: &mpsc::UnboundedSender<Input>, envelope: Envelope) {
    let origin = envelope.origin;
    match envelope.body {
        Body::Event { event } => {
            let _ = ordered.send(Input::Event(event));
        }
        Body::UserFrame { user_ids, frame } => match serde_json::from_str::<ServerFrame>(&frame) {
            Ok(frame) => ctx
                .hub
                .deliver_local(&user_ids, &OutFrame::encode(&frame), None),
            Err(e) => tracing::warn!(error = %e, "ignoring an unreadable relayed frame"),
        },
        Body::Presence { user_id, online } => {
            ctx.hub.set_remote_presence(&origin, &user_id, online)
        }
        Body::Revoked { session_ids } => ctx.auth.end_local_sessions(&session_ids),
        Body::ChannelCreated { channel } => ctx.memberships.insert(channel),
        Body::Heartbeat => {}
        Body::SyncRequest => {
            let users = ctx.hub.local_online_user_ids();
            let mut first = true;
            for chunk in users.chunks(SNAPSHOT_CHUNK) {
                bus.send(Body::Snapshot {
                    user_ids: chunk.to_vec(),
                    first,
                });
                first = false;
            }
            if first {
                bus.send(Body::Snapshot {
                    user_ids: Vec::new(),
                    first: true,
                });
            }
        }
        Body::Snapshot { user_ids, first } => {
            ctx.hub.merge_remote_snapshot(&origin, user_ids, first)
        }
    }
}

/// Heartbeats, silent nodes, and the bus coming back.
async fn watch(
    ctx: std::sync::Weak<Context>,
    client: async_nats::Client,
    bus: Bus,
    ordered: mpsc::UnboundedSender<Input>,
    reconcile_every: Duration,
) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut connected = false;
    let mut last_heartbeat = Instant::now() - HEARTBEAT;
    let mut last_reconcile = Instant::now();
    loop {
        tick.tick().await;
        let Some(ctx) = ctx.upgrade() else { return };
        let now_connected = client.connection_state() == State::Connected;
        if now_connected && !connected {
            // (Re)joined: learn who is online elsewhere and catch up on missed events.
            tracing::info!("connected to the bus");
            bus.send(Body::SyncRequest);
            let _ = ordered.send(Input::Reconcile);
            last_reconcile = Instant::now();
        } else if !now_connected && connected {
            tracing::warn!("lost the bus; serving this node's sockets from the store");
        }
        connected = now_connected;
        if last_heartbeat.elapsed() >= HEARTBEAT {
            bus.send(Body::Heartbeat);
            last_heartbeat = Instant::now();
        }
        if last_reconcile.elapsed() >= reconcile_every {
            let _ = ordered.send(Input::Reconcile);
            last_reconcile = Instant::now();
        }
        for node in ctx.hub.silent_remote_nodes(NODE_TIMEOUT) {
            tracing::info!(node = %node, "a node went silent; its users are offline");
            ctx.hub.forget_node(&node);
        }
    }
}
