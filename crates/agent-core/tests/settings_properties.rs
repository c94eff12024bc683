//! Properties of the settings file parser: whatever is in the file, loading gives settings
//! (the file's, or the defaults with the bad file kept aside) and never an error or a panic.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agent_core::{Settings, SettingsStore};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_load_as_settings_or_defaults(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(&path, &bytes).unwrap();
        let loaded = SettingsStore::new(&path).load().unwrap();
        if loaded.warning.is_some() {
            prop_assert_eq!(loaded.settings, Settings::default());
            prop_assert!(!path.exists(), "the bad file was kept aside");
        }
    }

    #[test]
    fn toml_like_text_loads_and_what_is_saved_loads_back(
        host in "[a-z:/.]{0,30}", user in "[a-zA-Z0-9 _+@.-]{0,20}", interval in any::<u64>(), lock in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        let text = format!(
            "[account]\nhost = {host:?}\napp_id = \"a\"\nuser_id = {user:?}\n[preferences]\nsync_interval_secs = {}\noffline_on_lock = {lock}\n",
            interval.min(i64::MAX as u64)
        );
        std::fs::write(&path, &text).unwrap();
        let store = SettingsStore::new(&path);
        let loaded = store.load().unwrap();
        prop_assert!(loaded.warning.is_none(), "{}", text);
        // What was written is what is read: every section and field, not only a round trip.
        let account = loaded.settings.account.clone().unwrap();
        prop_assert_eq!(&account.host, &host);
        prop_assert_eq!(&account.app_id, "a");
        prop_assert_eq!(&account.user_id, &user);
        prop_assert_eq!(loaded.settings.preferences.sync_interval_secs, interval.min(i64::MAX as u64));
        prop_assert_eq!(loaded.settings.preferences.offline_on_lock, lock);
        store.save(&loaded.settings).unwrap();
        prop_assert_eq!(store.load().unwrap().settings, loaded.settings);
    }
}

/// Every preference, changed from its default: a bool flipped, a number moved, a text
/// lengthened, the language chosen. A new kind of preference makes
/// `every_preference_can_be_changed` fail until it is given a change here.
fn changed(name: &str, value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match (name, value) {
        ("language", _) => Value::from("hi"),
        (_, Value::Bool(b)) => Value::Bool(!b),
        (_, Value::Number(n)) => Value::from(n.as_u64().unwrap_or(0) + 7),
        (_, Value::String(s)) => Value::from(format!("{s}+X")),
        _ => value.clone(),
    }
}

fn fields(prefs: &agent_core::Preferences) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::to_value(prefs).unwrap() {
        serde_json::Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

#[test]
fn every_preference_can_be_changed() {
    let defaults = fields(&agent_core::Preferences::default());
    for (name, value) in &defaults {
        let changes =
            agent_core::PreferenceChanges([(name.clone(), changed(name, value))].into_iter().collect());
        let applied = fields(&changes.apply_to(&agent_core::Preferences::default()).unwrap());
        assert_ne!(&applied[name], value, "{name}: give it a change in `changed`");
    }
}

#[test]
fn a_setting_that_is_not_one_or_of_the_wrong_kind_is_refused() {
    let current = agent_core::Preferences { offline_on_lock: true, ..agent_core::Preferences::default() };
    for (name, value) in
        [("offline_on_lunch", serde_json::json!(true)), ("idle_minutes", serde_json::json!("ten"))]
    {
        let changes = agent_core::PreferenceChanges([(name.to_owned(), value)].into_iter().collect());
        let err = changes.apply_to(&current).unwrap_err();
        assert!(matches!(err, agent_core::CoreError::BadRequest(_)), "{name}: {err}");
    }
}

proptest! {
    /// The window sends only the settings it shows. Whatever subset that is, the ones it sent
    /// take its values and every other keeps the value it had: a preference added later and
    /// missing from the page survives a save from the window.
    #[test]
    fn a_save_from_the_window_keeps_what_the_page_did_not_send(sent in any::<u64>()) {
        let current = agent_core::Preferences::default();
        let before = fields(&current);
        let changes: serde_json::Map<String, serde_json::Value> = before
            .iter()
            .enumerate()
            .filter(|(i, _)| sent & (1 << (i % 64)) != 0)
            .map(|(_, (name, value))| (name.clone(), changed(name, value)))
            .collect();
        let after = fields(&agent_core::PreferenceChanges(changes.clone()).apply_to(&current).unwrap());
        for (name, value) in &before {
            let expected = changes.get(name).unwrap_or(value);
            prop_assert_eq!(&after[name], expected, "{}", name);
        }
    }
}
