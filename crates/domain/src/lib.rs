//! `mimik-domain`: what Mimik knows about its instruments and its study, with no I/O.
//!
//! Instruments and their items ([`instrument`]), raw answers → validated answers or typed issues
//! ([`answers`]), scoring ([`scoring`]), clinician classifications ([`clavien_dindo`]), free-text
//! side effects ([`side_effect`]), instrument wording as data ([`content_pack`]), the study
//! protocol and schedule ([`study`]), and the submission envelope with its canonical encoding
//! and hash ([`envelope`], [`canonical`]).
//!
//! Study bundles, signed and checked, with the reference bundle compiled in ([`bundle`]).
//!
//! Deliberately not here: files, clocks, randomness, databases, networks. Callers read files and
//! pass bytes or strings in; "today" is a parameter. This keeps every rule testable with plain
//! `cargo test` and identical on the tablet and the server.

pub mod answers;
pub mod instrument;
pub mod scoring;

pub use answers::{Answer, AnswersError, Issue, Problem, ValidatedAnswers, parse_answers_json};
pub use instrument::Instrument;
pub use scoring::{MissingMode, Scores, score};
pub mod bundle;
pub mod canonical;
pub mod clavien_dindo;
pub mod content;
pub mod content_pack;
pub mod envelope;
pub mod problem;
pub mod protocol;
pub mod side_effect;
pub mod study;
