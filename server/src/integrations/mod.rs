//! Formats of the outside world that integrations speak.

pub mod mrkdwn;
pub mod slack;
