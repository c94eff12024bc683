//! Never available by accident: the away rules, in one place. Pure decisions over what the app
//! knows (locked, asleep, idle, what it turned off itself and when); the [`crate::Agent`]
//! holds one [`AwayRules`] under one lock and carries the decisions out, so every source
//! (tray, window, shortcut, command line, timers, OS events) meets the same rules, one at a
//! time.
//!
//! - **R1.** Going away (lock, sleep or idle, with its setting on) ends offline whatever the
//!   status: receiving, unknown, or a change in flight (which is then followed by offline).
//! - **R2.** While the agent is away, nothing the app does on its own turns a device on: not a
//!   break's end, not a restore, not a sync (syncs only read). A break that ends while the
//!   agent is away restores when the agent returns (if *Turn calls back on when I return* is
//!   on and nothing changed since).
//! - **R3.** The app turns on only a device it turned off itself, and only if nothing changed
//!   since.
//! - **R4.** An explicit change by the agent (tray, window, shortcut, command line) always wins:
//!   it cancels any break and forgets what was parked.
//! - **R5.** The shortcut from an unknown status goes offline
//!   ([`toggle_target`], decided under the duties lock by [`crate::Agent::toggle`]).
//!
//! R1 holds through an outage: an away-offline that fails is kept as an [`OfflineDuty`] and
//! tried again ([`crate::backoff::Backoff`]) until Exotel confirms the agent offline (a reply or
//! a read), the agent returns (a return cancels it, and restores nothing it did not turn off),
//! or the agent makes their own change (R4). Waking up tries it first, before anything else.

use desk_events::AwayEvent;
use exotel_api::{Availability, Device};

use crate::settings::Preferences;
use crate::status::{Source, Status, Target, UnixMillis, now_ms};

/// A device the app turned off itself (or a break's, ended while the agent was away), to turn
/// back on when the agent returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parked {
    pub device: Device,
    /// The `at` of the last change when it was parked: if a later change happened, the agent
    /// (or someone) changed something since, and nothing is restored (R3).
    pub at: Option<UnixMillis>,
    /// When it was parked (the system clock): a change by the agent after this, from any
    /// program, means it is not restored (R4).
    pub since: UnixMillis,
}

/// An away-offline that Exotel has not confirmed yet: the app owes the agent offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfflineDuty {
    /// What sent the agent away first (lock, sleep or idle).
    pub source: Source,
    /// When it began (the system clock): a change by the agent after this, from any program,
    /// ends it (R4).
    pub since: UnixMillis,
    /// The attempts that failed so far.
    pub attempts: u32,
    /// Tells duties apart: a retry works only for the duty it was started for.
    pub id: u64,
}

/// What the rules know.
#[derive(Debug, Clone, Default)]
pub struct AwayRules {
    locked: bool,
    asleep: bool,
    idle: bool,
    parked: Option<Parked>,
    duty: Option<OfflineDuty>,
    /// The id of the last duty begun.
    duties_begun: u64,
}

impl AwayRules {
    /// Locked, asleep or idle.
    pub fn away(&self) -> bool {
        self.locked || self.asleep || self.idle
    }

    /// What is waiting for the agent's return.
    pub fn parked(&self) -> Option<Parked> {
        self.parked
    }

    /// The away-offline still owed, if one failed.
    pub fn duty(&self) -> Option<OfflineDuty> {
        self.duty
    }

    /// An away-offline from `source` was not confirmed: while the agent is still away, it is
    /// owed until it is (a duty already owed counts one more attempt). The duty, if one is owed.
    pub fn offline_failed(&mut self, source: Source) -> Option<OfflineDuty> {
        if !self.away() {
            self.duty = None;
            return None;
        }
        let duty = match self.duty {
            Some(d) => OfflineDuty { attempts: d.attempts.saturating_add(1), ..d },
            None => {
                self.duties_begun += 1;
                OfflineDuty { source, since: now_ms(), attempts: 1, id: self.duties_begun }
            }
        };
        self.duty = Some(duty);
        self.duty
    }

    /// Exotel confirmed the agent offline: nothing is owed any more. The duty that was, if any.
    pub fn offline_confirmed(&mut self) -> Option<OfflineDuty> {
        self.duty.take()
    }

