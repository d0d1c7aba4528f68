//! `@suport`, the support desk's bot.
//!
//! It is a bot account like any other and takes part through the same frames: it registers a
//! connection with the hub, so it receives the `action` frames of its cards' buttons and the
//! messages of its direct channels, exactly as a third-party bot's socket would. It answers by
//! posting and editing its messages under its own account.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use tokio::task::JoinHandle;
use xerrada_protocol::{
    ActionStyle, ChannelKind, FileInfo, MessageAction, MessageExtras, OpenTicketRequest,
    ServerFrame, Ticket, TicketPriority, TicketStatus, UpdateTicketRequest, User,
};

use super::cards;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::events::ephemeral;
use crate::hub::OutFrame;
use crate::ids;
use crate::services::accounts::{SUPPORT_ACCOUNT, language_of, system_account};
use crate::services::channels::direct_channel;
use crate::store::{HistoryQuery, WriteOp};
use crate::texts::labels::{read_status, status_label};
use crate::texts::{Lang, desk};

/// The `@suport` account.
pub async fn bot_user(ctx: &Context) -> AppResult<User> {
    system_account(ctx, &ctx.support_bot, SUPPORT_ACCOUNT, "Suport TIC").await
}

/// Posts the card of a new ticket (showing the files sent with it) and tells the requester.
/// Failures are logged: the ticket itself is stored already.
pub async fn announce_new(ctx: &Context, ticket: &Ticket, files: &[FileInfo]) {
    if let Err(e) = post_card(ctx, ticket, files).await {
        tracing::warn!(ticket = ticket.number, error = %e, "could not post the ticket card");
    }
    let lang = language_of(ctx, &ticket.requester_id).await;
    let text = desk::opened_dm(lang, ticket.number, &ticket.title);
    if let Err(e) = tell_about(ctx, ticket, &text, None, files).await {
        tracing::warn!(ticket = ticket.number, error = %e, "could not tell the requester");
    }
    if let Err(e) = say_when_back(ctx, ticket, lang).await {
        tracing::warn!(ticket = ticket.number, error = %e, "could not say when the team is back");
    }
    if let Err(e) = suggest_articles(ctx, ticket, lang).await {
        tracing::warn!(ticket = ticket.number, error = %e, "could not suggest articles");
    }
    if ticket.priority == TicketPriority::Urgent
        && let Err(e) = super::escalation::urgent(ctx, ticket).await
    {
        tracing::warn!(ticket = ticket.number, error = %e, "could not alert the team");
    }
}

/// Outside working hours, tells the requester when the team comes back.
async fn say_when_back(ctx: &Context, ticket: &Ticket, lang: Lang) -> AppResult<()> {
    let now = time::OffsetDateTime::now_utc();
    let Some(back) = super::escalation::when_back(ctx, now).await? else {
        return Ok(());
    };
    let text = desk::outside_hours(
        lang,
        usize::from(back.weekday().to_monday_zero_offset() as u8),
        &format!("{}/{}", back.day(), back.month()),
        &format!("{:02}:{:02}", back.hour(), back.minute()),
    );
    tell_about(ctx, ticket, &text, None, &[]).await
}

/// Offers the `/info` articles that best match a new request: each can be read at once, or
/// named as what solved it, which closes the ticket.
async fn suggest_articles(ctx: &Context, ticket: &Ticket, lang: Lang) -> AppResult<()> {
    let articles = super::info::suggestions(ctx, &ticket.description, lang).await?;
    if articles.is_empty() {
        return Ok(());
    }
    let mut actions = Vec::new();
    let mut lines = vec![desk::maybe_this_helps(lang, ticket.number)];
    for article in &articles {
        lines.push(format!(
            "- **{}** (`/info {}`)",
            article.title, article.topic
        ));
        actions.push(MessageAction {
            id: format!("{READ_ARTICLE}{}", article.topic),
            label: desk::read_article_button(lang, &article.title),
            style: None,
            value: Some(ticket.number.to_string()),
        });
        actions.push(MessageAction {
            id: format!("{SOLVED_BY}{}", article.topic),
            label: desk::solved_by_button(lang, &article.title),
            style: Some(ActionStyle::Primary),
            value: Some(ticket.number.to_string()),
        });
    }
    let extras = MessageExtras {
        actions,
        ..MessageExtras::default()
    };
    tell_about(ctx, ticket, &lines.join("\n"), Some(extras), &[]).await
}

