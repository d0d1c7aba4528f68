//! The IT support desk: tickets staff open with `/suport`, worked by the support team.
//!
//! The team is the support department's members (by default `tic`) plus admins; the
//! department's channel gets a card per ticket, kept up to date, with buttons. Requesters
//! hear of every change from the `@suport` bot in a DM (their own too, so the DM is the whole
//! story), and may comment, close and reopen their own tickets; everything else is the team's.
//! Every change is a history line.

pub mod bot;
mod cards;
pub mod commands;
pub mod escalation;
pub mod hours;
pub mod info;
pub mod settings;
pub mod stats;

use std::collections::HashSet;

use xerrada_protocol::{
    OpenTicketRequest, Role, SupportSettings, Ticket, TicketDetail, TicketPriority, TicketStatus,
    UpdateTicketRequest, User,
};

use crate::auth::{Caller, require_admin};
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::services;
use crate::store::{NewTicket, TicketChange, TicketFilter};
use crate::texts::Lang;
use crate::texts::desk::{self, TeamOnly};

/// Longest ticket description, in characters.
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 4000;
/// Longest title, in characters (taken from the first line when none is given).
const MAX_TITLE_CHARS: usize = 80;

/// The support channel (the support department's channel), if that department exists.
pub async fn support_channel(ctx: &Context) -> AppResult<Option<String>> {
    let settings = settings::current(ctx).await?;
    let department = ctx.store.department_by_slug(&settings.department).await?;
    Ok(department.map(|d| d.channel_id))
}

/// `GET /admin/support` (admins): the settings in force (see [`settings`]), and who the team
/// is now.
pub async fn settings_view(ctx: &Context, caller: &Caller) -> AppResult<SupportSettings> {
    require_admin(caller)?;
    let settings = settings::current(ctx).await?;
    let mut team: HashSet<String> = HashSet::new();
    if let Some(info) = support_channel(ctx)
        .await?
        .and_then(|channel| ctx.memberships.get(&channel))
    {
        team.extend(info.members.iter().cloned());
    }
    let everyone = ctx.store.list_users(None, u32::MAX).await?;
    team.extend(
        everyone
            .iter()
            .filter(|u| u.role == Role::Admin && u.active)
            .map(|u| u.id.clone()),
    );
    let ids: Vec<String> = team.into_iter().collect();
    Ok(SupportSettings {
        department: settings.department,
        categories: settings.categories,
        team: ctx.store.users_by_ids(&ids).await?,
    })
}

/// Whether `user` is on the support team.
pub async fn is_team(ctx: &Context, user: &User) -> AppResult<bool> {
    if user.role == Role::Admin {
        return Ok(true);
    }
    let Some(channel) = support_channel(ctx).await? else {
        return Ok(false);
    };
    Ok(ctx
        .memberships
        .get(&channel)
        .is_some_and(|info| info.members.contains(&user.id)))
}

/// A file attached to a ticket is also the support team's to read, and its requester's
/// unless it came with an internal note: a screenshot sent in the bot's DM reaches the team,
/// and the team's reaches the requester.
pub struct TicketFileReaders;

#[async_trait::async_trait]
impl crate::context::FileReaders for TicketFileReaders {
    async fn may_read(&self, ctx: &Context, user: &User, file_id: &str) -> AppResult<bool> {
        let Some((number, internal)) = ctx.store.ticket_of_file(file_id).await? else {
            return Ok(false);
        };
        if is_team(ctx, user).await? {
            return Ok(true);
        }
        Ok(!internal
            && ctx
                .store
                .ticket(number)
                .await?
                .is_some_and(|ticket| ticket.requester_id == user.id))
    }
}

