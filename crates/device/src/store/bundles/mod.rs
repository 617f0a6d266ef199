//! Adopting study bundles from the server (issue 12): a bundle is checked against the key pinned
//! at enrollment, with every file re-checked by `mimik-domain`, before it is stored (inside the
//! encrypted database) and made the one in force. A bundle failing any check is refused whole and
//! the one in force stays. An older version than the one in force is a replay and is refused.

use super::{Store, audit};
use crate::error::{Error, Result};
use mimik_domain::bundle::{CheckedBundle, SignedBundle};
use rusqlite::OptionalExtension;
use serde::Serialize;

const ACTIVE: &str = "active_bundle";
const PINNED_KEY: &str = "bundle_public_key";

/// What adopting a bundle did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Adoption {
    /// It is the bundle already in force.
    Unchanged,
    /// It is now in force.
    Adopted {
        /// Its version.
        version: u64,
    },
}

/// The bundle in force, as `mimik study --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleSummary {
    /// Study id.
    pub study: String,
    /// Version (1 is the reference bundle shipped with the app).
    pub version: u64,
    /// SHA-256 of the signed canonical bundle.
    pub sha256: String,
    /// Its packs.
    pub packs: Vec<PackSummary>,
}

/// One pack of [`BundleSummary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackSummary {
    /// Instrument id.
    pub instrument: String,
    /// Language tag.
    pub language: String,
    /// SHA-256 of the pack file.
    pub sha256: String,
}

impl BundleSummary {
    /// The summary of `bundle`.
    pub fn of(bundle: &CheckedBundle) -> BundleSummary {
        BundleSummary {
            study: bundle.bundle.study.clone(),
            version: bundle.bundle.version,
            sha256: bundle.sha256.clone(),
            packs: bundle
                .bundle
                .packs
                .iter()
                .map(|p| PackSummary {
                    instrument: p.instrument.clone(),
                    language: p.language.clone(),
                    sha256: p.sha256.clone(),
                })
                .collect(),
        }
    }
}

impl Store {
    /// Pin the server's bundle signing key (at enrollment, or on the first sync of a tablet
    /// enrolled before bundles, over the connection it already trusts). A pinned key is never
    /// replaced by another: re-enrolling with another server clears it first.
    pub fn pin_bundle_key(&mut self, public_key: &str) -> Result<()> {
        let key = public_key.to_ascii_lowercase();
        if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::BadResponse(
                "the server's bundle key is not 32 bytes of hex".into(),
            ));
        }
        match self.meta(PINNED_KEY)? {
            Some(pinned) if pinned == key => Ok(()),
            Some(_) => Err(Error::BundleRefused(
                "the server now signs with another key than the one pinned at enrollment".into(),
            )),
            None => self.write(|tx, ctx| {
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                    (PINNED_KEY, &key),
                )?;
                audit::append(tx, ctx, "bundle.key_pinned", Some(&key), None)
            }),
        }
    }

    /// The pinned bundle key, if any.
    pub fn pinned_bundle_key(&self) -> Result<Option<String>> {
        self.meta(PINNED_KEY)
    }

    /// Check `signed` and make it the bundle in force. Refused whole (and nothing changes) when
    /// no key is pinned, when it is not signed by the pinned key, when any file fails its check,
    /// when it is another study, or when it is older than the bundle in force.
    pub fn adopt_bundle(&mut self, signed: &SignedBundle) -> Result<Adoption> {
        let pinned = self
            .meta(PINNED_KEY)?
            .ok_or_else(|| Error::BundleRefused("no bundle key is pinned yet".into()))?;
        let checked = signed
            .open(&pinned)
            .map_err(|e| Error::BundleRefused(e.to_string()))?;
        let current = &self.bundle;
        if checked.sha256 == current.sha256 {
            return Ok(Adoption::Unchanged);
        }
        if checked.bundle.study != current.bundle.study {
            return Err(Error::BundleRefused(format!(
                "it is for study {}, this tablet runs {}",
                checked.bundle.study, current.bundle.study
            )));
        }
        if checked.bundle.version <= current.bundle.version {
            return Err(Error::BundleRefused(format!(
                "it is version {}, not newer than version {} in force (an old bundle replayed?)",
                checked.bundle.version, current.bundle.version
            )));
        }
        let text = serde_json::to_string(signed)
            .map_err(|e| Error::Invalid(format!("the bundle cannot be encoded: {e}")))?;
        let version = i64::try_from(checked.bundle.version)
            .map_err(|_| Error::BundleRefused("its version is out of range".into()))?;
        let subject = format!("{} v{version}", checked.bundle.study);
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT OR IGNORE INTO study_bundles (sha256, study, version, signed, adopted_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                (
                    &checked.sha256,
                    &checked.bundle.study,
                    version,
                    &text,
                    ctx.moment.utc_text(),
                ),
            )?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = ?2",
                (ACTIVE, &checked.sha256),
            )?;
            audit::append(
                tx,
                ctx,
                "bundle.adopted",
                Some(&subject),
                Some(&checked.sha256),
            )
        })?;
        let adopted = checked.bundle.version;
        self.bundle = checked;
        Ok(Adoption::Adopted { version: adopted })
    }

    /// Take up a bundle another connection adopted (the tablet syncs on a second connection).
    pub fn refresh_bundle(&mut self) -> Result<()> {
        if let Some(adopted) = self.load_active_bundle()? {
            self.bundle = adopted;
        }
        Ok(())
    }

    /// The adopted bundle in force, checked again (`None` before the first adoption).
    pub(super) fn load_active_bundle(&self) -> Result<Option<CheckedBundle>> {
        let Some(sha256) = self.meta(ACTIVE)? else {
            return Ok(None);
        };
        self.load_bundle(&sha256).map(Some)
    }

    /// The bundle `session` started under: its questionnaires are shown and saved with it.
    pub fn session_bundle(&self, session: &super::Session) -> Result<CheckedBundle> {
        match &session.bundle_sha256 {
            Some(sha256) => self.load_bundle(sha256),
            None => crate::catalog::shipped_bundle().map_err(Error::Invalid),
        }
    }

    /// An adopted bundle by its SHA-256 (the reference bundle is always there).
    pub fn load_bundle(&self, sha256: &str) -> Result<CheckedBundle> {
        if sha256 == self.bundle.sha256 {
            return Ok(self.bundle.clone());
        }
        let reference = crate::catalog::shipped_bundle().map_err(Error::Invalid)?;
        if sha256 == reference.sha256 {
            return Ok(reference);
        }
        let pinned = self
            .meta(PINNED_KEY)?
            .ok_or_else(|| Error::Invalid("an adopted study bundle but no pinned key".into()))?;
        let text: Option<String> = self.read(|c| {
            Ok(c.query_row(
                "SELECT signed FROM study_bundles WHERE sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .optional()?)
        })?;
        let text = text
            .ok_or_else(|| Error::Invalid(format!("study bundle {sha256} is not stored here")))?;
        serde_json::from_str::<SignedBundle>(&text)
            .map_err(|e| e.to_string())
            .and_then(|signed| signed.open(&pinned).map_err(|e| e.to_string()))
            .map_err(|why| Error::Invalid(format!("the stored study bundle does not check: {why}")))
    }
}

#[cfg(test)]
mod tests;
