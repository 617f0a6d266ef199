//! The four instruments: their ids, items and allowed answer codes.
//!
//! This is structure only (which items exist and which codes each accepts). Wording lives in
//! content packs (`instruments/<lang>/*.toml`, see [`crate::content_pack`]), scoring in
//! [`crate::scoring`]. Item ids and codes follow `instruments.md`; they are on the wire and in
//! stored submissions: do not change them without a new algorithm version.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One of the instruments Mimik collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// Facial Clinimetric Evaluation Scale (patient).
    Face,
    /// Facial Disability Index (patient).
    Fdi,
    /// Synkinesis Assessment Questionnaire (patient).
    Saq,
    /// Sunnybrook Facial Grading System (clinician).
    Sunnybrook,
}

impl Instrument {
    /// Every instrument, in a stable order.
    pub const ALL: [Instrument; 4] = [
        Instrument::Face,
        Instrument::Fdi,
        Instrument::Saq,
        Instrument::Sunnybrook,
    ];

    /// The wire id (`face`, `fdi`, `saq`, `sunnybrook`).
    pub fn id(self) -> &'static str {
        match self {
            Instrument::Face => "face",
            Instrument::Fdi => "fdi",
            Instrument::Saq => "saq",
            Instrument::Sunnybrook => "sunnybrook",
        }
    }

    /// The scoring algorithm version stored with every submission.
    pub fn algorithm(self) -> &'static str {
        match self {
            Instrument::Face => "face/1",
            Instrument::Fdi => "fdi/1",
            Instrument::Saq => "saq/1",
            Instrument::Sunnybrook => "sunnybrook/1",
        }
    }

    /// Whether the patient answers it (as opposed to a clinician).
    pub fn is_patient_reported(self) -> bool {
        !matches!(self, Instrument::Sunnybrook)
    }

    /// The items of the instrument, in presentation order.
    pub fn items(self) -> &'static [ItemDef] {
        match self {
            Instrument::Face => FACE_ITEMS,
            Instrument::Fdi => FDI_ITEMS,
            Instrument::Saq => SAQ_ITEMS,
            Instrument::Sunnybrook => SUNNYBROOK_ITEMS,
        }
    }

    /// The definition of one item, if the instrument has it.
    pub fn item(self, id: &str) -> Option<&'static ItemDef> {
        self.items().iter().find(|item| item.id == id)
    }
}

impl fmt::Display for Instrument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// An instrument id that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown instrument {0:?}: expected one of face, fdi, saq, sunnybrook")]
pub struct UnknownInstrument(pub String);

impl FromStr for Instrument {
    type Err = UnknownInstrument;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Instrument::ALL
            .into_iter()
            .find(|instrument| instrument.id() == s)
            .ok_or_else(|| UnknownInstrument(s.chars().take(40).collect()))
    }
}

/// One item: its id and the codes it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemDef {
    /// Wire id, e.g. `q7` or `move_smile`.
    pub id: &'static str,
    /// Lowest allowed numeric code.
    pub min: u8,
    /// Highest allowed numeric code.
    pub max: u8,
    /// FDI physical items also accept `"other_reasons"` and `"not_applicable"`.
    pub accepts_non_numeric: bool,
}

impl ItemDef {
    const fn coded(id: &'static str, min: u8, max: u8) -> Self {
        ItemDef {
            id,
            min,
            max,
            accepts_non_numeric: false,
        }
    }

    const fn fdi_physical(id: &'static str) -> Self {
        ItemDef {
            id,
            min: 1,
            max: 5,
            accepts_non_numeric: true,
        }
    }

    /// Whether `code` is one of this item's numeric codes.
    pub fn accepts_code(&self, code: u8) -> bool {
        (self.min..=self.max).contains(&code)
    }
}

