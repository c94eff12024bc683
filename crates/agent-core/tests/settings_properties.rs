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
