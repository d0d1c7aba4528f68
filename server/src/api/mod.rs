//! HTTP routes. Handlers are thin: extract and parse, call a service, map the result.

mod admin;
mod auth;
mod bots;
mod channel_settings;
mod channels;
mod client_addr;
mod commands;
pub mod extract;
mod files;
mod health;
mod info;
mod metrics;
mod pins;
mod search;
mod threads;
mod tickets;
mod users;
mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::handler::Handler;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::context::Context;

/// The whole HTTP surface of a node.
pub fn router(ctx: Arc<Context>) -> Router {
    let api = Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/refresh", post(auth::refresh))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(auth::me))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::get).patch(users::update))
        .route("/users/{id}/deactivate", post(users::deactivate))
        .route("/users/{id}/reactivate", post(users::reactivate))
        .route("/users/{id}/reset-password", post(users::reset_password))
        .route("/users/{id}/sign-out", post(users::sign_out))
        .route(
            "/departments",
            get(users::list_departments).post(users::create_department),
        )
        .route(
            "/departments/{id}",
            axum::routing::patch(users::rename_department),
        )
        .route("/departments/{id}/members", get(users::department_members))
        .route(
            "/departments/{id}/members/{user_id}",
            put(users::add_department_member).delete(users::remove_department_member),
        )
        .route("/channels", get(channels::list).post(channels::create))
        .route(
            "/channels/{id}",
            get(channels::get).patch(channel_settings::update),
        )
        .route("/channels/{id}/archive", post(channel_settings::archive))
        .route(
            "/channels/{id}/unarchive",
            post(channel_settings::unarchive),
        )
        .route(
            "/channels/{id}/mute",
            put(channel_settings::mute).delete(channel_settings::unmute),
        )
        .route("/channels/{id}/join", post(channels::join))
        .route("/channels/{id}/leave", post(channels::leave))
        .route("/channels/{id}/members", get(channels::members))
        .route(
            "/channels/{id}/members/{user_id}",
            put(channels::add_member).delete(channels::remove_member),
        )
        .route(
            "/channels/{id}/messages",
            get(channels::history).post(channels::post),
        )
        .route("/channels/{id}/events", get(channels::events))
        .route("/channels/{id}/unread", post(channels::mark_unread))
        .route(
            "/channels/{id}/messages/{message_id}",
            axum::routing::patch(channels::edit).delete(channels::delete_message),
        )
        .route(
            "/channels/{id}/messages/{message_id}/reactions/{emoji}",
            put(channels::add_reaction).delete(channels::remove_reaction),
        )
        .route(
            "/channels/{id}/messages/{message_id}/actions",
            post(channels::click),
        )
        .route("/channels/{id}/threads/{root_seq}", get(threads::thread))
        .route(
            "/channels/{id}/threads/{root_seq}/follow",
            put(threads::follow).delete(threads::unfollow),
        )
        .route("/channels/{id}/threads/{root_seq}/read", put(threads::read))
        .route(
            "/channels/{id}/threads/{root_seq}/unread",
            post(threads::unread),
        )
        .route("/threads", get(threads::followed))
        .route("/channels/{id}/pins", get(pins::list))
        .route(
            "/channels/{id}/pins/{message_id}",
            put(pins::pin).delete(pins::unpin),
        )
        .route("/saved", get(pins::saved))
        .route("/saved/{message_id}", put(pins::save).delete(pins::unsave))
        .route(
            "/files",
            // The upload counts its own bytes against `files.max_bytes`; the body limit only
            // leaves room for the multipart framing around them.
            post(files::upload).layer(DefaultBodyLimit::max(upload_body_limit(&ctx))),
        )
        .route("/files/{id}", get(files::download))
        .route("/files/{id}/thumbnail", get(files::thumbnail))
        .route("/search", get(search::search))
        .route("/dms", post(channels::open_dm))
        .route(
            "/channels/{id}/webhooks",
            get(webhooks::list).post(webhooks::create),
        )
        .route(
            "/webhooks/{id}",
            axum::routing::patch(webhooks::rename).delete(webhooks::delete),
        )
        .route("/webhooks/{id}/regenerate", post(webhooks::regenerate))
        .route("/webhooks/{id}/take-over", post(webhooks::take_over))
        .route("/commands", get(commands::list).post(commands::register))
        .route("/channels/{id}/commands", get(commands::in_channel))
        .route("/commands/{id}", axum::routing::delete(commands::remove))
        .route("/tickets", get(tickets::list).post(tickets::open))
        .route("/tickets/stats", get(tickets::stats))
        .route(
            "/tickets/{number}",
            get(tickets::detail).patch(tickets::update),
        )
        .route("/info", get(info::list))
        .route("/info/{topic}", put(info::set).delete(info::remove))
        .route("/bots", get(bots::list).post(bots::create))
        .route("/bots/{id}/tokens", get(bots::tokens).post(bots::add_token))
        .route(
            "/bots/{id}/telegram",
            get(bots::telegram).put(bots::set_telegram),
        )
        .route(
            "/bots/{id}/tokens/{token_id}",
            axum::routing::delete(bots::revoke_token),
        )
        .route("/admin/stats", get(admin::stats))
        .route("/admin/channels", get(admin::channels))
        .route("/admin/webhooks", get(admin::webhooks))
        .route(
            "/admin/support",
            get(admin::support).put(admin::update_support),
        )
        .route("/admin/import", post(admin::import))
        .route("/audit", get(admin::audit))
        .route("/ws", get(crate::ws::upgrade))
        .fallback(crate::http_error::not_found)
        .method_not_allowed_fallback(crate::http_error::method_not_allowed)
        .layer(axum::middleware::from_fn(refuse_nul_in_url))
        .layer(from_fn_with_state(ctx.clone(), metrics::count_request));
    // Posting endpoints of incoming webhooks; anything else under /hooks is a JSON 404.
    let hooks = Router::new()
        .route("/{secret}", post(webhooks::deliver))
        .route("/commands/{token}", post(commands::late_reply))
        .fallback(crate::http_error::not_found)
        .method_not_allowed_fallback(crate::http_error::method_not_allowed)
        .layer(axum::middleware::from_fn(refuse_nul_in_url))
        .layer(from_fn_with_state(ctx.clone(), metrics::count_request));
    let probes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::scrape))
        .route_layer(from_fn_with_state(ctx.clone(), metrics::count_request));
    let router = Router::new()
        .merge(probes)
        .nest("/api/v1", api)
        .nest("/hooks", hooks)
        // The Bot API's sendDocument/sendPhoto stream files as uploads do.
        .fallback(web_or_bot_api.layer(DefaultBodyLimit::max(upload_body_limit(&ctx))))
        .method_not_allowed_fallback(crate::http_error::method_not_allowed)
        .layer(DefaultBodyLimit::max(ctx.config.limits.max_http_body_bytes))
        // A body trickled a byte at a time would hold its connection forever (see `net.rs`).
        .layer(RequestBodyTimeoutLayer::new(Duration::from_millis(
            ctx.config.http.body_read_timeout_ms,
        )));
    let router = crate::web::with_security_headers(router);
    let router = if ctx.config.tls.is_some() {
        crate::web::with_hsts(router)
    } else {
        router
    };
    router.layer(TraceLayer::new_for_http()).with_state(ctx)
}

