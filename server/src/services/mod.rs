//! Business rules: who may do what, and what follows from it. Handlers (`api`, `ws`) parse
//! input and call these; these call the store, the writer and the hub.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod bots;
pub mod channel_settings;
pub mod channels;
pub mod commands;
pub mod departments;
pub mod extras;
pub mod files;
pub mod mentions;
pub mod message_changes;
pub mod messages;
pub mod pins;
pub mod resume;
pub mod search;
pub mod threads;
pub mod webhooks;
