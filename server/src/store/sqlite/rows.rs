//! Row types of the flat records: one struct per result shape, derived with `sqlx::FromRow`
//! and converted into the store's records. Mappings that compose columns (users with their
//! departments, messages and events) stay hand-written in `mod.rs`.

use sqlx::FromRow;
use sqlx::sqlite::SqliteRow;

use super::db_error;
use crate::store::{
    Department, InfoArticle, ResponseGrant, SlashCommand, StoreResult, TicketEvent, TokenSession,
    TokenSessionInfo, Webhook,
};

/// Reads `row` as the row type `R` and converts it into the record `T`.
pub(super) fn from_row<R, T>(row: &SqliteRow) -> StoreResult<T>
where
    R: for<'r> FromRow<'r, SqliteRow> + Into<T>,
{
    R::from_row(row).map(Into::into).map_err(db_error)
}

/// Declares a row type with the record's fields and the conversion into the record.
macro_rules! row_type {
    ($row:ident => $record:ident { $($field:ident: $ty:ty),* $(,)? }) => {
        #[derive(FromRow)]
        pub(super) struct $row {
            $($field: $ty,)*
        }

        impl From<$row> for $record {
            fn from(row: $row) -> Self {
                $record { $($field: row.$field,)* }
            }
        }
    };
}

row_type!(DepartmentRow => Department {
    id: String, slug: String, name: String, channel_id: String,
});
row_type!(WebhookRow => Webhook {
    id: String, channel_id: String, name: String, created_by: String, created_at: String,
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