/// What no route claims: a Telegram-style Bot API call (`/bot<token>/<method>`, see
/// `telegram/`), else the web client.
async fn web_or_bot_api(State(ctx): State<Arc<Context>>, request: Request) -> Response {
    if crate::telegram::api_call(request.uri().path()).is_some() {
        return crate::telegram::handle(State(ctx), request).await;
    }
    if let Some((token, file_id)) = crate::telegram::file_call(request.uri().path()) {
        return bot_api_file(ctx, &token, file_id, request.headers().clone()).await;
    }
    let (parts, _) = request.into_parts();
    crate::web::serve(parts.method, parts.uri, parts.headers).await
}

/// `GET /file/bot<token>/<file_path>`: a file the bot may read, served as `GET /files/{id}`
/// serves it (ranges included).
async fn bot_api_file(
    ctx: Arc<Context>,
    token: &str,
    file_id: String,
    headers: axum::http::HeaderMap,
) -> Response {
    let caller = match crate::telegram::bot_caller(&ctx, token).await {
        Ok(caller) => caller,
        Err(refused) => return refused.into_response(),
    };
    match files::download(State(ctx), caller, axum::extract::Path(file_id), headers).await {
        Ok(response) => response,
        Err(_) => crate::telegram::TgError::not_found().into_response(),
    }
}

/// The largest request body of an upload: the largest file and its multipart framing.
fn upload_body_limit(ctx: &Context) -> usize {
    usize::try_from(ctx.config.files.max_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(64 * 1024)
}

/// Refuses a path or query that would decode to text with NUL (see `validate::NUL_REFUSED`),
/// before any handler passes it to the store.
async fn refuse_nul_in_url(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let checked = crate::validate::refuse_nul_in_url(uri.path())
        .and_then(|()| crate::validate::refuse_nul_in_url(uri.query().unwrap_or("")));
    match checked {
        Ok(()) => next.run(request).await,
        Err(e) => crate::http_error::HttpError::from(e).into_response(),
    }
}
