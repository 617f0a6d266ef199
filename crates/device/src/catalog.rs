//! The content packs and study protocol shipped with this build.
//!
//! The files are data (`instruments/<lang>/*.toml`, `studies/*.toml`), embedded at compile time
//! so that a tablet works offline from its first start; they are checked by `mimik-domain` when
//! loaded, exactly as a pack supplied later by the study server would be.

use mimik_domain::content_pack::{ContentPack, ContentPackError};
use mimik_domain::study::{Study, StudyError};

/// The English reference packs, one per instrument.
const ENGLISH_PACKS: [&str; 4] = [
    include_str!("../../../instruments/en/face.toml"),
    include_str!("../../../instruments/en/fdi.toml"),
    include_str!("../../../instruments/en/saq.toml"),
    include_str!("../../../instruments/en/sunnybrook.toml"),
];

/// The protocol of NCT05191719.
const STUDY: &str = include_str!("../../../studies/nct05191719.toml");

/// Load and check the content packs shipped with this build.
pub fn shipped_packs() -> Result<Vec<ContentPack>, ContentPackError> {
    ENGLISH_PACKS
        .iter()
        .map(|text| ContentPack::load(text))
        .collect()
}

/// Load and check the study protocol shipped with this build.
pub fn shipped_study() -> Result<Study, StudyError> {
    Study::load(STUDY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_packs_and_study_load() {
        assert_eq!(shipped_packs().unwrap().len(), 4);
        assert_eq!(shipped_study().unwrap().id, "NCT05191719");
    }
}
