//! Tauri's build step, with an allow-permission generated for each app command (from the one
//! list in crates/tablet/src/command_list.rs) so that
//! capabilities/default.json can name exactly the commands the UI may call.

// The one list of commands (see the file): only its names are used here.
include!("../crates/tablet/src/command_list.rs");

const COMMANDS: &[&str] = mimik_commands!(mimik_command_names);

fn main() {
    println!("cargo:rerun-if-changed=../crates/tablet/src/command_list.rs");
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    if let Err(error) =
        tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        println!("cargo:warning=tauri build step failed: {error:#}");
        std::process::exit(1);
    }
}
