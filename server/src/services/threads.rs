//! Threads: reading one, following it, its read marker, and the caller's followed threads
//! with their unread replies (counted from seqs, so they cannot drift).

use xerrada_protocol::{ServerFrame, ThreadList, ThreadPage, limits};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::hub::OutFrame;
use crate::services::channels::require_member;
use crate::services::messages::page_limit;

/// A page of followed threads: at most this many.
const MAX_THREADS_PAGE: u32 = 100;
const DEFAULT_THREADS_PAGE: u32 = 50;

fn no_thread(root_seq: i64) -> AppError {
    AppError::NotFound(format!("no thread at seq {root_seq}"))
}

/// `GET /channels/{id}/threads/{root_seq}?after=&limit=`: the root, then its replies after
/// `after`, ascending.
pub async fn thread(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    root_seq: i64,
    after: Option<i64>,
    limit: Option<u32>,
) -> AppResult<ThreadPage> {
    require_member(ctx, &caller.user.id, channel_id).await?;
    let limit = page_limit(
        limit,
        limits::DEFAULT_MESSAGES_PAGE,
        limits::MAX_MESSAGES_PAGE,
    )?;
    let after = after.unwrap_or(0).max(0);
    let (root, replies) = ctx
        .store
        .thread(channel_id, root_seq, after, limit)
        .await?
        .ok_or_else(|| no_thread(root_seq))?;
    Ok(ThreadPage {
        root,
        replies: replies.messages,
        has_more: replies.has_more,
    })
}

/// The root must exist for a thread to be followed or read.
async fn require_root(ctx: &Context, channel_id: &str, root_seq: i64) -> AppResult<()> {
    ctx.store
        .thread(channel_id, root_seq, i64::MAX, 1)
        .await?
        .map(|_| ())
        .ok_or_else(|| no_thread(root_seq))
}

/// `PUT` (follow) and `DELETE .../threads/{root_seq}/follow`.
pub async fn set_following(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    root_seq: i64,
    following: bool,
) -> AppResult<()> {
    require_member(ctx, &caller.user.id, channel_id).await?;
    require_root(ctx, channel_id, root_seq).await?;
    ctx.store
        .set_following(&caller.user.id, channel_id, root_seq, following)
        .await?;
    Ok(())
}

/// `PUT .../threads/{root_seq}/read`: moves the caller's marker in the thread and tells the
/// caller's other sockets, so every tab and phone agrees. Returns the marker now in force.
/// `skip` is the socket that sent it, if any (a socket's `read` frame with `thread_root`).
pub async fn mark_read(
    ctx: &Context,
    user_id: &str,
    channel_id: &str,
    root_seq: i64,
    seq: i64,
    skip: Option<u64>,
) -> AppResult<i64> {
    require_member(ctx, user_id, channel_id).await?;
    if seq < 0 {
        return Err(AppError::Invalid("seq must not be negative".into()));
    }
    require_root(ctx, channel_id, root_seq).await?;
    let marker = ctx
        .store
        .mark_thread_read(user_id, channel_id, root_seq, seq)
        .await?;
    tell_sockets(ctx, user_id, channel_id, root_seq, marker, skip);
    Ok(marker)
}

/// The caller's sockets (but `skip`) learn the thread's marker now in force.
fn tell_sockets(
    ctx: &Context,
    user_id: &str,
    channel_id: &str,
    root_seq: i64,
    marker: i64,
    skip: Option<u64>,
) {
    let frame = OutFrame::encode(&ServerFrame::Read {
        channel_id: channel_id.to_owned(),
        seq: marker,
        thread_root: Some(root_seq),
    });
    ctx.hub
        .deliver_to_users([&user_id.to_owned()], &frame, skip);
}

/// `POST .../threads/{root_seq}/unread`: "mark unread from this reply". The caller's marker
/// in the thread goes back to just before `seq` and the thread is followed, so the Fils view
/// lists it with its unread replies; every socket of the caller, the asking one included,
/// gets the `read` frame (as the channel's own "mark unread" does).
pub async fn mark_unread(
    ctx: &Context,
    user_id: &str,
    channel_id: &str,
    root_seq: i64,
    seq: i64,
) -> AppResult<i64> {
    require_member(ctx, user_id, channel_id).await?;
    if seq < 1 {
        return Err(AppError::Invalid("seq must be 1 or more".into()));
    }
    require_root(ctx, channel_id, root_seq).await?;
    let marker = ctx
        .store
        .mark_thread_unread_from(user_id, channel_id, root_seq, seq)
        .await?;
    tell_sockets(ctx, user_id, channel_id, root_seq, marker, None);
    Ok(marker)
}

/// `GET /threads?before=&limit=`: the caller's followed threads, most recent reply first.
/// `before` is the `last_reply_at` of the last thread of the previous page.
pub async fn followed(
    ctx: &Context,
    caller: &Caller,
    before: Option<&str>,
    limit: Option<u32>,
) -> AppResult<ThreadList> {
    let limit = page_limit(limit, DEFAULT_THREADS_PAGE, MAX_THREADS_PAGE)?;
    let mut threads = ctx
        .store
        .followed_threads(&caller.user.id, before, limit + 1)
        .await?;
    let has_more = threads.len() > limit as usize;
    threads.truncate(limit as usize);
    Ok(ThreadList { threads, has_more })
}