/// Button ids of the suggested articles: this and the article's topic.
const READ_ARTICLE: &str = "read_";
const SOLVED_BY: &str = "solved_";

/// Refreshes the card and tells the requester what changed. `files` were attached by this
/// change (internal ones when the history says `note_files`).
pub async fn announce_change(
    ctx: &Context,
    ticket: &Ticket,
    actor: &User,
    history: &[(String, String)],
    files: &[FileInfo],
) {
    if let Err(e) = refresh_card(ctx, ticket).await {
        tracing::warn!(ticket = ticket.number, error = %e, "could not refresh the ticket card");
    }
    if let Err(e) = thread_on_card(ctx, ticket, actor, history, files).await {
        tracing::warn!(ticket = ticket.number, error = %e, "could not write on the card's thread");
    }
    let now_urgent = history
        .iter()
        .any(|(kind, detail)| kind == "priority" && detail == TicketPriority::Urgent.as_str());
    if now_urgent && let Err(e) = super::escalation::urgent(ctx, ticket).await {
        tracing::warn!(ticket = ticket.number, error = %e, "could not alert the team");
    }
    let lang = language_of(ctx, &ticket.requester_id).await;
    let mut lines = Vec::new();
    for (kind, detail) in history {
        // An assignment names the assignee, not who made it.
        let detail = if kind == "assigned" && !detail.is_empty() {
            display_name(ctx, Some(detail))
                .await
                .ok()
                .flatten()
                .unwrap_or_default()
        } else {
            detail.clone()
        };
        lines.extend(cards::change_line(
            lang,
            ticket.number,
            &actor.display_name,
            kind,
            &detail,
        ));
    }
    if lines.is_empty() {
        return;
    }
    let internal = history.iter().any(|(kind, _)| kind == "note_files");
    let shown = if internal { &[][..] } else { files };
    if let Err(e) = tell_about(ctx, ticket, &lines.join("\n"), None, shown).await {
        tracing::warn!(ticket = ticket.number, error = %e, "could not tell the requester");
    }
    let resolved = history
        .iter()
        .any(|(kind, detail)| kind == "status" && detail == TicketStatus::Resolved.as_str());
    if resolved && actor.id != ticket.requester_id {
        let question = desk::were_you_satisfied(lang, ticket.number);
        let buttons = [("rate_up", true), ("rate_down", false)]
            .into_iter()
            .map(|(id, up)| MessageAction {
                id: id.into(),
                label: desk::satisfied_button(lang, up).into(),
                style: up.then_some(ActionStyle::Primary),
                value: Some(ticket.number.to_string()),
            })
            .collect();
        let extras = MessageExtras {
            actions: buttons,
            ..MessageExtras::default()
        };
        if let Err(e) = tell_about(ctx, ticket, &question, Some(extras), &[]).await {
            tracing::warn!(ticket = ticket.number, error = %e, "could not ask for satisfaction");
        }
    }
}

/// Tells the team how the requester rated the resolution, in the card's thread; the card is
/// refreshed too, so that every queue showing the ticket reloads it.
pub async fn announce_rating(ctx: &Context, ticket: &Ticket, requester: &User, up: bool) {
    let posted = async {
        refresh_card(ctx, ticket).await?;
        let Some((channel_id, message_id)) = ctx.store.ticket_card(ticket.number).await? else {
            return Ok(());
        };
        let Some(card) = ctx.store.message(&channel_id, &message_id).await? else {
            return Ok(());
        };
        let body = desk::rating_entry(ctx.config.default_lang, &requester.display_name, up);
        let bot = bot_user(ctx).await?;
        let op = WriteOp::post(&channel_id, &bot.id, body, None).in_thread(card.seq);
        ctx.writer.write(op).await?.into_message()?;
        AppResult::Ok(())
    };
    if let Err(e) = posted.await {
        tracing::warn!(ticket = ticket.number, error = %e, "could not tell the team of a rating");
    }
}

