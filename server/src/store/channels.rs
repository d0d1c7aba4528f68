//! Departments, channels and their memberships.

use async_trait::async_trait;

use super::*;

/// Implemented once, by the portable queries in `sql/`, for every backend.
#[async_trait]
pub trait ChannelStore: Send + Sync {
    /// Creates a department and its department channel in one transaction.
    async fn create_department(&self, dept: Department, channel: NewChannel) -> StoreResult<()>;
    async fn list_departments(&self) -> StoreResult<Vec<Department>>;
    async fn department_by_id(&self, id: &str) -> StoreResult<Option<Department>>;
    async fn department_by_slug(&self, slug: &str) -> StoreResult<Option<Department>>;
    /// Creates a channel whose initial members are `member_ids` (no events: a new channel
    /// starts at `seq` 0).
    async fn create_channel(&self, channel: NewChannel, member_ids: &[String]) -> StoreResult<()>;
    /// The direct channel with this member key, created with these members if absent.
    /// Returns the channel id and whether it was created now.
    async fn find_or_create_dm(
        &self,
        channel: NewChannel,
        member_ids: &[String],
    ) -> StoreResult<(String, bool)>;
    async fn channel_by_id(&self, id: &str) -> StoreResult<Option<ChannelRecord>>;
    /// One channel as `user_id` sees it (membership, read marker, unread count).
    async fn channel_view(&self, id: &str, user_id: &str) -> StoreResult<Option<ChannelView>>;
    /// Every channel but direct ones, as `user_id` sees it, by name (the admin area).
    async fn all_channels(&self, user_id: &str) -> StoreResult<Vec<ChannelView>>;
    /// Renames a department (its slug and channel stay); `None` when there is none.
    async fn rename_department(&self, id: &str, name: &str) -> StoreResult<Option<Department>>;
    /// Channels `user_id` belongs to, plus public channels it may join.
    async fn channels_for_user(&self, user_id: &str) -> StoreResult<Vec<ChannelView>>;
    /// Every channel with its members, to fill the in-memory membership cache at start.
    async fn all_channel_members(&self) -> StoreResult<Vec<ChannelMembers>>;
    /// One channel with its members (to refresh the cache when another node changed it).
    async fn channel_members(&self, channel_id: &str) -> StoreResult<Option<ChannelMembers>>;
    /// A counter bumped by every committed membership change (channel creation included), so
    /// a process can tell that another one changed memberships.
    async fn membership_version(&self) -> StoreResult<i64>;
    /// The channels whose members changed after `membership_version` answered `version`,
    /// with their members (none, when the last one left).
    async fn channel_members_changed_since(&self, version: i64)
    -> StoreResult<Vec<ChannelMembers>>;
    /// Mutes or unmutes a channel for one member; false when it is not a member.
    async fn set_muted(&self, channel_id: &str, user_id: &str, muted: bool) -> StoreResult<bool>;
    /// Every channel's `last_seq`: where a node's ordered delivery of each channel starts.
    async fn channel_heads(&self) -> StoreResult<Vec<(String, i64)>>;
}
