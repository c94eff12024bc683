//! The global shortcut (a preference, default Ctrl+Alt+O): toggles between offline and the
//! device used last. A shortcut that cannot be registered is reported in the window's settings.
//!
//! On Linux it is `os_events::shortcut`, an X11 grab whose thread sleeps until the key is
//! pressed (the plugin's X11 backend polls 20 times a second; see that module). On macOS and
//! Windows it is `tauri-plugin-global-shortcut`, which waits on the OS's own events there.

use tauri::{AppHandle, Manager};

use crate::shell::{Message, Shell};
use crate::state::ShortcutError;

/// Tells the shell the shortcut was pressed.
fn toggle(app: &AppHandle) {
    if let Some(shell) = app.try_state::<Shell>() {
        shell.send(Message::Toggle);
    }
}

fn report(shortcut: &str, result: Result<(), String>) -> Option<ShortcutError> {
    match result {
        Ok(()) => {
            tracing::info!(shortcut, "global shortcut registered");
            None
        }
        Err(error) => {
            tracing::warn!(shortcut, "the shortcut could not be registered: {error}");
            Some(ShortcutError { shortcut: shortcut.to_owned(), error })
        }
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use std::sync::Mutex;

    use os_events::shortcut::{Listener, Shortcut};
    use tauri::AppHandle;

    use crate::state::ShortcutError;

    /// Why there is no global shortcut on a Wayland session.
    const WAYLAND: &str = "this Wayland desktop does not let apps take a global shortcut; \
        set one in the desktop's keyboard settings that runs `exotel-agent off`";

    /// The one grabbed shortcut, held by the app; replacing it drops (and so releases) the old
    /// one first.
    #[derive(Default)]
    struct Grab(Mutex<Option<Listener>>);

    pub fn plugin<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
        builder
    }

    pub fn apply(app: &AppHandle, shortcut: &str) -> Option<ShortcutError> {
        use tauri::Manager;
        if app.try_state::<Grab>().is_none() {
            app.manage(Grab::default());
        }
        let grab = app.try_state::<Grab>()?;
        let Ok(mut slot) = grab.0.lock() else {
            let error = "internal error: restart the app".to_owned();
            return Some(ShortcutError { shortcut: shortcut.to_owned(), error });
        };
        slot.take();
        if shortcut.is_empty() {
            return None;
        }
        if os_events::display::is_wayland() {
            // An X11 grab there sees keys only while an XWayland window has focus: it would
            // seem to work and then not. Said instead, with what to do.
            return super::report(shortcut, Err(WAYLAND.to_owned()));
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

    pub fn apply(app: &AppHandle, shortcut: &str) -> Option<crate::state::ShortcutError> {
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
pub fn apply(app: &AppHandle, shortcut: &str) -> Option<ShortcutError> {
    imp::apply(app, shortcut.trim())
}
