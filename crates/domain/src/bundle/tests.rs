use super::*;

use super::reference::{PACK_FILES as PACKS, STUDY_FILE as STUDY};
const SWEDISH_TEST_FACE: &str = include_str!("../../../../tests/fixtures/packs/face-sv-test.toml");

fn file(text: &str) -> PackFile {
    let pack = ContentPack::load(text).unwrap();
    PackFile {
        instrument: pack.instrument.id().to_owned(),
        language: pack.language,
        sha256: pack.sha256,
        text: text.to_owned(),
    }
}

fn reference(version: u64) -> Bundle {
    let mut packs: Vec<PackFile> = PACKS.iter().map(|t| file(t)).collect();
    packs.push(file(SWEDISH_TEST_FACE));
    Bundle::new("NCT05191719", version, STUDY, packs)
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

#[test]
fn a_signed_bundle_opens_with_its_key_and_hashes_its_text() {
    let signed = reference(2).sign(&key(1));
    let checked = signed.open(&public_key_hex(&key(1))).unwrap();
    assert_eq!(checked.bundle.version, 2);
    assert_eq!(checked.study.id, "NCT05191719");
    assert_eq!(checked.packs.len(), 5);
    assert_eq!(checked.sha256, signed.sha256());
    assert_eq!(checked.sha256, sha256_hex(signed.bundle.as_bytes()));
    // Packs come sorted whatever order they were given in.
    let order: Vec<_> = checked
        .bundle
        .packs
        .iter()
        .map(|p| (p.instrument.as_str(), p.language.as_str()))
        .collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(order, sorted);
}

#[test]
fn one_altered_byte_anywhere_fails_the_signature() {
    let signed = reference(1).sign(&key(1));
    let pinned = public_key_hex(&key(1));
    for at in [0, signed.bundle.len() / 2, signed.bundle.len() - 1] {
        let mut bytes = signed.bundle.clone().into_bytes();
        bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
        let altered = SignedBundle {
            bundle: String::from_utf8(bytes).unwrap(),
            ..signed.clone()
        };
        assert_eq!(
            altered.open(&pinned),
            Err(BundleError::BadSignature),
            "byte {at}"
        );
    }
}

#[test]
fn a_bundle_signed_by_another_key_is_refused_even_when_it_names_that_key() {
    let forged = reference(1).sign(&key(2));
    assert_eq!(
        forged.open(&public_key_hex(&key(1))),
        Err(BundleError::WrongKey)
    );
    // Claiming the pinned key while signed by another fails the signature.
    let claimed = SignedBundle {
        public_key: public_key_hex(&key(1)),
        ..forged
    };
    assert_eq!(
        claimed.open(&public_key_hex(&key(1))),
        Err(BundleError::BadSignature)
    );
}

#[test]
fn a_signed_text_that_is_not_canonical_is_refused() {
    let text = reference(1).canonical().replacen('{', "{ ", 1);
    let signed = SignedBundle {
        signature: hex(&key(1).sign(text.as_bytes()).to_bytes()),
        public_key: public_key_hex(&key(1)),
        bundle: text,
    };
    assert_eq!(
        signed.open(&public_key_hex(&key(1))),
        Err(BundleError::NotCanonical)
    );
}

#[test]
fn a_pack_whose_hash_does_not_match_its_text_names_the_pack() {
    let mut bundle = reference(1);
    bundle.packs[0].sha256 = "0".repeat(64);
    let issues = bundle.check().unwrap_err();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].file, "pack face/en");
    assert!(issues[0].problem.contains("SHA-256"), "{issues:?}");
}

#[test]
fn a_pack_for_an_unknown_instrument_is_refused() {
    let text = PACKS[0].replacen("instrument = \"face\"", "instrument = \"hads\"", 1);
    let mut bundle = reference(1);
    bundle.packs.push(PackFile {
        instrument: "hads".into(),
        language: "en".into(),
        sha256: sha256_hex(text.as_bytes()),
        text,
    });
    let issues = bundle.check().unwrap_err();
    assert_eq!(issues[0].file, "pack hads/en");
    assert!(issues[0].problem.contains("hads"), "{issues:?}");
}

#[test]
fn a_pack_missing_an_item_of_the_instrument_names_the_item() {
    let text = SWEDISH_TEST_FACE.replacen("id = \"q1\"", "id = \"q99\"", 1);
    let mut bundle = reference(1);
    bundle.packs.retain(|p| p.language != "sv");
    bundle.packs.push(PackFile {
        instrument: "face".into(),
        language: "sv".into(),
        sha256: sha256_hex(text.as_bytes()),
        text,
    });
    let issues = bundle.check().unwrap_err();
    assert_eq!(issues[0].file, "pack face/sv");
    assert!(
        issues[0].problem.contains("q1") || issues[0].problem.contains("q99"),
        "{issues:?}"
    );
}

