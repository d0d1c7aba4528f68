//! The search box's language, and the text rules shared by indexing, searching and
//! highlighting, so that both database backends find the same messages.
//!
//! A query is words (`llicència obres`, all must appear), `"phrases in quotes"`, prefixes
//! (`llic*`) and filters: `in:#canal`, `from:@usuari`, `has:file`, `before:2026-12-01`,
//! `after:2026-11-01`. Case and accents never matter (the databases fold them). What the
//! databases do not know is Catalan's ela geminada: `col·lecció`, `col.lecció` and `colleccio`
//! are one word, so [`index_text`] joins it before a text is indexed and before a query is
//! read. Anything that is not a letter or digit separates words: `l'Ajuntament` is found by
//! `ajuntament`, `d'obres` by `obres`.

/// One thing to find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// Words in this order, next to each other (one typed word may be several: `d'obres`).
    Phrase(Vec<String>),
    /// Words in order, the last one a prefix (`llic*`).
    Prefix(Vec<String>),
}

/// A parsed search box.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
    /// `in:#name`
    pub channel: Option<String>,
    /// `from:@username`
    pub author: Option<String>,
    /// `has:file`
    pub has_file: bool,
    /// `before:YYYY-MM-DD` (messages before that day)
    pub before: Option<String>,
    /// `after:YYYY-MM-DD` (messages after that day)
    pub after: Option<String>,
}

/// Why a query cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("{0:?} is not a date: write dates as YYYY-MM-DD")]
    BadDate(String),
    #[error("unknown filter {0:?}: use in:#channel, from:@user, has:file, before: or after:")]
    UnknownFilter(String),
}

impl Query {
    pub fn parse(input: &str) -> Result<Query, QueryError> {
        let mut query = Query::default();
        let mut rest = input.trim();
        while !rest.is_empty() {
            if let Some(after_quote) = rest.strip_prefix('"') {
                let end = after_quote.find('"').unwrap_or(after_quote.len());
                push(&mut query.terms, &after_quote[..end], false);
                rest = after_quote.get(end + 1..).unwrap_or("").trim_start();
                continue;
            }
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let word = &rest[..end];
            rest = rest[end..].trim_start();
            query.read_word(word)?;
        }
        Ok(query)
    }

    fn read_word(&mut self, word: &str) -> Result<(), QueryError> {
        if let Some((name, value)) = word.split_once(':')
            && !value.is_empty()
            && name.chars().all(|c| c.is_ascii_alphabetic())
        {
            match name.to_ascii_lowercase().as_str() {
                "in" => self.channel = Some(value.trim_start_matches('#').to_owned()),
                "from" => self.author = Some(value.trim_start_matches('@').to_owned()),
                "has" if value.eq_ignore_ascii_case("file") => self.has_file = true,
                "before" => self.before = Some(date(value)?),
                "after" => self.after = Some(date(value)?),
                _ => return Err(QueryError::UnknownFilter(word.to_owned())),
            }
            return Ok(());
        }
        match word.strip_suffix('*') {
            Some(prefix) => push(&mut self.terms, prefix, true),
            None => push(&mut self.terms, word, false),
        }
        Ok(())
    }
}

fn push(terms: &mut Vec<Term>, text: &str, prefix: bool) {
    let words = words(text);
    if words.is_empty() {
        return;
    }
    terms.push(if prefix {
        Term::Prefix(words)
    } else {
        Term::Phrase(words)
    });
}

fn date(value: &str) -> Result<String, QueryError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value, &format)
        .map(|d| d.to_string())
        .map_err(|_| QueryError::BadDate(value.to_owned()))
}

/// The day after `day` (`YYYY-MM-DD`), for `after:` (which means "after that day").
pub fn next_day(day: &str) -> Option<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(day, &format).ok()?;
    date.next_day().map(|d| d.to_string())
}

/// The text a message is indexed as: its body and its files' names, with the ela geminada
/// joined (`col·lecció` and `col.lecció` become `collecció`).
pub fn index_text(body: &str, file_names: &[&str]) -> String {
    let mut text = join_ela_geminada(body);
    for name in file_names {
        text.push('\n');
        text.push_str(&join_ela_geminada(name));
    }
    text
}

/// The word a message's channel is indexed under, beside its text (SQLite's `channel`
/// column): the id's ASCII letters and digits, after a `c` so that it is never empty. Two ids
/// could share a token; it only narrows a search down, and the channel is checked on the row.
pub fn channel_token(channel_id: &str) -> String {
    std::iter::once('c')
        .chain(
            channel_id
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase()),
        )
        .collect()
}

/// `l·l`, `l.l` (and the other middle dots people type) between two `l`s become `ll`.
fn join_ela_geminada(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut previous: Option<char> = None;
    while let Some(c) = chars.next() {
        let between_ls = previous.is_some_and(|p| p.eq_ignore_ascii_case(&'l'))
            && chars.peek().is_some_and(|n| n.eq_ignore_ascii_case(&'l'));
        previous = Some(c);
        if between_ls && matches!(c, '·' | '.' | '•' | '\u{2027}' | '\u{0387}' | '-') {
            continue;
        }
        out.push(c);
    }
    out
}

