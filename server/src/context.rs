//! The shared state every request and socket works with.

use std::sync::Arc;

use crate::auth::Auth;
use crate::config::Config;
use crate::hub::Hub;
use crate::memberships::Memberships;
use crate::store::Store;
use crate::writer::Writer;

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
    /// Id of the account incoming webhooks post as (created on first use).
    pub webhook_author: tokio::sync::OnceCell<String>,
}
