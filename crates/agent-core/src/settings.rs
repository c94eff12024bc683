//! The settings that are not secret (host, app id, user id; later the preferences), in a TOML
//! file a person can read. Written atomically; a corrupt file is kept aside, not fatal.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};

/// The account part: who is signed in, where. The secret is never here (it is in the keyring).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub host: String,
    pub app_id: String,
    pub user_id: String,
}

/// What the agent chose in the window. Each field has a default, so a file that lacks one
/// (from an older version) still loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    /// Turn the device off before the app quits (tray, window, SIGTERM/SIGINT, session end).
    pub offline_on_quit: bool,
    /// Go offline when the screen locks.
    pub offline_on_lock: bool,
    /// Go offline when the computer goes to sleep.
    pub offline_on_sleep: bool,
    /// Go offline after [`Self::idle_minutes`] without keyboard or mouse input.
    pub offline_when_idle: bool,
    /// Minutes without input before the agent counts as idle (1 to 120).
    pub idle_minutes: u32,
    /// On unlock, wake or input after idle, turn back on the device the app turned off, if
    /// nothing changed since.
    pub restore_on_return: bool,
    /// Seconds between reads of the status from Exotel (at least 10).
    pub sync_interval_secs: u64,
    /// The global shortcut that toggles between offline and the last device, e.g.
    /// `Ctrl+Alt+O`; empty for none.
    pub shortcut: String,
    /// Start the app (in the tray, no window) when the user logs in.
    pub start_at_login: bool,
    /// The language of every word the app shows ([`crate::words`]).
    pub language: crate::words::LanguageChoice,
    /// Notify the changes the agent made (tray, window, shortcut, command line).
    pub notify_mine: bool,
    /// Notify the changes made elsewhere (a supervisor) or by the app (a break, a lock, idle).
    pub notify_elsewhere: bool,
    /// Notify a change that failed (on unless the agent turns it off, warned in the window).
    pub notify_failures: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            offline_on_quit: true,
            offline_on_lock: false,
            offline_on_sleep: false,
            offline_when_idle: false,
            idle_minutes: 10,
            restore_on_return: true,
            sync_interval_secs: 30,
            shortcut: "Ctrl+Alt+O".to_owned(),
            start_at_login: false,
            language: crate::words::LanguageChoice::Auto,
            notify_mine: true,
            notify_elsewhere: true,
            notify_failures: true,
        }
    }
}

/// The preferences the window sends: only the fields it shows, by name. They are applied over
/// the current preferences ([`Self::apply_to`]), so a preference the page does not show (one
/// added later, or one the organisation enforces) keeps its value instead of falling back to
/// its default when the agent saves the window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PreferenceChanges(pub serde_json::Map<String, serde_json::Value>);

impl PreferenceChanges {
    /// `current` with these changes; a name that is no preference, or a value of the wrong
    /// kind, is refused (nothing is applied).
    pub fn apply_to(&self, current: &Preferences) -> crate::Result<Preferences> {
        use crate::detail::Part;
        let bad = crate::CoreError::BadRequest;
        let Ok(serde_json::Value::Object(mut fields)) = serde_json::to_value(current) else {
            return Err(crate::CoreError::Internal);
        };
        for (name, value) in &self.0 {
            if !fields.contains_key(name) {
                return Err(bad(Part::new("error-no-such-setting").text("name", name.as_str())));
            }
            fields.insert(name.clone(), value.clone());
        }
        serde_json::from_value(serde_json::Value::Object(fields)).map_err(|e| {
            tracing::debug!(error = %e, "a setting of the wrong kind");
            bad(Part::new("error-setting-wrong-kind"))
        })
    }
}

/// The shortest sync interval accepted.
pub const MIN_SYNC_INTERVAL_SECS: u64 = 10;

/// The idle setting's bounds, in minutes.
pub const IDLE_MINUTES: std::ops::RangeInclusive<u32> = 1..=120;

impl Preferences {
    /// Whether the agent relies on `p` with these preferences: the away rules they turned on,
    /// the shortcut they set, any notification they asked for; the tray and the keyring always.
    /// One that cannot work on this computer is a problem the agent is told about
    /// ([`desk_events::Desk::problems`]).
    pub fn relies_on(&self, p: desk_events::Protection) -> bool {
        use desk_events::Protection;
        match p {
            Protection::Lock => self.offline_on_lock,
            Protection::Sleep => self.offline_on_sleep,
            Protection::Idle => self.offline_when_idle,
            Protection::Tray | Protection::Keyring => true,
            Protection::Notifications => self.notify_mine || self.notify_elsewhere || self.notify_failures,
            Protection::Shortcut => !self.shortcut.trim().is_empty(),
        }
    }

