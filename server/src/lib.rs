//! Xerrada: a self-hosted team chat server.
//!
//! The server is a library with a thin binary. Its modules, each owning one thing:
//! - [`config`]: the typed configuration, layered from flags, env, `xerrada.toml`, defaults.
//! - [`app`]: building a node and running it until shutdown.
//! - [`store`]: one trait per storage area, its queries written once for the SQLite and
//!   PostgreSQL backends; the only place with SQL.
//! - [`auth`]: passwords, access tokens, refresh-token rotation, revocation.
//! - [`writer`]: the one task that appends channel events (group commit, ack after commit).
//! - [`delivery`]: applying a committed event to the membership cache and this node's sockets.
//! - [`hub`]: the node's sockets and fan-out into bounded per-socket queues.
//! - [`peers`]: what node-local code hands to the other nodes (inert on a single node);
//!   [`cluster`]: several nodes over NATS: ordered, gap-filling delivery of every node's
//!   events, user frames, presence and revocations.
//! - [`encoded`]: a server frame serialized once, shared by every recipient.
//! - [`memberships`]: the in-memory channel membership cache used for access checks.
//! - [`sync`]: noticing membership changes and revocations made by other processes.
//! - [`services`]: business rules for accounts, departments, channels, messages, bots,
//!   webhooks and slash commands; [`helpdesk`]: the IT help desk (tickets, `@suport`, `/info`),
//!   a feature built on the services, which registers its commands with them at start.
//! - [`texts`]: the one catalogue of what the server writes for people, in ca, es and en.
//! - [`http_error`]: how errors look over HTTP, shared by `api`, `ws` and `web`.
//! - [`api`]: thin HTTP handlers; [`ws`]: one WebSocket's life; [`web`]: the embedded client
//!   and the security headers.
//!
//! ARCHITECTURE.md at the repository root follows a message through these modules.

pub mod api;
pub mod app;
pub mod auth;
pub mod backup;
pub mod bootstrap;
pub mod bot_polls;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod context;
pub mod delivery;
pub mod encoded;
pub mod error;
pub mod events;
pub mod files;
pub mod helpdesk;
pub mod http_error;
pub mod hub;
pub mod ids;
pub mod integrations;
pub mod memberships;
pub mod metrics;
pub mod net;
#[cfg(test)]
mod parser_properties;
pub mod peers;
pub mod rate_limits;
pub mod search;
pub mod services;
pub mod store;
pub mod sync;
pub mod telegram;
pub mod telemetry;
pub mod texts;
pub mod tls;
pub mod validate;
pub mod web;
pub mod writer;
pub mod ws;

pub use app::{Application, Node, StartError};
pub use config::Config;
