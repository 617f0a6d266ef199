//! Pseudonyms: the only participant identity Mimik stores (DESIGN.md §4, "Identity").

use serde::{Deserialize, Serialize};
use std::fmt;

/// A pattern such as `NT-###`: `#` is one digit, anything else is itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PseudonymPattern(String);

impl TryFrom<String> for PseudonymPattern {
    type Error = String;

    fn try_from(pattern: String) -> Result<Self, Self::Error> {
        let valid = pattern.contains('#')
            && pattern.len() <= 32
            && pattern
                .chars()
                .all(|c| c == '#' || c == '-' || c.is_ascii_uppercase() || c.is_ascii_digit());
        if valid {
            Ok(PseudonymPattern(pattern))
        } else {
            Err("a pseudonym pattern uses A-Z, 0-9, '-' and '#' for a digit, e.g. NT-###".into())
        }
    }
}

impl From<PseudonymPattern> for String {
    fn from(pattern: PseudonymPattern) -> String {
        pattern.0
    }
}

impl PseudonymPattern {
    /// Check a pseudonym against the pattern.
    pub fn parse(&self, text: &str) -> Result<Pseudonym, PseudonymError> {
        let matches = text.len() == self.0.len()
            && self.0.chars().zip(text.chars()).all(|(p, c)| match p {
                '#' => c.is_ascii_digit(),
                literal => literal == c,
            });
        if matches {
            Ok(Pseudonym(text.to_owned()))
        } else {
            Err(PseudonymError {
                pattern: self.0.clone(),
            })
        }
    }
}

impl fmt::Display for PseudonymPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A participant pseudonym that matches the study's pattern.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Pseudonym(String);

impl Pseudonym {
    /// The pseudonym.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A pseudonym that does not match. The rejected text is not repeated: it might be a real name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "not a pseudonym of this study: use the form {pattern} ('#' is a digit); never a name or record number"
)]
pub struct PseudonymError {
    /// The expected pattern.
    pub pattern: String,
}
