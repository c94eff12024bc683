//! Updates with the real app: a static channel on loopback serves a manifest and a package
//! signed in the test (a throwaway minisign key pair; the organisation's `update_pubkey` policy
//! gives the app its public key), the organisation's `update_url` points at it, and the schedule
//! is shortened (`EXOTEL_AGENT_UPDATE_SECS`).
//!
//! - a newer version with a good signature is offered in the window and the tray; the agent
//!   installs it: offline at Exotel first (a quit in the history), then the privileged install,
//!   which a stand-in for pkexec on the app's PATH records (its command line and the file's
//!   checksum), then the app starts again;
//! - a bad signature is refused and said; an older version is not offered;
//! - `updates = off`: the channel sees no request over several check times;
//! - a copy a package repository installed is told to update with the package manager, and
//!   nothing is downloaded.
//!
//! The app under test is a copy of the debug build marked as installed from a .deb, as Tauri's
//! bundler marks the binary it packs (the updater installs by that mark).

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use desktop_e2e::{
    App, Driver, accessibility_problems, app_binary, app_log, cli, eventually, sign_in_with_cli, wait_for,
};
use exotel_sandbox::{DEMO_USER_ID, DeviceName, Sandbox};
use fantoccini::Locator;
use test_session::Desktop;
use test_session::tray_host::{TrayHost, TrayItem};

/// The package the channel serves: enough of a .deb (an `ar` archive whose first member is
/// `debian-binary`) for the updater to accept it as one.
fn package() -> Vec<u8> {
    let mut bytes = b"!<arch>\ndebian-binary   1733400000  0     0     100644  4         `\n2.0\n".to_vec();
    bytes.extend(std::iter::repeat_n(0x5a, 4096));
    bytes
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// A throwaway key pair, and its public key as the app takes it.
struct Keys {
    pair: minisign::KeyPair,
}

impl Keys {
    fn new() -> Self {
        Self { pair: minisign::KeyPair::generate_unencrypted_keypair().unwrap() }
    }

    fn public(&self) -> String {
        b64(&self.pair.pk.to_box().unwrap().to_string())
    }

    /// The `.sig` file's text, base64: as `tauri signer sign --app-version` writes it.
    fn sign(&self, data: &[u8], version: &str) -> String {
        let trusted = format!("timestamp:1733400000\tfile:app.deb\tversion:{version}");
        let signature = minisign::sign(
            Some(&self.pair.pk),
            &self.pair.sk,
            std::io::Cursor::new(data),
            Some(&trusted),
            Some("signature from the test"),
        )
        .unwrap();
        b64(&signature.to_string())
    }
}

/// The organisation's update channel: `/latest.json` and `/app.deb`, each counted.
#[derive(Clone)]
struct Channel {
    url: String,
    manifest: Arc<Mutex<String>>,
    manifests: Arc<AtomicUsize>,
    downloads: Arc<AtomicUsize>,
}

impl Channel {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let channel =
            Self { url, manifest: Arc::default(), manifests: Arc::default(), downloads: Arc::default() };
        let (m, mc, dc) = (channel.manifest.clone(), channel.manifests.clone(), channel.downloads.clone());
        let app = axum::Router::new()
            .route(
                "/latest.json",
                axum::routing::get(move || {
                    mc.fetch_add(1, Ordering::SeqCst);
                    let body = m.lock().unwrap().clone();
                    async move { ([("content-type", "application/json")], body) }
                }),
            )
            .route(
                "/app.deb",
                axum::routing::get(move || {
                    dc.fetch_add(1, Ordering::SeqCst);
                    async move { package() }
                }),
            );
        tokio::spawn(async move { axum::serve(listener, app).await });
        channel
    }

    /// Offers `version`, signed by `keys`.
    fn offer(&self, version: &str, keys: &Keys) {
        let manifest = serde_json::json!({
            "version": version,
            "notes": "Fixes from the test",
            "pub_date": "2026-12-05T10:00:00Z",
            "platforms": {
                "linux-x86_64-deb": { "url": format!("{}/app.deb", self.url), "signature": keys.sign(&package(), version) }
            }
        });
        *self.manifest.lock().unwrap() = manifest.to_string();
    }

    fn manifests(&self) -> usize {
        self.manifests.load(Ordering::SeqCst)
    }

    fn downloads(&self) -> usize {
        self.downloads.load(Ordering::SeqCst)
    }
}

