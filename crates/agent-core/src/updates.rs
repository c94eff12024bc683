//! Keeping the app current, as far as it is decided without a window: the rules IT sets
//! ([`UpdateRules`], from the `updates`, `update_url` and `update_install` policies), when to
//! look ([`Schedule`], [`run_checks`]), and what a channel offers ([`check`]: its manifest, read
//! and compared with this version). `exotel-agent update --check` and the app's schedule use
//! these; the app downloads, verifies (the signature, with the project's public key) and
//! installs through Tauri's own updater.
//!
//! A channel is a static `latest.json` in the form Tauri's updater reads: `version`, `notes`,
//! `pub_date`, and `platforms`, keyed `{os}-{arch}` (`linux-x86_64`) or
//! `{os}-{arch}-{installer}` (`windows-x86_64-msi`), each with the artifact's `url` and
//! `signature`.

use std::collections::BTreeMap;
use std::time::Duration;

use exotel_api::{HttpConfig, NetCause, Shape};
use serde::{Deserialize, Serialize};

use crate::detail::{Detail, Part};

/// The channel the project publishes its releases to, used when the organisation sets no
/// `update_url`.
pub const BUILT_IN_CHANNEL: &str =
    "https://github.com/exotel/agent-tray/releases/latest/download/latest.json";

/// When an update the agent has not installed yet is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstallTime {
    /// The tray and the window offer it; the agent chooses when.
    Ask,
    /// When the agent quits the app (offline first, as on every quit).
    AtQuit,
}

/// What the organisation decided about updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateRules {
    /// Off: no request is ever made.
    pub enabled: bool,
    /// The manifest's URL.
    pub channel: String,
    pub install: InstallTime,
    /// The minisign public key releases must be signed with, when the organisation signs its
    /// own (the enforced `update_pubkey` policy); otherwise the project's, built in.
    pub pubkey: Option<String>,
}

/// Whether `key` is an update signing key as Tauri's updater takes it: the base64 of a minisign
/// public key file (its comment line and its key line).
pub fn check_pubkey(key: &str) -> Result<(), String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key.trim())
        .map_err(|_| "it is not base64".to_owned())?;
    let text = String::from_utf8(bytes).map_err(|_| "it is not the text of a key file".to_owned())?;
    minisign_verify::PublicKey::decode(&text).map(|_| ()).map_err(|e| e.to_string())
}

/// Whether `url` may be a channel: https, or plain http to this computer (a test's server),
/// by the same rules as Exotel's host.
pub fn check_channel(url: &str) -> Result<(), String> {
    channel_client_host(url).map(|_| ())
}

fn channel_client_host(url: &str) -> Result<exotel_api::Host, String> {
    let parsed = url::Url::parse(url.trim()).map_err(|_| format!("{url:?} is not a web address"))?;
    let host = parsed.host_str().ok_or_else(|| format!("{url:?} has no host"))?;
    let origin = match parsed.port() {
        Some(port) => format!("{}://{host}:{port}", parsed.scheme()),
        None => format!("{}://{host}", parsed.scheme()),
    };
    exotel_api::Host::parse(&origin).map_err(|e| e.to_string())
}

/// When to look: once at start after a random delay, then every [`Schedule::every`] with a
/// random shift, so that a floor of agents started together does not ask the server together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The first look comes at a random moment in this window after start.
    pub first_within: (Duration, Duration),
    pub every: Duration,
    /// Each later look is shifted by up to this much, either way.
    pub jitter: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            first_within: (Duration::from_secs(60), Duration::from_secs(30 * 60)),
            every: Duration::from_secs(24 * 60 * 60),
            jitter: Duration::from_secs(2 * 60 * 60),
        }
    }
}

impl Schedule {
    /// The wait before the first look, drawn from `rng`.
    pub fn first_delay(&self, rng: &mut fastrand::Rng) -> Duration {
        let (low, high) = self.first_within;
        let span = high.saturating_sub(low).as_millis();
        low + Duration::from_millis(rng.u64(0..=u64::try_from(span).unwrap_or(u64::MAX)))
    }

