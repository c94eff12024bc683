//! The global shortcut (a preference, default Ctrl+Alt+O): toggles between offline and the
//! device used last. A shortcut that cannot be registered is reported in the window's settings
//! and under "On this computer".
//!
//! On Linux it is `os_events::shortcut`, an X11 grab whose thread sleeps until the key is
//! pressed (the plugin's X11 backend polls 20 times a second; see that module), or on Wayland
//! the desktop's `GlobalShortcuts` portal. On macOS and Windows it is
//! `tauri-plugin-global-shortcut`, which waits on the OS's own events there.
//!
//! The shell's owner ([`crate::shell`]) holds the one [`ShortcutSlot`]; a press, and a portal's
//! answer, reach it through the closures it gives, so nothing here is shared or locked.

use agent_core::Support;
use tauri::AppHandle;

/// What the desktop's portal answered for a shortcut (Linux; elsewhere there is none).
#[cfg(target_os = "linux")]
pub type PortalAnswer = Result<os_events::portal::PortalShortcut, os_events::portal::PortalError>;
/// What the desktop's portal answered for a shortcut (Linux; elsewhere there is none).
#[cfg(not(target_os = "linux"))]
pub type PortalAnswer = std::convert::Infallible;

/// A shortcut the OS would not register (taken by another app, or not a key combination).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcutError {
    pub shortcut: String,
    pub error: String,
    /// A Wayland desktop without the `GlobalShortcuts` portal: no app can have a global
    /// shortcut there (said with what to do instead).
    pub no_portal: bool,
}

impl ShortcutError {
    fn new(shortcut: &str, error: String) -> Self {
        tracing::warn!(shortcut, "the shortcut could not be registered: {error}");
        Self { shortcut: shortcut.to_owned(), error, no_portal: false }
    }
}

/// The shortcut the app holds, and what became of the last one asked for.
#[derive(Debug, Default)]
pub struct ShortcutSlot {
    held: Option<imp::Held>,
    /// Counts the shortcuts asked for: a portal's late answer for an older one is dropped.
    generation: u64,
    error: Option<ShortcutError>,
}

impl ShortcutSlot {
    /// Registers `shortcut` in place of the one held (empty: none); each press calls `pressed`.
    /// On Wayland the desktop's portal is asked on a thread of its own: its answer goes to
    /// `answered` with the generation it was asked under (which is returned), for
    /// [`ShortcutSlot::portal_answered`].
    pub fn apply(
        &mut self,
        app: &AppHandle,
        shortcut: &str,
        description: String,
        pressed: impl Fn() + Send + Sync + 'static,
        answered: impl FnOnce(u64, PortalAnswer) + Send + 'static,
    ) -> Option<u64> {
        // The old one first: dropping it releases its grab or closes its portal session.
        self.held = None;
        imp::release(app);
        self.generation += 1;
        self.error = None;
        let shortcut = shortcut.trim();
        if shortcut.is_empty() {
            return None;
        }
        let generation = self.generation;
        match imp::register(app, shortcut, description, pressed, move |answer| answered(generation, answer)) {
            imp::Registered::Held(held) => {
                tracing::info!(shortcut, "global shortcut registered");
                self.held = Some(held);
                None
            }
            imp::Registered::Failed(error) => {
                self.error = Some(error);
                None
            }
            imp::Registered::AskedPortal => Some(self.generation),
        }
    }

    /// The portal's answer for `generation`: kept if it is still the shortcut asked for
    /// (otherwise dropped, which closes its session). Whether it was.
    #[cfg(target_os = "linux")]
    pub fn portal_answered(&mut self, shortcut: &str, generation: u64, answer: PortalAnswer) -> bool {
        use os_events::portal::PortalError;
        if generation != self.generation {
            return false;
        }
        match answer {
            Ok(held) => {
                tracing::info!(shortcut, "global shortcut bound through the desktop's portal");
                self.held = Some(imp::Held::Portal(held));
            }
            Err(PortalError::NoPortal) => {
                let reason = PortalError::NoPortal.to_string();
                tracing::warn!(shortcut, "no global shortcut: {reason}");
                self.error =
                    Some(ShortcutError { shortcut: shortcut.to_owned(), error: reason, no_portal: true });
            }
            Err(PortalError::Failed(reason)) => self.error = Some(ShortcutError::new(shortcut, reason)),
        }
        true
    }

    /// There is no portal here.
    #[cfg(not(target_os = "linux"))]
    pub fn portal_answered(&mut self, _shortcut: &str, _generation: u64, answer: PortalAnswer) -> bool {
        match answer {}
    }

    /// Whether `generation` is the shortcut asked for last.
    pub fn is_current(&self, generation: u64) -> bool {
        generation == self.generation
    }

