//! Study bundles: one study protocol and its content packs, versioned and signed by the study
//! server, adopted by tablets (DESIGN.md §5).
//!
//! The server encodes a [`Bundle`] canonically ([`crate::canonical`]), signs those bytes with the
//! study's Ed25519 key and sends them as text inside a [`SignedBundle`]. The bundle's SHA-256 is
//! the hash of those bytes. A tablet checks, in this order: the key is the one it pinned, the
//! signature verifies, the text is canonical, and [`Bundle::check`] accepts every file. Only then
//! is anything parsed further or stored; a bundle failing any step is refused whole.

use crate::canonical::{hex, sha256_hex};
use crate::content_pack::ContentPack;
use crate::study::Study;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The bundle encoding this build reads and writes.
pub const BUNDLE_FORMAT: u32 = 1;

/// The largest signed bundle text accepted (protocol and packs together).
pub const MAX_BUNDLE_BYTES: usize = 4 << 20;

/// A content pack as distributed: its file text (hash it to check it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackFile {
    /// Instrument id.
    pub instrument: String,
    /// Language tag.
    pub language: String,
    /// SHA-256 of `text`.
    pub sha256: String,
    /// The TOML file text.
    pub text: String,
}

impl PackFile {
    /// A pack file as distributed, its instrument, language and SHA-256 read from the checked
    /// pack itself.
    pub fn from_text(text: &str) -> Result<PackFile, crate::content_pack::ContentPackError> {
        let pack = ContentPack::load(text)?;
        Ok(PackFile {
            instrument: pack.instrument.id().to_owned(),
            language: pack.language,
            sha256: pack.sha256,
            text: text.to_owned(),
        })
    }
}

/// One version of a study: its protocol and its content packs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Encoding version ([`BUNDLE_FORMAT`]).
    pub format: u32,
    /// The study id (the protocol's `id`).
    pub study: String,
    /// 1, 2, …: one more than the study's previous bundle.
    pub version: u64,
    /// The protocol file text.
    pub study_toml: String,
    /// The packs, sorted by instrument and language.
    pub packs: Vec<PackFile>,
}

/// A bundle as it travels: its canonical text, the signature over it and the signing key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedBundle {
    /// The canonical JSON of the [`Bundle`], exactly the bytes signed and hashed.
    pub bundle: String,
    /// Ed25519 signature over `bundle`, lower-case hex.
    pub signature: String,
    /// The signing public key, lower-case hex.
    pub public_key: String,
}

/// A bundle whose every file loaded and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedBundle {
    /// The bundle as encoded.
    pub bundle: Bundle,
    /// SHA-256 of its canonical text.
    pub sha256: String,
    /// The protocol, parsed.
    pub study: Study,
    /// The packs, parsed, in the bundle's order.
    pub packs: Vec<ContentPack>,
}

/// One thing wrong with a bundle's files: which file, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct BundleIssue {
    /// `study` or `pack <instrument>/<language>`.
    pub file: String,
    /// What is wrong, in words a data manager can act on.
    pub problem: String,
}

/// Why a signed bundle was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// Larger than [`MAX_BUNDLE_BYTES`].
    #[error("the bundle is {0} bytes, more than this build accepts")]
    TooLarge(usize),
    /// Signed by a key other than the pinned one.
    #[error("the bundle is signed by another key than the one this tablet pinned at enrollment")]
    WrongKey,
    /// The signature does not verify over the text.
    #[error("the bundle's signature does not verify: it was altered or is not from the server")]
    BadSignature,
    /// Not a bundle of the format this build reads.
    #[error("the bundle cannot be read: {0}")]
    Syntax(String),
    /// The text is not the canonical encoding of what it holds.
    #[error("the bundle is not in canonical form")]
    NotCanonical,
    /// Its files do not check.
    #[error("the bundle's files do not check: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<BundleIssue>),
}

impl Bundle {
    /// Make a bundle of `study_toml` and `packs` (sorted here); check it with [`Bundle::check`].
    /// When it was published is the server's record, not part of the bundle: the reference
    /// bundle a tablet embeds is then the very bundle the server publishes as version 1.
    pub fn new(study: &str, version: u64, study_toml: &str, mut packs: Vec<PackFile>) -> Bundle {
        packs.sort_by(|a, b| (&a.instrument, &a.language).cmp(&(&b.instrument, &b.language)));
        Bundle {
            format: BUNDLE_FORMAT,
            study: study.to_owned(),
            version,
            study_toml: study_toml.to_owned(),
            packs,
        }
    }

    /// Make a bundle from file texts: the study id comes from the protocol, each pack's
    /// instrument, language and SHA-256 from the pack. Every issue is reported at once.
    pub fn from_texts(
        version: u64,
        study_toml: &str,
        pack_texts: &[&str],
    ) -> Result<CheckedBundle, Vec<BundleIssue>> {
        let mut issues = Vec::new();
        let study = Study::load(study_toml)
            .map_err(|e| issues.push(issue("study", e.to_string())))
            .ok();
        let mut packs = Vec::new();
        for (i, text) in pack_texts.iter().enumerate() {
            match PackFile::from_text(text) {
                Ok(pack) => packs.push(pack),
                Err(e) => issues.push(issue(&format!("pack file {}", i + 1), e.to_string())),
            }
        }
        match study {
            Some(study) if issues.is_empty() => {
                Bundle::new(&study.id, version, study_toml, packs).check()
            }
            _ => Err(issues),
        }
    }

