//! The app's use of the core (`Agent`) against the sandbox, for what needs no keyring: the
//! in-memory sign-in of "Try the sandbox", and following the settings file.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agent_core::{
    Accounts, Agent, ControllerConfig, CoreError, Keyring, SettingsStore, SignInInput, Source, Target,
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

    let status = agent.sign_in_in_memory(input(&sandbox, DEMO_APP_SECRET)).await.unwrap();
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
