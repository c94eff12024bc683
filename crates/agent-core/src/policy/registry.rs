//! Policies from the Windows registry, where Group Policy and Intune write them:
//! `HKLM\SOFTWARE\Policies\Exotel\AgentTray` (enforced) and its `Defaults` sub-key, then the
//! same under `HKCU` (below HKLM). A value's name is the setting's ([`super::KEYS`]): a
//! `REG_DWORD` for a switch (1 or 0) or a number, a `REG_SZ` for text. The ADMX template in
//! `src-tauri/windows/policy/` describes each.

use serde_json::Value;
use winreg::RegKey;
use winreg::enums::{HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, RegType};

use super::{Source, Tier, registry_path};

/// The policies' key, under HKLM and HKCU.
pub const KEY: &str = super::REGISTRY_KEY;

/// HKLM's enforced and default values, then HKCU's.
pub fn sources() -> Vec<Source> {
    let mut sources = Vec::new();
    for (root, name) in [(HKEY_LOCAL_MACHINE, "HKLM"), (HKEY_CURRENT_USER, "HKCU")] {
        let root = RegKey::predef(root);
        for tier in [Tier::Enforced, Tier::Default] {
            let path = registry_path(tier);
            sources.push(read(&root, &format!(r"{name}\{path}"), &path, tier));
        }
    }
    sources
}

/// The values of `path` under `root` (none if the key is not there).
fn read(root: &RegKey, origin: &str, path: &str, tier: Tier) -> Source {
    let values = match root.open_subkey(path) {
        Ok(key) => {
            key.enum_values().filter_map(Result::ok).map(|(name, value)| (name, json(&value))).collect()
        }
        Err(_) => Vec::new(),
    };
    Source { origin: origin.to_owned(), tier: Some(tier), values }
}

/// A registry value as the policies read it; a type no setting has becomes `null`, which every
/// setting refuses.
fn json(value: &winreg::RegValue) -> Value {
    let bytes = &value.bytes;
    match value.vtype {
        RegType::REG_DWORD if bytes.len() >= 4 => {
            Value::from(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
        }
        RegType::REG_QWORD if bytes.len() >= 8 => {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(&bytes[..8]);
            Value::from(u64::from_le_bytes(eight))
        }
        RegType::REG_SZ | RegType::REG_EXPAND_SZ => {
            let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
            Value::String(String::from_utf16_lossy(&units).trim_end_matches('\0').to_owned())
        }
        _ => Value::Null,
    }
}
