//! Study bundles on the server (issue 12): a study's protocol and content packs, published as
//! numbered versions signed with the study's key ([`key`]), stored in `study_bundles`, and served
//! to tablets on `GET /v1/study`. The newest version of a study is what tablets adopt and what
//! submissions are checked against; older versions stay stored, since submissions name them.

pub mod key;

use crate::error::{Error, Result};
use crate::storage::{BundleRow, Storage};
use key::BundleKey;
use mimik_domain::bundle::{
    self, Bundle, BundleIssue, CheckedBundle, PackFile, SignedBundle, issue, reference,
};
use mimik_domain::study::Study;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

/// The newest bundle of the study, checked.
#[derive(Debug)]
pub struct Current {
    /// The stored row.
    pub row: BundleRow,
    /// The bundle, parsed and checked.
    pub checked: CheckedBundle,
}

impl Current {
    /// The protocol.
    pub fn study(&self) -> &Study {
        &self.checked.study
    }

    /// As sent to tablets.
    pub fn signed(&self) -> SignedBundle {
        SignedBundle {
            bundle: self.row.bundle.clone(),
            signature: self.row.signature.clone(),
            public_key: self.row.public_key.clone(),
        }
    }
}

/// What `study publish` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Published {
    /// Study id.
    pub study: String,
    /// The new version.
    pub version: i64,
    /// SHA-256 of the signed canonical bundle.
    pub sha256: String,
}

/// Why a publish stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The files do not check; each issue names its file.
    #[error("the bundle does not check")]
    Invalid(Vec<BundleIssue>),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] Error),
}

/// The packs of every published version of the study, to re-check what a submission says it
/// was shown: `(instrument, language, sha256)` per version.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Versions {
    /// Version → its packs.
    pub packs: BTreeMap<u64, BTreeSet<(String, String, String)>>,
}

impl Versions {
    /// Whether `version` was published.
    pub fn has(&self, version: u64) -> bool {
        self.packs.contains_key(&version)
    }

    /// Whether `version` holds the pack `sha256` for `instrument` in `language`.
    pub fn has_pack(&self, version: u64, instrument: &str, language: &str, sha256: &str) -> bool {
        self.packs.get(&version).is_some_and(|packs| {
            packs.contains(&(
                instrument.to_owned(),
                language.to_owned(),
                sha256.to_owned(),
            ))
        })
    }
}

/// The bundles of this server: the signing key, the last checked bundle, and the packs of
/// every version (rows are never changed, so both stay valid until a newer version appears).
#[derive(Debug)]
pub struct Bundles {
    key: BundleKey,
    /// The newest checked bundle of each study.
    cache: Mutex<BTreeMap<String, Arc<Current>>>,
    /// Each study's versions, with the SHA-256 of the newest they were read at.
    versions: Mutex<BTreeMap<String, (String, Arc<Versions>)>>,
}

impl Bundles {
    /// Bundles signed with `key`.
    pub fn new(key: BundleKey) -> Bundles {
        Bundles {
            key,
            cache: Mutex::new(BTreeMap::new()),
            versions: Mutex::new(BTreeMap::new()),
        }
    }

    /// The public key tablets pin.
    pub fn public_key_hex(&self) -> String {
        self.key.public_key_hex()
    }

