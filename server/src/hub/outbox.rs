//! One socket's outbound queue, bounded in bytes.
//!
//! Producers (the hub, the writer) never wait on a socket: [`Outbox::push`] either queues the
//! frame at once or, when the queue would exceed its byte bound, closes the socket with 4008
//! and drops the frame. The client then reconnects and resumes from the store, which is the
//! truth. This keeps a slow reader from delaying others or growing the server's memory.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::task::{Context, Poll};

use futures_util::task::AtomicWaker;
use tokio::sync::Notify;
use xerrada_protocol::{ServerFrame, close_code};

pub use crate::encoded::OutFrame;

use super::HubStats;

/// A queue that held more frames than this gives its memory back once it is empty again, so
/// that one burst does not stay in an idle socket's memory.
const SHRINK_ABOVE_FRAMES: usize = 64;

/// Why a socket is being closed: a WebSocket close code and reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseReason {
    pub code: u16,
    pub reason: &'static str,
}

/// The sending side of a socket's queue.
///
/// Everything an idle socket needs lives inside this one allocation: the queue is a
/// `VecDeque` under a mutex (empty, it allocates nothing), the socket's task is woken through
/// an `AtomicWaker`, and the close is a `OnceLock` and a `Notify`. Tokio's unbounded channel
/// and watch channel cost about 0.9 KiB more per socket, most of it cache-line padding and a
/// 32-slot block allocated up front (docs/benchmarks.md, "The socket budget"). The mutex is
/// only ever taken for a push or a pop, by the hub and the socket's task.
pub struct Outbox {
    queue: Mutex<Queue>,
    /// The task that reads the queue, woken by each push.
    reader: AtomicWaker,
    queued_bytes: AtomicUsize,
    limit_bytes: usize,
    /// Set once, by the first [`Outbox::close`].
    close_reason: OnceLock<CloseReason>,
    /// Wakes whoever waits in [`Outbox::closed`].
    close_notify: Notify,
    stats: Arc<HubStats>,
}

#[derive(Default)]
struct Queue {
    frames: VecDeque<Arc<OutFrame>>,
    /// The receiver was dropped: nobody will take another frame.
    receiver_gone: bool,
}

/// The receiving side, owned by the socket's task.
pub struct OutboxReceiver {
    outbox: Arc<Outbox>,
}

impl Outbox {
    pub fn new(limit_bytes: usize, stats: Arc<HubStats>) -> (Arc<Outbox>, OutboxReceiver) {
        let outbox = Arc::new(Outbox {
            queue: Mutex::new(Queue::default()),
            reader: AtomicWaker::new(),
            queued_bytes: AtomicUsize::new(0),
            limit_bytes,
            close_reason: OnceLock::new(),
            close_notify: Notify::new(),
            stats,
        });
        let receiver = OutboxReceiver {
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
        {
            let mut queue = self.lock();
            if queue.receiver_gone {
                drop(queue);
                self.queued_bytes.fetch_sub(len, Ordering::AcqRel);
                return false;
            }
            queue.frames.push_back(frame);
        }
        self.reader.wake();
        true
    }

    /// Serializes and queues one frame meant for this socket only.
    pub fn push_frame(&self, frame: &ServerFrame) -> bool {
        self.push(OutFrame::encode(frame))
    }

    /// Asks the socket to close; the first reason given wins.
    pub fn close(&self, code: u16, reason: &'static str) {
        if self.close_reason.set(CloseReason { code, reason }).is_ok() {
            self.close_notify.notify_waiters();
        }
    }

    pub fn close_reason(&self) -> Option<CloseReason> {
        self.close_reason.get().copied()
    }

    /// Resolves once [`Outbox::close`] has been called.
    pub fn closed(self: &Arc<Self>) -> impl Future<Output = CloseReason> + Send + 'static {
        let outbox = Arc::clone(self);
        async move {
            loop {
                // Registered before the check, so a close between the two still wakes it.
                let notified = outbox.close_notify.notified();
                let mut notified = std::pin::pin!(notified);
                notified.as_mut().enable();
                if let Some(reason) = outbox.close_reason() {
                    return reason;
                }
                notified.await;
            }
        }
    }

