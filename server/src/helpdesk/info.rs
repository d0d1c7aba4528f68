//! `/info`: short articles of the support desk's knowledge base (VPN, e-mail, teletreball,
//! impressores, ...), maintained by admins, answered in the caller's UI language when the
//! article has that translation and in Catalan otherwise.

use std::collections::BTreeMap;

use xerrada_protocol::{InfoArticle, SetInfoArticleRequest};

use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::validate::Name;

/// Languages of articles; the first is the default.
pub const LANGS: [&str; 3] = ["ca", "es", "en"];
const MAX_BODY_CHARS: usize = 4000;

/// `ca`, `es` or `en` from a UI language or an `Accept-Language` value; Catalan otherwise.
/// (`fr-FR,es;q=0.8` gives `es`: the first supported entry wins.)
pub fn language(raw: Option<&str>) -> &'static str {
    raw.unwrap_or_default()
        .split(',')
        .filter_map(|entry| entry.split([';', '-', '_']).next())
        .map(|tag| tag.trim().to_ascii_lowercase())
        .find_map(|tag| LANGS.iter().copied().find(|l| *l == tag))
        .unwrap_or(LANGS[0])
}

/// A topic key: 1-40 characters of lowercase letters, digits, `-` and `_`.
fn topic_key(raw: &str) -> AppResult<String> {
    let topic = raw.trim().to_lowercase();
    let ok = !topic.is_empty()
        && topic.chars().count() <= 40
        && topic
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return Err(AppError::Invalid(
            "topic must be 1-40 characters of letters, digits, '-' or '_'".into(),
        ));
    }
    Ok(topic)
}

/// Creates or replaces an article in one language (admins; the CLI too).
pub async fn set(
    ctx: &Context,
    author_id: &str,
    topic: &str,
    req: SetInfoArticleRequest,
) -> AppResult<InfoArticle> {
    let topic = topic_key(topic)?;
    let lang = req.lang.as_deref().unwrap_or(LANGS[0]).to_ascii_lowercase();
    if !LANGS.contains(&lang.as_str()) {
        return Err(AppError::Invalid(format!(
            "lang must be one of {}",
            LANGS.join(", ")
        )));
    }
    let title = Name::parse(&req.title, "title")?.into_string();
    let body = req.body.trim().to_owned();
    if body.is_empty() || body.chars().count() > MAX_BODY_CHARS {
        return Err(AppError::Invalid(format!(
            "body must be 1-{MAX_BODY_CHARS} characters"
        )));
    }
    let article = InfoArticle {
        topic,
        lang,
        title,
        body,
        updated_at: ids::now(),
    };
    ctx.store.set_article(article.clone(), author_id).await?;
    Ok(article)
}

pub async fn list(ctx: &Context) -> AppResult<Vec<InfoArticle>> {
    Ok(ctx.store.articles().await?)
}

/// Removes a topic in one language, or in all of them.
pub async fn remove(ctx: &Context, topic: &str, lang: Option<&str>) -> AppResult<()> {
    let topic = topic_key(topic)?;
    let lang = lang.map(str::to_ascii_lowercase).filter(|l| !l.is_empty());
    if let Some(lang) = &lang
        && !LANGS.contains(&lang.as_str())
    {
        return Err(AppError::Invalid(format!(
            "lang must be one of {}",
            LANGS.join(", ")
        )));
    }
    if ctx.store.remove_article(&topic, lang.as_deref()).await? == 0 {
        return Err(AppError::NotFound(format!("no article {topic:?}")));
    }
    Ok(())
}

/// Fixed phrases of the answers, per language.
struct Phrases {
    topics: &'static str,
    none: &'static str,
    unknown: &'static str,
    maybe: &'static str,
}

fn phrases(lang: &str) -> Phrases {
    match lang {
        "es" => Phrases {
            topics: "Temas disponibles (escribe `/info <tema>`):",
            none: "Todavía no hay ningún artículo.",
            unknown: "No hay ningún artículo sobre",
            maybe: "¿Quizás querías decir",
        },
        "en" => Phrases {
            topics: "Available topics (type `/info <topic>`):",
            none: "There are no articles yet.",
            unknown: "There is no article about",
            maybe: "Did you mean",
        },
        _ => Phrases {
            topics: "Temes disponibles (escriu `/info <tema>`):",
            none: "Encara no hi ha cap article.",
            unknown: "No hi ha cap article sobre",
            maybe: "Potser volies dir",
        },
    }
}

/// The answer of `/info [topic]` in `lang`.
pub async fn answer(ctx: &Context, query: &str, lang: &str) -> AppResult<String> {
    let words = phrases(lang);
    let mut topics: BTreeMap<String, Vec<InfoArticle>> = BTreeMap::new();
    for article in ctx.store.articles().await? {
        topics
            .entry(article.topic.clone())
            .or_default()
            .push(article);
    }
    let best = |versions: &[InfoArticle]| -> Option<InfoArticle> {
        versions
            .iter()
            .find(|a| a.lang == lang)
            .or_else(|| versions.iter().find(|a| a.lang == LANGS[0]))
            .or_else(|| versions.first())
            .cloned()
    };
    let listing = || -> String {
        if topics.is_empty() {
            return words.none.into();
        }
        let lines: Vec<String> = topics
            .iter()
            .filter_map(|(topic, versions)| {
                best(versions).map(|a| format!("- `{topic}`: {}", a.title))
            })
            .collect();
        format!("{}\n{}", words.topics, lines.join("\n"))
    };
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return Ok(listing());
    }
    if let Some(article) = topics.get(&query).and_then(|v| best(v)) {
        return Ok(format!("**{}**\n\n{}", article.title, article.body));
    }
    let close: Vec<&String> = topics
        .keys()
        .filter(|topic| {
            topic.contains(&query)
                || query.contains(topic.as_str())
                || edit_distance(topic, &query) <= 2
        })
        .collect();
    if close.is_empty() {
        return Ok(format!("{} «{query}».\n\n{}", words.unknown, listing()));
    }
    let names: Vec<String> = close.iter().map(|t| format!("`/info {t}`")).collect();
    Ok(format!(
        "{} «{query}». {} {}?",
        words.unknown,
        words.maybe,
        names.join(", ")
    ))
}

/// Levenshtein distance over characters (topics are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_fall_back_to_catalan() {
        assert_eq!(language(Some("es-ES,es;q=0.9")), "es");
        assert_eq!(language(Some("en")), "en");
        assert_eq!(language(Some("fr-FR")), "ca");
        assert_eq!(language(Some("fr-FR,es;q=0.8")), "es");
        assert_eq!(language(None), "ca");
    }

    #[test]
    fn close_topics_are_a_few_edits_away() {
        assert_eq!(edit_distance("vpn", "vpm"), 1);
        assert_eq!(edit_distance("impressores", "impresores"), 1);
        assert!(edit_distance("correu", "vpn") > 2);
    }
}
