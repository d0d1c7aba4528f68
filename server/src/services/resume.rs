//! What a socket is sent when it opens: `ready`, then, for each channel it resumes, the events
//! it missed. The socket only writes these frames; the rules are here.

use xerrada_protocol::ServerFrame;

use crate::auth::Caller;
use crate::context::Context;
use crate::error::AppResult;
use crate::events::{channel_resource, event_frame};
use crate::memberships::Access;

/// The `ready` frame: the caller, its channels and which of its contacts are online.
pub async fn ready(ctx: &Context, caller: &Caller) -> AppResult<ServerFrame> {
    let channels = ctx.store.channels_for_user(&caller.user.id).await?;
    Ok(ServerFrame::Ready {
        session_id: caller.session_id.clone(),
        user: caller.user.clone(),
        channels: channels.into_iter().map(channel_resource).collect(),
        online_user_ids: ctx.hub.online_contacts(&caller.user.id),
    })
}

/// The frames that bring one channel up to date, and the `seq` they cover.
#[derive(Debug)]
pub struct Replay {
    /// The missed events in `seq` order, ending with `resync` when there were more than
    /// `realtime.replay_limit` (the client pages the rest over REST).
    pub frames: Vec<ServerFrame>,
    /// Live events at or below this `seq` are already covered and must be dropped: the replayed
    /// ones, and after a `resync` everything up to the channel's end when it was read.
    pub floor: i64,
}

/// What `user_id`, last seen at `last_seen`, missed in `channel_id`; `None` for a channel the
/// user is no longer a member of (it is skipped, not refused).
pub async fn replay(
    ctx: &Context,
    user_id: &str,
    channel_id: &str,
    last_seen: i64,
) -> AppResult<Option<Replay>> {
    if ctx.access(channel_id, user_id).await != Access::Member {
        return Ok(None);
    }
    let limit = ctx.config.realtime.replay_limit;
    let after = last_seen.max(0);
    let mut events = ctx.store.events_after(channel_id, after, limit + 1).await?;
    let cut_short = events.len() > limit as usize;
    events.truncate(limit as usize);
    let mut floor = events.last().map_or(after, |event| event.seq);
    let mut frames: Vec<ServerFrame> = events.iter().map(event_frame).collect();
    if cut_short {
        frames.push(ServerFrame::Resync {
            channel_id: channel_id.to_owned(),
            from_seq: floor + 1,
        });
        // Live events queued up to the channel's end would arrive out of order after the
        // client's REST paging: they are dropped too.
        if let Some(record) = ctx.store.channel_by_id(channel_id).await? {
            floor = record.last_seq;
        }
    }
    Ok(Some(Replay { frames, floor }))
}
