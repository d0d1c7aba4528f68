//! Authentication: login, refresh-token rotation, logout, and turning a bearer token into a
//! [`Caller`].
//!
//! Access tokens are JWTs (see [`tokens`]); refresh tokens are random, stored as SHA-256
//! hashes, and rotate on every use. Presenting an already-used refresh token means it was
//! copied: the whole session is revoked. Revocation is immediate: the session id joins an
//! in-memory set checked on every request, and its sockets are closed with 4003.

pub mod passwords;
pub mod revocations;
pub mod throttle;
pub mod tokens;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use xerrada_protocol::{User, UserKind, close_code};

use crate::config::AuthSettings;
use crate::error::{AppError, AppResult};
use crate::hub::Hub;
use crate::ids;
use crate::peers::Outgoing;
use crate::store::{NewSession, RefreshOutcome, Store};
use passwords::Passwords;
use revocations::Revocations;
use throttle::{LoginThrottle, Refusal, ThrottleLimits};
use tokens::{TokenError, TokenKeys};

/// An authenticated user and the session its token belongs to.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub session_id: String,
    /// The client's address, for the audit log; set by the HTTP extractor, `None` elsewhere.
    pub ip: Option<std::net::IpAddr>,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.user.role == xerrada_protocol::Role::Admin
    }
}

/// Refuses anyone but an admin, with 403.
pub fn require_admin(caller: &Caller) -> AppResult<()> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden("only an admin may do this".into()))
    }
}

/// Bot tokens start with this, so they are told from JWTs without parsing.
pub const BOT_TOKEN_PREFIX: &str = "xbot_";

/// A new bot token secret.
pub fn new_bot_token() -> String {
    format!("{BOT_TOKEN_PREFIX}{}", ids::random_token(32))
}

/// Tokens handed out by login and refresh.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: String,
    pub user: User,
    pub session_id: String,
}

/// The authentication service.
pub struct Auth {
    store: Arc<dyn Store>,
    hub: Arc<Hub>,
    passwords: Passwords,
    keys: TokenKeys,
    revocations: Revocations,
    throttle: LoginThrottle,
    session_ttl_days: u64,
    refresh_reuse_grace: std::time::Duration,
    /// Refused password logins, for `/metrics`.
    failed_logins: prometheus_client::metrics::counter::Counter,
}

impl Auth {
    pub async fn new(
        store: Arc<dyn Store>,
        hub: Arc<Hub>,
        keys: TokenKeys,
        settings: &AuthSettings,
        failed_logins: prometheus_client::metrics::counter::Counter,
    ) -> AppResult<Self> {
        let revocations = Revocations::new(keys.ttl_secs());
        // Sessions revoked before a restart must stay refused while their tokens could live.
        let since = ids::format_time(
            OffsetDateTime::now_utc() - time::Duration::seconds(keys.ttl_secs() as i64 + 60),
        );
        for session_id in store.sessions_revoked_since(&since).await? {
            revocations.revoke(&session_id);
        }
        Ok(Auth {
            store,
            hub,
            passwords: Passwords::new(settings.max_concurrent_hashes)?,
            keys,
            revocations,
            throttle: LoginThrottle::new(ThrottleLimits {
                max_failures_per_username: settings.max_failed_logins,
                max_failures_per_ip: settings.max_failed_logins_per_ip,
                max_in_flight_per_ip: settings.max_pending_logins_per_ip,
                window: std::time::Duration::from_secs(settings.failed_login_window_secs),
            }),
            session_ttl_days: settings.session_ttl_days,
            refresh_reuse_grace: std::time::Duration::from_secs(settings.refresh_reuse_grace_secs),
            failed_logins,
        })
    }

    /// The password hasher, shared with account management.
    pub fn passwords(&self) -> &Passwords {
        &self.passwords
    }

    /// Checks credentials and opens a session. Unknown user and wrong password get the same
    /// answer, after the same work. The attempt is reserved with the throttle before the hash
    /// (see [`throttle`]), and bot accounts never log in with a password.
    pub async fn login(&self, username: &str, password: &str, client: IpAddr) -> AppResult<Issued> {
        let attempt = self
            .throttle
            .reserve(username, client)
            .map_err(refusal_error)?;
        let credentials = self.store.credentials_by_username(username).await?;
        let hash = credentials
            .as_ref()
            .and_then(|c| c.password_hash.as_deref());
        let valid = self.passwords.verify(password, hash).await?;
        let user = match credentials {
            Some(c) if valid && c.user.active && c.user.kind == UserKind::Human => c.user,
            _ => {
                attempt.failed();
                self.failed_logins.inc();
                return Err(AppError::Unauthorized("wrong username or password".into()));
            }
        };
        attempt.succeeded();
        self.open_session(user).await
    }

    /// Opens a session for an already-authenticated user.
    async fn open_session(&self, user: User) -> AppResult<Issued> {
        let session_id = ids::new_id();
        let refresh_token = ids::random_token(32);
        let now = OffsetDateTime::now_utc();
        self.store
            .create_session(NewSession {
                id: session_id.clone(),
                user_id: user.id.clone(),
                refresh_hash: ids::sha256_hex(&refresh_token),
                created_at: ids::format_time(now),
                expires_at: ids::format_time(
                    now + time::Duration::days(self.session_ttl_days as i64),
                ),
            })
            .await?;
        Ok(Issued {
            access_token: self.keys.issue(&user.id, &session_id),
            expires_in: self.keys.ttl_secs(),
            refresh_token,
            user,
            session_id,
        })
    }