/// Comments, notes and attached files go into the thread of the ticket's card, so that the
/// team follows the conversation where it works (notes stay there: the requester never sees
/// them). Files show on the comment or note they came with.
async fn thread_on_card(
    ctx: &Context,
    ticket: &Ticket,
    actor: &User,
    history: &[(String, String)],
    files: &[FileInfo],
) -> AppResult<()> {
    let mut entries: Vec<(bool, &str)> = history
        .iter()
        .filter(|(kind, _)| kind == "comment" || kind == "note")
        .map(|(kind, detail)| (kind == "note", detail.as_str()))
        .collect();
    let files_internal = history.iter().any(|(kind, _)| kind == "note_files");
    let named = history
        .iter()
        .find(|(kind, _)| kind == "files" || kind == "note_files");
    if let Some((_, names)) = named
        && !entries.iter().any(|(note, _)| *note == files_internal)
    {
        entries.push((files_internal, names.as_str()));
    }
    if entries.is_empty() {
        return Ok(());
    }
    let Some((channel_id, message_id)) = ctx.store.ticket_card(ticket.number).await? else {
        return Ok(());
    };
    let Some(card) = ctx.store.message(&channel_id, &message_id).await? else {
        return Ok(());
    };
    let lang = ctx.config.default_lang;
    let from_requester = actor.id == ticket.requester_id;
    let bot = bot_user(ctx).await?;
    let mut files_shown = false;
    for (note, text) in entries {
        let body = desk::card_thread_entry(lang, note, from_requester, &actor.display_name, text);
        let mut op = WriteOp::post(&channel_id, &bot.id, body, None).in_thread(card.seq);
        if !files_shown && note == files_internal && !files.is_empty() {
            op = op.showing_ticket_files(files.to_vec());
            files_shown = true;
        }
        ctx.writer.write(op).await?.into_message()?;
    }
    Ok(())
}

async fn display_name(ctx: &Context, user_id: Option<&str>) -> AppResult<Option<String>> {
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    Ok(ctx.store.user_by_id(user_id).await?.map(|u| u.display_name))
}

async fn card_for(ctx: &Context, ticket: &Ticket) -> AppResult<(String, MessageExtras)> {
    let requester = display_name(ctx, Some(&ticket.requester_id))
        .await?
        .unwrap_or_default();
    let assignee = display_name(ctx, ticket.assignee_id.as_deref()).await?;
    let lang = ctx.config.default_lang;
    Ok(cards::card(ticket, &requester, assignee.as_deref(), lang))
}

async fn post_card(ctx: &Context, ticket: &Ticket, files: &[FileInfo]) -> AppResult<()> {
    let Some(channel) = super::support_channel(ctx).await? else {
        return Ok(());
    };
    let (body, extras) = card_for(ctx, ticket).await?;
    let bot = bot_user(ctx).await?;
    let op =
        WriteOp::post(&channel, &bot.id, body, Some(extras)).showing_ticket_files(files.to_vec());
    let (message, _) = ctx.writer.write(op).await?.into_message()?;
    let message_id = message.id;
    ctx.store
        .set_ticket_card(ticket.number, &channel, &message_id)
        .await?;
    Ok(())
}

async fn refresh_card(ctx: &Context, ticket: &Ticket) -> AppResult<()> {
    let Some((channel_id, message_id)) = ctx.store.ticket_card(ticket.number).await? else {
        return Ok(());
    };
    let bot = bot_user(ctx).await?;
    let (body, extras) = card_for(ctx, ticket).await?;
    let op = WriteOp::EditMessage {
        channel_id,
        message_id,
        editor_id: bot.id,
        body: Some(body),
        extras: Some(Some(Box::new(extras))),
        mentions: None,
        at: ids::now(),
    };
    ctx.writer.write(op).await?;
    Ok(())
}

