//! The study file and content packs this server distributes on `GET /v1/study`.
//!
//! They are the same files the tablet embeds (`studies/nct05191719.toml`,
//! `instruments/en/*.toml`), embedded here at compile time and checked with `mimik-domain` at
//! start-up, so a server can never hand out a pack or protocol the tablet would refuse.

use crate::error::{Error, Result};
use mimik_domain::content_pack::ContentPack;
use mimik_domain::protocol::PackFile;
use mimik_domain::study::Study;

const PACK_FILES: [&str; 4] = [
    include_str!("../../../instruments/en/face.toml"),
    include_str!("../../../instruments/en/fdi.toml"),
    include_str!("../../../instruments/en/saq.toml"),
    include_str!("../../../instruments/en/sunnybrook.toml"),
];

const STUDY_FILE: &str = include_str!("../../../studies/nct05191719.toml");

/// The checked study and packs, with their file texts.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The study protocol, parsed.
    pub study: Study,
    /// Its file text, as distributed.
    pub study_toml: String,
    /// The packs as distributed (text + SHA-256), sorted by instrument and language.
    pub packs: Vec<PackFile>,
}

impl Catalog {
    /// Load and check the files shipped with this build.
    pub fn shipped() -> Result<Catalog> {
        let study = Study::load(STUDY_FILE).map_err(|e| Error::Catalog(e.to_string()))?;
        let mut packs = PACK_FILES
            .iter()
            .map(|text| {
                let pack = ContentPack::load(text).map_err(|e| Error::Catalog(e.to_string()))?;
                Ok(PackFile {
                    instrument: pack.instrument.id().to_owned(),
                    language: pack.language,
                    sha256: pack.sha256,
                    text: (*text).to_owned(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        packs.sort_by(|a, b| (&a.instrument, &a.language).cmp(&(&b.instrument, &b.language)));
        Ok(Catalog {
            study,
            study_toml: STUDY_FILE.to_owned(),
            packs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_study_and_packs_load_and_hash_their_text() {
        let catalog = Catalog::shipped().unwrap();
        assert_eq!(catalog.study.id, "NCT05191719");
        assert_eq!(catalog.packs.len(), 4);
        for pack in &catalog.packs {
            assert_eq!(
                pack.sha256,
                crate::secrets::sha256_hex(pack.text.as_bytes())
            );
        }
    }
}
