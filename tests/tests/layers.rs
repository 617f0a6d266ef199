//! Issue 11 point 1: the crates form layers (domain ← device ← tablet ← shell; server ← domain),
//! and a layer links only what it needs. Read from `cargo tree` over the locked dependency graph,
//! so a new dependency in the wrong crate fails here, not in a review.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mimik_tests::workspace_root;
use std::collections::BTreeSet;
use std::process::Command;

/// The names of every crate `package` links in a normal (non-dev, non-build) build, with `args`.
fn linked(package: &str, args: &[&str]) -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--locked",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(["--format", "{p}", "-p", package])
        .args(args)
        .current_dir(workspace_root())
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree -p {package} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_tablet_app_logic_links_the_engine_but_not_the_clis_dependencies() {
    let tablet = linked("mimik-tablet", &[]);
    assert!(tablet.contains("mimik-device") && tablet.contains("mimik-domain"));
    for cli_only in ["clap", "rpassword", "anyhow"] {
        assert!(
            !tablet.contains(cli_only),
            "mimik-tablet links {cli_only}, a dependency of the mimik CLI only"
        );
    }
    assert!(tablet.contains("ts-rs"), "the IPC types are rendered here");
}

#[test]
fn the_engine_carries_no_typescript_generator_and_knows_nothing_of_the_app() {
    let engine = linked("mimik-device", &["--no-default-features"]);
    for above in ["ts-rs", "mimik-tablet", "mimik-app", "tauri"] {
        assert!(!engine.contains(above), "mimik-device links {above}");
    }
    let with_cli = linked("mimik-device", &[]);
    assert!(
        with_cli.contains("clap"),
        "the CLI feature is on by default"
    );
}

#[test]
fn the_shell_reaches_the_engine_only_through_the_tablet_crate_and_the_server_only_the_domain() {
    let shell_direct = linked("mimik-app", &["--depth", "1"]);
    assert!(shell_direct.contains("mimik-tablet"));
    assert!(
        !shell_direct.contains("mimik-device"),
        "src-tauri depends on mimik-device directly"
    );
    let server = linked("mimik-server", &[]);
    assert!(server.contains("mimik-domain"));
    for tablet_side in ["mimik-device", "mimik-tablet", "tauri"] {
        assert!(
            !server.contains(tablet_side),
            "mimik-server links {tablet_side}"
        );
    }
}