    /// How long without input counts as idle, within [`IDLE_MINUTES`].
    pub fn idle_after(&self) -> std::time::Duration {
        let minutes = self.idle_minutes.clamp(*IDLE_MINUTES.start(), *IDLE_MINUTES.end());
        std::time::Duration::from_secs(u64::from(minutes) * 60)
    }

    /// The sync interval, never below [`MIN_SYNC_INTERVAL_SECS`].
    pub fn sync_interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.sync_interval_secs.max(MIN_SYNC_INTERVAL_SECS))
    }
}

/// A timed break in progress: kept so that a restart in the middle continues it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakState {
    /// When the break ends (Unix milliseconds).
    pub ends_at: crate::status::UnixMillis,
    /// The device to turn back on at the end (none if the agent was offline already).
    pub restore: Option<exotel_api::Device>,
}

/// Everything in the settings file. Unknown keys are ignored, missing ones take defaults, so
/// files from older and newer versions both load.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub account: Option<Account>,
    pub preferences: Preferences,
    #[serde(rename = "break")]
    pub on_break: Option<BreakState>,
    /// When the agent last changed their status themselves (tray, window, shortcut or
    /// `exotel-agent`), Unix milliseconds: a device the app parked before then is not turned
    /// back on (R4 in [`crate::away`]), whichever program the change was made with.
    pub agent_changed_at: Option<crate::status::UnixMillis>,
    /// "Quiet for 1 hour": no notification of a change until then (failures still are). Kept
    /// here, not in the preferences the window saves, so saving them never undoes it.
    pub quiet_until: Option<crate::status::UnixMillis>,
    /// The size the agent gave the window (logical pixels), for the next time it opens.
    pub window_size: Option<WindowSize>,
    /// The time of the failed quit last told about at a start ("When you last quit, going
    /// offline failed"), so it is told once.
    pub quit_failure_told: Option<crate::status::UnixMillis>,
    /// The preferences the agent chose themselves; the others follow the organisation's
    /// defaults ([`crate::policy`]). Missing (a file from before policies): the ones that differ
    /// from the built-in values ([`Settings::chosen_preferences`]).
    pub chosen: Option<std::collections::BTreeSet<String>>,
}

/// A window's size in logical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowSize {
    pub width: u32,
    pub height: u32,
}

impl Settings {
    /// The preferences the agent chose themselves.
    pub fn chosen_preferences(&self) -> std::collections::BTreeSet<String> {
        if let Some(chosen) = &self.chosen {
            return chosen.clone();
        }
        let (Ok(serde_json::Value::Object(own)), Ok(serde_json::Value::Object(built_in))) =
            (serde_json::to_value(&self.preferences), serde_json::to_value(Preferences::default()))
        else {
            return Default::default();
        };
        own.into_iter().filter(|(k, v)| built_in.get(k) != Some(v)).map(|(k, _)| k).collect()
    }

    /// The settings in a file's bytes, or why they are not valid settings (not UTF-8, not TOML,
    /// a value of the wrong type).
    pub fn parse(bytes: &[u8]) -> std::result::Result<Settings, String> {
        let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
        toml::from_str::<Settings>(text).map_err(|e| e.message().to_owned())
    }
}

/// What loading found.
#[derive(Debug)]
pub struct Loaded {
    pub settings: Settings,
    /// Said once when a bad file was set aside and defaults used.
    pub warning: Option<String>,
}

/// The settings file at one path.
#[derive(Debug, Clone)]
pub struct SettingsStore {
    path: PathBuf,
}

