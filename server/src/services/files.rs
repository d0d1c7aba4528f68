//! Uploads: receiving a file (streamed to disk, never whole in memory), who may read it, which
//! files a post may carry, and removing the files nothing references any more.
//!
//! A file belongs to its uploader until it is posted; then the members of the channel it is
//! posted in may read it, checked on every request against current membership. Deleting the
//! message detaches it: nobody may read it, and the sweeper removes it after the grace period,
//! as it removes uploads never posted.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use xerrada_protocol::{FileInfo, MAX_FILES_PER_MESSAGE};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::files::kind;
use crate::files::thumbnail::{self, Thumbnail};
use crate::ids;
use crate::services::channels::require_member;
use crate::store::FileRecord;

/// `POST /files`: stores the bytes of `body` as a new upload of the caller's. `name` is the
/// name the client gave; the type comes from the bytes.
pub async fn upload(
    ctx: &Context,
    caller: &Caller,
    name: Option<&str>,
    mut body: impl Stream<Item = AppResult<Bytes>> + Unpin,
) -> AppResult<FileInfo> {
    ctx.rate_limits
        .check(&caller.user.id, crate::rate_limits::Action::Upload)?;
    let name = name
        .and_then(kind::clean_name)
        .unwrap_or_else(|| "file".into());
    let max_bytes = ctx.config.files.max_bytes;
    let mut incoming = ctx.files.begin().await.map_err(AppError::internal)?;
    let mut hasher = Sha256::new();
    let mut head = Vec::with_capacity(kind::SNIFF_BYTES);
    let mut size: u64 = 0;
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        size += chunk.len() as u64;
        if size > max_bytes {
            // `incoming` is dropped here, and its bytes with it.
            return Err(AppError::TooLarge(format!(
                "the file is larger than the limit of {max_bytes} bytes"
            )));
        }
        if head.len() < kind::SNIFF_BYTES {
            let take = (kind::SNIFF_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        hasher.update(&chunk);
        incoming
            .file
            .write_all(&chunk)
            .await
            .map_err(AppError::internal)?;
    }
    if size == 0 {
        return Err(AppError::Invalid("the file is empty".into()));
    }
    incoming.file.flush().await.map_err(AppError::internal)?;
    let content_type = kind::content_type(&head);
    let preview = if kind::shown_inline(&content_type) {
        preview_of(incoming.path()).await
    } else {
        None
    };
    let info = FileInfo {
        id: ids::new_id(),
        name,
        size,
        content_type,
        sha256: ids::hex(&hasher.finalize()),
        width: preview.as_ref().map(|p| p.width),
        height: preview.as_ref().map(|p| p.height),
    };
    ctx.files
        .keep(incoming, &info.id)
        .await
        .map_err(AppError::internal)?;
    if let Some(preview) = preview {
        ctx.files
            .put(&thumbnail_id(&info.id), &preview.bytes)
            .await
            .map_err(AppError::internal)?;
    }
    let record = FileRecord {
        info: info.clone(),
        uploader_id: caller.user.id.clone(),
        created_at: ids::now(),
        channel_id: None,
        message_id: None,
        posted: false,
    };
    if let Err(e) = ctx.store.insert_file(&record).await {
        let _ = ctx.files.remove(&info.id).await;
        return Err(e.into());
    }
    Ok(info)
}

/// How many previews are made at once: decoding is CPU- and memory-heavy (a 50 MP photo is
/// 200 MB of pixels), and a burst of uploads must not make as many at once.
static PREVIEWS: Semaphore = Semaphore::const_new(2);

/// The preview of the image at `path`, made off the async threads.
async fn preview_of(path: &std::path::Path) -> Option<Thumbnail> {
    let _turn = PREVIEWS.acquire().await.ok()?;
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || thumbnail::make(&path))
        .await
        .ok()
        .flatten()
}

/// Where a file's preview is kept in the file store.
pub fn thumbnail_id(file_id: &str) -> String {
    format!("thumb-{file_id}")
}

/// The upload `file_id` if the caller may read it now: its uploader before it is posted, a
/// member of its channel after. Anything else is `not_found`, so ids reveal nothing.
pub async fn readable(ctx: &Context, caller: &Caller, file_id: &str) -> AppResult<FileRecord> {
    let not_found = || AppError::not_found("file");
    let file = ctx.store.file(file_id).await?.ok_or_else(not_found)?;
    let where_posted = match (&file.channel_id, file.posted) {
        (Some(channel_id), true) => require_member(ctx, &caller.user.id, channel_id)
            .await
            .is_ok(),
        (None, false) => file.uploader_id == caller.user.id,
        _ => false,
    };
    if where_posted {
        return Ok(file);
    }
    for readers in &ctx.file_readers {
        if readers.may_read(ctx, &caller.user, file_id).await? {
            return Ok(file);
        }
    }
    Err(not_found())
}

/// Refuses more than [`MAX_FILES_PER_MESSAGE`] files, or one named twice, for `what` (the
/// thing that would carry them, in the refusal).
fn check_file_ids(file_ids: &[String], what: &str) -> AppResult<()> {
    if file_ids.len() > MAX_FILES_PER_MESSAGE {
        return Err(AppError::Invalid(format!(
            "{what} carries at most {MAX_FILES_PER_MESSAGE} files"
        )));
    }
    let mut distinct = file_ids.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() != file_ids.len() {
        return Err(AppError::Invalid("file_ids names a file twice".into()));
    }
    Ok(())
}

