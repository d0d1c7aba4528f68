//! A WebSocket client as a bot author would write one, with helpers for tests.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for a frame before failing.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(15);

/// What a socket read produced.
#[derive(Debug)]
pub enum Received {
    Frame(Value),
    Closed(Option<u16>),
}

pub struct WsClient {
    pub stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// The `ready` frame, for sockets opened with [`WsClient::connect_authed`].
    pub ready: Value,
}

impl WsClient {
    /// A raw, unauthenticated socket.
    pub async fn connect(addr: SocketAddr) -> WsClient {
        let (stream, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/ws"))
            .await
            .expect("websocket connects");
        WsClient {
            stream,
            ready: Value::Null,
        }
    }

    /// Connects, authenticates and reads `ready`.
    pub async fn connect_authed(addr: SocketAddr, token: &str, resume: Option<Value>) -> WsClient {
        let mut client = WsClient::connect(addr).await;
        let mut auth = json!({"type": "auth", "token": token});
        if let Some(resume) = resume {
            auth["resume"] = resume;
        }
        client.send_json(&auth).await;
        let ready = client.next_frame().await;
        assert_eq!(ready["type"], "ready", "expected ready, got {ready}");
        client.ready = ready;
        client
    }

    pub async fn send_json(&mut self, frame: &Value) {
        self.send_text(&frame.to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.stream
            .send(Message::Text(text.into()))
            .await
            .expect("frame sent");
    }

    /// Sends a message frame.
    pub async fn send_message(
        &mut self,
        reference: &str,
        channel_id: &str,
        client_msg_id: &str,
        body: &str,
    ) {
        self.send_json(&json!({
            "type": "send", "ref": reference, "channel_id": channel_id,
            "client_msg_id": client_msg_id, "body": body,
        }))
        .await;
    }

    /// The next JSON frame or the close; pings are skipped.
    pub async fn receive(&mut self) -> Received {
        loop {
            let next = tokio::time::timeout(FRAME_TIMEOUT, self.stream.next())
                .await
                .expect("a frame within the timeout");
            match next {
                Some(Ok(Message::Text(text))) => {
                    return Received::Frame(serde_json::from_str(&text).expect("JSON frame"));
                }
                Some(Ok(Message::Close(frame))) => {
                    return Received::Closed(frame.map(|f| u16::from(f.code)));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Received::Closed(None),
            }
        }
    }

    /// The next JSON frame; panics on close.
    pub async fn next_frame(&mut self) -> Value {
        match self.receive().await {
            Received::Frame(frame) => frame,
            Received::Closed(code) => panic!("socket closed ({code:?}) while a frame was expected"),
        }
    }

    /// The next frame of this type, skipping others (presence, typing, ...).
    pub async fn next_of_type(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.next_frame().await;
            if frame["type"] == kind {
                return frame;
            }
        }
    }

    /// The next channel event (message, member_joined, member_left) or ack/error, skipping
    /// presence, typing, read and channel frames.
    pub async fn next_significant(&mut self) -> Value {
        loop {
            let frame = self.next_frame().await;
            match frame["type"].as_str() {
                Some("presence" | "typing" | "read" | "channel" | "pong") => continue,
                _ => return frame,
            }
        }
    }

    /// Reads until the socket closes, returning the close code (frames before it are skipped).
    pub async fn expect_close(&mut self) -> Option<u16> {
        loop {
            if let Received::Closed(code) = self.receive().await {
                return code;
            }
        }
    }

    /// True if no frame of this type arrives within `wait`.
    pub async fn quiet_for(&mut self, kind: &str, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return true;
            }
            match tokio::time::timeout(left, self.stream.next()).await {
                Err(_) => return true,
                Ok(Some(Ok(Message::Text(text)))) => {
                    let frame: Value = serde_json::from_str(&text).expect("JSON frame");
                    if frame["type"] == kind {
                        return false;
                    }
                }
                Ok(Some(Ok(_))) => continue,
                Ok(_) => return true,
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self
            .stream
            .close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
                code: CloseCode::Normal,
                reason: "bye".into(),
            }))
            .await;
    }
}