impl SettingsStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The store at the OS's usual place ([`crate::paths::settings_file`]).
    pub fn default_location() -> Result<Self> {
        Ok(Self::new(crate::paths::settings_file()?))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the file. No file: defaults. A file that is not valid settings (corrupt, half
    /// written, not UTF-8): it is renamed to `settings.toml.corrupt-<time>` beside it and
    /// defaults are used, with a warning. A file that cannot be read at all is an error.
    pub fn load(&self) -> Result<Loaded> {
        let bytes = match fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Loaded { settings: Settings::default(), warning: None });
            }
            Err(e) => {
                return Err(CoreError::Settings(format!("could not read {}: {e}", self.path.display())));
            }
        };
        match Settings::parse(&bytes) {
            Ok(settings) => Ok(Loaded { settings, warning: None }),
            Err(reason) => {
                let backup = self.backup_path();
                let warning = match fs::rename(&self.path, &backup) {
                    Ok(()) => format!(
                        "the settings file {} could not be read ({reason}); it was kept as {} and the defaults are used",
                        self.path.display(),
                        backup.display()
                    ),
                    Err(e) => format!(
                        "the settings file {} could not be read ({reason}) nor set aside ({e}); the defaults are used",
                        self.path.display()
                    ),
                };
                tracing::warn!("{warning}");
                Ok(Loaded { settings: Settings::default(), warning: Some(warning) })
            }
        }
    }

    /// Writes the whole file atomically: a temporary file in the same folder, flushed, then
    /// renamed over the old one. A crash leaves the old file or the new one, never half of one.
    pub fn save(&self, settings: &Settings) -> Result<()> {
        let text = toml::to_string_pretty(settings).map_err(|e| CoreError::Settings(e.to_string()))?;
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            CoreError::Settings(format!("{what} {}: {e}", self.path.display()))
        };
        crate::paths::create_private_dir(dir).map_err(|e| fail("could not create the folder of", &e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail("could not write", &e))?;
        tmp.write_all(HEADER.as_bytes())
            .and_then(|()| tmp.write_all(text.as_bytes()))
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| fail("could not write", &e))?;
        tmp.persist(&self.path).map_err(|e| fail("could not replace", &e.error))?;
        Ok(())
    }

    /// Loads, edits and saves, holding the file's lock throughout ([`crate::file_lock`]), so
    /// that the app and `exotel-agent` never lose each other's changes.
    pub fn update(&self, edit: impl FnOnce(&mut Settings)) -> Result<Settings> {
        crate::file_lock::locked(&self.path, || {
            let mut settings = self.load()?.settings;
            edit(&mut settings);
            self.save(&settings)?;
            Ok(settings)
        })
    }

    /// The settings as the file holds them, or `None` if it cannot be read or is damaged:
    /// unlike [`Self::load`], a damaged file is left where it is, for the app to restore its
    /// own account and preferences into (a reader of one setting must not cause a sign-out).
    pub fn read_quietly(&self) -> Option<Settings> {
        match fs::read(&self.path) {
            Ok(bytes) => Settings::parse(&bytes).ok(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(Settings::default()),
            Err(_) => None,
        }
    }

    /// Like [`Self::update`], but only when the file can be read: a damaged file is left as
    /// it is (an error says so) rather than replaced by the defaults with the edit.
    pub fn update_if_readable(&self, edit: impl FnOnce(&mut Settings)) -> Result<Settings> {
        crate::file_lock::locked(&self.path, || {
            let mut settings = self.read_quietly().ok_or_else(|| {
                CoreError::Settings(format!("{} cannot be read; left as it is", self.path.display()))
            })?;
            edit(&mut settings);
            self.save(&settings)?;
            Ok(settings)
        })
    }

    fn backup_path(&self) -> PathBuf {
        let mut name = self.path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(format!(".corrupt-{}", crate::status::now_ms() / 1000));
        self.path.with_file_name(name)
    }
}

