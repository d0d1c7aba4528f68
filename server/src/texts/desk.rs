//! The help desk's sentences: the ticket card, the `@suport` bot's direct messages, the answers
//! of `/suport`, `/ticket`, `/tickets` and `/info`, and the desk's refusals.

use std::fmt::Display;

use super::{Lang, alternatives, labels, say};

// ---- The card in the support team's channel -------------------------------------------------

/// The titles of the card's fields, in order: requester, status, priority, category, assignee.
pub fn card_fields(lang: Lang) -> [&'static str; 5] {
    match lang {
        Lang::Ca => [
            "Sol·licitant",
            "Estat",
            "Prioritat",
            "Categoria",
            "Assignat a",
        ],
        Lang::Es => [
            "Solicitante",
            "Estado",
            "Prioridad",
            "Categoría",
            "Asignado a",
        ],
        Lang::En => ["Requester", "Status", "Priority", "Category", "Assigned to"],
    }
}

/// The assignee field of a ticket nobody has taken.
pub fn nobody(lang: Lang) -> &'static str {
    lang.pick(["ningú", "nadie", "nobody"])
}

pub fn card_footer(lang: Lang, created_at: &str) -> String {
    say!(
        lang,
        "Obert {created_at}",
        "Abierto {created_at}",
        "Opened {created_at}"
    )
}

/// The one-line body of a card (what notifications and text-only clients show).
pub fn card_body(lang: Lang, number: i64, status: &str, title: &str) -> String {
    say!(
        lang,
        "Tiquet #{number} ({status}): {title}",
        "Ticket #{number} ({status}): {title}",
        "Ticket #{number} ({status}): {title}"
    )
}

/// The card's buttons: `assign`, `in_progress`, `waiting`, `resolved`, `comment`.
pub fn card_button(lang: Lang, action: &str) -> &'static str {
    match action {
        "assign" => lang.pick(["Assigna-me-la", "Asígnamela", "Assign to me"]),
        "in_progress" => lang.pick(["En curs", "En curso", "In progress"]),
        "waiting" => lang.pick(["En espera", "En espera", "Waiting"]),
        "resolved" => lang.pick(["Resolta", "Resuelta", "Resolved"]),
        _ => lang.pick(["Comenta", "Comentar", "Comment"]),
    }
}

// ---- What the requester is told in the bot's direct channel ---------------------------------

pub fn opened_dm(lang: Lang, number: i64, title: &str) -> String {
    say!(
        lang,
        "He obert el tiquet **#{number}**: {title}\nT'aviso aquí de cada canvi. Per afegir-hi un comentari, respon en el fil d'aquest missatge (o escriu `/ticket {number} comenta <text>`).",
        "He abierto el ticket **#{number}**: {title}\nTe aviso aquí de cada cambio. Para añadir un comentario, responde en el hilo de este mensaje (o escribe `/ticket {number} comenta <texto>`).",
        "I have opened ticket **#{number}**: {title}\nI will tell you here of every change. To add a comment, reply in this message's thread (or type `/ticket {number} comment <text>`).",
    )
}

pub fn status_changed(lang: Lang, number: i64, label: &str, actor: &str) -> String {
    say!(
        lang,
        "El tiquet #{number} ara és **{label}** (per {actor}).",
        "El ticket #{number} ahora está **{label}** (por {actor}).",
        "Ticket #{number} is now **{label}** (by {actor}).",
    )
}

pub fn priority_changed(lang: Lang, number: i64, label: &str, actor: &str) -> String {
    say!(
        lang,
        "La prioritat del tiquet #{number} ara és **{label}** (per {actor}).",
        "La prioridad del ticket #{number} ahora es **{label}** (por {actor}).",
        "The priority of ticket #{number} is now **{label}** (by {actor}).",
    )
}

pub fn category_changed(lang: Lang, number: i64, category: &str) -> String {
    say!(
        lang,
        "El tiquet #{number} ara és de la categoria **{category}**.",
        "El ticket #{number} ahora es de la categoría **{category}**.",
        "Ticket #{number} is now in the category **{category}**.",
    )
}

pub fn unassigned(lang: Lang, number: i64) -> String {
    say!(
        lang,
        "El tiquet #{number} ja no té ningú assignat.",
        "El ticket #{number} ya no tiene a nadie asignado.",
        "Ticket #{number} is no longer assigned to anyone.",
    )
}

