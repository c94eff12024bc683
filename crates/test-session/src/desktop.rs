//! A whole desktop for end-to-end tests: a [`KeyringSession`] plus an Xvfb display, a
//! notification server (dunst) and a `dbus-monitor` that records every
//! `org.freedesktop.Notifications.Notify` call, the only proof that a notification was sent.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{KeyringSession, KeyringState, missing};

/// One `Notify` call seen on the bus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub app_name: String,
    pub summary: String,
    pub body: String,
    /// The notification it asked to replace (0: none).
    pub replaces_id: u32,
    /// The id the notification server gave it, once its reply was seen.
    pub id: Option<u32>,
}

#[derive(Debug)]
pub struct Desktop {
    session: KeyringSession,
    display: String,
    monitor_log: PathBuf,
    children: Vec<Child>,
}

impl Desktop {
    pub fn start() -> std::io::Result<Self> {
        let session = KeyringSession::start(KeyringState::Unlocked)?;
        let mut desktop = Self {
            monitor_log: session.home().join("notifications.log"),
            session,
            display: String::new(),
            children: Vec::new(),
        };

        // Xvfb picks a free display number and writes it to the pipe given by -displayfd (here
        // its stdout).
        let mut xvfb = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| missing("Xvfb", e))?;
        let mut number = String::new();
        if let Some(out) = xvfb.stdout.take() {
            BufReader::new(out).read_line(&mut number)?;
        }
        desktop.children.push(xvfb);
        let number = number.trim();
        if number.is_empty() {
            return Err(std::io::Error::other("Xvfb did not report a display"));
        }
        desktop.display = format!(":{number}");

