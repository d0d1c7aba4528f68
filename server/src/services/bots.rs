//! Bot accounts: users of kind `bot` that authenticate with long-lived tokens.
//!
//! A bot token is shown once and kept as a SHA-256 hash. Each token is a session of the bot,
//! so revoking one ends it exactly like a logout: refused at once, its sockets closed with
//! 4003, on every node. Rotation is "create a new token, then revoke the old one", so a bot
//! can switch without downtime.

use xerrada_protocol::{BotToken, CreateBotRequest, CreatedBot, NewBotToken, Role, User, UserKind};

use serde_json::json;

use crate::auth::{Caller, new_bot_token};
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::services::accounts::require_admin;
use crate::services::audit::{self, AuditAction};
use crate::store::{NewTokenSession, NewUser};
use crate::validate::{Name, Username};

/// Longest token label, in characters.
pub(crate) const MAX_LABEL_CHARS: usize = 80;

/// `POST /bots` (admins only).
pub async fn create(
    ctx: &Context,
    caller: &Caller,
    req: CreateBotRequest,
) -> AppResult<CreatedBot> {
    require_admin(caller)?;
    let created = create_bot(
        ctx,
        Username::parse(&req.username)?,
        Name::parse(&req.display_name, "display_name")?,
    )
    .await?;
    let details = json!({"username": created.bot.username});
    audit::record(
        ctx,
        caller.into(),
        AuditAction::BotCreated,
        &created.bot.id,
        details,
    )
    .await;
    Ok(created)
}

/// Creates a bot and its first token (also used by the CLI).
pub async fn create_bot(
    ctx: &Context,
    username: Username,
    display_name: Name,
) -> AppResult<CreatedBot> {
    let token = new_bot_token();
    let now = ids::now();
    let bot = NewUser {
        id: ids::new_id(),
        username: username.as_str().to_owned(),
        display_name: display_name.into_string(),
        kind: UserKind::Bot,
        role: Role::Member,
        password_hash: None,
        email: String::new(),
        created_at: now.clone(),
    };
    let session = NewTokenSession {
        id: ids::new_id(),
        user_id: bot.id.clone(),
        token_hash: ids::sha256_hex(&token),
        label: "first token".into(),
        created_at: now,
    };
    let bot = ctx
        .store
        .create_bot(bot, session)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::Conflict("the username is taken".into()),
            other => other,
        })?;
    Ok(CreatedBot { bot, token })
}

/// `GET /bots`: every bot account.
pub async fn list(ctx: &Context) -> AppResult<Vec<User>> {
    let users = ctx.store.list_users(None, u32::MAX).await?;
    Ok(users
        .into_iter()
        .filter(|u| u.kind == UserKind::Bot)
        .collect())
}

/// `GET /bots/{id}/tokens` (admins only).
pub async fn tokens(ctx: &Context, caller: &Caller, bot_id: &str) -> AppResult<Vec<BotToken>> {
    require_admin(caller)?;
    bot_tokens(ctx, bot_id).await
}

/// The tokens of a bot, without secrets.
pub async fn bot_tokens(ctx: &Context, bot_id: &str) -> AppResult<Vec<BotToken>> {
    find_bot(ctx, bot_id).await?;
    let tokens = ctx.store.token_sessions(bot_id).await?;
    Ok(tokens
        .into_iter()
        .map(|t| BotToken {
            id: t.id,
            label: t.label,
            created_at: t.created_at,
            revoked_at: t.revoked_at,
        })
        .collect())
}

/// `POST /bots/{id}/tokens` (admins only): a further token.
pub async fn add_token(
    ctx: &Context,
    caller: &Caller,
    bot_id: &str,
    label: Option<String>,
) -> AppResult<NewBotToken> {
    require_admin(caller)?;
    let token = add_bot_token(ctx, bot_id, label).await?;
    let details = json!({"token_id": token.id});
    audit::record(
        ctx,
        caller.into(),
        AuditAction::BotTokenCreated,
        bot_id,
        details,
    )
    .await;
    Ok(token)
}

/// Adds a token to a bot (also used by the CLI).
pub async fn add_bot_token(
    ctx: &Context,
    bot_id: &str,
    label: Option<String>,
) -> AppResult<NewBotToken> {
    find_bot(ctx, bot_id).await?;
    let label = label.unwrap_or_default();
    if label.chars().count() > MAX_LABEL_CHARS || label.chars().any(char::is_control) {
        return Err(AppError::Invalid(format!(
            "label must be at most {MAX_LABEL_CHARS} characters without control characters"
        )));
    }
    let token = new_bot_token();
    let id = ids::new_id();
    ctx.store
        .create_token_session(NewTokenSession {
            id: id.clone(),
            user_id: bot_id.to_owned(),
            token_hash: ids::sha256_hex(&token),
            label,
            created_at: ids::now(),
        })
        .await?;
    Ok(NewBotToken { id, token })
}

/// `DELETE /bots/{id}/tokens/{token_id}` (admins only).
pub async fn revoke_token(
    ctx: &Context,
    caller: &Caller,
    bot_id: &str,
    token_id: &str,
) -> AppResult<()> {
    require_admin(caller)?;
    revoke_bot_token(ctx, bot_id, token_id).await?;
    let details = json!({"token_id": token_id});
    audit::record(
        ctx,
        caller.into(),
        AuditAction::BotTokenRevoked,
        bot_id,
        details,
    )
    .await;
    Ok(())
}

/// Revokes a bot token: refused at once, its sockets closed with 4003.
pub async fn revoke_bot_token(ctx: &Context, bot_id: &str, token_id: &str) -> AppResult<()> {
    let tokens = bot_tokens(ctx, bot_id).await?;
    if !tokens.iter().any(|t| t.id == token_id) {
        return Err(AppError::not_found("token"));
    }
    ctx.store.revoke_session(token_id, &ids::now()).await?;
    ctx.auth.end_sessions(&[token_id.to_owned()]);
    Ok(())
}

/// A bot an admin may manage: not a person (404), nor one the server runs itself (403).
pub(crate) async fn find_bot(ctx: &Context, bot_id: &str) -> AppResult<User> {
    let bot = ctx
        .store
        .user_by_id(bot_id)
        .await?
        .filter(|u| u.kind == UserKind::Bot)
        .ok_or_else(|| AppError::not_found("bot"))?;
    if SYSTEM_ACCOUNTS.contains(&bot.username.as_str()) {
        // A token for these would let its holder edit every webhook post or support card.
        return Err(AppError::Forbidden(format!(
            "{} is run by the server itself and takes no tokens",
            bot.username
        )));
    }
    Ok(bot)
}

/// Bot accounts the server runs itself.
const SYSTEM_ACCOUNTS: [&str; 2] = [
    crate::services::accounts::WEBHOOK_ACCOUNT,
    crate::services::accounts::SUPPORT_ACCOUNT,
];
