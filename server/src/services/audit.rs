//! The audit log: every security- or admin-relevant action, appended after it happened, and
//! read back by admins with filters or as CSV.
//!
//! An entry is written after its action succeeded (or, for a failed login, was refused), in its
//! own statement: a failed append is logged loudly but does not undo what was done, as the
//! person already saw it done. Nothing can change or delete an entry: there is no API for it,
//! and the schema's triggers refuse it.

use std::net::IpAddr;

use serde_json::{Value, json};
use xerrada_protocol::{AuditEntry, AuditPage};

use crate::auth::{Caller, require_admin};
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::store::{AuditFilter, NewAuditEntry};

/// What an entry says happened. The names are part of the API (filters, CSV, dashboards).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Login,
    LoginFailed,
    Logout,
    UserCreated,
    UserUpdated,
    UserDeactivated,
    UserReactivated,
    UserPasswordReset,
    UserSignedOut,
    UserImported,
    DepartmentCreated,
    DepartmentRenamed,
    DepartmentMemberAdded,
    DepartmentMemberRemoved,
    ChannelMemberAdded,
    ChannelMemberRemoved,
    ChannelArchived,
    ChannelUnarchived,
    BotCreated,
    BotTokenCreated,
    BotTokenRevoked,
    BotTelegramChanged,
    WebhookCreated,
    WebhookRenamed,
    WebhookRegenerated,
    WebhookDeleted,
    WebhookTakenOver,
    CommandRegistered,
    CommandRemoved,
    InfoSet,
    InfoRemoved,
    SettingsChanged,
    AuditExported,
}

impl AuditAction {
    pub const ALL: &'static [AuditAction] = &[
        AuditAction::Login,
        AuditAction::LoginFailed,
        AuditAction::Logout,
        AuditAction::UserCreated,
        AuditAction::UserUpdated,
        AuditAction::UserDeactivated,
        AuditAction::UserReactivated,
        AuditAction::UserPasswordReset,
        AuditAction::UserSignedOut,
        AuditAction::UserImported,
        AuditAction::DepartmentCreated,
        AuditAction::DepartmentRenamed,
        AuditAction::DepartmentMemberAdded,
        AuditAction::DepartmentMemberRemoved,
        AuditAction::ChannelMemberAdded,
        AuditAction::ChannelMemberRemoved,
        AuditAction::ChannelArchived,
        AuditAction::ChannelUnarchived,
        AuditAction::BotCreated,
        AuditAction::BotTokenCreated,
        AuditAction::BotTokenRevoked,
        AuditAction::BotTelegramChanged,
        AuditAction::WebhookCreated,
        AuditAction::WebhookRenamed,
        AuditAction::WebhookRegenerated,
        AuditAction::WebhookDeleted,
        AuditAction::WebhookTakenOver,
        AuditAction::CommandRegistered,
        AuditAction::CommandRemoved,
        AuditAction::InfoSet,
        AuditAction::InfoRemoved,
        AuditAction::SettingsChanged,
        AuditAction::AuditExported,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Login => "auth.login",
            AuditAction::LoginFailed => "auth.login_failed",
            AuditAction::Logout => "auth.logout",
            AuditAction::UserCreated => "user.created",
            AuditAction::UserUpdated => "user.updated",
            AuditAction::UserDeactivated => "user.deactivated",
            AuditAction::UserReactivated => "user.reactivated",
            AuditAction::UserPasswordReset => "user.password_reset",
            AuditAction::UserSignedOut => "user.signed_out",
            AuditAction::UserImported => "user.imported",
            AuditAction::DepartmentCreated => "department.created",
            AuditAction::DepartmentRenamed => "department.renamed",
            AuditAction::DepartmentMemberAdded => "department.member_added",
            AuditAction::DepartmentMemberRemoved => "department.member_removed",
            AuditAction::ChannelMemberAdded => "channel.member_added",
            AuditAction::ChannelMemberRemoved => "channel.member_removed",
            AuditAction::ChannelArchived => "channel.archived",
            AuditAction::ChannelUnarchived => "channel.unarchived",
            AuditAction::BotCreated => "bot.created",
            AuditAction::BotTokenCreated => "bot.token_created",
            AuditAction::BotTokenRevoked => "bot.token_revoked",
            AuditAction::BotTelegramChanged => "bot.telegram_changed",
            AuditAction::WebhookCreated => "webhook.created",
            AuditAction::WebhookRenamed => "webhook.renamed",
            AuditAction::WebhookRegenerated => "webhook.regenerated",
            AuditAction::WebhookDeleted => "webhook.deleted",
            AuditAction::WebhookTakenOver => "webhook.taken_over",
            AuditAction::CommandRegistered => "command.registered",
            AuditAction::CommandRemoved => "command.removed",
            AuditAction::InfoSet => "info.set",
            AuditAction::InfoRemoved => "info.removed",
            AuditAction::SettingsChanged => "settings.changed",
            AuditAction::AuditExported => "audit.exported",
        }
    }

    pub fn parse(name: &str) -> Option<AuditAction> {
        AuditAction::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == name)
    }
}

