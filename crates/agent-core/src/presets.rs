//! Sign-in fields an IT admin presets for every agent on a computer: a host, and optionally an
//! app id and a user id, from a system-wide file or environment variables. They only fill in
//! the sign-in form (the window's and `exotel-agent login`'s); they are never a secret (the app
//! secret is typed by the agent and kept in their keyring).
//!
//! Who wins, first to last (one rule, in [`SignInDefaults::resolve`]):
//! 1. the agent's own signed-in account, from their settings file;
//! 2. the environment: `EXOTEL_AGENT_HOST`, `EXOTEL_AGENT_APP_ID`, `EXOTEL_AGENT_USER_ID`;
//! 3. the system file ([`system_file`]; `EXOTEL_AGENT_PRESETS` names another one), table
//!    `[account]` with keys `host`, `app_id`, `user_id`, each optional;
//! 4. for the host only, Exotel's default host.
//!
//! A value that is set but blank counts as not set. A system file that cannot be read or is
//! not valid TOML is ignored with a warning (it is the admin's file: the app never moves it).

use serde::{Deserialize, Serialize};

use crate::settings::Account;

pub use crate::policy::file::{PRESETS_FILE_ENV, system_file};
/// The variable that presets the host (over the presets file).
pub const HOST_ENV: &str = "EXOTEL_AGENT_HOST";
/// The variable that presets the app id (over the presets file).
pub const APP_ID_ENV: &str = "EXOTEL_AGENT_APP_ID";
/// The variable that presets the user id (over the presets file).
pub const USER_ID_ENV: &str = "EXOTEL_AGENT_USER_ID";

/// The preset fields, each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Presets {
    pub host: Option<String>,
    pub app_id: Option<String>,
    pub user_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PresetsFile {
    account: Presets,
    sync: SyncPresets,
}

/// The preset shortest sync interval.
pub const SYNC_SECS_ENV: &str = "EXOTEL_AGENT_SYNC_SECS";

/// How often every agent's app on this computer may read the status at most: table `[sync]`,
/// key `interval_secs`, of the same system file, or `EXOTEL_AGENT_SYNC_SECS` (which wins). The
/// agent's own interval is raised to it, never lowered. For a call centre on one account:
/// interval >= agents x 60 / reads allowed per minute (see [`crate::sync`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncPresets {
    pub interval_secs: Option<u64>,
}

impl SyncPresets {
    /// This process's preset: the environment over the system file. A file that cannot be read
    /// or parsed gives none (its warning is logged by [`Presets::load`]'s reader).
    pub fn load() -> Self {
        let path = crate::policy::file::path();
        Self::from_sources(std::fs::read(&path).ok().as_deref(), |name| std::env::var(name).ok())
    }

    pub fn from_sources(file: Option<&[u8]>, env: impl Fn(&str) -> Option<String>) -> Self {
        let from_env = env(SYNC_SECS_ENV).and_then(|v| v.trim().parse::<u64>().ok());
        let from_file = file
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|t| toml::from_str::<PresetsFile>(t).ok())
            .and_then(|f| f.sync.interval_secs);
        Self { interval_secs: from_env.or(from_file).filter(|s| *s > 0) }
    }

    /// The preset interval, if any.
    pub fn interval(&self) -> Option<std::time::Duration> {
        self.interval_secs.map(std::time::Duration::from_secs)
    }
}

/// What reading the presets found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadedPresets {
    pub presets: Presets,
    /// Why the system file was ignored, if it was.
    pub warning: Option<String>,
}

impl Presets {
    /// The presets of this process: its environment over the system file.
    pub fn load() -> LoadedPresets {
        let path = crate::policy::file::path();
        let (file, unreadable) = match std::fs::read(&path) {
            Ok(bytes) => (Some(bytes), None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, None),
            Err(e) => (None, Some(format!("could not be read ({e})"))),
        };
        let mut loaded = Self::from_sources(file.as_deref(), |name| std::env::var(name).ok());
        if let Some(why) = unreadable.or_else(|| loaded.warning.take().map(|w| format!("are ignored: {w}"))) {
            let warning = format!("the preset settings in {} {why}", path.display());
            tracing::warn!("{warning}");
            loaded.warning = Some(warning);
        }
        loaded
    }

