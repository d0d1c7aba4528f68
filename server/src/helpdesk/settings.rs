//! The support desk's settings: which department is the team and the ticket categories.
//! `[support]` in `xerrada.toml` gives the defaults; once an admin changes them in the admin
//! area they are stored and win, on every node at once: they are read from the store when
//! used, which is when people open and work tickets, not thousands of times a second.

use serde_json::json;
use xerrada_protocol::{SupportSettings, UpdateSupportSettingsRequest};

use crate::auth::{Caller, require_admin};
use crate::config;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::services::audit::{self, AuditAction};

/// The key of the stored settings.
const KEY: &str = "support";
const MAX_CATEGORIES: usize = 20;
const MAX_CATEGORY_CHARS: usize = 40;

/// What the admin area changes; the rest of `[support]` (working hours) stays the file's.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    department: String,
    categories: Vec<String>,
}

/// The settings in force.
pub async fn current(ctx: &Context) -> AppResult<config::SupportSettings> {
    let mut settings = ctx.config.support.clone();
    if let Some(stored) = ctx.store.setting(KEY).await? {
        let stored: Stored = serde_json::from_str(&stored).map_err(AppError::internal)?;
        settings.department = stored.department;
        settings.categories = stored.categories;
    }
    Ok(settings)
}

/// `PUT /admin/support` (admins): checks and stores new settings; answers them as `GET` does.
pub async fn update(
    ctx: &Context,
    caller: &Caller,
    req: UpdateSupportSettingsRequest,
) -> AppResult<SupportSettings> {
    require_admin(caller)?;
    let department = req.department.trim().to_owned();
    if ctx.store.department_by_slug(&department).await?.is_none() {
        return Err(AppError::Invalid(format!(
            "there is no department {department:?}"
        )));
    }
    let mut categories: Vec<String> = Vec::with_capacity(req.categories.len());
    for category in &req.categories {
        let category = category.trim();
        let length = category.chars().count();
        if length == 0 || length > MAX_CATEGORY_CHARS || category.chars().any(char::is_control) {
            return Err(AppError::Invalid(format!(
                "each category is 1-{MAX_CATEGORY_CHARS} characters"
            )));
        }
        if categories.iter().any(|c| c.eq_ignore_ascii_case(category)) {
            return Err(AppError::Invalid(format!(
                "the category {category:?} is there twice"
            )));
        }
        categories.push(category.to_owned());
    }
    if categories.is_empty() || categories.len() > MAX_CATEGORIES {
        return Err(AppError::Invalid(format!(
            "categories must list 1-{MAX_CATEGORIES} names"
        )));
    }
    let settings = Stored {
        department,
        categories,
    };
    let value = serde_json::to_string(&settings).map_err(AppError::internal)?;
    ctx.store
        .set_setting(KEY, &value, &caller.user.id, &ids::now())
        .await?;
    audit::record(
        ctx,
        caller.into(),
        AuditAction::SettingsChanged,
        KEY,
        json!({"department": settings.department, "categories": settings.categories}),
    )
    .await;
    super::settings_view(ctx, caller).await
}
