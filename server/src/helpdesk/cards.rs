//! What the support bot writes: the ticket card in the support channel and its DM lines.

use xerrada_protocol::{
    ActionStyle, Attachment, AttachmentField, MessageAction, MessageExtras, Ticket, TicketStatus,
};

use super::texts::{Lang, read_status, status_label};

/// The card of a ticket: a one-line body (what notifications and other clients show) and the
/// attachment with the details and the team's buttons.
pub fn card(ticket: &Ticket, requester: &str, assignee: Option<&str>) -> (String, MessageExtras) {
    let number = ticket.number;
    let field = |title: &str, value: String| AttachmentField {
        title: title.into(),
        value,
        short: true,
    };
    let color = match ticket.status {
        TicketStatus::Open => "warning",
        TicketStatus::InProgress => "#2F80ED",
        TicketStatus::Waiting => "#9B51E0",
        TicketStatus::Resolved => "good",
        TicketStatus::Closed => "#8A8F98",
    };
    let attachment = Attachment {
        color: Some(color.into()),
        title: Some(format!("#{number} · {}", ticket.title)),
        text: Some(ticket.description.clone()),
        fields: vec![
            field("Sol·licitant", requester.into()),
            field("Estat", status_label(ticket.status, Lang::Ca).into()),
            field("Prioritat", ticket.priority.as_str().into()),
            field("Categoria", ticket.category.clone()),
            field("Assignat a", assignee.unwrap_or("ningú").into()),
        ],
        footer: Some(format!("Obert {}", ticket.created_at)),
        ..Attachment::default()
    };
    let button = |id: &str, label: &str, style: Option<ActionStyle>| MessageAction {
        id: id.into(),
        label: label.into(),
        style,
        value: Some(number.to_string()),
    };
    // No buttons on a closed ticket, and none for the status it is already in.
    let actions = if ticket.status == TicketStatus::Closed {
        Vec::new()
    } else {
        [
            ("assign", "Assigna-me-la", Some(ActionStyle::Primary), None),
            (
                "in_progress",
                "En curs",
                None,
                Some(TicketStatus::InProgress),
            ),
            ("waiting", "En espera", None, Some(TicketStatus::Waiting)),
            ("resolved", "Resolta", None, Some(TicketStatus::Resolved)),
            ("comment", "Comenta", None, None),
        ]
        .into_iter()
        .filter(|(_, _, _, status)| *status != Some(ticket.status))
        .map(|(id, label, style, _)| button(id, label, style))
        .collect()
    };
    let body = format!(
        "Tiquet #{number} ({}): {}",
        status_label(ticket.status, Lang::Ca),
        ticket.title
    );
    // The body is the attachment's plain-text fallback: clients need not show both.
    let attachment = Attachment {
        fallback: Some(body.clone()),
        ..attachment
    };
    let extras = MessageExtras {
        attachments: vec![attachment],
        actions,
        ..MessageExtras::default()
    };
    (body, extras)
}

/// What the requester is told about a change, or `None` when it is internal only.
pub fn change_line(number: i64, actor: &str, kind: &str, detail: &str) -> Option<String> {
    let line = match kind {
        "status" => {
            let label = read_status(detail)
                .map_or(detail.to_owned(), |s| status_label(s, Lang::Ca).to_owned());
            format!("El tiquet #{number} ara és **{label}** (per {actor}).")
        }
        "priority" => {
            format!("La prioritat del tiquet #{number} ara és **{detail}** (per {actor}).")
        }
        "category" => format!("El tiquet #{number} ara és de la categoria **{detail}**."),
        "assigned" if detail.is_empty() => format!("El tiquet #{number} ja no té ningú assignat."),
        "assigned" => format!("{detail} s'ocupa del tiquet #{number} (per {actor})."),
        "comment" => format!("Comentari de {actor} al tiquet #{number}:\n> {detail}"),
        _ => return None,
    };
    Some(line)
}
