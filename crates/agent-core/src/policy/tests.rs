//! The order of the tiers, the sources' formats, and bad input.

use std::collections::BTreeSet;
use std::path::Path;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

fn source(tier: Tier, origin: &str, values: &[(&str, Value)]) -> Source {
    Source {
        origin: origin.to_owned(),
        tier: Some(tier),
        values: values.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect(),
    }
}

proptest! {
    /// Whatever is set, the value in force is the first of enforced, own, default, built-in.
    #[test]
    fn the_first_tier_set_wins(enforced in any::<Option<u8>>(), own in any::<Option<u8>>(), default in any::<Option<u8>>(), built_in in any::<u8>()) {
        let (value, from) = pick(enforced.map(|v| (v, "E".to_owned())), own, default.map(|v| (v, "D".to_owned())), built_in);
        let expected = enforced.or(own).or(default).unwrap_or(built_in);
        prop_assert_eq!(value, expected);
        let expected_from = match (enforced, own, default) {
            (Some(_), _, _) => From::Enforced("E".into()),
            (None, Some(_), _) => From::Own,
            (None, None, Some(_)) => From::Default("D".into()),
            _ => From::BuiltIn,
        };
        prop_assert_eq!(from, expected_from);
    }

    /// Over the real preferences: an enforced switch holds whatever the agent chose, a default
    /// applies only while the agent has not chosen, and the agent's choice beats a default.
    #[test]
    fn a_switch_follows_the_tiers(enforced in any::<Option<bool>>(), own in any::<bool>(), chosen in any::<bool>(), default in any::<Option<bool>>()) {
        let mut sources = Vec::new();
        if let Some(e) = enforced { sources.push(source(Tier::Enforced, "HKLM", &[("offline_on_lock", json!(e))])); }
        if let Some(d) = default { sources.push(source(Tier::Default, "file", &[("offline_on_lock", json!(d))])); }
        let policies = Policies::from_sources(&sources);
        let mine = Preferences { offline_on_lock: own, ..Preferences::default() };
        let chosen_keys: BTreeSet<String> = if chosen { BTreeSet::from(["offline_on_lock".to_owned()]) } else { BTreeSet::new() };
        let effective = policies.effective(&mine, &chosen_keys);
        let expected = enforced.or(chosen.then_some(own)).or(default).unwrap_or(Preferences::default().offline_on_lock);
        prop_assert_eq!(effective.preferences.offline_on_lock, expected);
        // Changing it away from the value in force is refused exactly when it is enforced.
        prop_assert_eq!(policies.check_changes(&["offline_on_lock".to_owned()]).is_err(), enforced.is_some());
    }
}

#[test]
fn a_higher_source_wins_tier_by_tier_and_each_tier_on_its_own() {
    let policies = Policies::from_sources(&[
        source(Tier::Enforced, "HKLM", &[("offline_on_lock", json!(1))]),
        source(Tier::Default, "HKLM Defaults", &[("idle_minutes", json!(15))]),
        source(Tier::Enforced, "HKCU", &[("offline_on_lock", json!(0)), ("offline_on_sleep", json!(1))]),
        source(
            Tier::Default,
            "HKCU Defaults",
            &[("idle_minutes", json!(30)), ("restore_on_return", json!(0))],
        ),
    ]);
    assert_eq!(
        policies.enforced("offline_on_lock"),
        Some(&Set { value: json!(true), origin: "HKLM".into() })
    );
    assert_eq!(policies.enforced("offline_on_sleep").map(|s| s.origin.as_str()), Some("HKCU"));
    assert_eq!(policies.default_of("idle_minutes").map(|s| &s.value), Some(&json!(15)));
    let e = policies.effective(&Preferences::default(), &BTreeSet::new());
    assert!(
        e.preferences.offline_on_lock && e.preferences.offline_on_sleep && !e.preferences.restore_on_return
    );
    assert_eq!(e.preferences.idle_minutes, 15);
    assert_eq!(e.from["idle_minutes"], From::Default("HKLM Defaults".into()));
    assert_eq!(e.from["offline_on_quit"], From::BuiltIn);
    assert!(policies.problems.is_empty(), "{:?}", policies.problems);
}

