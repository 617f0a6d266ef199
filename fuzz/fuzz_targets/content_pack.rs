//! Any text as a content pack: a checked pack or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimik_domain::content_pack::ContentPack;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(pack) = ContentPack::load(text) {
            assert!(!pack.items.is_empty());
        }
    }
});
