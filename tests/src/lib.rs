//! `mimik-tests`: black-box tests of the Mimik binaries, run as a user or script would run them.
//!
//! The binaries are built on first use with the same cargo that runs the tests, so
//! `cargo test -p mimik-tests` works on its own, not only inside `cargo test --workspace`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The path of a workspace binary (`mimik`, later `mimik-server`), built if needed.
pub fn bin(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        // Benchmarks run optimised: build the binaries with the same profile as this process.
        let profile: &[&str] = if cfg!(debug_assertions) {
            &[]
        } else {
            &["--release"]
        };
        let status = Command::new(cargo)
            .args(["build", "--quiet", "--bins"])
            .args(profile)
            .current_dir(workspace_root())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the workspace binaries failed");
        let test_exe = std::env::current_exe().expect("test executable path");
        // target/<profile>/deps/<test> → target/<profile>
        test_exe
            .parent()
            .and_then(|deps| deps.parent())
            .expect("target profile directory")
            .to_path_buf()
    });
    dir.join(name)
}

/// The workspace root (the folder holding the root Cargo.toml).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace root")
        .to_path_buf()
}

pub mod app_flow;
pub mod harness;
pub mod proxy;
pub mod webdriver;

/// Run `command` with `stdin` piped in (written from a thread: the child may stop reading
/// early, e.g. on oversized input, and a broken pipe is then expected), capturing its output.
pub fn run_with_stdin(command: &mut Command, stdin: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut pipe = child.stdin.take().expect("stdin");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().expect("the binary finishes");
    let _ = writer.join();
    output
}

/// Every `.rs` file under `dir`, skipping build output (`target`) and `node_modules`; for the
/// tests that read the sources (module structure, invariant citations).
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("readable source folder") {
            let path = entry.expect("readable folder entry").path();
            if path.is_dir() {
                if !path.ends_with("target") && !path.ends_with("node_modules") {
                    walk(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}
