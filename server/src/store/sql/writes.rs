//! The batched channel writes: one transaction per batch, the channel sequence, and the posting
//! rules (idempotent `client_msg_id`, `thread_root`), written once for both commit strategies.
//!
//! # Sequencing
//!
//! A batch first reads the `last_seq` of every channel its operations touch (a department
//! operation touches its department's channel), in sorted id order, with the dialect's row
//! lock. On SQLite the write transaction (`BEGIN IMMEDIATE`) already holds the whole database.
//! On PostgreSQL each node runs its own writer, so the rows are locked
//! (`FOR NO KEY UPDATE`): a batch of another node that touches one of these channels waits for
//! this one to commit and then reads the `last_seq` it committed. Sorted order means two
//! batches never deadlock on channels; the `meta` row of `membership_version` is always
//! written after them. The counters advance in memory and every advanced channel is written
//! back once, just before commit, so `seq` is gap-free and unique per channel, and a batch
//! that rolls back gives its numbers back.
//!
//! # Posting
//!
//! The idempotency keys of every post in the batch are looked up in one statement up front;
//! a key stored before, or committed earlier in the batch, answers `Duplicate` (same channel)
//! or `ClientMsgIdReused` (another channel) and takes no `seq`. A `thread_root` must be a
//! message of the channel. Then the post takes the next `seq`, and its row is queued: rows
//! are inserted many per statement (each statement is a round trip to SQLite's worker
//! thread, or to PostgreSQL), so a batch takes a constant number of statements per few
//! hundred posts on both backends. They are bound column by column (`store/columns.rs`): on
//! PostgreSQL as arrays, so that the statements' text does not change with the batch's size
//! and is prepared once.
//!
//! With writers on several nodes (PostgreSQL), the lookup must stay true until commit: the
//! same key may be posted at the same moment through another node. So before looking keys
//! up, a batch takes a transaction lock per author of its posts
//! (`dialect::lock_authors`, after the channels, in a fixed order of the authors' lock
//! keys): two batches with posts by one author commit one after the other, and the second
//! finds the first one's keys. The same fixed order means two batches never deadlock on
//! one author's posts to two channels. A key inserted anyway by a writer that took no lock
//! fails the unique index, and the whole batch rolls back.

use super::*;

/// Columns bound per row of a message insert.
const POST_COLUMNS: usize = 12;

/// Applies a batch of writes in one transaction; see [`EventStore::apply_batch`].
pub(super) async fn apply_batch(
    store: &DbStore,
    ops: &[WriteOp],
) -> StoreResult<Vec<WriteOutcome>> {
    let mut tx = store.begin_write().await?;
    let mut seqs = SeqCounters::lock(&mut tx, ops).await?;
    let mut posts = PostBatch::new(&mut tx, ops).await?;
    let mut outcomes = Vec::with_capacity(ops.len());
    let mut membership_changed_in: Vec<String> = Vec::new();
    for op in ops {
        let outcome = match op {
            WriteOp::PostMessage { .. } => posts.post(&mut tx, &mut seqs, op).await?,
            _ => {
                // Anything else may read rows the batch has written so far.
                posts.write_all(&mut tx).await?;
                apply_other(&mut tx, &mut seqs, op).await?
            }
        };
        posts.remember(&outcome);
        if let WriteOutcome::Committed(ChannelEvent {
            channel_id,
            kind: EventKind::MemberJoined { .. } | EventKind::MemberLeft { .. },
            ..
        }) = &outcome
        {
            membership_changed_in.push(channel_id.clone());
        }
        outcomes.push(outcome);
    }
    posts.write_all(&mut tx).await?;
    if !membership_changed_in.is_empty() {
        let changed: Vec<&str> = membership_changed_in.iter().map(String::as_str).collect();
        bump_membership_version(&mut tx, &changed).await?;
    }
    seqs.write_back(&mut tx).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(outcomes)
}