pub fn assigned(lang: Lang, number: i64, assignee: &str, actor: &str) -> String {
    say!(
        lang,
        "{assignee} s'ocupa del tiquet #{number} (per {actor}).",
        "{assignee} se ocupa del ticket #{number} (por {actor}).",
        "{assignee} is taking care of ticket #{number} (assigned by {actor}).",
    )
}

pub fn commented(lang: Lang, number: i64, actor: &str, text: &str) -> String {
    say!(
        lang,
        "Comentari de {actor} al tiquet #{number}:\n> {text}",
        "Comentario de {actor} en el ticket #{number}:\n> {text}",
        "Comment from {actor} on ticket #{number}:\n> {text}",
    )
}

pub fn rating_entry(lang: Lang, who: &str, up: bool) -> String {
    match up {
        true => say!(
            lang,
            "👍 **{who}** (sol·licitant) valora bé la resolució.",
            "👍 **{who}** (solicitante) valora bien la resolución.",
            "👍 **{who}** (requester) rated the resolution good.",
        ),
        false => say!(
            lang,
            "👎 **{who}** (sol·licitant) no n'està satisfet.",
            "👎 **{who}** (solicitante) no está satisfecho.",
            "👎 **{who}** (requester) was not satisfied.",
        ),
    }
}

pub fn files_with_comment_only(lang: Lang) -> String {
    lang.pick([
        "Els fitxers van amb un comentari o una nota: `/ticket <n> comenta <text>`.",
        "Los archivos van con un comentario o una nota: `/ticket <n> comenta <texto>`.",
        "Files go with a comment or a note: `/ticket <n> comment <text>`.",
    ])
    .into()
}

pub fn files_attached(lang: Lang, number: i64, actor: &str, names: &str) -> String {
    say!(
        lang,
        "📎 {actor} ha adjuntat al tiquet #{number}: {names}",
        "📎 {actor} ha adjuntado al ticket #{number}: {names}",
        "📎 {actor} attached to ticket #{number}: {names}",
    )
}

// ---- The bot's menu and its answers to buttons ----------------------------------------------

pub fn greeting(lang: Lang) -> &'static str {
    lang.pick([
        "Hola! Sóc el bot de suport de TIC. Què vols fer?\nTambé pots escriure `/suport <descripció>` des de qualsevol canal, i `/tickets` per veure les teves peticions.",
        "¡Hola! Soy el bot de soporte de TIC. ¿Qué quieres hacer?\nTambién puedes escribir `/suport <descripción>` desde cualquier canal, y `/tickets` para ver tus peticiones.",
        "Hello! I am the IT support bot. What would you like to do?\nYou can also type `/suport <description>` in any channel, and `/tickets` to see your requests.",
    ])
}

pub fn open_with_this_message(lang: Lang) -> &'static str {
    lang.pick([
        "Obre una petició amb aquest missatge",
        "Abre una petición con este mensaje",
        "Open a request with this message",
    ])
}

/// The bot's question when someone with open requests writes to it.
pub fn which_request(lang: Lang) -> &'static str {
    lang.pick([
        "Tens peticions obertes. Això és un comentari per a alguna d'elles, o una petició nova?",
        "Tienes peticiones abiertas. ¿Esto es un comentario para alguna de ellas, o una petición nueva?",
        "You have open requests. Is this a comment on one of them, or a new request?",
    ])
}

/// A button of that question: the message is a comment on ticket `number`.
pub fn comment_on_button(lang: Lang, number: i64, title: &str) -> String {
    let title: String = title.chars().take(40).collect();
    say!(
        lang,
        "Comentari a #{number}: {title}",
        "Comentario a #{number}: {title}",
        "Comment on #{number}: {title}",
    )
}

pub fn new_request_button(lang: Lang) -> &'static str {
    lang.pick([
        "És una petició nova",
        "Es una petición nueva",
        "It is a new request",
    ])
}

/// What the bot says once a message became a comment on a ticket.
pub fn added_as_comment(lang: Lang, number: i64) -> String {
    say!(
        lang,
        "Afegit com a comentari al tiquet **#{number}**. L'equip de suport ja el veu.",
        "Añadido como comentario al ticket **#{number}**. El equipo de soporte ya lo ve.",
        "Added as a comment on ticket **#{number}**. The support team can see it.",
    )
}

