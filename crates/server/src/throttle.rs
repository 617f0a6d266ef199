//! Coordinator login attempts, counted per name and per client address. After
//! [`Config::login_attempts`] failed ones for a name within [`Config::login_lockout`] of the
//! first one, that name is refused without checking a password until the lockout has passed; a
//! successful login clears the name's count. An address gets [`ADDRESS_FACTOR`] times as many
//! (many coordinators may share one address, a clinic's NAT or a TLS proxy), so one client
//! spraying names is stopped too. Unknown names are counted like known ones, so a lockout says
//! nothing about which names exist. Memory is bounded: at most [`MAX_TRACKED`] keys per counter,
//! each at most [`MAX_NAME_BYTES`] (longer names are refused before they are counted). The counts
//! live in this server process: behind a load balancer each server keeps its own.
//!
//! [`Config::login_attempts`]: crate::state::Config::login_attempts
//! [`Config::login_lockout`]: crate::state::Config::login_lockout

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys tracked at most per counter; beyond it the oldest entries are dropped first.
pub const MAX_TRACKED: usize = 10_000;

/// The longest login name accepted (in bytes); a longer one is refused before it is counted.
pub const MAX_NAME_BYTES: usize = 128;

/// How many times a name's allowance one client address gets.
pub const ADDRESS_FACTOR: u32 = 10;

/// Failures per name and per client address.
#[derive(Debug)]
pub struct LoginThrottle {
    attempts: u32,
    lockout: Duration,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    names: HashMap<String, Failures>,
    addresses: HashMap<IpAddr, Failures>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    first: Instant,
}

impl LoginThrottle {
    /// `attempts` failures within `lockout` lock a name (and `attempts` × [`ADDRESS_FACTOR`] an
    /// address) for the rest of `lockout`.
    pub fn new(attempts: u32, lockout: Duration) -> Self {
        LoginThrottle {
            attempts: attempts.max(1),
            lockout,
            counts: Mutex::new(Counts::default()),
        }
    }

    /// Take one login attempt for `name` from `address` (`None`: not known, counted by name
    /// only), counted as a failure until [`succeeded`] clears the name's count, in one step, so
    /// parallel attempts cannot slip past the limit while their passwords are being checked.
    /// `Err` is how long the caller must still wait (nothing is counted then).
    ///
    /// [`succeeded`]: LoginThrottle::succeeded
    pub fn attempt(
        &self,
        name: &str,
        address: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), Duration> {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let by_address = self.attempts.saturating_mul(ADDRESS_FACTOR);
        let address = address.map(address_key);
        let waits = [
            wait(&counts.names, name, self.attempts, self.lockout, now),
            address.and_then(|a| wait(&counts.addresses, &a, by_address, self.lockout, now)),
        ];
        if let Some(longest) = waits.into_iter().flatten().max() {
            return Err(longest);
        }
        count(
            &mut counts.names,
            name.to_owned(),
            self.lockout,
            self.attempts,
            now,
        );
        if let Some(address) = address {
            count(
                &mut counts.addresses,
                address,
                self.lockout,
                by_address,
                now,
            );
        }
        Ok(())
    }

    /// A successful login for `name`: forget its failures (the address keeps its count, so one
    /// valid account cannot reset an address that is guessing others).
    pub fn succeeded(&self, name: &str) {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts.names.remove(name);
    }
}

/// An address as counted: IPv4 as it is, IPv6 by its /64 (one subscriber's usual allocation).
fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
        v4 => v4,
    }
}

/// How long `key` must still wait, if it is locked.
fn wait<K, Q>(
    map: &HashMap<K, Failures>,
    key: &Q,
    attempts: u32,
    lockout: Duration,
    now: Instant,
) -> Option<Duration>
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: std::hash::Hash + Eq + ?Sized,
{
    let entry = map.get(key)?;
    let elapsed = now.saturating_duration_since(entry.first);
    (elapsed < lockout && entry.count >= attempts).then(|| lockout - elapsed)
}

/// Count one failure for `key` (a new window once the last one has passed).
fn count<K: std::hash::Hash + Eq + Clone>(
    map: &mut HashMap<K, Failures>,
    key: K,
    lockout: Duration,
    attempts: u32,
    now: Instant,
) {
    if let Some(entry) = map.get_mut(&key) {
        if now.saturating_duration_since(entry.first) >= lockout {
            *entry = Failures {
                count: 0,
                first: now,
            };
        }
        entry.count = entry.count.saturating_add(1);
        return;
    }
    if map.len() >= MAX_TRACKED {
        make_room(map, lockout, attempts, now);
    }
    map.insert(
        key,
        Failures {
            count: 1,
            first: now,
        },
    );
}