/// Posts in a channel as the bot; returns the message id.
async fn post_as_bot(
    ctx: &Context,
    channel_id: &str,
    body: String,
    extras: Option<MessageExtras>,
) -> AppResult<String> {
    let bot = bot_user(ctx).await?;
    let op = WriteOp::post(channel_id, &bot.id, body, extras);
    let (message, _) = ctx.writer.write(op).await?.into_message()?;
    Ok(message.id)
}

/// Writes to a ticket's requester in the bot's direct channel with them, and remembers the
/// message as the ticket's: a reply in its thread is a comment on that ticket. The message
/// shows `files` of the ticket, less those the requester sent in this very DM.
async fn tell_about(
    ctx: &Context,
    ticket: &Ticket,
    text: &str,
    extras: Option<MessageExtras>,
    files: &[FileInfo],
) -> AppResult<()> {
    let bot = bot_user(ctx).await?;
    let members: BTreeSet<String> = [bot.id.clone(), ticket.requester_id.clone()].into();
    let channel = direct_channel(ctx, members).await?;
    let mut shown = Vec::new();
    if !files.is_empty() {
        let ids: Vec<String> = files.iter().map(|f| f.id.clone()).collect();
        let records = ctx.store.files(&ids).await?;
        shown = files
            .iter()
            .filter(|f| {
                !records
                    .iter()
                    .any(|r| r.info.id == f.id && r.channel_id.as_deref() == Some(&channel))
            })
            .cloned()
            .collect();
    }
    let op = WriteOp::post(&channel, &bot.id, text.to_owned(), extras).showing_ticket_files(shown);
    let (message, _) = ctx.writer.write(op).await?.into_message()?;
    ctx.store
        .link_ticket_message(&channel, message.seq, ticket.number)
        .await?;
    Ok(())
}

/// Tells one user something privately in a channel (an `ephemeral` frame).
fn whisper(ctx: &Context, user_id: &str, channel_id: &str, text: String) {
    let frame = OutFrame::encode(&ephemeral(channel_id, None, text, Vec::new()));
    ctx.hub
        .deliver_to_users([&user_id.to_owned()], &frame, None);
}

/// The role only one node of an installation plays: with several nodes every one receives the
/// bot's frames, and the bot must answer once.
const LEADER_ROLE: &str = "xerrada.support-bot";

/// Starts the bot on whichever node leads; the others stand by and take over within seconds
/// when the leader goes.
pub fn start(ctx: Arc<Context>) -> JoinHandle<()> {
    crate::context::spawn_as_leader(ctx, LEADER_ROLE, "the support bot", |ctx| async move {
        serve(&ctx).await
    })
}

