//! The writer: the one task that appends events to channels.
//!
//! Every channel event (message, join, leave) goes through this task, which gives three
//! guarantees at once:
//! - **Group commit.** It takes every request waiting in its queue (up to `max_batch`) and
//!   commits them in one transaction, so one fsync serves many messages. Under load the queue
//!   fills while a commit runs, so batches grow with demand without any timer.
//! - **Ack after commit.** A sender hears `ack` only once its message is durable.
//! - **Order.** Events are handed on in commit order, so every socket sees a channel's events
//!   in `seq` order, and the sending socket sees its `ack` before its message.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use xerrada_protocol::{Message, ServerFrame};

use crate::delivery::LocalDelivery;
use crate::error::{AppError, AppResult};
use crate::hub::Outbox;
use crate::metrics::Metrics;
use crate::peers::{ClusterLink, Outgoing};
use crate::store::{
    ChannelEvent, EventKind, MAX_PINS, MAX_REACTION_KINDS, Store, WriteOp, WriteOutcome,
};

/// Where the outcome of a write goes.
pub enum Reply {
    /// A service waiting for the outcome.
    Caller(oneshot::Sender<AppResult<Written>>),
    /// A socket: `ack` or `error` frames go straight into its outbox, echoing `reference`.
    Socket {
        outbox: Arc<Outbox>,
        reference: Option<String>,
    },
}

struct WriteRequest {
    op: WriteOp,
    reply: Reply,
    /// When it reached the queue: the start of its send→ack time.
    queued_at: std::time::Instant,
}

// Shutdown is sent once; boxing the request would add an allocation to every write.
#[allow(clippy::large_enum_variant)]
enum Command {
    Write(WriteRequest),
    Shutdown(oneshot::Sender<()>),
}

/// Handle to the writer task. Cheap to clone.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Command>,
}

/// What the writer task needs.
struct Sequencer {
    store: Arc<dyn Store>,
    delivery: Arc<LocalDelivery>,
    link: Arc<ClusterLink>,
    limits: BatchLimits,
    metrics: Arc<Metrics>,
}

/// How big one group commit may grow.
#[derive(Debug, Clone, Copy)]
pub struct BatchLimits {
    pub max_ops: usize,
    pub max_bytes: usize,
}

/// Approximate bytes an operation adds to a batch and to the frames it fans out.
fn op_bytes(op: &WriteOp) -> usize {
    match op {
        WriteOp::PostMessage { body, .. } => body.len() + 256,
        _ => 256,
    }
}

impl Writer {
    /// Starts the writer task.
    pub fn start(
        store: Arc<dyn Store>,
        delivery: Arc<LocalDelivery>,
        link: Arc<ClusterLink>,
        metrics: Arc<Metrics>,
        limits: BatchLimits,
    ) -> (Writer, JoinHandle<()>) {
        let limits = BatchLimits {
            max_ops: limits.max_ops.max(1),
            max_bytes: limits.max_bytes.max(1),
        };
        // The queue is bounded so that a flood of senders waits (backpressure) instead of
        // growing memory; it holds several batches so the next batch is ready during a commit.
        let (tx, rx) = mpsc::channel(limits.max_ops * 4);
        let sequencer = Sequencer {
            store,
            delivery,
            link,
            limits,
            metrics,
        };
        let task = tokio::spawn(sequencer.run(rx));
        (Writer { tx }, task)
    }

    /// Writes and waits for the outcome.
    pub async fn write(&self, op: WriteOp) -> AppResult<Written> {
        let (tx, rx) = oneshot::channel();
        self.enqueue(op, Reply::Caller(tx)).await?;
        rx.await.map_err(|_| shutting_down())?
    }

    /// Writes on behalf of a socket; the outcome is sent to the socket as `ack` or `error`.
    pub async fn write_for_socket(
        &self,
        op: WriteOp,
        outbox: Arc<Outbox>,
        reference: Option<String>,
    ) -> AppResult<()> {
        self.enqueue(op, Reply::Socket { outbox, reference }).await
    }

    async fn enqueue(&self, op: WriteOp, reply: Reply) -> AppResult<()> {
        self.tx
            .send(Command::Write(WriteRequest {
                op,
                reply,
                queued_at: std::time::Instant::now(),
            }))
            .await
            .map_err(|_| shutting_down())
    }