/// A comment or note as it appears in the thread of the ticket's card, for the team.
pub fn card_thread_entry(lang: Lang, note: bool, requester: bool, who: &str, text: &str) -> String {
    match (note, requester) {
        (true, _) => say!(
            lang,
            "📝 Nota interna de **{who}**:\n{text}",
            "📝 Nota interna de **{who}**:\n{text}",
            "📝 Internal note from **{who}**:\n{text}",
        ),
        (false, true) => say!(
            lang,
            "💬 **{who}** (sol·licitant):\n{text}",
            "💬 **{who}** (solicitante):\n{text}",
            "💬 **{who}** (requester):\n{text}",
        ),
        (false, false) => say!(
            lang,
            "💬 **{who}** a la persona sol·licitant:\n{text}",
            "💬 **{who}** a la persona solicitante:\n{text}",
            "💬 **{who}** to the requester:\n{text}",
        ),
    }
}

pub fn my_requests(lang: Lang) -> &'static str {
    lang.pick(["Les meves peticions", "Mis peticiones", "My requests"])
}

pub fn comment_hint(lang: Lang, number: &str) -> String {
    say!(
        lang,
        "Escriu `/ticket {number} comenta <text>` per comentar el tiquet.",
        "Escribe `/ticket {number} comenta <texto>` para comentar el ticket.",
        "Type `/ticket {number} comment <text>` to comment on the ticket.",
    )
}

pub fn write_request_first(lang: Lang) -> &'static str {
    lang.pick([
        "escriu primer la teva petició en un missatge",
        "escribe primero tu petición en un mensaje",
        "write your request in a message first",
    ])
}

/// What the bot's spent menu says once the request is open.
pub fn request_opened(lang: Lang, number: i64) -> String {
    say!(
        lang,
        "Petició oberta: tiquet **#{number}**.",
        "Petición abierta: ticket **#{number}**.",
        "Request opened: ticket **#{number}**.",
    )
}

pub fn no_open_requests(lang: Lang) -> &'static str {
    lang.pick([
        "No tens cap petició oberta.",
        "No tienes ninguna petición abierta.",
        "You have no open requests.",
    ])
}

pub fn your_open_requests(lang: Lang) -> &'static str {
    lang.pick([
        "Les teves peticions obertes:",
        "Tus peticiones abiertas:",
        "Your open requests:",
    ])
}

pub fn button_names_no_ticket(lang: Lang) -> &'static str {
    lang.pick([
        "aquest botó no indica cap tiquet",
        "este botón no indica ningún ticket",
        "this button names no ticket",
    ])
}

pub fn unknown_button(lang: Lang, action: &str) -> String {
    say!(
        lang,
        "botó desconegut {action:?}",
        "botón desconocido {action:?}",
        "unknown button {action:?}",
    )
}

// ---- Commands --------------------------------------------------------------------------------

/// A desk command's line in `/help`.
pub fn help_line(lang: Lang, command: &str) -> String {
    match command {
        "suport" => say!(
            lang,
            "`/suport <descripció>` obre una petició de suport a TIC",
            "`/suport <descripción>` abre una petición de soporte a TIC",
            "`/suport <description>` opens an IT support request",
        ),
        "ticket" => ticket_syntax(lang),
        "tickets" => say!(
            lang,
            "les teves peticions obertes (l'equip de suport: `/tickets all`, `status:<estat>`, `assignee:me`)",
            "tus peticiones abiertas (el equipo de soporte: `/tickets all`, `status:<estado>`, `assignee:me`)",
            "your open requests (the support team: `/tickets all`, `status:<status>`, `assignee:me`)",
        ),
        _ => say!(
            lang,
            "`/info [tema]` respon amb els articles de l'equip de suport (VPN, correu, ...)",
            "`/info [tema]` responde con los artículos del equipo de soporte (VPN, correo, ...)",
            "`/info [topic]` answers with the support team's articles (VPN, e-mail, ...)",
        ),
    }
}

