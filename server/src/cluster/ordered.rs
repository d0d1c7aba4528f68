//! Ordered delivery: every channel event reaches this node's sockets exactly once and in
//! `seq` order, whichever node committed it and however the bus behaved.
//!
//! Events arrive from two places: this node's writer (right after its commits) and the bus
//! (other nodes' commits). They can interleave out of order, the bus can drop messages (core
//! NATS is at-most-once) or be down for a while. So the task remembers, per channel, the last
//! `seq` it delivered and:
//! - drops an event at or below it (already delivered, e.g. read from the store earlier);
//! - delivers the next one at once;
//! - on a gap, reads the missing events from the store first (they are committed: a `seq` is
//!   only assigned under the channel's row lock, so everything below a committed `seq` is
//!   committed too);
//! - every reconcile interval, and when the bus comes back, compares every channel's head in
//!   the store with what it delivered and reads what it missed. This is what keeps a node
//!   without the bus serving its sockets from the store.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::delivery::LocalDelivery;
use crate::store::{ChannelEvent, Store, StoreResult};

/// Events read from the store per query while filling a gap.
const FILL_PAGE: u32 = 500;

/// What the ordered-delivery task is asked to do.
pub enum Input {
    /// An event from this node's writer or from the bus.
    Event(Box<ChannelEvent>),
    /// Compare with the store and read whatever was missed.
    Reconcile,
}

pub struct OrderedDelivery {
    store: Arc<dyn Store>,
    delivery: Arc<LocalDelivery>,
    /// Last `seq` delivered per channel.
    delivered: HashMap<String, i64>,
}

impl OrderedDelivery {
    /// Starts from the store's current heads: what is already stored was never this node's to
    /// deliver live (sockets that connect later replay it from the store).
    pub async fn new(store: Arc<dyn Store>, delivery: Arc<LocalDelivery>) -> StoreResult<Self> {
        let delivered = store.channel_heads().await?.into_iter().collect();
        Ok(OrderedDelivery {
            store,
            delivery,
            delivered,
        })
    }

    pub async fn run(mut self, mut inputs: mpsc::UnboundedReceiver<Input>) {
        while let Some(input) = inputs.recv().await {
            let result = match input {
                Input::Event(event) => self.offer(*event).await,
                Input::Reconcile => self.reconcile().await,
            };
            if let Err(e) = result {
                // The next reconcile retries; nothing is marked delivered that was not.
                tracing::warn!(error = %e, "ordered delivery could not read the store");
            }
        }
    }

    async fn offer(&mut self, event: ChannelEvent) -> StoreResult<()> {
        // A channel first seen now was created after this node started: it began at 0.
        let last = self.delivered.get(&event.channel_id).copied().unwrap_or(0);
        if event.seq <= last {
            return Ok(());
        }
        if event.seq > last + 1 {
            self.fill(&event.channel_id, last, event.seq - 1).await?;
        }
        self.deliver(event);
        Ok(())
    }

    /// Delivers the stored events of a channel with `after < seq <= up_to`.
    async fn fill(&mut self, channel_id: &str, after: i64, up_to: i64) -> StoreResult<()> {
        let mut after = after;
        while after < up_to {
            let limit = u32::try_from(up_to - after).map_or(FILL_PAGE, |n| n.min(FILL_PAGE));
            let events = self.store.events_after(channel_id, after, limit).await?;
            let Some(last) = events.last().map(|e| e.seq) else {
                break;
            };
            for event in events {
                self.deliver(event);
            }
            after = last;
        }
        Ok(())
    }

    async fn reconcile(&mut self) -> StoreResult<()> {
        for (channel_id, head) in self.store.channel_heads().await? {
            let last = self.delivered.get(&channel_id).copied().unwrap_or(0);
            if head > last {
                self.fill(&channel_id, last, head).await?;
            }
        }
        Ok(())
    }

    fn deliver(&mut self, event: ChannelEvent) {
        self.delivered.insert(event.channel_id.clone(), event.seq);
        self.delivery.apply(&event);
    }
}
