//! What nodes say to each other on the bus: one JSON message per NATS message, all on one
//! subject, each naming the node it came from (a node ignores its own).

use serde::{Deserialize, Serialize};

use crate::store::{ChannelEvent, ChannelMembers};

/// The subject every node of one installation publishes on and subscribes to. It names the
/// installation (an id kept in the shared database), so several installations, or test
/// runs, can share one NATS server without hearing each other.
pub fn subject(installation_id: &[u8]) -> String {
    let hex: String = installation_id.iter().map(|b| format!("{b:02x}")).collect();
    format!("xerrada.{hex}.cluster")
}

/// Largest number of user ids in one presence snapshot message (NATS payloads are bounded).
pub const SNAPSHOT_CHUNK: usize = 1_000;

#[derive(Debug, Serialize, Deserialize)]
pub struct Envelope {
    /// The node that sent it.
    pub origin: String,
    #[serde(flatten)]
    pub body: Body,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Body {
    /// A committed channel event.
    Event {
        event: Box<ChannelEvent>,
    },
    /// A frame for some users' sockets; `frame` is the frame's JSON as sockets receive it.
    UserFrame {
        user_ids: Vec<String>,
        frame: String,
    },
    Presence {
        user_id: String,
        online: bool,
    },
    Revoked {
        session_ids: Vec<String>,
    },
    ChannelCreated {
        channel: ChannelMembers,
    },
    /// "I am alive"; a node not heard from for a while is taken as gone.
    Heartbeat,
    /// A node (re)joined: every node answers with a [`Body::Snapshot`] of its online users.
    SyncRequest,
    /// Part of a node's online users (several messages when there are many).
    Snapshot {
        user_ids: Vec<String>,
        first: bool,
    },
}
