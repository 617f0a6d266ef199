//! The failed-unlock counter: after three wrong passphrases in a row, each further attempt must
//! wait twice as long as the last (1 s, 2 s, 4 s … up to 5 minutes).
//!
//! It lives in a small file beside the database, since the database cannot be read before the
//! unlock. It slows guessing through the app; Argon2id is what makes offline guessing expensive.

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
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    failures: u32,
    last_failure_unix_s: u64,
}

impl Attempts {
    /// The counter kept in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Attempts {
            path: dir.join("unlock-attempts.json"),
        }
    }

    fn read(&self) -> State {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Refuse when the caller must still wait.
    pub fn check(&self, now_unix_s: u64) -> Result<()> {
        let state = self.read();
        let wait = required_wait_s(state.failures);
        let ready_at = state.last_failure_unix_s.saturating_add(wait);
        if now_unix_s < ready_at {
            return Err(Error::TooManyAttempts {
                retry_after_s: ready_at - now_unix_s,
            });
        }
        Ok(())
    }

    /// Count a failure.
    pub fn record_failure(&self, now_unix_s: u64) -> Result<()> {
        let mut state = self.read();
        state.failures = state.failures.saturating_add(1);
        state.last_failure_unix_s = now_unix_s;
        let bytes = serde_json::to_vec(&state).map_err(|e| Error::KeySlots(e.to_string()))?;
        write_atomic(&self.path, &bytes).map_err(Error::io("the unlock-attempt counter"))
    }

    /// Reset after a successful unlock.
    pub fn reset(&self) {
        let _ = std::fs::remove_file(&self.path);
    }
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

    #[test]
    fn three_failures_are_free_then_the_wait_doubles_to_a_cap() {
        let waits: Vec<u64> = (0..14).map(required_wait_s).collect();
        assert_eq!(&waits[..7], &[0, 0, 0, 1, 2, 4, 8]);
        assert_eq!(waits[13], MAX_WAIT_S);
    }

    #[test]
    fn a_fourth_attempt_right_after_three_failures_must_wait() {
        let dir = tempfile::tempdir().unwrap();
        let attempts = Attempts::in_dir(dir.path());
        for _ in 0..4 {
            attempts.record_failure(1000).unwrap();
        }
        assert!(matches!(
            attempts.check(1000),
            Err(Error::TooManyAttempts { retry_after_s: 2 })
        ));
        assert!(attempts.check(1002).is_ok());
        attempts.reset();
        assert!(attempts.check(1000).is_ok());
    }
}
