//! In-memory copy of who belongs to which channel, for access checks and fan-out on the hot
//! path without a query per message.
//!
//! The store stays authoritative: the cache is filled from it at start and changed only after
//! the store committed the change (by the writer, or by channel creation). Member sets are
//! copy-on-write behind `Arc`, so fan-out iterates a snapshot without holding the lock.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use xerrada_protocol::ChannelKind;

use crate::store::{ChannelMembers, Store, StoreResult};

/// A channel's kind and members.
#[derive(Debug, Clone)]
pub struct ChannelInfo {
    pub kind: ChannelKind,
    pub department_id: Option<String>,
    /// A department's own channel: its membership is the department's.
    pub follows_department: bool,
    pub members: HashSet<String>,
}

impl From<ChannelMembers> for ChannelInfo {
    fn from(channel: ChannelMembers) -> Self {
        ChannelInfo {
            kind: channel.kind,
            department_id: channel.department_id,
            follows_department: channel.follows_department,
            members: channel.member_ids.into_iter().collect(),
        }
    }
}

/// What a user may do with a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A member: read, send, everything.
    Member,
    /// A public channel the user has not joined: visible, joinable, not readable.
    CanJoin,
    /// Does not exist, or the user may not know it exists.
    Hidden,
}

/// The membership cache.
#[derive(Default)]
pub struct Memberships {
    channels: RwLock<HashMap<String, Arc<ChannelInfo>>>,
}

impl Memberships {
    /// Loads every channel's members from the store.
    pub async fn load(store: &dyn Store) -> StoreResult<Self> {
        let memberships = Memberships::default();
        for channel in store.all_channel_members().await? {
            memberships.insert(channel);
        }
        Ok(memberships)
    }

    /// Replaces the whole cache with a fresh read of the store.
    pub fn replace_all(&self, channels: Vec<ChannelMembers>) {
        let fresh: HashMap<String, Arc<ChannelInfo>> = channels
            .into_iter()
            .map(|c| (c.channel_id.clone(), Arc::new(ChannelInfo::from(c))))
            .collect();
        *self.write() = fresh;
    }

    pub fn insert(&self, channel: ChannelMembers) {
        let channel_id = channel.channel_id.clone();
        self.write()
            .insert(channel_id, Arc::new(ChannelInfo::from(channel)));
    }

    pub fn get(&self, channel_id: &str) -> Option<Arc<ChannelInfo>> {
        self.read().get(channel_id).cloned()
    }

    pub fn access(&self, channel_id: &str, user_id: &str) -> Access {
        match self.get(channel_id) {
            Some(info) if info.members.contains(user_id) => Access::Member,
            Some(info) if info.kind == ChannelKind::Public => Access::CanJoin,
            _ => Access::Hidden,
        }
    }

    pub fn add_member(&self, channel_id: &str, user_id: &str) {
        self.update(channel_id, |info| {
            info.members.insert(user_id.to_owned());
        });
    }

    pub fn remove_member(&self, channel_id: &str, user_id: &str) {
        self.update(channel_id, |info| {
            info.members.remove(user_id);
        });
    }

    fn update(&self, channel_id: &str, change: impl FnOnce(&mut ChannelInfo)) {
        let mut channels = self.write();
        if let Some(info) = channels.get_mut(channel_id) {
            change(Arc::make_mut(info));
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<ChannelInfo>>> {
        self.channels.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Arc<ChannelInfo>>> {
        self.channels.write().unwrap_or_else(|p| p.into_inner())
    }
}
