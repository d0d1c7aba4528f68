//! Per-user rate limits: how often one account may send, edit, react, create channels, upload,
//! search and run commands.
//!
//! A person never comes near these numbers; a script or a bot stuck in a loop does, and without
//! a limit it fills every member's timeline and the disk. Each (account, action) has a token
//! bucket: `burst` tokens, refilled at `per_second`. A bucket starts full, so the first burst
//! always passes; past it, the caller is told how long to wait for the next token (a 429 with
//! `Retry-After` over REST, an `error` frame with `rate_limited` and `retry_after_ms` on the
//! socket, a 429 with `retry_after` on the Bot API).
//!
//! The buckets live in this node's memory: with several nodes, an account whose sockets and
//! requests land on two nodes gets up to twice the rate, which is still bounded. A std mutex
//! per action is enough: it guards one map lookup and is never held across `.await`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::error::{AppError, AppResult};

/// What a limit applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Posting a message (REST, socket, Bot API), in a channel, thread or DM.
    Send,
    /// Editing a message.
    Edit,
    /// Adding or removing a reaction.
    React,
    /// Creating a channel.
    CreateChannel,
    /// Uploading a file.
    Upload,
    /// Searching.
    Search,
    /// Running a slash command.
    Command,
}

impl Action {
    const ALL: [Action; 7] = [
        Action::Send,
        Action::Edit,
        Action::React,
        Action::CreateChannel,
        Action::Upload,
        Action::Search,
        Action::Command,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// What the refusal tells the caller it did too often.
    fn doing(self) -> &'static str {
        match self {
            Action::Send => "sending messages",
            Action::Edit => "editing messages",
            Action::React => "reacting",
            Action::CreateChannel => "creating channels",
            Action::Upload => "uploading files",
            Action::Search => "searching",
            Action::Command => "running commands",
        }
    }
}

/// One action's limit: `burst` at once, then `per_second` on average.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    pub burst: u32,
    pub per_second: f64,
}

impl Rate {
    const fn new(burst: u32, per_second: f64) -> Rate {
        Rate { burst, per_second }
    }
}

/// `[rate_limits]` in `xerrada.toml`. The defaults let a person type, paste and click as fast
/// as they like, let a bot post a burst of notifications or a script import a thousand
/// messages, while a loop is held to a steady pace and cannot fill a channel or the disk.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitSettings {
    /// `false` turns every limit off (a load test against a server of one's own).
    pub enabled: bool,
    pub send: Rate,
    pub edit: Rate,
    pub react: Rate,
    pub create_channel: Rate,
    pub upload: Rate,
    pub search: Rate,
    pub command: Rate,
    /// Typing indicators: at most one relayed per person and channel in this interval (the
    /// web client sends one every 3 s while someone types, and shows it for 6 s).
    pub typing_interval_ms: u64,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        RateLimitSettings {
            enabled: true,
            send: Rate::new(2_000, 30.0),
            edit: Rate::new(500, 10.0),
            react: Rate::new(2_000, 30.0),
            create_channel: Rate::new(200, 0.5),
            upload: Rate::new(100, 2.0),
            search: Rate::new(100, 10.0),
            command: Rate::new(100, 5.0),
            typing_interval_ms: 2_500,
        }
    }
}

impl RateLimitSettings {
    fn rate(&self, action: Action) -> Rate {
        match action {
            Action::Send => self.send,
            Action::Edit => self.edit,
            Action::React => self.react,
            Action::CreateChannel => self.create_channel,
            Action::Upload => self.upload,
            Action::Search => self.search,
            Action::Command => self.command,
        }
    }

    /// Refuses limits that would block every request or never refill.
    pub fn check(&self) -> Result<(), String> {
        for action in Action::ALL {
            let rate = self.rate(action);
            if rate.burst == 0 || !(rate.per_second > 0.0 && rate.per_second.is_finite()) {
                return Err(format!(
                    "rate_limits for {}: burst must be at least 1 and per_second above 0",
                    action.doing()
                ));
            }
        }
        Ok(())
    }
}

