//! Reading rows into records, once for both backends.
//!
//! Flat records are read through row types derived with `sqlx::FromRow` (generic over the
//! database). Records composed from several columns (users with their departments, messages
//! with a column prefix, events joined with their message) are read by `sql/rows.rs`, compiled
//! for each backend's row type.

use sqlx::FromRow;

use super::{
    ChannelKind, Department, FileInfo, InfoArticle, MessageExtras, ResponseGrant, Role,
    SlashCommand, StoreError, StoreResult, TicketEvent, TokenSession, TokenSessionInfo, UserKind,
    Webhook,
};

/// Reads `row` as the row type `R` and converts it into the record `T` (each backend calls it
/// through the `from_row` of `sql/rows.rs`).
pub(super) fn decode_row<'r, Row, R, T>(row: &'r Row) -> StoreResult<T>
where
    Row: sqlx::Row,
    R: FromRow<'r, Row> + Into<T>,
{
    R::from_row(row)
        .map(Into::into)
        .map_err(|e| StoreError::Internal(Box::new(e)))
}

fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
    StoreError::Internal(e.into())
}

/// Declares a row type with the record's fields and the conversion into the record.
/// Fields after `;` are not stored: the services fill them in.
macro_rules! row_type {
    ($row:ident => $record:ident { $($field:ident: $ty:ty),* $(,)? $(; $($derived:ident: $value:expr),*)? }) => {
        #[derive(FromRow)]
        pub(super) struct $row {
            $($field: $ty,)*
        }

        impl From<$row> for $record {
            fn from(row: $row) -> Self {
                $record { $($field: row.$field,)* $($($derived: $value,)*)? }
            }
        }
    };
}

row_type!(DepartmentRow => Department {
    id: String, slug: String, name: String, channel_id: String,
});
row_type!(WebhookRow => Webhook {
    id: String, channel_id: String, name: String, created_by: String, created_at: String;
    disabled: false
});
row_type!(CommandRow => SlashCommand {
    id: String, name: String, url: String, token: String, description: String,
    created_by: String, created_at: String,
});
row_type!(GrantRow => ResponseGrant {
    token_hash: String, command_id: String, channel_id: String, user_id: String,
    expires_at: String, uses: i64,
});
row_type!(TokenSessionRow => TokenSession { id: String, user_id: String, revoked: bool });
row_type!(TokenSessionInfoRow => TokenSessionInfo {
    id: String, label: String, created_at: String, revoked_at: Option<String>,
});
row_type!(InfoArticleRow => InfoArticle {
    topic: String, lang: String, title: String, body: String, updated_at: String,
});

/// A history line; the column is `created_at`, the record's field `at`.
#[derive(FromRow)]
pub(super) struct TicketEventRow {
    created_at: String,
    actor_id: String,
    kind: String,
    detail: String,
}

impl From<TicketEventRow> for TicketEvent {
    fn from(row: TicketEventRow) -> Self {
        TicketEvent {
            at: row.created_at,
            actor_id: row.actor_id,
            kind: row.kind,
            detail: row.detail,
        }
    }
}

pub(super) fn extras_json(extras: &MessageExtras) -> StoreResult<String> {
    serde_json::to_string(extras).map_err(internal)
}

/// The `files` column of a message: `NULL` when it has none.
pub(super) fn files_json(files: &[FileInfo]) -> StoreResult<Option<String>> {
    if files.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(files).map(Some).map_err(internal)
}

pub(super) fn parse_channel_kind(kind: &str) -> StoreResult<ChannelKind> {
    match kind {
        "public" => Ok(ChannelKind::Public),
        "private" => Ok(ChannelKind::Private),
        "direct" => Ok(ChannelKind::Direct),
        other => Err(internal(format!("unknown channel kind {other:?}"))),
    }
}

pub(super) fn channel_kind_str(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Public => "public",
        ChannelKind::Private => "private",
        ChannelKind::Direct => "direct",
    }
}

pub(super) fn user_kind_str(kind: UserKind) -> &'static str {
    match kind {
        UserKind::Human => "human",
        UserKind::Bot => "bot",
    }
}

pub(super) fn role_str(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Member => "member",
    }
}
