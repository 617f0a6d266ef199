//! The release app's cold start and memory (issue 6 targets: first interactive screen ≤ 1.0 s;
//! all app processes ≤ 150 MB idle and while syncing 10,000 items).
//!
//! `xvfb-run -a -s "-screen 0 1280x800x24" cargo bench -p mimik-tests --bench app`
//!
//! Start-up is timed from the WebDriver "new session" request, which launches the app process,
//! until the lock screen's passphrase field is in the DOM and enabled: an upper bound that also
//! counts tauri-driver's own work. Memory is the sum over the app process and every process it
//! started (WebKit's web and network processes), as RSS and as PSS (shared pages split among
//! the processes that map them) and as anonymous memory (heap, stacks, JIT: what the processes
//! themselves allocated, as opposed to shared library code), read from /proc. The same is then
//! measured for the smallest WebKitGTK program, so the output also says what Mimik adds to what
//! any web view costs here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use fantoccini::Locator;
use mimik_tests::bin;
use mimik_tests::harness::{Server, Tablet};
use mimik_tests::webdriver::{Driver, Screen, app_memory_kib, app_processes};
use std::ffi::OsString;
use std::path::Path;
use std::time::{Duration, Instant};

/// Start-ups timed (`MIMIK_BENCH_STARTS` overrides).
fn runs() -> usize {
    std::env::var("MIMIK_BENCH_STARTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7)
        .max(1)
}
const BACKLOG: usize = 10_000;

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

async fn unlock(ui: &Screen) {
    ui.fill("#lock-pass", "tablet-passphrase").await;
    ui.client
        .find(Locator::Css("#lock-pass"))
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    ui.wait("[data-testid=sync-pending]").await;
}

async fn start_up(app: &Path, data: &Path) -> Vec<Duration> {
    let mut times = Vec::new();
    for _ in 0..runs() {
        // A fresh tauri-driver each time: it serves one app session.
        let driver = Driver::start(&[("MIMIK_DATA_DIR", OsString::from(data))]);
        let started = Instant::now();
        let client = driver.launch(app).await;
        let ui = Screen { client };
        ui.wait("#lock-pass:enabled").await;
        times.push(started.elapsed());
        ui.client.close().await.unwrap();
        drop(driver);
    }
    times
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let app = bin("mimik-app");
    let root = tempfile::tempdir().unwrap();

    // A tablet with a store, enrolled, with 10,000 questionnaires waiting to sync.
    let server = Server::start(&root.path().join("server"), None);
    let data = root.path().join("tablet");
    let tablet = Tablet::new(&data);
    let code = server.enrollment_code();
    tablet.ok(&["enroll", "--server", &server.url(), "--code", &code], b"");
    tablet.save_many(BACKLOG);

    let mut times = start_up(&app, &data).await;
    let first = times[0];
    times.sort();
    println!(
        "cold start to the lock screen (release, {} runs): first {:.0} ms, median {:.0} ms, max {:.0} ms",
        times.len(),
        first.as_secs_f64() * 1000.0,
        times[times.len() / 2].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0
    );

    let driver = Driver::start(&[
        ("MIMIK_DATA_DIR", OsString::from(&data)),
        ("MIMIK_SYNC_INTERVAL_S", OsString::from("3600")),
    ]);
    let ui = Screen {
        client: driver.launch(&app).await,
    };
    unlock(&ui).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let idle = report(
        &app,
        &format!("idle on the staff home with {BACKLOG} pending"),
    );

    ui.tap("[data-testid=sync-now]").await;
    let started = Instant::now();
    let (mut peak_rss, mut peak_pss, mut peak_anon) = (0, 0, 0);
    loop {
        let (rss, pss, anon) = app_memory_kib(&app);
        peak_rss = peak_rss.max(rss);
        peak_pss = peak_pss.max(pss);
        peak_anon = peak_anon.max(anon);
        let done = ui
            .client
            .find(Locator::XPath(
                "//*[@data-testid='sync-pending'][normalize-space(.)='0']",
            ))
            .await
            .is_ok();
        if done {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "sync did not finish"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "syncing {BACKLOG} items ({:.1} s): peak RSS {:.1} MiB, peak PSS {:.1} MiB, peak anonymous {:.1} MiB",
        started.elapsed().as_secs_f64(),
        mib(peak_rss),
        mib(peak_pss),
        mib(peak_anon)
    );
    ui.client.close().await.unwrap();
    drop(driver);
    assert_eq!(tablet.status()["pending"], 0);

    // Measured with the app closed: PSS splits shared pages among whoever maps them.
    let floor = webkit_floor().await;
    println!(
        "Mimik above the WebKitGTK floor, idle: RSS {:+.1} MiB, PSS {:+.1} MiB, anonymous {:+.1} MiB",
        mib(idle.0) - mib(floor.0),
        mib(idle.1) - mib(floor.1),
        mib(idle.2) - mib(floor.2)
    );
}

/// Print each process of `exe` and the total; returns the total (RSS, PSS, anonymous) in KiB.
fn report(exe: &Path, what: &str) -> (u64, u64, u64) {
    for p in app_processes(exe) {
        println!(
            "  {} ({}): RSS {:.1} MiB, PSS {:.1} MiB, anonymous {:.1} MiB",
            p.name,
            p.pid,
            mib(p.rss_kib),
            mib(p.pss_kib),
            mib(p.anon_kib)
        );
    }
    let (rss, pss, anon) = app_memory_kib(exe);
    println!(
        "{what}: RSS {:.1} MiB, PSS {:.1} MiB, anonymous {:.1} MiB",
        mib(rss),
        mib(pss),
        mib(anon)
    );
    (rss, pss, anon)
}

/// The smallest WebKitGTK program (`tests/src/bin/webkit-floor.rs`: one web view, one paragraph,
/// acceleration off as in the app), measured the same way once its page process runs and has
/// settled.
async fn webkit_floor() -> (u64, u64, u64) {
    let exe = Path::new(env!("CARGO_BIN_EXE_webkit-floor"));
    let mut child = std::process::Command::new(exe).spawn().unwrap();
    let started = Instant::now();
    while !app_processes(exe)
        .iter()
        .any(|p| p.name.starts_with("WebKitWeb"))
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "webkit-floor started no web process"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let floor = report(exe, "WebKitGTK floor (one paragraph, same settings)");
    child.kill().unwrap();
    child.wait().unwrap();
    floor
}
