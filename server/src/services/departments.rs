//! Departments: each owns a private channel whose membership follows the department's.

use serde_json::json;
use xerrada_protocol::{
    ChannelKind, CreateDepartmentRequest, Department, RenameDepartmentRequest, User,
};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::services::accounts::require_admin;
use crate::services::audit::{self, AuditAction};
use crate::store::{ChannelMembers, NewChannel, WriteOp};
use crate::validate::{Name, Slug};

/// `POST /departments` (admins only).
pub async fn create(
    ctx: &Context,
    caller: &Caller,
    req: CreateDepartmentRequest,
) -> AppResult<Department> {
    require_admin(caller)?;
    let department = create_department(
        ctx,
        Slug::parse(&req.slug)?,
        Name::parse(&req.name, "name")?,
    )
    .await?;
    audit::record(
        ctx,
        caller.into(),
        AuditAction::DepartmentCreated,
        &department.id,
        json!({"slug": department.slug, "name": department.name}),
    )
    .await;
    Ok(department)
}

/// `PATCH /departments/{id}` (admins only): a new name; the slug and channel stay.
pub async fn rename(
    ctx: &Context,
    caller: &Caller,
    department_id: &str,
    req: RenameDepartmentRequest,
) -> AppResult<Department> {
    require_admin(caller)?;
    let name = Name::parse(&req.name, "name")?.into_string();
    let department = ctx
        .store
        .rename_department(department_id, &name)
        .await?
        .ok_or_else(|| AppError::not_found("department"))?;
    audit::record(
        ctx,
        caller.into(),
        AuditAction::DepartmentRenamed,
        department_id,
        json!({"name": name}),
    )
    .await;
    Ok(department)
}

/// `GET /departments/{id}/members` (admins only): the department's people, by username.
pub async fn members(ctx: &Context, caller: &Caller, department_id: &str) -> AppResult<Vec<User>> {
    require_admin(caller)?;
    let department = ctx
        .store
        .department_by_id(department_id)
        .await?
        .ok_or_else(|| AppError::not_found("department"))?;
    let ids: Vec<String> = ctx
        .memberships
        .get(&department.channel_id)
        .map(|info| info.members.iter().cloned().collect())
        .unwrap_or_default();
    Ok(ctx.store.users_by_ids(&ids).await?)
}

/// Creates a department and its channel (named after the slug).
pub async fn create_department(ctx: &Context, slug: Slug, name: Name) -> AppResult<Department> {
    let slug = slug.into_string();
    let department = Department {
        id: ids::new_id(),
        slug: slug.clone(),
        name: name.into_string(),
        channel_id: ids::new_id(),
    };
    let channel = NewChannel {
        id: department.channel_id.clone(),
        name: slug,
        kind: ChannelKind::Private,
        department_id: Some(department.id.clone()),
        topic: String::new(),
        dm_key: None,
        created_at: ids::now(),
        created_by: None,
    };
    ctx.store
        .create_department(department.clone(), channel)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::Conflict("the department slug is taken".into()),
            other => other,
        })?;
    ctx.remember_new_channel(ChannelMembers {
        channel_id: department.channel_id.clone(),
        kind: ChannelKind::Private,
        department_id: Some(department.id.clone()),
        follows_department: true,
        member_ids: Vec::new(),
        archived: false,
    });
    Ok(department)
}

pub async fn list(ctx: &Context) -> AppResult<Vec<Department>> {
    Ok(ctx.store.list_departments().await?)
}

/// `PUT /departments/{id}/members/{user_id}` (admins only).
pub async fn add_member(
    ctx: &Context,
    caller: &Caller,
    department_id: &str,
    user_id: &str,
) -> AppResult<()> {
    require_admin(caller)?;
    set_membership(ctx, department_id, user_id, true).await?;
    let action = AuditAction::DepartmentMemberAdded;
    audit::record(
        ctx,
        caller.into(),
        action,
        department_id,
        json!({"user_id": user_id}),
    )
    .await;
    Ok(())
}

/// `DELETE /departments/{id}/members/{user_id}` (admins only).
pub async fn remove_member(
    ctx: &Context,
    caller: &Caller,
    department_id: &str,
    user_id: &str,
) -> AppResult<()> {
    require_admin(caller)?;
    set_membership(ctx, department_id, user_id, false).await?;
    let action = AuditAction::DepartmentMemberRemoved;
    audit::record(
        ctx,
        caller.into(),
        action,
        department_id,
        json!({"user_id": user_id}),
    )
    .await;
    Ok(())
}

/// Adds or removes a department member (and so a member of its channel).
pub async fn set_membership(
    ctx: &Context,
    department_id: &str,
    user_id: &str,
    member: bool,
) -> AppResult<()> {
    if member {
        let active = ctx
            .store
            .user_by_id(user_id)
            .await?
            .is_some_and(|u| u.active);
        if !active {
            return Err(AppError::not_found("user"));
        }
    }
    let (department_id, user_id, at) = (department_id.to_owned(), user_id.to_owned(), ids::now());
    let op = if member {
        WriteOp::AddDepartmentMember {
            department_id,
            user_id,
            at,
        }
    } else {
        WriteOp::RemoveDepartmentMember {
            department_id,
            user_id,
            at,
        }
    };
    ctx.writer.write(op).await?;
    Ok(())
}