        let log = std::fs::File::create(&desktop.monitor_log)?;
        let monitor = desktop
            .command("dbus-monitor")
            // The calls, and the notification server's replies (the ids it gave).
            .args([
                "--session",
                "interface='org.freedesktop.Notifications',member='Notify'",
                "type='method_return',sender='org.freedesktop.Notifications'",
            ])
            .stdout(log)
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| missing("dbus-monitor", e))?;
        desktop.children.push(monitor);
        desktop.start_notification_server()?;
        Ok(desktop)
    }

    /// Starts dunst and waits until it owns `org.freedesktop.Notifications`. On a loaded
    /// machine (ten desktops with their WebKit windows on two cores) it can be slow to come
    /// up, or exit before it connects: then it is started again, up to three times, and a
    /// failure says what dunst wrote.
    fn start_notification_server(&mut self) -> std::io::Result<()> {
        const NAME: &str = "org.freedesktop.Notifications";
        let log_path = self.home().join("dunst.log");
        let limit = Duration::from_secs(30);
        let start = Instant::now();
        let mut starts = 0;
        let mut dunst: Option<Child> = None;
        while start.elapsed() < limit {
            let exited = match dunst.as_mut() {
                None => true,
                Some(child) => child.try_wait()?.is_some(),
            };
            if exited && starts < 3 {
                let log = std::fs::OpenOptions::new().create(true).append(true).open(&log_path)?;
                let child = self
                    .command("dunst")
                    .stdout(Stdio::null())
                    .stderr(log)
                    .spawn()
                    .map_err(|e| missing("dunst", e))?;
                starts += 1;
                dunst = Some(child);
            }
            if self.session.name_has_owner(NAME)? {
                if let Some(child) = dunst {
                    self.children.push(child);
                }
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if let Some(mut child) = dunst {
            let _ = child.kill();
            let _ = child.wait();
        }
        let said = std::fs::read_to_string(&log_path).unwrap_or_default();
        Err(std::io::Error::other(format!(
            "{NAME} did not appear on the test bus within {limit:?} ({starts} start(s) of dunst); dunst wrote: {said}"
        )))
    }

    pub fn keyring(&self) -> &KeyringSession {
        &self.session
    }

    pub fn home(&self) -> &Path {
        self.session.home()
    }

    pub fn display(&self) -> &str {
        &self.display
    }

    /// A command that runs on this desktop: the keyring session's environment plus `DISPLAY`.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = self.session.command(program);
        cmd.env("DISPLAY", &self.display).env_remove("WAYLAND_DISPLAY");
        cmd
    }

    /// Runs `program` on this desktop with `stdin` written to its standard input, and waits
    /// for it; its output is captured.
    pub fn run(
        &self,
        program: impl AsRef<std::ffi::OsStr>,
        args: &[&str],
        stdin: Option<&str>,
    ) -> std::io::Result<std::process::Output> {
        use std::io::Write;
        let mut child = self
            .command(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        if let (Some(mut pipe), Some(text)) = (child.stdin.take(), stdin) {
            pipe.write_all(text.as_bytes())?;
        }
        child.wait_with_output()
    }

    /// The environment of [`Self::command`], for processes started another way.
    pub fn env(&self) -> Vec<(&'static str, PathBuf)> {
        let mut env = self.session.env();
        env.push(("DISPLAY", PathBuf::from(&self.display)));
        env
    }

    /// Every `Notify` call recorded so far, oldest first.
    pub fn notifications(&self) -> Vec<Notification> {
        let mut text = String::new();
        if let Ok(mut f) = std::fs::File::open(&self.monitor_log) {
            let _ = f.read_to_string(&mut text);
        }
        parse_notify_calls(&text)
    }

    /// Waits until at least `n` notifications were recorded (or `limit` passes), then returns
    /// them all.
    pub fn wait_for_notifications(&self, n: usize, limit: Duration) -> Vec<Notification> {
        let start = Instant::now();
        loop {
            let seen = self.notifications();
            if seen.len() >= n || start.elapsed() > limit {
                return seen;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Desktop {
    /// Waits (at most `limit`) for a notification that `matches`.
    pub fn wait_for_notification(
        &self,
        limit: Duration,
        matches: impl Fn(&Notification) -> bool,
    ) -> Option<Notification> {
        let start = Instant::now();
        loop {
            if let Some(n) = self.notifications().into_iter().find(|n| matches(n)) {
                return Some(n);
            }
            if start.elapsed() > limit {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        for child in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `dbus-monitor` prints a `member=Notify` header, then the arguments one per line: app name,
/// replaces id (uint32), icon, summary, body, actions, hints, timeout.
fn parse_notify_calls(text: &str) -> Vec<Notification> {
    /// One call being read: its serial, its strings and its first `uint32` (the replaces id).
    struct Call {
        serial: String,
        strings: Vec<String>,
        replaces: Option<u32>,
    }
    let mut out: Vec<(String, Notification)> = Vec::new();
    let mut call: Option<Call> = None;
    // A reply being read: the serial of the call it answers.
    let mut reply: Option<String> = None;
    let finish = |call: Option<Call>, out: &mut Vec<(String, Notification)>| {
        if let Some(c) = call
            && let Some(n) = to_notification(c.strings, c.replaces.unwrap_or(0))
        {
            out.push((c.serial, n));
        }
    };
    for line in text.lines() {
        if line.starts_with("method call") || line.starts_with("method return") || line.starts_with("signal")
        {
            finish(call.take(), &mut out);
            reply = None;
            if line.starts_with("method call") && line.contains("member=Notify") {
                call = Some(Call { serial: field(line, "serial="), strings: Vec::new(), replaces: None });
            } else if line.starts_with("method return") {
                reply = Some(field(line, "reply_serial="));
            }
            continue;
        }
        let value = line.trim();
        if let Some(c) = call.as_mut() {
            if let Some(s) = value.strip_prefix("string \"")
                && c.strings.len() < 4
            {
                c.strings.push(s.strip_suffix('"').unwrap_or(s).to_owned());
            } else if let Some(n) = value.strip_prefix("uint32 ")
                && c.replaces.is_none()
            {
                c.replaces = n.trim().parse().ok();
            }
        } else if let (Some(serial), Some(n)) = (reply.take(), value.strip_prefix("uint32 "))
            && let Some((_, notification)) = out.iter_mut().find(|(s, _)| *s == serial)
        {
            notification.id = n.trim().parse().ok();
        }
    }
    finish(call.take(), &mut out);
    out.into_iter().map(|(_, n)| n).collect()
}

/// The value of `name` (`serial=`, `reply_serial=`) in a dbus-monitor header line.
fn field(line: &str, name: &str) -> String {
    line.split_whitespace().find_map(|w| w.strip_prefix(name)).unwrap_or_default().to_owned()
}

fn to_notification(s: Vec<String>, replaces_id: u32) -> Option<Notification> {
    let mut it = s.into_iter();
    let app_name = it.next()?;
    let _icon = it.next()?;
    Some(Notification {
        app_name,
        summary: it.next()?,
        body: it.next().unwrap_or_default(),
        replaces_id,
        id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notify_calls_are_read_from_dbus_monitor_output() {
        let text = r#"signal time=1.0 sender=org.freedesktop.DBus -> destination=:1.0 serial=2 path=/org/freedesktop/DBus; interface=org.freedesktop.DBus; member=NameAcquired
   string ":1.0"
method call time=2.0 sender=:1.5 -> destination=:1.3 serial=7 path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=Notify
   string "exotel-agent-tray"
   uint32 0
   string ""
   string "Now receiving calls on phone"
   string "Receiving calls on phone, from the window."
   array [
   ]
   array [
      dict entry(
         string "urgency"
         variant             byte 1
      )
   ]
   int32 -1
method return time=2.1 sender=:1.3 -> destination=:1.5 serial=9 reply_serial=7
   uint32 5
method call time=3.0 sender=:1.5 -> destination=:1.3 serial=8 path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=Notify
   string "exotel-agent-tray"
   uint32 5
   string ""
   string "Now offline: no new calls"
   string ""
"#;
        let n = parse_notify_calls(text);
        assert_eq!(n.len(), 2);
        assert_eq!((n[0].replaces_id, n[0].id), (0, Some(5)));
        assert_eq!(
            (n[1].replaces_id, n[1].id, n[1].summary.as_str()),
            (5, None, "Now offline: no new calls")
        );
        assert_eq!(n[0].summary, "Now receiving calls on phone");
        assert_eq!(n[0].body, "Receiving calls on phone, from the window.");
        assert_eq!(n[0].app_name, "exotel-agent-tray");
    }
}
