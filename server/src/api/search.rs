//! `GET /api/v1/search`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use xerrada_protocol::SearchResults;

use super::extract::ApiQuery;
use super::openapi::{Refusals, access};
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::search::{self, SearchParams};

/// Search messages and file names in the caller's channels (and, with `scope=public`, public
/// channels not joined), newest first; accent- and case-insensitive.
#[utoipa::path(
    get,
    path = "/search",
    tag = "search",
    params(
        ("q" = Option<String>, Query, description = "words, \"phrases\", prefixes (llic*), and in:#channel, from:@user, has:file, before:/after: dates"),
        ("channel_id" = Option<String>, Query, description = "only this channel"),
        ("author_id" = Option<String>, Query, description = "only this author"),
        ("before" = Option<String>, Query, description = "only before this date (YYYY-MM-DD) or RFC 3339 time"),
        ("after" = Option<String>, Query, description = "only after this date (YYYY-MM-DD) or RFC 3339 time"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "results per page (default 20)"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("scope" = Option<String>, Query, description = "public: also public channels not joined"),
    ),
    responses((status = 200, description = "a page of results", body = SearchResults), Refusals),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
pub async fn search(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> HttpResult<Json<SearchResults>> {
    Ok(Json(search::search(&ctx, &caller, params).await?))
}
