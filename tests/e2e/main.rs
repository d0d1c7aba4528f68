//! End-to-end tests: real servers on port 0, real HTTP and WebSocket clients. One binary so
//! the suite links once.

mod admin;
mod auth;
mod authorization;
mod bad_input;
mod bots;
mod channel_settings;
mod channels;
mod commands;
mod connections;
mod conversations;
mod files;
mod helpdesk;
mod helpdesk_dm;
mod helpdesk_files;
mod interactive;
mod lifecycle;
mod mentions;
mod messaging;
mod metrics;
mod names;
mod openapi;
mod pins;
mod rate_limits;
mod search;
mod services;
mod store_sqlite;
mod telegram;
mod threads;
mod tls;
mod web;
mod webhooks;
