//! Clavien-Dindo grades of side effects (Dindo et al. 2004; Clavien et al. 2009).
//!
//! A classification, not a score. Grades `none, I, II, IIIa, IIIb, IVa, IVb, V`, plus the `d`
//! flag (complication present at discharge), allowed with I–IVb only. A bare `III` or `IV` is
//! refused: the sub-grade matters for the analysis (instruments.md, "Clavien-Dindo").

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A grade, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ClavienDindoGrade"))]
pub enum Grade {
    /// No complication.
    #[serde(rename = "none")]
    None,
    /// Any deviation from the normal course without the need for treatment beyond allowed regimens.
    I,
    /// Requiring pharmacological treatment beyond grade I.
    II,
    /// Intervention not under general anaesthesia.
    IIIa,
    /// Intervention under general anaesthesia.
    IIIb,
    /// Life-threatening, single organ dysfunction.
    IVa,
    /// Life-threatening, multi-organ dysfunction.
    IVb,
    /// Death.
    V,
}

impl Grade {
    /// Every grade, least severe first.
    pub const ALL: [Grade; 8] = [
        Grade::None,
        Grade::I,
        Grade::II,
        Grade::IIIa,
        Grade::IIIb,
        Grade::IVa,
        Grade::IVb,
        Grade::V,
    ];

    /// The wire form (`none`, `I`, …, `IIIa`).
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::None => "none",
            Grade::I => "I",
            Grade::II => "II",
            Grade::IIIa => "IIIa",
            Grade::IIIb => "IIIb",
            Grade::IVa => "IVa",
            Grade::IVb => "IVb",
            Grade::V => "V",
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a grading was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    /// `III` or `IV` without the a/b sub-grade.
    #[error("grade {0} needs its sub-grade: use {0}a or {0}b")]
    MissingSubGrade(&'static str),
    /// Not a grade at all.
    #[error("unknown Clavien-Dindo grade {0:?}: expected none, I, II, IIIa, IIIb, IVa, IVb or V")]
    Unknown(String),
    /// `d` with `none` or `V`.
    #[error("the d flag (present at discharge) is only allowed with grades I to IVb, not {0}")]
    DischargeFlagNotAllowed(Grade),
}

impl FromStr for Grade {
    type Err = GradeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "III" => Err(GradeError::MissingSubGrade("III")),
            "IV" => Err(GradeError::MissingSubGrade("IV")),
            _ => Grade::ALL
                .into_iter()
                .find(|grade| grade.as_str() == s)
                .ok_or_else(|| GradeError::Unknown(s.chars().take(20).collect())),
        }
    }
}

/// A clinician's grading of one side effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Grading {
    grade: Grade,
    present_at_discharge: bool,
}

impl Grading {
    /// Check the `d` flag rule and build a grading.
    pub fn new(grade: Grade, present_at_discharge: bool) -> Result<Self, GradeError> {
        if present_at_discharge && matches!(grade, Grade::None | Grade::V) {
            return Err(GradeError::DischargeFlagNotAllowed(grade));
        }
        Ok(Grading {
            grade,
            present_at_discharge,
        })
    }

    /// Parse `"IIIa"` or `"IIIa-d"` / `"IIIad"` style input plus an explicit flag.
    pub fn parse(grade: &str, present_at_discharge: bool) -> Result<Self, GradeError> {
        Grading::new(grade.parse()?, present_at_discharge)
    }

    /// The grade.
    pub fn grade(self) -> Grade {
        self.grade
    }

    /// Whether the complication was present at discharge.
    pub fn present_at_discharge(self) -> bool {
        self.present_at_discharge
    }
}

/// Per patient, the highest grade is reported.
pub fn highest(gradings: impl IntoIterator<Item = Grading>) -> Option<Grade> {
    gradings.into_iter().map(Grading::grade).max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn cd_example_v_with_d_and_bare_iii_are_both_rejected() {
        assert_eq!(
            Grading::parse("V", true),
            Err(GradeError::DischargeFlagNotAllowed(Grade::V))
        );
        assert_eq!(
            Grading::parse("III", false),
            Err(GradeError::MissingSubGrade("III"))
        );
    }

    #[rstest]
    #[case("IV")]
    #[case("iiia")]
    #[case("")]
    #[case("VI")]
    #[case("IIIc")]
    #[case("None")]
    fn unknown_or_incomplete_grades_are_refused(#[case] input: &str) {
        assert!(input.parse::<Grade>().is_err());
    }

    #[test]
    fn d_flag_is_allowed_from_i_to_ivb_only() {
        for grade in Grade::ALL {
            let allowed = !matches!(grade, Grade::None | Grade::V);
            assert_eq!(Grading::new(grade, true).is_ok(), allowed, "{grade}");
            assert!(Grading::new(grade, false).is_ok());
        }
    }

    #[test]
    fn every_grade_round_trips_through_its_wire_form() {
        for grade in Grade::ALL {
            assert_eq!(grade.as_str().parse::<Grade>(), Ok(grade));
            let json = serde_json::to_string(&grade).unwrap();
            assert_eq!(json, format!("\"{}\"", grade.as_str()));
        }
    }

    #[test]
    fn the_highest_grade_is_reported_per_patient() {
        let gradings = [
            Grading::parse("II", false).unwrap(),
            Grading::parse("IIIb", true).unwrap(),
            Grading::parse("I", false).unwrap(),
        ];
        assert_eq!(highest(gradings), Some(Grade::IIIb));
        assert_eq!(highest([]), None);
    }
}
