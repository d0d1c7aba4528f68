//! Slash commands: a message body starting with `/name` is a command, never posted as text
//! (`//text` posts `/text`).
//!
//! Built-in commands answer at once. Commands registered by an admin are sent to their URL as
//! a Mattermost-compatible form POST and answer with `{"response_type","text","attachments"}`:
//! `ephemeral` (the default) is shown only to the caller, `in_channel` is posted. The service
//! may answer later, a few times, through the `response_url` it was given. Outbound calls go
//! only to hosts on the admin's allowlist; a refused or failing call is an ephemeral error.

use std::time::Duration;

use time::OffsetDateTime;
use xerrada_protocol::{
    Attachment, ChannelCommand, CommandResponse, CreateCommandRequest, Message, MessageExtras,
    SlashCommand, User,
};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::integrations::slack;
use crate::services::accounts::integration_author;
use crate::services::accounts::require_admin;
use crate::services::audit::{self, AuditAction};
use crate::services::channels::require_member;
use crate::services::extras::sanitize_extras;
use crate::store::{ResponseGrant, WriteOp};
use crate::texts::{Lang, commands as words};

/// The command service's own commands and what they do (shown by `/help`); features add
/// theirs through [`crate::context::FeatureCommands`].
const BUILT_INS: &[&str] = &["help"];

/// Whether `name` is a built-in or a feature's command (external ones may not take it).
fn is_reserved(ctx: &Context, name: &str) -> bool {
    BUILT_INS
        .iter()
        .chain(ctx.feature_commands.iter().flat_map(|f| f.names()))
        .any(|reserved| *reserved == name)
}

/// How long and how often a command may answer through its `response_url`.
const RESPONSE_URL_MINUTES: i64 = 30;
const RESPONSE_URL_USES: i64 = 5;

/// What a message body is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// `/name text`.
    Command { name: String, text: String },
    /// `//text`: post `/text` as a message.
    Escaped(String),
    /// An ordinary message.
    Plain,
}

/// Reads a body as a command, an escaped slash, or plain text.
pub fn parse(body: &str) -> Parsed {
    if let Some(rest) = body.strip_prefix("//") {
        return Parsed::Escaped(format!("/{rest}"));
    }
    let Some(rest) = body.strip_prefix('/') else {
        return Parsed::Plain;
    };
    let (name, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return Parsed::Plain;
    }
    Parsed::Command {
        name: name.to_lowercase(),
        text: text.trim().to_owned(),
    }
}

/// What the caller gets back from a command.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Shown only to the caller.
    Ephemeral {
        text: String,
        attachments: Vec<Attachment>,
    },
    /// Posted in the channel.
    Posted(Box<Message>),
}

impl Answer {
    pub fn note(text: impl Into<String>) -> Self {
        Answer::Ephemeral {
            text: text.into(),
            attachments: Vec::new(),
        }
    }
}

/// Runs `/name text` for `caller` in a channel it belongs to.
pub async fn invoke(
    ctx: &Context,
    caller: &User,
    channel_id: &str,
    name: &str,
    text: &str,
    file_ids: &[String],
    lang: Lang,
) -> AppResult<Answer> {
    ctx.rate_limits
        .check(&caller.id, crate::rate_limits::Action::Command)?;
    require_member(ctx, &caller.id, channel_id).await?;
    let features = ctx.feature_commands.iter();
    let feature = features.clone().find(|f| f.names().contains(&name));
    if feature.is_none() && !file_ids.is_empty() {
        return Err(AppError::Invalid(words::takes_no_files(lang, name)));
    }
    if name == "help" {
        return help(ctx, lang).await;
    }
    if let Some(feature) = feature {
        return feature
            .run(ctx, caller, name, text, file_ids, lang)
            .await
            .map(Answer::note);
    }
    match ctx.store.command_by_name(name).await? {
        Some(command) => call_external(ctx, caller, channel_id, &command, text, lang).await,
        None => Ok(Answer::note(words::unknown_command(lang, name))),
    }
}

