//! `/api/v1/tickets`: the support desk over REST.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use xerrada_protocol::{
    OpenTicketRequest, Ticket, TicketDetail, TicketList, TicketStatus, UpdateTicketRequest,
};

use super::error::HttpResult;
use super::extract::{ApiJson, ApiQuery};
use crate::auth::Caller;
use crate::context::Context;
use crate::error::AppError;
use crate::support::{self, ListQuery};

#[derive(Deserialize)]
pub struct TicketsQuery {
    status: Option<TicketStatus>,
    assignee_id: Option<String>,
    category: Option<String>,
    #[serde(default)]
    mine: bool,
}

pub async fn list(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiQuery(query): ApiQuery<TicketsQuery>,
) -> HttpResult<Json<TicketList>> {
    let query = ListQuery {
        status: query.status,
        assignee_id: query.assignee_id,
        category: query.category,
        mine: query.mine,
    };
    let tickets = support::list(&ctx, &caller.user, query).await?;
    Ok(Json(TicketList { tickets }))
}

pub async fn open(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<OpenTicketRequest>,
) -> HttpResult<(StatusCode, Json<Ticket>)> {
    Ok((
        StatusCode::CREATED,
        Json(support::open(&ctx, &caller.user, req).await?),
    ))
}

/// A ticket number from the path; anything else names no ticket.
fn number(raw: &str) -> Result<i64, AppError> {
    raw.trim_start_matches('#')
        .parse()
        .map_err(|_| AppError::NotFound(format!("ticket {raw:?} not found")))
}

pub async fn detail(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(raw): Path<String>,
) -> HttpResult<Json<TicketDetail>> {
    Ok(Json(
        support::detail(&ctx, &caller.user, number(&raw)?).await?,
    ))
}

pub async fn update(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(raw): Path<String>,
    ApiJson(req): ApiJson<UpdateTicketRequest>,
) -> HttpResult<Json<Ticket>> {
    Ok(Json(
        support::update(&ctx, &caller.user, number(&raw)?, req).await?,
    ))
}
