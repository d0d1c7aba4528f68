//! The rules for a message's presentation extras (attachments, blocks, buttons), shared by
//! bots' posts and edits, command answers and webhooks.

use xerrada_protocol::MessageExtras;

use crate::error::{AppError, AppResult};

/// Most bytes of extras (attachments, blocks, buttons) kept with one message.
pub const MAX_EXTRAS_BYTES: usize = 64 * 1024;

/// Most attachments, blocks and buttons one message may carry.
pub const MAX_ATTACHMENTS: usize = 20;
pub const MAX_BLOCKS: usize = 50;
pub const MAX_ACTIONS: usize = 10;

/// Makes extras from a bot or a command safe to store: counts within limits, links only to
/// web or mail addresses, and no claim to be a webhook (only webhooks set `webhook_id`).
pub fn sanitize_extras(extras: &mut MessageExtras) -> AppResult<()> {
    if extras.attachments.len() > MAX_ATTACHMENTS
        || extras.blocks.len() > MAX_BLOCKS
        || extras.actions.len() > MAX_ACTIONS
    {
        return Err(AppError::Invalid(format!(
            "at most {MAX_ATTACHMENTS} attachments, {MAX_BLOCKS} blocks and {MAX_ACTIONS} buttons"
        )));
    }
    extras.webhook_id = None;
    for attachment in &mut extras.attachments {
        let web = attachment.title_link.as_deref().is_some_and(|l| {
            ["http://", "https://", "mailto:"]
                .iter()
                .any(|s| l.starts_with(s))
        });
        if !web {
            attachment.title_link = None;
        }
    }
    if extras
        .actions
        .iter()
        .any(|a| a.id.is_empty() || a.label.trim().is_empty())
    {
        return Err(AppError::Invalid(
            "every button needs an id and a label".into(),
        ));
    }
    check_extras_size(extras)
}

/// Refuses extras too large to store with a message.
pub fn check_extras_size(extras: &MessageExtras) -> AppResult<()> {
    let bytes = serde_json::to_vec(extras)
        .map_err(AppError::internal)?
        .len();
    if bytes > MAX_EXTRAS_BYTES {
        return Err(AppError::TooLarge(format!(
            "extras take {bytes} bytes; the limit is {MAX_EXTRAS_BYTES}"
        )));
    }
    Ok(())
}
