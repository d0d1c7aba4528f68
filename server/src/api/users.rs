//! `/api/v1/users` and `/api/v1/departments`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use xerrada_protocol::{
    CreateDepartmentRequest, CreateUserRequest, CreatedUser, Department, PasswordAnswer,
    RenameDepartmentRequest, ResetPasswordRequest, UpdateUserRequest, User,
};

use super::extract::{ApiJson, ApiQuery};
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::{accounts, departments};

#[derive(Deserialize)]
pub struct DirectoryQuery {
    q: Option<String>,
}

pub async fn list(
    State(ctx): State<Arc<Context>>,
    _caller: Caller,
    ApiQuery(query): ApiQuery<DirectoryQuery>,
) -> HttpResult<Json<Vec<User>>> {
    Ok(Json(accounts::directory(&ctx, query.q.as_deref()).await?))
}

pub async fn create(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> HttpResult<(StatusCode, Json<CreatedUser>)> {
    let user = accounts::create(&ctx, &caller, req).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

pub async fn get(
    State(ctx): State<Arc<Context>>,
    _caller: Caller,
    Path(user_id): Path<String>,
) -> HttpResult<Json<User>> {
    Ok(Json(accounts::get(&ctx, &user_id).await?))
}

pub async fn update(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(user_id): Path<String>,
    ApiJson(req): ApiJson<UpdateUserRequest>,
) -> HttpResult<Json<User>> {
    Ok(Json(accounts::update(&ctx, &caller, &user_id, req).await?))
}

pub async fn deactivate(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(user_id): Path<String>,
) -> HttpResult<StatusCode> {
    accounts::deactivate(&ctx, &caller, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn reactivate(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(user_id): Path<String>,
) -> HttpResult<Json<User>> {
    Ok(Json(accounts::reactivate(&ctx, &caller, &user_id).await?))
}

pub async fn reset_password(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(user_id): Path<String>,
    ApiJson(req): ApiJson<ResetPasswordRequest>,
) -> HttpResult<Json<PasswordAnswer>> {
    Ok(Json(
        accounts::reset_password(&ctx, &caller, &user_id, req).await?,
    ))
}

pub async fn sign_out(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(user_id): Path<String>,
) -> HttpResult<StatusCode> {
    accounts::sign_out_everywhere(&ctx, &caller, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn rename_department(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(department_id): Path<String>,
    ApiJson(req): ApiJson<RenameDepartmentRequest>,
) -> HttpResult<Json<Department>> {
    Ok(Json(
        departments::rename(&ctx, &caller, &department_id, req).await?,
    ))
}

pub async fn department_members(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(department_id): Path<String>,
) -> HttpResult<Json<Vec<User>>> {
    Ok(Json(
        departments::members(&ctx, &caller, &department_id).await?,
    ))
}

pub async fn list_departments(
    State(ctx): State<Arc<Context>>,
    _caller: Caller,
) -> HttpResult<Json<Vec<Department>>> {
    Ok(Json(departments::list(&ctx).await?))
}

pub async fn create_department(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateDepartmentRequest>,
) -> HttpResult<(StatusCode, Json<Department>)> {
    let department = departments::create(&ctx, &caller, req).await?;
    Ok((StatusCode::CREATED, Json(department)))
}

pub async fn add_department_member(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((department_id, user_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    departments::add_member(&ctx, &caller, &department_id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_department_member(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((department_id, user_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    departments::remove_member(&ctx, &caller, &department_id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
