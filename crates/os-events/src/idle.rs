//! Idle detection: no keyboard or mouse input for the agent's chosen minutes is an
//! [`AwayEvent::Idle`], and the first input after it an [`AwayEvent::Active`] (the away rules
//! then go offline and restore, as for a lock: `desk_events::away`).
//!
//! Where the time since the last input comes from ([`IdleSource`], the first that answers):
//! - X11: the X server's own (the MIT-SCREEN-SAVER extension's `QueryInfo`, over the x11rb
//!   connection the shortcut already uses);
//! - GNOME (Wayland or X11): Mutter's `org.gnome.Mutter.IdleMonitor.GetIdletime` on the
//!   session bus;
//! - KDE (Wayland or X11): `org.freedesktop.ScreenSaver.GetSessionIdleTime` (milliseconds, as
//!   KDE answers it).
//!
//! On a Wayland session only the desktop's D-Bus services are asked (an X11 reading there only
//! sees XWayland windows' input, so an agent working in Wayland windows would count as idle);
//! where neither answers (sway, Hyprland), idle detection is not available and says so. All three are read the same way, by the same
//! [`IdleTracker`]; Mutter's idle watches would spare the readings, but one way of reading
//! for all is simpler to prove, and a reading a minute is cheap. Why not the `user-idle2` or
//! `system-idle-time` crates: on Linux they read the same X11 value through libxss (one more C
//! library to install and link) or the same D-Bus calls; x11rb and zbus are already in the tree
//! and pure Rust. On Windows the time comes from `GetLastInputInfo` (`crate::windows`), on
//! macOS from `CGEventSource` (`crate::macos`).
//!
//! Cost: one round trip to the X server per check. While the agent is active it checks when
//! the threshold could next be reached (at most every minute); while idle, every second, so the
//! return is noticed at once. With the setting off it only looks at the setting every 30 s.

use std::sync::Arc;
use std::time::Duration;

use desk_events::{AwayEvent, DeskReport, Protection, Support};

use crate::{OsError, OsEvent, OsEventHandler};

/// The longest wait between two checks while the agent is active.
const MAX_WAIT: Duration = Duration::from_secs(60);
/// The wait between two checks while the agent is idle.
const IDLE_POLL: Duration = Duration::from_secs(1);
/// The wait between two looks at the setting while it is off.
const OFF_POLL: Duration = Duration::from_secs(30);

/// Turns "time since the last input" readings into idle and active events.
#[derive(Debug, Default)]
pub struct IdleTracker {
    idle: bool,
}

impl IdleTracker {
    /// For a reading of `idle_for` with the threshold (`None`: the setting is off): the event
    /// due, if any, and how long to wait before the next reading.
    pub fn step(&mut self, idle_for: Duration, threshold: Option<Duration>) -> (Option<AwayEvent>, Duration) {
        let Some(threshold) = threshold else {
            // Turned off while idle: the agent counts as back.
            let event = std::mem::take(&mut self.idle).then_some(AwayEvent::Active);
            return (event, OFF_POLL);
        };
        let until_idle = threshold.saturating_sub(idle_for).clamp(IDLE_POLL, MAX_WAIT);
        match (self.idle, idle_for >= threshold) {
            (false, true) => {
                self.idle = true;
                (Some(AwayEvent::Idle), IDLE_POLL)
            }
            (false, false) => (None, until_idle),
            (true, true) => (None, IDLE_POLL),
            // Input since: the time since the last input started again from zero.
            (true, false) => {
                self.idle = false;
                (Some(AwayEvent::Active), until_idle)
            }
        }
    }
}

/// Something that tells how long it has been since the last keyboard or mouse input.
pub trait IdleSource: Send {
    fn idle_for(&self) -> Option<Duration>;
    /// Which it is, for the log.
    fn name(&self) -> &'static str;
}

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "macos")]
mod macos;
#[cfg(windows)]
mod windows;
#[cfg(target_os = "linux")]
pub use linux::{KdeIdle, MutterIdle, X11Idle, connect_source};
#[cfg(target_os = "macos")]
pub use macos::{EventSourceIdle, connect_source};
#[cfg(windows)]
pub use windows::{LastInput, connect_source};

