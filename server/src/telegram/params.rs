//! A method's parameters, wherever the client put them: the query string,
//! `application/x-www-form-urlencoded`, JSON or `multipart/form-data`.
//!
//! Form, query and multipart values are all text, so non-string values arrive as JSON text
//! (python-telegram-bot sends `chat_id=42`, `reply_markup={"inline_keyboard":…}`); JSON bodies
//! carry native values (teloxide). Each accessor accepts both.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use serde_json::{Map, Value};

use super::reply::{TgError, TgResult};

/// Largest body of a method call without files.
const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Debug, Default)]
pub struct Params(Map<String, Value>);

/// Who uploads the files of a multipart call (`sendDocument`, `sendPhoto`): each file part is
/// stored as an upload of the bot's as it streams in, and the parameter holds its id.
pub struct Uploader<'a> {
    pub ctx: &'a crate::context::Context,
    pub caller: &'a crate::auth::Caller,
}

impl Params {
    pub async fn read(request: Request, uploader: Uploader<'_>) -> TgResult<Params> {
        let mut params = Params::default();
        if let Some(query) = request.uri().query() {
            for (name, value) in form_urlencoded::parse(query.as_bytes()) {
                params
                    .0
                    .insert(name.into_owned(), Value::String(value.into_owned()));
            }
        }
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if content_type.starts_with("multipart/form-data") {
            let mut multipart = Multipart::from_request(request, &())
                .await
                .map_err(|e| TgError::bad_request(format!("bad multipart body: {e}")))?;
            while let Some(field) = multipart
                .next_field()
                .await
                .map_err(|e| TgError::bad_request(format!("bad multipart body: {e}")))?
            {
                let Some(name) = field.name().map(str::to_owned) else {
                    continue;
                };
                if let Some(file_name) = field.file_name().map(str::to_owned) {
                    use futures_util::TryStreamExt;
                    let bytes = field.map_err(|e| {
                        crate::error::AppError::Invalid(format!("bad multipart body: {e}"))
                    });
                    let info = crate::services::files::upload(
                        uploader.ctx,
                        uploader.caller,
                        Some(&file_name),
                        bytes,
                    )
                    .await?;
                    params.0.insert(name, Value::String(info.id));
                    continue;
                }
                let text = field
                    .text()
                    .await
                    .map_err(|e| TgError::bad_request(format!("bad multipart body: {e}")))?;
                params.0.insert(name, Value::String(text));
            }
            return Ok(params);
        }
        let body = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
            .await
            .map_err(|_| TgError::bad_request("request body too large"))?;
        params.add_body(&content_type, &body)?;
        Ok(params)
    }

    /// The parameters of a body alone (the property tests' way in).
    #[cfg(test)]
    pub(crate) fn from_body(content_type: &str, body: &[u8]) -> TgResult<Params> {
        let mut params = Params::default();
        params.add_body(content_type, &Bytes::copy_from_slice(body))?;
        Ok(params)
    }

    fn add_body(&mut self, content_type: &str, body: &Bytes) -> TgResult<()> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        if content_type.starts_with("application/json") {
            let Value::Object(fields) = serde_json::from_slice::<Value>(body)
                .map_err(|e| TgError::bad_request(format!("can't parse JSON body: {e}")))?
            else {
                return Err(TgError::bad_request("the JSON body must be an object"));
            };
            self.0.extend(fields);
            return Ok(());
        }
        if content_type.starts_with("application/x-www-form-urlencoded") || content_type.is_empty()
        {
            for (name, value) in form_urlencoded::parse(body) {
                self.0
                    .insert(name.into_owned(), Value::String(value.into_owned()));
            }
            return Ok(());
        }
        Err(TgError::bad_request(format!(
            "unsupported content type {content_type:?}"
        )))
    }

    fn raw(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    /// A text parameter; a number is taken as its digits.
    pub fn text(&self, name: &str) -> TgResult<Option<String>> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(TgError::bad_request(format!("{name} must be a string"))),
        }
    }

    /// An integer parameter: a JSON number or its text.
    pub fn int(&self, name: &str) -> TgResult<Option<i64>> {
        let wrong = || TgError::bad_request(format!("{name} must be an integer"));
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(wrong),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| wrong()),
            Some(_) => Err(wrong()),
        }
    }

    pub fn required_int(&self, name: &str) -> TgResult<i64> {
        self.int(name)?
            .ok_or_else(|| TgError::bad_request(format!("{name} is empty")))
    }

    /// A boolean parameter: JSON `true`/`false` or their text.
    pub fn bool(&self, name: &str) -> TgResult<Option<bool>> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) => match s.trim() {
                "true" | "True" | "1" => Ok(Some(true)),
                "false" | "False" | "0" | "" => Ok(Some(false)),
                _ => Err(TgError::bad_request(format!("{name} must be a boolean"))),
            },
            Some(_) => Err(TgError::bad_request(format!("{name} must be a boolean"))),
        }
    }

    /// An object or array parameter: native JSON, or JSON text.
    pub fn json(&self, name: &str) -> TgResult<Option<Value>> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s)
                .map(Some)
                .map_err(|_| TgError::bad_request(format!("can't parse {name} JSON object"))),
            Some(other) => Ok(Some(other.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str) -> Params {
        let mut params = Params::default();
        params
            .add_body(
                "application/x-www-form-urlencoded",
                &Bytes::from(body.to_owned()),
            )
            .expect("form");
        params
    }

    #[test]
    fn form_values_are_read_as_the_types_asked_for() {
        let params = form(
            "chat_id=-42&text=123&disable_notification=true&reply_markup=%7B%22inline_keyboard%22%3A+%5B%5D%7D",
        );
        assert_eq!(params.int("chat_id").expect("int"), Some(-42));
        assert_eq!(params.text("text").expect("text"), Some("123".into()));
        assert_eq!(params.bool("disable_notification").expect("b"), Some(true));
        assert_eq!(
            params.json("reply_markup").expect("json"),
            Some(serde_json::json!({"inline_keyboard": []}))
        );
        assert!(params.int("text").is_ok());
        assert!(form("chat_id=abc").int("chat_id").is_err());
    }

    #[test]
    fn json_bodies_keep_native_values() {
        let mut params = Params::default();
        params
            .add_body(
                "application/json",
                &Bytes::from_static(
                    br#"{"chat_id": 7, "reply_markup": {"inline_keyboard": [[]]}, "x": null}"#,
                ),
            )
            .expect("json");
        assert_eq!(params.int("chat_id").expect("int"), Some(7));
        assert_eq!(params.text("chat_id").expect("text"), Some("7".into()));
        assert!(params.json("reply_markup").expect("json").is_some());
        assert_eq!(params.text("x").expect("null is absent"), None);
        let mut bad = Params::default();
        assert!(
            bad.add_body("application/json", &Bytes::from_static(b"[1]"))
                .is_err()
        );
        assert!(
            bad.add_body("text/plain", &Bytes::from_static(b"x"))
                .is_err()
        );
    }
}
