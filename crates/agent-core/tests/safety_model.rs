//! The safety model: random sequences of what happens in an agent's day (clicks from every
//! source, lock (heard from a screensaver, logind's signals and its `LockedHint`, duplicated
//! and overlapping, through the app's one latch), sleep, idle and their ends, breaks and their timers, clock jumps, changes made
//! behind the app's back, sandbox faults, app restarts), run through a real `Agent` against the
//! sandbox with a wall clock the test moves, and after every step the away rules
//! (`agent_core::away`, R1-R5) and the truth rules checked. A failing sequence is shrunk and
//! printed as the list of events.
//!
//! Liveness too: outages (every endpoint failing with 5xx, resets, 429 with `Retry-After`, or
//! changes carried out whose reply is lost) open and close in the middle of away events. After
//! every step with no fault open, within a bound: nothing is owed any more, and an agent who
//! went away (and made no change of their own since) is offline at the sandbox.
//! Prints `safety model: N sequences, M steps, 0 violations, 0 liveness violations`.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stdout)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use agent_core::{
    Accounts, Agent, AwayEvent, Backoff, ChangeSink, ControllerConfig, History, Keyring, LockLatch,
    ManualClock, Outcome, Preferences, SettingsStore, SignInInput, Source, Target, now_ms,
};
use exotel_api::{Availability, Device, RetryPolicy, Secret};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, Endpoint, Fault, Sandbox};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const SEQUENCES: u32 = 1_000;
const SEED: [u8; 32] = *b"exotel-agent-tray safety model 1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Click {
    Tray,
    Window,
    /// The global shortcut: the target is `toggle_target` of what is shown.
    Shortcut,
    /// `exotel-agent` in a terminal: another `Agent` on the same settings file.
    Cli,
}

/// How every endpoint fails during an outage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutageKind {
    ServerError,
    Reset,
    /// 429 with `Retry-After: 1`.
    RateLimited,
    /// The change is carried out and its reply lost (what a timeout after the fact looks like);
    /// reads time out the same way.
    ReplyLost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FaultKind {
    ServerError,
    Reset,
    Lagging,
    ExpiredToken,
}

/// Where the screen's lock is heard from on Linux (the OS layer passes them through one
/// [`LockLatch`], as the app does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LockSource {
    /// A screensaver's `ActiveChanged` (freedesktop, GNOME, Cinnamon, MATE, XFCE).
    Screensaver,
    /// logind's session `Lock`/`Unlock`.
    Logind,
    /// logind's session `LockedHint`.
    LockedHint,
}

/// One thing that happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Click(Click, Target),
    Away(AwayEvent),
    /// The screen locked or unlocked, as one source reports it: the same lock may come from
    /// two or three sources, in any order, and overlap.
    Lock {
        source: LockSource,
        locked: bool,
    },
    BreakStart {
        minutes: u64,
    },
    BreakEnd,
    /// Time passes (the break's timer checks the clock, as it does every 10 s).
    Minutes(u64),
    /// The wall clock jumps (NTP, a time zone fix), back or forward.
    ClockJump {
        minutes: i64,
    },
    /// Exotel's state changed behind the app's back (a supervisor, another app).
    BehindBack(Option<Device>),
    /// The next request of each kind fails this way.
    Fault(FaultKind),
    /// Every request fails this way during the next `events` events.
    Outage {
        kind: OutageKind,
        events: u32,
    },
    /// The sync loop reads the status.
    Sync,
    Restart,
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        Just(Target::Offline),
        Just(Target::Receiving(Device::Phone)),
        Just(Target::Receiving(Device::Sip))
    ]
}