/// The files `user_id` may attach to a ticket: their own uploads or files they posted, each
/// named once, at most [`MAX_FILES_PER_MESSAGE`], none on a ticket already; in the order
/// given.
pub async fn ticket_attachable(
    ctx: &Context,
    user_id: &str,
    file_ids: &[String],
) -> AppResult<Vec<FileInfo>> {
    if file_ids.is_empty() {
        return Ok(Vec::new());
    }
    check_file_ids(file_ids, "a ticket change")?;
    let found = ctx.store.files(file_ids).await?;
    let mut files = Vec::with_capacity(file_ids.len());
    for id in file_ids {
        let own = found
            .iter()
            .find(|f| &f.info.id == id && f.uploader_id == user_id);
        let Some(file) = own else {
            return Err(AppError::Invalid(format!(
                "file {id} is not one of your uploads"
            )));
        };
        if ctx.store.ticket_of_file(id).await?.is_some() {
            return Err(AppError::Invalid(format!(
                "file {id} is attached to a ticket already"
            )));
        }
        files.push(file.info.clone());
    }
    Ok(files)
}

/// `GET /files/{id}/thumbnail`: the preview of an image the caller may read (the file has a
/// preview exactly when it has `width` and `height`).
pub async fn preview(
    ctx: &Context,
    caller: &Caller,
    file_id: &str,
) -> AppResult<(FileRecord, Vec<u8>)> {
    let file = readable(ctx, caller, file_id).await?;
    if file.info.width.is_none() {
        return Err(AppError::NotFound("the file has no preview".into()));
    }
    let mut reader = ctx
        .files
        .read(&thumbnail_id(file_id), 0..u64::MAX)
        .await
        .map_err(AppError::internal)?;
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .await
        .map_err(AppError::internal)?;
    Ok((file, bytes))
}

/// The files a post by `author_id` may carry: its own uploads, each named once, not posted
/// yet, at most [`MAX_FILES_PER_MESSAGE`]; in the order given. The batch checks again when it
/// claims them, so two posts racing for one file cannot both have it. A file already posted
/// with this very `client_msg_id` passes: the post is a retry, and the batch answers it with
/// the original message.
pub async fn attachable(
    ctx: &Context,
    author_id: &str,
    client_msg_id: Option<&str>,
    file_ids: &[String],
) -> AppResult<Vec<FileInfo>> {
    if file_ids.is_empty() {
        return Ok(Vec::new());
    }
    check_file_ids(file_ids, "a message")?;
    let found = ctx.store.files(file_ids).await?;
    let mut files = Vec::with_capacity(file_ids.len());
    for id in file_ids {
        match found.iter().find(|f| &f.info.id == id) {
            Some(f) if f.uploader_id == author_id && !f.posted => files.push(f.info.clone()),
            Some(f)
                if f.uploader_id == author_id && posted_by_retry(ctx, f, client_msg_id).await? =>
            {
                files.push(f.info.clone());
            }
            Some(f) if f.uploader_id == author_id => {
                return Err(AppError::Invalid(format!(
                    "file {id} was already posted: upload it again to post it again"
                )));
            }
            _ => {
                return Err(AppError::Invalid(format!(
                    "file_ids may only name your own uploads: {id} is not one"
                )));
            }
        }
    }
    Ok(files)
}

/// Whether `file` was posted by the message this `client_msg_id` names (so a post naming both
/// is a retry of it).
async fn posted_by_retry(
    ctx: &Context,
    file: &FileRecord,
    client_msg_id: Option<&str>,
) -> AppResult<bool> {
    let (Some(key), Some(message_id)) = (client_msg_id, &file.message_id) else {
        return Ok(false);
    };
    let message = ctx.store.message_by_id(message_id).await?;
    Ok(message.is_some_and(|m| m.client_msg_id.as_deref() == Some(key)))
}

/// How many files one sweep removes at most; the next sweep takes the rest.
const SWEEP_BATCH: u32 = 500;

/// Removes, every few minutes, the files no message has referenced for the grace period.
pub fn start_sweeper(ctx: &Arc<Context>) -> JoinHandle<()> {
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let every = Duration::from_secs(ctx.config.files.unreferenced_grace_secs.clamp(1, 600));
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            if let Err(e) = sweep(&ctx).await {
                tracing::warn!(error = %e, "could not remove unreferenced files");
            }
        }
    })
}

/// One sweep: the rows go first, then the bytes; how many files went.
pub async fn sweep(ctx: &Context) -> AppResult<usize> {
    let grace = ctx.config.files.unreferenced_grace_secs;
    let cutoff = ids::time_ago(Duration::from_secs(grace));
    let mut removed = 0;
    loop {
        let ids = ctx.store.take_unreferenced(&cutoff, SWEEP_BATCH).await?;
        for id in &ids {
            for blob in [id.clone(), thumbnail_id(id)] {
                if let Err(e) = ctx.files.remove(&blob).await {
                    tracing::warn!(file = %blob, error = %e, "could not remove a file's bytes");
                }
            }
        }
        removed += ids.len();
        if ids.len() < SWEEP_BATCH as usize {
            return Ok(removed);
        }
    }
}
