//! `/api/v1/admin/*` and `/api/v1/audit`: the admin area's calls (admins only; see
//! `services::admin` and `services::audit`).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use xerrada_protocol::{
    AdminStats, Channel, ImportRequest, ImportResult, SupportSettings,
    UpdateSupportSettingsRequest, Webhook,
};

use super::extract::{ApiJson, ApiQuery};
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::audit::{self, AuditQuery};
use crate::services::{admin, webhooks};

pub async fn stats(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
) -> HttpResult<Json<AdminStats>> {
    Ok(Json(admin::stats(&ctx, &caller).await?))
}

pub async fn channels(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
) -> HttpResult<Json<Vec<Channel>>> {
    Ok(Json(admin::channels(&ctx, &caller).await?))
}

pub async fn webhooks(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
) -> HttpResult<Json<Vec<Webhook>>> {
    Ok(Json(webhooks::list_all(&ctx, &caller).await?))
}

pub async fn support(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
) -> HttpResult<Json<SupportSettings>> {
    Ok(Json(crate::helpdesk::settings_view(&ctx, &caller).await?))
}

pub async fn update_support(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<UpdateSupportSettingsRequest>,
) -> HttpResult<Json<SupportSettings>> {
    Ok(Json(
        crate::helpdesk::settings::update(&ctx, &caller, req).await?,
    ))
}

pub async fn import(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<ImportRequest>,
) -> HttpResult<Json<ImportResult>> {
    Ok(Json(admin::import(&ctx, &caller, req).await?))
}

/// `GET /audit`: a page of JSON, or with `format=csv` every matching entry as a download.
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