/// A token bucket: `tokens` as of `at`.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    /// Takes a token, or says how long until one is there.
    fn take(&mut self, rate: Rate, now: Instant) -> Result<(), Duration> {
        let refilled = self.tokens + now.duration_since(self.at).as_secs_f64() * rate.per_second;
        self.tokens = refilled.min(f64::from(rate.burst));
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - self.tokens) / rate.per_second,
            ))
        }
    }

    /// Whether the bucket has refilled to the brim by `now`: then forgetting it changes nothing.
    fn is_full(&self, rate: Rate, now: Instant) -> bool {
        self.tokens + now.duration_since(self.at).as_secs_f64() * rate.per_second
            >= f64::from(rate.burst)
    }
}

/// Buckets kept per action before full ones are forgotten.
const PRUNE_AT: usize = 4096;

/// This node's buckets.
pub struct RateLimiter {
    settings: RateLimitSettings,
    buckets: [Mutex<HashMap<String, Bucket>>; 7],
    /// When each (person, channel) last had a typing indicator relayed.
    typing: Mutex<HashMap<(String, String), Instant>>,
}

impl RateLimiter {
    pub fn new(settings: RateLimitSettings) -> RateLimiter {
        RateLimiter {
            settings,
            buckets: Default::default(),
            typing: Mutex::default(),
        }
    }

    /// Whether a `typing` frame from `user_id` in `channel_id` should be relayed: the first in
    /// each `typing_interval_ms` is, the rest are dropped without an error (a client that
    /// repeats the frame on every key press is not doing anything wrong, only wasteful, and
    /// 10,000 relays in a fraction of a second froze the browsers that received them).
    pub fn relay_typing(&self, user_id: &str, channel_id: &str) -> bool {
        self.relay_typing_at(user_id, channel_id, Instant::now())
    }

    fn relay_typing_at(&self, user_id: &str, channel_id: &str, now: Instant) -> bool {
        let interval = Duration::from_millis(self.settings.typing_interval_ms);
        let mut last = self
            .typing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let key = (user_id.to_owned(), channel_id.to_owned());
        if let Some(at) = last.get(&key)
            && now.duration_since(*at) < interval
        {
            return false;
        }
        if last.len() >= PRUNE_AT {
            last.retain(|_, at| now.duration_since(*at) < interval);
        }
        last.insert(key, now);
        true
    }

    /// Counts one `action` by `user_id`; `rate_limited` when its bucket is empty.
    pub fn check(&self, user_id: &str, action: Action) -> AppResult<()> {
        self.check_at(user_id, action, Instant::now())
    }