    /// The wait before each later look, drawn from `rng`: `every`, shifted by at most `jitter`.
    pub fn next_delay(&self, rng: &mut fastrand::Rng) -> Duration {
        let jitter = u64::try_from(self.jitter.as_millis()).unwrap_or(u64::MAX);
        let shift = Duration::from_millis(rng.u64(0..=jitter.saturating_mul(2)));
        (self.every + shift).saturating_sub(self.jitter)
    }
}

/// Looks at the channel on `schedule` for as long as it runs, calling `look` each time. With
/// updates off it returns at once: no look, no request, ever.
pub async fn run_checks<F, Fut>(rules: &UpdateRules, schedule: Schedule, mut look: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    if !rules.enabled {
        tracing::info!("updates are turned off by policy: the channel is never asked");
        return;
    }
    let mut rng = fastrand::Rng::new();
    tokio::time::sleep(schedule.first_delay(&mut rng)).await;
    loop {
        look().await;
        tokio::time::sleep(schedule.next_delay(&mut rng)).await;
    }
}

/// A newer version the channel offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offer {
    pub version: String,
    pub current: String,
    pub notes: Option<String>,
    /// The artifact for this computer.
    pub url: String,
    /// The manifest's key it is listed under (`linux-x86_64-deb`): the updater is given the
    /// same, so both read one entry.
    pub platform: String,
}

/// The manifest, as Tauri's updater reads it.
#[derive(Debug, Deserialize)]
struct Manifest {
    version: String,
    #[serde(default)]
    notes: Option<String>,
    platforms: BTreeMap<String, Platform>,
}

#[derive(Debug, Deserialize)]
struct Platform {
    url: String,
    signature: String,
}

/// Why a look at the channel (or an install) did not work. Nothing is installed then, and the
/// running app is untouched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateError {
    /// The request did not complete.
    #[error("the update channel could not be reached ({cause:?}): {text}")]
    Unreachable { cause: NetCause, host: String, text: String },
    #[error("the update channel did not answer in time")]
    Timeout,
    /// An HTTP status other than 200 (a 404: no manifest there).
    #[error("the update channel answered HTTP {status}")]
    Status { status: u16 },
    /// A reply that is not a manifest (an HTML page, garbage, JSON of another shape).
    #[error("the update channel's reply is not a manifest: {shape}")]
    NotAManifest { shape: Shape },
    /// The manifest has no build for this computer.
    #[error("the update channel has no build for {platform}")]
    NoBuild { platform: String },
    /// The download's signature is not the project's (or not a signature at all).
    #[error("the update's signature does not match the app's key: {0}")]
    BadSignature(String),
    /// The download or the installer failed.
    #[error("the update could not be installed: {0}")]
    Install(String),
}

impl UpdateError {
    /// The stable word for `--json`.
    pub fn kind(&self) -> &'static str {
        match self {
            UpdateError::Unreachable { .. } => "update_unreachable",
            UpdateError::Timeout => "update_timeout",
            UpdateError::Status { .. } => "update_status",
            UpdateError::NotAManifest { .. } => "update_unreadable",
            UpdateError::NoBuild { .. } => "update_no_build",
            UpdateError::BadSignature(_) => "update_bad_signature",
            UpdateError::Install(_) => "update_install_failed",
        }
    }

    /// What happened and what to do, in catalog words ([`crate::detail`]).
    pub fn detail(&self) -> Detail {
        let parts = match self {
            UpdateError::Unreachable { cause, host, .. } => vec![
                Part::new("update-error-unreachable")
                    .text("host", host.as_str())
                    .words("cause", format!("net-{}", cause.as_str())),
            ],
            UpdateError::Timeout => vec![Part::new("update-error-timeout")],
            UpdateError::Status { status } => {
                vec![Part::new("update-error-status").number("status", u64::from(*status))]
            }
            // The shape (an HTML page, garbage) is in the log's words: the catalog's words
            // for a reply speak of Exotel's.
            UpdateError::NotAManifest { .. } => vec![Part::new("update-error-unreadable")],
            UpdateError::NoBuild { platform } => {
                vec![Part::new("update-error-no-build").text("platform", platform.as_str())]
            }
            UpdateError::BadSignature(_) => vec![Part::new("update-error-bad-signature")],
            UpdateError::Install(_) => vec![Part::new("update-error-install")],
        };
        Detail(parts)
    }
}