/// Whether `/name` is one of the server's commands: built in, a feature's, or an admin's
/// external one.
pub async fn is_known(ctx: &Context, name: &str) -> AppResult<bool> {
    Ok(name == "help"
        || ctx
            .feature_commands
            .iter()
            .any(|f| f.names().contains(&name))
        || ctx.store.command_by_name(name).await?.is_some())
}

/// Whether a channel has a member bot that takes `/commands` as messages: one that speaks the
/// Telegram API.
pub async fn bot_takes_commands(ctx: &Context, channel_id: &str) -> AppResult<bool> {
    let Some(info) = ctx.memberships.get(channel_id) else {
        return Ok(false);
    };
    let bots = ctx.store.telegram_bots().await?;
    Ok(bots.iter().any(|b| info.members.contains(&b.bot_id)))
}

async fn help(ctx: &Context, lang: Lang) -> AppResult<Answer> {
    let mut lines = vec![words::help_heading(lang).to_owned()];
    lines.push(format!("- `/help`: {}", words::help_itself(lang)));
    for feature in &ctx.feature_commands {
        for name in feature.names() {
            lines.push(format!("- `/{name}`: {}", feature.describe(name, lang)));
        }
    }
    for command in ctx.store.commands().await? {
        let description = if command.description.is_empty() {
            words::external_command(lang).to_owned()
        } else {
            command.description.clone()
        };
        lines.push(format!("- `/{}`: {description}", command.name));
    }
    lines.push(words::escape_hint(lang).into());
    Ok(Answer::note(lines.join("\n")))
}

/// Whether the admin's allowlist lets the server call `url` (slash commands, Telegram bots'
/// webhooks).
pub fn allowed(ctx: &Context, url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let with_port = url
        .port_or_known_default()
        .map(|port| format!("{host}:{port}"));
    ctx.config
        .integrations
        .outbound_allowlist
        .iter()
        .any(|entry| {
            entry.eq_ignore_ascii_case(host)
                || Some(entry.to_ascii_lowercase())
                    == with_port.as_ref().map(|w| w.to_ascii_lowercase())
        })
}

async fn call_external(
    ctx: &Context,
    caller: &User,
    channel_id: &str,
    command: &SlashCommand,
    text: &str,
    lang: Lang,
) -> AppResult<Answer> {
    let name = &command.name;
    let Ok(url) = reqwest::Url::parse(&command.url) else {
        return Ok(Answer::note(words::invalid_url(lang, name)));
    };
    if !allowed(ctx, &url) {
        tracing::warn!(command = %name, url = %command.url, "outbound call refused: host not allowed");
        let host = url.host_str().unwrap_or_default();
        return Ok(Answer::note(words::host_not_allowed(lang, name, host)));
    }
    let channel = ctx
        .store
        .channel_by_id(channel_id)
        .await?
        .ok_or_else(|| AppError::not_found("channel"))?;
    let grant_token = ids::random_token(32);
    let expires = OffsetDateTime::now_utc() + time::Duration::minutes(RESPONSE_URL_MINUTES);
    ctx.store
        .create_response_grant(ResponseGrant {
            token_hash: ids::sha256_hex(&grant_token),
            command_id: command.id.clone(),
            channel_id: channel_id.to_owned(),
            user_id: caller.id.clone(),
            expires_at: ids::format_time(expires),
            uses: RESPONSE_URL_USES,
        })
        .await?;
    let public_url = ctx.config.public_url.as_deref().unwrap_or("");
    let response_url = format!("{public_url}/hooks/commands/{grant_token}");
    let form = [
        ("channel_id", channel_id),
        ("channel_name", channel.name.as_str()),
        ("user_id", caller.id.as_str()),
        ("user_name", caller.username.as_str()),
        ("command", &format!("/{name}")),
        ("text", text),
        ("token", command.token.as_str()),
        ("response_url", response_url.as_str()),
        ("trigger_id", &ids::new_id()),
    ];
    let timeout = Duration::from_millis(ctx.config.integrations.command_timeout_ms);
    let sent = ctx
        .outbound
        .post(url)
        .form(&form)
        .timeout(timeout)
        .send()
        .await;
    let response = match sent {
        Ok(response) if response.status().is_success() => response,
        Ok(response) => {
            let status = response.status().as_u16();
            return Ok(Answer::note(words::failed(lang, name, status)));
        }
        Err(e) if e.is_timeout() => {
            return Ok(Answer::note(words::timed_out(lang, name)));
        }
        Err(e) => {
            tracing::warn!(command = %name, error = %e, "command call failed");
            return Ok(Answer::note(words::unreachable(lang, name)));
        }
    };
    let body = response.bytes().await.unwrap_or_default();
    if body.iter().all(u8::is_ascii_whitespace) {
        // Accepted without an answer now (it may answer later on its response_url).
        return Ok(Answer::note(format!("`/{name} {text}`")));
    }
    let parsed = crate::validate::refuse_nul_in_json(&body)
        .ok()
        .and_then(|()| serde_json::from_slice::<CommandResponse>(&body).ok());
    match parsed {
        Some(reply) => answer(ctx, channel_id, name, reply, lang).await,
        None => Ok(Answer::note(words::not_understood(lang, name))),
    }
}

