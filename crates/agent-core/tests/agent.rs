//! The app's use of the core (`Agent`) against the sandbox, for what needs no keyring: the
//! in-memory sign-in of "Try the sandbox", and following the settings file.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use agent_core::{
    Account, Accounts, Agent, ChangeSink, ControllerConfig, CoreError, History, Keyring, SettingsStore,
    SignInInput, Source, Target,
};
use exotel_api::{Availability, Device, Secret};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, Sandbox};

fn agent(dir: &tempfile::TempDir) -> Agent {
    let settings = SettingsStore::new(dir.path().join("settings.toml"));
    Agent::new(Accounts::new(Keyring::default(), settings), ControllerConfig::default())
}

fn input(sandbox: &Sandbox, secret: &str) -> SignInInput {
    SignInInput {
        host: sandbox.url(),
        app_id: DEMO_APP_ID.into(),
        secret: Secret::new(secret),
        user_id: DEMO_USER_ID.into(),
    }
}

#[tokio::test]
async fn an_in_memory_sign_in_works_and_keeps_nothing_on_disk() {
    let sandbox = Sandbox::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let agent = agent(&dir);

    // Signed out at first: a refresh says so.
    assert_eq!(agent.refresh(Source::Start).await.unwrap_err(), CoreError::NotSignedIn);

    let wrong = agent.sign_in_in_memory(input(&sandbox, "wrong")).await.unwrap_err();
    assert_eq!(wrong.field(), Some(agent_core::Field::Secret));
    assert!(!agent.status().signed_in);

    let status = agent.sign_in_sandbox(input(&sandbox, DEMO_APP_SECRET)).await.unwrap();
    assert!(status.signed_in);
    assert_eq!(status.availability, Availability::Offline);
    assert_eq!(status.last_change.map(|c| c.source), Some(Source::SignIn));
    assert_eq!(agent.account().await, None, "not a saved account");

    let phone = agent.change(Target::Receiving(Device::Phone), Source::Window).await.unwrap();
    assert_eq!(phone.availability, Availability::Receiving(Device::Phone));
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))));
    // A refresh does not sign an in-memory session out just because the settings are empty.
    assert!(agent.refresh(Source::Sync).await.unwrap().signed_in);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");

    let out = agent.sign_out().await.unwrap();
    assert!(!out.signed_in);
    assert_eq!(out.availability, Availability::Unknown);
    assert_eq!(agent.change(Target::Offline, Source::Tray).await.unwrap_err(), CoreError::NotSignedIn);
}

/// The sandbox is a world of its own: nothing there reaches the agent's real history, the
/// status says it is the sandbox, and the way back is clear: *Leave the sandbox*, or a sign-in
/// or sign-out made elsewhere.
#[tokio::test]
async fn the_sandbox_keeps_out_of_the_real_history_and_has_a_way_back() {
    let sandbox = Sandbox::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = SettingsStore::new(dir.path().join("settings.toml"));
    let history = History::new(dir.path().join("history.jsonl"));
    let config = ControllerConfig {
        history: Some(Arc::new(history.clone()) as Arc<dyn ChangeSink>),
        ..ControllerConfig::default()
    };
    let agent = Agent::new(Accounts::new(Keyring::default(), settings.clone()), config);

    let status = agent.sign_in_sandbox(input(&sandbox, DEMO_APP_SECRET)).await.unwrap();
    assert!(status.signed_in && status.sandbox && agent.in_sandbox().await);
    for target in [Target::Receiving(Device::Phone), Target::Receiving(Device::Sip), Target::Offline] {
        let s = agent.change(target, Source::Window).await.unwrap();
        assert_eq!(s.availability, target.availability());
        assert!(s.sandbox, "every status published in the sandbox says so");
    }
    sandbox.set_active(DEMO_USER_ID, Some(DeviceName::Phone));
    assert!(agent.refresh(Source::Sync).await.unwrap().recent.len() >= 4, "the changes are shown");
    assert_eq!(history.read().unwrap(), Vec::new(), "but none is kept in the real history");

    // *Leave the sandbox* with no saved account: signed out, and out of the sandbox.
    let left = agent.sign_out().await.unwrap();
    assert!(!left.signed_in && !left.sandbox && !agent.in_sandbox().await);

    // In again; then a sign-in made elsewhere (the settings name an account now) brings the
    // app out of the sandbox to that account at the next refresh. (This test has no keyring,
    // so opening that account's session fails, and says why.)
    agent.sign_in_sandbox(input(&sandbox, DEMO_APP_SECRET)).await.unwrap();
    assert!(agent.refresh(Source::Sync).await.unwrap().sandbox, "nothing changed elsewhere: still in");
    let account = Account { host: sandbox.url(), app_id: DEMO_APP_ID.into(), user_id: DEMO_USER_ID.into() };
    settings.update(|s| s.account = Some(account)).unwrap();
    let followed = agent.refresh(Source::Sync).await;
    assert!(!agent.in_sandbox().await, "left the sandbox for the account signed in elsewhere");
    assert!(!agent.status().sandbox);
    assert!(followed.is_err() || agent.status().signed_in, "{followed:?}");
    assert_eq!(history.read().unwrap(), Vec::new());
}