/// Drop expired entries; if none expired, the oldest key that is not locked (a locked one only
/// when every tracked key is locked), so spraying new keys cannot unlock one.
fn make_room<K: std::hash::Hash + Eq + Clone>(
    map: &mut HashMap<K, Failures>,
    lockout: Duration,
    attempts: u32,
    now: Instant,
) {
    map.retain(|_, f| now.saturating_duration_since(f.first) < lockout);
    if map.len() < MAX_TRACKED {
        return;
    }
    let oldest = map
        .iter()
        .min_by_key(|(_, f)| (f.count >= attempts, f.first))
        .map(|(key, _)| key.clone());
    if let Some(oldest) = oldest {
        map.remove(&oldest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn a_name_is_locked_after_the_allowed_attempts_until_the_lockout_has_passed() {
        let throttle = LoginThrottle::new(3, 15 * MINUTE);
        let start = Instant::now();
        for i in 0..3 {
            assert_eq!(
                throttle.attempt("coord", None, start + MINUTE * i),
                Ok(()),
                "attempt {i}"
            );
        }
        assert_eq!(
            throttle.attempt("coord", None, start + 2 * MINUTE),
            Err(13 * MINUTE)
        );
        assert_eq!(
            throttle.attempt("coord", None, start + 14 * MINUTE),
            Err(MINUTE)
        );
        assert_eq!(throttle.attempt("other", None, start + 2 * MINUTE), Ok(()));
        // After the lockout a new count starts.
        assert_eq!(throttle.attempt("coord", None, start + 15 * MINUTE), Ok(()));
    }

    #[test]
    fn parallel_attempts_count_before_their_passwords_are_checked() {
        let throttle = LoginThrottle::new(5, 15 * MINUTE);
        let now = Instant::now();
        let allowed = (0..200)
            .filter(|_| throttle.attempt("coord", None, now).is_ok())
            .count();
        assert_eq!(allowed, 5);
    }

    #[test]
    fn attempts_spread_wider_than_the_lockout_never_lock() {
        let throttle = LoginThrottle::new(3, 15 * MINUTE);
        let start = Instant::now();
        for i in 0..10 {
            assert_eq!(
                throttle.attempt("coord", None, start + 10 * MINUTE * i),
                Ok(()),
                "{i}"
            );
        }
    }

    #[test]
    fn a_successful_login_clears_the_count() {
        let throttle = LoginThrottle::new(3, 15 * MINUTE);
        let now = Instant::now();
        throttle.attempt("coord", None, now).unwrap();
        throttle.attempt("coord", None, now).unwrap();
        throttle.succeeded("coord");
        for _ in 0..3 {
            throttle.attempt("coord", None, now).unwrap();
        }
        assert!(throttle.attempt("coord", None, now).is_err());
    }

    #[test]
    fn many_new_names_stay_bounded_and_never_unlock_a_locked_name() {
        let throttle = LoginThrottle::new(2, 15 * MINUTE);
        let start = Instant::now();
        throttle.attempt("coord", None, start).unwrap();
        throttle.attempt("coord", None, start).unwrap();
        assert!(throttle.attempt("coord", None, start).is_err());
        for i in 0..(MAX_TRACKED as u32 + 50) {
            // One attempt each: tracked, not locked, none expired.
            let at = start + Duration::from_millis(i.into());
            throttle.attempt(&format!("name-{i}"), None, at).unwrap();
        }
        assert_eq!(throttle.counts.lock().unwrap().names.len(), MAX_TRACKED);
        assert!(
            throttle.attempt("coord", None, start + MINUTE).is_err(),
            "still locked"
        );
    }

    fn addr(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn one_address_spraying_names_is_locked_after_ten_times_a_names_allowance() {
        let throttle = LoginThrottle::new(2, 15 * MINUTE);
        let now = Instant::now();
        for i in 0..20 {
            assert_eq!(
                throttle.attempt(&format!("name-{i}"), addr("192.0.2.7"), now),
                Ok(()),
                "{i}"
            );
        }
        assert_eq!(
            throttle.attempt("another", addr("192.0.2.7"), now + MINUTE),
            Err(14 * MINUTE)
        );
        assert_eq!(throttle.attempt("another", addr("192.0.2.8"), now), Ok(()));
        // A success clears the name, not the address.
        throttle.succeeded("name-0");
        assert!(throttle.attempt("name-0", addr("192.0.2.7"), now).is_err());
    }

    #[test]
    fn ipv6_addresses_of_one_64_prefix_share_a_count() {
        let throttle = LoginThrottle::new(1, 15 * MINUTE);
        let now = Instant::now();
        for i in 0..10 {
            let address = addr(&format!("2001:db8:1:2::{i:x}"));
            throttle.attempt(&format!("n{i}"), address, now).unwrap();
        }
        assert!(
            throttle
                .attempt("x", addr("2001:db8:1:2:ffff::1"), now)
                .is_err()
        );
        assert!(throttle.attempt("x", addr("2001:db8:1:3::1"), now).is_ok());
    }
}