/// What each test starts from: a desktop with a tray host, the agent signed in to the sandbox,
/// a channel offering 9.0.0 signed with the organisation's key (the policies name both, with
/// `enforced`'s lines too), the .deb copy of the app, and the stand-ins' PATH.
struct Scene {
    desktop: Desktop,
    host: TrayHost,
    sandbox: Sandbox,
    channel: Channel,
    keys: Keys,
    app: PathBuf,
    path: String,
}

impl Scene {
    async fn new(enforced: &str, apt_repository: bool) -> Self {
        let desktop = Desktop::start().unwrap();
        let host = TrayHost::start(desktop.keyring().bus_address()).unwrap();
        let sandbox = Sandbox::start().await.unwrap();
        sign_in_with_cli(&desktop, &sandbox);
        let (channel, keys) = (Channel::start().await, Keys::new());
        channel.offer("9.0.0", &keys);
        policies(&desktop, &channel, &keys, enforced);
        let app = deb_copy(&desktop);
        let path = stand_ins(&desktop, apt_repository);
        Self { desktop, host, sandbox, channel, keys, app, path }
    }
}

/// The app's environment: the stand-ins first on its PATH, a look every 2 s.
fn env(path: &str) -> [(&str, &str); 2] {
    [("PATH", path), ("EXOTEL_AGENT_UPDATE_SECS", "2")]
}

/// The organisation's policies: this channel and this key, with `more` enforced lines.
fn policies(desktop: &Desktop, channel: &Channel, keys: &Keys, more: &str) {
    let file = desktop.keyring().presets_file();
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let text = format!(
        "[enforced]\n{more}update_url = \"{}/latest.json\"\nupdate_pubkey = \"{}\"\n",
        channel.url,
        keys.public()
    );
    std::fs::write(file, text).unwrap();
}

/// A copy of the app marked as installed from a .deb, as the bundler marks the one it packs.
fn deb_copy(desktop: &Desktop) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let mut bytes = std::fs::read(app_binary()).unwrap();
    let (from, to) = (b"__TAURI_BUNDLE_TYPE_VAR_UNK", b"__TAURI_BUNDLE_TYPE_VAR_DEB");
    let mut marked = 0;
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            marked += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    assert!(marked > 0, "the bundle mark is in the binary");
    let dir = desktop.home().join("opt");
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("exotel-agent-tray");
    std::fs::write(&copy, bytes).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    copy
}

/// A folder of stand-ins, first on the app's PATH: `pkexec`, which records its command line
/// and the checksum of the package it was given, then waits for the test's word
/// (`$HOME/pkexec-go`); and, when `apt_repository`, an `apt-cache` that says the installed
/// version came from a repository.
fn stand_ins(desktop: &Desktop, apt_repository: bool) -> String {
    use std::os::unix::fs::PermissionsExt;
    let dir = desktop.home().join("stand-ins");
    std::fs::create_dir_all(&dir).unwrap();
    let pkexec = "#!/bin/sh\n\
        log=\"$HOME/pkexec.log\"\n\
        { echo \"$*\"; sha256sum \"$3\" | cut -d' ' -f1; } > \"$log.part\"\n\
        mv \"$log.part\" \"$log\"\n\
        i=0; while [ ! -f \"$HOME/pkexec-go\" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done\n\
        exit 0\n";
    let mut scripts = vec![("pkexec", pkexec.to_owned())];
    if apt_repository {
        let table = "exotel-agent-tray:\n  Installed: 0.1.0\n  Candidate: 0.1.0\n  Version table:\n \
             *** 0.1.0 500\n        500 https://apt.example.in stable/main amd64 Packages\n        \
             100 /var/lib/dpkg/status\n";
        scripts.push(("apt-cache", format!("#!/bin/sh\nprintf '%s' '{table}'\n")));
    }
    for (name, text) in scripts {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default())
}

fn history(desktop: &Desktop) -> String {
    std::fs::read_to_string(desktop.home().join(".local/share/exotel-agent-tray/history.jsonl"))
        .unwrap_or_default()
}

fn sha256(path: &Path) -> String {
    let out = std::process::Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap_or_default().to_owned()
}

