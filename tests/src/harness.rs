//! Real processes for end-to-end tests: a `mimik-server` on 127.0.0.1:0 and tablets driven
//! through the `mimik` CLI, each with its own data directory.

use crate::{bin, run_with_stdin};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// A running `mimik-server`.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// Its data directory.
    pub dir: PathBuf,
    /// `--db` when not the embedded default.
    pub db: Option<String>,
    /// The bound address.
    pub addr: SocketAddr,
    /// `http://…` or `https://…`, as its first line said.
    url: String,
    /// Extra `serve` arguments (TLS), kept for restarts.
    serve_args: Vec<String>,
}

/// On PostgreSQL the server needs a named bundle signing key (shared by its processes): one per
/// data directory, made on first use, private like the server's own.
fn shared_key(dir: &Path) -> PathBuf {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join("shared-signing.key");
    if !path.exists() {
        std::fs::create_dir_all(dir).expect("server data directory");
        let key: String = random_bytes().iter().map(|b| format!("{b:02x}")).collect();
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .and_then(|mut file| file.write_all(key.as_bytes()))
            .expect("signing key written");
    }
    path
}

/// 32 bytes from the operating system's random source.
fn random_bytes() -> [u8; 32] {
    use std::io::Read;
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("/dev/urandom");
    bytes
}

impl Server {
    /// Start on 127.0.0.1:0 with its data in `dir`; wait for the first line (the address).
    pub fn start(dir: &Path, db: Option<&str>) -> Server {
        Server::start_with(dir, db, &[])
    }

    /// Start with extra `serve` arguments, e.g. `--tls-cert`/`--tls-key`.
    pub fn start_with(dir: &Path, db: Option<&str>, serve_args: &[String]) -> Server {
        let mut command = Command::new(bin("mimik-server"));
        command
            .arg("--data-dir")
            .arg(dir)
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(serve_args);
        if let Some(db) = db {
            command
                .args(["--db", db])
                .arg("--signing-key")
                .arg(shared_key(dir));
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("mimik-server starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("first line");
        let url = first.trim().trim_end_matches('/').to_owned();
        let addr: SocketAddr = url
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or_default()
            .parse()
            .unwrap_or_else(|e| panic!("first line {first:?} is not a URL with an address: {e}"));
        Server {
            child,
            dir: dir.to_path_buf(),
            db: db.map(str::to_owned),
            addr,
            url,
            serve_args: serve_args.to_vec(),
        }
    }

    /// The server process's id (to read its memory from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `http://ADDR` or `https://ADDR`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// SIGKILL, then start again on the same database (a new port).
    pub fn kill_and_restart(&mut self) {
        self.kill_then_restart(|_| {});
    }

    /// SIGKILL, then start again on the same database with other `serve` arguments (a new port).
    pub fn kill_and_restart_with(&mut self, serve_args: &[String]) {
        self.serve_args = serve_args.to_vec();
        self.kill_then_restart(|_| {});
    }

    /// SIGKILL, let `between` work on the stopped server's data directory (e.g. restore an
    /// older copy of its database), then start again (a new port).
    pub fn kill_then_restart(&mut self, between: impl FnOnce(&Path)) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        between(&self.dir);
        let restarted = Server::start_with(&self.dir, self.db.as_deref(), &self.serve_args);
        let old = std::mem::replace(self, restarted);
        std::mem::forget(old); // its child is already dead and reaped
    }

    /// Run another `mimik-server` subcommand on the same data.
    pub fn cli(&self, args: &[&str]) -> Output {
        let mut command = Command::new(bin("mimik-server"));
        command.arg("--data-dir").arg(&self.dir).args(args);
        if let Some(db) = &self.db {
            command
                .args(["--db", db])
                .arg("--signing-key")
                .arg(shared_key(&self.dir));
        }
        command.output().expect("mimik-server runs")
    }

    /// A fresh one-time enrollment code for the demo site.
    pub fn enrollment_code(&self) -> String {
        self.enrollment_code_for("karolinska")
    }

    /// A fresh one-time enrollment code for `site`, made first if it does not exist yet.
    pub fn enrollment_code_for(&self, site: &str) -> String {
        let added = self.cli(&["site", "add", site]);
        assert!(
            added.status.success(),
            "{}",
            String::from_utf8_lossy(&added.stderr)
        );
        let out = self.cli(&["enrollment-code", "--site", site]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// `export --format json`, parsed.
    pub fn export_json(&self) -> Value {
        let out = self.cli(&["export", "--format", "json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("export is JSON")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tablet: a data directory driven through the `mimik` CLI.
#[derive(Debug)]
pub struct Tablet {
    /// Its data directory.
    pub dir: PathBuf,
    passphrase: String,
}

impl Tablet {
    /// A new tablet store with one staff member and participant NT-001.
    pub fn new(dir: &Path) -> Tablet {
        let tablet = Tablet::new_empty(dir);
        tablet.ok(
            &[
                "participant",
                "add",
                "NT-001",
                "--inclusion-date",
                "2025-06-01",
                "--surgery-date",
                "2026-05-01",
            ],
            b"",
        );
        tablet
    }

    /// A new tablet store with one staff member and no participant.
    pub fn new_empty(dir: &Path) -> Tablet {
        let tablet = Tablet::reopen(dir);
        tablet.ok(&["init", "--json"], b"");
        tablet
    }

    /// A handle on an existing tablet store (same passphrase as `new`).
    pub fn reopen(dir: &Path) -> Tablet {
        Tablet {
            dir: dir.to_path_buf(),
            passphrase: "tablet-passphrase".into(),
        }
    }

    /// Run `mimik` with this tablet's data and passphrase.
    pub fn run(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut command = Command::new(bin("mimik"));
        command
            .arg("--data-dir")
            .arg(&self.dir)
            .args(args)
            .env("MIMIK_PASSPHRASE", &self.passphrase)
            .env_remove("MIMIK_RECOVERY_KEY");
        run_with_stdin(&mut command, stdin)
    }

    /// Run and require success; stdout as JSON.
    pub fn ok(&self, args: &[&str], stdin: &[u8]) -> Value {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "mimik {args:?} exited {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
    }

    /// Save `count` SAQ questionnaires for NT-001 in one `submit --ndjson`.
    pub fn save_many(&self, count: usize) {
        let lines: Vec<String> = (0..count)
            .map(|n| {
                serde_json::json!({"participant": "NT-001", "timepoint": "post_6m", "instrument": "saq",
                    "answers": {"q1": n % 5 + 1, "q2": 3, "q3": 2, "q4": 1, "q5": 5, "q6": 3, "q7": 2, "q8": 1, "q9": 1}})
                .to_string()
            })
            .collect();
        let saved = self.ok(&["submit", "--ndjson"], lines.join("\n").as_bytes());
        assert_eq!(saved["saved"], count);
    }

    /// `status --json`.
    pub fn status(&self) -> Value {
        self.ok(&["status", "--json"], b"")
    }

    /// id → body_sha256 of every submission on the tablet.
    pub fn hashes(&self) -> std::collections::BTreeMap<String, String> {
        let export = self.ok(&["export", "--format", "json"], b"");
        export["submissions"]
            .as_array()
            .expect("submissions")
            .iter()
            .map(|s| {
                (
                    s["id"].as_str().unwrap_or_default().to_owned(),
                    s["body_sha256"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }
}
