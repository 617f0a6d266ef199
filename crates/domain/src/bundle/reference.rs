//! The reference bundle shipped in the repository: `studies/nct05191719.toml` and the English
//! reference packs `instruments/en/*.toml`, compiled in. The server publishes it as version 1 on
//! first start and the tablet works from it before its first sync: both hold the very same
//! bundle, with the same SHA-256, so what a tablet saves before enrollment checks on the server.

use super::{Bundle, BundleIssue, CheckedBundle};

/// The reference packs, one per instrument.
pub const PACK_FILES: [&str; 4] = [
    include_str!("../../../../instruments/en/face.toml"),
    include_str!("../../../../instruments/en/fdi.toml"),
    include_str!("../../../../instruments/en/saq.toml"),
    include_str!("../../../../instruments/en/sunnybrook.toml"),
];

/// The reference protocol.
pub const STUDY_FILE: &str = include_str!("../../../../studies/nct05191719.toml");

/// The reference bundle, version 1, checked.
pub fn bundle() -> Result<CheckedBundle, Vec<BundleIssue>> {
    Bundle::from_texts(1, STUDY_FILE, &PACK_FILES)
}