/// The tray menu's entry whose label starts with "Version", if any.
fn version_entry(item: &TrayItem) -> Option<test_session::tray_host::MenuEntry> {
    item.menu().ok()?.into_iter().find(|e| e.label.starts_with("Version"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_newer_signed_version_is_offered_and_installs_after_the_agent_is_offline() {
    let Scene { desktop, host, sandbox, channel, app, path, .. } = Scene::new("", false).await;
    cli(&desktop, &["phone"], None);
    let driver = Driver::start_with(&desktop, &env(&path)).await;
    let client = driver.session_of(&app).await;

    // Offered in the window, above everything, and in the tray, under the status line.
    wait_for(&client, "#update-offer:not([hidden])", "the offer in the window").await;
    let offer = client.find(Locator::Id("update-offer-text")).await.unwrap().text().await.unwrap();
    assert_eq!(offer, "Version 9.0.0 is ready: install and restart.");
    client.find(Locator::Css("#updates summary")).await.unwrap().click().await.unwrap();
    let line = client.find(Locator::Id("update-line")).await.unwrap().text().await.unwrap();
    assert!(line.starts_with("Version 9.0.0 is downloaded and checked (this is 0.1.0)"), "{line}");
    assert_eq!(accessibility_problems(&client).await, Vec::<String>::new(), "the offer, and Updates open");
    let item = host.wait_for_item(Duration::from_secs(20)).expect("the tray registered with the host");
    eventually("the offer in the tray", Duration::from_secs(10), || {
        version_entry(&item)
            .is_some_and(|e| e.label == "Version 9.0.0 is ready: install and restart" && e.enabled)
    })
    .await;
    assert_eq!(channel.downloads(), 1, "downloaded once, verified, kept");
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))), "nothing installs by itself");

    // The agent installs: offline at Exotel before the installer starts.
    client.find(Locator::Id("update-install")).await.unwrap().click().await.unwrap();
    let record = desktop.home().join("pkexec.log");
    eventually("the privileged installer started", Duration::from_secs(20), || record.exists()).await;
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(None)), "offline before the installer");
    assert!(history(&desktop).contains("\"source\":\"quit\""), "{}", history(&desktop));
    let said = std::fs::read_to_string(&record).unwrap();
    let mut lines = said.lines();
    let command: Vec<&str> = lines.next().unwrap_or_default().split(' ').collect();
    assert_eq!(&command[..2], ["dpkg", "-i"], "{said}");
    assert!(command[2].ends_with(".deb"), "{said}");
    let verified = desktop.home().join("served.deb");
    std::fs::write(&verified, package()).unwrap();
    assert_eq!(lines.next(), Some(sha256(&verified).as_str()), "the package as served and verified");

    // The installer ends: the app starts again (here the same build, as nothing was installed).
    std::fs::write(desktop.home().join("pkexec-go"), "").unwrap();
    let started_again = || {
        let log = app_log(&desktop);
        log.contains("installed; starting again") && log.matches("tray ready").count() >= 2
    };
    for _ in 0..600 {
        if started_again() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(started_again(), "the app did not start again:\n{}", app_log(&desktop));
    drop(client);
    let _ = desktop.command(&app).arg("--quit").status();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_signature_is_refused_and_said_and_an_older_version_is_not_offered() {
    let Scene { desktop, host, sandbox: _sandbox, channel, keys, app, path } = Scene::new("", false).await;
    channel.offer("9.0.0", &Keys::new());
    // The first look within 2 s, the next not for 10 min: only *Check for updates* looks again.
    let driver =
        Driver::start_with(&desktop, &[("PATH", &path), ("EXOTEL_AGENT_UPDATE_SECS", "2,600")]).await;
    let client = driver.session_of(&app).await;

    // Downloaded, refused, said under *Updates*; offered nowhere, installed never.
    wait_for(&client, "#update-line.field-error", "the refusal said").await;
    client.find(Locator::Css("#updates summary")).await.unwrap().click().await.unwrap();
    wait_for(&client, "#updates[open] #update-check", "Updates open").await;
    let line = client.find(Locator::Id("update-line")).await.unwrap().text().await.unwrap();
    assert!(line.contains("signature is not the app's: it was not installed"), "{line}");
    assert_eq!(accessibility_problems(&client).await, Vec::<String>::new(), "the refusal said");
    assert!(channel.downloads() >= 1);
    let item = host.wait_for_item(Duration::from_secs(20)).expect("the tray registered with the host");
    assert!(version_entry(&item).is_none(), "{:#?}", item.menu());
    let offer = client.find(Locator::Id("update-offer")).await.unwrap();
    assert!(!offer.is_displayed().await.unwrap());
    assert!(!desktop.home().join("pkexec.log").exists());

    // The channel now offers an older version, properly signed: nothing is offered.
    channel.offer("0.0.1", &keys);
    let (downloads, looks) = (channel.downloads(), channel.manifests());
    client.find(Locator::Id("update-check")).await.unwrap().click().await.unwrap();
    let mut line = String::new();
    for _ in 0..100 {
        line = client.find(Locator::Id("update-line")).await.unwrap().text().await.unwrap();
        if line.contains("is the latest") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(line.starts_with("Version 0.1.0 is the latest (looked today "), "{line}");
    assert!(!offer.is_displayed().await.unwrap());
    assert!(version_entry(&item).is_none());
    assert_eq!(channel.downloads(), downloads, "nothing older is downloaded");
    assert_eq!(channel.manifests(), looks + 1, "one look, asked for by the button");
}

#[tokio::test(flavor = "multi_thread")]
async fn with_updates_off_the_channel_is_never_asked() {
    let Scene { desktop, host: _host, sandbox: _sandbox, channel, app, .. } =
        Scene::new("updates = false\n", false).await;
    let _app = App::start_binary_with(&desktop, &app, &[("EXOTEL_AGENT_UPDATE_SECS", "1")]);
    eventually("the app running", Duration::from_secs(20), || app_log(&desktop).contains("tray ready")).await;
    // Several check times pass.
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!((channel.manifests(), channel.downloads()), (0, 0));
    assert!(app_log(&desktop).contains("updates are turned off by policy"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_from_a_package_repository_is_told_to_use_the_package_manager() {
    let Scene { desktop, host, sandbox: _sandbox, channel, app, path, .. } = Scene::new("", true).await;
    let _app = App::start_binary_with(&desktop, &app, &env(&path));
    let item = host.wait_for_item(Duration::from_secs(20)).expect("the tray registered with the host");
    eventually("the package manager's line in the tray", Duration::from_secs(20), || {
        version_entry(&item)
            .is_some_and(|e| e.label == "Version 9.0.0: update with your package manager" && !e.enabled)
    })
    .await;
    assert!(channel.manifests() >= 1);
    assert_eq!(channel.downloads(), 0, "nothing downloaded for a package manager's copy");
}

/// `update_install = at_quit`: the agent quits from the tray; offline first (even with
/// "offline on quit" turned off: the window promised it), then the installer, then the app
/// ends (no restart: the agent asked to quit).
#[tokio::test(flavor = "multi_thread")]
async fn at_quit_the_update_installs_when_the_agent_quits() {
    let Scene { desktop, host, sandbox, app, path, .. } =
        Scene::new("update_install = \"at_quit\"\n", false).await;
    cli(&desktop, &["sip"], None);
    cli(&desktop, &["settings", "--set", "offline_on_quit=false"], None);
    let mut running = App::start_binary_with(&desktop, &app, &env(&path));
    let item = host.wait_for_item(Duration::from_secs(20)).expect("the tray registered with the host");
    eventually("the offer in the tray", Duration::from_secs(20), || version_entry(&item).is_some()).await;
    assert!(!desktop.home().join("pkexec.log").exists(), "nothing installs before the quit");

    let quit = item.menu().unwrap().into_iter().find(|e| e.label == "Quit").unwrap();
    item.click(quit.id).unwrap();
    let record = desktop.home().join("pkexec.log");
    eventually("the installer at quit", Duration::from_secs(20), || record.exists()).await;
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(None)), "offline before the installer");
    // While the installer waits (for a password, say), the tray says so, and its Phone item
    // turns nothing on: the app is about to end.
    let installing = |e: &test_session::tray_host::MenuEntry| e.label.starts_with("Installing version 9.0.0");
    eventually("the install's line in the tray", Duration::from_secs(10), || {
        item.menu().is_ok_and(|m| m.iter().any(|e| installing(e) && !e.enabled))
    })
    .await;
    let phone = item.menu().unwrap().into_iter().find(|e| e.label == "Receive calls on phone").unwrap();
    item.click(phone.id).unwrap();
    eventually("the refusal", Duration::from_secs(10), || {
        app_log(&desktop).contains("the change was not made")
    })
    .await;
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(None)), "still offline while the installer runs");
    std::fs::write(desktop.home().join("pkexec-go"), "").unwrap();
    running.wait_exit(Duration::from_secs(20));
    let log = app_log(&desktop);
    assert!(log.contains("installed at quit"), "{log}");
    assert_eq!(log.matches("tray ready").count(), 1, "no restart after a quit");
}
