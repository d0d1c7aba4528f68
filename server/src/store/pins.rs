//! Pinned messages (per channel; pins themselves are channel events written by the batch) and
//! saved messages (per person, seen by nobody else).

use async_trait::async_trait;
use xerrada_protocol::{Pin, SavedMessage};

use super::*;

/// Implemented once, by the portable queries in `sql/`, for every backend.
#[async_trait]
pub trait PinStore: Send + Sync {
    /// The channel's pinned messages, most recently pinned first.
    async fn pinned(&self, channel_id: &str) -> StoreResult<Vec<Pin>>;
    /// Saves a message for `user_id`; false when it was saved already.
    async fn save_message(
        &self,
        user_id: &str,
        channel_id: &str,
        message_id: &str,
        at: &str,
    ) -> StoreResult<bool>;
    /// Forgets a saved message; false when it was not saved.
    async fn unsave_message(&self, user_id: &str, message_id: &str) -> StoreResult<bool>;
    /// What `user_id` saved, not deleted, in channels it is still a member of, most recent
    /// first, at most `limit`.
    async fn saved_messages(&self, user_id: &str, limit: u32) -> StoreResult<Vec<SavedMessage>>;
    /// The message with this id, in whichever channel it is.
    async fn message_by_id(&self, message_id: &str) -> StoreResult<Option<Message>>;
}
