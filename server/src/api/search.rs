//! `GET /api/v1/search`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use xerrada_protocol::SearchResults;

use super::extract::ApiQuery;
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::search::{self, SearchParams};

pub async fn search(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> HttpResult<Json<SearchResults>> {
    Ok(Json(search::search(&ctx, &caller, params).await?))
}
