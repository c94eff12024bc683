//! A saved account with a real keyring (gnome-keyring's Secret Service on a private bus): the
//! sign-in keeps the secret and token in the keyring and the account in the settings file; a
//! re-sign-in that cannot be stored puts the previous account's entries back; a settings file
//! damaged while signed in is written back; sign-out removes both. Also the retry policy a
//! sign-in is checked with.
//!
//! First, a locked keyring and none at all: each refusal is told apart. Each keyring state
//! runs in a child process started in its own session (`DBUS_SESSION_BUS_ADDRESS`), as the app
//! and the command line are.

// The Secret Service (gnome-keyring on a private bus): Linux. On Windows the Credential
// Manager is used by the Windows lane's command-line run (scripts/test-windows.sh).
#![cfg(target_os = "linux")]
// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use agent_core::{
    Account, Accounts, Agent, ControllerConfig, Field, Keyring, KeyringError, SettingsStore, SignInInput,
    Source, Target,
};
use exotel_api::{Availability, Device, RetryPolicy, Secret, TokenSink};
use exotel_sandbox::{
    DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, Endpoint, Fault, Sandbox, SandboxConfig,
};
use test_session::{KeyringSession, KeyringState};

const OTHER_APP_ID: &str = "other-app";
const OTHER_SECRET: &str = "other-secret";

fn input(sandbox: &Sandbox, app_id: &str, secret: &str) -> SignInInput {
    SignInInput {
        host: sandbox.url(),
        app_id: app_id.into(),
        secret: Secret::new(secret),
        user_id: DEMO_USER_ID.into(),
    }
}

fn kept_secret() -> Option<String> {
    Keyring::default().secret().unwrap().map(|s| s.expose().to_owned())
}

/// Where each state's half runs: a child process of this test binary, started in the
/// keyring session (the keyring's D-Bus library reads the bus address once per process).
const STATE_VAR: &str = "SAVED_ACCOUNT_KEYRING_STATE";

#[test]
fn a_saved_account_lives_in_the_keyring_and_settings_until_sign_out() {
    for state in [KeyringState::Locked, KeyringState::NoBus, KeyringState::Unlocked] {
        let bus = KeyringSession::start(state).unwrap();
        let run = bus
            .command(std::env::current_exe().unwrap())
            .args(["--exact", "in_a_keyring_session", "--ignored", "--nocapture"])
            .env(STATE_VAR, format!("{state:?}"))
            .output()
            .unwrap();
        let said =
            format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
        assert!(run.status.success() && said.contains("1 passed"), "{state:?}:\n{said}");
    }
}

/// One state's half, run by the test above in its keyring session (by itself, it does nothing).
#[test]
#[ignore = "run by a_saved_account_lives_in_the_keyring_and_settings_until_sign_out, in a keyring session"]
fn in_a_keyring_session() {
    let Ok(state) = std::env::var(STATE_VAR) else { return };
    if state == "Unlocked" {
        // The files' places follow the session's XDG folders, as the app's and the CLI's do.
        let home = std::path::PathBuf::from(std::env::var("HOME").unwrap());
        let app = agent_core::paths::APP_DIR;
        assert_eq!(
            agent_core::paths::settings_file().unwrap(),
            home.join(".config").join(app).join("settings.toml")
        );
        assert_eq!(agent_core::paths::log_dir().unwrap(), home.join(".local/state").join(app).join("logs"));
        assert_eq!(agent_core::paths::data_dir().unwrap(), home.join(".local/share").join(app));
        // The admin's sync preset, from this session's presets file: an agent's interval is
        // raised to it.
        use agent_core::presets::{Presets, SyncPresets};
        let presets = std::path::PathBuf::from(std::env::var("EXOTEL_AGENT_PRESETS").unwrap());
        let none = Presets::load();
        assert_eq!(
            (none.presets, none.warning),
            (Presets::default(), None),
            "no file: no presets, no warning"
        );
        std::fs::create_dir_all(&presets).unwrap();
        let unreadable = Presets::load().warning.unwrap_or_default();
        assert!(unreadable.contains("could not be read"), "{unreadable}");
        std::fs::remove_dir(&presets).unwrap();
        std::fs::write(
            &presets,
            "[account]\nhost = \"https://h.example.com\"\n[sync]\ninterval_secs = 120\n",
        )
        .unwrap();
        assert_eq!(Presets::load().presets.host.as_deref(), Some("https://h.example.com"));
        assert_eq!(SyncPresets::load().interval_secs, Some(120));
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        return runtime.block_on(walk());
    }
    // Locked, or no keyring at all: each refusal is told apart (what the agent is told to do
    // differs), for a write and a read.
    let locked = state == "Locked";
    let keyring = Keyring::default();
    let stored = keyring.store_secret(&Secret::new("s")).unwrap_err();
    let read = keyring.secret().unwrap_err();
    for err in [stored, read] {
        assert_eq!(matches!(err, KeyringError::Locked(_)), locked, "{state}: {err}");
        assert_eq!(matches!(err, KeyringError::Unavailable(_)), !locked, "{state}: {err}");
    }
}

