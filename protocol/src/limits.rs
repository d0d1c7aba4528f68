//! Default limits of the contract. Servers may be configured otherwise; clients should read
//! refusals (`too_large`, `invalid_request`) rather than hard-code these.

/// Maximum message body, in bytes of UTF-8.
pub const MAX_BODY_BYTES: usize = 16_384;
/// Maximum length of a name (channel, display name, department), in Unicode characters.
pub const MAX_NAME_CHARS: usize = 80;
/// Maximum WebSocket frame (message) size in bytes.
pub const MAX_WS_FRAME_BYTES: usize = 64 * 1024;
/// Maximum HTTP request body in bytes.
pub const MAX_HTTP_BODY_BYTES: usize = 1024 * 1024;
/// Maximum length of a `client_msg_id`, in bytes.
pub const MAX_CLIENT_MSG_ID_BYTES: usize = 128;
/// Default and maximum page sizes.
pub const DEFAULT_MESSAGES_PAGE: u32 = 50;
pub const MAX_MESSAGES_PAGE: u32 = 200;
pub const DEFAULT_EVENTS_PAGE: u32 = 100;
pub const MAX_EVENTS_PAGE: u32 = 1000;
