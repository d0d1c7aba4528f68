//! Property tests of the parsers that read what clients, bots and other systems send: socket
//! frames, the NUL check in front of every JSON body, Slack payloads and their mrkdwn, and the
//! Bot API's parameters. Whatever the input, each answers (a value or a refusal) without
//! panicking, and each keeps the promises below. The corpus at the end holds the inputs that
//! once hurt (the markdown "bombs" of issue 18 and their relatives).

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use xerrada_protocol::ClientFrame;

use crate::integrations::{mrkdwn, slack};
use crate::telegram::params::Params;
use crate::validate::refuse_nul_in_json;

/// Any JSON value, strings included NUL, quotes, backslashes and non-ASCII text.
fn any_json() -> impl Strategy<Value = Value> {
    let text = prop_oneof![any::<String>(), "[a\\\\\"\\u{0}\\u{1}é€😀 ]{0,12}",];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        text.clone().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((text.clone(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn holds_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(holds_nul),
        Value::Object(fields) => fields.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
    }
}

/// Text made of what mrkdwn gives meaning to, and a little else.
fn mrkdwn_text() -> impl Strategy<Value = String> {
    "[*_~`<>|&;!#@a-z:/. \\n]{0,200}"
}

fn params(content_type: &str, body: &[u8]) -> Result<Params, String> {
    Params::from_body(content_type, body).map_err(|e| format!("{e:?}"))
}

proptest! {
    #[test]
    fn a_json_document_is_refused_for_nul_exactly_when_one_of_its_strings_holds_nul(
        value in any_json()
    ) {
        let text = serde_json::to_string(&value).expect("serializable");
        prop_assert_eq!(refuse_nul_in_json(text.as_bytes()).is_err(), holds_nul(&value));
    }

    #[test]
    fn any_bytes_pass_the_nul_check_or_are_refused_without_panicking(
        bytes in prop::collection::vec(any::<u8>(), 0..512)
    ) {
        let _ = refuse_nul_in_json(&bytes);
    }

    #[test]
    fn any_socket_frame_text_decodes_or_is_refused(text in any::<String>()) {
        let _ = serde_json::from_str::<ClientFrame>(&text);
    }

    #[test]
    fn a_well_formed_frame_with_any_field_changed_decodes_or_is_refused(
        field in "(type|ref|channel_id|client_msg_id|body|thread_root|file_ids|also_in_channel)",
        value in any_json(),
    ) {
        let mut frame = json!({
            "type": "send", "ref": "r1", "channel_id": "c", "client_msg_id": "m", "body": "hola"
        });
        frame[field.as_str()] = value;
        let _ = serde_json::from_value::<ClientFrame>(frame);
    }

    #[test]
    fn a_send_frame_survives_encoding_and_decoding(
        body in any::<String>(),
        reference in prop::option::of("[a-z0-9-]{1,20}"),
        thread_root in prop::option::of(1i64..i64::MAX),
    ) {
        let frame = ClientFrame::Send {
            reference,
            channel_id: "c1".into(),
            client_msg_id: "m1".into(),
            body,
            thread_root,
            also_in_channel: false,
            file_ids: Vec::new(),
        };
        let text = serde_json::to_string(&frame).expect("serializable");
        let decoded: ClientFrame = serde_json::from_str(&text).expect("decodes");
        prop_assert_eq!(decoded, frame);
    }

    #[test]
    fn mrkdwn_converts_any_text(text in any::<String>()) {
        let _ = mrkdwn::to_markdown(&text);
    }

    #[test]
    fn mrkdwn_converts_dense_markup_and_keeps_its_words(text in mrkdwn_text()) {
        let converted = mrkdwn::to_markdown(&text);
        let words = |s: &str| s.chars().filter(char::is_ascii_alphabetic).count();
        // Entities and references may turn into other text, but no letter is lost.
        prop_assert!(words(&converted) + 64 >= words(&text) / 2);
    }

    #[test]
    fn plain_text_is_left_as_it_is(text in "[a-zA-Z0-9 .,:àèéíòóúç\\n]{0,200}") {
        prop_assert_eq!(mrkdwn::to_markdown(&text), text);
    }

    #[test]
    fn a_slack_link_becomes_a_markdown_link(
        path in "[a-z0-9]{1,12}",
        label in "[A-Za-z0-9 ]{1,20}",
    ) {
        let label = label.trim().to_owned();
        prop_assume!(!label.is_empty());
        let converted = mrkdwn::to_markdown(&format!("mira <https://intranet/{path}|{label}>"));
        let expected = format!("[{label}](https://intranet/{path})");
        prop_assert!(converted.contains(&expected), "{}", converted);
    }

    #[test]
    fn any_slack_payload_converts_or_is_refused(
        text in prop::option::of(any_json()),
        attachments in prop::option::of(any_json()),
        blocks in prop::option::of(any_json()),
        extra in any_json(),
    ) {
        let mut payload = Map::new();
        for (key, value) in [("text", text), ("attachments", attachments), ("blocks", blocks)] {
            if let Some(value) = value {
                payload.insert(key.into(), value);
            }
        }
        payload.insert("username".into(), extra);
        let bytes = serde_json::to_vec(&Value::Object(payload)).expect("serializable");
        if let Ok(parsed) = slack::parse(&bytes)
            && let Ok(converted) = slack::convert(parsed)
        {
            prop_assert!(!converted.body.trim().is_empty());
        }
    }

    #[test]
    fn any_slack_bytes_parse_or_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(parsed) = slack::parse(&bytes) {
            let _ = slack::convert(parsed);
        }
    }

    #[test]
    fn a_chat_id_is_read_alike_from_a_form_and_from_json(id in any::<i64>()) {
        let form = params("application/x-www-form-urlencoded", format!("chat_id={id}").as_bytes())
            .expect("form");
        prop_assert_eq!(form.int("chat_id").ok().flatten(), Some(id));
        let body = json!({"chat_id": id}).to_string();
        let native = params("application/json", body.as_bytes()).expect("json");
        prop_assert_eq!(native.int("chat_id").ok().flatten(), Some(id));
        prop_assert_eq!(native.text("chat_id").ok().flatten(), Some(id.to_string()));
    }

    #[test]
    fn any_bot_api_body_is_read_or_refused_and_every_accessor_answers(
        content_type in "(application/json|application/x-www-form-urlencoded|text/plain|)",
        body in prop::collection::vec(any::<u8>(), 0..256),
        name in "[a-z_]{1,12}",
    ) {
        if let Ok(read) = params(&content_type, &body) {
            let _ = read.text(&name);
            let _ = read.int(&name);
            let _ = read.bool(&name);
            let _ = read.json(&name);
        }
    }

    #[test]
    fn any_json_object_is_read_and_every_accessor_answers(value in any_json(), name in "[a-z]{1,3}") {
        let body = json!({ name.clone(): value }).to_string();
        let read = params("application/json", body.as_bytes()).expect("an object is accepted");
        let _ = read.text(&name);
        let _ = read.int(&name);
        let _ = read.bool(&name);
        let _ = read.json(&name);
    }
}

/// The inputs that once made a renderer stall, and their relatives: each converts, keeps its
/// characters, and is accepted by the checks in front of the store.
#[test]
fn the_corpus_of_markup_bombs_converts_and_keeps_its_text() {
    let bombs = [
        "*_".repeat(4_000),
        "`a ".repeat(8_000),
        "**".repeat(8_000),
        "~~".repeat(4_000),
        "[".repeat(8_000),
        "<".repeat(8_000),
        "<!".repeat(4_000),
        "<@".repeat(4_000),
        "&lt;".repeat(4_000),
        "> ".repeat(8_000),
        "```\n".repeat(4_000),
        "_*~`".repeat(4_000),
    ];
    for bomb in bombs {
        let converted = mrkdwn::to_markdown(&bomb);
        assert!(
            converted.len() * 4 >= bomb.len(),
            "{} bytes of {:?}… became {} bytes",
            bomb.len(),
            &bomb[..8],
            converted.len()
        );
        let payload = json!({"text": bomb}).to_string();
        let parsed = slack::parse(payload.as_bytes()).expect("a text payload parses");
        let converted = slack::convert(parsed).expect("and converts");
        assert!(!converted.body.is_empty());
    }
}

/// Frames that decode to something else than they seem, or not at all.
#[test]
fn the_corpus_of_odd_frames_is_refused_or_read_as_written() {
    let refused = [
        "",
        "null",
        "[]",
        "{}",
        r#"{"type":"send"}"#,
        r#"{"type":"SEND","channel_id":"c","client_msg_id":"m","body":"x"}"#,
        r#"{"type":"send","channel_id":"c","client_msg_id":"m","body":"x","thread_root":"1"}"#,
        r#"{"type":"send","channel_id":"c","client_msg_id":"m","body":"x","thread_root":1.5}"#,
        r#"{"type":"typing","channel_id":7}"#,
        &format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
    ];
    for text in refused {
        assert!(
            serde_json::from_str::<ClientFrame>(text).is_err(),
            "{:?} decoded",
            &text[..text.len().min(40)]
        );
    }
    let dup: ClientFrame =
        serde_json::from_str(r#"{"type":"typing","channel_id":"a","extra":{"deep":[1,2,3]}}"#)
            .expect("unknown fields are ignored");
    assert_eq!(
        dup,
        ClientFrame::Typing {
            channel_id: "a".into()
        }
    );
}