fn ticket_syntax(lang: Lang) -> String {
    say!(
        lang,
        "`/ticket <n> [assigna [@usuari] | desassigna | estat <estat> | prioritat <prioritat> | categoria <categoria> | comenta <text> | nota <text> | tanca | reobre]`",
        "`/ticket <n> [asigna [@usuario] | desasigna | estado <estado> | prioridad <prioridad> | categoría <categoría> | comenta <texto> | nota <texto> | cierra | reabre]`",
        "`/ticket <n> [assign [@user] | unassign | status <status> | priority <priority> | category <category> | comment <text> | note <text> | close | reopen]`",
    )
}

pub fn ticket_usage(lang: Lang) -> String {
    format!("{} {}", usage(lang), ticket_syntax(lang))
}

pub fn tickets_usage(lang: Lang) -> String {
    let syntax = say!(
        lang,
        "`/tickets [tots] [estat:<estat>] [assignat:jo] [categoria:<categoria>]`",
        "`/tickets [todos] [estado:<estado>] [asignado:yo] [categoría:<categoría>]`",
        "`/tickets [all] [status:<status>] [assignee:me] [category:<category>]`",
    );
    format!("{} {syntax}", usage(lang))
}

fn usage(lang: Lang) -> &'static str {
    lang.pick(["Ús:", "Uso:", "Usage:"])
}

pub fn open_usage(lang: Lang) -> &'static str {
    lang.pick([
        "Escriu què et passa: `/suport No puc imprimir a la impressora de la 2a planta`",
        "Escribe qué te pasa: `/suport No puedo imprimir en la impresora de la 2.ª planta`",
        "Say what is wrong: `/suport I cannot print on the second-floor printer`",
    ])
}

/// The answer of `/suport` to the one who opened the ticket.
pub fn opened(lang: Lang, number: i64, title: &str) -> String {
    say!(
        lang,
        "Has obert el tiquet **#{number}**: {title}. L'equip de suport ja l'ha rebut; t'avisaré per missatge directe de cada canvi.",
        "Has abierto el ticket **#{number}**: {title}. El equipo de soporte ya lo ha recibido; te avisaré por mensaje directo de cada cambio.",
        "You have opened ticket **#{number}**: {title}. The support team has received it; I will tell you of every change in a direct message.",
    )
}

pub fn updated(lang: Lang, number: i64, status: &str, priority: &str) -> String {
    say!(
        lang,
        "Tiquet **#{number}** actualitzat: {status} · prioritat {priority}.",
        "Ticket **#{number}** actualizado: {status} · prioridad {priority}.",
        "Ticket **#{number}** updated: {status} · priority {priority}.",
    )
}

/// The second line of `/ticket <n>`.
pub fn summary(lang: Lang, status: &str, priority: &str, category: &str) -> String {
    say!(
        lang,
        "Estat: {status} · Prioritat: {priority} · Categoria: {category}",
        "Estado: {status} · Prioridad: {priority} · Categoría: {category}",
        "Status: {status} · Priority: {priority} · Category: {category}",
    )
}

/// A comment, or an internal note, quoted in `/ticket <n>`.
pub fn history_entry(lang: Lang, note: bool, who: &str, text: &str) -> String {
    match note {
        true => say!(
            lang,
            "> Nota interna de {who}: {text}",
            "> Nota interna de {who}: {text}",
            "> Internal note from {who}: {text}",
        ),
        false => say!(
            lang,
            "> Comentari de {who}: {text}",
            "> Comentario de {who}: {text}",
            "> Comment from {who}: {text}",
        ),
    }
}

pub fn no_requests(lang: Lang) -> &'static str {
    lang.pick([
        "No hi ha cap petició.",
        "No hay ninguna petición.",
        "There are no requests.",
    ])
}

pub fn requests_heading(lang: Lang) -> &'static str {
    lang.pick(["Peticions:", "Peticiones:", "Requests:"])
}

// ---- Refusals --------------------------------------------------------------------------------

pub fn no_such_user(lang: Lang, username: &str) -> String {
    say!(
        lang,
        "no hi ha cap usuari {username:?}",
        "no hay ningún usuario {username:?}",
        "there is no user {username:?}",
    )
}

pub fn no_active_user(lang: Lang, id: &str) -> String {
    say!(
        lang,
        "no hi ha cap usuari actiu {id:?}",
        "no hay ningún usuario activo {id:?}",
        "no active user {id:?}",
    )
}

