use super::*;
use mimik_domain::envelope::{Envelope, Kind};
use mimik_domain::protocol::{ApiError, Receipt};

fn pending(seq: i64, sha: &str) -> Pending {
    Pending {
        device_seq: seq,
        envelope: Envelope {
            id: uuid::Uuid::now_v7().to_string().parse().unwrap(),
            device_id: "dev-1".into(),
            device_seq: seq as u64,
            kind: Kind::Questionnaire,
            created_at: chrono::Utc::now(),
            body: "{}".into(),
            body_sha256: sha.into(),
            signature: String::new(),
        },
    }
}

fn receipt(p: &Pending, status: ItemStatus, sha: Option<&str>) -> Receipt {
    Receipt {
        id: p.envelope.id.to_string(),
        status,
        body_sha256: sha.map(str::to_owned),
        reason: matches!(status, ItemStatus::Rejected | ItemStatus::Conflict)
            .then(|| ApiError::new(mimik_domain::problem::ProblemCode::ScoreMismatch, "differs")),
    }
}

#[test]
fn only_a_receipt_that_echoes_the_hash_acknowledges() {
    let batch = vec![
        pending(1, "aa"),
        pending(2, "bb"),
        pending(3, "cc"),
        pending(4, "dd"),
    ];
    let response = BatchResponse {
        receipts: vec![
            receipt(&batch[0], ItemStatus::Stored, Some("aa")),
            receipt(&batch[1], ItemStatus::Duplicate, Some("bb")),
            receipt(&batch[2], ItemStatus::Stored, Some("xx")),
            receipt(&batch[3], ItemStatus::Stored, None),
        ],
        gaps: vec![],
        last_device_seq: None,
        limits: None,
    };
    let judged = judge(&batch, &response).unwrap();
    assert_eq!((judged.stored, judged.duplicates), (1, 1));
    let decided: Vec<i64> = judged.outcomes.iter().map(|o| o.0).collect();
    assert_eq!(decided, [1, 2]);
    let left: Vec<i64> = judged.unmatched.iter().map(|u| u.0).collect();
    assert_eq!(
        left,
        [3, 4],
        "a mismatching receipt leaves the item pending"
    );
}

#[test]
fn rejected_and_conflict_are_quarantined_with_the_servers_reason_and_do_not_block_the_rest() {
    let batch = vec![pending(1, "aa"), pending(2, "bb"), pending(3, "cc")];
    let response = BatchResponse {
        receipts: vec![
            receipt(&batch[0], ItemStatus::Rejected, None),
            receipt(&batch[1], ItemStatus::Conflict, Some("zz")),
            receipt(&batch[2], ItemStatus::Stored, Some("cc")),
        ],
        gaps: vec![],
        last_device_seq: None,
        limits: None,
    };
    let judged = judge(&batch, &response).unwrap();
    assert_eq!(
        judged.outcomes[0].1,
        Outcome::Quarantined {
            reason: "score_mismatch: differs".into()
        }
    );
    assert!(matches!(judged.outcomes[1].1, Outcome::Quarantined { .. }));
    assert!(matches!(judged.outcomes[2].1, Outcome::Acknowledged { .. }));
}

#[test]
fn an_answer_that_does_not_line_up_with_the_batch_is_refused_whole() {
    let batch = vec![pending(1, "aa"), pending(2, "bb")];
    let short = BatchResponse {
        receipts: vec![receipt(&batch[0], ItemStatus::Stored, Some("aa"))],
        gaps: vec![],
        last_device_seq: None,
        limits: None,
    };
    assert!(judge(&batch, &short).is_err());
    let swapped = BatchResponse {
        receipts: vec![
            receipt(&batch[1], ItemStatus::Stored, Some("bb")),
            receipt(&batch[0], ItemStatus::Stored, Some("aa")),
        ],
        gaps: vec![],
        last_device_seq: None,
        limits: None,
    };
    assert!(judge(&batch, &swapped).is_err());
}

#[test]
fn backoff_doubles_with_jitter_up_to_the_cap() {
    let backoff = Backoff {
        base: Duration::from_secs(2),
        cap: Duration::from_secs(60),
    };
    assert_eq!(backoff.delay(0, 1.0), Duration::from_secs(2));
    assert_eq!(backoff.delay(0, 0.0), Duration::from_secs(1));
    assert_eq!(backoff.delay(3, 1.0), Duration::from_secs(16));
    assert_eq!(backoff.delay(10, 1.0), Duration::from_secs(60));
    assert_eq!(backoff.delay(40, 0.0), Duration::from_secs(30));
    for attempt in 0..30 {
        let d = backoff.delay(attempt, 0.37);
        assert!(d <= backoff.cap && d >= Duration::from_millis(500));
    }
}

#[test]
fn a_batch_takes_the_longest_prefix_that_fits_the_byte_budget_nl_8() {
    // Frame 16 + 40 + (1 + 40) = 97 bytes fit in 100; a third envelope would not.
    assert_eq!(take(&[40, 40, 40], 100, 500), Take::Batch(2));
    assert_eq!(take(&[40, 40, 40], 1_000, 500), Take::Batch(3));
    assert_eq!(take(&[40, 40, 40], 1_000, 2), Take::Batch(2));
    assert_eq!(take(&[84], 100, 500), Take::Batch(1));
}

#[test]
fn an_envelope_over_the_budget_alone_is_taken_out_so_the_rest_drains_nl_8() {
    assert_eq!(take(&[85, 1, 1], 100, 500), Take::Oversize);
    assert_eq!(
        take(&[10], 100, 0),
        Take::Batch(1),
        "at least one item per batch"
    );
}

#[test]
fn the_byte_budget_keeps_headroom_below_the_server_limit() {
    let limits = Limits {
        max_request_bytes: 8 << 20,
        max_batch_items: 500,
    };
    let budget = byte_budget(&limits);
    assert!(budget < limits.max_request_bytes);
    assert!(budget > limits.max_request_bytes * 9 / 10);
}