    /// Commits everything queued so far, then stops; later writes get `unavailable`.
    pub async fn shutdown(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Command::Shutdown(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }
}

fn shutting_down() -> AppError {
    AppError::Busy("the server is shutting down; retry in a moment".into())
}

impl Sequencer {
    async fn run(self, mut rx: mpsc::Receiver<Command>) {
        let mut batch = Vec::with_capacity(self.limits.max_ops);
        while let Some(command) = rx.recv().await {
            let mut shutdown = None;
            let mut bytes = 0;
            match command {
                Command::Write(request) => {
                    bytes += op_bytes(&request.op);
                    batch.push(request);
                }
                Command::Shutdown(done) => shutdown = Some(done),
            }
            while shutdown.is_none()
                && batch.len() < self.limits.max_ops
                && bytes < self.limits.max_bytes
            {
                match rx.try_recv() {
                    Ok(Command::Write(request)) => {
                        bytes += op_bytes(&request.op);
                        batch.push(request);
                    }
                    Ok(Command::Shutdown(done)) => shutdown = Some(done),
                    Err(_) => break,
                }
            }
            self.commit(&mut batch).await;
            if let Some(done) = shutdown {
                rx.close();
                while let Ok(command) = rx.try_recv() {
                    if let Command::Write(request) = command {
                        batch.push(request);
                    }
                    if batch.len() >= self.limits.max_ops {
                        self.commit(&mut batch).await;
                    }
                }
                self.commit(&mut batch).await;
                let _ = done.send(());
                return;
            }
        }
    }

    async fn commit(&self, batch: &mut Vec<WriteRequest>) {
        if batch.is_empty() {
            return;
        }
        let queued: Vec<std::time::Instant> = batch.iter().map(|r| r.queued_at).collect();
        let (ops, replies): (Vec<WriteOp>, Vec<Reply>) =
            batch.drain(..).map(|r| (r.op, r.reply)).unzip();
        let started = std::time::Instant::now();
        let committed = self.store.apply_batch(&ops).await;
        self.metrics
            .commit_seconds
            .observe(started.elapsed().as_secs_f64());
        self.metrics.commit_size.observe(ops.len() as f64);
        self.metrics.commits.inc();
        match committed {
            Ok(outcomes) => {
                for (((op, reply), outcome), queued_at) in
                    ops.iter().zip(replies).zip(outcomes).zip(queued)
                {
                    self.finish(op, reply, outcome);
                    self.metrics
                        .send_ack_seconds
                        .observe(queued_at.elapsed().as_secs_f64());
                }
            }
            Err(e) => {
                self.metrics.commit_failures.inc();
                tracing::error!(error = %e, batch = ops.len(), "commit failed; nothing acked");
                let error = AppError::from(e);
                for reply in replies {
                    send_error(reply, &error);
                }
            }
        }
    }

    /// After commit: reply first (so a sender's `ack` precedes its own message), then publish.
    fn finish(&self, op: &WriteOp, reply: Reply, outcome: WriteOutcome) {
        let result = written(op, outcome);
        let created = match &result {
            Ok(Written::Created(event)) => Some(event),
            _ => None,
        };
        if let Some(ChannelEvent {
            kind: EventKind::Message(_),
            ..
        }) = created
        {
            self.metrics.messages_posted.inc();
        }
        match reply {
            Reply::Caller(tx) => {
                // A REST answer and the sockets' frames travel apart: no order to keep.
                if let Some(event) = created {
                    self.publish(event);
                }
                let _ = tx.send(result);
            }
            Reply::Socket { outbox, reference } => {
                let frame = match &result {
                    Ok(Written::Created(event) | Written::Repeated(event)) => match &event.kind {
                        // An edit is acked like a send, with its `message_updated` seq.
                        EventKind::Message(message) | EventKind::MessageUpdated(message) => {
                            Some(ServerFrame::Ack {
                                reference,
                                channel_id: event.channel_id.clone(),
                                seq: event.seq,
                                message_id: message.id.clone(),
                            })
                        }
                        _ => None,
                    },
                    Ok(Written::Unchanged) => None,
                    Err(e) => Some(crate::events::error_frame(reference, e)),
                };
                if let Some(frame) = frame {
                    outbox.push_frame(&frame);
                }
                if let Some(event) = created {
                    self.publish(event);
                }
            }
        }
    }

