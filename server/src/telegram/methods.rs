//! The Bot API's methods, each on the services every other client uses: a Telegram bot posts,
//! edits and reads exactly as a Xerrada bot does, under the same membership rules.

use std::time::Duration;

use serde_json::{Value, json};
use xerrada_protocol::{EditMessageRequest, MessageExtras};

use super::markup;
use super::objects::Mapper;
use super::params::Params;
use super::reply::{TgError, TgResult};
use crate::auth::Caller;
use crate::context::Context;
use crate::events::ephemeral;
use crate::hub::OutFrame;
use crate::services::{message_changes, messages};

/// Longest long poll, as Telegram's.
const MAX_POLL_SECS: i64 = 50;
/// Most updates per `getUpdates`.
const MAX_UPDATES: i64 = 100;
/// How often a long poll looks at the store besides being woken: updates queued by the
/// relay on another node wake nobody here.
const POLL_RECHECK: Duration = Duration::from_millis(500);
/// What a 409 for a second poller says (teloxide matches this text).
const TERMINATED: &str =
    "terminated by other getUpdates request; make sure that only one bot instance is running";

/// Runs one method for the bot `caller`; `Ok` is the `result`.
pub async fn call(ctx: &Context, caller: &Caller, method: &str, params: Params) -> TgResult<Value> {
    let bot = Mapper {
        ctx,
        bot: &caller.user,
    };
    match method.to_ascii_lowercase().as_str() {
        "getme" => get_me(&bot).await,
        "logout" | "close" => Ok(json!(true)),
        "getupdates" => get_updates(&bot, &params).await,
        "getwebhookinfo" => get_webhook_info(&bot).await,
        "setwebhook" => set_webhook(&bot, &params).await,
        "deletewebhook" => delete_webhook(&bot, &params).await,
        "sendmessage" => send_message(&bot, caller, &params).await,
        "senddocument" => send_file(&bot, caller, &params, "document").await,
        "sendphoto" => send_file(&bot, caller, &params, "photo").await,
        "getfile" => get_file(&bot, caller, &params).await,
        "editmessagetext" => edit_message(&bot, caller, &params, true).await,
        "editmessagereplymarkup" => edit_message(&bot, caller, &params, false).await,
        "deletemessage" => delete_message(&bot, caller, &params).await,
        "answercallbackquery" => answer_callback_query(&bot, &params).await,
        "sendchataction" => send_chat_action(&bot, &params).await,
        "getchat" => get_chat(&bot, &params).await,
        "getchatmember" => get_chat_member(&bot, &params).await,
        "setmycommands" => set_my_commands(&bot, &params).await,
        "getmycommands" => get_my_commands(&bot).await,
        "deletemycommands" => {
            ctx.store
                .set_telegram_commands(&caller.user.id, "[]")
                .await?;
            Ok(json!(true))
        }
        _ => Err(TgError::not_found()),
    }
}

async fn get_me(bot: &Mapper<'_>) -> TgResult<Value> {
    let mut me = bot.user(bot.bot).await?;
    let settings = bot
        .ctx
        .store
        .telegram_bot(&bot.bot.id, &crate::ids::now())
        .await?;
    let fields = json!({
        "can_join_groups": true,
        "can_read_all_group_messages": !settings.privacy,
        "supports_inline_queries": false,
        "can_connect_to_business": false,
        "has_main_web_app": false,
    });
    if let (Some(me), Value::Object(fields)) = (me.as_object_mut(), fields) {
        me.extend(fields);
        me.remove("language_code");
    }
    Ok(me)
}

