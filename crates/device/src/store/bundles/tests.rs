use super::*;
use crate::keys::KdfParams;
use ed25519_dalek::SigningKey;
use mimik_domain::bundle::PackFile;
use mimik_domain::bundle::{Bundle, reference};
use mimik_domain::content_pack::ContentPack;

const SWEDISH_TEST_FACE: &str =
    include_str!("../../../../../tests/fixtures/packs/face-sv-test.toml");

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::init(
        dir.path(),
        "nurse",
        "nurse-passphrase",
        KdfParams::INSECURE_FAST_FOR_TESTS,
    )
    .unwrap();
    (dir, store)
}

fn server_key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

/// Version `version` of the reference study, with the synthetic Swedish FaCE pack.
fn version(version: u64) -> Bundle {
    let mut packs = reference::bundle().unwrap().bundle.packs;
    let pack = ContentPack::load(SWEDISH_TEST_FACE).unwrap();
    packs.push(PackFile {
        instrument: "face".into(),
        language: "sv".into(),
        sha256: pack.sha256,
        text: SWEDISH_TEST_FACE.into(),
    });
    Bundle::new("NCT05191719", version, reference::STUDY_FILE, packs)
}

fn pinned() -> (tempfile::TempDir, Store) {
    let (dir, mut store) = store();
    store
        .pin_bundle_key(&mimik_domain::bundle::public_key_hex(&server_key()))
        .unwrap();
    (dir, store)
}

fn refusal(result: Result<Adoption>) -> String {
    match result {
        Err(Error::BundleRefused(why)) => why,
        other => panic!("not refused: {other:?}"),
    }
}

#[test]
fn a_new_store_runs_on_the_shipped_bundle_version_1() {
    let (_dir, store) = store();
    let summary = BundleSummary::of(store.bundle());
    assert_eq!(summary.version, 1);
    assert_eq!(summary.study, "NCT05191719");
    assert_eq!(summary.sha256, reference::bundle().unwrap().sha256);
    assert_eq!(summary.packs.len(), 4);
}

#[test]
fn a_bundle_signed_by_the_pinned_key_is_adopted_and_stays_after_reopening() {
    let (dir, mut store) = pinned();
    let signed = version(2).sign(&server_key());
    assert_eq!(
        store.adopt_bundle(&signed).unwrap(),
        Adoption::Adopted { version: 2 }
    );
    assert_eq!(store.bundle().bundle.version, 2);
    assert!(store.packs().iter().any(|p| p.language == "sv"));
    assert_eq!(store.adopt_bundle(&signed).unwrap(), Adoption::Unchanged);
    drop(store);
    let store = Store::unlock(
        dir.path(),
        &crate::keys::Credentials::Staff {
            staff_id: Some("nurse".into()),
            passphrase: zeroize::Zeroizing::new("nurse-passphrase".into()),
        },
    )
    .unwrap();
    assert_eq!(store.bundle().bundle.version, 2);
    assert_eq!(store.bundle().sha256, signed.sha256());
}

#[test]
fn another_connection_takes_up_what_the_sync_connection_adopted() {
    let (_dir, mut store) = pinned();
    let mut sync = store.another_connection().unwrap();
    sync.adopt_bundle(&version(2).sign(&server_key())).unwrap();
    assert_eq!(store.bundle().bundle.version, 1);
    store.refresh_bundle().unwrap();
    assert_eq!(store.bundle().bundle.version, 2);
}

#[test]
fn tampered_foreign_and_replayed_bundles_are_refused_whole_and_the_bundle_in_force_stays() {
    let (_dir, mut store) = pinned();
    store.adopt_bundle(&version(3).sign(&server_key())).unwrap();
    let in_force = store.bundle().sha256.clone();

    let mut altered = version(4).sign(&server_key());
    altered.bundle = altered.bundle.replacen("TESTTEXT", "TESTTEXX", 1);
    assert!(refusal(store.adopt_bundle(&altered)).contains("signature"));

    let foreign = version(4).sign(&SigningKey::from_bytes(&[8; 32]));
    assert!(refusal(store.adopt_bundle(&foreign)).contains("another key"));

    let replayed = version(2).sign(&server_key());
    assert!(refusal(store.adopt_bundle(&replayed)).contains("not newer"));

    let mut other = version(4);
    other.study = "NCT00000001".into();
    other.study_toml = other
        .study_toml
        .replacen("id = \"NCT05191719\"", "id = \"NCT00000001\"", 1);
    assert!(refusal(store.adopt_bundle(&other.sign(&server_key()))).contains("study"));

    let mut broken = version(4);
    broken.packs[0].sha256 = "0".repeat(64);
    assert!(refusal(store.adopt_bundle(&broken.sign(&server_key()))).contains("SHA-256"));

    assert_eq!(store.bundle().sha256, in_force);
    let rows: i64 = store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM study_bundles", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(rows, 1);
}

#[test]
fn without_a_pinned_key_nothing_is_adopted_and_a_pinned_key_is_never_replaced() {
    let (_dir, mut store) = store();
    let why = refusal(store.adopt_bundle(&version(2).sign(&server_key())));
    assert!(why.contains("pinned"), "{why}");
    let key = mimik_domain::bundle::public_key_hex(&server_key());
    store.pin_bundle_key(&key).unwrap();
    store.pin_bundle_key(&key.to_ascii_uppercase()).unwrap();
    let other = mimik_domain::bundle::public_key_hex(&SigningKey::from_bytes(&[9; 32]));
    assert!(matches!(
        store.pin_bundle_key(&other),
        Err(Error::BundleRefused(_))
    ));
    assert!(matches!(
        store.pin_bundle_key("zz"),
        Err(Error::BadResponse(_))
    ));
    assert_eq!(store.pinned_bundle_key().unwrap(), Some(key));
}
