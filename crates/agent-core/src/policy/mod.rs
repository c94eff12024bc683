//! What the organisation sets: for each setting, an **enforced** value the agent may not change,
//! or a **default** the agent may change. IT writes them where IT writes every app's policies:
//! - Windows: `HKLM\SOFTWARE\Policies\Exotel\AgentTray` (enforced) and its `Defaults` sub-key,
//!   then the same under `HKCU`, below HKLM ([`registry`]);
//! - macOS: the managed preferences of `com.exotel.agenttray`: a key at the top is enforced,
//!   the `Defaults` dictionary holds defaults ([`plist`]);
//! - every platform: the system presets file's `[enforced]` and `[defaults]` tables, its
//!   `[account]` table (defaults for the sign-in form) and `EXOTEL_AGENT_HOST`,
//!   `EXOTEL_AGENT_APP_ID`, `EXOTEL_AGENT_USER_ID` ([`file`]).
//!
//! Each setting has one name in all of them ([`KEYS`]). A higher source wins tier by tier, in
//! the order above. The value a setting takes is decided in one place, [`pick`]: enforced, then
//! the agent's own choice, then the default, then the built-in value.
//!
//! Bad input (an unknown name, a value of the wrong type, out of range) is logged with where it
//! came from and skipped, so that setting falls to the next tier; it is never fatal.
//!
//! Policies are read when the app (or `exotel-agent`) starts: a change takes effect at the next
//! start.

pub mod file;
pub mod plist;
#[cfg(windows)]
pub mod registry;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::settings::{IDLE_MINUTES, MIN_SYNC_INTERVAL_SECS, Preferences};

/// The settings an organisation may set beside the agent's preferences (whose names are their
/// fields').
pub const EXTRA_KEYS: [&str; 10] = [
    "host",
    "app_id",
    "user_id",
    "idle_minutes_max",
    "min_sync_interval_secs",
    "sandbox_allowed",
    "updates",
    "update_url",
    "update_install",
    "update_pubkey",
];

/// The policies that count only when enforced: they decide what may be installed, so there is
/// no default tier for them ([`Policies::update_rules`]).
pub const ENFORCED_ONLY: [&str; 1] = ["update_pubkey"];

/// Group Policy's key for the app's policies, under HKLM and HKCU.
pub const REGISTRY_KEY: &str = r"SOFTWARE\Policies\Exotel\AgentTray";

/// The registry path of `tier`'s policies under a root: [`REGISTRY_KEY`] (enforced), or its
/// `Defaults` sub-key. Windows reads them there (`registry::sources`, whose origins are
/// `HKLM\` or `HKCU\` and this path); the MSI writes its properties there.
pub fn registry_path(tier: Tier) -> String {
    match tier {
        Tier::Enforced => REGISTRY_KEY.to_owned(),
        Tier::Default => format!(r"{REGISTRY_KEY}\Defaults"),
    }
}

/// The Windows installer's properties (`msiexec /i ExotelAgentTray.msi HOST=...`), each with the
/// policy it writes under `HKLM\SOFTWARE\Policies\Exotel\AgentTray` (enforced) or its
/// `Defaults` key: `src-tauri/windows/ExotelAgentTray.wxs` writes them, a test holds the two
/// equal.
pub const MSI_PROPERTIES: [(&str, &str, Tier); 6] = [
    ("HOST", "host", Tier::Default),
    ("APP_ID", "app_id", Tier::Default),
    ("USER_ID", "user_id", Tier::Default),
    ("AUTOSTART", "start_at_login", Tier::Default),
    ("UPDATES", "updates", Tier::Enforced),
    ("UPDATE_URL", "update_url", Tier::Enforced),
];

/// Every name a policy may have: each preference, then [`EXTRA_KEYS`].
pub fn keys() -> Vec<String> {
    let mut keys: Vec<String> = built_in_preferences().keys().cloned().collect();
    keys.extend(EXTRA_KEYS.iter().map(|k| (*k).to_owned()));
    keys
}

