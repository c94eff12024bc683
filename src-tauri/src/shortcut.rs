//! The global shortcut (a preference, default Ctrl+Alt+O): toggles between offline and the
//! device used last. A shortcut that cannot be registered is reported in the window's settings.

use agent_core::Source;
use agent_core::present::toggle_target;
use tauri::{AppHandle, Manager};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutEvent, ShortcutState};

use crate::AppState;

/// The plugin, with the toggle as its handler.
pub fn plugin() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app: &AppHandle, _shortcut: &Shortcut, event: ShortcutEvent| {
            if event.state() != ShortcutState::Pressed {
                return;
            }
            let Some(state) = app.try_state::<AppState>() else { return };
            let agent = state.agent.clone();
            tauri::async_runtime::spawn(async move {
                let target = toggle_target(&agent.status());
                let _ = agent.change(target, Source::Shortcut).await;
            });
        })
        .build()
}

/// Registers `shortcut` in place of any other (empty: none). The error, in words, if it could
/// not be registered (taken by another app, or not a valid key combination).
pub fn apply(app: &AppHandle, shortcut: &str) -> Option<String> {
    let gs = app.global_shortcut();
    if let Err(e) = gs.unregister_all() {
        tracing::warn!("could not release the old shortcut: {e}");
    }
    let shortcut = shortcut.trim();
    if shortcut.is_empty() {
        return None;
    }
    match gs.register(shortcut) {
        Ok(()) => {
            tracing::info!(shortcut, "global shortcut registered");
            None
        }
        Err(e) => {
            let message = format!("The shortcut {shortcut} could not be registered ({e}). Choose another.");
            tracing::warn!("{message}");
            Some(message)
        }
    }
}