    /// The newest bundle of `study`, publishing the reference bundle first if nothing is
    /// published yet. Another process may publish at any time (`study publish`), so the newest
    /// row is read every time; parsing and checking happen once per version.
    pub async fn current(&self, storage: &dyn Storage, study: &str) -> Result<Arc<Current>> {
        let newest = |rows: Vec<BundleRow>| rows.into_iter().find(|row| row.study == study);
        let row = match newest(storage.latest_bundles().await?) {
            Some(row) => row,
            None => {
                self.ensure_reference(storage).await?;
                newest(storage.latest_bundles().await?).ok_or_else(|| {
                    Error::Corrupt(format!("no bundle of study {study:?} is published"))
                })?
            }
        };
        if let Some(cached) = self.cached(study).filter(|c| c.row == row) {
            return Ok(cached);
        }
        let checked = bundle::parse(&row.bundle)
            .map_err(|e| e.to_string())
            .and_then(|b| b.check().map_err(|issues| format!("{issues:?}")))
            .map_err(|why| {
                Error::Corrupt(format!(
                    "stored bundle {} v{}: {why}",
                    row.study, row.version
                ))
            })?;
        let current = Arc::new(Current { row, checked });
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(study.to_owned(), Arc::clone(&current));
        }
        Ok(current)
    }

    /// The packs of every version of the study `current` belongs to (`current` is the newest).
    pub async fn versions(
        &self,
        storage: &dyn Storage,
        current: &Current,
    ) -> Result<Arc<Versions>> {
        let study = &current.row.study;
        let cached = self
            .versions
            .lock()
            .ok()
            .and_then(|v| v.get(study).cloned());
        if let Some((sha256, versions)) = cached
            && sha256 == current.row.sha256
        {
            return Ok(versions);
        }
        let mut versions = Versions::default();
        for row in storage.bundles().await? {
            if row.study != current.row.study {
                continue;
            }
            let bundle = bundle::parse(&row.bundle).map_err(|e| Error::Corrupt(e.to_string()))?;
            versions.packs.insert(
                bundle.version,
                bundle
                    .packs
                    .into_iter()
                    .map(|p| (p.instrument, p.language, p.sha256))
                    .collect(),
            );
        }
        let versions = Arc::new(versions);
        if let Ok(mut cache) = self.versions.lock() {
            cache.insert(
                study.clone(),
                (current.row.sha256.clone(), Arc::clone(&versions)),
            );
        }
        Ok(versions)
    }

    fn cached(&self, study: &str) -> Option<Arc<Current>> {
        self.cache.lock().ok().and_then(|c| c.get(study).cloned())
    }

    /// On first start: publish the reference bundle as version 1 when no bundle exists.
    /// Returns whether it did.
    pub async fn ensure_reference(&self, storage: &dyn Storage) -> Result<bool> {
        if !storage.latest_bundles().await?.is_empty() {
            return Ok(false);
        }
        let checked =
            reference::bundle().map_err(|issues| Error::Catalog(format!("{issues:?}")))?;
        let row = self.row(&checked.bundle);
        let stored = storage
            .add_bundle(&row, &published(&crate::storage::Actor::system(), &row))
            .await?;
        if stored {
            tracing::info!(study = %checked.study.id, "published the reference study bundle as version 1");
        }
        Ok(stored)
    }

    /// Publish a new version of the study `study_toml` names: its packs are the previous
    /// version's, with each of `pack_texts` (`(file name, text)`) added or replacing the pack of
    /// the same instrument and language. Everything is checked before anything is stored.
    pub async fn publish(
        &self,
        storage: &dyn Storage,
        study_toml: &str,
        pack_texts: &[(String, String)],
        actor: &crate::storage::Actor,
    ) -> std::result::Result<Published, PublishError> {
        let mut issues = Vec::new();
        let study = Study::load(study_toml)
            .map_err(|e| issues.push(issue("study", e.to_string())))
            .ok();
        // Older protocols with English-only labels still load; a new one says everything in
        // every language it offers patients and staff.
        for gap in study.iter().flat_map(Study::untranslated) {
            issues.push(issue("study", gap));
        }
        let mut new_packs = Vec::new();
        for (name, text) in pack_texts {
            match PackFile::from_text(text) {
                Ok(pack) => new_packs.push(pack),
                Err(e) => issues.push(issue(name, e.to_string())),
            }
        }
        let Some(study) = study.filter(|_| issues.is_empty()) else {
            return Err(PublishError::Invalid(issues));
        };
        // A concurrent publisher may take the version between reading and writing: try again
        // on the version after it.
        for _attempt in 0..5 {
            self.ensure_reference(storage).await?;
            let previous = storage
                .latest_bundles()
                .await?
                .into_iter()
                .find(|row| row.study == study.id);
            let (version, mut packs) = match &previous {
                Some(row) => (
                    row.version + 1,
                    bundle::parse(&row.bundle)
                        .map_err(|e| Error::Corrupt(e.to_string()))?
                        .packs,
                ),
                None => (1, Vec::new()),
            };
            for pack in &new_packs {
                packs.retain(|p| !(p.instrument == pack.instrument && p.language == pack.language));
                packs.push(pack.clone());
            }
            let version_u64 = u64::try_from(version).map_err(|e| Error::Corrupt(e.to_string()))?;
            let checked = Bundle::new(&study.id, version_u64, study_toml, packs)
                .check()
                .map_err(PublishError::Invalid)?;
            let row = self.row(&checked.bundle);
            if storage.add_bundle(&row, &published(actor, &row)).await? {
                tracing::info!(study = %row.study, version = row.version, "published a study bundle");
                return Ok(Published {
                    study: row.study,
                    version: row.version,
                    sha256: row.sha256,
                });
            }
        }
        Err(Error::Corrupt("another publisher kept taking the next version".into()).into())
    }

    fn row(&self, bundle: &Bundle) -> BundleRow {
        let signed = bundle.sign(self.key.signing_key());
        BundleRow {
            study: bundle.study.clone(),
            version: i64::try_from(bundle.version).unwrap_or(i64::MAX),
            sha256: signed.sha256(),
            bundle: signed.bundle,
            signature: signed.signature,
            public_key: signed.public_key,
            published_at: crate::now(),
        }
    }
}