/// The names, for documentation and tests.
pub static KEYS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(keys);

fn built_in_preferences() -> Map<String, Value> {
    match serde_json::to_value(Preferences::default()) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// The value a setting has when nothing sets it.
fn built_in(key: &str) -> Option<Value> {
    match key {
        "host" | "app_id" | "user_id" => Some(Value::String(String::new())),
        "idle_minutes_max" => Some(Value::from(*IDLE_MINUTES.end())),
        "min_sync_interval_secs" => Some(Value::from(MIN_SYNC_INTERVAL_SECS)),
        "sandbox_allowed" | "updates" => Some(Value::Bool(true)),
        "update_url" | "update_pubkey" => Some(Value::String(String::new())),
        "update_install" => Some(Value::String("ask".into())),
        _ => built_in_preferences().remove(key),
    }
}

/// Which tier a policy is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Enforced,
    Default,
}

/// One place policies are read from, with what it holds, highest first within its platform.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    /// Where, as an admin would look for it: `HKLM\SOFTWARE\Policies\Exotel\AgentTray`,
    /// `/etc/exotel-agent-tray/settings.toml [enforced]`.
    pub origin: String,
    pub tier: Option<Tier>,
    /// The values as read (a registry DWORD is a number, a plist `<true/>` a boolean).
    pub values: Vec<(String, Value)>,
}

/// A policy in force: its value and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Set {
    pub value: Value,
    pub origin: String,
}

/// Every policy read, by tier, with what was wrong in the sources.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policies {
    enforced: BTreeMap<String, Set>,
    defaults: BTreeMap<String, Set>,
    /// Each bad entry skipped, with where it came from.
    pub problems: Vec<Problem>,
}

/// A policy entry skipped, and why: said in English by [`std::fmt::Display`] (the log,
/// `--json`), in the agent's language by [`Problem::words`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub key: String,
    /// Where it was read: a registry key, a file's table, a plist.
    pub origin: String,
    pub why: Why,
}

/// Why a policy entry was skipped. `shown` is the value as it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    NoSuchSetting,
    /// The whole source could not be read (a damaged plist): the system's words.
    Unreadable(String),
    NotSwitch {
        shown: String,
    },
    NotNumber {
        shown: String,
    },
    NotText {
        shown: String,
    },
    OutOfRange {
        shown: String,
        low: u64,
        high: u64,
    },
    NotLanguage {
        shown: String,
    },
    NotInstallTime {
        shown: String,
    },
    /// Not a minisign public key (`update_pubkey`): the reason in English.
    NotPublicKey {
        shown: String,
        reason: String,
    },
    /// A host or a channel URL that is refused: the reason in English.
    BadAddress {
        shown: String,
        reason: String,
    },
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Why::NoSuchSetting => f.write_str("no such setting"),
            Why::Unreadable(why) => write!(f, "unreadable: {why}"),
            Why::NotSwitch { shown } => write!(f, "{shown} is not true or false (1 or 0)"),
            Why::NotNumber { shown } => write!(f, "{shown} is not a whole number"),
            Why::NotText { shown } => write!(f, "{shown} is not text"),
            Why::OutOfRange { shown, low, high } => write!(f, "{shown} is out of range ({low} to {high})"),
            Why::NotLanguage { shown } => {
                write!(f, "{shown} is not a language the app speaks (auto, en, hi)")
            }
            Why::NotInstallTime { shown } => write!(f, "{shown} is not when updates install (ask, at_quit)"),
            Why::BadAddress { reason, .. } => f.write_str(reason),
            Why::NotPublicKey { reason, .. } => write!(f, "not an update signing key: {reason}"),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.why {
            Why::Unreadable(_) => write!(f, "{}: {}", self.origin, self.why),
            why => write!(f, "{} in {}: {why}", self.key, self.origin),
        }
    }
}