#[test]
fn bad_input_is_said_with_its_origin_and_falls_to_the_next_tier() {
    let policies = Policies::from_sources(&[
        source(
            Tier::Enforced,
            "/etc/x [enforced]",
            &[
                ("offline_on_lok", json!(true)),
                ("offline_on_lock", json!("perhaps")),
                ("idle_minutes", json!(500)),
                ("sync_interval_secs", json!(-3)),
                ("language", json!("fr")),
                ("host", json!("http://evil.example.com")),
                ("shortcut", json!(7)),
            ],
        ),
        source(
            Tier::Default,
            "/etc/x [defaults]",
            &[("offline_on_lock", json!(true)), ("idle_minutes", json!(20))],
        ),
    ]);
    assert_eq!(policies.problems.len(), 7, "{:#?}", policies.problems);
    for (i, what) in [
        "no such setting",
        "not true or false",
        "out of range",
        "not a whole number",
        "not a language",
        "https",
        "not text",
    ]
    .iter()
    .enumerate()
    {
        let said = policies.problems[i].to_string();
        assert!(said.contains(what) && said.contains("/etc/x [enforced]"), "{said}: {what}");
        // In Hindi: no English but the setting's name, where it was read and the value.
        let hi = policies.problems[i].words(crate::words::Words::of(crate::words::Lang::Hi));
        let left = [
            policies.problems[i].key.as_str(),
            "/etc/x [enforced]",
            "\"perhaps\"",
            "\"fr\"",
            "\"http://evil.example.com\"",
            "auto, en, hi",
            "https",
        ]
        .iter()
        .fold(hi.clone(), |l, v| l.replace(v, ""));
        assert!(!left.chars().any(|c| c.is_ascii_alphabetic()), "English in {hi:?}");
    }
    assert!(policies.enforced_keys().is_empty(), "nothing bad is enforced");
    let e = policies.effective(&Preferences::default(), &BTreeSet::new());
    assert!(e.preferences.offline_on_lock, "the default tier below applies");
    assert_eq!(e.preferences.idle_minutes, 20);
}

#[test]
fn the_idle_minutes_stay_within_the_organisations_most() {
    let policies =
        Policies::from_sources(&[source(Tier::Enforced, "HKLM", &[("idle_minutes_max", json!(5))])]);
    let mine = Preferences { idle_minutes: 30, ..Preferences::default() };
    let e = policies.effective(&mine, &BTreeSet::from(["idle_minutes".to_owned()]));
    assert_eq!(e.preferences.idle_minutes, 5);
    assert_eq!(e.from["idle_minutes"], From::Enforced("HKLM".into()));
    let low = Preferences { idle_minutes: 3, ..Preferences::default() };
    assert_eq!(
        policies.effective(&low, &BTreeSet::from(["idle_minutes".to_owned()])).preferences.idle_minutes,
        3
    );
}

#[test]
fn the_presets_file_holds_both_tiers_and_the_older_tables() {
    let text = br#"
[account]
host = "https://integrationscore.sg1.exotel.com"
[sync]
interval_secs = 120
[enforced]
offline_on_lock = true
sandbox_allowed = false
[defaults]
idle_minutes = 15
"#;
    let policies =
        Policies::from_sources(&file::from_bytes(text, Path::new("/etc/exotel-agent-tray/settings.toml")));
    assert!(policies.problems.is_empty(), "{:?}", policies.problems);
    assert_eq!(
        policies.enforced("offline_on_lock").map(|s| s.origin.as_str()),
        Some("/etc/exotel-agent-tray/settings.toml [enforced]")
    );
    assert!(!policies.sandbox_allowed());
    assert_eq!(policies.min_sync_interval(), Some(std::time::Duration::from_secs(120)));
    assert_eq!(policies.text("host"), (None, Some("https://integrationscore.sg1.exotel.com".to_owned())));
    assert_eq!(policies.default_of("idle_minutes").map(|s| &s.value), Some(&json!(15)));
    assert!(file::from_bytes(b"not = [toml", Path::new("/x")).is_empty(), "an unreadable file gives nothing");
}

#[test]
fn a_managed_plist_enforces_its_top_keys_and_defaults_its_defaults_dictionary() {
    let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>offline_on_lock</key><true/>
  <key>host</key><string>https://integrationscore.mum1.exotel.com</string>
  <key>idle_minutes_max</key><integer>10</integer>
  <key>PayloadUUID</key><string>4B1E</string>
  <key>Defaults</key><dict>
    <key>notify_elsewhere</key><false/>
    <key>language</key><string>hi</string>
  </dict>
  <key>start_at_login</key><date>2026-01-01T00:00:00Z</date>
</dict></plist>"#;
    let path = Path::new("/Library/Managed Preferences/com.exotel.agenttray.plist");
    let policies = Policies::from_sources(&plist::from_bytes(xml, path));
    assert_eq!(
        policies.enforced_keys(),
        BTreeSet::from(["host".into(), "idle_minutes_max".into(), "offline_on_lock".into()])
    );
    assert_eq!(policies.problems.len(), 1, "the date is no switch: {:?}", policies.problems);
    assert!(
        policies.problems[0].to_string().starts_with(
            "start_at_login in /Library/Managed Preferences/com.exotel.agenttray.plist (forced)"
        )
    );
    let e = policies.effective(&Preferences::default(), &BTreeSet::new());
    assert!(!e.preferences.notify_elsewhere);
    assert_eq!(e.preferences.language, crate::words::LanguageChoice::Hi);
    let broken = Policies::from_sources(&plist::from_bytes(b"<plist><dict><key>x", path));
    assert_eq!(broken.problems.len(), 1, "an unreadable plist is said, not fatal: {:?}", broken.problems);
    assert!(matches!(broken.problems[0].why, Why::Unreadable(_)), "{:?}", broken.problems);
    let hi = broken.problems[0].words(crate::words::Words::of(crate::words::Lang::Hi));
    assert!(hi.ends_with("पढ़ा नहीं जा सका।"), "{hi}");
}

