//! The platform keystore slot on a real TPM 2.0: Debian's `swtpm` (a software TPM, the same
//! protocol as the chip) driven through `tpm2-tools` (issue 13 item 1). `scripts/test.sh`
//! installs both.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::{PASS, new_store, staff};
use mimik_device::keys::keystore::{Keystore, Tpm2};
use mimik_device::{Error, Store};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A software TPM with its state in `dir`; stopped when dropped.
struct SoftTpm {
    child: Child,
    port: u16,
}

impl SoftTpm {
    fn start(dir: &Path) -> SoftTpm {
        std::fs::create_dir_all(dir).unwrap();
        // The swtpm TCTI finds the control channel on the next port.
        let (port, ctrl) = loop {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            if port < u16::MAX && TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
                break (port, port + 1);
            }
        };
        let child = Command::new("swtpm")
            .args(["socket", "--tpm2"])
            .arg("--tpmstate")
            .arg(format!("dir={}", dir.display()))
            .args([
                "--server",
                &format!("type=tcp,port={port},bindaddr=127.0.0.1"),
            ])
            .args([
                "--ctrl",
                &format!("type=tcp,port={ctrl},bindaddr=127.0.0.1"),
            ])
            .args(["--flags", "not-need-init,startup-clear"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("swtpm starts (apt install swtpm tpm2-tools libtss2-tcti-swtpm0)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "swtpm did not listen"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        SoftTpm { child, port }
    }

    fn keystore(&self) -> Tpm2 {
        Tpm2::new(&format!("swtpm:host=127.0.0.1,port={}", self.port))
    }
}

impl Drop for SoftTpm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_tpm_sealed_secret_unseals_on_its_own_tpm_only() {
    let root = tempfile::tempdir().unwrap();
    let tpm = SoftTpm::start(&root.path().join("tpm-a"));
    let secret = [7u8; 32];
    let blob = tpm.keystore().seal(&secret).unwrap();
    assert!(
        !blob.windows(32).any(|w| w == secret),
        "the blob holds the secret in clear"
    );
    assert_eq!(*tpm.keystore().unseal(&blob).unwrap(), secret);
    let other = SoftTpm::start(&root.path().join("tpm-b"));
    assert!(
        other.keystore().unseal(&blob).is_err(),
        "another TPM unsealed it"
    );
}

#[test]
fn a_keystore_slot_opens_the_store_on_its_tpm_survives_a_rekey_and_is_useless_elsewhere() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("store");
    let tpm_state = root.path().join("tpm");
    let mut store = new_store(&dir);
    {
        let tpm = SoftTpm::start(&tpm_state);
        store.add_keystore_slot(&tpm.keystore()).unwrap();
        drop(store);
        let opened = Store::unlock_with_keystore(&dir, &tpm.keystore()).unwrap();
        assert_eq!(opened.actor(), "keystore");
        assert!(opened.verify().unwrap().ok);
    }
    // The TPM restarts (the tablet reboots): its primary key is the same, the slot still opens,
    // and a re-key (a staff member removed, say) reaches the keystore slot without the TPM
    // being asked for anything but an unseal.
    let tpm = SoftTpm::start(&tpm_state);
    let mut store = Store::unlock(&dir, &staff(PASS)).unwrap();
    store
        .add_staff(
            "bo",
            "bo-passphrase",
            mimik_device::KdfParams::INSECURE_FAST_FOR_TESTS,
        )
        .unwrap();
    assert_eq!(
        store.remove_staff("bo", "left").unwrap(),
        mimik_device::store::Rekey::Done
    );
    drop(store);
    Store::unlock_with_keystore(&dir, &tpm.keystore()).unwrap();

    // A copy of the files on another machine (another TPM) opens nothing.
    let elsewhere = SoftTpm::start(&root.path().join("other-tpm"));
    assert!(matches!(
        Store::unlock_with_keystore(&dir, &elsewhere.keystore()),
        Err(Error::KeySlots(_))
    ));
}
