//! Realtime fan-out on one node.
//!
//! The hub knows every open, authenticated socket on this node and the user it belongs to.
//! Delivering a frame means pushing one shared, already-serialized buffer into each target
//! socket's bounded [`Outbox`]; the hub never awaits a socket. The registry sits behind a std
//! `RwLock` because it is held only for map lookups and pushes, never across an `.await`.

pub mod outbox;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use xerrada_protocol::ServerFrame;
use xerrada_protocol::frames::PresenceStatus;

pub use outbox::{CloseReason, OutFrame, Outbox, OutboxReceiver};

/// Counters a test or an operator can read.
#[derive(Debug, Default)]
pub struct HubStats {
    /// The most bytes any socket ever had queued (never above the configured bound).
    pub max_queued_bytes: AtomicUsize,
    /// Sockets closed with 4008 for being too slow.
    pub slow_closes: AtomicU64,
}

/// One registered socket.
pub struct Connection {
    pub id: u64,
    pub user_id: String,
    pub session_id: String,
    pub outbox: Arc<Outbox>,
}

#[derive(Default)]
struct Registry {
    by_id: HashMap<u64, Arc<Connection>>,
    by_user: HashMap<String, Vec<Arc<Connection>>>,
}

/// The node's socket registry and fan-out.
pub struct Hub {
    registry: RwLock<Registry>,
    /// Number of registered sockets, watched by shutdown to know when all have closed.
    count: tokio::sync::watch::Sender<usize>,
    next_id: AtomicU64,
    queue_limit_bytes: usize,
    stats: Arc<HubStats>,
}

impl Hub {
    pub fn new(queue_limit_bytes: usize) -> Self {
        Hub {
            registry: RwLock::new(Registry::default()),
            count: tokio::sync::watch::channel(0).0,
            next_id: AtomicU64::new(1),
            queue_limit_bytes,
            stats: Arc::new(HubStats::default()),
        }
    }

    pub fn stats(&self) -> &Arc<HubStats> {
        &self.stats
    }

    /// Creates a socket's outbox without registering it (frames are pushed only once
    /// [`Hub::register`] is called).
    pub fn new_outbox(&self) -> (Arc<Outbox>, OutboxReceiver) {
        Outbox::new(self.queue_limit_bytes, self.stats.clone())
    }

    /// Registers an authenticated socket. The second value is true when this is the user's
    /// first open socket (the user just came online).
    pub fn register(
        &self,
        user_id: &str,
        session_id: &str,
        outbox: Arc<Outbox>,
    ) -> (Arc<Connection>, bool) {
        let connection = Arc::new(Connection {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            user_id: user_id.to_owned(),
            session_id: session_id.to_owned(),
            outbox,
        });
        let mut registry = self.write();
        registry.by_id.insert(connection.id, connection.clone());
        let sockets = registry.by_user.entry(user_id.to_owned()).or_default();
        sockets.push(connection.clone());
        let first = sockets.len() == 1;
        self.count.send_replace(registry.by_id.len());
        (connection, first)
    }

    /// Removes a socket; true when it was the user's last (the user went offline).
    pub fn unregister(&self, connection: &Connection) -> bool {
        let mut registry = self.write();
        registry.by_id.remove(&connection.id);
        self.count.send_replace(registry.by_id.len());
        let Some(sockets) = registry.by_user.get_mut(&connection.user_id) else {
            return false;
        };
        sockets.retain(|c| c.id != connection.id);
        if sockets.is_empty() {
            registry.by_user.remove(&connection.user_id);
            return true;
        }
        false
    }

    /// Pushes one frame to every socket of these users, except `skip` (a socket id).
    pub fn deliver_to_users<'a>(
        &self,
        user_ids: impl IntoIterator<Item = &'a String>,
        frame: &Arc<OutFrame>,
        skip: Option<u64>,
    ) {
        let registry = self.read();
        for user_id in user_ids {
            for connection in registry.by_user.get(user_id).into_iter().flatten() {
                if Some(connection.id) != skip {
                    connection.outbox.push(frame.clone());
                }
            }
        }
    }

    /// Pushes one frame to every socket on this node.
    pub fn deliver_to_all(&self, frame: &Arc<OutFrame>) {
        let registry = self.read();
        for connection in registry.by_id.values() {
            connection.outbox.push(frame.clone());
        }
    }

    /// Tells everyone a user came online or went offline.
    pub fn announce_presence(&self, user_id: &str, status: PresenceStatus) {
        self.deliver_to_all(&OutFrame::encode(&ServerFrame::Presence {
            user_id: user_id.to_owned(),
            status,
        }));
    }

    /// Whether the user has an open socket on this node.
    pub fn is_online(&self, user_id: &str) -> bool {
        self.read().by_user.contains_key(user_id)
    }

    /// Users with at least one open socket.
    pub fn online_user_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.read().by_user.keys().cloned().collect();
        ids.sort();
        ids
    }

    /// Closes the sockets of one session.
    pub fn close_session(&self, session_id: &str, code: u16, reason: &'static str) {
        let registry = self.read();
        for connection in registry.by_id.values() {
            if connection.session_id == session_id {
                connection.outbox.close(code, reason);
            }
        }
    }

    /// Closes every socket of one user.
    pub fn close_user(&self, user_id: &str, code: u16, reason: &'static str) {
        let registry = self.read();
        for connection in registry.by_user.get(user_id).into_iter().flatten() {
            connection.outbox.close(code, reason);
        }
    }

    /// Closes every socket (server shutdown).
    pub fn close_all(&self, code: u16, reason: &'static str) {
        let registry = self.read();
        for connection in registry.by_id.values() {
            connection.outbox.close(code, reason);
        }
    }

    /// Resolves when no socket is registered (after [`Hub::close_all`], at shutdown).
    pub async fn wait_until_empty(&self) {
        let mut count = self.count.subscribe();
        let _ = count.wait_for(|n| *n == 0).await;
    }

    /// Number of open sockets.
    pub fn connection_count(&self) -> usize {
        self.read().by_id.len()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Registry> {
        self.registry.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Registry> {
        self.registry.write().unwrap_or_else(|p| p.into_inner())
    }
}
