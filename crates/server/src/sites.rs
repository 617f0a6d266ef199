//! Studies and their sites (issue 12). The studies a server hosts are those with a published
//! bundle (the reference study before any is published); a site belongs to one of them and is
//! made with `site add`. Enrollment codes name a site that exists, so every device belongs to
//! one study and one site, and so does everything it sends.

use crate::error::Error;
use crate::storage::{SiteRow, Storage};
use mimik_domain::bundle::reference;
use serde::Serialize;

/// Why a study or site could not be named.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// No study of that id is hosted here.
    #[error("there is no study {study:?} on this server (studies: {})", .known.join(", "))]
    NoSuchStudy {
        /// The id given.
        study: String,
        /// The studies there are.
        known: Vec<String>,
    },
    /// Several studies are hosted and none was named.
    #[error("this server hosts several studies: name one with --study ({})", .known.join(", "))]
    StudyNeeded {
        /// The studies there are.
        known: Vec<String>,
    },
    /// The study has no site of that id.
    #[error(
        "study {study:?} has no site {site:?}: add it first with `site add {site} --study {study}`"
    )]
    NoSuchSite {
        /// The study.
        study: String,
        /// The site id given.
        site: String,
    },
    /// A site id that is empty, too long or has characters other than letters, digits, `.`,
    /// `-` and `_`.
    #[error(
        "a site id is 1 to 64 letters, digits, '.', '-' or '_' (it appears in URLs and exports)"
    )]
    BadSiteId,
    /// A site name that is empty or longer than 200 characters.
    #[error("a site name is 1 to 200 characters")]
    BadName,
    /// The database.
    #[error(transparent)]
    Storage(#[from] Error),
}

/// What `site add` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    /// Site id.
    pub site: String,
    /// Its study.
    pub study: String,
    /// Its name for people.
    pub name: String,
}

impl From<SiteRow> for Site {
    fn from(row: SiteRow) -> Site {
        Site {
            site: row.site,
            study: row.study,
            name: row.name,
        }
    }
}

/// The ids of the studies hosted here, sorted.
pub async fn studies(storage: &dyn Storage) -> Result<Vec<String>, Error> {
    let mut ids: Vec<String> = storage
        .latest_bundles()
        .await?
        .into_iter()
        .map(|row| row.study)
        .collect();
    if ids.is_empty() {
        // Before anything is published the server hosts the reference study (its version 1 is
        // published on first start).
        let checked =
            reference::bundle().map_err(|issues| Error::Catalog(format!("{issues:?}")))?;
        ids.push(checked.study.id);
    }
    Ok(ids)
}

/// The study `given` names, or the only one there is.
pub async fn study(storage: &dyn Storage, given: Option<&str>) -> Result<String, SiteError> {
    let known = studies(storage).await?;
    match given.map(str::trim) {
        Some(id) if known.iter().any(|k| k == id) => Ok(id.to_owned()),
        Some(id) => Err(SiteError::NoSuchStudy {
            study: id.to_owned(),
            known,
        }),
        None if known.len() == 1 => Ok(known.into_iter().next().unwrap_or_default()),
        None => Err(SiteError::StudyNeeded { known }),
    }
}

/// Add `site` to a study; adding a site the study already has changes nothing and answers the
/// stored one.
pub async fn add(
    storage: &dyn Storage,
    site: &str,
    study: Option<&str>,
    name: Option<&str>,
    actor: &crate::storage::Actor,
) -> Result<Site, SiteError> {
    let site = site.trim();
    if !is_site_id(site) {
        return Err(SiteError::BadSiteId);
    }
    let name = name.map_or(site, str::trim);
    if name.is_empty() || name.chars().count() > 200 {
        return Err(SiteError::BadName);
    }
    let study = self::study(storage, study).await?;
    let row = SiteRow {
        study: study.clone(),
        site: site.to_owned(),
        name: name.to_owned(),
        created_at: crate::now(),
    };
    let audit = crate::storage::NewAudit::new(actor, "site_added", Some(site))
        .after(serde_json::json!({"study": row.study, "site": row.site, "name": row.name}));
    storage.add_site(&row, &audit).await?;
    find_in(storage, study, site).await.map(Site::from)
}

/// The site `site` of the study `study` names (or of the only study).
pub async fn find(
    storage: &dyn Storage,
    study: Option<&str>,
    site: &str,
) -> Result<SiteRow, SiteError> {
    let study = self::study(storage, study).await?;
    find_in(storage, study, site.trim()).await
}

async fn find_in(storage: &dyn Storage, study: String, site: &str) -> Result<SiteRow, SiteError> {
    storage
        .sites()
        .await?
        .into_iter()
        .find(|row| row.study == study && row.site == site)
        .ok_or_else(|| SiteError::NoSuchSite {
            study,
            site: site.to_owned(),
        })
}

fn is_site_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

#[cfg(test)]
mod tests {
    use super::is_site_id;

    #[test]
    fn site_ids_are_short_and_safe_in_urls_and_exports() {
        assert!(is_site_id("karolinska"));
        assert!(is_site_id("KS-2_b.1"));
        assert!(!is_site_id(""));
        assert!(!is_site_id("a/b"));
        assert!(!is_site_id("Karolinska University"));
        assert!(!is_site_id(&"x".repeat(65)));
    }
}
