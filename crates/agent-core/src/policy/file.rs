//! Policies in the system presets file ([`system_file`], or the file
//! `EXOTEL_AGENT_PRESETS` names): the `[enforced]` and `[defaults]` tables, each key a setting's
//! name ([`super::KEYS`]); the older `[account]` table counts as defaults for the sign-in form,
//! and `[sync] interval_secs` as the enforced shortest sync interval.
//!
//! ```toml
//! [enforced]
//! offline_on_lock = true
//! sandbox_allowed = false
//!
//! [defaults]
//! idle_minutes = 15
//! ```

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Source, Tier};

/// Names another system file to read instead of the usual one.
pub const PRESETS_FILE_ENV: &str = "EXOTEL_AGENT_PRESETS";

/// The system-wide presets file: `/etc/exotel-agent-tray/settings.toml` on Linux and other
/// Unix, `/Library/Application Support/exotel-agent-tray/settings.toml` on macOS,
/// `%ProgramData%\exotel-agent-tray\settings.toml` on Windows.
pub fn system_file() -> PathBuf {
    let base = if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support")
    } else if cfg!(windows) {
        std::env::var_os("ProgramData").map_or_else(|| PathBuf::from(r"C:\ProgramData"), PathBuf::from)
    } else {
        PathBuf::from("/etc")
    };
    base.join(crate::paths::APP_DIR).join("settings.toml")
}

/// The presets file this process reads: [`PRESETS_FILE_ENV`]'s, else [`system_file`].
pub fn path() -> PathBuf {
    std::env::var_os(PRESETS_FILE_ENV).map_or_else(system_file, PathBuf::from)
}

/// The file's sources, enforced first; none if there is no file, or it is not TOML (then
/// [`crate::presets::Presets::load`], which reads the same file for the sign-in form, logs why).
pub fn sources() -> Vec<Source> {
    let path = path();
    match std::fs::read(&path) {
        Ok(bytes) => from_bytes(&bytes, &path),
        Err(_) => Vec::new(),
    }
}

/// The sources a presets file's `bytes` hold (read from `path`, which names them).
pub fn from_bytes(bytes: &[u8], path: &Path) -> Vec<Source> {
    let Ok(table) = std::str::from_utf8(bytes)
        .map_err(|e| e.to_string())
        .and_then(|t| t.parse::<toml::Table>().map_err(|e| e.message().to_owned()))
    else {
        return Vec::new();
    };
    let at = |table: &str| format!("{} [{table}]", path.display());
    let values = |name: &str| -> Vec<(String, Value)> {
        match table.get(name) {
            Some(toml::Value::Table(t)) => {
                t.iter().map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or(Value::Null))).collect()
            }
            _ => Vec::new(),
        }
    };
    let mut enforced = values("enforced");
    let floor = values("sync").into_iter().find(|(k, _)| k == "interval_secs");
    enforced.extend(floor.map(|(_, v)| ("min_sync_interval_secs".to_owned(), v)));
    let mut defaults = values("defaults");
    let account =
        values("account").into_iter().filter(|(k, _)| matches!(k.as_str(), "host" | "app_id" | "user_id"));
    defaults.extend(account);
    vec![
        Source { origin: at("enforced"), tier: Some(Tier::Enforced), values: enforced },
        Source { origin: at("defaults"), tier: Some(Tier::Default), values: defaults },
    ]
}
