//! Accounts: creation, the directory, profile and password changes, deactivation.

use xerrada_protocol::{CreateUserRequest, Role, UpdateUserRequest, User, UserKind, close_code};

use serde_json::json;
use xerrada_protocol::{CreatedUser, PasswordAnswer, ResetPasswordRequest};

use crate::auth::Caller;
pub use crate::auth::require_admin;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::services::audit::{self, AuditAction};
use crate::store::{NewUser, UserChange, WriteOp};
use crate::texts::Lang;
use crate::validate::{Email, Name, Password, StatusText, TimeZone, Username};

/// A validated request for a new account.
pub struct NewAccount {
    pub username: Username,
    pub display_name: Name,
    pub password: Password,
    pub role: Role,
    pub department_ids: Vec<String>,
    /// `""` when none.
    pub email: String,
}

impl NewAccount {
    /// The account a request asks for, and the one-time password made for it when the request
    /// gave none.
    pub fn parse(req: CreateUserRequest) -> AppResult<(Self, Option<String>)> {
        let (password, made) = match req.password.filter(|p| !p.is_empty()) {
            Some(given) => (Password::parse(&given)?, None),
            None => {
                let made = one_time_password();
                (Password::parse(&made)?, Some(made))
            }
        };
        let account = NewAccount {
            username: Username::parse(&req.username)?,
            display_name: Name::parse(&req.display_name, "display_name")?,
            password,
            role: req.role.unwrap_or(Role::Member),
            department_ids: req.department_ids.unwrap_or_default(),
            email: Email::parse(req.email.as_deref().unwrap_or(""))?.into_string(),
        };
        Ok((account, made))
    }
}

/// A password an admin hands over once: 16 URL-safe characters (96 random bits).
pub fn one_time_password() -> String {
    ids::random_token(12)
}

/// `POST /users` (admins only).
pub async fn create(
    ctx: &Context,
    caller: &Caller,
    req: CreateUserRequest,
) -> AppResult<CreatedUser> {
    require_admin(caller)?;
    let (account, password) = NewAccount::parse(req)?;
    let user = create_account(ctx, account).await?;
    audit::record(
        ctx,
        caller.into(),
        AuditAction::UserCreated,
        &user.id,
        json!({"username": user.username, "role": user.role,
               "department_ids": user.department_ids, "password_made": password.is_some()}),
    )
    .await;
    Ok(CreatedUser { user, password })
}

/// Creates an account and puts it in its departments (also used by the CLI and bootstrap).
pub async fn create_account(ctx: &Context, account: NewAccount) -> AppResult<User> {
    for department_id in &account.department_ids {
        if ctx.store.department_by_id(department_id).await?.is_none() {
            return Err(AppError::Invalid(format!(
                "department {department_id:?} does not exist"
            )));
        }
    }
    let password_hash = ctx.auth.passwords().hash(account.password.as_str()).await?;
    let user = ctx
        .store
        .create_user(NewUser {
            id: ids::new_id(),
            username: account.username.as_str().to_owned(),
            display_name: account.display_name.into_string(),
            kind: UserKind::Human,
            role: account.role,
            password_hash: Some(password_hash),
            email: account.email,
            created_at: ids::now(),
        })
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::Conflict("the username is taken".into()),
            other => other,
        })?;
    for department_id in &account.department_ids {
        ctx.writer
            .write(WriteOp::AddDepartmentMember {
                department_id: department_id.clone(),
                user_id: user.id.clone(),
                at: ids::now(),
            })
            .await?;
    }
    get(ctx, &user.id).await
}

/// One account by id.
pub async fn get(ctx: &Context, user_id: &str) -> AppResult<User> {
    ctx.store
        .user_by_id(user_id)
        .await?
        .ok_or_else(|| AppError::not_found("user"))
}

/// The most accounts the directory answers with.
const DIRECTORY_PAGE: u32 = 1000;

/// The directory: accounts matching `query`, by username. The `incoming-webhook` account only
/// signs webhook posts: nobody can write to it, so it is left out (`GET /users/{id}` still
/// names it, for clients showing those posts).
pub async fn directory(ctx: &Context, query: Option<&str>) -> AppResult<Vec<User>> {
    let query = query.map(str::trim).filter(|q| !q.is_empty());
    // One more than shown, for the one account left out: a full page stays full.
    let mut users = ctx.store.list_users(query, DIRECTORY_PAGE + 1).await?;
    users.retain(|u| u.username != WEBHOOK_ACCOUNT);
    users.truncate(DIRECTORY_PAGE as usize);
    Ok(users)
}

