//! `/api/v1/tickets`: the support desk over REST.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xerrada_protocol::{
    OpenTicketRequest, Ticket, TicketDetail, TicketList, TicketStats, UpdateTicketRequest,
};

use super::extract::{ApiJson, ApiQuery, UiLang};
use super::openapi::{Refusals, access};
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

/// List tickets: a requester sees its own, the support team sees all and may filter.
#[utoipa::path(
    get,
    path = "/tickets",
    tag = "tickets",
    params(
        ("status" = Option<String>, Query, pattern = "^(open|in_progress|waiting|resolved|closed)?$", description = "only tickets in this status: `open`, `in_progress`, `waiting`, `resolved` or `closed` (the status labels of the supported languages are read too); empty means any"),
        ("assignee_id" = Option<String>, Query, description = "only tickets assigned to this account id; empty means any"),
        ("category" = Option<String>, Query, description = "only tickets of this category (regardless of case); empty means any"),
        ("mine" = Option<String>, Query, pattern = "^(true|false)?$", description = "`true`: only the caller's own tickets (what a requester outside the team always gets); `false` or empty: no such filter"),
    ),
    responses(
        (status = 200, description = "the tickets", body = TicketList),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
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

/// Open a support ticket, as `/suport` does.
#[utoipa::path(
    post,
    path = "/tickets",
    tag = "tickets",
    request_body = OpenTicketRequest,
    responses(
        (status = 201, description = "the new ticket", body = Ticket),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
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

/// A ticket with its history and files (its requester, or the support team).
///
/// Internal notes and the files attached with them are shown only to the support team. A
/// ticket the caller may not see is 404.
#[utoipa::path(
    get,
    path = "/tickets/{number}",
    tag = "tickets",
    params(
        ("number" = String, Path, description = "the ticket's number, with or without a leading `#`; anything else is 404"),
    ),
    responses(
        (status = 200, description = "the ticket, its history and its files", body = TicketDetail),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::TICKET_PARTY))),
)]
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

/// Change a ticket or comment on it (its requester, or the support team).
///
/// A requester may comment on, close and reopen its own ticket; status, priority, category,
/// assignee and internal notes are otherwise the support team's. A ticket the caller may not
/// see is 404.
#[utoipa::path(
    patch,
    path = "/tickets/{number}",
    tag = "tickets",
    params(
        ("number" = String, Path, description = "the ticket's number, with or without a leading `#`; anything else is 404"),
    ),
    request_body = UpdateTicketRequest,
    responses(
        (status = 200, description = "the ticket as changed", body = Ticket),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::TICKET_PARTY))),
)]
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

/// The support desk's figures for a period (the support team).
///
/// `GET /tickets/stats`: the figures as JSON, or with `format=csv` one line per ticket of the
/// period.
#[utoipa::path(
    get,
    path = "/tickets/stats",
    tag = "tickets",
    params(
        ("from" = Option<String>, Query, description = "start of the period: a date (`2026-12-01`, from its start) or an RFC 3339 time; default: 28 days before `to`"),
        ("to" = Option<String>, Query, description = "end of the period: a date (`2026-12-31`, that whole day included) or an RFC 3339 time; default: now. At most 366 days after `from`"),
        ("format" = Option<String>, Query, pattern = "^(json|csv)?$", description = "`json` (the default, also when empty) or `csv`"),
    ),
    responses(
        (status = 200, description = "the figures as JSON, or with `format=csv` a CSV file (`xerrada-tickets.csv`) with one line per ticket opened in the period",
            content(
                (TicketStats = "application/json"),
                ("text/csv"),
            ),
        ),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SUPPORT_TEAM))),
)]
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