/// Where the app stands with updates: what the tray and the window say
/// ([`crate::present::update`]). Only the app's schedule and the agent's clicks move it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateState {
    /// The organisation turned updates off: no request is ever made.
    Off,
    /// Not looked yet (the first look comes a while after start).
    NotChecked,
    Checking,
    /// The channel offers nothing newer; looked at this time (ms since the epoch).
    UpToDate {
        at_ms: u64,
    },
    /// A newer version, downloaded and its signature verified: the agent may install it.
    Ready {
        version: String,
        install: InstallTime,
    },
    /// A newer version, for a copy a package manager installed: it updates it, not the app.
    PackageManager {
        version: String,
    },
    /// A newer version, for a copy not installed from a package (a build run from its folder):
    /// the app does not replace it.
    NotInstallable {
        version: String,
    },
    /// Going offline, then the installer.
    Installing {
        version: String,
    },
    /// The last look or install did not work, at this time; nothing was installed.
    Failed {
        error: UpdateError,
        at_ms: u64,
    },
}

impl UpdateState {
    /// The version ready to install, if one is.
    pub fn ready(&self) -> Option<&str> {
        match self {
            UpdateState::Ready { version, .. } => Some(version),
            _ => None,
        }
    }

    /// Whether a look may start now: not while one runs, with updates off, or while a version
    /// is ready (the agent installs that one first) or installing.
    pub fn can_check(&self) -> bool {
        !matches!(
            self,
            UpdateState::Off
                | UpdateState::Checking
                | UpdateState::Ready { .. }
                | UpdateState::Installing { .. }
        )
    }
}

/// Whether `apt-cache policy <package>`'s output says the installed version came from a
/// package repository (a line under the installed version, `***`, other than dpkg's own
/// status file): then the package manager keeps the app current, not the app.
pub fn from_package_repository(apt_policy: &str) -> bool {
    let mut under_installed = false;
    for line in apt_policy.lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("***") {
            under_installed = !rest.trim().is_empty();
            continue;
        }
        // A source line: its priority, then a repository's URL or a file's path.
        let mut words = trimmed.split_whitespace();
        let is_source = words.next().is_some_and(|w| w.parse::<i64>().is_ok())
            && words.next().is_some_and(|w| w.starts_with('/') || w.contains("://"));
        if under_installed && is_source {
            if !trimmed.contains("/var/lib/dpkg/status") {
                return true;
            }
        } else if !is_source && !trimmed.is_empty() && line.starts_with("     ") {
            // The next version of the table.
            under_installed = false;
        }
    }
    false
}

/// How this copy was installed, as a manifest's platform key names it: `msi` on Windows, `deb`
/// or `rpm` for a copy in `/usr` on a Debian or Red Hat family system; none for anything else
/// (a copy run from a build folder).
pub fn this_install() -> Option<&'static str> {
    if cfg!(windows) {
        return Some("msi");
    }
    let exe = std::env::current_exe().ok()?;
    if !exe.starts_with("/usr") {
        return None;
    }
    if std::path::Path::new("/var/lib/dpkg/status").exists() {
        Some("deb")
    } else if std::path::Path::new("/var/lib/rpm").exists() {
        Some("rpm")
    } else {
        None
    }
}

/// The platform keys a manifest may list for this computer, most precise first.
pub fn platform_keys(installer: Option<&str>) -> Vec<String> {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let base = format!("{os}-{}", std::env::consts::ARCH);
    let mut keys: Vec<String> = installer.map(|i| format!("{base}-{i}")).into_iter().collect();
    keys.push(base);
    keys
}