/// Keeps the bot connected to the hub, reconnecting when its queue closes.
async fn serve(ctx: &Arc<Context>) {
    loop {
        if let Err(e) = run(ctx).await {
            tracing::warn!(error = %e, "support bot stopped; restarting");
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

/// One connection of the bot: handles frames until its queue is closed.
async fn run(ctx: &Arc<Context>) -> AppResult<()> {
    let bot = bot_user(ctx).await?;
    let (outbox, mut receiver) = ctx.hub.new_outbox();
    let (connection, _) = ctx.hub.register(&bot.id, "support-bot", outbox);
    // Unregistered however the task ends (shutdown aborts it), so shutdown does not wait for it.
    let _registration = Registration {
        ctx: ctx.clone(),
        connection: connection.clone(),
    };
    // Registered first, so what arrives during the catch-up waits in the queue; `answered`
    // keeps those messages from being answered twice.
    let mut answered = HashSet::new();
    for message in unanswered(ctx, &bot).await? {
        answered.insert(message.id.clone());
        if let Err(e) = on_message(ctx, &bot, &message).await {
            tracing::warn!(error = %e, "support bot could not answer a missed message");
        }
    }
    let closed = connection.outbox.closed();
    tokio::pin!(closed);
    // Unanswered tickets are checked every minute, by the bot's node only.
    let mut escalations = tokio::time::interval(ESCALATION_CHECK);
    escalations.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        // A closed queue (it fell behind) ends this connection; `start` opens a new one.
        let frame = tokio::select! {
            reason = &mut closed => {
                tracing::warn!(code = reason.code, "support bot connection closed; reconnecting");
                return Ok(());
            }
            _ = escalations.tick() => {
                if let Err(e) = super::escalation::sweep(ctx, time::OffsetDateTime::now_utc()).await {
                    tracing::warn!(error = %e, "could not check tickets waiting for an answer");
                }
                continue;
            }
            frame = receiver.recv() => frame,
        };
        let Some(frame) = frame else { return Ok(()) };
        let Ok(frame) = serde_json::from_str::<ServerFrame>(frame.text.as_str()) else {
            continue;
        };
        let handled = match frame {
            ServerFrame::Action {
                channel_id,
                message_id,
                action_id,
                value,
                user_id,
            } => {
                on_action(
                    ctx,
                    &channel_id,
                    &message_id,
                    &action_id,
                    value.as_deref(),
                    &user_id,
                )
                .await
            }
            ServerFrame::Message { message, .. } if message.author_id != bot.id => {
                if answered.remove(&message.id) {
                    Ok(())
                } else {
                    on_message(ctx, &bot, &message).await
                }
            }
            _ => Ok(()),
        };
        if let Err(e) = handled {
            tracing::warn!(error = %e, "support bot could not handle a frame");
        }
    }
}

/// How often unanswered tickets are checked for escalation.
const ESCALATION_CHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// How far back a bot that just started looks for direct messages nobody answered: sent while
/// no node ran the bot (its node died and another had not yet taken over, or a restart).
const CATCH_UP_WINDOW: time::Duration = time::Duration::minutes(10);

/// Recent direct messages to the bot that it has not answered: its answer would be the
/// conversation's last message, so a conversation whose last message is someone else's
/// is waiting for one.
async fn unanswered(ctx: &Context, bot: &User) -> AppResult<Vec<xerrada_protocol::Message>> {
    let since = ids::format_time(time::OffsetDateTime::now_utc() - CATCH_UP_WINDOW);
    let mut waiting = Vec::new();
    for view in ctx.store.channels_for_user(&bot.id).await? {
        if view.channel.kind != ChannelKind::Direct || !view.joined {
            continue;
        }
        let latest = ctx
            .store
            .messages(&view.channel.id, HistoryQuery::Latest { limit: 1 })
            .await?;
        if let Some(message) = latest.messages.into_iter().next()
            && message.author_id != bot.id
            && message.created_at >= since
        {
            waiting.push(message);
        }
    }
    Ok(waiting)
}

/// Keeps the bot's connection registered while alive.
struct Registration {
    ctx: Arc<Context>,
    connection: Arc<crate::hub::Connection>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.ctx.hub.unregister(&self.connection);
    }
}

/// A direct message to the bot: it answers with its menu.
async fn on_message(
    ctx: &Context,
    bot: &User,
    message: &xerrada_protocol::Message,
) -> AppResult<()> {
    let direct = ctx
        .memberships
        .get(&message.channel_id)
        .is_some_and(|info| info.kind == ChannelKind::Direct && info.members.contains(&bot.id));
    if !direct {
        return Ok(());
    }
    let lang = language_of(ctx, &message.author_id).await;
    let Some(author) = ctx.store.user_by_id(&message.author_id).await? else {
        return Ok(());
    };
    // A reply in the thread of a message about a ticket is a comment on it, without asking.
    if let Some(root) = message.thread_root
        && let Some(number) = ctx
            .store
            .ticket_of_message(&message.channel_id, root)
            .await?
    {
        // Done, the DM gets the usual line about the comment; refused, the reason goes in the
        // thread where it was written.
        if let Err(e) = comment_from_dm(ctx, &author, number, message, lang).await {
            let answer = e.client_message();
            let op = WriteOp::post(&message.channel_id, &bot.id, answer, None).in_thread(root);
            ctx.writer.write(op).await?.into_message()?;
        }
        return Ok(());
    }
    if !message.body.trim().is_empty() || !message.files.is_empty() {
        let open = open_requests(ctx, &author).await?;
        if !open.is_empty() {
            return ask_which_request(ctx, message, &open, lang).await;
        }
    }
    let menu = MessageExtras {
        actions: vec![
            MessageAction {
                id: "open".into(),
                label: desk::open_with_this_message(lang).into(),
                style: Some(ActionStyle::Primary),
                value: Some(message.id.clone()),
            },
            MessageAction {
                id: "mine".into(),
                label: desk::my_requests(lang).into(),
                style: None,
                value: None,
            },
        ],
        ..MessageExtras::default()
    };
    let text = desk::greeting(lang).to_owned();
    post_as_bot(ctx, &message.channel_id, text, Some(menu)).await?;
    Ok(())
}

/// The id of a "comment on #N" button is this and N.
const COMMENT_ON: &str = "comment_on_";

/// Most open requests the question offers, newest first.
const MAX_REQUESTS_ASKED: usize = 5;

/// The requester's tickets that are not closed, newest first.
async fn open_requests(ctx: &Context, user: &User) -> AppResult<Vec<Ticket>> {
    let query = super::ListQuery {
        mine: true,
        ..super::ListQuery::default()
    };
    let mut tickets: Vec<Ticket> = super::list(ctx, user, query)
        .await?
        .into_iter()
        .filter(|t| t.requester_id == user.id && t.status != TicketStatus::Closed)
        .collect();
    tickets.sort_by_key(|t| std::cmp::Reverse(t.number));
    tickets.truncate(MAX_REQUESTS_ASKED);
    Ok(tickets)
}

/// Asks whether `message` is a comment on one of `open` or a new request, with a button each.
async fn ask_which_request(
    ctx: &Context,
    message: &xerrada_protocol::Message,
    open: &[Ticket],
    lang: Lang,
) -> AppResult<()> {
    let mut actions: Vec<MessageAction> = open
        .iter()
        .map(|ticket| MessageAction {
            // One id per button: a click names the button by its id alone.
            id: format!("{COMMENT_ON}{}", ticket.number),
            label: desk::comment_on_button(lang, ticket.number, &ticket.title),
            style: None,
            value: Some(message.id.clone()),
        })
        .collect();
    actions.push(MessageAction {
        id: "open".into(),
        label: desk::new_request_button(lang).into(),
        style: Some(ActionStyle::Primary),
        value: Some(message.id.clone()),
    });
    actions.push(MessageAction {
        id: "mine".into(),
        label: desk::my_requests(lang).into(),
        style: None,
        value: None,
    });
    let extras = MessageExtras {
        actions,
        ..MessageExtras::default()
    };
    let text = desk::which_request(lang).to_owned();
    post_as_bot(ctx, &message.channel_id, text, Some(extras)).await?;
    Ok(())
}

/// A requester's message in the bot's DM (words and files), as a comment on their ticket
/// `number`.
async fn comment_from_dm(
    ctx: &Context,
    user: &User,
    number: i64,
    message: &xerrada_protocol::Message,
    lang: Lang,
) -> AppResult<()> {
    let change = UpdateTicketRequest {
        comment: Some(message.body.clone()),
        file_ids: message.files.iter().map(|f| f.id.clone()).collect(),
        ..UpdateTicketRequest::default()
    };
    super::update(ctx, user, number, change, lang).await?;
    Ok(())
}

/// The "comment on #N" button: the message it names becomes a comment on ticket N, and the
/// question is spent (a second click must not comment twice).
async fn comment_with_message(
    ctx: &Context,
    user: &User,
    channel_id: &str,
    question_id: &str,
    number: i64,
    source_id: Option<&str>,
    lang: Lang,
) -> AppResult<()> {
    let source_id =
        source_id.ok_or_else(|| AppError::Invalid(desk::write_request_first(lang).into()))?;
    let source = own_message(ctx, user, channel_id, source_id, lang).await?;
    comment_from_dm(ctx, user, number, &source, lang).await?;
    spend_menu(
        ctx,
        channel_id,
        question_id,
        desk::added_as_comment(lang, number),
    )
    .await?;
    if let Some(question) = ctx.store.message(channel_id, question_id).await? {
        ctx.store
            .link_ticket_message(channel_id, question.seq, number)
            .await?;
    }
    Ok(())
}

/// A message `user` wrote in `channel_id`: what a menu's button acts on.
async fn own_message(
    ctx: &Context,
    user: &User,
    channel_id: &str,
    message_id: &str,
    lang: Lang,
) -> AppResult<xerrada_protocol::Message> {
    ctx.store
        .message(channel_id, message_id)
        .await?
        .filter(|m| m.author_id == user.id)
        .ok_or_else(|| AppError::Invalid(desk::write_request_first(lang).into()))
}

/// Replaces a menu with what its click did, without buttons: a second click must not act
/// twice.
async fn spend_menu(ctx: &Context, channel_id: &str, menu_id: &str, body: String) -> AppResult<()> {
    let bot = bot_user(ctx).await?;
    let op = WriteOp::EditMessage {
        channel_id: channel_id.to_owned(),
        message_id: menu_id.to_owned(),
        editor_id: bot.id,
        body: Some(body),
        extras: Some(None),
        mentions: None,
        at: ids::now(),
    };
    ctx.writer.write(op).await?;
    Ok(())
}

/// The satisfaction question's buttons: the answer is kept with the ticket and the question
/// turns into a thank-you (still linked: a reply in its thread is a comment).
async fn rate(
    ctx: &Context,
    user: &User,
    channel_id: &str,
    question_id: &str,
    value: Option<&str>,
    up: bool,
    lang: Lang,
) -> AppResult<()> {
    let number: i64 = value
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::Invalid(desk::button_names_no_ticket(lang).into()))?;
    super::rate(ctx, user, number, up, lang).await?;
    spend_menu(
        ctx,
        channel_id,
        question_id,
        desk::thanks_for_rating(lang, number, up),
    )
    .await
}