/// Turns a command's reply into what the caller sees.
async fn answer(
    ctx: &Context,
    channel_id: &str,
    name: &str,
    reply: CommandResponse,
    lang: Lang,
) -> AppResult<Answer> {
    let text = reply.text.unwrap_or_default();
    let attachments = reply.attachments.unwrap_or_default();
    if reply.response_type.as_deref() != Some("in_channel") {
        if text.trim().is_empty() && attachments.is_empty() {
            return Ok(Answer::note(format!("`/{name}`")));
        }
        let mut checked = MessageExtras {
            attachments,
            ..MessageExtras::default()
        };
        sanitize_extras(&mut checked)?;
        return Ok(Answer::Ephemeral {
            text,
            attachments: checked.attachments,
        });
    }
    let body = if text.trim().is_empty() {
        slack::fallback_body(&attachments, &[])
    } else {
        text
    };
    if body.trim().is_empty() {
        return Ok(Answer::note(words::nothing_to_post(lang, name)));
    }
    if body.len() > ctx.config.limits.max_body_bytes {
        return Ok(Answer::note(words::answer_too_long(lang, name)));
    }
    let mut extras = MessageExtras {
        attachments,
        ..MessageExtras::default()
    };
    sanitize_extras(&mut extras)?;
    extras.username = Some(reply.username.unwrap_or_else(|| format!("/{name}")));
    crate::services::channel_settings::require_writable(ctx, channel_id)?;
    let author_id = integration_author(ctx).await?;
    let op = WriteOp::post(channel_id, &author_id, body, Some(extras));
    let (message, _) = ctx.writer.write(op).await?.into_message()?;
    Ok(Answer::Posted(Box::new(message)))
}

/// `POST /hooks/commands/{token}`: a late reply. Returns the user and channel to tell when the
/// reply is ephemeral.
pub async fn late_reply(
    ctx: &Context,
    token: &str,
    body: &[u8],
) -> AppResult<(String, String, Answer)> {
    // Read before the grant is used: a malformed reply must not spend one of its uses.
    crate::validate::refuse_nul_in_json(body)?;
    let reply: CommandResponse = serde_json::from_slice(body)
        .map_err(|e| AppError::Invalid(format!("invalid reply: {e}")))?;
    let grant = ctx
        .store
        .use_response_grant(&ids::sha256_hex(token), &ids::now())
        .await?
        .ok_or_else(|| AppError::NotFound("unknown, expired or used-up response_url".into()))?;
    let name = ctx
        .store
        .commands()
        .await?
        .into_iter()
        .find(|c| c.id == grant.command_id)
        .map(|c| c.name)
        .unwrap_or_else(|| "ordre".into());
    // The caller may have left the channel since it ran the command.
    require_member(ctx, &grant.user_id, &grant.channel_id).await?;
    // The one who ran the command reads the answer, unasked by now: in their language.
    let lang = super::accounts::language_of(ctx, &grant.user_id).await;
    let answer = answer(ctx, &grant.channel_id, &name, reply, lang).await?;
    Ok((grant.user_id, grant.channel_id, answer))
}

