//! The failed-unlock counter: after three wrong passphrases in a row, each further attempt must
//! wait twice as long as the last (1 s, 2 s, 4 s … up to 5 minutes).
//!
//! It lives in a small file beside the database, since the database cannot be read before the
//! unlock. It slows guessing through the app; Argon2id is what makes offline guessing expensive.
//!
//! Each attempt is counted before its passphrase is checked, in one step under an exclusive lock
//! of `unlock-attempts.lock`, so parallel guesses can neither slip past the limit nor be counted
//! as fewer (six parallel guesses were counted as four); a success clears the count. Waits are
//! measured on the kernel's boot clock (`/proc/uptime`, which setting the date does not move)
//! while the tablet has not restarted (same `boot_id`), and on the wall clock otherwise, where a
//! clock set back counts as no time passed, so it never shortens a wait. Only a restart followed
//! by a clock set forward can shorten one.

use crate::error::{Error, Result};
use crate::fsutil::write_atomic;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const FREE_ATTEMPTS: u32 = 3;
const MAX_WAIT_S: u64 = 300;

/// The counter for one data directory.
#[derive(Debug)]
pub struct Attempts {
    path: PathBuf,
    lock: PathBuf,
}

/// When an attempt happens, on both clocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptTime {
    /// Seconds since the Unix epoch (the wall clock: can be set).
    pub unix_s: u64,
    /// This boot's id and the milliseconds since it (`None` where the system does not say).
    pub boot: Option<(String, u64)>,
}

impl AttemptTime {
    /// Now.
    pub fn now() -> AttemptTime {
        let unix_s = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        AttemptTime {
            unix_s,
            boot: boot_clock(),
        }
    }
}

/// `/proc/sys/kernel/random/boot_id` and `/proc/uptime` (Linux and Android).
fn boot_clock() -> Option<(String, u64)> {
    let id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
    let seconds: f64 = uptime.split_whitespace().next()?.parse().ok()?;
    // Uptime is a small positive number of seconds: the cast cannot overflow or go negative.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let millis = (seconds * 1000.0) as u64;
    Some((id.trim().to_owned(), millis))
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    failures: u32,
    last_failure_unix_s: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    boot_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_failure_uptime_ms: Option<u64>,
}

impl Attempts {
    /// The counter kept in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Attempts {
            path: dir.join("unlock-attempts.json"),
            lock: dir.join("unlock-attempts.lock"),
        }
    }

    fn read(&self) -> State {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Hold the counter's lock for `f`.
    fn locked<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock)
            .map_err(Error::io("the unlock-attempt lock"))?;
        crate::fsutil::make_private(&self.lock).map_err(Error::io("the unlock-attempt lock"))?;
        file.lock().map_err(Error::io("the unlock-attempt lock"))?;
        let result = f();
        drop(file); // releases the lock
        result
    }

    /// Take one attempt at `now`: refused while the caller must still wait (nothing counted
    /// then), otherwise counted as a failure until [`reset`](Attempts::reset) clears it.
    pub fn begin(&self, now: &AttemptTime) -> Result<()> {
        self.locked(|| {
            let mut state = self.read();
            let remaining_ms = remaining_wait_ms(&state, now);
            if remaining_ms > 0 {
                return Err(Error::TooManyAttempts {
                    retry_after_s: remaining_ms.div_ceil(1000),
                });
            }
            state.failures = state.failures.saturating_add(1);
            state.last_failure_unix_s = now.unix_s;
            state.boot_id = now.boot.as_ref().map(|(id, _)| id.clone());
            state.last_failure_uptime_ms = now.boot.as_ref().map(|(_, ms)| *ms);
            let bytes = serde_json::to_vec(&state).map_err(|e| Error::KeySlots(e.to_string()))?;
            write_atomic(&self.path, &bytes).map_err(Error::io("the unlock-attempt counter"))
        })
    }

    /// Clear the count after a successful attempt.
    pub fn reset(&self) {
        let _ = self.locked(|| {
            let _ = std::fs::remove_file(&self.path);
            Ok(())
        });
    }

    /// Take back the attempt [`begin`](Attempts::begin) counted, for one that turned out not to
    /// be a guess (the slot file could not be read, …).
    pub fn forget_one(&self) {
        let _ = self.locked(|| {
            let mut state = self.read();
            state.failures = state.failures.saturating_sub(1);
            let bytes = serde_json::to_vec(&state).map_err(|e| Error::KeySlots(e.to_string()))?;
            write_atomic(&self.path, &bytes).map_err(Error::io("the unlock-attempt counter"))
        });
    }

    /// Failures counted so far (for tests and status).
    pub fn failures(&self) -> u32 {
        self.read().failures
    }
}

