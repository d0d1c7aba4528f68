//! `/info`: short articles of the support desk's knowledge base (VPN, e-mail, teletreball,
//! impressores, ...), maintained by admins, answered in the caller's UI language when the
//! article has that translation and in Catalan otherwise.

use std::collections::BTreeMap;

use xerrada_protocol::{InfoArticle, SetInfoArticleRequest};

use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::texts::{Lang, desk};
use crate::validate::Name;

pub(crate) const MAX_BODY_CHARS: usize = 4000;

/// An article's language as an admin names it (any case).
fn article_lang(raw: &str) -> AppResult<Lang> {
    let raw = raw.to_ascii_lowercase();
    Lang::ALL
        .into_iter()
        .find(|l| l.as_str() == raw)
        .ok_or_else(|| AppError::Invalid("lang must be one of ca, es, en".into()))
}

/// A topic key: 1-40 ASCII letters, digits, `-` and `_`, kept in lowercase (it is typed
/// after `/info`, and is part of a URL).
fn topic_key(raw: &str) -> AppResult<String> {
    let ok = (1..=40).contains(&raw.len())
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return Err(AppError::Invalid(
            "topic must be 1-40 characters of letters, digits, '-' or '_'".into(),
        ));
    }
    Ok(raw.to_ascii_lowercase())
}

/// Creates or replaces an article in one language (admins; the CLI too).
pub async fn set(
    ctx: &Context,
    author_id: &str,
    topic: &str,
    req: SetInfoArticleRequest,
) -> AppResult<InfoArticle> {
    let topic = topic_key(topic)?;
    let lang = match req.lang.as_deref() {
        Some(raw) => article_lang(raw)?,
        None => ctx.config.default_lang,
    };
    let title = Name::parse(&req.title, "title")?.into_string();
    // The limit counts what was sent, as the OpenAPI document's maxLength does.
    let body = req.body.trim().to_owned();
    if body.is_empty() || req.body.chars().count() > MAX_BODY_CHARS {
        return Err(AppError::Invalid(format!(
            "body must be 1-{MAX_BODY_CHARS} characters"
        )));
    }
    let article = InfoArticle {
        topic,
        lang: lang.as_str().into(),
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
    let lang = lang
        .filter(|l| !l.is_empty())
        .map(article_lang)
        .transpose()?;
    if ctx
        .store
        .remove_article(&topic, lang.map(Lang::as_str))
        .await?
        == 0
    {
        return Err(AppError::NotFound(format!("no article {topic:?}")));
    }
    Ok(())
}

/// The answer of `/info [topic]` in `lang`.
pub async fn answer(ctx: &Context, query: &str, lang: Lang) -> AppResult<String> {
    let fallback = ctx.config.default_lang.as_str();
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
            .find(|a| a.lang == lang.as_str())
            .or_else(|| versions.iter().find(|a| a.lang == fallback))
            .or_else(|| versions.first())
            .cloned()
    };
    let listing = || -> String {
        if topics.is_empty() {
            return desk::info_none(lang).into();
        }
        let lines: Vec<String> = topics
            .iter()
            .filter_map(|(topic, versions)| {
                best(versions).map(|a| format!("- `{topic}`: {}", a.title))
            })
            .collect();
        format!("{}\n{}", desk::info_topics(lang), lines.join("\n"))
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
        return Ok(format!(
            "{}\n\n{}",
            desk::info_unknown(lang, &query),
            listing()
        ));
    }
    let names: Vec<String> = close.iter().map(|t| format!("`/info {t}`")).collect();
    Ok(format!(
        "{} {}",
        desk::info_unknown(lang, &query),
        desk::info_did_you_mean(lang, &names.join(", "))
    ))
}

/// Most articles a new request is offered.
pub const MAX_SUGGESTIONS: usize = 2;

/// The articles that best answer `text`, in `lang` when they have it (else the installation's
/// language, else any), best first, at most [`MAX_SUGGESTIONS`]. A word of the request (four
/// letters or more, folded as search folds it) found in an article's topic or title counts 2,
/// in its body 1; words match on their first five letters, so `impressora` finds
/// `impressores`. An article needs 2 to be offered: one stray word in a long body is not
/// enough.
pub async fn suggestions(ctx: &Context, text: &str, lang: Lang) -> AppResult<Vec<InfoArticle>> {
    let fallback = ctx.config.default_lang.as_str();
    let mut topics: BTreeMap<String, Vec<InfoArticle>> = BTreeMap::new();
    for article in ctx.store.articles().await? {
        topics
            .entry(article.topic.clone())
            .or_default()
            .push(article);
    }
    let mut asked: Vec<String> = crate::search::words(text)
        .into_iter()
        .filter(|w| w.chars().count() >= 4)
        .collect();
    asked.sort();
    asked.dedup();
    let mut scored: Vec<(usize, InfoArticle)> = topics
        .into_values()
        .filter_map(|versions| {
            let article = versions
                .iter()
                .find(|a| a.lang == lang.as_str())
                .or_else(|| versions.iter().find(|a| a.lang == fallback))
                .or_else(|| versions.first())?
                .clone();
            let strong = crate::search::words(&format!("{} {}", article.topic, article.title));
            let weak = crate::search::words(&article.body);
            let score: usize = asked
                .iter()
                .map(|word| {
                    if strong.iter().any(|w| same_word(w, word)) {
                        2
                    } else if weak.iter().any(|w| same_word(w, word)) {
                        1
                    } else {
                        0
                    }
                })
                .sum();
            (score >= 2).then_some((score, article))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.topic.cmp(&b.1.topic)));
    Ok(scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, article)| article)
        .collect())
}

/// Two folded words are the same for suggestions when equal, or when both have five letters
/// or more and their first five agree.
fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let prefix = |w: &str| -> Option<String> {
        (w.chars().count() >= 5).then(|| w.chars().take(5).collect())
    };
    matches!((prefix(a), prefix(b)), (Some(x), Some(y)) if x == y)
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
    fn words_match_on_their_first_five_letters() {
        assert!(same_word("impressora", "impressores"));
        assert!(same_word("vpn", "vpn"));
        assert!(!same_word("vpns", "vpn"));
        assert!(!same_word("correu", "carrer"));
        assert!(same_word("contrasenya", "contrasenyes"));
    }

    #[test]
    fn close_topics_are_a_few_edits_away() {
        assert_eq!(edit_distance("vpn", "vpm"), 1);
        assert_eq!(edit_distance("impressores", "impresores"), 1);
        assert!(edit_distance("correu", "vpn") > 2);
    }
}
