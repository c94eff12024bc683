//! A test fixture: a private D-Bus session bus with a real `gnome-keyring-daemon` (Secret
//! Service) in a temporary `HOME`, for tests that spawn the app or the command line against a
//! real keyring. Each fixture is isolated, so tests can run in parallel.
//!
//! Needs `dbus-daemon`, `dbus-send` and `gnome-keyring-daemon` (Debian: `dbus`, `dbus-bin`,
//! `gnome-keyring`); the project's test command installs them.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

mod desktop;
pub mod logind;
pub mod portal;
pub mod procs;
pub mod tray_host;
pub use desktop::{Desktop, Notification};

/// The password of the test keyring.
pub const KEYRING_PASSWORD: &str = "test-keyring-password";

/// How the keyring is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyringState {
    /// Running and unlocked: the normal desktop case.
    Unlocked,
    /// Running but never unlocked: every access is refused.
    Locked,
    /// No session bus at all (as on a server or in a bare SSH session).
    NoBus,
}

/// A temporary `HOME` with its own session bus and keyring. Dropping it stops both.
#[derive(Debug)]
pub struct KeyringSession {
    home: TempDir,
    bus_address: String,
    children: Vec<Child>,
}

impl KeyringSession {
    pub fn start(state: KeyringState) -> std::io::Result<Self> {
        let home = tempfile::Builder::new().prefix("exotel-test-home-").tempdir()?;
        let runtime = home.path().join("run");
        std::fs::create_dir_all(&runtime)?;
        set_private(&runtime)?;
        let mut session = Self { home, bus_address: String::new(), children: Vec::new() };
        if state == KeyringState::NoBus {
            session.bus_address = format!("unix:path={}", session.home.path().join("no-bus-here").display());
            return Ok(session);
        }

        let socket = session.home.path().join("bus");
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .arg(format!("--address=unix:path={}", socket.display()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| missing("dbus-daemon", e))?;
        let mut line = String::new();
        if let Some(out) = bus.stdout.take() {
            BufReader::new(out).read_line(&mut line)?;
        }
        session.children.push(bus);
        session.bus_address = line.trim().to_owned();
        if session.bus_address.is_empty() {
            return Err(std::io::Error::other("dbus-daemon printed no address"));
        }

        let mut daemon = Command::new("gnome-keyring-daemon");
        daemon.args(["--foreground", "--components=secrets"]);
        if state == KeyringState::Unlocked {
            daemon.arg("--unlock");
        }
        let mut keyring = session
            .apply_env(&mut daemon)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| missing("gnome-keyring-daemon", e))?;
        if let Some(mut stdin) = keyring.stdin.take()
            && state == KeyringState::Unlocked
        {
            stdin.write_all(KEYRING_PASSWORD.as_bytes())?;
        }
        session.children.push(keyring);
        // Slow on a loaded machine (ten desktops on two cores): generous, since it only waits.
        session.wait_for_name("org.freedesktop.secrets", Duration::from_secs(30))?;
        Ok(session)
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    pub fn bus_address(&self) -> &str {
        &self.bus_address
    }

    /// The environment a program needs to live in this session: `HOME`, the bus, the XDG
    /// folders under `HOME`. Everything else is inherited (PATH, locale).
    pub fn env(&self) -> Vec<(&'static str, PathBuf)> {
        let h = self.home.path();
        vec![
            ("HOME", h.to_path_buf()),
            ("DBUS_SESSION_BUS_ADDRESS", PathBuf::from(&self.bus_address)),
            ("XDG_RUNTIME_DIR", h.join("run")),
            ("XDG_CONFIG_HOME", h.join(".config")),
            ("XDG_DATA_HOME", h.join(".local/share")),
            ("XDG_STATE_HOME", h.join(".local/state")),
            ("XDG_CACHE_HOME", h.join(".cache")),
            // The admin's presets (agent_core::presets): a system file of this session's own,
            // absent unless a test writes it, and no preset from the machine's environment
            // (blank counts as unset), so the machine's /etc and shell never leak in.
            ("EXOTEL_AGENT_PRESETS", self.presets_file()),
            ("EXOTEL_AGENT_HOST", PathBuf::new()),
            ("EXOTEL_AGENT_APP_ID", PathBuf::new()),
            ("EXOTEL_AGENT_USER_ID", PathBuf::new()),
            // No system bus (no logind, no NetworkManager) unless a test gives one of its own:
            // the machine's never leaks in.
            (
                "DBUS_SYSTEM_BUS_ADDRESS",
                PathBuf::from(format!("unix:path={}", h.join("no-system-bus").display())),
            ),
            // A protection missing is said in the tray and notified only after this grace
            // (the app's default is 20 s, for a slow login): the tests of "On this computer"
            // set a short one; every other test sees only what it tests.
            ("EXOTEL_AGENT_DESK_GRACE_SECS", PathBuf::from("3600")),
        ]
    }

    /// Where this session's programs look for the admin's presets file (instead of
    /// `/etc/exotel-agent-tray/settings.toml`); a test writes it to preset the sign-in.
    pub fn presets_file(&self) -> PathBuf {
        self.home.path().join("etc/exotel-agent-tray/settings.toml")
    }

    /// Puts [`Self::env`] on a command.
    pub fn apply_env<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        cmd
    }

