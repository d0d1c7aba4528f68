//! Text and buttons between the two worlds: Telegram's `parse_mode`s to Xerrada's Markdown,
//! `inline_keyboard` to message buttons and back, and the entities Telegram marks in a text.

use serde_json::{Value, json};
use xerrada_protocol::{FileInfo, MessageAction, MessageExtras};

use super::reply::{TgError, TgResult};

/// Button ids made from an `inline_keyboard`: this, the row and the column (`tg0_1`), so that
/// the keyboard's shape comes back in the Message's `reply_markup`.
const BUTTON_PREFIX: &str = "tg";
/// Longest `callback_data`, as Telegram's.
const MAX_CALLBACK_DATA_BYTES: usize = 64;

/// `entities` of a text: a `/command` at the start, and `@mentions`. Offsets and lengths count
/// UTF-16 code units, as Telegram's do.
pub fn entities(text: &str) -> Vec<Value> {
    let mut found = Vec::new();
    let utf16 = |s: &str| s.encode_utf16().count();
    if let Some(rest) = text.strip_prefix('/') {
        let name_len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '@'))
            .unwrap_or(rest.len());
        if name_len > 0 {
            found.push(
                json!({"type": "bot_command", "offset": 0, "length": 1 + utf16(&rest[..name_len])}),
            );
        }
    }
    let mut start = 0;
    while let Some(at) = text[start..].find('@').map(|i| start + i) {
        let before_ok = at == 0
            || text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| !c.is_alphanumeric() && c != '_' && c != '/');
        let name_len = text[at + 1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
            .unwrap_or(text.len() - at - 1);
        if before_ok && name_len > 0 {
            found.push(json!({
                "type": "mention",
                "offset": utf16(&text[..at]),
                "length": 1 + utf16(&text[at + 1..at + 1 + name_len]),
            }));
        }
        start = at + 1 + name_len;
    }
    found
}

/// The File fields of an upload (its id is Telegram's `file_id` and, being unique,
/// `file_unique_id` too).
pub fn file_object(file: &FileInfo) -> Value {
    json!({
        "file_id": file.id,
        "file_unique_id": file.id,
        "file_size": file.size,
    })
}

/// The `inline_keyboard` of a message's buttons; buttons not made from a keyboard get a row
/// each, their `value` (or id) as `callback_data`.
pub fn inline_keyboard(extras: &MessageExtras) -> Option<Value> {
    if extras.actions.is_empty() {
        return None;
    }
    let mut rows: Vec<Vec<Value>> = Vec::new();
    for action in &extras.actions {
        let data = action.value.clone().unwrap_or_else(|| action.id.clone());
        let button = json!({"text": action.label, "callback_data": data});
        match keyboard_position(&action.id) {
            Some((row, _)) => {
                while rows.len() <= row {
                    rows.push(Vec::new());
                }
                rows[row].push(button);
            }
            None => rows.push(vec![button]),
        }
    }
    rows.retain(|r| !r.is_empty());
    Some(json!({ "inline_keyboard": rows }))
}

fn keyboard_position(id: &str) -> Option<(usize, usize)> {
    let (row, column) = id.strip_prefix(BUTTON_PREFIX)?.split_once('_')?;
    Some((row.parse().ok()?, column.parse().ok()?))
}