    /// The presets from a system file's bytes (if there is one) and an environment lookup,
    /// the environment winning field by field.
    pub fn from_sources(file: Option<&[u8]>, env: impl Fn(&str) -> Option<String>) -> LoadedPresets {
        let (from_file, warning) = match file.map(parse_file) {
            None => (Presets::default(), None),
            Some(Ok(p)) => (p, None),
            Some(Err(reason)) => (Presets::default(), Some(reason)),
        };
        let from_env = Presets { host: env(HOST_ENV), app_id: env(APP_ID_ENV), user_id: env(USER_ID_ENV) };
        let presets = Presets {
            host: filled(from_env.host).or(filled(from_file.host)),
            app_id: filled(from_env.app_id).or(filled(from_file.app_id)),
            user_id: filled(from_env.user_id).or(filled(from_file.user_id)),
        };
        LoadedPresets { presets, warning }
    }
}

fn parse_file(bytes: &[u8]) -> Result<Presets, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8 text ({e})"))?;
    toml::from_str::<PresetsFile>(text).map(|f| f.account).map_err(|e| e.message().to_owned())
}

/// A value with its blanks trimmed, or none if nothing is left.
fn filled(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Where a field of the sign-in form came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The agent's own signed-in account.
    Account,
    /// The admin's presets (environment or system file).
    Preset,
    /// Nothing set it (the host is then Exotel's default; the others are empty).
    Default,
}

/// What the sign-in form starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignInDefaults {
    pub host: String,
    pub app_id: String,
    pub user_id: String,
    /// Where the host came from (the window says "set by your admin" for a preset).
    pub host_origin: Origin,
    /// Why the admin's file was ignored, if it was.
    pub warning: Option<String>,
    /// The fields the organisation enforces (`host`, `app_id`, `user_id`): the form shows them
    /// fixed, and a sign-in with another value is refused ([`crate::policy`]).
    pub enforced: Vec<String>,
    /// Whether *Try the sandbox* is offered.
    pub sandbox_allowed: bool,
}

impl SignInDefaults {
    /// The form's fields: the agent's own account wins, then the presets, then the default
    /// host. The account is taken whole (it was checked together when it was saved).
    pub fn resolve(account: Option<&Account>, loaded: LoadedPresets) -> Self {
        if let Some(a) = account {
            return Self {
                host: a.host.clone(),
                app_id: a.app_id.clone(),
                user_id: a.user_id.clone(),
                host_origin: Origin::Account,
                warning: loaded.warning,
                enforced: Vec::new(),
                sandbox_allowed: true,
            };
        }
        let p = loaded.presets;
        let host_origin = if p.host.is_some() { Origin::Preset } else { Origin::Default };
        Self {
            host: p.host.unwrap_or_else(|| exotel_api::DEFAULT_HOST.to_owned()),
            app_id: p.app_id.unwrap_or_default(),
            user_id: p.user_id.unwrap_or_default(),
            host_origin,
            warning: loaded.warning,
            enforced: Vec::new(),
            sandbox_allowed: true,
        }
    }

    /// The form under the organisation's policies: an enforced field takes its value whatever
    /// else says, and a default fills a field nothing else did.
    #[must_use]
    pub fn under(mut self, policies: &crate::policy::Policies) -> Self {
        let unset_host = self.host_origin == Origin::Default;
        for (key, field) in
            [("host", &mut self.host), ("app_id", &mut self.app_id), ("user_id", &mut self.user_id)]
        {
            let (enforced, default) = policies.text(key);
            let unset = field.is_empty() || (key == "host" && unset_host);
            if let Some(value) = enforced {
                *field = value;
                self.enforced.push(key.to_owned());
            } else if let Some(value) = default.filter(|_| unset) {
                *field = value;
            }
        }
        let host_from_policy = self.enforced.iter().any(|k| k == "host")
            || (unset_host && self.host != exotel_api::DEFAULT_HOST);
        if host_from_policy {
            self.host_origin = Origin::Preset;
        }
        self.sandbox_allowed = policies.sandbox_allowed();
        self
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    }

    const FILE: &[u8] = b"[account]\nhost = \"https://file.example.com\"\napp_id = \"file-app\"\n";

    #[test]
    fn the_system_file_fills_the_form_when_nothing_else_does() {
        let loaded = Presets::from_sources(Some(FILE), env_of(&[]));
        let form = SignInDefaults::resolve(None, loaded);
        assert_eq!(form.host, "https://file.example.com");
        assert_eq!(form.app_id, "file-app");
        assert_eq!(form.user_id, "");
        assert_eq!(form.host_origin, Origin::Preset);
        assert_eq!(form.warning, None);
    }

