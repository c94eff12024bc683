//! The app on a Wayland desktop: under a headless Weston (no X server reachable at all), the
//! tray registers with the desktop's tray host over D-Bus, the window opens as a Wayland client,
//! a choice made in it reaches Exotel (the sandbox), and a notification goes out on the bus.
//! What Wayland withholds is said, not faked: the X11 shortcut grab is not available, and
//! *Settings* says so.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Child, Stdio};
use std::time::Duration;

use desktop_e2e::{Driver, app_log, cli, eventually, wait_for};
use exotel_sandbox::{DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, Sandbox};
use fantoccini::Locator;
use test_session::Desktop;
use test_session::portal::FakePortal;
use test_session::procs::pids;
use test_session::tray_host::TrayHost;

/// A headless Weston on its own socket; stopped when dropped.
struct Weston {
    child: Child,
    runtime_dir: tempfile::TempDir,
    socket: &'static str,
}

impl Weston {
    fn start(desktop: &Desktop) -> Self {
        let runtime_dir = tempfile::tempdir().unwrap();
        let socket = "wayland-exotel-test";
        let child = desktop
            .command("weston")
            .env("XDG_RUNTIME_DIR", runtime_dir.path())
            .args(["--backend=headless-backend.so", &format!("--socket={socket}"), "--idle-time=0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("weston (installed by scripts/install-deps.sh test)");
        let weston = Self { child, runtime_dir, socket };
        let path = weston.runtime_dir.path().join(socket);
        let start = std::time::Instant::now();
        while !path.exists() {
            assert!(start.elapsed() < Duration::from_secs(15), "weston did not open {}", path.display());
            std::thread::sleep(Duration::from_millis(50));
        }
        weston
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("XDG_RUNTIME_DIR", self.runtime_dir.path().display().to_string()),
            ("WAYLAND_DISPLAY", self.socket.to_owned()),
            ("GDK_BACKEND", "wayland".to_owned()),
            ("XDG_SESSION_TYPE", "wayland".to_owned()),
        ]
    }
}

impl Drop for Weston {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn on_wayland_the_tray_registers_the_window_opens_and_a_choice_reaches_exotel() {
    let desktop = Desktop::start().expect("D-Bus, gnome-keyring and dunst");
    let host = TrayHost::start(desktop.keyring().bus_address()).unwrap();
    let weston = Weston::start(&desktop);
    let sandbox = Sandbox::start().await.unwrap();
    let args = sandbox.cli_login_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    cli(&desktop, &args, Some(DEMO_APP_SECRET));

    let env = weston.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // No X server reachable: whatever opens, opens on Wayland.
    let driver = Driver::start_in(&desktop, &env, &["DISPLAY"]).await;
    let client = driver.session().await;
    let item =
        host.wait_for_item(Duration::from_secs(20)).expect("the tray registered with the desktop's host");
    wait_for(&client, "#status[data-availability='offline']", "the window, signed in").await;
    // The window's process is a Wayland client: it has the compositor's socket and no X display.
    let windows: Vec<u32> = pids()
        .into_iter()
        .filter(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            cmdline.split(|b| *b == 0).any(|arg| arg == b"--window")
        })
        .collect();
    assert_eq!(windows.len(), 1, "one window process");
    let environ = std::fs::read(format!("/proc/{}/environ", windows[0])).unwrap();
    let vars: Vec<&[u8]> = environ.split(|b| *b == 0).collect();
    assert!(vars.iter().any(|v| v.starts_with(b"WAYLAND_DISPLAY=wayland-exotel-test")));
    assert!(!vars.iter().any(|v| v.starts_with(b"DISPLAY=")), "no X display for the window");

    client.find(Locator::Id("btn-phone")).await.unwrap().click().await.unwrap();
    wait_for(&client, "#status[data-availability='phone']", "phone").await;
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))));
    let said = desktop
        .wait_for_notification(Duration::from_secs(10), |n| n.summary == "Now receiving calls on phone");
    assert!(said.is_some(), "{:#?}", desktop.notifications());
    eventually("the tray's tick", Duration::from_secs(10), || {
        item.entry("Receive calls on phone").ok().flatten().is_some_and(|e| e.ticked == Some(true))
    })
    .await;

    // The shortcut: no X11 grab on Wayland, and this desktop has no shortcuts portal yet:
    // Settings says so, and what to do instead.
    client.find(Locator::Css("#settings summary")).await.unwrap().click().await.unwrap();
    let error = client.find(Locator::Id("err-shortcut")).await.unwrap().text().await.unwrap();
    assert!(error.contains("Ctrl+Alt+O") && error.contains("Wayland"), "{error}\n{}", app_log(&desktop));
    assert!(error.contains("exotel-agent off"), "{error}");

    // The desktop's GlobalShortcuts portal appears (a fake of it on the bus); the shortcut,
    // set again in Settings, is bound there, and its press toggles offline.
    let portal = FakePortal::start(desktop.keyring().bus_address()).unwrap();
    let field = client.find(Locator::Id("pref-shortcut")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys("Ctrl+Alt+P").await.unwrap();
    client.find(Locator::Id("save-settings")).await.unwrap().click().await.unwrap();
    eventually("the shortcut bound through the portal", Duration::from_secs(10), || {
        portal.bound().shortcuts == [("toggle".to_owned(), "CTRL+ALT+p".to_owned())]
    })
    .await;
    wait_for(&client, "#err-shortcut:empty", "no error once the portal bound it").await;
    portal.press("toggle").unwrap();
    eventually("offline by the portal's shortcut", Duration::from_secs(10), || {
        sandbox.active(DEMO_USER_ID) == Some(Ok(None))
    })
    .await;
    wait_for(&client, "#status[data-availability='offline']", "the window agrees").await;
}
