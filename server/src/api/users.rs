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
use super::openapi::{Refusals, access};
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::{accounts, departments};

#[derive(Deserialize)]
pub struct DirectoryQuery {
    q: Option<String>,
}

/// List the directory of accounts, optionally filtered by name.
#[utoipa::path(
    get,
    path = "/users",
    tag = "users",
    params(
        ("q" = Option<String>, Query, description = "only accounts whose username or display name contains this (ASCII letters compare regardless of case); empty or absent lists everyone. At most 1000 accounts, by username; the `incoming-webhook` account is left out"),
    ),
    responses(
        (status = 200, description = "the matching accounts, people and bots, deactivated ones included", body = Vec<User>),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
pub async fn list(
    State(ctx): State<Arc<Context>>,
    _caller: Caller,
    ApiQuery(query): ApiQuery<DirectoryQuery>,
) -> HttpResult<Json<Vec<User>>> {
    Ok(Json(accounts::directory(&ctx, query.q.as_deref()).await?))
}

/// Create a person's account (admins only).
#[utoipa::path(
    post,
    path = "/users",
    tag = "users",
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "the new account, and the one-time password made for it when the request gave none", body = CreatedUser),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn create(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> HttpResult<(StatusCode, Json<CreatedUser>)> {
    let user = accounts::create(&ctx, &caller, req).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// One account by id.
#[utoipa::path(
    get,
    path = "/users/{id}",
    tag = "users",
    params(
        ("id" = String, Path, description = "the account's id"),
    ),
    responses(
        (status = 200, description = "the account", body = User),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
pub async fn get(
    State(ctx): State<Arc<Context>>,
    _caller: Caller,
    Path(user_id): Path<String>,
) -> HttpResult<Json<User>> {
    Ok(Json(accounts::get(&ctx, &user_id).await?))
}

/// Change an account: admins change anything, others only their own profile and password.
///
/// A non-admin may change only its own account, and not its role or e-mail address; changing
/// its own password needs `current_password`. An admin cannot demote itself.
#[utoipa::path(
    patch,
    path = "/users/{id}",
    tag = "users",
    params(
        ("id" = String, Path, description = "the account's id"),
    ),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "the account as changed", body = User),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ACCOUNT_OR_ADMIN))),
)]
pub async fn update(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(user_id): Path<String>,
    ApiJson(req): ApiJson<UpdateUserRequest>,
) -> HttpResult<Json<User>> {
    Ok(Json(accounts::update(&ctx, &caller, &user_id, req).await?))
}

/// Deactivate an account: it can no longer sign in and its sessions end (admins only).
#[utoipa::path(
    post,
    path = "/users/{id}/deactivate",
    tag = "users",
    params(
        ("id" = String, Path, description = "the account's id (not the caller's own)"),
    ),
    responses(
        (status = 204, description = "deactivated; its sessions ended and its sockets closed"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn deactivate(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(user_id): Path<String>,
) -> HttpResult<StatusCode> {
    accounts::deactivate(&ctx, &caller, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reactivate an account, which may then sign in again with its old password (admins only).
#[utoipa::path(
    post,
    path = "/users/{id}/reactivate",
    tag = "users",
    params(
        ("id" = String, Path, description = "the account's id"),
    ),
    responses(
        (status = 200, description = "the account, active again", body = User),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn reactivate(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(user_id): Path<String>,
) -> HttpResult<Json<User>> {
    Ok(Json(accounts::reactivate(&ctx, &caller, &user_id).await?))
}

/// Set a person's password, or make a one-time one, ending all its sessions (admins only).
#[utoipa::path(
    post,
    path = "/users/{id}/reset-password",
    tag = "users",
    params(
        ("id" = String, Path, description = "the person's account id (bots have no password)"),
    ),
    request_body = ResetPasswordRequest,
    responses(
        (status = 200, description = "the password now in force: the one given, or the one made", body = PasswordAnswer),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
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

/// End every session of an account, on every node (admins only).
#[utoipa::path(
    post,
    path = "/users/{id}/sign-out",
    tag = "users",
    params(
        ("id" = String, Path, description = "the account's id"),
    ),
    responses(
        (status = 204, description = "every session ended and every socket closed"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn sign_out(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(user_id): Path<String>,
) -> HttpResult<StatusCode> {
    accounts::sign_out_everywhere(&ctx, &caller, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rename a department; its slug and channel stay (admins only).
#[utoipa::path(
    patch,
    path = "/departments/{id}",
    tag = "departments",
    params(
        ("id" = String, Path, description = "the department's id"),
    ),
    request_body = RenameDepartmentRequest,
    responses(
        (status = 200, description = "the department, renamed", body = Department),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
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

/// The people of a department (admins only).
#[utoipa::path(
    get,
    path = "/departments/{id}/members",
    tag = "departments",
    params(
        ("id" = String, Path, description = "the department's id"),
    ),
    responses(
        (status = 200, description = "the department's members, by username", body = Vec<User>),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn department_members(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(department_id): Path<String>,
) -> HttpResult<Json<Vec<User>>> {
    Ok(Json(
        departments::members(&ctx, &caller, &department_id).await?,
    ))
}

/// List every department.
#[utoipa::path(
    get,
    path = "/departments",
    tag = "departments",
    responses(
        (status = 200, description = "every department", body = Vec<Department>),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
pub async fn list_departments(
    State(ctx): State<Arc<Context>>,
    _caller: Caller,
) -> HttpResult<Json<Vec<Department>>> {
    Ok(Json(departments::list(&ctx).await?))
}

/// Create a department and its private channel, named after the slug (admins only).
#[utoipa::path(
    post,
    path = "/departments",
    tag = "departments",
    request_body = CreateDepartmentRequest,
    responses(
        (status = 201, description = "the new department", body = Department),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn create_department(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateDepartmentRequest>,
) -> HttpResult<(StatusCode, Json<Department>)> {
    let department = departments::create(&ctx, &caller, req).await?;
    Ok((StatusCode::CREATED, Json(department)))
}

/// Add an active account to a department, and so to its channel (admins only).
#[utoipa::path(
    put,
    path = "/departments/{id}/members/{user_id}",
    tag = "departments",
    params(
        ("id" = String, Path, description = "the department's id"),
        ("user_id" = String, Path, description = "the account's id (an active one)"),
    ),
    responses(
        (status = 204, description = "a member (also when it already was)"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn add_department_member(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((department_id, user_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    departments::add_member(&ctx, &caller, &department_id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove an account from a department, and so from its channel (admins only).
#[utoipa::path(
    delete,
    path = "/departments/{id}/members/{user_id}",
    tag = "departments",
    params(
        ("id" = String, Path, description = "the department's id"),
        ("user_id" = String, Path, description = "the account's id"),
    ),
    responses(
        (status = 204, description = "not a member (also when it was not one)"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn remove_department_member(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((department_id, user_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    departments::remove_member(&ctx, &caller, &department_id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