pub fn not_on_team(lang: Lang, username: &str) -> String {
    say!(
        lang,
        "{username} no és de l'equip de suport",
        "{username} no es del equipo de soporte",
        "{username} is not on the support team",
    )
}

pub fn unknown_status(lang: Lang, typed: &str) -> String {
    let known = alternatives(lang, &labels::status_labels(lang));
    say!(
        lang,
        "estat desconegut {typed:?}: escriu {known}",
        "estado desconocido {typed:?}: escribe {known}",
        "unknown status {typed:?}: use {known}",
    )
}

pub fn unknown_priority(lang: Lang, typed: &str) -> String {
    let known = alternatives(lang, &labels::priority_labels(lang));
    say!(
        lang,
        "prioritat desconeguda {typed:?}: escriu {known}",
        "prioridad desconocida {typed:?}: escribe {known}",
        "unknown priority {typed:?}: use {known}",
    )
}

pub fn unknown_category(lang: Lang, typed: &str, known: &[String]) -> String {
    let known = known.join(", ");
    say!(
        lang,
        "categoria desconeguda {typed:?}; fes servir una d'aquestes: {known}",
        "categoría desconocida {typed:?}; usa una de estas: {known}",
        "unknown category {typed:?}; use one of: {known}",
    )
}

pub fn describe_the_problem(lang: Lang, max: usize) -> String {
    say!(
        lang,
        "descriu el problema en 1-{max} caràcters",
        "describe el problema en 1-{max} caracteres",
        "describe the problem in 1-{max} characters",
    )
}

pub fn too_long(lang: Lang, max: usize) -> String {
    say!(
        lang,
        "els comentaris i les notes tenen com a màxim {max} caràcters",
        "los comentarios y las notas tienen como máximo {max} caracteres",
        "comments and notes are at most {max} characters",
    )
}

pub fn nothing_to_change(lang: Lang) -> &'static str {
    lang.pick([
        "no hi ha res a canviar",
        "no hay nada que cambiar",
        "nothing to change",
    ])
}

/// `number` is what names the ticket: `#12`, or the path segment as typed.
pub fn ticket_not_found(lang: Lang, number: impl Display) -> String {
    say!(
        lang,
        "no s'ha trobat el tiquet {number}",
        "no se ha encontrado el ticket {number}",
        "ticket {number} not found",
    )
}

/// The support channel's alert for an urgent ticket; `@canal` notifies every member.
pub fn urgent_alert(lang: Lang, number: i64, title: &str) -> String {
    say!(
        lang,
        "@canal 🔴 Tiquet **urgent #{number}**: {title}",
        "@canal 🔴 Ticket **urgente #{number}**: {title}",
        "@channel 🔴 **Urgent ticket #{number}**: {title}",
    )
}

/// The reminder of a ticket nobody has answered.
pub fn no_answer_alert(lang: Lang, number: i64, title: &str, minutes: i64) -> String {
    say!(
        lang,
        "@canal ⏰ El tiquet **#{number}** fa {minutes} minuts laborables que espera una primera resposta: {title}",
        "@canal ⏰ El ticket **#{number}** lleva {minutes} minutos laborables esperando una primera respuesta: {title}",
        "@channel ⏰ Ticket **#{number}** has waited {minutes} working minutes for a first answer: {title}",
    )
}

/// Told to someone who opens a request while the team is out.
pub fn outside_hours(lang: Lang, weekday: usize, date: &str, time: &str) -> String {
    let day = match lang {
        Lang::Ca => [
            "dilluns",
            "dimarts",
            "dimecres",
            "dijous",
            "divendres",
            "dissabte",
            "diumenge",
        ],
        Lang::Es => [
            "lunes",
            "martes",
            "miércoles",
            "jueves",
            "viernes",
            "sábado",
            "domingo",
        ],
        Lang::En => [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ],
    }[weekday.min(6)];
    say!(
        lang,
        "Ara l'equip de suport no hi és: la teva petició serà atesa a partir de {day} {date} a les {time}.",
        "Ahora el equipo de soporte no está: tu petición será atendida a partir del {day} {date} a las {time}.",
        "The support team is out now: your request will be looked at from {day} {date} at {time}.",
    )
}