/// `POST /commands` (admins).
pub async fn register(
    ctx: &Context,
    caller: &Caller,
    req: CreateCommandRequest,
) -> AppResult<SlashCommand> {
    require_admin(caller)?;
    let name = req.name.trim_start_matches('/').to_lowercase();
    let valid_name = !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid_name {
        return Err(AppError::Invalid(
            "name must be 1-32 characters of letters, digits, '_' or '-'".into(),
        ));
    }
    if is_reserved(ctx, &name) {
        return Err(AppError::Conflict(format!("/{name} is a built-in command")));
    }
    let url = reqwest::Url::parse(&req.url)
        .map_err(|e| AppError::Invalid(format!("url is not valid: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(AppError::Invalid("url must be http:// or https://".into()));
    }
    let description = req.description.unwrap_or_default();
    if description.chars().count() > 200 {
        return Err(AppError::Invalid(
            "description must be at most 200 characters".into(),
        ));
    }
    let command = SlashCommand {
        id: ids::new_id(),
        name,
        url: url.to_string(),
        token: ids::random_token(24),
        description,
        created_by: caller.user.id.clone(),
        created_at: ids::now(),
    };
    ctx.store
        .create_command(command.clone())
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => {
                AppError::Conflict(format!("/{} already exists", command.name))
            }
            other => other,
        })?;
    let details = serde_json::json!({"name": command.name, "url": command.url});
    audit::record(
        ctx,
        caller.into(),
        AuditAction::CommandRegistered,
        &command.id,
        details,
    )
    .await;
    Ok(command)
}

/// `GET /commands` (admins: they see the tokens).
pub async fn list(ctx: &Context, caller: &Caller) -> AppResult<Vec<SlashCommand>> {
    require_admin(caller)?;
    Ok(ctx.store.commands().await?)
}

/// `GET /channels/{id}/commands` (members): what the composer offers besides the built-in
/// commands, by name: the admin's external commands, then the commands of the channel's bots
/// that speak the Telegram API (a name already taken is Xerrada's, so not the bot's).
pub async fn in_channel(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
) -> AppResult<Vec<ChannelCommand>> {
    require_member(ctx, &caller.user.id, channel_id).await?;
    let mut offered: Vec<ChannelCommand> = ctx
        .store
        .commands()
        .await?
        .into_iter()
        .map(|c| ChannelCommand {
            name: c.name,
            description: c.description,
            bot_id: None,
            bot_username: None,
        })
        .collect();
    let members = ctx
        .memberships
        .get(channel_id)
        .map(|info| info.members.clone())
        .unwrap_or_default();
    for bot in ctx.store.telegram_bots().await? {
        if !members.contains(&bot.bot_id) {
            continue;
        }
        let Some(account) = ctx.store.user_by_id(&bot.bot_id).await? else {
            continue;
        };
        let listed: Vec<serde_json::Value> =
            serde_json::from_str(&bot.commands).unwrap_or_default();
        for command in listed {
            let name = command["command"].as_str().unwrap_or_default().to_owned();
            let taken = is_known(ctx, &name).await? || offered.iter().any(|c| c.name == name);
            if name.is_empty() || taken {
                continue;
            }
            offered.push(ChannelCommand {
                name,
                description: command["description"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                bot_id: Some(account.id.clone()),
                bot_username: Some(account.username.clone()),
            });
        }
    }
    offered.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(offered)
}

/// `DELETE /commands/{id}` (admins).
pub async fn remove(ctx: &Context, caller: &Caller, id: &str) -> AppResult<()> {
    require_admin(caller)?;
    if !ctx.store.delete_command(id).await? {
        return Err(AppError::not_found("command"));
    }
    let details = serde_json::json!({});
    audit::record(ctx, caller.into(), AuditAction::CommandRemoved, id, details).await;
    Ok(())
}