impl Problem {
    /// The problem in `w`'s language: the setting's name, where it was read and the value as
    /// written stay as they are.
    pub fn words(&self, w: &crate::words::Words) -> String {
        use crate::words::{n, s};
        let (key, origin) = (s("key", self.key.as_str()), s("origin", self.origin.as_str()));
        match &self.why {
            Why::NoSuchSetting => w.text("policy-no-such-setting", &[key, origin]),
            Why::Unreadable(_) => w.text("policy-unreadable", &[origin]),
            Why::NotSwitch { shown } => {
                w.text("policy-not-switch", &[key, origin, s("value", shown.as_str())])
            }
            Why::NotNumber { shown } => {
                w.text("policy-not-number", &[key, origin, s("value", shown.as_str())])
            }
            Why::NotText { shown } => w.text("policy-not-text", &[key, origin, s("value", shown.as_str())]),
            Why::OutOfRange { shown, low, high } => w.text(
                "policy-out-of-range",
                &[key, origin, s("value", shown.as_str()), n("low", *low), n("high", *high)],
            ),
            Why::NotLanguage { shown } => {
                w.text("policy-not-language", &[key, origin, s("value", shown.as_str())])
            }
            Why::NotInstallTime { shown } => {
                w.text("policy-not-install-time", &[key, origin, s("value", shown.as_str())])
            }
            Why::BadAddress { shown, .. } => {
                w.text("policy-bad-address", &[key, origin, s("value", shown.as_str())])
            }
            Why::NotPublicKey { shown, .. } => {
                w.text("policy-not-public-key", &[key, origin, s("value", shown.as_str())])
            }
        }
    }
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "from", content = "origin", rename_all = "snake_case")]
pub enum From {
    /// The organisation's enforced value (the agent may not change it), from this source.
    Enforced(String),
    /// The agent's own choice.
    Own,
    /// The organisation's default, from this source.
    Default(String),
    /// The app's built-in value.
    BuiltIn,
}

/// The one rule: enforced, then the agent's own choice, then the default, then the built-in.
pub fn pick<T>(
    enforced: Option<(T, String)>,
    own: Option<T>,
    default: Option<(T, String)>,
    built_in: T,
) -> (T, From) {
    if let Some((value, origin)) = enforced {
        return (value, From::Enforced(origin));
    }
    if let Some(value) = own {
        return (value, From::Own);
    }
    match default {
        Some((value, origin)) => (value, From::Default(origin)),
        None => (built_in, From::BuiltIn),
    }
}

/// The preferences in force, and where each came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Effective {
    pub preferences: Preferences,
    pub from: BTreeMap<String, From>,
}

impl Policies {
    /// This computer's policies, from every source of this platform, highest first.
    pub fn load() -> Policies {
        let mut sources = Vec::new();
        #[cfg(windows)]
        sources.extend(registry::sources());
        #[cfg(target_os = "macos")]
        sources.extend(plist::managed_sources());
        sources.extend(file::sources());
        let policies = Policies::from_sources(&sources);
        for problem in &policies.problems {
            tracing::warn!(%problem, "a policy is ignored");
        }
        if !policies.enforced.is_empty() || !policies.defaults.is_empty() {
            tracing::info!(
                enforced = ?policies.enforced.keys().collect::<Vec<_>>(),
                defaults = ?policies.defaults.keys().collect::<Vec<_>>(),
                "the organisation's policies"
            );
        }
        policies
    }

    /// The policies `sources` hold, the first source winning tier by tier; a bad entry is kept
    /// in [`Policies::problems`] and skipped.
    pub fn from_sources(sources: &[Source]) -> Policies {
        let mut policies = Policies::default();
        for source in sources {
            let Some(tier) = source.tier else { continue };
            for (key, raw) in &source.values {
                // An empty text is no value (an installer writes one for a property not given).
                if raw.as_str().is_some_and(|s| s.trim().is_empty()) {
                    continue;
                }
                let value = match checked(key, raw) {
                    Ok(value) => value,
                    Err(why) => {
                        let why = match key.strip_prefix(plist::UNREADABLE) {
                            Some(reason) => Why::Unreadable(reason.trim_end_matches(')').to_owned()),
                            None => why,
                        };
                        policies.problems.push(Problem {
                            key: key.clone(),
                            origin: source.origin.clone(),
                            why,
                        });
                        continue;
                    }
                };
                let map = match tier {
                    Tier::Enforced => &mut policies.enforced,
                    Tier::Default => &mut policies.defaults,
                };
                map.entry(key.clone()).or_insert(Set { value, origin: source.origin.clone() });
            }
        }
        policies
    }