/// What a channel's reply offers to version `current` on a computer whose manifest keys are
/// `keys`: a newer version, nothing (the same or an older one), or why it could not be read.
pub fn read_reply(
    status: u16,
    body: &[u8],
    current: &str,
    keys: &[String],
) -> Result<Option<Offer>, UpdateError> {
    if status != 200 {
        return Err(UpdateError::Status { status });
    }
    let not_a_manifest = || UpdateError::NotAManifest { shape: exotel_api::describe_reply(body) };
    let manifest: Manifest = serde_json::from_slice(body).map_err(|_| not_a_manifest())?;
    let offered =
        semver::Version::parse(manifest.version.trim_start_matches('v')).map_err(|_| not_a_manifest())?;
    let running = semver::Version::parse(current).map_err(|_| not_a_manifest())?;
    // By semver's precedence, which leaves out build metadata: 0.2.0+7 is the same release as
    // 0.2.0 (semver's `Ord` would call it newer and offer it to 0.2.0 on every look).
    if offered.cmp_precedence(&running) != std::cmp::Ordering::Greater {
        return Ok(None);
    }
    let Some((key, platform)) = keys.iter().find_map(|k| manifest.platforms.get(k).map(|p| (k, p))) else {
        return Err(UpdateError::NoBuild { platform: keys.last().cloned().unwrap_or_default() });
    };
    if platform.signature.trim().is_empty() {
        return Err(UpdateError::BadSignature("the manifest gives no signature".into()));
    }
    Ok(Some(Offer {
        version: offered.to_string(),
        current: running.to_string(),
        notes: manifest.notes,
        url: platform.url.clone(),
        platform: key.clone(),
    }))
}

/// Looks at the channel once: a newer version for this computer, or nothing.
pub async fn check(
    rules: &UpdateRules,
    current: &str,
    keys: &[String],
) -> Result<Option<Offer>, UpdateError> {
    let host = channel_client_host(&rules.channel).map_err(|text| UpdateError::Unreachable {
        cause: NetCause::Other,
        host: rules.channel.clone(),
        text,
    })?;
    let http =
        HttpConfig::default().build_with(&host, reqwest::redirect::Policy::limited(5)).map_err(|e| {
            UpdateError::Unreachable {
                cause: NetCause::Tls,
                host: host.as_str().to_owned(),
                text: e.to_string(),
            }
        })?;
    let reply = http.get(rules.channel.trim()).send().await.map_err(|e| transport(&e, &host))?;
    let status = reply.status().as_u16();
    let body = reply.bytes().await.map_err(|e| transport(&e, &host))?;
    read_reply(status, &body, current, keys)
}

