//! What this desktop can do ("On this computer", `doctor`), found on a private D-Bus and
//! followed as names come and go: a screensaver, a tray host and a notification server that
//! appear after the app change the answer; a locked keyring and a desk with no bus at all are
//! told apart; logind's session counts as a lock source.

// Linux only: D-Bus.
#![cfg(target_os = "linux")]
// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use desk_events::{DeskReport, Protection, Support};
use test_session::tray_host::TrayHost;
use test_session::{KeyringSession, KeyringState};

async fn connect(bus: &KeyringSession) -> zbus::Connection {
    zbus::connection::Builder::address(bus.bus_address()).unwrap().build().await.unwrap()
}

/// Waits (at most 10 s) until `p` is found as `expected`.
async fn found(report: &DeskReport, p: Protection, expected: &Support) {
    let start = Instant::now();
    while report.now().get(p) != *expected {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{p:?}: {:?}, not {expected:?}",
            report.now().get(p)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A notification server, as far as the app asks one.
struct FakeNotifications;

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl FakeNotifications {
    fn get_server_information(&self) -> (String, String, String, String) {
        ("fake-notifyd".into(), "tests".into(), "1.0".into(), "1.2".into())
    }
    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into(), "actions".into()]
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pieces_that_appear_or_go_after_the_start_change_what_the_desk_can_do() {
    let bus = KeyringSession::start(KeyringState::Unlocked).unwrap();
    let report = DeskReport::default();
    // The session bus only: no system bus, so no logind.
    tokio::spawn(os_events::desk::watch(Some(connect(&bus).await), None, report.clone()));

    let lock_missing = Support::missing("no screensaver on the session bus, and no system bus");
    found(&report, Protection::Lock, &lock_missing).await;
    found(&report, Protection::Sleep, &Support::missing("no system bus")).await;
    found(&report, Protection::Keyring, &Support::works("Secret Service")).await;
    let no_server = Support::missing("no notification server on the session bus");
    found(&report, Protection::Notifications, &no_server).await;
    assert!(report.now().get(Protection::Tray).fails(), "no StatusNotifierWatcher yet");

    // Cinnamon's screensaver starts: the lock can be heard, through its name.
    let cinnamon = connect(&bus).await;
    cinnamon.request_name("org.cinnamon.ScreenSaver").await.unwrap();
    found(&report, Protection::Lock, &Support::works("org.cinnamon.ScreenSaver")).await;

    // The panel comes up with a tray host, and a notification server starts.
    let address = bus.bus_address().to_owned();
    let host = tokio::task::spawn_blocking(move || TrayHost::start(&address)).await.unwrap().unwrap();
    found(&report, Protection::Tray, &Support::works("StatusNotifierWatcher")).await;
    let notifier = zbus::connection::Builder::address(bus.bus_address())
        .unwrap()
        .name("org.freedesktop.Notifications")
        .unwrap()
        .serve_at("/org/freedesktop/Notifications", FakeNotifications)
        .unwrap()
        .build()
        .await
        .unwrap();
    found(&report, Protection::Notifications, &Support::works("fake-notifyd 1.0 (body, actions)")).await;

    // The screensaver goes away (its process ended): the lock cannot be heard any more.
    drop(cinnamon);
    found(&report, Protection::Lock, &lock_missing).await;
    // So does the notification server.
    drop(notifier);
    found(&report, Protection::Notifications, &no_server).await;
    drop(host);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_locked_keyring_is_told_apart_from_a_missing_one() {
    let locked = KeyringSession::start(KeyringState::Locked).unwrap();
    let report = DeskReport::default();
    os_events::desk::look(Some(&connect(&locked).await), None, &report).await;
    assert_eq!(report.now().get(Protection::Keyring), Support::Locked { via: "Secret Service".into() });

    // No session bus at all (a bare SSH session): nothing there can work.
    let report = DeskReport::default();
    os_events::desk::look(None, None, &report).await;
    assert_eq!(report.now().get(Protection::Keyring), Support::missing("no session bus"));
    for p in [Protection::Lock, Protection::Sleep, Protection::Notifications] {
        assert!(report.now().get(p).fails(), "{p:?} with no bus at all");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn logind_s_session_is_a_lock_source_and_logind_the_sleep_source() {
    // One private bus stands in for the system bus (and no screensaver is on the session's).
    let system = KeyringSession::start(KeyringState::Unlocked).unwrap();
    let session = KeyringSession::start(KeyringState::Unlocked).unwrap();
    let _logind = test_session::logind::FakeLogind::start(system.bus_address()).await.unwrap();
    let report = DeskReport::default();
    os_events::desk::look(Some(&connect(&session).await), Some(&connect(&system).await), &report).await;
    assert_eq!(report.now().get(Protection::Lock), Support::works("logind's session"));
    assert_eq!(report.now().get(Protection::Sleep), Support::works("logind"));
}
