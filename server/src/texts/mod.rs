//! The server's words for people, in Catalan, Spanish and English: one catalogue.
//!
//! Everything the server itself writes for a person to read (the help desk's cards, the
//! `@suport` bot's direct messages, command answers, the desk's refusals) is a function here
//! that takes a [`Lang`]. Every sentence is a `match` over the three languages, so a missing
//! translation does not compile. The wire keeps only stable names (`in_progress`, `alta`);
//! error *codes* never change with the language, only the `message` people read.
//!
//! Whose language: the caller's, for an answer to what they did (the socket's `lang`, REST's
//! `Accept-Language`); the addressee's, for the bot's direct messages (the language their last
//! socket said, see `services::accounts::language_of`); the installation's `default_lang` for
//! what a whole channel reads (a ticket card) and for anyone whose language is not known.

pub mod commands;
pub mod desk;
pub mod labels;

use serde::Deserialize;

/// A language the server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ca,
    Es,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Ca, Lang::Es, Lang::En];

    /// The tag stored and shown: `ca`, `es` or `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Ca => "ca",
            Lang::Es => "es",
            Lang::En => "en",
        }
    }

    /// The first supported language of a UI language (`es`, `es-ES`) or an `Accept-Language`
    /// value (`fr-FR,es;q=0.8` gives Spanish: the first supported entry wins), if any is.
    pub fn negotiate(raw: &str) -> Option<Lang> {
        raw.split(',')
            .filter_map(|entry| entry.split([';', '-', '_']).next())
            .map(|tag| tag.trim().to_ascii_lowercase())
            .find_map(|tag| Lang::ALL.into_iter().find(|l| l.as_str() == tag))
    }

    /// Picks this language's version of a fixed text.
    pub fn pick(self, [ca, es, en]: [&'static str; 3]) -> &'static str {
        match self {
            Lang::Ca => ca,
            Lang::Es => es,
            Lang::En => en,
        }
    }
}

/// One sentence in the three languages, each a `format!` string that may name the caller's
/// variables: `say!(lang, "Tiquet #{n}", "Ticket #{n}", "Ticket #{n}")`.
macro_rules! say {
    ($lang:expr, $ca:literal, $es:literal, $en:literal $(,)?) => {
        match $lang {
            $crate::texts::Lang::Ca => format!($ca),
            $crate::texts::Lang::Es => format!($es),
            $crate::texts::Lang::En => format!($en),
        }
    };
}
pub(crate) use say;

/// `a, b o c` in the language's way of listing alternatives.
pub fn alternatives(lang: Lang, items: &[&str]) -> String {
    let or = lang.pick(["o", "o", "or"]);
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} {or} {last}", rest.join(", ")),
    }
}

/// Each language has its own words: a sentence left untranslated (copied from another
/// language) shows up as two equal versions.
#[cfg(test)]
fn assert_translated(sentences: &[fn(Lang) -> String]) {
    for (i, sentence) in sentences.iter().enumerate() {
        let [ca, es, en] = Lang::ALL.map(sentence);
        assert!(
            ca != es && es != en && ca != en,
            "sentence {i} is not translated: {ca:?} / {es:?} / {en:?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_negotiated_from_ui_tags_and_accept_language() {
        assert_eq!(Lang::negotiate("es-ES,es;q=0.9"), Some(Lang::Es));
        assert_eq!(Lang::negotiate("en"), Some(Lang::En));
        assert_eq!(Lang::negotiate("CA"), Some(Lang::Ca));
        assert_eq!(Lang::negotiate("fr-FR"), None);
        assert_eq!(Lang::negotiate("fr-FR,es;q=0.8"), Some(Lang::Es));
        assert_eq!(Lang::negotiate(""), None);
    }

    #[test]
    fn alternatives_are_joined_in_each_language() {
        assert_eq!(alternatives(Lang::Ca, &["a", "b", "c"]), "a, b o c");
        assert_eq!(alternatives(Lang::En, &["a", "b"]), "a or b");
        assert_eq!(alternatives(Lang::Es, &["a"]), "a");
    }
}
