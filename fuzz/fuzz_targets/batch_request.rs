//! Any bytes as a `POST /v1/submissions` body: a batch or a serde error, and for each envelope
//! the server's checks (hash, canonical form, kind, re-validation and re-scoring) give a typed
//! answer, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimik_domain::protocol::{BatchRequest, recheck};

fuzz_target!(|data: &[u8]| {
    let Ok(batch) = serde_json::from_slice::<BatchRequest>(data) else {
        return;
    };
    for envelope in &batch.envelopes {
        let _ = envelope.signing_payload();
        if let Ok(body) = envelope.check_body() {
            let _ = recheck(&body);
        }
    }
});