    /// Swaps a refresh token for new tokens. Reuse of an old token revokes the session.
    pub async fn refresh(&self, refresh_token: &str) -> AppResult<Issued> {
        let new_refresh = ids::random_token(32);
        let outcome = self
            .store
            .rotate_refresh_token(
                &ids::sha256_hex(refresh_token),
                &ids::sha256_hex(&new_refresh),
                &ids::now(),
                &ids::time_ago(self.refresh_reuse_grace),
            )
            .await?;
        let refused = || AppError::Unauthorized("invalid or expired refresh token".into());
        match outcome {
            RefreshOutcome::Rotated {
                session_id,
                user_id,
            } => {
                let user = self.store.user_by_id(&user_id).await?;
                let Some(user) = user.filter(|u| u.active) else {
                    return Err(refused());
                };
                Ok(Issued {
                    access_token: self.keys.issue(&user.id, &session_id),
                    expires_in: self.keys.ttl_secs(),
                    refresh_token: new_refresh,
                    user,
                    session_id,
                })
            }
            RefreshOutcome::Reused { session_id } => {
                tracing::warn!(%session_id, "refresh token reused: session revoked");
                self.end_sessions(&[session_id]);
                Err(refused())
            }
            RefreshOutcome::Invalid => Err(refused()),
        }
    }

    /// Ends a session: its tokens stop working and its sockets close with 4003.
    pub async fn logout(&self, session_id: &str) -> AppResult<()> {
        self.store.revoke_session(session_id, &ids::now()).await?;
        self.end_sessions(&[session_id.to_owned()]);
        Ok(())
    }

    /// Marks sessions revoked in memory and closes their sockets, on every node (the store
    /// already knows).
    pub fn end_sessions(&self, session_ids: &[String]) {
        if session_ids.is_empty() {
            return;
        }
        self.hub
            .link()
            .send(Outgoing::Revoked(session_ids.to_vec()));
        self.end_local_sessions(session_ids);
    }

    /// Ends sessions on this node only (told by another node, or found by `sync`).
    pub fn end_local_sessions(&self, session_ids: &[String]) {
        for session_id in session_ids {
            self.revocations.revoke(session_id);
            self.hub
                .close_session(session_id, close_code::SESSION_ENDED, "session ended");
        }
    }

    async fn authenticate_bot(&self, token: &str) -> AppResult<Caller> {
        let refused = || AppError::Unauthorized("invalid or revoked bot token".into());
        let session = self
            .store
            .token_session(&ids::sha256_hex(token))
            .await?
            .ok_or_else(refused)?;
        if session.revoked || self.revocations.is_revoked(&session.id) {
            return Err(refused());
        }
        match self.store.user_by_id(&session.user_id).await? {
            Some(user) if user.active => Ok(Caller {
                user,
                session_id: session.id,
                ip: None,
            }),
            _ => Err(AppError::Unauthorized("the account is not active".into())),
        }
    }

    /// Whether this node already treats the session as ended.
    pub fn is_revoked(&self, session_id: &str) -> bool {
        self.revocations.is_revoked(session_id)
    }

    /// The caller a bearer token speaks for, if the token and its session and user are valid.
    /// A bot token (see [`BOT_TOKEN_PREFIX`]) is looked up by its hash; anything else must be
    /// an access token.
    pub async fn authenticate(&self, token: &str) -> AppResult<Caller> {
        if token.starts_with(BOT_TOKEN_PREFIX) {
            return self.authenticate_bot(token).await;
        }
        let claims = self.keys.verify(token).map_err(|e| match e {
            TokenError::Expired => AppError::Unauthorized("the access token has expired".into()),
            TokenError::Invalid => AppError::Unauthorized("invalid access token".into()),
        })?;
        if self.revocations.is_revoked(&claims.sid) {
            return Err(AppError::Unauthorized("the session has ended".into()));
        }
        let user = self.store.user_by_id(&claims.sub).await?;
        match user {
            Some(user) if user.active => Ok(Caller {
                user,
                session_id: claims.sid,
                ip: None,
            }),
            _ => Err(AppError::Unauthorized("the account is not active".into())),
        }
    }
}

/// The answer to a login the throttle did not let through.
fn refusal_error(refusal: Refusal) -> AppError {
    match refusal {
        Refusal::Username { retry_after_secs } => AppError::RateLimited {
            message: "too many failed logins; wait and try again".into(),
            retry_after: Duration::from_secs(retry_after_secs),
        },
        Refusal::Address { retry_after_secs } => AppError::RateLimited {
            message: "too many failed logins from this address; wait and try again".into(),
            retry_after: Duration::from_secs(retry_after_secs),
        },
        Refusal::Busy => AppError::RateLimited {
            message: "too many logins in progress from this address; try again in a moment".into(),
            retry_after: Duration::from_secs(1),
        },
    }
}
