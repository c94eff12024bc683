//! R1 through an outage (issue 26): an away-offline that Exotel refused is owed and tried
//! again until Exotel confirms it, through `Agent` against the sandbox with every endpoint
//! failing for a while. One named test per path; the safety model (`safety_model.rs`) walks
//! random fault windows through them and checks liveness.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use agent_core::{AwayEvent, Outcome, Source, Target};
use exotel_api::{Availability, Device};
use exotel_sandbox::{DeviceName, Endpoint, Fault};
use support::{OUTAGE_BACKOFF, World, until_agent};

const PHONE: Target = Target::Receiving(Device::Phone);

/// Every endpoint answers with `fault` until [`recover`].
fn outage(t: &World, fault: &Fault) {
    for endpoint in [Endpoint::Token, Endpoint::Device, Endpoint::Usermapping] {
        t.sandbox.set_fault(endpoint, fault.clone());
    }
}

fn recover(t: &World) {
    t.sandbox.clear_faults();
}

/// The longest the app may take to confirm offline once Exotel answers again: the longest
/// wait between attempts (200 ms), and the attempt itself, with room for a busy machine (and
/// Wine, in the Windows lane).
const BOUND: Duration = Duration::from_millis(200 + 2_800);

/// Waits, at most [`BOUND`], until the sandbox has the agent offline.
async fn offline_within_bound(t: &World) -> bool {
    let started = tokio::time::Instant::now();
    while started.elapsed() < BOUND {
        if t.active().is_none() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    t.active().is_none()
}

#[tokio::test]
async fn a_lock_during_an_outage_ends_offline_once_exotel_answers_again_still_locked() {
    let t = World::new().await;
    let agent = t.outage_agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    outage(&t, &Fault::status(503));
    let locked = agent.away(AwayEvent::Locked).await.unwrap();
    assert!(locked.is_err(), "the first attempt fails");
    let owed = agent.status().going_offline.expect("the status says the offline is owed");
    assert_eq!((owed.source, owed.attempts), (Source::Lock, 1));
    assert_eq!(agent.status().availability, Availability::Receiving(Device::Phone), "never shown offline");
    // Still failing: it keeps trying, and counts.
    until_agent(&agent, |s| s.going_offline.is_some_and(|g| g.attempts >= 3)).await;
    assert_eq!(t.active(), Some(DeviceName::Phone));

    recover(&t);
    assert!(offline_within_bound(&t).await, "offline within the backoff bound, the screen still locked");
    let s = until_agent(&agent, |s| s.going_offline.is_none()).await;
    assert_eq!(s.availability, Availability::Offline);
    assert_eq!(s.parked, Some(Device::Phone), "the phone waits for the agent's return");

    // One line for the failure, one for the offline with its count: not one per retry.
    let lines = t.history().read().unwrap();
    let lock_lines: Vec<_> = lines.iter().filter(|c| c.source == Source::Lock).collect();
    assert_eq!(lock_lines.len(), 2, "{lock_lines:?}");
    assert_eq!(lock_lines[0].outcome, Outcome::Failed);
    assert_eq!((lock_lines[1].outcome, lock_lines[1].to), (Outcome::Confirmed, Availability::Offline));
    assert!(lock_lines[1].attempts.is_some_and(|n| n >= 3), "{:?}", lock_lines[1].attempts);

    // The agent returns: the phone the app turned off comes back.
    let back = agent.away(AwayEvent::Unlocked).await.unwrap().unwrap();
    assert_eq!(back.availability, Availability::Receiving(Device::Phone));
    assert_eq!(t.active(), Some(DeviceName::Phone));
}

#[tokio::test]
async fn idle_during_an_outage_ends_offline_once_exotel_answers_again_still_idle() {
    let t = World::new().await;
    let agent = t.outage_agent().await;
    agent.change(Target::Receiving(Device::Sip), Source::Tray).await.unwrap();
    outage(&t, &Fault::dropped());
    assert!(agent.away(AwayEvent::Idle).await.unwrap().is_err());
    assert_eq!(agent.status().going_offline.map(|g| g.source), Some(Source::Idle));
    tokio::time::sleep(Duration::from_millis(100)).await;
    recover(&t);
    assert!(offline_within_bound(&t).await);
    let s = until_agent(&agent, |s| s.going_offline.is_none()).await;
    assert_eq!((s.availability, s.parked), (Availability::Offline, Some(Device::Sip)));
}

/// Sleep: the offline before the suspend failed, and the network stayed down while asleep
/// (no retry could reach Exotel). The first thing at wake is the offline; then the away rules
/// decide (the screen is still locked: nothing comes back).
#[tokio::test]
async fn sleep_during_an_outage_sends_the_offline_first_at_wake() {
    let t = World::new().await;
    let agent = t.outage_agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    agent.away(AwayEvent::Locked).await.unwrap().unwrap();
    // Someone turned the phone on again while locked, and the network went.
    t.sandbox.set_active(exotel_sandbox::DEMO_USER_ID, Some(DeviceName::Phone));
    outage(&t, &Fault::status(502));
    assert!(agent.away(AwayEvent::Sleeping).await.unwrap().is_err());
    assert!(agent.status().going_offline.is_some());
    recover(&t);
    let puts = t.sandbox.count(Endpoint::Device);
    agent.away(AwayEvent::Woke).await;
    assert_eq!(t.active(), None, "offline at wake");
    let first_put =
        t.sandbox.requests().into_iter().filter(|r| r.endpoint == Some(Endpoint::Device)).nth(puts);
    assert_eq!(first_put.map(|r| r.status), Some(200), "the wake's first change is the offline");
    assert_eq!(agent.status().going_offline, None);
}

/// Woken with no lock: the offline owed goes first, then the agent is back, and R3 restores
/// what the app turned off (only that).
#[tokio::test]
async fn a_wake_without_a_lock_sends_the_offline_then_restores_what_it_turned_off() {
    let t = World::new().await;
    let agent = t.outage_agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    outage(&t, &Fault::status(503));
    assert!(agent.away(AwayEvent::Sleeping).await.unwrap().is_err());
    recover(&t);
    let woke = agent.away(AwayEvent::Woke).await.unwrap().unwrap();
    assert_eq!(woke.availability, Availability::Receiving(Device::Phone));
    let sources: Vec<_> = t
        .history()
        .read()
        .unwrap()
        .iter()
        .filter(|c| c.outcome == Outcome::Confirmed)
        .map(|c| c.to)
        .collect();
    assert_eq!(
        sources[sources.len() - 2..],
        [Availability::Offline, Availability::Receiving(Device::Phone)],
        "offline first, then the phone back"
    );
}

/// An outage that outlasts the lock: unlocking cancels what is owed and restores nothing
/// (nothing was turned off); no request is sent for it afterwards.
#[tokio::test]
async fn an_outage_that_outlasts_the_lock_is_cancelled_by_unlock_and_restores_nothing() {
    let t = World::new().await;
    let agent = t.outage_agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    outage(&t, &Fault::status(503));
    assert!(agent.away(AwayEvent::Locked).await.unwrap().is_err());
    let unlocked = agent.away(AwayEvent::Unlocked).await;
    assert!(unlocked.is_none(), "nothing to restore: nothing was turned off");
    let s = agent.status();
    assert_eq!((s.going_offline, s.parked), (None, None));
    recover(&t);
    let puts = t.sandbox.count(Endpoint::Device);
    tokio::time::sleep(OUTAGE_BACKOFF.max * 3).await;
    assert_eq!(t.sandbox.count(Endpoint::Device), puts, "no offline sent after the agent came back");
    assert_eq!(t.active(), Some(DeviceName::Phone));
}

/// R4: the agent's own change while the offline is owed wins, and ends it.
#[tokio::test]
async fn the_agents_own_change_ends_what_is_owed() {
    let t = World::new().await;
    let agent = t.outage_agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    outage(&t, &Fault::status(503));
    assert!(agent.away(AwayEvent::Locked).await.unwrap().is_err());
    recover(&t);
    let s = agent.change(Target::Receiving(Device::Sip), Source::Window).await.unwrap();
    assert_eq!(s.going_offline, None);
    tokio::time::sleep(OUTAGE_BACKOFF.max * 3).await;
    assert_eq!(t.active(), Some(DeviceName::Sip), "the agent's choice stands");
}

/// A 429 with `Retry-After`: the next attempt waits for it (never sooner), then goes through.
#[tokio::test]
async fn a_rate_limited_offline_waits_for_retry_after_then_holds() {
    let t = World::new().await;
    let agent = t.outage_agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    t.sandbox.set_fault(Endpoint::Device, Fault::status(429).with_retry_after(1).times(1));
    let started = tokio::time::Instant::now();
    assert!(agent.away(AwayEvent::Locked).await.unwrap().is_err(), "refused");
    let owed = agent.status().going_offline.expect("owed");
    assert!(owed.next_at >= agent_core::now_ms() + 800, "the next attempt is announced after Retry-After");
    let puts = t.sandbox.count(Endpoint::Device);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(t.sandbox.count(Endpoint::Device), puts, "nothing sent before Retry-After");
    // Not even tried (the session's own gate would refuse it unsent, and count an attempt).
    assert_eq!(agent.status().going_offline.map(|g| g.attempts), Some(1), "no attempt before Retry-After");
    until_agent(&agent, |s| s.going_offline.is_none()).await;
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(t.active(), None);
}

/// A read that finds the agent offline (the write was lost but carried out, or someone else
/// turned the phone off) ends what is owed without another change.
#[tokio::test]
async fn a_read_that_finds_the_agent_offline_ends_what_is_owed() {
    let t = World::new().await;
    let agent = t.outage_agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    t.sandbox.set_fault(Endpoint::Device, Fault::status(503));
    t.sandbox.set_fault(Endpoint::Usermapping, Fault::status(503));
    assert!(agent.away(AwayEvent::Locked).await.unwrap().is_err());
    t.sandbox.set_active(exotel_sandbox::DEMO_USER_ID, None);
    t.sandbox.clear_faults();
    t.sandbox.set_fault(Endpoint::Device, Fault::status(503));
    let puts = t.sandbox.count(Endpoint::Device);
    let s = agent.refresh(Source::Sync).await.unwrap();
    assert_eq!(s.availability, Availability::Offline);
    let done = until_agent(&agent, |s| s.going_offline.is_none()).await;
    assert_eq!(done.parked, None, "the app did not turn it off: nothing to restore");
    tokio::time::sleep(OUTAGE_BACKOFF.max * 2).await;
    assert_eq!(t.sandbox.count(Endpoint::Device), puts, "ended without another change");
}

/// Quitting during an outage where nobody can be asked (the session ending): the bounded wait,
/// the failure in the history, and at the next start the agent is told once.
#[tokio::test]
async fn a_quit_that_could_not_go_offline_is_told_once_at_the_next_start() {
    let t = World::new().await;
    let agent = t.outage_agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    outage(&t, &Fault::status(503));
    let started = tokio::time::Instant::now();
    let outcome = agent.quit_offline(Duration::from_secs(2)).await;
    assert!(matches!(outcome, agent_core::QuitOutcome::Failed(_)), "{outcome:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "bounded");
    let last = t.history().read().unwrap().pop().unwrap();
    assert_eq!((last.source, last.outcome), (Source::Quit, Outcome::Failed));
    drop(agent);

    recover(&t);
    let next = t.outage_agent().await;
    let told = next.untold_quit_failure(&t.history()).expect("told at the next start");
    assert_eq!(told.to, Availability::Receiving(Device::Phone));
    let w = agent_core::words::Words::of(agent_core::words::Lang::En);
    let n = agent_core::present::last_quit_notice(w, &told);
    assert_eq!(n.title, "When you last quit, going offline failed");
    assert!(n.body.contains("receiving calls on phone"), "{}", n.body);
    assert_eq!(next.untold_quit_failure(&t.history()), None, "once");
    // A quit that went through is nothing to tell.
    assert!(next.quit_offline(Duration::from_secs(2)).await == agent_core::QuitOutcome::Offline);
    assert_eq!(t.outage_agent().await.untold_quit_failure(&t.history()), None);
}
