//! Login throttling against password guessing: per username and per client address.
//!
//! An attempt is *reserved* before its password is hashed, and a reserved attempt counts
//! against the limits until it turns out right. Counting only finished failures would let a
//! burst of parallel guesses through: every request would pass the check while the earlier
//! ones still wait for the hasher. So, however many arrive at once, at most
//! `max_failures_per_username` attempts for one username are evaluated in a window, at most
//! `max_failures_per_ip` from one address, and at most `max_in_flight_per_ip` from one address
//! wait for the hasher at any moment, so one address cannot starve everyone else's logins.
//!
//! A std mutex is enough: it guards a few map operations and is never held across `.await`.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The numbers a [`LoginThrottle`] enforces.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    pub max_failures_per_username: u32,
    pub max_failures_per_ip: u32,
    pub max_in_flight_per_ip: u32,
    pub window: Duration,
}

/// Why an attempt was not evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too many failed (or pending) attempts for this username in the window.
    Username { retry_after_secs: u64 },
    /// Too many failed (or pending) attempts from this address in the window.
    Address { retry_after_secs: u64 },
    /// Too many attempts from this address are waiting for the hasher right now.
    Busy,
}

/// Failures and pending attempts of one key (a username or an address) in its window.
#[derive(Debug)]
struct Tally {
    failures: u32,
    in_flight: u32,
    since: Instant,
}

impl Tally {
    fn new(now: Instant) -> Tally {
        Tally {
            failures: 0,
            in_flight: 0,
            since: now,
        }
    }

    /// Starts a new window when the old one is over (pending attempts carry over).
    fn roll(&mut self, now: Instant, window: Duration) {
        if now.duration_since(self.since) >= window {
            self.failures = 0;
            self.since = now;
        }
    }

    fn used(&self) -> u32 {
        self.failures + self.in_flight
    }

    fn retry_after_secs(&self, now: Instant, window: Duration) -> u64 {
        window
            .saturating_sub(now.duration_since(self.since))
            .as_secs()
            .max(1)
    }

    fn is_idle(&self, now: Instant, window: Duration) -> bool {
        self.in_flight == 0 && now.duration_since(self.since) >= window
    }
}

#[derive(Default)]
struct Tallies {
    by_username: HashMap<String, Tally>,
    by_ip: HashMap<IpAddr, Tally>,
    last_sweep: Option<Instant>,
}

impl Tallies {
    /// Forgets idle keys now and then, so guessed usernames do not pile up in memory.
    fn sweep(&mut self, now: Instant, window: Duration) {
        if self
            .last_sweep
            .is_some_and(|at| now.duration_since(at) < window)
        {
            return;
        }
        self.last_sweep = Some(now);
        self.by_username.retain(|_, t| !t.is_idle(now, window));
        self.by_ip.retain(|_, t| !t.is_idle(now, window));
    }
}

/// Counts login attempts per (lower-cased) username and per client address.
pub struct LoginThrottle {
    tallies: Mutex<Tallies>,
    limits: ThrottleLimits,
}

impl LoginThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        LoginThrottle {
            tallies: Mutex::new(Tallies::default()),
            limits,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Tallies> {
        self.tallies.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reserves one attempt for `username` from `ip`, or says why it may not be made now.
    /// The reservation holds until [`Attempt::succeeded`] or [`Attempt::failed`]; dropping it
    /// unresolved (an error before the verdict) gives it back.
    pub fn reserve(&self, username: &str, ip: IpAddr) -> Result<Attempt<'_>, Refusal> {
        let username = username.to_lowercase();
        let ip = address_key(ip);
        let window = self.limits.window;
        let now = Instant::now();
        let mut tallies = self.lock();
        tallies.sweep(now, window);
        // A username gets a tally only once an attempt is reserved for it, so refused guesses
        // at made-up usernames cost no memory.
        if let Some(user) = tallies.by_username.get_mut(&username) {
            user.roll(now, window);
            if user.used() >= self.limits.max_failures_per_username {
                return Err(Refusal::Username {
                    retry_after_secs: user.retry_after_secs(now, window),
                });
            }
        }
        let address = tally(&mut tallies.by_ip, &ip, now, window);
        if address.in_flight >= self.limits.max_in_flight_per_ip {
            return Err(Refusal::Busy);
        }
        if address.used() >= self.limits.max_failures_per_ip {
            return Err(Refusal::Address {
                retry_after_secs: address.retry_after_secs(now, window),
            });
        }
        address.in_flight += 1;
        tally(&mut tallies.by_username, &username, now, window).in_flight += 1;
        Ok(Attempt {
            throttle: self,
            username,
            ip,
            resolved: false,
        })
    }

    fn release(&self, username: &str, ip: IpAddr, verdict: Option<bool>) {
        let now = Instant::now();
        let window = self.limits.window;
        let mut tallies = self.lock();
        if let Some(user) = tallies.by_username.get_mut(username) {
            user.in_flight = user.in_flight.saturating_sub(1);
            user.roll(now, window);
            match verdict {
                Some(true) => user.failures = 0,
                Some(false) => user.failures += 1,
                None => {}
            }
        }
        if let Some(address) = tallies.by_ip.get_mut(&ip) {
            address.in_flight = address.in_flight.saturating_sub(1);
            address.roll(now, window);
            // A right password does not clear the address: one address may be guessing many
            // usernames and know one of them.
            if verdict == Some(false) {
                address.failures += 1;
            }
        }
    }
}

