//! A ticket's status and priority as people read and type them. The wire keeps only the
//! stable names (`in_progress`, `alta`); how they are shown or typed is the server's business.

use xerrada_protocol::{TicketPriority, TicketStatus};

use super::Lang;

/// How a status is shown.
pub fn status_label(status: TicketStatus, lang: Lang) -> &'static str {
    use TicketStatus::*;
    match (lang, status) {
        (Lang::Ca, Open) => "obert",
        (Lang::Ca, InProgress) => "en curs",
        (Lang::Ca, Waiting) => "en espera",
        (Lang::Ca, Resolved) => "resolt",
        (Lang::Ca, Closed) => "tancat",
        (Lang::Es, Open) => "abierto",
        (Lang::Es, InProgress) => "en curso",
        (Lang::Es, Waiting) => "en espera",
        (Lang::Es, Resolved) => "resuelto",
        (Lang::Es, Closed) => "cerrado",
        (Lang::En, Open) => "open",
        (Lang::En, InProgress) => "in progress",
        (Lang::En, Waiting) => "waiting",
        (Lang::En, Resolved) => "resolved",
        (Lang::En, Closed) => "closed",
    }
}

/// How a priority is shown.
pub fn priority_label(priority: TicketPriority, lang: Lang) -> &'static str {
    use TicketPriority::*;
    match (lang, priority) {
        (Lang::Ca, Baixa) => "baixa",
        (Lang::Ca, Normal) | (Lang::Es, Normal) | (Lang::En, Normal) => "normal",
        (Lang::Ca, Alta) | (Lang::Es, Alta) => "alta",
        (Lang::Ca, Urgent) | (Lang::En, Urgent) => "urgent",
        (Lang::Es, Baixa) => "baja",
        (Lang::Es, Urgent) => "urgente",
        (Lang::En, Baixa) => "low",
        (Lang::En, Alta) => "high",
    }
}

/// Every status's label in `lang`, in workflow order (for "use one of ...").
pub fn status_labels(lang: Lang) -> Vec<&'static str> {
    TicketStatus::ALL
        .into_iter()
        .map(|s| status_label(s, lang))
        .collect()
}

/// Every priority's label in `lang`, lowest first.
pub fn priority_labels(lang: Lang) -> Vec<&'static str> {
    TicketPriority::ALL
        .into_iter()
        .map(|p| priority_label(p, lang))
        .collect()
}

/// Words typed for a status beyond the labels: the feminine forms (a "petició" is resolta).
const STATUS_SYNONYMS: &[(&str, TicketStatus)] = &[
    ("oberta", TicketStatus::Open),
    ("resolta", TicketStatus::Resolved),
    ("tancada", TicketStatus::Closed),
    ("abierta", TicketStatus::Open),
    ("resuelta", TicketStatus::Resolved),
    ("cerrada", TicketStatus::Closed),
];

/// A status as a person types it: the wire name, or a label or synonym in any language.
pub fn read_status(text: &str) -> Option<TicketStatus> {
    let typed = normalize(text);
    TicketStatus::ALL
        .into_iter()
        .find(|s| {
            s.as_str() == typed
                || [Lang::Ca, Lang::Es, Lang::En]
                    .into_iter()
                    .any(|lang| normalize(status_label(*s, lang)) == typed)
        })
        .or_else(|| {
            STATUS_SYNONYMS
                .iter()
                .find(|(word, _)| *word == typed)
                .map(|(_, status)| *status)
        })
}

/// A priority as a person types it: the wire name or its label in any language.
pub fn read_priority(text: &str) -> Option<TicketPriority> {
    let typed = normalize(text);
    TicketPriority::ALL.into_iter().find(|p| {
        p.as_str() == typed
            || Lang::ALL
                .into_iter()
                .any(|lang| priority_label(*p, lang) == typed)
    })
}

/// What `/ticket <n> <verb> …` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketVerb {
    Assign,
    Unassign,
    Status,
    Close,
    Reopen,
    Priority,
    Category,
    Comment,
    Note,
}

