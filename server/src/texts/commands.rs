//! Answers of the slash-command service: `/help`, unknown commands, and what went wrong
//! calling an external command.

use super::{Lang, say};

pub fn help_heading(lang: Lang) -> &'static str {
    lang.pick([
        "**Ordres disponibles**",
        "**Comandos disponibles**",
        "**Available commands**",
    ])
}

pub fn help_itself(lang: Lang) -> &'static str {
    lang.pick([
        "mostra les ordres disponibles en aquest canal",
        "muestra los comandos disponibles en este canal",
        "shows the commands available in this channel",
    ])
}

/// The `/help` line of an external command registered without a description.
pub fn external_command(lang: Lang) -> &'static str {
    lang.pick(["ordre externa", "comando externo", "external command"])
}

pub fn escape_hint(lang: Lang) -> &'static str {
    lang.pick([
        "Per enviar un missatge que comenci amb `/`, escriu `//`.",
        "Para enviar un mensaje que empiece por `/`, escribe `//`.",
        "To send a message that starts with `/`, type `//`.",
    ])
}

pub fn unknown_command(lang: Lang, name: &str) -> String {
    say!(
        lang,
        "L'ordre `/{name}` no existeix. Escriu `/help` per veure les ordres disponibles.",
        "El comando `/{name}` no existe. Escribe `/help` para ver los comandos disponibles.",
        "There is no `/{name}` command. Type `/help` to see the commands available.",
    )
}

pub fn invalid_url(lang: Lang, name: &str) -> String {
    say!(
        lang,
        "L'ordre `/{name}` té una adreça no vàlida.",
        "El comando `/{name}` tiene una dirección no válida.",
        "The `/{name}` command has an invalid address.",
    )
}

pub fn host_not_allowed(lang: Lang, name: &str, host: &str) -> String {
    say!(
        lang,
        "L'ordre `/{name}` no es pot executar: l'administrador no ha permès connectar amb {host}.",
        "El comando `/{name}` no se puede ejecutar: el administrador no ha permitido conectar con {host}.",
        "The `/{name}` command cannot run: the administrator has not allowed connections to {host}.",
    )
}

pub fn failed(lang: Lang, name: &str, status: u16) -> String {
    say!(
        lang,
        "L'ordre `/{name}` ha fallat (HTTP {status}).",
        "El comando `/{name}` ha fallado (HTTP {status}).",
        "The `/{name}` command failed (HTTP {status}).",
    )
}

pub fn timed_out(lang: Lang, name: &str) -> String {
    say!(
        lang,
        "L'ordre `/{name}` no ha respost a temps.",
        "El comando `/{name}` no ha respondido a tiempo.",
        "The `/{name}` command did not answer in time.",
    )
}

pub fn unreachable(lang: Lang, name: &str) -> String {
    say!(
        lang,
        "No s'ha pogut contactar amb l'ordre `/{name}`.",
        "No se ha podido contactar con el comando `/{name}`.",
        "Could not reach the `/{name}` command.",
    )
}

pub fn not_understood(lang: Lang, name: &str) -> String {
    say!(
        lang,
        "L'ordre `/{name}` ha respost una cosa que no s'entén.",
        "El comando `/{name}` ha respondido algo que no se entiende.",
        "The `/{name}` command answered something that cannot be read.",
    )
}

pub fn nothing_to_post(lang: Lang, name: &str) -> String {
    say!(
        lang,
        "L'ordre `/{name}` no ha retornat res per publicar.",
        "El comando `/{name}` no ha devuelto nada para publicar.",
        "The `/{name}` command returned nothing to post.",
    )
}

pub fn answer_too_long(lang: Lang, name: &str) -> String {
    say!(
        lang,
        "La resposta de `/{name}` és massa llarga.",
        "La respuesta de `/{name}` es demasiado larga.",
        "The answer of `/{name}` is too long.",
    )
}

pub fn takes_no_files(lang: Lang, command: &str) -> String {
    say!(
        lang,
        "L'ordre `/{command}` no admet fitxers.",
        "El comando `/{command}` no admite archivos.",
        "The `/{command}` command takes no files.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_is_translated() {
        let sentences: Vec<fn(Lang) -> String> = vec![
            |l| help_heading(l).into(),
            |l| help_itself(l).into(),
            |l| external_command(l).into(),
            |l| escape_hint(l).into(),
            |l| unknown_command(l, "x"),
            |l| invalid_url(l, "x"),
            |l| host_not_allowed(l, "x", "h"),
            |l| failed(l, "x", 500),
            |l| timed_out(l, "x"),
            |l| unreachable(l, "x"),
            |l| not_understood(l, "x"),
            |l| nothing_to_post(l, "x"),
            |l| answer_too_long(l, "x"),
        ];
        super::super::assert_translated(&sentences);
    }
}