fn event() -> impl Strategy<Value = Event> {
    let click = prop_oneof![Just(Click::Tray), Just(Click::Window), Just(Click::Shortcut), Just(Click::Cli)];
    let lock_source =
        prop_oneof![Just(LockSource::Screensaver), Just(LockSource::Logind), Just(LockSource::LockedHint)];
    let away = prop_oneof![
        Just(AwayEvent::Sleeping),
        Just(AwayEvent::Woke),
        Just(AwayEvent::Idle),
        Just(AwayEvent::Active),
    ];
    let device = prop_oneof![Just(None), Just(Some(Device::Phone)), Just(Some(Device::Sip))];
    let outage = prop_oneof![
        3 => Just(OutageKind::ServerError),
        3 => Just(OutageKind::Reset),
        1 => Just(OutageKind::RateLimited),
        3 => Just(OutageKind::ReplyLost),
    ];
    let fault = prop_oneof![
        Just(FaultKind::ServerError),
        Just(FaultKind::Reset),
        Just(FaultKind::Lagging),
        Just(FaultKind::ExpiredToken)
    ];
    prop_oneof![
        4 => (click, target()).prop_map(|(c, t)| Event::Click(c, t)),
        2 => away.prop_map(Event::Away),
        3 => (lock_source, any::<bool>()).prop_map(|(source, locked)| Event::Lock { source, locked }),
        1 => prop_oneof![Just(1u64), Just(15), Just(60)].prop_map(|minutes| Event::BreakStart { minutes }),
        1 => Just(Event::BreakEnd),
        2 => (1u64..=120).prop_map(Event::Minutes),
        1 => (-90i64..=90).prop_map(|minutes| Event::ClockJump { minutes }),
        1 => device.prop_map(Event::BehindBack),
        1 => fault.prop_map(Event::Fault),
        1 => (outage, 1u32..=4).prop_map(|(kind, events)| Event::Outage { kind, events }),
        2 => Just(Event::Sync),
        1 => Just(Event::Restart),
    ]
}

/// What the test knows, independently of the app.
#[derive(Debug, Default)]
struct Model {
    locked: bool,
    asleep: bool,
    idle: bool,
    /// A change was made behind the app's back and the app has not talked to Exotel since.
    stale: bool,
    /// The device the app may turn back on by itself: one it turned off (away or a break) with
    /// nothing changed since.
    restorable: Option<Device>,
    /// What `exotel-agent` last set (and recorded), not yet seen by the app.
    cli_unseen: Option<Availability>,
    /// The agent went away (with the settings on) and made no change of their own since, nor
    /// did anyone else: once faults clear, Exotel must have them offline (liveness).
    owed: bool,
    /// Events left in the outage open now (0: none).
    outage_left: u32,
    /// What Exotel held when the app last talked to it.
    app_saw: Option<Availability>,
    /// What was restorable before changes behind the app's back that it has not read yet.
    unseen_restorable: Option<Device>,
    /// The outage was 429s: Exotel's `Retry-After` holds the app's requests back after it
    /// closes, until about then.
    rate_limited: bool,
    limited_until: Option<tokio::time::Instant>,
}

impl Model {
    fn away(&self) -> bool {
        self.locked || self.asleep || self.idle
    }
}

struct World {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    agent: Arc<Agent>,
    /// The app's one latch over every source of the screen's lock.
    latch: LockLatch,
}

fn prefs() -> Preferences {
    Preferences {
        offline_on_lock: true,
        offline_on_sleep: true,
        offline_when_idle: true,
        restore_on_return: true,
        // The sync loop's own timer never fires during a run (its first read comes at a random
        // part of the interval): the model reads with `Event::Sync`, and the app when woken.
        sync_interval_secs: 86_400,
        ..Preferences::default()
    }
}

impl World {
    async fn new() -> Self {
        let sandbox = Sandbox::start().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(now_ms()));
        let agent = open(&sandbox, &dir, &clock).await;
        agent.set_preferences(prefs()).unwrap();
        Self { sandbox, dir, clock, agent, latch: LockLatch::default() }
    }

    fn truth(&self) -> Availability {
        match self.sandbox.active(DEMO_USER_ID) {
            Some(Ok(None)) => Availability::Offline,
            Some(Ok(Some(DeviceName::Phone))) => Availability::Receiving(Device::Phone),
            Some(Ok(Some(DeviceName::Sip))) => Availability::Receiving(Device::Sip),
            _ => Availability::Unknown,
        }
    }

    fn history(&self) -> History {
        History::new(self.dir.path().join("history.jsonl"))
    }
}

/// An agent as the app makes it, signed in (in memory) to the sandbox, with quick retries and
/// read-backs so faults cost milliseconds.
async fn open(sandbox: &Sandbox, dir: &tempfile::TempDir, clock: &Arc<ManualClock>) -> Arc<Agent> {
    try_open(sandbox, dir, clock).await.unwrap()
}

