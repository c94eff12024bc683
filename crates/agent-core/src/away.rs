//! Never available by accident: what to do when the screen locks or the computer sleeps, and
//! what to restore when the agent is back. Pure decisions; the [`crate::Agent`] carries them out.

use exotel_api::{Availability, Device};

use crate::settings::Preferences;
use crate::status::{Source, Status, Target, UnixMillis};

/// Something the OS said about the agent being away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwayEvent {
    Locked,
    Unlocked,
    Sleeping,
    Woke,
}

/// What the app itself turned off, to restore it on return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parked {
    device: Device,
    /// The `at` of the change that turned it off: if a later change happened, the agent (or
    /// someone) changed something since, and nothing is restored.
    at: UnixMillis,
}

#[derive(Debug, Clone, Default)]
pub struct AwayMemory {
    parked: Option<Parked>,
    locked: bool,
}

impl AwayMemory {
    /// The request `event` calls for, if any.
    pub fn decide(&self, event: AwayEvent, prefs: &Preferences, status: &Status) -> Option<(Target, Source)> {
        if !status.signed_in {
            return None;
        }
        let receiving = matches!(status.availability, Availability::Receiving(_));
        match event {
            AwayEvent::Locked if prefs.offline_on_lock && receiving => Some((Target::Offline, Source::Lock)),
            AwayEvent::Sleeping if prefs.offline_on_sleep && receiving => {
                Some((Target::Offline, Source::Sleep))
            }
            // Waking up to a locked screen: wait for the unlock.
            AwayEvent::Woke if self.locked => None,
            AwayEvent::Unlocked | AwayEvent::Woke if prefs.restore_on_return => {
                let parked = self.parked?;
                let untouched = status.availability == Availability::Offline
                    && status.last_change.as_ref().map(|c| c.at) == Some(parked.at);
                let source = if event == AwayEvent::Woke { Source::Sleep } else { Source::Lock };
                untouched.then_some((Target::Receiving(parked.device), source))
            }
            _ => None,
        }
    }

    /// Remembers what happened: a device the app turned off, or that the agent is back.
    pub fn after(&mut self, event: AwayEvent, before: Availability, now: &Status) {
        match event {
            AwayEvent::Locked | AwayEvent::Sleeping => {
                if event == AwayEvent::Locked {
                    self.locked = true;
                }
                if let (Availability::Receiving(device), Availability::Offline, Some(change)) =
                    (before, now.availability, now.last_change.as_ref())
                {
                    self.parked = Some(Parked { device, at: change.at });
                }
            }
            AwayEvent::Unlocked => {
                self.locked = false;
                self.parked = None;
            }
            AwayEvent::Woke if !self.locked => self.parked = None,
            AwayEvent::Woke => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{Change, Outcome};

    fn status(a: Availability, last_at: Option<UnixMillis>) -> Status {
        Status {
            availability: a,
            signed_in: true,
            last_change: last_at.map(|at| Change {
                at,
                from: Availability::Offline,
                to: a,
                source: Source::Lock,
                outcome: Outcome::Confirmed,
                target: None,
                error_kind: None,
            }),
            ..Status::default()
        }
    }

    const PHONE: Availability = Availability::Receiving(Device::Phone);

    #[test]
    fn lock_parks_and_unlock_restores_only_if_untouched() {
        let prefs = Preferences { offline_on_lock: true, ..Preferences::default() };
        let mut m = AwayMemory::default();
        assert_eq!(
            m.decide(AwayEvent::Locked, &prefs, &status(PHONE, None)),
            Some((Target::Offline, Source::Lock))
        );
        m.after(AwayEvent::Locked, PHONE, &status(Availability::Offline, Some(10)));
        let back = m.decide(AwayEvent::Unlocked, &prefs, &status(Availability::Offline, Some(10)));
        assert_eq!(back, Some((Target::Receiving(Device::Phone), Source::Lock)));
        // A change since (at 11): nothing is restored.
        assert_eq!(m.decide(AwayEvent::Unlocked, &prefs, &status(Availability::Offline, Some(11))), None);
        m.after(AwayEvent::Unlocked, Availability::Offline, &status(Availability::Offline, Some(10)));
        assert_eq!(m.decide(AwayEvent::Unlocked, &prefs, &status(Availability::Offline, Some(10))), None);
    }

    #[test]
    fn settings_off_means_no_action_and_wake_waits_for_unlock() {
        let mut m = AwayMemory::default();
        let off = Preferences::default();
        assert_eq!(m.decide(AwayEvent::Locked, &off, &status(PHONE, None)), None);
        assert_eq!(m.decide(AwayEvent::Sleeping, &off, &status(PHONE, None)), None);

        let both = Preferences { offline_on_lock: true, offline_on_sleep: true, ..Preferences::default() };
        m.after(AwayEvent::Locked, PHONE, &status(Availability::Offline, Some(5)));
        m.after(AwayEvent::Sleeping, Availability::Offline, &status(Availability::Offline, Some(5)));
        assert_eq!(
            m.decide(AwayEvent::Woke, &both, &status(Availability::Offline, Some(5))),
            None,
            "still locked"
        );
        m.after(AwayEvent::Woke, Availability::Offline, &status(Availability::Offline, Some(5)));
        assert!(m.decide(AwayEvent::Unlocked, &both, &status(Availability::Offline, Some(5))).is_some());

        let no_restore = Preferences { restore_on_return: false, ..both };
        assert_eq!(m.decide(AwayEvent::Unlocked, &no_restore, &status(Availability::Offline, Some(5))), None);
    }
}