    /// The enforced value of `key`, if the organisation enforces one.
    pub fn enforced(&self, key: &str) -> Option<&Set> {
        self.enforced.get(key)
    }

    /// The organisation's default for `key`, if it sets one.
    pub fn default_of(&self, key: &str) -> Option<&Set> {
        self.defaults.get(key)
    }

    /// The names of the enforced settings.
    pub fn enforced_keys(&self) -> BTreeSet<String> {
        self.enforced.keys().cloned().collect()
    }

    /// A string setting (host, app id, user id) in force for `key`: enforced over default.
    pub fn text(&self, key: &str) -> (Option<String>, Option<String>) {
        let text =
            |s: Option<&Set>| s.and_then(|s| s.value.as_str().map(str::to_owned)).filter(|s| !s.is_empty());
        (text(self.enforced(key)), text(self.default_of(key)))
    }

    /// Whether *Try the sandbox* is allowed.
    pub fn sandbox_allowed(&self) -> bool {
        self.value("sandbox_allowed").and_then(Value::as_bool).unwrap_or(true)
    }

    /// How the app keeps itself current ([`crate::updates`]): whether it checks at all, the
    /// channel, when an update installs.
    pub fn update_rules(&self) -> crate::updates::UpdateRules {
        use crate::updates::{InstallTime, UpdateRules};
        let url = self.value("update_url").and_then(Value::as_str).filter(|u| !u.is_empty());
        UpdateRules {
            enabled: self.value("updates").and_then(Value::as_bool).unwrap_or(true),
            channel: url.map_or_else(|| crate::updates::BUILT_IN_CHANNEL.to_owned(), str::to_owned),
            install: match self.value("update_install").and_then(Value::as_str) {
                Some("at_quit") => InstallTime::AtQuit,
                _ => InstallTime::Ask,
            },
            // Enforced only: the key decides what may be installed, so no default tier (which
            // an agent's own settings could ever stand beside) may name it.
            pubkey: self
                .enforced("update_pubkey")
                .and_then(|s| s.value.as_str())
                .filter(|k| !k.trim().is_empty())
                .map(|k| k.trim().to_owned()),
        }
    }

