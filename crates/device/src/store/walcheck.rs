//! Checks the write-ahead log before SQLite sees it.
//!
//! On open, SQLite replays WAL frames up to the first one that fails its checksum (or carries a
//! foreign salt) and silently drops everything after it. A crash can leave such frames only as
//! the remains of a transaction that never committed: a killed writer's frames, possibly partly
//! overwritten by a later, shorter transaction. Those remains never hold a commit frame that
//! chains correctly to its predecessor. So the rule: after the first bad frame, if a later frame
//! of the current WAL generation verifies against its predecessor's stored checksum *and* is a
//! commit frame, a committed transaction is about to vanish: the log was altered, refuse.
//! (Format: sqlite.org/fileformat2.html, "WAL". Limits: a WAL deleted or cut short, or an
//! altered final commit frame, cannot be told from a crash by the WAL alone.)

use crate::error::{Error, Result};
use std::path::Path;

const HEADER: usize = 32;
const FRAME_HEADER: usize = 24;

/// Verify the WAL next to `db`, if there is one.
pub fn check(db: &Path) -> Result<()> {
    let wal = db.with_extension("db-wal");
    match std::fs::read(&wal) {
        Ok(bytes) => check_bytes(&bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("the write-ahead log")(e)),
    }
}

fn check_bytes(bytes: &[u8]) -> Result<()> {
    if bytes.len() < HEADER {
        return Ok(()); // empty or never written: nothing to replay
    }
    let word = |at: usize| -> u32 {
        let mut b = [0u8; 4];
        b.copy_from_slice(&bytes[at..at + 4]);
        u32::from_be_bytes(b)
    };
    let magic = word(0);
    if magic & !1 != 0x377f_0682 {
        return Err(Error::Tampered(
            "the write-ahead log header is not valid".into(),
        ));
    }
    let big_endian = magic & 1 == 1;
    let page_size = word(8) as usize;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(Error::Tampered(
            "the write-ahead log header is not valid".into(),
        ));
    }
    let (salt1, salt2) = (word(16), word(20));
    let mut chain = checksum(big_endian, (0, 0), &bytes[..24]);
    if chain != (word(24), word(28)) {
        // A header that fails its checksum makes SQLite ignore the whole WAL.
        return Err(Error::Tampered(
            "the write-ahead log header fails its checksum".into(),
        ));
    }

    let frame_len = FRAME_HEADER + page_size;
    let mut broken_at = None;
    let mut at = HEADER;
    while at + frame_len <= bytes.len() {
        let frame = (at - HEADER) / frame_len + 1;
        let current = word(at + 8) == salt1 && word(at + 12) == salt2;
        let stored = (word(at + 16), word(at + 20));
        let computed = {
            let sum = checksum(big_endian, chain, &bytes[at..at + 8]);
            checksum(big_endian, sum, &bytes[at + FRAME_HEADER..at + frame_len])
        };
        let is_commit = word(at + 4) != 0;
        match broken_at {
            None if current && computed == stored => {}
            None => broken_at = Some(frame),
            Some(first) if current && computed == stored && is_commit => {
                return Err(Error::Tampered(format!(
                    "write-ahead log frame {first} was altered; committed frames after it would be lost"
                )));
            }
            Some(_) => {}
        }
        // Past a break, keep chaining from each frame's stored checksum, as its writer did.
        chain = if broken_at.is_some() {
            stored
        } else {
            computed
        };
        at += frame_len;
    }
    Ok(())
}

/// SQLite's WAL checksum: a Fletcher-like sum over pairs of 32-bit words.
fn checksum(big_endian: bool, (mut s0, mut s1): (u32, u32), data: &[u8]) -> (u32, u32) {
    for pair in data.chunks_exact(8) {
        let read = |b: &[u8]| {
            let array = [b[0], b[1], b[2], b[3]];
            if big_endian {
                u32::from_be_bytes(array)
            } else {
                u32::from_le_bytes(array)
            }
        };
        s0 = s0.wrapping_add(read(&pair[..4])).wrapping_add(s1);
        s1 = s1.wrapping_add(read(&pair[4..])).wrapping_add(s0);
    }
    (s0, s1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: usize = 512;

    /// A synthetic WAL: `frames` as (commit?, salt offset, payload byte), chained like SQLite.
    fn wal(frames: &[(bool, u32, u8)]) -> Vec<u8> {
        let mut out = Vec::new();
        let put = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_be_bytes());
        for v in [0x377f_0683, 3_007_000, PAGE as u32, 0, 7, 9] {
            put(&mut out, v);
        }
        let mut chain = checksum(true, (0, 0), &out[..24]);
        put(&mut out, chain.0);
        put(&mut out, chain.1);
        for (n, &(commit, salt_offset, byte)) in frames.iter().enumerate() {
            let start = out.len();
            put(&mut out, n as u32 + 1);
            put(&mut out, if commit { 10 } else { 0 });
            put(&mut out, 7 + salt_offset);
            put(&mut out, 9);
            let page = vec![byte; PAGE];
            chain = checksum(true, checksum(true, chain, &out[start..start + 8]), &page);
            put(&mut out, chain.0);
            put(&mut out, chain.1);
            out.extend_from_slice(&page);
        }
        out
    }

    fn frame_start(n: usize) -> usize {
        HEADER + (n - 1) * (FRAME_HEADER + PAGE)
    }

    #[test]
    fn an_intact_wal_passes() {
        assert!(
            check_bytes(&wal(&[
                (false, 0, 1),
                (true, 0, 2),
                (false, 0, 3),
                (true, 0, 4)
            ]))
            .is_ok()
        );
    }

    #[test]
    fn the_remains_of_an_aborted_transaction_after_a_newer_commit_pass() {
        // A killed writer left frames 2..4 (no commit); a later transaction rewrote frames 1..2.
        let aborted = wal(&[(false, 0, 1), (false, 0, 2), (false, 0, 3), (false, 0, 4)]);
        let mut bytes = wal(&[(false, 0, 5), (true, 0, 6)]);
        bytes.extend_from_slice(&aborted[frame_start(3)..]);
        assert!(check_bytes(&bytes).is_ok());
    }

    #[test]
    fn a_torn_last_frame_passes() {
        let mut bytes = wal(&[(true, 0, 1), (false, 0, 2), (true, 0, 3)]);
        let last = frame_start(3) + FRAME_HEADER + 10;
        bytes[last] ^= 0xff;
        assert!(check_bytes(&bytes).is_ok());
    }

    #[test]
    fn a_flipped_byte_before_a_later_commit_is_refused() {
        let mut bytes = wal(&[(true, 0, 1), (false, 0, 2), (false, 0, 3), (true, 0, 4)]);
        bytes[frame_start(2) + FRAME_HEADER + 100] ^= 0x5a;
        assert!(matches!(check_bytes(&bytes), Err(Error::Tampered(_))));
    }

    #[test]
    fn a_flipped_salt_before_a_later_commit_is_refused() {
        let mut bytes = wal(&[(true, 0, 1), (false, 0, 2), (true, 0, 3)]);
        bytes[frame_start(2) + 11] ^= 0x01;
        assert!(matches!(check_bytes(&bytes), Err(Error::Tampered(_))));
    }

    #[test]
    fn frames_of_an_older_generation_after_the_current_ones_pass() {
        let old = wal(&[(true, 5, 1), (true, 5, 2), (true, 5, 3)]);
        let mut bytes = wal(&[(true, 0, 4)]);
        bytes.extend_from_slice(&old[frame_start(2)..]);
        assert!(check_bytes(&bytes).is_ok());
    }
}
