//! `mimik-device`: everything the tablet does without a screen.
//!
//! Today: the catalogue of instruments and the study protocol the tablet ships with
//! ([`catalog`]). The encrypted store, key slots, sessions, audit chain, outbox and sync client
//! come with their issues. Deliberately not here: anything about screens (that is `src-tauri`
//! and `ui/`) and any scoring rule (that is `mimik-domain`, shared with the server).

pub mod catalog;
