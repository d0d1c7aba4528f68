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

const MAX_BODY_CHARS: usize = 4000;

/// An article's language as an admin names it (any case).
fn article_lang(raw: &str) -> AppResult<Lang> {
    let raw = raw.to_ascii_lowercase();
    Lang::ALL
        .into_iter()
        .find(|l| l.as_str() == raw)
        .ok_or_else(|| AppError::Invalid("lang must be one of ca, es, en".into()))
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
    let lang = match req.lang.as_deref() {
        Some(raw) => article_lang(raw)?,
        None => ctx.config.default_lang,
    };
    let title = Name::parse(&req.title, "title")?.into_string();
    let body = req.body.trim().to_owned();
    if body.is_empty() || body.chars().count() > MAX_BODY_CHARS {
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
    fn close_topics_are_a_few_edits_away() {
        assert_eq!(edit_distance("vpn", "vpm"), 1);
        assert_eq!(edit_distance("impressores", "impresores"), 1);
        assert!(edit_distance("correu", "vpn") > 2);
    }
}
