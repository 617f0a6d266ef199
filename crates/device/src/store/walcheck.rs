//! Checks the write-ahead log before SQLite sees it.
//!
//! On open, SQLite replays WAL frames up to the first one whose checksum fails and silently drops
//! the rest. A crash can only tear the tail, so a bad frame *followed by* valid-looking frames of
//! the same WAL generation means the file was altered: committed transactions would vanish
//! without a word. We refuse to open instead. (Format: sqlite.org/fileformat2.html, "WAL".)

use crate::error::{Error, Result};
use std::path::Path;

const HEADER: usize = 32;
const FRAME_HEADER: usize = 24;

/// Verify the WAL next to `db`, if there is one.
pub fn check(db: &Path) -> Result<()> {
    let wal = db.with_extension("db-wal");
    let bytes = match std::fs::read(&wal) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io("the write-ahead log")(e)),
    };
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
    let mut sum = checksum(big_endian, (0, 0), &bytes[..24]);
    if sum != (word(24), word(28)) {
        // A header that fails its checksum makes SQLite ignore the whole WAL.
        return Err(Error::Tampered(
            "the write-ahead log header fails its checksum".into(),
        ));
    }

    let frame_len = FRAME_HEADER + page_size;
    let mut broken_at = None;
    let mut at = HEADER;
    while at + frame_len <= bytes.len() {
        let same_generation = word(at + 8) == salt1 && word(at + 12) == salt2;
        if let Some(frame) = broken_at {
            if same_generation {
                return Err(Error::Tampered(format!(
                    "write-ahead log frame {frame} was altered; later frames would be lost"
                )));
            }
        } else if same_generation {
            sum = checksum(big_endian, sum, &bytes[at..at + 8]);
            sum = checksum(big_endian, sum, &bytes[at + FRAME_HEADER..at + frame_len]);
            if sum != (word(at + 16), word(at + 20)) {
                broken_at = Some((at - HEADER) / frame_len + 1);
            }
        } else {
            break; // an older generation: SQLite stops here too
        }
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