/// Each touched channel's last `seq` as the batch advances it.
#[derive(Default)]
pub(super) struct SeqCounters {
    /// `last_seq` as read (and locked) at the start, for every channel of the batch that exists.
    start: HashMap<String, i64>,
    last: HashMap<String, i64>,
}

impl SeqCounters {
    /// Reads, and with concurrent writers locks, every channel the batch touches; see the
    /// module docs.
    async fn lock(tx: &mut Transaction<'static, Db>, ops: &[WriteOp]) -> StoreResult<Self> {
        let mut channel_ids: Vec<String> = Vec::new();
        let mut department_ids: Vec<&str> = Vec::new();
        for op in ops {
            match op {
                WriteOp::PostMessage { channel_id, .. }
                | WriteOp::EditMessage { channel_id, .. }
                | WriteOp::DeleteMessage { channel_id, .. }
                | WriteOp::React { channel_id, .. }
                | WriteOp::Pin { channel_id, .. }
                | WriteOp::UpdateChannel { channel_id, .. }
                | WriteOp::AddMember { channel_id, .. }
                | WriteOp::RemoveMember { channel_id, .. } => channel_ids.push(channel_id.clone()),
                WriteOp::AddDepartmentMember { department_id, .. }
                | WriteOp::RemoveDepartmentMember { department_id, .. } => {
                    department_ids.push(department_id)
                }
            }
        }
        department_ids.sort_unstable();
        department_ids.dedup();
        for chunk in department_ids.chunks(MAX_BOUND_PER_STATEMENT) {
            let sql = format!(
                "SELECT channel_id FROM departments WHERE id IN ({})",
                placeholders(1, chunk.len())
            );
            let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                query = query.bind(*id);
            }
            channel_ids.extend(query.fetch_all(&mut **tx).await.map_err(db_error)?);
        }
        channel_ids.sort_unstable();
        channel_ids.dedup();
        let mut counters = SeqCounters::default();
        // ORDER BY comes before the locking clause, so rows are locked in id order (the "C"
        // collation on PostgreSQL: the same byte order as the sort above).
        for chunk in channel_ids.chunks(MAX_BOUND_PER_STATEMENT) {
            let sql = format!(
                "SELECT id, last_seq FROM channels WHERE id IN ({}) ORDER BY id{}",
                placeholders(1, chunk.len()),
                dialect::LOCK_FOR_WRITE
            );
            let mut query = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                query = query.bind(id);
            }
            for (id, last_seq) in query.fetch_all(&mut **tx).await.map_err(db_error)? {
                counters.start.insert(id.clone(), last_seq);
                counters.last.insert(id, last_seq);
            }
        }
        Ok(counters)
    }

    /// The next `seq` of `channel_id`, or `None` when the channel does not exist.
    pub(super) fn next(&mut self, channel_id: &str) -> Option<i64> {
        let last = self.last.get_mut(channel_id)?;
        *last += 1;
        Some(*last)
    }

    /// Whether `channel_id` exists (its counter was read).
    fn knows(&self, channel_id: &str) -> bool {
        self.last.contains_key(channel_id)
    }

    /// Writes each advanced channel's new `last_seq`, a few hundred channels per statement.
    async fn write_back(&self, tx: &mut Transaction<'static, Db>) -> StoreResult<()> {
        let advanced: Vec<(&String, i64)> = self
            .last
            .iter()
            .filter(|(id, last)| self.start.get(*id) != Some(*last))
            .map(|(id, last)| (id, *last))
            .collect();
        for chunk in advanced.chunks(MAX_BOUND_PER_STATEMENT / 3) {
            let cases = in_pairs(chunk.len(), " ", |id, seq| format!("WHEN {id} THEN {seq}"));
            let sql = format!(
                "UPDATE channels SET last_seq = CASE id {cases} END WHERE id IN ({})",
                placeholders(2 * chunk.len() + 1, chunk.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (id, last) in chunk {
                query = query.bind(*id).bind(*last);
            }
            for (id, _) in chunk {
                query = query.bind(*id);
            }
            query.execute(&mut **tx).await.map_err(db_error)?;
        }
        Ok(())
    }
}

/// The posts of a batch: their idempotency keys, looked up up front, and their queued rows.
struct PostBatch {
    /// (author, client_msg_id) -> the message stored before or committed in this batch.
    known: HashMap<(String, String), ChannelEvent>,
    pending: Vec<Message>,
    /// Inserted, not yet in the search index: indexed together, in as few statements as
    /// the bound values allow, before anything else reads the batch's rows. With the id of
    /// each one's `events` row when the backend told it (SQLite's index is keyed by it).
    unindexed: Vec<(Option<i64>, Message)>,
}

impl PostBatch {
    async fn new(tx: &mut Transaction<'static, Db>, ops: &[WriteOp]) -> StoreResult<Self> {
        let keys: Vec<(&str, &str)> = ops
            .iter()
            .filter_map(|op| match op {
                WriteOp::PostMessage {
                    author_id,
                    client_msg_id: Some(key),
                    ..
                } => Some((author_id.as_str(), key.as_str())),
                _ => None,
            })
            .collect();
        lock_authors(tx, ops).await?;
        let mut batch = PostBatch {
            known: HashMap::new(),
            pending: Vec::new(),
            unindexed: Vec::new(),
        };
        for chunk in keys.chunks(MAX_BOUND_PER_STATEMENT / 2) {
            let columns = [
                Column::Text(chunk.iter().map(|(author, _)| Some(*author)).collect()),
                Column::Text(chunk.iter().map(|(_, key)| Some(*key)).collect()),
            ];
            let sql = dialect::events_with_keys(chunk.len());
            let query = dialect::bind_columns(sqlx::query(sqlx::AssertSqlSafe(sql)), &columns);
            for row in query.fetch_all(&mut **tx).await.map_err(db_error)? {
                batch.remember_event(message_event_from_row(&row)?);
            }
        }
        Ok(batch)
    }

    /// One post, by the rules in the module docs.
    async fn post(
        &mut self,
        tx: &mut Transaction<'static, Db>,
        seqs: &mut SeqCounters,
        op: &WriteOp,
    ) -> StoreResult<WriteOutcome> {
        let WriteOp::PostMessage {
            channel_id,
            author_id,
            client_msg_id,
            thread_root,
            mentions,
            message_id,
            created_at,
            files,
            files_from_ticket,
            ..
        } = op
        else {
            return Err(internal("PostBatch::post takes posts only"));
        };
        if let Some(key) = client_msg_id
            && let Some(outcome) = self.repeated(author_id, key, channel_id)
        {
            return Ok(outcome);
        }
        let mut root_author = None;
        if let Some(root) = thread_root {
            // The root may be a post of this very batch.
            self.flush(tx).await?;
            match thread_root_of(tx, channel_id, *root).await? {
                None => return Ok(WriteOutcome::InvalidThreadRoot),
                Some((Some(_), _)) => return Ok(WriteOutcome::ReplyToReply),
                Some((None, author)) => root_author = Some(author),
            }
        }
        if !seqs.knows(channel_id) {
            return Ok(WriteOutcome::NotFound);
        }
        let file_ids: Vec<&str> = files.iter().map(|f| f.id.as_str()).collect();
        if !*files_from_ticket
            && !uploads::claim(tx, author_id, channel_id, message_id, &file_ids, created_at).await?
        {
            return Ok(WriteOutcome::FilesUnavailable);
        }
        let Some(seq) = seqs.next(channel_id) else {
            return Ok(WriteOutcome::NotFound);
        };
        if let (Some(root), Some(root_author)) = (thread_root, &root_author) {
            let thread = threads::Reply {
                channel_id,
                root_seq: *root,
                root_author,
                replier: author_id,
                seq,
                mentioned: mentions,
            };
            threads::follow_on_reply(tx, thread).await?;
        }
        let message = op
            .posted_message(seq)
            .ok_or_else(|| internal("not a post"))?;
        self.pending.push(message.clone());
        if self.pending.len() >= dialect::rows_per_statement(POST_COLUMNS) {
            self.flush(tx).await?;
        }
        Ok(WriteOutcome::Committed(ChannelEvent {
            channel_id: channel_id.clone(),
            seq,
            kind: EventKind::Message(message),
        }))
    }

    /// The answer to a post whose key is already known, if it is.
    fn repeated(&self, author_id: &str, key: &str, channel_id: &str) -> Option<WriteOutcome> {
        let original = self.known.get(&(author_id.to_owned(), key.to_owned()))?;
        Some(if original.channel_id == channel_id {
            WriteOutcome::Duplicate(original.clone())
        } else {
            WriteOutcome::ClientMsgIdReused
        })
    }

    /// Keeps the idempotency key of a message this batch committed, so that a repeat later in
    /// the same batch is recognised too.
    fn remember(&mut self, outcome: &WriteOutcome) {
        // Only keyed messages are kept: no copy of other events (webhook posts, joins).
        if let WriteOutcome::Committed(event) = outcome
            && let EventKind::Message(message) = &event.kind
            && message.client_msg_id.is_some()
        {
            self.remember_event(event.clone());
        }
    }

    fn remember_event(&mut self, event: ChannelEvent) {
        if let EventKind::Message(message) = &event.kind
            && let Some(key) = &message.client_msg_id
        {
            self.known
                .insert((message.author_id.clone(), key.clone()), event);
        }
    }

    /// Inserts every queued row and indexes every inserted one.
    async fn write_all(&mut self, tx: &mut Transaction<'static, Db>) -> StoreResult<()> {
        self.flush(tx).await?;
        let unindexed = std::mem::take(&mut self.unindexed);
        let messages: Vec<search::Indexable> = unindexed
            .iter()
            .map(|(event_id, message)| search::Indexable {
                event_id: *event_id,
                message,
            })
            .collect();
        search::index(tx, &messages).await
    }

    /// Inserts the queued rows in one statement, with their mentions. No
    /// key can be taken meanwhile (the keys were read inside this transaction, under the
    /// authors' locks with several writers): a row that breaks the unique index fails the
    /// statement, and the batch rolls back.
    async fn flush(&mut self, tx: &mut Transaction<'static, Db>) -> StoreResult<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let queued = self.pending.len() as u64;
        let mentioned: Vec<(String, i64, Vec<String>)> = self
            .pending
            .iter()
            .filter(|m| !m.mentions.is_empty())
            .map(|m| (m.channel_id.clone(), m.seq, m.mentions.clone()))
            .collect();
        let pending = std::mem::take(&mut self.pending);
        let extras = pending
            .iter()
            .map(|m| m.extras.as_ref().map(extras_json).transpose())
            .collect::<StoreResult<Vec<_>>>()?;
        let files = pending
            .iter()
            .map(|m| files_json(&m.files))
            .collect::<StoreResult<Vec<_>>>()?;
        let text = |value: fn(&Message) -> &str| pending.iter().map(|m| Some(value(m))).collect();
        let columns = [
            Column::Text(text(|m| &m.channel_id)),
            Column::Int(pending.iter().map(|m| Some(m.seq)).collect()),
            Column::Text(vec![Some("message"); pending.len()]),
            Column::Text(text(|m| &m.author_id)),
            Column::Text(text(|m| &m.id)),
            Column::Text(text(|m| &m.body)),
            Column::Text(pending.iter().map(|m| m.client_msg_id.as_deref()).collect()),
            Column::Int(pending.iter().map(|m| m.thread_root).collect()),
            Column::Text(text(|m| &m.created_at)),
            Column::Text(extras.iter().map(Option::as_deref).collect()),
            Column::Bool(pending.iter().map(|m| m.also_in_channel).collect()),
            Column::Text(files.iter().map(|f| f.as_deref()).collect()),
        ];
        let sql = format!(
            "INSERT INTO events (channel_id, seq, kind, actor_id, message_id, body, client_msg_id, thread_root, created_at, extras, also_in_channel, files)
             {}",
            dialect::rows(&columns)
        );
        let query = dialect::bind_columns(sqlx::query(sqlx::AssertSqlSafe(sql)), &columns);
        let result = query.execute(&mut **tx).await.map_err(db_error)?;
        let inserted = result.rows_affected();
        if inserted != queued {
            return Err(internal(format!(
                "{inserted} of {queued} queued messages were inserted"
            )));
        }
        let first_id = match (
            dialect::first_inserted_id(&result, inserted),
            pending.first(),
        ) {
            (Some(first_id), Some(first)) => confirmed_first_id(tx, first, first_id).await?,
            _ => None,
        };
        self.unindexed.extend(
            pending
                .into_iter()
                .zip(0i64..)
                .map(|(message, i)| (first_id.map(|first| first + i), message)),
        );
        if !mentioned.is_empty() {
            let rows: Vec<(&str, i64, &[String])> = mentioned
                .iter()
                .map(|(channel, seq, users)| (channel.as_str(), *seq, users.as_slice()))
                .collect();
            message_changes::insert_mentions(tx, &rows).await?;
        }
        Ok(())
    }
}

/// `first_id` when it is the id of `first`'s row. Otherwise (which SQLite's rules for new
/// rowids exclude) `None`, so that each row is looked up: a wrong id would index a message's
/// words under another message.
async fn confirmed_first_id(
    tx: &mut Transaction<'static, Db>,
    first: &Message,
    first_id: i64,
) -> StoreResult<Option<i64>> {
    let stored: Option<i64> =
        sqlx::query_scalar("SELECT id FROM events WHERE channel_id = $1 AND seq = $2")
            .bind(&first.channel_id)
            .bind(first.seq)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_error)?;
    if stored == Some(first_id) {
        Ok(Some(first_id))
    } else {
        tracing::warn!(
            expected = first_id,
            ?stored,
            "inserted messages did not take consecutive ids; indexing them by lookup"
        );
        Ok(None)
    }
}