    /// Its canonical text.
    pub fn canonical(&self) -> String {
        let bytes = crate::canonical::to_vec(self).unwrap_or_default();
        // Canonical JSON of strings and integers is UTF-8 by construction.
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// Check every file with the same rules a tablet applies: the protocol loads and is this
    /// study's, each pack loads and hashes to its stated SHA-256 under its stated instrument and
    /// language, no instrument × language twice, and every instrument the protocol asks for has
    /// an English pack (the fallback of every language). All issues are reported at once.
    pub fn check(&self) -> Result<CheckedBundle, Vec<BundleIssue>> {
        let mut issues = Vec::new();
        let mut issue = |file: &str, problem: String| issues.push(issue(file, problem));
        if self.format != BUNDLE_FORMAT {
            issue(
                "bundle",
                format!("format {} is not {BUNDLE_FORMAT}", self.format),
            );
        }
        if self.version == 0 {
            issue("bundle", "versions start at 1".into());
        }
        let study = match Study::load(&self.study_toml) {
            Ok(study) if study.id != self.study => {
                issue(
                    "study",
                    format!("the protocol is for {:?}, not {:?}", study.id, self.study),
                );
                None
            }
            Ok(study) => Some(study),
            Err(error) => {
                issue("study", error.to_string());
                None
            }
        };
        let mut packs = Vec::new();
        let mut seen = BTreeSet::new();
        for file in &self.packs {
            let name = format!("pack {}/{}", clip(&file.instrument), clip(&file.language));
            if !seen.insert((file.instrument.as_str(), file.language.as_str())) {
                issue(&name, "appears twice".into());
                continue;
            }
            match ContentPack::load(&file.text) {
                Ok(pack) => {
                    if pack.instrument.id() != file.instrument || pack.language != file.language {
                        issue(
                            &name,
                            format!(
                                "the file is the {}/{} pack",
                                pack.instrument.id(),
                                pack.language
                            ),
                        );
                    } else if pack.sha256 != file.sha256 {
                        issue(&name, "its SHA-256 is not the hash of its text".into());
                    } else {
                        packs.push(pack);
                    }
                }
                Err(error) => issue(&name, error.to_string()),
            }
        }
        if let Some(study) = &study {
            let asked: BTreeSet<&'static str> = study
                .timepoints
                .iter()
                .flat_map(|tp| tp.patient_forms.iter().chain(&tp.staff_forms))
                .filter_map(|form| form.instrument())
                .map(|instrument| instrument.id())
                .collect();
            for instrument in asked {
                if !seen.contains(&(instrument, "en")) {
                    issue(
                        "study",
                        format!(
                            "the protocol asks for {instrument} but the bundle has no English {instrument} pack"
                        ),
                    );
                }
            }
        }
        match study {
            Some(study) if issues.is_empty() => Ok(CheckedBundle {
                sha256: sha256_hex(self.canonical().as_bytes()),
                bundle: self.clone(),
                study,
                packs,
            }),
            _ => Err(issues),
        }
    }

    /// Sign this bundle's canonical text.
    pub fn sign(&self, key: &SigningKey) -> SignedBundle {
        let text = self.canonical();
        SignedBundle {
            signature: hex(&key.sign(text.as_bytes()).to_bytes()),
            public_key: hex(key.verifying_key().as_bytes()),
            bundle: text,
        }
    }
}

impl SignedBundle {
    /// SHA-256 of the signed text.
    pub fn sha256(&self) -> String {
        sha256_hex(self.bundle.as_bytes())
    }

    /// Verify against `pinned_key` (lower-case hex) and check every file; nothing is trusted
    /// before the signature verifies.
    pub fn open(&self, pinned_key: &str) -> Result<CheckedBundle, BundleError> {
        if self.bundle.len() > MAX_BUNDLE_BYTES {
            return Err(BundleError::TooLarge(self.bundle.len()));
        }
        if !self.public_key.eq_ignore_ascii_case(pinned_key) {
            return Err(BundleError::WrongKey);
        }
        let key = decode::<32>(pinned_key)
            .and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok())
            .ok_or(BundleError::WrongKey)?;
        let signature = decode::<64>(&self.signature).ok_or(BundleError::BadSignature)?;
        key.verify_strict(self.bundle.as_bytes(), &Signature::from_bytes(&signature))
            .map_err(|_| BundleError::BadSignature)?;
        let bundle = parse(&self.bundle)?;
        bundle.check().map_err(BundleError::Invalid)
    }
}

/// Parse a bundle's canonical text (no signature check: for the server's own rows and for
/// [`SignedBundle::open`] after it verified).
pub fn parse(text: &str) -> Result<Bundle, BundleError> {
    let bundle: Bundle =
        serde_json::from_str(text).map_err(|e| BundleError::Syntax(e.to_string()))?;
    if bundle.canonical() != text {
        return Err(BundleError::NotCanonical);
    }
    Ok(bundle)
}

/// The public key of `key`, lower-case hex.
pub fn public_key_hex(key: &SigningKey) -> String {
    hex(key.verifying_key().as_bytes())
}

fn decode<const N: usize>(text: &str) -> Option<[u8; N]> {
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(text.as_bytes())
        .ok()?
        .try_into()
        .ok()
}

/// An issue with `file`.
pub fn issue(file: &str, problem: String) -> BundleIssue {
    BundleIssue {
        file: file.to_owned(),
        problem,
    }
}

fn clip(text: &str) -> String {
    text.chars().take(20).collect()
}

pub mod reference;

#[cfg(test)]
mod tests;
