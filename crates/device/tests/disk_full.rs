//! Disk full (issue 4): the store on a 4 MiB tmpfs. Saving fails with a clear "storage full",
//! nothing is reported saved that is not, and everything saved before is intact once space
//! returns. Mounting needs root, which CI has; elsewhere the test fails saying so.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::{new_store, save_saq, unlock};
use mimik_device::Error;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Tmpfs {
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .expect("mount runs");
        assert!(
            status.success(),
            "mounting a tmpfs failed: this test needs root (CI runs as root); run it as root"
        );
        Tmpfs(dir.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

// NL-1 and NL-7: a full disk refuses the new save and keeps every earlier one.
#[test]
fn a_full_disk_is_a_clear_error_and_loses_nothing_saved_before() {
    let mount = tempfile::tempdir().unwrap();
    let _tmpfs = Tmpfs::mount(mount.path(), "4m");
    let dir = mount.path().join("store");
    let filler = mount.path().join("filler");

    let mut store = new_store(&dir);
    let mut saved = vec![save_saq(&mut store).unwrap().id];
    // Leave ~200 KiB free, then save until the disk is full.
    let free = {
        let out = Command::new("df")
            .args(["--output=avail", "-B1"])
            .arg(mount.path())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .unwrap()
            .trim()
            .parse::<u64>()
            .unwrap()
    };
    std::fs::write(&filler, vec![0u8; (free - 200 * 1024) as usize]).unwrap();
    let error = loop {
        match save_saq(&mut store) {
            Ok(s) => saved.push(s.id),
            Err(e) => break e,
        }
        assert!(saved.len() < 100_000, "the disk never filled up");
    };
    assert!(matches!(error, Error::StorageFull), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("storage is full: nothing was saved")
    );
    assert!(
        saved.len() > 5,
        "some saves fit before the disk filled ({})",
        saved.len()
    );
    drop(store);

    // Space returns: everything reported saved is there, the store verifies, saving works again.
    std::fs::remove_file(&filler).unwrap();
    let mut store = unlock(&dir).expect("reopens after the disk was full");
    let ids: Vec<String> = store
        .submissions()
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    for id in &saved {
        assert!(ids.contains(id), "saved {id} is missing");
    }
    assert_eq!(
        ids.len(),
        saved.len() + 1,
        "nothing unreported was saved (+1: the participant)"
    );
    assert!(store.verify().unwrap().ok);
    save_saq(&mut store).expect("saving works again");
}
