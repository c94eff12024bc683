//! The Linux package as an IT admin installs it: the `.deb` that `scripts/package.sh` builds
//! (the test command builds it first). Its control fields, its files (both binaries, the
//! desktop entry, the icons, the documentation), and the unpacked app itself: started under
//! Xvfb, it reaches its tray and exits cleanly when asked to (SIGTERM).
//!
//! Ignored by a plain `cargo test` (it needs the release package, a long build); the test
//! command runs it with `--ignored` after building the package. Also here: the first run
//! without a display.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use desktop_e2e::{App, app_binary, app_log, eventually};
use test_session::Desktop;

const NAME: &str = "exotel-agent-tray";

/// The one `.deb` under `target/release/bundle/deb`.
fn the_deb() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/bundle/deb");
    let debs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!("{}: {e}; build the package first: bash scripts/package.sh", dir.display())
        })
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "deb"))
        .collect();
    assert_eq!(debs.len(), 1, "exactly one .deb in {}: {debs:?}", dir.display());
    debs.into_iter().next().unwrap()
}

fn control_field(deb: &Path, field: &str) -> String {
    let out = Command::new("dpkg-deb").arg("--field").arg(deb).arg(field).output().expect("dpkg-deb");
    assert!(out.status.success(), "dpkg-deb --field {field}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A PNG's width and height, from its header.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 24, "{} is not a PNG", path.display());
    let be = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (be(16), be(20))
}

#[tokio::test]
#[ignore = "needs the release .deb: bash scripts/package.sh (the test command builds it and runs this)"]
async fn the_deb_declares_and_holds_the_app_and_the_unpacked_app_reaches_its_tray_and_quits_cleanly() {
    let deb = the_deb();

    // Control fields: the name, the workspace's version, and what the app needs to run.
    assert_eq!(control_field(&deb, "Package"), NAME);
    assert_eq!(
        control_field(&deb, "Version"),
        env!("CARGO_PKG_VERSION"),
        "the version comes from Cargo.toml"
    );
    let depends = control_field(&deb, "Depends");
    for needed in ["libwebkit2gtk-4.1-0", "libgtk-3-0", "libayatana-appindicator3-1", "libdbus-1-3"] {
        assert!(depends.split(", ").any(|d| d == needed), "Depends lacks {needed}: {depends}");
    }
    assert!(control_field(&deb, "Recommends").contains("gnome-keyring"), "a keyring is recommended");

    // Unpacked as dpkg would install it, into a temporary root.
    let root = tempfile::tempdir().unwrap();
    let status = Command::new("dpkg-deb").arg("-x").arg(&deb).arg(root.path()).status().expect("dpkg-deb -x");
    assert!(status.success(), "dpkg-deb -x");
    let at = |p: &str| root.path().join(p);

    for bin in ["usr/bin/exotel-agent-tray", "usr/bin/exotel-agent"] {
        let mode =
            std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(at(bin)).unwrap().permissions());
        assert!(mode & 0o111 == 0o111, "{bin} is executable by everyone: {mode:o}");
    }

    // The desktop entry: launches the app with its window, names its icon and categories.
    let entry = std::fs::read_to_string(at("usr/share/applications/exotel-agent-tray.desktop")).unwrap();
    for line in [
        "[Desktop Entry]",
        "Type=Application",
        "Name=Exotel Agent Tray",
        "Exec=exotel-agent-tray --show",
        "Icon=exotel-agent-tray",
        "Terminal=false",
        "Categories=Network;Telephony;",
    ] {
        assert!(entry.lines().any(|l| l == line), "the desktop entry lacks {line:?}:\n{entry}");
    }

    // The app icon at each size the bundler installs, each a PNG of that size.
    for size in [32, 64, 128, 512] {
        let icon = at(&format!("usr/share/icons/hicolor/{size}x{size}/apps/{NAME}.png"));
        assert_eq!(png_size(&icon), (size, size), "{}", icon.display());
    }

    // What an admin reads: the presets example, the README, the security notes, the changelog.
    for doc in ["presets.example.toml", "README.md", "SECURITY.md", "changelog.gz"] {
        let path = at(&format!("usr/share/doc/{NAME}/{doc}"));
        assert!(path.metadata().is_ok_and(|m| m.len() > 0), "{} is missing or empty", path.display());
    }

    // The unpacked command line answers with the package's version.
    let version = Command::new(at("usr/bin/exotel-agent")).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("exotel-agent {}", env!("CARGO_PKG_VERSION"))
    );

    // The unpacked app, on a fresh desktop: to the tray, then a clean exit on SIGTERM.
    let desktop = Desktop::start().unwrap();
    let mut app = App::start_binary(&desktop, &at("usr/bin/exotel-agent-tray"));
    eventually("the packaged app reaches its tray", Duration::from_secs(30), || {
        app_log(&desktop).contains("tray ready")
    })
    .await;
    app.terminate();
    app.wait_exit(Duration::from_secs(10));
    let log = app_log(&desktop);
    assert!(!log.contains("panicked"), "no panic in the log:\n{log}");
}

/// A first run over SSH, in a container, or with a stale DISPLAY: one sentence and exit code
/// 1, not a GTK panic.
#[test]
fn without_a_display_the_app_says_so_in_one_sentence() {
    let home = tempfile::tempdir().unwrap();
    for (display, wayland, says) in [
        (None, None, "no graphical display"),
        (Some(""), None, "no graphical display"),
        (Some(":987"), None, "the X display :987 cannot be opened"),
        (None, Some("wayland-987"), "the Wayland display wayland-987 does not exist"),
    ] {
        let mut cmd = Command::new(app_binary());
        cmd.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
        if let Some(d) = display {
            cmd.env("DISPLAY", d);
        }
        if let Some(w) = wayland {
            cmd.env("WAYLAND_DISPLAY", w).env("XDG_RUNTIME_DIR", home.path());
        }
        let out = cmd
            .env("HOME", home.path())
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{display:?} {wayland:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "one line for {display:?} {wayland:?}: {stderr}");
        assert!(lines[0].contains(says) && lines[0].contains("exotel-agent command line"), "{stderr}");
    }
}
