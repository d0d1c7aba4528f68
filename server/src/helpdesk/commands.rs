//! `/suport`, `/ticket` and `/tickets`: the support desk from the composer.

use xerrada_protocol::{OpenTicketRequest, TicketStatus, UpdateTicketRequest, User};

use async_trait::async_trait;

use super::ListQuery;
use super::texts::{Lang, read_priority, read_status, status_label};
use crate::context::{Context, FeatureCommands};
use crate::error::{AppError, AppResult};

/// The desk's slash commands, registered with the command service at start.
pub struct DeskCommands;

#[async_trait]
impl FeatureCommands for DeskCommands {
    fn listed(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "suport",
                "`/suport <descripció>` obre una petició de suport a TIC",
            ),
            (
                "ticket",
                "`/ticket <n> [assign [@usuari] | unassign | status <estat> | priority <prioritat> | category <categoria> | comment <text> | note <text> | close | reopen]`",
            ),
            (
                "tickets",
                "les teves peticions obertes (l'equip de suport: `/tickets all`, `status:<estat>`, `assignee:me`)",
            ),
            (
                "info",
                "`/info [tema]` respon amb els articles de l'equip de suport (VPN, correu, ...)",
            ),
        ]
    }

    async fn run(
        &self,
        ctx: &Context,
        caller: &User,
        name: &str,
        text: &str,
        lang: Option<&str>,
    ) -> AppResult<String> {
        if name == "info" {
            return super::info::answer(ctx, text, super::info::language(lang)).await;
        }
        run(ctx, caller, name, text).await
    }
}

/// Runs a support command; the answer is shown only to the caller.
pub async fn run(ctx: &Context, caller: &User, name: &str, text: &str) -> AppResult<String> {
    match name {
        "suport" => open(ctx, caller, text).await,
        "ticket" => ticket(ctx, caller, text).await,
        _ => tickets(ctx, caller, text).await,
    }
}

async fn open(ctx: &Context, caller: &User, text: &str) -> AppResult<String> {
    if text.trim().is_empty() {
        return Ok(
            "Escriu què et passa: `/suport No puc imprimir a la impressora de la 2a planta`".into(),
        );
    }
    let request = OpenTicketRequest {
        description: text.to_owned(),
        title: None,
        category: None,
        priority: None,
    };
    let ticket = super::open(ctx, caller, request).await?;
    Ok(format!(
        "Has obert el tiquet **#{}**: {}. L'equip de suport ja l'ha rebut; t'avisaré per missatge directe de cada canvi.",
        ticket.number, ticket.title
    ))
}

const TICKET_USAGE: &str = "Ús: `/ticket <n> [assign [@usuari] | unassign | status <estat> | priority <prioritat> | category <categoria> | comment <text> | note <text> | close | reopen]`";

async fn ticket(ctx: &Context, caller: &User, text: &str) -> AppResult<String> {
    let mut words = text.split_whitespace();
    let Some(number) = words
        .next()
        .map(|n| n.trim_start_matches('#'))
        .and_then(|n| n.parse::<i64>().ok())
    else {
        return Ok(TICKET_USAGE.into());
    };
    let verb = words.next().map(str::to_lowercase);
    let rest = words.collect::<Vec<_>>().join(" ");
    let mut change = UpdateTicketRequest::default();
    match verb.as_deref() {
        None => return show(ctx, caller, number).await,
        Some("assign") => {
            change.assignee_id = Some(if rest.is_empty() || rest == "me" {
                caller.id.clone()
            } else {
                let username = rest.trim_start_matches('@');
                ctx.store
                    .credentials_by_username(username)
                    .await?
                    .map(|c| c.user.id)
                    .ok_or_else(|| AppError::Invalid(format!("no hi ha cap usuari {username:?}")))?
            });
        }
        Some("unassign") => change.assignee_id = Some(String::new()),
        Some("status") => {
            change.status = Some(read_status(&rest).ok_or_else(|| {
                AppError::Invalid(
                    "estat desconegut: open, in_progress, waiting, resolved o closed".into(),
                )
            })?);
        }
        Some("close") => change.status = Some(TicketStatus::Closed),
        Some("reopen") => change.status = Some(TicketStatus::Open),
        Some("priority") => {
            change.priority = Some(read_priority(&rest).ok_or_else(|| {
                AppError::Invalid("prioritat desconeguda: baixa, normal, alta o urgent".into())
            })?);
        }
        Some("category") => change.category = Some(rest),
        Some("comment") => change.comment = Some(rest),
        Some("note") => change.note = Some(rest),
        Some(_) => return Ok(TICKET_USAGE.into()),
    }
    let ticket = super::update(ctx, caller, number, change).await?;
    Ok(format!(
        "Tiquet **#{}** actualitzat: {} · prioritat {}.",
        ticket.number,
        status_label(ticket.status, Lang::Ca),
        ticket.priority.as_str()
    ))
}

async fn show(ctx: &Context, caller: &User, number: i64) -> AppResult<String> {
    let detail = super::detail(ctx, caller, number).await?;
    let ticket = detail.ticket;
    let mut lines = vec![
        format!("**#{}** {}", ticket.number, ticket.title),
        format!(
            "Estat: {} · Prioritat: {} · Categoria: {}",
            status_label(ticket.status, Lang::Ca),
            ticket.priority.as_str(),
            ticket.category
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
        let label = if event.kind == "note" {
            "Nota interna"
        } else {
            "Comentari"
        };
        lines.push(format!("> {label} de {who}: {}", event.detail));
    }
    Ok(lines.join("\n"))
}

async fn tickets(ctx: &Context, caller: &User, text: &str) -> AppResult<String> {
    let team = super::is_team(ctx, caller).await?;
    let mut query = ListQuery {
        mine: true,
        ..ListQuery::default()
    };
    for word in text.split_whitespace() {
        match word.split_once(':') {
            _ if word == "all" || word == "tots" => query.mine = false,
            Some(("status" | "estat", status)) => {
                query.status =
                    Some(read_status(status).ok_or_else(|| {
                        AppError::Invalid(format!("estat desconegut {status:?}"))
                    })?);
            }
            Some(("assignee", "me")) => {
                query.mine = false;
                query.assignee_id = Some(caller.id.clone());
            }
            Some(("category" | "categoria", category)) => {
                query.mine = false;
                query.category = Some(category.to_owned());
            }
            _ => {
                return Ok(
                    "Ús: `/tickets [all] [status:<estat>] [assignee:me] [category:<categoria>]`"
                        .into(),
                );
            }
        }
    }
    if !team && !query.mine {
        return Err(AppError::Forbidden(
            "només l'equip de suport pot veure les peticions dels altres".into(),
        ));
    }
    let open_only = query.status.is_none();
    let tickets: Vec<_> = super::list(ctx, caller, query)
        .await?
        .into_iter()
        .filter(|t| !open_only || t.status != TicketStatus::Closed)
        .collect();
    if tickets.is_empty() {
        return Ok("No hi ha cap petició.".into());
    }
    let lines: Vec<String> = tickets
        .iter()
        .map(|t| {
            format!(
                "- **#{}** {} ({}, {})",
                t.number,
                t.title,
                status_label(t.status, Lang::Ca),
                t.priority.as_str()
            )
        })
        .collect();
    Ok(format!("Peticions:\n{}", lines.join("\n")))
}
