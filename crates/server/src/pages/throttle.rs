//! Coordinator login attempts, counted per name. After [`Config::login_attempts`] failed ones
//! within [`Config::login_lockout`] of the first one, that name is refused without checking a
//! password until the lockout has passed; a successful login clears the count. Unknown names are counted
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

    /// Take one login attempt for `name`, counted as a failure until [`succeeded`] clears it,
    /// in one step, so parallel attempts cannot slip past the limit while their passwords are
    /// being checked. `Err` is how long the name must still wait (nothing is counted then).
    ///
    /// [`succeeded`]: LoginThrottle::succeeded
    pub fn attempt(&self, name: &str, now: Instant) -> Result<(), Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = failures.get_mut(name) {
            let elapsed = now.saturating_duration_since(entry.first);
            if elapsed >= self.lockout {
                *entry = Failures {
                    count: 0,
                    first: now,
                };
            } else if entry.count >= self.attempts {
                return Err(self.lockout - elapsed);
            }
            entry.count = entry.count.saturating_add(1);
            return Ok(());
        }
        if failures.len() >= MAX_TRACKED {
            self.make_room(&mut failures, now);
        }
        failures.insert(
            name.to_owned(),
            Failures {
                count: 1,
                first: now,
            },
        );
        Ok(())
    }

    /// Drop expired entries; if none expired, the oldest name that is not locked (a locked one
    /// only when every tracked name is locked), so spraying new names cannot unlock a name.
    fn make_room(&self, failures: &mut HashMap<String, Failures>, now: Instant) {
        let lockout = self.lockout;
        failures.retain(|_, f| now.saturating_duration_since(f.first) < lockout);
        if failures.len() < MAX_TRACKED {
            return;
        }
        let attempts = self.attempts;
        let oldest = failures
            .iter()
            .min_by_key(|(_, f)| (f.count >= attempts, f.first))
            .map(|(name, _)| name.clone());
        if let Some(oldest) = oldest {
            failures.remove(&oldest);
        }
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
    fn a_name_is_locked_after_the_allowed_attempts_until_the_lockout_has_passed() {
        let throttle = LoginThrottle::new(3, 15 * MINUTE);
        let start = Instant::now();
        for i in 0..3 {
            assert_eq!(
                throttle.attempt("coord", start + MINUTE * i),
                Ok(()),
                "attempt {i}"
            );
        }
        assert_eq!(
            throttle.attempt("coord", start + 2 * MINUTE),
            Err(13 * MINUTE)
        );
        assert_eq!(throttle.attempt("coord", start + 14 * MINUTE), Err(MINUTE));
        assert_eq!(throttle.attempt("other", start + 2 * MINUTE), Ok(()));
        // After the lockout a new count starts.
        assert_eq!(throttle.attempt("coord", start + 15 * MINUTE), Ok(()));
    }

    #[test]
    fn parallel_attempts_count_before_their_passwords_are_checked() {
        let throttle = LoginThrottle::new(5, 15 * MINUTE);
        let now = Instant::now();
        let allowed = (0..200)
            .filter(|_| throttle.attempt("coord", now).is_ok())
            .count();
        assert_eq!(allowed, 5);
    }

    #[test]
    fn attempts_spread_wider_than_the_lockout_never_lock() {
        let throttle = LoginThrottle::new(3, 15 * MINUTE);
        let start = Instant::now();
        for i in 0..10 {
            assert_eq!(
                throttle.attempt("coord", start + 10 * MINUTE * i),
                Ok(()),
                "{i}"
            );
        }
    }

    #[test]
    fn a_successful_login_clears_the_count() {
        let throttle = LoginThrottle::new(3, 15 * MINUTE);
        let now = Instant::now();
        throttle.attempt("coord", now).unwrap();
        throttle.attempt("coord", now).unwrap();
        throttle.succeeded("coord");
        for _ in 0..3 {
            throttle.attempt("coord", now).unwrap();
        }
        assert!(throttle.attempt("coord", now).is_err());
    }

    #[test]
    fn many_new_names_stay_bounded_and_never_unlock_a_locked_name() {
        let throttle = LoginThrottle::new(2, 15 * MINUTE);
        let start = Instant::now();
        throttle.attempt("coord", start).unwrap();
        throttle.attempt("coord", start).unwrap();
        assert!(throttle.attempt("coord", start).is_err());
        for i in 0..(MAX_TRACKED as u32 + 50) {
            // One attempt each: tracked, not locked, none expired.
            let at = start + Duration::from_millis(i.into());
            throttle.attempt(&format!("name-{i}"), at).unwrap();
        }
        assert_eq!(throttle.failures.lock().unwrap().len(), MAX_TRACKED);
        assert!(
            throttle.attempt("coord", start + MINUTE).is_err(),
            "still locked"
        );
    }
}
