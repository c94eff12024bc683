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
        let tier = match key {
            r"SOFTWARE\Policies\Exotel\AgentTray" => 0,
            r"SOFTWARE\Policies\Exotel\AgentTray\Defaults" => 1,
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
