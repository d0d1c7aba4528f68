//! Uploaded files: who uploaded each, where it is posted, and which ones nothing references.
//! The bytes are not here but in a [`crate::files::FileStore`]; claiming files for a post and
//! detaching them from a deleted message happen in the batch's transaction (`sql/writes.rs`,
//! `sql/message_changes.rs`), so a file is posted once at most.

use async_trait::async_trait;

use super::*;

/// Implemented once, by the portable queries in `sql/`, for every backend.
#[async_trait]
pub trait UploadStore: Send + Sync {
    /// Records a new, unposted upload.
    async fn insert_file(&self, file: &FileRecord) -> StoreResult<()>;
    /// The upload with this id, if any.
    async fn file(&self, id: &str) -> StoreResult<Option<FileRecord>>;
    /// The uploads among `ids` that exist, in no particular order.
    async fn files(&self, ids: &[String]) -> StoreResult<Vec<FileRecord>>;
    /// Forgets at most `limit` files that no message has referenced since before `cutoff`
    /// (never posted, or detached from a deleted message), and returns their ids so that
    /// their bytes can go too. The rows go first: a post racing with this finds no file.
    async fn take_unreferenced(&self, cutoff: &str, limit: u32) -> StoreResult<Vec<String>>;
}