    /// Notes `event` and says what to ask for, if anything.
    pub fn on_event(
        &mut self,
        event: AwayEvent,
        prefs: &Preferences,
        status: &Status,
    ) -> Option<(Target, Source)> {
        match event {
            AwayEvent::Locked => {
                self.locked = true;
                go_offline(prefs.offline_on_lock, status, Source::Lock)
            }
            AwayEvent::Sleeping => {
                self.asleep = true;
                go_offline(prefs.offline_on_sleep, status, Source::Sleep)
            }
            AwayEvent::Idle => {
                self.idle = true;
                go_offline(prefs.offline_when_idle, status, Source::Idle)
            }
            // Unlocking takes input: the agent is not idle either.
            AwayEvent::Unlocked => {
                self.locked = false;
                self.idle = false;
                self.restore(prefs, status, Source::Lock)
            }
            AwayEvent::Woke => {
                self.asleep = false;
                self.restore(prefs, status, Source::Sleep)
            }
            AwayEvent::Active => {
                self.idle = false;
                self.restore(prefs, status, Source::Idle)
            }
        }
    }

    /// After the app went offline for an away event: remembers the device it turned off. A
    /// device parked before (a lock, then sleep) stays parked.
    pub fn went_offline(&mut self, before: &Status, now: &Status) {
        if let (Availability::Receiving(device), Availability::Offline) =
            (before.availability, now.availability)
        {
            self.parked =
                Some(Parked { device, at: now.last_change.as_ref().map(|c| c.at), since: now_ms() });
        }
    }

    /// R4 across programs: the agent changed their status (with `exotel-agent`, say) at
    /// `changed_at`; a device parked before then is not restored.
    pub fn agent_changed(&mut self, changed_at: Option<UnixMillis>) {
        if self.parked.is_some_and(|p| changed_at.is_some_and(|c| c >= p.since)) {
            self.parked = None;
        }
        if self.duty.is_some_and(|d| changed_at.is_some_and(|c| c >= d.since)) {
            self.duty = None;
        }
    }

    /// R2: a break ended while the agent was away; its device waits for their return.
    pub fn park_for_return(&mut self, device: Device, status: &Status) {
        self.parked = Some(Parked { device, at: status.last_change.as_ref().map(|c| c.at), since: now_ms() });
    }

    /// R4: an explicit change by the agent; nothing parked is restored after it, and no
    /// away-offline owed is sent any more.
    pub fn forget(&mut self) {
        self.parked = None;
        self.duty = None;
    }

    /// R2 and R3: on return (no longer locked, asleep nor idle), the parked device, if the
    /// agent wants it back and nothing changed since. Once back, whatever was parked is
    /// forgotten (restored, or overtaken by a change).
    fn restore(&mut self, prefs: &Preferences, status: &Status, source: Source) -> Option<(Target, Source)> {
        if self.away() {
            return None;
        }
        // Back: an away-offline still owed is not sent any more (the agent is here to see).
        self.duty = None;
        let parked = self.parked.take()?;
        let untouched = status.signed_in
            && status.availability == Availability::Offline
            && status.last_change.as_ref().map(|c| c.at) == parked.at;
        (prefs.restore_on_return && untouched).then_some((Target::Receiving(parked.device), source))
    }
}

/// R1: offline, unless the setting is off or the agent is signed out. Also when the status
/// shown is offline already: it may be stale (a supervisor turned the phone on since the last
/// read), and going offline from "offline" costs one read when it is true.
fn go_offline(wanted: bool, status: &Status, source: Source) -> Option<(Target, Source)> {
    (wanted && status.signed_in).then_some((Target::Offline, source))
}

