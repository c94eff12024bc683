//! What the window's commands share: the agent and what belongs to it.

use std::sync::{Arc, Mutex};

use agent_core::{Agent, History};

/// Held by the app (`tauri::Manager::manage`) for the commands.
#[derive(Debug)]
pub struct AppState {
    pub agent: Arc<Agent>,
    pub history: Option<History>,
    /// The built-in sandbox, while "Try the sandbox" is in use.
    pub sandbox: tokio::sync::Mutex<Option<exotel_sandbox::Sandbox>>,
    /// The global shortcut that could not be registered, and why, if it could not.
    pub shortcut_error: Mutex<Option<ShortcutError>>,
    /// What this computer can do ("On this computer"); the shortcut reports into it.
    pub desk: agent_core::DeskReport,
}

/// A shortcut the OS would not register (taken by another app, or not a key combination).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcutError {
    pub shortcut: String,
    pub error: String,
    /// A Wayland desktop without the `GlobalShortcuts` portal: no app can have a global
    /// shortcut there (said with what to do instead).
    pub no_portal: bool,
}