    /// Hands a committed event on: straight to this node's sockets on a single node; to the
    /// cluster's ordered delivery (and the bus) with several.
    fn publish(&self, event: &ChannelEvent) {
        if self.link.is_clustered() {
            self.link.send(Outgoing::Event(Box::new(event.clone())));
        } else {
            self.delivery.apply(event);
        }
    }
}

/// Tells one request of a failed batch why it failed (every request gets its own copy).
fn send_error(reply: Reply, error: &AppError) {
    match reply {
        Reply::Caller(tx) => {
            let copy = match error {
                AppError::Unavailable(_) | AppError::Busy(_) => {
                    AppError::Busy(error.client_message())
                }
                other => AppError::internal(other.to_string()),
            };
            let _ = tx.send(Err(copy));
        }
        Reply::Socket { outbox, reference } => {
            outbox.push_frame(&crate::events::error_frame(reference, error));
        }
    }
}

/// What a write did, as its caller sees it; every refusal is an error instead (see [`written`]).
#[derive(Debug)]
pub enum Written {
    /// A new event was committed.
    Created(ChannelEvent),
    /// A repeated `client_msg_id`: the original message's event; nothing new was stored.
    Repeated(ChannelEvent),
    /// Nothing to do (already a member, or not a member).
    Unchanged,
}

impl Written {
    /// The message a post stored (or the original, for a repeated `client_msg_id`) and whether
    /// it is new.
    pub fn into_message(self) -> AppResult<(Message, bool)> {
        let (event, created) = match self {
            Written::Created(event) => (event, true),
            Written::Repeated(event) => (event, false),
            Written::Unchanged => return Err(AppError::internal("a post changed nothing")),
        };
        match event.kind {
            EventKind::Message(message) | EventKind::MessageUpdated(message) => {
                Ok((message, created))
            }
            _ => Err(AppError::internal(
                "a message write committed another event",
            )),
        }
    }
}

/// The one reading of a write's outcome, for REST callers and sockets alike: what it produced,
/// or why it was refused, worded for clients.
pub fn written(op: &WriteOp, outcome: WriteOutcome) -> AppResult<Written> {
    match outcome {
        WriteOutcome::Committed(event) => Ok(Written::Created(event)),
        WriteOutcome::Duplicate(event) => Ok(Written::Repeated(event)),
        WriteOutcome::Unchanged => Ok(Written::Unchanged),
        WriteOutcome::NotFound => Err(AppError::not_found(match op {
            WriteOp::PostMessage { .. }
            | WriteOp::UpdateChannel { .. }
            | WriteOp::AddMember { .. }
            | WriteOp::RemoveMember { .. } => "channel",
            WriteOp::EditMessage { .. }
            | WriteOp::DeleteMessage { .. }
            | WriteOp::React { .. }
            | WriteOp::Pin { .. } => "message",
            WriteOp::AddDepartmentMember { .. } | WriteOp::RemoveDepartmentMember { .. } => {
                "department or user"
            }
        })),
        WriteOutcome::InvalidThreadRoot => Err(AppError::Invalid(
            "thread_root is not a message of this channel".into(),
        )),
        WriteOutcome::ReplyToReply => Err(AppError::Invalid(
            "thread_root is itself a reply: reply to the thread's root".into(),
        )),
        WriteOutcome::ClientMsgIdReused => Err(AppError::Conflict(
            "client_msg_id was already used for a message in another channel".into(),
        )),
        WriteOutcome::NotAuthor => Err(AppError::Forbidden(
            "only its author may change a message".into(),
        )),
        WriteOutcome::Deleted => Err(AppError::NotFound(
            "the message was deleted: it can no longer be edited or reacted to".into(),
        )),
        WriteOutcome::TooManyReactions => Err(AppError::Conflict(format!(
            "a message takes at most {MAX_REACTION_KINDS} different emoji"
        ))),
        WriteOutcome::FilesUnavailable => Err(AppError::Invalid(
            "file_ids may only name your own uploads that were not posted yet".into(),
        )),
        WriteOutcome::TooManyPins => Err(AppError::Conflict(format!(
            "a channel keeps at most {MAX_PINS} pinned messages: unpin one first"
        ))),
    }
}
