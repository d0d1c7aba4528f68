//! A server frame serialized once: what the hub pushes to every recipient's outbox and what
//! crosses to other nodes. A leaf module, so that both the fan-out (`hub`) and the link to
//! other nodes (`peers`) use it without depending on each other.

use std::sync::Arc;

use axum::extract::ws::Utf8Bytes;
use xerrada_protocol::ServerFrame;

/// A frame serialized once and shared by every recipient.
#[derive(Debug)]
pub struct OutFrame {
    pub text: Utf8Bytes,
    /// `(channel_id, seq)` of a channel event, so a resuming socket can drop what it replayed.
    pub channel_seq: Option<(String, i64)>,
}

impl OutFrame {
    /// Serializes `frame` once.
    pub fn encode(frame: &ServerFrame) -> Arc<OutFrame> {
        let text = serde_json::to_string(frame).expect("server frames always serialize");
        Arc::new(OutFrame {
            channel_seq: frame.channel_seq().map(|(c, s)| (c.to_owned(), s)),
            text: Utf8Bytes::from(text),
        })
    }
}
