//! Idle readings from GNOME's and KDE's D-Bus services (fakes of each on a private session
//! bus), turned into idle and active events by the same tracker the app uses.

// Linux only: D-Bus and X11.
#![cfg(target_os = "linux")]
// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use desk_events::AwayEvent;
use os_events::idle::{IdleSource, IdleTracker, KdeIdle, MutterIdle};
use test_session::{KeyringSession, KeyringState};

/// Mutter's idle monitor, answering the idle time the test sets.
struct FakeMutter(Arc<AtomicU64>);

#[zbus::interface(name = "org.gnome.Mutter.IdleMonitor")]
impl FakeMutter {
    #[zbus(name = "GetIdletime")]
    fn get_idletime(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// KDE's screensaver service.
struct FakeKde(Arc<AtomicU64>);

#[zbus::interface(name = "org.freedesktop.ScreenSaver")]
impl FakeKde {
    #[zbus(name = "GetSessionIdleTime")]
    fn get_session_idle_time(&self) -> u32 {
        u32::try_from(self.0.load(Ordering::SeqCst)).unwrap_or(u32::MAX)
    }
}

/// Reads `source` as the idle thread does, while the fake's idle time goes from 0 to past the
/// threshold and back: idle once, then active once.
fn walk(source: &dyn IdleSource, idle_ms: &AtomicU64) {
    let mut tracker = IdleTracker::default();
    let threshold = Some(Duration::from_secs(600));
    let mut events = Vec::new();
    for ms in [1_000, 300_000, 600_000, 660_000, 200, 5_000] {
        idle_ms.store(ms, Ordering::SeqCst);
        let reading = source.idle_for().unwrap_or_else(|| panic!("{} did not answer", source.name()));
        assert_eq!(reading, Duration::from_millis(ms), "{}", source.name());
        events.extend(tracker.step(reading, threshold).0);
    }
    assert_eq!(events, [AwayEvent::Idle, AwayEvent::Active], "{}", source.name());
}

#[tokio::test(flavor = "multi_thread")]
async fn gnome_and_kde_idle_times_become_idle_and_active_events() {
    let bus = KeyringSession::start(KeyringState::Unlocked).unwrap();
    let (mutter_ms, kde_ms) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let _mutter = zbus::connection::Builder::address(bus.bus_address())
        .unwrap()
        .name("org.gnome.Mutter.IdleMonitor")
        .unwrap()
        .serve_at("/org/gnome/Mutter/IdleMonitor/Core", FakeMutter(mutter_ms.clone()))
        .unwrap()
        .build()
        .await
        .unwrap();
    let address = bus.bus_address().to_owned();
    let mutter = mutter_ms.clone();
    tokio::task::spawn_blocking(move || {
        let conn = zbus::blocking::connection::Builder::address(address.as_str()).unwrap().build().unwrap();
        assert!(KdeIdle::on(conn.clone()).is_none(), "no KDE service on this bus yet");
        let source = MutterIdle::on(conn).expect("Mutter answers");
        walk(&source, &mutter);
    })
    .await
    .unwrap();

    let _kde = zbus::connection::Builder::address(bus.bus_address())
        .unwrap()
        .name("org.freedesktop.ScreenSaver")
        .unwrap()
        .serve_at("/org/freedesktop/ScreenSaver", FakeKde(kde_ms.clone()))
        .unwrap()
        .build()
        .await
        .unwrap();
    let address = bus.bus_address().to_owned();
    tokio::task::spawn_blocking(move || {
        let conn = zbus::blocking::connection::Builder::address(address.as_str()).unwrap().build().unwrap();
        let source = KdeIdle::on(conn).expect("KDE answers");
        walk(&source, &kde_ms);
    })
    .await
    .unwrap();
}