/// Before the suggested articles, to the one who opened a request.
pub fn maybe_this_helps(lang: Lang, number: i64) -> String {
    say!(
        lang,
        "Mentre l'equip de suport s'ocupa del tiquet **#{number}**, potser t'ajuda:",
        "Mientras el equipo de soporte se ocupa del ticket **#{number}**, quizás te ayude:",
        "While the support team looks into ticket **#{number}**, this may help:",
    )
}

pub fn read_article_button(lang: Lang, title: &str) -> String {
    say!(lang, "📄 {title}", "📄 {title}", "📄 {title}")
}

pub fn solved_by_button(lang: Lang, title: &str) -> String {
    let title: String = title.chars().take(30).collect();
    say!(
        lang,
        "✅ Solucionat amb «{title}»",
        "✅ Solucionado con «{title}»",
        "✅ Solved by “{title}”",
    )
}

pub fn closed_as_solved_by(lang: Lang, number: i64, title: &str) -> String {
    say!(
        lang,
        "Perfecte! He tancat el tiquet **#{number}**: l'ha solucionat l'article «{title}».",
        "¡Perfecto! He cerrado el ticket **#{number}**: lo ha solucionado el artículo «{title}».",
        "Great! I have closed ticket **#{number}**: the article “{title}” solved it.",
    )
}

pub fn rate_only_when_resolved(lang: Lang) -> &'static str {
    lang.pick([
        "només es pot valorar una petició resolta o tancada",
        "solo se puede valorar una petición resuelta o cerrada",
        "only a resolved or closed request can be rated",
    ])
}

/// The satisfaction question, sent to the requester when their ticket is resolved.
pub fn were_you_satisfied(lang: Lang, number: i64) -> String {
    say!(
        lang,
        "Com ha anat la resolució del tiquet **#{number}**? Si vols afegir-hi alguna cosa, respon en el fil d'aquest missatge.",
        "¿Qué tal ha ido la resolución del ticket **#{number}**? Si quieres añadir algo, responde en el hilo de este mensaje.",
        "How did the resolution of ticket **#{number}** go? To add anything, reply in this message's thread.",
    )
}

pub fn satisfied_button(lang: Lang, up: bool) -> &'static str {
    match up {
        true => lang.pick(["👍 Bé", "👍 Bien", "👍 Good"]),
        false => lang.pick(["👎 No gaire", "👎 No mucho", "👎 Not really"]),
    }
}

pub fn thanks_for_rating(lang: Lang, number: i64, up: bool) -> String {
    let answer = satisfied_button(lang, up);
    say!(
        lang,
        "Gràcies per la teva valoració del tiquet **#{number}**: {answer}. Si vols explicar-nos-ho, respon en el fil d'aquest missatge.",
        "Gracias por tu valoración del ticket **#{number}**: {answer}. Si quieres contárnoslo, responde en el hilo de este mensaje.",
        "Thank you for rating ticket **#{number}**: {answer}. To tell us more, reply in this message's thread.",
    )
}

pub fn only_team_sees_others(lang: Lang) -> &'static str {
    lang.pick([
        "només l'equip de suport pot veure les peticions dels altres",
        "solo el equipo de soporte puede ver las peticiones de los demás",
        "only the support team may see other people's requests",
    ])
}

pub fn mine_flag(lang: Lang, typed: &str) -> String {
    say!(
        lang,
        "mine ha de ser true o false, no {typed:?}",
        "mine debe ser true o false, no {typed:?}",
        "mine must be true or false, not {typed:?}",
    )
}

/// What only the support team may do to a ticket.
#[derive(Debug, Clone, Copy)]
pub enum TeamOnly {
    Status,
    Priority,
    Category,
    Assign,
    Notes,
}

pub fn team_only(lang: Lang, what: TeamOnly) -> String {
    let what = match what {
        TeamOnly::Status => {
            lang.pick(["canviar l'estat", "cambiar el estado", "change the status"])
        }
        TeamOnly::Priority => lang.pick([
            "canviar la prioritat",
            "cambiar la prioridad",
            "change the priority",
        ]),
        TeamOnly::Category => lang.pick([
            "canviar la categoria",
            "cambiar la categoría",
            "change the category",
        ]),
        TeamOnly::Assign => {
            lang.pick(["assignar peticions", "asignar peticiones", "assign tickets"])
        }
        TeamOnly::Notes => lang.pick([
            "escriure notes internes",
            "escribir notas internas",
            "write internal notes",
        ]),
    };
    say!(
        lang,
        "només l'equip de suport pot {what}; tu pots comentar, tancar o reobrir les teves peticions",
        "solo el equipo de soporte puede {what}; tú puedes comentar, cerrar o reabrir tus peticiones",
        "only the support team may {what}; you may comment, close or reopen your own tickets",
    )
}

