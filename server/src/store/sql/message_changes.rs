//! Changes to a posted message inside a write batch: edit, delete, react. Each takes the
//! channel's next `seq` only once it knows something changes, so a refused or idle change
//! leaves no hole in the sequence. An edit or a delete first keeps the version it replaces in
//! `message_versions` (for a compliance export; never read by members).

use super::writes::SeqCounters;
use super::*;

/// The message `message_id` of `channel_id` as the batch sees it.
pub(super) async fn stored_message(
    tx: &mut Transaction<'static, Db>,
    channel_id: &str,
    message_id: &str,
) -> StoreResult<Option<Message>> {
    let row = sqlx::query(
        "SELECT * FROM events WHERE channel_id = $1 AND message_id = $2 AND kind = 'message'",
    )
    .bind(channel_id)
    .bind(message_id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_error)?;
    row.as_ref().map(message_from_row).transpose()
}

async fn keep_version(
    tx: &mut Transaction<'static, Db>,
    message: &Message,
    replaced_by: &str,
    at: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO message_versions (message_id, channel_id, body, extras, replaced_at, replaced_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&message.id)
    .bind(&message.channel_id)
    .bind(&message.body)
    .bind(message.extras.as_ref().map(extras_json).transpose()?)
    .bind(at)
    .bind(replaced_by)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The event row of a change to a message.
pub(super) struct ChangeEvent<'a> {
    pub channel_id: &'a str,
    pub kind: &'static str,
    pub actor_id: &'a str,
    pub at: &'a str,
    pub message_id: &'a str,
    pub emoji: Option<&'a str>,
}

