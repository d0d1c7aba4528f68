//! Applying a committed channel event on this node: the membership cache first, then the
//! sockets of the channel's members here.
//!
//! On a single node the writer calls this right after each commit, in commit order. With
//! several nodes, every node's ordered delivery (see `cluster`) calls it for every event of
//! every channel, in `seq` order, whichever node committed it.

use std::sync::Arc;

use xerrada_protocol::ServerFrame;

use crate::events::{channel_resource, event_frame};
use crate::hub::{Hub, OutFrame};
use crate::memberships::Memberships;
use crate::store::{ChannelEvent, EventKind, Store};

/// Delivers committed events to this node's sockets.
pub struct LocalDelivery {
    store: Arc<dyn Store>,
    hub: Arc<Hub>,
    memberships: Arc<Memberships>,
}

impl LocalDelivery {
    pub fn new(store: Arc<dyn Store>, hub: Arc<Hub>, memberships: Arc<Memberships>) -> Self {
        LocalDelivery {
            store,
            hub,
            memberships,
        }
    }

    /// Updates the membership cache and delivers the event to the channel's sockets.
    pub fn apply(&self, event: &ChannelEvent) {
        let frame = OutFrame::encode(&event_frame(event));
        match &event.kind {
            EventKind::Message(_)
            | EventKind::MessageUpdated(_)
            | EventKind::MessageDeleted { .. }
            | EventKind::ReactionAdded { .. }
            | EventKind::ReactionRemoved { .. }
            | EventKind::MessagePinned { .. }
            | EventKind::MessageUnpinned { .. } => {
                self.deliver_to_members(&event.channel_id, &frame)
            }
            EventKind::ChannelUpdated { archived, .. } => {
                self.memberships.set_archived(&event.channel_id, *archived);
                self.deliver_to_members(&event.channel_id, &frame);
            }
            EventKind::MemberJoined { user_id } => {
                self.memberships.add_member(&event.channel_id, user_id);
                self.deliver_to_members(&event.channel_id, &frame);
                self.send_channel_to(&event.channel_id, user_id);
            }
            EventKind::MemberLeft { user_id } => {
                // Delivered while the leaver is still in the cache, so the leaver hears of its
                // own departure exactly once; then it loses the channel.
                self.deliver_to_members(&event.channel_id, &frame);
                self.memberships.remove_member(&event.channel_id, user_id);
                let removed = OutFrame::encode(&ServerFrame::ChannelRemoved {
                    channel_id: event.channel_id.clone(),
                });
                self.hub.deliver_local([user_id], &removed, None);
            }
        }
    }

    fn deliver_to_members(&self, channel_id: &str, frame: &Arc<OutFrame>) {
        if let Some(info) = self.memberships.get(channel_id) {
            self.hub.deliver_local(&info.members, frame, None);
        }
    }

    /// Tells a new member's sockets about the channel (its view needs a query, so off the
    /// delivery path).
    fn send_channel_to(&self, channel_id: &str, user_id: &str) {
        if !self.hub.has_local_sockets(user_id) {
            return;
        }
        let store = self.store.clone();
        let hub = self.hub.clone();
        let (channel_id, user_id) = (channel_id.to_owned(), user_id.to_owned());
        tokio::spawn(async move {
            match store.channel_view(&channel_id, &user_id).await {
                Ok(Some(view)) => {
                    let frame = OutFrame::encode(&ServerFrame::Channel {
                        channel: channel_resource(view),
                    });
                    hub.deliver_local([&user_id], &frame, None);
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "could not send channel to new member"),
            }
        });
    }
}
