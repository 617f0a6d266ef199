//! The process's first SQLCipher connections, opened by several threads at the same instant: each
//! store must key and open (SQLite marks itself initialised before SQLCipher's own set-up is done,
//! so without a guard a second thread's `PRAGMA key` fails). This file holds one test so that it
//! is the first SQLite use of its process. Without the guard in `store::open_connection` this run
//! failed 5 times in 100 here (32 threads, 2 cores); with it, 0 in 300.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use mimik_device::KdfParams;
use mimik_device::store::Store;
use std::sync::{Arc, Barrier};

#[test]
fn stores_created_by_many_threads_at_once_as_the_first_use_of_sqlcipher_all_open() {
    let root = tempfile::tempdir().unwrap();
    let threads = 32;
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|n| {
            let dir = root.path().join(format!("tablet-{n}"));
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                Store::init(
                    &dir,
                    "anna.l",
                    "a passphrase",
                    KdfParams::INSECURE_FAST_FOR_TESTS,
                )
                .map(|_| ())
                .map_err(|e| e.to_string())
            })
        })
        .collect();
    for (n, handle) in handles.into_iter().enumerate() {
        assert_eq!(handle.join().unwrap(), Ok(()), "store {n}");
    }
}
