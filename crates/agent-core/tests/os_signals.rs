//! Lock/unlock and sleep/wake signals emitted on a private D-Bus reach the controller, and the
//! sleep lock (logind's delay inhibitor) is held until Exotel confirms the agent offline.

// Linux only: D-Bus and X11.
#![cfg(target_os = "linux")]
// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod os_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use agent_core::AgentHandler;
use agent_core::{Preferences, Source, Target};
use exotel_api::{Availability, Device};
use exotel_sandbox::{DEMO_USER_ID, DeviceName, Endpoint, Fault, Sandbox};
use os_events::{watch_login1, watch_screensaver};
use os_support::{eventually, signed_in_agent};
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

#[tokio::test(flavor = "multi_thread")]
async fn lock_sleep_and_shutdown_signals_reach_the_agent() {
    let bus = KeyringSession::start(KeyringState::Unlocked).unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let agent = signed_in_agent(&sandbox, &dir).await;
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
    tokio::spawn(async move { watch_screensaver(&c1, h1, Arc::new(agent_core::LockLatch::default())).await });
    let (c2, h2) = (conn.clone(), handler.clone());
    tokio::spawn(async move { watch_login1(&c2, h2).await });
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

/// What the fake logind was asked and saw.
#[derive(Debug, Default)]
struct Inhibits {
    /// `(what, mode)` of each `Inhibit` call.
    calls: Vec<(String, String)>,
    /// What the sandbox held for the agent at the moment each lock was let go.
    released_while: Vec<Option<DeviceName>>,
}

/// logind's `Inhibit`, as logind does it: the caller gets one end of a pipe and holds the lock
/// until it closes it. The fake watches the other end and, when it reads end-of-file, notes
/// what Exotel held for the agent at that moment.
struct FakeLogind {
    seen: Arc<std::sync::Mutex<Inhibits>>,
    sandbox: Arc<Sandbox>,
}

#[zbus::interface(name = "org.freedesktop.login1.Manager")]
impl FakeLogind {
    fn inhibit(
        &self,
        what: &str,
        _who: &str,
        _why: &str,
        mode: &str,
    ) -> zbus::fdo::Result<zbus::zvariant::OwnedFd> {
        let (mut held, lock) = std::io::pipe().map_err(|e| zbus::fdo::Error::Failed(e.to_string()))?;
        self.seen.lock().unwrap().calls.push((what.to_owned(), mode.to_owned()));
        let (seen, sandbox) = (self.seen.clone(), self.sandbox.clone());
        std::thread::spawn(move || {
            // End of file once every copy of the caller's end is closed.
            let _ = std::io::Read::read_to_end(&mut held, &mut Vec::new());
            let active = sandbox.active(DEMO_USER_ID).unwrap().unwrap();
            seen.lock().unwrap().released_while.push(active);
        });
        Ok(std::os::fd::OwnedFd::from(lock).into())
    }
}

/// With "offline on sleep" on, the app holds logind's delay lock on sleep, and lets it go only
/// once Exotel has confirmed the agent offline (here the offline takes 700 ms to confirm), so
/// the computer does not sleep with calls still routed to it. It takes a new lock on wake,
/// and none when the agent turned "offline on sleep" off.
#[tokio::test(flavor = "multi_thread")]
async fn the_sleep_lock_is_held_until_exotel_confirms_offline() {
    let bus = KeyringSession::start(KeyringState::Unlocked).unwrap();
    let sandbox = Arc::new(Sandbox::start().await.unwrap());
    let dir = tempfile::tempdir().unwrap();
    let agent = signed_in_agent(&sandbox, &dir).await;
    let sleep_prefs = |on: bool| Preferences { offline_on_sleep: on, ..Preferences::default() };
    agent.set_preferences(sleep_prefs(true)).unwrap();
    agent.change(Target::Receiving(Device::Sip), Source::Tray).await.unwrap();

    let seen = Arc::new(std::sync::Mutex::new(Inhibits::default()));
    let logind = FakeLogind { seen: seen.clone(), sandbox: sandbox.clone() };
    let owner = zbus::connection::Builder::address(bus.bus_address())
        .unwrap()
        .name("org.freedesktop.login1")
        .unwrap()
        .serve_at("/org/freedesktop/login1", logind)
        .unwrap()
        .build()
        .await
        .unwrap();
    let handler = Arc::new(AgentHandler { agent: agent.clone(), on_shutdown: || {} });
    let conn = zbus::connection::Builder::address(bus.bus_address()).unwrap().build().await.unwrap();
    tokio::spawn(async move { watch_login1(&conn, handler).await });
    let calls = || seen.lock().unwrap().calls.clone();
    let released = || seen.lock().unwrap().released_while.clone();
    eventually("a sleep lock taken at start", || calls().len() == 1).await;
    assert_eq!(calls()[0], ("sleep".to_owned(), "delay".to_owned()), "a delay lock on sleep, not a block");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(released().is_empty(), "the lock is held while the agent is on the computer");

    let emit = |starting: bool| {
        let owner = owner.clone();
        async move {
            owner
                .emit_signal(
                    None::<&str>,
                    "/org/freedesktop/login1",
                    "org.freedesktop.login1.Manager",
                    "PrepareForSleep",
                    &starting,
                )
                .await
                .unwrap();
        }
    };
    sandbox.set_fault(Endpoint::Device, Fault::delay(Duration::from_millis(700)).times(1));
    emit(true).await;
    eventually("the lock let go", || released().len() == 1).await;
    assert_eq!(released(), vec![None], "let go only once Exotel held the agent offline");
    assert_eq!(agent.status().availability, Availability::Offline);

    emit(false).await;
    eventually("back on the computer on wake", || {
        sandbox.active(DEMO_USER_ID) == Some(Ok(Some(DeviceName::Sip)))
    })
    .await;
    eventually("a new lock on wake", || calls().len() == 2).await;

    // Turned off: the next sleep lets the held lock go, and the wake takes none.
    agent.set_preferences(sleep_prefs(false)).unwrap();
    emit(true).await;
    eventually("the lock let go", || released().len() == 2).await;
    emit(false).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(calls().len(), 2, "no lock while offline on sleep is off");
}

/// The network comes back (NetworkManager's `StateChanged` to connected, from its owner):
/// an away-offline owed after an outage is sent at once, not at the end of its wait. A
/// disconnected state, or the same signal from a program that does not own the name, does not.
#[tokio::test(flavor = "multi_thread")]
async fn the_network_coming_back_sends_an_owed_offline_at_once() {
    let bus = KeyringSession::start(KeyringState::Unlocked).unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Waits long enough that only the signal can explain an attempt within the test.
    let config = agent_core::ControllerConfig {
        offline_retry: agent_core::Backoff { first: Duration::from_secs(120), max: Duration::from_secs(120) },
        ..agent_core::ControllerConfig::default()
    };
    let agent = os_support::signed_in_agent_with(&sandbox, &dir, config).await;
    agent.set_preferences(Preferences { offline_on_lock: true, ..Preferences::default() }).unwrap();
    agent.change(Target::Receiving(Device::Phone), Source::Tray).await.unwrap();
    let conn = zbus::connection::Builder::address(bus.bus_address()).unwrap().build().await.unwrap();
    let handler = Arc::new(AgentHandler { agent: agent.clone(), on_shutdown: || {} });
    let c = conn.clone();
    tokio::spawn(async move { os_events::watch_network(&c, handler).await });
    let nm = zbus::connection::Builder::address(bus.bus_address()).unwrap().build().await.unwrap();
    nm.request_name("org.freedesktop.NetworkManager").await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await; // the watcher's match rule

    sandbox.set_fault(Endpoint::Device, Fault::status(503));
    assert!(agent.away(agent_core::AwayEvent::Locked).await.unwrap().is_err());
    assert!(agent.status().going_offline.is_some(), "owed");
    sandbox.clear_faults();
    let emit = |state: u32| {
        let nm = nm.clone();
        async move {
            nm.emit_signal(
                None::<&str>,
                "/org/freedesktop/NetworkManager",
                "org.freedesktop.NetworkManager",
                "StateChanged",
                &state,
            )
            .await
            .unwrap();
        }
    };
    // Disconnected (20): nothing yet.
    emit(20).await;
    let spoofed = bus
        .command("dbus-send")
        .args([
            "--session",
            "--type=signal",
            "/org/freedesktop/NetworkManager",
            "org.freedesktop.NetworkManager.StateChanged",
            "uint32:70",
        ])
        .status()
        .unwrap();
    assert!(spoofed.success());
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        sandbox.active(DEMO_USER_ID),
        Some(Ok(Some(DeviceName::Phone))),
        "not before the network is back"
    );
    // Connected globally (70), from NetworkManager: the offline goes at once.
    emit(70).await;
    eventually("offline once the network is back", || sandbox.active(DEMO_USER_ID) == Some(Ok(None))).await;
    eventually("nothing owed", || agent.status().going_offline.is_none()).await;
    assert_eq!(agent.status().availability, Availability::Offline);
}