async fn try_open(
    sandbox: &Sandbox,
    dir: &tempfile::TempDir,
    clock: &Arc<ManualClock>,
) -> agent_core::Result<Arc<Agent>> {
    let retry = RetryPolicy {
        attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
        max_retry_after: Duration::from_secs(1),
        ..RetryPolicy::default()
    };
    // An away-offline owed is tried again after 5 ms, doubling to 50 ms; a 429 is not waited
    // out inside a change (the owed offline's own retry waits for its `Retry-After`).
    let accounts = Accounts::new(Keyring::default(), SettingsStore::new(dir.path().join("settings.toml")))
        .with_retry(retry);
    let history = History::new(dir.path().join("history.jsonl"));
    let config = ControllerConfig {
        history: Some(Arc::new(history) as Arc<dyn ChangeSink>),
        confirm_backoff: Duration::from_millis(1),
        limit_wait: Duration::ZERO,
        offline_retry: Backoff { first: Duration::from_millis(5), max: Duration::from_millis(50) },
        ..ControllerConfig::default()
    };
    let agent = Arc::new(Agent::with_clock(accounts, config, clock.clone()));
    let input = SignInInput {
        host: sandbox.url(),
        app_id: DEMO_APP_ID.into(),
        secret: Secret::new(DEMO_APP_SECRET),
        user_id: DEMO_USER_ID.into(),
    };
    agent.sign_in_in_memory(input).await?;
    Ok(agent)
}

fn arm(sandbox: &Sandbox, kind: FaultKind) {
    match kind {
        FaultKind::ServerError => {
            sandbox.set_fault(Endpoint::Device, Fault::status(500).times(1));
            sandbox.set_fault(Endpoint::Usermapping, Fault::status(503).times(1));
        }
        FaultKind::Reset => sandbox.set_fault(Endpoint::Device, Fault::dropped().times(1)),
        FaultKind::Lagging => sandbox.lag_next_change(1),
        FaultKind::ExpiredToken => sandbox.expire_tokens(),
    }
}

fn open_outage(sandbox: &Sandbox, kind: OutageKind) {
    let fault = match kind {
        OutageKind::ServerError => Fault::status(503),
        OutageKind::Reset => Fault::dropped(),
        OutageKind::RateLimited => Fault::status(429).with_retry_after(1),
        OutageKind::ReplyLost => Fault::applied_reply_lost(),
    };
    for endpoint in [Endpoint::Token, Endpoint::Device, Endpoint::Usermapping] {
        sandbox.set_fault(endpoint, fault.clone());
    }
}

/// Once faults clear, how long the app may take to settle what it owes: the longest wait
/// between attempts (or a `Retry-After` of 1 s) and the attempt itself, with room for a busy
/// machine.
const SETTLE: Duration = Duration::from_secs(4);

