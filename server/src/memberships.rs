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
    /// Archived: read-only.
    pub archived: bool,
}

impl From<ChannelMembers> for ChannelInfo {
    fn from(channel: ChannelMembers) -> Self {
        ChannelInfo {
            kind: channel.kind,
            department_id: channel.department_id,
            follows_department: channel.follows_department,
            members: channel.member_ids.into_iter().collect(),
            archived: channel.archived,
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
    inner: RwLock<Index>,
}

/// Channels with their members, and the reverse: each user's channels (for presence, which
/// goes to the people a user shares a channel with).
#[derive(Default)]
struct Index {
    channels: HashMap<String, Arc<ChannelInfo>>,
    by_user: HashMap<String, HashSet<String>>,
    /// Changes applied so far (a reload counts one): a reload whose read of the store began
    /// before the latest change must not replace the cache, or it would undo that change.
    changes: u64,
}

impl Index {
    fn link(&mut self, channel_id: &str, members: &HashSet<String>) {
        for member in members {
            self.by_user
                .entry(member.clone())
                .or_default()
                .insert(channel_id.to_owned());
        }
    }

    fn unlink(&mut self, channel_id: &str, members: &HashSet<String>) {
        for member in members {
            if let Some(channels) = self.by_user.get_mut(member) {
                channels.remove(channel_id);
                if channels.is_empty() {
                    self.by_user.remove(member);
                }
            }
        }
    }

    fn insert(&mut self, channel: ChannelMembers) {
        self.changes += 1;
        let channel_id = channel.channel_id.clone();
        let info = ChannelInfo::from(channel);
        if let Some(old) = self.channels.get(&channel_id).cloned() {
            self.unlink(&channel_id, &old.members);
        }
        self.link(&channel_id, &info.members);
        self.channels.insert(channel_id, Arc::new(info));
    }
}

impl Memberships {
    /// Loads every channel's members from the store.
    pub async fn load(store: &dyn Store) -> StoreResult<Self> {
        let memberships = Memberships::default();
        memberships.replace_all(store.all_channel_members().await?);
        Ok(memberships)
    }

    /// Replaces the whole cache with a fresh read of the store.
    pub fn replace_all(&self, channels: Vec<ChannelMembers>) {
        let mut index = self.write();
        let changes = index.changes;
        *index = Self::index_of(channels, changes);
    }

    /// How many changes the cache has applied; see [`Memberships::replace_all_if_unchanged`].
    pub fn changes(&self) -> u64 {
        self.read().changes
    }

    /// Replaces the whole cache with `channels`, read from the store after [`changes`] answered
    /// `seen`, unless a change was applied since. That change was committed after the read
    /// began, so the read may not hold it, and replacing would undo it: a member just added
    /// would be refused ("channel not found") and miss live messages until the next reload.
    /// Returns whether it replaced; if not, the caller reads again later.
    ///
    /// [`changes`]: Memberships::changes
    pub fn replace_all_if_unchanged(&self, channels: Vec<ChannelMembers>, seen: u64) -> bool {
        let mut index = self.write();
        if index.changes != seen {
            return false;
        }
        *index = Self::index_of(channels, seen);
        true
    }

    /// [`Memberships::insert`] for one channel read from the store, with the same rule as
    /// [`Memberships::replace_all_if_unchanged`].
    pub fn insert_if_unchanged(&self, channel: ChannelMembers, seen: u64) -> bool {
        self.insert_all_if_unchanged(vec![channel], seen)
    }

    /// [`Memberships::insert`] for several channels read from the store (those whose members
    /// changed), with the same rule as [`Memberships::replace_all_if_unchanged`]. The other
    /// channels keep what the cache holds.
    pub fn insert_all_if_unchanged(&self, channels: Vec<ChannelMembers>, seen: u64) -> bool {
        let mut index = self.write();
        if index.changes != seen {
            return false;
        }
        for channel in channels {
            index.insert(channel);
        }
        true
    }

    fn index_of(channels: Vec<ChannelMembers>, changes: u64) -> Index {
        let mut fresh = Index::default();
        for channel in channels {
            fresh.insert(channel);
        }
        fresh.changes = changes + 1;
        fresh
    }

    pub fn insert(&self, channel: ChannelMembers) {
        self.write().insert(channel);
    }

    pub fn get(&self, channel_id: &str) -> Option<Arc<ChannelInfo>> {
        self.read().channels.get(channel_id).cloned()
    }

    pub fn access(&self, channel_id: &str, user_id: &str) -> Access {
        match self.get(channel_id) {
            Some(info) if info.members.contains(user_id) => Access::Member,
            Some(info) if info.kind == ChannelKind::Public => Access::CanJoin,
            _ => Access::Hidden,
        }
    }

    /// The channels `user_id` may read: those it is a member of, and with `public` every
    /// public channel too. From memory: a search asks for this every time.
    pub fn readable_by(&self, user_id: &str, public: bool) -> Vec<String> {
        let index = self.read();
        let mut ids: Vec<String> = index
            .by_user
            .get(user_id)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        if public {
            ids.extend(
                index
                    .channels
                    .iter()
                    .filter(|(_, info)| {
                        info.kind == ChannelKind::Public && !info.members.contains(user_id)
                    })
                    .map(|(id, _)| id.clone()),
            );
        }
        ids.sort_unstable();
        ids
    }

    /// The user and everyone who shares a channel (direct ones included) with the user.
    pub fn contacts_of(&self, user_id: &str) -> HashSet<String> {
        let index = self.read();
        let mut contacts = HashSet::from([user_id.to_owned()]);
        for channel_id in index.by_user.get(user_id).into_iter().flatten() {
            if let Some(info) = index.channels.get(channel_id) {
                contacts.extend(info.members.iter().cloned());
            }
        }
        contacts
    }

    pub fn add_member(&self, channel_id: &str, user_id: &str) {
        let mut index = self.write();
        let Some(info) = index.channels.get_mut(channel_id) else {
            return;
        };
        Arc::make_mut(info).members.insert(user_id.to_owned());
        index.changes += 1;
        index
            .by_user
            .entry(user_id.to_owned())
            .or_default()
            .insert(channel_id.to_owned());
    }

    pub fn set_archived(&self, channel_id: &str, archived: bool) {
        let mut index = self.write();
        if let Some(info) = index.channels.get_mut(channel_id) {
            Arc::make_mut(info).archived = archived;
            index.changes += 1;
        }
    }

    pub fn remove_member(&self, channel_id: &str, user_id: &str) {
        let mut index = self.write();
        let Some(info) = index.channels.get_mut(channel_id) else {
            return;
        };
        Arc::make_mut(info).members.remove(user_id);
        index.changes += 1;
        index.unlink(channel_id, &HashSet::from([user_id.to_owned()]));
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Index> {
        self.inner.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Index> {
        self.inner.write().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(id: &str, members: &[&str]) -> ChannelMembers {
        ChannelMembers {
            channel_id: id.into(),
            kind: ChannelKind::Private,
            department_id: None,
            follows_department: false,
            member_ids: members.iter().map(|m| (*m).to_owned()).collect(),
            archived: false,
        }
    }

    fn sorted(set: HashSet<String>) -> Vec<String> {
        let mut v: Vec<String> = set.into_iter().collect();
        v.sort();
        v
    }

    /// The reload race: the store is read, this node adds a member, then the read (without
    /// that member) arrives. It must not replace the cache, or the member is locked out.
    #[test]
    fn a_reload_read_before_a_change_does_not_undo_it() {
        let cache = Memberships::default();
        cache.insert(channel("c1", &["anna"]));
        let seen = cache.changes();
        let read_before = vec![channel("c1", &["anna"])];
        cache.add_member("c1", "bernat");
        assert!(!cache.replace_all_if_unchanged(read_before, seen));
        assert_eq!(cache.access("c1", "bernat"), Access::Member);

        // Read after the change: it replaces, and changes made elsewhere come in.
        let seen = cache.changes();
        let read_after = vec![channel("c1", &["anna", "bernat", "carla"])];
        assert!(cache.replace_all_if_unchanged(read_after, seen));
        assert_eq!(cache.access("c1", "carla"), Access::Member);
        assert!(cache.changes() > seen, "a reload counts as a change");

        // Every kind of change makes an earlier read stale.
        for change in [
            &(|c: &Memberships| c.remove_member("c1", "carla")) as &dyn Fn(&Memberships),
            &|c| c.set_archived("c1", true),
            &|c| c.insert(channel("c2", &["dani"])),
        ] {
            let seen = cache.changes();
            change(&cache);
            assert!(!cache.replace_all_if_unchanged(Vec::new(), seen));
            assert!(cache.get("c1").is_some(), "the cache was kept");
        }
    }

    #[test]
    fn contacts_follow_joins_leaves_and_replacements() {
        let cache = Memberships::default();
        cache.insert(channel("c1", &["anna", "bernat"]));
        cache.insert(channel("c2", &["anna", "carla"]));
        assert_eq!(
            sorted(cache.contacts_of("anna")),
            ["anna", "bernat", "carla"]
        );
        assert_eq!(sorted(cache.contacts_of("bernat")), ["anna", "bernat"]);
        assert_eq!(sorted(cache.contacts_of("nobody")), ["nobody"]);
        cache.add_member("c1", "dani");
        assert_eq!(
            sorted(cache.contacts_of("dani")),
            ["anna", "bernat", "dani"]
        );
        cache.remove_member("c2", "anna");
        assert_eq!(sorted(cache.contacts_of("carla")), ["carla"]);
        // Re-inserting a channel replaces its members in the reverse index too.
        cache.insert(channel("c1", &["bernat"]));
        assert_eq!(sorted(cache.contacts_of("anna")), ["anna"]);
        cache.replace_all(vec![channel("c3", &["carla", "dani"])]);
        assert_eq!(sorted(cache.contacts_of("dani")), ["carla", "dani"]);
        assert_eq!(sorted(cache.contacts_of("bernat")), ["bernat"]);
    }
}