/// "Read": the article, in the clicker's language, as a reply in the suggestion's thread.
async fn read_article(
    ctx: &Context,
    channel_id: &str,
    suggestion_id: &str,
    topic: &str,
    lang: Lang,
) -> AppResult<()> {
    let text = super::info::answer(ctx, topic, lang).await?;
    let Some(suggestion) = ctx.store.message(channel_id, suggestion_id).await? else {
        return Ok(());
    };
    let bot = bot_user(ctx).await?;
    let op = WriteOp::post(channel_id, &bot.id, text, None).in_thread(suggestion.seq);
    ctx.writer.write(op).await?.into_message()?;
    Ok(())
}

/// "Solved by this article": the requester closes the ticket, and the history keeps which
/// article solved it (the figures count them).
async fn solved_by(
    ctx: &Context,
    user: &User,
    channel_id: &str,
    suggestion_id: &str,
    value: Option<&str>,
    topic: &str,
    lang: Lang,
) -> AppResult<()> {
    let number: i64 = value
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::Invalid(desk::button_names_no_ticket(lang).into()))?;
    let title = super::close_as_solved_by(ctx, user, number, topic, lang).await?;
    spend_menu(
        ctx,
        channel_id,
        suggestion_id,
        desk::closed_as_solved_by(lang, number, &title),
    )
    .await
}