/// Every event the watchers handed over, then the agent's handling of it.
struct Recording {
    inner: AgentHandler<fn()>,
    seen: std::sync::Mutex<Vec<os_events::OsEvent>>,
}

impl os_events::OsEventHandler for Recording {
    async fn handle(&self, event: os_events::OsEvent) {
        self.seen.lock().unwrap().push(event);
        self.inner.handle(event).await;
    }
}

/// Lock sources beyond GNOME's and the freedesktop screensaver: logind's session (its `Lock`
/// and `Unlock` signals, its `LockedHint` property) and Cinnamon's screensaver (Linux Mint),
/// each believed only from the owner of its name; a lock two sources report is one lock event.
#[tokio::test(flavor = "multi_thread")]
async fn logind_sessions_and_cinnamon_lock_too_once_per_lock() {
    use agent_core::AwayEvent::{Locked, Unlocked};
    use os_events::OsEvent::Away;
    let bus = KeyringSession::start(KeyringState::Unlocked).unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let agent = signed_in_agent(&sandbox, &dir).await;
    agent.set_preferences(Preferences { offline_on_lock: true, ..Preferences::default() }).unwrap();
    agent.change(Target::Receiving(Device::Phone), Source::Tray).await.unwrap();
    let logind = test_session::logind::FakeLogind::start(bus.bus_address()).await.unwrap();
    let cinnamon = zbus::connection::Builder::address(bus.bus_address()).unwrap().build().await.unwrap();
    cinnamon.request_name("org.cinnamon.ScreenSaver").await.unwrap();

    let handler = Arc::new(Recording {
        inner: AgentHandler { agent: agent.clone(), on_shutdown: (|| {}) as fn() },
        seen: std::sync::Mutex::new(Vec::new()),
    });
    let latch = Arc::new(agent_core::LockLatch::default());
    let conn = zbus::connection::Builder::address(bus.bus_address()).unwrap().build().await.unwrap();
    let (c1, h1, l1) = (conn.clone(), handler.clone(), latch.clone());
    tokio::spawn(async move { os_events::watch_session_lock(&c1, h1, l1).await });
    let (c2, h2, l2) = (conn.clone(), handler.clone(), latch.clone());
    tokio::spawn(async move { watch_screensaver(&c2, h2, l2).await });
    tokio::time::sleep(Duration::from_millis(400)).await; // the session found, the rules in place

    let active = || sandbox.active(DEMO_USER_ID).unwrap().unwrap();
    let seen = || handler.seen.lock().unwrap().clone();
    let session = |member: &'static str| {
        let logind = logind.clone();
        async move { logind.session_signal(member).await.unwrap() }
    };
    let hint = |locked: bool| {
        let logind = logind.clone();
        async move { logind.locked_hint(locked).await.unwrap() }
    };

    // Spoofed: a Lock from a program that does not own logind's name changes nothing.
    let spoofed = bus
        .command("dbus-send")
        .args([
            "--session",
            "--type=signal",
            test_session::logind::SESSION,
            "org.freedesktop.login1.Session.Lock",
        ])
        .status()
        .unwrap();
    assert!(spoofed.success());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(active(), Some(DeviceName::Phone), "a spoofed Lock changed nothing");
    assert!(seen().is_empty(), "{:?}", seen());

    // logind's Lock: offline; Unlock: the phone back.
    session("Lock").await;
    eventually("offline on logind's Lock", || active().is_none()).await;
    session("Unlock").await;
    eventually("restored on logind's Unlock", || active() == Some(DeviceName::Phone)).await;

    // LockedHint true: offline; false: restored.
    hint(true).await;
    eventually("offline on LockedHint", || active().is_none()).await;
    hint(false).await;
    eventually("restored when LockedHint is false", || active() == Some(DeviceName::Phone)).await;

    // Now that the session reports LockedHint, an Unlock request alone (the locker may still
    // refuse the password) restores nothing; LockedHint false does.
    hint(true).await;
    eventually("offline on LockedHint again", || active().is_none()).await;
    session("Unlock").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(active(), None, "an Unlock request brought the phone back while LockedHint says locked");
    hint(false).await;
    eventually("restored when LockedHint is false", || active() == Some(DeviceName::Phone)).await;

    // Cinnamon's screensaver and logind report the same lock: one lock event, one unlock.
    let before = seen().len();
    cinnamon
        .emit_signal(
            None::<&str>,
            "/org/cinnamon/ScreenSaver",
            "org.cinnamon.ScreenSaver",
            "ActiveChanged",
            &true,
        )
        .await
        .unwrap();
    eventually("offline on Cinnamon's lock", || active().is_none()).await;
    session("Lock").await;
    hint(true).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    cinnamon
        .emit_signal(
            None::<&str>,
            "/org/cinnamon/ScreenSaver",
            "org.cinnamon.ScreenSaver",
            "ActiveChanged",
            &false,
        )
        .await
        .unwrap();
    session("Unlock").await;
    eventually("restored on unlock", || active() == Some(DeviceName::Phone)).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(seen()[before..], [Away(Locked), Away(Unlocked)], "one lock, one unlock: {:?}", seen());
    assert_eq!(
        seen(),
        [
            Away(Locked),
            Away(Unlocked),
            Away(Locked),
            Away(Unlocked),
            Away(Locked),
            Away(Unlocked),
            Away(Locked),
            Away(Unlocked)
        ]
    );
}
