//! What the server checks of text, written into the document's schemas, so that a client (or
//! a fuzzer) that follows the document sends what the server accepts. Each rule mirrors a
//! type of `validate.rs`; the tests below check each pattern against the parser it mirrors.
//!
//! JSON Schema counts characters, the server some limits in bytes: a byte limit is written
//! as the number of characters that can never exceed it (four bytes each). Patterns write
//! the Basic Multilingual Plane as `\uXXXX` escapes and the planes past it (emoji) as the
//! characters themselves, which ECMA-262 (with its `u` flag), Python and Rust all read.

use serde_json::{Map, Value, json};
use xerrada_protocol::limits;

use crate::helpdesk::MAX_DESCRIPTION_CHARS;
use crate::helpdesk::info::MAX_BODY_CHARS as MAX_ARTICLE_CHARS;
use crate::services::bots::MAX_LABEL_CHARS;
use crate::services::channels::{MAX_DM_OTHERS, MAX_TOPIC_CHARS};
use crate::validate::{HIDDEN_CHARACTERS, StatusText};

/// Every text the server reads refuses U+0000 (`validate::NUL_REFUSED`).
const NO_NUL: &str = "^[^\\u0000]*$";

#[derive(Clone, Copy, Debug)]
enum Rule {
    Username,
    Slug,
    Name,
    Password,
    /// A password, or `""` for "make one".
    PasswordOrEmpty,
    Body,
    ClientMsgId,
    StatusText,
    ShortText,
    CommandName,
    TimeZone,
    /// Text that is trimmed, then not empty, of at most this many characters as sent.
    Trimmed(usize),
    Lang,
    Label,
    Email,
    /// An integer of at least this value.
    AtLeast(i64),
    /// A list of at most this many items.
    AtMostItems(usize),
}

/// Which request field follows which rule: `(schema, property, rule)`.
const FIELDS: &[(&str, &str, Rule)] = &[
    ("CreateUserRequest", "username", Rule::Username),
    ("CreateUserRequest", "display_name", Rule::Name),
    ("CreateUserRequest", "password", Rule::PasswordOrEmpty),
    ("UpdateUserRequest", "display_name", Rule::Name),
    ("UpdateUserRequest", "password", Rule::Password),
    ("UpdateUserRequest", "status_text", Rule::StatusText),
    ("UpdateUserRequest", "timezone", Rule::TimeZone),
    ("ResetPasswordRequest", "password", Rule::PasswordOrEmpty),
    (
        "CreateDmRequest",
        "user_ids",
        Rule::AtMostItems(MAX_DM_OTHERS),
    ),
    ("CreateBotRequest", "username", Rule::Username),
    ("CreateBotRequest", "display_name", Rule::Name),
    ("CreateDepartmentRequest", "slug", Rule::Slug),
    ("CreateDepartmentRequest", "name", Rule::Name),
    ("RenameDepartmentRequest", "name", Rule::Name),
    ("CreateChannelRequest", "name", Rule::Name),
    ("CreateChannelRequest", "topic", Rule::ShortText),
    ("UpdateChannelRequest", "name", Rule::Name),
    ("UpdateChannelRequest", "topic", Rule::ShortText),
    ("UpdateChannelRequest", "purpose", Rule::ShortText),
    ("SendMessageRequest", "body", Rule::Body),
    ("SendMessageRequest", "client_msg_id", Rule::ClientMsgId),
    ("EditMessageRequest", "body", Rule::Body),
    ("WebhookRequest", "name", Rule::Name),
    ("SetInfoArticleRequest", "title", Rule::Name),
    ("CreateCommandRequest", "name", Rule::CommandName),
    (
        "OpenTicketRequest",
        "description",
        Rule::Trimmed(MAX_DESCRIPTION_CHARS),
    ),
    ("SetInfoArticleRequest", "lang", Rule::Lang),
    (
        "SetInfoArticleRequest",
        "body",
        Rule::Trimmed(MAX_ARTICLE_CHARS),
    ),
    ("CreateBotTokenRequest", "label", Rule::Label),
    ("CreateUserRequest", "email", Rule::Email),
    ("UpdateUserRequest", "email", Rule::Email),
    ("SendMessageRequest", "thread_root", Rule::AtLeast(1)),
    ("MarkUnreadRequest", "seq", Rule::AtLeast(1)),
    ("ThreadReadRequest", "seq", Rule::AtLeast(0)),
];

