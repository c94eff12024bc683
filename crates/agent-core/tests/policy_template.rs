//! The Group Policy template IT loads (`src-tauri/windows/policy/`) covers every policy the app
//! reads, enforced and as a default, and names no policy the app does not read; each of its
//! words is in the language file beside it.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

fn read(relative: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The value of `name="..."` in `text`, if there.
fn attr<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let start = text.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&text[start..start + text[start..].find('"')?])
}

#[test]
fn the_admx_covers_every_policy_in_both_tiers_and_no_other() {
    let admx = read("src-tauri/windows/policy/ExotelAgentTray.admx");
    let mut tiers: [BTreeSet<String>; 2] = Default::default();
    for block in admx.split("<policy ").skip(1) {
        let block = &block[..block.find("</policy>").expect("a closed policy")];
        let key = attr(block, "key").expect("a key");
        let value = attr(block, "valueName").expect("a value name");
        use agent_core::policy::{Tier, registry_path};
        let tier = match key {
            k if k == registry_path(Tier::Enforced) => 0,
            k if k == registry_path(Tier::Default) => 1,
            other => panic!("a policy under another key: {other}"),
        };
        assert!(tiers[tier].insert(value.to_owned()), "{value} twice in one tier");
    }
    let keys: BTreeSet<String> = agent_core::policy::KEYS.iter().cloned().collect();
    assert_eq!(tiers[0], keys, "the enforced policies");
    let defaults: BTreeSet<String> =
        keys.iter().filter(|k| !agent_core::policy::ENFORCED_ONLY.contains(&k.as_str())).cloned().collect();
    assert_eq!(tiers[1], defaults, "the defaults");
}

#[test]
fn every_word_the_admx_names_is_in_its_language_file() {
    let admx = read("src-tauri/windows/policy/ExotelAgentTray.admx");
    let adml = read("src-tauri/windows/policy/en-US/ExotelAgentTray.adml");
    for (marker, table) in [("$(string.", "<string id=\""), ("$(presentation.", "<presentation id=\"")] {
        for named in admx.split(marker).skip(1) {
            let id = &named[..named.find(')').expect("a closed reference")];
            assert!(adml.contains(&format!("{table}{id}\"")), "{id} is not in the ADML");
        }
    }
}

/// The MSI's properties and the policies they write: the installer's source and
/// `agent_core::policy::MSI_PROPERTIES` (which the app's update reads back) say the same, and
/// `msi.sh` passes each to the install's elevated part.
#[test]
fn the_msi_writes_each_property_where_the_app_reads_it_back() {
    use agent_core::policy::{MSI_PROPERTIES, registry_path};
    let wxs = read("src-tauri/windows/ExotelAgentTray.wxs");
    let mut written = BTreeSet::new();
    for block in wxs.split("<RegistryValue ").skip(1) {
        let block = format!(" {}", &block[..block.find("/>").expect("a closed value")]);
        let block = block.as_str();
        let Some(property) =
            attr(block, "Value").and_then(|v| v.strip_prefix('[')).and_then(|v| v.strip_suffix(']'))
        else {
            continue;
        };
        let key = attr(block, "Key").expect("a key");
        let name = attr(block, "Name").expect("a name");
        assert_eq!(attr(block, "Root"), Some("HKLM"), "{property}");
        written.insert((property.to_owned(), name.to_owned(), key.to_owned()));
    }
    let expected: BTreeSet<(String, String, String)> = MSI_PROPERTIES
        .iter()
        .map(|(property, name, tier)| ((*property).to_owned(), (*name).to_owned(), registry_path(*tier)))
        .collect();
    assert_eq!(written, expected);
    let msi_sh = read("scripts/windows/msi.sh");
    for (property, ..) in MSI_PROPERTIES {
        assert!(msi_sh.contains(&format!(";{property}")), "{property} is not a secure property in msi.sh");
    }
}