    #[test]
    fn the_environment_wins_over_the_file_field_by_field() {
        let env = env_of(&[(APP_ID_ENV, "env-app"), (USER_ID_ENV, " 7 "), (HOST_ENV, "   ")]);
        let form = SignInDefaults::resolve(None, Presets::from_sources(Some(FILE), env));
        assert_eq!(form.host, "https://file.example.com", "a blank variable does not hide the file");
        assert_eq!(form.app_id, "env-app");
        assert_eq!(form.user_id, "7");
    }

    #[test]
    fn the_agents_own_account_wins_over_every_preset() {
        let own =
            Account { host: "https://own.example.com".into(), app_id: "own".into(), user_id: "3".into() };
        let env = env_of(&[(HOST_ENV, "https://env.example.com"), (USER_ID_ENV, "9")]);
        let form = SignInDefaults::resolve(Some(&own), Presets::from_sources(Some(FILE), env));
        assert_eq!(
            (form.host.as_str(), form.app_id.as_str(), form.user_id.as_str()),
            ("https://own.example.com", "own", "3")
        );
        assert_eq!(form.host_origin, Origin::Account);
    }

    #[test]
    fn with_no_presets_the_host_is_exotels_default() {
        let form = SignInDefaults::resolve(None, Presets::from_sources(None, env_of(&[])));
        assert_eq!(form.host, exotel_api::DEFAULT_HOST);
        assert_eq!(form.host_origin, Origin::Default);
        assert_eq!((form.app_id.as_str(), form.user_id.as_str()), ("", ""));
    }

    #[test]
    fn a_broken_system_file_is_ignored_with_a_reason_and_the_environment_still_applies() {
        let loaded = Presets::from_sources(Some(b"[account\nhost = "), env_of(&[(APP_ID_ENV, "env-app")]));
        assert!(loaded.warning.as_deref().is_some_and(|w| !w.is_empty()), "{loaded:?}");
        let form = SignInDefaults::resolve(None, loaded);
        assert_eq!(form.host, exotel_api::DEFAULT_HOST);
        assert_eq!(form.app_id, "env-app");
        assert!(form.warning.is_some());
    }

    #[test]
    fn the_admins_sync_interval_comes_from_the_file_or_the_environment() {
        let file = b"[account]\nhost = \"https://h.example.com\"\n\n[sync]\ninterval_secs = 120\n";
        assert_eq!(SyncPresets::from_sources(Some(file), env_of(&[])).interval_secs, Some(120));
        let env = env_of(&[(SYNC_SECS_ENV, " 90 ")]);
        assert_eq!(
            SyncPresets::from_sources(Some(file), env).interval_secs,
            Some(90),
            "the environment wins"
        );
        assert_eq!(SyncPresets::from_sources(None, env_of(&[(SYNC_SECS_ENV, "soon")])).interval_secs, None);
        assert_eq!(SyncPresets::from_sources(Some(FILE), env_of(&[])).interval_secs, None);
        assert_eq!(
            SyncPresets::from_sources(None, env_of(&[(SYNC_SECS_ENV, "0")])).interval_secs,
            None,
            "0 is none"
        );
        assert_eq!(
            SyncPresets::from_sources(None, env_of(&[(SYNC_SECS_ENV, "1")])).interval(),
            Some(std::time::Duration::from_secs(1))
        );
        // The account presets still read the same file.
        let form = SignInDefaults::resolve(None, Presets::from_sources(Some(file), env_of(&[])));
        assert_eq!(form.host, "https://h.example.com");
    }

    #[test]
    fn a_user_settings_file_copied_to_the_system_place_is_understood() {
        let user_file = b"# Exotel Agent Tray settings\n\n[account]\nhost = \"https://h.example.com\"\napp_id = \"a\"\nuser_id = \"u\"\n\n[preferences]\noffline_on_quit = true\n";
        let form = SignInDefaults::resolve(None, Presets::from_sources(Some(user_file), env_of(&[])));
        assert_eq!(
            (form.host.as_str(), form.app_id.as_str(), form.user_id.as_str()),
            ("https://h.example.com", "a", "u")
        );
    }

    #[test]
    fn the_system_file_is_in_the_os_place_for_all_users() {
        let file = system_file();
        let tail = std::path::Path::new(crate::paths::APP_DIR).join("settings.toml");
        assert!(file.ends_with(&tail), "{}", file.display());
        let root = if cfg!(target_os = "macos") {
            PathBuf::from("/Library/Application Support")
        } else if cfg!(windows) {
            std::env::var_os("ProgramData").map_or_else(|| PathBuf::from(r"C:\ProgramData"), PathBuf::from)
        } else {
            PathBuf::from("/etc")
        };
        assert_eq!(file, root.join(tail));
    }
}