/// A `reply_markup` as message buttons. `Ok(None)`: no buttons (also for the reply keyboards,
/// which a chat without a bot keyboard has nothing to show for).
pub fn to_extras(markup: Option<Value>) -> TgResult<Option<MessageExtras>> {
    let Some(markup) = markup else {
        return Ok(None);
    };
    let Some(keyboard) = markup.get("inline_keyboard") else {
        let known = ["keyboard", "remove_keyboard", "force_reply"];
        if markup.is_object() && known.iter().any(|k| markup.get(k).is_some()) {
            return Ok(None);
        }
        return Err(TgError::bad_request("unsupported reply_markup"));
    };
    let rows = keyboard
        .as_array()
        .ok_or_else(|| TgError::bad_request("inline_keyboard must be an array of arrays"))?;
    let mut actions = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let buttons = row
            .as_array()
            .ok_or_else(|| TgError::bad_request("inline_keyboard must be an array of arrays"))?;
        for (c, button) in buttons.iter().enumerate() {
            let text = button["text"]
                .as_str()
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| TgError::bad_request("inline keyboard button text is empty"))?;
            let data = button["callback_data"].as_str().ok_or_else(|| {
                TgError::bad_request(
                    "only inline keyboard buttons with callback_data are supported",
                )
            })?;
            if data.is_empty() || data.len() > MAX_CALLBACK_DATA_BYTES {
                return Err(TgError::bad_request("BUTTON_DATA_INVALID"));
            }
            actions.push(MessageAction {
                id: format!("{BUTTON_PREFIX}{r}_{c}"),
                label: text.to_owned(),
                style: None,
                value: Some(data.to_owned()),
            });
        }
    }
    if actions.is_empty() {
        return Ok(None);
    }
    Ok(Some(MessageExtras {
        actions,
        ..MessageExtras::default()
    }))
}

/// Characters Xerrada's Markdown gives a meaning to anywhere (and lets escape): escaped in
/// plain text. `#` and `>` mean something only at the start of a line.
const MARKDOWN_SPECIAL: &[char] = &['\\', '*', '_', '`', '[', ']', '~'];
const LINE_START_SPECIAL: &[char] = &['#', '>'];

fn escape_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut line_start = true;
    for c in text.chars() {
        let special =
            MARKDOWN_SPECIAL.contains(&c) || (line_start && LINE_START_SPECIAL.contains(&c));
        if special {
            out.push('\\');
        }
        out.push(c);
        line_start = c == '\n' || (line_start && c == ' ');
    }
    out
}

/// A text as sent with `parse_mode` (none, `MarkdownV2`, `Markdown` or `HTML`), in Xerrada's
/// Markdown.
pub fn convert(text: &str, parse_mode: Option<&str>) -> TgResult<String> {
    match parse_mode.map(str::to_ascii_lowercase).as_deref() {
        None | Some("") => Ok(escape_plain(text)),
        Some("markdownv2") => Ok(from_markdown(text, true)),
        Some("markdown") => Ok(from_markdown(text, false)),
        Some("html") => from_html(text),
        Some(other) => Err(TgError::bad_request(format!(
            "unsupported parse_mode {other:?}"
        ))),
    }
}

