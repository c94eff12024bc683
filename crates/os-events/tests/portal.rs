//! The global shortcut on Wayland, through the XDG `GlobalShortcuts` portal (a fake of the
//! desktop's, on a private session bus): the app opens a session, binds its shortcut with the
//! agent's keys as the preferred trigger, hears each press, and closes it when dropped; a
//! desktop whose portal has no such interface gets a sentence saying so.

// Linux only: D-Bus.
#![cfg(target_os = "linux")]
// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use os_events::portal::{PortalShortcut, SHORTCUT_ID};
use os_events::shortcut::Shortcut;
use test_session::portal::FakePortal;
use test_session::{KeyringSession, KeyringState};

fn wait_for(count: &AtomicUsize, n: usize) {
    let start = Instant::now();
    while count.load(Ordering::SeqCst) < n {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{} presses heard, {n} expected",
            count.load(Ordering::SeqCst)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_portal_binds_the_shortcut_and_each_press_is_heard() {
    let bus = KeyringSession::start(KeyringState::Unlocked).unwrap();
    let portal = FakePortal::start(bus.bus_address()).unwrap();
    let conn = zbus::blocking::connection::Builder::address(bus.bus_address()).unwrap().build().unwrap();
    let presses = Arc::new(AtomicUsize::new(0));
    let heard = presses.clone();
    let shortcut: Shortcut = "Ctrl+Alt+O".parse().unwrap();
    let bound = PortalShortcut::start_on(conn, &shortcut, "Offline, or the last device", move || {
        heard.fetch_add(1, Ordering::SeqCst);
    })
    .unwrap();
    let asked = portal.bound();
    assert_eq!(asked.shortcuts, [(SHORTCUT_ID.to_owned(), "CTRL+ALT+o".to_owned())]);
    assert!(asked.session.is_some());

    portal.press(SHORTCUT_ID).unwrap();
    wait_for(&presses, 1);
    portal.press("someone-elses").unwrap();
    portal.press(SHORTCUT_ID).unwrap();
    wait_for(&presses, 2);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(presses.load(Ordering::SeqCst), 2, "only our shortcut");
    drop(bound);
}

#[test]
fn without_the_portal_the_reason_is_said() {
    let bus = KeyringSession::start(KeyringState::Unlocked).unwrap();
    let conn = zbus::blocking::connection::Builder::address(bus.bus_address()).unwrap().build().unwrap();
    let shortcut: Shortcut = "Ctrl+Alt+O".parse().unwrap();
    let error = PortalShortcut::start_on(conn, &shortcut, "x", || {}).expect_err("no portal here");
    assert_eq!(error, os_events::portal::PortalError::NoPortal, "{error}");
    assert_eq!(error.to_string(), "the desktop's portal offers no global shortcuts");
}

#[test]
fn triggers_are_written_as_the_shortcuts_specification_says() {
    for (text, trigger) in [
        ("Ctrl+Alt+O", "CTRL+ALT+o"),
        ("Super+Shift+F5", "SHIFT+LOGO+F5"),
        ("Ctrl+KeyK", "CTRL+k"),
        ("Ctrl+Digit1", "CTRL+1"),
        ("Alt+PageUp", "ALT+Page_Up"),
        ("Ctrl+Enter", "CTRL+Return"),
        ("Ctrl+Space", "CTRL+space"),
    ] {
        assert_eq!(text.parse::<Shortcut>().unwrap().trigger(), trigger);
    }
}
