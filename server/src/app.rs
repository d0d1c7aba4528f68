//! Building and running a node: open the store, start the writer, serve HTTP, shut down
//! gracefully.
//!
//! [`Application::with_listener`] takes an already bound listener and
//! [`Application::run_until`] a shutdown future, so tests run real servers on port 0 in-process
//! and can test shutdown too.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use xerrada_protocol::close_code;

use crate::auth::Auth;
use crate::auth::tokens::TokenKeys;
use crate::cluster::Cluster;
use crate::config::Config;
use crate::context::Context;
use crate::delivery::LocalDelivery;
use crate::error::AppError;
use crate::hub::Hub;
use crate::memberships::Memberships;
use crate::store::Store;
use crate::writer::{BatchLimits, Writer};

/// Errors that stop a node from starting.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot use data dir {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot bind {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot load the signing key: {0}")]
    SigningKey(#[from] crate::auth::tokens::KeyError),
    #[error("cannot open the database: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Tls(#[from] crate::tls::TlsError),
    #[error("cannot join the cluster: {0}")]
    Cluster(#[from] crate::cluster::ClusterError),
    #[error("{0}")]
    App(#[from] AppError),
}

/// A node's services, opened on its data dir and database, with its writer task.
pub struct Node {
    pub ctx: Arc<Context>,
    writer_task: JoinHandle<()>,
    delivery: Arc<LocalDelivery>,
    /// This node's place in a cluster (with `--nats-url` only); its tasks stop when dropped.
    cluster: std::sync::OnceLock<Cluster>,
}

impl Node {
    /// Opens the data dir and store and starts the writer (no HTTP): what both `serve` and the
    /// admin subcommands need.
    pub async fn open(config: Config) -> Result<Node, StartError> {
        // A typo in [support] hours stops the start, not the first ticket.
        crate::helpdesk::hours::WorkingHours::of(&config.support)
            .map_err(|e| StartError::App(AppError::Invalid(e)))?;
        create_data_dir(&config)?;
        let store: Arc<dyn Store> = crate::store::open(&config.database_url()).await?;
        let keys = TokenKeys::load_or_create(
            store.as_ref(),
            &config.data_dir,
            config.auth.access_ttl_secs,
        )
        .await?;
        let memberships = Arc::new(Memberships::load(store.as_ref()).await?);
        let hub = Arc::new(Hub::new(
            config.realtime.outbound_queue_bytes,
            memberships.clone(),
        ));
        let delivery = Arc::new(LocalDelivery::new(
            store.clone(),
            hub.clone(),
            memberships.clone(),
        ));
        let metrics = Arc::new(crate::metrics::Metrics::default());
        let (writer, writer_task) = Writer::start(
            store.clone(),
            delivery.clone(),
            hub.link().clone(),
            metrics.clone(),
            BatchLimits {
                max_ops: config.realtime.max_batch,
                max_bytes: config.realtime.max_batch_bytes,
            },
        );
        let auth = Auth::new(
            store.clone(),
            hub.clone(),
            keys,
            &config.auth,
            metrics.failed_logins.clone(),
        )
        .await?;
        let files_dir = config.files_dir();
        let files =
            crate::files::DiskFiles::open(&files_dir).map_err(|source| StartError::DataDir {
                path: files_dir.display().to_string(),
                source,
            })?;
        let rate_limits = crate::rate_limits::RateLimiter::new(config.rate_limits.clone());
        let outbound = crate::tls::outbound_client(&config)?;
        let ctx = Arc::new(Context {
            config,
            rate_limits,
            store,
            hub,
            memberships,
            files: Arc::new(files),
            writer,
            auth,
            metrics,
            outbound,
            webhook_author: tokio::sync::OnceCell::new(),
            support_bot: tokio::sync::OnceCell::new(),
            bot_polls: crate::bot_polls::BotPolls::default(),
            feature_commands: vec![Arc::new(crate::helpdesk::commands::DeskCommands)],
            file_readers: vec![Arc::new(crate::helpdesk::TicketFileReaders)],
        });
        Ok(Node {
            cluster: std::sync::OnceLock::new(),
            ctx,
            writer_task,
            delivery,
        })
    }

    /// Joins the other nodes on NATS when `nats_url` is configured (serving nodes only: the
    /// admin CLI works on the shared database, and running nodes notice its changes).
    pub async fn join_cluster(&self) -> Result<(), StartError> {
        let Some(url) = self.ctx.config.nats_url.clone() else {
            return Ok(());
        };
        let cluster = Cluster::start(&self.ctx, self.delivery.clone(), &url).await?;
        let _ = self.cluster.set(cluster);
        Ok(())
    }

    /// Commits what the writer still holds and stops it.
    pub async fn close(self) {
        self.ctx.writer.shutdown().await;
        let _ = self.writer_task.await;
    }
}

fn create_data_dir(config: &Config) -> Result<(), StartError> {
    let path = &config.data_dir;
    let err = |source| StartError::DataDir {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(path).map_err(err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).map_err(err)?;
    }
    Ok(())
}

/// A node ready to serve on a bound listener.
pub struct Application {
    listener: TcpListener,
    /// HTTPS on the listener (`[tls]`).
    tls: Option<tokio_rustls::TlsAcceptor>,
    node: Node,
    sync_task: JoinHandle<()>,
    support_bot: JoinHandle<()>,
    telegram_relay: JoinHandle<()>,
    file_sweeper: JoinHandle<()>,
    scheduled_backups: Option<JoinHandle<()>>,
}

impl Application {
    /// Binds `config.bind` and opens the node.
    pub async fn build(config: Config) -> Result<Application, StartError> {
        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.bind,
                source,
            })?;
        Self::with_listener(config, listener).await
    }

    /// Opens the node to serve on `listener` (tests bind port 0).
    pub async fn with_listener(
        config: Config,
        listener: TcpListener,
    ) -> Result<Application, StartError> {
        let mut config = config;
        if config.public_url.is_none() {
            let addr = listener.local_addr().map_err(|source| StartError::Bind {
                addr: config.bind,
                source,
            })?;
            let scheme = if config.tls.is_some() {
                "https"
            } else {
                "http"
            };
            config.public_url = Some(format!("{scheme}://{addr}"));
        }
        let tls = config.tls.as_ref().map(crate::tls::acceptor).transpose()?;
        let node = Node::open(config).await?;
        node.join_cluster().await?;
        crate::bootstrap::ensure_admin(&node.ctx).await?;
        let interval = Duration::from_millis(node.ctx.config.realtime.sync_interval_ms.max(10));
        let sync_task = crate::sync::start(&node.ctx, interval);
        let support_bot = crate::helpdesk::bot::start(node.ctx.clone());
        let telegram_relay = crate::telegram::start(node.ctx.clone());
        let file_sweeper = crate::services::files::start_sweeper(&node.ctx);
        let scheduled_backups = crate::backup::start_schedule(&node.ctx.config);
        Ok(Application {
            listener,
            tls,
            node,
            sync_task,
            support_bot,
            telegram_relay,
            file_sweeper,
            scheduled_backups,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound TCP listener has an address")
    }

    /// The node's shared state (tests read hub statistics from it).
    pub fn context(&self) -> Arc<Context> {
        self.node.ctx.clone()
    }

    /// Serves until `shutdown` resolves; then stops accepting, closes every socket with 1001,
    /// lets in-flight requests finish and commits what the writer holds.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let Application {
            listener,
            tls,
            node,
            sync_task,
            support_bot,
            telegram_relay,
            file_sweeper,
            scheduled_backups,
        } = self;
        let ctx = node.ctx.clone();
        let router = crate::api::router(ctx.clone());
        let hub = ctx.hub.clone();
        let closing = ctx.clone();
        let graceful = async move {
            shutdown.await;
            support_bot.abort();
            telegram_relay.abort();
            closing.bot_polls.shut_down();
            tracing::info!("shutting down: closing sockets");
            hub.close_all(close_code::GOING_AWAY, "server going away");
        };
        tracing::info!(addr = %listener.local_addr()?, "serving");
        crate::net::serve(
            listener,
            tls,
            router,
            &ctx.config.http,
            &ctx.config.trusted_proxies,
            graceful,
        )
        .await;
        // Upgraded sockets are not tracked by the HTTP server: wait for them to close.
        if tokio::time::timeout(Duration::from_secs(10), ctx.hub.wait_until_empty())
            .await
            .is_err()
        {
            tracing::warn!("some sockets did not close in time");
        }
        sync_task.abort();
        file_sweeper.abort();
        if let Some(backups) = scheduled_backups {
            backups.abort();
        }
        node.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}