    /// A command that runs in this session.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        self.apply_env(&mut cmd);
        cmd
    }

    /// `secret-tool lookup KEY VALUE ...`: the stored secret, read by a program other than the
    /// app (so the test does not trust the app's own reading).
    pub fn secret_tool_lookup(&self, attributes: &[(&str, &str)]) -> std::io::Result<Option<String>> {
        let mut cmd = self.command("secret-tool");
        cmd.arg("lookup");
        for (k, v) in attributes {
            cmd.args([k, v]);
        }
        let out = cmd.output().map_err(|e| missing("secret-tool", e))?;
        Ok(out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned()))
    }

    /// The app secret the app keeps in this keyring (service `exotel-agent-tray`, user
    /// `app-secret`), read with `secret-tool`; `None` when there is none.
    pub fn app_secret(&self) -> std::io::Result<Option<String>> {
        self.secret_tool_lookup(&[("service", "exotel-agent-tray"), ("username", "app-secret")])
    }

    /// Every file under `HOME` whose bytes contain `needle` (the keyring's own encrypted file
    /// included: it must not hold the secret in plain text either).
    pub fn files_containing(&self, needle: &str) -> Vec<PathBuf> {
        let mut found = Vec::new();
        scan(self.home.path(), needle.as_bytes(), &mut found);
        found
    }

    pub(crate) fn wait_for_name(&self, name: &str, limit: Duration) -> std::io::Result<()> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.name_has_owner(name)? {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Err(std::io::Error::other(format!("{name} did not appear on the test bus within {limit:?}")))
    }

    /// Whether a program owns `name` on this session's bus now.
    pub(crate) fn name_has_owner(&self, name: &str) -> std::io::Result<bool> {
        let out = self
            .command("dbus-send")
            .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"])
            .arg("org.freedesktop.DBus.NameHasOwner")
            .arg(format!("string:{name}"))
            .output()
            .map_err(|e| missing("dbus-send", e))?;
        Ok(String::from_utf8_lossy(&out.stdout).contains("boolean true"))
    }
}

impl Drop for KeyringSession {
    fn drop(&mut self) {
        // The keyring first, then the bus it talks on.
        for child in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn scan(dir: &Path, needle: &[u8], found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            scan(&path, needle, found);
        } else if kind.is_file() {
            let hit =
                std::fs::read(&path).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle));
            if hit {
                found.push(path);
            }
        }
    }
}

pub(crate) fn missing(program: &str, e: std::io::Error) -> std::io::Error {
    std::io::Error::new(
        e.kind(),
        format!("could not run {program} ({e}); install the test packages with `make test-deps`"),
    )
}

#[cfg(unix)]
fn set_private(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn set_private(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}
