//! The Linux package as an IT admin installs it: the `.deb` that `scripts/package.sh` builds
//! (the test command builds it first). Its control fields, its files (both binaries, the
//! desktop entry, the icons, the documentation), and the unpacked app itself: started under
//! Xvfb, it reaches its tray and exits cleanly when asked to (SIGTERM). The `.rpm` is checked
//! against it.
//!
//! The update channel `make package` writes beside them (signed with a throwaway key the test
//! command makes) is checked against the unpacked app, which the bundler marked as a .deb: it
//! finds the newer version, downloads it and verifies its signature.
//!
//! Those are ignored by a plain `cargo test` (they need the release packages, a long
//! build); the test command runs them with `--ignored` after building the packages. Also here: the first run
//! without a display.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use desktop_e2e::{App, app_binary, app_log, eventually};
use test_session::Desktop;

const NAME: &str = "exotel-agent-tray";

/// The one package of `kind` (`deb`, `rpm`) under `target/release/bundle/<kind>`.
fn the_package(kind: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/bundle").join(kind);
    let found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!("{}: {e}; build the package first: bash scripts/package.sh", dir.display())
        })
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == kind))
        .collect();
    assert_eq!(found.len(), 1, "exactly one .{kind} in {}: {found:?}", dir.display());
    found.into_iter().next().unwrap()
}

fn the_deb() -> PathBuf {
    the_package("deb")
}

/// Every regular file under `root`, as paths relative to it, sorted.
fn files_under(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
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

/// The .rpm (for Fedora/openSUSE) holds the same files as the .deb, the same binaries (but for
/// the bundler's package-type mark), and carries the same version. It is not installed or started (no rpm system here); it is
/// unpacked with rpm2cpio.
#[test]
#[ignore = "needs the release packages: bash scripts/package.sh (the test command builds them and runs this)"]
fn the_rpm_holds_what_the_deb_holds() {
    let (deb, rpm) = (the_deb(), the_package("rpm"));
    let deb_root = tempfile::tempdir().unwrap();
    assert!(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(deb_root.path()).status().unwrap().success());
    let rpm_root = tempfile::tempdir().unwrap();
    let unpack = format!("rpm2cpio '{}' | cpio -idm --quiet", rpm.display());
    let status = Command::new("sh").arg("-c").arg(&unpack).current_dir(rpm_root.path()).status().unwrap();
    assert!(status.success(), "{unpack}");

    // The changelog is the .deb's alone (/usr/share/doc/<package>/changelog.gz).
    let deb_files: Vec<String> =
        files_under(deb_root.path()).into_iter().filter(|f| !f.ends_with("changelog.gz")).collect();
    assert!(deb_files.len() >= 10, "{deb_files:?}");
    assert_eq!(files_under(rpm_root.path()), deb_files);
    let read = |root: &Path, bin: &str| std::fs::read(root.join(bin)).unwrap();
    let cli = "usr/bin/exotel-agent";
    assert!(read(deb_root.path(), cli) == read(rpm_root.path(), cli), "{cli} differs between the packages");
    // The bundler marks the app's binary with its package type (for Tauri's updater): the two
    // copies differ in exactly those bytes, "DEB" against "RPM".
    let app = "usr/bin/exotel-agent-tray";
    let (from_deb, from_rpm) = (read(deb_root.path(), app), read(rpm_root.path(), app));
    assert_eq!(from_deb.len(), from_rpm.len());
    let differ: Vec<usize> = (0..from_deb.len()).filter(|&i| from_deb[i] != from_rpm[i]).collect();
    assert!(!differ.is_empty() && differ.len() <= 3, "{} bytes differ", differ.len());
    let (first, last) = (differ[0], differ[differ.len() - 1]);
    assert!(last - first < 3, "the differing bytes are together");
    assert_eq!((&from_deb[first..first + 3], &from_rpm[first..first + 3]), (&b"DEB"[..], &b"RPM"[..]));

    let name = rpm.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with(&format!("{NAME}-{}-", env!("CARGO_PKG_VERSION"))), "{name}");
}

/// The channel `make package` wrote (`target/update-channel`: latest.json, the packages and
/// their .sig files, signed by the test command's throwaway key and announcing 9.9.9), served on
/// loopback to the unpacked app with that key as the organisation's: the app finds 9.9.9,
/// downloads the .deb and verifies its signature, as Tauri's updater does for a real release.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the release .deb and its signed channel: bash scripts/test.sh makes both"]
async fn the_update_channel_make_package_writes_is_one_the_packaged_app_accepts() {
    let Ok(key_file) = std::env::var("EXOTEL_TEST_CHANNEL_KEY") else {
        panic!("EXOTEL_TEST_CHANNEL_KEY names the channel's public key: run scripts/test.sh");
    };
    let channel = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/update-channel");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(channel.join("latest.json")).unwrap()).unwrap();
    assert_eq!(manifest["version"], "9.9.9", "{manifest}");
    let entry = &manifest["platforms"][format!("linux-{}-deb", std::env::consts::ARCH)];
    let url = entry["url"].as_str().unwrap_or_default();
    let name = url.rsplit('/').next().unwrap_or_default().to_owned();
    assert!(name.ends_with(".deb"), "{manifest}");
    let sig = std::fs::read_to_string(channel.join(format!("{name}.sig"))).unwrap();
    assert_eq!(entry["signature"].as_str(), Some(sig.trim()), "the manifest carries the .sig file's text");
    assert!(manifest["platforms"][format!("linux-{}-rpm", std::env::consts::ARCH)]["url"].is_string());

    // Served on loopback, the manifest pointing at this server (the signature covers the
    // package, not where it is served from).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut served = manifest.clone();
    served["platforms"][format!("linux-{}-deb", std::env::consts::ARCH)]["url"] =
        serde_json::Value::String(format!("{base}/{name}"));
    let package = std::fs::read(channel.join(&name)).unwrap();
    let app = axum::Router::new()
        .route("/latest.json", axum::routing::get(move || std::future::ready(served.to_string())))
        .route(&format!("/{name}"), axum::routing::get(move || std::future::ready(package.clone())));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let root = tempfile::tempdir().unwrap();
    let status = Command::new("dpkg-deb").arg("-x").arg(the_deb()).arg(root.path()).status().unwrap();
    assert!(status.success());
    let desktop = Desktop::start().unwrap();
    let presets = desktop.keyring().presets_file();
    std::fs::create_dir_all(presets.parent().unwrap()).unwrap();
    let key = std::fs::read_to_string(&key_file).unwrap();
    std::fs::write(
        &presets,
        format!("[enforced]\nupdate_url = \"{base}/latest.json\"\nupdate_pubkey = \"{}\"\n", key.trim()),
    )
    .unwrap();
    let _app = App::start_binary_with(
        &desktop,
        &root.path().join("usr/bin/exotel-agent-tray"),
        &[("EXOTEL_AGENT_UPDATE_SECS", "2")],
    );
    let verified = || app_log(&desktop).contains("update downloaded; its signature verified version=9.9.9");
    for _ in 0..600 {
        if verified() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let log = app_log(&desktop);
    assert!(verified(), "the packaged app did not verify 9.9.9:\n{log}");
    assert!(log.contains("Ready"), "offered once verified:\n{log}");
}