/// Elsewhere: none.
#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
pub fn connect_source() -> Result<Box<dyn IdleSource>, OsError> {
    Err(OsError::Unsupported)
}

/// `source`, boxed, if it gives a reading now; else `why`.
#[cfg(any(windows, target_os = "macos"))]
pub(crate) fn if_answering<S: IdleSource + 'static>(source: S) -> Result<Box<dyn IdleSource>, OsError> {
    match source.idle_for() {
        Some(_) => Ok(Box::new(source)),
        None => Err(OsError::NotAnswering(source.name())),
    }
}

/// How long after finding no idle source (or losing it) the sources are asked again: a
/// desktop's service that starts after the app is found then.
pub const RETRY_SOURCE: Duration = Duration::from_secs(60);

/// Watches for idleness on a thread of its own (each reading is a blocking call: an X11 round
/// trip, a D-Bus call, `GetLastInputInfo`, `CGEventSource`),
/// handing each event to `handler` on `runtime`. `threshold` is read before every check, so a
/// change of the setting applies at the next one. Which source answers, or that none does, goes
/// into `desk`; with none, the sources are asked again every [`RETRY_SOURCE`].
pub fn spawn<H: OsEventHandler>(
    handler: Arc<H>,
    threshold: impl Fn() -> Option<Duration> + Send + 'static,
    runtime: tokio::runtime::Handle,
    desk: DeskReport,
) -> Result<(), OsError> {
    std::thread::Builder::new()
        .name("idle".into())
        .spawn(move || {
            let mut tracker = IdleTracker::default();
            // Said once per reason, not at every minute's new try.
            let mut said: Option<String> = None;
            loop {
                let source = match connect_source() {
                    Ok(source) => source,
                    Err(why) => {
                        let why = why.to_string();
                        if said.as_ref() != Some(&why) {
                            tracing::warn!("no idle detection: {why}");
                            said = Some(why.clone());
                        }
                        desk.set(Protection::Idle, Support::missing(why));
                        std::thread::sleep(RETRY_SOURCE);
                        continue;
                    }
                };
                tracing::info!(source = source.name(), "idle detection ready");
                said = None;
                desk.set(Protection::Idle, Support::works(source.name()));
                while let Some(idle_for) = source.idle_for() {
                    let (event, wait) = tracker.step(idle_for, threshold());
                    if let Some(event) = event {
                        tracing::info!(?event, idle_s = idle_for.as_secs(), "idle");
                        runtime.block_on(handler.handle(OsEvent::Away(event)));
                    }
                    std::thread::sleep(wait);
                }
                tracing::warn!(source = source.name(), "stopped answering; looking for an idle source again");
                desk.set(Protection::Idle, Support::missing(format!("{} stopped answering", source.name())));
            }
        })
        .map(drop)
        .map_err(|e| OsError::Thread("idle", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn idle_after_the_threshold_and_active_on_the_next_input() {
        let mut t = IdleTracker::default();
        let ten = Some(MIN * 10);
        assert_eq!(t.step(MIN * 4, ten), (None, MAX_WAIT), "checks again within a minute");
        assert_eq!(t.step(MIN * 10 - Duration::from_secs(5), ten), (None, Duration::from_secs(5)));
        assert_eq!(t.step(MIN * 10, ten), (Some(AwayEvent::Idle), IDLE_POLL));
        assert_eq!(t.step(MIN * 11, ten), (None, IDLE_POLL), "said once");
        assert_eq!(t.step(Duration::from_millis(300), ten), (Some(AwayEvent::Active), MAX_WAIT));
        assert_eq!(t.step(Duration::from_secs(2), ten), (None, MAX_WAIT), "said once");
    }

    #[test]
    fn turning_the_setting_off_while_idle_counts_as_back() {
        let mut t = IdleTracker::default();
        assert_eq!(t.step(MIN * 20, Some(MIN)).0, Some(AwayEvent::Idle));
        assert_eq!(t.step(MIN * 21, None), (Some(AwayEvent::Active), OFF_POLL));
        assert_eq!(t.step(MIN * 22, None), (None, OFF_POLL));
    }
}
