//! A Telegram-compatible Bot API, so that a bot written for Telegram (python-telegram-bot,
//! teloxide, ...) runs against Xerrada by changing its base URL: `/bot<token>/<method>`, with
//! a Xerrada bot token.
//!
//! - `params.rs` reads a call's parameters however they are sent, `reply.rs` writes Telegram's
//!   envelope and errors;
//! - `objects.rs` shows users, channels and messages as User, Chat and Message, and
//!   `markup.rs` converts texts and keyboards;
//! - `methods.rs` runs each method on the ordinary services;
//! - `relay.rs` turns what happens in the bot's channels into its updates, exactly once, and
//!   `push.rs` pushes them to the bot's webhook when it set one.

mod markup;
mod methods;
mod objects;
pub(crate) mod params;
mod push;
mod relay;
mod reply;
pub mod settings;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use xerrada_protocol::UserKind;

pub use relay::start;
pub use reply::TgError;

use crate::auth::BOT_TOKEN_PREFIX;
use crate::context::Context;

/// `(token, method)` of a Bot API path, `/bot<token>/<method>`: the token percent-decoded
/// (python-telegram-bot sends `:` as `%3A` in some paths).
pub fn api_call(path: &str) -> Option<(String, String)> {
    let rest = path.strip_prefix("/bot")?;
    let (token, method) = rest.split_once('/')?;
    let method = method.trim_end_matches('/');
    if token.is_empty() || method.is_empty() || method.contains('/') {
        return None;
    }
    let token = percent_decode(token)?;
    Some((token, method.to_owned()))
}

/// The `file_path` `getFile` gives for a file.
pub fn file_path(file_id: &str) -> String {
    format!("files/{file_id}")
}

/// `(token, file id)` of a file download, `/file/bot<token>/files/<id>`; the path is
/// percent-decoded first (python-telegram-bot encodes the token's `:`, teloxide the path's `/`).
pub fn file_call(path: &str) -> Option<(String, String)> {
    let rest = path.strip_prefix("/file/bot")?;
    let (token, file_path) = rest.split_once('/')?;
    let token = percent_decode(token)?;
    let file_path = percent_decode(file_path)?;
    let file_id = file_path.strip_prefix("files/")?;
    if token.is_empty() || file_id.is_empty() || file_id.contains('/') {
        return None;
    }
    Some((token, file_id.to_owned()))
}

/// The bot a token names, as a caller; 401 for anything else (a person's token included).
pub async fn bot_caller(ctx: &Context, token: &str) -> reply::TgResult<crate::auth::Caller> {
    if !token.starts_with(BOT_TOKEN_PREFIX) {
        return Err(TgError::unauthorized());
    }
    let caller = ctx
        .auth
        .authenticate(token)
        .await
        .map_err(|_| TgError::unauthorized())?;
    if caller.user.kind != UserKind::Bot {
        return Err(TgError::unauthorized());
    }
    Ok(caller)
}

fn percent_decode(raw: &str) -> Option<String> {
    let bytes: Vec<u8> =
        form_urlencoded::parse(format!("t={}", raw.replace('+', "%2B")).as_bytes())
            .next()?
            .1
            .into_owned()
            .into_bytes();
    String::from_utf8(bytes).ok()
}

/// Answers a Bot API call.
pub async fn handle(State(ctx): State<Arc<Context>>, request: Request) -> Response {
    let Some((token, method)) = api_call(request.uri().path()) else {
        return TgError::not_found().into_response();
    };
    match answer(&ctx, &token, &method, request).await {
        Ok(result) => reply::ok(result),
        Err(e) => e.into_response(),
    }
}

async fn answer(
    ctx: &Context,
    token: &str,
    method: &str,
    request: Request,
) -> reply::TgResult<serde_json::Value> {
    let caller = bot_caller(ctx, token).await?;
    // A bot's long polls keep a connection open: a valid token takes it off its address's
    // unauthenticated count, as a bearer token does (see `net.rs`).
    if let Some(connection) = request.extensions().get::<crate::net::Unauthenticated>() {
        connection.authenticated();
    }
    let known = ctx.store.telegram_bots().await?;
    if !known.iter().any(|b| b.bot_id == caller.user.id) {
        relay::begin(ctx, &caller.user).await?;
    }
    let uploader = params::Uploader {
        ctx,
        caller: &caller,
    };
    let params = params::Params::read(request, uploader).await?;
    methods::call(ctx, &caller, method, params).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths_name_a_token_and_a_method() {
        assert_eq!(
            api_call("/botxbot_abc/getMe"),
            Some(("xbot_abc".into(), "getMe".into()))
        );
        assert_eq!(
            api_call("/bot123%3AABC/sendMessage/"),
            Some(("123:ABC".into(), "sendMessage".into()))
        );
        assert_eq!(api_call("/bots"), None);
        assert_eq!(api_call("/bot/getMe"), None);
        assert_eq!(api_call("/botx/a/b"), None);
        assert_eq!(api_call("/assets/index.js"), None);
    }
}
