//! The global shortcut (a preference, default Ctrl+Alt+O): toggles between offline and the
//! device used last. A shortcut that cannot be registered is reported in the window's settings.
//!
//! On Linux it is `os_events::shortcut`, an X11 grab whose thread sleeps until the key is
//! pressed (the plugin's X11 backend polls 20 times a second; see that module). On macOS and
//! Windows it is `tauri-plugin-global-shortcut`, which waits on the OS's own events there.

use agent_core::Source;
use agent_core::present::toggle_target;
use tauri::{AppHandle, Manager};

use crate::AppState;

/// Asks for the toggle, as the tray would.
fn toggle(app: &AppHandle) {
    let Some(state) = app.try_state::<AppState>() else { return };
    let agent = state.agent.clone();
    tauri::async_runtime::spawn(async move {
        let target = toggle_target(&agent.status());
        let _ = agent.change(target, Source::Shortcut).await;
    });
}

fn report(shortcut: &str, result: Result<(), String>) -> Option<String> {
    match result {
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

#[cfg(target_os = "linux")]
mod imp {
    use std::sync::Mutex;

    use os_events::shortcut::{Listener, Shortcut};
    use tauri::AppHandle;

    /// The one grabbed shortcut; replacing it drops (and so releases) the old one first.
    static LISTENER: Mutex<Option<Listener>> = Mutex::new(None);

    pub fn plugin<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
        builder
    }

    pub fn apply(app: &AppHandle, shortcut: &str) -> Option<String> {
        let Ok(mut slot) = LISTENER.lock() else {
            return Some("The shortcut could not be changed (internal error). Restart the app.".into());
        };
        slot.take();
        if shortcut.is_empty() {
            return None;
        }
        let app = app.clone();
        let started = shortcut
            .parse::<Shortcut>()
            .and_then(|combo| Listener::start(&combo, move || super::toggle(&app)))
            .map(|listener| *slot = Some(listener))
            .map_err(|e| e.to_string());
        super::report(shortcut, started)
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use tauri::AppHandle;
    use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutEvent, ShortcutState};

    /// The plugin, with the toggle as its handler.
    pub fn plugin(builder: tauri::Builder<tauri::Wry>) -> tauri::Builder<tauri::Wry> {
        builder.plugin(
            tauri_plugin_global_shortcut::Builder::new()
                .with_handler(|app: &AppHandle, _shortcut: &Shortcut, event: ShortcutEvent| {
                    if event.state() == ShortcutState::Pressed {
                        super::toggle(app);
                    }
                })
                .build(),
        )
    }

    pub fn apply(app: &AppHandle, shortcut: &str) -> Option<String> {
        let gs = app.global_shortcut();
        if let Err(e) = gs.unregister_all() {
            tracing::warn!("could not release the old shortcut: {e}");
        }
        if shortcut.is_empty() {
            return None;
        }
        super::report(shortcut, gs.register(shortcut).map_err(|e| e.to_string()))
    }
}

/// Adds what the shortcut needs to the app (the plugin, where it is used).
pub use imp::plugin;

/// Registers `shortcut` in place of any other (empty: none). The error, in words, if it could
/// not be registered (taken by another app, or not a valid key combination).
pub fn apply(app: &AppHandle, shortcut: &str) -> Option<String> {
    imp::apply(app, shortcut.trim())
}
