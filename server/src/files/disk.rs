//! Files in a folder of the local disk (the data dir's `files`, or a mount shared by every node).

use std::io;
use std::ops::Range;
use std::path::PathBuf;

use async_trait::async_trait;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::{BlobReader, FileStore, Incoming};

/// `<root>/tmp/` holds uploads being received; `<root>/ab/<id>` a kept file whose id ends in
/// `ab`, so that no folder holds every file.
pub struct DiskFiles {
    root: PathBuf,
}

impl DiskFiles {
    /// Opens (creating) the folder, readable by the server's user only: it holds every file.
    pub fn open(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(root.join("tmp"))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(DiskFiles { root })
    }

    fn path_of(&self, id: &str) -> io::Result<PathBuf> {
        // Ids are made by the server (UUIDs), but a path is never built from anything else.
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "bad file id"));
        }
        let shard = &id[id.len().saturating_sub(2)..];
        Ok(self.root.join(shard).join(id))
    }
}

#[async_trait]
impl FileStore for DiskFiles {
    async fn begin(&self) -> io::Result<Incoming> {
        let path = self
            .root
            .join("tmp")
            .join(format!("{}.part", crate::ids::new_id()));
        let file = tokio::fs::File::create(&path).await?;
        Ok(Incoming::new(file, path))
    }

    async fn keep(&self, incoming: Incoming, id: &str) -> io::Result<()> {
        let target = self.path_of(id)?;
        incoming.file.sync_all().await?;
        if let Some(folder) = target.parent() {
            tokio::fs::create_dir_all(folder).await?;
        }
        let from = incoming.path().to_owned();
        tokio::fs::rename(&from, &target).await?;
        incoming.taken();
        Ok(())
    }

    async fn put(&self, id: &str, bytes: &[u8]) -> io::Result<()> {
        let mut incoming = self.begin().await?;
        incoming.file.write_all(bytes).await?;
        self.keep(incoming, id).await
    }

    async fn read(&self, id: &str, range: Range<u64>) -> io::Result<BlobReader> {
        let mut file = tokio::fs::File::open(self.path_of(id)?).await?;
        file.seek(io::SeekFrom::Start(range.start)).await?;
        Ok(Box::pin(file.take(range.end.saturating_sub(range.start))))
    }

    async fn remove(&self, id: &str) -> io::Result<()> {
        match tokio::fs::remove_file(self.path_of(id)?).await {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    async fn read_all(files: &DiskFiles, id: &str, range: Range<u64>) -> Vec<u8> {
        let mut out = Vec::new();
        files
            .read(id, range)
            .await
            .unwrap()
            .read_to_end(&mut out)
            .await
            .unwrap();
        out
    }

    #[tokio::test]
    async fn keeps_reads_ranges_and_removes() {
        let dir = tempfile::tempdir().unwrap();
        let files = DiskFiles::open(dir.path()).unwrap();
        let mut incoming = files.begin().await.unwrap();
        incoming.file.write_all(b"hola, mon").await.unwrap();
        let id = "01a2-ffee";
        files.keep(incoming, id).await.unwrap();
        assert_eq!(read_all(&files, id, 0..9).await, b"hola, mon");
        assert_eq!(read_all(&files, id, 6..9).await, b"mon");
        files.remove(id).await.unwrap();
        files.remove(id).await.unwrap();
        assert!(files.read(id, 0..1).await.is_err());
        assert!(files.read("../xerrada.db", 0..1).await.is_err());
    }

    #[tokio::test]
    async fn an_upload_not_kept_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let files = DiskFiles::open(dir.path()).unwrap();
        let incoming = files.begin().await.unwrap();
        let path = incoming.path().to_owned();
        assert!(Path::new(&path).exists());
        drop(incoming);
        assert!(!path.exists());
    }
}
