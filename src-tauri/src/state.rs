//! What the window's commands share: the agent and what belongs to it. The shell's own state
//! (the tray, the window, the shortcut, the sandbox) is the shell's ([`crate::shell`]).

use std::sync::Arc;

use agent_core::{Agent, History};

/// Held by the app (`tauri::Manager::manage`) for the commands.
#[derive(Debug)]
pub struct AppState {
    pub agent: Arc<Agent>,
    pub history: Option<History>,
    /// What this computer can do ("On this computer").
    pub desk: agent_core::DeskReport,
    /// Where the app stands with updates (written by the shell).
    pub updates: crate::updates::UpdateBoard,
}
