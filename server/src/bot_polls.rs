//! Long polls of bots: who is waiting for updates, and how to wake them.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// What this process knows of the bots that poll for updates (the Telegram-style Bot API):
/// wake-ups for their long polls, who is polling, and whether the server is shutting down.
/// Kept apart from `telegram/` so that the context can hold it without importing the feature.
#[derive(Default)]
pub struct BotPolls {
    wakeups: Mutex<HashMap<String, Arc<Notify>>>,
    pollers: Mutex<HashSet<String>>,
    /// A bot spoke the API for the first time on this node: the relay follows it at once.
    pub new_bot: Notify,
    closing: Notify,
    closed: std::sync::atomic::AtomicBool,
    /// The last failed push to each bot's webhook: Unix time and why.
    push_errors: Mutex<HashMap<String, (i64, String)>>,
}

/// One `getUpdates` of a bot in flight; dropping it lets the next one in.
pub struct PollTurn<'a> {
    polls: &'a BotPolls,
    bot_id: String,
}

impl Drop for PollTurn<'_> {
    fn drop(&mut self) {
        if let Ok(mut pollers) = self.polls.pollers.lock() {
            pollers.remove(&self.bot_id);
        }
    }
}

impl BotPolls {
    /// Woken when an update is queued for the bot on this node.
    pub fn wakeup(&self, bot_id: &str) -> Arc<Notify> {
        let mut wakeups = self.wakeups.lock().unwrap_or_else(|e| e.into_inner());
        wakeups.entry(bot_id.to_owned()).or_default().clone()
    }

    /// The bot's turn to poll; `None` while another `getUpdates` of it is waiting.
    pub fn poll_turn(&self, bot_id: &str) -> Option<PollTurn<'_>> {
        let mut pollers = self.pollers.lock().unwrap_or_else(|e| e.into_inner());
        pollers.insert(bot_id.to_owned()).then(|| PollTurn {
            polls: self,
            bot_id: bot_id.to_owned(),
        })
    }

    /// Remembers why a push to the bot's webhook failed (`None`: it worked again).
    pub fn set_push_error(&self, bot_id: &str, error: Option<(i64, String)>) {
        let mut errors = self.push_errors.lock().unwrap_or_else(|e| e.into_inner());
        match error {
            Some(error) => errors.insert(bot_id.to_owned(), error),
            None => errors.remove(bot_id),
        };
    }

    pub fn last_push_error(&self, bot_id: &str) -> Option<(i64, String)> {
        let errors = self.push_errors.lock().unwrap_or_else(|e| e.into_inner());
        errors.get(bot_id).cloned()
    }

    /// Ends every long poll (shutdown must not wait for them).
    pub fn shut_down(&self) {
        self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
        self.closing.notify_waiters();
    }

    pub async fn closing(&self) {
        if self.closed.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        self.closing.notified().await;
    }
}
