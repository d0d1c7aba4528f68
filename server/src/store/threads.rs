//! Threads: a root's replies, who follows a thread and how far each has read it.

use async_trait::async_trait;
use xerrada_protocol::{FollowedThread, Message};

use super::*;

/// Implemented once, by the portable queries in `sql/`, for every backend. Replies themselves
/// are posted through [`EventStore::apply_batch`], which also makes their authors (and the
/// root's author) follow the thread.
#[async_trait]
pub trait ThreadStore: Send + Sync {
    /// The root at `root_seq` (a message that is not itself a reply) and its replies with
    /// `seq > after`, ascending, at most `limit`; `None` when there is no such root.
    async fn thread(
        &self,
        channel_id: &str,
        root_seq: i64,
        after: i64,
        limit: u32,
    ) -> StoreResult<Option<(Message, MessageSlice)>>;
    /// Follows or unfollows; an unfollow keeps the read marker.
    async fn set_following(
        &self,
        user_id: &str,
        channel_id: &str,
        root_seq: i64,
        following: bool,
    ) -> StoreResult<()>;
    /// Moves the caller's marker in a thread forward (never back, never past the channel's
    /// `last_seq`) without changing whether it follows; returns the marker.
    async fn mark_thread_read(
        &self,
        user_id: &str,
        channel_id: &str,
        root_seq: i64,
        seq: i64,
    ) -> StoreResult<i64>;
    /// "Mark unread from this reply": puts the caller's marker in the thread just before
    /// `seq` (back or forward, never past the channel's `last_seq`) and follows the thread, so
    /// it shows among the caller's threads with its unread replies; returns the marker.
    async fn mark_thread_unread_from(
        &self,
        user_id: &str,
        channel_id: &str,
        root_seq: i64,
        seq: i64,
    ) -> StoreResult<i64>;
    /// The threads `user_id` follows in channels it is a member of, most recent reply first,
    /// those whose last reply is before `before` when given, at most `limit`.
    async fn followed_threads(
        &self,
        user_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<FollowedThread>>;
}
