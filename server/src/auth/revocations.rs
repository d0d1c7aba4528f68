//! Sessions revoked while their access tokens may still be unexpired.
//!
//! A JWT cannot be recalled, so every authenticated request checks its session id here. An
//! entry is needed only for one access-token lifetime after revocation; older ones are pruned.
//! A std `RwLock` suffices: it is held for a hash lookup and never across an `.await`.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// The set of recently revoked session ids.
pub struct Revocations {
    revoked: RwLock<HashMap<String, Instant>>,
    keep_for: Duration,
}

impl Revocations {
    pub fn new(access_ttl_secs: u64) -> Self {
        Revocations {
            revoked: RwLock::new(HashMap::new()),
            // A little past the token lifetime, to cover the verification leeway.
            keep_for: Duration::from_secs(access_ttl_secs + 60),
        }
    }

    pub fn revoke(&self, session_id: &str) {
        let mut revoked = self.revoked.write().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        revoked.retain(|_, at| now.duration_since(*at) < self.keep_for);
        revoked.insert(session_id.to_owned(), now);
    }

    pub fn is_revoked(&self, session_id: &str) -> bool {
        let revoked = self.revoked.read().unwrap_or_else(|p| p.into_inner());
        revoked.contains_key(session_id)
    }
}
