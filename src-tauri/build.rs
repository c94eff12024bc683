// COMMANDS: the commands the page may call (one list, shared with the app).
include!("src/commands/names.rs");

fn main() {
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        // A build script's only way to fail is to stop the build with the reason.
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}
