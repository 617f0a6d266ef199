//! `mimik-server study publish | list` (issue 12), and where the bundle signing key comes from.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use mimik_server::Storage;
use mimik_server::bundles::key::BundleKey;
use mimik_server::bundles::{Bundles, PublishError};
use mimik_server::storage::Actor;
use std::path::PathBuf;

/// The files given were read but do not check (exit status 2; the issues are on stdout).
#[derive(Debug, thiserror::Error)]
#[error("the bundle does not check; nothing was published")]
pub struct InvalidFiles;

#[derive(Debug, Subcommand)]
pub enum StudyCommand {
    /// Publish the next version of a study; packs not named are carried over from the previous
    /// version. Prints {"study", "version", "sha256"}; invalid files: exit 2 and the issues.
    Publish {
        /// The protocol file.
        #[arg(long)]
        study: PathBuf,
        /// A content pack to add or replace (any instrument × language); repeat for more.
        #[arg(long)]
        pack: Vec<PathBuf>,
    },
    /// List the published versions of every study.
    List {
        /// Print JSON (the only format).
        #[arg(long, required = true)]
        json: bool,
    },
}

/// Where the bundle signing key is, loaded only by the commands that sign.
pub struct KeySource {
    pub data_dir: PathBuf,
    pub file: Option<PathBuf>,
    /// A database other processes may share: the key must be named.
    pub shared: bool,
}

impl KeySource {
    pub fn load(&self) -> Result<BundleKey> {
        Ok(BundleKey::load_or_create(
            &self.data_dir,
            self.file.as_deref(),
            self.shared,
        )?)
    }
}

/// Run a `study` subcommand.
pub async fn run(
    command: StudyCommand,
    storage: &dyn Storage,
    key: &KeySource,
    actor: &Actor,
) -> Result<()> {
    match command {
        StudyCommand::Publish { study, pack } => {
            let study_toml = read_input(&study)?;
            let packs = pack
                .iter()
                .map(|path| Ok((path.display().to_string(), read_input(path)?)))
                .collect::<Result<Vec<_>>>()?;
            let bundles = Bundles::new(key.load()?);
            match bundles.publish(storage, &study_toml, &packs, actor).await {
                Ok(published) => println!("{}", serde_json::to_string(&published)?),
                Err(PublishError::Invalid(issues)) => {
                    println!("{}", serde_json::json!({ "issues": issues }));
                    return Err(InvalidFiles.into());
                }
                Err(PublishError::Storage(error)) => return Err(error.into()),
            }
        }
        StudyCommand::List { json: _ } => {
            // The reference bundle is version 1 of a server that has published nothing yet.
            Bundles::new(key.load()?).ensure_reference(storage).await?;
            let listing = mimik_server::bundles::listing(storage).await?;
            println!("{}", serde_json::to_string(&listing)?);
        }
    }
    Ok(())
}

/// A study or pack file given on the command line (at most a few MiB, UTF-8).
fn read_input(path: &std::path::Path) -> Result<String> {
    let limit = mimik_domain::bundle::MAX_BUNDLE_BYTES;
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if usize::try_from(meta.len()).unwrap_or(usize::MAX) > limit {
        bail!("{} is larger than {limit} bytes", path.display());
    }
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {} as UTF-8 text", path.display()))
}
