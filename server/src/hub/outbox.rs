//! One socket's outbound queue, bounded in bytes.
//!
//! Producers (the hub, the writer) never wait on a socket: [`Outbox::push`] either queues the
//! frame at once or, when the queue would exceed its byte bound, closes the socket with 4008
//! and drops the frame. The client then reconnects and resumes from the store, which is the
//! truth. This keeps a slow reader from delaying others or growing the server's memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{mpsc, watch};
use xerrada_protocol::{ServerFrame, close_code};

pub use crate::encoded::OutFrame;

use super::HubStats;

/// Why a socket is being closed: a WebSocket close code and reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseReason {
    pub code: u16,
    pub reason: &'static str,
}

/// The sending side of a socket's queue.
pub struct Outbox {
    tx: mpsc::UnboundedSender<Arc<OutFrame>>,
    queued_bytes: AtomicUsize,
    limit_bytes: usize,
    close_tx: watch::Sender<Option<CloseReason>>,
    stats: Arc<HubStats>,
}

/// The receiving side, owned by the socket's task.
pub struct OutboxReceiver {
    rx: mpsc::UnboundedReceiver<Arc<OutFrame>>,
    outbox: Arc<Outbox>,
}

impl Outbox {
    pub fn new(limit_bytes: usize, stats: Arc<HubStats>) -> (Arc<Outbox>, OutboxReceiver) {
        let (tx, rx) = mpsc::unbounded_channel();
        let (close_tx, _) = watch::channel(None);
        let outbox = Arc::new(Outbox {
            tx,
            queued_bytes: AtomicUsize::new(0),
            limit_bytes,
            close_tx,
            stats,
        });
        let receiver = OutboxReceiver {
            rx,
            outbox: outbox.clone(),
        };
        (outbox, receiver)
    }

    /// Queues a frame; false when the socket is closed or was just closed for being too slow.
    pub fn push(&self, frame: Arc<OutFrame>) -> bool {
        if self.close_reason().is_some() {
            return false;
        }
        let len = frame.text.len();
        let queued = self.queued_bytes.fetch_add(len, Ordering::AcqRel) + len;
        if queued > self.limit_bytes {
            self.queued_bytes.fetch_sub(len, Ordering::AcqRel);
            self.stats.slow_closes.fetch_add(1, Ordering::Relaxed);
            self.close(close_code::TOO_SLOW, "too slow: reconnect and resume");
            return false;
        }
        self.stats
            .max_queued_bytes
            .fetch_max(queued, Ordering::Relaxed);
        if self.tx.send(frame).is_err() {
            self.queued_bytes.fetch_sub(len, Ordering::AcqRel);
            return false;
        }
        true
    }

    /// Serializes and queues one frame meant for this socket only.
    pub fn push_frame(&self, frame: &ServerFrame) -> bool {
        self.push(OutFrame::encode(frame))
    }

    /// Asks the socket to close; the first reason given wins.
    pub fn close(&self, code: u16, reason: &'static str) {
        self.close_tx.send_if_modified(|current| {
            if current.is_some() {
                return false;
            }
            *current = Some(CloseReason { code, reason });
            true
        });
    }

    pub fn close_reason(&self) -> Option<CloseReason> {
        *self.close_tx.borrow()
    }

    /// Resolves once [`Outbox::close`] has been called.
    pub fn closed(&self) -> impl Future<Output = CloseReason> + Send + 'static {
        let mut rx = self.close_tx.subscribe();
        async move {
            loop {
                if let Some(reason) = *rx.borrow_and_update() {
                    return reason;
                }
                if rx.changed().await.is_err() {
                    return CloseReason {
                        code: close_code::GOING_AWAY,
                        reason: "server shutting down",
                    };
                }
            }
        }
    }

    /// Bytes queued and not yet taken by the writer task.
    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes.load(Ordering::Acquire)
    }
}

impl OutboxReceiver {
    /// The next frame, waiting for one.
    pub async fn recv(&mut self) -> Option<Arc<OutFrame>> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The next frame, or the registration of `cx`'s waker for when one comes.
    pub fn poll_recv(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Arc<OutFrame>>> {
        let polled = self.rx.poll_recv(cx);
        if let std::task::Poll::Ready(Some(frame)) = &polled {
            self.taken(frame);
        }
        polled
    }

    fn taken(&self, frame: &OutFrame) {
        self.outbox
            .queued_bytes
            .fetch_sub(frame.text.len(), Ordering::AcqRel);
    }

    pub fn outbox(&self) -> &Arc<Outbox> {
        &self.outbox
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::ws::Utf8Bytes;

    fn frame(len: usize) -> Arc<OutFrame> {
        Arc::new(OutFrame {
            text: Utf8Bytes::from("x".repeat(len)),
            channel_seq: None,
        })
    }

    #[tokio::test]
    async fn a_full_queue_closes_with_4008_and_never_exceeds_its_bound() {
        let stats = Arc::new(HubStats::default());
        let (outbox, mut receiver) = Outbox::new(1000, stats.clone());
        for _ in 0..4 {
            assert!(outbox.push(frame(250)));
        }
        assert!(!outbox.push(frame(1)));
        assert_eq!(
            outbox.close_reason().map(|r| r.code),
            Some(close_code::TOO_SLOW)
        );
        assert!(stats.max_queued_bytes.load(Ordering::Relaxed) <= 1000);
        assert!(!outbox.push(frame(1)), "a closed outbox takes nothing");
        assert!(receiver.recv().await.is_some());
        assert_eq!(outbox.queued_bytes(), 750);
    }

    #[tokio::test]
    async fn closed_resolves_with_the_first_reason() {
        let (outbox, _receiver) = Outbox::new(10, Arc::new(HubStats::default()));
        let closed = outbox.closed();
        outbox.close(4003, "first");
        outbox.close(1001, "second");
        assert_eq!(closed.await.code, 4003);
    }
}