    /// Why the last shortcut asked for could not be registered, if it could not.
    pub fn error(&self) -> Option<&ShortcutError> {
        self.error.as_ref()
    }

    /// What "On this computer" says of it.
    pub fn support(&self) -> Support {
        match &self.error {
            Some(e) => Support::missing(e.error.clone()),
            // On Wayland the portal may still be answering; its failure, if it comes, is
            // said then.
            None if wayland() => Support::works("the desktop's GlobalShortcuts portal"),
            None if cfg!(target_os = "linux") => Support::works("an X11 key grab"),
            None => Support::works("the OS's global hotkeys"),
        }
    }
}

/// How long saving the settings waits for the portal before answering "no error yet": long
/// enough for a desktop without the portal to say so, shorter than a dialog asking the agent to
/// confirm the keys, whose outcome is then kept where *Settings* shows it.
pub const PORTAL_QUICK: std::time::Duration = std::time::Duration::from_secs(2);

fn wayland() -> bool {
    #[cfg(target_os = "linux")]
    return os_events::display::is_wayland();
    #[cfg(not(target_os = "linux"))]
    false
}

#[cfg(target_os = "linux")]
mod imp {
    use os_events::portal::PortalShortcut;
    use os_events::shortcut::{Listener, Shortcut};
    use tauri::AppHandle;

    use super::{PortalAnswer, ShortcutError};

    /// The shortcut held: an X11 grab, or a portal session on Wayland. Held only to be dropped
    /// (which releases the grab, or closes the session), never read.
    #[derive(Debug)]
    #[allow(dead_code)]
    pub enum Held {
        X11(Listener),
        Portal(PortalShortcut),
    }

    pub enum Registered {
        Held(Held),
        Failed(ShortcutError),
        AskedPortal,
    }

    /// Presses go to the closure given when the shortcut is registered.
    pub fn plugin<R: tauri::Runtime>(
        builder: tauri::Builder<R>,
        _pressed: fn(&AppHandle),
    ) -> tauri::Builder<R> {
        builder
    }

    /// Nothing beyond dropping what is held.
    pub fn release(_app: &AppHandle) {}

    pub fn register(
        _app: &AppHandle,
        shortcut: &str,
        description: String,
        pressed: impl Fn() + Send + Sync + 'static,
        answered: impl FnOnce(PortalAnswer) + Send + 'static,
    ) -> Registered {
        let combo = match shortcut.parse::<Shortcut>() {
            Ok(combo) => combo,
            Err(e) => return Registered::Failed(ShortcutError::new(shortcut, e.to_string())),
        };
        if os_events::display::is_wayland() {
            // An X11 grab there sees keys only while an XWayland window has focus: it would
            // seem to work and then not. The desktop's portal instead.
            std::thread::spawn(move || answered(PortalShortcut::start(&combo, &description, pressed)));
            return Registered::AskedPortal;
        }
        match Listener::start(&combo, pressed) {
            Ok(listener) => Registered::Held(Held::X11(listener)),
            Err(e) => Registered::Failed(ShortcutError::new(shortcut, e.to_string())),
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use tauri::AppHandle;
    use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutEvent, ShortcutState};

    use super::{PortalAnswer, ShortcutError};

    /// The plugin keeps the registration; nothing is held here.
    #[derive(Debug)]
    pub struct Held;

    pub enum Registered {
        Held(Held),
        Failed(ShortcutError),
        #[allow(dead_code)]
        AskedPortal,
    }

    /// The plugin, with `pressed` as its handler.
    pub fn plugin(
        builder: tauri::Builder<tauri::Wry>,
        pressed: fn(&AppHandle),
    ) -> tauri::Builder<tauri::Wry> {
        builder.plugin(
            tauri_plugin_global_shortcut::Builder::new()
                .with_handler(move |app: &AppHandle, _shortcut: &Shortcut, event: ShortcutEvent| {
                    if event.state() == ShortcutState::Pressed {
                        pressed(app);
                    }
                })
                .build(),
        )
    }

    pub fn release(app: &AppHandle) {
        if let Err(e) = app.global_shortcut().unregister_all() {
            tracing::warn!("could not release the old shortcut: {e}");
        }
    }

    /// Presses reach the plugin's handler ([`plugin`]), not `_pressed`.
    pub fn register(
        app: &AppHandle,
        shortcut: &str,
        _description: String,
        _pressed: impl Fn() + Send + Sync + 'static,
        _answered: impl FnOnce(PortalAnswer) + Send + 'static,
    ) -> Registered {
        match app.global_shortcut().register(shortcut) {
            Ok(()) => Registered::Held(Held),
            Err(e) => Registered::Failed(ShortcutError::new(shortcut, e.to_string())),
        }
    }
}

/// Adds what the shortcut needs to the app (the plugin, where it is used, with `pressed` as
/// its handler).
pub use imp::plugin;