/// Telegram's Markdown (V2 with `\` escapes, `__underline__`, `~strike~` and `||spoiler||`):
/// `*bold*` → `**bold**`, `_italic_` → `*italic*`; code, links and pre stay as they are.
fn from_markdown(text: &str, v2: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '`' {
            in_code = !in_code;
            out.push(c);
        } else if in_code {
            out.push(c);
        } else if v2 && c == '\\' && next.is_some() {
            let escaped = chars[i + 1];
            if MARKDOWN_SPECIAL.contains(&escaped) || LINE_START_SPECIAL.contains(&escaped) {
                out.push('\\');
            }
            out.push(escaped);
            i += 1;
        } else if c == '*' {
            out.push_str("**");
        } else if v2 && c == '_' && next == Some('_') {
            i += 1;
        } else if c == '_' {
            out.push('*');
        } else if v2 && c == '~' {
            out.push_str("~~");
        } else if v2 && c == '|' && next == Some('|') {
            i += 1;
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// Telegram's HTML subset: `b strong i em u ins s strike del code pre a blockquote
/// tg-spoiler span`, and the entities `&lt; &gt; &amp; &quot;`.
fn from_html(text: &str) -> TgResult<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut links: Vec<String> = Vec::new();
    while let Some(open) = rest.find(['<', '&']) {
        out.push_str(&escape_plain(&rest[..open]));
        rest = &rest[open..];
        if rest.starts_with('&') {
            let end = rest
                .find(';')
                .ok_or_else(|| TgError::bad_request("can't parse entities: unclosed entity"))?;
            let decoded = match &rest[..=end] {
                "&lt;" => "<",
                "&gt;" => ">",
                "&amp;" => "&",
                "&quot;" => "\"",
                other => {
                    return Err(TgError::bad_request(format!(
                        "can't parse entities: unsupported entity {other}"
                    )));
                }
            };
            out.push_str(&escape_plain(decoded));
            rest = &rest[end + 1..];
            continue;
        }
        let end = rest
            .find('>')
            .ok_or_else(|| TgError::bad_request("can't parse entities: unclosed tag"))?;
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        let closing = tag.starts_with('/');
        let name = tag
            .trim_start_matches('/')
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match name.as_str() {
            "b" | "strong" => out.push_str("**"),
            "i" | "em" => out.push('*'),
            "s" | "strike" | "del" => out.push_str("~~"),
            "code" => out.push('`'),
            "pre" => out.push_str(if closing { "\n```" } else { "```\n" }),
            "u" | "ins" | "tg-spoiler" | "span" | "tg-emoji" => {}
            "blockquote" if !closing => out.push_str("\n> "),
            "blockquote" => out.push('\n'),
            "a" if !closing => {
                let href = tag
                    .split("href=")
                    .nth(1)
                    .map(|h| h.trim_matches(|c| c == '"' || c == '\''))
                    .map(|h| h.split(['"', '\'']).next().unwrap_or(h))
                    .unwrap_or("");
                links.push(href.to_owned());
                out.push('[');
            }
            "a" => {
                let href = links.pop().unwrap_or_default();
                out.push_str(&format!("]({href})"));
            }
            _ => {
                return Err(TgError::bad_request(format!(
                    "can't parse entities: unsupported start tag \"{name}\""
                )));
            }
        }
    }
    out.push_str(&escape_plain(rest));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_count_utf16_units() {
        let found = entities("/start@suport hola @marta i 😀 @joan.");
        assert_eq!(
            found[0],
            json!({"type": "bot_command", "offset": 0, "length": 13})
        );
        assert_eq!(
            found[1],
            json!({"type": "mention", "offset": 19, "length": 6})
        );
        // The emoji is two UTF-16 units.
        assert_eq!(
            found[2],
            json!({"type": "mention", "offset": 31, "length": 6})
        );
        assert!(entities("a@b.cat no és una menció").is_empty());
    }

    #[test]
    fn parse_modes_become_xerrada_markdown() {
        assert_eq!(convert("2*3 = 6_", None).expect("plain"), "2\\*3 = 6\\_");
        assert_eq!(
            convert("# no és un títol\n> ni una cita, tiquet #1 > 0", None).expect("plain"),
            "\\# no és un títol\n\\> ni una cita, tiquet #1 > 0"
        );
        assert_eq!(
            convert("*negreta* _cursiva_ `a*b` \\. ~no~", Some("MarkdownV2")).expect("v2"),
            "**negreta** *cursiva* `a*b` . ~~no~~"
        );
        assert_eq!(
            convert("*negreta* _cursiva_", Some("Markdown")).expect("md"),
            "**negreta** *cursiva*"
        );
        assert_eq!(
            convert(
                "<b>Hola</b> <i>tu</i> &lt;3 <a href=\"https://intranet/x\">enllaç</a>",
                Some("HTML")
            )
            .expect("html"),
            "**Hola** *tu* <3 [enllaç](https://intranet/x)"
        );
        assert!(convert("<script>x</script>", Some("HTML")).is_err());
        assert!(convert("x", Some("rtf")).is_err());
    }

    #[test]
    fn keyboards_round_trip_through_buttons() {
        let markup = json!({"inline_keyboard": [
            [{"text": "VPN", "callback_data": "vpn"}, {"text": "Correu", "callback_data": "mail"}],
            [{"text": "Altres", "callback_data": "other"}]
        ]});
        let extras = to_extras(Some(markup.clone()))
            .expect("ok")
            .expect("buttons");
        assert_eq!(extras.actions.len(), 3);
        assert_eq!(inline_keyboard(&extras), Some(markup));
        let url = json!({"inline_keyboard": [[{"text": "Web", "url": "https://x"}]]});
        assert!(to_extras(Some(url)).is_err());
        let long = json!({"inline_keyboard": [[{"text": "x", "callback_data": "a".repeat(65)}]]});
        assert!(to_extras(Some(long)).is_err());
        assert_eq!(
            to_extras(Some(json!({"remove_keyboard": true}))).expect("ok"),
            None
        );
    }
}
