//! The X11 global shortcut on a real X server (Xvfb), pressed with xdotool (XTEST), as a
//! person's keyboard would.

// Linux only: D-Bus and X11.
#![cfg(target_os = "linux")]
// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use os_events::shortcut::{Listener, Shortcut, ShortcutError};
use test_session::Desktop;

fn xdotool(desktop: &Desktop, args: &[&str]) {
    let ok = desktop.command("xdotool").args(args).status().is_ok_and(|s| s.success());
    assert!(ok, "xdotool {args:?}");
}

fn wait_for(count: &AtomicUsize, n: usize) {
    let start = Instant::now();
    while count.load(Ordering::SeqCst) < n && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // A little longer, so an extra press would be counted too.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(count.load(Ordering::SeqCst), n);
}

fn counter() -> (Arc<AtomicUsize>, impl Fn() + Send + 'static) {
    let count = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&count);
    (count, move || {
        c.fetch_add(1, Ordering::SeqCst);
    })
}

#[test]
fn a_shortcut_fires_once_per_press_is_exclusive_and_is_released_when_dropped() {
    let desktop = Desktop::start().unwrap();
    let display = Some(desktop.display());
    let combo: Shortcut = "Ctrl+Alt+O".parse().unwrap();

    let (count, on_press) = counter();
    let listener = Listener::start_on(display, &combo, on_press).unwrap();
    xdotool(&desktop, &["key", "ctrl+alt+o"]);
    wait_for(&count, 1);
    xdotool(&desktop, &["key", "ctrl+alt+o"]);
    wait_for(&count, 2);

    // Other keys, and the key with other modifiers, do nothing.
    xdotool(&desktop, &["key", "ctrl+alt+p", "ctrl+o", "ctrl+alt+shift+o"]);
    wait_for(&count, 2);

    // Caps Lock on does not stop it.
    xdotool(&desktop, &["key", "Caps_Lock"]);
    xdotool(&desktop, &["key", "ctrl+alt+o"]);
    wait_for(&count, 3);
    xdotool(&desktop, &["key", "Caps_Lock"]);

    // Held down past the auto-repeat delay: still one press.
    xdotool(&desktop, &["keydown", "ctrl+alt+o", "sleep", "1.2", "keyup", "ctrl+alt+o"]);
    wait_for(&count, 4);

    // Held by this listener, the combination is refused to another.
    let (_, other) = counter();
    assert_eq!(Listener::start_on(display, &combo, other).unwrap_err(), ShortcutError::Taken);

    // Dropped: its thread ends and the combination is free again.
    let dropped = Instant::now();
    drop(listener);
    assert!(dropped.elapsed() < Duration::from_secs(2), "the listener's thread ended at once");
    xdotool(&desktop, &["key", "ctrl+alt+o"]);
    wait_for(&count, 4);
    let (again, on_press) = counter();
    let _listener = Listener::start_on(display, &combo, on_press).unwrap();
    xdotool(&desktop, &["key", "ctrl+alt+o"]);
    wait_for(&again, 1);
}

#[test]
fn without_an_x_display_the_error_says_so() {
    let combo: Shortcut = "Ctrl+Alt+O".parse().unwrap();
    let err = Listener::start_on(Some(":987"), &combo, || {}).unwrap_err();
    assert!(matches!(err, ShortcutError::NoDisplay(_)), "{err:?}");
    assert!(err.to_string().contains("X11 display"), "{err}");
}
