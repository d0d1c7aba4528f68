//! What the support bot writes: the ticket card in the support channel and its DM lines.

use xerrada_protocol::{
    ActionStyle, Attachment, AttachmentField, MessageAction, MessageExtras, Ticket, TicketStatus,
};

use crate::texts::labels::{priority_label, read_priority, read_status, status_label};
use crate::texts::{Lang, desk};

/// The card of a ticket: a one-line body (what notifications and other clients show) and the
/// attachment with the details and the team's buttons, in `lang` (the installation's: the
/// whole team reads it).
pub fn card(
    ticket: &Ticket,
    requester: &str,
    assignee: Option<&str>,
    lang: Lang,
) -> (String, MessageExtras) {
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
        fields: desk::card_fields(lang)
            .into_iter()
            .zip([
                requester.to_owned(),
                status_label(ticket.status, lang).to_owned(),
                priority_label(ticket.priority, lang).to_owned(),
                ticket.category.clone(),
                assignee.unwrap_or(desk::nobody(lang)).to_owned(),
            ])
            .map(|(title, value)| field(title, value))
            .collect(),
        footer: Some(desk::card_footer(lang, &ticket.created_at)),
        ..Attachment::default()
    };
    let button = |id: &str, style: Option<ActionStyle>| MessageAction {
        id: id.into(),
        label: desk::card_button(lang, id).into(),
        style,
        value: Some(number.to_string()),
    };
    // No buttons on a closed ticket, none for the status it is already in, and "assign it to
    // me" only while nobody has it.
    let actions = if ticket.status == TicketStatus::Closed {
        Vec::new()
    } else {
        [
            ("assign", Some(ActionStyle::Primary), None),
            ("in_progress", None, Some(TicketStatus::InProgress)),
            ("waiting", None, Some(TicketStatus::Waiting)),
            ("resolved", None, Some(TicketStatus::Resolved)),
            ("comment", None, None),
        ]
        .into_iter()
        .filter(|(id, _, status)| {
            *status != Some(ticket.status) && (*id != "assign" || ticket.assignee_id.is_none())
        })
        .map(|(id, style, _)| button(id, style))
        .collect()
    };
    let body = desk::card_body(
        lang,
        number,
        status_label(ticket.status, lang),
        &ticket.title,
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

/// What the requester is told about a change, in their language, or `None` when it is
/// internal only (a note).
pub fn change_line(
    lang: Lang,
    number: i64,
    actor: &str,
    kind: &str,
    detail: &str,
) -> Option<String> {
    let line = match kind {
        "status" => {
            let label = read_status(detail).map_or(detail, |s| status_label(s, lang));
            desk::status_changed(lang, number, label, actor)
        }
        "priority" => {
            let label = read_priority(detail).map_or(detail, |p| priority_label(p, lang));
            desk::priority_changed(lang, number, label, actor)
        }
        "category" => desk::category_changed(lang, number, detail),
        "assigned" if detail.is_empty() => desk::unassigned(lang, number),
        "assigned" => desk::assigned(lang, number, detail, actor),
        "comment" => desk::commented(lang, number, actor, detail),
        "files" => desk::files_attached(lang, number, actor, detail),
        _ => return None,
    };
    Some(line)
}
