//! A template for the council's own bots, built only on the `xerrada-protocol` types,
//! reqwest and tokio-tungstenite — what any bot outside this repository would use.
//!
//! - [`Bot::post`]: a one-shot notification (from cron, a monitoring script, a CI job).
//! - [`Bot::follow`]: follows a channel live over the WebSocket, answering `!estat` with a
//!   status line; it reconnects with backoff and `resume`, so it misses nothing across drops.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use xerrada_protocol::{ClientFrame, Message, SendMessageRequest, ServerFrame};

/// Errors a bot reports.
pub type BotError = Box<dyn std::error::Error + Send + Sync>;

/// A bot speaking to one Xerrada server with its token.
#[derive(Clone)]
pub struct Bot {
    /// e.g. `http://127.0.0.1:8080`
    pub base_url: String,
    pub token: String,
    http: reqwest::Client,
}

impl Bot {
    pub fn new(base_url: impl Into<String>, token: impl Into<String>) -> Self {
        // The HTTP client may speak TLS; ring is its provider (harmless when already chosen).
        let _ = rustls::crypto::ring::default_provider().install_default();
        Bot {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            token: token.into(),
            http: reqwest::Client::new(),
        }
    }

    /// Joins a public channel (harmless when already a member).
    pub async fn join(&self, channel_id: &str) -> Result<(), BotError> {
        let url = format!("{}/api/v1/channels/{channel_id}/join", self.base_url);
        let response = self.http.post(url).bearer_auth(&self.token).send().await?;
        if !response.status().is_success() {
            return Err(format!("join failed: {}", response.text().await?).into());
        }
        Ok(())
    }

    /// Posts a message. `client_msg_id` makes a retried call safe: the server keeps one copy.
    pub async fn post(
        &self,
        channel_id: &str,
        text: &str,
        client_msg_id: &str,
    ) -> Result<Message, BotError> {
        let url = format!("{}/api/v1/channels/{channel_id}/messages", self.base_url);
        let body = SendMessageRequest {
            body: text.to_owned(),
            client_msg_id: Some(client_msg_id.to_owned()),
            ..Default::default()
        };
        let response = self
            .http
            .post(url)
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(format!("post failed: {}", response.text().await?).into());
        }
        Ok(response.json().await?)
    }

    /// Follows `channel_id` until `stop` resolves, answering `!estat` with `status()`.
    /// Returns how many commands it answered.
    pub async fn follow(
        &self,
        channel_id: &str,
        status: impl Fn() -> String,
        stop: impl Future<Output = ()>,
    ) -> Result<usize, BotError> {
        tokio::pin!(stop);
        let mut last_seen: BTreeMap<String, i64> = BTreeMap::new();
        let mut answered = 0;
        let mut backoff = Duration::from_millis(200);
        loop {
            let session = self.session(channel_id, &mut last_seen, &status, &mut answered);
            tokio::select! {
                _ = &mut stop => return Ok(answered),
                ended = session => {
                    if let Err(e) = ended {
                        eprintln!("notify-bot: connection lost ({e}); reconnecting");
                    }
                }
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(30));
        }
    }

    /// One WebSocket session: auth with resume, then handle frames until the socket closes.
    async fn session(
        &self,
        channel_id: &str,
        last_seen: &mut BTreeMap<String, i64>,
        status: &impl Fn() -> String,
        answered: &mut usize,
    ) -> Result<(), BotError> {
        let ws_url = format!("{}/api/v1/ws", self.base_url.replacen("http", "ws", 1));
        let (mut socket, _) = tokio_tungstenite::connect_async(ws_url).await?;
        let auth = ClientFrame::Auth {
            token: self.token.clone(),
            resume: (!last_seen.is_empty()).then(|| last_seen.clone()),
            lang: None,
        };
        socket
            .send(WsMessage::Text(serde_json::to_string(&auth)?.into()))
            .await?;
        while let Some(frame) = socket.next().await {
            let WsMessage::Text(text) = frame? else {
                continue;
            };
            let frame: ServerFrame = serde_json::from_str(&text)?;
            if let Some((channel, seq)) = frame.channel_seq() {
                last_seen.insert(channel.to_owned(), seq);
            }
            match frame {
                ServerFrame::Ready { channels, .. } => {
                    for channel in channels.iter().filter(|c| c.joined) {
                        last_seen
                            .entry(channel.id.clone())
                            .or_insert(channel.last_seq);
                    }
                }
                ServerFrame::Message { message, .. }
                    if message.channel_id == channel_id && message.body.trim() == "!estat" =>
                {
                    // Derived from the command's id: a replayed command is answered once.
                    let reply =
                        ClientFrame::send(channel_id, format!("estat-{}", message.id), status())
                            .in_thread(message.seq);
                    socket
                        .send(WsMessage::Text(serde_json::to_string(&reply)?.into()))
                        .await?;
                    *answered += 1;
                }
                ServerFrame::Resync {
                    channel_id,
                    from_seq,
                } => {
                    // Too much to replay: skip ahead (a real bot would page GET .../events).
                    last_seen.insert(channel_id, from_seq - 1);
                }
                _ => {}
            }
        }
        Ok(())
    }
}
