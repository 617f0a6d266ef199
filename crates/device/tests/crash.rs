//! SIGKILL at random moments (issue 4; RELIABILITY.md NL-1, NL-7): every id a child printed after
//! its commit returned is there afterwards, nothing is partial, device_seq has no gaps and
//! `verify` passes. Seeds are printed (MIMIK_TEST_SEED replays a run).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::{PASS, Rng, child_bin, new_store, staff, unlock};
use mimik_device::{Error, Store};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Run the child, SIGKILL it `after` from its start, return what it printed.
fn run_and_kill(args: &[&str], after: Duration) -> Vec<String> {
    let mut child: Child = Command::new(child_bin())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("child starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            match line {
                Ok(line) => {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    });
    let deadline = Instant::now() + after;
    let mut printed = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => printed.push(line),
            Err(mpsc::RecvTimeoutError::Timeout) => break,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    reader.join().expect("reader");
    // Lines already in the pipe were printed before the kill: they count too.
    printed.extend(rx.try_iter());
    printed
}

fn assert_whole(dir: &Path, expected: &BTreeSet<String>) {
    let store = unlock(dir).expect("reopens after SIGKILL");
    let rows = store.submissions().expect("list");
    let ids: BTreeSet<String> = rows.iter().map(|r| r.id.clone()).collect();
    let missing: Vec<&String> = expected.difference(&ids).collect();
    assert!(
        missing.is_empty(),
        "printed as saved but missing: {missing:?}"
    );
    let report = store.verify().expect("verify runs");
    assert!(report.ok, "{report:?}");
    let status = store.status().expect("status");
    assert_eq!(
        status.submissions, status.last_device_seq,
        "device_seq has no gaps"
    );
    assert_eq!(
        status.pending, status.submissions,
        "every submission has its outbox row"
    );
}

// NL-1 and NL-7: a save reported done survives any kill, and the store still verifies.
#[test]
fn saves_survive_200_random_sigkills_with_every_printed_id_present() {
    let dir = tempfile::tempdir().unwrap();
    drop(new_store(dir.path()));
    let mut rng = Rng::from_time();
    let mut printed = BTreeSet::new();
    let dir_arg = dir.path().to_str().unwrap();
    for _ in 0..200 {
        let after = Duration::from_millis(5 + rng.below(60));
        printed.extend(run_and_kill(&["save-loop", dir_arg, PASS], after));
        assert_whole(dir.path(), &printed);
    }
    assert!(
        printed.len() > 200,
        "the kills landed while saving ({} saves)",
        printed.len()
    );
}

/// How long `args`' operation runs in the child, from its `starting` line to the line saying it
/// finished: the median of five runs that are not killed (the longest is a load spike, and kills
/// drawn from it would mostly land after the end). `prepare` makes a fresh setting for each run.
fn time_the_operation(prepare: impl Fn() -> (tempfile::TempDir, Vec<String>)) -> Duration {
    let mut lengths: Vec<Duration> = (0..5)
        .map(|_| {
            let (_dir, args) = prepare();
            let mut child = Command::new(child_bin())
                .args(&args)
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("child starts");
            let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
            let mut line = || lines.next().and_then(Result::ok);
            assert_eq!(line().as_deref(), Some("starting"), "{args:?} starts");
            let start = Instant::now();
            let done = line();
            let length = start.elapsed();
            assert!(done.is_some(), "{args:?} reports its end");
            assert!(
                child.wait().expect("child ends").success(),
                "{args:?} works"
            );
            length
        })
        .collect();
    lengths.sort();
    lengths[2]
}

/// What one kill aimed inside the operation left: the child's lines after `starting`, or `None`
/// when it was killed before it printed `starting`.
fn kill_inside(args: &[&str], delay: Duration) -> Option<Vec<String>> {
    let mut child = Command::new(child_bin())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("child starts");
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let started = rx.recv_timeout(Duration::from_secs(30)).ok();
    if started.as_deref() == Some("starting") {
        std::thread::sleep(delay);
    }
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    reader.join().expect("reader");
    (started.as_deref() == Some("starting")).then(|| rx.try_iter().collect())
}

/// A kill whose delay is drawn from the operation's measured length.
fn delay_within(rng: &mut Rng, length: Duration) -> Duration {
    let micros = u64::try_from(length.as_micros()).unwrap_or(u64::MAX).max(1);
    Duration::from_micros(rng.below(micros))
}

/// At least this many of the 60 kills must land inside the operation, or the test proved nothing.
const MIN_KILLS_INSIDE: usize = 12;

// NL-7: a kill during set-up leaves a store that verifies, or nothing.
#[test]
fn init_killed_midway_leaves_a_working_store_or_remains_init_can_start_over() {
    let mut rng = Rng::from_time();
    let length = time_the_operation(|| {
        let dir = tempfile::tempdir().unwrap();
        let args = vec![
            "init".into(),
            dir.path().to_str().unwrap().into(),
            PASS.into(),
        ];
        (dir, args)
    });
    let mut inside = 0;
    let mut outcomes = BTreeSet::new();
    for _ in 0..60 {
        let dir = tempfile::tempdir().unwrap();
        let dir_arg = dir.path().to_str().unwrap();
        let printed = kill_inside(&["init", dir_arg, PASS], delay_within(&mut rng, length))
            .expect("the child reached init before the kill");
        let finished = printed.iter().any(|l| l == "initialized");
        if !finished {
            inside += 1;
        }
        match unlock(dir.path()) {
            Ok(store) => {
                // init finished (its recovery key was at least about to be shown).
                assert!(store.verify().unwrap().ok);
                outcomes.insert("store");
            }
            Err(Error::NotInitialized(_) | Error::InitInterrupted) => {
                assert!(!finished, "init reported success but left no usable store");
                // Nothing was saved: init runs again over the remains and works.
                let (store, _) = Store::init(
                    dir.path(),
                    "nurse",
                    PASS,
                    mimik_device::KdfParams::INSECURE_FAST_FOR_TESTS,
                )
                .expect("init again after a kill");
                assert!(store.verify().unwrap().ok);
                outcomes.insert("nothing");
            }
            Err(other) => panic!("after a kill during init: {other}"),
        }
    }
    eprintln!("{inside} of 60 kills landed inside init ({length:?})");
    assert!(
        inside >= MIN_KILLS_INSIDE,
        "only {inside} of 60 kills landed inside init (it takes {length:?})"
    );
    assert!(
        outcomes.contains("nothing"),
        "no kill left init unfinished ({outcomes:?})"
    );
}

