//! A global keyboard shortcut on X11 that costs nothing while idle.
//!
//! Why not the `global-hotkey` crate (behind `tauri-plugin-global-shortcut`) on Linux: its X11
//! thread polls the X connection every 50 ms, 20 wake-ups a second all day, which was most of
//! the tray's idle CPU (`make bench`, docs/benchmarks.md). Here one thread sleeps in a blocking
//! read of its own X connection and wakes only for the grabbed key (or to stop). The grab is
//! made with `x11rb` (the X protocol crate `global-hotkey` itself uses).
//!
//! The key is grabbed on the root window with and without Caps Lock and Num Lock, so those do
//! not stop it working. Holding the keys down fires once (XKB detectable auto-repeat). Under a
//! Wayland session this works only while an XWayland window has focus, as with any X11 grab.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use x11rb::connection::Connection;
use x11rb::errors::ReplyError;
use x11rb::protocol::Event;
use x11rb::protocol::xkb::{self, ConnectionExt as _};
use x11rb::protocol::xproto::{
    ClientMessageEvent, ConnectionExt as _, CreateWindowAux, EventMask, GrabMode, ModMask, WindowClass,
};
use x11rb::rust_connection::RustConnection;

/// Why a shortcut could not be set up, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShortcutError {
    /// Not a key combination this understands (the message says which part).
    Invalid(String),
    /// Another program holds this combination.
    Taken,
    /// No X display to grab keys on (a Wayland-only session, or none at all).
    NoDisplay(String),
    /// The keyboard has no key for it.
    NoSuchKey(String),
    /// The X server failed in another way.
    X11(String),
}

impl fmt::Display for ShortcutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(why) => write!(f, "not a key combination: {why}"),
            Self::Taken => write!(f, "another program already uses it"),
            Self::NoDisplay(why) => write!(f, "global shortcuts need an X11 display ({why})"),
            Self::NoSuchKey(key) => write!(f, "this keyboard has no {key} key"),
            Self::X11(why) => write!(f, "the X server refused it ({why})"),
        }
    }
}

impl std::error::Error for ShortcutError {}

/// A key combination such as `Ctrl+Alt+O`: modifiers (`Ctrl`/`Control`, `Alt`, `Shift`,
/// `Super`/`Meta`; `CmdOrCtrl` is Ctrl here) and one key (a letter, a digit, `F1`-`F24`,
/// `Space`, `Enter`, `Tab`, `Escape`, `Backspace`, `Insert`, `Delete`, `Home`, `End`,
/// `PageUp`, `PageDown`, `Up`, `Down`, `Left`, `Right`; also Tauri's `KeyO`/`Digit1` names).
/// Case does not matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortcut {
    mods: u16,
    keysym: u32,
    key: String,
}

const CONTROL: u16 = 1 << 2;
const SHIFT: u16 = 1;
const ALT: u16 = 1 << 3; // Mod1
const SUPER: u16 = 1 << 6; // Mod4
const CAPS_LOCK: u16 = 1 << 1;
const NUM_LOCK: u16 = 1 << 4; // Mod2
const MODIFIERS: u16 = CONTROL | SHIFT | ALT | SUPER;

impl FromStr for Shortcut {
    type Err = ShortcutError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split('+').map(str::trim).collect();
        let Some((key, mods)) = parts.split_last() else {
            return Err(ShortcutError::Invalid("it is empty".into()));
        };
        let mut mask = 0;
        for &m in mods {
            mask |= match m.to_ascii_lowercase().as_str() {
                "ctrl" | "control" | "cmdorctrl" | "commandorcontrol" | "cmdorcontrol" | "commandorctrl" => {
                    CONTROL
                }
                "alt" | "option" => ALT,
                "shift" => SHIFT,
                "super" | "meta" | "cmd" | "command" | "win" => SUPER,
                "" => return Err(ShortcutError::Invalid(format!("\"{text}\" has an empty part"))),
                _ => return Err(ShortcutError::Invalid(format!("\"{m}\" is not a modifier"))),
            };
        }
        let keysym = keysym(key).ok_or_else(|| ShortcutError::Invalid(format!("\"{key}\" is not a key")))?;
        if mask == 0 {
            // A bare key grabbed system-wide would take it from every other program.
            return Err(ShortcutError::Invalid("it needs at least one of Ctrl, Alt, Shift or Super".into()));
        }
        Ok(Self { mods: mask, keysym, key: (*key).to_owned() })
    }
}

impl Shortcut {
    /// The shortcut as the XDG shortcuts specification writes a trigger (`CTRL+ALT+o`), for
    /// the `GlobalShortcuts` portal's preferred trigger ([`crate::portal`]).
    pub fn trigger(&self) -> String {
        let mut parts: Vec<String> = [(CONTROL, "CTRL"), (ALT, "ALT"), (SHIFT, "SHIFT"), (SUPER, "LOGO")]
            .iter()
            .filter(|(bit, _)| self.mods & bit != 0)
            .map(|(_, name)| (*name).to_owned())
            .collect();
        parts.push(xkb_name(self.keysym));
        parts.join("+")
    }
}