/// Opens a ticket for `requester`, posts its card and tells the requester. Refusals are in
/// `lang`, the caller's.
pub async fn open(
    ctx: &Context,
    requester: &User,
    req: OpenTicketRequest,
    lang: Lang,
) -> AppResult<Ticket> {
    // The limit counts what was sent, as the OpenAPI document's maxLength does.
    let description = req.description.trim().to_owned();
    if description.is_empty() || req.description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(AppError::Invalid(desk::describe_the_problem(
            lang,
            MAX_DESCRIPTION_CHARS,
        )));
    }
    let title = match req
        .title
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
    {
        Some(title) => title,
        None => description.lines().next().unwrap_or_default().to_owned(),
    };
    let title: String = if title.chars().count() > MAX_TITLE_CHARS {
        let cut: String = title.chars().take(MAX_TITLE_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        title
    };
    let files = services::files::ticket_attachable(ctx, &requester.id, &req.file_ids).await?;
    let categories = settings::current(ctx).await?.categories;
    let category = match req.category {
        Some(category) => check_category(&categories, &category, lang)?,
        None => categories
            .last()
            .cloned()
            .unwrap_or_else(|| "altres".into()),
    };
    let ticket = ctx
        .store
        .create_ticket(NewTicket {
            requester_id: requester.id.clone(),
            title,
            description,
            category,
            priority: req.priority.unwrap_or(TicketPriority::Normal),
            created_at: ids::now(),
            file_ids: files.iter().map(|f| f.id.clone()).collect(),
        })
        .await?;
    bot::announce_new(ctx, &ticket, &files).await;
    Ok(ticket)
}

fn check_category(known: &[String], category: &str, lang: Lang) -> AppResult<String> {
    known
        .iter()
        .find(|c| c.eq_ignore_ascii_case(category.trim()))
        .cloned()
        .ok_or_else(|| AppError::Invalid(desk::unknown_category(lang, category, known)))
}

/// A ticket `user` may see: its own, or any for the team. Others get `not_found`.
async fn visible(ctx: &Context, user: &User, number: i64, lang: Lang) -> AppResult<(Ticket, bool)> {
    let not_found = || AppError::NotFound(desk::ticket_not_found(lang, format!("#{number}")));
    let ticket = ctx.store.ticket(number).await?.ok_or_else(not_found)?;
    let team = is_team(ctx, user).await?;
    if !team && ticket.requester_id != user.id {
        return Err(not_found());
    }
    Ok((ticket, team))
}

/// History kinds only the team sees: internal notes and the files attached with them.
pub const INTERNAL_KINDS: [&str; 2] = ["note", "note_files"];

/// `GET /tickets/{n}`: the ticket and its history; internal notes only for the team.
pub async fn detail(
    ctx: &Context,
    user: &User,
    number: i64,
    lang: Lang,
) -> AppResult<TicketDetail> {
    let (ticket, team) = visible(ctx, user, number, lang).await?;
    let history = ctx
        .store
        .ticket_history(number)
        .await?
        .into_iter()
        .filter(|event| team || !INTERNAL_KINDS.contains(&event.kind.as_str()))
        .collect();
    let files = ctx
        .store
        .ticket_files(number)
        .await?
        .into_iter()
        .filter(|file| team || !file.internal)
        .collect();
    Ok(TicketDetail {
        ticket,
        history,
        files,
    })
}

/// Which tickets a caller asks for.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub status: Option<TicketStatus>,
    pub assignee_id: Option<String>,
    pub category: Option<String>,
    pub mine: bool,
}

/// `GET /tickets`: a member sees its own; the team sees all and filters.
pub async fn list(ctx: &Context, user: &User, query: ListQuery) -> AppResult<Vec<Ticket>> {
    let team = is_team(ctx, user).await?;
    let own_only = query.mine || !team;
    // Categories compare as they do when set: regardless of case.
    let known = settings::current(ctx).await?.categories;
    let category = query.category.map(|wanted| {
        known
            .iter()
            .find(|c| c.eq_ignore_ascii_case(&wanted))
            .cloned()
            .unwrap_or(wanted)
    });
    let filter = TicketFilter {
        status: query.status,
        assignee_id: query.assignee_id,
        category,
        requester_id: own_only.then(|| user.id.clone()),
        open_only: false,
    };
    Ok(ctx.store.tickets(filter).await?)
}

