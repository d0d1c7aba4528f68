//! Reading composed records (users with their departments, channels, messages, events,
//! tickets) from this backend's rows; flat records use the row types of `store/rows.rs`.

use super::*;

/// Reads `row` as the row type `R` and converts it into the record `T`.
pub(super) fn from_row<R, T>(row: &DbRow) -> StoreResult<T>
where
    R: for<'r> sqlx::FromRow<'r, DbRow> + Into<T>,
{
    crate::store::rows::decode_row::<DbRow, R, T>(row)
}

pub(super) fn user_from_row(row: &DbRow) -> StoreResult<User> {
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
        status_text: row.try_get("status_text").map_err(db_error)?,
        timezone: row.try_get("timezone").map_err(db_error)?,
        email: row.try_get("email").map_err(db_error)?,
    })
}

pub(super) fn channel_from_row(row: &DbRow) -> StoreResult<ChannelRecord> {
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
        created_by: row.try_get("created_by").map_err(db_error)?,
        purpose: row.try_get("purpose").map_err(db_error)?,
        archived: row.try_get("archived").map_err(db_error)?,
    })
}

pub(super) fn channel_view_from_row(row: &DbRow) -> StoreResult<ChannelView> {
    Ok(ChannelView {
        channel: channel_from_row(row)?,
        joined: row.try_get("joined").map_err(db_error)?,
        last_read_seq: row.try_get("last_read_seq").map_err(db_error)?,
        unread: row.try_get("unread").map_err(db_error)?,
        mention_count: row.try_get("mention_count").map_err(db_error)?,
        muted: row.try_get("muted").map_err(db_error)?,
    })
}

pub(super) fn message_from_row(row: &DbRow) -> StoreResult<Message> {
    message_from_columns(row, "")
}

/// A message from the columns named `<prefix>message_id`, `<prefix>seq`, ... of a row.
pub(super) fn message_from_columns(row: &DbRow, prefix: &str) -> StoreResult<Message> {
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
        reactions: Vec::new(),
        reply_count: 0,
        last_reply_at: None,
        participant_ids: Vec::new(),
        mentions: Vec::new(),
        also_in_channel: row
            .try_get(col("also_in_channel").as_str())
            .map_err(db_error)?,
        pinned: false,
        files: row
            .try_get::<Option<String>, _>(col("files").as_str())
            .map_err(db_error)?
            .map(|json| serde_json::from_str(&json).map_err(internal))
            .transpose()?
            .unwrap_or_default(),
    })
}

/// An event from a row of the joined events query (see `events_after`).
pub(super) fn joined_event_from_row(row: &DbRow) -> StoreResult<ChannelEvent> {
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
        "message_deleted" => EventKind::MessageDeleted {
            message_id: row.try_get("ref_message_id").map_err(db_error)?,
            user_id: row.try_get("actor_id").map_err(db_error)?,
        },
        "reaction_added" => EventKind::ReactionAdded {
            message_id: row.try_get("ref_message_id").map_err(db_error)?,
            user_id: row.try_get("actor_id").map_err(db_error)?,
            emoji: row.try_get("emoji").map_err(db_error)?,
        },
        "channel_updated" => EventKind::ChannelUpdated {
            user_id: row.try_get("actor_id").map_err(db_error)?,
            name: row.try_get("c_name").map_err(db_error)?,
            topic: row.try_get("c_topic").map_err(db_error)?,
            purpose: row.try_get("c_purpose").map_err(db_error)?,
            archived: row.try_get("c_archived").map_err(db_error)?,
        },
        "message_pinned" => EventKind::MessagePinned {
            message_id: row.try_get("ref_message_id").map_err(db_error)?,
            user_id: row.try_get("actor_id").map_err(db_error)?,
        },
        "message_unpinned" => EventKind::MessageUnpinned {
            message_id: row.try_get("ref_message_id").map_err(db_error)?,
            user_id: row.try_get("actor_id").map_err(db_error)?,
        },
        "reaction_removed" => EventKind::ReactionRemoved {
            message_id: row.try_get("ref_message_id").map_err(db_error)?,
            user_id: row.try_get("actor_id").map_err(db_error)?,
            emoji: row.try_get("emoji").map_err(db_error)?,
        },
        other => return Err(internal(format!("unknown event kind {other:?}"))),
    };
    Ok(ChannelEvent {
        channel_id,
        seq,
        kind,
    })
}

pub(super) fn ticket_from_row(row: &DbRow) -> StoreResult<Ticket> {
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

/// A message row as the event that posted it.
pub(super) fn message_event_from_row(row: &DbRow) -> StoreResult<ChannelEvent> {
    let message = message_from_row(row)?;
    Ok(ChannelEvent {
        channel_id: message.channel_id.clone(),
        seq: message.seq,
        kind: EventKind::Message(message),
    })
}