fn transport(e: &reqwest::Error, host: &exotel_api::Host) -> UpdateError {
    if e.is_timeout() {
        return UpdateError::Timeout;
    }
    let host =
        url::Url::parse(host.as_str()).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default();
    let text = exotel_api::error_chain(e);
    UpdateError::Unreachable { cause: NetCause::from_text(&text.to_ascii_lowercase()), host, text }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn keys() -> Vec<String> {
        vec!["linux-x86_64-deb".into(), "linux-x86_64".into()]
    }

    fn manifest(version: &str, key: &str) -> Vec<u8> {
        serde_json::json!({
            "version": version,
            "notes": "Fixes",
            "pub_date": "2026-12-01T10:00:00Z",
            "platforms": { key: { "url": "https://example.in/app.deb", "signature": "dW50cnVzdGVk" } }
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn only_a_newer_version_for_this_computer_is_offered() {
        let offer = read_reply(200, &manifest("0.3.0", "linux-x86_64"), "0.2.0", &keys()).unwrap().unwrap();
        assert_eq!((offer.version.as_str(), offer.current.as_str()), ("0.3.0", "0.2.0"));
        // Numbers, not text: 0.10.0 follows 0.9.0; a release follows its release candidate.
        for (newer, running) in [("0.10.0", "0.9.0"), ("0.2.0", "0.2.0-rc.1"), ("0.2.1", "0.2.0+build.7")] {
            let offer = read_reply(200, &manifest(newer, "linux-x86_64"), running, &keys());
            assert_eq!(
                offer.ok().flatten().map(|o| o.version),
                Some(newer.to_owned()),
                "{newer} over {running}"
            );
        }
        assert_eq!(
            read_reply(200, &manifest("v0.3.1", "linux-x86_64-deb"), "0.2.0", &keys())
                .unwrap()
                .map(|o| o.version),
            Some("0.3.1".into())
        );
        for same_or_older in ["0.2.0", "0.1.9", "0.2.0-rc.1", "0.2.0+build.7", "0.1.10"] {
            assert_eq!(
                read_reply(200, &manifest(same_or_older, "linux-x86_64"), "0.2.0", &keys()),
                Ok(None),
                "{same_or_older}"
            );
        }
        assert!(matches!(
            read_reply(200, &manifest("0.3.0", "windows-x86_64"), "0.2.0", &keys()),
            Err(UpdateError::NoBuild { .. })
        ));
    }

    #[test]
    fn a_reply_that_is_no_manifest_says_what_it_was() {
        assert_eq!(
            read_reply(404, b"<html>Not Found</html>", "0.2.0", &keys()),
            Err(UpdateError::Status { status: 404 })
        );
        assert!(matches!(
            read_reply(200, b"<html><title>Login</title></html>", "0.2.0", &keys()),
            Err(UpdateError::NotAManifest { shape: Shape::Html { .. } })
        ));
        assert!(matches!(
            read_reply(200, b"\x00garbage", "0.2.0", &keys()),
            Err(UpdateError::NotAManifest { .. })
        ));
        assert!(matches!(
            read_reply(200, b"{\"version\":\"x\",\"platforms\":{}}", "0.2.0", &keys()),
            Err(UpdateError::NotAManifest { .. })
        ));
    }

    #[test]
    fn the_schedule_spreads_a_floor_of_agents() {
        let schedule = Schedule::default();
        let mut rng = fastrand::Rng::with_seed(7);
        let firsts: Vec<Duration> = (0..200).map(|_| schedule.first_delay(&mut rng)).collect();
        assert!(firsts.iter().all(|d| (Duration::from_secs(60)..=Duration::from_secs(1800)).contains(d)));
        let spread = firsts.iter().max().unwrap().saturating_sub(*firsts.iter().min().unwrap());
        assert!(spread > Duration::from_secs(20 * 60), "spread over the window: {spread:?}");
        for _ in 0..200 {
            let next = schedule.next_delay(&mut rng);
            assert!(
                (Duration::from_secs(22 * 3600)..=Duration::from_secs(26 * 3600)).contains(&next),
                "{next:?}"
            );
        }
    }

    #[test]
    fn a_copy_from_a_package_repository_is_left_to_the_package_manager() {
        let from_repo = "exotel-agent-tray:\n  Installed: 0.9.0\n  Candidate: 0.9.0\n  Version table:\n \
             *** 0.9.0 500\n        500 https://apt.example.in stable/main amd64 Packages\n        \
             100 /var/lib/dpkg/status\n     0.8.0 500\n        500 https://apt.example.in stable/main amd64 Packages\n";
        assert!(from_repository(from_repo));
        // Installed from a downloaded .deb: only dpkg's status file lists the installed
        // version, even when a repository has an older one.
        let by_hand = "exotel-agent-tray:\n  Installed: 0.9.0\n  Candidate: 0.9.0\n  Version table:\n \
             *** 0.9.0 100\n        100 /var/lib/dpkg/status\n     0.8.0 500\n        500 https://apt.example.in stable/main amd64 Packages\n";
        assert!(!from_repository(by_hand));
        assert!(!from_repository(""));
        assert!(!from_repository("N: Unable to locate package exotel-agent-tray\n"));
    }

    fn from_repository(text: &str) -> bool {
        from_package_repository(text)
    }

    #[test]
    fn an_update_key_is_a_minisign_public_key_in_base64() {
        use base64::Engine;
        let file = "untrusted comment: minisign public key 1A2B\nRWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3\n";
        let key = base64::engine::general_purpose::STANDARD.encode(file);
        assert_eq!(check_pubkey(&key), Ok(()));
        assert!(check_pubkey("RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3").is_err());
        assert!(check_pubkey("not base64!").is_err());
        assert!(check_pubkey(&base64::engine::general_purpose::STANDARD.encode("hello")).is_err());
    }

    #[test]
    fn a_channel_is_https_or_this_computer() {
        assert!(check_channel("https://updates.example.in/stable/latest.json").is_ok());
        assert!(check_channel("http://127.0.0.1:8080/latest.json").is_ok());
        assert!(check_channel("http://updates.example.in/latest.json").is_err());
        assert!(check_channel("not a url").is_err());
        assert!(check_channel(BUILT_IN_CHANNEL).is_ok());
    }
}