/// How long the next attempt must still wait after `state`'s failures, seen at `now`.
fn remaining_wait_ms(state: &State, now: &AttemptTime) -> u64 {
    let wait_ms = required_wait_s(state.failures).saturating_mul(1000);
    if wait_ms == 0 {
        return 0;
    }
    let elapsed_ms = match (&state.boot_id, state.last_failure_uptime_ms, &now.boot) {
        (Some(then_boot), Some(then_ms), Some((boot, ms))) if then_boot == boot => {
            ms.saturating_sub(then_ms)
        }
        // Another boot, or no boot clock: the wall clock, where going back means no time passed.
        _ => now
            .unix_s
            .saturating_sub(state.last_failure_unix_s)
            .saturating_mul(1000),
    };
    wait_ms.saturating_sub(elapsed_ms)
}

fn required_wait_s(failures: u32) -> u64 {
    if failures < FREE_ATTEMPTS {
        0
    } else {
        let exponent = (failures - FREE_ATTEMPTS).min(16);
        (1u64 << exponent).min(MAX_WAIT_S)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(unix_s: u64, boot: &str, uptime_ms: u64) -> AttemptTime {
        AttemptTime {
            unix_s,
            boot: Some((boot.to_owned(), uptime_ms)),
        }
    }

    #[test]
    fn three_failures_are_free_then_the_wait_doubles_to_a_cap() {
        let waits: Vec<u64> = (0..14).map(required_wait_s).collect();
        assert_eq!(&waits[..7], &[0, 0, 0, 1, 2, 4, 8]);
        assert_eq!(waits[13], MAX_WAIT_S);
    }

    #[test]
    fn a_fourth_attempt_right_after_three_failures_must_wait_and_a_success_clears_the_count() {
        let dir = tempfile::tempdir().unwrap();
        let attempts = Attempts::in_dir(dir.path());
        for _ in 0..3 {
            attempts.begin(&at(1000, "b", 5_000)).unwrap();
        }
        assert!(matches!(
            attempts.begin(&at(1000, "b", 5_400)),
            Err(Error::TooManyAttempts { retry_after_s: 1 })
        ));
        attempts.begin(&at(1001, "b", 6_000)).unwrap();
        assert_eq!(attempts.failures(), 4);
        attempts.reset();
        assert_eq!(attempts.failures(), 0);
        attempts.begin(&at(1001, "b", 6_000)).unwrap();
    }

    #[test]
    fn parallel_attempts_are_each_counted_and_only_the_free_ones_pass_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let passed = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..12)
                .map(|_| {
                    scope.spawn(|| {
                        Attempts::in_dir(dir.path())
                            .begin(&at(1000, "b", 5_000))
                            .is_ok()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap())
                .filter(|ok| *ok)
                .count()
        });
        assert_eq!(passed, 3);
        assert_eq!(Attempts::in_dir(dir.path()).failures(), 3);
    }

    #[test]
    fn a_clock_set_forward_does_not_skip_a_wait_while_the_tablet_runs() {
        let dir = tempfile::tempdir().unwrap();
        let attempts = Attempts::in_dir(dir.path());
        // Six attempts, far enough apart on the boot clock to be allowed.
        for i in 0..6u64 {
            attempts.begin(&at(1000, "b", 1_000_000 * (i + 1))).unwrap();
        }
        // The sixth failure asks for an 8 s wait; the date jumps a day ahead 1 s later.
        let later = at(1000 + 86_400, "b", 6_000_000 + 1_000);
        assert!(matches!(
            attempts.begin(&later),
            Err(Error::TooManyAttempts { retry_after_s: 7 })
        ));
        assert!(
            attempts
                .begin(&at(1000 + 86_400, "b", 6_000_000 + 8_000))
                .is_ok()
        );
    }

    #[test]
    fn a_clock_set_back_never_shortens_a_wait_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let attempts = Attempts::in_dir(dir.path());
        for i in 0..4u64 {
            attempts
                .begin(&at(10_000 + 100 * i, "boot-1", 1_000_000 * (i + 1)))
                .unwrap();
        }
        // After a restart (new boot) with the clock an hour back, the full 2 s wait still holds.
        let after_restart = at(10_300 - 3_600, "boot-2", 500);
        assert!(matches!(
            attempts.begin(&after_restart),
            Err(Error::TooManyAttempts { retry_after_s: 2 })
        ));
        // On the same boot, time is what the boot clock says, whatever the date.
        assert!(attempts.begin(&at(1, "boot-1", 4_000_000 + 2_000)).is_ok());
    }
}
