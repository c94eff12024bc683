//! Where the app keeps its files. The desktop app and `exotel-agent` use the same places, so
//! signing in with either signs in both.

use std::path::PathBuf;

use crate::error::{CoreError, Result};

/// The folder name under the OS config and data directories.
pub const APP_DIR: &str = "exotel-agent-tray";

/// The OS config directory for the app: on Linux `$XDG_CONFIG_HOME/exotel-agent-tray`
/// (default `~/.config/exotel-agent-tray`), on macOS `~/Library/Application Support/...`, on
/// Windows `%APPDATA%\...`.
pub fn config_dir() -> Result<PathBuf> {
    dirs::config_dir().map(|d| d.join(APP_DIR)).ok_or_else(|| {
        CoreError::Settings("the OS has no config directory for this user (is HOME set?)".into())
    })
}

/// The settings file: `settings.toml` in [`config_dir`].
pub fn settings_file() -> Result<PathBuf> {
    Ok(config_dir()?.join("settings.toml"))
}

/// Where the desktop app writes its log files: on Linux `$XDG_STATE_HOME/exotel-agent-tray/logs`
/// (default `~/.local/state/...`), elsewhere the OS's local data directory.
pub fn log_dir() -> Result<PathBuf> {
    dirs::state_dir().or_else(dirs::data_local_dir).map(|d| d.join(APP_DIR).join("logs")).ok_or_else(|| {
        CoreError::Settings("the OS has no data directory for this user (is HOME set?)".into())
    })
}

/// The OS data directory for the app (history): on Linux `$XDG_DATA_HOME/exotel-agent-tray`
/// (default `~/.local/share/...`).
pub fn data_dir() -> Result<PathBuf> {
    dirs::data_dir().map(|d| d.join(APP_DIR)).ok_or_else(|| {
        CoreError::Settings("the OS has no data directory for this user (is HOME set?)".into())
    })
}

/// Everything the app's processes and `exotel-agent` create is for this user only: the log
/// folder and files, the history, the web view's caches. On Unix the file-creation mask is set
/// to 077 first thing (the log appender opens each day's file itself, with no say over its
/// mode, so the mask is the one place to decide it). Called before any thread starts; the
/// window process inherits it.
pub fn private_files() {
    #[cfg(unix)]
    let _ = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// Creates `dir` (and its parents) readable by this user only (0700 on Unix).
pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}
