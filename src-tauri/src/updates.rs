//! Updates, the tray process's side: when to look ([`schedule`]; the start asks the shell for
//! each look), one look ([`look`]: the channel read by agent-core, then
//! the download and its signature check by Tauri's updater), and the install ([`install`]). The
//! shell ([`crate::shell`]) holds where things stand ([`agent_core::updates::UpdateState`]) and
//! decides when an install may run: after the agent is offline, as on quit.
//!
//! Nothing here installs by itself: a verified download waits in memory until the agent asks for
//! it (or quits, with `update_install = at_quit`). A download whose signature is not the project's
//! key (or the organisation's, `update_pubkey`) is never kept.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use agent_core::updates::{Offer, Schedule, UpdateError, UpdateRules, UpdateState, platform_keys};
use exotel_api::NetCause;
use tauri::AppHandle;
use tauri_plugin_updater::UpdaterExt;

/// The longest a download from the update channel may take (an MSI or a package of a few MB).
pub const DOWNLOAD_LIMIT: Duration = Duration::from_secs(10 * 60);

/// Where the app stands with updates, shared by the shell (its only writer) and the window's
/// commands (which read it into the window's view).
#[derive(Debug, Clone)]
pub struct UpdateBoard(Arc<Mutex<UpdateState>>);

impl UpdateBoard {
    pub fn new(state: UpdateState) -> Self {
        Self(Arc::new(Mutex::new(state)))
    }

    pub fn get(&self) -> UpdateState {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    pub fn set(&self, state: UpdateState) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = state;
    }
}

/// A newer version, downloaded and verified, waiting for the agent.
pub struct Ready {
    pub version: String,
    update: tauri_plugin_updater::Update,
    bytes: Vec<u8>,
}

impl std::fmt::Debug for Ready {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ready({}, {} bytes)", self.version, self.bytes.len())
    }
}

/// What one look found.
#[derive(Debug)]
pub enum Found {
    Nothing,
    /// A newer version for a copy a package manager keeps current: said, not downloaded.
    PackageManager(String),
    /// A newer version for a copy not installed from a package: said, not downloaded.
    NotInstallable(String),
    Ready(Box<Ready>),
}

/// The plugin, with the project's key from the configuration (`plugins.updater.pubkey`).
pub fn plugin() -> tauri::plugin::TauriPlugin<tauri::Wry, tauri_plugin_updater::Config> {
    tauri_plugin_updater::Builder::new().build()
}

/// This app's version.
pub fn current_version(app: &AppHandle) -> String {
    app.package_info().version.to_string()
}

/// How this copy was installed, as the manifest's keys name it: the bundle the bundler built
/// this binary for, else agent-core's guess (the Windows MSI is built without the bundler).
fn installer() -> Option<&'static str> {
    use tauri::utils::config::BundleType;
    match tauri::utils::platform::bundle_type() {
        Some(BundleType::Deb) => Some("deb"),
        Some(BundleType::Rpm) => Some("rpm"),
        Some(BundleType::AppImage) => Some("appimage"),
        Some(BundleType::Msi) => Some("msi"),
        Some(BundleType::Nsis) => Some("nsis"),
        Some(BundleType::App | BundleType::Dmg) => Some("app"),
        _ => agent_core::updates::this_install(),
    }
}

/// Whether the updater may install over this copy. On Linux only a copy the bundler marked as a
/// .deb, .rpm or AppImage: the updater installs by that mark, and would treat an unmarked binary
/// (a build run from its folder) as an AppImage and replace it.
fn installable() -> bool {
    !cfg!(target_os = "linux") || tauri::utils::platform::bundle_type().is_some()
}

