//! The bytes of uploaded files, behind [`FileStore`] so that another place to keep them (an
//! S3-compatible bucket) can come later. Who may read a file is not decided here but in
//! `services/files.rs`, from the rows of `store::UploadStore`.

mod disk;
pub mod kind;
pub mod thumbnail;

use std::io;
use std::ops::Range;
use std::path::PathBuf;
use std::pin::Pin;

use async_trait::async_trait;
use tokio::io::AsyncRead;

pub use disk::DiskFiles;

/// Bytes read from a stored file.
pub type BlobReader = Pin<Box<dyn AsyncRead + Send>>;

/// Where uploaded bytes are kept.
#[async_trait]
pub trait FileStore: Send + Sync {
    /// A new temporary file on local disk to stream an upload into. It is removed when dropped
    /// unless [`FileStore::keep`] took it.
    async fn begin(&self) -> io::Result<Incoming>;
    /// Keeps a finished upload as `id`.
    async fn keep(&self, incoming: Incoming, id: &str) -> io::Result<()>;
    /// Keeps small bytes made by the server (a preview) as `id`.
    async fn put(&self, id: &str, bytes: &[u8]) -> io::Result<()>;
    /// `range` of the bytes of `id` (whose size the caller knows from its row; a range past
    /// the end stops at the end).
    async fn read(&self, id: &str, range: Range<u64>) -> io::Result<BlobReader>;
    /// Removes `id`; removing a file that is not there is no error.
    async fn remove(&self, id: &str) -> io::Result<()>;
}

/// An upload being received: a temporary file, removed on drop unless kept.
pub struct Incoming {
    pub file: tokio::fs::File,
    path: PathBuf,
    kept: bool,
}

impl Incoming {
    fn new(file: tokio::fs::File, path: PathBuf) -> Self {
        Incoming {
            file,
            path,
            kept: false,
        }
    }

    /// The temporary file's path, for a store that moves or reads it whole.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Marks it as taken by the store: dropping it no longer removes it.
    fn taken(mut self) -> PathBuf {
        self.kept = true;
        self.path.clone()
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        if !self.kept {
            // An upload cut short or refused: its bytes must not stay behind.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
