//! Linux's idle sources: the X server's, GNOME's and KDE's (see [`super`]).

use std::time::Duration;

use x11rb::connection::Connection;
use x11rb::protocol::screensaver::ConnectionExt as _;
use x11rb::rust_connection::RustConnection;

use super::IdleSource;
use crate::OsError;

const MUTTER: (&str, &str, &str, &str) = (
    "org.gnome.Mutter.IdleMonitor",
    "/org/gnome/Mutter/IdleMonitor/Core",
    "org.gnome.Mutter.IdleMonitor",
    "GetIdletime",
);
const KDE: (&str, &str, &str, &str) = (
    "org.freedesktop.ScreenSaver",
    "/org/freedesktop/ScreenSaver",
    "org.freedesktop.ScreenSaver",
    "GetSessionIdleTime",
);

/// GNOME's Mutter, over the session bus.
#[derive(Debug)]
pub struct MutterIdle(zbus::blocking::Connection);

/// KDE's screensaver service, over the session bus.
#[derive(Debug)]
pub struct KdeIdle(zbus::blocking::Connection);

fn call<T: serde::de::DeserializeOwned + zbus::zvariant::Type>(
    conn: &zbus::blocking::Connection,
    (dest, path, iface, method): (&str, &str, &str, &str),
) -> Option<T> {
    let reply = conn.call_method(Some(dest), path, Some(iface), method, &()).ok()?;
    reply.body().deserialize::<T>().ok()
}

impl MutterIdle {
    /// On `conn`, if Mutter answers there.
    pub fn on(conn: zbus::blocking::Connection) -> Option<Self> {
        let source = Self(conn);
        source.idle_for().map(|_| source)
    }
}

impl IdleSource for MutterIdle {
    fn idle_for(&self) -> Option<Duration> {
        call::<u64>(&self.0, MUTTER).map(Duration::from_millis)
    }
    fn name(&self) -> &'static str {
        "GNOME Mutter"
    }
}

impl KdeIdle {
    /// On `conn`, if KDE's screensaver service answers there.
    pub fn on(conn: zbus::blocking::Connection) -> Option<Self> {
        let source = Self(conn);
        source.idle_for().map(|_| source)
    }
}

impl IdleSource for KdeIdle {
    fn idle_for(&self) -> Option<Duration> {
        call::<u32>(&self.0, KDE).map(|ms| Duration::from_millis(u64::from(ms)))
    }
    fn name(&self) -> &'static str {
        "KDE screensaver"
    }
}

impl IdleSource for X11Idle {
    fn idle_for(&self) -> Option<Duration> {
        X11Idle::idle_for(self)
    }
    fn name(&self) -> &'static str {
        "X11"
    }
}

/// The first source that answers: on a Wayland session GNOME's, then KDE's, then X11's; else
/// X11's first.
pub fn connect_source() -> Result<Box<dyn IdleSource>, OsError> {
    let wayland = crate::display::is_wayland();
    let dbus = || -> Option<Box<dyn IdleSource>> {
        let conn = zbus::blocking::Connection::session().ok()?;
        MutterIdle::on(conn.clone())
            .map(|s| Box::new(s) as Box<dyn IdleSource>)
            .or_else(|| KdeIdle::on(conn).map(|s| Box::new(s) as Box<dyn IdleSource>))
    };
    let x11 = || X11Idle::connect().map(|s| Box::new(s) as Box<dyn IdleSource>);
    if wayland {
        // Never X11 here: it sees only XWayland windows' input, so an agent working in
        // Wayland windows would count as idle and be taken offline.
        return dbus().ok_or(OsError::NoWaylandIdle);
    }
    x11().or_else(|e| dbus().ok_or(e))
}

/// The X server's time since the last keyboard or mouse input.
pub struct X11Idle {
    conn: RustConnection,
    root: u32,
}

impl std::fmt::Debug for X11Idle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("X11Idle").finish_non_exhaustive()
    }
}

impl X11Idle {
    /// Connects to `$DISPLAY`; an error says why idle detection is not available.
    pub fn connect() -> Result<Self, OsError> {
        let (conn, screen) = x11rb::connect(None).map_err(|e| OsError::NoX11(e.to_string()))?;
        let root = conn
            .setup()
            .roots
            .get(screen)
            .map(|s| s.root)
            .ok_or_else(|| OsError::NoX11(format!("the display has no screen {screen}")))?;
        conn.screensaver_query_version(1, 1)
            .map_err(|e| OsError::NoScreenSaverExtension(e.to_string()))?
            .reply()
            .map_err(|e| OsError::NoScreenSaverExtension(e.to_string()))?;
        Ok(Self { conn, root })
    }

    pub fn idle_for(&self) -> Option<Duration> {
        let info = self.conn.screensaver_query_info(self.root).ok()?.reply().ok()?;
        Some(Duration::from_millis(u64::from(info.ms_since_user_input)))
    }
}