/// The key an address is counted under: IPv4 as it is, IPv6 by its /64, the block one
/// subscriber usually holds whole (otherwise every guess could come from a new address).
fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The tally of `key`, in its current window, created when missing.
fn tally<'a, K: Hash + Eq + Clone>(
    map: &'a mut HashMap<K, Tally>,
    key: &K,
    now: Instant,
    window: Duration,
) -> &'a mut Tally {
    let tally = map.entry(key.clone()).or_insert_with(|| Tally::new(now));
    tally.roll(now, window);
    tally
}

/// A reserved login attempt; see [`LoginThrottle::reserve`].
pub struct Attempt<'a> {
    throttle: &'a LoginThrottle,
    username: String,
    ip: IpAddr,
    resolved: bool,
}

impl Attempt<'_> {
    /// The password was right: the username's failures are forgotten.
    pub fn succeeded(mut self) {
        self.resolved = true;
        self.throttle.release(&self.username, self.ip, Some(true));
    }

    /// The password (or username) was wrong: it counts for both the username and the address.
    pub fn failed(mut self) {
        self.resolved = true;
        self.throttle.release(&self.username, self.ip, Some(false));
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.resolved {
            self.throttle.release(&self.username, self.ip, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const ELSEWHERE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 7));

    fn throttle(per_username: u32, per_ip: u32, in_flight: u32) -> LoginThrottle {
        LoginThrottle::new(ThrottleLimits {
            max_failures_per_username: per_username,
            max_failures_per_ip: per_ip,
            max_in_flight_per_ip: in_flight,
            window: Duration::from_secs(60),
        })
    }

    #[test]
    fn locks_after_too_many_failures_and_success_unlocks() {
        let throttle = throttle(3, 100, 100);
        for _ in 0..3 {
            throttle
                .reserve("anna", HOME)
                .expect("not locked yet")
                .failed();
        }
        assert!(matches!(
            throttle.reserve("ANNA", ELSEWHERE),
            Err(Refusal::Username { .. })
        ));
        assert!(
            throttle.reserve("pere", HOME).is_ok(),
            "other usernames go on"
        );
    }

    #[test]
    fn pending_attempts_count_so_parallel_guesses_cannot_pass_the_limit() {
        let throttle = throttle(10, 1_000, 1_000);
        let pending: Vec<_> = (0..1_000)
            .filter_map(|_| throttle.reserve("anna", HOME).ok())
            .collect();
        assert_eq!(pending.len(), 10, "only the limit is ever evaluated");
        for attempt in pending {
            attempt.failed();
        }
        assert!(throttle.reserve("anna", HOME).is_err());
    }

    #[test]
    fn an_abandoned_attempt_is_given_back() {
        let throttle = throttle(1, 100, 100);
        drop(throttle.reserve("anna", HOME).expect("first"));
        throttle
            .reserve("anna", HOME)
            .expect("given back")
            .succeeded();
        assert!(throttle.reserve("anna", HOME).is_ok());
    }

    #[test]
    fn one_address_guessing_many_usernames_is_stopped() {
        let throttle = throttle(10, 5, 100);
        for i in 0..5 {
            throttle
                .reserve(&format!("user{i}"), HOME)
                .expect("under")
                .failed();
        }
        assert!(matches!(
            throttle.reserve("user99", HOME),
            Err(Refusal::Address { .. })
        ));
        assert!(throttle.reserve("user99", ELSEWHERE).is_ok());
    }

    #[test]
    fn refused_guesses_at_made_up_usernames_keep_nothing() {
        let throttle = throttle(10, 1, 100);
        throttle.reserve("real", HOME).expect("first").failed();
        for i in 0..1_000 {
            assert!(throttle.reserve(&format!("made-up-{i}"), HOME).is_err());
        }
        assert_eq!(throttle.lock().by_username.len(), 1);
    }

    #[test]
    fn an_ipv6_block_counts_as_one_address() {
        let throttle = throttle(100, 2, 100);
        for host in ["2001:db8:1:2::1", "2001:db8:1:2::2"] {
            let ip: IpAddr = host.parse().expect("ip");
            throttle
                .reserve("anna", ip)
                .expect("under the limit")
                .failed();
        }
        let same_block: IpAddr = "2001:db8:1:2:ffff::9".parse().expect("ip");
        assert!(matches!(
            throttle.reserve("pere", same_block),
            Err(Refusal::Address { .. })
        ));
        let other_block: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        assert!(throttle.reserve("pere", other_block).is_ok());
    }

    #[test]
    fn one_address_may_only_queue_a_few_hashes_at_once() {
        let throttle = throttle(100, 100, 2);
        let first = throttle.reserve("a", HOME).expect("1");
        let _second = throttle.reserve("b", HOME).expect("2");
        assert_eq!(throttle.reserve("c", HOME).err(), Some(Refusal::Busy));
        assert!(throttle.reserve("c", ELSEWHERE).is_ok());
        first.failed();
        assert!(throttle.reserve("c", HOME).is_ok());
    }
}