/// `PATCH /users/{id}`: admins change anything; a member changes its own display name, and its
/// own password by giving the current one.
pub async fn update(
    ctx: &Context,
    caller: &Caller,
    user_id: &str,
    req: UpdateUserRequest,
) -> AppResult<User> {
    let is_self = caller.user.id == user_id;
    if !caller.is_admin() {
        if !is_self {
            return Err(AppError::Forbidden(
                "you may only change your own account".into(),
            ));
        }
        if req.role.is_some() {
            return Err(AppError::Forbidden("only an admin may change roles".into()));
        }
        if req.email.is_some() {
            return Err(AppError::Forbidden(
                "only an admin may change e-mail addresses".into(),
            ));
        }
    }
    let target = get(ctx, user_id).await?;
    if req.password.is_some() && target.kind == UserKind::Bot {
        return Err(AppError::Invalid(
            "bot accounts never log in with a password; they use bot tokens".into(),
        ));
    }
    let display_name = req
        .display_name
        .as_deref()
        .map(|n| Name::parse(n, "display_name").map(Name::into_string))
        .transpose()?;
    let password = req.password.as_deref().map(Password::parse).transpose()?;
    if password.is_some() && !caller.is_admin() {
        let current = req.current_password.as_deref().unwrap_or("");
        let hash = ctx.store.password_hash(&target.id).await?;
        if !ctx
            .auth
            .passwords()
            .verify(current, hash.as_deref())
            .await?
        {
            return Err(AppError::Forbidden("current_password is wrong".into()));
        }
    }
    if caller.is_admin() && is_self && req.role == Some(Role::Member) {
        return Err(AppError::Invalid(
            "an admin cannot demote itself; ask another admin".into(),
        ));
    }
    let role_or_password_changed = req.role.is_some() || password.is_some();
    let password_hash = match password {
        Some(p) => Some(ctx.auth.passwords().hash(p.as_str()).await?),
        None => None,
    };
    let change = UserChange {
        display_name,
        password_hash,
        role: req.role,
        status_text: req
            .status_text
            .map(StatusText::parse)
            .transpose()?
            .map(StatusText::into_string),
        timezone: req
            .timezone
            .map(TimeZone::parse)
            .transpose()?
            .map(TimeZone::into_string),
        email: req
            .email
            .as_deref()
            .map(Email::parse)
            .transpose()?
            .map(Email::into_string),
    };
    let changed = changed_fields(req.role, &change);
    let user = ctx
        .store
        .update_user(user_id, change)
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    // Someone's own profile (status, time zone, name) is theirs; what an admin changes, and any
    // role or password change, is for the log.
    if !is_self || role_or_password_changed {
        audit::record(
            ctx,
            caller.into(),
            AuditAction::UserUpdated,
            user_id,
            changed,
        )
        .await;
    }
    Ok(user)
}

/// What an update changes, for the audit log: values, except the password's (only that it
/// changed).
fn changed_fields(role: Option<Role>, change: &UserChange) -> serde_json::Value {
    let mut fields = serde_json::Map::new();
    if let Some(name) = &change.display_name {
        fields.insert("display_name".into(), json!(name));
    }
    if let Some(role) = role {
        fields.insert("role".into(), json!(role));
    }
    if change.password_hash.is_some() {
        fields.insert("password_changed".into(), json!(true));
    }
    if let Some(status) = &change.status_text {
        fields.insert("status_text".into(), json!(status));
    }
    if let Some(zone) = &change.timezone {
        fields.insert("timezone".into(), json!(zone));
    }
    if let Some(email) = &change.email {
        fields.insert("email".into(), json!(email));
    }
    serde_json::Value::Object(fields)
}

/// `POST /users/{id}/deactivate`: the account can no longer log in; its sessions end and its
/// sockets close with 4003 at once.
pub async fn deactivate(ctx: &Context, caller: &Caller, user_id: &str) -> AppResult<()> {
    require_admin(caller)?;
    if caller.user.id == user_id {
        return Err(AppError::Invalid("you cannot deactivate yourself".into()));
    }
    deactivate_account(ctx, user_id).await?;
    audit::record(
        ctx,
        caller.into(),
        AuditAction::UserDeactivated,
        user_id,
        json!({}),
    )
    .await;
    Ok(())
}

/// `POST /users/{id}/reactivate`: the account may log in again (with its old password; its
/// sessions stay ended).
pub async fn reactivate(ctx: &Context, caller: &Caller, user_id: &str) -> AppResult<User> {
    require_admin(caller)?;
    if !ctx.store.reactivate_user(user_id).await? {
        return Err(AppError::not_found("user"));
    }
    audit::record(
        ctx,
        caller.into(),
        AuditAction::UserReactivated,
        user_id,
        json!({}),
    )
    .await;
    get(ctx, user_id).await
}

