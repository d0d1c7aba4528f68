//! The admin area's own calls: the dashboard, every channel, and the staff import from CSV.
//! Each is for admins only. (The support desk's settings are `helpdesk::settings`.)

use std::collections::{HashMap, HashSet};

use serde_json::json;
use xerrada_protocol::{
    AdminStats, Channel, ChannelKind, ImportError, ImportRequest, ImportResult, ImportRow, Role,
    StorageUse, UserKind,
};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::events::channel_resource;
use crate::ids;
use crate::services::accounts::{self, NewAccount, one_time_password, require_admin};
use crate::services::audit::{self, AuditAction};
use crate::validate::{Email, Name, Password, Username};

/// `GET /admin/stats`.
pub async fn stats(ctx: &Context, caller: &Caller) -> AppResult<AdminStats> {
    require_admin(caller)?;
    let today = time::OffsetDateTime::now_utc()
        .date()
        .midnight()
        .assume_utc();
    let counts = ctx.store.dashboard_counts(&ids::format_time(today)).await?;
    let online = ctx.store.users_by_ids(&ctx.hub.online_user_ids()).await?;
    Ok(AdminStats {
        online: online.iter().filter(|u| u.kind == UserKind::Human).count() as i64,
        messages_today: counts.messages_today,
        open_tickets: counts.open_tickets,
        users: counts.users,
        channels: counts.channels,
        storage: StorageUse {
            database_bytes: counts.database_bytes.max(0) as u64,
            files_bytes: counts.files_bytes.max(0) as u64,
        },
        version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}

/// `GET /admin/channels`: every public, private and department channel with its metadata (as
/// the admin would see it), never its messages. Direct conversations are left out.
pub async fn channels(ctx: &Context, caller: &Caller) -> AppResult<Vec<Channel>> {
    require_admin(caller)?;
    let views = ctx.store.all_channels(&caller.user.id).await?;
    Ok(views
        .into_iter()
        .map(channel_resource)
        .filter(|c| c.kind != ChannelKind::Direct)
        .collect())
}

/// Most lines one import takes; a council's staff fits many times over.
const MAX_IMPORT_LINES: usize = 5_000;

/// `POST /admin/import`: staff from CSV. Every line is checked first (the dry run stops
/// there); then the good lines are created, each with a one-time password, and the bad ones
/// are reported with their line number. A line that fails while being created (a username
/// taken meanwhile) is reported too; the others stay created.
pub async fn import(ctx: &Context, caller: &Caller, req: ImportRequest) -> AppResult<ImportResult> {
    require_admin(caller)?;
    let dry_run = req.dry_run.unwrap_or(false);
    let (mut rows, mut errors) = check_lines(ctx, &req.csv).await?;
    if dry_run {
        return Ok(ImportResult {
            dry_run,
            rows,
            errors,
        });
    }
    let slugs: HashMap<String, String> = ctx
        .store
        .list_departments()
        .await?
        .into_iter()
        .map(|d| (d.slug, d.id))
        .collect();
    let mut created = Vec::with_capacity(rows.len());
    for mut row in rows.drain(..) {
        let password = one_time_password();
        let account = NewAccount {
            username: Username::parse(&row.username)?,
            display_name: Name::parse(&row.display_name, "display_name")?,
            password: Password::parse(&password)?,
            role: Role::Member,
            department_ids: row
                .departments
                .iter()
                .filter_map(|slug| slugs.get(slug).cloned())
                .collect(),
            email: row.email.clone(),
        };
        match accounts::create_account(ctx, account).await {
            Ok(user) => {
                audit::record(
                    ctx,
                    caller.into(),
                    AuditAction::UserImported,
                    &user.id,
                    json!({"username": user.username, "line": row.line,
                           "departments": row.departments}),
                )
                .await;
                row.user_id = Some(user.id);
                row.password = Some(password);
                created.push(row);
            }
            Err(error @ (AppError::Conflict(_) | AppError::Invalid(_))) => {
                errors.push(ImportError {
                    line: row.line,
                    message: error.client_message(),
                });
            }
            Err(other) => return Err(other),
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(ImportResult {
        dry_run,
        rows: created,
        errors,
    })
}

/// The good lines and the bad ones (with why), without creating anything.
async fn check_lines(
    ctx: &Context,
    csv_text: &str,
) -> AppResult<(Vec<ImportRow>, Vec<ImportError>)> {
    let departments: HashSet<String> = ctx
        .store
        .list_departments()
        .await?
        .into_iter()
        .map(|d| d.slug)
        .collect();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (index, record) in reader.records().enumerate() {
        if index >= MAX_IMPORT_LINES {
            return Err(AppError::TooLarge(format!(
                "an import takes at most {MAX_IMPORT_LINES} lines; split the file"
            )));
        }
        let line = match &record {
            Ok(r) => r.position().map_or(index as u64 + 1, |p| p.line()),
            Err(e) => e.position().map_or(index as u64 + 1, |p| p.line()),
        };
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                errors.push(ImportError {
                    line,
                    message: format!("not CSV: {e}"),
                });
                continue;
            }
        };
        let field = |i: usize| record.get(i).unwrap_or("");
        if record.iter().all(str::is_empty) {
            continue;
        }
        if index == 0 && field(0).eq_ignore_ascii_case("username") {
            continue;
        }
        match check_line(&record, &departments, &mut seen, line, ctx).await {
            Ok(row) => rows.push(row),
            Err(message) => errors.push(ImportError { line, message }),
        }
    }
    Ok((rows, errors))
}

async fn check_line(
    record: &csv::StringRecord,
    departments: &HashSet<String>,
    seen: &mut HashMap<String, u64>,
    line: u64,
    ctx: &Context,
) -> Result<ImportRow, String> {
    if record.len() > 4 {
        return Err(format!(
            "{} columns; expected username,display_name,email,departments",
            record.len()
        ));
    }
    let field = |i: usize| record.get(i).unwrap_or("");
    let username = Username::parse(field(0)).map_err(|e| e.client_message())?;
    let key = username.as_str().to_lowercase();
    if let Some(first) = seen.get(&key) {
        return Err(format!(
            "the username {:?} is already on line {first}",
            username.as_str()
        ));
    }
    seen.insert(key, line);
    let taken = ctx
        .store
        .credentials_by_username(username.as_str())
        .await
        .map_err(|e| AppError::from(e).client_message())?
        .is_some();
    if taken {
        return Err(format!("the username {:?} is taken", username.as_str()));
    }
    let display_name = match field(1) {
        "" => username.as_str().to_owned(),
        given => Name::parse(given, "display_name")
            .map_err(|e| e.client_message())?
            .into_string(),
    };
    let email = Email::parse(field(2))
        .map_err(|e| e.client_message())?
        .into_string();
    let mut slugs = Vec::new();
    for slug in field(3).split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let slug = slug.to_lowercase();
        if !departments.contains(&slug) {
            return Err(format!("no department {slug:?}"));
        }
        if !slugs.contains(&slug) {
            slugs.push(slug);
        }
    }
    Ok(ImportRow {
        line,
        username: username.as_str().to_owned(),
        display_name,
        email,
        departments: slugs,
        user_id: None,
        password: None,
    })
}
