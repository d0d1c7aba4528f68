//! Telling the team what cannot wait: an urgent ticket at once, and one nobody has answered
//! after `[support] escalate_after_minutes` working minutes. Both mention the whole support
//! channel (`@canal`), so every member gets a notification. [`sweep`] takes "now", so the
//! bot passes the clock and tests pass any time they like.

use time::OffsetDateTime;
use xerrada_protocol::{Ticket, TicketStatus};

use super::hours::WorkingHours;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::services::mentions;
use crate::store::{TicketChange, WriteOp};
use crate::texts::desk;

/// History kind of a reminder sent for a ticket nobody answered; sent once per ticket.
pub const ESCALATED: &str = "escalated";

/// Alerts the support channel to an urgent ticket.
pub async fn urgent(ctx: &Context, ticket: &Ticket) -> AppResult<()> {
    let lang = ctx.config.default_lang;
    alert(ctx, desk::urgent_alert(lang, ticket.number, &ticket.title)).await
}

/// Reminds the team of every ticket that waited `escalate_after_minutes` working minutes for
/// a first answer (a comment by someone other than the requester) at `now`; each ticket once.
/// Answers how many it escalated.
pub async fn sweep(ctx: &Context, now: OffsetDateTime) -> AppResult<usize> {
    let settings = super::settings::current(ctx).await?;
    let after = i64::from(settings.escalate_after_minutes);
    if after == 0 {
        return Ok(0);
    }
    let hours = WorkingHours::of(&settings).map_err(AppError::Invalid)?;
    let now_ts = timestamp(now)?;
    let mut escalated = 0;
    for ticket in ctx.store.ticket_backlog().await? {
        if ticket.status == TicketStatus::Resolved {
            continue;
        }
        let Ok(opened) = ticket.created_at.parse::<jiff::Timestamp>() else {
            continue;
        };
        let waited = match &hours {
            Some(hours) => hours.working_minutes(opened, now_ts),
            None => (now_ts.as_second() - opened.as_second()) / 60,
        };
        if waited < after {
            continue;
        }
        let history = ctx.store.ticket_history(ticket.number).await?;
        let answered = history
            .iter()
            .any(|e| e.kind == "comment" && e.actor_id != ticket.requester_id);
        if answered || history.iter().any(|e| e.kind == ESCALATED) {
            continue;
        }
        let lang = ctx.config.default_lang;
        alert(
            ctx,
            desk::no_answer_alert(lang, ticket.number, &ticket.title, waited),
        )
        .await?;
        let bot = super::bot::bot_user(ctx).await?;
        let line = [(ESCALATED.to_owned(), waited.to_string())];
        ctx.store
            .update_ticket(
                ticket.number,
                TicketChange::default(),
                &line,
                &bot.id,
                &ids::now(),
            )
            .await?;
        escalated += 1;
    }
    Ok(escalated)
}

/// What the requester is told when the team is out: when it comes back, or `None` while it is
/// in (or has no hours).
pub async fn when_back(ctx: &Context, now: OffsetDateTime) -> AppResult<Option<jiff::Zoned>> {
    let settings = super::settings::current(ctx).await?;
    let Some(hours) = WorkingHours::of(&settings).map_err(AppError::Invalid)? else {
        return Ok(None);
    };
    let now = timestamp(now)?;
    if hours.is_open(now) {
        return Ok(None);
    }
    Ok(hours.next_opening(now))
}

fn timestamp(at: OffsetDateTime) -> AppResult<jiff::Timestamp> {
    jiff::Timestamp::from_second(at.unix_timestamp()).map_err(AppError::internal)
}

/// Posts `body` in the support channel as the bot, mentioning whom it names.
async fn alert(ctx: &Context, body: String) -> AppResult<()> {
    let Some(channel) = super::support_channel(ctx).await? else {
        return Ok(());
    };
    let bot = super::bot::bot_user(ctx).await?;
    let mentioned = mentions::resolve(ctx, &channel, &bot.id, &body).await?;
    let op = WriteOp::post(&channel, &bot.id, body, None).mentioning(mentioned);
    ctx.writer.write(op).await?.into_message()?;
    Ok(())
}
