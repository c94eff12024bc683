//! The global shortcut (a preference, default Ctrl+Alt+O): toggles between offline and the
//! device used last. A shortcut that cannot be registered is reported in the window's settings.
//!
//! On Linux it is `os_events::shortcut`, an X11 grab whose thread sleeps until the key is
//! pressed (the plugin's X11 backend polls 20 times a second; see that module). On macOS and
//! Windows it is `tauri-plugin-global-shortcut`, which waits on the OS's own events there.

use agent_core::{Protection, Support};
use tauri::{AppHandle, Manager};

use crate::shell::{Message, Shell};
use crate::state::{AppState, ShortcutError};

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
            Some(ShortcutError { shortcut: shortcut.to_owned(), error, no_portal: false })
        }
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use std::sync::Mutex;

    use os_events::portal::{PortalError, PortalShortcut};
    use os_events::shortcut::{Listener, Shortcut};
    use tauri::{AppHandle, Manager};

    use crate::state::{AppState, ShortcutError};

    /// The shortcut held: an X11 grab, or a portal session on Wayland. Held only to be dropped
    /// (which releases the grab, or closes the session), never read.
    #[allow(dead_code)]
    enum Held {
        X11(Listener),
        Portal(PortalShortcut),
    }

    /// The one shortcut, held by the app; replacing it drops (and so releases) the old one
    /// first. `generation` tells a portal binding that finishes late whether it is still wanted.
    #[derive(Default)]
    struct Grab(Mutex<(Option<Held>, u64)>);

    pub fn plugin<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
        builder
    }

    pub fn apply(app: &AppHandle, shortcut: &str, wait: bool) -> Option<ShortcutError> {
        if app.try_state::<Grab>().is_none() {
            app.manage(Grab::default());
        }
        let grab = app.try_state::<Grab>()?;
        let Ok(mut slot) = grab.0.lock() else {
            let error = "internal error: restart the app".to_owned();
            return Some(ShortcutError { shortcut: shortcut.to_owned(), error, no_portal: false });
        };
        slot.0.take();
        slot.1 += 1;
        if shortcut.is_empty() {
            return None;
        }
        let combo = match shortcut.parse::<Shortcut>() {
            Ok(combo) => combo,
            Err(e) => return super::report(shortcut, Err(e.to_string())),
        };
        if os_events::display::is_wayland() {
            // An X11 grab there sees keys only while an XWayland window has focus: it would
            // seem to work and then not. The desktop's portal instead.
            let generation = slot.1;
            drop(slot);
            return bind_on_portal(app, shortcut, combo, generation, wait);
        }
        let app = app.clone();
        let started = Listener::start(&combo, move || super::toggle(&app))
            .map(|listener| slot.0 = Some(Held::X11(listener)))
            .map_err(|e| e.to_string());
        super::report(shortcut, started)
    }

    /// How long applying the shortcut waits for the portal before answering "no error yet":
    /// long enough for a desktop without the portal to say so, shorter than a dialog asking the
    /// agent to confirm the keys, whose outcome is then kept where *Settings* shows it.
    const PORTAL_QUICK: std::time::Duration = std::time::Duration::from_secs(2);

    /// Binds `combo` through the `GlobalShortcuts` portal, on a thread of its own.
    fn bind_on_portal(
        app: &AppHandle,
        shortcut: &str,
        combo: Shortcut,
        generation: u64,
        wait: bool,
    ) -> Option<ShortcutError> {
        let description = app
            .try_state::<AppState>()
            .map(|s| s.agent.words().get("shortcut-description"))
            .unwrap_or_default();
        let (tx, rx) = std::sync::mpsc::channel();
        let pressed = app.clone();
        std::thread::spawn(move || {
            let _ = tx.send(PortalShortcut::start(&combo, &description, move || super::toggle(&pressed)));
        });
        if wait && let Ok(result) = rx.recv_timeout(PORTAL_QUICK) {
            return settle(app, shortcut, generation, result);
        }
        let (app, shortcut) = (app.clone(), shortcut.to_owned());
        std::thread::spawn(move || {
            let Ok(result) = rx.recv() else { return };
            // Kept only while this is still the shortcut asked for.
            let current =
                app.try_state::<Grab>().and_then(|g| g.0.lock().ok().map(|s| s.1)) == Some(generation);
            let failed = settle(&app, &shortcut, generation, result);
            if current && failed.is_some() {
                super::keep(&app, failed);
            }
        });
        None
    }

    /// Keeps a bound portal shortcut (unless another replaced it meanwhile: dropping this one
    /// closes its session), or says why there is none and what to do.
    fn settle(
        app: &AppHandle,
        shortcut: &str,
        generation: u64,
        result: Result<PortalShortcut, PortalError>,
    ) -> Option<ShortcutError> {
        match result {
            Ok(held) => {
                let grab = app.try_state::<Grab>()?;
                let mut slot = grab.0.lock().ok()?;
                if slot.1 == generation {
                    tracing::info!(shortcut, "global shortcut bound through the desktop's portal");
                    slot.0 = Some(Held::Portal(held));
                }
                None
            }
            Err(PortalError::NoPortal) => {
                let reason = PortalError::NoPortal.to_string();
                tracing::warn!(shortcut, "no global shortcut: {reason}");
                Some(ShortcutError { shortcut: shortcut.to_owned(), error: reason, no_portal: true })
            }
            Err(PortalError::Failed(reason)) => super::report(shortcut, Err(reason)),
        }
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

    pub fn apply(app: &AppHandle, shortcut: &str, _wait: bool) -> Option<crate::state::ShortcutError> {
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
///
/// `wait`: on Wayland, wait a moment for the desktop's portal (from *Settings*, so the answer
/// shows at once); at start the outcome is kept when it comes, without holding the start up.
///
/// The outcome is kept in the app's state, where *Settings* shows it.
pub fn apply(app: &AppHandle, shortcut: &str, wait: bool) {
    keep(app, imp::apply(app, shortcut.trim(), wait));
}

/// Keeps the shortcut's error (`None`: it works) where *Settings* and "On this computer" show
/// it.
fn keep(app: &AppHandle, failed: Option<ShortcutError>) {
    let Some(state) = app.try_state::<AppState>() else { return };
    let support = match &failed {
        Some(e) => Support::missing(e.error.clone()),
        // On Wayland the portal may still be asked; its failure, if it comes, is kept then.
        None if os_wayland() => Support::works("the desktop's GlobalShortcuts portal"),
        None if cfg!(target_os = "linux") => Support::works("an X11 key grab"),
        None => Support::works("the OS's global hotkeys"),
    };
    if !state.agent.preferences().shortcut.trim().is_empty() {
        state.desk.set(Protection::Shortcut, support);
    }
    if let Ok(mut kept) = state.shortcut_error.lock() {
        *kept = failed;
    }
}

fn os_wayland() -> bool {
    #[cfg(target_os = "linux")]
    return os_events::display::is_wayland();
    #[cfg(not(target_os = "linux"))]
    false
}
