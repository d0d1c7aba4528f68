//! One benchmark client socket: connected from a chosen loopback source address, with buffers
//! sized for many idle sockets, authenticated with a bot token.

use std::borrow::Cow;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use xerrada_protocol::{ClientFrame, ServerFrame};

pub type Ws = WebSocketStream<TcpStream>;

/// Raises this process's open-file limit as far as allowed; children (a spawned server)
/// inherit it. Returns the limit in force.
pub fn raise_fd_limit() -> u64 {
    // Root may raise the hard limit too, up to the kernel's ceiling.
    let ceiling = std::fs::read_to_string("/proc/sys/fs/nr_open")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1 << 20)
        .min(1 << 20);
    if rlimit::setrlimit(rlimit::Resource::NOFILE, ceiling, ceiling).is_ok() {
        return ceiling;
    }
    rlimit::increase_nofile_limit(u64::MAX).unwrap_or(0)
}

/// The loopback source address for the `n`th socket: 127.0.0.1 .. 127.0.0.`sources`.
pub fn source_for(n: usize, sources: u8) -> Ipv4Addr {
    let sources = usize::from(sources.max(1));
    Ipv4Addr::new(127, 0, 0, 1 + (n % sources) as u8)
}

/// Opens a socket from `source`, authenticates with `token` and waits for `ready`.
pub async fn connect(server: SocketAddr, source: Ipv4Addr, token: &str) -> Result<Ws, String> {
    let socket = TcpSocket::new_v4().map_err(|e| format!("socket: {e}"))?;
    socket
        .bind(SocketAddr::V4(SocketAddrV4::new(source, 0)))
        .map_err(|e| format!("bind {source}: {e}"))?;
    let stream = socket
        .connect(server)
        .await
        .map_err(|e| format!("connect from {source}: {e}"))?;
    let _ = stream.set_nodelay(true);
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let (mut ws, _) = tokio_tungstenite::client_async_with_config(
        format!("ws://{server}/api/v1/ws"),
        stream,
        Some(config),
    )
    .await
    .map_err(|e| format!("handshake: {e}"))?;
    let auth = ClientFrame::Auth {
        token: token.to_owned(),
        resume: None,
        lang: None,
    };
    send_frame(&mut ws, &auth).await?;
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => {
                match serde_json::from_str::<ServerFrame>(text.as_str()) {
                    Ok(ServerFrame::Ready { .. }) => return Ok(ws),
                    Ok(ServerFrame::Error { code, message, .. }) => {
                        return Err(format!("auth refused: {code:?} {message}"));
                    }
                    _ => continue,
                }
            }
            Some(Ok(Message::Close(frame))) => {
                return Err(format!("closed during auth: {frame:?}"));
            }
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(format!("during auth: {e}")),
            None => return Err("closed during auth".into()),
        }
    }
}

pub async fn send_frame(ws: &mut Ws, frame: &ClientFrame) -> Result<(), String> {
    let text = serde_json::to_string(frame).map_err(|e| e.to_string())?;
    ws.send(Message::Text(text.into()))
        .await
        .map_err(|e| format!("send: {e}"))
}

/// The fields of a server frame the bench reads on its hot path (a full `ServerFrame` parse
/// per delivery would cost the machine's shared CPU more than the server's own work).
#[derive(Debug, Deserialize)]
pub struct Incoming<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    #[serde(default, borrow)]
    pub channel_id: Option<Cow<'a, str>>,
    #[serde(default)]
    pub seq: Option<i64>,
    #[serde(rename = "ref", default, borrow)]
    pub reference: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub message: Option<IncomingMessage<'a>>,
    #[serde(default, borrow)]
    pub code: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub message_id: Option<Cow<'a, str>>,
}

/// A frame's `message`: the `body` of a message object or, in an `error` frame, the error's
/// text. Both must parse: when the text of an error failed to read as a message object, the
/// whole frame was dropped as unreadable, and a refused send looked like a lost ack.
#[derive(Debug)]
pub struct IncomingMessage<'a> {
    pub body: Cow<'a, str>,
}

impl<'de: 'a, 'a> Deserialize<'de> for IncomingMessage<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Object<'a> {
            #[serde(borrow)]
            body: Cow<'a, str>,
        }
        struct Either<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Either<'a> {
            type Value = IncomingMessage<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a message object or an error's text")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(IncomingMessage {
                    body: Cow::Borrowed(text),
                })
            }
            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(IncomingMessage {
                    body: Cow::Owned(text.to_owned()),
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                let object =
                    Object::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(IncomingMessage { body: object.body })
            }
        }
        deserializer.deserialize_any(Either(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::Incoming;

    #[test]
    fn error_frames_and_messages_both_parse() {
        let error = r#"{"type":"error","ref":"r1","code":"busy","message":"retry \"soon\""}"#;
        let frame: Incoming = serde_json::from_str(error).expect("an error frame parses");
        assert_eq!(frame.kind, "error");
        assert_eq!(frame.code.as_deref(), Some("busy"));
        assert_eq!(frame.message.expect("text").body, "retry \"soon\"");

        let message = r#"{"type":"message","channel_id":"c","seq":3,
            "message":{"id":"m","body":"t12 a\nb","reactions":[{"emoji":"x"}]}}"#;
        let frame: Incoming = serde_json::from_str(message).expect("a message frame parses");
        assert_eq!(frame.seq, Some(3));
        assert_eq!(frame.message.expect("message").body, "t12 a\nb");
    }
}
