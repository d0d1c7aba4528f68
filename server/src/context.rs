//! The shared state every request and socket works with.

use std::sync::Arc;

use crate::auth::Auth;
use crate::config::Config;
use crate::hub::Hub;
use crate::memberships::Memberships;
use crate::store::Store;
use crate::writer::Writer;
use xerrada_protocol::User;

/// Services and shared state of one running node.
pub struct Context {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub hub: Arc<Hub>,
    pub memberships: Arc<Memberships>,
    pub writer: Writer,
    pub auth: Auth,
    /// HTTP client for outbound calls of integrations (only to allowlisted hosts).
    pub outbound: reqwest::Client,
    /// The account incoming webhooks post as (created on first use).
    pub webhook_author: tokio::sync::OnceCell<User>,
    /// The `@suport` bot account (created on first use).
    pub support_bot: tokio::sync::OnceCell<User>,
}
