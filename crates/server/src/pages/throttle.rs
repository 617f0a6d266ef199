//! Failed coordinator logins, counted per name. After [`Config::login_attempts`] failures within
//! [`Config::login_lockout`] of the first one, that name is refused without checking a password
//! until the lockout has passed; a successful login clears the count. Unknown names are counted
//! like known ones, so a lockout says nothing about which names exist. The count lives in this
//! server process: behind a load balancer each server keeps its own.
//!
//! [`Config::login_attempts`]: crate::api::Config::login_attempts
//! [`Config::login_lockout`]: crate::api::Config::login_lockout

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Names tracked at most; beyond it the oldest entries are dropped first.
const MAX_TRACKED: usize = 10_000;

/// Failures per name.
#[derive(Debug)]
pub struct LoginThrottle {
    attempts: u32,
    lockout: Duration,
    failures: Mutex<HashMap<String, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    first: Instant,
}

impl LoginThrottle {
    /// `attempts` failures within `lockout` lock a name for the rest of `lockout`.
    pub fn new(attempts: u32, lockout: Duration) -> Self {
        LoginThrottle {
            attempts: attempts.max(1),
            lockout,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// How long `name` must still wait, or `None` when it may try now.
    pub fn wait(&self, name: &str, now: Instant) -> Option<Duration> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let entry = failures.get(name)?;
        let elapsed = now.saturating_duration_since(entry.first);
        (entry.count >= self.attempts && elapsed < self.lockout).then(|| self.lockout - elapsed)
    }

    /// Count a failed login for `name`.
    pub fn failed(&self, name: &str, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if !failures.contains_key(name) && failures.len() >= MAX_TRACKED {
            let lockout = self.lockout;
            failures.retain(|_, f| now.saturating_duration_since(f.first) < lockout);
            if failures.len() >= MAX_TRACKED {
                let oldest = failures
                    .iter()
                    .min_by_key(|(_, f)| f.first)
                    .map(|(name, _)| name.clone());
                if let Some(oldest) = oldest {
                    failures.remove(&oldest);
                }
            }
        }
        let entry = failures.entry(name.to_owned()).or_insert(Failures {
            count: 0,
            first: now,
        });
        if now.saturating_duration_since(entry.first) >= self.lockout {
            *entry = Failures {
                count: 0,
                first: now,
            };
        }
        entry.count = entry.count.saturating_add(1);
    }

    /// A successful login for `name`: forget its failures.
    pub fn succeeded(&self, name: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn a_name_is_locked_after_the_allowed_failures_until_the_lockout_has_passed() {
        let throttle = LoginThrottle::new(3, 15 * MINUTE);
        let start = Instant::now();
        for i in 0..3 {
            assert_eq!(throttle.wait("coord", start), None, "before failure {i}");
            throttle.failed("coord", start + MINUTE * i);
        }
        assert_eq!(
            throttle.wait("coord", start + 2 * MINUTE),
            Some(13 * MINUTE)
        );
        assert_eq!(throttle.wait("coord", start + 14 * MINUTE), Some(MINUTE));
        assert_eq!(throttle.wait("other", start + 2 * MINUTE), None);
        assert_eq!(throttle.wait("coord", start + 15 * MINUTE), None);
        // After the lockout a failure starts a new count.
        throttle.failed("coord", start + 16 * MINUTE);
        assert_eq!(throttle.wait("coord", start + 16 * MINUTE), None);
    }

    #[test]
    fn failures_spread_wider_than_the_lockout_never_lock() {
        let throttle = LoginThrottle::new(3, 15 * MINUTE);
        let start = Instant::now();
        for i in 0..10 {
            let at = start + 10 * MINUTE * i;
            throttle.failed("coord", at);
            assert_eq!(throttle.wait("coord", at), None, "failure {i}");
        }
    }

    #[test]
    fn a_successful_login_clears_the_failures() {
        let throttle = LoginThrottle::new(3, 15 * MINUTE);
        let now = Instant::now();
        throttle.failed("coord", now);
        throttle.failed("coord", now);
        throttle.succeeded("coord");
        throttle.failed("coord", now);
        throttle.failed("coord", now);
        assert_eq!(throttle.wait("coord", now), None);
    }

    #[test]
    fn many_names_stay_bounded_and_the_newest_lock_still_holds() {
        let throttle = LoginThrottle::new(1, 15 * MINUTE);
        let start = Instant::now();
        for i in 0..(MAX_TRACKED as u32 + 50) {
            throttle.failed(
                &format!("name-{i}"),
                start + Duration::from_millis(i.into()),
            );
        }
        let tracked = throttle.failures.lock().unwrap().len();
        assert_eq!(tracked, MAX_TRACKED);
        let last = format!("name-{}", MAX_TRACKED + 49);
        assert!(throttle.wait(&last, start + MINUTE).is_some());
        assert_eq!(throttle.wait("name-0", start + MINUTE), None);
    }
}
