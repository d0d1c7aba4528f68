//! The way from node-local code to the other nodes.
//!
//! The writer, the hub and the services hand what other nodes must hear to the link; the
//! cluster task (when `--nats-url` is set) takes it from there. On a single node nothing is
//! attached and [`ClusterLink::send`] does nothing, so callers need not care which mode runs.
//! It knows nothing of NATS: the fan-out and the services depend on this module, and only
//! `cluster/` depends on them and on NATS.

use std::sync::{Arc, OnceLock};

use tokio::sync::mpsc;

use crate::encoded::OutFrame;
use crate::store::{ChannelEvent, ChannelMembers};

/// Something this node tells the cluster.
#[derive(Debug)]
pub enum Outgoing {
    /// A channel event this node committed (delivered here too, in `seq` order).
    Event(Box<ChannelEvent>),
    /// A frame for some users' sockets, wherever they are connected.
    UserFrame {
        user_ids: Vec<String>,
        frame: Arc<OutFrame>,
    },
    /// A user's first socket on this node opened, or its last one closed.
    Presence { user_id: String, online: bool },
    /// Sessions that ended (logout, deactivation, token revoked).
    Revoked(Vec<String>),
    /// A channel created with its first members (channel creation is not a channel event).
    ChannelCreated(ChannelMembers),
}

/// Tells whether the cluster's bus connection is up.
pub type BusProbe = Box<dyn Fn() -> bool + Send + Sync>;

/// Hands [`Outgoing`] messages to the cluster task, if there is one.
#[derive(Default)]
pub struct ClusterLink {
    tx: OnceLock<mpsc::UnboundedSender<Outgoing>>,
    bus: OnceLock<BusProbe>,
}

impl ClusterLink {
    /// True when this node runs with other nodes.
    pub fn is_clustered(&self) -> bool {
        self.tx.get().is_some()
    }

    /// Passes a message on; a no-op on a single node.
    pub fn send(&self, message: Outgoing) {
        if let Some(tx) = self.tx.get() {
            // The receiver lives as long as the node; after shutdown there is no one to tell.
            let _ = tx.send(message);
        }
    }

    /// Whether the bus is up: `None` on a single node (for `/readyz`).
    pub fn bus_connected(&self) -> Option<bool> {
        self.bus.get().map(|probe| probe())
    }

    /// Lets [`ClusterLink::bus_connected`] ask the cluster's bus client.
    pub(crate) fn watch_bus(&self, probe: BusProbe) {
        let _ = self.bus.set(probe);
    }

    /// Attaches the cluster task; only the first call takes effect.
    pub(crate) fn attach(&self) -> Option<mpsc::UnboundedReceiver<Outgoing>> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.tx.set(tx).ok().map(|()| rx)
    }
}
