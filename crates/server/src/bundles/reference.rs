//! The reference bundle shipped in the repository: `studies/nct05191719.toml` and the English
//! reference packs `instruments/en/*.toml`. The server publishes it as version 1 on first start;
//! the tablet embeds the same files, so both hold the very same bundle (same SHA-256) before the
//! first sync.

use mimik_domain::bundle::{Bundle, BundleIssue, CheckedBundle};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_bundle_checks_and_hashes_its_pack_texts() {
        let checked = bundle().unwrap();
        assert_eq!(checked.study.id, "NCT05191719");
        assert_eq!(checked.bundle.version, 1);
        assert_eq!(checked.packs.len(), 4);
        for pack in &checked.bundle.packs {
            assert_eq!(
                pack.sha256,
                crate::secrets::sha256_hex(pack.text.as_bytes())
            );
        }
    }
}