/// The verbs as people type them, in Catalan, Spanish and English (the English ones came
/// first and keep working).
const VERBS: &[(&str, TicketVerb)] = &[
    ("assign", TicketVerb::Assign),
    ("assigna", TicketVerb::Assign),
    ("assignar", TicketVerb::Assign),
    ("asigna", TicketVerb::Assign),
    ("asignar", TicketVerb::Assign),
    ("unassign", TicketVerb::Unassign),
    ("desassigna", TicketVerb::Unassign),
    ("desassignar", TicketVerb::Unassign),
    ("desasigna", TicketVerb::Unassign),
    ("desasignar", TicketVerb::Unassign),
    ("status", TicketVerb::Status),
    ("estat", TicketVerb::Status),
    ("estado", TicketVerb::Status),
    ("close", TicketVerb::Close),
    ("tanca", TicketVerb::Close),
    ("tancar", TicketVerb::Close),
    ("cierra", TicketVerb::Close),
    ("cerrar", TicketVerb::Close),
    ("reopen", TicketVerb::Reopen),
    ("reobre", TicketVerb::Reopen),
    ("reobrir", TicketVerb::Reopen),
    ("reabre", TicketVerb::Reopen),
    ("reabrir", TicketVerb::Reopen),
    ("priority", TicketVerb::Priority),
    ("prioritat", TicketVerb::Priority),
    ("prioridad", TicketVerb::Priority),
    ("category", TicketVerb::Category),
    ("categoria", TicketVerb::Category),
    ("categoría", TicketVerb::Category),
    ("comment", TicketVerb::Comment),
    ("comenta", TicketVerb::Comment),
    ("comentar", TicketVerb::Comment),
    ("comentari", TicketVerb::Comment),
    ("comentario", TicketVerb::Comment),
    ("note", TicketVerb::Note),
    ("nota", TicketVerb::Note),
];

/// A `/ticket` verb typed in any of the three languages, in any letter case.
pub fn read_verb(word: &str) -> Option<TicketVerb> {
    let typed = word.trim().to_lowercase();
    VERBS
        .iter()
        .find(|(verb, _)| *verb == typed)
        .map(|(_, verb)| *verb)
}

/// "Me" as people type it after `assign` or in `assignee:`.
pub fn means_me(word: &str) -> bool {
    matches!(
        word.trim().to_lowercase().as_str(),
        "me" | "jo" | "mi" | "mí" | "yo"
    )
}

/// `all` for `/tickets`, in any of the three languages.
pub fn means_all(word: &str) -> bool {
    matches!(
        word.trim().to_lowercase().as_str(),
        "all" | "tots" | "totes" | "todos" | "todas"
    )
}

fn normalize(text: &str) -> String {
    text.trim().to_lowercase().replace([' ', '-'], "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_read_in_every_language_and_by_their_wire_names() {
        for (typed, status) in [
            ("in_progress", TicketStatus::InProgress),
            ("en curs", TicketStatus::InProgress),
            ("En-Curso", TicketStatus::InProgress),
            ("in progress", TicketStatus::InProgress),
            ("resolta", TicketStatus::Resolved),
            ("resuelto", TicketStatus::Resolved),
            ("obert", TicketStatus::Open),
            ("cerrada", TicketStatus::Closed),
        ] {
            assert_eq!(read_status(typed), Some(status), "{typed}");
        }
        assert_eq!(read_status("potser"), None);
        for status in TicketStatus::ALL {
            for lang in Lang::ALL {
                assert_eq!(read_status(status_label(status, lang)), Some(status));
            }
        }
    }

    #[test]
    fn ticket_verbs_are_read_in_every_language() {
        for (typed, verb) in [
            ("comenta", TicketVerb::Comment),
            ("COMMENT", TicketVerb::Comment),
            ("comentario", TicketVerb::Comment),
            ("estat", TicketVerb::Status),
            ("estado", TicketVerb::Status),
            ("assigna", TicketVerb::Assign),
            ("asigna", TicketVerb::Assign),
            ("desassigna", TicketVerb::Unassign),
            ("tanca", TicketVerb::Close),
            ("cierra", TicketVerb::Close),
            ("reobre", TicketVerb::Reopen),
            ("prioritat", TicketVerb::Priority),
            ("categoría", TicketVerb::Category),
            ("nota", TicketVerb::Note),
        ] {
            assert_eq!(read_verb(typed), Some(verb), "{typed}");
        }
        assert_eq!(read_verb("esborra"), None);
        assert!(means_me("Jo") && means_me("yo") && means_me("me") && !means_me("marta"));
        assert!(means_all("tots") && means_all("todas") && !means_all("meus"));
    }

    #[test]
    fn priorities_are_read_in_every_language() {
        assert_eq!(read_priority("high"), Some(TicketPriority::Alta));
        assert_eq!(read_priority("baja"), Some(TicketPriority::Baixa));
        assert_eq!(read_priority("URGENTE"), Some(TicketPriority::Urgent));
        assert_eq!(read_priority("alta"), Some(TicketPriority::Alta));
        for priority in TicketPriority::ALL {
            for lang in Lang::ALL {
                assert_eq!(
                    read_priority(priority_label(priority, lang)),
                    Some(priority)
                );
            }
        }
    }
}
