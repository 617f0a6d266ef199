//! Issue 11 point 7: a test that guards a reliability invariant says so (`NL-3` in its name or a
//! one-line comment, as ripgrep's regression tests name their issue), so a reader of
//! RELIABILITY.md finds what proves each line, and a test that guards one is not deleted
//! unknowingly. This checks that every invariant that applies today is cited by some test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mimik_tests::{rust_files, workspace_root};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The invariants of RELIABILITY.md that the code has to hold today. NL-11 (roles and audited
/// access) and NL-12 (blind raters) come with the work that builds them (issue 14, and the video
/// grading after it); add them here then.
const INVARIANTS: &[&str] = &[
    "NL-1", "NL-2", "NL-3", "NL-4", "NL-5", "NL-6", "NL-7", "NL-8", "NL-9", "NL-10",
];

/// The test code of a file: all of it for a test file, else what follows `#[cfg(test)]`.
fn test_code(root: &Path, file: &Path) -> String {
    let rel = file
        .strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let text = std::fs::read_to_string(file).unwrap();
    let whole_file_is_tests =
        rel.contains("/tests/") || rel.ends_with("/tests.rs") || rel.contains("/fuzz/");
    if whole_file_is_tests {
        text
    } else {
        text.split("#[cfg(test)]")
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Where each invariant is cited: NL-1 must not count as a citation of NL-10.
fn citations() -> BTreeMap<String, Vec<String>> {
    let root = workspace_root();
    let files: Vec<PathBuf> = ["crates", "tests", "src-tauri/src"]
        .iter()
        .flat_map(|dir| rust_files(&root.join(dir)))
        .collect();
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files {
        let code = test_code(&root, &file);
        let rel = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for (at, _) in code.match_indices("NL-") {
            let digits: String = code[at + 3..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if !digits.is_empty() {
                found
                    .entry(format!("NL-{digits}"))
                    .or_default()
                    .push(rel.clone());
            }
        }
    }
    found
}

#[test]
fn every_invariant_that_applies_today_is_cited_by_a_test() {
    let found = citations();
    let uncited: Vec<&&str> = INVARIANTS
        .iter()
        .filter(|nl| !found.contains_key(**nl))
        .collect();
    assert!(
        uncited.is_empty(),
        "no test cites {uncited:?}: name the tests that guard them (RELIABILITY.md)"
    );
}

#[test]
fn no_test_cites_an_invariant_that_does_not_exist() {
    let unknown: Vec<String> = citations()
        .into_keys()
        .filter(|nl| {
            let n: u32 = nl[3..].parse().unwrap();
            !(1..=12).contains(&n)
        })
        .collect();
    assert!(
        unknown.is_empty(),
        "RELIABILITY.md has NL-1 to NL-12: {unknown:?}"
    );
}