/// What the global shortcut asks for: offline when receiving, else the device used last
/// (from the recent changes; the phone if none). From an unknown status (or a change in
/// flight) it takes the safe side, offline (R5): a key pressed without
/// looking never turns a device on by guess.
pub fn toggle_target(s: &Status) -> Target {
    if s.availability != Availability::Offline || s.pending.is_some() {
        return Target::Offline;
    }
    let last = s.recent.iter().find_map(|c| match c.to {
        Availability::Receiving(d) => Some(d),
        _ => None,
    });
    Target::Receiving(last.unwrap_or(Device::Phone))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{Change, Outcome};

    /// R5: the shortcut goes offline when receiving, from unknown and with a change in flight;
    /// from offline, back to the device used last (the phone if none).
    #[test]
    fn the_shortcut_takes_the_safe_side() {
        const PHONE: Target = Target::Receiving(Device::Phone);
        let signed_in = |a: Availability| Status { availability: a, signed_in: true, ..Status::default() };
        let change = |from: Availability, to: Availability, source: Source, outcome: Outcome| Change {
            at: 1,
            from,
            to,
            source,
            outcome,
            target: None,
            error_kind: None,
            attempts: None,
        };
        let s = signed_in(Availability::Offline);
        assert_eq!(toggle_target(&signed_in(Availability::Receiving(Device::Sip))), Target::Offline);
        // R5: from unknown, or with a change in flight, the shortcut goes offline.
        assert_eq!(toggle_target(&signed_in(Availability::Unknown)), Target::Offline);
        let mut in_flight = signed_in(Availability::Offline);
        in_flight.pending = Some(PHONE);
        assert_eq!(toggle_target(&in_flight), Target::Offline);
        assert_eq!(toggle_target(&s), PHONE, "no device used yet: the phone");
        let used_sip = change(
            Availability::Offline,
            Availability::Receiving(Device::Sip),
            Source::Tray,
            Outcome::Confirmed,
        );
        let back = change(
            Availability::Receiving(Device::Sip),
            Availability::Offline,
            Source::Tray,
            Outcome::Confirmed,
        );
        let s = Status { recent: vec![back, used_sip], ..s };
        assert_eq!(toggle_target(&s), Target::Receiving(Device::Sip));
    }

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
                attempts: None,
            }),
            ..Status::default()
        }
    }

    const PHONE: Availability = Availability::Receiving(Device::Phone);
    const OFF: Availability = Availability::Offline;

    fn all_on() -> Preferences {
        Preferences {
            offline_on_lock: true,
            offline_on_sleep: true,
            offline_when_idle: true,
            ..Preferences::default()
        }
    }

    #[test]
    fn lock_parks_and_unlock_restores_only_if_untouched() {
        let prefs = all_on();
        let mut m = AwayRules::default();
        assert_eq!(
            m.on_event(AwayEvent::Locked, &prefs, &status(PHONE, None)),
            Some((Target::Offline, Source::Lock))
        );
        m.went_offline(&status(PHONE, None), &status(OFF, Some(10)));
        let back = m.clone().on_event(AwayEvent::Unlocked, &prefs, &status(OFF, Some(10)));
        assert_eq!(back, Some((Target::Receiving(Device::Phone), Source::Lock)));
        // A change since (at 11): nothing is restored, and nothing stays parked.
        assert_eq!(m.on_event(AwayEvent::Unlocked, &prefs, &status(OFF, Some(11))), None);
        assert_eq!(m.parked(), None);
    }

    /// R1 from every status: unknown, and a change in flight, go offline too.
    #[test]
    fn going_away_ends_offline_whatever_the_status() {
        let prefs = all_on();
        for event in [AwayEvent::Locked, AwayEvent::Sleeping, AwayEvent::Idle] {
            let mut m = AwayRules::default();
            let unknown = status(Availability::Unknown, None);
            assert_eq!(m.on_event(event, &prefs, &unknown).map(|d| d.0), Some(Target::Offline), "{event:?}");
            let mut in_flight = status(OFF, Some(1));
            in_flight.pending = Some(Target::Receiving(Device::Sip));
            assert_eq!(
                m.on_event(event, &prefs, &in_flight).map(|d| d.0),
                Some(Target::Offline),
                "{event:?}"
            );
            let shown_offline = m.on_event(event, &prefs, &status(OFF, Some(1)));
            assert_eq!(
                shown_offline.map(|d| d.0),
                Some(Target::Offline),
                "shown offline may be stale: {event:?}"
            );
            assert!(m.away());
        }
        let mut m = AwayRules::default();
        assert_eq!(
            m.on_event(AwayEvent::Locked, &Preferences::default(), &status(PHONE, None)),
            None,
            "setting off"
        );
        let signed_out = Status::default();
        assert_eq!(m.on_event(AwayEvent::Locked, &prefs, &signed_out), None);
    }

    /// R2: still away by another cause, nothing comes back; back from all, it does.
    #[test]
    fn nothing_comes_back_while_any_away_cause_remains() {
        let prefs = all_on();
        let mut m = AwayRules::default();
        m.on_event(AwayEvent::Locked, &prefs, &status(PHONE, None));
        m.went_offline(&status(PHONE, None), &status(OFF, Some(5)));
        m.on_event(AwayEvent::Sleeping, &prefs, &status(OFF, Some(5)));
        assert_eq!(m.on_event(AwayEvent::Woke, &prefs, &status(OFF, Some(5))), None, "still locked");
        assert!(m.parked().is_some());
        m.on_event(AwayEvent::Idle, &prefs, &status(OFF, Some(5)));
        // Unlocking is input: idle ends too, and the phone comes back.
        let back = m.on_event(AwayEvent::Unlocked, &prefs, &status(OFF, Some(5)));
        assert_eq!(back, Some((Target::Receiving(Device::Phone), Source::Lock)));

        let no_restore = Preferences { restore_on_return: false, ..all_on() };
        let mut m = AwayRules::default();
        m.on_event(AwayEvent::Idle, &no_restore, &status(PHONE, None));
        m.went_offline(&status(PHONE, None), &status(OFF, Some(5)));
        assert_eq!(m.on_event(AwayEvent::Active, &no_restore, &status(OFF, Some(5))), None);
    }

    /// R1 through an outage: a failed away-offline is owed while the agent is away, counted
    /// once per attempt, and ends when Exotel confirms, when the agent returns (nothing
    /// restored: nothing was parked) or with the agent's own change.
    #[test]
    fn a_failed_away_offline_is_owed_until_confirmed_return_or_the_agents_change() {
        let prefs = all_on();
        let mut m = AwayRules::default();
        assert_eq!(m.offline_failed(Source::Lock), None, "not away: nothing owed");
        m.on_event(AwayEvent::Locked, &prefs, &status(PHONE, None));
        let first = m.offline_failed(Source::Lock).unwrap();
        assert_eq!((first.source, first.attempts), (Source::Lock, 1));
        m.on_event(AwayEvent::Idle, &prefs, &status(PHONE, None));
        let again = m.offline_failed(Source::Idle).unwrap();
        assert_eq!((again.source, again.attempts, again.id), (Source::Lock, 2, first.id), "the same duty");
        assert_eq!(m.clone().offline_confirmed(), Some(again));

        // Unlocking (input: idle ends too) cancels it and restores nothing.
        let mut back = m.clone();
        assert_eq!(back.on_event(AwayEvent::Unlocked, &prefs, &status(PHONE, None)), None);
        assert_eq!(back.duty(), None);

        // Still asleep: waking from one cause of two keeps it.
        let mut asleep = m.clone();
        asleep.on_event(AwayEvent::Sleeping, &prefs, &status(PHONE, None));
        asleep.on_event(AwayEvent::Woke, &prefs, &status(PHONE, None));
        assert!(asleep.duty().is_some(), "still locked");

        // R4, here and from another program after the duty began.
        let mut mine = m.clone();
        mine.forget();
        assert_eq!(mine.duty(), None);
        let mut elsewhere = m.clone();
        elsewhere.agent_changed(Some(again.since.saturating_sub(1)));
        assert!(elsewhere.duty().is_some(), "a change before the duty began is not the agent's answer");
        elsewhere.agent_changed(Some(again.since));
        assert_eq!(elsewhere.duty(), None);

        // A new duty after one ended has a new id (a retry of the old one stops).
        m.offline_confirmed();
        assert_ne!(m.offline_failed(Source::Lock).map(|d| d.id), Some(first.id));
    }

    /// R2 for a break that ended while away, and R4.
    #[test]
    fn a_break_parked_while_away_comes_back_on_return_unless_the_agent_chose() {
        let prefs = all_on();
        let mut m = AwayRules::default();
        m.on_event(AwayEvent::Locked, &prefs, &status(OFF, Some(3)));
        m.park_for_return(Device::Sip, &status(OFF, Some(3)));
        let back = m.clone().on_event(AwayEvent::Unlocked, &prefs, &status(OFF, Some(3)));
        assert_eq!(back, Some((Target::Receiving(Device::Sip), Source::Lock)));
        m.forget();
        assert_eq!(m.on_event(AwayEvent::Unlocked, &prefs, &status(OFF, Some(3))), None);
    }
}