impl Rule {
    /// The JSON Schema keywords of the rule.
    fn keywords(self) -> Map<String, Value> {
        let mut keywords = Map::new();
        match self {
            Rule::AtLeast(minimum) => {
                keywords.insert("minimum".into(), json!(minimum));
                return keywords;
            }
            Rule::AtMostItems(items) => {
                keywords.insert("maxItems".into(), json!(items));
                return keywords;
            }
            _ => {}
        }
        let (pattern, min, max) = self.constraint();
        keywords.insert("pattern".into(), json!(pattern));
        if min > 0 {
            keywords.insert("minLength".into(), json!(min));
        }
        keywords.insert("maxLength".into(), json!(max));
        keywords
    }

    /// `(pattern, minLength, maxLength)` of a text rule. Each pattern bounds its own length
    /// (`{m,n}`): a generator then never makes strings only to throw them away, which made
    /// a fuzzer's run minutes long.
    fn constraint(self) -> (String, usize, usize) {
        let name_chars = limits::MAX_NAME_CHARS;
        let bounded =
            |class: &str, min: usize, max: usize| (format!("^{class}{{{min},{max}}}$"), min, max);
        match self {
            Rule::Username => bounded("[A-Za-z0-9._@+-]", 1, name_chars),
            Rule::Slug => bounded("[A-Za-z0-9_-]", 1, name_chars),
            Rule::CommandName => bounded("[A-Za-z0-9_-]", 1, 32),
            Rule::Name => has_visible(&[CONTROLS, HIDDEN_CHARACTERS], name_chars),
            // At least 8 characters, at most 1,024 bytes.
            Rule::Password => bounded(&outside(&[NUL]), 8, 1024),
            // Not only whitespace, at most `limits::MAX_BODY_BYTES` bytes.
            Rule::Body => has_visible(&[NUL], limits::MAX_BODY_BYTES),
            Rule::ClientMsgId => bounded(&outside(&[CONTROLS]), 1, limits::MAX_CLIENT_MSG_ID_BYTES),
            Rule::StatusText => bounded(&outside(&[CONTROLS]), 0, StatusText::MAX_CHARS),
            Rule::ShortText => bounded(&outside(&[CONTROLS_BUT_NEWLINE]), 0, MAX_TOPIC_CHARS),
            Rule::TimeZone => (
                "^([A-Za-z][A-Za-z0-9_+-]{0,20}(/[A-Za-z0-9_+-]{1,20}){0,2})?$".into(),
                0,
                64,
            ),
            Rule::Trimmed(max) => has_visible(&[NUL], max),
            Rule::Lang => ("^([cC][aA]|[eE][sS]|[eE][nN])$".into(), 2, 2),
            Rule::Label => bounded(&outside(&[CONTROLS]), 0, MAX_LABEL_CHARS),
            Rule::Email => {
                // `validate::Email`: empty, or local@domain.tld without whitespace or
                // controls, around whitespace that is trimmed.
                let local = outside(&[CONTROLS, WHITESPACE, &[(0x40, 0x40)]]);
                let label = outside(&[CONTROLS, WHITESPACE, &[(0x2E, 0x2E), (0x40, 0x40)]]);
                let space = inside(WHITESPACE);
                (
                    format!(
                        "^{space}{{0,2}}({local}{{1,64}}@{label}{{1,60}}(\\.{label}{{1,60}}){{1,2}})?{space}{{0,2}}$"
                    ),
                    0,
                    254,
                )
            }
            Rule::PasswordOrEmpty => (format!("^({}{{8,1024}})?$", outside(&[NUL])), 0, 1024),
            Rule::AtLeast(_) | Rule::AtMostItems(_) => (String::new(), 0, 0),
        }
    }
}

/// Text of 1 to `max` characters outside `excluded`, not only whitespace: whitespace, then
/// one character that is not, then anything. Byte limits are written as that many
/// characters: the strings a fuzzer tries at a boundary are ASCII.
fn has_visible(excluded: &[&[(u32, u32)]], max: usize) -> (String, usize, usize) {
    let mut not_whitespace = excluded.to_vec();
    not_whitespace.push(WHITESPACE);
    let leading: Vec<(u32, u32)> = WHITESPACE
        .iter()
        .copied()
        .filter(|&(first, _)| !excluded.iter().any(|ranges| contains(ranges, first)))
        .collect();
    (
        format!(
            "^{}{{0,{rest}}}{}{}{{0,{rest}}}$",
            inside(&leading),
            outside(&not_whitespace),
            outside(excluded),
            rest = max - 1
        ),
        1,
        max,
    )
}

fn contains(ranges: &[(u32, u32)], code: u32) -> bool {
    ranges
        .iter()
        .any(|&(first, last)| (first..=last).contains(&code))
}

