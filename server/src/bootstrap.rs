//! First start: the `admin` account.

use xerrada_protocol::{Role, UserKind};

use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::store::{NewUser, StoreError};
use crate::validate::Password;

/// Username of the account created on first start.
pub const ADMIN_USERNAME: &str = "admin";

/// Creates `admin` if there is none. Its password is `admin_password` from the configuration
/// (`XERRADA_ADMIN_PASSWORD`), else random and printed once. Idempotent, and safe when several
/// nodes start at once: the loser of the race sees a conflict and does nothing.
pub async fn ensure_admin(ctx: &Context) -> AppResult<()> {
    if ctx
        .store
        .credentials_by_username(ADMIN_USERNAME)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let (password, generated) = match &ctx.config.admin_password {
        Some(p) if !p.is_empty() => {
            Password::parse(p).map_err(|e| {
                AppError::Invalid(format!("XERRADA_ADMIN_PASSWORD is not acceptable: {e}"))
            })?;
            (p.clone(), false)
        }
        _ => (ids::random_token(18), true),
    };
    let password_hash = ctx.auth.passwords().hash(&password).await?;
    let created = ctx
        .store
        .create_user(NewUser {
            id: ids::new_id(),
            username: ADMIN_USERNAME.into(),
            display_name: "Administrador".into(),
            kind: UserKind::Human,
            role: Role::Admin,
            password_hash: Some(password_hash),
            email: String::new(),
            created_at: ids::now(),
        })
        .await;
    match created {
        Ok(_) if generated => {
            println!(
                "\n  Created the administrator account.\n    username: {ADMIN_USERNAME}\n    password: {password}\n  This password is shown only once: keep it, or change it after logging in.\n"
            );
            Ok(())
        }
        Ok(_) => {
            tracing::info!("created the admin account with XERRADA_ADMIN_PASSWORD");
            Ok(())
        }
        Err(StoreError::Conflict(_)) => Ok(()),
        Err(e) => Err(AppError::from(e)),
    }
}