/// The words of `text`, folded (lowercase, no accents), as both databases index them.
pub fn words(text: &str) -> Vec<String> {
    join_ela_geminada(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fold)
        .collect()
}

/// Lowercase without diacritics: `Política` → `politica`, `cafè` → `cafe`, `Ç` → `c`.
pub fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(without_diacritic)
        .collect()
}

/// `c` (lowercase) without its diacritic.
fn without_diacritic(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// Where the query's words appear in `text`: an excerpt around the first one, HTML-escaped,
/// each found word in `<mark>…</mark>`. `None` when no word of the query is in `text`.
pub fn highlight(text: &str, terms: &[Term]) -> Option<String> {
    let wanted: Vec<(&str, bool)> = terms
        .iter()
        .flat_map(|t| match t {
            Term::Phrase(words) => words
                .iter()
                .map(|w| (w.as_str(), false))
                .collect::<Vec<_>>(),
            Term::Prefix(words) => {
                let last = words.len().saturating_sub(1);
                words
                    .iter()
                    .enumerate()
                    .map(|(i, w)| (w.as_str(), i == last))
                    .collect()
            }
        })
        .collect();
    // Word boundaries of `text`, by char index.
    let chars: Vec<char> = text.chars().collect();
    let mut spans = Vec::new();
    let mut start = None;
    // Each word of the text, folded as `words` folds it (a word here is letters and digits,
    // with `·` inside, which `words` drops), into one buffer: results are highlighted on
    // every search, word by word.
    let mut folded = String::new();
    for (i, c) in chars.iter().chain(std::iter::once(&' ')).enumerate() {
        match (c.is_alphanumeric() || matches!(c, '·'), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                folded.clear();
                folded.extend(
                    chars[s..i]
                        .iter()
                        .filter(|c| c.is_alphanumeric())
                        .flat_map(|c| c.to_lowercase())
                        .map(without_diacritic),
                );
                let found = wanted.iter().any(|(w, prefix)| {
                    if *prefix {
                        folded.starts_with(w)
                    } else {
                        folded == *w
                    }
                });
                if found {
                    spans.push((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    let first = spans.first()?.0;
    const CONTEXT: usize = 60;
    let from = first.saturating_sub(CONTEXT);
    let to = (first + 3 * CONTEXT).min(chars.len());
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let mut at = from;
    for (s, e) in spans.iter().filter(|(s, e)| *s >= from && *e <= to) {
        out.push_str(&escape(&chars[at..*s]));
        out.push_str("<mark>");
        out.push_str(&escape(&chars[*s..*e]));
        out.push_str("</mark>");
        at = *e;
    }
    out.push_str(&escape(&chars[at..to]));
    if to < chars.len() {
        out.push('…');
    }
    Some(out)
}

/// The start of `text`, HTML-escaped like a highlight, for a result found by filters only.
pub fn excerpt(text: &str) -> String {
    const SHOWN: usize = 200;
    let chars: Vec<char> = text.chars().collect();
    let mut out = escape(&chars[..chars.len().min(SHOWN)]);
    if chars.len() > SHOWN {
        out.push('…');
    }
    out
}

fn escape(chars: &[char]) -> String {
    let mut out = String::with_capacity(chars.len());
    for c in chars {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(*other),
        }
    }
    out
}

/// The windows of ids a search walks, newest first, as `(below, above)`: the ids strictly
/// between them, the last window open below. The first is `first_width` ids wide, each next
/// one four times wider; together they cover every id under `start` once. A backend whose
/// index cannot give its matches newest first searches this way (PostgreSQL's GIN), so that a
/// common word fills its page in the first window instead of gathering the whole history.
pub fn id_windows(start: i64, first_width: i64) -> impl Iterator<Item = (i64, Option<i64>)> {
    let mut next = Some((start, first_width));
    std::iter::from_fn(move || {
        let (below, width) = next?;
        // `start` may come from a client's cursor: any i64, so no arithmetic may overflow.
        let floor = below.saturating_sub(width);
        let above = (floor > 1).then(|| floor - 1);
        next = above.map(|floor| (floor + 1, width.saturating_mul(4)));
        Some((below, above))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_token_is_one_word_of_the_id_s_letters_and_digits() {
        assert_eq!(
            channel_token("0193A5e2-7c1b-7d3e-9f00-1a2b3c4d5e6f"),
            "c0193a5e27c1b7d3e9f001a2b3c4d5e6f"
        );
        assert_eq!(channel_token("--"), "c");
    }

    fn phrase(words: &[&str]) -> Term {
        Term::Phrase(words.iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn reads_words_phrases_prefixes_and_filters() {
        let query = Query::parse(
            r#"Llicència "pla d'obres" llic* in:#urbanisme from:@marta has:file before:2026-12-01 after:2026-11-01"#,
        )
        .expect("parses");
        assert_eq!(
            query.terms,
            vec![
                phrase(&["llicencia"]),
                phrase(&["pla", "d", "obres"]),
                Term::Prefix(vec!["llic".into()]),
            ]
        );
        assert_eq!(query.channel.as_deref(), Some("urbanisme"));
        assert_eq!(query.author.as_deref(), Some("marta"));
        assert!(query.has_file);
        assert_eq!(query.before.as_deref(), Some("2026-12-01"));
        assert_eq!(query.after.as_deref(), Some("2026-11-01"));
        assert_eq!(next_day("2026-11-30").as_deref(), Some("2026-12-01"));
        assert!(matches!(
            Query::parse("before:ahir"),
            Err(QueryError::BadDate(_))
        ));
        assert!(matches!(
            Query::parse("color:blau"),
            Err(QueryError::UnknownFilter(_))
        ));
        assert_eq!(
            Query::parse("  \"sense tancar").expect("parses").terms,
            vec![phrase(&["sense", "tancar"])]
        );
        assert_eq!(
            Query::parse("hora: 10:30").expect("parses").terms.len(),
            2,
            "not filters"
        );
    }

    #[test]
    fn catalan_spellings_fold_to_one_word() {
        for typed in [
            "col·lecció",
            "col.lecció",
            "colleccio",
            "COL·LECCIÓ",
            "col•lecció",
        ] {
            assert_eq!(words(typed), ["colleccio"], "{typed}");
        }
        assert_eq!(words("l'Ajuntament"), ["l", "ajuntament"]);
        assert_eq!(words("d’obres"), ["d", "obres"]);
        assert_eq!(
            words("Política, cafè i SEGURETAT"),
            ["politica", "cafe", "i", "seguretat"]
        );
        assert_eq!(
            index_text("La col·lecció", &["plànol.pdf"]),
            "La collecció\nplànol.pdf"
        );
        assert_eq!(
            index_text("a.l.b 3.1", &[]),
            "a.l.b 3.1",
            "only between two ls"
        );
    }

    #[test]
    fn highlights_found_words_and_escapes_the_rest() {
        let terms = Query::parse("politica llic*").expect("parses").terms;
        assert_eq!(
            highlight("La <b>Política</b> de llicències & més", &terms).as_deref(),
            Some(
                "La &lt;b&gt;<mark>Política</mark>&lt;/b&gt; de <mark>llicències</mark> &amp; més"
            )
        );
        assert_eq!(highlight("res a veure", &terms), None);
        let long = format!("{} clau {}", "x ".repeat(100), "y ".repeat(200));
        let excerpt = highlight(&long, &Query::parse("clau").expect("q").terms).expect("found");
        assert!(
            excerpt.starts_with('…')
                && excerpt.ends_with('…')
                && excerpt.contains("<mark>clau</mark>")
        );
        assert_eq!(
            highlight(
                "La col·lecció",
                &Query::parse("colleccio").expect("q").terms
            )
            .as_deref(),
            Some("La <mark>col·lecció</mark>")
        );
        assert_eq!(
            highlight(
                "LA FAÇANA del Carrer",
                &Query::parse("\"facana del\" carrer").expect("q").terms
            )
            .as_deref(),
            Some("LA <mark>FAÇANA</mark> <mark>del</mark> <mark>Carrer</mark>")
        );
    }

    #[test]
    fn windows_cover_every_id_once_newest_first_and_widen() {
        for (start, width) in [(1001, 10), (101, 100), (100, 1000), (2, 1), (1, 5)] {
            let all: Vec<(i64, Option<i64>)> = id_windows(start, width).collect();
            let mut seen = Vec::new();
            for (below, above) in &all {
                let floor = above.unwrap_or(0);
                seen.extend((floor + 1..*below).rev());
            }
            let expected: Vec<i64> = (1..start).rev().collect();
            assert_eq!(seen, expected, "start {start}, width {width}: {all:?}");
            assert_eq!(
                all.last().map(|w| w.1),
                Some(None),
                "the last is open below"
            );
        }
        let widths: Vec<i64> = id_windows(1_000_001, 20_000)
            .filter_map(|(below, above)| above.map(|a| below - a - 1))
            .collect();
        assert_eq!(widths, [20_000, 80_000, 320_000]);

        // A cursor is the client's: the extremes give one window open below, and no overflow.
        for start in [i64::MIN, -1, 0] {
            assert_eq!(
                id_windows(start, 20_000).collect::<Vec<_>>(),
                [(start, None)]
            );
        }
        let huge: Vec<_> = id_windows(i64::MAX, i64::MAX / 2).collect();
        assert!(huge.len() <= 3, "{huge:?}");
        assert_eq!(huge.last().map(|w| w.1), Some(None));
    }
}
