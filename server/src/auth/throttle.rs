//! Failed-login throttling per username, against password guessing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts failed logins per (lower-cased) username in a fixed window.
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    max_failures: u32,
    window: Duration,
}

impl LoginThrottle {
    pub fn new(max_failures: u32, window_secs: u64) -> Self {
        LoginThrottle {
            failures: Mutex::new(HashMap::new()),
            max_failures,
            window: Duration::from_secs(window_secs),
        }
    }

    /// Seconds to wait before trying this username again, if it is locked now.
    pub fn locked_for(&self, username: &str) -> Option<u64> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let (count, since) = failures.get(&username.to_lowercase())?;
        let elapsed = since.elapsed();
        if *count >= self.max_failures && elapsed < self.window {
            Some((self.window - elapsed).as_secs().max(1))
        } else {
            None
        }
    }

    pub fn record_failure(&self, username: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        failures.retain(|_, (_, since)| now.duration_since(*since) < self.window);
        let entry = failures.entry(username.to_lowercase()).or_insert((0, now));
        entry.0 += 1;
    }

    pub fn record_success(&self, username: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.remove(&username.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_too_many_failures_and_success_unlocks() {
        let throttle = LoginThrottle::new(3, 60);
        for _ in 0..3 {
            assert!(throttle.locked_for("Anna").is_none());
            throttle.record_failure("anna");
        }
        assert!(throttle.locked_for("ANNA").is_some());
        throttle.record_success("anna");
        assert!(throttle.locked_for("anna").is_none());
    }
}
