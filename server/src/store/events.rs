//! Channel events: the batched, sequenced writes, history, the events feed and read markers.

use async_trait::async_trait;

use super::*;

/// Implemented once, by the portable queries in `sql/`, for every backend.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Applies a batch of channel writes in ONE transaction (group commit). Each operation gets
    /// its own outcome; an `Err` of the whole call means nothing was committed.
    async fn apply_batch(&self, ops: &[WriteOp]) -> StoreResult<Vec<WriteOutcome>>;
    /// Messages of a channel in ascending `seq`; see [`HistoryQuery`].
    async fn messages(&self, channel_id: &str, query: HistoryQuery) -> StoreResult<MessageSlice>;
    /// One message of a channel by id.
    async fn message(&self, channel_id: &str, message_id: &str) -> StoreResult<Option<Message>>;
    /// Events with `seq > after`, ascending, at most `limit`. A `message_updated` event carries
    /// the message as it is now.
    async fn events_after(
        &self,
        channel_id: &str,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<ChannelEvent>>;
    /// The versions a message had before its edits and its deletion, oldest first: kept for a
    /// compliance export, never shown to members.
    async fn message_versions(&self, message_id: &str) -> StoreResult<Vec<MessageVersion>>;
    /// Sets a read marker to just before `seq` (clamped to `0..=last_seq`), backwards too: "mark
    /// unread from here". Returns the marker, or `None` when the user is not a member.
    async fn mark_unread_from(
        &self,
        channel_id: &str,
        user_id: &str,
        seq: i64,
    ) -> StoreResult<Option<i64>>;
    /// Moves a read marker forward (never back, never past `last_seq`); returns its value.
    async fn mark_read(&self, channel_id: &str, user_id: &str, seq: i64) -> StoreResult<i64>;
}
