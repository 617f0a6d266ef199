//! `mimik-server`: the central study server of Mimik (DESIGN.md §5–§7).
//!
//! What it does: enrolls tablets with one-time codes and bearer tokens ([`api::enroll`]);
//! receives signed submission batches, re-checks every envelope with `mimik-domain` and stores
//! them in one transaction per batch, answering per item `stored` / `duplicate` / `conflict` /
//! `rejected` ([`api::submissions`]); serves the study file, roster and content packs with an ETag
//! ([`api::study`]); writes byte-identical exports ([`export`]); renders coordinator pages
//! ([`pages`]). Storage sits behind one trait ([`storage::Storage`]) with an SQLite (embedded
//! default) and a PostgreSQL backend, chosen once in `main`.
//!
//! What it deliberately does not do: edit or delete a stored submission (the store is
//! append-only; corrections arrive as new submissions), hold anything but pseudonyms, log answers
//! or free text. TLS is served directly with `serve --tls-cert/--tls-key` ([`tls`]) or by a proxy
//! in front; plain HTTP is for loopback only (the tablet refuses it for any other address).

pub mod api;
pub mod audit;
pub mod bundles;
pub mod error;
pub mod export;
pub mod guard;
pub mod listen;
pub mod pages;
pub mod participants;
pub mod problem;
pub mod queries;
pub mod router;
pub mod secrets;
pub mod sites;
pub mod state;
pub mod storage;
pub mod throttle;
pub mod tls;
pub mod users;

pub use error::{Error, Result};
pub use router::router;
pub use state::{AppState, Config};
pub use storage::{Storage, open};
pub mod roles;
pub mod roster;

/// The one text form of a time in the database and exports: RFC 3339 UTC with microseconds
/// (`2026-01-02T03:04:05.000000Z`), whose text order is time order.
pub fn timestamp(time: chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// [`timestamp`] of now.
pub fn now() -> String {
    timestamp(chrono::Utc::now())
}
