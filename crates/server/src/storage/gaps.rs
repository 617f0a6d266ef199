//! Missing `device_seq` ranges (RELIABILITY.md NL-3).
//!
//! The database returns only the boundaries: each stored seq whose predecessor (by seq, 0 for
//! the first) is more than one below it. That keeps a device with 20,000 submissions cheap.

use mimik_domain::protocol::SeqGap;

/// Portable SQL (SQLite ≥ 3.25 and PostgreSQL): `(previous, seq)` pairs around each gap.
pub(crate) const GAP_BOUNDARIES_SQL: &str = "SELECT prev, device_seq FROM (
        SELECT device_seq, COALESCE(LAG(device_seq) OVER (ORDER BY device_seq), 0) AS prev
        FROM submissions WHERE device_id = $1
    ) AS t WHERE device_seq - prev > 1 ORDER BY device_seq";

/// The gaps between each `(previous, seq)` boundary pair.
pub fn gaps_from_boundaries(pairs: &[(i64, i64)]) -> Vec<SeqGap> {
    pairs
        .iter()
        .filter_map(|&(prev, seq)| {
            let from = u64::try_from(prev.checked_add(1)?).ok()?;
            let to = u64::try_from(seq.checked_sub(1)?).ok()?;
            (from <= to).then_some(SeqGap { from, to })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_become_inclusive_missing_ranges() {
        assert_eq!(
            gaps_from_boundaries(&[(0, 3), (4, 7), (7, 9)]),
            vec![
                SeqGap { from: 1, to: 2 },
                SeqGap { from: 5, to: 6 },
                SeqGap { from: 8, to: 8 }
            ]
        );
        assert_eq!(gaps_from_boundaries(&[]), vec![]);
    }
}