#[test]
fn a_pack_filed_under_another_language_is_refused() {
    let mut bundle = reference(1);
    let sv = bundle
        .packs
        .iter_mut()
        .find(|p| p.language == "sv")
        .unwrap();
    sv.language = "en".into();
    let issues = bundle.check().unwrap_err();
    assert!(
        issues.iter().any(|i| i.problem.contains("appears twice")),
        "{issues:?}"
    );
}

#[test]
fn a_protocol_without_the_english_pack_of_an_instrument_it_asks_for_is_refused() {
    let mut bundle = reference(1);
    bundle
        .packs
        .retain(|p| !(p.instrument == "fdi" && p.language == "en"));
    let issues = bundle.check().unwrap_err();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].file, "study");
    assert!(issues[0].problem.contains("fdi"), "{issues:?}");
}

#[test]
fn a_protocol_of_another_study_or_a_broken_one_is_refused() {
    let mut bundle = reference(1);
    bundle.study = "NCT00000000".into();
    assert_eq!(bundle.check().unwrap_err()[0].file, "study");
    let mut bundle = reference(1);
    bundle.study_toml = STUDY.replacen("anchor = \"inclusion\"", "anchor = \"moon\"", 1);
    let issues = bundle.check().unwrap_err();
    assert!(issues[0].problem.contains("line"), "{issues:?}");
}

#[test]
fn version_zero_and_unknown_formats_are_refused() {
    let mut bundle = reference(0);
    bundle.format = 9;
    let issues = bundle.check().unwrap_err();
    assert_eq!(issues.len(), 2, "{issues:?}");
}

#[test]
fn garbage_and_oversized_texts_are_refused_without_panicking() {
    let pinned = public_key_hex(&key(1));
    for text in ["", "{", "null", "{\"format\":1}", "[1,2]"] {
        let signed = SignedBundle {
            signature: hex(&key(1).sign(text.as_bytes()).to_bytes()),
            public_key: pinned.clone(),
            bundle: text.into(),
        };
        assert!(
            matches!(signed.open(&pinned), Err(BundleError::Syntax(_))),
            "{text:?}"
        );
    }
    let huge = SignedBundle {
        bundle: "x".repeat(MAX_BUNDLE_BYTES + 1),
        signature: String::new(),
        public_key: pinned.clone(),
    };
    assert!(matches!(huge.open(&pinned), Err(BundleError::TooLarge(_))));
}

#[test]
fn a_bundle_made_from_file_texts_takes_its_ids_from_the_files() {
    let mut texts = PACKS.to_vec();
    texts.push(SWEDISH_TEST_FACE);
    let checked = Bundle::from_texts(3, STUDY, &texts).unwrap();
    assert_eq!(checked.bundle, reference(3));
    let issues = Bundle::from_texts(1, STUDY, &["not a pack", PACKS[0]]).unwrap_err();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].file, "pack file 1");
}

#[test]
fn the_reference_bundle_is_version_1_of_the_shipped_files() {
    let checked = reference::bundle().unwrap();
    assert_eq!(checked.study.id, "NCT05191719");
    assert_eq!(checked.bundle.version, 1);
    assert_eq!(checked.packs.len(), 4);
    for pack in &checked.bundle.packs {
        assert_eq!(pack.sha256, sha256_hex(pack.text.as_bytes()));
    }
}

/// The seed of the `study_bundle` fuzz target is this build's reference bundle signed with
/// `key(7)`, so the fuzzer starts from a bundle that opens. `MIMIK_WRITE_SEEDS=1` rewrites it.
#[test]
fn the_fuzz_seed_is_the_signed_reference_bundle() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/seeds/study_bundle/reference.json"
    );
    let signed = reference::bundle().unwrap().bundle.sign(&key(7));
    let text = serde_json::to_string(&signed).unwrap();
    if std::env::var("MIMIK_WRITE_SEEDS").as_deref() == Ok("1") {
        std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
        std::fs::write(path, &text).unwrap();
    }
    assert_eq!(
        public_key_hex(&key(7)),
        "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c"
    );
    assert_eq!(
        std::fs::read_to_string(path).unwrap(),
        text,
        "run with MIMIK_WRITE_SEEDS=1"
    );
}
