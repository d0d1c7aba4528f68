//! Slack's incoming-webhook payload, read leniently: the fields Xerrada understands are
//! converted, unknown ones ignored, so Grafana, Alertmanager, Zabbix, GitLab, Jenkins and
//! shell scripts work unchanged.

use serde::Deserialize;
use serde_json::Value;
use xerrada_protocol::{Attachment, AttachmentField, Block, MessageExtras};

use super::mrkdwn::to_markdown;

/// Most attachments and blocks accepted in one payload.
pub const MAX_ATTACHMENTS: usize = 20;
pub const MAX_BLOCKS: usize = 50;

/// A payload as tools send it.
#[derive(Debug, Default, Deserialize)]
pub struct Payload {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub icon_url: Option<String>,
    #[serde(default)]
    pub icon_emoji: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub attachments: Option<Vec<Value>>,
    #[serde(default)]
    pub blocks: Option<Vec<Value>>,
}

/// What a payload becomes: a Markdown body and the extras to show with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// The `text`, or a plain-text fallback from attachments and blocks.
    pub body: String,
    /// True when `body` is the payload's own `text` (its size is then the sender's problem).
    pub body_is_text: bool,
    pub extras: MessageExtras,
    pub channel: Option<String>,
}

/// Why a payload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("invalid payload: {0}")]
    Malformed(String),
    #[error("the payload has no text, attachments or blocks to show")]
    Empty,
    #[error("at most {MAX_ATTACHMENTS} attachments and {MAX_BLOCKS} blocks are accepted")]
    TooMany,
}

/// Parses a JSON payload.
pub fn parse(json: &[u8]) -> Result<Payload, PayloadError> {
    crate::validate::refuse_nul_in_json(json)
        .map_err(|_| PayloadError::Malformed(crate::validate::NUL_REFUSED.into()))?;
    serde_json::from_slice(json).map_err(|e| PayloadError::Malformed(e.to_string()))
}

/// Converts a payload.
pub fn convert(payload: Payload) -> Result<Converted, PayloadError> {
    let raw_attachments = payload.attachments.unwrap_or_default();
    let raw_blocks = payload.blocks.unwrap_or_default();
    if raw_attachments.len() > MAX_ATTACHMENTS || raw_blocks.len() > MAX_BLOCKS {
        return Err(PayloadError::TooMany);
    }
    let attachments = raw_attachments
        .iter()
        .map(attachment)
        .collect::<Result<Vec<_>, _>>()?;
    let blocks: Vec<Block> = raw_blocks.iter().filter_map(block).collect();
    let text = payload
        .text
        .filter(|t| !t.trim().is_empty())
        .map(|t| to_markdown(&t));
    let (body, body_is_text) = match text {
        Some(text) => (text, true),
        None => (fallback_body(&attachments, &blocks), false),
    };
    if body.trim().is_empty() {
        return Err(PayloadError::Empty);
    }
    let non_empty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    Ok(Converted {
        body,
        body_is_text,
        extras: MessageExtras {
            username: non_empty(payload.username),
            icon_url: non_empty(payload.icon_url),
            icon_emoji: non_empty(payload.icon_emoji),
            webhook_id: None,
            attachments,
            blocks,
            actions: Vec::new(),
        },
        channel: non_empty(payload.channel),
    })
}

/// A string field that tools sometimes send as a number or bool.
fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn attachment(value: &Value) -> Result<Attachment, PayloadError> {
    let Value::Object(map) = value else {
        return Err(PayloadError::Malformed(
            "each attachment must be an object".into(),
        ));
    };
    let markdown = |key: &str| text_of(map.get(key)).map(|t| to_markdown(&t));
    let fields = match map.get("fields") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(fields)) => fields
            .iter()
            .filter_map(|f| {
                let title = text_of(f.get("title")).unwrap_or_default();
                let value = text_of(f.get("value"))
                    .map(|v| to_markdown(&v))
                    .unwrap_or_default();
                let short = f.get("short").and_then(Value::as_bool).unwrap_or(false);
                (!title.is_empty() || !value.is_empty()).then_some(AttachmentField {
                    title,
                    value,
                    short,
                })
            })
            .collect(),
        Some(_) => {
            return Err(PayloadError::Malformed(
                "attachment fields must be a list".into(),
            ));
        }
    };
    Ok(Attachment {
        fallback: text_of(map.get("fallback")),
        color: text_of(map.get("color")),
        pretext: markdown("pretext"),
        author_name: text_of(map.get("author_name")),
        title: text_of(map.get("title")),
        title_link: text_of(map.get("title_link")).filter(|l| is_web_link(l)),
        text: markdown("text"),
        fields,
        footer: text_of(map.get("footer")),
    })
}

/// Only web and mail links are kept: a `javascript:` link in a payload is dropped.
fn is_web_link(link: &str) -> bool {
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| link.starts_with(scheme))
}