/// `PATCH /tickets/{n}` and `/ticket n ...`: applies changes the actor is allowed to make.
pub async fn update(
    ctx: &Context,
    actor: &User,
    number: i64,
    req: UpdateTicketRequest,
    lang: Lang,
) -> AppResult<Ticket> {
    let (ticket, team) = visible(ctx, actor, number, lang).await?;
    let own = ticket.requester_id == actor.id;
    let refuse = |what: TeamOnly| AppError::Forbidden(desk::team_only(lang, what));
    let mut change = TicketChange::default();
    let mut history: Vec<(String, String)> = Vec::new();
    if let Some(status) = req.status.filter(|s| *s != ticket.status) {
        let requester_may = own
            && (status == TicketStatus::Closed
                || (status == TicketStatus::Open
                    && matches!(ticket.status, TicketStatus::Resolved | TicketStatus::Closed)));
        if !team && !requester_may {
            return Err(refuse(TeamOnly::Status));
        }
        change.status = Some(status);
        history.push(("status".into(), status.as_str().into()));
    }
    if let Some(priority) = req.priority.filter(|p| *p != ticket.priority) {
        if !team {
            return Err(refuse(TeamOnly::Priority));
        }
        change.priority = Some(priority);
        history.push(("priority".into(), priority.as_str().into()));
    }
    if let Some(category) = req.category {
        if !team {
            return Err(refuse(TeamOnly::Category));
        }
        let known = settings::current(ctx).await?.categories;
        let category = check_category(&known, &category, lang)?;
        if category != ticket.category {
            history.push(("category".into(), category.clone()));
            change.category = Some(category);
        }
    }
    if let Some(assignee) = req.assignee_id {
        if !team {
            return Err(refuse(TeamOnly::Assign));
        }
        let assignee = (!assignee.is_empty()).then_some(assignee);
        if let Some(id) = &assignee {
            let user = ctx
                .store
                .user_by_id(id)
                .await?
                .filter(|u| u.active)
                .ok_or_else(|| AppError::Invalid(desk::no_active_user(lang, id)))?;
            if !is_team(ctx, &user).await? {
                return Err(AppError::Invalid(desk::not_on_team(lang, &user.username)));
            }
        }
        if assignee != ticket.assignee_id {
            history.push(("assigned".into(), assignee.clone().unwrap_or_default()));
            change.assignee_id = Some(assignee);
        }
    }
    if let Some(comment) = req
        .comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
    {
        history.push(("comment".into(), comment));
    }
    if let Some(note) = req
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
    {
        if !team {
            return Err(refuse(TeamOnly::Notes));
        }
        history.push(("note".into(), note));
    }
    let files = services::files::ticket_attachable(ctx, &actor.id, &req.file_ids).await?;
    if !files.is_empty() {
        // Files go with the comment; with only a note, they are as internal as it is.
        let internal = history.iter().any(|(kind, _)| kind == "note")
            && !history.iter().any(|(kind, _)| kind == "comment");
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        let kind = if internal { "note_files" } else { "files" };
        history.push((kind.into(), names.join(", ")));
        change.attach = files.iter().map(|f| f.id.clone()).collect();
        change.attach_internal = internal;
    }
    if history.is_empty() {
        return Err(AppError::Invalid(desk::nothing_to_change(lang).into()));
    }
    if history
        .iter()
        .any(|(_, detail)| detail.chars().count() > MAX_DESCRIPTION_CHARS)
    {
        return Err(AppError::Invalid(desk::too_long(
            lang,
            MAX_DESCRIPTION_CHARS,
        )));
    }
    let updated = ctx
        .store
        .update_ticket(number, change, &history, &actor.id, &ids::now())
        .await?
        .ok_or_else(|| AppError::NotFound(desk::ticket_not_found(lang, format!("#{number}"))))?;
    bot::announce_change(ctx, &updated, actor, &history, &files).await;
    Ok(updated)
}

/// Longest period the figures cover at once.
const MAX_STATS_DAYS: i64 = 366;
/// The period when none is asked: the last four weeks.
const DEFAULT_STATS_DAYS: i64 = 28;