    fn check_at(&self, user_id: &str, action: Action, now: Instant) -> AppResult<()> {
        if !self.settings.enabled {
            return Ok(());
        }
        let rate = self.settings.rate(action);
        let mut buckets = self.buckets[action.index()]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Every send passes here: a known account costs a lookup, not an allocation.
        let taken = match buckets.get_mut(user_id) {
            Some(bucket) => bucket.take(rate, now),
            None => {
                if buckets.len() >= PRUNE_AT {
                    buckets.retain(|_, bucket| !bucket.is_full(rate, now));
                }
                let mut bucket = Bucket {
                    tokens: f64::from(rate.burst),
                    at: now,
                };
                let taken = bucket.take(rate, now);
                buckets.insert(user_id.to_owned(), bucket);
                taken
            }
        };
        taken.map_err(|retry_after| AppError::RateLimited {
            message: format!(
                "too many requests: you are {} too fast; wait and try again",
                action.doing()
            ),
            retry_after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(burst: u32, per_second: f64) -> RateLimiter {
        RateLimiter::new(RateLimitSettings {
            send: Rate::new(burst, per_second),
            ..RateLimitSettings::default()
        })
    }

    fn retry_after(result: AppResult<()>) -> Duration {
        match result {
            Err(AppError::RateLimited { retry_after, .. }) => retry_after,
            other => panic!("expected rate_limited, got {other:?}"),
        }
    }

    #[test]
    fn a_burst_passes_then_the_rate_refills_one_token_at_a_time() {
        let limiter = limiter(3, 2.0);
        let start = Instant::now();
        for _ in 0..3 {
            limiter.check_at("ada", Action::Send, start).expect("burst");
        }
        let wait = retry_after(limiter.check_at("ada", Action::Send, start));
        assert_eq!(wait, Duration::from_millis(500), "one token every 500 ms");
        let later = start + Duration::from_millis(500);
        limiter
            .check_at("ada", Action::Send, later)
            .expect("refilled");
        assert!(limiter.check_at("ada", Action::Send, later).is_err());
    }

    #[test]
    fn people_and_actions_have_buckets_of_their_own() {
        let limiter = limiter(1, 1.0);
        let now = Instant::now();
        limiter.check_at("ada", Action::Send, now).expect("ada");
        assert!(limiter.check_at("ada", Action::Send, now).is_err());
        limiter
            .check_at("bob", Action::Send, now)
            .expect("bob is not ada");
        limiter
            .check_at("ada", Action::Edit, now)
            .expect("edits count apart");
    }

    #[test]
    fn a_refill_never_exceeds_the_burst() {
        let limiter = limiter(2, 100.0);
        let start = Instant::now();
        limiter.check_at("ada", Action::Send, start).expect("first");
        let much_later = start + Duration::from_secs(3600);
        for _ in 0..2 {
            limiter
                .check_at("ada", Action::Send, much_later)
                .expect("burst");
        }
        assert!(limiter.check_at("ada", Action::Send, much_later).is_err());
    }

    #[test]
    fn full_buckets_are_forgotten_and_busy_ones_kept() {
        let limiter = limiter(1, 1.0);
        let start = Instant::now();
        limiter.check_at("busy", Action::Send, start).expect("busy");
        for n in 0..PRUNE_AT {
            limiter
                .check_at(
                    &format!("u{n}"),
                    Action::Send,
                    start - Duration::from_secs(5),
                )
                .expect("first");
        }
        limiter
            .check_at("newcomer", Action::Send, start)
            .expect("newcomer");
        let kept = limiter.buckets[Action::Send.index()].lock().expect("lock");
        assert!(kept.len() < 10, "refilled buckets were dropped");
        assert!(kept.contains_key("busy"), "an empty bucket is remembered");
    }

    #[test]
    fn typing_is_relayed_once_per_interval_per_person_and_channel() {
        let limiter = RateLimiter::new(RateLimitSettings::default());
        let start = Instant::now();
        assert!(limiter.relay_typing_at("ada", "c1", start));
        for ms in [1, 100, 2_499] {
            let at = start + Duration::from_millis(ms);
            assert!(!limiter.relay_typing_at("ada", "c1", at), "{ms} ms later");
        }
        assert!(
            limiter.relay_typing_at("ada", "c2", start),
            "another channel"
        );
        assert!(
            limiter.relay_typing_at("bob", "c1", start),
            "another person"
        );
        let next = start + Duration::from_millis(2_500);
        assert!(
            limiter.relay_typing_at("ada", "c1", next),
            "the next interval"
        );
    }

    #[test]
    fn disabled_limits_refuse_nothing_and_bad_settings_are_refused() {
        let off = RateLimiter::new(RateLimitSettings {
            enabled: false,
            send: Rate::new(1, 1.0),
            ..RateLimitSettings::default()
        });
        let now = Instant::now();
        for _ in 0..10 {
            off.check_at("ada", Action::Send, now).expect("off");
        }
        assert!(RateLimitSettings::default().check().is_ok());
        let zero = RateLimitSettings {
            search: Rate::new(0, 1.0),
            ..RateLimitSettings::default()
        };
        assert!(zero.check().is_err());
        let never = RateLimitSettings {
            upload: Rate::new(5, 0.0),
            ..RateLimitSettings::default()
        };
        assert!(never.check().is_err());
    }
}