/// A click on one of the bot's buttons.
async fn on_action(
    ctx: &Context,
    channel_id: &str,
    message_id: &str,
    action_id: &str,
    value: Option<&str>,
    user_id: &str,
) -> AppResult<()> {
    let Some(user) = ctx.store.user_by_id(user_id).await? else {
        return Ok(());
    };
    // Whoever clicked reads the answer: in their language, even on the team's card.
    let lang = language_of(ctx, user_id).await;
    let result = match action_id {
        "open" => {
            let source_id = value.unwrap_or(message_id);
            open_from_dm(ctx, &user, channel_id, source_id, message_id, lang).await
        }
        "mine" => list_mine(ctx, &user, channel_id, lang).await,
        id if id.starts_with(READ_ARTICLE) => {
            read_article(ctx, channel_id, message_id, &id[READ_ARTICLE.len()..], lang).await
        }
        id if id.starts_with(SOLVED_BY) => {
            let topic = &id[SOLVED_BY.len()..];
            solved_by(ctx, &user, channel_id, message_id, value, topic, lang).await
        }
        "rate_up" | "rate_down" => {
            rate(
                ctx,
                &user,
                channel_id,
                message_id,
                value,
                action_id == "rate_up",
                lang,
            )
            .await
        }
        id if id.starts_with(COMMENT_ON) => match id[COMMENT_ON.len()..].parse::<i64>() {
            Ok(number) => {
                comment_with_message(ctx, &user, channel_id, message_id, number, value, lang).await
            }
            Err(_) => Err(AppError::Invalid(desk::unknown_button(lang, id))),
        },
        "comment" => {
            let number = value.unwrap_or("?");
            whisper(ctx, user_id, channel_id, desk::comment_hint(lang, number));
            Ok(())
        }
        _ => card_action(ctx, &user, action_id, value, lang).await,
    };
    if let Err(e) = result {
        whisper(ctx, user_id, channel_id, e.client_message());
    }
    Ok(())
}