/// The tickets opened in a period with their histories, for the team's figures (`from` and
/// `to` as typed: dates or RFC 3339 times; the last four weeks by default).
pub async fn stats_period(
    ctx: &Context,
    user: &User,
    from: Option<&str>,
    to: Option<&str>,
    lang: Lang,
) -> AppResult<StatsPeriod> {
    if !is_team(ctx, user).await? {
        return Err(AppError::Forbidden(
            desk::only_team_sees_others(lang).into(),
        ));
    }
    let bound = |raw: Option<&str>, end_of_day: bool, name: &str| {
        raw.map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| {
                ids::parse_time_bound(r, end_of_day).ok_or_else(|| {
                    AppError::Invalid(format!(
                        "{name} must be a date (2026-12-01) or an RFC 3339 time"
                    ))
                })
            })
            .transpose()
    };
    let to = bound(to, true, "to")?.unwrap_or_else(time::OffsetDateTime::now_utc);
    let from = bound(from, false, "from")?
        .unwrap_or_else(|| to - time::Duration::days(DEFAULT_STATS_DAYS));
    if from >= to || to - from > time::Duration::days(MAX_STATS_DAYS) {
        return Err(AppError::Invalid(format!(
            "from must be before to, at most {MAX_STATS_DAYS} days apart"
        )));
    }
    let tickets = ctx
        .store
        .tickets_opened_between(&ids::format_time(from), &ids::format_time(to))
        .await?;
    Ok(StatsPeriod { from, to, tickets })
}

/// What [`stats_period`] read.
pub struct StatsPeriod {
    pub from: time::OffsetDateTime,
    pub to: time::OffsetDateTime,
    pub tickets: Vec<(Ticket, Vec<xerrada_protocol::TicketEvent>)>,
}

/// `GET /tickets/stats` (the support team).
pub async fn stats(
    ctx: &Context,
    user: &User,
    from: Option<&str>,
    to: Option<&str>,
    lang: Lang,
) -> AppResult<xerrada_protocol::TicketStats> {
    let period = stats_period(ctx, user, from, to, lang).await?;
    let backlog = ctx.store.ticket_backlog().await?;
    Ok(stats::figures(
        period.from,
        period.to,
        &period.tickets,
        &backlog,
    ))
}

/// A requester's answer to "were you satisfied?" on their resolved or closed ticket; the
/// latest answer counts.
pub async fn rate(ctx: &Context, user: &User, number: i64, up: bool, lang: Lang) -> AppResult<()> {
    let ticket = ctx
        .store
        .ticket(number)
        .await?
        .filter(|t| t.requester_id == user.id)
        .ok_or_else(|| AppError::NotFound(desk::ticket_not_found(lang, format!("#{number}"))))?;
    if !matches!(ticket.status, TicketStatus::Resolved | TicketStatus::Closed) {
        return Err(AppError::Invalid(
            desk::rate_only_when_resolved(lang).into(),
        ));
    }
    let history = [(
        stats::RATING.to_owned(),
        if up { "up" } else { "down" }.to_owned(),
    )];
    let rated = ctx
        .store
        .update_ticket(
            number,
            TicketChange::default(),
            &history,
            &user.id,
            &ids::now(),
        )
        .await?
        .unwrap_or(ticket);
    bot::announce_rating(ctx, &rated, user, up).await;
    Ok(())
}

/// The requester closes their ticket as solved by the `/info` article `topic`; the history
/// keeps which (`solved_by`). Answers the article's title.
pub async fn close_as_solved_by(
    ctx: &Context,
    user: &User,
    number: i64,
    topic: &str,
    lang: Lang,
) -> AppResult<String> {
    let title = ctx
        .store
        .articles()
        .await?
        .into_iter()
        .find(|a| a.topic == topic)
        .map(|a| a.title)
        .ok_or_else(|| AppError::NotFound(format!("no article {topic:?}")))?;
    let (ticket, _) = visible(ctx, user, number, lang).await?;
    if ticket.requester_id != user.id {
        return Err(AppError::Forbidden(
            desk::only_team_sees_others(lang).into(),
        ));
    }
    let change = UpdateTicketRequest {
        status: Some(TicketStatus::Closed),
        ..UpdateTicketRequest::default()
    };
    update(ctx, user, number, change, lang).await?;
    let history = [(stats::SOLVED_BY.to_owned(), topic.to_owned())];
    ctx.store
        .update_ticket(
            number,
            TicketChange::default(),
            &history,
            &user.id,
            &ids::now(),
        )
        .await?;
    Ok(title)
}
