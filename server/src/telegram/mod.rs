//! A Telegram-compatible Bot API, so that a bot written for Telegram (python-telegram-bot,
//! teloxide, ...) runs against Xerrada by changing its base URL: `/bot<token>/<method>`, with
//! a Xerrada bot token.
//!
//! - `params.rs` reads a call's parameters however they are sent, `reply.rs` writes Telegram's
//!   envelope and errors;
//! - `objects.rs` shows users, channels and messages as User, Chat and Message, and
//!   `markup.rs` converts texts and keyboards;
//! - `methods.rs` runs each method on the ordinary services;
//! - `relay.rs` turns what happens in the bot's channels into its updates, exactly once.

mod markup;
mod methods;
mod objects;
mod params;
mod relay;
mod reply;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use xerrada_protocol::UserKind;

pub use relay::start;
use reply::TgError;

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
    let known = ctx.store.telegram_bots().await?;
    if !known.iter().any(|b| b.bot_id == caller.user.id) {
        ctx.store
            .telegram_bot(&caller.user.id, &crate::ids::now())
            .await?;
        ctx.bot_polls.new_bot.notify_waiters();
    }
    let params = params::Params::read(request).await?;
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