/// Who acted: a signed-in caller, or someone who only said a username (a failed login).
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub id: Option<&'a str>,
    pub name: &'a str,
    pub ip: Option<IpAddr>,
}

impl<'a> From<&'a Caller> for Actor<'a> {
    fn from(caller: &'a Caller) -> Self {
        Actor {
            id: Some(&caller.user.id),
            name: &caller.user.username,
            ip: caller.ip,
        }
    }
}

/// Appends an entry. A failure is logged, not returned: the action it records is done.
pub async fn record(
    ctx: &Context,
    actor: Actor<'_>,
    action: AuditAction,
    target: &str,
    details: Value,
) {
    let entry = NewAuditEntry {
        at: ids::now(),
        actor_id: actor.id.map(str::to_owned),
        actor_name: actor.name.to_owned(),
        action: action.as_str().to_owned(),
        target: target.to_owned(),
        ip: actor.ip.map(|ip| ip.to_string()),
        details: details.to_string(),
    };
    if let Err(error) = ctx.store.append_audit(entry).await {
        tracing::error!(%error, action = action.as_str(), target, "audit entry not written");
    }
}

/// A login's entry: `auth.login` with the account, or `auth.login_failed` with the username
/// tried (cut to 80 characters). Logins the throttle refused before checking a password are
/// not written: a flood of them would fill the log, and `/metrics` counts them.
pub async fn record_login(
    ctx: &Context,
    username: &str,
    ip: IpAddr,
    outcome: &AppResult<crate::auth::Issued>,
) {
    match outcome {
        Ok(issued) => {
            let actor = Actor {
                id: Some(&issued.user.id),
                name: &issued.user.username,
                ip: Some(ip),
            };
            record(ctx, actor, AuditAction::Login, &issued.user.id, json!({})).await;
        }
        Err(AppError::Unauthorized(_)) => {
            let tried: String = username.chars().take(80).collect();
            let actor = Actor {
                id: None,
                name: &tried,
                ip: Some(ip),
            };
            record(ctx, actor, AuditAction::LoginFailed, "", json!({})).await;
        }
        Err(_) => {}
    }
}

/// `GET /audit`'s query, as sent.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// An account id, or a username (which also finds failed logins that tried it).
    pub actor: Option<String>,
    pub action: Option<String>,
    /// A date (`2026-12-01`, from its start) or an RFC 3339 time.
    pub from: Option<String>,
    /// A date (up to its end) or an RFC 3339 time (exclusive).
    pub to: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
    /// `csv` for a download of every matching entry.
    pub format: Option<String>,
}

const DEFAULT_PAGE: u32 = 100;
const MAX_PAGE: u32 = 500;
/// Rows of one CSV download; a narrower filter gets the rest.
pub const MAX_CSV_ROWS: usize = 100_000;

/// One page of entries, newest first (admins only).
pub async fn page(ctx: &Context, caller: &Caller, query: &AuditQuery) -> AppResult<AuditPage> {
    require_admin(caller)?;
    let mut filter = filter_of(query)?;
    filter.limit = match query.limit {
        None => DEFAULT_PAGE,
        Some(n @ 1..=MAX_PAGE) => n,
        Some(_) => {
            return Err(AppError::Invalid(format!("limit must be 1-{MAX_PAGE}")));
        }
    };
    if let Some(cursor) = query.cursor.as_deref().filter(|c| !c.is_empty()) {
        let before: i64 = cursor
            .parse()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| AppError::Invalid("cursor is not one this server gave".into()))?;
        filter.before_id = Some(before);
    }
    let entries = ctx.store.audit_entries(&filter).await?;
    let next_cursor = (entries.len() == filter.limit as usize)
        .then(|| entries.last().map(|e| e.id.to_string()))
        .flatten();
    Ok(AuditPage {
        entries,
        next_cursor,
    })
}