/// With writers on several nodes, locks every author of the batch's posts until commit, in
/// the order of their lock keys (see the module docs). A no-op with a single writer.
async fn lock_authors(tx: &mut Transaction<'static, Db>, ops: &[WriteOp]) -> StoreResult<()> {
    if !dialect::CONCURRENT_WRITERS {
        return Ok(());
    }
    let mut keys: Vec<i64> = ops
        .iter()
        .filter_map(|op| match op {
            WriteOp::PostMessage { author_id, .. } => Some(i64::from(author_lock_key(author_id))),
            _ => None,
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let columns = [Column::Int(keys.into_iter().map(Some).collect())];
    let query = sqlx::query(dialect::LOCK_AUTHORS);
    dialect::bind_columns(query, &columns)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// An author's lock key: the same on every node (FNV-1a of the id), whatever the build.
/// Two authors may share one; they then merely wait for each other.
fn author_lock_key(author_id: &str) -> i32 {
    let hash = author_id.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    i32::from_ne_bytes(hash.to_ne_bytes())
}

/// `count` terms joined by `separator`, each made by `term` from the next two placeholders
/// (for values bound in pairs, in order).
fn in_pairs(count: usize, separator: &str, term: impl Fn(String, String) -> String) -> String {
    (0..count)
        .map(|i| term(dialect::param(2 * i + 1), dialect::param(2 * i + 2)))
        .collect::<Vec<_>>()
        .join(separator)
}

/// The `thread_root` and author of the message at `seq` of `channel_id`, if it is a message.
async fn thread_root_of(
    tx: &mut Transaction<'static, Db>,
    channel_id: &str,
    seq: i64,
) -> StoreResult<Option<(Option<i64>, String)>> {
    sqlx::query_as(
        "SELECT thread_root, actor_id FROM events WHERE channel_id = $1 AND seq = $2 AND kind = 'message'",
    )
    .bind(channel_id)
    .bind(seq)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_error)
}

/// Every write other than a post.
async fn apply_other(
    tx: &mut Transaction<'static, Db>,
    seqs: &mut SeqCounters,
    op: &WriteOp,
) -> StoreResult<WriteOutcome> {
    match op {
        WriteOp::PostMessage { .. } => Err(internal("posts go through PostBatch")),
        WriteOp::EditMessage { .. } => message_changes::edit(tx, seqs, op).await,
        WriteOp::DeleteMessage { .. } => message_changes::delete(tx, seqs, op).await,
        WriteOp::React { .. } => message_changes::react(tx, seqs, op).await,
        WriteOp::Pin { .. } => pins::pin(tx, seqs, op).await,
        WriteOp::UpdateChannel {
            channel_id,
            user_id,
            change,
            at,
        } => update_channel(tx, seqs, channel_id, user_id, change, at).await,
        WriteOp::AddMember {
            channel_id,
            user_id,
            at,
        } => add_member(tx, seqs, channel_id, user_id, at).await,
        WriteOp::RemoveMember {
            channel_id,
            user_id,
            at,
        } => remove_member(tx, seqs, channel_id, user_id, at).await,
        WriteOp::AddDepartmentMember {
            department_id,
            user_id,
            at,
        } => {
            let Some(channel_id) = department_channel(tx, department_id).await? else {
                return Ok(WriteOutcome::NotFound);
            };
            if !user_exists(tx, user_id).await? {
                return Ok(WriteOutcome::NotFound);
            }
            sqlx::query(
                "INSERT INTO department_members (department_id, user_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .bind(department_id)
            .bind(user_id)
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
            add_member(tx, seqs, &channel_id, user_id, at).await
        }
        WriteOp::RemoveDepartmentMember {
            department_id,
            user_id,
            at,
        } => {
            let Some(channel_id) = department_channel(tx, department_id).await? else {
                return Ok(WriteOutcome::NotFound);
            };
            sqlx::query("DELETE FROM department_members WHERE department_id = $1 AND user_id = $2")
                .bind(department_id)
                .bind(user_id)
                .execute(&mut **tx)
                .await
                .map_err(db_error)?;
            remove_member(tx, seqs, &channel_id, user_id, at).await
        }
    }
}

async fn add_member(
    tx: &mut Transaction<'static, Db>,
    seqs: &mut SeqCounters,
    channel_id: &str,
    user_id: &str,
    at: &str,
) -> StoreResult<WriteOutcome> {
    if !user_exists(tx, user_id).await? {
        return Ok(WriteOutcome::NotFound);
    }
    let already =
        sqlx::query("SELECT user_id FROM channel_members WHERE channel_id = $1 AND user_id = $2")
            .bind(channel_id)
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_error)?;
    if already.is_some() {
        return Ok(WriteOutcome::Unchanged);
    }
    let Some(seq) = seqs.next(channel_id) else {
        return Ok(WriteOutcome::NotFound);
    };
    // A newcomer starts with everything before its arrival read.
    sqlx::query(
        "INSERT INTO channel_members (channel_id, user_id, last_read_seq, joined_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(channel_id)
    .bind(user_id)
    .bind(seq)
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    insert_member_event(tx, channel_id, seq, "member_joined", user_id, at).await?;
    Ok(WriteOutcome::Committed(ChannelEvent {
        channel_id: channel_id.to_owned(),
        seq,
        kind: EventKind::MemberJoined {
            user_id: user_id.to_owned(),
        },
    }))
}

async fn remove_member(
    tx: &mut Transaction<'static, Db>,
    seqs: &mut SeqCounters,
    channel_id: &str,
    user_id: &str,
    at: &str,
) -> StoreResult<WriteOutcome> {
    let done = sqlx::query("DELETE FROM channel_members WHERE channel_id = $1 AND user_id = $2")
        .bind(channel_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Ok(WriteOutcome::Unchanged);
    }
    let Some(seq) = seqs.next(channel_id) else {
        return Ok(WriteOutcome::NotFound);
    };
    insert_member_event(tx, channel_id, seq, "member_left", user_id, at).await?;
    Ok(WriteOutcome::Committed(ChannelEvent {
        channel_id: channel_id.to_owned(),
        seq,
        kind: EventKind::MemberLeft {
            user_id: user_id.to_owned(),
        },
    }))
}

async fn insert_member_event(
    tx: &mut Transaction<'static, Db>,
    channel_id: &str,
    seq: i64,
    kind: &'static str,
    user_id: &str,
    at: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO events (channel_id, seq, kind, actor_id, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(channel_id)
    .bind(seq)
    .bind(kind)
    .bind(user_id)
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Records that the members of `channel_ids` changed: the next membership version, kept on
/// those channels too (see [`ChannelStore::channel_members_changed_since`]). On PostgreSQL
/// the channels' rows are already locked by the transaction (the batch's, or created by it),
/// and the `meta` row is taken after them, as always.
pub(super) async fn bump_membership_version(
    tx: &mut Transaction<'static, Db>,
    channel_ids: &[&str],
) -> StoreResult<()> {
    let version: i64 = sqlx::query_scalar(
        "UPDATE meta SET value = value + 1 WHERE key = 'membership_version' RETURNING value",
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(db_error)?;
    let mut ids = channel_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(MAX_BOUND_PER_STATEMENT - 1) {
        let sql = format!(
            "UPDATE channels SET members_version = {} WHERE id IN ({})",
            dialect::param(1),
            placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(version);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut **tx).await.map_err(db_error)?;
    }
    Ok(())
}

async fn department_channel(
    tx: &mut Transaction<'static, Db>,
    department_id: &str,
) -> StoreResult<Option<String>> {
    sqlx::query_scalar("SELECT channel_id FROM departments WHERE id = $1")
        .bind(department_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)
}

async fn user_exists(tx: &mut Transaction<'static, Db>, user_id: &str) -> StoreResult<bool> {
    let found = sqlx::query("SELECT id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)?;
    Ok(found.is_some())
}

/// Applies a channel's change; an event only when something differs.
async fn update_channel(
    tx: &mut Transaction<'static, Db>,
    seqs: &mut SeqCounters,
    channel_id: &str,
    user_id: &str,
    change: &ChannelChange,
    at: &str,
) -> StoreResult<WriteOutcome> {
    let current: Option<(String, String, String, Option<String>)> =
        sqlx::query_as("SELECT name, topic, purpose, archived_at FROM channels WHERE id = $1")
            .bind(channel_id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_error)?;
    let Some((name, topic, purpose, archived_at)) = current else {
        return Ok(WriteOutcome::NotFound);
    };
    let was_archived = archived_at.is_some();
    let archived_at = match change.archived {
        Some(true) => archived_at.or_else(|| Some(at.to_owned())),
        Some(false) => None,
        None => archived_at,
    };
    let after = (
        change.name.clone().unwrap_or(name.clone()),
        change.topic.clone().unwrap_or(topic.clone()),
        change.purpose.clone().unwrap_or(purpose.clone()),
    );
    if after == (name, topic, purpose) && change.archived.is_none_or(|a| a == was_archived) {
        return Ok(WriteOutcome::Unchanged);
    }
    let Some(seq) = seqs.next(channel_id) else {
        return Ok(WriteOutcome::NotFound);
    };
    sqlx::query(
        "UPDATE channels SET name = $2, topic = $3, purpose = $4, archived_at = $5 WHERE id = $1",
    )
    .bind(channel_id)
    .bind(&after.0)
    .bind(&after.1)
    .bind(&after.2)
    .bind(&archived_at)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    insert_member_event(tx, channel_id, seq, "channel_updated", user_id, at).await?;
    let (name, topic, purpose) = after;
    Ok(WriteOutcome::Committed(ChannelEvent {
        channel_id: channel_id.to_owned(),
        seq,
        kind: EventKind::ChannelUpdated {
            user_id: user_id.to_owned(),
            name,
            topic,
            purpose,
            archived: archived_at.is_some(),
        },
    }))
}