/// The text of a Block Kit text object (`{"type":"mrkdwn"|"plain_text","text":...}`).
fn text_object(value: Option<&Value>) -> Option<String> {
    let object = value?;
    let text = object.get("text").and_then(Value::as_str)?;
    if text.is_empty() {
        return None;
    }
    Some(match object.get("type").and_then(Value::as_str) {
        Some("mrkdwn") => to_markdown(text),
        _ => text.to_owned(),
    })
}

/// A supported block; other kinds (images, actions, inputs) are skipped.
fn block(value: &Value) -> Option<Block> {
    match value.get("type").and_then(Value::as_str)? {
        "section" => {
            let text = text_object(value.get("text"));
            let fields: Vec<String> = value
                .get("fields")
                .and_then(Value::as_array)
                .map(|f| f.iter().filter_map(|t| text_object(Some(t))).collect())
                .unwrap_or_default();
            (text.is_some() || !fields.is_empty()).then_some(Block::Section { text, fields })
        }
        "header" => text_object(value.get("text")).map(|text| Block::Header { text }),
        "context" => {
            let elements: Vec<String> = value
                .get("elements")
                .and_then(Value::as_array)?
                .iter()
                .filter_map(|e| text_object(Some(e)).or_else(|| text_of(e.get("alt_text"))))
                .collect();
            (!elements.is_empty()).then_some(Block::Context { elements })
        }
        "divider" => Some(Block::Divider),
        _ => None,
    }
}

/// A plain-text rendering of attachments and blocks, for a message without text.
pub fn fallback_body(attachments: &[Attachment], blocks: &[Block]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for block in blocks {
        match block {
            Block::Section { text, fields } => {
                lines.extend(text.clone());
                lines.extend(fields.iter().cloned());
            }
            Block::Header { text } => lines.push(text.clone()),
            Block::Context { elements } => lines.push(elements.join(" ")),
            Block::Divider => {}
        }
    }
    for a in attachments {
        if let Some(fallback) = &a.fallback {
            lines.push(fallback.clone());
            continue;
        }
        lines.extend(a.pretext.clone());
        lines.extend(a.title.clone());
        lines.extend(a.text.clone());
        for field in &a.fields {
            lines.push(format!("{}: {}", field.title, field.value));
        }
    }
    lines.retain(|l| !l.trim().is_empty());
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn converted(payload: Value) -> Result<Converted, PayloadError> {
        convert(parse(payload.to_string().as_bytes())?)
    }

    #[test]
    fn text_wins_and_overrides_are_kept() {
        let c = converted(json!({"text": "*Deploy* ok", "username": "Jenkins", "icon_emoji": ":rocket:", "unknown": 1}))
            .expect("valid");
        assert_eq!((c.body.as_str(), c.body_is_text), ("**Deploy** ok", true));
        assert_eq!(c.extras.username.as_deref(), Some("Jenkins"));
        assert_eq!(c.extras.icon_emoji.as_deref(), Some(":rocket:"));
    }

    #[test]
    fn attachments_give_a_fallback_body_and_keep_their_shape() {
        let c = converted(json!({"attachments": [{
            "color": "danger", "title": "CPU alta", "title_link": "javascript:alert(1)",
            "text": "srv-01 al *95%*", "fields": [{"title": "Host", "value": "srv-01", "short": true}, {"title": "Valor", "value": 95}],
        }]}))
        .expect("valid");
        assert_eq!(
            c.body,
            "CPU alta\nsrv-01 al **95%**\nHost: srv-01\nValor: 95"
        );
        let a = &c.extras.attachments[0];
        assert_eq!(a.color.as_deref(), Some("danger"));
        assert_eq!(a.title_link, None, "scripted links are dropped");
        assert_eq!(a.fields[1].value, "95");
    }

    #[test]
    fn blocks_of_known_kinds_are_kept_and_others_skipped() {
        let c = converted(json!({"blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Incidència"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*P1* obert"}, "fields": [{"type": "mrkdwn", "text": "_a_"}]},
            {"type": "divider"},
            {"type": "image", "image_url": "https://x/y.png", "alt_text": "graph"},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "via GitLab"}]},
        ]}))
        .expect("valid");
        assert_eq!(c.extras.blocks.len(), 4);
        assert_eq!(c.body, "Incidència\n**P1** obert\n_a_\nvia GitLab");
    }

    #[test]
    fn empty_malformed_and_oversized_payloads_are_refused() {
        assert_eq!(converted(json!({"text": "  "})), Err(PayloadError::Empty));
        assert_eq!(
            converted(json!({"blocks": [{"type": "image"}]})),
            Err(PayloadError::Empty)
        );
        assert!(matches!(
            converted(json!({"attachments": "x"})),
            Err(PayloadError::Malformed(_))
        ));
        assert!(matches!(
            converted(json!({"attachments": [1]})),
            Err(PayloadError::Malformed(_))
        ));
        assert!(matches!(parse(b"{nope"), Err(PayloadError::Malformed(_))));
        let many: Vec<Value> = (0..21).map(|_| json!({"text": "x"})).collect();
        assert_eq!(
            converted(json!({"attachments": many})),
            Err(PayloadError::TooMany)
        );
    }
}