const NUL: &[(u32, u32)] = &[(0x00, 0x00)];
/// C0 and C1 control characters (`char::is_control`).
const CONTROLS: &[(u32, u32)] = &[(0x00, 0x1F), (0x7F, 0x9F)];
const CONTROLS_BUT_NEWLINE: &[(u32, u32)] = &[(0x00, 0x09), (0x0B, 0x1F), (0x7F, 0x9F)];
/// What `str::trim` removes (Unicode's White_Space); none of its ranges straddles a
/// control range.
const WHITESPACE: &[(u32, u32)] = &[
    (0x09, 0x0D),
    (0x20, 0x20),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
];

/// A character class of the `ranges`.
fn inside(ranges: &[(u32, u32)]) -> String {
    let mut out = String::from("[");
    for &(first, last) in ranges {
        out.push_str(&character(first));
        if first != last {
            out.push('-');
            out.push_str(&character(last));
        }
    }
    out.push(']');
    out
}

/// A character class of everything outside the `excluded` ranges. A negated class: a
/// generator draws from it at once, where a class listing the allowed ranges of all planes
/// took it a tenth of a second per string.
fn outside(excluded: &[&[(u32, u32)]]) -> String {
    let mut ranges: Vec<(u32, u32)> = excluded.iter().flat_map(|r| r.iter().copied()).collect();
    ranges.sort_unstable();
    let mut out = String::from("[^");
    for (first, last) in ranges {
        out.push_str(&character(first));
        if first != last {
            out.push('-');
            out.push_str(&character(last));
        }
    }
    out.push(']');
    out
}

/// `\uXXXX` in the Basic Multilingual Plane, the character itself past it.
fn character(code: u32) -> String {
    match char::from_u32(code) {
        Some(c) if code > 0xFFFF => c.to_string(),
        _ => format!("\\u{code:04X}"),
    }
}

/// Writes the rules into the document (as JSON), and refuses NUL in every other text.
pub fn apply(document: &mut Value) {
    if let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for &(schema, property, rule) in FIELDS {
            let Some(field) = schemas
                .get_mut(schema)
                .and_then(|s| s.pointer_mut(&format!("/properties/{property}")))
                .and_then(Value::as_object_mut)
            else {
                // A renamed field must not lose its rule quietly: every test that starts a
                // debug server stops here.
                debug_assert!(false, "{schema}.{property} is not in the OpenAPI document");
                tracing::error!(
                    schema,
                    property,
                    "a text rule names no field of the document"
                );
                continue;
            };
            field.extend(rule.keywords());
        }
    }
    refuse_nul(document);
    if let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.insert(JSON_WITHOUT_NUL.into(), json_without_nul());
    }
}

/// The component any JSON without NUL matches: what an object's unnamed members may hold.
const JSON_WITHOUT_NUL: &str = "JsonWithoutNul";

fn json_without_nul() -> Value {
    let itself = json!({"$ref": format!("#/components/schemas/{JSON_WITHOUT_NUL}")});
    json!({
        "description": "Any JSON value without the NUL character, in keys or in text.",
        "anyOf": [
            {"type": ["null", "boolean", "number"]},
            {"type": "string", "pattern": NO_NUL},
            {"type": "array", "items": itself},
            {
                "type": "object",
                "propertyNames": {"pattern": NO_NUL},
                "additionalProperties": itself,
            },
        ],
    })
}

