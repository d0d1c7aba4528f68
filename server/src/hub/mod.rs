//! Realtime fan-out on one node.
//!
//! The hub knows every open, authenticated socket on this node and the user it belongs to.
//! Delivering a frame means pushing one shared, already-serialized buffer into each target
//! socket's bounded [`Outbox`]; the hub never awaits a socket. The registry sits behind a std
//! `RwLock` because it is held only for map lookups and pushes, never across an `.await`.
//!
//! With several nodes, frames meant for users (ephemerals, read markers, typing, presence)
//! also go to the [`ClusterLink`], which carries them to the other nodes; channel events do
//! not (each node delivers them itself, in `seq` order: see `cluster`). The hub also knows
//! which users are online on other nodes, so presence is cluster-wide.

pub mod outbox;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use xerrada_protocol::ServerFrame;
use xerrada_protocol::frames::PresenceStatus;

pub use outbox::{CloseReason, OutFrame, Outbox, OutboxReceiver};

use crate::memberships::Memberships;
use crate::peers::{ClusterLink, Outgoing};

/// Counters a test or an operator can read.
#[derive(Debug, Default)]
pub struct HubStats {
    /// The most bytes any socket ever had queued (never above the configured bound).
    pub max_queued_bytes: AtomicUsize,
    /// Sockets closed with 4008 for being too slow.
    pub slow_closes: AtomicU64,
    /// Frames handed to sockets by [`Hub::deliver_local`] (one per socket reached).
    pub deliveries: AtomicU64,
}

/// What the hub holds now, for `/metrics`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Census {
    /// Open sockets on this node.
    pub sockets: usize,
    /// People with a socket on this node or, as far as it knows, on another one.
    pub people_online: usize,
    /// Bytes waiting in this node's outboxes.
    pub outbox_bytes: usize,
}

/// Another node as this one knows it.
struct RemoteNode {
    last_heard: Instant,
    users: HashSet<String>,
}

impl RemoteNode {
    fn new() -> Self {
        RemoteNode {
            last_heard: Instant::now(),
            users: HashSet::new(),
        }
    }
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
    link: Arc<ClusterLink>,
    /// Who shares a channel with whom: presence goes only to them.
    memberships: Arc<Memberships>,
    /// Other nodes: when each was last heard from and who is online there.
    remote_online: RwLock<HashMap<String, RemoteNode>>,
}

impl Hub {
    pub fn new(queue_limit_bytes: usize, memberships: Arc<Memberships>) -> Self {
        Hub {
            registry: RwLock::new(Registry::default()),
            count: tokio::sync::watch::channel(0).0,
            next_id: AtomicU64::new(1),
            queue_limit_bytes,
            stats: Arc::new(HubStats::default()),
            link: Arc::new(ClusterLink::default()),
            memberships,
            remote_online: RwLock::new(HashMap::new()),
        }
    }

    /// The way to the other nodes (inert on a single node).
    pub fn link(&self) -> &Arc<ClusterLink> {
        &self.link
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

    /// Pushes one frame to every socket of these users, on every node, except `skip` (a socket
    /// id of this node).
    pub fn deliver_to_users<'a>(
        &self,
        user_ids: impl IntoIterator<Item = &'a String> + Clone,
        frame: &Arc<OutFrame>,
        skip: Option<u64>,
    ) {
        if self.link.is_clustered() {
            self.link.send(Outgoing::UserFrame {
                user_ids: user_ids.clone().into_iter().cloned().collect(),
                frame: frame.clone(),
            });
        }
        self.deliver_local(user_ids, frame, skip);
    }

