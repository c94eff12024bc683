//! What this computer can do: for each protection the app leans on (the screen lock, sleep,
//! idle time, the tray, notifications, the keyring, the global shortcut), whether it works here,
//! through what, or why not. The OS side (`os-events`, the shell) finds out and keeps it up to
//! date through a [`DeskReport`]; the tray, the window and `exotel-agent doctor` show it
//! (`agent_core::present::desk`).
//!
//! A protection the agent relies on (`agent_core::Preferences::relies_on`) that cannot work
//! here is a *problem* ([`Desk::problems`]): the promise ("locking takes me offline") would fail
//! silently, so the agent is told.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::watch;

/// One thing the app leans on to keep its promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protection {
    /// The screen's lock is heard (offline on lock).
    Lock,
    /// Sleep is heard before it happens (offline on sleep).
    Sleep,
    /// The time since the last input can be read (offline when idle).
    Idle,
    /// The tray icon and its menu can be shown.
    Tray,
    /// Notifications can be shown.
    Notifications,
    /// The system keyring holds the secret and can be read.
    Keyring,
    /// The global shortcut can be taken.
    Shortcut,
}

impl Protection {
    /// In the order the window and `doctor` list them.
    pub const ALL: [Protection; 7] = [
        Protection::Lock,
        Protection::Sleep,
        Protection::Idle,
        Protection::Tray,
        Protection::Notifications,
        Protection::Keyring,
        Protection::Shortcut,
    ];

    /// Its name in the catalog's keys and in `doctor --json`.
    pub fn key(self) -> &'static str {
        match self {
            Protection::Lock => "lock",
            Protection::Sleep => "sleep",
            Protection::Idle => "idle",
            Protection::Tray => "tray",
            Protection::Notifications => "notifications",
            Protection::Keyring => "keyring",
            Protection::Shortcut => "shortcut",
        }
    }
}

/// Whether a protection works on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Support {
    /// Not known yet: nothing has answered so far.
    Checking,
    /// It works, through `via` (a name the OS gives: `org.cinnamon.ScreenSaver`, `logind`,
    /// `X11`, the notification server's name and version).
    Works { via: String },
    /// The keyring is there but locked: nothing can be read from it until it is unlocked.
    Locked { via: String },
    /// It cannot work here; `detail` says what was found (for the log and `doctor`).
    Missing { detail: String },
}

impl Support {
    pub fn works(via: impl Into<String>) -> Self {
        Support::Works { via: via.into() }
    }

    pub fn missing(detail: impl Into<String>) -> Self {
        Support::Missing { detail: detail.into() }
    }

    /// It is known not to work (missing, or a locked keyring).
    pub fn fails(&self) -> bool {
        matches!(self, Support::Missing { .. } | Support::Locked { .. })
    }

    /// The state's name, as the window's `data-state` and `doctor --json` give it.
    pub fn state(&self) -> &'static str {
        match self {
            Support::Checking => "checking",
            Support::Works { .. } => "works",
            Support::Locked { .. } => "locked",
            Support::Missing { .. } => "missing",
        }
    }
}

/// What this computer can do, protection by protection; one not reported yet is
/// [`Support::Checking`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Desk {
    found: BTreeMap<Protection, Support>,
}

impl Desk {
    pub fn get(&self, p: Protection) -> Support {
        self.found.get(&p).cloned().unwrap_or(Support::Checking)
    }

    /// Records what was found; whether that changed anything.
    pub fn set(&mut self, p: Protection, support: Support) -> bool {
        if self.found.get(&p) == Some(&support) {
            return false;
        }
        self.found.insert(p, support);
        true
    }

    /// The protections the agent relies on that cannot work here, in [`Protection::ALL`]'s
    /// order.
    pub fn problems(&self, relied_on: impl Fn(Protection) -> bool) -> Vec<Protection> {
        Protection::ALL.into_iter().filter(|p| relied_on(*p) && self.get(*p).fails()).collect()
    }
}

/// Where what this computer can do is kept and watched: the OS side reports into it as it
/// learns (a tray host or a screensaver that appears later changes the answer), the shell
/// follows it.
#[derive(Debug, Clone)]
pub struct DeskReport {
    sender: Arc<watch::Sender<Desk>>,
}

impl Default for DeskReport {
    fn default() -> Self {
        Self { sender: Arc::new(watch::channel(Desk::default()).0) }
    }
}

impl DeskReport {
    /// Records `support` for `p`; those following are woken only when it changed.
    pub fn set(&self, p: Protection, support: Support) {
        let said = format!("{support:?}");
        if self.sender.send_if_modified(|desk| desk.set(p, support)) {
            tracing::info!(protection = p.key(), "on this computer: {said}");
        }
    }

    /// What is known now.
    pub fn now(&self) -> Desk {
        self.sender.borrow().clone()
    }

    /// Follows every change.
    pub fn subscribe(&self) -> watch::Receiver<Desk> {
        self.sender.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_protection_relied_on_that_cannot_work_is_a_problem_and_one_not_relied_on_is_not() {
        let mut desk = Desk::default();
        let mut relied = vec![Protection::Lock, Protection::Keyring];
        assert!(desk.problems(|p| relied.contains(&p)).is_empty(), "nothing known yet is no problem");
        assert!(desk.set(Protection::Lock, Support::missing("no screensaver, no logind")));
        assert!(desk.set(Protection::Idle, Support::missing("no idle source")));
        assert!(desk.set(Protection::Keyring, Support::Locked { via: "Secret Service".into() }));
        assert!(desk.set(Protection::Tray, Support::works("StatusNotifierWatcher")));
        assert_eq!(desk.problems(|p| relied.contains(&p)), [Protection::Lock, Protection::Keyring]);
        relied = vec![Protection::Idle, Protection::Keyring, Protection::Tray];
        assert_eq!(desk.problems(|p| relied.contains(&p)), [Protection::Idle, Protection::Keyring]);
        assert!(desk.set(Protection::Keyring, Support::works("Secret Service")));
        assert!(!desk.set(Protection::Keyring, Support::works("Secret Service")), "the same is no change");
        assert_eq!(desk.problems(|p| relied.contains(&p)), [Protection::Idle]);
    }

    #[tokio::test]
    async fn a_report_wakes_its_followers_only_on_a_change() {
        let report = DeskReport::default();
        let mut follow = report.subscribe();
        report.set(Protection::Tray, Support::missing("no StatusNotifierWatcher"));
        assert!(follow.has_changed().unwrap_or(false));
        assert_eq!(follow.borrow_and_update().get(Protection::Tray).state(), "missing");
        report.set(Protection::Tray, Support::missing("no StatusNotifierWatcher"));
        assert!(!follow.has_changed().unwrap_or(true), "the same answer again wakes nobody");
        report.set(Protection::Tray, Support::works("org.kde.StatusNotifierWatcher"));
        assert!(follow.has_changed().unwrap_or(false), "a tray host that appears later changes it");
        assert_eq!(report.now().get(Protection::Tray), Support::works("org.kde.StatusNotifierWatcher"));
    }
}
