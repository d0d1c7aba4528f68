//! The shared state every request and socket works with.

use std::sync::Arc;

use async_trait::async_trait;

use crate::auth::Auth;
use crate::config::Config;
use crate::error::AppResult;
use crate::files::FileStore;
use crate::hub::Hub;
use crate::memberships::{Access, Memberships};
use crate::peers::Outgoing;
use crate::store::{ChannelMembers, Store};
use crate::texts::Lang;
use crate::writer::Writer;
use xerrada_protocol::User;

/// Services and shared state of one running node.
pub struct Context {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub hub: Arc<Hub>,
    pub memberships: Arc<Memberships>,
    /// The bytes of uploaded files.
    pub files: Arc<dyn FileStore>,
    pub writer: Writer,
    pub auth: Auth,
    /// Per-user rate limits and typing coalescing (see `rate_limits.rs`).
    pub rate_limits: crate::rate_limits::RateLimiter,
    /// What `/metrics` counts (see `metrics.rs`).
    pub metrics: Arc<crate::metrics::Metrics>,
    /// HTTP client for outbound calls of integrations (only to allowlisted hosts).
    pub outbound: reqwest::Client,
    /// The account incoming webhooks post as (created on first use).
    pub webhook_author: tokio::sync::OnceCell<User>,
    /// The `@suport` bot account (created on first use).
    pub support_bot: tokio::sync::OnceCell<User>,
    /// The Telegram-compatible Bot API's long polls (see `telegram/`).
    pub bot_polls: crate::bot_polls::BotPolls,
    /// Slash commands of features built on the services (the help desk's).
    pub feature_commands: Vec<Arc<dyn FeatureCommands>>,
    /// Who else may read a file, besides its uploader and its channel's members (the help
    /// desk's ticket files).
    pub file_readers: Vec<Arc<dyn FileReaders>>,
}

/// A feature that lets more people read some files (the help desk: the team reads the files
/// attached to tickets). The file service asks each without depending on the features.
#[async_trait]
pub trait FileReaders: Send + Sync {
    /// Whether `user` may read the file `file_id` through this feature.
    async fn may_read(&self, ctx: &Context, user: &User, file_id: &str) -> AppResult<bool>;
}

/// Runs `serve` on whichever process of the installation holds `role` (see
/// `CoordinationStore::try_lead`); the others stand by and take over within seconds when the
/// leader goes. `what` names the role in the logs.
pub fn spawn_as_leader<F, Fut>(
    ctx: Arc<Context>,
    role: &'static str,
    what: &'static str,
    serve: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn(Arc<Context>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        loop {
            match ctx.store.try_lead(role).await {
                Ok(Some(mut lead)) => {
                    tracing::info!("this node runs {what}");
                    tokio::select! {
                        () = serve(ctx.clone()) => {}
                        () = lead.lost() => {
                            tracing::warn!("lost the role of {what}; another node may take it");
                        }
                    }
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "cannot tell which node runs {what}"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        }
    })
}

/// Slash commands a feature built on the core services adds (the help desk's `/suport`,
/// `/ticket`, `/tickets` and `/info`). The command service routes to them without depending
/// on the feature, which depends on the services: `app.rs` registers the feature at start.
#[async_trait]
pub trait FeatureCommands: Send + Sync {
    /// Each command's name, without the slash.
    fn names(&self) -> &'static [&'static str];
    /// A command's line in `/help`.
    fn describe(&self, name: &str, lang: Lang) -> String;
    /// Runs `/name text` for `caller` (one of its names), with the uploads sent along with it
    /// (`file_ids`, possibly none); the answer, in `lang`, is shown to the caller only.
    async fn run(
        &self,
        ctx: &Context,
        caller: &User,
        name: &str,
        text: &str,
        file_ids: &[String],
        lang: Lang,
    ) -> AppResult<String>;
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
        // As for a reload: a change applied while the store is read wins over the read.
        let seen = self.memberships.changes();
        match self.store.channel_members(channel_id).await {
            Ok(Some(fresh)) => {
                self.memberships.insert_if_unchanged(fresh, seen);
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