/// Adds [`NO_NUL`] to every text schema that has no pattern, format or fixed values, and to
/// the property names of every object: the server refuses NUL anywhere in a JSON body
/// (`validate::refuse_nul_in_json`). Form and multipart bodies are read apart, and are left
/// as they are.
fn refuse_nul(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if is_free_text(object) {
                object.insert("pattern".into(), json!(NO_NUL));
            }
            if object.get("type").is_some_and(|t| t == "object") {
                object
                    .entry("propertyNames")
                    .or_insert_with(|| json!({"pattern": NO_NUL}));
                // Members a type does not name are read past, but their text is checked too.
                object.entry("additionalProperties").or_insert_with(
                    || json!({"$ref": format!("#/components/schemas/{JSON_WITHOUT_NUL}")}),
                );
            }
            for (key, child) in object.iter_mut() {
                if !matches!(
                    key.as_str(),
                    "propertyNames" | "application/x-www-form-urlencoded" | "multipart/form-data"
                ) {
                    refuse_nul(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(refuse_nul),
        _ => {}
    }
}

fn is_free_text(object: &Map<String, Value>) -> bool {
    let text = match object.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
        _ => false,
    };
    text && !["pattern", "format", "enum", "const"]
        .iter()
        .any(|key| object.contains_key(*key))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::validate;

    /// Every character a name's pattern leaves out is one `validate::Name` refuses, and
    /// every other one it accepts.
    #[test]
    fn the_name_class_leaves_out_exactly_what_names_refuse() {
        let excluded = [CONTROLS, HIDDEN_CHARACTERS];
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let accepted = validate::Name::parse(&format!("a{c}"), "name").is_ok();
            let left_out = excluded.iter().any(|ranges| contains(ranges, u32::from(c)));
            assert_eq!(
                left_out,
                !accepted,
                "U+{:04X}: pattern and parser disagree",
                u32::from(c)
            );
        }
    }

    /// The server's limits in bytes, which the document writes as that many characters.
    fn byte_limit(rule: Rule) -> usize {
        match rule {
            Rule::Body => limits::MAX_BODY_BYTES,
            Rule::ClientMsgId => limits::MAX_CLIENT_MSG_ID_BYTES,
            Rule::Password | Rule::PasswordOrEmpty => 1024,
            Rule::Email => 254,
            _ => usize::MAX,
        }
    }

    /// Strings of the rule's pattern and lengths, within the server's byte limit.
    fn strategy(rule: Rule) -> impl Strategy<Value = String> {
        let (pattern, min, max) = rule.constraint();
        let bytes = byte_limit(rule);
        // Every pattern is anchored at both ends, which proptest's generator does not read.
        let unanchored = pattern
            .strip_prefix('^')
            .and_then(|p| p.strip_suffix('$'))
            .expect("an anchored pattern");
        proptest::string::string_regex(unanchored)
            .expect("a pattern proptest reads")
            .prop_filter("within the lengths", move |s| {
                (min..=max).contains(&s.chars().count()) && s.len() <= bytes
            })
    }

    /// A failing string's length and start: the whole of a 16 KiB body is no help.
    fn short(text: &str) -> String {
        let start: String = text.chars().take(40).collect();
        format!("{} bytes, starting {start:?}", text.len())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn names_that_follow_the_pattern_are_accepted(name in strategy(Rule::Name)) {
            prop_assert!(validate::Name::parse(&name, "name").is_ok(), "{}", short(&name));
        }

        #[test]
        fn usernames_that_follow_the_pattern_are_accepted(name in strategy(Rule::Username)) {
            prop_assert!(validate::Username::parse(&name).is_ok(), "{name:?}");
        }

        #[test]
        fn slugs_that_follow_the_pattern_are_accepted(slug in strategy(Rule::Slug)) {
            prop_assert!(validate::Slug::parse(&slug).is_ok(), "{slug:?}");
        }

        #[test]
        fn bodies_that_follow_the_pattern_are_accepted(body in strategy(Rule::Body)) {
            prop_assert!(
                validate::MessageBody::parse(body.clone(), limits::MAX_BODY_BYTES).is_ok(),
                "{}",
                short(&body)
            );
        }

        #[test]
        fn client_msg_ids_that_follow_the_pattern_are_accepted(id in strategy(Rule::ClientMsgId)) {
            prop_assert!(validate::ClientMsgId::parse(id.clone()).is_ok(), "{}", short(&id));
        }

        #[test]
        fn status_texts_that_follow_the_pattern_are_accepted(text in strategy(Rule::StatusText)) {
            prop_assert!(validate::StatusText::parse(text.clone()).is_ok(), "{}", short(&text));
        }

        #[test]
        fn time_zones_that_follow_the_pattern_are_accepted(zone in strategy(Rule::TimeZone)) {
            prop_assert!(validate::TimeZone::parse(zone.clone()).is_ok(), "{zone:?}");
        }

        #[test]
        fn descriptions_that_follow_the_pattern_are_long_enough(
            text in strategy(Rule::Trimmed(MAX_DESCRIPTION_CHARS))
        ) {
            let trimmed = text.trim();
            prop_assert!(!trimmed.is_empty() && text.chars().count() <= MAX_DESCRIPTION_CHARS);
        }

        #[test]
        fn emails_that_follow_the_pattern_are_accepted(email in strategy(Rule::Email)) {
            prop_assert!(validate::Email::parse(&email).is_ok(), "{}", short(&email));
        }

        #[test]
        fn passwords_that_follow_the_pattern_are_accepted(password in strategy(Rule::Password)) {
            prop_assert!(validate::Password::parse(&password).is_ok());
        }
    }
}