/// A break taken in the sandbox is the sandbox's: never in the settings file, and dropped with
/// the sandbox, so its end never turns on a device anywhere else.
#[tokio::test]
async fn a_sandbox_break_stays_in_the_sandbox() {
    let sandbox = Sandbox::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = SettingsStore::new(dir.path().join("settings.toml"));
    let agent = Arc::new(Agent::new(
        Accounts::new(Keyring::default(), settings.clone()),
        ControllerConfig::default(),
    ));
    agent.sign_in_sandbox(input(&sandbox, DEMO_APP_SECRET)).await.unwrap();
    agent.change(Target::Receiving(Device::Phone), Source::Window).await.unwrap();
    let on_break = agent.start_break(std::time::Duration::from_millis(300)).await.unwrap();
    assert!(on_break.break_until.is_some());
    assert_eq!(settings.load().unwrap().settings.on_break, None, "not in the settings file");
    // Leave the sandbox, then sign in to it again (standing in for another session).
    agent.sign_out().await.unwrap();
    agent.sign_in_sandbox(input(&sandbox, DEMO_APP_SECRET)).await.unwrap();
    let puts = sandbox.count(exotel_sandbox::Endpoint::Device);
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    agent.check_break().await;
    assert_eq!(sandbox.count(exotel_sandbox::Endpoint::Device), puts, "the old break turned nothing on");
    assert_eq!(agent.status().break_until, None);
}

/// The time between syncs is the agent's setting, raised to the least the app allows; saved
/// in the settings file as raised.
#[tokio::test]
async fn the_sync_interval_follows_the_setting_and_its_floor() {
    let dir = tempfile::tempdir().unwrap();
    let agent = agent(&dir);
    let set = |secs: u64| {
        let prefs = agent_core::Preferences { sync_interval_secs: secs, ..agent.preferences() };
        agent.set_preferences(prefs).unwrap()
    };
    set(120);
    assert_eq!(agent.sync_interval(), std::time::Duration::from_secs(120));
    let saved = set(3);
    assert_eq!(agent.sync_interval(), std::time::Duration::from_secs(agent_core::MIN_SYNC_INTERVAL_SECS));
    assert_eq!(saved.sync_interval_secs, agent_core::MIN_SYNC_INTERVAL_SECS);
}

/// A settings file damaged while the app runs (the account and preferences in it) is never
/// replaced by the defaults with one edit: saving preferences says it cannot be read, and the
/// file is as it was, for the next start to set aside and report.
#[tokio::test]
async fn saving_preferences_over_a_damaged_file_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let agent = agent(&dir);
    let path = dir.path().join("settings.toml");
    let damaged =
        b"[account]\nhost = \"https://api.exotel.com\"\napp_id = \"app\"\nuser_id = \"7\"\n[[[ half written"
            .to_vec();
    std::fs::write(&path, &damaged).unwrap();
    let prefs = agent_core::Preferences { sync_interval_secs: 120, ..agent.preferences() };
    let error = agent.set_preferences(prefs).expect_err("a damaged file was overwritten");
    assert!(error.to_string().contains("cannot be read"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), damaged, "the damaged file was changed");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    let set_aside = names.iter().any(|n| n.to_string_lossy().contains(".corrupt-"));
    assert!(!set_aside, "the file was set aside while the app runs: {names:?}");
}

/// "Quiet for 1 hour": held from the moment it is asked for, kept for the next start, over at
/// its end by the agent's clock, and off again when turned off.
#[tokio::test]
async fn the_quiet_hour_holds_survives_a_restart_and_ends() {
    let dir = tempfile::tempdir().unwrap();
    let settings = || SettingsStore::new(dir.path().join("settings.toml"));
    let clock = Arc::new(agent_core::ManualClock::new(1_000_000));
    let open = || {
        Agent::with_clock(
            Accounts::new(Keyring::default(), settings()),
            ControllerConfig::default(),
            clock.clone(),
        )
    };
    let agent = open();
    assert_eq!(agent.quiet_until(), None);
    let until = 1_000_000 + 3_600_000;
    agent.set_quiet_until(Some(until)).unwrap();
    assert_eq!(agent.quiet_until(), Some(until));
    assert_eq!(open().quiet_until(), Some(until), "a restart forgot the quiet hour");
    clock.advance(3_600_000);
    assert_eq!(agent.quiet_until(), None, "the hour is over");
    clock.advance(-60_000);
    agent.set_quiet_until(None).unwrap();
    assert_eq!(agent.quiet_until(), None);
    assert_eq!(open().quiet_until(), None, "turned off, yet back after a restart");
}