/// The organisation's schedule: [`Schedule::default`], or with `EXOTEL_AGENT_UPDATE_SECS=N`
/// every N seconds, the first look within N; `N,M`: the first within N, then every M (tests;
/// a demonstration).
pub fn schedule() -> Schedule {
    let secs: Vec<u64> = std::env::var("EXOTEL_AGENT_UPDATE_SECS")
        .unwrap_or_default()
        .split(',')
        .filter_map(|s| s.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
        .collect();
    match secs[..] {
        [first] | [first, _] => Schedule {
            first_within: (Duration::ZERO, Duration::from_secs(first)),
            every: Duration::from_secs(*secs.last().unwrap_or(&first)),
            jitter: Duration::ZERO,
        },
        _ => Schedule::default(),
    }
}

/// One look: the channel (agent-core's reading, the same as `exotel-agent update --check`); for
/// a newer version, the package manager's case, or the download and its signature check.
///
/// `msi_properties`: the installer's properties as the organisation set them
/// ([`agent_core::Policies::msi_properties`]), given to msiexec again on Windows.
pub async fn look(
    app: &AppHandle,
    rules: &UpdateRules,
    msi_properties: &[(String, String)],
) -> Result<Found, UpdateError> {
    let current = current_version(app);
    let installer = installer();
    let keys = platform_keys(installer);
    let Some(offer) = agent_core::updates::check(rules, &current, &keys).await? else {
        return Ok(Found::Nothing);
    };
    tracing::info!(version = %offer.version, platform = %offer.platform, "a newer version is offered");
    if installer == Some("deb") && from_package_repository().await {
        return Ok(Found::PackageManager(offer.version));
    }
    if !installable() {
        tracing::info!("this copy was not installed from a package: the updater does not install over it");
        return Ok(Found::NotInstallable(offer.version));
    }
    download(app, rules, &offer, msi_properties).await.map(|ready| Found::Ready(Box::new(ready)))
}

/// Whether the installed .deb came from a package repository (`apt-cache policy`): then apt
/// keeps it current. No apt-cache, or no answer: not from one.
async fn from_package_repository() -> bool {
    let asked = tokio::process::Command::new("apt-cache")
        .args(["policy", "exotel-agent-tray"])
        .env("LC_ALL", "C")
        .output();
    match tokio::time::timeout(Duration::from_secs(20), asked).await {
        Ok(Ok(out)) => agent_core::updates::from_package_repository(&String::from_utf8_lossy(&out.stdout)),
        _ => false,
    }
}

/// The updater's check (for the same manifest entry) and download, which verifies the signature
/// with the project's key, or the organisation's.
async fn download(
    app: &AppHandle,
    rules: &UpdateRules,
    offer: &Offer,
    msi_properties: &[(String, String)],
) -> Result<Ready, UpdateError> {
    let channel = url::Url::parse(rules.channel.trim())
        .map_err(|e| UpdateError::Install(format!("the channel's address: {e}")))?;
    let host = channel.host_str().unwrap_or_default().to_owned();
    let plugin_error = |e| plugin_error(e, &host);
    let mut builder = app
        .updater_builder()
        .target(offer.platform.clone())
        .timeout(Duration::from_secs(120))
        .endpoints(vec![channel])
        .map_err(plugin_error)?;
    if let Some(key) = &rules.pubkey {
        builder = builder.pubkey(key.clone());
    }
    // msiexec's `NAME="value"` (only Windows' installer reads them).
    builder =
        builder.installer_args(msi_properties.iter().map(|(name, value)| format!("{name}=\"{value}\"")));
    let updater = builder.build().map_err(plugin_error)?;
    let Some(update) = updater.check().await.map_err(plugin_error)? else {
        // Changed between the two reads: nothing newer after all.
        return Err(UpdateError::NotAManifest { shape: exotel_api::Shape::Empty });
    };
    // The plugin gives the download no limit of its own: a stalled one would never end.
    let mut update = update;
    update.timeout = Some(DOWNLOAD_LIMIT);
    let bytes = update.download(|_, _| {}, || {}).await.map_err(plugin_error)?;
    tracing::info!(version = %update.version, bytes = bytes.len(), "update downloaded; its signature verified");
    Ok(Ready { version: update.version.clone(), update, bytes })
}

/// Runs the installer on a verified download: on Linux the privileged package install (pkexec
/// dpkg -i / rpm -U), on Windows msiexec (which ends this process). Blocking. `restart`: the
/// app starts again afterwards (on Windows the MSI's AUTOLAUNCHAPP; on Linux the shell
/// restarts it); not after an install at the agent's quit.
pub fn install(ready: &Ready, restart: bool) -> Result<(), UpdateError> {
    tracing::info!(version = %ready.version, restart, "installing the update");
    ready.update.clone().restart_after_install(restart).install(&ready.bytes).map_err(|e| plugin_error(e, ""))
}

/// The updater's error, as one of the app's kinds (its words are in the log).
fn plugin_error(e: tauri_plugin_updater::Error, host: &str) -> UpdateError {
    use tauri_plugin_updater::Error as E;
    let text = e.to_string();
    tracing::warn!("update: {text}");
    match e {
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => UpdateError::BadSignature(text),
        E::Reqwest(ref r) if r.is_timeout() => UpdateError::Timeout,
        E::Reqwest(_) | E::Network(_) => {
            let cause = NetCause::from_text(&text.to_ascii_lowercase());
            UpdateError::Unreachable { cause, host: host.to_owned(), text }
        }
        E::TargetNotFound(platform) => UpdateError::NoBuild { platform },
        E::ReleaseNotFound | E::Serialization(_) | E::Semver(_) => {
            UpdateError::NotAManifest { shape: exotel_api::Shape::Empty }
        }
        _ => UpdateError::Install(text),
    }
}
