//! The OS telling the app that the agent is away. On Linux, over D-Bus ([`spawn`]):
//! - the screensaver's `ActiveChanged(bool)` on the session bus, under the freedesktop
//!   (`org.freedesktop.ScreenSaver`), GNOME, Cinnamon, MATE and XFCE names: lock/unlock;
//! - logind's session of this process on the system bus: its `Lock`/`Unlock` signals and its
//!   `LockedHint` property (lock/unlock on desktops whose screensaver says nothing on the
//!   session bus); a lock reported by two sources is one lock ([`desk_events::LockLatch`]);
//! - logind's `PrepareForSleep(bool)` on the system bus: sleep/wake. While "offline on sleep"
//!   is on, the app holds a logind *delay* inhibitor, so the computer waits (a few seconds at
//!   most, as logind allows) for Exotel to confirm before it sleeps;
//! - logind's `PrepareForShutdown(true)`: the session is ending, so the app quits (going
//!   offline first, if the agent asked for that);
//! - NetworkManager's `StateChanged` to a connected state: an away-offline still owed after an
//!   outage is sent at once (elsewhere, and without NetworkManager, at the end of its wait).
//!
//! On Windows ([`windows`]): the same events from a hidden window of the app's own:
//! `WM_WTSSESSION_CHANGE` (lock/unlock), `WM_POWERBROADCAST` (sleep/wake) and
//! `WM_ENDSESSION` (the session ending), and idle time from `GetLastInputInfo`. On macOS
//! ([`macos`], compiled and linted here, never run): lock/unlock, sleep/wake and idle.

#[cfg(target_os = "linux")]
mod bus_names;
#[cfg(target_os = "linux")]
mod dbus;
#[cfg(target_os = "linux")]
pub mod desk;
#[cfg(target_os = "linux")]
pub mod display;
mod error;
pub mod idle;
#[cfg(target_os = "macos")]
pub mod macos;
#[cfg(target_os = "linux")]
pub mod portal;
#[cfg(any(windows, target_os = "macos"))]
pub mod queue;
#[cfg(target_os = "linux")]
pub mod shortcut;
#[cfg(windows)]
pub mod windows;

#[cfg(target_os = "linux")]
pub use dbus::{spawn, watch_login1, watch_network, watch_screensaver, watch_session_lock};

pub use desk_events::{OsEvent, OsEventHandler};
pub use error::OsError;

/// One look at what this computer can do, for `exotel-agent doctor` (the app follows it
/// instead, as it changes): on Linux over the buses and X11, elsewhere what the platform gives;
/// idle time from the source the app would use. The shortcut is what would be used, not tried.
pub async fn look_at_desk() -> desk_events::Desk {
    use desk_events::{Protection, Support};
    let report = desk_events::DeskReport::default();
    #[cfg(target_os = "linux")]
    {
        let session = zbus::Connection::session().await.ok();
        let system = zbus::Connection::system().await.ok();
        desk::look(session.as_ref(), system.as_ref(), &report).await;
        report.set(Protection::Shortcut, desk::shortcut(session.as_ref()).await);
    }
    platform_desk(&report);
    // What the app sets up itself (the hidden window, the tray, the hotkey), not tried here.
    #[cfg(windows)]
    {
        report.set(Protection::Lock, Support::works("WTSRegisterSessionNotification"));
        report.set(Protection::Sleep, Support::works("WM_POWERBROADCAST"));
        report.set(Protection::Notifications, Support::works("Windows notifications"));
    }
    #[cfg(not(target_os = "linux"))]
    {
        report.set(
            Protection::Tray,
            Support::works(if cfg!(windows) { "notification area" } else { "menu bar" }),
        );
        report.set(Protection::Shortcut, Support::works("the OS's global hotkeys"));
    }
    let idle = tokio::task::spawn_blocking(|| idle::connect_source().map(|s| s.name())).await;
    report.set(
        Protection::Idle,
        match idle {
            Ok(Ok(name)) => Support::works(name),
            Ok(Err(why)) => Support::missing(why.to_string()),
            Err(e) => Support::missing(e.to_string()),
        },
    );
    report.now()
}

/// What the OS gives on every desk of this platform, whatever the desktop: the keyring backend
/// compiled in; on macOS also the session's notifications (lock, sleep) and Notification
/// Center. Linux finds its own out ([`desk`]); Windows its lock, sleep and notifications where
/// the app sets them up.
pub fn platform_desk(report: &desk_events::DeskReport) {
    use desk_events::{Protection, Support};
    if cfg!(windows) {
        report.set(Protection::Keyring, Support::works("Windows Credential Manager"));
    }
    if cfg!(target_os = "macos") {
        report.set(Protection::Keyring, Support::works("macOS Keychain"));
        report.set(Protection::Lock, Support::works("com.apple.screenIsLocked"));
        report.set(Protection::Sleep, Support::works("NSWorkspace"));
        report.set(Protection::Notifications, Support::works("Notification Center"));
    }
}
