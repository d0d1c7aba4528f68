//! Xerrada v1 wire contract: REST bodies, WebSocket frames and error codes.
//!
//! This crate is the single source of truth for what travels between the server and its clients
//! (the browser, bots, the load generator). It knows nothing of tokio, sqlx or HTTP frameworks:
//! only serde types, so any client can depend on it. The web client's TypeScript types are
//! generated from these definitions (the `typescript` feature, off by default so that bots do
//! not compile ts-rs; see `typescript.rs`); `docs/protocol.md` explains them.

pub mod admin;
pub mod error;
pub mod frames;
pub mod helpdesk;
pub mod integers;
pub mod integrations;
pub mod limits;
pub mod rest;
#[cfg(feature = "typescript")]
pub mod typescript;

pub use admin::*;
pub use error::{ApiError, ErrorCode};
pub use frames::{ClientFrame, ServerFrame};
pub use helpdesk::*;
pub use integrations::*;
pub use rest::*;

/// WebSocket close codes of the contract.
pub mod close_code {
    /// Not authenticated in time, or the token was bad, expired or revoked.
    pub const NOT_AUTHENTICATED: u16 = 4001;
    /// The account was deactivated or the session logged out.
    pub const SESSION_ENDED: u16 = 4003;
    /// The client fell too far behind; it should reconnect and `resume`.
    pub const TOO_SLOW: u16 = 4008;
    /// The server is going away (restart); reconnect and `resume`.
    pub const GOING_AWAY: u16 = 1001;
    /// A frame was larger than the frame limit.
    pub const TOO_LARGE: u16 = 1009;
    /// A text frame was not valid UTF-8.
    pub const INVALID_UTF8: u16 = 1007;
}