/// FaCE: 15 items, 1 (worst) … 5 (best).
const FACE_ITEMS: &[ItemDef] = &[
    ItemDef::coded("q1", 1, 5),
    ItemDef::coded("q2", 1, 5),
    ItemDef::coded("q3", 1, 5),
    ItemDef::coded("q4", 1, 5),
    ItemDef::coded("q5", 1, 5),
    ItemDef::coded("q6", 1, 5),
    ItemDef::coded("q7", 1, 5),
    ItemDef::coded("q8", 1, 5),
    ItemDef::coded("q9", 1, 5),
    ItemDef::coded("q10", 1, 5),
    ItemDef::coded("q11", 1, 5),
    ItemDef::coded("q12", 1, 5),
    ItemDef::coded("q13", 1, 5),
    ItemDef::coded("q14", 1, 5),
    ItemDef::coded("q15", 1, 5),
];

/// FDI: physical items 1–5 (1…5 plus the two non-numeric answers), social items 6–10 (1…6).
const FDI_ITEMS: &[ItemDef] = &[
    ItemDef::fdi_physical("q1"),
    ItemDef::fdi_physical("q2"),
    ItemDef::fdi_physical("q3"),
    ItemDef::fdi_physical("q4"),
    ItemDef::fdi_physical("q5"),
    ItemDef::coded("q6", 1, 6),
    ItemDef::coded("q7", 1, 6),
    ItemDef::coded("q8", 1, 6),
    ItemDef::coded("q9", 1, 6),
    ItemDef::coded("q10", 1, 6),
];

/// SAQ: 9 items, 1 (seldom) … 5 (all the time; higher = worse).
const SAQ_ITEMS: &[ItemDef] = &[
    ItemDef::coded("q1", 1, 5),
    ItemDef::coded("q2", 1, 5),
    ItemDef::coded("q3", 1, 5),
    ItemDef::coded("q4", 1, 5),
    ItemDef::coded("q5", 1, 5),
    ItemDef::coded("q6", 1, 5),
    ItemDef::coded("q7", 1, 5),
    ItemDef::coded("q8", 1, 5),
    ItemDef::coded("q9", 1, 5),
];

/// Sunnybrook: resting symmetry, voluntary movement, synkinesis.
const SUNNYBROOK_ITEMS: &[ItemDef] = &[
    ItemDef::coded("rest_eye", 0, 1),
    ItemDef::coded("rest_cheek", 0, 2),
    ItemDef::coded("rest_mouth", 0, 1),
    ItemDef::coded("move_brow", 1, 5),
    ItemDef::coded("move_eye_closure", 1, 5),
    ItemDef::coded("move_smile", 1, 5),
    ItemDef::coded("move_snarl", 1, 5),
    ItemDef::coded("move_pucker", 1, 5),
    ItemDef::coded("synk_brow", 0, 3),
    ItemDef::coded("synk_eye_closure", 0, 3),
    ItemDef::coded("synk_smile", 0, 3),
    ItemDef::coded("synk_snarl", 0, 3),
    ItemDef::coded("synk_pucker", 0, 3),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instrument_ids_round_trip_through_from_str() {
        for instrument in Instrument::ALL {
            assert_eq!(instrument.id().parse::<Instrument>(), Ok(instrument));
        }
        assert!("FaCE".parse::<Instrument>().is_err());
    }

    #[test]
    fn item_counts_match_instruments_md() {
        assert_eq!(Instrument::Face.items().len(), 15);
        assert_eq!(Instrument::Fdi.items().len(), 10);
        assert_eq!(Instrument::Saq.items().len(), 9);
        assert_eq!(Instrument::Sunnybrook.items().len(), 13);
    }

    #[test]
    fn only_fdi_physical_items_accept_non_numeric_answers() {
        for instrument in Instrument::ALL {
            for item in instrument.items() {
                let expected = instrument == Instrument::Fdi
                    && ["q1", "q2", "q3", "q4", "q5"].contains(&item.id);
                assert_eq!(
                    item.accepts_non_numeric, expected,
                    "{instrument} {}",
                    item.id
                );
            }
        }
    }
}
