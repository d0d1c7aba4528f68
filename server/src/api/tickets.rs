//! `/api/v1/tickets`: the support desk over REST.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xerrada_protocol::{OpenTicketRequest, Ticket, TicketDetail, TicketList, UpdateTicketRequest};

use super::extract::{ApiJson, ApiQuery, UiLang};
use crate::auth::Caller;
use crate::context::Context;
use crate::error::AppError;
use crate::helpdesk::{self, ListQuery};
use crate::http_error::HttpResult;
use crate::services::audit::spreadsheet_safe;
use crate::texts::labels::read_status;
use crate::texts::{Lang, desk};

/// Query of `GET /tickets`. An empty value (`?status=&category=`) means "any".
#[derive(Deserialize)]
pub struct TicketsQuery {
    status: Option<String>,
    assignee_id: Option<String>,
    category: Option<String>,
    mine: Option<String>,
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

pub async fn list(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    UiLang(lang): UiLang,
    ApiQuery(query): ApiQuery<TicketsQuery>,
) -> HttpResult<Json<TicketList>> {
    let status = non_empty(query.status)
        .map(|s| read_status(&s).ok_or_else(|| AppError::Invalid(desk::unknown_status(lang, &s))))
        .transpose()?;
    let mine = match non_empty(query.mine).as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(AppError::Invalid(desk::mine_flag(lang, other)).into());
        }
    };
    let query = ListQuery {
        status,
        assignee_id: non_empty(query.assignee_id),
        category: non_empty(query.category),
        mine,
    };
    let tickets = helpdesk::list(&ctx, &caller.user, query).await?;
    Ok(Json(TicketList { tickets }))
}

pub async fn open(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    UiLang(lang): UiLang,
    ApiJson(req): ApiJson<OpenTicketRequest>,
) -> HttpResult<(StatusCode, Json<Ticket>)> {
    Ok((
        StatusCode::CREATED,
        Json(helpdesk::open(&ctx, &caller.user, req, lang).await?),
    ))
}

/// A ticket number from the path; anything else names no ticket.
fn number(raw: &str, lang: Lang) -> Result<i64, AppError> {
    raw.trim_start_matches('#')
        .parse()
        .map_err(|_| AppError::NotFound(desk::ticket_not_found(lang, format!("{raw:?}"))))
}

pub async fn detail(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    UiLang(lang): UiLang,
    Path(raw): Path<String>,
) -> HttpResult<Json<TicketDetail>> {
    let number = number(&raw, lang)?;
    Ok(Json(
        helpdesk::detail(&ctx, &caller.user, number, lang).await?,
    ))
}

pub async fn update(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    UiLang(lang): UiLang,
    Path(raw): Path<String>,
    ApiJson(req): ApiJson<UpdateTicketRequest>,
) -> HttpResult<Json<Ticket>> {
    let number = number(&raw, lang)?;
    Ok(Json(
        helpdesk::update(&ctx, &caller.user, number, req, lang).await?,
    ))
}

/// Query of `GET /tickets/stats`.
#[derive(Deserialize)]
pub struct StatsQuery {
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

/// `GET /tickets/stats`: the figures as JSON, or with `format=csv` one line per ticket of the
/// period.
pub async fn stats(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    UiLang(lang): UiLang,
    ApiQuery(query): ApiQuery<StatsQuery>,
) -> HttpResult<Response> {
    let (from, to) = (query.from.as_deref(), query.to.as_deref());
    match non_empty(query.format).as_deref() {
        None | Some("json") => {
            let figures = helpdesk::stats(&ctx, &caller.user, from, to, lang).await?;
            Ok(Json(figures).into_response())
        }
        Some("csv") => {
            let period = helpdesk::stats_period(&ctx, &caller.user, from, to, lang).await?;
            let mut out = csv::Writer::from_writer(Vec::new());
            out.write_record(helpdesk::stats::CSV_HEADER)
                .map_err(AppError::internal)?;
            for row in helpdesk::stats::csv_rows(&period.tickets) {
                let cells = row.map(|cell| spreadsheet_safe(&cell).into_owned());
                out.write_record(cells).map_err(AppError::internal)?;
            }
            let body = out.into_inner().map_err(AppError::internal)?;
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"xerrada-tickets.csv\"",
                    ),
                ],
                body,
            )
                .into_response())
        }
        Some(other) => {
            Err(AppError::Invalid(format!("format must be json or csv, not {other:?}")).into())
        }
    }
}
