//! What every handler can reach ([`AppState`]) and the settings that are not storage
//! ([`Config`]). Its own module so that the API (`api`) and the coordinator pages (`pages`) both
//! depend on it and not on each other.

use crate::bundles::Bundles;
use crate::bundles::key::BundleKey;
use crate::storage::Storage;
use crate::throttle::LoginThrottle;
use mimik_domain::protocol::Limits;
use std::sync::Arc;
use std::time::Duration;

/// Settings that are not storage.
#[derive(Debug, Clone)]
pub struct Config {
    /// A request (including reading its body) that takes longer is answered 408.
    pub request_timeout: Duration,
    /// Mark session cookies `Secure` (when served behind HTTPS).
    pub secure_cookies: bool,
    /// The origin browsers reach the pages at (`https://host[:port]`), when a proxy in front
    /// makes it differ from the `Host` the server sees; state-changing page requests must come
    /// from it ([`crate::guard::same_origin_only`]).
    pub public_origin: Option<String>,
    /// The largest request body and batch this server takes, advertised to tablets.
    pub limits: Limits,
    /// Failed coordinator logins for one name that lock it ...
    pub login_attempts: u32,
    /// ... within this long of the first failure, and for the rest of it.
    pub login_lockout: Duration,
    /// The study bundle signing key (`None`: a fresh random one, for tests).
    pub bundle_key: Option<BundleKey>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            request_timeout: Duration::from_secs(60),
            secure_cookies: false,
            public_origin: None,
            limits: Limits::default(),
            login_attempts: 5,
            login_lockout: Duration::from_secs(15 * 60),
            bundle_key: None,
        }
    }
}

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database, whichever backend `main` chose.
    pub storage: Arc<dyn Storage>,
    /// The study bundles and their signing key.
    pub bundles: Arc<Bundles>,
    /// Settings.
    pub config: Arc<Config>,
    /// Failed coordinator logins per name.
    pub login_throttle: Arc<LoginThrottle>,
}

impl AppState {
    /// State over `storage`, signing bundles with the configured key.
    pub fn new(storage: Arc<dyn Storage>, config: Config) -> crate::Result<Self> {
        let key = match &config.bundle_key {
            Some(key) => key.clone(),
            None => BundleKey::generate()?,
        };
        Ok(AppState {
            storage,
            bundles: Arc::new(Bundles::new(key)),
            login_throttle: Arc::new(LoginThrottle::new(
                config.login_attempts,
                config.login_lockout,
            )),
            config: Arc::new(config),
        })
    }
}
