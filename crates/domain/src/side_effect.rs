//! Free-text side effects as patients write them.
//!
//! Any language and script is kept exactly, normalised to NFC so that the same text always
//! hashes the same. The text is patient data: it never goes into logs or error messages.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// The longest side-effect text accepted, in characters (after NFC).
pub const MAX_CHARS: usize = 4000;

/// A validated side-effect text: non-blank, NFC, at most [`MAX_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SideEffectText(String);

/// Why a side-effect text was refused. Never carries the text itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SideEffectError {
    /// Nothing but white space.
    #[error("the side-effect description is empty: write what happened, or skip this step")]
    Empty,
    /// Longer than the limit.
    #[error(
        "the side-effect description is {chars} characters long; at most {MAX_CHARS} fit, please shorten it"
    )]
    TooLong {
        /// Its length in characters.
        chars: usize,
    },
}

impl SideEffectText {
    /// Normalise to NFC and check the length. Everything else (emoji, RTL, NUL, quotes) is kept.
    pub fn new(text: &str) -> Result<Self, SideEffectError> {
        let normalized: String = text.nfc().collect();
        if normalized.trim().is_empty() {
            return Err(SideEffectError::Empty);
        }
        let chars = normalized.chars().count();
        if chars > MAX_CHARS {
            return Err(SideEffectError::TooLong { chars });
        }
        Ok(SideEffectText(normalized))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_swedish_letters_are_stored_as_nfc() {
        let decomposed = "Sva\u{308}lja ga\u{30a}r sa\u{308}mre";
        let text = SideEffectText::new(decomposed).unwrap();
        assert_eq!(text.as_str(), "Svälja går sämre");
    }

    #[test]
    fn any_script_emoji_rtl_nul_and_sql_are_kept_exactly() {
        let input = "وجع في الخد 😖 '; DROP TABLE submissions; -- \0 end";
        assert_eq!(SideEffectText::new(input).unwrap().as_str(), input);
    }

    #[test]
    fn blank_text_is_refused() {
        assert_eq!(SideEffectText::new(" \n\t"), Err(SideEffectError::Empty));
    }

    #[test]
    fn over_long_text_is_refused_with_its_length_but_not_its_content() {
        let long = "å".repeat(MAX_CHARS + 1);
        let error = SideEffectText::new(&long).unwrap_err();
        assert_eq!(
            error,
            SideEffectError::TooLong {
                chars: MAX_CHARS + 1
            }
        );
        assert!(!error.to_string().contains('å'));
        assert!(SideEffectText::new(&"å".repeat(MAX_CHARS)).is_ok());
    }
}
