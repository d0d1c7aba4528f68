//! Reading rows into records, once for both backends.
//!
//! Flat records are read through row types derived with `sqlx::FromRow` (generic over the
//! database). Records composed from several columns (users with their departments, messages
//! with a column prefix, events joined with their message) are read by functions that
//! [`composed_rows!`] writes for a backend's row type, so the mapping exists once while each
//! backend keeps its own concrete row type and error mapping.

use sqlx::FromRow;

use super::{
    ChannelKind, Department, InfoArticle, MessageExtras, ResponseGrant, Role, SlashCommand,
    StoreError, StoreResult, TicketEvent, TokenSession, TokenSessionInfo, UserKind, Webhook,
};

/// Reads `row` as the row type `R` and converts it into the record `T` (each backend calls it
/// through the `from_row` that [`composed_rows!`] writes for its row type).
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

/// Writes the composed-row readers for one backend's row type; the backend's `db_error` maps
/// their decoding errors.
macro_rules! composed_rows {
    ($row:ty) => {
        /// Reads `row` as the row type `R` and converts it into the record `T`.
        fn from_row<R, T>(row: &$row) -> StoreResult<T>
        where
            R: for<'r> sqlx::FromRow<'r, $row> + Into<T>,
        {
            super::rows::decode_row::<$row, R, T>(row)
        }

        fn user_from_row(row: &$row) -> StoreResult<User> {
            let departments: Option<String> = row.try_get("department_ids").map_err(db_error)?;
            let mut department_ids: Vec<String> = departments
                .map(|d| d.split(',').map(str::to_owned).collect())
                .unwrap_or_default();
            department_ids.sort();
            Ok(User {
                id: row.try_get("id").map_err(db_error)?,
                username: row.try_get("username").map_err(db_error)?,
                display_name: row.try_get("display_name").map_err(db_error)?,
                kind: match row.try_get::<String, _>("kind").map_err(db_error)?.as_str() {
                    "bot" => UserKind::Bot,
                    _ => UserKind::Human,
                },
                role: match row.try_get::<String, _>("role").map_err(db_error)?.as_str() {
                    "admin" => Role::Admin,
                    _ => Role::Member,
                },
                department_ids,
                active: row.try_get("active").map_err(db_error)?,
            })
        }

        fn channel_from_row(row: &$row) -> StoreResult<ChannelRecord> {
            let dm_key: Option<String> = row.try_get("dm_key").map_err(db_error)?;
            Ok(ChannelRecord {
                id: row.try_get("id").map_err(db_error)?,
                name: row.try_get("name").map_err(db_error)?,
                kind: parse_channel_kind(&row.try_get::<String, _>("kind").map_err(db_error)?)?,
                department_id: row.try_get("department_id").map_err(db_error)?,
                topic: row.try_get("topic").map_err(db_error)?,
                last_seq: row.try_get("last_seq").map_err(db_error)?,
                member_count: row.try_get("member_count").map_err(db_error)?,
                dm_member_ids: dm_key.map(|k| k.split(',').map(str::to_owned).collect()),
            })
        }

        fn channel_view_from_row(row: &$row) -> StoreResult<ChannelView> {
            Ok(ChannelView {
                channel: channel_from_row(row)?,
                joined: row.try_get("joined").map_err(db_error)?,
                last_read_seq: row.try_get("last_read_seq").map_err(db_error)?,
                unread: row.try_get("unread").map_err(db_error)?,
            })
        }

        fn message_from_row(row: &$row) -> StoreResult<Message> {
            message_from_columns(row, "")
        }

        /// A message from the columns named `<prefix>message_id`, `<prefix>seq`, ... of a row.
        fn message_from_columns(row: &$row, prefix: &str) -> StoreResult<Message> {
            let col = |name: &str| format!("{prefix}{name}");
            Ok(Message {
                id: row.try_get(col("message_id").as_str()).map_err(db_error)?,
                channel_id: row.try_get(col("channel_id").as_str()).map_err(db_error)?,
                seq: row.try_get(col("seq").as_str()).map_err(db_error)?,
                author_id: row.try_get(col("actor_id").as_str()).map_err(db_error)?,
                body: row.try_get(col("body").as_str()).map_err(db_error)?,
                created_at: row.try_get(col("created_at").as_str()).map_err(db_error)?,
                client_msg_id: row
                    .try_get(col("client_msg_id").as_str())
                    .map_err(db_error)?,
                thread_root: row.try_get(col("thread_root").as_str()).map_err(db_error)?,
                edited_at: row.try_get(col("edited_at").as_str()).map_err(db_error)?,
                deleted: row.try_get(col("deleted").as_str()).map_err(db_error)?,
                extras: row
                    .try_get::<Option<String>, _>(col("extras").as_str())
                    .map_err(db_error)?
                    .map(|json| serde_json::from_str(&json).map_err(internal))
                    .transpose()?,
            })
        }

        /// An event from a row of the joined events query (see `events_after`).
        fn joined_event_from_row(row: &$row) -> StoreResult<ChannelEvent> {
            let channel_id: String = row.try_get("channel_id").map_err(db_error)?;
            let seq: i64 = row.try_get("seq").map_err(db_error)?;
            let kind: String = row.try_get("kind").map_err(db_error)?;
            let kind = match kind.as_str() {
                "message" => EventKind::Message(message_from_columns(row, "m_")?),
                "message_updated" => EventKind::MessageUpdated(message_from_columns(row, "m_")?),
                "member_joined" => EventKind::MemberJoined {
                    user_id: row.try_get("actor_id").map_err(db_error)?,
                },
                "member_left" => EventKind::MemberLeft {
                    user_id: row.try_get("actor_id").map_err(db_error)?,
                },
                other => return Err(internal(format!("unknown event kind {other:?}"))),
            };
            Ok(ChannelEvent {
                channel_id,
                seq,
                kind,
            })
        }

        fn ticket_from_row(row: &$row) -> StoreResult<Ticket> {
            let priority: String = row.try_get("priority").map_err(db_error)?;
            let status: String = row.try_get("status").map_err(db_error)?;
            Ok(Ticket {
                number: row.try_get("number").map_err(db_error)?,
                requester_id: row.try_get("requester_id").map_err(db_error)?,
                title: row.try_get("title").map_err(db_error)?,
                description: row.try_get("description").map_err(db_error)?,
                category: row.try_get("category").map_err(db_error)?,
                priority: TicketPriority::parse(&priority)
                    .ok_or_else(|| internal(format!("unknown priority {priority:?}")))?,
                status: TicketStatus::parse(&status)
                    .ok_or_else(|| internal(format!("unknown status {status:?}")))?,
                assignee_id: row.try_get("assignee_id").map_err(db_error)?,
                created_at: row.try_get("created_at").map_err(db_error)?,
                updated_at: row.try_get("updated_at").map_err(db_error)?,
            })
        }

        fn event_from_row(row: &$row) -> StoreResult<ChannelEvent> {
            let channel_id: String = row.try_get("channel_id").map_err(db_error)?;
            let seq: i64 = row.try_get("seq").map_err(db_error)?;
            let kind: String = row.try_get("kind").map_err(db_error)?;
            let kind = match kind.as_str() {
                "message" => EventKind::Message(message_from_row(row)?),
                "member_joined" => EventKind::MemberJoined {
                    user_id: row.try_get("actor_id").map_err(db_error)?,
                },
                "member_left" => EventKind::MemberLeft {
                    user_id: row.try_get("actor_id").map_err(db_error)?,
                },
                other => return Err(internal(format!("unknown event kind {other:?}"))),
            };
            Ok(ChannelEvent {
                channel_id,
                seq,
                kind,
            })
        }
    };
}

pub(super) use composed_rows;
