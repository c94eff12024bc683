//! Whether there is a graphical display to open, asked before GTK is started (GTK panics when
//! it cannot open one): a Wayland socket that exists, or an X server that accepts a
//! connection.

use std::path::PathBuf;

/// Why no display can be opened, in one sentence; `None` if one can.
pub fn unavailable() -> Option<String> {
    let wayland = std::env::var("WAYLAND_DISPLAY").ok().filter(|w| !w.is_empty());
    let x11 = std::env::var("DISPLAY").ok().filter(|d| !d.is_empty());
    if let Some(name) = &wayland {
        let socket = if name.starts_with('/') {
            PathBuf::from(name)
        } else {
            std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from).unwrap_or_default().join(name)
        };
        if socket.exists() {
            return None;
        }
    }
    if let Some(name) = &x11 {
        return match x11rb::connect(Some(name)) {
            Ok(_) => None,
            Err(e) => Some(format!("the X display {name} cannot be opened ({e})")),
        };
    }
    Some(match wayland {
        Some(name) => format!("the Wayland display {name} does not exist and DISPLAY is not set"),
        None => "no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set)".to_owned(),
    })
}

/// Whether this is a Wayland session (`WAYLAND_DISPLAY` set, or `XDG_SESSION_TYPE=wayland`):
/// there X11 sees only XWayland windows, so neither its idle time nor a key grab can be
/// trusted.
pub fn is_wayland() -> bool {
    std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty())
        || std::env::var("XDG_SESSION_TYPE").is_ok_and(|t| t == "wayland")
}
