//! Parse, don't validate: values that can only hold what the contract allows, built at the
//! edge from client input. Services take these types and never re-check them.

use xerrada_protocol::limits;

use crate::error::AppError;

/// A login name: 1-80 characters (the contract's name limit) of ASCII letters, digits and
/// `.`, `_`, `-`, `@`, `+`, so that e-mail addresses work as usernames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let ok_chars = raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+'));
        if raw.is_empty() || raw.len() > limits::MAX_NAME_CHARS || !ok_chars {
            return Err(AppError::Invalid(format!(
                "username must be 1-{} characters of letters, digits, '.', '_', '-', '@' or '+'",
                limits::MAX_NAME_CHARS
            )));
        }
        Ok(Username(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A human-readable name (display name, channel or department name): 1-80 Unicode characters,
/// not only whitespace, in NFC, with nothing a reader cannot see.
///
/// A name is how people tell each other apart, so it must look like what it is: no control
/// characters, no invisible ones (a name of U+200B or U+3164 alone looks empty, and one
/// appended to "Administrador" makes a second "Administrador"), and no bidirectional
/// overrides (U+202E shows text backwards). Composed and decomposed accents are made one
/// (NFC), so "Mònica" typed on two keyboards is the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub fn parse(raw: &str, what: &str) -> Result<Self, AppError> {
        use unicode_normalization::UnicodeNormalization;
        let name: String = raw.nfc().collect();
        let chars = name.chars().count();
        if name.trim().is_empty() || chars > limits::MAX_NAME_CHARS {
            return Err(AppError::Invalid(format!(
                "{what} must be 1-{} characters and not only whitespace",
                limits::MAX_NAME_CHARS
            )));
        }
        if name.chars().any(char::is_control) {
            return Err(AppError::Invalid(format!(
                "{what} must not contain control characters"
            )));
        }
        if let Some(hidden) = hidden_character(&name) {
            return Err(AppError::Invalid(format!(
                "{what} must not contain invisible or text-direction characters (U+{:04X})",
                u32::from(hidden)
            )));
        }
        Ok(Name(name))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The first character of `name` that a reader would not see, or that reorders the text
/// around it: Unicode's format characters (zero-width spaces and joiners, bidi embeddings,
/// overrides and isolates, the soft hyphen, tags) and the blank letters (Hangul fillers,
/// the blank Braille pattern). A zero-width joiner between two symbols is kept: it builds
/// emoji such as 👩‍💻.
fn hidden_character(name: &str) -> Option<char> {
    let chars: Vec<char> = name.chars().collect();
    let symbol = |c: Option<&char>| {
        c.is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace() && !c.is_ascii())
    };
    chars.iter().enumerate().find_map(|(i, &c)| {
        let joins_emoji =
            c == '\u{200D}' && i > 0 && symbol(chars.get(i - 1)) && symbol(chars.get(i + 1));
        (is_hidden(c) && !joins_emoji).then_some(c)
    })
}

fn is_hidden(c: char) -> bool {
    let c = u32::from(c);
    HIDDEN_CHARACTERS
        .iter()
        .any(|&(first, last)| (first..=last).contains(&c))
}

/// The characters [`hidden_character`] refuses, as inclusive ranges of code points (the
/// OpenAPI document's name pattern leaves them out too).
pub const HIDDEN_CHARACTERS: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x08E2, 0x08E2),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
];

/// A department slug: 1-80 characters of ASCII letters, digits, `-` and `_`, kept as given
/// (it names the department's channel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let ok = !raw.is_empty()
            && raw.len() <= limits::MAX_NAME_CHARS
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(AppError::Invalid(format!(
                "slug must be 1-{} characters of letters, digits, '-' or '_'",
                limits::MAX_NAME_CHARS
            )));
        }
        Ok(Slug(raw.to_owned()))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// What every input carrying a U+0000 (NUL) character is told. PostgreSQL text cannot hold
/// NUL, and a NUL in a name or message is never intended; refusing it everywhere, before any
/// store sees it, keeps both backends identical.
pub const NUL_REFUSED: &str = "text must not contain the NUL character (U+0000)";