const HEADER: &str =
    "# Exotel Agent Tray settings. Secrets are not kept here: they live in the system keyring.\n\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortcut_and_notifications_are_relied_on_only_when_the_agent_uses_them() {
        use desk_events::Protection;
        let mut prefs = Preferences { shortcut: "  ".into(), ..Preferences::default() };
        assert!(!prefs.relies_on(Protection::Shortcut));
        prefs.shortcut = "Ctrl+Alt+O".into();
        assert!(prefs.relies_on(Protection::Shortcut));
        prefs.notify_mine = false;
        prefs.notify_elsewhere = false;
        prefs.notify_failures = false;
        assert!(!prefs.relies_on(Protection::Notifications));
        prefs.notify_failures = true;
        assert!(prefs.relies_on(Protection::Notifications));
        assert!(prefs.relies_on(Protection::Tray) && prefs.relies_on(Protection::Keyring));
        assert_eq!(prefs.relies_on(Protection::Lock), prefs.offline_on_lock);
    }

    /// Reading one setting, or writing the quiet hour or the window's size, never sets a
    /// damaged file aside or replaces it with defaults: the account in it is the app's to
    /// restore (a sign-out would follow otherwise).
    #[test]
    fn quiet_readers_and_writers_leave_a_damaged_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path().join("settings.toml"));
        assert_eq!(store.read_quietly(), Some(Settings::default()), "no file: the defaults");
        store.update_if_readable(|s| s.quiet_until = Some(5)).unwrap();
        assert_eq!(store.read_quietly().unwrap().quiet_until, Some(5));
        std::fs::write(store.path(), b"[account\x00 garbage").unwrap();
        assert_eq!(store.read_quietly(), None);
        assert!(store.update_if_readable(|s| s.quiet_until = None).is_err());
        assert_eq!(std::fs::read(store.path()).unwrap(), b"[account\x00 garbage", "left as it was");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.contains("corrupt")), "nothing set aside: {names:?}");
    }

    fn account() -> Account {
        Account {
            host: "https://integrationscore.mum1.exotel.com".into(),
            app_id: "app".into(),
            user_id: "1".into(),
        }
    }

    #[test]
    fn saves_and_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path().join("sub/settings.toml"));
        assert_eq!(store.load().unwrap().settings, Settings::default());
        let settings = Settings { account: Some(account()), ..Settings::default() };
        store.save(&settings).unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.settings, settings);
        assert!(loaded.warning.is_none());
        let text = fs::read_to_string(store.path()).unwrap();
        assert!(text.contains("user_id = \"1\""), "{text}");
        // Nothing but the settings file is left in the folder (no stray temporary files).
        assert_eq!(fs::read_dir(dir.path().join("sub")).unwrap().count(), 1);
    }

    #[test]
    fn a_corrupt_file_is_kept_aside_and_defaults_used_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        fs::write(&path, "[account]\nhost = \"https://x\"\napp_id = ").unwrap();
        let store = SettingsStore::new(&path);
        let loaded = store.load().unwrap();
        assert_eq!(loaded.settings, Settings::default());
        let warning = loaded.warning.unwrap_or_default();
        assert!(warning.contains("could not be read") && warning.contains(".corrupt-"), "{warning}");
        let backups: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("settings.toml.corrupt-"))
            .collect();
        assert_eq!(backups.len(), 1);
        assert!(fs::read_to_string(backups[0].path()).unwrap().contains("app_id = "));
        // Said once: the next load finds no file and says nothing.
        assert!(store.load().unwrap().warning.is_none());
    }

    #[test]
    fn binary_garbage_is_treated_as_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        fs::write(&path, [0xff, 0xfe, 0x00, 0x41]).unwrap();
        assert!(SettingsStore::new(&path).load().unwrap().warning.is_some());
    }

    #[test]
    fn preferences_default_when_missing_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        fs::write(&path, "[preferences]\noffline_on_lock = true\n").unwrap();
        let store = SettingsStore::new(&path);
        let p = store.load().unwrap().settings.preferences;
        assert!(p.offline_on_lock && p.offline_on_quit && p.restore_on_return);
        assert_eq!((p.sync_interval_secs, p.shortcut.as_str()), (30, "Ctrl+Alt+O"));
        let on_break = BreakState { ends_at: 1_800_000_000_000, restore: Some(exotel_api::Device::Sip) };
        store.update(|s| s.on_break = Some(on_break)).unwrap();
        assert_eq!(store.load().unwrap().settings.on_break, Some(on_break));
        assert_eq!(
            Preferences { sync_interval_secs: 1, ..p }.sync_interval().as_secs(),
            MIN_SYNC_INTERVAL_SECS
        );
    }

    #[test]
    fn unknown_keys_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        fs::write(
            &path,
            "future = 1\n[account]\nhost = \"h\"\napp_id = \"a\"\nuser_id = \"u\"\nextra = true\n",
        )
        .unwrap();
        let loaded = SettingsStore::new(&path).load().unwrap();
        assert_eq!(loaded.settings.account.map(|a| a.user_id), Some("u".into()));
    }

    #[test]
    fn idle_is_the_agents_minutes_within_one_to_120() {
        let after = |idle_minutes| Preferences { idle_minutes, ..Preferences::default() }.idle_after();
        assert_eq!(after(10), std::time::Duration::from_secs(600));
        assert_eq!(after(0), std::time::Duration::from_secs(60), "at least a minute");
        assert_eq!(after(500), std::time::Duration::from_secs(120 * 60), "at most two hours");
    }

    #[test]
    fn a_settings_file_that_cannot_be_read_is_an_error_not_a_sign_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        assert_eq!(SettingsStore::new(&path).load().unwrap().settings, Settings::default(), "none yet");
        std::fs::create_dir(&path).unwrap();
        assert!(SettingsStore::new(&path).load().is_err(), "not read as 'no account'");
    }
}