    /// The installer's properties as the installed MSI (or Group Policy, in the same place)
    /// set them, read back from HKLM: the update's installer is given them again, since an
    /// MSI run without them writes them empty. A value with a `"` (which msiexec's command
    /// line could not carry) is left out, and logged.
    pub fn msi_properties(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (property, key, tier) in MSI_PROPERTIES {
            let set = match tier {
                Tier::Enforced => self.enforced(key),
                Tier::Default => self.default_of(key),
            };
            let origin = format!(r"HKLM\{}", registry_path(tier));
            let Some(set) = set.filter(|s| s.origin == origin) else { continue };
            let value = match &set.value {
                Value::Bool(on) => if *on { "1" } else { "0" }.to_owned(),
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            if value.contains('"') {
                tracing::warn!(
                    property,
                    "a policy value msiexec cannot be given: left out of the update's installer"
                );
                continue;
            }
            out.push((property.to_owned(), value));
        }
        out
    }

    /// The shortest sync interval the organisation allows, if it sets one.
    pub fn min_sync_interval(&self) -> Option<std::time::Duration> {
        self.value("min_sync_interval_secs").and_then(Value::as_u64).map(std::time::Duration::from_secs)
    }

    /// A setting the agent has no say in (beyond the preferences): enforced over default.
    fn value(&self, key: &str) -> Option<&Value> {
        self.enforced(key).or_else(|| self.default_of(key)).map(|s| &s.value)
    }

    /// The preferences in force: `own` for the names in `chosen` (the agent's own choices),
    /// each decided by [`pick`]; the idle minutes kept within `idle_minutes_max`.
    pub fn effective(&self, own: &Preferences, chosen: &BTreeSet<String>) -> Effective {
        let Ok(Value::Object(own_values)) = serde_json::to_value(own) else {
            return Effective { preferences: own.clone(), from: BTreeMap::new() };
        };
        let mut values = Map::new();
        let mut from = BTreeMap::new();
        for (key, built_in) in built_in_preferences() {
            let tier = |s: Option<&Set>| s.map(|s| (s.value.clone(), s.origin.clone()));
            let mine = chosen.contains(&key).then(|| own_values.get(&key).cloned()).flatten();
            let (value, came) = pick(tier(self.enforced(&key)), mine, tier(self.default_of(&key)), built_in);
            values.insert(key.clone(), value);
            from.insert(key, came);
        }
        let mut preferences: Preferences =
            serde_json::from_value(Value::Object(values)).unwrap_or_else(|e| {
                tracing::warn!("the preferences in force could not be made ({e}); the agent's own are used");
                own.clone()
            });
        if let Some(max) = self.value("idle_minutes_max").and_then(Value::as_u64) {
            let max = u32::try_from(max).unwrap_or(u32::MAX);
            if preferences.idle_minutes > max {
                preferences.idle_minutes = max;
                if let Some(origin) =
                    self.enforced("idle_minutes_max").or_else(|| self.default_of("idle_minutes_max"))
                {
                    from.insert("idle_minutes".into(), From::Enforced(origin.origin.clone()));
                }
            }
        }
        Effective { preferences, from }
    }

    /// A sign-in with another `host`, `app_id` or `user_id` than the organisation enforces is
    /// refused, naming the field.
    pub fn check_sign_in(&self, host: &str, app_id: &str, user_id: &str) -> crate::Result<()> {
        let same_host =
            |enforced: &str| match (exotel_api::Host::parse(enforced), exotel_api::Host::parse(host)) {
                (Ok(a), Ok(b)) => a.as_str() == b.as_str(),
                _ => enforced.trim() == host.trim(),
            };
        let fields = [("host", host), ("app_id", app_id), ("user_id", user_id)];
        for (key, given) in fields {
            let Some(enforced) = self.text(key).0 else { continue };
            let same = if key == "host" { same_host(&enforced) } else { enforced == given.trim() };
            if !same {
                return Err(crate::CoreError::Enforced { setting: key.to_owned() });
            }
        }
        Ok(())
    }

    /// *Try the sandbox*, unless the organisation turned it off.
    pub fn check_sandbox(&self) -> crate::Result<()> {
        if self.sandbox_allowed() {
            Ok(())
        } else {
            Err(crate::CoreError::Enforced { setting: "sandbox_allowed".into() })
        }
    }

    /// Refuses a change to any of the settings `changed` (each from the value in force, which
    /// for an enforced one is the enforced value) that the organisation enforces, naming the
    /// first.
    pub fn check_changes<'a>(&self, changed: impl IntoIterator<Item = &'a String>) -> crate::Result<()> {
        match changed.into_iter().find(|k| self.enforced(k).is_some()) {
            Some(setting) => Err(crate::CoreError::Enforced { setting: setting.clone() }),
            None => Ok(()),
        }
    }
}

/// One setting as `exotel-agent settings` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listed {
    pub name: String,
    pub value: Value,
    #[serde(flatten)]
    pub from: From,
}