/// `POST /users/{id}/reset-password`: a chosen password, or a one-time one made here; either
/// way every session of the account ends, as a person who forgot it (or lost a phone) expects.
pub async fn reset_password(
    ctx: &Context,
    caller: &Caller,
    user_id: &str,
    req: ResetPasswordRequest,
) -> AppResult<PasswordAnswer> {
    require_admin(caller)?;
    let target = get(ctx, user_id).await?;
    if target.kind == UserKind::Bot {
        return Err(AppError::Invalid(
            "bot accounts never log in with a password; they use bot tokens".into(),
        ));
    }
    let chosen = req.password.filter(|p| !p.is_empty());
    let made = chosen.is_none();
    let password = chosen.unwrap_or_else(one_time_password);
    let hash = ctx
        .auth
        .passwords()
        .hash(Password::parse(&password)?.as_str())
        .await?;
    let sessions = ctx
        .store
        .reset_password(user_id, &hash, &ids::now())
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    end_sessions_of(ctx, user_id, &sessions, "password reset");
    audit::record(
        ctx,
        caller.into(),
        AuditAction::UserPasswordReset,
        user_id,
        json!({"password_made": made, "sessions_ended": sessions.len()}),
    )
    .await;
    Ok(PasswordAnswer { password })
}

/// `POST /users/{id}/sign-out`: ends every session of the account, on every node.
pub async fn sign_out_everywhere(ctx: &Context, caller: &Caller, user_id: &str) -> AppResult<()> {
    require_admin(caller)?;
    get(ctx, user_id).await?;
    let sessions = ctx.store.revoke_user_sessions(user_id, &ids::now()).await?;
    end_sessions_of(ctx, user_id, &sessions, "signed out by an admin");
    audit::record(
        ctx,
        caller.into(),
        AuditAction::UserSignedOut,
        user_id,
        json!({"sessions_ended": sessions.len()}),
    )
    .await;
    Ok(())
}

fn end_sessions_of(ctx: &Context, user_id: &str, sessions: &[String], reason: &'static str) {
    ctx.auth.end_sessions(sessions);
    ctx.hub
        .close_user(user_id, close_code::SESSION_ENDED, reason);
}

/// Deactivates without a caller (CLI).
pub async fn deactivate_account(ctx: &Context, user_id: &str) -> AppResult<()> {
    let sessions = ctx
        .store
        .deactivate_user(user_id, &ids::now())
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    end_sessions_of(ctx, user_id, &sessions, "account deactivated");
    Ok(())
}

/// A bot account the server itself runs (`incoming-webhook`, `suport`): found by username, or
/// created on first use; `cell` remembers it. Safe when several processes race to create it.
pub async fn system_account(
    ctx: &Context,
    cell: &tokio::sync::OnceCell<User>,
    username: &str,
    display_name: &str,
) -> AppResult<User> {
    cell.get_or_try_init(|| async {
        if let Some(found) = ctx.store.credentials_by_username(username).await? {
            return Ok(found.user);
        }
        let account = NewUser {
            id: ids::new_id(),
            username: username.into(),
            display_name: display_name.into(),
            kind: UserKind::Bot,
            role: Role::Member,
            password_hash: None,
            email: String::new(),
            created_at: ids::now(),
        };
        match ctx.store.create_user(account).await {
            Ok(user) => Ok(user),
            Err(crate::store::StoreError::Conflict(_)) => ctx
                .store
                .credentials_by_username(username)
                .await?
                .map(|c| c.user)
                .ok_or_else(|| AppError::internal("system account vanished")),
            Err(e) => Err(e.into()),
        }
    })
    .await
    .cloned()
}

/// Username of the account webhook posts are authored by.
pub const WEBHOOK_ACCOUNT: &str = "incoming-webhook";

/// Username of the help desk's bot account, `@suport`.
pub const SUPPORT_ACCOUNT: &str = "suport";

/// The id of the `incoming-webhook` account, created on first use. Integrations without a bot
/// of their own (webhooks, slash command replies) post as it, with a name override.
pub async fn integration_author(ctx: &Context) -> AppResult<String> {
    let user = system_account(ctx, &ctx.webhook_author, WEBHOOK_ACCOUNT, "Webhook").await?;
    Ok(user.id)
}

/// The language to write to `user_id` in when they are not answering something they just
/// did (the support bot's direct messages): the one their client last said, else the
/// installation's.
pub async fn language_of(ctx: &Context, user_id: &str) -> Lang {
    remembered_language(ctx, user_id)
        .await
        .as_deref()
        .and_then(Lang::negotiate)
        .unwrap_or(ctx.config.default_lang)
}

/// The language of a new socket: what its `auth` frame said (remembered when it changed),
/// else the person's remembered language, else the installation's.
pub async fn socket_language(ctx: &Context, user_id: &str, said: Option<&str>) -> Lang {
    let remembered = remembered_language(ctx, user_id).await;
    match said.and_then(Lang::negotiate) {
        Some(said) => {
            if remembered.as_deref() != Some(said.as_str())
                && let Err(e) = ctx.store.set_language(user_id, said.as_str()).await
            {
                tracing::warn!(error = %e, "could not remember a user's language");
            }
            said
        }
        None => remembered
            .as_deref()
            .and_then(Lang::negotiate)
            .unwrap_or(ctx.config.default_lang),
    }
}

/// A store failure is logged and taken as "not known": a message in the installation's
/// language is better than none.
async fn remembered_language(ctx: &Context, user_id: &str) -> Option<String> {
    ctx.store.language(user_id).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "could not read a user's language");
        None
    })
}