/// The newest protocol of every study: each one's newest stored bundle's, or the reference one
/// before any is published (for commands that read, such as `export`, and need no signing key).
pub async fn newest_protocols(storage: &dyn Storage) -> Result<Vec<Study>> {
    let rows = storage.latest_bundles().await?;
    if rows.is_empty() {
        let reference =
            reference::bundle().map_err(|issues| Error::Catalog(format!("{issues:?}")))?;
        return Ok(vec![reference.study]);
    }
    rows.iter()
        .map(|row| {
            bundle::parse(&row.bundle)
                .map_err(|e| Error::Corrupt(e.to_string()))?
                .check()
                .map(|checked| checked.study)
                .map_err(|issues| Error::Corrupt(format!("{issues:?}")))
        })
        .collect()
}

/// `study list --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listing {
    /// Every version of every study, by study and version.
    pub studies: Vec<ListedVersion>,
}

/// One version in [`Listing`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedVersion {
    /// Study id.
    pub study: String,
    /// Version.
    pub version: i64,
    /// SHA-256 of the signed canonical bundle.
    pub sha256: String,
    /// When it was published.
    pub published_at: String,
    /// Its packs.
    pub packs: Vec<ListedPack>,
}

/// One pack in [`ListedVersion`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedPack {
    /// Instrument id.
    pub instrument: String,
    /// Language tag.
    pub language: String,
    /// SHA-256 of the pack file.
    pub sha256: String,
}

/// Every published version, with its packs.
pub async fn listing(storage: &dyn Storage) -> Result<Listing> {
    let studies = storage
        .bundles()
        .await?
        .into_iter()
        .map(|row| {
            let bundle = bundle::parse(&row.bundle).map_err(|e| Error::Corrupt(e.to_string()))?;
            Ok(ListedVersion {
                packs: bundle
                    .packs
                    .into_iter()
                    .map(|p| ListedPack {
                        instrument: p.instrument,
                        language: p.language,
                        sha256: p.sha256,
                    })
                    .collect(),
                study: row.study,
                version: row.version,
                sha256: row.sha256,
                published_at: row.published_at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Listing { studies })
}

/// The audit row of a publication.
fn published(actor: &crate::storage::Actor, row: &BundleRow) -> crate::storage::NewAudit {
    crate::storage::NewAudit::new(actor, "study_published", Some(&row.study))
        .after(serde_json::json!({"version": row.version, "sha256": row.sha256}))
}
