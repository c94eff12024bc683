/// The window may call exactly these commands; `capabilities/main.json` grants them.
const COMMANDS: &[&str] = &[
    "get_status",
    "get_account",
    "sign_in_form",
    "sign_in",
    "sign_out",
    "set_availability",
    "refresh",
    "try_sandbox",
    "get_preferences",
    "set_preferences",
    "start_break",
    "end_break",
    "get_history",
    "close_window",
    "quit",
];

fn main() {
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        // A build script's only way to fail is to stop the build with the reason.
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}
