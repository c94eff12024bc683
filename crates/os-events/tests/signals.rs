//! Lock/unlock and sleep/wake signals emitted on a private D-Bus reach the controller.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use agent_core::{
    Accounts, Agent, ControllerConfig, Keyring, Preferences, SettingsStore, SignInInput, Source, Target,
};
use exotel_api::{Availability, Device, Secret};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, Sandbox};
use os_events::{AgentHandler, watch_login1, watch_screensaver};
use test_session::{KeyringSession, KeyringState};

/// `dbus-send` a signal on the test bus, from a connection that owns no name: as any local
/// program could.
fn spoof(bus: &KeyringSession, path: &str, member: &str, value: bool) {
    let status = bus
        .command("dbus-send")
        .args(["--session", "--type=signal", path, member, &format!("boolean:{value}")])
        .status()
        .unwrap();
    assert!(status.success());
}

/// The screensavers and logind, as the owners of their names on the test bus.
struct Owners(zbus::Connection);

impl Owners {
    async fn start(bus: &KeyringSession) -> Self {
        let conn = zbus::connection::Builder::address(bus.bus_address()).unwrap().build().await.unwrap();
        for name in ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver", "org.freedesktop.login1"] {
            conn.request_name(name).await.unwrap();
        }
        Self(conn)
    }

    /// `member` is `interface.Member`.
    async fn emit(&self, path: &str, member: &str, value: bool) {
        let (iface, name) = member.rsplit_once('.').unwrap();
        self.0.emit_signal(None::<&str>, path, iface, name, &value).await.unwrap();
    }
}

async fn eventually(what: &str, ok: impl Fn() -> bool) {
    for _ in 0..100 {
        if ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within 5 s");
}

#[tokio::test(flavor = "multi_thread")]
async fn lock_sleep_and_shutdown_signals_reach_the_agent() {
    let bus = KeyringSession::start(KeyringState::Unlocked).unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let agent = Arc::new(Agent::new(
        Accounts::new(Keyring::default(), SettingsStore::new(dir.path().join("settings.toml"))),
        ControllerConfig::default(),
    ));
    let input = SignInInput {
        host: sandbox.url(),
        app_id: DEMO_APP_ID.into(),
        secret: Secret::new(DEMO_APP_SECRET),
        user_id: DEMO_USER_ID.into(),
    };
    agent.sign_in_in_memory(input).await.unwrap();
    agent
        .set_preferences(Preferences {
            offline_on_lock: true,
            offline_on_sleep: true,
            ..Preferences::default()
        })
        .unwrap();
    agent.change(Target::Receiving(Device::Phone), Source::Tray).await.unwrap();

    // The app's watchers on the test bus (standing in for both the session and system bus).
    let shutdowns = Arc::new(AtomicUsize::new(0));
    let counter = shutdowns.clone();
    let handler = Arc::new(AgentHandler {
        agent: agent.clone(),
        on_shutdown: move || {
            counter.fetch_add(1, Ordering::SeqCst);
        },
    });
    let conn = zbus::connection::Builder::address(bus.bus_address()).unwrap().build().await.unwrap();
    let (c1, h1) = (conn.clone(), handler.clone());
    tokio::spawn(async move { watch_screensaver(&c1, h1).await });
    let (c2, h2, a2) = (conn.clone(), handler.clone(), agent.clone());
    tokio::spawn(async move { watch_login1(&c2, h2, a2).await });
    tokio::time::sleep(Duration::from_millis(300)).await; // the match rules are in place
    let owners = Owners::start(&bus).await;

    // A signal from a program that does not own the screensaver's or logind's name, or on
    // another path, is ignored: no other program can take the agent offline or quit the app.
    let active = || sandbox.active(DEMO_USER_ID).unwrap().unwrap();
    spoof(&bus, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged", true);
    spoof(&bus, "/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForSleep", true);
    spoof(&bus, "/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForShutdown", true);
    owners.emit("/elsewhere", "org.freedesktop.ScreenSaver.ActiveChanged", true).await;
    owners.emit("/elsewhere", "org.freedesktop.login1.Manager.PrepareForShutdown", true).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(active(), Some(DeviceName::Phone), "spoofed signals changed nothing");
    assert_eq!(shutdowns.load(Ordering::SeqCst), 0, "a spoofed shutdown did not quit");

    owners.emit("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged", true).await;
    eventually("offline on lock", || active().is_none()).await;
    assert_eq!(agent.status().last_change.map(|c| c.source), Some(Source::Lock));
    owners.emit("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged", false).await;
    eventually("restored on unlock", || active() == Some(DeviceName::Phone)).await;

    // The GNOME name works the same; a change made while locked is not undone on unlock.
    owners.emit("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver.ActiveChanged", true).await;
    eventually("offline on GNOME lock", || active().is_none()).await;
    agent.change(Target::Receiving(Device::Sip), Source::Window).await.unwrap();
    agent.change(Target::Offline, Source::Window).await.unwrap();
    owners.emit("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver.ActiveChanged", false).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(active(), None, "not restored after the agent changed the device");
    assert_eq!(agent.status().availability, Availability::Offline);

    // Sleep and wake.
    agent.change(Target::Receiving(Device::Sip), Source::Tray).await.unwrap();
    owners.emit("/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForSleep", true).await;
    eventually("offline on sleep", || active().is_none()).await;
    assert_eq!(agent.status().last_change.map(|c| c.source), Some(Source::Sleep));
    owners.emit("/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForSleep", false).await;
    eventually("restored on wake", || active() == Some(DeviceName::Sip)).await;

    owners.emit("/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForShutdown", true).await;
    eventually("quit on shutdown", || shutdowns.load(Ordering::SeqCst) == 1).await;
}
