//! Pins (a batch's `Pin` operation, and the list) and saved messages.
//!
//! Portable SQL, compiled once per backend (see `mod.rs`).

use xerrada_protocol::{Pin, SavedMessage};

use super::decorations::decorate;
use super::message_changes::{ChangeEvent, commit_change, stored_message};
use super::writes::SeqCounters;
use super::*;

/// Pins or unpins; idempotent, a `seq` only when something changes.
pub(super) async fn pin(
    tx: &mut Transaction<'static, Db>,
    seqs: &mut SeqCounters,
    op: &WriteOp,
) -> StoreResult<WriteOutcome> {
    let WriteOp::Pin {
        channel_id,
        message_id,
        user_id,
        pin,
        at,
    } = op
    else {
        return Err(internal("not a pin"));
    };
    let Some(message) = stored_message(tx, channel_id, message_id).await? else {
        return Ok(WriteOutcome::NotFound);
    };
    if message.deleted {
        return Ok(WriteOutcome::Deleted);
    }
    let changed = if *pin {
        let (pinned, this): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(CASE WHEN message_id = $2 THEN 1 END) FROM pins
             WHERE channel_id = $1",
        )
        .bind(channel_id)
        .bind(message_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_error)?;
        if this == 0 && pinned >= MAX_PINS as i64 {
            return Ok(WriteOutcome::TooManyPins);
        }
        sqlx::query(
            "INSERT INTO pins (channel_id, message_id, pinned_by, pinned_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(channel_id)
        .bind(message_id)
        .bind(user_id)
        .bind(at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?
        .rows_affected()
    } else {
        sqlx::query("DELETE FROM pins WHERE channel_id = $1 AND message_id = $2")
            .bind(channel_id)
            .bind(message_id)
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
        kind: if *pin {
            "message_pinned"
        } else {
            "message_unpinned"
        },
        actor_id: user_id,
        at,
        message_id,
        emoji: None,
    };
    let (message_id, user_id) = (message_id.clone(), user_id.clone());
    let kind = if *pin {
        EventKind::MessagePinned {
            message_id,
            user_id,
        }
    } else {
        EventKind::MessageUnpinned {
            message_id,
            user_id,
        }
    };
    commit_change(tx, seqs, event, kind).await
}

#[async_trait]
impl PinStore for DbStore {
    async fn pinned(&self, channel_id: &str) -> StoreResult<Vec<Pin>> {
        let rows = sqlx::query(
            "SELECT e.*, p.pinned_by, p.pinned_at FROM pins p
             JOIN events e ON e.message_id = p.message_id AND e.kind = 'message'
             WHERE p.channel_id = $1 ORDER BY p.pinned_at DESC, e.seq DESC",
        )
        .bind(channel_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut pins = rows
            .iter()
            .map(|row| {
                Ok(Pin {
                    message: message_from_row(row)?,
                    pinned_by: row.try_get("pinned_by").map_err(db_error)?,
                    pinned_at: row.try_get("pinned_at").map_err(db_error)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        decorate(&mut conn, pins.iter_mut().map(|p| &mut p.message).collect()).await?;
        Ok(pins)
    }

    async fn save_message(
        &self,
        user_id: &str,
        channel_id: &str,
        message_id: &str,
        at: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO saved_messages (user_id, message_id, channel_id, saved_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(message_id)
        .bind(channel_id)
        .bind(at)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn unsave_message(&self, user_id: &str, message_id: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM saved_messages WHERE user_id = $1 AND message_id = $2")
            .bind(user_id)
            .bind(message_id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn saved_messages(&self, user_id: &str, limit: u32) -> StoreResult<Vec<SavedMessage>> {
        let rows = sqlx::query(
            "SELECT e.*, s.saved_at FROM saved_messages s
             JOIN events e ON e.message_id = s.message_id AND e.kind = 'message'
                 AND e.deleted = FALSE
             JOIN channel_members m ON m.channel_id = s.channel_id AND m.user_id = s.user_id
             WHERE s.user_id = $1 ORDER BY s.saved_at DESC, e.seq DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut saved = rows
            .iter()
            .map(|row| {
                Ok(SavedMessage {
                    message: message_from_row(row)?,
                    saved_at: row.try_get("saved_at").map_err(db_error)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        decorate(
            &mut conn,
            saved.iter_mut().map(|s| &mut s.message).collect(),
        )
        .await?;
        Ok(saved)
    }

    async fn message_by_id(&self, message_id: &str) -> StoreResult<Option<Message>> {
        let row = sqlx::query("SELECT * FROM events WHERE message_id = $1 AND kind = 'message'")
            .bind(message_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        let Some(mut message) = row.as_ref().map(message_from_row).transpose()? else {
            return Ok(None);
        };
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        decorate(&mut conn, vec![&mut message]).await?;
        Ok(Some(message))
    }
}
