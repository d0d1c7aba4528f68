//! Mentions: `@username`, `@channel` (also `@canal`, `@all`, `@tots`, `@todos`), `@here` (also
//! `@aquí`, `@aqui`) and `@<department-slug>`, read from a message body and resolved to the
//! members of the channel they name. Text in code (`` `…` `` and fenced blocks) mentions nobody.

use std::collections::BTreeSet;

use crate::context::Context;
use crate::error::AppResult;

/// Different handles looked up per message at most (each is a store read).
const MAX_HANDLES: usize = 50;

const EVERYONE: &[&str] = &["channel", "canal", "all", "tots", "todos"];
const ONLINE: &[&str] = &["here", "aquí", "aqui"];

/// What a body names, before it is resolved against the channel.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Named {
    /// Usernames or department slugs, lowercased, in order of first appearance.
    pub handles: Vec<String>,
    pub everyone: bool,
    pub online: bool,
}

/// The mentions written in `body`.
pub fn parse(body: &str) -> Named {
    let mut named = Named::default();
    for prose in outside_code(body) {
        let mut previous: Option<char> = None;
        for (at, c) in prose.char_indices() {
            let starts = c == '@' && previous.is_none_or(|p| !is_handle_char(p) && p != '@');
            previous = Some(c);
            if !starts {
                continue;
            }
            let rest = &prose[at + 1..];
            let end = rest
                .char_indices()
                .find(|(_, ch)| !is_handle_char(*ch) && *ch != '@')
                .map_or(rest.len(), |(i, _)| i);
            // A sentence's full stop or a comma is not part of the name.
            let handle = rest[..end]
                .trim_end_matches(['.', '-', '_', '@'])
                .to_lowercase();
            if handle.is_empty() {
                continue;
            }
            if EVERYONE.contains(&handle.as_str()) {
                named.everyone = true;
            } else if ONLINE.contains(&handle.as_str()) {
                named.online = true;
            } else if !named.handles.contains(&handle) && named.handles.len() < MAX_HANDLES {
                named.handles.push(handle);
            }
        }
    }
    named
}

fn is_handle_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// The parts of a Markdown body that are not code.
fn outside_code(body: &str) -> Vec<&str> {
    body.split("```")
        .step_by(2)
        .flat_map(|block| block.split('`').step_by(2))
        .collect()
}

/// The members of `channel_id` that `body` mentions, the author left out, sorted.
pub async fn resolve(
    ctx: &Context,
    channel_id: &str,
    author_id: &str,
    body: &str,
) -> AppResult<Vec<String>> {
    let named = parse(body);
    if named == Named::default() {
        return Ok(Vec::new());
    }
    let Some(channel) = ctx.memberships.get(channel_id) else {
        return Ok(Vec::new());
    };
    let mut mentioned = BTreeSet::new();
    if named.everyone {
        mentioned.extend(channel.members.iter().cloned());
    } else if named.online {
        mentioned.extend(
            channel
                .members
                .iter()
                .filter(|m| ctx.hub.is_online(m))
                .cloned(),
        );
    }
    for handle in &named.handles {
        if let Some(found) = ctx.store.credentials_by_username(handle).await? {
            mentioned.insert(found.user.id);
        } else if let Some(department) = ctx.store.department_by_slug(handle).await?
            && let Some(members) = ctx.memberships.get(&department.channel_id)
        {
            mentioned.extend(members.members.iter().cloned());
        }
    }
    mentioned.retain(|id| id != author_id && channel.members.contains(id));
    Ok(mentioned.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handles(body: &str) -> Vec<String> {
        parse(body).handles
    }

    #[test]
    fn names_are_read_where_people_write_them() {
        assert_eq!(handles("@anna mira això"), ["anna"]);
        assert_eq!(handles("Gràcies, @Anna.Puig."), ["anna.puig"]);
        assert_eq!(handles("(@bernat) i @carla, @bernat"), ["bernat", "carla"]);
        assert_eq!(handles("escriu a @urbanisme!"), ["urbanisme"]);
        assert_eq!(
            handles("@anna.puig@ajuntament.cat"),
            ["anna.puig@ajuntament.cat"]
        );
    }

    #[test]
    fn e_mail_addresses_and_code_mention_nobody() {
        assert!(handles("anna@ajuntament.cat").is_empty());
        assert!(handles("`@anna` i ```\n@bernat\n```").is_empty());
        assert_eq!(handles("`codi` @carla `més`"), ["carla"]);
        assert!(handles("@ sol").is_empty());
    }

    #[test]
    fn channel_wide_words_in_every_language() {
        assert!(parse("@canal reunió").everyone);
        assert!(parse("@channel").everyone);
        assert!(parse("Avís @tots.").everyone);
        assert!(parse("@aquí qui hi és?").online);
        assert!(parse("@here").online);
        assert!(!parse("@canalització").everyone);
    }
}
