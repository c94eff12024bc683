/// Every command the page may call, by name. `build.rs` includes this file to declare them to
/// Tauri, and `capabilities/main.json` grants them; [`crate::commands::command::Command`] parses them.
/// Tests hold the three equal.
pub const COMMANDS: &[&str] = &[
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
    "toggle_quiet",
    "get_words",
    "close_window",
    "quit",
    "check_updates",
    "install_update",
];
