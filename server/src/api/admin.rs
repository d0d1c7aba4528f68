//! `/api/v1/admin/*` and `/api/v1/audit`: the admin area's calls (admins only; see
//! `services::admin` and `services::audit`).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use xerrada_protocol::{
    AdminStats, AuditPage, Channel, ImportRequest, ImportResult, SupportSettings,
    UpdateSupportSettingsRequest, Webhook,
};

use super::extract::{ApiJson, ApiQuery};
use super::openapi::{Refusals, access};
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::audit::{self, AuditQuery};
use crate::services::{admin, webhooks};

/// Counts for the admin area: accounts, channels, messages, storage.
#[utoipa::path(
    get,
    path = "/admin/stats",
    tag = "admin",
    responses((status = 200, description = "the installation's counts", body = AdminStats), Refusals),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn stats(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
) -> HttpResult<Json<AdminStats>> {
    Ok(Json(admin::stats(&ctx, &caller).await?))
}

/// Every channel, private ones and direct messages' metadata included.
#[utoipa::path(
    get,
    path = "/admin/channels",
    tag = "admin",
    responses((status = 200, description = "every channel", body = Vec<Channel>), Refusals),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn channels(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
) -> HttpResult<Json<Vec<Channel>>> {
    Ok(Json(admin::channels(&ctx, &caller).await?))
}

/// Every incoming webhook of the installation.
#[utoipa::path(
    get,
    path = "/admin/webhooks",
    tag = "admin",
    responses((status = 200, description = "every webhook", body = Vec<Webhook>), Refusals),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn webhooks(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
) -> HttpResult<Json<Vec<Webhook>>> {
    Ok(Json(webhooks::list_all(&ctx, &caller).await?))
}

/// The support desk's settings (hours, categories, team).
#[utoipa::path(
    get,
    path = "/admin/support",
    tag = "admin",
    responses((status = 200, description = "the support desk's settings", body = SupportSettings), Refusals),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn support(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
) -> HttpResult<Json<SupportSettings>> {
    Ok(Json(crate::helpdesk::settings_view(&ctx, &caller).await?))
}

/// Change the support desk's settings.
#[utoipa::path(
    put,
    path = "/admin/support",
    tag = "admin",
    request_body = UpdateSupportSettingsRequest,
    responses((status = 200, description = "the settings now", body = SupportSettings), Refusals),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn update_support(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<UpdateSupportSettingsRequest>,
) -> HttpResult<Json<SupportSettings>> {
    Ok(Json(
        crate::helpdesk::settings::update(&ctx, &caller, req).await?,
    ))
}

/// Import staff, departments and channels from a list (idempotent: a second run changes nothing).
#[utoipa::path(
    post,
    path = "/admin/import",
    tag = "admin",
    request_body = ImportRequest,
    responses((status = 200, description = "what was created and what was already there", body = ImportResult), Refusals),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn import(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<ImportRequest>,
) -> HttpResult<Json<ImportResult>> {
    Ok(Json(admin::import(&ctx, &caller, req).await?))
}

/// `GET /audit`: a page of JSON, or with `format=csv` every matching entry as a download.
/// The audit log, newest first, as JSON pages or one CSV download.
#[utoipa::path(
    get,
    path = "/audit",
    tag = "admin",
    params(
        ("actor" = Option<String>, Query, description = "an account id, or a username (also finds failed logins that tried it)"),
        ("action" = Option<String>, Query, description = "one action, e.g. login_failed"),
        ("from" = Option<String>, Query, description = "a date (2026-12-01, from its start) or an RFC 3339 time"),
        ("to" = Option<String>, Query, description = "a date (up to its end) or an RFC 3339 time (exclusive)"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500, description = "entries per page (default 100)"),
        ("format" = Option<String>, Query, pattern = "^(json|csv)?$", description = "json (default) or csv"),
    ),
    responses(
        (status = 200, description = "a page of entries, or with format=csv every matching entry", content(
            (AuditPage = "application/json"),
            (String = "text/csv"),
        )),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn audit(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> HttpResult<Response> {
    match query.format.as_deref() {
        None | Some("" | "json") => {
            Ok(Json(audit::page(&ctx, &caller, &query).await?).into_response())
        }
        Some("csv") => {
            let body = audit::export_csv(&ctx, &caller, &query).await?;
            let name = format!("xerrada-audit-{}.csv", &crate::ids::now()[..10]);
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                body,
            )
                .into_response())
        }
        Some(other) => Err(crate::error::AppError::Invalid(format!(
            "format must be json or csv, not {other:?}"
        ))
        .into()),
    }
}
