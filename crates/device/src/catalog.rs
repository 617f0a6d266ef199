//! The study bundle shipped with this build: the reference protocol and English packs
//! (`studies/*.toml`, `instruments/en/*.toml`), compiled in so that a tablet works offline from
//! its first start. It is the very bundle the server publishes as version 1; bundles adopted
//! later from the server replace it ([`crate::store`]).

use mimik_domain::bundle::{BundleIssue, CheckedBundle, reference};

/// The reference bundle, checked as a bundle from the server would be.
pub fn shipped_bundle() -> Result<CheckedBundle, String> {
    reference::bundle().map_err(|issues: Vec<BundleIssue>| {
        issues
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_bundle_is_version_1_with_four_packs() {
        let bundle = shipped_bundle().unwrap();
        assert_eq!(bundle.bundle.version, 1);
        assert_eq!(bundle.packs.len(), 4);
        assert_eq!(bundle.study.id, "NCT05191719");
    }
}