#[test]
fn every_policy_name_is_a_preference_or_one_of_the_extras() {
    let fields = serde_json::to_value(Preferences::default()).unwrap_or_default();
    let count = fields.as_object().map_or(0, |o| o.len());
    assert_eq!(KEYS.len(), count + EXTRA_KEYS.len());
    for key in KEYS.iter() {
        assert!(built_in(key).is_some(), "{key} has a built-in value");
        assert!(
            checked(key, &built_in(key).unwrap_or_default()).is_ok() || key == "host",
            "{key}'s own default is valid"
        );
    }
}

/// The update policies: on, the built-in channel and "ask" when nothing is set; off, a channel
/// of the organisation's and "at quit" as set; a channel that is not https is refused (and the
/// built-in one stays).
#[test]
fn the_update_rules_follow_the_policies() {
    use crate::updates::{BUILT_IN_CHANNEL, InstallTime};
    let none = Policies::from_sources(&[]).update_rules();
    assert!(none.enabled);
    assert_eq!((none.channel.as_str(), none.install), (BUILT_IN_CHANNEL, InstallTime::Ask));
    let set = Policies::from_sources(&[
        source(Tier::Enforced, "HKLM", &[("updates", json!(0)), ("update_install", json!("at_quit"))]),
        source(
            Tier::Default,
            "file",
            &[("update_url", json!("https://it.example.in/agent-tray/latest.json"))],
        ),
    ])
    .update_rules();
    assert!(!set.enabled);
    assert_eq!(set.channel, "https://it.example.in/agent-tray/latest.json");
    assert_eq!(set.install, InstallTime::AtQuit);
    let bad = Policies::from_sources(&[source(
        Tier::Enforced,
        "file",
        &[("update_url", json!("http://it.example.in/latest.json")), ("update_install", json!("now"))],
    )]);
    assert_eq!(bad.update_rules().channel, BUILT_IN_CHANNEL);
    assert_eq!(bad.update_rules().install, InstallTime::Ask);
    assert_eq!(bad.problems.len(), 2, "{:?}", bad.problems);
}

/// The organisation's own signing key counts only when enforced (it decides what may be
/// installed); one that is not a minisign public key is a listed problem, and the built-in key
/// stays.
#[test]
fn an_update_signing_key_counts_only_when_enforced_and_well_formed() {
    use base64::Engine;
    let key = base64::engine::general_purpose::STANDARD.encode(
        "untrusted comment: minisign public key 1A2B\nRWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3\n",
    );
    let enforced =
        Policies::from_sources(&[source(Tier::Enforced, "HKLM", &[("update_pubkey", json!(key))])]);
    assert_eq!(enforced.update_rules().pubkey.as_deref(), Some(key.as_str()));
    let default = Policies::from_sources(&[source(Tier::Default, "HKLM", &[("update_pubkey", json!(key))])]);
    assert_eq!(default.update_rules().pubkey, None);
    let bad =
        Policies::from_sources(&[source(Tier::Enforced, "file", &[("update_pubkey", json!("RWQf6LRC"))])]);
    assert_eq!(bad.update_rules().pubkey, None);
    assert!(matches!(bad.problems[0].why, Why::NotPublicKey { .. }), "{:?}", bad.problems);
    let said = bad.problems[0].words(crate::words::Words::of(crate::words::Lang::Hi));
    assert!(said.contains("update_pubkey") && said.contains("कुंजी"), "{said}");
}

/// An update's installer is given the MSI's properties as they were set in HKLM (an MSI run
/// without them would write them empty); HKCU's, a file's and another tier's are not the MSI's.
#[test]
fn the_msi_properties_are_read_back_from_where_the_msi_wrote_them() {
    let hklm = r"HKLM\SOFTWARE\Policies\Exotel\AgentTray";
    let hklm_defaults = r"HKLM\SOFTWARE\Policies\Exotel\AgentTray\Defaults";
    let policies = Policies::from_sources(&[
        source(
            Tier::Enforced,
            hklm,
            &[("updates", json!(0)), ("update_url", json!("https://it.example.in/latest.json"))],
        ),
        source(
            Tier::Default,
            hklm_defaults,
            &[("host", json!("https://api.in.exotel.com")), ("start_at_login", json!("1"))],
        ),
        source(
            Tier::Default,
            r"HKCU\SOFTWARE\Policies\Exotel\AgentTray\Defaults",
            &[("app_id", json!("hkcu-app"))],
        ),
        source(Tier::Enforced, hklm, &[("user_id", json!("enforced-not-the-msi's"))]),
    ]);
    let props = policies.msi_properties();
    assert_eq!(
        props,
        vec![
            ("HOST".to_owned(), "https://api.in.exotel.com".to_owned()),
            ("AUTOSTART".to_owned(), "1".to_owned()),
            ("UPDATES".to_owned(), "0".to_owned()),
            ("UPDATE_URL".to_owned(), "https://it.example.in/latest.json".to_owned()),
        ]
    );
}