/// Every matching entry (up to [`MAX_CSV_ROWS`]) as CSV, newest first; the download itself is
/// an audited export.
pub async fn export_csv(ctx: &Context, caller: &Caller, query: &AuditQuery) -> AppResult<String> {
    require_admin(caller)?;
    let mut filter = filter_of(query)?;
    filter.limit = 1_000;
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "id",
        "at",
        "actor_id",
        "actor_name",
        "action",
        "target",
        "ip",
        "details",
    ])
    .map_err(AppError::internal)?;
    let mut written = 0;
    loop {
        let entries = ctx.store.audit_entries(&filter).await?;
        for entry in &entries {
            write_row(&mut out, entry)?;
        }
        written += entries.len();
        match entries.last() {
            Some(last) if entries.len() == filter.limit as usize && written < MAX_CSV_ROWS => {
                filter.before_id = Some(last.id);
            }
            _ => break,
        }
    }
    let bytes = out.into_inner().map_err(AppError::internal)?;
    record(
        ctx,
        caller.into(),
        AuditAction::AuditExported,
        "",
        json!({"rows": written, "actor": query.actor, "action": query.action,
               "from": query.from, "to": query.to}),
    )
    .await;
    String::from_utf8(bytes).map_err(AppError::internal)
}

fn write_row(out: &mut csv::Writer<Vec<u8>>, entry: &AuditEntry) -> AppResult<()> {
    let id = entry.id.to_string();
    let details = entry.details.to_string();
    let cells = [
        id.as_str(),
        entry.at.as_str(),
        entry.actor_id.as_deref().unwrap_or(""),
        entry.actor_name.as_str(),
        entry.action.as_str(),
        entry.target.as_str(),
        entry.ip.as_deref().unwrap_or(""),
        details.as_str(),
    ];
    out.write_record(cells.map(|cell| spreadsheet_safe(cell).into_owned()))
        .map_err(AppError::internal)
}

/// A cell a spreadsheet will not run as a formula: a failed login's username is whatever
/// someone typed, `=HYPERLINK(...)` included. A leading quote makes it text (OWASP's advice).
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn filter_of(query: &AuditQuery) -> AppResult<AuditFilter> {
    let action = match query.action.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(name) => Some(
            AuditAction::parse(name)
                .ok_or_else(|| AppError::Invalid(format!("unknown action {name:?}")))?
                .as_str()
                .to_owned(),
        ),
    };
    Ok(AuditFilter {
        actor: query
            .actor
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned),
        action,
        from: bound(query.from.as_deref(), "from", false)?,
        to: bound(query.to.as_deref(), "to", true)?,
        before_id: None,
        limit: DEFAULT_PAGE,
    })
}

/// A time bound in the stored format. A bare date means its start, or for `to`, its end (the
/// next day's start, exclusive), so that `from=2026-12-01&to=2026-12-01` is that whole day.
fn bound(raw: Option<&str>, name: &str, end_of_day: bool) -> AppResult<Option<String>> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let at = ids::parse_time_bound(raw, end_of_day).ok_or_else(|| {
        AppError::Invalid(format!(
            "{name} must be a date (2026-12-01) or an RFC 3339 time"
        ))
    })?;
    Ok(Some(ids::format_time(at)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_name_reads_back_as_itself() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(*action));
        }
        assert_eq!(AuditAction::parse("user.exploded"), None);
    }

    #[test]
    fn a_date_bound_covers_the_whole_day() {
        assert_eq!(
            bound(Some("2026-12-01"), "from", false).expect("from"),
            Some("2026-12-01T00:00:00.000Z".into())
        );
        assert_eq!(
            bound(Some("2026-12-01"), "to", true).expect("to"),
            Some("2026-12-02T00:00:00.000Z".into())
        );
        assert_eq!(
            bound(Some("2026-12-01T10:00:00+01:00"), "from", false).expect("rfc3339"),
            Some("2026-12-01T09:00:00.000Z".into())
        );
        assert!(bound(Some("ahir"), "from", false).is_err());
    }

    #[test]
    fn formulas_are_written_as_text() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("anna"), "anna");
    }
}