/// The xkbcommon name of a keysym this parser knows (`o`, `5`, `F5`, `Return`, `Page_Up`).
fn xkb_name(keysym: u32) -> String {
    if let Some(c) = char::from_u32(keysym).filter(|c| c.is_ascii_alphanumeric()) {
        return c.to_string();
    }
    if (0xffbe..0xffbe + 24).contains(&keysym) {
        return format!("F{}", keysym - 0xffbe + 1);
    }
    match keysym {
        0x20 => "space",
        0xff0d => "Return",
        0xff09 => "Tab",
        0xff1b => "Escape",
        0xff08 => "BackSpace",
        0xff63 => "Insert",
        0xffff => "Delete",
        0xff50 => "Home",
        0xff57 => "End",
        0xff55 => "Page_Up",
        0xff56 => "Page_Down",
        0xff51 => "Left",
        0xff52 => "Up",
        0xff53 => "Right",
        0xff54 => "Down",
        _ => "",
    }
    .to_owned()
}

/// The X keysym of a key name (lower case for letters, as the keyboard map lists them).
fn keysym(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let name =
        lower.strip_prefix("key").filter(|r| r.len() == 1).or(lower.strip_prefix("digit")).unwrap_or(&lower);
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && (c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return Some(u32::from(c));
    }
    if let Some(n) = name.strip_prefix('f').and_then(|n| n.parse::<u32>().ok())
        && (1..=24).contains(&n)
    {
        return Some(0xffbe + n - 1);
    }
    Some(match name {
        "space" => 0x20,
        "enter" | "return" => 0xff0d,
        "tab" => 0xff09,
        "escape" | "esc" => 0xff1b,
        "backspace" => 0xff08,
        "insert" => 0xff63,
        "delete" => 0xffff,
        "home" => 0xff50,
        "end" => 0xff57,
        "pageup" => 0xff55,
        "pagedown" => 0xff56,
        "left" | "arrowleft" => 0xff51,
        "up" | "arrowup" => 0xff52,
        "right" | "arrowright" => 0xff53,
        "down" | "arrowdown" => 0xff54,
        _ => return None,
    })
}

/// A grabbed shortcut and the thread waiting for it. Dropping it releases the grab and ends
/// the thread.
pub struct Listener {
    conn: Arc<RustConnection>,
    wake_window: u32,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listener").field("wake_window", &self.wake_window).finish_non_exhaustive()
    }
}

impl Listener {
    /// Grabs `shortcut` on the display named by `DISPLAY` and calls `on_press` (on the
    /// listener's own thread) each time it is pressed.
    pub fn start(shortcut: &Shortcut, on_press: impl Fn() + Send + 'static) -> Result<Self, ShortcutError> {
        Self::start_on(None, shortcut, on_press)
    }

    /// [`Self::start`] on a named display (`:1`), or `DISPLAY`'s if `None`.
    pub fn start_on(
        display: Option<&str>,
        shortcut: &Shortcut,
        on_press: impl Fn() + Send + 'static,
    ) -> Result<Self, ShortcutError> {
        let (conn, screen) =
            RustConnection::connect(display).map_err(|e| ShortcutError::NoDisplay(e.to_string()))?;
        let x11 = |e: &dyn fmt::Display| ShortcutError::X11(e.to_string());
        let root = conn.setup().roots.get(screen).map(|s| s.root).ok_or_else(|| x11(&"no screen"))?;

        // Holding the keys sends presses only, no releases in between: one action per press.
        conn.xkb_use_extension(1, 0).map_err(|e| x11(&e))?.reply().map_err(|e| x11(&e))?;
        let auto = xkb::PerClientFlag::DETECTABLE_AUTO_REPEAT;
        conn.xkb_per_client_flags(
            xkb::ID::USE_CORE_KBD.into(),
            auto,
            auto,
            0u32.into(),
            0u32.into(),
            0u32.into(),
        )
        .map_err(|e| x11(&e))?
        .reply()
        .map_err(|e| x11(&e))?;

        let keycodes = keycodes_for(&conn, shortcut.keysym)?;
        if keycodes.is_empty() {
            return Err(ShortcutError::NoSuchKey(shortcut.key.clone()));
        }
        for &code in &keycodes {
            for locks in [0, CAPS_LOCK, NUM_LOCK, CAPS_LOCK | NUM_LOCK] {
                let grabbed = conn
                    .grab_key(
                        true,
                        root,
                        ModMask::from(shortcut.mods | locks),
                        code,
                        GrabMode::ASYNC,
                        GrabMode::ASYNC,
                    )
                    .map_err(|e| x11(&e))?
                    .check();
                match grabbed {
                    Ok(()) => {}
                    Err(ReplyError::X11Error(e)) if e.error_kind == x11rb::protocol::ErrorKind::Access => {
                        return Err(ShortcutError::Taken);
                    }
                    Err(e) => return Err(x11(&e)),
                }
            }
        }

        // A window of our own, never shown: stopping sends it a message, which wakes the thread.
        let wake_window = conn.generate_id().map_err(|e| x11(&e))?;
        conn.create_window(
            0,
            wake_window,
            root,
            0,
            0,
            1,
            1,
            0,
            WindowClass::INPUT_ONLY,
            0,
            &CreateWindowAux::new(),
        )
        .map_err(|e| x11(&e))?
        .check()
        .map_err(|e| x11(&e))?;

        let conn = Arc::new(conn);
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (conn, stop, mods) = (Arc::clone(&conn), Arc::clone(&stop), shortcut.mods);
            std::thread::Builder::new()
                .name("x11-shortcut".into())
                .spawn(move || wait_for_presses(&conn, &stop, &keycodes, mods, on_press))
                .map_err(|e| x11(&e))?
        };
        Ok(Self { conn, wake_window, stop, thread: Some(thread) })
    }
}