impl Policies {
    /// Every preference in force with where it came from, then each other setting the
    /// organisation sets (host, app id, user id, the sandbox, the limits).
    pub fn listing(&self, own: &Preferences, chosen: &BTreeSet<String>) -> Vec<Listed> {
        let effective = self.effective(own, chosen);
        let values = match serde_json::to_value(&effective.preferences) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        let mut listed: Vec<Listed> = values
            .into_iter()
            .map(|(name, value)| {
                let from = effective.from.get(&name).cloned().unwrap_or(From::BuiltIn);
                Listed { name, value, from }
            })
            .collect();
        for name in EXTRA_KEYS {
            let set =
                |s: Option<&Set>, f: fn(String) -> From| s.map(|s| (s.value.clone(), f(s.origin.clone())));
            if let Some((value, from)) =
                set(self.enforced(name), From::Enforced).or_else(|| set(self.default_of(name), From::Default))
            {
                listed.push(Listed { name: name.to_owned(), value, from });
            }
        }
        listed
    }
}

/// `raw` as a value of `key`'s type and range, or why not.
pub fn checked(key: &str, raw: &Value) -> Result<Value, Why> {
    let Some(built_in) = built_in(key) else {
        return Err(Why::NoSuchSetting);
    };
    let value = match (&built_in, raw) {
        (Value::Bool(_), Value::Bool(b)) => Value::Bool(*b),
        // A registry DWORD, or a TOML integer, for a switch.
        (Value::Bool(_), Value::Number(n)) if n.as_u64() == Some(0) || n.as_u64() == Some(1) => {
            Value::Bool(n.as_u64() == Some(1))
        }
        (Value::Bool(_), Value::String(s)) if matches!(s.trim(), "true" | "1" | "false" | "0") => {
            Value::Bool(matches!(s.trim(), "true" | "1"))
        }
        (Value::Number(_), Value::Number(n)) if n.as_u64().is_some() => Value::Number(n.clone()),
        (Value::Number(_), Value::String(s)) if s.trim().parse::<u64>().is_ok() => {
            Value::from(s.trim().parse::<u64>().unwrap_or_default())
        }
        (Value::String(_), Value::String(s)) => Value::String(s.trim().to_owned()),
        (expected, _) => {
            let shown = raw.to_string();
            return Err(match expected {
                Value::Bool(_) => Why::NotSwitch { shown },
                Value::Number(_) => Why::NotNumber { shown },
                _ => Why::NotText { shown },
            });
        }
    };
    in_range(key, &value)?;
    Ok(value)
}

fn in_range(key: &str, value: &Value) -> Result<(), Why> {
    let n = value.as_u64();
    let shown = value.to_string();
    let within = |range: std::ops::RangeInclusive<u64>| match n {
        Some(n) if range.contains(&n) => Ok(()),
        _ => Err(Why::OutOfRange { shown: shown.clone(), low: *range.start(), high: *range.end() }),
    };
    let bad_address = |reason: String| Why::BadAddress { shown: shown.clone(), reason };
    let idle = u64::from(*IDLE_MINUTES.start())..=u64::from(*IDLE_MINUTES.end());
    match key {
        "idle_minutes" | "idle_minutes_max" => within(idle),
        "sync_interval_secs" | "min_sync_interval_secs" => within(MIN_SYNC_INTERVAL_SECS..=24 * 60 * 60),
        "language" => match value.as_str() {
            Some("auto" | "en" | "hi") => Ok(()),
            _ => Err(Why::NotLanguage { shown: shown.clone() }),
        },
        "update_install" => match value.as_str() {
            Some("ask" | "at_quit") => Ok(()),
            _ => Err(Why::NotInstallTime { shown: shown.clone() }),
        },
        "update_pubkey" => match value.as_str() {
            Some("") => Ok(()),
            Some(key) => crate::updates::check_pubkey(key)
                .map_err(|reason| Why::NotPublicKey { shown: shown.clone(), reason }),
            None => Err(Why::NotText { shown: shown.clone() }),
        },
        "update_url" => match value.as_str() {
            Some("") => Ok(()),
            Some(url) => crate::updates::check_channel(url).map_err(bad_address),
            None => Err(Why::NotText { shown: shown.clone() }),
        },
        "host" => match value.as_str().map(exotel_api::Host::parse) {
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(bad_address(e.to_string())),
            None => Err(Why::NotText { shown: shown.clone() }),
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
