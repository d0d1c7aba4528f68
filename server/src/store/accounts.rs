//! Accounts and their sessions: people, bots, passwords, refresh and bot tokens.

use async_trait::async_trait;

use super::*;

/// Implemented once, by the portable queries in `sql/`, for every backend.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates an account; `Conflict` when the username (case-insensitive) is taken.
    async fn create_user(&self, user: NewUser) -> StoreResult<User>;
    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>>;
    /// The accounts among `ids` that exist, by username.
    async fn users_by_ids(&self, ids: &[String]) -> StoreResult<Vec<User>>;
    /// The account and its password hash, for login.
    async fn credentials_by_username(&self, username: &str) -> StoreResult<Option<Credentials>>;
    async fn password_hash(&self, user_id: &str) -> StoreResult<Option<String>>;
    /// The language (`ca`, `es`, `en`) the person's client last said; `None` until one did.
    async fn language(&self, user_id: &str) -> StoreResult<Option<String>>;
    async fn set_language(&self, user_id: &str, lang: &str) -> StoreResult<()>;
    /// Users whose username or display name contains `query` (case-insensitive), by username.
    async fn list_users(&self, query: Option<&str>, limit: u32) -> StoreResult<Vec<User>>;
    async fn update_user(&self, id: &str, change: UserChange) -> StoreResult<Option<User>>;
    /// Marks the account inactive and revokes all its sessions; returns the revoked session ids.
    async fn deactivate_user(&self, id: &str, at: &str) -> StoreResult<Option<Vec<String>>>;
    /// Marks the account active again; false when there is no such account.
    async fn reactivate_user(&self, id: &str) -> StoreResult<bool>;
    /// Revokes every session of the account (and so its bot tokens); returns their ids.
    async fn revoke_user_sessions(&self, user_id: &str, at: &str) -> StoreResult<Vec<String>>;
    /// Sets a new password and revokes every session, in one transaction; `None` when there
    /// is no such account.
    async fn reset_password(
        &self,
        user_id: &str,
        password_hash: &str,
        at: &str,
    ) -> StoreResult<Option<Vec<String>>>;
    async fn create_session(&self, session: NewSession) -> StoreResult<()>;
    /// Creates a bot account with its first token, in one transaction.
    async fn create_bot(&self, bot: NewUser, token: NewTokenSession) -> StoreResult<User>;
    /// Adds a token session (a bot token) for an existing account.
    async fn create_token_session(&self, token: NewTokenSession) -> StoreResult<()>;
    /// The token session whose token hashes to `token_hash`.
    async fn token_session(&self, token_hash: &str) -> StoreResult<Option<TokenSession>>;
    /// The token sessions of an account, oldest first (never the secrets).
    async fn token_sessions(&self, user_id: &str) -> StoreResult<Vec<TokenSessionInfo>>;
    /// Swaps a refresh token for a new one; see [`RefreshOutcome`]. A token already used
    /// after `reuse_grace_since` rotates again (its first answer was probably lost); one used
    /// at or before it is a reuse.
    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        now: &str,
        reuse_grace_since: &str,
    ) -> StoreResult<RefreshOutcome>;
    /// Revokes a session; true when it was active.
    async fn revoke_session(&self, session_id: &str, at: &str) -> StoreResult<bool>;
    /// Ids of sessions revoked at or after `since` (to rebuild the revocation set at start).
    async fn sessions_revoked_since(&self, since: &str) -> StoreResult<Vec<String>>;
}