/// Every keycode whose keys produce `keysym` (a layout may have more than one).
fn keycodes_for(conn: &RustConnection, keysym: u32) -> Result<Vec<u8>, ShortcutError> {
    let setup = conn.setup();
    let (min, max) = (setup.min_keycode, setup.max_keycode);
    let map = conn
        .get_keyboard_mapping(min, (max - min).saturating_add(1))
        .map_err(|e| ShortcutError::X11(e.to_string()))?
        .reply()
        .map_err(|e| ShortcutError::X11(e.to_string()))?;
    let per = usize::from(map.keysyms_per_keycode.max(1));
    Ok(map
        .keysyms
        .chunks(per)
        .zip(min..=max)
        .filter(|(syms, _)| syms.contains(&keysym))
        .map(|(_, code)| code)
        .collect())
}

fn wait_for_presses(
    conn: &RustConnection,
    stop: &AtomicBool,
    keycodes: &[u8],
    mods: u16,
    on_press: impl Fn(),
) {
    let mut down = false;
    loop {
        let event = match conn.wait_for_event() {
            Ok(e) => e,
            Err(e) => {
                if !stop.load(Ordering::Acquire) {
                    tracing::warn!("the X connection for the global shortcut closed: {e}");
                }
                return;
            }
        };
        if stop.load(Ordering::Acquire) {
            return;
        }
        match event {
            Event::KeyPress(e)
                if !down && keycodes.contains(&e.detail) && u16::from(e.state) & MODIFIERS == mods =>
            {
                down = true;
                on_press();
            }
            Event::KeyRelease(e) if keycodes.contains(&e.detail) => down = false,
            _ => {}
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        let wake = ClientMessageEvent::new(32, self.wake_window, x11rb::NONE, [0u32; 5]);
        let sent = self.conn.send_event(false, self.wake_window, EventMask::NO_EVENT, wake).is_ok()
            && self.conn.flush().is_ok();
        if let Some(thread) = self.thread.take()
            && sent
        {
            let _ = thread.join();
        }
        // Closing the connection (when the last Arc goes) releases the grabs.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_modifiers_parse_case_insensitively() {
        let s: Shortcut = "ctrl+ALT+o".parse().unwrap();
        assert_eq!((s.mods, s.keysym), (CONTROL | ALT, u32::from('o')));
        let s: Shortcut = "CmdOrCtrl+Shift+KeyP".parse().unwrap();
        assert_eq!((s.mods, s.keysym), (CONTROL | SHIFT, u32::from('p')));
        let s: Shortcut = "Super+F12".parse().unwrap();
        assert_eq!((s.mods, s.keysym), (SUPER, 0xffbe + 11));
        let s: Shortcut = "Alt+Digit1".parse().unwrap();
        assert_eq!(s.keysym, u32::from('1'));
        let s: Shortcut = " Control + Space ".parse().unwrap();
        assert_eq!((s.mods, s.keysym), (CONTROL, 0x20));
    }

    #[test]
    fn what_is_not_a_combination_says_which_part() {
        for (text, part) in [
            ("Ctrl+Alt+Nonsense", "\"Nonsense\" is not a key"),
            ("Hyper+O", "\"Hyper\" is not a modifier"),
            ("O", "at least one of"),
            ("Ctrl++O", "empty part"),
            ("Ctrl+F25", "\"F25\" is not a key"),
        ] {
            let err = text.parse::<Shortcut>().unwrap_err();
            assert!(matches!(err, ShortcutError::Invalid(_)), "{text}: {err:?}");
            assert!(err.to_string().contains(part), "{text}: {err}");
        }
    }
}
