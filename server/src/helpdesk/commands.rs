//! `/suport`, `/ticket` and `/tickets`: the support desk from the composer.

use xerrada_protocol::{OpenTicketRequest, TicketStatus, UpdateTicketRequest, User};

use async_trait::async_trait;

use super::ListQuery;
use crate::context::{Context, FeatureCommands};
use crate::error::{AppError, AppResult};
use crate::texts::labels::{
    TicketVerb, means_all, means_me, priority_label, read_priority, read_status, read_verb,
    status_label,
};
use crate::texts::{Lang, desk};

/// The desk's slash commands, registered with the command service at start.
pub struct DeskCommands;

#[async_trait]
impl FeatureCommands for DeskCommands {
    fn names(&self) -> &'static [&'static str] {
        &["suport", "ticket", "tickets", "info"]
    }

    fn describe(&self, name: &str, lang: Lang) -> String {
        desk::help_line(lang, name)
    }

    async fn run(
        &self,
        ctx: &Context,
        caller: &User,
        name: &str,
        text: &str,
        file_ids: &[String],
        lang: Lang,
    ) -> AppResult<String> {
        match name {
            "suport" => open(ctx, caller, text, file_ids, lang).await,
            "ticket" => ticket(ctx, caller, text, file_ids, lang).await,
            _ if !file_ids.is_empty() => Err(AppError::Invalid(
                crate::texts::commands::takes_no_files(lang, name),
            )),
            "info" => super::info::answer(ctx, text, lang).await,
            _ => tickets(ctx, caller, text, lang).await,
        }
    }
}

async fn open(
    ctx: &Context,
    caller: &User,
    text: &str,
    file_ids: &[String],
    lang: Lang,
) -> AppResult<String> {
    if text.trim().is_empty() {
        return Ok(desk::open_usage(lang).into());
    }
    let request = OpenTicketRequest {
        description: text.to_owned(),
        title: None,
        category: None,
        priority: None,
        file_ids: file_ids.to_vec(),
    };
    let ticket = super::open(ctx, caller, request, lang).await?;
    Ok(desk::opened(lang, ticket.number, &ticket.title))
}

async fn ticket(
    ctx: &Context,
    caller: &User,
    text: &str,
    file_ids: &[String],
    lang: Lang,
) -> AppResult<String> {
    let mut words = text.split_whitespace();
    let Some(number) = words
        .next()
        .map(|n| n.trim_start_matches('#'))
        .and_then(|n| n.parse::<i64>().ok())
    else {
        return Ok(desk::ticket_usage(lang));
    };
    let verb = match words.next() {
        None if !file_ids.is_empty() => {
            return Err(AppError::Invalid(desk::files_with_comment_only(lang)));
        }
        None => return show(ctx, caller, number, lang).await,
        Some(word) => match read_verb(word) {
            Some(verb) => verb,
            None => return Ok(desk::ticket_usage(lang)),
        },
    };
    let rest = words.collect::<Vec<_>>().join(" ");
    let mut change = UpdateTicketRequest::default();
    match verb {
        TicketVerb::Assign => {
            change.assignee_id = Some(if rest.is_empty() || means_me(&rest) {
                caller.id.clone()
            } else {
                let username = rest.trim_start_matches('@');
                ctx.store
                    .credentials_by_username(username)
                    .await?
                    .map(|c| c.user.id)
                    .ok_or_else(|| AppError::Invalid(desk::no_such_user(lang, username)))?
            });
        }
        TicketVerb::Unassign => change.assignee_id = Some(String::new()),
        TicketVerb::Status => {
            change.status = Some(
                read_status(&rest)
                    .ok_or_else(|| AppError::Invalid(desk::unknown_status(lang, &rest)))?,
            );
        }
        TicketVerb::Close => change.status = Some(TicketStatus::Closed),
        TicketVerb::Reopen => change.status = Some(TicketStatus::Open),
        TicketVerb::Priority => {
            change.priority = Some(
                read_priority(&rest)
                    .ok_or_else(|| AppError::Invalid(desk::unknown_priority(lang, &rest)))?,
            );
        }
        TicketVerb::Category => change.category = Some(rest),
        TicketVerb::Comment => change.comment = Some(rest),
        TicketVerb::Note => change.note = Some(rest),
    }
    // Files go with a comment or a note, nothing else.
    if !file_ids.is_empty() {
        if !matches!(verb, TicketVerb::Comment | TicketVerb::Note) {
            return Err(AppError::Invalid(desk::files_with_comment_only(lang)));
        }
        change.file_ids = file_ids.to_vec();
    }
    let ticket = super::update(ctx, caller, number, change, lang).await?;
    Ok(desk::updated(
        lang,
        ticket.number,
        status_label(ticket.status, lang),
        priority_label(ticket.priority, lang),
    ))
}

async fn show(ctx: &Context, caller: &User, number: i64, lang: Lang) -> AppResult<String> {
    let detail = super::detail(ctx, caller, number, lang).await?;
    let ticket = detail.ticket;
    let mut lines = vec![
        format!("**#{}** {}", ticket.number, ticket.title),
        desk::summary(
            lang,
            status_label(ticket.status, lang),
            priority_label(ticket.priority, lang),
            &ticket.category,
        ),
        ticket.description.clone(),
    ];
    for event in detail
        .history
        .iter()
        .filter(|e| e.kind == "comment" || e.kind == "note")
    {
        let who = ctx
            .store
            .user_by_id(&event.actor_id)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        let note = event.kind == "note";
        lines.push(desk::history_entry(lang, note, &who, &event.detail));
    }
    Ok(lines.join("\n"))
}

async fn tickets(ctx: &Context, caller: &User, text: &str, lang: Lang) -> AppResult<String> {
    let team = super::is_team(ctx, caller).await?;
    let mut query = ListQuery {
        mine: true,
        ..ListQuery::default()
    };
    for word in text.split_whitespace() {
        let (key, value) = match word.split_once(':') {
            Some((key, value)) => (Some(key.to_lowercase()), value),
            None => (None, word),
        };
        match key.as_deref() {
            None if means_all(value) => query.mine = false,
            Some("status" | "estat" | "estado") => {
                let status = value;
                query.status = Some(
                    read_status(status)
                        .ok_or_else(|| AppError::Invalid(desk::unknown_status(lang, status)))?,
                );
            }
            Some("assignee" | "assignat" | "assignada" | "asignado" | "asignada")
                if means_me(value) =>
            {
                query.mine = false;
                query.assignee_id = Some(caller.id.clone());
            }
            Some("category" | "categoria" | "categoría") => {
                query.mine = false;
                query.category = Some(value.to_owned());
            }
            _ => return Ok(desk::tickets_usage(lang)),
        }
    }
    if !team && !query.mine {
        return Err(AppError::Forbidden(
            desk::only_team_sees_others(lang).into(),
        ));
    }
    let open_only = query.status.is_none();
    let tickets: Vec<_> = super::list(ctx, caller, query)
        .await?
        .into_iter()
        .filter(|t| !open_only || t.status != TicketStatus::Closed)
        .collect();
    if tickets.is_empty() {
        return Ok(desk::no_requests(lang).into());
    }
    let lines: Vec<String> = tickets
        .iter()
        .map(|t| {
            format!(
                "- **#{}** {} ({}, {})",
                t.number,
                t.title,
                status_label(t.status, lang),
                priority_label(t.priority, lang)
            )
        })
        .collect();
    Ok(format!(
        "{}\n{}",
        desk::requests_heading(lang),
        lines.join("\n")
    ))
}
