//! Departments: each owns a private channel whose membership follows the department's.

use xerrada_protocol::{ChannelKind, CreateDepartmentRequest, Department};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::services::accounts::require_admin;
use crate::store::{ChannelMembers, NewChannel, WriteOp};
use crate::validate::{Name, Slug};

/// `POST /departments` (admins only).
pub async fn create(
    ctx: &Context,
    caller: &Caller,
    req: CreateDepartmentRequest,
) -> AppResult<Department> {
    require_admin(caller)?;
    create_department(
        ctx,
        Slug::parse(&req.slug)?,
        Name::parse(&req.name, "name")?,
    )
    .await
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
    set_membership(ctx, department_id, user_id, true).await
}

/// `DELETE /departments/{id}/members/{user_id}` (admins only).
pub async fn remove_member(
    ctx: &Context,
    caller: &Caller,
    department_id: &str,
    user_id: &str,
) -> AppResult<()> {
    require_admin(caller)?;
    set_membership(ctx, department_id, user_id, false).await
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