async fn open_from_dm(
    ctx: &Context,
    user: &User,
    channel_id: &str,
    source_id: &str,
    menu_id: &str,
    lang: Lang,
) -> AppResult<()> {
    let source = own_message(ctx, user, channel_id, source_id, lang).await?;
    let request = OpenTicketRequest {
        description: source.body,
        title: None,
        category: None,
        priority: None,
        file_ids: source.files.iter().map(|f| f.id.clone()).collect(),
    };
    let ticket = super::open(ctx, user, request, lang).await?;
    spend_menu(
        ctx,
        channel_id,
        menu_id,
        desk::request_opened(lang, ticket.number),
    )
    .await?;
    Ok(())
}

async fn list_mine(ctx: &Context, user: &User, channel_id: &str, lang: Lang) -> AppResult<()> {
    let query = super::ListQuery {
        mine: true,
        ..super::ListQuery::default()
    };
    let tickets = super::list(ctx, user, query).await?;
    let open: Vec<String> = tickets
        .iter()
        .filter(|t| t.status != TicketStatus::Closed)
        .map(|t| {
            format!(
                "- **#{}** {} ({})",
                t.number,
                t.title,
                status_label(t.status, lang)
            )
        })
        .collect();
    let text = if open.is_empty() {
        desk::no_open_requests(lang).to_owned()
    } else {
        format!("{}\n{}", desk::your_open_requests(lang), open.join("\n"))
    };
    post_as_bot(ctx, channel_id, text, None).await?;
    Ok(())
}

async fn card_action(
    ctx: &Context,
    user: &User,
    action_id: &str,
    value: Option<&str>,
    lang: Lang,
) -> AppResult<()> {
    let number: i64 = value
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::Invalid(desk::button_names_no_ticket(lang).into()))?;
    let mut change = UpdateTicketRequest::default();
    match action_id {
        "assign" => change.assignee_id = Some(user.id.clone()),
        status => {
            change.status = Some(
                read_status(status)
                    .ok_or_else(|| AppError::Invalid(desk::unknown_button(lang, status)))?,
            );
        }
    }
    super::update(ctx, user, number, change, lang).await?;
    Ok(())
}
