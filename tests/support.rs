//! Helpers for the end-to-end tests: the built app, `tauri-driver`, and a WebDriver session on
//! the app's real window.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use exotel_sandbox::{DEMO_APP_SECRET, Endpoint, Sandbox};
use fantoccini::{Client, ClientBuilder, Locator};
use test_session::Desktop;

/// The debug build of the app, next to this test's own binary in the shared target folder.
pub fn app_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    // target/debug/deps/desktop-<hash> -> target/debug/exotel-agent-tray
    let dir = exe.parent().and_then(|d| d.parent()).expect("target/debug");
    let app = dir.join("exotel-agent-tray");
    assert!(app.exists(), "{} is missing: build it first (cargo build --workspace --bins)", app.display());
    app
}

/// `tauri-driver` on a free port, started in the desktop's environment (so the app it launches
/// gets the test's HOME, bus, keyring and display).
#[derive(Debug)]
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Driver {
    pub async fn start(desktop: &Desktop) -> Self {
        Self::start_with(desktop, &[]).await
    }

    /// With these environment variables too, for the driver and so for the app it starts
    /// (`GTK_THEME=Adwaita:dark`, say).
    pub async fn start_with(desktop: &Desktop, env: &[(&str, &str)]) -> Self {
        Self::start_in(desktop, env, &[]).await
    }

    /// With these environment variables, and without those named in `remove` (`DISPLAY`, for
    /// a Wayland-only session).
    pub async fn start_in(desktop: &Desktop, env: &[(&str, &str)], remove: &[&str]) -> Self {
        let port = free_port();
        let native = free_port();
        let mut command = desktop.command(tauri_driver());
        for name in remove {
            command.env_remove(name);
        }
        let child = command
            .envs(env.iter().copied())
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            // The app inherits this: its log file is then as verbose as it gets, and the tests
            // scan it for secrets.
            .env("RUST_LOG", "trace")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tauri-driver (installed by scripts/install-deps.sh test)");
        let driver = Self { child, port };
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if reqwest::get(format!("http://127.0.0.1:{port}/status"))
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("tauri-driver did not answer on port {port}");
    }

    /// A WebDriver session: the app is launched with `--show`, so its window opens at start.
    pub async fn session(&self) -> Client {
        self.session_of(&app_binary()).await
    }

    /// A WebDriver session on another build of the app (a copy marked as installed from a
    /// .deb, say).
    pub async fn session_of(&self, binary: &std::path::Path) -> Client {
        // Already chosen (by an earlier session in this test binary) is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert("tauri:options".into(), serde_json::json!({ "application": binary, "args": ["--show"] }));
        ClientBuilder::rustls()
            .expect("TLS roots")
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a WebDriver session on the app's window")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tauri_driver() -> PathBuf {
    let home_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|d| d.join("bin/tauri-driver"));
    match home_bin {
        Some(p) if p.exists() => p,
        _ => PathBuf::from("tauri-driver"),
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits for an element matching `css`, failing with `what` after 15 s.
pub async fn wait_for(client: &Client, css: &str, what: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{what}: no {css} ({e})"))
}

/// The text (as drawn) of the first element `css` finds, read in one go: a view that arrives
/// between finding an element and reading it may have drawn it anew.
pub async fn text_now(client: &Client, css: &str) -> String {
    let script = "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;";
    let text = client.execute(script, vec![serde_json::Value::from(css)]).await;
    match text {
        Ok(serde_json::Value::String(text)) => text,
        other => panic!("no text at {css}: {other:?}"),
    }
}

/// The text of the element with this id.
pub async fn text_of(client: &Client, id: &str) -> String {
    client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .text()
        .await
        .unwrap_or_default()
}

/// `exotel-agent` (built next to the app).
pub fn cli_binary() -> PathBuf {
    app_binary().with_file_name("exotel-agent")
}

/// Runs `exotel-agent` on this desktop (sharing the app's sign-in) and checks it succeeded.
pub fn cli(desktop: &Desktop, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let out = desktop.run(cli_binary(), args, stdin).expect("run exotel-agent");
    assert!(out.status.success(), "exotel-agent {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Signs in with the command line, to the sandbox.
pub fn sign_in_with_cli(desktop: &Desktop, sandbox: &Sandbox) {
    let args = sandbox.cli_login_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    cli(desktop, &args, Some(DEMO_APP_SECRET));
}

/// Edits one line of the settings file, as a person (or an admin's script) would; the app
/// reads it at start.
pub fn edit_settings(desktop: &Desktop, from: &str, to: &str) {
    let path = desktop.home().join(".config/exotel-agent-tray/settings.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{text}");
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// Starts the app signed in (with the command line) and on the phone, with `settings` edits,
/// and waits for its start-up read.
pub async fn app_on_phone(
    desktop: &Desktop,
    sandbox: &Sandbox,
    settings: &[(&str, &str)],
    env: &[(&str, &str)],
) -> App {
    sign_in_with_cli(desktop, sandbox);
    cli(desktop, &["phone"], None);
    for (from, to) in settings {
        edit_settings(desktop, from, to);
    }
    let reads = sandbox.count(Endpoint::Usermapping);
    let app = App::start_with(desktop, env);
    eventually("the app's start-up read", Duration::from_secs(15), || {
        sandbox.count(Endpoint::Usermapping) > reads
    })
    .await;
    app
}

/// The app started directly (not through WebDriver), in the tray with no window.
#[derive(Debug)]
pub struct App {
    pub child: Child,
}

impl App {
    pub fn start(desktop: &Desktop) -> Self {
        Self::start_binary(desktop, &app_binary())
    }

    /// Starts the app with these environment variables too.
    pub fn start_with(desktop: &Desktop, env: &[(&str, &str)]) -> Self {
        let mut command = desktop.command(app_binary());
        command.envs(env.iter().copied()).env("RUST_LOG", "info").stdout(Stdio::null()).stderr(Stdio::null());
        Self { child: command.spawn().expect("start the app") }
    }

    /// Starts another build of the app (the one unpacked from the .deb, say).
    pub fn start_binary(desktop: &Desktop, binary: &std::path::Path) -> Self {
        Self::start_binary_with(desktop, binary, &[])
    }

    /// Starts another build of the app with these environment variables too.
    pub fn start_binary_with(desktop: &Desktop, binary: &std::path::Path, env: &[(&str, &str)]) -> Self {
        let child = desktop
            .command(binary)
            .envs(env.iter().copied())
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the app");
        Self { child }
    }

    /// Sends SIGTERM, as a session ending would.
    pub fn terminate(&self) {
        let ok = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill -TERM");
    }

    /// Waits for the app to end (at most `limit`); how long it took.
    pub fn wait_exit(&mut self, limit: Duration) -> Duration {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "the app exited with {status}");
                return start.elapsed();
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("the app did not exit within {limit:?}");
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `ok` every 50 ms for at most `limit`.
pub async fn eventually(what: &str, limit: Duration, ok: impl Fn() -> bool) {
    let start = Instant::now();
    while start.elapsed() < limit {
        if ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}: not within {limit:?}");
}

/// The app's log files on this desktop, concatenated (for failure messages).
pub fn app_log(desktop: &Desktop) -> String {
    let dir = desktop.home().join(".local/state/exotel-agent-tray/logs");
    let mut out = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        out.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    out
}

/// A picture of the window, into `target/screenshots/{name}` (ignored by git, so the tests
/// leave the tree as it was); with `EXOTEL_UPDATE_SCREENSHOT=1` (`make screenshot`) also into
/// `docs/{name}`, where the README shows it.
pub async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 1000, "a real picture of the window");
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let shots = root.join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    std::fs::write(shots.join(name), &png).unwrap();
    if std::env::var_os("EXOTEL_UPDATE_SCREENSHOT").is_some() {
        std::fs::write(root.join("docs").join(name), &png).unwrap();
    }
}

/// The accessibility problems axe-core (pinned in `tests/axe`, installed by the tests'
/// set-up) finds in the window as it is now, against WCAG 2.1 A and AA: each as
/// "rule: the elements", empty when there are none. Colour contrast is checked in the theme
/// the window shows.
pub async fn accessibility_problems(client: &Client) -> Vec<String> {
    let axe =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("axe/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&axe)
        .unwrap_or_else(|e| panic!("{}: {e} (scripts/install-deps.sh test installs it)", axe.display()));
    let loaded = client.execute("return typeof window.axe === 'object'", vec![]).await.unwrap();
    if loaded != serde_json::Value::Bool(true) {
        client.execute(&format!("{source}\nreturn true;"), vec![]).await.unwrap();
    }
    let run = "const done = arguments[arguments.length - 1]; \
        axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }) \
          .then((r) => done(JSON.stringify(r.violations.map((v) => \
            v.id + ': ' + v.nodes.map((n) => n.target.join(' ') + ' (' + n.failureSummary + ')').join('; '))))) \
          .catch((e) => done(JSON.stringify(['axe failed: ' + e])));";
    let found = client.execute_async(run, vec![]).await.unwrap();
    serde_json::from_str(found.as_str().unwrap_or("[\"no answer\"]")).unwrap()
}

/// The freedesktop screensaver, as the owner of its name on the desktop's bus.
pub async fn screensaver(desktop: &Desktop) -> zbus::Connection {
    let conn =
        zbus::connection::Builder::address(desktop.keyring().bus_address()).unwrap().build().await.unwrap();
    conn.request_name("org.freedesktop.ScreenSaver").await.unwrap();
    conn
}

/// The screensaver says the screen locked.
pub async fn lock_screen(screensaver: &zbus::Connection) {
    screensaver
        .emit_signal(
            None::<&str>,
            "/org/freedesktop/ScreenSaver",
            "org.freedesktop.ScreenSaver",
            "ActiveChanged",
            &true,
        )
        .await
        .unwrap();
}