    /// Pushes one frame to the sockets of these users on this node only: channel events, which
    /// every node delivers itself, and frames relayed from other nodes.
    pub fn deliver_local<'a>(
        &self,
        user_ids: impl IntoIterator<Item = &'a String>,
        frame: &Arc<OutFrame>,
        skip: Option<u64>,
    ) {
        let registry = self.read();
        let mut delivered = 0u64;
        for user_id in user_ids {
            for connection in registry.by_user.get(user_id).into_iter().flatten() {
                if Some(connection.id) != skip {
                    connection.outbox.push(frame.clone());
                    delivered += 1;
                }
            }
        }
        self.stats
            .deliveries
            .fetch_add(delivered, Ordering::Relaxed);
    }

    /// Counts sockets, people online and queued bytes (one pass over the registry).
    pub fn census(&self) -> Census {
        let registry = self.read();
        let mut people: HashSet<&str> = registry.by_user.keys().map(String::as_str).collect();
        let remote = self.remote_online.read().unwrap_or_else(|p| p.into_inner());
        for node in remote.values() {
            people.extend(node.users.iter().map(String::as_str));
        }
        Census {
            sockets: registry.by_id.len(),
            people_online: people.len(),
            outbox_bytes: registry
                .by_id
                .values()
                .map(|c| c.outbox.queued_bytes())
                .sum(),
        }
    }

    /// Every account with a socket open on any node (people and bots).
    pub fn online_user_ids(&self) -> Vec<String> {
        let registry = self.read();
        let mut online: HashSet<String> = registry.by_user.keys().cloned().collect();
        let remote = self.remote_online.read().unwrap_or_else(|p| p.into_inner());
        for node in remote.values() {
            online.extend(node.users.iter().cloned());
        }
        online.into_iter().collect()
    }

    /// Tells everyone a user came online or went offline on this node. Going offline here
    /// is not announced while the user is still online on another node.
    pub fn announce_presence(&self, user_id: &str, status: PresenceStatus) {
        let online = status != PresenceStatus::Offline;
        self.link.send(Outgoing::Presence {
            user_id: user_id.to_owned(),
            online,
        });
        if online || !self.is_online_elsewhere(user_id) {
            self.tell_presence(user_id, status);
        }
    }

    /// Tells the user's own sockets and those of everyone sharing a channel with the user.
    /// Not everyone: with every staff member online, a broadcast would cost O(sockets) per
    /// connect, O(sockets²) for a morning's logins.
    fn tell_presence(&self, user_id: &str, status: PresenceStatus) {
        let audience = self.memberships.contacts_of(user_id);
        self.deliver_local(
            &audience,
            &OutFrame::encode(&ServerFrame::Presence {
                user_id: user_id.to_owned(),
                status,
            }),
            None,
        );
    }

    /// Another node says a user came online or went offline there; this node's sockets hear
    /// of it when it changes the user's cluster-wide presence.
    pub fn set_remote_presence(&self, node: &str, user_id: &str, online: bool) {
        let was_online = self.is_online(user_id);
        {
            let mut remote = self.remote();
            let users = &mut remote
                .entry(node.to_owned())
                .or_insert_with(RemoteNode::new)
                .users;
            if online {
                users.insert(user_id.to_owned());
            } else {
                users.remove(user_id);
            }
        }
        if was_online != self.is_online(user_id) {
            let status = if online {
                PresenceStatus::Online
            } else {
                PresenceStatus::Offline
            };
            self.tell_presence(user_id, status);
        }
    }

    /// A node went away (or was not heard from): its users are offline unless online
    /// elsewhere.
    pub fn forget_node(&self, node: &str) {
        let users = self
            .remote()
            .remove(node)
            .map(|n| n.users)
            .unwrap_or_default();
        for user_id in users {
            if !self.is_online(&user_id) {
                self.tell_presence(&user_id, PresenceStatus::Offline);
            }
        }
    }

    /// Whether the user has an open socket on this node.
    pub fn has_local_sockets(&self, user_id: &str) -> bool {
        self.read().by_user.contains_key(user_id)
    }

    /// Whether the user has an open socket on any node.
    pub fn is_online(&self, user_id: &str) -> bool {
        self.read().by_user.contains_key(user_id) || self.is_online_elsewhere(user_id)
    }

    fn is_online_elsewhere(&self, user_id: &str) -> bool {
        self.remote_online
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .any(|node| node.users.contains(user_id))
    }

    /// The user's contacts (see [`Memberships::contacts_of`]) with an open socket on any node:
    /// the presence a new socket starts from.
    pub fn online_contacts(&self, user_id: &str) -> Vec<String> {
        let mut ids: Vec<String> = self
            .memberships
            .contacts_of(user_id)
            .into_iter()
            .filter(|id| self.is_online(id))
            .collect();
        ids.sort();
        ids
    }

    /// Another node was heard from.
    pub fn note_remote_node(&self, node: &str) {
        self.remote()
            .entry(node.to_owned())
            .or_insert_with(RemoteNode::new)
            .last_heard = Instant::now();
    }

    /// Nodes not heard from within `timeout`.
    pub fn silent_remote_nodes(&self, timeout: Duration) -> Vec<String> {
        self.remote_online
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|(_, node)| node.last_heard.elapsed() > timeout)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// A node's online users as it reported them (in chunks; `replace` on the first).
    pub fn merge_remote_snapshot(&self, node: &str, user_ids: Vec<String>, replace: bool) {
        let before: HashSet<String> = {
            let remote = self.remote_online.read().unwrap_or_else(|p| p.into_inner());
            remote
                .get(node)
                .map(|n| n.users.clone())
                .unwrap_or_default()
        };
        let touched: HashSet<String> = if replace {
            before
                .union(&user_ids.iter().cloned().collect())
                .cloned()
                .collect()
        } else {
            user_ids.iter().cloned().collect()
        };
        let was_online: Vec<(String, bool)> = touched
            .into_iter()
            .map(|u| {
                let online = self.is_online(&u);
                (u, online)
            })
            .collect();
        {
            let mut remote = self.remote();
            let entry = remote
                .entry(node.to_owned())
                .or_insert_with(RemoteNode::new);
            if replace {
                entry.users.clear();
            }
            entry.users.extend(user_ids);
        }
        for (user_id, was) in was_online {
            let now = self.is_online(&user_id);
            if now != was {
                let status = if now {
                    PresenceStatus::Online
                } else {
                    PresenceStatus::Offline
                };
                self.tell_presence(&user_id, status);
            }
        }
    }

    /// Users with at least one open socket on this node (what this node tells the others).
    pub fn local_online_user_ids(&self) -> Vec<String> {
        self.read().by_user.keys().cloned().collect()
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

    fn remote(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, RemoteNode>> {
        self.remote_online
            .write()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Registry> {
        self.registry.write().unwrap_or_else(|p| p.into_inner())
    }
}
