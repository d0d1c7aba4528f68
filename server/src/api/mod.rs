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
pub mod openapi;
mod pins;
mod search;
mod threads;
mod tickets;
mod users;
mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::context::Context;

/// The whole HTTP surface of a node.
pub fn router(ctx: Arc<Context>) -> Router {
    let (api, api_doc) = api_routes(&ctx).split_for_parts();
    let api = api
        .fallback(crate::http_error::not_found)
        .method_not_allowed_fallback(crate::http_error::method_not_allowed)
        .layer(axum::middleware::from_fn(refuse_nul_in_url))
        .layer(from_fn_with_state(ctx.clone(), metrics::count_request));
    // Posting endpoints of incoming webhooks; anything else under /hooks is a JSON 404.
    let (hooks, hooks_doc) = hook_routes().split_for_parts();
    let hooks = hooks
        .fallback(crate::http_error::not_found)
        .method_not_allowed_fallback(crate::http_error::method_not_allowed)
        .layer(axum::middleware::from_fn(refuse_nul_in_url))
        .layer(from_fn_with_state(ctx.clone(), metrics::count_request));
    let (probes, probes_doc) = probe_routes().split_for_parts();
    let probes = probes.route_layer(from_fn_with_state(ctx.clone(), metrics::count_request));
    let mut document = openapi::base();
    document.merge(probes_doc);
    let mut document = document.nest("/api/v1", api_doc).nest("/hooks", hooks_doc);
    openapi::qualify_operation_ids(&mut document);
    let router = Router::new()
        .merge(probes)
        .nest("/api/v1", api)
        .nest("/hooks", hooks)
        // The Bot API's sendDocument/sendPhoto stream files as uploads do.
        .fallback(web_or_bot_api.layer(DefaultBodyLimit::max(upload_body_limit(&ctx))))
        .method_not_allowed_fallback(crate::http_error::method_not_allowed)
        .layer(Extension(openapi::Document::new(&document)))
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

/// Liveness, readiness and metrics, at the root where orchestrators look for them.
fn probe_routes() -> OpenApiRouter<Arc<Context>> {
    OpenApiRouter::new()
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(metrics::scrape))
}

/// Under `/hooks`: the posting endpoints of incoming webhooks and late command replies,
/// authorized by the secret in their path.
fn hook_routes() -> OpenApiRouter<Arc<Context>> {
    OpenApiRouter::new()
        .routes(routes!(webhooks::deliver))
        .routes(routes!(commands::late_reply))
}

/// Everything under `/api/v1`. Routes are added only with `routes!`, which takes each
/// handler's method and path from its `#[utoipa::path]`: a route has its OpenAPI entry by
/// construction (`openapi.rs`).
fn api_routes(ctx: &Context) -> OpenApiRouter<Arc<Context>> {
    // The upload counts its own bytes against `files.max_bytes`; the body limit only leaves
    // room for the multipart framing around them.
    let (schemas, paths, upload) = routes!(files::upload);
    let upload = (
        schemas,
        paths,
        upload.layer(DefaultBodyLimit::max(upload_body_limit(ctx))),
    );
    OpenApiRouter::new()
        .routes(routes!(openapi::document))
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::get, users::update))
        .routes(routes!(users::deactivate))
        .routes(routes!(users::reactivate))
        .routes(routes!(users::reset_password))
        .routes(routes!(users::sign_out))
        .routes(routes!(users::list_departments, users::create_department))
        .routes(routes!(users::rename_department))
        .routes(routes!(users::department_members))
        .routes(routes!(
            users::add_department_member,
            users::remove_department_member
        ))
        .routes(routes!(channels::list, channels::create))
        .routes(routes!(channels::get, channel_settings::update))
        .routes(routes!(channel_settings::archive))
        .routes(routes!(channel_settings::unarchive))
        .routes(routes!(channel_settings::mute, channel_settings::unmute))
        .routes(routes!(channels::join))
        .routes(routes!(channels::leave))
        .routes(routes!(channels::members))
        .routes(routes!(channels::add_member, channels::remove_member))
        .routes(routes!(channels::history, channels::post))
        .routes(routes!(channels::events))
        .routes(routes!(channels::mark_unread))
        .routes(routes!(channels::edit, channels::delete_message))
        .routes(routes!(channels::add_reaction, channels::remove_reaction))
        .routes(routes!(channels::click))
        .routes(routes!(threads::thread))
        .routes(routes!(threads::follow, threads::unfollow))
        .routes(routes!(threads::read))
        .routes(routes!(threads::unread))
        .routes(routes!(threads::followed))
        .routes(routes!(pins::list))
        .routes(routes!(pins::pin, pins::unpin))
        .routes(routes!(pins::saved))
        .routes(routes!(pins::save, pins::unsave))
        .routes(upload)
        .routes(routes!(files::download))
        .routes(routes!(files::thumbnail))
        .routes(routes!(search::search))
        .routes(routes!(channels::open_dm))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::rename, webhooks::delete))
        .routes(routes!(webhooks::regenerate))
        .routes(routes!(webhooks::take_over))
        .routes(routes!(commands::list, commands::register))
        .routes(routes!(commands::in_channel))
        .routes(routes!(commands::remove))
        .routes(routes!(tickets::list, tickets::open))
        .routes(routes!(tickets::stats))
        .routes(routes!(tickets::detail, tickets::update))
        .routes(routes!(info::list))
        .routes(routes!(info::set, info::remove))
        .routes(routes!(bots::list, bots::create))
        .routes(routes!(bots::tokens, bots::add_token))
        .routes(routes!(bots::telegram, bots::set_telegram))
        .routes(routes!(bots::revoke_token))
        .routes(routes!(admin::stats))
        .routes(routes!(admin::channels))
        .routes(routes!(admin::webhooks))
        .routes(routes!(admin::support, admin::update_support))
        .routes(routes!(admin::import))
        .routes(routes!(admin::audit))
        .routes(routes!(crate::ws::upgrade))
}

/// What no route claims: a Telegram-style Bot API call (`/bot<token>/<method>`, see
/// `telegram/`), else the web client.
async fn web_or_bot_api(State(ctx): State<Arc<Context>>, request: Request) -> Response {
    let path = request.uri().path();
    let method = request.method();
    if crate::telegram::api_call(path).is_some() {
        if method != Method::GET && method != Method::POST {
            return crate::http_error::method_not_allowed_here("GET, POST");
        }
        return crate::telegram::handle(State(ctx), request).await;
    }
    if path.starts_with("/file/bot") {
        if method != Method::GET && method != Method::HEAD {
            return crate::http_error::method_not_allowed_here("GET, HEAD");
        }
        return match crate::telegram::file_call(path) {
            Some((token, file_id)) => {
                bot_api_file(ctx, &token, file_id, request.headers().clone()).await
            }
            None => crate::telegram::TgError::not_found().into_response(),
        };
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