/// Liveness, after a step with no fault open: within [`SETTLE`], nothing is owed any more,
/// and an agent who went away (with no change of their own since) is offline at the sandbox.
/// What the app's retries did meanwhile is taken into the model.
async fn settle(w: &World, m: &mut Model) -> Result<(), String> {
    let started = tokio::time::Instant::now();
    let truth_before = w.truth();
    let requests_before = w.sandbox.requests().len();
    let settled = |s: &agent_core::Status| s.going_offline.is_none() && s.pending.is_none();
    while !settled(&w.agent.status()) && started.elapsed() < SETTLE {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let s = w.agent.status();
    if !settled(&s) {
        return Err(format!("liveness: still owed {:?} after the faults cleared", s.going_offline));
    }
    let truth = w.truth();
    if let (Availability::Receiving(d), Availability::Offline, None) = (truth_before, truth, m.restorable) {
        m.restorable = Some(d);
    }
    if w.sandbox.requests().iter().skip(requests_before).any(|r| r.status == 200) {
        m.stale = false;
        m.cli_unseen = None;
    }
    if m.owed && m.away() && truth != Availability::Offline {
        return Err(format!("liveness: away after the faults cleared, but Exotel holds {truth:?}"));
    }
    Ok(())
}

fn explicit(source: Source) -> bool {
    matches!(source, Source::Tray | Source::Window | Source::Shortcut | Source::Cli)
}

/// Carries out one event; `Err` names the rule it broke.
async fn step(w: &mut World, m: &mut Model, event: Event, fault_armed: bool) -> Result<(), String> {
    // Faults may be open now: the one armed for this event, or an outage.
    // The screen's lock from one of its sources: news reaches the app as a lock or unlock (as
    // the OS layer passes it), a duplicate nothing at all.
    let event = match event {
        Event::Lock { locked, .. } if w.latch.passes(locked) => {
            Event::Away(if locked { AwayEvent::Locked } else { AwayEvent::Unlocked })
        }
        other => other,
    };
    let held_back = m.limited_until.is_some_and(|until| tokio::time::Instant::now() < until);
    let fault_armed = fault_armed || m.outage_left > 0 || held_back;
    let truth_before = w.truth();
    let shown_before = w.agent.status();
    let puts_before = w.sandbox.count(Endpoint::Device);
    let lines_before = w.history().read().unwrap().len();
    let requests_before = w.sandbox.requests().len();
    let mut cli_click = false;
    match event {
        Event::Click(click, target) => {
            let (source, target) = match click {
                Click::Tray => (Source::Tray, target),
                Click::Window => (Source::Window, target),
                Click::Shortcut => (Source::Shortcut, agent_core::toggle_target(&shown_before)),
                Click::Cli => (Source::Cli, target),
            };
            // R5: the shortcut from unknown goes offline.
            if click == Click::Shortcut
                && shown_before.availability == Availability::Unknown
                && target != Target::Offline
            {
                return Err(format!("R5: the shortcut from unknown asked for {target:?}"));
            }
            // During an outage `exotel-agent` cannot even sign in: then nothing happened at all
            // (no change asked for, so nothing the app parked is forgotten either).
            let cli = match click {
                Click::Cli => match try_open(&w.sandbox, &w.dir, &w.clock).await {
                    Ok(cli) => Some(cli),
                    Err(_) => return Ok(()),
                },
                _ => None,
            };
            let result = match &cli {
                Some(cli) => cli.change(target, source).await,
                // The app's shortcut decides its target itself, under the duties lock (the
                // model's `target` is what it must decide: R5 above).
                None if click == Click::Shortcut => w.agent.toggle().await,
                None => w.agent.change(target, source).await,
            };
            // The app does not see what `exotel-agent` did until it reads.
            if click == Click::Cli {
                cli_click = true;
                m.stale = true;
                // Recorded by the command line only if it changed something.
                m.cli_unseen = (result.is_ok() && w.truth() != truth_before).then(|| w.truth());
            }
            m.restorable = None;
            m.owed = false;
            // R4: an explicit change cancels the break, in the app and in the settings file.
            if result.is_ok() && click != Click::Cli && w.agent.status().break_until.is_some() {
                return Err("R4: a break survived the agent's own change".into());
            }
            let stored =
                SettingsStore::new(w.dir.path().join("settings.toml")).load().unwrap().settings.on_break;
            if result.is_ok() && stored.is_some() {
                return Err("R4: the stored break survived the agent's own change".into());
            }
        }
        Event::Away(away) => {
            match away {
                AwayEvent::Locked => m.locked = true,
                AwayEvent::Sleeping => m.asleep = true,
                AwayEvent::Idle => m.idle = true,
                AwayEvent::Unlocked => {
                    m.locked = false;
                    m.idle = false;
                }
                AwayEvent::Woke => m.asleep = false,
                AwayEvent::Active => m.idle = false,
            }
            let _ = w.agent.away(away).await;
            if matches!(away, AwayEvent::Locked | AwayEvent::Sleeping | AwayEvent::Idle) {
                m.owed = true;
            } else if !m.away() {
                m.owed = false;
            }
            // R1: going away ends offline (unless a fault made the request fail, which is shown).
            if matches!(away, AwayEvent::Locked | AwayEvent::Sleeping | AwayEvent::Idle) {
                if let (Availability::Receiving(d), Availability::Offline, None) =
                    (truth_before, w.truth(), m.restorable)
                {
                    m.restorable = Some(d);
                }
                if !fault_armed && w.truth() != Availability::Offline {
                    return Err(format!("R1: {away:?} left Exotel at {:?}", w.truth()));
                }
            }
        }
        Event::BreakStart { minutes } => {
            let before = w.agent.status();
            let result = w.agent.start_break(Duration::from_secs(minutes * 60)).await;
            if let (Ok(_), Availability::Receiving(d)) = (&result, before.availability) {
                m.restorable = Some(d);
            }
            // The agent's own choice (R4): what going away owed is dropped.
            m.owed = false;
        }
        Event::BreakEnd => {
            let _ = w.agent.end_break().await;
        }
        Event::Minutes(minutes) => {
            w.clock.advance(i64::try_from(minutes).unwrap() * 60_000);
            w.agent.check_break().await;
        }
        Event::ClockJump { minutes } => {
            w.clock.advance(minutes * 60_000);
            w.agent.check_break().await;
        }
        Event::BehindBack(device) => {
            w.sandbox.set_active(
                DEMO_USER_ID,
                device.map(|d| if d == Device::Phone { DeviceName::Phone } else { DeviceName::Sip }),
            );
            // A change that changes nothing (offline when offline) is no change.
            if w.truth() != truth_before {
                m.stale = true;
                if m.restorable.is_some() {
                    m.unseen_restorable = m.restorable.take();
                }
                m.cli_unseen = None;
                m.owed = false;
            }
            // Changed and changed back before the app read again (a supervisor's phone on, then
            // off): the app cannot tell, and what it parked may come back (R3 is "nothing
            // changed since" as far as Exotel's replies can show).
            if m.app_saw == Some(w.truth()) && m.unseen_restorable.is_some() {
                m.restorable = m.unseen_restorable.take();
            }
        }
        // Already known from another source: nothing reaches the app.
        Event::Lock { .. } => {}
        // Not during an outage (it would end it early).
        Event::Fault(kind) if m.outage_left == 0 => arm(&w.sandbox, kind),
        Event::Fault(_) => {}
        Event::Outage { kind, events } => {
            open_outage(&w.sandbox, kind);
            if m.rate_limited {
                // The 429s it replaces hold requests back for their `Retry-After` still.
                m.limited_until = Some(tokio::time::Instant::now() + Duration::from_millis(1_200));
            }
            m.rate_limited = kind == OutageKind::RateLimited;
            // Counted down after this step; open for the next `events` events.
            m.outage_left = events + 1;
        }
        Event::Sync => {
            let _ = w.agent.refresh(Source::Sync).await;
            // (An away-offline owed may go through in the background meanwhile.)
            let owed_offline = shown_before.going_offline.is_some() && w.truth() == Availability::Offline;
            if truth_before != w.truth() && !owed_offline {
                return Err("a sync changed Exotel's state".into());
            }
        }
        // A restart during an outage could not sign in (the model's sign-in is Exotel's word):
        // not modelled.
        Event::Restart if m.outage_left > 0 => {}
        Event::Restart => {
            // The old process ends: what it owed goes with it (its session closes, sending
            // nothing).
            let _ = w.agent.sign_out().await;
            w.agent = open(&w.sandbox, &w.dir, &w.clock).await;
            w.latch = LockLatch::default();
            w.agent.set_preferences(prefs()).unwrap();
            w.agent.start().await;
            // A restarted app knows nothing of a lock or idleness before it (the OS tells it
            // again on the next change); a break kept in the settings file continues.
            *m = Model {
                stale: m.stale,
                restorable: m.restorable,
                outage_left: m.outage_left,
                rate_limited: m.rate_limited,
                limited_until: m.limited_until,
                ..Model::default()
            };
        }
    }
    // The app talked to Exotel (a reply it could read) during this step: what it shows is
    // Exotel's again.
    let contacted =
        !cli_click
            && w.sandbox.requests().iter().skip(requests_before).any(|r| {
                matches!(r.endpoint, Some(Endpoint::Device | Endpoint::Usermapping)) && r.status == 200
            });
    if contacted {
        m.stale = false;
        m.app_saw = Some(w.truth());
        m.unseen_restorable = None;
    }
    let shown = w.agent.status();
    let truth = w.truth();
    let new_lines: Vec<_> = w.history().read().unwrap().into_iter().skip(lines_before).collect();

    // Never a confirmed state Exotel lacks: what is shown is the truth, or unknown, or comes
    // with an error (or the app has not talked to Exotel since a change behind its back).
    if !m.stale
        && shown.availability != truth
        && shown.availability != Availability::Unknown
        && shown.last_error.is_none()
    {
        return Err(format!("shows {:?} but Exotel holds {truth:?}", shown.availability));
    }
    // (An owed offline's retry may be under way in the background.)
    if shown.pending.is_some() && shown.going_offline.is_none() {
        return Err("a change is left in flight".into());
    }
    // R2: while away, the app turns nothing on by itself.
    let turned_on = truth_before == Availability::Offline && matches!(truth, Availability::Receiving(_));
    let by_agent = matches!(event, Event::Click(..) | Event::BehindBack(_));
    if m.away() && turned_on && !by_agent {
        return Err(format!("R2: {truth:?} turned on while the agent is away"));
    }
    // R3: a device the app turns on by itself is one it turned off, with nothing changed since.
    for line in new_lines.iter().filter(|_| truth_before == Availability::Offline) {
        if line.outcome == Outcome::Confirmed
            && !explicit(line.source)
            && line.source != Source::Sync
            && let Availability::Receiving(d) = line.to
            && line.from == Availability::Offline
            && m.restorable != Some(d)
        {
            return Err(format!("R3: the app turned on {d:?} ({:?}) but had not turned it off", line.source));
        }
    }
    // Each real change once: a read that finds what `exotel-agent` set (and recorded) does not
    // record it again as "changed elsewhere".
    if matches!(event, Event::Sync)
        && m.cli_unseen == Some(truth)
        && let Some(again) = new_lines.iter().find(|l| l.source == Source::Sync)
    {
        return Err(format!("the command line's change to {:?} was recorded again", again.to));
    }
    if contacted {
        m.cli_unseen = None;
    }
    // No more PUTs than asked for, with the documented retries: at most two changes for one
    // event (a wake's restore and a break's), each at most two PUTs (offline from the other
    // device), each sent at most three times.
    // (Not while faults are open: an owed offline's retries go on in the background.)
    let puts = w.sandbox.count(Endpoint::Device) - puts_before;
    if puts > 12 && !fault_armed {
        return Err(format!("{puts} PUTs for one event"));
    }
    Ok(())
}

fn run_sequence(events: &[Event], steps: &AtomicUsize) -> Result<(), TestCaseError> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut w = World::new().await;
        let mut m = Model::default();
        let mut fault_armed = false;
        for (i, &event) in events.iter().enumerate() {
            let during_outage = m.outage_left > 0;
            if let Err(why) = step(&mut w, &mut m, event, fault_armed).await {
                return Err(TestCaseError::fail(format!("step {i} ({event:?}): {why}")));
            }
            steps.fetch_add(1, Ordering::Relaxed);
            // An outage lasts for its events; a fault for the event after the one that armed it.
            if m.outage_left > 0 {
                m.outage_left -= 1;
                if m.outage_left == 0 {
                    w.sandbox.clear_faults();
                    if std::mem::take(&mut m.rate_limited) {
                        // The last 429's `Retry-After: 1` (and a little room).
                        m.limited_until = Some(tokio::time::Instant::now() + Duration::from_millis(1_200));
                    }
                }
            } else if fault_armed {
                w.sandbox.clear_faults();
            }
            // (A fault event during an outage arms nothing.)
            fault_armed = matches!(event, Event::Fault(_)) && !during_outage;
            if m.outage_left == 0
                && !fault_armed
                && let Err(why) = settle(&w, &mut m).await
            {
                return Err(TestCaseError::fail(format!("after step {i} ({event:?}): {why}")));
            }
        }
        Ok(())
    })
}

/// Long (about a minute in a debug build): the test command runs it in a step of its own,
/// which shows its closing line (`scripts/test.sh`).
#[test]
#[ignore = "run by scripts/test.sh in its own step: cargo test -p agent-core --test safety_model -- --ignored"]
fn safety_model() {
    let events = proptest::collection::vec(event(), 30..=40);
    support::run_model("safety model", true, &SEED, SEQUENCES, events, |events, steps| {
        run_sequence(&events, steps)
    });
}
