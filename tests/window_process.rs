//! The window's own process (see `src-tauri/src/window/protocol.rs`): started when the window is opened,
//! one at a time, ended when the window closes while the tray stays (and opened again after a
//! close or a crash), and never left behind when the tray process ends. Closing the window is
//! what gives WebKit's memory back.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use desktop_e2e::{App, app_binary, app_log, eventually};
use test_session::Desktop;
use test_session::procs::{alive, parent, pids};

/// The window processes the tray process `tray` has started and that are still running.
fn window_processes(tray: u32) -> Vec<u32> {
    let mut found: Vec<u32> = pids()
        .into_iter()
        .filter(|pid| parent(*pid) == Some(tray) && alive(*pid))
        .filter(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            cmdline.split(|b| *b == 0).any(|arg| arg == b"--window")
        })
        .collect();
    found.sort_unstable();
    found
}

/// A second launch with `arg`, which hands it to the running app and exits.
/// A second launch with `arg`, which hands over to the running app and exits: within 20 s, or
/// the test fails (a hang is a failure, not a stuck test).
fn launch(desktop: &Desktop, arg: &str) {
    let mut child = desktop.command(app_binary()).arg(arg).spawn().unwrap();
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exotel-agent-tray {arg}: {status}");
            return;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("exotel-agent-tray {arg} did not hand over and exit within 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn logged(desktop: &Desktop, line: &str) -> usize {
    app_log(desktop).matches(line).count()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_has_a_process_of_its_own_that_ends_when_it_closes() {
    let desktop = Desktop::start().unwrap();
    let mut app = App::start(&desktop);
    let tray = app.child.id();
    eventually("the tray", Duration::from_secs(15), || logged(&desktop, "tray ready") == 1).await;
    assert!(window_processes(tray).is_empty(), "no window process before the window is opened");

    launch(&desktop, "--show");
    eventually("the window", Duration::from_secs(20), || logged(&desktop, "window opened") == 1).await;
    let first = window_processes(tray);
    assert_eq!(first.len(), 1, "one window process: {first:?}\n{}", app_log(&desktop));

    // Opening it again brings the same window to the front; no second one starts.
    launch(&desktop, "--show");
    eventually("the second launch handed over", Duration::from_secs(10), || {
        logged(&desktop, "another launch handed over") == 2
    })
    .await;
    assert_eq!(window_processes(tray), first);
    assert_eq!(logged(&desktop, "window opened"), 1, "{}", app_log(&desktop));

    // Closed: its process ends, the tray stays.
    launch(&desktop, "--hide");
    eventually("the window's process to end", Duration::from_secs(15), || {
        logged(&desktop, "window closed") == 1 && !alive(first[0])
    })
    .await;
    assert!(window_processes(tray).is_empty());
    assert!(app.child.try_wait().unwrap().is_none(), "the tray process ended with its window");

    // Opened again: a new process.
    launch(&desktop, "--show");
    eventually("the window again", Duration::from_secs(20), || logged(&desktop, "window opened") == 2).await;
    let second = window_processes(tray);
    assert_eq!(second.len(), 1, "{second:?}");
    assert_ne!(second, first);

    // Closed and at once opened again (Escape, then the tray's menu): the window comes back,
    // in a new process, once the closing one has ended.
    launch(&desktop, "--hide");
    launch(&desktop, "--show");
    eventually("the window after close and open", Duration::from_secs(20), || {
        logged(&desktop, "window opened") == 3 && !alive(second[0])
    })
    .await;
    let third = window_processes(tray);
    assert_eq!(third.len(), 1, "{third:?}");

    // The window's process killed (a crash): the tray stays and opens a new one.
    assert!(
        std::process::Command::new("kill").args(["-KILL", &third[0].to_string()]).status().unwrap().success()
    );
    eventually("the killed window noticed", Duration::from_secs(15), || {
        logged(&desktop, "window closed") == 3
    })
    .await;
    assert!(app.child.try_wait().unwrap().is_none(), "the tray process ended with its window");
    launch(&desktop, "--show");
    eventually("a window after the crash", Duration::from_secs(20), || {
        logged(&desktop, "window opened") == 4
    })
    .await;
    let fourth = window_processes(tray);
    assert_eq!(fourth.len(), 1, "{fourth:?}");

    // The tray process killed outright: its window does not stay behind, orphaned.
    app.child.kill().unwrap();
    app.child.wait().unwrap();
    eventually("the orphaned window to end", Duration::from_secs(15), || !alive(fourth[0])).await;
}

/// A window process from another build (the binary replaced by an upgrade while the tray runs)
/// refuses to start, in one sentence, rather than misread the tray's messages.
#[test]
fn a_window_process_from_another_build_refuses_to_start() {
    let desktop = Desktop::start().unwrap();
    for protocol in [Some("0.0.0/0"), None] {
        let mut cmd = desktop.command(app_binary());
        cmd.arg("--window");
        if let Some(p) = protocol {
            cmd.arg(p);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{protocol:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("restart the app"), "{stderr}");
        assert!(out.stdout.is_empty(), "nothing on the channel to the tray: {out:?}");
    }
}

/// `xdotool` in the test's display; its output.
fn xdotool(desktop: &Desktop, args: &[&str]) -> String {
    let out = desktop.command("xdotool").args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The window's geometry (x, y, width, height), once it is shown.
async fn window_geometry(desktop: &Desktop) -> (i32, i32, i32, i32) {
    let found = std::cell::Cell::new(None);
    eventually("the window on screen", Duration::from_secs(20), || {
        let ids = xdotool(desktop, &["search", "--onlyvisible", "--name", "^Exotel Agent Tray$"]);
        let Some(id) = ids.lines().last() else { return false };
        let shell = xdotool(desktop, &["getwindowgeometry", "--shell", id]);
        let value = |key: &str| {
            shell.lines().find_map(|l| l.strip_prefix(&format!("{key}="))).and_then(|v| v.trim().parse().ok())
        };
        found.set(match (value("X"), value("Y"), value("WIDTH"), value("HEIGHT")) {
            (Some(x), Some(y), Some(w), Some(h)) => Some((x, y, w, h)),
            _ => None,
        });
        found.get().is_some()
    })
    .await;
    found.get().unwrap()
}

/// The window opens beside the pointer (where the agent clicked the tray), inside the screen,
/// and again at the size the agent gave it.
#[tokio::test(flavor = "multi_thread")]
async fn the_window_opens_beside_the_pointer_at_the_size_the_agent_gave_it() {
    let desktop = Desktop::start().unwrap();
    let _app = App::start(&desktop);
    eventually("the tray", Duration::from_secs(15), || logged(&desktop, "tray ready") == 1).await;

    // A tray at the bottom right (Windows' taskbar): the window above and to the left of it.
    xdotool(&desktop, &["mousemove", "1270", "790"]);
    launch(&desktop, "--show");
    let (x, y, w, h) = window_geometry(&desktop).await;
    assert_eq!((w, h), (420, 700), "the first size");
    assert!(
        x + w <= 1280 && x + w >= 1200 && y + h <= 800 && y + h >= 740,
        "bottom right: ({x}, {y}) {w}x{h}"
    );

    // Resized by the agent, then closed: the size is kept.
    let id = xdotool(&desktop, &["search", "--onlyvisible", "--name", "^Exotel Agent Tray$"]);
    let id = id.lines().last().unwrap().to_owned();
    xdotool(&desktop, &["windowsize", &id, "500", "600"]);
    eventually("the new size", Duration::from_secs(10), || {
        xdotool(&desktop, &["getwindowgeometry", "--shell", &id]).contains("WIDTH=500")
    })
    .await;
    launch(&desktop, "--hide");
    eventually("the window closed", Duration::from_secs(15), || logged(&desktop, "window closed") == 1).await;
    let settings = std::fs::read_to_string(desktop.home().join(".config/exotel-agent-tray/settings.toml"))
        .unwrap_or_else(|e| panic!("no settings ({e}):\n{}", app_log(&desktop)));
    assert!(settings.contains("width = 500") && settings.contains("height = 600"), "{settings}");

    // A tray at the top left: the window below and to the right, at the kept size.
    xdotool(&desktop, &["mousemove", "10", "5"]);
    launch(&desktop, "--show");
    let (x, y, w, h) = window_geometry(&desktop).await;
    assert_eq!((w, h), (500, 600), "the size the agent gave it");
    assert!(x <= 20 && y <= 20, "top left: ({x}, {y})");
}