/// Refuses a JSON document with a `\u0000` escape in any string (a raw NUL byte is not valid
/// JSON, so the parser refuses that itself).
pub fn refuse_nul_in_json(json: &[u8]) -> Result<(), AppError> {
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\' {
            if json.get(i + 1) == Some(&b'u') && json.get(i + 2..i + 6) == Some(b"0000") {
                return Err(AppError::Invalid(NUL_REFUSED.into()));
            }
            // Skip the escaped character, so `\\u0000` (a backslash, then "u0000") passes.
            i += 2;
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// Refuses a URL path or query whose percent-decoding would hold NUL (`%00`).
pub fn refuse_nul_in_url(raw: &str) -> Result<(), AppError> {
    if raw.as_bytes().windows(3).any(|w| w == b"%00") {
        return Err(AppError::Invalid(NUL_REFUSED.into()));
    }
    Ok(())
}

/// A message body: 1..=max bytes of UTF-8, not only whitespace, stored exactly as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageBody(String);

impl MessageBody {
    pub fn parse(raw: String, max_bytes: usize) -> Result<Self, AppError> {
        if raw.len() > max_bytes {
            return Err(AppError::TooLarge(format!(
                "message body is {} bytes; the limit is {max_bytes}",
                raw.len()
            )));
        }
        if raw.trim().is_empty() {
            return Err(AppError::Invalid(
                "message body must not be empty or only whitespace".into(),
            ));
        }
        Ok(MessageBody(raw))
    }

    /// The text beside files: like a body, but it may be empty (it is then stored empty).
    pub fn parse_caption(raw: String, max_bytes: usize) -> Result<Self, AppError> {
        if raw.trim().is_empty() && raw.len() <= max_bytes {
            return Ok(MessageBody(String::new()));
        }
        Self::parse(raw, max_bytes)
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A client's idempotency key for a send: 1-128 bytes, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMsgId(String);

impl ClientMsgId {
    pub fn parse(raw: String) -> Result<Self, AppError> {
        if raw.is_empty()
            || raw.len() > limits::MAX_CLIENT_MSG_ID_BYTES
            || raw.chars().any(char::is_control)
        {
            return Err(AppError::Invalid(format!(
                "client_msg_id must be 1-{} bytes without control characters",
                limits::MAX_CLIENT_MSG_ID_BYTES
            )));
        }
        Ok(ClientMsgId(raw))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A password: 8-1024 bytes (the upper bound keeps hashing cost bounded).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        if raw.chars().count() < 8 || raw.len() > 1024 {
            return Err(AppError::Invalid(
                "password must be at least 8 characters (and at most 1024 bytes)".into(),
            ));
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A reaction's emoji, in its Unicode form: a client sends a Unicode emoji (any skin tone; the
/// variation selector may be left out) or a `:shortcode:` of GitHub's gemoji set, such as
/// `:thumbsup:` or `:+1:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emoji(String);

impl Emoji {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let found = match raw.strip_prefix(':').and_then(|r| r.strip_suffix(':')) {
            Some(shortcode) => emojis::get_by_shortcode(shortcode),
            None => emojis::get(raw).or_else(|| emojis::get(&format!("{raw}\u{fe0f}"))),
        };
        found.map(|e| Emoji(e.as_str().to_owned())).ok_or_else(|| {
            AppError::Invalid(format!(
                "{raw:?} is not an emoji: send a Unicode emoji or a :shortcode: such as :thumbsup:"
            ))
        })
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A profile's status: at most 100 characters, no control characters; kept trimmed, and
/// empty to clear it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusText(String);

impl StatusText {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: String) -> Result<Self, AppError> {
        let text = raw.trim();
        if text.chars().count() > Self::MAX_CHARS || text.chars().any(char::is_control) {
            return Err(AppError::Invalid(format!(
                "status_text must be at most {} characters, without control characters",
                Self::MAX_CHARS
            )));
        }
        Ok(StatusText(text.to_owned()))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An IANA time zone name as browsers report it (`Europe/Madrid`, `America/Argentina/Cordoba`,
/// `UTC`), or empty to clear it. Checked for shape only: the server keeps no zone database,
/// and clients that cannot use a name show no local time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZone(String);

impl TimeZone {
    pub fn parse(raw: String) -> Result<Self, AppError> {
        let shaped = raw.len() <= 64
            && raw.split('/').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
            })
            && raw.starts_with(|c: char| c.is_ascii_alphabetic());
        if !raw.is_empty() && !shaped {
            return Err(AppError::Invalid(format!(
                "timezone must be an IANA name such as Europe/Madrid, not {raw:?}"
            )));
        }
        Ok(TimeZone(raw))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An e-mail address as people write it: one `@` between a local part and a dotted domain, no
/// spaces or control characters, at most 254 bytes; `""` for none. Not proven to exist: no
/// message ever leaves the server to check it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(Email(String::new()));
        }
        let shaped = raw.len() <= 254
            && !raw.chars().any(|c| c.is_whitespace() || c.is_control())
            && raw.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && domain.split('.').all(|label| !label.is_empty())
            });
        if !shaped {
            return Err(AppError::Invalid(format!(
                "email must look like name@example.org, not {raw:?}"
            )));
        }
        Ok(Email(raw.to_owned()))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_kept_byte_for_byte_within_the_limit() {
        let body = "  hola\n'; DROP TABLE events; -- ñ 🎉 ".to_string();
        assert_eq!(
            MessageBody::parse(body.clone(), 16_384)
                .expect("valid")
                .into_string(),
            body
        );
        assert!(matches!(
            MessageBody::parse("x".repeat(16_385), 16_384),
            Err(AppError::TooLarge(_))
        ));
        assert!(MessageBody::parse("x".repeat(16_384), 16_384).is_ok());
        assert!(matches!(
            MessageBody::parse(" \n\t\u{3000}".into(), 16_384),
            Err(AppError::Invalid(_))
        ));
    }

    #[test]
    fn nul_is_found_in_json_strings_and_urls_but_not_in_an_escaped_backslash() {
        assert!(refuse_nul_in_json(br#"{"body":"a\u0000b"}"#).is_err());
        assert!(refuse_nul_in_json(br#"{"body":"\\u0000"}"#).is_ok());
        assert!(refuse_nul_in_json(br#"{"body":"\\\u0000"}"#).is_err());
        assert!(refuse_nul_in_json(br#"{"body":"\u00001"}"#).is_err());
        assert!(refuse_nul_in_json(br#"{"body":"\u0001 ok"}"#).is_ok());
        assert!(refuse_nul_in_url("/api/v1/users/a%00b").is_err());
        assert!(refuse_nul_in_url("/api/v1/users?q=%2500").is_ok());
    }

    #[test]
    fn names_count_unicode_characters() {
        assert!(Name::parse(&"à".repeat(80), "name").is_ok());
        assert!(Name::parse(&"à".repeat(81), "name").is_err());
        assert!(Name::parse("   ", "name").is_err());
    }

    #[test]
    fn names_refuse_what_cannot_be_seen_and_are_made_nfc() {
        for hidden in [
            "\u{200B}",
            "\u{3164}",
            "\u{3164}\u{3164}",
            "Administrador\u{200B}",
            "\u{202E}rodartsinimdA",
            "Ada\u{2066}x\u{2069}",
            "Ada\u{00AD}",
            "Ada\u{FEFF}",
            "\u{2800}",
            "Ada\u{200D}Lovelace",
            "Ada\u{E0041}",
        ] {
            let refused = Name::parse(hidden, "display_name");
            assert!(refused.is_err(), "{hidden:?} was accepted");
        }
        for seen in [
            "Mònica Puig",
            "Jordi 👩\u{200D}💻",
            "Núria ❤\u{FE0F}",
            "Ταυτότητα",
            "محمد",
            "Fran O'Neill-García",
        ] {
            assert!(
                Name::parse(seen, "display_name").is_ok(),
                "{seen:?} was refused"
            );
        }
        let decomposed = "Mo\u{0300}nica";
        let name = Name::parse(decomposed, "display_name").expect("valid");
        assert_eq!(name.into_string(), "Mònica", "stored composed");
    }

    #[test]
    fn usernames_and_slugs_are_restricted() {
        assert!(Username::parse("anna.puig").is_ok());
        assert!(Username::parse("anna.puig@ajuntament.cat").is_ok());
        assert!(Username::parse(&"a".repeat(80)).is_ok());
        assert!(Username::parse(&"a".repeat(81)).is_err());
        assert!(Username::parse("anna puig").is_err());
        assert!(Username::parse("").is_err());
        assert!(Slug::parse("urbanisme").is_ok());
        assert!(Slug::parse("serveis-socials_2").is_ok());
        assert!(Slug::parse("serveis socials").is_err());
    }

    #[test]
    fn emoji_are_read_in_unicode_or_as_shortcodes() {
        let read = |raw: &str| Emoji::parse(raw).map(Emoji::into_string).ok();
        assert_eq!(read("👍").as_deref(), Some("👍"));
        assert_eq!(read(":thumbsup:").as_deref(), Some("👍"));
        assert_eq!(read(":+1:").as_deref(), Some("👍"));
        assert_eq!(read("👍🏽").as_deref(), Some("👍🏽"));
        assert_eq!(read("❤").as_deref(), Some("❤️"));
        assert_eq!(read(":tada:").as_deref(), Some("🎉"));
        for bad in ["", "a", ":nope:", "👍👍", "thumbsup", "<script>"] {
            assert!(read(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn profile_texts_are_short_and_zones_are_shaped_like_iana_names() {
        assert!(StatusText::parse("De vacances fins dilluns 🌴".into()).is_ok());
        assert!(StatusText::parse("x".repeat(101)).is_err());
        assert!(StatusText::parse("a\u{7}b".into()).is_err());
        for zone in [
            "Europe/Madrid",
            "America/Argentina/Cordoba",
            "UTC",
            "Etc/GMT+1",
            "",
        ] {
            assert!(TimeZone::parse(zone.into()).is_ok(), "{zone}");
        }
        for zone in ["Europe/", "/Madrid", "Europe Madrid", "1/2", "<script>"] {
            assert!(TimeZone::parse(zone.into()).is_err(), "{zone}");
        }
    }
}