    /// Bytes queued and not yet taken by the writer task.
    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes.load(Ordering::Acquire)
    }

    /// The queue. Nothing panics while holding it (a push or a pop), so a poisoned lock
    /// still holds a sound queue.
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn pop(&self) -> Option<Arc<OutFrame>> {
        let mut queue = self.lock();
        let frame = queue.frames.pop_front()?;
        if queue.frames.is_empty() && queue.frames.capacity() > SHRINK_ABOVE_FRAMES {
            queue.frames = VecDeque::new();
        }
        drop(queue);
        self.queued_bytes
            .fetch_sub(frame.text.len(), Ordering::AcqRel);
        Some(frame)
    }
}

impl OutboxReceiver {
    /// The next frame, waiting for one.
    pub async fn recv(&mut self) -> Option<Arc<OutFrame>> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The next frame, or the registration of `cx`'s waker for when one comes. Never
    /// `Ready(None)`: the outbox lives as long as its receiver.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<Arc<OutFrame>>> {
        if let Some(frame) = self.outbox.pop() {
            return Poll::Ready(Some(frame));
        }
        // Registered before looking again: a push in between wakes this task.
        self.outbox.reader.register(cx.waker());
        match self.outbox.pop() {
            Some(frame) => Poll::Ready(Some(frame)),
            None => Poll::Pending,
        }
    }

    pub fn outbox(&self) -> &Arc<Outbox> {
        &self.outbox
    }
}

impl Drop for OutboxReceiver {
    /// Frees what is queued at once (the outbox itself may live on in the hub a moment
    /// longer) and refuses what comes after.
    fn drop(&mut self) {
        let frames = {
            let mut queue = self.outbox.lock();
            queue.receiver_gone = true;
            std::mem::take(&mut queue.frames)
        };
        let bytes: usize = frames.iter().map(|f| f.text.len()).sum();
        self.outbox.queued_bytes.fetch_sub(bytes, Ordering::AcqRel);
        // Nobody is left to wake; holding the waker would keep the finished task's memory.
        drop(self.outbox.reader.take());
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

    #[tokio::test]
    async fn a_push_wakes_the_waiting_reader_and_frames_keep_their_order() {
        let (outbox, mut receiver) = Outbox::new(10_000, Arc::new(HubStats::default()));
        let reading = tokio::spawn(async move {
            let mut lengths = Vec::new();
            for _ in 0..200 {
                lengths.push(receiver.recv().await.expect("a frame").text.len());
            }
            (lengths, receiver)
        });
        tokio::task::yield_now().await;
        for len in 1..=200 {
            assert!(outbox.push(frame(len)));
            if len % 50 == 0 {
                tokio::task::yield_now().await;
            }
        }
        let (lengths, receiver) = tokio::time::timeout(std::time::Duration::from_secs(5), reading)
            .await
            .expect("every push woke the reader")
            .expect("the reader did not panic");
        assert_eq!(lengths, (1..=200).collect::<Vec<_>>());
        assert_eq!(outbox.queued_bytes(), 0);
        // Once the receiver is gone, nothing is queued any more, and what was is freed.
        assert!(outbox.push(frame(7)));
        drop(receiver);
        assert_eq!(outbox.queued_bytes(), 0);
        assert!(!outbox.push(frame(7)));
        assert_eq!(outbox.queued_bytes(), 0);
    }

    #[tokio::test]
    async fn a_close_wakes_whoever_is_waiting_for_it() {
        let (outbox, _receiver) = Outbox::new(10, Arc::new(HubStats::default()));
        let waiting = tokio::spawn(outbox.closed());
        // Let the task start waiting before the close comes.
        tokio::task::yield_now().await;
        outbox.close(close_code::TOO_SLOW, "too slow");
        let reason = tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("the close woke the waiting task")
            .expect("the task did not panic");
        assert_eq!(reason.code, close_code::TOO_SLOW);
        assert_eq!(outbox.close_reason(), Some(reason));
    }
}
