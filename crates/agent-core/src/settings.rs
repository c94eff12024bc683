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

/// Everything in the settings file. Unknown keys are ignored, missing ones take defaults, so
/// files from older and newer versions both load.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub account: Option<Account>,
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
                return Ok(Loaded {
                    settings: Settings::default(),
                    warning: None,
                });
            }
            Err(e) => {
                return Err(CoreError::Settings(format!(
                    "could not read {}: {e}",
                    self.path.display()
                )));
            }
        };
        let parsed = std::str::from_utf8(&bytes)
            .map_err(|e| e.to_string())
            .and_then(|text| toml::from_str::<Settings>(text).map_err(|e| e.message().to_owned()));
        match parsed {
            Ok(settings) => Ok(Loaded {
                settings,
                warning: None,
            }),
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
                Ok(Loaded {
                    settings: Settings::default(),
                    warning: Some(warning),
                })
            }
        }
    }

    /// Writes the whole file atomically: a temporary file in the same folder, flushed, then
    /// renamed over the old one. A crash leaves the old file or the new one, never half of one.
    pub fn save(&self, settings: &Settings) -> Result<()> {
        let text =
            toml::to_string_pretty(settings).map_err(|e| CoreError::Settings(e.to_string()))?;
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            CoreError::Settings(format!("{what} {}: {e}", self.path.display()))
        };
        create_private_dir(dir).map_err(|e| fail("could not create the folder of", &e))?;
        let mut tmp =
            tempfile::NamedTempFile::new_in(dir).map_err(|e| fail("could not write", &e))?;
        tmp.write_all(HEADER.as_bytes())
            .and_then(|()| tmp.write_all(text.as_bytes()))
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| fail("could not write", &e))?;
        tmp.persist(&self.path)
            .map_err(|e| fail("could not replace", &e.error))?;
        Ok(())
    }

    /// Loads, edits and saves.
    pub fn update(&self, edit: impl FnOnce(&mut Settings)) -> Result<Settings> {
        let mut settings = self.load()?.settings;
        edit(&mut settings);
        self.save(&settings)?;
        Ok(settings)
    }

    fn backup_path(&self) -> PathBuf {
        let mut name = self
            .path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        name.push(format!(".corrupt-{}", crate::status::now_ms() / 1000));
        self.path.with_file_name(name)
    }
}

const HEADER: &str =
    "# Exotel Agent Tray settings. Secrets are not kept here: they live in the system keyring.\n\n";

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let settings = Settings {
            account: Some(account()),
        };
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
        assert!(
            warning.contains("could not be read") && warning.contains(".corrupt-"),
            "{warning}"
        );
        let backups: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("settings.toml.corrupt-")
            })
            .collect();
        assert_eq!(backups.len(), 1);
        assert!(
            fs::read_to_string(backups[0].path())
                .unwrap()
                .contains("app_id = ")
        );
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
}
