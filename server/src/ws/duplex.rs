//! Both directions of an authenticated socket, driven by the socket's one task.
//!
//! A socket used to run two tasks, a reader and a writer, each holding half of a split
//! WebSocket. One task is lighter (one future, no lock between the halves, no shared clock)
//! and, more to the point, every frame the hub queues wakes that task alone. The task polls
//! both directions at once: [`Duplex::next_event`] writes what the outbox holds while it waits
//! for the client, and [`Duplex::alongside`] keeps writing while a client frame is being
//! handled (a `send` may wait for room in the writer's queue; deliveries must not wait with
//! it). Nothing here ever waits on the socket without also watching the outbox's close.
//!
//! Frames queued together leave in one system call: the socket's write buffer takes them all
//! and one flush writes it (`write_buffer_size` in `ws/mod.rs`).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::ws::{Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use xerrada_protocol::close_code;

use crate::hub::{CloseReason, OutFrame, OutboxReceiver};

/// Frames written before the task flushes and lets other tasks run, so that one busy socket
/// cannot hold a worker thread.
const FRAMES_PER_TURN: usize = 64;

/// What the socket's task has to act on.
pub enum Event {
    /// A frame from the client, or its end (`None`).
    Incoming(Option<Result<Message, axum::Error>>),
    /// The socket must close with this reason (asked through the outbox, or the client fell
    /// silent past the ping timeout).
    Close(CloseReason),
    /// Writing failed: the connection is gone.
    Broken,
}

/// When to ping, and when a silent client counts as gone.
pub struct Heartbeat {
    pub interval: Duration,
    pub timeout: Duration,
}

/// An authenticated socket and its outbox, polled together.
pub struct Duplex<'a> {
    socket: &'a mut WebSocket,
    receiver: OutboxReceiver,
    /// Per resumed channel, the highest `seq` the replay sent: live events at or below it are
    /// duplicates.
    replayed: HashMap<String, i64>,
    closed: Pin<Box<dyn Future<Output = CloseReason> + Send>>,
    ping: tokio::time::Interval,
    heartbeat: Heartbeat,
    last_heard: Instant,
    ping_due: bool,
    unflushed: bool,
    broken: bool,
}

impl<'a> Duplex<'a> {
    pub fn new(
        socket: &'a mut WebSocket,
        receiver: OutboxReceiver,
        replayed: HashMap<String, i64>,
        heartbeat: Heartbeat,
    ) -> Self {
        let closed = Box::pin(receiver.outbox().closed());
        let start = tokio::time::Instant::now() + heartbeat.interval;
        let mut ping = tokio::time::interval_at(start, heartbeat.interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Duplex {
            socket,
            receiver,
            replayed,
            closed,
            ping,
            heartbeat,
            last_heard: Instant::now(),
            ping_due: false,
            unflushed: false,
            broken: false,
        }
    }

    /// Writes queued frames until the client sends something or the socket must close.
    pub async fn next_event(&mut self) -> Event {
        let event = std::future::poll_fn(|cx| self.poll_event(cx)).await;
        if let Event::Incoming(_) = event {
            self.last_heard = Instant::now();
        }
        event
    }

    /// Runs `work` (the handling of a client frame) while queued frames keep being written.
    pub async fn alongside<T>(&mut self, work: impl Future<Output = T>) -> T {
        let mut work = std::pin::pin!(work);
        std::future::poll_fn(|cx| {
            self.pump(cx);
            work.as_mut().poll(cx)
        })
        .await
    }

    /// Gives the socket back for its close, dropping what is still queued.
    pub fn finish(self) -> &'a mut WebSocket {
        self.socket
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Event> {
        if let Poll::Ready(reason) = self.closed.as_mut().poll(cx) {
            return Poll::Ready(Event::Close(reason));
        }
        // Polled until pending, so that the next tick wakes the task too.
        while self.ping.poll_tick(cx).is_ready() {
            if self.last_heard.elapsed() > self.heartbeat.interval + self.heartbeat.timeout {
                return Poll::Ready(Event::Close(CloseReason {
                    code: close_code::GOING_AWAY,
                    reason: "ping timeout",
                }));
            }
            self.ping_due = true;
        }
        self.pump(cx);
        if self.broken {
            return Poll::Ready(Event::Broken);
        }
        self.socket.poll_next_unpin(cx).map(Event::Incoming)
    }

    /// Moves queued frames into the socket and flushes them, as far as it goes without
    /// waiting; the wakers it leaves bring the task back when there is more to do.
    fn pump(&mut self, cx: &mut Context<'_>) {
        if self.broken {
            return;
        }
        if self.write_queued(cx).is_err() {
            self.broken = true;
            return;
        }
        if self.unflushed {
            match self.socket.poll_flush_unpin(cx) {
                Poll::Ready(Ok(())) => self.unflushed = false,
                Poll::Ready(Err(_)) => self.broken = true,
                Poll::Pending => {}
            }
        }
    }

    fn write_queued(&mut self, cx: &mut Context<'_>) -> Result<(), axum::Error> {
        let mut written = 0;
        loop {
            match self.socket.poll_ready_unpin(cx) {
                Poll::Ready(result) => result?,
                Poll::Pending => return Ok(()),
            }
            if self.ping_due {
                self.ping_due = false;
                self.send(Message::Ping(Default::default()))?;
                continue;
            }
            if written == FRAMES_PER_TURN {
                // More may be queued; come back after the others had their turn.
                cx.waker().wake_by_ref();
                return Ok(());
            }
            let frame = match self.receiver.poll_recv(cx) {
                Poll::Ready(Some(frame)) => frame,
                // The outbox lives as long as its receiver: never empty-and-closed.
                Poll::Ready(None) | Poll::Pending => return Ok(()),
            };
            written += 1;
            if !already_replayed(&mut self.replayed, &frame) {
                self.send(Message::Text(frame.text.clone()))?;
            }
        }
    }

    fn send(&mut self, message: Message) -> Result<(), axum::Error> {
        self.socket.start_send_unpin(message)?;
        self.unflushed = true;
        Ok(())
    }
}

/// True for a live event the replay already delivered.
fn already_replayed(replayed: &mut HashMap<String, i64>, frame: &OutFrame) -> bool {
    if replayed.is_empty() {
        return false;
    }
    let Some((channel_id, seq)) = &frame.channel_seq else {
        return false;
    };
    match replayed.get(channel_id) {
        Some(floor) if seq <= floor => true,
        Some(_) => {
            replayed.remove(channel_id);
            false
        }
        None => false,
    }
}