// NL-7: a kill during a key-slot change leaves one working key.
#[test]
fn a_passphrase_change_killed_midway_leaves_exactly_the_old_or_the_new_passphrase() {
    let length = time_the_operation(|| {
        let dir = tempfile::tempdir().unwrap();
        drop(new_store(dir.path()));
        let args = vec![
            "passphrase".into(),
            dir.path().to_str().unwrap().into(),
            PASS.into(),
            "second-passphrase".into(),
        ];
        (dir, args)
    });
    let dir = tempfile::tempdir().unwrap();
    drop(new_store(dir.path()));
    let dir_arg = dir.path().to_str().unwrap();
    let mut rng = Rng::from_time();
    let (mut current, mut next) = (PASS.to_owned(), "second-passphrase".to_owned());
    let (mut inside, mut changed) = (0, 0);
    for _ in 0..60 {
        let printed = kill_inside(
            &["passphrase", dir_arg, &current, &next],
            delay_within(&mut rng, length),
        )
        .expect("the child unlocked and reached the change before the kill");
        let reported = printed.iter().any(|l| l == "changed");
        if !reported {
            inside += 1;
        }
        let old_works = Store::unlock(dir.path(), &staff(&current)).is_ok();
        let new_works = Store::unlock(dir.path(), &staff(&next)).is_ok();
        assert!(
            old_works != new_works,
            "exactly one passphrase opens the store"
        );
        if reported {
            assert!(new_works, "a reported change took effect");
        }
        if new_works {
            std::mem::swap(&mut current, &mut next);
            changed += 1;
        }
        let store = Store::unlock(dir.path(), &staff(&current)).unwrap();
        assert!(store.verify().unwrap().ok);
    }
    eprintln!("{inside} of 60 kills landed inside the change ({length:?})");
    assert!(
        inside >= MIN_KILLS_INSIDE,
        "only {inside} of 60 kills landed inside the change (it takes {length:?})"
    );
    assert!(
        changed < 60,
        "every change completed before its kill: the kills never interrupted one"
    );
}

/// Whether the slot file `slots` (bytes of a keyslots.json) opens the database now in `dir`:
/// tried on copies in a scratch folder, so a failure quarantines nothing real.
fn slots_open_the_database(slots: &[u8], dir: &std::path::Path) -> bool {
    let scratch = tempfile::tempdir().unwrap();
    for name in ["mimik.db", "mimik.db-wal"] {
        if dir.join(name).exists() {
            std::fs::copy(dir.join(name), scratch.path().join(name)).unwrap();
        }
    }
    std::fs::write(scratch.path().join("keyslots.json"), slots).unwrap();
    Store::unlock(scratch.path(), &staff(PASS)).is_ok()
}

/// Issue 13 item 1: a re-key killed anywhere leaves a store that opens with exactly one key, and
/// the slot file from before opens the database only if the re-key did not happen.
#[test]
fn a_rekey_killed_midway_leaves_a_store_that_opens_with_exactly_one_key() {
    let length = time_the_operation(|| {
        let dir = tempfile::tempdir().unwrap();
        drop(new_store(dir.path()));
        let args = vec![
            "rekey".into(),
            dir.path().to_str().unwrap().into(),
            PASS.into(),
        ];
        (dir, args)
    });
    let dir = tempfile::tempdir().unwrap();
    drop(new_store(dir.path()));
    let dir_arg = dir.path().to_str().unwrap();
    let mut rng = Rng::from_time();
    let (mut inside, mut kept_the_old_key) = (0, 0);
    for _ in 0..60 {
        let before = std::fs::read(dir.path().join("keyslots.json")).unwrap();
        let printed = kill_inside(&["rekey", dir_arg, PASS], delay_within(&mut rng, length))
            .expect("the child unlocked and reached the re-key before the kill");
        let reported = printed.iter().any(|l| l == "rekeyed");
        if !reported {
            inside += 1;
        }
        // The store opens (finishing or undoing the interrupted re-key) and is whole.
        let store = Store::unlock(dir.path(), &staff(PASS)).expect("the store opens after a kill");
        assert!(store.verify().unwrap().ok);
        drop(store);
        let now = std::fs::read(dir.path().join("keyslots.json")).unwrap();
        assert!(slots_open_the_database(&now, dir.path()));
        let old_opens = slots_open_the_database(&before, dir.path());
        if reported {
            assert!(!old_opens, "a reported re-key left the old key working");
        }
        if old_opens {
            kept_the_old_key += 1;
            assert_eq!(
                now, before,
                "the old key works, so the slot file is the old one"
            );
        }
    }
    eprintln!(
        "{inside} of 60 kills landed inside the re-key ({length:?}); {kept_the_old_key} left the old key"
    );
    assert!(
        inside >= MIN_KILLS_INSIDE,
        "only {inside} of 60 kills landed inside the re-key (it takes {length:?})"
    );
    assert!(
        kept_the_old_key > 0,
        "no kill landed before the re-key's commit point: the undo path was never exercised"
    );
}