async fn walk() {
    let first = Sandbox::start().await.unwrap();
    let config = SandboxConfig {
        apps: vec![(OTHER_APP_ID.to_owned(), OTHER_SECRET.to_owned())],
        ..SandboxConfig::default()
    };
    let second = Sandbox::start_with(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    let accounts = Accounts::new(Keyring::default(), SettingsStore::new(&path));
    let agent = std::sync::Arc::new(Agent::new(accounts.clone(), ControllerConfig::default()));
    assert_eq!(agent.account().await, None);
    assert_eq!(agent.sync_interval(), Duration::from_secs(120), "raised to the admin's preset");
    assert_eq!(kept_secret(), None, "a fresh keyring");

    // Signed in: the secret and token in the keyring, the account in the file (no secret).
    let status = agent.sign_in(input(&first, DEMO_APP_ID, DEMO_APP_SECRET)).await.unwrap();
    assert!(status.signed_in && status.user.is_some(), "{status:?}");
    let account = agent.account().await.expect("the saved account");
    assert_eq!((account.app_id.as_str(), account.user_id.as_str()), (DEMO_APP_ID, DEMO_USER_ID));
    assert!(account.host.starts_with(&first.url()), "{account:?}");
    assert_eq!(accounts.account().unwrap(), Some(account.clone()));
    assert_eq!(kept_secret().as_deref(), Some(DEMO_APP_SECRET));
    assert!(Keyring::default().token(&account).unwrap().is_some(), "the token kept");
    let file = std::fs::read_to_string(&path).unwrap();
    assert!(file.contains(DEMO_APP_ID) && !file.contains(DEMO_APP_SECRET), "{file}");
    agent.change(Target::Receiving(Device::Phone), Source::Window).await.unwrap();
    assert_eq!(first.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))));

    // The kept token: one Exotel rejects is removed from the keyring even when a new one
    // cannot be minted; the next one minted is kept in its place.
    let kept_token = || Keyring::default().token(&account).unwrap().map(|t| t.value.expose().to_owned());
    let first_token = kept_token().unwrap();
    first.expire_tokens();
    first.set_fault(Endpoint::Token, Fault::status(503).times(10));
    assert!(agent.change(Target::Receiving(Device::Sip), Source::Window).await.is_err());
    assert_eq!(kept_token(), None, "the rejected token is not kept");
    first.clear_faults();
    agent.change(Target::Receiving(Device::Sip), Source::Window).await.unwrap();
    let second_token = kept_token().expect("the new token kept");
    assert_ne!(second_token, first_token);

    // The session's sink keeps tokens only while the settings file names its account (a
    // sign-in with `exotel-agent` elsewhere replaces it).
    let sink =
        agent_core::KeyringTokenSink::new(Keyring::default(), account.clone(), SettingsStore::new(&path));
    assert!(sink.still_signed_in());
    let elsewhere = Account { user_id: "2".into(), ..account.clone() };
    let file_now = std::fs::read_to_string(&path).unwrap();
    SettingsStore::new(&path).update(|s| s.account = Some(elsewhere)).unwrap();
    assert!(!sink.still_signed_in(), "another account signed in");
    let late = exotel_api::Token { value: Secret::new("late"), minted_at: std::time::SystemTime::now() };
    sink.token_minted(&late);
    assert_eq!(kept_token().as_deref(), Some(second_token.as_str()), "a token minted too late is not kept");
    std::fs::write(&path, &file_now).unwrap();
    assert!(sink.still_signed_in());
    sink.token_minted(&late);
    assert_eq!(kept_token().as_deref(), Some("late"), "kept while signed in");

    // A re-sign-in that Exotel accepts but that cannot be stored (the settings file cannot be
    // written): the error is said, and the first account's secret and token are put back.
    let token_before = Keyring::default().token(&account).unwrap().map(|t| t.value.expose().to_owned());
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    assert!(agent.sign_in(input(&second, OTHER_APP_ID, OTHER_SECRET)).await.is_err());
    assert_eq!(kept_secret().as_deref(), Some(DEMO_APP_SECRET), "the first secret put back");
    let token_after = Keyring::default().token(&account).unwrap().map(|t| t.value.expose().to_owned());
    assert_eq!(token_after, token_before, "the first token put back");
    std::fs::remove_dir(&path).unwrap();
    std::fs::write(&path, &file).unwrap();

    // The file damaged while signed in, on a break with notifications quiet: the next read
    // writes the account, the agent's preferences, the break and the quiet hour back, and the
    // break goes on.
    let prefs =
        agent_core::Preferences { offline_on_lock: true, sync_interval_secs: 300, ..agent.preferences() };
    agent.set_preferences(prefs).unwrap();
    let on_break = agent.start_break(Duration::from_secs(600)).await.unwrap();
    let quiet = agent_core::now_ms() + 3_600_000;
    agent.set_quiet_until(Some(quiet)).unwrap();
    std::fs::write(&path, b"[account\nhost = \x00 garbage").unwrap();
    agent.refresh(Source::Window).await.unwrap();
    assert_eq!(accounts.account().unwrap(), Some(account.clone()), "written back");
    let kept = SettingsStore::new(&path).load().unwrap().settings;
    let prefs = &kept.preferences;
    assert!(prefs.offline_on_lock && prefs.sync_interval_secs == 300, "{prefs:?}");
    assert_eq!(kept.on_break.map(|b| b.ends_at), on_break.break_until, "the break written back");
    assert_eq!(kept.quiet_until, Some(quiet), "the quiet hour written back");
    let status = agent.status();
    assert!(status.signed_in && status.break_until == on_break.break_until, "{status:?}");
    let back = agent.end_break().await.unwrap();
    assert_eq!(back.availability, Availability::Receiving(Device::Sip), "the break's device back on");

    // Signed out: nothing left in the keyring or the file; the app says signed out.
    let status = agent.sign_out().await.unwrap();
    assert!(!status.signed_in);
    assert_eq!(status.availability, Availability::Unknown);
    assert_eq!(agent.account().await, None);
    assert_eq!(accounts.account().unwrap(), None);
    assert_eq!(kept_secret(), None, "the secret removed");
    assert!(Keyring::default().token(&account).unwrap().is_none(), "the token removed");

    // The retry policy a sign-in is checked with: by default a 503 is sent again and the
    // sign-in goes through; with one attempt the 503 is the sign-in's error.
    let tokens = || first.count(Endpoint::Token);
    first.set_fault(Endpoint::Token, Fault::status(503).times(1));
    let before = tokens();
    accounts.validate(input(&first, DEMO_APP_ID, DEMO_APP_SECRET)).await.unwrap();
    assert_eq!(tokens() - before, 2, "sent again after the 503");
    first.set_fault(Endpoint::Token, Fault::status(503).times(1));
    let once = RetryPolicy { attempts: 1, base_delay: Duration::ZERO, ..RetryPolicy::default() };
    let before = tokens();
    let err = accounts.clone().with_retry(once).validate(input(&first, DEMO_APP_ID, DEMO_APP_SECRET)).await;
    assert!(err.is_err(), "no second try");
    assert_eq!(tokens() - before, 1);
    assert_eq!(Field::Secret, wrong_secret_field(&accounts, &first).await);
}

/// A wrong secret is the secret's error, and keeps nothing.
async fn wrong_secret_field(accounts: &Accounts, sandbox: &Sandbox) -> Field {
    let err = accounts.sign_in(input(sandbox, DEMO_APP_ID, "wrong")).await.unwrap_err();
    assert_eq!(kept_secret(), None);
    assert_eq!(accounts.account().unwrap(), None::<Account>);
    err.field().unwrap()
}
