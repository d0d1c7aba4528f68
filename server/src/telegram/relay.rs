//! Turning what happens in a Telegram bot's channels into its updates, exactly once.
//!
//! One node of an installation (the leader of [`LEADER_ROLE`]) follows every bot that has
//! spoken the Telegram API: it registers a connection for it with the hub, like a bot's own
//! socket, so the bot shows as online (its buttons can be clicked) and its channels' frames
//! reach it. A frame is only a wake-up: the events themselves are read from the store after the
//! channel's cursor, and each update is queued together with the cursor's move, in one
//! transaction. So a restart, or another node taking over, loses and repeats nothing. Clicks
//! are not channel events: each is queued as it comes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::task::JoinHandle;
use xerrada_protocol::{ChannelKind, Message, ServerFrame, User};

use super::objects::Mapper;
use super::reply::TgResult;
use crate::context::Context;
use crate::ids;
use crate::store::{ChannelEvent, EventKind, NewTelegramUpdate};

const LEADER_ROLE: &str = "xerrada.telegram";
/// How often the leader looks for bots that started speaking the Telegram API on other nodes.
const RELOAD_EVERY: Duration = Duration::from_secs(3);
/// Events read per step when catching up a channel.
const CATCH_UP_PAGE: u32 = 200;
/// How long unacknowledged updates are kept (Telegram keeps them 24 hours).
pub const RETENTION: time::Duration = time::Duration::hours(48);

/// Starts following the bots on whichever node leads.
pub fn start(ctx: Arc<Context>) -> JoinHandle<()> {
    crate::context::spawn_as_leader(ctx, LEADER_ROLE, "the Telegram relay", |ctx| async move {
        follow_all(&ctx).await
    })
}

/// A bot's first call: from now on, everything after the present end of each of its channels
/// is an update (cursors are set before the call is answered, so nothing sent after it can
/// slip past the relay).
pub async fn begin(ctx: &Context, bot: &User) -> crate::error::AppResult<()> {
    for view in ctx.store.channels_for_user(&bot.id).await? {
        if view.joined {
            ctx.store
                .advance_telegram_cursor(&bot.id, &view.channel.id, view.channel.last_seq)
                .await?;
        }
    }
    ctx.store.telegram_bot(&bot.id, &ids::now()).await?;
    ctx.bot_polls.new_bot.notify_waiters();
    Ok(())
}

