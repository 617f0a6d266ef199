//! Any text as a signed study bundle, as a tablet receives it: verified against a pinned key and
//! checked, or refused with an error, never a panic. Unsigned texts go through the bundle parser
//! and the file checks too (the signature would stop them first on a tablet).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimik_domain::bundle::{self, SignedBundle};

/// The public key of the seed's signing key (32 bytes of 7).
const PINNED: &str = "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(signed) = serde_json::from_str::<SignedBundle>(text) {
        if let Ok(checked) = signed.open(PINNED) {
            assert_eq!(checked.sha256, signed.sha256());
        }
        if let Ok(parsed) = bundle::parse(&signed.bundle) {
            let _ = parsed.check();
        }
    }
    if let Ok(parsed) = bundle::parse(text) {
        if let Ok(checked) = parsed.check() {
            assert_eq!(checked.bundle, parsed);
        }
    }
});
