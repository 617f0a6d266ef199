//! The Mimik tablet app: a Tauri 2 shell around `mimik-tablet`. It holds the shared state,
//! starts the background sync and opens one window on the embedded UI; everything a command
//! does is in `mimik_tablet`, where `cargo test` reaches it.
//!
//! Environment (all optional):
//! - `MIMIK_DATA_DIR`: where the encrypted store lives (default: the platform's app data
//!   directory's `store/`, e.g. `~/.local/share/se.karolinska.mimik/store` on Linux;
//!   app-private storage on Android/iOS);
//! - `MIMIK_CA_CERT`: a PEM file with the study's own CA, trusted besides the system roots;
//! - `MIMIK_SYNC_INTERVAL_S`: seconds between background syncs (default 30);
//! - `MIMIK_SYNC_DEBOUNCE_S`: seconds after the latest save that the background sync sends it
//!   (default 3).

mod commands;
use commands::handler;

use mimik_tablet::KdfParams;
use mimik_tablet::{App, SAVE_DEBOUNCE, SYNC_INTERVAL, Shared, Timing};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tauri::{Emitter, Manager, Url, WebviewUrl, WebviewWindowBuilder};

/// The event the UI listens to for the queue state during and after a sync.
pub const SYNC_EVENT: &str = "sync-status";

/// Build and run the app until its window closes.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let result = tauri::Builder::default()
        .setup(|app| {
            let dir = match std::env::var_os("MIMIK_DATA_DIR") {
                Some(dir) => PathBuf::from(dir),
                None => app.path().app_data_dir()?.join("store"),
            };
            let ca = match std::env::var_os("MIMIK_CA_CERT") {
                Some(path) => Some(std::fs::read(path)?),
                None => None,
            };
            let shared = Arc::new(Shared::new(App::new(&dir, KdfParams::INTERACTIVE, ca)));
            app.manage(Arc::clone(&shared));

            let handle = app.handle().clone();
            let timing = Timing {
                interval: seconds_from_env("MIMIK_SYNC_INTERVAL_S").unwrap_or(SYNC_INTERVAL),
                debounce: seconds_from_env("MIMIK_SYNC_DEBOUNCE_S").unwrap_or(SAVE_DEBOUNCE),
                ..Timing::default()
            };
            tauri::async_runtime::spawn(shared.run_background_with(timing, move |status| {
                // Nobody listening (window closing) is not an error worth reporting.
                let _ = handle.emit(SYNC_EVENT, status);
            }));

            let builder =
                WebviewWindowBuilder::new(app, "main", WebviewUrl::App("index.html".into()))
                    .on_navigation(is_app_url);
            #[cfg(desktop)]
            let builder = builder
                .title("Mimik")
                .inner_size(1280.0, 800.0)
                .min_inner_size(360.0, 480.0);
            let window = builder.build()?;
            #[cfg(target_os = "linux")]
            window.with_webview(software_rendering)?;
            #[cfg(not(target_os = "linux"))]
            let _ = window;
            Ok(())
        })
        .invoke_handler(mimik_tablet::mimik_commands!(handler))
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("mimik-app: {error}");
        std::process::exit(1);
    }
}

/// WebKitGTK: draw without GPU compositing. One question per screen needs no GPU, and without a
/// GPU (or with Mesa's software renderer) accelerated compositing costs about 80 MB in the web
/// process (docs/tablet-app.md, "Memory").
#[cfg(target_os = "linux")]
fn software_rendering(webview: tauri::webview::PlatformWebview) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    if let Some(settings) = webview.inner().settings() {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
    }
}

fn seconds_from_env(name: &str) -> Option<Duration> {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// The web view may only show the app's own pages: no remote navigation, ever.
fn is_app_url(url: &Url) -> bool {
    match (url.scheme(), url.host_str()) {
        ("tauri", Some("localhost")) => true,
        ("http" | "https", Some("tauri.localhost")) => true,
        // `tauri dev` serves the UI from Vite on this port (never in a custom-protocol build).
        ("http", Some("127.0.0.1")) => cfg!(dev) && url.port() == Some(1420),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn the_web_view_refuses_every_page_that_is_not_the_app() {
        let ok = |u: &str| is_app_url(&Url::parse(u).unwrap());
        assert!(ok("tauri://localhost/index.html"));
        assert!(ok("http://tauri.localhost/index.html"));
        assert!(!ok("https://example.org/"));
        assert!(!ok("http://127.0.0.1:8080/"));
        assert!(!ok("file:///etc/passwd"));
        assert!(!ok("tauri://evil.example/"));
    }
}
