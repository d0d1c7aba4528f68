//! Persistence: the [`Store`] trait and one implementation per database backend.
//!
//! Services speak only to the trait, so a PostgreSQL backend can be added without touching
//! them. SQL lives only in the backend modules (`sqlite/`, `postgres/`), and no business rule lives there:
//! the store answers "what is", services decide "what may be". The one exception is the
//! channel sequence: assigning the next gap-free `seq` and committing the event must be one
//! transaction, so [`Store::apply_batch`] owns it (it is called only by the writer task).

pub mod migrate;
pub mod postgres;
mod records;
mod rows;
pub mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;

pub use records::*;

/// The database engines a store can live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names, if it is one this build knows.
    pub fn of(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Opens the store a URL names, applying its migrations.
pub async fn open(url: &str) -> StoreResult<Arc<dyn Store>> {
    match Backend::of(url) {
        Some(Backend::Sqlite) => Ok(Arc::new(sqlite::SqliteStore::open(url).await?)),
        Some(Backend::Postgres) => Ok(Arc::new(postgres::PostgresStore::open(url).await?)),
        None => Err(StoreError::Internal(
            format!("unsupported database URL {url:?}").into(),
        )),
    }
}

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken (username, department slug, ...).
    #[error("already exists: {0}")]
    Conflict(&'static str),
    /// The database cannot be reached or is busy past its timeout.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Anything else: a bug or corruption; logged with its cause, reported as `internal`.
    #[error("database error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the server keeps. Implemented once per backend; see `tests/` for the conformance
/// suite every backend must pass.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answers when the database is reachable (for `/readyz`).
    async fn health(&self) -> StoreResult<()>;

    // --- accounts ---------------------------------------------------------------------
    /// Creates an account; `Conflict` when the username (case-insensitive) is taken.
    async fn create_user(&self, user: NewUser) -> StoreResult<User>;
    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>>;
    /// The account and its password hash, for login.
    async fn credentials_by_username(&self, username: &str) -> StoreResult<Option<Credentials>>;
    async fn password_hash(&self, user_id: &str) -> StoreResult<Option<String>>;
    /// Users whose username or display name contains `query` (case-insensitive), by username.
    async fn list_users(&self, query: Option<&str>, limit: u32) -> StoreResult<Vec<User>>;
    async fn update_user(&self, id: &str, change: UserChange) -> StoreResult<Option<User>>;
    /// Marks the account inactive and revokes all its sessions; returns the revoked session ids.
    async fn deactivate_user(&self, id: &str, at: &str) -> StoreResult<Option<Vec<String>>>;

    // --- departments and channels -------------------------------------------------------
    /// Creates a department and its department channel in one transaction.
    async fn create_department(&self, dept: Department, channel: NewChannel) -> StoreResult<()>;
    async fn list_departments(&self) -> StoreResult<Vec<Department>>;
    async fn department_by_id(&self, id: &str) -> StoreResult<Option<Department>>;
    async fn department_by_slug(&self, slug: &str) -> StoreResult<Option<Department>>;
    /// Creates a channel whose initial members are `member_ids` (no events: a new channel
    /// starts at `seq` 0).
    async fn create_channel(&self, channel: NewChannel, member_ids: &[String]) -> StoreResult<()>;
    /// The direct channel with this member key, created with these members if absent.
    /// Returns the channel id and whether it was created now.
    async fn find_or_create_dm(
        &self,
        channel: NewChannel,
        member_ids: &[String],
    ) -> StoreResult<(String, bool)>;
    async fn channel_by_id(&self, id: &str) -> StoreResult<Option<ChannelRecord>>;
    /// One channel as `user_id` sees it (membership, read marker, unread count).
    async fn channel_view(&self, id: &str, user_id: &str) -> StoreResult<Option<ChannelView>>;
    /// Channels `user_id` belongs to, plus public channels it may join.
    async fn channels_for_user(&self, user_id: &str) -> StoreResult<Vec<ChannelView>>;
    /// Every channel with its members, to fill the in-memory membership cache at start.
    async fn all_channel_members(&self) -> StoreResult<Vec<ChannelMembers>>;
    /// One channel with its members (to refresh the cache when another node changed it).
    async fn channel_members(&self, channel_id: &str) -> StoreResult<Option<ChannelMembers>>;
    /// A counter bumped by every committed membership change (channel creation included), so
    /// a process can tell that another one changed memberships.
    async fn membership_version(&self) -> StoreResult<i64>;
    /// Every channel's `last_seq`: where a node's ordered delivery of each channel starts.
    async fn channel_heads(&self) -> StoreResult<Vec<(String, i64)>>;
    /// The secret called `name`, stored as `candidate` when none is stored yet. The first
    /// writer wins, so nodes that start together end up with the same secret.
    async fn shared_secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>>;

    // --- channel events -----------------------------------------------------------------
    /// Applies a batch of channel writes in ONE transaction (group commit). Each operation gets
    /// its own outcome; an `Err` of the whole call means nothing was committed.
    async fn apply_batch(&self, ops: &[WriteOp]) -> StoreResult<Vec<WriteOutcome>>;
    /// Messages of a channel in ascending `seq`; see [`HistoryQuery`].
    async fn messages(&self, channel_id: &str, query: HistoryQuery) -> StoreResult<MessageSlice>;
    /// One message of a channel by id.
    async fn message(&self, channel_id: &str, message_id: &str) -> StoreResult<Option<Message>>;
    /// Events with `seq > after`, ascending, at most `limit`. A `message_updated` event carries
    /// the message as it is now.
    async fn events_after(
        &self,
        channel_id: &str,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<ChannelEvent>>;
    /// Moves a read marker forward (never back, never past `last_seq`); returns its value.
    async fn mark_read(&self, channel_id: &str, user_id: &str, seq: i64) -> StoreResult<i64>;

    // --- incoming webhooks ----------------------------------------------------------------
    async fn create_webhook(&self, webhook: WebhookRecord) -> StoreResult<()>;
    /// A live (not deleted) webhook by id.
    async fn webhook(&self, id: &str) -> StoreResult<Option<Webhook>>;
    /// A live webhook by the hash of its secret.
    async fn webhook_by_secret(&self, secret_hash: &str) -> StoreResult<Option<Webhook>>;
    /// Live webhooks of a channel, oldest first.
    async fn channel_webhooks(&self, channel_id: &str) -> StoreResult<Vec<Webhook>>;
    /// Renames and/or sets a new secret; false when the webhook is gone.
    async fn update_webhook(
        &self,
        id: &str,
        name: Option<&str>,
        secret_hash: Option<&str>,
    ) -> StoreResult<bool>;
    /// Makes `owner_id` the webhook's owner (`created_by`); false when the webhook is gone.
    async fn set_webhook_owner(&self, id: &str, owner_id: &str) -> StoreResult<bool>;
    /// Deletes a webhook (its secret stops working); false when it was gone.
    async fn delete_webhook(&self, id: &str, at: &str) -> StoreResult<bool>;

    // --- slash commands -------------------------------------------------------------------
    /// Registers a command; `Conflict` when the name is taken.
    async fn create_command(&self, command: SlashCommand) -> StoreResult<()>;
    async fn commands(&self) -> StoreResult<Vec<SlashCommand>>;
    async fn command_by_name(&self, name: &str) -> StoreResult<Option<SlashCommand>>;
    /// Removes a command (and its pending response grants); false when it was gone.
    async fn delete_command(&self, id: &str) -> StoreResult<bool>;
    async fn create_response_grant(&self, grant: ResponseGrant) -> StoreResult<()>;
    /// Uses one of a grant's uses if it is still valid at `now`; the grant as it was.
    async fn use_response_grant(
        &self,
        token_hash: &str,
        now: &str,
    ) -> StoreResult<Option<ResponseGrant>>;

    // --- support desk ---------------------------------------------------------------------
    /// Opens a ticket (with its `opened` history line) and returns it with its number.
    async fn create_ticket(&self, ticket: NewTicket) -> StoreResult<Ticket>;
    async fn ticket(&self, number: i64) -> StoreResult<Option<Ticket>>;
    /// Tickets matching `filter`, newest first.
    async fn tickets(&self, filter: TicketFilter) -> StoreResult<Vec<Ticket>>;
    /// Applies `change` and appends `history` lines (kind, detail) by `actor_id`, in one
    /// transaction; the ticket as it is now, or `None` when it does not exist.
    async fn update_ticket(
        &self,
        number: i64,
        change: TicketChange,
        history: &[(String, String)],
        actor_id: &str,
        at: &str,
    ) -> StoreResult<Option<Ticket>>;
    /// A ticket's history, oldest first.
    async fn ticket_history(&self, number: i64) -> StoreResult<Vec<TicketEvent>>;
    /// Remembers the card message of a ticket.
    async fn set_ticket_card(
        &self,
        number: i64,
        channel_id: &str,
        message_id: &str,
    ) -> StoreResult<()>;
    /// The card message of a ticket: (channel id, message id).
    async fn ticket_card(&self, number: i64) -> StoreResult<Option<(String, String)>>;

    /// Creates or replaces an article in one language.
    async fn set_article(&self, article: InfoArticle, updated_by: &str) -> StoreResult<()>;
    /// Every article in every language, by topic then language.
    async fn articles(&self) -> StoreResult<Vec<InfoArticle>>;
    /// Removes a topic in one language, or in all; how many rows went.
    async fn remove_article(&self, topic: &str, lang: Option<&str>) -> StoreResult<u64>;

    // --- sessions -------------------------------------------------------------------------
    async fn create_session(&self, session: NewSession) -> StoreResult<()>;
    /// Creates a bot account with its first token, in one transaction.
    async fn create_bot(&self, bot: NewUser, token: NewTokenSession) -> StoreResult<User>;
    /// Adds a token session (a bot token) for an existing account.
    async fn create_token_session(&self, token: NewTokenSession) -> StoreResult<()>;
    /// The token session whose token hashes to `token_hash`.
    async fn token_session(&self, token_hash: &str) -> StoreResult<Option<TokenSession>>;
    /// The token sessions of an account, oldest first (never the secrets).
    async fn token_sessions(&self, user_id: &str) -> StoreResult<Vec<TokenSessionInfo>>;
    /// Swaps a refresh token for a new one; see [`RefreshOutcome`].
    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        now: &str,
    ) -> StoreResult<RefreshOutcome>;
    /// Revokes a session; true when it was active.
    async fn revoke_session(&self, session_id: &str, at: &str) -> StoreResult<bool>;
    /// Ids of sessions revoked at or after `since` (to rebuild the revocation set at start).
    async fn sessions_revoked_since(&self, since: &str) -> StoreResult<Vec<String>>;

    // --- coordination ---------------------------------------------------------------------
    /// Tries to become the one process of the installation that plays `role` (the support
    /// bot, which must answer once, not once per node). `None`: another process holds it.
    async fn try_lead(&self, role: &str) -> StoreResult<Option<Box<dyn Leadership>>>;
}

/// A role held by this process until dropped or lost.
#[async_trait]
pub trait Leadership: Send {
    /// Resolves when the role is lost (its database connection is gone); the role is then
    /// free for another process.
    async fn lost(&mut self);
}