/// Follows every Telegram bot, picking up new ones as they appear; forgets old updates.
async fn follow_all(ctx: &Arc<Context>) {
    let mut followed = Followers::default();
    loop {
        match ctx.store.telegram_bots().await {
            Ok(bots) => {
                for bot in bots {
                    let running = followed
                        .0
                        .get(&bot.bot_id)
                        .is_some_and(|t| !t.is_finished());
                    if !running {
                        let task = tokio::spawn(follow_bot(ctx.clone(), bot.bot_id.clone()));
                        followed.0.insert(bot.bot_id, task);
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot list the Telegram bots"),
        }
        let cutoff = ids::format_time(time::OffsetDateTime::now_utc() - RETENTION);
        if let Err(e) = ctx.store.prune_telegram_updates(&cutoff).await {
            tracing::warn!(error = %e, "cannot forget old Telegram updates");
        }
        tokio::select! {
            () = ctx.bot_polls.new_bot.notified() => {}
            () = tokio::time::sleep(RELOAD_EVERY) => {}
        }
    }
}

/// The task following each bot, aborted when the leader's loop ends (its role lost, or
/// shutdown).
#[derive(Default)]
struct Followers(HashMap<String, JoinHandle<()>>);

impl Drop for Followers {
    fn drop(&mut self) {
        for task in self.0.values() {
            task.abort();
        }
    }
}

/// Keeps one bot followed, reconnecting when its queue closes.
async fn follow_bot(ctx: Arc<Context>, bot_id: String) {
    loop {
        let bot = match ctx.store.user_by_id(&bot_id).await {
            Ok(Some(bot)) if bot.active => bot,
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read a Telegram bot");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
        };
        let relayed = tokio::select! {
            relayed = relay(&ctx, &bot) => relayed,
            () = super::push::push_forever(&ctx, &bot) => Ok(()),
        };
        if let Err(e) = relayed {
            tracing::warn!(bot = %bot.username, error = %e, "Telegram relay stopped; restarting");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

struct Registration {
    ctx: Arc<Context>,
    connection: Arc<crate::hub::Connection>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.ctx.hub.unregister(&self.connection);
    }
}

async fn relay(ctx: &Arc<Context>, bot: &User) -> TgResult<()> {
    tracing::info!(bot = %bot.username, "following a Telegram bot");
    let (outbox, mut receiver) = ctx.hub.new_outbox();
    let (connection, _) = ctx.hub.register(&bot.id, "telegram-relay", outbox);
    let _registration = Registration {
        ctx: ctx.clone(),
        connection: connection.clone(),
    };
    // Registered first: what happens during the catch-up waits in the queue.
    for view in ctx.store.channels_for_user(&bot.id).await? {
        if !view.joined {
            continue;
        }
        let channel = &view.channel;
        if ctx
            .store
            .telegram_cursor(&bot.id, &channel.id)
            .await?
            .is_none()
        {
            // Joined while no relay followed the bot: from its join, if it is recent.
            let start = join_point(ctx, bot, &channel.id, channel.last_seq).await?;
            ctx.store
                .advance_telegram_cursor(&bot.id, &channel.id, start)
                .await?;
        }
        catch_up(ctx, bot, &channel.id, None).await?;
    }
    let closed = connection.outbox.closed();
    tokio::pin!(closed);
    loop {
        let frame = tokio::select! {
            _ = &mut closed => return Ok(()),
            frame = receiver.recv() => frame,
        };
        let Some(frame) = frame else { return Ok(()) };
        let Ok(value) = serde_json::from_str::<Value>(frame.text.as_str()) else {
            continue;
        };
        if value["type"] == "action" {
            if let Ok(ServerFrame::Action {
                channel_id,
                message_id,
                value,
                user_id,
                ..
            }) = serde_json::from_value::<ServerFrame>(value)
            {
                let click = Click {
                    channel_id: &channel_id,
                    message_id: &message_id,
                    data: value.as_deref(),
                    user_id: &user_id,
                };
                if let Err(e) = callback_query(ctx, bot, click).await {
                    tracing::warn!(error = ?e, "could not queue a callback query");
                }
            }
            continue;
        }
        let (Some(channel_id), Some(seq)) = (value["channel_id"].as_str(), value["seq"].as_i64())
        else {
            continue;
        };
        catch_up(ctx, bot, channel_id, Some(seq)).await?;
    }
}

/// How far back a channel is searched for the bot's join.
const JOIN_LOOKBACK: i64 = 200;

/// Where a channel the bot has no cursor for starts: just before its join among the last
/// [`JOIN_LOOKBACK`] events, else at the present end.
async fn join_point(ctx: &Context, bot: &User, channel_id: &str, last_seq: i64) -> TgResult<i64> {
    let from = (last_seq - JOIN_LOOKBACK).max(0);
    let events = ctx
        .store
        .events_after(channel_id, from, JOIN_LOOKBACK as u32)
        .await?;
    let joined = events
        .iter()
        .rev()
        .find(|e| matches!(&e.kind, EventKind::MemberJoined { user_id } if *user_id == bot.id));
    Ok(joined.map_or(last_seq, |e| e.seq - 1))
}

/// Queues the updates of a channel's events after its cursor. A channel without a cursor (the
/// bot just joined it) starts at `seen`, the event that woke the relay.
async fn catch_up(ctx: &Context, bot: &User, channel_id: &str, seen: Option<i64>) -> TgResult<()> {
    let mut after = match ctx.store.telegram_cursor(&bot.id, channel_id).await? {
        Some(cursor) => cursor,
        None => match seen {
            Some(seq) => seq - 1,
            None => return Ok(()),
        },
    };
    loop {
        let events = ctx
            .store
            .events_after(channel_id, after, CATCH_UP_PAGE)
            .await?;
        let Some(last) = events.last() else {
            return Ok(());
        };
        after = last.seq;
        let full = events.len() as u32 == CATCH_UP_PAGE;
        for event in &events {
            capture(ctx, bot, event).await?;
        }
        if !full {
            return Ok(());
        }
    }
}

/// The update an event makes for the bot, if any, queued with the cursor's move.
async fn capture(ctx: &Context, bot: &User, event: &ChannelEvent) -> TgResult<()> {
    let mapper = Mapper { ctx, bot };
    let update = match &event.kind {
        EventKind::Message(message) if wanted(&mapper, message).await? => {
            Some(("message", mapper.message(message).await?))
        }
        EventKind::MessageUpdated(message)
            if !message.deleted && wanted(&mapper, message).await? =>
        {
            Some(("edited_message", mapper.message(message).await?))
        }
        EventKind::MemberJoined { user_id } if *user_id == bot.id => Some((
            "my_chat_member",
            membership(&mapper, &event.channel_id, "left", "member").await?,
        )),
        EventKind::MemberLeft { user_id } if *user_id == bot.id => Some((
            "my_chat_member",
            membership(&mapper, &event.channel_id, "member", "left").await?,
        )),
        _ => None,
    };
    match update {
        Some((kind, payload)) => {
            let payload = payload.to_string();
            let at = ids::now();
            let new = NewTelegramUpdate {
                kind,
                payload: &payload,
                cursor: Some((&event.channel_id, event.seq)),
                at: &at,
            };
            if ctx
                .store
                .push_telegram_update(&bot.id, new)
                .await?
                .is_some()
            {
                ctx.bot_polls.wakeup(&bot.id).notify_waiters();
            }
        }
        None => {
            ctx.store
                .advance_telegram_cursor(&bot.id, &event.channel_id, event.seq)
                .await?
        }
    }
    Ok(())
}

/// Whether a message goes to the bot: never its own; in a direct channel, all; in a group
/// channel, with privacy mode on (Telegram's default), only commands and messages that mention
/// it or reply in the thread of one of its messages, and all with it off.
async fn wanted(mapper: &Mapper<'_>, message: &Message) -> TgResult<bool> {
    let bot = mapper.bot;
    if message.author_id == bot.id {
        return Ok(false);
    }
    let direct = mapper
        .ctx
        .memberships
        .get(&message.channel_id)
        .is_some_and(|info| info.kind == ChannelKind::Direct);
    let privacy = mapper
        .ctx
        .store
        .telegram_bot(&bot.id, &ids::now())
        .await?
        .privacy;
    if direct
        || !privacy
        || message.body.starts_with('/')
        || message.mentions.contains(&bot.id)
        || message.body.contains(&format!("@{}", bot.username))
    {
        return Ok(true);
    }
    let Some(root) = message.thread_root else {
        return Ok(false);
    };
    let root = mapper.message_at(&message.channel_id, root).await?;
    Ok(root.is_some_and(|root| root.author_id == bot.id))
}

/// A `my_chat_member` update: the bot's status in a chat went from `old` to `new`.
async fn membership(
    mapper: &Mapper<'_>,
    channel_id: &str,
    old: &str,
    new: &str,
) -> TgResult<Value> {
    let me = mapper.user(mapper.bot).await?;
    Ok(json!({
        "chat": mapper.chat(channel_id).await?,
        "from": me,
        "date": time::OffsetDateTime::now_utc().unix_timestamp(),
        "old_chat_member": {"status": old, "user": me},
        "new_chat_member": {"status": new, "user": me},
    }))
}

/// A button click on one of the bot's messages.
struct Click<'a> {
    channel_id: &'a str,
    message_id: &'a str,
    data: Option<&'a str>,
    user_id: &'a str,
}

async fn callback_query(ctx: &Context, bot: &User, click: Click<'_>) -> TgResult<()> {
    let mapper = Mapper { ctx, bot };
    let Some(message) = ctx
        .store
        .message(click.channel_id, click.message_id)
        .await?
    else {
        return Ok(());
    };
    let chat_number = mapper.number(click.channel_id).await?;
    let user_number = mapper.number(click.user_id).await?;
    let payload = json!({
        "id": super::methods::callback_id(chat_number, user_number),
        "from": mapper.user_by_id(click.user_id).await?,
        "message": mapper.message(&message).await?,
        "chat_instance": chat_number.to_string(),
        "data": click.data.unwrap_or_default(),
    })
    .to_string();
    let at = ids::now();
    let new = NewTelegramUpdate {
        kind: "callback_query",
        payload: &payload,
        cursor: None,
        at: &at,
    };
    ctx.store.push_telegram_update(&bot.id, new).await?;
    ctx.bot_polls.wakeup(&bot.id).notify_waiters();
    Ok(())
}
