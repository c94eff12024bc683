//! Policies from macOS managed preferences (a configuration profile pushed by an MDM), domain
//! [`DOMAIN`]: each key at the top of the plist is enforced, the `Defaults` dictionary holds
//! defaults. The user's own managed file comes before the computer's. Parsed here on every
//! platform, so the tests run on Linux with sample plists; read from disk on macOS only.

use std::path::Path;

use serde_json::Value;

use super::{Source, Tier};

/// The preferences domain IT configures.
pub const DOMAIN: &str = "com.exotel.agenttray";

/// The managed preferences of this user, then of this computer (macOS).
#[cfg(target_os = "macos")]
pub fn managed_sources() -> Vec<Source> {
    let root = Path::new("/Library/Managed Preferences");
    let mut files = Vec::new();
    if let Some(user) = std::env::var_os("USER") {
        files.push(root.join(user).join(format!("{DOMAIN}.plist")));
    }
    files.push(root.join(format!("{DOMAIN}.plist")));
    files.iter().filter_map(|f| std::fs::read(f).ok().map(|bytes| from_bytes(&bytes, f))).flatten().collect()
}

/// The sources a managed plist's `bytes` hold (XML or binary), read from `path`; a plist that
/// cannot be read gives one source with nothing in it and its reason as the origin's problem.
pub fn from_bytes(bytes: &[u8], path: &Path) -> Vec<Source> {
    let at = |part: &str| format!("{} ({part})", path.display());
    let root = match plist::Value::from_reader(std::io::Cursor::new(bytes)) {
        Ok(plist::Value::Dictionary(d)) => d,
        Ok(_) => return unreadable(at("top"), "the top of the plist is not a dictionary".into()),
        Err(e) => return unreadable(at("top"), e.to_string()),
    };
    let mut enforced = Vec::new();
    let mut defaults = Vec::new();
    for (key, value) in root {
        match (key.as_str(), value) {
            ("Defaults", plist::Value::Dictionary(d)) => {
                defaults.extend(d.into_iter().map(|(k, v)| (k, json(v))));
            }
            // Keys macOS itself adds to managed preferences.
            (k, _) if k.starts_with("PayloadUUID") || k == "PayloadVersion" => {}
            (_, value) => enforced.push((key, json(value))),
        }
    }
    vec![
        Source { origin: at("forced"), tier: Some(Tier::Enforced), values: enforced },
        Source { origin: at("Defaults"), tier: Some(Tier::Default), values: defaults },
    ]
}

/// The name under which a plist that could not be read is listed as a problem.
pub(super) const UNREADABLE: &str = "(unreadable: ";

/// A source with one bad entry, so the reason is said like any other bad policy.
fn unreadable(origin: String, why: String) -> Vec<Source> {
    vec![Source {
        origin,
        tier: Some(Tier::Enforced),
        values: vec![(format!("{UNREADABLE}{why})"), Value::Null)],
    }]
}

/// A plist value as the policies read it; a kind no setting has (a date, data, an array)
/// becomes `null`, which every setting refuses.
fn json(value: plist::Value) -> Value {
    match value {
        plist::Value::Boolean(b) => Value::Bool(b),
        plist::Value::Integer(i) => i.as_unsigned().map_or(Value::Null, Value::from),
        plist::Value::String(s) => Value::String(s),
        _ => Value::Null,
    }
}
