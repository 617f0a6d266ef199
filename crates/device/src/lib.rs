//! `mimik-device`: everything the tablet does without a screen.
//!
//! The encrypted store ([`store`]) with its key slots ([`keys`]), the catalogue of instruments and
//! the study protocol the tablet ships with ([`catalog`]), and the sync client ([`sync`]).
//! Two front ends sit on it: the `mimik` CLI (`src/main.rs`, feature `cli`) and the tablet app's
//! logic (`mimik-tablet`).
//! Deliberately not here: anything about screens (that is `src-tauri` and `ui/`) and any scoring
//! rule (that is `mimik-domain`, shared with the server).

pub mod catalog;
pub mod error;
pub mod fsutil;
pub mod keys;
pub mod store;
pub mod sync;

pub use error::{Error, Result};
pub use keys::{Credentials, KdfParams, RecoveryKey};
pub use store::Store;