// ---- /info -----------------------------------------------------------------------------------

pub fn info_topics(lang: Lang) -> &'static str {
    lang.pick([
        "Temes disponibles (escriu `/info <tema>`):",
        "Temas disponibles (escribe `/info <tema>`):",
        "Available topics (type `/info <topic>`):",
    ])
}

pub fn info_none(lang: Lang) -> &'static str {
    lang.pick([
        "Encara no hi ha cap article.",
        "Todavía no hay ningún artículo.",
        "There are no articles yet.",
    ])
}

pub fn info_unknown(lang: Lang, topic: &str) -> String {
    say!(
        lang,
        "No hi ha cap article sobre «{topic}».",
        "No hay ningún artículo sobre «{topic}».",
        "There is no article about «{topic}».",
    )
}

pub fn info_did_you_mean(lang: Lang, suggestions: &str) -> String {
    say!(
        lang,
        "Potser volies dir {suggestions}?",
        "¿Quizás querías decir {suggestions}?",
        "Did you mean {suggestions}?",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sentence_is_translated() {
        let sentences: Vec<fn(Lang) -> String> = vec![
            |l| opened_dm(l, 1, "t"),
            |l| status_changed(l, 1, "x", "a"),
            |l| priority_changed(l, 1, "x", "a"),
            |l| category_changed(l, 1, "x"),
            |l| unassigned(l, 1),
            |l| assigned(l, 1, "b", "a"),
            |l| commented(l, 1, "a", "t"),
            |l| greeting(l).into(),
            |l| open_with_this_message(l).into(),
            |l| my_requests(l).into(),
            |l| comment_hint(l, "1"),
            |l| write_request_first(l).into(),
            |l| request_opened(l, 1),
            |l| no_open_requests(l).into(),
            |l| your_open_requests(l).into(),
            |l| button_names_no_ticket(l).into(),
            |l| unknown_button(l, "x"),
            |l| help_line(l, "suport"),
            |l| help_line(l, "ticket"),
            |l| help_line(l, "tickets"),
            |l| help_line(l, "info"),
            |l| ticket_usage(l),
            |l| tickets_usage(l),
            |l| open_usage(l).into(),
            |l| opened(l, 1, "t"),
            |l| updated(l, 1, "s", "p"),
            |l| summary(l, "s", "p", "c"),
            // (An internal note is a "nota interna" in Catalan and in Spanish alike.)
            |l| history_entry(l, false, "w", "t"),
            |l| no_requests(l).into(),
            |l| requests_heading(l).into(),
            |l| no_such_user(l, "u"),
            |l| no_active_user(l, "u"),
            |l| not_on_team(l, "u"),
            |l| unknown_status(l, "x"),
            |l| unknown_priority(l, "x"),
            |l| unknown_category(l, "x", &["a".into()]),
            |l| describe_the_problem(l, 9),
            |l| too_long(l, 9),
            |l| nothing_to_change(l).into(),
            |l| ticket_not_found(l, "#1"),
            |l| only_team_sees_others(l).into(),
            |l| mine_flag(l, "x"),
            |l| team_only(l, TeamOnly::Status),
            |l| team_only(l, TeamOnly::Notes),
            |l| info_topics(l).into(),
            |l| info_none(l).into(),
            |l| info_unknown(l, "x"),
            |l| info_did_you_mean(l, "x"),
            |l| card_fields(l).join("|"),
            |l| card_footer(l, "x"),
            |l| nobody(l).into(),
        ];
        super::super::assert_translated(&sentences);
    }

    #[test]
    fn refusals_list_what_may_be_typed_in_the_callers_language() {
        assert_eq!(
            unknown_status(Lang::Es, "potser"),
            "estado desconocido \"potser\": escribe abierto, en curso, en espera, resuelto o cerrado"
        );
        assert!(unknown_priority(Lang::En, "x").ends_with("low, normal, high or urgent"));
    }
}