/// `getUpdates`: acknowledges what is below `offset`, then answers the updates from there,
/// waiting up to `timeout` seconds for one.
async fn get_updates(bot: &Mapper<'_>, params: &Params) -> TgResult<Value> {
    let ctx = bot.ctx;
    let bot_id = bot.bot.id.as_str();
    let settings = ctx.store.telegram_bot(bot_id, &crate::ids::now()).await?;
    if !settings.webhook_url.is_empty() {
        return Err(TgError::conflict(
            "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        ));
    }
    let Some(_turn) = ctx.bot_polls.poll_turn(bot_id) else {
        return Err(TgError::conflict(TERMINATED));
    };
    let limit = params
        .int("limit")?
        .unwrap_or(MAX_UPDATES)
        .clamp(1, MAX_UPDATES) as u32;
    let timeout = params.int("timeout")?.unwrap_or(0).clamp(0, MAX_POLL_SECS) as u64;
    let allowed = match params.json("allowed_updates")? {
        Some(list) => {
            let kinds: Vec<String> = serde_json::from_value(list)
                .map_err(|_| TgError::bad_request("allowed_updates must be a list of strings"))?;
            let stored = serde_json::to_string(&kinds).unwrap_or_else(|_| "[]".into());
            ctx.store
                .set_telegram_allowed_updates(bot_id, &stored)
                .await?;
            kinds
        }
        None => serde_json::from_str(&settings.allowed_updates).unwrap_or_default(),
    };
    let mut from = 1;
    match params.int("offset")? {
        Some(offset) if offset > 0 => {
            ctx.store.ack_telegram_updates(bot_id, offset).await?;
            from = offset;
        }
        Some(offset) if offset < 0 => {
            // The last -offset updates; everything before them is forgotten.
            if let Some(last) = ctx.store.last_telegram_update(bot_id).await? {
                from = last + 1 + offset;
                ctx.store.ack_telegram_updates(bot_id, from).await?;
            }
        }
        _ => {}
    }
    let wakeup = ctx.bot_polls.wakeup(bot_id);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    loop {
        let woken = wakeup.notified();
        let updates = ctx.store.telegram_updates(bot_id, from, limit).await?;
        let answer: Vec<Value> = updates
            .iter()
            .filter(|u| allowed.is_empty() || allowed.contains(&u.kind))
            .filter_map(|u| {
                let payload: Value = serde_json::from_str(&u.payload).ok()?;
                Some(json!({ "update_id": u.update_id, (u.kind.as_str()): payload }))
            })
            .collect();
        if !answer.is_empty() || tokio::time::Instant::now() >= deadline {
            return Ok(Value::Array(answer));
        }
        tokio::select! {
            () = woken => {}
            () = tokio::time::sleep(POLL_RECHECK) => {}
            () = tokio::time::sleep_until(deadline) => {}
            () = ctx.bot_polls.closing() => return Ok(json!([])),
        }
    }
}

async fn get_webhook_info(bot: &Mapper<'_>) -> TgResult<Value> {
    let settings = bot
        .ctx
        .store
        .telegram_bot(&bot.bot.id, &crate::ids::now())
        .await?;
    let pending = bot.ctx.store.pending_telegram_updates(&bot.bot.id).await?;
    let mut info = json!({
        "url": settings.webhook_url,
        "has_custom_certificate": false,
        "pending_update_count": pending,
    });
    if let Some((at, message)) = bot.ctx.bot_polls.last_push_error(&bot.bot.id) {
        info["last_error_date"] = json!(at);
        info["last_error_message"] = json!(message);
    }
    if let Ok(allowed) = serde_json::from_str::<Vec<String>>(&settings.allowed_updates)
        && !allowed.is_empty()
    {
        info["allowed_updates"] = json!(allowed);
    }
    Ok(info)
}

/// Longest webhook secret, and its characters, as Telegram's.
const MAX_SECRET_CHARS: usize = 256;

/// `setWebhook`: updates are pushed to `url` (a host in the outbound allowlist) instead of
/// being polled; an empty `url` goes back to polling.
async fn set_webhook(bot: &Mapper<'_>, params: &Params) -> TgResult<Value> {
    let ctx = bot.ctx;
    let url = params.text("url")?.unwrap_or_default();
    let secret = params.text("secret_token")?.unwrap_or_default();
    let secret_ok = secret.chars().count() <= MAX_SECRET_CHARS
        && secret
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !secret_ok {
        return Err(TgError::bad_request(
            "secret token contains unallowed characters",
        ));
    }
    if !url.is_empty() {
        let parsed = reqwest::Url::parse(&url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| TgError::bad_request("bad webhook: invalid URL"))?;
        if !crate::services::commands::allowed(ctx, &parsed) {
            return Err(TgError::bad_request(
                "bad webhook: the host is not in the server's outbound allowlist",
            ));
        }
    }
    if params.text("certificate")?.is_some() {
        return Err(TgError::bad_request(
            "bad webhook: custom certificates are not supported",
        ));
    }
    let allowed = match params.json("allowed_updates")? {
        Some(list) => {
            let kinds: Vec<String> = serde_json::from_value(list)
                .map_err(|_| TgError::bad_request("allowed_updates must be a list of strings"))?;
            Some(serde_json::to_string(&kinds).unwrap_or_else(|_| "[]".into()))
        }
        None => None,
    };
    ctx.store
        .set_telegram_webhook(&bot.bot.id, &url, &secret, allowed.as_deref())
        .await?;
    if params.bool("drop_pending_updates")?.unwrap_or(false) {
        drop_pending(bot).await?;
    }
    ctx.bot_polls.wakeup(&bot.bot.id).notify_waiters();
    Ok(json!(true))
}

/// Forgets every update waiting for the bot.
async fn drop_pending(bot: &Mapper<'_>) -> TgResult<()> {
    let store = &bot.ctx.store;
    if let Some(last) = store.last_telegram_update(&bot.bot.id).await? {
        store.ack_telegram_updates(&bot.bot.id, last + 1).await?;
    }
    Ok(())
}

async fn delete_webhook(bot: &Mapper<'_>, params: &Params) -> TgResult<Value> {
    let store = &bot.ctx.store;
    store
        .set_telegram_webhook(&bot.bot.id, "", "", None)
        .await?;
    if params.bool("drop_pending_updates")?.unwrap_or(false) {
        drop_pending(bot).await?;
    }
    Ok(json!(true))
}

/// The text of `text` (or `caption`) with its `parse_mode`, in Xerrada's Markdown.
fn message_text(params: &Params, key: &str) -> TgResult<String> {
    let text = params.text(key)?.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(TgError::bad_request("message text is empty"));
    }
    markup::convert(&text, params.text("parse_mode")?.as_deref())
}

async fn send_message(bot: &Mapper<'_>, caller: &Caller, params: &Params) -> TgResult<Value> {
    let body = message_text(params, "text")?;
    post(bot, caller, params, body, Vec::new()).await
}

/// `sendDocument` and `sendPhoto`: the file is the `field` part of a multipart call (uploaded
/// as it came in), or the `file_id` of an upload of the bot's not sent yet. Telegram also
/// takes a URL to fetch, which the server never does.
async fn send_file(
    bot: &Mapper<'_>,
    caller: &Caller,
    params: &Params,
    field: &str,
) -> TgResult<Value> {
    let file_id = params
        .text(field)?
        .filter(|f| !f.trim().is_empty())
        .ok_or_else(|| TgError::bad_request(format!("there is no {field} in the request")))?;
    if file_id.contains("://") {
        return Err(TgError::bad_request(
            "sending files by URL is not supported: upload the file",
        ));
    }
    let caption = match params.text("caption")?.filter(|c| !c.trim().is_empty()) {
        Some(caption) => markup::convert(&caption, params.text("parse_mode")?.as_deref())?,
        None => String::new(),
    };
    post(bot, caller, params, caption, vec![file_id]).await
}

/// Posts as the bot in the chat `chat_id`, with the buttons of `reply_markup`, in the thread
/// `reply_parameters` names; answers the Message.
async fn post(
    bot: &Mapper<'_>,
    caller: &Caller,
    params: &Params,
    body: String,
    file_ids: Vec<String>,
) -> TgResult<Value> {
    let channel_id = bot.channel_of_chat(params.required_int("chat_id")?).await?;
    let extras = markup::to_extras(params.json("reply_markup")?)?;
    let replied = match params.json("reply_parameters")? {
        Some(reply) => reply["message_id"].as_i64(),
        None => params.int("reply_to_message_id")?,
    };
    let thread_root = match replied {
        Some(seq) => {
            let root = bot
                .message_at(&channel_id, seq)
                .await?
                .ok_or_else(|| TgError::bad_request("message to be replied not found"))?;
            // A reply to a reply goes in the same thread.
            Some(root.thread_root.unwrap_or(root.seq))
        }
        None => None,
    };
    let draft = messages::Draft {
        channel_id,
        body,
        client_msg_id: None,
        thread_root,
        also_in_channel: false,
        extras,
        file_ids,
    };
    let (message, _) = messages::post(bot.ctx, caller, draft).await?;
    bot.message(&message).await
}

/// `getFile`: where to download a file the bot may read (`/file/bot<token>/<file_path>`).
async fn get_file(bot: &Mapper<'_>, caller: &Caller, params: &Params) -> TgResult<Value> {
    let file_id = params
        .text("file_id")?
        .ok_or_else(|| TgError::bad_request("file_id is empty"))?;
    let file = crate::services::files::readable(bot.ctx, caller, &file_id)
        .await
        .map_err(|_| {
            TgError::bad_request("wrong file_id or the file is temporarily unavailable")
        })?;
    let mut object = markup::file_object(&file.info);
    object["file_path"] = json!(super::file_path(&file.info.id));
    Ok(object)
}

/// The channel and the message that `chat_id` and `message_id` name; `missing` (Telegram's
/// words for the method) when there is none, or it was deleted.
async fn named_message(
    bot: &Mapper<'_>,
    params: &Params,
    missing: &str,
) -> TgResult<(String, xerrada_protocol::Message)> {
    let channel_id = bot.channel_of_chat(params.required_int("chat_id")?).await?;
    let seq = params.required_int("message_id")?;
    let message = bot
        .message_at(&channel_id, seq)
        .await?
        .filter(|m| !m.deleted)
        .ok_or_else(|| TgError::bad_request(missing))?;
    Ok((channel_id, message))
}

/// `editMessageText` (`with_text`) and `editMessageReplyMarkup`: the bot's own message.
async fn edit_message(
    bot: &Mapper<'_>,
    caller: &Caller,
    params: &Params,
    with_text: bool,
) -> TgResult<Value> {
    if params.text("inline_message_id")?.is_some() {
        return Err(TgError::bad_request("inline messages are not supported"));
    }
    let (channel_id, message) = named_message(bot, params, "message to edit not found").await?;
    if message.author_id != bot.bot.id {
        return Err(TgError::bad_request("message can't be edited"));
    }
    let body = if with_text {
        Some(message_text(params, "text")?)
    } else {
        None
    };
    let extras = markup::to_extras(params.json("reply_markup")?)?.unwrap_or_default();
    let unchanged = body.as_ref().is_none_or(|b| *b == message.body)
        && message.extras.clone().unwrap_or_default().actions == extras.actions;
    if unchanged {
        return Err(TgError::bad_request(
            "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
        ));
    }
    let kept = message.extras.clone().unwrap_or_default();
    let request = EditMessageRequest {
        body,
        extras: Some(MessageExtras {
            actions: extras.actions,
            ..kept
        }),
    };
    let edited = message_changes::edit(bot.ctx, caller, &channel_id, &message.id, request).await?;
    bot.message(&edited).await
}

async fn delete_message(bot: &Mapper<'_>, caller: &Caller, params: &Params) -> TgResult<Value> {
    let (channel_id, message) = named_message(bot, params, "message to delete not found").await?;
    message_changes::delete(bot.ctx, caller, &channel_id, &message.id)
        .await
        .map_err(|e| match e {
            crate::error::AppError::Forbidden(_) => {
                TgError::bad_request("message can't be deleted")
            }
            other => other.into(),
        })?;
    Ok(json!(true))
}

/// A callback query's id: the chat and the person who clicked, and a nonce. Answering it
/// needs no lookup, and names nothing a bot could not see anyway.
pub fn callback_id(chat_number: i64, user_number: i64) -> String {
    format!(
        "{chat_number}_{user_number}_{}",
        crate::ids::random_token(8)
    )
}

/// `answerCallbackQuery`: its `text` is shown to whoever clicked, only to them.
async fn answer_callback_query(bot: &Mapper<'_>, params: &Params) -> TgResult<Value> {
    let invalid = || {
        TgError::bad_request("query is too old and response timeout expired or query id is invalid")
    };
    let id = params.text("callback_query_id")?.ok_or_else(invalid)?;
    let mut parts = id.split('_');
    let (Some(chat), Some(user)) = (
        parts.next().and_then(|p| p.parse::<i64>().ok()),
        parts.next().and_then(|p| p.parse::<i64>().ok()),
    ) else {
        return Err(invalid());
    };
    let store = &bot.ctx.store;
    let channel_id = store.telegram_id_of(chat).await?.ok_or_else(invalid)?;
    let user_id = store.telegram_id_of(user).await?.ok_or_else(invalid)?;
    let both_members =
        bot.ctx.memberships.get(&channel_id).is_some_and(|info| {
            info.members.contains(&bot.bot.id) && info.members.contains(&user_id)
        });
    if !both_members {
        return Err(invalid());
    }
    if let Some(text) = params.text("text")?.filter(|t| !t.trim().is_empty()) {
        let text = if params.bool("show_alert")?.unwrap_or(false) {
            format!("⚠️ {text}")
        } else {
            text
        };
        let frame = OutFrame::encode(&ephemeral(&channel_id, None, text, Vec::new()));
        bot.ctx.hub.deliver_to_users([&user_id], &frame, None);
    }
    Ok(json!(true))
}

async fn send_chat_action(bot: &Mapper<'_>, params: &Params) -> TgResult<Value> {
    let channel_id = bot.channel_of_chat(params.required_int("chat_id")?).await?;
    if params.text("action")?.is_none() {
        return Err(TgError::bad_request("action is empty"));
    }
    messages::typing(bot.ctx, &bot.bot.id, &channel_id).await?;
    Ok(json!(true))
}

async fn get_chat(bot: &Mapper<'_>, params: &Params) -> TgResult<Value> {
    let channel_id = bot.channel_of_chat(params.required_int("chat_id")?).await?;
    let mut chat = bot.chat(&channel_id).await?;
    chat["accent_color_id"] = json!(0);
    chat["max_reaction_count"] = json!(11);
    chat["accepted_gift_types"] = json!({
        "unlimited_gifts": false,
        "limited_gifts": false,
        "unique_gifts": false,
        "premium_subscription": false,
        "gifts_from_channels": false,
    });
    if let Some(channel) = bot.ctx.store.channel_by_id(&channel_id).await?
        && !channel.topic.is_empty()
    {
        chat["description"] = json!(channel.topic);
    }
    Ok(chat)
}

async fn get_chat_member(bot: &Mapper<'_>, params: &Params) -> TgResult<Value> {
    let channel_id = bot.channel_of_chat(params.required_int("chat_id")?).await?;
    let user_number = params.required_int("user_id")?;
    let user_id = bot
        .ctx
        .store
        .telegram_id_of(user_number)
        .await?
        .ok_or_else(|| TgError::bad_request("user not found"))?;
    let user = bot
        .ctx
        .store
        .user_by_id(&user_id)
        .await?
        .ok_or_else(|| TgError::bad_request("user not found"))?;
    let member = bot
        .ctx
        .memberships
        .get(&channel_id)
        .is_some_and(|info| info.members.contains(&user_id));
    let creator = bot
        .ctx
        .store
        .channel_by_id(&channel_id)
        .await?
        .and_then(|c| c.created_by)
        .is_some_and(|by| by == user_id);
    let user = bot.user(&user).await?;
    Ok(match (member, creator) {
        (true, true) => json!({"status": "creator", "user": user, "is_anonymous": false}),
        (true, false) => json!({"status": "member", "user": user}),
        (false, _) => json!({"status": "left", "user": user}),
    })
}

async fn set_my_commands(bot: &Mapper<'_>, params: &Params) -> TgResult<Value> {
    let commands = params
        .json("commands")?
        .ok_or_else(|| TgError::bad_request("commands is empty"))?;
    let list = commands
        .as_array()
        .ok_or_else(|| TgError::bad_request("commands must be a list"))?;
    if list.len() > 100 {
        return Err(TgError::bad_request("too many commands"));
    }
    let mut cleaned = Vec::with_capacity(list.len());
    for command in list {
        let name = command["command"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches('/');
        let description = command["description"].as_str().unwrap_or_default();
        let valid_name = (1..=32).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_name {
            return Err(TgError::bad_request("BOT_COMMAND_INVALID"));
        }
        if description.trim().is_empty() || description.chars().count() > 256 {
            return Err(TgError::bad_request(
                "command description is empty or too long",
            ));
        }
        cleaned.push(json!({"command": name, "description": description}));
    }
    bot.ctx
        .store
        .set_telegram_commands(&bot.bot.id, &Value::Array(cleaned).to_string())
        .await?;
    Ok(json!(true))
}

async fn get_my_commands(bot: &Mapper<'_>) -> TgResult<Value> {
    let settings = bot
        .ctx
        .store
        .telegram_bot(&bot.bot.id, &crate::ids::now())
        .await?;
    Ok(serde_json::from_str(&settings.commands).unwrap_or_else(|_| json!([])))
}