async fn insert_change_event(
    tx: &mut Transaction<'static, Db>,
    seq: i64,
    event: ChangeEvent<'_>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO events (channel_id, seq, kind, actor_id, created_at, ref_message_id, emoji)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(event.channel_id)
    .bind(seq)
    .bind(event.kind)
    .bind(event.actor_id)
    .bind(event.at)
    .bind(event.message_id)
    .bind(event.emoji)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// A change that did happen: it takes the channel's next `seq`, gets its event row, and is
/// answered as committed. Called only once something changed, so idle changes take no `seq`.
pub(super) async fn commit_change(
    tx: &mut Transaction<'static, Db>,
    seqs: &mut SeqCounters,
    event: ChangeEvent<'_>,
    kind: EventKind,
) -> StoreResult<WriteOutcome> {
    let channel_id = event.channel_id.to_owned();
    // The message was found in this channel, whose row the batch locked: it has a sequence.
    let seq = seqs
        .next(&channel_id)
        .ok_or_else(|| internal("a message's channel has no sequence"))?;
    insert_change_event(tx, seq, event).await?;
    Ok(WriteOutcome::Committed(ChannelEvent {
        channel_id,
        seq,
        kind,
    }))
}

/// A new body and/or extras, by the message's author only.
pub(super) async fn edit(
    tx: &mut Transaction<'static, Db>,
    seqs: &mut SeqCounters,
    op: &WriteOp,
) -> StoreResult<WriteOutcome> {
    let WriteOp::EditMessage {
        channel_id,
        message_id,
        editor_id,
        body,
        extras,
        mentions,
        at,
    } = op
    else {
        return Err(internal("not an edit"));
    };
    let Some(mut message) = stored_message(tx, channel_id, message_id).await? else {
        return Ok(WriteOutcome::NotFound);
    };
    if message.deleted {
        return Ok(WriteOutcome::Deleted);
    }
    if message.author_id != *editor_id {
        return Ok(WriteOutcome::NotAuthor);
    }
    let Some(seq) = seqs.next(channel_id) else {
        return Ok(WriteOutcome::NotFound);
    };
    keep_version(tx, &message, editor_id, at).await?;
    if let Some(body) = body {
        message.body = body.clone();
    }
    if let Some(extras) = extras {
        message.extras = extras.as_deref().cloned();
    }
    message.edited_at = Some(at.clone());
    sqlx::query(
        "UPDATE events SET body = $3, extras = $4, edited_at = $5
         WHERE channel_id = $1 AND message_id = $2",
    )
    .bind(channel_id)
    .bind(message_id)
    .bind(&message.body)
    .bind(message.extras.as_ref().map(extras_json).transpose()?)
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    if body.is_some() {
        search::index_edited(tx, &message).await?;
    }
    if let Some(mentions) = mentions {
        forget_mentions(tx, channel_id, message.seq).await?;
        insert_mentions(
            tx,
            &[(channel_id.as_str(), message.seq, mentions.as_slice())],
        )
        .await?;
    }
    insert_change_event(
        tx,
        seq,
        ChangeEvent {
            channel_id,
            kind: "message_updated",
            actor_id: editor_id,
            at,
            message_id,
            emoji: None,
        },
    )
    .await?;
    // The new version replaces the old one in clients: it carries the reactions too.
    decorations::decorate(&mut *tx, vec![&mut message]).await?;
    Ok(WriteOutcome::Committed(ChannelEvent {
        channel_id: channel_id.clone(),
        seq,
        kind: EventKind::MessageUpdated(message),
    }))
}

/// A tombstone in place of the message: body, extras and files emptied (the files detached),
/// reactions gone. Deleting a
/// deleted message changes nothing.
pub(super) async fn delete(
    tx: &mut Transaction<'static, Db>,
    seqs: &mut SeqCounters,
    op: &WriteOp,
) -> StoreResult<WriteOutcome> {
    let WriteOp::DeleteMessage {
        channel_id,
        message_id,
        actor_id,
        at,
    } = op
    else {
        return Err(internal("not a delete"));
    };
    let Some(message) = stored_message(tx, channel_id, message_id).await? else {
        return Ok(WriteOutcome::NotFound);
    };
    if message.deleted {
        return Ok(WriteOutcome::Unchanged);
    }
    keep_version(tx, &message, actor_id, at).await?;
    sqlx::query(
        "UPDATE events SET body = '', extras = NULL, files = NULL, deleted = TRUE
         WHERE channel_id = $1 AND message_id = $2",
    )
    .bind(channel_id)
    .bind(message_id)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    uploads::detach(tx, message_id, at).await?;
    search::unindex(tx, channel_id, message.seq).await?;
    sqlx::query("DELETE FROM reactions WHERE message_id = $1")
        .bind(message_id)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    forget_mentions(tx, channel_id, message.seq).await?;
    sqlx::query("DELETE FROM pins WHERE channel_id = $1 AND message_id = $2")
        .bind(channel_id)
        .bind(message_id)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    let event = ChangeEvent {
        channel_id,
        kind: "message_deleted",
        actor_id,
        at,
        message_id,
        emoji: None,
    };
    let kind = EventKind::MessageDeleted {
        message_id: message_id.clone(),
        user_id: actor_id.clone(),
    };
    commit_change(tx, seqs, event, kind).await
}

/// Adds or takes back one person's reaction; idempotent.
pub(super) async fn react(
    tx: &mut Transaction<'static, Db>,
    seqs: &mut SeqCounters,
    op: &WriteOp,
) -> StoreResult<WriteOutcome> {
    let WriteOp::React {
        channel_id,
        message_id,
        user_id,
        emoji,
        add,
        at,
    } = op
    else {
        return Err(internal("not a reaction"));
    };
    let Some(message) = stored_message(tx, channel_id, message_id).await? else {
        return Ok(WriteOutcome::NotFound);
    };
    if message.deleted {
        return Ok(WriteOutcome::Deleted);
    }
    let changed = if *add {
        let others: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT emoji) FROM reactions WHERE message_id = $1 AND emoji <> $2",
        )
        .bind(message_id)
        .bind(emoji)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_error)?;
        let already = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM reactions WHERE message_id = $1 AND emoji = $2",
        )
        .bind(message_id)
        .bind(emoji)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_error)?;
        if already == 0 && others >= MAX_REACTION_KINDS as i64 {
            return Ok(WriteOutcome::TooManyReactions);
        }
        sqlx::query(
            "INSERT INTO reactions (message_id, user_id, emoji, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(message_id)
        .bind(user_id)
        .bind(emoji)
        .bind(at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?
        .rows_affected()
    } else {
        sqlx::query("DELETE FROM reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3")
            .bind(message_id)
            .bind(user_id)
            .bind(emoji)
            .execute(&mut **tx)
            .await
            .map_err(db_error)?
            .rows_affected()
    };
    if changed == 0 {
        return Ok(WriteOutcome::Unchanged);
    }
    let event = ChangeEvent {
        channel_id,
        kind: if *add {
            "reaction_added"
        } else {
            "reaction_removed"
        },
        actor_id: user_id,
        at,
        message_id,
        emoji: Some(emoji),
    };
    let (message_id, user_id, emoji) = (message_id.clone(), user_id.clone(), emoji.clone());
    let kind = if *add {
        EventKind::ReactionAdded {
            message_id,
            user_id,
            emoji,
        }
    } else {
        EventKind::ReactionRemoved {
            message_id,
            user_id,
            emoji,
        }
    };
    commit_change(tx, seqs, event, kind).await
}

/// Records who messages mention: `(channel, seq, user ids)` each, in as few statements as the
/// bound-value limit allows.
pub(super) async fn insert_mentions(
    tx: &mut Transaction<'static, Db>,
    messages: &[(&str, i64, &[String])],
) -> StoreResult<()> {
    let rows: Vec<(&str, i64, &str)> = messages
        .iter()
        .flat_map(|(channel, seq, users)| users.iter().map(move |u| (*channel, *seq, u.as_str())))
        .collect();
    for chunk in rows.chunks(dialect::rows_per_statement(3)) {
        let columns = [
            Column::Text(chunk.iter().map(|(channel, _, _)| Some(*channel)).collect()),
            Column::Int(chunk.iter().map(|(_, seq, _)| Some(*seq)).collect()),
            Column::Text(chunk.iter().map(|(_, _, user)| Some(*user)).collect()),
        ];
        let sql = format!(
            "INSERT INTO mentions (channel_id, seq, user_id) {} ON CONFLICT DO NOTHING",
            dialect::rows(&columns)
        );
        dialect::bind_columns(sqlx::query(sqlx::AssertSqlSafe(sql)), &columns)
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

async fn forget_mentions(
    tx: &mut Transaction<'static, Db>,
    channel_id: &str,
    seq: i64,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM mentions WHERE channel_id = $1 AND seq = $2")
        .bind(channel_id)
        .bind(seq)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    Ok(())
}
