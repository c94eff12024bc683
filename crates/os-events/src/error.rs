//! What can keep the OS's events from the app, by kind. Each is also said in words
//! (`Display`), for the log and as the `detail` of a [`desk_events::Support::Missing`].

/// Why a source of the OS's events could not be had.
#[derive(Debug, thiserror::Error)]
pub enum OsError {
    /// No X11 display to connect to (a Wayland-only session, or none at all).
    #[error("no X11 display: {0}")]
    NoX11(String),
    /// The X server lacks the MIT-SCREEN-SAVER extension, which gives the idle time.
    #[error("the X server has no MIT-SCREEN-SAVER extension: {0}")]
    NoScreenSaverExtension(String),
    /// A Wayland session where neither GNOME's nor KDE's idle service answers (X11's would see
    /// only XWayland windows' input, so it is not used).
    #[error("no idle time on this Wayland desktop (neither GNOME's nor KDE's service answers)")]
    NoWaylandIdle,
    /// The platform's own source gave no reading.
    #[error("{0} did not answer")]
    NotAnswering(&'static str),
    /// This platform has no idle source.
    #[error("idle detection is not available on this platform")]
    Unsupported,
    /// A thread of the app's own could not be started.
    #[error("the {0} thread could not be started: {1}")]
    Thread(&'static str, String),
    /// The hidden window for the session's messages (Windows) could not be made.
    #[error("the hidden window could not be made: {0}")]
    Window(String),
}
