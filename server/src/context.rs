//! The shared state every request and socket works with.

use std::sync::Arc;

use crate::auth::Auth;
use crate::cluster::Cluster;
use crate::cluster::link::Outgoing;
use crate::config::Config;
use crate::hub::Hub;
use crate::memberships::{Access, Memberships};
use crate::store::{ChannelMembers, Store};
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
    /// This node's place in a cluster (with `--nats-url` only).
    pub cluster: std::sync::OnceLock<Cluster>,
}

impl Context {
    /// What `user_id` may do with a channel. The cache answers; with several nodes, an answer
    /// short of membership is checked against the store first, because another node may have
    /// created the channel or added the user a moment ago and the news may still be on its
    /// way over the bus.
    pub async fn access(&self, channel_id: &str, user_id: &str) -> Access {
        let cached = self.memberships.access(channel_id, user_id);
        if cached == Access::Member || !self.hub.link().is_clustered() {
            return cached;
        }
        match self.store.channel_members(channel_id).await {
            Ok(Some(fresh)) => {
                self.memberships.insert(fresh);
                self.memberships.access(channel_id, user_id)
            }
            Ok(None) => Access::Hidden,
            Err(e) => {
                tracing::warn!(error = %e, "could not refresh a channel's members");
                cached
            }
        }
    }

    /// Puts a channel created just now in the membership cache, on every node.
    pub fn remember_new_channel(&self, channel: ChannelMembers) {
        self.hub
            .link()
            .send(Outgoing::ChannelCreated(channel.clone()));
        self.memberships.insert(channel);
    }
}
